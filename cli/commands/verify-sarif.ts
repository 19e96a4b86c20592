/**
 * SARIF 2.1.0 form of a verification report (`anrf verify --format sarif`) or a validation
 * report (`anrf validate --format sarif`), for GitHub code scanning and other SARIF viewers.
 * Pure: the texts of documents and modules (for regions) and the tool facts come in as data;
 * verify-sarif-read.ts reads them. The mapping is documented in docs/sarif.md.
 *
 * One run. Results: every finding (error → error, warning → warning, info → note) and every
 * obligation that is neither proved nor left to another shard (refuted → error, unknown →
 * warning, unsupported and informal → note). Proved obligations are counted in run.properties.
 */
import * as path from "node:path";
import { sha256Hex } from "../../proofs-cache/key.js";
import type { Finding, Severity } from "../../spec/finding.js";
import type { ValidationReport } from "../../spec/report.js";
import type { ObligationKind, ObligationResult, ObligationStatus } from "../../verifier/obligation.js";
import type { VerifyReport } from "../../verifier/pipeline/report-types.js";
import { runtimeConsequence } from "./explain-runtime.js";
import { formatCounterexample } from "./verify-format.js";
import { artifactLocation, baseUri, findingLocation, obligationPlace, SRCROOT, type LocationContext, type SarifLocation } from "./verify-sarif-locations.js";
import { findingRuleId, obligationRuleId, ruleTable, type DocsBase } from "./verify-sarif-rules.js";

export const SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json";

export interface SarifTool {
  /** anrf's version (package.json). */
  readonly version: string;
  /** Absolute URL of anrf's home page, and of its docs/ folder (for helpUri); omitted when unknown. */
  readonly informationUri?: string | undefined;
  readonly docsUri?: DocsBase;
}

export interface SarifOptions extends LocationContext {
  readonly tool: SarifTool;
}

/** What the builder needs of a document: VerifyReport documents fit as they are. */
export interface SarifDocument {
  readonly file: string;
  readonly findings: readonly Finding[];
  readonly obligations: readonly ObligationResult[];
  readonly skippedByShard: readonly string[];
  /** Honoured overrides (approvals/apply.ts): covered results get a SARIF suppression. */
  readonly overrides?: import("../../approvals/apply.js").DocumentOverrides | undefined;
}

type Level = "error" | "warning" | "note";
const FINDING_LEVEL: Record<Severity, Level> = { error: "error", warning: "warning", info: "note" };
/** Reported statuses; `overridden` (an approved override, from the policy work) is accepted when present. */
type Reported = Exclude<ObligationStatus, "proved"> | "overridden";
const OBLIGATION_LEVEL: Record<Reported, Level> = { refuted: "error", unknown: "warning", unsupported: "note", informal: "note", overridden: "warning" };
const STATUS_WORD: Record<Reported, string> = { refuted: "Refuted", unknown: "Not proved (unknown)", unsupported: "Not verified (unsupported)", informal: "Informal, not verified", overridden: "Not proved, overridden by approval" };

interface ThreadFlowLocation {
  readonly location: SarifLocation & { readonly message: { readonly text: string } };
  readonly state?: Readonly<Record<string, { readonly text: string }>>;
  readonly kinds?: readonly string[];
}

interface CodeFlow {
  readonly message: { readonly text: string };
  readonly threadFlows: readonly [{ readonly locations: readonly ThreadFlowLocation[] }];
}

/** SARIF suppression (3.35): an approved override of the finding, decided outside the log. */
export interface SarifSuppression {
  readonly kind: "external";
  readonly status: "accepted";
  readonly justification: string;
  readonly properties?: { readonly scope: string; readonly approvers: readonly string[]; readonly expires: string };
}

interface SarifResult {
  readonly ruleId: string;
  readonly ruleIndex: number;
  readonly level: Level;
  readonly message: { readonly text: string };
  readonly locations: readonly SarifLocation[];
  readonly codeFlows?: readonly CodeFlow[];
  readonly suppressions?: readonly SarifSuppression[];
  readonly partialFingerprints: Readonly<Record<string, string>>;
  readonly properties: Readonly<Record<string, unknown>>;
}

/** An approved override is an external suppression (the approval lives outside the source). */
const suppression = (o: import("../../approvals/overrides.js").AppliedOverride | undefined): { suppressions?: readonly SarifSuppression[] } =>
  o === undefined ? {} : { suppressions: [{ kind: "external", status: "accepted", justification: o.justification, properties: { scope: o.scope, approvers: o.approvers, expires: o.expires } }] };

