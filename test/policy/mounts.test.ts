/**
 * Operator-bound mounts (real directories, no Cedar needed): the operator's binding wins over
 * the document's path; a document path must stay inside the document's folder tree by
 * realpath; no mount may contain or lie inside the tool's state (cache, audit log, policy,
 * keys, config), checked by realpath both ways, symlinks included.
 */
import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { bindMounts, parseMountFlag } from "../../policy/bind-mounts.js";
import { toolStatePaths } from "../../policy/tool-state.js";
import type { AnrfDocument } from "../../spec/document.js";
import { makeDocument, tempDir } from "./helpers.js";

async function docWith(dir: string, mounts: Record<string, string>, filesystem: "ReadOnly" | "ReadWrite" = "ReadWrite"): Promise<AnrfDocument> {
  const loaded = await makeDocument({ dir, code: "export function f(): number { return 1; }\n", functions: ["f"], filesystem, mounts });
  return loaded.document!;
}

function setup() {
  const project = tempDir("anrf-mnt-");
  const docs = join(project, "docs");
  mkdirSync(join(docs, "data"), { recursive: true });
  mkdirSync(join(project, ".anrf", "cache"), { recursive: true });
  writeFileSync(join(project, ".anrf", "audit.jsonl"), "");
  writeFileSync(join(project, "policy.cedar"), "");
  const state = toolStatePaths({ cwd: project, cacheDir: join(project, ".anrf", "cache"), auditFile: join(project, ".anrf", "audit.jsonl"), policyFile: join(project, "policy.cedar") });
  return { project, docs, state };
}

describe("mount bindings", () => {
  it("parses NAME=DIR, with or without the leading slash", () => {
    expect(parseMountFlag("/data=./x")).toEqual({ name: "/data", dir: "./x" });
    expect(parseMountFlag("data=/srv/a=b")).toEqual({ name: "/data", dir: "/srv/a=b" });
    expect(parseMountFlag("data=")).toBeUndefined();
    expect(parseMountFlag("=x")).toBeUndefined();
  });

  it("a document path inside its folder is bound as a document binding", async () => {
    const { docs, state, project } = setup();
    const r = bindMounts(await docWith(docs, { "/data": "data" }), docs, new Map(), state, project);
    expect(r.findings).toEqual([]);
    expect(r.mounts).toEqual([{ mount: "/data", root: join(docs, "data"), binding: "document" }]);
  });

  it("the operator's binding replaces the document's path", async () => {
    const { docs, state, project } = setup();
    const elsewhere = tempDir("anrf-bound-");
    const r = bindMounts(await docWith(docs, { "/data": "/etc" }), docs, new Map([["/data", elsewhere]]), state, project);
    expect(r.findings).toEqual([]);
    expect(r.mounts).toEqual([{ mount: "/data", root: elsewhere, binding: "operator" }]);
    expect(r.bindings.get("/data")).toEqual({ binding: "operator", path: elsewhere });
  });

  it("a document path outside its folder is refused: '..', absolute, and a symlink that leads out", async () => {
    const { docs, state, project } = setup();
    symlinkSync(tempDir("anrf-out-"), join(docs, "link-out"));
    for (const path of ["..", "/etc", "link-out", "data/../.."]) {
      const r = bindMounts(await docWith(docs, { "/data": path }), docs, new Map(), state, project);
      expect(r.mounts, path).toEqual([]);
      expect(r.findings.map((f) => [f.ruleId, f.path]), path).toEqual([["mount-binding", "/execution/x-anrf-filesystem-mounts/0/path"]]);
    }
  });

  it("a missing directory is a finding, not a crash", async () => {
    const { docs, state, project } = setup();
    const r = bindMounts(await docWith(docs, { "/data": "nope" }), docs, new Map([["/data", join(project, "missing")]]), state, project);
    expect(r.findings[0]).toMatchObject({ ruleId: "mount-binding", path: "/execution/x-anrf-filesystem-mounts/0" });
    expect(r.findings[0]!.message).toMatch(/does not exist/);
  });

  it("document text in a finding is shown with control characters escaped (no ANSI reaches a terminal)", async () => {
    const { docs, state, project } = setup();
    const r = bindMounts(await docWith(docs, { "/data": "no\u001b[2Jsuch\nstatus: ok" }), docs, new Map(), state, project);
    expect(r.findings[0]!.message).toContain("no\\x1b[2Jsuch\\x0astatus: ok");
    expect(r.findings[0]!.message).not.toMatch(/[\u0000-\u001f]/);
  });

  it("names the operator binds that the document does not declare", async () => {
    const { docs, state, project } = setup();
    const r = bindMounts(await docWith(docs, { "/data": "data" }), docs, new Map([["/other", docs]]), state, project);
    expect(r.unknownNames).toEqual(["/other"]);
  });
});

