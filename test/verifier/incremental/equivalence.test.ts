/**
 * The incremental pipeline must give exactly what a fresh extraction gives. Each scenario is a
 * sequence of module versions; at every step the document is extracted twice — through the
 * pipeline with a memo warmed by the earlier steps (relocation, per-entity and per-function
 * reuse, reduced module) and by the plain extractor and type check on the whole module, which
 * share none of that machinery — and the two results must be equal, byte for byte. The
 * scenarios cross each line of the argument in verifier/extract/skeleton.ts (inferred return
 * types, module-level tables and lets touched from another function, contextual types, imports
 * outside every function, type errors and suppressions), and the stats show the incremental path
 * really ran (reuse happened where the argument allows it, and did not where it does not).
 */
import { describe, expect, it } from "vitest";
import { MemoryExtractionMemo } from "../../../proofs-cache/memory-memo.js";
import { extractObligations } from "../../../verifier/extract/index.js";
import { emptyExtractionStats, extractDocument, type ExtractionStats } from "../../../verifier/pipeline/extraction.js";
import { typeObligations } from "../../../verifier/type-check/type-obligations.js";
import type { LoadedDocument } from "../../../spec/load.js";
import { loadedDocument, type EntitySpec } from "./documents.js";

interface Step {
  readonly code: string;
  readonly entities?: readonly EntitySpec[];
  /** Expected counts for the incremental run of this step. */
  readonly expect?: Partial<ExtractionStats>;
}

async function replay(entities: readonly EntitySpec[], steps: readonly Step[], options: { network?: boolean } = {}): Promise<ExtractionStats[]> {
  const memo = new MemoryExtractionMemo(undefined);
  const seen: ExtractionStats[] = [];
  for (const [i, step] of steps.entries()) {
    const loaded = await loadedDocument(step.code, step.entities ?? entities, options);
    const stats = emptyExtractionStats();
    const incremental = await extractDocument(loaded.document!, loaded.module!, memo, stats);
    const fresh = await reference(loaded);
    expect(JSON.stringify(incremental.obligations), `step ${i}: obligations`).toBe(JSON.stringify(fresh.obligations));
    expect(JSON.stringify(incremental.typeResults), `step ${i}: type results`).toBe(JSON.stringify(fresh.typeResults));
    expect(incremental.problems.map((p) => p.ruleId)).toEqual(fresh.problems);
    if (step.expect) expect(stats, `step ${i}`).toMatchObject(step.expect);
    seen.push(stats);
  }
  return seen;
}

/** The plain path: the whole module through extractObligations and typeObligations. */
async function reference(loaded: LoadedDocument) {
  const { document, module } = { document: loaded.document!, module: loaded.module! };
  const extracted = extractObligations({ document, module });
  const typeResults = await typeObligations({
    text: module.text,
    file: module.file,
    javascript: document.execution.format === "javascript",
    entities: document.semantics.entities.filter((e) => e.type === "Function").map((e) => ({ id: e.id, name: e.name, typeSafe: e.security_properties.type_safe })),
  });
  return { obligations: extracted.obligations, typeResults, problems: extracted.problems.map((p) => p.code) };
}

const fn = (name: string, guard: number, extra = "") =>
  `export function ${name}(data: Uint8Array): number {\n  if (data.length > ${guard}) {${extra}\n    return data[${guard}] + 1;\n  }\n  return 0;\n}\n`;

const post = ["Number.isInteger(result)", "result >= 0"];

