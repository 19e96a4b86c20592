/** §3 of ANRF-1.1.md: the semantic layer, plus the TypeScript profile's `applies_to`. */
import * as Schema from "effect/Schema";
import { closed, PropertiesMap } from "./common.js";

export const PropertyType = Schema.Literals(["MemorySafety", "TypeSafety", "ResourceBounds", "DataIsolation"]);
export const InformationFlow = Schema.Literals(["None", "Controlled", "Unrestricted"]);

export const FormalGuarantee = closed({
  property_type: PropertyType,
  property_description: Schema.String,
  verification_approach: Schema.String,
});

export const SecurityProperties = closed({
  memory_safe: Schema.Boolean,
  type_safe: Schema.Boolean,
  resource_bounded: Schema.Boolean,
  formal_guarantees: Schema.Array(FormalGuarantee),
});

export const Entity = closed({
  id: Schema.String,
  name: Schema.String,
  /** Free text in the public schema; the TypeScript profile gives `"Function"` a meaning. */
  type: Schema.String,
  properties: PropertiesMap,
  security_properties: SecurityProperties,
});

export const SecurityImplications = closed({
  information_flow: InformationFlow,
  privilege_escalation_risk: Schema.Boolean,
  resource_sharing: Schema.Boolean,
});

export const Relationship = closed({
  source_id: Schema.String,
  target_id: Schema.String,
  type: Schema.String,
  properties: PropertiesMap,
  security_implications: SecurityImplications,
});

/** Entity ids a contract or invariant constrains (TypeScript profile). */
export const AppliesTo = Schema.Array(Schema.String);

export const Invariant = closed({
  id: Schema.String,
  description: Schema.String,
  formal_representation: Schema.String,
  security_relevance: Schema.Boolean,
  applies_to: Schema.optionalKey(AppliesTo),
});

export const SecurityContract = closed({
  id: Schema.String,
  description: Schema.String,
  preconditions: Schema.Array(Schema.String),
  postconditions: Schema.Array(Schema.String),
  /** ids of entries in `semantics.invariants` */
  invariants: Schema.Array(Schema.String),
  applies_to: Schema.optionalKey(AppliesTo),
});

export const Semantics = closed({
  entities: Schema.Array(Entity),
  relationships: Schema.Array(Relationship),
  invariants: Schema.Array(Invariant),
  security_contracts: Schema.Array(SecurityContract),
});
