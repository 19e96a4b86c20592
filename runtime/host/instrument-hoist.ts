/**
 * Range checks before counting loops (pure analysis; the visitor emits the code): a *versioned
 * loop*. For
 *
 *   for (let i = A; COND; i++ | ++i | i += S) BODY
 *
 * whose unproved bounds sites include `x[i + E]`, `x[c * i + E]`, `x[E]` or `x.charCodeAt(i + E)`
 * (x a string or typed array by its declaration; E and c built from integer literals and
 * loop-invariant local variables with + − ×), the visitor emits
 *
 *   L: {
 *     let i = A;                                  // the loop's own declaration list
 *     if (PRE) { { let i = T; for (; i < LIM; INC) { if (!(COND)) break L; BODY_fast } T = i; } i = T; }
 *     for (; COND; INC) BODY_checked
 *   }
 *
 * (T: a temp set to i by PRE; the fast loop counts with its own binding, which V8 optimises
 * much better than a counter live after the loop.)
 *
 * BODY_fast is BODY without the guards of those sites (every other site keeps its guard) and
 * with its unlabelled `break`s turned into `break L`; BODY_checked is BODY with every guard.
 * PRE is side-effect free (typeof tests, reads of local variables, integer arithmetic on
 * numbers, the intrinsic `C.rl`): i, S and the variables of E are int32 numbers, every x is a
 * string or a genuine typed array over a fixed-length buffer (`C.rl(x)` its length, else −1),
 * and each site is in bounds for the first i; LIM is the smallest `length(x) − E` — for a
 * strided site `x[c * i + E]` (c an int32 ≥ 1 in PRE, so the index grows with i),
 * ⌊(length(x) − E − 1) / c⌋ + 1, the first i whose index reaches the length (the floor of a
 * quotient of integers below 2^53 by a positive integer is exact; every product the fast copy
 * forms is then below 2^33 in magnitude, so exact too).
 *
 * Why it is exact. The sequence COND, BODY, INC, COND, … is the original one: the fast loop
 * tests COND at the top of each iteration (and leaves the whole block when it is false, as the
 * original loop would), and when i reaches LIM after an INC the checked loop continues with
 * COND for the same i. While i < LIM every hoisted site is in bounds: i only grows (INC is the
 * only assignment to i, the stride is an integer ≥ 1), x and the variables of E are not
 * assigned in the loop nor in any nested function of the enclosing function (and the loop holds
 * no function, so nothing else can assign them; `let` per-iteration copies are unobservable),
 * a string's length never changes, and a typed array's never does in the sandbox (no resizable,
 * transferable or detachable buffers: guest/fixed-buffers.ts; `C.rl` refuses a resizable or
 * shared buffer anyway). So the guards dropped in BODY_fast would all have passed; from LIM on
 * (or when PRE fails) every check runs as before, at its own site, with its own id, location
 * and message. Integer arithmetic is exact: every operand is an int32 checked in PRE (so the
 * sums the site computes, in whatever association, are exact doubles), and each invariant
 * sub-expression of an index is evaluated in PRE as written.
 *
 * What disqualifies a loop (it keeps per-iteration checks): sloppy-mode code (a script, not a
 * module: `arguments` aliases parameters), a direct `eval` in the function, a `var`/`const`
 * counter, a label on the loop, a function or class anywhere
 * in the loop, a declaration of i or of a variable of E/x inside the loop, any assignment to
 * them inside the loop (i: outside INC) or in a nested function, a `let`/`const` that is not
 * declared before the loop in an enclosing block (it could be in its temporal dead zone — PRE
 * would throw where the loop might not), a module-level variable, arrays as receivers (their
 * length and elements can change under code the loop runs: accessors, proxies, valueOf) —
 * except arrays the function owns (instrument-owned.ts) and their rows.
 *
 * Owned arrays. x is a local array only this invocation can reach, so only its own visible
 * code changes x's length; a row x[E] (E an invariant unit) of an x that owns its rows is
 * reachable only through x. They are receivers when, in the loop, x is not pushed and every
 * element write on x (any key: `x["length"] = 0` too) is a hoisted site — for rows, x is not
 * written at all and every element write on a row of x is a hoisted site. A hoisted site is in
 * bounds strictly (appending writes included: below the length their check passes and the
 * write changes no length), so in the fast copy no length and no row changes. PRE reads x's
 * length with `C.al(x)` (a genuine non-proxy array whose prototype is the intrinsic
 * Array.prototype, else −1: a prototype the module swapped in could have index getters that
 * run with the array as `this` on a hole read) and a row's after checking E an int32 below
 * x's length; a failing PRE runs the checked copy.
 * In the fast copy the verifier's `Number.isSafeInteger(i)` invariant conjuncts are dropped
 * (true there); inner loops of the checked copy are not versioned again.
 *
 * A loop with no bounds guard at all (every bounds site proved, in production) whose
 * per-iteration checks include that safe-integer invariant of its counter is versioned the same way with LIM =
 * 2^31 − 1 (`counterOnly`): PRE tests that i (and a variable stride) is an int32 number, and
 * in the fast copy i < 2^31 − 1 at every test of COND — an int32, so a safe integer — because
 * i starts an int32 and only grows by an integer stride ≥ 1. From LIM on, the checked copy
 * evaluates the invariant in full (`j = i * i` past 2^31 in a sieve, say).
 *
 * planArrayKinds (below) is the array counterpart for any loop: not a range, only the
 * receiver's kind, established once per loop entry; instrument-hoist-int.ts builds on it for
 * array sites whose index is an integer expression (an integer copy of the loop whose guards
 * still compare with the current length — an array's length can change under code the loop
 * runs: accessor elements, prototype getters, valueOf — but skip the kind and number tests).
 */
