/**
 * decideOverrides with hand-built ApprovalCheck values (the approvals room verifies the
 * signatures; this decides what verified approvals are worth under the policy): roles per
 * scope, threshold t of distinct approvers, expiry, justification, removing a check.
 */
import { describe, expect, it } from "vitest";
import { DecisionCache, decideOverrides, type ApprovalCheck, type OverrideRequest, type VerifiedApproval } from "../../policy/index.js";
import { policy, defaultSource } from "./helpers.js";

const doc = { uid: { type: "Anrf::Document", id: "d1" }, attrs: { digest: "d1", name: "doc.anrf.json", creator: "agent", safetyLevel: "MemorySafe" }, parents: [] };
const now = "2026-12-03T12:00:00Z";
const later = "2027-01-01T00:00:00Z";

// Two security leads may approve an obligation override; a document-wide one needs the CISO too.
// Only an obligation override approved by two may drop its runtime check.
const TWO_LEADS = `
@id("leads-approve-obligations")
permit (principal in Anrf::Role::"security-lead", action == Anrf::Action::"approveOverride", resource)
when { resource.kind == "obligation" && context.justification != "" };
@id("ciso-approves-anything")
permit (principal in Anrf::Role::"ciso", action == Anrf::Action::"approveOverride", resource);
@id("two-approvers")
permit (principal, action == Anrf::Action::"honourOverride", resource)
when { resource.kind == "obligation" && context.approvers >= 2 && context.justified };
@id("document-needs-ciso")
permit (principal, action == Anrf::Action::"honourOverride", resource)
when { resource.kind == "document" && context.approvers >= 2 && context.roles.contains("ciso") };
@id("two-may-remove-check")
permit (principal, action == Anrf::Action::"removeCheck", resource)
when { resource.kind == "obligation" && context.approvers >= 2 };
`;

const obligation: OverrideRequest = { scope: { kind: "obligation", id: "OB-7" }, path: "/security/x-anrf-overrides/0", justification: "bounded by the caller" };
const approval = (keyId: string, roles: string[], over: Partial<VerifiedApproval> = {}): VerifiedApproval => ({ keyId, roles, scope: { kind: "obligation", id: "OB-7" }, justification: "checked by hand", expires: later, fingerprint: `sha256:${keyId}`, approvedAt: now, envelopeIndex: 0, ...over });
const check = (approved: VerifiedApproval[], rejected: ApprovalCheck["rejected"] = []): ApprovalCheck => ({ approved, rejected });
const ctx = (text?: string) => ({ source: text === undefined ? defaultSource() : policy(text), cache: new DecisionCache(), document: doc, now });

