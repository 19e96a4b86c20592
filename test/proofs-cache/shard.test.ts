import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { cacheKey } from "../../proofs-cache/key.js";
import { parseShard, selectShard } from "../../proofs-cache/shard.js";
import { parseSize } from "../../proofs-cache/size.js";

const item = (smt: string) => ({ id: smt, key: cacheKey({ smt, solverVersion: "z3", encodingVersion: "e", limits: { timeoutMs: 1, rlimit: 1 } }) });

describe("selectShard", () => {
  it("property: shards are disjoint, their union is everything, and sizes differ by at most one slice", () => {
    fc.assert(
      fc.property(fc.array(fc.string(), { maxLength: 60 }), fc.integer({ min: 1, max: 9 }), (smts, count) => {
        const items = smts.map(item);
        const shards = Array.from({ length: count }, (_, i) => selectShard(items, (x) => x.key, { index: i + 1, count }));
        const all = shards.flat();
        expect(all).toHaveLength(items.length);
        expect(new Set(all)).toEqual(new Set(items));
        const size = Math.ceil(items.length / count);
        for (const shard of shards) expect(shard.length).toBeLessThanOrEqual(size);
      }),
      { numRuns: process.env["CI"] ? 300 : 100 },
    );
  });

  it("property: deterministic and independent of input order (ties keep input order)", () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.string(), { maxLength: 40 }), fc.integer({ min: 1, max: 5 }), fc.nat(), (smts, count, seed) => {
        const items = smts.map(item);
        const shuffled = [...items].sort((a, b) => ((a.key.charCodeAt(seed % 64) ^ seed) & 7) - ((b.key.charCodeAt(seed % 64) ^ seed) & 7));
        for (let index = 1; index <= count; index++) {
          const a = selectShard(items, (x) => x.key, { index, count }).map((x) => x.id);
          const b = selectShard(shuffled, (x) => x.key, { index, count }).map((x) => x.id);
          expect(b).toEqual(a);
        }
      }),
    );
  });

  it("orders by key: shard 1 holds the smallest keys", () => {
    const items = ["a", "b", "c", "d", "e"].map(item);
    const sorted = [...items].sort((x, y) => (x.key < y.key ? -1 : 1));
    expect(selectShard(items, (x) => x.key, { index: 1, count: 2 })).toEqual(sorted.slice(0, 3));
    expect(selectShard(items, (x) => x.key, { index: 2, count: 2 })).toEqual(sorted.slice(3));
    expect(() => selectShard(items, (x) => x.key, { index: 3, count: 2 })).toThrow(RangeError);
  });

  it("parses i/n", () => {
    expect(parseShard("2/4")).toEqual({ index: 2, count: 4 });
    for (const bad of ["0/4", "5/4", "1/0", "a/b", "1", "1/2/3", "-1/2"]) expect(parseShard(bad)).toHaveProperty("error");
  });
});

describe("parseSize", () => {
  it("reads SI, IEC and bare units", () => {
    expect(parseSize("10MB")).toBe(10_000_000);
    expect(parseSize("1GiB")).toBe(1024 ** 3);
    expect(parseSize("512KiB")).toBe(512 * 1024);
    expect(parseSize("1.5 k")).toBe(1536);
    expect(parseSize("42")).toBe(42);
    expect(parseSize("0")).toBe(0);
    for (const bad of ["", "MB", "10 XB", "-1MB", "1e3"]) expect(parseSize(bad)).toHaveProperty("error");
  });
});
