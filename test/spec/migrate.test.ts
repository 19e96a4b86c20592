/** migrateDocument: pure, every assumption reported, the result valid. */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { analyseCode } from "../../spec/migrate/behaviour.js";
import { migrateDocument } from "../../spec/migrate/migrate.js";
import { validateValue } from "../../spec/validate.js";
import { example, examplesDir, type JsonObject } from "./documents.js";

const NOW = "2026-11-25T12:00:00Z";
const legacy = (name: string): JsonObject => JSON.parse(readFileSync(path.join(examplesDir, "legacy", `${name}.json`), "utf8")) as JsonObject;
const migrate = (value: unknown, sourceText?: string) => migrateDocument({ value, now: NOW, sourceText });
const migrated = (value: unknown, sourceText?: string) => {
  const result = migrate(value, sourceText);
  if (result.kind !== "migrated") throw new Error(`expected a migration, got ${result.kind}`);
  return result;
};
const limits = (doc: Record<string, unknown>) =>
  ((doc["security"] as JsonObject)["isolation_requirements"] as JsonObject)["resource_limits"] as JsonObject;

describe("migrateDocument", () => {
  for (const name of ["word-count", "config-reader", "log-writer"]) {
    it(`${name}: the result is a valid 1.1.0 document`, () => {
      const source = name === "config-reader" ? readFileSync(path.join(examplesDir, "legacy/src/config-reader.ts"), "utf8") : undefined;
      const result = migrated(legacy(name), source);
      expect(result.from).toBe("1.0.0");
      const { document, findings } = validateValue(result.document);
      expect(document).toBeDefined();
      expect(findings.filter((f) => f.severity !== "info")).toEqual([]);
    });
  }

  it("derives the filesystem grant from behaviour: none, read, write", () => {
    expect(limits(migrated(legacy("word-count")).document)["filesystem"]).toBe("None");
    const reader = readFileSync(path.join(examplesDir, "legacy/src/config-reader.ts"), "utf8");
    expect(limits(migrated(legacy("config-reader"), reader).document)["filesystem"]).toBe("ReadOnly");
    expect(limits(migrated(legacy("log-writer")).document)["filesystem"]).toBe("ReadWrite");
    // Without the module text it cannot see the fs import, and says so.
    const blind = migrated(legacy("config-reader"));
    expect(limits(blind.document)["filesystem"]).toBe("None");
    expect(blind.assumptions.some((a) => a.path === "/execution/source" && a.message.includes("could not be read"))).toBe(true);
  });

  it("never grants the network, even when the code uses it, and says so", () => {
    const doc = legacy("word-count");
    (doc["execution"] as JsonObject)["code"] = 'export async function get(u: string) { return (await fetch(u)).text(); }';
    const result = migrated(doc);
    expect(limits(result.document)["network"]).toBe(false);
    expect(result.assumptions.find((a) => a.path.endsWith("/network"))!.message).toContain("never granted");
  });

  it("reports every value it invented, with the path it wrote", () => {
    const result = migrated(legacy("log-writer"));
    const paths = result.assumptions.map((a) => a.path);
    for (const p of [
      "/security/safety_level",
      "/security/override_status",
      "/security/isolation_requirements/resource_limits/filesystem",
      "/intent/security_intentions",
      "/semantics/entities/0/security_properties",
      "/semantics/entities/1/security_properties",
      "/semantics/relationships/0/security_implications",
      "/execution/security_enforcement",
      "/security/audit_trail/0",
    ]) {
      expect(paths).toContain(p);
    }
    const doc = result.document as JsonObject;
    const trail = (doc["security"] as JsonObject)["audit_trail"] as JsonObject[];
    expect(trail.map((e) => e["event_type"])).toEqual(["Creation", "Modification"]);
    expect(trail[1]!["timestamp"]).toBe(NOW);
    expect(Object.keys(doc)).toEqual(["anrf_version", "creation_timestamp", "creator_id", "security", "dependencies", "verification_status", "intent", "semantics", "execution"]);
  });

  it("does not trust an old verified: true", () => {
    const result = migrated(legacy("word-count"));
    expect((result.document["verification_status"] as JsonObject)["verified"]).toBe(false);
    expect(result.assumptions.map((a) => a.path)).toContain("/verification_status/verified");
  });

  it("keeps what the legacy document already says", () => {
    const doc = legacy("word-count");
    doc["security"] = { safety_level: "TypeSafe" };
    const result = migrated(doc);
    expect((result.document["security"] as JsonObject)["safety_level"]).toBe("TypeSafe");
    expect(result.assumptions.map((a) => a.path)).not.toContain("/security/safety_level");
  });

  it("never overwrites a value of the wrong type: validation of the result reports it", () => {
    const doc = legacy("word-count");
    doc["security"] = "strict";
    (doc["intent"] as JsonObject)["requirements"] = "many";
    const result = migrated(doc);
    expect(result.document["security"]).toBe("strict");
    expect((result.document["intent"] as JsonObject)["requirements"]).toBe("many");
    const paths = validateValue(result.document).findings.map((f) => f.path);
    expect(paths).toContain("/security");
    expect(paths).toContain("/intent/requirements");
  });

  it("does not modify its input", () => {
    const doc = legacy("log-writer");
    const copy = structuredClone(doc);
    migrated(doc);
    expect(doc).toEqual(copy);
  });

  it("a 1.1.0 document is current; newer or malformed versions are refused", () => {
    expect(migrate(example("adler32-checksum")).kind).toBe("current");
    const newer = legacy("word-count");
    newer["anrf_version"] = "2.0.0";
    expect(migrate(newer)).toMatchObject({ kind: "refused" });
    expect(migrate([1, 2])).toMatchObject({ kind: "refused" });
    const rc = legacy("word-count");
    rc["anrf_version"] = "1.1.0-rc.2";
    expect(migrated(rc).from).toBe("1.1.0-rc.2");
    const loose = legacy("word-count");
    loose["anrf_version"] = "1.0";
    expect(migrated(loose).from).toBe("1.0");
    loose["anrf_version"] = "one";
    expect(migrate(loose)).toMatchObject({ kind: "refused" });
    const none = legacy("word-count");
    delete none["anrf_version"];
    expect(migrated(none).from).toBe("(none)");
  });
});

