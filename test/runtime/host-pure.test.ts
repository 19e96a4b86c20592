/**
 * Pure host pieces: limits derived from the document, the guest-message guard, the POSIX path
 * module the compartment gets, and result copying under the cap.
 */
import { describe, expect, it } from "vitest";
import { deriveLimits } from "../../runtime/host/limits.js";
import { boundedSize, checkGuestMessage } from "../../runtime/host/protocol-guard.js";
import { basename, dirname, join, normalize, relative, resolve } from "../../runtime/guest/posix-path.js";
import type { AnrfDocument } from "../../spec/document.js";

function doc(memory: number, time: number, processIsolation: boolean): AnrfDocument {
  return {
    security: { isolation_requirements: { process_isolation: processIsolation, memory_isolation: true, resource_limits: { cpu: 1, memory, time, network: false, filesystem: "None" } } },
  } as unknown as AnrfDocument;
}

describe("deriveLimits", () => {
  it("derives heap, young generation, ArrayBuffer budget and time from the document", () => {
    const l = deriveLimits(doc(128, 750, false));
    expect(l).toMatchObject({ timeMs: 750, memoryMb: 128, maxOldGenerationSizeMb: 128, maxYoungGenerationSizeMb: 16, arrayBufferBytes: 128 * 2 ** 20, isolation: "thread", addressSpaceBytes: null });
    expect(l.resultBytes).toBeLessThanOrEqual(4 * 2 ** 20);
  });
  it("process isolation adds an address-space limit; an override can force it but never weaken it", () => {
    expect(deriveLimits(doc(64, 1000, true)).addressSpaceBytes).toBeGreaterThan(64 * 2 ** 20);
    expect(deriveLimits(doc(64, 1000, false), { isolation: "process" }).isolation).toBe("process");
    expect(deriveLimits(doc(64, 1000, true), { isolation: "thread" }).isolation).toBe("process");
  });
  it("--timeout overrides the document's wall time", () => {
    expect(deriveLimits(doc(64, 1000, false), { timeMs: 5 }).timeMs).toBe(5);
  });
});

describe("checkGuestMessage", () => {
  const done = { type: "done", runId: 1, status: "ok", value: [1, 2], violations: [], checksExecuted: 2, allocBytes: 0, guestMs: 1 };
  it("accepts the messages the guest sends, as fresh checked copies", () => {
    expect(checkGuestMessage(done, 1000)).toMatchObject({ type: "done", status: "ok", value: [1, 2] });
    expect(checkGuestMessage({ type: "ready" }, 10)).toEqual({ type: "ready" });
  });
  it("rejects anything else", () => {
    for (const m of [null, 1, "done", { type: "exec" }, { ...done, status: "pwned" }, { ...done, runId: "1" }, { type: "violation", runId: 1, violation: { id: 1 } }]) {
      expect(checkGuestMessage(m, 1000)).toBeUndefined();
    }
  });
  it("turns a value over the host cap (or not plain data) into ANRF_RESULT_TOO_LARGE", () => {
    const big = checkGuestMessage({ ...done, value: "x".repeat(5000) }, 1000);
    expect(big).toMatchObject({ status: "error", error: { code: "ANRF_RESULT_TOO_LARGE" } });
    expect((big as { value?: unknown }).value).toBeUndefined();
    expect(checkGuestMessage({ ...done, value: new Map() }, 1000)).toMatchObject({ status: "error" });
  });
  it("boundedSize stops early on deep or wide values", () => {
    let deep: unknown = 1;
    for (let i = 0; i < 200; i++) deep = [deep];
    expect(boundedSize(deep, 1e9)).toBeUndefined();
    expect(boundedSize(new Array(1e6).fill(0), 1000)).toBeUndefined();
    expect(boundedSize({ a: "bc" }, 1000)).toBeGreaterThan(0);
  });
});

describe("the compartment's node:path (pure POSIX, no cwd)", () => {
  it("normalizes and joins like POSIX, resolving against /", () => {
    expect(normalize("/data/../x//y/./z/")).toBe("/x/y/z/");
    expect(join("/data", "a", "../b")).toBe("/data/b");
    expect(resolve("a", "b")).toBe("/a/b");
    expect(resolve("/x", "../../..")).toBe("/");
    expect(dirname("/data/a.txt")).toBe("/data");
    expect(basename("/data/a.txt", ".txt")).toBe("a");
    expect(relative("/data/a", "/data/b/c")).toBe("../b/c");
  });
});
