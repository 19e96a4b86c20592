/** RFC 6901 JSON Pointers: the `path` of every finding. */

export type PathSegment = string | number;

const escape = (segment: PathSegment): string => String(segment).replace(/~/g, "~0").replace(/\//g, "~1");

/** `["security", "override_justification"]` → `/security/override_justification`; `[]` → `""`. */
export const toPointer = (segments: readonly PathSegment[]): string => segments.map((s) => `/${escape(s)}`).join("");

export const childPointer = (pointer: string, ...segments: PathSegment[]): string => pointer + toPointer(segments);

/** Splits a pointer into its unescaped segments; `undefined` when it is not a pointer. */
export const parsePointer = (pointer: string): string[] | undefined => {
  if (pointer === "") return [];
  if (!pointer.startsWith("/")) return undefined;
  return pointer
    .slice(1)
    .split("/")
    .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
};

/**
 * Resolves a pointer against a JSON value: `{ found: true, value }` when every segment names
 * an own property (or an array index in range). Own properties only, so `__proto__` or
 * `toString` never resolve through the prototype.
 */
export const resolvePointer = (root: unknown, pointer: string): { found: true; value: unknown } | { found: false } => {
  const segments = parsePointer(pointer);
  if (segments === undefined) return { found: false };
  let current: unknown = root;
  for (const segment of segments) {
    if (Array.isArray(current)) {
      if (!/^(0|[1-9]\d*)$/.test(segment)) return { found: false };
      const index = Number(segment);
      if (index >= current.length) return { found: false };
      current = current[index];
    } else if (current !== null && typeof current === "object") {
      if (!Object.prototype.hasOwnProperty.call(current, segment)) return { found: false };
      current = (current as Record<string, unknown>)[segment];
    } else {
      return { found: false };
    }
  }
  return { found: true, value: current };
};

/**
 * The deepest prefix of `pointer` that resolves in `root` — used for "missing key" findings,
 * whose own path names a key that is, by definition, absent.
 */
export const parentPointer = (pointer: string): string => {
  const at = pointer.lastIndexOf("/");
  return at <= 0 ? "" : pointer.slice(0, at);
};
