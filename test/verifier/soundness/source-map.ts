/** Minimal source-map v3 decoding: generated (line, column) → original offset. Test support only. */
const BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

type Segment = readonly [genCol: number, srcLine: number, srcCol: number];

function decodeVlq(text: string): number[] {
  const out: number[] = [];
  let value = 0;
  let shift = 0;
  for (const ch of text) {
    const digit = BASE64.indexOf(ch);
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

export class SourceMapper {
  private readonly lines: Segment[][] = [];
  private readonly lineStarts: number[] = [0];

  constructor(mapJson: string, originalText: string) {
    const map = JSON.parse(mapJson) as { mappings: string };
    let srcLine = 0;
    let srcCol = 0;
    for (const line of map.mappings.split(";")) {
      let genCol = 0;
      const segments: Segment[] = [];
      for (const raw of line.split(",")) {
        if (raw === "") continue;
        const [dCol = 0, , dLine, dCol2] = decodeVlq(raw);
        genCol += dCol;
        if (dLine === undefined || dCol2 === undefined) continue;
        srcLine += dLine;
        srcCol += dCol2;
        segments.push([genCol, srcLine, srcCol]);
      }
      this.lines.push(segments);
    }
    for (let i = 0; i < originalText.length; i++) if (originalText.charCodeAt(i) === 10) this.lineStarts.push(i + 1);
  }

  /** 1-based generated line/column (as in stack traces) → 0-based offset in the original text. */
  offsetOf(line: number, column: number): number | undefined {
    const segments = this.lines[line - 1];
    if (!segments || segments.length === 0) return undefined;
    let best: Segment | undefined;
    for (const s of segments) if (s[0] <= column - 1 && (best === undefined || s[0] >= best[0])) best = s;
    best ??= segments[0]!;
    const start = this.lineStarts[best[1]];
    return start === undefined ? undefined : start + best[2] + (column - 1 - best[0]);
  }
}
