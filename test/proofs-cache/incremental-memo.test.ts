/**
 * The pieces the incremental pipeline and `--watch` add to the proof cache: per-entity memo
 * entries that stay on this machine, the in-memory layers that defer their writes, and stored
 * entity extractions that are read back only when they are exactly what was written.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fc, test } from "@fast-check/vitest";
import { beforeAll, describe, expect, it } from "vitest";
import type { CacheQuery, CachedVerdict, VerdictCache } from "../../proofs-cache/api.js";
import { memoKey } from "../../proofs-cache/extraction-memo.js";
import { MemoryExtractionMemo } from "../../proofs-cache/memory-memo.js";
import { MemoryVerdictCache } from "../../proofs-cache/memory-verdicts.js";
import { openExtractionMemo } from "../../proofs-cache/open.js";
import type { Verdict } from "../../verifier/obligation.js";
import { positionToken, type RawObligation } from "../../verifier/extract/positions.js";
import { fromStored, toStored } from "../../verifier/pipeline/entity-memo.js";
import { cacheServer, type CacheServer } from "../support/cache-server.js";
import { freshQuery, keyPair, proved, tempDir } from "./fixtures.js";

let server: CacheServer;
beforeAll(async () => {
  server = await cacheServer();
});

describe("memo scope", () => {
  it("a 'local' entry is written to the local store only, never to the remote, and read from the local store only", async () => {
    const ci = keyPair();
    const options = { dir: tempDir(), remoteUrl: server.url, env: { ANRF_SIGNING_KEY: ci.privatePem, ANRF_TRUSTED_KEYS: ci.publicPem } };
    const memo = openExtractionMemo(options)!;
    const local = `entity-${process.pid}-${Math.random()}`;
    const shared = `document-${process.pid}-${Math.random()}`;
    await memo.put(local, { n: 1 }, "local");
    await memo.put(shared, { n: 2 });
    const remoteFile = (hash: string) => join(server.rootOf(server.url), "ac", memoKey(hash));
    expect(existsSync(remoteFile(local))).toBe(false);
    expect(existsSync(remoteFile(shared))).toBe(true);
    // Another machine (empty local store) sees the shared entry through the remote, not the local one.
    const elsewhere = openExtractionMemo({ ...options, dir: tempDir() })!;
    expect(await elsewhere.get(shared)).toEqual({ n: 2 });
    expect(await elsewhere.get(local, "local")).toBeUndefined();
    expect(await memo.get(local, "local")).toEqual({ n: 1 });
  });
});

/** A verdict cache that records what reaches it. */
class Recording implements VerdictCache {
  readonly stored: CacheQuery[] = [];
  lookups = 0;
  constructor(private readonly answers = new Map<string, CachedVerdict>()) {}
  async lookup(query: CacheQuery) {
    this.lookups++;
    return this.answers.get(query.smt);
  }
  async store(query: CacheQuery, _verdict: Verdict) {
    this.stored.push(query);
  }
  warnings() {
    return ["inner warning"];
  }
  async close() {}
}

describe("in-memory layers", () => {
  it("MemoryVerdictCache: remembers hits per limits, defers stores until drain, close waits for them", async () => {
    const query = freshQuery();
    const inner = new Recording(new Map([[query.smt, { verdict: proved, source: "cache-local" as const }]]));
    const cache = new MemoryVerdictCache(inner);
    expect(await cache.lookup(query)).toMatchObject({ verdict: proved });
    expect(await cache.lookup(query)).toMatchObject({ verdict: proved });
    expect(inner.lookups).toBe(1);
    // Other limits are another key: asked again (the inner cache applies the reuse rule).
    await cache.lookup({ ...query, limits: { timeoutMs: 1, rlimit: 1 } });
    expect(inner.lookups).toBe(2);

    const solved = freshQuery();
    await cache.store(solved, proved);
    expect(await cache.lookup(solved)).toMatchObject({ verdict: proved });
    expect(inner.stored).toEqual([]);
    await cache.flush();
    expect(inner.stored).toEqual([]);
    cache.drain();
    await cache.flush();
    expect(inner.stored).toEqual([solved]);
    await cache.store(freshQuery(), proved);
    await cache.close();
    expect(inner.stored).toHaveLength(2);
    expect(cache.warnings()).toEqual(["inner warning"]);
  });

  it("MemoryExtractionMemo: answers from memory, writes through only on drain/flush, and forgets least recently used first", async () => {
    const dir = tempDir();
    const inner = openExtractionMemo({ dir, env: {} })!;
    const memo = new MemoryExtractionMemo(inner, 2);
    await memo.put("a", { v: "a" }, "local");
    expect(await openExtractionMemo({ dir, env: {} })!.get("a", "local")).toBeUndefined();
    await memo.flush();
    expect(await openExtractionMemo({ dir, env: {} })!.get("a", "local")).toEqual({ v: "a" });
    const onlyMemory = new MemoryExtractionMemo(undefined, 2);
    await onlyMemory.put("x", 1);
    await onlyMemory.put("y", 2);
    await onlyMemory.get("x");
    await onlyMemory.put("z", 3);
    expect(await onlyMemory.get("x")).toBe(1);
    expect(await onlyMemory.get("y")).toBeUndefined();
  });
});

describe("stored entity extractions", () => {
  const span = { start: 100, end: 160 };
  const raw: RawObligation[] = [
    {
      id: `E/bounds/${positionToken(120)}`,
      entity: "E",
      kind: "bounds",
      site: { start: 120, end: 130 },
      description: `0 <= i < a.length at a[i] (loop at ${positionToken(110)})`,
      smt: "(check-sat)\n",
      symbols: { v0: `i (loop at ${positionToken(110)})` },
    },
  ];

  it("moves with its function and refuses to store a position outside it", () => {
    const stored = toStored(raw, span)!;
    const moved = fromStored(JSON.parse(JSON.stringify(stored)), { start: 1000, end: 1060 }, "E")!;
    expect(moved[0]!.site).toEqual({ start: 1020, end: 1030 });
    expect(moved[0]!.id).toBe(`E/bounds/${positionToken(1020)}`);
    expect(moved[0]!.symbols!["v0"]).toBe(`i (loop at ${positionToken(1010)})`);
    expect(toStored([{ ...raw[0]!, description: `see ${positionToken(50)}` }], span)).toBeUndefined();
    expect(toStored([{ ...raw[0]!, site: { start: 120, end: 170 } }], span)).toBeUndefined();
    expect(fromStored(stored, { start: 0, end: 59 }, "E")).toBeUndefined();
    expect(fromStored(stored, span, "OTHER")).toBeUndefined();
  });

  test.prop([fc.jsonValue(), fc.array(fc.tuple(fc.string(), fc.jsonValue()), { maxLength: 3 })])("anything else read back is a miss, never an exception or a partial result", (junk, edits) => {
    const stored = JSON.parse(JSON.stringify(toStored(raw, span))) as Record<string, any>;
    const damaged = structuredClone(stored);
    for (const [key, value] of edits) {
      const first = Array.isArray(damaged["obligations"]) ? damaged["obligations"][0] : undefined;
      const target = key.length % 2 === 0 || typeof first !== "object" || first === null ? damaged : first;
      target[key] = value;
    }
    for (const value of [junk, damaged]) {
      const read = fromStored(value, span, "E");
      if (read !== undefined) {
        expect(read).toHaveLength(1);
        expect(typeof read[0]!.id).toBe("string");
        expect(read[0]!.site.start).toBeGreaterThanOrEqual(span.start);
        expect(read[0]!.site.end).toBeLessThanOrEqual(span.end);
      }
    }
  });
});
