/**
 * worker_threads entry (compiledPath("runtime/guest/worker")). boot.js must be the first
 * import: it wraps the allocation constructors and locks the realm down before anything else.
 */
import "./no-signals.js";
import "./boot.js";
import { parentPort } from "node:worker_threads";
import { makeSession, settleThen } from "./session.js";
import type { GuestMessage, HostMessage } from "./protocol.js";

const port = parentPort;
if (port === null) throw new Error("runtime/guest/worker must run in a worker thread");
const postMessage = port.postMessage.bind(port);
const post = (message: GuestMessage): void => postMessage(message);
const session = makeSession(post);
let queue: Promise<void> = Promise.resolve();
port.on("message", (message: HostMessage) => {
  // Runs are serialised: one guest run at a time per worker.
  queue = queue
    .then(() => session(message))
    .then(() => {
      // Post-run handshake from a macrotask: it runs only after every microtask the run left
      // behind has finished, so the host never reuses a container with guest work still going.
      if (message.type === "run") settleThen(() => post({ type: "idle", runId: message.runId }));
    })
    .catch((error: unknown) => {
      post({ type: "done", runId: -1, status: "error", error: { code: "ANRF_SANDBOX_PROTOCOL", message: String((error as Error)?.message ?? error) }, violations: [], checksExecuted: 0, allocBytes: 0, guestMs: 0 });
    });
});
post({ type: "ready" });
