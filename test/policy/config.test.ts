/** The anrf.config.json "policy" section (the seam for the config loader) and its merge with flags. */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { openPolicyFromFlags } from "../../cli/commands/policy-options.js";
import { parsePolicyConfig } from "../../policy/config.js";
import { tempDir } from "./helpers.js";

const io = (cwd: string) => ({ stdout: () => {}, stderr: () => {}, cwd, env: {}, isTTY: false });

describe("policy config", () => {
  it("parses file and mounts, resolving against the config's folder", () => {
    expect(parsePolicyConfig({ file: "ops/p.cedar", mounts: { data: "d", "/abs": "/srv/x" } }, "/proj")).toEqual({
      ok: true,
      config: { file: "/proj/ops/p.cedar", mounts: { "/data": "/proj/d", "/abs": "/srv/x" } },
    });
    expect(parsePolicyConfig(undefined, "/proj")).toEqual({ ok: true, config: {} });
  });

  it("names the bad setting by JSON Pointer", () => {
    expect(parsePolicyConfig({ level: "warn" }, "/p")).toMatchObject({ ok: false, pointer: "/policy/level" });
    expect(parsePolicyConfig({ file: 3 }, "/p")).toMatchObject({ ok: false, pointer: "/policy/file" });
    expect(parsePolicyConfig({ mounts: { "/a/b": "" } }, "/p")).toMatchObject({ ok: false, pointer: "/policy/mounts/~1a~1b" });
    expect(parsePolicyConfig([], "/p")).toMatchObject({ ok: false, pointer: "/policy" });
  });

  it("flags win over config: --policy replaces the file, --mount NAME replaces that binding only", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "a.cedar"), "permit (principal, action, resource);\n");
    writeFileSync(join(dir, "b.cedar"), "forbid (principal, action, resource);\n");
    const config = { file: join(dir, "a.cedar"), mounts: { "/data": "/srv/one", "/logs": "/srv/logs" } };
    const fromConfig = await openPolicyFromFlags({}, io(dir), { config, noCache: true });
    expect(fromConfig.policyFile).toBe(join(dir, "a.cedar"));
    const both = await openPolicyFromFlags({ policy: "b.cedar", mount: ["/data=/srv/two"] }, io(dir), { config, noCache: true });
    expect(both.policyFile).toBe("b.cedar");
    expect(both.source.text).toMatch(/^forbid/);
    expect([...both.mounts]).toEqual([["/data", "/srv/two"], ["/logs", "/srv/logs"]]);
  });
});
