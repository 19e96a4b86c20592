import { readFileSync, writeFileSync, readdirSync, utimesSync, statSync, existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { entryKey, cacheKey } from "../../proofs-cache/key.js";
import { openExtractionMemo, openLayeredCache, openVerdictCache, resolveCacheDir } from "../../proofs-cache/open.js";
import { freshQuery, proved, refuted, tempDir, unknown } from "./fixtures.js";

const env = {} as Record<string, string | undefined>;

async function open(dir: string, extra: Record<string, string> = {}) {
  const cache = await openLayeredCache({ dir, env: { ...env, ...extra } });
  if (!cache) throw new Error("cache disabled");
  return cache;
}

function entryPath(dir: string, key: string): string {
  return join(dir, "ac", key.slice(0, 2), key);
}

describe("local verdict cache", () => {
  it("misses, stores, then hits with the same verdict across instances", async () => {
    const dir = tempDir();
    const q = freshQuery();
    const first = await open(dir);
    expect(await first.lookup(q)).toBeUndefined();
    await first.store(q, refuted);
    await first.close();
    const second = await open(dir);
    const hit = await second.lookup(q);
    expect(hit).toEqual({ verdict: refuted, source: "cache-local" });
    expect(second.counters).toMatchObject({ hitsLocal: 1, misses: 0 });
    await second.close();
  });

  it("keys on smt, solver version and encoding version", async () => {
    const dir = tempDir();
    const q = freshQuery();
    const cache = await open(dir);
    await cache.store(q, proved);
    expect(await cache.lookup({ ...q, smt: q.smt + " " })).toBeUndefined();
    expect(await cache.lookup({ ...q, solverVersion: "z3-4.16.0" })).toBeUndefined();
    expect(await cache.lookup({ ...q, encodingVersion: "enc-2" })).toBeUndefined();
    expect((await cache.lookup(q))?.verdict.status).toBe("proved");
  });

  it("cacheKey includes the limits, entryKey (the storage address) does not", () => {
    const q = freshQuery();
    const bigger = { ...q, limits: { timeoutMs: 9000, rlimit: 5 } };
    expect(cacheKey(q)).not.toBe(cacheKey(bigger));
    expect(entryKey(q)).toBe(entryKey(bigger));
    expect(entryKey(q)).toMatch(/^[0-9a-f]{64}$/);
  });

  describe("reuse rule", () => {
    const small = { timeoutMs: 1000, rlimit: 100 };
    const large = { timeoutMs: 5000, rlimit: 500 };

    it("reuses proved and refuted under any limits", async () => {
      const cache = await open(tempDir());
      for (const verdict of [proved, refuted]) {
        const q = freshQuery(small);
        await cache.store(q, verdict);
        expect((await cache.lookup({ ...q, limits: large }))?.verdict).toEqual(verdict);
        expect((await cache.lookup({ ...q, limits: { timeoutMs: 1, rlimit: 1 } }))?.verdict).toEqual(verdict);
      }
    });

    it("reuses unknown only when its limits were at least the current ones in every dimension", async () => {
      const cache = await open(tempDir());
      const q = freshQuery(large);
      await cache.store(q, unknown);
      expect((await cache.lookup({ ...q, limits: large }))?.verdict).toEqual(unknown);
      expect((await cache.lookup({ ...q, limits: small }))?.verdict).toEqual(unknown);
      expect(await cache.lookup({ ...q, limits: { timeoutMs: 5001, rlimit: 500 } })).toBeUndefined();
      expect(await cache.lookup({ ...q, limits: { timeoutMs: 5000, rlimit: 501 } })).toBeUndefined();
    });

    it("a limit of 0 means none: covers every limit and is covered by none", async () => {
      const cache = await open(tempDir());
      const bounded = freshQuery({ timeoutMs: 5000, rlimit: 1_000_000 });
      await cache.store(bounded, unknown);
      expect(await cache.lookup({ ...bounded, limits: { timeoutMs: 5000, rlimit: 0 } })).toBeUndefined();
      const unlimited = freshQuery({ timeoutMs: 5000, rlimit: 0 });
      await cache.store(unlimited, unknown);
      expect(await cache.lookup({ ...unlimited, limits: { timeoutMs: 5000, rlimit: 10 ** 9 } })).toBeDefined();
      expect(await cache.lookup(unlimited)).toBeDefined();
    });

    it("an unknown never replaces a decisive verdict; a decisive one replaces an unknown", async () => {
      const cache = await open(tempDir());
      const q = freshQuery(small);
      await cache.store(q, proved);
      await cache.store({ ...q, limits: large }, unknown);
      expect((await cache.lookup({ ...q, limits: large }))?.verdict.status).toBe("proved");

      const r = freshQuery(small);
      await cache.store(r, unknown);
      await cache.store({ ...r, limits: large }, refuted);
      expect((await cache.lookup({ ...r, limits: small }))?.verdict).toEqual(refuted);
    });

    it("an unknown at larger limits replaces one at smaller limits, not the other way round", async () => {
      const cache = await open(tempDir());
      const q = freshQuery(small);
      await cache.store(q, unknown);
      await cache.store({ ...q, limits: large }, unknown);
      expect(await cache.lookup({ ...q, limits: large })).toBeDefined();
      await cache.store({ ...q, limits: small }, unknown);
      expect(await cache.lookup({ ...q, limits: large })).toBeDefined();
    });
  });

  describe("damaged entries are misses that get rewritten", () => {
    const damage: Record<string, (text: string) => string> = {
      truncated: (t) => t.slice(0, Math.floor(t.length / 2)),
      empty: () => "",
      garbage: () => "\u0000\u0001not json at all",
      "flipped verdict without re-digesting": (t) => {
        const container = JSON.parse(t);
        const payload = JSON.parse(Buffer.from(container.envelope.payload, "base64").toString());
        payload.verdict.status = "proved";
        container.envelope.payload = Buffer.from(JSON.stringify(payload)).toString("base64");
        return JSON.stringify(container);
      },
    };
    const REPLAY = "intact entry filed under another key";

    for (const [name, mutate] of [...Object.entries(damage), [REPLAY, undefined] as const]) {
      it(name, async () => {
        const dir = tempDir();
        const q = freshQuery();
        const cache = await open(dir);
        await cache.store(q, refuted);
        const path = entryPath(dir, entryKey(q));
        if (mutate === undefined) {
          const other = freshQuery();
          await cache.store(other, proved);
          writeFileSync(path, readFileSync(entryPath(dir, entryKey(other)), "utf8"));
        } else {
          writeFileSync(path, mutate(readFileSync(path, "utf8")));
        }
        const fresh = await open(dir);
        expect(await fresh.lookup(q)).toBeUndefined();
        expect(fresh.warnings().join("\n")).toMatch(/damaged local entry/);
        expect(fresh.counters.corruptLocal).toBe(1);
        await fresh.store(q, refuted);
        expect((await (await open(dir)).lookup(q))?.verdict).toEqual(refuted);
      });
    }
  });

  it("touches entries on hit (LRU) and records per-run counters on close", async () => {
    const dir = tempDir();
    const q = freshQuery();
    const cache = await open(dir);
    await cache.store(q, proved);
    const path = entryPath(dir, entryKey(q));
    utimesSync(path, new Date(1_000_000), new Date(1_000_000));
    expect(await cache.lookup(q)).toBeDefined();
    expect(statSync(path).mtimeMs).toBeGreaterThan(1_000_000_000);
    await cache.close();
    const statsFiles = readdirSync(join(dir, "stats")).filter((n) => n.endsWith(".json"));
    expect(statsFiles).toHaveLength(1);
    expect(JSON.parse(readFileSync(join(dir, "stats", statsFiles[0]!), "utf8"))).toEqual({ hitsLocal: 1, hitsRemote: 0, misses: 0, stores: 1 });
  });

  it("resolves the directory: option > ANRF_CACHE_DIR > <cwd>/.anrf/cache; disabled by --no-cache", async () => {
    expect(resolveCacheDir({ cwd: "/p", env: {} })).toBe("/p/.anrf/cache");
    expect(resolveCacheDir({ cwd: "/p", env: { ANRF_CACHE_DIR: "c" } })).toBe("/p/c");
    expect(resolveCacheDir({ cwd: "/p", dir: "/abs", env: { ANRF_CACHE_DIR: "c" } })).toBe("/abs");
    expect(await openVerdictCache({ enabled: false, cwd: tempDir(), env: {} })).toBeUndefined();
    expect(openExtractionMemo({ enabled: false, env: {} })).toBeUndefined();
    expect(await openVerdictCache({ env: { ANRF_NO_CACHE: "1" }, cwd: tempDir() })).toBeUndefined();
  });

  it("an unwritable store is a warning, not a crash", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "ac"), "a file where a directory should be");
    const cache = await open(dir);
    const q = freshQuery();
    expect(await cache.lookup(q)).toBeUndefined();
    await cache.store(q, proved);
    expect(cache.warnings().join("\n")).toMatch(/cannot write/);
    expect(existsSync(join(dir, "ac"))).toBe(true);
  });
});

