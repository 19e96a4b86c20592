import { existsSync } from "node:fs";
import { setMaxListeners } from "node:events";
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { compiledPath } from "../../support/compiled-path.js";
import type { SolveOutcome, SolveRequest, SolveResponse } from "./protocol.js";

export interface SolverQuery {
  readonly smt: string;
  readonly timeoutMs: number;
  /** 0 = no resource limit. */
  readonly rlimit: number;
  /** Int constants standing for JavaScript numbers (see SolveRequest.jsIntegers). */
  readonly jsIntegers?: readonly string[] | undefined;
}

export interface SolverPoolOptions {
  /** Number of worker threads (one z3 instance each); default os.availableParallelism(). */
  readonly size?: number | undefined;
  /** Compiled worker entry; default dist/verifier/solver/solver-worker.js. */
  readonly workerPath?: string | undefined;
  /** Extra time beyond a query's own timeout before a silent worker is declared stuck. */
  readonly graceMs?: number | undefined;
}

export interface SolverPoolStats {
  readonly workersStarted: number;
  readonly workersReplaced: number;
  /** Per started worker, time spent loading and initialising z3 (ms). */
  readonly initMs: readonly number[];
}

interface Task {
  readonly id: number;
  readonly query: SolverQuery;
  readonly resolve: (outcome: SolveOutcome) => void;
  readonly signal: AbortSignal | undefined;
  readonly onAbort: () => void;
  started: number;
  watchdog?: NodeJS.Timeout | undefined;
}

interface Slot {
  readonly worker: Worker;
  task: Task | undefined;
  initialised: boolean;
  /** Set when we terminate the worker ourselves, so its exit is not reported as a crash. */
  retired: boolean;
}

/** z3 init on a fresh worker can take a while on a loaded CI machine; never call that "stuck". */
const INIT_ALLOWANCE_MS = 60_000;

/**
 * Growth: a worker costs a z3 initialisation (~150–250 ms of a core, plus a 2 GiB heap
 * reservation), which a handful of ~3 ms queries never pays back. So the first worker starts
 * at once, and another only when the backlog exceeds BACKLOG_PER_WORKER queued queries per
 * started worker, or when queries have waited GROW_AFTER_MS after every worker was ready
 * without one freeing up (slow queries), up to `size`.
 */
const BACKLOG_PER_WORKER = 16;
const GROW_AFTER_MS = 250;

/**
 * A pool of solver worker threads with one z3 instance (one Context, one Solver) each.
 * Workers are started lazily — a run with no query to solve never loads z3 — and replaced
 * when they crash or get stuck; the affected query is answered `failed` with the reason,
 * which the verifier reports as `unknown` (never as proved).
 */
export class SolverPool {
  readonly size: number;
  private readonly workerPath: string;
  private readonly graceMs: number;
  private readonly slots: Slot[] = [];
  private readonly queue: Task[] = [];
  private nextId = 1;
  private closed = false;
  private started = 0;
  private replaced = 0;
  private readonly initTimes: number[] = [];
  private growTimer: NodeJS.Timeout | undefined;

  constructor(options: SolverPoolOptions = {}) {
    this.size = Math.max(1, Math.floor(options.size ?? availableParallelism()));
    this.workerPath = options.workerPath ?? compiledPath("verifier/solver/solver-worker");
    this.graceMs = options.graceMs ?? 5_000;
  }

  stats(): SolverPoolStats {
    return { workersStarted: this.started, workersReplaced: this.replaced, initMs: [...this.initTimes] };
  }

  solve(query: SolverQuery, signal?: AbortSignal): Promise<SolveOutcome> {
    if (this.closed) return Promise.resolve({ kind: "failed", reason: "solver pool closed", timeMs: 0 });
    if (signal?.aborted) return Promise.resolve({ kind: "failed", reason: "cancelled", timeMs: 0 });
    if (!existsSync(this.workerPath)) {
      return Promise.reject(new Error(`compiled solver worker not found at ${this.workerPath} (run 'npm run build')`));
    }
    return new Promise<SolveOutcome>((resolve) => {
      const task: Task = {
        id: this.nextId++,
        query,
        signal,
        started: 0,
        resolve: (outcome) => {
          signal?.removeEventListener("abort", task.onAbort);
          if (task.watchdog) clearTimeout(task.watchdog);
          resolve(outcome);
        },
        onAbort: () => this.cancel(task),
      };
      if (signal !== undefined) {
        // One listener per queued query, removed when it is answered: many at once is expected.
        setMaxListeners(0, signal);
        signal.addEventListener("abort", task.onAbort, { once: true });
      }
      this.queue.push(task);
      this.dispatch();
    });
  }

