/**
 * Issue 9 end to end: the seven inputs that ran `ok` in production while development reported
 * a bounds violation. Each document is verified for real (extraction, z3), then run with those
 * verdicts in production and in development: both must report the violation at the same
 * obligation (or production must refuse the construct with a clear error, class B).
 */
import { afterAll, describe, expect, it } from "vitest";
import { run, SandboxPool, type RunResult } from "../../runtime/index.js";
import type { FunctionSpec } from "./fixtures.js";
import { makeDocument, tempDir } from "./fixtures.js";
import { verifyDocument, workBounded } from "../../verifier/index.js";

const pool = new SandboxPool();
afterAll(async () => {
  await pool.close();
});

async function bothModes(code: string, functions: FunctionSpec[], entry: string, args: unknown[]): Promise<{ prod: RunResult; dev: RunResult; proved: string[] }> {
  const dir = tempDir();
  const doc = await makeDocument({ dir, code, functions });
  const verification = await verifyDocument(doc, { cwd: dir, ...workBounded(12_000_000, 3_000_000), jobs: 1 });
  const opts = { verification: verification.obligations, audit: false, pool } as const;
  const prod = await run(doc, entry, args, { ...opts, mode: "production" });
  const dev = await run(doc, entry, args, { ...opts, mode: "development" });
  return { prod, dev, proved: verification.obligations.filter((o) => o.status === "proved").map((o) => o.id) };
}

function agreeOnViolation(r: { prod: RunResult; dev: RunResult; proved: string[] }): void {
  expect(r.dev.status).toBe("violation");
  expect(r.prod.status).toBe("violation");
  const id = r.dev.violations[0]!.id;
  expect(r.prod.violations[0]!.id).toBe(id);
  expect(r.proved).not.toContain(id);
}

const F = `export function f(a: number[]): number {
  if (a.length > 1) {
    const x = a[0];
    return x + a[1];
  }
  return 0;
}
`;

describe("A: exotic objects built in the module", () => {
  it("a getter at element 0 that sets a.length = 0", async () => {
    const g = `export function g(): number {\n  const a: number[] = [1, 2, 3];\n  Object.defineProperty(a, 0, { get() { a.length = 0; return 0; } });\n  return f(a);\n}\n`;
    agreeOnViolation(await bothModes(F + g, [{ name: "f" }, { name: "g" }], "g", []));
  });
  it("a Proxy over a Uint8Array returning 1000 for '0', then lut[u[0]] with len(lut) == 256", async () => {
    const code = `export function f(u: Uint8Array, lut: number[]): number {\n  if (u.length === 0) return 0;\n  const k = u[0];\n  return lut[k];\n}\nexport function g(lut: number[]): number {\n  const u = new Uint8Array(4);\n  const p = new Proxy(u, { get: (t, k) => (k === "0" ? 1000 : Reflect.get(t, k)) });\n  return f(p, lut);\n}\n`;
    const pre = ["len(lut) == 256"];
    agreeOnViolation(await bothModes(code, [{ name: "f", preconditions: pre }, { name: "g", preconditions: pre }], "g", [Array(256).fill(1)]));
  });
  it.each([
    ["indexOf → 99", `export function f(a: number[], x: number): number {\n  const i = a.indexOf(x);\n  if (i < 0) return 0;\n  return a[i];\n}\n`, `override indexOf(): number { return 99; }`],
    ["pop → length = 0", `export function f(a: number[], x: number): number {\n  if (a.length < 2) return x;\n  a.pop();\n  return a[0];\n}\n`, `override pop(): number | undefined { this.length = 0; return undefined; }`],
  ])("class Evil extends Array<number> overriding %s", async (_what, f, method) => {
    const code = `${f}class Evil extends Array<number> {\n  ${method}\n}\nexport function g(): number {\n  const e = new Evil();\n  e.push(1, 2, 3);\n  return f(e, 1);\n}\n`;
    agreeOnViolation(await bothModes(code, [{ name: "f" }, { name: "g" }], "g", []));
  });
});

describe("B: a typed array over a resizable buffer", () => {
  it("is refused in both modes before any length can change", async () => {
    const code = `export function g(): number {\n  const buf = new ArrayBuffer(8, { maxByteLength: 16 });\n  const u = new Uint8Array(buf);\n  if (u.length < 8) return 0;\n  (buf as unknown as { resize(n: number): void }).resize(2);\n  return u[7];\n}\n`;
    const r = await bothModes(code, [{ name: "g" }], "g", []);
    for (const x of [r.prod, r.dev]) expect(x.error).toMatchObject({ code: "ANRF_FIXED_BUFFERS" });
  });
});

describe("C: -0 as an integer parameter", () => {
  it("if (x === 0 && 1 / x < 0) return b[100] with x = -0", async () => {
    const code = `export function f(x: number, b: number[]): number {\n  if (x === 0 && 1 / x < 0) return b[100];\n  return 0;\n}\n`;
    agreeOnViolation(await bothModes(code, [{ name: "f", preconditions: ["Number.isInteger(x)"] }], "f", [-0, []]));
  });
});
