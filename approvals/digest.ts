/**
 * The subject an approval signs: sha256 of the canonical JSON of `{ code, document }` where
 * `code` is the module's exact text (inline `execution.code` or the file `execution.source`
 * names) and `document` is the whole document — security metadata, contracts, entities, mounts,
 * the `x-anrf-overrides` list — minus exactly two members that record *about* the approval rather
 * than what is approved: `security.override_approval` (it names the signer, so it can only be
 * filled in once the signer is known) and `security.audit_trail` (history appended after the
 * fact). Anything else changing — one character of code, a limit, a contract clause, a
 * justification — gives another digest and voids every approval. Covering the whole document,
 * not only the `security` section, matters: a contract clause decides what an obligation id means.
 */
import { createHash } from "node:crypto";
import { canonicalJson } from "../proofs-cache/canonical-json.js";

/** `sha256:<hex>`. */
export type SubjectDigest = string;

export function subjectDigest(document: unknown, code?: string | undefined): SubjectDigest {
  const doc = (document ?? {}) as Record<string, unknown>;
  const security = doc["security"];
  let bound: Record<string, unknown> = doc;
  if (security !== null && typeof security === "object" && !Array.isArray(security)) {
    const { override_approval: _approval, audit_trail: _trail, ...rest } = security as Record<string, unknown>;
    bound = { ...doc, security: rest };
  }
  const text = canonicalJson({ code: code ?? null, document: bound });
  return `sha256:${createHash("sha256").update(text, "utf8").digest("hex")}`;
}

/** The hex part of a digest (in-toto subjects carry `{ sha256: hex }`). */
export const digestHex = (digest: SubjectDigest): string => digest.replace(/^sha256:/, "");
