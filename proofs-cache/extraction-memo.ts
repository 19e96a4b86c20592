import type { ExtractionMemo, MemoScope } from "./api.js";
import type { Signer, TrustedKeys } from "./envelope.js";
import { isHexKey, sha256Hex } from "./key.js";
import type { LocalStore } from "./local-store.js";
import { isRecord, open, seal } from "./signed-container.js";
import type { RemoteBackend } from "./verdict-cache.js";
import type { Warnings } from "./warnings.js";

/**
 * Extraction results by content hash, so a warm run neither loads ts-morph nor re-parses
 * unchanged sources. Stored like verdicts (signed container, `memo/` locally) and, with a remote
 * and keys, shared through it (`ac/<memoKey>`) so a fresh CI job or a developer's first run after
 * a pull skips extraction too.
 *
 * Trust: an extraction result decides which obligations exist — a forged one that drops an
 * obligation would drop its runtime check. So exactly as for verdicts, a remote memo entry is
 * used only with a valid signature by a trusted key over a payload naming the key looked up;
 * local entries need only be intact. Every failure is a miss (re-extract), never an error.
 */
export const EXTRACTION_PAYLOAD_TYPE = "application/vnd.anrf.extraction+json";
const MEMO_FORMAT = "anrf-extraction/1";

export interface MemoParts {
  readonly local: LocalStore;
  readonly remote?: RemoteBackend | undefined;
  readonly signer?: Signer | undefined;
  readonly trusted: TrustedKeys;
  readonly warnings?: Warnings | undefined;
}

export class LayeredExtractionMemo implements ExtractionMemo {
  constructor(private readonly parts: MemoParts) {}

  async get(contentHash: string, scope: MemoScope = "shared"): Promise<unknown | undefined> {
    const key = memoKey(contentHash);
    const local = await this.parts.local.read("memo", key).catch(() => undefined);
    if (local !== undefined) {
      const decoded = decodeMemo(local, key, this.parts.trusted);
      if (decoded.ok) {
        await this.parts.local.touch("memo", key);
        return decoded.data;
      }
      await this.parts.local.remove("memo", key).catch(() => undefined);
    }
    const remote = scope === "shared" ? this.parts.remote : undefined;
    if (remote === undefined) return undefined;
    const fetched = await remote.getEntry(key);
    if (!fetched.ok || fetched.text === undefined) return undefined;
    const decoded = decodeMemo(fetched.text, key, this.parts.trusted);
    if (!decoded.ok || decoded.signature !== "trusted") {
      const why = decoded.ok ? (decoded.signature === "unsigned" ? "not signed" : "not signed by a trusted key") : decoded.message;
      this.parts.warnings?.add("REMOTE_MEMO_REJECTED", `remote cache: rejected extraction ${key.slice(0, 12)}… from ${remote.url} (${why}); extracting locally`);
      return undefined;
    }
    await this.parts.local.write("memo", key, fetched.text).catch(() => undefined);
    return decoded.data;
  }

  async put(contentHash: string, extracted: unknown, scope: MemoScope = "shared"): Promise<void> {
    const key = memoKey(contentHash);
    let text: string;
    try {
      text = seal(EXTRACTION_PAYLOAD_TYPE, { format: MEMO_FORMAT, key, data: extracted }, this.parts.signer);
    } catch {
      return; // not JSON-representable: simply not memoised
    }
    // A full or read-only disk only costs the next run a re-extraction.
    await this.parts.local.write("memo", key, text).catch(() => undefined);
    // Awaited (one request per document): the pipeline awaits put, so nothing is left in flight.
    if (scope === "shared" && this.parts.remote && this.parts.signer) await this.parts.remote.putEntry(key, text);
  }
}

/** The verifier's content hash, normalised to a key (hashed again unless it already is a sha256 hex). */
export function memoKey(contentHash: string): string {
  return isHexKey(contentHash) ? contentHash : sha256Hex(`anrf-memo-key:${contentHash}`);
}

export type DecodedMemo =
  | { readonly ok: true; readonly data: unknown; readonly signature: "trusted" | "untrusted" | "unsigned" }
  | { readonly ok: false; readonly code: string; readonly message: string };

export function decodeMemo(text: string, expectedKey: string | undefined, trusted: TrustedKeys): DecodedMemo {
  const opened = open(text, EXTRACTION_PAYLOAD_TYPE, trusted);
  if (!opened.ok) return opened;
  const value = opened.value;
  if (!isRecord(value) || value["format"] !== MEMO_FORMAT || typeof value["key"] !== "string" || !("data" in value)) {
    return { ok: false, code: "ENTRY_SHAPE", message: "payload is not an extraction entry" };
  }
  if (expectedKey !== undefined && value["key"] !== expectedKey) {
    return { ok: false, code: "ENTRY_KEY_MISMATCH", message: `extraction is for key ${value["key"].slice(0, 12)}…, not ${expectedKey.slice(0, 12)}…` };
  }
  return { ok: true, data: value["data"], signature: opened.signature as "trusted" | "untrusted" | "unsigned" };
}