import { ts } from "ts-morph";
import { ownedArrays, ownedWrites } from "./instrument-owned.js";

/** An invariant part of an index as JavaScript, kept as written (so PRE computes the same double the site does). */
export type Unit = string;

export interface HoistSite {
  /** `${pos}:${end}` of the site node (element access or string method call). */
  readonly key: string;
  readonly receiver: string;
  /** True for `x[i + E]` and `x[c * i + E]` (the loop variable with coefficient 1 or c), false for `x[E]`. */
  readonly affine: boolean;
  /** c in `x[c * i + E]`: an invariant unit, checked an int32 ≥ 1 in PRE (absent: 1). */
  readonly coefficient?: Unit | undefined;
  /** The invariant parts whose sum is E (empty: E = 0). */
  readonly units: readonly Unit[];
}

export interface HoistPlan {
  readonly variable: string;
  /** The stride: an integer literal ≥ 1, or an invariant variable checked in PRE. */
  readonly stride: number | string;
  readonly sites: readonly HoistSite[];
  /** Variables read by the units (each checked `typeof === "number"` before any arithmetic). */
  readonly numeric: readonly string[];
  /** Receivers that are strings or typed arrays (`C.rl`). */
  readonly receivers: readonly string[];
  /** Receivers that are arrays the function owns (instrument-owned.ts; `C.al`). */
  readonly arrays: readonly string[];
  /** Receivers that are rows `x[E]` of an owned array x with an invariant index E (`C.al(x[E])`). */
  readonly rows: readonly RowReceiver[];
  /**
   * Owned arrays (receivers or rows' parents) that are claimed parameters: name → parameter
   * index, and whether the function never writes or pushes it (its length is then read once,
   * in the prologue).
   */
  readonly claims: Readonly<Record<string, { readonly index: number; readonly readOnly: boolean }>>;
}

export interface RowReceiver {
  /** The site's `receiver`: `${parent}[${unit}]`. */
  readonly key: string;
  /** The owned array. */
  readonly parent: string;
  /** The row's index as JavaScript (an invariant unit, as written). */
  readonly unit: Unit;
}

export type FunctionLike = ts.FunctionDeclaration | ts.FunctionExpression | ts.ArrowFunction | ts.MethodDeclaration | ts.ConstructorDeclaration | ts.GetAccessorDeclaration | ts.SetAccessorDeclaration;

export function isFunctionLike(node: ts.Node): node is FunctionLike {
  return ts.isFunctionDeclaration(node) || ts.isFunctionExpression(node) || ts.isArrowFunction(node) || ts.isMethodDeclaration(node) || ts.isConstructorDeclaration(node) || ts.isGetAccessorDeclaration(node) || ts.isSetAccessorDeclaration(node);
}

export const posKey = (n: ts.Node): string => `${n.pos}:${n.end}`;

export function strip(e: ts.Expression): ts.Expression {
  while (ts.isParenthesizedExpression(e) || ts.isNonNullExpression(e) || ts.isAsExpression(e) || ts.isSatisfiesExpression(e) || ts.isTypeAssertionExpression(e)) e = e.expression;
  return e;
}

export function isAssignmentOperator(k: ts.SyntaxKind): boolean {
  return k >= ts.SyntaxKind.FirstAssignment && k <= ts.SyntaxKind.LastAssignment;
}

