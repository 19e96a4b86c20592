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
  for (const r of returns) {
    post.forEach(({ clause, id }, i) => {
      if (clause.kind === "informal") return;
      out.push({ kind: "postcondition", start: r.getStart(ctx.sf), end: r.getEnd(), clauseIndex: i + 1, clauseCount: post.length, clause: id ?? clause.text, description: `${clause.text}${id ? ` (invariant ${id})` : ""} at return` });
    });
  }
  return out;
}
