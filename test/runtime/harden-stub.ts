/**
 * The guest hardens its check object with SES's global `harden`; the tests that call makeChecks
 * outside the sandbox only need it to freeze. These files share a worker with other files
 * (vitest `isolate: false`), so the stub is this file's alone: installed when the file loads (if
 * no `harden` exists) and removed after its last test, so no other file sees a global it did not
 * set.
 */
import { afterAll } from "vitest";

export function stubHarden(): void {
  const g = globalThis as { harden?: <T>(x: T) => T };
  if (g.harden !== undefined) return;
  g.harden = <T>(x: T): T => Object.freeze(x);
  afterAll(() => {
    delete g.harden;
  });
}