/** Every identifier inside a node (a destructuring target: conservative). */
export function identifiersIn(node: ts.Node, out: Set<string>): void {
  if (ts.isIdentifier(node)) out.add(node.text);
  ts.forEachChild(node, (c) => identifiersIn(c, out));
}

/** Names assigned anywhere inside `node` (nested functions included). */
function assignedIn(node: ts.Node | undefined, out = new Set<string>()): Set<string> {
  if (node === undefined) return out;
  const walk = (n: ts.Node): void => {
    if (ts.isBinaryExpression(n) && isAssignmentOperator(n.operatorToken.kind)) {
      const left = strip(n.left);
      if (ts.isIdentifier(left)) out.add(left.text);
      else if (ts.isObjectLiteralExpression(left) || ts.isArrayLiteralExpression(left)) identifiersIn(left, out);
    }
    if ((ts.isPrefixUnaryExpression(n) || ts.isPostfixUnaryExpression(n)) && (n.operator === ts.SyntaxKind.PlusPlusToken || n.operator === ts.SyntaxKind.MinusMinusToken)) {
      const operand = strip(n.operand);
      if (ts.isIdentifier(operand)) out.add(operand.text);
    }
    if ((ts.isForInStatement(n) || ts.isForOfStatement(n)) && !ts.isVariableDeclarationList(n.initializer)) identifiersIn(n.initializer, out);
    ts.forEachChild(n, walk);
  };
  walk(node);
  return out;
}

/** Names declared anywhere inside `node` (variables, parameters, functions, classes, catch bindings, binding patterns). */
function declaredIn(node: ts.Node | undefined, out = new Set<string>()): Set<string> {
  if (node === undefined) return out;
  const walk = (n: ts.Node): void => {
    if ((ts.isVariableDeclaration(n) || ts.isParameter(n) || ts.isBindingElement(n)) && ts.isIdentifier(n.name)) out.add(n.name.text);
    if ((ts.isFunctionDeclaration(n) || ts.isClassDeclaration(n) || ts.isFunctionExpression(n) || ts.isClassExpression(n)) && n.name) out.add(n.name.text);
    ts.forEachChild(n, walk);
  };
  walk(node);
  return out;
}

function containsFunctionOrClass(node: ts.Node | undefined): boolean {
  if (node === undefined) return false;
  let found = false;
  const walk = (n: ts.Node): void => {
    if (found) return;
    if (isFunctionLike(n) || ts.isClassLike(n)) found = true;
    else ts.forEachChild(n, walk);
  };
  walk(node);
  return found;
}

export interface FunctionFacts {
  /** Declarations of each name in the function itself (nested functions excluded). */
  readonly decls: Map<string, ts.Node[]>;
  /** Names assigned inside any nested function. */
  readonly nestedAssigned: Set<string>;
  /** A call of something named `eval` (a direct eval can assign the function's variables even in strict code). */
  readonly eval: boolean;
}

const factsCache = new WeakMap<ts.Node, FunctionFacts>();

export function factsOf(fn: FunctionLike): FunctionFacts {
  const cached = factsCache.get(fn);
  if (cached) return cached;
  const decls = new Map<string, ts.Node[]>();
  const nestedAssigned = new Set<string>();
  let hasEval = false;
  const findEval = (n: ts.Node): void => {
    if (ts.isIdentifier(n) && n.text === "eval") hasEval = true;
    else ts.forEachChild(n, findEval);
  };
  findEval(fn);
  const add = (name: string, node: ts.Node) => decls.set(name, [...(decls.get(name) ?? []), node]);
  for (const p of fn.parameters) {
    if (ts.isIdentifier(p.name)) add(p.name.text, p);
    else declaredIn(p.name).forEach((n) => add(n, p.name)); // destructured: ambiguous for our purpose
  }
  const walk = (n: ts.Node): void => {
    if (isFunctionLike(n) || ts.isClassLike(n)) {
      if ((ts.isFunctionDeclaration(n) || ts.isClassDeclaration(n)) && n.name) add(n.name.text, n);
      assignedIn(n, nestedAssigned);
      return;
    }
    if (ts.isVariableDeclaration(n)) {
      if (ts.isIdentifier(n.name)) add(n.name.text, n);
      else declaredIn(n.name).forEach((x) => add(x, n.name));
    }
    if (ts.isCatchClause(n) && n.variableDeclaration) declaredIn(n.variableDeclaration).forEach((x) => add(x, n));
    ts.forEachChild(n, walk);
  };
  if (fn.body) walk(fn.body);
  const facts = { decls, nestedAssigned, eval: hasEval };
  factsCache.set(fn, facts);
  return facts;
}

