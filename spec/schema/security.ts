/** §1 of ANRF-1.1.md: the mandatory `security` section of the common part. */
import * as Schema from "effect/Schema";
import { closed, NullableString } from "./common.js";

export const SafetyLevel = Schema.Literals(["MemorySafe", "TypeSafe", "ResourceBounded"]);
export const FilesystemAccess = Schema.Literals(["None", "ReadOnly", "ReadWrite"]);
export const AuditEventType = Schema.Literals(["Creation", "Modification", "Override", "Verification"]);

export const ResourceLimits = closed({
  /** cores, may be fractional */
  cpu: Schema.Finite,
  /** MiB */
  memory: Schema.Finite,
  /** milliseconds of wall time */
  time: Schema.Finite,
  network: Schema.Boolean,
  filesystem: FilesystemAccess,
});

export const IsolationRequirements = closed({
  process_isolation: Schema.Boolean,
  memory_isolation: Schema.Boolean,
  resource_limits: ResourceLimits,
});

export const OverrideApproval = closed({
  approver_id: NullableString,
  approval_timestamp: NullableString,
  approval_context: NullableString,
});

export const AuditEvent = closed({
  event_type: AuditEventType,
  timestamp: Schema.String,
  actor_id: Schema.String,
  description: Schema.String,
});

export const Security = closed({
  safety_level: SafetyLevel,
  isolation_requirements: IsolationRequirements,
  override_status: Schema.Boolean,
  override_justification: NullableString,
  override_approval: OverrideApproval,
  audit_trail: Schema.Array(AuditEvent),
});

export const Dependency = closed({
  id: Schema.String,
  version: Schema.String,
  security_compatibility: Schema.Boolean,
});

export const VerificationStatus = closed({
  verified: Schema.Boolean,
  verification_timestamp: NullableString,
  verification_method: NullableString,
  verification_results: Schema.NullOr(Schema.Record(Schema.String, Schema.Json)),
});
