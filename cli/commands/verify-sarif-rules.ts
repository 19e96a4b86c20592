/**
 * SARIF reportingDescriptors, one namespaced id scheme: `anrf/<kind>` per obligation kind
 * (`anrf/bounds`, …), `anrf/rule/<id>` per validation rule of docs/rules.md (`anrf/rule/V6.1.5`,
 * `anrf/rule/schema`), `anrf/verifier/<id>` for verifier findings outside the catalogue
 * (`anrf/verifier/extract`). Each has a helpUri to its own docs section (anchors checked by
 * test/cli/sarif-multitool.test.ts). Texts only change with anrf itself, so code scanning sees a
 * stable rule set (it keys alerts by rule id).
 */
import { RULE_CATALOG } from "../../spec/rule-catalog.js";
import type { ObligationKind } from "../../verifier/obligation.js";

export interface SarifRule {
  readonly id: string;
  readonly name: string;
  readonly shortDescription: { readonly text: string };
  readonly fullDescription: { readonly text: string };
  readonly help: { readonly text: string; readonly markdown: string };
  readonly helpUri?: string;
  readonly properties: { readonly tags: readonly string[] };
}

/** Absolute URL of anrf's docs/ folder (ends in `/`); helpUri must be absolute. */
export type DocsBase = string | undefined;

/** The docs anchor of a validation rule in docs/rules.md: `rule-v6-1-5`, `rule-unique-id`. */
export const ruleAnchor = (id: string): string => `rule-${id.toLowerCase().replace(/[^a-z0-9]+/g, "-")}`;
/** The docs anchor of an obligation kind in docs/verification.md. */
export const kindAnchor = (kind: ObligationKind): string => `obligation-${kind}`;
export const VERIFIER_FINDINGS_ANCHOR = "verifier-findings";

export const findingRuleId = (id: string): string => (RULE_CATALOG.some((r) => r.id === id) ? `anrf/rule/${id}` : `anrf/verifier/${id}`);

const KINDS: Record<ObligationKind, { readonly short: string; readonly full: string }> = {
  bounds: {
    short: "Element access in bounds",
    full: "Every element read or write (a[i], a[i] += v, s.charCodeAt(i)) on an array, typed array or string has an integer index with 0 <= i < length.",
  },
  precondition: {
    short: "Callee precondition holds at the call",
    full: "Each call of a Function entity of the document satisfies every precondition of the callee, with the actual arguments.",
  },
  argument: {
    short: "Argument has its parameter's type at the call",
    full: "Each number, string or boolean argument of a call of a Function entity inside the module is a primitive of the parameter's type (typeof), as the callee's proofs assume; checked before the call unless the module's code shows it.",
  },
  postcondition: {
    short: "Postcondition holds at the return",
    full: "Each return (or the fall-through end of the body) satisfies every postcondition and contract invariant of the entity, with `result`.",
  },
  invariant: {
    short: "Loop invariant holds",
    full: "A loop invariant (from the document, an @anrf-invariant comment, or inferred safe-integer ranges) holds on entry to the loop and after every iteration.",
  },
  type: {
    short: "Type-checks under strict",
    full: "An entity declared type_safe type-checks under TypeScript strict with no explicit any.",
  },
  capability: {
    short: "Capability use within the grant",
    full: "A filesystem path lies under a declared mount with no '..' segment and the filesystem is granted; network use is granted.",
  },
  informal: {
    short: "Informal contract clause",
    full: "A contract clause outside the contract language (prose): reported, never proved, and not checkable at run time.",
  },
  unverifiable: {
    short: "Guarantee without checkable code",
    full: "A code-level guarantee (formal_guarantees) of a document that carries no code the verifier can check: never verified.",
  },
};

/** Rule ids findings can carry that are not validation rules of docs/rules.md. */
const VERIFIER_FINDINGS: Record<string, string> = {
  unverifiable: "a code-level guarantee of a document without checkable code cannot be verified",
  extract: "obligation extraction failed (a bug in anrf): the module is not verified",
  override: "an override the document requests is not honoured (no valid signed approval) or is malformed",
  syntax: "the module does not parse (a TypeScript syntax error): it cannot run and the document is invalid",
};

