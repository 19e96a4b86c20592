/**
 * The run() API end to end in real workers: modes, violations naming obligation id / kind /
 * location, degrade with a declared fallback, testing counters, warm reuse bound to one
 * document, fresh module state per run, audit records, and verdicts from the real verifier.
 */
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { run, SandboxPool } from "../../runtime/index.js";
import { loadDocument, type LoadedDocument } from "../../spec/load.js";
import type { ObligationResult } from "../../verifier/obligation.js";
import { makeDocument, readAudit, tempDir } from "./fixtures.js";

const code = String.raw`
let calls = 0;
export function at(a: number[], i: number): number { return a[i]!; }
export function sum(a: number[]): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) { s += a[i]!; }
  return s;
}
export function clamp(x: number, lo: number, hi: number): number { return x < lo ? lo : x > hi ? x : x; }
export function countUp(n: number): number {
  let k = 0;
  while (k < n) { k = k + 2; }
  return k;
}
export function fresh(): number { calls++; return calls; }
`;

let dir: string;
let doc: LoadedDocument;
let audit: string;
const pool = new SandboxPool();

beforeAll(async () => {
  dir = tempDir();
  audit = join(dir, "audit.jsonl");
  doc = await makeDocument({
    dir,
    code,
    functions: [
      "at",
      "sum",
      { name: "clamp", preconditions: ["lo <= hi"], postconditions: ["lo <= result && result <= hi"], properties: { fallback: -1 } },
      { name: "countUp", invariants: [{ id: "INV-K", text: "k <= n" }] },
      "fresh",
    ],
  });
});
afterAll(async () => {
  await pool.close();
});

const opts = (extra: object = {}) => ({ verification: [] as ObligationResult[], audit, pool, ...extra });

describe("run(): violations", () => {
  it("bounds violation names the obligation id, kind and source location; development shows values", async () => {
    const r = await run(doc, "at", [[1, 2, 3], 3], opts({ mode: "development" }));
    expect(r.status).toBe("violation");
    const v = r.violations[0]!;
    expect(v.kind).toBe("bounds");
    expect(v.id).toMatch(/^ENT-0-AT\/bounds\/3:\d+$/);
    expect(v.location?.line).toBe(3);
    expect(v.message).toContain(v.id);
    expect(v.values).toEqual({ index: "3", length: "3" });
  });
  it("production reports the violation without values", async () => {
    const r = await run(doc, "at", [[1, 2, 3], -1], opts({ mode: "production" }));
    expect(r.status).toBe("violation");
    expect(r.violations[0]!.values).toBeUndefined();
  });
  it("a fractional index is a bounds violation (integral index required)", async () => {
    expect((await run(doc, "at", [[1, 2, 3], 1.5], opts())).status).toBe("violation");
  });
  it("postcondition violation; terminate returns no value", async () => {
    const r = await run(doc, "clamp", [50, 0, 10], opts());
    expect(r.status).toBe("violation");
    expect(r.violations[0]!.kind).toBe("postcondition");
    expect(r.value).toBeUndefined();
  });
  it("degrade returns the entity's declared fallback (properties.fallback)", async () => {
    const r = await run(doc, "clamp", [50, 0, 10], opts({ policy: "degrade" }));
    expect(r.status).toBe("violation");
    expect(r.degraded).toBe(true);
    expect(r.value).toBe(-1);
    const line = readAudit(audit).at(-1)!;
    expect(line.status).toBe("violation");
    expect((line as unknown as { degraded: boolean }).degraded).toBe(true);
  });
  it("degrade without a declared fallback behaves as terminate", async () => {
    const r = await run(doc, "at", [[1], 5], opts({ policy: "degrade" }));
    expect(r.degraded).toBe(false);
    expect(r.value).toBeUndefined();
  });
  it("entry precondition violation", async () => {
    const r = await run(doc, "clamp", [5, 10, 0], opts());
    expect(r.violations[0]!.id).toBe("ENT-2-CLAMP/precondition/entry#1");
  });
  it("loop invariant checked on entry and after each iteration", async () => {
    expect((await run(doc, "countUp", [4], opts())).status).toBe("ok");
    const r = await run(doc, "countUp", [5], opts({ mode: "development" }));
    expect(r.status).toBe("violation");
    expect(r.violations[0]!.kind).toBe("invariant");
  });
});

