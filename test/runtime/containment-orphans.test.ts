/**
 * Containment: no orphans. The CLI runs an entry whose sandbox never yields (a microtask storm
 * that starves its event loop, or a plain infinite loop) — under process isolation and in thread
 * isolation (its sandbox-host process) — and is killed mid-run by SIGKILL, SIGTERM or SIGINT.
 * Every sandbox process it started must be gone afterwards (parent-death signal; the child's
 * event loop is never needed). A run that leaves a storm behind and returns ok must not leave
 * its process behind when the CLI exits either.
 */
import { spawn } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_POLICY } from "../../policy/default-policy.js";
import { makeDocument, tempDir } from "./fixtures.js";
import { cmdline, descendants, eventually } from "./proc-tree.js";

const bin = fileURLToPath(new URL("../../bin/anrf.js", import.meta.url));
const code = String.raw`
export function storm(): Promise<number> { const f = (): Promise<void> => Promise.resolve().then(f); f(); return new Promise(() => {}); }
export function spin(): number { for (;;) {} }
export function stormThenReturn(): number { const f = (): Promise<void> => Promise.resolve().then(f); f(); return 1; }
`;
let dir: string;

beforeAll(async () => {
  dir = tempDir();
  await makeDocument({ dir, code, timeMs: 600_000, memoryMb: 64, functions: ["storm", "spin", "stormThenReturn"] });
  // The operator grants the long time limit these runs need (the built-in default stops at 10 s).
  const policy = DEFAULT_POLICY.replace("context.ms <= 10000", "context.ms <= 600000");
  if (policy === DEFAULT_POLICY) throw new Error("the default policy's time permit changed: update this test");
  writeFileSync(join(dir, "ops.cedar"), policy);
});

const gone = (pid: number): boolean => {
  if (!existsSync(`/proc/${pid}`)) return true;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "latin1");
    return stat.slice(stat.lastIndexOf(")") + 2).startsWith("Z");
  } catch {
    return true;
  }
};
const isSandbox = (pid: number) => /broker-main|runtime\/guest\/child/.test(cmdline(pid));

function startCli(entry: string, isolation: "thread" | "process") {
  return spawn(process.execPath, [bin, "run", "doc.anrf.json", "--entry", entry, "--isolation", isolation, "--policy", join(dir, "ops.cedar"), "--audit", join(dir, "audit.jsonl")], {
    cwd: dir,
    stdio: ["ignore", "pipe", "pipe"],
  });
}

describe.each(["process", "thread"] as const)("%s isolation", (isolation) => {
  it.each([
    ["storm", "SIGKILL"],
    ["storm", "SIGTERM"],
    ["spin", "SIGINT"],
  ] as const)("CLI running %s killed with %s mid-run: no sandbox process is left", async (entry, signal) => {
    const cli = startCli(entry, isolation);
    let out = "";
    cli.stdout!.on("data", (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((resolve) => cli.once("exit", (c) => resolve(c)));
    let sandboxes: number[] = [];
    const started = await eventually(() => {
      sandboxes = descendants(cli.pid!).filter(isSandbox);
      return sandboxes.length > 0;
    });
    expect(started, "the sandbox process started").toBe(true);
    cli.kill(signal);
    // The document's own limit is 600 s: a CLI that ignored the signal would still be running long
    // after this generous bound (a liveness guard, not a speed measure). Never leave it behind.
    const guard = setTimeout(() => cli.kill("SIGKILL"), 120_000);
    const code = await exited;
    clearTimeout(guard);
    if (signal === "SIGINT") {
      // Ctrl-C stops the run (its sandbox killed, the run reported and audited) and exits 130.
      expect(code, out).toBe(130);
      expect(out).toMatch(/ANRF_INTERRUPTED/);
      const audit = readFileSync(join(dir, "audit.jsonl"), "utf8");
      expect(audit).toMatch(/ANRF_INTERRUPTED/);
    }
    const allGone = await eventually(() => sandboxes.every(gone));
    if (!allGone) for (const p of sandboxes) if (!gone(p)) process.kill(p, "SIGKILL"); // never leave one behind ourselves
    expect(allGone, `still alive: ${sandboxes.filter((p) => !gone(p)).map(cmdline).join("; ")}`).toBe(true);
  });

  it("a run that leaves a storm behind returns ok and the CLI exits 0 with no process left", async () => {
    const cli = startCli("stormThenReturn", isolation);
    let out = "";
    cli.stdout!.on("data", (d: Buffer) => (out += d.toString()));
    let seen: number[] = [];
    const sampler = setInterval(() => {
      if (cli.pid !== undefined) for (const p of descendants(cli.pid).filter(isSandbox)) if (!seen.includes(p)) seen = [...seen, p];
    }, 20);
    const code = await new Promise<number | null>((resolve) => cli.once("exit", (c) => resolve(c)));
    clearInterval(sampler);
    expect(out).toMatch(/status: ok/);
    expect(code).toBe(0);
    const allGone = await eventually(() => seen.every(gone));
    if (!allGone) for (const p of seen) if (!gone(p)) process.kill(p, "SIGKILL");
    expect(allGone).toBe(true);
  });
});
