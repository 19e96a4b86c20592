/**
 * `anrf verify --watch` as a library: verify, then re-verify whatever changes, for as long as
 * the caller wants. What makes a re-run cheap is what stays warm in this process:
 *  - the solver pool (z3 initialised once, on the first miss, and kept);
 *  - TypeScript's lib environment (ts-morph projects are per process);
 *  - verdicts and extraction results in memory, in front of the on-disk proof cache;
 *  - per-entity extraction: an edit re-executes only the functions it touched.
 * Nothing is trusted because it is warm: every run asks the same caches with the same keys as a
 * one-shot `anrf verify`, so a watch report equals the one-shot report for the same files.
 */
import { performance } from "node:perf_hooks";
import * as path from "node:path";
import { stat } from "node:fs/promises";
import { MemoryExtractionMemo } from "../../proofs-cache/memory-memo.js";
import { MemoryVerdictCache } from "../../proofs-cache/memory-verdicts.js";
import { collectDocumentFiles, loadDocument, type LoadedDocument } from "../../spec/load.js";
import { documentPassed, missingDocument, summarise, verifyLoaded, type DocumentVerification, type VerifyOptions, type VerifyReport } from "../index.js";
import { SolverPool } from "../solver/pool.js";
import { diffDocuments, moduleFiles } from "./document-states.js";
import { FsWatchers, type WatchTargets } from "./fs-watch.js";

export interface WatchOptions extends Omit<VerifyOptions, "pool" | "shard" | "only" | "signal"> {
  /** Quiet time after the last file event before looking (ms); default 10. */
  readonly debounceMs?: number | undefined;
  /** Interval of the polling fallback when the platform refuses file watchers (ms); default 300. */
  readonly pollMs?: number | undefined;
  /** An unexpected failure of one look (the watch goes on); default: rethrown nowhere, ignored. */
  readonly onError?: ((error: unknown) => void) | undefined;
  /**
   * What the caller does with each run's verified documents before they are reported and kept
   * (the CLI: the operator policy's gate, signed overrides, the audit records) — exactly what a
   * one-shot `anrf verify` does after verifying. Default: nothing.
   */
  readonly settle?: ((documents: readonly DocumentVerification[]) => Promise<readonly DocumentVerification[]>) | undefined;
  /** Whether a settled document passes; default: verifier/index.ts documentPassed. */
  readonly passes?: ((document: DocumentVerification, strict: boolean) => boolean) | undefined;
}

export interface WatchRun {
  /** 1 for the first verification, then one more per re-verification. */
  readonly run: number;
  /** The documents verified in this run (new or changed ones; all of them in run 1). */
  readonly report: VerifyReport;
  /** Documents watched before and gone now. */
  readonly removed: readonly string[];
  /** From the look at the files to the finished report (ms). */
  readonly elapsedMs: number;
  /** Whether every watched document's latest report passes (`anrf verify`'s exit 0). */
  readonly passed: boolean;
}

export interface Watch {
  /** Whether every watched document's latest report passes. */
  passed(): boolean;
  /** Stop watching; waits for a run in progress and stops the solver workers. */
  close(): Promise<void>;
}

