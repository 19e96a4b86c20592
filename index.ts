/**
 * anrf as a library — the one documented entry point (docs/api.md):
 *
 *   import { validate, verify, run, explain } from "anrf";
 *
 *   const checked = await validate(["examples"]);            // findings per document, no solver
 *   const report = await verify("examples/binary-search.anrf.json", { timeoutMs: 10_000 });
 *   if (!report.passed) console.log(report.summary);
 *   const result = await run("examples/binary-search.anrf.json", "binarySearch", [[1, 3, 5], 3]);
 *   const why = await explain("examples/binary-search.anrf.json", report.documents[0]!.obligations[0]!.id);
 *
 * Thin, typed wrappers over spec/ (validation), verifier/ (proofs), runtime/ (sandboxed runs)
 * and the explain logic of the CLI; the same results the CLI prints as JSON. Every option is
 * checked at run time: a wrong call shape is a TypeError that says what was expected.
 */
import { resolve } from "node:path";
import { collectDocumentFiles, DEFAULT_MAX_BYTES, loadDocument, type LoadedDocument } from "./spec/load.js";
import { buildReport, documentReport } from "./spec/report.js";
import { obligationIds, verificationPassed, verifyDocument, verifyDocuments } from "./verifier/index.js";
import type { ObligationResult, VerifyReport } from "./verifier/index.js";
import { openExtractionMemo, openVerdictCache, resolveCacheDir } from "./proofs-cache/open.js";
import { runtimeConsequence } from "./cli/commands/explain-runtime.js";
import type { RunMode, RunResult, ViolationPolicy } from "./runtime/index.js";

export type { Finding, Severity } from "./spec/finding.js";
export type { ValidationReport, DocumentReport } from "./spec/report.js";
export type { ObligationResult, ObligationStatus, ObligationKind, VerifyReport, DocumentVerification, VerifySummary } from "./verifier/index.js";
export type { RunResult, RunMode, RunStatus, ViolationPolicy, Violation } from "./runtime/index.js";

/** Paths: one file or folder, or several. Folders mean every *.anrf.json below them. */
export type Paths = string | readonly string[];

export interface ValidateOptions {
  /** Directory relative paths resolve against (default: process.cwd()). */
  readonly cwd?: string;
  /** Largest file read, in bytes (default 10 MiB). */
  readonly maxBytes?: number;
}

export interface VerifyOptions extends ValidateOptions {
  /** Per-obligation solver timeout in ms (default 10 000). */
  readonly timeoutMs?: number;
  /** Per-obligation z3 resource limit, deterministic across machines (default 0 = none). */
  readonly rlimit?: number;
  /** Solver worker threads (default: the available cores). */
  readonly jobs?: number;
  /** unknown, unsupported and informal obligations make `passed` false. */
  readonly strict?: boolean;
  /** The proof cache: false = none; otherwise the CLI's defaults (.anrf/cache, ANRF_* environment, anrf.config.json). */
  readonly cache?: false | { readonly dir?: string; readonly remoteUrl?: string };
  /** Abort to stop solving: undecided obligations come back unknown ("cancelled"). */
  readonly signal?: AbortSignal;
}

export interface RunOptions {
  readonly cwd?: string;
  /** production (checks only where unproved, the default), testing, or development. */
  readonly mode?: RunMode;
  /** Wall time of the run in ms: lowers the document's limit, never raises it (the policy decides the rest). */
  readonly timeoutMs?: number;
  /** What a failed runtime check does (default: the document's/operator's, else terminate). */
  readonly policy?: ViolationPolicy;
  /** Audit trail (JSON lines; default .anrf/audit.jsonl under cwd); false: none. */
  readonly audit?: string | false;
  /** Force process isolation (recommended for untrusted code). */
  readonly isolation?: "thread" | "process";
  /**
   * The operator's Cedar policy file (docs/policy.md). Default: the built-in secure-by-default
   * policy — the document's own limits, mounts and overrides are requests, never grants.
   */
  readonly policyFile?: string;
  /** The operator's mount bindings, as `--mount NAME=DIR`: { "/data": "./data" } (relative to cwd). */
  readonly mounts?: Readonly<Record<string, string>>;
  /** Abort to stop the run: its sandbox is killed and the result is error ANRF_INTERRUPTED. */
  readonly signal?: AbortSignal;
}

export interface ExplainOptions {
  readonly cwd?: string;
  readonly timeoutMs?: number;
  readonly rlimit?: number;
  readonly cache?: false | { readonly dir?: string; readonly remoteUrl?: string };
}

export interface Explanation {
  readonly obligation: ObligationResult;
  /** What the runtime does about this obligation, one sentence each. */
  readonly runtime: readonly string[];
}

/** A verification report plus the verdict `anrf verify` turns into its exit code. */
export type Verification = VerifyReport & { readonly passed: boolean };

