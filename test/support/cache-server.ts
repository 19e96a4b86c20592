import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { projectRoot } from "../../support/compiled-path.js";

/**
 * The real remote cache for tests: nginx WebDAV started by .ci/start-cache-server.sh. Who starts it:
 * `.ci/run` in CI; locally the suite's global set-up (test/support/global-setup.ts), which also stops
 * it when the suite ends. Tests never start the shared server and never install anything: when it
 * does not answer, a test that needs it FAILS with how to get nginx — a missing server must never
 * turn into silently skipped coverage.
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
export const cacheServerUrl = env["ANRF_TEST_REMOTE_CACHE"] ?? "http://127.0.0.1:18080";
export const cacheServerDir = env["ANRF_CACHE_SERVER_DIR"] ?? "/tmp/anrf-cache-server";

/** What to tell a user whose machine has no nginx. */
export const HOW_TO_GET_NGINX =
  "the remote-cache tests need Debian's nginx (WebDAV module): `sudo apt-get install --no-install-recommends nginx`, " +
  "then `bash .ci/start-cache-server.sh` (or just `npm test`, whose global set-up starts and stops it). CI: .ci/run does both.";

export async function cacheServer(): Promise<CacheServer> {
  if (!(await serverAnswers(cacheServerUrl))) {
    throw new Error(`remote cache server ${cacheServerUrl} is not answering. ${HOW_TO_GET_NGINX}`);
  }
  const port = Number(new URL(cacheServerUrl).port || 80);
  const basicUrl = `http://127.0.0.1:${port + 1}`;
  const bearerUrl = `http://127.0.0.1:${port + 2}`;
  return {
    url: cacheServerUrl,
    basicUrl,
    bearerUrl,
    user: env["ANRF_TEST_REMOTE_USER"] ?? "anrf",
    password: env["ANRF_TEST_REMOTE_PASSWORD"] ?? "anrf-test-password",
    token: env["ANRF_TEST_REMOTE_TOKEN"] ?? "anrf-test-token",
    rootOf: (u) => join(cacheServerDir, "root", u === basicUrl ? "basic" : u === bearerUrl ? "bearer" : "open"),
  };
}

/** A second, private nginx instance (its own dir and ports) that a test may stop mid-run; the test must call stop(). */
export function startPrivateServer(dir: string, port: number): { url: string; root: string; stop: () => void } {
  const overrides = { ANRF_CACHE_SERVER_DIR: dir, ANRF_CACHE_SERVER_PORT: String(port) };
  startScript(overrides);
  return {
    url: `http://127.0.0.1:${port}`,
    root: join(dir, "root", "open"),
    stop: () => startScript(overrides, ["--stop"]),
  };
}

/** Runs .ci/start-cache-server.sh (start, or `--stop`); exit 3 means nginx is not installed. */
export function startScript(overrides: Record<string, string>, args: string[] = []): void {
  const result = spawnSync("bash", [join(projectRoot(), ".ci", "start-cache-server.sh"), ...args], {
    env: { ...process.env, ...overrides },
    encoding: "utf8",
  });
  if (result.status === 3) throw new Error(`nginx is not installed: ${HOW_TO_GET_NGINX}`);
  if (result.status !== 0) throw new Error(`start-cache-server.sh ${args.join(" ")} failed (${result.status}): ${result.stderr}`);
}

export async function serverAnswers(base: string): Promise<boolean> {
  try {
    const response = await fetch(`${base}/ac/${"0".repeat(64)}`, { method: "HEAD", signal: AbortSignal.timeout(5000) });
    return response.status === 404 || response.status === 200;
  } catch {
    return false;
  }
}
