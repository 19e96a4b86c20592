/**
 * Reach benchmark (issue 12): the frozen corpus bench/corpus (93+ functions of ordinary
 * algorithm and data-structure code, each as a `plain` document without contract and a `pre`
 * document with the natural preconditions), verified cold, per variant in its own process (so
 * wall time and peak RSS are that run's). Reports per kind and variant proved (non-vacuous) /
 * vacuous / refuted / unknown / unsupported for bounds obligations, solver time-outs, cold wall
 * time and peak RSS, and the top reasons for non-proof. With --baseline-dist, the same runs with
 * another build of anrf (e.g. the commit that froze the corpus) side by side in the same run.
 *
 *   npm run build && node dist/bench/reach-bench.js [--jobs 2] [--timeout 10000] \
 *       [--baseline-dist /tmp/reach-base/dist --baseline-label 6f0c1d2] [--out bench/results/reach.md]
 *
 * Vacuity is measured here from each proved obligation's SMT text (bench/smt-vacuity.ts: the
 * query without its goal, unsat = the proof is vacuous) with the current build's solver, the
 * same way for every build; the current build's own `vacuous` marker is counted separately.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { basename, join } from "node:path";
import { parseArgs } from "node:util";
import { projectRoot } from "../support/compiled-path.js";
import { verifyDocuments } from "../verifier/index.js";
import { SolverPool } from "../verifier/solver/pool.js";
import { corpusManifest, writeCorpus, VARIANTS, type Variant } from "./corpus-docs.js";
import { vacuityQuery } from "./smt-vacuity.js";

const root = projectRoot();
const { values } = parseArgs({
  options: {
    child: { type: "boolean", default: false },
    variant: { type: "string", default: "plain" },
    corpus: { type: "string", default: join(root, "bench", "corpus") },
    "json-out": { type: "string" },
    jobs: { type: "string", default: "2" },
    timeout: { type: "string", default: "10000" },
    "baseline-dist": { type: "string" },
    "baseline-label": { type: "string", default: "baseline" },
    out: { type: "string", default: join(root, "bench", "results", "reach.md") },
    /** Keep every run's per-obligation JSON here (for looking into what stays unproved). */
    "keep-json": { type: "string" },
  },
});

interface ChildObligation {
  readonly file: string;
  readonly id: string;
  readonly kind: string;
  readonly status: string;
  readonly reason: string;
  readonly smt: string | null;
  readonly vacuous?: boolean | undefined;
}

interface ChildResult {
  readonly variant: string;
  readonly wallMs: number;
  readonly maxRssKb: number;
  readonly documents: number;
  readonly invalid: string[];
  readonly obligations: ChildObligation[];
}

/** Child: verify every document of one variant cold, print nothing but the JSON file. */
async function child(): Promise<void> {
  const dir = join(values.corpus!, values.variant!);
  const files = readdirSync(dir).filter((f) => f.endsWith(".anrf.json")).sort().map((f) => join(dir, f));
  const started = performance.now();
  const report = await verifyDocuments(files, { cwd: dir, timeoutMs: Number(values.timeout), rlimit: 0, jobs: Number(values.jobs) });
  const wallMs = performance.now() - started;
  const result: ChildResult = {
    variant: values.variant!,
    wallMs,
    maxRssKb: process.resourceUsage().maxRSS,
    documents: report.documents.length,
    invalid: report.documents.filter((d) => !d.valid).map((d) => `${basename(d.file)}: ${d.findings.map((f) => f.message).join("; ")}`),
    obligations: report.documents.flatMap((d) =>
      d.obligations.map((o) => ({ file: basename(d.file, ".anrf.json"), id: o.id, kind: o.inferred === true ? "invariant (inferred)" : o.kind, status: o.status, reason: o.reason, smt: o.smt, vacuous: (o as { vacuous?: unknown }).vacuous !== undefined ? true : undefined })),
    ),
  };
  writeFileSync(values["json-out"]!, JSON.stringify(result));
}

function runChild(dist: string, variant: Variant, scratch: string, label: string): ChildResult {
  const out = join(scratch, `${label}-${variant}.json`);
  const r = spawnSync(process.execPath, [join(dist, "bench", "reach-bench.js"), "--child", "--variant", variant, "--corpus", values.corpus!, "--json-out", out, "--jobs", values.jobs!, "--timeout", values.timeout!], {
    cwd: join(dist, ".."),
    stdio: ["ignore", "inherit", "inherit"],
  });
  if (r.status !== 0) throw new Error(`${label} ${variant} run failed (exit ${r.status ?? r.signal})`);
  return JSON.parse(readFileSync(out, "utf8")) as ChildResult;
}