const DEFAULT_TIMEOUT_MS = 10_000;

/** Checks ANRF documents against every rule (no solver). */
export async function validate(paths: Paths, options: ValidateOptions = {}) {
  const list = pathList("validate", paths);
  checkOptions("validate", options, { cwd: "string", maxBytes: "count" });
  const cwd = options.cwd ?? process.cwd();
  const { files, problems } = await collectDocumentFiles(list, cwd);
  const documents = problems.map((p) => documentReport(p.path, [{ ruleId: "io", severity: "error", path: "", message: p.message, hint: "check the path" }]));
  for (const file of files) {
    const loaded = await loadDocument(file, { cwd, maxBytes: options.maxBytes ?? DEFAULT_MAX_BYTES });
    documents.push(documentReport(file, loaded.findings));
  }
  return buildReport(documents);
}

/** Validates, then proves every security obligation of the documents' code with z3. */
export async function verify(paths: Paths, options: VerifyOptions = {}): Promise<Verification> {
  const list = pathList("verify", paths);
  checkOptions("verify", options, { cwd: "string", maxBytes: "count", timeoutMs: "count", rlimit: "count", jobs: "count", strict: "boolean", cache: "cache", signal: "signal" });
  const cwd = options.cwd ?? process.cwd();
  const { cache, memo } = await openCaches(options.cache, cwd);
  try {
    const report = await verifyDocuments(list, {
      cwd,
      timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      rlimit: options.rlimit ?? 0,
      jobs: options.jobs,
      strict: options.strict === true,
      cache,
      memo,
      signal: options.signal,
      maxBytes: options.maxBytes,
    });
    return { ...report, passed: verificationPassed(report) };
  } finally {
    await cache?.close();
  }
}

/** Runs one Function entity of a document in the sandbox, with checks wherever a proof is missing. */
export async function run(document: string, entry: string, args: readonly unknown[] = [], options: RunOptions = {}): Promise<RunResult> {
  if (typeof document !== "string" || document === "") throw new TypeError(`anrf.run: the first argument must be the path of an ANRF document (a string), got ${describe(document)}`);
  if (typeof entry !== "string" || entry === "") throw new TypeError(`anrf.run: the second argument must be the name of a Function entity (a string), got ${describe(entry)}`);
  if (!Array.isArray(args)) throw new TypeError(`anrf.run: the third argument must be an array of arguments, got ${describe(args)}`);
  checkOptions("run", options, { cwd: "string", mode: ["production", "testing", "development"], timeoutMs: "count", policy: ["terminate", "degrade"], audit: "audit", isolation: ["thread", "process"], policyFile: "string", mounts: "mounts", signal: "signal" });
  const cwd = options.cwd ?? process.cwd();
  const loaded = await loadValid("run", document, cwd);
  const names = loaded.document!.semantics.entities.filter((e) => e.type === "Function").map((e) => e.name);
  if (!names.includes(entry)) throw new RangeError(`anrf.run: no Function entity named '${entry}' in ${document} (entities: ${names.join(", ") || "none"})`);
  const audit = options.audit === false ? false : resolve(cwd, options.audit ?? ".anrf/audit.jsonl");
  const operatorPolicy = await operatorPolicyFor(options, cwd, audit === false ? undefined : audit);
  const runtime = await import("./runtime/index.js");
  return runtime.run(loaded, entry, args, {
    mode: options.mode,
    timeoutMs: options.timeoutMs,
    onViolation: options.policy,
    isolation: options.isolation,
    audit,
    signal: options.signal,
    operatorPolicy,
  });
}

/** One obligation (ids as in a verification report, e.g. "sum/bounds/4:12"): verdict, counterexample, SMT query, runtime consequence. */
export async function explain(document: string, obligationId: string, options: ExplainOptions = {}): Promise<Explanation> {
  if (typeof document !== "string" || document === "") throw new TypeError(`anrf.explain: the first argument must be the path of an ANRF document (a string), got ${describe(document)}`);
  if (typeof obligationId !== "string" || obligationId === "") throw new TypeError(`anrf.explain: the second argument must be an obligation id (a string such as "sum/bounds/4:12"), got ${describe(obligationId)}`);
  checkOptions("explain", options, { cwd: "string", timeoutMs: "count", rlimit: "count", cache: "cache" });
  const cwd = options.cwd ?? process.cwd();
  const loaded = await loadValid("explain", document, cwd);
  const { cache, memo } = await openCaches(options.cache, cwd);
  let result;
  try {
    result = await verifyDocument(loaded, { cwd, timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS, rlimit: options.rlimit ?? 0, jobs: 1, cache, memo, only: new Set([obligationId]) });
  } finally {
    await cache?.close();
  }
  const obligation = result.obligations.find((o) => o.id === obligationId);
  if (obligation === undefined) {
    const some = (await obligationIds(loaded, memo)).slice(0, 8).join(", ");
    throw new RangeError(`anrf.explain: ${document} has no obligation '${obligationId}'${some ? ` (some that exist: ${some})` : " (it has no obligations)"}`);
  }
  return { obligation, runtime: runtimeConsequence(obligation) };
}

