/**
 * Each rule, negative (a minimal edit of a valid example breaks it, with the exact path) and
 * positive (the valid examples and the nearby correct variants do not trigger it).
 */
import { describe, expect, it } from "vitest";
import { validateValue } from "../../spec/validate.js";
import { documentRules } from "../../spec/rules/all-rules.js";
import { RULE_CATALOG } from "../../spec/rule-catalog.js";
import type { Finding } from "../../spec/finding.js";
import { at, example, VALID_EXAMPLES, type Json, type JsonObject } from "./documents.js";

const findings = (doc: Json): Finding[] => validateValue(doc).findings;
const brief = (doc: Json, ruleId?: string) =>
  findings(doc)
    .filter((f) => (ruleId === undefined ? f.severity !== "info" : f.ruleId === ruleId))
    .map((f) => [f.ruleId, f.path, f.severity]);
const code = () => example("adler32-checksum");
const withOverride = (doc: JsonObject): JsonObject => {
  Object.assign(at(doc, "security"), {
    override_status: true,
    override_justification: "Audited kernel",
    override_approval: { approver_id: "lead", approval_timestamp: "2026-01-01T00:00:00Z", approval_context: "SEC-1" },
  });
  Object.assign(at(doc, "intent.security_intentions.override_intention"), { allowed: true, justification: "Kernel", conditions: null });
  at(doc, "execution.security_enforcement.override_mechanisms")["enabled"] = true;
  return doc;
};

describe("catalog", () => {
  it("lists every document rule exactly once", () => {
    const ids = RULE_CATALOG.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const rule of documentRules) expect(ids).toContain(rule.id);
  });
});

describe("positive: the valid examples", () => {
  for (const name of VALID_EXAMPLES) {
    it(`${name} has no error and no warning except the public example's verified claim`, () => {
      const expected = name === "public-example" ? [["V7.4", "/verification_status/verified", "warning"]] : [];
      expect(brief(example(name))).toEqual(expected);
    });
  }
});

describe("V6.1.1 anrf_version", () => {
  it("missing → finding at the document root", () => {
    const doc = code();
    delete doc["anrf_version"];
    expect(brief(doc, "V6.1.1")).toEqual([["V6.1.1", "", "error"]]);
  });
  it("not a semantic version", () => {
    const doc = code();
    doc["anrf_version"] = "1.1";
    const [f] = findings(doc).filter((x) => x.ruleId === "V6.1.1");
    expect(f).toMatchObject({ path: "/anrf_version", message: "anrf_version must be a semantic version string, got '1.1'" });
  });
  it("a newer version is unsupported, with a hint that is not 'migrate'", () => {
    const doc = code();
    doc["anrf_version"] = "2.0.0";
    const all = findings(doc);
    expect(all).toHaveLength(1);
    expect(all[0]!.message).toContain("unsupported ANRF version 2.0.0");
    expect(all[0]!.hint).not.toContain("migrate");
  });
  it("a pre-release of 1.1.0 counts as older", () => {
    const doc = code();
    doc["anrf_version"] = "1.1.0-rc.1";
    expect(findings(doc)[0]!.hint).toContain("anrf migrate");
  });
  it("an older version stops validation and suggests anrf migrate", () => {
    const doc = code();
    doc["anrf_version"] = "1.0.0";
    const all = findings(doc);
    expect(all.map((f) => f.ruleId)).toEqual(["V6.1.1"]);
    expect(all[0]!.hint).toContain("anrf migrate");
  });
});

