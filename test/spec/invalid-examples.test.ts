/**
 * examples/invalid/: one document per rule. Each must produce exactly the finding its name
 * promises (rule id, path, severity) — and, for most, nothing else of severity error.
 */
import { readdirSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { loadDocument } from "../../spec/load.js";
import { RULE_CATALOG } from "../../spec/rule-catalog.js";
import { invalidDir } from "./documents.js";

type Expected = readonly [ruleId: string, path: string, severity: "error" | "warning"];

/** file → the findings it must produce (all of them, in order). */
const EXPECTED: Record<string, readonly Expected[]> = {
  "V6.1.1-unsupported-version": [["V6.1.1", "/anrf_version", "error"]],
  "V6.1.2-security-missing": [["V6.1.2", "", "error"]],
  "V6.1.3-unknown-safety-level": [["V6.1.3", "/security/safety_level", "error"]],
  "V6.1.4-negative-memory-limit": [["V6.1.4", "/security/isolation_requirements/resource_limits/memory", "error"]],
  "V6.1.5-override-without-justification": [["V6.1.5", "/security/override_justification", "error"]],
  "V6.1.6-override-without-approval": [["V6.1.6", "/security/override_approval/approver_id", "error"]],
  "V6.2.1-intent-incomplete": [["V6.2.1", "/intent", "error"]],
  "V6.2.2-security-intentions-missing": [["V6.2.2", "/intent", "error"]],
  "V6.2.3-override-allowed-without-justification": [["V6.2.3", "/intent/security_intentions/override_intention/justification", "error"]],
  "V6.2.4-no-security-requirement": [["V6.2.4", "/intent/requirements", "error"]],
  "V6.3.1-semantics-incomplete": [["V6.3.1", "/semantics", "error"]],
  "V6.3.2-entity-without-security-properties": [["V6.3.2", "/semantics/entities/0", "error"]],
  "V6.3.3-memory-unsafe-entity-with-override": [["V6.3.3", "/semantics/entities/0/security_properties/memory_safe", "warning"]],
  "V6.3.4-memory-unsafe-without-override": [
    ["V6.3.3", "/semantics/entities/0/security_properties/memory_safe", "warning"],
    ["V6.3.4", "/semantics/entities/0/security_properties/memory_safe", "error"],
  ],
  "V6.3.5-no-formal-guarantees": [["V6.3.5", "/semantics/entities", "error"]],
  "V6.4.1-execution-incomplete": [["V6.4.1", "/execution", "error"]],
  "V6.4.2-security-enforcement-missing": [["V6.4.2", "/execution", "error"]],
  "V6.4.3-no-memory-safety-mechanism": [["V6.4.3", "/execution/security_enforcement/memory_safety_mechanisms", "error"]],
  "V6.4.4-no-sandboxing-mechanism": [["V6.4.4", "/execution/security_enforcement/sandboxing_mechanisms", "error"]],
  "V6.4.5-override-mechanisms-without-override": [["V6.4.5", "/execution/security_enforcement/override_mechanisms/enabled", "error"]],
  "V7.1-isolation-required-but-none": [["V7.1", "/security/isolation_requirements", "error"]],
  "V7.2-override-not-allowed-by-intent": [
    ["V7.2", "/intent/security_intentions/override_intention/allowed", "error"],
    ["V7.2", "/execution/security_enforcement/override_mechanisms/enabled", "error"],
  ],
  "V7.3-process-isolation-without-mechanism": [["V7.3", "/security/isolation_requirements/process_isolation", "error"]],
  "V7.4-unsubstantiated-verified-claim": [["V7.4", "/verification_status/verified", "warning"]],
  "applies-to-ambiguous-contract": [["applies-to", "/semantics/security_contracts/0", "error"]],
  "code-both-code-and-source": [["code", "/execution/source", "error"]],
  "format-graph-carries-nothing": [["format", "/execution/format", "warning"]],
  "function-name-not-identifier": [["function-name", "/semantics/entities/0/name", "error"]],
  "json-malformed": [["json", "", "error"]],
  "json-duplicate-key": [["json", "", "error"]],
  "mounts-relative-mount": [["mounts", "/execution/x-anrf-filesystem-mounts/0/mount", "error"]],
  "mounts-with-filesystem-none": [["mounts", "/execution/x-anrf-filesystem-mounts", "error"]],
  "reference-dangling-invariant": [["reference", "/semantics/security_contracts/0/invariants/0", "error"]],
  "root-not-an-object": [["root", "", "error"]],
  "schema-unknown-field": [["schema", "/colour", "error"]],
  "schema-wrong-type": [["schema", "/dependencies/0/security_compatibility", "error"]],
  "source-missing-file": [["source", "/execution/source", "error"]],
  "source-outside-folder": [["source", "/execution/source", "error"]],
  "source-symlink-escape": [["source", "/execution/source", "error"]],
  "unique-id-duplicate-requirement": [["unique-id", "/intent/requirements/1/id", "error"]],
};

const files = readdirSync(invalidDir).filter((f) => f.endsWith(".anrf.json"));

describe("examples/invalid", () => {
  it("has an expectation for every file and a file for every expectation", () => {
    expect(files.map((f) => f.replace(/\.anrf\.json$/, "")).sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  for (const [name, expected] of Object.entries(EXPECTED)) {
    it(`${name} → ${expected.map(([id, p]) => `${id} ${p || "(document)"}`).join(", ")}`, async () => {
      const loaded = await loadDocument(path.join(invalidDir, `${name}.anrf.json`));
      // Info findings (e.g. "no mount declared") are not what the fixture is about.
      const significant = loaded.findings.filter((f) => f.severity !== "info").map((f) => [f.ruleId, f.path, f.severity]);
      expect(significant).toEqual(expected);
      expect(loaded.valid).toBe(!expected.some(([, , severity]) => severity === "error"));
      if (name.startsWith(expected[0]![0])) expect(name.startsWith(`${expected[0]![0]}-`)).toBe(true);
    });
  }

  it("names every rule of the catalog that a document file can break", () => {
    const named = new Set(Object.values(EXPECTED).flatMap((list) => list.map(([id]) => id)));
    // size and io need a file system state that cannot be committed (huge / unreadable): see load.test.ts.
    const fileless = new Set(["size", "io", "internal"]);
    for (const rule of RULE_CATALOG) {
      if (!fileless.has(rule.id)) expect(named, `no example for ${rule.id}`).toContain(rule.id);
    }
  });
});
