import type { AnrfDocument } from "../../spec/document.js";
import { error, warning, type Finding } from "../../spec/finding.js";
import type { ObligationResult } from "../obligation.js";

/**
 * V7.4: a document that says `verified: true` must actually verify — the toolchain recomputes,
 * it never trusts the claim. A refuted obligation contradicts the claim (error); obligations
 * that are merely not proved (unknown, unsupported, informal, unverifiable) leave it
 * unsubstantiated (warning).
 */
export function verifiedClaimFindings(document: AnrfDocument, obligations: readonly ObligationResult[]): Finding[] {
  if (!document.verification_status.verified) return [];
  const refuted = obligations.filter((o) => o.status === "refuted");
  const open = obligations.filter((o) => o.status !== "proved" && o.status !== "refuted");
  const at = "/verification_status/verified";
  if (refuted.length > 0) {
    return [
      error("V7.4", at, `the document claims verified: true but ${count(refuted.length)} refuted (${sample(refuted)})`, "fix the code or its contracts, or set verified to false"),
    ];
  }
  if (open.length > 0) {
    return [
      warning("V7.4", at, `the document claims verified: true but ${count(open.length)} not proved (${sample(open)})`, "the checks for these stay at run time; set verified to false or make them provable"),
    ];
  }
  if (obligations.length === 0) {
    return [warning("V7.4", at, "the document claims verified: true but has no obligation to verify", "set verified to false unless the claim is substantiated elsewhere")];
  }
  return [];
}

const count = (n: number) => (n === 1 ? "1 obligation is" : `${n} obligations are`);
const sample = (list: readonly ObligationResult[]) =>
  list.slice(0, 3).map((o) => o.id).join(", ") + (list.length > 3 ? ", …" : "");
