/**
 * `anrf report <files|dirs…> --html FILE [--strict] [--no-confirm] [--timeout ms] [--rlimit n] [--jobs n] [cache flags]`
 * Verifies like `anrf verify` (unknown obligations with a candidate are confirmed by execution
 * unless --no-confirm) and writes one self-contained HTML page (cli/report/html.ts).
 * Exit codes as `anrf verify`: 0 passed, 1 findings (the page is written in both cases), 2 usage.
 */
import { writeFile } from "node:fs/promises";
import * as path from "node:path";
import { parseArgs, UsageError } from "../args.js";
import { ExitCode, type CliIo } from "../io.js";
import { collectDocumentFiles } from "../../spec/load.js";
import { verificationPassed, verifyDocuments } from "../../verifier/index.js";
import { confirmByExecution } from "../report/confirm.js";
import { reportHtml } from "../report/html.js";
import { CACHE_FLAGS, CACHE_HELP, openCacheFromFlags } from "./verify-cache-options.js";
import { readTexts, sarifTool } from "./verify-sarif-read.js";
import { DEFAULT_TIMEOUT_MS } from "./verify.js";

export const REPORT_USAGE = `usage: anrf report <files|dirs…> --html FILE [options]

Verifies ANRF documents (as 'anrf verify') and writes one self-contained HTML page: per document
the obligations by status, the source with unproved sites highlighted and their counterexamples,
the runtime checks left in production, and overrides/policy decisions.

  --html FILE            where to write the page (required)
  --strict               unknown, unsupported and informal obligations count as errors
  --no-confirm           do not run candidate values of unknown obligations in the sandbox
  --timeout MS           per-obligation solver timeout (default ${DEFAULT_TIMEOUT_MS}); --rlimit N (default 0)
  --jobs N               solver worker threads
${CACHE_HELP}
exit codes: 0 verified, 1 invalid document or refuted obligation (the page is written), 2 usage or internal error
`;

export async function run(argv: readonly string[], io: CliIo): Promise<number> {
  const { positionals, flags } = parseArgs(argv, {
    html: { kind: "string" },
    strict: { kind: "boolean" },
    "no-confirm": { kind: "boolean" },
    timeout: { kind: "number", min: 1, integer: true },
    rlimit: { kind: "number", min: 0, integer: true },
    jobs: { kind: "number", min: 1, integer: true },
    help: { kind: "boolean" },
    ...CACHE_FLAGS,
  });
  if (flags["help"]) {
    io.stdout(REPORT_USAGE);
    return ExitCode.ok;
  }
  const out = flags["html"] as string | undefined;
  if (out === undefined || out === "") throw new UsageError("--html FILE is required (where to write the page)");
  if (positionals.length === 0) throw new UsageError("no documents given (try 'anrf report examples --html report.html')");
  const { files, problems } = await collectDocumentFiles(positionals, io.cwd);
  if (problems.length > 0) throw new UsageError(problems.map((p) => `${p.path}: ${p.message}`).join("; "));
  if (files.length === 0) throw new UsageError(`no *.anrf.json documents found in ${positionals.join(", ")}`);
  const strict = flags["strict"] === true;
  const { cache, memo } = await openCacheFromFlags(flags, io);
  let report;
  try {
    report = await verifyDocuments(positionals, {
      cwd: io.cwd,
      timeoutMs: (flags["timeout"] as number | undefined) ?? DEFAULT_TIMEOUT_MS,
      rlimit: (flags["rlimit"] as number | undefined) ?? 0,
      jobs: flags["jobs"] as number | undefined,
      strict,
      cache,
      memo,
    });
  } finally {
    await cache?.close();
  }
  if (!flags["no-confirm"]) report = await confirmByExecution(report, { cwd: io.cwd });
  const texts = await readTexts(report.documents, io.cwd);
  const html = reportHtml(report, { cwd: io.cwd, texts, strict, generatedAt: new Date().toISOString(), version: sarifTool().version });
  const target = path.resolve(io.cwd, out);
  await writeFile(target, html);
  const s = report.summary;
  io.stdout(`wrote ${path.relative(io.cwd, target) || target}: ${s.documents} document(s), ${s.proved} proved, ${s.refuted} refuted, ${s.unknown} unknown, ${s.unsupported} unsupported, ${s.informal} informal\n`);
  return verificationPassed(report) ? ExitCode.ok : ExitCode.findings;
}
