/** §4 of ANRF-1.1.md: the execution layer, plus the TypeScript profile's code fields and mounts. */
import * as Schema from "effect/Schema";
import { closed, EnforcementPoint } from "./common.js";

export const SecurityImpact = Schema.Literals(["None", "Low", "Medium", "High"]);
export const MemorySafetyMechanismKind = Schema.Literals([
  "BoundsChecking",
  "PointerValidation",
  "MemoryIsolation",
  "GarbageCollection",
]);
export const SandboxingMechanismKind = Schema.Literals([
  "ProcessIsolation",
  "MemoryIsolation",
  "ResourceLimiting",
  "CapabilityModel",
]);
export const AuditRequirements = Schema.Literals(["None", "LogOnly", "ApprovalRequired"]);
/** `execution.format` (TypeScript profile). Only typescript/javascript carry checkable code. */
export const ExecutionFormat = Schema.Literals(["typescript", "javascript", "graph", "bytecode", "ir", "native", "ast"]);

export const SecurityFeatures = closed({
  hardware_memory_protection: Schema.Boolean,
  address_space_layout_randomization: Schema.Boolean,
  control_flow_integrity: Schema.Boolean,
  sandboxing_support: Schema.Boolean,
});

export const TargetEnvironment = closed({
  platform: Schema.String,
  runtime_version: Schema.String,
  security_features: SecurityFeatures,
});

export const ResourceRequirements = closed({
  cpu: Schema.Finite,
  memory: Schema.Finite,
  time_complexity: Schema.String,
  space_complexity: Schema.String,
});

export const Optimization = closed({
  type: Schema.String,
  description: Schema.String,
  security_impact: SecurityImpact,
  security_verification: Schema.String,
});

export const MemorySafetyMechanism = closed({
  mechanism: MemorySafetyMechanismKind,
  scope: Schema.Literals(["Global", "Function", "Block"]),
  enforcement_point: EnforcementPoint,
});

export const SandboxingMechanism = closed({
  mechanism: SandboxingMechanismKind,
  scope: Schema.Literals(["Global", "Function", "Module"]),
  enforcement_point: EnforcementPoint,
});

export const OverrideMechanisms = closed({
  enabled: Schema.Boolean,
  scope: Schema.Literals(["Global", "Function", "Module", "Block"]),
  enforcement_point: EnforcementPoint,
  audit_requirements: AuditRequirements,
});

export const SecurityEnforcement = closed({
  memory_safety_mechanisms: Schema.Array(MemorySafetyMechanism),
  sandboxing_mechanisms: Schema.Array(SandboxingMechanism),
  override_mechanisms: OverrideMechanisms,
});

/**
 * One filesystem mount (docs/capabilities.md): `mount` is the virtual absolute path the
 * module uses, `path` the real directory (relative to the document's folder, or absolute).
 * The shape rules (absolute, no `..`, no trailing `/`) are the `mounts` rule, not the
 * schema, so that they get a rule id and a hint.
 */
export const FilesystemMount = closed({
  mount: Schema.String,
  path: Schema.String,
});

export const Execution = closed({
  target_environment: TargetEnvironment,
  resource_requirements: ResourceRequirements,
  optimizations: Schema.Array(Optimization),
  security_enforcement: SecurityEnforcement,
  format: Schema.optionalKey(ExecutionFormat),
  /** The module source inline (TypeScript profile). */
  code: Schema.optionalKey(Schema.String),
  /** A path, relative to the document, of the module source (TypeScript profile). */
  source: Schema.optionalKey(Schema.String),
  "x-anrf-filesystem-mounts": Schema.optionalKey(Schema.Array(FilesystemMount)),
});
