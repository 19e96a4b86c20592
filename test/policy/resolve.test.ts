/**
 * Resolution against real Cedar: the built-in default enforces each of its limits, the /etc
 * document of issue 11 is refused unless a policy grants it AND the operator binds the mount,
 * forbid wins over permit, warn/audit levels, and every denial names the field and the policy.
 */
import { describe, expect, it } from "vitest";
import type { PolicyFinding } from "../../policy/index.js";
import { decide, defaultSource, ETC_POLICY, etcDocument, makeDocument, policy, tempDir } from "./helpers.js";

const plain = (over: Parameters<typeof makeDocument>[0] extends infer T ? Partial<T> : never = {}) =>
  makeDocument({ code: "export function f(): number { return 1; }\n", functions: ["f"], ...over });

const paths = (findings: readonly unknown[]) => (findings as PolicyFinding[]).map((f) => f.path).sort();

describe("built-in default policy", () => {
  it("grants a modest document and returns the requested limits as the grant", async () => {
    const r = await decide(await plain({ memoryMb: 256, timeMs: 10000 }), defaultSource());
    expect(r.allowed).toBe(true);
    expect(r.findings).toEqual([]);
    expect(r.grant).toMatchObject({ memoryMb: 256, timeMs: 10000, isolation: "thread", filesystem: "None", network: false, mounts: [], quota: null });
    expect(r.decisions.find((d) => d.action === "memory")!.by[0]).toMatchObject({ id: "default-memory-256mib", line: expect.any(Number) });
  });

  it("refuses memory above 256 MiB", async () => {
    const r = await decide(await plain({ memoryMb: 257 }), defaultSource());
    expect(r.allowed).toBe(false);
    expect(paths(r.findings)).toEqual(["/security/isolation_requirements/resource_limits/memory"]);
    expect((r.findings[0] as PolicyFinding).requested).toBe(257);
    expect(r.findings[0]!.message).toMatch(/no permit/);
  });

  it("refuses time above 10 s", async () => {
    const r = await decide(await plain({ timeMs: 10001 }), defaultSource());
    expect(paths(r.findings)).toEqual(["/security/isolation_requirements/resource_limits/time"]);
  });

  it("refuses a fractional memory that rounds above the limit (requests round up)", async () => {
    const r = await decide(await plain({ memoryMb: 256.5 }), defaultSource());
    expect(r.allowed).toBe(false);
  });

  it("refuses any filesystem access", async () => {
    for (const filesystem of ["ReadOnly", "ReadWrite"] as const) {
      const dir = tempDir();
      const r = await decide(await plain({ dir, filesystem }), defaultSource());
      expect(r.allowed).toBe(false);
      expect(paths(r.findings)).toContain("/security/isolation_requirements/resource_limits/filesystem");
    }
  });

  it("refuses network", async () => {
    const doc = await plain();
    const raw = structuredClone(doc.document!);
    (raw.security.isolation_requirements.resource_limits as { network: boolean }).network = true;
    const r = await decide({ ...doc, document: raw }, defaultSource());
    expect(paths(r.findings)).toEqual(["/security/isolation_requirements/resource_limits/network"]);
  });

  it("gives process isolation when the document asks for it, and never asks the policy about threads then", async () => {
    const r = await decide(await plain({ processIsolation: true }), defaultSource());
    expect(r.grant.isolation).toBe("process");
    expect(r.decisions.some((d) => d.action === "threadIsolation")).toBe(false);
  });

  it("honours no override", async () => {
    const doc = await plain();
    const raw = structuredClone(doc.document!) as any;
    raw.security.override_status = true;
    raw.security.override_justification = "we need it";
    const r = await decide({ ...doc, document: raw }, defaultSource());
    expect(r.allowed).toBe(false);
    expect(paths(r.findings)).toEqual(["/security/override_status"]);
    expect(r.overrides[0]).toMatchObject({ honoured: false, removeCheck: false });
  });
});

describe("the /etc document of issue 11", () => {
  it("is refused under the default policy, naming every field it over-asks", async () => {
    const r = await decide(await etcDocument(), defaultSource());
    expect(r.allowed).toBe(false);
    expect(paths(r.findings)).toEqual([
      "/execution/x-anrf-filesystem-mounts/0",
      "/execution/x-anrf-filesystem-mounts/0/path",
      "/security/isolation_requirements/resource_limits/filesystem",
      "/security/isolation_requirements/resource_limits/memory",
      "/security/isolation_requirements/resource_limits/time",
    ]);
    // the document's own path to /etc lies outside its folder: refused whatever the policy says
    expect(r.findings.find((f) => f.path.endsWith("/path"))!.ruleId).toBe("mount-binding");
    expect(r.grant.mounts).toEqual([]);
  });

  it("is still refused when the policy grants it but the operator binds nothing", async () => {
    const r = await decide(await etcDocument(), policy(ETC_POLICY));
    expect(r.allowed).toBe(false);
    expect(paths(r.findings)).toEqual(["/execution/x-anrf-filesystem-mounts/0", "/execution/x-anrf-filesystem-mounts/0/path"]);
    expect(r.grant.mounts).toEqual([]);
  });

  it("is still refused when the operator binds it but the policy is the default", async () => {
    const r = await decide(await etcDocument(), defaultSource(), { operatorMounts: new Map([["/host", "/etc"]]) });
    expect(r.allowed).toBe(false);
    expect(paths(r.findings)).toContain("/execution/x-anrf-filesystem-mounts/0");
  });

  it("is allowed when the policy grants it and the operator binds the mount", async () => {
    const r = await decide(await etcDocument(), policy(ETC_POLICY), { operatorMounts: new Map([["/host", "/etc"]]) });
    expect(r.findings).toEqual([]);
    expect(r.allowed).toBe(true);
    expect(r.grant).toMatchObject({ memoryMb: 4096, timeMs: 600000, filesystem: "ReadOnly" });
    expect(r.grant.mounts).toEqual([{ mount: "/host", root: "/etc", binding: "operator" }]);
  });

  it("the operator's --timeout lowers the time the policy is asked about", async () => {
    const r = await decide(await etcDocument(), defaultSource(), { operatorTimeMs: 5000 });
    expect(paths(r.findings)).not.toContain("/security/isolation_requirements/resource_limits/time");
    expect(r.grant.timeMs).toBe(5000);
  });
});