/** Where a declaration of the function `fn` is visible (undefined: not a kind the analysis resolves). */
export function scopeOf(d: ts.Node, fn: FunctionLike): ts.Node | undefined {
  // A destructuring pattern: the scope of the declaration it belongs to.
  while (ts.isObjectBindingPattern(d) || ts.isArrayBindingPattern(d) || ts.isBindingElement(d)) d = d.parent;
  if (ts.isParameter(d)) return fn;
  if (ts.isCatchClause(d)) return d;
  if (ts.isFunctionDeclaration(d) || ts.isClassDeclaration(d)) return d.parent;
  if (!ts.isVariableDeclaration(d) || !ts.isVariableDeclarationList(d.parent)) return undefined;
  const list = d.parent;
  if ((list.flags & ts.NodeFlags.BlockScoped) === 0) return fn; // var
  const head = list.parent;
  if (ts.isForStatement(head) || ts.isForOfStatement(head) || ts.isForInStatement(head)) return head;
  const statement = list.parent;
  if (!ts.isVariableStatement(statement)) return undefined;
  const block = statement.parent;
  if (ts.isCaseClause(block) || ts.isDefaultClause(block)) return block.parent; // the case block
  return block;
}

/**
 * The declaration of `name` that `loop` sees: among the function's own declarations, the
 * innermost whose scope contains the loop (a function's parameters and `var`s: the function;
 * a `let`/`const`: its block, or the loop whose head declares it); undefined when there is
 * none (module-level) or two in the same scope.
 */
function resolve(name: string, loop: ts.Node, fn: FunctionLike, facts: FunctionFacts): ts.Node | undefined {
  let best: { node: ts.Node; scope: ts.Node } | undefined;
  let tie = false;
  for (const d of facts.decls.get(name) ?? []) {
    const scope = scopeOf(d, fn);
    if (scope === undefined || !(scope.pos <= loop.pos && loop.end <= scope.end)) continue;
    if (best === undefined || scope.end - scope.pos < best.scope.end - best.scope.pos) {
      best = { node: d, scope };
      tie = false;
    } else if (scope === best.scope) tie = true;
  }
  return tie ? undefined : best?.node;
}

/**
 * `name` is a parameter or a variable of the function that is initialised whenever `loop`
 * starts (no temporal dead zone): a parameter, a `var`, the loop's own head (`ownHead`), an
 * enclosing loop's head, or a `let`/`const` statement of an enclosing block that ends before
 * the loop. Catch parameters, function/class declarations and destructuring are not covered.
 */
export function initialisedBefore(name: string, loop: ts.Node, fn: FunctionLike, facts: FunctionFacts, ownHead?: ts.VariableDeclarationList): boolean {
  const d = resolve(name, loop, fn, facts);
  if (d === undefined) return false;
  if (ts.isParameter(d)) return d.parent === fn && ts.isIdentifier(d.name) && d.dotDotDotToken === undefined;
  if (!ts.isVariableDeclaration(d) || !ts.isVariableDeclarationList(d.parent)) return false;
  const list = d.parent;
  if (list === ownHead) return true; // initialised by the loop's own declaration list, before PRE
  if ((list.flags & ts.NodeFlags.BlockScoped) === 0) return true; // var: no temporal dead zone (undefined fails PRE's tests)
  // let/const of an enclosing loop's head (initialised before that loop's body runs).
  const head = list.parent;
  if (ts.isForStatement(head) || ts.isForOfStatement(head) || ts.isForInStatement(head)) {
    for (let p: ts.Node | undefined = loop; p !== undefined && p !== fn; p = p.parent) if (p.parent === head && p === head.statement) return true;
    return false;
  }
  // let/const: a statement of a block that encloses the loop, ending before it.
  const statement = list.parent;
  if (!ts.isVariableStatement(statement) || statement.end > loop.pos) return false;
  const block = statement.parent;
  if (!ts.isBlock(block)) return false;
  for (let p: ts.Node | undefined = loop.parent; p !== undefined && p !== fn; p = p.parent) if (p === block) return true;
  return false;
}

export interface ArrayKindInput {
  /** Any loop (for, for-of, for-in, while, do) in the module as parsed with parent pointers. */
  readonly loop: ts.IterationStatement;
  readonly sf: ts.SourceFile;
  readonly kindOf: (receiver: ts.Expression) => "array" | "typed" | "string";
  readonly checked: (site: ts.ElementAccessExpression) => boolean;
  /** Sites whose receiver's kind an enclosing loop already established. */
  readonly alreadyKnown: ReadonlySet<string>;
}

