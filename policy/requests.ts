/**
 * From a validated document (and its verification, the run's mode and the operator's mount
 * bindings) to the requests the policy decides (pure). Each request names the JSON Pointer of
 * the field that asks and what it asks for, so a denial is a witness a person can act on.
 */
import type { AnrfDocument } from "../spec/document.js";
import type { CedarEntity, CedarRequest, EntityUid } from "./cedar.js";
import { escapeTerminal as esc } from "./escape.js";
import type { RuleSet } from "./source.js";

export interface PolicyRequest extends CedarRequest {
  readonly ruleSet: RuleSet;
  /** JSON Pointer of the requested field in the document. */
  readonly path: string;
  /** What is asked for, as plain data (shown in findings and audit records). */
  readonly requested: unknown;
  /** One line for people: "memory 4096 MiB". */
  readonly summary: string;
}

export interface DocumentFacts {
  readonly digest: string;
  /** The document's file name as the operator gave it. */
  readonly name: string;
}

/** How the operator bound one logical mount (from `--mount NAME=DIR` or config); undefined: not bound. */
export interface MountBinding {
  readonly binding: "operator" | "document";
  /** Real directory (operator, absolute) or the document's own path text. */
  readonly path: string;
}

export interface RequestInputs {
  readonly document: AnrfDocument;
  readonly facts: DocumentFacts;
  /** The run's mode; undefined for `anrf verify` (then "production", what `run` defaults to). */
  readonly mode?: string | undefined;
  /** Obligation statuses, when known. */
  readonly statuses?: readonly string[] | undefined;
  /** Mount name (the document's `mount`, e.g. "/data") → binding. */
  readonly bindings: ReadonlyMap<string, MountBinding>;
  /** The operator's --timeout: the run never gets more time than this. */
  readonly operatorTimeMs?: number | undefined;
}

const RL = "/security/isolation_requirements/resource_limits";

export function documentEntity(doc: AnrfDocument, facts: DocumentFacts): CedarEntity {
  return {
    uid: { type: "Anrf::Document", id: facts.digest },
    attrs: { digest: facts.digest, name: facts.name, creator: doc.creator_id, safetyLevel: doc.security.safety_level },
    parents: [],
  };
}

/** Cedar Long: a whole number; limits are rounded up so a request is never smaller than what runs. */
function long(n: number): number {
  return Number.isFinite(n) ? Math.min(Number.MAX_SAFE_INTEGER, Math.max(0, Math.ceil(n))) : Number.MAX_SAFE_INTEGER;
}

/** The limits the runtime will apply when granted (mirrors runtime/host/limits.ts defaults). */
export function requestedLimits(doc: AnrfDocument, operatorTimeMs?: number): { memoryMb: number; timeMs: number } {
  const rl = doc.security.isolation_requirements.resource_limits;
  const memoryMb = Number.isFinite(rl.memory) && rl.memory > 0 ? rl.memory : 64;
  const docTime = Number.isFinite(rl.time) && rl.time > 0 ? rl.time : 1000;
  return { memoryMb, timeMs: operatorTimeMs !== undefined ? Math.min(docTime, operatorTimeMs) : docTime };
}

export function buildRequests(input: RequestInputs): PolicyRequest[] {
  const doc = input.document;
  const iso = doc.security.isolation_requirements;
  const rl = iso.resource_limits;
  const entity = documentEntity(doc, input.facts);
  const principal: EntityUid = entity.uid;
  const entities = [entity];
  const cap = (id: string): EntityUid => ({ type: "Anrf::Capability", id });
  const limit = (id: string): EntityUid => ({ type: "Anrf::Limit", id });
  const { memoryMb, timeMs } = requestedLimits(doc, input.operatorTimeMs);
  const out: PolicyRequest[] = [
    { ruleSet: "capabilities", path: `${RL}/filesystem`, requested: rl.filesystem, summary: `filesystem ${rl.filesystem}`, principal, action: "filesystem", resource: cap("filesystem"), context: { access: rl.filesystem }, entities },
    { ruleSet: "capabilities", path: `${RL}/network`, requested: rl.network, summary: `network ${rl.network ? "on" : "off"}`, principal, action: "network", resource: cap("network"), context: { enabled: rl.network }, entities },
    { ruleSet: "limits", path: `${RL}/memory`, requested: memoryMb, summary: `memory ${memoryMb} MiB`, principal, action: "memory", resource: limit("memory"), context: { mib: long(memoryMb) }, entities },
    { ruleSet: "limits", path: `${RL}/time`, requested: timeMs, summary: `time ${timeMs} ms`, principal, action: "time", resource: limit("time"), context: { ms: long(timeMs) }, entities },
  ];
  if (!iso.process_isolation) {
    out.push({ ruleSet: "limits", path: "/security/isolation_requirements/process_isolation", requested: "thread", summary: "isolation in a worker thread", principal, action: "threadIsolation", resource: limit("isolation"), context: {}, entities });
  }
  (doc.execution["x-anrf-filesystem-mounts"] ?? []).forEach((m, i) => {
    const bound = input.bindings.get(m.mount) ?? { binding: "document" as const, path: m.path };
    const mount: CedarEntity = { uid: { type: "Anrf::Mount", id: m.mount }, attrs: { name: m.mount }, parents: [] };
    out.push({
      ruleSet: "mounts",
      path: `/execution/x-anrf-filesystem-mounts/${i}`,
      requested: { mount: m.mount, access: rl.filesystem, binding: bound.binding, path: bound.path },
      // document text in a message for people: control characters shown visibly (untrusted)
      summary: `mount ${esc(m.mount)} (${rl.filesystem}) ${bound.binding === "operator" ? `bound by the operator to ${esc(bound.path)}` : `at the document's path '${esc(m.path)}'`}`,
      principal,
      action: "mount",
      resource: mount.uid,
      context: { access: rl.filesystem, binding: bound.binding, path: bound.path },
      entities: [...entities, mount],
    });
  });
  if (input.statuses !== undefined) {
    const unproved = input.statuses.filter((s) => s !== "proved").length;
    const refuted = input.statuses.filter((s) => s === "refuted").length;
    const mode = input.mode ?? "production";
    out.push({
      ruleSet: "verification",
      path: "",
      requested: { mode, unproved, refuted },
      summary: `running in ${mode} mode with ${unproved} unproved obligation(s) (${refuted} refuted)`,
      principal,
      action: "runUnproved",
      resource: { type: "Anrf::Verification", id: "obligations" },
      context: { mode, unproved, refuted },
      entities,
    });
  }
  return out;
}
