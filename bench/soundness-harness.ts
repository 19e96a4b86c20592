/**
 * Long run of the differential soundness harness (issue 9): generated programs × generated
 * inputs, each program verified for real and every entity run in production and development
 * mode; records programs × inputs tried, proved sites exercised, time and disagreements in
 * bench/results/soundness.md. Exit code 1 on any disagreement.
 *
 *   npm run build && node dist/bench/soundness-harness.js --programs 60 --inputs 10 --seed 1
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { projectRoot } from "../support/compiled-path.js";
import { runHarness } from "./soundness/differential.js";

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i === -1 ? undefined : Number(process.argv[i + 1]);
  return v !== undefined && Number.isFinite(v) ? v : fallback;
}

const programs = flag("programs", 60);
const inputs = flag("inputs", 10);
const seed = flag("seed", 1);
const loadAtStart = loadavg()[0]?.toFixed(2);
const started = performance.now();
const cpuStart = process.cpuUsage();
const report = await runHarness({
  programs,
  inputsPerEntity: inputs,
  seed,
  onProgram: (i, r) => process.stderr.write(`soundness: ${i}/${programs} programs, ${r.runs} runs, ${r.disagreements.length} disagreements\n`),
});
const wallS = (performance.now() - started) / 1000;
const cpu = process.cpuUsage(cpuStart);
const machine = `${cpus()[0]?.model ?? "unknown CPU"}, nproc ${execFileSync("nproc", { encoding: "utf8" }).trim()}, node ${process.version}, load average at start ${loadAtStart}`;
const section = [
  `## Long run of ${new Date().toISOString().slice(0, 10)}`,
  "",
  `Command: \`npm run build && node dist/bench/soundness-harness.js --programs ${programs} --inputs ${inputs} --seed ${seed}\``,
  "",
  `Machine: ${machine}. Date: ${new Date().toISOString()}.`,
  "",
  "| programs | entity runs (each in both modes) | obligations | proved sites exercised | disagreements | wall s | CPU s (this process, incl. worker threads) |",
  "|---|---|---|---|---|---|---|",
  `| ${report.programs} | ${report.runs} | ${report.obligations} | ${report.provedSites} | **${report.disagreements.length}** | ${wallS.toFixed(1)} | ${((cpu.user + cpu.system) / 1e6).toFixed(1)} |`,
  "",
  ...(report.disagreements.length === 0
    ? ["No disagreement."]
    : ["### Disagreements", "", ...report.disagreements.slice(0, 20).flatMap((d) => [`- ${d.entry}(${d.args}): ${d.why}`, "", "```ts", d.code, "```", ""])]),
  "",
  "",
].join("\n");
// The results file keeps its history: the new run goes first, above the earlier runs.
const file = join(projectRoot(), "bench", "results", "soundness.md");
const previous = existsSync(file) ? readFileSync(file, "utf8") : "# Differential soundness harness\n\n";
const at = previous.indexOf("\n## ");
writeFileSync(file, at === -1 ? `${previous.trimEnd()}\n\n${section}` : `${previous.slice(0, at + 1)}${section}${previous.slice(at + 1)}`);
process.stderr.write(`soundness: ${report.runs} runs, ${report.disagreements.length} disagreements, ${wallS.toFixed(1)} s — wrote bench/results/soundness.md\n`);
if (report.disagreements.length > 0) process.exitCode = 1;
