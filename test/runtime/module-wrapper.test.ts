/**
 * The module wrapper (runtime/guest/session.ts wrapModule) does not hand the hardened check
 * object to module code through `arguments`: module code sees an empty `arguments`, `this` is
 * undefined, and only instrumented code reaches the check object, by its fresh name. The control
 * evaluates the same probe in the previous wrapper, where `arguments[3]` was the check object —
 * so the assertions below fail on that wrapper.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { run, SandboxPool } from "../../runtime/index.js";
import { wrapModule } from "../../runtime/guest/session.js";
import type { LoadedDocument } from "../../spec/load.js";
import type { ObligationResult } from "../../verifier/obligation.js";
import { makeDocument, tempDir } from "./fixtures.js";

/** What module code can see of its wrapper: `arguments`, `this`, and a name built at run time. */
const probeSource = String.raw`
const args: any = arguments;
const self: any = this;
let viaEval = "unreachable";
try { const v: any = (0, eval)("__anrf" + "_c"); viaEval = v !== null && typeof v === "object" && typeof v.b === "function" ? "check object" : typeof v; } catch (e: any) { viaEval = "throws " + e?.constructor?.name; }
export function probe(): unknown[] {
  let fourth = "none";
  for (let i = 0; i < args.length; i++) if (args[i] !== null && typeof args[i] === "object" && typeof args[i].b === "function") fourth = "check object at " + i;
  return [args.length, typeof args[3], fourth, self === undefined, viaEval];
}
export function outOfBounds(a: number[]): number {
  return a[a.length]!;
}
`;

describe("wrapModule: the check object is not in module code's arguments", () => {
  // Plain evaluation in this process (no SES) of the CommonJS text: the wrapper's own behaviour.
  const probeJs = `"use strict";\nObject.defineProperty(exports, "__esModule", { value: true });\nconst args = arguments;\nconst self = this;\nexports.seen = () => [args.length, args[3], self];\nexports.reach = () => __anrf_c.b;`;
  const checkObject = Object.freeze({ b: () => "the check object" });
  const evaluate = (wrapped: string) => {
    const exports: Record<string, () => unknown> = {};
    (0, eval)(wrapped)(exports, () => ({}), { exports }, checkObject);
    return exports;
  };

  it("the new wrapper: arguments is empty, this is undefined, instrumented code still reaches the check object by name", () => {
    const m = evaluate(wrapModule("__anrf_c", probeJs));
    expect(m["seen"]!()).toEqual([0, undefined, undefined]);
    expect(m["reach"]!()).toBe(checkObject.b);
  });

  it("control: the previous wrapper exposed the check object as arguments[3] (the assertion above fails on it)", () => {
    const old = `(function (exports, require, module, __anrf_c) {\n${probeJs}\n})`;
    const m = evaluate(old);
    const [length, fourth] = m["seen"]!() as unknown[];
    expect(length).toBe(4);
    expect(fourth).toBe(checkObject);
    expect(m["seen"]!()).not.toEqual([0, undefined, undefined]);
  });

  it("the module keeps its line numbers: its first line is the evaluated text's second line", () => {
    expect(wrapModule("__anrf_c", "A\nB").split("\n").slice(1)).toEqual(["A", "B", "}).call(this); })"]);
  });
});

describe("in the sandbox (worker + SES compartment)", () => {
  let doc: LoadedDocument;
  const pool = new SandboxPool();
  beforeAll(async () => {
    doc = await makeDocument({ dir: tempDir(), code: probeSource, functions: ["probe", "outOfBounds"] });
  });
  afterAll(async () => {
    await pool.close();
  });
  const opts = (mode: "development" | "testing" | "production") => ({ verification: [] as ObligationResult[], pool, mode });

  it("module code finds no check object in arguments, nor by a name built at run time", async () => {
    for (const mode of ["development", "testing", "production"] as const) {
      const r = await run(doc, "probe", [], opts(mode));
      expect(r.error).toBeUndefined();
      expect(r.status).toBe("ok");
      const [length, fourth, found, thisUndefined, viaEval] = r.value as unknown[];
      expect(length).toBe(0);
      expect(fourth).toBe("undefined");
      expect(found).toBe("none");
      expect(thisUndefined).toBe(true);
      // indirect eval runs in the compartment's global scope, without the wrapper's parameter
      // (SES refuses a module with a direct eval expression outright: SES_EVAL_REJECTED)
      expect(["undefined", "throws ReferenceError"]).toContain(viaEval);
    }
  });

  it("checks still run (instrumented code reaches the check object by its fresh name)", async () => {
    const r = await run(doc, "outOfBounds", [[1, 2, 3]], opts("development"));
    expect(r.status).toBe("violation");
    expect(r.violations[0]).toMatchObject({ kind: "bounds", values: { index: "3", length: "3" } });
  });
});
