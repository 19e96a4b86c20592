/**
 * The effectful shell of the SARIF reporter: reads anrf's version (package.json) and the texts
 * regions are computed from — each document and each module file an unproved obligation lives
 * in — then calls the pure builder in verify-sarif.ts. A file that cannot be read now (deleted,
 * too large) only makes its regions coarser; it never fails the report.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { DEFAULT_MAX_BYTES } from "../../spec/load.js";
import { readBounded } from "../../spec/read-file.js";
import type { ValidationReport } from "../../spec/report.js";
import type { VerifyReport } from "../../verifier/pipeline/report-types.js";
import { projectRoot } from "../../support/compiled-path.js";
import { verifyPretty } from "./verify-format.js";
import { validateSarif, verifySarif, type SarifDocument, type SarifTool } from "./verify-sarif.js";

let tool: SarifTool | undefined;

/**
 * anrf's own facts from its package.json: `version`; `homepage` (an absolute http(s) URL) as
 * informationUri and `<homepage>/docs/` as the base of every helpUri when there is one. Without
 * a public home, both point at the installed package (its README.md and docs/ folder, file://
 * URIs): absolute as SARIF requires, and the docs they name ship with anrf.
 */
export function sarifTool(): SarifTool {
  if (tool !== undefined) return tool;
  const pkg = JSON.parse(readFileSync(path.join(projectRoot(), "package.json"), "utf8")) as { version?: unknown; homepage?: unknown };
  const home = typeof pkg.homepage === "string" && /^https?:\/\//.test(pkg.homepage) ? pkg.homepage : undefined;
  const local = pathToFileURL(path.join(projectRoot(), "/")).href;
  tool = {
    version: typeof pkg.version === "string" ? pkg.version : "0.0.0",
    informationUri: home ?? new URL("README.md", local).href,
    docsUri: new URL("docs/", home === undefined ? local : home.endsWith("/") ? home : `${home}/`).href,
  };
  return tool;
}

/** Texts of the documents and of every module file an unproved obligation lives in (absolute path → text). */
export async function readTexts(documents: readonly SarifDocument[], cwd: string): Promise<Map<string, string>> {
  const files = new Set<string>();
  for (const d of documents) {
    files.add(path.resolve(cwd, d.file));
    for (const o of d.obligations) if (o.status !== "proved") files.add(path.resolve(cwd, o.location.file));
  }
  const texts = new Map<string, string>();
  for (const file of files) {
    const read = await readBounded(file, DEFAULT_MAX_BYTES);
    if (read.ok) texts.set(file, read.text);
  }
  return texts;
}

export async function verifySarifOutput(report: VerifyReport, cwd: string): Promise<string> {
  return verifySarif(report, { cwd, texts: await readTexts(report.documents, cwd), tool: sarifTool() });
}

export async function validateSarifOutput(report: ValidationReport, cwd: string): Promise<string> {
  const documents = report.documents.map((d) => ({ file: d.file, findings: d.findings, obligations: [], skippedByShard: [] }));
  return validateSarif(report, { cwd, texts: await readTexts(documents, cwd), tool: sarifTool() });
}

/** `anrf verify` pretty output with positions into the real files and code frames. */
export async function verifyPrettyOutput(report: VerifyReport, options: { readonly cwd: string; readonly color: boolean; readonly strict: boolean }): Promise<string> {
  return verifyPretty(report, { ...options, texts: await readTexts(report.documents, options.cwd) });
}
