/**
 * Which overrides are honoured (the decision; verifying signatures is the approvals room's
 * job, approvals/verify.ts, whose result arrives as an ApprovalCheck). For each override the
 * document requests:
 *   1. the verified approvals for exactly that scope, not expired, one per distinct key;
 *   2. per approver: may a key with these roles approve this scope? (Cedar: approveOverride);
 *   3. is the override honoured with that many authorised approvers and their roles, and a
 *      justification? (Cedar: honourOverride — the policy sets the threshold t);
 *   4. if honoured: may it also remove the runtime check? (Cedar: removeCheck).
 * Hard rules no policy can lift: no honoured override without a non-empty justification and
 * at least one authorised approval.
 */
import type { CedarEntity, CedarRequest, EntityUid } from "./cedar.js";
import type { DecisionCache } from "./cache.js";
import { decideCached } from "./decide-cached.js";
import { formatRef, refsOf, type PolicyFinding, type PolicyRef } from "./decide.js";
import type { ApprovalCheck, OverrideScope } from "./approval-types.js";
import type { PolicySource } from "./source.js";

export interface OverrideRequest {
  readonly scope: OverrideScope;
  /** JSON Pointer of the field that asks for the override (e.g. /security/override_status). */
  readonly path: string;
  /** The document's justification for it. */
  readonly justification: string;
}

export interface OverrideDecision {
  readonly scope: OverrideScope;
  readonly path: string;
  readonly honoured: boolean;
  /** Honoured and the policy lets it remove the runtime check (otherwise the check stays). */
  readonly removeCheck: boolean;
  /** Distinct keys whose approval counted (authorised for this scope, not expired). */
  readonly approvers: readonly string[];
  readonly by: readonly PolicyRef[];
  readonly reasons: readonly string[];
}

export interface OverrideContext {
  readonly source: PolicySource;
  readonly cache: DecisionCache;
  /** The document principal (requests.ts documentEntity). */
  readonly document: CedarEntity;
  /** ISO time "now" (approvals expiring at or before it do not count). */
  readonly now: string;
}

export function scopeId(s: OverrideScope): string {
  return s.kind === "document" ? "document" : `${s.kind}:${s.id}`;
}

const sameScope = (a: OverrideScope, b: OverrideScope): boolean => scopeId(a) === scopeId(b);

function overrideEntity(s: OverrideScope): CedarEntity {
  return { uid: { type: "Anrf::Override", id: scopeId(s) }, attrs: { kind: s.kind, target: s.kind === "document" ? "" : s.id }, parents: [] };
}

export async function decideOverrides(
  requests: readonly OverrideRequest[],
  check: ApprovalCheck,
  ctx: OverrideContext,
): Promise<{ decisions: OverrideDecision[]; findings: PolicyFinding[] }> {
  const level = ctx.source.settings.levels.overrides;
  const decisions: OverrideDecision[] = [];
  const findings: PolicyFinding[] = [];
  const now = Date.parse(ctx.now);
  for (const req of requests) {
    const target = overrideEntity(req.scope);
    const reasons: string[] = [];
    const byKey = new Map<string, { roles: Set<string>; justification: string }>();
    for (const a of check.approved) {
      if (!sameScope(a.scope, req.scope)) continue;
      const expires = Date.parse(a.expires);
      if (!(expires > now)) {
        reasons.push(`the approval by '${a.keyId}' expired at ${a.expires}`);
        continue;
      }
      const seen = byKey.get(a.keyId) ?? { roles: new Set<string>(), justification: a.justification };
      for (const r of a.roles) seen.roles.add(r);
      byKey.set(a.keyId, seen);
    }
    const keys = [...byKey.keys()].sort();
    const approveRequests: CedarRequest[] = keys.map((keyId) => {
      const roles = [...byKey.get(keyId)!.roles].sort();
      const approver: CedarEntity = { uid: { type: "Anrf::Approver", id: keyId }, attrs: { keyId }, parents: roles.map((r): EntityUid => ({ type: "Anrf::Role", id: r })) };
      const roleEntities = roles.map((r): CedarEntity => ({ uid: { type: "Anrf::Role", id: r }, attrs: {}, parents: [] }));
      return { principal: approver.uid, action: "approveOverride", resource: target.uid, context: { justification: byKey.get(keyId)!.justification }, entities: [approver, ...roleEntities, target] };
    });
    const approveDecisions = await decideCached(ctx.source, ctx.cache, approveRequests);
    const authorised = keys.filter((k, i) => {
      if (approveDecisions[i]!.decision === "allow") return true;
      reasons.push(`key '${k}' (roles: ${[...byKey.get(k)!.roles].join(", ") || "none"}) is not authorised by the policy to approve ${scopeId(req.scope)}`);
      return false;
    });
    const roles = [...new Set(authorised.flatMap((k) => [...byKey.get(k)!.roles]))].sort();
    const justified = req.justification.trim() !== "";
    if (!justified) reasons.push("the override's justification is empty");
    if (authorised.length === 0) reasons.push("no authorised, unexpired approval for this scope");
    const entities = [ctx.document, target];
    const [honour] = await decideCached(ctx.source, ctx.cache, [{ principal: ctx.document.uid, action: "honourOverride", resource: target.uid, context: { approvers: authorised.length, roles, justified }, entities }]);
    const honoured = honour!.decision === "allow" && justified && authorised.length > 0;
    if (honour!.decision !== "allow") {
      const forbids = refsOf(ctx.source, honour!.reasons);
      reasons.push(forbids.length > 0 ? `denied by ${forbids.map(formatRef).join(", ")}` : `no permit honours it with ${authorised.length} authorised approver(s)`);
    }
    let removeCheck = false;
    let by = refsOf(ctx.source, honour!.reasons);
    if (honoured) {
      const [remove] = await decideCached(ctx.source, ctx.cache, [{ principal: ctx.document.uid, action: "removeCheck", resource: target.uid, context: { approvers: authorised.length, roles }, entities }]);
      removeCheck = remove!.decision === "allow";
      if (removeCheck) by = [...by, ...refsOf(ctx.source, remove!.reasons)];
    }
    decisions.push({ scope: req.scope, path: req.path, honoured, removeCheck, approvers: authorised, by, reasons });
    if (!honoured) {
      const rejected = check.rejected.length > 0 ? `; ${check.rejected.length} approval(s) rejected: ${check.rejected.map((r) => `${r.code}${r.keyId ? ` (${r.keyId})` : ""}: ${r.message}`).join("; ")}` : "";
      findings.push({
        ruleId: "policy",
        severity: level === "enforce" ? "error" : level === "warn" ? "warning" : "info",
        path: req.path,
        message: `override of ${scopeId(req.scope)} is not honoured: ${reasons.join("; ")}${rejected}`,
        hint: "an override needs a justification and signed approvals (anrf approve) by keys whose role the policy authorises, as many as the policy requires",
        requested: { override: scopeId(req.scope) },
        deniedBy: refsOf(ctx.source, honour!.decision === "deny" ? honour!.reasons : []),
        level,
      });
    }
  }
  return { decisions, findings };
}
