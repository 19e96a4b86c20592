/**
 * Realistic kernels for the checks benchmark (bench/checks-bench.ts): ordinary algorithm code
 * in the style of common open-source TypeScript — sorts that return a sorted copy, DP tables,
 * a sieve, KMP, matrix code — written plainly, not tuned to the instrumenter or the verifier.
 * The text is the module of a generated ANRF document (see `kernelDocument`).
 */
import { readFileSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadDocument, type LoadedDocument } from "../spec/load.js";

export const KERNEL_SOURCE = String.raw`
export function selectionSort(input: number[]): number[] {
  const a = input.slice();
  for (let i = 0; i < a.length - 1; i++) {
    let min = i;
    for (let j = i + 1; j < a.length; j++) {
      if (a[j]! < a[min]!) min = j;
    }
    if (min !== i) {
      const tmp = a[i]!;
      a[i] = a[min]!;
      a[min] = tmp;
    }
  }
  return a;
}

export function gnomeSort(input: number[]): number[] {
  const a = input.slice();
  let pos = 0;
  while (pos < a.length) {
    if (pos === 0 || a[pos]! >= a[pos - 1]!) {
      pos++;
    } else {
      const tmp = a[pos]!;
      a[pos] = a[pos - 1]!;
      a[pos - 1] = tmp;
      pos--;
    }
  }
  return a;
}

export function insertionSort(input: number[]): number[] {
  const a = input.slice();
  for (let i = 1; i < a.length; i++) {
    const key = a[i]!;
    let j = i - 1;
    while (j >= 0 && a[j]! > key) {
      a[j + 1] = a[j]!;
      j--;
    }
    a[j + 1] = key;
  }
  return a;
}

export function longestCommonSubsequence(x: string, y: string): number {
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

export function editDistance(a: string, b: string): number {
  let prev: number[] = [];
  for (let j = 0; j <= b.length; j++) prev.push(j);
  for (let i = 1; i <= a.length; i++) {
    const cur: number[] = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      cur.push(Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost));
    }
    prev = cur;
  }
  return prev[b.length]!;
}

export function lowerBound(sorted: number[], target: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < target) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function countLowerBounds(sorted: number[], queries: number[]): number {
  let total = 0;
  for (let q = 0; q < queries.length; q++) total += lowerBound(sorted, queries[q]!);
  return total;
}

export function countPrimes(limit: number): number {
  const composite = new Uint8Array(limit + 1);
  let count = 0;
  for (let i = 2; i <= limit; i++) {
    if (composite[i] === 0) {
      count++;
      for (let j = i * i; j <= limit; j += i) composite[j] = 1;
    }
  }
  return count;
}

export function kmpCount(text: string, pattern: string): number {
  const m = pattern.length;
  if (m === 0) return 0;
  const fail = new Int32Array(m);
  let k = 0;
  for (let i = 1; i < m; i++) {
    while (k > 0 && pattern.charCodeAt(i) !== pattern.charCodeAt(k)) k = fail[k - 1]!;
    if (pattern.charCodeAt(i) === pattern.charCodeAt(k)) k++;
    fail[i] = k;
  }
  let count = 0;
  let q = 0;
  for (let i = 0; i < text.length; i++) {
    while (q > 0 && text.charCodeAt(i) !== pattern.charCodeAt(q)) q = fail[q - 1]!;
    if (text.charCodeAt(i) === pattern.charCodeAt(q)) q++;
    if (q === m) {
      count++;
      q = fail[q - 1]!;
    }
  }
  return count;
}

export function matmulTrace(a: Float64Array, b: Float64Array, n: number): number {
  const c = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < n; k++) {
      const aik = a[i * n + k]!;
      for (let j = 0; j < n; j++) c[i * n + j] += aik * b[k * n + j]!;
    }
  }
  let trace = 0;
  for (let i = 0; i < n; i++) trace += c[i * n + i]!;
  return trace;
}

export function rangeSums(values: number[], queries: number[]): number {
  const prefix: number[] = new Array<number>(values.length + 1).fill(0);
  for (let i = 0; i < values.length; i++) prefix[i + 1] = prefix[i]! + values[i]!;
  let total = 0;
  for (let q = 0; q + 1 < queries.length; q += 2) {
    const lo = queries[q]!;
    const hi = queries[q + 1]!;
    total += prefix[hi]! - prefix[lo]!;
  }
  return total;
}
`;

export const KERNEL_FUNCTIONS = ["selectionSort", "gnomeSort", "insertionSort", "longestCommonSubsequence", "editDistance", "lowerBound", "countLowerBounds", "countPrimes", "kmpCount", "matmulTrace", "rangeSums"] as const;

/** An ANRF document carrying the kernels (examples/read-note.anrf.json as the template), written under `dir`. */
export async function kernelDocument(root: string, dir: string): Promise<LoadedDocument> {
  const doc = JSON.parse(readFileSync(join(root, "examples", "read-note.anrf.json"), "utf8")) as Record<string, any>;
  const template = doc["semantics"].entities[0];
  const id = (name: string) => `ENT-${name.toUpperCase()}`;
  doc["semantics"].entities = KERNEL_FUNCTIONS.map((name) => ({ ...structuredClone(template), id: id(name), name, properties: {} }));
  doc["semantics"].invariants = [];
  doc["semantics"].security_contracts = KERNEL_FUNCTIONS.map((name, i) => ({ id: `SC-${i}`, description: `contract of ${name}`, preconditions: [], postconditions: [], invariants: [], applies_to: [id(name)] }));
  const rl = doc["security"].isolation_requirements.resource_limits;
  rl.filesystem = "None";
  rl.memory = 256;
  rl.time = 120_000;
  delete doc["execution"].source;
  delete doc["execution"]["x-anrf-filesystem-mounts"];
  doc["execution"].code = KERNEL_SOURCE;
  mkdirSync(dir, { recursive: true });
  const file = join(dir, "checks-kernels.anrf.json");
  writeFileSync(file, JSON.stringify(doc, null, 2));
  const loaded = await loadDocument(file);
  if (!loaded.valid) throw new Error(`kernel document is invalid: ${JSON.stringify(loaded.findings.filter((f) => f.severity === "error")).slice(0, 500)}`);
  return loaded;
}
