/**
 * Containment: escapes from the SES compartment. Each attack runs in a real worker thread
 * under lockdown; the test asserts the specific status, that the host process is untouched,
 * that the event is in the audit trail, and that a normal run of the same document still works.
 */
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { run, SandboxPool, type RunResult } from "../../runtime/index.js";
import type { LoadedDocument } from "../../spec/load.js";
import { auditedAs, makeDocument, tempDir } from "./fixtures.js";

const code = String.raw`
export function ok(): number { return 42; }
export function fnCtor(): string {
  try { return typeof (function () {}).constructor("return process")(); } catch (e: any) { return "blocked: " + e.name; }
}
export function asyncFnCtor(): string {
  try { (async function () {}).constructor("return process"); return "constructed"; } catch (e: any) { return "blocked: " + e.name; }
}
export function genFnCtor(): string {
  try { (function* () {}).constructor("return process"); return "constructed"; } catch (e: any) { return "blocked: " + e.name; }
}
export function asyncGenFnCtor(): string {
  try { (async function* () {}).constructor("return process"); return "constructed"; } catch (e: any) { return "blocked: " + e.name; }
}
export function globalFunctionThis(): string[] {
  const g: any = Function("return this")();
  if (g === undefined || g === null) return ["this:" + typeof g];
  return ["process", "require", "Buffer", "setTimeout", "fetch", "WebAssembly", "SharedArrayBuffer", "Atomics", "performance", "queueMicrotask", "structuredClone"].map((n) => n + ":" + typeof g[n]);
}
export function pollutes(): string { (Object.prototype as any).polluted = "yes"; return "polluted"; }
export function pollutesArray(): string { (Array.prototype as any).push = () => 0; return "polluted"; }
export function checkPollution(): string { return String(({} as any).polluted) + "," + typeof ([] as any).push; }
export function prepareStack(): string {
  (Error as any).prepareStackTrace = (_e: any, frames: any[]) => frames.map((f) => typeof f.getThis === "function" ? f.getThis() : f);
  const s: any = new Error("x").stack;
  return typeof s === "string" || s === undefined ? "contained:" + typeof s : "leaked:" + typeof s;
}
export function captureStack(): string {
  const o: any = {};
  if (typeof (Error as any).captureStackTrace === "function") (Error as any).captureStackTrace(o);
  return String(o.stack ?? "");
}
export function proxyOverflow(): string {
  const p: any = new Proxy({}, { get: () => p.deeper });
  try { return p.x; } catch (e: any) {
    try { return typeof e.constructor.constructor("return process")(); } catch (e2: any) { return "blocked: " + e2.name; }
  }
}
export function promiseSpecies(): string {
  Object.defineProperty(Promise, Symbol.species, { get() { return function () { return globalThis; }; } });
  return "redefined";
}
export async function promiseSubclassSpecies(): Promise<string> {
  let seen = "none";
  class P extends Promise<any> { static get [Symbol.species]() { seen = "species"; return Promise; } }
  await P.resolve(1).then((x: any) => x);
  return seen + ":" + typeof (globalThis as any).process;
}
export function dynamicImport(): Promise<unknown> { return import("node:child_process"); }
export function probeProcess(): string[] {
  const g: any = globalThis;
  return [typeof g.process, typeof g.require, typeof g.module, typeof g.global, typeof g.Buffer, String(Object.getOwnPropertyNames(g).filter((n) => /^(process|require|Buffer|setTimeout|setInterval|setImmediate|fetch|Worker|module|global)$/.test(n)))];
}
export function nestedCompartment(): string {
  const C: any = (globalThis as any).Compartment;
  if (typeof C !== "function") return "no Compartment";
  return new C({ globals: {}, __options__: true }).evaluate("[typeof process, typeof require, typeof Buffer].join()");
}
export function processEnv(): unknown { return (globalThis as any).process.env; }
export function processKill(): unknown { return (globalThis as any).process.kill((globalThis as any).process.pid, "SIGKILL"); }
export function timing(): string[] {
  const out: string[] = [];
  try { out.push("Date.now=" + Date.now()); } catch (e: any) { out.push("Date.now throws"); }
  try { out.push("new Date=" + new Date().getTime()); } catch (e: any) { out.push("new Date throws"); }
  try { out.push("Math.random=" + Math.random()); } catch (e: any) { out.push("Math.random throws"); }
  out.push("performance:" + typeof (globalThis as any).performance);
  return out;
}
export function catchViolationAndSpin(a: number[]): number {
  try { return a[a.length + 5]!; } catch { for (;;) {} }
}
// Module code reaching the check object through the wrapper's arguments and trying to replace
// an entry precondition check (registrations run first; the first one wins; the table closes).
try { (arguments as any)[3].entry("overrideEntryCheck", () => undefined); } catch {}
export function overrideEntryCheck(x: number): number {
  return x;
}
export function leakViaArguments(): string {
  return "done";
}
`;

