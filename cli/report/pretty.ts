/**
 * The pretty reporter of `anrf verify` (pure: texts of documents and modules come in as data).
 * Like the best CLIs: every position is `file:line:col` into the real file, relative to the
 * working directory (for inline code: the character inside the JSON file, mapped through the
 * string's escapes), a code frame (@babel/code-frame) under each refuted or unknown obligation
 * with the site underlined and the counterexample beside it, and an ESLint-style closing summary
 * whose error count is non-zero exactly when the exit code is 1. Every string that comes from the
 * document or its code goes through `clean` (terminal control characters escaped).
 */
import { codeFrameColumns } from "@babel/code-frame";
import * as path from "node:path";
import type { Finding } from "../../spec/finding.js";
import { parseJsonText } from "../../spec/json-position.js";
import { clean, paint } from "../../spec/report.js";
import type { ObligationResult } from "../../verifier/obligation.js";
import type { DocumentVerification, VerifyReport } from "../../verifier/pipeline/report-types.js";
import { pointerRegion } from "../commands/verify-sarif-locations.js";
import { formatCounterexample } from "../commands/verify-format.js";
import { codeRegion, inlineCode } from "./source-position.js";

export interface PrettyReportOptions {
  readonly color: boolean;
  readonly strict: boolean;
  /** Relative paths are printed relative to this directory. */
  readonly cwd?: string | undefined;
  /** Absolute path → text, of documents and module files (missing texts only lose frames and columns). */
  readonly texts?: ReadonlyMap<string, string> | undefined;
}

/** A TypeScript syntax error (TS1xxx): the module does not parse, so every other verdict of the document is consequential. */
export const isSyntaxError = (o: ObligationResult): boolean => o.kind === "type" && /^TS1\d{3}\b/.test(o.reason);

export const statusLabel = (o: ObligationResult): string => (o.status === "refuted" && o.confirmation?.confirmed ? "refuted (confirmed by execution)" : o.status);

const COLOR: Record<ObligationResult["status"], string> = { proved: "32", refuted: "31", unknown: "33", unsupported: "36", informal: "36" };
const SEVERITY_COLOR: Record<Finding["severity"], string> = { error: "31", warning: "33", info: "36" };

/** One path style: relative to the working directory (absolute only when it is the directory itself). */
export function displayPath(cwd: string | undefined, file: string): string {
  if (cwd === undefined) return file;
  const relative = path.relative(cwd, path.resolve(cwd, file));
  return relative === "" ? file : relative.split(path.sep).join("/");
}

export interface DocumentOutcome {
  readonly status: "passed" | "failed" | "invalid";
  readonly syntaxErrors: readonly ObligationResult[];
  /** The module does not parse (a `syntax` finding or a TS1xxx diagnostic): other verdicts are consequential. */
  readonly parseFailed: boolean;
  readonly errors: number;
  readonly warnings: number;
}

/** What counts as an error and a warning; errors > 0 exactly when verificationPassed is false for the document. */
export function documentOutcome(d: DocumentVerification, strict: boolean): DocumentOutcome {
  const skipped = new Set(d.skippedByShard);
  const syntaxErrors = d.obligations.filter(isSyntaxError);
  // What an approved override covers (approvals/apply.ts) is not counted: the exit code agrees.
  const findingErrors = d.findings.filter((f, i) => f.severity === "error" && d.overrides?.findings[i] === undefined).length;
  const findingWarnings = d.findings.filter((f, i) => f.severity === "warning" && d.overrides?.findings[i] === undefined).length;
  const open = d.obligations.filter((o) => !skipped.has(o.id) && o.status !== "proved" && o.status !== "refuted");
  // A TS1xxx type verdict repeats a `syntax` finding: counted once.
  const syntaxFinding = d.findings.some((f) => f.ruleId === "syntax");
  const refuted = d.obligations.filter((o) => o.status === "refuted" && d.overrides?.obligations[o.id] === undefined && !(syntaxFinding && isSyntaxError(o))).length;
  const unknown = open.filter((o) => o.status === "unknown").length;
  const errors = findingErrors + refuted + (strict ? open.length : 0);
  const warnings = findingWarnings + (strict ? 0 : unknown);
  const parseFailed = syntaxErrors.length > 0 || d.findings.some((f) => f.ruleId === "syntax");
  const status = findingErrors > 0 || parseFailed ? "invalid" : errors > 0 ? "failed" : "passed";
  return { status, syntaxErrors, parseFailed, errors, warnings };
}

