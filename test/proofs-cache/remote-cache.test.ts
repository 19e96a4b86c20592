import { readFileSync, writeFileSync, existsSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CacheQuery } from "../../proofs-cache/api.js";
import { entryKey } from "../../proofs-cache/key.js";
import { openLayeredCache } from "../../proofs-cache/open.js";
import { RemoteCache } from "../../proofs-cache/remote-cache.js";
import { Warnings } from "../../proofs-cache/warnings.js";
import { cacheServer, startPrivateServer, type CacheServer } from "../support/cache-server.js";
import { freshQuery, keyPair, proved, refuted, tempDir, unknown } from "./fixtures.js";

/** Against real nginx WebDAV (.ci/start-cache-server.sh): no mock HTTP server. */
let server: CacheServer;
beforeAll(async () => {
  server = await cacheServer();
});

const machine = keyPair();
const signingEnv = { ANRF_SIGNING_KEY: machine.privatePem };

async function open(remoteUrl: string, extraEnv: Record<string, string> = {}, dir = tempDir()) {
  const cache = await openLayeredCache({
    dir,
    remoteUrl,
    env: { ...signingEnv, ANRF_REMOTE_CACHE_TIMEOUT_MS: "1500", ANRF_REMOTE_CACHE_RETRIES: "1", ...extraEnv },
  });
  return cache!;
}

function remotePath(root: string, q: CacheQuery): string {
  return join(root, "ac", entryKey(q));
}

