/**
 * The default override decision, used until the policy room's `decideOverrides` (policy/,
 * Cedar) is merged and supersedes it: a requested override is honoured when at least
 * `threshold` distinct approvers (distinct public keys) — default 1 — approved exactly that scope
 * with keys that hold a role the registry's `scopes[<kind>].roles` lists. A scope kind the
 * registry does not list cannot be approved. Pure.
 */
import type { KeyRegistry } from "./registry.js";
import { formatScope, sameScope, type OverrideScope } from "./statement.js";
import type { ApprovalRejection, VerifiedApproval } from "./verify.js";

export interface OverrideRequest {
  readonly scope: OverrideScope;
  readonly justification: string;
  /** JSON Pointer of the request in the document. */
  readonly path: string;
}

export interface OverrideDecision {
  readonly request: OverrideRequest;
  readonly honoured: boolean;
  /** The approvals that count (authorised, distinct): the ones an honoured override rests on. */
  readonly approvals: readonly VerifiedApproval[];
  readonly rejected: readonly ApprovalRejection[];
  readonly required: number;
}

export type DecideOverrides = (input: { readonly requests: readonly OverrideRequest[]; readonly approved: readonly VerifiedApproval[]; readonly registry: KeyRegistry }) => readonly OverrideDecision[];

export const decideOverridesByRegistry: DecideOverrides = ({ requests, approved, registry }) =>
  requests.map((request) => {
    const rule = registry.scopes[request.scope.kind];
    const scope = formatScope(request.scope);
    const forScope = approved.filter((a) => sameScope(a.scope, request.scope));
    const rejected: ApprovalRejection[] = [];
    if (rule === undefined || registry.keys.size === 0) {
      const message = registry.keys.size === 0 ? "no key registry was given (--keys FILE), so no approval can be verified" : `the key registry lets no role approve ${request.scope.kind} overrides (no scopes.${request.scope.kind})`;
      rejected.push({ code: "ANRF_OVERRIDE_SCOPE_NOT_APPROVABLE", message });
      return { request, honoured: false, approvals: [], rejected, required: Infinity };
    }
    const counted: VerifiedApproval[] = [];
    const fingerprints = new Set<string>();
    for (const a of forScope) {
      if (!a.roles.some((r) => rule.roles.includes(r))) {
        rejected.push({ code: "ANRF_APPROVAL_ROLE", message: `key ${JSON.stringify(a.keyId)} (roles: ${a.roles.join(", ") || "none"}) is not authorised to approve ${scope} (needs one of: ${rule.roles.join(", ")})`, keyId: a.keyId, envelopeIndex: a.envelopeIndex });
        continue;
      }
      if (fingerprints.has(a.fingerprint)) continue; // verify.ts already reports duplicates
      fingerprints.add(a.fingerprint);
      counted.push(a);
    }
    const honoured = counted.length >= rule.threshold;
    if (!honoured) {
      rejected.push({ code: "ANRF_OVERRIDE_BELOW_THRESHOLD", message: `${scope} has ${counted.length} valid authorised approval${counted.length === 1 ? "" : "s"}; ${rule.threshold} distinct approver${rule.threshold === 1 ? " is" : "s are"} required` });
    }
    return { request, honoured, approvals: honoured ? counted : [], rejected, required: rule.threshold };
  });
