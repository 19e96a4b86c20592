/** The runtime's public result types (exported from runtime/index.ts). */
import type { ObligationResult } from "../../verifier/obligation.js";
import type { CheckKind, CheckLocation, RunMode } from "../guest/protocol.js";

export type { RunMode } from "../guest/protocol.js";
export type RunStatus = "ok" | "violation" | "timeout" | "out-of-memory" | "error";
export type ViolationPolicy = "terminate" | "degrade";

export interface Violation {
  readonly id: string;
  readonly kind: CheckKind;
  readonly entity: string;
  readonly location: CheckLocation | null;
  readonly message: string;
  readonly values?: Readonly<Record<string, string>> | undefined;
}

export interface RunLimits {
  /** Wall time per run (security.isolation_requirements.resource_limits.time). */
  readonly timeMs: number;
  /** The document's memory limit in MiB; the V8 heap limits are derived from it. */
  readonly memoryMb: number;
  readonly maxOldGenerationSizeMb: number;
  readonly maxYoungGenerationSizeMb: number;
  readonly stackSizeMb: number;
  /** Per-run ArrayBuffer / typed-array byte budget inside the compartment. */
  readonly arrayBufferBytes: number;
  /** Cap on the serialized result. */
  readonly resultBytes: number;
  /** Process isolation only: RLIMIT_AS of the child, bytes (null when prlimit is unavailable). */
  readonly addressSpaceBytes: number | null;
  readonly isolation: "thread" | "process";
  /** ReadWrite quota per run: bytes written (every write counts) and files/directories created. */
  readonly writeQuota: WriteQuota;
}

/** The operator's ReadWrite quota for one run (RunOptions.writeQuota; defaults in limits.ts). */
export interface WriteQuota {
  readonly bytes: number;
  readonly files: number;
}

export interface RunSecurity {
  readonly mode: RunMode;
  readonly checksInserted: number;
  readonly checksSkippedByProof: number;
  readonly checksExecuted: number;
  /** Argument-shape checks at entry (arity + one per parameter); 0 when the entry's types cannot be checked. */
  readonly argumentChecks?: number | undefined;
  /**
   * False when the entry's parameter types cannot be checked at entry (see `notCheckable`):
   * then no proof is trusted and every check is inserted, in every mode.
   */
  readonly proofsTrusted?: boolean | undefined;
  /** Testing mode: how often each inserted check ran, by check id. */
  readonly checkCounts?: Readonly<Record<string, number>> | undefined;
  /**
   * 1 when the entry claimed the array arguments the host rebuilt for it (its loops then check
   * those arrays' ranges once: docs/runtime.md, claimed parameters), else 0. Reported by the
   * guest, like checksExecuted: a statistic, never a verdict.
   */
  readonly claimsGranted?: number | undefined;
  readonly limits: RunLimits;
  readonly policy: ViolationPolicy;
  /** Grants that were requested but not endowed (e.g. network: true), and verifier notes. */
  readonly unsupportedGrants: readonly string[];
  /** Unproved obligations that are not enforced by a check (type, informal, uninstrumented sites). */
  readonly uncovered?: readonly string[] | undefined;
  /** Contract clauses that cannot be evaluated at run time. */
  readonly notCheckable?: readonly string[] | undefined;
  /** Honoured overrides (signed approvals checked, approvals/) and the unproved obligations they cover. */
  readonly overrides?: readonly import("../../approvals/overrides.js").AppliedOverride[] | undefined;
  readonly overriddenObligations?: readonly string[] | undefined;
}

export interface RunTiming {
  readonly totalMs: number;
  readonly instrumentMs: number;
  /** Time inside the guest (from the guest's own clock), when the run finished normally. */
  readonly guestMs: number | null;
  readonly coldStart: boolean;
}

export interface RunError {
  /** The tool's own code (ANRF_*): only ever chosen by anrf, never taken from guest data. */
  readonly code: string;
  /** Untrusted text (may quote guest values); reporters escape it. */
  readonly message: string;
  /** The guest error's own `code` property, when it had one (untrusted; never a status). */
  readonly guestCode?: string | undefined;
}

/** The host's measurement of the sandbox process during the run (absent for in-process workers). */
export interface RunMemory {
  /** Peak resident set of the sandbox process sampled during the run, bytes. */
  readonly peakResidentBytes: number;
  /** The resident set at which the host kills the run: resident at run start + declared memory + fixed overhead. */
  readonly residentLimitBytes: number;
}

