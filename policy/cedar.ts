/**
 * The only file that touches Cedar (`@cedar-policy/cedar-wasm`, loaded lazily: ~4 MB of Wasm,
 * so a run whose decisions are all cached never loads it). Compiles a policy file (parse, then
 * strict validation against the anrf schema) into problems with positions, and answers
 * authorisation requests against a preparsed policy set.
 */
import type { PolicySource } from "./source.js";
import { lineColumn } from "./source.js";
import { ANRF_SCHEMA } from "./schema.js";

type CedarModule = typeof import("@cedar-policy/cedar-wasm/nodejs");
let cedar: CedarModule | undefined;
let loads = 0;

async function load(): Promise<CedarModule> {
  if (cedar === undefined) {
    cedar = await import("@cedar-policy/cedar-wasm/nodejs");
    loads++;
  }
  return cedar;
}

/** How often Cedar was loaded in this process (0 or 1; for benchmarks and tests). */
export function cedarLoads(): number {
  return loads;
}

export interface PolicyProblem {
  /** syntax: Cedar could not parse it; schema: strict validation against the anrf schema failed (unknown attribute, wrong type, unknown action …); settings: an anrf annotation is wrong. */
  readonly kind: "syntax" | "schema" | "settings";
  readonly message: string;
  readonly help?: string | undefined;
  readonly line: number;
  readonly column: number;
  readonly policyId?: string | undefined;
}

interface DetailedError {
  readonly message: string;
  readonly help: string | null;
  readonly sourceLocations?: ReadonlyArray<{ start: number }>;
}

function problem(source: PolicySource, kind: PolicyProblem["kind"], e: DetailedError, cedarId?: string): PolicyProblem {
  const byId = source.policies.find((p) => p.cedarId === cedarId);
  const offset = e.sourceLocations?.[0]?.start ?? byId?.offset ?? 0;
  // Cedar prefixes messages with its own id ("for policy `policy0`, …"): name the @id instead.
  const message = cedarId !== undefined && byId !== undefined ? e.message.replace(`for policy \`${cedarId}\``, `in policy '${byId.id}'`) : e.message;
  return { kind, message, help: e.help ?? undefined, ...lineColumn(source.text, offset), policyId: byId?.id };
}

const SCHEMA_ID = "anrf-schema";
let schemaReady = false;
const prepared = new Set<string>();

/** Parse and strictly validate; on success the set is preparsed under its digest for `authorize`. */
export async function compilePolicy(source: PolicySource): Promise<PolicyProblem[]> {
  const c = await load();
  const problems: PolicyProblem[] = source.settingsProblems.map((p) => ({ kind: "settings" as const, ...p }));
  const parsed = c.checkParsePolicySet({ staticPolicies: source.text });
  if (parsed.type === "failure") return [...parsed.errors.map((e) => problem(source, "syntax", e)), ...problems];
  const validated = c.validate({ schema: ANRF_SCHEMA, policies: { staticPolicies: source.text }, validationSettings: { mode: "strict" } });
  if (validated.type === "failure") return [...validated.errors.map((e) => problem(source, "schema", e)), ...problems];
  problems.push(...validated.validationErrors.map((v) => problem(source, "schema", v.error, v.policyId)));
  if (problems.length === 0) await prepare(source);
  return problems;
}

async function prepare(source: PolicySource): Promise<void> {
  const c = await load();
  if (!schemaReady) {
    const s = c.preparseSchema(SCHEMA_ID, ANRF_SCHEMA);
    if (s.type === "failure") throw new Error(`anrf's own Cedar schema does not parse: ${s.errors.map((e) => e.message).join("; ")}`);
    schemaReady = true;
  }
  if (!prepared.has(source.digest)) {
    const p = c.preparsePolicySet(source.digest, { staticPolicies: source.text });
    if (p.type === "failure") throw new Error(`policy set did not preparse: ${p.errors.map((e) => e.message).join("; ")}`);
    prepared.add(source.digest);
  }
}

export interface EntityUid {
  readonly type: string;
  readonly id: string;
}
export interface CedarEntity {
  readonly uid: EntityUid;
  readonly attrs: Readonly<Record<string, unknown>>;
  readonly parents: readonly EntityUid[];
}
export interface CedarRequest {
  readonly principal: EntityUid;
  readonly action: string;
  readonly resource: EntityUid;
  readonly context: Readonly<Record<string, unknown>>;
  readonly entities: readonly CedarEntity[];
}
export interface CedarDecision {
  readonly decision: "allow" | "deny";
  /** Cedar ids of the determining policies (the permits that allowed, or the forbids that denied; empty for a default deny). */
  readonly reasons: readonly string[];
  /** Evaluation or request errors (a request that does not match the schema is denied with its error). */
  readonly errors: readonly string[];
}

export async function authorize(source: PolicySource, requests: readonly CedarRequest[]): Promise<CedarDecision[]> {
  const c = await load();
  await prepare(source);
  return requests.map((r) => {
    const answer = c.statefulIsAuthorized({
      principal: r.principal,
      action: { type: "Anrf::Action", id: r.action },
      resource: r.resource,
      context: r.context as never,
      preparsedPolicySetId: source.digest,
      preparsedSchemaName: SCHEMA_ID,
      validateRequest: true,
      entities: r.entities as never,
    });
    if (answer.type === "failure") return { decision: "deny", reasons: [], errors: answer.errors.map((e) => e.message) };
    const d = answer.response;
    return { decision: d.decision, reasons: d.diagnostics.reason, errors: d.diagnostics.errors.map((e) => `${e.policyId}: ${e.error.message}`) };
  });
}