describe("tool state is out of reach", () => {
  it("a mount that contains the tool's state is refused (the project folder holds .anrf)", async () => {
    const { docs, state, project } = setup();
    const r = bindMounts(await docWith(docs, { "/data": "data" }), docs, new Map([["/data", project]]), state, project);
    expect(r.mounts).toEqual([]);
    expect(r.findings[0]).toMatchObject({ ruleId: "tool-state", path: "/execution/x-anrf-filesystem-mounts/0" });
    expect(r.findings[0]!.message).toMatch(/contains anrf's state folder/);
  });

  it("a mount inside the tool's state is refused (the cache, the .anrf folder)", async () => {
    const { docs, state, project } = setup();
    for (const dir of [join(project, ".anrf", "cache"), join(project, ".anrf")]) {
      const r = bindMounts(await docWith(docs, { "/data": "data" }), docs, new Map([["/data", dir]]), state, project);
      expect(r.mounts, dir).toEqual([]);
      expect(r.findings[0]!.message, dir).toMatch(dir.endsWith("cache") ? /is inside anrf's/ : /(is inside|contains) anrf's state folder/);
    }
  });

  it("a symlink to the tool's state is refused (realpath)", async () => {
    const { docs, state, project } = setup();
    symlinkSync(join(project, ".anrf", "cache"), join(docs, "cache-link"));
    const r = bindMounts(await docWith(docs, { "/data": "cache-link" }), docs, new Map([["/data", join(docs, "cache-link")]]), state, project);
    expect(r.mounts).toEqual([]);
    expect(r.findings[0]!.ruleId).toBe("tool-state");
  });

  it("tool state reached through a symlink is refused too (a cache dir that is a link into the mount)", async () => {
    const { docs, project } = setup();
    const data = join(docs, "data");
    symlinkSync(join(data), join(project, "cache-via-link"));
    const state = toolStatePaths({ cwd: tempDir("anrf-cwd-"), cacheDir: join(project, "cache-via-link", "sub") });
    const r = bindMounts(await docWith(docs, { "/data": "data" }), docs, new Map(), state, project);
    expect(r.mounts).toEqual([]);
    expect(r.findings[0]!.message).toMatch(/contains anrf's proof cache/);
  });

  it("a policy file, key registry or config file inside the mount is refused", async () => {
    const { docs, project } = setup();
    const data = join(docs, "data");
    for (const [key, what] of [["policyFile", "policy file"], ["keysDir", "key registry"], ["configFile", "config file"]] as const) {
      const state = toolStatePaths({ cwd: tempDir("anrf-cwd-"), [key]: join(data, "thing") });
      const r = bindMounts(await docWith(docs, { "/data": "data" }), docs, new Map(), state, project);
      expect(r.findings[0]!.message, key).toContain(`contains anrf's ${what}`);
    }
  });

  it("a sibling with a common name prefix is not mistaken for containment", async () => {
    const { docs, project } = setup();
    mkdirSync(join(docs, "data-cache"));
    const state = toolStatePaths({ cwd: tempDir("anrf-cwd-"), cacheDir: join(docs, "data-cache") });
    const r = bindMounts(await docWith(docs, { "/data": "data" }), docs, new Map(), state, project);
    expect(r.findings).toEqual([]);
  });
});
