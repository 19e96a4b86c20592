/**
 * After `anrf verify` has its report: check each document's overrides against its signed
 * approvals (approvals/), mark what honoured overrides cover (every reporter shows `overridden`),
 * recompute validity and the summary, decide pass/fail, and append the run's audit records
 * (validate, verify, approval, approval-rejected, override per document). A broken audit log is
 * reported on stderr and never hides the report or changes the exit code.
 */
import type { CliIo } from "../io.js";
import { loadDocument } from "../../spec/load.js";
import type { AuditEntry } from "../../audit/record.js";
import { applyOverrides, passedWithOverrides } from "../../approvals/apply.js";
import { subjectDigest } from "../../approvals/digest.js";
import type { KeyRegistry } from "../../approvals/registry.js";
import type { Signer } from "../../proofs-cache/envelope.js";
import { clean } from "../../spec/report.js";
import { summarise } from "../../verifier/index.js";
import type { DocumentVerification, VerifyReport } from "../../verifier/pipeline/report-types.js";
import { overrideEntries, writeAudit } from "../../runtime/host/audit.js";
import { overridesFor } from "./trust-options.js";

export interface TrustContext {
  readonly registry: KeyRegistry;
  readonly auditFile: string;
  readonly auditSigner: Signer | undefined;
  readonly now?: Date;
}

export async function settleVerify(report: VerifyReport, ctx: TrustContext, io: CliIo): Promise<{ report: VerifyReport; passed: boolean }> {
  const documents = await settleDocuments(report.documents, report.run.strict, ctx, io);
  // summarise leaves out the findings honoured overrides cover.
  return { report: { ...report, documents, summary: summarise(documents) }, passed: documents.every((d) => passedWithOverrides(d, report.run.strict)) };
}

/** The per-document part (also each run of `anrf verify --watch`): overrides applied, audit records appended. */
export async function settleDocuments(verified: readonly DocumentVerification[], strict: boolean, ctx: TrustContext, io: CliIo): Promise<DocumentVerification[]> {
  const now = ctx.now ?? new Date();
  const entries: AuditEntry[] = [];
  const documents: DocumentVerification[] = [];
  for (const d of verified) {
    const loaded = await loadDocument(d.file, { cwd: io.cwd });
    const subject = loaded.document === undefined ? null : subjectDigest(loaded.document, loaded.module?.text);
    const outcome = overridesFor(loaded, ctx.registry, now);
    const settled = outcome === undefined ? d : applyOverrides(d, outcome);
    documents.push(settled);
    const errors = settled.findings.filter((f, i) => f.severity === "error" && settled.overrides?.findings[i] === undefined).length;
    entries.push({ event: "validate", subject, details: { document: d.file, valid: settled.valid, errors, warnings: settled.findings.filter((f) => f.severity === "warning").length } });
    if (outcome !== undefined) entries.push(...overrideEntries(outcome, d.file));
    const counts: Record<string, number> = {};
    for (const o of settled.obligations) counts[o.status] = (counts[o.status] ?? 0) + 1;
    entries.push({
      event: "verify",
      subject,
      details: { document: d.file, passed: passedWithOverrides(settled, strict), obligations: counts, overridden: Object.keys(settled.overrides?.obligations ?? {}).length, strict },
    });
  }
  const status = writeAudit(ctx.auditFile, entries, ctx.auditSigner);
  if (!status.ok) io.stderr(`anrf verify: audit log not written (${status.code}): ${clean(status.message)}\n`);
  return documents;
}
