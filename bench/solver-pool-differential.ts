/**
 * Differential stress of the solver pool (moved out of the test suite: its verdict must never
 * depend on how long a loaded machine takes). Real extracted queries (the examples and the audit
 * snippets) plus queries that time out, exhaust rlimit, fail to parse or reuse constant names with
 * other sorts, sent through ONE pool in shuffled orders (seeded fast-check), in concurrent batches,
 * interleaved with cancellations. Every answer is compared with a reference from a FRESH z3
 * Context + Solver per query (no push/pop, no state shared with any other query). Soundness rule
 * checked: the pool never says unsat where the reference says sat, and every definite pool answer
 * equals the reference's definite answer.
 *
 *   npm run build && node dist/bench/solver-pool-differential.js [--runs N] [--seed S]
 *
 * test/verifier/solver-pool-differential.test.ts runs a small deterministic slice of it (one
 * order over a fixed subset of the corpus); this script runs the whole corpus in N orders
 * (default 8) and prints how long it took. DIFF_DEBUG=1 logs every answer.
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import fc from "fast-check";
import { loadDocument } from "../spec/load.js";
import { extractObligations } from "../verifier/extract/index.js";
import { SolverPool } from "../verifier/solver/pool.js";
import type { SolveOutcome } from "../verifier/solver/protocol.js";
import { projectRoot } from "../support/compiled-path.js";

export interface Query {
  readonly name: string;
  readonly smt: string;
  readonly timeoutMs: number;
  readonly rlimit: number;
  readonly jsIntegers: readonly string[];
}
export type Answer = "sat" | "unsat" | "unknown" | "error";

const examplesDir = join(projectRoot(), "examples") + "/";
export const HARD =
  "(declare-const x Int)(declare-const y Int)(declare-const z Int)(assert (> x 1))(assert (> y 1))(assert (> z 1))" +
  "(assert (= (+ (* x x x) (* y y y)) (* z z z)))(check-sat)";

/** Audit snippets (test/verifier/audit-regressions.test.ts), including the `j = x / 2` case. */
const SNIPPETS: readonly { code: string; pre?: string[]; post?: string[] }[] = [
  ...["Math.floor(x)", "Math.trunc(x / 2)", "x / 2"].map((j) => ({
    code: `export function f(a: number[], x: number): number {\n  const j = ${j};\n  if (j >= 0 && j < a.length) return a[j];\n  return 0;\n}`,
  })),
  ...["z + z", "z - 0", "z * 1", "Math.floor(z / 2)", "z % 5", "zero + zero"].map((e) => ({
    code: `export function f(a: number[]): number {\n  let zero = 0;\n  const z = -zero;\n  if (1 / (${e}) > 0) return 0;\n  return a[100];\n}`,
  })),
  ...["r === -1", "r === -1 || r >= s.length"].map((g) => ({
    code: `export function f(s: string, t: string): string {\n  const r = s.indexOf(t, 5);\n  if (${g}) return "";\n  return s[r];\n}`,
  })),
  ...["k * k < 0", "k * k < 1"].map((c) => ({
    code: `export function f(a: number[], k: number): number {\n  if (${c}) return a[100];\n  return 0;\n}`,
    pre: ["Number.isSafeInteger(k)"],
  })),
  ...["r", "x"].map((r) => ({
    code: `export function f(x: number): number {\n  const r = x;\n  x = x + 1;\n  return ${r};\n}`,
    pre: ["Number.isSafeInteger(x) && x < 1000"],
    post: ["result == x"],
  })),
  { code: `export function f(a: number[]): number {\n  let i = 0;\n  a[i++]++;\n  return a[i - 2];\n}`, pre: ["a.length >= 3"] },
  { code: `export function f(a: number[], b: number[]): number {\n  if (a.length === 0) return 0;\n  const k = a[0] ?? 100;\n  return b[k];\n}`, pre: ["len(b) == 10"] },
];

function jsIntegersOf(smt: string, symbols: Readonly<Record<string, string>> | undefined): string[] {
  const named = new Set(Object.keys(symbols ?? {}));
  return [...smt.matchAll(/\(declare-const (\S+) Int\)/g)].map((m) => m[1]!).filter((n) => named.has(n));
}

