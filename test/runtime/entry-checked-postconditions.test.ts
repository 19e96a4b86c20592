/**
 * A postcondition that is also a precondition of the entry (a contract invariant: checked at
 * entry and at every return) over parameters the call cannot change is evaluated at a return
 * only when the entry check did not already decide it (instrument-owned.ts unchangedParams,
 * guest/checks.ts `claim` + `ca`): the host called exactly this function, as that entity's
 * entry, with arguments it rebuilt, and the entry check passed on them; the function only reads
 * them. Issue 14: binarySearch's O(n) sortedness invariant was evaluated at each return of an
 * O(log n) search in development mode (≈ 410×).
 *
 * Anything else keeps the check at the return: an internal call, a host call whose entry check
 * did not run or ran under another entry name, a function that writes the array (and here
 * breaks the invariant: the violation is still reported), testing mode (every check counted).
 */
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { instrument, run, SandboxPool } from "../../runtime/index.js";
import { loadDocument } from "../../spec/load.js";
import { projectRoot } from "../../support/compiled-path.js";
import { makeChecks } from "../../runtime/guest/checks.js";
import type { RunMode } from "../../runtime/guest/protocol.js";
import { stubHarden } from "./harden-stub.js";

stubHarden();

const SORTED = "forall(i, 1, sorted.length, sorted[i - 1] <= sorted[i])";

const source = String.raw`
export function search(sorted: Int32Array, target: number): number {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo <= hi) {
    const mid = lo + ((hi - lo) >>> 1);
    const v = sorted[mid]!;
    if (v === target) return mid;
    if (v < target) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}
export function searchList(sorted: number[], target: number): number {
  for (let i = 0; i < sorted.length; i++) if (sorted[i] === target) return i;
  return -1;
}
export function bump(sorted: number[], at: number): number {
  if (at >= 0 && at < sorted.length) sorted[at] = -1;
  return sorted.length;
}
export function viaSearch(sorted: Int32Array, target: number): number {
  return search(sorted, target);
}
export { search as alias };
export { search as guarded };
`;

const entity = (name: string) => ({
  id: `E-${name}`,
  name,
  clauses: { preconditions: [], postconditions: [], contractInvariants: [{ id: `INV-${name}`, text: SORTED }], directInvariants: [] },
});

class Violation extends Error {}

/** Another entity on the same function (an export alias), with a check of its own at entry — not the sortedness. */
const guarded = { id: "E-guarded", name: "guarded", clauses: { preconditions: ["target >= 0"], postconditions: [], contractInvariants: [], directInvariants: [] } };

function load(mode: RunMode) {
  // guarded first: the function's own checks are search's (the last entity naming it).
  const out = instrument({ source, file: "m.ts", obligations: [], mode, entities: [guarded, ...["search", "searchList", "bump", "viaSearch"].map(entity)] });
  expect(out.diagnostics).toEqual([]);
  const rt = makeChecks({ specs: out.checks, mode, mounts: [], writable: false, violate: (v) => new Violation(`${v.id} ${v.message}`) });
  // Counts evaluations of the sortedness clause (its `forall`), at entry and at returns alike.
  let foralls = 0;
  const api = rt.api as { all: (...a: unknown[]) => unknown };
  const spied = { ...api, all: (...a: unknown[]) => (foralls++, Reflect.apply(api.all, undefined, a)) };
  const exports: Record<string, (...a: unknown[]) => unknown> = {};
  new Function("exports", "require", "module", out.checkParam, out.js)(exports, () => ({}), { exports }, spied);
  rt.seal();
  /** A call as the session makes it: the entry check registered as `as` (if any) on the arguments, then enter, call, leave. */
  const host = (name: string, args: unknown[], as: string | undefined = name) => {
    const check = as === undefined ? undefined : rt.entryCheck(as);
    check?.(args);
    const fn = exports[name]!;
    rt.enter(fn, args, check === undefined ? undefined : as);
    try {
      return fn(...args);
    } finally {
      rt.leave();
    }
  };
  return { js: out.js, host, foralls: () => foralls };
}

const table = () => Int32Array.from({ length: 64 }, (_, i) => 3 * i);

