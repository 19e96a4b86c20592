/**
 * The effectful shell around validation, and THE library entry the verifier and runtime call:
 * read a document file (size-checked before reading), parse it, validate it, and find its
 * TypeScript module (inline, or the file named by `execution.source`, which must stay inside
 * the document's folder tree even through symlinks). Never throws for bad input: every
 * problem is a finding.
 */
import { promises as fs } from "node:fs";
import * as path from "node:path";
import type { AnrfDocument } from "./document.js";
import { error, hasErrors, type Finding } from "./finding.js";
import { parseJsonText } from "./json-position.js";
import { carriesCode } from "./rules/profile-rules.js";
import { validateValue } from "./validate.js";
import { readBounded, describeIoError, within } from "./read-file.js";

export { collectDocumentFiles, SKIP_MARKER, type CollectedFiles } from "./collect-files.js";

export const DEFAULT_MAX_BYTES = 10 * 1024 * 1024;
export { MAX_JSON_DEPTH } from "./validate.js";

export interface LoadOptions {
  /** Refuse documents (and module files) larger than this many bytes. Default 10 MiB. */
  readonly maxBytes?: number;
  /** Directory relative paths are resolved against. Default `process.cwd()`. */
  readonly cwd?: string;
}

export interface ModuleSource {
  /** The module's source text exactly as the document carries it (offsets index into this). */
  readonly text: string;
  /** The document file for inline code; the module file (absolute, as named, not realpath'd) otherwise. */
  readonly file: string;
  readonly fromInline: boolean;
}

export interface LoadedDocument {
  /** The path as given by the caller. */
  readonly file: string;
  readonly absoluteFile: string;
  /** Only when the document is schema-valid (rule errors may remain: see `valid`). */
  readonly document: AnrfDocument | undefined;
  /** The TypeScript/JavaScript module, when the document carries code and it could be read. */
  readonly module: ModuleSource | undefined;
  readonly findings: Finding[];
  /** No finding of severity error. */
  readonly valid: boolean;
}

/** Resolves and reads `execution.source`: relative, existing, inside the document's folder tree. */
const loadSource = async (
  absoluteFile: string,
  source: string,
  maxBytes: number,
): Promise<{ module: ModuleSource | undefined; findings: Finding[] }> => {
  const at = "/execution/source";
  const fail = (message: string, hint: string) => ({ module: undefined, findings: [error("source", at, message, hint)] });
  if (path.isAbsolute(source) || path.win32.isAbsolute(source)) {
    return fail(`execution.source '${source}' is absolute`, "give the module's path relative to the document's folder");
  }
  if (source.includes("\0")) return fail("execution.source contains a NUL byte", "give a plain relative path");
  const folder = path.dirname(absoluteFile);
  const target = path.resolve(folder, source);
  if (!within(folder, target)) {
    return fail(`execution.source '${source}' points outside the document's folder`, "keep the module inside the document's folder tree");
  }
  let realFolder: string;
  let realTarget: string;
  try {
    realFolder = await fs.realpath(folder);
    realTarget = await fs.realpath(target);
  } catch (cause) {
    return fail(`execution.source '${source}': ${describeIoError(cause)}`, "check the path; it is relative to the document's folder");
  }
  // Symlinks: the real file must also be inside the real folder tree.
  if (!within(realFolder, realTarget)) {
    return fail(`execution.source '${source}' resolves (through a symbolic link) outside the document's folder`, "keep the module inside the document's folder tree; do not link outside it");
  }
  const read = await readBounded(realTarget, maxBytes);
  if (!read.ok) return fail(`execution.source '${source}' ${read.message}`, read.kind === "size" ? "split the module or raise --max-bytes" : "make the module a readable UTF-8 file");
  return { module: { text: read.text, file: target, fromInline: false }, findings: [] };
};

const result = (file: string, absoluteFile: string, document: AnrfDocument | undefined, module: ModuleSource | undefined, findings: Finding[]): LoadedDocument => ({
  file,
  absoluteFile,
  document,
  module,
  findings,
  valid: !hasErrors(findings),
});

export const loadDocument = async (file: string, options: LoadOptions = {}): Promise<LoadedDocument> => {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const absoluteFile = path.resolve(options.cwd ?? process.cwd(), file);
  const read = await readBounded(absoluteFile, maxBytes);
  if (!read.ok) {
    const ruleId = read.kind === "size" ? "size" : read.kind === "encoding" ? "json" : "io";
    const hint =
      read.kind === "size" ? "ANRF documents are small; raise the limit with --max-bytes if this one is legitimate" : read.kind === "encoding" ? "save the file as UTF-8" : "check the path and its permissions";
    return result(file, absoluteFile, undefined, undefined, [error(ruleId, "", `${file} ${read.message}`, hint)]);
  }
  const parsed = parseJsonText(read.text);
  if (!parsed.ok) {
    return result(file, absoluteFile, undefined, undefined, [
      error(
        "json",
        "",
        `invalid JSON at line ${parsed.line}, column ${parsed.column}: ${parsed.message}`,
        parsed.message.startsWith("duplicate key") ? "keep exactly one occurrence of the key" : "fix the JSON syntax at that position",
      ),
    ]);
  }
  return checkParsedDocument(file, absoluteFile, parsed.value, maxBytes);
};

/**
 * Validation of an already-parsed value standing at `absoluteFile` (whose folder anchors
 * `execution.source`): used by loadDocument and by `anrf migrate` for the migrated result.
 */
export const checkParsedDocument = async (
  file: string,
  absoluteFile: string,
  value: unknown,
  maxBytes: number = DEFAULT_MAX_BYTES,
): Promise<LoadedDocument> => {
  const { document, findings } = validateValue(value);
  let module: ModuleSource | undefined;
  if (document && carriesCode(document)) {
    const { code, source } = document.execution;
    if (code !== undefined && source === undefined) module = { text: code, file: absoluteFile, fromInline: true };
    // A blank source is already a `code` finding; reading the folder itself would only repeat it.
    else if (source !== undefined && code === undefined && source.trim() !== "") {
      const loaded = await loadSource(absoluteFile, source, maxBytes);
      module = loaded.module;
      findings.push(...loaded.findings);
    }
  }
  return result(file, absoluteFile, document, module, findings);
};

