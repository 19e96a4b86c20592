/**
 * Differential soundness of the reach constructs (issue 12): closures passed to array methods
 * and Array.from, destructuring swaps, append by index, Array(n) without new, rows of 2-D
 * arrays. Every element access of each module (local arrays included, not only arguments) is
 * instrumented to record an index outside [0, length) — for a write to an Array, outside
 * [0, length], since a write at the length appends — and fast-check runs the function on inputs
 * that meet its preconditions: no recorded violation may be at a site reported proved. Each
 * fixture also must have its expected number of proved sites, so the test fails if the reach
 * is lost as well as if it is unsound.
 */
import fc from "fast-check";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ts } from "ts-morph";
import { afterAll, describe, expect, it } from "vitest";
import { projectRoot } from "../../../support/compiled-path.js";
import { loadDocument } from "../../../spec/load.js";
import { verifyDocuments, workBounded } from "../../../verifier/index.js";
import { holds } from "../soundness/contract-eval.js";
import { entityHarnesses } from "../soundness/entity-harness.js";
import { inputsFor } from "../soundness/input-gen.js";

const RUNS = Number(process.env["ANRF_SOUNDNESS_RUNS"] ?? 200);
const root = projectRoot();

export interface Fixture {
  readonly name: string;
  readonly code: string;
  readonly params: string[];
  readonly pre: string[];
  /** Bounds sites that must be proved (non-vacuously): the reach this test protects. */
  readonly minProved: number;
  /** Arguments built to meet the preconditions (for parameter types the generic generator does not make, e.g. number[][]). */
  readonly inputs?: fc.Arbitrary<unknown[]>;
  /** The fixture must really go out of bounds somewhere (a case the verifier must not prove). */
  readonly buggy?: true;
}

function documentFor(f: Fixture, scratch: string): string {
  const t = JSON.parse(readFileSync(join(root, "examples", "binary-search.anrf.json"), "utf8")) as Record<string, any>;
  t["semantics"]["entities"][0]["name"] = f.name;
  t["semantics"]["entities"][0]["properties"] = { parameters: f.params, returns: "number" };
  t["semantics"]["invariants"] = [];
  t["semantics"]["security_contracts"] = f.pre.length === 0 ? [] : [{ id: "SC-001", description: "pre", preconditions: f.pre, postconditions: [], invariants: [], applies_to: ["ENT-BSEARCH"] }];
  t["execution"]["code"] = f.code;
  const file = join(scratch, `${f.name}.anrf.json`);
  writeFileSync(file, JSON.stringify(t));
  return file;
}

/** `E[I]` → `E[__idx(E, I, start, write)]` for every element access (E is side-effect free in the fixtures). */
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
          // start and end: `g[i][j]` and `g[i]` start at the same offset.
          f.createStringLiteral(`${node.getStart(sf)}:${node.getEnd()}`),
          write ? f.createTrue() : f.createFalse(),
        ]);
        return f.updateElementAccessExpression(visited, visited.expression, idx);
      }
      return visited;
    };
    return (root) => ts.visitNode(root, visit) as ts.SourceFile;
  };
  const out = ts.transform(sf, [transformer]).transformed[0]!;
  return ts.createPrinter().printFile(out);
}

const violations: string[] = [];
function __idx(target: unknown, index: unknown, site: string, write: boolean): unknown {
  const len = typeof target === "string" || Array.isArray(target) || ArrayBuffer.isView(target) ? (target as { length: number }).length : undefined;
  if (len !== undefined) {
    const i = Number(index);
    const limit = write && Array.isArray(target) ? len : len - 1;
    if (!(Number.isInteger(i) && i >= 0 && i <= limit)) violations.push(site);
  }
  return index;
}

function load(code: string): Record<string, unknown> {
  const js = ts.transpileModule(instrument(code), { compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS } }).outputText;
  const module = { exports: {} as Record<string, unknown> };
  new Function("exports", "module", "__idx", js)(module.exports, module, __idx);
  return module.exports;
}

