/**
 * `anrf.config.json` in the working directory: project defaults for every command. Flags always
 * override it (cli/args.ts applies these as defaults only for flags the user did not give).
 *
 *   {
 *     "include": ["src/**\/*.anrf.json"],      documents when a command is given no paths
 *     "exclude": ["src/legacy/**"],            removed from what include finds
 *     "jobs": 2,                               --jobs
 *     "timeouts": { "solverMs": 10000,         --timeout of verify / explain (per obligation)
 *                   "runMs": 5000 },           --timeout of run (wall time of one run)
 *     "rlimit": 0,                             --rlimit
 *     "strict": false,                         --strict
 *     "mode": "production",                    --mode of run
 *     "policy": "ops/anrf.cedar",              --policy FILE (the operator's Cedar policy) of verify and run, or
 *     "policy": { "file": "ops/anrf.cedar",    the same, with the operator's mount bindings
 *                 "mounts": { "/data": "/srv/data" } }   (--mount NAME=DIR; a flag replaces that NAME only)
 *     "remote": "https://cache.example/anrf",  --remote-cache
 *     "keys": { "trusted": ["keys/ci.pub.pem"] },  public keys trusted for cache entries (ANRF_TRUSTED_KEYS)
 *     "cache": { "dir": …, "remoteUrl": …, "trustedKeys": …, "timeoutMs": …, "retries": …, "maxFailures": … }
 *   }
 *
 * The "cache" section is read by proofs-cache/config-file.ts (precedence flag > env > file); it is
 * declared here too so that one schema checks the whole file. Secrets (signing keys, tokens) never
 * belong here: they come from the environment. Errors are usage errors with file:line:column and the
 * JSON pointer (spec/json-position.ts, spec/json-pointer-position.ts), exit 2.
 *
 * To map a new setting onto a flag: add it to the schema and one line to FLAG_DEFAULTS.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import * as Cause from "effect/Cause";
import * as Exit from "effect/Exit";
import * as Schema from "effect/Schema";
import { lineColumnAt, parseJsonText } from "../spec/json-position.js";
import { pointerSpan } from "../spec/json-pointer-position.js";
import { schemaIssueToFindings } from "../spec/schema-findings.js";
import { UsageError, type FlagDefault, type InvocationDefaults } from "./args.js";
import { parsePolicyConfig, type PolicyConfig } from "../policy/config.js";

export const CONFIG_FILE = "anrf.config.json";

const PositiveInt = Schema.Number.check(Schema.isInt(), Schema.isGreaterThanOrEqualTo(1));
const Count = Schema.Number.check(Schema.isInt(), Schema.isGreaterThanOrEqualTo(0));
const NonEmpty = Schema.String.check(Schema.isMinLength(1));
const Strings = Schema.Array(NonEmpty);

export const AnrfConfigSchema = Schema.Struct({
  $schema: Schema.optionalKey(Schema.String),
  include: Schema.optionalKey(Strings),
  exclude: Schema.optionalKey(Strings),
  jobs: Schema.optionalKey(PositiveInt),
  timeouts: Schema.optionalKey(Schema.Struct({ solverMs: Schema.optionalKey(PositiveInt), runMs: Schema.optionalKey(PositiveInt) })),
  rlimit: Schema.optionalKey(Count),
  strict: Schema.optionalKey(Schema.Boolean),
  mode: Schema.optionalKey(Schema.Literals(["production", "testing", "development"])),
  // A string is the --policy flag's default; an object ({ file, mounts }) is read by policy/config.ts.
  policy: Schema.optionalKey(Schema.Union([NonEmpty, Schema.Record(Schema.String, Schema.Unknown)])),
  remote: Schema.optionalKey(NonEmpty),
  keys: Schema.optionalKey(Schema.Struct({ trusted: Schema.optionalKey(Schema.Union([NonEmpty, Strings])) })),
  cache: Schema.optionalKey(
    Schema.Struct({
      dir: Schema.optionalKey(NonEmpty),
      remoteUrl: Schema.optionalKey(NonEmpty),
      trustedKeys: Schema.optionalKey(Schema.Union([NonEmpty, Strings])),
      timeoutMs: Schema.optionalKey(Count),
      retries: Schema.optionalKey(Count),
      maxFailures: Schema.optionalKey(Count),
    }),
  ),
});
export type AnrfConfig = typeof AnrfConfigSchema.Type;

const decode = Schema.decodeUnknownExit(AnrfConfigSchema, { errors: "all", onExcessProperty: "error" });

/**
 * Setting → the flag it defaults, per command (`*` = every command that declares the flag).
 * One line per mapping; a command that does not declare the flag ignores the setting.
 */
const FLAG_DEFAULTS: readonly { flag: string; commands: "*" | readonly string[]; pointer: string; value: (c: AnrfConfig) => FlagDefault["value"] | undefined }[] = [
  { flag: "jobs", commands: "*", pointer: "/jobs", value: (c) => c.jobs },
  { flag: "timeout", commands: ["verify", "explain"], pointer: "/timeouts/solverMs", value: (c) => c.timeouts?.solverMs },
  { flag: "timeout", commands: ["run"], pointer: "/timeouts/runMs", value: (c) => c.timeouts?.runMs },
  { flag: "rlimit", commands: "*", pointer: "/rlimit", value: (c) => c.rlimit },
  { flag: "strict", commands: "*", pointer: "/strict", value: (c) => c.strict },
  { flag: "mode", commands: "*", pointer: "/mode", value: (c) => c.mode },
  { flag: "policy", commands: "*", pointer: "/policy", value: (c) => (typeof c.policy === "string" ? c.policy : undefined) },
  { flag: "remote-cache", commands: "*", pointer: "/remote", value: (c) => c.remote },
];

