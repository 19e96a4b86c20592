/**
 * Containment: the filesystem capability. Each traversal is tried twice — in development mode
 * (the instrumented capability check at the call site) and in production with that call's
 * capability obligation marked proved (so only the facade stands in the way: defence in depth).
 */
import { existsSync, mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SandboxPool, type RunResult } from "../../runtime/index.js";
import type { LoadedDocument } from "../../spec/load.js";
import type { ObligationResult } from "../../verifier/obligation.js";
import { auditedAs, makeDocument, tempDir, runGranted as run } from "./fixtures.js";

const code = String.raw`
import { readFileSync, writeFileSync, existsSync } from "node:fs";
export function ok(): string { return readFileSync("/data/hello.txt", "utf8"); }
export function read(p: string): string { return readFileSync(p, "utf8"); }
export function readBytesPath(p: string): string { return readFileSync(new TextEncoder().encode(p) as any, "utf8"); }
export function readChanging(): string {
  let calls = 0;
  const sneaky: any = { toString() { calls++; return calls === 1 ? "/data/hello.txt" : "/outside/secret.txt"; } };
  return readFileSync(sneaky, "utf8") + "|calls=" + calls;
}
export function write(p: string, d: string): string { writeFileSync(p, d); return "written"; }
export function exists(p: string): boolean { return existsSync(p); }
`;

const sites = ["readFileSync(\"/data/hello.txt\", \"utf8\")", "readFileSync(p, \"utf8\")", "readFileSync(new TextEncoder().encode(p) as any, \"utf8\")", "readFileSync(sneaky, \"utf8\")", "writeFileSync(p, d)", "existsSync(p)"];

/** Capability obligations at every facade call, all "proved": production then inserts no capability check. */
function provedCapabilities(doc: LoadedDocument): ObligationResult[] {
  const text = doc.module!.text;
  return sites.map((snippet, n) => {
    const start = text.indexOf(snippet);
    if (start < 0) throw new Error(`fixture: ${snippet} not found`);
    return {
      id: `E/capability/${n}`,
      entity: "E",
      kind: "capability",
      status: "proved",
      location: { file: doc.absoluteFile, line: 1, column: 1 },
      site: { start, end: start + snippet.length },
      description: "path under /data",
      reason: "test: pretend proved",
      counterexample: null,
      smt: null,
    } satisfies ObligationResult;
  });
}

let dir: string;
let ro: LoadedDocument;
let rw: LoadedDocument;
let audit: string;
const pool = new SandboxPool();

beforeAll(async () => {
  dir = tempDir();
  audit = join(dir, "audit.jsonl");
  mkdirSync(join(dir, "data"));
  mkdirSync(join(dir, "outside"));
  writeFileSync(join(dir, "data", "hello.txt"), "hello");
  writeFileSync(join(dir, "outside", "secret.txt"), "TOP SECRET");
  symlinkSync(join(dir, "outside", "secret.txt"), join(dir, "data", "link"));
  symlinkSync(join(dir, "outside", "created-by-guest.txt"), join(dir, "data", "dangling"));
  symlinkSync(join(dir, "outside"), join(dir, "data", "dirlink"));
  const functions = ["ok", "read", "readBytesPath", "readChanging", "write", "exists"];
  const roDir = join(dir, "ro");
  const rwDir = join(dir, "rw");
  mkdirSync(roDir);
  mkdirSync(rwDir);
  ro = await makeDocument({ dir: roDir, code, functions, filesystem: "ReadOnly", mounts: { "/data": join(dir, "data") } });
  rw = await makeDocument({ dir: rwDir, code, functions, filesystem: "ReadWrite", mounts: { "/data": join(dir, "data") } });
});
afterAll(async () => {
  await pool.close();
});

type Layer = "instrumented check" | "facade only";
const layers: Layer[] = ["instrumented check", "facade only"];

async function attempt(doc: LoadedDocument, layer: Layer, entry: string, args: readonly unknown[]): Promise<RunResult> {
  const options = layer === "facade only" ? { mode: "production" as const, verification: provedCapabilities(doc) } : { mode: "development" as const, verification: [] };
  const result = await run(doc, entry, args, { ...options, audit, pool });
  expect(auditedAs(audit, entry, result), "audited").toBeDefined();
  if (layer === "facade only") expect(result.security.checksInserted).toBe(0);
  const after = await run(doc, "ok", [], { verification: [], audit, pool });
  expect(after.value).toBe("hello");
  return result;
}

function expectCapabilityViolation(r: RunResult, pattern: RegExp): void {
  expect(r.status).toBe("violation");
  expect(r.violations[0]?.kind).toBe("capability");
  expect(r.violations[0]?.message).toMatch(pattern);
  expect(JSON.stringify(r)).not.toContain("TOP SECRET");
}

