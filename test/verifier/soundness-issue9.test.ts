/**
 * Issue 9: seven false proofs and their classes. A (objects the module itself builds that are
 * not plain arrays, reaching an entity through an in-module call or an escape), B (typed-array
 * views whose length can change), C (-0 behind a Number.isInteger precondition). Every case
 * goes through the real pipeline (extraction → z3 → verdicts) and must not be proved; each has
 * a control that still proves, so every test can fail both ways.
 */
import { afterAll, describe, expect, it } from "vitest";
import { at, CodeVerifier } from "./soundness/verify-code.js";

const v = new CodeVerifier();
afterAll(async () => {
  await v.close();
});

/** f reads a[1] after checking a.length > 1, reading a[0] first (a getter there can shrink a). */
const F_GETTER = `export function f(a: number[]): number {
  if (a.length > 1) {
    const x = a[0];
    return x + a[1];
  }
  return 0;
}
`;
const ents = (...names: string[]) => names.map((name) => ({ name }));

describe("A: exotic objects built in the module reach a proved site", () => {
  it("control: f alone (called only from the host) is proved", async () => {
    expect(at(await v.verify(F_GETTER, ents("f")), "bounds", 4, "f")).toBe("proved");
  });

  it.each([
    ["a getter at element 0 that empties the array (Object.defineProperty)", `export function g(): number {\n  const a: number[] = [1, 2, 3];\n  Object.defineProperty(a, 0, { get() { a.length = 0; return 0; } });\n  return f(a);\n}\n`],
    ["a prototype swapped with Object.setPrototypeOf", `class P extends Array<number> {}\nexport function g(): number {\n  const a: number[] = [1, 2, 3];\n  Object.setPrototypeOf(a, P.prototype);\n  return f(a);\n}\n`],
    ["a Proxy over an array", `export function g(): number {\n  const a: number[] = [1, 2, 3];\n  const p = new Proxy(a, { get: (t, k) => (k === "length" ? 5 : Reflect.get(t, k)) });\n  return f(p);\n}\n`],
    ["a value from an unknown call, passed through a cast", `declare function make(): unknown;\nexport function g(): number {\n  return f(make() as number[]);\n}\n`],
    ["f passed as a callback (unknown callers)", `export function g(): number {\n  return [[1, 2]].map(f).length;\n}\n`],
    ["f stored in a variable", `const h = f;\nexport function g(): number {\n  return h([1, 2]);\n}\n`],
    ["a fresh array that escaped before the call", `function leak(a: number[]): void { Object.defineProperty(a, 0, { get() { a.length = 0; return 0; } }); }\nexport function g(): number {\n  const a = [1, 2, 3];\n  leak(a);\n  return f(a);\n}\n`],
    ["a second var declaration re-initializing the array", `export function g(): number {\n  var a = [1, 2, 3];\n  var a = new Proxy([1, 2, 3], { get: (t, k) => (k === "length" ? 5 : Reflect.get(t, k)) });\n  return f(a);\n}\n`],
    ["an object with valueOf stored as an element", `export function g(): number {\n  const a = [1, 2, 3];\n  a[0] = { valueOf: () => 1 } as unknown as number;\n  return f(a);\n}\n`],
  ])("%s: f's site is not proved", async (_what, caller) => {
    const r = await v.verify(F_GETTER + caller, ents("f", "g"));
    expect(at(r, "bounds", 4, "f")).not.toBe("proved");
  });

  it("control: a fresh literal passed directly, or a forwarded parameter, keeps f proved", async () => {
    const direct = await v.verify(F_GETTER + `export function g(): number {\n  const a = [1, 2, 3];\n  a.push(4);\n  return f(a) + f([5, 6]);\n}\n`, ents("f", "g"));
    expect(at(direct, "bounds", 4, "f")).toBe("proved");
    const forwarded = await v.verify(F_GETTER + `export function g(b: number[]): number {\n  return f(b);\n}\n`, ents("f", "g"));
    expect(at(forwarded, "bounds", 4, "f")).toBe("proved");
  });

  it("an array parameter that f itself leaks to unknown code is not plain afterwards", async () => {
    const code = (call: string) => `function leak(a: number[]): void { Object.defineProperty(a, 0, { get() { a.length = 0; return 0; } }); }\nexport function f(a: number[]): number {\n  ${call}\n  if (a.length > 1) {\n    const x = a[0];\n    return x + a[1];\n  }\n  return 0;\n}\n`;
    expect(at(await v.verify(code("leak(a);"), ents("f")), "bounds", 6, "f")).not.toBe("proved");
    expect(at(await v.verify(code("leak([]);"), ents("f")), "bounds", 6, "f")).toBe("proved");
  });

  it("Proxy over a Uint8Array returning 1000 for '0', used as lut[u[0]] with len(lut) == 256", async () => {
    const code = `export function f(u: Uint8Array, lut: number[]): number {\n  if (u.length === 0) return 0;\n  const k = u[0];\n  return lut[k];\n}\nexport function g(lut: number[]): number {\n  const u = new Uint8Array(4);\n  const p = new Proxy(u, { get: (t, k) => (k === "0" ? 1000 : Reflect.get(t, k)) });\n  return f(p, lut);\n}\n`;
    const pre = ["lut.length == 256"];
    const r = await v.verify(code, [{ name: "f", pre }, { name: "g", pre }]);
    expect(at(r, "bounds", 4, "f")).not.toBe("proved");
    const plain = code.replace(/  const p = new Proxy[^\n]*\n/, "").replace("return f(p, lut);", "return f(u, lut);");
    const control = await v.verify(plain, [{ name: "f", pre }, { name: "g", pre }]);
    expect(at(control, "bounds", 4, "f")).toBe("proved");
  });

  it.each([
    ["indexOf returning 99", `export function f(a: number[], x: number): number {\n  const i = a.indexOf(x);\n  if (i < 0) return 0;\n  return a[i];\n}\n`, `class Evil extends Array<number> {\n  override indexOf(): number { return 99; }\n}\n`, 4],
    ["pop emptying the array", `export function f(a: number[], x: number): number {\n  if (a.length < 2) return x;\n  a.pop();\n  return a[0];\n}\n`, `class Evil extends Array<number> {\n  override pop(): number | undefined { this.length = 0; return undefined; }\n}\n`, 4],
  ])("class Evil extends Array<number> overriding %s", async (_what, f, evil, line) => {
    const g = (make: string) => `export function g(): number {\n  const e = ${make};\n  e.push(1, 2, 3);\n  return f(e, 1);\n}\n`;
    const bad = await v.verify(f + evil + g("new Evil()"), ents("f", "g"));
    expect(at(bad, "bounds", line, "f")).not.toBe("proved");
    const good = await v.verify(f + evil + g("new Array<number>()"), ents("f", "g"));
    expect(at(good, "bounds", line, "f")).toBe("proved");
  });
});

