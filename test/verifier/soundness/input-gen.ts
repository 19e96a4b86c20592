import fc from "fast-check";
import type { ClauseExpr } from "../../../spec/contract/index.js";
import { freeNames } from "../../../spec/contract/index.js";
import { conjuncts, evaluate, EvalUnsupported } from "./contract-eval.js";

/**
 * Input generation for an entity from its parameter types and its preconditions (parsed
 * contract clauses): a small constructive generator reading bounds `x op e`, `len(a) op e`,
 * `Number.isInteger(x)` and sortedness `forall(i, 1, len(a), a[i-1] <= a[i])` off the
 * conjuncts, in dependency order. It only aims; the tests still filter every input through
 * the evaluator (`fc.pre`), so imprecision here costs runs, never soundness.
 */
export type ParamType =
  | { readonly kind: "number" }
  | { readonly kind: "string" }
  | { readonly kind: "boolean" }
  | { readonly kind: "array" }
  | { readonly kind: "typed"; readonly ctor: "Uint8Array" | "Int8Array" | "Uint16Array" | "Int16Array" | "Int32Array" | "Uint32Array" | "Float32Array" | "Float64Array" | "Uint8ClampedArray" };

export interface Param {
  readonly name: string;
  readonly type: ParamType;
}

type Op = "<" | "<=" | ">" | ">=" | "==";
interface Bound {
  readonly subject: string;
  /** Bound on the value itself, or on its length. */
  readonly onLength: boolean;
  readonly op: Op;
  readonly expr: ClauseExpr;
}

const FLIP: Record<Op, Op> = { "<": ">", "<=": ">=", ">": "<", ">=": "<=", "==": "==" };

function subjectOf(e: ClauseExpr): { subject: string; onLength: boolean } | undefined {
  if (e.tag === "name") return { subject: e.name, onLength: false };
  if (e.tag === "len" && e.of.tag === "name") return { subject: e.of.name, onLength: true };
  return undefined;
}

export function analyse(clauses: readonly ClauseExpr[]) {
  const bounds: Bound[] = [];
  const integers = new Set<string>();
  const sorted = new Set<string>();
  for (const c of clauses.flatMap(conjuncts)) {
    if (c.tag === "call" && (c.fn === "Number.isInteger" || c.fn === "Number.isSafeInteger") && c.args[0]?.tag === "name") integers.add(c.args[0].name);
    if (c.tag === "bin" && ["<", "<=", ">", ">=", "=="].includes(c.op)) {
      const op = c.op as Op;
      const left = subjectOf(c.left);
      const right = subjectOf(c.right);
      if (left && !freeNames(c.right).includes(left.subject)) bounds.push({ ...left, op, expr: c.right });
      if (right && !freeNames(c.left).includes(right.subject)) bounds.push({ ...right, op: FLIP[op], expr: c.left });
    }
    if (c.tag === "forall" && c.body.tag === "bin" && (c.body.op === "<=" || c.body.op === "<")) {
      const arr = c.body.left.tag === "index" && c.body.left.of.tag === "name" ? c.body.left.of.name : undefined;
      if (arr !== undefined && c.hi.tag === "len") sorted.add(arr);
    }
  }
  const sizing = new Set(bounds.filter((b) => b.onLength).flatMap((b) => freeNames(b.expr)));
  return { bounds, integers, sorted, sizing };
}

const MAX_LEN = 24;

