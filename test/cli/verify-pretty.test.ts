/**
 * The pretty reporter of `anrf verify` (issue 13 item 4): positions into the real file (inline
 * code mapped through the JSON string's escapes), paths relative to the working directory, code
 * frames with the site underlined and the values beside it, a summary whose error count agrees
 * with the exit code, a TypeScript syntax error shown once, and document text escaped.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "../../cli/main.js";
import { codeRegion, inlineCode, stringOffsets } from "../../cli/report/source-position.js";
import { projectRoot } from "../../support/compiled-path.js";
import { captureIo } from "./validate-io.js";

const root = projectRoot();
const scratch = mkdtempSync(join(tmpdir(), "anrf-pretty-"));
const cache = join(scratch, "cache");
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

async function anrf(cwd: string, ...argv: string[]): Promise<{ code: number; out: string }> {
  const io = captureIo(cwd);
  const code = await runCli(argv, io);
  return { code, out: io.out() };
}

describe("code offsets → positions in the JSON file", () => {
  it("maps through every kind of escape", () => {
    const code = 'let s = "q\\"\\u00e9";\n\tx[i];';
    const text = `{\n  "execution": {\n    "code": ${JSON.stringify(code).replace("é", "\\u00e9")}\n  }\n}\n`;
    const map = inlineCode(text)!;
    expect(map.offsets).toHaveLength(code.length + 1);
    const at = code.indexOf("x[i]");
    const region = codeRegion(text, map, at, at + 4)!;
    const line = text.split("\n")[region.start.line - 1]!;
    expect(line.slice(region.start.column - 1, region.end.column - 1)).toBe("x[i]");
    expect(stringOffsets('"a\\nb"', 0)).toEqual([1, 2, 4, 5]);
  });
});

describe("anrf verify pretty output", () => {
  const seeded = "test/verifier/fixtures/seeded/missing-precondition.anrf.json";

  it("file:line:col is the site's character in the JSON file, the path relative to the cwd, with a code frame and the values", async () => {
    const { code, out } = await anrf(root, "verify", seeded, "--cache", cache);
    expect(code).toBe(1);
    const m = new RegExp(`^  (${seeded.replaceAll(".", "\\.")}):(\\d+):(\\d+)  refuted  ENT-READ/bounds/2:10$`, "m").exec(out);
    expect(m, out).not.toBeNull();
    const line = readFileSync(join(root, seeded), "utf8").split("\n")[Number(m![2]) - 1]!;
    expect(line.slice(Number(m![3]) - 1)).toMatch(/^buffer\[\(head \+ offset\) % buffer\.length\]/);
    // The frame: the code's own line 2, the site underlined, the counterexample beside it.
    expect(out).toMatch(/> 2 \|\s+return buffer\[\(head \+ offset\) % buffer\.length\];\n\s+\|\s+\^{39} buffer\.length = \d+, head = -?\d+, offset = -?\d+/);
    expect(out).not.toContain(root);
  });

  it("paths are relative to the cwd also when given absolute", async () => {
    const { out } = await anrf(root, "verify", join(root, seeded), "--cache", cache);
    expect(out).not.toContain(root);
    expect(out).toContain(`${seeded}:`);
  });

  it("the closing summary agrees with the exit code", async () => {
    const failed = await anrf(root, "verify", seeded, "--cache", cache);
    expect(failed.code).toBe(1);
    expect(failed.out).toMatch(/✖ \d+ problems? \([1-9]\d* errors?, \d+ warnings?\)/);
    expect(failed.out).toMatch(/documents: 1 \(0 passed, 1 failed, 0 invalid\)/);
    const passed = await anrf(root, "verify", "examples/adler32-checksum.anrf.json", "--cache", cache);
    expect(passed.code).toBe(0);
    expect(passed.out).toMatch(/✔ no problems|✖ \d+ problems? \(0 errors/);
    expect(passed.out).toMatch(/documents: 1 \(1 passed, 0 failed, 0 invalid\)/);
    // Under --strict an unsupported obligation is an error (binary-search is fully proved since element values are modelled).
    const strict = await anrf(root, "verify", "examples/public-example.anrf.json", "--cache", cache, "--strict");
    expect(strict.code).toBe(1);
    expect(strict.out).toMatch(/\([1-9]\d* errors?/);
  });

  it("a TypeScript syntax error: the document is invalid, the diagnostic printed once, no consequential verdicts", async () => {
    const doc = JSON.parse(readFileSync(join(root, "examples", "binary-search.anrf.json"), "utf8")) as { execution: { code: string } };
    doc.execution.code = doc.execution.code.replace("{", "{ let x = ;");
    writeFileSync(join(scratch, "syntax.anrf.json"), JSON.stringify(doc, null, 2));
    const { code, out } = await anrf(scratch, "verify", "syntax.anrf.json", "--cache", cache);
    expect(code).toBe(1);
    expect(out).toContain("syntax.anrf.json  invalid (the code does not parse)");
    expect(out.match(/TS1109/g)).toHaveLength(1);
    expect(out).not.toMatch(/unsupported\s+ENT-BSEARCH/);
    expect(out).toMatch(/\d+ other obligation\(s\) not shown: fix the syntax error first/);
    expect(out).toMatch(/documents: 1 \(0 passed, 0 failed, 1 invalid\)/);
    expect(out).toMatch(/✖ 1 problem \(1 error, 0 warnings\)/);
    // The position is the character in the JSON file where the code breaks.
    const m = /syntax\.anrf\.json:(\d+):(\d+)  error  syntax  TS1109/.exec(out)!;
    const line = readFileSync(join(scratch, "syntax.anrf.json"), "utf8").split("\n")[Number(m[1]) - 1]!;
    expect(line.slice(Number(m[2]) - 1)).toMatch(/^;/);
  });

  it("a syntax error fails the document even when no entity claims type_safe", async () => {
    const doc = JSON.parse(readFileSync(join(root, "examples", "binary-search.anrf.json"), "utf8")) as { execution: { code: string }; semantics: { entities: Array<{ security_properties: { type_safe: boolean } }> }; security: { safety_level: string } };
    doc.execution.code = doc.execution.code.replace("{", "{ let x = ;");
    for (const e of doc.semantics.entities) e.security_properties.type_safe = false;
    doc.security.safety_level = "MemorySafe";
    writeFileSync(join(scratch, "syntax-untyped.anrf.json"), JSON.stringify(doc, null, 2));
    const { code, out } = await anrf(scratch, "verify", "syntax-untyped.anrf.json", "--cache", cache, "--format", "json");
    expect(code).toBe(1);
    const document = (JSON.parse(out) as { documents: Array<{ valid: boolean; findings: Array<{ ruleId: string; severity: string }> }> }).documents[0]!;
    expect(document.valid).toBe(false);
    expect(document.findings).toContainEqual(expect.objectContaining({ ruleId: "syntax", severity: "error" }));
  });

  it("escapes terminal control characters from the document and its code", async () => {
    const doc = JSON.parse(readFileSync(join(root, seeded), "utf8")) as { execution: { code: string } };
    doc.execution.code = doc.execution.code.replace("return", "/* \u001b[2J\u001b]0;pwned\u0007 */ return");
    writeFileSync(join(scratch, "escape.anrf.json"), JSON.stringify(doc, null, 2));
    const { out } = await anrf(scratch, "verify", "escape.anrf.json", "--cache", cache);
    expect(out).toContain("\\u001b[2J");
    expect(out).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
  });
});
