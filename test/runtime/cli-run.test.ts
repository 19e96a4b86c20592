/**
 * `anrf run` through the CLI dispatcher (in-process, injected io): exit codes 0/1/2, formats,
 * and the audit file flag.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../../cli/main.js";
import type { CliIo } from "../../cli/io.js";
import { makeDocument, readAudit, tempDir } from "./fixtures.js";

function io(cwd: string): CliIo & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, stdout: (t) => void out.push(t), stderr: (t) => void err.push(t), cwd, env: {}, isTTY: false };
}

const code = `export function add(a: number, b: number): number { return a + b; }
export function at(a: number[], i: number): number { return a[i]!; }`;

describe("anrf run", () => {
  it("exit 0 and the value (json), with an audit record in --audit FILE", async () => {
    const dir = tempDir();
    await makeDocument({ dir, code, functions: ["add", "at"] });
    const t = io(dir);
    const audit = join(dir, "trail.jsonl");
    const code0 = await runCli(["run", "doc.anrf.json", "--entry", "add", "--args", "[2,3]", "--format", "json", "--audit", audit], t);
    expect(code0).toBe(0);
    const result = JSON.parse(t.out.join("")) as { status: string; value: unknown; security: { mode: string } };
    expect(result).toMatchObject({ status: "ok", value: 5, security: { mode: "production" } });
    expect(readAudit(audit).at(-1)).toMatchObject({ entry: "add", status: "ok" });
  });
  it("exit 1 on a violation (pretty output names the obligation and location)", async () => {
    const dir = tempDir();
    await makeDocument({ dir, code, functions: ["add", "at"] });
    const t = io(dir);
    const status = await runCli(["run", "doc.anrf.json", "--entry", "at", "--args", "[[1],4]", "--mode", "development", "--audit", join(dir, "a.jsonl")], t);
    expect(status).toBe(1);
    expect(t.out.join("")).toMatch(/status: violation[\s\S]*violation: bounds \S+\/bounds\/2:\d+ at \S+:2:\d+/);
  });
  it("exit 1 when --args do not have the declared parameter types (named in the output)", async () => {
    const dir = tempDir();
    await makeDocument({ dir, code, functions: ["add", "at"] });
    const t = io(dir);
    const status = await runCli(["run", "doc.anrf.json", "--entry", "at", "--args", '[[1, "2"], 0]', "--mode", "development", "--audit", join(dir, "a.jsonl")], t);
    expect(status).toBe(1);
    expect(t.out.join("")).toMatch(/violation: precondition ENT-1-AT\/precondition\/entry:a at \S+:2:\d+[\s\S]*argument 'a' must be number\[\]: a\[1\] is a string, not a number/);
  });
  it("exit 1 on a timeout (--timeout)", async () => {
    const dir = tempDir();
    await makeDocument({ dir, code: "export function spin(): number { for (;;) {} }", functions: ["spin"] });
    const t = io(dir);
    expect(await runCli(["run", "doc.anrf.json", "--entry", "spin", "--timeout", "200", "--audit", join(dir, "a.jsonl")], t)).toBe(1);
    expect(t.out.join("")).toContain("status: timeout");
  });
  it("exit 2 for --args that is not JSON, not an array, or an unknown entry", async () => {
    const dir = tempDir();
    await makeDocument({ dir, code, functions: ["add"] });
    for (const argv of [
      ["run", "doc.anrf.json", "--entry", "add", "--args", "[1,"],
      ["run", "doc.anrf.json", "--entry", "add", "--args", "{\"a\":1}"],
      ["run", "doc.anrf.json", "--entry", "nope"],
      ["run", "doc.anrf.json"],
      ["run", "doc.anrf.json", "--entry", "add", "--mode", "fast"],
    ]) {
      const t = io(dir);
      expect(await runCli(argv, t), argv.join(" ")).toBe(2);
      expect(t.err.join("")).toMatch(/anrf run: /);
    }
  });
  it("--help prints the usage and exits 0", async () => {
    const t = io(tempDir());
    expect(await runCli(["run", "--help"], t)).toBe(0);
    expect(t.out.join("")).toMatch(/usage: anrf run <doc> --entry NAME/);
  });
  it("exit 1 with findings for an invalid document", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "bad.anrf.json"), JSON.stringify({ anrf_version: "1.1.0" }));
    const t = io(dir);
    expect(await runCli(["run", "bad.anrf.json", "--entry", "add"], t)).toBe(1);
    expect(t.out.join("")).toMatch(/error/i);
  });
});

describe("anrf run as a real process", () => {
  it("exits by itself after the run (idle sandboxes, the sandbox-host process and pipes do not hold it), thread and process isolation", async () => {
    const { spawnSync } = await import("node:child_process");
    const { projectRoot } = await import("../../support/compiled-path.js");
    const dir = tempDir();
    await makeDocument({ dir, code, functions: ["add", "at"] });
    for (const isolation of ["thread", "process"]) {
      const child = spawnSync(process.execPath, [join(projectRoot(), "bin", "anrf.js"), "run", "doc.anrf.json", "--entry", "add", "--args", "[1,2]", "--isolation", isolation, "--format", "json"], {
        cwd: dir,
        encoding: "utf8",
        timeout: 90_000,
      });
      expect(child.signal, `${isolation}: killed by the test timeout means the CLI did not exit`).toBeNull();
      expect(child.status).toBe(0);
      expect(JSON.parse(child.stdout)).toMatchObject({ status: "ok", value: 3 });
    }
  });
});
