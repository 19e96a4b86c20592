/** §5 6.4: the execution layer (6.4.1 and 6.4.2 are structural, reported from the schema). */
import { error } from "../finding.js";
import type { Rule } from "./rule.js";

const ENFORCEMENT = "/execution/security_enforcement";

export const executionRules: readonly Rule[] = [
  {
    id: "V6.4.3",
    title: "at least one memory-safety mechanism",
    check: (doc) =>
      doc.execution.security_enforcement.memory_safety_mechanisms.length > 0
        ? []
        : [
            error(
              "V6.4.3",
              `${ENFORCEMENT}/memory_safety_mechanisms`,
              "no memory-safety mechanism is declared",
              "add one, e.g. { mechanism: 'BoundsChecking', scope: 'Global', enforcement_point: 'Runtime' }",
            ),
          ],
  },
  {
    id: "V6.4.4",
    title: "at least one sandboxing mechanism",
    check: (doc) =>
      doc.execution.security_enforcement.sandboxing_mechanisms.length > 0
        ? []
        : [
            error(
              "V6.4.4",
              `${ENFORCEMENT}/sandboxing_mechanisms`,
              "no sandboxing mechanism is declared",
              "add one, e.g. { mechanism: 'CapabilityModel', scope: 'Module', enforcement_point: 'Runtime' }",
            ),
          ],
  },
  {
    id: "V6.4.5",
    title: "override_mechanisms.enabled true ⇒ equals override_status",
    check: (doc) =>
      doc.execution.security_enforcement.override_mechanisms.enabled && !doc.security.override_status
        ? [
            error(
              "V6.4.5",
              `${ENFORCEMENT}/override_mechanisms/enabled`,
              "override mechanisms are enabled but security.override_status is false",
              "disable override_mechanisms (enabled: false) or declare the override in the security section",
            ),
          ]
        : [],
  },
];
