/**
 * Documents generated from the schema itself (effect's Arbitrary.schema, the effect 4
 * counterpart of Schema.toArbitrary) validate at schema level, always; and after a repair
 * step that restores the cross-field rules (see `repair`), with no error at all. The repair
 * step is how "generated documents validate" is stated for rules a schema cannot express
 * (ids unique, references resolving, overrides consistent, …): each line of `repair` is the
 * smallest edit satisfying one rule, so the test also shows the rules can all hold at once.
 */
import { fc, test } from "@fast-check/vitest";
import { Arbitrary, Effect } from "effect";
import { expect } from "vitest";
import { AnrfDocumentSchema, type AnrfDocument } from "../../spec/document.js";
import { validateValue } from "../../spec/validate.js";

// Counts, not seconds: 2 000 random documents per CI run (a new seed each run), 500 locally.
const runs = process.env["CI"] ? 2_000 : 500;
const documents = Arbitrary.schema(AnrfDocumentSchema);

/** fast-check drives the seed, effect's Arbitrary builds the document from the schema. */
const generated = fc.tuple(fc.integer(), fc.integer({ min: 1, max: 4 })).map(([seed, size]) => {
  const [doc] = Effect.runSync(Arbitrary.sampleEffect(documents, { count: 1, seed, size }));
  // Through JSON, as documents arrive; the schema's values are all JSON-representable.
  return JSON.parse(JSON.stringify(doc)) as AnrfDocument;
});

test.prop([generated], { numRuns: runs })("a generated document is schema-valid", (doc) => {
  const result = validateValue(doc);
  expect(result.findings.filter((f) => f.ruleId === "schema" || /^V6\.\d\.[12]$/.test(f.ruleId))).toEqual([]);
  // Round trip: decoding keeps everything, x- extensions included — nothing is silently dropped.
  expect(result.document).toEqual(doc);
});

type Mutable<T> = { -readonly [K in keyof T]: T[K] extends object ? Mutable<T[K]> : T[K] };
type Doc = Mutable<AnrfDocument>;

const repair = (input: AnrfDocument): Doc => {
  const doc = structuredClone(input) as Doc;
  const s = doc.security;
  const limits = s.isolation_requirements.resource_limits;
  // V6.1.4: positive limits.
  limits.cpu = Math.abs(limits.cpu) || 1;
  limits.memory = Math.abs(limits.memory) || 64;
  limits.time = Math.abs(limits.time) || 1000;
  s.isolation_requirements.memory_isolation = true;
  // V6.1.5/6, V6.2.3, V6.4.5, V7.2: no override anywhere.
  s.override_status = false;
  doc.intent.security_intentions.override_intention.allowed = false;
  doc.execution.security_enforcement.override_mechanisms.enabled = false;
  // V6.2.4: a Security requirement.
  doc.intent.requirements.push({ id: "", description: "safe", type: "Security", priority: "High", verification_approach: "proof" });
  // unique-id: ids renumbered per collection.
  doc.dependencies.forEach((d, i) => (d.id = `DEP-${i}`));
  doc.intent.requirements.forEach((r, i) => (r.id = `REQ-${i}`));
  doc.intent.constraints.forEach((c, i) => (c.id = `CON-${i}`));
  // V6.3.x, V7.1: entities safe in every respect, at least one guarantee; function names unique identifiers.
  if (doc.semantics.entities.length === 0) {
    doc.semantics.entities.push({ id: "", name: "f", type: "Function", properties: {}, security_properties: { memory_safe: true, type_safe: true, resource_bounded: true, formal_guarantees: [] } });
  }
  doc.semantics.entities.forEach((e, i) => {
    e.id = `ENT-${i}`;
    e.name = `f${i}`;
    Object.assign(e.security_properties, { memory_safe: true, type_safe: true, resource_bounded: true });
  });
  doc.semantics.entities[0]!.security_properties.formal_guarantees.push({ property_type: "MemorySafety", property_description: "bounds", verification_approach: "proof" });
  const entityIds = doc.semantics.entities.map((e) => e.id);
  // reference, applies-to: every reference resolves, every clause names its targets.
  doc.semantics.invariants.forEach((v, i) => {
    v.id = `INV-${i}`;
    v.applies_to = [entityIds[0]!];
  });
  const invariantIds = new Set(doc.semantics.invariants.map((v) => v.id));
  doc.semantics.security_contracts.forEach((c, i) => {
    c.id = `SC-${i}`;
    c.invariants = c.invariants.filter((id) => invariantIds.has(id));
    c.applies_to = [entityIds[0]!];
  });
  doc.semantics.relationships.forEach((r) => {
    r.source_id = entityIds[0]!;
    r.target_id = entityIds[entityIds.length - 1]!;
  });
  // V6.4.3/4, V7.3: mechanisms for everything required.
  const enforcement = doc.execution.security_enforcement;
  enforcement.memory_safety_mechanisms.push({ mechanism: "BoundsChecking", scope: "Global", enforcement_point: "Runtime" });
  enforcement.sandboxing_mechanisms.push({ mechanism: "ProcessIsolation", scope: "Global", enforcement_point: "Runtime" });
  // code, format, mounts: a document without code.
  delete doc.execution.format;
  delete doc.execution.code;
  delete doc.execution.source;
  delete doc.execution["x-anrf-filesystem-mounts"];
  return doc;
};

test.prop([generated], { numRuns: Math.ceil(runs / 5) })("a generated document, repaired for the cross-field rules, has no error", (doc) => {
  const { findings } = validateValue(repair(doc));
  expect(findings.filter((f) => f.severity === "error")).toEqual([]);
});