export interface RunPolicyReport {
  readonly name: string;
  readonly digest: string;
  readonly allowed: boolean;
  /** Refusals (errors) and warnings, each with the JSON Pointer of the requested field. */
  readonly findings: readonly unknown[];
  /** Audit-level denials (recorded only). */
  readonly audited: readonly unknown[];
  readonly decisions: readonly unknown[];
  readonly overrides: readonly unknown[];
  /** ReadWrite quota from the policy (for the runtime's quota option). */
  readonly quota: { readonly bytes: number; readonly files: number } | null;
}

export interface RunResult {
  readonly status: RunStatus;
  readonly value: unknown;
  readonly violations: readonly Violation[];
  readonly error?: RunError | undefined;
  /** True when a violation was answered with the entity's fallback (policy degrade). */
  readonly degraded?: boolean | undefined;
  readonly security: RunSecurity;
  readonly timing: RunTiming;
  readonly entity: string;
  readonly documentHash: string;
  readonly memory?: RunMemory | undefined;
  /** The operator policy's decisions for this run (when run with operatorPolicy). */
  readonly policy?: RunPolicyReport | undefined;
  /** Whether the run's audit records were written (a broken log never hides the result). */
  readonly audit?: import("./audit.js").AuditStatus | undefined;
}

export interface RunOptions {
  readonly mode?: RunMode | undefined;
  /** Verdicts to instrument from; when absent, `run` asks the verifier (verifier/index.ts). */
  readonly verification?: readonly ObligationResult[] | undefined;
  /** The caller's wall-time limit (ms): lowers the document's limit, never raises it (the policy decides the rest). */
  readonly timeoutMs?: number | undefined;
  /** What a violation does (`--on-violation`); `policy` is its former name, still accepted. */
  readonly onViolation?: ViolationPolicy | undefined;
  /** @deprecated use onViolation (the CLI's `--policy` now names the operator's policy file). */
  readonly policy?: ViolationPolicy | undefined;
  /**
   * The operator's policy (policy/): the run is decided before anything executes — a denied
   * document is refused (status error, ANRF_POLICY_DENIED, audited), and a granted one runs with
   * the granted limits and the operator-bound mounts only (the document's mount paths are never
   * used). Absent: the built-in secure-by-default policy (policy/default-policy.ts) — the document
   * alone never obtains a capability, limit, mount or override.
   */
  readonly operatorPolicy?: import("../../policy/run-policy.js").RunPolicy | undefined;
  /** Audit trail file (JSON lines); `false` disables auditing (library use only). */
  readonly audit?: string | false | undefined;
  readonly pool?: import("./pool.js").SandboxPool | undefined;
  /**
   * Force process isolation for this run even when the document does not require it (never
   * weakens a document's process_isolation: true). Recommended for untrusted code: some V8 heap
   * exhaustion paths abort the whole process despite worker resourceLimits (docs/runtime.md).
   */
  readonly isolation?: "thread" | "process" | undefined;
  /**
   * ReadWrite quota of this run — the operator's value (policy), never the document's. Default:
   * 8 MiB written, 128 files or directories created (limits.ts DEFAULT_WRITE_QUOTA). Exceeding it
   * is a capability violation.
   */
  readonly writeQuota?: Partial<WriteQuota> | undefined;
  /** Signs an audit checkpoint after this run's records (audit/checkpoint.ts). */
  readonly auditSigner?: import("../../proofs-cache/envelope.js").Signer | undefined;
  /**
   * Overrides evaluated by the caller (approvals/overrides.ts: evaluateOverrides) for this exact
   * document: reported in `security.overrides` and audited. Covered obligations keep their checks.
   */
  readonly overrides?: import("../../approvals/overrides.js").OverrideOutcome | undefined;
  /**
   * Aborting stops the run: its container is killed (as at the time limit) and the result is
   * status "error" with code ANRF_INTERRUPTED, audited like any other run.
   */
  readonly signal?: AbortSignal | undefined;
  /**
   * Records the caller wants in the same append as the run's (e.g. the policy's `policy`
   * decisions), written first, in one chain with the run's records.
   */
  readonly auditEntries?: readonly import("../../audit/record.js").AuditEntry[] | undefined;
}
