/**
 * Calls to module-local helpers (verifier/extract/helper-summary.ts): a well-behaved helper
 * keeps the caller's arrays plain and their lengths known, so sites after the call stay
 * encoded; a helper that may change a length, leak the array or store a non-number in it is an
 * unknown call (its array arguments escape: later sites unmodelled). Each leaking helper below
 * differs from the well-behaved one in one line, so each case fails if that line went unnoticed.
 */
import { describe, expect, it } from "vitest";
import { extract } from "./extract/snippet.js";

function afterCall(helperBody: string, params = "a: number[], i: number, j: number", call = "h(a, 0, 1);"): string | null {
  const code = `let sink: unknown;
function h(${params}): void {
${helperBody}
}

export function f(a: number[]): number {
  if (a.length < 2) return 0;
  ${call}
  return a[0] + a[1];
}
`;
  const site = extract(code).find((o) => o.kind === "bounds" && o.description.includes("at a[1]"));
  if (site === undefined) throw new Error("no a[1] site");
  return site.smt;
}

const SWAP = "  const t = a[i];\n  a[i] = a[j];\n  a[j] = t;";

describe("module-local helpers", () => {
  it("a well-behaved helper (a swap) keeps the array modelled", () => {
    expect(afterCall(SWAP)).not.toBeNull();
  });

  it("recursion and calls between well-behaved helpers are fine (greatest fixpoint)", () => {
    const code = `function g(a: number[], i: number): void {
  if (i > 0) h(a, i - 1, 0);
}
function h(a: number[], i: number, j: number): void {
  const t = a[i];
  a[i] = a[j];
  a[j] = t;
  g(a, i);
}

export function f(a: number[]): number {
  if (a.length < 2) return 0;
  h(a, 0, 1);
  return a[0] + a[1];
}
`;
    const site = extract(code).find((o) => o.kind === "bounds" && o.description.includes("at a[1]"));
    expect(site?.smt).not.toBeNull();
  });

  const leaks: Array<[string, string]> = [
    ["pushes (a length changes)", `${SWAP}\n  a.push(1);`],
    ["assigns the length", `${SWAP}\n  a.length = 0;`],
    ["stores the array in a module variable", `${SWAP}\n  sink = a;`],
    ["passes the array to unknown code", `${SWAP}\n  console.log(a);`],
    ["stores a non-number", `${SWAP}\n  (a as unknown as string[])[0] = "x";`],
    ["stores an any", `${SWAP}\n  a[0] = JSON.parse("{}");`],
    ["aliases the array", `${SWAP}\n  const b = a;\n  b.pop();`],
    ["has a closure", `${SWAP}\n  [1].forEach(() => a.pop());`],
  ];
  for (const [what, body] of leaks) {
    it(`a helper that ${what} is an unknown call`, () => {
      expect(afterCall(body)).toBeNull();
    });
  }

  it("a helper given an unmodelled argument is an unknown call", () => {
    expect(afterCall(SWAP, "a: number[], i: number, j: number", "h(a, 0, JSON.parse('1'));")).toBeNull();
  });
});
