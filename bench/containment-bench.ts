/**
 * Containment benchmark (issue 10 §9): the cost of the enforcement added for issue 10, side by
 * side in one run on one machine.
 *  1. warm exec round trip (p50/p90) of one sandbox: a worker in the host (no enforcement: the
 *     pre-issue-10 in-process form), a worker in a sandbox-host process of its own without and
 *     with the resident-set watch, and the isolated child without and with it — every exec also
 *     pays the post-run handshake, which is what makes reuse safe;
 *  2. a kernel (adler32 over 64 KiB, 400 calls inside the guest per run) per call, watch off/on;
 *  3. the timeout grace: answer time minus the limit for an uninterruptible built-in
 *     (`indexOf` over 2^53-1 holes) and for a plain loop, thread and process isolation;
 *  4. cold start and idle resident set of each kind of container.
 *
 *   npm run build && node dist/bench/containment-bench.js [--reps 200] [--out bench/results/containment.md]
 */
import { cpus, loadavg, totalmem } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { writeFileSync } from "node:fs";
import { projectRoot } from "../support/compiled-path.js";
import { loadDocument } from "../spec/load.js";
import { instrument } from "../runtime/host/instrument.js";
import { clausesFor, functionEntities } from "../runtime/host/document-view.js";
import { deriveLimits } from "../runtime/host/limits.js";
import { Sandbox, KILL_GRACE_MS, MEMORY_POLL_MS, RESIDENT_OVERHEAD_BYTES } from "../runtime/host/sandbox.js";
import { startThreadChannel } from "../runtime/host/thread-channel.js";
import { startBrokeredThreadChannel } from "../runtime/host/broker-channel.js";
import { startProcessChannel } from "../runtime/host/process-channel.js";
import { residentBytes } from "../runtime/host/child-guard.js";
import type { Channel } from "../runtime/host/channel.js";
import type { RunLimits } from "../runtime/host/types.js";
import type { LoadMessage } from "../runtime/guest/protocol.js";

const root = projectRoot();
const { values } = parseArgs({
  options: {
    reps: { type: "string", default: "200" },
    out: { type: "string", default: join(root, "bench", "results", "containment.md") },
  },
});
const REPS = Number(values.reps);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!;
const MiB = 1024 * 1024;

const extra = `
export function __ping(): number { return 1; }
export function __kernel(n: number, data: Uint8Array): number { let r = 0; for (let k = 0; k < n; k++) r = adler32(data); return r; }
export function __indexOfHoles(): number { return Array.prototype.indexOf.call({ length: 2 ** 53 - 1 } as any, 1); }
export function __spin(): number { for (;;) {} }
`;

type Kind = "in-process worker" | "worker in own process" | "isolated child";
interface Box {
  readonly sandbox: Sandbox;
  readonly pid: number | undefined;
  readonly coldMs: number;
}

