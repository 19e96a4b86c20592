/**
 * Sizes for `anrf cache prune --max-size`: a number with an optional unit. SI units are powers
 * of 1000 (kB/KB, MB, GB, TB), IEC units powers of 1024 (KiB, MiB, GiB, TiB), and bare K/M/G/T are
 * read as IEC like du(1). Returns an error message as data for a usage error.
 */
const UNITS: Record<string, number> = {
  "": 1,
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
  k: 1024,
  m: 1024 ** 2,
  g: 1024 ** 3,
  t: 1024 ** 4,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
  tib: 1024 ** 4,
};

export function parseSize(text: string): number | { readonly error: string } {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/.exec(text);
  const unit = match ? UNITS[match[2]!.toLowerCase()] : undefined;
  if (!match || unit === undefined) {
    return { error: `size '${text}' not understood (examples: 500000, 10MB, 512KiB, 1GiB)` };
  }
  return Math.floor(Number(match[1]) * unit);
}

export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ["KiB", "MiB", "GiB", "TiB"];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}