describe("structural rules from the schema", () => {
  it("V6.1.2: a field missing in security", () => {
    const doc = code();
    delete at(doc, "security")["audit_trail"];
    expect(findings(doc).map((f) => [f.ruleId, f.path, f.message])).toEqual([["V6.1.2", "/security", "missing required field 'audit_trail'"]]);
  });
  it("V6.1.3: the message names every allowed value and what was found", () => {
    const doc = code();
    at(doc, "security")["safety_level"] = "Safe";
    expect(findings(doc)[0]).toMatchObject({
      ruleId: "V6.1.3",
      path: "/security/safety_level",
      message: "expected one of MemorySafe, TypeSafe, ResourceBounded, got 'Safe'",
    });
    at(doc, "security")["safety_level"] = 3;
    expect(findings(doc)[0]!.message).toBe("expected one of MemorySafe, TypeSafe, ResourceBounded, got number 3");
  });
  it("V6.1.4: isolation requirement problems of every kind", () => {
    const doc = code();
    at(doc, "security.isolation_requirements.resource_limits")["filesystem"] = "Full";
    expect(brief(doc)).toEqual([["V6.1.4", "/security/isolation_requirements/resource_limits/filesystem", "error"]]);
    const doc2 = code();
    at(doc2, "security")["isolation_requirements"] = "yes";
    expect(brief(doc2)).toEqual([["V6.1.4", "/security/isolation_requirements", "error"]]);
  });
  it("V6.2.2 / V6.3.2 / V6.4.2: missing fields deep inside the named sections", () => {
    const a = code();
    delete at(a, "intent.security_intentions.override_intention")["allowed"];
    expect(brief(a)).toEqual([["V6.2.2", "/intent/security_intentions/override_intention", "error"]]);
    const b = code();
    delete at(b, "semantics.entities.0.security_properties")["formal_guarantees"];
    expect(brief(b)).toEqual([["V6.3.2", "/semantics/entities/0/security_properties", "error"]]);
    const c = code();
    delete at(c, "execution.security_enforcement")["override_mechanisms"];
    expect(brief(c)).toEqual([["V6.4.2", "/execution/security_enforcement", "error"]]);
  });
  it("schema: unknown keys are rejected with their path, except x- keys and properties maps", () => {
    const doc = code();
    at(doc, "semantics.entities.0")["colour"] = "red";
    at(doc, "semantics.entities.0")["x-colour"] = "red";
    at(doc, "semantics.entities.0.properties")["anything"] = { deep: [1, "two"] };
    doc["x-generator"] = { name: "agent", version: 3 };
    at(doc, "security.isolation_requirements.resource_limits")["x-gpu"] = false;
    expect(brief(doc)).toEqual([["schema", "/semantics/entities/0/colour", "error"]]);
  });
  it("schema: one finding per problem, all of them", () => {
    const doc = code();
    at(doc, "security")["override_status"] = "no";
    delete at(doc, "intent")["description"];
    at(doc, "execution")["format"] = "python";
    doc["creation_timestamp"] = "yesterday";
    expect(brief(doc)).toEqual([
      ["schema", "/creation_timestamp", "error"],
      ["schema", "/security/override_status", "error"],
      ["V6.2.1", "/intent", "error"],
      ["schema", "/execution/format", "error"],
    ]);
  });
  it("absurd nesting is refused before decoding", () => {
    let deep: Json = 1;
    for (let i = 0; i < 500; i++) deep = [deep];
    const doc = code();
    doc["x-deep"] = deep;
    expect(brief(doc)).toEqual([["json", "", "error"]]);
  });
  it("the top level must be an object", () => {
    for (const value of [null, 1, "x", [], true]) expect(brief(value as Json)).toEqual([["root", "", "error"]]);
  });
});

