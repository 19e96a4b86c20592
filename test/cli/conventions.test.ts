/**
 * CLI conventions (issue 13, items 2 and 6): --version, "did you mean" for commands and flags,
 * short forms, one --format vocabulary, anrf.config.json (defaults that flags override; errors
 * with line:column), no documents found → exit 2, Ctrl-C → 130 with a partial report, EPIPE
 * ends quietly, the progress line only on a terminal.
 */
import { spawn } from "node:child_process";
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseArgs, UsageError } from "../../cli/args.js";
import { parseConfig } from "../../cli/config.js";
import { runCli, version } from "../../cli/main.js";
import { startProgress } from "../../cli/progress.js";
import { projectRoot } from "../../support/compiled-path.js";
import { tempDir } from "../proofs-cache/fixtures.js";
import { captureIo } from "./validate-io.js";

const root = projectRoot();
const bin = join(root, "bin", "anrf.js");
const example = (name: string) => join(root, "examples", name);

async function cli(args: string[], cwd = root, extra: Partial<Parameters<typeof runCli>[1]> = {}) {
  const io = { ...captureIo(cwd), ...extra };
  const code = await runCli(args, io);
  return { code, out: io.out(), err: io.err() };
}

describe("anrf: version, help, suggestions", () => {
  it("--version and -v print package.json's version, exit 0", async () => {
    const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { version: string };
    expect(version()).toBe(pkg.version);
    for (const flag of ["--version", "-v"]) expect(await cli([flag])).toEqual({ code: 0, out: `${pkg.version}\n`, err: "" });
  });

  it("--help lists every command on stdout (exit 0); no command at all is a usage error (exit 2)", async () => {
    const help = await cli(["--help"]);
    expect(help.code).toBe(0);
    for (const command of ["validate", "migrate", "verify", "explain", "cache", "run"]) expect(help.out).toContain(command);
    expect((await cli([])).code).toBe(2);
  });

  it("a mistyped command or flag: exit 2 with 'did you mean'", async () => {
    const command = await cli(["verfy", "examples"]);
    expect(command.code).toBe(2);
    expect(command.err).toMatch(/unknown command 'verfy'[\s\S]*Did you mean verify\?/);
    const flag = await cli(["validate", "examples", "--fromat", "json"]);
    expect(flag.code).toBe(2);
    expect(flag.err).toMatch(/unknown option '--fromat'[\s\S]*Did you mean --format\?/);
  });
});

describe("flags: one parser for every command", () => {
  const spec = { jobs: { kind: "number", min: 1, integer: true }, format: { kind: "string", choices: ["pretty", "json", "sarif"] }, watch: { kind: "boolean" }, cache: { kind: "string" }, "no-cache": { kind: "boolean" } } as const;

  it("short forms -j -f -w, --name=value, last value wins, '--' ends options", () => {
    expect(parseArgs(["a", "-j", "3", "-f", "json", "-w", "b"], spec)).toEqual({ positionals: ["a", "b"], flags: { jobs: 3, format: "json", watch: true } });
    expect(parseArgs(["--jobs=2", "--jobs", "4", "--", "-w"], spec)).toEqual({ positionals: ["-w"], flags: { jobs: 4 } });
  });

  it("--no-cache is its own flag, whatever its order with --cache", () => {
    expect(parseArgs(["--no-cache", "--cache", "d"], spec).flags).toEqual({ "no-cache": true, cache: "d" });
    expect(parseArgs(["--cache", "d", "--no-cache"], spec).flags).toEqual({ "no-cache": true, cache: "d" });
    expect(parseArgs([], spec).flags).toEqual({});
  });

  it("bad values are usage errors that say what is wrong", () => {
    const bad = (argv: string[]) => {
      try {
        parseArgs(argv, spec);
      } catch (error) {
        expect(error).toBeInstanceOf(UsageError);
        return (error as Error).message;
      }
      throw new Error(`accepted ${argv.join(" ")}`);
    };
    expect(bad(["--jobs", "0"])).toBe("option '--jobs' must be at least 1 (got '0')");
    expect(bad(["--jobs", "x"])).toBe("option '--jobs' needs a number (got 'x')");
    expect(bad(["--format", "text"])).toBe("option '--format' must be one of pretty, json, sarif (got 'text')");
    expect(bad(["--jobs", "--watch"])).toBe("option '--jobs' needs a value");
    expect(bad(["--jobs"])).toMatch(/argument missing/);
  });

  it("every command speaks pretty|json for --format (cache's old 'text' is refused)", async () => {
    expect((await cli(["cache", "stats", "--format", "text", "--cache", tempDir()])).code).toBe(2);
    expect((await cli(["cache", "stats", "-f", "pretty", "--cache", tempDir()])).code).toBe(0);
  });
});

