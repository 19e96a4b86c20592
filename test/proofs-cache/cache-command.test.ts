import { readFileSync, writeFileSync, utimesSync, existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { run } from "../../cli/commands/cache.js";
import { runCli } from "../../cli/main.js";
import type { CliIo } from "../../cli/io.js";
import { entryKey } from "../../proofs-cache/key.js";
import { openLayeredCache } from "../../proofs-cache/open.js";
import { freshQuery, keyPair, proved, refuted, tempDir, unknown } from "./fixtures.js";

function io(cwd: string, env: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const value: CliIo = { stdout: (t) => void out.push(t), stderr: (t) => void err.push(t), cwd, env, isTTY: false };
  return { io: value, out: () => out.join(""), err: () => err.join("") };
}

async function filled(dir: string, verdicts = [proved, proved, refuted, unknown], env: Record<string, string> = {}) {
  const cache = (await openLayeredCache({ dir, env }))!;
  const queries = [];
  for (const verdict of verdicts) {
    const q = freshQuery();
    await cache.store(q, verdict);
    await cache.lookup(q);
    queries.push(q);
  }
  await cache.lookup(freshQuery());
  await cache.close();
  return queries;
}

const pathOf = (dir: string, key: string) => join(dir, "ac", key.slice(0, 2), key);

describe("anrf cache", () => {
  it("stats: entries by verdict, bytes and recorded hits/misses (default dir under cwd)", async () => {
    const project = tempDir();
    await filled(join(project, ".anrf", "cache"));
    const t = io(project);
    expect(await run(["stats", "--format", "json"], t.io)).toBe(0);
    const stats = JSON.parse(t.out());
    expect(stats).toMatchObject({ entries: 4, byStatus: { proved: 2, refuted: 1, unknown: 1 }, runs: { hitsLocal: 4, misses: 1, stores: 4 } });
    expect(stats.bytes).toBeGreaterThan(0);
    const text = io(project);
    expect(await run(["stats"], text.io)).toBe(0);
    expect(text.out()).toMatch(/verdicts\s+4 .*proved 2, refuted 1, unknown 1/);
    expect(text.out()).toMatch(/80\.0% hit rate/);
  });

  it("prune --max-size removes least recently used entries first", async () => {
    const dir = tempDir();
    const queries = await filled(dir, [proved, proved, proved, proved]);
    const paths = queries.map((q) => pathOf(dir, entryKey(q)));
    paths.forEach((p, i) => utimesSync(p, new Date(1_000_000 * (i + 1)), new Date(1_000_000 * (i + 1))));
    const size = readFileSync(paths[0]!).length;
    const t = io("/", { ANRF_CACHE_DIR: dir });
    expect(await run(["prune", "--max-size", String(size * 2 + 10)], t.io)).toBe(0);
    expect(paths.map((p) => existsSync(p))).toEqual([false, false, true, true]);
    expect(t.out()).toMatch(/removed 2 entries/);
  });

  it("verify: intact → 0; damaged → 1 with the path and code; --fix removes them", async () => {
    const dir = tempDir();
    const queries = await filled(dir);
    const t = io("/");
    expect(await run(["verify", "--cache", dir], t.io)).toBe(0);
    expect(t.out()).toMatch(/all 4 entries intact/);
    const broken = pathOf(dir, entryKey(queries[2]!));
    writeFileSync(broken, readFileSync(broken, "utf8").slice(0, 30));
    const bad = io("/");
    expect(await run(["verify", "--cache", dir], bad.io)).toBe(1);
    expect(bad.out()).toContain(broken);
    expect(bad.out()).toMatch(/ENTRY_PARSE/);
    expect(existsSync(broken)).toBe(true);
    expect(await run(["verify", "--cache", dir, "--fix"], io("/").io)).toBe(1);
    expect(existsSync(broken)).toBe(false);
    expect(await run(["verify", "--cache", dir], io("/").io)).toBe(0);
  });

  it("verify checks signatures when keys are configured; --require-trusted flags unsigned entries", async () => {
    const dir = tempDir();
    const machine = keyPair();
    const env = { ANRF_SIGNING_KEY: machine.privatePem };
    const [signedQuery] = await filled(dir, [proved], env);
    await filled(dir, [refuted]);
    const ok = io("/", env);
    expect(await run(["verify", "--cache", dir], ok.io)).toBe(0);
    expect(ok.out()).toMatch(/1 signed by a trusted key, 1 not/);
    expect(await run(["verify", "--cache", dir, "--require-trusted"], io("/", env).io)).toBe(1);
    // flip the signed proved entry's signature bytes: a trusted keyid whose signature fails
    const path = pathOf(dir, entryKey(signedQuery!));
    const container = JSON.parse(readFileSync(path, "utf8"));
    container.envelope.signatures[0].sig = Buffer.alloc(64, 1).toString("base64");
    writeFileSync(path, JSON.stringify(container));
    const tampered = io("/", env);
    expect(await run(["verify", "--cache", dir], tampered.io)).toBe(1);
    expect(tampered.out()).toMatch(/ENTRY_SIGNATURE_INVALID/);
  });

  it("usage errors exit 2 through the dispatcher", async () => {
    const dir = tempDir();
    mkdirSync(dir, { recursive: true });
    for (const argv of [["cache"], ["cache", "prune"], ["cache", "prune", "--max-size", "lots"], ["cache", "explode"], ["cache", "stats", "--fix"]]) {
      const t = io(dir);
      expect(await runCli(argv, t.io)).toBe(2);
      expect(t.err()).toMatch(/^anrf cache: /);
    }
    const help = io(dir);
    expect(await runCli(["cache", "--help"], help.io)).toBe(0);
    expect(help.out()).toMatch(/prune --max-size SIZE/);
  });
});
