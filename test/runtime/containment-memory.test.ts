/**
 * Containment: memory. Every built-in that allocates an ArrayBuffer backing store is charged to
 * the run's byte budget — including the ones V8 implements with its own intrinsic constructor
 * (toReversed, toSorted, with) — and behind the budget the host kills a sandbox process whose
 * resident set passes the run's limit (compile bombs, anything V8 allocates). Both isolation modes.
 */
import { writeFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SandboxPool, type RunResult } from "../../runtime/index.js";
import type { LoadedDocument } from "../../spec/load.js";
import { makeDocument, tempDir, runGranted as run } from "./fixtures.js";
import { noSandboxLeft } from "./proc-tree.js";

// One `mib` MiB array, then copies kept alive: under a 64 MiB document the budget runs out long
// before `count` copies. (filter/from collect elements on the V8 heap first: a smaller source keeps
// that step inside the heap limit, so the buffer copies are what exhausts the run.)
const copies = (expr: string, mib = 32, count = 30) => `{ const big = new Uint8Array(${mib} * 1024 * 1024); const keep: unknown[] = []; for (let i = 0; i < ${count}; i++) keep.push(${expr}); return keep.length; }`;
// Element-wise copies (filter, from) walk every element: instead of many copies, fill the budget
// to 63 of 64 MiB (an untouched buffer is not even resident) and make one 2 MiB copy.
const nearlyFull = (expr: string) => `{ const pad = new Uint8Array(61 * 1024 * 1024); const small = new Uint8Array(2 * 1024 * 1024); const copy = ${expr}; return pad.length + copy.length; }`;
const ATTACKS: Record<string, string> = {
  toReversed: copies("big.toReversed()"),
  toSorted: copies("big.toSorted()"),
  withOne: copies("big.with(0, 1)"),
  slice: copies("big.slice()"),
  map: copies("big.map((x) => x)"),
  filter: nearlyFull("small.filter(() => true)"),
  from: nearlyFull("Uint8Array.from(small)"),
  of: `{ const pad = new Uint8Array(64 * 1024 * 1024 - 100000); const xs = new Array(32768).fill(1.5); const c = Float64Array.of(...xs); return pad.length + c.length; }`,
  subarrayCopy: copies("new Uint8Array(big.subarray(1))"),
  arrayBufferSlice: copies("big.buffer.slice(0)"),
  float64FromTypedArray: copies("new Float64Array(big)"),
  textEncoderEncode: `{ const s = "x".repeat(16 * 1024 * 1024); const keep: unknown[] = []; for (let i = 0; i < 30; i++) keep.push(new TextEncoder().encode(s)); return keep.length; }`,
  fromBase64: `{ const s = "AAAA".repeat(8 * 1024 * 1024); const U: any = Uint8Array; if (typeof U.fromBase64 !== "function") return -1; const keep: unknown[] = []; for (let i = 0; i < 30; i++) keep.push(U.fromBase64(s)); return keep.length; }`,
};

const code = String.raw`
import { readFileSync } from "node:fs";
export function ok(): number { return 7; }
${Object.entries(ATTACKS).map(([name, body]) => `export function ${name}(): number ${body}`).join("\n")}
export function copiesAreRight(): unknown {
  const u = new Uint8Array([3, 1, 2]);
  const f = new Float64Array([2.5, -1]);
  const into = new Uint8Array(8);
  const r = new TextEncoder().encodeInto("héllo", into);
  return [Array.from(u.toReversed()), Array.from(u.toSorted()), Array.from(u.toSorted((a, b) => b - a)), Array.from(u.with(0, 9)), Array.from(f.toSorted()), Array.from(u), r.written];
}
export function notATypedArray(): string { try { (Uint8Array.prototype.toReversed as any).call([1, 2]); return "no error"; } catch (e) { return (e as Error).name; } }
export function readPastBudget(): number { return readFileSync("/data/big.bin").length; }
export function readPastBudgetCaught(): string { try { readFileSync("/data/big.bin"); return "read"; } catch (e) { return String((e as any).code); } }
export function regexBomb(): boolean { return new RegExp("(?:" + "a|".repeat(3e6) + "b)").test("b"); }
`;

let doc: LoadedDocument;
const pool = new SandboxPool();

beforeAll(async () => {
  const dir = tempDir();
  mkdirSync(join(dir, "data"));
  writeFileSync(join(dir, "data", "big.bin"), Buffer.alloc(80 * 1024 * 1024, 1));
  doc = await makeDocument({
    dir,
    code,
    memoryMb: 64,
    timeMs: 120_000,
    filesystem: "ReadOnly",
    mounts: { "/data": join(dir, "data") },
    functions: ["ok", ...Object.keys(ATTACKS), "copiesAreRight", "notATypedArray", "readPastBudget", "readPastBudgetCaught", "regexBomb"],
  });
});
afterAll(async () => {
  await pool.close();
  expect(await noSandboxLeft(), "sandbox processes left after the pool closed").toEqual([]);
});

describe.each(["thread", "process"] as const)("%s isolation", (isolation) => {
  const go = (entry: string): Promise<RunResult> => run(doc, entry, [], { verification: [], audit: false, pool, isolation });
  const nextOk = async () => expect((await go("ok")).value).toBe(7);

  it.each(Object.keys(ATTACKS))("%s copies are charged to the byte budget → out-of-memory (ANRF_ALLOC_BUDGET)", async (entry) => {
    const r = await go(entry);
    if (entry === "fromBase64" && r.value === -1) return; // Uint8Array.fromBase64 exists on Node 25+ only
    expect(r.status).toBe("out-of-memory");
    expect(r.error?.code).toBe("ANRF_ALLOC_BUDGET");
    await nextOk();
  });

  it("the charged copies still behave as the built-ins (values, comparator, encodeInto allocates nothing)", async () => {
    const r = await go("copiesAreRight");
    expect(r.error).toBeUndefined();
    expect(r.status).toBe("ok");
    expect(r.value).toEqual([[2, 1, 3], [1, 2, 3], [3, 2, 1], [9, 1, 2], [-1, 2.5], [3, 1, 2], 6]);
    expect((await go("notATypedArray")).value).toBe("TypeError");
  });

  it("reading a file past the budget → out-of-memory with the tool's code, not EIO (also when caught)", async () => {
    const r = await go("readPastBudget");
    expect(r.status).toBe("out-of-memory");
    expect(r.error?.code).toBe("ANRF_ALLOC_BUDGET");
    const caught = await go("readPastBudgetCaught");
    expect(caught.status).toBe("out-of-memory");
    expect(caught.error?.code).toBe("ANRF_ALLOC_BUDGET");
    await nextOk();
  });

  it("a regex compile bomb (memory V8 allocates outside every budget) is killed by the host's resident-set limit", async () => {
    const r = await go("regexBomb");
    expect(r.status).toBe("out-of-memory");
    expect(r.error?.code).toBe("ANRF_OUT_OF_MEMORY");
    expect(r.memory).toBeDefined();
    // Peak sampled by the host: over the limit by at most what one sampling step lets through.
    expect(r.memory!.peakResidentBytes).toBeLessThan(r.memory!.residentLimitBytes + 256 * 1024 * 1024);
    await nextOk();
  });
});
