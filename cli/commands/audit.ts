/**
 * `anrf audit verify FILE [--checkpoint FILE --keys REGISTRY]`
 * `anrf audit show FILE [--event E]… [--since T] [--format pretty|json]`
 * `anrf audit checkpoint FILE --key FILE [--out FILE]`
 * verify: exit 0 intact; 1 naming the first bad line (edit, deletion, insertion, reorder; with a
 * checkpoint also a cut tail or a rewritten log); 2 usage (unreadable file, untrusted checkpoint).
 * show prints every string escaped (spec/report.ts `clean`): records hold document and guest text.
 */
import { closeSync, constants, openSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs, UsageError } from "../args.js";
import { ExitCode, type CliIo } from "../io.js";
import { clean } from "../../spec/report.js";
import { checkAgainstCheckpoint, checkChain } from "../../audit/chain-check.js";
import { makeCheckpoint, readCheckpoint, writeCheckpointFile } from "../../audit/checkpoint.js";
import { AUDIT_EVENTS, type AuditRecord } from "../../audit/record.js";
import { loadSigner } from "../../proofs-cache/keys.js";
import { keysWithRole, loadRegistry } from "../../approvals/registry.js";
import { parseDuration } from "../../approvals/statement.js";

export const AUDIT_USAGE = `usage: anrf audit verify FILE [--checkpoint FILE --keys REGISTRY]
       anrf audit show FILE [--event E]… [--since T] [--format pretty|json]
       anrf audit checkpoint FILE --key FILE [--out FILE]

verify      checks the hash chain of an audit log; with a signed checkpoint (written by the host when
            run/verify get --audit-key, or by 'audit checkpoint'), also that no record was cut from
            the end. The checkpoint's signature must be by a key with role 'audit' in --keys.
show        prints the records readably; --event keeps only those events (${AUDIT_EVENTS.join(", ")}),
            --since keeps records at or after T (an RFC 3339 time, or a duration back from now: 2h, 7d)
checkpoint  signs the log's current head (seq + hash) and writes it to --out (default FILE.checkpoint)

exit codes: verify: 0 intact, 1 tampered (the first bad line is named), 2 usage error
`;

export const AUDIT_FLAGS = {
  checkpoint: { kind: "string" },
  keys: { kind: "string" },
  event: { kind: "list" },
  since: { kind: "string" },
  format: { kind: "string", choices: ["pretty", "json"] },
  key: { kind: "string" },
  out: { kind: "string" },
  help: { kind: "boolean" },
} as const;

