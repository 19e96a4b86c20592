import { readFileSync, readdirSync } from "node:fs";

// Reads notes from the read-only mount /data. A note name is relative to that mount: it must
// not be empty, must not start with "/", and must not contain ".." anywhere (which rules out
// every ".." segment), so "/data/" + name always stays under /data.

export function readNote(name: string): string {
  if (name.length === 0 || name.startsWith("/") || name.includes("..")) {
    throw new Error("invalid note name");
  }
  return readFileSync("/data/" + name, "utf8");
}

export function listNotes(): string[] {
  return readdirSync("/data");
}
