/**
 * Effect Schema's issue tree → one finding per leaf issue, each with an exact JSON Pointer
 * and a sentence that names what was expected and what was found. Issues that a §5 rule
 * names ("security present and complete", "safety_level valid", …) carry that rule's id;
 * every other structural problem carries `schema`.
 */
import type { SchemaAST, SchemaIssue } from "effect";
import { error, type Finding } from "./finding.js";
import { resolvePointer, toPointer, type PathSegment } from "./json-pointer.js";
import { ruleForSchemaIssue } from "./schema-rule-map.js";

type Issue = SchemaIssue.Issue;

const MAX_SHOWN = 40;

/** How a JSON value looks in a message: strings quoted and cut, containers named. */
export const describeActual = (value: unknown): string => {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (typeof value === "string") {
    const shown = value.length > MAX_SHOWN ? `${value.slice(0, MAX_SHOWN)}…` : value;
    return `'${shown}'`;
  }
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") return "an object";
  return `${typeof value} ${String(value)}`;
};

const literalText = (ast: SchemaAST.AST): string | undefined =>
  ast._tag === "Literal" ? String(ast.literal) : undefined;

/** What the schema wanted at this node, in words. */
export const describeExpected = (ast: SchemaAST.AST): string => {
  switch (ast._tag) {
    case "String":
      return "a string";
    case "Number":
      return "a number";
    case "Boolean":
      return "a boolean (true or false)";
    case "Null":
      return "null";
    case "Literal":
      return `'${String(ast.literal)}'`;
    case "Arrays":
      return "an array";
    case "Objects":
      return "an object";
    case "TemplateLiteral":
      return "a string of the right form";
    case "Union": {
      const literals = ast.types.map(literalText);
      if (literals.every((l): l is string => l !== undefined)) return `one of ${literals.join(", ")}`;
      return ast.types.map(describeExpected).join(" or ");
    }
    default:
      return "a JSON value";
  }
};

interface Leaf {
  readonly path: readonly PathSegment[];
  readonly kind: "missing" | "unexpected" | "invalid";
  readonly expected: string;
}

/** Walks the issue tree; composite nodes contribute path segments, leaves become `Leaf`s. */
const collectLeaves = (issue: Issue, path: readonly PathSegment[], out: Leaf[]): void => {
  switch (issue._tag) {
    case "Pointer":
      collectLeaves(issue.issue, [...path, ...issue.path.map((p) => (typeof p === "symbol" ? String(p) : p))], out);
      return;
    case "Composite":
      for (const child of issue.issues) collectLeaves(child, path, out);
      return;
    case "Encoding":
      collectLeaves(issue.issue, path, out);
      return;
    case "Filter": {
      const expected = issue.filter.annotations?.["expected"];
      out.push({ path, kind: "invalid", expected: typeof expected === "string" ? expected : "a valid value" });
      return;
    }
    case "AnyOf":
      // A union with a single plausible member (NullOr(object) given an object) failed inside
      // that member: report the inner, more precise problem.
      if (issue.issues.length === 1) collectLeaves(issue.issues[0]!, path, out);
      else out.push({ path, kind: "invalid", expected: describeExpected(issue.ast) });
      return;
    case "MissingKey":
      out.push({ path, kind: "missing", expected: "" });
      return;
    case "UnexpectedKey":
      out.push({ path, kind: "unexpected", expected: "" });
      return;
    case "InvalidType":
      out.push({ path, kind: "invalid", expected: describeExpected(issue.ast) });
      return;
    case "OneOf":
      out.push({ path, kind: "invalid", expected: "exactly one matching alternative" });
      return;
    case "InvalidValue":
    case "Forbidden":
      out.push({ path, kind: "invalid", expected: "a valid value" });
      return;
  }
};

export const schemaIssueToFindings = (issue: Issue, input: unknown): Finding[] => {
  const leaves: Leaf[] = [];
  collectLeaves(issue, [], leaves);
  return leaves.map((leaf) => {
    const ruleId = ruleForSchemaIssue(leaf.path, leaf.kind);
    if (leaf.kind === "missing") {
      // The path of a missing key cannot resolve; point at the object that lacks it.
      const key = String(leaf.path[leaf.path.length - 1] ?? "");
      const parent = toPointer(leaf.path.slice(0, -1));
      return error(
        ruleId,
        parent,
        `missing required field '${key}'`,
        `add '${key}' to ${parent === "" ? "the top level" : parent}`,
      );
    }
    const pointer = toPointer(leaf.path);
    if (leaf.kind === "unexpected") {
      const key = String(leaf.path[leaf.path.length - 1] ?? "");
      return error(
        ruleId,
        pointer,
        `unknown field '${key}'`,
        "remove it, fix its spelling, or prefix it with 'x-' to keep it as an extension",
      );
    }
    const resolved = resolvePointer(input, pointer);
    const actual = describeActual(resolved.found ? resolved.value : undefined);
    return error(ruleId, pointer, `expected ${leaf.expected}, got ${actual}`, `set ${pointer} to ${leaf.expected}`);
  });
};
