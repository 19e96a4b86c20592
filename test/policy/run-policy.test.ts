import { readFileSync } from "node:fs";
/**
 * The policy at the enforcement point: run() with an operator policy refuses a denied
 * document before anything of it runs (audited), runs a granted one with the granted limits
 * and the operator's mounts only; `anrf run` / `anrf verify` with --policy, --mount and
 * --on-violation through the CLI dispatcher (in-process).
 */
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "../../cli/main.js";
import type { CliIo } from "../../cli/io.js";
import { DecisionCache } from "../../policy/index.js";
import { run, SandboxPool } from "../../runtime/index.js";
import { operatorFor, readAudit } from "../runtime/fixtures.js";
import { defaultSource, ETC_POLICY, etcDocument, makeDocument, policy, tempDir } from "./helpers.js";

const pool = new SandboxPool();
afterAll(async () => {
  await pool.close();
});

function io(cwd: string): CliIo & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, stdout: (t) => void out.push(t), stderr: (t) => void err.push(t), cwd, env: {}, isTTY: false };
}

const writer = `import { writeFileSync } from "node:fs";
export function write(): string { writeFileSync("/out/pwned.txt", "x"); return "wrote"; }`;

describe("run() with an operator policy", () => {
  it("refuses a denied document before anything runs, and audits the refusal", async () => {
    const dir = tempDir();
    const out = tempDir("anrf-out-");
    const doc = await makeDocument({ dir, code: writer, functions: ["write"], filesystem: "ReadWrite", mounts: { "/out": out } });
    const audit = join(dir, "audit.jsonl");
    const r = await run(doc, "write", [], { verification: [], audit, pool, operatorPolicy: { source: defaultSource(), cache: new DecisionCache(), operatorMounts: new Map([["/out", out]]) } });
    expect(r.status).toBe("error");
    expect(r.error!.code).toBe("ANRF_POLICY_DENIED");
    expect(existsSync(join(out, "pwned.txt"))).toBe(false);
    expect(r.policy!.allowed).toBe(false);
    expect((r.policy!.findings as { path: string }[]).map((f) => f.path)).toContain("/security/isolation_requirements/resource_limits/filesystem");
    // One chain: the policy's decisions, then the run that did not start.
    const records = readFileSync(audit, "utf8").trim().split("\n").map((l) => JSON.parse(l) as { event: string; details: { error?: { code: string }; allowed?: boolean; findings?: unknown[] } });
    expect(records.map((r) => r.event)).toEqual(["policy", "run"]);
    expect(records[1]!.details.error!.code).toBe("ANRF_POLICY_DENIED");
    expect(records[0]!.details.allowed).toBe(false);
    expect(records[0]!.details.findings!.length).toBeGreaterThan(0);
  });

  it("the /etc document reads /etc/passwd only with a granting policy and the operator's binding", async () => {
    const doc = await etcDocument();
    const audit = join(tempDir(), "audit.jsonl");
    const base = { verification: [], audit, pool };
    const denied = await run(doc, "passwd", [], { ...base, operatorPolicy: { source: policy(ETC_POLICY), cache: new DecisionCache() } });
    expect(denied.error?.code).toBe("ANRF_POLICY_DENIED");
    const granted = await run(doc, "passwd", [], { ...base, operatorPolicy: { source: policy(ETC_POLICY), cache: new DecisionCache(), operatorMounts: new Map([["/host", "/etc"]]) } });
    expect(granted.status).toBe("ok");
    expect(String(granted.value)).toMatch(/^root:/m);
    expect(granted.security.limits).toMatchObject({ timeMs: 600000, memoryMb: 4096 });
  });

  it("the operator's directory is what the guest sees, never the document's path", async () => {
    const dir = tempDir();
    mkdirSync(join(dir, "mine"));
    writeFileSync(join(dir, "mine", "note.txt"), "document's own");
    const bound = tempDir("anrf-bound-");
    writeFileSync(join(bound, "note.txt"), "operator's");
    const doc = await makeDocument({ dir, code: `import { readFileSync } from "node:fs";\nexport function read(): string { return readFileSync("/data/note.txt", "utf8"); }`, functions: ["read"], filesystem: "ReadOnly", mounts: { "/data": "mine" } });
    const text = `${ETC_POLICY.replace('resource == Anrf::Mount::"/host"', 'resource == Anrf::Mount::"/data"')}`;
    const r = await run(doc, "read", [], { verification: [], audit: false, pool, operatorPolicy: { source: policy(text), cache: new DecisionCache(), operatorMounts: new Map([["/data", bound]]) } });
    expect(r.value).toBe("operator's");
  });

  it("the policy file's @on_violation is the default; the caller's onViolation wins", async () => {
    const doc = await makeDocument({ code: `export function at(a: number[], i: number): number { return a[i]!; }`, functions: [{ name: "at", properties: { fallback: -1 } }] });
    const text = `@on_violation("degrade")\n${(await import("../../policy/default-policy.js")).DEFAULT_POLICY}`;
    const opts = { verification: [], audit: false as const, pool, operatorPolicy: { source: policy(text), cache: new DecisionCache() } };
    const degraded = await run(doc, "at", [[1], 5], opts);
    expect(degraded).toMatchObject({ status: "violation", degraded: true, value: -1 });
    const terminated = await run(doc, "at", [[1], 5], { ...opts, onViolation: "terminate" });
    expect(terminated.degraded).not.toBe(true);
  });
});

