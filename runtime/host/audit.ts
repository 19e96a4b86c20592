/**
 * The audit trail: one JSON object per line, appended (O_APPEND) and fsync'ed before `run`
 * returns, so a record exists for every run and every violation even if the host dies right
 * after. Records are built from checked plain data only.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, writeSync } from "node:fs";
import { dirname } from "node:path";

export const DEFAULT_AUDIT_FILE = ".anrf/audit.jsonl";

export interface AuditRecord {
  readonly time: string;
  readonly event: "run";
  readonly document: string;
  readonly documentHash: string;
  readonly entity: string;
  readonly entry: string;
  readonly mode: string;
  readonly status: string;
  readonly policy: string;
  readonly degraded: boolean;
  readonly violations: readonly unknown[];
  readonly error?: unknown;
  readonly limits: unknown;
  readonly checks: { readonly inserted: number; readonly skippedByProof: number; readonly executed: number };
  readonly timing: unknown;
  /** The operator policy's decisions (policy/): refusals, warnings, audit-level denials, overrides. */
  readonly operatorPolicy?: unknown;
}

export function appendAudit(file: string, record: AuditRecord): void {
  mkdirSync(dirname(file), { recursive: true });
  const fd = openSync(file, "a", 0o600);
  try {
    writeSync(fd, `${JSON.stringify(record)}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
