import type { ObligationKind, ObligationResult } from "../../verifier/obligation.js";

/** What the runtime checks at a site, per obligation kind (docs for `anrf explain`). */
const WHAT_IT_TESTS: Record<ObligationKind, string> = {
  bounds: "the index is an integer with 0 <= index < length before the element access",
  precondition: "the callee's precondition on the actual arguments before the call",
  argument: "typeof of the argument, right after it is evaluated and before the call (the test the host applies to an entry argument of that type)",
  postcondition: "the contract clause on the returned value (and old() values captured at entry) before returning",
  invariant: "the loop invariant on entry and after every iteration",
  capability: "the path lies under a declared mount with no '..' segment (or the network use is refused) before the capability is used",
  type: "nothing: type errors cannot be checked at run time; the claim type_safe is reported, not enforced",
  informal: "nothing: a prose clause has no executable meaning",
  unverifiable: "nothing: the document carries no code to instrument",
};

const CHECKABLE: ReadonlySet<ObligationKind> = new Set(["bounds", "precondition", "argument", "postcondition", "invariant", "capability"]);

/**
 * The runtime consequence of a verdict (issue 5: checks only where proofs failed). Modes:
 * production inserts only unproved checks; development and testing insert every check
 * (development with rich messages, testing also counting which checks ran).
 */
export function runtimeConsequence(o: ObligationResult): string[] {
  const at = `${o.location.file}:${o.location.line}:${o.location.column} (offsets ${o.site.start}–${o.site.end})`;
  if (!CHECKABLE.has(o.kind)) return [`no runtime check: ${WHAT_IT_TESTS[o.kind]}`];
  if (o.status === "proved") {
    return [
      `production: no check inserted at ${at} — proved, so the check would never fail`,
      `development/testing: a check is still inserted there (every check runs; testing counts them), testing ${WHAT_IT_TESTS[o.kind]}`,
    ];
  }
  return [
    `every mode: a check is inserted at ${at}, testing ${WHAT_IT_TESTS[o.kind]}`,
    `a violation stops the run with obligation id ${o.id} (policy: terminate by default, or degrade to the declared fallback)`,
    "development: rich message with the failing values; testing: also counts how often the check ran; production: the same check, terse message",
  ];
}
