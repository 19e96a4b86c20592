/**
 * The library as a user gets it: `npm pack` the project (dist/ is built by `npm test`), install
 * the tarball into a fresh project with `npm install --offline` — its dependencies come from a
 * hard-linked copy of this project's node_modules, so no network is needed — then type-check
 * docs/api.md's example against the installed package's declarations and run it.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { projectRoot } from "../../support/compiled-path.js";
import { tempDir } from "../proofs-cache/fixtures.js";

const root = projectRoot();
const npm = process.platform === "win32" ? "npm.cmd" : "npm";

/** The ```ts block after `<!-- api-example -->` in docs/api.md (README shows the same calls). */
function apiExample(): string {
  const text = readFileSync(join(root, "docs", "api.md"), "utf8");
  const match = /<!-- api-example -->\s*```ts\n([\s\S]*?)```/.exec(text);
  if (match === null) throw new Error("docs/api.md has no <!-- api-example --> block");
  return match[1]!;
}

describe("the packed library", () => {
  const project = tempDir("anrf-consumer-");
  let tarball = "";
  beforeAll(() => {
    expect(existsSync(join(root, "dist", "index.js")), "run `npm run build` first (npm test does)").toBe(true);
    // --ignore-scripts: `prepare` would rebuild; dist/ is fresh already.
    const packed = execFileSync(npm, ["pack", "--ignore-scripts", "--json", "--pack-destination", project], { cwd: root, encoding: "utf8" });
    tarball = join(project, (JSON.parse(packed) as { filename: string }[])[0]!.filename);
    writeFileSync(join(project, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module" }));
    // The dependencies, offline: a hard-linked copy of ours (instant, no bytes copied).
    const linked = spawnSync("cp", ["-al", join(root, "node_modules"), join(project, "node_modules")]);
    if (linked.status !== 0) cpSync(join(root, "node_modules"), join(project, "node_modules"), { recursive: true, verbatimSymlinks: true });
    rmSync(join(project, "node_modules", ".package-lock.json"), { force: true });
  });
  afterAll(() => rmSync(project, { recursive: true, force: true }));

  it("has exports and types; the tarball holds the compiled code and declarations, not the sources or tests", () => {
    const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as Record<string, any>;
    expect(pkg.exports["."]).toEqual({ types: "./dist/index.d.ts", import: "./dist/index.js" });
    expect(pkg.types).toBe("./dist/index.d.ts");
    const listing = execFileSync("tar", ["-tzf", tarball], { encoding: "utf8" }).split("\n");
    expect(listing).toContain("package/dist/index.d.ts");
    expect(listing).toContain("package/dist/verifier/solver/solver-worker.js");
    expect(listing.some((f) => f.startsWith("package/test/") || f.startsWith("package/dist/test/"))).toBe(false);
    // TypeScript sources only where they are data (the examples' modules).
    expect(listing.filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts") && !f.startsWith("package/examples/"))).toEqual([]);
  });

  it("installs offline, type-checks and runs the documented example", () => {
    const install = spawnSync(npm, ["install", "--offline", "--no-audit", "--no-fund", "--ignore-scripts", tarball], { cwd: project, encoding: "utf8" });
    expect(install.status, install.stderr).toBe(0);
    expect(readdirSync(join(project, "node_modules", "anrf", "dist")).includes("index.d.ts")).toBe(true);

    writeFileSync(join(project, "example.ts"), apiExample());
    const wrong = 'import { run, verify } from "anrf";\n' +
      'for (const f of [() => verify({ paths: ["x"] } as never), () => run({ doc: "x" } as never, "e"), () => verify("x", { jobs: "2" } as never)])\n' +
      '  await f().then(() => console.log("accepted"), (e: Error) => console.log(`${e.name}: ${e.message}`));\n';
    writeFileSync(join(project, "wrong.ts"), wrong);
    // One compiler run for both files (each run loads the package's declarations anew).
    const tsc = join(root, "node_modules", "typescript", "bin", "tsc");
    const flags = ["--strict", "--module", "nodenext", "--moduleResolution", "nodenext", "--target", "es2023", "--skipLibCheck", "--typeRoots", join(root, "node_modules", "@types"), "--types", "node", "--outDir", "out"];
    const typed = spawnSync(process.execPath, [tsc, ...flags, "example.ts", "wrong.ts"], { cwd: project, encoding: "utf8" });
    expect(typed.status, typed.stdout + typed.stderr).toBe(0);

    const ran = spawnSync(process.execPath, [join("out", "example.js")], { cwd: project, encoding: "utf8" });
    expect(ran.status, ran.stderr).toBe(0);
    expect(ran.stdout, ran.stdout).toMatch(/^validate: 1 document, 0 errors$/m);
    expect(ran.stdout).toMatch(/^verify: passed=true, proved=\d+$/m);
    expect(ran.stdout, ran.stdout).toMatch(/^explain: ENT-BSEARCH\/\S+ is (\w+) \(verify said \1\)$/m);
    expect(ran.stdout).toMatch(/^run: ok, value 2$/m);

    // A wrong call shape is a TypeError that says what was expected (not "no Function entity named '[object Object]'").
    const shapes = spawnSync(process.execPath, [join("out", "wrong.js")], { cwd: project, encoding: "utf8" }).stdout.trim().split("\n");
    expect(shapes).toEqual([
      "TypeError: anrf.verify: the first argument must be a path or a non-empty array of paths (strings), got an object",
      "TypeError: anrf.run: the first argument must be the path of an ANRF document (a string), got an object",
      `TypeError: anrf.verify: option 'jobs' must be a whole number >= 0, got "2"`,
    ]);
  });
});
