// The examples of the sections this work added to the docs (between `<!-- examples:research -->`
// markers in docs/trace-formats.md and cli/README.md) run, in order, each exiting 0 with nothing on
// stderr.

import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "../built-cli.js";
import { exampleLines, runExamples } from "./examples.js";

function markedExamples(file: string): string[] {
  const text = fs.readFileSync(path.join(ROOT, file), "utf8");
  const re = /<!-- examples:research -->([\s\S]*?)<!-- \/examples:research -->/g;
  const out: string[] = [];
  for (let m = re.exec(text); m !== null; m = re.exec(text)) out.push(...exampleLines(m[1]!));
  return out;
}

describe("documented examples", () => {
  it.each(["docs/trace-formats.md", "cli/README.md"])("%s: the marked examples run", async (file) => {
    const lines = markedExamples(file);
    expect(lines.length).toBeGreaterThanOrEqual(3);
    for (const { line, result } of await runExamples(lines)) {
      expect(result.stderr, line).toBe("");
      expect(result.code, line).toBe(0);
    }
  });
});