/**
 * Array sites whose receiver's kind can be established once per loop entry: receiver name →
 * site keys. The array guard's `Array.isArray(t)` (a call per evaluation) becomes a test of a
 * temp set before the loop to `C.pa(x)` — true iff x is an array that is not a proxy (the
 * intrinsic Array.isArray and util.types.isProxy: no user code, no throw). Exact because x is
 * the same value at every evaluation in the loop (not assigned in the loop or in any nested
 * function; initialised before the loop, so reading it there cannot throw), and a non-proxy
 * array stays one for its lifetime; when the temp is false the guard calls `C.b`, which
 * classifies as before (proxies of arrays, revoked proxies, anything else).
 */
export function planArrayKinds(input: ArrayKindInput): Map<string, string[]> | undefined {
  const { loop, sf } = input;
  if (!ts.isExternalModule(sf)) return undefined;
  if (ts.isLabeledStatement(loop.parent)) return undefined; // the temp's statement cannot go between a label and its loop
  const fn = enclosingFunction(loop);
  if (fn === undefined) return undefined;
  const facts = factsOf(fn);
  if (facts.eval) return undefined;
  const declaredInLoop = declaredIn(loop);
  const assignedInLoop = assignedIn(loop); // the head included: the temp is set before it runs
  const invariant = (name: string): boolean => !declaredInLoop.has(name) && !assignedInLoop.has(name) && !facts.nestedAssigned.has(name) && initialisedBefore(name, loop, fn, facts);
  const out = new Map<string, string[]>();
  const nested = new Set<string>();
  /** Names read by each receiver's indices, and the loop's stepped variables (i++, i -= 2). */
  const indexNames = new Map<string, Set<string>>();
  const stepped = new Set<string>();
  let depth = 0;
  const walk = (n: ts.Node): void => {
    if (isFunctionLike(n) || ts.isClassLike(n)) return; // another function: other temps, other times
    if (ts.isElementAccessExpression(n) && n.expression.kind !== ts.SyntaxKind.SuperKeyword && !ts.isStringLiteral(n.argumentExpression) && !ts.isNoSubstitutionTemplateLiteral(n.argumentExpression)) {
      const receiver = strip(n.expression);
      const key = posKey(n);
      if (ts.isIdentifier(receiver) && !input.alreadyKnown.has(key) && input.kindOf(n.expression) === "array" && input.checked(n) && invariant(receiver.text)) {
        out.set(receiver.text, [...(out.get(receiver.text) ?? []), key]);
        if (depth > 0) nested.add(receiver.text);
        identifiersIn(n.argumentExpression, indexNames.get(receiver.text) ?? indexNames.set(receiver.text, new Set()).get(receiver.text)!);
      }
    }
    if ((ts.isPrefixUnaryExpression(n) || ts.isPostfixUnaryExpression(n)) && (n.operator === ts.SyntaxKind.PlusPlusToken || n.operator === ts.SyntaxKind.MinusMinusToken) && ts.isIdentifier(strip(n.operand))) stepped.add((strip(n.operand) as ts.Identifier).text);
    if (ts.isBinaryExpression(n) && (n.operatorToken.kind === ts.SyntaxKind.PlusEqualsToken || n.operatorToken.kind === ts.SyntaxKind.MinusEqualsToken) && ts.isIdentifier(strip(n.left))) stepped.add((strip(n.left) as ts.Identifier).text);
    const inner = ts.isIterationStatement(n, false);
    if (inner) depth++;
    ts.forEachChild(n, walk);
    if (inner) depth--;
  };
  ts.forEachChild(loop, walk);
  // Cost, not soundness: the test before the loop pays off when the guards run often — two or
  // more sites of the receiver, one in an inner loop, or one indexed by a variable the loop steps
  // (a scan: gnome sort's single unproved site cost production 2× with Array.isArray, a call per
  // evaluation); a short loop with one site (a binary search entered once per call, its index
  // halved, not stepped) is faster with Array.isArray in its guard.
  for (const [name, keys] of out) if (keys.length < 2 && !nested.has(name) && ![...(indexNames.get(name) ?? [])].some((x) => stepped.has(x))) out.delete(name);
  return out.size === 0 ? undefined : out;
}

export function enclosingFunction(node: ts.Node): FunctionLike | undefined {
  for (let p: ts.Node | undefined = node.parent; p !== undefined; p = p.parent) {
    if (isFunctionLike(p)) return p;
    if (ts.isClassLike(p) || ts.isSourceFile(p)) return undefined;
  }
  return undefined;
}

