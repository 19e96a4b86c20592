import { rm } from "node:fs/promises";
import type { ObligationStatus } from "../verifier/obligation.js";
import { decodeEntry } from "./entry.js";
import type { TrustedKeys } from "./envelope.js";
import { decodeMemo } from "./extraction-memo.js";
import type { LocalStore, StoredFile } from "./local-store.js";
import { compactRunTotals, readRunTotals, type RunCounters } from "./run-stats.js";

/** `anrf cache stats | prune | verify` over the local store: data in, data out (the CLI prints). */
export interface CacheStats {
  readonly dir: string;
  readonly entries: number;
  readonly bytes: number;
  readonly byStatus: Readonly<Partial<Record<ObligationStatus | "damaged", number>>>;
  readonly memoEntries: number;
  readonly memoBytes: number;
  readonly strayTempFiles: number;
  readonly oldestUseMs: number | undefined;
  readonly newestUseMs: number | undefined;
  readonly runs: RunCounters;
}

export async function cacheStats(store: LocalStore, trusted: TrustedKeys): Promise<CacheStats> {
  const ac = await store.list("ac");
  const memo = await store.list("memo");
  const byStatus: Partial<Record<ObligationStatus | "damaged", number>> = {};
  for (const file of ac.files) {
    const status = (await checkVerdictFile(store, file, trusted)).status;
    byStatus[status] = (byStatus[status] ?? 0) + 1;
  }
  const uses = [...ac.files, ...memo.files].map((f) => f.mtimeMs);
  return {
    dir: store.root,
    entries: ac.files.length,
    bytes: sum(ac.files),
    byStatus,
    memoEntries: memo.files.length,
    memoBytes: sum(memo.files),
    strayTempFiles: ac.stray.length + memo.stray.length,
    oldestUseMs: uses.length ? Math.min(...uses) : undefined,
    newestUseMs: uses.length ? Math.max(...uses) : undefined,
    runs: (await readRunTotals(store.root)).totals,
  };
}

export interface PruneResult {
  readonly removed: number;
  readonly removedBytes: number;
  readonly keptEntries: number;
  readonly keptBytes: number;
}

/**
 * Remove least recently used entries (verdicts and memo alike; hits touch mtime) until the
 * store holds at most `maxBytes`. Temporary files older than `strayAgeMs` are debris of
 * crashed writers and go first; younger ones may belong to a writer still running.
 */
export async function pruneCache(store: LocalStore, maxBytes: number, now = Date.now(), strayAgeMs = 3_600_000): Promise<PruneResult> {
  const ac = await store.list("ac");
  const memo = await store.list("memo");
  for (const stray of [...ac.stray, ...memo.stray]) {
    if (now - stray.mtimeMs > strayAgeMs) await rm(stray.path, { force: true });
  }
  const files = [...ac.files, ...memo.files].sort((a, b) => a.mtimeMs - b.mtimeMs || (a.key < b.key ? -1 : 1));
  let total = sum(files);
  let removed = 0;
  let removedBytes = 0;
  for (const file of files) {
    if (total <= maxBytes) break;
    await rm(file.path, { force: true });
    total -= file.size;
    removed++;
    removedBytes += file.size;
  }
  await compactRunTotals(store.root).catch(() => undefined);
  return { removed, removedBytes, keptEntries: files.length - removed, keptBytes: total };
}

export interface BadEntry {
  readonly path: string;
  readonly namespace: "ac" | "memo";
  readonly code: string;
  readonly message: string;
}

export interface VerifyResult {
  readonly checked: number;
  readonly bad: readonly BadEntry[];
  /** Entries signed by a trusted key / not signed or signed by unknown keys. */
  readonly trustedSigned: number;
  readonly notTrusted: number;
  readonly removed: number;
}

/**
 * Check every entry: container parses, digest matches, payload well-formed and for the key it
 * is filed under, and no signature by a trusted keyid fails. With `requireTrusted`, entries
 * without a trusted signature are bad too. With `fix`, bad entries are removed.
 */
export async function verifyCache(store: LocalStore, trusted: TrustedKeys, options: { fix: boolean; requireTrusted: boolean }): Promise<VerifyResult> {
  const bad: BadEntry[] = [];
  let trustedSigned = 0;
  let notTrusted = 0;
  const ac = await store.list("ac");
  for (const file of ac.files) {
    const check = await checkVerdictFile(store, file, trusted);
    if (check.status === "damaged") bad.push({ path: file.path, namespace: "ac", code: check.code, message: check.message });
    else if (check.trustedSignature) trustedSigned++;
    else {
      notTrusted++;
      if (options.requireTrusted) bad.push({ path: file.path, namespace: "ac", code: "ENTRY_NOT_TRUSTED", message: "no signature by a trusted key" });
    }
  }
  const memo = await store.list("memo");
  for (const file of memo.files) {
    const text = await store.read("memo", file.key).catch(() => undefined);
    const decoded = text === undefined ? undefined : decodeMemo(text, file.key, trusted);
    if (decoded === undefined || !decoded.ok) {
      bad.push({ path: file.path, namespace: "memo", code: decoded?.code ?? "ENTRY_UNREADABLE", message: decoded?.message ?? "cannot read" });
    }
  }
  let removed = 0;
  if (options.fix) {
    for (const entry of bad) {
      await rm(entry.path, { force: true });
      removed++;
    }
  }
  return { checked: ac.files.length + memo.files.length, bad, trustedSigned, notTrusted, removed };
}

type FileCheck =
  | { readonly status: ObligationStatus; readonly trustedSignature: boolean }
  | { readonly status: "damaged"; readonly code: string; readonly message: string };

async function checkVerdictFile(store: LocalStore, file: StoredFile, trusted: TrustedKeys): Promise<FileCheck> {
  let text: string | undefined;
  try {
    text = await store.read("ac", file.key);
  } catch (error) {
    return { status: "damaged", code: "ENTRY_UNREADABLE", message: error instanceof Error ? error.message : String(error) };
  }
  if (text === undefined) return { status: "damaged", code: "ENTRY_VANISHED", message: "removed while checking" };
  const decoded = decodeEntry(text, file.key, trusted);
  if (!decoded.ok) return { status: "damaged", code: decoded.code, message: decoded.message };
  return { status: decoded.entry.verdict.status, trustedSignature: decoded.signature === "trusted" };
}

function sum(files: readonly StoredFile[]): number {
  return files.reduce((total, file) => total + file.size, 0);
}