let doc: LoadedDocument;
let audit: string;
const pool = new SandboxPool();

beforeAll(async () => {
  const dir = tempDir();
  audit = join(dir, "audit.jsonl");
  doc = await makeDocument({
    dir,
    code,
    functions: [
      "ok", "fnCtor", "asyncFnCtor", "genFnCtor", "asyncGenFnCtor", "globalFunctionThis", "pollutes", "pollutesArray", "checkPollution",
      "prepareStack", "captureStack", "proxyOverflow", "promiseSpecies", "promiseSubclassSpecies", "dynamicImport",
      "probeProcess", "nestedCompartment", "processEnv", "processKill", "timing", "catchViolationAndSpin",
      { name: "overrideEntryCheck", preconditions: ["x >= 0"] }, "leakViaArguments",
    ],
  });
});
afterAll(async () => {
  await pool.close();
});

async function attack(entry: string, args: readonly unknown[] = [], mode: "development" | "production" = "development"): Promise<RunResult> {
  const result = await run(doc, entry, args, { verification: [], audit, pool, mode });
  // Audited, host alive, and the same document still runs normally afterwards.
  expect(auditedAs(audit, entry, result), `audit record for ${entry}`).toBeDefined();
  const after = await run(doc, "ok", [], { verification: [], audit, pool });
  expect(after.status).toBe("ok");
  expect(after.value).toBe(42);
  return result;
}

