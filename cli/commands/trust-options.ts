/**
 * Flags shared by verify and run for the trusted side of overrides and auditing:
 *   --keys FILE        the operator's key registry (approvals/registry.ts); without it no approval
 *                      verifies, so no override is honoured
 *   --audit-log FILE   the audit log (default .anrf/audit.jsonl)
 *   --audit-key FILE   an ed25519 private key (role 'audit'); when given, every append also writes
 *                      a signed checkpoint to <audit-log>.checkpoint
 * A key file's registry id is its file name without `.key` (as anrf keys generate names it).
 */
import { basename, resolve } from "node:path";
import { UsageError } from "../args.js";
import type { CliIo } from "../io.js";
import type { Signer } from "../../proofs-cache/envelope.js";
import { loadSigner } from "../../proofs-cache/keys.js";
import type { LoadedDocument } from "../../spec/load.js";
import { DEFAULT_AUDIT_LOG } from "../../audit/log.js";
import { approvalsUnreadable } from "../../approvals/apply.js";
import { evaluateOverrides, requestedOverrides, type OverrideOutcome } from "../../approvals/overrides.js";
import { emptyRegistry, loadRegistry, type KeyRegistry } from "../../approvals/registry.js";
import { readSidecar, sidecarPath } from "../../approvals/sidecar.js";

export const TRUST_FLAGS = {
  keys: { kind: "string" },
  "audit-log": { kind: "string" },
  "audit-key": { kind: "string" },
} as const;

export const TRUST_HELP = `  --keys FILE            the operator's key registry: approvers' public keys and roles; overrides are
                         honoured only with signed approvals (<doc>.approvals.json) by these keys
  --audit-log FILE       append-only, hash-chained audit log (default ${DEFAULT_AUDIT_LOG})
  --audit-key FILE       ed25519 private key (role 'audit'): sign a checkpoint after each append`;

type Flags = Readonly<Record<string, unknown>>;

export function registryFromFlags(flags: Flags, io: CliIo): KeyRegistry {
  const file = flags["keys"] as string | undefined;
  if (file === undefined) return emptyRegistry();
  try {
    return loadRegistry(resolve(io.cwd, file));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/** The key files this invocation names: tool state no mount may reach (policy/tool-state.ts). */
export function keyFilesFromFlags(flags: Flags, io: CliIo): { what: string; path: string }[] {
  const out: { what: string; path: string }[] = [];
  if (typeof flags["keys"] === "string") out.push({ what: "key registry (--keys)", path: resolve(io.cwd, flags["keys"]) });
  if (typeof flags["audit-key"] === "string") out.push({ what: "audit signing key (--audit-key)", path: resolve(io.cwd, flags["audit-key"]) });
  const signing = io.env["ANRF_SIGNING_KEY"];
  // A path (proofs-cache/keys.ts reads a file when one is there); treating base64 key text as a
  // path that does not exist costs nothing, so anything but PEM text is kept out of reach.
  if (signing !== undefined && signing !== "" && !signing.includes("-----BEGIN")) out.push({ what: "cache signing key (ANRF_SIGNING_KEY)", path: resolve(io.cwd, signing) });
  return out;
}

export function auditFileFromFlags(flags: Flags, io: CliIo, legacy?: string): string {
  return resolve(io.cwd, (flags["audit-log"] as string | undefined) ?? legacy ?? DEFAULT_AUDIT_LOG);
}

export function keyFileSigner(file: string, io: CliIo, flag: string): Signer {
  const path = resolve(io.cwd, file);
  let signer: Signer | undefined;
  try {
    signer = loadSigner(path);
  } catch (error) {
    throw new UsageError(`${flag} ${file}: ${(error as Error).message.replace(/ANRF_SIGNING_KEY/g, "the key")}`);
  }
  if (signer === undefined) throw new UsageError(`${flag} is empty`);
  return { ...signer, keyid: basename(path).replace(/\.key$/, "") };
}

export function auditSignerFromFlags(flags: Flags, io: CliIo): Signer | undefined {
  const file = flags["audit-key"] as string | undefined;
  return file === undefined ? undefined : keyFileSigner(file, io, "--audit-key");
}

/**
 * Overrides of one loaded document: undefined when it requests none and has no sidecar
 * (nothing to report or audit). A sidecar that cannot be read counts as no approvals, plus a finding.
 */
export function overridesFor(loaded: LoadedDocument, registry: KeyRegistry, now: Date): OverrideOutcome | undefined {
  if (loaded.document === undefined) return undefined;
  const sidecar = sidecarPath(loaded.absoluteFile);
  const reading = readSidecar(sidecar);
  const requests = requestedOverrides(loaded.document);
  if (requests.requests.length === 0 && requests.findings.length === 0 && !(reading.ok && reading.present)) return undefined;
  const outcome = evaluateOverrides({ document: loaded.document, code: loaded.module?.text, envelopes: reading.ok ? reading.envelopes : [], registry, now });
  return reading.ok ? outcome : { ...outcome, findings: [...outcome.findings, approvalsUnreadable(`${loaded.file}.approvals.json`, reading.message)] };
}

export { requestedOverrides };
