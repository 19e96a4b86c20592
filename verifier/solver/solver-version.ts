import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

let cached: string | undefined;

/**
 * The z3-solver version, read from its package.json so that cache keys can be computed
 * without initialising z3 (init costs ~150 ms and 2 GiB of reserved heap). A full cache
 * hit must never pay that.
 */
export function solverVersion(): string {
  if (cached !== undefined) return cached;
  const require = createRequire(import.meta.url);
  const manifest = JSON.parse(readFileSync(require.resolve("z3-solver/package.json"), "utf8")) as { version?: unknown };
  if (typeof manifest.version !== "string") throw new Error("z3-solver/package.json has no version");
  cached = `z3-solver@${manifest.version}`;
  return cached;
}
