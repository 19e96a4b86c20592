/**
 * An honoured obligation override removes its runtime check only when the policy says so
 * (removeCheck); otherwise the check stays. Verified approvals are hand-built (the approvals
 * room verifies signatures); the obligation comes from the real verifier.
 */
import { beforeAll, afterAll, describe, expect, it } from "vitest";
import { DecisionCache, type ApprovalCheck } from "../../policy/index.js";
import { DEFAULT_POLICY } from "../../policy/default-policy.js";
import { run, SandboxPool } from "../../runtime/index.js";
import type { LoadedDocument } from "../../spec/load.js";
import { verifyDocument, workBounded } from "../../verifier/index.js";
import type { ObligationResult } from "../../verifier/obligation.js";
import { makeDocument, policy } from "./helpers.js";

const pool = new SandboxPool();
afterAll(async () => {
  await pool.close();
});

const APPROVE = `
@id("leads-approve") permit (principal in Anrf::Role::"security-lead", action == Anrf::Action::"approveOverride", resource);
@id("two-leads") permit (principal, action == Anrf::Action::"honourOverride", resource) when { context.approvers >= 2 && context.justified };`;
const REMOVE = `
@id("remove") permit (principal, action == Anrf::Action::"removeCheck", resource) when { resource.kind == "obligation" };`;

let doc: LoadedDocument;
let obligations: readonly ObligationResult[];
let bounds: ObligationResult;

beforeAll(async () => {
  doc = await makeDocument({ code: `export function at(a: number[], i: number): number { return a[i]!; }`, functions: ["at"] });
  obligations = (await verifyDocument(doc, { cwd: process.cwd(), ...workBounded(12_000_000, 3_000_000) })).obligations;
  bounds = obligations.find((o) => o.kind === "bounds")!;
});

function approvals(n: number): ApprovalCheck {
  return {
    approved: Array.from({ length: n }, (_, i) => ({ keyId: `lead-${i}`, roles: ["security-lead"], scope: { kind: "obligation" as const, id: bounds.id }, justification: "callers pass valid indexes", expires: "2999-01-01T00:00:00Z", fingerprint: `sha256:lead-${i}`, approvedAt: "2026-01-01T00:00:00Z", envelopeIndex: i })),
    rejected: [],
  };
}

const runWith = (text: string, n: number) =>
  run(doc, "at", [[1], 5], {
    verification: obligations,
    audit: false,
    pool,
    operatorPolicy: { source: policy(`${DEFAULT_POLICY}${text}`), cache: new DecisionCache(), approvals: approvals(n), overrideRequests: [{ scope: { kind: "obligation", id: bounds.id }, path: "/security/x-anrf-overrides/0", justification: "callers pass valid indexes" }] },
  });

describe("obligation overrides at run time", () => {
  it("the bounds obligation is not proved (so its check is in)", () => {
    expect(bounds).toBeDefined();
    expect(bounds.status).not.toBe("proved");
  });

  it("honoured without removeCheck: the check stays and catches the read", async () => {
    const r = await runWith(APPROVE, 2);
    expect(r.policy!.overrides).toMatchObject([{ honoured: true, removeCheck: false }]);
    expect(r.status).toBe("violation");
  });

  it("honoured with removeCheck: the check is removed", async () => {
    const r = await runWith(APPROVE + REMOVE, 2);
    expect(r.policy!.overrides).toMatchObject([{ honoured: true, removeCheck: true }]);
    expect(r.status).toBe("ok");
    expect(r.security.checksSkippedByProof).toBeGreaterThan(0);
  });

  it("below the threshold: not honoured, the run is refused (overrides enforce)", async () => {
    const r = await runWith(APPROVE + REMOVE, 1);
    expect(r.error?.code).toBe("ANRF_POLICY_DENIED");
    expect(r.error?.message).toMatch(/override of obligation:.* is not honoured/);
  });
});
