/**
 * Approved overrides in SARIF: an obligation that an honoured override covers (approvals/apply.ts
 * puts it in the document's `overrides`) becomes a result with an "external" suppression carrying
 * the approval's justification, scope and approvers — and nothing else gets one.
 */
import { describe, expect, it } from "vitest";
import { sarifLog } from "../../cli/commands/verify-sarif.js";
import type { ObligationResult } from "../../verifier/obligation.js";

const base: ObligationResult = {
  id: "ENT-A/bounds/2:10",
  entity: "ENT-A",
  kind: "bounds",
  status: "unknown",
  location: { file: "doc.anrf.json", line: 2, column: 10 },
  site: { start: 20, end: 24 },
  description: "0 <= i < a.length at a[i]",
  reason: "solver timeout after 10 ms",
  counterexample: null,
  smt: null,
};

describe("SARIF suppressions for approved overrides", () => {
  const applied = { scope: `obligation:${base.id}`, justification: "bounded by the caller", approvers: ["sec-team"], expires: "2027-01-01T00:00:00.000Z" };
  const other = { ...base, id: "ENT-A/bounds/3:4", location: { file: "doc.anrf.json", line: 3, column: 4 } };
  const log = (overrides: Record<string, typeof applied>) =>
    sarifLog([{ file: "doc.anrf.json", findings: [], obligations: [base, other], skippedByShard: [], valid: true, overrides: { subject: "sha256:00", honoured: Object.values(overrides), obligations: overrides, findings: {} } } as never], {}, { cwd: "/nowhere", texts: new Map(), tool: { version: "0.0.0" } });
  it("a covered obligation gets an external, accepted suppression with the justification and approvers", () => {
    const [first, second] = log({ [base.id]: applied }).runs[0]!.results as Array<{ suppressions?: Array<{ kind: string; status: string; justification: string; properties?: { approvers: string[] } }> }>;
    expect(first!.suppressions).toEqual([expect.objectContaining({ kind: "external", status: "accepted", justification: "bounded by the caller" })]);
    expect(first!.suppressions![0]!.properties!.approvers).toEqual(["sec-team"]);
    expect(second!.suppressions).toBeUndefined();
  });
  it("no suppression without an override", () => {
    const results = log({}).runs[0]!.results as Array<{ suppressions?: unknown }>;
    expect(results.every((r) => r.suppressions === undefined)).toBe(true);
  });
});
