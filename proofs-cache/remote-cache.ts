import { createHash } from "node:crypto";
import { CacheConfigError } from "./errors.js";
import { isHexKey } from "./key.js";
import type { RemoteBackend } from "./verdict-cache.js";
import type { Warnings } from "./warnings.js";

/**
 * A client for the Bazel HTTP remote-cache protocol: GET/PUT/HEAD on `<base>/ac/<key>` and
 * `<base>/cas/<sha256>` — served by bazel-remote, nginx WebDAV, or anything S3-backed behind
 * them. Uses Node's global fetch. Every call returns data and never throws: the remote is an
 * accelerator, so its failures become warnings and misses.
 *
 * Failure policy: each request has its own timeout (AbortSignal.timeout); network errors,
 * timeouts, 429 and 5xx are retried a bounded number of times with exponential backoff; after
 * `maxFailures` failed requests in a run the circuit opens and the remote is not asked again
 * (one warning), so a dead remote costs at most maxFailures × (retries + 1) × timeout.
 */
export type RemoteAuth =
  | { readonly kind: "bearer"; readonly token: string }
  | { readonly kind: "basic"; readonly user: string; readonly password: string };

export interface RemoteOptions {
  readonly url: string;
  readonly auth?: RemoteAuth | undefined;
  readonly timeoutMs?: number;
  readonly retries?: number;
  readonly backoffMs?: number;
  readonly maxFailures?: number;
  /** Larger bodies are garbage (an entry is a few KiB). */
  readonly maxBodyBytes?: number;
  /** Requests in flight at once (the verifier looks up every query concurrently). */
  readonly maxInFlight?: number;
  readonly warnings: Warnings;
}

export type RemoteNamespace = "ac" | "cas";

export type RemoteResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly code: string; readonly message: string };

export class RemoteCache implements RemoteBackend {
  readonly url: string;
  readonly #base: string;
  readonly #headers: Record<string, string>;
  readonly #timeoutMs: number;
  readonly #retries: number;
  readonly #backoffMs: number;
  readonly #maxFailures: number;
  readonly #maxBodyBytes: number;
  readonly #warnings: Warnings;
  readonly #slots: Slots;
  #failures = 0;

  constructor(options: RemoteOptions) {
    const { base, display, userinfoAuth } = parseBaseUrl(options.url);
    this.#base = base;
    this.url = display;
    const auth = options.auth ?? userinfoAuth;
    this.#headers = auth === undefined ? {} : { authorization: authorizationHeader(auth) };
    this.#timeoutMs = options.timeoutMs ?? 5000;
    this.#retries = options.retries ?? 2;
    this.#backoffMs = options.backoffMs ?? 100;
    this.#maxFailures = options.maxFailures ?? 3;
    this.#maxBodyBytes = options.maxBodyBytes ?? 4 * 1024 * 1024;
    this.#warnings = options.warnings;
    this.#slots = new Slots(options.maxInFlight ?? 16);
  }

  /** True once the circuit breaker has opened: no more requests in this run. */
  get disabled(): boolean {
    return this.#failures >= this.#maxFailures;
  }

  async getEntry(key: string): Promise<{ ok: true; text: string | undefined } | { ok: false }> {
    const result = await this.get("ac", key);
    return result.ok ? { ok: true, text: result.value?.toString("utf8") } : { ok: false };
  }

  async putEntry(key: string, text: string): Promise<{ ok: boolean }> {
    return this.put("ac", key, Buffer.from(text, "utf8"));
  }

  /** The body, or undefined on 404. For `cas`, a body whose sha256 is not the key is garbage. */
  async get(namespace: RemoteNamespace, key: string): Promise<RemoteResult<Buffer | undefined>> {
    const result = await this.#request("GET", namespace, key);
    if (!result.ok || result.value === undefined) return result;
    if (namespace === "cas" && createHash("sha256").update(result.value).digest("hex") !== key) {
      this.#warnings.add("REMOTE_CAS_MISMATCH", `remote cache: ${this.url}/cas/${key.slice(0, 12)}… does not hash to its name; ignored`);
      return { ok: true, value: undefined };
    }
    return result;
  }

