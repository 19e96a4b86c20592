import { abstractConst, and, app, freshConst, intLit, le, type Const, type Term } from "./terms.js";
import { isTypedArrayClass, maxLengthOf, type ElemType, type Val } from "./values.js";

/**
 * A double defined as an Int term's value (numbers.ts smallToFP). `def` is guarded by the Int
 * range it speaks of, so it can be assumed on any path (it constrains `f` only where the term is
 * in range, and then to exactly one value): a conditional operand's conversions can be kept
 * after it (exec-expr underCondition).
 */
export interface AsDouble {
  readonly f: Term;
  readonly range: object;
  readonly def: Term;
}

/**
 * One symbolic path: variable values (keyed by the checker's symbol, so shadowing is
 * handled), array lengths by reference, the path condition, and the exactness conditions of
 * integer arithmetic done so far (every later goal must include them: if an integer result
 * left ±2^53 the Int model stopped matching the double, so nothing after it is proved).
 */
export class State {
  constructor(
    readonly env: Map<unknown, Val>,
    readonly lens: Map<number, Term>,
    readonly refClass: Map<number, string>,
    /** References that may be reachable from outside the function (parameters, escaped locals). */
    readonly shared: Set<number>,
    readonly pc: Term[],
    readonly exact: Term[],
  ) {}


  /** Contract clauses use the rounding model even for unbounded operands (see numbers.intArith). */
  clauseMode = false;

  /**
   * References that may no longer be plain (issue 9, class A): they escaped to code that can
   * install accessors, change the prototype or store non-numbers in them, or their provenance
   * was never seen. Such a reference is read as an unmodelled value (exec-expr `modelled`).
   */
  exotic: Set<number> = new ExoticRefs(this);

  /**
   * Arrays of arrays whose every element is, right now, a distinct plain Array of length `len`
   * (rows.ts: only for arrays used in ways that cannot let a row out of the model's sight).
   */
  rows = new Map<number, RowFact>();
  /** Row references read out of such an array (rows.ts `rowValue`): the array they came from. */
  rowOf = new Map<number, number>();
  /** The row reference read at `<array ref>:<index term>` (rows.ts): the same index, the same row. */
  rowAt = new Map<string, number>();
  /**
   * The index term of each row reference that is, right now, the row of its array at that
   * index (rows.ts). A reference in rowOf without an index may be (or have been) a row of that
   * array but where is not known: a length change through it forgets the array's rows.
   */
  rowIndex = new Map<number, Term>();

  /**
   * The rows of `matrix` may no longer be what its RowFact says (a row's length changed, a row
   * became exotic, a row was replaced, the array itself changed): the fact goes, and every row
   * reference already read out of it gets an unknown length — it may be the row that changed.
   */
  forgetRows(matrix: number, source: string, except?: number): void {
    if (!this.rows.delete(matrix)) return;
    // The references stay marked as (possibly) rows of `matrix` without an index: none of them
    // is a fresh array any more (rows.ts `storeRow`), and a length change through one of them
    // changes the others' (rowsTouched).
    for (const [row, of] of this.rowOf) {
      if (of !== matrix) continue;
      this.rowIndex.delete(row);
      if (row !== except && this.lens.has(row)) this.havocRowLength(row, `length of a row of an array whose rows changed (${source})`);
    }
  }

  private havocRowLength(row: number, source: string): void {
    const len = abstractConst("Int", source);
    this.lens.set(row, len);
    this.assume(and(le(intLit(0), len), le(len, intLit(maxLengthOf(this.refClass.get(row) ?? "Array")))));
    this.forgetContents(row);
  }