/** Reasons without positions and names, so equal causes count together. */
export function normaliseReason(reason: string): string {
  return reason
    .replace(/ \(a path reaching this site was not analysed\)/, "")
    .replace(/assignment to \[.*\] at/, "assignment to [destructuring pattern] at")
    .replace(/\b\d+:\d+\b/g, "…")
    .replace(/'[^']*'/g, "'…'")
    .replace(/after \d+ ms/, "after … ms")
    .replace(/ of type '…'/, " of type '…'");
}

interface Tally {
  proved: number;
  vacuous: number;
  refuted: number;
  unknown: number;
  unsupported: number;
  timeouts: number;
  total: number;
  ownVacuous: number;
}

const emptyTally = (): Tally => ({ proved: 0, vacuous: 0, refuted: 0, unknown: 0, unsupported: 0, timeouts: 0, total: 0, ownVacuous: 0 });

async function measureVacuity(results: ChildResult[]): Promise<Set<string>> {
  // Key: smt text of a proved obligation → vacuous? Solved once per distinct text.
  const texts = new Set<string>();
  for (const r of results) for (const o of r.obligations) if (o.status === "proved" && o.smt !== null) texts.add(o.smt);
  const vacuous = new Set<string>();
  const pool = new SolverPool({ size: Number(values.jobs) });
  try {
    await Promise.all(
      [...texts].map(async (smt) => {
        const q = vacuityQuery(smt);
        if (q === undefined) return;
        const outcome = await pool.solve({ smt: q, timeoutMs: Number(values.timeout), rlimit: 0 });
        if (outcome.kind === "answer" && outcome.answer === "unsat") vacuous.add(smt);
      }),
    );
  } finally {
    await pool.close();
  }
  return vacuous;
}

function tally(r: ChildResult, kindOf: Map<string, string>, vacuous: Set<string>): { byKind: Map<string, Tally>; all: Tally; reasons: Map<string, number>; otherKinds: Map<string, Tally> } {
  const byKind = new Map<string, Tally>();
  const all = emptyTally();
  const reasons = new Map<string, number>();
  const otherKinds = new Map<string, Tally>();
  for (const o of r.obligations) {
    if (o.kind !== "bounds") {
      const t = otherKinds.get(o.kind) ?? emptyTally();
      otherKinds.set(o.kind, t);
      t.total++;
      if (o.status === "proved" || o.status === "refuted" || o.status === "unknown" || o.status === "unsupported") t[o.status]++;
      continue;
    }
    const kind = kindOf.get(o.file) ?? "?";
    const t = byKind.get(kind) ?? emptyTally();
    byKind.set(kind, t);
    for (const x of [t, all]) {
      x.total++;
      if (o.status === "proved") {
        if (o.smt !== null && vacuous.has(o.smt)) x.vacuous++;
        else x.proved++;
        if (o.vacuous) x.ownVacuous++;
      } else if (o.status === "refuted" || o.status === "unknown" || o.status === "unsupported") x[o.status]++;
      if (o.status === "unknown" && /timeout|time-out|timed out/i.test(o.reason)) x.timeouts++;
    }
    if (o.status !== "proved" || (o.smt !== null && vacuous.has(o.smt))) {
      const key = o.status === "proved" ? "proved vacuously (path condition unsatisfiable)" : `${o.status}: ${normaliseReason(o.reason)}`;
      reasons.set(key, (reasons.get(key) ?? 0) + 1);
    }
  }
  return { byKind, all, reasons, otherKinds };
}

const pct = (n: number, d: number): string => (d === 0 ? "–" : `${((100 * n) / d).toFixed(1)} %`);

