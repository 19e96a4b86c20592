/**
 * Element values (issue 12): reads of number arrays and typed arrays are SMT array selects per
 * version (verifier/extract/elements.ts, State.contents), and contract clauses read the same model.
 * Differential: every element access is instrumented to record an index out of bounds
 * (soundness/recorded-accesses.ts), and
 * fast-check runs each fixture on inputs meeting its preconditions — no violation may be at a site
 * reported proved, and where every postcondition is proved, each holds after every return with
 * the arguments as they are then (the runtime's reading of parameter names is the entry values;
 * these fixtures never reassign parameters). Each fixture also states which sites must NOT be
 * proved (stale values after a write, an alias, a loop iteration, a callback, a mutating method)
 * and which must be (the reach this protects), so the test fails if the model is lost or unsound.
 */
import fc from "fast-check";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadDocument } from "../../spec/load.js";
import { verifyDocuments, workBounded } from "../../verifier/index.js";
import { holds } from "./soundness/contract-eval.js";
import { entityHarnesses } from "./soundness/entity-harness.js";
import { inputsFor } from "./soundness/input-gen.js";
import { fixtureDocument, loadRecordingAccesses, siteKey } from "./soundness/recorded-accesses.js";

const RUNS = Number(process.env["ANRF_SOUNDNESS_RUNS"] ?? 300);
const scratch = mkdtempSync(join(tmpdir(), "anrf-element-values-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

interface Fixture {
  readonly name: string;
  readonly code: string;
  readonly params: string[];
  readonly pre: string[];
  readonly post?: string[];
  /** Text of element accesses (first occurrence in the code after `after`) that must be proved / must not be. */
  readonly proved?: ReadonlyArray<{ readonly text: string; readonly after?: string }>;
  readonly notProved?: ReadonlyArray<{ readonly text: string; readonly after?: string }>;
  /** Every postcondition obligation must be proved (else: none may be). */
  readonly postProved?: boolean;
}

const FIXTURES: Fixture[] = [
  {
    name: "indexFromElement",
    params: ["idx: Int32Array", "data: number[]"],
    pre: [],
    proved: [{ text: "data[idx[0]]" }],
    code: `export function indexFromElement(idx: Int32Array, data: number[]): number {
  if (idx.length < 1) return 0;
  const k = idx[0];
  if (k >= 0 && k < data.length) return data[idx[0]];
  return 0;
}
`,
  },
  {
    name: "staleAfterWrite",
    params: ["a: Int32Array", "n: number[]"],
    pre: [],
    notProved: [{ text: "n[a[0]]" }],
    code: `export function staleAfterWrite(a: Int32Array, n: number[]): number {
  if (a.length < 2) return 0;
  const k = a[0];
  a[0] = k + 100;
  if (k >= 0 && k < n.length) return n[a[0]];
  return 0;
}
`,
  },
  {
    name: "writeReadBack",
    params: ["a: Int32Array", "n: number[]"],
    pre: [],
    proved: [{ text: "n[a[1]]" }],
    post: ["result == -1 || result == 0"],
    postProved: true,
    code: `export function writeReadBack(a: Int32Array, n: number[]): number {
  if (a.length < 2 || n.length < 1) return -1;
  a[1] = 0;
  const v = n[a[1]];
  return a[1];
}
`,
  },
  {
    name: "aliasWrite",
    params: ["a: Int32Array", "b: Int32Array", "n: number[]"],
    pre: [],
    // b may be a: after b[0] = 1000, a[0] is not known.
    notProved: [{ text: "n[a[0]]", after: "b[0] = 1000" }],
    code: `export function aliasWrite(a: Int32Array, b: Int32Array, n: number[]): number {
  if (a.length < 1 || b.length < 1) return 0;
  if (a[0] < 0 || a[0] >= n.length) return 0;
  b[0] = 1000;
  return n[a[0]];
}
`,
  },
  {
    name: "loopChanges",
    params: ["a: Int32Array", "n: number[]"],
    pre: [],
    notProved: [{ text: "n[a[0]]", after: "for" }],
    code: `export function loopChanges(a: Int32Array, n: number[]): number {
  if (a.length < 1) return 0;
  if (a[0] < 0 || a[0] >= n.length) return 0;
  let s = 0;
  for (let i = 0; i < 3; i++) {
    s += n[a[0]];
    a[0] = a[0] + 1000;
  }
  return s;
}
`,
  },
  {
    name: "loopKeeps",
    params: ["a: Int32Array", "n: number[]"],
    pre: [],
    proved: [{ text: "n[a[0]]", after: "for" }],
    code: `export function loopKeeps(a: Int32Array, n: number[]): number {
  if (a.length < 1) return 0;
  if (a[0] < 0 || a[0] >= n.length) return 0;
  let s = 0;
  for (let i = 0; i < 3; i++) {
    s += n[a[0]];
  }
  return s;
}
`,
  },
  {
    name: "mutatingMethods",
    params: ["a: Int32Array", "n: number[]"],
    pre: [],
    notProved: [{ text: "n[a[0]]", after: "reverse" }, { text: "n[a[0]]", after: "fill" }],
    code: `export function mutatingMethods(a: Int32Array, n: number[]): number {
  if (a.length < 1) return 0;
  if (a[0] < 0 || a[0] >= n.length) return 0;
  a.reverse();
  let s = n[a[0]];
  if (a[0] < 0 || a[0] >= n.length) return 0;
  a.fill(5000);
  s += n[a[0]];
  return s;
}
`,
  },
  {
    name: "callbackWrites",
    params: ["a: number[]", "n: number[]"],
    pre: [],
    notProved: [{ text: "n[a[0]]", after: "forEach" }],
    code: `export function callbackWrites(a: number[], n: number[]): number {
  if (a.length < 1) return 0;
  if (!(a[0] >= 0 && a[0] < n.length && Number.isInteger(a[0]))) return 0;
  a.forEach((x, i) => {
    a[i] = x + 0.5;
  });
  return n[a[0]];
}
`,
  },
  {
    name: "sortedSearch",
    params: ["sorted: Int32Array", "target: number"],
    pre: ["Number.isInteger(target)", "forall(i, 1, sorted.length, sorted[i - 1] <= sorted[i])"],
    post: ["result == -1 || (result >= 0 && result < sorted.length && sorted[result] == target)", "forall(i, 1, sorted.length, sorted[i - 1] <= sorted[i])"],
    postProved: true,
    code: `export function sortedSearch(sorted: Int32Array, target: number): number {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo <= hi) {
    const mid = lo + ((hi - lo) >>> 1);
    const value = sorted[mid];
    if (value === target) return mid;
    if (value < target) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}
`,
  },
  {
    name: "sortedBroken",
    params: ["sorted: Int32Array", "target: number"],
    pre: ["Number.isInteger(target)"],
    // Writes an element: the sortedness at return does not follow (and is false for some inputs).
    post: ["forall(i, 1, sorted.length, sorted[i - 1] <= sorted[i])"],
    postProved: false,
    code: `export function sortedBroken(sorted: Int32Array, target: number): number {
  if (sorted.length > 1) sorted[0] = target;
  return 0;
}
`,
  },
];

function offsetOf(code: string, s: { text: string; after?: string }): number {
  const from = s.after === undefined ? 0 : code.indexOf(s.after);
  const at = code.indexOf(s.text, from);
  if (from < 0 || at < 0) throw new Error(`no '${s.text}' after '${s.after}'`);
  return at;
}

const files = FIXTURES.map((f) => fixtureDocument(f, scratch));
const report = await verifyDocuments(files, { cwd: scratch, ...workBounded(12_000_000, 3_000_000), jobs: 2 });

describe("element values are sound: proved sites never fail, proved postconditions hold", () => {
  FIXTURES.forEach((f, n) => {
    it(`${f.name}: ${RUNS} runs`, async () => {
      const verification = report.documents[n]!;
      const table = JSON.stringify(verification.obligations.map((o) => [o.kind, o.description, o.status, o.reason]));
      const bounds = verification.obligations.filter((o) => o.kind === "bounds");
      const proved = bounds.filter((o) => o.status === "proved");
      const provedStart = new Set(proved.map((o) => o.site.start));
      const provedAt = new Set(proved.map((o) => siteKey(o.site)));
      for (const s of f.proved ?? []) expect(provedStart.has(offsetOf(f.code, s)), `${f.name}: ${s.text} must be proved: ${table}`).toBe(true);
      for (const s of f.notProved ?? []) expect(provedStart.has(offsetOf(f.code, s)), `${f.name}: ${s.text} must not be proved: ${table}`).toBe(false);
      const posts = verification.obligations.filter((o) => o.kind === "postcondition");
      const allPostProved = posts.length > 0 && posts.every((o) => o.status === "proved");
      if (f.postProved !== undefined) expect(allPostProved, `${f.name}: postconditions ${f.postProved ? "" : "not "}proved: ${table}`).toBe(f.postProved);

      const loaded = await loadDocument(files[n]!, { cwd: scratch });
      const [harness] = entityHarnesses(loaded.document!, f.code);
      expect(harness!.unsupported).toBeUndefined();
      const { exports, violations } = loadRecordingAccesses(f.code);
      const fn = exports[f.name] as (...a: unknown[]) => unknown;
      fc.assert(
        fc.property(inputsFor(harness!.params, harness!.preconditions), (inputs) => {
          fc.pre(harness!.preconditions.every((c) => holds(c, { values: inputs }) === true));
          violations.length = 0;
          const args = harness!.params.map((p) => {
            const v = inputs[p.name];
            return Array.isArray(v) ? [...v] : ArrayBuffer.isView(v) ? (v as Int32Array).slice() : v;
          });
          let result: unknown;
          let returned = false;
          try {
            result = fn(...args);
            returned = true;
          } catch {
            // A throw ends the run; sites before it were still checked.
          }
          for (const site of violations) expect(provedAt.has(site), `${f.name}: out of bounds at a proved site (${site}: ${f.code.slice(Number(site.split(":")[0]), Number(site.split(":")[1]))})`).toBe(false);
          if (returned && allPostProved) {
            const values: Record<string, unknown> = { result };
            harness!.params.forEach((p, i) => (values[p.name] = args[i]));
            for (const post of harness!.postconditions) expect(holds(post.expr, { values }), `${f.name}: proved postcondition ${post.text} fails on ${JSON.stringify(inputs)}`).not.toBe(false);
          }
        }),
        { numRuns: RUNS, endOnFailure: true },
      );
    }, 120_000);
  });
});
