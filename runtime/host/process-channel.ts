/**
 * A guest in a separate child process (process_isolation: true), started with Node's
 * permission model:
 *   --experimental-permission
 *   --allow-fs-read = the runtime's own guest files, ses and @endo, package.json, and the real
 *                     roots of the granted mounts; --allow-fs-write only for ReadWrite roots;
 *   never --allow-child-process, --allow-worker (the guest runs on the child's main thread),
 *   or --allow-addons; --max-old-space-size from the document's memory limit;
 * a minimal environment (no host variables, so nothing to read and no LOCKDOWN_* overrides),
 * stdin/stdout ignored, stderr piped (bounded, only to classify crashes), and an address-space
 * rlimit via prlimit(1) when available, which also bounds ArrayBuffer backing stores.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { compiledPath, projectRoot } from "../../support/compiled-path.js";
import type { Grants } from "../guest/grants.js";
import type { Channel, ExitInfo } from "./channel.js";
import type { RunLimits } from "./types.js";

const PRLIMIT = ["/usr/bin/prlimit", "/bin/prlimit"].find((p) => existsSync(p));

/** The exact command line of an isolated child (exported so tests can audit and reuse it). */
export function isolatedCommand(limits: RunLimits, grants: Grants, entry = compiledPath("runtime/guest/child")): { command: string; args: string[] } {
  const root = projectRoot();
  const reads = [
    join(root, "dist", "runtime", "guest", "*"),
    join(root, "node_modules", "ses", "*"),
    join(root, "node_modules", "@endo", "*"),
    join(root, "package.json"),
    join(root, "dist", "package.json"),
    ...grants.mounts.map((m) => join(m.root, "*")),
  ];
  const node = [
    "--experimental-permission",
    ...reads.map((r) => `--allow-fs-read=${r}`),
    ...(grants.filesystem === "ReadWrite" ? grants.mounts.map((m) => `--allow-fs-write=${join(m.root, "*")}`) : []),
    `--max-old-space-size=${limits.maxOldGenerationSizeMb}`,
    "--no-warnings",
    entry,
  ];
  if (PRLIMIT !== undefined && limits.addressSpaceBytes !== null) {
    return { command: PRLIMIT, args: [`--as=${limits.addressSpaceBytes}`, "--", process.execPath, ...node] };
  }
  return { command: process.execPath, args: node };
}

export function hasAddressSpaceLimit(): boolean {
  return PRLIMIT !== undefined;
}

export function startProcessChannel(limits: RunLimits, grants: Grants): Channel {
  const { command, args } = isolatedCommand(limits, grants);
  const child: ChildProcess = spawn(command, args, {
    stdio: ["ignore", "ignore", "pipe", "ipc"],
    env: {},
    serialization: "advanced",
    cwd: projectRoot(),
  });
  let stderr = "";
  child.stderr?.on("data", (d: Buffer) => {
    if (stderr.length < 8192) stderr += d.toString("utf8");
  });
  let exitInfo: ExitInfo | undefined;
  let killed = false;
  const exitListeners: Array<(info: ExitInfo) => void> = [];
  child.on("error", () => undefined);
  child.on("exit", (code, signal) => {
    const oom = /heap out of memory|Allocation failed|Reached heap limit|out of memory/i.test(stderr);
    exitInfo = oom
      ? { reason: "out-of-memory", detail: "the isolated process ran out of memory" }
      : killed
        ? { reason: "terminated", detail: "killed by the host" }
        : { reason: "crashed", detail: `isolated process exited (${signal ?? `code ${code}`}) ${stderr.split("\n")[0] ?? ""}`.trim() };
    for (const l of exitListeners) l(exitInfo);
  });
  return {
    post: (m) => {
      if (child.connected) child.send(m as never);
    },
    onMessage: (l) => void child.on("message", l),
    onExit: (l) => {
      if (exitInfo !== undefined) l(exitInfo);
      else exitListeners.push(l);
    },
    kill: () =>
      new Promise<void>((resolve) => {
        if (exitInfo !== undefined) return resolve();
        killed = true;
        // Keep the event loop alive until the child is really gone (an idle child is unref'd).
        child.ref();
        child.once("exit", () => resolve());
        child.kill("SIGKILL");
      }),
    ref: () => {
      child.ref();
      (child as unknown as { channel?: { ref(): void } }).channel?.ref();
      (child.stderr as unknown as { ref?(): void } | null)?.ref?.();
    },
    unref: () => {
      // Child, IPC channel and stderr pipe are separate handles: all must be unref'd when idle.
      child.unref();
      (child as unknown as { channel?: { unref(): void } }).channel?.unref();
      (child.stderr as unknown as { unref?(): void } | null)?.unref?.();
    },
  };
}
