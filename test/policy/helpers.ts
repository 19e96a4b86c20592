/** Policy test helpers: documents from the runtime fixtures, policies from text, a fresh cache. */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DecisionCache, resolvePolicy, type ResolveOptions, type PolicyResolution } from "../../policy/index.js";
import { readPolicySource, type PolicySource } from "../../policy/source.js";
import { DEFAULT_POLICY, DEFAULT_POLICY_NAME } from "../../policy/default-policy.js";
import type { LoadedDocument } from "../../spec/load.js";
import { makeDocument, tempDir, type DocSpec } from "../runtime/fixtures.js";

export { makeDocument, tempDir };

export const defaultSource = (): PolicySource => readPolicySource(DEFAULT_POLICY_NAME, DEFAULT_POLICY);
export const policy = (text: string, name = "test.cedar"): PolicySource => readPolicySource(name, text);

export async function decide(doc: LoadedDocument, source: PolicySource, options: ResolveOptions = {}, cache = new DecisionCache()): Promise<PolicyResolution> {
  return resolvePolicy(doc, source, cache, options);
}

/** The document from issue 11: reads the host's /etc through a mount, asks for 4 GiB and 10 minutes. */
export async function etcDocument(dir = tempDir("anrf-pol-")): Promise<LoadedDocument> {
  return makeDocument({
    dir,
    code: `import { readFileSync } from "node:fs";\nexport function passwd(): string { return readFileSync("/host/passwd", "utf8"); }\n`,
    functions: ["passwd"],
    filesystem: "ReadOnly",
    mounts: { "/host": "/etc" },
    memoryMb: 4096,
    timeMs: 600000,
  });
}

export const ETC_POLICY = `
@id("etc-readonly")
permit (principal, action == Anrf::Action::"filesystem", resource) when { context.access == "ReadOnly" };
@id("no-network")
permit (principal, action == Anrf::Action::"network", resource) when { !context.enabled };
@id("big-memory")
permit (principal, action == Anrf::Action::"memory", resource) when { context.mib <= 4096 };
@id("long-time")
permit (principal, action == Anrf::Action::"time", resource) when { context.ms <= 600000 };
@id("threads")
permit (principal, action == Anrf::Action::"threadIsolation", resource);
@id("host-mount-operator-bound")
permit (principal, action == Anrf::Action::"mount", resource == Anrf::Mount::"/host")
when { context.binding == "operator" && context.access == "ReadOnly" };
@id("unproved")
permit (principal, action == Anrf::Action::"runUnproved", resource);
`;

export function writeFiles(dir: string, files: Record<string, string>): void {
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, ".."), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
}
