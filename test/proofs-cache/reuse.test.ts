import { describe, expect, it } from "vitest";
import fc from "fast-check";
import type { SolverLimits, Verdict } from "../../verifier/obligation.js";
import { decodeEntry, encodeEntry, VALUE_FORMAT } from "../../proofs-cache/entry.js";
import { loadSigner, loadTrustedKeys } from "../../proofs-cache/keys.js";
import { openLayeredCache } from "../../proofs-cache/open.js";
import { limitsCover } from "../../proofs-cache/reuse.js";
import { freshQuery, keyPair, tempDir } from "./fixtures.js";

const limitsArb: fc.Arbitrary<SolverLimits> = fc.record({
  timeoutMs: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 4 }).map((n) => n * 1000)),
  rlimit: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 3 }).map((n) => n * 100_000)),
});
const statusArb = fc.constantFrom("proved", "refuted", "unknown", "unsupported") as fc.Arbitrary<Verdict["status"]>;
const valueArb = fc.oneof(fc.string(), fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }).filter((d) => !Object.is(d, -0)), fc.boolean(), fc.constant(null));
const verdictArb: fc.Arbitrary<Verdict> = fc.record({
  status: statusArb,
  reason: fc.string(),
  counterexample: fc.option(fc.dictionary(fc.string(), valueArb), { nil: null }),
  cost: fc.option(fc.record({ timeMs: fc.nat(), rlimit: fc.option(fc.nat(), { nil: undefined }) }), { nil: undefined }),
});

describe("reuse rule (property, through the real local store)", () => {
  it("a hit is decisive or an indecisive verdict whose limits cover the current ones; a stored decisive verdict is never lost", async () => {
    const dir = tempDir();
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(statusArb, limitsArb), { minLength: 1, maxLength: 5 }), limitsArb, async (stores, current) => {
        const cache = (await openLayeredCache({ dir, env: {} }))!;
        const base = freshQuery();
        const recorded: { status: Verdict["status"]; limits: SolverLimits }[] = [];
        for (const [status, limits] of stores) {
          await cache.store({ ...base, limits }, { status, reason: `${status}@${limits.timeoutMs}/${limits.rlimit}`, counterexample: null });
          recorded.push({ status, limits });
        }
        const hit = await cache.lookup({ ...base, limits: current });
        const decisive = recorded.filter((r) => r.status === "proved" || r.status === "refuted");
        if (decisive.length > 0) {
          // the newest decisive verdict wins and is found under any limits
          const last = decisive[decisive.length - 1]!;
          expect(hit?.verdict.reason).toBe(`${last.status}@${last.limits.timeoutMs}/${last.limits.rlimit}`);
        } else if (hit !== undefined) {
          const [, t, r] = /@(\d+)\/(\d+)$/.exec(hit.verdict.reason)!;
          expect(limitsCover({ timeoutMs: Number(t), rlimit: Number(r) }, current)).toBe(true);
        }
      }),
      { numRuns: process.env["CI"] ? 200 : 100 },
    );
  });
});

describe("entry encoding (property)", () => {
  const machine = keyPair();
  const signer = loadSigner(machine.privatePem)!;
  const trusted = loadTrustedKeys(undefined, signer);

  it("round-trips every verdict exactly, signed or not", () => {
    fc.assert(
      fc.property(verdictArb, limitsArb, fc.boolean(), (verdict, limits, signed) => {
        const key = "a".repeat(64);
        const entry = { format: VALUE_FORMAT, key, verdict, solverVersion: "z3", encodingVersion: "e", limits, createdAt: new Date(0).toISOString() } as const;
        const decoded = decodeEntry(encodeEntry(entry, signed ? signer : undefined), key, trusted);
        expect(decoded.ok).toBe(true);
        if (!decoded.ok) return;
        expect(decoded.signature).toBe(signed ? "trusted" : "unsigned");
        const expected = { ...verdict, counterexample: verdict.counterexample ?? null };
        if (expected.cost === undefined) delete (expected as { cost?: unknown }).cost;
        else if (expected.cost.rlimit === undefined) expected.cost = { timeMs: expected.cost.timeMs };
        expect(decoded.entry.verdict).toEqual(expected);
        expect(decoded.entry.limits).toEqual(limits);
      }),
      { numRuns: process.env["CI"] ? 500 : 200 },
    );
  });
});
