/**
 * Vacuity (issue 12 §3) and append by index: a proof whose path condition is unsatisfiable is
 * reported `proved` with `vacuous` set and counted apart; contradictory preconditions are an
 * error finding; a write at `i === a.length` on an array the function built is a length change
 * (legal JavaScript), so it neither fails nor makes later sites vacuously proved.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { projectRoot } from "../../support/compiled-path.js";
import { verifyDocuments, workBounded, type VerifyReport } from "../../verifier/index.js";

const root = projectRoot();
const scratch = mkdtempSync(join(tmpdir(), "anrf-vacuity-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function doc(name: string, code: string, params: string[], preconditions: string[]): string {
  const t = JSON.parse(readFileSync(join(root, "examples", "binary-search.anrf.json"), "utf8")) as Record<string, any>;
  t["semantics"]["entities"][0]["name"] = name;
  t["semantics"]["entities"][0]["properties"] = { parameters: params, returns: "number" };
  t["semantics"]["invariants"] = [];
  t["semantics"]["security_contracts"] =
    preconditions.length === 0 ? [] : [{ id: "SC-001", description: "pre", preconditions, postconditions: [], invariants: [], applies_to: ["ENT-BSEARCH"] }];
  t["execution"]["code"] = code;
  const file = join(scratch, `${name}.anrf.json`);
  writeFileSync(file, JSON.stringify(t));
  return file;
}

const deadAfterFailure = doc("dead", "export function dead(n: number): number {\n  const b = [1, 2];\n  const x = b[3];\n  return b[0] + x + n;\n}\n", ["n: number"], []);
const contradictory = doc("contra", "export function contra(n: number): number {\n  const b = [1, 2];\n  return b[n];\n}\n", ["n: number"], ["Number.isInteger(n) && n >= 5", "n < 1"]);
const appendByIndex = doc(
  "append",
  "export function append(n: number): number {\n  const d: number[] = [];\n  d[0] = n;\n  d[1] = n + 1;\n  d[d.length] = 7;\n  const b = [1];\n  return d[2] + b[0];\n}\n",
  ["n: number"],
  [],
);
const holeWrite = doc("hole", "export function hole(n: number): number {\n  const d: number[] = [];\n  d[1] = n;\n  const b = [1];\n  return b[0];\n}\n", ["n: number"], []);
const appendThenStale = doc("stale", "export function stale(n: number): number {\n  const d: number[] = [];\n  d[0] = n;\n  const b = [1];\n  return b[5] + d[0];\n}\n", ["n: number"], []);

const report: VerifyReport = await verifyDocuments([deadAfterFailure, contradictory, appendByIndex, holeWrite, appendThenStale], { cwd: scratch, ...workBounded(12_000_000, 3_000_000), jobs: 1 });
const bounds = (file: string) => report.documents.find((d) => d.file === file)!.obligations.filter((o) => o.kind === "bounds");

describe("vacuous proofs", () => {
  it("a site after a check that always fails is proved (vacuous) with the reason, counted apart", () => {
    const [b3, b0] = bounds(deadAfterFailure);
    expect(b3!.status).toBe("refuted");
    expect(b3!.vacuous).toBeUndefined();
    expect(b0!.status).toBe("proved");
    expect(b0!.vacuous).toMatch(/no input that meets the preconditions reaches this site/);
    expect(report.summary.vacuous).toBeGreaterThanOrEqual(2);
  });

  it("contradictory preconditions are an error finding and make the proofs vacuous", () => {
    const d = report.documents.find((x) => x.file === contradictory)!;
    expect(d.valid).toBe(false);
    expect(d.findings.map((f) => f.ruleId)).toContain("vacuous-preconditions");
    expect(bounds(contradictory)[0]!.vacuous).toMatch(/preconditions contradict each other/);
  });
});

describe("append by index", () => {
  it("writes at i === a.length on a local array are length changes: proved, not vacuous, and later reads see the new length", () => {
    const sites = bounds(appendByIndex);
    expect(sites.map((o) => o.status)).toEqual(["proved", "proved", "proved", "proved", "proved"]);
    expect(sites.every((o) => o.vacuous === undefined)).toBe(true);
  });

  it("a write past the end (a hole) is still a violation, and only later sites are vacuous", () => {
    const [d1, b0] = bounds(holeWrite);
    expect(d1!.status).toBe("refuted");
    expect(b0!.vacuous).toBeDefined();
  });

  it("a real out-of-bounds read after an append is refuted, not hidden", () => {
    const [d0, b5, d0again] = bounds(appendThenStale);
    expect(d0!.status).toBe("proved");
    expect(d0!.vacuous).toBeUndefined();
    expect(b5!.status).toBe("refuted");
    expect(d0again!.vacuous).toBeDefined();
  });
});
