/**
 * A thread-isolation sandbox: one worker thread inside a sandbox-host process of its own
 * (broker-main.ts), never inside the host. One sandbox per process makes three things possible
 * that a shared process cannot give:
 *  - a time limit nothing can block: `kill()` is SIGKILL of that process — it does not wait for
 *    `worker.terminate()`, which never returns while V8 is inside an uninterruptible built-in
 *    (a regex compile, `Array.prototype.indexOf` over 2^53-1 holes) — and no other run is lost;
 *  - a memory limit that counts everything: the process's resident set is this sandbox's;
 *  - a fatal V8 out-of-memory (which resourceLimits cannot always turn into a clean worker exit)
 *    takes down only this sandbox.
 * The process is started through child-guard.ts (parent-death SIGKILL, killed at host exit, an
 * address-space rlimit), gets an empty environment and no stdio, and is unref'd while idle.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { compiledPath, projectRoot } from "../../support/compiled-path.js";
import type { BrokerEvent, BrokerRequest } from "./broker-protocol.js";
import type { Channel, ExitInfo } from "./channel.js";
import { classifyExit, guardedCommand, track } from "./child-guard.js";
import type { RunLimits } from "./types.js";

const MiB = 1024 * 1024;
/** Address space of a sandbox-host process: V8 + Node + one worker reserve ~1-2 GiB up front. */
export function brokerAddressSpace(limits: RunLimits): number {
  return 4 * 1024 * MiB + 2 * Math.ceil(limits.memoryMb) * MiB;
}

export function startBrokeredThreadChannel(limits: RunLimits): Channel {
  const { command, args } = guardedCommand(["--no-warnings", compiledPath("runtime/host/broker-main")], brokerAddressSpace(limits));
  const child: ChildProcess = spawn(command, args, {
    stdio: ["ignore", "ignore", "ignore", "ipc"],
    env: {},
    serialization: "advanced",
    cwd: projectRoot(),
  });
  track(child);
  const messageListeners: Array<(m: unknown) => void> = [];
  const exitListeners: Array<(info: ExitInfo) => void> = [];
  let exitInfo: ExitInfo | undefined;
  let reported: ExitInfo | undefined; // what the worker's own exit said (from the trusted main thread)
  let killedBy: "host" | "memory" | undefined;
  let memoryDetail: string | undefined;
  const request = (r: BrokerRequest): void => {
    if (exitInfo === undefined && child.connected) child.send(r);
  };
  child.on("error", () => undefined);
  child.on("message", (event: BrokerEvent) => {
    if (event.id !== 1) return;
    if ("exit" in event) reported ??= event.exit;
    else for (const l of messageListeners) l(event.msg);
  });
  child.on("exit", (code, signal) => {
    const fromHost = classifyExit(code, signal, killedBy, memoryDetail);
    // The worker's own report (resourceLimits OOM) wins unless the host killed the process.
    exitInfo = killedBy === undefined && reported !== undefined && reported.reason !== "terminated" ? reported : fromHost;
    for (const l of exitListeners) l(exitInfo);
  });
  request({
    op: "start",
    id: 1,
    resourceLimits: { maxOldGenerationSizeMb: limits.maxOldGenerationSizeMb, maxYoungGenerationSizeMb: limits.maxYoungGenerationSizeMb, stackSizeMb: limits.stackSizeMb },
  });
  const handles = (on: boolean) => {
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
      handles(true); // keep the loop alive until the process is really gone
      child.once("exit", () => resolve());
      child.kill("SIGKILL");
    });
  return {
    pid: child.pid,
    post: (m) => request({ op: "post", id: 1, msg: m }),
    onMessage: (l) => void messageListeners.push(l),
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
