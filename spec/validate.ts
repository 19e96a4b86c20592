/**
 * The pure core of validation: a parsed JSON value → findings, and the typed document when
 * it is schema-valid. No files, no printing (load.ts is the effectful shell).
 */
import * as Cause from "effect/Cause";
import * as Exit from "effect/Exit";
import * as Schema from "effect/Schema";
import { AnrfDocumentSchema, type AnrfDocument } from "./document.js";
import { error, type Finding } from "./finding.js";
import { documentRules } from "./rules/all-rules.js";
import { schemaIssueToFindings } from "./schema-findings.js";
import { checkVersion } from "./version.js";
import { jsonDepth } from "./json-position.js";

/** Deeper JSON than this is refused: no ANRF document nests that deep, and it bounds the decoder's recursion. */
export const MAX_JSON_DEPTH = 200;

export interface ValueValidation {
  /** Present only when the value is schema-valid (rule findings may still contain errors). */
  readonly document: AnrfDocument | undefined;
  readonly findings: Finding[];
}

const decode = Schema.decodeUnknownExit(AnrfDocumentSchema, { errors: "all", onExcessProperty: "error" });

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === "object" && !Array.isArray(value);

/** Runs every document rule; a rule that throws is an internal error, reported, never fatal. */
export const runRules = (document: AnrfDocument): Finding[] =>
  documentRules.flatMap((rule) => {
    try {
      return rule.check(document);
    } catch (cause) {
      return [error("internal", "", `rule ${rule.id} failed: ${cause instanceof Error ? cause.message : String(cause)}`, "please report this as a bug in anrf")];
    }
  });

export const validateValue = (value: unknown): ValueValidation => {
  if (!isPlainObject(value)) {
    const got = value === null ? "null" : Array.isArray(value) ? "an array" : typeof value;
    return {
      document: undefined,
      findings: [error("root", "", `the top level must be a JSON object, got ${got}`, "an ANRF document is one JSON object { \"anrf_version\": \"1.1.0\", … }")],
    };
  }
  if (jsonDepth(value) > MAX_JSON_DEPTH) {
    return {
      document: undefined,
      findings: [error("json", "", `JSON nesting deeper than ${MAX_JSON_DEPTH} levels`, "an ANRF document nests a few levels deep; this is not one")],
    };
  }
  const findings: Finding[] = [];
  const version = checkVersion(value);
  if (version) {
    findings.push(version.finding);
    if (version.stop) return { document: undefined, findings };
  }
  const exit = decode(value);
  if (Exit.isFailure(exit)) {
    const squashed = Cause.squash(exit.cause);
    if (Schema.isSchemaError(squashed)) {
      // anrf_version problems were reported above with a better message.
      const schemaFindings = schemaIssueToFindings(squashed.issue, value).filter(
        (f) => !(version && f.ruleId === "V6.1.1"),
      );
      findings.push(...schemaFindings);
    } else {
      findings.push(error("internal", "", `schema decoding failed unexpectedly: ${String(squashed)}`, "please report this as a bug in anrf"));
    }
    return { document: undefined, findings };
  }
  findings.push(...runRules(exit.value));
  return { document: exit.value, findings };
};
