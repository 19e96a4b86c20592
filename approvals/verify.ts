/**
 * `checkApprovals`: which approval envelopes are genuine for this exact document. Pure (the
 * registry and the clock come in). For every signature of every envelope, in this order:
 *   shape → a DSSE envelope of in-toto JSON                       ANRF_APPROVAL_MALFORMED
 *   signed at all                                                ANRF_APPROVAL_UNSIGNED
 *   by a key in the operator's registry                          ANRF_APPROVAL_UNKNOWN_KEY
 *   the signature verifies over PAE(type, payload) with that key ANRF_APPROVAL_BAD_SIGNATURE
 *   the payload is a Statement v1 with our predicate             ANRF_APPROVAL_MALFORMED
 *   its subject digest is this document's                        ANRF_APPROVAL_SUBJECT_MISMATCH
 *   not expired                                                  ANRF_APPROVAL_EXPIRED
 *   not a second approval of the same scope by the same key      ANRF_APPROVAL_DUPLICATE
 * Whether the key's roles and the number of approvers suffice for a scope is a separate
 * decision (decide.ts; the policy room's decideOverrides at merge). Nothing here trusts the
 * envelope's own claims (keyid, subject name) beyond using them to look things up.
 */
import { verify } from "node:crypto";
import { pae } from "../proofs-cache/envelope.js";
import { digestHex, subjectDigest } from "./digest.js";
import type { KeyRegistry } from "./registry.js";
import { APPROVAL_PREDICATE_TYPE, IN_TOTO_PAYLOAD_TYPE, STATEMENT_TYPE, formatScope, parseScope, parseTime, type OverrideScope } from "./statement.js";

export { subjectDigest };
export type { OverrideScope };

export interface VerifiedApproval {
  readonly keyId: string;
  readonly roles: readonly string[];
  readonly scope: OverrideScope;
  readonly justification: string;
  readonly expires: string;
  /** sha256 of the signer's raw public key: distinct approvers are distinct fingerprints. */
  readonly fingerprint: string;
  readonly approvedAt: string;
  readonly envelopeIndex: number;
}

export type ApprovalRejectionCode =
  | "ANRF_APPROVAL_MALFORMED"
  | "ANRF_APPROVAL_UNSIGNED"
  | "ANRF_APPROVAL_UNKNOWN_KEY"
  | "ANRF_APPROVAL_BAD_SIGNATURE"
  | "ANRF_APPROVAL_SUBJECT_MISMATCH"
  | "ANRF_APPROVAL_EXPIRED"
  | "ANRF_APPROVAL_DUPLICATE"
  | "ANRF_APPROVAL_ROLE"
  | "ANRF_OVERRIDE_BELOW_THRESHOLD"
  | "ANRF_OVERRIDE_SCOPE_NOT_APPROVABLE";

export interface ApprovalRejection {
  readonly code: ApprovalRejectionCode | (string & {});
  readonly message: string;
  readonly keyId?: string | undefined;
  readonly envelopeIndex?: number | undefined;
}

export interface ApprovalCheck {
  readonly approved: readonly VerifiedApproval[];
  readonly rejected: readonly ApprovalRejection[];
}

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

/** The keyid is printed in messages: keep it short and free of control characters. */
const shown = (keyid: string): string => JSON.stringify(keyid.length > 80 ? `${keyid.slice(0, 80)}…` : keyid);

/** More envelopes than this are not examined (each costs a signature check): the rest are rejected. */
export const MAX_APPROVALS = 256;