export interface PlanInput {
  /** The loop in the module as parsed with parent pointers. */
  readonly loop: ts.ForStatement;
  readonly sf: ts.SourceFile;
  /** The receiver kind a declaration suggests (instrument-guards.ts guessKind). */
  readonly kindOf: (receiver: ts.Expression) => "array" | "typed" | "string";
  /** Whether a bounds check is placed at this site (not proved away in production), appending writes excepted. */
  readonly checked: (site: ts.ElementAccessExpression | ts.CallExpression) => boolean;
  /**
   * Whether an appending write's check (`0 <= i <= length`) is placed at this site: hoisted only
   * on an owned array or row, whose fast copy then runs while the index is strictly below the
   * length (where that check passes and the write changes no length).
   */
  readonly appending?: ((site: ts.ElementAccessExpression) => boolean) | undefined;
  /** Sites already unguarded by an enclosing versioned loop. */
  readonly alreadyHoisted: ReadonlySet<string>;
  readonly stringIndexers: ReadonlySet<string>;
  /**
   * Plan the loop even without a hoistable site (the visitor then versions it only when an
   * unproved safe-integer invariant of the counter can be dropped in the fast copy, whose
   * limit is then 2^31 − 1: see the header).
   */
  readonly counterOnly?: boolean | undefined;
}

