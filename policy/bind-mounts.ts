/**
 * Mounts are bound by the operator (effectful: realpath). The document names logical mounts
 * (`x-anrf-filesystem-mounts[].mount`, e.g. "/data"); the real directory comes from the
 * operator (`--mount /data=DIR`, or config), like `docker -v`. The document's own `path` is
 * only a request: it is used when the operator binds nothing, only if the policy permits a
 * "document" binding (decided later, in Cedar), and only if its realpath stays inside the
 * document's folder tree (checked here, whatever the policy says).
 *
 * Tool state is out of reach: no mount root may contain, or be contained in, the proof cache,
 * the audit log, the policy file, the key registry or the config file — compared by realpath
 * both ways, so a symlink in either direction does not help.
 */
import { realpathSync, statSync } from "node:fs";
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import type { AnrfDocument } from "../spec/document.js";
import { error, type Finding } from "../spec/finding.js";
import { escapeTerminal as esc } from "./escape.js";
import type { MountBinding } from "./requests.js";

export interface ToolStatePath {
  /** What it is, for the finding: "proof cache", "audit log", "policy file", "key registry", "config file". */
  readonly what: string;
  readonly path: string;
}

export interface BoundMount {
  readonly mount: string;
  /** Real, symlink-free directory. */
  readonly root: string;
  readonly binding: "operator" | "document";
}

export interface MountBindingResult {
  readonly bindings: ReadonlyMap<string, MountBinding>;
  /** Mounts whose directory exists and passed the folder-tree and tool-state checks. */
  readonly mounts: readonly BoundMount[];
  /** Refusals that no policy can lift (missing directory, outside the document's tree, tool state). */
  readonly findings: readonly Finding[];
  /** Operator bindings for names the document does not declare (a usage error). */
  readonly unknownNames: readonly string[];
}

/** `NAME=DIR` → [NAME, DIR]; NAME is the document's mount ("/data"; "data" means "/data"). */
export function parseMountFlag(value: string): { name: string; dir: string } | undefined {
  const eq = value.indexOf("=");
  if (eq <= 0 || eq === value.length - 1) return undefined;
  const raw = value.slice(0, eq);
  return { name: raw.startsWith("/") ? raw : `/${raw}`, dir: value.slice(eq + 1) };
}

/** realpath of a path that may not exist yet: the nearest existing ancestor's realpath + the rest. */
export function realpathLoose(path: string): string {
  const abs = resolve(path);
  try {
    return realpathSync(abs);
  } catch {
    const parent = dirname(abs);
    return parent === abs ? abs : join(realpathLoose(parent), basename(abs));
  }
}

export function inside(child: string, parent: string): boolean {
  if (child === parent) return true;
  const rel = relative(parent, child);
  return rel !== "" && !rel.startsWith(`..${sep}`) && rel !== ".." && !isAbsolute(rel);
}

const MOUNTS = "/execution/x-anrf-filesystem-mounts";

export function bindMounts(
  doc: AnrfDocument,
  documentDir: string,
  operator: ReadonlyMap<string, string>,
  toolState: readonly ToolStatePath[],
  cwd: string = process.cwd(),
): MountBindingResult {
  const declared = doc.execution["x-anrf-filesystem-mounts"] ?? [];
  const bindings = new Map<string, MountBinding>();
  const mounts: BoundMount[] = [];
  const findings: Finding[] = [];
  const state = toolState.map((s) => ({ ...s, real: realpathLoose(s.path) }));
  const docTree = realpathLoose(documentDir);
  declared.forEach((m, i) => {
    const at = `${MOUNTS}/${i}`;
    const operatorDir = operator.get(m.mount);
    const binding: "operator" | "document" = operatorDir !== undefined ? "operator" : "document";
    const wanted = operatorDir !== undefined ? resolve(cwd, operatorDir) : isAbsolute(m.path) ? m.path : resolve(documentDir, m.path);
    let root: string;
    try {
      root = realpathSync(wanted);
      if (!statSync(root).isDirectory()) throw new Error("not a directory");
    } catch {
      findings.push(
        error(
          "mount-binding",
          binding === "document" ? `${at}/path` : at,
          binding === "operator" ? `mount '${esc(m.mount)}': the operator's directory '${esc(operatorDir ?? "")}' does not exist or is not a directory` : `mount '${esc(m.mount)}': the document's directory '${esc(m.path)}' does not exist (relative to ${documentDir})`,
          binding === "operator" ? "check the --mount NAME=DIR argument" : `bind it with --mount ${esc(m.mount)}=DIR`,
        ),
      );
      bindings.set(m.mount, { binding, path: binding === "operator" ? wanted : m.path });
      return;
    }
    bindings.set(m.mount, { binding, path: binding === "operator" ? root : m.path });
    if (binding === "document" && !inside(root, docTree)) {
      findings.push(
        error(
          "mount-binding",
          `${at}/path`,
          `mount '${esc(m.mount)}': the document's path '${esc(m.path)}' resolves to ${esc(root)}, outside the document's folder ${docTree}`,
          `a document may only name directories inside its own folder; the operator can bind it with --mount ${esc(m.mount)}=DIR`,
        ),
      );
      return;
    }
    const clash = state.find((s) => inside(s.real, root) || inside(root, s.real));
    if (clash !== undefined) {
      const how = inside(clash.real, root) ? "contains" : "is inside";
      findings.push(
        error(
          "tool-state",
          binding === "document" ? `${at}/path` : at,
          `mount '${esc(m.mount)}' (${esc(root)}) ${how} anrf's ${clash.what} (${clash.real}); the guest could read or forge the tool's own state`,
          `bind '${esc(m.mount)}' to a directory that neither contains nor lies inside the ${clash.what}, or move the ${clash.what} elsewhere`,
        ),
      );
      return;
    }
    mounts.push({ mount: m.mount, root, binding });
  });
  const names = new Set(declared.map((m) => m.mount));
  const unknownNames = [...operator.keys()].filter((n) => !names.has(n));
  return { bindings, mounts, findings, unknownNames };
}
