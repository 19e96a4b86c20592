/**
 * Marking what honoured overrides cover, for every reporter (pure):
 *   obligation:<id>  the obligation with that id;
 *   rule:<id>        every finding with that rule id, and every obligation of kind K for
 *                    `rule:anrf/K` (the SARIF rule ids of obligations);
 *   document         every finding and every obligation that is not proved.
 * An overridden obligation keeps its verdict (a refuted obligation stays refuted, and keeps its
 * runtime check unless the policy lets the override remove it); reports add `overridden`.
 * Findings of NOT_OVERRIDABLE rules are never marked.
 */
import { error, warning, type Finding } from "../spec/finding.js";
import type { ObligationResult } from "../verifier/obligation.js";
import type { DocumentVerification } from "../verifier/pipeline/report-types.js";
import { NOT_OVERRIDABLE, OVERRIDE_RULE_ID, type AppliedOverride, type OverrideOutcome } from "./overrides.js";

export interface DocumentOverrides {
  /** `sha256:<hex>` the approvals were checked against. */
  readonly subject: string;
  readonly honoured: readonly AppliedOverride[];
  /** obligation id → the override that covers it. */
  readonly obligations: Readonly<Record<string, AppliedOverride>>;
  /** Indexes into the document's `findings` → the override that covers it. */
  readonly findings: Readonly<Record<number, AppliedOverride>>;
}

export function overrideFor(honoured: readonly AppliedOverride[], target: { readonly obligation: ObligationResult } | { readonly finding: Finding }): AppliedOverride | undefined {
  const document = honoured.find((h) => h.scope === "document");
  if ("finding" in target) {
    if (NOT_OVERRIDABLE.has(target.finding.ruleId)) return undefined;
    return honoured.find((h) => h.scope === `rule:${target.finding.ruleId}`) ?? document;
  }
  const o = target.obligation;
  if (o.status === "proved") return undefined;
  return honoured.find((h) => h.scope === `obligation:${o.id}`) ?? honoured.find((h) => h.scope === `rule:anrf/${o.kind}`) ?? document;
}

/** The document's verification with the override findings added, marks computed and `valid` recomputed. */
export function applyOverrides(d: DocumentVerification, outcome: OverrideOutcome): DocumentVerification & { readonly overrides: DocumentOverrides } {
  const findings: Finding[] = [...d.findings, ...outcome.findings];
  const ids = new Set(d.obligations.map((o) => o.id));
  for (const h of outcome.honoured) {
    if (h.scope.startsWith("obligation:") && !ids.has(h.scope.slice("obligation:".length))) {
      findings.push(warning(OVERRIDE_RULE_ID, "/security/x-anrf-overrides", `the approved override of ${h.scope} names no obligation of this document (it covers nothing)`, "check the id with anrf verify --format json"));
    }
  }
  const obligations: Record<string, AppliedOverride> = {};
  for (const o of d.obligations) {
    const h = overrideFor(outcome.honoured, { obligation: o });
    if (h !== undefined) obligations[o.id] = h;
  }
  const marked: Record<number, AppliedOverride> = {};
  findings.forEach((f, i) => {
    const h = overrideFor(outcome.honoured, { finding: f });
    if (h !== undefined) marked[i] = h;
  });
  const valid = findings.every((f, i) => f.severity !== "error" || marked[i] !== undefined);
  return { ...d, findings, valid, overrides: { subject: outcome.subject, honoured: outcome.honoured, obligations, findings: marked } };
}

/** A finding for a sidecar or registry that cannot be read: overrides then have no approvals. */
export const approvalsUnreadable = (file: string, message: string): Finding =>
  error(OVERRIDE_RULE_ID, "", `approvals ${file} cannot be used: ${message}`, "fix or remove the approvals file (anrf approve writes it)");

/** verifier's documentPassed, where an overridden obligation never fails the run (not even under --strict). */
export function passedWithOverrides(d: DocumentVerification, strict: boolean): boolean {
  if (!d.valid) return false;
  const skipped = new Set(d.skippedByShard);
  const overridden = d.overrides?.obligations ?? {};
  return d.obligations.every((o) => {
    if (Object.hasOwn(overridden, o.id)) return true;
    if (o.status === "refuted") return false;
    if (!strict || skipped.has(o.id)) return true;
    return o.status === "proved";
  });
}
