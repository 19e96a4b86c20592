/**
 * Runtime benchmark (issue 5 §8), all in one run on one machine:
 *  1. kernels from examples/ — uninstrumented vs production (checks only where unproved) vs
 *     development (every check): each variant runs in its own warm worker, and the loop runs
 *     INSIDE the guest (N calls per run, timed by the guest session) so message overhead does
 *     not dominate; the ratio is per call. The harness calls the kernel through a plain alias,
 *     so entry preconditions are not part of the body timing (they are reported separately);
 *  2. warm-pool call latency of run() (p50/p90) and of a bare sandbox round trip;
 *  3. cold start: isolated process run vs a bare Worker + SES lockdown start.
 *
 *   npm run build && node dist/bench/runtime-bench.js [--reps 7] [--out bench/results/runtime.md]
 */
import { cpus, loadavg, totalmem } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { Worker } from "node:worker_threads";
import { writeFileSync } from "node:fs";
import { projectRoot } from "../support/compiled-path.js";
import { loadDocument, type LoadedDocument } from "../spec/load.js";
import { verifyDocument } from "../verifier/index.js";
import type { ObligationResult } from "../verifier/obligation.js";
import { instrument } from "../runtime/host/instrument.js";
import { clausesFor, functionEntities } from "../runtime/host/document-view.js";
import { deriveLimits } from "../runtime/host/limits.js";
import { Sandbox } from "../runtime/host/sandbox.js";
import { startThreadChannel } from "../runtime/host/thread-channel.js";
import { run, SandboxPool } from "../runtime/index.js";
import type { LoadMessage, RunMode } from "../runtime/guest/protocol.js";

const root = projectRoot();
const { values } = parseArgs({
  options: {
    reps: { type: "string", default: "7" },
    "skip-kernels": { type: "boolean", default: false },
    out: { type: "string", default: join(root, "bench", "results", "runtime.md") },
  },
});
const REPS = Number(values.reps);

interface Kernel {
  readonly name: string;
  readonly doc: string;
  readonly entry: string;
  readonly args: () => unknown[];
  /** Calls per guest run. */
  readonly n: number;
}

const bytes = (n: number) => Uint8Array.from({ length: n }, (_, i) => (i * 31) & 255);
const kernels: Kernel[] = [
  { name: "adler32 (64 KiB)", doc: "examples/adler32-checksum.anrf.json", entry: "adler32", args: () => [bytes(65536)], n: 400 },
  { name: "matmul 32×32", doc: "examples/matrix-multiply.anrf.json", entry: "matmul", args: () => [Array.from({ length: 1024 }, (_, i) => i % 7), Array.from({ length: 1024 }, (_, i) => i % 5), 32, 32, 32], n: 400 },
  { name: "binary search (4096)", doc: "examples/binary-search.anrf.json", entry: "binarySearch", args: () => [Int32Array.from({ length: 4096 }, (_, i) => i * 2), 3001 * 2], n: 20_000 },
  { name: "sanitizeLabel (4 KiB)", doc: "examples/label-sanitizer.anrf.json", entry: "sanitizeLabel", args: () => ["ab-c_D/é ".repeat(455), 4096], n: 2_000 },
  { name: "countUnsafe (4 KiB)", doc: "examples/label-sanitizer.anrf.json", entry: "countUnsafe", args: () => ["ab-c_D/é ".repeat(455)], n: 1_000 },
  { name: "ring buffer read", doc: "examples/ring-buffer.anrf.json", entry: "ringRead", args: () => [Array.from({ length: 64 }, (_, i) => i), 60, 7], n: 1_000_000 },
];

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!;

/** The harness is appended after the module, so every obligation's offsets stay valid. */
function withHarness(source: string, entry: string): string {
  return `${source}\nexport function __bench(n: number, ...args: any[]): unknown {\n  const f: any = ${entry};\n  let r: unknown;\n  for (let k = 0; k < n; k++) r = f(...args);\n  return r;\n}\n`;
}

async function sandboxFor(loaded: LoadedDocument, obligations: readonly ObligationResult[], entry: string, variant: "uninstrumented" | RunMode): Promise<{ sandbox: Sandbox; inserted: number; skipped: number }> {
  const doc = loaded.document!;
  const entities = [...functionEntities(doc).values()].map((e) => ({ id: e.id, name: e.name, clauses: clausesFor(doc, e.id) }));
  const inst = instrument({
    source: withHarness(loaded.module!.text, entry),
    file: loaded.module!.file,
    obligations,
    mode: variant === "uninstrumented" ? "production" : variant,
    entities,
    bare: variant === "uninstrumented",
  });
  const limits = { ...deriveLimits(doc, { timeMs: 120_000 }), maxOldGenerationSizeMb: 256, arrayBufferBytes: 1 << 30 };
  // Kernels touch no files: no mount is granted (mounts come from the operator only).
  const grants = { filesystem: doc.security.isolation_requirements.resource_limits.filesystem, mounts: [], network: false as const };
  const load: LoadMessage = {
    type: "load",
    js: inst.js,
    checkParam: inst.checkParam,
    checks: inst.checks,
    grants,
    mode: variant === "uninstrumented" ? "production" : variant,
    allocBytes: limits.arrayBufferBytes,
    resultBytes: limits.resultBytes,
    entities: {},
    moduleFile: loaded.module!.file,
  };
  const sandbox = await Sandbox.start(startThreadChannel(limits), load);
  return { sandbox, inserted: inst.inserted, skipped: inst.skippedByProof };
}

