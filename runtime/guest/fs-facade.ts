/**
 * The attenuated `node:fs` the compartment sees (docs/capabilities.md). Runs in the worker's
 * trusted start compartment with the real `node:fs`; guest code only ever holds the hardened
 * facade functions and the plain data they return (strings, booleans, numbers, fresh
 * Uint8Array copies) — never a Buffer, Stats, Dirent or a Node error object.
 *
 * Why a path cannot escape: the argument is coerced to a string once (a `toString` that
 * changes between calls is called exactly one time), NUL bytes and `..` segments are refused,
 * the virtual path must equal a mount or start with mount + "/", and the real path is checked
 * after `realpath` (symlinks resolved) to equal the mount root or start with root + "/". Writes
 * open with O_NOFOLLOW so a symlink created between check and use is not followed.
 */
import * as fs from "node:fs";
import { chargeAllocBudget, copyBytes } from "./alloc-budget.js";
import { asToolError, toolCodeOf } from "./tool-errors.js";
import type { Grants, MountGrant } from "./grants.js";

const RealString = String;
const RealError = Error;
const RealUint8Array = Uint8Array;
const { O_RDONLY, O_WRONLY, O_CREAT, O_APPEND, O_NOFOLLOW } = fs.constants;
const byteLengthOf = (text: string): number => Buffer.byteLength(text, "utf8");
const typedArrayProto = Object.getPrototypeOf(Uint8Array.prototype) as object;
const typedByteLength = Object.getOwnPropertyDescriptor(typedArrayProto, "byteLength")!.get!;

/** Called on a refused capability use; records the violation and throws (never returns). */
export type DenyFn = (operation: string, path: string, reason: string) => never;

/** Per-run ReadWrite quota (RunOptions.writeQuota; docs/runtime.md "ReadWrite quota"). */
export interface WriteQuota {
  /** Bytes the run may write in total (every write counts, overwrites included; removals refund nothing). */
  readonly bytes: number;
  /** Files and directories the run may create. */
  readonly files: number;
}

const textEncodings = new Set(["utf8", "utf-8", "latin1", "ascii", "base64", "hex", "utf16le"]);

function isTypedArray(value: unknown): boolean {
  try {
    Reflect.apply(typedByteLength, value, []);
    return true;
  } catch {
    return false;
  }
}

/** A guest-facing error: a fresh Error with the virtual path and the errno code, nothing host-side. */
function fsError(error: unknown, operation: string, virtualPath: string): Error {
  const code = typeof error === "object" && error !== null && typeof (error as { code?: unknown }).code === "string" ? (error as { code: string }).code : "EIO";
  const out = new RealError(`${code}: ${operation} '${virtualPath}'`);
  (out as { code?: string }).code = code;
  return out;
}

/**
 * @param live false once the run that owns this facade has ended: a callback left behind by a
 *   finished run (a pending promise, say) can no longer touch the filesystem.
 */
