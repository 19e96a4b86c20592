/**
 * One loaded module inside a worker (or isolated child): receives `load` once, then `run`
 * messages; every run gets a fresh Compartment, fresh module instance, fresh check state and
 * a fresh ArrayBuffer budget, so nothing a run does survives into the next one (the shared
 * intrinsics are frozen by lockdown). Transport-agnostic: `post` is the worker's parentPort or
 * the child's IPC channel, captured before any guest code runs.
 */
import { allocBudgetUsage, resetAllocBudget } from "./alloc-budget.js";
import { makeChecks } from "./checks.js";
import { makeRequire } from "./module-require.js";
import { toPlainData } from "./plain-data.js";
import { toolCodeOf } from "./tool-errors.js";
import type { GuestMessage, HostMessage, LoadMessage, RunMessage, ViolationData } from "./protocol.js";

const RealString = String;
const RealError = Error;
const now = performance.now.bind(performance);
// SES keeps stacks from compartments (errorTaming "safe"), but gives the start compartment
// getStackString: used only here, to tell the host where in the module a facade was called.
const getStackString = (globalThis as { getStackString?: (e: Error) => string }).getStackString;

/** The innermost frame of evaluated module code, as a line:column of the generated JavaScript. */
function guestCallSite(): { line: number; column: number } | undefined {
  if (getStackString === undefined) return undefined;
  try {
    const m = /<anonymous>:(\d+):(\d+)\)?\s*$/m.exec(getStackString(new RealError("where")));
    // Line 1 of the evaluated text is the wrapper's `(function (…) {`.
    return m ? { line: Number(m[1]) - 1, column: Number(m[2]) } : undefined;
  } catch {
    return undefined;
  }
}

export type Post = (message: GuestMessage) => void;

const realSetImmediate = setImmediate;
/** Run `then` from a macrotask: after the microtask queue (guest leftovers included) is empty. */
export function settleThen(then: () => void): void {
  realSetImmediate(then);
}

/**
 * SES leaves Float32Array/Float64Array out of compartments by default (they expose NaN bit
 * patterns, a minor side channel). Numeric kernels need them; they are hardened primordials
 * (here: the budget-charging wrappers from alloc-budget.ts), so endowing them grants no
 * authority beyond that accepted channel.
 */
const floatArrays = { Float32Array: globalThis.Float32Array, Float64Array: globalThis.Float64Array };

/** Thrown into guest code on a violation; guest code may catch it, but the run is already lost. */
class SandboxViolation extends RealError {}

function errorText(error: unknown): { code: string; message: string; guestCode?: string } {
  // The code is the tool's only for errors trusted code threw (tool-errors.ts); a guest's own
  // `code` — "ANRF_TIMEOUT" included — is kept apart as guestCode.
  const tool = toolCodeOf(error);
  try {
    if (typeof error === "object" && error !== null) {
      const code = (error as { code?: unknown }).code;
      const message = (error as { message?: unknown }).message;
      const name = (error as { name?: unknown }).name;
      const text = `${typeof name === "string" ? name : "Error"}: ${RealString(message)}`.slice(0, 2000);
      if (tool !== undefined) return { code: tool, message: text };
      return typeof code === "string" || typeof code === "number"
        ? { code: "ANRF_GUEST_ERROR", message: text, guestCode: RealString(code).slice(0, 80) }
        : { code: "ANRF_GUEST_ERROR", message: text };
    }
    return { code: "ANRF_GUEST_ERROR", message: `thrown: ${RealString(error)}`.slice(0, 2000) };
  } catch {
    return { code: "ANRF_GUEST_ERROR", message: "a value that cannot be described was thrown" };
  }
}

/**
 * The function expression the module is evaluated as: `(exports, require, module, <checkParam>)`.
 * The module body runs in an inner function called with no arguments, so its `arguments` is
 * that function's (empty): module code cannot reach the check object as `arguments[3]` — only
 * instrumented code reaches it, by its fresh name, which the module text cannot contain. `this`
 * is forwarded (undefined, as before); both functions are strict (compartment code is strict
 * anyway; the directive keeps it so where the text is evaluated elsewhere). Everything before
 * the module stays on the first line, so the module's line 1 is still the evaluated text's line 2
 * (guestCallSite). A function expression, not an arrow: an arrow would see the wrapper's
 * `arguments`.
 */
export function wrapModule(checkParam: string, js: string): string {
  return `(function (exports, require, module, ${checkParam}) { "use strict"; return (function () {\n${js}\n}).call(this); })`;
}

export function makeSession(post: Post): (message: HostMessage) => Promise<void> {
  let loaded: LoadMessage | undefined;
  return async (message) => {
    if (message.type === "load") {
      if (loaded !== undefined) throw new RealError("a sandbox is bound to one module; it cannot be reloaded");
      loaded = message;
      return;
    }
    if (loaded === undefined) throw new RealError("run before load");
    await runOnce(loaded, message, post);
  };
}

