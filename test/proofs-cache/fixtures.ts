import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll } from "vitest";
import type { CacheQuery } from "../../proofs-cache/api.js";
import type { Verdict } from "../../verifier/obligation.js";

const created: string[] = [];
// Each test file evaluates this module afresh, so this removes that file's directories after it.
afterAll(() => {
  for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true });
});

export function tempDir(prefix = "anrf-cache-test-"): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  created.push(dir);
  return dir;
}

let counter = 0;
/** A query with SMT text unique to this process and call (so remote entries from earlier runs never collide). */
export function freshQuery(limits = { timeoutMs: 2000, rlimit: 1_000_000 }): CacheQuery {
  counter++;
  const salt = `${process.pid}-${Date.now()}-${Math.random()}-${counter}`;
  return {
    smt: `(declare-const i Int)\n(assert (not (< i ${counter})))\n; ${salt}\n(check-sat)\n`,
    solverVersion: "z3-4.15.1",
    encodingVersion: "enc-1",
    limits,
  };
}

export const proved: Verdict = { status: "proved", reason: "unsat", counterexample: null, cost: { timeMs: 3, rlimit: 1200 } };
export const refuted: Verdict = { status: "refuted", reason: "sat", counterexample: { i: 7, "data.length": 3 }, cost: { timeMs: 4 } };
export const unknown: Verdict = { status: "unknown", reason: "solver timeout after 2000 ms", counterexample: null, cost: { timeMs: 2000 } };

/** An ed25519 key pair in the forms the environment variables take. */
export function keyPair(): { privatePem: string; publicPem: string; privateB64: string; publicB64: string } {
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  return {
    privatePem: privateKey.export({ format: "pem", type: "pkcs8" }).toString(),
    publicPem: publicKey.export({ format: "pem", type: "spki" }).toString(),
    privateB64: privateKey.export({ format: "der", type: "pkcs8" }).toString("base64"),
    publicB64: publicKey.export({ format: "der", type: "spki" }).toString("base64"),
  };
}