export function makeFsFacade(grants: Grants, deny: DenyFn, live: () => boolean, quota: WriteQuota = { bytes: 8 * 1024 * 1024, files: 128 }): { sync: object; promises: object } {
  const writable = grants.filesystem === "ReadWrite";
  let bytesWritten = 0;
  let filesCreated = 0;
  const spendBytes = (operation: string, shown: string, n: number): void => {
    if (n > quota.bytes - bytesWritten) deny(operation, shown, `write quota exceeded: ${bytesWritten + n} bytes written this run, the limit is ${quota.bytes}`);
    bytesWritten += n;
  };
  const spendFiles = (operation: string, shown: string, n: number): void => {
    if (n > quota.files - filesCreated) deny(operation, shown, `write quota exceeded: ${filesCreated + n} files created this run, the limit is ${quota.files}`);
    filesCreated += n;
  };
  /**
   * A regular file with more than one link may be the same inode as a file outside the mount
   * (a hard link made by anyone who could write there): realpath cannot see it, so it is refused.
   * Checked on the open descriptor (fstat), so it holds for the file actually read or written.
   */
  const refuseHardLink = (fd: number, operation: string, shown: string): void => {
    const st = fs.fstatSync(fd);
    if (st.isFile() && st.nlink > 1) deny(operation, shown, `a regular file with ${st.nlink} hard links is refused (it may be a file outside the mount)`);
  };
  const mounts = [...grants.mounts].sort((a, b) => b.mount.length - a.mount.length);

  function coercePath(operation: string, raw: unknown): string {
    if (typeof raw === "string") return raw;
    if (isTypedArray(raw)) deny(operation, "<bytes>", "a Buffer/Uint8Array path is not accepted; pass a string");
    if (typeof raw === "symbol") deny(operation, "<symbol>", "path must be a string");
    return RealString(raw); // exactly one coercion; the result is all we use afterwards
  }

  function findMount(path: string): MountGrant | undefined {
    for (const m of mounts) if (path === m.mount || path.startsWith(m.mount + "/")) return m;
    return undefined;
  }

  function within(root: string, real: string): boolean {
    return real === root || real.startsWith(root + "/");
  }

  /** Longest existing ancestor resolved with realpath, plus the not-yet-existing rest. */
  function realpathAllowingMissing(real: string): string {
    try {
      return fs.realpathSync(real);
    } catch {
      const cut = real.lastIndexOf("/");
      if (cut <= 0) return real;
      const parent = realpathAllowingMissing(real.slice(0, cut));
      return `${parent}/${real.slice(cut + 1)}`;
    }
  }

  /** Map a virtual path to a real path inside its mount root, or deny. */
  function resolve(operation: string, raw: unknown, write: boolean): { real: string; virtual: string; root: string } {
    if (!live()) throw asToolError(new RealError(`ANRF_CAPABILITY_REVOKED: ${operation}: the run that owned this capability has ended`), "ANRF_CAPABILITY_REVOKED");
    const path = coercePath(operation, raw);
    const shown = path.length > 200 ? `${path.slice(0, 200)}…` : path;
    if (grants.filesystem === "None") deny(operation, shown, "filesystem access is not granted (filesystem: None)");
    if (write && !writable) deny(operation, shown, "write under filesystem: ReadOnly");
    if (path.includes("\0")) deny(operation, shown.replace(/\0/g, "\\0"), "NUL byte in path");
    if (!path.startsWith("/")) deny(operation, shown, "path must be absolute and start with a declared mount");
    const segments = path.split("/");
    if (segments.includes("..")) deny(operation, shown, "'..' segment in path");
    const mount = findMount(path);
    if (mount === undefined) deny(operation, shown, `path is outside every declared mount (${mounts.map((m) => m.mount).join(", ") || "none"})`);
    const rest = segments.slice(mount.mount.split("/").length).filter((s) => s !== "" && s !== ".");
    const joined = rest.length === 0 ? mount.root : `${mount.root}/${rest.join("/")}`;
    const real = realpathAllowingMissing(joined);
    if (!within(mount.root, real)) deny(operation, shown, "path resolves (through a symlink) outside its mount");
    // A dangling symlink has no realpath but would be followed by a write: refuse it.
    try {
      if (fs.lstatSync(real).isSymbolicLink()) deny(operation, shown, "dangling symlink");
    } catch (error) {
      if ((error as { code?: unknown }).code !== "ENOENT") throw fsError(error, operation, path);
    }
    return { real, virtual: path, root: mount.root };
  }

  function guard<T>(operation: string, virtual: string, body: () => T): T {
    try {
      return body();
    } catch (error) {
      // The sandbox's own errors (byte budget, quota) pass unchanged: reading past the budget is
      // out-of-memory with ANRF_ALLOC_BUDGET, not an EIO.
      if (toolCodeOf(error) !== undefined) throw error;
      throw fsError(error, operation, virtual);
    }
  }

  function encodingOf(options: unknown): string | undefined {
    const raw = typeof options === "string" ? options : typeof options === "object" && options !== null ? (options as { encoding?: unknown }).encoding : undefined;
    if (raw === undefined || raw === null) return undefined;
    const enc = RealString(raw).toLowerCase();
    if (!textEncodings.has(enc)) throw new RealError(`ERR_INVALID_ARG_VALUE: unsupported encoding '${enc}'`);
    return enc;
  }

  function toBytes(data: unknown): Uint8Array | string {
    if (isTypedArray(data)) {
      const view = data as Uint8Array;
      return new RealUint8Array(view.buffer.slice(view.byteOffset, view.byteOffset + view.byteLength));
    }
    return RealString(data);
  }

  function writeWith(append: boolean, operation: string, rawPath: unknown, data: unknown): void {
    const target = resolve(operation, rawPath, true);
    const bytes = toBytes(data);
    const size = typeof bytes === "string" ? byteLengthOf(bytes) : bytes.byteLength;
    let exists = true;
    try {
      fs.lstatSync(target.real);
    } catch {
      exists = false;
    }
    if (!exists) spendFiles(operation, target.virtual, 1);
    spendBytes(operation, target.virtual, size);
    let fd: number | undefined;
    try {
      // Never O_TRUNC at open: the hard-link check must come before anything is changed.
      fd = guard(operation, target.virtual, () => fs.openSync(target.real, O_WRONLY | O_CREAT | O_NOFOLLOW | (append ? O_APPEND : 0), 0o644));
      refuseHardLink(fd, operation, target.virtual);
      const open = fd;
      guard(operation, target.virtual, () => {
        if (!append) fs.ftruncateSync(open, 0);
        fs.writeSync(open, bytes as never);
      });
    } finally {
      if (fd !== undefined) fs.closeSync(fd);
    }
  }

  /** Directories `mkdir` would create: the path and its missing ancestors inside the mount. */
  function missingDirs(real: string, root: string, recursive: boolean): number {
    let n = 0;
    for (let p = real; p.length > root.length; p = p.slice(0, p.lastIndexOf("/"))) {
      if (fs.existsSync(p)) break;
      n++;
      if (!recursive) break;
    }
    return n;
  }

  const sync = {
    readFileSync(rawPath: unknown, options?: unknown): string | Uint8Array {
      const target = resolve("readFileSync", rawPath, false);
      const encoding = encodingOf(options);
      const fd = guard("readFileSync", target.virtual, () => fs.openSync(target.real, O_RDONLY | O_NOFOLLOW));
      try {
        refuseHardLink(fd, "readFileSync", target.virtual);
        return guard("readFileSync", target.virtual, () => {
          chargeAllocBudget(fs.fstatSync(fd).size);
          const buffer = fs.readFileSync(fd);
          // A fresh Uint8Array copy (or a string): the Buffer itself never reaches the guest.
          return encoding === undefined ? copyBytes(buffer) : buffer.toString(encoding as BufferEncoding);
        });
      } finally {
        fs.closeSync(fd);
      }
    },
    existsSync(rawPath: unknown): boolean {
      const target = resolve("existsSync", rawPath, false);
      return fs.existsSync(target.real);
    },
    readdirSync(rawPath: unknown): string[] {
      const target = resolve("readdirSync", rawPath, false);
      return guard("readdirSync", target.virtual, () => fs.readdirSync(target.real).map((n) => RealString(n)));
    },
    statSync(rawPath: unknown): { size: number; isFile: boolean; isDirectory: boolean } {
      const target = resolve("statSync", rawPath, false);
      return guard("statSync", target.virtual, () => {
        const s = fs.statSync(target.real);
        return { size: s.size, isFile: s.isFile(), isDirectory: s.isDirectory() };
      });
    },
    writeFileSync(rawPath: unknown, data: unknown): void {
      writeWith(false, "writeFileSync", rawPath, data);
    },
    appendFileSync(rawPath: unknown, data: unknown): void {
      writeWith(true, "appendFileSync", rawPath, data);
    },
    mkdirSync(rawPath: unknown, options?: unknown): void {
      const target = resolve("mkdirSync", rawPath, true);
      const recursive = typeof options === "object" && options !== null && (options as { recursive?: unknown }).recursive === true;
      spendFiles("mkdirSync", target.virtual, missingDirs(target.real, target.root, recursive));
      guard("mkdirSync", target.virtual, () => void fs.mkdirSync(target.real, { recursive }));
    },
    rmSync(rawPath: unknown, options?: unknown): void {
      const target = resolve("rmSync", rawPath, true);
      if (target.real === target.root) deny("rmSync", target.virtual, "a mount root cannot be removed");
      const opts = typeof options === "object" && options !== null ? options as { recursive?: unknown; force?: unknown } : {};
      const recursive = opts.recursive === true;
      const force = opts.force === true;
      guard("rmSync", target.virtual, () => fs.rmSync(target.real, { recursive, force }));
    },
  };
  const promises: Record<string, unknown> = {};
  for (const [name, fn] of Object.entries(sync)) {
    const asyncName = name.replace(/Sync$/, "");
    // existsSync has no promise form in node:fs/promises; keep the others' promise names.
    if (name === "existsSync") continue;
    promises[asyncName === "readdir" ? "readdir" : asyncName] = async (...args: unknown[]) => Reflect.apply(fn as (...a: unknown[]) => unknown, undefined, args);
  }
  const syncModule: Record<string, unknown> = { ...sync, promises };
  syncModule["default"] = syncModule;
  promises["default"] = promises;
  return { sync: harden(syncModule), promises: harden(promises) };
}
