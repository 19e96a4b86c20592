/**
 * Text forms of a verification report. JSON = the validate report (spec/report.ts builder)
 * plus `documents[].obligations[]` and per-status counts in `summary`.
 */
import { buildReport, clean, documentReport, formatFinding, paint, type PrettyOptions } from "../../spec/report.js";
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
    documents: base.documents.map((d, i) => ({
      ...d,
      obligations: report.documents[i]!.obligations.map(obligationJson),
      skippedByShard: report.documents[i]!.skippedByShard,
    })),
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
    smt: o.smt,
    source: o.source ?? null,
    ...(o.vacuous === undefined ? {} : { vacuous: o.vacuous }),
  };
}

const STATUS_COLOR: Record<ObligationResult["status"], string> = { proved: "32", refuted: "31", unknown: "33", unsupported: "33", informal: "36" };

export function formatCounterexample(cx: ObligationResult["counterexample"]): string {
  if (cx === null) return "";
  if (Object.keys(cx).length === 0) return "(any input: the violation does not depend on input values)";
  return Object.entries(cx)
    .map(([name, value]) => `${name} = ${typeof value === "string" && !/^(NaN|-?Infinity|-0)$/.test(value) ? JSON.stringify(value) : String(value)}`)
    .join(", ");
}

export function verifyPretty(report: VerifyReport, options: PrettyOptions & { readonly strict: boolean }): string {
  let out = "";
  for (const d of report.documents) {
    const refuted = d.obligations.some((o) => o.status === "refuted");
    const status = !d.valid ? paint(options.color, "31", "invalid") : refuted ? paint(options.color, "31", "refuted") : paint(options.color, "32", "valid");
    const proved = d.obligations.filter((o) => o.status === "proved").length;
    out += `${clean(d.file)}: ${status} (${proved}/${d.obligations.length} obligations proved)\n`;
    for (const f of d.findings) out += formatFinding(f, options);
    const skipped = new Set(d.skippedByShard);
    for (const o of d.obligations) {
      if ((o.status === "proved" && o.vacuous === undefined) || skipped.has(o.id)) continue;
      const where = `${clean(o.location.file)}:${o.location.line}:${o.location.column}`;
      if (o.status === "proved") {
        out += `  ${paint(options.color, "33", "proved (vacuous)")} ${paint(options.color, "1", clean(o.id))}  ${where}\n      ${clean(o.description)} — ${clean(o.vacuous ?? "")}\n`;
        continue;
      }
      out += `  ${paint(options.color, STATUS_COLOR[o.status], o.status.padEnd(11))} ${paint(options.color, "1", clean(o.id))}  ${where}\n`;
      out += `      ${clean(o.description)} — ${clean(o.reason)}\n`;
      if (o.counterexample !== null) out += `      ${paint(options.color, "31", "counterexample:")} ${clean(formatCounterexample(o.counterexample))}\n`;
    }
    if (skipped.size > 0) out += `  ${skipped.size} obligation(s) left to other shards (${report.run.shard?.index}/${report.run.shard?.count} ran here)\n`;
  }
  const s = report.summary;
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
  out += `\n${plural(s.documents, "document")}, ${s.valid} valid, ${plural(s.errors, "error")}, ${plural(s.warnings, "warning")}\n`;
  out += `obligations: ${s.proved} proved, ${s.refuted} refuted, ${s.unknown} unknown, ${s.unsupported} unsupported, ${s.informal} informal`;
  if (s.vacuous > 0) out += ` (${s.vacuous} of the proofs vacuous)`;
  if (s.skippedByShard > 0) out += ` (${s.skippedByShard} skipped by shard)`;
  out += `\n`;
  const r = report.run;
  // In a --watch, z3 may solve without an init of this run: it was started by an earlier one.
  const z3 = r.solverInitMs.length > 0 ? `${r.solverInitMs.length} z3 init` : r.solved > 0 ? "z3 already running" : "z3 not needed";
  out += `${r.queries} distinct queries: ${r.cacheHits} from cache, ${r.solved} solved (${r.solverVersion}, ${z3})\n`;
  const x = r.extraction;
  if (x.entitiesReused > 0) out += `extraction: ${x.entitiesExtracted} function(s) analysed again, ${x.entitiesReused} reused\n`;
  if (options.strict && s.unknown + s.unsupported + s.informal - s.skippedByShard > 0) out += `--strict: unknown, unsupported and informal obligations count as failures\n`;
  for (const w of r.cacheWarnings) out += `${paint(options.color, "33", "warning")} cache: ${clean(w)}\n`;
  return out;
}
