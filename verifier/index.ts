/**
 * The verifier's library API: validate (spec's loadDocument, same findings as `anrf validate`),
 * extract obligations (memoised; ts-morph loads only on a memo miss), decide each obligation
 * (cache, else the z3 pool; z3 loads only when some query really must be solved), and report.
 */
import type { ExtractionMemo, VerdictCache } from "../proofs-cache/api.js";
import type { Shard } from "../proofs-cache/shard.js";
import { error, hasErrors, type Finding } from "../spec/finding.js";
import { collectDocumentFiles, loadDocument, type LoadedDocument } from "../spec/load.js";
import { buildReport, documentReport } from "../spec/report.js";
import type { Obligation, ObligationResult, SolverLimits } from "./obligation.js";
import { verifiedClaimFindings } from "./pipeline/claims.js";
import { emptyExtractionStats, extractDocument, type Extraction } from "./pipeline/extraction.js";
import { unverifiableGuarantees } from "./pipeline/no-code.js";
import { emptyCounts, type DocumentVerification, type VerifyReport, type VerifySummary } from "./pipeline/report-types.js";
import { solveObligations, type KnownVerdicts, type Solved, type SolveStats } from "./pipeline/solve-obligations.js";
import { SolverPool } from "./solver/pool.js";
import { vacuousProofs, type VacuityVerdict } from "./pipeline/vacuity.js";
import { SCALAR_DROPPED_REASON, scalarCandidateQuery } from "./pipeline/scalar-candidates.js";
import { solverVersion } from "./solver/solver-version.js";
import type { DecideCandidates } from "./pipeline/houdini.js";
import type { RawObligation } from "./extract/positions.js";
import { dropAssumedQuantifiers } from "./pipeline/drop-quantified.js";

/** Longest wait for one inferred loop-invariant candidate (ms); the run's limit when lower. */
export const CANDIDATE_TIMEOUT_MS = 2000;

export type { DocumentVerification, RunFacts, StatusCounts, VerifyReport, VerifySummary } from "./pipeline/report-types.js";
export type { ArgumentShape, Counterexample, Obligation, ObligationKind, ObligationResult, ObligationStatus, SourceLocation, SourceSite, SolverLimits, Verdict } from "./obligation.js";

export interface VerifyOptions {
  /** Directory relative document paths resolve against. */
  readonly cwd: string;
  /** Per-obligation solver timeout (ms). */
  readonly timeoutMs: number;
  /** Per-obligation z3 resource limit; 0 = none. */
  readonly rlimit: number;
  /** Solver worker threads; default os.availableParallelism(). */
  readonly jobs?: number | undefined;
  /** unknown/unsupported/informal count as failures in verificationPassed (recorded in report.run.strict). */
  readonly strict?: boolean | undefined;
  readonly cache?: VerdictCache | undefined;
  readonly memo?: ExtractionMemo | undefined;
  /** 1-based: solve only the queries whose cache key sorts into slice `index` of `count`. */
  readonly shard?: Shard | undefined;
  readonly signal?: AbortSignal | undefined;
  /**
   * Report (and solve) only the obligations with these ids — what `anrf explain` needs. The
   * document's findings then describe only that subset (V7.4 included).
   */
  readonly only?: ReadonlySet<string> | undefined;
  /**
   * A solver pool owned by the caller (kept warm across runs, e.g. by `anrf verify --watch`);
   * the run neither creates nor closes one then. Default: a pool per run, started only on a miss.
   */
  readonly pool?: SolverPool | undefined;
  /** Largest document or module file read, in bytes (default spec/load DEFAULT_MAX_BYTES; `--max-bytes`). */
  readonly maxBytes?: number | undefined;
  /** Progress for a terminal's progress line (cli/progress.ts): never affects the result. */
  readonly onProgress?: ((progress: VerifyProgress) => void) | undefined;
  /**
   * Limits for the inferred loop-invariant candidates (Houdini). Default: the run's rlimit and at
   * most CANDIDATE_TIMEOUT_MS, so a candidate z3 cannot settle quickly is dropped — which makes
   * what is inferred depend on how busy the machine is. A caller that needs the same verdicts on
   * any machine (a test, a gate that compares runs) bounds the work instead: an rlimit here and a
   * timeout far above it (see `workBounded`).
   */
  readonly candidateLimits?: SolverLimits | undefined;
}

