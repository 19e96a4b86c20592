/**
 * Every rule id a finding can carry, in documentation order, with what it checks. The
 * single list behind docs/rules.md and the "every rule has an example" test.
 */
export interface RuleInfo {
  readonly id: string;
  readonly title: string;
  /** Where the check lives: structural (schema), a document rule, or reading the input. */
  readonly kind: "input" | "schema" | "rule";
}

export const RULE_CATALOG: readonly RuleInfo[] = [
  { id: "io", title: "the file can be read", kind: "input" },
  { id: "size", title: "the file is not larger than the limit (default 10 MiB, --max-bytes)", kind: "input" },
  { id: "json", title: "the file is UTF-8 JSON (syntax errors with line:column), not absurdly nested", kind: "input" },
  { id: "root", title: "the top level is a JSON object", kind: "input" },
  { id: "V6.1.1", title: "anrf_version present, a semantic version, and supported (1.1.0)", kind: "schema" },
  { id: "V6.1.2", title: "security present and complete", kind: "schema" },
  { id: "V6.1.3", title: "safety_level valid", kind: "schema" },
  { id: "V6.1.4", title: "isolation_requirements valid", kind: "rule" },
  { id: "V6.1.5", title: "override_status true ⇒ override_justification non-empty", kind: "rule" },
  { id: "V6.1.6", title: "override_status true ⇒ override_approval complete", kind: "rule" },
  { id: "V6.2.1", title: "intent present and complete", kind: "schema" },
  { id: "V6.2.2", title: "security_intentions present and complete", kind: "schema" },
  { id: "V6.2.3", title: "override_intention.allowed true ⇒ its justification non-empty", kind: "rule" },
  { id: "V6.2.4", title: "at least one requirement of type Security", kind: "rule" },
  { id: "V6.3.1", title: "semantics present and complete", kind: "schema" },
  { id: "V6.3.2", title: "every entity has security_properties", kind: "schema" },
  { id: "V6.3.3", title: "entities are memory_safe: true by default", kind: "rule" },
  { id: "V6.3.4", title: "memory_safe: false requires override_status: true", kind: "rule" },
  { id: "V6.3.5", title: "at least one formal_guarantees entry in the document", kind: "rule" },
  { id: "V6.4.1", title: "execution present and complete", kind: "schema" },
  { id: "V6.4.2", title: "security_enforcement present and complete", kind: "schema" },
  { id: "V6.4.3", title: "at least one memory-safety mechanism", kind: "rule" },
  { id: "V6.4.4", title: "at least one sandboxing mechanism", kind: "rule" },
  { id: "V6.4.5", title: "override_mechanisms.enabled true ⇒ equals override_status", kind: "rule" },
  { id: "V7.1", title: "security properties consistent across layers", kind: "rule" },
  { id: "V7.2", title: "override status consistent across layers", kind: "rule" },
  { id: "V7.3", title: "enforcement mechanisms align with properties", kind: "rule" },
  { id: "V7.4", title: "verification status consistent with security properties", kind: "rule" },
  { id: "schema", title: "every other structural problem: wrong type, unknown field, bad enum value", kind: "schema" },
  { id: "unique-id", title: "ids unique within their collection; one Function entity per function name", kind: "rule" },
  { id: "reference", title: "every reference resolves", kind: "rule" },
  { id: "applies-to", title: "contracts and directly used invariants resolve to the entities they constrain", kind: "rule" },
  { id: "format", title: "execution.format carries code the verifier can check", kind: "rule" },
  { id: "code", title: "exactly one of execution.code and execution.source with a code format", kind: "rule" },
  { id: "source", title: "execution.source names a readable file inside the document's folder tree", kind: "input" },
  { id: "mounts", title: "x-anrf-filesystem-mounts well formed and consistent with the filesystem grant", kind: "rule" },
  { id: "function-name", title: "a Function entity's name is a function identifier", kind: "rule" },
  { id: "internal", title: "a bug in anrf (a rule threw); never expected", kind: "input" },
];