describe("decideOverrides", () => {
  it("the default policy honours nothing, even with approvals", async () => {
    const r = await decideOverrides([obligation], check([approval("k1", ["security-lead"]), approval("k2", ["security-lead"])]), ctx());
    expect(r.decisions[0]).toMatchObject({ honoured: false, removeCheck: false });
    expect(r.findings[0]).toMatchObject({ ruleId: "policy", severity: "error", path: obligation.path });
  });

  it("t-of-n: two distinct authorised approvers are honoured and may remove the check", async () => {
    const r = await decideOverrides([obligation], check([approval("k1", ["security-lead"]), approval("k2", ["security-lead"])]), ctx(TWO_LEADS));
    expect(r.findings).toEqual([]);
    expect(r.decisions[0]).toMatchObject({ honoured: true, removeCheck: true, approvers: ["k1", "k2"] });
    expect(r.decisions[0]!.by.map((b) => b.id)).toEqual(["two-approvers", "two-may-remove-check"]);
  });

  it("below the threshold: one approver is not enough", async () => {
    const r = await decideOverrides([obligation], check([approval("k1", ["security-lead"])]), ctx(TWO_LEADS));
    expect(r.decisions[0]!.honoured).toBe(false);
    expect(r.findings[0]!.message).toMatch(/no permit honours it with 1 authorised approver/);
  });

  it("the same approver twice counts once", async () => {
    const r = await decideOverrides([obligation], check([approval("k1", ["security-lead"]), approval("k1", ["security-lead"])]), ctx(TWO_LEADS));
    expect(r.decisions[0]).toMatchObject({ honoured: false, approvers: ["k1"] });
  });

  it("a key whose role the policy does not authorise for the scope does not count", async () => {
    const r = await decideOverrides([obligation], check([approval("k1", ["security-lead"]), approval("k2", ["developer"])]), ctx(TWO_LEADS));
    expect(r.decisions[0]).toMatchObject({ honoured: false, approvers: ["k1"] });
    expect(r.findings[0]!.message).toMatch(/key 'k2' \(roles: developer\) is not authorised/);
  });

  it("an expired approval does not count", async () => {
    const r = await decideOverrides([obligation], check([approval("k1", ["security-lead"]), approval("k2", ["security-lead"], { expires: "2026-12-01T00:00:00Z" })]), ctx(TWO_LEADS));
    expect(r.decisions[0]!.honoured).toBe(false);
    expect(r.findings[0]!.message).toMatch(/'k2' expired/);
  });

  it("approvals of another scope do not count", async () => {
    const other = { kind: "obligation" as const, id: "OB-8" };
    const r = await decideOverrides([obligation], check([approval("k1", ["security-lead"], { scope: other }), approval("k2", ["security-lead"], { scope: other })]), ctx(TWO_LEADS));
    expect(r.decisions[0]!.honoured).toBe(false);
  });

  it("an empty justification is never honoured, whatever the policy permits", async () => {
    const permissive = `permit (principal, action, resource);`;
    const r = await decideOverrides([{ ...obligation, justification: "  " }], check([approval("k1", ["x"])]), ctx(permissive));
    expect(r.decisions[0]!.honoured).toBe(false);
    expect(r.findings[0]!.message).toMatch(/justification is empty/);
  });

  it("no approval is never honoured, whatever the policy permits", async () => {
    const r = await decideOverrides([obligation], check([]), ctx(`permit (principal, action, resource);`));
    expect(r.decisions[0]!.honoured).toBe(false);
  });

  it("honoured but not allowed to remove the check: the check stays", async () => {
    const text = TWO_LEADS.replace(/@id\("two-may-remove-check"\)[\s\S]*$/, "");
    const r = await decideOverrides([obligation], check([approval("k1", ["security-lead"]), approval("k2", ["security-lead"])]), ctx(text));
    expect(r.decisions[0]).toMatchObject({ honoured: true, removeCheck: false });
  });

  it("a document-wide override needs the role the policy names", async () => {
    const docReq: OverrideRequest = { scope: { kind: "document" }, path: "/security/override_status", justification: "vendor code" };
    const leads = [approval("k1", ["security-lead"], { scope: { kind: "document" } }), approval("k2", ["security-lead"], { scope: { kind: "document" } })];
    expect((await decideOverrides([docReq], check(leads), ctx(TWO_LEADS))).decisions[0]!.honoured).toBe(false);
    // leads may not approve a document-wide override at all: one CISO is below the threshold
    const oneCiso = [leads[0]!, approval("k3", ["ciso"], { scope: { kind: "document" } })];
    expect((await decideOverrides([docReq], check(oneCiso), ctx(TWO_LEADS))).decisions[0]).toMatchObject({ honoured: false, approvers: ["k3"] });
    const twoCisos = [...oneCiso, approval("k4", ["ciso", "security-lead"], { scope: { kind: "document" } })];
    const r = await decideOverrides([docReq], check(twoCisos), ctx(TWO_LEADS));
    expect(r.decisions[0]).toMatchObject({ honoured: true, removeCheck: false, approvers: ["k3", "k4"] });
  });

  it("rejections from the approvals check are named in the finding", async () => {
    const r = await decideOverrides([obligation], check([], [{ code: "APPROVAL_BAD_SIGNATURE", message: "signature does not verify", keyId: "k9" }]), ctx(TWO_LEADS));
    expect(r.findings[0]!.message).toMatch(/APPROVAL_BAD_SIGNATURE \(k9\): signature does not verify/);
  });

  it("the overrides rule set at warn: a warning, not an error", async () => {
    const r = await decideOverrides([obligation], check([]), ctx(`@level_overrides("warn")\n${TWO_LEADS}`));
    expect(r.findings[0]).toMatchObject({ severity: "warning", level: "warn" });
  });
});
