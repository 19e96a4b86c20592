/**
 * Warm sandboxes, keyed by everything a sandbox is bound to (module JS, check table, grants,
 * mode, limits, isolation): a sandbox is only ever reused for the same key, i.e. the same
 * document in the same mode — never shared across documents. A sandbox is checked out for
 * one run at a time and returned only if its run ended normally; anything else retires it.
 */
import { createHash } from "node:crypto";
import type { LoadMessage } from "../guest/protocol.js";
import type { Grants } from "../guest/grants.js";
import { startBrokeredThreadChannel } from "./broker-channel.js";
import { startProcessChannel } from "./process-channel.js";
import { Sandbox } from "./sandbox.js";
import { startThreadChannel } from "./thread-channel.js";
import type { RunLimits } from "./types.js";

export interface PoolOptions {
  /** Idle sandboxes kept per key. */
  readonly idlePerKey?: number;
  /** Idle sandboxes kept in total (oldest closed first). */
  readonly idleTotal?: number;
  /**
   * Where thread-isolation workers live: "broker" (default) — in a sandbox-host child process, so
   * a fatal V8 out-of-memory in a worker cannot abort the host; "in-process" — in the host
   * itself (one IPC hop less; only for benchmarks and trusted code).
   */
  readonly threadHost?: "broker" | "in-process";
}

export function sandboxKey(load: LoadMessage, limits: RunLimits): string {
  const h = createHash("sha256");
  h.update(JSON.stringify({ load, limits }));
  return h.digest("hex");
}

export class SandboxPool {
  private readonly idle = new Map<string, Sandbox[]>();
  private readonly order: Array<{ key: string; sandbox: Sandbox }> = [];
  private readonly idlePerKey: number;
  private readonly idleTotal: number;
  private readonly threadHost: "broker" | "in-process";
  private closed = false;

  constructor(options: PoolOptions = {}) {
    this.idlePerKey = options.idlePerKey ?? 2;
    this.idleTotal = options.idleTotal ?? 8;
    this.threadHost = options.threadHost ?? "broker";
  }

  /** A warm sandbox for this key, or a fresh one (cold). */
  /** `key` must be sandboxKey(load, limits) when given (callers memoise it). */
  async acquire(load: LoadMessage, limits: RunLimits, grants: Grants, key = sandboxKey(load, limits)): Promise<{ sandbox: Sandbox; key: string; cold: boolean }> {
    if (this.closed) throw new Error("the sandbox pool is closed");
    const list = this.idle.get(key);
    while (list !== undefined && list.length > 0) {
      const sandbox = list.pop()!;
      this.forget(sandbox);
      // A sandbox whose last run has not settled yet (post-run handshake) is waited for, within
      // SETTLE_MS; one that never settles (guest work left running) is killed, not reused.
      if (sandbox.reusable || (await sandbox.settled())) return { sandbox, key, cold: false };
      void sandbox.close();
    }
    const channel =
      limits.isolation === "process"
        ? startProcessChannel(limits, grants)
        : this.threadHost === "broker"
          ? startBrokeredThreadChannel(limits)
          : startThreadChannel(limits);
    const sandbox = await Sandbox.start(channel, load, limits.memoryMb);
    return { sandbox, key, cold: true };
  }

  /** Return a sandbox after its run; kept warm only when its run ended normally. */
  release(key: string, sandbox: Sandbox): void {
    if (this.closed || !(sandbox.reusable || sandbox.settling)) {
      void sandbox.close();
      return;
    }
    const list = this.idle.get(key) ?? [];
    if (list.length >= this.idlePerKey) {
      void sandbox.close();
      return;
    }
    list.push(sandbox);
    this.idle.set(key, list);
    this.order.push({ key, sandbox });
    while (this.order.length > this.idleTotal) {
      const oldest = this.order.shift()!;
      const l = this.idle.get(oldest.key);
      if (l) l.splice(l.indexOf(oldest.sandbox), 1);
      void oldest.sandbox.close();
    }
  }

  get idleCount(): number {
    return this.order.length;
  }

  private forget(sandbox: Sandbox): void {
    const i = this.order.findIndex((o) => o.sandbox === sandbox);
    if (i !== -1) this.order.splice(i, 1);
  }

  async close(): Promise<void> {
    this.closed = true;
    const all = this.order.splice(0).map((o) => o.sandbox.close());
    this.idle.clear();
    await Promise.all(all);
  }
}

let shared: SandboxPool | undefined;
/** The process-wide pool `run` uses when none is passed. Idle sandboxes do not keep the process alive. */
export function defaultPool(): SandboxPool {
  return (shared ??= new SandboxPool());
}
