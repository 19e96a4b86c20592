/**
 * The TypeScript transformer that inserts the checks (pure; runs inside ts.transpileModule
 * before the CommonJS transform). Every site is identified on the ORIGINAL node (getStart /
 * getEnd into the module text — the offsets obligations carry) before its children are visited.
 * Generated check code is built from the parsed clause AST only (see clause-compile.ts).
 */
import { ts } from "ts-morph";
import { freeNames, parseClause, type ClauseExpr } from "../../spec/contract/index.js";
import type { CheckLocation } from "../guest/protocol.js";
import { compileClause, compileOldOperand } from "./clause-compile.js";
import type { CheckTable } from "./check-table.js";
import { clauseSets, type ClauseSets } from "./clause-sets.js";
import type { EntityClauses } from "./document-view.js";
import { guessKind, inlineGuard, integerGuard, isInertIndex, receiverKinds, type ReceiverKind, type ReceiverKinds } from "./instrument-guards.js";
import { mergeSites, planIntegerLoop } from "./instrument-hoist-int.js";
import { enclosingFunction, factsOf, initialisedBefore, planArrayKinds, planLoop, type HoistPlan } from "./instrument-hoist.js";
import { steadyLength, unchangedParams } from "./instrument-owned.js";
import { entryShape, topLevelFunction } from "./param-shapes.js";

export interface VisitorEntity {
  readonly id: string;
  readonly name: string;
  readonly clauses: EntityClauses;
}

export interface VisitorInput {
  readonly checks: string;
  readonly table: CheckTable;
  readonly entities: readonly VisitorEntity[];
  /** True when the verifier produced invariant obligations; otherwise every entity invariant is checked at every loop. */
  readonly invariantObligations: boolean;
  readonly notCheckable: string[];
  /** Where an entity's function is declared (entry precondition checks are reported there). */
  readonly entryLocation: (entityName: string) => CheckLocation;
  /**
   * Bounds checks as inline guards (instrument-guards.ts) and loop invariants as
   * `(clause) === true || C.inv(k, false)`, instead of a call per evaluation. False in testing
   * mode, whose per-check counters need the call.
   */
  readonly inlineChecks?: boolean | undefined;
  /** Versioned counting loops (instrument-hoist.ts): undefined — where checks are inline; false — never; true — also with generic calls. */
  readonly hoistLoops?: boolean | undefined;
}

const FS_MODULES = new Set(["fs", "node:fs", "fs/promises", "node:fs/promises"]);
const FS_READ = new Set(["readFileSync", "existsSync", "readdirSync", "statSync", "readFile", "readdir", "stat"]);
const FS_WRITE = new Set(["writeFileSync", "appendFileSync", "mkdirSync", "rmSync", "writeFile", "appendFile", "mkdir", "rm"]);
const STRING_INDEXERS = new Set(["charCodeAt", "charAt", "codePointAt"]);
/** The verifier's ghost names (verifier/extract/invariant-candidates.ts lengthGhost, rowLengthGhost). */
const GHOST_NAME = /\b__anrf_(?:len0|rowlen)_/;

/** Check-object helpers read into module constants when checks are inline (guards, then the contract language's). */
const FAST_HELPERS = ["isArray", "ta", "nota", "isInteger", "isFinite", "isNaN", "isSafeInteger", "floor", "ceil", "trunc", "abs", "min", "max", "len", "at"] as const;
const FAST_SET: ReadonlySet<string> = new Set(FAST_HELPERS);

interface FnScope {
  readonly temps: string[];
  readonly entity: VisitorEntity | undefined;
  readonly params: string[];
  readonly olds: Array<{ name: string; js: string }>;
  readonly declared: Set<string>;
  /** Parameter → the const snapshotting its binding at entry (read by postconditions). */
  readonly entry?: Map<string, string>;
  /** True while this function's parameter list is visited (temps cannot live in its body then). */
  inParameters?: boolean;
  /** > 0 inside a class field initializer or static block: code that may run re-entrantly on this scope's temps. */
  shared?: number;
  /**
   * While the function's outermost loop is visited: that loop (as parsed in sf0) and the
   * receiver-length cache seeds its nested versioned loops ask for (emitted right before it).
   */
  seedSink?: { readonly loop: ts.IterationStatement; readonly seeds: string[] } | undefined;
  /** Parameters (by index) whose ownership a range check tests: the prologue claims them (true: and reads the length). */
  claims?: Map<number, boolean>;
  /** Position key of the function (as parsed in sf0). */
  readonly fnKey?: string;
  /** Set when a postcondition is skipped in calls claimed as the entity's entry: the prologue claims and asks `ca`. */
  claimsEntry?: boolean;
  /** The parameters unchanged in such a call (instrument-owned.ts unchangedParams), once computed. */
  unchanged?: ReadonlySet<string>;
}

type FunctionLike = ts.FunctionDeclaration | ts.FunctionExpression | ts.ArrowFunction | ts.MethodDeclaration | ts.ConstructorDeclaration | ts.GetAccessorDeclaration | ts.SetAccessorDeclaration;

function isFunctionLike(node: ts.Node): node is FunctionLike {
  return ts.isFunctionDeclaration(node) || ts.isFunctionExpression(node) || ts.isArrowFunction(node) || ts.isMethodDeclaration(node) || ts.isConstructorDeclaration(node) || ts.isGetAccessorDeclaration(node) || ts.isSetAccessorDeclaration(node);
}

function paramNames(fn: FunctionLike): string[] {
  return fn.parameters.map((p, i) => (ts.isIdentifier(p.name) ? p.name.text : `__anrf_p${i}`));
}

/** Position key of a node (the transformer sees a re-parse of the same text, not sf0's nodes). */
const posKey = (n: ts.Node): string => `${n.pos}:${n.end}`;

/**
 * The entity a function node implements. The module-level implementation of the entity's
 * exported name (param-shapes.ts topLevelFunction, through `export { local as name }`) when
 * there is one — only that node, so a same-named decoy elsewhere does not take the entity's
 * checks; otherwise (not resolvable) any `function name` / `const name = (…) => …`.
 */
function entityOf(fn: FunctionLike, byName: ReadonlyMap<string, VisitorEntity>, resolved: ReadonlyMap<string, VisitorEntity>, resolvedNames: ReadonlySet<string>): VisitorEntity | undefined {
  const exact = resolved.get(posKey(fn));
  if (exact !== undefined) return exact;
  let name: string | undefined;
  if (ts.isFunctionDeclaration(fn) && fn.name) name = fn.name.text;
  const parent = fn.parent;
  if ((ts.isFunctionExpression(fn) || ts.isArrowFunction(fn)) && parent && ts.isVariableDeclaration(parent) && ts.isIdentifier(parent.name)) name = parent.name.text;
  return name === undefined || resolvedNames.has(name) ? undefined : byName.get(name);
}