describe("containment: escapes from the compartment", () => {
  it("plain Function constructor cannot build a function that reaches the host", async () => {
    const r = await attack("fnCtor");
    expect(r.status).toBe("ok");
    expect(r.value).toMatch(/^blocked|^undefined$/);
  });
  it.each(["asyncFnCtor", "genFnCtor", "asyncGenFnCtor"])("%s: the constructor is inert", async (entry) => {
    const r = await attack(entry);
    expect(r.status).toBe("ok");
    expect(r.value).toMatch(/^blocked: TypeError/);
  });
  it("Function('return this') gives the compartment's global, which holds no host authority", async () => {
    const r = await attack("globalFunctionThis");
    expect(r.status).toBe("ok");
    for (const entry of r.value as string[]) expect(entry).toMatch(/:undefined$/);
  });
  it("Object.prototype pollution fails under lockdown and does not reach the host or the next run", async () => {
    const r = await attack("pollutes");
    expect(r.status).toBe("error");
    expect(r.error?.message).toMatch(/TypeError/);
    expect(({} as Record<string, unknown>)["polluted"]).toBeUndefined();
    const next = await run(doc, "checkPollution", [], { verification: [], audit, pool });
    expect(next.value).toBe("undefined,function");
  });
  it("Array.prototype pollution fails under lockdown", async () => {
    const r = await attack("pollutesArray");
    expect(r.status).toBe("error");
    expect(typeof [].push).toBe("function");
  });
  it("Error.prepareStackTrace cannot hand out call-site objects", async () => {
    const r = await attack("prepareStack");
    expect(r.status).toBe("ok");
    expect(r.value).toMatch(/^contained:/);
  });
  it("Error.captureStackTrace does not reveal host paths", async () => {
    const r = await attack("captureStack");
    expect(r.status).toBe("ok");
    expect(String(r.value)).not.toMatch(/dist\/runtime|node:internal|\/work\//);
  });
  it("stack overflow through a Proxy, caught, gives no constructor that reaches the host", async () => {
    const r = await attack("proxyOverflow");
    expect(r.status).toBe("ok");
    expect(r.value).toMatch(/^blocked|^undefined$/);
  });
  it("Promise[Symbol.species] cannot be redefined (frozen intrinsics)", async () => {
    const r = await attack("promiseSpecies");
    expect(r.status).toBe("error");
    expect(r.error?.message).toMatch(/TypeError/);
  });
  it("a Promise subclass with its own species stays inside the compartment", async () => {
    const r = await attack("promiseSubclassSpecies");
    expect(r.status).toBe("ok");
    expect(String(r.value)).toMatch(/:undefined$/);
  });
  it("source text containing import( is rejected by SES before anything runs", async () => {
    const other = await makeDocument({ code: `export function f(): string { return "import(" + "'node:fs')"; }`, functions: ["f"] });
    const r = await run(other, "f", [], { verification: [], audit, pool, mode: "development" });
    expect(r.status).toBe("error");
    expect(r.error?.message).toMatch(/import/i);
    expect(auditedAs(audit, "f", r)).toBeDefined();
    expect((await run(doc, "ok", [], { verification: [], audit, pool })).status).toBe("ok");
  });
  it("dynamic import() of child_process is refused as a capability violation", async () => {
    const r = await attack("dynamicImport");
    // TypeScript's CommonJS output turns import() into require(); refused → violation.
    expect(r.status).toBe("violation");
    expect(r.violations[0]?.kind).toBe("capability");
    expect(r.violations[0]?.message).toMatch(/child_process/);
  });
  it("process / require / Buffer / timers are absent from the compartment's globals", async () => {
    const r = await attack("probeProcess");
    expect(r.status).toBe("ok");
    expect(r.value).toEqual(["undefined", "undefined", "undefined", "undefined", "undefined", ""]);
  });
  it("a nested Compartment made by guest code gets no more authority", async () => {
    const r = await attack("nestedCompartment");
    expect(r.status).toBe("ok");
    expect(r.value).toMatch(/^(undefined,undefined,undefined|no Compartment)$/);
  });
  it("a static import of node:child_process is refused at module load (capability violation)", async () => {
    const other = await makeDocument({ code: `import { execSync } from "node:child_process";\nexport function f(): string { return String(execSync("id")); }`, functions: ["f"] });
    const r = await run(other, "f", [], { verification: [], audit, pool, mode: "development" });
    expect(r.status).toBe("violation");
    expect(r.violations[0]?.message).toMatch(/child_process/);
    expect(auditedAs(audit, "f", r)).toBeDefined();
    expect((await run(doc, "ok", [], { verification: [], audit, pool })).status).toBe("ok");
  });
  it("process.env is unreachable", async () => {
    const r = await attack("processEnv");
    expect(r.status).toBe("error");
    expect(r.error?.message).toMatch(/TypeError/);
  });
  it("process.kill is unreachable and the host survives", async () => {
    const r = await attack("processKill");
    expect(r.status).toBe("error");
    expect(process.exitCode ?? 0).toBe(0);
  });
  it("timing probes: Date.now, new Date() and Math.random throw; no performance", async () => {
    const r = await attack("timing");
    expect(r.status).toBe("ok");
    expect(r.value).toEqual(["Date.now throws", "new Date throws", "Math.random throws", "performance:undefined"]);
  });
  it("a violation caught by guest code still ends the run as a violation (the host stops it)", async () => {
    const r = await attack("catchViolationAndSpin", [[1, 2, 3]]);
    expect(r.status).toBe("violation");
    expect(r.violations[0]?.kind).toBe("bounds");
  });
  it("entry preconditions are enforced on arguments from outside, even if module code tries to replace the check", async () => {
    const r = await attack("overrideEntryCheck", [-1]);
    expect(r.status).toBe("violation");
    expect(r.violations[0]?.id).toMatch(/precondition\/entry#1$/);
  });
});
