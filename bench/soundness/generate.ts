/**
 * Program generator of the differential soundness harness (issue 9, item 3): modules over the
 * constructs the verifier models — guarded element reads, index arithmetic, counting and while
 * loops, length changes, ±0 / NaN / ±Infinity / 2^53 ± 1 tests, typed arrays — plus callers
 * that build exotic objects in the module (accessor elements, Proxy, Array subclasses, huge
 * arrays, aliased arguments) and pass them to another entity. Inputs cover the same corners.
 */
import fc from "fast-check";

export interface GeneratedEntity {
  readonly name: string;
  readonly preconditions: readonly string[];
  /** Parameter kinds in order, for input generation. */
  readonly params: ReadonlyArray<"array" | "number">;
}

export interface GeneratedProgram {
  readonly code: string;
  readonly entities: readonly GeneratedEntity[];
}

/** Statements of `f(a: number[], x: number)`; `s` accumulates, `LUT` is a module table of 4. */
const STATEMENTS: readonly ((k: number) => string)[] = [
  (k) => `if (a.length > ${k}) s += a[${k}];`,
  (k) => `if (a.length > ${k + 1}) { s += a[0]; s += a[${k + 1}]; }`,
  () => `if (x >= 0 && x < a.length) s += a[x];`,
  () => `if (x >= 0 && x < a.length) s += a[x | 0];`,
  () => `if (x >= 0 && x < a.length) s += a[Math.floor(x)];`,
  () => `if (a.length > 0) s += a[a.length - 1];`,
  () => `for (let i = 0; i < a.length; i++) s += a[i];`,
  () => `let j = a.length;\n  while (j > 0) { j--; s += a[j]; }`,
  () => `if (x === 0 && 1 / x < 0) s += a[100];`,
  () => `if (x === 0 && 1 / x > 0) s += a[101];`,
  () => `if (Number.isNaN(x)) s += a[102];`,
  () => `if (x === Infinity || x === -Infinity) s += a[103];`,
  () => `if (x > 9007199254740990 && x + 1 === x) s += a[104];`,
  () => `const m = Math.min(x, 0);\n  if (1 / m < 0 && x >= 0) s += a[105];`,
  () => `a.pop();`,
  () => `a.push(1);`,
  () => `if (a.length > 1) a.length = a.length - 1;`,
  (k) => `const u = new Uint8Array(4);\n  u[0] = x;\n  s += LUT[u[0] & 3] + u[${k % 4}];`,
  (k) => `const p = a.indexOf(${k});
  if (p >= 0) s += a[p];`,
  (k) => `a.pop();
  s += a[${k % 2}];`,
  (k) => `if (a.length > ${k + 3}) s += a[${k + 3}];`,
];

/** Indices of STATEMENTS whose proofs depend on plain arrays or on -0 being ruled out. */
const FRAGILE = [1, 8, 13, 18, 19, 20];

/** How a caller entity builds the array it passes to f (all in the module). */
const MAKERS: readonly string[] = [
  `const a = [1, 2, 3, 4];`,
  `const a = new Array<number>(70000).fill(1);`,
  `const a: number[] = [1, 2, 3, 4];\n  Object.defineProperty(a, 0, { get() { a.length = 0; return 0; } });`,
  `let n = 0;
  const a = new Proxy([1, 2, 3, 4], { get: (t, k) => (k === "length" ? (n++ === 0 ? 1000 : 2) : Reflect.get(t, k)) });`,
  `const a = new Evil();\n  a.push(1, 2, 3, 4);`,
  `const a = [1, 2, 3, 4];\n  Object.setPrototypeOf(a, Evil.prototype);`,
  `const a = [1, 2, 3, 4];\n  a[0] = { valueOf: () => { a.length = 0; return 5; } } as unknown as number;`,
  `const a = [1, 2, 3, 4];\n  const b = a;\n  b.length = 0;`,
];

const EVIL = `class Evil extends Array<number> {\n  override pop(): number | undefined { this.length = 0; return undefined; }\n  override indexOf(): number { return 99; }\n}\n`;

const PRE_X = [[], ["Number.isInteger(x)"], ["Number.isSafeInteger(x)"], ["x >= 0"]] as const;
const PRE_A = [[], ["len(a) > 2"]] as const;

export const programArb: fc.Arbitrary<GeneratedProgram> = fc
  .record({
    // Statements that read after a length check or rely on an integer parameter twice as often.
    body: fc.array(fc.tuple(fc.oneof({ arbitrary: fc.nat(STATEMENTS.length - 1), weight: 1 }, { arbitrary: fc.constantFrom(...FRAGILE), weight: 2 }), fc.nat(3)), { minLength: 2, maxLength: 5 }),
    preX: fc.nat(PRE_X.length - 1),
    preA: fc.nat(PRE_A.length - 1),
    caller: fc.option(fc.tuple(fc.nat(MAKERS.length - 1), fc.boolean()), { freq: 2 }),
  })
  .map(({ body, preX, preA, caller }): GeneratedProgram => {
    // Each statement in its own block so generated `const`s never clash.
    const stmts = body.map(([i, k]) => `  {\n  ${STATEMENTS[i]!(k)}\n  }`).join("\n");
    let code = `const LUT = [10, 20, 30, 40];\n${EVIL}export function f(a: number[], x: number): number {\n  let s = 0;\n${stmts}\n  return s;\n}\n`;
    const pre = [...PRE_X[preX]!, ...PRE_A[preA]!];
    const entities: GeneratedEntity[] = [{ name: "f", preconditions: pre, params: ["array", "number"] }];
    if (caller) {
      const [m, twice] = caller;
      // g passes its own array (built in the module) to f, once or twice (aliasing).
      code += `export function g(x: number): number {\n  ${MAKERS[m]}\n  return f(a, x)${twice ? " + f(a, x)" : ""};\n}\n`;
      entities.push({ name: "g", preconditions: PRE_X[preX]!, params: ["number"] });
    }
    return { code, entities };
  });

export const NUMBERS: readonly number[] = [0, -0, 1, 2, 3, -1, 0.5, -0.5, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 2 ** 53 - 1, 2 ** 53 + 1, -(2 ** 53 - 1), 100, 4294967295];

export const numberArb = fc.constantFrom(...NUMBERS);
export const arrayArb = fc.oneof(
  fc.constantFrom<number[]>([], [7], [1, 2, 3], [5, 5, 5, 5, 5]),
  fc.array(fc.integer({ min: -5, max: 5 }), { maxLength: 8 }),
  fc.constant(Array.from({ length: 5000 }, (_, i) => i % 7)),
);

export function inputsArb(params: GeneratedEntity["params"]): fc.Arbitrary<unknown[]> {
  return fc.tuple(...params.map((p) => (p === "array" ? arrayArb : numberArb))) as fc.Arbitrary<unknown[]>;
}

/** Corner inputs every entity is tried on before the random ones. */
export function cornerInputs(params: GeneratedEntity["params"]): unknown[][] {
  const arrays: number[][] = [[1, 2, 3], [], Array.from({ length: 5000 }, (_, i) => i % 7)];
  const numbers = [-0, 0, Number.NaN, 2 ** 53 + 1, 2];
  return numbers.map((x, i) => params.map((p) => (p === "array" ? arrays[i % arrays.length]! : x)));
}