describe("common-part rules", () => {
  it("V6.1.4: non-positive limits are errors; process without memory isolation is a warning", () => {
    const doc = code();
    at(doc, "security.isolation_requirements.resource_limits")["cpu"] = 0;
    expect(brief(doc)).toEqual([["V6.1.4", "/security/isolation_requirements/resource_limits/cpu", "error"]]);
    const doc2 = example("public-example");
    at(doc2, "security.isolation_requirements")["memory_isolation"] = false;
    expect(brief(doc2, "V6.1.4")).toEqual([["V6.1.4", "/security/isolation_requirements/memory_isolation", "warning"]]);
  });
  it("V6.1.5: a blank justification is no justification; without override none is needed", () => {
    const doc = withOverride(code());
    expect(brief(doc)).toEqual([]);
    at(doc, "security")["override_justification"] = "   ";
    expect(brief(doc)).toEqual([["V6.1.5", "/security/override_justification", "error"]]);
    const plain = code();
    at(plain, "security")["override_justification"] = null;
    expect(brief(plain)).toEqual([]);
  });
  it("V6.1.6: every missing approval field is named", () => {
    const doc = withOverride(code());
    at(doc, "security")["override_approval"] = { approver_id: null, approval_timestamp: "", approval_context: null };
    expect(brief(doc)).toEqual([
      ["V6.1.6", "/security/override_approval/approver_id", "error"],
      ["V6.1.6", "/security/override_approval/approval_timestamp", "error"],
      ["V6.1.6", "/security/override_approval/approval_context", "error"],
    ]);
  });
});

describe("intent, semantics and execution rules", () => {
  it("V6.2.3 needs a justification only when overrides are allowed", () => {
    const doc = code();
    Object.assign(at(doc, "intent.security_intentions.override_intention"), { allowed: false, justification: null });
    expect(brief(doc)).toEqual([]);
    at(doc, "intent.security_intentions.override_intention")["allowed"] = true;
    expect(brief(doc)).toEqual([["V6.2.3", "/intent/security_intentions/override_intention/justification", "error"]]);
  });
  it("V6.2.4: one Security requirement anywhere in the list is enough", () => {
    const doc = code();
    const reqs = doc["intent"] as JsonObject;
    (reqs["requirements"] as JsonObject[]).reverse();
    expect(brief(doc)).toEqual([]);
    reqs["requirements"] = [];
    expect(brief(doc)).toEqual([["V6.2.4", "/intent/requirements", "error"]]);
  });
  it("V6.3.3/V6.3.4: memory_safe false is a warning with an override and an error without", () => {
    const doc = withOverride(code());
    const props = at(doc, "semantics.entities.0.security_properties");
    props["memory_safe"] = false;
    props["formal_guarantees"] = [{ property_type: "ResourceBounds", property_description: "linear", verification_approach: "review" }];
    expect(brief(doc)).toEqual([["V6.3.3", "/semantics/entities/0/security_properties/memory_safe", "warning"]]);
  });
  it("V6.3.5: guarantees on any entity count", () => {
    const doc = example("ring-buffer");
    for (const e of (doc["semantics"] as JsonObject)["entities"] as JsonObject[]) {
      (e["security_properties"] as JsonObject)["formal_guarantees"] = [];
    }
    expect(brief(doc)).toEqual([["V6.3.5", "/semantics/entities", "error"]]);
  });
  it("V6.4.5 holds when both sides agree", () => {
    expect(brief(withOverride(code()))).toEqual([]);
  });
});

