/**
 * `anrf keys generate --out DIR [--id ID] [--role ROLE…]`
 * Makes an ed25519 key pair for an approver (or for signing audit checkpoints): DIR/ID.key
 * (PKCS#8 PEM, mode 0600), DIR/ID.pub (SPKI PEM) and DIR/ID.registry-entry.json, the entry to
 * paste into the operator's key registry (`--keys FILE`), which it also prints. Never overwrites.
 * Exit 0: written; 2: usage error or a file already exists.
 */
import { closeSync, constants, mkdirSync, openSync, writeSync } from "node:fs";
import { generateKeyPairSync } from "node:crypto";
import { join, resolve } from "node:path";
import { parseArgs, UsageError } from "../args.js";
import { ExitCode, type CliIo } from "../io.js";
import { keyIdOf } from "../../proofs-cache/envelope.js";

export const KEYS_USAGE = `usage: anrf keys generate --out DIR [--id ID] [--role ROLE]…

Generates an ed25519 key pair: DIR/ID.key (private, mode 0600: keep it secret), DIR/ID.pub and
DIR/ID.registry-entry.json — the entry the operator adds to the key registry (--keys FILE) with the
roles that person holds. ID defaults to the first 16 hex digits of the key's sha256 fingerprint.

  --out DIR      folder for the three files (created, mode 0700, when missing)
  --id ID        the key id approvals are signed under (A-Z a-z 0-9 . _ @ -)
  --role ROLE    a role for the registry entry (repeatable; e.g. security-lead, audit)

exit codes: 0 written, 2 usage error (or a file that already exists: nothing is overwritten)
`;

export const KEYS_FLAGS = {
  out: { kind: "string" },
  id: { kind: "string" },
  role: { kind: "list" },
  help: { kind: "boolean" },
} as const;

function writeNew(file: string, text: string, mode: number): void {
  let fd: number;
  try {
    fd = openSync(file, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, mode);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") throw new UsageError(`${file} already exists; keys are never overwritten (choose another --id or --out)`);
    throw new UsageError(`cannot write ${file}: ${(error as Error).message}`);
  }
  try {
    writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
}

export async function run(argv: readonly string[], io: CliIo): Promise<number> {
  const { positionals, flags } = parseArgs(argv, KEYS_FLAGS);
  if (flags["help"] || positionals.length === 0) {
    (flags["help"] ? io.stdout : io.stderr)(KEYS_USAGE);
    return flags["help"] ? ExitCode.ok : ExitCode.usage;
  }
  if (positionals[0] !== "generate" || positionals.length !== 1) throw new UsageError(`unknown keys subcommand '${positionals.join(" ")}' (try 'anrf keys generate --out DIR')`);
  const out = flags["out"] as string | undefined;
  if (out === undefined || out === "") throw new UsageError("--out DIR is required");
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  const id = (flags["id"] as string | undefined) ?? keyIdOf(publicKey).slice(0, 16);
  if (!/^[A-Za-z0-9._@-]{1,128}$/.test(id)) throw new UsageError("--id must be 1–128 characters of A-Z a-z 0-9 . _ @ -");
  const roles = (flags["role"] as string[] | undefined) ?? [];
  const dir = resolve(io.cwd, out);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const publicPem = publicKey.export({ format: "pem", type: "spki" }).toString();
  const entry = { id, publicKey: publicPem, roles };
  writeNew(join(dir, `${id}.key`), privateKey.export({ format: "pem", type: "pkcs8" }).toString(), 0o600);
  writeNew(join(dir, `${id}.pub`), publicPem, 0o644);
  writeNew(join(dir, `${id}.registry-entry.json`), `${JSON.stringify(entry, null, 2)}\n`, 0o644);
  io.stderr(`wrote ${join(out, `${id}.key`)} (private, 0600), ${join(out, `${id}.pub`)}, ${join(out, `${id}.registry-entry.json`)}\nadd this entry to the operator's key registry ("keys": [...]):\n`);
  io.stdout(`${JSON.stringify(entry, null, 2)}\n`);
  return ExitCode.ok;
}
