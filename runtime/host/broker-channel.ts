/**
 * Thread-isolation sandboxes as worker threads inside one sandbox-host process (the broker),
 * not inside the host: a worker's fatal V8 out-of-memory (which resourceLimits cannot always
 * turn into a clean worker exit) kills the broker, every sandbox in it reports out-of-memory,
 * and the next run starts a fresh broker. The broker gets an empty environment, no stdin/stdout,
 * and is unref'd while no run is in flight.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { compiledPath, projectRoot } from "../../support/compiled-path.js";
import type { BrokerEvent, BrokerRequest } from "./broker-protocol.js";
import type { Channel, ExitInfo } from "./channel.js";
import type { RunLimits } from "./types.js";

interface Slot {
  readonly messageListeners: Array<(m: unknown) => void>;
  readonly exitListeners: Array<(info: ExitInfo) => void>;
  exit?: ExitInfo;
  refd: boolean;
}

class Broker {
  private readonly child: ChildProcess;
  private readonly slots = new Map<number, Slot>();
  private nextId = 1;
  private stderr = "";
  alive = true;

  constructor(onDeath: () => void) {
    this.child = spawn(process.execPath, ["--no-warnings", compiledPath("runtime/host/broker-main")], {
      stdio: ["ignore", "ignore", "pipe", "ipc"],
      env: {},
      serialization: "advanced",
      cwd: projectRoot(),
    });
    this.child.stderr?.on("data", (d: Buffer) => {
      if (this.stderr.length < 8192) this.stderr += d.toString("utf8");
    });
    this.child.on("error", () => undefined);
    this.child.on("message", (event: BrokerEvent) => this.receive(event));
    this.child.on("exit", (code, signal) => {
      this.alive = false;
      onDeath();
      const oom = /heap out of memory|Allocation failed|Reached heap limit/i.test(this.stderr);
      const info: ExitInfo = oom
        ? { reason: "out-of-memory", detail: "the sandbox host process ran out of memory (a worker hit a fatal V8 heap limit)" }
        : { reason: "crashed", detail: `the sandbox host process exited (${signal ?? `code ${code}`})` };
      for (const [id] of this.slots) this.finish(id, info);
    });
    this.updateRef();
  }

  private receive(event: BrokerEvent): void {
    const slot = this.slots.get(event.id);
    if (slot === undefined) return;
    if ("exit" in event) this.finish(event.id, event.exit);
    else for (const l of slot.messageListeners) l(event.msg);
  }

  private finish(id: number, info: ExitInfo): void {
    const slot = this.slots.get(id);
    if (slot === undefined || slot.exit !== undefined) return;
    slot.exit = info;
    this.slots.delete(id);
    this.updateRef();
    for (const l of slot.exitListeners) l(info);
  }

  private request(r: BrokerRequest): void {
    if (this.alive && this.child.connected) this.child.send(r);
  }

  private updateRef(): void {
    const busy = [...this.slots.values()].some((s) => s.refd);
    const ipc = (this.child as unknown as { channel?: { ref(): void; unref(): void } }).channel;
    // The stderr pipe is a handle of its own: it must follow, or an idle broker keeps the host alive.
    const err = this.child.stderr as unknown as { ref?(): void; unref?(): void } | null;
    if (busy) {
      this.child.ref();
      ipc?.ref();
      err?.ref?.();
    } else {
      this.child.unref();
      ipc?.unref();
      err?.unref?.();
    }
  }

  open(limits: RunLimits): Channel {
    const id = this.nextId++;
    const slot: Slot = { messageListeners: [], exitListeners: [], refd: true };
    this.slots.set(id, slot);
    this.updateRef();
    this.request({
      op: "start",
      id,
      resourceLimits: { maxOldGenerationSizeMb: limits.maxOldGenerationSizeMb, maxYoungGenerationSizeMb: limits.maxYoungGenerationSizeMb, stackSizeMb: limits.stackSizeMb },
    });
    const setRef = (on: boolean) => {
      slot.refd = on;
      if (this.slots.has(id)) this.updateRef();
    };
    return {
      post: (m) => this.request({ op: "post", id, msg: m }),
      onMessage: (l) => void slot.messageListeners.push(l),
      onExit: (l) => {
        if (slot.exit !== undefined) l(slot.exit);
        else slot.exitListeners.push(l);
      },
      kill: () =>
        new Promise<void>((resolve) => {
          if (slot.exit !== undefined || !this.alive) return resolve();
          slot.exitListeners.push(() => resolve());
          setRef(true); // keep the loop alive until the worker is gone
          this.request({ op: "kill", id });
        }),
      ref: () => setRef(true),
      unref: () => setRef(false),
    };
  }

  async shutdown(): Promise<void> {
    if (!this.alive) return;
    await new Promise<void>((resolve) => {
      this.child.once("exit", () => resolve());
      this.child.ref();
      this.child.kill("SIGKILL");
    });
  }
}

let current: Broker | undefined;

/** A worker-thread sandbox channel, hosted in the (lazily started, restarted on death) broker. */
export function startBrokeredThreadChannel(limits: RunLimits): Channel {
  if (current === undefined || !current.alive) {
    const broker: Broker = new Broker(() => {
      if (current === broker) current = undefined;
    });
    current = broker;
  }
  return current.open(limits);
}

/** Stop the broker (tests and benchmarks; the CLI simply exits). */
export async function stopBroker(): Promise<void> {
  const b = current;
  current = undefined;
  await b?.shutdown();
}