describe("extraction memo", () => {
  it("round-trips JSON by content hash, misses on other hashes and on damage", async () => {
    const dir = tempDir();
    const memo = openExtractionMemo({ dir, env: {} })!;
    const extracted = { obligations: [{ id: "e/bounds/1:2", smt: "(check-sat)\n" }], n: 1 };
    expect(await memo.get("hash-a")).toBeUndefined();
    await memo.put("hash-a", extracted);
    expect(await openExtractionMemo({ dir, env: {} })!.get("hash-a")).toEqual(extracted);
    expect(await memo.get("hash-b")).toBeUndefined();
    const files = readdirSync(join(dir, "memo"), { recursive: true, withFileTypes: true }).filter((d) => d.isFile());
    expect(files).toHaveLength(1);
    const path = join(files[0]!.parentPath, files[0]!.name);
    const container = JSON.parse(readFileSync(path, "utf8"));
    const payload = JSON.parse(Buffer.from(container.envelope.payload, "base64").toString("utf8"));
    payload.data.obligations = []; // an extraction that lost its obligations must never be served
    container.envelope.payload = Buffer.from(JSON.stringify(payload)).toString("base64");
    writeFileSync(path, JSON.stringify(container));
    expect(await memo.get("hash-a")).toBeUndefined();
    await memo.put("hash-a", extracted);
    writeFileSync(path, readFileSync(path, "utf8").slice(0, 100));
    expect(await memo.get("hash-a")).toBeUndefined();
  });
});