async function guestMs(sandbox: Sandbox, n: number, args: unknown[]): Promise<number> {
  const o = await sandbox.exec("__bench", [n, ...args], 120_000);
  if (o.kind !== "done" || o.done.status !== "ok") throw new Error(`bench run failed: ${JSON.stringify(o).slice(0, 300)}`);
  return o.done.guestMs;
}

async function kernelRows(): Promise<string[]> {
  const rows: string[] = [];
  const verdicts = new Map<string, { loaded: LoadedDocument; obligations: readonly ObligationResult[] }>();
  for (const k of kernels) {
    if (!verdicts.has(k.doc)) {
      const loaded = await loadDocument(join(root, k.doc));
      const report = await verifyDocument(loaded, { cwd: root, timeoutMs: 5000, rlimit: 0 });
      verdicts.set(k.doc, { loaded, obligations: report.obligations });
    }
    const { loaded, obligations } = verdicts.get(k.doc)!;
    const args = k.args();
    const variants = ["uninstrumented", "production", "development"] as const;
    const boxes = await Promise.all(variants.map((v) => sandboxFor(loaded, obligations, k.entry, v)));
    const perCall: Record<string, number[]> = { uninstrumented: [], production: [], development: [] };
    // Warm up every variant, then interleave repetitions so drift hits all three alike.
    for (const b of boxes) for (let w = 0; w < 2; w++) await guestMs(b.sandbox, k.n, args);
    const overhead = await Promise.all(boxes.map(async (b) => median([await guestMs(b.sandbox, 0, args), await guestMs(b.sandbox, 0, args), await guestMs(b.sandbox, 0, args)])));
    for (let r = 0; r < REPS; r++) {
      for (let i = 0; i < variants.length; i++) {
        const ms = await guestMs(boxes[i]!.sandbox, k.n, args);
        perCall[variants[i]!]!.push(((ms - overhead[i]!) / k.n) * 1000);
      }
    }
    const u = median(perCall["uninstrumented"]!);
    const p = median(perCall["production"]!);
    const d = median(perCall["development"]!);
    const entityObligations = obligations.filter((o) => o.entity === functionEntities(loaded.document!).get(k.entry)?.id);
    const proved = entityObligations.filter((o) => o.status === "proved").length;
    rows.push(
      `| ${k.name} | ${proved}/${entityObligations.length} | ${boxes[1]!.inserted} / ${boxes[2]!.inserted} | ${u.toFixed(3)} | ${p.toFixed(3)} | ${d.toFixed(3)} | **${(p / u).toFixed(3)}×** | ${(d / u).toFixed(3)}× |`,
    );
    await Promise.all(boxes.map((b) => b.sandbox.close()));
    process.stderr.write(`kernel ${k.name} done\n`);
  }
  return rows;
}

async function latencyRows(): Promise<string[]> {
  const loaded = await loadDocument(join(root, "examples/ring-buffer.anrf.json"));
  const obligations = (await verifyDocument(loaded, { cwd: root, timeoutMs: 5000, rlimit: 0 })).obligations;
  const pool = new SandboxPool();
  const args = [3, 4, 16];
  for (let i = 0; i < 200; i++) await run(loaded, "ringSlot", args, { verification: obligations, audit: false, pool });
  const api: number[] = [];
  for (let i = 0; i < 2000; i++) {
    const t = performance.now();
    const r = await run(loaded, "ringSlot", args, { verification: obligations, audit: false, pool });
    api.push(performance.now() - t);
    if (r.status !== "ok") throw new Error(`latency run failed: ${r.status}`);
  }
  const withAudit: number[] = [];
  const auditFile = join(root, ".tmp", "bench-audit.jsonl");
  for (let i = 0; i < 300; i++) {
    const t = performance.now();
    await run(loaded, "ringSlot", args, { verification: obligations, audit: auditFile, pool });
    withAudit.push(performance.now() - t);
  }
  await pool.close();
  const inProcessPool = new SandboxPool({ threadHost: "in-process" });
  for (let i = 0; i < 200; i++) await run(loaded, "ringSlot", args, { verification: obligations, audit: false, pool: inProcessPool });
  const inProcess: number[] = [];
  for (let i = 0; i < 2000; i++) {
    const t = performance.now();
    await run(loaded, "ringSlot", args, { verification: obligations, audit: false, pool: inProcessPool });
    inProcess.push(performance.now() - t);
  }
  await inProcessPool.close();
  const { sandbox } = await sandboxFor(loaded, obligations, "ringSlot", "production");
  const raw: number[] = [];
  for (let i = 0; i < 2000; i++) {
    const t = performance.now();
    await sandbox.exec("ringSlot", args, 10_000);
    raw.push(performance.now() - t);
  }
  await sandbox.close();
  const f = (xs: number[]) => `${median(xs).toFixed(3)} | ${pct(xs, 0.9).toFixed(3)} | ${pct(xs, 0.99).toFixed(3)}`;
  return [
    `| run() warm pool (workers in the sandbox-host process, the default), audit off | ${f(api)} |`,
    `| run() warm pool, workers in the host process (threadHost: "in-process"), audit off | ${f(inProcess)} |`,
    `| run() warm pool, audit on (fsync per run) | ${f(withAudit)} |`,
    `| bare in-process sandbox round trip (exec, fresh compartment per run) | ${f(raw)} |`,
  ];
}

