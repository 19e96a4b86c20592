/** §5 7: consistency across the common part, intent, semantics and execution. */
import { error, warning, type Finding } from "../finding.js";
import type { Rule } from "./rule.js";

const GUARANTEE_PROPERTY = {
  MemorySafety: "memory_safe",
  TypeSafety: "type_safe",
  ResourceBounds: "resource_bounded",
} as const;

export const crossLayerRules: readonly Rule[] = [
  {
    id: "V7.1",
    title: "security properties consistent across layers",
    check: (doc) => {
      const out: Finding[] = [];
      const intentions = doc.intent.security_intentions;
      const override = doc.security.override_status;
      const iso = doc.security.isolation_requirements;
      if (intentions.isolation_required && !iso.process_isolation && !iso.memory_isolation) {
        out.push(
          error(
            "V7.1",
            "/security/isolation_requirements",
            "intent requires isolation but neither process_isolation nor memory_isolation is set",
            "set process_isolation and/or memory_isolation to true, or isolation_required to false",
          ),
        );
      }
      doc.semantics.entities.forEach((entity, i) => {
        const props = entity.security_properties;
        const at = `/semantics/entities/${i}/security_properties`;
        if (intentions.memory_safety_required && !props.memory_safe && !override) {
          out.push(
            error(
              "V7.1",
              `${at}/memory_safe`,
              `intent requires memory safety but entity '${entity.id}' is memory_safe: false without an override`,
              "make the entity memory safe, or record an override in the security section",
            ),
          );
        }
        if (intentions.resource_constraints_required && !props.resource_bounded && !override) {
          out.push(
            error(
              "V7.1",
              `${at}/resource_bounded`,
              `intent requires resource constraints but entity '${entity.id}' is resource_bounded: false without an override`,
              "bound the entity's resources, or record an override in the security section",
            ),
          );
        }
        if (doc.security.safety_level === "TypeSafe" && !props.type_safe && !override) {
          out.push(
            error(
              "V7.1",
              `${at}/type_safe`,
              `safety_level is TypeSafe but entity '${entity.id}' is type_safe: false without an override`,
              "make the entity type safe, lower the safety_level, or record an override",
            ),
          );
        }
        if (doc.security.safety_level === "ResourceBounded" && !props.resource_bounded && !override) {
          out.push(
            error(
              "V7.1",
              `${at}/resource_bounded`,
              `safety_level is ResourceBounded but entity '${entity.id}' is resource_bounded: false without an override`,
              "bound the entity's resources, lower the safety_level, or record an override",
            ),
          );
        }
        props.formal_guarantees.forEach((g, k) => {
          if (g.property_type === "DataIsolation") return;
          const property = GUARANTEE_PROPERTY[g.property_type];
          if (!props[property]) {
            out.push(
              error(
                "V7.1",
                `${at}/formal_guarantees/${k}/property_type`,
                `entity '${entity.id}' claims a ${g.property_type} guarantee but is ${property}: false`,
                `remove the guarantee or set ${property} to true`,
              ),
            );
          }
        });
      });
      return out;
    },
  },
  {
    id: "V7.2",
    title: "override status consistent across layers",
    check: (doc) => {
      const status = doc.security.override_status;
      const allowed = doc.intent.security_intentions.override_intention.allowed;
      const enabled = doc.execution.security_enforcement.override_mechanisms.enabled;
      const out: Finding[] = [];
      if (status && !allowed) {
        out.push(
          error(
            "V7.2",
            "/intent/security_intentions/override_intention/allowed",
            "security.override_status is true but the intent does not allow overrides",
            "set override_intention.allowed to true (with a justification) or remove the override",
          ),
        );
      }
      if (status && !enabled) {
        out.push(
          error(
            "V7.2",
            "/execution/security_enforcement/override_mechanisms/enabled",
            "security.override_status is true but the execution layer has override mechanisms disabled",
            "enable override_mechanisms, or remove the override",
          ),
        );
      }
      if (enabled && !allowed) {
        out.push(
          error(
            "V7.2",
            "/execution/security_enforcement/override_mechanisms/enabled",
            "override mechanisms are enabled but the intent does not allow overrides",
            "disable override_mechanisms, or allow overrides in intent.security_intentions.override_intention",
          ),
        );
      }
      return out;
    },
  },
  {
    id: "V7.3",
    title: "enforcement mechanisms align with properties",
    check: (doc) => {
      const out: Finding[] = [];
      const iso = doc.security.isolation_requirements;
      const enforcement = doc.execution.security_enforcement;
      const sandboxing = new Set(enforcement.sandboxing_mechanisms.map((m) => m.mechanism));
      const memory = new Set(enforcement.memory_safety_mechanisms.map((m) => m.mechanism));
      if (iso.process_isolation && !sandboxing.has("ProcessIsolation")) {
        out.push(
          error(
            "V7.3",
            "/security/isolation_requirements/process_isolation",
            "process_isolation is required but no ProcessIsolation sandboxing mechanism is declared",
            "add { mechanism: 'ProcessIsolation', … } to execution.security_enforcement.sandboxing_mechanisms",
          ),
        );
      }
      // Process isolation implies memory isolation: a separate process has its own address space.
      const memoryIsolated =
        sandboxing.has("MemoryIsolation") || sandboxing.has("ProcessIsolation") || memory.has("MemoryIsolation");
      if (iso.memory_isolation && !memoryIsolated) {
        out.push(
          error(
            "V7.3",
            "/security/isolation_requirements/memory_isolation",
            "memory_isolation is required but no MemoryIsolation or ProcessIsolation mechanism is declared",
            "add a MemoryIsolation (or ProcessIsolation) sandboxing mechanism",
          ),
        );
      }
      // Memory-safe entities without any memory-safety mechanism are V6.4.3 already.
      return out;
    },
  },
  {
    id: "V7.4",
    title: "verification status consistent with security properties",
    check: (doc) =>
      doc.verification_status.verified
        ? [
            warning(
              "V7.4",
              "/verification_status/verified",
              "the document claims verified: true; this claim is not substantiated by validation",
              "run 'anrf verify' — it recomputes every obligation and never trusts the claim",
            ),
          ]
        : [],
  },
];