/** Decoded code or module text of an obligation, with the file its position is reported in. */
interface Source {
  readonly file: string;
  readonly code: string;
  readonly line: number;
  readonly column: number;
  readonly endColumn?: number | undefined;
}

/** `file:line:col` of an obligation in the real file (relative to cwd); inline code mapped into the JSON file. */
export function whereIs(documentFile: string, o: ObligationResult, options: Pick<PrettyReportOptions, "cwd" | "texts">): string {
  const source = sourceOf({ file: documentFile }, o, options);
  if (!inDocument(documentFile, o, options)) return `${source.file}:${source.line}:${source.column}`;
  // Inline code whose document text is not at hand: never a file:line:col that would point into the wrong place.
  return source.code !== "" ? source.file : `${displayPath(options.cwd, documentFile)} (execution.code line ${o.location.line}, column ${o.location.column})`;
}

const inDocument = (documentFile: string, o: ObligationResult, options: Pick<PrettyReportOptions, "cwd">): boolean =>
  path.resolve(options.cwd ?? process.cwd(), o.location.file) === path.resolve(options.cwd ?? process.cwd(), documentFile);

function sourceOf(d: Pick<DocumentVerification, "file">, o: ObligationResult, options: Pick<PrettyReportOptions, "cwd" | "texts">): Source {
  const cwd = options.cwd ?? process.cwd();
  const document = path.resolve(cwd, d.file);
  const file = path.resolve(cwd, o.location.file);
  const text = options.texts?.get(file);
  const fallback = { file: displayPath(options.cwd, o.location.file), code: "", line: o.location.line, column: o.location.column };
  if (text === undefined) return fallback;
  if (file !== document) {
    const region = codeRegion(text, undefined, o.site.start, o.site.end);
    const same = region !== undefined && region.start.line === o.location.line && region.start.column === o.location.column;
    return { ...fallback, code: text, endColumn: same && region.end.line === region.start.line ? region.end.column : undefined };
  }
  const parsed = parseJsonText(text);
  const code = parsed.ok ? (parsed.value as { execution?: { code?: unknown } } | null)?.execution?.code : undefined;
  const map = inlineCode(text);
  if (typeof code !== "string" || map === undefined) return fallback;
  const region = codeRegion(text, map, o.site.start, o.site.end);
  if (region === undefined) return { ...fallback, code };
  // The frame shows the decoded code (its own lines); the header the position in the JSON file.
  const stop = Math.min(Math.max(o.site.end, o.site.start + 1), code.length);
  const nl = code.indexOf("\n", o.site.start);
  const endInCode = nl >= 0 && nl < stop ? nl : stop;
  return { file: `${displayPath(options.cwd, d.file)}:${region.start.line}:${region.start.column}`, code, line: o.location.line, column: o.location.column, endColumn: o.location.column + (endInCode - o.site.start) };
}

function frame(source: Source, message: string, color: boolean): string {
  if (source.code === "") return "";
  // Control characters of the code are escaped line by line (columns move only on such lines).
  const lines = source.code.split("\n").map((l) => clean(l.replace(/\r$/, "")));
  if (source.line > lines.length) return "";
  const end = source.endColumn !== undefined && source.endColumn > source.column ? { line: source.line, column: source.endColumn } : undefined;
  const text = codeFrameColumns(lines.join("\n"), { start: { line: source.line, column: source.column }, ...(end ? { end } : {}) }, { highlightCode: color, forceColor: color, linesAbove: 2, linesBelow: 1, message: clean(message) });
  return `${text.split("\n").map((l) => `    ${l}`).join("\n")}\n`;
}

/** "what must hold — why", without saying the same thing twice (TypeScript diagnostics are both). */
const claimAndReason = (o: ObligationResult): string => (o.reason === o.description || o.reason.startsWith(o.description) ? o.reason : `${o.description} — ${o.reason}`);

