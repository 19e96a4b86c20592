/**
 * The policy's library API (effectful shell around the pure core): load a policy file (or the
 * built-in default), check it (Cedar parse + strict schema validation, cached by digest so a
 * warm run does not load Cedar), bind mounts, build the document's requests, decide them
 * through the decision cache, decide its overrides, and return the grant the run may use.
 *
 * A document requests; the policy grants; the operator binds. The grant is never more than
 * the request (limits are the request when allowed) and never more than the policy allows.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import type { LoadedDocument } from "../spec/load.js";
import type { AnrfDocument } from "../spec/document.js";
import type { Finding } from "../spec/finding.js";
import type { ApprovalCheck } from "./approval-types.js";
import { bindMounts, type BoundMount, type ToolStatePath } from "./bind-mounts.js";
import { DecisionCache } from "./cache.js";
import type { PolicyProblem } from "./cedar.js";
import { decideCached } from "./decide-cached.js";
import { evaluate, type DecidedRequest, type PolicyFinding } from "./decide.js";
import { DEFAULT_POLICY, DEFAULT_POLICY_NAME } from "./default-policy.js";
import { decideOverrides, type OverrideDecision, type OverrideRequest } from "./overrides.js";
import { buildRequests, documentEntity, requestedLimits, type DocumentFacts } from "./requests.js";
import { readPolicySource, type PolicySource } from "./source.js";

export type { ApprovalCheck, ApprovalRejection, OverrideScope, VerifiedApproval } from "./approval-types.js";
export type { BoundMount, ToolStatePath } from "./bind-mounts.js";
export type { PolicyProblem } from "./cedar.js";
export type { DecidedRequest, PolicyFinding, PolicyRef } from "./decide.js";
export type { OverrideDecision, OverrideRequest } from "./overrides.js";
export type { Level, PolicySettings, PolicySource, RuleSet } from "./source.js";
export { DecisionCache } from "./cache.js";
export { decideOverrides } from "./overrides.js";
export { parseMountFlag } from "./bind-mounts.js";
export { DEFAULT_POLICY, DEFAULT_POLICY_NAME } from "./default-policy.js";
export { ANRF_SCHEMA } from "./schema.js";

export class PolicyFileError extends Error {
  override readonly name = "PolicyFileError";
}

/** The operator's policy file, or the built-in default when none is given. */
export function loadPolicy(file: string | undefined, cwd: string = process.cwd()): PolicySource {
  if (file === undefined) return readPolicySource(DEFAULT_POLICY_NAME, DEFAULT_POLICY);
  let text: string;
  try {
    text = readFileSync(resolve(cwd, file), "utf8");
  } catch (error) {
    throw new PolicyFileError(`cannot read policy file ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  return readPolicySource(file, text);
}

/** A policy file with problems: `text` has one line per problem with file:line:column. */
export class PolicyProblemsError extends Error {
  override readonly name = "PolicyProblemsError";
  constructor(readonly text: string) {
    super(text);
  }
}

/**
 * The operator's policy (or the built-in default), read and checked — the one way the CLI and
 * the library open it. Throws PolicyFileError (unreadable) or PolicyProblemsError.
 */
export async function openPolicy(file: string | undefined, cwd: string, cacheDir: string | undefined): Promise<{ source: PolicySource; cache: DecisionCache }> {
  const source = loadPolicy(file, cwd);
  const cache = new DecisionCache(cacheDir);
  const problems = await checkPolicy(source, cache);
  if (problems.length > 0) throw new PolicyProblemsError(formatPolicyProblems(source, problems));
  return { source, cache };
}

/** Parse and validate (only on a cache miss; a policy known good by digest skips Cedar). */
export async function checkPolicy(source: PolicySource, cache: DecisionCache): Promise<PolicyProblem[]> {
  if (source.settingsProblems.length === 0 && cache.isCompiled(source.digest)) return [];
  const { compilePolicy } = await import("./cedar.js");
  const problems = await compilePolicy(source);
  if (problems.length === 0) cache.markCompiled(source.digest);
  return problems;
}

/** One line per problem: `file:line:column: policy syntax|schema|settings error: message (help)`. */
export function formatPolicyProblems(source: PolicySource, problems: readonly PolicyProblem[]): string {
  return problems
    .map((p) => `${source.name}:${p.line}:${p.column}: policy ${p.kind} error${p.policyId ? ` in '${p.policyId}'` : ""}: ${p.message}${p.help ? ` (${p.help})` : ""}\n`)
    .join("");
}

export interface ResolveOptions {
  readonly cwd?: string | undefined;
  /** `--mount NAME=DIR` bindings (NAME is the document's mount, e.g. "/data"). */
  readonly operatorMounts?: ReadonlyMap<string, string> | undefined;
  /** The tool's own files, which no mount may contain or lie inside. */
  readonly toolState?: readonly ToolStatePath[] | undefined;
  readonly mode?: string | undefined;
  /** Obligation statuses (from verification) for the runUnproved request; omitted when unknown. */
  readonly statuses?: readonly string[] | undefined;
  readonly operatorTimeMs?: number | undefined;
  /** The operator forces an isolated process (never weakens). */
  readonly isolation?: "thread" | "process" | undefined;
  /** Per-obligation / per-rule override requests (where they live: approvals room); the document-level one is added here. */
  readonly overrideRequests?: readonly OverrideRequest[] | undefined;
  readonly approvals?: ApprovalCheck | undefined;
  readonly now?: string | undefined;
}

export interface PolicyGrant {
  readonly memoryMb: number;
  readonly timeMs: number;
  readonly isolation: "thread" | "process";
  readonly filesystem: "None" | "ReadOnly" | "ReadWrite";
  readonly network: boolean;
  readonly mounts: readonly BoundMount[];
  /** ReadWrite only: bytes written and files created per run (for the runtime's quota). */
  readonly quota: { readonly bytes: number; readonly files: number } | null;
  /** The policy's default for --on-violation. */
  readonly onViolation?: "terminate" | "degrade" | undefined;
}

export interface PolicyResolution {
  /** False: the run must not start (an enforce-level denial, or a refused mount). */
  readonly allowed: boolean;
  /** Errors (refusals) and warnings, each with the JSON Pointer of the requested field. */
  readonly findings: readonly (PolicyFinding | Finding)[];
  /** Audit-level denials: for the audit record only. */
  readonly audited: readonly PolicyFinding[];
  readonly decisions: readonly DecidedRequest[];
  readonly overrides: readonly OverrideDecision[];
  readonly grant: PolicyGrant;
  readonly policy: { readonly name: string; readonly digest: string };
  readonly unknownMounts: readonly string[];
}

export function documentDigest(document: AnrfDocument, moduleText: string | undefined): string {
  return createHash("sha256").update(JSON.stringify(document)).update("\0").update(moduleText ?? "").digest("hex");
}

export async function resolvePolicy(loaded: LoadedDocument, source: PolicySource, cache: DecisionCache, options: ResolveOptions = {}): Promise<PolicyResolution> {
  const doc = loaded.document;
  if (!loaded.valid || doc === undefined) throw new Error("resolvePolicy needs a valid document");
  const cwd = options.cwd ?? process.cwd();
  const facts: DocumentFacts = { digest: documentDigest(doc, loaded.module?.text), name: loaded.file };
  const bound = bindMounts(doc, dirname(loaded.absoluteFile), options.operatorMounts ?? new Map(), options.toolState ?? [], cwd);
  const requests = buildRequests({ document: doc, facts, mode: options.mode, statuses: options.statuses, bindings: bound.bindings, operatorTimeMs: options.operatorTimeMs });
  const decisions = await decideCached(source, cache, requests);
  const evaluation = evaluate(source, requests, decisions);

  // The approvals room's requestedOverrides (approvals/overrides.ts) already includes the
  // document scope when override_status asks for it without a narrower list; without it, the
  // document-level request is the only one.
  const overrideRequests: OverrideRequest[] = [...(options.overrideRequests ?? [])];
  if (options.overrideRequests === undefined && doc.security.override_status) overrideRequests.unshift({ scope: { kind: "document" }, path: "/security/override_status", justification: doc.security.override_justification ?? "" });
  const overrides =
    overrideRequests.length === 0
      ? { decisions: [], findings: [] }
      : await decideOverrides(overrideRequests, options.approvals ?? { approved: [], rejected: [] }, { source, cache, document: documentEntity(doc, facts), now: options.now ?? new Date().toISOString() });

  const mountRequests = new Map(evaluation.decisions.filter((d) => d.action === "mount").map((d) => [(d.requested as { mount: string }).mount, d]));
  const mounts = bound.mounts.filter((m) => {
    const d = mountRequests.get(m.mount);
    return d !== undefined && (d.allowed || d.level !== "enforce");
  });
  const rl = doc.security.isolation_requirements.resource_limits;
  const { memoryMb, timeMs } = requestedLimits(doc, options.operatorTimeMs);
  const overrideRefused = overrides.findings.some((f) => f.level === "enforce");
  const findings = [...bound.findings, ...evaluation.findings, ...overrides.findings.filter((f) => f.level !== "audit")];
  return {
    allowed: evaluation.allowed && bound.findings.length === 0 && !overrideRefused && bound.unknownNames.length === 0,
    findings,
    audited: [...evaluation.audited, ...overrides.findings.filter((f) => f.level === "audit")],
    decisions: evaluation.decisions,
    overrides: overrides.decisions,
    grant: {
      memoryMb,
      timeMs,
      isolation: doc.security.isolation_requirements.process_isolation || evaluation.forceProcess || options.isolation === "process" ? "process" : "thread",
      filesystem: rl.filesystem,
      network: rl.network,
      mounts,
      quota: rl.filesystem === "ReadWrite" ? { bytes: source.settings.quotaBytes, files: source.settings.quotaFiles } : null,
      onViolation: source.settings.onViolation,
    },
    policy: { name: source.name, digest: source.digest },
    unknownMounts: bound.unknownNames,
  };
}
