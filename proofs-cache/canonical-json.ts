/**
 * Canonical JSON (object keys sorted by code unit, no whitespace, `undefined` members dropped),
 * so that the same value always produces the same bytes — what gets hashed and signed.
 * Non-finite numbers have no JSON form and are rejected rather than silently turned into null.
 */
export function canonicalJson(value: unknown): string {
  if (value === null) return "null";
  switch (typeof value) {
    case "string":
    case "boolean":
      return JSON.stringify(value);
    case "number":
      if (!Number.isFinite(value)) throw new TypeError(`canonicalJson: non-finite number ${value}`);
      return JSON.stringify(value);
    case "object": {
      if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item ?? null)).join(",")}]`;
      const record = value as Record<string, unknown>;
      const members = Object.keys(record)
        .filter((name) => record[name] !== undefined)
        .sort()
        .map((name) => `${JSON.stringify(name)}:${canonicalJson(record[name])}`);
      return `{${members.join(",")}}`;
    }
    default:
      throw new TypeError(`canonicalJson: cannot encode a ${typeof value}`);
  }
}
