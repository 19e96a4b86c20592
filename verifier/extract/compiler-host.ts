import { getLibFiles, libFolderInMemoryPath } from "@ts-morph/common";
import { ts } from "ts-morph";

/**
 * TypeScript programs over in-memory files, with the standard library parsed once per process.
 *
 * The extractor and the type check each build a program per module; what makes that expensive
 * is parsing the lib `.d.ts` files (~300 ms). They come from the same bundle ts-morph uses
 * (@ts-morph/common, matching its TypeScript), are parsed on first use and shared by every
 * later program — so a long-lived `anrf verify --watch` pays for a changed module only. Nothing
 * but the given files and the lib exists: no disk access, no `@types`, no node_modules.
 */
export interface InMemoryFile {
  readonly name: string;
  readonly text: string;
}

const LIB_DIR = libFolderInMemoryPath;
let libTexts: ReadonlyMap<string, string> | undefined;
const libSources = new Map<string, ts.SourceFile>();

export function createInMemoryProgram(files: readonly InMemoryFile[], options: ts.CompilerOptions, oldProgram?: ts.Program): ts.Program {
  const own = new Map(files.map((f) => [f.name, f.text]));
  const libs = (libTexts ??= new Map(getLibFiles().map((f) => [`${LIB_DIR}/${f.fileName}`, f.text])));
  const host: ts.CompilerHost = {
    getSourceFile(fileName, languageVersionOrOptions) {
      const text = own.get(fileName);
      if (text !== undefined) return ts.createSourceFile(fileName, text, languageVersionOrOptions, true);
      const lib = libs.get(fileName);
      if (lib === undefined) return undefined;
      const settings = typeof languageVersionOrOptions === "object" ? languageVersionOrOptions : { languageVersion: languageVersionOrOptions };
      const key = `${fileName}|${settings.languageVersion}|${settings.impliedNodeFormat ?? ""}|${settings.jsDocParsingMode ?? ""}`;
      let parsed = libSources.get(key);
      if (parsed === undefined) {
        parsed = ts.createSourceFile(fileName, lib, languageVersionOrOptions, true);
        libSources.set(key, parsed);
      }
      return parsed;
    },
    getDefaultLibFileName: (o) => `${LIB_DIR}/${ts.getDefaultLibFileName(o)}`,
    getDefaultLibLocation: () => LIB_DIR,
    writeFile: () => undefined,
    getCurrentDirectory: () => "/",
    getCanonicalFileName: (f) => f,
    useCaseSensitiveFileNames: () => true,
    getNewLine: () => "\n",
    fileExists: (f) => own.has(f) || libs.has(f),
    readFile: (f) => own.get(f) ?? libs.get(f),
    directoryExists: (d) => d === "/" || [...own.keys(), `${LIB_DIR}/`].some((f) => f.startsWith(`${d}/`)),
    getDirectories: () => [],
  };
  return ts.createProgram({ rootNames: [...own.keys()], options, host, ...(oldProgram === undefined ? {} : { oldProgram }) });
}
