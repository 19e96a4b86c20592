/**
 * The sandbox-host process (compiledPath("runtime/host/broker-main")): owns the worker
 * threads of thread-isolation sandboxes, so that a V8 fatal out-of-memory in a worker — some
 * heap paths abort the whole process despite resourceLimits — takes down this process, not
 * the host. It relays structured-clone messages only; it never looks inside them.
 */
import "../guest/no-signals.js";
import { Worker } from "node:worker_threads";
import { compiledPath } from "../../support/compiled-path.js";
import type { BrokerEvent, BrokerRequest } from "./broker-protocol.js";

const send = process.send?.bind(process);
if (send === undefined) throw new Error("broker-main must be started with an IPC channel");
const emit = (event: BrokerEvent): void => void send(event);
const workers = new Map<number, Worker>();
const entry = compiledPath("runtime/guest/worker");

process.on("message", (request: BrokerRequest) => {
  switch (request.op) {
    case "start": {
      const worker = new Worker(entry, { env: {}, stdout: true, stderr: true, argv: [], resourceLimits: request.resourceLimits });
      worker.stdout.resume();
      worker.stderr.resume();
      let error: Error | undefined;
      worker.on("error", (e) => (error ??= e));
      worker.on("message", (msg: unknown) => emit({ id: request.id, msg }));
      worker.on("exit", (code) => {
        workers.delete(request.id);
        const oom = (error as { code?: string } | undefined)?.code === "ERR_WORKER_OUT_OF_MEMORY";
        emit({
          id: request.id,
          exit: oom
            ? { reason: "out-of-memory", detail: "the worker reached its heap limit (resourceLimits)" }
            : error !== undefined
              ? { reason: "crashed", detail: `worker error: ${error.message}` }
              : { reason: "terminated", detail: `worker exited with code ${code}` },
        });
      });
      workers.set(request.id, worker);
      return;
    }
    case "post":
      workers.get(request.id)?.postMessage(request.msg);
      return;
    case "kill": {
      const worker = workers.get(request.id);
      if (worker) void worker.terminate();
      else emit({ id: request.id, exit: { reason: "terminated", detail: "no such worker" } });
      return;
    }
  }
});
// The host went away: nothing left to serve.
process.on("disconnect", () => process.exit(0));