// ---- run-time checks of the call shape ----

type Check = "string" | "count" | "boolean" | "cache" | "signal" | "audit" | "mounts" | readonly string[];

function pathList(fn: string, paths: unknown): string[] {
  const list = typeof paths === "string" ? [paths] : paths;
  if (!Array.isArray(list) || list.length === 0 || !list.every((p) => typeof p === "string" && p !== "")) {
    throw new TypeError(`anrf.${fn}: the first argument must be a path or a non-empty array of paths (strings), got ${describe(paths)}`);
  }
  return list as string[];
}

function checkOptions(fn: string, options: unknown, shape: Readonly<Record<string, Check>>): void {
  if (options === null || typeof options !== "object" || Array.isArray(options)) {
    throw new TypeError(`anrf.${fn}: options must be an object, got ${describe(options)}`);
  }
  for (const [key, value] of Object.entries(options)) {
    const check = shape[key];
    if (check === undefined) throw new TypeError(`anrf.${fn}: unknown option '${key}' (known: ${Object.keys(shape).join(", ")})`);
    if (value === undefined) continue;
    const fail = (expected: string) => new TypeError(`anrf.${fn}: option '${key}' must be ${expected}, got ${describe(value)}`);
    if (Array.isArray(check)) {
      if (!check.includes(value as string)) throw fail(`one of ${check.map((c) => `"${c}"`).join(", ")}`);
    } else if (check === "string" && typeof value !== "string") throw fail("a string");
    else if (check === "count" && !(typeof value === "number" && Number.isInteger(value) && value >= 0)) throw fail("a whole number >= 0");
    else if (check === "boolean" && typeof value !== "boolean") throw fail("true or false");
    else if (check === "signal" && !(value instanceof AbortSignal)) throw fail("an AbortSignal");
    else if (check === "mounts" && !(typeof value === "object" && value !== null && !Array.isArray(value) && Object.values(value).every((d) => typeof d === "string" && d !== ""))) throw fail('an object of mount name → directory, e.g. { "/data": "./data" }');
    else if (check === "audit" && value !== false && typeof value !== "string") throw fail("a file path or false");
    else if (check === "cache" && value !== false && (typeof value !== "object" || value === null)) throw fail("false or { dir?, remoteUrl? }");
  }
}

/**
 * The operator's policy and bindings from `policyFile`/`mounts` (none: the built-in default), with
 * the CLI's on-disk decision cache, so a warm run decides without loading Cedar.
 */
async function operatorPolicyFor(options: RunOptions, cwd: string, auditFile: string | undefined): Promise<import("./policy/run-policy.js").RunPolicy> {
  const [policy, { toolStatePaths }] = await Promise.all([import("./policy/index.js"), import("./policy/tool-state.js")]);
  const cacheDir = resolveCacheDir({ cwd });
  let opened;
  try {
    opened = await policy.openPolicy(options.policyFile, cwd, cacheDir);
  } catch (error) {
    if (error instanceof policy.PolicyFileError) throw new Error(`anrf.run: ${error.message}`);
    if (error instanceof policy.PolicyProblemsError) throw new Error(`anrf.run: the policy has problems:\n${error.text}`);
    throw error;
  }
  const { source, cache } = opened;
  const mounts = new Map(Object.entries(options.mounts ?? {}).map(([name, dir]) => [name, resolve(cwd, dir)] as const));
  return { source, cache, operatorMounts: mounts, toolState: toolStatePaths({ cwd, cacheDir, auditFile, policyFile: options.policyFile }) };
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === "string") return `"${value.slice(0, 40)}"`;
  if (typeof value === "object") return "an object";
  return `${typeof value} ${String(value)}`;
}

async function loadValid(fn: string, document: string, cwd: string): Promise<LoadedDocument> {
  const loaded = await loadDocument(document, { cwd });
  if (!loaded.valid || loaded.document === undefined) {
    const first = loaded.findings.find((f) => f.severity === "error");
    const error = new Error(`anrf.${fn}: ${document} is not a valid ANRF document${first ? `: ${first.message} [${first.ruleId}]` : ""} (validate() lists every finding)`);
    throw Object.assign(error, { findings: loaded.findings });
  }
  return loaded;
}

async function openCaches(option: VerifyOptions["cache"], cwd: string) {
  const settings = { cwd, env: process.env, enabled: option === false ? false : undefined, dir: option ? option.dir : undefined, remoteUrl: option ? option.remoteUrl : undefined };
  return { cache: await openVerdictCache(settings), memo: openExtractionMemo(settings) };
}
