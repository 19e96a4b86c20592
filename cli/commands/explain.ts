/**
 * `anrf explain <doc> <obligation-id> [--format pretty|json] [--timeout ms] [--rlimit n] [cache flags]`
 * One obligation: what it claims, its SMT query, the verdict with counterexample, and what the
 * runtime does about it. Exit 0 when shown (whatever the verdict); 1 when the document is
 * invalid; 2 for usage errors, including an unknown obligation id.
 */
import { parseArgs, UsageError } from "../args.js";
import { ExitCode, type CliIo } from "../io.js";
import { loadDocument } from "../../spec/load.js";
import { buildReport, clean, documentReport, formatPretty } from "../../spec/report.js";
import { obligationIds, verifyDocument } from "../../verifier/index.js";
import type { ObligationResult } from "../../verifier/obligation.js";
import { runtimeConsequence } from "./explain-runtime.js";
import { CACHE_FLAGS, CACHE_HELP, openCacheFromFlags } from "./verify-cache-options.js";
import { formatCounterexample, obligationJson } from "./verify-format.js";
import { DEFAULT_TIMEOUT_MS } from "./verify.js";
import { confirmDocuments } from "../report/confirm.js";
import { whereIs } from "../report/pretty.js";
import { resolve } from "node:path";
import { DEFAULT_MAX_BYTES } from "../../spec/load.js";
import { readBounded } from "../../spec/read-file.js";

export const EXPLAIN_USAGE = `usage: anrf explain <document> <obligation-id> [options]

Shows one obligation (ids as printed by 'anrf verify', e.g. sum/bounds/4:12), its SMT query,
the verdict, the counterexample and what the runtime will do about it.

  --format pretty|json   output format (default pretty)
  --no-confirm           do not run an unknown obligation's candidate values in the sandbox
  --max-bytes N          largest document or module file read
  --timeout MS           solver timeout (default ${DEFAULT_TIMEOUT_MS}); --rlimit N (default 0)
${CACHE_HELP}
`;

export async function run(argv: readonly string[], io: CliIo): Promise<number> {
  const { positionals, flags } = parseArgs(argv, {
    format: { kind: "string", choices: ["pretty", "json"] },
    timeout: { kind: "number", min: 1, integer: true },
    rlimit: { kind: "number", min: 0, integer: true },
    help: { kind: "boolean" },
    "no-confirm": { kind: "boolean" },
    "max-bytes": { kind: "number", min: 1, integer: true },
    ...CACHE_FLAGS,
  });
  if (flags["help"]) {
    io.stdout(EXPLAIN_USAGE);
    return ExitCode.ok;
  }
  const [file, id, ...extra] = positionals;
  if (file === undefined || id === undefined) throw new UsageError("need a document and an obligation id (see 'anrf explain --help')");
  if (extra.length > 0) throw new UsageError(`unexpected argument '${extra[0]}'`);
  const maxBytes = flags["max-bytes"] as number | undefined;
  const loaded = await loadDocument(file, { cwd: io.cwd, ...(maxBytes !== undefined ? { maxBytes } : {}) });
  if (!loaded.valid) {
    io.stdout(formatPretty(buildReport([documentReport(file, loaded.findings)]), { color: io.isTTY }));
    return ExitCode.findings;
  }
  const { cache, memo } = await openCacheFromFlags(flags, io);
  let result;
  try {
    const options = {
      cwd: io.cwd,
      timeoutMs: (flags["timeout"] as number | undefined) ?? DEFAULT_TIMEOUT_MS,
      rlimit: (flags["rlimit"] as number | undefined) ?? 0,
      jobs: 1,
      cache,
      memo,
    };
    result = await verifyDocument(loaded, { ...options, only: new Set([id]) });
    // An unknown with a candidate model: confirming it runs the entity with the document's real
    // verdicts (so the other sites' checks are placed as `anrf verify` places them).
    if (!flags["no-confirm"] && result.obligations.some((o) => o.id === id && o.candidate !== undefined)) {
      const [confirmed] = await confirmDocuments([await verifyDocument(loaded, options)], { cwd: io.cwd });
      result = confirmed!;
    }
  } finally {
    await cache?.close();
  }
  const obligation = result.obligations.find((o) => o.id === id);
  if (obligation === undefined) {
    // Unknown id: list the ones that exist (extraction only, memoised; nothing is solved).
    const ids = await obligationIds(loaded, memo);
    const near = ids.filter((candidate) => candidate.split("/")[0] === id.split("/")[0]).slice(0, 8);
    const list = (near.length > 0 ? near : ids.slice(0, 8)).join(", ");
    throw new UsageError(`${file} has no obligation '${id}'${list ? ` (some that exist: ${list})` : " (it has no obligations)"}`);
  }
  const runtime = runtimeConsequence(obligation);
  if (flags["format"] === "json") io.stdout(`${JSON.stringify({ obligation: obligationJson(obligation), runtime }, null, 2)}\n`);
  else {
    const texts = new Map<string, string>();
    for (const f of new Set([loaded.absoluteFile, resolve(io.cwd, obligation.location.file)])) {
      const read = await readBounded(f, DEFAULT_MAX_BYTES);
      if (read.ok) texts.set(f, read.text);
    }
    io.stdout(explainPretty(obligation, runtime, whereIs(file, obligation, { cwd: io.cwd, texts })));
  }
  return ExitCode.ok;
}

function explainPretty(o: ObligationResult, runtime: readonly string[], where: string): string {
  const lines = [
    `obligation  ${o.id}`,
    `entity      ${o.entity}`,
    `kind        ${o.kind}${o.clause ? ` (clause ${o.clause})` : ""}`,
    `location    ${where}${where.endsWith(`:${o.location.line}:${o.location.column}`) ? "" : ` (line ${o.location.line}, column ${o.location.column} of execution.code)`}`,
    `claim       ${o.description}`,
    `verdict     ${o.status} — ${o.reason}${o.source ? ` [${o.source}]` : ""}`,
  ];
  if (o.counterexample !== null) lines.push(`counterexample  ${formatCounterexample(o.counterexample) || "(no source-level values)"}`);
  if (o.candidate !== undefined) lines.push(`candidate   ${formatCounterexample(o.candidate) || "(no source-level values)"} (z3's model through an abstraction: not evidence by itself)`);
  if (o.confirmation !== undefined) {
    const args = o.confirmation.args.length > 0 ? ` with ${o.confirmation.args.join(", ")}` : "";
    lines.push(o.confirmation.confirmed ? `execution   refuted (confirmed by execution): ran in the sandbox${args}: ${o.confirmation.outcome}` : `execution   not confirmed: ${o.confirmation.outcome}${args}`);
  }
  lines.push("", "SMT query (unsat = the obligation holds):");
  lines.push(o.smt === null ? "  (none: not encodable — the reason above says why)" : o.smt.trimEnd().split("\n").map((l) => `  ${l}`).join("\n"));
  lines.push("", "runtime:");
  for (const r of runtime) lines.push(`  - ${r}`);
  // Ids, claims, reasons, values and the query come from the document and its code: no control characters reach the terminal.
  return `${clean(lines.join("\n"))}\n`;
}
