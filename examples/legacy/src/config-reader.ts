import { readFileSync } from "node:fs";

export function readConfig(name: string): string {
  if (name.length === 0 || name.startsWith("/") || name.includes("..")) {
    throw new Error("invalid config name");
  }
  return readFileSync("/config/" + name, "utf8");
}
