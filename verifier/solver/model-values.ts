/**
 * Decoding z3 model values (SMT-LIB s-expressions as printed by z3) into JavaScript values
 * for counterexamples. Pure; no z3 needed.
 *
 * Representation in a Counterexample (values must survive JSON):
 *  - Int / Real → number when exactly representable (|n| ≤ 2^53 for ints), else the exact text;
 *  - Float64 (and other FP sorts) → number, except NaN, Infinity, -Infinity and -0 which become
 *    the strings "NaN", "Infinity", "-Infinity", "-0" (JSON has no such numbers);
 *  - String → the JavaScript string;
 *  - Bool → boolean;
 *  - (_ BitVec 32) → the signed 32-bit integer (JavaScript's `|0`, `>>`, `&` results);
 *    other widths → unsigned number (or exact text beyond 2^53);
 *  - anything else (algebraic numbers, arrays) → the s-expression text.
 */
import { float64OfBits } from "../extract/terms.js";
export type ModelValue = string | number | boolean;

export function decodeModelValue(sexpr: string): ModelValue {
  const text = sexpr.trim();
  if (text === "true") return true;
  if (text === "false") return false;
  if (text.startsWith('"')) return decodeStringLiteral(text);
  if (text.startsWith("#x") || text.startsWith("#b")) return decodeBitVector(text);
  if (text.startsWith("(fp ") || text.startsWith("(_ ")) {
    const fp = decodeFloat(text);
    if (fp !== undefined) return fp;
  }
  const arith = decodeArith(text);
  return arith ?? text;
}

/** JavaScript number → counterexample value (specials as strings, see above). */
export function numberToModelValue(n: number): ModelValue {
  if (Number.isNaN(n)) return "NaN";
  if (n === Infinity) return "Infinity";
  if (n === -Infinity) return "-Infinity";
  if (Object.is(n, -0)) return "-0";
  return n;
}

/** The inverse for numeric slots: "NaN", "Infinity", "-Infinity", "-0" and numbers → number. */
export function modelValueToNumber(value: ModelValue | null): number | undefined {
  if (typeof value === "number") return value;
  if (value === "NaN") return NaN;
  if (value === "Infinity") return Infinity;
  if (value === "-Infinity") return -Infinity;
  if (value === "-0") return -0;
  if (typeof value === "string" && /^-?\d+(\.\d+)?$/.test(value)) return Number(value);
  return undefined;
}

function decodeStringLiteral(text: string): string {
  // z3 prints "" for a quote inside a literal and \u{XX} escapes for non-printable characters.
  const body = text.slice(1, -1).replaceAll('""', '"');
  return body.replace(/\\u\{([0-9a-fA-F]{1,5})\}|\\u([0-9a-fA-F]{4})/g, (_m, braced: string | undefined, plain: string | undefined) =>
    String.fromCodePoint(parseInt(braced ?? plain ?? "0", 16)),
  );
}

function bitsOf(literal: string): { value: bigint; width: number } | undefined {
  if (literal.startsWith("#x")) return { value: BigInt(`0x${literal.slice(2)}`), width: (literal.length - 2) * 4 };
  if (literal.startsWith("#b")) return { value: BigInt(`0b${literal.slice(2)}`), width: literal.length - 2 };
  return undefined;
}

function decodeBitVector(text: string): ModelValue {
  const bits = bitsOf(text);
  if (bits === undefined) return text;
  if (bits.width === 32) return Number(BigInt.asIntN(32, bits.value));
  return bits.value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(bits.value) : bits.value.toString();
}

function decodeFloat(text: string): ModelValue | undefined {
  const special = /^\(_ (NaN|\+oo|-oo|\+zero|-zero) \d+ \d+\)$/.exec(text);
  if (special) {
    return ({ NaN: "NaN", "+oo": "Infinity", "-oo": "-Infinity", "+zero": 0, "-zero": "-0" } as const)[
      special[1] as "NaN" | "+oo" | "-oo" | "+zero" | "-zero"
    ];
  }
  const parts = /^\(fp (#[xb][0-9a-fA-F]+) (#[xb][0-9a-fA-F]+) (#[xb][0-9a-fA-F]+)\)$/.exec(text);
  if (!parts) return undefined;
  const sign = bitsOf(parts[1]!);
  const exponent = bitsOf(parts[2]!);
  const significand = bitsOf(parts[3]!);
  if (!sign || !exponent || !significand) return undefined;
  if (exponent.width === 11 && significand.width === 52) {
    return numberToModelValue(float64OfBits((sign.value << 63n) | (exponent.value << 52n) | significand.value));
  }
  if (exponent.width === 8 && significand.width === 23) {
    const raw = Number((sign.value << 31n) | (exponent.value << 23n) | significand.value);
    const view = new DataView(new ArrayBuffer(4));
    view.setUint32(0, raw);
    return numberToModelValue(view.getFloat32(0));
  }
  return text;
}

/** Int and Real numerals: `5`, `(- 5)`, `1.5`, `(/ 3.0 2.0)`, `(- (/ 3.0 2.0))`. */
function decodeArith(text: string): ModelValue | undefined {
  const negated = /^\(- (.+)\)$/.exec(text);
  if (negated) {
    const inner = decodeArith(negated[1]!.trim());
    if (typeof inner === "number") return inner === 0 ? 0 : -inner;
    return typeof inner === "string" ? `-${inner}` : undefined;
  }
  if (/^\d+$/.test(text)) {
    const big = BigInt(text);
    return big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : text;
  }
  if (/^\d+\.\d+$/.test(text)) return exactDecimal(text);
  const ratio = /^\(\/ (\d+)(?:\.0+)? (\d+)(?:\.0+)?\)$/.exec(text);
  if (ratio) {
    const numerator = BigInt(ratio[1]!);
    const denominator = BigInt(ratio[2]!);
    // Exact as a double only when the denominator is a power of two and the numerator fits.
    const powerOfTwo = denominator > 0n && (denominator & (denominator - 1n)) === 0n;
    if (powerOfTwo && numerator <= BigInt(Number.MAX_SAFE_INTEGER)) return Number(numerator) / Number(denominator);
    return `${numerator}/${denominator}`;
  }
  return undefined;
}

function exactDecimal(text: string): ModelValue {
  const value = Number(text);
  return String(value) === text.replace(/\.0+$/, "").replace(/(\.\d*?)0+$/, "$1") ? value : text;
}
