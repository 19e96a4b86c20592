/**
 * What a run writes to the audit trail (audit/log.ts writes it: hash-chained, locked, fsync'ed
 * before `run` returns). One call per run appends, as consecutive records of one chain: the
 * approvals and overrides it used (when the caller evaluated them), the run itself, and one record
 * per violation. Records are built from checked plain data only.
 *
 * A broken log (a directory or symlink in its place, a file of another user, a corrupt tail, a
 * lock that cannot be taken) never stops the run's result from being reported: the failure comes
 * back as `result.audit = { ok: false, code, message }`, and the CLI prints it on stderr.
 */
import { appendAuditEntries, AuditError, DEFAULT_AUDIT_LOG } from "../../audit/log.js";
import type { AuditEntry } from "../../audit/record.js";
import type { Signer } from "../../proofs-cache/envelope.js";
import type { OverrideOutcome } from "../../approvals/overrides.js";
import { formatScope } from "../../approvals/statement.js";
import type { RunResult } from "./types.js";

export const DEFAULT_AUDIT_FILE = DEFAULT_AUDIT_LOG;

export type AuditStatus = { readonly ok: true; readonly file: string; readonly seq: number } | { readonly ok: false; readonly file: string; readonly code: string; readonly message: string };

/** Approval, rejection and override records for an evaluated set of overrides (shared with verify). */
export function overrideEntries(outcome: OverrideOutcome, document: string): AuditEntry[] {
  const subject = outcome.subject;
  const entries: AuditEntry[] = [];
  for (const d of outcome.decisions) {
    for (const a of d.approvals) {
      entries.push({ event: "approval", subject, details: { document, keyId: a.keyId, roles: a.roles, scope: formatScope(d.request.scope), justification: a.justification, expires: a.expires, approvedAt: a.approvedAt } });
    }
    entries.push({ event: "override", subject, details: { document, scope: formatScope(d.request.scope), justification: d.request.justification, honoured: d.honoured, approvers: d.approvals.map((a) => a.keyId), required: d.required, reasons: d.rejected.map((r) => r.code) } });
  }
  for (const r of outcome.check.rejected) {
    entries.push({ event: "approval-rejected", subject, details: { document, code: r.code, message: r.message, keyId: r.keyId ?? null, envelopeIndex: r.envelopeIndex ?? null } });
  }
  return entries;
}

export function runEntries(result: RunResult, document: string, entry: string, subject: string | null, overrides: OverrideOutcome | undefined): AuditEntry[] {
  const entries: AuditEntry[] = overrides === undefined ? [] : overrideEntries(overrides, document);
  entries.push({
    event: "run",
    subject,
    details: {
      document,
      documentHash: result.documentHash,
      entity: result.entity,
      entry,
      mode: result.security.mode,
      status: result.status,
      policy: result.security.policy,
      degraded: result.degraded === true,
      violations: result.violations.length,
      error: result.error ?? null,
      limits: result.security.limits,
      checks: { inserted: result.security.checksInserted, skippedByProof: result.security.checksSkippedByProof, executed: result.security.checksExecuted },
      overrides: result.security.overrides ?? [],
      timing: result.timing,
    },
  });
  for (const v of result.violations) {
    entries.push({ event: "violation", subject, details: { document, entry, id: v.id, kind: v.kind, entity: v.entity, location: v.location, message: v.message, values: v.values ?? null } });
  }
  return entries;
}

/** Appends; never throws (the status says what happened). */
export function writeAudit(file: string, entries: readonly AuditEntry[], signer?: Signer | undefined): AuditStatus {
  try {
    const records = appendAuditEntries(file, entries, { signer });
    return { ok: true, file, seq: records.at(-1)?.seq ?? 0 };
  } catch (error) {
    const code = error instanceof AuditError ? error.code : "ANRF_AUDIT_IO";
    return { ok: false, file, code, message: (error as Error).message };
  }
}