describe("remote cache on nginx WebDAV", () => {
  it("miss, write-back on store (flushed by close), then a hit on another machine's empty local store", async () => {
    const q = freshQuery();
    const producer = await open(server.url);
    expect(await producer.lookup(q)).toBeUndefined();
    await producer.store(q, refuted);
    await producer.close();
    expect(producer.counters.uploads).toBe(1);
    expect(existsSync(remotePath(server.rootOf(server.url), q))).toBe(true);

    const dir = tempDir();
    const consumer = await open(server.url, {}, dir);
    expect(await consumer.lookup(q)).toEqual({ verdict: refuted, source: "cache-remote" });
    // read-through copied it locally: the next lookup is a local hit without the remote
    const offline = await openLayeredCache({ dir, env: {} });
    expect(await offline!.lookup(q)).toEqual({ verdict: refuted, source: "cache-local" });
    expect(consumer.warnings()).toEqual([]);
  });

  it("basic auth and bearer token from the environment; wrong credentials are a warning and a miss", async () => {
    for (const [url, goodEnv, badEnv] of [
      [server.basicUrl, { ANRF_REMOTE_CACHE_USER: server.user, ANRF_REMOTE_CACHE_PASSWORD: server.password }, { ANRF_REMOTE_CACHE_USER: server.user, ANRF_REMOTE_CACHE_PASSWORD: "wrong" }],
      [server.bearerUrl, { ANRF_REMOTE_CACHE_TOKEN: server.token }, { ANRF_REMOTE_CACHE_TOKEN: "wrong" }],
    ] as const) {
      const q = freshQuery();
      const writer = await open(url, goodEnv);
      await writer.store(q, proved);
      await writer.close();
      expect(writer.warnings()).toEqual([]);
      expect(existsSync(remotePath(server.rootOf(url), q))).toBe(true);

      const reader = await open(url, goodEnv);
      expect((await reader.lookup(q))?.source).toBe("cache-remote");

      const intruder = await open(url, badEnv);
      expect(await intruder.lookup(q)).toBeUndefined();
      expect(intruder.warnings().join("\n")).toMatch(/HTTP 401/);
      const anonymous = await open(url, {});
      expect(await anonymous.lookup(q)).toBeUndefined();
    }
  });

  it("credentials in the URL become basic auth", async () => {
    const q = freshQuery();
    const withUserinfo = server.basicUrl.replace("http://", `http://${server.user}:${server.password}@`);
    const writer = await open(withUserinfo);
    await writer.store(q, proved);
    await writer.close();
    expect(writer.warnings()).toEqual([]);
    expect((await (await open(withUserinfo)).lookup(q))?.source).toBe("cache-remote");
  });

  it("a garbage or truncated body on the server is a miss with a warning, and is replaced by the next store", async () => {
    const root = server.rootOf(server.url);
    for (const damage of [(t: string) => t.slice(0, 40), () => "<html>502 Bad Gateway</html>", () => "\u0000".repeat(10)]) {
      const q = freshQuery();
      const writer = await open(server.url);
      await writer.store(q, refuted);
      await writer.close();
      const path = remotePath(root, q);
      writeFileSync(path, damage(readFileSync(path, "utf8")));

      const reader = await open(server.url);
      expect(await reader.lookup(q)).toBeUndefined();
      expect(reader.warnings().join("\n")).toMatch(/rejected entry .* \(ENTRY_/);
      await reader.store(q, refuted);
      await reader.close();
      expect((await (await open(server.url)).lookup(q))?.verdict).toEqual(refuted);
    }
  });

  it("an unknown does not overwrite a decisive verdict another machine uploaded meanwhile", async () => {
    const q = freshQuery();
    const a = await open(server.url);
    const b = await open(server.url);
    expect(await b.lookup(q)).toBeUndefined();
    await a.store(q, proved);
    await a.close();
    await b.store(q, unknown); // b timed out on the same query
    await b.close();
    expect((await (await open(server.url)).lookup(q))?.verdict).toEqual(proved);
  });

  it("HEAD and GET on cas check content addressing", async () => {
    const warnings = new Warnings();
    const client = new RemoteCache({ url: server.url, warnings });
    const body = Buffer.from(`blob ${Math.random()}`);
    const put = await client.putCas(body);
    expect(put.ok).toBe(true);
    const hash = put.ok ? put.value : "";
    expect(await client.head("cas", hash)).toEqual({ ok: true, value: true });
    expect(await client.get("cas", hash)).toEqual({ ok: true, value: body });
    writeFileSync(join(server.rootOf(server.url), "cas", hash), "tampered");
    expect(await client.get("cas", hash)).toEqual({ ok: true, value: undefined });
    expect(warnings.list().join("\n")).toMatch(/does not hash to its name/);
    expect(await client.head("cas", "f".repeat(64))).toEqual({ ok: true, value: false });
  });
});

describe("remote failures never cost correctness", () => {
  const privateDir = tempDir("anrf-nginx-");
  const port = 18180 + (process.pid % 500) * 3;
  let privateServer: ReturnType<typeof startPrivateServer> | undefined;
  afterAll(() => privateServer?.stop());

  it("server stopped mid-run: lookups and stores complete, one circuit-breaker warning, local store keeps working", async () => {
    await cacheServer(); // nginx is installed
    privateServer = startPrivateServer(privateDir, port);
    const dir = tempDir();
    const cache = await open(privateServer.url, { ANRF_REMOTE_CACHE_MAX_FAILURES: "2" }, dir);
    const before = [freshQuery(), freshQuery()];
    for (const q of before) {
      expect(await cache.lookup(q)).toBeUndefined();
      await cache.store(q, proved);
    }
    await cache.flush();
    privateServer.stop();
    const after = Array.from({ length: 6 }, () => freshQuery());
    for (const q of after) {
      expect(await cache.lookup(q)).toBeUndefined();
      await cache.store(q, refuted);
    }
    for (const q of [...before, ...after]) expect((await cache.lookup(q))?.source).toBe("cache-local");
    await cache.close();
    const warnings = cache.warnings().join("\n");
    expect(warnings).toMatch(/not asked again in this run/);
    expect(warnings.match(/not asked again/g)).toHaveLength(1);
    // the uploads before the stop did reach the server
    for (const q of before) expect(existsSync(join(privateServer.root, "ac", entryKey(q)))).toBe(true);
  });

  it("nothing listening: a miss with a warning", async () => {
    const probe: Server = createServer();
    await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
    const { port: freePort } = probe.address() as import("node:net").AddressInfo;
    await new Promise((resolve) => probe.close(resolve));
    const cache = await open(`http://127.0.0.1:${freePort}`);
    const q = freshQuery();
    expect(await cache.lookup(q)).toBeUndefined();
    await cache.store(q, proved);
    await cache.close();
    expect(cache.warnings().join("\n")).toMatch(/failed: fetch failed: connect ECONNREFUSED/);
    expect((await cache.lookup(q))?.verdict).toEqual(proved);
  });

  it("a server that accepts connections but never answers times out (bounded by the per-request timeout)", async () => {
    const sockets: import("node:net").Socket[] = [];
    let requests = 0;
    const blackHole: Server = createServer((socket) => {
      sockets.push(socket);
      socket.on("data", (chunk) => void (requests += (chunk.toString("latin1").match(/^(GET|PUT|HEAD) \//gm) ?? []).length));
    });
    await new Promise<void>((resolve) => blackHole.listen(0, "127.0.0.1", resolve));
    const { port } = blackHole.address() as import("node:net").AddressInfo;
    try {
      const cache = await open(`http://127.0.0.1:${port}`, { ANRF_REMOTE_CACHE_TIMEOUT_MS: "200", ANRF_REMOTE_CACHE_RETRIES: "0", ANRF_REMOTE_CACHE_MAX_FAILURES: "1" });
      const q = freshQuery();
      expect(await cache.lookup(q)).toBeUndefined();
      expect(await cache.lookup(freshQuery())).toBeUndefined();
      await cache.close();
      expect(cache.warnings().join("\n")).toMatch(/no answer within 200 ms/);
      expect(requests).toBe(1); // the circuit opened after the first failure: the second lookup sent nothing
    } finally {
      for (const s of sockets) s.destroy();
      blackHole.close();
    }
  });

  it("5xx is retried a bounded number of times; with many concurrent lookups the breaker caps the requests", async () => {
    // Failure injection only (the protocol itself is tested against nginx above): a TCP server
    // that answers every request with 503.
    let requests = 0;
    const failing: Server = createServer((socket) => {
      socket.on("data", (chunk) => {
        const n = (chunk.toString("latin1").match(/^(GET|PUT|HEAD) \//gm) ?? []).length;
        requests += n;
        for (let i = 0; i < n; i++) socket.write("HTTP/1.1 503 Service Unavailable\r\ncontent-length: 0\r\n\r\n");
      });
    });
    await new Promise<void>((resolve) => failing.listen(0, "127.0.0.1", resolve));
    const { port } = failing.address() as import("node:net").AddressInfo;
    try {
      const single = new RemoteCache({ url: `http://127.0.0.1:${port}`, retries: 2, backoffMs: 1, maxFailures: 100, warnings: new Warnings() });
      expect(await single.getEntry(entryKey(freshQuery()))).toEqual({ ok: false });
      expect(requests).toBe(3);

      requests = 0;
      const cache = await open(`http://127.0.0.1:${port}`, { ANRF_REMOTE_CACHE_RETRIES: "2", ANRF_REMOTE_CACHE_MAX_FAILURES: "3" });
      const lookups = await Promise.all(Array.from({ length: 100 }, () => cache.lookup(freshQuery())));
      expect(lookups.every((hit) => hit === undefined)).toBe(true);
      // at most 16 requests in flight; once 3 have failed, queued ones see the open circuit
      expect(requests).toBeGreaterThanOrEqual(3);
      expect(requests).toBeLessThanOrEqual(16 * 3);
      expect(cache.warnings().join("\n")).toMatch(/HTTP 503/);
      expect(cache.warnings().join("\n")).toMatch(/not asked again/);
    } finally {
      failing.close();
    }
  });

  it("an oversized body is garbage: refused by its declared length (nginx) or while streaming (chunked)", async () => {
    const q = freshQuery();
    const path = join(server.rootOf(server.url), "ac", entryKey(q));
    writeFileSync(path, Buffer.alloc(64 * 1024, 0x41));
    const warnings = new Warnings();
    const small = new RemoteCache({ url: server.url, maxBodyBytes: 16 * 1024, retries: 0, warnings });
    expect(await small.getEntry(entryKey(q))).toEqual({ ok: false });
    expect(warnings.list().join("\n")).toMatch(/body of 65536 bytes/);

    let sent = 0;
    const streaming: Server = createServer((socket) => {
      socket.once("data", () => {
        socket.write("HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n");
        const chunk = Buffer.alloc(8192, 0x42);
        const pump = () => {
          while (sent < 64 * 1024 * 1024 && !socket.destroyed) {
            sent += chunk.length;
            if (!socket.write(`${chunk.length.toString(16)}\r\n${chunk.toString("latin1")}\r\n`, "latin1")) return void socket.once("drain", pump);
          }
        };
        pump();
      });
      socket.on("error", () => undefined);
    });
    await new Promise<void>((resolve) => streaming.listen(0, "127.0.0.1", resolve));
    const { port } = streaming.address() as import("node:net").AddressInfo;
    try {
      const chunked = new Warnings();
      const client = new RemoteCache({ url: `http://127.0.0.1:${port}`, maxBodyBytes: 16 * 1024, retries: 0, warnings: chunked });
      expect(await client.getEntry(entryKey(q))).toEqual({ ok: false });
      expect(chunked.list().join("\n")).toMatch(/body over 16384 bytes/);
      expect(sent).toBeLessThan(64 * 1024 * 1024); // we stopped reading long before the server stopped sending
    } finally {
      streaming.close();
    }
  });
});
