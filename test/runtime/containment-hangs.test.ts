/**
 * Containment: a time limit nothing can block. Built-ins V8 cannot interrupt (indexOf over 2^53-1
 * holes, join over 2^32-1 elements, a regex or code compile), work left running after the entry
 * returned — in thread isolation (one worker in a sandbox-host process of its own) and in process
 * isolation. Each case: the status, an answer within the limit plus a generous bound (the defect
 * was "never"), the host answers the next run, and no sandbox process is left once the pool closes.
 */
import { spawnSync } from "node:child_process";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { compiledPath } from "../../support/compiled-path.js";
import { run, SandboxPool, type RunResult } from "../../runtime/index.js";
import type { LoadedDocument } from "../../spec/load.js";
import { makeDocument } from "./fixtures.js";
import { cmdline, descendants, eventually } from "./proc-tree.js";

const code = String.raw`
export function ok(): number { return 7; }
export function indexOfHoles(): number { return Array.prototype.indexOf.call({ length: 2 ** 53 - 1 } as any, 1); }
export function includesHoles(): boolean { return Array.prototype.includes.call({ length: 2 ** 53 - 1 } as any, 1); }
export function lastIndexOfHoles(): number { return Array.prototype.lastIndexOf.call({ length: 2 ** 53 - 1 } as any, 1); }
export function joinHuge(): number { return Array.prototype.join.call({ length: 2 ** 32 - 1 } as any, "").length; }
export function stormThenReturn(): number { const f = (): Promise<void> => Promise.resolve().then(f); f(); return 1; }
export function indexOfAfterReturn(): number { Promise.resolve().then(() => Array.prototype.indexOf.call({ length: 2 ** 53 - 1 } as any, 1)); return 2; }
export function regexBomb(): boolean { return new RegExp("(?:" + "a|".repeat(1e6) + "b)").test("b"); }
export function evalBomb(): number { return (0, eval)("1" + "+1".repeat(1e7)); }
export function functionBomb(): number { return new Function("return " + "1+".repeat(5e6) + "1")(); }
`;

const TIME_MS = 1000;
/** Generous bound over the limit (a loaded 2-core machine); the defect was an answer that never came. */
const ANSWER_BOUND_MS = TIME_MS + 30_000;
let doc: LoadedDocument;
let pool: SandboxPool;

beforeAll(async () => {
  doc = await makeDocument({
    code,
    memoryMb: 64,
    timeMs: TIME_MS,
    functions: ["ok", "indexOfHoles", "includesHoles", "lastIndexOfHoles", "joinHuge", "stormThenReturn", "indexOfAfterReturn", "regexBomb", "evalBomb", "functionBomb"],
  });
});

const sandboxProcesses = () => descendants(process.pid).filter((p) => /broker-main|runtime\/guest\/child/.test(cmdline(p)));

afterEach(async () => {
  await pool.close();
  expect(await eventually(() => sandboxProcesses().length === 0), `left: ${sandboxProcesses().map(cmdline).join("; ")}`).toBe(true);
});

describe.each(["thread", "process"] as const)("%s isolation", (isolation) => {
  const go = (entry: string): Promise<RunResult> => run(doc, entry, [], { verification: [], audit: false, pool, isolation });
  const expectNextRunOk = async () => {
    const next = await go("ok");
    expect(next.status).toBe("ok");
    expect(next.value).toBe(7);
  };

  it.each(["indexOfHoles", "includesHoles", "lastIndexOfHoles", "joinHuge"])("%s → timeout within the limit plus the grace; next run ok", async (entry) => {
    pool = new SandboxPool();
    await go("ok"); // warm: the attack runs in a reused sandbox
    const r = await go(entry);
    expect(["timeout", "out-of-memory"]).toContain(r.status);
    if (entry !== "joinHuge") expect(r.status).toBe("timeout");
    expect(r.error?.code).toBe(r.status === "timeout" ? "ANRF_TIMEOUT" : "ANRF_OUT_OF_MEMORY");
    expect(r.timing.totalMs).toBeLessThan(ANSWER_BOUND_MS);
    await expectNextRunOk();
  });

  it.each(["stormThenReturn", "indexOfAfterReturn"])("%s: leftover work after the entry returned never reaches the next run", async (entry) => {
    pool = new SandboxPool();
    const first = await go(entry);
    expect(first.status).toBe("ok");
    // The sandbox never settles (no post-run handshake): it is killed, and the next runs get a fresh one.
    for (let i = 0; i < 3; i++) await expectNextRunOk();
  });

  it.each(["regexBomb", "evalBomb", "functionBomb"])("compile bomb %s → timeout or out-of-memory within the limits", async (entry) => {
    pool = new SandboxPool();
    const r = await go(entry);
    expect(["timeout", "out-of-memory"]).toContain(r.status);
    expect(r.timing.totalMs).toBeLessThan(ANSWER_BOUND_MS);
    if (r.memory !== undefined) {
      // The host's own measurement: the sandbox never held more than the run's resident limit plus one sampling step.
      expect(r.memory.peakResidentBytes).toBeLessThan(r.memory.residentLimitBytes + 256 * 1024 * 1024);
    }
    await expectNextRunOk();
  });
});

describe("runs in a row in a process with nothing else keeping its event loop alive", () => {
  it.each(["thread", "process"] as const)("%s isolation: the second run waits for the first one's post-run handshake and answers", (isolation) => {
    pool = new SandboxPool();
    const script = `import { run } from ${JSON.stringify(compiledPath("runtime/index"))};
const statuses = [];
for (let i = 0; i < 3; i++) statuses.push((await run(${JSON.stringify(doc.absoluteFile)}, "ok", [], { verification: [], audit: false, isolation: ${JSON.stringify(isolation)} })).status);
process.stdout.write(JSON.stringify(statuses));`;
    const child = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8", timeout: 120_000 });
    expect(child.status).toBe(0);
    expect(child.stdout).toBe(JSON.stringify(["ok", "ok", "ok"]));
  });
});