describe("incremental extraction equals fresh extraction", () => {
  const three: EntitySpec[] = [{ name: "a", post }, { name: "b", post }, { name: "c", post }];

  it("an edit inside one body re-extracts that entity only; the others are reused", async () => {
    await replay(three, [
      { code: fn("a", 1) + fn("b", 2) + fn("c", 3), expect: { entitiesExtracted: 3, entitiesReused: 0, typeBodiesChecked: 3 } },
      { code: fn("a", 1) + fn("b", 5) + fn("c", 3), expect: { entitiesExtracted: 1, entitiesReused: 2, typeBodiesChecked: 1, typeBodiesReused: 2 } },
    ]);
  });

  it("lines and characters added above an entity move its obligations (ids, locations, sites, texts) without re-extracting it", async () => {
    const longer = "\n    const unused = data.length * 2;\n    if (unused < 0) { return 0; }";
    await replay(three, [
      { code: fn("a", 1) + fn("b", 2) + fn("c", 3) },
      { code: fn("a", 1, longer) + fn("b", 2) + fn("c", 3), expect: { entitiesExtracted: 1, entitiesReused: 2 } },
      { code: fn("a", 100) + fn("b", 2) + fn("c", 3), expect: { entitiesExtracted: 1, entitiesReused: 2 } },
    ]);
  });

  it("a body whose return type is inferred is part of every key: its change re-extracts its callers", async () => {
    const entities: EntitySpec[] = [{ name: "f", post: ["result >= 0"] }, { name: "g" }];
    const g = (body: string) => `export function g(x: number) {\n  ${body}\n}\n`;
    const f = `export function f(data: Uint8Array): number {\n  const v = g(data.length);\n  return data.length > 0 ? data[0]! + 0 : 0;\n}\n`;
    await replay(entities, [
      { code: f + g("return x + 1;") },
      { code: f + g('return "text";'), expect: { entitiesExtracted: 2, entitiesReused: 0 } },
    ]);
  });

  it("a module-level table written in another function is part of every key (read-only tables are modelled)", async () => {
    const entities: EntitySpec[] = [{ name: "f", pre: ["Number.isInteger(i)", "i >= 0", "i < 3"] }, { name: "g" }];
    const f = `const T = [10, 20, 30];\nexport function f(i: number): number {\n  return T[i]!;\n}\n`;
    const g = (body: string) => `export function g(): number {\n  ${body}\n}\n`;
    await replay(entities, [
      { code: f + g("return T.length;") },
      { code: f + g("T.length = 0;\n  return 0;"), expect: { entitiesExtracted: 2, entitiesReused: 0 } },
      { code: f + g("T.length = 0;\n  return 1;"), expect: { entitiesExtracted: 2, entitiesReused: 0 } },
    ]);
  });

  it("a module-level let assigned in another function is part of every key (narrowing in closures)", async () => {
    const entities: EntitySpec[] = [{ name: "f" }, { name: "g" }];
    const f = `let x: number | undefined = 1;\nexport const f = (a: Uint8Array): number => (x === undefined ? 0 : a.length > x ? a[x]! : 0);\n`;
    const g = (body: string) => `export function g(): void {\n  ${body}\n}\n`;
    await replay(entities, [{ code: f + g("return;") }, { code: f + g("x = undefined;"), expect: { entitiesExtracted: 2 } }]);
  });

  it("a call of another entity does not tie the caller to the callee's body", async () => {
    const entities: EntitySpec[] = [{ name: "f", post: ["result >= 0"] }, { name: "g", pre: ["n >= 0"], post: ["result >= 0"] }];
    const f = `export function f(data: Uint8Array): number {\n  return g(data.length);\n}\n`;
    const g = (k: number) => `export function g(n: number): number {\n  return n + ${k};\n}\n`;
    await replay(entities, [
      { code: f + g(1) },
      { code: f + g(2), expect: { entitiesExtracted: 1, entitiesReused: 1 } },
      { code: f + g(-5), expect: { entitiesExtracted: 1, entitiesReused: 1 } },
    ]);
  });

  it("a caller's arguments are facts about the callee: changing them re-extracts the callee", async () => {
    // f's parameters are modelled only while every call passes arguments of seen provenance
    // (provenance.ts): a Proxy makes f untrusted, a number of unseen provenance makes g an
    // `argument` obligation. Memoised f must follow both edits of g's body.
    const entities: EntitySpec[] = [{ name: "f" }, { name: "g" }];
    const f = `export function f(a: number[], t: number): number {\n  if (a.length > 1) {\n    if (t < 0) return 0;\n    return a[1]!;\n  }\n  return -1;\n}\n`;
    const g = (call: string) => `export function g(u: number[]): number {\n  const a = [1, 2, 3];\n  return ${call};\n}\n`;
    const stats = await replay(entities, [
      { code: f + g("f(a, 1)") },
      { code: f + g("f(new Proxy(a, {}), 1)"), expect: { entitiesExtracted: 2, entitiesReused: 0 } },
      { code: f + g("f(a, u[0]!)"), expect: { entitiesExtracted: 2, entitiesReused: 0 } },
      { code: f + g("f(a, 1)") },
    ]);
    expect(stats[3]).toMatchObject({ documentsMemoised: 1 });
  });

  it("a contract change re-extracts every entity (contracts are callee facts), type issues are reused", async () => {
    const code = fn("a", 1) + fn("b", 2);
    await replay(
      [{ name: "a", post }, { name: "b", post }],
      [
        { code },
        { code, entities: [{ name: "a", post: ["result >= 1"] }, { name: "b", post }], expect: { entitiesExtracted: 2, typeBodiesReused: 2, typeBodiesChecked: 0 } },
      ],
    );
  });

  it("expression-bodied arrows, and functions that share a text but not a context (q's has a type error), are kept apart", async () => {
    const entities: EntitySpec[] = [{ name: "p" }, { name: "q" }, { name: "r" }];
    const code = (k: number) =>
      [
        "export const p: (x: string) => number = (x): number => x.length;",
        "export const q: (x: number) => number = (x): number => x.length;",
        `export const r = (x: Uint8Array): number => (x.length > ${k} ? x[${k}]! : 0);`,
        "",
      ].join("\n");
    await replay(entities, [{ code: code(1) }, { code: code(2), expect: { entitiesExtracted: 1, entitiesReused: 2, typeBodiesReused: 2, typeBodiesChecked: 1 } }]);
  });

  it("type errors in one body are found again, and kept, when another body changes; a suppression makes the module whole", async () => {
    const bad = `export function bad(data: Uint8Array): number {\n  const n: number = "s";\n  return n + data.length;\n}\n`;
    const entities: EntitySpec[] = [{ name: "bad" }, { name: "a", post }];
    await replay(entities, [{ code: bad + fn("a", 1) }, { code: bad + fn("a", 4), expect: { typeBodiesReused: 1, typeBodiesChecked: 1 } }]);
    const suppressed = bad.replace("  return", "  // @ts-ignore\n  const m: number = \"t\";\n  return");
    await replay(entities, [{ code: suppressed + fn("a", 1) }, { code: suppressed + fn("a", 4), expect: { typeBodiesReused: 0, entitiesReused: 0 } }]);
    const loaded = await loadedDocument(suppressed + fn("a", 4), entities);
    const extraction = await extractDocument(loaded.document!, loaded.module!, undefined);
    const reasons = extraction.typeResults.filter((r) => r.obligation.entity === "ENT-0").map((r) => r.verdict.reason);
    expect(reasons.some((r) => r.startsWith("TS2322"))).toBe(true);
    expect(reasons.some((r) => r.includes("@ts-ignore"))).toBe(true);
  });

  it("an obligation outside every function (a network import) is extracted from the whole module, never relocated", async () => {
    const code = (ka: number, kb: number) => `import { request } from "node:http";\n` + fn("a", ka) + fn("b", kb);
    await replay(
      [{ name: "a", post }, { name: "b", post }],
      [
        { code: code(1, 2) },
        { code: code(3, 2), expect: { entitiesExtracted: 1, entitiesReused: 1 } },
        // Entity a carries the import's capability obligation, so it was never stored: a change to
        // b alone still extracts a again.
        { code: code(3, 5), expect: { entitiesExtracted: 2, entitiesReused: 0 } },
      ],
      { network: false },
    );
  });

  it("a change outside every body (a new declaration, a comment) re-extracts everything", async () => {
    const code = fn("a", 1) + fn("b", 2);
    await replay(
      [{ name: "a", post }, { name: "b", post }],
      [{ code }, { code: `// header\n${code}`, expect: { entitiesExtracted: 2, entitiesReused: 0 } }, { code: `type N = number;\n${code}`, expect: { entitiesExtracted: 2 } }],
    );
  });

  it("bodies that call imported functions are left out (and reused); a module with a suppression comment is taken whole", async () => {
    const entities: EntitySpec[] = [{ name: "read" }, { name: "a", post }];
    const read = `import { readFileSync } from "node:fs";\nimport * as path from "node:path";\nexport function read(name: string): string {\n  return readFileSync(path.join("/data", name), "utf8");\n}\n`;
    await replay(entities, [{ code: read + fn("a", 1) }, { code: read + fn("a", 2), expect: { entitiesExtracted: 1, entitiesReused: 1, typeBodiesReused: 1 } }]);

    // The directive on b's last line suppresses the error on the next line, where c starts.
    const b = (k: number) => `export function b(data: Uint8Array): number {\n  return data.length + ${k};\n  // @ts-expect-error\n} export function c(): number { const s: number = "x"; return s; }\n`;
    // A module with any @ts- directive is taken whole: nothing is reused.
    const stats = await replay([{ name: "b" }, { name: "c" }, { name: "a", post }], [{ code: b(1) + fn("a", 1) }, { code: b(1) + fn("a", 3) }, { code: b(2) + fn("a", 3) }]);
    expect(stats[1]).toMatchObject({ entitiesExtracted: 3, entitiesReused: 0, typeBodiesReused: 0 });
  });

  it("a body that reassigns an entity function is part of every key (the callers' contract assumption depends on it)", async () => {
    const entities: EntitySpec[] = [{ name: "g", post: ["result === 0"] }, { name: "f" }, { name: "h" }];
    const g = "export function g(n: number): number {\n  return 0;\n}\n";
    const f = "export function f(data: Uint8Array): number {\n  const i = g(1);\n  return data.length > 0 ? data[i]! : 0;\n}\n";
    const h = (body: string) => `export function h(): number {\n  ${body}\n  return 1;\n}\n`;
    await replay(entities, [{ code: g + f + h("") }, { code: g + f + h("(g as unknown as number[]).length;") }, { code: g + f + h("Object.assign({}, { g });") }]);
  });
});
