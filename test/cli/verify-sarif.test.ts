/**
 * `anrf verify --format sarif` (and `anrf validate --format sarif`) end to end: the real verifier
 * on the examples, the seeded bugs and invalid documents. The log is checked against the official
 * SARIF 2.1.0 schema (test/fixtures/sarif-schema-2.1.0.json, from
 * https://github.com/oasis-tcs/sarif-spec/blob/85971b3e048f61a6d643b95fc6233d073302f5b8/Schemata/sarif-schema-2.1.0.json;
 * see test/fixtures/README.md), against the `--format json` report of the same verdicts (a second
 * run that reads the first one's proof cache), and against
 * the files its locations name — a region is read back from the file and compared with what
 * the document or module says is there.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../cli/main.js";
import { projectRoot } from "../../support/compiled-path.js";
import { captureIo } from "./validate-io.js";
import { findingRuleId } from "../../cli/commands/verify-sarif-rules.js";

const root = projectRoot();
const scratch = mkdtempSync(join(tmpdir(), "anrf-sarif-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

interface Region {
  startLine: number;
  startColumn: number;
  endLine?: number;
  endColumn?: number;
}
interface SarifLocation {
  physicalLocation: { artifactLocation: { uri: string; uriBaseId?: string }; region: Region };
}
interface SarifResult {
  ruleId: string;
  ruleIndex: number;
  level: string;
  message: { text: string };
  locations: SarifLocation[];
  partialFingerprints: Record<string, string>;
  properties: Record<string, unknown>;
}
interface SarifRule {
  id: string;
  name?: string;
  helpUri?: string;
  shortDescription: { text: string };
  fullDescription: { text: string };
  help: { text: string };
}
interface SarifLog {
  $schema: string;
  version: string;
  runs: Array<{
    tool: { driver: { name: string; version: string; semanticVersion: string; informationUri?: string; rules: SarifRule[] } };
    originalUriBaseIds: Record<string, { uri: string }>;
    columnKind: string;
    results: SarifResult[];
    properties: Record<string, Record<string, number>>;
  }>;
}
interface JsonReport {
  documents: Array<{
    file: string;
    findings: Array<{ ruleId: string; severity: string; path: string; message: string }>;
    obligations: Array<{ id: string; kind: string; status: string; location: { file: string; line: number; column: number }; counterexample: Record<string, unknown> | null }>;
  }>;
  summary: Record<string, number>;
  run: { solved: number };
}

async function anrf(cwd: string, ...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = captureIo(cwd);
  const code = await runCli(argv, io);
  return { code, out: io.out(), err: io.err() };
}

// The official schema declares draft 2020-12; two of its patterns use `(?i)`, which JavaScript
// regular expressions lack: compiled case-insensitively instead (no anrf output has a `language`).
const regExp = Object.assign((pattern: string, flags: string) => {
  try {
    return new RegExp(pattern, flags);
  } catch {
    return new RegExp(pattern.replace("(?i)", ""), `${flags}i`);
  }
}, { code: "new RegExp" });
// ajv-formats is CommonJS: its function is module.exports, and also module.exports.default.
const addFormats = addFormatsModule.default;
const ajv = new Ajv2020({ strict: false, allErrors: true, validateSchema: false, code: { regExp } });
addFormats(ajv);
const schemaValid = ajv.compile(JSON.parse(readFileSync(join(root, "test", "fixtures", "sarif-schema-2.1.0.json"), "utf8")));
const expectSchemaValid = (log: unknown) => {
  expect(schemaValid(log), JSON.stringify(schemaValid.errors?.slice(0, 5), null, 1)).toBe(true);
};

/** The file a location names, resolved as a SARIF consumer does (uriBaseId through originalUriBaseIds). */
const artifactPath = (log: SarifLog, location: SarifLocation): string => {
  const { uri, uriBaseId } = location.physicalLocation.artifactLocation;
  return fileURLToPath(uriBaseId === undefined ? new URL(uri) : new URL(uri, log.runs[0]!.originalUriBaseIds[uriBaseId]!.uri));
};
const lineAt = (file: string, line: number): string => readFileSync(file, "utf8").split(/\r?\n/)[line - 1]!;
/** The text a one-line region covers (to the end of the line when it has no end column). */
const regionText = (file: string, region: Region): string => {
  expect(region.endLine ?? region.startLine).toBe(region.startLine);
  return lineAt(file, region.startLine).slice(region.startColumn - 1, region.endColumn === undefined ? undefined : region.endColumn - 1);
};

