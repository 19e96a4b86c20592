/**
 * `run(doc, entry, args, options)`: the effectful shell. Load (spec) → verdicts (options or the
 * verifier) → instrument (pure, memoised) → a pooled sandbox bound to this module → a result
 * built from checked plain data → one audit record, fsync'ed, for every run.
 */
import { createHash } from "node:crypto";
import { resolve } from "node:path";
import type { LoadedDocument } from "../../spec/load.js";
import type { ObligationResult } from "../../verifier/obligation.js";
import type { CheckLocation, LoadMessage } from "../guest/protocol.js";
import { makeLocator } from "./source-map.js";
import { DEFAULT_AUDIT_FILE, runEntries, writeAudit } from "./audit.js";
import { overrideFor } from "../../approvals/apply.js";
import { subjectDigest } from "../../approvals/digest.js";
import { clausesFor, entityPolicy, fallbackOf, functionEntities } from "./document-view.js";
import { instrument, type Instrumented } from "./instrument.js";
import { deriveLimits } from "./limits.js";
import type { Grants } from "../guest/grants.js";
import { defaultPool, sandboxKey } from "./pool.js";
import { outcomeToResult } from "./outcome.js";
import type { RunLimits, RunOptions, RunPolicyReport, RunResult, RunSecurity } from "./types.js";

const memo = new Map<string, Instrumented>();
// Per-object memos for the warm path: a loaded document's hash, an instrumented module's
// sandbox keys (the key covers the whole load message, so it is computed once per variant).
const documentHashes = new WeakMap<LoadedDocument, string>();
const sandboxKeys = new WeakMap<Instrumented, Map<string, string>>();

const locators = new WeakMap<Instrumented, (line: number, column: number) => { line: number; column: number } | undefined>();
function locatorOf(inst: Instrumented, file: string): (line: number, column: number) => CheckLocation | undefined {
  return (line, column) => {
    let find = locators.get(inst);
    if (find === undefined) {
      find = makeLocator(inst.sourceMap);
      locators.set(inst, find);
    }
    const at = find(line, column);
    return at === undefined ? undefined : { file, line: at.line, column: at.column };
  };
}

const subjects = new WeakMap<LoadedDocument, string>();
/** The approvals' subject digest of a valid document (memoised: the warm path pays it once). */
function subjectOf(loaded: LoadedDocument): string | null {
  if (!loaded.valid || loaded.document === undefined) return null;
  let s = subjects.get(loaded);
  if (s === undefined) {
    s = subjectDigest(loaded.document, loaded.module?.text);
    subjects.set(loaded, s);
  }
  return s;
}

function hashOf(loaded: LoadedDocument, document: unknown, text: string): string {
  let h = documentHashes.get(loaded);
  if (h === undefined) {
    h = createHash("sha256").update(JSON.stringify(document)).update("\0").update(text).digest("hex");
    documentHashes.set(loaded, h);
  }
  return h;
}

function sandboxKeyOf(inst: Instrumented, load: LoadMessage, limits: RunLimits): string {
  const variants = sandboxKeys.get(inst) ?? new Map<string, string>();
  sandboxKeys.set(inst, variants);
  const variant = JSON.stringify([load.grants, load.mode, load.allocBytes, load.resultBytes, load.entities, load.moduleFile, limits]);
  let key = variants.get(variant);
  if (key === undefined) {
    key = sandboxKey(load, limits);
    variants.set(variant, key);
  }
  return key;
}
const MEMO_MAX = 64;

function instrumentMemo(key: string, make: () => Instrumented): Instrumented {
  const hit = memo.get(key);
  if (hit) return hit;
  const made = make();
  if (memo.size >= MEMO_MAX) memo.delete(memo.keys().next().value!);
  memo.set(key, made);
  return made;
}

let builtIn: Promise<import("../../policy/run-policy.js").RunPolicy> | undefined;
/**
 * The built-in secure-by-default policy, for callers that give none (one per process; its
 * decisions are kept in memory, so only the first run of a shape pays Cedar).
 */
