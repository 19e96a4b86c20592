/** The types derived from the schema are the document's real shape (checked by tsc; `npm run typecheck`). */
import { describe, expectTypeOf, it } from "vitest";
import type { AnrfDocument, Entity, ExecutionFormat, FilesystemMount, Invariant, SafetyLevel, SecurityContract } from "../../spec/document.js";

describe("derived types", () => {
  it("have the fields and enums of the table", () => {
    expectTypeOf<AnrfDocument["anrf_version"]>().toEqualTypeOf<"1.1.0">();
    expectTypeOf<SafetyLevel>().toEqualTypeOf<"MemorySafe" | "TypeSafe" | "ResourceBounded">();
    expectTypeOf<Entity["name"]>().toEqualTypeOf<string>();
    expectTypeOf<Entity["security_properties"]["memory_safe"]>().toEqualTypeOf<boolean>();
    expectTypeOf<SecurityContract["applies_to"]>().toEqualTypeOf<readonly string[] | undefined>();
    expectTypeOf<Invariant["formal_representation"]>().toEqualTypeOf<string>();
    expectTypeOf<AnrfDocument["security"]["override_justification"]>().toEqualTypeOf<string | null>();
    expectTypeOf<ExecutionFormat>().toEqualTypeOf<"typescript" | "javascript" | "graph" | "bytecode" | "ir" | "native" | "ast">();
    expectTypeOf<AnrfDocument["execution"]["x-anrf-filesystem-mounts"]>().toEqualTypeOf<readonly FilesystemMount[] | undefined>();
    expectTypeOf<FilesystemMount["mount"]>().toEqualTypeOf<string>();
  });
});
