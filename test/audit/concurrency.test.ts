/**
 * One chain under concurrency: two processes appending at the same time keep a single valid
 * chain with every record (bounded by counts: each waits for the other to be ready, then appends
 * N records one append at a time). A lock left by a dead process is broken; a live holder's, or
 * one whose holder cannot be judged (another host), never is.
 */
import { describe, expect, it } from "vitest";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readlinkSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { compiledPath } from "../../support/compiled-path.js";
import { checkChain } from "../../audit/chain-check.js";
import { appendAuditEntries } from "../../audit/log.js";

const N = 60;

const script = `
import { appendAuditEntries } from ${JSON.stringify(compiledPath("audit/log"))};
import { existsSync, writeFileSync } from "node:fs";
const [log, me, other] = process.argv.slice(1);
writeFileSync(log + "." + me + ".ready", "");
for (let i = 0; i < 100000 && !existsSync(log + "." + other + ".ready"); i++) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2);
for (let i = 0; i < ${N}; i++) appendAuditEntries(log, [{ event: "run", subject: null, details: { worker: me, i } }]);
`;

function appender(log: string, me: string, other: string): Promise<number | null> {
  return new Promise((done) => {
    const child = spawn(process.execPath, ["--input-type=module", "-e", script, log, me, other], { stdio: ["ignore", "ignore", "inherit"] });
    child.on("exit", (code) => done(code));
  });
}

function token(pid: number, host = hostname()) {
  const read = (f: () => string) => {
    try {
      return f().trim();
    } catch {
      return "";
    }
  };
  return JSON.stringify({ host, boot: read(() => readFileSync("/proc/sys/kernel/random/boot_id", "utf8")) || "unknown-boot", pidns: read(() => readlinkSync("/proc/self/ns/pid")) || "unknown-pidns", pid, nonce: "0123456789abcdef0123456789abcdef" });
}

describe("audit log: concurrent appenders", () => {
  it("two processes appending at once keep one valid chain with every record", async () => {
    expect(existsSync(compiledPath("audit/log")), "build first (npm run build)").toBe(true);
    const dir = mkdtempSync(join(tmpdir(), "anrf-audit-cc-"));
    const log = join(dir, "audit.jsonl");
    const codes = await Promise.all([appender(log, "a", "b"), appender(log, "b", "a")]);
    expect(codes).toEqual([0, 0]);
    const check = checkChain(readFileSync(log, "utf8"));
    expect(check.problem).toBeUndefined();
    expect(check.records).toHaveLength(2 * N);
    for (const worker of ["a", "b"]) {
      expect(check.records.filter((r) => r.details["worker"] === worker).map((r) => r.details["i"])).toEqual(Array.from({ length: N }, (_, i) => i));
    }
    expect(existsSync(`${log}.lock`)).toBe(false);
  });

  it("a lock left by a dead process is broken; the append goes through", () => {
    const dir = mkdtempSync(join(tmpdir(), "anrf-audit-stale-"));
    const log = join(dir, "audit.jsonl");
    const dead = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" });
    writeFileSync(`${log}.lock`, token(Number(dead.stdout)));
    appendAuditEntries(log, [{ event: "run", subject: null, details: {} }], { lockAttempts: 5 });
    expect(checkChain(readFileSync(log, "utf8")).records).toHaveLength(1);
    expect(existsSync(`${log}.lock`)).toBe(false);
  });

  it("a live holder's lock and a lock from another host are waited for, never broken", () => {
    const dir = mkdtempSync(join(tmpdir(), "anrf-audit-busy-"));
    const log = join(dir, "audit.jsonl");
    writeFileSync(`${log}.lock`, token(process.pid));
    expect(() => appendAuditEntries(log, [{ event: "run", subject: null, details: {} }], { lockAttempts: 3 })).toThrow(expect.objectContaining({ code: "ANRF_LOCK_BUSY" }));
    writeFileSync(`${log}.lock`, token(999_999_999, "some-other-host"));
    expect(() => appendAuditEntries(log, [{ event: "run", subject: null, details: {} }], { lockAttempts: 3 })).toThrow(/another pid namespace|some-other-host/);
    expect(existsSync(`${log}.lock`)).toBe(true);
    expect(existsSync(log) ? readFileSync(log, "utf8") : "").toBe("");
  });
});
