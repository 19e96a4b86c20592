/**
 * The reach-soundness fixtures (issue 12): small functions in the idioms of ordinary code, each
 * with the number of bounds sites that must be proved and, where the generic generator cannot
 * make them, inputs built to meet the preconditions. Split in lists only so that the test files
 * verify them in parallel (reach-soundness-arrays / -rows / -integral); the harness is one.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { projectRoot } from "../../../support/compiled-path.js";
import type { Fixture } from "./harness.js";

/** A rectangular matrix of small integers, rows × cols. */
const matrix = (rows: number, cols: number) => fc.array(fc.array(fc.integer({ min: -9, max: 9 }), { minLength: cols, maxLength: cols }), { minLength: rows, maxLength: rows });
/** Numbers for allocation sizes: small integers, and the awkward doubles (none allocates more than a few elements or throws). */
const doubleEdges = fc.oneof(fc.integer({ min: 0, max: 60 }), fc.constantFrom(-0, NaN, 0.5, 1.5, 2.5, 3.5, -0.5, -1, -1.5, -2, 1 - 2 ** -53, 3 - 2 ** -51, 1e300, Infinity, -Infinity));
const dims = fc.tuple(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 5 }));

/** One-dimensional arrays: closures, swaps, append by index, Array(n), non-counting loops. */
export const ARRAY_FIXTURES: Fixture[] = [
  {
    name: "swapSort",
    params: ["a: number[]"],
    pre: [],
    minProved: 5,
    code: `export function swapSort(a: number[]): number[] {
  for (let i = 0; i < a.length; i++) {
    for (let j = 0; j + 1 < a.length - i; j++) {
      if (a[j] > a[j + 1]) [a[j], a[j + 1]] = [a[j + 1], a[j]];
    }
  }
  return a;
}
`,
  },
  {
    name: "appendLoop",
    params: ["xs: number[]"],
    pre: [],
    minProved: 3,
    code: `export function appendLoop(xs: number[]): number {
  const out: number[] = [];
  out[0] = 0;
  out[out.length] = xs.length;
  const c = Array(xs.length + 1).fill(0);
  for (let i = 0; i < xs.length; i++) c[i + 1] = c[i] + xs[i];
  return out[1] + c[xs.length];
}
`,
  },
  {
    name: "callbacks",
    params: ["xs: number[]", "t: number"],
    pre: [],
    minProved: 4,
    code: `export function callbacks(xs: number[], t: number): number {
  const copy = Array.from({ length: xs.length }, (_, i) => xs[i]);
  let total = 0;
  copy.forEach((v, i) => {
    total += copy[i] + v;
  });
  const order = copy.map((_, i) => i);
  order.sort((p, q) => copy[p] - copy[q]);
  const k = copy.findIndex((v) => v > t);
  if (k >= 0) total += copy[k];
  return order.length > 0 ? total + copy[0] : total;
}
`,
  },
  {
    name: "gcdPairs",
    params: ["xs: number[]"],
    pre: [],
    minProved: 1,
    code: `export function gcdPairs(xs: number[]): number {
  let g = 0;
  for (let i = 0; i < xs.length; i++) {
    let a = g;
    let b = Math.abs(xs[i]);
    while (b > 0) [a, b] = [b, a % b];
    g = a;
  }
  return g;
}
`,
  },
  {
    name: "shuffle",
    params: ["a: number[]"],
    pre: [],
    minProved: 4,
    code: `export function shuffle(a: number[]): number[] {
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}
`,
  },
  {
    name: "sqrtStep",
    params: ["a: number[]"],
    pre: [],
    minProved: 2,
    code: `export function sqrtStep(a: number[]): number {
  const n = a.length;
  const step = Math.floor(Math.sqrt(n));
  if (n === 0) return 0;
  return a[step - 1] + a[Math.min(step * step, n) - 1];
}
`,
  },
  {
    name: "fromTooLong",
    params: ["xs: number[]", "n: number"],
    pre: ["Number.isInteger(n) && n >= 0 && n < 8"],
    minProved: 0,
    code: `export function fromTooLong(xs: number[], n: number): number {
  const ys = Array.from({ length: n }, (_, i) => xs[i]);
  let s = 0;
  ys.forEach((y, i) => {
    s += xs[i + 1];
  });
  return s + ys.length;
}
`,
  },
  // Loops that are not counting loops: their bounds need invariants nobody wrote, inferred
  // by Houdini (verifier/pipeline/houdini.ts). Without inference each proves at most the
  // counting loop's sites.
  {
    name: "gapSort",
    params: ["a: number[]"],
    pre: [],
    minProved: 5,
    code: `export function gapSort(a: number[]): number[] {
  for (let gap = a.length >> 1; gap > 0; gap >>= 1) {
    for (let i = gap; i < a.length; i++) {
      const t = a[i];
      let j = i;
      while (j >= gap && a[j - gap] > t) {
        a[j] = a[j - gap];
        j -= gap;
      }
      a[j] = t;
    }
  }
  return a;
}
`,
  },
  {
    name: "insertSort",
    params: ["a: number[]"],
    pre: [],
    minProved: 4,
    code: `export function insertSort(a: number[]): number[] {
  for (let i = 1; i < a.length; i++) {
    const key = a[i];
    let j = i - 1;
    while (j >= 0 && a[j] > key) {
      a[j + 1] = a[j];
      j--;
    }
    a[j + 1] = key;
  }
  return a;
}
`,
  },
  {
    name: "reverseInPlace",
    params: ["a: number[]"],
    pre: [],
    minProved: 4,
    code: `export function reverseInPlace(a: number[]): number[] {
  let i = 0;
  let j = a.length - 1;
  while (i < j) {
    const t = a[i];
    a[i] = a[j];
    a[j] = t;
    i++;
    j--;
  }
  return a;
}
`,
  },
  {
    name: "lowerBound",
    params: ["a: number[]", "x: number"],
    pre: [],
    minProved: 1,
    code: `export function lowerBound(a: number[], x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = lo + ((hi - lo) >>> 1);
    if (a[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
`,
  },
  {
    // A tempting candidate (k < len(a)) holds on entry but is not preserved: it must be dropped,
    // and a[k] stays unproved (it does go out of bounds).
    name: "notPreserved",
    buggy: true,
    params: ["a: number[]"],
    pre: [],
    minProved: 1,
    code: `export function notPreserved(a: number[]): number {
  let s = 0;
  let k = a.length - 1;
  let i = 0;
  while (i < a.length) {
    s += a[i];
    if (k >= 0) s += a[k];
    k += 2;
    i++;
  }
  return s;
}
`,
  },
  {
    // Effects inside a conditional operand, joined (exec-expr underCondition); k == i + j inferred.
    name: "mergeSorted",
    params: ["a: number[]", "b: number[]"],
    pre: [],
    // out[k++] stays unknown: a write may append (k == out.length), so out's length is havocked at
    // the loop head and k < out.length is not inductive without naming its entry length.
    minProved: 9,
    code: `export function mergeSorted(a: number[], b: number[]): number[] {
  const out = new Array<number>(a.length + b.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.length && j < b.length) out[k++] = a[i] <= b[j] ? a[i++] : b[j++];
  while (i < a.length) out[k++] = a[i++];
  while (j < b.length) out[k++] = b[j++];
  return out;
}
`,
  },
  {
    // Calls to module-local helpers that keep the array plain (helper-summary.ts): the
    // entity's own sites after them stay modelled. The helpers' sites are checked at run time.
    name: "heapSort",
    params: ["a: number[]"],
    pre: [],
    minProved: 2,
    code: `function siftDown(a: number[], n: number, i: number): void {
  let largest = i;
  const l = 2 * i + 1;
  const r = 2 * i + 2;
  if (l < n && a[l] > a[largest]) largest = l;
  if (r < n && a[r] > a[largest]) largest = r;
  if (largest !== i) {
    [a[i], a[largest]] = [a[largest], a[i]];
    siftDown(a, n, largest);
  }
}

export function heapSort(a: number[]): number[] {
  const n = a.length;
  for (let i = Math.floor(n / 2) - 1; i >= 0; i--) siftDown(a, n, i);
  for (let end = n - 1; end > 0; end--) {
    [a[0], a[end]] = [a[end], a[0]];
    siftDown(a, end, 0);
  }
  return a;
}
`,
  },
  {
    // One past the end of every row: g[i][j] at j == m must stay unproved.
    name: "offByOne",
    params: ["n: number", "m: number"],
    pre: ["Number.isInteger(n) && n >= 0 && n < 6", "Number.isInteger(m) && m >= 0 && m < 6"],
    minProved: 1,
    buggy: true,
    code: `export function offByOne(n: number, m: number): number {
  const g = Array.from({ length: n }, () => new Array(m).fill(0));
  let s = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= m; j++) s += g[i][j];
  }
  return s;
}
`,
  },
  {
    // `new Array(n + 1)` for an n only known to be an integer (any size: 2^53, 1e300 pass the
    // precondition): past the call n + 1 was a valid length, so no exactness of n + 1 is asked of
    // the later sites (exec-call.ts lengthArgs). Huge n throw RangeError at the allocation.
    name: "lengthPlusOne",
    params: ["n: number", "maxStep: number"],
    pre: ["Number.isInteger(n) && n >= 0"],
    minProved: 5,
    inputs: fc.tuple(fc.oneof(fc.integer({ min: 0, max: 20 }), fc.constantFrom(2 ** 32 - 1, 2 ** 32, 2 ** 53, 2 ** 53 + 2, 1e300)), fc.oneof(fc.integer({ min: -1, max: 4 }), fc.constantFrom(NaN, 1.5, Infinity))),
    code: `export function lengthPlusOne(n: number, maxStep: number): number {
  const ways = new Array(n + 1).fill(0);
  ways[0] = 1;
  for (let i = 1; i <= n; i++) {
    for (let k = 1; k <= maxStep && k <= i; k++) ways[i] += ways[i - k];
  }
  const spf = new Int32Array(n + 1);
  return ways[n] + spf[n];
}
`,
  },
  {
    // `new Array(x)` for any double x: past it x was a valid length (NaN, fractions, negatives,
    // Infinity and 2^32 throw RangeError), equal to the length as a double.
    name: "lengthOfDouble",
    params: ["n: number"],
    pre: [],
    // counts[i] and counts[counts.length - 1]; counts[n - 1] (double arithmetic on n) stays unknown.
    minProved: 2,
    inputs: fc.tuple(fc.oneof(fc.integer({ min: 0, max: 20 }), fc.constantFrom(-0, NaN, 0.5, 1.5, -1, Infinity, -Infinity, 2 ** 32, 1e300))),
    code: `export function lengthOfDouble(n: number): number {
  const counts = new Array(n).fill(0);
  for (let i = 0; i < n; i++) counts[i] = i;
  return counts.length > 0 ? counts[counts.length - 1] + counts[n - 1] : 0;
}
`,
  },
  {
    // A typed array of a double (numbers.ts typedArrayLength): `new Uint8Array(limit + 1)` for any
    // number limit has trunc(limit + 1 rounded) elements, and past it limit + 1 was a valid
    // index (NaN → 0 elements; negatives below −1, Infinity, 1e300 throw RangeError). The
    // inputs include the rounding edges: 1 − 2^−53 + 1 rounds up to 2, fractions truncate.
    name: "sieveOfDouble",
    params: ["limit: number", "cut: number"],
    pre: [],
    // composite[i], composite[j], head[0]
    minProved: 3,
    inputs: fc.tuple(doubleEdges, doubleEdges),
    code: `export function sieveOfDouble(limit: number, cut: number): number {
  const composite = new Uint8Array(limit + 1);
  let count = 0;
  for (let i = 2; i <= limit; i++) {
    if (composite[i] === 0) {
      count++;
      for (let j = i * i; j <= limit; j += i) composite[j] = 1;
    }
  }
  const head = new Float64Array(cut);
  if (cut >= 1) head[0] = 1;
  return count + head.length;
}
`,
  },
  {
    // The same allocations one element short: composite[limit] and head[k] for a fractional cut
    // (Float64Array(3.5) has 3 elements, k < 3.5 reaches 3) go out of bounds — never proved.
    name: "sieveShort",
    params: ["limit: number", "cut: number"],
    pre: [],
    minProved: 0,
    buggy: true,
    inputs: fc.tuple(doubleEdges, doubleEdges),
    code: `export function sieveShort(limit: number, cut: number): number {
  const composite = new Uint8Array(limit);
  let count = 0;
  for (let i = 2; i <= limit; i++) if (composite[i] === 0) count++;
  const head = new Float64Array(cut);
  for (let k = 0; k < cut; k++) head[k] = k;
  return count + head.length;
}
`,
  },
  {
    // Indices read from other arrays, bounded by a precondition against an integer parameter of
    // unknown size (`from[i] < n`) while the array has n elements: the precondition's comparison
    // and the site's meet in the same ⌊x⌋ term (numbers.ts mixedCompare, floorInt). Before, the
    // precondition went through fp.to_real and both reach[...] sites timed out.
    name: "relaxEdges",
    params: ["n: number", "from: number[]", "to: number[]"],
    pre: [
      "Number.isInteger(n) && n >= 1",
      "from.length == to.length",
      "forall(i, 0, from.length, Number.isInteger(from[i]) && from[i] >= 0 && from[i] < n)",
      "forall(i, 0, to.length, Number.isInteger(to[i]) && to[i] >= 0 && to[i] < n)",
    ],
    // reach[0], from[e], reach[from[e]], to[e], reach[to[e]]
    minProved: 5,
    inputs: fc
      .integer({ min: 1, max: 8 })
      .chain((n) => fc.array(fc.tuple(fc.nat(n - 1), fc.nat(n - 1)), { maxLength: 12 }).map((edges) => [n, edges.map((e) => e[0]), edges.map((e) => e[1])])),
    code: `export function relaxEdges(n: number, from: number[], to: number[]): number[] {
  const reach = Array(n).fill(0);
  reach[0] = 1;
  for (let round = 1; round < n; round++) {
    for (let e = 0; e < from.length; e++) {
      if (reach[from[e]] === 1) reach[to[e]] = 1;
    }
  }
  return reach;
}
`,
  },
];

