/**
 * Text forms of a verification report. JSON = the validate report (spec/report.ts builder)
 * plus `documents[].obligations[]` and per-status counts in `summary`.
 */
import { buildReport, documentReport, type PrettyOptions } from "../../spec/report.js";
import { prettyReport } from "../report/pretty.js";
import type { ObligationResult } from "../../verifier/obligation.js";
import type { VerifyReport } from "../../verifier/index.js";

export function verifyJson(report: VerifyReport): string {
  return `${JSON.stringify(verifyJsonValue(report), null, 2)}\n`;
}

/** The value `--format json` prints (`--watch` prints it on one line per run, with a `watch` member). */
export function verifyJsonValue(report: VerifyReport) {
  const base = buildReport(report.documents.map((d) => documentReport(d.file, d.findings)));
  const s = report.summary;
  return {
    documents: base.documents.map((d, i) => {
      // Honoured overrides (approvals/apply.ts): covered findings and obligations carry `overridden`.
      const overrides = report.documents[i]!.overrides;
      return {
        ...d,
        findings: overrides === undefined ? d.findings : d.findings.map((f, k) => (overrides.findings[k] === undefined ? f : { ...f, overridden: overrides.findings[k] })),
        obligations: report.documents[i]!.obligations.map((o) => (overrides?.obligations[o.id] === undefined ? obligationJson(o) : { ...obligationJson(o), overridden: overrides.obligations[o.id] })),
        skippedByShard: report.documents[i]!.skippedByShard,
        ...(overrides === undefined ? {} : { overrides: { subject: overrides.subject, honoured: overrides.honoured } }),
      };
    }),
    summary: {
      ...base.summary,
      proved: s.proved,
      refuted: s.refuted,
      unknown: s.unknown,
      unsupported: s.unsupported,
      informal: s.informal,
      vacuous: s.vacuous,
      skippedByShard: s.skippedByShard,
    },
    run: report.run,
  };
}

export function obligationJson(o: ObligationResult) {
  return {
    id: o.id,
    entity: o.entity,
    kind: o.kind,
    status: o.status,
    location: o.location,
    site: o.site,
    description: o.description,
    ...(o.clause === undefined ? {} : { clause: o.clause }),
    reason: o.reason,
    counterexample: o.counterexample,
    ...(o.candidate === undefined ? {} : { candidate: o.candidate }),
    ...(o.confirmation === undefined ? {} : { confirmation: o.confirmation }),
    smt: o.smt,
    source: o.source ?? null,
    ...(o.vacuous === undefined ? {} : { vacuous: o.vacuous }),
    ...(o.inferred === true ? { inferred: true } : {}),
  };
}

export function formatCounterexample(cx: ObligationResult["counterexample"]): string {
  if (cx === null) return "";
  if (Object.keys(cx).length === 0) return "(any input: the violation does not depend on input values)";
  return Object.entries(cx)
    .map(([name, value]) => `${name} = ${typeof value === "string" && !/^(NaN|-?Infinity|-0)$/.test(value) ? JSON.stringify(value) : String(value)}`)
    .join(", ");
}

/**
 * The pretty report (cli/report/pretty.ts). With `texts` (verifyPrettyOutput reads them) positions
 * point into the real files and refuted/unknown obligations get code frames; without, positions
 * are the verifier's own.
 */
export function verifyPretty(report: VerifyReport, options: PrettyOptions & { readonly strict: boolean; readonly cwd?: string | undefined; readonly texts?: ReadonlyMap<string, string> | undefined }): string {
  return prettyReport(report, options);
}
