/** The effects a command may have on its terminal: injected so commands are testable in-process. */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** stdout is a terminal (colour). */
  readonly isTTY: boolean;
  /** stderr is a terminal (the progress line; cli/progress.ts). Absent = no. */
  readonly stderrIsTTY?: boolean | undefined;
  /** Aborted on the first Ctrl-C (cli/main.ts): commands stop, print what finished (marked partial), and exit 130. */
  readonly signal?: AbortSignal | undefined;
}

let stdoutClosed = false;
let guarded = false;

/**
 * A reader that goes away (`anrf verify … | head`) is not an error: once stdout reports EPIPE,
 * further output is dropped quietly and the command still ends with its own exit code.
 */
function guardPipes(): void {
  if (guarded) return;
  guarded = true;
  process.stdout.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE") stdoutClosed = true;
    else throw error;
  });
  process.stderr.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code !== "EPIPE") throw error;
  });
}

export const processIo = (): CliIo => {
  guardPipes();
  return {
    stdout: (text) => {
      if (!stdoutClosed) process.stdout.write(text);
    },
    stderr: (text) => void process.stderr.write(text),
    cwd: process.cwd(),
    env: process.env,
    isTTY: Boolean(process.stdout.isTTY),
    stderrIsTTY: Boolean(process.stderr.isTTY),
  };
};

/** Exit codes are a public contract: 0 all good, 1 findings, 2 usage or internal error, 130 interrupted (Ctrl-C). */
export const ExitCode = { ok: 0, findings: 1, usage: 2, interrupted: 130 } as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];
