/**
 * First thing a sandbox does (isolated child, and every worker thread): take away the
 * process-level powers a guest that escaped the compartment could still reach through
 * `process` — signalling processes (`kill`, `_kill`: the one power Node's permission model
 * leaves open, and in a worker thread a way to kill the host outright), and native code
 * (`dlopen`, `binding`, `_linkedBinding`). Each becomes a non-configurable, non-writable
 * thrower, so it cannot be restored either. Nothing in the runtime or SES uses them after boot.
 */
const refuse = (): never => {
  throw new Error("ANRF_PROCESS_POWER_REFUSED: a sandbox cannot signal processes or load native code");
};
for (const name of ["kill", "_kill", "dlopen", "binding", "_linkedBinding"] as const) {
  Object.defineProperty(process, name, { value: refuse, writable: false, configurable: false, enumerable: false });
}
export {};
