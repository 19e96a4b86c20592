/**
 * The whole ANRF 1.1.0 document as Effect Schema (shared/anrf/ANRF-1.1.md §1–§4 and the
 * TypeScript profile of §6). Every TypeScript type the rest of the code uses for document
 * parts is derived from these schemas — none is written by hand.
 */
import { Schema } from "effect";
import { closed, Rfc3339 } from "./schema/common.js";
import { Dependency, Security, VerificationStatus, AuditEvent, IsolationRequirements, ResourceLimits } from "./schema/security.js";
import { Intent, Requirement, Constraint, SecurityIntentions } from "./schema/intent.js";
import {
  Semantics,
  Entity as EntitySchema,
  Relationship as RelationshipSchema,
  Invariant as InvariantSchema,
  SecurityContract as SecurityContractSchema,
  SecurityProperties,
  FormalGuarantee,
} from "./schema/semantics.js";
import {
  Execution,
  SecurityEnforcement,
  FilesystemMount,
  MemorySafetyMechanism,
  SandboxingMechanism,
  ExecutionFormat,
} from "./schema/execution.js";

/** The only version this toolchain reads; older documents go through `anrf migrate`. */
export const SUPPORTED_VERSION = "1.1.0";

export const AnrfDocumentSchema = closed({
  anrf_version: Schema.Literal(SUPPORTED_VERSION),
  creation_timestamp: Rfc3339,
  creator_id: Schema.String,
  security: Security,
  dependencies: Schema.Array(Dependency),
  verification_status: VerificationStatus,
  intent: Intent,
  semantics: Semantics,
  execution: Execution,
});

export {
  Security as SecuritySchema,
  Intent as IntentSchema,
  Semantics as SemanticsSchema,
  Execution as ExecutionSchema,
  EntitySchema,
  RelationshipSchema,
  InvariantSchema,
  SecurityContractSchema,
  FilesystemMount as FilesystemMountSchema,
};

export type AnrfDocument = Schema.Schema.Type<typeof AnrfDocumentSchema>;
export type Security = Schema.Schema.Type<typeof Security>;
export type IsolationRequirementsT = Schema.Schema.Type<typeof IsolationRequirements>;
export type ResourceLimitsT = Schema.Schema.Type<typeof ResourceLimits>;
export type AuditEventT = Schema.Schema.Type<typeof AuditEvent>;
export type DependencyT = Schema.Schema.Type<typeof Dependency>;
export type VerificationStatusT = Schema.Schema.Type<typeof VerificationStatus>;
export type IntentT = Schema.Schema.Type<typeof Intent>;
export type RequirementT = Schema.Schema.Type<typeof Requirement>;
export type ConstraintT = Schema.Schema.Type<typeof Constraint>;
export type SecurityIntentionsT = Schema.Schema.Type<typeof SecurityIntentions>;
export type SemanticsT = Schema.Schema.Type<typeof Semantics>;
export type Entity = Schema.Schema.Type<typeof EntitySchema>;
export type Relationship = Schema.Schema.Type<typeof RelationshipSchema>;
export type Invariant = Schema.Schema.Type<typeof InvariantSchema>;
export type SecurityContract = Schema.Schema.Type<typeof SecurityContractSchema>;
export type SecurityPropertiesT = Schema.Schema.Type<typeof SecurityProperties>;
export type FormalGuaranteeT = Schema.Schema.Type<typeof FormalGuarantee>;
export type ExecutionT = Schema.Schema.Type<typeof Execution>;
export type ExecutionFormatT = Schema.Schema.Type<typeof ExecutionFormat>;
export type SecurityEnforcementT = Schema.Schema.Type<typeof SecurityEnforcement>;
export type MemorySafetyMechanismT = Schema.Schema.Type<typeof MemorySafetyMechanism>;
export type SandboxingMechanismT = Schema.Schema.Type<typeof SandboxingMechanism>;
export type FilesystemMountT = Schema.Schema.Type<typeof FilesystemMount>;
