/**
 * First thing a sandbox does (isolated child and worker thread alike): take away the power to
 * signal processes — the one process-level power Node's permission model leaves open, and in a
 * worker thread a way to kill the host outright. `process.kill` / `process._kill` become
 * non-configurable, non-writable throwers, so even code that reached this realm's `process`
 * cannot signal the host (same uid). Everything else (fs outside grants, child processes,
 * workers, native addons, inspector, process.binding) is refused by the permission model.
 */
const refuse = (): never => {
  throw new Error("ANRF_SIGNAL_REFUSED: a sandbox cannot signal processes");
};
for (const name of ["kill", "_kill"] as const) {
  Object.defineProperty(process, name, { value: refuse, writable: false, configurable: false, enumerable: false });
}
export {};
