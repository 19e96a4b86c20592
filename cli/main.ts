/**
 * The `anrf` command line: dispatch, conventions and exit codes. Built on commander (cli/args.ts
 * parses every command's flags; this file handles `--help`, `--version` and "did you mean" for
 * command names).
 *
 * HOW TO ADD A COMMAND: one entry in `commands` below (name, one-line summary, lazy import). The
 * module exports `run(argv, io) => Promise<exit code>` and declares its flags as data in its own
 * file: `parseArgs(argv, { name: { kind: "string" | "number" | "boolean" | "list", … } })`.
 * HOW TO ADD A FLAG: one line in that command's flag table (cli/commands/<command>.ts) and one line
 * in its usage text. Short forms -j/-f/-w/-h come for free (cli/args.ts CONVENTIONAL_SHORTS);
 * anrf.config.json settings that should default the flag: one line in cli/config.ts FLAG_DEFAULTS.
 *
 * Exit codes (a public contract): 0 all good, 1 findings, 2 usage or internal error, 130 Ctrl-C.
 * Ctrl-C once: commands that can stop early (verify) do so and print what finished, marked partial;
 * every command then exits 130. Ctrl-C twice: exit 130 at once.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Command, CommanderError } from "commander";
import { ExitCode, processIo, type CliIo } from "./io.js";
import { invocationDefaults, UsageError } from "./args.js";
import { invocationFromConfig, loadConfig } from "./config.js";
import { projectRoot } from "../support/compiled-path.js";

/** A command is a module with `run(argv, io) => exit code`; loaded lazily so `anrf validate` never loads z3 or ts-morph. */
export interface CommandModule {
  readonly run: (argv: readonly string[], io: CliIo) => Promise<number>;
}

export interface CommandEntry {
  readonly summary: string;
  readonly load: () => Promise<CommandModule>;
}

export const commands: Readonly<Record<string, CommandEntry>> = {
  validate: { summary: "check ANRF documents against every rule", load: () => import("./commands/validate.js") },
  migrate: { summary: "upgrade a pre-1.1.0 document", load: () => import("./commands/migrate.js") },
  verify: { summary: "validate, then prove the security obligations with z3", load: () => import("./commands/verify.js") },
  explain: { summary: "show one obligation, its query, verdict and runtime consequence", load: () => import("./commands/explain.js") },
  cache: { summary: "inspect and maintain the proof cache (stats, prune, verify)", load: () => import("./commands/cache.js") },
  run: { summary: "run an entity in the sandbox with checks where proofs failed", load: () => import("./commands/run.js") },
  keys: { summary: "generate an ed25519 key pair for approvals or audit checkpoints", load: () => import("./commands/keys.js") },
  approve: { summary: "sign an approval of an override a document requests", load: () => import("./commands/approve.js") },
  audit: { summary: "verify or show the hash-chained audit log; sign a checkpoint", load: () => import("./commands/audit.js") },
  report: { summary: "verify and write a self-contained HTML report (--html FILE)", load: () => import("./commands/report.js") },
};

export function version(): string {
  try {
    return (JSON.parse(readFileSync(join(projectRoot(), "package.json"), "utf8")) as { version: string }).version;
  } catch {
    return "unknown";
  }
}

/** The top-level program (help, version, command names); each command parses its own flags. */
function program(out: string[]): Command {
  const top = new Command("anrf")
    .description("Verification-first toolchain for ANRF 1.1.0 documents: validate, prove, cache proofs, run with checks")
    .usage("<command> [options]")
    .version(version(), "-v, --version", "print the version")
    .helpOption("-h, --help", "print this help")
    .helpCommand(false)
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({ writeOut: (s) => void out.push(s), writeErr: (s) => void out.push(s), outputError: () => {} })
    .addHelpText(
      "after",
      "\nRun 'anrf <command> --help' for a command's options. Settings: anrf.config.json (flags override it).\n" +
        "Exit codes: 0 all good, 1 findings, 2 usage or internal error, 130 interrupted (Ctrl-C).\n",
    );
  for (const [name, entry] of Object.entries(commands)) top.command(name).description(entry.summary);
  return top;
}

export function usage(): string {
  const out: string[] = [];
  return program(out).helpInformation() + "\nRun 'anrf <command> --help' for a command's options. Settings: anrf.config.json (flags override it).\n";
}

export async function runCli(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  const [name, ...rest] = argv;
  if (name !== undefined && Object.hasOwn(commands, name)) return dispatch(name, commands[name]!, rest, io);
  if (name === "help" && rest[0] !== undefined && Object.hasOwn(commands, rest[0])) return dispatch(rest[0], commands[rest[0]]!, ["--help"], io);
  if (name === undefined) {
    io.stderr(usage());
    return ExitCode.usage;
  }
  // Not a command: --help, --version, or a mistake commander explains ("did you mean verify?").
  const out: string[] = [];
  try {
    program(out).parse(name === "help" ? ["--help"] : [...argv], { from: "user" });
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    if (error.code === "commander.version" || error.code === "commander.helpDisplayed") {
      io.stdout(out.join(""));
      return ExitCode.ok;
    }
    io.stderr(`anrf: ${error.message.replace(/^error: /, "")}\n\n${usage()}`);
    return ExitCode.usage;
  }
  io.stderr(usage());
  return ExitCode.usage;
}

async function dispatch(name: string, command: CommandEntry, rest: readonly string[], baseIo: CliIo): Promise<number> {
  // Ctrl-C: the first aborts io.signal (commands finish what they can and print it), the second quits.
  let controller: AbortController | undefined;
  let onSigint: (() => void) | undefined;
  if (baseIo.signal === undefined) {
    const abort = new AbortController();
    controller = abort;
    onSigint = () => {
      if (abort.signal.aborted) process.exit(ExitCode.interrupted);
      abort.abort();
      baseIo.stderr(`\nanrf ${name}: interrupted; stopping (Ctrl-C again to quit at once)\n`);
    };
    process.on("SIGINT", onSigint);
  }
  const signal = baseIo.signal ?? controller!.signal;
  try {
    const config = loadConfig(baseIo.cwd);
    const defaults = invocationFromConfig(config, name, baseIo.cwd);
    // The environment overrides the config file (flag > env > anrf.config.json > default).
    const io: CliIo = { ...baseIo, env: { ...defaults.env, ...baseIo.env }, signal };
    const module = await command.load();
    const code = await invocationDefaults.run(defaults, () => module.run(rest, io));
    return signal.aborted ? ExitCode.interrupted : code;
  } catch (error) {
    if (error instanceof UsageError) {
      baseIo.stderr(`anrf ${name}: ${error.message}\n`);
      return ExitCode.usage;
    }
    if (signal.aborted) return ExitCode.interrupted;
    // Internal errors: one line for the user, the stack only when asked for.
    const message = error instanceof Error ? error.message : String(error);
    baseIo.stderr(`anrf ${name}: internal error: ${message}\n`);
    if (baseIo.env["ANRF_DEBUG"] && error instanceof Error && error.stack) baseIo.stderr(`${error.stack}\n`);
    return ExitCode.usage;
  } finally {
    if (onSigint !== undefined) process.off("SIGINT", onSigint);
  }
}
