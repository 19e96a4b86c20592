import { parseArgs, UsageError, type FlagSpec } from "../args.js";
import { ExitCode, type CliIo } from "../io.js";
import { loadSigner, loadTrustedKeys } from "../../proofs-cache/keys.js";
import { LocalStore } from "../../proofs-cache/local-store.js";
import { cacheStats, pruneCache, verifyCache, type CacheStats, type PruneResult, type VerifyResult } from "../../proofs-cache/maintenance.js";
import { resolveCacheDir } from "../../proofs-cache/open.js";
import { formatSize, parseSize } from "../../proofs-cache/size.js";
import { CacheConfigError } from "../../proofs-cache/errors.js";

const HELP = `usage: anrf cache <stats|prune|verify> [options]

  stats                      entries, bytes, verdicts, hit/miss totals of the local proof cache
  prune --max-size SIZE      remove least recently used entries until the cache fits (10MB, 512KiB, 1GiB)
  verify [--fix]             check every entry (JSON, digest, key, signatures); --fix removes bad ones

options:
  --cache DIR                the local store (default .anrf/cache; env ANRF_CACHE_DIR)
  -f, --format pretty|json   output format (default pretty)
  --require-trusted          verify: entries without a signature by a trusted key count as bad
                             (trusted keys: ANRF_TRUSTED_KEYS and the public half of ANRF_SIGNING_KEY)

exit codes: 0 ok, 1 verify found bad entries, 2 usage or internal error
`;

const SPEC: Record<string, FlagSpec> = {
  cache: { kind: "string" },
  format: { kind: "string", choices: ["pretty", "json"] },
  "max-size": { kind: "string" },
  fix: { kind: "boolean" },
  "require-trusted": { kind: "boolean" },
  help: { kind: "boolean" },
};

export async function run(argv: readonly string[], io: CliIo): Promise<number> {
  const { positionals, flags } = parseArgs(argv, SPEC);
  if (flags["help"]) {
    io.stdout(HELP);
    return ExitCode.ok;
  }
  const [action, ...extra] = positionals;
  if (action === undefined) throw new UsageError(`missing action (stats, prune or verify)\n\n${HELP}`);
  if (extra.length > 0) throw new UsageError(`unexpected argument '${extra[0]}'`);
  const only = (name: string, allowed: readonly string[]) => {
    if (flags[name] !== undefined && !allowed.includes(action)) throw new UsageError(`option '--${name}' only applies to ${allowed.join(", ")}`);
  };
  only("max-size", ["prune"]);
  only("fix", ["verify"]);
  only("require-trusted", ["verify"]);
  const json = flags["format"] === "json";
  const store = new LocalStore(asUsage(() => resolveCacheDir({ dir: flags["cache"] as string | undefined, env: io.env, cwd: io.cwd })));
  const trusted = () => asUsage(() => loadTrustedKeys(io.env["ANRF_TRUSTED_KEYS"], loadSigner(io.env["ANRF_SIGNING_KEY"])));

  switch (action) {
    case "stats": {
      const stats = await cacheStats(store, trusted());
      io.stdout(json ? `${JSON.stringify(stats, null, 2)}\n` : formatStats(stats));
      return ExitCode.ok;
    }
    case "prune": {
      const raw = flags["max-size"];
      if (typeof raw !== "string") throw new UsageError("prune needs --max-size SIZE (e.g. 10MB, 1GiB)");
      const maxBytes = parseSize(raw);
      if (typeof maxBytes !== "number") throw new UsageError(maxBytes.error);
      const result = await pruneCache(store, maxBytes);
      io.stdout(json ? `${JSON.stringify({ dir: store.root, maxBytes, ...result }, null, 2)}\n` : formatPrune(store.root, maxBytes, result));
      return ExitCode.ok;
    }
    case "verify": {
      const result = await verifyCache(store, trusted(), { fix: flags["fix"] === true, requireTrusted: flags["require-trusted"] === true });
      io.stdout(json ? `${JSON.stringify({ dir: store.root, ...result }, null, 2)}\n` : formatVerify(store.root, result, flags["fix"] === true));
      return result.bad.length > 0 ? ExitCode.findings : ExitCode.ok;
    }
    default:
      throw new UsageError(`unknown action '${action}' (expected stats, prune or verify)`);
  }
}

/** Configuration the user must fix is a usage error (exit 2) with its stable code. */
function asUsage<T>(f: () => T): T {
  try {
    return f();
  } catch (error) {
    if (error instanceof CacheConfigError) throw new UsageError(`${error.message} [${error.code}]`);
    throw error;
  }
}

function formatStats(s: CacheStats): string {
  const verdicts = Object.entries(s.byStatus)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([status, n]) => `${status} ${n}`)
    .join(", ");
  const lookups = s.runs.hitsLocal + s.runs.hitsRemote + s.runs.misses;
  const rate = lookups === 0 ? "no lookups recorded" : `${(((s.runs.hitsLocal + s.runs.hitsRemote) / lookups) * 100).toFixed(1)}% hit rate`;
  const lines = [
    `proof cache ${s.dir}`,
    `  verdicts   ${s.entries} (${formatSize(s.bytes)})${verdicts ? `: ${verdicts}` : ""}`,
    `  memo       ${s.memoEntries} extraction results (${formatSize(s.memoBytes)})`,
    `  lookups    ${s.runs.hitsLocal} local hits, ${s.runs.hitsRemote} remote hits, ${s.runs.misses} misses (${rate}); ${s.runs.stores} stored`,
  ];
  if (s.newestUseMs !== undefined && s.oldestUseMs !== undefined) {
    lines.push(`  last used  ${new Date(s.oldestUseMs).toISOString()} … ${new Date(s.newestUseMs).toISOString()}`);
  }
  if (s.strayTempFiles > 0) lines.push(`  ${s.strayTempFiles} leftover temporary files (prune removes them after an hour)`);
  return `${lines.join("\n")}\n`;
}

function formatPrune(dir: string, maxBytes: number, r: PruneResult): string {
  return `pruned ${dir} to at most ${formatSize(maxBytes)}: removed ${r.removed} entries (${formatSize(r.removedBytes)}), kept ${r.keptEntries} (${formatSize(r.keptBytes)})\n`;
}

function formatVerify(dir: string, r: VerifyResult, fix: boolean): string {
  const lines = r.bad.map((b) => `  ${b.code}  ${b.path}  ${b.message}`);
  const head =
    r.bad.length === 0
      ? `${dir}: all ${r.checked} entries intact (${r.trustedSigned} signed by a trusted key, ${r.notTrusted} not)`
      : `${dir}: ${r.bad.length} of ${r.checked} entries are bad${fix ? `; removed ${r.removed}` : " (run with --fix to remove them; they are misses either way)"}`;
  return `${[head, ...lines].join("\n")}\n`;
}
