/**
 * `anrf verify <files|dirs…> [--format pretty|json|sarif] [--timeout ms] [--rlimit n] [--jobs n] [--strict]
 *   [--cache DIR | --no-cache] [--remote-cache URL] [--shard i/n] [--watch]`
 * Validates first (the same findings as `anrf validate`), then proves the obligations.
 * Exit 0: all valid and nothing refuted (unknown/unsupported are warnings unless --strict);
 * 1: an invalid document or a refuted obligation; 2: usage or internal error.
 */
import { availableParallelism } from "node:os";
import { documentPaths, parseArgs, UsageError } from "../args.js";
import { ExitCode, type CliIo } from "../io.js";
import { collectDocumentFiles, DEFAULT_MAX_BYTES } from "../../spec/load.js";
import { startProgress } from "../progress.js";
import { summarise, verifyDocuments } from "../../verifier/index.js";
import type { DocumentVerification } from "../../verifier/pipeline/report-types.js";
import { CACHE_FLAGS, CACHE_HELP, openCacheFromFlags, shardFromFlag } from "./verify-cache-options.js";
import { verifyJson, verifyJsonValue } from "./verify-format.js";
import { verifyPrettyOutput, verifySarifOutput } from "./verify-sarif-read.js";
import { openPolicyFromFlags, POLICY_FLAGS, POLICY_HELP, policyConfigured, PolicyProblemsError, type OpenedPolicy } from "./policy-options.js";
import { auditFileFromFlags, keyFilesFromFlags, auditSignerFromFlags, registryFromFlags, TRUST_FLAGS, TRUST_HELP } from "./trust-options.js";

export const DEFAULT_TIMEOUT_MS = 10_000;

export const VERIFY_USAGE = `usage: anrf verify <files|dirs…> [options]

Validates ANRF documents, then proves every security obligation of their code with z3.

  -f, --format F         output format: pretty (default), json, or sarif (SARIF 2.1.0 for code scanning)
  --timeout MS           per-obligation solver timeout (default ${DEFAULT_TIMEOUT_MS})
  --rlimit N             per-obligation z3 resource limit, deterministic across machines (default 0 = none)
  -j, --jobs N           solver worker threads (default ${availableParallelism()}, the available cores)
  --strict               unknown, unsupported and informal obligations fail the run
  --shard I/N            solve only this machine's share of the cache misses (1 <= I <= N)
  --no-confirm           do not run the code: by default an unknown obligation with a candidate model is
                         confirmed by running the entity on those values in the sandbox (no capabilities,
                         small limits); a run that violates it makes it 'refuted (confirmed by execution)'
  -w, --watch                verify, then re-verify whatever changes (documents, modules, new documents in
  --max-bytes N          largest document or module file read (default ${DEFAULT_MAX_BYTES} bytes)
                         the given folders) until Ctrl-C; z3, TypeScript and the caches stay warm.
                         With --format json: one report per line (without SMT text; see anrf explain).
                         Ctrl-C ends it with 130; SIGTERM with the state of the last reports (0 or 1)
${CACHE_HELP}
${POLICY_HELP}
                       (with --policy, each document is also decided by the policy as anrf run would
                       decide it, and every refusal is a finding: a policy gate for CI)
${TRUST_HELP}

With no paths, the documents are anrf.config.json's "include" minus "exclude". Settings in
anrf.config.json (jobs, timeouts.solverMs, rlimit, strict, remote, cache, keys) are defaults; flags win.

exit codes: 0 verified (warnings allowed), 1 invalid document or refuted obligation, 2 usage or internal
error (also: no documents found), 130 interrupted (Ctrl-C; the report printed is marked partial)
`;

export const VERIFY_FLAGS = {
  format: { kind: "string", choices: ["pretty", "json", "sarif"] },
  timeout: { kind: "number", min: 1, integer: true },
  rlimit: { kind: "number", min: 0, integer: true },
  jobs: { kind: "number", min: 1, integer: true },
  strict: { kind: "boolean" },
  shard: { kind: "string" },
  watch: { kind: "boolean" },
  "no-confirm": { kind: "boolean" },
  "max-bytes": { kind: "number", min: 1, integer: true },
  help: { kind: "boolean" },
  ...CACHE_FLAGS,
  ...POLICY_FLAGS,
  ...TRUST_FLAGS,
} as const;

