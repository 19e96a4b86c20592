/** `anrf_version`: present, a semver, and the one version this toolchain reads (rule V6.1.1). */
import { SUPPORTED_VERSION } from "./document.js";
import { error, type Finding } from "./finding.js";

const SEMVER =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;

export const isSemver = (value: string): boolean => SEMVER.test(value);

/** Orders two semvers by major.minor.patch (pre-release tags ignored: only used to say older/newer). */
export const compareCore = (a: string, b: string): number => {
  const pa = a.split(/[-+]/)[0]!.split(".").map(Number);
  const pb = b.split(/[-+]/)[0]!.split(".").map(Number);
  for (let i = 0; i < 3; i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
};

/** A semver before 1.1.0; a pre-release of 1.1.0 (1.1.0-rc.1) precedes 1.1.0 itself. */
export const isOlderThanSupported = (version: string): boolean => {
  if (!isSemver(version)) return false;
  const core = compareCore(version, SUPPORTED_VERSION);
  return core < 0 || (core === 0 && /^[^+]*-/.test(version));
};

/**
 * `undefined` when the version is the supported one. Otherwise one V6.1.1 finding; for a
 * well-formed but different version validation stops there (the rest of the document
 * follows another schema, so more findings would only be noise).
 */
export const checkVersion = (root: Record<string, unknown>): { finding: Finding; stop: boolean } | undefined => {
  if (!Object.prototype.hasOwnProperty.call(root, "anrf_version")) {
    return {
      finding: error("V6.1.1", "", "missing required field 'anrf_version'", `add "anrf_version": "${SUPPORTED_VERSION}" (older documents: run 'anrf migrate')`),
      stop: false,
    };
  }
  const version = root["anrf_version"];
  if (typeof version !== "string" || !isSemver(version)) {
    return {
      finding: error(
        "V6.1.1",
        "/anrf_version",
        `anrf_version must be a semantic version string, got ${typeof version === "string" ? `'${version}'` : JSON.stringify(version) ?? String(version)}`,
        `set anrf_version to "${SUPPORTED_VERSION}"`,
      ),
      stop: false,
    };
  }
  if (version === SUPPORTED_VERSION) return undefined;
  const older = isOlderThanSupported(version);
  return {
    finding: error(
      "V6.1.1",
      "/anrf_version",
      `unsupported ANRF version ${version}: this toolchain reads ${SUPPORTED_VERSION} only`,
      older
        ? `run 'anrf migrate <file>' to upgrade the document to ${SUPPORTED_VERSION}`
        : `this document is newer than the toolchain; use a toolchain that supports ${version}`,
    ),
    stop: true,
  };
};
