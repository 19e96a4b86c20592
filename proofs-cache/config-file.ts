import { existsSync, readFileSync } from "node:fs";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { CacheConfigError } from "./errors.js";
import { isCode } from "./local-store.js";

/**
 * Project settings for the cache in `<project>/anrf.config.json`, under "cache":
 *
 *   { "cache": { "dir": ".anrf/cache", "remoteUrl": "https://cache.example.com/anrf",
 *                "trustedKeys": ["keys/ci.pub.pem"], "timeoutMs": 5000, "retries": 2, "maxFailures": 3 } }
 *
 * Only settings that are safe to commit: no tokens, passwords or signing keys (those come from
 * the environment). Relative paths (dir, trusted key files) resolve against the file's directory.
 * Precedence everywhere: flag > environment > this file > default.
 */
export const CONFIG_FILE = "anrf.config.json";

export interface CacheConfigFile {
  readonly path: string;
  readonly dir?: string | undefined;
  readonly remoteUrl?: string | undefined;
  /** PEM text, base64 keys or paths (already resolved to absolute paths). */
  readonly trustedKeys?: readonly string[] | undefined;
  readonly timeoutMs?: number | undefined;
  readonly retries?: number | undefined;
  readonly maxFailures?: number | undefined;
}

const FIELDS = new Set(["dir", "remoteUrl", "trustedKeys", "timeoutMs", "retries", "maxFailures"]);

export function readCacheConfig(projectDir: string): CacheConfigFile | undefined {
  const path = join(projectDir, CONFIG_FILE);
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    if (isCode(error, "ENOENT") || isCode(error, "ENOTDIR")) return undefined;
    throw new CacheConfigError("ANRF_CACHE_CONFIG", `${path}: cannot read (${error instanceof Error ? error.message : String(error)})`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new CacheConfigError("ANRF_CACHE_CONFIG", `${path}: not valid JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  const section = isRecord(parsed) ? parsed["cache"] : undefined;
  if (section === undefined) return { path };
  if (!isRecord(section)) throw bad(path, "/cache", "must be an object");
  for (const name of Object.keys(section)) {
    if (!FIELDS.has(name)) throw bad(path, `/cache/${name}`, `unknown setting (known: ${[...FIELDS].join(", ")})`);
  }
  const base = dirname(path);
  const dir = optionalString(path, section, "dir");
  const keys = section["trustedKeys"];
  let trustedKeys: string[] | undefined;
  if (keys !== undefined) {
    const list = typeof keys === "string" ? [keys] : keys;
    if (!Array.isArray(list) || !list.every((k) => typeof k === "string")) throw bad(path, "/cache/trustedKeys", "must be a string or an array of strings");
    trustedKeys = list.map((k: string) => (!k.includes("-----BEGIN") && existsSync(resolve(base, k)) ? resolve(base, k) : k));
  }
  return {
    path,
    dir: dir === undefined ? undefined : isAbsolute(dir) ? dir : resolve(base, dir),
    remoteUrl: optionalString(path, section, "remoteUrl"),
    trustedKeys,
    timeoutMs: optionalCount(path, section, "timeoutMs"),
    retries: optionalCount(path, section, "retries"),
    maxFailures: optionalCount(path, section, "maxFailures"),
  };
}

function optionalString(path: string, section: Record<string, unknown>, name: string): string | undefined {
  const value = section[name];
  if (value === undefined) return undefined;
  if (typeof value !== "string" || value.trim() === "") throw bad(path, `/cache/${name}`, "must be a non-empty string");
  return value.trim();
}

function optionalCount(path: string, section: Record<string, unknown>, name: string): number | undefined {
  const value = section[name];
  if (value === undefined) return undefined;
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0) throw bad(path, `/cache/${name}`, "must be a whole number >= 0");
  return value;
}

function bad(path: string, pointer: string, message: string): CacheConfigError {
  return new CacheConfigError("ANRF_CACHE_CONFIG", `${path} at ${pointer}: ${message}`);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
