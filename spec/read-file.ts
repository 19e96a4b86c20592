/**
 * Reading a file the user named, safely: stat first so an oversized file is refused before a
 * byte of it is read, strict UTF-8, and errors turned into short sentences (never a stack).
 */
import { promises as fs } from "node:fs";
import * as path from "node:path";

export const describeIoError = (cause: unknown): string => {
  const code = (cause as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case "ENOENT":
      return "no such file";
    case "EACCES":
    case "EPERM":
      return "permission denied";
    case "EISDIR":
      return "is a directory";
    case "ELOOP":
      return "too many levels of symbolic links";
    default:
      return cause instanceof Error ? cause.message.replace(/^\w+: /, "") : String(cause);
  }
};

export type ReadResult = { ok: true; text: string } | { ok: false; kind: "io" | "size" | "encoding"; message: string };

/** stat first, so an oversized file is refused before a byte of it is read. */
export const readBounded = async (file: string, maxBytes: number): Promise<ReadResult> => {
  let size: number;
  try {
    const stat = await fs.stat(file);
    if (stat.isDirectory()) return { ok: false, kind: "io", message: "is a directory" };
    if (!stat.isFile()) return { ok: false, kind: "io", message: "is not a regular file" };
    size = stat.size;
  } catch (cause) {
    return { ok: false, kind: "io", message: describeIoError(cause) };
  }
  if (size > maxBytes) {
    return { ok: false, kind: "size", message: `is ${size} bytes, over the limit of ${maxBytes} bytes` };
  }
  let bytes: Buffer;
  try {
    bytes = await fs.readFile(file);
  } catch (cause) {
    return { ok: false, kind: "io", message: describeIoError(cause) };
  }
  // The file may have grown between stat and read; the limit holds for what we parse.
  if (bytes.length > maxBytes) {
    return { ok: false, kind: "size", message: `is over the limit of ${maxBytes} bytes` };
  }
  try {
    return { ok: true, text: new TextDecoder("utf-8", { fatal: true }).decode(bytes) };
  } catch {
    return { ok: false, kind: "encoding", message: "is not valid UTF-8 text" };
  }
};

export const within = (root: string, candidate: string): boolean =>
  candidate === root || candidate.startsWith(root.endsWith(path.sep) ? root : root + path.sep);

