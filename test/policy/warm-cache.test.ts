/**
 * Decisions are cached content-addressed (policy digest + request): a warm `anrf run` decides
 * without loading Cedar. "Without loading" is enforced, not sampled: the warm child runs with
 * a preload that makes resolving @cedar-policy/* throw (as test/proofs-cache/verify-e2e.test.ts
 * does for z3), so a run that needs Cedar fails. A control shows the preload really bites.
 */
import { spawn } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { projectRoot } from "../../support/compiled-path.js";
import { tempDir } from "./helpers.js";

function forbidCedar(): string[] {
  const hooks = `
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  if (/[\\\\/]node_modules[\\\\/]@cedar-policy[\\\\/]/.test(result.url)) throw new Error("ANRF_FORBIDDEN_MODULE " + result.url);
  return result;
}`;
  const preload = `
import { register } from "node:module";
register("data:text/javascript," + encodeURIComponent(${JSON.stringify(hooks)}));`;
  return ["--import", `data:text/javascript,${encodeURIComponent(preload)}`];
}

const root = projectRoot();
const example = join(root, "examples", "adler32-checksum.anrf.json");

function anrf(cwd: string, args: string[], nodeArgs: string[] = []): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const env: Record<string, string | undefined> = { ...process.env };
  for (const name of Object.keys(env)) if (name.startsWith("ANRF_")) delete env[name];
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...nodeArgs, join(root, "bin", "anrf.js"), ...args], { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

const runArgs = ["run", example, "--entry", "adler32", "--args", "[[1,2,3]]", "--format", "json", "--audit", "audit.jsonl"];

describe("policy decision cache", () => {
  it("control: with Cedar forbidden, a cold run cannot decide (exit 2, the preload bites)", async () => {
    const r = await anrf(tempDir("anrf-cold-"), runArgs, forbidCedar());
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("ANRF_FORBIDDEN_MODULE");
  });

  it("a warm run decides from the cache without loading Cedar, with the same decisions", async () => {
    const cwd = tempDir("anrf-warm-");
    const cold = await anrf(cwd, runArgs);
    expect(cold.code, cold.stderr).toBe(0);
    expect(readdirSync(join(cwd, ".anrf", "cache", "policy")).length).toBeGreaterThan(0);
    const warm = await anrf(cwd, runArgs, forbidCedar());
    expect(warm.code, warm.stderr).toBe(0);
    const a = JSON.parse(cold.stdout) as { value: unknown; policy: { decisions: unknown[]; digest: string } };
    const b = JSON.parse(warm.stdout) as typeof a;
    expect(b.value).toBe(a.value);
    expect(b.policy.digest).toBe(a.policy.digest);
    expect(b.policy.decisions).toEqual(a.policy.decisions);
    // a changed policy is a different digest: not served from the cache (needs Cedar again)
    const { writeFileSync } = await import("node:fs");
    const { DEFAULT_POLICY } = await import("../../policy/default-policy.js");
    writeFileSync(join(cwd, "p.cedar"), `${DEFAULT_POLICY}\n// changed\n`);
    const changed = await anrf(cwd, [...runArgs, "--policy", "p.cedar"], forbidCedar());
    expect(changed.code).toBe(2);
    expect(changed.stderr).toContain("ANRF_FORBIDDEN_MODULE");
  }, 600_000);
});
