/**
 * Approvals live next to the document, in `<doc>.approvals.json` — not inside it: an approval
 * inside the document would change the digest it signs. The file is `{ "approvals": [envelope…] }`.
 * Appending (anrf approve) happens under the file's lock (audit/lock.ts) and replaces the file
 * atomically (fresh temporary file, fsync, rename), so concurrent approvers never lose one another's
 * approval and a reader never sees half a file. The sidecar is untrusted input like the document:
 * every envelope is checked (verify.ts) before anything counts.
 */
import { closeSync, constants, fsyncSync, openSync, readFileSync, renameSync, writeSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { withFileLock } from "../audit/lock.js";

export const sidecarPath = (documentFile: string): string => `${documentFile}.approvals.json`;

export type SidecarReading = { readonly ok: true; readonly envelopes: readonly unknown[]; readonly present: boolean } | { readonly ok: false; readonly message: string };

const MAX_BYTES = 4 * 1024 * 1024;

export function readSidecar(file: string): SidecarReading {
  let text: string;
  try {
    const fd = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW);
    try {
      text = readFileSync(fd, "utf8");
    } finally {
      closeSync(fd);
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return { ok: true, envelopes: [], present: false };
    return { ok: false, message: code === "ELOOP" ? "it is a symbolic link" : (error as Error).message };
  }
  if (text.length > MAX_BYTES) return { ok: false, message: `larger than ${MAX_BYTES} bytes` };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, message: `not JSON (${(error as Error).message})` };
  }
  const approvals = (value as { approvals?: unknown } | null)?.approvals;
  if (!Array.isArray(approvals)) return { ok: false, message: 'not { "approvals": [ … ] }' };
  return { ok: true, envelopes: approvals, present: true };
}

export function appendToSidecar(file: string, envelope: unknown): number {
  return withFileLock(file, () => {
    const current = readSidecar(file);
    if (!current.ok) throw new Error(`cannot add to ${file}: ${current.message}`);
    const approvals = [...current.envelopes, envelope];
    const tmp = `${file}.${randomBytes(6).toString("hex")}.tmp`;
    const fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o644);
    try {
      writeSync(fd, `${JSON.stringify({ approvals }, null, 2)}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, file);
    return approvals.length;
  });
}
