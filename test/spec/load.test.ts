/** loadDocument / collectDocumentFiles: the effectful shell, against real files in a temp folder. */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync, chmodSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collectDocumentFiles, loadDocument, MAX_JSON_DEPTH } from "../../spec/load.js";
import { example, examplesDir, VALID_EXAMPLES, type JsonObject } from "./documents.js";

let dir: string;
const write = (name: string, content: string | JsonObject) => {
  const file = path.join(dir, name);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, typeof content === "string" ? content : JSON.stringify(content, null, 2));
  return file;
};
const withSource = (source: string): JsonObject => {
  const doc = example("ring-buffer");
  (doc["execution"] as JsonObject)["source"] = source;
  return doc;
};
const RING = "export function ringSlot(head: number, offset: number, capacity: number): number {\n  return (head + offset) % capacity;\n}\n";

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), "anrf-load-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("loadDocument", () => {
  for (const name of VALID_EXAMPLES) {
    it(`loads examples/${name} with its module`, async () => {
      const loaded = await loadDocument(path.join("examples", `${name}.anrf.json`), { cwd: path.dirname(examplesDir) });
      expect(loaded.valid).toBe(true);
      expect(loaded.document?.anrf_version).toBe("1.1.0");
      expect(loaded.file).toBe(path.join("examples", `${name}.anrf.json`));
      expect(loaded.absoluteFile).toBe(path.join(examplesDir, `${name}.anrf.json`));
      if (name === "public-example") expect(loaded.module).toBeUndefined();
      else {
        const execution = loaded.document!.execution;
        expect(loaded.module?.fromInline).toBe(execution.code !== undefined);
        if (execution.code !== undefined) expect(loaded.module).toEqual({ text: execution.code, file: loaded.absoluteFile, fromInline: true });
        else expect(loaded.module?.file).toBe(path.join(examplesDir, execution.source!));
        expect(loaded.module!.text).toMatch(/export function/);
      }
    });
  }

  it("refuses a file over the size limit before parsing it", async () => {
    const file = write("big.anrf.json", `{ "not json ${"x".repeat(2000)}`);
    const loaded = await loadDocument(file, { maxBytes: 1000 });
    expect(loaded.findings.map((f) => [f.ruleId, f.path])).toEqual([["size", ""]]);
    expect(loaded.findings[0]!.message).toContain("over the limit of 1000 bytes");
    expect(loaded.valid).toBe(false);
  });

  it("reports a missing file and a directory as io findings", async () => {
    expect((await loadDocument(path.join(dir, "nope.anrf.json"))).findings.map((f) => [f.ruleId, f.message.endsWith("no such file")])).toEqual([["io", true]]);
    expect((await loadDocument(dir)).findings.map((f) => [f.ruleId, f.message.endsWith("is a directory")])).toEqual([["io", true]]);
  });

  it.skipIf(process.getuid?.() === 0)("reports an unreadable file as io", async () => {
    const file = write("secret.anrf.json", "{}");
    chmodSync(file, 0o000);
    const loaded = await loadDocument(file);
    expect(loaded.findings.map((f) => [f.ruleId, f.message.endsWith("permission denied")])).toEqual([["io", true]]);
  });

  it("malformed JSON → line and column", async () => {
    const file = write("broken.anrf.json", '{\n  "anrf_version": "1.1.0",\n  "creator_id": tru\n}\n');
    const loaded = await loadDocument(file);
    expect(loaded.findings).toHaveLength(1);
    expect(loaded.findings[0]).toMatchObject({ ruleId: "json", path: "" });
    expect(loaded.findings[0]!.message).toMatch(/^invalid JSON at line 3, column 17: /);
  });

  it("invalid UTF-8 and over-deep nesting are json findings", async () => {
    const bin = path.join(dir, "latin1.anrf.json");
    writeFileSync(bin, Buffer.from([0x7b, 0x22, 0xe9, 0x22, 0x3a, 0x31, 0x7d]));
    expect((await loadDocument(bin)).findings.map((f) => f.ruleId)).toEqual(["json"]);
    const deep = write("deep.anrf.json", `{"x-a": ${"[".repeat(MAX_JSON_DEPTH + 5)}${"]".repeat(MAX_JSON_DEPTH + 5)}}`);
    const loaded = await loadDocument(deep);
    expect(loaded.findings.map((f) => f.ruleId)).toEqual(["json"]);
    expect(loaded.findings[0]!.message).toContain("nesting");
  });

  it("execution.source inside the folder tree (also through an inner symlink) is read", async () => {
    write("proj/src/ring.ts", RING);
    symlinkSync(path.join(dir, "proj/src/ring.ts"), path.join(dir, "proj/linked.ts"));
    const direct = await loadDocument(write("proj/direct.anrf.json", withSource("src/ring.ts")));
    expect(direct.findings.filter((f) => f.ruleId === "source")).toEqual([]);
    expect(direct.module).toEqual({ text: RING, file: path.join(dir, "proj/src/ring.ts"), fromInline: false });
    const linked = await loadDocument(write("proj/linked.anrf.json", withSource("linked.ts")));
    expect(linked.module?.text).toBe(RING);
  });

  it("execution.source missing, absolute, outside the tree, or escaping through a symlink → source finding", async () => {
    write("outside.ts", RING);
    symlinkSync(path.join(dir, "outside.ts"), path.join(dir, "proj2-link.ts"));
    mkdirSync(path.join(dir, "proj2"), { recursive: true });
    symlinkSync(path.join(dir, "outside.ts"), path.join(dir, "proj2/escape.ts"));
    const cases: Array<[string, string]> = [
      ["missing.ts", "no such file"],
      [path.join(dir, "outside.ts"), "is absolute"],
      ["../outside.ts", "outside the document's folder"],
      ["escape.ts", "through a symbolic link"],
      [".", "is a directory"],
    ];
    for (const [source, message] of cases) {
      const loaded = await loadDocument(write("proj2/doc.anrf.json", withSource(source)));
      expect(loaded.findings.map((f) => [f.ruleId, f.path]), source).toEqual([["source", "/execution/source"]]);
      expect(loaded.findings[0]!.message, source).toContain(message);
      expect(loaded.module).toBeUndefined();
      expect(loaded.valid).toBe(false);
    }
  });

  it("a module file over the size limit is refused", async () => {
    const text = JSON.stringify(withSource("big.ts"));
    write("proj3/big.ts", `// ${"x".repeat(text.length + 100)}\n${RING}`);
    const doc = write("proj3/doc.anrf.json", text);
    const loaded = await loadDocument(doc, { maxBytes: text.length + 50 });
    expect(loaded.findings.map((f) => f.ruleId)).toEqual(["source"]);
  });

  it("a schema-invalid document has no document and no module", async () => {
    const doc = example("adler32-checksum");
    delete doc["security"];
    const loaded = await loadDocument(write("nosec.anrf.json", doc));
    expect(loaded.document).toBeUndefined();
    expect(loaded.module).toBeUndefined();
  });
});