export function makeVisitorTransformer(input: VisitorInput, sf0: ts.SourceFile): ts.TransformerFactory<ts.SourceFile> {
  const byName = new Map(input.entities.map((e) => [e.name, e]));
  const { table, checks } = input;
  /** The result in compiled postconditions: extends the fresh check parameter's name, so the module cannot name it. */
  const RESULT = `${checks}_r`;
  const raw = (f: ts.NodeFactory, js: string) => f.createIdentifier(js);
  let tempCounter = 0;

  // Pass 1: fs imports (capability sites) and entity function parameter lists (entry checks).
  const fsNamed = new Map<string, string>(); // local name → fs function name
  const fsNamespaces = new Set<string>();
  const entityParams = new Map<string, string[]>();
  for (const st of sf0.statements) {
    if (ts.isImportDeclaration(st) && ts.isStringLiteral(st.moduleSpecifier) && FS_MODULES.has(st.moduleSpecifier.text) && st.importClause) {
      const ic = st.importClause;
      if (ic.name) fsNamespaces.add(ic.name.text);
      const nb = ic.namedBindings;
      if (nb && ts.isNamespaceImport(nb)) fsNamespaces.add(nb.name.text);
      if (nb && ts.isNamedImports(nb)) for (const el of nb.elements) fsNamed.set(el.name.text, (el.propertyName ?? el.name).text);
    }
  }
  const resolved = new Map<string, VisitorEntity>();
  const resolvedNames = new Set<string>();
  for (const e of input.entities) {
    const fn = topLevelFunction(sf0, e.name);
    if (fn === undefined) continue;
    resolved.set(posKey(fn), e);
    resolvedNames.add(e.name);
  }
  const collect = (node: ts.Node): void => {
    if (isFunctionLike(node)) {
      const e = entityOf(node, byName, resolved, resolvedNames);
      if (e && !entityParams.has(e.name)) entityParams.set(e.name, paramNames(node));
    }
    ts.forEachChild(node, collect);
  };
  // The module-level implementation first (what the verifier analyses and the host calls): a
  // nested function of the same name must not lend its parameter list to the entry check.
  for (const e of input.entities) {
    const fn = topLevelFunction(sf0, e.name);
    if (fn !== undefined) entityParams.set(e.name, paramNames(fn));
  }
  collect(sf0);
  const sets = new Map<string, ClauseSets>();
  for (const e of input.entities) {
    const cs = clauseSets(e.clauses, entityParams.get(e.name) ?? []);
    sets.set(e.name, cs);
    for (const c of cs.informal) input.notCheckable.push(`${e.id}: ${c.text} (${c.parsed.kind === "informal" ? c.parsed.reason : "informal"})`);
  }
  const setsOf = (e: VisitorEntity): ClauseSets => sets.get(e.name)!;

  const loc = (node: ts.Node) => ({ start: node.getStart(sf0), end: node.getEnd() });
  let forMap: Map<string, ts.ForStatement> | undefined;
  /** The module's `for` statements as parsed with parent pointers (sf0), by position. */
  const forStatements0 = (): Map<string, ts.ForStatement> => {
    if (forMap === undefined) {
      const map = new Map<string, ts.ForStatement>();
      const walk = (n: ts.Node): void => {
        if (ts.isForStatement(n)) map.set(posKey(n), n);
        ts.forEachChild(n, walk);
      };
      walk(sf0);
      forMap = map;
    }
    return forMap;
  };
  const kinds: ReceiverKinds = input.inlineChecks === true || input.hoistLoops === true ? receiverKinds(sf0) : { at: () => undefined };

  return (ctx) => (sf) => {
    const f = ctx.factory;
    const scopes: FnScope[] = [{ temps: [], entity: undefined, params: [], olds: [], declared: new Set() }];
    const top = () => scopes[scopes.length - 1]!;
    const entityName = () => {
      for (let i = scopes.length - 1; i >= 0; i--) if (scopes[i]!.entity) return scopes[i]!.entity!.id;
      return "module";
    };
    const temp = () => {
      const name = `__anrf_t${++tempCounter}`;
      // A parameter initializer cannot see the function body's `let`: its temps live in the
      // nearest enclosing scope whose body is visible there (the module scope at worst). Safe
      // to share: `(t = recv)[b(t, i, k)]` reads t before evaluating i, so a re-entrant call
      // that reuses t cannot change the receiver checked.
      let i = scopes.length - 1;
      while (i > 0 && scopes[i]!.inParameters === true) i--;
      scopes[i]!.temps.push(name);
      return f.createIdentifier(name);
    };
    /** A temp initialised to the check object's `nota` (a typed guard's per-site receiver cache). */
    const cache = () => {
      const t = temp();
      const temps = scopes.find((s) => s.temps.includes(t.text))!.temps;
      temps[temps.indexOf(t.text)] = `${t.text} = ${input.inlineChecks === true ? `${checks}_nota` : `${checks}.nota`}`;
      return t;
    };
    /** `recv` evaluated once: identifiers and `this` as they are, anything else through a temp. */
    const once = (recv: ts.Expression): { first: ts.Expression; again: ts.Expression } => {
      if (ts.isIdentifier(recv) || recv.kind === ts.SyntaxKind.ThisKeyword) return { first: recv, again: recv };
      const t = temp();
      return { first: f.createParenthesizedExpression(f.createAssignment(t, recv)), again: t };
    };
    /**
     * The receiver to evaluate and the checked index for a bounds site: the generic call
     * `C.b(t, i, k)` (testing mode, and where temps may be shared by re-entrant code), else an
     * inline guard. `kindHint` forces the fast path tried (string methods); otherwise the
     * receiver's declared kind picks it.
     */
    const boundsIndex = (recv: ts.Expression, recv0: ts.Expression, idx: ts.Expression, idx0: ts.Expression, k: number, kindHint: ReceiverKind | undefined, knownArray?: ts.Identifier, append?: boolean, knownLength?: ts.Identifier): { first: ts.Expression; again: ts.Expression; index: ts.Expression } => {
      const scope = top();
      if (input.inlineChecks !== true || scope.inParameters === true || (scope.shared ?? 0) > 0 || scopes.length === 1) {
        const { first, again } = once(recv);
        return { first, again, index: checkCall("b", [again, idx, num(k)]) };
      }
      // The guard re-reads the receiver after the index ran: an identifier only when the index
      // cannot run module code (which could reassign it); `this` cannot be reassigned.
      const direct = recv.kind === ts.SyntaxKind.ThisKeyword || (ts.isIdentifier(recv) && kindHint === undefined && isInertIndex(idx0));
      const { first, again } = direct ? { first: recv, again: recv } : viaTemp(recv);
      const kind = kindHint ?? guessKind(recv0, recv0.pos, kinds);
      return { first, again, index: inlineGuard({ f, checks, kind, receiver: again, index: idx, check: k, temp, cache, knownArray, append, knownLength }) };
    };
    const viaTemp = (recv: ts.Expression): { first: ts.Expression; again: ts.Expression } => {
      const t = temp();
      return { first: f.createParenthesizedExpression(f.createAssignment(t, recv)), again: t };
    };
    const checkCall = (method: string, args: ts.Expression[]) => f.createCallExpression(f.createPropertyAccessExpression(f.createIdentifier(checks), method), undefined, args);
    const num = (k: number) => f.createNumericLiteral(k);

    /**
     * One decision per check: a versioned loop visits its body twice (fast and checked copies),
     * and both copies must carry the same check (same index, id, location) — never a second one.
     */
    const decisions = new Map<string, number | undefined>();
    const decide = (kind: Parameters<CheckTable["decide"]>[0], entity: string, start: number, end: number, description: string, match?: Parameters<CheckTable["decide"]>[5], discriminator = ""): number | undefined => {
      const key = JSON.stringify([kind, entity, start, end, description, discriminator]);
      if (!decisions.has(key)) decisions.set(key, table.decide(kind, entity, start, end, description, match));
      return decisions.get(key);
    };
    const unplacedDone = new Set<number>();
    const unplaced = (k: number, why: string): void => {
      if (unplacedDone.has(k)) return;
      unplacedDone.add(k);
      table.unplaced(k, why);
    };
    /** The bounds check of an element access or string-method site (either tree: positions are the module text's). */
    const boundsCheck = (node: ts.ElementAccessExpression | ts.CallExpression): number | undefined => {
      const site = loc(node);
      return decide("bounds", entityName(), site.start, site.end, `0 <= index < length at ${node.getText(sf0).slice(0, 80)}`);
    };
    /**
     * A site a loop plan may guard in its own way (array tests before the loop, integer copies,
     * range checks): checked, and not an appending write — whose check accepts the length too,
     * which only the generic check `b` knows (runtime/guest/checks.ts); it takes that, and its
     * guard is never a witness for merging.
     */
    const planned = (site: ts.ElementAccessExpression | ts.CallExpression): boolean => {
      const k = boundsCheck(site);
      return k !== undefined && table.specs[k]?.append !== true;
    };
    /**
     * A site whose receiver's kind a loop may establish before it (planArrayKinds, integer
     * copies): any checked site, appending writes included — the known-array and integer
     * guards send every failure to `b`, which accepts the length for an appending write on a
     * genuine non-proxy Array exactly as before (reading that array's length runs no code).
     */
    const plannedArray = (site: ts.ElementAccessExpression | ts.CallExpression): boolean => boundsCheck(site) !== undefined;
    /** Sites whose guard is dropped: in bounds for every iteration of an enclosing versioned loop's fast copy. */
    /** `NAME_self_f = f` module constants for the functions that claim their arguments (visitFunction). */
    const selves = new Set<string>();
    let hoisted: ReadonlySet<string> = new Set<string>();
    /** > 0 inside the checked copy of a versioned loop: its inner loops are not versioned again (code size stays linear in the depth). */
    let noVersion = 0;
    /** Array sites → the temp holding `C.pa(receiver)`, set before an enclosing loop (planArrayKinds). */
    let knownArrays: ReadonlyMap<string, ts.Identifier> = new Map();
    /** Array sites → the temp holding `C.al(x)`, set before an enclosing loop that cannot change x's length (steadyLength). */
    let knownLengths: ReadonlyMap<string, ts.Identifier> = new Map();
    /**
     * Straight-line merging: `x[I] = … x[I] …` where the right-hand side's first evaluation is
     * the same site (mergeSites) — the second check runs right after the first, with only the
     * receiver and index (bindings and integer arithmetic) evaluated in between. Dominated site →
     * its dominator; a dominator → the witness that its guard runs no code when it passes
     * ("int": the integer copy of a loop; else the `C.pa` temp of a genuine non-proxy array).
     */
    const dominatedBy = new Map<string, string>();
    const pureGuards = new Map<string, string>();
    /** Array sites with an integer index in the integer copy of an enclosing loop (instrument-hoist-int.ts) → receiver. */
    let intSites: ReadonlyMap<string, string> = new Map();
    let loopMap: Map<string, ts.IterationStatement> | undefined;
    /** The module's loops as parsed with parent pointers (sf0), by position. */
    const loops0 = (): Map<string, ts.IterationStatement> => {
      if (loopMap === undefined) {
        const map = new Map<string, ts.IterationStatement>();
        const walk = (n: ts.Node): void => {
          if (ts.isIterationStatement(n, false)) map.set(posKey(n), n);
          ts.forEachChild(n, walk);
        };
        walk(sf0);
        loopMap = map;
      }
      return loopMap;
    };

    /** Compile a clause or record why it cannot be checked at run time (once per function scope). */
    const compiledIn = new WeakMap<object, Map<string, string | undefined>>();
    const compile = (text: string, scope: FnScope | undefined, withResult: boolean): string | undefined => {
      const cacheKey = scope ?? compiledIn;
      const cache = compiledIn.get(cacheKey) ?? new Map<string, string | undefined>();
      compiledIn.set(cacheKey, cache);
      const key = `${withResult}:${text}`;
      if (cache.has(key)) return cache.get(key);
      const js = compileOnce(text, scope, withResult);
      cache.set(key, js);
      return js;
    };
    const compileOnce = (text: string, scope: FnScope | undefined, withResult: boolean, reduce?: (e: ClauseExpr) => ClauseExpr | undefined): string | undefined => {
      const parsed0 = parseClause(text);
      const reduced = reduce !== undefined && parsed0.kind !== "informal" ? reduce(parsed0.expr) : undefined;
      const parsed = reduced !== undefined ? { ...parsed0, expr: reduced } : parsed0;
      if (parsed.kind === "informal") {
        input.notCheckable.push(`${text} (${parsed.reason})`);
        return undefined;
      }
      const old = (e: ClauseExpr): string => {
        const operand = compileOldOperand(e, { checks, params: scope?.params ?? [] });
        if (!operand.ok || scope === undefined) throw new Error(operand.ok ? "old() needs a function" : operand.reason);
        const name = `__anrf_old${++tempCounter}`;
        scope.olds.push({ name, js: operand.js });
        return name;
      };
      try {
        // In a postcondition a parameter means its value at entry (the verifier's reading):
        // snapshot the binding in the function prelude, next to the old(e) snapshots.
        const entryValue = (param: string): string => {
          if (scope?.entry === undefined) throw new Error("a postcondition needs a function");
          let name = scope.entry.get(param);
          if (name === undefined) {
            name = `__anrf_in${++tempCounter}`;
            scope.entry.set(param, name);
            scope.olds.push({ name, js: param });
          }
          return name;
        };
        const helper = input.inlineChecks === true ? (name: string) => (FAST_SET.has(name) ? `${checks}_${name}` : `${checks}.${name}`) : undefined;
        const c = compileClause(parsed.expr, { checks, params: scope?.params ?? [], result: withResult ? RESULT : undefined, old: withResult ? old : undefined, entryValue: withResult ? entryValue : undefined, helper });
        if (!c.ok) {
          input.notCheckable.push(`${text} (${c.reason})`);
          return undefined;
        }
        return c.js;
      } catch (error) {
        input.notCheckable.push(`${text} (${(error as Error).message})`);
        return undefined;
      }
    };

    /** The function's parameters unchanged in a call claimed as its entity's entry (none when the entity's entry is another function). */
    const unchangedIn = (scope: FnScope): ReadonlySet<string> => {
      if (scope.unchanged !== undefined) return scope.unchanged;
      const e = scope.entity;
      const fn0 = e === undefined ? undefined : topLevelFunction(sf0, e.name);
      const shape = e === undefined ? undefined : entryShape(sf0, e.name);
      scope.unchanged = fn0 !== undefined && posKey(fn0) === scope.fnKey && shape?.ok === true ? unchangedParams(fn0, shape.params) : new Set();
      return scope.unchanged;
    };

    const postconditions = (scope: FnScope, site: { start: number; end: number }, value: ts.Expression): ts.Expression => {
      const e = scope.entity!;
      let out = value;
      setsOf(e).post.forEach(({ key, text }, i) => {
        const k = decide("postcondition", e.id, site.start, site.end, `postcondition ${text}`, (o, n) => (o.clause !== undefined ? o.clause === key : n === i), String(i));
        if (k === undefined) return;
        const js = compile(text, scope, true);
        if (js === undefined) return unplaced(k, "the clause cannot be evaluated at run time");
        out = checkCall("post", [num(k), out, raw(f, `(${RESULT}) => ${js}`)]);
      });
      return out;
    };

    /**
     * `return E` with its postconditions inline (where checks are inline):
     *
     *   { const R = E; let X;
     *     try { X = (clause1 with result R) === true; } catch (e) { C.pt(k1, R, e); }
     *     if (X !== true) C.pf(k1, R);
     *     …
     *     return R; }
     *
     * The same order as `C.post(k2, C.post(k1, E, c1), c2)`: E once, then each clause in turn,
     * the first that does not hold reported — `pf` when it gave anything but true, `pt` with
     * what it threw, each the message `post` gives (guest/checks.ts). No closure and no call
     * while the clauses hold. R and X extend the fresh check parameter's name, so the module
     * cannot name them, and E is evaluated before R is initialised without reading it.
     */
    const inlinePostconditions = (scope: FnScope, site: { start: number; end: number }, value: ts.Expression): ts.Statement => {
      const e = scope.entity!;
      const R = RESULT;
      const X = `${checks}_x`;
      const statements: ts.Statement[] = [f.createVariableStatement(undefined, f.createVariableDeclarationList([f.createVariableDeclaration(R, undefined, undefined, value)], ts.NodeFlags.Const))];
      const tests: string[] = [];
      const sets = setsOf(e);
      setsOf(e).post.forEach(({ key, text, parsed }, i) => {
        const k = decide("postcondition", e.id, site.start, site.end, `postcondition ${text}`, (o, n) => (o.clause !== undefined ? o.clause === key : n === i), String(i));
        if (k === undefined) return;
        const js = compile(text, scope, true);
        if (js === undefined) return unplaced(k, "the clause cannot be evaluated at run time");
        const test = `try { ${X} = (${js}) === true; } catch (${checks}_e) { ${checks}.pt(${k}, ${R}, ${checks}_e); } if (${X} !== true) ${checks}.pf(${k}, ${R});`;
        // Also a precondition of the entry, over parameters the call cannot change: checked at
        // entry in a call claimed as that entry (`ca`), so evaluated here only in other calls.
        const checkedAtEntry = parsed.kind === "formal" && sets.pre.some((p) => p.text === text) && freeNames(parsed.expr).every((n) => unchangedIn(scope).has(n));
        if (checkedAtEntry) scope.claimsEntry = true;
        tests.push(checkedAtEntry ? `if (${checks}_E !== true) { ${test} }` : test);
      });
      if (tests.length > 0) statements.push(f.createExpressionStatement(raw(f, `let ${X}; ${tests.join(" ")}`)));
      statements.push(f.createReturnStatement(f.createIdentifier(R)));
      return f.createBlock(statements, true);
    };

    /**
     * `invariantChecks` for the fast copy of a versioned loop: there the counter is an int32
     * below LIM at every evaluation of the invariants (PRE and the fast loop's test), so
     * `Number.isSafeInteger(counter)` / `Number.isInteger(counter)` conjuncts (the verifier's
     * safe-integer invariants) are true; they are dropped, and a clause made only of them is
     * not evaluated. The check keeps its index: the checked copy evaluates it in full.
     */
    const counterFacts = (counter: string) => (e: ClauseExpr): ClauseExpr | undefined => {
      const known = (x: ClauseExpr): boolean => x.tag === "call" && (x.fn === "Number.isSafeInteger" || x.fn === "Number.isInteger") && x.args.length === 1 && x.args[0]!.tag === "name" && x.args[0]!.name === counter;
      const conjuncts: ClauseExpr[] = [];
      const split = (x: ClauseExpr): void => {
        if (x.tag === "bin" && x.op === "&&") {
          split(x.left);
          split(x.right);
        } else conjuncts.push(x);
      };
      split(e);
      const rest = conjuncts.filter((x) => !known(x));
      if (rest.length === conjuncts.length) return undefined; // nothing known: the clause as written
      if (rest.length === 0) return { tag: "bool", value: true };
      return rest.reduce((a, b) => ({ tag: "bin", op: "&&", left: a, right: b }));
    };
    const invariantChecks = (node: ts.IterationStatement, counter?: string, dropped?: { count: number }): ts.Expression[] => {
      const scope = top();
      const e = scope.entity;
      if (e === undefined) return [];
      const site = loc(node);
      const out: ts.Expression[] = [];
      const emit = (inv: { key: string; text: string }, match?: (o: { clause?: string | undefined }) => boolean) => {
        const k = decide("invariant", e.id, site.start, site.end, `loop invariant ${inv.text}`, match, inv.key);
        if (k === undefined) return;
        // A clause naming the verifier's ghosts (a length on loop entry, the one row length of an
        // array of rows: invariant-candidates.ts) has no run-time value to read. Such clauses are
        // only inferred ones, kept only when proved: left unplaced (reported uncovered if unproved).
        if (GHOST_NAME.test(inv.text)) return unplaced(k, "the clause names a value the verifier tracks (a length on loop entry), which the run does not hold");
        const reduce = counter === undefined ? undefined : counterFacts(counter);
        const reduced = reduce === undefined ? undefined : (() => {
          const parsed = parseClause(inv.text);
          return parsed.kind === "informal" ? undefined : reduce(parsed.expr);
        })();
        if (reduced !== undefined && dropped !== undefined) dropped.count++;
        if (reduced?.tag === "bool" && reduced.value === true) return; // true at every evaluation in the fast copy
        const js = (reduced === undefined ? undefined : compileOnce(inv.text, undefined, false, reduce)) ?? compile(inv.text, undefined, false);
        // Inline: the runtime is called only when the clause does not hold (testing mode counts every evaluation).
        if (js !== undefined) out.push(input.inlineChecks === true ? f.createParenthesizedExpression(f.createLogicalOr(f.createStrictEquality(raw(f, `(${js})`), f.createTrue()), checkCall("inv", [num(k), f.createFalse()]))) : checkCall("inv", [num(k), raw(f, js)]));
        else unplaced(k, "the clause cannot be evaluated at run time");
      };
      const here = table.obligationsAt("invariant", site.start, site.end);
      if (input.invariantObligations) {
        // The verifier's loop invariants: document invariants (clause = id) and its own
        // (`@anrf-invariant` comments, safe-integer invariants; clause = the text).
        for (const o of here) {
          if (o.clause === undefined) continue;
          const inv = setsOf(e).loop.find((i) => i.key === o.clause) ?? { key: o.clause, text: o.clause };
          emit(inv, (x) => x.clause === o.clause);
        }
      } else {
        // No invariant obligations at all: check each loop invariant whose names are all declared here.
        for (const inv of setsOf(e).loop) {
          if (inv.parsed.kind === "formal" && freeNames(inv.parsed.expr).every((n) => scope.declared.has(n))) emit(inv);
        }
      }
      return out;
    };

    const visit = (node: ts.Node): ts.Node | ts.Node[] => {
      if (isFunctionLike(node)) return visitFunction(node);
      if (ts.isParameter(node) && node.initializer !== undefined) {
        const scope = top();
        const was = scope.inParameters;
        scope.inParameters = true;
        try {
          return ts.visitEachChild(node, visit, ctx);
        } finally {
          scope.inParameters = was;
        }
      }
      if (ts.isPropertyDeclaration(node) || ts.isClassStaticBlockDeclaration(node)) {
        const scope = top();
        scope.shared = (scope.shared ?? 0) + 1;
        try {
          return ts.visitEachChild(node, visit, ctx);
        } finally {
          scope.shared -= 1;
        }
      }
      if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name)) top().declared.add(node.name.text);
      if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.EqualsToken) {
        const pair = mergeSites(node, sf0);
        if (pair !== undefined) dominatedBy.set(posKey(pair.dominated), posKey(pair.dominator));
      }
      if (ts.isElementAccessExpression(node)) return visitElementAccess(node);
      if (ts.isCallExpression(node)) return visitCall(node);
      if (ts.isReturnStatement(node)) return visitReturn(node);
      if (ts.isIterationStatement(node, false)) return visitLoop(node);
      return ts.visitEachChild(node, visit, ctx);
    };

    const visitElementAccess = (node: ts.ElementAccessExpression): ts.Node => {
      const arg0 = node.argumentExpression;
      if (ts.isStringLiteral(arg0) || ts.isNoSubstitutionTemplateLiteral(arg0) || node.expression.kind === ts.SyntaxKind.SuperKeyword) {
        return ts.visitEachChild(node, visit, ctx); // a property name, not an element
      }
      const site = loc(node);
      const k = boundsCheck(node);
      const visited = ts.visitEachChild(node, visit, ctx) as ts.ElementAccessExpression;
      const key = posKey(node);
      pureGuards.delete(key);
      if (k === undefined || hoisted.has(key)) return visited; // proved, or in bounds by a versioned loop's range check
      const access = (index: ts.Expression, receiver: ts.LeftHandSideExpression = visited.expression) => (ts.isElementAccessChain(visited) ? f.createElementAccessChain(receiver, visited.questionDotToken, index) : f.createElementAccessExpression(receiver, index));
      if (table.specs[k]?.append === true) {
        // An appending write: an inline guard whose failures go to `oa` or `b`, which accept
        // the length on a genuine Array (instrument-guards.ts) — in an integer copy the reduced
        // guard, whose failures go to `b`. Never a witness for merging, nor merged.
        if (intSites.has(key)) return access(integerGuard({ f, checks, receiver: visited.expression, index: visited.argumentExpression, check: k, temp }));
        const { first, index } = boundsIndex(visited.expression, node.expression, visited.argumentExpression, node.argumentExpression, k, undefined, knownArrays.get(key), true);
        return access(index, first as ts.LeftHandSideExpression);
      }
      // The same check just ran (mergeSites): drop it where its witness says the first one ran no code.
      const dominator = dominatedBy.get(key);
      const witness = dominator === undefined ? undefined : pureGuards.get(dominator);
      if (witness === "int" && intSites.has(key)) return access(visited.argumentExpression);
      const known = knownArrays.get(key);
      if (witness !== undefined && known !== undefined && witness === known.text && isInertIndex(node.argumentExpression)) {
        const { first, index } = boundsIndex(visited.expression, node.expression, visited.argumentExpression, node.argumentExpression, k, undefined, known, false, knownLengths.get(key));
        return access(f.createConditionalExpression(known, f.createToken(ts.SyntaxKind.QuestionToken), visited.argumentExpression, f.createToken(ts.SyntaxKind.ColonToken), index), first as ts.LeftHandSideExpression);
      }
      if (intSites.has(key)) pureGuards.set(key, "int");
      else if (known !== undefined) pureGuards.set(key, known.text);
      if (intSites.has(posKey(node))) {
        // The receiver is read directly: it is not assigned in the loop or by any nested function (instrument-hoist-int.ts).
        const index = integerGuard({ f, checks, receiver: visited.expression, index: visited.argumentExpression, check: k, temp });
        return ts.isElementAccessChain(visited) ? f.createElementAccessChain(visited.expression, visited.questionDotToken, index) : f.createElementAccessExpression(visited.expression, index);
      }
      const { first, again, index } = boundsIndex(visited.expression, node.expression, visited.argumentExpression, node.argumentExpression, k, undefined, knownArrays.get(posKey(node)), false, knownLengths.get(posKey(node)));
      return ts.isElementAccessChain(visited)
        ? f.createElementAccessChain(first, visited.questionDotToken, index)
        : f.createElementAccessExpression(first, index);
    };

    /**
     * Argument checks of a call (`argument` obligations, verifier/extract/argument-obligations.ts):
     * only where the verifier reported one — it knows which callee a name denotes, this
     * transformer does not (a local function may shadow an entity's name). Each argument is
     * tested right after it is evaluated, before the next one and before the call:
     * `typeof (t = E) === "number" ? t : C.af(k, t)` inline (no code runs between the
     * assignment and the reads, so a temp shared with re-entrant code is safe), `C.arg(k, E)`
     * where checks are counted.
     */
    const checkArguments = (node: ts.CallExpression, visited: ts.CallExpression): ts.CallExpression => {
      let changed = false;
      const args = visited.arguments.map((arg, i) => {
        const original = node.arguments[i];
        if (original === undefined || ts.isSpreadElement(original)) return arg;
        const site = loc(original);
        if (table.obligationsAt("argument", site.start, site.end).length === 0) return arg;
        const k = decide("argument", entityName(), site.start, site.end, `argument ${i + 1}`);
        if (k === undefined) return arg;
        const shape = table.specs[k]?.shape;
        if (shape === undefined) {
          unplaced(k, "the obligation names no argument type");
          return arg;
        }
        changed = true;
        if (input.inlineChecks !== true) return checkCall("arg", [num(k), arg]);
        const t = temp();
        const test = f.createStrictEquality(f.createTypeOfExpression(f.createParenthesizedExpression(f.createAssignment(t, arg))), f.createStringLiteral(shape));
        return f.createParenthesizedExpression(f.createConditionalExpression(test, undefined, t, undefined, checkCall("af", [num(k), t])));
      });
      return changed ? f.updateCallExpression(visited, visited.expression, visited.typeArguments, args) : visited;
    };

    const visitCall = (node: ts.CallExpression): ts.Node => {
      const site = loc(node);
      const callee = node.expression;
      // Precondition of a contracted entity called inside the module.
      if (ts.isIdentifier(callee) && byName.has(callee.text) && setsOf(byName.get(callee.text)!).pre.length > 0) {
        const e = byName.get(callee.text)!;
        const visited = checkArguments(node, ts.visitEachChild(node, visit, ctx) as ts.CallExpression);
        const params = entityParams.get(e.name) ?? [];
        let args: ts.Expression = f.createArrayLiteralExpression([...visited.arguments]);
        let any = false;
        setsOf(e).pre.forEach(({ text }, i) => {
          const k = decide("precondition", e.id, site.start, site.end, `precondition ${text}`, (o, n) => (o.clause !== undefined ? o.clause === text : n === i), String(i));
          if (k === undefined) return;
          const js = compile(text, { temps: [], entity: e, params, olds: [], declared: new Set() }, false);
          if (js === undefined) return unplaced(k, "the clause cannot be evaluated at run time");
          args = checkCall("pre", [num(k), args, raw(f, `(${params.join(", ")}) => ${js}`)]);
          any = true;
        });
        return any ? f.updateCallExpression(visited, visited.expression, visited.typeArguments, [f.createSpreadElement(args)]) : visited;
      }
      // Filesystem capability at the call that hands the path to the facade.
      const fsName = ts.isIdentifier(callee) ? fsNamed.get(callee.text) : ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.expression) && fsNamespaces.has(callee.expression.text) ? callee.name.text : undefined;
      if (fsName !== undefined && (FS_READ.has(fsName) || FS_WRITE.has(fsName)) && node.arguments.length > 0) {
        const k = decide("capability", entityName(), site.start, site.end, `${fsName} path under a declared mount`);
        const visited = ts.visitEachChild(node, visit, ctx) as ts.CallExpression;
        if (k === undefined) return visited;
        const [first, ...rest] = visited.arguments;
        return f.updateCallExpression(visited, visited.expression, visited.typeArguments, [checkCall("cap", [num(k), first!, FS_WRITE.has(fsName) ? f.createTrue() : f.createFalse()]), ...rest]);
      }
      // String element reads through a method: s.charCodeAt(i) and friends.
      if (ts.isPropertyAccessExpression(callee) && STRING_INDEXERS.has(callee.name.text) && node.arguments.length > 0 && !ts.isSpreadElement(node.arguments[0]!)) {
        const k = boundsCheck(node);
        const visited = ts.visitEachChild(node, visit, ctx) as ts.CallExpression;
        if (k === undefined || hoisted.has(posKey(node))) return visited;
        const access = visited.expression as ts.PropertyAccessExpression;
        const [i0, ...rest] = visited.arguments;
        // The receiver always through a temp here: reading `s.charCodeAt` may run a getter.
        const { first, index } = boundsIndex(access.expression, (callee as ts.PropertyAccessExpression).expression, i0!, node.arguments[0]!, k, "string");
        const newCallee = ts.isPropertyAccessChain(access) ? f.createPropertyAccessChain(first, access.questionDotToken, access.name) : f.createPropertyAccessExpression(first, access.name);
        return f.createCallExpression(newCallee, visited.typeArguments, [index, ...rest]);
      }
      return checkArguments(node, ts.visitEachChild(node, visit, ctx) as ts.CallExpression);
    };

    const visitReturn = (node: ts.ReturnStatement): ts.Node => {
      const scope = top();
      const site = loc(node);
      const visited = ts.visitEachChild(node, visit, ctx) as ts.ReturnStatement;
      if (scope.entity === undefined || setsOf(scope.entity).post.length === 0) return visited;
      if (input.inlineChecks === true) return inlinePostconditions(scope, site, visited.expression ?? f.createVoidZero());
      return f.updateReturnStatement(visited, postconditions(scope, site, visited.expression ?? f.createVoidZero()));
    };

    /**
     * A loop whose array sites can test a temp instead of calling Array.isArray: the temps are
     * set right before the loop (`t = C.pa(x)`), the loop is visited with them known.
     */
    const visitLoop = (node: ts.IterationStatement): ts.Node | ts.Node[] => {
      const scope = top();
      const loop0 = loops0().get(posKey(node));
      // The function's outermost loop collects the length-cache seeds of the versioned loops
      // nested in it (rangeCheck) and sets them once, right before itself.
      const sink = scope.seedSink === undefined && input.inlineChecks === true && loop0 !== undefined && scopes.length > 1 && scope.inParameters !== true && (scope.shared ?? 0) === 0 && !ts.isLabeledStatement(loop0.parent) ? { loop: loop0, seeds: [] as string[] } : undefined;
      if (sink === undefined) return visitLoopPlanned(node, scope, loop0);
      scope.seedSink = sink;
      try {
        const visited = visitLoopPlanned(node, scope, loop0);
        if (sink.seeds.length === 0) return visited;
        return [f.createExpressionStatement(raw(f, sink.seeds.join(", "))), ...(Array.isArray(visited) ? visited : [visited])];
      } finally {
        scope.seedSink = undefined;
      }
    };
    const visitLoopPlanned = (node: ts.IterationStatement, scope: FnScope, loop0: ts.IterationStatement | undefined): ts.Node | ts.Node[] => {
      const plan =
        input.inlineChecks === true && loop0 !== undefined && scopes.length > 1 && scope.inParameters !== true && (scope.shared ?? 0) === 0
          ? planArrayKinds({ loop: loop0, sf: sf0, kindOf: (r) => guessKind(r, r.pos, kinds), checked: plannedArray, alreadyKnown: new Set(knownArrays.keys()) })
          : undefined;
      if (plan === undefined) return visitLoopBody(node);
      const outer = knownArrays;
      const outerLengths = knownLengths;
      const inner = new Map(outer);
      const innerLengths = new Map(outerLengths);
      const sets: string[] = [];
      const fn0 = enclosingFunction(loop0!);
      for (const [receiver, keys] of plan) {
        // Once per loop entry. (A module-level cache of the last receiver was tried: the writes
        // to module-level bindings on every call cost V8 more — LCS 1.3× → 1.65× — than C.pa.)
        const t = temp();
        sets.push(`${t.text} = ${checks}.pa(${receiver})`);
        for (const key of keys) inner.set(key, t);
        // An owned array the loop cannot lengthen or shorten: its length once, before the loop —
        // C.al, which also refuses an array whose prototype the module replaced (its index
        // getters, reached on a hole, get the array as `this` and could change the length).
        if (fn0 !== undefined && steadyLength(receiver, loop0!, fn0)) {
          const l = temp();
          sets.push(`${l.text} = ${checks}.al(${receiver})`);
          for (const key of keys) innerLengths.set(key, l);
        }
      }
      knownArrays = inner;
      knownLengths = innerLengths;
      try {
        const set = f.createExpressionStatement(raw(f, sets.join(", ")));
        const temps = new Map([...plan.keys()].map((r) => [r, inner.get(plan.get(r)![0]!)!.text]));
        const intPlan =
          noVersion === 0 && loop0 !== undefined
            ? planIntegerLoop({ loop: loop0, sf: sf0, knownReceivers: new Set(plan.keys()), arraySites: new Set([...plan.values()].flat().filter((key) => !intSites.has(key))) })
            : undefined;
        if (intPlan === undefined) return [set, visitLoopBody(node)];
        // if (P_x && … && v int32 …) LOOP_int else LOOP (instrument-hoist-int.ts)
        const test = [...intPlan.receivers.map((r) => temps.get(r)!), ...intPlan.entryTests.map((v) => `typeof ${v} === "number" && (${v} | 0) === ${v}`)].join(" && ");
        const outerInt = intSites;
        intSites = new Map([...outerInt, ...intPlan.sites]);
        const fast = visitLoopBody(node);
        intSites = outerInt;
        noVersion++;
        const checked = visitLoopBody(node);
        noVersion--;
        const block = (n: ts.Node) => f.createBlock([n as ts.Statement], true);
        return [set, f.createIfStatement(raw(f, test), block(fast), block(checked))];
      } finally {
        knownArrays = outer;
        knownLengths = outerLengths;
      }
    };
    const visitLoopBody = (node: ts.IterationStatement): ts.Node => {
      const init = ts.isForStatement(node) || ts.isForOfStatement(node) || ts.isForInStatement(node) ? node.initializer : undefined;
      if (init && ts.isVariableDeclarationList(init)) for (const d of init.declarations) if (ts.isIdentifier(d.name)) top().declared.add(d.name.text);
      const invs = invariantChecks(node);
      if (ts.isForStatement(node)) {
        const versioned = versionedLoop(node, invs);
        if (versioned !== undefined) return versioned;
      }
      const visited = ts.visitEachChild(node, visit, ctx) as ts.IterationStatement;
      if (invs.length === 0) return visited;
      const all = invs.reduce((a, b) => f.createLogicalAnd(a, b));
      if (ts.isForStatement(visited)) {
        // Checked before every evaluation of the condition: on entry and after each iteration.
        const cond = visited.condition ? f.createLogicalAnd(all, f.createParenthesizedExpression(visited.condition)) : all;
        return f.updateForStatement(visited, visited.initializer, cond, visited.incrementor, visited.statement);
      }
      if (ts.isWhileStatement(visited)) return f.updateWhileStatement(visited, f.createLogicalAnd(all, f.createParenthesizedExpression(visited.expression)), visited.statement);
      const body = f.createBlock([f.createExpressionStatement(all), visited.statement], true);
      if (ts.isDoStatement(visited)) return f.updateDoStatement(visited, body, visited.expression);
      if (ts.isForOfStatement(visited)) return f.updateForOfStatement(visited, visited.awaitModifier, visited.initializer, visited.expression, body);
      if (ts.isForInStatement(visited)) return f.updateForInStatement(visited, visited.initializer, visited.expression, body);
      return visited;
    };

    /**
     * A counting loop with hoistable sites (instrument-hoist.ts) as a versioned loop:
     *   L: { INIT; if (PRE) for (; i < LIM; INC) { if (!(COND)) break L; BODY_fast } for (; COND; INC) BODY_checked }
     */
    const versionedLoop = (node: ts.ForStatement, invs: readonly ts.Expression[]): ts.Node | undefined => {
      const scope = top();
      const enabled = input.hoistLoops ?? input.inlineChecks === true;
      if (!enabled || noVersion > 0 || scopes.length === 1 || scope.inParameters === true || (scope.shared ?? 0) > 0) return undefined;
      const loop0 = forStatements0().get(posKey(node));
      if (loop0 === undefined) return undefined;
      const plan = planLoop({
        loop: loop0,
        sf: sf0,
        kindOf: (r) => guessKind(r, r.pos, kinds),
        checked: planned,
        appending: (site) => boundsCheck(site) !== undefined && !planned(site),
        alreadyHoisted: hoisted,
        stringIndexers: STRING_INDEXERS,
        counterOnly: invs.length > 0,
      });
      if (plan === undefined) return undefined;
      const dropped = { count: 0 };
      const invsFast = invariantChecks(node, plan.variable, dropped);
      // No site to hoist: worth a copy only where the fast copy drops a counter invariant.
      if (plan.sites.length === 0 && dropped.count === 0) return undefined;
      const init = ts.visitNode(node.initializer, visit) as ts.VariableDeclarationList;
      const inc = ts.visitNode(node.incrementor, visit) as ts.Expression;
      const condition = (c: ts.Expression | undefined, invs: readonly ts.Expression[]): ts.Expression | undefined => {
        const all = invs.length > 0 ? invs.reduce((a, b) => f.createLogicalAnd(a, b)) : undefined;
        if (all === undefined) return c;
        return c === undefined ? all : f.createLogicalAnd(all, f.createParenthesizedExpression(c));
      };
      const outer = hoisted;
      hoisted = new Set([...outer, ...plan.sites.map((x) => x.key)]);
      const condFast = condition(node.condition ? (ts.visitNode(node.condition, visit) as ts.Expression) : undefined, invsFast);
      const bodyFast = ts.visitNode(node.statement, visit) as ts.Statement;
      hoisted = outer;
      noVersion++;
      const condChecked = condition(node.condition ? (ts.visitNode(node.condition, visit) as ts.Expression) : undefined, invs);
      const bodyChecked = ts.visitNode(node.statement, visit) as ts.Statement;
      noVersion--;
      const label = f.createIdentifier(`${checks}_L${++tempCounter}`); // fresh: extends the check parameter's name
      const { test, limit } = rangeCheck(plan, loop0);
      const first: ts.Statement[] = condFast === undefined ? [] : [f.createIfStatement(f.createLogicalNot(f.createParenthesizedExpression(condFast)), f.createBreakStatement(label))];
      const fastLoop = f.createForStatement(undefined, limit === undefined ? undefined : f.createLessThan(f.createIdentifier(plan.variable), limit), inc, f.createBlock([...first, breaksTo(bodyFast, label)], true));
      // The fast loop counts with its own `let` of the same name (handed over through a temp
      // when it reaches LIM): V8 optimises a loop whose counter is not live after it far better.
      const handover = temp();
      const i = f.createIdentifier(plan.variable);
      const fast = f.createBlock(
        [
          f.createBlock([f.createVariableStatement(undefined, f.createVariableDeclarationList([f.createVariableDeclaration(i, undefined, undefined, handover)], ts.NodeFlags.Let)), fastLoop, f.createExpressionStatement(f.createAssignment(handover, i))], true),
          f.createExpressionStatement(f.createAssignment(i, handover)),
        ],
        true,
      );
      return f.createLabeledStatement(
        label,
        f.createBlock([f.createVariableStatement(undefined, init), f.createIfStatement(raw(f, `${test} && ((${handover.text} = ${plan.variable}), true)`), fast), f.createForStatement(undefined, condChecked, inc, bodyChecked)], true),
      );
    };
    /**
     * PRE (JavaScript, side-effect free) and LIM: a temp, 2^31 − 1 for a plan with no site (the
     * counter-only copy), or undefined when no site depends on the loop variable.
     */
    const rangeCheck = (plan: HoistPlan, loop0: ts.ForStatement): { test: string; limit: ts.Expression | undefined } => {
      const sink = top().seedSink;
      const fn0 = sink !== undefined && sink.loop !== loop0 ? enclosingFunction(sink.loop) : undefined;
      const i = plan.variable;
      const int32 = (x: string) => `(${x} | 0) === ${x}`;
      const parts = [`typeof ${i} === "number"`, int32(i)];
      for (const n of plan.numeric) parts.push(`typeof ${n} === "number"`, int32(n));
      if (typeof plan.stride === "string") parts.push(`${plan.stride} >= 1`);
      const lengths = new Map<string, string>();
      for (const r of plan.receivers) {
        // A string's length directly; a typed array's through a per-loop cache of the last
        // receiver (a genuine typed array's length never changes in the sandbox, and an object
        // that is not one never becomes one), so a loop entered often calls C.rl once.
        const t = temp().text;
        const seen = cache().text;
        const seenLength = temp().text;
        lengths.set(r, t);
        parts.push(`(${t} = typeof ${r} === "string" ? ${r}.length : ${r} === ${seen} ? ${seenLength} : (${seenLength} = ${checks}.rl(${seen} = ${r}))) >= 0`);
        // A loop nested in another: the cache is also seeded before the function's outermost
        // loop, where r is already initialised (reading it cannot throw; C.rl runs no user code).
        // V8 then never sees C.rl called from inside the loop nest — called there once per
        // outer iteration, it cost matmul 48×48 1.2× — and the cache still decides as above:
        // a seed of another binding or value is only a miss.
        if (sink !== undefined && fn0 !== undefined && fn0 === enclosingFunction(loop0) && initialisedBefore(r, sink.loop, fn0, factsOf(fn0))) sink.seeds.push(`${seenLength} = ${checks}.rl(${seen} = ${r})`);
      }
      // An owned array's length (instrument-owned.ts): C.al is its length when it is a genuine
      // array that is not a proxy (always, by construction; −1 otherwise), with no user code.
      // No cache across loop entries: the function may push between them.
      // A claimed parameter is owned only when the function's prologue got it from the host
      // (`C.claim`, in this call): else −1, and the checked copy runs.
      const arrayLength = (x: string): string => {
        const known = lengths.get(x);
        if (known !== undefined) return known;
        const t = temp().text;
        lengths.set(x, t);
        const claim = plan.claims[x];
        if (claim !== undefined) (top().claims ??= new Map()).set(claim.index, (top().claims!.get(claim.index) ?? false) || claim.readOnly);
        // A read-only claimed parameter's length is one for the whole call: the prologue's constant.
        if (claim?.readOnly === true) parts.push(`(${t} = ${checks}_arglen${claim.index}) >= 0`);
        else parts.push(claim === undefined ? `(${t} = ${checks}.al(${x})) >= 0` : `(${t} = ${checks}_own${claim.index} ? ${checks}.al(${x}) : -1) >= 0`);
        return t;
      };
      for (const x of plan.arrays) arrayLength(x);
      for (const row of plan.rows) {
        // The row x[E]: E an int32 below x's length, then the row's own length. Reading the
        // element runs no code (an owned array has no accessor; a hole reads the frozen
        // prototypes' nothing, undefined, which C.al refuses).
        const parent = arrayLength(row.parent);
        const u = temp().text;
        const t = temp().text;
        lengths.set(row.key, t);
        parts.push(`((${u} = ${row.unit}) | 0) === ${u} && ${u} >= 0 && ${u} < ${parent} && (${t} = ${checks}.al(${row.parent}[${u}])) >= 0`);
      }
      const limits: string[] = [];
      const seenSites = new Set<string>();
      for (const site of plan.sites) {
        const same = JSON.stringify([site.receiver, site.affine, site.coefficient, site.units]);
        if (seenSites.has(same)) continue; // the same range (x[i] read and written): one test
        seenSites.add(same);
        const units = site.units.map((u) => {
          const t = temp().text;
          parts.push(`((${t} = ${u}) | 0) === ${t}`);
          return t;
        });
        const sum = units.length === 0 ? "0" : units.join(" + ");
        const length = lengths.get(site.receiver)!;
        if (site.affine && site.coefficient !== undefined) {
          // c * i + E, c an int32 >= 1: the index grows with i; c * i + E < length exactly for
          // i < ⌊(length − E − 1) / c⌋ + 1 (floor of a quotient of integers below 2^53 by a
          // positive integer is exact). Every product the fast copy forms is below 2^33 in magnitude.
          const c = temp().text;
          parts.push(`((${c} = ${site.coefficient}) | 0) === ${c} && ${c} >= 1 && ${c} * ${i} + ${sum} >= 0`);
          limits.push(`${input.inlineChecks === true ? `${checks}_floor` : `${checks}.floor`}((${length} - (${sum}) - 1) / ${c}) + 1`);
        } else if (site.affine) {
          parts.push(`${i} + ${sum} >= 0`);
          limits.push(`${length} - (${sum})`);
        } else parts.push(`${sum} >= 0 && ${sum} < ${length}`);
      }
      if (plan.sites.length === 0) return { test: `(${parts.join(" && ")})`, limit: f.createNumericLiteral(2147483647) };
      if (limits.length === 0) return { test: `(${parts.join(" && ")})`, limit: undefined };
      const limit = temp();
      // Math.min: the module constant where checks are inline, else through the check object.
      const min = input.inlineChecks === true ? `${checks}_min` : `${checks}.min`;
      parts.push(`((${limit.text} = ${limits.length === 1 ? limits[0] : `${min}(${limits.join(", ")})`}), true)`);
      return { test: `(${parts.join(" && ")})`, limit };
    };
    /** Unlabelled `break`s of this loop's body (not of a nested loop or switch) leave the whole versioned block. */
    const breaksTo = (body: ts.Statement, label: ts.Identifier): ts.Statement => {
      const rewrite = (n: ts.Node): ts.Node => {
        if (ts.isBreakStatement(n) && n.label === undefined) return f.createBreakStatement(label);
        if (ts.isIterationStatement(n, false) || ts.isSwitchStatement(n) || isFunctionLike(n) || ts.isClassLike(n)) return n;
        return ts.visitEachChild(n, rewrite, ctx);
      };
      return rewrite(body) as ts.Statement;
    };

    const visitFunction = (node: FunctionLike): ts.Node => {
      const entity = entityOf(node, byName, resolved, resolvedNames);
      const params = paramNames(node);
      const scope: FnScope = { temps: [], entity, params, olds: [], declared: new Set([...top().declared, ...params]), entry: new Map(), fnKey: posKey(node) };
      const closing = node.body && ts.isBlock(node.body) ? node.body.getEnd() - 1 : undefined;
      const exprSite = node.body && !ts.isBlock(node.body) ? loc(node.body) : undefined;
      scopes.push(scope);
      let visited = ts.visitEachChild(node, visit, ctx) as FunctionLike;
      let body = visited.body;
      if (body !== undefined && entity !== undefined && setsOf(entity).post.length > 0) {
        // The function's own last statement (an inline postcondition turns a `return` into a block).
        const last = node.body !== undefined && ts.isBlock(node.body) ? node.body.statements[node.body.statements.length - 1] : undefined;
        const endUnreachable = last !== undefined && (ts.isReturnStatement(last) || ts.isThrowStatement(last));
        if (ts.isBlock(body) && closing !== undefined && !endUnreachable) {
          const tail = postconditions(scope, { start: closing, end: closing }, f.createVoidZero());
          body = f.updateBlock(body, [...body.statements, f.createExpressionStatement(tail)]);
        } else if (!ts.isBlock(body) && exprSite !== undefined) {
          body = postconditions(scope, exprSite, body as ts.Expression) as ts.ConciseBody;
        }
      }
      scopes.pop();
      const prelude: string[] = [];
      if (((scope.claims !== undefined && scope.claims.size > 0) || scope.claimsEntry === true) && ts.isFunctionDeclaration(node) && node.name !== undefined) {
        // First, before anything can run: is the host calling this very function with arguments
        // it rebuilt? (instrument-owned.ts, guest/checks.ts `claim`). The function object is the
        // module constant taken before any module code ran.
        const self = `${checks}_self_${node.name.text}`;
        selves.add(`${self} = ${node.name.text}`);
        prelude.push(`const ${checks}_A = ${checks}.claim(${self})`);
        // …and as the entity's entry, whose check passed on those arguments (checks.ts `ca`; right after the claim).
        if (scope.claimsEntry === true) prelude.push(`const ${checks}_E = ${checks}.ca(${JSON.stringify(scope.entity!.name)})`);
        for (const [i, readOnly] of [...(scope.claims ?? [])].sort((a, b) => a[0] - b[0])) {
          prelude.push(`const ${checks}_own${i} = ${checks}_A !== void 0 && ${checks}_A[${i}] === ${params[i]}`);
          // Never written or pushed by the function and reached by nothing else: one length for the call.
          if (readOnly) prelude.push(`const ${checks}_arglen${i} = ${checks}_own${i} ? ${checks}.al(${params[i]}) : -1`);
        }
      }
      if (scope.temps.length > 0) prelude.push(`let ${scope.temps.join(", ")}`);
      for (const o of scope.olds) prelude.push(`const ${o.name} = ${o.js}`);
      if (prelude.length > 0 && body !== undefined) {
        const statements = prelude.map((p) => f.createExpressionStatement(raw(f, p)));
        body = ts.isBlock(body) ? f.updateBlock(body, [...statements, ...body.statements]) : f.createBlock([...statements, f.createReturnStatement(body as ts.Expression)], true);
      }
      if (body !== visited.body) visited = replaceBody(f, visited, body!);
      return visited;
    };

    const visitedFile = ts.visitEachChild(sf, visit, ctx);
    const prelude: ts.Statement[] = [];
    // Each claiming function as it is before any module code runs (a declaration is initialised
    // when the module starts; module code may rebind its name later).
    if (selves.size > 0) prelude.push(f.createExpressionStatement(raw(f, `const ${[...selves].join(", ")}`)));
    const moduleScope = scopes[0]!;
    if (moduleScope.temps.length > 0) prelude.push(f.createExpressionStatement(raw(f, `let ${moduleScope.temps.join(", ")}`)));
    // The guards' fast-path helpers as module constants (a constant call target the JIT can
    // inline, not a property load per evaluation). Their names extend the fresh check
    // parameter's, so they cannot occur in the module either.
    //
    // Number.isSafeInteger and Number.isInteger (the verifier's safe-integer loop invariants, in
    // every loop condition) answer an int32 Number first: `typeof x === "number" && (x | 0) === x`
    // implies both (and coerces nothing: typeof first), everything else goes to the intrinsic.
    // A small function V8 inlines, and an int32 test that keeps a counter a small integer where
    // the intrinsic call cost a loop up to 40% (gnome sort).
    const int32First = (h: string) => `(x) => (typeof x === "number" && (x | 0) === x) || ${checks}_${h}0(x)`;
    const helpers = FAST_HELPERS.map((h) => (h === "isSafeInteger" || h === "isInteger" ? `${checks}_${h}0 = ${checks}.${h}, ${checks}_${h} = ${int32First(h)}` : `${checks}_${h} = ${checks}.${h}`));
    if (input.inlineChecks === true) prelude.push(f.createExpressionStatement(raw(f, `const ${helpers.join(", ")}`)));
    // Entry preconditions: registered before any module code runs (see guest/checks.ts `entry`).
    for (const e of input.entities) {
      if (setsOf(e).pre.length === 0) continue;
      const params = entityParams.get(e.name) ?? [];
      const calls: string[] = [];
      setsOf(e).pre.forEach(({ text }, i) => {
        const js = compile(text, { temps: [], entity: e, params, olds: [], declared: new Set() }, false);
        if (js === undefined) return;
        const k = table.always({ id: `${e.id}/precondition/entry#${i + 1}`, kind: "precondition", entity: e.id, location: input.entryLocation(e.name), description: `precondition ${text}` });
        calls.push(`${checks}.pre(${k}, args, (${params.join(", ")}) => ${js});`);
      });
      if (calls.length > 0) prelude.push(f.createExpressionStatement(raw(f, `${checks}.entry(${JSON.stringify(e.name)}, (args) => { ${calls.join(" ")} })`)));
    }
    return f.updateSourceFile(visitedFile, [...prelude, ...visitedFile.statements]);
  };
}

