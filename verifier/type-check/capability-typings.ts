/**
 * Ambient declarations of exactly the capability facade module code may import
 * (docs/capabilities.md), so that a `type_safe` module importing `node:fs` type-checks
 * against what the runtime will really endow — not against all of Node's API.
 */
const syncFs = `
  export function readFileSync(path: string, encoding: "utf8" | "utf-8"): string;
  export function readFileSync(path: string, encoding?: string): string | Uint8Array;
  export function existsSync(path: string): boolean;
  export function readdirSync(path: string): string[];
  export function statSync(path: string): { readonly size: number; readonly isFile: boolean; readonly isDirectory: boolean };
  export function writeFileSync(path: string, data: string | Uint8Array): void;
  export function appendFileSync(path: string, data: string | Uint8Array): void;
  export function mkdirSync(path: string, options?: { recursive?: boolean }): void;
  export function rmSync(path: string): void;
`;
const asyncFs = `
  export function readFile(path: string, encoding: "utf8" | "utf-8"): Promise<string>;
  export function readFile(path: string, encoding?: string): Promise<string | Uint8Array>;
  export function readdir(path: string): Promise<string[]>;
  export function stat(path: string): Promise<{ readonly size: number; readonly isFile: boolean; readonly isDirectory: boolean }>;
  export function writeFile(path: string, data: string | Uint8Array): Promise<void>;
  export function appendFile(path: string, data: string | Uint8Array): Promise<void>;
  export function mkdir(path: string, options?: { recursive?: boolean }): Promise<void>;
  export function rm(path: string): Promise<void>;
`;
const path = `
  export function join(...parts: string[]): string;
  export function resolve(...parts: string[]): string;
  export function normalize(path: string): string;
  export function dirname(path: string): string;
  export function basename(path: string, suffix?: string): string;
  export function extname(path: string): string;
  export function relative(from: string, to: string): string;
  export function isAbsolute(path: string): boolean;
  export const sep: "/";
`;

export const CAPABILITY_TYPINGS_FILE = "/__anrf__/capabilities.d.ts";

export const CAPABILITY_TYPINGS = [
  ...["node:fs", "fs"].map((m) => `declare module "${m}" {${syncFs}}`),
  ...["node:fs/promises", "fs/promises"].map((m) => `declare module "${m}" {${asyncFs}}`),
  ...["node:path", "path"].map((m) => `declare module "${m}" {${path}}`),
].join("\n");
