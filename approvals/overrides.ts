/**
 * What a document asks to have overridden, and whether it gets it.
 *
 * Where overrides live (docs/policy-approvals.md):
 *   - `security.override_status: true` declares that the document carries overrides, with
 *     `security.override_justification` (V6.1.5) and `security.override_approval` (V6.1.6).
 *   - `security["x-anrf-overrides"]`: `[{ "scope": "obligation:<id>" | "rule:<id>" | "document",
 *     "justification": "…" }]` — the narrow overrides. Without this list (or with it empty),
 *     `override_status: true` requests the whole-document scope with override_justification.
 *   Being in `security`, the list is covered by the subject digest (digest.ts).
 *
 * Every request is honoured only with valid approvals (verify.ts) that the decision accepts
 * (decide.ts). A request that is not honoured is an error finding (rule id `override`) naming
 * why, so `anrf verify` fails; and `override_approval.approver_id` must name a registry key id
 * that signed an approval the decision counted. Pure.
 */
import { error, warning, type Finding } from "../spec/finding.js";
import type { KeyRegistry } from "./registry.js";
import { decideOverridesByRegistry, type DecideOverrides, type OverrideDecision, type OverrideRequest } from "./decide.js";
import { subjectDigest } from "./digest.js";
import { formatScope, parseScope } from "./statement.js";
import { checkApprovals, type ApprovalCheck } from "./verify.js";

export const OVERRIDES_KEY = "x-anrf-overrides";
export const OVERRIDE_RULE_ID = "override";

/** Rules about overrides themselves, and structural ones: a rule override can never silence them. */
export const NOT_OVERRIDABLE = new Set(["override", "policy", "schema", "json", "source", "V6.1.5", "V6.1.6", "V6.2.3", "V6.4.5", "V7.2"]);

/** An honoured override as reports show it. */
export interface AppliedOverride {
  readonly scope: string;
  readonly justification: string;
  readonly approvers: readonly string[];
  /** The earliest expiry among the approvals it rests on. */
  readonly expires: string;
}

export interface OverrideOutcome {
  readonly subject: string;
  readonly requests: readonly OverrideRequest[];
  readonly check: ApprovalCheck;
  readonly decisions: readonly OverrideDecision[];
  readonly honoured: readonly AppliedOverride[];
  /** `override` findings: requests not honoured, malformed lists, an approver_id that did not sign. */
  readonly findings: readonly Finding[];
}

const isBlank = (s: unknown): boolean => typeof s !== "string" || s.trim() === "";

export function requestedOverrides(document: unknown): { requests: OverrideRequest[]; findings: Finding[] } {
  const security = ((document ?? {}) as { security?: Record<string, unknown> }).security ?? {};
  const status = security["override_status"] === true;
  const list = security[OVERRIDES_KEY];
  const at = `/security/${OVERRIDES_KEY}`;
  const requests: OverrideRequest[] = [];
  const findings: Finding[] = [];
  if (list !== undefined && !Array.isArray(list)) {
    findings.push(error(OVERRIDE_RULE_ID, at, `${OVERRIDES_KEY} must be an array of { scope, justification }`, 'write e.g. [{ "scope": "obligation:<id>", "justification": "why" }]'));
    return { requests, findings };
  }
  const entries = (list ?? []) as unknown[];
  if (!status) {
    if (entries.length > 0) findings.push(error(OVERRIDE_RULE_ID, at, `${OVERRIDES_KEY} lists overrides but security.override_status is false: none is honoured`, "set override_status to true (with justification and approval), or remove the list"));
    return { requests, findings };
  }
  if (entries.length === 0) {
    requests.push({ scope: { kind: "document" }, justification: typeof security["override_justification"] === "string" ? security["override_justification"] : "", path: "/security/override_status" });
  }
  const seen = new Set<string>();
  entries.forEach((entry, i) => {
    const e = (entry ?? {}) as Record<string, unknown>;
    const scope = parseScope(e["scope"]);
    if (scope === undefined) {
      findings.push(error(OVERRIDE_RULE_ID, `${at}/${i}/scope`, "scope must be 'document', 'obligation:<id>' or 'rule:<id>'", "name the obligation id (anrf verify --format json) or rule id the override is for"));
      return;
    }
    if (scope.kind === "rule" && NOT_OVERRIDABLE.has(scope.id)) {
      findings.push(error(OVERRIDE_RULE_ID, `${at}/${i}/scope`, `rule ${scope.id} cannot be overridden`, "fix what the rule reports instead"));
      return;
    }
    if (seen.has(formatScope(scope))) {
      findings.push(warning(OVERRIDE_RULE_ID, `${at}/${i}/scope`, `${formatScope(scope)} is listed twice; the first entry counts`, "remove the duplicate"));
      return;
    }
    seen.add(formatScope(scope));
    requests.push({ scope, justification: typeof e["justification"] === "string" ? e["justification"] : "", path: `${at}/${i}` });
  });
  return { requests, findings };
}

