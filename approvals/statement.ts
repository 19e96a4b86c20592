/**
 * An approval is a DSSE envelope (payloadType `application/vnd.in-toto+json`) around an in-toto
 * Statement v1:
 *
 *   { "_type": "https://in-toto.io/Statement/v1",
 *     "subject": [{ "name": "<document file name>", "digest": { "sha256": "<subject digest>" } }],
 *     "predicateType": "https://anrf.dev/attestations/override-approval/v1",
 *     "predicate": { "scope": "obligation:<id>" | "rule:<id>" | "document",
 *                    "justification": "…", "expires": "<RFC 3339>", "approvedAt": "<RFC 3339>" } }
 *
 * The subject name is informative only; the digest (digest.ts) is what binds the approval.
 */
import { canonicalJson } from "../proofs-cache/canonical-json.js";
import { makeEnvelope, type Envelope, type Signer } from "../proofs-cache/envelope.js";
import { digestHex, type SubjectDigest } from "./digest.js";

export const IN_TOTO_PAYLOAD_TYPE = "application/vnd.in-toto+json";
export const STATEMENT_TYPE = "https://in-toto.io/Statement/v1";
export const APPROVAL_PREDICATE_TYPE = "https://anrf.dev/attestations/override-approval/v1";

export type OverrideScope = { readonly kind: "document" } | { readonly kind: "obligation"; readonly id: string } | { readonly kind: "rule"; readonly id: string };

export const formatScope = (scope: OverrideScope): string => (scope.kind === "document" ? "document" : `${scope.kind}:${scope.id}`);

export const sameScope = (a: OverrideScope, b: OverrideScope): boolean => formatScope(a) === formatScope(b);

/** `document`, `obligation:<id>` or `rule:<id>` (ids: printable, no spaces or control characters). */
export function parseScope(text: unknown): OverrideScope | undefined {
  if (typeof text !== "string") return undefined;
  if (text === "document") return { kind: "document" };
  const m = /^(obligation|rule):([\x21-\x7e]{1,256})$/.exec(text);
  return m === null ? undefined : { kind: m[1] as "obligation" | "rule", id: m[2]! };
}

export interface ApprovalPredicate {
  readonly scope: string;
  readonly justification: string;
  readonly expires: string;
  readonly approvedAt: string;
}

export function approvalStatement(subject: SubjectDigest, name: string, predicate: ApprovalPredicate) {
  return {
    _type: STATEMENT_TYPE,
    subject: [{ name, digest: { sha256: digestHex(subject) } }],
    predicateType: APPROVAL_PREDICATE_TYPE,
    predicate,
  };
}

export function signApproval(subject: SubjectDigest, name: string, predicate: ApprovalPredicate, signer: Signer): Envelope {
  const body = Buffer.from(canonicalJson(approvalStatement(subject, name, predicate)), "utf8");
  return makeEnvelope(IN_TOTO_PAYLOAD_TYPE, body, signer);
}

/** `30d`, `12h`, `90m`, `2w` → milliseconds (undefined when not a positive duration). */
export function parseDuration(text: string): number | undefined {
  const m = /^(\d{1,6})([mhdw])$/.exec(text.trim());
  if (m === null) return undefined;
  const n = Number(m[1]);
  const unit = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 }[m[2] as "m" | "h" | "d" | "w"];
  return n > 0 ? n * unit : undefined;
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
export const parseTime = (text: unknown): number | undefined => (typeof text === "string" && RFC3339.test(text) && Number.isFinite(Date.parse(text)) ? Date.parse(text) : undefined);
