/**
 * `anrf report --html` in a real browser: Debian's Chromium (/usr/bin/chromium, installed by
 * .ci/install-chromium.sh) driven by playwright-core with a fresh profile. The page must load
 * with no console errors and no request leaving the file, show the run's counts (checked against
 * `anrf verify --format json` on the same cache), highlight unproved sites, and render hostile
 * document text as text. A screenshot is kept in .tmp/test-artifacts/ (git-ignored). Under
 * CI=true a missing Chromium fails; locally the test skips loudly.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium, type BrowserContext } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../cli/main.js";
import { escapeHtml } from "../../cli/report/html.js";
import { projectRoot } from "../../support/compiled-path.js";
import { captureIo } from "./validate-io.js";

const root = projectRoot();
const CHROMIUM = "/usr/bin/chromium";
const FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];
const available = existsSync(CHROMIUM);
if (!available) {
  const why = `${CHROMIUM} not found: install Debian's chromium (bash .ci/install-chromium.sh)`;
  if (process.env["CI"] === "true") throw new Error(why);
  console.warn(`\n*** SKIPPING the HTML report browser test: ${why} ***\n`);
}

const scratch = mkdtempSync(join(tmpdir(), "anrf-report-"));
const artifacts = join(root, ".tmp", "test-artifacts");
let context: BrowserContext | undefined;
afterAll(async () => {
  await context?.close();
  rmSync(scratch, { recursive: true, force: true });
});

async function anrf(...argv: string[]): Promise<{ code: number; out: string }> {
  const io = captureIo(root);
  const code = await runCli(argv, io);
  return { code, out: io.out() };
}

const HOSTILE = `<img src=x onerror="document.title='pwned'"><script>document.title='pwned'</script>`;

describe.skipIf(!available)("anrf report --html in Debian's Chromium", () => {
  const page = join(scratch, "report.html");
  let code: number;
  let summary: Record<string, number>;
  beforeAll(async () => {
    // The adler32 bug (refuted by execution) and a document whose text tries to inject markup.
    const adler = JSON.parse(readFileSync(join(root, "examples", "adler32-checksum.anrf.json"), "utf8")) as { execution: { code: string }; intent: { description: string }; semantics: { invariants: Array<{ description: string }> } };
    adler.execution.code = adler.execution.code.replace("return b * 65536 + a;", `return b * 65536 + a - 5; // ${HOSTILE}`);
    adler.semantics.invariants[0]!.description = HOSTILE;
    writeFileSync(join(scratch, "adler-bug.anrf.json"), JSON.stringify(adler, null, 2));
    const cache = join(scratch, "cache");
    const inputs = ["examples", "test/verifier/fixtures/seeded", join(scratch, "adler-bug.anrf.json")];
    ({ code } = await anrf("report", ...inputs, "--html", page, "--cache", cache));
    summary = (JSON.parse((await anrf("verify", ...inputs, "--format", "json", "--cache", cache, "--no-confirm")).out) as { summary: Record<string, number> }).summary;
    const userData = mkdtempSync(join(scratch, "profile-"));
    context = await chromium.launchPersistentContext(userData, { executablePath: CHROMIUM, headless: true, args: FLAGS });
  });

  it("is written whatever the verdicts (exit 1: refuted obligations) and is self-contained", () => {
    expect(code).toBe(1);
    const html = readFileSync(page, "utf8");
    expect(html).toContain("Content-Security-Policy");
    expect(html).not.toMatch(/<(script|link|iframe)\b|src=["']?(https?:|\/\/)/i);
    expect(html).not.toContain(HOSTILE);
    expect(html).toContain(escapeHtml(HOSTILE));
  });

  it("loads with no console error and no request, shows the run's counts, highlights unproved sites; screenshot kept", async () => {
    const tab = await context!.newPage();
    const errors: string[] = [];
    const requests: string[] = [];
    tab.on("console", (m) => {
      if (m.type() === "error") errors.push(m.text());
    });
    tab.on("pageerror", (e) => errors.push(String(e)));
    tab.on("request", (r) => requests.push(r.url()));
    await tab.setViewportSize({ width: 1200, height: 900 });
    await tab.goto(pathToFileURL(page).href);
    expect(errors).toEqual([]);
    expect(requests.filter((u) => u !== pathToFileURL(page).href)).toEqual([]);
    expect(await tab.title()).toBe("anrf report");
    const count = async (name: string) => Number(await tab.locator(`header [data-count="${name}"] b`).textContent());
    expect(await count("documents")).toBe(summary["documents"]);
    expect(await count("proved")).toBe(summary["proved"]);
    expect(await count("unsupported")).toBe(summary["unsupported"]);
    // Confirmation turns the unknown candidates of the bug into refuted ones.
    expect(await count("refuted")).toBe(summary["refuted"]! + summary["unknown"]!);
    expect(await count("unknown")).toBe(0);
    expect(await count("confirmed")).toBeGreaterThanOrEqual(1);
    expect(await tab.locator('[data-summary="failed"]').count()).toBe(1);
    const bug = tab.locator("section.doc", { hasText: "adler-bug.anrf.json" }).first();
    expect(await bug.locator("[data-doc-status]").textContent()).toBe("failed");
    expect(await bug.locator("pre.src mark.refuted").first().textContent()).toContain("return b * 65536 + a - 5");
    expect(await bug.locator("pre.src").textContent()).toContain(HOSTILE);
    expect(await bug.locator("tr[data-status=refuted]").count()).toBeGreaterThanOrEqual(1);
    expect(await bug.locator("[data-profile=none]").count()).toBe(1);
    expect(await tab.locator("img").count()).toBe(0);
    mkdirSync(artifacts, { recursive: true });
    await bug.screenshot({ path: join(artifacts, "report-html-adler-bug.png") });
    await tab.screenshot({ path: join(artifacts, "report-html.png"), fullPage: true });
    expect(existsSync(join(artifacts, "report-html.png"))).toBe(true);
    await tab.close();
  });
});

describe("anrf report: usage", () => {
  it("needs --html and documents (exit 2)", async () => {
    expect((await anrf("report", "examples")).code).toBe(2);
    expect((await anrf("report", "--html", join(scratch, "x.html"))).code).toBe(2);
  });
});
