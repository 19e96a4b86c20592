/**
 * `anrf verify --watch`: the thin shell over verifier/watch (the library). Prints one report per
 * run — pretty, or with `--format json` one JSON object per line (the `--format json` report
 * without the obligations' SMT text, plus a `watch` member) — and ends on SIGTERM with the exit code of the latest state
 * of every watched document (0 all good, 1 findings), on Ctrl-C with 130 (cli/main.ts).
 */
import { ExitCode, type CliIo } from "../io.js";
import { watchDocuments, type WatchOptions, type WatchRun } from "../../verifier/watch/watch-documents.js";
import { verifyJsonValue, verifyPretty } from "./verify-format.js";

export async function runWatch(paths: readonly string[], options: WatchOptions, format: "pretty" | "json", io: CliIo): Promise<number> {
  const strict = options.strict === true;
  const print = (run: WatchRun): void => {
    if (format === "json") {
      const watch = { run: run.run, removed: run.removed, elapsedMs: Math.round(run.elapsedMs * 10) / 10, passed: run.passed };
      const value = verifyJsonValue(run.report);
      // One line per save: without each obligation's SMT text (megabytes for a large module);
      // `anrf explain <document> <id>` prints it.
      const documents = value.documents.map((d) => ({ ...d, obligations: d.obligations.map(({ smt: _smt, ...rest }) => rest) }));
      io.stdout(`${JSON.stringify({ ...value, documents, watch })}\n`);
      return;
    }
    const documents = run.report.documents.length;
    const what = run.run === 1 ? `verified ${documents} document${documents === 1 ? "" : "s"}` : `re-verified ${documents} changed document${documents === 1 ? "" : "s"}`;
    let out = `\n[watch] run ${run.run} at ${new Date().toLocaleTimeString()}: ${what} in ${run.elapsedMs.toFixed(0)} ms\n`;
    for (const file of run.removed) out += `${file}: no longer there (dropped from the watch)\n`;
    if (documents > 0) out += verifyPretty(run.report, { color: io.isTTY, strict });
    out += `[watch] ${run.passed ? "all watched documents pass" : "some watched documents fail"}; waiting for changes (Ctrl-C to stop)\n`;
    io.stdout(out);
  };
  const watch = await watchDocuments(
    paths,
    {
      ...options,
      onError: (error) => io.stderr(`anrf verify --watch: internal error: ${error instanceof Error ? error.message : String(error)} (still watching)\n`),
    },
    print,
  );
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      io.signal?.removeEventListener("abort", stop);
      resolve();
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
    // Ctrl-C reaches the CLI as io.signal (cli/main.ts turns the exit code into 130).
    if (io.signal?.aborted) stop();
    else io.signal?.addEventListener("abort", stop);
  });
  await watch.close();
  return watch.passed() ? ExitCode.ok : ExitCode.findings;
}
