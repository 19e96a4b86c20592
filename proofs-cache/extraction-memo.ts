import type { ExtractionMemo } from "./api.js";
import { canonicalJson } from "./canonical-json.js";
import { isHexKey, sha256Hex } from "./key.js";
import type { LocalStore } from "./local-store.js";

/**
 * Extraction results by content hash, as JSON files in the local store (`memo/`), so a warm run
 * neither loads ts-morph nor re-parses unchanged sources. A damaged file is a miss (and is
 * overwritten by the next put); the memo is purely an accelerator, so no failure here may stop
 * a run.
 */
const MEMO_FORMAT = "anrf-memo/1";

export class LocalExtractionMemo implements ExtractionMemo {
  constructor(private readonly store: LocalStore) {}

  async get(contentHash: string): Promise<unknown | undefined> {
    const key = memoKey(contentHash);
    let text: string | undefined;
    try {
      text = await this.store.read("memo", key);
    } catch {
      return undefined;
    }
    if (text === undefined) return undefined;
    const value = decodeMemo(text, contentHash);
    if (value === undefined) {
      await this.store.remove("memo", key).catch(() => undefined);
      return undefined;
    }
    await this.store.touch("memo", key);
    return value;
  }

  async put(contentHash: string, extracted: unknown): Promise<void> {
    const data = JSON.stringify(extracted);
    if (data === undefined) return;
    const text = canonicalJson({ format: MEMO_FORMAT, hash: contentHash, digest: `sha256:${sha256Hex(data)}`, data });
    try {
      await this.store.write("memo", memoKey(contentHash), text);
    } catch {
      // a full or read-only disk only costs the next run a re-extraction
    }
  }
}

/** The verifier's content hash, normalised to a file name (hashed again unless it already is a sha256 hex). */
export function memoKey(contentHash: string): string {
  return isHexKey(contentHash) ? contentHash : sha256Hex(`anrf-memo-key:${contentHash}`);
}

export function decodeMemo(text: string, contentHash: string | undefined): unknown | undefined {
  try {
    const container = JSON.parse(text) as Record<string, unknown>;
    if (container["format"] !== MEMO_FORMAT || typeof container["data"] !== "string") return undefined;
    if (contentHash !== undefined && container["hash"] !== contentHash) return undefined;
    if (container["digest"] !== `sha256:${sha256Hex(container["data"])}`) return undefined;
    return JSON.parse(container["data"]) as unknown;
  } catch {
    return undefined;
  }
}
