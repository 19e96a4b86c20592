/**
 * The seam with the approvals room (approvals/verify.ts): what verified approvals look like
 * when they reach the policy. Identical to their declaration; the lead points this file at
 * theirs at merge. Until then the policy is tested with hand-built ApprovalCheck values.
 */
export type OverrideScope = { kind: "document" } | { kind: "obligation"; id: string } | { kind: "rule"; id: string };
export interface VerifiedApproval {
  keyId: string;
  roles: readonly string[];
  scope: OverrideScope;
  justification: string;
  expires: string;
}
export interface ApprovalRejection {
  code: string;
  message: string;
  keyId?: string;
  envelopeIndex?: number;
}
export interface ApprovalCheck {
  approved: readonly VerifiedApproval[];
  rejected: readonly ApprovalRejection[];
}
