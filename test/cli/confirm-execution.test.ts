/**
 * `unknown` confirmed by execution (issue 13, adler32 finding): a real bug behind a loop
 * abstraction (`return b*65536 + a - 5`) is reported `refuted (confirmed by execution)` with exit
 * 1; the correct adler32 keeps its verdicts; `--no-confirm` leaves the candidate unconfirmed but
 * shown; a candidate that breaks an entry precondition confirms nothing.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../cli/main.js";
import { candidateArgs } from "../../cli/report/candidate-args.js";
import { confirmDocuments } from "../../cli/report/confirm.js";
import type { ObligationResult } from "../../verifier/obligation.js";
import { projectRoot } from "../../support/compiled-path.js";
import { captureIo } from "./validate-io.js";

const root = projectRoot();
const scratch = mkdtempSync(join(tmpdir(), "anrf-confirm-"));
// One proof cache for the file: verdicts (and their candidates) are solved once.
const cache = join(scratch, "cache");
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

interface Obligation {
  id: string;
  status: string;
  counterexample: Record<string, unknown> | null;
  candidate?: Record<string, unknown>;
  confirmation?: { by: string; confirmed: boolean; args: string[]; outcome: string };
}
interface Report {
  documents: Array<{ file: string; obligations: Obligation[] }>;
  summary: Record<string, number>;
}

async function anrf(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = captureIo(scratch);
  const code = await runCli(argv, io);
  return { code, out: io.out(), err: io.err() };
}

/** The adler32 example with one change to its code (the document is otherwise the real example). */
function adlerWith(name: string, from: string, to: string, edit: (doc: Record<string, any>) => void = () => {}): string {
  const doc = JSON.parse(readFileSync(join(root, "examples", "adler32-checksum.anrf.json"), "utf8")) as Record<string, any>;
  expect(doc["execution"].code).toContain(from);
  doc["execution"].code = doc["execution"].code.replace(from, to);
  edit(doc);
  writeFileSync(join(scratch, name), JSON.stringify(doc, null, 2));
  return name;
}

const RETURN = "return b * 65536 + a;";

