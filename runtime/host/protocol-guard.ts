/**
 * The host never trusts a guest message: it checks the shape of every field it will use and
 * bounds the size of the data it will keep, and everything else is dropped. (A guest that had
 * escaped the compartment could post anything; it could not make the host call or inspect an
 * object, because only these checked plain fields are ever read.)
 */
import type { DoneMessage, GuestMessage, ViolationData, ViolationMessage } from "../guest/protocol.js";

const kinds = new Set(["bounds", "precondition", "argument", "postcondition", "invariant", "capability"]);
const statuses = new Set(["ok", "error", "violation", "out-of-memory"]);

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const str = (v: unknown, max = 4096): string | undefined => (typeof v === "string" ? v.slice(0, max) : undefined);
const num = (v: unknown): number | undefined => (typeof v === "number" && Number.isFinite(v) ? v : undefined);

/** Size of a structured-clone value in bytes (roughly), failing past `cap`. */
export function boundedSize(value: unknown, cap: number): number | undefined {
  let used = 0;
  const stack: Array<{ v: unknown; depth: number }> = [{ v: value, depth: 0 }];
  while (stack.length > 0) {
    const { v, depth } = stack.pop()!;
    if (depth > 80) return undefined;
    if (typeof v === "string") used += 8 + v.length * 2;
    else if (Array.isArray(v)) {
      used += 16 + v.length * 8;
      if (used > cap) return undefined;
      for (const x of v) stack.push({ v: x, depth: depth + 1 });
    } else if (isRecord(v)) {
      if (Object.getPrototypeOf(v) !== Object.prototype) return undefined;
      for (const [k, x] of Object.entries(v)) {
        used += 16 + k.length * 2;
        stack.push({ v: x, depth: depth + 1 });
      }
    } else used += 8;
    if (used > cap) return undefined;
  }
  return used;
}

function violationData(v: unknown): ViolationData | undefined {
  if (!isRecord(v)) return undefined;
  const id = str(v["id"], 300);
  const kind = str(v["kind"], 40);
  const message = str(v["message"]);
  if (id === undefined || kind === undefined || !kinds.has(kind) || message === undefined) return undefined;
  const loc = v["location"];
  const location = isRecord(loc) && str(loc["file"]) !== undefined && num(loc["line"]) !== undefined && num(loc["column"]) !== undefined
    ? { file: str(loc["file"])!, line: num(loc["line"])!, column: num(loc["column"])! }
    : null;
  let values: Record<string, string> | undefined;
  if (isRecord(v["values"])) {
    values = {};
    for (const [k, x] of Object.entries(v["values"]).slice(0, 16)) if (typeof x === "string") values[k.slice(0, 64)] = x.slice(0, 200);
  }
  const g = v["generated"];
  const generated = isRecord(g) && num(g["line"]) !== undefined && num(g["column"]) !== undefined ? { line: num(g["line"])!, column: num(g["column"])! } : undefined;
  return { id, kind: kind as ViolationData["kind"], entity: str(v["entity"], 300) ?? "", location, message, values, generated };
}

function counters(v: unknown): number[] | undefined {
  return Array.isArray(v) && v.length <= 100_000 && v.every((x) => typeof x === "number") ? (v as number[]) : undefined;
}

/**
 * The codes trusted guest code (session.ts) reports. Anything else claiming to be a code is
 * not the tool's: it becomes ANRF_GUEST_ERROR with the claim kept apart as `guestCode`.
 */
const GUEST_SIDE_CODES = new Set([
  "ANRF_GUEST_ERROR",
  "ANRF_ENTRY_NOT_FOUND",
  "ANRF_ALLOC_BUDGET",
  "ANRF_RESULT_TOO_LARGE",
  "ANRF_RESULT_NOT_DATA",
  "ANRF_CAPABILITY_REVOKED",
  "ANRF_SANDBOX_PROTOCOL",
  "ANRF_FIXED_BUFFERS",
]);

function guestError(e: Record<string, unknown>): { code: string; message: string; guestCode?: string } {
  const code = str(e["code"], 80);
  const guestCode = str(e["guestCode"], 80);
  const message = str(e["message"], 2000) ?? "";
  if (code !== undefined && GUEST_SIDE_CODES.has(code)) return guestCode === undefined ? { code, message } : { code, message, guestCode };
  const claimed = guestCode ?? code;
  return claimed === undefined ? { code: "ANRF_GUEST_ERROR", message } : { code: "ANRF_GUEST_ERROR", message, guestCode: claimed };
}

/** A checked copy of a guest message, or undefined when it is not one we accept. */
export function checkGuestMessage(m: unknown, valueCap: number): GuestMessage | undefined {
  if (!isRecord(m)) return undefined;
  switch (m["type"]) {
    case "ready":
      return { type: "ready" };
    case "idle": {
      const runId = num(m["runId"]);
      return runId === undefined ? undefined : { type: "idle", runId };
    }
    case "violation": {
      const violation = violationData(m["violation"]);
      const runId = num(m["runId"]);
      if (violation === undefined || runId === undefined) return undefined;
      const out: ViolationMessage = { type: "violation", runId, violation, checksExecuted: num(m["checksExecuted"]) ?? 0, claimsGranted: num(m["claimsGranted"]) ?? 0, counters: counters(m["counters"]) };
      return out;
    }
    case "done": {
      const runId = num(m["runId"]);
      const status = str(m["status"], 20);
      if (runId === undefined || status === undefined || !statuses.has(status)) return undefined;
      const rawViolations = Array.isArray(m["violations"]) ? m["violations"].slice(0, 100) : [];
      const violations = rawViolations.map(violationData).filter((v): v is ViolationData => v !== undefined);
      const e = m["error"];
      const error = isRecord(e) ? guestError(e) : undefined;
      let value = m["value"];
      let finalStatus = status as DoneMessage["status"];
      let finalError = error;
      if (boundedSize(value, valueCap) === undefined) {
        value = undefined;
        finalStatus = "error";
        finalError = { code: "ANRF_RESULT_TOO_LARGE", message: `result exceeds the host's ${valueCap}-byte cap or is not plain data` };
      }
      const out: DoneMessage = {
        type: "done",
        runId,
        status: finalStatus,
        value,
        error: finalError,
        violations,
        checksExecuted: num(m["checksExecuted"]) ?? 0,
        claimsGranted: num(m["claimsGranted"]) ?? 0,
        counters: counters(m["counters"]),
        allocBytes: num(m["allocBytes"]) ?? 0,
        guestMs: num(m["guestMs"]) ?? 0,
      };
      return out;
    }
    default:
      return undefined;
  }
}
