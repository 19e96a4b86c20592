/**
 * One `anrf verify --watch --format json` session for the cache benchmark: wait for the first
 * report, then write edited versions of the document one at a time (a second apart, as a person
 * saves), timing each from the write to its report line. Peak RSS is the process's VmHWM.
 */
import { spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { factsOf, type RunFacts } from "./report-facts.js";

export interface WatchEdit {
  /** From writing the file to receiving the report line (ms). */
  readonly sinceWriteMs: number;
  /** The watch's own figure: from its look at the files to the finished report (ms). */
  readonly elapsedMs: number;
  readonly facts: RunFacts;
}

export interface WatchSession {
  readonly firstRunMs: number;
  readonly edits: readonly WatchEdit[];
  readonly maxRssKb: number;
}

export interface SessionOptions {
  readonly root: string;
  readonly dir: string;
  readonly document: string;
  readonly edits: number;
  /** The document's text for edit n (n ≥ 1; each must differ from the others and from 0). */
  readonly render: (edit: number) => string;
  readonly env: NodeJS.ProcessEnv;
}

export async function watchSession(options: SessionOptions): Promise<WatchSession> {
  const args = [join(options.root, "bin", "anrf.js"), "verify", options.document, "--watch", "--format", "json", "--cache", join(options.dir, "cache")];
  const child = spawn(process.execPath, args, { cwd: options.dir, env: options.env, stdio: ["ignore", "pipe", "pipe"] });
  const lines: Array<{ at: number; report: any }> = [];
  let buffer = "";
  let stderr = "";
  let wake: (() => void) | undefined;
  child.stdout.on("data", (chunk: Buffer) => {
    const at = performance.now();
    buffer += chunk.toString("utf8");
    let nl: number;
    while ((nl = buffer.indexOf("\n")) !== -1) {
      lines.push({ at, report: JSON.parse(buffer.slice(0, nl)) });
      buffer = buffer.slice(nl + 1);
      wake?.();
    }
  });
  child.stderr.on("data", (d) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
  const line = async (n: number): Promise<{ at: number; report: any }> => {
    const deadline = Date.now() + 600_000;
    while (lines.length < n) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`watch report ${n} never came: ${stderr.slice(0, 2000)}`);
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, 100);
      });
    }
    return lines[n - 1]!;
  };
  try {
    const first = await line(1);
    const edits: WatchEdit[] = [];
    for (let k = 1; k <= options.edits; k++) {
      await new Promise((r) => setTimeout(r, 1000));
      const written = performance.now();
      writeFileSync(options.document, options.render(k));
      const got = await line(k + 1);
      edits.push({ sinceWriteMs: got.at - written, elapsedMs: got.report.watch.elapsedMs, facts: factsOf(got.report) });
    }
    const maxRssKb = Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, "utf8"))?.[1] ?? NaN);
    return { firstRunMs: first.report.watch.elapsedMs, edits, maxRssKb };
  } finally {
    child.kill("SIGTERM");
    await exited;
  }
}
