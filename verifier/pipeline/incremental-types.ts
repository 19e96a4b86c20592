import type { ExtractionMemo } from "../../proofs-cache/api.js";
import { sha256Hex } from "../../proofs-cache/key.js";
import type { SourceSite } from "../obligation.js";
import type { TypeIssue } from "../type-check/check-module.js";
import { javascriptResults, typeResults, type StaticResult, type TypeCheckInput } from "../type-check/type-obligations.js";
import type { ExtractionStats } from "./extraction.js";
import { reduceText } from "./reduced-text.js";

type KeyParts = ReturnType<typeof import("../extract/index.js")["entityKeyParts"]>;

const FORMAT = "anrf-function-types/1";

/**
 * Type obligations, checking only functions whose memoised issues miss.
 *
 * Issues inside an elided body (skeleton.ts) depend only on the skeleton and that function's
 * text, so they are memoised per function, relative to its start. A check then runs on the
 * module with every body whose issues hit replaced by a stub (reduced-text.ts): module-level
 * code, every signature and every changed function are checked afresh; the rest is read back.
 */
export async function typeResultsByFunction(
  input: TypeCheckInput,
  parts: KeyParts,
  common: string,
  memo: ExtractionMemo | undefined,
  stats: ExtractionStats | undefined,
): Promise<StaticResult[]> {
  if (!input.entities.some((e) => e.typeSafe)) return [];
  if (input.javascript) return javascriptResults(input);
  // A function is named by its place among the skeleton's left-out bodies (two functions can have
  // the same text but different contexts, e.g. contextual types) and its text.
  const functions = new Map<number, { readonly start: number; readonly text: string; readonly body: SourceSite; readonly key: string }>();
  for (const fn of parts.entities.values()) {
    if (fn.elided === undefined) continue;
    functions.set(fn.start, { start: fn.start, text: fn.text, body: fn.elided, key: sha256Hex(JSON.stringify([FORMAT, common, fn.elidedIndex, fn.text])) });
  }

  const known = new Map<number, TypeIssue[]>();
  if (memo !== undefined) {
    await Promise.all(
      [...functions.values()].map(async (fn) => {
        const issues = storedIssues(await memo.get(fn.key, "local"), fn.text.length, fn.start);
        if (issues !== undefined) known.set(fn.start, issues);
      }),
    );
  }
  if (stats) {
    stats.typeBodiesReused += known.size;
    stats.typeBodiesChecked += functions.size - known.size;
  }
  const reduced = reduceText(input.text, [...known.keys()].map((start) => functions.get(start)!.body));
  const { checkModuleTypes } = await import("../type-check/check-module.js");
  const checked = checkModuleTypes(reduced.text);
  const back = (site: SourceSite): SourceSite => ({ start: reduced.toOriginal(site.start), end: reduced.toOriginal(site.end) });
  const issues: TypeIssue[] = checked.issues.map((issue) => ({ ...issue, site: back(issue.site) }));
  const puts: Promise<void>[] = [];
  for (const fn of functions.values()) {
    if (known.has(fn.start)) continue;
    // Checked in full just now: what lies in its body is its own, for next time.
    const own = issues.filter((i) => i.site.start >= fn.body.start && i.site.end <= fn.body.end);
    if (memo !== undefined) puts.push(memo.put(fn.key, { format: FORMAT, length: fn.text.length, issues: own.map((i) => ({ start: i.site.start - fn.start, end: i.site.end - fn.start, message: i.message })) }, "local"));
  }
  for (const memoised of known.values()) issues.push(...memoised);
  issues.sort((a, b) => a.site.start - b.site.start || a.site.end - b.site.end);
  const spans = new Map([...checked.spans].map(([name, span]) => [name, back(span)]));
  await Promise.all(puts);
  return typeResults(input, issues, spans);
}

/** Memoised issues moved to `start`, or undefined (a miss) when the value is not exactly that. */
function storedIssues(value: unknown, length: number, start: number): TypeIssue[] | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const v = value as Record<string, unknown>;
  if (v["format"] !== FORMAT || v["length"] !== length || !Array.isArray(v["issues"])) return undefined;
  const out: TypeIssue[] = [];
  for (const i of v["issues"] as unknown[]) {
    if (typeof i !== "object" || i === null) return undefined;
    const r = i as Record<string, unknown>;
    const ok = (n: unknown): n is number => Number.isSafeInteger(n) && (n as number) >= 0 && (n as number) <= length;
    if (!ok(r["start"]) || !ok(r["end"]) || typeof r["message"] !== "string") return undefined;
    out.push({ site: { start: (r["start"] as number) + start, end: (r["end"] as number) + start }, message: r["message"] as string });
  }
  return out;
}
