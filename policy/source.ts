/**
 * A policy file as text (pure): its digest, the position of each policy (Cedar names the
 * policies of a text set policy0, policy1, … in order), their `@id` and the anrf settings
 * carried as annotations. A small lexer (strings, `//` comments) finds where each policy starts;
 * Cedar itself parses and validates the policies (cedar.ts).
 */
import { createHash } from "node:crypto";

export type Level = "enforce" | "warn" | "audit";
export const RULE_SETS = ["capabilities", "limits", "mounts", "overrides", "verification"] as const;
export type RuleSet = (typeof RULE_SETS)[number];

export interface PolicyPosition {
  /** Cedar's id for it in a text policy set: policy0, policy1, … */
  readonly cedarId: string;
  /** The `@id("…")` annotation, else the Cedar id. */
  readonly id: string;
  readonly offset: number;
  readonly line: number;
  readonly column: number;
  readonly annotations: Readonly<Record<string, string>>;
}

export interface PolicySettings {
  readonly levels: Readonly<Record<RuleSet, Level>>;
  readonly onViolation?: "terminate" | "degrade" | undefined;
  /** ReadWrite quota (bytes written, files created per run). */
  readonly quotaBytes: number;
  readonly quotaFiles: number;
}

export interface SettingsProblem {
  readonly message: string;
  readonly line: number;
  readonly column: number;
}

export interface PolicySource {
  /** The file name shown in findings (or "<built-in default policy>"). */
  readonly name: string;
  readonly text: string;
  /** sha256 of the text (hex). */
  readonly digest: string;
  readonly policies: readonly PolicyPosition[];
  readonly settings: PolicySettings;
  readonly settingsProblems: readonly SettingsProblem[];
}

/** Small by default: a ReadWrite run may write 1 MiB in at most 64 new files unless the policy says otherwise. */
export const DEFAULT_QUOTA_BYTES = 1024 * 1024;
export const DEFAULT_QUOTA_FILES = 64;

export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text[i] === "\n") {
      line++;
      start = i + 1;
    }
  }
  return { line, column: offset - start + 1 };
}

/** Start offsets of the policies (first significant character after the previous `;`). */
function policyStarts(text: string): number[] {
  const starts: number[] = [];
  let inPolicy = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === "/" && text[i + 1] === "/") {
      while (i < text.length && text[i] !== "\n") i++;
      continue;
    }
    if (/\s/.test(ch)) continue;
    if (!inPolicy) {
      starts.push(i);
      inPolicy = true;
    }
    if (ch === '"') {
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === "\\") i++;
      continue;
    }
    if (ch === ";") inPolicy = false;
  }
  return starts;
}

const ANNOTATION = /^@([A-Za-z_][A-Za-z0-9_]*)\s*(?:\(\s*"((?:[^"\\]|\\.)*)"\s*\))?/;

function annotationsAt(text: string, offset: number): Record<string, string> {
  const out: Record<string, string> = {};
  let rest = text.slice(offset);
  for (;;) {
    rest = rest.replace(/^(?:\s|\/\/[^\n]*)+/, "");
    const m = ANNOTATION.exec(rest);
    if (m === null) return out;
    out[m[1]!] = unescape(m[2] ?? "");
    rest = rest.slice(m[0].length);
  }
}

function unescape(s: string): string {
  try {
    return JSON.parse(`"${s}"`) as string;
  } catch {
    return s;
  }
}

const LEVELS: readonly string[] = ["enforce", "warn", "audit"];

export function readPolicySource(name: string, text: string): PolicySource {
  const policies = policyStarts(text).map((offset, i): PolicyPosition => {
    const annotations = annotationsAt(text, offset);
    return { cedarId: `policy${i}`, id: annotations["id"] ?? `policy${i}`, offset, ...lineColumn(text, offset), annotations };
  });
  const levels: Record<RuleSet, Level> = { capabilities: "enforce", limits: "enforce", mounts: "enforce", overrides: "enforce", verification: "enforce" };
  const problems: SettingsProblem[] = [];
  let onViolation: "terminate" | "degrade" | undefined;
  let quotaBytes = DEFAULT_QUOTA_BYTES;
  let quotaFiles = DEFAULT_QUOTA_FILES;
  const seen = new Map<string, string>();
  for (const p of policies) {
    for (const [key, value] of Object.entries(p.annotations)) {
      const at = { line: p.line, column: p.column };
      const setting = key.startsWith("level_") || key === "on_violation" || key === "quota_bytes" || key === "quota_files";
      if (!setting) continue;
      const before = seen.get(key);
      if (before !== undefined && before !== value) {
        problems.push({ ...at, message: `setting @${key} is given twice with different values ('${before}', '${value}')` });
        continue;
      }
      seen.set(key, value);
      if (key.startsWith("level_")) {
        const set = key.slice("level_".length);
        if (!(RULE_SETS as readonly string[]).includes(set)) problems.push({ ...at, message: `unknown rule set in @${key} (rule sets: ${RULE_SETS.join(", ")})` });
        else if (!LEVELS.includes(value)) problems.push({ ...at, message: `@${key}("${value}") must be one of ${LEVELS.join(", ")}` });
        else levels[set as RuleSet] = value as Level;
      } else if (key === "on_violation") {
        if (value !== "terminate" && value !== "degrade") problems.push({ ...at, message: `@on_violation("${value}") must be terminate or degrade` });
        else onViolation = value;
      } else {
        const n = Number(value);
        if (!/^\d+$/.test(value) || !Number.isSafeInteger(n)) problems.push({ ...at, message: `@${key}("${value}") must be a whole number` });
        else if (key === "quota_bytes") quotaBytes = n;
        else quotaFiles = n;
      }
    }
  }
  return {
    name,
    text,
    digest: createHash("sha256").update(text).digest("hex"),
    policies,
    settings: { levels, onViolation, quotaBytes, quotaFiles },
    settingsProblems: problems,
  };
}
