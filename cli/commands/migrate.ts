/**
 * `anrf migrate <file> [--write] [--max-bytes N]`: upgrade a pre-1.1.0 document.
 * stdout: the migrated JSON (or, with --write, one line saying where it went). stderr: every
 * assumption the migration made, then the validation findings of the result.
 * Exit 0: migrated and valid; 1: the result still has errors (never written); 2: usage.
 */
import { promises as fs } from "node:fs";
import * as path from "node:path";
import { parseArgs, UsageError } from "../args.js";
import { ExitCode, type CliIo } from "../io.js";
import { checkParsedDocument, DEFAULT_MAX_BYTES } from "../../spec/load.js";
import { parseJsonText } from "../../spec/json-position.js";
import { readBounded, within } from "../../spec/read-file.js";
import { migrateDocument } from "../../spec/migrate/migrate.js";
import { formatFinding } from "../../spec/report.js";

export const MIGRATE_USAGE = `usage: anrf migrate <file> [--write] [--max-bytes N]

Upgrades a pre-1.1.0 ANRF document to 1.1.0 and validates the result. Prints the migrated
JSON on stdout and every assumption made on stderr. With --write the result goes to a file
named *.anrf.json (the name anrf validate/verify look for): x.anrf.json is replaced atomically;
x.json is left as it was and the result written to x.anrf.json next to it (never over an
existing file). Exit 0: valid result; 1: the result still has errors; 2: usage error.
`;

/** Where --write puts the result: documents are found by the name *.anrf.json. */
export function migratedName(file: string): string {
  if (file.endsWith(".anrf.json")) return file;
  return `${file.endsWith(".json") ? file.slice(0, -".json".length) : file}.anrf.json`;
}

/** Write to a temporary file in the same folder, then rename: readers see old or new, never half. */
const writeAtomically = async (file: string, text: string): Promise<void> => {
  const temporary = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${Date.now()}.tmp`);
  try {
    await fs.writeFile(temporary, text, { flag: "wx" });
    await fs.rename(temporary, file);
  } catch (cause) {
    await fs.rm(temporary, { force: true });
    throw cause;
  }
};

/** The module text named by execution.source, if it is readable and inside the document's folder. */
const readSourceText = async (absoluteFile: string, value: unknown, maxBytes: number): Promise<string | undefined> => {
  if (value === null || typeof value !== "object") return undefined;
  const execution = (value as Record<string, unknown>)["execution"];
  if (execution === null || typeof execution !== "object") return undefined;
  const source = (execution as Record<string, unknown>)["source"];
  if (typeof source !== "string" || path.isAbsolute(source)) return undefined;
  const folder = path.dirname(absoluteFile);
  const target = path.resolve(folder, source);
  try {
    if (!within(await fs.realpath(folder), await fs.realpath(target))) return undefined;
  } catch {
    return undefined;
  }
  const read = await readBounded(target, maxBytes);
  return read.ok ? read.text : undefined;
};

export async function run(argv: readonly string[], io: CliIo): Promise<number> {
  if (argv.includes("--help") || argv.includes("-h")) {
    io.stdout(MIGRATE_USAGE);
    return ExitCode.ok;
  }
  const { positionals, flags } = parseArgs(argv, {
    write: { kind: "boolean" },
    "max-bytes": { kind: "number", min: 1, integer: true },
  });
  if (positionals.length !== 1) throw new UsageError("give exactly one document to migrate");
  const file = positionals[0]!;
  const absoluteFile = path.resolve(io.cwd, file);
  const maxBytes = (flags["max-bytes"] as number | undefined) ?? DEFAULT_MAX_BYTES;
  if ((await fs.stat(absoluteFile).catch(() => undefined))?.isDirectory()) {
    throw new UsageError(`${file} is a folder; migrate takes one document file (e.g. for f in ${file}/*.json; do anrf migrate "$f" --write; done)`);
  }
  const target = migratedName(file);
  const absoluteTarget = path.resolve(io.cwd, target);
  const read = await readBounded(absoluteFile, maxBytes);
  if (!read.ok) {
    if (read.kind === "io" && read.message === "no such file") throw new UsageError(`${file}: no such file`);
    io.stderr(`anrf migrate: ${file} ${read.message}\n`);
    return ExitCode.findings;
  }
  const parsed = parseJsonText(read.text);
  if (!parsed.ok) {
    io.stderr(`anrf migrate: ${file}: invalid JSON at line ${parsed.line}, column ${parsed.column}: ${parsed.message}\n`);
    return ExitCode.findings;
  }
  const result = migrateDocument({
    value: parsed.value,
    sourceText: await readSourceText(absoluteFile, parsed.value, maxBytes),
    now: new Date().toISOString().replace(/\.\d{3}Z$/, "Z"),
  });
  if (result.kind === "refused") {
    io.stderr(`anrf migrate: ${file}: ${result.message}\n`);
    return ExitCode.findings;
  }
  if (result.kind === "current") {
    io.stderr(`anrf migrate: ${file} is already ANRF 1.1.0; nothing to migrate\n`);
    if (!flags["write"]) io.stdout(`${JSON.stringify(result.document, null, 2)}\n`);
    return ExitCode.ok;
  }
  let report = `anrf migrate: ${file}: ${result.from} → 1.1.0, ${result.assumptions.length} assumption${result.assumptions.length === 1 ? "" : "s"}:\n`;
  for (const a of result.assumptions) report += `  assumed ${a.path}: ${a.message}\n`;
  // Validate the result where it will live, so execution.source resolves as it will later.
  const checked = await checkParsedDocument(flags["write"] ? target : file, flags["write"] ? absoluteTarget : absoluteFile, result.document, maxBytes);
  report += checked.findings.length === 0 ? "validation: no findings\n" : "validation of the migrated document:\n";
  for (const f of checked.findings) report += formatFinding(f, { color: false });
  io.stderr(report);
  const text = `${JSON.stringify(result.document, null, 2)}\n`;
  if (flags["write"]) {
    if (!checked.valid) {
      io.stderr(`anrf migrate: not written: the migrated document still has errors (fix them, then migrate again)\n`);
      return ExitCode.findings;
    }
    if (absoluteTarget !== absoluteFile) {
      if (await fs.stat(absoluteTarget).catch(() => undefined)) {
        throw new UsageError(`${target} already exists; move it away (or migrate that file instead), then run again`);
      }
      await writeAtomically(absoluteTarget, text);
      io.stdout(`wrote ${target} (ANRF 1.1.0); ${file} left as it was\n`);
    } else {
      await writeAtomically(absoluteFile, text);
      io.stdout(`wrote ${file} (ANRF 1.1.0)\n`);
    }
  } else {
    io.stdout(text);
  }
  return checked.valid ? ExitCode.ok : ExitCode.findings;
}
