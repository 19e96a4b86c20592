/**
 * `anrf verify --watch` as a library: real files, real file system notifications, the real
 * solver pool. Each step changes the files and waits for the run it causes; what the run
 * verified, reused and reported is checked against a one-shot verification of the same files.
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openExtractionMemo, openVerdictCache } from "../../proofs-cache/open.js";
import { verifyDocuments } from "../../verifier/index.js";
import { watchDocuments, type Watch, type WatchRun } from "../../verifier/watch/watch-documents.js";
import { tempDir } from "../proofs-cache/fixtures.js";
import { documentValue, type EntitySpec } from "./incremental/documents.js";

const post = ["Number.isInteger(result)", "result >= 0"];
const entities: EntitySpec[] = [{ name: "a", post }, { name: "b", post }, { name: "c", post }];
const fn = (name: string, guard: number, index = guard) => `export function ${name}(data: Uint8Array): number {\n  if (data.length > ${guard}) {\n    return data[${index}]! + 1;\n  }\n  return 0;\n}\n`;
const write = (file: string, value: unknown) => writeFileSync(file, typeof value === "string" ? value : JSON.stringify(value, null, 2));

/** Runs as they arrive, and a way to wait for the next one (by count: no clock involved; the test timeout bounds a hang). */
export function recorder() {
  const runs: WatchRun[] = [];
  const waiting: (() => void)[] = [];
  return {
    runs,
    onRun: (run: WatchRun) => {
      runs.push(run);
      for (const wake of waiting.splice(0)) wake();
    },
    async next(after: number): Promise<WatchRun> {
      while (runs.length <= after) await new Promise<void>((resolve) => waiting.push(resolve));
      return runs[after]!;
    },
  };
}

const statuses = (report: WatchRun["report"]) => report.documents.flatMap((d) => d.obligations.map((o) => `${d.file} ${o.id} ${o.status}`)).sort();

let watch: Watch | undefined;
afterAll(async () => {
  await watch?.close();
});

