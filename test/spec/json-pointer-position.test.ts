/**
 * pointerSpan finds where a pointer's value is written: for random JSON values, serialised with
 * random indentation, the text at every pointer's span parses back to exactly the value the
 * pointer resolves to; pointers that do not resolve, and malformed text on the way, give undefined.
 */
import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { resolvePointer, toPointer } from "../../spec/json-pointer.js";
import { pointerSpan } from "../../spec/json-pointer-position.js";

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const pointers = (value: Json, path: Array<string | number> = [], out: string[] = []): string[] => {
  out.push(toPointer(path));
  if (Array.isArray(value)) value.forEach((v, i) => pointers(v, [...path, i], out));
  else if (value !== null && typeof value === "object") for (const [k, v] of Object.entries(value)) pointers(v, [...path, k], out);
  return out;
};

// Keys with the characters pointers and strings escape: "/", "~", quotes, backslashes, newlines.
const key = fc.oneof(fc.string(), fc.constantFrom("a/b", "~0", "~1", '"', "\\", "\n", "", "__proto__", "0"));
const json: fc.Arbitrary<Json> = fc.letrec<{ value: Json }>((tie) => ({
  value: fc.oneof(
    { depthSize: "small" },
    fc.constant(null),
    fc.boolean(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.string(),
    fc.array(tie("value"), { maxLength: 4 }),
    fc.dictionary(key, tie("value"), { maxKeys: 4 }),
  ),
})).value;

describe("pointerSpan", () => {
  test.prop([json, fc.constantFrom(undefined, 0, 2, "\t"), fc.boolean()])("the span of every pointer parses to the value it resolves to", (value, indent, crlf) => {
    // Raw line breaks only occur between tokens (JSON escapes them inside strings).
    const pretty = ` ${JSON.stringify(value, null, indent)}\n`;
    const text = crlf ? pretty.replace(/\n/g, "\r\n") : pretty;
    for (const pointer of pointers(value)) {
      const span = pointerSpan(text, pointer);
      const resolved = resolvePointer(value, pointer);
      expect(resolved.found).toBe(true);
      expect(span, pointer).toBeDefined();
      // Compared through JSON, which writes -0 as 0.
      expect(JSON.parse(text.slice(span!.start, span!.end))).toEqual(JSON.parse(JSON.stringify(resolved.found ? resolved.value : null)));
    }
  });

  it("undefined for pointers that do not resolve and for malformed text on the way", () => {
    const text = '{ "a": [1, {"b": "x"}], "c": {} }';
    expect(pointerSpan(text, "/a/1/b")).toEqual({ start: text.indexOf('"x"'), end: text.indexOf('"x"') + 3 });
    for (const missing of ["/a/2", "/a/01", "/a/-", "/c/d", "/a/1/b/c", "/x", "no-slash"]) expect(pointerSpan(text, missing), missing).toBeUndefined();
    for (const [broken, pointer] of [['{ "a" 1 }', "/a"], ['{ "a": "unterminated }', "/a"], ["[1,, 2]", "/2"], ['{ "a": 1 "b": 2 }', "/b"], ['{ "a": [1', "/a"]]) {
      expect(pointerSpan(broken!, pointer!), broken).toBeUndefined();
    }
    expect(pointerSpan("", "")).toBeUndefined();
  });
});
