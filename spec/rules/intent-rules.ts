/** §5 6.2: the intent layer (6.2.1 and 6.2.2 are structural, reported from the schema). */
import { error } from "../finding.js";
import { isBlank, type Rule } from "./rule.js";

export const intentRules: readonly Rule[] = [
  {
    id: "V6.2.3",
    title: "override_intention.allowed true ⇒ its justification non-empty",
    check: (doc) => {
      const intention = doc.intent.security_intentions.override_intention;
      return intention.allowed && isBlank(intention.justification)
        ? [
            error(
              "V6.2.3",
              "/intent/security_intentions/override_intention/justification",
              "override_intention.allowed is true but its justification is empty",
              "say why an override may be needed, or set allowed to false",
            ),
          ]
        : [];
    },
  },
  {
    id: "V6.2.4",
    title: "at least one requirement of type Security",
    check: (doc) =>
      doc.intent.requirements.some((r) => r.type === "Security")
        ? []
        : [
            error(
              "V6.2.4",
              "/intent/requirements",
              "no requirement of type Security",
              "add a requirement with type 'Security' stating what the code must guarantee (e.g. no out-of-bounds access)",
            ),
          ],
  },
];
