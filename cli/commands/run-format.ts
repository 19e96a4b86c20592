/** Printing a RunResult (pure): JSON for machines, a short block for people. */
import type { RunResult } from "../../runtime/index.js";
import { clean } from "../../spec/report.js";

const replacer = (_key: string, value: unknown) => (typeof value === "bigint" ? `${value.toString()}n` : value);

export function formatRunJson(result: RunResult): string {
  return `${JSON.stringify(result, replacer, 2)}\n`;
}

export function formatRunPretty(result: RunResult): string {
  const s = result.security;
  const lines: string[] = [];
  lines.push(`status: ${result.status}${result.degraded ? " (degraded: fallback value returned)" : ""}`);
  if (result.status === "ok" || result.degraded) lines.push(`value: ${JSON.stringify(result.value, replacer) ?? "undefined"}`);
  if (result.error) lines.push(`error: ${result.error.code}: ${result.error.message}`);
  for (const v of result.violations) {
    const where = v.location ? `${v.location.file}:${v.location.line}:${v.location.column}` : "(capability facade)";
    lines.push(`violation: ${v.kind} ${v.id} at ${where}`);
    lines.push(`  ${v.message}`);
    if (v.values) lines.push(`  values: ${Object.entries(v.values).map(([k, x]) => `${k}=${x}`).join(", ")}`);
  }
  lines.push(
    `security: mode ${s.mode}, isolation ${s.limits.isolation}, policy ${s.policy}; checks inserted ${s.checksInserted}, skipped by proof ${s.checksSkippedByProof}, executed ${s.checksExecuted}`,
  );
  lines.push(`limits: time ${s.limits.timeMs} ms, heap ${s.limits.maxOldGenerationSizeMb} MiB, array buffers ${Math.round(s.limits.arrayBufferBytes / 1048576)} MiB, result ${Math.round(s.limits.resultBytes / 1024)} KiB`);
  if (s.checkCounts) for (const [id, n] of Object.entries(s.checkCounts)) lines.push(`  check ${id}: ${n}`);
  // Override scopes and approver ids come from the document and its sidecar: escaped.
  for (const o of s.overrides ?? []) lines.push(clean(`override: ${o.scope} honoured (approved by ${o.approvers.join(", ")}, until ${o.expires})`));
  for (const id of s.overriddenObligations ?? []) lines.push(clean(`overridden: ${id} (still checked at run time)`));
  for (const u of s.unsupportedGrants) lines.push(`note: ${u}`);
  for (const u of s.uncovered ?? []) lines.push(`not enforced at run time: ${u}`);
  for (const c of s.notCheckable ?? []) lines.push(`clause not checkable at run time: ${c}`);
  lines.push(`timing: ${result.timing.totalMs.toFixed(1)} ms total${result.timing.guestMs !== null ? `, ${result.timing.guestMs.toFixed(2)} ms in the guest` : ""}${result.timing.coldStart ? " (cold start)" : ""}`);
  return `${lines.join("\n")}\n`;
}
