/**
 * Confirming `unknown` by execution. When z3 finds a model only through an abstraction (a loop
 * head's havocked state, a callee's result), the verdict stays `unknown` and the model is kept as
 * a *candidate*. Here the entity runs in the sandbox on arguments built from the candidate: if
 * the run stops with a violation of that very obligation id, the obligation is a real bug —
 * `refuted`, with `confirmation.by = "execution"`. Anything else (the run passes, an entry
 * precondition or argument check fails, a timeout, another check fires) leaves it `unknown`.
 *
 * Trust: the document's code runs, so only as `anrf run` would run it, and tighter — the
 * runtime's sandbox (SES compartment in a worker hosted by a separate broker process), no
 * capability (filesystem "None", no network, no mounts), the document's own time and memory
 * limits capped at CONFIRM_TIME_MS / CONFIRM_MEMORY_MB, no audit record (nothing is trusted or
 * produced), at most `maxRuns` runs per document. `anrf verify --no-confirm` skips it.
 *
 * Runs: first in development mode with every check (rich message with the failing values); when
 * an earlier check of the same run fires first (two clauses of one return, say), that earlier
 * obligation is confirmed if it is unknown, and a second run keeps only the target's check
 * (production mode, every other obligation treated as proved — plain JavaScript semantics
 * elsewhere), so the target's own clause is evaluated on the real value. Entry precondition and
 * argument-shape checks stay in both runs: a candidate that breaks them confirms nothing.
 */
import type { AnrfDocument } from "../../spec/document.js";
import { hasErrors } from "../../spec/finding.js";
import { loadDocument, type LoadedDocument } from "../../spec/load.js";
import { summarise } from "../../verifier/index.js";
import type { Counterexample, ExecutionConfirmation, ObligationKind, ObligationResult } from "../../verifier/obligation.js";
import { verifiedClaimFindings } from "../../verifier/pipeline/claims.js";
import type { DocumentVerification, VerifyReport } from "../../verifier/pipeline/report-types.js";
import type { RunResult } from "../../runtime/host/types.js";
import { candidateArgs, showArgs, type CandidateParam } from "./candidate-args.js";

export const CONFIRM_TIME_MS = 1000;
export const CONFIRM_MEMORY_MB = 64;
const MAX_RUNS_PER_DOCUMENT = 16;

/** Kinds whose check the runtime places and whose violation does not depend on the operator's grants. */
const CONFIRMABLE: ReadonlySet<ObligationKind> = new Set(["bounds", "precondition", "postcondition", "invariant"]);

export interface ConfirmOptions {
  readonly cwd: string;
  readonly maxRuns?: number | undefined;
}

export const hasCandidates = (report: VerifyReport): boolean => report.documents.some((d) => d.obligations.some(isTarget));

const isTarget = (o: ObligationResult): boolean => o.status === "unknown" && o.candidate !== undefined && CONFIRMABLE.has(o.kind);

/** The document as the confirmation run sees it: no capability, the limits capped small. */
export function confinedDocument(document: AnrfDocument): AnrfDocument {
  const iso = document.security.isolation_requirements;
  const rl = iso.resource_limits;
  const cap = (value: number, max: number) => (Number.isFinite(value) && value > 0 ? Math.min(value, max) : max);
  return {
    ...document,
    security: {
      ...document.security,
      isolation_requirements: { ...iso, resource_limits: { ...rl, time: cap(rl.time, CONFIRM_TIME_MS), memory: cap(rl.memory, CONFIRM_MEMORY_MB), network: false, filesystem: "None" } },
    },
    execution: { ...document.execution, "x-anrf-filesystem-mounts": [] },
  } as AnrfDocument;
}

