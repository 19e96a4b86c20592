/**
 * Runs every benchmark one after the other (each in its own process, so one's z3 heap or
 * worker pool cannot skew the next), then assembles bench/RESULTS.md from bench/results/*.md.
 *
 *   npm run bench            # = npm run build && node dist/bench/run-all.js
 *   node dist/bench/run-all.js --only verifier,cache
 */
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { projectRoot } from "../support/compiled-path.js";

const benches = ["verifier", "cache", "runtime", "soundness", "containment", "policy", "approvals", "reach", "checks"] as const;

const root = projectRoot();
const onlyIndex = process.argv.indexOf("--only");
const only = onlyIndex === -1 ? benches : (process.argv[onlyIndex + 1] ?? "").split(",");

for (const name of benches) {
  if (!only.includes(name)) continue;
  process.stderr.write(`bench: ${name}\n`);
  const result = spawnSync(process.execPath, [join(root, "dist", "bench", name === "soundness" ? "soundness-harness.js" : `${name}-bench.js`)], { cwd: root, stdio: "inherit" });
  if (result.status !== 0) {
    process.stderr.write(`bench: ${name} failed (exit ${result.status ?? result.signal})\n`);
    process.exitCode = 1;
  }
}

// Results written by a bench that run-all does not start (npm run bench:solver-pool) come last.
const sections = [...benches, "dxcli"]
  .map((name) => join(root, "bench", "results", `${name}.md`))
  .filter((file) => existsSync(file))
  .map((file) => readFileSync(file, "utf8").trim().replace(/^(#+) /gm, "#$1 "));

const header = `# Benchmark results

Every figure below is a side-by-side ratio measured in one run on the machine named in its
section. Reproduce all of them with \`npm run bench\` (builds, runs each benchmark in its own
process, rewrites bench/results/*.md and this file), or one with the command in its section.
Tests never assert wall-clock time; these numbers live here only.
`;
writeFileSync(join(root, "bench", "RESULTS.md"), `${header}\n${sections.join("\n\n")}\n`);
process.stderr.write("bench: wrote bench/RESULTS.md\n");
