import { createHash, createPublicKey, sign, verify, type KeyObject } from "node:crypto";

/**
 * DSSE (Dead Simple Signing Envelope, in-toto/secure-systems-lab) with ed25519 signatures:
 * the signature covers PAE(payloadType, payload), so neither the type nor the bytes can be
 * swapped without invalidating it. The payload names the cache key it is for (entry.ts), which
 * is what stops a valid entry being replayed under another key.
 */
export interface EnvelopeSignature {
  readonly keyid: string;
  readonly sig: string;
}

export interface Envelope {
  readonly payloadType: string;
  /** base64 of the payload bytes. */
  readonly payload: string;
  readonly signatures: readonly EnvelopeSignature[];
}

export interface Signer {
  readonly keyid: string;
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
}

/** keyid → public key. */
export type TrustedKeys = ReadonlyMap<string, KeyObject>;

/** DSSE pre-authentication encoding: "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body. */
export function pae(payloadType: string, body: Uint8Array): Buffer {
  const type = Buffer.from(payloadType, "utf8");
  return Buffer.concat([
    Buffer.from(`DSSEv1 ${type.length} `, "utf8"),
    type,
    Buffer.from(` ${body.length} `, "utf8"),
    body,
  ]);
}

/** keyid = sha256 (hex) of the raw 32-byte ed25519 public key. */
export function keyIdOf(publicKey: KeyObject): string {
  return createHash("sha256").update(rawPublicKey(publicKey)).digest("hex");
}

export function rawPublicKey(publicKey: KeyObject): Buffer {
  const jwk = publicKey.export({ format: "jwk" });
  if (jwk.kty !== "OKP" || jwk.crv !== "Ed25519" || typeof jwk.x !== "string") {
    throw new TypeError("not an ed25519 public key");
  }
  return Buffer.from(jwk.x, "base64url");
}

export function signerFromPrivateKey(privateKey: KeyObject): Signer {
  if (privateKey.asymmetricKeyType !== "ed25519") throw new TypeError("not an ed25519 private key");
  const publicKey = createPublicKey(privateKey);
  return { keyid: keyIdOf(publicKey), privateKey, publicKey };
}

export function makeEnvelope(payloadType: string, body: Uint8Array, signer: Signer | undefined): Envelope {
  const signatures: EnvelopeSignature[] = [];
  if (signer !== undefined) {
    const sig = sign(null, pae(payloadType, body), signer.privateKey);
    signatures.push({ keyid: signer.keyid, sig: sig.toString("base64") });
  }
  return { payloadType, payload: Buffer.from(body).toString("base64"), signatures };
}

/**
 * - `trusted`: at least one signature by a trusted key verifies;
 * - `invalid`: a signature claims a trusted keyid but does not verify (tampering);
 * - `untrusted`: signatures, none by a trusted key;
 * - `unsigned`: no signatures.
 */
export type SignatureStatus = "trusted" | "invalid" | "untrusted" | "unsigned";

export function checkSignatures(envelope: Envelope, body: Uint8Array, trusted: TrustedKeys): SignatureStatus {
  if (envelope.signatures.length === 0) return "unsigned";
  const message = pae(envelope.payloadType, body);
  let claimedTrusted = false;
  for (const signature of envelope.signatures) {
    const key = trusted.get(signature.keyid);
    if (key === undefined) continue;
    claimedTrusted = true;
    let ok = false;
    try {
      ok = verify(null, message, key, Buffer.from(signature.sig, "base64"));
    } catch {
      ok = false; // malformed signature bytes: treated exactly like a wrong signature
    }
    if (ok) return "trusted";
  }
  return claimedTrusted ? "invalid" : "untrusted";
}