  async head(namespace: RemoteNamespace, key: string): Promise<RemoteResult<boolean>> {
    const result = await this.#request("HEAD", namespace, key);
    return result.ok ? { ok: true, value: result.value !== undefined } : result;
  }

  async put(namespace: RemoteNamespace, key: string, body: Buffer): Promise<RemoteResult<true>> {
    const result = await this.#request("PUT", namespace, key, body);
    return result.ok ? { ok: true, value: true } : result;
  }

  /** PUT a blob under its own sha256; returns that hash. */
  async putCas(body: Buffer): Promise<RemoteResult<string>> {
    const hash = createHash("sha256").update(body).digest("hex");
    const result = await this.put("cas", hash, body);
    return result.ok ? { ok: true, value: hash } : result;
  }

  async #request(method: "GET" | "HEAD" | "PUT", namespace: RemoteNamespace, key: string, body?: Buffer): Promise<RemoteResult<Buffer | undefined>> {
    if (!isHexKey(key)) return { ok: false, code: "REMOTE_BAD_KEY", message: `not a cache key: ${key}` };
    // Bounded concurrency also makes the breaker effective: requests queued behind failing ones
    // see the open circuit when their turn comes instead of all failing in parallel.
    await this.#slots.acquire();
    try {
      return await this.#requestInSlot(method, namespace, key, body);
    } finally {
      this.#slots.release();
    }
  }

  async #requestInSlot(method: "GET" | "HEAD" | "PUT", namespace: RemoteNamespace, key: string, body?: Buffer): Promise<RemoteResult<Buffer | undefined>> {
    if (this.disabled) return { ok: false, code: "REMOTE_CIRCUIT_OPEN", message: "remote cache disabled for this run" };
    const target = `${this.#base}/${namespace}/${key}`;
    let last = { code: "REMOTE_FAILED", message: "no attempt made" };
    for (let attempt = 0; attempt <= this.#retries; attempt++) {
      if (attempt > 0) {
        await sleep(this.#backoffMs * 2 ** (attempt - 1) * (0.5 + Math.random() / 2));
        // Other requests opened the circuit meanwhile: stop retrying (not a failure of its own).
        if (this.disabled) return { ok: false, code: "REMOTE_CIRCUIT_OPEN", message: "remote cache disabled for this run" };
      }
      const outcome = await this.#attempt(method, target, body);
      if (outcome.kind === "done") return outcome.result;
      last = outcome;
      if (outcome.kind === "fatal") break;
    }
    this.#fail(last.code, `remote cache: ${method} ${namespace}/${key.slice(0, 12)}… on ${this.url} failed: ${last.message}`);
    return { ok: false, ...last };
  }

  async #attempt(
    method: string,
    target: string,
    body: Buffer | undefined,
  ): Promise<{ kind: "done"; result: RemoteResult<Buffer | undefined> } | { kind: "retry" | "fatal"; code: string; message: string }> {
    try {
      const response = await fetch(target, {
        method,
        headers: body === undefined ? this.#headers : { ...this.#headers, "content-type": "application/octet-stream" },
        ...(body === undefined ? {} : { body }),
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
      if (response.status === 404 && method !== "PUT") {
        await response.body?.cancel();
        return { kind: "done", result: { ok: true, value: undefined } };
      }
      if (response.ok) {
        if (method !== "GET") {
          await response.body?.cancel();
          return { kind: "done", result: { ok: true, value: method === "HEAD" ? Buffer.alloc(0) : undefined } };
        }
        const declared = Number(response.headers.get("content-length") ?? "0");
        if (declared > this.#maxBodyBytes) {
          await response.body?.cancel();
          return { kind: "fatal", code: "REMOTE_TOO_LARGE", message: `body of ${declared} bytes` };
        }
        const bytes = await readCapped(response, this.#maxBodyBytes);
        if (bytes === undefined) return { kind: "fatal", code: "REMOTE_TOO_LARGE", message: `body over ${this.#maxBodyBytes} bytes` };
        return { kind: "done", result: { ok: true, value: bytes } };
      }
      await response.body?.cancel();
      const message = `HTTP ${response.status} ${response.statusText}`.trim();
      if (response.status === 401 || response.status === 403) {
        return { kind: "fatal", code: "REMOTE_AUTH", message: `${message} (check ANRF_REMOTE_CACHE_TOKEN or ANRF_REMOTE_CACHE_USER/ANRF_REMOTE_CACHE_PASSWORD)` };
      }
      if (response.status >= 500 || response.status === 429) return { kind: "retry", code: "REMOTE_HTTP", message };
      return { kind: "fatal", code: "REMOTE_HTTP", message };
    } catch (error) {
      const timedOut = error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError");
      const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : "";
      return {
        kind: "retry",
        code: timedOut ? "REMOTE_TIMEOUT" : "REMOTE_NETWORK",
        message: timedOut ? `no answer within ${this.#timeoutMs} ms` : `${error instanceof Error ? error.message : String(error)}${cause}`,
      };
    }
  }

  #fail(code: string, message: string): void {
    this.#failures++;
    this.#warnings.add(code, message);
    if (this.#failures === this.#maxFailures) {
      this.#warnings.add(
        "REMOTE_CIRCUIT_OPEN",
        `remote cache: ${this.url} failed ${this.#failures} times; not asked again in this run (results stay correct, only slower)`,
      );
    }
  }
}

