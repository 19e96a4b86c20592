/**
 * Where an obligation really is, for every reporter (pretty, SARIF, HTML). A module file
 * (`execution.source`): the site's own line and column. Inline code (`execution.code`): the
 * obligation's offsets are offsets into the *decoded* code string, so they are mapped through
 * the JSON string's escapes (`\n`, `\"`, `\uXXXX`, …) to offsets in the document file — a
 * terminal link `doc.anrf.json:L:C` then opens the JSON file on the character of the site.
 * Pure: texts come in as data.
 */
import { pointerSpan } from "../../spec/json-pointer-position.js";
import { lineColumnAt } from "../../spec/json-position.js";

/** decoded[i] → raw offset in the file of the JSON string literal whose opening quote is at `quote`. */
export function stringOffsets(text: string, quote: number): number[] | undefined {
  if (text.charCodeAt(quote) !== 0x22) return undefined;
  const map: number[] = [];
  let i = quote + 1;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      map.push(i); // one past the last character: the closing quote
      return map;
    }
    if (c === 0x5c) {
      map.push(i);
      i += text[i + 1] === "u" ? 6 : 2;
      continue;
    }
    map.push(i);
    i++;
  }
  return undefined;
}

export interface CodeInFile {
  /** Decoded code offset → offset in the document text (length + 1 entries: the end maps to the closing quote). */
  readonly offsets: readonly number[];
}

/** The `execution.code` string of a document text, as an offset map; undefined when there is none. */
export function inlineCode(documentText: string): CodeInFile | undefined {
  const span = pointerSpan(documentText, "/execution/code");
  if (span === undefined) return undefined;
  const offsets = stringOffsets(documentText, span.start);
  return offsets === undefined ? undefined : { offsets };
}

export interface FilePosition {
  readonly line: number;
  readonly column: number;
}

export interface FileRegion {
  readonly start: FilePosition;
  readonly end: FilePosition;
}

/**
 * The file region of [start, end) of the code: for inline code through the escape map (the
 * end is cut to the start's line, since the whole code is one JSON line), else in the module
 * text itself. `undefined` when the offsets do not fit the text (it changed since verification).
 */
export function codeRegion(fileText: string, code: CodeInFile | undefined, start: number, end: number): FileRegion | undefined {
  if (code === undefined) {
    if (start > fileText.length) return undefined;
    const stop = Math.min(Math.max(end, start + 1), fileText.length);
    const nl = fileText.indexOf("\n", start);
    return { start: lineColumnAt(fileText, start), end: lineColumnAt(fileText, nl >= 0 && nl < stop ? nl : stop) };
  }
  const o = code.offsets;
  if (start >= o.length) return undefined;
  const from = o[start]!;
  const last = Math.min(Math.max(end, start + 1), o.length - 1);
  const to = o[last]!;
  const nl = fileText.indexOf("\n", from);
  return { start: lineColumnAt(fileText, from), end: lineColumnAt(fileText, nl >= 0 && nl < to ? nl : to) };
}
