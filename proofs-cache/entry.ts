import type { Counterexample, ObligationStatus, SolverLimits, Verdict } from "../verifier/obligation.js";
import type { SignatureStatus, Signer, TrustedKeys } from "./envelope.js";
import { CONTAINER_FORMAT, isRecord, open, seal, type ContainerErrorCode } from "./signed-container.js";

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
export const ENTRY_FORMAT = CONTAINER_FORMAT;
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
  | ContainerErrorCode
  | "ENTRY_KEY_MISMATCH"; // payload is for another key (replay)

export type Decoded =
  | { readonly ok: true; readonly entry: VerdictEntry; readonly signature: SignatureStatus; readonly signedBy: readonly string[] }
  | { readonly ok: false; readonly code: DecodeErrorCode; readonly message: string };

export function encodeEntry(entry: VerdictEntry, signer: Signer | undefined): string {
  return seal(VERDICT_PAYLOAD_TYPE, entry, signer);
}

/** Decode and check integrity, shape, key and signatures. Never throws. */
export function decodeEntry(text: string, expectedKey: string | undefined, trusted: TrustedKeys): Decoded {
  const opened = open(text, VERDICT_PAYLOAD_TYPE, trusted);
  if (!opened.ok) return opened;
  const entry = asVerdictEntry(opened.value);
  if (entry === undefined) return { ok: false, code: "ENTRY_SHAPE", message: "payload is not a verdict entry" };
  if (expectedKey !== undefined && entry.key !== expectedKey) {
    return { ok: false, code: "ENTRY_KEY_MISMATCH", message: `entry is for key ${entry.key.slice(0, 12)}…, not ${expectedKey.slice(0, 12)}…` };
  }
  return { ok: true, entry, signature: opened.signature, signedBy: opened.signedBy };
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
  const { status, reason, counterexample, candidate, cost } = value;
  if (typeof status !== "string" || !STATUSES.includes(status as ObligationStatus) || typeof reason !== "string") return undefined;
  const asModel = (raw: unknown): Counterexample | null | false => {
    if (raw === null || raw === undefined) return null;
    if (!isRecord(raw)) return false;
    for (const v of Object.values(raw)) {
      if (v !== null && typeof v !== "string" && typeof v !== "number" && typeof v !== "boolean") return false;
    }
    return raw as Counterexample;
  };
  const model = asModel(counterexample);
  // An unknown verdict's unconfirmed model (Verdict.candidate), kept so a cache hit can be confirmed too.
  const candidateModel = asModel(candidate);
  if (model === false || candidateModel === false) return undefined;
  let parsedCost: Verdict["cost"];
  if (cost !== undefined) {
    if (!isRecord(cost) || !isNonNegative(cost["timeMs"])) return undefined;
    if (cost["rlimit"] !== undefined && !isNonNegative(cost["rlimit"])) return undefined;
    parsedCost = { timeMs: cost["timeMs"] as number, rlimit: cost["rlimit"] as number | undefined };
  }
  return {
    status: status as ObligationStatus,
    reason,
    counterexample: model,
    ...(candidateModel === null || status !== "unknown" ? {} : { candidate: candidateModel }),
    ...(parsedCost ? { cost: parsedCost } : {}),
  };
}

function isNonNegative(value: unknown): boolean {
  return typeof value === "number" && Number.isFinite(value) && value >= 0;
}
