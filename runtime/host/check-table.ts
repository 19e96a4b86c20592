/**
 * Decides, per site, which checks to insert from the verifier's results (pure), and builds the
 * table of inserted checks the guest reads. The rule: a check is left out only in production
 * and only when an obligation for exactly that site (kind + site.start/end) is `proved`; a
 * site the verifier said nothing about is checked.
 */
import type { ObligationResult } from "../../verifier/obligation.js";
import type { CheckKind, CheckSpec, RunMode } from "../guest/protocol.js";

export interface LocationOf {
  (offset: number): { readonly file: string; readonly line: number; readonly column: number };
}

export class CheckTable {
  readonly specs: CheckSpec[] = [];
  skippedByProof = 0;
  private readonly bySite = new Map<string, ObligationResult[]>();
  private readonly used = new Set<string>();
  private readonly synthesized = new Map<string, number>();
  private readonly unplacedNotes: string[] = [];
  /** Checks decided but not placed in the code (see `unplaced`). */
  unplacedCount = 0;

  constructor(
    obligations: readonly ObligationResult[],
    private readonly mode: RunMode,
    private readonly locationOf: LocationOf,
    private readonly all: readonly ObligationResult[] = obligations,
    /** False when an assumption behind the proofs cannot be checked (an entry's argument types): nothing is skipped. */
    private readonly trustProofs = true,
  ) {
    for (const o of obligations) {
      const key = `${o.kind}@${o.site.start}:${o.site.end}`;
      const list = this.bySite.get(key) ?? [];
      list.push(o);
      this.bySite.set(key, list);
    }
    for (const list of this.bySite.values()) list.sort((a, b) => a.id.localeCompare(b.id, "en", { numeric: true }));
  }

  obligationsAt(kind: CheckKind, start: number, end: number): readonly ObligationResult[] {
    return this.bySite.get(`${kind}@${start}:${end}`) ?? [];
  }

  /**
   * The check index for one check at a site, or undefined when a proof makes it unnecessary.
   * `match` picks the obligation for one clause among several at the site (pre/postconditions).
   */
  decide(kind: CheckKind, entity: string, start: number, end: number, description: string, match?: (o: ObligationResult, index: number) => boolean): number | undefined {
    const here = this.obligationsAt(kind, start, end);
    const candidates = match ? here.filter((o, i) => match(o, i)) : here;
    const open = candidates.filter((o) => o.status !== "proved");
    const proved = candidates.length > 0 && open.length === 0;
    for (const o of candidates) this.used.add(o.id);
    if (proved && this.mode === "production" && this.trustProofs) {
      this.skippedByProof += 1;
      return undefined;
    }
    // The verifier's own loop invariants (inferred, kept only when proved) are lemmas about the
    // code, not something the document or its author asked for. Development checks what was
    // asked for — every bounds site and every clause of the document — and leaves these out:
    // a quantified one costs a pass over an array at every iteration (LCS 300×300: 181× with
    // them). Testing mode still evaluates them (the differential check of the verifier).
    if (proved && this.mode === "development" && candidates.every((o) => o.inferred === true)) {
      this.skippedByProof += 1;
      return undefined;
    }
    const o = open[0] ?? candidates[0];
    if (o !== undefined) {
      return this.add({
        id: o.id,
        kind,
        entity: o.entity,
        location: o.location,
        description: o.description,
        status: o.status,
        ...(kind === "bounds" && here.every((x) => x.append === true) ? { append: true as const } : {}),
        ...(kind === "argument" && o.argumentShape !== undefined ? { shape: o.argumentShape } : {}),
      });
    }
    const location = this.locationOf(start);
    const base = `${entity}/${kind}/${location.line}:${location.column}`;
    const n = (this.synthesized.get(base) ?? 0) + 1;
    this.synthesized.set(base, n);
    return this.add({ id: n === 1 ? base : `${base}#${n}`, kind, entity, location, description, status: "none" });
  }

  /** A check that no proof can remove (entry preconditions: the arguments come from outside). */
  always(spec: Omit<CheckSpec, "status">): number {
    return this.add({ ...spec, status: "entry" });
  }

  private add(spec: CheckSpec): number {
    this.specs.push(spec);
    return this.specs.length - 1;
  }

  /**
   * A check was decided for a site but cannot be placed (its clause does not compile to a
   * runtime check): the obligation is then not enforced and must be reported as uncovered.
   */
  unplaced(k: number, why: string): void {
    const s = this.specs[k];
    if (s === undefined) return;
    this.unplacedCount += 1;
    if (s.status !== "proved") this.unplacedNotes.push(`${s.id} (${s.kind}, ${s.status}; not placed: ${why})`);
  }

  /** Obligations neither proved nor turned into a check (e.g. `type`, `informal`, sites not instrumented, clauses that do not compile). */
  uncovered(): string[] {
    const never = this.all.filter((o) => o.status !== "proved" && !this.used.has(o.id)).map((o) => `${o.id} (${o.kind}, ${o.status})`);
    return [...never, ...this.unplacedNotes];
  }
}
