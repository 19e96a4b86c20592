/**
 * The operator's configuration beyond flags: anrf.config.json's "policy" object (policy file and
 * mount bindings, flags win per mount name), `anrf verify --watch` deciding each run under the
 * policy as a one-shot verify does, and the key files an invocation names kept out of every
 * mount's reach (a mount over the audit signing key would let the guest forge checkpoints).
 */
import { spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../../cli/main.js";
import type { CliIo } from "../../cli/io.js";
import { generateKeyPairSync } from "node:crypto";
import { projectRoot } from "../../support/compiled-path.js";
import { DEFAULT_POLICY } from "../../policy/default-policy.js";
import { ETC_POLICY, etcDocument, makeDocument, tempDir } from "./helpers.js";

function io(cwd: string): CliIo & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, stdout: (t) => void out.push(t), stderr: (t) => void err.push(t), cwd, env: {}, isTTY: false };
}

/** ETC_POLICY with the /host mount allowed ReadWrite too (the key-file case writes nothing, it must be refused first). */
const DATA_POLICY = ETC_POLICY.replace('resource == Anrf::Mount::"/host"', 'resource == Anrf::Mount::"/data"');

describe("anrf.config.json: the policy object", () => {
  it("its file and mounts decide run and verify exactly as --policy and --mount do", async () => {
    const dir = tempDir();
    await etcDocument(dir);
    mkdirSync(join(dir, "ops"));
    writeFileSync(join(dir, "ops", "etc.cedar"), ETC_POLICY);
    // Paths in the config are relative to its folder.
    writeFileSync(join(dir, "anrf.config.json"), JSON.stringify({ policy: { file: "ops/etc.cedar", mounts: { "/host": "/etc" } } }));
    const ran = io(dir);
    expect(await runCli(["run", "doc.anrf.json", "--entry", "passwd", "--audit-log", "a.jsonl", "--format", "json"], ran)).toBe(0);
    expect(JSON.parse(ran.out.join("")).value).toMatch(/^root:/m);
    const verified = io(dir);
    expect(await runCli(["verify", "doc.anrf.json", "--no-cache", "--audit-log", "a.jsonl"], verified)).toBe(0);
    // A flag replaces the configured binding of that name: here with a folder that has no passwd.
    const empty = tempDir("anrf-empty-");
    const flagged = io(dir);
    expect(await runCli(["run", "doc.anrf.json", "--entry", "passwd", "--audit-log", "a.jsonl", "--mount", `/host=${empty}`, "--format", "json"], flagged)).toBe(1);
    expect(JSON.parse(flagged.out.join("")).value).toBeUndefined();
  });

  it("without the binding the configured policy still refuses, and verify reports it (a CI gate from the config alone)", async () => {
    const dir = tempDir();
    await etcDocument(dir);
    writeFileSync(join(dir, "etc.cedar"), ETC_POLICY);
    writeFileSync(join(dir, "anrf.config.json"), JSON.stringify({ policy: { file: "etc.cedar" } }));
    const verified = io(dir);
    expect(await runCli(["verify", "doc.anrf.json", "--no-cache", "--audit-log", "a.jsonl", "--format", "json"], verified)).toBe(1);
    const report = JSON.parse(verified.out.join("")) as { documents: { findings: { ruleId: string; path: string }[] }[] };
    expect(report.documents[0]!.findings.some((f) => f.path.startsWith("/execution/x-anrf-filesystem-mounts/0"))).toBe(true);
  });

  it("a malformed policy object is a usage error with anrf.config.json:line:column and its pointer", async () => {
    const dir = tempDir();
    await etcDocument(dir);
    writeFileSync(join(dir, "anrf.config.json"), `{\n  "policy": {\n    "file": "etc.cedar",\n    "mounts": { "/host": 7 }\n  }\n}\n`);
    const t = io(dir);
    expect(await runCli(["run", "doc.anrf.json", "--entry", "passwd"], t)).toBe(2);
    expect(t.err.join("")).toMatch(/anrf\.config\.json:4:\d+: \/policy\/mounts\/~1host: must be a directory path/);
    writeFileSync(join(dir, "anrf.config.json"), JSON.stringify({ policy: { file: "etc.cedar", grants: true } }));
    const u = io(dir);
    expect(await runCli(["verify", "doc.anrf.json"], u)).toBe(2);
    expect(u.err.join("")).toMatch(/\/policy\/grants: unknown setting/);
  });
});

