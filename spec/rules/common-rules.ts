/**
 * §5 6.1: the common part. 6.1.1–6.1.4 are mostly structural and reported from the schema
 * (schema-rule-map.ts); the checks here cover what a schema cannot say.
 */
import { error, warning, type Finding } from "../finding.js";
import { isBlank, type Rule } from "./rule.js";

const RESOURCE_LIMITS = "/security/isolation_requirements/resource_limits";

export const commonRules: readonly Rule[] = [
  {
    id: "V6.1.4",
    title: "isolation_requirements valid",
    check: (doc) => {
      const out: Finding[] = [];
      const iso = doc.security.isolation_requirements;
      const limits = iso.resource_limits;
      for (const [key, unit] of [
        ["cpu", "cores"],
        ["memory", "MiB"],
        ["time", "milliseconds"],
      ] as const) {
        const value = limits[key];
        if (!(Number.isFinite(value) && value > 0)) {
          out.push(
            error(
              "V6.1.4",
              `${RESOURCE_LIMITS}/${key}`,
              `resource limit '${key}' must be a positive number of ${unit}, got ${value}`,
              `set ${key} to the most the code may use, e.g. ${key === "cpu" ? "1" : key === "memory" ? "64" : "1000"}`,
            ),
          );
        }
      }
      if (iso.process_isolation && !iso.memory_isolation) {
        out.push(
          warning(
            "V6.1.4",
            "/security/isolation_requirements/memory_isolation",
            "process_isolation is true but memory_isolation is false; process isolation implies memory isolation",
            "set memory_isolation to true to say what the document already requires",
          ),
        );
      }
      return out;
    },
  },
  {
    id: "V6.1.5",
    title: "override_status true ⇒ override_justification non-empty",
    check: (doc) =>
      doc.security.override_status && isBlank(doc.security.override_justification)
        ? [
            error(
              "V6.1.5",
              "/security/override_justification",
              "override_status is true but override_justification is empty",
              "explain why the security defaults are overridden, or set override_status to false",
            ),
          ]
        : [],
  },
  {
    id: "V6.1.6",
    title: "override_status true ⇒ override_approval complete",
    check: (doc) => {
      if (!doc.security.override_status) return [];
      const approval = doc.security.override_approval;
      return (["approver_id", "approval_timestamp", "approval_context"] as const)
        .filter((key) => isBlank(approval[key]))
        .map((key) =>
          error(
            "V6.1.6",
            `/security/override_approval/${key}`,
            `override_status is true but override_approval.${key} is ${approval[key] === null ? "null" : "empty"}`,
            "an override needs a recorded approval: approver_id, approval_timestamp and approval_context",
          ),
        );
    },
  },
];
