/**
 * Warnings for the report, one line per kind: the first message of each code is kept and
 * repeats are counted, so a remote that fails 500 lookups produces one line, not 500.
 */
export class Warnings {
  readonly #first = new Map<string, { message: string; count: number }>();

  add(code: string, message: string): void {
    const seen = this.#first.get(code);
    if (seen) seen.count++;
    else this.#first.set(code, { message, count: 1 });
  }

  has(code: string): boolean {
    return this.#first.has(code);
  }

  list(): string[] {
    return [...this.#first.values()].map(({ message, count }) => (count > 1 ? `${message} (${count} times)` : message));
  }
}
