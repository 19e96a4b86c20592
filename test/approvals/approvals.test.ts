/**
 * Signed override approvals (approvals/): every way an approval can be wrong is rejected with
 * its own reason code, and an override is honoured only by enough valid, authorised approvals
 * for exactly this document.
 */
import { describe, expect, it } from "vitest";
import { evaluateOverrides } from "../../approvals/overrides.js";
import { checkApprovals } from "../../approvals/verify.js";
import { subjectDigest } from "../../approvals/digest.js";
import { parseRegistry, RegistryError } from "../../approvals/registry.js";
import { pae } from "../../proofs-cache/envelope.js";
import { sign } from "node:crypto";
import { approve, approver, CODE, NOW, OBLIGATION, overrideDocument, registry } from "./fixtures.js";

const alice = approver("alice");
const bob = approver("bob");
const carol = approver("carol");
const mallory = approver("mallory");
const reg = registry(
  [
    { approver: alice, roles: ["security-lead"] },
    { approver: bob, roles: ["reviewer"] },
    { approver: carol, roles: ["security-lead"] },
  ],
  { obligation: { roles: ["security-lead"] }, document: { roles: ["security-lead"], threshold: 2 }, rule: { roles: ["security-lead"] } },
);
const scope = `obligation:${OBLIGATION}`;
const doc = overrideDocument([{ scope, justification: "callers always pass a valid index" }]);

const evaluate = (document: unknown, envelopes: unknown[], options: { code?: string; now?: Date } = {}) =>
  evaluateOverrides({ document, code: options.code ?? CODE, envelopes, registry: reg, now: options.now ?? NOW });

const codes = (outcome: ReturnType<typeof evaluate>) => outcome.check.rejected.map((r) => r.code).concat(outcome.decisions.flatMap((d) => d.rejected.map((r) => r.code)));

