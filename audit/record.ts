/**
 * One audit record: a line of canonical JSON (proofs-cache/canonical-json.ts) chained to the one
 * before it. `hash` = sha256 (hex) of the canonical JSON of every other member, and that includes
 * `prev` (the previous record's hash; 64 zeros for the first) and `seq` (1, 2, 3 …). So editing a
 * line changes its hash, deleting, inserting or reordering lines breaks a `prev` or a `seq`, and
 * the only undetectable change left is cutting the tail — which a signed checkpoint (checkpoint.ts)
 * catches. Pure: no files here.
 */
import { createHash } from "node:crypto";
import { canonicalJson } from "../proofs-cache/canonical-json.js";

export const GENESIS = "0".repeat(64);

/** Events the host records. `policy` is written by the policy room's resolution (see docs/audit.md). */
export const AUDIT_EVENTS = ["validate", "verify", "policy", "approval", "approval-rejected", "override", "run", "violation", "audit-error"] as const;
export type AuditEventName = (typeof AUDIT_EVENTS)[number];

/** What a caller hands the writer: the chain members are filled in under the lock. */
export interface AuditEntry {
  readonly event: AuditEventName;
  /** `sha256:<hex>` of what the event is about (approvals/digest.ts), or null. */
  readonly subject: string | null;
  readonly details: Readonly<Record<string, unknown>>;
}

export interface AuditRecord extends AuditEntry {
  readonly seq: number;
  readonly prev: string;
  readonly time: string;
  readonly actor: string;
  readonly hash: string;
}

export const sha256Hex = (text: string): string => createHash("sha256").update(text, "utf8").digest("hex");

/** Plain JSON data only (bigint → "123n", non-finite numbers → their name), so canonicalJson never throws. */
export function jsonSafe(value: unknown): unknown {
  return JSON.parse(
    JSON.stringify(value, (_key, v: unknown) => (typeof v === "bigint" ? `${v.toString()}n` : typeof v === "number" && !Number.isFinite(v) ? String(v) : v)) ?? "null",
  );
}

export function recordHash(record: Omit<AuditRecord, "hash">): string {
  const { seq, prev, time, actor, event, subject, details } = record;
  return sha256Hex(canonicalJson({ seq, prev, time, actor, event, subject, details }));
}

export function sealRecord(entry: AuditEntry, chain: { readonly seq: number; readonly prev: string; readonly time: string; readonly actor: string }): AuditRecord {
  const body = { seq: chain.seq, prev: chain.prev, time: chain.time, actor: chain.actor, event: entry.event, subject: entry.subject, details: jsonSafe(entry.details) as Record<string, unknown> };
  return { ...body, hash: recordHash(body) };
}

export const recordLine = (record: AuditRecord): string => `${canonicalJson(record)}\n`;