export function checkApprovals(input: { readonly subjectDigest: string; readonly envelopes: readonly unknown[]; readonly registry: KeyRegistry; readonly now: Date }): ApprovalCheck {
  const approved: VerifiedApproval[] = [];
  const rejected: ApprovalRejection[] = [];
  const seen = new Set<string>();
  const now = input.now.getTime();
  input.envelopes.forEach((envelope, envelopeIndex) => {
    const reject = (code: ApprovalRejectionCode, message: string, keyId?: string) => void rejected.push({ code, message: `approval #${envelopeIndex + 1}: ${message}`, envelopeIndex, ...(keyId === undefined ? {} : { keyId }) });
    if (envelopeIndex >= MAX_APPROVALS) return reject("ANRF_APPROVAL_MALFORMED", `more than ${MAX_APPROVALS} approvals: not examined`);
    if (!isRecord(envelope) || typeof envelope["payload"] !== "string" || typeof envelope["payloadType"] !== "string" || !Array.isArray(envelope["signatures"])) {
      return reject("ANRF_APPROVAL_MALFORMED", "not a DSSE envelope { payloadType, payload, signatures }");
    }
    if (envelope["payloadType"] !== IN_TOTO_PAYLOAD_TYPE) return reject("ANRF_APPROVAL_MALFORMED", `payloadType is not ${IN_TOTO_PAYLOAD_TYPE}`);
    const signatures = envelope["signatures"] as unknown[];
    if (signatures.length === 0) return reject("ANRF_APPROVAL_UNSIGNED", "the envelope carries no signature");
    if (signatures.length > 16) return reject("ANRF_APPROVAL_MALFORMED", "more than 16 signatures on one envelope");
    const body = Buffer.from(envelope["payload"], "base64");
    const message = pae(IN_TOTO_PAYLOAD_TYPE, body);
    for (const signature of signatures) {
      if (!isRecord(signature) || typeof signature["keyid"] !== "string" || typeof signature["sig"] !== "string") {
        reject("ANRF_APPROVAL_MALFORMED", "a signature is not { keyid, sig }");
        continue;
      }
      const keyid = signature["keyid"];
      const key = input.registry.keys.get(keyid);
      if (key === undefined) {
        reject("ANRF_APPROVAL_UNKNOWN_KEY", `signed by key ${shown(keyid)}, which is not in the operator's key registry`, keyid);
        continue;
      }
      let valid = false;
      try {
        valid = verify(null, message, key.publicKey, Buffer.from(signature["sig"], "base64"));
      } catch {
        valid = false;
      }
      if (!valid) {
        reject("ANRF_APPROVAL_BAD_SIGNATURE", `the signature claimed for key ${shown(keyid)} does not verify over this payload (wrong key, or the content was changed after signing)`, keyid);
        continue;
      }
      const statement = readStatement(body);
      if (typeof statement === "string") {
        reject("ANRF_APPROVAL_MALFORMED", statement, keyid);
        continue;
      }
      if (!statement.digests.includes(digestHex(input.subjectDigest))) {
        reject("ANRF_APPROVAL_SUBJECT_MISMATCH", `signed by ${shown(keyid)} for other content (the code or security metadata changed since, or the approval belongs to another document)`, keyid);
        continue;
      }
      if (statement.expiresAt <= now) {
        reject("ANRF_APPROVAL_EXPIRED", `the approval by ${shown(keyid)} for ${formatScope(statement.scope)} expired at ${statement.expires}`, keyid);
        continue;
      }
      const once = `${key.fingerprint}\0${formatScope(statement.scope)}`;
      if (seen.has(once)) {
        reject("ANRF_APPROVAL_DUPLICATE", `a second approval of ${formatScope(statement.scope)} by the same key ${shown(keyid)}: counted once`, keyid);
        continue;
      }
      seen.add(once);
      approved.push({ keyId: keyid, roles: key.roles, scope: statement.scope, justification: statement.justification, expires: statement.expires, fingerprint: key.fingerprint, approvedAt: statement.approvedAt, envelopeIndex });
    }
  });
  return { approved, rejected };
}

interface ReadStatement {
  readonly digests: readonly string[];
  readonly scope: OverrideScope;
  readonly justification: string;
  readonly expires: string;
  readonly expiresAt: number;
  readonly approvedAt: string;
}

function readStatement(body: Buffer): ReadStatement | string {
  let value: unknown;
  try {
    value = JSON.parse(body.toString("utf8"));
  } catch {
    return "the payload is not JSON";
  }
  if (!isRecord(value) || value["_type"] !== STATEMENT_TYPE) return `the payload is not an in-toto Statement (${STATEMENT_TYPE})`;
  if (value["predicateType"] !== APPROVAL_PREDICATE_TYPE) return `predicateType is not ${APPROVAL_PREDICATE_TYPE}`;
  const subjects = value["subject"];
  if (!Array.isArray(subjects) || subjects.length === 0) return "the statement names no subject";
  const digests = subjects.map((s) => (isRecord(s) && isRecord(s["digest"]) && typeof s["digest"]["sha256"] === "string" ? s["digest"]["sha256"] : ""));
  const p = value["predicate"];
  if (!isRecord(p)) return "the statement has no predicate";
  const scope = parseScope(p["scope"]);
  if (scope === undefined) return "predicate.scope is not document, obligation:<id> or rule:<id>";
  if (typeof p["justification"] !== "string" || p["justification"].trim() === "") return "predicate.justification is empty";
  const expiresAt = parseTime(p["expires"]);
  if (expiresAt === undefined) return "predicate.expires is not an RFC 3339 time";
  return { digests, scope, justification: p["justification"], expires: p["expires"] as string, expiresAt, approvedAt: typeof p["approvedAt"] === "string" ? p["approvedAt"] : "" };
}
