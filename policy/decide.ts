/**
 * Decisions → findings and the grant (pure). A denied request is a finding with the field's
 * JSON Pointer, what was requested, and what decided it (the forbids that matched, with their
 * position in the policy file, or "no permit matched": Cedar denies by default). The level of
 * the request's rule set (enforce / warn / audit, as in Kubernetes Pod Security Admission)
 * decides what a denial does: enforce refuses the run, warn reports and runs, audit only
 * records. Exception: a denied threadIsolation is no refusal — the run gets a process instead
 * (more isolation, never less).
 */
import type { Finding } from "../spec/finding.js";
import type { CedarDecision } from "./cedar.js";
import type { PolicyRequest } from "./requests.js";
import type { Level, PolicySource } from "./source.js";

export interface PolicyRef {
  readonly id: string;
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

export interface PolicyFinding extends Finding {
  readonly ruleId: "policy";
  readonly requested: unknown;
  /** The forbids that denied it; empty when no permit matched (Cedar's default deny). */
  readonly deniedBy: readonly PolicyRef[];
  readonly level: Level;
}

export interface DecidedRequest {
  readonly action: string;
  readonly path: string;
  readonly requested: unknown;
  readonly allowed: boolean;
  /** The determining policies: the permits that allowed it, or the forbids that denied it. */
  readonly by: readonly PolicyRef[];
  readonly level: Level;
  readonly errors: readonly string[];
}

export interface Evaluation {
  /** False when some request of an `enforce` rule set was denied: the run must not start. */
  readonly allowed: boolean;
  /** enforce denials (errors) and warn denials (warnings). */
  readonly findings: readonly PolicyFinding[];
  /** audit-level denials: recorded, not reported as findings. */
  readonly audited: readonly PolicyFinding[];
  readonly decisions: readonly DecidedRequest[];
  /** The policy refused a worker thread: the run goes to an isolated process. */
  readonly forceProcess: boolean;
}

export function refsOf(source: PolicySource, cedarIds: readonly string[]): PolicyRef[] {
  return cedarIds.map((cid) => {
    const p = source.policies.find((q) => q.cedarId === cid);
    return p === undefined ? { id: cid, file: source.name, line: 0, column: 0 } : { id: p.id, file: source.name, line: p.line, column: p.column };
  });
}

export function formatRef(r: PolicyRef): string {
  return r.line > 0 ? `'${r.id}' (${r.file}:${r.line}:${r.column})` : `'${r.id}' (${r.file})`;
}

export function denialFinding(source: PolicySource, request: Pick<PolicyRequest, "path" | "requested" | "summary">, decision: CedarDecision, level: Level): PolicyFinding {
  const deniedBy = refsOf(source, decision.reasons);
  const why =
    deniedBy.length > 0
      ? `denied by ${deniedBy.map(formatRef).join(", ")}`
      : decision.errors.length > 0
        ? `not decidable (${decision.errors.join("; ")}), so denied`
        : "no permit in the policy matches it (Cedar denies by default)";
  const hint =
    deniedBy.length > 0
      ? "change the document to ask for less, or have the operator change the forbid"
      : `ask for less, or have the operator add a permit for it to ${source.name} (see docs/policy.md)`;
  const severity = level === "enforce" ? "error" : level === "warn" ? "warning" : "info";
  return { ruleId: "policy", severity, path: request.path, message: `${request.summary} is not granted by the policy: ${why}`, hint, requested: request.requested, deniedBy, level };
}

export function evaluate(source: PolicySource, requests: readonly PolicyRequest[], decisions: readonly CedarDecision[]): Evaluation {
  const findings: PolicyFinding[] = [];
  const audited: PolicyFinding[] = [];
  const decided: DecidedRequest[] = [];
  let allowed = true;
  let forceProcess = false;
  requests.forEach((request, i) => {
    const d = decisions[i]!;
    const level = source.settings.levels[request.ruleSet];
    const ok = d.decision === "allow";
    decided.push({ action: request.action, path: request.path, requested: request.requested, allowed: ok, by: refsOf(source, d.reasons), level, errors: d.errors });
    if (ok) return;
    if (request.action === "threadIsolation") {
      forceProcess = true;
      return;
    }
    const f = denialFinding(source, request, d, level);
    if (level === "enforce") {
      allowed = false;
      findings.push(f);
    } else if (level === "warn") findings.push(f);
    else audited.push(f);
  });
  return { allowed, findings, audited, decisions: decided, forceProcess };
}
