/** Messages between the host and the sandbox-host process (broker) that owns the worker threads. */
import type { ExitInfo } from "./channel.js";

export interface WorkerLimits {
  readonly maxOldGenerationSizeMb: number;
  readonly maxYoungGenerationSizeMb: number;
  readonly stackSizeMb: number;
}

export type BrokerRequest =
  | { readonly op: "start"; readonly id: number; readonly resourceLimits: WorkerLimits }
  | { readonly op: "post"; readonly id: number; readonly msg: unknown }
  | { readonly op: "kill"; readonly id: number };

export type BrokerEvent = { readonly id: number; readonly msg: unknown } | { readonly id: number; readonly exit: ExitInfo };