async function coldRows(): Promise<string[]> {
  const bare: number[] = [];
  const entry = join(root, ".tmp", "bare-ses-worker.mjs");
  writeFileSync(entry, `import "ses"; import { parentPort } from "node:worker_threads"; lockdown(); parentPort.postMessage("ready");\n`);
  for (let i = 0; i < 10; i++) {
    const t = performance.now();
    const w = new Worker(entry, { env: {} });
    await new Promise((resolve) => w.once("message", resolve));
    bare.push(performance.now() - t);
    await w.terminate();
  }
  const loaded = await loadDocument(join(root, "examples/ring-buffer.anrf.json"));
  const obligations = (await verifyDocument(loaded, { cwd: root, timeoutMs: 5000, rlimit: 0 })).obligations;
  const thread: number[] = [];
  const brokered: number[] = [];
  const isolated: number[] = [];
  for (let i = 0; i < 10; i++) {
    for (const [isolation, out, threadHost] of [["thread", thread, "in-process"], ["thread", brokered, "broker"], ["process", isolated, "in-process"]] as const) {
      const pool = new SandboxPool({ threadHost });
      const t = performance.now();
      const r = await run(loaded, "ringSlot", [1, 2, 8], { verification: obligations, audit: false, pool, isolation });
      out.push(performance.now() - t);
      if (r.status !== "ok") throw new Error(`cold ${isolation} run failed: ${r.status} ${JSON.stringify(r.error)}`);
      await pool.close();
    }
  }
  return [
    `| bare Worker + import "ses" + lockdown() → ready | ${median(bare).toFixed(1)} |`,
    `| run(), cold thread sandbox in-process (worker + SES + compartment + run) | ${median(thread).toFixed(1)} |`,
    `| run(), cold thread sandbox in the (running) sandbox-host process | ${median(brokered).toFixed(1)} |`,
    `| run(), cold isolated process (permission model, prlimit) | ${median(isolated).toFixed(1)} |`,
  ];
}

const started = new Date().toISOString();
const loadBefore = loadavg()[0]!.toFixed(1);
const kernelTable = values["skip-kernels"] ? ["| (skipped) |"] : await kernelRows();
process.stderr.write("latency…\n");
const latency = await latencyRows();
process.stderr.write("cold starts…\n");
const cold = await coldRows();
const cpu = cpus()[0]?.model ?? "unknown cpu";
const report = `# Runtime benchmark

Command: \`npm run build && node dist/bench/runtime-bench.js --reps ${REPS}\`
Machine: ${cpu}, ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${process.platform}; run ${started}.
1-minute load average at start / end: ${loadBefore} / ${loadavg()[0]!.toFixed(1)} (other jobs share this machine: ratios come from interleaved runs, absolute times drift).

## Kernels: per-call time inside the worker (µs, median of ${REPS} runs)

Verdicts from the real verifier (\`verifyDocument\`). Production inserts checks only where the
obligation is not proved; development inserts every check; uninstrumented is the same module
transpiled without any check. Checks column: inserted in production / development.

| kernel | proved obligations | checks prod / dev | uninstrumented µs | production µs | development µs | production ÷ uninstr. | development ÷ uninstr. |
|---|---|---|---|---|---|---|---|
${kernelTable.join("\n")}

## Warm-pool call latency (ms)

| what | p50 | p90 | p99 |
|---|---|---|---|
${latency.join("\n")}

## Cold start (ms, median of 10)

| what | ms |
|---|---|
${cold.join("\n")}
`;
writeFileSync(values.out!, report);
process.stdout.write(report);
process.exit(0);
