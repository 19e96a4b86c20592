/**
 * Robustness: random JSON values and random mutations of the valid examples never make
 * validation throw, and every finding's path resolves in the value that was validated
 * (for a missing field, the path is the object that lacks it).
 */
import { fc, test } from "@fast-check/vitest";
import { expect } from "vitest";
import { resolvePointer, toPointer } from "../../spec/json-pointer.js";
import { parseJsonText } from "../../spec/json-position.js";
import { validateValue } from "../../spec/validate.js";
import { example, VALID_EXAMPLES, type Json, type JsonObject } from "./documents.js";

// Counts, not seconds: 2 000 per property per CI run (a new seed each run), 1 000 locally.
const runs = process.env["CI"] ? 2_000 : 1_000;
const bases = VALID_EXAMPLES.map((name) => example(name));

/** Every location in a JSON value, as path segments. */
const locations = (value: Json, path: Array<string | number> = [], out: Array<Array<string | number>> = []) => {
  out.push(path);
  if (Array.isArray(value)) value.forEach((v, i) => locations(v, [...path, i], out));
  else if (value !== null && typeof value === "object") for (const [k, v] of Object.entries(value)) locations(v, [...path, k], out);
  return out;
};

type Mutation =
  | { kind: "delete" }
  | { kind: "replace"; value: Json }
  | { kind: "enum"; value: string }
  | { kind: "add-key"; key: string; value: Json }
  | { kind: "duplicate" };

const ENUM_WORDS = ["MemorySafe", "Safe", "None", "ReadOnly", "Function", "Security", "typescript", "graph", "ProcessIsolation", "", "1.1.0", "/data", "../x"];
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.constant({ kind: "delete" as const }),
  fc.jsonValue({ maxDepth: 2 }).map((value) => ({ kind: "replace" as const, value: value as Json })),
  fc.constantFrom(...ENUM_WORDS).map((value) => ({ kind: "enum" as const, value })),
  fc
    .tuple(fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom("x-ext", "colour", "__proto__", "constructor", "toString", "id")), fc.jsonValue({ maxDepth: 1 }))
    .map(([key, value]) => ({ kind: "add-key" as const, key, value: value as Json })),
  fc.constant({ kind: "duplicate" as const }),
);

const apply = (root: Json, target: Array<string | number>, m: Mutation): Json => {
  if (target.length === 0) return m.kind === "replace" ? m.value : m.kind === "enum" ? m.value : root;
  const parent = target.slice(0, -1).reduce<Json>((v, k) => (v as Record<string | number, Json>)[k] as Json, root);
  const key = target[target.length - 1]!;
  const container = parent as Record<string | number, Json> & Json[];
  switch (m.kind) {
    case "delete":
      if (Array.isArray(parent)) parent.splice(key as number, 1);
      else delete container[key];
      break;
    case "replace":
    case "enum":
      container[key] = m.value;
      break;
    case "add-key": {
      const v = container[key];
      // defineProperty: a key named __proto__ must become an own property, as JSON.parse makes it.
      if (v !== null && typeof v === "object" && !Array.isArray(v)) Object.defineProperty(v, m.key, { value: m.value, enumerable: true, writable: true, configurable: true });
      break;
    }
    case "duplicate":
      if (Array.isArray(parent)) parent.push(structuredClone(parent[key as number]!));
      else if (Array.isArray(container[key])) (container[key] as Json[]).push(...(container[key] as Json[]).slice(0, 1).map((x) => structuredClone(x)));
      break;
  }
  return root;
};

const mutated = fc
  .tuple(fc.nat(bases.length - 1), fc.array(fc.tuple(fc.nat(), mutation), { minLength: 1, maxLength: 3 }))
  .map(([which, steps]) => {
    let doc: Json = structuredClone(bases[which]!);
    for (const [pick, m] of steps) {
      const all = locations(doc);
      doc = apply(doc, all[pick % all.length]!, m);
    }
    return doc;
  });

const expectPathsResolve = (value: Json) => {
  const result = validateValue(value);
  for (const f of result.findings) {
    expect(resolvePointer(value, f.path), `${f.ruleId} ${f.path}`).toMatchObject({ found: true });
    expect(["error", "warning", "info"]).toContain(f.severity);
    expect(f.message.length).toBeGreaterThan(0);
    expect(f.hint.length).toBeGreaterThan(0);
  }
  // A document is returned exactly when nothing structural failed.
  if (result.document === undefined) expect(result.findings.some((f) => f.severity === "error")).toBe(true);
};

test.prop([mutated], { numRuns: runs })("mutated examples: never throws, every path resolves", (doc) => {
  expectPathsResolve(doc);
});

const almostDocument = fc.record(
  {
    anrf_version: fc.oneof(fc.constant("1.1.0"), fc.jsonValue({ maxDepth: 1 })),
    security: fc.jsonValue({ maxDepth: 3 }),
    intent: fc.jsonValue({ maxDepth: 3 }),
    semantics: fc.jsonValue({ maxDepth: 3 }),
    execution: fc.jsonValue({ maxDepth: 3 }),
  },
  { requiredKeys: [] },
);

test.prop([fc.oneof(fc.jsonValue(), almostDocument)], { numRuns: runs })("random JSON: never throws, every path resolves", (value) => {
  expectPathsResolve(value as Json);
});

test.prop([fc.nat(bases.length - 1), fc.nat(), fc.nat(4)], { numRuns: runs })(
  "corrupted JSON text: a position inside the text, never a throw",
  (which, position, cut) => {
    const text = JSON.stringify(bases[which], null, 2);
    const at = position % text.length;
    const broken = text.slice(0, at) + text.slice(at + cut + 1);
    const parsed = parseJsonText(broken);
    if (parsed.ok) {
      expectPathsResolve(parsed.value as Json);
    } else {
      const lines = broken.split("\n");
      expect(parsed.line).toBeGreaterThanOrEqual(1);
      expect(parsed.line).toBeLessThanOrEqual(lines.length);
      expect(parsed.column).toBeGreaterThanOrEqual(1);
      expect(parsed.column).toBeLessThanOrEqual(lines[parsed.line - 1]!.length + 1);
    }
  },
);

test("locations helper sees every key (sanity check for the generators above)", () => {
  const doc: JsonObject = { a: [1, { b: null }] };
  expect(locations(doc).map((p) => toPointer(p))).toEqual(["", "/a", "/a/0", "/a/1", "/a/1/b"]);
});
