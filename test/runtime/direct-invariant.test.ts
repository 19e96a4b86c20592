/**
 * An invariant used directly (named by no contract) without `applies_to`, in a document with
 * exactly one Function entity, constrains that entity (spec/applies-to.ts). The verifier must
 * make it an obligation and the runtime must check it where it is not proved — otherwise a
 * declared security invariant would be silently dropped by both.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { run, SandboxPool } from "../../runtime/index.js";
import { verifyDocument, workBounded } from "../../verifier/index.js";
import { loadDocument } from "../../spec/load.js";
import { makeDocument, tempDir } from "./fixtures.js";

const pool = new SandboxPool();
afterAll(async () => {
  await pool.close();
});

async function documentWithDirectInvariant(code: string, appliesTo: "absent" | "named"): Promise<string> {
  const loaded = await makeDocument({
    dir: tempDir(),
    code,
    functions: [{ name: "f", preconditions: ["Number.isSafeInteger(x) && x >= 0"], invariants: [{ id: "INV-NONNEG", text: "result >= 0" }] }],
  });
  const json = JSON.parse(readFileSync(loaded.absoluteFile, "utf8")) as { semantics: { invariants: Array<Record<string, unknown>> } };
  if (appliesTo === "absent") delete json.semantics.invariants[0]!["applies_to"];
  writeFileSync(loaded.absoluteFile, JSON.stringify(json, null, 2));
  return loaded.absoluteFile;
}

describe("a direct invariant without applies_to applies to the only Function entity", () => {
  for (const appliesTo of ["absent", "named"] as const) {
    it(`applies_to ${appliesTo}: refuted by the verifier and checked in production`, async () => {
      const file = await documentWithDirectInvariant("export function f(x: number): number {\n  return x - 1;\n}\n", appliesTo);
      const loaded = await loadDocument(file);
      expect(loaded.valid).toBe(true);
      const verification = await verifyDocument(loaded, { cwd: tempDir(), ...workBounded(12_000_000, 3_000_000), jobs: 1 });
      const post = verification.obligations.filter((o) => o.kind === "postcondition" && o.clause === "INV-NONNEG");
      expect(post.map((o) => o.status)).toEqual(["refuted"]);

      const options = { mode: "production", audit: false, pool, verification: verification.obligations } as const;
      const result = await run(file, "f", [0], options);
      expect(result.status).toBe("violation");
      expect(result.violations.map((v) => [v.kind, v.id])).toEqual([["postcondition", post[0]!.id]]);
      const ok = await run(file, "f", [3], options);
      expect(ok.status).toBe("ok");
      expect(ok.value).toBe(2);
    });
  }
});
