/** What honoured overrides cover (approvals/apply.ts): scopes, validity, pass/fail. */
import { describe, expect, it } from "vitest";
import { applyOverrides, passedWithOverrides } from "../../approvals/apply.js";
import type { OverrideOutcome } from "../../approvals/overrides.js";
import { error, warning } from "../../spec/finding.js";
import type { ObligationResult } from "../../verifier/obligation.js";
import type { DocumentVerification } from "../../verifier/pipeline/report-types.js";

const obligation = (id: string, kind: ObligationResult["kind"], status: ObligationResult["status"]): ObligationResult => ({
  id,
  entity: "E",
  kind,
  status,
  location: { file: "d", line: 1, column: 1 },
  site: { start: 0, end: 0 },
  description: "d",
  reason: "r",
  counterexample: null,
  smt: null,
});

const verification: DocumentVerification = {
  file: "doc.anrf.json",
  valid: false,
  findings: [error("V7.3", "/execution", "mismatch", "fix"), warning("V6.3.3", "/semantics", "w", "h")],
  obligations: [obligation("E/bounds/1:1", "bounds", "refuted"), obligation("E/bounds/2:1", "bounds", "proved"), obligation("E/postcondition/3:1", "postcondition", "unknown")],
  skippedByShard: [],
};

const outcome = (scopes: string[], findings = [] as OverrideOutcome["findings"]): OverrideOutcome => ({
  subject: "sha256:00",
  requests: [],
  check: { approved: [], rejected: [] },
  decisions: [],
  honoured: scopes.map((scope) => ({ scope, justification: "j", approvers: ["alice"], expires: "2027-01-01T00:00:00Z" })),
  findings,
});

describe("applyOverrides", () => {
  it("obligation scope covers exactly that obligation; the document stays invalid for an uncovered error", () => {
    const d = applyOverrides(verification, outcome(["obligation:E/bounds/1:1"]));
    expect(Object.keys(d.overrides.obligations)).toEqual(["E/bounds/1:1"]);
    expect(d.valid).toBe(false);
    expect(passedWithOverrides(d, false)).toBe(false);
  });

  it("rule scope covers findings of that rule and obligations of kind K for anrf/K", () => {
    const d = applyOverrides(verification, outcome(["rule:V7.3", "rule:anrf/bounds"]));
    expect(d.valid).toBe(true);
    expect(Object.keys(d.overrides.findings)).toEqual(["0"]);
    expect(Object.keys(d.overrides.obligations)).toEqual(["E/bounds/1:1"]); // proved ones are never "overridden"
    expect(passedWithOverrides(d, false)).toBe(true);
    expect(passedWithOverrides(d, true)).toBe(false); // the unknown postcondition still fails --strict
  });

  it("document scope covers every finding that may be overridden and every unproved obligation, never an override finding", () => {
    const d = applyOverrides(verification, outcome(["document"], [error("override", "/security/override_approval/approver_id", "not a signer", "fix")]));
    expect(Object.keys(d.overrides.obligations).sort()).toEqual(["E/bounds/1:1", "E/postcondition/3:1"]);
    expect(d.overrides.findings[2]).toBeUndefined(); // the `override` finding
    expect(d.valid).toBe(false);
    expect(passedWithOverrides(d, true)).toBe(false);
  });

  it("an approved override naming no obligation of the document is a warning", () => {
    const d = applyOverrides(verification, outcome(["obligation:E/bounds/9:9"]));
    expect(d.findings.at(-1)).toMatchObject({ ruleId: "override", severity: "warning", message: expect.stringMatching(/names no obligation/) });
  });
});
