/**
 * `anrf run <doc> --entry NAME [--args JSON] [--mode production|testing|development]
 *   [--format pretty|json] [--timeout ms] [--audit FILE] [--policy terminate|degrade]
 *   [--isolation thread|process]`
 * Exit 0 ok; 1 violation, timeout, out-of-memory, error, or an invalid document (findings
 * printed); 2 usage (bad flags, --args not a JSON array, unknown entry).
 */
import { resolve } from "node:path";
import { parseArgs, UsageError } from "../args.js";
import { ExitCode, type CliIo } from "../io.js";
import { loadDocument } from "../../spec/load.js";
import { buildReport, documentReport, formatJson, formatPretty } from "../../spec/report.js";
import { formatRunJson, formatRunPretty } from "./run-format.js";

export const RUN_USAGE = `usage: anrf run <doc> --entry NAME [--args JSON] [--mode production|testing|development]
                [--format pretty|json] [--timeout ms] [--audit FILE] [--policy terminate|degrade]
                [--isolation thread|process] [--max-bytes N]

Runs one Function entity of the document in the sandbox (worker thread + SES compartment, or
an isolated process when the document asks for process isolation), with runtime checks
wherever the verifier did not prove the obligation. --args is a JSON array of arguments.
--isolation process runs in an isolated child process even when the document does not ask
for it (recommended for untrusted code). Every run is appended to the audit trail
(default .anrf/audit.jsonl).
Exit 0: ok; 1: violation, timeout, out-of-memory, error or invalid document; 2: usage error.
`;

export async function run(argv: readonly string[], io: CliIo): Promise<number> {
  if (argv.includes("--help") || argv.includes("-h")) {
    io.stdout(RUN_USAGE);
    return ExitCode.ok;
  }
  const { positionals, flags } = parseArgs(argv, {
    entry: { kind: "string" },
    args: { kind: "string" },
    mode: { kind: "string", choices: ["production", "testing", "development"] },
    format: { kind: "string", choices: ["pretty", "json"] },
    timeout: { kind: "number", min: 1, integer: true },
    audit: { kind: "string" },
    policy: { kind: "string", choices: ["terminate", "degrade"] },
    isolation: { kind: "string", choices: ["thread", "process"] },
    "max-bytes": { kind: "number", min: 1, integer: true },
  });
  if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? "no document given" : "give exactly one document");
  const entry = flags["entry"] as string | undefined;
  if (entry === undefined || entry === "") throw new UsageError("--entry NAME is required (the name of a Function entity)");
  const args = parseJsonArgs(flags["args"] as string | undefined);
  const json = flags["format"] === "json";

  const maxBytes = flags["max-bytes"] as number | undefined;
  const loaded = await loadDocument(positionals[0]!, { cwd: io.cwd, ...(maxBytes !== undefined ? { maxBytes } : {}) });
  if (!loaded.valid || loaded.document === undefined) {
    const report = buildReport([documentReport(positionals[0]!, loaded.findings)]);
    io.stdout(json ? formatJson(report) : formatPretty(report, { color: io.isTTY }));
    return ExitCode.findings;
  }
  const names = loaded.document.semantics.entities.filter((e) => e.type === "Function").map((e) => e.name);
  if (!names.includes(entry)) throw new UsageError(`no Function entity named '${entry}' in ${positionals[0]} (entities: ${names.join(", ") || "none"})`);

  const { run: runEntity } = await import("../../runtime/index.js");
  const result = await runEntity(loaded, entry, args, {
    mode: flags["mode"] as "production" | "testing" | "development" | undefined,
    timeoutMs: flags["timeout"] as number | undefined,
    audit: resolve(io.cwd, (flags["audit"] as string | undefined) ?? ".anrf/audit.jsonl"),
    policy: flags["policy"] as "terminate" | "degrade" | undefined,
    isolation: flags["isolation"] as "thread" | "process" | undefined,
  });
  io.stdout(json ? formatRunJson(result) : formatRunPretty(result));
  return result.status === "ok" ? ExitCode.ok : ExitCode.findings;
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