/**
 * Verifies the fixtures (at import, bounded by work) and declares one test per fixture: its
 * proved sites never go out of bounds on inputs that meet its preconditions, and at least
 * `minProved` of them are proved.
 */
export async function reachSoundness(fixtures: readonly Fixture[]): Promise<void> {
  const scratch = mkdtempSync(join(tmpdir(), "anrf-reach-soundness-"));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));
  const files = fixtures.map((f) => documentFor(f, scratch));
  // Bounded by work, not time: what is proved (and which loop invariants are inferred) must not
  // depend on how loaded the machine is. Measured: every fixture's count is the same from 10M/2M up
  // to 30M/20M; at 4M/1.5M rowByRow loses candidates, at 6M/3M lengthOfDouble loses a main query.
  // The lowest of the equal budgets: a query left unknown runs to its limit.
  const report = await verifyDocuments(files, { cwd: scratch, ...workBounded(10_000_000, 2_000_000), jobs: 2 });

  describe("reach constructs are sound: no proved site fails at run time", () => {
    fixtures.forEach((f, n) => {
      it(`${f.name}: ${RUNS} runs, proved sites never out of bounds`, async () => {
        const verification = report.documents[n]!;
        const bounds = verification.obligations.filter((o) => o.kind === "bounds");
        const proved = bounds.filter((o) => o.status === "proved" && o.vacuous === undefined);
        expect(proved.length, `${f.name}: ${JSON.stringify(bounds.map((o) => [o.description, o.status, o.reason]))}`).toBeGreaterThanOrEqual(f.minProved);
        const provedAt = new Set(bounds.filter((o) => o.status === "proved").map((o) => `${o.site.start}:${o.site.end}`));
        const fn = load(f.code)[f.name] as (...a: unknown[]) => unknown;
        let sawViolation = false;
        const run = (args: unknown[]): void => {
          violations.length = 0;
          try {
            fn(...args);
          } catch {
            // A throw ends the run; sites before it were still checked.
          }
          if (violations.length > 0) sawViolation = true;
          for (const site of violations) expect(provedAt.has(site), `${f.name}: out of bounds at a proved site (${site}: ${f.code.slice(Number(site.split(":")[0]), Number(site.split(":")[1]))})`).toBe(false);
        };
        if (f.inputs !== undefined) {
          // Built to meet the preconditions (copied: the function may write its arguments).
          fc.assert(fc.property(f.inputs, (args) => run(structuredClone(args))), { numRuns: RUNS, endOnFailure: true });
          if (f.buggy) expect(sawViolation).toBe(true);
          return;
        }
        const loaded = await loadDocument(files[n]!, { cwd: scratch });
        const [harness] = entityHarnesses(loaded.document!, f.code);
        expect(harness!.unsupported).toBeUndefined();
        fc.assert(
          fc.property(inputsFor(harness!.params, harness!.preconditions), (inputs) => {
            fc.pre(harness!.preconditions.every((c) => holds(c, { values: inputs }) === true));
            violations.length = 0;
            try {
              fn(...harness!.params.map((p) => (Array.isArray(inputs[p.name]) ? [...(inputs[p.name] as unknown[])] : inputs[p.name])));
            } catch {
              // A throw ends the run; sites before it were still checked.
            }
            if (violations.length > 0) sawViolation = true;
            for (const site of violations) expect(provedAt.has(site), `${f.name}: out of bounds at a proved site (${site}: ${f.code.slice(Number(site.split(":")[0]), Number(site.split(":")[1]))})`).toBe(false);
          }),
          { numRuns: RUNS, endOnFailure: true },
        );
        // The buggy fixture must really go out of bounds somewhere (the harness can see violations).
        if (f.name === "fromTooLong" || f.buggy) expect(sawViolation).toBe(true);
      });
    });
  });
}
