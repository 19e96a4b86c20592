/** Ids unique within their collection; every reference resolves; contracts know what they constrain. */
import type { AnrfDocument } from "../document.js";
import { error, warning, type Finding } from "../finding.js";
import { carriesCode } from "./profile-rules.js";
import type { Rule } from "./rule.js";

const collections = (doc: AnrfDocument): ReadonlyArray<[string, ReadonlyArray<{ readonly id: string }>]> => [
  ["/dependencies", doc.dependencies],
  ["/intent/requirements", doc.intent.requirements],
  ["/intent/constraints", doc.intent.constraints],
  ["/semantics/entities", doc.semantics.entities],
  ["/semantics/invariants", doc.semantics.invariants],
  ["/semantics/security_contracts", doc.semantics.security_contracts],
];

export const functionEntities = (doc: AnrfDocument) => doc.semantics.entities.filter((e) => e.type === "Function");

export const integrityRules: readonly Rule[] = [
  {
    id: "unique-id",
    title: "ids unique within their collection",
    check: (doc) => {
      const out: Finding[] = [];
      for (const [at, items] of collections(doc)) {
        const seen = new Map<string, number>();
        items.forEach((item, i) => {
          const first = seen.get(item.id);
          if (first === undefined) seen.set(item.id, i);
          else {
            out.push(
              error(
                "unique-id",
                `${at}/${i}/id`,
                `duplicate id '${item.id}' (first used at ${at}/${first})`,
                "give every entry of this collection its own id",
              ),
            );
          }
        });
      }
      const names = new Map<string, number>();
      doc.semantics.entities.forEach((entity, i) => {
        if (entity.type !== "Function") return;
        const first = names.get(entity.name);
        if (first === undefined) names.set(entity.name, i);
        else {
          out.push(
            error(
              "unique-id",
              `/semantics/entities/${i}/name`,
              `two Function entities name the same function '${entity.name}' (first at /semantics/entities/${first})`,
              "a Function entity names one exported function; merge the two entities",
            ),
          );
        }
      });
      return out;
    },
  },
  {
    id: "reference",
    title: "every reference resolves",
    check: (doc) => {
      const out: Finding[] = [];
      const entities = new Set(doc.semantics.entities.map((e) => e.id));
      const invariants = new Set(doc.semantics.invariants.map((v) => v.id));
      const dangling = (path: string, what: string, id: string, hint: string) =>
        out.push(error("reference", path, `${what} '${id}' does not exist`, hint));
      doc.semantics.security_contracts.forEach((contract, i) => {
        contract.invariants.forEach((id, k) => {
          if (!invariants.has(id)) {
            dangling(`/semantics/security_contracts/${i}/invariants/${k}`, "invariant", id, "use the id of an entry in semantics.invariants");
          }
        });
        contract.applies_to?.forEach((id, k) => {
          if (!entities.has(id)) {
            dangling(`/semantics/security_contracts/${i}/applies_to/${k}`, "entity", id, "use the id of an entry in semantics.entities");
          }
        });
      });
      doc.semantics.invariants.forEach((invariant, i) => {
        invariant.applies_to?.forEach((id, k) => {
          if (!entities.has(id)) {
            dangling(`/semantics/invariants/${i}/applies_to/${k}`, "entity", id, "use the id of an entry in semantics.entities");
          }
        });
      });
      doc.semantics.relationships.forEach((rel, i) => {
        for (const end of ["source_id", "target_id"] as const) {
          if (!entities.has(rel[end])) {
            dangling(`/semantics/relationships/${i}/${end}`, "entity", rel[end], "relationship ends must be ids of entries in semantics.entities");
          }
        }
      });
      return out;
    },
  },
  {
    id: "applies-to",
    title: "every contract and directly used invariant resolves to the entities it constrains",
    check: (doc) => {
      const out: Finding[] = [];
      const functions = functionEntities(doc);
      // Without code there is nothing to attach a clause to: ambiguity is worth a warning, not an error.
      const report = carriesCode(doc) ? error : warning;
      // The same notion as usedByContract in spec/applies-to.ts, as one set for the whole document.
      const namedByContracts = new Set(doc.semantics.security_contracts.flatMap((c) => c.invariants));

      const resolve = (path: string, what: string, appliesTo: readonly string[] | undefined) => {
        if (appliesTo !== undefined) {
          if (appliesTo.length === 0) {
            out.push(error("applies-to", `${path}/applies_to`, `${what} applies to no entity (applies_to is empty)`, "list the ids of the entities it constrains, or remove applies_to"));
          }
          return;
        }
        if (functions.length === 1) return;
        out.push(
          report(
            "applies-to",
            path,
            `${what} has no applies_to and the document has ${functions.length} Function entities, so it constrains ${functions.length === 0 ? "nothing" : "an ambiguous set"}`,
            "add applies_to with the ids of the Function entities it constrains",
          ),
        );
      };
      doc.semantics.security_contracts.forEach((c, i) => resolve(`/semantics/security_contracts/${i}`, `contract '${c.id}'`, c.applies_to));
      doc.semantics.invariants.forEach((v, i) => {
        // An invariant only referenced from contracts constrains what those contracts constrain.
        if (namedByContracts.has(v.id) && v.applies_to === undefined) return;
        resolve(`/semantics/invariants/${i}`, `invariant '${v.id}'`, v.applies_to);
      });
      return out;
    },
  },
];
