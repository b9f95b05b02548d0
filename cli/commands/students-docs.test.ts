// Every example in README.md's "For students" part and in cli/README.md's "Step mode and quizzes"
// runs, and the sample output the README shows is what the command prints.

import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { bufferIo } from "../io.js";
import { main } from "../main.js";

const root = new URL("../../", import.meta.url);

/** The text of `file` from the heading `start` to the next heading of the same level. */
function section(file: string, start: string): string {
  const text = readFileSync(new URL(file, root), "utf8");
  const from = text.indexOf(start);
  expect(from, `${file}: "${start}"`).toBeGreaterThanOrEqual(0);
  const end = text.indexOf("\n## ", from + start.length);
  return text.slice(from, end < 0 ? undefined : end);
}

async function run(line: string) {
  const io = bufferIo();
  const code = await main(
    line
      .trim()
      .replace(/^pagewise /, "")
      .split(/\s+/),
    io,
  );
  return { code, out: io.stdout.text, err: io.stderr.text };
}

describe("README: For students", () => {
  const text = section("README.md", "## For students: start here");
  const commands = [...text.matchAll(/```sh\n([\s\S]*?)```/g)].flatMap((m) =>
    m[1]!.split("\n").filter((l) => l.trim().startsWith("pagewise ")),
  );

  it("has examples, and every one runs", async () => {
    expect(commands.length).toBeGreaterThanOrEqual(8);
    for (const c of commands) {
      const r = await run(c);
      expect(r.code, `${c}\n${r.err}`).toBe(0);
      expect(r.out.length, c).toBeGreaterThan(0);
    }
  });

  it("shows the first command's real output", async () => {
    const sample = /```text\n([\s\S]*?)```/
      .exec(text)![1]!
      .split("\n")
      .filter((l) => l.trim() !== "");
    const r = await run(commands[0]!);
    const lines = r.out.split("\n");
    for (const l of sample) expect(lines).toContain(l.replace(/^ {3}/, ""));
  });
});

describe("cli/README: Step mode and quizzes", () => {
  it("every inline example runs", async () => {
    const text = section("cli/README.md", "## Step mode and quizzes");
    const commands = [...text.matchAll(/`(pagewise [^`]+)`/g)].map((m) => m[1]!);
    expect(commands.length).toBeGreaterThanOrEqual(4);
    for (const c of commands) {
      const r = await run(c);
      expect(r.code, `${c}\n${r.err}`).toBe(0);
    }
  });
});
