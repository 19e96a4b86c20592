/**
 * Integer-indexed array loops (pure analysis; the visitor emits the code): any loop — `for`,
 * `while`, `do` — whose array sites `x[I]` have an index built only from integer literals and
 * *integer variables* is emitted twice,
 *
 *   if (P_x && … && typeof v === "number" && (v | 0) === v && …) LOOP_int else LOOP
 *
 * where P_x is the temp `C.pa(x)` set before the loop (planArrayKinds in instrument-hoist.ts:
 * x is an array that is not a proxy), v ranges over the integer variables declared before the
 * loop, and LOOP_int is the loop with each such site's guard reduced to
 *
 *   (j = I) >= 0 && j < (n = x.length) ? j : C.b(x, j, k)
 *
 * (LOOP: every guard as before). The condition is evaluated once, at loop entry.
 *
 * Integer variables. A local of the function (exactly one of its declarations in the function
 * has a scope that reaches into the loop: a simple parameter, `var`, `let` or `const`) is an
 * integer variable of the loop when it is not
 * assigned in any nested function, and every way the loop can give it a value is an *integer
 * expression* (IE): a declaration inside the loop is a `let`/`const` whose initializer is an IE;
 * an assignment in the loop (head included) is `v = IE`, `v += IE`, `v -= IE`, `v *= IE`,
 * `v >>>= anything`, `v++`, `v--`, `++v`, `--v`; a variable declared before the loop must be
 * initialised whenever the loop starts (no temporal dead zone) and is tested at entry. IE: an
 * integer numeric literal, an integer variable, `-IE`, `+IE`, `IE + IE`, `IE - IE`, `IE * IE`,
 * or `anything >>> anything` (a number in [0, 2^32 − 1], or a throw). Anything else
 * (destructuring, for-in/of targets, catch bindings, `/`, `%`, `|`: `|` of BigInts is a BigInt)
 * disqualifies the variable (a greatest fixpoint: a variable whose IE uses a disqualified one is
 * disqualified too).
 *
 * Why LOOP_int is exact. Every value an integer variable takes, and every IE, is a Number that
 * is integer-valued or not finite — never a finite fraction, never another type: true at entry
 * (the int32 test), preserved by every assignment (sums, differences and products of
 * integer-valued doubles are integer-valued or overflow to ±Infinity/NaN; `>>>` gives a uint32),
 * and nothing else can assign them (no nested function does, the function has no direct eval,
 * module code is strict). x is the same genuine array in every iteration (not assigned in the
 * loop or in any nested function, initialised before it; a non-proxy array stays one): reading
 * its length runs no code. For such a j and x, the reduced guard takes `j` exactly when j is an
 * integer in [0, length) — when the full guard would pass too (its fast path below 2^31, `C.b`
 * above) — and otherwise calls `C.b(x, j, k)`, which is what the full guard calls then (a
 * negative or non-finite j, or j ≥ length with x a genuine array). Same checks, same order, same
 * reports, no other effect. Accessor elements, prototype getters and body code that shrinks or
 * grows x change nothing here: every access still compares with the length at that moment.
 */
import { ts } from "ts-morph";
import { enclosingFunction, factsOf, identifiersIn, initialisedBefore, isAssignmentOperator, isFunctionLike, posKey, scopeOf, strip } from "./instrument-hoist.js";

/** One way the loop gives a local a value ("other": a form that is never an integer expression). */
export interface Assignment {
  readonly name: string;
  readonly how: "step" | "ushr" | "assign" | "declare" | "other";
  readonly op?: ts.SyntaxKind;
  readonly rhs?: ts.Expression | undefined;
  readonly blockScoped?: boolean;
}

