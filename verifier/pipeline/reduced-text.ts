/**
 * A module with some function bodies replaced by a stub, and the offset maps both ways.
 *
 * When only a few functions changed, the checker needs to see only those in full: every body
 * whose results are memoised (and which the skeleton leaves out, so nothing outside it depends
 * on it — see verifier/extract/skeleton.ts) is replaced by `{ throw 0; }`, which is valid for
 * any annotated return type and references nothing. Parsing, binding and checking then cost in
 * proportion to what changed. Positions found in the reduced text are mapped back.
 */
import type { SourceSite } from "../obligation.js";

export const STUB_BODY = "{ throw 0; }";

export interface ReducedText {
  readonly text: string;
  /** A position in the reduced text → the original (a stub's end → the replaced body's end). */
  toOriginal(offset: number): number;
  /** A position outside every replaced body in the original → the reduced text. */
  fromOriginal(offset: number): number;
}

interface Piece {
  readonly originalStart: number;
  readonly originalEnd: number;
  readonly reducedStart: number;
  readonly reducedEnd: number;
}

/** Replace each span (non-overlapping) of `text` by the stub. */
export function reduceText(text: string, spans: readonly SourceSite[]): ReducedText {
  const sorted = [...spans].sort((a, b) => a.start - b.start);
  const pieces: Piece[] = [];
  let out = "";
  let last = 0;
  for (const span of sorted) {
    if (span.start < last || span.end < span.start || span.end > text.length) throw new Error(`bad span [${span.start}, ${span.end}) to replace`);
    out += text.slice(last, span.start);
    const reducedStart = out.length;
    out += STUB_BODY;
    pieces.push({ originalStart: span.start, originalEnd: span.end, reducedStart, reducedEnd: out.length });
    last = span.end;
  }
  out += text.slice(last);
  return {
    text: out,
    toOriginal(offset: number): number {
      let shift = 0;
      for (const p of pieces) {
        if (offset <= p.reducedStart) break;
        if (offset < p.reducedEnd) return p.originalStart;
        shift = p.originalEnd - p.reducedEnd;
      }
      return offset + shift;
    },
    fromOriginal(offset: number): number {
      let shift = 0;
      for (const p of pieces) {
        if (offset <= p.originalStart) break;
        if (offset < p.originalEnd) throw new Error(`offset ${offset} lies in a replaced body`);
        shift = p.reducedEnd - p.originalEnd;
      }
      return offset + shift;
    },
  };
}
