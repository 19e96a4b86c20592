/**
 * The verifier proves code against the built-ins its names resolve to (Math, Number, typed
 * arrays). Lockdown freezes those objects but not the compartment's bindings to them, so the
 * runtime must keep guest code from rebinding them — or a proved site, whose check production
 * leaves out, could be made to fail silently.
 */
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { run, SandboxPool } from "../../runtime/index.js";
import { verifyDocument, workBounded } from "../../verifier/index.js";
import type { LoadedDocument } from "../../spec/load.js";
import { makeDocument, tempDir } from "./fixtures.js";

const code = String.raw`
Math = { ...Math, floor: (_x: number): number => 1000 };
export function middle(data: Uint8Array): number {
  if (data.length === 0) return 0;
  const i = Math.floor((data.length - 1) / 2);
  return data[i]!;
}
export function rebind(): string {
  try { (globalThis as any).Number = { isInteger: () => true }; return "rebound"; } catch (e: any) { return "refused: " + e.name; }
}
export function define(): string {
  try { Object.defineProperty(globalThis, "Uint8Array", { value: Array }); return "redefined"; } catch (e: any) { return "refused: " + e.name; }
}
`;

let doc: LoadedDocument;
const pool = new SandboxPool();
let audit: string;

beforeAll(async () => {
  const dir = tempDir();
  audit = join(dir, "audit.jsonl");
  doc = await makeDocument({ dir, code, functions: ["middle", "rebind", "define"] });
});
afterAll(async () => {
  await pool.close();
});

describe("compartment globals cannot be rebound", () => {
  it("module code replacing Math cannot turn a proved bounds site into a silent out-of-bounds read", async () => {
    // The premise: the verifier proves the read data[Math.floor(…)], so production does not check it.
    const verified = await verifyDocument(doc, { cwd: process.cwd(), ...workBounded(12_000_000, 3_000_000), jobs: 1 });
    expect(verified.obligations.filter((o) => o.entity.endsWith("MIDDLE") && o.kind === "bounds").map((o) => o.status)).toEqual(["proved"]);
    const result = await run(doc, "middle", [[1, 2, 3]], { mode: "production", audit, pool });
    expect(result.status).toBe("error");
    expect(result.error?.message).toMatch(/constant|read[- ]only|Cannot assign|not extensible|frozen/i);
  });

  it.each([
    ["rebind", /^refused: TypeError/],
    ["define", /^refused: TypeError/],
  ])("%s: assignment and defineProperty on the global object are refused", async (entry, expected) => {
    const result = await run(doc, entry, [], { mode: "development", audit, pool });
    // The module's own first statement already fails to load; either way nothing is rebound.
    if (result.status === "ok") expect(String(result.value)).toMatch(expected);
    else expect(result.status).toBe("error");
  });
});
