/**
 * Containment: the ReadWrite quota (bytes written, files created per run — the operator's value,
 * RunOptions.writeQuota) and hard links inside a mount (a regular file with more than one link
 * may be a file outside the mount: refused for reads and writes). Both isolation modes.
 */
import { existsSync, linkSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { SandboxPool, type RunOptions, type RunResult } from "../../runtime/index.js";
import type { LoadedDocument } from "../../spec/load.js";
import { makeDocument, tempDir, runGranted as run } from "./fixtures.js";
import { noSandboxLeft } from "./proc-tree.js";

const code = String.raw`
import { writeFileSync, appendFileSync, mkdirSync, readFileSync } from "node:fs";
export function ok(): number { return 7; }
export function writeBytes(n: number): number { writeFileSync("/data/out.bin", "x".repeat(n)); return n; }
export function appendTwice(n: number): number { appendFileSync("/data/log.txt", "y".repeat(n)); appendFileSync("/data/log.txt", "y".repeat(n)); return 2 * n; }
export function createFiles(n: number): number { for (let i = 0; i < n; i++) writeFileSync("/data/f" + i + ".txt", "."); return n; }
export function deepDirs(): number { mkdirSync("/data/a/b/c/d", { recursive: true }); return 4; }
export function readLink(): string { return readFileSync("/data/link.txt", "utf8"); }
export function writeLink(): number { writeFileSync("/data/link.txt", "overwritten"); return 1; }
`;

let base: string;
let data: string;
let doc: LoadedDocument;
const pool = new SandboxPool();

beforeAll(async () => {
  base = tempDir();
  data = join(base, "data");
  mkdirSync(data);
  mkdirSync(join(base, "doc"));
  doc = await makeDocument({
    dir: join(base, "doc"),
    code,
    filesystem: "ReadWrite",
    mounts: { "/data": data },
    timeMs: 30_000, // a loaded machine must not turn a quota verdict into a timeout
    functions: ["ok", "writeBytes", "appendTwice", "createFiles", "deepDirs", "readLink", "writeLink"],
  });
});
beforeEach(() => {
  for (const name of readdirSync(data)) rmSync(join(data, name), { recursive: true, force: true });
});
afterAll(async () => {
  await pool.close();
  expect(await noSandboxLeft(), "sandbox processes left after the pool closed").toEqual([]);
});

describe.each(["thread", "process"] as const)("%s isolation", (isolation) => {
  const go = (entry: string, args: unknown[] = [], extra: Partial<RunOptions> = {}): Promise<RunResult> =>
    run(doc, entry, args, { verification: [], audit: false, pool, isolation, ...extra });
  const quotaViolation = (r: RunResult) => {
    expect(r.status).toBe("violation");
    expect(r.violations[0]?.kind).toBe("capability");
    expect(r.violations[0]?.message).toMatch(/write quota exceeded/);
  };

  it("writes within the quota succeed; the quota is reported in the limits", async () => {
    const r = await go("writeBytes", [1000], { writeQuota: { bytes: 4096, files: 4 } });
    expect(r.status).toBe("ok");
    expect(r.security.limits.writeQuota).toEqual({ bytes: 4096, files: 4 });
    expect(readFileSync(join(data, "out.bin"), "utf8")).toHaveLength(1000);
  });

  it("bytes past the quota → capability violation, nothing written", async () => {
    quotaViolation(await go("writeBytes", [5000], { writeQuota: { bytes: 4096 } }));
    expect(existsSync(join(data, "out.bin"))).toBe(false);
    quotaViolation(await go("appendTwice", [3000], { writeQuota: { bytes: 4096 } }));
    expect(readFileSync(join(data, "log.txt"), "utf8")).toHaveLength(3000); // the first append only
  });

  it("the default quota (8 MiB) applies when the operator sets none", async () => {
    const r = await go("writeBytes", [9 * 1024 * 1024]);
    expect(r.security.limits.writeQuota.bytes).toBe(8 * 1024 * 1024);
    quotaViolation(r);
  });

  it("files created past the quota → violation; directories count too", async () => {
    quotaViolation(await go("createFiles", [5], { writeQuota: { files: 3 } }));
    expect(readdirSync(data).sort()).toEqual(["f0.txt", "f1.txt", "f2.txt"]);
    quotaViolation(await go("deepDirs", [], { writeQuota: { files: 2 } }));
    expect(existsSync(join(data, "a"))).toBe(false);
    expect((await go("deepDirs", [], { writeQuota: { files: 4 } })).status).toBe("ok");
  });

  it("a hard link inside the mount to a file outside is refused for reading and for writing", async () => {
    const secret = join(base, `secret-${isolation}.txt`);
    writeFileSync(secret, "TOP SECRET");
    linkSync(secret, join(data, "link.txt"));
    const read = await go("readLink");
    expect(read.status).toBe("violation");
    expect(read.violations[0]?.message).toMatch(/hard link/);
    expect(JSON.stringify(read)).not.toContain("TOP SECRET");
    const write = await go("writeLink");
    expect(write.status).toBe("violation");
    expect(readFileSync(secret, "utf8")).toBe("TOP SECRET");
    expect((await go("ok")).value).toBe(7);
  });
});
