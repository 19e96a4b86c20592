/**
 * A guest in a worker thread: `env: {}` (never SHARE_ENV; also keeps LOCKDOWN_* variables out),
 * stdout/stderr piped and discarded (not inherited), resourceLimits from the document's memory
 * limit, no argv/execArgv handed through beyond the parent's (workers inherit execArgv, so a
 * parent under the permission model keeps its child workers under it too).
 */
import { Worker } from "node:worker_threads";
import { compiledPath } from "../../support/compiled-path.js";
import type { Channel, ExitInfo } from "./channel.js";
import type { RunLimits } from "./types.js";

export function startThreadChannel(limits: RunLimits): Channel {
  const worker = new Worker(compiledPath("runtime/guest/worker"), {
    env: {},
    stdout: true,
    stderr: true,
    argv: [],
    resourceLimits: {
      maxOldGenerationSizeMb: limits.maxOldGenerationSizeMb,
      maxYoungGenerationSizeMb: limits.maxYoungGenerationSizeMb,
      stackSizeMb: limits.stackSizeMb,
    },
  });
  worker.stdout.resume();
  worker.stderr.resume();
  let exitInfo: ExitInfo | undefined;
  let error: Error | undefined;
  const exitListeners: Array<(info: ExitInfo) => void> = [];
  worker.on("error", (e) => (error ??= e));
  worker.on("exit", (code) => {
    const oom = (error as { code?: string } | undefined)?.code === "ERR_WORKER_OUT_OF_MEMORY";
    exitInfo = oom
      ? { reason: "out-of-memory", detail: "the worker reached its heap limit (resourceLimits)" }
      : error !== undefined
        ? { reason: "crashed", detail: "the worker stopped on an uncaught error" } // its message may be guest text
        : { reason: "terminated", detail: `worker exited with code ${code}` };
    for (const l of exitListeners) l(exitInfo);
  });
  return {
    post: (m) => worker.postMessage(m),
    onMessage: (l) => void worker.on("message", l),
    onExit: (l) => {
      if (exitInfo !== undefined) l(exitInfo);
      else exitListeners.push(l);
    },
    kill: async () => {
      if (exitInfo !== undefined) return;
      worker.ref(); // an idle worker is unref'd; keep the loop alive until it has stopped
      await worker.terminate();
    },
    ref: () => worker.ref(),
    unref: () => worker.unref(),
  };
}
