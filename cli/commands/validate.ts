/**
 * `anrf validate <files|dirs…> [--format pretty|json|sarif] [--max-bytes N]`
 * Exit 0 when every document is valid (warnings allowed), 1 when any has an error finding,
 * 2 for usage errors (unknown flag, no such path, no paths).
 */
import { documentPaths, parseArgs, UsageError } from "../args.js";
import { ExitCode, type CliIo } from "../io.js";
import { collectDocumentFiles, DEFAULT_MAX_BYTES, loadDocument } from "../../spec/load.js";
import { buildReport, documentReport, formatJson, formatPretty } from "../../spec/report.js";
import { validateSarifOutput } from "./verify-sarif-read.js";

export const VALIDATE_USAGE = `usage: anrf validate <files|dirs…> [--format pretty|json|sarif] [--max-bytes N]

Checks ANRF 1.1.0 documents against every rule (docs/rules.md). A directory means every
*.anrf.json below it; with no paths, anrf.config.json's "include" minus "exclude".

  -f, --format F     pretty (default), json or sarif
  --max-bytes N      largest file read (default ${DEFAULT_MAX_BYTES} bytes)

Exit 0: all valid (warnings allowed); 1: errors found; 2: usage error (also: no documents found).
`;

export async function run(argv: readonly string[], io: CliIo): Promise<number> {
  if (argv.includes("--help") || argv.includes("-h")) {
    io.stdout(VALIDATE_USAGE);
    return ExitCode.ok;
  }
  const { positionals, flags } = parseArgs(argv, {
    format: { kind: "string", choices: ["pretty", "json", "sarif"] },
    "max-bytes": { kind: "number", min: 1, integer: true },
  });
  const paths = await documentPaths(positionals);
  if (paths.length === 0) throw new UsageError("no documents given (try 'anrf validate examples', or set \"include\" in anrf.config.json)");
  const { files, problems } = await collectDocumentFiles(paths, io.cwd);
  if (problems.length > 0) {
    throw new UsageError(problems.map((p) => `${p.path}: ${p.message}`).join("; "));
  }
  // Nothing to check is not "all valid" (as ESLint and tsc): a usage error.
  if (files.length === 0) throw new UsageError(`no ANRF documents (*.anrf.json) found in ${paths.join(", ")}`);
  const maxBytes = (flags["max-bytes"] as number | undefined) ?? DEFAULT_MAX_BYTES;
  const documents = [];
  for (const file of files) {
    const loaded = await loadDocument(file, { maxBytes, cwd: io.cwd });
    documents.push(documentReport(file, loaded.findings));
  }
  const report = buildReport(documents);
  if (flags["format"] === "json") io.stdout(formatJson(report));
  else if (flags["format"] === "sarif") io.stdout(await validateSarifOutput(report, io.cwd));
  else io.stdout(formatPretty(report, { color: io.isTTY }));
  return report.summary.errors > 0 ? ExitCode.findings : ExitCode.ok;
}
