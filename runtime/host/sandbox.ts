/**
 * One sandbox = one container (a worker thread in a sandbox-host process of its own, or an
 * isolated child) bound to ONE loaded module (document + mode + grants + limits) for its whole
 * life. Each `exec` is one run; the guest gives every run a fresh Compartment. The host:
 *  - enforces wall time by killing the container, and answers within the limit plus a bounded
 *    grace whether or not the kill is confirmed (a container is never waited on forever);
 *  - enforces the run's memory on the container's resident set (docs/runtime.md, "Memory");
 *  - stops the container on the first violation (the guest may catch the exception);
 *  - reuses a container only after the guest's post-run handshake (`idle`): the guest sends it
 *    from a macrotask, which runs only once every microtask the run left behind has finished,
 *    so work left running after an entry returned can never delay or observe a later run — a
 *    container that does not settle in time is killed;
 *  - accepts only checked plain data from it.
 */
import type { DoneMessage, LoadMessage, ViolationMessage } from "../guest/protocol.js";
import type { Channel } from "./channel.js";
import { residentBytes } from "./child-guard.js";
import { checkGuestMessage } from "./protocol-guard.js";

export type SandboxOutcome = (
  | { readonly kind: "done"; readonly done: DoneMessage }
  | { readonly kind: "violation"; readonly violation: ViolationMessage }
  | { readonly kind: "timeout" }
  | { readonly kind: "interrupted" }
  | { readonly kind: "out-of-memory"; readonly detail: string }
  | { readonly kind: "crashed"; readonly detail: string }
) & { readonly memory?: MemoryReading | undefined };

/** The host's own measurement of a run's resident memory (process containers only). */
export interface MemoryReading {
  readonly peakResidentBytes: number;
  readonly residentLimitBytes: number;
}

const MiB = 1024 * 1024;
const READY_TIMEOUT_MS = 15_000;
/**
 * After the time limit the container is SIGKILLed; the caller is answered when the kill is
 * confirmed or after this bound, whichever is first (a worker whose `terminate()` never returns
 * — in-process workers only — is abandoned, not waited on).
 */
export const KILL_GRACE_MS = 1000;
/** A container whose guest has not settled (post-run handshake) this long after `done` is killed. */
export const SETTLE_MS = 2000;
/** Resident-set sampling period during a run. */
export const MEMORY_POLL_MS = 10;
/**
 * Resident memory a run may add on top of the document's limit: per-run compartment and module
 * compilation, V8's young generation and code space, allocator slack (docs/runtime.md).
 */
export const RESIDENT_OVERHEAD_BYTES = 48 * MiB;

type State = "idle" | "running" | "settling" | "dead";

export class Sandbox {
  private nextRunId = 1;
  private pending: { runId: number; settle: (o: SandboxOutcome) => void } | undefined;
  private state: State = "idle";
  private settleRunId = 0;
  private settleWaiters: Array<(ok: boolean) => void> = [];
  private settleTimer: NodeJS.Timeout | undefined;

  private constructor(
    private readonly channel: Channel,
    private readonly valueCap: number,
    private readonly memoryBytes: number,
  ) {
    channel.onMessage((raw) => this.receive(raw));
    channel.onExit((info) => {
      this.toDead();
      const p = this.pending;
      this.pending = undefined;
      if (p === undefined) return;
      p.settle(info.reason === "out-of-memory" ? { kind: "out-of-memory", detail: info.detail } : { kind: "crashed", detail: info.detail });
    });
  }

  /** Start the container, wait until it has locked itself down, and bind it to `load`. */
  static async start(channel: Channel, load: LoadMessage, memoryMb = 0): Promise<Sandbox> {
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
    const sandbox = new Sandbox(channel, load.resultBytes + 64 * 1024, Math.ceil(memoryMb) * MiB);
    channel.post(load);
    return sandbox;
  }

  /** Reusable for another run of the same module now: alive, its last run ended normally and settled. */
  get reusable(): boolean {
    return this.state === "idle";
  }

  /** Its last run ended normally and the post-run handshake has not arrived yet. */
  get settling(): boolean {
    return this.state === "settling";
  }

  /** Reusable now or once its last run settles (within `SETTLE_MS`): true if it became reusable. */
  settled(): Promise<boolean> {
    if (this.state === "idle") return Promise.resolve(true);
    if (this.state !== "settling") return Promise.resolve(false);
    // Someone is waiting: keep the event loop alive until the handshake (or the kill) arrives.
    this.channel.ref();
    return new Promise((resolve) =>
      this.settleWaiters.push((ok) => {
        if (ok && this.state === "idle") this.channel.unref();
        resolve(ok);
      }),
    );
  }

