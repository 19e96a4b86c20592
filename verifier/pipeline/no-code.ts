import type { AnrfDocument } from "../../spec/document.js";
import { warning, type Finding } from "../../spec/finding.js";
import type { ObligationResult } from "../obligation.js";

/**
 * A document without checkable code still makes code-level claims (formal_guarantees). They
 * are reported `unverifiable` (status unsupported) with a warning: never verified.
 */
export function unverifiableGuarantees(document: AnrfDocument, file: string): { obligations: ObligationResult[]; findings: Finding[] } {
  const format = document.execution.format;
  const why =
    format === undefined
      ? "the document carries no code (no execution.format)"
      : `execution.format '${format}' carries nothing the verifier can check`;
  const obligations: ObligationResult[] = [];
  const findings: Finding[] = [];
  document.semantics.entities.forEach((entity, e) => {
    entity.security_properties.formal_guarantees.forEach((guarantee, g) => {
      obligations.push({
        id: `${entity.id}/unverifiable/1:1${g === 0 ? "" : `#${g}`}`,
        entity: entity.id,
        kind: "unverifiable",
        status: "unsupported",
        location: { file, line: 1, column: 1 },
        site: { start: 0, end: 0 },
        description: `${guarantee.property_type}: ${guarantee.property_description}`,
        reason: `unverifiable: ${why}`,
        counterexample: null,
        smt: null,
        source: "static",
      });
      findings.push(
        warning(
          "unverifiable",
          `/semantics/entities/${e}/security_properties/formal_guarantees/${g}`,
          `${guarantee.property_type} guarantee of '${entity.id}' cannot be verified: ${why}`,
          "add the module as execution.code or execution.source with format 'typescript' to have it verified",
        ),
      );
    });
  });
  return { obligations, findings };
}
