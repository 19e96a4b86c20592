/**
 * A guest in a separate child process (process_isolation: true), started with Node's
 * permission model:
 *   --permission (Node 22.13+/24+; --experimental-permission on 20, detected: child-guard.ts)
 *   --allow-fs-read = the runtime's own guest files, ses and @endo, package.json, and the real
 *                     roots of the granted mounts; --allow-fs-write only for ReadWrite roots;
 *   never --allow-child-process, --allow-worker (the guest runs on the child's main thread),
 *   or --allow-addons; --max-old-space-size from the document's memory limit;
 * a minimal environment (no host variables, so nothing to read and no LOCKDOWN_* overrides),
 * no stdio at all (the guest's output goes nowhere, and nothing it prints is ever read), the
 * parent-death signal and an address-space rlimit (child-guard.ts).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { compiledPath, projectRoot } from "../../support/compiled-path.js";
import type { Grants } from "../guest/grants.js";
import type { Channel, ExitInfo } from "./channel.js";
import { classifyExit, guardedCommand, permissionFlag, track } from "./child-guard.js";
import type { RunLimits } from "./types.js";

export { hasAddressSpaceLimit } from "./child-guard.js";

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
    permissionFlag(),
    ...reads.map((r) => `--allow-fs-read=${r}`),
    ...(grants.filesystem === "ReadWrite" ? grants.mounts.map((m) => `--allow-fs-write=${join(m.root, "*")}`) : []),
    `--max-old-space-size=${limits.maxOldGenerationSizeMb}`,
    "--no-warnings",
    entry,
  ];
  return guardedCommand(node, limits.addressSpaceBytes);
}

export function startProcessChannel(limits: RunLimits, grants: Grants): Channel {
  const { command, args } = isolatedCommand(limits, grants);
  const child: ChildProcess = spawn(command, args, {
    stdio: ["ignore", "ignore", "ignore", "ipc"],
    env: {},
    serialization: "advanced",
    cwd: projectRoot(),
  });
  track(child);
  let exitInfo: ExitInfo | undefined;
  let killedBy: "host" | "memory" | undefined;
  let memoryDetail: string | undefined;
  const exitListeners: Array<(info: ExitInfo) => void> = [];
  child.on("error", () => undefined);
  child.on("exit", (code, signal) => {
    exitInfo = classifyExit(code, signal, killedBy, memoryDetail);
    for (const l of exitListeners) l(exitInfo);
  });
  const handles = (on: boolean) => {
    // Child and IPC channel are separate handles: both must follow.
    const ipc = (child as unknown as { channel?: { ref(): void; unref(): void } }).channel;
    if (on) {
      child.ref();
      ipc?.ref();
    } else {
      child.unref();
      ipc?.unref();
    }
  };
  const kill = (why: "host" | "memory", detail?: string) =>
    new Promise<void>((resolve) => {
      if (exitInfo !== undefined) return resolve();
      killedBy ??= why;
      if (why === "memory") memoryDetail ??= detail;
      // Keep the event loop alive until the child is really gone (an idle child is unref'd).
      handles(true);
      child.once("exit", () => resolve());
      child.kill("SIGKILL");
    });
  return {
    pid: child.pid,
    post: (m) => {
      if (child.connected) child.send(m as never);
    },
    onMessage: (l) => void child.on("message", l),
    onExit: (l) => {
      if (exitInfo !== undefined) l(exitInfo);
      else exitListeners.push(l);
    },
    kill: () => kill("host"),
    killForMemory: (detail) => kill("memory", detail),
    ref: () => handles(true),
    unref: () => handles(false),
  };
}
