/**
 * The anrf Cedar schema: who asks (a Document, an Approver), what for (one action per kind of
 * request), about what (a Capability, a Limit, a Mount, an Override, the Verification), with a
 * typed context per action. Every policy is validated against it in strict mode, so a typo in
 * an attribute or a comparison of a number with a string is a finding before anything runs.
 */
export const ANRF_SCHEMA = `namespace Anrf {
  // The document asking: digest of its code + security metadata, and who says they made it.
  entity Document = { digest: String, name: String, creator: String, safetyLevel: String };
  entity Capability;
  entity Limit;
  // A logical mount the document names (its virtual path, e.g. "/data").
  entity Mount = { name: String };
  entity Verification;
  entity Role;
  // A key from the operator's key registry; its roles are its parents.
  entity Approver in [Role] = { keyId: String };
  // kind: "document" | "obligation" | "rule"; target: the obligation or rule id ("" for document).
  entity Override = { kind: String, target: String };

  // resource_limits.filesystem: access is "None" | "ReadOnly" | "ReadWrite".
  action "filesystem" appliesTo { principal: Document, resource: Capability, context: { access: String } };
  // resource_limits.network.
  action "network" appliesTo { principal: Document, resource: Capability, context: { enabled: Bool } };
  // resource_limits.memory, MiB (rounded up).
  action "memory" appliesTo { principal: Document, resource: Limit, context: { mib: Long } };
  // resource_limits.time, milliseconds (rounded up).
  action "time" appliesTo { principal: Document, resource: Limit, context: { ms: Long } };
  // Asked only when the document does not ask for process isolation: may it run in a worker
  // thread? Denied means it runs in an isolated process instead (never a refusal).
  action "threadIsolation" appliesTo { principal: Document, resource: Limit, context: {} };
  // One mount. binding: "operator" (--mount NAME=DIR) | "document" (the document's own path,
  // relative to its folder). path: the real directory (operator) or the document's text.
  action "mount" appliesTo { principal: Document, resource: Mount, context: { access: String, binding: String, path: String } };
  // Running with obligations that are not proved (they keep their runtime checks).
  action "runUnproved" appliesTo { principal: Document, resource: Verification, context: { mode: String, unproved: Long, refuted: Long } };
  // May this approver approve an override of this scope?
  action "approveOverride" appliesTo { principal: Approver, resource: Override, context: { justification: String } };
  // Is the override honoured, given the distinct authorised approvers and their roles?
  action "honourOverride" appliesTo { principal: Document, resource: Override, context: { approvers: Long, roles: Set<String>, justified: Bool } };
  // May an honoured override also remove the runtime check of what it overrides?
  action "removeCheck" appliesTo { principal: Document, resource: Override, context: { approvers: Long, roles: Set<String> } };
}
`;