describe.each(layers)("containment: path traversal (%s)", (layer) => {
  it("relative ../ out of the mount", async () => {
    expectCapabilityViolation(await attempt(ro, layer, "read", ["/data/../outside/secret.txt"]), /mount|\.\./);
  });
  it("absolute path outside every mount", async () => {
    expectCapabilityViolation(await attempt(ro, layer, "read", ["/etc/passwd"]), /mount/);
  });
  it("relative path without a mount", async () => {
    expectCapabilityViolation(await attempt(ro, layer, "read", ["hello.txt"]), /mount|absolute/);
  });
  it("NUL byte in the path", async () => {
    expectCapabilityViolation(await attempt(ro, layer, "read", ["/data/hello.txt\u0000/../../outside/secret.txt"]), /NUL|mount|\.\./);
  });
  it("a Uint8Array path is refused", async () => {
    expectCapabilityViolation(await attempt(ro, layer, "readBytesPath", ["/data/../outside/secret.txt"]), /string|bytes/);
  });
  it("write under ReadOnly", async () => {
    expectCapabilityViolation(await attempt(ro, layer, "write", ["/data/new.txt", "x"]), /ReadOnly/);
    expect(existsSync(join(dir, "data", "new.txt"))).toBe(false);
  });
  it("write outside the roots under ReadWrite", async () => {
    expectCapabilityViolation(await attempt(rw, layer, "write", ["/data/../outside/pwned.txt", "x"]), /mount|\.\./);
    expect(existsSync(join(dir, "outside", "pwned.txt"))).toBe(false);
  });
  it("existence probing outside the mount is a violation too", async () => {
    expectCapabilityViolation(await attempt(ro, layer, "exists", ["/etc/passwd"]), /mount/);
  });
});

describe("containment: what only the facade can see", () => {
  it("percent-encoded %2e%2e is a literal file name inside the mount (not found), never a traversal", async () => {
    const r = await attempt(ro, "facade only", "read", ["/data/%2e%2e/outside/secret.txt"]);
    expect(r.status).toBe("error");
    expect(r.error?.message).toMatch(/ENOENT/);
    expect(r.error?.message).not.toContain(dir); // the real path is never shown to the guest
  });
  it("a symlink inside the mount pointing outside is resolved and refused", async () => {
    expectCapabilityViolation(await attempt(ro, "facade only", "read", ["/data/link"]), /symlink/);
    expectCapabilityViolation(await attempt(ro, "instrumented check", "read", ["/data/dirlink/secret.txt"]), /symlink/);
  });
  it("a write through a dangling symlink is refused and creates nothing outside", async () => {
    expectCapabilityViolation(await attempt(rw, "facade only", "write", ["/data/dangling", "x"]), /symlink/);
    expect(existsSync(join(dir, "outside", "created-by-guest.txt"))).toBe(false);
  });
  it("a toString that changes between calls is coerced exactly once (reads what was checked)", async () => {
    const r = await attempt(ro, "facade only", "readChanging", []);
    expect(r.status).toBe("ok");
    expect(r.value).toBe("hello|calls=1");
  });
  it("a facade violation names the source location of the call (mapped back through the source map)", async () => {
    const r = await attempt(ro, "facade only", "read", ["/etc/passwd"]);
    expectCapabilityViolation(r, /mount/);
    const text = ro.module!.text;
    const line = text.slice(0, text.indexOf('readFileSync(p, "utf8")')).split("\n").length;
    expect(r.violations[0]!.location?.line).toBe(line);
    expect(r.violations[0]!.message).toContain(`:${line}:`);
  });
  it("the instrumented check refuses a non-string path outright", async () => {
    expectCapabilityViolation(await attempt(ro, "instrumented check", "readChanging", []), /not a string/);
  });
  it("legitimate reads and writes inside the mount work", async () => {
    const w = await run(rw, "write", ["/data/out.txt", "fine"], { verification: [], audit, pool });
    expect(w.status).toBe("ok");
    const r = await run(rw, "read", ["/data/out.txt"], { verification: [], audit, pool });
    expect(r.value).toBe("fine");
  });
  it("filesystem: None endows nothing: importing node:fs is a capability violation", async () => {
    const none = await makeDocument({ code, functions: ["ok"], filesystem: "None" });
    const r = await run(none, "ok", [], { verification: [], audit, pool });
    expectCapabilityViolation(r, /filesystem: None/);
    expect(auditedAs(audit, "ok", r)).toBeDefined();
  });
});