describe("cross-layer rules", () => {
  it("V7.1: memory safety required by intent, entity not memory safe, no override", () => {
    const doc = code();
    const props = at(doc, "semantics.entities.0.security_properties");
    props["memory_safe"] = false;
    props["formal_guarantees"] = [{ property_type: "ResourceBounds", property_description: "linear", verification_approach: "review" }];
    expect(brief(doc, "V7.1")).toEqual([["V7.1", "/semantics/entities/0/security_properties/memory_safe", "error"]]);
  });
  it("V7.1: a guarantee the entity's own properties deny", () => {
    const doc = code();
    at(doc, "semantics.entities.0.security_properties")["type_safe"] = false;
    (at(doc, "semantics.entities.0.security_properties")["formal_guarantees"] as JsonObject[]).push({
      property_type: "TypeSafety",
      property_description: "strict types",
      verification_approach: "tsc",
    });
    expect(brief(doc)).toEqual([["V7.1", "/semantics/entities/0/security_properties/formal_guarantees/2/property_type", "error"]]);
  });
  it("V7.1: safety_level TypeSafe with an entity that is not type safe", () => {
    const doc = code();
    at(doc, "security")["safety_level"] = "TypeSafe";
    expect(brief(doc)).toEqual([]);
    at(doc, "semantics.entities.0.security_properties")["type_safe"] = false;
    expect(brief(doc)).toEqual([["V7.1", "/semantics/entities/0/security_properties/type_safe", "error"]]);
  });
  it("V7.2: override without execution support", () => {
    const doc = withOverride(code());
    at(doc, "execution.security_enforcement.override_mechanisms")["enabled"] = false;
    expect(brief(doc)).toEqual([["V7.2", "/execution/security_enforcement/override_mechanisms/enabled", "error"]]);
  });
  it("V7.3: process isolation implies memory isolation, but a capability sandbox alone isolates nothing", () => {
    expect(brief(example("public-example"), "V7.3")).toEqual([]);
    const doc = code();
    at(doc, "execution.security_enforcement")["sandboxing_mechanisms"] = [{ mechanism: "CapabilityModel", scope: "Module", enforcement_point: "Runtime" }];
    expect(brief(doc)).toEqual([["V7.3", "/security/isolation_requirements/memory_isolation", "error"]]);
  });
  it("V7.4: verified: false says nothing; verified: true is a warning, never an error", () => {
    expect(brief(code(), "V7.4")).toEqual([]);
    const doc = code();
    at(doc, "verification_status")["verified"] = true;
    expect(brief(doc)).toEqual([["V7.4", "/verification_status/verified", "warning"]]);
    expect(validateValue(doc).document).toBeDefined();
  });
});

describe("integrity rules", () => {
  it("unique-id: per collection (the same id in two collections is fine)", () => {
    const doc = code();
    at(doc, "semantics.invariants.0")["id"] = "ENT-ADLER";
    expect(brief(doc, "unique-id")).toEqual([]);
    const entities = (doc["semantics"] as JsonObject)["entities"] as JsonObject[];
    entities.push({ ...(JSON.parse(JSON.stringify(entities[0])) as JsonObject), name: "other" });
    expect(brief(doc, "unique-id")).toEqual([["unique-id", "/semantics/entities/1/id", "error"]]);
  });
  it("unique-id: two Function entities for one function name", () => {
    const doc = code();
    const entities = (doc["semantics"] as JsonObject)["entities"] as JsonObject[];
    entities.push({ ...(JSON.parse(JSON.stringify(entities[0])) as JsonObject), id: "ENT-2" });
    expect(brief(doc, "unique-id")).toEqual([["unique-id", "/semantics/entities/1/name", "error"]]);
  });
  it("reference: relationship ends and applies_to must name entities", () => {
    const doc = example("ring-buffer");
    at(doc, "semantics.relationships.0")["target_id"] = "ENT-NOPE";
    (at(doc, "semantics.security_contracts.1")["applies_to"] as string[])[0] = "ENT-GONE";
    (at(doc, "semantics.invariants.0")["applies_to"] as string[])[1] = "ENT-LOST";
    expect(brief(doc, "reference")).toEqual([
      ["reference", "/semantics/security_contracts/1/applies_to/0", "error"],
      ["reference", "/semantics/invariants/0/applies_to/1", "error"],
      ["reference", "/semantics/relationships/0/target_id", "error"],
    ]);
  });
  it("applies-to: absent with exactly one Function entity applies to it", () => {
    const doc = code();
    delete at(doc, "semantics.security_contracts.0")["applies_to"];
    expect(brief(doc)).toEqual([]);
  });
  it("applies-to: an empty list, an unattached invariant with several functions", () => {
    const doc = example("ring-buffer");
    at(doc, "semantics.security_contracts.0")["applies_to"] = [];
    delete at(doc, "semantics.invariants.0")["applies_to"];
    expect(brief(doc, "applies-to")).toEqual([
      ["applies-to", "/semantics/security_contracts/0/applies_to", "error"],
      ["applies-to", "/semantics/invariants/0", "error"],
    ]);
  });
  it("applies-to: in a document without code an ambiguous contract is only a warning", () => {
    const doc = example("public-example");
    at(doc, "semantics.entities.0")["type"] = "Module";
    // INV-001 is used by SC-001, so only the contract needs a target.
    expect(brief(doc, "applies-to")).toEqual([["applies-to", "/semantics/security_contracts/0", "warning"]]);
  });
});

