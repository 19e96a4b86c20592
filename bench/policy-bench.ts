/**
 * Policy benchmark (issue 11): what Cedar costs and what the decision cache saves, side by
 * side in one run on one machine.
 *
 *   npm run build && node dist/bench/policy-bench.js [--repeat 7] [--requests 300] [--runs 3] [--out bench/results/policy.md]
 *
 * Phases, each in fresh Node processes (so "cold" really pays module loading), medians:
 *  - load: import @cedar-policy/cedar-wasm/nodejs (Wasm compile + instantiate);
 *  - cold resolution: the /etc document of issue 11 under a 9-policy file with an operator
 *    binding — load policy/, Cedar, parse + validate the policy, decide 7 requests, empty cache;
 *  - warm resolution: the same in a new process with the on-disk decision cache filled (Cedar
 *    is not loaded: checked by counting its loads);
 *  - per request: N distinct requests (different memory sizes) against a preparsed policy
 *    after warm-up, and the same N served from the in-memory cache;
 *  - `anrf run` of examples/adler32 (default policy), cold cache vs warm cache, whole CLI wall
 *    time — so the policy's share can be read against a real run.
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { projectRoot } from "../support/compiled-path.js";
import { median } from "./stats.js";

const root = projectRoot();
const { values } = parseArgs({
  options: {
    repeat: { type: "string", default: "7" },
    requests: { type: "string", default: "300" },
    runs: { type: "string", default: "3" },
    out: { type: "string", default: join(root, "bench", "results", "policy.md") },
    child: { type: "string" },
    dir: { type: "string" },
  },
});

const ETC_POLICY = `
@id("ro") permit (principal, action == Anrf::Action::"filesystem", resource) when { context.access == "ReadOnly" };
@id("net") permit (principal, action == Anrf::Action::"network", resource) when { !context.enabled };
@id("mem") permit (principal, action == Anrf::Action::"memory", resource) when { context.mib <= 4096 };
@id("time") permit (principal, action == Anrf::Action::"time", resource) when { context.ms <= 600000 };
@id("thr") permit (principal, action == Anrf::Action::"threadIsolation", resource);
@id("host") permit (principal, action == Anrf::Action::"mount", resource == Anrf::Mount::"/host") when { context.binding == "operator" };
@id("unproved") permit (principal, action == Anrf::Action::"runUnproved", resource);
@id("cap") forbid (principal, action == Anrf::Action::"memory", resource) when { context.mib > 8192 };
@id("no-rw-net") forbid (principal, action == Anrf::Action::"network", resource) when { context.enabled };
`;

async function etcDocument(dir: string) {
  const { loadDocument } = await import("../spec/load.js");
  const doc = JSON.parse((await import("node:fs")).readFileSync(join(root, "examples", "read-note.anrf.json"), "utf8"));
  const rl = doc.security.isolation_requirements.resource_limits;
  Object.assign(rl, { filesystem: "ReadOnly", memory: 4096, time: 600000 });
  doc.execution["x-anrf-filesystem-mounts"] = [{ mount: "/host", path: "/etc" }];
  (await import("node:fs")).mkdirSync(join(dir, "src"), { recursive: true });
  (await import("node:fs")).copyFileSync(join(root, "examples", doc.execution.source), join(dir, doc.execution.source));
  const file = join(dir, "etc.anrf.json");
  writeFileSync(file, JSON.stringify(doc));
  const loaded = await loadDocument(file);
  if (!loaded.valid) throw new Error(`bench document invalid: ${JSON.stringify(loaded.findings.filter((f) => f.severity === "error"))}`);
  return loaded;
}

/** Child: one measurement, printed as JSON on stdout. */
async function child(kind: string, dir: string): Promise<void> {
  const t0 = performance.now();
  if (kind === "load") {
    await import("@cedar-policy/cedar-wasm/nodejs");
    process.stdout.write(JSON.stringify({ ms: performance.now() - t0 }));
    return;
  }
  const loaded = await etcDocument(dir);
  const t1 = performance.now();
  const policy = await import("../policy/index.js");
  const { cedarLoads } = await import("../policy/cedar.js");
  const { readPolicySource } = await import("../policy/source.js");
  if (kind === "resolve") {
    const source = readPolicySource("bench.cedar", ETC_POLICY);
    const cache = new policy.DecisionCache(join(dir, "cache"));
    const t2 = performance.now();
    const problems = await policy.checkPolicy(source, cache);
    if (problems.length > 0) throw new Error(JSON.stringify(problems));
    const t3 = performance.now();
    const r = await policy.resolvePolicy(loaded, source, cache, { operatorMounts: new Map([["/host", "/etc"]]), statuses: ["proved", "unknown"], mode: "production" });
    if (!r.allowed) throw new Error(JSON.stringify(r.findings));
    const t4 = performance.now();
    process.stdout.write(JSON.stringify({ ms: t4 - t1, importMs: t2 - t1, checkMs: t3 - t2, decideMs: t4 - t3, cedarLoads: cedarLoads(), requests: r.decisions.length, misses: cache.stats.misses }));
    return;
  }
  if (kind === "requests") {
    const { authorize } = await import("../policy/cedar.js");
    const { buildRequests } = await import("../policy/requests.js");
    const { DecisionCache } = policy;
    const { decideCached } = await import("../policy/decide-cached.js");
    const source = readPolicySource("bench.cedar", ETC_POLICY);
    await policy.checkPolicy(source, new DecisionCache());
    const n = Number(values.requests);
    const base = buildRequests({ document: loaded.document!, facts: { digest: "bench", name: "etc" }, bindings: new Map() }).find((r) => r.action === "memory")!;
    const requests = Array.from({ length: n }, (_, i) => ({ ...base, context: { mib: 1 + i } }));
    await authorize(source, requests.slice(0, 20)); // warm-up: first decisions are slow
    const a = performance.now();
    await authorize(source, requests);
    const cedarPer = (performance.now() - a) / n;
    const cache = new DecisionCache();
    await decideCached(source, cache, requests);
    const b = performance.now();
    await decideCached(source, cache, requests);
    const cachedPer = (performance.now() - b) / n;
    process.stdout.write(JSON.stringify({ cedarPer, cachedPer }));
    return;
  }
  throw new Error(`unknown child ${kind}`);
}

