/**
 * One small, strict argument parser for every command, so that all of them treat
 * unknown flags, missing values and bad numbers the same way (a UsageError, exit 2).
 */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

export type FlagSpec =
  | { readonly kind: "boolean" }
  | { readonly kind: "string"; readonly choices?: readonly string[] }
  | { readonly kind: "number"; readonly min?: number; readonly integer?: boolean }
  | { readonly kind: "list" };

export type FlagValues = Record<string, string | number | boolean | string[] | undefined>;

export interface ParsedArgs {
  readonly positionals: string[];
  readonly flags: FlagValues;
}

export function parseArgs(argv: readonly string[], spec: Readonly<Record<string, FlagSpec>>): ParsedArgs {
  const positionals: string[] = [];
  const flags: FlagValues = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--") {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith("--") || arg === "-") {
      if (arg.startsWith("-") && arg !== "-") throw new UsageError(`unknown option '${arg}'`);
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf("=");
    const name = arg.slice(2, eq === -1 ? undefined : eq);
    const flag = spec[name];
    if (flag === undefined) throw new UsageError(`unknown option '--${name}'`);
    if (flag.kind === "boolean") {
      if (eq !== -1) throw new UsageError(`option '--${name}' takes no value`);
      flags[name] = true;
      continue;
    }
    let value: string | undefined;
    if (eq !== -1) value = arg.slice(eq + 1);
    else {
      value = argv[i + 1];
      if (value === undefined || value.startsWith("--")) throw new UsageError(`option '--${name}' needs a value`);
      i++;
    }
    flags[name] = coerce(name, flag, value, flags[name]);
  }
  return { positionals, flags };
}

function coerce(name: string, flag: FlagSpec, value: string, previous: FlagValues[string]): FlagValues[string] {
  switch (flag.kind) {
    case "string":
      if (flag.choices && !flag.choices.includes(value)) {
        throw new UsageError(`option '--${name}' must be one of ${flag.choices.join(", ")} (got '${value}')`);
      }
      return value;
    case "number": {
      const n = Number(value);
      if (value.trim() === "" || !Number.isFinite(n)) throw new UsageError(`option '--${name}' needs a number (got '${value}')`);
      if (flag.integer && !Number.isInteger(n)) throw new UsageError(`option '--${name}' needs a whole number (got '${value}')`);
      if (flag.min !== undefined && n < flag.min) throw new UsageError(`option '--${name}' must be at least ${flag.min} (got '${value}')`);
      return n;
    }
    case "list":
      return [...((previous as string[] | undefined) ?? []), value];
    case "boolean":
      return true;
  }
}