const STATUSES =
  "Reported statuses: refuted (error, with a counterexample in source terms), unknown (warning), unsupported and informal (note). " +
  "Proved obligations are not reported. Every obligation that is not proved keeps its runtime check where the kind has one.";

const pascal = (word: string): string => word.charAt(0).toUpperCase() + word.slice(1);

const helpUri = (docs: DocsBase, page: string): { helpUri?: string } => (docs === undefined ? {} : { helpUri: new URL(page, docs).href });

/** Every obligation kind, in rule order (for docs checks). */
export const OBLIGATION_KINDS = (): readonly ObligationKind[] => Object.keys(KINDS) as ObligationKind[];

export const obligationRuleId = (kind: ObligationKind): string => `anrf/${kind}`;

export function obligationRule(kind: ObligationKind, docs: DocsBase): SarifRule {
  const { short, full } = KINDS[kind];
  return {
    id: obligationRuleId(kind),
    name: `${pascal(kind)}Obligation`,
    shortDescription: { text: `${short}.` },
    fullDescription: { text: full },
    help: {
      text: `${full} ${STATUSES} See docs/verification.md in anrf's documentation ('Obligations').`,
      markdown: `${full}\n\n${STATUSES}\n\nSee \`docs/verification.md\` in anrf's documentation (section *Obligations*); \`anrf explain <document> <obligation-id>\` shows the query, the verdict and the runtime consequence.`,
    },
    ...helpUri(docs, `verification.md#${kindAnchor(kind)}`),
    properties: { tags: ["security", "anrf", "verification", kind] },
  };
}

export function findingRule(id: string, docs: DocsBase): SarifRule {
  const catalogued = RULE_CATALOG.find((r) => r.id === id);
  const title = catalogued?.title ?? VERIFIER_FINDINGS[id] ?? `verifier problem ${id}: part of the module is not verified`;
  const page = catalogued === undefined ? `sarif.md#${VERIFIER_FINDINGS_ANCHOR}` : `rules.md#${ruleAnchor(id)}`;
  const what = catalogued === undefined ? "verifier finding" : "validation rule";
  return {
    id: findingRuleId(id),
    name: `${catalogued === undefined ? "Verifier" : "Rule"}${id.replace(/[^A-Za-z0-9]+/g, "_").replace(/^([a-z])/, (c) => c.toUpperCase())}`,
    shortDescription: { text: `${pascal(what)} ${id}: ${title}.` },
    fullDescription: { text: `ANRF ${what} ${id}: ${title}. Each finding names the JSON Pointer into the document it is about and a hint how to fix it.` },
    help: {
      text: `ANRF ${what} ${id}: ${title}. See docs/${page.split("#")[0]} in anrf's documentation.`,
      markdown: `ANRF ${what} \`${id}\`: ${title}.\n\nSee \`docs/${page.split("#")[0]}\` in anrf's documentation.`,
    },
    ...helpUri(docs, page),
    properties: { tags: catalogued === undefined ? ["anrf", "verification"] : ["anrf", "validation", catalogued.kind] },
  };
}

const KIND_ORDER = Object.keys(KINDS) as ObligationKind[];
const CATALOG_ORDER = new Map(RULE_CATALOG.map((r, i) => [r.id, i]));

/** The rules of a run in a fixed order (kinds, then catalogue order, then other ids sorted), with each id's index. */
export function ruleTable(kinds: ReadonlySet<ObligationKind>, findingIds: ReadonlySet<string>, docs: DocsBase): { rules: SarifRule[]; index: ReadonlyMap<string, number> } {
  const ids = [...findingIds].sort((a, b) => (CATALOG_ORDER.get(a) ?? Infinity) - (CATALOG_ORDER.get(b) ?? Infinity) || (a < b ? -1 : a > b ? 1 : 0));
  const rules = [...KIND_ORDER.filter((k) => kinds.has(k)).map((k) => obligationRule(k, docs)), ...ids.map((id) => findingRule(id, docs))];
  // Indexed by obligation rule id (`anrf/bounds`) and by a finding's own rule id (`V6.1.5`).
  const index = new Map(rules.map((r, i) => [r.id, i]));
  ids.forEach((id, i) => index.set(id, KIND_ORDER.filter((k) => kinds.has(k)).length + i));
  return { rules, index };
}
