/**
 * `anrf verify --watch` as users run it: a child process, one JSON report per line on stdout,
 * stopped by a signal, exit code from the latest state. Plus the usage errors around it.
 */
import { spawn } from "node:child_process";
import { renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../../cli/main.js";
import type { CliIo } from "../../cli/io.js";
import { projectRoot } from "../../support/compiled-path.js";
import { tempDir } from "../proofs-cache/fixtures.js";
import { documentValue } from "../verifier/incremental/documents.js";

const bin = join(projectRoot(), "bin", "anrf.js");
const post = ["Number.isInteger(result)", "result >= 0"];
const fn = (guard: number, index = guard) => `export function a(data: Uint8Array): number {\n  if (data.length > ${guard}) {\n    return data[${index}]! + 1;\n  }\n  return 0;\n}\n`;

interface Line {
  readonly watch: { run: number; passed: boolean; removed: string[]; elapsedMs: number };
  readonly documents: { file: string; obligations: { status: string }[] }[];
  readonly run: { extraction: Record<string, number> };
}

/** Starts the watch; `line(n)` waits for the n-th report line (1-based). */
function startWatch(dir: string, args: string[]) {
  const child = spawn(process.execPath, [bin, "verify", ...args, "--watch", "--format", "json", "--cache", join(dir, ".anrf", "cache")], { cwd: dir, env: { ...process.env, CI: "" } });
  const lines: Line[] = [];
  let stderr = "";
  let buffer = "";
  const waiters: Array<() => void> = [];
  child.stdout.on("data", (chunk: Buffer) => {
    buffer += chunk.toString("utf8");
    let nl: number;
    while ((nl = buffer.indexOf("\n")) !== -1) {
      lines.push(JSON.parse(buffer.slice(0, nl)) as Line);
      buffer = buffer.slice(nl + 1);
      for (const w of waiters.splice(0)) w();
    }
  });
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
  const exit = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return {
    lines,
    stderr: () => stderr,
    async line(n: number): Promise<Line> {
      // Waits by count (the test timeout bounds a hang); an exited watch fails the wait at once.
      while (lines.length < n) {
        if (child.exitCode !== null) throw new Error(`the watch exited (${child.exitCode}) before report ${n}; stderr: ${stderr}`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          child.once("exit", () => resolve());
        });
      }
      return lines[n - 1]!;
    },
    async stop(signal: NodeJS.Signals): Promise<number | null> {
      child.kill(signal);
      return exit;
    },
  };
}

describe("anrf verify --watch", () => {
  it("prints a report per change (an editor's save by rename included) and exits 0 on SIGTERM when everything passes", async () => {
    const dir = tempDir("anrf-watch-cli-");
    writeFileSync(join(dir, "mod.ts"), fn(1));
    writeFileSync(join(dir, "doc.anrf.json"), JSON.stringify(documentValue("", [{ name: "a", post }], { source: "mod.ts" })));
    const w = startWatch(dir, ["doc.anrf.json"]);
    const first = await w.line(1);
    expect(first.watch).toMatchObject({ run: 1, passed: true });
    expect(first.documents.map((d) => d.file)).toEqual(["doc.anrf.json"]);
    // Save the way many editors do: write a new file, rename it over the old one.
    writeFileSync(join(dir, "mod.ts.tmp"), fn(3));
    renameSync(join(dir, "mod.ts.tmp"), join(dir, "mod.ts"));
    const second = await w.line(2);
    expect(second.watch).toMatchObject({ run: 2, passed: true });
    expect(second.run.extraction).toMatchObject({ documentsExtracted: 1, entitiesExtracted: 1 });
    expect(await w.stop("SIGTERM")).toBe(0);
    expect(w.stderr()).toBe("");
  });

  it("exits 1 on SIGTERM when the latest state has a refuted obligation (Ctrl-C would be 130)", async () => {
    const dir = tempDir("anrf-watch-cli-");
    writeFileSync(join(dir, "doc.anrf.json"), JSON.stringify(documentValue(fn(1), [{ name: "a", post }])));
    const w = startWatch(dir, ["."]);
    expect((await w.line(1)).watch.passed).toBe(true);
    writeFileSync(join(dir, "doc.anrf.json"), JSON.stringify(documentValue(fn(1, 7), [{ name: "a", post }])));
    const broken = await w.line(2);
    expect(broken.watch.passed).toBe(false);
    expect(broken.documents[0]!.obligations.some((o) => o.status === "refuted")).toBe(true);
    expect(await w.stop("SIGTERM")).toBe(1);
  });

  it("refuses combinations that make no sense, with a usage error (exit 2)", async () => {
    let stderr = "";
    const io: CliIo = { stdout: () => undefined, stderr: (t) => void (stderr += t), cwd: projectRoot(), env: {}, isTTY: false };
    expect(await runCli(["verify", "examples", "--watch", "--shard", "1/2"], io)).toBe(2);
    expect(stderr).toMatch(/--watch cannot be combined with --shard/);
    expect(await runCli(["verify", "examples", "--watch", "--format", "sarif"], io)).toBe(2);
    expect(stderr).toMatch(/--watch prints pretty or json/);
    expect(await runCli(["verify", "no-such-dir", "--watch"], io)).toBe(2);
  });
});