/** The versioning plan for a counting loop, or undefined when the loop keeps its per-iteration checks. */
export function planLoop(input: PlanInput): HoistPlan | undefined {
  const { loop, sf } = input;
  if (!ts.isExternalModule(sf)) return undefined; // strict code only
  if (ts.isLabeledStatement(loop.parent)) return undefined;
  const fn = enclosingFunction(loop);
  if (fn === undefined) return undefined;
  const init = loop.initializer;
  // `let` only: the fast copy counts with its own binding, which a `var` (visible after the loop, also after a `break`) would not keep in step.
  if (init === undefined || !ts.isVariableDeclarationList(init) || (init.flags & ts.NodeFlags.Let) === 0) return undefined;
  if ((init.flags & (ts.NodeFlags.Using | ts.NodeFlags.AwaitUsing)) !== 0) return undefined;
  if (containsFunctionOrClass(loop)) return undefined;
  const initNames = new Set<string>();
  for (const d of init.declarations) {
    if (!ts.isIdentifier(d.name)) return undefined;
    initNames.add(d.name.text);
  }
  // The increment: i++, ++i, i += S.
  const inc = loop.incrementor === undefined ? undefined : strip(loop.incrementor);
  let variable: string | undefined;
  let strideNode: ts.Expression | undefined;
  if (inc && (ts.isPostfixUnaryExpression(inc) || ts.isPrefixUnaryExpression(inc)) && inc.operator === ts.SyntaxKind.PlusPlusToken && ts.isIdentifier(inc.operand)) variable = inc.operand.text;
  else if (inc && ts.isBinaryExpression(inc) && inc.operatorToken.kind === ts.SyntaxKind.PlusEqualsToken && ts.isIdentifier(inc.left)) {
    variable = inc.left.text;
    strideNode = strip(inc.right);
  }
  if (variable === undefined || !initNames.has(variable)) return undefined;
  const facts = factsOf(fn);
  if (facts.eval) return undefined;
  const inLoop = [loop.condition, loop.incrementor, loop.statement];
  const declaredInLoop = new Set<string>();
  inLoop.forEach((n) => declaredIn(n, declaredInLoop));
  const assignedInLoop = new Set<string>();
  [loop.condition, loop.statement].forEach((n) => assignedIn(n, assignedInLoop));
  // The loop variable: assigned only by the increment, declared once.
  if (assignedInLoop.has(variable) || declaredInLoop.has(variable) || facts.nestedAssigned.has(variable)) return undefined;

  /** A local that keeps its value during the loop and is initialised before it. */
  const invariant = (name: string): boolean => {
    if (name === variable || declaredInLoop.has(name) || assignedInLoop.has(name) || facts.nestedAssigned.has(name)) return false;
    if (assignedIn(loop.incrementor).has(name)) return false;
    return initialisedBefore(name, loop, fn, facts, init);
  };

  let stride: number | string = 1;
  if (strideNode !== undefined) {
    if (ts.isNumericLiteral(strideNode) && Number.isInteger(Number(strideNode.text)) && Number(strideNode.text) >= 1 && Number(strideNode.text) < 2 ** 31) stride = Number(strideNode.text);
    else if (ts.isIdentifier(strideNode) && invariant(strideNode.text)) stride = strideNode.text;
    else return undefined;
  }

  const numeric = new Set<string>();
  /** An invariant, pure numeric expression (its variables checked numeric in PRE). */
  const OPS = new Map([[ts.SyntaxKind.PlusToken, "+"], [ts.SyntaxKind.MinusToken, "-"], [ts.SyntaxKind.AsteriskToken, "*"]]);
  /** An invariant, pure numeric expression as JavaScript (its variables checked numeric in PRE), or undefined. */
  const pure = (e: ts.Expression, names: Set<string>): string | undefined => {
    e = strip(e);
    if (ts.isNumericLiteral(e)) {
      const v = Number(e.text);
      return Number.isInteger(v) && Math.abs(v) < 2 ** 31 ? String(v) : undefined;
    }
    if (ts.isIdentifier(e)) {
      if (!invariant(e.text)) return undefined;
      names.add(e.text);
      return e.text;
    }
    if (ts.isPrefixUnaryExpression(e) && e.operator === ts.SyntaxKind.MinusToken) {
      const a = pure(e.operand, names);
      return a === undefined ? undefined : `(-${a})`;
    }
    const op = ts.isBinaryExpression(e) ? OPS.get(e.operatorToken.kind) : undefined;
    if (ts.isBinaryExpression(e) && op !== undefined) {
      const a = pure(e.left, names);
      const b = pure(e.right, names);
      return a === undefined || b === undefined ? undefined : `(${a} ${op} ${b})`;
    }
    return undefined;
  };
  /**
   * i + E: the loop variable (coefficient 1) plus invariant units, or E alone. Units are
   * maximal invariant sub-expressions, kept as written; a subtracted unit is negated.
   */
  const decompose = (e0: ts.Expression, names: Set<string>): { affine: boolean; coefficient?: Unit | undefined; units: Unit[] } | undefined => {
    const e = strip(e0);
    const local = new Set<string>();
    const js = pure(e, local);
    if (js !== undefined) {
      local.forEach((n) => names.add(n));
      return { affine: false, units: [js] };
    }
    if (ts.isIdentifier(e) && e.text === variable) return { affine: true, units: [] };
    // c * i or i * c, c invariant: a strided site (its index grows with i when c >= 1, checked in PRE).
    if (ts.isBinaryExpression(e) && e.operatorToken.kind === ts.SyntaxKind.AsteriskToken) {
      const isVar = (x: ts.Expression) => ts.isIdentifier(strip(x)) && (strip(x) as ts.Identifier).text === variable;
      const other = isVar(e.left) ? e.right : isVar(e.right) ? e.left : undefined;
      if (other === undefined) return undefined;
      const c = pure(other, local);
      if (c === undefined) return undefined;
      local.forEach((n) => names.add(n));
      return { affine: true, coefficient: c, units: [] };
    }
    if (ts.isBinaryExpression(e) && (e.operatorToken.kind === ts.SyntaxKind.PlusToken || e.operatorToken.kind === ts.SyntaxKind.MinusToken)) {
      const a = decompose(e.left, names);
      const b = decompose(e.right, names);
      if (a === undefined || b === undefined) return undefined;
      if (e.operatorToken.kind === ts.SyntaxKind.MinusToken) {
        if (b.affine) return undefined;
        return { affine: a.affine, coefficient: a.coefficient, units: [...a.units, ...b.units.map((u) => `(-${u})`)] };
      }
      if (a.affine && b.affine) return undefined;
      return { affine: a.affine || b.affine, coefficient: a.coefficient ?? b.coefficient, units: [...a.units, ...b.units] };
    }
    return undefined;
  };

  let sites: HoistSite[] = [];
  let guarded = false;
  // Arrays the function owns (instrument-owned.ts), where the loop sees that very declaration.
  const owned = ownedArrays(fn);
  const ownedHere = (name: string): boolean => {
    const o = owned.get(name);
    return o !== undefined && invariant(name) && resolve(name, loop, fn, facts) === o.decl;
  };
  const rowReceivers = new Map<string, RowReceiver>();
  const consider = (site: ts.ElementAccessExpression | ts.CallExpression, receiver0: ts.Expression, index: ts.Expression, kind: "array" | "typed" | "string") => {
    const key = posKey(site);
    if (input.alreadyHoisted.has(key)) return;
    const appending = !input.checked(site) && ts.isElementAccessExpression(site) && input.appending?.(site) === true;
    if (!appending && !input.checked(site)) return;
    if (!appending) guarded = true;
    const receiver = strip(receiver0);
    let name: string;
    const names = new Set<string>();
    if (ts.isIdentifier(receiver)) {
      // An array only when the function owns it (its length changes only where the function's own code changes it).
      if (!invariant(receiver.text) || ((kind === "array" || owned.has(receiver.text) || appending) && !(ts.isElementAccessExpression(site) && ownedHere(receiver.text)))) return;
      name = receiver.text;
    } else {
      // A row x[E] of an array that owns its rows, E invariant: the row is the same array throughout (checked below: x is not written in the loop).
      const parent = ts.isElementAccessExpression(receiver) && !ts.isElementAccessChain(receiver) ? strip(receiver.expression) : undefined;
      if (parent === undefined || !ts.isIdentifier(parent) || !ts.isElementAccessExpression(site) || !ownedHere(parent.text) || !owned.get(parent.text)!.rows) return;
      const unit = pure((receiver as ts.ElementAccessExpression).argumentExpression, names);
      if (unit === undefined) return;
      name = `${parent.text}[${unit}]`;
      rowReceivers.set(name, { key: name, parent: parent.text, unit });
    }
    const d = decompose(index, names);
    if (d === undefined) return;
    names.forEach((n) => numeric.add(n));
    sites.push({ key, receiver: name, affine: d.affine, coefficient: d.coefficient, units: d.units });
  };
  const walk = (n: ts.Node): void => {
    if (ts.isElementAccessExpression(n) && n.expression.kind !== ts.SyntaxKind.SuperKeyword && !ts.isStringLiteral(n.argumentExpression) && !ts.isNoSubstitutionTemplateLiteral(n.argumentExpression)) {
      consider(n, n.expression, n.argumentExpression, input.kindOf(n.expression));
    } else if (ts.isCallExpression(n) && ts.isPropertyAccessExpression(n.expression) && input.stringIndexers.has(n.expression.name.text) && n.arguments.length > 0 && !ts.isSpreadElement(n.arguments[0]!)) {
      consider(n, n.expression.expression, n.arguments[0]!, "string");
    }
    ts.forEachChild(n, walk);
  };
  if (loop.condition) walk(loop.condition);
  walk(loop.statement);
  // An owned array's length, and a row's identity and length, may change in the loop only where
  // the fast copy cannot: at a hoisted site (in bounds, strictly: not an append). Drop the sites
  // of a receiver the loop writes or pushes elsewhere, until nothing changes.
  const rowOf = (receiver: string) => rowReceivers.get(receiver)?.parent;
  for (let changed = true; changed; ) {
    changed = false;
    const inBounds = new Set([...input.alreadyHoisted, ...sites.map((x) => x.key)]);
    const parents = new Set(sites.map((x) => rowOf(x.receiver) ?? (owned.has(x.receiver) ? x.receiver : undefined)).filter((x): x is string => x !== undefined));
    for (const x of parents) {
      const w = [loop.condition, loop.incrementor, loop.statement].map((n) => (n === undefined ? { self: [], rows: [], pushes: 0 } : ownedWrites(x, n)));
      const pushes = w.some((v) => v.pushes > 0);
      const self = w.flatMap((v) => v.self);
      const rowWrites = w.flatMap((v) => v.rows);
      const directOk = !pushes && self.every((k) => inBounds.has(k));
      const rowsOk = !pushes && self.length === 0 && rowWrites.every((k) => inBounds.has(k));
      const keep = sites.filter((site) => (site.receiver === x ? directOk : rowOf(site.receiver) === x ? rowsOk : true));
      if (keep.length !== sites.length) {
        sites = keep;
        changed = true;
      }
    }
  }
  // Counter-only: only where no bounds guard stays in the loop (a copy of guarded code gains little and doubles it).
  if (sites.length === 0 && (input.counterOnly !== true || guarded)) return undefined;
  if (typeof stride === "string") numeric.add(stride);
  const used = new Set(sites.map((x) => x.receiver));
  const rows = [...rowReceivers.values()].filter((r) => used.has(r.key));
  const arrays = [...used].filter((r) => owned.has(r));
  const claims: Record<string, { index: number; readOnly: boolean }> = {};
  for (const x of [...arrays, ...rows.map((r) => r.parent)]) {
    const o = owned.get(x);
    if (o?.claim !== undefined) claims[x] = { index: o.claim, readOnly: o.readOnly };
  }
  return {
    variable,
    stride,
    sites,
    numeric: [...numeric],
    receivers: [...used].filter((r) => !owned.has(r) && !rowReceivers.has(r)),
    arrays,
    rows,
    claims,
  };
}
