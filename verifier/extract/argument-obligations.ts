import type { ts } from "ts-morph";
import { positionToken, type RawObligation } from "./positions.js";
import type { ArgumentSite } from "./provenance.js";

/**
 * `argument` obligations: one per number / string / boolean argument of a call, inside this
 * entity's function, to a Function entity whose parameters are modelled (provenance.ts). The
 * callee's proofs take its parameter types as facts; for a call from module code that holds
 * only if the argument really has the type.
 *
 * Only for an argument the provenance analysis does not show to have the shape (a literal,
 * number arithmetic and a forwarded parameter of a trusted entity are shown, and need nothing).
 * No query decides it, so it is never reported proved: it is unsupported, and the runtime
 * tests `typeof` before the call in every mode (runtime/guest/checks.ts `arg`) — exactly the
 * test the host applies to an entry argument of that type (runtime/guest/arg-shapes.ts), so the
 * callee sees what an entry call would give it.
 */
export function argumentObligations(sf: ts.SourceFile, entityId: string, sites: readonly ArgumentSite[]): RawObligation[] {
  const sorted = sites.filter((s) => !s.shown).sort((a, b) => a.arg.getStart(sf) - b.arg.getStart(sf) || a.arg.getEnd() - b.arg.getEnd());
  const used = new Map<string, number>();
  return sorted.map((s) => {
    const start = s.arg.getStart(sf);
    const base = `${entityId}/argument/${positionToken(start)}`;
    const n = (used.get(base) ?? 0) + 1;
    used.set(base, n);
    const text = s.arg.getText(sf);
    const shown = text.length > 60 ? `${text.slice(0, 60)}…` : text;
    return {
      id: n === 1 ? base : `${base}#${n}`,
      entity: entityId,
      kind: "argument" as const,
      site: { start, end: s.arg.getEnd() },
      description: `argument ${s.index + 1} of the call to ${s.calleeName} at ${positionToken(s.call.getStart(sf))} is a ${s.shape}: typeof (${shown}) === "${s.shape}"`,
      smt: null,
      argumentShape: s.shape,
      unsupportedReason: `the module's code does not show that '${shown}' is a ${s.shape} (module code may pass objects with valueOf, undefined or cast values); checked with typeof before the call, in every mode`,
    };
  });
}