  /**
   * Something happened to `ref` that may change an array of rows it is, or is a row of. A row
   * at a known index of an array whose rows have per-row lengths (RowFact.lens) changed length:
   * the lengths record it (store at that index), and every other row reference of that array
   * reads its length afresh (it may be the same row: then it is the new length, otherwise the
   * one it had) and forgets its elements. Otherwise the array's rows become unknown, and so
   * do the lengths of all references that may be the same row.
   */
  private rowsTouched(ref: number, source: string): void {
    if (this.rows.has(ref)) this.forgetRows(ref, source);
    const of = this.rowOf.get(ref);
    if (of === undefined) return;
    const fact = this.rows.get(of);
    const at = this.rowIndex.get(ref);
    const len = this.lens.get(ref);
    if (fact?.lens !== undefined && at !== undefined && len !== undefined) {
      this.setRowLengths(of, { ...fact, lens: app("store", "IntArray", fact.lens, at, len) }, ref);
      return;
    }
    if (fact !== undefined) {
      this.forgetRows(of, source, ref);
      return;
    }
    for (const [row, m] of this.rowOf) if (m === of && row !== ref && this.lens.has(row)) this.havocRowLength(row, `length of an array that may be the same row (${source})`);
  }

  /**
   * `matrix`'s rows now have the lengths `fact.lens`: every row reference of it at a known
   * index (but `except`) reads its length from them and forgets its elements (it may be the row
   * that changed).
   */
  setRowLengths(matrix: number, fact: RowFact, except?: number): void {
    this.rows.set(matrix, fact);
    if (fact.lens === undefined) return;
    for (const [row, of] of this.rowOf) {
      if (of !== matrix || row === except) continue;
      const at = this.rowIndex.get(row);
      if (at === undefined || !this.lens.has(row)) continue;
      this.lens.set(row, app("select", "Int", fact.lens, at));
      this.forgetContents(row);
    }
  }

  /**
   * Each exactness condition with the path condition at the point it arose. A later site's
   * goal includes the conditions (guarded), but under the *site's* path condition, which may
   * contain facts computed from the inexact value (`x + 1 === x` at x = 2^53 is true in doubles,
   * false over Int): the branch would look dead and its sites be proved vacuously. So every
   * later site also gets one entry per condition under the path condition where it arose
   * (issue 9, found by the differential harness).
   */
  exactAt: Array<{ readonly pc: readonly Term[]; readonly cond: Term }> = [];

  pushExact(cond: Term): void {
    this.exact.push(cond);
    this.exactAt.push({ pc: [...this.pc], cond });
  }

  /**
   * Element contents (issue 12): per array reference whose contents changed on this path, the
   * SMT array of its elements now. A reference without an entry still has its first contents
   * (baseContents: the entry values of a parameter, the unknown initial elements of an array
   * made here). Every operation that may change elements (a write, a length change, an unknown
   * call, a loop iteration that changed them, …) records a new version; the contents of an
   * array another write may reach (aliases) become unknown.
   */
  contents = new Map<number, Term>();

  /** The SMT array of `ref`'s elements now (elements of sort `sort`). */
  contentsOf(ref: number, sort: "IntArray" | "FPArray"): Term {
    const now = this.contents.get(ref);
    if (now !== undefined && now.sort === sort) return now;
    if (now !== undefined) return this.forgetContents(ref, sort);
    const key = `${ref}:${sort}`;
    let base = this.bases.get(key);
    if (base === undefined) {
      // A parameter's length is its canonical p<i>_len until anything changes the array (which
      // also makes its contents unknown): its first contents are the caller's elements, real
      // inputs (p<i>_elems, not an abstraction). Any other array's first contents (a literal,
      // new Array(n), a copy) are not modelled exactly: an abstraction.
      const len = this.lens.get(ref);
      const otherSort = [...this.bases.keys()].some((k) => k.startsWith(`${ref}:`));
      const canon = !otherSort && len?.kind === "const" && len.canon?.endsWith("_len") ? `${len.canon.slice(0, -"_len".length)}_elems` : undefined;
      const source = len?.kind === "const" && canon !== undefined ? `${len.source.replace(/\.length$/, "")} elements` : "the elements of an array";
      base = canon !== undefined ? freshConst(sort, source, canon) : abstractConst(sort, source);
      this.bases.set(key, base);
    }
    return base;
  }

  /**
   * The first contents of each reference (by reference and sort): one constant for every path
   * of the function, so every state derived from one entry state shares this map (clone keeps it).
   */
  bases = new Map<string, Const>();

