import { copyFileSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { CacheOptions } from "../../proofs-cache/api.js";
import { memoKey } from "../../proofs-cache/extraction-memo.js";
import { openExtractionMemo, openLayeredCache } from "../../proofs-cache/open.js";
import { cacheServer, type CacheServer } from "../support/cache-server.js";
import { keyPair, tempDir } from "./fixtures.js";

/**
 * Extraction results shared through the real nginx remote. An extraction decides which
 * obligations exist, so a forged one could drop a runtime check: only trusted, correctly keyed
 * entries may be used.
 */
let server: CacheServer;
beforeAll(async () => {
  server = await cacheServer();
});

const ci = keyPair();
const attacker = keyPair();
const extraction = (n: number) => ({ obligations: Array.from({ length: n }, (_, i) => ({ id: `E/bounds/${i + 1}:1`, smt: `(check-sat) ; ${i}` })), typeResults: [], problems: [] });
const fresh = () => `doc-${process.pid}-${Date.now()}-${Math.random()}`;
const remotePath = (hash: string) => join(server.rootOf(server.url), "ac", memoKey(hash));

async function publish(hash: string, data: unknown, signingKey = ci.privatePem): Promise<void> {
  const memo = openExtractionMemo({ dir: tempDir(), remoteUrl: server.url, env: { ANRF_SIGNING_KEY: signingKey } })!;
  await memo.put(hash, data);
}

function reader(): { options: CacheOptions; memo: NonNullable<ReturnType<typeof openExtractionMemo>> } {
  const options: CacheOptions = { dir: tempDir(), remoteUrl: server.url, env: { ANRF_TRUSTED_KEYS: ci.publicPem, ANRF_REMOTE_CACHE_RETRIES: "0" } };
  return { options, memo: openExtractionMemo(options)! };
}

describe("extraction memo through the remote", () => {
  it("a trusted extraction is fetched, copied locally, and the verdict cache's warnings stay clean", async () => {
    const hash = fresh();
    await publish(hash, extraction(3));
    expect(existsSync(remotePath(hash))).toBe(true);
    const { options, memo } = reader();
    expect(await memo.get(hash)).toEqual(extraction(3));
    const offline = openExtractionMemo({ dir: options.dir, env: {} })!;
    expect(await offline.get(hash)).toEqual(extraction(3));
    expect((await openLayeredCache(options))!.warnings().join("\n")).not.toMatch(/rejected|failed/);
  });

  it("an extraction signed by an untrusted key is not used, and the report hears of it", async () => {
    const hash = fresh();
    await publish(hash, extraction(0), attacker.privatePem);
    const { options, memo } = reader();
    const cache = (await openLayeredCache(options))!; // same options object: shared warnings
    expect(await memo.get(hash)).toBeUndefined();
    expect(cache.warnings().join("\n")).toMatch(/rejected extraction .*not signed by a trusted key/);
  });

  it("a trusted extraction with its obligations removed on the server is not used", async () => {
    const hash = fresh();
    await publish(hash, extraction(3));
    const path = remotePath(hash);
    const container = JSON.parse(readFileSync(path, "utf8"));
    const payload = JSON.parse(Buffer.from(container.envelope.payload, "base64").toString("utf8"));
    payload.data.obligations = [];
    const body = Buffer.from(JSON.stringify(payload));
    container.envelope.payload = body.toString("base64");
    container.digest = `sha256:${createHash("sha256").update(body).digest("hex")}`;
    writeFileSync(path, JSON.stringify(container));
    expect(await reader().memo.get(hash)).toBeUndefined();
  });

  it("a trusted extraction for document A replayed as document B is not used", async () => {
    const a = fresh();
    const b = fresh();
    await publish(a, extraction(0));
    copyFileSync(remotePath(a), remotePath(b));
    const { memo } = reader();
    expect(await memo.get(b)).toBeUndefined();
    expect(await memo.get(a)).toEqual(extraction(0));
  });

  it("without a signing key nothing is uploaded", async () => {
    const hash = fresh();
    await openExtractionMemo({ dir: tempDir(), remoteUrl: server.url, env: {} })!.put(hash, extraction(1));
    expect(existsSync(remotePath(hash))).toBe(false);
  });
});