/**
 * Limits under which verdicts depend on the query, not on the machine's load: each query and
 * each candidate is stopped by a z3 resource count, with the wall-clock timeouts only as a
 * backstop far beyond what that count takes. (z3's count is deterministic for one query text
 * and solver version; which worker answers and in what order can still perturb it slightly.)
 */
export function workBounded(rlimit: number, candidateRlimit: number, backstopMs = 300_000): Pick<VerifyOptions, "timeoutMs" | "rlimit" | "candidateLimits"> {
  return { timeoutMs: backstopMs, rlimit, candidateLimits: { timeoutMs: backstopMs, rlimit: candidateRlimit } };
}

export interface VerifyProgress {
  readonly phase: "load" | "extract" | "solve";
  readonly done: number;
  readonly total: number;
}

/** Files and directories (every `*.anrf.json` below) → one report. Missing paths become `io` findings. */
export async function verifyDocuments(paths: readonly string[], options: VerifyOptions): Promise<VerifyReport> {
  const { files, problems } = await collectDocumentFiles(paths, options.cwd);
  const loaded: LoadedDocument[] = [];
  for (const file of files) {
    options.onProgress?.({ phase: "load", done: loaded.length, total: files.length });
    loaded.push(await loadDocument(file, { cwd: options.cwd, ...(options.maxBytes !== undefined ? { maxBytes: options.maxBytes } : {}) }));
  }
  const missing = problems.map(missingDocument);
  const report = await verifyLoaded(loaded, options);
  const documents = [...missing, ...report.documents];
  return { ...report, documents, summary: summarise(documents) };
}

/** A path that could not be read or listed, as a failed document with an `io` finding. */
export function missingDocument(problem: { readonly path: string; readonly message: string }): DocumentVerification {
  return {
    file: problem.path,
    valid: false,
    findings: [error("io", "", `${problem.path}: ${problem.message}`, "check the path and its permissions")],
    obligations: [],
    skippedByShard: [],
  };
}

/** Solver limits as z3 takes them (whole numbers >= 0), or a TypeError naming the option. */
export function checkedLimits(limits: SolverLimits, where: string): SolverLimits {
  for (const [name, value] of [["timeoutMs", limits.timeoutMs], ["rlimit", limits.rlimit]] as const) {
    if (!Number.isSafeInteger(value) || value < 0) throw new TypeError(`verify: ${where}.${name} must be a whole number >= 0 (got ${String(value)})`);
  }
  return limits;
}

/** One already-loaded document (what `anrf run` and `anrf explain` use). */
export async function verifyDocument(loaded: LoadedDocument, options: VerifyOptions): Promise<DocumentVerification> {
  const report = await verifyLoaded([loaded], options);
  return report.documents[0]!;
}

/** The ids of a document's obligations, without solving anything (extraction is memoised). */
export async function obligationIds(loaded: LoadedDocument, memo?: ExtractionMemo): Promise<string[]> {
  if (!loaded.valid || loaded.document === undefined) return [];
  if (loaded.module === undefined) return unverifiableGuarantees(loaded.document, loaded.absoluteFile).obligations.map((o) => o.id);
  const extraction = await extractDocument(loaded.document, loaded.module, memo);
  return [...extraction.obligations.map((o) => o.id), ...extraction.typeResults.map((r) => r.obligation.id)];
}

/**
 * Exit-code logic of `anrf verify`: no invalid document, nothing refuted; with strict, nothing
 * open either (obligations left to other shards excepted). `strict` defaults to the run's option.
 */