/** Every assignment and declaration inside `loop` (its head included; nested functions and classes excluded: their assignments are FunctionFacts.nestedAssigned). */
export function assignmentsIn(loop: ts.Node): Assignment[] {
  const out: Assignment[] = [];
  const others = (n: ts.Node) => {
    const names = new Set<string>();
    identifiersIn(n, names);
    names.forEach((name) => out.push({ name, how: "other" }));
  };
  const walk = (n: ts.Node): void => {
    if (isFunctionLike(n) || ts.isClassLike(n)) {
      if ((ts.isFunctionDeclaration(n) || ts.isClassDeclaration(n) || ts.isClassExpression(n) || ts.isFunctionExpression(n)) && n.name) out.push({ name: n.name.text, how: "other" });
      return;
    }
    if (ts.isBinaryExpression(n) && isAssignmentOperator(n.operatorToken.kind)) {
      const left = strip(n.left);
      const op = n.operatorToken.kind;
      if (ts.isIdentifier(left)) out.push(op === ts.SyntaxKind.GreaterThanGreaterThanGreaterThanEqualsToken ? { name: left.text, how: "ushr" } : { name: left.text, how: "assign", op, rhs: n.right });
      else if (ts.isObjectLiteralExpression(left) || ts.isArrayLiteralExpression(left)) others(left);
    }
    if ((ts.isPrefixUnaryExpression(n) || ts.isPostfixUnaryExpression(n)) && (n.operator === ts.SyntaxKind.PlusPlusToken || n.operator === ts.SyntaxKind.MinusMinusToken)) {
      const operand = strip(n.operand);
      if (ts.isIdentifier(operand)) out.push({ name: operand.text, how: "step" });
      else others(operand);
    }
    if ((ts.isForInStatement(n) || ts.isForOfStatement(n)) && !ts.isVariableDeclarationList(n.initializer)) others(n.initializer);
    if (ts.isVariableDeclaration(n)) {
      if (!ts.isIdentifier(n.name)) others(n.name);
      else {
        const list = n.parent;
        // let or const (AwaitUsing shares Const's bit: compare the whole declaration kind)
        const kind = ts.isVariableDeclarationList(list) ? list.flags & (ts.NodeFlags.Let | ts.NodeFlags.Const | ts.NodeFlags.Using) : 0;
        const blockScoped = kind === ts.NodeFlags.Let || kind === ts.NodeFlags.Const;
        // for-in/of heads declare without an initializer: never an integer expression
        out.push({ name: n.name.text, how: "declare", rhs: n.initializer, blockScoped });
      }
    }
    if (ts.isCatchClause(n) && n.variableDeclaration) others(n.variableDeclaration);
    ts.forEachChild(n, walk);
  };
  walk(loop);
  return out;
}

export interface IntegerLoopInput {
  readonly loop: ts.IterationStatement;
  readonly sf: ts.SourceFile;
  /** Receivers whose `C.pa` temp is set before this loop (planArrayKinds), by name. */
  readonly knownReceivers: ReadonlySet<string>;
  /** Site keys planArrayKinds gave to this loop (array sites of those receivers). */
  readonly arraySites: ReadonlySet<string>;
}

export interface IntegerLoopPlan {
  /** Site keys whose guard is reduced in the integer copy, with their receiver. */
  readonly sites: ReadonlyMap<string, string>;
  /** Integer variables declared before the loop (tested at entry). */
  readonly entryTests: readonly string[];
  readonly receivers: readonly string[];
}

const ASSIGN_IE = new Set([ts.SyntaxKind.EqualsToken, ts.SyntaxKind.PlusEqualsToken, ts.SyntaxKind.MinusEqualsToken, ts.SyntaxKind.AsteriskEqualsToken]);

/** The integer variables, and whether a reference is to the declaration they were found at (not a same-named binding outside its block). */
interface Ints {
  readonly names: ReadonlySet<string>;
  readonly refersToDecl: (id: ts.Identifier) => boolean;
}

/** Whether `e` is an integer expression over `ints`; the integer variables it reads are added to `used`. */
export function isIntegerExpression(e0: ts.Expression, ints: Ints, used?: Set<string>): boolean {
  const e = strip(e0);
  if (ts.isNumericLiteral(e)) return Number.isInteger(Number(e.text));
  if (ts.isIdentifier(e)) {
    if (!ints.names.has(e.text) || !ints.refersToDecl(e)) return false;
    used?.add(e.text);
    return true;
  }
  if (ts.isPrefixUnaryExpression(e) && (e.operator === ts.SyntaxKind.MinusToken || e.operator === ts.SyntaxKind.PlusToken)) return isIntegerExpression(e.operand, ints, used);
  if (ts.isBinaryExpression(e)) {
    const op = e.operatorToken.kind;
    if (op === ts.SyntaxKind.GreaterThanGreaterThanGreaterThanToken) return true;
    if (op === ts.SyntaxKind.PlusToken || op === ts.SyntaxKind.MinusToken || op === ts.SyntaxKind.AsteriskToken) return isIntegerExpression(e.left, ints, used) && isIntegerExpression(e.right, ints, used);
  }
  return false;
}

