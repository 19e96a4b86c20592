import { readFileSync, writeFileSync, mkdirSync, copyFileSync } from "node:fs";
import { createHash, createPrivateKey, sign } from "node:crypto";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import type { CacheQuery } from "../../proofs-cache/api.js";
import { decodeEntry, encodeEntry, VALUE_FORMAT, type VerdictEntry } from "../../proofs-cache/entry.js";
import { keyIdOf, pae, signerFromPrivateKey } from "../../proofs-cache/envelope.js";
import { entryKey } from "../../proofs-cache/key.js";
import { loadSigner, loadTrustedKeys } from "../../proofs-cache/keys.js";
import { openLayeredCache } from "../../proofs-cache/open.js";
import { cacheServer, type CacheServer } from "../support/cache-server.js";
import { freshQuery, keyPair, proved, refuted, tempDir } from "./fixtures.js";

/**
 * The property that matters: nothing an attacker can put on the shared server turns an
 * obligation proved (which would remove a runtime check). Every test ends with a reader that
 * trusts only the CI key looking the obligation up and NOT getting `proved`.
 */
let server: CacheServer;
beforeAll(async () => {
  server = await cacheServer();
});

const ci = keyPair();
const attacker = keyPair();
const readerEnv = { ANRF_TRUSTED_KEYS: ci.publicPem, ANRF_REMOTE_CACHE_RETRIES: "0" };

async function reader() {
  return (await openLayeredCache({ dir: tempDir(), remoteUrl: server.url, env: readerEnv }))!;
}

async function publish(q: CacheQuery, verdict = refuted, signingKey = ci.privatePem) {
  const producer = (await openLayeredCache({ dir: tempDir(), remoteUrl: server.url, env: { ANRF_SIGNING_KEY: signingKey } }))!;
  await producer.store(q, verdict);
  await producer.close();
  expect(producer.counters.uploads).toBe(1);
  return join(server.rootOf(server.url), "ac", entryKey(q));
}

describe("trust: remote entries", () => {
  it("a trusted signed entry is accepted (the control case)", async () => {
    const q = freshQuery();
    await publish(q, proved);
    expect(await (await reader()).lookup(q)).toEqual({ verdict: proved, source: "cache-remote" });
  });

  it("refuted flipped to proved on the server (digest recomputed, signature kept) is a miss", async () => {
    const q = freshQuery();
    const path = await publish(q, refuted);
    const container = JSON.parse(readFileSync(path, "utf8"));
    const payload = JSON.parse(Buffer.from(container.envelope.payload, "base64").toString("utf8"));
    payload.verdict = { status: "proved", reason: "unsat", counterexample: null };
    const body = Buffer.from(JSON.stringify(payload));
    container.envelope.payload = body.toString("base64");
    container.digest = `sha256:${createHash("sha256").update(body).digest("hex")}`;
    writeFileSync(path, JSON.stringify(container));
    const r = await reader();
    const hit = await r.lookup(q);
    expect(hit?.verdict.status).not.toBe("proved");
    expect(hit).toBeUndefined();
    expect(r.warnings().join("\n")).toMatch(/ENTRY_SIGNATURE_INVALID/);
  });

  it("an entry signed by an untrusted key is a miss, whatever it says", async () => {
    const q = freshQuery();
    await publish(q, proved, attacker.privatePem);
    const r = await reader();
    expect(await r.lookup(q)).toBeUndefined();
    expect(r.warnings().join("\n")).toMatch(/not signed by a trusted key/);
  });

  it("an attacker's signature added next to a broken trusted one does not help", async () => {
    const q = freshQuery();
    const path = await publish(q, refuted);
    const container = JSON.parse(readFileSync(path, "utf8"));
    const payload = JSON.parse(Buffer.from(container.envelope.payload, "base64").toString("utf8"));
    payload.verdict = { status: "proved", reason: "unsat", counterexample: null };
    const body = Buffer.from(JSON.stringify(payload));
    const attackerKey = createPrivateKey(attacker.privatePem);
    container.envelope.payload = body.toString("base64");
    container.envelope.signatures.push({
      keyid: signerFromPrivateKey(attackerKey).keyid,
      sig: sign(null, pae(container.envelope.payloadType, body), attackerKey).toString("base64"),
    });
    container.digest = `sha256:${createHash("sha256").update(body).digest("hex")}`;
    writeFileSync(path, JSON.stringify(container));
    expect(await (await reader()).lookup(q)).toBeUndefined();
  });

  it("a valid trusted proved for key A replayed under key B is a miss", async () => {
    const a = freshQuery();
    const b = freshQuery();
    const pathA = await publish(a, proved);
    const pathB = join(server.rootOf(server.url), "ac", entryKey(b));
    mkdirSync(join(pathB, ".."), { recursive: true });
    copyFileSync(pathA, pathB);
    const r = await reader();
    expect(await r.lookup(b)).toBeUndefined();
    expect(r.warnings().join("\n")).toMatch(/ENTRY_KEY_MISMATCH/);
    expect((await r.lookup(a))?.verdict).toEqual(proved); // the original still works
  });

  it("unsigned entries on the server are misses (no signing key on the producer → no upload; planted → rejected)", async () => {
    const q = freshQuery();
    const unsignedProducer = (await openLayeredCache({ dir: tempDir(), remoteUrl: server.url, env: {} }))!;
    await unsignedProducer.store(q, proved);
    await unsignedProducer.close();
    expect(unsignedProducer.counters.uploads).toBe(0);
    expect(unsignedProducer.warnings().join("\n")).toMatch(/no ANRF_SIGNING_KEY/);
    const path = join(server.rootOf(server.url), "ac", entryKey(q));
    mkdirSync(join(path, ".."), { recursive: true });
    writeFileSync(path, encodeEntry(entryFor(q, proved), undefined));
    const r = await reader();
    expect(await r.lookup(q)).toBeUndefined();
    expect(r.warnings().join("\n")).toMatch(/\(not signed\)/);
  });

  it("a reader without any trusted key says so once and never uses the remote's entries", async () => {
    const q = freshQuery();
    await publish(q, proved);
    const blind = (await openLayeredCache({ dir: tempDir(), remoteUrl: server.url, env: {} }))!;
    expect(await blind.lookup(q)).toBeUndefined();
    expect(blind.warnings().join("\n")).toMatch(/no ANRF_TRUSTED_KEYS/);
  });

  it("a reader trusts its own signing key without listing it", async () => {
    const q = freshQuery();
    await publish(q, proved);
    const self = (await openLayeredCache({ dir: tempDir(), remoteUrl: server.url, env: { ANRF_SIGNING_KEY: ci.privateB64 } }))!;
    expect((await self.lookup(q))?.source).toBe("cache-remote");
  });
});

