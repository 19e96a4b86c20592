/**
 * Printing a RunResult (pure): JSON for machines, a short block for people. Every string that
 * comes from the guest or the document (values, error messages and guest codes, violation
 * messages and ids, paths, clause text, notes) is untrusted: it is escaped so that it cannot
 * start a line of its own or drive the terminal — C0 controls including newline and tab, DEL,
 * C1 controls, line/paragraph separators and bidi overrides are shown as \uXXXX (spec/report.ts
 * `clean`, extended to the characters a one-line field must not contain). Statuses and ANRF_*
 * codes are the tool's; a guest's own error code is shown apart, as "guest code".
 */
import { clean } from "../../spec/report.js";
import type { RunResult } from "../../runtime/index.js";

const replacer = (_key: string, value: unknown) => (typeof value === "bigint" ? `${value.toString()}n` : value);
const hex = (c: string) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`;

/** One untrusted string as a single visible line. */
export const escapeRunText = (text: string): string => clean(text).replace(/[\t\n\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, hex);

/**
 * JSON escapes C0 controls itself; DEL, C1, separators and bidi controls would be printed raw
 * (a terminal may act on them), so they are written as \u escapes too (same JSON value).
 */
export function formatRunJson(result: RunResult): string {
  return `${JSON.stringify(result, replacer, 2).replace(/[\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, hex)}\n`;
}

export function formatRunPretty(result: RunResult): string {
  const e = escapeRunText;
  const s = result.security;
  const lines: string[] = [];
  lines.push(`status: ${result.status}${result.degraded ? " (degraded: fallback value returned)" : ""}`);
  if (result.status === "ok" || result.degraded) lines.push(`value: ${e(JSON.stringify(result.value, replacer) ?? "undefined")}`);
  if (result.error) {
    const guest = result.error.guestCode !== undefined ? ` (guest code: ${e(result.error.guestCode)})` : "";
    lines.push(`error: ${e(result.error.code)}: ${e(result.error.message)}${guest}`);
  }
  for (const v of result.violations) {
    const where = v.location ? `${e(v.location.file)}:${v.location.line}:${v.location.column}` : "(capability facade)";
    lines.push(`violation: ${v.kind} ${e(v.id)} at ${where}`);
    lines.push(`  ${e(v.message)}`);
    if (v.values) lines.push(`  values: ${Object.entries(v.values).map(([k, x]) => `${e(k)}=${e(x)}`).join(", ")}`);
  }
  lines.push(
    `security: mode ${s.mode}, isolation ${s.limits.isolation}, policy ${s.policy}; checks inserted ${s.checksInserted}, skipped by proof ${s.checksSkippedByProof}, executed ${s.checksExecuted}`,
  );
  lines.push(`limits: time ${s.limits.timeMs} ms, heap ${s.limits.maxOldGenerationSizeMb} MiB, array buffers ${Math.round(s.limits.arrayBufferBytes / 1048576)} MiB, result ${Math.round(s.limits.resultBytes / 1024)} KiB`);
  if (result.memory) lines.push(`memory: peak resident ${(result.memory.peakResidentBytes / 1048576).toFixed(1)} MiB (killed above ${(result.memory.residentLimitBytes / 1048576).toFixed(1)} MiB)`);
  if (s.checkCounts) for (const [id, n] of Object.entries(s.checkCounts)) lines.push(`  check ${e(id)}: ${n}`);
  // Override scopes and approver ids come from the document and its sidecar: escaped.
  for (const o of s.overrides ?? []) lines.push(`override: ${e(o.scope)} honoured (approved by ${o.approvers.map(e).join(", ")}, until ${e(o.expires)})`);
  for (const id of s.overriddenObligations ?? []) lines.push(`overridden: ${e(id)} (still checked at run time)`);
  for (const u of s.unsupportedGrants) lines.push(`note: ${e(u)}`);
  for (const u of s.uncovered ?? []) lines.push(`not enforced at run time: ${e(u)}`);
  for (const c of s.notCheckable ?? []) lines.push(`clause not checkable at run time: ${e(c)}`);
  lines.push(`timing: ${result.timing.totalMs.toFixed(1)} ms total${result.timing.guestMs !== null ? `, ${result.timing.guestMs.toFixed(2)} ms in the guest` : ""}${result.timing.coldStart ? " (cold start)" : ""}`);
  return `${lines.join("\n")}\n`;
}
