import { spawn } from "node:child_process";
import { createServer, type AddressInfo } from "node:net";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { projectRoot } from "../../support/compiled-path.js";
import { cacheServer, type CacheServer } from "../support/cache-server.js";
import { writeFileSync } from "node:fs";
import { documentValue } from "../verifier/incremental/documents.js";
import { keyPair, tempDir } from "./fixtures.js";

/**
 * The CLI end to end with the proof cache: a warm run is all hits and loads neither z3 nor
 * ts-morph, and `--shard` runs fill a shared (remote) cache so that the final unsharded run is
 * all hits. "Does not load" is enforced, not sampled: the child runs with a preload that makes
 * resolving z3-solver or ts-morph (ESM import or CJS require) throw, so a run that needs them
 * exits 2 and the test fails.
 */
function forbid(modules: readonly string[]): string[] {
  const names = modules.join("|");
  const hooks = `
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  if (/[\\\\/]node_modules[\\\\/](${names})[\\\\/]/.test(result.url)) throw new Error("ANRF_FORBIDDEN_MODULE " + result.url);
  return result;
}`;
  const preload = `
import { register } from "node:module";
import Module from "node:module";
register("data:text/javascript," + encodeURIComponent(${JSON.stringify(hooks)}));
const load = Module._load;
Module._load = function (request, ...rest) {
  if (/^(${names})(\\/|$)/.test(request)) throw new Error("ANRF_FORBIDDEN_MODULE " + request);
  return load.call(this, request, ...rest);
};`;
  return ["--import", `data:text/javascript,${encodeURIComponent(preload)}`];
}
const forbidArgs = forbid(["z3-solver", "ts-morph"]);

const root = projectRoot();
// Two example documents with code and contracts (13 solver queries): enough for two non-empty
// shards, small enough to keep this file's five CLI runs cheap.
const examples = [join(root, "examples", "adler32-checksum.anrf.json"), join(root, "examples", "label-sanitizer.anrf.json")];

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function anrf(args: string[], env: Record<string, string>, nodeArgs: string[] = []): Promise<Run> {
  const clean: Record<string, string | undefined> = { ...process.env };
  for (const name of Object.keys(clean)) if (name.startsWith("ANRF_")) delete clean[name];
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...nodeArgs, join(root, "bin", "anrf.js"), ...args], {
      cwd: tempDir(),
      env: { ...clean, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

interface Result {
  readonly id: string;
  readonly status: string;
  readonly smt: string | null;
  readonly source?: string;
  readonly reason: string;
}

/** Every obligation result in the JSON report (walks the report, so it does not depend on its exact nesting). */
function results(stdout: string): Result[] {
  const out: Result[] = [];
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) return value.forEach(visit);
    if (typeof value !== "object" || value === null) return;
    const record = value as Record<string, unknown>;
    if (typeof record["id"] === "string" && typeof record["status"] === "string" && "site" in record && "smt" in record) {
      out.push(record as unknown as Result);
      return;
    }
    Object.values(record).forEach(visit);
  };
  visit(JSON.parse(stdout));
  return out;
}

const byId = (rs: Result[]) => Object.fromEntries(rs.map((r) => [r.id, r.status]));