function obligationBlock(d: DocumentVerification, o: ObligationResult, options: PrettyReportOptions): string {
  const c = options.color;
  const source = sourceOf(d, o, options);
  const where = whereIs(d.file, o, options);
  const by = d.overrides?.obligations[o.id];
  const label = by === undefined ? paint(c, COLOR[o.status], statusLabel(o)) : paint(c, "36", "overridden");
  let out = `  ${clean(where)}  ${label}  ${paint(c, "1", clean(o.id))}\n`;
  out += `    ${by === undefined ? "" : `${o.status}: `}${clean(claimAndReason(o))}\n`;
  if (by !== undefined) out += `    ${clean(overrideNote(by))}; still checked at run time\n`;
  const values = o.counterexample !== null ? formatCounterexample(o.counterexample) : o.candidate !== undefined ? formatCounterexample(o.candidate) : "";
  if (o.counterexample !== null) out += `    ${paint(c, "31", "counterexample:")} ${clean(values)}\n`;
  else if (o.candidate !== undefined) out += `    ${paint(c, "33", "candidate (not confirmed):")} ${clean(values)}\n`;
  if (o.confirmation !== undefined) {
    const args = o.confirmation.args.length > 0 ? ` with ${o.confirmation.args.join(", ")}` : "";
    out += o.confirmation.confirmed
      ? `    ${paint(c, "31", "confirmed by execution:")} ${clean(`ran in the sandbox${args}: ${o.confirmation.outcome}`)}\n`
      : `    ${paint(c, "2", `not confirmed by execution: ${clean(`${o.confirmation.outcome}${args}`)}`)}\n`;
  }
  if (o.status === "refuted" || o.status === "unknown") {
    const inCode = where !== `${source.file}:${source.line}:${source.column}` ? `    ${paint(c, "2", `in execution.code, line ${source.line} column ${source.column} of the code:`)}\n` : "";
    const shown = frame(source, values, c);
    if (shown !== "") out += `${inCode}${shown}`;
  }
  return out;
}

const overrideNote = (o: { readonly scope: string; readonly approvers: readonly string[]; readonly expires: string; readonly justification: string }): string =>
  `by approved override ${o.scope} (${o.approvers.join(", ")}, until ${o.expires}): ${o.justification}`;

function findingLine(d: DocumentVerification, f: Finding, options: PrettyReportOptions): string {
  const c = options.color;
  const cwd = options.cwd ?? process.cwd();
  const text = options.texts?.get(path.resolve(cwd, d.file));
  const region = pointerRegion(text, f.path);
  let where = `${displayPath(options.cwd, d.file)}:${region.startLine}:${region.startColumn}`;
  // A syntax error in inline code: the character in the JSON file, like obligations.
  const inCode = /^TS\d+ at execution\.code line (\d+), column (\d+)/.exec(f.message);
  const map = inCode && text !== undefined ? inlineCode(text) : undefined;
  const code = map !== undefined && text !== undefined ? (parseJsonText(text).ok ? (JSON.parse(text) as { execution?: { code?: unknown } }).execution?.code : undefined) : undefined;
  if (inCode && map !== undefined && typeof code === "string") {
    const lines = code.split("\n");
    const line = Number(inCode[1]);
    const offset = lines.slice(0, line - 1).reduce((n, l) => n + l.length + 1, 0) + Number(inCode[2]) - 1;
    const at = codeRegion(text!, map, offset, offset + 1);
    if (at !== undefined) where = `${displayPath(options.cwd, d.file)}:${at.start.line}:${at.start.column}`;
  }
  const pointer = f.path === "" ? "" : ` ${paint(c, "2", `(${clean(f.path)})`)}`;
  return `  ${clean(where)}  ${paint(c, SEVERITY_COLOR[f.severity], f.severity)}  ${paint(c, "1", clean(f.ruleId))}  ${clean(f.message)}${pointer}\n    ${paint(c, "2", `hint: ${clean(f.hint)}`)}\n`;
}

