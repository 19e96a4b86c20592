import { randomBytes } from "node:crypto";
import { readFileSync, utimesSync } from "node:fs";
import { mkdir, readdir, rename, rm, stat, unlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { isHexKey } from "./key.js";

/** Namespaces of the local store: verdicts (action cache) and extraction memo. */
export type Namespace = "ac" | "memo";

export interface StoredFile {
  readonly namespace: Namespace;
  readonly key: string;
  readonly path: string;
  readonly size: number;
  /** Last use: written or hit (hits touch the file), the LRU order for prune. */
  readonly mtimeMs: number;
}

/**
 * Content-addressed files `<root>/<ns>/<k[0:2]>/<k>`. Writes go to a uniquely named temporary
 * file in the same directory and are renamed into place: rename(2) within one file system is
 * atomic, so a concurrent reader sees the old file or the new one, never a mix, and two
 * writers of the same key simply race to the last rename with complete files. A crash can
 * leave a `.tmp-*` file behind (ignored by readers, removed by prune) or, without fsync, an
 * empty/short entry after power loss — readers check the digest and treat that as a miss.
 */
export class LocalStore {
  constructor(readonly root: string) {}

  pathOf(namespace: Namespace, key: string): string {
    if (!isHexKey(key)) throw new TypeError(`not a cache key: ${key}`);
    return join(this.root, namespace, key.slice(0, 2), key);
  }

  /**
   * The file's text, or undefined when there is none. Other I/O errors propagate.
   * Reads and touches are synchronous on purpose: entries are a few hundred bytes on a local
   * disk, and a warm run does one read + one touch per query; going through libuv's 4-thread
   * pool costs ~8× more (measured: 644 entries, 55 ms async vs 7 ms sync).
   */
  async read(namespace: Namespace, key: string): Promise<string | undefined> {
    try {
      return readFileSync(this.pathOf(namespace, key), "utf8");
    } catch (error) {
      if (isCode(error, "ENOENT") || isCode(error, "EISDIR")) return undefined;
      throw error;
    }
  }

  async write(namespace: Namespace, key: string, text: string): Promise<void> {
    const path = this.pathOf(namespace, key);
    const dir = join(this.root, namespace, key.slice(0, 2));
    await mkdir(dir, { recursive: true });
    const temp = join(dir, `.tmp-${process.pid}-${randomBytes(6).toString("hex")}`);
    try {
      await writeFile(temp, text, { encoding: "utf8", flag: "wx" });
      await rename(temp, path);
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
  }

  /** Mark as recently used (LRU for prune). Losing a race with prune or remove is harmless. */
  async touch(namespace: Namespace, key: string): Promise<void> {
    const now = new Date();
    try {
      utimesSync(this.pathOf(namespace, key), now, now);
    } catch {
      // the entry vanished in between: nothing to mark
    }
  }

  async remove(namespace: Namespace, key: string): Promise<void> {
    try {
      await unlink(this.pathOf(namespace, key));
    } catch (error) {
      if (!isCode(error, "ENOENT")) throw error;
    }
  }

  /** Every entry of a namespace (skipping temporary files); `stray` lists leftover temp files. */
  async list(namespace: Namespace): Promise<{ files: StoredFile[]; stray: StoredFile[] }> {
    const files: StoredFile[] = [];
    const stray: StoredFile[] = [];
    const base = join(this.root, namespace);
    for (const shard of await readdirOrEmpty(base)) {
      if (!/^[0-9a-f]{2}$/.test(shard)) continue;
      for (const name of await readdirOrEmpty(join(base, shard))) {
        const path = join(base, shard, name);
        let info;
        try {
          info = await stat(path);
        } catch {
          continue; // removed concurrently
        }
        if (!info.isFile()) continue;
        const file = { namespace, key: name, path, size: info.size, mtimeMs: info.mtimeMs };
        if (isHexKey(name) && name.startsWith(shard)) files.push(file);
        else if (name.startsWith(".tmp-")) stray.push(file);
      }
    }
    return { files, stray };
  }
}

async function readdirOrEmpty(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (error) {
    if (isCode(error, "ENOENT") || isCode(error, "ENOTDIR")) return [];
    throw error;
  }
}

export function isCode(error: unknown, code: string): boolean {
  return typeof error === "object" && error !== null && (error as { code?: unknown }).code === code;
}