async function runOnce(load: LoadMessage, run: RunMessage, post: Post): Promise<void> {
  const started = now();
  resetAllocBudget(load.allocBytes);
  const violations: ViolationData[] = [];
  const entity = load.entities[run.entry] ?? run.entry;
  let checks: ReturnType<typeof makeChecks> | undefined;
  const violate = (violation: ViolationData): Error => {
    violations.push(violation);
    post({ type: "violation", runId: run.runId, violation, checksExecuted: checks?.executed() ?? 0, claimsGranted: checks?.claimsGranted() ?? 0, counters: checks?.counters() });
    return new SandboxViolation(violation.message);
  };
  const deny = (operation: string, path: string, reason: string): never => {
    throw violate({
      id: `${entity}/capability/${operation}`,
      kind: "capability",
      entity,
      location: null,
      message: `capability violation: ${operation}('${path}') refused: ${reason}`,
      generated: guestCallSite(),
    });
  };
  checks = makeChecks({
    specs: load.checks,
    mode: load.mode,
    mounts: load.grants.mounts.map((m) => m.mount),
    writable: load.grants.filesystem === "ReadWrite",
    violate,
  });

  let live = true;
  let status: "ok" | "error" | "violation" | "out-of-memory" = "ok";
  let value: unknown;
  let error: { code: string; message: string; guestCode?: string } | undefined;
  try {
    // Only hardened endowments; the compartment's own globals are SES's safe subset
    // (no process, require, timers, fetch; Date.now / Math.random throw).
    const compartment = new Compartment({ globals: floatArrays, __options__: true });
    // Lockdown froze the intrinsics, not the compartment's bindings to them: `Math = fake` would
    // succeed, and every proof that trusted Math.floor, Number.isInteger or Uint8Array (the
    // verifier resolves those names to the built-ins) would stop holding. No global changes.
    Object.freeze(compartment.globalThis);
    const factory = compartment.evaluate(wrapModule(load.checkParam, load.js)) as (...a: unknown[]) => unknown;
    const module = { exports: {} as Record<string, unknown> };
    factory(module.exports, makeRequire(load.grants, deny, () => live, run.writeQuota), module, checks.api);
    checks.seal();
    const exported = module.exports;
    const entry = typeof exported === "object" && exported !== null ? exported[run.entry] : undefined;
    if (typeof entry !== "function") {
      error = { code: "ANRF_ENTRY_NOT_FOUND", message: `the module exports no function '${run.entry}'` };
      status = "error";
    } else {
      // Shapes first: entry preconditions and every proof assume the declared parameter types.
      const shapes = load.shapes !== undefined && Object.hasOwn(load.shapes, run.entry) ? load.shapes[run.entry] : undefined;
      const args = shapes !== undefined ? checks.admit(shapes, run.args) : [...run.args];
      const entryCheck = checks.entryCheck(run.entry);
      entryCheck?.(args); // throws when a precondition does not hold: no call then
      // Rebuilt arguments only (admit): the entry may claim them as arrays nobody else reaches,
      // and learn which entry check they passed (checks.ts `ca`).
      if (shapes !== undefined) checks.enter(entry, args, entryCheck !== undefined ? run.entry : undefined);
      let result: unknown;
      try {
        result = Reflect.apply(entry as (...a: unknown[]) => unknown, undefined, args);
      } finally {
        checks.leave();
      }
      if (typeof result === "object" && result !== null && typeof (result as { then?: unknown }).then === "function") result = await result;
      value = toPlainData(result, load.resultBytes);
    }
  } catch (thrown) {
    error = errorText(thrown);
    status = "error";
  }
  live = false;
  if (allocBudgetUsage().exceeded) {
    // Whatever the guest did with the budget error (caught it, rethrew another), the run is out
    // of memory, and says so with the tool's code.
    status = "out-of-memory";
    const usage = allocBudgetUsage();
    error = { code: "ANRF_ALLOC_BUDGET", message: `ANRF_ALLOC_BUDGET: the run exceeded its ArrayBuffer budget of ${usage.limit} bytes` };
  }
  if (violations.length > 0) status = "violation";
  if (status !== "ok") value = undefined;
  post({
    type: "done",
    runId: run.runId,
    status,
    value,
    error: status === "ok" || status === "violation" ? undefined : error ?? { code: "ANRF_ALLOC_BUDGET", message: "ArrayBuffer budget exceeded" },
    violations,
    checksExecuted: checks.executed(),
    claimsGranted: checks.claimsGranted(),
    counters: checks.counters(),
    allocBytes: allocBudgetUsage().used,
    guestMs: now() - started,
  });
}
