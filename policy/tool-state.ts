/**
 * The tool's own state that no mount may reach (issue 10 item 4): anrf's folder, the proof
 * and decision cache, the audit log, the policy file, the key registry and the config file.
 */
import { join, resolve } from "node:path";
import type { ToolStatePath } from "./bind-mounts.js";

export interface ToolStateInputs {
  readonly cwd: string;
  readonly cacheDir?: string | undefined;
  readonly auditFile?: string | undefined;
  readonly policyFile?: string | undefined;
  /** The operator's key registry (approvals room); default <cwd>/.anrf/keys. */
  readonly keysDir?: string | undefined;
  /** default <cwd>/anrf.config.json */
  readonly configFile?: string | undefined;
  /** Key files the operator named (--keys registry, --audit-key, ANRF_SIGNING_KEY as a path). */
  readonly keyFiles?: readonly { readonly what: string; readonly path: string }[] | undefined;
}

export function toolStatePaths(i: ToolStateInputs): ToolStatePath[] {
  const at = (p: string) => resolve(i.cwd, p);
  const out: ToolStatePath[] = [
    { what: "state folder (.anrf)", path: join(i.cwd, ".anrf") },
    { what: "key registry", path: at(i.keysDir ?? join(".anrf", "keys")) },
    { what: "config file", path: at(i.configFile ?? "anrf.config.json") },
  ];
  if (i.cacheDir !== undefined) out.push({ what: "proof cache", path: at(i.cacheDir) });
  if (i.auditFile !== undefined) out.push({ what: "audit log", path: at(i.auditFile) });
  if (i.policyFile !== undefined) out.push({ what: "policy file", path: at(i.policyFile) });
  for (const k of i.keyFiles ?? []) out.push({ what: k.what, path: at(k.path) });
  return out;
}
