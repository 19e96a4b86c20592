import { ts } from "ts-morph";
import type { ParsedClause } from "../../spec/contract/index.js";
import type { ExecCtx } from "./context.js";
import { boundsKey } from "./exec-bounds.js";
import { boundsSites, type FunctionLike } from "./program.js";
import type { SiteKey } from "./sink.js";

/**
 * Sites found syntactically, so that a site the symbolic executor never reached (inside a
 * closure, after an unmodelled construct) still yields an obligation — unsupported, which
 * keeps its runtime check — instead of silently disappearing.
 */
export function declaredSites(ctx: ExecCtx, fn: FunctionLike, post: ReadonlyArray<{ clause: ParsedClause; id?: string }>): SiteKey[] {
  const out: SiteKey[] = boundsSites(ctx.checker, fn).map((n) => boundsKey(ctx, n));
  const body = fn.body;
  if (!body) return out;
  const returns: ts.ReturnStatement[] = [];
  const visit = (n: ts.Node): void => {
    if (ts.isFunctionLike(n)) return;
    if (ts.isReturnStatement(n)) returns.push(n);
    ts.forEachChild(n, visit);
  };
  ts.forEachChild(body, visit);
  const ends: Array<{ start: number; end: number }> = returns.map((r) => ({ start: r.getStart(ctx.sf), end: r.getEnd() }));
  if (ts.isBlock(body)) {
    // The closing brace is a return site unless the body visibly cannot fall through.
    const last = body.statements.at(-1);
    if (!last || !(ts.isReturnStatement(last) || ts.isThrowStatement(last))) ends.push({ start: body.getEnd() - 1, end: body.getEnd() - 1 });
  } else {
    ends.push({ start: body.getStart(ctx.sf), end: body.getEnd() });
  }
  for (const r of ends) {
    post.forEach(({ clause, id }, i) => {
      if (clause.kind === "informal") return;
      out.push({ kind: "postcondition", start: r.start, end: r.end, clauseIndex: i + 1, clauseCount: post.length, clause: id ?? clause.text, description: `${clause.text}${id ? ` (invariant ${id})` : ""} at return` });
    });
  }
  return out;
}
