/**
 * Vitest global set-up (runs once, in the main process): makes sure the real remote proof cache
 * (nginx, .ci/start-cache-server.sh) answers before any test runs, and stops it when the suite ends
 * if this suite started it. A server that was already running (started by .ci/run or by hand) is
 * left as found.
 *
 * - nginx answering: nothing to do.
 * - not answering, nginx installed: started here, stopped in the teardown.
 * - nginx not installed: under CI=true the suite fails at once; locally a loud banner says how to
 *   get it, and the remote-cache tests fail with the same advice (never a silent skip).
 *
 * Temporary files: every test, worker and child process of this run gets one fresh TMPDIR (set
 * before the test workers start, so `os.tmpdir()` and child processes see it), removed in the
 * teardown. Tests make hundreds of temp folders per run; none outlives the run.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cacheServerUrl, HOW_TO_GET_NGINX, serverAnswers, startScript } from "./cache-server.js";

export default async function setup(): Promise<() => Promise<void>> {
  let startedHere = false;
  if (!(await serverAnswers(cacheServerUrl))) {
    const ci = process.env["CI"] === "true";
    if (new URL(cacheServerUrl).hostname !== "127.0.0.1") {
      if (ci) throw new Error(`remote cache server ${cacheServerUrl} (ANRF_TEST_REMOTE_CACHE) is not answering`);
    } else {
      try {
        startScript({ ANRF_CACHE_SERVER_PORT: new URL(cacheServerUrl).port || "80" });
        startedHere = true;
      } catch (error) {
        if (ci) throw error;
        const line = "!".repeat(100);
        process.stderr.write(`\n${line}\n!! ${(error as Error).message}\n!! ${HOW_TO_GET_NGINX}\n${line}\n\n`);
      }
    }
  }
  // Vitest runs this once per project: the first makes the folder, the others find it. Short on
  // purpose: Chromium's singleton socket must fit in a Unix socket path (108 bytes).
  const ownsTmp = process.env["ANRF_TEST_RUN_TMP"] === undefined;
  const previousTmp = process.env["TMPDIR"];
  if (ownsTmp) {
    const runTmp = mkdtempSync(join(tmpdir(), "anrf-t-"));
    process.env["ANRF_TEST_RUN_TMP"] = runTmp;
    process.env["TMPDIR"] = runTmp;
  }
  return async () => {
    if (ownsTmp) {
      const runTmp = process.env["ANRF_TEST_RUN_TMP"]!;
      delete process.env["ANRF_TEST_RUN_TMP"];
      if (previousTmp === undefined) delete process.env["TMPDIR"];
      else process.env["TMPDIR"] = previousTmp;
      rmSync(runTmp, { recursive: true, force: true, maxRetries: 3 });
    }
    if (startedHere) startScript({ ANRF_CACHE_SERVER_PORT: new URL(cacheServerUrl).port || "80" }, ["--stop"]);
  };
}
