/**
 * Checks benchmark (issue 14), all in one run on one machine: for the examples' kernels and
 * realistic kernels (bench/checks-kernels.ts), per-call guest time of
 *   uninstrumented · production before/after · development before/after
 * where "before" is the generic call `C.b(o, i, k)` at every bounds site and "after" the inline
 * guards (runtime/host/instrument-guards.ts) and versioned counting loops
 * (runtime/host/instrument-hoist.ts); production keeps only the checks whose
 * obligation the real verifier did not prove. Each variant runs in its own warm worker, N calls
 * per guest run (timed by the guest), repetitions interleaved so drift hits all variants alike.
 * Check counts: executions per call in testing mode (every check, counted), and calls into the
 * check runtime per call in development after (the guards' slow path).
 *
 *   npm run build && node dist/bench/checks-bench.js [--reps 7] [--forks K] [--only NAME] [--out bench/results/checks.md]
 *
 * --forks K: the measurement runs in K fresh processes, one after another (the verdicts are
 * computed once, here). A JIT compiles each process's code anew, and the same instrumented code
 * can run ±10–20 % apart in two processes (code layout, inlining decisions) while runs within
 * one process agree — so one process's ratio can be off by more than the overheads measured.
 * With forks the tables give, per kernel and variant, the median over the processes of each
 * process's ratio (its least-disturbed runs), and every process's ratio beside it (JMH forks
 * for the same reason).
 */
import { cpus, loadavg, totalmem } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { projectRoot } from "../support/compiled-path.js";
import { loadDocument, type LoadedDocument } from "../spec/load.js";
import { verifyDocument } from "../verifier/index.js";
import type { ObligationResult } from "../verifier/obligation.js";
import { ts } from "ts-morph";
import { instrument } from "../runtime/host/instrument.js";
import { topLevelFunction } from "../runtime/host/param-shapes.js";
import { clausesFor, functionEntities } from "../runtime/host/document-view.js";
import { deriveLimits } from "../runtime/host/limits.js";
import { Sandbox } from "../runtime/host/sandbox.js";
import { startThreadChannel } from "../runtime/host/thread-channel.js";
import type { LoadMessage, RunMode } from "../runtime/guest/protocol.js";
import { kernelDocument } from "./checks-kernels.js";
import { makeChecks } from "../runtime/guest/checks.js";

const root = projectRoot();
const { values } = parseArgs({
  options: {
    reps: { type: "string", default: "7" },
    only: { type: "string" },
    out: { type: "string", default: join(root, "bench", "results", "checks.md") },
    /** Evaluate the instrumented modules in this process (real check runtime, no SES compartment): no per-run compartment overhead to subtract. */
    "in-process": { type: "boolean", default: false },
    forks: { type: "string", default: "1" },
    /** Internal (a fork): the verdicts by document, as the parent computed them. */
    "fork-verdicts": { type: "string" },
    /** Internal (a fork): where the fork writes its rows (JSON). */
    "fork-rows": { type: "string" },
  },
});
const REPS = Number(values.reps);
const FORKS = Number(values.forks);
if (!Number.isSafeInteger(REPS) || REPS < 1) throw new Error(`--reps needs a whole number >= 1 (got ${values.reps})`);
if (!Number.isSafeInteger(FORKS) || FORKS < 1) throw new Error(`--forks needs a whole number >= 1 (got ${values.forks})`);
/** Target guest time of one uninstrumented run (the call count N is calibrated to it). */
const TARGET_MS = 5;

interface Kernel {
  readonly name: string;
  /** An example document, or undefined for the realistic kernels' generated document. */
  readonly doc?: string;
  readonly entry: string;
  readonly args: () => unknown[];
  readonly realistic: boolean;
}

let seed = 12345;
const rand = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
const ints = (n: number, max: number) => Array.from({ length: n }, () => Math.floor(rand() * max));
const text = (n: number, alphabet: string) => Array.from({ length: n }, () => alphabet[Math.floor(rand() * alphabet.length)]).join("");
const bytes = (n: number) => Uint8Array.from({ length: n }, (_, i) => (i * 31) & 255);

