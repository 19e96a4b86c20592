/** The runtime's library API: run an entity of an ANRF document in the sandbox. */
export { run } from "./host/run.js";
export { instrument, type InstrumentInput, type Instrumented } from "./host/instrument.js";
export { SandboxPool, defaultPool } from "./host/pool.js";
export { deriveLimits } from "./host/limits.js";
export { DEFAULT_AUDIT_FILE } from "./host/audit.js";
export type { RunLimits, RunMode, RunOptions, RunResult, RunSecurity, RunStatus, RunTiming, Violation, ViolationPolicy } from "./host/types.js";
