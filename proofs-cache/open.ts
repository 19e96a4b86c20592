import { isAbsolute, join, resolve } from "node:path";
import type { CacheOptions, ExtractionMemo, VerdictCache } from "./api.js";
import { readCacheConfig, type CacheConfigFile } from "./config-file.js";
import type { Signer, TrustedKeys } from "./envelope.js";
import { LayeredExtractionMemo } from "./extraction-memo.js";
import { loadSigner, loadTrustedKeys } from "./keys.js";
import { LocalStore } from "./local-store.js";
import { authFromEnv, RemoteCache } from "./remote-cache.js";
import { recordRun } from "./run-stats.js";
import { LayeredVerdictCache } from "./verdict-cache.js";
import { Warnings } from "./warnings.js";

/**
 * Entry points for the verifier and the CLI. Neither these nor anything they import loads z3
 * or ts-morph: a run in which everything hits touches only node:fs, node:crypto and fetch.
 *
 * Precedence, for every setting: explicit option (CLI flag) > environment variable >
 * `<cwd>/anrf.config.json` "cache" section (config-file.ts) > default.
 * - local dir: options.dir | ANRF_CACHE_DIR | config dir | <cwd>/.anrf/cache (relative paths resolve against cwd)
 * - remote:    options.remoteUrl | ANRF_REMOTE_CACHE | config remoteUrl (none by default), auth from
 *              ANRF_REMOTE_CACHE_TOKEN or ANRF_REMOTE_CACHE_USER/ANRF_REMOTE_CACHE_PASSWORD,
 *              ANRF_REMOTE_CACHE_TIMEOUT_MS (5000), ANRF_REMOTE_CACHE_RETRIES (2), ANRF_REMOTE_CACHE_MAX_FAILURES (3)
 * - keys:      ANRF_SIGNING_KEY, ANRF_TRUSTED_KEYS (keys.ts)
 * - off:       options.enabled === false (--no-cache) or ANRF_NO_CACHE=1 → undefined
 *
 * Throws CacheConfigError (stable `code`, clear message) for settings the user must fix:
 * a malformed URL or key. Everything at run time is a warning instead.
 */
export async function openVerdictCache(options: CacheOptions = {}): Promise<VerdictCache | undefined> {
  return openLayeredCache(options);
}

/** Same as openVerdictCache with the concrete type (counters) — for the CLI and tests. */
export async function openLayeredCache(options: CacheOptions = {}): Promise<LayeredVerdictCache | undefined> {
  if (!isEnabled(options)) return undefined;
  const { local, remote, signer, trusted, warnings } = contextFor(options);
  return new LayeredVerdictCache({
    local,
    remote,
    signer,
    trusted,
    warnings,
    onClose: (counters) => recordRun(local.root, counters),
  });
}

/**
 * The extraction memo. Opened with the same options object as the verdict cache, it shares its
 * remote client (one circuit breaker) and its warnings (so memo problems reach the report).
 */
export function openExtractionMemo(options: CacheOptions = {}): ExtractionMemo | undefined {
  if (!isEnabled(options)) return undefined;
  const { local, remote, signer, trusted, warnings } = contextFor(options);
  return new LayeredExtractionMemo({ local, remote, signer, trusted, warnings });
}

interface Context {
  readonly local: LocalStore;
  readonly remote: RemoteCache | undefined;
  readonly signer: Signer | undefined;
  readonly trusted: TrustedKeys;
  readonly warnings: Warnings;
}

const contexts = new WeakMap<CacheOptions, Context>();

function contextFor(options: CacheOptions): Context {
  const known = contexts.get(options);
  if (known !== undefined) return known;
  const env = envOf(options);
  const config = configOf(options);
  const warnings = new Warnings();
  const local = new LocalStore(resolveCacheDir(options));
  const signer = loadSigner(env["ANRF_SIGNING_KEY"]);
  const trusted = loadTrustedKeys(nonEmpty(env["ANRF_TRUSTED_KEYS"]) ?? config?.trustedKeys?.join(","), signer);
  const remoteUrl = options.remoteUrl ?? nonEmpty(env["ANRF_REMOTE_CACHE"]) ?? config?.remoteUrl;
  const remote =
    remoteUrl === undefined
      ? undefined
      : new RemoteCache({
          url: remoteUrl,
          auth: authFromEnv(env),
          timeoutMs: positiveInt(env["ANRF_REMOTE_CACHE_TIMEOUT_MS"], config?.timeoutMs ?? 5000),
          retries: positiveInt(env["ANRF_REMOTE_CACHE_RETRIES"], config?.retries ?? 2),
          maxFailures: Math.max(1, positiveInt(env["ANRF_REMOTE_CACHE_MAX_FAILURES"], config?.maxFailures ?? 3)),
          warnings,
        });
  const context = { local, remote, signer, trusted, warnings };
  contexts.set(options, context);
  return context;
}

export function resolveCacheDir(options: CacheOptions = {}): string {
  const cwd = options.cwd ?? process.cwd();
  const dir = options.dir ?? nonEmpty(envOf(options)["ANRF_CACHE_DIR"]);
  if (dir === undefined) return configOf(options)?.dir ?? join(cwd, ".anrf", "cache");
  return isAbsolute(dir) ? dir : resolve(cwd, dir);
}

/** The project's anrf.config.json "cache" section, if any (throws CacheConfigError when malformed). */
function configOf(options: CacheOptions): CacheConfigFile | undefined {
  return readCacheConfig(options.cwd ?? process.cwd());
}

function isEnabled(options: CacheOptions): boolean {
  if (options.enabled === false) return false;
  const off = envOf(options)["ANRF_NO_CACHE"];
  return !(off !== undefined && off !== "" && off !== "0" && off !== "false");
}

function envOf(options: CacheOptions): Readonly<Record<string, string | undefined>> {
  return options.env ?? process.env;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === "" ? undefined : value.trim();
}

function positiveInt(value: string | undefined, fallback: number): number {
  if (value === undefined || value.trim() === "") return fallback;
  const n = Number(value);
  return Number.isInteger(n) && n >= 0 ? n : fallback;
}
