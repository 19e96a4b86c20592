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
 */
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
  return async () => {
    if (startedHere) startScript({ ANRF_CACHE_SERVER_PORT: new URL(cacheServerUrl).port || "80" }, ["--stop"]);
  };
}