/** A counting semaphore: at most `limit` holders, FIFO. */
class Slots {
  #free: number;
  readonly #waiting: (() => void)[] = [];

  constructor(limit: number) {
    this.#free = Math.max(1, limit);
  }

  acquire(): Promise<void> {
    if (this.#free > 0) {
      this.#free--;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  release(): void {
    const next = this.#waiting.shift();
    if (next) next();
    else this.#free++;
  }
}

function authorizationHeader(auth: RemoteAuth): string {
  if (auth.kind === "bearer") return `Bearer ${auth.token}`;
  return `Basic ${Buffer.from(`${auth.user}:${auth.password}`, "utf8").toString("base64")}`;
}

/** fetch refuses URLs with credentials, so `http://user:pw@host/` becomes basic auth; the display form hides them. */
function parseBaseUrl(raw: string): { base: string; display: string; userinfoAuth: RemoteAuth | undefined } {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new CacheConfigError("ANRF_CACHE_BAD_REMOTE_URL", `remote cache URL '${raw}' is not a URL (expected e.g. http://127.0.0.1:18080)`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new CacheConfigError("ANRF_CACHE_BAD_REMOTE_URL", `remote cache URL '${raw}' must be http:// or https://`);
  }
  const userinfoAuth: RemoteAuth | undefined =
    url.username !== "" ? { kind: "basic", user: decodeURIComponent(url.username), password: decodeURIComponent(url.password) } : undefined;
  url.username = "";
  url.password = "";
  url.search = "";
  url.hash = "";
  const base = url.toString().replace(/\/+$/, "");
  return { base, display: base, userinfoAuth };
}

/** Authentication from the environment: a bearer token wins over user/password. */
export function authFromEnv(env: Readonly<Record<string, string | undefined>>): RemoteAuth | undefined {
  const token = env["ANRF_REMOTE_CACHE_TOKEN"];
  if (token) return { kind: "bearer", token };
  const user = env["ANRF_REMOTE_CACHE_USER"];
  if (user) return { kind: "basic", user, password: env["ANRF_REMOTE_CACHE_PASSWORD"] ?? "" };
  return undefined;
}

/** The body, or undefined as soon as it exceeds `limit` (a hostile server cannot make us buffer gigabytes). */
async function readCapped(response: Response, limit: number): Promise<Buffer | undefined> {
  if (response.body === null) return Buffer.alloc(0);
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return Buffer.concat(chunks, total);
    total += value.byteLength;
    if (total > limit) {
      await reader.cancel();
      return undefined;
    }
    chunks.push(value);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