  /** Terminates every worker; queued and running queries are answered `failed` ("solver pool closed"). */
  async close(): Promise<void> {
    this.closed = true;
    if (this.growTimer !== undefined) clearTimeout(this.growTimer);
    for (const task of this.queue.splice(0)) task.resolve({ kind: "failed", reason: "solver pool closed", timeMs: 0 });
    const slots = this.slots.splice(0);
    await Promise.all(
      slots.map((slot) => {
        slot.retired = true;
        slot.task?.resolve({ kind: "failed", reason: "solver pool closed", timeMs: elapsed(slot.task) });
        slot.task = undefined;
        return slot.worker.terminate();
      }),
    );
  }

  private dispatch(force = false): void {
    while (this.queue.length > 0 && !this.closed) {
      let slot = this.slots.find((s) => s.task === undefined && !s.retired);
      if (slot === undefined) {
        if (this.slots.length >= this.size) return;
        if (!force && this.slots.length > 0 && this.queue.length <= BACKLOG_PER_WORKER * this.slots.length) {
          this.growLater();
          return;
        }
        force = false;
        slot = this.spawn();
      }
      const task = this.queue.shift()!;
      this.run(slot, task);
    }
  }

  /**
   * Start one more worker if queries are still waiting GROW_AFTER_MS from now. Not armed while a
   * worker is still initialising z3 (its first answer re-dispatches): waiting for an init is not
   * a sign of slow queries.
   */
  private growLater(): void {
    if (this.growTimer !== undefined || this.slots.some((s) => !s.initialised && !s.retired)) return;
    this.growTimer = setTimeout(() => {
      this.growTimer = undefined;
      if (this.queue.length > 0) this.dispatch(true);
    }, GROW_AFTER_MS);
    this.growTimer.unref();
  }

  private run(slot: Slot, task: Task): void {
    slot.task = task;
    slot.worker.ref();
    task.started = performance.now();
    const { timeoutMs } = task.query;
    if (timeoutMs > 0) {
      // z3 honours its own timeout; the watchdog only catches a worker that stopped answering.
      const limit = timeoutMs + Math.max(this.graceMs, timeoutMs) + (slot.initialised ? 0 : INIT_ALLOWANCE_MS);
      task.watchdog = setTimeout(() => {
        this.retire(slot, `solver did not answer within ${limit} ms (worker replaced)`);
      }, limit);
    }
    const request: SolveRequest = { type: "solve", id: task.id, ...task.query };
    slot.worker.postMessage(request);
  }

  private spawn(): Slot {
    const worker = new Worker(this.workerPath);
    const slot: Slot = { worker, task: undefined, initialised: false, retired: false };
    this.started++;
    worker.on("message", (response: SolveResponse) => this.onResponse(slot, response));
    let lastError = "";
    worker.on("error", (error) => {
      lastError = error instanceof Error ? error.message : String(error);
    });
    worker.on("exit", (code) => {
      if (slot.retired) return;
      // An unexpected exit: answer its query, forget the slot; dispatch() starts a replacement.
      this.forget(slot);
      this.replaced++;
      slot.task?.resolve({
        kind: "failed",
        reason: `solver worker crashed (exit code ${code}${lastError ? `: ${lastError}` : ""})`,
        timeMs: elapsed(slot.task),
      });
      slot.task = undefined;
      this.dispatch();
    });
    this.slots.push(slot);
    return slot;
  }

  private onResponse(slot: Slot, response: SolveResponse): void {
    const task = slot.task;
    if (task === undefined || task.id !== response.id) return; // answer to a cancelled query
    if (response.initMs !== undefined) this.initTimes.push(response.initMs);
    slot.initialised = true;
    slot.task = undefined;
    slot.worker.unref(); // an idle pool must not keep the process alive
    if (response.type === "error") {
      task.resolve({ kind: "failed", reason: response.message, timeMs: elapsed(task) });
    } else {
      task.resolve({
        kind: "answer",
        answer: response.answer,
        reasonUnknown: response.reasonUnknown,
        model: response.model,
        timeMs: response.timeMs,
        rlimitUsed: response.rlimitUsed,
      });
    }
    this.dispatch();
  }

  private cancel(task: Task): void {
    const queued = this.queue.indexOf(task);
    if (queued !== -1) {
      this.queue.splice(queued, 1);
      task.resolve({ kind: "failed", reason: "cancelled", timeMs: 0 });
      return;
    }
    // z3 cannot be interrupted from another thread: stop the worker running it.
    const slot = this.slots.find((s) => s.task === task);
    if (slot !== undefined) this.retire(slot, "cancelled");
  }

  /** Terminate a worker on purpose (stuck or cancelled), answering its query with `reason`. */
  private retire(slot: Slot, reason: string): void {
    slot.retired = true;
    this.forget(slot);
    const task = slot.task;
    slot.task = undefined;
    task?.resolve({ kind: "failed", reason, timeMs: elapsed(task) });
    void slot.worker.terminate();
    this.replaced++;
    this.dispatch();
  }

  private forget(slot: Slot): void {
    const index = this.slots.indexOf(slot);
    if (index !== -1) this.slots.splice(index, 1);
  }
}

function elapsed(task: Task | undefined): number {
  return task === undefined || task.started === 0 ? 0 : performance.now() - task.started;
}
