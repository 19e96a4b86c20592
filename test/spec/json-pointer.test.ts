import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { parsePointer, resolvePointer, toPointer } from "../../spec/json-pointer.js";

describe("JSON Pointer", () => {
  test.prop([fc.array(fc.string())])("toPointer and parsePointer round-trip (with ~ and / escaped)", (segments) => {
    expect(parsePointer(toPointer(segments))).toEqual(segments);
  });

  it("resolves own properties and array indexes only", () => {
    const doc = { a: [{ "b/c": 1, "~d": 2 }], e: null };
    expect(resolvePointer(doc, "")).toEqual({ found: true, value: doc });
    expect(resolvePointer(doc, "/a/0/b~1c")).toEqual({ found: true, value: 1 });
    expect(resolvePointer(doc, "/a/0/~0d")).toEqual({ found: true, value: 2 });
    expect(resolvePointer(doc, "/e")).toEqual({ found: true, value: null });
    expect(resolvePointer(doc, "/a/1")).toEqual({ found: false });
    expect(resolvePointer(doc, "/a/01")).toEqual({ found: false });
    expect(resolvePointer(doc, "/a/-")).toEqual({ found: false });
    expect(resolvePointer(doc, "/toString")).toEqual({ found: false });
    expect(resolvePointer(doc, "/a/length")).toEqual({ found: false });
    expect(resolvePointer(doc, "a")).toEqual({ found: false });
  });
});
