import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { projectRoot } from "../../support/compiled-path.js";

/**
 * The real remote cache for tests: nginx WebDAV started by .ci/start-cache-server.sh (CI runs it
 * in .ci/run). When CI=true and the server does not answer, tests FAIL — a missing server must
 * never turn into silently skipped coverage. Locally we start it ourselves.
 */
export interface CacheServer {
  /** Open listener. */
  readonly url: string;
  /** Same layout behind basic auth / a bearer token. */
  readonly basicUrl: string;
  readonly bearerUrl: string;
  readonly user: string;
  readonly password: string;
  readonly token: string;
  /** nginx document roots, so tests can damage stored bodies directly. */
  readonly rootOf: (url: string) => string;
}

const env = process.env;
const url = env["ANRF_TEST_REMOTE_CACHE"] ?? "http://127.0.0.1:18080";
const serverDir = env["ANRF_CACHE_SERVER_DIR"] ?? "/tmp/anrf-cache-server";

export async function cacheServer(): Promise<CacheServer> {
  if (!(await answers(url))) {
    if (env["CI"] === "true") {
      throw new Error(`remote cache server ${url} is not answering; .ci/run must start it with .ci/start-cache-server.sh`);
    }
    startScript({});
    if (!(await answers(url))) throw new Error(`could not start the cache server at ${url} (see ${serverDir}/logs)`);
  }
  const port = Number(new URL(url).port || 80);
  const basicUrl = `http://127.0.0.1:${port + 1}`;
  const bearerUrl = `http://127.0.0.1:${port + 2}`;
  return {
    url,
    basicUrl,
    bearerUrl,
    user: env["ANRF_TEST_REMOTE_USER"] ?? "anrf",
    password: env["ANRF_TEST_REMOTE_PASSWORD"] ?? "anrf-test-password",
    token: env["ANRF_TEST_REMOTE_TOKEN"] ?? "anrf-test-token",
    rootOf: (u) => join(serverDir, "root", u === basicUrl ? "basic" : u === bearerUrl ? "bearer" : "open"),
  };
}

/** A second, private nginx instance (its own dir and ports) that a test may stop mid-run. */
export function startPrivateServer(dir: string, port: number): { url: string; root: string; stop: () => void } {
  const overrides = { ANRF_CACHE_SERVER_DIR: dir, ANRF_CACHE_SERVER_PORT: String(port) };
  startScript(overrides);
  return {
    url: `http://127.0.0.1:${port}`,
    root: join(dir, "root", "open"),
    stop: () => startScript(overrides, ["--stop"]),
  };
}

function startScript(overrides: Record<string, string>, args: string[] = []): void {
  const result = spawnSync("bash", [join(projectRoot(), ".ci", "start-cache-server.sh"), ...args], {
    env: { ...process.env, ...overrides },
    encoding: "utf8",
  });
  if (result.status !== 0) throw new Error(`start-cache-server.sh ${args.join(" ")} failed (${result.status}): ${result.stderr}`);
}

async function answers(base: string): Promise<boolean> {
  try {
    const response = await fetch(`${base}/ac/${"0".repeat(64)}`, { method: "HEAD", signal: AbortSignal.timeout(2000) });
    return response.status === 404 || response.status === 200;
  } catch {
    return false;
  }
}