export async function watchDocuments(paths: readonly string[], options: WatchOptions, onRun: (run: WatchRun) => void | Promise<void>): Promise<Watch> {
  const pool = new SolverPool({ size: options.jobs });
  const memo = new MemoryExtractionMemo(options.memo);
  const cache = new MemoryVerdictCache(options.cache);
  const strict = options.strict === true;
  let digests = new Map<string, string>();
  const latest = new Map<string, DocumentVerification>();
  let runs = 0;
  let running: Promise<void> | undefined;
  let again = false;
  let closed = false;
  let debounce: NodeJS.Timeout | undefined;
  let poll: NodeJS.Timeout | undefined;

  const look = async (): Promise<void> => {
    const started = performance.now();
    const { files, problems } = await collectDocumentFiles(paths, options.cwd);
    const loaded: LoadedDocument[] = [];
    for (const file of files) loaded.push(await loadDocument(file, { cwd: options.cwd, ...(options.maxBytes !== undefined ? { maxBytes: options.maxBytes } : {}) }));
    // A named file that is missing is a document too (an io finding), with its message as digest.
    const missing = problems.map(missingDocument);
    const previous = digests;
    const changes = diffDocuments(previous, loaded);
    const next = new Map(changes.digests);
    const missingNow = missing.filter((d) => {
      const digest = `io:${d.findings[0]?.message ?? ""}`;
      next.set(d.file, digest);
      return previous.get(d.file) !== digest;
    });
    const removed = changes.removed.filter((file) => !next.has(file));
    targetsChanged(await targets(loaded));
    // Changes made after this look's report must be seen: wait for the watchers' initial scans.
    await watchers.ready();
    if (runs > 0 && changes.changed.length === 0 && missingNow.length === 0 && removed.length === 0) return;

    const verified = await verifyLoaded(changes.changed, { ...options, cache, memo, pool });
    const documents = [...missingNow, ...verified.documents];
    const settled = options.settle === undefined ? documents : [...(await options.settle(documents))];
    // Only now are these contents done: if verifying or settling threw, the next look tries them again.
    digests = next;
    for (const file of removed) latest.delete(file);
    for (const d of settled) latest.set(d.file, d);
    runs++;
    const report: VerifyReport = { ...verified, documents: settled, summary: summarise(settled) };
    await onRun({ run: runs, report, removed, elapsedMs: performance.now() - started, passed: passed() });
    // Memo entries and verdicts reach the disk after the report, not before it.
    memo.drain();
    cache.drain();
  };

  const passes = options.passes ?? documentPassed;
  const passed = (): boolean => [...latest.values()].every((d) => passes(d, strict));

  /** One look at a time; events during a look ask for another one right after it. */
  const schedule = (): void => {
    if (closed) return;
    if (running !== undefined) {
      again = true;
      return;
    }
    running = (async () => {
      do {
        again = false;
        try {
          await look();
        } catch (error) {
          options.onError?.(error);
        }
      } while (again && !closed);
    })().finally(() => (running = undefined));
  };

  const watchers = new FsWatchers(() => {
    if (debounce !== undefined) clearTimeout(debounce);
    debounce = setTimeout(schedule, options.debounceMs ?? 10);
  });

  // Polling only while some watcher cannot be set up (a folder that does not exist yet, limits).
  const targetsChanged = (wanted: WatchTargets): void => {
    if (closed) return;
    const watching = watchers.update(wanted);
    if (!watching && poll === undefined) poll = setInterval(schedule, options.pollMs ?? 300);
    if (watching && poll !== undefined) {
      clearInterval(poll);
      poll = undefined;
    }
  };

  // Given directories are whole trees (looked up each time: one may appear later); given files
  // and the modules documents name are single files.
  const targets = async (loaded: readonly LoadedDocument[]): Promise<WatchTargets> => {
    const trees = await directories(paths, options.cwd);
    const named = paths.map((p) => path.resolve(options.cwd, p)).filter((p) => !trees.includes(p));
    return { trees, files: [...named, ...moduleFiles(loaded)] };
  };

  schedule();
  await running;

  return {
    passed,
    async close() {
      closed = true;
      if (debounce !== undefined) clearTimeout(debounce);
      if (poll !== undefined) clearInterval(poll);
      await running;
      await watchers.close();
      await memo.flush();
      await cache.close();
      await pool.close();
    },
  };
}

/** The given paths that are directories (absolute), watched as whole trees. */
async function directories(paths: readonly string[], cwd: string): Promise<string[]> {
  const out: string[] = [];
  for (const p of paths) {
    const absolute = path.resolve(cwd, p);
    const info = await stat(absolute).catch(() => undefined);
    if (info?.isDirectory()) out.push(absolute);
  }
  return out;
}