async function main(): Promise<void> {
  const loaded = await loadDocument(join(root, "examples/adler32-checksum.anrf.json"));
  const doc = loaded.document!;
  const entities = [...functionEntities(doc).values()].map((e) => ({ id: e.id, name: e.name, clauses: clausesFor(doc, e.id) }));
  const inst = instrument({ source: loaded.module!.text + extra, file: loaded.module!.file, obligations: [], mode: "production", entities, bare: true });
  const base = deriveLimits(doc, { timeMs: 1000 });
  const limits = (isolation: "thread" | "process"): RunLimits => ({ ...deriveLimits(doc, { timeMs: 1000, isolation }), memoryMb: base.memoryMb });
  const load: LoadMessage = {
    type: "load",
    js: inst.js,
    checkParam: inst.checkParam,
    checks: inst.checks,
    grants: { filesystem: "None", mounts: [], network: false },
    mode: "production",
    allocBytes: base.arrayBufferBytes,
    resultBytes: base.resultBytes,
    entities: {},
    moduleFile: loaded.module!.file,
  };
  const channelFor = (kind: Kind): Channel =>
    kind === "in-process worker" ? startThreadChannel(limits("thread")) : kind === "worker in own process" ? startBrokeredThreadChannel(limits("thread")) : startProcessChannel(limits("process"), load.grants);
  const start = async (kind: Kind, watch: boolean): Promise<Box> => {
    const t0 = performance.now();
    const channel = channelFor(kind);
    const sandbox = await Sandbox.start(channel, load, watch ? base.memoryMb : 0);
    const coldMs = performance.now() - t0;
    // First exec loads the module: part of a cold start.
    await sandbox.exec("__ping", [], 10_000);
    await sandbox.settled();
    return { sandbox, pid: channel.pid, coldMs };
  };

  const variants: Array<{ label: string; kind: Kind; watch: boolean }> = [
    { label: "worker in the host (no process, no resident watch: pre-issue-10 form)", kind: "in-process worker", watch: false },
    { label: "worker in its own sandbox-host process, resident watch off", kind: "worker in own process", watch: false },
    { label: "worker in its own sandbox-host process, resident watch on (default)", kind: "worker in own process", watch: true },
    { label: "isolated child, resident watch off", kind: "isolated child", watch: false },
    { label: "isolated child, resident watch on (default)", kind: "isolated child", watch: true },
  ];
  const boxes: Box[] = [];
  for (const v of variants) boxes.push(await start(v.kind, v.watch)); // one at a time: cold starts do not share the CPU

  // 1. Warm round trip, interleaved so machine drift hits every variant alike.
  const rtt: number[][] = variants.map(() => []);
  for (let r = 0; r < REPS; r++) {
    for (let i = 0; i < boxes.length; i++) {
      const b = boxes[i]!;
      await b.sandbox.settled();
      const t0 = performance.now();
      const o = await b.sandbox.exec("__ping", [], 10_000);
      rtt[i]!.push(performance.now() - t0);
      if (o.kind !== "done") throw new Error(`ping failed: ${o.kind}`);
    }
  }
  // 2. Kernel per call inside the guest, watch off vs on (same container kind).
  const data = Uint8Array.from({ length: 65536 }, (_, i) => (i * 31) & 255);
  const kernel: number[][] = variants.map(() => []);
  for (let r = 0; r < 9; r++) {
    for (let i = 0; i < boxes.length; i++) {
      const b = boxes[i]!;
      await b.sandbox.settled();
      const o = await b.sandbox.exec("__kernel", [400, data], 60_000);
      if (o.kind !== "done" || o.done.status !== "ok") throw new Error(`kernel failed: ${JSON.stringify(o).slice(0, 200)}`);
      kernel[i]!.push((o.done.guestMs / 400) * 1000);
    }
  }
  // 4. Idle resident set per container.
  const idleRss = boxes.map((b) => (b.pid === undefined ? undefined : residentBytes(b.pid)));
  await Promise.all(boxes.map((b) => b.sandbox.close()));

  // 3. Timeout grace: answer time minus the limit, fresh warm container each time.
  const graceRows: string[] = [];
  for (const kind of ["worker in own process", "isolated child"] as const) {
    for (const entry of ["__indexOfHoles", "__spin"]) {
      const over: number[] = [];
      for (let r = 0; r < 5; r++) {
        const b = await start(kind, true);
        const limitMs = 300;
        const t0 = performance.now();
        const o = await b.sandbox.exec(entry, [], limitMs);
        over.push(performance.now() - t0 - limitMs);
        if (o.kind !== "timeout") throw new Error(`expected a timeout, got ${o.kind}`);
        await b.sandbox.close();
      }
      graceRows.push(`| ${kind} | \`${entry.slice(2)}\` | ${median(over).toFixed(1)} | ${Math.max(...over).toFixed(1)} |`);
    }
  }

  const lines = [
    "# Containment benchmark",
    "",
    "Command: `npm run build && node dist/bench/containment-bench.js --reps " + REPS + "`",
    `Machine: ${cpus()[0]?.model ?? "?"}, ${cpus().length} cores, ${Math.round(totalmem() / 1024 ** 3)} GiB, Node ${process.version}, ${process.platform}; run ${new Date().toISOString()}.`,
    `1-minute load average at end: ${loadavg()[0]!.toFixed(1)} (the machine is shared: compare rows of one run, not absolute times across runs).`,
    "",
    "## Warm exec round trip of one sandbox (ms) and a kernel per call (µs)",
    "",
    `Round trip: ${REPS} interleaved \`exec\` calls of a trivial entry (fresh compartment per run, post-run handshake awaited before the next).`,
    "Kernel: adler32 over 64 KiB, 400 calls inside the guest per run, median of 9 runs (host-side enforcement costs the guest nothing but CPU contention).",
    "",
    "| container | cold start ms | p50 ms | p90 ms | kernel µs/call | idle resident MiB |",
    "|---|---|---|---|---|---|",
    ...variants.map(
      (v, i) =>
        `| ${v.label} | ${boxes[i]!.coldMs.toFixed(0)} | ${median(rtt[i]!).toFixed(3)} | ${pct(rtt[i]!, 0.9).toFixed(3)} | ${median(kernel[i]!).toFixed(1)} | ${idleRss[i] === undefined ? "(host's)" : (idleRss[i]! / MiB).toFixed(0)} |`,
    ),
    "",
    `## Timeout grace (ms past a ${300} ms limit until the caller has its answer; 5 runs each)`,
    "",
    `The container is SIGKILLed at the limit; the answer waits for the kill to be confirmed, at most KILL_GRACE_MS = ${KILL_GRACE_MS} ms.`,
    "",
    "| container | guest | median ms over the limit | max ms over the limit |",
    "|---|---|---|---|",
    ...graceRows,
    "",
    `Resident-set watch: sampled every ${MEMORY_POLL_MS} ms from /proc/<pid>/statm; a run is killed above resident-at-start + declared memory + ${RESIDENT_OVERHEAD_BYTES / MiB} MiB.`,
    "",
  ];
  writeFileSync(values.out!, lines.join("\n"));
  process.stderr.write(lines.join("\n"));
}

await main();