function builtInRunPolicy(): Promise<import("../../policy/run-policy.js").RunPolicy> {
  builtIn ??= (async () => {
    const [{ DEFAULT_POLICY, DEFAULT_POLICY_NAME }, { readPolicySource }, { DecisionCache }] = await Promise.all([import("../../policy/default-policy.js"), import("../../policy/source.js"), import("../../policy/cache.js")]);
    return { source: readPolicySource(DEFAULT_POLICY_NAME, DEFAULT_POLICY), cache: new DecisionCache() };
  })();
  return builtIn;
}

/** Verdicts from the verifier's library API, loaded lazily (z3 only if something must be solved). */
async function verdictsFor(loaded: LoadedDocument, cwd: string): Promise<{ obligations: readonly ObligationResult[]; note?: string }> {
  try {
    const verifier = await import("../../verifier/index.js");
    const report = await verifier.verifyDocument(loaded, { cwd, timeoutMs: 2000, rlimit: 0 });
    return { obligations: report.obligations };
  } catch (error) {
    // No verdicts means no proofs: every check stays in. Never a reason not to run safely.
    return { obligations: [], note: `verifier unavailable (${(error as Error).message}); every check inserted` };
  }
}

export async function run(doc: LoadedDocument | string, entry: string, args: readonly unknown[], options: RunOptions = {}): Promise<RunResult> {
  const started = performance.now();
  const mode = options.mode ?? "production";
  const cwd = process.cwd();
  const loaded = typeof doc === "string" ? await (await import("../../spec/load.js")).loadDocument(doc, { cwd }) : doc;
  const auditFile = options.audit === false ? undefined : resolve(cwd, options.audit ?? DEFAULT_AUDIT_FILE);
  const onViolationOption = options.onViolation ?? options.policy;
  let policyReport: RunPolicyReport | undefined;
  const fail = (code: string, message: string, extra: Partial<RunSecurity> = {}): RunResult =>
    finish(
      {
        status: "error",
        value: undefined,
        violations: [],
        error: { code, message },
        security: { mode, checksInserted: 0, checksSkippedByProof: 0, checksExecuted: 0, limits: extra.limits ?? emptyLimits, policy: onViolationOption ?? "terminate", unsupportedGrants: [], ...extra },
        timing: { totalMs: performance.now() - started, instrumentMs: 0, guestMs: null, coldStart: false },
        entity: entry,
        documentHash: "",
        ...(policyReport !== undefined ? { policy: policyReport } : {}),
      },
      loaded,
      entry,
      auditFile,
      options,
    );

  const document = loaded.document;
  if (!loaded.valid || document === undefined) {
    const first = loaded.findings.find((f) => f.severity === "error");
    return fail("ANRF_INVALID_DOCUMENT", `the document is not valid${first ? `: ${first.message}` : ""}`);
  }
  if (loaded.module === undefined) return fail("ANRF_NO_CODE", "the document carries no code to run");
  const entities = functionEntities(document);
  const entity = entities.get(entry);
  if (entity === undefined) {
    return fail("ANRF_UNKNOWN_ENTRY", `no Function entity named '${entry}' (declared: ${[...entities.keys()].join(", ") || "none"})`);
  }
  const documentHash = hashOf(loaded, document, loaded.module.text);
  let limits = deriveLimits(document, { timeMs: options.timeoutMs, isolation: options.isolation, writeQuota: options.writeQuota });
  // The operator's policy decides every capability, limit, mount and override; a caller that gives
  // none gets the built-in secure default (policy/default-policy.ts), never the document's asks.
  // Mounts come from the operator's bindings only. The tool's own state is out of every mount's reach.
  const ownState = [{ what: "state folder (.anrf)", path: resolve(cwd, ".anrf") }, ...(auditFile !== undefined ? [{ what: "audit log", path: auditFile }] : [])];
  const operatorPolicy = options.operatorPolicy ?? (await builtInRunPolicy());
  let { grants, unsupported } = operatorGrants(document);

  // The operator's policy decides before anything of the document runs: first everything but
  // the verification (so a refused document costs no proof), then with the obligations' statuses.
  const decide = async (statuses: readonly string[] | undefined) => {
    const { resolveRunPolicy, refusalSummary } = await import("../../policy/run-policy.js");
    const policy = operatorPolicy;
    // The approvals the caller verified (approvals/) are the policy's evidence; the policy decides.
    const evidence = { approvals: policy.approvals ?? options.overrides?.check, overrideRequests: policy.overrideRequests ?? options.overrides?.requests };
    const resolution = await resolveRunPolicy(loaded, { ...policy, ...evidence, toolState: [...(policy.toolState ?? []), ...ownState] }, { cwd, mode, statuses, operatorTimeMs: options.timeoutMs, isolation: options.isolation });
    policyReport = { name: resolution.policy.name, digest: resolution.policy.digest, allowed: resolution.allowed, findings: resolution.findings, audited: resolution.audited, decisions: resolution.decisions, overrides: resolution.overrides, quota: resolution.grant.quota };
    const refusal = resolution.allowed ? undefined : `the operator's policy (${resolution.policy.name}) refuses this document: ${refusalSummary(resolution)}`;
    // Obligation overrides the policy honoured AND allowed to remove their check (never a
    // document- or rule-wide one): those obligations are instrumented as if proved.
    const removed = new Set(resolution.overrides.flatMap((o) => (o.honoured && o.removeCheck && o.scope.kind === "obligation" ? [o.scope.id] : [])));
    const honouredScopes = new Set(resolution.overrides.flatMap((o) => (o.honoured ? [o.scope.kind === "document" ? "document" : `${o.scope.kind}:${o.scope.id}`] : [])));
    return { grant: resolution.grant, refusal, removed, honouredScopes };
  };
  const early = await decide(undefined);
  if (early.refusal !== undefined) return fail("ANRF_POLICY_DENIED", early.refusal, { limits });
  let verification: { obligations: readonly ObligationResult[]; note?: string } = options.verification !== undefined ? { obligations: options.verification } : await verdictsFor(loaded, cwd);
  const decided = verification.obligations;
  // Honoured overrides (checked by the caller against signed approvals) are reported; the policy's
  // decision is the one that counts, and only it may remove a check.
  const { grant: g, refusal, removed, honouredScopes } = await decide(verification.obligations.map((o) => o.status));
  const honoured = (options.overrides?.honoured ?? []).filter((h) => honouredScopes.has(h.scope));
  if (removed.size > 0) verification = { ...verification, obligations: verification.obligations.map((o) => (removed.has(o.id) ? { ...o, status: "proved" as const, reason: `check removed by an approved override (${o.status})` } : o)) };
  if (refusal !== undefined) return fail("ANRF_POLICY_DENIED", refusal, { limits });
  limits = deriveLimits(document, { timeMs: g.timeMs, isolation: g.isolation, writeQuota: options.writeQuota ?? g.quota ?? undefined });
  grants = { ...grants, mounts: g.mounts.map((m) => ({ mount: m.mount, root: m.root })) };
  const policyDefault: "terminate" | "degrade" | undefined = g.onViolation;
  const overridden = decided.filter((o) => overrideFor(honoured, { obligation: o }) !== undefined).map((o) => o.id);
  const instrumentStarted = performance.now();
  const visitorEntities = [...entities.values()].map((e) => ({ id: e.id, name: e.name, clauses: clausesFor(document, e.id) }));
  const file = loaded.module.fromInline ? `${loaded.file}#/execution/code` : loaded.module.file;
  const key = createHash("sha256").update(JSON.stringify([documentHash, mode, file, verification.obligations.map((o) => [o.id, o.kind, o.status, o.site.start, o.site.end, o.clause])])).digest("hex");
  let inst = instrumentMemo(key, () => instrument({ source: loaded.module!.text, file, obligations: verification.obligations, mode, entities: visitorEntities }));
  // Every proof assumes the entry's arguments have their declared types. When they cannot be
  // checked at entry (param-shapes.ts), no proof is trusted: every check is inserted.
  const trustProofs = !Object.hasOwn(inst.uncheckedEntries, entry);
  if (!trustProofs && mode === "production") {
    inst = instrumentMemo(`${key}:untrusted`, () => instrument({ source: loaded.module!.text, file, obligations: verification.obligations, mode, entities: visitorEntities, trustProofs: false }));
  }
  const instrumentMs = performance.now() - instrumentStarted;
  // The operator's choice (flag, then policy file) before the document's (entity property).
  const policy = onViolationOption ?? policyDefault ?? entityPolicy(entity) ?? "terminate";
  const security: RunSecurity = {
    mode,
    checksInserted: inst.inserted,
    checksSkippedByProof: inst.skippedByProof,
    checksExecuted: 0,
    argumentChecks: trustProofs ? inst.shapes[entry]!.params.length + 1 : 0,
    proofsTrusted: trustProofs,
    limits,
    policy,
    unsupportedGrants: [...unsupported, ...(verification.note ? [verification.note] : [])],
    uncovered: inst.uncovered,
    notCheckable: inst.notCheckable,
    ...(options.overrides === undefined ? {} : { overrides: honoured, overriddenObligations: overridden }),
  };
  if (inst.diagnostics.length > 0) return fail("ANRF_MODULE_SYNTAX", inst.diagnostics.slice(0, 3).join("; "), security);

  const load: LoadMessage = {
    type: "load",
    js: inst.js,
    checkParam: inst.checkParam,
    checks: inst.checks,
    grants,
    mode,
    allocBytes: limits.arrayBufferBytes,
    resultBytes: limits.resultBytes,
    entities: Object.fromEntries([...entities].map(([name, e]) => [name, e.id])),
    moduleFile: file,
    shapes: inst.shapes,
  };
  const pool = options.pool ?? defaultPool();
  let acquired;
  try {
    acquired = await pool.acquire(load, limits, grants, sandboxKeyOf(inst, load, limits));
  } catch (error) {
    return fail("ANRF_SANDBOX_START", (error as Error).message, security);
  }
  const outcome = await acquired.sandbox.exec(entry, args, limits.timeMs, limits.writeQuota, options.signal);
  pool.release(acquired.key, acquired.sandbox);
  const result = outcomeToResult(outcome, {
    entity: entity.id,
    documentHash,
    security,
    checks: inst.checks,
    fallback: fallbackOf(entity),
    locate: locatorOf(inst, file),
    timing: { totalMs: performance.now() - started, instrumentMs, coldStart: acquired.cold },
  });
  const withPolicy = policyReport !== undefined ? { ...result, policy: policyReport } : result;
  return finish(withPolicy, loaded, entry, auditFile, options);
}
/** Grants before the operator's bindings are known: the document's filesystem level, no mount yet. */
function operatorGrants(document: import("../../spec/document.js").AnrfDocument): { grants: Grants; unsupported: string[] } {
  const rl = document.security.isolation_requirements.resource_limits;
  return {
    grants: { filesystem: rl.filesystem, mounts: [], network: false },
    unsupported: rl.network ? ["network: true is not endowed (no attenuated network facade in this version)"] : [],
  };
}