function readLog(file: string): string {
  try {
    const fd = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW);
    try {
      return readFileSync(fd, "utf8");
    } finally {
      closeSync(fd);
    }
  } catch (error) {
    throw new UsageError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code === "ELOOP" ? "it is a symbolic link" : (error as Error).message}`);
  }
}

function readJson(file: string, what: string): unknown {
  try {
    return JSON.parse(readLog(file));
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`${what} ${file} is not JSON: ${(error as Error).message}`);
  }
}

export async function run(argv: readonly string[], io: CliIo, now: () => Date = () => new Date()): Promise<number> {
  const { positionals, flags } = parseArgs(argv, AUDIT_FLAGS);
  if (flags["help"]) {
    io.stdout(AUDIT_USAGE);
    return ExitCode.ok;
  }
  const [sub, file, ...rest] = positionals;
  if (sub === undefined || file === undefined || rest.length > 0) throw new UsageError("give a subcommand and one log file (e.g. anrf audit verify .anrf/audit.jsonl)");
  const log = resolve(io.cwd, file);
  switch (sub) {
    case "verify":
      return verifyLog(log, file, flags, io);
    case "show":
      return showLog(log, file, flags, io, now());
    case "checkpoint":
      return checkpointLog(log, file, flags, io, now());
    default:
      throw new UsageError(`unknown audit subcommand '${sub}' (verify, show, checkpoint)`);
  }
}

type Flags = ReturnType<typeof parseArgs>["flags"];

function verifyLog(log: string, shown: string, flags: Flags, io: CliIo): number {
  const check = checkChain(readLog(log));
  let problem = check.problem;
  let pinned = "";
  const checkpointFile = flags["checkpoint"] as string | undefined;
  if (checkpointFile !== undefined) {
    const keysFile = flags["keys"] as string | undefined;
    if (keysFile === undefined) throw new UsageError("--checkpoint needs --keys REGISTRY (a key with role 'audit' signs checkpoints)");
    let trusted;
    try {
      trusted = keysWithRole(loadRegistry(resolve(io.cwd, keysFile)), "audit");
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
    const reading = readCheckpoint(readJson(resolve(io.cwd, checkpointFile), "checkpoint"), trusted);
    if (!reading.ok) throw new UsageError(`${checkpointFile}: ${reading.code}: ${reading.message}`);
    problem = checkAgainstCheckpoint(check, reading.body);
    pinned = ` (checkpoint seq ${reading.body.seq} signed by ${clean(reading.keyid)} matches)`;
  }
  if (problem !== undefined) {
    io.stdout(`${clean(shown)}:${problem.line}: ${problem.code}: ${clean(problem.message)}\n`);
    return ExitCode.findings;
  }
  io.stdout(`${clean(shown)}: intact, ${check.head.seq} record${check.head.seq === 1 ? "" : "s"}, head ${check.head.hash}${pinned}\n`);
  return ExitCode.ok;
}

function showLog(log: string, shown: string, flags: Flags, io: CliIo, now: Date): number {
  const events = (flags["event"] as string[] | undefined)?.flatMap((e) => e.split(",")) ?? [];
  for (const e of events) if (!(AUDIT_EVENTS as readonly string[]).includes(e)) throw new UsageError(`unknown event '${e}' (${AUDIT_EVENTS.join(", ")})`);
  const sinceText = flags["since"] as string | undefined;
  let since = -Infinity;
  if (sinceText !== undefined) {
    const back = parseDuration(sinceText);
    since = back !== undefined ? now.getTime() - back : Date.parse(sinceText);
    if (!Number.isFinite(since)) throw new UsageError(`--since must be an RFC 3339 time or a duration such as 2h or 7d (got '${sinceText}')`);
  }
  const check = checkChain(readLog(log));
  const keep = (r: AuditRecord) => (events.length === 0 || events.includes(r.event)) && Date.parse(r.time) >= since;
  const records = check.records.filter(keep);
  if (flags["format"] === "json") {
    io.stdout(`${JSON.stringify({ records, intact: check.problem === undefined, problem: check.problem ?? null }, null, 2)}\n`);
  } else {
    for (const r of records) {
      const subject = r.subject === null ? "-" : r.subject.replace(/^sha256:/, "").slice(0, 12);
      io.stdout(`#${r.seq} ${clean(r.time)} ${clean(r.event).padEnd(17)} ${clean(r.actor)} subject ${clean(subject)}\n    ${clean(summary(r))}\n`);
    }
    io.stdout(`${records.length} of ${check.records.length} record${check.records.length === 1 ? "" : "s"} shown\n`);
  }
  if (check.problem !== undefined) io.stderr(`warning: ${clean(shown)}:${check.problem.line}: ${check.problem.code}: ${clean(check.problem.message)} (records from there on are not shown)\n`);
  return check.problem === undefined ? ExitCode.ok : ExitCode.findings;
}

/** One line of the facts that matter per event; everything else stays in --format json. */
function summary(r: AuditRecord): string {
  const d = r.details as Record<string, unknown>;
  const pick = (...keys: string[]) => keys.filter((k) => d[k] !== undefined && d[k] !== null).map((k) => `${k}=${typeof d[k] === "string" ? d[k] : JSON.stringify(d[k])}`).join(" ");
  switch (r.event) {
    case "run":
      return pick("document", "entry", "status", "mode", "violations", "error");
    case "violation":
      return pick("document", "entry", "id", "kind", "message");
    case "override":
      return pick("document", "scope", "honoured", "approvers", "justification");
    case "approval":
      return pick("document", "keyId", "scope", "expires");
    case "approval-rejected":
      return pick("document", "code", "keyId", "message");
    default:
      return JSON.stringify(d);
  }
}

function checkpointLog(log: string, shown: string, flags: Flags, io: CliIo, now: Date): number {
  const keyFile = flags["key"] as string | undefined;
  if (keyFile === undefined) throw new UsageError("--key FILE (an ed25519 private key with role 'audit' in the registry) is required");
  let signer;
  try {
    signer = loadSigner(resolve(io.cwd, keyFile));
  } catch (error) {
    throw new UsageError(`--key: ${(error as Error).message}`);
  }
  if (signer === undefined) throw new UsageError("--key is empty");
  const check = checkChain(readLog(log));
  if (check.problem !== undefined) {
    io.stdout(`${clean(shown)}:${check.problem.line}: ${check.problem.code}: ${clean(check.problem.message)}; no checkpoint signed\n`);
    return ExitCode.findings;
  }
  const keyid = keyFile.replace(/^.*\//, "").replace(/\.key$/, "");
  const out = resolve(io.cwd, (flags["out"] as string | undefined) ?? `${log}.checkpoint`);
  writeCheckpointFile(out, makeCheckpoint({ seq: check.head.seq, head: check.head.hash, time: now.toISOString() }, { ...signer, keyid }));
  io.stdout(`checkpoint of ${clean(shown)} at seq ${check.head.seq} (head ${check.head.hash}) written to ${clean(out)}\n`);
  return ExitCode.ok;
}
