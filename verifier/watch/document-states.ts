import { createHash } from "node:crypto";
import type { LoadedDocument } from "../../spec/load.js";

/**
 * What `--watch` compares between two looks at the watched files: a digest per document of
 * everything a verification reads from disk — its validation findings, the parsed document and
 * its module's text and file. Equal digest, equal report: the document is not verified again.
 */
export function documentDigest(loaded: LoadedDocument): string {
  const framed = JSON.stringify([loaded.findings, loaded.document ?? null, loaded.module?.text ?? null, loaded.module?.file ?? null]);
  return createHash("sha256").update(framed, "utf8").digest("hex");
}

export interface Changes {
  /** Documents that are new or whose digest changed, in the order they were loaded. */
  readonly changed: readonly LoadedDocument[];
  /** Files (as given) watched before and gone now. */
  readonly removed: readonly string[];
  /** The digests to compare against next time. */
  readonly digests: ReadonlyMap<string, string>;
}

export function diffDocuments(previous: ReadonlyMap<string, string>, now: readonly LoadedDocument[]): Changes {
  const digests = new Map<string, string>();
  const changed: LoadedDocument[] = [];
  for (const loaded of now) {
    const digest = documentDigest(loaded);
    digests.set(loaded.file, digest);
    if (previous.get(loaded.file) !== digest) changed.push(loaded);
  }
  const removed = [...previous.keys()].filter((file) => !digests.has(file));
  return { changed, removed, digests };
}

/** Modules read from their own files (execution.source): watched next to the documents. */
export function moduleFiles(documents: readonly LoadedDocument[]): string[] {
  return documents.flatMap((d) => (d.module !== undefined && !d.module.fromInline ? [d.module.file] : []));
}
