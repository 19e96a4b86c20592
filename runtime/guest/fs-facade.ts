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
const { O_WRONLY, O_CREAT, O_TRUNC, O_APPEND, O_NOFOLLOW } = fs.constants;
const typedArrayProto = Object.getPrototypeOf(Uint8Array.prototype) as object;
const typedByteLength = Object.getOwnPropertyDescriptor(typedArrayProto, "byteLength")!.get!;

/** Called on a refused capability use; records the violation and throws (never returns). */
export type DenyFn = (operation: string, path: string, reason: string) => never;

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
export function makeFsFacade(grants: Grants, deny: DenyFn, live: () => boolean): { sync: object; promises: object } {
  const writable = grants.filesystem === "ReadWrite";
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

  function writeWith(flags: number, operation: string, rawPath: unknown, data: unknown): void {
    const target = resolve(operation, rawPath, true);
    const bytes = toBytes(data);
    guard(operation, target.virtual, () => {
      const fd = fs.openSync(target.real, flags | O_NOFOLLOW, 0o644);
      try {
        fs.writeSync(fd, bytes as never);
      } finally {
        fs.closeSync(fd);
      }
    });
  }

  const sync = {
    readFileSync(rawPath: unknown, options?: unknown): string | Uint8Array {
      const target = resolve("readFileSync", rawPath, false);
      const encoding = encodingOf(options);
      return guard("readFileSync", target.virtual, () => {
        chargeAllocBudget(fs.statSync(target.real).size);
        const buffer = fs.readFileSync(target.real);
        // A fresh Uint8Array copy (or a string): the Buffer itself never reaches the guest.
        return encoding === undefined ? copyBytes(buffer) : buffer.toString(encoding as BufferEncoding);
      });
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
      writeWith(O_WRONLY | O_CREAT | O_TRUNC, "writeFileSync", rawPath, data);
    },
    appendFileSync(rawPath: unknown, data: unknown): void {
      writeWith(O_WRONLY | O_CREAT | O_APPEND, "appendFileSync", rawPath, data);
    },
    mkdirSync(rawPath: unknown, options?: unknown): void {
      const target = resolve("mkdirSync", rawPath, true);
      const recursive = typeof options === "object" && options !== null && (options as { recursive?: unknown }).recursive === true;
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
