/** §2 of ANRF-1.1.md: the intent layer. */
import * as Schema from "effect/Schema";
import { closed, NullableString } from "./common.js";

export const RequirementType = Schema.Literals(["Functional", "Security", "Performance", "Reliability"]);
export const Priority = Schema.Literals(["Critical", "High", "Medium", "Low"]);
export const ConstraintType = Schema.Literals(["Security", "Performance", "Compatibility", "Resource"]);
export const EnforcementLevel = Schema.Literals(["Mandatory", "Recommended", "Optional"]);

export const Requirement = closed({
  id: Schema.String,
  description: Schema.String,
  type: RequirementType,
  priority: Priority,
  verification_approach: Schema.String,
});

export const OverrideIntention = closed({
  allowed: Schema.Boolean,
  conditions: NullableString,
  justification: NullableString,
});

export const SecurityIntentions = closed({
  memory_safety_required: Schema.Boolean,
  isolation_required: Schema.Boolean,
  resource_constraints_required: Schema.Boolean,
  override_intention: OverrideIntention,
});

export const Constraint = closed({
  id: Schema.String,
  description: Schema.String,
  type: ConstraintType,
  enforcement_level: EnforcementLevel,
});

export const Intent = closed({
  description: Schema.String,
  requirements: Schema.Array(Requirement),
  security_intentions: SecurityIntentions,
  constraints: Schema.Array(Constraint),
});
