import { canonicalJson } from "./canonical-json.js";
import { checkSignatures, makeEnvelope, type Envelope, type SignatureStatus, type Signer, type TrustedKeys } from "./envelope.js";
import { sha256Hex } from "./key.js";

/**
 * The container every cache file and remote body uses (pure, no I/O):
 *   { format: "anrf-entry/1", digest: "sha256:<hex of payload bytes>", envelope: DSSE envelope }
 * The payload is the canonical JSON of a value that names its own key (checked by the caller).
 * The digest catches truncation and bit rot in unsigned entries; signatures catch tampering.
 */
export const CONTAINER_FORMAT = "anrf-entry/1";

export type ContainerErrorCode =
  | "ENTRY_PARSE" // not JSON, truncated, wrong container shape or payload type
  | "ENTRY_DIGEST" // payload bytes do not match the digest
  | "ENTRY_SHAPE" // payload is not JSON
  | "ENTRY_SIGNATURE_INVALID"; // a signature by a trusted keyid does not verify

export type Opened =
  | { readonly ok: true; readonly value: unknown; readonly signature: SignatureStatus; readonly signedBy: readonly string[] }
  | { readonly ok: false; readonly code: ContainerErrorCode; readonly message: string };

export function seal(payloadType: string, value: unknown, signer: Signer | undefined): string {
  const body = Buffer.from(canonicalJson(value), "utf8");
  const envelope = makeEnvelope(payloadType, body, signer);
  return canonicalJson({ format: CONTAINER_FORMAT, digest: `sha256:${sha256Hex(body)}`, envelope });
}

/** Parse and check integrity and signatures. Never throws. */
export function open(text: string, payloadType: string, trusted: TrustedKeys): Opened {
  let container: unknown;
  try {
    container = JSON.parse(text);
  } catch {
    return fail("ENTRY_PARSE", "not valid JSON (truncated or garbage)");
  }
  if (!isRecord(container) || container["format"] !== CONTAINER_FORMAT || typeof container["digest"] !== "string") {
    return fail("ENTRY_PARSE", `not an ${CONTAINER_FORMAT} container`);
  }
  const envelope = asEnvelope(container["envelope"]);
  if (envelope === undefined) return fail("ENTRY_PARSE", "malformed envelope");
  if (envelope.payloadType !== payloadType) return fail("ENTRY_PARSE", `unexpected payloadType ${envelope.payloadType}`);
  const body = Buffer.from(envelope.payload, "base64");
  if (container["digest"] !== `sha256:${sha256Hex(body)}`) return fail("ENTRY_DIGEST", "payload digest mismatch");
  const signature = checkSignatures(envelope, body, trusted);
  if (signature === "invalid") return fail("ENTRY_SIGNATURE_INVALID", "a signature by a trusted key does not verify");
  let value: unknown;
  try {
    value = JSON.parse(body.toString("utf8"));
  } catch {
    return fail("ENTRY_SHAPE", "payload is not JSON");
  }
  return { ok: true, value, signature, signedBy: envelope.signatures.map((s) => s.keyid) };
}

function fail(code: ContainerErrorCode, message: string): Opened {
  return { ok: false, code, message };
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function asEnvelope(value: unknown): Envelope | undefined {
  if (!isRecord(value)) return undefined;
  const { payloadType, payload, signatures } = value;
  if (typeof payloadType !== "string" || typeof payload !== "string" || !Array.isArray(signatures)) return undefined;
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(payload)) return undefined;
  for (const s of signatures) {
    if (!isRecord(s) || typeof s["keyid"] !== "string" || typeof s["sig"] !== "string") return undefined;
  }
  return { payloadType, payload, signatures: signatures as Envelope["signatures"] };
}
