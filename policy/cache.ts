/**
 * Content-addressed policy decisions: key = sha256(Cedar version, schema, policy digest, the
 * request), value = the decision. Held in memory and, when a directory is given, on disk
 * (`<cache>/policy/<key>.json`, written atomically), so a warm run decides without loading
 * Cedar. A compiled-policy marker records that a policy text parsed and validated. The cache
 * directory is the operator's (mounts may never reach it: bind-mounts.ts).
 */
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { CedarDecision, CedarRequest } from "./cedar.js";
import { ANRF_SCHEMA } from "./schema.js";

/** Bump with the Cedar dependency: a decision is only as good as the engine that made it. */
export const CEDAR_VERSION = "cedar-wasm 4.13.0";
const SCHEMA_DIGEST = createHash("sha256").update(ANRF_SCHEMA).digest("hex");

export function decisionKey(policyDigest: string, r: CedarRequest): string {
  return createHash("sha256").update(JSON.stringify([CEDAR_VERSION, SCHEMA_DIGEST, policyDigest, r.principal, r.action, r.resource, r.context, r.entities])).digest("hex");
}

export function compiledKey(policyDigest: string): string {
  return createHash("sha256").update(JSON.stringify([CEDAR_VERSION, SCHEMA_DIGEST, "compiled", policyDigest])).digest("hex");
}

export interface DecisionCacheStats {
  hits: number;
  misses: number;
}

function isDecision(v: unknown): v is CedarDecision {
  if (typeof v !== "object" || v === null) return false;
  const d = v as Record<string, unknown>;
  return (d["decision"] === "allow" || d["decision"] === "deny") && Array.isArray(d["reasons"]) && Array.isArray(d["errors"]);
}

export class DecisionCache {
  private readonly memory = new Map<string, CedarDecision | true>();
  readonly stats: DecisionCacheStats = { hits: 0, misses: 0 };
  private readonly dir: string | undefined;

  /** `cacheDir`: the proof cache directory (e.g. .anrf/cache); decisions go to its policy/ folder. */
  constructor(cacheDir?: string) {
    this.dir = cacheDir === undefined ? undefined : join(cacheDir, "policy");
  }

  get(key: string): CedarDecision | undefined {
    const hit = this.memory.get(key) ?? this.read(key);
    if (hit !== undefined && hit !== true) {
      this.stats.hits++;
      return hit;
    }
    this.stats.misses++;
    return undefined;
  }

  set(key: string, decision: CedarDecision): void {
    this.memory.set(key, decision);
    this.write(key, decision);
  }

  isCompiled(policyDigest: string): boolean {
    const key = compiledKey(policyDigest);
    return this.memory.get(key) === true || this.read(key) === true;
  }

  markCompiled(policyDigest: string): void {
    const key = compiledKey(policyDigest);
    this.memory.set(key, true);
    this.write(key, true);
  }

  private read(key: string): CedarDecision | true | undefined {
    if (this.dir === undefined) return undefined;
    try {
      const value = JSON.parse(readFileSync(join(this.dir, `${key}.json`), "utf8")) as unknown;
      const entry = value === true || isDecision(value) ? value : undefined;
      if (entry !== undefined) this.memory.set(key, entry);
      return entry;
    } catch {
      return undefined; // absent or unreadable: decide again
    }
  }

  private write(key: string, value: CedarDecision | true): void {
    if (this.dir === undefined) return;
    try {
      mkdirSync(this.dir, { recursive: true, mode: 0o700 });
      const tmp = join(this.dir, `.${key}.${process.pid}.tmp`);
      writeFileSync(tmp, JSON.stringify(value), { mode: 0o600 });
      renameSync(tmp, join(this.dir, `${key}.json`));
    } catch {
      // A cache that cannot be written only costs time on the next run.
    }
  }
}
