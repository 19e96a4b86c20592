/** What the cache benchmark reads from an `anrf verify --format json` report. */
export interface RunFacts {
  readonly queries: number;
  readonly cacheHits: number;
  readonly solved: number;
  readonly solverInits: number;
  readonly extraction: Record<string, number>;
  readonly statuses: Record<string, number>;
}

export function factsOf(report: any): RunFacts {
  const statuses: Record<string, number> = {};
  for (const d of report.documents) for (const o of d.obligations) statuses[o.status] = (statuses[o.status] ?? 0) + 1;
  const run = report.run;
  return { queries: run.queries, cacheHits: run.cacheHits, solved: run.solved, solverInits: run.solverInitMs.length, extraction: run.extraction, statuses };
}
