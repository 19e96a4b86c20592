/** `anrf migrate` in-process: stdout is the document, stderr the assumptions; --write is atomic and in place. */
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../cli/main.js";
import { validateValue } from "../../spec/validate.js";
import { repoRoot } from "../spec/documents.js";
import { captureIo } from "./validate-io.js";

const migrate = async (args: string[], cwd = repoRoot) => {
  const io = captureIo(cwd);
  const code = await runCli(["migrate", ...args], io);
  return { code, out: io.out(), err: io.err() };
};

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(path.join(tmpdir(), "anrf-migrate-"));
  cpSync(path.join(repoRoot, "examples", "legacy"), path.join(tmp, "legacy"), { recursive: true });
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe("anrf migrate", () => {
  it("prints the migrated document on stdout and the assumptions on stderr", async () => {
    const { code, out, err } = await migrate(["examples/legacy/config-reader.json"]);
    expect(code).toBe(0);
    const doc = JSON.parse(out);
    expect(doc.anrf_version).toBe("1.1.0");
    expect(doc.security.isolation_requirements.resource_limits.filesystem).toBe("ReadOnly");
    expect(validateValue(doc).document).toBeDefined();
    expect(err).toContain("1.0.0 → 1.1.0");
    expect(err).toContain("assumed /security/isolation_requirements/resource_limits/filesystem: set to \"ReadOnly\"");
    expect(err).toContain("info mounts");
  });

  it("--write names the result *.anrf.json (x.json is left as it was), writes atomically, never over an existing file", async () => {
    const file = path.join(tmp, "legacy", "log-writer.json");
    const original = readFileSync(file, "utf8");
    const target = path.join(tmp, "legacy", "log-writer.anrf.json");
    const { code, out } = await migrate([file, "--write"], tmp);
    expect(code).toBe(0);
    expect(out).toBe(`wrote ${target} (ANRF 1.1.0); ${file} left as it was\n`);
    expect(JSON.parse(readFileSync(target, "utf8")).anrf_version).toBe("1.1.0");
    expect(readFileSync(file, "utf8")).toBe(original);
    expect(readdirSync(path.dirname(file)).filter((f) => f.endsWith(".tmp"))).toEqual([]);
    // the migrated folder now verifies as one document, not as "nothing, all good"
    expect(await runCli(["validate", target, "--format", "json"], { stdout: () => {}, stderr: () => {}, cwd: tmp, env: {}, isTTY: false })).toBe(0);
    const again = await migrate([file, "--write"], tmp);
    expect(again.code).toBe(2);
    expect(again.err).toContain("already exists");
    const inPlace = await migrate([target, "--write"], tmp);
    expect(inPlace.code).toBe(0);
    expect(inPlace.err).toContain("already ANRF 1.1.0");
  });

  it("a folder is a usage error (exit 2), not a finding", async () => {
    const { code, err } = await migrate([path.join(tmp, "legacy")], tmp);
    expect(code).toBe(2);
    expect(err).toContain("is a folder");
  });

  it("does not write a result that still has errors, and exits 1", async () => {
    const file = path.join(tmp, "broken.json");
    const original = JSON.stringify({ anrf_version: "1.0.0", creator_id: 7 });
    writeFileSync(file, original);
    const { code, err } = await migrate([file, "--write"], tmp);
    expect(code).toBe(1);
    expect(err).toContain("not written");
    expect(readFileSync(file, "utf8")).toBe(original);
  });

  it("malformed JSON and newer versions exit 1 with one line; usage errors exit 2", async () => {
    const bad = path.join(tmp, "bad.json");
    writeFileSync(bad, '{"a": }');
    const r = await migrate([bad]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/invalid JSON at line 1, column 7/);
    const newer = path.join(tmp, "newer.json");
    writeFileSync(newer, JSON.stringify({ anrf_version: "3.0.0" }));
    expect((await migrate([newer])).code).toBe(1);
    for (const args of [[], ["a.json", "b.json"], ["--force", "x.json"], [path.join(tmp, "missing.json")]]) {
      const u = await migrate(args);
      expect(u.code, args.join(" ")).toBe(2);
      expect(u.out).toBe("");
    }
  });
});
