/**
 * `anrf verify <folder> --watch` must see every save, however the editor saves: rename-saves
 * (write a temporary file, rename it over the module, as sed -i and most editors do), deletes
 * and re-creates of the module inside the watched folder — repeated 20 times, because Node's
 * recursive fs.watch stopped reporting a file after its first rename-save. Every step waits for
 * the run it causes (counted, never timed); a missed event hangs the step and the test times out.
 */
import { renameSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { watchDocuments, type Watch, type WatchRun } from "../../verifier/watch/watch-documents.js";
import { FsWatchers } from "../../verifier/watch/fs-watch.js";
import { tempDir } from "../proofs-cache/fixtures.js";
import { documentValue, type EntitySpec } from "./incremental/documents.js";

const post = ["Number.isInteger(result)", "result >= 0"];
const entities: EntitySpec[] = [{ name: "a", post }];
const variant = (n: number) => `export function a(data: Uint8Array): number {\n  if (data.length > ${n}) {\n    return data[${n}]! + 1;\n  }\n  return 0;\n}\n`;
const ROUNDS = 20;

function recorder() {
  const runs: WatchRun[] = [];
  const waiting: (() => void)[] = [];
  return {
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

let watch: Watch | undefined;
afterAll(async () => {
  await watch?.close();
});

describe("watch: every kind of save is seen, again and again", () => {
  it(`rename-saves, deletes and re-creates of a module inside the watched folder, ${ROUNDS} times`, async () => {
    const dir = tempDir("anrf-watch-saves-");
    mkdirSync(join(dir, "src"));
    const moduleFile = join(dir, "src", "mod.ts");
    writeFileSync(moduleFile, variant(1));
    writeFileSync(join(dir, "main.anrf.json"), JSON.stringify(documentValue("", entities, { source: "src/mod.ts" }), null, 2));
    const rec = recorder();
    watch = await watchDocuments(["."], { cwd: dir, timeoutMs: 60_000, rlimit: 0, jobs: 1, debounceMs: 10 }, rec.onRun);
    let run = 0;
    expect((await rec.next(run++)).passed).toBe(true);

    for (let round = 0; round < ROUNDS; round++) {
      const content = variant(2 + (round % 2)); // differs from what the module held before this round
      // 1. rename-save, like sed -i: a new inode takes the module's name
      const temporary = join(dir, "src", `.mod.ts.${round}.tmp`);
      writeFileSync(temporary, content);
      renameSync(temporary, moduleFile);
      const saved = await rec.next(run++);
      expect(saved.report.documents.map((d) => d.file), `round ${round}: rename-save`).toEqual(["main.anrf.json"]);
      expect(saved.passed, `round ${round}: rename-save`).toBe(true);
      // 2. delete: the document now names a module that is not there
      rmSync(moduleFile);
      const deleted = await rec.next(run++);
      expect(deleted.passed, `round ${round}: delete`).toBe(false);
      expect(deleted.report.documents[0]!.valid, `round ${round}: delete`).toBe(false);
      // 3. re-create in place
      writeFileSync(moduleFile, content);
      const recreated = await rec.next(run++);
      expect(recreated.passed, `round ${round}: re-create`).toBe(true);
      expect(recreated.report.documents.map((d) => [d.file, d.valid]), `round ${round}: re-create`).toEqual([["main.anrf.json", true]]);
    }
    expect(run).toBe(1 + 3 * ROUNDS);
    await watch.close();
    watch = undefined;
  });

  it(`the watcher itself reports each of ${ROUNDS} rename-saves of a file watched by name (its folder, depth 0)`, async () => {
    const dir = tempDir("anrf-watch-saves-");
    const file = join(dir, "mod.ts");
    writeFileSync(file, "0");
    const seen: string[] = [];
    const waiting: (() => void)[] = [];
    const watchers = new FsWatchers((changed) => {
      seen.push(changed);
      for (const wake of waiting.splice(0)) wake();
    });
    try {
      expect(watchers.update({ trees: [], files: [file] })).toBe(true);
      await watchers.ready();
      for (let round = 1; round <= ROUNDS; round++) {
        const before = seen.filter((f) => f === file).length;
        writeFileSync(join(dir, `other-${round}.txt`), "not watched"); // a neighbour: must not count
        writeFileSync(`${file}.tmp`, String(round));
        renameSync(`${file}.tmp`, file);
        while (seen.filter((f) => f === file).length === before) await new Promise<void>((resolve) => waiting.push(resolve));
      }
      expect(seen.every((f) => f === file)).toBe(true);
    } finally {
      await watchers.close();
    }
  });
});
