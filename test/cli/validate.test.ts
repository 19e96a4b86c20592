/** `anrf validate` run in-process through runCli with captured output. */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../cli/main.js";
import { RULE_CATALOG } from "../../spec/rule-catalog.js";
import { repoRoot } from "../spec/documents.js";
import { captureIo } from "./validate-io.js";

const validate = async (args: string[], options: { isTTY?: boolean; cwd?: string } = {}) => {
  const io = captureIo(options.cwd ?? repoRoot, options);
  const code = await runCli(["validate", ...args], io);
  return { code, out: io.out(), err: io.err() };
};

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(path.join(tmpdir(), "anrf-validate-"));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe("anrf validate", () => {
  it("examples: exit 0, every document valid", async () => {
    const { code, out, err } = await validate(["examples"]);
    expect(err).toBe("");
    expect(code).toBe(0);
    expect(out).toContain("7 documents, 7 valid, 0 errors, 1 warning");
  });

  it("examples/invalid: exit 1 and every rule a file can break is named", async () => {
    const { code, out } = await validate(["examples/invalid", "--format", "json"]);
    expect(code).toBe(1);
    const report = JSON.parse(out) as { documents: Array<{ findings: Array<{ ruleId: string }> }> };
    const named = new Set(report.documents.flatMap((d) => d.findings.map((f) => f.ruleId)));
    for (const rule of RULE_CATALOG) if (!["size", "io", "internal"].includes(rule.id)) expect(named).toContain(rule.id);
  });

  it("JSON output has exactly the public shape", async () => {
    const { code, out } = await validate(["examples/invalid/V6.1.5-override-without-justification.anrf.json", "examples/public-example.anrf.json", "--format=json"]);
    expect(code).toBe(1);
    const report = JSON.parse(out);
    expect(Object.keys(report)).toEqual(["documents", "summary"]);
    expect(report.summary).toEqual({ documents: 2, valid: 1, errors: 1, warnings: 1 });
    expect(report.documents.map((d: object) => Object.keys(d))).toEqual([
      ["file", "valid", "findings"],
      ["file", "valid", "findings"],
    ]);
    expect(report.documents[0]).toEqual({
      file: "examples/invalid/V6.1.5-override-without-justification.anrf.json",
      valid: false,
      findings: [
        {
          ruleId: "V6.1.5",
          severity: "error",
          path: "/security/override_justification",
          message: "override_status is true but override_justification is empty",
          hint: "explain why the security defaults are overridden, or set override_status to false",
        },
      ],
    });
    expect(Object.keys(report.documents[1].findings[0])).toEqual(["ruleId", "severity", "path", "message", "hint"]);
  });

  it("pretty output: file header, one line per finding, an indented hint, a summary; no colour off a TTY", async () => {
    const { out } = await validate(["examples/invalid/V6.1.5-override-without-justification.anrf.json"]);
    expect(out).toBe(
      [
        "examples/invalid/V6.1.5-override-without-justification.anrf.json: invalid",
        "  error V6.1.5 /security/override_justification: override_status is true but override_justification is empty",
        "      hint: explain why the security defaults are overridden, or set override_status to false",
        "",
        "1 document, 0 valid, 1 error, 0 warnings",
        "",
      ].join("\n"),
    );
    expect(out).not.toContain("\u001b[");
  });

  it("colour only on a TTY", async () => {
    const { out } = await validate(["examples/invalid/V6.1.5-override-without-justification.anrf.json"], { isTTY: true });
    expect(out).toContain("\u001b[31merror\u001b[0m");
  });

  it("warnings alone still exit 0", async () => {
    const { code, out } = await validate(["examples/invalid/V7.4-unsubstantiated-verified-claim.anrf.json"]);
    expect(code).toBe(0);
    expect(out).toContain("warning V7.4");
  });

  it("--max-bytes refuses larger files with a size finding (exit 1)", async () => {
    const { code, out } = await validate(["examples/adler32-checksum.anrf.json", "--max-bytes", "100", "--format", "json"]);
    expect(code).toBe(1);
    expect(JSON.parse(out).documents[0].findings[0].ruleId).toBe("size");
  });

  it("usage errors exit 2 with one line on stderr: unknown flag, no such path, no paths, bad values", async () => {
    for (const args of [["--strict", "examples"], ["no/such/path"], [], ["examples", "--format", "xml"], ["examples", "--max-bytes", "-1"], ["examples", "--max-bytes"]]) {
      const { code, out, err } = await validate(args);
      expect(code, args.join(" ")).toBe(2);
      expect(out).toBe("");
      expect(err).toMatch(/^anrf validate: .+\n$/);
    }
  });

  it("hostile content cannot drive the terminal: control characters in messages are escaped", async () => {
    const file = path.join(tmp, "evil.anrf.json");
    writeFileSync(file, JSON.stringify({ anrf_version: "1.1.0", "\u001b[2Jcolour": 1 }));
    const { out } = await validate([file]);
    expect(out).not.toContain("\u001b[2J");
    expect(out).toContain("\\u001b[2Jcolour");
  });

  it("--help prints the usage and exits 0", async () => {
    const { code, out } = await validate(["--help"]);
    expect(code).toBe(0);
    expect(out).toContain("usage: anrf validate");
  });
});
