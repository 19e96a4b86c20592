import { randomBytes } from "node:crypto";
import { mkdir, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { CacheCounters } from "./verdict-cache.js";

/**
 * Hit/miss counters across runs. Each run writes its own small file (`stats/<time>-<pid>-<rand>.json`),
 * so concurrent processes never read-modify-write a shared counter; `anrf cache stats` sums
 * them and `anrf cache prune` folds them into one file.
 */
export type RunCounters = Pick<CacheCounters, "hitsLocal" | "hitsRemote" | "misses" | "stores">;

const ZERO: RunCounters = { hitsLocal: 0, hitsRemote: 0, misses: 0, stores: 0 };

export async function recordRun(root: string, counters: RunCounters): Promise<void> {
  if (counters.hitsLocal + counters.hitsRemote + counters.misses + counters.stores === 0) return;
  const dir = join(root, "stats");
  await mkdir(dir, { recursive: true });
  const name = `${Date.now()}-${process.pid}-${randomBytes(4).toString("hex")}.json`;
  const { hitsLocal, hitsRemote, misses, stores } = counters;
  await writeFile(join(dir, `.tmp-${name}`), JSON.stringify({ hitsLocal, hitsRemote, misses, stores }));
  await rename(join(dir, `.tmp-${name}`), join(dir, name));
}

export async function readRunTotals(root: string): Promise<{ totals: RunCounters; files: string[] }> {
  const dir = join(root, "stats");
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => n.endsWith(".json") && !n.startsWith("."));
  } catch {
    return { totals: { ...ZERO }, files: [] };
  }
  const totals = { ...ZERO };
  const files: string[] = [];
  for (const name of names) {
    try {
      const value = JSON.parse(await readFile(join(dir, name), "utf8")) as Partial<RunCounters>;
      for (const field of Object.keys(ZERO) as (keyof RunCounters)[]) {
        const n = value[field];
        if (typeof n === "number" && Number.isFinite(n) && n >= 0) totals[field] += n;
      }
      files.push(join(dir, name));
    } catch {
      // a damaged counter file only loses counts
    }
  }
  return { totals, files };
}

/** Replace the per-run files by one file holding their sum. */
export async function compactRunTotals(root: string): Promise<void> {
  const { totals, files } = await readRunTotals(root);
  if (files.length <= 1) return;
  await recordRun(root, totals);
  await Promise.all(files.map((file) => rm(file, { force: true })));
}
