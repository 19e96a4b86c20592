import { readFileSync, statSync } from "node:fs";
import { createPrivateKey, createPublicKey, type KeyObject } from "node:crypto";
import { keyIdOf, signerFromPrivateKey, type Signer, type TrustedKeys } from "./envelope.js";
import { CacheConfigError } from "./errors.js";

/**
 * Keys come from the environment:
 * - ANRF_SIGNING_KEY: the producing machine's ed25519 private key — PEM ("-----BEGIN PRIVATE KEY-----"),
 *   base64 of the PKCS#8 DER, or a path to a file holding either.
 * - ANRF_TRUSTED_KEYS: public keys whose signatures a reader accepts — comma-separated PEM SPKI,
 *   base64 SPKI DER or base64 raw 32-byte keys, or a path to a file holding such keys (PEM blocks,
 *   or one base64 key per line).
 * A reader always trusts the public half of its own signing key too.
 */
export function loadSigner(value: string | undefined): Signer | undefined {
  if (value === undefined || value.trim() === "") return undefined;
  const text = readIfPath(value, "ANRF_SIGNING_KEY");
  try {
    const key = text.includes("-----BEGIN")
      ? createPrivateKey({ key: text, format: "pem" })
      : createPrivateKey({ key: Buffer.from(text.trim(), "base64"), format: "der", type: "pkcs8" });
    return signerFromPrivateKey(key);
  } catch (error) {
    throw new CacheConfigError(
      "ANRF_CACHE_BAD_SIGNING_KEY",
      `ANRF_SIGNING_KEY is not an ed25519 private key (PEM, base64 PKCS#8 or a file holding one): ${describe(error)}`,
    );
  }
}

export function loadTrustedKeys(value: string | undefined, signer: Signer | undefined): TrustedKeys {
  const keys = new Map<string, KeyObject>();
  if (signer !== undefined) keys.set(signer.keyid, signer.publicKey);
  if (value === undefined || value.trim() === "") return keys;
  for (const item of splitKeyList(value)) {
    const key = parsePublicKey(item);
    keys.set(keyIdOf(key), key);
  }
  return keys;
}

function splitKeyList(value: string): string[] {
  const out: string[] = [];
  for (const part of value.split(",")) {
    const trimmed = part.trim();
    if (trimmed === "") continue;
    if (looksLikeKey(trimmed)) {
      out.push(trimmed);
      continue;
    }
    const text = readIfPath(trimmed, "ANRF_TRUSTED_KEYS");
    const pems = text.match(/-----BEGIN [A-Z ]+-----[\s\S]*?-----END [A-Z ]+-----/g);
    if (pems) out.push(...pems);
    else out.push(...text.split(/[\s,]+/).filter((line) => line !== ""));
  }
  return out;
}

function parsePublicKey(item: string): KeyObject {
  try {
    let key: KeyObject;
    if (item.includes("-----BEGIN")) key = createPublicKey({ key: item, format: "pem" });
    else {
      const der = Buffer.from(item, "base64");
      key =
        der.length === 32
          ? createPublicKey({ key: { kty: "OKP", crv: "Ed25519", x: der.toString("base64url") }, format: "jwk" })
          : createPublicKey({ key: der, format: "der", type: "spki" });
    }
    if (key.asymmetricKeyType !== "ed25519") throw new Error(`a ${key.asymmetricKeyType} key`);
    return key;
  } catch (error) {
    throw new CacheConfigError(
      "ANRF_CACHE_BAD_TRUSTED_KEY",
      `ANRF_TRUSTED_KEYS holds something that is not an ed25519 public key (${item.slice(0, 24)}…): ${describe(error)}`,
    );
  }
}

/** PEM text or a plain base64 string (no path separators other than base64's own '/', and no dots). */
function looksLikeKey(text: string): boolean {
  if (text.includes("-----BEGIN")) return true;
  if (!/^[A-Za-z0-9+/=\s]+$/.test(text)) return false;
  return !isFile(text);
}

function readIfPath(value: string, variable: string): string {
  if (value.includes("-----BEGIN")) return value;
  if (isFile(value)) {
    try {
      return readFileSync(value, "utf8");
    } catch (error) {
      throw new CacheConfigError("ANRF_CACHE_KEY_FILE", `${variable}: cannot read ${value}: ${describe(error)}`);
    }
  }
  return value;
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