function runChild(kind: string, dir: string): Record<string, number> {
  const r = spawnSync(process.execPath, [join(root, "dist", "bench", "policy-bench.js"), "--child", kind, "--dir", dir, "--requests", String(values.requests)], { cwd: root, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`child ${kind} failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as Record<string, number>;
}

function timeCli(args: string[], cwd: string): Promise<{ ms: number; code: number | null }> {
  return new Promise((resolve) => {
    const t = performance.now();
    const c = spawn(process.execPath, [join(root, "bin", "anrf.js"), ...args], { cwd, stdio: "ignore" });
    c.on("close", (code) => resolve({ ms: performance.now() - t, code }));
  });
}

async function main(): Promise<void> {
  const repeat = Number(values.repeat);
  const started = new Date().toISOString();
  const loadBefore = loadavg()[0]!.toFixed(1);
  const load: number[] = [];
  const cold: number[] = [];
  const warm: number[] = [];
  const parts = { cold: { importMs: [] as number[], checkMs: [] as number[], decideMs: [] as number[] }, warm: { importMs: [] as number[], checkMs: [] as number[], decideMs: [] as number[] } };
  const warmLoads: number[] = [];
  let requests = 0;
  // interleaved: load, cold, warm, so drift in machine load hits all three alike
  for (let i = 0; i < repeat; i++) {
    const dir = mkdtempSync(join(tmpdir(), "anrf-pbench-"));
    load.push(runChild("load", dir).ms!);
    const c = runChild("resolve", dir);
    cold.push(c.ms!);
    requests = c.requests!;
    const w = runChild("resolve", dir);
    warm.push(w.ms!);
    for (const k of ["importMs", "checkMs", "decideMs"] as const) {
      parts.cold[k].push(c[k]!);
      parts.warm[k].push(w[k]!);
    }
    warmLoads.push(w.cedarLoads!);
  }
  const per = runChild("requests", mkdtempSync(join(tmpdir(), "anrf-pbench-")));
  const runs = Number(values.runs);
  const runCold: number[] = [];
  const runWarm: number[] = [];
  const example = join(root, "examples", "adler32-checksum.anrf.json");
  const args = ["run", example, "--entry", "adler32", "--args", "[[1,2,3]]", "--audit", "audit.jsonl"];
  for (let i = 0; i < runs; i++) {
    const cwd = mkdtempSync(join(tmpdir(), "anrf-pbench-run-"));
    const a = await timeCli(args, cwd);
    const b = await timeCli(args, cwd);
    if (a.code !== 0 || b.code !== 0) throw new Error(`anrf run failed (${a.code}, ${b.code})`);
    runCold.push(a.ms);
    runWarm.push(b.ms);
  }
  const cpu = cpus()[0]?.model.trim() ?? "unknown CPU";
  const f = (n: number) => n.toFixed(1);
  const md = `# Policy benchmark (Cedar and the decision cache)

Command: \`npm run build && node dist/bench/policy-bench.js --repeat ${repeat} --requests ${values.requests} --runs ${runs}\`
Machine: ${cpu}, ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, @cedar-policy/cedar-wasm 4.13.0; run ${started}.
1-minute load average at start / end: ${loadBefore} / ${loadavg()[0]!.toFixed(1)} (the machine is shared: compare ratios, not absolute times).

Each row: fresh Node processes, median of ${repeat} (interleaved load / cold / warm). The
document is issue 11's /etc document under a 9-policy file with the operator binding /host;
one resolution decides ${requests} requests (filesystem, network, memory, time, thread
isolation, one mount, running with unproved obligations).

| phase | ms (median) | × cold resolution |
|---|---:|---:|
| import cedar-wasm (Wasm compile + instantiate) | ${f(median(load))} | ${(median(load) / median(cold)).toFixed(3)} |
| cold resolution (policy/ + Cedar load + parse/validate + ${requests} decisions, empty cache) | ${f(median(cold))} | 1.000 |
| warm resolution (decisions from the on-disk cache; Cedar loaded ${Math.max(...warmLoads)} times) | ${f(median(warm))} | ${(median(warm) / median(cold)).toFixed(3)} |

Where the time goes (medians, ms):

| resolution | import policy/ | check the policy (parse + validate, or the digest marker) | decide (Cedar, or cache reads) |
|---|---:|---:|---:|
| cold | ${f(median(parts.cold.importMs))} | ${f(median(parts.cold.checkMs))} | ${f(median(parts.cold.decideMs))} |
| warm | ${f(median(parts.warm.importMs))} | ${f(median(parts.warm.checkMs))} | ${f(median(parts.warm.decideMs))} |

Per request, after warm-up, ${values.requests} distinct requests: Cedar (preparsed policy set and
schema, request validated against the schema) **${per.cedarPer!.toFixed(3)} ms**; served from the
in-memory decision cache (sha256 key) **${per.cachedPer!.toFixed(4)} ms**.

Whole \`anrf run examples/adler32-checksum.anrf.json\` under the built-in policy (CLI wall time,
Node start-up, verification with z3 and the sandbox included; median of ${runs}): empty decision
cache ${f(median(runCold))} ms, warm decision cache ${f(median(runWarm))} ms. The policy's share of
a cold run is the cold resolution above (${f(median(cold))} ms, ${((median(cold) / median(runCold)) * 100).toFixed(1)} % of the run); of a warm run the warm
resolution (${f(median(warm))} ms, ${((median(warm) / median(runWarm)) * 100).toFixed(1)} %). The whole-run figures are dominated by verification
(\`anrf run\` re-verifies every time: the runtime does not use the proof cache yet) and by the
machine's load; read the policy's cost from the rows above, not from their difference.
`;
  writeFileSync(values.out!, md);
  process.stdout.write(md);
}

if (values.child !== undefined) await child(values.child, values.dir ?? tmpdir());
else await main();
