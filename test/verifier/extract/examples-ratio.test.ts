/**
 * The issue's target: ≥ 90% of the bounds obligations of examples/ proved with no annotations
 * beyond the documents' contracts (and the loop invariants written in their code). Solved
 * here by z3 directly, so this measures the encoding alone.
 */
import { readdirSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { projectRoot } from "../../../support/compiled-path.js";
import { loadDocument } from "../../../spec/load.js";
import { extractObligations } from "../../../verifier/extract/index.js";
import type { Obligation } from "../../../verifier/obligation.js";
import { openZ3, type Z3Check } from "./z3-check.js";

const dir = path.join(projectRoot(), "examples");

let z3: Z3Check;
beforeAll(async () => {
  z3 = await openZ3();
});

/** The examples' obligations; `bare` drops the `@anrf-invariant` comments (contracts only). */
async function examples(bare = false): Promise<Array<{ file: string; obligations: Obligation[] }>> {
  const out: Array<{ file: string; obligations: Obligation[] }> = [];
  for (const name of readdirSync(dir).filter((f) => f.endsWith(".anrf.json")).sort()) {
    const loaded = await loadDocument(path.join(dir, name));
    if (!loaded.valid || !loaded.document || !loaded.module) continue;
    const text = bare ? loaded.module.text.replace(/@anrf-invariant/g, "(dropped)") : loaded.module.text;
    const { obligations, problems } = extractObligations({ document: loaded.document, module: { ...loaded.module, text } });
    expect(problems, name).toEqual([]);
    out.push({ file: name, obligations });
  }
  return out;
}

describe("examples", () => {
  it("≥ 90% of bounds obligations proved from the contracts alone (loop-invariant comments removed)", async () => {
    let bounds = 0;
    let proved = 0;
    for (const { obligations } of await examples(true)) {
      for (const o of obligations.filter((x) => x.kind === "bounds")) {
        bounds++;
        if (o.smt !== null && (await z3.check(o.smt)) === "unsat") proved++;
      }
    }
    console.log(`examples without loop-invariant comments: ${proved}/${bounds} bounds obligations proved`);
    expect(bounds).toBeGreaterThan(0);
    expect(proved / bounds).toBeGreaterThanOrEqual(0.9);
  });

  it("as committed (with their loop invariants): ≥ 90% of bounds obligations proved; no obligation of any kind refuted", async () => {
    const docs = await examples();
    expect(docs.length).toBeGreaterThanOrEqual(5);
    let bounds = 0;
    let proved = 0;
    const refuted: string[] = [];
    for (const { file, obligations } of docs) {
      for (const o of obligations) {
        if (o.smt === null) {
          if (o.kind === "bounds") bounds++;
          continue;
        }
        const answer = await z3.check(o.smt);
        if (answer === "sat") refuted.push(`${file} ${o.id}: ${o.description}`);
        if (o.kind === "bounds") {
          bounds++;
          if (answer === "unsat") proved++;
        }
      }
    }
    console.log(`examples: ${proved}/${bounds} bounds obligations proved (${((100 * proved) / Math.max(bounds, 1)).toFixed(1)}%)`);
    expect(bounds).toBeGreaterThan(0);
    expect(proved / bounds).toBeGreaterThanOrEqual(0.9);
    expect(refuted).toEqual([]);
  });

  it("every capability use of read-note is proved", async () => {
    const docs = await examples();
    const readNote = docs.find((d) => d.file === "read-note.anrf.json");
    expect(readNote).toBeDefined();
    const caps = readNote!.obligations.filter((o) => o.kind === "capability");
    expect(caps.length).toBeGreaterThanOrEqual(2);
    for (const o of caps) expect(await z3.check(o.smt!), o.id).toBe("unsat");
  });
});
