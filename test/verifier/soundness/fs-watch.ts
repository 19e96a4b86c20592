/**
 * A recording stand-in for the filesystem capability (docs/capabilities.md) handed to the
 * uninstrumented module instead of node:fs: it never touches the disk, answers with neutral
 * values, and records every call whose path is outside the declared mounts (not a mount or
 * under `<mount>/`, or with a `..` segment), and every write under a ReadOnly grant.
 */
import type { Locate } from "./bounds-watch.js";

export interface CapabilityViolation {
  readonly site: number | undefined;
  readonly fn: string;
  readonly path: string;
  readonly why: string;
}

const READS: Record<string, () => unknown> = {
  readFileSync: () => "",
  existsSync: () => false,
  readdirSync: () => [],
  statSync: () => ({ size: 0, isFile: true, isDirectory: false }),
};
const WRITES = ["writeFileSync", "appendFileSync", "mkdirSync", "rmSync"];

export function pathViolation(path: string, mounts: readonly string[]): string | undefined {
  if (path.split("/").includes("..")) return "a '..' segment";
  return mounts.some((m) => path === m || path.startsWith(`${m}/`)) ? undefined : "not under a declared mount";
}

export function fsFacade(
  mounts: readonly string[],
  filesystem: "None" | "ReadOnly" | "ReadWrite",
  locate: Locate,
  record: (v: CapabilityViolation) => void,
): Record<string, (...args: unknown[]) => unknown> {
  const facade: Record<string, (...args: unknown[]) => unknown> = {};
  const check = (fn: string, write: boolean, arg: unknown) => {
    const path = String(arg);
    const why =
      filesystem === "None" ? "filesystem None" : write && filesystem === "ReadOnly" ? "a write under ReadOnly" : pathViolation(path, mounts);
    if (why !== undefined) record({ site: locate(new Error().stack ?? ""), fn, path, why });
  };
  for (const [fn, answer] of Object.entries(READS)) {
    facade[fn] = (...args) => {
      check(fn, false, args[0]);
      return answer();
    };
  }
  for (const fn of WRITES) {
    facade[fn] = (...args) => {
      check(fn, true, args[0]);
      return undefined;
    };
  }
  return facade;
}
