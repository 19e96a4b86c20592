import { describe, expect, it } from "vitest";
import { contractTargets, directInvariantTargets, soleFunctionEntity } from "../../spec/applies-to.js";
import type { AnrfDocument } from "../../spec/document.js";
import { validateValue } from "../../spec/validate.js";
import { at, example, type JsonObject } from "./documents.js";

const decode = (doc: JsonObject): AnrfDocument => {
  const { document } = validateValue(doc);
  if (!document) throw new Error("fixture is not schema-valid");
  return document;
};

describe("applies_to resolution", () => {
  it("explicit applies_to wins", () => {
    const doc = decode(example("ring-buffer"));
    expect(contractTargets(doc, doc.semantics.security_contracts[1]!)).toEqual(["ENT-READ"]);
    expect(directInvariantTargets(doc, doc.semantics.invariants[0]!)).toEqual(["ENT-READ", "ENT-WRITE"]);
  });

  it("absent with exactly one Function entity → that entity", () => {
    const json = example("adler32-checksum");
    delete at(json, "semantics.security_contracts.0")["applies_to"];
    const doc = decode(json);
    expect(soleFunctionEntity(doc)).toBe("ENT-ADLER");
    expect(contractTargets(doc, doc.semantics.security_contracts[0]!)).toEqual(["ENT-ADLER"]);
  });

  it("an invariant named by a contract has no direct targets of its own", () => {
    const doc = decode(example("adler32-checksum"));
    expect(directInvariantTargets(doc, doc.semantics.invariants[0]!)).toEqual([]);
    const json = example("adler32-checksum");
    at(json, "semantics.security_contracts.0")["invariants"] = [];
    const direct = decode(json);
    expect(directInvariantTargets(direct, direct.semantics.invariants[0]!)).toEqual(["ENT-ADLER"]);
  });

  it("absent with several Function entities → nothing (and the applies-to rule reports it)", () => {
    const json = example("ring-buffer");
    delete at(json, "semantics.security_contracts.0")["applies_to"];
    const doc = decode(json);
    expect(soleFunctionEntity(doc)).toBeUndefined();
    expect(contractTargets(doc, doc.semantics.security_contracts[0]!)).toEqual([]);
  });
});