export interface EvaluateInput {
  readonly document: unknown;
  /** The module's exact text (undefined when the document carries no code). */
  readonly code: string | undefined;
  readonly envelopes: readonly unknown[];
  readonly registry: KeyRegistry;
  readonly now: Date;
  /** Defaults to decide.ts; the policy room's decideOverrides at merge. */
  readonly decide?: DecideOverrides | undefined;
}

export function evaluateOverrides(input: EvaluateInput): OverrideOutcome {
  const subject = subjectDigest(input.document, input.code);
  const { requests, findings } = requestedOverrides(input.document);
  const check = checkApprovals({ subjectDigest: subject, envelopes: input.envelopes, registry: input.registry, now: input.now });
  const justified = requests.filter((r) => !isBlank(r.justification));
  for (const r of requests) {
    if (isBlank(r.justification)) {
      findings.push(error(OVERRIDE_RULE_ID, r.scope.kind === "document" ? "/security/override_justification" : `${r.path}/justification`, `the override of ${formatScope(r.scope)} has no justification: not honoured`, "say why the override is needed"));
    }
  }
  const decisions = (input.decide ?? decideOverridesByRegistry)({ requests: justified, approved: check.approved, registry: input.registry });
  const honoured: AppliedOverride[] = [];
  for (const d of decisions) {
    if (d.honoured) {
      const expires = d.approvals.map((a) => a.expires).sort((a, b) => Date.parse(a) - Date.parse(b))[0] ?? "";
      honoured.push({ scope: formatScope(d.request.scope), justification: d.request.justification, approvers: d.approvals.map((a) => a.keyId), expires });
      continue;
    }
    // Why: the decision's reasons, then what went wrong with approvals (all of them: any may be the one meant for this scope).
    const reasons = [...d.rejected, ...check.rejected].map((r) => `${r.code}: ${r.message}`);
    findings.push(
      error(
        OVERRIDE_RULE_ID,
        d.request.path,
        `the override of ${formatScope(d.request.scope)} is not approved (${reasons.slice(0, 4).join("; ")}${reasons.length > 4 ? `; and ${reasons.length - 4} more` : ""})`,
        `get approvals: anrf approve <doc> --key KEY --scope ${formatScope(d.request.scope)} --justification TEXT --expires 30d (keys in the operator's registry, --keys FILE)`,
      ),
    );
  }
  findings.push(...approverFindings(input.document, honoured));
  return { subject, requests, check, decisions, honoured, findings };
}

/** `override_approval.approver_id` must name a key that signed an approval an honoured override rests on. */
function approverFindings(document: unknown, honoured: readonly AppliedOverride[]): Finding[] {
  const security = ((document ?? {}) as { security?: Record<string, unknown> }).security ?? {};
  if (security["override_status"] !== true || honoured.length === 0) return [];
  const approval = (security["override_approval"] ?? {}) as Record<string, unknown>;
  const named = approval["approver_id"];
  const signers = new Set(honoured.flatMap((h) => h.approvers));
  if (typeof named === "string" && signers.has(named)) return [];
  return [
    error(
      OVERRIDE_RULE_ID,
      "/security/override_approval/approver_id",
      `override_approval.approver_id ${JSON.stringify(named)} is not the key id of anyone who signed an honoured approval (signers: ${[...signers].join(", ")})`,
      "set approver_id to the registry key id of an approver who signed",
    ),
  ];
}
