/**
 * One sandbox = one container (worker thread or isolated child) bound to ONE loaded module
 * (document + mode + grants + limits) for its whole life. Each `exec` is one run; the guest
 * gives every run a fresh Compartment. The host enforces wall time (kill on timeout), stops the
 * container on the first violation (the guest may catch the exception; the host does not wait),
 * and accepts only checked plain data from it.
 */
import type { DoneMessage, LoadMessage, ViolationMessage } from "../guest/protocol.js";
import type { Channel } from "./channel.js";
import { checkGuestMessage } from "./protocol-guard.js";

export type SandboxOutcome =
  | { readonly kind: "done"; readonly done: DoneMessage }
  | { readonly kind: "violation"; readonly violation: ViolationMessage }
  | { readonly kind: "timeout" }
  | { readonly kind: "out-of-memory"; readonly detail: string }
  | { readonly kind: "crashed"; readonly detail: string };

const READY_TIMEOUT_MS = 15_000;

export class Sandbox {
  private nextRunId = 1;
  private pending: { runId: number; settle: (o: SandboxOutcome) => void } | undefined;
  private alive = true;
  private healthy = true;

  private constructor(
    private readonly channel: Channel,
    private readonly valueCap: number,
  ) {
    channel.onMessage((raw) => this.receive(raw));
    channel.onExit((info) => {
      this.alive = false;
      const p = this.pending;
      this.pending = undefined;
      if (p === undefined) return;
      p.settle(info.reason === "out-of-memory" ? { kind: "out-of-memory", detail: info.detail } : { kind: "crashed", detail: info.detail });
    });
  }

  /** Start the container, wait until it has locked itself down, and bind it to `load`. */
  static async start(channel: Channel, load: LoadMessage): Promise<Sandbox> {
    await new Promise<void>((resolve, reject) => {
      let done = false;
      const timer = setTimeout(() => finish(new Error("sandbox did not start in time")), READY_TIMEOUT_MS);
      const finish = (error?: Error) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        if (error) {
          void channel.kill();
          reject(error);
        } else resolve();
      };
      channel.onMessage((m) => {
        if (typeof m === "object" && m !== null && (m as { type?: unknown }).type === "ready") finish();
      });
      channel.onExit((info) => finish(new Error(`sandbox failed to start: ${info.detail}`)));
    });
    const sandbox = new Sandbox(channel, load.resultBytes + 64 * 1024);
    channel.post(load);
    return sandbox;
  }

  /** Reusable for another run of the same module: alive, and its last run ended normally. */
  get reusable(): boolean {
    return this.alive && this.healthy && this.pending === undefined;
  }

  exec(entry: string, args: readonly unknown[], timeoutMs: number): Promise<SandboxOutcome> {
    if (!this.reusable) return Promise.resolve({ kind: "crashed", detail: "sandbox is not reusable" });
    const runId = this.nextRunId++;
    this.channel.ref();
    return new Promise<SandboxOutcome>((resolve) => {
      const timer = setTimeout(() => {
        if (this.pending?.runId !== runId) return;
        this.pending = undefined;
        this.healthy = false;
        void this.channel.kill().then(() => resolve({ kind: "timeout" }));
      }, timeoutMs);
      this.pending = {
        runId,
        settle: (outcome) => {
          clearTimeout(timer);
          if (outcome.kind !== "done") this.healthy = false;
          if (this.alive) this.channel.unref();
          resolve(outcome);
        },
      };
      this.channel.post({ type: "run", runId, entry, args });
    });
  }

  private receive(raw: unknown): void {
    const message = checkGuestMessage(raw, this.valueCap);
    const p = this.pending;
    if (message === undefined) {
      // Not a message our guest code sends: treat the container as compromised.
      this.healthy = false;
      if (p !== undefined) {
        this.pending = undefined;
        void this.channel.kill().then(() => p.settle({ kind: "crashed", detail: "the sandbox sent a malformed message" }));
      }
      return;
    }
    if (message.type === "ready" || p === undefined || message.runId !== p.runId) return;
    this.pending = undefined;
    if (message.type === "violation") {
      // Stop the run now: guest code may have caught the violation and carried on.
      this.healthy = false;
      void this.channel.kill().then(() => p.settle({ kind: "violation", violation: message }));
      return;
    }
    if (message.error?.code === "ANRF_RESULT_TOO_LARGE") this.healthy = false;
    p.settle({ kind: "done", done: message });
  }

  async close(): Promise<void> {
    this.healthy = false;
    await this.channel.kill();
  }
}
