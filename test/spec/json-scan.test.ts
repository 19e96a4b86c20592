import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { scanJson } from "../../spec/json-scan.js";
import { lineColumnAt, parseJsonText, jsonDepth } from "../../spec/json-position.js";

const runs = process.env["CI"] ? 10_000 : 1_000;

const parses = (text: string): boolean => {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
};

describe("scanJson agrees with JSON.parse", () => {
  test.prop([fc.json()], { numRuns: runs })("accepts everything JSON.stringify writes", (text) => {
    expect(scanJson(text)).toBeUndefined();
  });

  test.prop([fc.json(), fc.nat(), fc.constantFrom("", ",", "}", "]", "{", "[", '"', ":", "x", "\\", "\n", "1", "-", "tru")], { numRuns: runs })(
    "rejects exactly what JSON.parse rejects, at an offset inside the text",
    (json, position, insert) => {
      const at = position % (json.length + 1);
      const text = json.slice(0, at) + insert + json.slice(at);
      const scanned = scanJson(text);
      expect(scanned === undefined).toBe(parses(text));
      if (scanned) {
        expect(scanned.offset).toBeGreaterThanOrEqual(0);
        expect(scanned.offset).toBeLessThanOrEqual(text.length);
      }
    },
  );

  test.prop([fc.string({ unit: "binary", maxLength: 40 })], { numRuns: runs })("random text", (text) => {
    expect(scanJson(text) === undefined).toBe(parses(text));
  });
});

describe("parseJsonText", () => {
  it("reports line and column of the first error (Node gives no position for this one)", () => {
    const result = parseJsonText('{\n  "a": tru\n}');
    expect(result).toMatchObject({ ok: false, line: 2, column: 8 });
  });

  it("reports a missing comma where the next key starts", () => {
    const result = parseJsonText('{\n  "a": 1\n  "b": 2\n}');
    expect(result).toMatchObject({ ok: false, line: 3, column: 3 });
    if (!result.ok) expect(result.message).toContain("expected ',' or '}'");
  });

  it("points past the end for truncated input", () => {
    expect(parseJsonText('{"a": [1, 2')).toMatchObject({ ok: false, line: 1, column: 12 });
    expect(parseJsonText("")).toMatchObject({ ok: false, line: 1, column: 1 });
  });

  it("names control characters instead of printing them", () => {
    const result = parseJsonText('{"a": "x\u0001"}');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toContain("control character");
  });

  it("accepts a UTF-8 byte order mark", () => {
    expect(parseJsonText('\ufeff{"a": 1}')).toEqual({ ok: true, value: { a: 1 } });
  });

  it("lineColumnAt counts lines from 1 and columns from 1", () => {
    expect(lineColumnAt("ab\ncd", 0)).toEqual({ line: 1, column: 1 });
    expect(lineColumnAt("ab\ncd", 4)).toEqual({ line: 2, column: 2 });
  });

  it("jsonDepth measures nesting without recursion", () => {
    expect(jsonDepth(1)).toBe(0);
    expect(jsonDepth({ a: [1, { b: {} }] })).toBe(4);
    const deep = JSON.parse("[".repeat(100_000) + "]".repeat(100_000));
    expect(jsonDepth(deep)).toBe(100_000);
  });
});

describe("duplicate keys", () => {
  it("are refused with the position of the second occurrence, also escaped spellings of one key", () => {
    expect(parseJsonText('{\n  "override_status": true,\n  "override_status": false\n}')).toMatchObject({ ok: false, line: 3, column: 3 });
    expect(parseJsonText('{"a": 1, "\\u0061": 2}')).toMatchObject({ ok: false, line: 1, column: 10 });
    const nested = parseJsonText('{"a": {"b": 1}, "c": {"b": 2}, "d": [{"b": 1}, {"b": 2}]}');
    expect(nested.ok).toBe(true);
    expect(parseJsonText('[{"x": 1, "y": {"x": 2}, "x": 3}]')).toMatchObject({ ok: false, line: 1, column: 26 });
  });

  test.prop([fc.json()], { numRuns: runs })("JSON.stringify never writes duplicate keys", (text) => {
    expect(scanJson(text, { duplicateKeys: true })).toBeUndefined();
  });
});
