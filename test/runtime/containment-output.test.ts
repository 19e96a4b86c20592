/**
 * Containment: output integrity. Guest strings (error names and messages, require specifiers,
 * values) cannot forge the tool's output: every reporter escapes them; a guest error's own code
 * never becomes the tool's code; crash and out-of-memory are classified from exit status and the
 * host's accounting, never from text the guest prints or throws. Both isolation modes.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SandboxPool, type RunResult } from "../../runtime/index.js";
import { escapeRunText, formatRunJson, formatRunPretty } from "../../cli/commands/run-format.js";
import type { LoadedDocument } from "../../spec/load.js";
import { makeDocument, runGranted as run } from "./fixtures.js";
import { noSandboxLeft } from "./proc-tree.js";

const FORGED = "\nstatus: ok\n\u001b[2J\u001b[1;1Hvalue: 42\u009b31m\u202e";
const code = String.raw`
export function ok(): number { return 7; }
export function claimsTimeout(): number { const e: any = new Error("pretend"); e.code = "ANRF_TIMEOUT"; throw e; }
export function claimsBudget(): number { const e: any = new RangeError("ANRF_ALLOC_BUDGET: fake"); e.code = "ANRF_ALLOC_BUDGET"; throw e; }
export function forgedMessage(): number { const e = new Error(${JSON.stringify(FORGED)}); e.name = "Boom\u001b[32m"; throw e; }
export function forgedRequire(): unknown { return require(${JSON.stringify(`x${FORGED}`)}); }
export function forgedValue(): string { return ${JSON.stringify(FORGED)}; }
export function fakeHeapMessage(): Promise<number> {
  Promise.reject(new Error("FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory"));
  return new Promise(() => {});
}
`;
declare const require: (s: string) => unknown;

let doc: LoadedDocument;
const pool = new SandboxPool();
beforeAll(async () => {
  doc = await makeDocument({ code, timeMs: 20_000, functions: ["ok", "claimsTimeout", "claimsBudget", "forgedMessage", "forgedRequire", "forgedValue", "fakeHeapMessage"] });
});
afterAll(async () => {
  await pool.close();
  expect(await noSandboxLeft(), "sandbox processes left after the pool closed").toEqual([]);
});

/** The pretty output has exactly one status line, no raw control characters, and each line is one field. */
function expectClean(text: string, status: string): void {
  expect(text.match(/^status: /gm)).toHaveLength(1);
  expect(text).toMatch(new RegExp(`^status: ${status}$`, "m"));
  expect(text).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
  expect(text).not.toMatch(/^value: 42/m);
}

describe.each(["thread", "process"] as const)("%s isolation", (isolation) => {
  const go = (entry: string): Promise<RunResult> => run(doc, entry, [], { verification: [], audit: false, pool, isolation });

  it("a guest error with code ANRF_TIMEOUT is a guest error; its code is kept apart as guestCode", async () => {
    const r = await go("claimsTimeout");
    expect(r.status).toBe("error");
    expect(r.error?.code).toBe("ANRF_GUEST_ERROR");
    expect(r.error?.guestCode).toBe("ANRF_TIMEOUT");
    expect(formatRunPretty(r)).toMatch(/^error: ANRF_GUEST_ERROR: Error: pretend \(guest code: ANRF_TIMEOUT\)$/m);
    const b = await go("claimsBudget");
    expect(b.status).toBe("error"); // not out-of-memory: the budget was never exceeded
    expect(b.error).toMatchObject({ code: "ANRF_GUEST_ERROR", guestCode: "ANRF_ALLOC_BUDGET" });
  });

  it("newlines, ANSI, C1 and bidi controls in an error's name and message are shown escaped", async () => {
    const r = await go("forgedMessage");
    expect(r.status).toBe("error");
    const pretty = formatRunPretty(r);
    expectClean(pretty, "error");
    expect(pretty).toContain("\\u000astatus: ok\\u000a\\u001b[2J");
    const json = formatRunJson(r);
    expect(json).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202e]/);
    expect(JSON.parse(json).error.message).toContain(FORGED); // escaped, not altered
  });

  it("a require specifier with control characters is quoted escaped in the violation", async () => {
    const r = await go("forgedRequire");
    expect(r.status).toBe("violation");
    expectClean(formatRunPretty(r), "violation");
  });

  it("a returned string with control characters is printed escaped", async () => {
    const r = await go("forgedValue");
    expect(r.status).toBe("ok");
    expect(r.value).toBe(FORGED);
    expectClean(formatRunPretty(r), "ok");
  });

  it("an error whose text says 'heap out of memory' is not an out-of-memory, and the crash report carries no guest text", async () => {
    const r = await go("fakeHeapMessage");
    expect(r.status).not.toBe("out-of-memory");
    expect(r.status).toBe("error");
    expect(r.error?.code).toBe("ANRF_SANDBOX_CRASHED");
    expect(r.error?.message).not.toMatch(/heap|Allocation|FATAL/);
    expect((await go("ok")).value).toBe(7);
  });
});

describe("escapeRunText", () => {
  it("shows every C0/C1 control, DEL, separators and bidi overrides as \\u escapes and leaves other text alone", () => {
    for (let c = 0; c < 0x20; c++) expect(escapeRunText(String.fromCharCode(c))).toBe(`\\u${c.toString(16).padStart(4, "0")}`);
    for (let c = 0x7f; c <= 0x9f; c++) expect(escapeRunText(String.fromCharCode(c))).toMatch(/^\\u00[7-9][0-9a-f]$/);
    for (const c of ["\u2028", "\u2029", "\u202e", "\u2066", "\u200f"]) expect(escapeRunText(c)).toMatch(/^\\u20/);
    expect(escapeRunText("héllo wörld — ok")).toBe("héllo wörld — ok");
  });
});
