/**
 * SARIF for code scanning, checked by Microsoft's SARIF multitool (`@microsoft/sarif-multitool`,
 * a self-contained .NET binary per platform): `validate` must report 0 errors and 0 warnings on
 * anrf's logs — examples, seeded bugs, invalid documents, a refuted-by-execution adler32 bug and
 * an unconfirmed candidate (codeFlows with state). Also: every rule's helpUri names an anchor
 * that exists in anrf's docs. The package's postinstall (chmod +x) is not run by npm here, so
 * the test runs a private executable copy. Only linux-x64 ships in the lock file's platform
 * packages used here; elsewhere the test skips loudly (under CI=true a missing multitool fails).
 */
import { spawnSync } from "node:child_process";
import { chmodSync, copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../cli/main.js";
import { OBLIGATION_KINDS, kindAnchor, ruleAnchor } from "../../cli/commands/verify-sarif-rules.js";
import { RULE_CATALOG } from "../../spec/rule-catalog.js";
import { projectRoot } from "../../support/compiled-path.js";
import { captureIo } from "./validate-io.js";

const root = projectRoot();
const scratch = mkdtempSync(join(tmpdir(), "anrf-multitool-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const shipped = join(root, "node_modules", "@microsoft", "sarif-multitool-linux", "Sarif.Multitool");
const available = process.platform === "linux" && process.arch === "x64" && existsSync(shipped);
if (!available) {
  const why = `SARIF multitool not runnable here (${process.platform}-${process.arch}, ${shipped} ${existsSync(shipped) ? "present" : "missing"}): run 'npm ci' on linux-x64`;
  if (process.env["CI"] === "true") throw new Error(why);
  console.warn(`\n*** SKIPPING the SARIF multitool test: ${why} ***\n`);
}

async function anrf(...argv: string[]): Promise<{ code: number; out: string }> {
  const io = captureIo(root);
  const code = await runCli(argv, io);
  return { code, out: io.out() };
}

interface Log {
  runs: Array<{ tool: { driver: { informationUri: string; rules: Array<{ id: string; helpUri: string }> } }; results: Array<{ ruleId: string; codeFlows?: Array<{ threadFlows: Array<{ locations: Array<{ state?: Record<string, { text: string }> }> }> }>; properties: Record<string, unknown> }> }>;
}

describe.skipIf(!available)("SARIF multitool validate: 0 errors, 0 warnings", () => {
  const tool = join(scratch, "Sarif.Multitool");
  const logs: Array<{ name: string; text: string }> = [];
  beforeAll(async () => {
    copyFileSync(shipped, tool);
    chmodSync(tool, 0o755);
    const doc = JSON.parse(readFileSync(join(root, "examples", "adler32-checksum.anrf.json"), "utf8")) as { execution: { code: string } };
    doc.execution.code = doc.execution.code.replace("return b * 65536 + a;", "return b * 65536 + a - 5;");
    const bug = join(scratch, "adler-bug.anrf.json");
    writeFileSync(bug, JSON.stringify(doc, null, 2));
    const cache = join(scratch, "cache");
    const inputs = ["examples", "test/verifier/fixtures/seeded", "examples/invalid/V6.1.5-override-without-justification.anrf.json", "examples/invalid/json-malformed.anrf.json"];
    logs.push({ name: "verify", text: (await anrf("verify", ...inputs, bug, "--format", "sarif", "--cache", cache)).out });
    logs.push({ name: "verify-no-confirm", text: (await anrf("verify", bug, "--format", "sarif", "--cache", cache, "--no-confirm")).out });
    logs.push({ name: "validate", text: (await anrf("validate", "examples/invalid", "--format", "sarif")).out });
  });

  it("the logs carry code flows with the values as state (confirmed counterexample and unconfirmed candidate)", () => {
    const flows = (text: string) => (JSON.parse(text) as Log).runs[0]!.results.flatMap((r) => r.codeFlows ?? []);
    const confirmed = (JSON.parse(logs[0]!.text) as Log).runs[0]!.results.filter((r) => (r.properties["confirmation"] as { confirmed?: boolean } | undefined)?.confirmed);
    expect(confirmed.length).toBeGreaterThanOrEqual(1);
    expect(confirmed[0]!.codeFlows![0]!.threadFlows[0]!.locations[0]!.state).toEqual({ "data.length": { text: "0" } });
    const candidate = flows(logs[1]!.text);
    expect(candidate.length).toBeGreaterThanOrEqual(1);
    expect(Object.keys(candidate[0]!.threadFlows[0]!.locations[0]!.state ?? {})).toContain("data.length");
  });

  it("every log validates with no result of any level (one multitool run over the three)", () => {
    const inputs = logs.map(({ name, text }) => {
      const input = join(scratch, `${name}.sarif`);
      writeFileSync(input, text);
      return input;
    });
    const output = join(scratch, "validation.sarif");
    const r = spawnSync(tool, ["validate", ...inputs, "--output", output, "--log", "ForceOverwrite"], { encoding: "utf8", env: { ...process.env, DOTNET_CLI_TELEMETRY_OPTOUT: "1" }, timeout: 300_000 });
    expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(0);
    expect(r.stdout).toContain(`${inputs.length} files scanned`);
    expect(r.stdout).toContain("Analysis completed successfully");
    // Each result names the log it is about (its artifact location).
    const report = JSON.parse(readFileSync(output, "utf8")) as { runs: Array<{ results: Array<{ ruleId: string; message: { text?: string }; locations?: Array<{ physicalLocation?: { artifactLocation?: { uri?: string } } }> }>; invocations?: Array<{ toolExecutionNotifications?: unknown[] }> }> };
    expect(report.runs[0]!.results.map((x) => `${x.locations?.[0]?.physicalLocation?.artifactLocation?.uri ?? "?"}: ${x.ruleId}: ${x.message.text ?? ""}`)).toEqual([]);
    expect(report.runs[0]!.invocations?.[0]?.toolExecutionNotifications ?? []).toEqual([]);
  });
});

describe("SARIF helpUri anchors exist in the docs", () => {
  const docs = (page: string) => readFileSync(join(root, "docs", page), "utf8");
  it("one anchor per obligation kind in docs/verification.md and per rule in docs/rules.md", () => {
    for (const kind of OBLIGATION_KINDS()) expect(docs("verification.md")).toContain(`<a id="${kindAnchor(kind)}"></a>`);
    for (const rule of RULE_CATALOG) expect(docs("rules.md")).toContain(`<a id="${ruleAnchor(rule.id)}"></a>`);
    expect(docs("sarif.md")).toContain('<a id="verifier-findings"></a>');
  });
  it("every helpUri of a real log names one of them", async () => {
    const { out } = await anrf("validate", "examples", "examples/invalid", "--format", "sarif");
    const driver = (JSON.parse(out) as Log).runs[0]!.tool.driver;
    expect(driver.rules.length).toBeGreaterThan(10);
    for (const rule of driver.rules) {
      const url = new URL(rule.helpUri);
      const page = url.pathname.split("/").pop()!;
      expect(docs(page), rule.helpUri).toContain(`<a id="${url.hash.slice(1)}"></a>`);
      if (url.protocol === "file:") expect(existsSync(fileURLToPath(url))).toBe(true);
    }
  });
});
