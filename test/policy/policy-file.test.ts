/**
 * A policy file with a syntax error, an unknown attribute, a schema violation or a bad anrf
 * setting gives a problem naming file:line:column (what the CLI prints before exiting 2); a
 * known-good policy is recognised by digest without Cedar.
 */
import { describe, expect, it } from "vitest";
import { checkPolicy, DecisionCache, formatPolicyProblems } from "../../policy/index.js";
import { policy, defaultSource, tempDir } from "./helpers.js";

const good = `@id("mem")
permit (principal, action == Anrf::Action::"memory", resource)
when { context.mib <= 512 };
`;

describe("policy problems", () => {
  it("the built-in default policy is valid against the schema", async () => {
    expect(await checkPolicy(defaultSource(), new DecisionCache())).toEqual([]);
  });

  it("the example policies in examples/policies are valid, and their settings are read", async () => {
    const { readFileSync } = await import("node:fs");
    for (const name of ["read-notes.cedar", "team.cedar"]) {
      const src = policy(readFileSync(new URL(`../../examples/policies/${name}`, import.meta.url), "utf8"), name);
      expect(await checkPolicy(src, new DecisionCache()), name).toEqual([]);
    }
    const team = policy(readFileSync(new URL("../../examples/policies/team.cedar", import.meta.url), "utf8"));
    expect(team.settings).toMatchObject({ onViolation: "terminate", quotaBytes: 4194304, quotaFiles: 16 });
    expect(team.settings.levels).toMatchObject({ limits: "warn", capabilities: "enforce" });
  });

  it("a syntax error names its line and column", async () => {
    const src = policy(`${good}\n@id("broken")\npermit (principal, action == Anrf::Action::"time", resource)\nwhen { context.ms <= 10 ;\n`);
    const problems = await checkPolicy(src, new DecisionCache());
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ kind: "syntax", line: 7, column: 25 });
    expect(formatPolicyProblems(src, problems)).toMatch(/^test\.cedar:7:25: policy syntax error: .*unexpected token/);
  });

  it("an unknown attribute names the policy, its position and a suggestion", async () => {
    const src = policy(`${good}\n@id("typo")\npermit (principal, action == Anrf::Action::"memory", resource)\nwhen { context.mb <= 10 };\n`);
    const problems = await checkPolicy(src, new DecisionCache());
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ kind: "schema", line: 7, column: 8, policyId: "typo" });
    expect(problems[0]!.message).toMatch(/attribute `mb`.*not found/);
    expect(problems[0]!.help).toMatch(/mib/);
  });

  it("a schema violation (a number compared with a string) names its position", async () => {
    const src = policy(`@id("wrong-type")\npermit (principal, action == Anrf::Action::"time", resource)\nwhen { context.ms <= "10s" };\n`);
    const problems = await checkPolicy(src, new DecisionCache());
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ kind: "schema", line: 3, policyId: "wrong-type" });
    expect(problems[0]!.message).toMatch(/expected Long but saw String/);
  });

  it("an unknown action is a schema violation", async () => {
    const problems = await checkPolicy(policy(`permit (principal, action == Anrf::Action::"teleport", resource);`), new DecisionCache());
    expect(problems.length).toBeGreaterThan(0);
    expect(problems[0]!.kind).toBe("schema");
  });

  it("a bad setting or an unknown rule set names the policy that carries it", async () => {
    const src = policy(`${good}\n@level_limits("loud")\n@level_networking("warn")\npermit (principal, action == Anrf::Action::"network", resource);\n`);
    const problems = await checkPolicy(src, new DecisionCache());
    expect(problems.map((p) => [p.kind, p.line, p.column])).toEqual([
      ["settings", 5, 1],
      ["settings", 5, 1],
    ]);
    expect(problems.map((p) => p.message).join("\n")).toMatch(/must be one of enforce, warn, audit[\s\S]*unknown rule set/);
  });

  it("a valid policy is remembered by digest: a second check in a fresh process-level cache reads the marker", async () => {
    const dir = tempDir();
    const src = policy(good);
    expect(await checkPolicy(src, new DecisionCache(dir))).toEqual([]);
    const fresh = new DecisionCache(dir);
    expect(fresh.isCompiled(src.digest)).toBe(true);
    expect(fresh.isCompiled(policy(`${good}\n`).digest)).toBe(false);
  });
});
