/**
 * The whole flow through the CLI: generate keys, write the registry, approve an override, verify
 * (the refuted obligation is `overridden` in json, pretty and sarif — as a SARIF suppression — and
 * the run passes), run (the override is reported and the check still fires), change the code
 * (the approval is void: verify fails again). Plus the commands' refusals.
 */
import { DEFAULT_POLICY } from "../../policy/default-policy.js";
import { describe, expect, it } from "vitest";
import { readFileSync, statSync, writeFileSync } from "node:fs";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import { runCli } from "../../cli/main.js";
import type { CliIo } from "../../cli/io.js";
import { checkChain } from "../../audit/chain-check.js";
import { projectRoot } from "../../support/compiled-path.js";
import { OBLIGATION, overrideDocument } from "./fixtures.js";

function io(cwd: string): CliIo & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, stdout: (t) => void out.push(t), stderr: (t) => void err.push(t), cwd, env: {}, isTTY: false };
}

async function anrf(cwd: string, ...argv: string[]) {
  const t = io(cwd);
  const code = await runCli(argv, t);
  return { code, out: t.out.join(""), err: t.err.join("") };
}

const regExp = Object.assign((pattern: string, flags: string) => {
  try {
    return new RegExp(pattern, flags);
  } catch {
    return new RegExp(pattern.replace("(?i)", ""), `${flags}i`);
  }
}, { code: "new RegExp" });
const ajv = new Ajv2020({ strict: false, allErrors: true, validateSchema: false, code: { regExp } });
addFormatsModule.default(ajv);
const sarifValid = ajv.compile(JSON.parse(readFileSync(join(projectRoot(), "test", "fixtures", "sarif-schema-2.1.0.json"), "utf8")));

const scope = `obligation:${OBLIGATION}`;

