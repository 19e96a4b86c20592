import { ExitCode, processIo, type CliIo } from "./io.js";
import { UsageError } from "./args.js";

/** A command is a module with `run(argv, io) => exit code`; loaded lazily so `anrf validate` never loads z3 or ts-morph. */
export interface CommandModule {
  readonly run: (argv: readonly string[], io: CliIo) => Promise<number>;
}

const commands: Record<string, { summary: string; load: () => Promise<CommandModule> }> = {
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

export function usage(): string {
  const width = Math.max(...Object.keys(commands).map((c) => c.length));
  const lines = Object.entries(commands).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`);
  return `usage: anrf <command> [options]\n\ncommands:\n${lines.join("\n")}\n\nRun 'anrf <command> --help' for a command's options.\n`;
}

export async function runCli(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    (name === undefined ? io.stderr : io.stdout)(usage());
    return name === undefined ? ExitCode.usage : ExitCode.ok;
  }
  const command = Object.hasOwn(commands, name) ? commands[name] : undefined;
  if (command === undefined) {
    io.stderr(`anrf: unknown command '${name}'\n\n${usage()}`);
    return ExitCode.usage;
  }
  try {
    const module = await command.load();
    return await module.run(rest, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`anrf ${name}: ${error.message}\n`);
      return ExitCode.usage;
    }
    // Internal errors: one line for the user, the stack only when asked for.
    const message = error instanceof Error ? error.message : String(error);
    io.stderr(`anrf ${name}: internal error: ${message}\n`);
    if (io.env["ANRF_DEBUG"] && error instanceof Error && error.stack) io.stderr(`${error.stack}\n`);
    return ExitCode.usage;
  }
}
