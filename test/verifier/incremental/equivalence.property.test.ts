/**
 * Property: for random modules and random edit sequences, the incremental pipeline (memo warmed
 * by the earlier versions) gives exactly what the plain extractor and type check give on the
 * whole module. The generator mixes the constructs that decide what may be reused: annotated and
 * inferred return types, module-level tables read or written, a module-level `let`, calls between
 * entities and of an imported function, type errors, suppressions and moved code.
 */
import { fc, test } from "@fast-check/vitest";
import { afterAll, expect } from "vitest";
import { MemoryExtractionMemo } from "../../../proofs-cache/memory-memo.js";
import { extractObligations } from "../../../verifier/extract/index.js";
import { emptyExtractionStats, extractDocument } from "../../../verifier/pipeline/extraction.js";
import { typeObligations } from "../../../verifier/type-check/type-obligations.js";
import { loadedDocument, type EntitySpec } from "./documents.js";

interface Fn {
  readonly guard: number;
  readonly pad: number;
  readonly annotated: boolean;
  readonly table: "none" | "read" | "write";
  readonly touchesLet: boolean;
  readonly callsNext: boolean;
  readonly typeError: boolean;
  readonly suppressed: boolean;
  readonly arrow: boolean;
  readonly readsFile: boolean;
}

/** Mostly functions whose bodies can be left out of the skeleton (so reuse happens), some that cannot. */
const fnArb: fc.Arbitrary<Fn> = fc.record({
  guard: fc.integer({ min: 0, max: 6 }),
  pad: fc.integer({ min: 0, max: 2 }),
  annotated: fc.oneof({ weight: 4, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
  table: fc.oneof({ weight: 6, arbitrary: fc.constant("none" as const) }, { weight: 1, arbitrary: fc.constant("read" as const) }, { weight: 1, arbitrary: fc.constant("write" as const) }),
  touchesLet: fc.oneof({ weight: 6, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
  callsNext: fc.boolean(),
  typeError: fc.oneof({ weight: 5, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
  suppressed: fc.oneof({ weight: 8, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
  arrow: fc.boolean(),
  readsFile: fc.oneof({ weight: 4, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
});

function render(fns: readonly Fn[], header: number): string {
  const out: string[] = [];
  for (let i = 0; i < header; i++) out.push(`// header line ${i}`);
  out.push('import { readFileSync } from "node:fs";', "const T = [3, 1, 4, 1, 5];", "let counter: number | undefined = 0;");
  fns.forEach((f, i) => {
    const name = `f${i}`;
    const ret = f.annotated ? ": number" : "";
    const body: string[] = [];
    for (let p = 0; p < f.pad; p++) body.push("  // padding");
    if (f.table === "read") body.push(`  const t = T[${f.guard % 5}]!;`);
    if (f.readsFile) body.push(`  const text = readFileSync("/data/f${i}.txt", "utf8");`);
    if (f.table === "write") body.push("  T.length = 2;");
    if (f.touchesLet) body.push("  counter = undefined;");
    if (f.callsNext && i + 1 < fns.length) body.push(`  const next = f${i + 1}(data);`);
    if (f.suppressed) body.push("  // @ts-ignore", '  const s: number = "x";');
    if (f.typeError) body.push('  const e: string = 1;');
    body.push(`  if (data.length > ${f.guard}) {`, `    return data[${f.guard}]! + ${i};`, "  }", "  return 0;");
    if (f.arrow) out.push(`export const ${name} = (data: Uint8Array)${ret} => {`, ...body, "};");
    else out.push(`export function ${name}(data: Uint8Array)${ret} {`, ...body, "}");
  });
  return `${out.join("\n")}\n`;
}

const entities = (n: number): EntitySpec[] => Array.from({ length: n }, (_, i) => ({ name: `f${i}`, post: i % 2 === 0 ? ["result >= 0"] : [] }));

/** A version: the functions, how many header lines (moving everything below). */
const versionArb = (n: number) => fc.record({ fns: fc.array(fnArb, { minLength: n, maxLength: n }), header: fc.integer({ min: 0, max: 2 }) });

/** An edit: a new guard or padding for one function, a whole new function, or a header line more (moves everything). */
type Edit = { readonly kind: "guard" | "pad"; readonly which: number; readonly value: number } | { readonly kind: "replace"; readonly which: number; readonly fn: Fn } | { readonly kind: "header" };

const editArb = (n: number): fc.Arbitrary<Edit> =>
  fc.oneof(
    { weight: 3, arbitrary: fc.record({ kind: fc.constant("guard" as const), which: fc.integer({ min: 0, max: n - 1 }), value: fc.integer({ min: 0, max: 6 }) }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant("pad" as const), which: fc.integer({ min: 0, max: n - 1 }), value: fc.integer({ min: 0, max: 3 }) }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant("replace" as const), which: fc.integer({ min: 0, max: n - 1 }), fn: fnArb }) },
    { weight: 1, arbitrary: fc.constant({ kind: "header" as const }) },
  );

const historyArb = fc.integer({ min: 2, max: 4 }).chain((n) => fc.record({ n: fc.constant(n), start: versionArb(n), edits: fc.array(editArb(n), { minLength: 1, maxLength: 4 }) }));

function apply(v: { fns: readonly Fn[]; header: number }, edit: Edit): { fns: readonly Fn[]; header: number } {
  if (edit.kind === "header") return { ...v, header: (v.header + 1) % 3 };
  const fns = v.fns.map((f, i) => (i !== edit.which ? f : edit.kind === "replace" ? edit.fn : edit.kind === "guard" ? { ...f, guard: edit.value } : { ...f, pad: edit.value }));
  return { ...v, fns };
}

/** Over the whole property: how many entities were reused (the incremental path must really run). */
let reused = 0;
let extracted = 0;
afterAll(() => {
  expect(reused, "no entity was ever reused: the property did not exercise the incremental path").toBeGreaterThan(0);
  expect(reused + extracted).toBeGreaterThan(0);
});

async function reference(code: string, specs: readonly EntitySpec[]) {
  const loaded = await loadedDocument(code, specs);
  const { document, module } = { document: loaded.document!, module: loaded.module! };
  const typeResults = await typeObligations({
    text: module.text,
    file: module.file,
    entities: document.semantics.entities.map((e) => ({ id: e.id, name: e.name, typeSafe: e.security_properties.type_safe })),
  });
  return { loaded, obligations: extractObligations({ document, module }).obligations, typeResults };
}

/** 30 histories per suite run (each run draws new ones); ANRF_PROPERTY_RUNS=200 for a soak. Bounded by count, not time. */
const RUNS = Number(process.env["ANRF_PROPERTY_RUNS"] ?? 30);

test.prop([historyArb], { numRuns: RUNS })("incremental = plain on every version of a random edit history", async ({ n, start, edits }) => {
  const specs = entities(n);
  const memo = new MemoryExtractionMemo(undefined);
  let version: { fns: readonly Fn[]; header: number } = start;
  const versions = [version];
  for (const edit of edits) versions.push((version = apply(version, edit)));
  for (const v of versions) {
    const code = render(v.fns, v.header);
    const plain = await reference(code, specs);
    const stats = emptyExtractionStats();
    const incremental = await extractDocument(plain.loaded.document!, plain.loaded.module!, memo, stats);
    reused += stats.entitiesReused;
    extracted += stats.entitiesExtracted;
    expect(JSON.stringify(incremental.obligations)).toBe(JSON.stringify(plain.obligations));
    expect(JSON.stringify(incremental.typeResults)).toBe(JSON.stringify(plain.typeResults));
  }
});
