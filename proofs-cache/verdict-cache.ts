import type { Verdict } from "../verifier/obligation.js";
import type { CacheQuery, CachedVerdict, VerdictCache } from "./api.js";
import { BoundedQueue } from "./bounded-queue.js";
import { decodeEntry, encodeEntry, VALUE_FORMAT, type Decoded, type VerdictEntry } from "./entry.js";
import type { Signer, TrustedKeys } from "./envelope.js";
import { entryKey } from "./key.js";
import type { LocalStore } from "./local-store.js";
import { isDecisive, isReusable, shouldReplace } from "./reuse.js";
import type { Warnings } from "./warnings.js";

/** What the verdict cache needs from a remote (remote-cache.ts): results as data, never throws. */
export interface RemoteBackend {
  readonly url: string;
  getEntry(key: string): Promise<{ ok: true; text: string | undefined } | { ok: false }>;
  putEntry(key: string, text: string): Promise<{ ok: boolean }>;
}

export interface CacheCounters {
  hitsLocal: number;
  hitsRemote: number;
  misses: number;
  stores: number;
  corruptLocal: number;
  rejectedRemote: number;
  uploads: number;
}

export interface VerdictCacheParts {
  readonly local: LocalStore;
  readonly remote?: RemoteBackend | undefined;
  readonly signer?: Signer | undefined;
  readonly trusted: TrustedKeys;
  readonly warnings: Warnings;
  /** Concurrent remote uploads (write-back). */
  readonly uploadConcurrency?: number;
  readonly now?: () => Date;
  /** Called once at close() with the run's counters (stats.ts persists them). */
  readonly onClose?: (counters: CacheCounters) => Promise<void>;
}

/**
 * Read-through (local, then remote; a remote hit is copied to the local store) and write-back
 * (new verdicts go to the local store at once and to the remote in the background, bounded,
 * flushed by close()). Every failure is a miss plus a warning: the worst a broken cache can do
 * is make the verifier solve again.
 *
 * Trust: local entries are this machine's own (protected by file permissions) and need only be
 * intact — unless they carry a signature by a trusted keyid that fails, which is tampering.
 * Remote entries are shared: any verdict from the remote is accepted only with a valid
 * signature by a trusted key whose payload names the key looked up. Unsigned or untrusted
 * remote entries (even refuted/unknown) are misses; we do not use them as hints.
 */
export class LayeredVerdictCache implements VerdictCache {
  readonly counters: CacheCounters = { hitsLocal: 0, hitsRemote: 0, misses: 0, stores: 0, corruptLocal: 0, rejectedRemote: 0, uploads: 0 };
  readonly #parts: VerdictCacheParts;
  readonly #uploads: BoundedQueue;
  #closed = false;

  constructor(parts: VerdictCacheParts) {
    this.#parts = parts;
    this.#uploads = new BoundedQueue(parts.uploadConcurrency ?? 8);
    if (parts.remote && parts.trusted.size === 0) {
      parts.warnings.add(
        "REMOTE_NO_TRUSTED_KEYS",
        "remote cache: no ANRF_TRUSTED_KEYS (nor ANRF_SIGNING_KEY), so no remote entry can be trusted; every lookup is solved locally",
      );
    }
    if (parts.remote && !parts.signer) {
      parts.warnings.add(
        "REMOTE_NO_SIGNING_KEY",
        "remote cache: no ANRF_SIGNING_KEY, so new verdicts are not uploaded (readers accept only signed entries)",
      );
    }
  }

  async lookup(query: CacheQuery): Promise<CachedVerdict | undefined> {
    const key = entryKey(query);
    const local = await this.#readLocal(key, query);
    if (local !== undefined && isReusable(local, query.limits)) {
      this.counters.hitsLocal++;
      await this.#parts.local.touch("ac", key);
      return { verdict: local.verdict, source: "cache-local" };
    }
    const remote = await this.#readRemote(key, query);
    if (remote !== undefined && isReusable(remote, query.limits)) {
      this.counters.hitsRemote++;
      if (shouldReplace(local, remote)) await this.#writeLocal(key, remote.text);
      return { verdict: remote.verdict, source: "cache-remote" };
    }
    this.counters.misses++;
    return undefined;
  }

