/**
 * `anrf approve <doc> --key FILE --scope document|obligation:<id>|rule:<id> --justification TEXT
 *   --expires DURATION [--key-id ID] [--approvals FILE]`
 * Signs an approval (DSSE + in-toto Statement v1, approvals/statement.ts) of one override the
 * document requests, bound to the digest of its exact code and metadata, and appends it to the
 * sidecar `<doc>.approvals.json` atomically. Exit 0: appended; 2: usage error (also: the document
 * does not request that scope — the approval signs the document as it is, so request it first).
 */
import { basename } from "node:path";
import { resolve } from "node:path";
import { parseArgs, UsageError } from "../args.js";
import { ExitCode, type CliIo } from "../io.js";
import { loadDocument } from "../../spec/load.js";
import { loadSigner } from "../../proofs-cache/keys.js";
import { subjectDigest } from "../../approvals/digest.js";
import { requestedOverrides } from "../../approvals/overrides.js";
import { appendToSidecar, sidecarPath } from "../../approvals/sidecar.js";
import { formatScope, parseDuration, parseScope, signApproval } from "../../approvals/statement.js";
import { registryFromFlags } from "./trust-options.js";

export const APPROVE_USAGE = `usage: anrf approve <doc> --key FILE --scope SCOPE --justification TEXT --expires DURATION [options]

Signs your approval of one override the document requests and appends it to <doc>.approvals.json.
The approval is bound to the exact code and security metadata: any later change voids it.

  --key FILE            your ed25519 private key (PEM, from anrf keys generate)
  --key-id ID           the registry id of your key (default: the key file's name without .key)
  --scope SCOPE         document, obligation:<id> or rule:<id> — as listed in the document
  --justification TEXT  why you approve (recorded in the signed statement)
  --expires DURATION    how long the approval holds: e.g. 90m, 12h, 30d, 2w
  --approvals FILE      the sidecar to append to (default <doc>.approvals.json)
  --keys FILE           check first that the registry lists your key under this id

exit codes: 0 appended, 2 usage error
`;

export const APPROVE_FLAGS = {
  key: { kind: "string" },
  "key-id": { kind: "string" },
  scope: { kind: "string" },
  justification: { kind: "string" },
  expires: { kind: "string" },
  approvals: { kind: "string" },
  keys: { kind: "string" },
  help: { kind: "boolean" },
} as const;

export async function run(argv: readonly string[], io: CliIo, now: () => Date = () => new Date()): Promise<number> {
  const { positionals, flags } = parseArgs(argv, APPROVE_FLAGS);
  if (flags["help"]) {
    io.stdout(APPROVE_USAGE);
    return ExitCode.ok;
  }
  if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? "no document given" : "give exactly one document");
  const need = (name: string): string => {
    const v = flags[name] as string | undefined;
    if (v === undefined || v.trim() === "") throw new UsageError(`--${name} is required`);
    return v;
  };
  const keyFile = resolve(io.cwd, need("key"));
  const scope = parseScope(need("scope"));
  if (scope === undefined) throw new UsageError("--scope must be document, obligation:<id> or rule:<id>");
  const justification = need("justification");
  const duration = parseDuration(need("expires"));
  if (duration === undefined) throw new UsageError("--expires must be a duration such as 90m, 12h, 30d or 2w");
  const keyId = (flags["key-id"] as string | undefined) ?? basename(keyFile).replace(/\.key$/, "");
  if (!/^[A-Za-z0-9._@-]{1,128}$/.test(keyId)) throw new UsageError("the key id (--key-id) must be 1–128 characters of A-Z a-z 0-9 . _ @ -");
  let signer;
  try {
    signer = loadSigner(keyFile);
  } catch (error) {
    throw new UsageError(`--key ${keyFile}: ${(error as Error).message.replace(/ANRF_SIGNING_KEY/g, "the key")}`);
  }
  if (signer === undefined) throw new UsageError("--key is empty");
  const keysFile = flags["keys"] as string | undefined;
  if (keysFile !== undefined) {
    const listed = registryFromFlags(flags, io).keys.get(keyId);
    if (listed === undefined) throw new UsageError(`the registry ${keysFile} has no key '${keyId}' (use --key-id, or ask the operator to add your registry entry)`);
    if (listed.fingerprint !== signer.keyid) throw new UsageError(`the registry's key '${keyId}' is not the public half of --key ${need("key")}`);
  }

  const docFile = positionals[0]!;
  const loaded = await loadDocument(docFile, { cwd: io.cwd });
  if (loaded.document === undefined) throw new UsageError(`${docFile} is not a well-formed ANRF document (run anrf validate ${docFile}); nothing to approve`);
  const { requests } = requestedOverrides(loaded.document);
  if (!requests.some((r) => formatScope(r.scope) === formatScope(scope))) {
    const listed = requests.map((r) => formatScope(r.scope)).join(", ") || "none";
    throw new UsageError(`${docFile} does not request an override of ${formatScope(scope)} (requested: ${listed}); add it to security["x-anrf-overrides"] first — the approval signs the document as it is`);
  }
  const at = now();
  const subject = subjectDigest(loaded.document, loaded.module?.text);
  const envelope = signApproval(subject, basename(docFile), { scope: formatScope(scope), justification, expires: new Date(at.getTime() + duration).toISOString(), approvedAt: at.toISOString() }, { ...signer, keyid: keyId });
  const sidecar = resolve(io.cwd, (flags["approvals"] as string | undefined) ?? sidecarPath(docFile));
  let count: number;
  try {
    count = appendToSidecar(sidecar, envelope);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  io.stderr(`approved ${formatScope(scope)} of ${docFile} as ${keyId} until ${new Date(at.getTime() + duration).toISOString()} (subject ${subject}); ${count} approval${count === 1 ? "" : "s"} in ${sidecar}\n`);
  return ExitCode.ok;
}
