// The package's version and root directory, found from this file's location (cli/ when run from
// sources, dist/cli/ when built), so bundled traces and package.json are found from any cwd.

import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

let root: string | null | undefined;
let version: string | undefined;

/** The directory holding pagewise's package.json, or null if it cannot be found. */
export function packageRoot(): string | null {
  if (root !== undefined) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { name?: string };
      if (pkg.name === "pagewise") {
        root = dir;
        return root;
      }
    } catch {
      // keep climbing
    }
    dir = dirname(dir);
  }
  root = null;
  return root;
}

export function packageVersion(): string {
  version ??= readVersion();
  return version;
}

function readVersion(): string {
  const dir = packageRoot();
  if (dir === null) return "0.0.0";
  const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { version?: string };
  return pkg.version ?? "0.0.0";
}
