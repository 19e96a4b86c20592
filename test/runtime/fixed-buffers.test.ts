/**
 * Issue 9, class B, in the real sandbox: no guest operation can resize or detach an ArrayBuffer,
 * so a typed array's length is fixed for its lifetime (the verifier's model of the views it saw
 * allocated). Each way is refused with a clear error or simply absent.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { run, SandboxPool } from "../../runtime/index.js";
import type { LoadedDocument } from "../../spec/load.js";
import { makeDocument, tempDir } from "./fixtures.js";

const code = String.raw`export function resizable(): number {
  const b = new ArrayBuffer(8, { maxByteLength: 16 });
  return b.byteLength;
}
export function probe(): string {
  const p = ArrayBuffer.prototype as unknown as Record<string, unknown>;
  const g = globalThis as unknown as Record<string, unknown>;
  return [typeof p["resize"], typeof p["transfer"], typeof p["transferToFixedLength"], typeof p["transferToImmutable"], typeof p["immutable"], typeof g["structuredClone"], typeof g["SharedArrayBuffer"], typeof g["Atomics"], typeof g["WebAssembly"], typeof g["postMessage"]].join(",");
}
export function immutable(): number {
  const b = new ArrayBuffer(4) as unknown as { sliceToImmutable(): ArrayBuffer };
  return b.sliceToImmutable().byteLength;
}
export function huge(): string {
  // Each larger than 2^32 bytes: Node 22 and later would allocate the first and the last.
  const out: string[] = [];
  for (const make of [() => new Uint8Array(2 ** 32 + 1), () => new ArrayBuffer(2 ** 32 + 1), () => new Float64Array(2 ** 29 + 1)]) {
    try {
      out.push("allocated " + make().byteLength);
    } catch (e) {
      out.push(e instanceof RangeError && /larger than the sandbox's limit of 2\^32 bytes per buffer/.test(e.message) ? "refused" : "other " + String(e));
    }
  }
  return out.join(",");
}
export function fixed(n: number): number {
  const u = new Uint8Array(new ArrayBuffer(n));
  const v = new Uint8Array(n);
  return u.length + v.length + (new ArrayBuffer(4, {}).byteLength);
}
`;

let doc: LoadedDocument;
const pool = new SandboxPool();
beforeAll(async () => {
  doc = await makeDocument({ dir: tempDir(), code, functions: ["resizable", "probe", "fixed", "immutable", "huge"] });
});
afterAll(async () => {
  await pool.close();
});

describe("fixed-length buffers in the sandbox", () => {
  for (const mode of ["production", "development"] as const) {
    it(`${mode}: new ArrayBuffer(n, { maxByteLength }) is refused with ANRF_FIXED_BUFFERS`, async () => {
      const r = await run(doc, "resizable", [], { mode, verification: [], audit: false, pool });
      expect(r.status).toBe("error");
      expect(r.error?.code).toBe("ANRF_FIXED_BUFFERS");
      expect(r.error?.message).toMatch(/resizable ArrayBuffers \(maxByteLength\) are not available in the sandbox/);
    });
  }
  it("no resize, transfer, transferToFixedLength, transferToImmutable, structuredClone, shared memory, WebAssembly or postMessage", async () => {
    const r = await run(doc, "probe", [], { mode: "production", verification: [], audit: false, pool });
    expect(r).toMatchObject({ status: "ok", value: Array(10).fill("undefined").join(",") });
  });
  it("immutable buffers are refused with ANRF_FIXED_BUFFERS (their shim's transferToImmutable detaches)", async () => {
    const r = await run(doc, "immutable", [], { mode: "production", verification: [], audit: false, pool });
    expect(r.error).toMatchObject({ code: "ANRF_FIXED_BUFFERS" });
  });
  it("no buffer above 2^32 bytes on any Node version: a typed array never has more than 2^32 elements (the verifier's bound)", async () => {
    // Refused before the budget is charged: a plain RangeError the guest can catch, not an out-of-memory run.
    const r = await run(doc, "huge", [], { mode: "production", verification: [], audit: false, pool });
    expect(r).toMatchObject({ status: "ok", value: "refused,refused,refused" });
  });
  it("fixed-length buffers and views still work", async () => {
    const r = await run(doc, "fixed", [3], { mode: "production", verification: [], audit: false, pool });
    expect(r).toMatchObject({ status: "ok", value: 10 });
  });
});