export function prettyReport(report: VerifyReport, options: PrettyReportOptions): string {
  const c = options.color;
  let out = "";
  let errors = 0;
  let warnings = 0;
  const statuses = { passed: 0, failed: 0, invalid: 0 };
  for (const d of report.documents) {
    const outcome = documentOutcome(d, options.strict);
    errors += outcome.errors;
    warnings += outcome.warnings;
    statuses[outcome.status]++;
    const proved = d.obligations.filter((o) => o.status === "proved").length;
    const word = outcome.status === "passed" ? paint(c, "32", "passed") : paint(c, "31", outcome.parseFailed ? "invalid (the code does not parse)" : outcome.status);
    out += `${paint(c, "4", clean(displayPath(options.cwd, d.file)))}  ${word}  (${proved}/${d.obligations.length} obligations proved)\n`;
    d.findings.forEach((f, i) => {
      out += findingLine(d, f, options);
      const by = d.overrides?.findings[i];
      if (by !== undefined) out += `    ${paint(c, "36", "overridden")} ${clean(overrideNote(by))}\n`;
    });
    const skipped = new Set(d.skippedByShard);
    if (outcome.parseFailed) {
      // Every other verdict was computed on a module that does not parse: noise until it does.
      // The diagnostic is printed once: as the `syntax` finding, else as the type obligation.
      const shown = d.findings.some((f) => f.ruleId === "syntax") ? [] : outcome.syntaxErrors;
      for (const o of shown) out += obligationBlock(d, o, options);
      const rest = d.obligations.filter((o) => !shown.includes(o) && o.status !== "proved").length;
      if (rest > 0) out += `  ${paint(c, "2", `${rest} other obligation(s) not shown: fix the syntax error first`)}\n`;
    } else {
      for (const o of d.obligations) {
        if (skipped.has(o.id)) continue;
        if (o.status !== "proved") out += obligationBlock(d, o, options);
        // Proved only because the site cannot be reached: shown, counted apart (issue 12).
        else if (o.vacuous !== undefined) out += `  ${clean(whereIs(d.file, o, options))}  ${paint(c, "33", "proved (vacuous)")}  ${paint(c, "1", clean(o.id))}\n    ${clean(o.description)} — ${clean(o.vacuous)}\n`;
      }
    }
    if (skipped.size > 0) out += `  ${skipped.size} obligation(s) left to other shards (${report.run.shard?.index}/${report.run.shard?.count} ran here)\n`;
    out += "\n";
  }
  const s = report.summary;
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
  const problems = errors + warnings;
  out +=
    problems === 0
      ? `${paint(c, "32", "✔ no problems")}\n`
      : `${paint(c, errors > 0 ? "31" : "33", `✖ ${plural(problems, "problem")} (${plural(errors, "error")}, ${plural(warnings, "warning")})`)}\n`;
  out += `documents: ${s.documents} (${statuses.passed} passed, ${statuses.failed} failed, ${statuses.invalid} invalid)\n`;
  const confirmed = report.documents.reduce((n, d) => n + d.obligations.filter((o) => o.confirmation?.confirmed).length, 0);
  out += `obligations: ${s.proved} proved, ${s.refuted} refuted${confirmed > 0 ? ` (${confirmed} confirmed by execution)` : ""}, ${s.unknown} unknown, ${s.unsupported} unsupported, ${s.informal} informal`;
  if (s.vacuous > 0) out += ` (${s.vacuous} of the proofs vacuous)`;
  const overridden = report.documents.reduce((n, d) => n + Object.keys(d.overrides?.obligations ?? {}).length, 0);
  if (overridden > 0) out += ` (${overridden} overridden by approval)`;
  if (s.skippedByShard > 0) out += ` (${s.skippedByShard} skipped by shard)`;
  out += `\n`;
  const r = report.run;
  const z3 = r.solverInitMs.length > 0 ? `${r.solverInitMs.length} z3 init` : r.solved > 0 ? "z3 already running" : "z3 not needed";
  out += `${r.queries} distinct queries: ${r.cacheHits} from cache, ${r.solved} solved (${r.solverVersion}, ${z3})\n`;
  const x = r.extraction;
  if (x.entitiesReused > 0) out += `extraction: ${x.entitiesExtracted} function(s) analysed again, ${x.entitiesReused} reused\n`;
  const h = x.houdini;
  if (h !== undefined && (h.proposed > 0 || h.unneeded > 0)) {
    const skipped = h.unneeded > 0 ? `; ${h.unneeded} function(s) proved without them` : "";
    out += `inferred loop invariants: ${h.kept} of ${h.proposed} candidate(s) proved and used (${h.rounds} extraction round(s)${skipped})\n`;
  }
  if (options.strict && s.unknown + s.unsupported + s.informal - s.skippedByShard > 0) out += `--strict: unknown, unsupported and informal obligations count as errors\n`;
  for (const w of r.cacheWarnings) out += `${paint(c, "33", "warning")} cache: ${clean(w)}\n`;
  return out;
}
