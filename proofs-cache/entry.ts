import type { Counterexample, ObligationStatus, SolverLimits, Verdict } from "../verifier/obligation.js";
import { canonicalJson } from "./canonical-json.js";
import { checkSignatures, makeEnvelope, type Envelope, type SignatureStatus, type Signer, type TrustedKeys } from "./envelope.js";
import { sha256Hex } from "./key.js";

/**
 * One cached verdict, as stored locally and remotely (pure encode/decode, no I/O).
 *
 * File / HTTP body = canonical JSON of
 *   { format: "anrf-entry/1", digest: "sha256:<hex of payload bytes>", envelope: DSSE envelope }
 * where the envelope payload is the canonical JSON of a VerdictEntry. The digest catches
 * truncation and bit rot in unsigned entries; the signature (when present) catches tampering;
 * `key` inside the signed payload catches an entry replayed under another key.
 */
export const VERDICT_PAYLOAD_TYPE = "application/vnd.anrf.verdict+json";
export const ENTRY_FORMAT = "anrf-entry/1";
export const VALUE_FORMAT = "anrf-verdict/1";

export interface VerdictEntry {
  readonly format: typeof VALUE_FORMAT;
  /** The storage key (entryKey()) this value is for. */
  readonly key: string;
  readonly verdict: Verdict;
  readonly solverVersion: string;
  readonly encodingVersion: string;
  /** The limits the verdict was produced under (what the reuse rule compares for unknowns). */
  readonly limits: SolverLimits;
  /** ISO 8601. */
  readonly createdAt: string;
}

export type DecodeErrorCode =
  | "ENTRY_PARSE" // not JSON, truncated, wrong container shape
  | "ENTRY_DIGEST" // payload bytes do not match the digest
  | "ENTRY_SHAPE" // payload is not a well-formed VerdictEntry
  | "ENTRY_KEY_MISMATCH" // payload is for another key (replay) or other versions
  | "ENTRY_SIGNATURE_INVALID"; // a signature by a trusted keyid does not verify

export type Decoded =
  | { readonly ok: true; readonly entry: VerdictEntry; readonly signature: SignatureStatus; readonly signedBy: readonly string[] }
  | { readonly ok: false; readonly code: DecodeErrorCode; readonly message: string };

export function encodeEntry(entry: VerdictEntry, signer: Signer | undefined): string {
  const body = Buffer.from(canonicalJson(entry), "utf8");
  const envelope = makeEnvelope(VERDICT_PAYLOAD_TYPE, body, signer);
  return canonicalJson({ format: ENTRY_FORMAT, digest: `sha256:${sha256Hex(body)}`, envelope });
}

/** Decode and check integrity, shape, key and signatures. Never throws. */
export function decodeEntry(text: string, expectedKey: string | undefined, trusted: TrustedKeys): Decoded {
  let container: unknown;
  try {
    container = JSON.parse(text);
  } catch {
    return fail("ENTRY_PARSE", "not valid JSON (truncated or garbage)");
  }
  if (!isRecord(container) || container["format"] !== ENTRY_FORMAT || typeof container["digest"] !== "string") {
    return fail("ENTRY_PARSE", `not an ${ENTRY_FORMAT} container`);
  }
  const envelope = asEnvelope(container["envelope"]);
  if (envelope === undefined) return fail("ENTRY_PARSE", "malformed envelope");
  if (envelope.payloadType !== VERDICT_PAYLOAD_TYPE) return fail("ENTRY_PARSE", `unexpected payloadType ${envelope.payloadType}`);
  const body = Buffer.from(envelope.payload, "base64");
  if (container["digest"] !== `sha256:${sha256Hex(body)}`) return fail("ENTRY_DIGEST", "payload digest mismatch");
  let value: unknown;
  try {
    value = JSON.parse(body.toString("utf8"));
  } catch {
    return fail("ENTRY_SHAPE", "payload is not JSON");
  }
  const entry = asVerdictEntry(value);
  if (entry === undefined) return fail("ENTRY_SHAPE", "payload is not a verdict entry");
  if (expectedKey !== undefined && entry.key !== expectedKey) {
    return fail("ENTRY_KEY_MISMATCH", `entry is for key ${entry.key.slice(0, 12)}…, not ${expectedKey.slice(0, 12)}…`);
  }
  const signature = checkSignatures(envelope, body, trusted);
  if (signature === "invalid") return fail("ENTRY_SIGNATURE_INVALID", "a signature by a trusted key does not verify");
  return { ok: true, entry, signature, signedBy: envelope.signatures.map((s) => s.keyid) };
}

function fail(code: DecodeErrorCode, message: string): Decoded {
  return { ok: false, code, message };
}

function isRecord(value: unknown): value is Record<string, unknown> {
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

const STATUSES: readonly ObligationStatus[] = ["proved", "refuted", "unknown", "unsupported", "informal"];

function asVerdictEntry(value: unknown): VerdictEntry | undefined {
  if (!isRecord(value) || value["format"] !== VALUE_FORMAT) return undefined;
  const { key, verdict, solverVersion, encodingVersion, limits, createdAt } = value;
  if (typeof key !== "string" || typeof solverVersion !== "string" || typeof encodingVersion !== "string") return undefined;
  if (typeof createdAt !== "string") return undefined;
  if (!isRecord(limits) || !isNonNegative(limits["timeoutMs"]) || !isNonNegative(limits["rlimit"])) return undefined;
  const parsed = asVerdict(verdict);
  if (parsed === undefined) return undefined;
  return {
    format: VALUE_FORMAT,
    key,
    verdict: parsed,
    solverVersion,
    encodingVersion,
    limits: { timeoutMs: limits["timeoutMs"] as number, rlimit: limits["rlimit"] as number },
    createdAt,
  };
}

function asVerdict(value: unknown): Verdict | undefined {
  if (!isRecord(value)) return undefined;
  const { status, reason, counterexample, cost } = value;
  if (typeof status !== "string" || !STATUSES.includes(status as ObligationStatus) || typeof reason !== "string") return undefined;
  let model: Counterexample | null = null;
  if (counterexample !== null && counterexample !== undefined) {
    if (!isRecord(counterexample)) return undefined;
    for (const v of Object.values(counterexample)) {
      if (v !== null && typeof v !== "string" && typeof v !== "number" && typeof v !== "boolean") return undefined;
    }
    model = counterexample as Counterexample;
  }
  let parsedCost: Verdict["cost"];
  if (cost !== undefined) {
    if (!isRecord(cost) || !isNonNegative(cost["timeMs"])) return undefined;
    if (cost["rlimit"] !== undefined && !isNonNegative(cost["rlimit"])) return undefined;
    parsedCost = { timeMs: cost["timeMs"] as number, rlimit: cost["rlimit"] as number | undefined };
  }
  return { status: status as ObligationStatus, reason, counterexample: model, ...(parsedCost ? { cost: parsedCost } : {}) };
}

function isNonNegative(value: unknown): boolean {
  return typeof value === "number" && Number.isFinite(value) && value >= 0;
}