  exec(entry: string, args: readonly unknown[], timeoutMs: number, writeQuota?: { readonly bytes: number; readonly files: number }, signal?: AbortSignal): Promise<SandboxOutcome> {
    // Called again before the last run's handshake arrived: wait for it (bounded by SETTLE_MS).
    if (this.state === "settling") {
      return this.settled().then((ok) => (ok ? this.exec(entry, args, timeoutMs, writeQuota, signal) : { kind: "crashed" as const, detail: "sandbox is not reusable: its last run left work running" }));
    }
    if (this.state !== "idle") return Promise.resolve({ kind: "crashed", detail: "sandbox is not reusable" });
    // Aborted before the run began: the container is stopped all the same (never left to the pool).
    if (signal?.aborted) return new Promise((resolve) => this.stopAndAnswer(() => resolve({ kind: "interrupted" })));
    this.state = "running";
    const runId = this.nextRunId++;
    this.channel.ref();
    const memory = this.watchMemory();
    return new Promise<SandboxOutcome>((resolve) => {
      const answer = (outcome: SandboxOutcome) => {
        const reading = memory.stop();
        resolve(reading === undefined ? outcome : { ...outcome, memory: reading });
      };
      // The time limit and the caller's abort end a run the same way: the container is killed.
      const stop = (kind: "timeout" | "interrupted") => {
        if (this.pending?.runId !== runId) return;
        this.pending = undefined;
        clearTimeout(timer);
        signal?.removeEventListener("abort", onAbort);
        this.stopAndAnswer(() => answer({ kind }));
      };
      const onAbort = () => stop("interrupted");
      const timer = setTimeout(() => stop("timeout"), timeoutMs);
      signal?.addEventListener("abort", onAbort, { once: true });
      this.pending = {
        runId,
        settle: (outcome) => {
          clearTimeout(timer);
          signal?.removeEventListener("abort", onAbort);
          if (outcome.kind === "done" && this.state === "running") {
            this.state = "settling";
            this.settleRunId = runId;
            this.settleTimer = setTimeout(() => void this.close(), SETTLE_MS);
            this.settleTimer.unref();
          } else if (outcome.kind !== "done") this.toDead();
          if (this.state !== "dead") this.channel.unref();
          answer(outcome);
        },
      };
      this.channel.post({ type: "run", runId, entry, args, ...(writeQuota !== undefined ? { writeQuota } : {}) });
    });
  }

  /** Samples the container's resident set during a run; kills it past the run's memory limit. */
  private watchMemory(): { stop(): MemoryReading | undefined } {
    const pid = this.channel.pid;
    const base = pid === undefined || this.memoryBytes === 0 ? undefined : residentBytes(pid);
    if (pid === undefined || base === undefined) return { stop: () => undefined };
    const limit = base + this.memoryBytes + RESIDENT_OVERHEAD_BYTES;
    let peak = base;
    const sample = () => {
      const rss = residentBytes(pid);
      if (rss === undefined) return;
      if (rss > peak) peak = rss;
      if (rss > limit && this.channel.killForMemory !== undefined) {
        clearInterval(timer);
        void this.channel.killForMemory(
          `the sandbox process reached ${Math.round(rss / MiB)} MiB resident, over the run's limit of ${Math.round(limit / MiB)} MiB (${Math.round(this.memoryBytes / MiB)} MiB declared + ${Math.round((base + RESIDENT_OVERHEAD_BYTES) / MiB)} MiB process overhead), and was killed by the host`,
        );
      }
    };
    const timer = setInterval(sample, MEMORY_POLL_MS);
    return {
      stop: () => {
        clearInterval(timer);
        sample();
        return { peakResidentBytes: peak, residentLimitBytes: limit };
      },
    };
  }

  /** Kill the container and answer after the kill is confirmed or `KILL_GRACE_MS`, whichever is first. */
  private stopAndAnswer(answer: () => void): void {
    this.toDead();
    let answered = false;
    const once = () => {
      if (answered) return;
      answered = true;
      clearTimeout(grace);
      answer();
    };
    const grace = setTimeout(once, KILL_GRACE_MS);
    void this.channel.kill().then(once);
  }

  private toDead(): void {
    this.state = "dead";
    if (this.settleTimer !== undefined) clearTimeout(this.settleTimer);
    for (const w of this.settleWaiters.splice(0)) w(false);
  }

  private receive(raw: unknown): void {
    const message = checkGuestMessage(raw, this.valueCap);
    const p = this.pending;
    if (message === undefined) {
      // Not a message our guest code sends: treat the container as compromised.
      this.toDead();
      this.pending = undefined;
      if (p !== undefined) this.stopAndAnswer(() => p.settle({ kind: "crashed", detail: "the sandbox sent a malformed message" }));
      else void this.channel.kill();
      return;
    }
    if (message.type === "idle") {
      if (this.state === "settling" && message.runId === this.settleRunId) {
        this.state = "idle";
        if (this.settleTimer !== undefined) clearTimeout(this.settleTimer);
        for (const w of this.settleWaiters.splice(0)) w(true);
      }
      return;
    }
    if (message.type === "ready" || p === undefined || message.runId !== p.runId) return;
    this.pending = undefined;
    if (message.type === "violation") {
      // Stop the run now: guest code may have caught the violation and carried on.
      this.stopAndAnswer(() => p.settle({ kind: "violation", violation: message }));
      return;
    }
    if (message.error?.code === "ANRF_RESULT_TOO_LARGE") {
      this.stopAndAnswer(() => p.settle({ kind: "done", done: message }));
      return;
    }
    p.settle({ kind: "done", done: message });
  }

  async close(): Promise<void> {
    this.toDead();
    await Promise.race([this.channel.kill(), new Promise<void>((r) => setTimeout(r, KILL_GRACE_MS).unref())]);
  }
}