export function verificationPassed(report: VerifyReport, strict: boolean = report.run.strict): boolean {
  return report.documents.every((d) => documentPassed(d, strict));
}

/** One document's part of verificationPassed. */
export function documentPassed(d: DocumentVerification, strict: boolean): boolean {
  if (!d.valid) return false;
  const skipped = new Set(d.skippedByShard);
  return d.obligations.every((o) => {
    if (o.status === "refuted") return false;
    if (!strict || skipped.has(o.id)) return true;
    return o.status === "proved";
  });
}

interface Pending {
  readonly loaded: LoadedDocument;
  readonly findings: Finding[];
  readonly extraction?: Extraction | undefined;
  readonly fixed: ObligationResult[];
}

export async function verifyLoaded(loadedDocuments: readonly LoadedDocument[], options: VerifyOptions): Promise<VerifyReport> {
  // A caller's mistake is an error here, before anything is solved or cached under those limits
  // (the solver session refuses them too: z3-session.ts checkedLimit).
  const limits: SolverLimits = checkedLimits({ timeoutMs: options.timeoutMs, rlimit: options.rlimit }, "options");
  // Inferred loop invariants are decided with a shorter limit: one that z3 cannot settle quickly
  // is dropped (houdini.ts), not waited for. They are solved again with the same limit below,
  // so a verdict from this run (or from the cache) is reused.
  const candidateLimits: SolverLimits = checkedLimits(options.candidateLimits ?? { timeoutMs: Math.min(options.timeoutMs, CANDIDATE_TIMEOUT_MS), rlimit: options.rlimit }, "options.candidateLimits");
  const extractionStats = emptyExtractionStats();
  const pending: Pending[] = [];
  let pool: SolverPool | undefined;
  const initsBefore = options.pool?.stats().initMs.length ?? 0;
  const stats = { queries: 0, cacheHits: 0, solved: 0 };
  const count = (s: SolveStats): void => {
    stats.queries += s.queries;
    stats.cacheHits += s.cacheHits;
    stats.solved += s.solved;
  };
  // One encoding version per process: the extractor's (read once it is loaded).
  let encodingVersion = "none";
  const solve = (list: ReadonlyArray<Obligation & { readonly smt: string }>, shard: typeof options.shard, withLimits: SolverLimits = limits) =>
    solveObligations(list, {
      limits: withLimits,
      solverVersion: solverVersion(),
      encodingVersion,
      cache: options.cache,
      shard,
      signal: options.signal,
      // One run's verdicts: what the candidates' (shorter) solve proved or refuted is reused below.
      known: runVerdicts,
      onProgress: options.onProgress === undefined ? undefined : (done, total) => options.onProgress?.({ phase: "solve", done, total }),
      pool: () => options.pool ?? pool ?? (pool = new SolverPool({ size: options.jobs })),
    });
  // A query left open because of quantified facts is tried once more without the assumed ones
  // (drop-quantified.ts); only an unsat answer of that weaker query is used.
  const solveOrWeaker = async (list: ReadonlyArray<Obligation & { readonly smt: string }>, shard: typeof options.shard, withLimits: SolverLimits = limits) => {
    const first = await solve(list, shard, withLimits);
    const verdicts = [...first.verdicts];
    const retry = list.flatMap((o, i) => {
      const v = verdicts[i]!;
      if (v.verdict.status !== "unknown" || v.otherShard !== undefined) return [];
      const weaker = dropAssumedQuantifiers(o.smt);
      return weaker === undefined ? [] : [{ i, weak: { ...o, smt: weaker } }];
    });
    if (retry.length === 0) return first;
    // Unsharded: only queries this shard already owned come here.
    const again = await solve(retry.map((r) => r.weak), undefined, withLimits);
    retry.forEach((r, k) => {
      const v = again.verdicts[k]!;
      if (v.verdict.status === "proved") verdicts[r.i] = { ...v, verdict: { ...v.verdict, reason: "unsat without the quantified facts (a weaker query)" } };
    });
    return { verdicts, stats: { queries: first.stats.queries + again.stats.queries, cacheHits: first.stats.cacheHits + again.stats.cacheHits, solved: first.stats.solved + again.stats.solved } };
  };
  // Loop-invariant candidates, with the candidates' limit: a scalar one is decided on its
  // quantifier-free query first (scalar-candidates.ts); the rest, and any left unknown there,
  // as every other query.
  const solveCandidates = async (list: ReadonlyArray<Obligation & { readonly smt: string }>) => {
    const scalar = list.flatMap((o, i) => {
      const smt = scalarCandidateQuery(o, o.smt);
      return smt === undefined ? [] : [{ i, weak: { ...o, smt } }];
    });
    if (scalar.length === 0) return solveOrWeaker(list, undefined, candidateLimits);
    const quick = await solve(scalar.map((x) => x.weak), undefined, candidateLimits);
    const verdicts: Array<Solved | undefined> = list.map(() => undefined);
    scalar.forEach((x, k) => {
      const v = quick.verdicts[k]!;
      if (v.verdict.status === "proved") verdicts[x.i] = { ...v, verdict: { ...v.verdict, reason: "unsat without the quantified facts (a weaker query)" } };
      else if (v.verdict.status === "refuted") verdicts[x.i] = { ...v, verdict: { status: "unknown", reason: SCALAR_DROPPED_REASON, counterexample: null, cost: v.verdict.cost } };
    });
    const rest = list.flatMap((o, i) => (verdicts[i] === undefined ? [{ i, o }] : []));
    const full = await solveOrWeaker(rest.map((r) => r.o), undefined, candidateLimits);
    rest.forEach((r, k) => (verdicts[r.i] = full.verdicts[k]!));
    const stats = { queries: quick.stats.queries + full.stats.queries, cacheHits: quick.stats.cacheHits + full.stats.cacheHits, solved: quick.stats.solved + full.stats.solved };
    return { verdicts: verdicts as Solved[], stats };
  };
  const runVerdicts: KnownVerdicts = new Map();
  /** Which of these raw obligations the solver proves within the candidates' limit. */
  const provedWithin = async (raw: readonly RawObligation[]): Promise<boolean[]> => {
    encodingVersion = (await import("./extract/index.js")).ENCODING_VERSION;
    // Raw obligations carry no location yet: solving needs only the SMT text and the symbols.
    const withText = raw.flatMap((o, i) => (typeof o.smt === "string" ? [{ i, o: { ...o, smt: o.smt, location: { file: "", line: 1, column: 1 } } }] : []));
    const solvedRaw = await solveCandidates(withText.map((x) => x.o));
    count(solvedRaw.stats);
    const proved = raw.map(() => false);
    withText.forEach((x, k) => (proved[x.i] = solvedRaw.verdicts[k]?.verdict.status === "proved"));
    return proved;
  };
  const decide: DecideCandidates = Object.assign((candidates: readonly RawObligation[]) => provedWithin(candidates), {
    // Inference only for an entity with an obligation (that has a query) left unproved without it.
    needsInference: async (plain: readonly RawObligation[]) => {
      const withQuery = plain.filter((o) => typeof o.smt === "string");
      return (await provedWithin(withQuery)).some((p) => !p);
    },
  });
  const verdictOf = new Map<Obligation, Solved>();
  let vacuous = new Map<Obligation, VacuityVerdict>();
  try {
  for (const loaded of loadedDocuments) {
    options.onProgress?.({ phase: "extract", done: pending.length, total: loadedDocuments.length });
    const findings = [...loaded.findings];
    if (!loaded.valid || loaded.document === undefined) {
      pending.push({ loaded, findings, fixed: [] });
    } else if (loaded.module === undefined) {
      const none = unverifiableGuarantees(loaded.document, loaded.absoluteFile);
      findings.push(...none.findings);
      pending.push({ loaded, findings, fixed: none.obligations });
    } else {
      let extraction: Extraction;
      try {
        extraction = await extractDocument(loaded.document, loaded.module, options.memo, extractionStats, decide);
      } catch (cause) {
        // No obligations must never read as "nothing to check": the document fails instead.
        const message = cause instanceof Error ? cause.message : String(cause);
        findings.push(error("extract", "/execution", `obligation extraction failed: ${message}`, "please report this as a bug in anrf; the module is not verified"));
        pending.push({ loaded, findings, fixed: [] });
        continue;
      }
      findings.push(...extraction.problems);
      const only = options.only;
      const selected: Extraction =
        only === undefined
          ? extraction
          : { ...extraction, obligations: extraction.obligations.filter((o) => only.has(o.id)), typeResults: extraction.typeResults.filter((r) => only.has(r.obligation.id)) };
      pending.push({ loaded, findings, extraction: selected, fixed: [] });
    }
  }

  const withSmt = pending.flatMap((p) => (p.extraction?.obligations ?? []).filter(hasSmt));
  // One extractor per process, so one encoding version per run ("none" when nothing has code).
  encodingVersion = pending.find((p) => p.extraction !== undefined)?.extraction?.encodingVersion ?? "none";
  // Inferred invariants with the limit they were decided with (their verdicts are known); the
  // rest with the run's. Neither is sharded away from the other's verdicts: inferred ones are
  // solved in every shard, like vacuity queries, since the shard's other proofs assume them.
  const inferred = withSmt.filter((o) => o.inferred === true);
  const others = withSmt.filter((o) => o.inferred !== true);
  const main = await solveOrWeaker(others, options.shard);
  count(main.stats);
  const ofInferred = await solveCandidates(inferred);
  count(ofInferred.stats);
  others.forEach((o, i) => verdictOf.set(o, main.verdicts[i]!));
  inferred.forEach((o, i) => verdictOf.set(o, ofInferred.verdicts[i]!));
  const proved = withSmt.filter((o) => verdictOf.get(o)?.verdict.status === "proved");
  // Vacuity queries are not sharded: whether a proof is vacuous is only asked once the proof is
  // known, which may be in either shard's run, so a partition could leave one to neither.
  // They get the candidates' (short) limit: a path condition is unsat quickly when it is unsat at
  // all (the contradiction is in the facts, the goal is false), while a satisfiable one over
  // quantified facts is where z3 searches for a model until any limit ends — rowByRow's took
  // 24-31 s of a 12M rlimit to end unknown. Unknown only means "not shown vacuous": the proof is
  // reported as it was, the same as a vacuity query that timed out before.
  const v = await vacuousProofs(proved, (list) => solve(list, undefined, candidateLimits));
  vacuous = v.vacuous;
  count(v.stats);
  } finally {
    await pool?.close();
  }
  // z3 initialisations this run paid for (a caller's warm pool reports only new ones).
  const solverInitMs = options.pool !== undefined ? options.pool.stats().initMs.slice(initsBefore) : (pool?.stats().initMs ?? []);

  const documents = pending.map((p): DocumentVerification => {
    const skippedByShard: string[] = [];
    const contradictory = new Set<string>();
    const results: ObligationResult[] = [...p.fixed];
    for (const obligation of p.extraction?.obligations ?? []) {
      const solvedOne = verdictOf.get(obligation);
      if (solvedOne?.otherShard !== undefined) skippedByShard.push(obligation.id);
      const result = resultOf(obligation, solvedOne);
      const why = vacuous.get(obligation);
      results.push(why === undefined ? result : { ...result, vacuous: why.reason });
      if (why?.contradictoryPreconditions && !contradictory.has(obligation.entity)) contradictory.add(obligation.entity);
    }
    for (const { obligation, verdict } of p.extraction?.typeResults ?? []) {
      results.push(toResult(obligation, verdict.status, verdict.reason, verdict.counterexample, "static"));
    }
    const findings = [...p.findings];
    if (p.loaded.document !== undefined && p.loaded.valid) findings.push(...verifiedClaimFindings(p.loaded.document, results));
    if (p.loaded.document !== undefined) findings.push(...contradictoryPreconditionFindings(p.loaded.document, contradictory));
    return { file: p.loaded.file, valid: !hasErrors(findings), findings, obligations: results, skippedByShard };
  });

  // Uploads run in the background; wait for them so their failures reach this report.
  await options.cache?.flush?.();
  return {
    documents,
    summary: summarise(documents),
    run: {
      solverVersion: solverVersion(),
      encodingVersion,
      limits,
      strict: options.strict === true,
      ...stats,
      solverInitMs,
      extraction: extractionStats,
      shard: options.shard,
      cacheWarnings: options.cache?.warnings() ?? [],
    },
  };
}

