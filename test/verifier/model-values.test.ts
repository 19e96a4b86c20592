import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeModelValue, modelValueToNumber, numberToModelValue } from "../../verifier/solver/model-values.js";

/** Print a double the way z3 prints a Float64 model value. */
function fpSexpr(d: number): string {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, d);
  const bits = view.getBigUint64(0);
  const sign = (bits >> 63n).toString(2);
  const exponent = ((bits >> 52n) & 0x7ffn).toString(2).padStart(11, "0");
  const significand = (bits & ((1n << 52n) - 1n)).toString(16).padStart(13, "0");
  return `(fp #b${sign} #b${exponent} #x${significand})`;
}

describe("model value decoding", () => {
  it("decodes every double exactly from z3's (fp s e m) form", () => {
    fc.assert(
      fc.property(fc.double(), (d) => {
        const decoded = decodeModelValue(fpSexpr(d));
        expect(decoded).toEqual(numberToModelValue(d));
        expect(Object.is(modelValueToNumber(decoded), d)).toBe(true);
      }),
      { numRuns: 2_000 },
    );
  });

  it("decodes z3's special floating-point literals", () => {
    expect(decodeModelValue("(_ NaN 11 53)")).toBe("NaN");
    expect(decodeModelValue("(_ +oo 11 53)")).toBe("Infinity");
    expect(decodeModelValue("(_ -oo 11 53)")).toBe("-Infinity");
    expect(decodeModelValue("(_ -zero 11 53)")).toBe("-0");
    expect(decodeModelValue("(_ +zero 11 53)")).toBe(0);
  });

  it("decodes integers (big ones as exact text), rationals, strings and bit-vectors", () => {
    expect(decodeModelValue("(- 17)")).toBe(-17);
    expect(decodeModelValue("123456789012345678901234567890")).toBe("123456789012345678901234567890");
    expect(decodeModelValue("(- (/ 3.0 2.0))")).toBe(-1.5);
    expect(decodeModelValue("(/ 1.0 3.0)")).toBe("1/3");
    expect(decodeModelValue('"a""b\\u{0}c\\u{1f600}"')).toBe('a"b\u0000c\u{1f600}');
    expect(decodeModelValue("#xffffffff")).toBe(-1);
    expect(decodeModelValue("#x00ff")).toBe(255);
    expect(decodeModelValue("false")).toBe(false);
  });
});
