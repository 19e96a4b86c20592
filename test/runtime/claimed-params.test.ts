/**
 * Claimed parameters (runtime/host/instrument-owned.ts, guest/checks.ts `claim`): an entry's
 * array parameter is an array only the function reaches when the host called exactly that
 * function with arguments it rebuilt — then a versioned loop checks its range once. Anything
 * else (an internal call, a call through a proxy or a wrapper, a second claim, a function that
 * leaks the array or says `arguments`) gets no claim, and the checks run per iteration. Each
 * case is compared with the same module instrumented without versioned loops.
 */
import { fc, test as propTest } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { ts } from "ts-morph";
import { instrument } from "../../runtime/index.js";
import { makeChecks } from "../../runtime/guest/checks.js";
import { ownedArrays } from "../../runtime/host/instrument-owned.js";
import type { RunMode } from "../../runtime/guest/protocol.js";
import { stubHarden } from "./harden-stub.js";

stubHarden();

const source = String.raw`
let kept: number[] = [];
export function sumAll(a: number[], n: any, cb: (i: any) => void, log: string[]): unknown {
  let s = 0;
  for (let i = 0; i < n; i++) { s += a[i]!; cb(i); log.push("s" + i); }
  return s;
}
export function viaOuter(a: number[], n: any, cb: (i: any) => void, log: string[]): unknown {
  kept = a;
  return sumAll(a, n, cb, log);
}
export function writesParam(a: number[], n: any, cb: (i: any) => void, log: string[]): unknown {
  let s = 0;
  for (let i = 0; i < n; i++) { s += a[i]!; a[i] = s; cb(i); log.push("w" + i); }
  return s;
}
export function usesArguments(a: number[], n: any): unknown {
  let s = 0;
  for (let i = 0; i < n; i++) s += a[i]! + arguments.length;
  return s;
}
export function shrinkKept(at: number): void {
  kept.length = Math.min(kept.length, at);
}
`;
class Violation extends Error {}

function load(mode: RunMode, hoistLoops: boolean) {
  const out = instrument({ source, file: "m.ts", obligations: [], mode, entities: [], hoistLoops });
  expect(out.diagnostics).toEqual([]);
  const rt = makeChecks({ specs: out.checks, mode, mounts: [], writable: false, violate: (v) => new Violation(`${v.id} ${v.message}`) });
  // Spies on the claim and on the owned-array length (the fast copy's precondition).
  const seen = { claims: 0, granted: 0, lengths: 0 };
  const api = rt.api as { claim: (f: unknown) => unknown; al: (o: unknown) => number };
  const spied = {
    ...api,
    claim: (f: unknown) => {
      seen.claims++;
      const r = api.claim(f);
      if (r !== undefined) seen.granted++;
      return r;
    },
    al: (o: unknown) => {
      const n = api.al(o);
      if (n >= 0) seen.lengths++;
      return n;
    },
  };
  const exports: Record<string, (...a: unknown[]) => unknown> = {};
  new Function("exports", "require", "module", out.checkParam, out.js)(exports, () => ({}), { exports }, spied);
  /** A call as the session makes it: enter, call, leave. */
  const host = (fn: (...a: unknown[]) => unknown, args: unknown[]) => {
    rt.enter(fn, args);
    try {
      return fn(...args);
    } finally {
      rt.leave();
    }
  };
  return { exports, js: out.js, seen, host, rt };
}

