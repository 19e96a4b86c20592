/**
 * Fixture modules for the differential soundness tests (reach/harness.ts, element-values.test.ts):
 * a document around one function, and the function's module run in this process with every
 * element access instrumented — local arrays included, not only arguments. `E[I]` becomes
 * `E[__idx(E, I, "start:end", write)]`, which records the site when the index is outside
 * [0, length) of an array, typed array or string — for a write to an Array, outside
 * [0, length], since a write at the length appends. E is side-effect free in the fixtures.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ts } from "ts-morph";
import { projectRoot } from "../../../support/compiled-path.js";

export interface FixtureFunction {
  readonly name: string;
  readonly params: readonly string[];
  readonly pre: readonly string[];
  readonly post?: readonly string[] | undefined;
  readonly code: string;
}

/** examples/binary-search.anrf.json with the fixture's function, parameters and contract; the file written. */
export function fixtureDocument(f: FixtureFunction, scratch: string): string {
  const t = JSON.parse(readFileSync(join(projectRoot(), "examples", "binary-search.anrf.json"), "utf8")) as Record<string, any>;
  t["semantics"]["entities"][0]["name"] = f.name;
  t["semantics"]["entities"][0]["properties"] = { parameters: f.params, returns: "number" };
  t["semantics"]["invariants"] = [];
  const post = f.post ?? [];
  t["semantics"]["security_contracts"] = f.pre.length + post.length === 0 ? [] : [{ id: "SC-001", description: "contract", preconditions: f.pre, postconditions: post, invariants: [], applies_to: ["ENT-BSEARCH"] }];
  t["execution"]["code"] = f.code;
  const file = join(scratch, `${f.name}.anrf.json`);
  writeFileSync(file, JSON.stringify(t));
  return file;
}

/** The site key of an obligation or a recorded access: `start:end` (`g[i][j]` and `g[i]` share a start). */
export const siteKey = (site: { readonly start: number; readonly end: number }): string => `${site.start}:${site.end}`;

export interface RecordingModule {
  readonly exports: Record<string, unknown>;
  /** Site keys of the out-of-bounds accesses since the caller last emptied it. */
  readonly violations: string[];
}

export function loadRecordingAccesses(code: string): RecordingModule {
  const violations: string[] = [];
  const __idx = (target: unknown, index: unknown, site: string, write: boolean): unknown => {
    const len = typeof target === "string" || Array.isArray(target) || ArrayBuffer.isView(target) ? (target as { length: number }).length : undefined;
    if (len !== undefined) {
      const i = Number(index);
      const limit = write && Array.isArray(target) ? len : len - 1;
      if (!(Number.isInteger(i) && i >= 0 && i <= limit)) violations.push(site);
    }
    return index;
  };
  const js = ts.transpileModule(instrument(code), { compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS } }).outputText;
  const module = { exports: {} as Record<string, unknown> };
  new Function("exports", "module", "__idx", js)(module.exports, module, __idx);
  return { exports: module.exports, violations };
}

function instrument(code: string): string {
  const sf = ts.createSourceFile("m.ts", code, ts.ScriptTarget.ES2022, true);
  const transformer: ts.TransformerFactory<ts.SourceFile> = (ctx) => {
    const visit = (node: ts.Node): ts.Node => {
      const visited = ts.visitEachChild(node, visit, ctx);
      if (ts.isElementAccessExpression(node) && ts.isElementAccessExpression(visited) && !ts.isStringLiteral(node.argumentExpression)) {
        const parent = node.parent;
        const write =
          (ts.isBinaryExpression(parent) && parent.left === node && parent.operatorToken.kind === ts.SyntaxKind.EqualsToken) ||
          (ts.isArrayLiteralExpression(parent) && ts.isBinaryExpression(parent.parent) && parent.parent.left === parent);
        const f = ctx.factory;
        const idx = f.createCallExpression(f.createIdentifier("__idx"), undefined, [
          visited.expression,
          visited.argumentExpression,
          f.createStringLiteral(siteKey({ start: node.getStart(sf), end: node.getEnd() })),
          write ? f.createTrue() : f.createFalse(),
        ]);
        return f.updateElementAccessExpression(visited, visited.expression, idx);
      }
      return visited;
    };
    return (root) => ts.visitNode(root, visit) as ts.SourceFile;
  };
  return ts.createPrinter().printFile(ts.transform(sf, [transformer]).transformed[0]!);
}
