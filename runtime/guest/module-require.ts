/**
 * The only `require` module code gets: `node:fs`/`fs` (and the promise forms) map onto the
 * attenuated facade when the filesystem is granted, `node:path`/`path` onto the pure POSIX
 * path module; every other specifier — `child_process`, `net`, `http`, `worker_threads`,
 * packages, relative files — is refused as a capability violation. The specifier is coerced to a string once.
 */
import { makeFsFacade, type DenyFn, type WriteQuota } from "./fs-facade.js";
import { makePathModule } from "./posix-path.js";
import type { Grants } from "./grants.js";

const RealString = String;

export function makeRequire(grants: Grants, deny: DenyFn, live: () => boolean, quota?: WriteQuota): (specifier: unknown) => unknown {
  let fsModules: { sync: object; promises: object } | undefined;
  let pathModule: object | undefined;
  const fsFacade = () => (fsModules ??= makeFsFacade(grants, deny, live, quota));
  const require = (specifier: unknown): unknown => {
    const name = RealString(specifier);
    const bare = name.startsWith("node:") ? name.slice(5) : name;
    switch (bare) {
      case "path":
      case "path/posix":
        return (pathModule ??= makePathModule());
      case "fs":
      case "fs/promises": {
        if (grants.filesystem === "None") {
          deny("require", name, "module is not available: the document declares filesystem: None");
        }
        const mods = fsFacade();
        return bare === "fs" ? mods.sync : mods.promises;
      }
      default:
        deny("require", name, "module is not available in the sandbox (only node:fs and node:path are mapped)");
    }
  };
  return harden(require);
}
