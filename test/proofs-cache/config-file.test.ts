import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { openLayeredCache, resolveCacheDir } from "../../proofs-cache/open.js";
import { run } from "../../cli/commands/cache.js";
import type { CliIo } from "../../cli/io.js";
import { cacheServer } from "../support/cache-server.js";
import { freshQuery, keyPair, proved, tempDir } from "./fixtures.js";

function project(config: unknown): string {
  const dir = tempDir();
  writeFileSync(join(dir, "anrf.config.json"), typeof config === "string" ? config : JSON.stringify(config));
  return dir;
}

describe("anrf.config.json cache section", () => {
  it("dir resolves against the project; env and option override it", () => {
    const cwd = project({ cache: { dir: "var/proofs" } });
    expect(resolveCacheDir({ cwd, env: {} })).toBe(join(cwd, "var", "proofs"));
    expect(resolveCacheDir({ cwd, env: { ANRF_CACHE_DIR: "/e" } })).toBe("/e");
    expect(resolveCacheDir({ cwd, env: { ANRF_CACHE_DIR: "/e" }, dir: "/o" })).toBe("/o");
    expect(resolveCacheDir({ cwd: project({ name: "no cache section" }), env: {} })).toMatch(/\.anrf\/cache$/);
  });

  it("remoteUrl and trusted key files from the config are used (and a committed public key suffices to read)", async () => {
    const server = await cacheServer();
    const ci = keyPair();
    const q = freshQuery();
    const producer = (await openLayeredCache({ cwd: tempDir(), remoteUrl: server.url, env: { ANRF_SIGNING_KEY: ci.privatePem } }))!;
    await producer.store(q, proved);
    await producer.close();

    const cwd = project({ cache: { remoteUrl: server.url, trustedKeys: ["keys/ci.pub.pem"] } });
    mkdirSync(join(cwd, "keys"));
    writeFileSync(join(cwd, "keys", "ci.pub.pem"), ci.publicPem);
    const reader = (await openLayeredCache({ cwd, env: {} }))!;
    expect(await reader.lookup(q)).toEqual({ verdict: proved, source: "cache-remote" });
    // the environment overrides the file: an unrelated trusted key → the entry is not trusted
    const other = keyPair();
    const overridden = (await openLayeredCache({ cwd: project({ cache: { remoteUrl: server.url, trustedKeys: ci.publicPem } }), env: { ANRF_TRUSTED_KEYS: other.publicPem } }))!;
    expect(await overridden.lookup(q)).toBeUndefined();
  });

  it("malformed files are configuration errors with a path and a pointer; anrf cache maps them to exit 2", async () => {
    const cases: [unknown, RegExp][] = [
      ["{ not json", /not valid JSON/],
      [{ cache: [] }, /at \/cache: must be an object/],
      [{ cache: { remoteURL: "x" } }, /at \/cache\/remoteURL: unknown setting/],
      [{ cache: { retries: -1 } }, /at \/cache\/retries: must be a whole number/],
      [{ cache: { trustedKeys: [1] } }, /at \/cache\/trustedKeys/],
    ];
    for (const [config, message] of cases) {
      const cwd = project(config);
      await expect(openLayeredCache({ cwd, env: {} })).rejects.toThrow(message);
      const err: string[] = [];
      const io: CliIo = { stdout: () => undefined, stderr: (t) => void err.push(t), cwd, env: {}, isTTY: false };
      await expect(run(["stats"], io)).rejects.toThrow(/ANRF_CACHE_CONFIG/);
    }
    // --no-cache never reads it
    expect(await openLayeredCache({ cwd: project("{ not json"), env: {}, enabled: false })).toBeUndefined();
  });
});
