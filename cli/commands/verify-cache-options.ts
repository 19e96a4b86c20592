/**
 * The one place that turns the cache flags of `anrf verify` / `anrf explain` into a verdict
 * cache and an extraction memo (proofs-cache/open.ts). Precedence: flag > env > default.
 */
import { UsageError, type FlagSpec, type FlagValues } from "../args.js";
import type { CliIo } from "../io.js";
import type { ExtractionMemo, VerdictCache } from "../../proofs-cache/api.js";
import { CacheConfigError } from "../../proofs-cache/errors.js";
import { openExtractionMemo, openVerdictCache } from "../../proofs-cache/open.js";
import { parseShard, type Shard } from "../../proofs-cache/shard.js";

export const CACHE_FLAGS: Record<string, FlagSpec> = {
  cache: { kind: "string" },
  "no-cache": { kind: "boolean" },
  "remote-cache": { kind: "string" },
};

export const CACHE_HELP = `  --cache DIR          local proof cache (default .anrf/cache; env ANRF_CACHE_DIR)
  --no-cache           neither read nor write the proof cache (env ANRF_NO_CACHE=1)
  --remote-cache URL   Bazel-style HTTP remote cache (env ANRF_REMOTE_CACHE)`;

export interface OpenedCache {
  readonly cache: VerdictCache | undefined;
  readonly memo: ExtractionMemo | undefined;
}

export async function openCacheFromFlags(flags: FlagValues, io: CliIo): Promise<OpenedCache> {
  if (flags["no-cache"] && (flags["cache"] !== undefined || flags["remote-cache"] !== undefined)) {
    throw new UsageError("--no-cache cannot be combined with --cache or --remote-cache");
  }
  const options = {
    dir: flags["cache"] as string | undefined,
    enabled: flags["no-cache"] ? false : undefined,
    remoteUrl: flags["remote-cache"] as string | undefined,
    env: io.env,
    cwd: io.cwd,
  };
  try {
    return { cache: await openVerdictCache(options), memo: openExtractionMemo(options) };
  } catch (error) {
    if (error instanceof CacheConfigError) throw new UsageError(`${error.message} [${error.code}]`);
    throw error;
  }
}

export function shardFromFlag(value: string | undefined): Shard | undefined {
  if (value === undefined) return undefined;
  const shard = parseShard(value);
  if ("error" in shard) throw new UsageError(shard.error);
  return shard;
}