const kernels: Kernel[] = [
  { name: "adler32 (64 KiB)", doc: "examples/adler32-checksum.anrf.json", entry: "adler32", args: () => [bytes(65536)], realistic: false },
  { name: "matmul 32×32 (example)", doc: "examples/matrix-multiply.anrf.json", entry: "matmul", args: () => [Array.from({ length: 1024 }, (_, i) => i % 7), Array.from({ length: 1024 }, (_, i) => i % 5), 32, 32, 32], realistic: false },
  { name: "binarySearch (example, 4096)", doc: "examples/binary-search.anrf.json", entry: "binarySearch", args: () => [Int32Array.from({ length: 4096 }, (_, i) => i * 2), 3001 * 2], realistic: false },
  { name: "sanitizeLabel (4 KiB)", doc: "examples/label-sanitizer.anrf.json", entry: "sanitizeLabel", args: () => ["ab-c_D/é ".repeat(455), 4096], realistic: false },
  { name: "countUnsafe (4 KiB)", doc: "examples/label-sanitizer.anrf.json", entry: "countUnsafe", args: () => ["ab-c_D/é ".repeat(455)], realistic: false },
  { name: "ring buffer read", doc: "examples/ring-buffer.anrf.json", entry: "ringRead", args: () => [Array.from({ length: 64 }, (_, i) => i), 60, 7], realistic: false },
  { name: "selection sort (400)", entry: "selectionSort", args: () => [ints(400, 1000)], realistic: true },
  { name: "gnome sort (300)", entry: "gnomeSort", args: () => [ints(300, 1000)], realistic: true },
  { name: "insertion sort (600)", entry: "insertionSort", args: () => [ints(600, 1000)], realistic: true },
  { name: "LCS (300×300)", entry: "longestCommonSubsequence", args: () => [text(300, "ACGT"), text(300, "ACGT")], realistic: true },
  { name: "edit distance (300×300)", entry: "editDistance", args: () => [text(300, "abcde"), text(300, "abcde")], realistic: true },
  { name: "lower bound ×2000 (4096)", entry: "countLowerBounds", args: () => [Array.from({ length: 4096 }, (_, i) => i * 3), ints(2000, 12288)], realistic: true },
  { name: "sieve (100 000)", entry: "countPrimes", args: () => [100_000], realistic: true },
  { name: "KMP count (64 KiB text)", entry: "kmpCount", args: () => [text(65536, "ab"), "abaab"], realistic: true },
  { name: "matmul 48×48 (Float64Array)", entry: "matmulTrace", args: () => [Float64Array.from(ints(48 * 48, 10)), Float64Array.from(ints(48 * 48, 10)), 48], realistic: true },
  { name: "prefix sums (10 000, 5000 queries)", entry: "rangeSums", args: () => [ints(10_000, 100), Array.from({ length: 10_000 }, (_, i) => (i % 2 === 0 ? Math.floor(rand() * 5000) : 5000 + Math.floor(rand() * 5000)))], realistic: true },
];

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
/** The least-disturbed run: on a shared, loaded machine, CPU-bound time is best estimated by the minimum. */
const least = (xs: number[]) => Math.min(...xs);

/** The harness is appended after the module, so every obligation's offsets stay valid. */
function withHarness(source: string, entry: string): string {
  return `${source}\nexport function __bench(n: number, ...args: any[]): unknown {\n  const f: any = ${entry};\n  let r: unknown;\n  for (let k = 0; k < n; k++) r = f(...args);\n  return r;\n}\n`;
}

type Variant = "uninstrumented" | "production before" | "production" | "development before" | "development" | "testing" | "testing hoisted";
const TIMED: readonly Variant[] = ["uninstrumented", "production before", "production", "development before", "development"];

