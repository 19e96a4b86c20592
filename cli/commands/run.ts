/**
 * `anrf run <doc> --entry NAME [--args JSON] [--mode production|testing|development]
 *   [--format pretty|json] [--timeout ms] [--audit FILE] [--on-violation terminate|degrade]
 *   [--isolation thread|process] [--policy FILE] [--mount NAME=DIR]…`
 * Exit 0 ok; 1 violation, timeout, out-of-memory, error, an invalid document (findings
 * printed) or a document the operator's policy refuses (nothing runs); 2 usage (bad flags,
 * --args not a JSON array, unknown entry, a policy file with errors).
 */
import { parseArgs, UsageError } from "../args.js";
import { ExitCode, type CliIo } from "../io.js";
import { loadDocument } from "../../spec/load.js";
import { buildReport, documentReport, formatJson, formatPretty } from "../../spec/report.js";
import { formatRunJson, formatRunPretty } from "./run-format.js";
import { openPolicyFromFlags, POLICY_FLAGS, POLICY_HELP, PolicyProblemsError } from "./policy-options.js";
import { toolStatePaths } from "../../policy/tool-state.js";
import { escapeTerminal } from "../../policy/escape.js";
import { auditFileFromFlags, keyFilesFromFlags, auditSignerFromFlags, overridesFor, registryFromFlags, TRUST_FLAGS, TRUST_HELP } from "./trust-options.js";
import { clean, formatFinding } from "../../spec/report.js";

export const RUN_USAGE = `usage: anrf run <doc> --entry NAME [--args JSON] [--mode production|testing|development]
                [--format pretty|json] [--timeout ms] [--audit-log FILE] [--on-violation terminate|degrade]
                [--isolation thread|process] [--policy FILE] [--mount NAME=DIR]...
                [--keys FILE] [--audit-key FILE] [--max-bytes N]

Runs one Function entity of the document in the sandbox (worker thread + SES compartment, or
an isolated process when the document asks for process isolation), with runtime checks
wherever the verifier did not prove the obligation. --args is a JSON array of arguments.
--isolation process runs in an isolated child process even when the document does not ask
for it (recommended for untrusted code); --timeout lowers the document's time limit, never
raises it. Every run is appended to the audit trail
(default .anrf/audit.jsonl; --audit FILE is the old name of --audit-log).
The document only requests; the operator's policy grants (docs/policy.md). A document the
policy refuses does not run (exit 1, audited); granted limits and operator-bound mounts apply.
--on-violation (formerly --policy terminate|degrade) says what a violation does; the policy
file may set its default (@on_violation).
${POLICY_HELP}
An override the document requests is honoured only with signed approvals by keys in --keys
that the policy authorises; the runtime checks what it covers unless the policy removes the check.
${TRUST_HELP}
Exit 0: ok; 1: violation, timeout, out-of-memory, error, invalid or refused document;
2: usage error or a policy file with errors.
`;

export const RUN_FLAGS = {
  entry: { kind: "string" },
  args: { kind: "string" },
  mode: { kind: "string", choices: ["production", "testing", "development"] },
  format: { kind: "string", choices: ["pretty", "json"] },
  timeout: { kind: "number", min: 1, integer: true },
  audit: { kind: "string" },
  "on-violation": { kind: "string", choices: ["terminate", "degrade"] },
  isolation: { kind: "string", choices: ["thread", "process"] },
  "max-bytes": { kind: "number", min: 1, integer: true },
  ...POLICY_FLAGS,
  ...TRUST_FLAGS,
} as const;

