/**
 * The differential soundness harness (issue 9, item 3): generate a program, verify it for
 * real (extraction → z3), then run every entity in production and in development mode on
 * generated inputs. A disagreement is any run where
 *  - development reports a violation at an obligation the verifier proved (a proved site
 *    failed on inputs that met the preconditions: the preconditions are checked first), or
 *  - production and development end differently (status, violated obligation, or value) —
 *    production dropped a check development needed.
 * Used by the bounded slice in the test suite and the long run in bench/soundness-harness.ts.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { run, SandboxPool, type RunResult } from "../../runtime/index.js";
import { loadDocument, type LoadedDocument } from "../../spec/load.js";
import { projectRoot } from "../../support/compiled-path.js";
import { verifyDocument } from "../../verifier/index.js";
import { cornerInputs, inputsArb, programArb, type GeneratedProgram } from "./generate.js";

export interface Disagreement {
  readonly code: string;
  readonly entry: string;
  readonly args: string;
  readonly why: string;
}

export interface HarnessReport {
  readonly programs: number;
  readonly runs: number;
  readonly provedSites: number;
  readonly obligations: number;
  /** Obligations the solver left unknown (time-outs at `timeoutMs` among them). */
  readonly unknown: number;
  /** Time spent verifying (the rest is running: two runs per input). */
  readonly verifyMs: number;
  readonly disagreements: readonly Disagreement[];
}

export interface HarnessOptions {
  readonly programs: number;
  readonly inputsPerEntity: number;
  readonly seed: number;
  readonly timeoutMs?: number;
  readonly onProgram?: (i: number, report: HarnessReport) => void;
}

function describeArgs(args: readonly unknown[]): string {
  return JSON.stringify(args.map((a) => (Array.isArray(a) && a.length > 20 ? `[${a.length} elements]` : typeof a === "number" && Object.is(a, -0) ? "-0" : typeof a === "number" && !Number.isFinite(a) ? String(a) : a)));
}

async function documentFor(dir: string, p: GeneratedProgram): Promise<LoadedDocument> {
  const template = JSON.parse(readFileSync(join(projectRoot(), "examples", "read-note.anrf.json"), "utf8")) as Record<string, any>;
  const doc = structuredClone(template);
  const rl = doc.security.isolation_requirements.resource_limits;
  rl.filesystem = "None";
  rl.memory = 64;
  rl.time = 5000;
  doc.security.isolation_requirements.process_isolation = false;
  const entityId = (name: string) => `ENT-${name.toUpperCase()}`;
  doc.semantics.entities = p.entities.map((e) => ({ ...structuredClone(template.semantics.entities[0]), id: entityId(e.name), name: e.name, properties: {} }));
  doc.semantics.invariants = [];
  doc.semantics.security_contracts = p.entities.map((e) => ({ id: `SC-${e.name}`, description: `contract of ${e.name}`, preconditions: [...e.preconditions], postconditions: [], invariants: [], applies_to: [entityId(e.name)] }));
  delete doc.execution.source;
  delete doc.execution["x-anrf-filesystem-mounts"];
  doc.execution.code = p.code;
  const file = join(dir, "doc.anrf.json");
  writeFileSync(file, JSON.stringify(doc, null, 2));
  const loaded = await loadDocument(file);
  if (!loaded.valid) throw new Error(`generated document is invalid: ${JSON.stringify(loaded.findings.filter((f) => f.severity === "error"))}\n${p.code}`);
  return loaded;
}

function outcome(r: RunResult): string {
  const v = r.violations[0];
  return `${r.status}${v ? ` at ${v.id}` : ""}${r.status === "ok" ? ` = ${describeArgs([r.value])}` : ""}${r.error ? ` (${r.error.code})` : ""}`;
}

export async function runHarness(options: HarnessOptions): Promise<HarnessReport> {
  const pool = new SandboxPool();
  const dir = mkdtempSync(join(tmpdir(), "anrf-diff-"));
  const programs = fc.sample(programArb, { numRuns: options.programs, seed: options.seed });
  const disagreements: Disagreement[] = [];
  let runs = 0;
  let provedSites = 0;
  let obligations = 0;
  let verifyMs = 0;
  let unknown = 0;
  try {
    for (const [i, program] of programs.entries()) {
      const doc = await documentFor(dir, program);
      const verifyStarted = performance.now();
      const verification = await verifyDocument(doc, { cwd: dir, timeoutMs: options.timeoutMs ?? 5000, rlimit: 0, jobs: 1 });
      verifyMs += performance.now() - verifyStarted;
      unknown += verification.obligations.filter((o) => o.status === "unknown").length;
      const proved = new Set(verification.obligations.filter((o) => o.status === "proved").map((o) => o.id));
      provedSites += proved.size;
      obligations += verification.obligations.length;
      const opts = { verification: verification.obligations, audit: false, pool } as const;
      for (const entity of program.entities) {
        const inputs = [...cornerInputs(entity.params), ...fc.sample(inputsArb(entity.params), { numRuns: options.inputsPerEntity, seed: options.seed + i })];
        for (const args of inputs) {
          const prod = await run(doc, entity.name, args, { ...opts, mode: "production" });
          const dev = await run(doc, entity.name, args, { ...opts, mode: "development" });
          runs += 1;
          const whys: string[] = [];
          const devSite = dev.violations[0]?.id;
          if (devSite !== undefined && proved.has(devSite)) whys.push(`development violates the proved obligation ${devSite}`);
          if (outcome(prod) !== outcome(dev)) whys.push(`production ${outcome(prod)} but development ${outcome(dev)}`);
          if (whys.length > 0) disagreements.push({ code: program.code, entry: entity.name, args: describeArgs(args), why: whys.join("; ") });
        }
      }
      options.onProgram?.(i + 1, { programs: i + 1, runs, provedSites, obligations, unknown, verifyMs, disagreements });
    }
  } finally {
    await pool.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return { programs: programs.length, runs, provedSites, obligations, unknown, verifyMs, disagreements };
}
