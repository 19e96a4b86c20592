/**
 * The validation report: a public contract other tools parse (`anrf validate --format json`).
 * Building it is pure; `formatJson` and `formatPretty` turn it into text. The verify command
 * extends the same shape, so keep these functions free of validate-only assumptions.
 */
import type { Finding, Severity } from "./finding.js";

export interface DocumentReport {
  readonly file: string;
  readonly valid: boolean;
  readonly findings: readonly Finding[];
}

export interface ReportSummary {
  readonly documents: number;
  readonly valid: number;
  readonly errors: number;
  readonly warnings: number;
}

export interface ValidationReport {
  readonly documents: readonly DocumentReport[];
  readonly summary: ReportSummary;
}

const count = (findings: readonly Finding[], severity: Severity): number => findings.filter((f) => f.severity === severity).length;

export const documentReport = (file: string, findings: readonly Finding[]): DocumentReport => ({
  file,
  valid: count(findings, "error") === 0,
  findings: findings.map(({ ruleId, severity, path, message, hint }) => ({ ruleId, severity, path, message, hint })),
});

export const buildReport = (documents: readonly DocumentReport[]): ValidationReport => ({
  documents,
  summary: {
    documents: documents.length,
    valid: documents.filter((d) => d.valid).length,
    errors: documents.reduce((n, d) => n + count(d.findings, "error"), 0),
    warnings: documents.reduce((n, d) => n + count(d.findings, "warning"), 0),
  },
});

/** Exactly `{ documents: [{ file, valid, findings: [{ ruleId, severity, path, message, hint }] }], summary }`. */
export const formatJson = (report: ValidationReport): string =>
  `${JSON.stringify(
    {
      documents: report.documents.map((d) => ({
        file: d.file,
        valid: d.valid,
        findings: d.findings.map((f) => ({ ruleId: f.ruleId, severity: f.severity, path: f.path, message: f.message, hint: f.hint })),
      })),
      summary: {
        documents: report.summary.documents,
        valid: report.summary.valid,
        errors: report.summary.errors,
        warnings: report.summary.warnings,
      },
    },
    null,
    2,
  )}\n`;

export interface PrettyOptions {
  readonly color: boolean;
}

/** ANSI colour when `on` (a TTY). Shared by every pretty reporter. */
export const paint = (on: boolean, code: string, text: string): string => (on ? `\u001b[${code}m${text}\u001b[0m` : text);
const SEVERITY_COLOR: Record<Severity, string> = { error: "31", warning: "33", info: "36" };

/** Terminal control characters in document-supplied text (ids, names) could rewrite the screen. */
/** Escapes control characters so document text cannot drive the terminal. */
export const clean = (text: string): string => text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);

export const formatFinding = (f: Finding, options: PrettyOptions): string => {
  const where = f.path === "" ? "(document)" : f.path;
  return `  ${paint(options.color, SEVERITY_COLOR[f.severity], f.severity)} ${paint(options.color, "1", f.ruleId)} ${clean(where)}: ${clean(f.message)}\n      ${paint(options.color, "2", `hint: ${clean(f.hint)}`)}\n`;
};

export const formatPretty = (report: ValidationReport, options: PrettyOptions): string => {
  let out = "";
  for (const d of report.documents) {
    const status = d.valid ? paint(options.color, "32", "valid") : paint(options.color, "31", "invalid");
    out += `${clean(d.file)}: ${status}\n`;
    for (const f of d.findings) out += formatFinding(f, options);
  }
  const s = report.summary;
  out += `\n${s.documents} document${s.documents === 1 ? "" : "s"}, ${s.valid} valid, ${s.errors} error${s.errors === 1 ? "" : "s"}, ${s.warnings} warning${s.warnings === 1 ? "" : "s"}\n`;
  return out;
};
