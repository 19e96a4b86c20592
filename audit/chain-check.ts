/**
 * Checking a log (pure): every line must be the canonical JSON of a record whose `seq` follows
 * the previous one, whose `prev` is the previous record's hash and whose `hash` is right. The
 * first line that breaks one of these is named — for an edit that line, for a deletion the line
 * after the gap, for an insertion the inserted line, for a reorder the first moved line. A
 * checkpoint (seq + head hash) additionally pins the length: a log that ends before the
 * checkpoint's seq, or whose record at that seq has another hash, has lost its tail or been
 * rewritten.
 */
import { canonicalJson } from "../proofs-cache/canonical-json.js";
import { GENESIS, recordHash, type AuditRecord } from "./record.js";

export interface ChainProblem {
  /** 1-based line number in the file (for truncation: the line after the last one present). */
  readonly line: number;
  readonly code: "ANRF_AUDIT_PARSE" | "ANRF_AUDIT_NOT_CANONICAL" | "ANRF_AUDIT_SEQ" | "ANRF_AUDIT_PREV" | "ANRF_AUDIT_HASH" | "ANRF_AUDIT_PARTIAL_LINE" | "ANRF_AUDIT_TRUNCATED" | "ANRF_AUDIT_CHECKPOINT_MISMATCH";
  readonly message: string;
}

export interface ChainCheck {
  readonly records: readonly AuditRecord[];
  readonly problem?: ChainProblem | undefined;
  /** seq and hash of the last good record (GENESIS, 0 for an empty log). */
  readonly head: { readonly seq: number; readonly hash: string };
}

const HEX64 = /^[0-9a-f]{64}$/;

function shapeProblem(value: unknown): string | undefined {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return "not a JSON object";
  const r = value as Record<string, unknown>;
  if (!Number.isSafeInteger(r["seq"])) return "seq is not an integer";
  if (typeof r["prev"] !== "string" || !HEX64.test(r["prev"])) return "prev is not a sha256 hex digest";
  if (typeof r["hash"] !== "string" || !HEX64.test(r["hash"])) return "hash is not a sha256 hex digest";
  if (typeof r["time"] !== "string" || typeof r["actor"] !== "string" || typeof r["event"] !== "string") return "time, actor or event missing";
  if (r["subject"] !== null && typeof r["subject"] !== "string") return "subject is neither a string nor null";
  if (r["details"] === null || typeof r["details"] !== "object" || Array.isArray(r["details"])) return "details is not an object";
  const extra = Object.keys(r).filter((k) => !["seq", "prev", "hash", "time", "actor", "event", "subject", "details"].includes(k));
  return extra.length > 0 ? `unexpected member ${JSON.stringify(extra[0])}` : undefined;
}

export function checkChain(text: string): ChainCheck {
  const records: AuditRecord[] = [];
  let head = { seq: 0, hash: GENESIS };
  if (text === "") return { records, head };
  const lines = text.split("\n");
  const complete = lines.at(-1) === "";
  if (complete) lines.pop();
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const at = i + 1;
    const fail = (code: ChainProblem["code"], message: string): ChainCheck => ({ records, head, problem: { line: at, code, message } });
    if (!complete && i === lines.length - 1) return fail("ANRF_AUDIT_PARTIAL_LINE", "the last line has no newline (a cut or an interrupted write)");
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      return fail("ANRF_AUDIT_PARSE", `not JSON (${(error as Error).message})`);
    }
    const shape = shapeProblem(value);
    if (shape !== undefined) return fail("ANRF_AUDIT_PARSE", `not an audit record: ${shape}`);
    const record = value as AuditRecord;
    if (canonicalJson(record) !== line) return fail("ANRF_AUDIT_NOT_CANONICAL", "the line is not in canonical form (it was rewritten)");
    if (record.seq !== head.seq + 1) return fail("ANRF_AUDIT_SEQ", `seq ${record.seq} where ${head.seq + 1} was expected (a line was deleted, inserted or moved)`);
    if (record.prev !== head.hash) return fail("ANRF_AUDIT_PREV", `prev does not match the hash of the record before (a line was deleted, inserted or moved)`);
    if (recordHash(record) !== record.hash) return fail("ANRF_AUDIT_HASH", "the hash does not match the record's content (the line was edited)");
    records.push(record);
    head = { seq: record.seq, hash: record.hash };
  }
  return { records, head };
}

/** Compares an intact chain with a checkpoint's seq and head hash. */
export function checkAgainstCheckpoint(check: ChainCheck, checkpoint: { readonly seq: number; readonly head: string }): ChainProblem | undefined {
  if (check.problem !== undefined) return check.problem;
  if (checkpoint.seq > check.head.seq) {
    return { line: check.head.seq + 1, code: "ANRF_AUDIT_TRUNCATED", message: `the log ends at seq ${check.head.seq} but the checkpoint covers seq ${checkpoint.seq}: records were cut from the end` };
  }
  const at = check.records[checkpoint.seq - 1];
  if (checkpoint.seq > 0 && (at === undefined || at.hash !== checkpoint.head)) {
    return { line: checkpoint.seq, code: "ANRF_AUDIT_CHECKPOINT_MISMATCH", message: `the record at seq ${checkpoint.seq} is not the one the checkpoint signed: the log was rewritten` };
  }
  return undefined;
}
