/** A live guest container (a worker thread or an isolated child process), as the sandbox sees it. */
export interface ExitInfo {
  /** Why it ended, as far as the host can tell (never from text the guest can print). */
  readonly reason: "out-of-memory" | "crashed" | "terminated";
  readonly detail: string;
}

export interface Channel {
  /** The process whose resident set is this container's alone (absent: in-process worker). */
  readonly pid?: number | undefined;
  post(message: unknown): void;
  onMessage(listener: (message: unknown) => void): void;
  /** Called once when the container is gone (for any reason, including kill()). */
  onExit(listener: (info: ExitInfo) => void): void;
  /** Stop it now (SIGKILL / worker.terminate); resolves when it is gone. */
  kill(): Promise<void>;
  /** Stop it now because the host measured it past its memory limit (reported as out-of-memory). */
  killForMemory?(detail: string): Promise<void>;
  /** Keep / stop keeping the host's event loop alive while idle. */
  ref(): void;
  unref(): void;
}