function assignmentKeeps(a: Assignment, ints: Ints): boolean {
  switch (a.how) {
    case "step":
      return true;
    case "ushr":
      return true;
    case "assign":
      return a.rhs !== undefined && ASSIGN_IE.has(a.op!) && isIntegerExpression(a.rhs, ints);
    case "declare":
      return a.blockScoped === true && a.rhs !== undefined && isIntegerExpression(a.rhs, ints);
    default:
      return false;
  }
}

export function planIntegerLoop(input: IntegerLoopInput): IntegerLoopPlan | undefined {
  const { loop, sf } = input;
  if (!ts.isExternalModule(sf) || ts.isLabeledStatement(loop.parent) || input.knownReceivers.size === 0) return undefined;
  const fn = enclosingFunction(loop);
  if (fn === undefined) return undefined;
  const facts = factsOf(fn);
  if (facts.eval) return undefined;
  const assignments = assignmentsIn(loop);
  const byName = new Map<string, Assignment[]>();
  for (const a of assignments) byName.set(a.name, [...(byName.get(a.name) ?? []), a]);
  const inLoop = (n: ts.Node) => loop.pos <= n.pos && n.end <= loop.end;
  // Candidates: one declaration of the function whose scope reaches into the loop (so every
  // reference in the loop is to it; a `for (let i …)` earlier in the function is another
  // scope), never assigned by a nested function.
  const ints = new Set<string>();
  const declOf = new Map<string, ts.Node>();
  for (const [name, decls] of facts.decls) {
    if (facts.nestedAssigned.has(name)) continue;
    const relevant = decls.filter((x) => {
      const scope = scopeOf(x, fn);
      return scope === undefined || (scope.pos < loop.end && loop.pos < scope.end);
    });
    if (relevant.length !== 1) continue;
    const d = relevant[0]!;
    declOf.set(name, d);
    if (inLoop(d)) {
      if (!ts.isVariableDeclaration(d)) continue; // a destructuring pattern, a catch binding, a function or class
    } else if (!initialisedBefore(name, loop, fn, facts)) continue;
    ints.add(name);
  }
  // A reference in the loop to a name declared in the loop is to that declaration only inside
  // its block (`{ let k = 1; } x[k]` reads another k, perhaps a module variable); declarations
  // before the loop are initialised before it, so their scope holds the whole loop.
  const refersToDecl = (id: ts.Identifier): boolean => {
    const d = declOf.get(id.text);
    if (d === undefined || !inLoop(d)) return true;
    const scope = scopeOf(d, fn);
    return scope !== undefined && scope.pos <= id.pos && id.end <= scope.end;
  };
  const intVars: Ints = { names: ints, refersToDecl };
  for (let changed = true; changed; ) {
    changed = false;
    for (const name of [...ints]) {
      if ((byName.get(name) ?? []).every((a) => assignmentKeeps(a, intVars))) continue;
      ints.delete(name);
      changed = true;
    }
  }
  const sites = new Map<string, string>();
  const used = new Set<string>();
  const walk = (n: ts.Node): void => {
    if (isFunctionLike(n) || ts.isClassLike(n)) return;
    if (ts.isElementAccessExpression(n) && input.arraySites.has(posKey(n))) {
      const receiver = strip(n.expression);
      const local = new Set<string>();
      if (ts.isIdentifier(receiver) && input.knownReceivers.has(receiver.text) && isIntegerExpression(n.argumentExpression, intVars, local)) {
        sites.set(posKey(n), receiver.text);
        local.forEach((x) => used.add(x));
      }
    }
    ts.forEachChild(n, walk);
  };
  ts.forEachChild(loop, walk);
  if (sites.size === 0) return undefined;
  // The entry tests: every integer variable declared before the loop that a site's index, or
  // the integer expression assigned to an integer variable it depends on, reads.
  const needed = new Set<string>();
  const visit = (name: string): void => {
    if (needed.has(name)) return;
    needed.add(name);
    for (const a of byName.get(name) ?? []) if (a.rhs !== undefined && (a.how === "assign" || a.how === "declare")) {
      const more = new Set<string>();
      isIntegerExpression(a.rhs, intVars, more);
      more.forEach(visit);
    }
  };
  used.forEach(visit);
  const entryTests = [...needed].filter((name) => !inLoop(declOf.get(name)!));
  return { sites, entryTests, receivers: [...new Set(sites.values())] };
}