describe("approvals: an override is honoured only with valid signed approvals", () => {
  it("a valid approval by an authorised key honours the override, with no finding", () => {
    const outcome = evaluate(doc, [approve(doc, alice.signer, scope)]);
    expect(outcome.honoured).toEqual([{ scope, justification: "callers always pass a valid index", approvers: ["alice"], expires: "2027-01-01T00:00:00Z" }]);
    expect(outcome.findings).toEqual([]);
  });

  it("no approvals at all: not honoured, an `override` error finding at the request", () => {
    const outcome = evaluate(doc, []);
    expect(outcome.honoured).toEqual([]);
    expect(outcome.findings).toEqual([expect.objectContaining({ ruleId: "override", severity: "error", path: "/security/x-anrf-overrides/0" })]);
    expect(codes(outcome)).toContain("ANRF_OVERRIDE_BELOW_THRESHOLD");
  });

  it("unsigned envelope → ANRF_APPROVAL_UNSIGNED", () => {
    const unsigned = { ...approve(doc, alice.signer, scope), signatures: [] };
    const outcome = evaluate(doc, [unsigned]);
    expect(outcome.honoured).toEqual([]);
    expect(codes(outcome)).toContain("ANRF_APPROVAL_UNSIGNED");
    expect(outcome.findings[0]!.message).toMatch(/ANRF_APPROVAL_UNSIGNED/);
  });

  it("signed with another key than the keyid claims (wrong key) → ANRF_APPROVAL_BAD_SIGNATURE", () => {
    const forged = approve(doc, { ...bob.signer, keyid: "alice" }, scope);
    const outcome = evaluate(doc, [forged]);
    expect(outcome.honoured).toEqual([]);
    expect(outcome.check.rejected).toEqual([expect.objectContaining({ code: "ANRF_APPROVAL_BAD_SIGNATURE", keyId: "alice", envelopeIndex: 0 })]);
  });

  it("a key not in the registry → ANRF_APPROVAL_UNKNOWN_KEY", () => {
    const outcome = evaluate(doc, [approve(doc, mallory.signer, scope)]);
    expect(outcome.honoured).toEqual([]);
    expect(outcome.check.rejected).toEqual([expect.objectContaining({ code: "ANRF_APPROVAL_UNKNOWN_KEY", keyId: "mallory" })]);
  });

  it("a registered key whose roles may not approve this scope → ANRF_APPROVAL_ROLE", () => {
    const outcome = evaluate(doc, [approve(doc, bob.signer, scope)]);
    expect(outcome.check.approved).toHaveLength(1); // genuine…
    expect(outcome.honoured).toEqual([]); // …but not authorised
    expect(codes(outcome)).toEqual(expect.arrayContaining(["ANRF_APPROVAL_ROLE", "ANRF_OVERRIDE_BELOW_THRESHOLD"]));
  });

  it("expired → ANRF_APPROVAL_EXPIRED (and valid one instant before the expiry)", () => {
    const envelope = approve(doc, alice.signer, scope, { expires: "2026-12-03T12:00:00Z" });
    expect(codes(evaluate(doc, [envelope]))).toContain("ANRF_APPROVAL_EXPIRED");
    expect(evaluate(doc, [envelope], { now: new Date("2026-12-03T11:59:59.999Z") }).honoured).toHaveLength(1);
  });

  it("below the threshold: the document scope needs 2 distinct approvers", () => {
    const whole = overrideDocument(undefined);
    const one = evaluate(whole, [approve(whole, alice.signer, "document")]);
    expect(one.honoured).toEqual([]);
    expect(codes(one)).toContain("ANRF_OVERRIDE_BELOW_THRESHOLD");
    const two = evaluate(whole, [approve(whole, alice.signer, "document"), approve(whole, carol.signer, "document")]);
    expect(two.honoured).toEqual([expect.objectContaining({ scope: "document", approvers: ["alice", "carol"] })]);
  });

  it("the same approver twice counts once → ANRF_APPROVAL_DUPLICATE, threshold not met", () => {
    const whole = overrideDocument(undefined);
    const outcome = evaluate(whole, [approve(whole, alice.signer, "document"), approve(whole, alice.signer, "document", { justification: "again" })]);
    expect(outcome.honoured).toEqual([]);
    expect(codes(outcome)).toEqual(expect.arrayContaining(["ANRF_APPROVAL_DUPLICATE", "ANRF_OVERRIDE_BELOW_THRESHOLD"]));
  });

  it("one key registered under two ids cannot be two approvers: the registry is refused", () => {
    expect(() =>
      parseRegistry({ keys: [{ id: "alice", publicKey: alice.publicPem, roles: ["x"] }, { id: "alice2", publicKey: alice.publicPem, roles: ["x"] }], scopes: {} }, "r.json"),
    ).toThrow(RegistryError);
  });

  it("a signature over other content (payload edited after signing) → ANRF_APPROVAL_BAD_SIGNATURE", () => {
    const envelope = approve(doc, alice.signer, scope, { expires: "2027-01-01T00:00:00Z" });
    const statement = JSON.parse(Buffer.from(envelope.payload, "base64").toString("utf8"));
    statement.predicate.expires = "2099-01-01T00:00:00Z";
    const edited = { ...envelope, payload: Buffer.from(JSON.stringify(statement)).toString("base64") };
    expect(evaluate(doc, [edited]).check.rejected).toEqual([expect.objectContaining({ code: "ANRF_APPROVAL_BAD_SIGNATURE" })]);
    // The payload type is signed too (DSSE PAE).
    const retyped = { ...envelope, payloadType: "application/json" };
    expect(codes(evaluate(doc, [retyped]))).toContain("ANRF_APPROVAL_MALFORMED");
  });

  it("a genuine signature over a statement of another predicate type is not an approval → ANRF_APPROVAL_MALFORMED", () => {
    const statement = { _type: "https://in-toto.io/Statement/v1", subject: [{ name: "d", digest: { sha256: subjectDigest(doc, CODE).slice(7) } }], predicateType: "https://slsa.dev/provenance/v1", predicate: {} };
    const body = Buffer.from(JSON.stringify(statement));
    const sig = sign(null, pae("application/vnd.in-toto+json", body), alice.signer.privateKey).toString("base64");
    const envelope = { payloadType: "application/vnd.in-toto+json", payload: body.toString("base64"), signatures: [{ keyid: "alice", sig }] };
    expect(evaluate(doc, [envelope]).check.rejected).toEqual([expect.objectContaining({ code: "ANRF_APPROVAL_MALFORMED" })]);
  });

  it("code changed after approval → ANRF_APPROVAL_SUBJECT_MISMATCH", () => {
    const envelope = approve(doc, alice.signer, scope);
    const changedCode = CODE.replace("a[i]!", "a[i]! ");
    const changed = { ...doc, execution: { ...doc.execution, code: changedCode } };
    const outcome = evaluate(changed, [envelope], { code: changedCode });
    expect(outcome.honoured).toEqual([]);
    expect(codes(outcome)).toContain("ANRF_APPROVAL_SUBJECT_MISMATCH");
  });

  it("security metadata changed after approval (a limit, a justification) → ANRF_APPROVAL_SUBJECT_MISMATCH", () => {
    const envelope = approve(doc, alice.signer, scope);
    const bigger = structuredClone(doc);
    bigger.security.isolation_requirements.resource_limits.memory = 4096;
    expect(codes(evaluate(bigger, [envelope]))).toContain("ANRF_APPROVAL_SUBJECT_MISMATCH");
    const rejustified = structuredClone(doc);
    rejustified.security["x-anrf-overrides"][0].justification = "something else";
    expect(codes(evaluate(rejustified, [envelope]))).toContain("ANRF_APPROVAL_SUBJECT_MISMATCH");
    // Filling in override_approval (who approved) or appending history does not void it.
    const recorded = structuredClone(doc);
    recorded.security.override_approval.approval_context = "approved in SEC-2";
    recorded.security.audit_trail.push({ event_type: "Override", timestamp: "2026-12-02T00:00:00Z", actor_id: "alice", description: "approved" });
    expect(evaluate(recorded, [envelope]).honoured).toHaveLength(1);
  });

  it("an approval copied from another document → ANRF_APPROVAL_SUBJECT_MISMATCH", () => {
    const other = overrideDocument([{ scope, justification: "callers always pass a valid index" }]);
    other.intent.description = "another document with the same code and override";
    const copied = approve(other, alice.signer, scope);
    const outcome = evaluate(doc, [copied]);
    expect(outcome.honoured).toEqual([]);
    expect(outcome.check.rejected).toEqual([expect.objectContaining({ code: "ANRF_APPROVAL_SUBJECT_MISMATCH", keyId: "alice" })]);
  });

  it("an approval of another scope does not honour this one", () => {
    const outcome = evaluate(doc, [approve(doc, alice.signer, "rule:anrf/bounds")]);
    expect(outcome.honoured).toEqual([]);
  });

  it("override_approval.approver_id naming a key that did not sign → finding at its pointer", () => {
    const named = overrideDocument([{ scope, justification: "callers always pass a valid index" }], "carol");
    const outcome = evaluate(named, [approve(named, alice.signer, scope)]);
    expect(outcome.honoured).toHaveLength(1);
    expect(outcome.findings).toEqual([expect.objectContaining({ ruleId: "override", severity: "error", path: "/security/override_approval/approver_id" })]);
  });

  it("an empty justification is never honoured, whatever the approvals", () => {
    const blank = overrideDocument([{ scope, justification: "  " }]);
    const outcome = evaluate(blank, [approve(blank, alice.signer, scope)]);
    expect(outcome.honoured).toEqual([]);
    expect(outcome.findings).toEqual([expect.objectContaining({ path: "/security/x-anrf-overrides/0/justification" })]);
  });

  it("rules about overrides themselves cannot be overridden; a list without override_status honours nothing", () => {
    const selfish = overrideDocument([{ scope: "rule:V6.1.6", justification: "no approval needed" }]);
    expect(evaluate(selfish, []).findings).toEqual([expect.objectContaining({ path: "/security/x-anrf-overrides/0/scope", message: expect.stringMatching(/cannot be overridden/) })]);
    const undeclared = structuredClone(doc);
    undeclared.security.override_status = false;
    const outcome = evaluate(undeclared, [approve(undeclared, alice.signer, scope)]);
    expect(outcome.honoured).toEqual([]);
    expect(outcome.findings[0]!.message).toMatch(/override_status is false/);
  });

  it("garbage in the sidecar list is rejected, never thrown", () => {
    const outcome = evaluate(doc, [null, 42, "x", { payloadType: 1 }, { payloadType: "application/vnd.in-toto+json", payload: "!!", signatures: [{ keyid: "alice", sig: "AAAA" }] }]);
    expect(outcome.honoured).toEqual([]);
    expect(outcome.check.rejected.map((r) => r.code)).toEqual(["ANRF_APPROVAL_MALFORMED", "ANRF_APPROVAL_MALFORMED", "ANRF_APPROVAL_MALFORMED", "ANRF_APPROVAL_MALFORMED", "ANRF_APPROVAL_BAD_SIGNATURE"]);
  });

  it("checkApprovals reports the approval's facts as the seam for the policy's decision", () => {
    const check = checkApprovals({ subjectDigest: subjectDigest(doc, CODE), envelopes: [approve(doc, bob.signer, scope)], registry: reg, now: NOW });
    expect(check.approved).toEqual([expect.objectContaining({ keyId: "bob", roles: ["reviewer"], scope: { kind: "obligation", id: OBLIGATION }, justification: "reviewed in SEC-1", expires: "2027-01-01T00:00:00Z" })]);
  });
});
