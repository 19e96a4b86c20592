import { statSync } from "node:fs";
import * as path from "node:path";
import { watch, type FSWatcher } from "chokidar";

/**
 * The effectful edge of `--watch`: file system notifications for a set of directories, turned
 * into one callback per relevant event, on chokidar (the watcher the ecosystem trusts for this).
 * Node's recursive `fs.watch` stops reporting a file once an editor has replaced it (write a
 * temporary file, rename it over the old one: sed -i, vim, most IDEs); chokidar watches every
 * directory and re-attaches to replaced, deleted and re-created files.
 *
 * Directories given by the user are watched recursively (every `*.anrf.json` below them counts);
 * the folder of each watched file is watched on its own (depth 0, filtered to those names). In
 * trees, names under dot-directories and node_modules are ignored, as collect-files ignores them
 * (the proof cache lives in `.anrf/`, and its writes must not wake the watcher). A folder that
 * does not exist (yet) cannot be watched: `update` returns false and the caller polls instead.
 */
export interface WatchTargets {
  /** Directories whose whole tree matters. */
  readonly trees: readonly string[];
  /** Individual files (documents given by name, modules named by execution.source). */
  readonly files: readonly string[];
}

/**
 * chokidar drops a second "change" of one path within 50 ms of the first (a throttle with no
 * trailing call). A save that lands in that window would be missed if the look caused by the
 * first event read the file before it: so every event is reported again once the window is over.
 */
const TRAILING_MS = 75;

interface Watched {
  readonly watcher: FSWatcher;
  readonly ready: Promise<void>;
  /** For a folder watched for some of its files: their names. */
  names: ReadonlySet<string> | undefined;
}

export class FsWatchers {
  private readonly watched = new Map<string, Watched>();
  private failed = false;
  private readonly trailing = new Map<string, NodeJS.Timeout>();

  constructor(private readonly notify: (file: string) => void) {}

  private onEvent(file: string): void {
    this.notify(file);
    clearTimeout(this.trailing.get(file));
    const timer = setTimeout(() => {
      this.trailing.delete(file);
      this.notify(file);
    }, TRAILING_MS);
    timer.unref();
    this.trailing.set(file, timer);
  }

  /** Watch exactly these targets (watchers no longer needed are closed, missing ones retried). False when some folder cannot be watched. */
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
        void entry.watcher.close();
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

  /** Resolves once every watcher has finished its initial scan: changes after this are reported. */
  async ready(): Promise<void> {
    await Promise.all([...this.watched.values()].map((w) => w.ready));
  }

  async close(): Promise<void> {
    for (const timer of this.trailing.values()) clearTimeout(timer);
    this.trailing.clear();
    const closing = [...this.watched.values()].map((entry) => entry.watcher.close());
    this.watched.clear();
    await Promise.all(closing);
  }

  private start(key: string, names: ReadonlySet<string> | undefined): void {
    const recursive = key.startsWith("tree:");
    const dir = key.slice(key.indexOf(":") + 1);
    if (!isDirectory(dir)) {
      this.failed = true;
      return;
    }
    const watcher = watch(dir, {
      ignoreInitial: true,
      persistent: true,
      // Rename-saves are changes; a file deleted and re-created is seen either way.
      atomic: true,
      ...(recursive ? {} : { depth: 0 }),
      ignored: (file: string) => {
        const relative = path.relative(dir, file);
        return relative !== "" && ignored(relative);
      },
    });
    const entry: Watched = {
      watcher,
      names,
      ready: new Promise<void>((resolve) => {
        watcher.once("ready", () => resolve());
        watcher.once("error", () => resolve());
      }),
    };
    watcher.on("all", (_event, file) => {
      const relative = path.relative(dir, file);
      if (entry.names !== undefined && relative !== "" && !entry.names.has(relative)) return;
      this.onEvent(file);
    });
    watcher.on("error", () => {
      // The watch broke (limits, permissions): drop it, report a change (the next look finds out
      // what happened) and let the caller fall back to polling.
      this.failed = true;
      void watcher.close();
      this.watched.delete(key);
      this.onEvent(dir);
    });
    this.watched.set(key, entry);
  }
}

function isDirectory(dir: string): boolean {
  try {
    return statSync(dir).isDirectory();
  } catch {
    return false;
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
