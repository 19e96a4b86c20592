import { spawn } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { loadTrustedKeys } from "../../proofs-cache/keys.js";
import { LocalStore } from "../../proofs-cache/local-store.js";
import { verifyCache } from "../../proofs-cache/maintenance.js";
import { openLayeredCache } from "../../proofs-cache/open.js";
import { compiledPath } from "../../support/compiled-path.js";
import { tempDir } from "./fixtures.js";

/**
 * Several processes write the same keys and their own keys into one store while reading them
 * back. No reader may ever see a damaged entry, every final entry must be intact and whole
 * (one writer's verdict, not a mix), and no temporary file may be left behind.
 */
const WRITERS = 4;
const SHARED = 40;
const OWN = 40;

const child = (dir: string, writer: number) => `
const { openLayeredCache } = await import(${JSON.stringify(pathToFileURL(compiledPath("proofs-cache/open")).href)});
const cache = await openLayeredCache({ dir: ${JSON.stringify(dir)}, env: {} });
const limits = { timeoutMs: 1000, rlimit: 10 };
const q = (smt) => ({ smt, solverVersion: "z3", encodingVersion: "e", limits });
let seen = 0;
for (let round = 0; round < 3; round++) {
  for (let i = 0; i < ${SHARED}; i++) {
    await cache.store(q("shared-" + i), { status: i % 2 ? "proved" : "refuted", reason: "writer-${writer}-round-" + round + "-" + "x".repeat(i * 50), counterexample: i % 2 ? null : { i } });
    if ((await cache.lookup(q("shared-" + ((i * 7) % ${SHARED})))) !== undefined) seen++;
  }
  for (let i = 0; i < ${OWN}; i++) await cache.store(q("own-${writer}-" + i), { status: "proved", reason: "own", counterexample: null });
}
await cache.close();
process.stdout.write(JSON.stringify({ corrupt: cache.counters.corruptLocal, warnings: cache.warnings(), seen }));
`;

function runChild(source: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const proc = spawn(process.execPath, ["--input-type=module", "-e", source], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    proc.stdout.on("data", (d) => (stdout += d));
    proc.stderr.on("data", (d) => (stderr += d));
    proc.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

describe("local store under concurrent processes", () => {
  it(`${WRITERS} processes writing shared and own keys: no damaged reads, intact final entries, no temp files`, async () => {
    const dir = tempDir();
    const results = await Promise.all(Array.from({ length: WRITERS }, (_, w) => runChild(child(dir, w))));
    for (const r of results) {
      expect(r.stderr).toBe("");
      expect(r.code).toBe(0);
      const report = JSON.parse(r.stdout) as { corrupt: number; warnings: string[]; seen: number };
      expect(report.corrupt).toBe(0);
      expect(report.warnings).toEqual([]);
    }
    const store = new LocalStore(dir);
    const check = await verifyCache(store, loadTrustedKeys(undefined, undefined), { fix: false, requireTrusted: false });
    expect(check.bad).toEqual([]);
    expect(check.checked).toBe(SHARED + WRITERS * OWN);
    const leftovers = readdirSync(join(dir, "ac"), { recursive: true }).filter((n) => String(n).includes(".tmp-"));
    expect(leftovers).toEqual([]);

    const cache = (await openLayeredCache({ dir, env: {} }))!;
    for (let i = 0; i < SHARED; i++) {
      const hit = await cache.lookup({ smt: `shared-${i}`, solverVersion: "z3", encodingVersion: "e", limits: { timeoutMs: 1000, rlimit: 10 } });
      expect(hit?.verdict.status).toBe(i % 2 ? "proved" : "refuted");
      // whole: the reason belongs to one writer and has this key's own padding length
      expect(hit?.verdict.reason).toMatch(new RegExp(`^writer-\\d-round-\\d-x{${i * 50}}$`));
    }
  });
});
