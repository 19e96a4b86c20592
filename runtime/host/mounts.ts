/**
 * Host side of the filesystem facade: turn the document's declared mounts into grants with
 * real, symlink-free root directories, checked here once so the guest facade only compares
 * strings against roots it can trust.
 */
import { realpathSync, statSync } from "node:fs";
import { isAbsolute, resolve } from "node:path";
import type { AnrfDocument } from "../../spec/document.js";
import type { Grants, MountGrant } from "../guest/grants.js";

export interface GrantProblem {
  readonly code: "ANRF_MOUNT_MISSING" | "ANRF_MOUNT_SHAPE" | "ANRF_NETWORK_UNSUPPORTED";
  readonly message: string;
}

const mountShape = /^\/[^\0]*$/;

export function resolveGrants(doc: AnrfDocument, baseDir: string): { grants: Grants; problems: GrantProblem[]; unsupported: string[] } {
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
        mounts.push({ mount: m.mount, root });
      } catch {
        problems.push({ code: "ANRF_MOUNT_MISSING", message: `mount '${m.mount}': directory '${m.path}' does not exist (relative to ${baseDir})` });
      }
    }
  }
  return { grants: { filesystem: rl.filesystem, mounts, network: false }, problems, unsupported };
}