export async function run(argv: readonly string[], io: CliIo): Promise<number> {
  const { positionals, flags } = parseArgs(argv, VERIFY_FLAGS);
  if (flags["help"]) {
    io.stdout(VERIFY_USAGE);
    return ExitCode.ok;
  }
  const paths = await documentPaths(positionals);
  if (paths.length === 0) throw new UsageError("no documents given (try 'anrf verify examples', or set \"include\" in anrf.config.json)");
  const { files, problems } = await collectDocumentFiles(paths, io.cwd);
  if (problems.length > 0) throw new UsageError(problems.map((p) => `${p.path}: ${p.message}`).join("; "));
  // Nothing to verify is not "all good" (as ESLint and tsc): a usage error. A watch waits for new documents.
  if (files.length === 0 && !flags["watch"]) throw new UsageError(`no ANRF documents (*.anrf.json) found in ${paths.join(", ")}`);
  const maxBytes = flags["max-bytes"] as number | undefined;
  const shard = shardFromFlag(flags["shard"] as string | undefined);
  const strict = flags["strict"] === true;
  if (flags["watch"] && shard !== undefined) throw new UsageError("--watch cannot be combined with --shard (a watch verifies everything it sees)");
  if (flags["watch"] && flags["format"] === "sarif") throw new UsageError("--watch prints pretty or json reports (one per line), not sarif");
  // Trusted configuration first: a bad registry or key is a usage error before any work.
  const trust = { registry: registryFromFlags(flags, io), auditFile: auditFileFromFlags(flags, io), auditSigner: auditSignerFromFlags(flags, io) };
  let policy: OpenedPolicy | undefined;
  if (policyConfigured(flags)) {
    try {
      policy = await openPolicyFromFlags(flags, io, { cacheDir: flags["cache"] as string | undefined, noCache: flags["no-cache"] === true });
    } catch (error) {
      if (!(error instanceof PolicyProblemsError)) throw error;
      io.stderr(error.text);
      return ExitCode.usage;
    }
  }
  const { cache, memo } = await openCacheFromFlags(flags, io);
  const limits = { timeoutMs: (flags["timeout"] as number | undefined) ?? DEFAULT_TIMEOUT_MS, rlimit: (flags["rlimit"] as number | undefined) ?? 0 };
  // After verifying, one-shot and watch alike: the policy's gate, then signed overrides and the audit.
  const gate = async (documents: readonly DocumentVerification[]): Promise<DocumentVerification[]> => {
    if (policy === undefined) return [...documents];
    const { gateDocuments } = await import("../../policy/verify-gate.js");
    const { toolStatePaths } = await import("../../policy/tool-state.js");
    return gateDocuments(documents, {
      cwd: io.cwd,
      source: policy.source,
      cache: policy.cache,
      operatorMounts: policy.mounts,
      toolState: toolStatePaths({ cwd: io.cwd, cacheDir: policy.cacheDir, auditFile: trust.auditFile, policyFile: policy.policyFile, keyFiles: keyFilesFromFlags(flags, io) }),
    });
  };
  if (flags["watch"]) {
    try {
      const { runWatch } = await import("./verify-watch.js");
      const { settleDocuments } = await import("./verify-overrides.js");
      const { passedWithOverrides } = await import("../../approvals/apply.js");
      const settle = async (documents: readonly DocumentVerification[]) => settleDocuments(await gate(documents), strict, trust, io);
      return await runWatch(paths, { cwd: io.cwd, ...limits, maxBytes, jobs: flags["jobs"] as number | undefined, strict, cache, memo, settle, passes: passedWithOverrides }, flags["format"] === "json" ? "json" : "pretty", io);
    } finally {
      await cache?.close();
    }
  }
  // Ctrl-C (io.signal, cli/main.ts) cancels solving: the obligations not decided are reported
  // unknown ("cancelled"), the report is printed marked partial, and the exit code is 130.
  const controller = new AbortController();
  const cancel = () => controller.abort();
  const signal = io.signal ?? controller.signal;
  if (io.signal === undefined) process.once("SIGINT", cancel);
  const progress = startProgress(io, "anrf verify");
  try {
    let report = await verifyDocuments(paths, {
      cwd: io.cwd,
      ...limits,
      jobs: flags["jobs"] as number | undefined,
      strict,
      cache,
      memo,
      shard,
      signal,
      maxBytes,
      onProgress: (p) => progress.update(p.phase === "solve" ? `solving ${p.done}/${p.total} queries` : `${p.phase === "load" ? "reading" : "extracting"} ${p.done + 1}/${p.total} documents`),
    });
    if (policy !== undefined) {
      const documents = await gate(report.documents);
      report = { ...report, documents, summary: summarise(documents) };
    }
    if (!flags["no-confirm"] && !signal.aborted) report = await (await import("../report/confirm.js")).confirmByExecution(report, { cwd: io.cwd });
    const { settleVerify } = await import("./verify-overrides.js");
    const settled = await settleVerify(report, trust, io);
    report = settled.report;
    const passed = settled.passed;
    progress.done();
    const partial = signal.aborted;
    if (flags["format"] === "json") io.stdout(partial ? `${JSON.stringify({ partial: true, ...verifyJsonValue(report) }, null, 2)}\n` : verifyJson(report));
    else if (flags["format"] === "sarif") io.stdout(await verifySarifOutput(report, io.cwd));
    else io.stdout(await verifyPrettyOutput(report, { cwd: io.cwd, color: io.isTTY, strict }));
    if (partial) {
      const cancelled = report.documents.flatMap((d) => d.obligations).filter((o) => o.reason === "cancelled").length;
      io.stderr(`anrf verify: interrupted: PARTIAL report — ${cancelled} obligation${cancelled === 1 ? "" : "s"} not decided (reported unknown, "cancelled")\n`);
      return ExitCode.interrupted;
    }
    return passed ? ExitCode.ok : ExitCode.findings;
  } finally {
    progress.done();
    process.off("SIGINT", cancel);
    await cache?.close();
  }
}
