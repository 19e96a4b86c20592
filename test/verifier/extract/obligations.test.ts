/** Shape of the obligations: kinds, ids, sites (offsets the runtime instruments by), locations, canonical text. */
import { describe, expect, it } from "vitest";
import { extractObligations, unverifiableObligations, ENCODING_VERSION } from "../../../verifier/extract/index.js";
import { extract, only } from "./snippet.js";

const SEARCH = `export function f(a: number[], t: number): number {
  let lo = 0;
  let hi = a.length - 1;
  // @anrf-invariant 0 <= lo && hi < a.length
  while (lo <= hi) {
    const mid = lo + ((hi - lo) >>> 1);
    if (a[mid] < t) lo = mid + 1;
    else hi = mid - 1;
  }
  return lo;
}`;

describe("ids, sites and locations", () => {
  it("bounds: id <entity>/bounds/<line>:<column>, site = the element access, location 1-based in the module file", () => {
    const [o] = only(extract(SEARCH, { post: ["result >= 0"] }), "bounds");
    expect(o).toBeDefined();
    expect(o!.id).toBe("E/bounds/7:9");
    expect(SEARCH.slice(o!.site.start, o!.site.end)).toBe("a[mid]");
    expect(o!.location).toEqual({ file: "mod.ts", line: 7, column: 9 });
    expect(o!.description).toContain("mid");
    expect(o!.smt?.endsWith("(check-sat)\n")).toBe(true);
  });

  it("postcondition at each return (site = the return statement), one #n per clause; invariant at the loop", () => {
    const obligations = extract(SEARCH, { post: ["result >= 0", "result <= a.length"] });
    const posts = only(obligations, "postcondition");
    expect(posts.map((o) => o.id)).toEqual(["E/postcondition/10:3#1", "E/postcondition/10:3#2"]);
    expect(SEARCH.slice(posts[0]!.site.start, posts[0]!.site.end)).toBe("return lo;");
    expect(posts.map((o) => o.clause)).toEqual(["result >= 0", "result <= a.length"]);
    const invariants = only(obligations, "invariant");
    expect(invariants[0]!.id).toBe("E/invariant/5:3#1");
    expect(SEARCH.slice(invariants[0]!.site.start, invariants[0]!.site.end).startsWith("while (lo <= hi)")).toBe(true);
  });

  it("an implicit return is the closing brace, start = end", () => {
    const code = "export function f(a: number[]): void {\n  a.push(1);\n}";
    const [o] = only(extract(code, { post: ["a.length > 0"] }), "postcondition");
    expect(o!.site.start).toBe(o!.site.end);
    expect(code[o!.site.start]).toBe("}");
    expect(o!.id).toBe("E/postcondition/3:1");
  });

  it("precondition obligations sit on the call expression; capability on the facade call", () => {
    const code = 'import { readFileSync } from "node:fs";\nexport function g(n: number): number {\n  return n;\n}\nexport function f(name: string): string {\n  g(1);\n  return readFileSync("/data/" + name, "utf8");\n}';
    const obligations = extract(code, {}, {
      entities: [
        { id: "G", name: "g", type: "Function" },
        { id: "F", name: "f", type: "Function" },
      ],
      contracts: [{ id: "CG", preconditions: ["n > 0", "n < 10"], postconditions: [], invariants: [], applies_to: ["G"] }],
    });
    const pre = only(obligations, "precondition");
    expect(pre.map((o) => o.id)).toEqual(["F/precondition/6:3#1", "F/precondition/6:3#2"]);
    expect(code.slice(pre[0]!.site.start, pre[0]!.site.end)).toBe("g(1)");
    const [cap] = only(obligations, "capability");
    expect(cap!.id).toBe("F/capability/7:10");
    expect(code.slice(cap!.site.start, cap!.site.end)).toBe('readFileSync("/data/" + name, "utf8")');
  });

  it("a[i][j] gives two bounds obligations at one position, told apart by #n", () => {
    const code = "export function f(m: number[][]): number {\n  return m.length > 0 && m[0].length > 0 ? m[0][0] : 0;\n}";
    const ids = only(extract(code), "bounds").map((o) => o.id);
    expect(new Set(ids).size).toBe(ids.length);
    const column = code.split("\n")[1]!.indexOf("m[0][0]") + 1;
    expect(ids.filter((id) => id.startsWith(`E/bounds/2:${column}`))).toHaveLength(2);
  });

  it("prose clauses are informal (never proved), with the reason", () => {
    const obligations = extract("export function f(a: number[]): number {\n  return 0;\n}", { pre: ["no memory safety violations"], post: ["result is bounded", "result >= 0"] });
    const informal = only(obligations, "informal");
    expect(informal.map((o) => o.clause)).toEqual(["no memory safety violations", "result is bounded"]);
    expect(informal.every((o) => o.smt === null && /not in the contract language/.test(o.unsupportedReason ?? ""))).toBe(true);
    expect(only(obligations, "postcondition")).toHaveLength(1);
  });

  it("an entity naming no exported function is a problem and its guarantees unverifiable", () => {
    const result = extractObligations({
      documentFile: "doc.anrf.json",
      moduleFile: "mod.ts",
      moduleText: "function hidden(): number {\n  return 1;\n}",
      entities: [{ id: "E", name: "hidden", type: "Function" }],
      contracts: [],
      invariants: [],
      filesystem: "None",
      network: false,
      mounts: [],
    });
    expect(result.problems.map((p) => p.code)).toEqual(["ENTITY_NO_FUNCTION"]);
    expect(result.obligations.map((o) => o.kind)).toEqual(["unverifiable"]);
  });

  it("a network import with network: false is refuted on the first entity that has a function, even when an earlier entity names none", () => {
    const result = extractObligations({
      documentFile: "doc.anrf.json",
      moduleFile: "mod.ts",
      moduleText: 'import { request } from "node:https";\nexport function g(): number {\n  return 1;\n}\n',
      entities: [
        { id: "MISSING", name: "nowhere", type: "Function" },
        { id: "G", name: "g", type: "Function" },
      ],
      contracts: [],
      invariants: [],
      filesystem: "None",
      network: false,
      mounts: [],
    });
    const network = result.obligations.filter((o) => o.kind === "capability");
    expect(network.map((o) => [o.entity, o.id])).toEqual([["G", "G/capability/1:1"]]);
    expect(network[0]!.smt).toMatch(/\(assert true\)/); // the goal is `false`: every model refutes it
  });

  it("a callee whose binding the module writes (`g = other`, legal JavaScript) is an unknown call: its contract is not assumed", () => {
    const code = (write: string) =>
      `export function g(n: number): number {\n  return 0;\n}\nexport function f(data: Uint8Array): number {\n  const i = g(1);\n  return data.length > 0 ? data[i]! : 0;\n}\n${write}`;
    const run = (write: string) =>
      extractObligations({
        documentFile: "doc.anrf.json",
        moduleFile: "mod.ts",
        moduleText: code(write),
        entities: [
          { id: "G", name: "g", type: "Function" },
          { id: "F", name: "f", type: "Function" },
        ],
        contracts: [{ id: "C", preconditions: [], postconditions: ["result === 0"], invariants: [], applies_to: ["G"] }],
        invariants: [],
        filesystem: "None",
        network: false,
        mounts: [],
      }).obligations.find((o) => o.entity === "F" && o.kind === "bounds")!;
    // Untouched: g's postcondition is assumed at the call, so the read has an encodable goal.
    expect(run("").smt).not.toBeNull();
    for (const write of ["export function evil(): void {\n  // @ts-ignore\n  g = (n: number) => 5;\n}\n", "// @ts-ignore\n[g] = [() => 5];\n"]) {
      const bounds = run(write);
      expect(bounds.smt, write).toBeNull();
      expect(bounds.unsupportedReason, write).toMatch(/unknown function 'g'/);
    }
  });

  it("unverifiableObligations for a document without code", () => {
    const [o] = unverifiableObligations({ documentFile: "x.anrf.json", entities: [{ id: "ENT-1", name: "processString", type: "Function" }] });
    expect(o).toMatchObject({ id: "ENT-1/unverifiable/1:1", kind: "unverifiable", smt: null, site: { start: 0, end: 0 }, location: { file: "x.anrf.json", line: 1, column: 1 } });
  });

  it("exports an encoding version", () => {
    expect(ENCODING_VERSION).toMatch(/^anrf-encode-\d+$/);
  });
});

