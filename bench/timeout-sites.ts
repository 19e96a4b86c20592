/**
 * Lists the solver time-outs of the reach corpus (issue 12): every obligation whose verdict is a
 * solver time-out, per variant, with its description; with --dump, each one's SMT text is written
 * to <dump>/<variant>-<file>-<n>.smt2 for reading or replaying.
 *
 *   npm run build && node dist/bench/timeout-sites.js [--variant plain|pre|both] [--only name,name]
 *       [--timeout 10000] [--jobs 2] [--dump /tmp/timeouts]
 */
import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { parseArgs } from "node:util";
import { projectRoot } from "../support/compiled-path.js";
import { verifyDocuments } from "../verifier/index.js";

const { values } = parseArgs({
  options: {
    variant: { type: "string", default: "both" },
    only: { type: "string" },
    timeout: { type: "string", default: "10000" },
    jobs: { type: "string", default: "2" },
    dump: { type: "string" },
    all: { type: "boolean", default: false },
  },
});

const corpus = join(projectRoot(), "bench", "corpus");
const variants = values.variant === "both" ? ["plain", "pre"] : [values.variant!];
const only = values.only === undefined ? undefined : new Set(values.only.split(","));
if (values.dump) mkdirSync(values.dump, { recursive: true });

for (const variant of variants) {
  const dir = join(corpus, variant);
  const files = readdirSync(dir)
    .filter((f) => f.endsWith(".anrf.json") && (only === undefined || only.has(basename(f, ".anrf.json"))))
    .sort()
    .map((f) => join(dir, f));
  const report = await verifyDocuments(files, { cwd: dir, timeoutMs: Number(values.timeout), rlimit: 0, jobs: Number(values.jobs) });
  let count = 0;
  let bounds = 0;
  for (const d of report.documents) {
    const name = basename(d.file, ".anrf.json");
    d.obligations.forEach((o, i) => {
      const timeout = o.status === "unknown" && /timeout/i.test(o.reason);
      if (!timeout && !values.all) return;
      if (timeout) {
        count++;
        if (o.kind === "bounds") bounds++;
      }
      console.log(`${variant}\t${name}\t${o.kind}\t${o.status}\t${o.id}\t${o.description}${values.all ? `\t${o.reason}` : ""}`);
      if (timeout && values.dump && o.smt) writeFileSync(join(values.dump, `${variant}-${name}-${i}.smt2`), o.smt);
    });
  }
  console.log(`# ${variant}: ${count} time-outs (${bounds} of bounds obligations) in ${report.documents.length} documents`);
}
