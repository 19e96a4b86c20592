/**
 * What verified approvals look like when they reach the policy: the approvals room's own types
 * (approvals/verify.ts checks signatures, digests and expiry; the policy decides roles and counts).
 */
export type { OverrideScope } from "../approvals/statement.js";
export type { ApprovalCheck, ApprovalRejection, VerifiedApproval } from "../approvals/verify.js";
