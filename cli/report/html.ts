/**
 * `anrf report --html`: one self-contained HTML page for a verification run (pure: the report,
 * the texts of documents and modules, and the optional extras come in as data). No external
 * resource of any kind: inline CSS, no script, and a Content-Security-Policy that forbids
 * loading anything (`default-src 'none'`), so even a mistake in escaping could not fetch or run
 * code. Every string from a document or its code goes through `escapeHtml`.
 *
 * Per document: obligations by status; the source (inline `execution.code` or the module file)
 * with every unproved site highlighted and its counterexample or candidate beside it; the runtime
 * checks left in production (unproved obligations of a checkable kind) with their measured cost
 * when a testing-mode profile is given (anrf stores none yet: the page says so and shows the
 * count); the document's override request and any policy decisions/overrides in the report data.
 */
import * as path from "node:path";
import { parseJsonText } from "../../spec/json-position.js";
import type { ObligationKind, ObligationResult, ObligationStatus } from "../../verifier/obligation.js";
import type { DocumentVerification, VerifyReport } from "../../verifier/pipeline/report-types.js";
import { formatCounterexample } from "../commands/verify-format.js";
import { displayPath, documentOutcome, statusLabel, whereIs } from "./pretty.js";

export const escapeHtml = (text: string): string =>
  text.replace(/[&<>"'\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, (c) => (c === "&" ? "&amp;" : c === "<" ? "&lt;" : c === ">" ? "&gt;" : c === '"' ? "&quot;" : c === "'" ? "&#39;" : `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`));

const STATUSES: readonly ObligationStatus[] = ["refuted", "unknown", "unsupported", "informal", "proved"];
/** Kinds the runtime turns into checks (explain-runtime.ts). */
const CHECKABLE: ReadonlySet<ObligationKind> = new Set(["bounds", "precondition", "argument", "postcondition", "invariant", "capability"]);

/** A testing-mode profile: how often each check ran and what it cost (the seam for a future `anrf run --mode testing --profile`). */
export interface CheckProfile {
  readonly runs: number;
  /** Per check id: executions and total time spent in the check (ms). */
  readonly checks: Readonly<Record<string, { readonly executed: number; readonly ms?: number | undefined }>>;
}

/** Policy decisions and overrides (the seam for the policy work): shown as given, escaped. */
export interface PolicyEntry {
  readonly decision: string;
  readonly subject: string;
  readonly reason?: string | undefined;
  readonly approver?: string | undefined;
}

export interface HtmlExtras {
  /** Absolute document path → its testing-mode profile. */
  readonly profiles?: ReadonlyMap<string, CheckProfile> | undefined;
  /** Absolute document path → policy decisions and overrides. */
  readonly policy?: ReadonlyMap<string, readonly PolicyEntry[]> | undefined;
}

export interface HtmlOptions {
  readonly cwd: string;
  readonly texts: ReadonlyMap<string, string>;
  readonly strict: boolean;
  readonly generatedAt: string;
  readonly version: string;
  readonly extras?: HtmlExtras | undefined;
}

const CSS = `
body{font:14px/1.45 system-ui,sans-serif;margin:0;color:#1b1f24;background:#f6f8fa}
header,main{max-width:1100px;margin:0 auto;padding:16px 24px}
header{background:#fff;border-bottom:1px solid #d0d7de;max-width:none}
h1{font-size:20px;margin:0 0 8px}h2{font-size:17px;margin:0}h3{font-size:14px;margin:16px 0 6px}
.counts{display:flex;gap:8px;flex-wrap:wrap;margin:8px 0}
.count{border-radius:6px;padding:4px 10px;background:#eaeef2;font-weight:600}
.refuted{background:#ffebe9;color:#82071e}.unknown{background:#fff8c5;color:#7d4e00}
.unsupported,.informal{background:#ddf4ff;color:#0a3069}.proved{background:#dafbe1;color:#116329}
.overridden{background:#fbefff;color:#6e40c9}
section.doc{background:#fff;border:1px solid #d0d7de;border-radius:8px;margin:16px 0;padding:12px 16px}
.status{font-weight:700;border-radius:6px;padding:2px 8px;margin-left:8px}
.passed{background:#dafbe1;color:#116329}.failed,.invalid{background:#ffebe9;color:#82071e}
table{border-collapse:collapse;width:100%;font-size:13px}td,th{border-top:1px solid #d0d7de;padding:4px 6px;text-align:left;vertical-align:top}
code,pre{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:12.5px}
pre.src{background:#f6f8fa;border:1px solid #d0d7de;border-radius:6px;padding:8px 0;overflow:auto}
pre.src span.ln{display:inline-block;width:4ch;color:#8c959f;text-align:right;margin-right:1.5ch;user-select:none}
pre.src mark{border-radius:3px;padding:0 1px}
pre.src .note{display:inline-block;margin-left:5.5ch;color:#82071e;font-style:italic}
.muted{color:#57606a}
`;

interface Mark {
  readonly start: number;
  readonly end: number;
  readonly status: ObligationStatus;
  readonly id: string;
}

const RANK: Record<ObligationStatus, number> = { refuted: 4, unknown: 3, unsupported: 2, informal: 1, proved: 0 };

/** The module text of a document (decoded inline code, or the module file), when it can be read now. */
function moduleText(d: DocumentVerification, options: HtmlOptions): { file: string; code: string } | undefined {
  const document = path.resolve(options.cwd, d.file);
  const other = d.obligations.find((o) => path.resolve(options.cwd, o.location.file) !== document);
  if (other !== undefined) {
    const file = path.resolve(options.cwd, other.location.file);
    const code = options.texts.get(file);
    return code === undefined ? undefined : { file: displayPath(options.cwd, file), code };
  }
  const text = options.texts.get(document);
  if (text === undefined) return undefined;
  const parsed = parseJsonText(text);
  const code = parsed.ok ? (parsed.value as { execution?: { code?: unknown } } | null)?.execution?.code : undefined;
  return typeof code === "string" ? { file: `${displayPath(options.cwd, d.file)} (execution.code)`, code } : undefined;
}

/** The source with unproved sites marked (the strongest status wins where sites overlap) and each site's values on a note line below it. */
function sourceHtml(code: string, marks: readonly Mark[], notes: ReadonlyMap<number, string[]>): string {
  const status: (Mark | undefined)[] = new Array(code.length);
  for (const m of marks) {
    const end = Math.min(Math.max(m.end, m.start + 1), code.length);
    for (let i = m.start; i < end; i++) if (status[i] === undefined || RANK[status[i]!.status] < RANK[m.status]) status[i] = m;
  }
  const lines: string[] = [];
  let offset = 0;
  code.split("\n").forEach((line, index) => {
    let html = "";
    let i = 0;
    while (i < line.length) {
      const m = status[offset + i];
      let j = i + 1;
      while (j < line.length && status[offset + j] === m) j++;
      const text = escapeHtml(line.slice(i, j));
      html += m === undefined ? text : `<mark class="${m.status}" title="${escapeHtml(`${m.id} (${m.status})`)}">${text}</mark>`;
      i = j;
    }
    lines.push(`<span class="ln">${index + 1}</span>${html}`);
    for (const note of notes.get(index + 1) ?? []) lines.push(`<span class="note">${note}</span>`);
    offset += line.length + 1;
  });
  return `<pre class="src">${lines.join("\n")}</pre>`;
}

const valuesOf = (o: ObligationResult): string =>
  o.counterexample !== null ? `counterexample: ${formatCounterexample(o.counterexample)}` : o.candidate !== undefined ? `candidate (not confirmed): ${formatCounterexample(o.candidate)}` : "";

function obligationRows(d: DocumentVerification, list: readonly ObligationResult[], options: HtmlOptions): string {
  const rows = list.map((o) => {
    const confirmation = o.confirmation === undefined ? "" : `<br><span class="muted">${escapeHtml(o.confirmation.confirmed ? `confirmed by execution (${o.confirmation.args.join(", ")}): ${o.confirmation.outcome}` : `not confirmed by execution: ${o.confirmation.outcome}`)}</span>`;
    return `<tr data-status="${o.status}"><td><span class="status ${o.status}">${escapeHtml(statusLabel(o))}</span></td><td><code>${escapeHtml(o.id)}</code><br><span class="muted">${escapeHtml(whereIs(d.file, o, options))}</span></td><td>${escapeHtml(o.description)}<br><span class="muted">${escapeHtml(o.reason)}</span>${valuesOf(o) === "" ? "" : `<br><code>${escapeHtml(valuesOf(o))}</code>`}${confirmation}</td></tr>`;
  });
  return `<table><thead><tr><th>status</th><th>obligation</th><th>what must hold · why · values</th></tr></thead><tbody>${rows.join("")}</tbody></table>`;
}

function checksHtml(d: DocumentVerification, options: HtmlOptions): string {
  const checks = d.obligations.filter((o) => o.status !== "proved" && CHECKABLE.has(o.kind));
  const proved = d.obligations.filter((o) => o.status === "proved" && CHECKABLE.has(o.kind)).length;
  const profile = options.extras?.profiles?.get(path.resolve(options.cwd, d.file));
  let html = `<h3>Runtime checks left in production</h3><p><span class="count" data-count="checks">${checks.length}</span> check(s) stay in production mode; ${proved} removed by proofs.</p>`;
  if (profile === undefined) {
    html += `<p class="muted" data-profile="none">No testing-mode profile for this document: anrf does not record one yet, so the cost of these checks is not measured here (the count is what the runtime inserts; development and testing modes insert every check).</p>`;
    return html;
  }
  const rows = checks.map((o) => {
    const p = profile.checks[o.id];
    return `<tr><td><code>${escapeHtml(o.id)}</code></td><td>${p?.executed ?? 0}</td><td>${p?.ms === undefined ? "—" : `${p.ms.toFixed(3)} ms`}</td></tr>`;
  });
  return `${html}<table data-profile="given"><thead><tr><th>check</th><th>executions (${profile.runs} testing run(s))</th><th>time</th></tr></thead><tbody>${rows.join("")}</tbody></table>`;
}

function policyHtml(d: DocumentVerification, options: HtmlOptions): string {
  const absolute = path.resolve(options.cwd, d.file);
  const text = options.texts.get(absolute);
  const parsed = text === undefined ? undefined : parseJsonText(text);
  const security = parsed?.ok ? (parsed.value as { security?: { override_status?: unknown; override_justification?: unknown; override_approval?: { approver_id?: unknown } } } | null)?.security : undefined;
  const items: string[] = [];
  if (security?.override_status === true) {
    items.push(`<li>The document asks for an override: ${escapeHtml(String(security.override_justification ?? "(no justification)"))}${typeof security.override_approval?.approver_id === "string" ? ` — approval recorded in the document by ${escapeHtml(security.override_approval.approver_id)} (the operator's policy decides, not the document)` : ""}</li>`);
  }
  for (const o of d.obligations) {
    if ((o.status as string) === "overridden") items.push(`<li>Override of <code>${escapeHtml(o.id)}</code></li>`);
  }
  for (const p of options.extras?.policy?.get(absolute) ?? []) {
    items.push(`<li><strong>${escapeHtml(p.decision)}</strong> ${escapeHtml(p.subject)}${p.reason ? ` — ${escapeHtml(p.reason)}` : ""}${p.approver ? ` (approved by ${escapeHtml(p.approver)})` : ""}</li>`);
  }
  return `<h3>Policy decisions and overrides</h3>${items.length === 0 ? `<p class="muted" data-policy="none">None in this report: no override requested and no policy decision recorded.</p>` : `<ul data-policy="given">${items.join("")}</ul>`}`;
}

function documentHtml(d: DocumentVerification, index: number, options: HtmlOptions): string {
  const outcome = documentOutcome(d, options.strict);
  const counts = STATUSES.map((s) => `<span class="count ${s}" data-doc-count="${s}">${s} ${d.obligations.filter((o) => o.status === s).length}</span>`).join("");
  const findings = d.findings.length === 0 ? "" : `<h3>Findings</h3><ul>${d.findings.map((f) => `<li><span class="status ${f.severity === "error" ? "refuted" : f.severity === "warning" ? "unknown" : "informal"}">${escapeHtml(f.severity)}</span> <code>${escapeHtml(f.ruleId)}</code> ${escapeHtml(f.path)}: ${escapeHtml(f.message)} <span class="muted">hint: ${escapeHtml(f.hint)}</span></li>`).join("")}</ul>`;
  const open = d.obligations.filter((o) => o.status !== "proved");
  const shown = outcome.parseFailed ? (d.findings.some((f) => f.ruleId === "syntax") ? [] : outcome.syntaxErrors) : open;
  const module = moduleText(d, options);
  let source = "";
  if (module !== undefined) {
    const notes = new Map<number, string[]>();
    for (const o of shown) {
      const values = valuesOf(o);
      if (values === "" || o.status === "proved") continue;
      const list = notes.get(o.location.line) ?? [];
      list.push(`${escapeHtml(o.id)}: ${escapeHtml(values)}`);
      notes.set(o.location.line, list);
    }
    const marks = shown.filter((o) => o.site.end > o.site.start || o.site.start > 0).map((o) => ({ start: o.site.start, end: o.site.end, status: o.status, id: o.id }));
    source = `<h3>Source: ${escapeHtml(module.file)}</h3>${sourceHtml(module.code, marks, notes)}`;
  }
  const hidden = outcome.parseFailed ? `<p class="muted">${open.length - shown.length} other obligation(s) not listed: the code does not parse.</p>` : "";
  return `<section class="doc" id="doc-${index}" data-document="${escapeHtml(displayPath(options.cwd, d.file))}">
<h2>${escapeHtml(displayPath(options.cwd, d.file))}<span class="status ${outcome.status}" data-doc-status="${outcome.status}">${outcome.status}</span></h2>
<div class="counts">${counts}</div>${findings}
<h3>Obligations not proved</h3>${shown.length === 0 ? `<p class="muted">Every obligation is proved.</p>` : obligationRows(d, shown, options)}${hidden}
${source}${checksHtml(d, options)}${policyHtml(d, options)}
</section>`;
}

export function reportHtml(report: VerifyReport, options: HtmlOptions): string {
  const s = report.summary;
  let errors = 0;
  let warnings = 0;
  const outcomes = report.documents.map((d) => documentOutcome(d, options.strict));
  for (const o of outcomes) {
    errors += o.errors;
    warnings += o.warnings;
  }
  const confirmed = report.documents.reduce((n, d) => n + d.obligations.filter((o) => o.confirmation?.confirmed).length, 0);
  const totals = STATUSES.map((st) => `<span class="count ${st}" data-count="${st}">${st} <b>${s[st]}</b></span>`).join("");
  const docs = report.documents.map((d, i) => documentHtml(d, i, options)).join("\n");
  const syntax = report.documents.filter((d) => documentOutcome(d, options.strict).parseFailed).length;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>anrf report</title>
<style>${CSS}</style>
</head>
<body>
<header>
<h1>anrf verification report</h1>
<div class="counts"><span class="count" data-count="documents">documents <b>${s.documents}</b></span>${totals}<span class="count" data-count="confirmed">confirmed by execution <b>${confirmed}</b></span></div>
<p data-summary="${errors > 0 ? "failed" : "passed"}">${errors > 0 ? "✖" : "✔"} <b data-count="errors">${errors}</b> error(s), <b data-count="warnings">${warnings}</b> warning(s)${syntax > 0 ? `; ${syntax} document(s) whose code does not parse` : ""}${options.strict ? " (--strict: unknown, unsupported and informal count as errors)" : ""}.</p>
<p class="muted">anrf ${escapeHtml(options.version)} · ${escapeHtml(report.run.solverVersion)} · ${report.run.queries} distinct queries, ${report.run.cacheHits} from cache · generated ${escapeHtml(options.generatedAt)}</p>
</header>
<main>
${docs}
</main>
</body>
</html>
`;
}
