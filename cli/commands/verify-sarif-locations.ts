/**
 * SARIF physical locations for anrf results: artifact URIs relative to the working directory
 * (the repository root in CI) and 1-based regions. Findings point at their JSON Pointer in the
 * document; obligations in a module file at their site; obligations in inline code
 * (`execution.code`) at the site's characters inside that JSON string (the code's own
 * line/column are positions inside the decoded string, not inside the JSON file).
 */
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { parentPointer } from "../../spec/json-pointer.js";
import { pointerSpan, type TextSpan } from "../../spec/json-pointer-position.js";
import { lineColumnAt, parseJsonText } from "../../spec/json-position.js";
import type { ObligationResult } from "../../verifier/obligation.js";
import { codeRegion, inlineCode } from "../report/source-position.js";

export const SRCROOT = "%SRCROOT%";

export interface SarifRegion {
  readonly startLine: number;
  readonly startColumn: number;
  readonly endLine?: number;
  readonly endColumn?: number;
}

export interface SarifLocation {
  readonly physicalLocation: {
    readonly artifactLocation: { readonly uri: string; readonly uriBaseId?: string };
    readonly region: SarifRegion;
  };
}

/** Inputs every location needs: the base directory and the texts read by the shell (absolute path → text). */
export interface LocationContext {
  readonly cwd: string;
  readonly texts: ReadonlyMap<string, string>;
}

/** `file:///…/` of the base directory, for run.originalUriBaseIds. */
export const baseUri = (cwd: string): string => {
  const href = pathToFileURL(cwd).href;
  return href.endsWith("/") ? href : `${href}/`;
};

/** Relative to the base (percent-encoded, `/`-separated) when inside it, else an absolute file URI. */
export function artifactLocation(ctx: LocationContext, absolute: string): { uri: string; uriBaseId?: string } {
  const relative = path.relative(ctx.cwd, absolute);
  if (relative === "" || relative === ".." || relative.startsWith(`..${path.sep}`) || path.isAbsolute(relative)) return { uri: pathToFileURL(absolute).href };
  return { uri: relative.split(path.sep).map(encodeURIComponent).join("/"), uriBaseId: SRCROOT };
}

/** The region of [start, end) cut to its first line: code scanning shows an alert in a pull request only when all its lines are in the diff. */
export function regionOf(text: string, span: TextSpan): SarifRegion {
  const newline = text.indexOf("\n", span.start);
  let end = newline >= 0 && newline < span.end ? newline : span.end;
  if (end > span.start && text.charCodeAt(end - 1) === 13) end--;
  const start = lineColumnAt(text, span.start);
  const stop = lineColumnAt(text, Math.max(end, Math.min(span.start + 1, text.length)));
  return { startLine: start.line, startColumn: start.column, endLine: stop.line, endColumn: stop.column };
}

const FIRST: SarifRegion = { startLine: 1, startColumn: 1 };

const location = (ctx: LocationContext, absolute: string, region: SarifRegion): SarifLocation => ({
  physicalLocation: { artifactLocation: artifactLocation(ctx, absolute), region },
});

/**
 * Where `pointer` is written in the document. A pointer that does not resolve falls back to its
 * nearest resolving parent; a document that is not JSON points at its syntax error.
 */
export function pointerRegion(text: string | undefined, pointer: string): SarifRegion {
  if (text === undefined) return FIRST;
  const parsed = parseJsonText(text);
  if (!parsed.ok) return { startLine: parsed.line, startColumn: parsed.column };
  for (let p = pointer; ; p = parentPointer(p)) {
    const span = pointerSpan(text, p);
    if (span !== undefined) return regionOf(text, span);
    if (p === "") return FIRST;
  }
}

export function findingLocation(ctx: LocationContext, documentFile: string, pointer: string): SarifLocation {
  const absolute = path.resolve(ctx.cwd, documentFile);
  return location(ctx, absolute, pointerRegion(ctx.texts.get(absolute), pointer));
}

export interface ObligationPlace {
  readonly location: SarifLocation;
  /** Set when the obligation's code is inline: "execution.code line L, column C". */
  readonly inCode?: string | undefined;
}

/** Index of the entity with this id in the document text, for obligations of documents without code. */
const entityPointer = (text: string, entity: string): string => {
  const parsed = parseJsonText(text);
  const entities = parsed.ok ? (parsed.value as { semantics?: { entities?: unknown } } | null)?.semantics?.entities : undefined;
  const index = Array.isArray(entities) ? entities.findIndex((e) => (e as { id?: unknown } | null)?.id === entity) : -1;
  return index < 0 ? "" : `/semantics/entities/${index}`;
};

export function obligationPlace(ctx: LocationContext, documentFile: string, o: ObligationResult): ObligationPlace {
  const document = path.resolve(ctx.cwd, documentFile);
  const file = path.resolve(ctx.cwd, o.location.file);
  const text = ctx.texts.get(file);
  if (file !== document) {
    // A module file: the obligation's own line/column; the end from the site when the text read
    // now is the text that was verified (its start offset lands on the reported position).
    const start = { startLine: o.location.line, startColumn: o.location.column };
    if (text === undefined) return { location: location(ctx, file, start) };
    const at = lineColumnAt(text, o.site.start);
    const same = at.line === o.location.line && at.column === o.location.column;
    return { location: location(ctx, file, same ? regionOf(text, { start: o.site.start, end: Math.max(o.site.end, o.site.start + 1) }) : start) };
  }
  if (text === undefined) return { location: location(ctx, file, FIRST) };
  const code = pointerSpan(text, "/execution/code");
  if (code !== undefined && parseJsonText(text).ok) {
    // The site's characters inside the JSON string (offsets mapped through its escapes); the
    // whole string when the offsets no longer fit (the file changed since verification).
    const map = inlineCode(text);
    const site = map === undefined ? undefined : codeRegion(text, map, o.site.start, o.site.end);
    const region = site === undefined ? regionOf(text, code) : { startLine: site.start.line, startColumn: site.start.column, endLine: site.end.line, endColumn: Math.max(site.end.column, site.start.column + 1) };
    return { location: location(ctx, file, region), inCode: `execution.code line ${o.location.line}, column ${o.location.column}` };
  }
  // No code in the document (an unverifiable guarantee): the entity that makes the claim.
  return { location: location(ctx, file, pointerRegion(text, entityPointer(text, o.entity))) };
}