describe("key files the invocation names are tool state", () => {
  it("a mount over the --audit-key or --keys file is refused before anything runs", async () => {
    const dir = tempDir();
    const data = join(dir, "data");
    mkdirSync(data);
    const key = generateKeyPairSync("ed25519").privateKey.export({ type: "pkcs8", format: "pem" }).toString();
    writeFileSync(join(data, "audit.key"), key, { mode: 0o600 });
    await makeDocument({ dir, code: `import { readFileSync } from "node:fs";\nexport function steal(): string { return readFileSync("/data/audit.key", "utf8"); }\n`, functions: ["steal"], filesystem: "ReadOnly", mounts: { "/data": "data" } });
    writeFileSync(join(dir, "data.cedar"), DATA_POLICY);
    const base = ["run", "doc.anrf.json", "--entry", "steal", "--policy", "data.cedar", "--mount", "/data=data", "--audit-log", "a.jsonl", "--format", "json"];
    // Control: without naming the key as the audit key, the mount is granted and the file is readable.
    const control = io(dir);
    expect(await runCli(base, control), control.out.join("") + control.err.join("")).toBe(0);
    expect(JSON.parse(control.out.join("")).value).toMatch(/BEGIN PRIVATE KEY/);
    const refused = io(dir);
    expect(await runCli([...base, "--audit-key", "data/audit.key"], refused)).toBe(1);
    const result = JSON.parse(refused.out.join("")) as { status: string; value?: unknown; error: { code: string; message: string } };
    expect(result.status).toBe("error");
    expect(result.value).toBeUndefined();
    expect(result.error.code).toBe("ANRF_POLICY_DENIED");
    expect(result.error.message).toMatch(/audit signing key/);
  });
});

describe("anrf verify --watch under the operator's policy", () => {
  it("each run is decided by the policy: a change that asks for more than it grants fails the watch", async () => {
    const dir = tempDir();
    const code = "export function two(): number { return 2; }\n";
    await makeDocument({ dir, code, functions: ["two"], timeMs: 3000, memoryMb: 64 });
    writeFileSync(join(dir, "ops.cedar"), DEFAULT_POLICY);
    const bin = join(projectRoot(), "bin", "anrf.js");
    const child = spawn(process.execPath, [bin, "verify", "doc.anrf.json", "--watch", "--format", "json", "--policy", "ops.cedar", "--no-cache", "--audit-log", "a.jsonl"], { cwd: dir, env: { ...process.env, CI: "" } });
    const lines: { watch: { run: number; passed: boolean }; documents: { findings: { ruleId: string; path: string }[] }[] }[] = [];
    let buffer = "";
    let stderr = "";
    const waiters: (() => void)[] = [];
    child.stdout.on("data", (chunk: Buffer) => {
      buffer += chunk.toString("utf8");
      let nl: number;
      while ((nl = buffer.indexOf("\n")) !== -1) {
        lines.push(JSON.parse(buffer.slice(0, nl)));
        buffer = buffer.slice(nl + 1);
        for (const w of waiters.splice(0)) w();
      }
    });
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
    const exit = new Promise<number | null>((resolve) => child.on("exit", (c) => resolve(c)));
    const line = async (n: number) => {
      while (lines.length < n) {
        if (child.exitCode !== null) throw new Error(`watch exited (${child.exitCode}) before report ${n}: ${stderr}`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          child.once("exit", () => resolve());
        });
      }
      return lines[n - 1]!;
    };
    try {
      expect((await line(1)).watch.passed).toBe(true);
      // The same document now asks for 4 GiB: the built-in default grants 256 MiB at most.
      await makeDocument({ dir, code, functions: ["two"], timeMs: 3000, memoryMb: 4096 });
      const second = await line(2);
      expect(second.watch.passed).toBe(false);
      expect(second.documents[0]!.findings.map((f) => f.path)).toContain("/security/isolation_requirements/resource_limits/memory");
    } finally {
      child.kill("SIGTERM");
    }
    expect(await exit).toBe(1);
  });
});