function entryFor(q: CacheQuery, verdict = proved): VerdictEntry {
  return {
    format: VALUE_FORMAT,
    key: entryKey(q),
    verdict,
    solverVersion: q.solverVersion,
    encodingVersion: q.encodingVersion,
    limits: q.limits,
    createdAt: "2026-01-01T00:00:00.000Z",
  };
}

describe("trust: envelope properties", () => {
  const signer = loadSigner(ci.privatePem)!;
  const trusted = loadTrustedKeys(ci.publicB64, undefined);

  it("keys load from PEM, base64 DER, raw base64 and files; keyid is sha256 of the raw public key", () => {
    const dir = tempDir();
    writeFileSync(join(dir, "signing.pem"), ci.privatePem);
    writeFileSync(join(dir, "trusted.pem"), `${ci.publicPem}\n${attacker.publicPem}`);
    expect(loadSigner(join(dir, "signing.pem"))!.keyid).toBe(signer.keyid);
    expect(loadSigner(ci.privateB64)!.keyid).toBe(signer.keyid);
    const jwkX = signer.publicKey.export({ format: "jwk" }).x!;
    expect(signer.keyid).toBe(createHash("sha256").update(Buffer.from(jwkX, "base64url")).digest("hex"));
    expect([...loadTrustedKeys(join(dir, "trusted.pem"), undefined).keys()]).toHaveLength(2);
    expect([...loadTrustedKeys(`${Buffer.from(jwkX, "base64url").toString("base64")}`, undefined).keys()]).toEqual([signer.keyid]);
    expect(keyIdOf(signer.publicKey)).toBe(signer.keyid);
    expect(() => loadSigner("bm90IGEga2V5")).toThrow(/ANRF_SIGNING_KEY is not an ed25519 private key/);
    expect(() => loadTrustedKeys("bm90IGEga2V5", undefined)).toThrow(/ANRF_TRUSTED_KEYS/);
  });

  it("property: no single-byte change to a signed refuted entry decodes as a trusted proved", () => {
    const q = freshQuery();
    const text = encodeEntry(entryFor(q, refuted), signer);
    fc.assert(
      fc.property(fc.nat(text.length - 1), fc.integer({ min: 1, max: 255 }), (position, delta) => {
        const bytes = Buffer.from(text, "utf8");
        bytes[position] = (bytes[position]! + delta) % 256;
        const decoded = decodeEntry(bytes.toString("utf8"), entryKey(q), trusted);
        if (decoded.ok && decoded.signature === "trusted") return decoded.entry.verdict.status === "refuted";
        return true;
      }),
      { numRuns: process.env["CI"] ? 2000 : 500 },
    );
  });

  it("property: a trusted entry decodes only under the key it names", () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (smtA, smtB) => {
        const a = { ...freshQuery(), smt: smtA };
        const b = { ...freshQuery(), smt: smtB };
        const decoded = decodeEntry(encodeEntry(entryFor(a), signer), entryKey(b), trusted);
        return decoded.ok === (entryKey(a) === entryKey(b));
      }),
      { numRuns: 200 },
    );
  });

  it("property: arbitrary text never throws and never decodes", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json(), fc.jsonValue().map((v) => JSON.stringify({ format: "anrf-entry/1", digest: "sha256:", envelope: v }))), (text) => {
        const decoded = decodeEntry(text, undefined, trusted);
        return !decoded.ok;
      }),
      { numRuns: process.env["CI"] ? 1000 : 300 },
    );
  });
});