describe("composition and levels", () => {
  it("forbid wins over permit, and the finding names the forbid and its position", async () => {
    const text = `${ETC_POLICY}
// no more than 1 GiB, whatever else says
@id("cap-memory")
forbid (principal, action == Anrf::Action::"memory", resource) when { context.mib > 1024 };
`;
    const r = await decide(await etcDocument(), policy(text), { operatorMounts: new Map([["/host", "/etc"]]) });
    expect(r.allowed).toBe(false);
    const f = r.findings[0] as PolicyFinding;
    expect(f.path).toBe("/security/isolation_requirements/resource_limits/memory");
    // the position of the policy: its first annotation, after the comment line
    const line = text.split("\n").findIndex((l) => l.startsWith('@id("cap-memory")')) + 1;
    expect(line).toBeGreaterThan(15);
    expect(f.deniedBy).toEqual([{ id: "cap-memory", file: "test.cedar", line, column: 1 }]);
    expect(f.message).toContain(`'cap-memory' (test.cedar:${line}:1)`);
  });

  it("warn: the refusal becomes a warning and the run may proceed", async () => {
    const text = `@level_limits("warn")\n${(await import("../../policy/default-policy.js")).DEFAULT_POLICY}`;
    const r = await decide(await plain({ memoryMb: 512 }), policy(text));
    expect(r.allowed).toBe(true);
    expect(r.findings).toHaveLength(1);
    expect(r.findings[0]).toMatchObject({ severity: "warning", level: "warn", path: "/security/isolation_requirements/resource_limits/memory" });
    expect(r.audited).toEqual([]);
  });

  it("audit: no finding, only an audit entry; other rule sets still enforce", async () => {
    const text = `@level_limits("audit")\n${(await import("../../policy/default-policy.js")).DEFAULT_POLICY}`;
    const r = await decide(await plain({ memoryMb: 512 }), policy(text));
    expect(r.allowed).toBe(true);
    expect(r.findings).toEqual([]);
    expect(r.audited).toHaveLength(1);
    const fs = await decide(await plain({ memoryMb: 512, filesystem: "ReadOnly" }), policy(text));
    expect(fs.allowed).toBe(false);
    expect(paths(fs.findings)).toEqual(["/security/isolation_requirements/resource_limits/filesystem"]);
  });

  it("a policy that refuses worker threads moves the run to a process (more isolation, not a refusal)", async () => {
    const text = `${(await import("../../policy/default-policy.js")).DEFAULT_POLICY}
@id("always-process")
forbid (principal, action == Anrf::Action::"threadIsolation", resource);`;
    const r = await decide(await plain(), policy(text));
    expect(r.allowed).toBe(true);
    expect(r.grant.isolation).toBe("process");
  });

  it("runUnproved sees the mode and the counts", async () => {
    const text = `${(await import("../../policy/default-policy.js")).DEFAULT_POLICY}
@id("no-refuted-in-production")
forbid (principal, action == Anrf::Action::"runUnproved", resource) when { context.mode == "production" && context.refuted > 0 };`;
    const doc = await plain();
    expect((await decide(doc, policy(text), { mode: "production", statuses: ["proved", "refuted"] })).allowed).toBe(false);
    expect((await decide(doc, policy(text), { mode: "testing", statuses: ["proved", "refuted"] })).allowed).toBe(true);
    expect((await decide(doc, policy(text), { mode: "production", statuses: ["proved", "unknown"] })).allowed).toBe(true);
  });

  it("ReadWrite gets the policy's quota (default small)", async () => {
    const text = `@quota_bytes("4096") @quota_files("3")
permit (principal, action, resource);`;
    const rw = await plain({ filesystem: "ReadWrite" });
    expect((await decide(rw, policy(text))).grant.quota).toEqual({ bytes: 4096, files: 3 });
    expect((await decide(rw, policy(`permit (principal, action, resource);`))).grant.quota).toEqual({ bytes: 1024 * 1024, files: 64 });
  });
});