/** Entry name → checkable parameters, for every Function entity whose parameter types the runtime checks at entry. */
async function entryParams(loaded: LoadedDocument): Promise<Map<string, { name: string; params: CandidateParam[] }>> {
  // Loaded only when something is to be confirmed: a warm `anrf verify` loads no ts-morph.
  const { ts } = await import("ts-morph");
  const { entryShapes } = await import("../../runtime/host/param-shapes.js");
  const out = new Map<string, { name: string; params: CandidateParam[] }>();
  const doc = loaded.document!;
  const functions = doc.semantics.entities.filter((e) => e.type === "Function");
  const sf = ts.createSourceFile("module.ts", loaded.module!.text, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const shapes = entryShapes(sf, functions.map((e) => e.name));
  for (const e of functions) {
    const shape = shapes.get(e.name);
    if (shape?.ok) out.set(e.id, { name: e.name, params: shape.params.map((p) => ({ name: p.name, shape: p.shape, optional: p.optional })) });
  }
  return out;
}

const outcomeText = (r: RunResult): string => {
  if (r.status === "ok") return "the run on the candidate values passed every check";
  if (r.status === "violation") {
    const v = r.violations[0];
    return v === undefined ? "the run stopped with a violation" : `the run stopped at another check (${v.id})`;
  }
  return `the run ended with ${r.status}${r.error ? ` (${r.error.code})` : ""}`;
};

/** The candidate's values of the entry's parameters (`n`, `data.length`); free parameters are their zero. */
function inputsOf(params: readonly CandidateParam[], candidate: Counterexample): Counterexample {
  const out: Record<string, string | number | boolean | null> = {};
  for (const p of params) {
    const key = p.shape.k === "array" || p.shape.k === "typed" ? `${p.name}.length` : p.name;
    const value = candidate[key];
    out[key] = value === undefined ? (p.shape.k === "string" ? "" : p.shape.k === "boolean" ? false : 0) : value;
  }
  return out;
}

type Runner = (verification: readonly ObligationResult[], mode: "development" | "production") => Promise<RunResult>;

/** Confirms what it can in one document; returns the obligations with verdicts updated. */
async function confirmDocument(d: DocumentVerification, loaded: LoadedDocument, runEntry: (entry: string, args: unknown[]) => Runner, maxRuns: number): Promise<ObligationResult[]> {
  const results = new Map(d.obligations.map((o) => [o.id, o]));
  const entries = await entryParams(loaded);
  let runs = 0;
  // The counterexample of a confirmed obligation is the input that was run (its parameters'
  // values and lengths from the candidate that built it), not loop-head values of the model.
  const confirm = (id: string, args: string[], inputs: Counterexample, r: RunResult): void => {
    const o = results.get(id);
    const v = r.violations.find((x) => x.id === id);
    if (o === undefined || o.status !== "unknown" || !CONFIRMABLE.has(o.kind) || v === undefined) return;
    // The runtime's message names the code position and id, which the reporters already show.
    const outcome = v.message.replace(/ at \S+:\d+:\d+ \([^)]*\)/, "");
    const confirmation: ExecutionConfirmation = { by: "execution", confirmed: true, args, outcome, ...(v.values ? { values: v.values } : {}) };
    const { candidate: _candidate, ...rest } = o;
    results.set(id, { ...rest, status: "refuted", reason: "z3's candidate model (through an abstraction) confirmed by running it in the sandbox", counterexample: inputs, confirmation });
  };
  const attempt = (id: string, args: string[], outcome: string): void => {
    const o = results.get(id);
    if (o !== undefined && o.status === "unknown") results.set(id, { ...o, confirmation: { by: "execution", confirmed: false, args, outcome } });
  };
  for (const target of d.obligations.filter(isTarget)) {
    if (results.get(target.id)?.status !== "unknown") continue; // confirmed by an earlier run
    const entry = entries.get(target.entity);
    if (entry === undefined) {
      attempt(target.id, [], "not run: the entity's parameter types are not checkable at entry");
      continue;
    }
    const built = candidateArgs(entry.params, target.candidate!);
    if (!built.ok) {
      attempt(target.id, [], `not run: ${built.reason}`);
      continue;
    }
    if (runs >= maxRuns) {
      attempt(target.id, [], `not run: at most ${maxRuns} confirmation runs per document`);
      continue;
    }
    const shown = showArgs(entry.params, built.args);
    const inputs = inputsOf(entry.params, target.candidate!);
    const runner = runEntry(entry.name, built.args);
    runs++;
    const first = await runner(d.obligations, "development");
    const hit = first.violations[0];
    if (first.status === "violation" && hit !== undefined) confirm(hit.id, shown, inputs, first);
    if (results.get(target.id)?.status === "refuted") continue;
    // Another check fired first and it was not an entry check: run again with only the target's check.
    if (first.status === "violation" && hit !== undefined && !hit.id.includes("/precondition/entry") && runs < maxRuns) {
      runs++;
      const only = d.obligations.map((o) => (o.id === target.id ? o : { ...o, status: "proved" as const }));
      const second = await runner(only, "production");
      if (second.status === "violation" && second.violations[0]?.id === target.id) {
        confirm(target.id, shown, inputs, second);
        continue;
      }
      attempt(target.id, shown, outcomeText(second));
      continue;
    }
    attempt(target.id, shown, outcomeText(first));
  }
  return d.obligations.map((o) => results.get(o.id)!);
}

/**
 * The report with every confirmable `unknown` tried (effectful: loads the documents again and
 * runs their code in a sandbox pool it closes before returning). Documents without candidates
 * are returned as they are; the summary is recomputed.
 */
export async function confirmByExecution(report: VerifyReport, options: ConfirmOptions): Promise<VerifyReport> {
  if (!hasCandidates(report)) return report;
  const documents = await confirmDocuments(report.documents, options);
  return { ...report, documents, summary: summarise(documents) };
}

/** The documents with every confirmable `unknown` tried (see confirmByExecution). */
export async function confirmDocuments(input: readonly DocumentVerification[], options: ConfirmOptions): Promise<DocumentVerification[]> {
  if (!input.some((d) => d.obligations.some(isTarget))) return [...input];
  const { run, SandboxPool } = await import("../../runtime/index.js");
  const pool = new SandboxPool({ idlePerKey: 1, idleTotal: 2 });
  try {
    const documents: DocumentVerification[] = [];
    for (const d of input) {
      if (!d.obligations.some(isTarget)) {
        documents.push(d);
        continue;
      }
      const loaded = await loadDocument(d.file, { cwd: options.cwd });
      if (!loaded.valid || loaded.document === undefined || loaded.module === undefined) {
        documents.push(d);
        continue;
      }
      const confined: LoadedDocument = { ...loaded, document: confinedDocument(loaded.document) };
      const runEntry = (entry: string, args: unknown[]): Runner => (verification, mode) =>
        run(confined, entry, args, { mode, verification, audit: false, policy: "terminate", pool });
      const obligations = await confirmDocument(d, loaded, runEntry, options.maxRuns ?? MAX_RUNS_PER_DOCUMENT);
      const findings = [...d.findings.filter((f) => f.ruleId !== "V7.4"), ...verifiedClaimFindings(loaded.document, obligations)];
      documents.push({ ...d, obligations, findings, valid: !hasErrors(findings) });
    }
    return documents;
  } finally {
    await pool.close();
  }
}
