// The real traces shipped in the repository (test/fixtures/traces, described in its PROVENANCE.md),
// found from this module's location whether it runs from sources (node/) or built (dist/node/).
// Node only.

import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** A bundled trace: its name, path relative to the package root, and what it is. */
export interface BundledTrace {
  readonly name: string;
  readonly file: string;
  readonly summary: string;
  readonly references: number;
}

export const BUNDLED_TRACES = [
  {
    name: "sort500",
    file: "test/fixtures/traces/sort500.pwt",
    summary: "GNU sort -n of 500 numbers, whole run",
    references: 2_015_867,
  },
  {
    name: "gzip-words",
    file: "test/fixtures/traces/gzip-words.pwt",
    summary: "gzip -c of 8 KB of words, whole run",
    references: 2_290_999,
  },
  {
    name: "py-dict",
    file: "test/fixtures/traces/py-dict.pwt",
    summary: "CPython 3.11 -S: a 2,000-entry dict, values sorted, whole run",
    references: 34_250_578,
  },
] as const satisfies readonly BundledTrace[];

/** The demo's default workload: a few seconds for twenty policies at eight frame counts. */
export const DEFAULT_TRACE = BUNDLED_TRACES[0];

/** The package root: the nearest directory above this module holding package.json. */
export function packageRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (fs.existsSync(path.join(dir, "package.json"))) return dir;
    const up = path.dirname(dir);
    if (up === dir) throw new Error("bundled-traces: package.json not found above the module");
    dir = up;
  }
}

/** Absolute path of a bundled trace by name (default: DEFAULT_TRACE); undefined for an unknown name. */
export function bundledTracePath(name: string = DEFAULT_TRACE.name): string | undefined {
  const t = BUNDLED_TRACES.find((b) => b.name === name);
  return t ? path.join(packageRoot(), t.file) : undefined;
}