async function sandboxFor(loaded: LoadedDocument, obligations: readonly ObligationResult[], entry: string, variant: Variant): Promise<{ sandbox: Sandbox; inserted: number }> {
  const doc = loaded.document!;
  const entities = [...functionEntities(doc).values()].map((e) => ({ id: e.id, name: e.name, clauses: clausesFor(doc, e.id) }));
  const mode: RunMode = variant.startsWith("development") ? "development" : variant.startsWith("testing") ? "testing" : "production";
  const inst = instrument({
    source: withHarness(loaded.module!.text, entry),
    file: loaded.module!.file,
    obligations,
    mode,
    entities,
    bare: variant === "uninstrumented",
    inlineChecks: variant.startsWith("testing") ? false : !variant.endsWith("before"),
    // Counted only: every check the versioned loops still execute (generic calls, counted).
    hoistLoops: variant === "testing hoisted" ? true : undefined,
  });
  if (inst.diagnostics.length > 0) throw new Error(inst.diagnostics.join("\n"));
  const limits = { ...deriveLimits(doc, { timeMs: 120_000 }), maxOldGenerationSizeMb: 256, arrayBufferBytes: 1 << 30 };
  // Kernels touch no files: no mount is granted (mounts come from the operator only).
  const grants = { filesystem: doc.security.isolation_requirements.resource_limits.filesystem, mounts: [], network: false as const };
  const load: LoadMessage = { type: "load", js: inst.js, checkParam: inst.checkParam, checks: inst.checks, grants, mode, allocBytes: limits.arrayBufferBytes, resultBytes: limits.resultBytes, entities: {}, moduleFile: loaded.module!.file };
  // Checks in the kernel's functions — the entry's and those of the entities it calls, transitively
  // (the module holds other kernels; entry argument checks not counted).
  const mine = kernelEntities(loaded, entry);
  const inserted = inst.checks.filter((c) => mine.has(c.entity) && c.status !== "entry").length;
  if (values["in-process"]) return { sandbox: localFor(inst, mode, entry), inserted };
  return { sandbox: await Sandbox.start(startThreadChannel(limits), load), inserted };
}

/**
 * The entity ids of the entry and of every Function entity it calls, transitively: a direct call
 * `name(…)` of another entity's module-level function, found syntactically (a same-named local
 * function would add an entity too many — the counts then include more, never less).
 */
