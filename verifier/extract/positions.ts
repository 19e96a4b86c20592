/**
 * Positions in the extractor's output, kept relocatable until the very end.
 *
 * While extracting, a source position inside a human-readable string ("closure at 12:3", a
 * counterexample name "i (loop at 4:3)") is written as a *token* carrying the character offset,
 * and an obligation's id carries a token for its site. `finalize` turns tokens into 1-based
 * `line:column` (TypeScript's line breaks) once the module text is known. Until then an entity's
 * obligations can be moved by a constant offset (another function above it grew or shrank)
 * without being extracted again — see verifier/pipeline/entity-memo.ts.
 *
 * Tokens carry a per-process random nonce: source text quoted in a description can contain any
 * character, but not a nonce it has never seen, so it can never be mistaken for a token. Stored
 * entries do not use tokens at all (see `toSegments`).
 *
 * Pure: no ts-morph, so the pipeline can relocate memoised results without loading TypeScript.
 */
import { randomBytes } from "node:crypto";
import type { Obligation } from "../obligation.js";

const OPEN = "\uE000";
const CLOSE = "\uE001";
const NONCE = randomBytes(8).toString("hex");
const TOKEN = new RegExp(`${OPEN}${NONCE}:(\\d+)${CLOSE}`, "g");

/** An obligation before finalize: tokens in its strings, no location yet (computed from site.start). */
export type RawObligation = Omit<Obligation, "location">;

/** The token for a source offset; `finalize` prints it as `line:column`. */
export function positionToken(offset: number): string {
  return `${OPEN}${NONCE}:${offset}${CLOSE}`;
}

/** Every offset a string's tokens carry. */
export function tokenOffsets(text: string): number[] {
  return [...text.matchAll(TOKEN)].map((m) => Number(m[1]));
}

/**
 * 1-based line and column of an offset, with TypeScript's line breaks (LF, CR LF, CR, U+2028,
 * U+2029), so ids match what the compiler and editors report.
 */
export class LineTable {
  private readonly starts: number[] = [0];

  constructor(text: string) {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 13) {
        if (text.charCodeAt(i + 1) === 10) i++;
        this.starts.push(i + 1);
      } else if (c === 10 || c === 0x2028 || c === 0x2029) {
        this.starts.push(i + 1);
      }
    }
  }

  lineColumn(offset: number): { line: number; column: number } {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - this.starts[lo]! + 1 };
  }
}

/** Tokens → `line:column`. */
export function resolveTokens(text: string, lines: LineTable): string {
  if (!text.includes(OPEN)) return text;
  return text.replace(TOKEN, (_, offset: string) => {
    const { line, column } = lines.lineColumn(Number(offset));
    return `${line}:${column}`;
  });
}

/** A raw obligation → the Obligation every later stage sees (ids, locations and texts in line:column). */
export function finalize(raw: RawObligation, file: string, lines: LineTable): Obligation {
  const { line, column } = lines.lineColumn(raw.site.start);
  const symbols = raw.symbols === undefined ? undefined : Object.fromEntries(Object.entries(raw.symbols).map(([k, v]) => [k, resolveTokens(v, lines)]));
  return {
    id: resolveTokens(raw.id, lines),
    entity: raw.entity,
    kind: raw.kind,
    location: { file, line, column },
    site: raw.site,
    description: resolveTokens(raw.description, lines),
    ...(raw.clause === undefined ? {} : { clause: raw.clause }),
    smt: raw.smt,
    ...(raw.unsupportedReason === undefined ? {} : { unsupportedReason: resolveTokens(raw.unsupportedReason, lines) }),
    ...(raw.symbols === undefined ? {} : { symbols }),
    ...(raw.vacuity === undefined ? {} : { vacuity: raw.vacuity }),
    ...(raw.inferred === true ? { inferred: true as const } : {}),
    ...(raw.append === true ? { append: true as const } : {}),
    ...(raw.argumentShape === undefined ? {} : { argumentShape: raw.argumentShape }),
  };
}

/**
 * A string in storable form: plain when it has no token, else alternating text and offsets
 * relative to `anchor` (`["closure at ", 12, " is not modelled"]`). Unambiguous whatever the text.
 */
export type Segments = string | ReadonlyArray<string | number>;

export function toSegments(text: string, anchor: number): Segments {
  if (!text.includes(OPEN)) return text;
  const out: Array<string | number> = [];
  let last = 0;
  for (const m of text.matchAll(TOKEN)) {
    out.push(text.slice(last, m.index), Number(m[1]) - anchor);
    last = m.index! + m[0].length;
  }
  out.push(text.slice(last));
  return out.length === 1 ? text : out;
}

/** Storable form → a string with this process's tokens, at offsets relative to `anchor`. */
export function fromSegments(segments: Segments, anchor: number): string {
  if (typeof segments === "string") return segments;
  return segments.map((s) => (typeof s === "number" ? positionToken(s + anchor) : s)).join("");
}