/** An arbitrary of argument records (name → value) aimed at the preconditions. */
export function inputsFor(params: readonly Param[], preconditions: readonly ClauseExpr[]): fc.Arbitrary<Record<string, unknown>> {
  const { bounds, integers, sorted, sizing } = analyse(preconditions);
  const names = params.map((p) => p.name);
  const deps = new Map(names.map((n) => [n, new Set(bounds.filter((b) => b.subject === n).flatMap((b) => freeNames(b.expr)).filter((d) => d !== n && names.includes(d)))]));
  const order: string[] = [];
  const visiting = new Set<string>();
  const visit = (n: string) => {
    if (order.includes(n) || visiting.has(n)) return; // a cycle: its bounds are left to the filter
    visiting.add(n);
    for (const d of deps.get(n) ?? []) visit(d);
    visiting.delete(n);
    order.push(n);
  };
  names.forEach(visit);

  return fc.gen().map((g) => {
    const values: Record<string, unknown> = {};
    const range = (subject: string, onLength: boolean, integral: boolean) => {
      let lo = -Infinity;
      let hi = Infinity;
      for (const b of bounds.filter((x) => x.subject === subject && x.onLength === onLength)) {
        let v: number;
        try {
          v = evaluate(b.expr, { values }) as number;
        } catch (error) {
          if (error instanceof EvalUnsupported || error instanceof TypeError) continue; // depends on a later value
          throw error;
        }
        if (typeof v !== "number" || Number.isNaN(v)) continue;
        const step = integral ? 1 : Number.EPSILON;
        if (b.op === "<") hi = Math.min(hi, integral ? Math.ceil(v) - 1 : v - step);
        if (b.op === "<=") hi = Math.min(hi, integral ? Math.floor(v) : v);
        if (b.op === ">") lo = Math.max(lo, integral ? Math.floor(v) + 1 : v + step);
        if (b.op === ">=") lo = Math.max(lo, integral ? Math.ceil(v) : v);
        if (b.op === "==") {
          lo = Math.max(lo, v);
          hi = Math.min(hi, v);
        }
      }
      return { lo, hi };
    };
    const drawInt = (lo: number, hi: number, small: boolean): number => {
      const min = Math.max(lo, -(2 ** 40));
      const max = Math.min(hi, 2 ** 40);
      if (min > max) return lo; // unsatisfiable here: the filter rejects it
      const span = small ? 8 : 60;
      const near = Number.isFinite(lo) ? { min, max: Math.min(max, min + span) } : Number.isFinite(hi) ? { min: Math.max(min, max - span), max } : { min: -span, max: span };
      return g(() => fc.oneof({ weight: 4, arbitrary: fc.integer(near) }, { weight: small ? 0 : 1, arbitrary: fc.integer({ min: Math.max(min, -(2 ** 31)), max: Math.min(max, 2 ** 32) }) }));
    };
    for (const name of order) {
      const type = params.find((p) => p.name === name)!.type;
      switch (type.kind) {
        case "number": {
          const { lo, hi } = range(name, false, integers.has(name));
          values[name] =
            integers.has(name) || Number.isFinite(lo) || Number.isFinite(hi)
              ? drawInt(lo, hi, sizing.has(name))
              : g(() => fc.oneof({ weight: 3, arbitrary: fc.integer({ min: -60, max: 60 }) }, { weight: 1, arbitrary: fc.double() }));
          break;
        }
        case "boolean":
          values[name] = g(fc.boolean);
          break;
        default: {
          const { lo, hi } = range(name, true, true);
          const length = drawInt(Math.max(0, lo), Math.min(hi, MAX_LEN), true);
          if (length < 0 || length > 4096) {
            values[name] = type.kind === "string" ? "" : [];
            break;
          }
          if (type.kind === "string") {
            values[name] = g(() =>
              fc.oneof(
                fc.string({ minLength: length, maxLength: length, unit: "grapheme-ascii" }),
                fc.string({ minLength: length, maxLength: length, unit: "binary" }),
                // Path-like text, so that '..' segments and leading '/' actually occur.
                fc.string({ minLength: length, maxLength: length, unit: fc.constantFrom(".", "/", "a", "b") }),
              ),
            );
            break;
          }
          const element = elementArbitrary(type);
          const items = g(() => fc.array(element, { minLength: length, maxLength: length }));
          if (sorted.has(name)) items.sort((a, b) => a - b);
          values[name] = type.kind === "typed" ? new globalThis[type.ctor](items) : items;
        }
      }
    }
    return values;
  });
}

function elementArbitrary(type: ParamType): fc.Arbitrary<number> {
  if (type.kind !== "typed") return fc.oneof({ weight: 3, arbitrary: fc.integer({ min: -100, max: 100 }) }, { weight: 1, arbitrary: fc.double() });
  switch (type.ctor) {
    case "Uint8Array":
    case "Uint8ClampedArray":
      return fc.integer({ min: 0, max: 255 });
    case "Int8Array":
      return fc.integer({ min: -128, max: 127 });
    case "Uint16Array":
      return fc.integer({ min: 0, max: 65535 });
    case "Int16Array":
      return fc.integer({ min: -32768, max: 32767 });
    case "Int32Array":
      return fc.oneof(fc.integer({ min: -50, max: 50 }), fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }));
    case "Uint32Array":
      return fc.integer({ min: 0, max: 2 ** 32 - 1 });
    case "Float32Array":
    case "Float64Array":
      return fc.double();
  }
}
