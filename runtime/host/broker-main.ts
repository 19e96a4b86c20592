/**
 * The sandbox-host process (compiledPath("runtime/host/broker-main")) of ONE thread-isolation
 * sandbox: it owns exactly one worker thread, so that
 *  - a V8 fatal out-of-memory in the worker (some heap paths abort the whole process despite
 *    resourceLimits) takes down this process, not the host;
 *  - work the engine cannot interrupt (a regex compile, `indexOf` over 2^53-1 holes) cannot
 *    block the time limit: the host SIGKILLs this process, and no other run is in it;
 *  - the process's resident set is this sandbox's alone, so the host can enforce the run's
 *    memory limit on it;
 *  - this main thread never runs guest code: it exits as soon as the host goes away.
 * It relays structured-clone messages only; it never looks inside them.
 */
import "../guest/no-signals.js";
import { Worker } from "node:worker_threads";
import { compiledPath } from "../../support/compiled-path.js";
import type { BrokerEvent, BrokerRequest } from "./broker-protocol.js";

const send = process.send?.bind(process);
if (send === undefined) throw new Error("broker-main must be started with an IPC channel");
const emit = (event: BrokerEvent): void => void send(event);
let worker: Worker | undefined;
const entry = compiledPath("runtime/guest/worker");

process.on("message", (request: BrokerRequest) => {
  switch (request.op) {
    case "start": {
      if (worker !== undefined) return; // one worker per sandbox-host process
      const w = new Worker(entry, { env: {}, stdout: true, stderr: true, argv: [], resourceLimits: request.resourceLimits });
      worker = w;
      w.stdout.resume();
      w.stderr.resume();
      let oom = false;
      let failed = false;
      // Only the error's code is looked at: its message may be guest text.
      w.on("error", (e) => {
        failed = true;
        if ((e as { code?: string }).code === "ERR_WORKER_OUT_OF_MEMORY") oom = true;
      });
      w.on("message", (msg: unknown) => emit({ id: request.id, msg }));
      w.on("exit", (code) => {
        emit({
          id: request.id,
          exit: oom
            ? { reason: "out-of-memory", detail: "the worker reached its heap limit (resourceLimits)" }
            : failed
              ? { reason: "crashed", detail: "the worker stopped on an uncaught error" }
              : { reason: "terminated", detail: `worker exited with code ${code}` },
        });
        // One sandbox per process: nothing left to host.
        process.exit(0);
      });
      return;
    }
    case "post":
      worker?.postMessage(request.msg);
      return;
    case "kill":
      // The host SIGKILLs this process; this is only the polite path.
      process.exit(0);
  }
});
// The host went away: nothing left to serve (pdeathsig covers a host that died without closing IPC).
process.on("disconnect", () => process.exit(0));
