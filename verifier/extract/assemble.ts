import { positionToken, type RawObligation } from "./positions.js";
import { siteId, type AbortRecord, type Contribution, type SiteKey } from "./sink.js";
import { canonicalQueryPaths } from "./smt-text.js";
import { FALSE, type Term } from "./terms.js";

/**
 * Turns the executor's contributions into Obligations. Every declared site (found
 * syntactically, so nothing the executor skipped is lost) becomes exactly one obligation:
 *  - unsupported if any path reaching it could not be encoded, if a path that stopped at an
 *    unmodelled construct could reach it (any site after that point or in an enclosing loop),
 *    or if no path reached it at all;
 *  - otherwise the canonical query over all paths that reached it.
 */
export interface AssembleInput {
  readonly entityId: string;
  readonly declared: readonly SiteKey[];
  readonly entries: readonly Contribution[];
  readonly aborts: readonly AbortRecord[];
  /** The entity's entry facts and formal preconditions with goal false (absent: no formal preconditions). */
  readonly preconditionsSmt?: string | undefined;
}

export function assemble(input: AssembleInput): RawObligation[] {
  const byKey = new Map<string, { site: SiteKey; contributions: Contribution[] }>();
  const ensure = (site: SiteKey): { site: SiteKey; contributions: Contribution[] } => {
    const key = siteId(site);
    let slot = byKey.get(key);
    if (!slot) {
      slot = { site, contributions: [] };
      byKey.set(key, slot);
    }
    return slot;
  };
  for (const site of input.declared) ensure(site);
  for (const c of input.entries) ensure(c.site).contributions.push(c);

  const slots = [...byKey.values()].sort((a, b) => a.site.start - b.site.start || a.site.end - b.site.end || a.site.kind.localeCompare(b.site.kind) || (a.site.clauseIndex ?? 0) - (b.site.clauseIndex ?? 0));
  // Ids name the site's line:column (a token until finalize); equal offsets ⇔ equal line:column.
  const used = new Map<string, number>();
  const out: RawObligation[] = [];
  for (const { site, contributions } of slots) {
    const base = `${input.entityId}/${site.kind}/${positionToken(site.start)}`;
    const multi = (site.clauseCount ?? 1) > 1;
    let id = multi ? `${base}#${site.clauseIndex ?? 1}` : base;
    const n = used.get(id) ?? 0;
    used.set(id, n + 1);
    if (n > 0) id = `${id}${multi ? "." : "#"}${n + 1}`;
    const common = {
      id,
      entity: input.entityId,
      kind: site.kind,
      site: { start: site.start, end: site.end },
      description: site.description,
      clause: site.clause,
      ...(site.inferred === true ? { inferred: true as const } : {}),
    };
    const reason = unsupportedReason(site, contributions, input.aborts);
    if (reason !== undefined) {
      out.push({ ...common, smt: null, unsupportedReason: reason });
      continue;
    }
    const goals = contributions.filter((c): c is Extract<Contribution, { goal: Term }> => "goal" in c);
    const paths = goals.map((c) => ({ assumptions: c.assumptions, goal: c.goal }));
    // Every path appends (append.ts): the run-time check accepts an index equal to the length too.
    // One path that does not (another receiver) keeps the ordinary check for all.
    const append = goals.length > 0 && goals.every((c) => c.append !== undefined) ? goals[0]!.append : undefined;
    const q = canonicalQueryPaths(paths);
    // The same paths with goal false: unsat iff no path condition is satisfiable (a vacuous proof).
    const path = canonicalQueryPaths(paths.map((p) => ({ assumptions: p.assumptions, goal: FALSE }))).smt;
    const vacuity = input.preconditionsSmt === undefined ? { path } : { path, preconditions: input.preconditionsSmt };
    out.push({ ...common, ...(append !== undefined ? { description: append, append: true as const } : {}), smt: q.smt, symbols: q.symbols, vacuity });
  }
  return out;
}

function unsupportedReason(site: SiteKey, contributions: readonly Contribution[], aborts: readonly AbortRecord[]): string | undefined {
  if (site.kind === "informal") {
    const c = contributions.find((x) => "unsupported" in x);
    return c && "unsupported" in c ? c.unsupported : "informal clause";
  }
  for (const c of contributions) if ("unsupported" in c) return c.unsupported;
  for (const a of aborts) {
    const after = site.start >= a.start || site.end > a.start;
    const inLoop = a.loops.some((l) => site.start >= l.start && site.start < l.end);
    if (after || inLoop) return `${a.reason} (a path reaching this site was not analysed)`;
  }
  if (contributions.length === 0) return "no analysed path reaches this site";
  return undefined;
}
