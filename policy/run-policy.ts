/**
 * The seam between the runtime and the policy: what `run()` is given (RunPolicy) and what it
 * gets back (the resolution, summarised for the RunResult and the audit record).
 */
import type { LoadedDocument } from "../spec/load.js";
import type { ApprovalCheck } from "./approval-types.js";
import type { ToolStatePath } from "./bind-mounts.js";
import type { DecisionCache } from "./cache.js";
import { resolvePolicy, type PolicyResolution } from "./index.js";
import type { OverrideRequest } from "./overrides.js";
import type { PolicySource } from "./source.js";
import { escapeTerminal } from "./escape.js";

export interface RunPolicy {
  readonly source: PolicySource;
  readonly cache: DecisionCache;
  /** `--mount NAME=DIR` (NAME: the document's mount, e.g. "/data"). */
  readonly operatorMounts?: ReadonlyMap<string, string> | undefined;
  readonly toolState?: readonly ToolStatePath[] | undefined;
  /** Verified approvals (approvals room); none: no override can be honoured. */
  readonly approvals?: ApprovalCheck | undefined;
  readonly overrideRequests?: readonly OverrideRequest[] | undefined;
  readonly now?: string | undefined;
}

export interface RunFacts {
  readonly cwd: string;
  readonly mode: string;
  /** Obligation statuses; undefined before verification (no runUnproved request then). */
  readonly statuses?: readonly string[] | undefined;
  readonly operatorTimeMs?: number | undefined;
  readonly isolation?: "thread" | "process" | undefined;
}

export function resolveRunPolicy(loaded: LoadedDocument, policy: RunPolicy, facts: RunFacts): Promise<PolicyResolution> {
  return resolvePolicy(loaded, policy.source, policy.cache, {
    cwd: facts.cwd,
    operatorMounts: policy.operatorMounts,
    toolState: policy.toolState,
    mode: facts.mode,
    statuses: facts.statuses,
    operatorTimeMs: facts.operatorTimeMs,
    isolation: facts.isolation,
    overrideRequests: policy.overrideRequests,
    approvals: policy.approvals,
    now: policy.now,
  });
}

/** One line per refusal for the run's error message: "path: message". */
export function refusalSummary(resolution: PolicyResolution): string {
  const errors = resolution.findings.filter((f) => f.severity === "error");
  const unknown = resolution.unknownMounts.map((n) => `--mount ${escapeTerminal(n)}: the document declares no mount '${escapeTerminal(n)}'`);
  return [...errors.map((f) => `${f.path || "(document)"}: ${f.message}`), ...unknown].join("; ");
}
