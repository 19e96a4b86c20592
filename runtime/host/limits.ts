/**
 * Resource limits of one run, derived from `security.isolation_requirements` (pure).
 * The declared memory (MiB) bounds the V8 old generation; the same amount bounds the
 * compartment's ArrayBuffer budget (worker resourceLimits do not see backing stores); an
 * isolated child additionally gets an address-space rlimit.
 */
import type { AnrfDocument } from "../../spec/document.js";
import type { RunLimits, WriteQuota } from "./types.js";

const MiB = 1024 * 1024;
/** Fixed cap on a result crossing from guest to host (after the guest's own copy). */
export const RESULT_CAP_BYTES = 4 * MiB;
/** V8 + Node reserve address space up front; measured: 1.5 GiB is not enough, 3 GiB is. */
const CHILD_BASE_ADDRESS_SPACE = 3 * 1024 * MiB;

/** ReadWrite quota per run unless the operator sets one (RunOptions.writeQuota). */
export const DEFAULT_WRITE_QUOTA: WriteQuota = { bytes: 8 * MiB, files: 128 };

export interface LimitOverrides {
  /** The operator's ReadWrite quota (policy); missing fields take DEFAULT_WRITE_QUOTA. */
  readonly writeQuota?: Partial<WriteQuota> | undefined;
  readonly timeMs?: number | undefined;
  /** "process" forces an isolated child even when the document does not ask for one (never weakens). */
  readonly isolation?: "thread" | "process" | undefined;
}

export function deriveLimits(doc: AnrfDocument, overrides: LimitOverrides = {}): RunLimits {
  const iso = doc.security.isolation_requirements;
  const rl = iso.resource_limits;
  const memoryMb = Number.isFinite(rl.memory) && rl.memory > 0 ? rl.memory : 64;
  const maxOldGenerationSizeMb = Math.max(8, Math.ceil(memoryMb));
  const maxYoungGenerationSizeMb = Math.min(16, Math.max(1, Math.ceil(memoryMb / 8)));
  const timeMs = overrides.timeMs ?? (Number.isFinite(rl.time) && rl.time > 0 ? rl.time : 1000);
  const isolation = iso.process_isolation || overrides.isolation === "process" ? "process" : "thread";
  return {
    timeMs,
    memoryMb,
    maxOldGenerationSizeMb,
    maxYoungGenerationSizeMb,
    stackSizeMb: 4,
    arrayBufferBytes: Math.floor(memoryMb * MiB),
    resultBytes: Math.min(RESULT_CAP_BYTES, Math.max(64 * 1024, Math.floor(memoryMb * MiB / 4))),
    addressSpaceBytes: isolation === "process" ? CHILD_BASE_ADDRESS_SPACE + 2 * Math.ceil(memoryMb) * MiB : null,
    isolation,
    writeQuota: {
      bytes: quotaValue(overrides.writeQuota?.bytes, DEFAULT_WRITE_QUOTA.bytes),
      files: quotaValue(overrides.writeQuota?.files, DEFAULT_WRITE_QUOTA.files),
    },
  };
}

const quotaValue = (v: number | undefined, fallback: number): number => (v !== undefined && Number.isFinite(v) && v >= 0 ? Math.floor(v) : fallback);
