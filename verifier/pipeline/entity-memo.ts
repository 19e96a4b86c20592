/**
 * Per-entity extraction memo: an entity's raw obligations stored relative to its function's
 * start, so a one-function edit re-extracts only that function even when the edit moved every
 * function below it. The key (entityMemoKey) covers everything an entity's extraction reads —
 * see verifier/extract/skeleton.ts for why that is the skeleton plus the entity's own text.
 *
 * Stored form: offsets relative to the function start, strings as position segments
 * (positions.ts), never this process's tokens. An entity whose obligations mention a position
 * outside its own function (a module-level network import) is not stored: it could not be
 * relocated. Reading validates every field; anything unexpected is a miss.
 */
import { sha256Hex } from "../../proofs-cache/key.js";
import type { ArgumentShape, ObligationKind, SourceSite } from "../obligation.js";
import { fromSegments, toSegments, tokenOffsets, type RawObligation, type Segments } from "../extract/positions.js";

const FORMAT = "anrf-entity-extraction/3";

interface StoredObligation {
  readonly id: Segments;
  readonly entity: string;
  readonly kind: ObligationKind;
  readonly site: SourceSite;
  readonly description: Segments;
  readonly clause?: string;
  readonly smt: string | null;
  readonly unsupportedReason?: Segments;
  readonly symbols?: Readonly<Record<string, Segments>>;
  readonly vacuity?: { readonly path: string; readonly preconditions?: string };
  readonly inferred?: true;
  readonly append?: true;
  readonly argumentShape?: ArgumentShape;
}

export interface StoredEntity {
  readonly format: typeof FORMAT;
  /** Length of the function text (the key already fixes it; checked again on read). */
  readonly length: number;
  readonly obligations: readonly StoredObligation[];
}

/**
 * `common` = hash of what all entities of the module share (extractor fingerprint, the
 * document's extraction input without the module text, the skeleton); then the entity's id and
 * its function's exact text.
 */
export function entityMemoKey(common: string, entityId: string, functionText: string): string {
  return sha256Hex(JSON.stringify(["anrf-entity-extraction-key/1", common, entityId, functionText]));
}

export function toStored(raw: readonly RawObligation[], span: SourceSite): StoredEntity | undefined {
  const inside = (offset: number): boolean => offset >= span.start && offset <= span.end;
  const strings = (o: RawObligation): string[] => [o.id, o.description, o.unsupportedReason ?? "", ...Object.values(o.symbols ?? {})];
  for (const o of raw) {
    if (!inside(o.site.start) || !inside(o.site.end)) return undefined;
    if (!strings(o).every((s) => tokenOffsets(s).every(inside))) return undefined;
  }
  const rel = (s: string): Segments => toSegments(s, span.start);
  return {
    format: FORMAT,
    length: span.end - span.start,
    obligations: raw.map((o) => ({
      id: rel(o.id),
      entity: o.entity,
      kind: o.kind,
      site: { start: o.site.start - span.start, end: o.site.end - span.start },
      description: rel(o.description),
      ...(o.clause === undefined ? {} : { clause: o.clause }),
      smt: o.smt,
      ...(o.unsupportedReason === undefined ? {} : { unsupportedReason: rel(o.unsupportedReason) }),
      ...(o.symbols === undefined ? {} : { symbols: Object.fromEntries(Object.entries(o.symbols).map(([k, v]) => [k, rel(v)])) }),
      ...(o.vacuity === undefined ? {} : { vacuity: o.vacuity.preconditions === undefined ? { path: o.vacuity.path } : { path: o.vacuity.path, preconditions: o.vacuity.preconditions } }),
      ...(o.inferred === true ? { inferred: true as const } : {}),
      ...(o.append === true ? { append: true as const } : {}),
      ...(o.argumentShape === undefined ? {} : { argumentShape: o.argumentShape }),
    })),
  };
}

/** A stored entity moved to `span`, or undefined (a miss) if the value is not exactly a stored entity of that length. */
export function fromStored(value: unknown, span: SourceSite, entityId: string): RawObligation[] | undefined {
  if (!isRecord(value) || value["format"] !== FORMAT || value["length"] !== span.end - span.start || !Array.isArray(value["obligations"])) return undefined;
  const out: RawObligation[] = [];
  const abs = (s: Segments): string => fromSegments(s, span.start);
  for (const o of value["obligations"] as unknown[]) {
    if (!isStoredObligation(o, span.end - span.start, entityId)) return undefined;
    out.push({
      id: abs(o.id),
      entity: o.entity,
      kind: o.kind,
      site: { start: o.site.start + span.start, end: o.site.end + span.start },
      description: abs(o.description),
      ...(o.clause === undefined ? {} : { clause: o.clause }),
      smt: o.smt,
      ...(o.unsupportedReason === undefined ? {} : { unsupportedReason: abs(o.unsupportedReason) }),
      ...(o.symbols === undefined ? {} : { symbols: Object.fromEntries(Object.entries(o.symbols).map(([k, v]) => [k, abs(v)])) }),
      ...(o.vacuity === undefined ? {} : { vacuity: o.vacuity }),
      ...(o.inferred === true ? { inferred: true as const } : {}),
      ...(o.append === true ? { append: true as const } : {}),
      ...(o.argumentShape === undefined ? {} : { argumentShape: o.argumentShape }),
    });
  }
  return out;
}

const KINDS: ReadonlySet<string> = new Set<ObligationKind>(["bounds", "precondition", "argument", "postcondition", "invariant", "type", "capability", "informal", "unverifiable"]);

const SHAPES: ReadonlySet<string> = new Set<ArgumentShape>(["number", "string", "boolean"]);

function isStoredObligation(o: unknown, length: number, entityId: string): o is StoredObligation {
  if (!isRecord(o)) return false;
  const site = o["site"];
  const offset = (n: unknown): boolean => Number.isSafeInteger(n) && (n as number) >= 0 && (n as number) <= length;
  return (
    isSegments(o["id"], length) &&
    o["entity"] === entityId &&
    typeof o["kind"] === "string" &&
    KINDS.has(o["kind"]) &&
    isRecord(site) &&
    offset(site["start"]) &&
    offset(site["end"]) &&
    isSegments(o["description"], length) &&
    (o["clause"] === undefined || typeof o["clause"] === "string") &&
    (o["smt"] === null || typeof o["smt"] === "string") &&
    (o["unsupportedReason"] === undefined || isSegments(o["unsupportedReason"], length)) &&
    (o["symbols"] === undefined || (isRecord(o["symbols"]) && Object.values(o["symbols"]).every((v) => isSegments(v, length)))) &&
    (o["inferred"] === undefined || o["inferred"] === true) &&
    (o["append"] === undefined || o["append"] === true) &&
    (o["argumentShape"] === undefined || (o["kind"] === "argument" && SHAPES.has(o["argumentShape"] as string))) &&
    (o["vacuity"] === undefined || (isRecord(o["vacuity"]) && typeof o["vacuity"]["path"] === "string" && (o["vacuity"]["preconditions"] === undefined || typeof o["vacuity"]["preconditions"] === "string")))
  );
}

function isSegments(v: unknown, length: number): v is Segments {
  if (typeof v === "string") return true;
  return Array.isArray(v) && v.every((s) => typeof s === "string" || (Number.isSafeInteger(s) && s >= 0 && s <= length));
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