/** A model value as SARIF state text (strings quoted as in source, specials spelled out). */
const stateText = (value: unknown): string => (typeof value === "string" && !/^(NaN|-?Infinity|-0)$/.test(value) ? JSON.stringify(value) : String(value));

/**
 * The counterexample (refuted) or the unconfirmed candidate (unknown) as a code flow: one
 * thread-flow location at the site whose `state` holds every value; a confirmation by
 * execution adds the run's outcome as a second step.
 */
function codeFlowsOf(o: ObligationResult, location: SarifLocation): CodeFlow[] | undefined {
  const values = o.counterexample ?? o.candidate;
  if (values === null || values === undefined) return undefined;
  const state = Object.fromEntries(Object.entries(values).map(([name, value]) => [name, { text: stateText(value) }]));
  const what = o.counterexample !== null ? "Counterexample" : "Candidate values (z3's model through an abstraction, not confirmed)";
  const shown = formatCounterexample(values);
  const steps: ThreadFlowLocation[] = [{ location: { ...location, message: { text: sentence(`${what}: ${shown}`) } }, state, kinds: ["acquire"] }];
  if (o.confirmation !== undefined) {
    const args = o.confirmation.args.length > 0 ? ` with ${o.confirmation.args.join(", ")}` : "";
    const text = o.confirmation.confirmed ? `Confirmed by execution in the sandbox${args}: ${o.confirmation.outcome}` : `Not confirmed by execution: ${o.confirmation.outcome}${args}`;
    steps.push({ location: { ...location, message: { text: sentence(text) } }, kinds: ["exit"] });
  }
  return [{ message: { text: sentence(`${what} for obligation ${o.id}`) }, threadFlows: [{ locations: steps }] }];
}


/** Ends a piece of text with exactly one full stop (document text may carry its own). */
const sentence = (text: string): string => {
  const t = text.trim();
  return t === "" || /[.!?]$/.test(t) ? t : `${t}.`;
};

/** Positions inside descriptions ("the loop at 5:3") move with unrelated edits; fingerprints ignore them. */
const withoutPositions = (text: string): string => text.replace(/\b\d+:\d+\b/g, "L:C");

/**
 * partialFingerprints that survive edits elsewhere in the file: a hash of what the result is
 * about (never its line), numbered among identical ones in the same document. Code scanning
 * only reads `primaryLocationLineHash`; it would otherwise hash the line, and every obligation
 * of inline code sits on the one `execution.code` line.
 */
function fingerprinter(): (document: string, parts: readonly unknown[]) => Record<string, string> {
  const seen = new Map<string, number>();
  return (document, parts) => {
    const hash = sha256Hex(JSON.stringify(["anrf-sarif-v1", document, ...parts]));
    const n = (seen.get(hash) ?? 0) + 1;
    seen.set(hash, n);
    return { "anrf/v1": `${hash}:${n}`, primaryLocationLineHash: `${hash.slice(0, 16)}:${n}` };
  };
}

function obligationMessage(o: ObligationResult, status: Reported, place: string, inCode: string | undefined, document: string): string {
  const word = o.confirmation?.confirmed ? "Refuted (confirmed by execution)" : STATUS_WORD[status];
  const parts = [`${word}${inCode === undefined ? "" : ` at ${inCode}`}: ${sentence(o.description)}`];
  if (o.counterexample !== null) parts.push(`Counterexample: ${sentence(formatCounterexample(o.counterexample))}`);
  else if (o.candidate !== undefined) parts.push(`Candidate values (not confirmed): ${sentence(formatCounterexample(o.candidate))}`);
  parts.push(`Reason: ${sentence(o.reason)}`);
  // The runtime consequence as `anrf explain` states it, with a path that means something here.
  const runtime = runtimeConsequence({ ...o, location: { ...o.location, file: place } }).slice(0, 2);
  parts.push(`At run time: ${sentence(runtime.join("; "))}`);
  const clause = o.clause === undefined || o.description.includes(o.clause) ? "" : `, clause ${o.clause}`;
  parts.push(`Obligation ${o.id} of entity ${o.entity}${clause} (details: anrf explain ${document} ${o.id}).`);
  return parts.join(" ");
}