/** An entity whose formal preconditions contradict each other can never be called legally: an error finding. */
function contradictoryPreconditionFindings(document: NonNullable<LoadedDocument["document"]>, entities: ReadonlySet<string>): Finding[] {
  return [...entities].map((id) => {
    const index = document.semantics.security_contracts.findIndex((c) => (c.applies_to ?? []).includes(id) && c.preconditions.length > 0);
    const pointer = index === -1 ? "/semantics/security_contracts" : `/semantics/security_contracts/${index}/preconditions`;
    return error("vacuous-preconditions", pointer, `the preconditions of entity ${id} contradict each other: no input meets them, so every proof about it is vacuous`, "fix the preconditions so that some input satisfies all of them");
  });
}

function hasSmt(o: Obligation): o is Obligation & { readonly smt: string } {
  return typeof o.smt === "string";
}

function resultOf(obligation: Obligation, solved: Solved | undefined): ObligationResult {
  if (solved !== undefined) {
    const result = toResult(obligation, solved.verdict.status, solved.verdict.reason, solved.verdict.counterexample, solved.source);
    return solved.verdict.candidate === undefined || solved.verdict.status !== "unknown" ? result : { ...result, candidate: solved.verdict.candidate };
  }
  if (obligation.kind === "informal") {
    return toResult(obligation, "informal", obligation.unsupportedReason ?? "informal clause: not in the contract language", null, "static");
  }
  return toResult(obligation, "unsupported", obligation.unsupportedReason ?? "not encodable soundly", null, "static");
}