/** Arrays of arrays: rows built by Array.from, fill/map, pushes and index writes; matrices. */
export const ROW_FIXTURES: Fixture[] = [
  {
    name: "lcs",
    params: ["a: string", "b: string"],
    pre: [],
    // Rows of an array of rows the function built itself, used only by index (rows.ts): all
    // 14 sites (issue 9 had made every dp[i][j] unsupported: rows of unknown provenance).
    minProved: 14,
    code: `export function lcs(a: string, b: string): number {
  const dp = Array.from({ length: a.length + 1 }, () => new Array(b.length + 1).fill(0));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      if (a[i - 1] === b[j - 1]) dp[i][j] = dp[i - 1][j - 1] + 1;
      else dp[i][j] = Math.max(dp[i - 1][j], dp[i][j - 1]);
    }
  }
  return dp[a.length][b.length];
}
`,
  },
  // Arrays of rows (rows.ts): a parameter whose preconditions give the row lengths, a local one.
  {
    name: "matMul",
    params: ["a: number[][]", "b: number[][]"],
    pre: ["a.length >= 1", "b.length >= 1", "forall(i, 0, a.length, a[i].length == b.length)", "forall(i, 0, b.length, b[i].length == b[0].length)"],
    minProved: 7,
    inputs: dims.chain(([n, m, p]) => fc.tuple(matrix(n, m), matrix(m, p))),
    code: `export function matMul(a: number[][], b: number[][]): number[][] {
  const n = a.length;
  const m = b.length;
  const p = b[0].length;
  const c = Array.from({ length: n }, () => new Array<number>(p).fill(0));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < p; j++) {
      let sum = 0;
      for (let k = 0; k < m; k++) sum += a[i][k] * b[k][j];
      c[i][j] = sum;
    }
  }
  return c;
}
`,
  },
  {
    // No precondition on the rows: g[i][j] with j < g[0].length goes out of bounds on jagged
    // input and must stay unproved.
    name: "jaggedSum",
    params: ["g: number[][]"],
    pre: [],
    minProved: 0,
    buggy: true,
    inputs: fc.tuple(fc.array(fc.array(fc.integer({ min: -9, max: 9 }), { maxLength: 4 }), { maxLength: 4 })),
    code: `export function jaggedSum(g: number[][]): number {
  let s = 0;
  for (let i = 0; i < g.length; i++) {
    for (let j = 0; j < g[0].length; j++) s += g[i][j];
  }
  return s;
}
`,
  },
  {
    // Rows of a parameter without a row-length precondition: host-built dense Arrays of numbers
    // (arg-shapes), each of unknown length — g[i][j] stays unproved (ragged inputs), but its
    // value is a number, so the local table it fills keeps its rows.
    name: "copyRagged",
    params: ["g: number[][]"],
    pre: [],
    minProved: 6,
    buggy: true,
    inputs: fc.tuple(fc.array(fc.array(fc.integer({ min: -9, max: 9 }), { maxLength: 4 }), { maxLength: 4 })),
    code: `export function copyRagged(g: number[][]): number {
  const rows = g.length;
  const cols = rows === 0 ? 0 : g[0].length;
  const t = Array.from({ length: rows }, () => new Array(cols).fill(0));
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) t[i][j] = g[i][j] * 2;
  }
  let s = 0;
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) s += t[i][j];
  }
  return s;
}
`,
  },
  {
    // Rows of different lengths (their length names the factory's index): not one row length,
    // so t[i][j] for j up to n must stay unproved.
    name: "triangle",
    params: ["n: number"],
    pre: ["Number.isInteger(n) && n >= 0 && n < 8"],
    minProved: 1,
    buggy: true,
    code: `export function triangle(n: number): number {
  const t = Array.from({ length: n }, (_, i) => new Array(i + 1).fill(1));
  let s = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) s += t[i][j];
  }
  return s;
}
`,
  },
  {
    // An array of rows built row by row (rows.ts storeRow): `d[i] = []` then appends to the row
    // at its length; per-row lengths inferred as `forall(q, 0, len(d), len(d[q]) == n)`.
    name: "rowByRow",
    params: ["graph: number[][]"],
    pre: ["forall(i, 0, graph.length, graph[i].length == graph.length)"],
    minProved: 12,
    inputs: fc.integer({ min: 0, max: 5 }).chain((n) => fc.tuple(matrix(n, n))),
    code: `export function rowByRow(graph: number[][]): number[][] {
  const n = graph.length;
  const d: number[][] = [];
  for (let i = 0; i < n; i++) {
    d[i] = [];
    for (let j = 0; j < n; j++) d[i][j] = i === j ? 0 : graph[i][j];
  }
  for (let k = 0; k < n; k++) {
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        if (d[i][k] + d[k][j] < d[i][j]) d[i][j] = d[i][k] + d[k][j];
      }
    }
  }
  return d;
}
`,
  },
  {
    // Rows pushed in a loop, read through non-null assertions (`dp[i]![j]`, TypeScript's
    // noUncheckedIndexedAccess style): the assertion is the row itself.
    name: "lcsPushed",
    params: ["x: string", "y: string"],
    pre: [],
    minProved: 14,
    code: `export function lcsPushed(x: string, y: string): number {
  const m = x.length;
  const n = y.length;
  const dp: number[][] = [];
  for (let i = 0; i <= m; i++) dp.push(new Array<number>(n + 1).fill(0));
  for (let i = 1; i <= m; i++) {
    for (let j = 1; j <= n; j++) {
      if (x[i - 1] === y[j - 1]) dp[i]![j] = dp[i - 1]![j - 1]! + 1;
      else dp[i]![j] = Math.max(dp[i - 1]![j]!, dp[i]![j - 1]!);
    }
  }
  return dp[m]![n]!;
}
`,
  },
  {
    // Fresh rows pushed, of the triangular length r + 1 (len(t[q]) == q + 1).
    name: "pascalRows",
    params: ["rows: number"],
    pre: ["Number.isInteger(rows) && rows >= 0 && rows < 12"],
    minProved: 5,
    code: `export function pascalRows(rows: number): number[][] {
  const t: number[][] = [];
  for (let r = 0; r < rows; r++) {
    const row: number[] = Array(r + 1).fill(1);
    for (let k = 1; k < r; k++) row[k] = t[r - 1][k - 1] + t[r - 1][k];
    t.push(row);
  }
  return t;
}
`,
  },
  {
    // Rows built row by row with different lengths, then read as if square: must stay unproved.
    name: "raggedRows",
    params: ["n: number"],
    pre: ["Number.isInteger(n) && n >= 2 && n < 7"],
    minProved: 3,
    buggy: true,
    code: `export function raggedRows(n: number): number {
  const t: number[][] = [];
  for (let i = 0; i < n; i++) {
    t[i] = [];
    for (let j = 0; j <= i; j++) t[i][j] = j;
  }
  let s = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) s += t[i][j];
  }
  return s;
}
`,
  },
  {
    // One array pushed twice is two rows that are one object: shrinking it shrinks both.
    name: "sameRowTwice",
    params: ["n: number"],
    pre: ["Number.isInteger(n) && n >= 0 && n < 4"],
    minProved: 0,
    buggy: true,
    code: `export function sameRowTwice(n: number): number {
  const m: number[][] = [];
  const r: number[] = [5];
  m.push(r);
  m.push(r);
  r.length = 0;
  return m[0][0] + n;
}
`,
  },
  {
    // The same array pushed in every iteration of a loop (fresh only the first time).
    name: "sameRowLoop",
    params: ["n: number"],
    pre: ["Number.isInteger(n) && n >= 2 && n < 6"],
    minProved: 0,
    buggy: true,
    code: `export function sameRowLoop(n: number): number {
  const m: number[][] = [];
  const r: number[] = new Array(n).fill(0);
  for (let i = 0; i < n; i++) m.push(r);
  r.length = 0;
  return m[0][n - 1];
}
`,
  },
  {
    // A reference to a row that was replaced (at another index term of the same value) is no
    // longer that row.
    name: "replacedRow",
    params: ["n: number"],
    pre: ["Number.isInteger(n) && n >= 0 && n < 4"],
    minProved: 0,
    buggy: true,
    code: `export function replacedRow(n: number): number {
  const m: number[][] = [];
  m.push([n]);
  const a = m[0];
  m[n - n] = [];
  return a[0] + m[0][0];
}
`,
  },
];

