import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { projectRoot } from "../../support/compiled-path.js";

/**
 * A full cache hit must not load z3 or ts-morph (issue 4), and the verifier opens the cache on
 * every run, so proofs-cache/ may only import Node built-ins, its own files, and *types* from
 * elsewhere (erased at compile time). The end-to-end test checks the whole CLI; this one names
 * the offending file directly.
 */
const dir = join(projectRoot(), "proofs-cache");

describe("proofs-cache dependencies", () => {
  const files = readdirSync(dir).filter((name) => name.endsWith(".ts"));

  it("has files to check", () => {
    expect(files.length).toBeGreaterThan(5);
  });

  it("imports only node:*, its own modules, and types from elsewhere", () => {
    const offending: string[] = [];
    for (const file of files) {
      const text = readFileSync(join(dir, file), "utf8");
      const imports = text.matchAll(/^\s*(import|export)\s+(type\s+)?[^;]*?\bfrom\s+"([^"]+)"/gms);
      for (const [, , typeOnly, specifier] of imports) {
        if (specifier!.startsWith("node:")) continue;
        if (specifier!.startsWith("./")) continue;
        if (typeOnly) continue;
        offending.push(`${file}: ${specifier}`);
      }
      for (const [specifier] of text.matchAll(/\bimport\(\s*["'`][^"'`]+["'`]\s*\)/g)) offending.push(`${file}: dynamic ${specifier}`);
      if (/\brequire\(/.test(text)) offending.push(`${file}: require()`);
    }
    expect(offending).toEqual([]);
  });
});