/** An index whose second evaluation gives the same value without running code, given the first passed: a binding, an integer literal, or + − × of them over integer variables (the integer copy only: the visitor checks). */
function sameIndex(e0: ts.Expression): boolean {
  const e = strip(e0);
  if (ts.isIdentifier(e) || (ts.isNumericLiteral(e) && Number.isInteger(Number(e.text)))) return true;
  return ts.isBinaryExpression(e) && [ts.SyntaxKind.PlusToken, ts.SyntaxKind.MinusToken, ts.SyntaxKind.AsteriskToken].includes(e.operatorToken.kind) && sameIndex(e.left) && sameIndex(e.right);
}

/** The element access evaluated first when `e` is evaluated (its receiver and index come before anything else), if any. */
function firstAccess(e0: ts.Expression): ts.ElementAccessExpression | undefined {
  const e = strip(e0);
  if (ts.isElementAccessExpression(e)) return e;
  if (ts.isBinaryExpression(e) && !isAssignmentOperator(e.operatorToken.kind)) return firstAccess(e.left);
  if (ts.isConditionalExpression(e)) return firstAccess(e.condition);
  if (ts.isPrefixUnaryExpression(e) && [ts.SyntaxKind.MinusToken, ts.SyntaxKind.PlusToken, ts.SyntaxKind.ExclamationToken, ts.SyntaxKind.TildeToken].includes(e.operator)) return firstAccess(e.operand);
  if (ts.isTypeOfExpression(e) || ts.isVoidExpression(e)) return firstAccess(e.expression);
  return undefined;
}

const normalised = (e: ts.Expression, sf: ts.SourceFile) => strip(e).getText(sf).replace(/\s+/g, "");

/**
 * `x[I] = R` where the first thing R evaluates is `x[I]` again (`a[i] = a[i] + v`): in
 * evaluation order the left-hand site's check (the key is evaluated, with its guard, before R),
 * then the receiver and index again, then the right-hand site's check — nothing else runs in
 * between. When the first guard provably ran no code (the visitor's witness: a genuine
 * non-proxy array, and an index that is a binding or integer arithmetic on integer variables),
 * the second would repeat the same computation on the same values and state: it passes exactly
 * when the first did (if the first failed, the second is never reached). So the second check is
 * dropped; ids, locations and messages of every failure stay those of the first site.
 *
 * Not merged: the same access after another element read, a comparison or a call in between
 * (`if (a[j] > a[j + 1]) { t = a[j]; … }`): reading an element of a genuine array can run an
 * accessor installed with Object.defineProperty (or a getter on a replaced prototype, for a
 * hole), and a comparison can run valueOf — either can shrink the array between the two checks.
 */
export function mergeSites(assignment: ts.BinaryExpression, sf: ts.SourceFile): { dominator: ts.ElementAccessExpression; dominated: ts.ElementAccessExpression } | undefined {
  const left = strip(assignment.left);
  if (!ts.isElementAccessExpression(left) || ts.isElementAccessChain(left) || !ts.isIdentifier(strip(left.expression)) || !sameIndex(left.argumentExpression)) return undefined;
  const right = firstAccess(assignment.right);
  if (right === undefined || ts.isElementAccessChain(right) || !ts.isIdentifier(strip(right.expression))) return undefined;
  if (normalised(left.expression, sf) !== normalised(right.expression, sf) || normalised(left.argumentExpression, sf) !== normalised(right.argumentExpression, sf)) return undefined;
  return { dominator: left, dominated: right };
}
