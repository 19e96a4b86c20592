/**
 * Pre-1.1.0 document → ANRF 1.1.0, following the public schema's migration guidance:
 * MemorySafe by default, isolation derived from behaviour, no override, security intentions
 * added, security_properties on every entity, a security_enforcement section with bounds
 * checking and a sandbox, and a Modification event in the audit trail. Pure: the caller
 * supplies the module text (for `execution.source`) and the clock. Every value it had to
 * invent is listed as an assumption, with the JSON Pointer it wrote.
 */
import { SUPPORTED_VERSION } from "../document.js";
import { isOlderThanSupported } from "../version.js";
import { analyseCode, type CodeBehaviour } from "./behaviour.js";

export interface Assumption {
  readonly path: string;
  readonly message: string;
}

export type MigrationResult =
  | { readonly kind: "migrated"; readonly document: Record<string, unknown>; readonly from: string; readonly assumptions: Assumption[] }
  | { readonly kind: "current"; readonly document: Record<string, unknown> }
  | { readonly kind: "refused"; readonly message: string };

export interface MigrationInput {
  readonly value: unknown;
  /** Module text named by `execution.source`, when the caller could read it. */
  readonly sourceText?: string | undefined;
  /** RFC 3339 timestamp for the Modification event. */
  readonly now: string;
  readonly actor?: string;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === "object" && !Array.isArray(v);

class Migration {
  readonly assumptions: Assumption[] = [];
  constructor(readonly doc: Obj) {}

  /**
   * The object at `key` of `parent`, created when missing. A value of the wrong type is left
   * as it is (validation of the result reports it): migration never overwrites what the
   * document says, so edits go to a detached object.
   */
  section(parent: Obj, key: string): Obj {
    const existing = parent[key];
    if (isObj(existing)) return existing;
    const created: Obj = {};
    if (existing === undefined) parent[key] = created;
    return created;
  }

  /** Sets `parent[key]` to `value` unless present, noting why. */
  fill(parent: Obj, key: string, at: string, value: unknown, why: string): void {
    if (Object.prototype.hasOwnProperty.call(parent, key)) return;
    parent[key] = value;
    const what = value !== null && typeof value === "object" ? "added" : `set to ${JSON.stringify(value)}`;
    this.assumptions.push({ path: `${at}/${key}`, message: `${what} — ${why}` });
  }

