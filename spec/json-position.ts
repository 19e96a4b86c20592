/**
 * JSON text → value, or a syntax problem with a 1-based `line:column`. JSON.parse does the
 * parsing; when it throws, `scanJson` locates the first offending character because Node 20's
 * message does not always carry a position.
 */
import { scanJson } from "./json-scan.js";

export const lineColumnAt = (text: string, offset: number): { line: number; column: number } => {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(Math.max(offset, 0), text.length);
  for (let i = 0; i < end; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: end - lineStart + 1 };
};

export type JsonParseResult =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly message: string; readonly line: number; readonly column: number };

export const parseJsonText = (input: string): JsonParseResult => {
  // A UTF-8 byte order mark is not JSON but editors write it; skipping it changes no offsets
  // the user can see (editors hide it too).
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  try {
    const value: unknown = JSON.parse(text);
    const duplicate = scanJson(text, { duplicateKeys: true });
    if (duplicate) return { ok: false, message: duplicate.message, ...lineColumnAt(text, duplicate.offset) };
    return { ok: true, value };
  } catch (error) {
    const scanned = scanJson(text);
    if (scanned) return { ok: false, message: scanned.message, ...lineColumnAt(text, scanned.offset) };
    // The scanner accepts what JSON.parse rejected: report the engine's words at the start.
    const message = error instanceof Error ? error.message : String(error);
    return { ok: false, message, line: 1, column: 1 };
  }
};

/** Nesting depth of a parsed JSON value, computed without recursion. */
export const jsonDepth = (value: unknown): number => {
  let max = 0;
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [v, d] = stack.pop()!;
    if (v === null || typeof v !== "object") continue;
    if (d > max) max = d;
    for (const child of Array.isArray(v) ? v : Object.values(v)) stack.push([child, d + 1]);
  }
  return max;
};
