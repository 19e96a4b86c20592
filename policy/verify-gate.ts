/**
 * `anrf verify --policy FILE`: the same policy decisions `anrf run` makes, reported as
 * findings of each document (a CI gate). Mode production (what `run` defaults to); mounts
 * bound with --mount as for run, others at the document's own path.
 */
import { dirname } from "node:path";
import { hasErrors } from "../spec/finding.js";
import { loadDocument } from "../spec/load.js";
import type { DocumentVerification } from "../verifier/pipeline/report-types.js";
import type { ToolStatePath } from "./bind-mounts.js";
import type { DecisionCache } from "./cache.js";
import { resolvePolicy } from "./index.js";
import type { PolicySource } from "./source.js";

export interface GateOptions {
  readonly cwd: string;
  readonly source: PolicySource;
  readonly cache: DecisionCache;
  readonly operatorMounts: ReadonlyMap<string, string>;
  readonly toolState: readonly ToolStatePath[];
}

export async function gateDocuments(documents: readonly DocumentVerification[], options: GateOptions): Promise<DocumentVerification[]> {
  const out: DocumentVerification[] = [];
  for (const d of documents) {
    if (!d.valid) {
      out.push(d);
      continue;
    }
    const loaded = await loadDocument(d.file, { cwd: options.cwd });
    if (!loaded.valid || loaded.document === undefined) {
      out.push(d);
      continue;
    }
    const declared = new Set((loaded.document.execution["x-anrf-filesystem-mounts"] ?? []).map((m) => m.mount));
    const mine = new Map([...options.operatorMounts].filter(([name]) => declared.has(name)));
    const resolution = await resolvePolicy(loaded, options.source, options.cache, {
      cwd: options.cwd ?? dirname(loaded.absoluteFile),
      operatorMounts: mine,
      toolState: options.toolState,
      mode: "production",
      statuses: d.obligations.map((o) => o.status),
    });
    const findings = [...d.findings, ...resolution.findings];
    out.push({ ...d, findings, valid: !hasErrors(findings) });
  }
  return out;
}