function toResult(
  o: Obligation,
  status: ObligationResult["status"],
  reason: string,
  counterexample: ObligationResult["counterexample"],
  source: ObligationResult["source"],
): ObligationResult {
  return {
    id: o.id,
    entity: o.entity,
    kind: o.kind,
    status,
    location: o.location,
    site: o.site,
    description: o.description,
    clause: o.clause,
    reason,
    counterexample,
    smt: o.smt,
    source,
    ...(o.inferred === true ? { inferred: true as const } : {}),
    ...(o.append === true ? { append: true as const } : {}),
    ...(o.argumentShape === undefined ? {} : { argumentShape: o.argumentShape }),
  };
}

export function summarise(documents: readonly DocumentVerification[]): VerifySummary {
  const counts = emptyCounts();
  let skippedByShard = 0;
  let vacuous = 0;
  for (const d of documents) {
    for (const o of d.obligations) {
      counts[o.status]++;
      if (o.status === "proved" && o.vacuous !== undefined) vacuous++;
    }
    skippedByShard += d.skippedByShard.length;
  }
  // Document/valid/error/warning counts exactly as `anrf validate` counts them; a finding an
  // honoured override covers (approvals/apply.ts) is not counted.
  const { summary } = buildReport(documents.map((d) => documentReport(d.file, d.findings.filter((_, i) => d.overrides?.findings[i] === undefined))));
  return { ...summary, skippedByShard, ...counts, vacuous };
}
