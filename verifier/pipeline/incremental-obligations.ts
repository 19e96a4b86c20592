import type { ExtractionMemo } from "../../proofs-cache/api.js";
import { sha256Hex } from "../../proofs-cache/key.js";
import type { RawObligation } from "../extract/positions.js";
import type { SourceSite } from "../obligation.js";
import { entityMemoKey, fromStored, toStored } from "./entity-memo.js";
import type { ExtractionStats } from "./extraction.js";
import { extractInferring, type DecideCandidates } from "./houdini.js";
import { reduceText } from "./reduced-text.js";

type Extractor = typeof import("../extract/index.js");
type Outline = ReturnType<Extractor["outlineModule"]>;
type KeyParts = ReturnType<Extractor["entityKeyParts"]>;
type Analysis = ReturnType<Extractor["analyseModule"]>;

/**
 * A module's obligations, executing only the entities whose memo entry misses.
 *
 * Hits are relocated from the per-entity memo (entity-memo.ts). The misses are extracted from the
 * module *reduced* to what they can depend on: every elided body of an entity that hit is
 * replaced by a stub (reduced-text.ts), so TypeScript parses, binds and checks only what changed.
 * That is the same equivalence the memo key relies on (verifier/extract/skeleton.ts): the
 * reduced module has the same skeleton and the same text for every entity extracted from it. An
 * entity whose obligations point outside its own function (a module-level import) cannot be
 * moved between the two texts, so it is extracted from the full module instead, and not stored.
 */
export async function obligationsByEntity(
  extractor: Extractor,
  outline: Outline,
  parts: KeyParts,
  fingerprint: string,
  memo: ExtractionMemo | undefined,
  stats: ExtractionStats | undefined,
  decide?: DecideCandidates | undefined,
): Promise<ReturnType<Extractor["assembleExtraction"]>> {
  // File names reach obligations only at finalize (assembleExtraction), so they are not part of
  // an entity's key: a moved or renamed document still reuses its entities.
  const { moduleText, moduleFile: _module, documentFile: _document, ...shared } = outline.input;
  // With inference the stored result is what Houdini kept: a different entry from one without.
  const common = sha256Hex(JSON.stringify(["anrf-entity-extraction", fingerprint, outline.javascript, shared, parts.skeleton, decide === undefined ? "no-inference" : "houdini"]));
  const ids = [...outline.resolved.keys()];
  const fnOf = (id: string) => parts.entities.get(id)!;
  const keyOf = (id: string): string => entityMemoKey(common, id, fnOf(id).text);

  const raw = new Map<string, readonly RawObligation[]>();
  if (memo !== undefined) {
    const found = await Promise.all(ids.map(async (id) => fromStored(await memo.get(keyOf(id), "local"), fnOf(id), id)));
    ids.forEach((id, i) => {
      if (found[i] !== undefined) raw.set(id, found[i]);
    });
  }
  const misses = ids.filter((id) => !raw.has(id));
  if (stats) {
    stats.entitiesReused += ids.length - misses.length;
    stats.entitiesExtracted += misses.length;
  }
  if (misses.length === 0) return extractor.assembleExtraction(outline, raw);

  // Stub out the bodies of functions every entity of which hit (two entities may share one).
  const needed = new Set(misses.map((id) => fnOf(id).start));
  const stubs = new Map<number, SourceSite>();
  for (const id of ids) {
    const fn = fnOf(id);
    if (fn.elided !== undefined && !needed.has(fn.start)) stubs.set(fn.start, fn.elided);
  }
  const reduced = reduceText(moduleText, [...stubs.values()]);
  const analysis = extractor.analyseModule({ ...outline.input, moduleText: reduced.text });
  let full: Analysis | undefined;
  const puts: Promise<void>[] = [];
  for (const id of misses) {
    const fn = fnOf(id);
    const inReduced: SourceSite = { start: reduced.fromOriginal(fn.start), end: reduced.fromOriginal(fn.end) };
    const extracted = await extractInferring(extractor, analysis, id, decide, stats?.houdini);
    // Storable only when every position lies in the entity's own function.
    const stored = toStored(extracted, inReduced);
    // Nothing stubbed: the reduced module is the module, positions are already right.
    const moved = stubs.size === 0 ? extracted : stored === undefined ? undefined : fromStored(stored, fn, id);
    if (moved === undefined) {
      full ??= extractor.analyseModule(outline.input);
      raw.set(id, await extractInferring(extractor, full, id, decide, stats?.houdini));
      continue;
    }
    raw.set(id, moved);
    if (stored !== undefined && memo !== undefined) puts.push(memo.put(keyOf(id), stored, "local"));
  }
  await Promise.all(puts);
  return extractor.assembleExtraction(outline, raw);
}
