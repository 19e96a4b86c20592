import type { ObligationKind } from "../obligation.js";
import type { Term } from "./terms.js";

/**
 * Collects what the symbolic executor finds at each obligation site: one contribution per
 * path that reaches it (path condition ⇒ goal), or the reason it cannot be encoded. Loops
 * run their body speculatively (to find the kinds of the variables they modify), so the sink
 * supports checkpoints and rollback.
 */
export interface SiteKey {
  readonly kind: ObligationKind;
  readonly start: number;
  readonly end: number;
  /** 1-based clause number when several obligations of one kind share a site. */
  readonly clauseIndex?: number | undefined;
  readonly clauseCount?: number | undefined;
  readonly description: string;
  readonly clause?: string | undefined;
  /** A loop invariant the verifier proposed itself (invariant-candidates.ts). */
  readonly inferred?: boolean | undefined;
}

export type Contribution =
  /**
   * `append`: the goal is an appending write's (0 <= i <= length, append.ts), with this
   * description. A site whose every path appends is checked that way at run time too.
   */
  | { readonly site: SiteKey; readonly assumptions: readonly Term[]; readonly goal: Term; readonly append?: string | undefined }
  | { readonly site: SiteKey; readonly unsupported: string };

export interface AbortRecord {
  readonly start: number;
  /** Offsets of the loops enclosing the abort point: their whole bodies may run again. */
  readonly loops: ReadonlyArray<{ readonly start: number; readonly end: number }>;
  readonly reason: string;
}

export class Sink {
  readonly entries: Contribution[] = [];
  readonly aborts: AbortRecord[] = [];

  mark(): { entries: number; aborts: number } {
    return { entries: this.entries.length, aborts: this.aborts.length };
  }

  rollback(mark: { entries: number; aborts: number }): void {
    this.entries.length = mark.entries;
    this.aborts.length = mark.aborts;
  }

  add(site: SiteKey, assumptions: readonly Term[], goal: Term, append?: string): void {
    this.entries.push(append === undefined ? { site, assumptions: [...assumptions], goal } : { site, assumptions: [...assumptions], goal, append });
  }

  unsupported(site: SiteKey, reason: string): void {
    this.entries.push({ site, unsupported: reason });
  }
}

export function siteId(site: SiteKey): string {
  return `${site.kind}@${site.start}:${site.end}#${site.clauseIndex ?? 0}`;
}

/** Thrown to stop one path at a construct that is not modelled; caught per statement. */
export class Abort extends Error {
  constructor(
    readonly node: { getStart(): number },
    readonly reason: string,
  ) {
    super(reason);
  }
}
