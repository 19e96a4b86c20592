/** A document that requests overrides, approvers' keys and a registry, for the approvals tests. */
import { generateKeyPairSync } from "node:crypto";
import { readFileSync } from "node:fs";
import { signerFromPrivateKey, type Signer } from "../../proofs-cache/envelope.js";
import { parseRegistry, type KeyRegistry } from "../../approvals/registry.js";
import { subjectDigest } from "../../approvals/digest.js";
import { signApproval } from "../../approvals/statement.js";

const template = JSON.parse(readFileSync(new URL("../../examples/read-note.anrf.json", import.meta.url), "utf8")) as Record<string, any>;

export const CODE = "export function at(a: number[], i: number): number { return a[i]!; }\n";
export const OBLIGATION = "ENT-AT/bounds/1:61";

/** A valid document with inline code `at(a, i)` whose bounds obligation is refuted, requesting `overrides`. */
export function overrideDocument(overrides: ReadonlyArray<{ scope: string; justification: string }> | undefined, approverId = "alice"): Record<string, any> {
  const d = structuredClone(template);
  delete d.execution.source;
  delete d.execution["x-anrf-filesystem-mounts"];
  d.security.isolation_requirements.resource_limits.filesystem = "None";
  d.execution.code = CODE;
  const entity = { ...structuredClone(template.semantics.entities[0]), id: "ENT-AT", name: "at" };
  d.semantics.entities = [entity];
  d.semantics.security_contracts = [{ id: "SC-1", description: "at", preconditions: [], postconditions: [], invariants: [], applies_to: ["ENT-AT"] }];
  d.semantics.invariants = [];
  d.security.override_status = true;
  d.security.override_justification = "legacy kernel: callers guarantee the index";
  d.security.override_approval = { approver_id: approverId, approval_timestamp: "2026-12-01T00:00:00Z", approval_context: "SEC-1" };
  d.intent.security_intentions.override_intention = { allowed: true, conditions: "only this kernel", justification: "performance" };
  d.execution.security_enforcement.override_mechanisms.enabled = true;
  if (overrides !== undefined) d.security["x-anrf-overrides"] = overrides;
  return d;
}

export interface Approver {
  readonly id: string;
  readonly signer: Signer;
  readonly publicPem: string;
}

export function approver(id: string): Approver {
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  const signer = { ...signerFromPrivateKey(privateKey), keyid: id };
  return { id, signer, publicPem: publicKey.export({ format: "pem", type: "spki" }).toString() };
}

export function registry(entries: ReadonlyArray<{ approver: Approver; roles: string[] }>, scopes: Record<string, unknown>): KeyRegistry {
  return parseRegistry({ keys: entries.map((e) => ({ id: e.approver.id, publicKey: e.approver.publicPem, roles: e.roles })), scopes }, "test-registry");
}

export const NOW = new Date("2026-12-03T12:00:00Z");

export function approve(doc: unknown, by: Signer, scope: string, options: { expires?: string; justification?: string; code?: string } = {}) {
  return signApproval(subjectDigest(doc, options.code ?? CODE), "doc.anrf.json", { scope, justification: options.justification ?? "reviewed in SEC-1", expires: options.expires ?? "2027-01-01T00:00:00Z", approvedAt: NOW.toISOString() }, by);
}