  /** The array at `key`, created when missing; same rule as `section` for a wrong type. */
  list(parent: Obj, key: string): unknown[] {
    const existing = parent[key];
    if (Array.isArray(existing)) return existing;
    const created: unknown[] = [];
    if (existing === undefined) parent[key] = created;
    return created;
  }
}

export const migrateDocument = (input: MigrationInput): MigrationResult => {
  if (!isObj(input.value)) return { kind: "refused", message: "the top level is not a JSON object" };
  const version = input.value["anrf_version"];
  if (version === SUPPORTED_VERSION) return { kind: "current", document: input.value };
  if (version !== undefined && (typeof version !== "string" || !isOlderThanSupported(/^\d+\.\d+$/.test(version) ? `${version}.0` : version))) {
    return {
      kind: "refused",
      message: `anrf_version ${JSON.stringify(version)} is not a pre-${SUPPORTED_VERSION} version; nothing to migrate from`,
    };
  }
  const from = typeof version === "string" ? version : "(none)";
  // Work on a copy: the caller's value is never modified.
  const doc = structuredClone(input.value);
  const m = new Migration(doc);
  if (version === undefined) m.assumptions.push({ path: "/anrf_version", message: "no anrf_version: treated as a pre-1.1.0 document" });
  doc["anrf_version"] = SUPPORTED_VERSION;

  const execution = m.section(doc, "execution");
  const inlineCode = typeof execution["code"] === "string" ? (execution["code"] as string) : undefined;
  const behaviour = analyseCode(inlineCode ?? input.sourceText);
  if (inlineCode === undefined && typeof execution["source"] === "string" && input.sourceText === undefined) {
    m.assumptions.push({ path: "/execution/source", message: "the module named by execution.source could not be read; isolation derived as if it used no files or network" });
  }

  migrateSecurity(m, doc, behaviour, input);
  migrateCommon(m, doc);
  migrateIntent(m, doc);
  migrateSemantics(m, doc);
  migrateExecution(m, execution, inlineCode !== undefined || typeof execution["source"] === "string");
  return { kind: "migrated", document: reorder(doc), from, assumptions: m.assumptions };
};

const migrateSecurity = (m: Migration, doc: Obj, behaviour: CodeBehaviour, input: MigrationInput): void => {
  const security = m.section(doc, "security");
  m.fill(security, "safety_level", "/security", "MemorySafe", "the 1.1.0 default safety level");
  const iso = m.section(security, "isolation_requirements");
  m.fill(iso, "process_isolation", "/security/isolation_requirements", false, "module code runs in a worker thread, not a separate process");
  m.fill(iso, "memory_isolation", "/security/isolation_requirements", true, "the sandbox gives the module its own heap");
  const limits = m.section(iso, "resource_limits");
  const at = "/security/isolation_requirements/resource_limits";
  const requirements = isObj(doc["execution"]) && isObj((doc["execution"] as Obj)["resource_requirements"]) ? ((doc["execution"] as Obj)["resource_requirements"] as Obj) : {};
  const wantedMemory = typeof requirements["memory"] === "number" && requirements["memory"] > 0 ? Math.ceil(requirements["memory"] * 2) : 128;
  m.fill(limits, "cpu", at, 1, "one core");
  m.fill(limits, "memory", at, Math.max(64, wantedMemory), "twice execution.resource_requirements.memory (at least 64 MiB), or 128 MiB when unknown");
  m.fill(limits, "time", at, 5000, "five seconds of wall time per call");
  m.fill(limits, "network", at, false, behaviour.usesNetwork ? "the code appears to use the network, but network access is never granted by migration — grant it deliberately" : "the code shows no network use");
  const filesystem = behaviour.writesFiles ? "ReadWrite" : behaviour.readsFiles ? "ReadOnly" : "None";
  m.fill(limits, "filesystem", at, filesystem, behaviour.readsFiles ? `the code imports fs${behaviour.writesFiles ? " and writes" : " and only reads"}; declare x-anrf-filesystem-mounts for the directories it may use` : "the code shows no filesystem use");
  m.fill(security, "override_status", "/security", false, "no override of the secure defaults");
  m.fill(security, "override_justification", "/security", null, "no override");
  m.fill(security, "override_approval", "/security", { approver_id: null, approval_timestamp: null, approval_context: null }, "no override");
  const trail = m.list(security, "audit_trail");
  if (trail.length === 0 && typeof doc["creation_timestamp"] === "string" && typeof doc["creator_id"] === "string") {
    // The history before migration is unknown except for the document's own creation fields.
    trail.push({
      event_type: "Creation",
      timestamp: doc["creation_timestamp"],
      actor_id: doc["creator_id"],
      description: "Document created (reconstructed by anrf migrate from creation_timestamp and creator_id)",
    });
    m.assumptions.push({ path: "/security/audit_trail/0", message: "added — a Creation event reconstructed from creation_timestamp and creator_id" });
  }
  trail.push({
    event_type: "Modification",
    timestamp: input.now,
    actor_id: input.actor ?? "anrf-migrate",
    description: `Migrated to ANRF ${SUPPORTED_VERSION} by anrf migrate; security metadata derived from defaults and observed behaviour`,
  });
};

const migrateCommon = (m: Migration, doc: Obj): void => {
  m.fill(doc, "dependencies", "", [], "no dependencies listed");
  const deps = doc["dependencies"];
  if (Array.isArray(deps)) {
    deps.forEach((dep, i) => {
      if (isObj(dep)) m.fill(dep, "security_compatibility", `/dependencies/${i}`, false, "compatibility with 1.1.0 security requirements is unknown until reviewed");
    });
  }
  const status = m.section(doc, "verification_status");
  if (status["verified"] === true) {
    m.assumptions.push({ path: "/verification_status/verified", message: "set to false — the earlier verification covered a document without security metadata; run 'anrf verify'" });
  }
  status["verified"] = false;
  m.fill(status, "verification_timestamp", "/verification_status", null, "not verified since migration");
  m.fill(status, "verification_method", "/verification_status", null, "not verified since migration");
  m.fill(status, "verification_results", "/verification_status", null, "not verified since migration");
};

const migrateIntent = (m: Migration, doc: Obj): void => {
  const intent = m.section(doc, "intent");
  const requirements = m.list(intent, "requirements");
  if (!requirements.some((r) => isObj(r) && r["type"] === "Security")) {
    let n = requirements.length + 1;
    const ids = new Set(requirements.map((r) => (isObj(r) ? r["id"] : undefined)));
    while (ids.has(`REQ-SEC-${n}`)) n++;
    requirements.push({
      id: `REQ-SEC-${n}`,
      description: "Memory-safe execution: no out-of-bounds access, no access beyond the declared capabilities",
      type: "Security",
      priority: "Critical",
      verification_approach: "anrf verify (z3 proofs) with runtime checks where unproved",
    });
    m.assumptions.push({ path: `/intent/requirements/${requirements.length - 1}`, message: "added — a Security requirement (1.1.0 requires at least one)" });
  }
  m.fill(intent, "security_intentions", "/intent", {
    memory_safety_required: true,
    isolation_required: true,
    resource_constraints_required: true,
    override_intention: { allowed: false, conditions: null, justification: null },
  }, "secure-by-default intentions: memory safety, isolation and resource limits required, no override");
  m.fill(intent, "constraints", "/intent", [], "no constraints listed");
};

const migrateSemantics = (m: Migration, doc: Obj): void => {
  const semantics = m.section(doc, "semantics");
  const entities = m.list(semantics, "entities");
  entities.forEach((entity, i) => {
    if (!isObj(entity)) return;
    m.fill(entity, "properties", `/semantics/entities/${i}`, {}, "no properties listed");
    m.fill(entity, "security_properties", `/semantics/entities/${i}`, {
      memory_safe: true,
      type_safe: true,
      resource_bounded: true,
      formal_guarantees: [
        {
          property_type: "MemorySafety",
          property_description: "No out-of-bounds reads or writes",
          verification_approach: "anrf verify (bounds obligations), runtime checks where unproved",
        },
      ],
    }, "memory safe, type safe and resource bounded by default; to be substantiated by anrf verify");
  });
  const relationships = m.list(semantics, "relationships");
  relationships.forEach((rel, i) => {
    if (!isObj(rel)) return;
    m.fill(rel, "properties", `/semantics/relationships/${i}`, {}, "no properties listed");
    m.fill(rel, "security_implications", `/semantics/relationships/${i}`, { information_flow: "Controlled", privilege_escalation_risk: false, resource_sharing: false }, "controlled information flow, no escalation, no sharing — review");
  });
  m.fill(semantics, "invariants", "/semantics", [], "no invariants listed");
  m.fill(semantics, "security_contracts", "/semantics", [], "no security contracts listed");
};

const migrateExecution = (m: Migration, execution: Obj, hasCode: boolean): void => {
  const target = m.section(execution, "target_environment");
  m.fill(target, "security_features", "/execution/target_environment", {
    hardware_memory_protection: false,
    address_space_layout_randomization: false,
    control_flow_integrity: false,
    sandboxing_support: true,
  }, "hardware features unknown (false); the anrf runtime provides the sandbox");
  const optimizations = m.list(execution, "optimizations");
  optimizations.forEach((o, i) => {
    if (!isObj(o)) return;
    m.fill(o, "security_impact", `/execution/optimizations/${i}`, "Low", "impact not assessed; review");
    m.fill(o, "security_verification", `/execution/optimizations/${i}`, "not yet reviewed", "impact not assessed; review");
  });
  m.fill(execution, "security_enforcement", "/execution", {
    memory_safety_mechanisms: [{ mechanism: "BoundsChecking", scope: "Global", enforcement_point: "Runtime" }],
    sandboxing_mechanisms: [
      { mechanism: "MemoryIsolation", scope: "Module", enforcement_point: "Runtime" },
      { mechanism: "CapabilityModel", scope: "Module", enforcement_point: "Runtime" },
    ],
    override_mechanisms: { enabled: false, scope: "Module", enforcement_point: "Runtime", audit_requirements: "ApprovalRequired" },
  }, "bounds checking at run time, a memory-isolated capability sandbox, overrides disabled");
  if (hasCode) m.fill(execution, "format", "/execution", "typescript", "the module is TypeScript");
};

/** Common part first, then the layers: the order of the public schema's field table. */
const ORDER = ["anrf_version", "creation_timestamp", "creator_id", "security", "dependencies", "verification_status", "intent", "semantics", "execution"];
const reorder = (doc: Obj): Obj => {
  const out: Obj = {};
  for (const key of ORDER) if (Object.prototype.hasOwnProperty.call(doc, key)) out[key] = doc[key];
  for (const [key, value] of Object.entries(doc)) if (!(key in out)) out[key] = value;
  return out;
};