describe("analyseCode", () => {
  it("recognises fs imports, writes and network use", () => {
    expect(analyseCode('import { readFileSync } from "node:fs";')).toEqual({ readsFiles: true, writesFiles: false, usesNetwork: false });
    expect(analyseCode('import * as fs from "fs/promises"; await fs.writeFile("/x", "y");')).toEqual({ readsFiles: true, writesFiles: true, usesNetwork: false });
    expect(analyseCode('const fs = require("fs");')).toMatchObject({ readsFiles: true });
    expect(analyseCode('import http from "node:http";')).toMatchObject({ usesNetwork: true, readsFiles: false });
    expect(analyseCode("export const f = (a: number[]) => a.length;")).toEqual({ readsFiles: false, writesFiles: false, usesNetwork: false });
    expect(analyseCode(undefined)).toEqual({ readsFiles: false, writesFiles: false, usesNetwork: false });
  });
});

const legacyLike = fc.record(
  {
    anrf_version: fc.oneof(fc.constantFrom("1.0.0", "0.9", "1.0"), fc.jsonValue({ maxDepth: 0 })),
    creation_timestamp: fc.oneof(fc.constant("2024-01-01T00:00:00Z"), fc.jsonValue({ maxDepth: 0 })),
    creator_id: fc.jsonValue({ maxDepth: 0 }),
    security: fc.jsonValue({ maxDepth: 2 }),
    intent: fc.jsonValue({ maxDepth: 3 }),
    semantics: fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.record({ entities: fc.array(fc.jsonValue({ maxDepth: 2 })), relationships: fc.array(fc.jsonValue({ maxDepth: 2 })) })),
    execution: fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.record({ code: fc.string(), optimizations: fc.array(fc.jsonValue({ maxDepth: 1 })) }, { requiredKeys: [] })),
    dependencies: fc.jsonValue({ maxDepth: 2 }),
  },
  { requiredKeys: [] },
);

test.prop([fc.oneof(fc.jsonValue(), legacyLike)], { numRuns: process.env["CI"] ? 10_000 : 1_000 })(
  "migrating anything never throws, and the result validates without throwing",
  (value) => {
    const result = migrate(value);
    if (result.kind === "migrated") {
      expect(result.document["anrf_version"]).toBe("1.1.0");
      validateValue(result.document);
    }
  },
);