describe("canonical SMT text", () => {
  const base = "export function f(data: number[]): number {\n  let s = 0;\n  for (let i = 0; i < data.length; i++) s += data[i];\n  return s;\n}";
  const renamed = "// a comment that moves everything\n\nexport function g(values: number[]): number {\n  let total = 0;\n  for (let k = 0; k < values.length; k++) {\n    total += values[k];\n  }\n  return total;\n}";

  it("renaming variables and the function, and moving it, gives byte-equal text", () => {
    const a = only(extract(base), "bounds")[0]!;
    const b = only(extract(renamed, {}, { entities: [{ id: "E", name: "g", type: "Function" }] }), "bounds")[0]!;
    expect(a.smt).not.toBeNull();
    expect(b.smt).toBe(a.smt);
    expect(b.location).not.toEqual(a.location);
    // Source names live only in the symbol map.
    expect(a.symbols?.["p0_len"]).toBe("data.length");
    expect(b.symbols?.["p0_len"]).toBe("values.length");
    expect(a.smt).not.toContain("data");
  });

  it("has the fixed layout: logic, sorted declarations, assertions, negated goal, check-sat; no comments", () => {
    const smt = only(extract(SEARCH), "bounds")[0]!.smt!;
    const lines = smt.trimEnd().split("\n");
    expect(lines[0]).toBe("(set-logic ALL)");
    expect(lines.at(-1)).toBe("(check-sat)");
    const decls = lines.filter((l) => l.startsWith("(declare-const"));
    expect(decls).toEqual([...decls].sort());
    const asserts = lines.filter((l) => l.startsWith("(assert"));
    expect(asserts.at(-1)?.startsWith("(assert (not ")).toBe(true);
    // Nothing source-dependent: the only comment allowed is the verifier's fixed "; anrf: …" marker line.
    expect(lines.filter((l) => l.includes(";") && !l.startsWith("; anrf: "))).toEqual([]);
    expect(decls.every((d) => /^\(declare-const (p\d+(_len)?|v\d+) /.test(d))).toBe(true);
  });

  it("extraction is deterministic", () => {
    expect(extract(SEARCH)).toEqual(extract(SEARCH));
  });

  it("a different obligation gives different text", () => {
    const a = only(extract(base), "bounds")[0]!.smt;
    const b = only(extract(base.replace("i < data.length", "i <= data.length")), "bounds")[0]!.smt;
    expect(b).not.toBe(a);
  });
});
