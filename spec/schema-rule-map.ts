/**
 * Which §5 rule a structural problem belongs to. "present and complete" rules (6.1.2, 6.2.1,
 * 6.2.2, 6.3.1, 6.3.2, 6.4.1, 6.4.2) are about missing sections and missing fields; 6.1.1,
 * 6.1.3 and 6.1.4 are about specific fields. Everything else (a wrong type, an unknown key,
 * a bad enum value outside those fields) is `schema`.
 */
import type { PathSegment } from "./json-pointer.js";

export type SchemaLeafKind = "missing" | "unexpected" | "invalid";

export const ruleForSchemaIssue = (path: readonly PathSegment[], kind: SchemaLeafKind): string => {
  const [top, second, third, fourth] = path;
  // A whole section missing, or a section that is not even an object, is that section's
  // "present" rule; a field missing inside it is its "complete" rule.
  const sectionProblem = kind === "missing" || (kind === "invalid" && path.length === 1);
  switch (top) {
    case "anrf_version":
      return "V6.1.1";
    case "security":
      if (second === "safety_level" && kind !== "unexpected") return "V6.1.3";
      if (second === "isolation_requirements" && (path.length > 2 || kind === "invalid")) return "V6.1.4";
      return sectionProblem ? "V6.1.2" : "schema";
    case "intent":
      if (second === "security_intentions" && (kind === "missing" || path.length === 2)) return "V6.2.2";
      return sectionProblem ? "V6.2.1" : "schema";
    case "semantics":
      if (second === "entities" && fourth === "security_properties" && (kind === "missing" || path.length === 4)) {
        return "V6.3.2";
      }
      void third;
      return sectionProblem ? "V6.3.1" : "schema";
    case "execution":
      // The mounts declaration is the profile's extension: its shape belongs to the mounts rule.
      if (second === "x-anrf-filesystem-mounts") return "mounts";
      if (second === "security_enforcement" && (kind === "missing" || path.length === 2)) return "V6.4.2";
      return sectionProblem ? "V6.4.1" : "schema";
    default:
      return "schema";
  }
};
