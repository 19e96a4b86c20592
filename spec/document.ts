/**
 * The whole ANRF 1.1.0 document as Effect Schema (shared/anrf/ANRF-1.1.md §1–§4 and the
 * TypeScript profile of §6). Every TypeScript type the rest of the code uses for document
 * parts is derived from these schemas — none is written by hand. Schemas are exported with a
 * `Schema` suffix, the derived types under the plain name.
 */
import * as Schema from "effect/Schema";
import { closed, Rfc3339 } from "./schema/common.js";
import * as Common from "./schema/security.js";
import * as IntentLayer from "./schema/intent.js";
import * as SemanticLayer from "./schema/semantics.js";
import * as ExecutionLayer from "./schema/execution.js";

/** The only version this toolchain reads; older documents go through `anrf migrate`. */
export const SUPPORTED_VERSION = "1.1.0";

export const AnrfDocumentSchema = closed({
  anrf_version: Schema.Literal(SUPPORTED_VERSION),
  creation_timestamp: Rfc3339,
  creator_id: Schema.String,
  security: Common.Security,
  dependencies: Schema.Array(Common.Dependency),
  verification_status: Common.VerificationStatus,
  intent: IntentLayer.Intent,
  semantics: SemanticLayer.Semantics,
  execution: ExecutionLayer.Execution,
});

export const SecuritySchema = Common.Security;
export const IntentSchema = IntentLayer.Intent;
export const SemanticsSchema = SemanticLayer.Semantics;
export const ExecutionSchema = ExecutionLayer.Execution;
export const EntitySchema = SemanticLayer.Entity;
export const RelationshipSchema = SemanticLayer.Relationship;
export const InvariantSchema = SemanticLayer.Invariant;
export const SecurityContractSchema = SemanticLayer.SecurityContract;
export const FilesystemMountSchema = ExecutionLayer.FilesystemMount;

type T<S extends Schema.Top> = Schema.Schema.Type<S>;

export type AnrfDocument = T<typeof AnrfDocumentSchema>;
// common part
export type Security = T<typeof Common.Security>;
export type SafetyLevel = T<typeof Common.SafetyLevel>;
export type IsolationRequirements = T<typeof Common.IsolationRequirements>;
export type ResourceLimits = T<typeof Common.ResourceLimits>;
export type FilesystemAccess = T<typeof Common.FilesystemAccess>;
export type OverrideApproval = T<typeof Common.OverrideApproval>;
export type AuditEvent = T<typeof Common.AuditEvent>;
export type Dependency = T<typeof Common.Dependency>;
export type VerificationStatus = T<typeof Common.VerificationStatus>;
// intent
export type Intent = T<typeof IntentLayer.Intent>;
export type Requirement = T<typeof IntentLayer.Requirement>;
export type Constraint = T<typeof IntentLayer.Constraint>;
export type SecurityIntentions = T<typeof IntentLayer.SecurityIntentions>;
export type OverrideIntention = T<typeof IntentLayer.OverrideIntention>;
// semantics
export type Semantics = T<typeof SemanticLayer.Semantics>;
export type Entity = T<typeof SemanticLayer.Entity>;
export type SecurityProperties = T<typeof SemanticLayer.SecurityProperties>;
export type FormalGuarantee = T<typeof SemanticLayer.FormalGuarantee>;
export type Relationship = T<typeof SemanticLayer.Relationship>;
export type Invariant = T<typeof SemanticLayer.Invariant>;
export type SecurityContract = T<typeof SemanticLayer.SecurityContract>;
// execution
export type Execution = T<typeof ExecutionLayer.Execution>;
export type ExecutionFormat = T<typeof ExecutionLayer.ExecutionFormat>;
export type TargetEnvironment = T<typeof ExecutionLayer.TargetEnvironment>;
export type ResourceRequirements = T<typeof ExecutionLayer.ResourceRequirements>;
export type Optimization = T<typeof ExecutionLayer.Optimization>;
export type SecurityEnforcement = T<typeof ExecutionLayer.SecurityEnforcement>;
export type MemorySafetyMechanism = T<typeof ExecutionLayer.MemorySafetyMechanism>;
export type SandboxingMechanism = T<typeof ExecutionLayer.SandboxingMechanism>;
export type OverrideMechanisms = T<typeof ExecutionLayer.OverrideMechanisms>;
export type FilesystemMount = T<typeof ExecutionLayer.FilesystemMount>;
