/**
 * Host side of the filesystem facade: turn the document's declared mounts into grants with
 * real, symlink-free root directories, checked here once so the guest facade only compares
 * strings against roots it can trust.
 */
import { realpathSync, statSync } from "node:fs";
import { isAbsolute, resolve } from "node:path";
import type { AnrfDocument } from "../../spec/document.js";
import type { Grants, MountGrant } from "../guest/grants.js";
import { inside, realpathLoose, type ToolStatePath } from "../../policy/bind-mounts.js";

export interface GrantProblem {
  readonly code: "ANRF_MOUNT_MISSING" | "ANRF_MOUNT_SHAPE" | "ANRF_NETWORK_UNSUPPORTED" | "ANRF_MOUNT_TOOL_STATE";
  readonly message: string;
}

const mountShape = /^\/[^\0]*$/;

/**
 * Without an operator policy (library callers acting as their own operator): the document's
 * mounts as declared — but never one that contains or lies inside the tool's own state.
 */
export function resolveGrants(doc: AnrfDocument, baseDir: string, toolState: readonly ToolStatePath[] = []): { grants: Grants; problems: GrantProblem[]; unsupported: string[] } {
  const state = toolState.map((s) => ({ ...s, real: realpathLoose(s.path) }));
  const rl = doc.security.isolation_requirements.resource_limits;
  const problems: GrantProblem[] = [];
  const unsupported: string[] = [];
  if (rl.network) unsupported.push("network: true is not endowed (no attenuated network facade in this version)");
  const mounts: MountGrant[] = [];
  if (rl.filesystem !== "None") {
    for (const m of doc.execution["x-anrf-filesystem-mounts"] ?? []) {
      if (!mountShape.test(m.mount) || m.mount.split("/").includes("..") || (m.mount.length > 1 && m.mount.endsWith("/"))) {
        problems.push({ code: "ANRF_MOUNT_SHAPE", message: `mount '${m.mount}' must be absolute, without '..' or a trailing '/'` });
        continue;
      }
      const dir = isAbsolute(m.path) ? m.path : resolve(baseDir, m.path);
      try {
        const root = realpathSync(dir);
        if (!statSync(root).isDirectory()) throw new Error("not a directory");
        const clash = state.find((t) => inside(t.real, root) || inside(root, t.real));
        if (clash !== undefined) {
          problems.push({ code: "ANRF_MOUNT_TOOL_STATE", message: `mount '${m.mount}' (${root}) ${inside(clash.real, root) ? "contains" : "is inside"} anrf's ${clash.what} (${clash.real}); refused` });
          continue;
        }
        mounts.push({ mount: m.mount, root });
      } catch {
        problems.push({ code: "ANRF_MOUNT_MISSING", message: `mount '${m.mount}': directory '${m.path}' does not exist (relative to ${baseDir})` });
      }
    }
  }
  return { grants: { filesystem: rl.filesystem, mounts, network: false }, problems, unsupported };
}
