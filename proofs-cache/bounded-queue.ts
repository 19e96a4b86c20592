/**
 * Runs tasks with at most `limit` in flight; `drain()` resolves when every task queued so far
 * has settled. Task failures are the task's business (tasks report their own errors), so one
 * failing upload never stops the others or the drain.
 */
export class BoundedQueue {
  readonly #limit: number;
  readonly #waiting: (() => Promise<void>)[] = [];
  #running = 0;
  #idle: (() => void)[] = [];

  constructor(limit: number) {
    this.#limit = Math.max(1, limit);
  }

  push(task: () => Promise<void>): void {
    this.#waiting.push(task);
    this.#pump();
  }

  drain(): Promise<void> {
    if (this.#running === 0 && this.#waiting.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  #pump(): void {
    while (this.#running < this.#limit && this.#waiting.length > 0) {
      const task = this.#waiting.shift()!;
      this.#running++;
      void task()
        .catch(() => undefined)
        .finally(() => {
          this.#running--;
          this.#pump();
          if (this.#running === 0 && this.#waiting.length === 0) {
            const idle = this.#idle;
            this.#idle = [];
            for (const resolve of idle) resolve();
          }
        });
    }
  }
}
