/**
 * Writes the reach corpus's ANRF documents from bench/corpus/src/*.ts and bench/corpus/corpus.json:
 * per function two documents, `plain/<name>.anrf.json` (no contract) and `pre/<name>.anrf.json`
 * (the natural preconditions listed in corpus.json; no contract when there are none). The code is
 * inlined, so each document stands alone. Idempotent: re-running changes nothing unless a source
 * or the manifest changed (bench/reach-bench.ts refuses to run on documents out of sync).
 *
 *   npm run build && node dist/bench/corpus-docs.js [--check]
 */
import { mkdirSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { projectRoot } from "../support/compiled-path.js";

export interface CorpusFunction {
  readonly name: string;
  readonly kind: string;
  readonly preconditions: readonly string[];
}

export const VARIANTS = ["plain", "pre"] as const;
export type Variant = (typeof VARIANTS)[number];

const root = projectRoot();
export const corpusDir = join(root, "bench", "corpus");

export function corpusManifest(): CorpusFunction[] {
  return (JSON.parse(readFileSync(join(corpusDir, "corpus.json"), "utf8")) as { functions: CorpusFunction[] }).functions;
}

/** The exported entity function of a corpus module: `export function f(…): R` or `export default function f(…): R`. */
export function entitySignature(code: string): { name: string; parameters: string[]; returns: string } {
  const m = /^export (?:default )?function (\w+)(?:<[^>]*>)?\(/m.exec(code);
  if (!m) throw new Error("no exported function");
  let depth = 0;
  let i = m.index + m[0].length;
  let current = "";
  const parameters: string[] = [];
  for (; i < code.length; i++) {
    const ch = code[i]!;
    if (depth === 0 && ch === ")") break;
    if ("([{<".includes(ch)) depth++;
    if (")]}>".includes(ch)) depth--;
    if (depth === 0 && ch === ",") {
      parameters.push(current.trim());
      current = "";
    } else current += ch;
  }
  if (current.trim() !== "") parameters.push(current.trim());
  const rest = code.slice(i + 1);
  const ret = /^\s*:\s*([^{]+?)\s*\{/.exec(rest);
  return { name: m[1]!, parameters, returns: ret ? ret[1]! : "void" };
}

export function corpusDocument(f: CorpusFunction, variant: Variant, code: string): unknown {
  const template = JSON.parse(readFileSync(join(root, "examples", "binary-search.anrf.json"), "utf8")) as Record<string, any>;
  const sig = entitySignature(code);
  const id = `ENT-${f.name.toUpperCase().replace(/[^A-Z0-9]+/g, "-")}`;
  template["creator_id"] = "reach-corpus";
  template["security"]["audit_trail"] = [{ event_type: "Creation", timestamp: "2026-12-03T18:00:00Z", actor_id: "reach-corpus", description: `Reach corpus (${f.kind}), ${variant} variant` }];
  template["intent"]["description"] = `${sig.name} (${f.kind}) from the reach corpus`;
  template["intent"]["requirements"] = [{ id: "REQ-001", description: "Never read or write outside an array", type: "Security", priority: "Critical", verification_approach: "Verified by anrf verify" }];
  template["intent"]["constraints"] = [];
  template["semantics"]["entities"] = [
    {
      id,
      name: sig.name,
      type: "Function",
      properties: { parameters: sig.parameters, returns: sig.returns },
      security_properties: {
        memory_safe: true,
        type_safe: true,
        resource_bounded: true,
        formal_guarantees: [{ property_type: "MemorySafety", property_description: "every element access is in bounds", verification_approach: "z3 proof; runtime check where unproved" }],
      },
    },
  ];
  template["semantics"]["invariants"] = [];
  template["semantics"]["security_contracts"] =
    variant === "pre" && f.preconditions.length > 0
      ? [{ id: "SC-001", description: `natural preconditions of ${sig.name}`, preconditions: [...f.preconditions], postconditions: [], invariants: [], applies_to: [id] }]
      : [];
  template["execution"]["code"] = code;
  template["execution"]["resource_requirements"]["time_complexity"] = "O(n^2)";
  template["execution"]["resource_requirements"]["space_complexity"] = "O(n)";
  return template;
}

export function documentPath(f: CorpusFunction, variant: Variant): string {
  return join(corpusDir, variant, `${f.name}.anrf.json`);
}

/** Every document's expected text; `check` reports the ones that differ instead of writing. */
export function writeCorpus(check: boolean): string[] {
  const stale: string[] = [];
  for (const variant of VARIANTS) mkdirSync(join(corpusDir, variant), { recursive: true });
  for (const f of corpusManifest()) {
    const code = readFileSync(join(corpusDir, "src", `${f.name}.ts`), "utf8");
    for (const variant of VARIANTS) {
      const path = documentPath(f, variant);
      const text = `${JSON.stringify(corpusDocument(f, variant, code), null, 2)}\n`;
      if (existsSync(path) && readFileSync(path, "utf8") === text) continue;
      stale.push(path);
      if (!check) writeFileSync(path, text);
    }
  }
  return stale;
}

if (process.argv[1]?.endsWith("corpus-docs.js")) {
  const check = process.argv.includes("--check");
  const stale = writeCorpus(check);
  if (check && stale.length > 0) {
    process.stderr.write(`corpus documents out of sync with bench/corpus/src (run node dist/bench/corpus-docs.js):\n${stale.join("\n")}\n`);
    process.exitCode = 1;
  } else process.stderr.write(`${check ? "checked" : "wrote"} ${stale.length} document(s)\n`);
}
