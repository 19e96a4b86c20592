/** A validation rule: a stable id, what it checks, and a pure check over a schema-valid document. */
import type { AnrfDocument } from "../document.js";
import type { Finding } from "../finding.js";

export interface Rule {
  readonly id: string;
  readonly title: string;
  readonly check: (document: AnrfDocument) => Finding[];
}

/** Non-empty after trimming: a justification of "   " justifies nothing. */
export const isBlank = (value: string | null | undefined): boolean => value === null || value === undefined || value.trim() === "";