  /**
   * Integral views (issue 12; elements.ts): number arrays whose every element a precondition
   * makes an integer. While such a reference's contents are of sort IntArray, its element k is
   * the double whose value is the Int at k (−0 possible), so reads are integers and index
   * arithmetic on them is integer arithmetic. Whatever makes the contents unknown makes them FP
   * again (forgetContents): unknown elements of a number array may be any numbers. Per
   * reference for every path of the function, so clones share it (like `bases`).
   */
  intViews = new Set<number>();

  /**
   * Starts `ref`'s integral view: its first contents are the caller's elements as integers,
   * each within `bounds` (the precondition's literal bounds) for as long as they are unchanged.
   */
  startIntegralView(ref: number, bounds: { readonly lo?: bigint | undefined; readonly hi?: bigint | undefined } = {}): void {
    this.intViews.add(ref);
    const base = this.contentsOf(ref, "IntArray");
    this.contents.set(ref, base);
    this.viewBounds.set(ref, { base, lo: bounds.lo, hi: bounds.hi });
  }

  /** `ref` (an array made here, held nowhere else) was filled with the integer `value`: an integral view of that constant. */
  startFilledView(ref: number, value: Term): void {
    this.intViews.add(ref);
    this.contents.set(ref, app("(as const (Array Int Int))", "IntArray", value));
  }

  /** At a loop head: `ref`'s elements are integers an iteration may have changed (loops.ts: every iteration kept its view). */
  havocIntegralView(ref: number, source: string): void {
    this.contents.set(ref, abstractConst("IntArray", source));
  }

  /** Each integral view's first contents and the bounds every element of those has (shared by clones). */
  viewBounds = new Map<number, { readonly base: Term; readonly lo: bigint | undefined; readonly hi: bigint | undefined }>();

  /** `ref`'s contents as integers while its integral view lasts, else undefined. */
  integralView(ref: number): Term | undefined {
    const now = this.contents.get(ref);
    return this.intViews.has(ref) && now?.sort === "IntArray" ? now : undefined;
  }

  /** `ref`'s elements are unknown from here (a fresh version; a number array's are doubles again, its integral view gone). */
  forgetContents(ref: number, sort?: "IntArray" | "FPArray"): Term {
    const s = this.intViews.has(ref) ? "FPArray" : (sort ?? (this.contents.get(ref)?.sort as "IntArray" | "FPArray" | undefined) ?? "FPArray");
    const fresh = abstractConst(s, `the elements of an array after a change`);
    this.contents.set(ref, fresh);
    return fresh;
  }

  /**
   * An element of `ref` was written: its contents become `next`; every other array the write
   * may reach through aliasing (a shared reference of the same family: plain Arrays, or typed
   * arrays, which may view one buffer) gets unknown contents.
   */
  writeContents(ref: number, next: Term): void {
    this.forgetAliases(ref);
    this.contents.set(ref, next);
  }

  private forgetAliases(ref: number): void {
    // Two rows read out of one array of rows (rows.ts) at different index terms may be one row.
    const of = this.rowOf.get(ref);
    if (of !== undefined) for (const [row, m] of this.rowOf) if (m === of && row !== ref) this.forgetContents(row);
    if (!this.shared.has(ref)) return;
    const typed = isTypedArrayClass(this.refClass.get(ref) ?? "Array");
    for (const other of [...this.lens.keys()]) {
      if (other === ref || !this.shared.has(other)) continue;
      if (isTypedArrayClass(this.refClass.get(other) ?? "Array") === typed) this.forgetContents(other);
    }
  }

  static empty(): State {
    return new State(new Map(), new Map(), new Map(), new Set(), [], []);
  }

  /**
   * Integers already given a double on this path (numbers.ts smallToFP), by Int term (identity):
   * the definition `def` is in pc, so every later conversion of the same term in the same range
   * reuses the constant instead of a second one z3 would have to bit-blast to see equal (issue 12).
   */
  asDouble = new Map<Term, AsDouble>();

  clone(): State {
    const c = new State(new Map(this.env), new Map(this.lens), new Map(this.refClass), new Set(this.shared), [...this.pc], [...this.exact]);
    c.asDouble = new Map(this.asDouble);
    c.exotic = new ExoticRefs(c, this.exotic);
    c.contents = new Map(this.contents);
    c.bases = this.bases;
    c.intViews = this.intViews;
    c.viewBounds = this.viewBounds;
    c.exactAt = [...this.exactAt];
    c.rows = new Map(this.rows);
    c.rowOf = new Map(this.rowOf);
    c.rowAt = new Map(this.rowAt);
    c.rowIndex = new Map(this.rowIndex);
    return c;
  }