const emptyLimits = {
  timeMs: 0,
  memoryMb: 0,
  maxOldGenerationSizeMb: 0,
  maxYoungGenerationSizeMb: 0,
  stackSizeMb: 0,
  arrayBufferBytes: 0,
  resultBytes: 0,
  addressSpaceBytes: null,
  isolation: "thread",
  writeQuota: { bytes: 0, files: 0 },
} as const;

function finish(result: RunResult, loaded: LoadedDocument, entry: string, auditFile: string | undefined, options: RunOptions): RunResult {
  if (auditFile === undefined) return result;
  const entries = [...(options.auditEntries ?? []), ...runEntries(result, loaded.file, entry, subjectOf(loaded), options.overrides)];
  if (!loaded.valid) {
    const errors = loaded.findings.filter((f) => f.severity === "error");
    entries.unshift({ event: "validate", subject: null, details: { document: loaded.file, valid: false, errors: errors.length, rules: [...new Set(errors.map((f) => f.ruleId))] } });
  }
  if (result.policy !== undefined) {
    const p = result.policy;
    entries.unshift({ event: "policy", subject: subjectOf(loaded), details: { document: loaded.file, name: p.name, digest: p.digest, allowed: p.allowed, findings: p.findings, audited: p.audited, decisions: p.decisions, overrides: p.overrides } });
  }
  return { ...result, audit: writeAudit(auditFile, entries, options.auditSigner) };
}
