/** The real binary on the built output: exit codes and no stack traces for bad input. */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot } from "../spec/documents.js";

const bin = path.join(repoRoot, "bin", "anrf.js");
const built = () => existsSync(path.join(repoRoot, "dist", "cli", "commands", "validate.js"));
const anrf = (...args: string[]) => {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: repoRoot, encoding: "utf8", env: { ...process.env, ANRF_DEBUG: "" } });
  return { code: r.status, out: r.stdout, err: r.stderr };
};
const STACK = /^\s+at .+\(.+:\d+:\d+\)$|^\s+at .+:\d+:\d+$/m;

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(path.join(tmpdir(), "anrf-spawn-"));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe("node bin/anrf.js validate (built by npm test before vitest runs)", () => {
  it("the CLI is built (npm test runs the build first)", () => {
    expect(built()).toBe(true);
  });

  it("exit 0 for examples, 1 for examples/invalid, 2 for usage errors", () => {
    expect(anrf("validate", "examples").code).toBe(0);
    const invalid = anrf("validate", "examples/invalid");
    expect(invalid.code).toBe(1);
    expect(invalid.out).toContain("error V6.1.5 /security/override_justification");
    expect(anrf("validate", "--bogus").code).toBe(2);
    expect(anrf("validate", "does-not-exist").code).toBe(2);
  });

  it("bad input of every kind: a clear message, never a stack trace", () => {
    const files = {
      "garbage.anrf.json": "\u0000\u0001not json at all",
      "array.anrf.json": "[]",
      "deep.anrf.json": "[".repeat(50_000) + "]".repeat(50_000),
      "huge-string.anrf.json": JSON.stringify({ anrf_version: "1.1.0", creator_id: "x".repeat(100_000) }),
    };
    for (const [name, content] of Object.entries(files)) writeFileSync(path.join(tmp, name), content);
    const r = anrf("validate", tmp, "--format", "json");
    expect(r.code).toBe(1);
    expect(r.err).toBe("");
    expect(r.out).not.toMatch(STACK);
    const report = JSON.parse(r.out) as { summary: { documents: number; errors: number } };
    expect(report.summary.documents).toBe(4);
    const usage = anrf("validate", path.join(tmp, "nope"));
    expect(usage.err).not.toMatch(STACK);
  });
});