describe("anrf verify with the proof cache (end to end)", () => {
  it("the forbid preload really stops z3 and ts-morph from loading (control)", async () => {
    const run = await anrf(["verify", ...examples, "--timeout", "2000", "--format", "json", "--no-cache"], {}, forbidArgs);
    // the pipeline may report the failed import as an internal error (exit 2) or as a finding (exit 1)
    expect(run.code).not.toBe(0);
    expect(run.stdout + run.stderr).toMatch(/ANRF_FORBIDDEN_MODULE/);
  });

  it("a second run is all cache hits and loads neither z3 nor ts-morph; a dead remote only adds a warning", async () => {
    const cache = tempDir();
    const first = await anrf(["verify", ...examples, "--timeout", "2000", "--format", "json", "--cache", cache], {});
    expect([0, 1]).toContain(first.code);
    const cold = results(first.stdout);
    const solvable = cold.filter((r) => r.smt !== null);
    expect(solvable.length).toBeGreaterThan(0);
    expect(solvable.some((r) => r.source === "solver")).toBe(true);

    const second = await anrf(["verify", ...examples, "--timeout", "2000", "--format", "json", "--cache", cache], {}, forbidArgs);
    expect(second.stdout + second.stderr).not.toMatch(/ANRF_FORBIDDEN_MODULE/);
    expect(second.code).toBe(first.code);
    const warm = results(second.stdout);
    expect(byId(warm)).toEqual(byId(cold));
    const decided = warm.filter((r) => r.smt !== null && ["proved", "refuted"].includes(r.status));
    expect(decided.length).toBeGreaterThan(0);
    for (const r of warm.filter((x) => x.smt !== null)) expect(r.source, r.id).toBe("cache-local");

    // A remote that is down changes nothing but a warning: same statuses, same exit code.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise((resolve) => probe.close(resolve));
    const ci = keyPair();
    const down = await anrf(["verify", ...examples, "--timeout", "2000", "--format", "json", "--cache", tempDir(), "--remote-cache", `http://127.0.0.1:${port}`], {
      ANRF_SIGNING_KEY: ci.privatePem,
    });
    expect(down.code).toBe(first.code);
    expect(byId(results(down.stdout))).toEqual(byId(cold));
    const warnings = (JSON.parse(down.stdout) as { run: { cacheWarnings: string[] } }).run.cacheWarnings.join("\n");
    expect(warnings).toMatch(/ECONNREFUSED/);
    expect(warnings).toMatch(/not asked again in this run/);
  });

  it("after a one-function edit, a new process extracts and solves only what that function changed, and agrees with a run without cache", async () => {
    const dir = tempDir();
    const fn = (name: string, guard: number) => `export function ${name}(data: Uint8Array): number {\n  if (data.length > ${guard}) {\n    return data[${guard}]! + 1;\n  }\n  return 0;\n}\n`;
    const post = ["Number.isInteger(result)", "result >= 0"];
    const doc = join(dir, "doc.anrf.json");
    writeFileSync(doc, JSON.stringify(documentValue("", ["a", "b", "c", "d"].map((name) => ({ name, post })), { source: "mod.ts" })));
    writeFileSync(join(dir, "mod.ts"), fn("a", 1) + fn("b", 2) + fn("c", 3) + fn("d", 4));
    const cache = join(dir, "cache");
    const args = ["verify", doc, "--timeout", "60000", "--format", "json"]; // generous: statuses must not depend on machine load
    const cold = await anrf([...args, "--cache", cache], {});
    expect(cold.code).toBe(0);
    // c's guard changes; b grows by two lines, which moves c and d.
    writeFileSync(join(dir, "mod.ts"), fn("a", 1) + fn("b", 2).replace("{\n", "{\n  // one\n  // two\n") + fn("c", 6) + fn("d", 4));
    const edit = await anrf([...args, "--cache", cache], {});
    const plain = await anrf([...args, "--no-cache"], {});
    expect(edit.code).toBe(0);
    const facts = (JSON.parse(edit.stdout) as { run: { extraction: Record<string, number>; solved: number; queries: number } }).run;
    expect(facts.extraction).toMatchObject({ documentsExtracted: 1, entitiesExtracted: 2, entitiesReused: 2, typeBodiesChecked: 2, typeBodiesReused: 2 });
    expect(facts.solved).toBeGreaterThan(0);
    expect(facts.solved).toBeLessThan(facts.queries);
    const strip = (rs: Result[]) => rs.map((r) => ({ id: r.id, status: r.status, smt: r.smt, reason: r.reason }));
    expect(strip(results(edit.stdout))).toEqual(strip(results(plain.stdout)));
  });

  describe("with the remote cache", () => {
    let server: CacheServer;
    beforeAll(async () => {
      server = await cacheServer();
    });

    it("--shard runs on separate machines fill the remote; the final unsharded run is all hits without z3 or ts-morph", async () => {
      const ci = keyPair();
      // a fresh prefix on the server, so earlier test runs cannot pre-fill it
      const remote = `${server.url}/e2e-${process.pid}-${Date.now()}`;
      const producer = { ANRF_SIGNING_KEY: ci.privatePem, ANRF_REMOTE_CACHE: remote };
      const shards = await Promise.all(
        [1, 2].map((i) => anrf(["verify", ...examples, "--timeout", "2000", "--format", "json", "--shard", `${i}/2`, "--cache", tempDir()], producer)),
      );
      for (const shard of shards) expect(shard.stderr).not.toMatch(/internal error/);
      const solvedPerShard = shards.map((s) => results(s.stdout).filter((r) => r.source === "solver").length);
      expect(solvedPerShard.every((n) => n > 0)).toBe(true);

      const final = await anrf(
        ["verify", ...examples, "--timeout", "2000", "--format", "json", "--cache", tempDir()],
        { ANRF_TRUSTED_KEYS: ci.publicPem, ANRF_REMOTE_CACHE: remote },
        // a fresh machine: its local store is empty, yet the shards' signed extraction results and
        // verdicts on the remote spare it both ts-morph and z3
        forbidArgs,
      );
      expect(final.stdout + final.stderr).not.toMatch(/ANRF_FORBIDDEN_MODULE/);
      expect([0, 1]).toContain(final.code);
      const all = results(final.stdout).filter((r) => r.smt !== null);
      expect(all.length).toBeGreaterThan(0);
      for (const r of all) expect(r.source, `${r.id}: ${r.reason}`).toBe("cache-remote");
    });
  });
});
