/**
 * What a legacy document's code visibly does, for deriving isolation from behaviour during
 * migration. A textual scan, deliberately conservative in one direction only: it can only
 * widen what the migrated document asks for (ReadOnly/ReadWrite), never grant anything — the
 * verifier and runtime check the real code against the migrated declaration anyway.
 */
export interface CodeBehaviour {
  readonly readsFiles: boolean;
  readonly writesFiles: boolean;
  readonly usesNetwork: boolean;
}

const FS_IMPORT = /(?:from\s*["'](?:node:)?fs(?:\/promises)?["'])|(?:require\s*\(\s*["'](?:node:)?fs(?:\/promises)?["']\s*\))/;
const FS_WRITE = /\b(?:writeFileSync|appendFileSync|mkdirSync|rmSync|unlinkSync|renameSync|writeFile|appendFile|mkdir|rm|unlink|rename)\s*\(/;
const NETWORK = /(?:\bfetch\s*\()|(?:\bWebSocket\b)|(?:["'](?:node:)?(?:net|http|https|http2|dgram|tls)["'])/;

export const analyseCode = (code: string | undefined): CodeBehaviour => {
  if (code === undefined) return { readsFiles: false, writesFiles: false, usesNetwork: false };
  const usesFs = FS_IMPORT.test(code);
  return {
    readsFiles: usesFs,
    writesFiles: usesFs && FS_WRITE.test(code),
    usesNetwork: NETWORK.test(code),
  };
};