  async store(query: CacheQuery, verdict: Verdict): Promise<void> {
    if (this.#closed) throw new Error("proof cache: store() after close()");
    const key = entryKey(query);
    const entry: VerdictEntry = {
      format: VALUE_FORMAT,
      key,
      verdict: stripUndefined(verdict),
      solverVersion: query.solverVersion,
      encodingVersion: query.encodingVersion,
      limits: { timeoutMs: query.limits.timeoutMs, rlimit: query.limits.rlimit },
      createdAt: (this.#parts.now?.() ?? new Date()).toISOString(),
    };
    const existing = await this.#readLocal(key, query);
    if (!shouldReplace(existing, entry)) return;
    let text: string;
    try {
      text = encodeEntry(entry, this.#parts.signer);
    } catch (error) {
      this.#parts.warnings.add("ENCODE", `proof cache: verdict not cached (${describe(error)})`);
      return;
    }
    this.counters.stores++;
    await this.#writeLocal(key, text);
    const remote = this.#parts.remote;
    if (remote && this.#parts.signer) this.#uploads.push(() => this.#upload(remote, key, entry, query, text));
  }

  warnings(): readonly string[] {
    return this.#parts.warnings.list();
  }

  /** Waits for the uploads queued so far (close() does this too). */
  flush(): Promise<void> {
    return this.#uploads.drain();
  }

  /** Waits for pending uploads; the cache must not be used afterwards. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#uploads.drain();
    await this.#parts.onClose?.(this.counters).catch(() => undefined);
  }

  async #upload(remote: RemoteBackend, key: string, entry: VerdictEntry, query: CacheQuery, text: string): Promise<void> {
    // An indecisive verdict must not overwrite a decisive one another machine uploaded meanwhile.
    if (!isDecisive(entry.verdict)) {
      const current = await this.#readRemote(key, query, { quiet: true });
      if (current !== undefined && !shouldReplace(current, entry)) return;
    }
    const result = await remote.putEntry(key, text);
    if (result.ok) this.counters.uploads++;
  }

  async #readLocal(key: string, query: CacheQuery): Promise<(VerdictEntry & { text: string }) | undefined> {
    let text: string | undefined;
    try {
      text = await this.#parts.local.read("ac", key);
    } catch (error) {
      this.#parts.warnings.add("LOCAL_READ", `proof cache: cannot read ${this.#parts.local.root} (${describe(error)}); treating as empty`);
      return undefined;
    }
    if (text === undefined) return undefined;
    const decoded = decodeEntry(text, key, this.#parts.trusted);
    const entry = acceptable(decoded, query);
    if (entry === undefined) {
      this.counters.corruptLocal++;
      const why = decoded.ok ? "made for other versions" : `${decoded.code}: ${decoded.message}`;
      this.#parts.warnings.add("LOCAL_CORRUPT", `proof cache: damaged local entry ${key.slice(0, 12)}… (${why}); re-solving and rewriting it`);
      await this.#parts.local.remove("ac", key).catch(() => undefined);
      return undefined;
    }
    return { ...entry, text };
  }

  async #readRemote(key: string, query: CacheQuery, options: { quiet?: boolean } = {}): Promise<(VerdictEntry & { text: string }) | undefined> {
    const remote = this.#parts.remote;
    if (remote === undefined) return undefined;
    const result = await remote.getEntry(key);
    if (!result.ok || result.text === undefined) return undefined;
    const decoded = decodeEntry(result.text, key, this.#parts.trusted);
    const entry = acceptable(decoded, query);
    if (entry !== undefined && decoded.ok && decoded.signature === "trusted") return { ...entry, text: result.text };
    if (!options.quiet) {
      this.counters.rejectedRemote++;
      const why = !decoded.ok
        ? `${decoded.code}: ${decoded.message}`
        : entry === undefined
          ? "made for other versions"
          : decoded.signature === "unsigned"
            ? "not signed"
            : "not signed by a trusted key";
      this.#parts.warnings.add(`REMOTE_REJECTED`, `remote cache: rejected entry ${key.slice(0, 12)}… from ${remote.url} (${why}); re-solving`);
    }
    return undefined;
  }

  async #writeLocal(key: string, text: string): Promise<void> {
    try {
      await this.#parts.local.write("ac", key, text);
    } catch (error) {
      this.#parts.warnings.add("LOCAL_WRITE", `proof cache: cannot write to ${this.#parts.local.root} (${describe(error)}); verdicts not cached`);
    }
  }
}

function acceptable(decoded: Decoded, query: CacheQuery): VerdictEntry | undefined {
  if (!decoded.ok) return undefined;
  const entry = decoded.entry;
  // The key already covers the versions; checking them again costs nothing and guards the framing.
  if (entry.solverVersion !== query.solverVersion || entry.encodingVersion !== query.encodingVersion) return undefined;
  return entry;
}

function stripUndefined(verdict: Verdict): Verdict {
  const cost = verdict.cost ? { timeMs: verdict.cost.timeMs, ...(verdict.cost.rlimit !== undefined ? { rlimit: verdict.cost.rlimit } : {}) } : undefined;
  const candidate = verdict.status === "unknown" && verdict.candidate !== undefined ? { candidate: verdict.candidate } : {};
  return { status: verdict.status, reason: verdict.reason, counterexample: verdict.counterexample ?? null, ...candidate, ...(cost ? { cost } : {}) };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