describe("ToPrimitive on objects runs module code", () => {
  it("an object parameter converted to a number (valueOf empties the caller's array) makes shared lengths unknown", async () => {
    const code = (conv: string) => `export function f(a: number[], o: { n: number }): number {\n  if (a.length > 1) {\n    const t = ${conv};\n    return t + a[1];\n  }\n  return 0;\n}\nexport function g(): number {\n  const a = [1, 2, 3];\n  return f(a, { n: 1, valueOf() { a.length = 0; return 1; } } as { n: number });\n}\n`;
    for (const conv of ["(o as unknown as number) * 2", "\`\${o as unknown as string}\`.length", "Math.floor(o as unknown as number)", "+(o as unknown as number)"]) {
      expect(at(await v.verify(code(conv), ents("f", "g")), "bounds", 4, "f")).not.toBe("proved");
    }
    // Control: a conversion of a number does not run code.
    expect(at(await v.verify(code("a.length * 2"), ents("f", "g")), "bounds", 4, "f")).toBe("proved");
  });
});

describe("B: typed arrays whose length can change", () => {
  it.each([
    ["a view over a resizable buffer, then resize", `const buf = new ArrayBuffer(8, { maxByteLength: 16 });\n  const u = new Uint8Array(buf);`, "(buf as unknown as { resize(n: number): void }).resize(2);"],
    ["the same through a cast of the buffer", `const buf = new ArrayBuffer(8, { maxByteLength: 16 });\n  const u = new Uint8Array(buf as unknown as number);`, "(buf as unknown as { resize(n: number): void }).resize(2);"],
    ["a fresh view whose buffer is handed out and detached", `const u = new Uint8Array(8);\n  const buf = u.buffer;`, "(buf as unknown as { transfer(): ArrayBuffer }).transfer();"],
  ])("%s", async (_what, make, change) => {
    const code = (c: string) => `export function g(): number {\n  ${make}\n  if (u.length < 8) return 0;\n  ${c}\n  return u[7];\n}\n`;
    expect(at(await v.verify(code(change), ents("g")), "bounds", 6, "g")).not.toBe("proved");
  });
  it("control: a fresh fixed-length typed array stays proved", async () => {
    const code = `export function g(n: number): number {\n  const u = new Uint8Array(8);\n  u[0] = n;\n  if (u.length < 8) return 0;\n  return u[7];\n}\n`;
    expect(at(await v.verify(code, ents("g")), "bounds", 5, "g")).toBe("proved");
  });
  it("a typed array built in the module from a buffer and passed to an entity is not trusted there", async () => {
    const code = `export function f(u: Uint8Array): number {\n  if (u.length < 8) return 0;\n  return u[7];\n}\nexport function g(): number {\n  const buf = new ArrayBuffer(8, { maxByteLength: 16 });\n  return f(new Uint8Array(buf));\n}\n`;
    expect(at(await v.verify(code, ents("f", "g")), "bounds", 3, "f")).not.toBe("proved");
    expect(at(await v.verify(code.replace("new Uint8Array(buf)", "new Uint8Array(8)"), ents("f", "g")), "bounds", 3, "f")).toBe("proved");
  });
});