export async function buildCorpus(): Promise<Query[]> {
  const out = new Map<string, Query>();
  const add = (name: string, smt: string, jsIntegers: readonly string[], timeoutMs = 20_000, rlimit = 0): void => {
    if (!out.has(smt + timeoutMs + rlimit)) out.set(smt + timeoutMs + rlimit, { name, smt, timeoutMs, rlimit, jsIntegers });
  };
  for (const file of readdirSync(examplesDir).filter((f) => f.endsWith(".anrf.json")).sort()) {
    const loaded = await loadDocument(examplesDir + file);
    if (loaded.document === undefined || loaded.module === undefined) continue;
    for (const o of extractObligations({ document: loaded.document, module: loaded.module }).obligations) {
      if (o.smt !== null) add(`${file}:${o.id}`, o.smt, jsIntegersOf(o.smt, o.symbols));
    }
  }
  SNIPPETS.forEach((s, i) => {
    const { obligations } = extractObligations({
      documentFile: "doc.anrf.json",
      moduleFile: "mod.ts",
      moduleText: s.code,
      entities: [{ id: "f", name: "f", type: "Function" }],
      contracts: [{ id: "C-f", preconditions: s.pre ?? [], postconditions: s.post ?? [], invariants: [], applies_to: ["f"] }],
      invariants: [],
      filesystem: "None",
      network: false,
      mounts: [],
    });
    for (const o of obligations) if (o.smt !== null) add(`snippet${i}:${o.id}`, o.smt, jsIntegersOf(o.smt, o.symbols));
  });
  // Same constant names, other sorts, across queries (declarations are local to one parse).
  add("x-int-sat", "(declare-const x Int)(declare-const j Int)(assert (= j (div x 2)))(assert (> j 3))(check-sat)", ["x", "j"]);
  add("x-real-sat", "(declare-const x Real)(declare-const j Real)(assert (= j (/ x 2.0)))(assert (> j 0.25))(assert (< j 0.5))(check-sat)", []);
  // (fp.neg, not fp.div: after a push z3 decides this by its incremental SMT core, where an fp
  // division took ~10 s; the corpus needs the sort clash, not a hard query.)
  add("x-fp-sat", "(declare-const x Float64)(declare-const j Float64)(assert (= j (fp.neg x)))(assert (fp.lt j ((_ to_fp 11 53) RNE 0.5)))(assert (fp.gt j ((_ to_fp 11 53) RNE 0.25)))(check-sat)", []);
  add("x-bool-unsat", "(declare-const x Bool)(declare-const j Bool)(assert (= j (not x)))(assert (= j x))(check-sat)", []);
  add("x-string-sat", '(declare-const x String)(declare-const j Int)(assert (= j (str.len x)))(assert (> j 2))(assert (= (str.at x 0) "a"))(check-sat)', ["j"]);
  // Limits: a timeout and an rlimit exhaustion on a query z3 cannot decide.
  add("hard-timeout", HARD, [], 150, 0);
  add("hard-rlimit", HARD, [], 30_000, 3_000);
  add("parse-error", "(declare-const x Int)(assert (foo x))(check-sat)", []);
  return [...out.values()];
}

export type Z3Api = Awaited<ReturnType<(typeof import("z3-solver"))["init"]>>;

/** A fresh Context and Solver for this one query: nothing survives from any other query. */
export async function reference(api: Z3Api, q: Query, n: number): Promise<Answer> {
  const ctx = new api.Context(`ref${n}`);
  try {
    const solver = new ctx.Solver();
    solver.set("timeout", q.timeoutMs);
    solver.set("rlimit", q.rlimit);
    const ptr = api.Z3.parse_smtlib2_string(ctx.ptr, q.smt, [], [], [], []);
    if (api.Z3.get_error_code(ctx.ptr) !== 0) return "error";
    const AstVectorFromPtr = ctx.AstVector as unknown as new (ptr: unknown) => InstanceType<typeof ctx.AstVector>;
    solver.add(new AstVectorFromPtr(ptr) as Parameters<typeof solver.add>[0]);
    return await solver.check();
  } catch {
    return "error";
  }
}

function answerOf(outcome: SolveOutcome): Answer | "failed" {
  return outcome.kind === "answer" ? outcome.answer : outcome.reason.includes("parse error") ? "error" : "failed";
}


export interface DifferentialResult {
  readonly compared: number;
  readonly cancelled: number;
  readonly mismatches: readonly string[];
}