function replaceBody(f: ts.NodeFactory, fn: FunctionLike, body: ts.ConciseBody): FunctionLike {
  if (ts.isFunctionDeclaration(fn)) return f.updateFunctionDeclaration(fn, fn.modifiers, fn.asteriskToken, fn.name, fn.typeParameters, fn.parameters, fn.type, body as ts.Block);
  if (ts.isFunctionExpression(fn)) return f.updateFunctionExpression(fn, fn.modifiers, fn.asteriskToken, fn.name, fn.typeParameters, fn.parameters, fn.type, body as ts.Block);
  if (ts.isArrowFunction(fn)) return f.updateArrowFunction(fn, fn.modifiers, fn.typeParameters, fn.parameters, fn.type, fn.equalsGreaterThanToken, body);
  if (ts.isMethodDeclaration(fn)) return f.updateMethodDeclaration(fn, fn.modifiers, fn.asteriskToken, fn.name, fn.questionToken, fn.typeParameters, fn.parameters, fn.type, body as ts.Block);
  if (ts.isConstructorDeclaration(fn)) return f.updateConstructorDeclaration(fn, fn.modifiers, fn.parameters, body as ts.Block);
  if (ts.isGetAccessorDeclaration(fn)) return f.updateGetAccessorDeclaration(fn, fn.modifiers, fn.name, fn.parameters, fn.type, body as ts.Block);
  return f.updateSetAccessorDeclaration(fn, fn.modifiers, fn.name, fn.parameters, body as ts.Block);
}