describe("C: -0 behind Number.isInteger", () => {
  it.each([
    ["Number.isInteger, 1 / x < 0", "Number.isInteger(x)", "if (x === 0 && 1 / x < 0) return b[100];"],
    ["Number.isSafeInteger, 1 / x < 0", "Number.isSafeInteger(x)", "if (x === 0 && 1 / x < 0) return b[100];"],
    ["through a copy and a loop", "Number.isInteger(x)", "let z = x;\n  for (let i = 0; i < 3; i++) { z = z + 0; }\n  if (z === 0 && 1 / z < 0) return b[100];"],
    ["through Math.min", "Number.isSafeInteger(x)", "const m = Math.min(x, 0);\n  if (1 / m === -Infinity && x >= 0) return b[100];"],
  ])("%s: the -0 branch is live", async (_what, pre, body) => {
    const code = `export function f(x: number, b: number[]): number {\n  ${body}\n  return 0;\n}\n`;
    const line = code.split("\n").findIndex((l) => l.includes("b[100]")) + 1;
    expect(at(await v.verify(code, [{ name: "f", pre: [pre] }]), "bounds", line, "f")).not.toBe("proved");
  });
  it("control: comparisons stay as in JavaScript (-0 < 0 is false), so this branch is dead", async () => {
    const code = `export function f(x: number, b: number[]): number {\n  if (x === 0 && x < 0) return b[100];\n  return 0;\n}\n`;
    expect(at(await v.verify(code, [{ name: "f", pre: ["Number.isInteger(x)"] }]), "bounds", 2, "f")).toBe("proved");
  });
});

describe("exactness of integer arithmetic under a condition that uses the inexact result (found by the harness)", () => {
  it("x + 1 === x holds for x = 2^53: the branch is live", async () => {
    const code = (pre: string) => `export function f(x: number, a: number[]): number {\n  if (x > 9007199254740990 && x + 1 === x) return a[104];\n  return 0;\n}\n`;
    expect(at(await v.verify(code(""), [{ name: "f", pre: ["Number.isInteger(x)"] }]), "bounds", 2, "f")).not.toBe("proved");
    // Control: with safe integers the sum is exact and the branch really is dead.
    expect(at(await v.verify(code(""), [{ name: "f", pre: ["Number.isSafeInteger(x) && x < 9007199254740000"] }]), "bounds", 2, "f")).toBe("proved");
  });
  it("x % y !== x % y holds for y = 0 (NaN): the branch is live", async () => {
    const code = `export function f(x: number, y: number, a: number[]): number {\n  const r = x % y;\n  if (r !== r) return a[100];\n  return 0;\n}\n`;
    expect(at(await v.verify(code, [{ name: "f", pre: ["Number.isSafeInteger(x) && Number.isSafeInteger(y)"] }]), "bounds", 3, "f")).not.toBe("proved");
    expect(at(await v.verify(code, [{ name: "f", pre: ["Number.isSafeInteger(x) && Number.isSafeInteger(y) && y > 0"] }]), "bounds", 3, "f")).toBe("proved");
  });
});

