/** Test helpers: example documents as plain JSON, and small edits on them. */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import * as path from "node:path";

export const repoRoot = fileURLToPath(new URL("../../", import.meta.url));
export const examplesDir = path.join(repoRoot, "examples");
export const invalidDir = path.join(examplesDir, "invalid");

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export const readJson = (file: string): Json => JSON.parse(readFileSync(path.resolve(examplesDir, file), "utf8")) as Json;

/** A fresh copy of an example document (tests mutate it freely). */
export const example = (name: string): JsonObject => readJson(`${name}.anrf.json`) as JsonObject;

export const VALID_EXAMPLES = [
  "adler32-checksum",
  "binary-search",
  "label-sanitizer",
  "matrix-multiply",
  "public-example",
  "read-note",
  "ring-buffer",
] as const;

/** Navigate a dotted path ("security.isolation_requirements") to an object inside a document. */
export const at = (doc: JsonObject, dotted: string): JsonObject => {
  let current: Json = doc;
  for (const key of dotted.split(".")) {
    if (current === null || typeof current !== "object") throw new Error(`no object at ${dotted}`);
    current = Array.isArray(current) ? (current[Number(key)] as Json) : (current[key] as Json);
  }
  if (current === null || typeof current !== "object" || Array.isArray(current)) throw new Error(`no object at ${dotted}`);
  return current;
};
