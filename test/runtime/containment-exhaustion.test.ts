/**
 * Containment: resource exhaustion. Wall time is enforced by terminating the worker, the heap
 * by resourceLimits, ArrayBuffer memory by the compartment's byte budget, results by the cap.
 * Each case: the specific status, an audit record, the host alive, and a normal run after.
 */
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SandboxPool, type RunResult } from "../../runtime/index.js";
import type { LoadedDocument } from "../../spec/load.js";
import { auditedAs, makeDocument, runGranted, tempDir } from "./fixtures.js";
import { noSandboxLeft } from "./proc-tree.js";

const code = String.raw`
export function ok(): number { return 7; }
export function spin(): number { for (;;) {} }
export function microtaskStorm(): Promise<never> {
  const f = (): Promise<void> => Promise.resolve().then(f);
  f();
  return new Promise(() => {});
}
export function stormThenReturn(): number {
  const f = (): Promise<void> => Promise.resolve().then(f);
  f();
  return 1;
}
export function neverResolves(): Promise<never> { return new Promise(() => {}); }
export function heapBomb(): number {
  const keep: unknown[] = [];
  for (;;) keep.push(new Array(100000).fill({ a: 1 }));
}
export function arrayBufferBomb(): number {
  const keep: ArrayBuffer[] = [];
  for (let i = 0; i < 64; i++) { const b = new ArrayBuffer(2 ** 31); new Uint8Array(b).fill(1); keep.push(b); }
  return keep.length;
}
export function arrayBufferBombCaught(): number {
  let n = 0;
  for (let i = 0; i < 64; i++) { try { new ArrayBuffer(2 ** 31); n++; } catch {} }
  return n;
}
export function bombViaBufferConstructor(): number {
  const Real: any = new Uint8Array(1).buffer.constructor;
  const keep: unknown[] = [];
  for (let i = 0; i < 64; i++) keep.push(new Real(2 ** 30));
  return keep.length;
}
export function bombViaTypedArraySpecies(): number {
  const big = new Float64Array(1024 * 1024);
  const keep: unknown[] = [];
  for (let i = 0; i < 256; i++) keep.push(big.slice());
  return keep.length;
}
export function bombViaResizable(): number {
  const b: any = new (ArrayBuffer as any)(8, { maxByteLength: 2 ** 33 });
  b.resize(2 ** 33);
  return b.byteLength;
}
export function bombViaArrayLike(): number {
  const fake = { length: 2 ** 32 - 1 };
  return new Uint8Array(fake as any).length;
}
export function bombViaTextEncoder(): number {
  const s = "x".repeat(2 ** 24);
  const keep: unknown[] = [];
  for (let i = 0; i < 64; i++) keep.push(new TextEncoder().encode(s));
  return keep.length;
}
export function dictionaryBomb(): number { const o: any = {}; for (let i = 0; ; i++) o[i * 7] = i; }
export function arrayFromBomb(): number { return Array.from({ length: 2 ** 32 - 1 }).length; }
export function sharedMemory(): string[] { return [typeof (globalThis as any).SharedArrayBuffer, typeof (globalThis as any).Atomics]; }
export function deepRecursion(): number { const r = (n: number): number => r(n + 1) + 1; return r(0); }
export function hugeResult(): string { return "x".repeat(64 * 1024 * 1024); }
export function hugeArrayResult(): number[] { return new Array(2_000_000).fill(1); }
export function cyclicResult(): unknown { const a: any = {}; a.self = a; return a; }
export function functionResult(): unknown { return () => 1; }
`;

let doc: LoadedDocument;
let audit: string;
const pool = new SandboxPool();

beforeAll(async () => {
  const dir = tempDir();
  audit = join(dir, "audit.jsonl");
  doc = await makeDocument({
    dir,
    code,
    memoryMb: 64,
    // The document asks for a minute; each case lowers it (timeoutMs can only lower) to what it needs.
    timeMs: 60_000,
    functions: [
      "ok", "spin", "microtaskStorm", "stormThenReturn", "neverResolves", "heapBomb", "arrayBufferBomb", "arrayBufferBombCaught",
      "bombViaBufferConstructor", "bombViaTypedArraySpecies", "dictionaryBomb", "arrayFromBomb", "bombViaResizable", "bombViaArrayLike", "bombViaTextEncoder",
      "sharedMemory", "deepRecursion", "hugeResult", "hugeArrayResult", "cyclicResult", "functionResult",
    ],
  });
});
afterAll(async () => {
  await pool.close();
  expect(await noSandboxLeft(), "sandbox processes left after the pool closed").toEqual([]);
});

async function exhaust(entry: string, timeoutMs?: number): Promise<RunResult> {
  // The test is the operator: its policy grants what the document asks (the built-in default caps time at 10 s).
  const result = await runGranted(doc, entry, [], { verification: [], audit, pool, mode: "production", timeoutMs: timeoutMs ?? 1500 });
  expect(auditedAs(audit, entry, result), "audited").toBeDefined();
  const after = await runGranted(doc, "ok", [], { verification: [], audit, pool, timeoutMs: 5000 });
  expect(after.status).toBe("ok");
  expect(after.value).toBe(7);
  return result;
}