/** Integers the way callers pass them: small ones, −0, and integral doubles past 2^53. */
const bigIntegral = fc.constantFrom(2 ** 53 + 2, 2 ** 60, 1e300, -(2 ** 60));
/** Doubles for values nobody indexes with. */
const anyValue = fc.oneof(fc.integer({ min: -9, max: 9 }), fc.constantFrom(-0, 0.5, NaN, Infinity, 1e300));

/** A function of the frozen reach corpus (bench/corpus/src), exactly as the benchmark verifies it. */
const corpusSource = (name: string): string => readFileSync(join(projectRoot(), "bench", "corpus", "src", `${name}.ts`), "utf8");

/**
 * Integral views (issue 12, verifier/extract/integral-arrays.ts): number arrays whose elements a
 * precondition makes integers, filled with an integer, or kept integral by a loop — and what
 * must end a view: a fractional store, a write through an alias, a callback that writes, and a
 * −0 that a quantified precondition would otherwise pin to one sign.
 */
export const INTEGRAL_FIXTURES: Fixture[] = [
  {
    name: "knapsack1d",
    params: ["weights: number[]", "values: number[]", "capacity: number"],
    pre: ["weights.length == values.length", "Number.isInteger(capacity) && capacity >= 0", "forall(i, 0, weights.length, Number.isInteger(weights[i]) && weights[i] >= 1)"],
    // best[c - weights[i]] (a solver time-out as IEEE subtraction) and the other six.
    minProved: 7,
    inputs: fc
      .array(fc.tuple(fc.oneof(fc.integer({ min: 1, max: 12 }), bigIntegral.filter((x) => x >= 1)), anyValue), { maxLength: 6 })
      .chain((items) => fc.integer({ min: 0, max: 40 }).map((capacity) => [items.map(([w]) => w), items.map(([, v]) => v), capacity])),
    code: corpusSource("knapsack-1d"),
  },
  {
    name: "coinChange",
    params: ["coins: number[]", "amount: number"],
    pre: ["Number.isInteger(amount) && amount >= 0", "forall(i, 0, coins.length, Number.isInteger(coins[i]) && coins[i] >= 1)"],
    // for-of elements come from the contents: dp[a - c] with c a coin; all 7.
    minProved: 7,
    inputs: fc.tuple(fc.array(fc.oneof(fc.integer({ min: 1, max: 9 }), bigIntegral.filter((x) => x >= 1)), { maxLength: 5 }), fc.integer({ min: 0, max: 40 })),
    code: corpusSource("coin-change"),
  },
  {
    name: "prefixFunction",
    params: ["p: string"],
    pre: [],
    // pi is filled with 0 and only ever stores k: pi[k - 1] is integer arithmetic (4 of 6; the
    // two p[k] need k < i, which no inferred invariant states).
    minProved: 4,
    inputs: fc.string({ unit: fc.constantFrom("a", "b"), maxLength: 12 }).map((p) => [p]),
    code: corpusSource("kmp-table"),
  },
  {
    name: "bucketSum",
    params: ["keys: number[]", "table: number[]"],
    pre: ["forall(i, 0, keys.length, Number.isInteger(keys[i]) && keys[i] >= 0 && keys[i] < table.length)"],
    // table[keys[j]] from the quantified precondition; −0 keys included.
    minProved: 2,
    inputs: fc
      .array(anyValue, { minLength: 1, maxLength: 6 })
      .chain((table) => fc.array(fc.oneof(fc.integer({ min: 0, max: table.length - 1 }), fc.constant(-0)), { maxLength: 6 }).map((keys) => [keys, table])),
    code: `export function bucketSum(keys: number[], table: number[]): number {
  let s = 0;
  for (let j = 0; j < keys.length; j++) s += table[keys[j]];
  return s;
}
`,
  },
  {
    // Rows made by a callback that writes nothing (the other arrays keep their views), then
    // dp[i - 1][c - w] with w an element of weights.
    name: "knapsack",
    params: ["weights: number[]", "values: number[]", "capacity: number"],
    pre: ["weights.length == values.length", "Number.isInteger(capacity) && capacity >= 0", "forall(i, 0, weights.length, Number.isInteger(weights[i]) && weights[i] >= 0)"],
    // All 14 (dp[i - 1][c - w] was a solver time-out as IEEE subtraction).
    minProved: 14,
    inputs: fc
      .array(fc.tuple(fc.oneof(fc.integer({ min: 0, max: 12 }), fc.constant(-0), bigIntegral.filter((x) => x >= 0)), anyValue), { maxLength: 5 })
      .chain((items) => fc.integer({ min: 0, max: 20 }).map((capacity) => [items.map(([w]) => w), items.map(([, v]) => v), capacity])),
    code: corpusSource("knapsack"),
  },
  {
    // dp is filled with 1, then stores dp[j] + 1: an element nothing bounds, so the sum is IEEE
    // arithmetic (IntVal.loose) — an exactness condition there would have reached every later
    // goal and left all five dp sites unknown.
    name: "lisLength",
    params: ["nums: number[]"],
    pre: [],
    minProved: 7,
    code: corpusSource("lis-length"),
  },
  {
    // A fractional store ends the view: a[i] / 2 is no index.
    name: "halvedKeys",
    params: ["a: number[]", "t: number[]"],
    pre: ["forall(i, 0, a.length, Number.isInteger(a[i]) && a[i] >= 0)"],
    minProved: 0,
    buggy: true,
    inputs: fc.tuple(fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 1, maxLength: 5 }), fc.array(anyValue, { minLength: 6, maxLength: 6 })),
    code: `export function halvedKeys(a: number[], t: number[]): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) a[i] = a[i] / 2;
  for (let i = 0; i < a.length; i++) if (a[i] >= 0 && a[i] < t.length) s += t[a[i]];
  return s;
}
`,
  },
  {
    // An integer stored keeps the view but not the precondition's bounds: a[0] may now be −1.
    name: "storedBelow",
    params: ["a: number[]", "t: number[]"],
    pre: ["forall(i, 0, a.length, Number.isInteger(a[i]) && a[i] >= 0 && a[i] < 3)"],
    minProved: 0,
    buggy: true,
    inputs: fc.tuple(fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 1, maxLength: 3 }), fc.array(anyValue, { minLength: 3, maxLength: 3 })),
    code: `export function storedBelow(a: number[], t: number[]): number {
  if (a.length === 0 || t.length < 3) return 0;
  a[0] = a[0] - 1;
  return t[a[0]];
}
`,
  },
  {
    // for-of binds the current contents: after a fractional store the next element may be 0.5.
    name: "ofKeys",
    params: ["a: number[]", "t: number[]"],
    pre: ["forall(i, 0, a.length, Number.isInteger(a[i]) && a[i] >= 0)"],
    minProved: 0,
    buggy: true,
    inputs: fc.tuple(fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 2, maxLength: 4 }), fc.array(anyValue, { minLength: 3, maxLength: 3 })),
    code: `export function ofKeys(a: number[], t: number[]): number {
  let s = 0;
  for (const x of a) {
    if (x >= 0 && x < t.length) s += t[x];
    a[a.length - 1] = 0.5;
  }
  return s;
}
`,
  },
  {
    // Two parameters may be one array: a write through b ends a's view.
    name: "aliasedKeys",
    params: ["a: number[]", "b: number[]", "t: number[]"],
    pre: ["forall(i, 0, a.length, Number.isInteger(a[i]) && a[i] >= 0)"],
    minProved: 0,
    buggy: true,
    inputs: fc
      .tuple(fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 1, maxLength: 3 }), fc.array(anyValue, { minLength: 3, maxLength: 3 }), fc.boolean())
      .map(([a, t, same]) => [a, same ? a : [...a], t]),
    code: `export function aliasedKeys(a: number[], b: number[], t: number[]): number {
  if (b.length > 0) b[0] = 0.5;
  if (a.length > 0 && a[0] >= 0 && a[0] < t.length) return t[a[0]];
  return 0;
}
`,
  },
  {
    // A callback that writes a captured array: not modelled, so nothing after it is proved
    // (were it modelled, it would have to end the view of keys).
    name: "callbackKeys",
    params: ["t: number[]"],
    pre: [],
    minProved: 0,
    buggy: true,
    inputs: fc.array(anyValue, { minLength: 3, maxLength: 3 }).map((t) => [t]),
    code: `export function callbackKeys(t: number[]): number {
  const keys = new Array(3).fill(0);
  const once = [0];
  once.forEach(() => {
    keys[0] = 0.5;
  });
  if (keys[0] >= 0 && keys[0] < t.length) return t[keys[0]];
  return 0;
}
`,
  },
  {
    // [+0, −0] meets the precondition; one sign for every zero of the forall would make it
    // contradictory, and t[9] proved vacuously.
    name: "signedZeros",
    params: ["a: number[]", "t: number[]"],
    pre: ["forall(i, 0, a.length, Number.isInteger(a[i]) && (1 / a[i]) * (i == 0 ? 1 : -1) > 0)"],
    minProved: 0,
    buggy: true,
    inputs: fc.array(anyValue, { minLength: 1, maxLength: 3 }).map((t) => [[0, -0], t]),
    code: `export function signedZeros(a: number[], t: number[]): number {
  if (a.length === 2 && a[0] === 0 && a[1] === 0) return t[9];
  return 0;
}
`,
  },
];
