/**
 * Building blocks shared by every layer of the ANRF 1.1.0 document schema.
 *
 * Every object of the public schema is *closed*: unknown keys are an error, except keys
 * that start with `x-` (extensions, allowed at any level) and the free-form `properties`
 * maps. `closed(fields)` expresses exactly that, so decoding with
 * `onExcessProperty: "error"` rejects a stray key with its exact path.
 */
import * as Schema from "effect/Schema";

/** `x-…` extension keys: allowed on every object, any JSON value. */
export const ExtensionKeys = Schema.Record(Schema.TemplateLiteral(["x-", Schema.String]), Schema.Json);

/** A closed object: the declared fields plus `x-` extensions, nothing else. */
export const closed = <const Fields extends Schema.Struct.Fields>(fields: Fields) =>
  Schema.StructWithRest(Schema.Struct(fields), [ExtensionKeys]);

/** A free-form `properties` map (entities, relationships): any keys, JSON values. */
export const PropertiesMap = Schema.Record(Schema.String, Schema.Json);

/**
 * RFC 3339 date-time (`2025-03-01T12:00:00Z`, `2025-03-01T12:00:00.123+02:00`). The
 * regex checks the shape and field ranges; day-of-month against the month is not checked.
 */
export const Rfc3339 = Schema.String.check(
  Schema.isPattern(
    /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])[Tt]([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)(\.\d+)?([Zz]|[+-]([01]\d|2[0-3]):[0-5]\d)$/,
    { expected: "an RFC 3339 date-time such as 2025-03-01T12:00:00Z" },
  ),
);

export const NullableString = Schema.NullOr(Schema.String);

/** Enforcement points shared by every mechanism kind. */
export const EnforcementPoint = Schema.Literals(["Compilation", "JIT", "Runtime"]);
