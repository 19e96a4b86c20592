/**
 * One argument parser for every command, on commander (the ecosystem's CLI library), so that all
 * of them treat unknown flags ("did you mean"), missing values and bad numbers the same way: a
 * UsageError, exit 2.
 *
 * Each command declares its flags as DATA (a `Record<name, FlagSpec>` in its own file) and calls
 * `parseArgs(argv, flags)`; adding a flag is one line there. Conventions applied here, in one place:
 *   - short forms: `-j` jobs, `-f` format, `-w` watch, `-h` help (or `short:` in the FlagSpec);
 *   - `--name value` and `--name=value`; repeated flags: the last wins (lists collect);
 *   - `--no-X` flags are plain booleans named "no-X" in the result;
 *   - defaults from anrf.config.json (cli/config.ts) for every flag the command declares and the
 *     user did not give: flags override the config file.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { Command, CommanderError, InvalidArgumentError, Option } from "commander";

export class UsageError extends Error {
  override readonly name = "UsageError";
}

export type FlagSpec = (
  | { readonly kind: "boolean" }
  | { readonly kind: "string"; readonly choices?: readonly string[] }
  | { readonly kind: "number"; readonly min?: number; readonly integer?: boolean }
  | { readonly kind: "list" }
) & {
  /** One-letter short form (`-x`); see CONVENTIONAL_SHORTS for the ones every command shares. */
  readonly short?: string;
};

export type FlagValues = Record<string, string | number | boolean | string[] | undefined>;

export interface ParsedArgs {
  readonly positionals: string[];
  readonly flags: FlagValues;
}

/** Short forms every command that declares the flag gets. */
export const CONVENTIONAL_SHORTS: Readonly<Record<string, string>> = { jobs: "j", format: "f", watch: "w", help: "h" };

/** Where a default came from, for error messages (e.g. "anrf.config.json: jobs"). */
export interface FlagDefault {
  readonly value: string | number | boolean | readonly string[];
  readonly origin: string;
}

/** Defaults for this command invocation (set by cli/main.ts from anrf.config.json). */
export interface InvocationDefaults {
  readonly flags: Readonly<Record<string, FlagDefault>>;
  /** Document paths to use when a command that takes paths is given none (config include/exclude). */
  readonly paths?: (() => Promise<string[]>) | undefined;
  /** anrf.config.json's "policy" object: the operator's policy file and mount bindings (policy/config.ts). */
  readonly policy?: import("../policy/config.js").PolicyConfig | undefined;
}

export const invocationDefaults = new AsyncLocalStorage<InvocationDefaults>();

export function parseArgs(argv: readonly string[], spec: Readonly<Record<string, FlagSpec>>): ParsedArgs {
  const command = new Command("anrf")
    .exitOverride()
    .configureOutput({ writeOut: () => {}, writeErr: () => {}, outputError: () => {} })
    .showSuggestionAfterError(true)
    .helpOption(false)
    .allowExcessArguments(true)
    .argument("[arguments...]");
  const names = new Set(Object.keys(spec));
  // Values are collected here as commander meets them (not from commander's opts(), which merges
  // "--no-X" into X): every flag, negations included, is its own entry; the last occurrence wins.
  const given: FlagValues = {};
  let invalid: string | undefined;
  const withHelp: Record<string, FlagSpec> = names.has("help") ? { ...spec } : { ...spec, help: { kind: "boolean" } };
  for (const [name, flag] of Object.entries(withHelp)) {
    // "--no-X" next to "--X" is commander's negation of X; alone it is a plain boolean.
    const short = flag.short ?? CONVENTIONAL_SHORTS[name];
    const flags = `${short !== undefined ? `-${short}, ` : ""}--${name}${flag.kind === "boolean" ? "" : " <value>"}`;
    const option = new Option(flags);
    if (flag.kind !== "boolean") {
      option.argParser((value: string, previous: unknown) => {
        try {
          if (value.startsWith("--") && (names.has(value.slice(2).split("=")[0]!) || value === "--")) {
            throw new InvalidArgumentError(`option '--${name}' needs a value`);
          }
          given[name] = coerce(name, flag, value, given[name]);
          return given[name];
        } catch (error) {
          if (error instanceof InvalidArgumentError) invalid = error.message;
          throw error;
        }
      });
    }
    command.addOption(option);
    if (flag.kind === "boolean") command.on(`option:${option.name()}`, () => void (given[name] = true));
  }
  try {
    command.parse([...argv], { from: "user" });
  } catch (error) {
    if (error instanceof CommanderError) {
      throw new UsageError(error.code === "commander.invalidArgument" && invalid !== undefined ? invalid : error.message.replace(/^error: /, ""));
    }
    throw error;
  }
  const flags: FlagValues = { ...given };
  applyDefaults(flags, spec);
  return { positionals: [...command.args], flags };
}

/** Flags the user did not give take anrf.config.json's values (validated exactly like a flag). */
function applyDefaults(flags: FlagValues, spec: Readonly<Record<string, FlagSpec>>): void {
  const defaults = invocationDefaults.getStore()?.flags;
  if (defaults === undefined) return;
  for (const [name, flag] of Object.entries(spec)) {
    const fallback = defaults[name];
    if (fallback === undefined || flags[name] !== undefined) continue;
    // "--no-cache" given on the command line also overrides a configured cache directory.
    if (flags[`no-${name}`] === true || (name.startsWith("no-") && flags[name.slice(3)] !== undefined)) continue;
    try {
      if (flag.kind === "boolean") flags[name] = fallback.value === true ? true : undefined;
      else if (flag.kind === "list") flags[name] = Array.isArray(fallback.value) ? [...fallback.value] : [String(fallback.value)];
      else flags[name] = coerce(name, flag, String(fallback.value), undefined);
    } catch (error) {
      if (error instanceof InvalidArgumentError) throw new UsageError(`${fallback.origin}: ${error.message}`);
      throw error;
    }
  }
}

/** Document paths for commands that take them: the positionals, else anrf.config.json's include. */
export async function documentPaths(positionals: readonly string[]): Promise<string[]> {
  if (positionals.length > 0) return [...positionals];
  const fromConfig = invocationDefaults.getStore()?.paths;
  return fromConfig === undefined ? [] : await fromConfig();
}

function coerce(name: string, flag: FlagSpec, value: string, previous: FlagValues[string]): FlagValues[string] {
  switch (flag.kind) {
    case "string":
      if (flag.choices && !flag.choices.includes(value)) {
        throw new InvalidArgumentError(`option '--${name}' must be one of ${flag.choices.join(", ")} (got '${value}')`);
      }
      return value;
    case "number": {
      const n = Number(value);
      if (value.trim() === "" || !Number.isFinite(n)) throw new InvalidArgumentError(`option '--${name}' needs a number (got '${value}')`);
      if (flag.integer && !Number.isInteger(n)) throw new InvalidArgumentError(`option '--${name}' needs a whole number (got '${value}')`);
      if (flag.min !== undefined && n < flag.min) throw new InvalidArgumentError(`option '--${name}' must be at least ${flag.min} (got '${value}')`);
      return n;
    }
    case "list":
      return [...((previous as string[] | undefined) ?? []), value];
    case "boolean":
      return true;
  }
}
