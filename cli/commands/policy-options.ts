/**
 * The operator-policy flags shared by `anrf run` and `anrf verify` (declared as data, like
 * every command's flags), and the one place that turns them into a checked policy: the
 * operator's Cedar file or the built-in default, parsed and validated (or known good by digest
 * in the decision cache, then Cedar is not loaded at all). A broken policy file is a usage
 * error (exit 2) with file:line:column for each problem.
 */
import { resolve } from "node:path";
import { invocationDefaults, UsageError, type FlagSpec, type FlagValues } from "../args.js";
import type { CliIo } from "../io.js";
import { resolveCacheDir } from "../../proofs-cache/open.js";
import type { PolicyConfig } from "../../policy/config.js";
import { DecisionCache, openPolicy, parseMountFlag, PolicyFileError, PolicyProblemsError, type PolicySource } from "../../policy/index.js";

export const POLICY_FLAGS: Record<string, FlagSpec> = {
  policy: { kind: "string" },
  mount: { kind: "list" },
};

export const POLICY_HELP = `  --policy FILE        the operator's Cedar policy (docs/policy.md); default: the built-in
                       secure default (filesystem None, network off, memory <= 256 MiB, time <= 10 s,
                       no mount, no override)
  --mount NAME=DIR     bind the document's logical mount NAME (e.g. /data) to the real directory DIR
                       (repeatable); without it a mount can only use the document's own path, and only
                       where the policy permits it and it stays inside the document's folder`;

/** A policy file with problems: the caller prints `text` on stderr and exits 2. */
export { PolicyProblemsError };

export interface OpenedPolicy {
  readonly source: PolicySource;
  readonly cache: DecisionCache;
  readonly mounts: ReadonlyMap<string, string>;
  readonly policyFile: string | undefined;
  readonly cacheDir: string | undefined;
}

/** Whether the operator configured a policy or a mount (flags or anrf.config.json): `anrf verify` then gates. */
export function policyConfigured(flags: FlagValues): boolean {
  const config = invocationDefaults.getStore()?.policy;
  return flags["policy"] !== undefined || flags["mount"] !== undefined || config?.file !== undefined || Object.keys(config?.mounts ?? {}).length > 0;
}

/**
 * `options.config`: the anrf.config.json "policy" section (policy/config.ts parses it; the
 * config loader passes it here). Flags win: --policy replaces the file, --mount NAME replaces NAME.
 */
export async function openPolicyFromFlags(
  flags: FlagValues,
  io: CliIo,
  options: { readonly cacheDir?: string | undefined; readonly noCache?: boolean; readonly config?: PolicyConfig | undefined } = {},
): Promise<OpenedPolicy> {
  const config = options.config ?? invocationDefaults.getStore()?.policy;
  const mounts = new Map<string, string>(Object.entries(config?.mounts ?? {}));
  const fromFlags = new Set<string>();
  for (const value of (flags["mount"] as string[] | undefined) ?? []) {
    const m = parseMountFlag(value);
    if (m === undefined) throw new UsageError(`--mount needs NAME=DIR (got '${value}')`);
    if (fromFlags.has(m.name)) throw new UsageError(`--mount ${m.name} is given twice`);
    fromFlags.add(m.name);
    mounts.set(m.name, resolve(io.cwd, m.dir));
  }
  const policyFile = (flags["policy"] as string | undefined) ?? config?.file;
  const cacheDir = options.noCache ? undefined : (options.cacheDir ?? resolveCacheDir({ env: io.env, cwd: io.cwd }));
  try {
    const { source, cache } = await openPolicy(policyFile, io.cwd, cacheDir);
    return { source, cache, mounts, policyFile, cacheDir };
  } catch (error) {
    if (error instanceof PolicyFileError) throw new UsageError(error.message);
    throw error;
  }
}
