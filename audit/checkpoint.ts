/**
 * Signed checkpoints: a DSSE envelope (ed25519, proofs-cache/envelope.ts) over
 * `{ seq, head, time }` — the length of the chain and the hash of its last record. Kept apart
 * from the log (by default `<log>.checkpoint`, better copied somewhere the log's writers cannot
 * reach), it lets `anrf audit verify` see a cut tail: without it, a log cut after any record is a
 * perfectly good chain. The signature is what stops someone who rewrites the log from writing a
 * matching checkpoint too; it is checked against the operator's key registry (role `audit`).
 */
import { closeSync, constants, fsyncSync, openSync, renameSync, writeSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { canonicalJson } from "../proofs-cache/canonical-json.js";
import { checkSignatures, makeEnvelope, type Envelope, type Signer, type TrustedKeys } from "../proofs-cache/envelope.js";

export const CHECKPOINT_PAYLOAD_TYPE = "application/vnd.anrf.audit-checkpoint+json";

export interface CheckpointBody {
  readonly seq: number;
  readonly head: string;
  readonly time: string;
}

export function makeCheckpoint(body: CheckpointBody, signer: Signer): Envelope {
  return makeEnvelope(CHECKPOINT_PAYLOAD_TYPE, Buffer.from(canonicalJson(body), "utf8"), signer);
}

export type CheckpointReading =
  | { readonly ok: true; readonly body: CheckpointBody; readonly keyid: string }
  | { readonly ok: false; readonly code: "ANRF_CHECKPOINT_MALFORMED" | "ANRF_CHECKPOINT_SIGNATURE"; readonly message: string };

export function readCheckpoint(value: unknown, trusted: TrustedKeys): CheckpointReading {
  const bad = (message: string): CheckpointReading => ({ ok: false, code: "ANRF_CHECKPOINT_MALFORMED", message });
  if (value === null || typeof value !== "object") return bad("not a JSON object");
  const e = value as Partial<Envelope>;
  if (e.payloadType !== CHECKPOINT_PAYLOAD_TYPE || typeof e.payload !== "string" || !Array.isArray(e.signatures)) return bad(`not a DSSE envelope of type ${CHECKPOINT_PAYLOAD_TYPE}`);
  const body = Buffer.from(e.payload, "base64");
  const status = checkSignatures(e as Envelope, body, trusted);
  if (status !== "trusted") {
    const why = { unsigned: "it is not signed", untrusted: "no signature is by a key with role 'audit' in the registry", invalid: "a signature does not verify (the checkpoint was altered)" }[status];
    return { ok: false, code: "ANRF_CHECKPOINT_SIGNATURE", message: `checkpoint not trusted: ${why}` };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString("utf8"));
  } catch {
    return bad("the signed payload is not JSON");
  }
  const b = parsed as Partial<CheckpointBody>;
  if (!Number.isSafeInteger(b.seq) || (b.seq as number) < 0 || typeof b.head !== "string" || !/^[0-9a-f]{64}$/.test(b.head) || typeof b.time !== "string") {
    return bad("the signed payload is not { seq, head, time }");
  }
  const keyid = e.signatures!.find((s) => trusted.has(s.keyid))!.keyid;
  return { ok: true, body: { seq: b.seq!, head: b.head, time: b.time }, keyid };
}

/** Replaces the checkpoint file atomically (write a fresh temporary file, fsync, rename). */
export function writeCheckpointFile(file: string, envelope: Envelope): void {
  const tmp = `${file}.${randomBytes(6).toString("hex")}.tmp`;
  const fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
  try {
    writeSync(fd, `${JSON.stringify(envelope, null, 2)}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
}
