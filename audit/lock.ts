/**
 * A cross-process mutex for one file, made of lock files (Node has no flock):
 *
 *   acquire:  create `<file>.lock` with O_CREAT|O_EXCL|O_NOFOLLOW, holding a unique token
 *             (host, boot id, pid namespace, pid, random nonce). Creation is atomic, so at most
 *             one process holds the lock at a time.
 *   release:  unlink `<file>.lock` (only its holder ever does, see below).
 *   stale:    the holder is on this machine (same host, boot id and pid namespace) and its pid is
 *             gone (kill(pid, 0) → ESRCH). A lock whose holder we cannot judge (another host, a
 *             container with its own pid namespace) or that is alive is never broken: we wait.
 *
 * Why breaking is safe. Breaking a stale lock whose token carries nonce N first creates
 * `<file>.lock.break-N` with O_EXCL — only one process can ever do that for N — then re-reads
 * the lock and unlinks it only if it still carries N. Between that re-read and the unlink the lock
 * cannot change: replacing it would need unlinking the N lock first, which only its holder (dead)
 * or the one breaker for N (us) can do; any other breaker re-reads a different nonce and stops.
 * So no live holder's lock is ever removed, and no time-based guess ("older than 10 s") is made:
 * a slow holder is simply waited for. PID reuse can only make a dead holder look alive (we then
 * wait and finally fail with a message naming the file), never the other way round.
 * Waiting is bounded by a number of attempts, not by the clock.
 */
import { closeSync, constants, openSync, readFileSync, readlinkSync, unlinkSync, writeSync } from "node:fs";
import { hostname } from "node:os";
import { randomBytes } from "node:crypto";

export class LockError extends Error {
  override readonly name = "LockError";
  constructor(
    readonly code: "ANRF_LOCK_BUSY" | "ANRF_LOCK_IO",
    message: string,
  ) {
    super(message);
  }
}

interface Token {
  readonly host: string;
  readonly boot: string;
  readonly pidns: string;
  readonly pid: number;
  readonly nonce: string;
}

const readOr = (read: () => string, fallback: string): string => {
  try {
    return read().trim();
  } catch {
    return fallback;
  }
};
const BOOT = readOr(() => readFileSync("/proc/sys/kernel/random/boot_id", "utf8"), "unknown-boot");
const PIDNS = readOr(() => readlinkSync("/proc/self/ns/pid"), "unknown-pidns");
const HOST = hostname();

const sleeper = new Int32Array(new SharedArrayBuffer(4));
/** Synchronous back-off (the audit append is synchronous so a record exists before `run` returns). */
const pause = (ms: number): void => void Atomics.wait(sleeper, 0, 0, ms);

export interface LockOptions {
  /** How many times to try before giving up (each try waits a little longer, capped at 20 ms). */
  readonly attempts?: number;
}

/** Runs `fn` while holding the lock for `file`. */
export function withFileLock<T>(file: string, fn: () => T, options: LockOptions = {}): T {
  const lockFile = `${file}.lock`;
  const token: Token = { host: HOST, boot: BOOT, pidns: PIDNS, pid: process.pid, nonce: randomBytes(16).toString("hex") };
  const text = JSON.stringify(token);
  const attempts = options.attempts ?? 3000;
  for (let attempt = 0; ; attempt++) {
    if (tryCreate(lockFile, text)) break;
    if (breakIfStale(lockFile)) continue;
    if (attempt >= attempts) {
      throw new LockError("ANRF_LOCK_BUSY", `${lockFile} is held by another process (${describeHolder(lockFile)}); if no anrf process is running, remove it`);
    }
    pause(Math.min(20, 1 + attempt));
  }
  try {
    return fn();
  } finally {
    // Ours: nobody else unlinks a live holder's lock (see the header).
    try {
      unlinkSync(lockFile);
    } catch {
      // already gone (cannot happen unless someone removed it by hand)
    }
  }
}

function tryCreate(lockFile: string, text: string): boolean {
  let fd: number;
  try {
    fd = openSync(lockFile, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw new LockError("ANRF_LOCK_IO", `cannot create ${lockFile}: ${(error as Error).message}`);
  }
  try {
    writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
  return true;
}

function readToken(lockFile: string): Token | undefined | "gone" {
  let text: string;
  try {
    const fd = openSync(lockFile, constants.O_RDONLY | constants.O_NOFOLLOW);
    try {
      text = readFileSync(fd, "utf8");
    } finally {
      closeSync(fd);
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return "gone";
    return undefined;
  }
  try {
    const t = JSON.parse(text) as Token;
    return typeof t.pid === "number" && typeof t.nonce === "string" && /^[0-9a-f]{32}$/.test(t.nonce) ? t : undefined;
  } catch {
    // Being written right now (create and write are two steps), or garbage: not judged stale.
    return undefined;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== "ESRCH";
  }
}

const judgeable = (t: Token): boolean => t.host === HOST && t.boot === BOOT && t.pidns === PIDNS;

/** True when a stale lock was removed (the caller retries at once). */
function breakIfStale(lockFile: string): boolean {
  const seen = readToken(lockFile);
  if (seen === "gone") return true;
  if (seen === undefined || !judgeable(seen) || alive(seen.pid)) return false;
  const breaker = `${lockFile}.break-${seen.nonce}`;
  if (!tryCreate(breaker, String(process.pid))) return false; // another process is breaking this very lock
  try {
    const again = readToken(lockFile);
    if (again !== "gone" && again !== undefined && again.nonce === seen.nonce) unlinkSync(lockFile);
    return true;
  } finally {
    unlinkSync(breaker);
  }
}

function describeHolder(lockFile: string): string {
  const t = readToken(lockFile);
  if (t === "gone") return "released just now";
  if (t === undefined) return "unreadable holder";
  return judgeable(t) ? `pid ${t.pid}` : `pid ${t.pid} on ${t.host} or in another pid namespace`;
}