async function main(): Promise<void> {
  const stale = writeCorpus(true);
  if (stale.length > 0) throw new Error(`corpus documents out of sync with bench/corpus/src: run node dist/bench/corpus-docs.js (${stale.length} stale)`);
  const manifest = corpusManifest();
  const kindOf = new Map(manifest.map((f) => [f.name, f.kind]));
  const scratch = mkdtempSync(join(tmpdir(), "anrf-reach-bench-"));
  try {
    const builds: Array<{ label: string; dist: string }> = [];
    if (values["baseline-dist"]) builds.push({ label: values["baseline-label"]!, dist: values["baseline-dist"] });
    builds.push({ label: "current", dist: join(root, "dist") });
    const runs: Array<{ label: string; variant: Variant; result: ChildResult }> = [];
    for (const b of builds) for (const variant of VARIANTS) runs.push({ label: b.label, variant, result: runChild(b.dist, variant, scratch, b.label) });
    const vacuous = await measureVacuity(runs.map((r) => r.result));

    const lines: string[] = [];
    const machine = `${cpus()[0]?.model ?? "unknown CPU"}, nproc ${execFileSync("nproc", { encoding: "utf8" }).trim()}, node ${process.version}`;
    lines.push("# Reach benchmark (issue 12)", "");
    lines.push(
      `Command: \`npm run build && node dist/bench/reach-bench.js --jobs ${values.jobs} --timeout ${values.timeout}${values["baseline-dist"] ? ` --baseline-dist <build of ${values["baseline-label"]}> --baseline-label ${values["baseline-label"]}` : ""}\``,
      "",
    );
    lines.push(`Machine: ${machine}. Date: ${new Date().toISOString()}. Load average at the end: ${loadavg()[0]!.toFixed(2)} (other engineers' jobs share the 2 cores).`, "");
    lines.push(`Corpus: ${manifest.length} functions (bench/corpus, frozen), each as \`plain\` (no contract) and \`pre\` (natural preconditions) documents.`, "");
    lines.push("## Bounds obligations, all kinds of code", "");
    lines.push("| build | variant | sites | proved (non-vacuous) | vacuous | refuted | unknown | unsupported | time-outs | cold wall s | peak RSS MiB |");
    lines.push("|---|---|---|---|---|---|---|---|---|---|---|");
    const tallies = runs.map((r) => ({ ...r, t: tally(r.result, kindOf, vacuous) }));
    for (const { label, variant, result, t } of tallies) {
      const a = t.all;
      lines.push(
        `| ${label} | ${variant} | ${a.total} | ${a.proved} (${pct(a.proved, a.total)}) | ${a.vacuous}${a.ownVacuous ? ` (reported: ${a.ownVacuous})` : ""} | ${a.refuted} | ${a.unknown} | ${a.unsupported} | ${a.timeouts} | ${(result.wallMs / 1000).toFixed(1)} | ${(result.maxRssKb / 1024).toFixed(0)} |`,
      );
    }
    const invalid = tallies.flatMap((x) => x.result.invalid.map((m) => `${x.label}/${x.variant}: ${m}`));
    if (invalid.length > 0) lines.push("", "Documents with findings that make them invalid:", "", ...invalid.slice(0, 20).map((m) => `- ${m.slice(0, 300)}`));
    lines.push("", "## Per kind (bounds: proved non-vacuous / vacuous / refuted / unknown / unsupported of sites)", "");
    const kinds = [...new Set(manifest.map((f) => f.kind))];
    lines.push(`| kind | functions | ${tallies.map((x) => `${x.label} ${x.variant}`).join(" | ")} |`);
    lines.push(`|---|---|${tallies.map(() => "---").join("|")}|`);
    for (const kind of kinds) {
      const n = manifest.filter((f) => f.kind === kind).length;
      const cells = tallies.map(({ t }) => {
        const k = t.byKind.get(kind) ?? emptyTally();
        return `${k.proved} / ${k.vacuous} / ${k.refuted} / ${k.unknown} / ${k.unsupported} of ${k.total}`;
      });
      lines.push(`| ${kind} | ${n} | ${cells.join(" | ")} |`);
    }
    lines.push("", "## Other obligation kinds (proved / refuted / unknown / unsupported of total)", "");
    lines.push(`| kind | ${tallies.map((x) => `${x.label} ${x.variant}`).join(" | ")} |`);
    lines.push(`|---|${tallies.map(() => "---").join("|")}|`);
    const otherKinds = [...new Set(tallies.flatMap((x) => [...x.t.otherKinds.keys()]))].sort();
    for (const k of otherKinds) {
      lines.push(`| ${k} | ${tallies.map(({ t }) => {
        const o = t.otherKinds.get(k) ?? emptyTally();
        return `${o.proved} / ${o.refuted} / ${o.unknown} / ${o.unsupported} of ${o.total}`;
      }).join(" | ")} |`);
    }
    for (const { label, variant, t } of tallies) {
      lines.push("", `## Top reasons for non-proof of bounds: ${label}, ${variant}`, "", "| count | reason |", "|---|---|");
      const top = [...t.reasons.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, 15);
      for (const [reason, count] of top) lines.push(`| ${count} | ${reason.replace(/\|/g, "\\|").slice(0, 200)} |`);
    }
    const text = `${lines.join("\n")}\n`;
    writeFileSync(values.out!, text);
    process.stdout.write(text);
  } finally {
    if (values["keep-json"]) cpSync(scratch, values["keep-json"], { recursive: true });
    rmSync(scratch, { recursive: true, force: true });
  }
}

if (values.child) await child();
else await main();
