/**
 * Versioned loops (runtime/host/instrument-hoist.ts) in the real sandbox (worker + SES
 * compartment, fixed-length buffers): the loop runs its fast copy, and a run that goes out of
 * bounds reports the same violation — obligation id, kind, location, index and length — as the
 * per-iteration check (testing mode calls the generic check at every site and never hoists).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { instrument, run, SandboxPool } from "../../runtime/index.js";
import type { LoadedDocument } from "../../spec/load.js";
import type { ObligationResult } from "../../verifier/obligation.js";
import { makeDocument, tempDir } from "./fixtures.js";

const code = String.raw`
export function total(u: Uint8Array, from: number, to: number): number {
  let s = 0;
  for (let i = from; i < to; i++) { s += u[i]!; }
  return s;
}
export function window(u: Float64Array, k: number): number {
  let s = 0;
  for (let i = 0; i < u.length; i++) { s += u[i + k]! - u[i]!; }
  return s;
}
export function arrTotal(a: number[], from: number, to: number): number {
  let s = 0;
  let i = from;
  while (i < to) { s += a[i]! + a[i]!; i++; }
  return s;
}
// Observing the range check (C.rl) and the array test (C.pa) inside the compartment without
// reaching the check object: values whose kind does not match their declaration take the
// guard's slow path, the generic check, which counts as executed in development; a loop whose
// fast copy ran has no guard at its hoisted sites, so it executes none there.
export function rangeProbe(n: number, what: number): number {
  const v: any = what === 0 ? new Uint8Array(n) : what === 1 ? new Float64Array(n) : what === 2 ? new DataView(new ArrayBuffer(n)) : Array.from({ length: n }, () => 0);
  const asString: string = what === 3 ? "x".repeat(n) : v;
  const asTyped: Uint8Array = what === 3 ? ("x".repeat(n) as any) : new Uint8Array(0);
  let s = 0;
  if (what === 3) { for (let i = 0; i < n; i++) if (asTyped[i] !== undefined) s++; }
  else { for (let i = 0; i < n; i++) if (asString[i] !== undefined) s++; }
  return s;
}
export function arrayProbe(a: number[], proxy: boolean): number {
  const x: number[] = proxy ? new Proxy(a, {}) : a;
  let s = 0;
  let i = 0;
  while (i < x.length) { s += x[i]! - x[i]!; i++; }
  return s;
}
// An array the function owns (instrument-owned.ts), declared as a typed array so that every
// guard of the checked copy takes its slow path (counted): the fast copy ran iff none is.
export function ownedProbe(n: number, swap: boolean): number {
  const d: Uint8Array = new Array<number>(n).fill(1) as any;
  if (swap) (d as any)["__proto__"] = Object.create(Array.prototype);
  let s = 0;
  for (let j = 0; j < n; j++) s += d[j]!;
  return s;
}
// Claimed parameters: sumKept's array is its own in a host call (the range is checked once);
// keepThenSum keeps the array in a module variable first, so sumKept's claim is refused and
// shrinking the kept array mid-loop is caught by the per-iteration check.
let kept: number[] = [];
export function sumKept(a: number[], n: number, shrinkAt: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) { s += a[i]!; if (i === shrinkAt) kept.length = 0; }
  return s;
}
export function keepThenSum(a: number[], n: number, shrinkAt: number): number {
  kept = a;
  return sumKept(a, n, shrinkAt);
}
export function scan(s: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) if (s.charCodeAt(i) === 97) n++;
  return n;
}
`;

let doc: LoadedDocument;
const pool = new SandboxPool();

beforeAll(async () => {
  const dir = tempDir();
  doc = await makeDocument({ dir, code, functions: ["total", "window", "scan", "rangeProbe", "arrayProbe", "arrTotal", "ownedProbe", "sumKept", "keepThenSum"] });
});
afterAll(async () => {
  await pool.close();
});

const opts = (mode: "development" | "testing" | "production") => ({ verification: [] as ObligationResult[], pool, mode });

describe("versioned loops in the sandbox", () => {
  it("the document's loops are versioned (the fast copy exists)", () => {
    const out = instrument({ source: code, file: "m.ts", obligations: [], mode: "development", entities: [] });
    expect((out.js.match(new RegExp(`${out.checkParam}\\.rl\\(`, "g")) ?? []).length).toBe(5);
    expect(out.js).toContain(`${out.checkParam}.al(d)`);
    expect(out.js).toContain(`${out.checkParam}.pa(a)`);
  });

  it("inside the compartment the range check gets the length of a typed array (fixed buffers) and a string, −1 otherwise; pa tells arrays from proxies", async () => {
    const executed = async (entry: string, args: unknown[], mode: "development" | "testing") => {
      const r = await run(doc, entry, args, opts(mode));
      expect(r.status).toBe("ok");
      return r.security.checksExecuted;
    };
    // Uint8Array, Float64Array (built by module code in the compartment), a string: the fast copy ran, no check executed
    for (const what of [0, 1, 3]) expect(await executed("rangeProbe", [6, what], "development")).toBe(0);
    // a DataView, an array: no usable range, every iteration's guard took its slow path
    for (const what of [2, 4]) expect(await executed("rangeProbe", [6, what], "development")).toBe(6);
    // the control: testing mode (no versioned loops) counts every iteration whatever the value
    for (const what of [0, 1, 2, 3, 4]) expect(await executed("rangeProbe", [6, what], "testing")).toBeGreaterThanOrEqual(6);
    // a genuine array: its kind known before the loop, no generic check; a proxy of it: every guard generic
    expect(await executed("arrayProbe", [[1, 2, 3], false], "development")).toBe(0);
    expect(await executed("arrayProbe", [[1, 2, 3], true], "development")).toBe(6);
    // an array the function owns: C.al gives its length, the fast copy runs; with a prototype the
    // module swapped in, C.al refuses it and every iteration is checked
    expect(await executed("ownedProbe", [5, false], "development")).toBe(0);
    expect(await executed("ownedProbe", [5, true], "development")).toBe(5);
    expect(await executed("ownedProbe", [5, false], "testing")).toBeGreaterThanOrEqual(5);
  });

  it("a claimed parameter in a host call, and a kept array shrunk under an internal call (caught where it fails)", async () => {
    for (const mode of ["development", "production", "testing"] as const) {
      const own = await run(doc, "sumKept", [[1, 2, 3], 3, 0], opts(mode));
      expect(own.value).toBe(6);
      // The session entered the call and the entry claimed its array (testing mode has no versioned loops, so no claim).
      expect(own.security.claimsGranted).toBe(mode === "testing" ? 0 : 1);
      const r = await run(doc, "keepThenSum", [[1, 2, 3], 3, 0], opts(mode));
      expect(r.security.claimsGranted).toBe(0);
      expect(r.status).toBe("violation");
      expect(r.violations[0]?.message).toMatch(mode === "production" ? /0 <= index < length at a\[i\]/ : /index 1 out of bounds for length 0/);
    }
  });

  it("in bounds: the same values in every mode", async () => {
    for (const mode of ["development", "testing", "production"] as const) {
      expect((await run(doc, "total", [[1, 2, 3, 4], 0, 4], opts(mode))).value).toBe(10);
      expect((await run(doc, "window", [[1, 2, 3, 4], 0], opts(mode))).value).toBe(0);
      expect((await run(doc, "scan", ["banana", 0, 6], opts(mode))).value).toBe(3);
      expect((await run(doc, "arrTotal", [[1, 2, 3], 0, 3], opts(mode))).value).toBe(12);
    }
  });

  for (const [entry, args, index, length] of [
    ["total", [[1, 2, 3], 1, 5], "3", "3"],
    ["total", [[1, 2, 3], -1, 2], "-1", "3"],
    ["window", [[1, 2, 3, 4], 1], "4", "4"],
    ["window", [[1, 2, 3, 4], -2], "-2", "4"],
    ["scan", ["abc", 2, 9], "3", "3"],
    ["arrTotal", [[1, 2, 3], 1, 5], "3", "3"],
    ["arrTotal", [[1, 2, 3], -1, 1], "-1", "3"],
  ] as const) {
    it(`${entry}(${JSON.stringify(args)}): the per-iteration check's violation (index ${index})`, async () => {
      const dev = await run(doc, entry, [...args], opts("development"));
      const generic = await run(doc, entry, [...args], opts("testing"));
      expect(dev.status).toBe("violation");
      expect(generic.status).toBe("violation");
      const [a, b] = [dev.violations[0]!, generic.violations[0]!];
      expect(a.id).toBe(b.id);
      expect(a.kind).toBe("bounds");
      expect(a.location).toEqual(b.location);
      expect(a.message).toBe(b.message);
      expect(a.values).toEqual({ index, length });
      const prod = await run(doc, entry, [...args], opts("production"));
      expect(prod.status).toBe("violation");
      expect(prod.violations[0]!.id).toBe(b.id);
    });
  }
});
