/** examples/: at least six TypeScript-profile documents with code and contracts, inline and from files. */
import { describe, expect, it } from "vitest";
import { contractTargets } from "../../spec/applies-to.js";
import { parseClause } from "../../spec/contract/index.js";
import { loadDocument } from "../../spec/load.js";
import { examplesDir, VALID_EXAMPLES } from "./documents.js";
import * as path from "node:path";

const load = (name: string) => loadDocument(path.join(examplesDir, `${name}.anrf.json`));

describe("valid examples", () => {
  it("six or more carry TypeScript code, some inline and some from execution.source", async () => {
    const loaded = await Promise.all(VALID_EXAMPLES.map(load));
    const withCode = loaded.filter((l) => l.document?.execution.format === "typescript" && l.module !== undefined);
    expect(withCode.length).toBeGreaterThanOrEqual(6);
    expect(withCode.some((l) => l.module!.fromInline)).toBe(true);
    expect(withCode.some((l) => !l.module!.fromInline)).toBe(true);
  });

  for (const name of VALID_EXAMPLES.filter((n) => n !== "public-example")) {
    it(`${name}: one Function entity per exported function, every contract targeted and written in the contract language`, async () => {
      const { document, module } = await load(name);
      const exported = [...module!.text.matchAll(/^export function (\w+)/gm)].map((m) => m[1]);
      const functions = document!.semantics.entities.filter((e) => e.type === "Function").map((e) => e.name);
      expect(functions.sort()).toEqual(exported.sort());
      for (const contract of document!.semantics.security_contracts) {
        expect(contractTargets(document!, contract).length, contract.id).toBeGreaterThan(0);
        for (const clause of [...contract.preconditions, ...contract.postconditions]) {
          expect(parseClause(clause).kind, clause).toBe("formal");
        }
      }
      for (const invariant of document!.semantics.invariants) expect(parseClause(invariant.formal_representation).kind).toBe("formal");
    });
  }
});