/** The SARIF log as a value (verifySarif and validateSarif serialise it). */
export function sarifLog(documents: readonly SarifDocument[], properties: Readonly<Record<string, unknown>>, options: SarifOptions) {
  const kinds = new Set<ObligationKind>();
  const findingIds = new Set<string>();
  for (const d of documents) {
    for (const f of d.findings) findingIds.add(f.ruleId);
    for (const o of d.obligations) kinds.add(o.kind);
  }
  const { rules, index } = ruleTable(kinds, findingIds, options.tool.docsUri);
  const fingerprint = fingerprinter();
  const results: SarifResult[] = [];
  for (const d of documents) {
    const document = artifactLocation(options, path.resolve(options.cwd, d.file)).uri;
    for (const [i, f] of d.findings.entries()) {
      results.push({
        ruleId: findingRuleId(f.ruleId),
        ruleIndex: index.get(f.ruleId)!,
        level: FINDING_LEVEL[f.severity],
        message: { text: `${sentence(f.message)} Hint: ${sentence(f.hint)}${f.path === "" ? "" : ` (at ${f.path})`}` },
        locations: [findingLocation(options, d.file, f.path)],
        partialFingerprints: fingerprint(document, ["finding", f.ruleId, f.path, withoutPositions(f.message)]),
        properties: { jsonPointer: f.path },
        ...suppression(d.overrides?.findings[i]),
      });
    }
    const skipped = new Set(d.skippedByShard);
    for (const o of d.obligations) {
      if (o.status === "proved" || skipped.has(o.id)) continue;
      const { location, inCode } = obligationPlace(options, d.file, o);
      const place = inCode === undefined ? location.physicalLocation.artifactLocation.uri : "execution.code";
      const ruleId = obligationRuleId(o.kind);
      const status = o.status as Reported;
      const codeFlows = codeFlowsOf(o, location);
      results.push({
        ruleId,
        ruleIndex: index.get(ruleId)!,
        level: OBLIGATION_LEVEL[status] ?? "warning",
        message: { text: obligationMessage(o, status, place, inCode, d.file) },
        locations: [location],
        ...(codeFlows === undefined ? {} : { codeFlows }),
        partialFingerprints: fingerprint(document, ["obligation", o.entity, o.kind, withoutPositions(o.description), o.clause ?? null]),
        properties: {
          document,
          obligationId: o.id,
          entity: o.entity,
          status: o.status,
          ...(o.counterexample === null ? {} : { counterexample: o.counterexample }),
          ...(o.candidate === undefined ? {} : { candidate: o.candidate }),
          ...(o.confirmation === undefined ? {} : { confirmation: o.confirmation }),
          ...(o.inferred === true ? { inferred: true } : {}),
        },
        ...suppression(d.overrides?.obligations[o.id]),
      });
    }
  }
  const { informationUri, version } = options.tool;
  return {
    $schema: SARIF_SCHEMA,
    version: "2.1.0" as const,
    runs: [
      {
        tool: { driver: { name: "anrf", version, semanticVersion: version, ...(informationUri === undefined ? {} : { informationUri }), rules } },
        originalUriBaseIds: { [SRCROOT]: { uri: baseUri(options.cwd) } },
        columnKind: "utf16CodeUnits" as const,
        results,
        properties,
      },
    ],
  };
}

const text = (log: unknown): string => `${JSON.stringify(log, null, 2)}\n`;

/** `anrf verify --format sarif`: findings and open obligations; per-status counts and solver facts in run.properties. */
export function verifySarif(report: VerifyReport, options: SarifOptions): string {
  const s = report.summary;
  const r = report.run;
  return text(
    sarifLog(report.documents, {
      documents: { total: s.documents, valid: s.valid, errors: s.errors, warnings: s.warnings },
      obligations: { proved: s.proved, vacuous: s.vacuous, refuted: s.refuted, unknown: s.unknown, unsupported: s.unsupported, informal: s.informal, skippedByShard: s.skippedByShard },
      inferredInvariants: r.extraction.houdini,
      strict: r.strict,
      solverVersion: r.solverVersion,
      encodingVersion: r.encodingVersion,
      limits: r.limits,
      ...(r.shard === undefined ? {} : { shard: r.shard }),
    }, options),
  );
}

/** `anrf validate --format sarif`: the findings only. */
export function validateSarif(report: ValidationReport, options: SarifOptions): string {
  const s = report.summary;
  const documents = report.documents.map((d) => ({ file: d.file, findings: d.findings, obligations: [], skippedByShard: [] }));
  return text(sarifLog(documents, { documents: { total: s.documents, valid: s.valid, errors: s.errors, warnings: s.warnings } }, options));
}