describe("exit codes never lie", () => {
  it("no documents found: a clear message and exit 2 (validate and verify)", async () => {
    const empty = tempDir("anrf-empty-");
    for (const command of ["validate", "verify"]) {
      const { code, err } = await cli([command, "."], empty);
      expect(code, command).toBe(2);
      expect(err, command).toContain("no ANRF documents (*.anrf.json) found in .");
    }
  });

  it("Ctrl-C: the report printed is marked partial, and the exit code is 130", async () => {
    const dir = tempDir("anrf-partial-");
    copyFileSync(example("binary-search.anrf.json"), join(dir, "doc.anrf.json"));
    const controller = new AbortController();
    controller.abort(); // Ctrl-C before any obligation was decided
    const { code, out, err } = await cli(["verify", "doc.anrf.json", "-f", "json", "--no-cache"], dir, { signal: controller.signal });
    expect(code).toBe(130);
    const report = JSON.parse(out) as { partial: boolean; documents: { obligations: { status: string; reason: string }[] }[] };
    expect(report.partial).toBe(true);
    const cancelled = report.documents[0]!.obligations.filter((o) => o.reason === "cancelled");
    expect(cancelled.length).toBeGreaterThan(0);
    expect(cancelled.every((o) => o.status === "unknown")).toBe(true);
    expect(err).toMatch(/PARTIAL report — \d+ obligations? not decided/);
  });

  it("a reader that goes away (| head) ends the run quietly: no EPIPE stack trace", async () => {
    // ~2 MB of report: far more than a pipe holds, so writes go on after the reader is gone.
    const dir = tempDir("anrf-epipe-");
    for (let i = 0; i < 800; i++) writeFileSync(join(dir, `d${i}.anrf.json`), "{}");
    const child = spawn(process.execPath, [bin, "validate", ".", "--format", "json"], { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    // Read one chunk, then close the pipe, as head does.
    await new Promise<void>((resolve) => child.stdout.once("data", () => resolve()));
    child.stdout.destroy();
    const code = await new Promise<number | null>((resolve) => child.on("exit", (c) => resolve(c)));
    expect(stderr).toBe("");
    expect(code).toBe(1); // the documents' verdict (invalid), not a crash
  });
});

describe("anrf.config.json", () => {
  it("include/exclude choose the documents when none are given; flags override its settings", async () => {
    const dir = tempDir("anrf-config-");
    mkdirSync(join(dir, "docs", "old"), { recursive: true });
    copyFileSync(example("binary-search.anrf.json"), join(dir, "docs", "good.anrf.json"));
    writeFileSync(join(dir, "docs", "old", "broken.anrf.json"), "{}");
    writeFileSync(join(dir, "anrf.config.json"), JSON.stringify({ include: ["docs"], exclude: ["docs/old/**"] }));
    const included = await cli(["validate", "-f", "json"], dir);
    expect(included.code).toBe(0);
    expect((JSON.parse(included.out) as { documents: { file: string }[] }).documents.map((d) => d.file)).toEqual(["docs/good.anrf.json"]);
    // a path on the command line wins over include
    expect((await cli(["validate", "docs/old"], dir)).code).toBe(1);

    writeFileSync(join(dir, "anrf.config.json"), JSON.stringify({ include: ["docs/*.anrf.json"], jobs: 0 }));
    const invalid = await cli(["validate"], dir);
    expect(invalid.code).toBe(2);
    expect(invalid.err).toMatch(/anrf\.config\.json:1:\d+: \/jobs: /);
  });

  it("a setting a command cannot take names the setting with its position", async () => {
    const dir = tempDir("anrf-config-");
    writeFileSync(join(dir, "anrf.config.json"), JSON.stringify({ mode: "fast" }));
    const refused = await cli(["run", "doc.anrf.json", "--entry", "f"], dir);
    expect(refused.code).toBe(2);
    expect(refused.err).toContain("anrf.config.json:1:9: /mode: expected one of production, testing, development, got 'fast'");
  });

  it("errors carry line:column and the JSON pointer", () => {
    const text = '{\n  "jobs": 2,\n  "timeouts": { "solverMs": "fast" },\n  "colour": true\n}\n';
    let message = "";
    try {
      parseConfig(text);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/anrf\.config\.json:3:\d+: \/timeouts\/solverMs: /);
    expect(message).toMatch(/anrf\.config\.json:4:\d+: \/colour: /);
    expect(() => parseConfig('{ "jobs": 2, }')).toThrow(/anrf\.config\.json:1:\d+: invalid JSON/);
    expect(parseConfig('{ "jobs": 2, "mode": "testing", "cache": { "dir": "x" } }')).toEqual({ jobs: 2, mode: "testing", cache: { dir: "x" } });
  });
});

describe("progress line", () => {
  it("never drawn when stderr is not a terminal or CI is set; on a terminal, drawn after the delay and erased at the end", async () => {
    const lines: string[] = [];
    const io = { ...captureIo(root), stderr: (t: string) => void lines.push(t) };
    startProgress({ ...io, stderrIsTTY: false }, "x", { delayMs: 0 }).done();
    startProgress({ ...io, stderrIsTTY: true, env: { CI: "true" } }, "x", { delayMs: 0 }).done();
    expect(lines).toEqual([]);
    const progress = startProgress({ ...io, stderrIsTTY: true, env: {} }, "anrf verify", { delayMs: 0 });
    progress.update("solving 1/2 queries");
    await new Promise<void>((resolve) => {
      const check = (): void => (lines.length > 0 ? resolve() : void setImmediate(check));
      check();
    });
    progress.done();
    expect(lines[0]).toMatch(/^\r\x1b\[2Kanrf verify: solving 1\/2 queries \(\d+ s\)$/);
    expect(lines.at(-1)).toBe("\r\x1b[2K");
  });
});
