/**
 * What the runtime reads from a validated document: the entity behind an export, the contract
 * clauses and invariants that apply to it, its declared fallback and violation policy.
 * Pure functions over spec's AnrfDocument.
 */
import type { AnrfDocument, Entity } from "../../spec/document.js";
import type { ViolationPolicy } from "./types.js";
import { directInvariantTargets } from "../../spec/applies-to.js";

/** Function entities by exported name. */
export function functionEntities(doc: AnrfDocument): Map<string, Entity> {
  const out = new Map<string, Entity>();
  for (const e of doc.semantics.entities) if (e.type === "Function") out.set(e.name, e);
  return out;
}

/** `applies_to` rule of the TypeScript profile: absent + exactly one Function entity → that one. */
function appliesTo(doc: AnrfDocument, appliesToIds: readonly string[] | undefined, entityId: string): boolean {
  if (appliesToIds !== undefined) return appliesToIds.includes(entityId);
  const fns = doc.semantics.entities.filter((e) => e.type === "Function");
  return fns.length === 1 && fns[0]!.id === entityId;
}

/** The raw contract material that applies to one entity (classified in clause-sets.ts). */
export interface EntityClauses {
  readonly preconditions: readonly string[];
  readonly postconditions: readonly string[];
  /** Invariants named by the entity's contracts (`security_contracts[].invariants`). */
  readonly contractInvariants: ReadonlyArray<{ readonly id: string; readonly text: string }>;
  /** Invariants that constrain the entity directly (spec/applies-to.ts: `applies_to`, or the sole Function entity). */
  readonly directInvariants: ReadonlyArray<{ readonly id: string; readonly text: string }>;
}

export function clausesFor(doc: AnrfDocument, entityId: string): EntityClauses {
  const preconditions: string[] = [];
  const postconditions: string[] = [];
  const contractInvariants: Array<{ id: string; text: string }> = [];
  const byId = new Map(doc.semantics.invariants.map((i) => [i.id, i]));
  for (const c of doc.semantics.security_contracts) {
    if (!appliesTo(doc, c.applies_to, entityId)) continue;
    preconditions.push(...c.preconditions);
    postconditions.push(...c.postconditions);
    for (const id of c.invariants) {
      const inv = byId.get(id);
      if (inv) contractInvariants.push({ id, text: inv.formal_representation });
    }
  }
  const directInvariants = doc.semantics.invariants.filter((i) => directInvariantTargets(doc, i).includes(entityId)).map((i) => ({ id: i.id, text: i.formal_representation }));
  return { preconditions, postconditions, contractInvariants, directInvariants };
}

/**
 * Degrade policy: an entity declares the value to return instead in `properties.fallback`
 * (any JSON value); `properties.violation_policy` ("terminate" | "degrade") sets the entity's
 * default policy. Without a declared fallback, degrade behaves as terminate.
 */
export function fallbackOf(entity: Entity): { readonly declared: boolean; readonly value: unknown } {
  const props = entity.properties as Readonly<Record<string, unknown>>;
  return Object.hasOwn(props, "fallback") ? { declared: true, value: props["fallback"] } : { declared: false, value: undefined };
}

export function entityPolicy(entity: Entity): ViolationPolicy | undefined {
  const raw = (entity.properties as Readonly<Record<string, unknown>>)["violation_policy"];
  return raw === "terminate" || raw === "degrade" ? raw : undefined;
}
