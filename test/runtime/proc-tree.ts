/** Processes below a pid (from /proc), for "no process is left" assertions. */
import { readdirSync, readFileSync } from "node:fs";

function parentOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "latin1");
    // "pid (comm) state ppid ..." — comm may contain spaces and parentheses: split after the last ')'.
    const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return Number(rest[1]);
  } catch {
    return undefined;
  }
}

function isZombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "latin1");
    return stat.slice(stat.lastIndexOf(")") + 2).startsWith("Z");
  } catch {
    return true;
  }
}

/** Live (non-zombie) descendants of `root`. */
export function descendants(root: number): number[] {
  const parents = new Map<number, number>();
  for (const name of readdirSync("/proc")) {
    const pid = Number(name);
    if (!Number.isInteger(pid)) continue;
    const ppid = parentOf(pid);
    if (ppid !== undefined) parents.set(pid, ppid);
  }
  const out: number[] = [];
  const frontier = [root];
  while (frontier.length > 0) {
    const p = frontier.pop()!;
    for (const [child, parent] of parents) {
      if (parent === p && !out.includes(child)) {
        out.push(child);
        frontier.push(child);
      }
    }
  }
  return out.filter((p) => !isZombie(p));
}

/** Processes whose command line contains `needle` (e.g. a unique temp folder in the arguments). */
export function processesMatching(needle: string): number[] {
  const out: number[] = [];
  for (const name of readdirSync("/proc")) {
    const pid = Number(name);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    try {
      if (readFileSync(`/proc/${pid}/cmdline`, "latin1").includes(needle) && !isZombie(pid)) out.push(pid);
    } catch {
      // gone
    }
  }
  return out;
}

export function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "latin1").replace(/\0/g, " ");
  } catch {
    return "";
  }
}

/** Poll `condition` up to `tries` times, `everyMs` apart (bounded by count, not by a deadline). */
export async function eventually(condition: () => boolean, tries = 400, everyMs = 50): Promise<boolean> {
  for (let i = 0; i < tries; i++) {
    if (condition()) return true;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  return condition();
}

/** Sandbox processes (isolated children, sandbox-host processes) below this test process. */
export const sandboxProcesses = (): number[] => descendants(process.pid).filter((p) => /broker-main|runtime\/guest\/child/.test(cmdline(p)));

/** After a pool is closed, every sandbox process it started must be gone (bounded by count). */
export async function noSandboxLeft(): Promise<string[]> {
  await eventually(() => sandboxProcesses().length === 0);
  return sandboxProcesses().map(cmdline);
}