const kernelEntitiesSeen = new Map<string, ReadonlySet<string>>();
function kernelEntities(loaded: LoadedDocument, entry: string): ReadonlySet<string> {
  const key = `${loaded.absoluteFile}\0${entry}`;
  const seen = kernelEntitiesSeen.get(key);
  if (seen !== undefined) return seen;
  const sf = ts.createSourceFile("kernel.ts", loaded.module!.text, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const entities = functionEntities(loaded.document!);
  const out = new Set<string>();
  const pending = [entry];
  while (pending.length > 0) {
    const name = pending.pop()!;
    const e = entities.get(name);
    if (e === undefined || out.has(e.id)) continue;
    out.add(e.id);
    const fn = topLevelFunction(sf, name);
    const visit = (n: ts.Node): void => {
      if (ts.isCallExpression(n) && ts.isIdentifier(n.expression) && entities.has(n.expression.text)) pending.push(n.expression.text);
      ts.forEachChild(n, visit);
    };
    if (fn !== undefined) visit(fn);
  }
  kernelEntitiesSeen.set(key, out);
  return out;
}

/**
 * In-process stand-in for a sandbox: the same instrumented JavaScript and check runtime, evaluated
 * with `new Function`, timed around the calls. `__bench(n, …args)` is n calls of the kernel's
 * entry, each made as the sandbox's session makes it (guest/session.ts): `enter` with the
 * argument list, the call, `leave` — so an entry may claim its array parameters
 * (instrument-owned.ts) — in every variant alike. The arguments are the same arrays in every
 * call (the session rebuilds them per run; a copy would add the same time to every variant),
 * and nothing touches them during a call. The entry's registered check (its preconditions) runs
 * on them once per run, before the timed calls, as the session runs it once per host call
 * before entering: so each call is entered as having passed it (checks.ts `ca`) — the
 * arguments are the same, unchanged values it passed on. Neither the argument copy nor the
 * entry check is in any variant's time.
 */
function localFor(inst: ReturnType<typeof instrument>, mode: RunMode, entry: string): Sandbox {
  const g = globalThis as { harden?: <T>(x: T) => T };
  g.harden ??= <T>(x: T): T => Object.freeze(x);
  const rt = makeChecks({ specs: inst.checks, mode, mounts: [], writable: false, violate: (v) => new Error(v.message) });
  const exports: Record<string, (...a: unknown[]) => unknown> = {};
  new Function("exports", "require", "module", inst.checkParam, inst.js)(exports, () => ({}), { exports }, rt.api);
  let before = 0;
  const local = {
    exec: async (name: string, args: readonly unknown[]) => {
      if (name !== "__bench") throw new Error(`in-process runs call __bench, not ${name}`);
      const [n, ...rest] = args as [number, ...unknown[]];
      const f = exports[entry]!;
      const entryCheck = rt.entryCheck(entry);
      entryCheck?.(rest);
      const checkedAs = entryCheck === undefined ? undefined : entry;
      before = rt.executed(); // the entry check's own count is not the calls'
      let value: unknown;
      const t = performance.now();
      for (let k = 0; k < n; k++) {
        rt.enter(f, rest, checkedAs);
        try {
          value = Reflect.apply(f, undefined, rest);
        } finally {
          rt.leave();
        }
      }
      const guestMs = performance.now() - t;
      const executed = rt.executed() - before;
      before = rt.executed();
      return { kind: "done", done: { status: "ok", value, guestMs, checksExecuted: executed } };
    },
    close: async () => undefined,
  };
  return local as unknown as Sandbox;
}

async function guest(sandbox: Sandbox, n: number, args: unknown[]): Promise<{ ms: number; executed: number; value: unknown }> {
  const o = await sandbox.exec("__bench", [n, ...args], 120_000);
  if (o.kind !== "done" || o.done.status !== "ok") throw new Error(`bench run failed: ${JSON.stringify(o).slice(0, 400)}`);
  return { ms: o.done.guestMs, executed: o.done.checksExecuted, value: o.done.value };
}

interface Row {
  readonly kernel: Kernel;
  readonly proved: string;
  readonly inserted: string;
  readonly us: Record<string, number>;
  readonly usMedian: Record<string, number>;
  readonly testingPerCall: number;
  /** The same count with versioned loops (checks still executed after hoisting). */
  readonly hoistedPerCall: number;
  readonly slowPerCall: number;
}

async function measure(k: Kernel, loaded: LoadedDocument, obligations: readonly ObligationResult[]): Promise<Row> {
  const args = k.args();
  const all: Variant[] = [...TIMED, "testing", "testing hoisted"];
  const boxes = new Map<Variant, { sandbox: Sandbox; inserted: number }>();
  for (const v of all) boxes.set(v, await sandboxFor(loaded, obligations, k.entry, v));
  try {
    // Same value from every variant (no check fails on these inputs).
    const reference = JSON.stringify((await guest(boxes.get("uninstrumented")!.sandbox, 1, args)).value);
    for (const v of all) {
      const got = JSON.stringify((await guest(boxes.get(v)!.sandbox, 1, args)).value);
      if (got !== reference) throw new Error(`${k.name}: ${v} returned ${got}, uninstrumented ${reference}`);
    }
    const testing = await guest(boxes.get("testing")!.sandbox, 1, args);
    const testingHoisted = await guest(boxes.get("testing hoisted")!.sandbox, 1, args);
    // Calibrate N on the uninstrumented variant.
    for (let w = 0; w < 3; w++) await guest(boxes.get("uninstrumented")!.sandbox, 1, args);
    const one = (await guest(boxes.get("uninstrumented")!.sandbox, 5, args)).ms / 5;
    const n = Math.max(1, Math.min(1_000_000, Math.round(TARGET_MS / Math.max(one, 1e-4))));
    for (const v of TIMED) for (let w = 0; w < 2; w++) await guest(boxes.get(v)!.sandbox, n, args);
    const overhead = new Map<Variant, number>();
    for (const v of TIMED) {
      const empty: number[] = [];
      for (let e = 0; e < 5; e++) empty.push((await guest(boxes.get(v)!.sandbox, 0, args)).ms);
      overhead.set(v, least(empty));
    }
    const perCall = new Map<Variant, number[]>(TIMED.map((v) => [v, []]));
    let slow = 0;
    for (let r = 0; r < REPS; r++) {
      for (const v of TIMED) {
        const g = await guest(boxes.get(v)!.sandbox, n, args);
        perCall.get(v)!.push(((g.ms - overhead.get(v)!) / n) * 1000);
        if (v === "development") slow = g.executed / n;
      }
    }
    const entities = kernelEntities(loaded, k.entry);
    const mine = obligations.filter((o) => entities.has(o.entity) && o.kind === "bounds");
    return {
      kernel: k,
      proved: `${mine.filter((o) => o.status === "proved").length}/${mine.length}`,
      inserted: `${boxes.get("production")!.inserted} / ${boxes.get("development")!.inserted}`,
      us: Object.fromEntries(TIMED.map((v) => [v, least(perCall.get(v)!)])),
      usMedian: Object.fromEntries(TIMED.map((v) => [v, median(perCall.get(v)!)])),
      testingPerCall: testing.executed,
      hoistedPerCall: testingHoisted.executed,
      slowPerCall: slow,
    };
  } finally {
    await Promise.all([...boxes.values()].map((b) => b.sandbox.close()));
  }
}

const started = new Date().toISOString();
const loadBefore = loadavg()[0]!.toFixed(1);
const selected = kernels.filter((k) => values.only === undefined || k.name.includes(values.only) || k.entry === values.only);
const docKey = (k: Kernel): string => k.doc ?? "<kernels>";
const loadedDocs = new Map<string, LoadedDocument>();
const loadedOf = async (k: Kernel): Promise<LoadedDocument> => {
  const key = docKey(k);
  if (!loadedDocs.has(key)) loadedDocs.set(key, k.doc ? await loadDocument(join(root, k.doc)) : await kernelDocument(root, join(root, ".tmp", "checks-bench")));
  return loadedDocs.get(key)!;
};
// A fork measures with the verdicts its parent computed (the same for every fork).
const verdicts = new Map<string, readonly ObligationResult[]>(values["fork-verdicts"] === undefined ? [] : Object.entries(JSON.parse(readFileSync(values["fork-verdicts"], "utf8")) as Record<string, ObligationResult[]>));
const verdictsOf = async (k: Kernel): Promise<readonly ObligationResult[]> => {
  const key = docKey(k);
  if (!verdicts.has(key)) verdicts.set(key, (await verifyDocument(await loadedOf(k), { cwd: root, timeoutMs: 5000, rlimit: 0 })).obligations);
  return verdicts.get(key)!;
};
const measureAll = async (): Promise<Row[]> => {
  const rows: Row[] = [];
  for (const k of selected) {
    rows.push(await measure(k, await loadedOf(k), await verdictsOf(k)));
    process.stderr.write(`${k.name} done\n`);
  }
  return rows;
};
type ForkRow = Omit<Row, "kernel"> & { readonly name: string };

if (values["fork-rows"] !== undefined) {
  const rows: ForkRow[] = (await measureAll()).map(({ kernel, ...rest }) => ({ name: kernel.name, ...rest }));
  writeFileSync(values["fork-rows"], JSON.stringify(rows));
  process.exit(0);
}

/** Rows per process: one list per fork (the kernels in the same order in each). */
let forks: Row[][];
if (FORKS === 1) {
  forks = [await measureAll()];
} else {
  for (const k of selected) await verdictsOf(k);
  const dir = mkdtempSync(join(tmpdir(), "anrf-checks-bench-"));
  try {
    const verdictFile = join(dir, "verdicts.json");
    writeFileSync(verdictFile, JSON.stringify(Object.fromEntries(verdicts)));
    forks = [];
    for (let f = 0; f < FORKS; f++) {
      const out = join(dir, `rows-${f}.json`);
      const args = [...process.execArgv, fileURLToPath(import.meta.url), "--reps", String(REPS), "--fork-verdicts", verdictFile, "--fork-rows", out, ...(values["in-process"] ? ["--in-process"] : []), ...(values.only !== undefined ? ["--only", values.only] : [])];
      process.stderr.write(`fork ${f + 1} of ${FORKS}\n`);
      const run = spawnSync(process.execPath, args, { stdio: ["ignore", "inherit", "inherit"] });
      if (run.status !== 0) throw new Error(`fork ${f + 1} failed (${run.status === null ? `signal ${run.signal}` : `exit ${run.status}`})`);
      const rows = (JSON.parse(readFileSync(out, "utf8")) as ForkRow[]).map(({ name, ...rest }) => ({ kernel: selected.find((k) => k.name === name)!, ...rest }));
      forks.push(rows);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  // Counts and verdicts do not depend on the process: a difference is a bug in the bench.
  for (const rows of forks.slice(1)) {
    rows.forEach((r, i) => {
      const a = forks[0]![i]!;
      if (r.kernel !== a.kernel || r.proved !== a.proved || r.inserted !== a.inserted || r.testingPerCall !== a.testingPerCall || r.hoistedPerCall !== a.hoistedPerCall || r.slowPerCall !== a.slowPerCall) {
        throw new Error(`${a.kernel.name}: counts differ between forks`);
      }
    });
  }
}
const rows = forks[0]!;
/** Per fork, kernel i's ratio of variant v (from the least-disturbed runs, or the medians). */
const forkRatios = (i: number, v: Variant, of: "us" | "usMedian" = "us"): number[] => forks.map((f) => f[i]![of][v]! / f[i]![of]["uninstrumented"]!);
const ratio = (i: number, v: Variant, of: "us" | "usMedian" = "us"): number => median(forkRatios(i, v, of));

const x = (r: number) => `${r.toFixed(2)}×`;
const table = rows.map((r, i) => {
  const u = median(forks.map((f) => f[i]!.us["uninstrumented"]!));
  const c = (v: Variant) => x(ratio(i, v));
  return `| ${r.kernel.name}${r.kernel.realistic ? "" : " ‡"} | ${r.proved} | ${r.inserted} | ${u.toFixed(2)} | ${c("production before")} | **${c("production")}** | ${c("development before")} | **${c("development")}** | ${r.testingPerCall} | ${r.hoistedPerCall} | ${r.slowPerCall} |`;
});
const perFork =
  FORKS === 1
    ? ""
    : `
Every process's ratio (least-disturbed runs), in the order the processes ran: the spread between processes is the JIT's, not the instrumentation's.

| kernel | prod after, per process | dev after, per process |
|---|---|---|
${rows.map((r, i) => `| ${r.kernel.name} | ${forkRatios(i, "production").map((v) => v.toFixed(2)).join(" · ")} | ${forkRatios(i, "development").map((v) => v.toFixed(2)).join(" · ")} |`).join("\n")}
`;
const cpu = cpus()[0]?.model ?? "unknown cpu";
const report = `# Checks benchmark (issue 14)

Command: \`npm run build && node dist/bench/checks-bench.js --reps ${REPS}${FORKS > 1 ? ` --forks ${FORKS}` : ""}${values["in-process"] ? " --in-process" : ""}${values.only ? ` --only ${values.only}` : ""}\`
Where: ${values["in-process"] ? (FORKS > 1 ? "in each measuring process" : "in this process") + " (instrumented JavaScript + the real check runtime, evaluated with `new Function`; no SES compartment; N calls of the entry, each entered as the sandbox's session enters it, so that entries can claim their array parameters; timed around the N calls)" : "real sandboxes (worker + SES compartment; guest-timed, empty-run overhead subtracted)"}.
Machine: ${cpu}, ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${process.platform}; run ${started}.
1-minute load average at start / end: ${loadBefore} / ${loadavg()[0]!.toFixed(1)} (a shared machine: ratios come from interleaved runs in one process, absolute times drift).

${FORKS > 1 ? `Measured in ${FORKS} processes, one after another, each as follows; a ratio below is the median over the processes of each process's ratio (every process's follows the tables). ` : ""}Per-call guest time, minimum of ${REPS} interleaved runs (the least-disturbed run; the medians follow below), each variant its own module instance (own worker when sandboxed)
(N calls per run, N calibrated to ≈ ${TARGET_MS} ms uninstrumented: short runs, many repetitions — on a loaded machine a short run has a fair chance of not being preempted). Ratios are ÷ uninstrumented.
*before* = the generic check call \`C.b(o, i, k)\` at every bounds site (the previous
instrumentation); *after* = the inline guards and versioned counting loops (one range check
before a \`for (let i …; …; i++)\` loop over strings/typed arrays replaces the per-iteration guards
of its \`x[i + E]\` sites), integer copies of array loops (reduced guards where the index is
integer arithmetic on integer variables and the array a genuine one), inline postconditions and
merged \`x[I] = x[I] …\` checks. Production keeps the checks whose obligation the
real verifier (\`verifyDocument\`) did not prove; development keeps every check.
‡ = a kernel from examples/ (its contracts as written there); the others are bench/checks-kernels.ts
(no contracts). *Bounds proved* and *checks prod / dev* count the entry's function and every
entity function it calls, transitively (with the argument checks at those calls). Checks executed: per call, counted in testing mode (every check at every
evaluation; *before* = every site at every evaluation, as development before and testing mode
run; *after* = the same module with versioned loops — the checks a hoisted run still executes:
development and production after skip the others); check-runtime calls: per call in development after
(the guards' slow path; 0 = every check took the inline fast path).

| kernel | bounds proved | checks prod / dev | uninstr. µs | prod before | **prod after** | dev before | **dev after** | checks executed / call before | after | check-runtime calls / call (dev after) |
|---|---|---|---|---|---|---|---|---|---|---|
${table.join("\n")}

Medians of the same runs (÷ uninstrumented median): noisier on a loaded machine.

| kernel | prod before | prod after | dev before | dev after |
|---|---|---|---|---|
${rows.map((r, i) => `| ${r.kernel.name} | ${(["production before", "production", "development before", "development"] as const).map((v) => x(ratio(i, v, "usMedian"))).join(" | ")} |`).join("\n")}
${perFork}`;
writeFileSync(values.out!, report);
process.stdout.write(report);
process.exit(0);