describe("confirming unknown obligations by execution", () => {
  let bug: string;
  beforeAll(() => {
    bug = adlerWith("adler-bug.anrf.json", RETURN, "return b * 65536 + a - 5;");
  });

  it("the adler32 bug is refuted (confirmed by execution), exit 1, with the inputs that ran as counterexample", async () => {
    const { code, out } = await anrf("verify", bug, "--format", "json", "--cache", cache);
    expect(code).toBe(1);
    const report = JSON.parse(out) as Report;
    const confirmed = report.documents[0]!.obligations.filter((o) => o.confirmation?.confirmed);
    expect(confirmed.length).toBeGreaterThanOrEqual(1);
    for (const o of confirmed) {
      expect(o.status).toBe("refuted");
      expect(o.confirmation!.by).toBe("execution");
      expect(o.counterexample).toEqual({ "data.length": 0 });
      expect(o.confirmation!.args).toEqual(["data = []"]);
      expect(o.confirmation!.outcome).toMatch(/postcondition violation/);
      expect(o.candidate).toBeUndefined();
    }
    expect(report.summary["refuted"]).toBe(confirmed.length);
    expect(report.summary["unknown"]).toBe(0);
  });

  it("pretty output says so, and its summary has errors above exit 1", async () => {
    const { code, out } = await anrf("verify", bug, "--cache", cache);
    expect(code).toBe(1);
    expect(out).toContain("refuted (confirmed by execution)");
    expect(out).toMatch(/✖ \d+ problems? \([1-9]\d* errors?/);
    expect(out).not.toMatch(/\b0 errors\b/);
  });

  it("--no-confirm: unknown, exit 0, the candidate values shown (json, pretty, explain)", async () => {
    const json = await anrf("verify", bug, "--format", "json", "--cache", cache, "--no-confirm");
    expect(json.code).toBe(0);
    const unknown = (JSON.parse(json.out) as Report).documents[0]!.obligations.filter((o) => o.status === "unknown");
    expect(unknown.length).toBeGreaterThanOrEqual(1);
    for (const o of unknown) {
      expect(o.counterexample).toBeNull();
      expect(o.candidate).toHaveProperty("data.length");
      expect(o.confirmation).toBeUndefined();
    }
    const pretty = await anrf("verify", bug, "--cache", cache, "--no-confirm");
    expect(pretty.out).toContain("candidate (not confirmed): data.length =");
    const explained = await anrf("explain", bug, unknown[0]!.id, "--cache", cache, "--no-confirm");
    expect(explained.code).toBe(0);
    expect(explained.out).toMatch(/candidate {3}data\.length = \d+/);
  });

  it("explain confirms too, and names the run", async () => {
    const ids = (JSON.parse((await anrf("verify", bug, "--format", "json", "--cache", cache, "--no-confirm")).out) as Report).documents[0]!.obligations.filter((o) => o.status === "unknown").map((o) => o.id);
    const { code, out } = await anrf("explain", bug, ids[0]!, "--cache", cache);
    expect(code).toBe(0);
    expect(out).toContain("refuted (confirmed by execution): ran in the sandbox with data = []");
  });

  it("the correct adler32 stays as it was: nothing refuted, exit 0", async () => {
    const { code, out } = await anrf("verify", join(root, "examples", "adler32-checksum.anrf.json"), "--format", "json", "--cache", cache);
    expect(code).toBe(0);
    const report = JSON.parse(out) as Report;
    expect(report.summary["refuted"]).toBe(0);
    expect(report.documents[0]!.obligations.some((o) => o.confirmation?.confirmed)).toBe(false);
  });

  it("a candidate that breaks an entry precondition confirms nothing (the runtime checks preconditions at entry)", async () => {
    // The bug again, under a contract requiring data.length >= 1. z3 respects preconditions, so
    // the candidate is forged here: length 0 is not a valid input, and running it must not count.
    const guarded = adlerWith("adler-guarded.anrf.json", RETURN, "return b * 65536 + a - 70000;", (doc) => {
      doc["semantics"].security_contracts[0].preconditions = ["data.length >= 1"];
    });
    const { out } = await anrf("verify", guarded, "--format", "json", "--cache", cache, "--no-confirm");
    const document = (JSON.parse(out) as Report).documents[0]!;
    const target = document.obligations.find((o) => o.status === "unknown")!;
    const forged = { ...target, candidate: { "data.length": 0 } } as unknown as ObligationResult;
    // Only the forged one is a target (another candidate's run could confirm it legitimately).
    const others = document.obligations.map((o) => ({ ...o, candidate: undefined }) as unknown as ObligationResult);
    const input = { file: guarded, valid: true, findings: [], skippedByShard: [], obligations: others.map((o) => (o.id === target.id ? forged : o)) };
    const [result] = await confirmDocuments([input], { cwd: scratch });
    const after = result!.obligations.find((o) => o.id === target.id)!;
    expect(after.status).toBe("unknown");
    expect(after.confirmation).toMatchObject({ by: "execution", confirmed: false, args: ["data = []"] });
    expect(after.confirmation!.outcome).toContain("/precondition/entry");
    // The real candidate (length >= 1) does confirm the bug.
    const [real] = await confirmDocuments([{ ...input, obligations: others.map((o) => (o.id === target.id ? (target as unknown as ObligationResult) : o)) }], { cwd: scratch });
    expect(real!.obligations.find((o) => o.id === target.id)!.status).toBe("refuted");
  });
});

describe("candidate values → arguments (pure)", () => {
  const params = [
    { name: "data", shape: { k: "typed", cls: "Uint8Array" } as const, optional: false },
    { name: "n", shape: { k: "number" } as const, optional: false },
    { name: "s", shape: { k: "string" } as const, optional: false },
  ];
  it("builds arrays of the model's length filled with zeros, scalars from the model, free parameters as zeros", () => {
    expect(candidateArgs(params, { "data.length": 3, n: "-0", "i (loop at 4:3)": 7 })).toEqual({ ok: true, args: [[0, 0, 0], -0, ""] });
  });
  it("refuses values no argument can carry rather than approximating them", () => {
    expect(candidateArgs(params, { "data.length": 2 ** 40 }).ok).toBe(false);
    expect(candidateArgs(params, { n: "9007199254740993" }).ok).toBe(false);
    expect(candidateArgs(params, { s: 5 }).ok).toBe(false);
  });
});