describe("run(): modes and counters", () => {
  it("testing mode counts executions per check", async () => {
    const r = await run(doc, "sum", [[1, 2, 3, 4]], opts({ mode: "testing" }));
    expect(r.status).toBe("ok");
    expect(r.value).toBe(10);
    const counts = r.security.checkCounts!;
    expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(r.security.checksExecuted);
    expect(Object.values(counts)).toContain(4);
  });
  it("production skips the checks whose obligations are proved; development runs them", async () => {
    const text = doc.module!.text;
    const start = text.indexOf("s += a[i]!") + "s += ".length;
    const proved: ObligationResult = {
      id: "ENT-1-SUM/bounds/6:42",
      entity: "ENT-1-SUM",
      kind: "bounds",
      status: "proved",
      location: { file: doc.absoluteFile, line: 6, column: 42 },
      site: { start, end: start + 4 },
      description: "0 <= i < a.length",
      reason: "unsat",
      counterexample: null,
      smt: null,
    };
    const prod = await run(doc, "sum", [[1, 2, 3]], opts({ mode: "production", verification: [proved] }));
    const dev = await run(doc, "sum", [[1, 2, 3]], opts({ mode: "development", verification: [proved] }));
    expect(prod.value).toBe(6);
    expect(prod.security.checksSkippedByProof).toBe(1);
    expect(prod.security.checksExecuted).toBe(0);
    // Development runs the check as an inline guard (not counted); testing counts every execution.
    expect(dev.value).toBe(6);
    expect(dev.security.checksInserted).toBeGreaterThan(prod.security.checksInserted);
    const testing = await run(doc, "sum", [[1, 2, 3]], opts({ mode: "testing", verification: [proved] }));
    expect(testing.security.checksExecuted).toBe(3);
  });
});

describe("run(): pool", () => {
  it("warm sandboxes are reused for the same document and mode; module state is fresh per run", async () => {
    const first = await run(doc, "fresh", [], opts({ mode: "production" }));
    const second = await run(doc, "fresh", [], opts({ mode: "production" }));
    expect(second.timing.coldStart).toBe(false);
    expect([first.value, second.value]).toEqual([1, 1]);
  });
  it("parallel runs of one document get separate sandboxes and all succeed", async () => {
    const results = await Promise.all([1, 2, 3, 4].map((n) => run(doc, "sum", [[n, n]], opts())));
    expect(results.map((r) => r.value)).toEqual([2, 4, 6, 8]);
  });
  it("another document never gets this document's sandbox", async () => {
    const other = await makeDocument({ code: "let calls = 0; export function fresh(): number { calls++; return calls; }", functions: ["fresh"] });
    await run(doc, "fresh", [], opts());
    const r = await run(other, "fresh", [], opts());
    expect(r.timing.coldStart).toBe(true);
    expect(r.documentHash).not.toBe((await run(doc, "fresh", [], opts())).documentHash);
  });
});

describe("run(): audit trail and refusals", () => {
  it("every run is one JSON line with document hash, entity, mode, status, limits and timing", async () => {
    const before = readAudit(audit).length;
    const r = await run(doc, "sum", [[1]], opts({ mode: "testing" }));
    const lines = readAudit(audit);
    expect(lines.length).toBe(before + 1);
    const line = lines.at(-1)! as unknown as Record<string, unknown>;
    expect(line).toMatchObject({ documentHash: r.documentHash, entity: "ENT-1-SUM", mode: "testing", status: "ok" });
    expect(line["limits"]).toMatchObject({ timeMs: 2000, memoryMb: 64 });
    expect(line["timing"]).toBeDefined();
  });
  it("an unknown entry is an error, audited", async () => {
    const r = await run(doc, "nope", [], opts());
    expect(r.error?.code).toBe("ANRF_UNKNOWN_ENTRY");
    expect(readAudit(audit).at(-1)!.entry).toBe("nope");
  });
});

describe("run(): verdicts from the verifier", () => {
  it("without options.verification, run asks the verifier; proved sites are skipped in production", async () => {
    const loaded = await loadDocument("examples/binary-search.anrf.json");
    const r = await run(loaded, "binarySearch", [[1, 3, 5, 7], 5], { audit, pool, mode: "production" });
    expect(r.status).toBe("ok");
    expect(r.value).toBe(2);
    expect(r.security.unsupportedGrants.join()).not.toMatch(/verifier unavailable/);
    expect(r.security.checksSkippedByProof).toBeGreaterThan(0);
  });
});
