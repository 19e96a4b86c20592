import { createRequire } from "node:module";
import { Script } from "node:vm";
import { ts } from "ts-morph";
import { makeLocator } from "../../../runtime/host/source-map.js";

/**
 * Loads a document's module UNINSTRUMENTED: TypeScript → JavaScript with ts.transpileModule
 * (types erased, nothing inserted) and evaluated in-process through node:vm under a private
 * file name (not through vitest's transform pipeline, which would rewrite it). Stack positions
 * inside it map back to offsets of the original module text through the source map, so an
 * out-of-bounds access observed by a wrapper is attributed to its site.
 */
export interface GuestModule {
  readonly exports: Readonly<Record<string, unknown>>;
  /** Offset in the original module text of the innermost stack frame inside the module. */
  siteOfCaller(stack: string): number | undefined;
}

let counter = 0;

/** `modules` replaces the named imports (e.g. node:fs by a recording facade); others load normally. */
export function loadGuestModule(text: string, modules: (locate: (stack: string) => number | undefined) => Readonly<Record<string, unknown>> = () => ({})): GuestModule {
  const out = ts.transpileModule(text, {
    fileName: "module.ts",
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS, sourceMap: true },
  });
  const filename = `anrf-guest-${++counter}.js`;
  const locate = makeLocator(out.sourceMapText ?? '{"mappings":""}');
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) lineStarts.push(i + 1);
  const offsetOf = (line: number, column: number): number | undefined => {
    const original = locate(line, column);
    const start = original === undefined ? undefined : lineStarts[original.line - 1];
    return original === undefined || start === undefined ? undefined : start + original.column - 1;
  };
  // The wrapper header sits on its own line and lineOffset -1 keeps the module's line numbers.
  const script = new Script(`(function (exports, require, module) {\n${out.outputText}\n})`, { filename, lineOffset: -1 });
  const module = { exports: {} as Record<string, unknown> };
  const siteOfCaller = (stack: string): number | undefined => {
    for (const line of stack.split("\n")) {
      const at = line.indexOf(`${filename}:`);
      if (at === -1) continue;
      const match = /^:(\d+):(\d+)/.exec(line.slice(at + filename.length));
      if (match) return offsetOf(Number(match[1]), Number(match[2]));
    }
    return undefined;
  };
  const replaced = modules(siteOfCaller);
  const realRequire = createRequire(import.meta.url);
  const guestRequire = (id: string): unknown => (Object.hasOwn(replaced, id) ? replaced[id] : realRequire(id));
  (script.runInThisContext() as (e: unknown, r: unknown, m: unknown) => void)(module.exports, guestRequire, module);
  return { exports: module.exports, siteOfCaller };
}
