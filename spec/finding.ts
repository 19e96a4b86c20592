/**
 * A finding is data: a stable rule id, a severity, a JSON Pointer into the document and
 * two sentences for humans (what is wrong, what to do). Reporters print findings; nothing
 * in spec/ prints.
 */
export type Severity = "error" | "warning" | "info";

export interface Finding {
  /** Stable id, documented in docs/rules.md (`V6.1.5`, `schema`, `json`, …). */
  readonly ruleId: string;
  readonly severity: Severity;
  /** RFC 6901 JSON Pointer into the document; `""` is the whole document. */
  readonly path: string;
  readonly message: string;
  readonly hint: string;
}

export const finding = (
  ruleId: string,
  severity: Severity,
  path: string,
  message: string,
  hint: string,
): Finding => ({ ruleId, severity, path, message, hint });

export const error = (ruleId: string, path: string, message: string, hint: string): Finding =>
  finding(ruleId, "error", path, message, hint);

export const warning = (ruleId: string, path: string, message: string, hint: string): Finding =>
  finding(ruleId, "warning", path, message, hint);

export const info = (ruleId: string, path: string, message: string, hint: string): Finding =>
  finding(ruleId, "info", path, message, hint);

export const hasErrors = (findings: readonly Finding[]): boolean => findings.some((f) => f.severity === "error");
