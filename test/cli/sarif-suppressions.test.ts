/**
 * The SARIF hook for approved overrides (the policy work adds an `overridden` status): such an
 * obligation becomes a result with an "external" suppression carrying the approval's
 * justification — and nothing else gets one.
 */
import { describe, expect, it } from "vitest";
import { sarifLog, suppressionOf } from "../../cli/commands/verify-sarif.js";
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
  it("an overridden obligation gets an external, accepted suppression with the justification and approver", () => {
    const overridden = { ...base, status: "overridden", override: { justification: "bounded by the caller", approver: "sec-team" } } as unknown as ObligationResult;
    expect(suppressionOf(overridden)).toEqual([{ kind: "external", status: "accepted", justification: "bounded by the caller (approved by sec-team)" }]);
    const log = sarifLog([{ file: "doc.anrf.json", findings: [], obligations: [overridden, base], skippedByShard: [] }], {}, { cwd: "/nowhere", texts: new Map(), tool: { version: "0.0.0" } });
    const [first, second] = log.runs[0]!.results as Array<{ suppressions?: unknown; level: string; message: { text: string } }>;
    expect(first!.suppressions).toHaveLength(1);
    expect(first!.message.text).toMatch(/^Not proved, overridden by approval/);
    expect(second!.suppressions).toBeUndefined();
  });
  it("no suppression without an override", () => {
    expect(suppressionOf(base)).toBeUndefined();
    expect(suppressionOf({ ...base, status: "refuted" })).toBeUndefined();
  });
});
