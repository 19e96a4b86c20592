import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "../../cli/main.js";
import type { CliIo } from "../../cli/io.js";
import { projectRoot } from "../../support/compiled-path.js";
import { loadDocument } from "../../spec/load.js";
import { obligationIds, verifyDocument, workBounded } from "../../verifier/index.js";

const root = projectRoot();
const scratch = mkdtempSync(join(tmpdir(), "anrf-verify-cli-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

async function anrf(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const io: CliIo = { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), cwd: root, env: {}, isTTY: false };
  const code = await runCli(argv, io);
  return { code, stdout, stderr };
}

interface JsonObligation {
  id: string;
  entity: string;
  kind: string;
  status: string;
  location: { file: string; line: number; column: number };
  reason: string;
  counterexample: Record<string, unknown> | null;
  smt: string | null;
}
interface JsonReport {
  documents: { file: string; valid: boolean; findings: { ruleId: string; severity: string }[]; obligations: JsonObligation[] }[];
  summary: Record<string, number>;
  run: { queries: number; cacheHits: number; solved: number; solverInitMs: number[] };
}

/**
 * examples/ verified cold in two shards into one cache, then whole (warm: all hits): solved once
 * for the two tests that read these runs.
 */
let examples: Promise<{ shards: readonly [{ stdout: string }, { stdout: string }]; whole: { code: number; stdout: string } }> | undefined;
const examplesRuns = () =>
  (examples ??= (async () => {
    const cache = join(scratch, "cache-shards");
    const shard = (n: string) => anrf("verify", "examples", "--format", "json", "--cache", cache, "--shard", n, "--timeout", "3000");
    const shards = [await shard("1/2"), await shard("2/2")] as const;
    return { shards, whole: await anrf("verify", "examples", "--format", "json", "--cache", cache, "--timeout", "3000") };
  })());

interface ShardReport extends Omit<JsonReport, "documents"> {
  documents: (JsonReport["documents"][number] & { skippedByShard: string[] })[];
  summary: Record<string, number> & { skippedByShard: number };
}

const seeded = (name: string) => `test/verifier/fixtures/seeded/${name}.anrf.json`;

/**
 * One proof cache for the single-document runs below: each document is solved once, by the
 * first test that verifies it; later runs (other formats, --strict, explain) read its verdicts,
 * counterexamples included. The cache's own behaviour is tested in "with the proof cache".
 */
// Main queries bounded by z3 work, not seconds (the wall-clock limit is only a backstop): a
// refutation these tests read must not turn unknown on a loaded machine. Same limits on every run,
// so later runs reuse the first one's verdicts.
const cached = ["--cache", join(scratch, "cache-documents"), "--rlimit", "12000000", "--timeout", "300000"];
/** `anrf verify FILE --format json`, run once per file and shared by the tests that read it. */
const jsonRuns = new Map<string, Promise<{ code: number; stdout: string; stderr: string }>>();
const verifyJson = (file: string) => {
  let run = jsonRuns.get(file);
  if (!run) jsonRuns.set(file, (run = anrf("verify", file, "--format", "json", ...cached)));
  return run;
};

describe("anrf verify: seeded bugs are caught end to end", () => {
  const cases: [string, string][] = [
    ["off-by-one-loop", "bounds"],
    ["missing-precondition", "bounds"],
    ["bad-call-argument", "precondition"],
    ["nan-postcondition", "postcondition"],
    ["shift-overflow", "bounds"],
  ];
  for (const [bug, kind] of cases) {
    it(`${bug}: exit 1, a refuted ${kind} obligation with a counterexample`, async () => {
      const { code, stdout } = await verifyJson(seeded(bug));
      expect(code).toBe(1);
      const report = JSON.parse(stdout) as JsonReport;
      const refuted = report.documents[0]!.obligations.filter((o) => o.status === "refuted" && o.kind === kind);
      expect(refuted.length, stdout).toBeGreaterThan(0);
      for (const o of refuted) {
        expect(o.counterexample).not.toBeNull();
        // A call with a constant bad argument violates for every input: an empty counterexample.
        if (kind !== "precondition") expect(Object.keys(o.counterexample!).length).toBeGreaterThan(0);
        expect(o.smt).toMatch(/\(check-sat\)\s*$/);
      }
      expect(report.summary["refuted"]).toBe(report.documents[0]!.obligations.filter((o) => o.status === "refuted").length);
    });
  }

  it("reports NaN reaching the postcondition as x = NaN", async () => {
    const { stdout } = await verifyJson(seeded("nan-postcondition"));
    const report = JSON.parse(stdout) as JsonReport;
    const post = report.documents[0]!.obligations.filter((o) => o.kind === "postcondition" && o.status === "refuted");
    expect(post.some((o) => Object.values(o.counterexample ?? {}).includes("NaN"))).toBe(true);
  });

  it("prints refutations with location, reason and counterexample in pretty form", async () => {
    const { code, stdout } = await anrf("verify", seeded("off-by-one-loop"), ...cached);
    expect(code).toBe(1);
    expect(stdout).toMatch(/\S*off-by-one-loop\.anrf\.json:\d+:\d+\s+refuted\s+ENT-ADLER\/bounds\/\d+:\d+/);
    expect(stdout).toMatch(/counterexample: .*data\.length = \d+/);
    expect(stdout).toMatch(/obligations: \d+ proved, [1-9]\d* refuted/);
  });
});

describe("anrf verify: examples, documents without code, invalid documents", () => {
  it("verifies examples/: JSON = validate shape + obligations + per-status counts", async () => {
    const { code, stdout } = (await examplesRuns()).whole;
    const report = JSON.parse(stdout) as JsonReport;
    const obligations = report.documents.flatMap((d) => d.obligations);
    expect(obligations.length).toBeGreaterThan(10);
    for (const o of obligations) {
      expect(Object.keys(o)).toEqual(expect.arrayContaining(["id", "entity", "kind", "status", "location", "reason", "counterexample", "smt"]));
      expect(o.id.startsWith(`${o.entity}/${o.kind}/`)).toBe(true);
    }
    for (const status of ["proved", "refuted", "unknown", "unsupported", "informal"]) {
      expect(report.summary[status]).toBe(obligations.filter((o) => o.status === status).length);
    }
    const refuted = obligations.filter((o) => o.status === "refuted");
    const invalid = report.documents.filter((d) => !d.valid);
    expect(code).toBe(refuted.length > 0 || invalid.length > 0 ? 1 : 0);
  });

  it("reports a document without code as unverifiable (unsupported, warning), never verified", async () => {
    const { code, stdout } = await verifyJson("examples/public-example.anrf.json");
    expect(code).toBe(0);
    const doc = (JSON.parse(stdout) as JsonReport).documents[0]!;
    expect(doc.obligations.length).toBeGreaterThan(0);
    for (const o of doc.obligations) expect(o).toMatchObject({ kind: "unverifiable", status: "unsupported", smt: null });
    expect(doc.findings.some((f) => f.ruleId === "unverifiable" && f.severity === "warning")).toBe(true);
    // The public example claims verified: true; it cannot be substantiated.
    expect(doc.findings.some((f) => f.ruleId === "V7.4")).toBe(true);
    const strict = await anrf("verify", "examples/public-example.anrf.json", "--strict", ...cached);
    expect(strict.code).toBe(1);
  });

  it("gives invalid documents the same findings as anrf validate, and exit 1", async () => {
    const dir = "examples/invalid";
    const validate = JSON.parse((await anrf("validate", dir, "--format", "json")).stdout) as JsonReport;
    const verify = await anrf("verify", dir, "--format", "json", ...cached);
    expect(verify.code).toBe(1);
    const report = JSON.parse(verify.stdout) as JsonReport;
    expect(report.documents.map((d) => d.file)).toEqual(validate.documents.map((d) => d.file));
    report.documents.forEach((d, i) => {
      const validated = validate.documents[i]!;
      // Validation findings first and unchanged; verification may only add to them.
      expect(d.findings.slice(0, validated.findings.length), d.file).toEqual(validated.findings);
      if (!validated.valid) expect(d.valid, d.file).toBe(false);
    });
    expect(report.summary["errors"]).toBeGreaterThanOrEqual(validate.summary["errors"]!);
  });

  it("rejects bad usage with exit 2", async () => {
    expect((await anrf("verify")).code).toBe(2);
    expect((await anrf("verify", "examples", "--shard", "3/2")).code).toBe(2);
    expect((await anrf("verify", "examples", "--jobs", "0")).code).toBe(2);
    expect((await anrf("verify", "examples", "--no-cache", "--cache", scratch)).code).toBe(2);
    expect((await anrf("verify", "no/such/dir")).code).toBe(2);
    expect((await anrf("verify", "examples", "--bogus")).code).toBe(2);
  });
});

describe("anrf verify: informal clauses and the verified claim (V7.4)", () => {
  const write = (name: string, edit: (doc: any) => void): string => {
    const doc = JSON.parse(readFileSync(join(root, seeded("nan-postcondition")), "utf8"));
    edit(doc);
    const file = join(scratch, `${name}.anrf.json`);
    writeFileSync(file, JSON.stringify(doc, null, 2));
    return file;
  };

  it("reports a prose clause as informal (a warning; a failure only under --strict)", async () => {
    const file = write("informal", (doc) => {
      doc.execution.code = "export function clamp(x: number, lo: number, hi: number): number {\n  return x;\n}\n";
      doc.semantics.security_contracts[0].preconditions = [];
      doc.semantics.security_contracts[0].postconditions = ["no memory safety violations"];
    });
    const { code, stdout } = await anrf("verify", file, "--format", "json", ...cached);
    const obligations = (JSON.parse(stdout) as JsonReport).documents[0]!.obligations;
    const informal = obligations.filter((o) => o.status === "informal");
    expect(informal.length, stdout).toBe(1);
    expect(informal[0]).toMatchObject({ kind: "informal", smt: null, counterexample: null });
    expect(code).toBe(obligations.some((o) => o.status === "refuted") ? 1 : 0);
    expect((await anrf("verify", file, "--strict", ...cached)).code).toBe(1);
  });

  it("turns a verified: true claim contradicted by a refutation into a V7.4 error", async () => {
    const file = write("claimed", (doc) => {
      doc.verification_status.verified = true;
    });
    const { code, stdout } = await anrf("verify", file, "--format", "json", ...cached);
    expect(code).toBe(1);
    const doc = (JSON.parse(stdout) as JsonReport).documents[0]!;
    expect(doc.valid).toBe(false);
    expect(doc.findings).toContainEqual(expect.objectContaining({ ruleId: "V7.4", severity: "error" }));
  });
});

describe("anrf verify with the proof cache", () => {
  it("a warm run is all hits and initialises no z3; shards partition the cold work", async () => {
    const { shards, whole } = await examplesRuns();
    const [shard1, shard2] = [JSON.parse(shards[0].stdout) as ShardReport, JSON.parse(shards[1].stdout) as ShardReport];
    expect(shard1.run.solved + shard2.run.solved).toBeGreaterThanOrEqual(shard1.run.queries - shard1.run.cacheHits);
    expect(shard1.summary.skippedByShard).toBeGreaterThan(0);
    const warm = JSON.parse(whole.stdout) as JsonReport;
    expect(warm.run.queries).toBeGreaterThan(0);
    expect(warm.run.cacheHits).toBe(warm.run.queries);
    expect(warm.run.solved).toBe(0);
    expect(warm.run.solverInitMs).toEqual([]);
    // The warm run reports what the shards solved: each obligation's verdict is the one of the
    // shard it belongs to (the other shard lists it in skippedByShard).
    const solved = new Map([shard1, shard2].flatMap((r) => r.documents.flatMap((d) => d.obligations.filter((o) => !d.skippedByShard.includes(o.id)).map((o) => [o.id, o.status] as const))));
    const all = warm.documents.flatMap((d) => d.obligations);
    expect(all.map((o) => [o.id, o.status])).toEqual(all.map((o) => [o.id, solved.get(o.id)]));
  });

  // A warm run in a fresh process that cannot load z3 or ts-morph at all (a forbidding preload):
  // test/proofs-cache/verify-e2e.test.ts.
});

describe("anrf explain", () => {
  it("shows the obligation, its query, verdict, counterexample and the runtime check", async () => {
    const { stdout } = await verifyJson(seeded("off-by-one-loop"));
    const o = (JSON.parse(stdout) as JsonReport).documents[0]!.obligations.find((x) => x.status === "refuted" && x.kind === "bounds")!;
    const explained = await anrf("explain", seeded("off-by-one-loop"), o.id, ...cached);
    expect(explained.code).toBe(0);
    expect(explained.stdout).toContain(`obligation  ${o.id}`);
    expect(explained.stdout).toContain("verdict     refuted");
    expect(explained.stdout).toMatch(/counterexample\s+.*data\.length = \d+/);
    expect(explained.stdout).toContain("(check-sat)");
    expect(explained.stdout).toMatch(/every mode: a check is inserted at .*:\d+:\d+/);
  });

  it("says a proved obligation gets no check in production", async () => {
    const { stdout } = await verifyJson("examples/adler32-checksum.anrf.json");
    const proved = (JSON.parse(stdout) as JsonReport).documents[0]!.obligations.find((x) => x.status === "proved" && x.kind === "bounds");
    expect(proved, "adler32's data[i] should be proved").toBeDefined();
    const explained = await anrf("explain", "examples/adler32-checksum.anrf.json", proved!.id, ...cached, "--format", "json");
    const parsed = JSON.parse(explained.stdout) as { obligation: JsonObligation; runtime: string[] };
    expect(parsed.obligation.status).toBe("proved");
    expect(parsed.runtime[0]).toMatch(/^production: no check inserted/);
  });

  it("solves only the obligation asked about (library option `only`)", async () => {
    const loaded = await loadDocument(seeded("off-by-one-loop"), { cwd: root });
    const ids = await obligationIds(loaded);
    expect(ids.length).toBeGreaterThan(1);
    const target = ids.find((id) => id.includes("/bounds/"))!;
    const result = await verifyDocument(loaded, { cwd: root, ...workBounded(12_000_000, 3_000_000), jobs: 1, only: new Set([target]) });
    expect(result.obligations.map((o) => o.id)).toEqual([target]);
    expect(result.obligations[0]!.status).toBe("refuted");
  });

  it("exits 2 for an unknown obligation id, naming some that exist", async () => {
    const { code, stderr } = await anrf("explain", seeded("off-by-one-loop"), "ENT-ADLER/bounds/99:1", ...cached);
    expect(code).toBe(2);
    expect(stderr).toMatch(/no obligation 'ENT-ADLER\/bounds\/99:1' \(some that exist: ENT-ADLER\//);
  });
});