const LEVEL_OF_STATUS: Record<string, string> = { refuted: "error", unknown: "warning", unsupported: "note", informal: "note" };
const LEVEL_OF_SEVERITY: Record<string, string> = { error: "error", warning: "warning", info: "note" };
const SEEDED = "test/verifier/fixtures/seeded";
const MISSING_PRECONDITION = `${SEEDED}/missing-precondition.anrf.json`;
const OVERRIDE = "examples/invalid/V6.1.5-override-without-justification.anrf.json";
const MALFORMED = "examples/invalid/json-malformed.anrf.json";
const inputs = ["examples", SEEDED, OVERRIDE, MALFORMED];

describe("anrf verify --format sarif", () => {
  let code: number;
  let log: SarifLog;
  let report: JsonReport;
  beforeAll(async () => {
    // One proof cache for both runs: the JSON run reads every verdict the SARIF run stored, so
    // the two describe the same verdicts and counterexamples (z3 may pick other models per run).
    const cache = join(scratch, "cache");
    const sarif = await anrf(root, "verify", ...inputs, "--format", "sarif", "--cache", cache);
    expect(sarif.err).toBe("");
    code = sarif.code;
    log = JSON.parse(sarif.out) as SarifLog;
    const json = await anrf(root, "verify", ...inputs, "--format", "json", "--cache", cache);
    report = JSON.parse(json.out) as JsonReport;
    expect(report.run.solved).toBe(0);
  });
  const run = () => log.runs[0]!;
  const resultsOf = (document: string) => run().results.filter((r) => r.properties["document"] === document || r.locations[0]!.physicalLocation.artifactLocation.uri === document);

  it("is a valid SARIF 2.1.0 log by the official schema, and exit 1 for the refuted and invalid documents", () => {
    expect(code).toBe(1);
    expectSchemaValid(log);
    expect(log.version).toBe("2.1.0");
    expect(log.$schema).toMatch(/^https:\/\/\S+sarif-2\.1\.0\.json$/);
    expect(log.runs).toHaveLength(1);
    expect(run().columnKind).toBe("utf16CodeUnits");
  });

  it("names anrf with its package version, and every result's rule is one of tool.driver.rules", () => {
    const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { version: string };
    const driver = run().tool.driver;
    expect(driver).toMatchObject({ name: "anrf", version: pkg.version, semanticVersion: pkg.version });
    const ids = driver.rules.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const rule of driver.rules) for (const text of [rule.shortDescription.text, rule.fullDescription.text, rule.help.text]) expect(text.trim()).not.toBe("");
    for (const r of run().results) expect(driver.rules[r.ruleIndex]?.id, r.message.text).toBe(r.ruleId);
    // Every obligation kind of the run and every finding rule id has its descriptor.
    const kinds = new Set(report.documents.flatMap((d) => d.obligations.map((o) => `anrf/${o.kind}`)));
    const findingRules = new Set(report.documents.flatMap((d) => d.findings.map((f) => findingRuleId(f.ruleId))));
    expect(new Set(ids)).toEqual(new Set([...kinds, ...findingRules]));
    // One namespaced scheme; a name that is not the id; a helpUri to a docs section for every rule.
    for (const rule of driver.rules) {
      expect(rule.id).toMatch(/^anrf\/([a-z]+|rule\/[A-Za-z0-9.-]+|verifier\/[a-z-]+)$/);
      expect(rule.name).not.toBe(rule.id);
      expect(rule.helpUri).toMatch(/^(https?|file):\/\/\S+\/docs\/[a-z]+\.md#[a-z0-9-]+$/);
    }
    expect(driver.informationUri).toMatch(/^(https?|file):\/\//);
  });

  it("reports every obligation that is not proved, once, with the level of its status; proved ones only as counts", () => {
    const expected = report.documents.flatMap((d) => d.obligations.filter((o) => o.status !== "proved").map((o) => `${d.file} ${o.id} anrf/${o.kind} ${LEVEL_OF_STATUS[o.status]}`));
    const actual = run()
      .results.filter((r) => r.properties["obligationId"] !== undefined)
      .map((r) => `${r.properties["document"]} ${r.properties["obligationId"]} ${r.ruleId} ${r.level}`);
    expect(actual.sort()).toEqual(expected.sort());
    expect(actual.some((a) => a.endsWith(" error"))).toBe(true);
    expect(actual.some((a) => a.endsWith(" note"))).toBe(true);
    const s = report.summary;
    expect(run().properties["obligations"]).toEqual({ proved: s["proved"], vacuous: s["vacuous"], refuted: s["refuted"], unknown: s["unknown"], unsupported: s["unsupported"], informal: s["informal"], skippedByShard: 0 });
    expect(s["proved"]).toBeGreaterThan(0);
    // Loop-invariant inference of this run is counted beside the obligations (this run reuses the
    // memoised extraction, so nothing is proposed again).
    const inferred = run().properties["inferredInvariants"] as { rounds: number; proposed: number; kept: number; unneeded: number };
    expect(Object.keys(inferred).sort()).toEqual(["kept", "proposed", "rounds", "unneeded"]);
    expect(inferred.kept).toBeLessThanOrEqual(inferred.proposed);
  });

  it("reports every finding with its rule id and level, located at its JSON pointer", () => {
    const expected = report.documents.flatMap((d) => d.findings.map((f) => `${d.file} ${findingRuleId(f.ruleId)} ${LEVEL_OF_SEVERITY[f.severity]} ${f.path}`));
    const actual = run()
      .results.filter((r) => r.properties["obligationId"] === undefined)
      .map((r) => `${r.locations[0]!.physicalLocation.artifactLocation.uri} ${r.ruleId} ${r.level} ${r.properties["jsonPointer"]}`);
    expect(actual.sort()).toEqual(expected.sort());

    // V6.1.5 points at the value of override_justification in the file.
    const [v615] = resultsOf(OVERRIDE);
    expect(v615?.ruleId).toBe("anrf/rule/V6.1.5");
    const file = artifactPath(log, v615!.locations[0]!);
    const document = JSON.parse(readFileSync(file, "utf8")) as { security: { override_justification: unknown } };
    const region = v615!.locations[0]!.physicalLocation.region;
    expect(lineAt(file, region.startLine)).toContain('"override_justification":');
    expect(regionText(file, region)).toBe(JSON.stringify(document.security.override_justification));

    // A document that is not JSON: the syntax error's own position.
    const [json] = resultsOf(MALFORMED);
    const [, line, column] = /line (\d+), column (\d+)/.exec(json!.message.text)!;
    expect(json!.locations[0]!.physicalLocation.region).toMatchObject({ startLine: Number(line), startColumn: Number(column) });
  });

  it("uses relative URIs under %SRCROOT% (the working directory) with 1-based regions", () => {
    expect(run().originalUriBaseIds["%SRCROOT%"]!.uri).toBe(`${pathToFileURL(root).href}/`);
    for (const r of run().results) {
      expect(r.locations).toHaveLength(1);
      const { artifactLocation, region } = r.locations[0]!.physicalLocation;
      expect(artifactLocation.uriBaseId).toBe("%SRCROOT%");
      expect(artifactLocation.uri).not.toMatch(/^(\/|[a-z]+:|\.\.)/);
      expect(region.startLine).toBeGreaterThanOrEqual(1);
      expect(region.startColumn).toBeGreaterThanOrEqual(1);
      expect(lineAt(artifactPath(log, r.locations[0]!), region.startLine)).toBeDefined();
    }
  });

  it("a refuted obligation is an error carrying its counterexample in source terms", () => {
    const refuted = report.documents.flatMap((d) => d.obligations.filter((o) => o.status === "refuted").map((o) => ({ document: d.file, o })));
    expect(refuted.length).toBeGreaterThanOrEqual(5);
    for (const { document, o } of refuted) {
      const result = run().results.find((r) => r.properties["document"] === document && r.properties["obligationId"] === o.id)!;
      expect(result.level).toBe("error");
      expect(result.message.text).toMatch(/^Refuted/);
      expect(result.message.text).toContain("Counterexample:");
      expect(result.properties["counterexample"]).toEqual(o.counterexample);
      for (const [name, value] of Object.entries(o.counterexample ?? {})) expect(result.message.text).toContain(`${name} = ${typeof value === "number" ? value : ""}`);
    }
    // missing-precondition: the offset that breaks the read is negative.
    const missing = resultsOf(MISSING_PRECONDITION).find((r) => r.ruleId === "anrf/bounds");
    expect(missing!.message.text).toMatch(/offset = -\d/);
    expect(missing!.message.text).toContain("a check is inserted");
  });

  it("inline code: the location is the site's characters inside the execution.code string of the document; the message says where in the code", () => {
    const result = resultsOf(MISSING_PRECONDITION).find((r) => r.ruleId === "anrf/bounds");
    const location = result!.locations[0]!;
    expect(location.physicalLocation.artifactLocation.uri).toBe(MISSING_PRECONDITION);
    const file = artifactPath(log, location);
    const code = (JSON.parse(readFileSync(file, "utf8")) as { execution: { code: string } }).execution.code;
    expect(lineAt(file, location.physicalLocation.region.startLine)).toMatch(/^\s*"code":/);
    // The code string has escapes (\n) before the site: the column is the file's, not the code's.
    expect(regionText(file, location.physicalLocation.region)).toBe("buffer[(head + offset) % buffer.length]");
    expect(code).toContain("\n");
    const lines = code.split("\n");
    const line = lines.findIndex((l) => l.includes("buffer[(head")) + 1;
    const column = lines[line - 1]!.indexOf("buffer[(head") + 1;
    expect(result!.message.text).toContain(`execution.code line ${line}, column ${column}`);
  });

  it("fingerprints are distinct within a run", () => {
    const keys = run().results.map((r) => `${r.locations[0]!.physicalLocation.artifactLocation.uri} ${r.ruleId} ${r.partialFingerprints["primaryLocationLineHash"]}`);
    expect(new Set(keys).size).toBe(keys.length);
  });
});

describe("anrf verify --format sarif: a module file (execution.source)", () => {
  const dir = join(scratch, "module");
  const site = "buffer[(head + offset) % buffer.length]";
  const code = `export function ringRead(buffer: number[], head: number, offset: number): number {\n  return ${site};\n}\n`;
  const writeModule = (prefixLines: number) => writeFileSync(join(dir, "src", "ring-read.ts"), `${"// ring read\n".repeat(prefixLines)}${code}`);
  const refutedResult = (log: SarifLog) => log.runs[0]!.results.find((r) => r.ruleId === "anrf/bounds" && r.level === "error")!;
  beforeAll(() => {
    mkdirSync(join(dir, "src"), { recursive: true });
    const document = JSON.parse(readFileSync(join(root, MISSING_PRECONDITION), "utf8")) as { execution: Record<string, unknown> };
    delete document.execution["code"];
    document.execution["source"] = "src/ring-read.ts";
    writeFileSync(join(dir, "ring.anrf.json"), JSON.stringify(document, null, 2));
  });

  it("points at the site in the module, relative to the working directory", async () => {
    writeModule(3);
    const { code: exit, out } = await anrf(dir, "verify", "ring.anrf.json", "--format", "sarif", "--no-cache");
    expect(exit).toBe(1);
    const log = JSON.parse(out) as SarifLog;
    expectSchemaValid(log);
    const result = refutedResult(log);
    const location = result.locations[0]!;
    expect(location.physicalLocation.artifactLocation).toEqual({ uri: "src/ring-read.ts", uriBaseId: "%SRCROOT%" });
    expect(result.properties["document"]).toBe("ring.anrf.json");
    expect(location.physicalLocation.region.startLine).toBe(5);
    expect(regionText(artifactPath(log, location), location.physicalLocation.region)).toBe(site);
    expect(result.message.text).not.toContain("execution.code");
  });

  it("keeps its fingerprint when the code moves, while the obligation id and the region follow the code", async () => {
    writeModule(3);
    const before = refutedResult(JSON.parse((await anrf(dir, "verify", "ring.anrf.json", "--format", "sarif", "--no-cache")).out) as SarifLog);
    writeModule(7);
    const after = refutedResult(JSON.parse((await anrf(dir, "verify", "ring.anrf.json", "--format", "sarif", "--no-cache")).out) as SarifLog);
    expect(after.partialFingerprints).toEqual(before.partialFingerprints);
    expect(after.properties["obligationId"]).not.toBe(before.properties["obligationId"]);
    expect(after.locations[0]!.physicalLocation.region.startLine).toBe(before.locations[0]!.physicalLocation.region.startLine + 4);
  });

  it("a file outside the working directory gets an absolute file URI", async () => {
    writeModule(3);
    const { out } = await anrf(root, "verify", join(dir, "ring.anrf.json"), "--format", "sarif", "--no-cache");
    const log = JSON.parse(out) as SarifLog;
    expectSchemaValid(log);
    const { artifactLocation } = refutedResult(log).locations[0]!.physicalLocation;
    expect(artifactLocation.uriBaseId).toBeUndefined();
    expect(fileURLToPath(artifactLocation.uri)).toBe(join(dir, "src", "ring-read.ts"));
  });
});

describe("anrf validate --format sarif", () => {
  it("reports every finding of the invalid examples under its rule id, with no obligation rules", async () => {
    const sarif = await anrf(root, "validate", "examples/invalid", "--format", "sarif");
    const json = await anrf(root, "validate", "examples/invalid", "--format", "json");
    expect(sarif.code).toBe(1);
    const log = JSON.parse(sarif.out) as SarifLog;
    expectSchemaValid(log);
    const findings = (JSON.parse(json.out) as JsonReport).documents.flatMap((d) => d.findings.map((f) => `${d.file} ${f.ruleId} ${LEVEL_OF_SEVERITY[f.severity]}`));
    const results = log.runs[0]!.results.map((r) => `${r.locations[0]!.physicalLocation.artifactLocation.uri} ${r.ruleId.replace(/^anrf\/(rule|verifier)\//, "")} ${r.level}`);
    expect(results.sort()).toEqual(findings.sort());
    const rules = log.runs[0]!.tool.driver.rules.map((r) => r.id);
    expect(rules.every((id) => /^anrf\/(rule|verifier)\//.test(id))).toBe(true);
    for (const r of log.runs[0]!.results) expect(rules[r.ruleIndex]).toBe(r.ruleId);
  });
});
