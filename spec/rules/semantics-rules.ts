/** §5 6.3: the semantic layer (6.3.1 and 6.3.2 are structural, reported from the schema). */
import { error, warning } from "../finding.js";
import type { Rule } from "./rule.js";

export const semanticsRules: readonly Rule[] = [
  {
    id: "V6.3.3",
    title: "entities are memory_safe: true by default",
    // Leaving the default is allowed (with an override, 6.3.4) but never silent.
    check: (doc) =>
      doc.semantics.entities.flatMap((entity, i) =>
        entity.security_properties.memory_safe
          ? []
          : [
              warning(
                "V6.3.3",
                `/semantics/entities/${i}/security_properties/memory_safe`,
                `entity '${entity.id}' departs from the memory-safe default (memory_safe: false)`,
                "make the entity memory safe, or keep it and record an override (see V6.3.4)",
              ),
            ],
      ),
  },
  {
    id: "V6.3.4",
    title: "memory_safe: false requires override_status: true",
    check: (doc) =>
      doc.security.override_status
        ? []
        : doc.semantics.entities.flatMap((entity, i) =>
            entity.security_properties.memory_safe
              ? []
              : [
                  error(
                    "V6.3.4",
                    `/semantics/entities/${i}/security_properties/memory_safe`,
                    `entity '${entity.id}' is not memory safe but security.override_status is false`,
                    "set memory_safe to true, or declare an override (override_status, justification, approval)",
                  ),
                ],
          ),
  },
  {
    id: "V6.3.5",
    title: "at least one formal_guarantees entry in the document",
    check: (doc) =>
      doc.semantics.entities.some((e) => e.security_properties.formal_guarantees.length > 0)
        ? []
        : [
            error(
              "V6.3.5",
              "/semantics/entities",
              "no entity states a formal guarantee (security_properties.formal_guarantees is empty everywhere)",
              "add a formal_guarantees entry, e.g. { property_type: 'MemorySafety', property_description, verification_approach }",
            ),
          ],
  },
];