  assume(t: Term): void {
    this.pc.push(t);
  }

  /** Goal made sound against integer inexactness on this path. */
  guarded(goal: Term): Term {
    return and(...this.exact, goal);
  }

  lengthOf(ref: number): Term {
    const len = this.lens.get(ref);
    if (len === undefined) throw new Error(`internal: no length for array reference ${ref}`);
    return len;
  }

  /** A fresh, unknown but valid length for `ref` (after an operation we do not track). */
  havocLength(ref: number, source: string): void {
    const cls = this.refClass.get(ref) ?? "Array";
    const len = abstractConst("Int", source);
    this.lens.set(ref, len);
    this.assume(and(le(intLit(0), len), le(len, intLit(maxLengthOf(cls)))));
    // Whatever changed the length may have changed the elements.
    this.forgetContents(ref);
    this.rowsTouched(ref, source);
  }

  /**
   * `ref`'s length changed: any shared reference of the same kind may be the same object
   * (two array parameters may alias), so its length becomes unknown too.
   */
  lengthChanged(ref: number, newLength: Term, source: string): void {
    const cls = this.refClass.get(ref) ?? "Array";
    if (this.shared.has(ref)) {
      for (const other of [...this.lens.keys()]) {
        if (other !== ref && this.shared.has(other) && this.refClass.get(other) === cls) this.havocLength(other, `length of an array that may alias ${source}`);
      }
    }
    this.lens.set(ref, newLength);
    // Elements past a shrunk length are gone (holes if it grows again); appended ones are new.
    this.forgetAliases(ref);
    this.forgetContents(ref);
    this.rowsTouched(ref, source);
  }

  /** An unknown callee may change the length of any reachable array (and detach typed arrays). */
  havocShared(source: string): void {
    for (const ref of [...this.lens.keys()]) {
      if (this.shared.has(ref)) this.havocLength(ref, source);
    }
  }
}

/** What the rows of an array of arrays are (State.rows). */
export interface RowFact {
  /** Every row's length (one length for all rows). */
  readonly len?: Term | undefined;
  /**
   * Or each row's own length: an SMT array (Int → Int) whose value at k is the length of row k,
   * for k in [0, length of the array) — an array of rows the function builds row by row
   * (rows.ts `storeRow`): its rows are distinct plain Arrays, each stored fresh by the function.
   */
  readonly lens?: Term | undefined;
  /** The rows' class (always a plain Array for now). */
  readonly cls: string;
  /** The rows' element kind when the factory fixed it (`.fill(0)`: numbers, whatever TypeScript says). */
  readonly elem?: ElemType | undefined;
}

/**
 * State.exotic: adding a row reference makes its whole array's rows unknown (the same row may
 * be held through another reference), and an exotic array of rows has none.
 */
class ExoticRefs extends Set<number> {
  constructor(
    private readonly owner: State,
    from?: Iterable<number>,
  ) {
    super(from);
  }

  override add(ref: number): this {
    // Set's constructor calls add before `owner` is set.
    if (this.owner !== undefined && !this.has(ref)) {
      super.add(ref);
      const of = this.owner.rowOf.get(ref);
      if (of !== undefined) {
        for (const [row, m] of this.owner.rowOf) if (m === of && row !== ref) super.add(row);
        this.owner.forgetRows(of, "a row became exotic");
      }
      if (this.owner.rows.has(ref)) this.owner.forgetRows(ref, "the array became exotic");
      return this;
    }
    return super.add(ref);
  }
}

let refCounter = 0;

/** Array references are numbered globally so values from different branches never collide. */
export function newRefId(): number {
  refCounter += 1;
  return refCounter;
}

export function bounded(t: Term, lo: bigint, hi: bigint): Term {
  return and(le(intLit(lo), t), le(t, intLit(hi)));
}

export function strLen(t: Term): Term {
  return app("str.len", "Int", t);
}