export async function run(argv: readonly string[], io: CliIo): Promise<number> {
  if (argv.includes("--help") || argv.includes("-h")) {
    io.stdout(RUN_USAGE);
    return ExitCode.ok;
  }
  const { positionals, flags } = parseArgs(argv, RUN_FLAGS);
  if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? "no document given" : "give exactly one document");
  const entry = flags["entry"] as string | undefined;
  if (entry === undefined || entry === "") throw new UsageError("--entry NAME is required (the name of a Function entity)");
  const args = parseJsonArgs(flags["args"] as string | undefined);
  const json = flags["format"] === "json";
  const registry = registryFromFlags(flags, io);
  const audit = auditFileFromFlags(flags, io, flags["audit"] as string | undefined);
  const auditSigner = auditSignerFromFlags(flags, io);

  const maxBytes = flags["max-bytes"] as number | undefined;
  const loaded = await loadDocument(positionals[0]!, { cwd: io.cwd, ...(maxBytes !== undefined ? { maxBytes } : {}) });
  if (!loaded.valid || loaded.document === undefined) {
    const report = buildReport([documentReport(positionals[0]!, loaded.findings)]);
    io.stdout(json ? formatJson(report) : formatPretty(report, { color: io.isTTY }));
    return ExitCode.findings;
  }
  const names = loaded.document.semantics.entities.filter((e) => e.type === "Function").map((e) => e.name);
  if (!names.includes(entry)) throw new UsageError(`no Function entity named '${entry}' in ${positionals[0]} (entities: ${names.join(", ") || "none"})`);

  if (flags["policy"] === "terminate" || flags["policy"] === "degrade") {
    throw new UsageError(`--policy now names the operator's policy file; use --on-violation ${flags["policy"]}`);
  }
  let policy;
  try {
    policy = await openPolicyFromFlags(flags, io);
  } catch (error) {
    if (!(error instanceof PolicyProblemsError)) throw error;
    io.stderr(error.text);
    return ExitCode.usage;
  }
  const declared = new Set((loaded.document.execution["x-anrf-filesystem-mounts"] ?? []).map((m) => m.mount));
  for (const name of policy.mounts.keys()) {
    if (!declared.has(name)) throw new UsageError(`--mount ${name}: ${positionals[0]} declares no mount '${name}' (declared: ${[...declared].join(", ") || "none"})`);
  }
  const overrides = overridesFor(loaded, registry, new Date());
  for (const f of overrides?.findings ?? []) io.stderr(formatFinding(f, { color: false }));
  const { run: runEntity } = await import("../../runtime/index.js");
  const result = await runEntity(loaded, entry, args, {
    mode: flags["mode"] as "production" | "testing" | "development" | undefined,
    timeoutMs: flags["timeout"] as number | undefined,
    audit,
    auditSigner,
    overrides,
    onViolation: flags["on-violation"] as "terminate" | "degrade" | undefined,
    isolation: flags["isolation"] as "thread" | "process" | undefined,
    signal: io.signal,
    operatorPolicy: {
      source: policy.source,
      cache: policy.cache,
      operatorMounts: policy.mounts,
      toolState: toolStatePaths({ cwd: io.cwd, cacheDir: policy.cacheDir, auditFile: audit, policyFile: policy.policyFile, keyFiles: keyFilesFromFlags(flags, io) }),
    },
  });
  io.stdout(json ? formatRunJson(result) : formatRunPretty(result) + policyLines(result.policy?.findings ?? []));
  // A broken log never hides the result, and never changes the exit code: it is said here.
  if (result.audit !== undefined && !result.audit.ok) io.stderr(`anrf run: audit log not written (${result.audit.code}): ${clean(result.audit.message)}\n`);
  return result.status === "ok" ? ExitCode.ok : ExitCode.findings;
}

/** The policy's refusals and warnings, one per line (document text escaped: it is untrusted). */
function policyLines(findings: readonly unknown[]): string {
  return findings
    .map((f) => f as { severity: string; path: string; message: string; hint: string })
    .map((f) => `policy ${f.severity}: ${escapeTerminal(f.path || "(document)")}: ${escapeTerminal(f.message)}\n  ${escapeTerminal(f.hint)}\n`)
    .join("");
}

function parseJsonArgs(text: string | undefined): unknown[] {
  if (text === undefined) return [];
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`--args is not valid JSON: ${(error as Error).message}`);
  }
  if (!Array.isArray(value)) throw new UsageError(`--args must be a JSON array of arguments (got ${JSON.stringify(value)?.slice(0, 40)})`);
  return value;
}
