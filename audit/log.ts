/**
 * The audit writer — the only code that appends to an audit log. Under the file's lock
 * (lock.ts): open the log safely, read its last record, chain the new records to it, append them
 * in one write, fsync, and (with a signing key) replace the checkpoint. The lock is what keeps one
 * chain when several anrf processes append at once; O_APPEND alone would interleave whole lines
 * but chain two of them to the same predecessor.
 *
 * The log is the host's file, never the guest's: it is opened with O_NOFOLLOW (a symlink planted
 * in its place is refused, not followed), must be a regular file owned by this user with one
 * link, and its folder must be a real directory (not a symlink). Failures throw AuditError with a
 * stable code; run.ts reports them in the result instead of failing the run (audit-safe.ts).
 */
import { closeSync, constants, fstatSync, fsyncSync, lstatSync, mkdirSync, openSync, readSync, writeSync } from "node:fs";
import { userInfo } from "node:os";
import { dirname } from "node:path";
import type { Signer } from "../proofs-cache/envelope.js";
import { makeCheckpoint, writeCheckpointFile } from "./checkpoint.js";
import { LockError, withFileLock } from "./lock.js";
import { GENESIS, recordHash, recordLine, sealRecord, type AuditEntry, type AuditRecord } from "./record.js";

export const DEFAULT_AUDIT_LOG = ".anrf/audit.jsonl";

export class AuditError extends Error {
  override readonly name = "AuditError";
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface AppendOptions {
  /** Signs a checkpoint after the append (written to `checkpointFile`, default `<log>.checkpoint`). */
  readonly signer?: Signer | undefined;
  readonly checkpointFile?: string | undefined;
  /** Defaults to the OS user running anrf. */
  readonly actor?: string | undefined;
  readonly now?: () => Date;
  /** Tries to take the log's lock before giving up (lock.ts; default 3000). */
  readonly lockAttempts?: number | undefined;
}

let cachedActor: string | undefined;
export function hostActor(): string {
  if (cachedActor !== undefined) return cachedActor;
  const uid = typeof process.getuid === "function" ? process.getuid() : undefined;
  let name: string | undefined;
  try {
    name = userInfo().username;
  } catch {
    name = undefined; // no passwd entry (containers)
  }
  cachedActor = `anrf:${name ?? "unknown"}${uid === undefined ? "" : `(uid ${uid})`}`;
  return cachedActor;
}

function ensureFolder(folder: string): void {
  try {
    mkdirSync(folder, { recursive: true, mode: 0o700 });
  } catch (error) {
    throw new AuditError("ANRF_AUDIT_FOLDER", `cannot create the audit folder ${folder}: ${(error as Error).message}`);
  }
  const st = lstatSync(folder);
  if (st.isSymbolicLink() || !st.isDirectory()) throw new AuditError("ANRF_AUDIT_FOLDER", `the audit folder ${folder} is ${st.isSymbolicLink() ? "a symbolic link" : "not a directory"}; refusing to write there`);
}

/** Opens the log for appending and reading, refusing anything but a regular file of ours. */
export function openLog(file: string): number {
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDWR | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW, 0o600);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === "ELOOP" ? "it is a symbolic link" : code === "EISDIR" ? "it is a directory" : (error as Error).message;
    throw new AuditError("ANRF_AUDIT_NOT_REGULAR", `cannot open the audit log ${file}: ${why}; refusing to write there`);
  }
  const st = fstatSync(fd);
  const uid = typeof process.getuid === "function" ? process.getuid() : undefined;
  const problem = !st.isFile() ? "not a regular file" : uid !== undefined && st.uid !== uid ? `owned by uid ${st.uid}, not by this user (uid ${uid})` : st.nlink > 1 ? `a file with ${st.nlink} hard links` : undefined;
  if (problem !== undefined) {
    closeSync(fd);
    throw new AuditError("ANRF_AUDIT_NOT_REGULAR", `the audit log ${file} is ${problem}; refusing to write there`);
  }
  return fd;
}

/** The last record of the log (by reading backwards from the end), or undefined for an empty log. */
export function readLastRecord(fd: number, file: string): AuditRecord | undefined {
  const size = fstatSync(fd).size;
  if (size === 0) return undefined;
  let chunk = 4096;
  for (;;) {
    const start = Math.max(0, size - chunk);
    const buffer = Buffer.alloc(size - start);
    readSync(fd, buffer, 0, buffer.length, start);
    const text = buffer.toString("utf8");
    if (!text.endsWith("\n")) throw new AuditError("ANRF_AUDIT_CORRUPT", `the audit log ${file} ends in a partial line; run 'anrf audit verify ${file}'`);
    const cut = text.lastIndexOf("\n", text.length - 2);
    if (cut === -1 && start > 0) {
      chunk *= 4;
      continue;
    }
    const line = text.slice(cut + 1, -1);
    let record: AuditRecord;
    try {
      record = JSON.parse(line) as AuditRecord;
    } catch {
      throw new AuditError("ANRF_AUDIT_CORRUPT", `the last line of the audit log ${file} is not JSON; run 'anrf audit verify ${file}'`);
    }
    if (!Number.isSafeInteger(record.seq) || typeof record.hash !== "string" || recordHash(record) !== record.hash) {
      throw new AuditError("ANRF_AUDIT_CORRUPT", `the last record of the audit log ${file} does not hash to its 'hash' (edited?); run 'anrf audit verify ${file}'`);
    }
    return record;
  }
}

/** Appends the entries as consecutive records of one chain; returns them. */
export function appendAuditEntries(file: string, entries: readonly AuditEntry[], options: AppendOptions = {}): readonly AuditRecord[] {
  if (entries.length === 0) return [];
  ensureFolder(dirname(file));
  try {
    return withFileLock(file, () => {
      const fd = openLog(file);
      try {
        const last = readLastRecord(fd, file);
        let seq = last?.seq ?? 0;
        let prev = last?.hash ?? GENESIS;
        const time = (options.now?.() ?? new Date()).toISOString();
        const actor = options.actor ?? hostActor();
        const records = entries.map((entry) => {
          const record = sealRecord(entry, { seq: ++seq, prev, time, actor });
          prev = record.hash;
          return record;
        });
        writeSync(fd, records.map(recordLine).join(""));
        fsyncSync(fd);
        if (options.signer !== undefined) {
          writeCheckpointFile(options.checkpointFile ?? `${file}.checkpoint`, makeCheckpoint({ seq, head: prev, time }, options.signer));
        }
        return records;
      } finally {
        closeSync(fd);
      }
    }, options.lockAttempts === undefined ? {} : { attempts: options.lockAttempts });
  } catch (error) {
    if (error instanceof AuditError) throw error;
    if (error instanceof LockError) throw new AuditError(error.code, error.message);
    throw new AuditError("ANRF_AUDIT_IO", `cannot append to the audit log ${file}: ${(error as Error).message}`);
  }
}
