import { ts } from "ts-morph";
import type { ModuleOutline } from "./outline.js";
import type { FunctionLike } from "./program.js";

/**
 * What an entity's extraction can depend on, as text, so the pipeline can reuse an entity's
 * obligations when none of it changed (verifier/pipeline/entity-memo.ts).
 *
 * An entity's obligations are computed from its own function, the document's contracts and the
 * checker's view of the module. The module outside entity function bodies is kept verbatim (the
 * *skeleton*). Another entity's body can influence an entity only through (a) its inferred return
 * type, (b) the checker's or the extractor's whole-module facts about module-level names it uses
 * — e.g. assignments that end a `let`'s narrowing inside closures, or a use that makes a
 * module-level array table not read-only (exec-expr.ts isReadOnlyTable) — and (c) in JavaScript,
 * `this.x = …` property declarations. So a body is left out of the skeleton (*elided*) only when
 * none of these can happen:
 *   - the module is TypeScript;
 *   - the function has an explicit return type;
 *   - no identifier in the body has the name of a module-level declaration, except as the callee
 *     of a call to an imported function (`fs.readFileSync(…)`: imports are immutable). Property
 *     names (`x.name`, `{ name: … }`) are not references. A call to another entity function
 *     keeps the body: its arguments decide whether the callee's parameters are modelled
 *     (provenance.ts: a `new Proxy(a, {})` argument makes the callee untrusted) and which
 *     `argument` obligations the caller has;
 *   - the module has no `@ts-` directive anywhere (one acts on the next line, whoever's it is).
 * Everything else stays in the skeleton, so any change to it changes every entity's key. The
 * test test/verifier/entity-memo.test.ts checks memoised extraction against fresh extraction on
 * edits made to cross each of these lines.
 */
export interface EntityKeyParts {
  /** JSON of the module text with elided bodies as `0` between text segments: unambiguous. */
  readonly skeleton: string;
  /** Per resolved entity: its function's exact text and span (the span anchors relocation). */
  readonly entities: ReadonlyMap<string, EntityFunction>;
}

export interface EntityFunction {
  readonly text: string;
  readonly start: number;
  readonly end: number;
  /** The body's span when the skeleton leaves it out: it can be replaced without changing anything outside it. */
  readonly elided?: { readonly start: number; readonly end: number } | undefined;
  /** Which of the skeleton's left-out bodies it is (0-based, in source order): names the function's place, whatever its text. */
  readonly elidedIndex?: number | undefined;
}

type Outline = Pick<ModuleOutline, "sf" | "resolved" | "javascript">;

export function entityKeyParts(m: Outline): EntityKeyParts {
  const { sf } = m;
  const names = moduleLevelNames(sf);
  // Names a body may call without depending on anything outside it: import bindings
  // (immutable). Not entity functions: a call's arguments are facts about the callee.
  const callable = importedNames(sf);
  // A `// @ts-ignore` / `@ts-expect-error` acts on the next line, whoever's it is: replacing a
  // body could then change what a directive elsewhere suppresses (or leaves unused). A module
  // with any such text is taken whole.
  const directives = /@ts-/i.test(sf.text);
  const elidedOf = new Map<FunctionLike, { start: number; end: number } | undefined>();
  for (const fn of m.resolved.values()) {
    if (elidedOf.has(fn)) continue;
    elidedOf.set(fn, !directives && fn.body !== undefined && canElide(m, fn, names, callable) ? { start: fn.body.getStart(sf), end: fn.body.getEnd() } : undefined);
  }
  const elided = [...elidedOf.values()].filter((span) => span !== undefined).sort((a, b) => a.start - b.start);
  const entities = new Map<string, EntityFunction>();
  for (const [id, fn] of m.resolved) {
    const start = fn.getStart(sf);
    const end = fn.getEnd();
    const span = elidedOf.get(fn);
    entities.set(id, { text: sf.text.slice(start, end), start, end, elided: span, elidedIndex: span === undefined ? undefined : elided.indexOf(span) });
  }
  const segments: Array<string | 0> = [];
  let last = 0;
  for (const span of elided) {
    segments.push(sf.text.slice(last, span.start), 0);
    last = span.end;
  }
  segments.push(sf.text.slice(last));
  return { skeleton: JSON.stringify(segments), entities };
}

function canElide(m: Outline, fn: FunctionLike, names: ReadonlySet<string>, callable: ReadonlySet<string>): boolean {
  if (m.javascript || fn.type === undefined || fn.body === undefined) return false;
  let ok = true;
  const visit = (n: ts.Node): void => {
    if (!ok) return;
    if (ts.isIdentifier(n) && names.has(n.text) && !isPropertyName(n) && !(callable.has(n.text) && isCalled(n))) ok = false;
    ts.forEachChild(n, visit);
  };
  visit(fn.body);
  return ok;
}

/** `f(…)`, or `ns.f(…)` for the namespace (or default) object of an import. */
function isCalled(n: ts.Identifier): boolean {
  const p = n.parent;
  if (ts.isCallExpression(p)) return p.expression === n;
  return ts.isPropertyAccessExpression(p) && p.expression === n && ts.isCallExpression(p.parent) && p.parent.expression === p;
}

function isPropertyName(n: ts.Identifier): boolean {
  const p = n.parent;
  return (ts.isPropertyAccessExpression(p) && p.name === n) || (ts.isPropertyAssignment(p) && p.name === n) || (ts.isQualifiedName(p) && p.right === n);
}

/** Local names bound by the module's import declarations. */
function importedNames(sf: ts.SourceFile): Set<string> {
  const out = new Set<string>();
  for (const st of sf.statements) {
    const clause = ts.isImportDeclaration(st) ? st.importClause : undefined;
    if (clause === undefined || clause.isTypeOnly) continue;
    if (clause.name) out.add(clause.name.text);
    const bindings = clause.namedBindings;
    if (bindings && ts.isNamespaceImport(bindings)) out.add(bindings.name.text);
    else if (bindings) for (const el of bindings.elements) if (!el.isTypeOnly) out.add(el.name.text);
  }
  return out;
}

/**
 * Every name declared outside function and class bodies, at any depth: module-level
 * declarations of any kind (values, types, imports, `var` in top-level blocks and loops), and
 * declarations in namespaces and `declare global`/`declare module` blocks. Over-approximating
 * (a block-scoped name at top level counts too) only makes fewer bodies elidable.
 */
function moduleLevelNames(sf: ts.SourceFile): Set<string> {
  const names = new Set<string>();
  const add = (name: ts.Node | undefined): void => {
    if (name === undefined) return;
    if (ts.isIdentifier(name)) names.add(name.text);
    else if (ts.isObjectBindingPattern(name) || ts.isArrayBindingPattern(name)) {
      for (const el of name.elements) if (!ts.isOmittedExpression(el)) add(el.name);
    }
  };
  const visit = (n: ts.Node): void => {
    if (ts.isFunctionLike(n) || ts.isClassLike(n)) {
      if (ts.isFunctionDeclaration(n) || ts.isClassDeclaration(n)) add(n.name);
      return;
    }
    if (
      ts.isVariableDeclaration(n) ||
      ts.isInterfaceDeclaration(n) ||
      ts.isTypeAliasDeclaration(n) ||
      ts.isEnumDeclaration(n) ||
      ts.isModuleDeclaration(n) ||
      ts.isImportEqualsDeclaration(n) ||
      ts.isImportClause(n) ||
      ts.isNamespaceImport(n) ||
      ts.isImportSpecifier(n) ||
      ts.isNamespaceExport(n)
    ) {
      add(n.name);
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return names;
}