describe("postconditions checked at entry", () => {
  it("are evaluated at a return only outside a call claimed as the entity's entry, in read-only functions", () => {
    const dev = load("development").js;
    const body = (name: string) => dev.slice(dev.indexOf(`function ${name}(`), dev.indexOf("\n}", dev.indexOf(`function ${name}(`)));
    expect(body("search")).toContain('.ca("search")');
    expect(body("search")).toMatch(/if \(__anrf_c\w*_E !== true\) \{ try \{/);
    expect(body("searchList")).toContain('.ca("searchList")');
    // Writes its array: every return evaluates the invariant.
    expect(body("bump")).not.toContain(".ca(");
    expect(body("bump")).not.toMatch(/_E !== true/);
    // Testing mode counts every check at every evaluation: nothing skipped.
    expect(load("testing").js).not.toContain(".ca(");
  });

  it("a host call of the entry evaluates the clause once, at entry; other calls also at the return", () => {
    const m = load("development");
    expect(m.host("search", [table(), 30])).toBe(10);
    expect(m.foralls()).toBe(1); // the entry check only
    expect(m.host("search", [table(), 31])).toBe(-1);
    expect(m.foralls()).toBe(2);
    expect(m.host("searchList", [[1, 2, 5, 9], 5])).toBe(2);
    expect(m.foralls()).toBe(3);
    // The entry check did not run (no name): the return evaluates it.
    expect(m.host("search", [table(), 30], undefined)).toBe(10);
    expect(m.foralls()).toBe(4);
    // Called as another export of the same function: no entry check registered under that
    // name, so none ran — the return evaluates it.
    expect(m.host("alias", [table(), 30], "alias")).toBe(10);
    expect(m.foralls()).toBe(5);
    // The entry of another entity that passes its array on: viaSearch's entry check; search's
    // precondition at the internal call site; search's return (an internal call gets no claim);
    // viaSearch's return (passing the array to a call is not a read-only use).
    expect(m.host("viaSearch", [table(), 30])).toBe(10);
    expect(m.foralls()).toBe(5 + 4);
  });

  it("a function that writes its array keeps the check at the return, and reports what it broke", () => {
    const m = load("development");
    expect(m.host("bump", [[1, 2, 3], 0])).toBe(3); // -1 first: still sorted
    expect(m.foralls()).toBe(2);
    expect(() => m.host("bump", [[1, 2, 3], 2])).toThrow(Violation);
    expect(() => m.host("bump", [[1, 2, 3], 2])).toThrow(/postcondition|invariant/);
  });

  it("an unsorted argument is still refused at entry", () => {
    const m = load("development");
    expect(() => m.host("search", [Int32Array.from([3, 1, 2]), 1])).toThrow(Violation);
  });

  it("a call under another entry name whose check passed (not the sortedness) still evaluates it at the return", () => {
    const m = load("development");
    // guarded's entry check (target >= 0) passes; search's prologue claims the call, but as
    // `guarded`, not as `search`: its return evaluates the invariant and finds it broken.
    expect(() => m.host("guarded", [Int32Array.from([3, 1, 2]), 1])).toThrow(/INV-search|sorted/);
    expect(m.foralls()).toBe(1);
  });
});

describe("in the sandbox (examples/binary-search.anrf.json, its contract as written)", () => {
  const pool = new SandboxPool();
  afterAll(async () => {
    await pool.close();
  });

  it("the entry claims the host's call; sorted input found or not, unsorted input still refused at entry", async () => {
    const doc = await loadDocument(join(projectRoot(), "examples", "binary-search.anrf.json"));
    const sorted = Array.from({ length: 50 }, (_, i) => 2 * i);
    for (const mode of ["development", "production"] as const) {
      const found = await run(doc, "binarySearch", [sorted, 42], { verification: [], pool, mode });
      expect(found.status).toBe("ok");
      expect(found.value).toBe(21);
      // The prologue claims the call (a return check may be skipped in it); the session entered it.
      expect(found.security.claimsGranted).toBe(1);
      expect((await run(doc, "binarySearch", [sorted, 43], { verification: [], pool, mode })).value).toBe(-1);
      const unsorted = await run(doc, "binarySearch", [[5, 1, 3], 1], { verification: [], pool, mode });
      expect(unsorted.status).toBe("violation");
      expect(unsorted.violations[0]?.message).toMatch(/sorted/);
    }
  });
});
