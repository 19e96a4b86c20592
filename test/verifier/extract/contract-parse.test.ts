import { describe, expect, it } from "vitest";
import { freeNames, parseClause, usesOld } from "../../../spec/contract/index.js";

describe("contract clause parser", () => {
  it("parses the language of ANRF-1.1 §6 with TypeScript precedence", () => {
    const c = parseClause("0 <= i && i < len(data) || implies(ok, data.length > 0)");
    expect(c.kind).toBe("formal");
    if (c.kind !== "formal") return;
    expect(c.expr.tag).toBe("bin");
    expect(c.expr.tag === "bin" && c.expr.op).toBe("||");
    expect(freeNames(c.expr)).toEqual(["i", "data", "ok"]);
  });

  it("multiplication binds tighter than addition, which binds tighter than comparison", () => {
    const c = parseClause("a + b * c < d");
    expect(c).toMatchObject({ kind: "formal", expr: { tag: "bin", op: "<", left: { tag: "bin", op: "+", right: { tag: "bin", op: "*" } } } });
  });

  it("=== and == both mean strict equality on numbers; != and !== likewise", () => {
    expect(parseClause("a === b")).toMatchObject({ expr: { op: "==" } });
    expect(parseClause("a !== b")).toMatchObject({ expr: { op: "!=" } });
  });

  it("knows Number.isInteger/isFinite/isNaN, Math helpers, old(), forall and ?:", () => {
    for (const text of ["Number.isInteger(x)", "Number.isFinite(x) && !Number.isNaN(y)", "Math.max(a, b) >= Math.floor(c)", "result == old(len(a)) + 1", "forall(i, 0, n, i * i >= 0)", "x > 0 ? x : -x"]) {
      expect(parseClause(text).kind, text).toBe("formal");
    }
    const old = parseClause("result == old(len(a)) + 1");
    expect(old.kind === "formal" && usesOld(old.expr)).toBe(true);
    const all = parseClause("forall(i, 0, n, i >= 0)");
    expect(all.kind === "formal" && freeNames(all.expr)).toEqual(["n"]);
  });

  it("literals: integers, decimals, hex, exponents, NaN, Infinity, strings, booleans", () => {
    expect(parseClause("x < 0x10")).toMatchObject({ expr: { right: { tag: "num", value: 16 } } });
    expect(parseClause("x < 1.5e3")).toMatchObject({ expr: { right: { tag: "num", value: 1500 } } });
    expect(parseClause("x != NaN")).toMatchObject({ expr: { right: { tag: "num" } } });
    expect(parseClause('s == "a\\"b"')).toMatchObject({ expr: { right: { tag: "str", value: 'a"b' } } });
    expect(parseClause("true")).toMatchObject({ expr: { tag: "bool", value: true } });
  });

  it("prose and anything outside the language is informal, with a reason and column", () => {
    const cases: Array<[string, RegExp]> = [
      ["no memory safety violations", /unexpected word 'memory'/],
      ["x = 1", /unexpected character '='|unexpected '='/],
      ["foo(x)", /call to 'foo'/],
      ["a.size > 0", /property 'size'/],
      ["Math.random() > 0", /'Math.random'/],
      ["(x > 0", /expected '\)'/],
      ["", /end of clause/],
      ["2x > 1", /identifier directly after number/],
    ];
    for (const [text, reason] of cases) {
      const c = parseClause(text);
      expect(c.kind, text).toBe("informal");
      if (c.kind === "informal") {
        expect(c.reason, text).toMatch(reason);
        expect(c.reason, text).toMatch(/at column \d+/);
      }
    }
  });
});
