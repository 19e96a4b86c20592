/**
 * Every process a run starts (an isolated child, or the sandbox-host process of a worker
 * thread) is started through here, so that none can outlive the host:
 *  - `setpriv --pdeathsig KILL` (util-linux): the kernel SIGKILLs the child when the host dies
 *    for any reason — SIGKILL, crash, SIGTERM without a handler — even while the child's event
 *    loop is starved by guest code (nothing in the child has to run for this to work);
 *  - a registry of live children, SIGKILLed synchronously from the host's `exit` handler
 *    (normal exit, process.exit from a SIGINT handler);
 *  - the child's own main thread exits on IPC `disconnect` (sandbox-host process).
 * Also: the address-space rlimit (prlimit), the permission flag the running Node accepts, and
 * the resident-set reading the host uses to enforce a run's memory limit.
 */
import type { ChildProcess } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";

const SETPRIV = ["/usr/bin/setpriv", "/bin/setpriv"].find((p) => existsSync(p));
const PRLIMIT = ["/usr/bin/prlimit", "/bin/prlimit"].find((p) => existsSync(p));

export function hasParentDeathSignal(): boolean {
  return SETPRIV !== undefined;
}
export function hasAddressSpaceLimit(): boolean {
  return PRLIMIT !== undefined;
}

/**
 * `--permission` on Node 22.13+/24+, `--experimental-permission` on 20 (Node 24 refuses the old
 * name). Decided from the flags the running Node accepts, not from its version string.
 */
export function permissionFlag(flags: ReadonlySet<string> = process.allowedNodeEnvironmentFlags): string {
  return flags.has("--permission") ? "--permission" : "--experimental-permission";
}

/** The command that runs `node ...nodeArgs` under the parent-death signal and the address-space rlimit. */
export function guardedCommand(nodeArgs: readonly string[], addressSpaceBytes: number | null): { command: string; args: string[] } {
  let argv: string[] = [process.execPath, ...nodeArgs];
  if (PRLIMIT !== undefined && addressSpaceBytes !== null) argv = [PRLIMIT, `--as=${addressSpaceBytes}`, "--", ...argv];
  if (SETPRIV !== undefined) argv = [SETPRIV, "--pdeathsig", "KILL", "--", ...argv];
  return { command: argv[0]!, args: argv.slice(1) };
}

const live = new Set<ChildProcess>();
let exitHookInstalled = false;

/** Kill `child` with the host: from the `exit` handler (and, via pdeathsig, on any death). */
export function track(child: ChildProcess): void {
  live.add(child);
  child.once("exit", () => live.delete(child));
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on("exit", killAllTracked);
  }
}

/** SIGKILL every live child now (synchronous; safe in an `exit` handler). */
export function killAllTracked(): void {
  for (const child of live) {
    try {
      child.kill("SIGKILL");
    } catch {
      // already gone
    }
  }
}

/** Pids of children that have not exited yet (tests, diagnostics). */
export function trackedPids(): number[] {
  return [...live].map((c) => c.pid).filter((p): p is number => p !== undefined);
}

const PAGE = 4096;
/** Resident set of `pid` in bytes (/proc/<pid>/statm), or undefined when it cannot be read. */
export function residentBytes(pid: number): number | undefined {
  try {
    const fields = readFileSync(`/proc/${pid}/statm`, "latin1").split(" ");
    const pages = Number(fields[1]);
    return Number.isFinite(pages) ? pages * PAGE : undefined;
  } catch {
    return undefined;
  }
}

/**
 * How a container's process ended, from the host's own knowledge only (exit status, signal,
 * whether the host killed it and why) — never from anything the guest can print.
 */
export function classifyExit(code: number | null, signal: NodeJS.Signals | null, killedBy: "host" | "memory" | undefined, memoryDetail?: string): { reason: "out-of-memory" | "crashed" | "terminated"; detail: string } {
  if (killedBy === "memory") return { reason: "out-of-memory", detail: memoryDetail ?? "the sandbox process exceeded its resident-memory limit and was killed by the host" };
  if (killedBy === "host") return { reason: "terminated", detail: "killed by the host" };
  // V8's fatal out-of-memory (heap limit, or an allocation refused by the address-space rlimit)
  // ends in abort(): SIGABRT, or exit code 134 when a wrapper reports it. The guest cannot call
  // abort() itself (no process object, no native code).
  if (signal === "SIGABRT" || code === 134) {
    return { reason: "out-of-memory", detail: "the sandbox process aborted (a fatal V8 error: heap or address space exhausted)" };
  }
  return { reason: "crashed", detail: `the sandbox process exited (${signal ?? `code ${code}`})` };
}