export interface LoadedConfig {
  readonly file: string;
  readonly config: AnrfConfig;
  /** The text, for line:column of problems found after the schema (the policy section). */
  readonly text?: string;
}

/** Reads `<cwd>/anrf.config.json`; undefined when there is none. Throws UsageError with line:column when it is wrong. */
export function loadConfig(cwd: string): LoadedConfig | undefined {
  const file = join(cwd, CONFIG_FILE);
  if (!existsSync(file)) return undefined;
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new UsageError(`${CONFIG_FILE}: cannot read (${error instanceof Error ? error.message : String(error)})`);
  }
  return { file, config: parseConfig(text), text };
}

/** The pure core: text → config, or a UsageError naming `anrf.config.json:line:column` and the JSON pointer of each problem. */
export function parseConfig(text: string): AnrfConfig {
  const parsed = parseJsonText(text);
  if (!parsed.ok) throw new UsageError(`${CONFIG_FILE}:${parsed.line}:${parsed.column}: invalid JSON: ${parsed.message}`);
  const exit = decode(parsed.value);
  if (Exit.isSuccess(exit)) return exit.value;
  const squashed = Cause.squash(exit.cause);
  if (!Schema.isSchemaError(squashed)) throw squashed;
  const problems = schemaIssueToFindings(squashed.issue, parsed.value).map((f) => {
    const span = pointerSpan(text, f.path);
    const at = span === undefined ? { line: 1, column: 1 } : lineColumnAt(text, span.start);
    return `${CONFIG_FILE}:${at.line}:${at.column}: ${f.path || "(top level)"}: ${f.message}`;
  });
  throw new UsageError(`${problems.length === 1 ? "" : `${problems.length} problems in ${CONFIG_FILE}:\n  `}${problems.join("\n  ")}`);
}

/** The defaults for one command: flag defaults, config-derived environment, and the include/exclude document list. */
export function invocationFromConfig(loaded: LoadedConfig | undefined, command: string, cwd: string): InvocationDefaults & { readonly env: Record<string, string> } {
  if (loaded === undefined) return { flags: {}, env: {} };
  const { config } = loaded;
  const policy = policySection(loaded);
  const flags: Record<string, FlagDefault> = {};
  for (const mapping of FLAG_DEFAULTS) {
    if (mapping.commands !== "*" && !mapping.commands.includes(command)) continue;
    const value = mapping.value(config);
    if (value !== undefined) flags[mapping.flag] = { value, origin: `${CONFIG_FILE} ${mapping.pointer}` };
  }
  if (policy?.file !== undefined) flags["policy"] = { value: policy.file, origin: `${CONFIG_FILE} /policy/file` };
  const env: Record<string, string> = {};
  const trusted = config.keys?.trusted;
  if (trusted !== undefined) {
    // Paths resolve against the project; PEM text passes through (proofs-cache/keys.ts reads both).
    const list = typeof trusted === "string" ? [trusted] : trusted;
    env["ANRF_TRUSTED_KEYS"] = list.map((k) => (!k.includes("-----BEGIN") && existsSync(resolve(cwd, k)) ? resolve(cwd, k) : k)).join(",");
  }
  const include = config.include;
  const paths = include === undefined ? undefined : () => expandIncludes(include, config.exclude ?? [], cwd);
  return { flags, env, paths, ...(policy !== undefined ? { policy } : {}) };
}

/** The object form of "policy": the operator's file and mount bindings, paths relative to the config's folder. */
function policySection(loaded: LoadedConfig): PolicyConfig | undefined {
  const section = loaded.config.policy;
  if (typeof section !== "object") return undefined;
  const parsed = parsePolicyConfig(section, dirname(loaded.file));
  if (parsed.ok) return parsed.config;
  const span = loaded.text === undefined ? undefined : pointerSpan(loaded.text, parsed.pointer);
  const at = span === undefined || loaded.text === undefined ? { line: 1, column: 1 } : lineColumnAt(loaded.text, span.start);
  throw new UsageError(`${CONFIG_FILE}:${at.line}:${at.column}: ${parsed.pointer}: ${parsed.message}`);
}

/** Globs (tinyglobby; a plain folder means every *.anrf.json below it) minus the exclude globs, sorted. */
export async function expandIncludes(include: readonly string[], exclude: readonly string[], cwd: string): Promise<string[]> {
  const { glob } = await import("tinyglobby");
  const patterns = include.map((p) => (!/[*?[\]{}]/.test(p) && isDirectory(resolve(cwd, p)) ? `${p.replace(/\/+$/, "")}/**/*.anrf.json` : p));
  const files = await glob(patterns, { cwd, ignore: [...exclude, "**/node_modules/**"], onlyFiles: true, dot: false });
  return files.sort();
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
