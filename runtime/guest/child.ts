/**
 * Child-process entry for process isolation (compiledPath("runtime/guest/child")). The guest
 * runs on this process's main thread — no nested worker, so the child needs no --allow-worker —
 * under Node's permission model, a minimal environment and an address-space rlimit set by the
 * host. Messages arrive over the IPC channel (structured-clone serialization).
 */
import "./no-signals.js";
import "./boot.js";
import { makeSession, settleThen } from "./session.js";
import type { GuestMessage, HostMessage } from "./protocol.js";

const send = process.send?.bind(process);
if (send === undefined) throw new Error("runtime/guest/child must be started with an IPC channel");
const post = (message: GuestMessage): void => void send(message);
const session = makeSession(post);
let queue: Promise<void> = Promise.resolve();
process.on("message", (message: HostMessage) => {
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
