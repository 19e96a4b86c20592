/** The files a command should read: explicit files as given, directories walked for `*.anrf.json`. */
import { promises as fs } from "node:fs";
import * as path from "node:path";
import { describeIoError } from "./read-file.js";

export interface CollectedFiles {
  /** Files to load, in order: explicit files as given, then each directory's `*.anrf.json`, sorted. */
  readonly files: string[];
  /** Paths that do not exist or cannot be listed: a usage error for the CLI (exit 2). */
  readonly problems: Array<{ readonly path: string; readonly message: string }>;
}

/**
 * A directory holding this marker file is skipped when a parent directory is walked, and
 * walked normally when named itself: `anrf validate examples` leaves out examples/invalid/,
 * `anrf validate examples/invalid` checks it.
 */
export const SKIP_MARKER = ".anrf-skip";

const walk = async (dir: string, out: string[], isRoot: boolean): Promise<void> => {
  const entries = await fs.readdir(dir, { withFileTypes: true });
  if (!isRoot && entries.some((e) => e.name === SKIP_MARKER)) return;
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    // Symlinked directories are not followed: no cycles, no escaping the tree being listed.
    if (entry.isDirectory()) {
      if (entry.name === "node_modules" || entry.name.startsWith(".")) continue;
      await walk(full, out, false);
    } else if ((entry.isFile() || entry.isSymbolicLink()) && entry.name.endsWith(".anrf.json")) out.push(full);
  }
};

/**
 * A directory → every `*.anrf.json` below it (sorted; `node_modules`, dot-directories and
 * directories marked with SKIP_MARKER left out); a file → itself; a missing path → a problem.
 */
export const collectDocumentFiles = async (paths: readonly string[], cwd: string): Promise<CollectedFiles> => {
  const files: string[] = [];
  const problems: Array<{ path: string; message: string }> = [];
  for (const given of paths) {
    const absolute = path.resolve(cwd, given);
    let stat;
    try {
      stat = await fs.stat(absolute);
    } catch (cause) {
      problems.push({ path: given, message: describeIoError(cause) });
      continue;
    }
    if (!stat.isDirectory()) {
      files.push(given);
      continue;
    }
    const found: string[] = [];
    try {
      await walk(absolute, found, true);
    } catch (cause) {
      problems.push({ path: given, message: `cannot list directory: ${describeIoError(cause)}` });
      continue;
    }
    const relative = found.map((f) => path.relative(absolute, f)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    files.push(...relative.map((r) => path.join(given, r)));
  }
  return { files, problems };
};
