import type { ts } from "ts-morph";
import { where, type ExecCtx, type FacadeFunction } from "./context.js";
import { escape, evalExpr, freshOfKind, newArray } from "./exec-expr.js";
import type { SiteKey } from "./sink.js";
import type { State } from "./state.js";
import { contains, equalsLiteral, prefixOf, suffixOf } from "./strings.js";
import { and, FALSE, freshConst, intLit, not, or, type Term } from "./terms.js";
import type { Val } from "./values.js";

/**
 * Capability obligations (docs/capabilities.md): a path handed to a filesystem facade
 * function starts with a declared mount followed by "/" (or equals it) and has no ".."
 * segment; writes need ReadWrite; any use needs a filesystem grant; network use needs
 * network: true.
 */
const WRITES: ReadonlySet<string> = new Set(["writeFileSync", "appendFileSync", "mkdirSync", "rmSync", "writeFile", "appendFile", "mkdir", "rm"]);
const KNOWN: ReadonlySet<string> = new Set(["readFileSync", "existsSync", "readdirSync", "statSync", "readFile", "readdir", "stat", ...WRITES]);

export function capabilityCall(ctx: ExecCtx, node: ts.CallExpression, fn: FacadeFunction, st: State): Val {
  const vals = node.arguments.map((a) => evalExpr(ctx, a, st));
  for (const v of vals.slice(1)) escape(v, st);
  const site: SiteKey = {
    kind: "capability",
    start: node.getStart(ctx.sf),
    end: node.getEnd(),
    description: `${fn}: path under a declared mount with no '..' segment, ${WRITES.has(fn) ? "filesystem: ReadWrite" : "filesystem granted"} at ${where(ctx, node)}`,
  };
  if (!KNOWN.has(fn)) {
    // Not a facade function: the runtime refuses it at load time; nothing to prove here.
    ctx.sink.add({ ...site, description: `'${fn}' is not part of the filesystem facade` }, st.pc, FALSE);
    return { k: "opaque", why: `${fn} result` };
  }
  let goal: Term | undefined;
  if (ctx.caps.filesystem === "None") goal = FALSE;
  else if (WRITES.has(fn) && ctx.caps.filesystem !== "ReadWrite") goal = FALSE;
  else {
    const path = vals[0];
    if (path?.k === "str") goal = pathAllowed(path.t, ctx.caps.mounts.map((m) => m.mount));
  }
  if (goal === undefined) {
    ctx.sink.unsupported(site, `the path argument is ${vals[0]?.k === "opaque" ? vals[0].why : "not a string"}`);
  } else {
    ctx.sink.add(site, st.pc, st.guarded(goal));
    for (const e of st.exactAt) ctx.sink.add(site, e.pc, e.cond);
    // The facade throws when the path is not allowed, so execution continues only when it is.
    st.assume(goal);
  }
  if (fn === "existsSync") return { k: "bool", t: freshConst("Bool", "existsSync result") };
  if (fn === "readFileSync" && vals[1]?.k === "str") return freshOfKind(st, { k: "str", t: intLit(0) }, "file contents");
  if (fn === "readdirSync") {
    // A fresh array of names (the facade returns a new array of strings).
    const names = newArray(ctx, st, "Array", undefined, ctx.checker.getStringType(), `readdirSync result at ${where(ctx, node)}`);
    return names.k === "arr" ? { ...names, elem: { k: "str" } } : names;
  }
  return { k: "opaque", why: `${fn} result` };
}

export function pathAllowed(path: Term, mounts: readonly string[]): Term {
  const under = or(...mounts.map((m) => or(equalsLiteral(path, m), prefixOf(`${m}/`, path))));
  const noDotDot = and(not(contains(path, "/../")), not(suffixOf("/..", path)));
  return and(under, noDotDot);
}

export function networkUse(ctx: ExecCtx, node: ts.Node, st: State): void {
  if (ctx.caps.network) return;
  const site: SiteKey = { kind: "capability", start: node.getStart(ctx.sf), end: node.getEnd(), description: `network use with network: false at ${where(ctx, node)}` };
  ctx.sink.add(site, st.pc, FALSE);
}
