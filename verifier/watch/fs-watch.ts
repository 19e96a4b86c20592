import { watch, type FSWatcher } from "node:fs";
import * as path from "node:path";

/**
 * The effectful edge of `--watch`: file system notifications for a set of directories, turned
 * into one callback per relevant event. Directories given by the user are watched recursively
 * (every `*.anrf.json` below them counts); the folder of each watched file is watched on its
 * own, so editors that save by writing a new file and renaming it over the old one are seen.
 * In trees, names under dot-directories and node_modules are ignored, as collect-files ignores
 * them (the proof cache lives in `.anrf/`, and its writes must not wake the watcher). When the
 * platform refuses a watcher (no recursive support, inotify limits), `update` says so and the
 * caller polls instead.
 */
export interface WatchTargets {
  /** Directories whose whole tree matters. */
  readonly trees: readonly string[];
  /** Individual files (documents given by name, modules named by execution.source). */
  readonly files: readonly string[];
}

interface Watched {
  readonly watcher: FSWatcher;
  /** For a folder watched for some of its files: their names. */
  names: ReadonlySet<string> | undefined;
}

export class FsWatchers {
  private readonly watched = new Map<string, Watched>();
  private failed = false;

  constructor(private readonly onEvent: (file: string) => void) {}

  /** Watch exactly these targets (watchers no longer needed are closed, missing ones retried). False when some watcher could not be set up. */
  update(targets: WatchTargets): boolean {
    this.failed = false;
    const wanted = new Map<string, ReadonlySet<string> | undefined>();
    for (const tree of targets.trees) wanted.set(`tree:${tree}`, undefined);
    const byFolder = new Map<string, Set<string>>();
    for (const file of targets.files) {
      if (targets.trees.some((tree) => seenInTree(tree, file))) continue;
      const folder = path.dirname(file);
      let names = byFolder.get(folder);
      if (names === undefined) byFolder.set(folder, (names = new Set()));
      names.add(path.basename(file));
    }
    for (const [folder, names] of byFolder) wanted.set(`dir:${folder}`, names);

    for (const [key, entry] of this.watched) {
      if (!wanted.has(key)) {
        entry.watcher.close();
        this.watched.delete(key);
      }
    }
    for (const [key, names] of wanted) {
      const existing = this.watched.get(key);
      if (existing !== undefined) existing.names = names;
      else this.start(key, names);
    }
    return !this.failed;
  }

  close(): void {
    for (const entry of this.watched.values()) entry.watcher.close();
    this.watched.clear();
  }

  private start(key: string, names: ReadonlySet<string> | undefined): void {
    const recursive = key.startsWith("tree:");
    const dir = key.slice(key.indexOf(":") + 1);
    let entry: Watched;
    try {
      const watcher = watch(dir, { recursive, persistent: true }, (_event, name) => {
        const relative = name === null ? "" : name.toString();
        if (recursive && ignored(relative)) return;
        if (entry.names !== undefined && relative !== "" && !entry.names.has(relative)) return;
        this.onEvent(path.join(dir, relative));
      });
      entry = { watcher, names };
      watcher.on("error", () => {
        // The folder went away or the watch broke: drop it, report a change (the next look
        // finds out what happened) and let the caller fall back to polling.
        this.failed = true;
        watcher.close();
        this.watched.delete(key);
        this.onEvent(dir);
      });
      this.watched.set(key, entry);
    } catch {
      this.failed = true;
    }
  }
}

/** A file a recursive watcher of `tree` reports: inside it and not under an ignored name. */
function seenInTree(tree: string, file: string): boolean {
  const rel = path.relative(tree, file);
  return rel !== "" && !rel.startsWith("..") && !path.isAbsolute(rel) && !ignored(rel);
}

function ignored(relative: string): boolean {
  return relative.split(/[\\/]/).some((segment) => segment === "node_modules" || (segment.startsWith(".") && segment !== "." && segment !== ".."));
}
