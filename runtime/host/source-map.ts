/**
 * The one source-map operation the runtime needs (pure): generated line:column in the
 * instrumented JavaScript → original line:column in the module text. Used for violations
 * raised by the capability facade, which only know where in the generated code they were called.
 */
const BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const DIGIT = new Map([...BASE64].map((c, i) => [c, i]));

interface Segment {
  readonly column: number;
  readonly line: number;
  readonly originalColumn: number;
}

function decodeVlq(text: string): number[] {
  const out: number[] = [];
  let value = 0;
  let shift = 0;
  for (const ch of text) {
    const digit = DIGIT.get(ch);
    if (digit === undefined) return out;
    value += (digit & 31) << shift;
    if (digit & 32) shift += 5;
    else {
      out.push(value & 1 ? -(value >>> 1) : value >>> 1);
      value = 0;
      shift = 0;
    }
  }
  return out;
}

/** Decode `mappings` once; returns a lookup (1-based in, 1-based out). */
export function makeLocator(sourceMap: string): (line: number, column: number) => { line: number; column: number } | undefined {
  let mappings = "";
  try {
    mappings = String((JSON.parse(sourceMap) as { mappings?: unknown }).mappings ?? "");
  } catch {
    return () => undefined;
  }
  const lines: Segment[][] = [];
  let source = 0;
  let originalLine = 0;
  let originalColumn = 0;
  for (const lineText of mappings.split(";")) {
    let column = 0;
    const segments: Segment[] = [];
    for (const segText of lineText.split(",")) {
      if (segText === "") continue;
      const f = decodeVlq(segText);
      column += f[0] ?? 0;
      if (f.length >= 4) {
        source += f[1]!;
        originalLine += f[2]!;
        originalColumn += f[3]!;
        segments.push({ column, line: originalLine, originalColumn });
      }
    }
    void source;
    lines.push(segments);
  }
  return (line, column) => {
    const segments = lines[line - 1];
    if (segments === undefined || segments.length === 0) return undefined;
    let best = segments[0]!;
    for (const s of segments) if (s.column <= column - 1) best = s;
    return { line: best.line + 1, column: best.originalColumn + 1 };
  };
}