describe("watchDocuments", () => {
  it("re-verifies what changed and only that, reusing everything else, and agrees with one-shot verification", async () => {
    const dir = tempDir("anrf-watch-");
    mkdirSync(join(dir, "src"));
    const moduleFile = join(dir, "src", "mod.ts");
    write(moduleFile, fn("a", 1) + fn("b", 2) + fn("c", 3));
    write(join(dir, "main.anrf.json"), documentValue("", entities, { source: "src/mod.ts" }));
    write(join(dir, "other.anrf.json"), documentValue(fn("a", 4), [{ name: "a", post }]));
    const options = { dir: join(dir, ".anrf", "cache"), env: {}, cwd: dir };
    const cache = await openVerdictCache(options);
    const memo = openExtractionMemo(options);
    const rec = recorder();
    watch = await watchDocuments(["."], { cwd: dir, timeoutMs: 60_000, rlimit: 0, jobs: 1, cache, memo, debounceMs: 10 }, rec.onRun);

    const first = await rec.next(0);
    expect(first.report.documents.map((d) => d.file).sort()).toEqual(["main.anrf.json", "other.anrf.json"]);
    expect(first.passed).toBe(true);
    expect(first.report.run.extraction).toMatchObject({ entitiesExtracted: 4, entitiesReused: 0 });

    // One function of the module changes: only main is verified again, two of its entities reused.
    write(moduleFile, fn("a", 1) + fn("b", 5) + fn("c", 3));
    const edit = await rec.next(1);
    expect(edit.report.documents.map((d) => d.file)).toEqual(["main.anrf.json"]);
    expect(edit.report.run.extraction).toMatchObject({ entitiesExtracted: 1, entitiesReused: 2, typeBodiesReused: 2, typeBodiesChecked: 1 });
    expect(edit.report.run.solved).toBeGreaterThan(0);
    expect(edit.report.run.solved).toBeLessThan(edit.report.run.queries);
    expect(edit.report.run.solverInitMs).toEqual([]); // the pool stayed warm
    const oneShot = await verifyDocuments(["main.anrf.json"], { cwd: dir, timeoutMs: 60_000, rlimit: 0, jobs: 1 });
    expect(statuses(edit.report)).toEqual(statuses(oneShot));

    // A read beyond the guard: refuted, and the watch as a whole now fails.
    write(moduleFile, fn("a", 1) + fn("b", 5, 9) + fn("c", 3));
    const broken = await rec.next(2);
    expect(broken.passed).toBe(false);
    expect(broken.report.documents[0]!.obligations.some((o) => o.status === "refuted" && o.kind === "bounds")).toBe(true);

    // A half-written document is reported invalid; the next save fixes it.
    write(join(dir, "other.anrf.json"), '{ "anrf_version": ');
    const invalid = await rec.next(3);
    expect(invalid.report.documents.map((d) => [d.file, d.valid])).toEqual([["other.anrf.json", false]]);
    expect(invalid.report.documents[0]!.findings[0]!.ruleId).toBe("json");
    write(join(dir, "other.anrf.json"), documentValue(fn("a", 4), [{ name: "a", post }]));
    const fixed = await rec.next(4);
    expect(fixed.report.documents.map((d) => [d.file, d.valid])).toEqual([["other.anrf.json", true]]);
    expect(fixed.report.run.extraction.documentsMemoised).toBe(1); // the same document as in run 1

    // Removed and added documents.
    rmSync(join(dir, "other.anrf.json"));
    const removed = await rec.next(5);
    expect(removed.removed).toEqual(["other.anrf.json"]);
    mkdirSync(join(dir, "sub"), { recursive: true });
    write(join(dir, "sub", "new.anrf.json"), documentValue(fn("c", 2), [{ name: "c", post }]));
    const added = await rec.next(6);
    expect(added.report.documents.map((d) => d.file)).toEqual([join("sub", "new.anrf.json")]);

    // Fixing the module makes everything pass again.
    write(moduleFile, fn("a", 1) + fn("b", 5) + fn("c", 3));
    const healed = await rec.next(7);
    expect(healed.passed).toBe(true);
    expect(healed.report.run.solved).toBe(0); // every verdict seen before

    await watch.close();
    watch = undefined;
    await cache?.close();
    // Everything the watch learnt reached the disk: a one-shot run is all hits, without extraction.
    const again = await verifyDocuments(["."], { cwd: dir, timeoutMs: 60_000, rlimit: 0, jobs: 1, cache: await openVerdictCache(options), memo: openExtractionMemo(options) });
    expect(again.run.solved).toBe(0);
    expect(again.run.extraction).toMatchObject({ documentsMemoised: 2, documentsExtracted: 0 });
  });

  it("a named document in a folder that does not exist yet: reported missing, then verified when it appears (the watch polls)", async () => {
    const dir = tempDir("anrf-watch-");
    const rec = recorder();
    const polled = await watchDocuments(["later/doc.anrf.json"], { cwd: dir, timeoutMs: 60_000, rlimit: 0, jobs: 1, debounceMs: 10, pollMs: 100 }, rec.onRun);
    try {
      const first = await rec.next(0);
      expect(first.passed).toBe(false);
      expect(first.report.documents.map((d) => [d.file, d.findings[0]?.ruleId])).toEqual([["later/doc.anrf.json", "io"]]);
      mkdirSync(join(dir, "later"));
      write(join(dir, "later", "doc.anrf.json"), documentValue(fn("a", 2), [{ name: "a", post }]));
      const appeared = await rec.next(1);
      expect(appeared.passed).toBe(true);
      expect(appeared.report.documents.map((d) => [d.file, d.valid])).toEqual([["later/doc.anrf.json", true]]);
    } finally {
      await polled.close();
    }
  });
});
