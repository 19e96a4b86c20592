/**
 * The library is default-secure too (issue 11): run() — the runtime's and the package's public
 * one — without an operator policy decides under the built-in default policy. The document's own
 * mounts, limits and overrides are requests: the issue's /etc document is refused, and runs only
 * when the caller, as operator, gives a granting policy and binds the mount itself.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { run as publicRun } from "../../index.js";
import { run, SandboxPool } from "../../runtime/index.js";
import { ETC_POLICY, etcDocument, makeDocument, tempDir } from "./helpers.js";

const pool = new SandboxPool();
afterAll(async () => {
  await pool.close();
});

describe("run() without an operator policy: the built-in default decides", () => {
  it("the /etc document (mount, 4 GiB, 10 min) is refused before anything runs", async () => {
    const doc = await etcDocument();
    const r = await run(doc, "passwd", [], { verification: [], audit: false, pool });
    expect(r.status).toBe("error");
    expect(r.error!.code).toBe("ANRF_POLICY_DENIED");
    expect(r.value).toBeUndefined();
    expect(r.policy!.name).toBe("<built-in default policy>");
    const paths = (r.policy!.findings as { path: string }[]).map((f) => f.path);
    expect(paths).toContain("/security/isolation_requirements/resource_limits/filesystem");
    expect(paths).toContain("/security/isolation_requirements/resource_limits/memory");
    expect(paths).toContain("/security/isolation_requirements/resource_limits/time");
  });

  it("a document within the default runs, with the limits it asked for", async () => {
    const doc = await makeDocument({ code: "export function two(): number { return 2; }\n", functions: ["two"], timeMs: 3000, memoryMb: 64 });
    const r = await run(doc, "two", [], { verification: [], audit: false, pool });
    expect(r.status).toBe("ok");
    expect(r.value).toBe(2);
    expect(r.security.limits.timeMs).toBe(3000);
    expect(r.policy!.allowed).toBe(true);
  });

  it("the public run(): refused by default; runs with the caller's policy file and mount binding", async () => {
    const doc = await etcDocument();
    const dir = join(doc.absoluteFile, "..");
    const refused = await publicRun(doc.absoluteFile, "passwd", [], { audit: false });
    expect(refused.error?.code).toBe("ANRF_POLICY_DENIED");
    writeFileSync(join(dir, "ops.cedar"), ETC_POLICY);
    // A granting policy without the operator's binding: the document's path '/etc' is never used.
    const unbound = await publicRun(doc.absoluteFile, "passwd", [], { audit: false, cwd: dir, policyFile: "ops.cedar" });
    expect(unbound.error?.code).toBe("ANRF_POLICY_DENIED");
    const granted = await publicRun(doc.absoluteFile, "passwd", [], { audit: false, cwd: dir, policyFile: "ops.cedar", mounts: { "/host": "/etc" } });
    expect(granted.status).toBe("ok");
    expect(String(granted.value)).toMatch(/^root:/m);
  });

  it("the public run() rejects a malformed mounts option with a clear TypeError", async () => {
    const doc = await etcDocument(tempDir());
    await expect(publicRun(doc.absoluteFile, "passwd", [], { audit: false, mounts: ["/etc"] as never })).rejects.toThrow(/option 'mounts' must be an object of mount name/);
  });
});
