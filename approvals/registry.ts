/**
 * The operator's key registry (`--keys FILE`): trusted configuration, never taken from a
 * document. It names each approver's ed25519 public key and roles, and — until the policy room's
 * Cedar policy decides it (policy/) — which roles may approve which scope and how many distinct
 * approvers a scope needs:
 *
 *   { "keys":   [{ "id": "alice", "publicKey": "-----BEGIN PUBLIC KEY-----…", "roles": ["security-lead"] }],
 *     "scopes": { "document":   { "roles": ["security-lead"], "threshold": 2 },
 *                 "obligation": { "roles": ["security-lead", "reviewer"] },
 *                 "rule":       { "roles": ["security-lead"] } } }
 *
 * `threshold` defaults to 1. A scope kind missing from `scopes` cannot be approved at all. Two
 * entries with the same id or the same public key are refused: one person must never count as
 * two approvers. Keys with role `audit` are trusted for audit checkpoints.
 */
import { readFileSync } from "node:fs";
import { createPublicKey, type KeyObject } from "node:crypto";
import { keyIdOf } from "../proofs-cache/envelope.js";

export type ScopeKind = "document" | "obligation" | "rule";
export const SCOPE_KINDS: readonly ScopeKind[] = ["document", "obligation", "rule"];

export interface RegistryKey {
  readonly id: string;
  readonly publicKey: KeyObject;
  /** sha256 of the raw public key: what makes two approvers distinct. */
  readonly fingerprint: string;
  readonly roles: readonly string[];
}

export interface ScopeRule {
  readonly roles: readonly string[];
  readonly threshold: number;
}

export interface KeyRegistry {
  readonly keys: ReadonlyMap<string, RegistryKey>;
  readonly scopes: Readonly<Partial<Record<ScopeKind, ScopeRule>>>;
}

export class RegistryError extends Error {
  override readonly name = "RegistryError";
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export const emptyRegistry = (): KeyRegistry => ({ keys: new Map(), scopes: {} });

export function parsePublicKey(text: string): KeyObject {
  const key = text.includes("-----BEGIN")
    ? createPublicKey({ key: text, format: "pem" })
    : Buffer.from(text.trim(), "base64").length === 32
      ? createPublicKey({ key: { kty: "OKP", crv: "Ed25519", x: Buffer.from(text.trim(), "base64").toString("base64url") }, format: "jwk" })
      : createPublicKey({ key: Buffer.from(text.trim(), "base64"), format: "der", type: "spki" });
  if (key.asymmetricKeyType !== "ed25519") throw new Error(`a ${key.asymmetricKeyType} key, not ed25519`);
  return key;
}

const stringList = (value: unknown): value is string[] => Array.isArray(value) && value.every((v) => typeof v === "string" && v !== "");

export function parseRegistry(value: unknown, where: string): KeyRegistry {
  const fail = (pointer: string, message: string): never => {
    throw new RegistryError("ANRF_KEYS_INVALID", `${where}${pointer}: ${message}`);
  };
  if (value === null || typeof value !== "object" || Array.isArray(value)) fail("", "a key registry is a JSON object { keys, scopes }");
  const v = value as Record<string, unknown>;
  if (!Array.isArray(v["keys"])) fail("#/keys", "must be an array of { id, publicKey, roles }");
  const keys = new Map<string, RegistryKey>();
  const byFingerprint = new Map<string, string>();
  (v["keys"] as unknown[]).forEach((entry, i) => {
    const at = `#/keys/${i}`;
    if (entry === null || typeof entry !== "object") fail(at, "must be an object { id, publicKey, roles }");
    const e = entry as Record<string, unknown>;
    if (typeof e["id"] !== "string" || !/^[A-Za-z0-9._@-]{1,128}$/.test(e["id"])) fail(`${at}/id`, "must be 1–128 characters of A-Z a-z 0-9 . _ @ -");
    if (typeof e["publicKey"] !== "string") fail(`${at}/publicKey`, "must be a PEM or base64 ed25519 public key");
    if (!stringList(e["roles"])) fail(`${at}/roles`, "must be an array of role names");
    let publicKey: KeyObject;
    try {
      publicKey = parsePublicKey(e["publicKey"] as string);
    } catch (error) {
      return fail(`${at}/publicKey`, `not an ed25519 public key (${(error as Error).message})`);
    }
    const id = e["id"] as string;
    const fingerprint = keyIdOf(publicKey);
    if (keys.has(id)) fail(`${at}/id`, `duplicate key id '${id}'`);
    const twin = byFingerprint.get(fingerprint);
    if (twin !== undefined) fail(`${at}/publicKey`, `the same public key as '${twin}': one key cannot be two approvers`);
    byFingerprint.set(fingerprint, id);
    keys.set(id, { id, publicKey, fingerprint, roles: e["roles"] as string[] });
  });
  const scopes: Partial<Record<ScopeKind, ScopeRule>> = {};
  const s = v["scopes"] ?? {};
  if (s === null || typeof s !== "object" || Array.isArray(s)) fail("#/scopes", "must be an object keyed by document, obligation, rule");
  for (const [kind, rule] of Object.entries(s as Record<string, unknown>)) {
    const at = `#/scopes/${kind}`;
    if (!(SCOPE_KINDS as readonly string[]).includes(kind)) fail(at, "unknown scope kind (document, obligation, rule)");
    if (rule === null || typeof rule !== "object") fail(at, "must be { roles, threshold? }");
    const r = rule as Record<string, unknown>;
    if (!stringList(r["roles"]) || r["roles"].length === 0) fail(`${at}/roles`, "must name at least one role");
    const threshold = r["threshold"] ?? 1;
    if (!Number.isSafeInteger(threshold) || (threshold as number) < 1) fail(`${at}/threshold`, "must be a whole number ≥ 1");
    scopes[kind as ScopeKind] = { roles: r["roles"] as string[], threshold: threshold as number };
  }
  const extra = Object.keys(v).filter((k) => k !== "keys" && k !== "scopes" && !k.startsWith("x-"));
  if (extra.length > 0) fail(`#/${extra[0]}`, "unknown member (a registry has keys and scopes)");
  return { keys, scopes };
}

export function loadRegistry(file: string): KeyRegistry {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new RegistryError("ANRF_KEYS_READ", `cannot read the key registry ${file}: ${(error as Error).message}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new RegistryError("ANRF_KEYS_INVALID", `${file}: not JSON (${(error as Error).message})`);
  }
  return parseRegistry(value, file);
}

/** keyid → public key of the keys holding `role` (DSSE verification input). */
export function keysWithRole(registry: KeyRegistry, role: string): Map<string, KeyObject> {
  return new Map([...registry.keys.values()].filter((k) => k.roles.includes(role)).map((k) => [k.id, k.publicKey]));
}
