import { describe, expect, it } from "vitest";
import { typeObligations } from "../../verifier/type-check/type-obligations.js";

const entity = (id: string, name: string, typeSafe = true) => ({ id, name, typeSafe });

describe("type obligations (TypeScript strict for type_safe entities)", () => {
  it("gives a clean entity one proved obligation at its declaration", async () => {
    const text = "export function twice(x: number): number {\n  return x * 2;\n}\n";
    const results = await typeObligations({ text, file: "doc.anrf.json", entities: [entity("E1", "twice")] });
    expect(results).toHaveLength(1);
    expect(results[0]!.obligation).toMatchObject({ id: "E1/type/1:1", kind: "type", entity: "E1", site: { start: 0, end: text.trimEnd().length } });
    expect(results[0]!.verdict.status).toBe("proved");
  });

  it("refutes at every diagnostic site and every explicit any, with the compiler's message", async () => {
    const text = [
      "export function bad(x: any, y) {",
      '  const n: number = "s";',
      "  return n + x + y;",
      "}",
      "export function fine(): number {",
      "  return 1;",
      "}",
    ].join("\n");
    const results = await typeObligations({ text, file: "m.ts", entities: [entity("BAD", "bad"), entity("FINE", "fine")] });
    const bad = results.filter((r) => r.obligation.entity === "BAD");
    expect(bad.map((r) => r.obligation.id).sort()).toEqual(["BAD/type/1:24", "BAD/type/1:29", "BAD/type/2:9"].sort());
    expect(bad.every((r) => r.verdict.status === "refuted")).toBe(true);
    expect(bad.find((r) => r.obligation.id === "BAD/type/2:9")!.verdict.reason).toMatch(/^TS2322: Type 'string' is not assignable to type 'number'/);
    expect(bad.find((r) => r.obligation.id === "BAD/type/1:24")!.verdict.reason).toBe("explicit 'any' in a type_safe entity");
    expect(bad.find((r) => r.obligation.id === "BAD/type/1:29")!.verdict.reason).toMatch(/^TS7006/);
    const fine = results.filter((r) => r.obligation.entity === "FINE");
    expect(fine.map((r) => r.verdict.status)).toEqual(["proved"]);
  });

  it("checks only entities that claim type_safe", async () => {
    const text = "export function loose(x: any): any {\n  return x;\n}\n";
    expect(await typeObligations({ text, file: "m.ts", entities: [entity("L", "loose", false)] })).toEqual([]);
  });

  it("holds module-level problems against every type_safe entity, and types imports by the capability facade", async () => {
    const text = [
      'import { readFileSync } from "node:fs";',
      'import { spawn } from "node:child_process";',
      "export function read(name: string): string {",
      '  return readFileSync("/data/" + name, "utf8");',
      "}",
    ].join("\n");
    const results = await typeObligations({ text, file: "m.ts", entities: [entity("R", "read")] });
    expect(results.map((r) => [r.obligation.id, r.verdict.status])).toEqual([["R/type/2:23", "refuted"]]);
    expect(results[0]!.verdict.reason).toMatch(/^TS\d+: Cannot find (module|name) 'node:child_process'/);
  });

  it("does not pretend to type-check a JavaScript module", async () => {
    const results = await typeObligations({ text: "export function f(x) { return x; }\n", file: "m.js", javascript: true, entities: [entity("J", "f")] });
    expect(results.map((r) => [r.obligation.id, r.verdict.status])).toEqual([["J/type/1:1", "unsupported"]]);
  });

  it("refutes when the named function is not exported by the module", async () => {
    const results = await typeObligations({ text: "export const x = 1;\n", file: "m.ts", entities: [entity("M", "missing")] });
    expect(results).toHaveLength(1);
    expect(results[0]!.verdict).toMatchObject({ status: "refuted", reason: "no exported function 'missing' in the module" });
  });

  it("refutes a claim whose module switches checking off (@ts-ignore, @ts-expect-error, @ts-nocheck), which the compiler itself would accept", async () => {
    const hidden = ["export function f(x: number): number {", "  // @ts-ignore", '  const s: number = "not a number";', "  return x + s;", "}"].join("\n");
    const quiet = await typeObligations({ text: hidden, file: "m.ts", entities: [entity("F", "f")] });
    expect(quiet.map((r) => [r.obligation.id, r.verdict.status])).toEqual([["F/type/2:6", "refuted"]]);
    expect(quiet[0]!.verdict.reason).toMatch(/@ts-ignore/);
    for (const directive of ["// @ts-expect-error", "/* @ts-ignore */", "// @TS-NOCHECK"]) {
      const results = await typeObligations({ text: `${directive}\nexport function g(): number {\n  return 1;\n}\n`, file: "m.ts", entities: [entity("G", "g")] });
      expect(results.length, directive).toBeGreaterThan(0);
      expect(results.every((r) => r.verdict.status === "refuted"), directive).toBe(true);
      expect(results.some((r) => /switched off/.test(r.verdict.reason)), directive).toBe(true);
    }
    const clean = await typeObligations({ text: "export function h(): number {\n  return 1;\n}\n", file: "m.ts", entities: [entity("H", "h")] });
    expect(clean.map((r) => r.verdict.status)).toEqual(["proved"]);
  });
});