describe("keys → approve → verify → run", () => {
  it("an approved override is `overridden` in every report and passes; a code change voids it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "anrf-approve-"));
    const doc = overrideDocument([{ scope, justification: "callers always pass a valid index" }]);
    writeFileSync(join(dir, "doc.anrf.json"), JSON.stringify(doc, null, 2));

    // Keys: private key 0600, a registry entry printed.
    const gen = await anrf(dir, "keys", "generate", "--out", "keys", "--id", "alice", "--role", "security-lead");
    expect(gen.code).toBe(0);
    expect(statSync(join(dir, "keys", "alice.key")).mode & 0o777).toBe(0o600);
    const entry = JSON.parse(gen.out);
    expect(entry).toMatchObject({ id: "alice", roles: ["security-lead"], publicKey: expect.stringMatching(/BEGIN PUBLIC KEY/) });
    expect((await anrf(dir, "keys", "generate", "--out", "keys", "--id", "alice")).code).toBe(2); // never overwrites
    writeFileSync(join(dir, "registry.json"), JSON.stringify({ keys: [entry], scopes: { obligation: { roles: ["security-lead"] } } }));
    const cache = ["--cache", join(dir, "cache")];

    // Before approval: the override is requested but not honoured → exit 1 with an `override` finding.
    const before = await anrf(dir, "verify", "doc.anrf.json", "--keys", "registry.json", "--format", "json", ...cache);
    expect(before.code).toBe(1);
    expect(JSON.parse(before.out).documents[0].findings).toEqual([expect.objectContaining({ ruleId: "override", path: "/security/x-anrf-overrides/0" })]);

    // approve refuses a scope the document does not request (it would sign the document as it is).
    const wrongScope = await anrf(dir, "approve", "doc.anrf.json", "--key", "keys/alice.key", "--scope", "rule:anrf/bounds", "--justification", "ok", "--expires", "30d");
    expect(wrongScope.code).toBe(2);
    expect(wrongScope.err).toMatch(/does not request an override of rule:anrf\/bounds/);
    await anrf(dir, "keys", "generate", "--out", "other", "--id", "alice");
    const mismatched = await anrf(dir, "approve", "doc.anrf.json", "--key", "other/alice.key", "--keys", "registry.json", "--scope", scope, "--justification", "ok", "--expires", "30d");
    expect(mismatched.code).toBe(2);
    expect(mismatched.err).toMatch(/not the public half/);
    const approved = await anrf(dir, "approve", "doc.anrf.json", "--key", "keys/alice.key", "--keys", "registry.json", "--scope", scope, "--justification", "reviewed in SEC-1", "--expires", "30d");
    expect(approved.code).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, "doc.anrf.json.approvals.json"), "utf8")).approvals).toHaveLength(1);

    // json
    const json = await anrf(dir, "verify", "doc.anrf.json", "--keys", "registry.json", "--format", "json", ...cache);
    expect(json.code).toBe(0);
    const report = JSON.parse(json.out).documents[0];
    expect(report.findings).toEqual([]);
    const obligation = report.obligations.find((o: { id: string }) => o.id === OBLIGATION);
    expect(obligation).toMatchObject({ status: "refuted", overridden: { scope, approvers: ["alice"], justification: "callers always pass a valid index" } });
    // pretty
    const pretty = await anrf(dir, "verify", "doc.anrf.json", "--keys", "registry.json", ...cache);
    expect(pretty.code).toBe(0);
    expect(pretty.out).toMatch(new RegExp(`overridden\\s+${OBLIGATION.replace(/[/.]/g, "\\$&")}`));
    expect(pretty.out).toMatch(/refuted: .*\n.*by approved override .*alice.*still checked at run time/);
    // sarif: a schema-valid suppression
    const sarif = await anrf(dir, "verify", "doc.anrf.json", "--keys", "registry.json", "--format", "sarif", ...cache);
    const log = JSON.parse(sarif.out);
    expect(sarifValid(log), JSON.stringify(sarifValid.errors?.slice(0, 3))).toBe(true);
    const result = log.runs[0].results.find((r: { properties: { obligationId?: string } }) => r.properties.obligationId === OBLIGATION);
    expect(result.suppressions).toEqual([expect.objectContaining({ kind: "external", status: "accepted", justification: "callers always pass a valid index" })]);

    // run: the override is reported, and the check still fires on a bad index.
    // anrf run decides with the operator's policy (the built-in default honours no override): this
    // one lets a security lead approve obligation overrides, one approver suffices, checks stay.
    writeFileSync(join(dir, "ops.cedar"), `${DEFAULT_POLICY}
@id("leads-approve")
permit (principal in Anrf::Role::"security-lead", action == Anrf::Action::"approveOverride", resource)
when { resource.kind == "obligation" };

@id("one-lead")
permit (principal, action == Anrf::Action::"honourOverride", resource)
when { context.justified && context.approvers >= 1 };
`);
    const refusedByDefault = await anrf(dir, "run", "doc.anrf.json", "--entry", "at", "--args", "[[1],4]", "--keys", "registry.json", "--mode", "development");
    expect(refusedByDefault.out).not.toMatch(/override: .* honoured/);
    const ran = await anrf(dir, "run", "doc.anrf.json", "--entry", "at", "--args", "[[1],4]", "--keys", "registry.json", "--policy", "ops.cedar", "--mode", "development");
    expect(ran.code).toBe(1);
    expect(ran.out).toMatch(/status: violation/);
    expect(ran.out).toMatch(new RegExp(`override: ${scope.replace(/[/.]/g, "\\$&")} honoured \\(approved by alice`));
    expect(ran.out).toMatch(/overridden: .* \(still checked at run time\)/);

    // The audit log holds one chain with the approval, the override, verify and run events.
    const chain = checkChain(readFileSync(join(dir, ".anrf", "audit.jsonl"), "utf8"));
    expect(chain.problem).toBeUndefined();
    const events = new Set(chain.records.map((r) => r.event));
    for (const e of ["validate", "verify", "approval", "override", "run", "violation"]) expect(events, e).toContain(e);

    // One character of code changed: the approval is void and verify fails again.
    doc.execution.code = doc.execution.code.replace("return a[i]!;", "return a[i]!;  ");
    writeFileSync(join(dir, "doc.anrf.json"), JSON.stringify(doc, null, 2));
    const after = await anrf(dir, "verify", "doc.anrf.json", "--keys", "registry.json", "--format", "json", ...cache);
    expect(after.code).toBe(1);
    expect(JSON.stringify(JSON.parse(after.out).documents[0].findings)).toMatch(/ANRF_APPROVAL_SUBJECT_MISMATCH/);
  });

  it("usage errors: a registry that is not one, a bad --expires, a missing key", async () => {
    const dir = mkdtempSync(join(tmpdir(), "anrf-approve-"));
    writeFileSync(join(dir, "doc.anrf.json"), JSON.stringify(overrideDocument([{ scope, justification: "j" }])));
    writeFileSync(join(dir, "bad.json"), JSON.stringify({ keys: [{ id: "x", publicKey: "nope", roles: [] }] }));
    const bad = await anrf(dir, "verify", "doc.anrf.json", "--keys", "bad.json");
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/bad\.json#\/keys\/0\/publicKey: not an ed25519 public key/);
    expect((await anrf(dir, "approve", "doc.anrf.json", "--key", "k.key", "--scope", scope, "--justification", "j", "--expires", "soon")).code).toBe(2);
    expect((await anrf(dir, "approve", "doc.anrf.json", "--key", "missing.key", "--scope", scope, "--justification", "j", "--expires", "1d")).code).toBe(2);
  });
});
