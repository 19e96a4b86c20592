/**
 * The audit log is the host's file: a log replaced by a directory, a symbolic link or a hard link
 * is refused (O_NOFOLLOW + fstat), nothing is written through it, and the run's result is still
 * reported — in the result (`audit: { ok: false, code }`) and on the CLI's stderr, with the run's
 * own exit code.
 */
import { afterAll, describe, expect, it } from "vitest";
import { linkSync, mkdirSync, readFileSync, symlinkSync, writeFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { SandboxPool } from "../../runtime/index.js";
import { runCli } from "../../cli/main.js";
import type { CliIo } from "../../cli/io.js";
import { makeDocument, tempDir, runGranted as run } from "../runtime/fixtures.js";

const pool = new SandboxPool();
afterAll(() => pool.close());

function io(cwd: string): CliIo & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, stdout: (t) => void out.push(t), stderr: (t) => void err.push(t), cwd, env: {}, isTTY: false };
}

const code = "export function add(a: number, b: number): number { return a + b; }";

describe("audit log hardening", () => {
  it("a log replaced by a directory: the run reports ok, the audit failure is in the result", async () => {
    const dir = tempDir();
    const doc = await makeDocument({ dir, code, functions: ["add"] });
    const log = join(dir, ".anrf", "audit.jsonl");
    mkdirSync(log, { recursive: true });
    const r = await run(doc, "add", [2, 3], { verification: [], audit: log, pool });
    expect(r.status).toBe("ok");
    expect(r.value).toBe(5);
    expect(r.audit).toMatchObject({ ok: false, code: "ANRF_AUDIT_NOT_REGULAR" });
    // And the next run, too (issue 10: every later run in the folder used to exit 2).
    expect((await run(doc, "add", [1, 1], { verification: [], audit: log, pool })).value).toBe(2);
  });

  it("a log replaced by a symbolic link is not followed: the target is untouched", async () => {
    const dir = tempDir();
    const doc = await makeDocument({ dir, code, functions: ["add"] });
    const target = join(dir, "precious.txt");
    writeFileSync(target, "keep me\n");
    const log = join(dir, "audit.jsonl");
    symlinkSync(target, log);
    const r = await run(doc, "add", [2, 3], { verification: [], audit: log, pool });
    expect(r.status).toBe("ok");
    expect(r.audit).toMatchObject({ ok: false, code: "ANRF_AUDIT_NOT_REGULAR", message: expect.stringMatching(/symbolic link/) });
    expect(readFileSync(target, "utf8")).toBe("keep me\n");
  });

  it("a symlinked audit folder and a hard-linked log are refused too", async () => {
    const dir = tempDir();
    const doc = await makeDocument({ dir, code, functions: ["add"] });
    const elsewhere = join(dir, "elsewhere");
    mkdirSync(elsewhere);
    symlinkSync(elsewhere, join(dir, "linked"));
    const viaFolder = await run(doc, "add", [2, 3], { verification: [], audit: join(dir, "linked", "audit.jsonl"), pool });
    expect(viaFolder.audit).toMatchObject({ ok: false, code: "ANRF_AUDIT_FOLDER" });
    expect(existsSync(join(elsewhere, "audit.jsonl"))).toBe(false);
    const other = join(dir, "other.txt");
    writeFileSync(other, "");
    linkSync(other, join(dir, "hard.jsonl"));
    const viaHardLink = await run(doc, "add", [2, 3], { verification: [], audit: join(dir, "hard.jsonl"), pool });
    expect(viaHardLink.audit).toMatchObject({ ok: false, code: "ANRF_AUDIT_NOT_REGULAR", message: expect.stringMatching(/hard links/) });
    expect(readFileSync(other, "utf8")).toBe("");
  });

  it("anrf run: the result is printed, the failure goes to stderr, the exit code is the run's", async () => {
    const dir = tempDir();
    await makeDocument({ dir, code: `${code}\nexport function at(a: number[], i: number): number { return a[i]!; }`, functions: ["add", "at"] });
    mkdirSync(join(dir, ".anrf", "audit.jsonl"), { recursive: true });
    const ok = io(dir);
    expect(await runCli(["run", "doc.anrf.json", "--entry", "add", "--args", "[2,3]", "--format", "json"], ok)).toBe(0);
    expect(JSON.parse(ok.out.join(""))).toMatchObject({ status: "ok", value: 5, audit: { ok: false, code: "ANRF_AUDIT_NOT_REGULAR" } });
    expect(ok.err.join("")).toMatch(/audit log not written \(ANRF_AUDIT_NOT_REGULAR\)/);
    const bad = io(dir);
    expect(await runCli(["run", "doc.anrf.json", "--entry", "at", "--args", "[[1],4]", "--mode", "development"], bad)).toBe(1);
    expect(bad.out.join("")).toMatch(/status: violation/);
    expect(bad.err.join("")).toMatch(/audit log not written/);
  });

  it("a healthy log gets the run and one record per violation, chained", async () => {
    const dir = tempDir();
    const doc = await makeDocument({ dir, code: "export function at(a: number[], i: number): number { return a[i]!; }", functions: ["at"] });
    const log = join(dir, "audit.jsonl");
    const r = await run(doc, "at", [[1], 4], { verification: [], audit: log, pool, mode: "development" });
    expect(r.status).toBe("violation");
    expect(r.audit).toMatchObject({ ok: true, seq: 3 });
    const records = readFileSync(log, "utf8").trim().split("\n").map((l) => JSON.parse(l));
    // The operator policy's decisions, the run, its violation: one chain.
    expect(records.map((x) => [x.seq, x.event])).toEqual([
      [1, "policy"],
      [2, "run"],
      [3, "violation"],
    ]);
    expect(records[1].prev).toBe(records[0].hash);
    expect(records[2].prev).toBe(records[1].hash);
    expect(records[1].subject).toMatch(/^sha256:[0-9a-f]{64}$/);
  });
});
