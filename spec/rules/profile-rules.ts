/** The TypeScript profile (ANRF-1.1.md §6, docs/capabilities.md): format, code, mounts, function names. */
import type { AnrfDocument } from "../document.js";
import { error, info, warning, type Finding } from "../finding.js";
import type { Rule } from "./rule.js";

export const carriesCode = (doc: AnrfDocument): boolean =>
  doc.execution.format === "typescript" || doc.execution.format === "javascript";

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** Why a mount's virtual path is malformed, or undefined when it is fine. */
export const mountProblem = (mount: string): string | undefined => {
  if (!mount.startsWith("/")) return "must be absolute (start with '/')";
  if (mount === "/") return "cannot be '/' itself (name a directory such as '/data')";
  if (mount.endsWith("/")) return "must not end with '/'";
  if (mount.includes("\0")) return "must not contain NUL";
  const segments = mount.slice(1).split("/");
  if (segments.includes("..")) return "must not contain '..' segments";
  if (segments.includes(".")) return "must not contain '.' segments";
  if (segments.includes("")) return "must not contain empty segments ('//')";
  return undefined;
};

export const profileRules: readonly Rule[] = [
  {
    id: "format",
    title: "execution.format carries code the verifier can check",
    check: (doc) => {
      const format = doc.execution.format;
      if (format === undefined) {
        return [
          info(
            "format",
            "/execution",
            "the document carries no code (no execution.format): its code-level guarantees are unverifiable",
            "add execution.format 'typescript' with execution.code or execution.source to have them verified",
          ),
        ];
      }
      if (format === "typescript" || format === "javascript") return [];
      return [
        warning(
          "format",
          "/execution/format",
          `format '${format}' carries nothing the verifier can check`,
          "use 'typescript' or 'javascript' with execution.code or execution.source to have the code verified",
        ),
      ];
    },
  },
  {
    id: "code",
    title: "exactly one of execution.code and execution.source with a code format",
    check: (doc) => {
      const { code, source } = doc.execution;
      if (!carriesCode(doc)) {
        return (["code", "source"] as const)
          .filter((key) => doc.execution[key] !== undefined)
          .map((key) =>
            error(
              "code",
              `/execution/${key}`,
              `execution.${key} is given but execution.format is ${doc.execution.format === undefined ? "absent" : `'${doc.execution.format}'`}`,
              "set execution.format to 'typescript' (or 'javascript'), or remove the code",
            ),
          );
      }
      if (code === undefined && source === undefined) {
        return [error("code", "/execution", `format '${doc.execution.format}' but neither execution.code nor execution.source is given`, "add the module inline as execution.code, or its path as execution.source")];
      }
      if (code !== undefined && source !== undefined) {
        return [error("code", "/execution/source", "both execution.code and execution.source are given", "keep exactly one: the inline code or the path to the module")];
      }
      if (code !== undefined && code.trim() === "") {
        return [error("code", "/execution/code", "execution.code is empty", "put the module's source text in execution.code")];
      }
      if (source !== undefined && source.trim() === "") {
        return [error("code", "/execution/source", "execution.source is empty", "give the module's path relative to the document")];
      }
      return [];
    },
  },
  {
    id: "mounts",
    title: "x-anrf-filesystem-mounts well formed and consistent with the filesystem grant",
    check: (doc) => {
      const mounts = doc.execution["x-anrf-filesystem-mounts"];
      const filesystem = doc.security.isolation_requirements.resource_limits.filesystem;
      const out: Finding[] = [];
      if (mounts === undefined || mounts.length === 0) {
        if (filesystem !== "None" && carriesCode(doc)) {
          out.push(
            info(
              "mounts",
              "/security/isolation_requirements/resource_limits/filesystem",
              `filesystem is ${filesystem} but no mount is declared, so the grant gives nothing usable`,
              "declare execution['x-anrf-filesystem-mounts'], or set filesystem to None",
            ),
          );
        }
        return out;
      }
      const base = "/execution/x-anrf-filesystem-mounts";
      if (filesystem === "None") {
        out.push(
          error("mounts", base, "filesystem mounts are declared but resource_limits.filesystem is None", "set filesystem to ReadOnly or ReadWrite, or remove the mounts"),
        );
      }
      const seen = new Set<string>();
      mounts.forEach((m, i) => {
        const problem = mountProblem(m.mount);
        if (problem) out.push(error("mounts", `${base}/${i}/mount`, `mount '${m.mount}' ${problem}`, "use an absolute virtual path such as '/data'"));
        else if (seen.has(m.mount)) out.push(error("mounts", `${base}/${i}/mount`, `mount '${m.mount}' is declared twice`, "declare each mount once"));
        seen.add(m.mount);
        if (m.path.trim() === "") out.push(error("mounts", `${base}/${i}/path`, "mount path is empty", "give the real directory, relative to the document's folder"));
      });
      return out;
    },
  },
  {
    id: "function-name",
    title: "a Function entity names a function by its identifier",
    check: (doc) =>
      doc.semantics.entities.flatMap((e, i) =>
        e.type === "Function" && !IDENTIFIER.test(e.name)
          ? [error("function-name", `/semantics/entities/${i}/name`, `'${e.name}' is not a function name`, "set name to the exported function's identifier, e.g. 'checksum'")]
          : [],
      ),
  },
];