describe("tool state out of reach even when the operator grants the mount", () => {
  it("a mount holding the audit log, or a symlink to it, is refused before the guest runs", async () => {
    const dir = tempDir();
    const logs = tempDir("anrf-logs-");
    const audit = join(logs, "audit.jsonl");
    const { symlinkSync } = await import("node:fs");
    symlinkSync(logs, join(dir, "logs-link"));
    for (const path of [logs, "logs-link"]) {
      const doc = await makeDocument({ dir, code: writer.replace("/out/pwned.txt", "/out/audit.jsonl"), functions: ["write"], filesystem: "ReadWrite", mounts: { "/out": path } });
      const r = await run(doc, "write", [], { verification: [], audit, pool, operatorPolicy: operatorFor(doc) });
      expect(r.error?.code, path).toBe("ANRF_POLICY_DENIED");
      expect(r.error?.message, path).toMatch(/audit log/);
      expect(existsSync(audit) ? readFileSync(audit, "utf8") : "", path).not.toMatch(/"x"/);
    }
    // the log holds only the tool's own records of the refusals
    expect(readAudit(audit).map((l) => l.error?.code)).toEqual(["ANRF_POLICY_DENIED", "ANRF_POLICY_DENIED"]);
  });
});

describe("anrf run / verify with --policy", () => {
  const etcPolicyFile = (dir: string) => {
    writeFileSync(join(dir, "etc.cedar"), ETC_POLICY);
    return "etc.cedar";
  };

  it("anrf run refuses the /etc document under the default policy (exit 1, findings with pointers)", async () => {
    const dir = tempDir();
    await etcDocument(dir);
    const t = io(dir);
    expect(await runCli(["run", "doc.anrf.json", "--entry", "passwd", "--audit", "a.jsonl"], t)).toBe(1);
    const out = t.out.join("");
    expect(out).toMatch(/ANRF_POLICY_DENIED/);
    expect(out).toMatch(/policy error: \/security\/isolation_requirements\/resource_limits\/memory: memory 4096 MiB is not granted/);
    expect(out).not.toMatch(/root:/);
  });

  it("a policy file with errors exits 2 with file:line:column", async () => {
    const dir = tempDir();
    await etcDocument(dir);
    writeFileSync(join(dir, "bad.cedar"), `permit (principal, action == Anrf::Action::"memory", resource)\nwhen { context.memory <= 1 };\n`);
    const t = io(dir);
    expect(await runCli(["run", "doc.anrf.json", "--entry", "passwd", "--policy", "bad.cedar"], t)).toBe(2);
    expect(t.err.join("")).toMatch(/^bad\.cedar:2:8: policy schema error in 'policy0': .*attribute `memory`/);
    const v = io(dir);
    expect(await runCli(["verify", "doc.anrf.json", "--policy", "bad.cedar"], v)).toBe(2);
    expect(v.err.join("")).toMatch(/^bad\.cedar:2:8: policy schema error/);
  });

  it("usage errors: the old --policy terminate, a missing policy file, a --mount the document does not declare, a malformed --mount", async () => {
    const dir = tempDir();
    await etcDocument(dir);
    const cases: [string[], RegExp][] = [
      [["--policy", "terminate"], /use --on-violation terminate/],
      [["--policy", "missing.cedar"], /cannot read policy file missing\.cedar: ENOENT/],
      [["--mount", "/nope=/tmp"], /declares no mount '\/nope'/],
      [["--mount", "/host"], /--mount needs NAME=DIR/],
      [["--on-violation", "ignore"], /must be one of terminate, degrade/],
    ];
    for (const [flags, message] of cases) {
      const t = io(dir);
      expect(await runCli(["run", "doc.anrf.json", "--entry", "passwd", ...flags], t), flags.join(" ")).toBe(2);
      expect(t.err.join(""), flags.join(" ")).toMatch(message);
    }
  });

  it("anrf verify --policy reports the same refusals as findings (exit 1); with the grant and the binding it passes", async () => {
    const dir = tempDir();
    await etcDocument(dir);
    const file = etcPolicyFile(dir);
    const denied = io(dir);
    expect(await runCli(["verify", "doc.anrf.json", "--policy", file, "--format", "json", "--no-cache"], denied)).toBe(1);
    const report = JSON.parse(denied.out.join("")) as { documents: { findings: { ruleId: string; path: string }[] }[] };
    expect(report.documents[0]!.findings.filter((f) => f.ruleId === "policy" || f.ruleId === "mount-binding").map((f) => f.path).sort()).toEqual([
      "/execution/x-anrf-filesystem-mounts/0",
      "/execution/x-anrf-filesystem-mounts/0/path",
    ]);
    const granted = io(dir);
    const status = await runCli(["verify", "doc.anrf.json", "--policy", file, "--mount", "/host=/etc", "--no-cache"], granted);
    expect(granted.out.join("")).not.toMatch(/policy/);
    expect(status).toBe(0);
  });
});