describe("containment: exhaustion", () => {
  it("infinite loop → timeout (worker terminated)", async () => {
    const r = await exhaust("spin", 300);
    expect(r.status).toBe("timeout");
    expect(r.error?.code).toBe("ANRF_TIMEOUT");
  });
  it("microtask storm → timeout; terminate still works", async () => {
    expect((await exhaust("microtaskStorm", 300)).status).toBe("timeout");
  });
  it("a promise that never settles → timeout", async () => {
    expect((await exhaust("neverResolves", 200)).status).toBe("timeout");
  });
  it("heap bomb → out-of-memory (resourceLimits)", async () => {
    const r = await exhaust("heapBomb", 60_000);
    expect(r.status).toBe("out-of-memory");
  });
  it("dictionary-growth heap bomb (a fatal V8 OOM for the whole process hosting the worker) → out-of-memory, host alive", async () => {
    // The worker lives in the sandbox-host process (broker), which dies instead of the host.
    const r = await exhaust("dictionaryBomb", 60_000);
    // Slow growth on a loaded machine (or Node 26's dictionary arrays) can meet the time limit
    // first; either way only the sandbox's own process is stopped.
    expect(["out-of-memory", "timeout"]).toContain(r.status);
  });
  it("Array.from on a 2^32-1 array-like (fatal V8 OOM) → out-of-memory, host alive", async () => {
    expect(["out-of-memory", "timeout"]).toContain((await exhaust("arrayFromBomb", 60_000)).status);
  });
  it("ArrayBuffer bomb (2 GiB buffers, filled) → out-of-memory from the byte budget", async () => {
    const r = await exhaust("arrayBufferBomb", 20_000);
    expect(r.status).toBe("out-of-memory");
    expect(r.error?.message).toMatch(/ANRF_ALLOC_BUDGET/);
  });
  it("ArrayBuffer bomb with the RangeError caught → still out-of-memory", async () => {
    expect((await exhaust("arrayBufferBombCaught", 20_000)).status).toBe("out-of-memory");
  });
  it("the real constructor is not reachable through .buffer.constructor", async () => {
    expect((await exhaust("bombViaBufferConstructor", 20_000)).status).toBe("out-of-memory");
  });
  it("typed-array species copies (slice) are charged", async () => {
    expect((await exhaust("bombViaTypedArraySpecies", 20_000)).status).toBe("out-of-memory");
  });
  it("resizable ArrayBuffer is refused outright (fixed-buffers.ts, issue 9), so it allocates nothing", async () => {
    const r = await exhaust("bombViaResizable", 20_000);
    expect(r.status).toBe("error");
    expect(r.error?.code).toBe("ANRF_FIXED_BUFFERS");
  });
  it("array-like with a huge length is charged before allocation", async () => {
    const r = await exhaust("bombViaArrayLike", 20_000);
    expect(r.status).toBe("out-of-memory");
    expect(r.error?.message).toMatch(/ANRF_ALLOC_BUDGET/);
  });
  it("TextEncoder output is charged", async () => {
    expect((await exhaust("bombViaTextEncoder", 20_000)).status).toBe("out-of-memory");
  });
  it("no shared memory: SharedArrayBuffer and Atomics are absent", async () => {
    const r = await exhaust("sharedMemory", 20_000);
    expect(r.value).toEqual(["undefined", "undefined"]);
  });
  it("deep recursion → error (RangeError), contained", async () => {
    const r = await exhaust("deepRecursion", 20_000);
    expect(r.status).toBe("error");
    expect(r.error?.message).toMatch(/call stack/);
  });
  it("huge string result → error, refused by the result cap inside the worker", async () => {
    const r = await exhaust("hugeResult", 20_000);
    expect(r.status).toBe("error");
    expect(r.error?.code).toBe("ANRF_RESULT_TOO_LARGE");
  });
  it("huge array result → error, result cap", async () => {
    const r = await exhaust("hugeArrayResult", 20_000);
    expect(r.status).toBe("error");
    expect(r.error?.code).toBe("ANRF_RESULT_TOO_LARGE");
  });
  it("cyclic and function results are not plain data → error", async () => {
    expect((await exhaust("cyclicResult", 20_000)).error?.code).toBe("ANRF_RESULT_NOT_DATA");
    expect((await exhaust("functionResult", 20_000)).error?.code).toBe("ANRF_RESULT_NOT_DATA");
  });
  it("a storm left running after the entry returned delays only its own document's sandbox, which is then retired", async () => {
    const first = await runGranted(doc, "stormThenReturn", [], { verification: [], audit, pool, timeoutMs: 300 });
    expect(first.status).toBe("ok");
    const next = await runGranted(doc, "ok", [], { verification: [], audit, pool, timeoutMs: 300 });
    // The warm sandbox is starved by the leftover storm: the next run times out, and the sandbox is retired.
    expect(["ok", "timeout"]).toContain(next.status);
    const third = await runGranted(doc, "ok", [], { verification: [], audit, pool, timeoutMs: 5000 });
    expect(third.status).toBe("ok");
  });
});
