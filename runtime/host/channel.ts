/** A live guest container (a worker thread or an isolated child process), as the sandbox sees it. */
export interface ExitInfo {
  /** Why it ended, as far as the host can tell. */
  readonly reason: "out-of-memory" | "crashed" | "terminated";
  readonly detail: string;
}

export interface Channel {
  post(message: unknown): void;
  onMessage(listener: (message: unknown) => void): void;
  /** Called once when the container is gone (for any reason, including kill()). */
  onExit(listener: (info: ExitInfo) => void): void;
  /** Stop it now (worker.terminate / SIGKILL); resolves when it is gone. */
  kill(): Promise<void>;
  /** Keep / stop keeping the host's event loop alive while idle. */
  ref(): void;
  unref(): void;
}
