/**
 * One progress line on stderr while long work runs: only on a terminal (never in pipes, files or
 * CI), only once the work has taken more than a second, rewritten in place, and erased at the end
 * so that the output that follows is exactly what a pipe would get.
 */
import type { CliIo } from "./io.js";

export interface Progress {
  /** The current state, e.g. "solving 12/40 obligations". Cheap: drawn at most every 250 ms. */
  update(text: string): void;
  /** Erases the line (if one was drawn). Idempotent. */
  done(): void;
}

export const PROGRESS_DELAY_MS = 1000;

export function progressEnabled(io: CliIo): boolean {
  const env = io.env;
  return io.stderrIsTTY === true && !env["CI"] && env["TERM"] !== "dumb" && !env["ANRF_NO_PROGRESS"];
}

export function startProgress(io: CliIo, label: string, options: { delayMs?: number; enabled?: boolean } = {}): Progress {
  if (!(options.enabled ?? progressEnabled(io))) return { update: () => {}, done: () => {} };
  const started = Date.now();
  let text = "";
  let drawn = false;
  let finished = false;
  const draw = (): void => {
    if (finished) return;
    const seconds = ((Date.now() - started) / 1000).toFixed(0);
    // \r + erase-line; cut to the terminal's width so the line never wraps.
    const line = `${label}${text ? `: ${text}` : ""} (${seconds} s)`;
    const width = process.stderr.columns ?? 80;
    io.stderr(`\r\x1b[2K${line.length >= width ? `${line.slice(0, width - 2)}…` : line}`);
    drawn = true;
  };
  let ticker: NodeJS.Timeout | undefined;
  const first = setTimeout(() => {
    draw();
    ticker = setInterval(draw, 250);
    ticker.unref();
  }, options.delayMs ?? PROGRESS_DELAY_MS);
  first.unref();
  return {
    update: (next) => {
      text = next;
    },
    done: () => {
      if (finished) return;
      finished = true;
      clearTimeout(first);
      if (ticker !== undefined) clearInterval(ticker);
      if (drawn) io.stderr("\r\x1b[2K");
    },
  };
}
