/**
 * Types see the globals the runtime really provides (issue 12 §4): the SES compartment's extras
 * (`harden`, `TextEncoder`) type-check and are fine; a Node global the sandbox does not provide
 * (`structuredClone`, `console`) type-checks too but is a refuted capability obligation — a
 * ReferenceError at run time — instead of a type error. A module's own binding of such a name is
 * not reported. The test also confirms against a real SES compartment which names exist.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { projectRoot } from "../../support/compiled-path.js";
import { verifyDocuments, workBounded } from "../../verifier/index.js";
import { NODE_ONLY_GLOBALS } from "../../verifier/type-check/host-globals.js";

const root = projectRoot();
const scratch = mkdtempSync(join(tmpdir(), "anrf-host-globals-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function doc(name: string, code: string): string {
  const t = JSON.parse(readFileSync(join(root, "examples", "binary-search.anrf.json"), "utf8")) as Record<string, any>;
  t["semantics"]["entities"][0]["name"] = name;
  t["semantics"]["entities"][0]["properties"] = { parameters: ["grid: number[][]"], returns: "number" };
  t["semantics"]["invariants"] = [];
  t["semantics"]["security_contracts"] = [];
  t["execution"]["code"] = code;
  const file = join(scratch, `${name}.anrf.json`);
  writeFileSync(file, JSON.stringify(t));
  return file;
}

const uses = doc(
  "uses",
  'export function uses(grid: number[][]): number {\n  const copy = structuredClone(grid);\n  console.log("rows", copy.length);\n  const bytes = new TextEncoder().encode("ab");\n  return harden(copy).length + bytes.length;\n}\n',
);
const own = doc("own", "function structuredClone<T>(x: T): T {\n  return x;\n}\n\nexport function own(grid: number[][]): number {\n  return structuredClone(grid).length;\n}\n");
const report = await verifyDocuments([uses, own], { cwd: scratch, ...workBounded(12_000_000, 3_000_000), jobs: 1 });

describe("globals of the sandbox in the type check", () => {
  it("no type error for structuredClone, console, TextEncoder or harden", () => {
    const types = report.documents.flatMap((d) => d.obligations.filter((o) => o.kind === "type"));
    expect(types.map((o) => [o.status, o.reason])).toEqual([
      ["proved", expect.any(String)],
      ["proved", expect.any(String)],
    ]);
  });

  it("each use of a Node-only global is a refuted capability obligation; sandbox globals and own bindings are not", () => {
    const caps = report.documents[0]!.obligations.filter((o) => o.kind === "capability");
    expect(caps.map((o) => o.status)).toEqual(["refuted", "refuted"]);
    expect(caps.map((o) => o.description).join("\n")).toMatch(/'structuredClone'[\s\S]*'console'/);
    expect(report.documents[1]!.obligations.filter((o) => o.kind === "capability")).toEqual([]);
  });

  it("the declared split matches a real SES compartment (after lockdown, in a child process)", () => {
    const script = `import "ses"; lockdown({ consoleTaming: "safe" }); const g = new Compartment({ globals: {}, __options__: true }).globalThis; process.stdout.write(JSON.stringify(Object.getOwnPropertyNames(g)));`;
    const names = new Set(JSON.parse(execFileSync(process.execPath, ["--input-type=module", "-e", script], { cwd: root, encoding: "utf8" })) as string[]);
    for (const name of Object.keys(NODE_ONLY_GLOBALS)) expect(names.has(name), name).toBe(false);
    for (const name of ["harden", "TextEncoder", "TextDecoder"]) expect(names.has(name), name).toBe(true);
  });
});
