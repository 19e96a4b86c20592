/**
 * Test documents for the runtime: a valid ANRF 1.1.0 document (examples/read-note as the
 * template) with inline code, one Function entity per listed export, and the limits and
 * grants a test needs. Written to a temp folder and loaded with spec's loadDocument.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { loadDocument, type LoadedDocument } from "../../spec/load.js";
import { run, type RunOptions, type RunResult } from "../../runtime/index.js";
import { DecisionCache } from "../../policy/cache.js";
import { readPolicySource } from "../../policy/source.js";
import type { RunPolicy } from "../../policy/run-policy.js";

const template = JSON.parse(readFileSync(new URL("../../examples/read-note.anrf.json", import.meta.url), "utf8")) as Record<string, any>;

export interface FunctionSpec {
  readonly name: string;
  readonly properties?: Record<string, unknown>;
  readonly preconditions?: readonly string[];
  readonly postconditions?: readonly string[];
  readonly invariants?: ReadonlyArray<{ id: string; text: string }>;
}

export interface DocSpec {
  readonly code: string;
  readonly functions: ReadonlyArray<string | FunctionSpec>;
  readonly filesystem?: "None" | "ReadOnly" | "ReadWrite";
  /** mount → directory (absolute, or relative to the document's folder) */
  readonly mounts?: Record<string, string>;
  readonly memoryMb?: number;
  readonly timeMs?: number;
  readonly processIsolation?: boolean;
  readonly dir?: string;
}

export function tempDir(prefix = "anrf-rt-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export async function makeDocument(spec: DocSpec): Promise<LoadedDocument> {
  const doc = structuredClone(template);
  const dir = spec.dir ?? tempDir();
  const fns = spec.functions.map((f) => (typeof f === "string" ? { name: f } : f));
  const rl = doc.security.isolation_requirements.resource_limits;
  rl.filesystem = spec.filesystem ?? "None";
  rl.memory = spec.memoryMb ?? 64;
  rl.time = spec.timeMs ?? 2000;
  doc.security.isolation_requirements.process_isolation = spec.processIsolation ?? false;
  doc.security.isolation_requirements.memory_isolation = true;
  if (spec.processIsolation) {
    doc.execution.security_enforcement.sandboxing_mechanisms.push({ mechanism: "ProcessIsolation", scope: "Module", enforcement_point: "Runtime" });
  }
  const entity = (f: FunctionSpec, i: number) => ({
    ...structuredClone(template.semantics.entities[0]),
    id: `ENT-${i}-${f.name.toUpperCase()}`,
    name: f.name,
    properties: f.properties ?? {},
  });
  doc.semantics.entities = fns.map(entity);
  doc.semantics.invariants = fns.flatMap((f, i) => (f.invariants ?? []).map((inv) => ({ id: inv.id, description: inv.id, formal_representation: inv.text, security_relevance: true, applies_to: [`ENT-${i}-${f.name.toUpperCase()}`] })));
  doc.semantics.security_contracts = fns.map((f, i) => ({
    id: `SC-${i}`,
    description: `contract of ${f.name}`,
    preconditions: f.preconditions ?? [],
    postconditions: f.postconditions ?? [],
    invariants: [],
    applies_to: [`ENT-${i}-${f.name.toUpperCase()}`],
  }));
  delete doc.execution.source;
  doc.execution.code = spec.code;
  if (spec.mounts && rl.filesystem !== "None") {
    doc.execution["x-anrf-filesystem-mounts"] = Object.entries(spec.mounts).map(([mount, path]) => ({ mount, path }));
  } else delete doc.execution["x-anrf-filesystem-mounts"];
  const file = join(dir, "doc.anrf.json");
  writeFileSync(file, JSON.stringify(doc, null, 2));
  const loaded = await loadDocument(file);
  if (!loaded.valid) throw new Error(`fixture document is invalid: ${JSON.stringify(loaded.findings.filter((f) => f.severity === "error"))}`);
  return loaded;
}

export interface AuditLine {
  readonly entry: string;
  readonly status: string;
  readonly violations: ReadonlyArray<{ id: string; kind: string; message: string }>;
  readonly error?: { code: string; message: string };
  readonly documentHash: string;
  readonly mode: string;
}

/** The `run` records of an audit log, as their details. */
export function readAudit(file: string): AuditLine[] {
  try {
    // The chained log (audit/record.ts): one `run` record per run, its facts under `details`.
    return readFileSync(file, "utf8").trim().split("\n").filter(Boolean).map((l) => JSON.parse(l) as { event: string; details: AuditLine }).filter((r) => r.event === "run").map((r) => r.details);
  } catch {
    return [];
  }
}

/** The audit record written for this result (the last one for the entry). */
export function auditedAs(file: string, entry: string, result: RunResult): AuditLine | undefined {
  return readAudit(file).filter((l) => l.entry === entry && l.status === result.status && l.documentHash === result.documentHash).at(-1);
}

export type Runner = (entry: string, args?: readonly unknown[], extra?: Partial<RunOptions>) => Promise<RunResult>;

/**
 * The test as operator: a policy that grants what the fixture documents ask for (filesystem
 * access, memory, time, threads, mounts, running unproved code — never network or an override)
 * and binds each mount the document declares to its own path (relative to the document's folder).
 * For tests of containment, where the grant is the premise and the sandbox is under test.
 */
export const GRANT_ASKED_POLICY = `@id("test-operator-grants-the-fixture")
@quota_bytes("8388608")
@quota_files("128")
permit (principal, action in [Anrf::Action::"filesystem", Anrf::Action::"memory", Anrf::Action::"time", Anrf::Action::"threadIsolation", Anrf::Action::"mount", Anrf::Action::"runUnproved"], resource);
@id("test-operator-network-off")
permit (principal, action == Anrf::Action::"network", resource) when { !context.enabled };
`;
const grantAskedSource = readPolicySource("test-operator.cedar", GRANT_ASKED_POLICY);
const grantAskedCache = new DecisionCache();

export function operatorFor(doc: LoadedDocument): RunPolicy {
  const declared = doc.document?.execution["x-anrf-filesystem-mounts"] ?? [];
  const base = dirname(doc.absoluteFile);
  return { source: grantAskedSource, cache: grantAskedCache, operatorMounts: new Map(declared.map((m) => [m.mount, resolve(base, m.path)] as const)) };
}

/** run() with the test as operator (operatorFor), unless the test gives its own policy. */
export function runGranted(doc: LoadedDocument, entry: string, args: readonly unknown[], options: RunOptions = {}): Promise<RunResult> {
  return run(doc, entry, args, { ...options, operatorPolicy: options.operatorPolicy ?? operatorFor(doc) });
}