describe("claimed parameters", () => {
  it("claims an entry's parameter only where the function alone reaches it, and says whether it writes it", () => {
    const sf = ts.createSourceFile("m.ts", source, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
    const fn = (name: string) => sf.statements.find((s): s is ts.FunctionDeclaration => ts.isFunctionDeclaration(s) && s.name?.text === name)!;
    const claims = (name: string) => Object.fromEntries([...ownedArrays(fn(name))].map(([k, v]) => [k, { claim: v.claim, readOnly: v.readOnly }]));
    // `log` too: only pushed to (an owned array that grows).
    expect(claims("sumAll")).toEqual({ a: { claim: 0, readOnly: true }, log: { claim: 3, readOnly: false } });
    expect(claims("writesParam")).toEqual({ a: { claim: 0, readOnly: false }, log: { claim: 3, readOnly: false } });
    expect(claims("viaOuter")).toEqual({}); // stored in a module variable and passed on
    expect(claims("usesArguments")).toEqual({}); // `arguments` reaches the parameters another way
  });

  it("the host's claim is granted once, to the very function it calls, and never after leave", () => {
    const rt = makeChecks({ specs: [], mode: "development", mounts: [], writable: false, violate: (v) => new Error(v.message) });
    const api = rt.api as { claim: (f: unknown) => readonly unknown[] | undefined };
    const f = () => 1;
    const g = () => 2;
    const args = [[1, 2]];
    rt.enter(f, args);
    expect(api.claim(g)).toBeUndefined();
    expect(api.claim(f)).toBeUndefined(); // spent by the first claim, whoever made it
    rt.enter(f, args);
    expect(api.claim(f)).toBe(args);
    expect(api.claim(f)).toBeUndefined();
    rt.enter(f, args);
    rt.leave();
    expect(api.claim(f)).toBeUndefined();
  });

  it("a host call of the function itself runs the fast copy; internal calls, proxies and wrappers do not", () => {
    const m = load("development", true);
    const sum = m.exports["sumAll"]!;
    expect(m.host(sum, [[1, 2, 3, 4], 4, () => undefined, []])).toBe(10);
    expect(m.seen).toEqual({ claims: 1, granted: 1, lengths: 1 });
    // Through a proxy that keeps the arguments: the claim names the proxy, not the function.
    let stash: unknown;
    const proxy = new Proxy(sum, { apply: (t, self, args) => ((stash = args[0]), Reflect.apply(t, self, args)) });
    expect(m.host(proxy, [[1, 2, 3], 3, () => undefined, []])).toBe(6);
    expect(stash).toEqual([1, 2, 3]);
    expect(m.seen).toEqual({ claims: 2, granted: 1, lengths: 1 });
    // A bound function, and a call without the host: no claim either.
    expect(m.host(sum.bind(undefined), [[1, 2], 2, () => undefined, []])).toBe(3);
    expect(sum([5], 1, () => undefined, [])).toBe(5);
    expect(m.seen).toEqual({ claims: 4, granted: 1, lengths: 1 });
    // The host calls viaOuter, which keeps the array and calls sumAll: the claim is not sumAll's.
    expect(m.host(m.exports["viaOuter"]!, [[1, 2], 2, () => undefined, []])).toBe(3);
    expect(m.seen).toEqual({ claims: 5, granted: 1, lengths: 1 });
  });
});

describe("claimed parameters decide as the per-iteration checks", () => {
  const variants = { development: load("development", true), developmentPlain: load("development", false), production: load("production", true), productionPlain: load("production", false) };
  const outcome = (v: keyof typeof variants, entry: string, args: (m: (typeof variants)[keyof typeof variants], log: string[]) => unknown[], viaHost: boolean): string => {
    const m = variants[v];
    const log: string[] = [];
    try {
      const a = args(m, log);
      const r = viaHost ? m.host(m.exports[entry]!, a) : m.exports[entry]!(...a);
      return JSON.stringify({ v: String(r), log });
    } catch (e) {
      return JSON.stringify({ e: `${(e as Error).constructor.name}: ${(e as Error).message}`, log });
    }
  };
  const same = (entry: string, args: (m: (typeof variants)[keyof typeof variants], log: string[]) => unknown[], viaHost: boolean) => {
    for (const mode of ["development", "production"] as const) expect(outcome(mode, entry, args, viaHost), mode).toBe(outcome(`${mode}Plain`, entry, args, viaHost));
  };
  const cells = fc.array(fc.integer({ min: 0, max: 9 }), { maxLength: 8 });
  const n = fc.oneof(fc.integer({ min: -2, max: 10 }), fc.constantFrom(-0, 0.5, NaN, Infinity, 2 ** 31, "3", undefined));

  propTest.prop([fc.constantFrom("sumAll", "viaOuter", "writesParam", "usesArguments"), cells, n, fc.integer({ min: -1, max: 8 }), fc.integer({ min: 0, max: 8 }), fc.boolean()], { numRuns: 600 })(
    "host or internal calls; the body shrinks the array that viaOuter kept",
    (entry, a, count, at, to, viaHost) => {
      same(entry, (m, log) => [[...a], count, (i: unknown) => (i === at ? (m.exports["shrinkKept"]!(to), log.push("shrink")) : undefined), log], viaHost);
    },
  );
});