describe("TypeScript profile rules", () => {
  it("format: no format is info, a non-code format a warning", () => {
    expect(findings(example("public-example")).filter((f) => f.ruleId === "format").map((f) => f.severity)).toEqual(["info"]);
    const doc = code();
    at(doc, "execution")["format"] = "bytecode";
    delete at(doc, "execution")["code"];
    expect(brief(doc)).toEqual([["format", "/execution/format", "warning"]]);
  });
  it("code: exactly one of code and source, and only with a code format", () => {
    const neither = code();
    delete at(neither, "execution")["code"];
    expect(brief(neither)).toEqual([["code", "/execution", "error"]]);
    const noFormat = code();
    delete at(noFormat, "execution")["format"];
    expect(brief(noFormat)).toEqual([["code", "/execution/code", "error"]]);
    const empty = code();
    at(empty, "execution")["code"] = "  \n";
    expect(brief(empty)).toEqual([["code", "/execution/code", "error"]]);
    const js = code();
    at(js, "execution")["format"] = "javascript";
    expect(brief(js)).toEqual([]);
  });
  it("mounts: absolute, no '..', no trailing '/', no duplicates", () => {
    const cases: Array<[string, string | undefined]> = [
      ["/data", undefined],
      ["/data/notes", undefined],
      ["/data/", "must not end with '/'"],
      ["/", "cannot be '/' itself"],
      ["/a/../b", "must not contain '..' segments"],
      ["/a/./b", "must not contain '.' segments"],
      ["/a//b", "must not contain empty segments"],
      ["data", "must be absolute"],
    ];
    for (const [mount, problem] of cases) {
      const doc = example("read-note");
      at(doc, "execution")["x-anrf-filesystem-mounts"] = [{ mount, path: "data/notes" }];
      const found = findings(doc).filter((f) => f.ruleId === "mounts");
      if (problem === undefined) expect(found, mount).toEqual([]);
      else expect(found.map((f) => [f.path, f.message.includes(problem)]), mount).toEqual([["/execution/x-anrf-filesystem-mounts/0/mount", true]]);
    }
    const dup = example("read-note");
    at(dup, "execution")["x-anrf-filesystem-mounts"] = [{ mount: "/data", path: "a" }, { mount: "/data", path: "b" }];
    expect(brief(dup)).toEqual([["mounts", "/execution/x-anrf-filesystem-mounts/1/mount", "error"]]);
  });
  it("mounts: a filesystem grant without mounts is info only", () => {
    const doc = example("read-note");
    delete at(doc, "execution")["x-anrf-filesystem-mounts"];
    expect(findings(doc).filter((f) => f.ruleId === "mounts").map((f) => f.severity)).toEqual(["info"]);
  });
  it("mounts: the declaration's structure is checked by the schema and reported as mounts", () => {
    const doc = example("read-note");
    at(doc, "execution")["x-anrf-filesystem-mounts"] = [{ mount: "/data" }];
    expect(brief(doc)).toEqual([["mounts", "/execution/x-anrf-filesystem-mounts/0", "error"]]);
  });
  it("function-name: identifiers only, and only for Function entities", () => {
    const doc = code();
    at(doc, "semantics.entities.0")["name"] = "$adler_32";
    expect(brief(doc)).toEqual([]);
    at(doc, "semantics.entities.0")["name"] = "adler 32";
    expect(brief(doc)).toEqual([["function-name", "/semantics/entities/0/name", "error"]]);
  });
});
