/** A captured CliIo for running commands in-process (shared by the validate and migrate tests). */
import type { CliIo } from "../../cli/io.js";

export interface CapturedIo extends CliIo {
  readonly out: () => string;
  readonly err: () => string;
}

export const captureIo = (cwd: string, options: { isTTY?: boolean } = {}): CapturedIo => {
  let out = "";
  let err = "";
  return {
    stdout: (text) => void (out += text),
    stderr: (text) => void (err += text),
    cwd,
    env: {},
    isTTY: options.isTTY ?? false,
    out: () => out,
    err: () => err,
  };
};
