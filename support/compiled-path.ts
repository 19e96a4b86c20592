import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * Absolute path of a compiled module under dist/, whether the caller runs from dist/ (CLI)
 * or from the TypeScript sources (vitest). Worker threads and child processes need real
 * JavaScript files, so every pool resolves its entry point through this one function.
 *
 * @param relative path from the project root without extension, e.g. "runtime/guest/worker".
 */
export function compiledPath(relative: string): string {
  return join(projectRoot(), "dist", `${relative}.js`);
}

let root: string | undefined;
export function projectRoot(): string {
  if (root !== undefined) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "package.json")) || dir.endsWith(`${"/"}dist`)) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error("anrf: cannot find the project root (package.json) above " + fileURLToPath(import.meta.url));
    dir = parent;
  }
  root = dir;
  return dir;
}
