import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { ts } from "ts-morph";
import { fromSegments, LineTable, positionToken, resolveTokens, tokenOffsets, toSegments } from "../../../verifier/extract/positions.js";
import { reduceText, STUB_BODY } from "../../../verifier/pipeline/reduced-text.js";

const textArb = fc.array(fc.constantFrom("a", "b", " ", "\n", "\r\n", "\r", "\u2028", "\u2029", "é", "😀", "\t"), { maxLength: 60 }).map((parts) => parts.join(""));

describe("positions", () => {
  test.prop([textArb, fc.nat()])("LineTable gives TypeScript's line and column for every offset", (text, n) => {
    const offset = text.length === 0 ? 0 : n % (text.length + 1);
    const sf = ts.createSourceFile("/t.ts", text, ts.ScriptTarget.ES2022);
    const expected = sf.getLineAndCharacterOfPosition(offset);
    expect(new LineTable(text).lineColumn(offset)).toEqual({ line: expected.line + 1, column: expected.character + 1 });
  });

  test.prop([fc.array(fc.oneof(fc.string(), fc.nat({ max: 500 })), { maxLength: 8 }), fc.nat({ max: 1000 }), fc.nat({ max: 1000 })])(
    "segments round-trip a text with tokens, moved from one anchor to another",
    (parts, from, to) => {
      const text = parts.map((p) => (typeof p === "number" ? positionToken(p + from) : p)).join("");
      const moved = fromSegments(toSegments(text, from), to);
      const offsets = parts.filter((p): p is number => typeof p === "number");
      expect(tokenOffsets(moved)).toEqual(offsets.map((o) => o + to));
      expect(moved.replace(/\uE000[0-9a-f]+:\d+\uE001/g, "")).toBe(text.replace(/\uE000[0-9a-f]+:\d+\uE001/g, ""));
    },
  );

  it("never takes source text for a token, even text made of the same characters", () => {
    const lines = new LineTable("ab\ncd\nef");
    const quoted = "\uE0000000000000000000:4\uE001 and \uE000x:1\uE001";
    expect(resolveTokens(`${quoted} at ${positionToken(4)}`, lines)).toBe(`${quoted} at 2:2`);
    expect(toSegments(quoted, 0)).toBe(quoted);
  });
});

describe("reduced text", () => {
  const spansArb = (length: number) =>
    fc.uniqueArray(fc.nat({ max: length }), { maxLength: 6 }).map((cuts) => {
      const sorted = [...cuts].sort((a, b) => a - b);
      const spans: Array<{ start: number; end: number }> = [];
      for (let i = 0; i + 1 < sorted.length; i += 2) spans.push({ start: sorted[i]!, end: sorted[i + 1]! });
      return spans;
    });

  test.prop([fc.string({ maxLength: 80 }).chain((text) => fc.tuple(fc.constant(text), spansArb(text.length)))])(
    "replaces exactly the spans, and maps every position outside them there and back",
    ([text, spans]) => {
      const reduced = reduceText(text, spans);
      let expected = "";
      let last = 0;
      for (const s of spans) {
        expected += text.slice(last, s.start) + STUB_BODY;
        last = s.end;
      }
      expect(reduced.text).toBe(expected + text.slice(last));
      for (let offset = 0; offset <= text.length; offset++) {
        const inside = spans.some((s) => offset > s.start && offset < s.end);
        if (inside) continue;
        const r = reduced.fromOriginal(offset);
        expect(reduced.toOriginal(r)).toBe(offset);
        if (offset < text.length && !spans.some((s) => offset >= s.start && offset < s.end)) expect(reduced.text[r]).toBe(text[offset]);
      }
      // A stub's end maps to the end of the body it replaced.
      for (const s of spans) expect(reduced.toOriginal(reduced.fromOriginal(s.start) + STUB_BODY.length)).toBe(s.end);
    },
  );
});
