/**
 * Worker bootstrap, in this order (ES modules evaluate imports in order):
 * 1. alloc-budget: wrap the ArrayBuffer / typed-array constructors (before SES captures them);
 * 1b. fixed-buffers: no resizable, transferable or detachable ArrayBuffers (issue 9, class B);
 * 2. ses: install lockdown/Compartment/harden;
 * 3. lockdown() with every option spelled out, so LOCKDOWN_* environment variables cannot
 *    weaken it (the worker gets `env: {}` anyway):
 *    - errorTaming "safe": guest code never sees `error.stack` (no host paths, no V8 frames);
 *    - stackFiltering "concise", reporting "none": nothing printed (stdout is not inherited);
 *    - errorTrapping / unhandledRejectionTrapping "none": the session reports errors as data;
 *    - overrideTaming "moderate": ordinary `X.prototype.toString = …` in module code keeps
 *      working without letting anyone mutate the frozen shared intrinsics;
 *    - evalTaming "safe-eval": compartments can evaluate module text, and `eval`/`Function`
 *      inside a compartment stay confined to that compartment's globals;
 *    - regExpTaming / localeTaming / domainTaming / __hardenTaming__ "safe".
 */
import "./alloc-budget.js";
import "./fixed-buffers.js";
import "ses";

lockdown({
  errorTaming: "safe",
  errorTrapping: "none",
  reporting: "none",
  unhandledRejectionTrapping: "none",
  regExpTaming: "safe",
  localeTaming: "safe",
  consoleTaming: "safe",
  overrideTaming: "moderate",
  stackFiltering: "concise",
  domainTaming: "safe",
  evalTaming: "safe-eval",
  legacyRegeneratorRuntimeTaming: "safe",
  __hardenTaming__: "safe",
  overrideDebug: [],
} as Parameters<typeof lockdown>[0]);