/**
 * Sends `corpus` through `pool` in `runs` seeded shuffled orders, in batches of 1–6 with up to three
 * cancelled hard queries per order, and compares every answer with `refs` (fresh-solver answers).
 * Bounded by counts only: the verdict never depends on how fast the machine is.
 */
export async function runDifferential(pool: SolverPool, corpus: readonly Query[], refs: readonly Answer[], options: { runs: number; seed: number }): Promise<DifferentialResult> {
  let compared = 0;
  let cancelled = 0;
  const mismatches: string[] = [];
  const indices = corpus.map((_, i) => i);
  await fc.assert(
    fc.asyncProperty(
      fc.shuffledSubarray(indices, { minLength: indices.length, maxLength: indices.length }),
      fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 64, maxLength: 64 }),
      fc.array(fc.record({ at: fc.nat(indices.length - 1), delayMs: fc.integer({ min: 0, max: 40 }) }), { minLength: 1, maxLength: 3 }),
      async (order, batchSizes, cancels) => {
        let pos = 0;
        let batch = 0;
        while (pos < order.length) {
          const size = batchSizes[batch++ % batchSizes.length]!;
          const slice = order.slice(pos, pos + size);
          const jobs: Promise<void>[] = slice.map(async (i) => {
            const q = corpus[i]!;
            const outcome = await pool.solve({ smt: q.smt, timeoutMs: q.timeoutMs, rlimit: q.rlimit, jsIntegers: q.jsIntegers });
            const got = answerOf(outcome);
            if (process.env["DIFF_DEBUG"]) console.log(`${q.name} ${got} ${outcome.timeMs.toFixed(0)}ms ${outcome.kind === "failed" ? outcome.reason : ""}`);
            const want = refs[i]!;
            compared++;
            const definite = (a: string): boolean => a === "sat" || a === "unsat";
            if ((got === "unsat" && want !== "unsat") || (definite(got) && definite(want) && got !== want) || (got === "error") !== (want === "error")) {
              mismatches.push(`${q.name}: pool ${got}, fresh ${want}`);
            }
            // A crashed or stuck worker is heap corruption in z3 (a GC release racing a check
            // did this before z3-session.ts stopped creating finalizable wrappers per query).
            if (outcome.kind === "failed" && /crashed|did not answer/.test(outcome.reason)) mismatches.push(`${q.name}: ${outcome.reason}`);
          });
          // Cancellations land in the middle of the batch: a query answered or killed in flight
          // must not hand its answer to the next request. (The delay only varies where the
          // cancellation lands; any landing point must give a correct answer.)
          for (const c of cancels.filter((c) => c.at >= pos && c.at < pos + size)) {
            const ac = new AbortController();
            const q = corpus[order[c.at]!]!;
            jobs.push(
              pool.solve({ smt: HARD, timeoutMs: 10_000, rlimit: 0 }, ac.signal).then((o) => {
                cancelled++;
                if (o.kind === "answer" && o.answer === "unsat") mismatches.push(`cancelled hard query answered unsat (near ${q.name})`);
              }),
            );
            setTimeout(() => ac.abort(), c.delayMs);
          }
          await Promise.all(jobs);
          pos += size;
        }
        if (mismatches.length > 0) throw new Error(mismatches.join("\n"));
      },
    ),
    { seed: options.seed, numRuns: options.runs },
  );
  return { compared, cancelled, mismatches };
}

async function main(): Promise<void> {
  const arg = (name: string, fallback: number): number => {
    const i = process.argv.indexOf(name);
    return i === -1 ? fallback : Number(process.argv[i + 1]);
  };
  const runs = arg("--runs", 8);
  const seed = arg("--seed", 20261125);
  const corpus = await buildCorpus();
  const z3 = await import("z3-solver");
  const api = await z3.init();
  const refs: Answer[] = [];
  for (const [i, q] of corpus.entries()) refs.push(await reference(api, q, i));
  const pool = new SolverPool({ size: 1 });
  const started = performance.now();
  try {
    const result = await runDifferential(pool, corpus, refs, { runs, seed });
    const seconds = (performance.now() - started) / 1000;
    console.log(`solver-pool differential: ${corpus.length} queries × ${runs} orders (seed ${seed}): ${result.compared} compared, ${result.cancelled} cancellations, 0 mismatches, ${seconds.toFixed(1)} s`);
  } finally {
    await pool.close();
  }
  process.exit(0);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
