/**
 * The seam for anrf.config.json (the dxcli room owns the loader): the "policy" section, parsed
 * here (pure). Flags win over config.
 *
 *   { "policy": { "file": "ops/anrf.cedar", "mounts": { "/data": "/srv/anrf/data" } } }
 *
 * Relative paths resolve against the config file's folder (the config is the operator's).
 */
import { isAbsolute, resolve } from "node:path";

export interface PolicyConfig {
  readonly file?: string | undefined;
  readonly mounts?: Readonly<Record<string, string>> | undefined;
}

export type PolicyConfigResult = { readonly ok: true; readonly config: PolicyConfig } | { readonly ok: false; readonly pointer: string; readonly message: string };

export function parsePolicyConfig(section: unknown, configDir: string): PolicyConfigResult {
  if (section === undefined) return { ok: true, config: {} };
  if (typeof section !== "object" || section === null || Array.isArray(section)) return { ok: false, pointer: "/policy", message: "must be an object" };
  const s = section as Record<string, unknown>;
  for (const key of Object.keys(s)) if (key !== "file" && key !== "mounts") return { ok: false, pointer: `/policy/${key}`, message: "unknown setting (known: file, mounts)" };
  const at = (p: string) => (isAbsolute(p) ? p : resolve(configDir, p));
  let file: string | undefined;
  if (s["file"] !== undefined) {
    if (typeof s["file"] !== "string" || s["file"] === "") return { ok: false, pointer: "/policy/file", message: "must be a non-empty string" };
    file = at(s["file"]);
  }
  let mounts: Record<string, string> | undefined;
  if (s["mounts"] !== undefined) {
    const m = s["mounts"];
    if (typeof m !== "object" || m === null || Array.isArray(m)) return { ok: false, pointer: "/policy/mounts", message: "must be an object of mount name → directory" };
    mounts = {};
    for (const [name, dir] of Object.entries(m as Record<string, unknown>)) {
      if (typeof dir !== "string" || dir === "") return { ok: false, pointer: `/policy/mounts/${name.replace(/~/g, "~0").replace(/\//g, "~1")}`, message: "must be a directory path" };
      mounts[name.startsWith("/") ? name : `/${name}`] = at(dir);
    }
  }
  return { ok: true, config: { file, mounts } };
}