describe("collectDocumentFiles", () => {
  it("walks directories for *.anrf.json, sorted, skipping marked folders, node_modules and dot-folders", async () => {
    const root = path.join(dir, "walk");
    for (const f of ["b.anrf.json", "a.anrf.json", "sub/c.anrf.json", "sub/notes.json", "node_modules/x/d.anrf.json", ".hidden/e.anrf.json", "bad/f.anrf.json", "bad/.anrf-skip"]) {
      mkdirSync(path.dirname(path.join(root, f)), { recursive: true });
      writeFileSync(path.join(root, f), "{}");
    }
    const { files, problems } = await collectDocumentFiles(["walk"], dir);
    expect(problems).toEqual([]);
    expect(files).toEqual([path.join("walk", "a.anrf.json"), path.join("walk", "b.anrf.json"), path.join("walk", "sub", "c.anrf.json")]);
    const marked = await collectDocumentFiles(["walk/bad"], dir);
    expect(marked.files).toEqual([path.join("walk/bad", "f.anrf.json")]);
  });

  it("keeps explicit files as given, whatever their name, and reports missing paths", async () => {
    write("plain.json", "{}");
    const { files, problems } = await collectDocumentFiles(["plain.json", "missing", "also/missing.anrf.json"], dir);
    expect(files).toEqual(["plain.json"]);
    expect(problems).toEqual([
      { path: "missing", message: "no such file" },
      { path: "also/missing.anrf.json", message: "no such file" },
    ]);
  });

  it("leaves examples/invalid out of examples, and finds the seven valid examples", async () => {
    const { files } = await collectDocumentFiles(["examples"], path.dirname(examplesDir));
    expect(files.map((f) => path.basename(f, ".anrf.json"))).toEqual([...VALID_EXAMPLES]);
  });
});
