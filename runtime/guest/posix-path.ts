/**
 * The `node:path` the compartment sees: a pure POSIX implementation over strings. It holds no
 * authority (no cwd: `resolve` resolves against "/"), so handing it to guest code is safe once
 * hardened. Every argument is coerced to a string exactly once.
 */
const RealString = String;

function normalizeSegments(path: string, absolute: boolean): string {
  const out: string[] = [];
  for (const seg of path.split("/")) {
    if (seg === "" || seg === ".") continue;
    if (seg === "..") {
      if (out.length > 0 && out[out.length - 1] !== "..") out.pop();
      else if (!absolute) out.push("..");
      continue;
    }
    out.push(seg);
  }
  return out.join("/");
}

export function normalize(input: unknown): string {
  const path = RealString(input);
  if (path === "") return ".";
  const absolute = path.startsWith("/");
  const trailing = path.endsWith("/");
  let body = normalizeSegments(path, absolute);
  if (body === "" && !absolute) body = ".";
  if (body !== "" && trailing) body += "/";
  return absolute ? `/${body}` : body;
}

export function join(...parts: unknown[]): string {
  const strings = parts.map((p) => RealString(p)).filter((p) => p !== "");
  return strings.length === 0 ? "." : normalize(strings.join("/"));
}

export function resolve(...parts: unknown[]): string {
  let resolved = "";
  for (let i = parts.length - 1; i >= 0 && !resolved.startsWith("/"); i--) {
    const part = RealString(parts[i]);
    if (part !== "") resolved = resolved === "" ? part : `${part}/${resolved}`;
  }
  return `/${normalizeSegments(resolved, true)}`;
}

export function isAbsolute(input: unknown): boolean {
  return RealString(input).startsWith("/");
}

export function dirname(input: unknown): string {
  const path = RealString(input);
  if (path === "") return ".";
  const trimmed = path.length > 1 ? path.replace(/\/+$/, "") : path;
  const index = trimmed.lastIndexOf("/");
  if (index === -1) return ".";
  if (index === 0) return "/";
  return trimmed.slice(0, index);
}

export function basename(input: unknown, ext?: unknown): string {
  const path = RealString(input).replace(/\/+$/, "");
  let base = path.slice(path.lastIndexOf("/") + 1);
  if (ext !== undefined) {
    const suffix = RealString(ext);
    if (suffix !== "" && base.endsWith(suffix) && base !== suffix) base = base.slice(0, -suffix.length);
  }
  return base;
}

export function extname(input: unknown): string {
  const base = basename(input);
  const index = base.lastIndexOf(".");
  return index <= 0 ? "" : base.slice(index);
}

export function relative(fromInput: unknown, toInput: unknown): string {
  const from = resolve(fromInput).split("/").filter(Boolean);
  const to = resolve(toInput).split("/").filter(Boolean);
  let common = 0;
  while (common < from.length && common < to.length && from[common] === to[common]) common++;
  return [...from.slice(common).map(() => ".."), ...to.slice(common)].join("/");
}

/** A fresh, hardened `path` module object (also its own `.posix`). */
export function makePathModule(): object {
  const mod: Record<string, unknown> = {
    sep: "/",
    delimiter: ":",
    normalize,
    join,
    resolve,
    isAbsolute,
    dirname,
    basename,
    extname,
    relative,
  };
  mod["posix"] = mod;
  mod["default"] = mod;
  return harden(mod);
}
