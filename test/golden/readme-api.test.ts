// The README's "Using the engine" examples, run as they are written: each ```ts block of that
// section is copied into a module beside this test (its import of "./src/index.js" pointed at the
// engine's front door) and imported, and what it prints is checked.

import fs from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "../..");

function blocks(): string[] {
  const text = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
  const from = text.indexOf("### Using the engine");
  const to = text.indexOf("\n### ", from + 1);
  expect(from).toBeGreaterThan(0);
  return [...text.slice(from, to).matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
}

/** Runs one block as a module; returns what it passed to console.log. */
async function run(code: string, k: number): Promise<unknown[][]> {
  const file = path.join(import.meta.dirname, `.readme-block-${process.pid}-${k}.ts`);
  fs.writeFileSync(file, code.replaceAll('"./src/index.js"', '"../../src/index.js"'));
  const log = vi.spyOn(console, "log").mockImplementation(() => {});
  try {
    await import(/* @vite-ignore */ file);
    return log.mock.calls;
  } finally {
    fs.rmSync(file, { force: true });
  }
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("README: using the engine", () => {
  it("has the two examples, importing the front door only", () => {
    const b = blocks();
    expect(b).toHaveLength(2);
    for (const code of b) {
      const specs = [...code.matchAll(/from "([^"]+)"/g)].map((m) => m[1]);
      expect(specs).toEqual(["./src/index.js"]);
    }
  });

  it("the Machine example keeps its bytes across evictions and a policy switch", async () => {
    const calls = await run(blocks()[0]!, 0);
    expect(calls[0]).toEqual([0xcafe]);
    expect(calls[1]![0]).toMatchObject({ total: expect.any(Number), zeroFill: expect.any(Number) });
    expect((calls[1]![0] as { total: number }).total).toBeGreaterThan(0);
  });

  it("the run example gives the same faults in replay mode and in the Machine", async () => {
    const calls = await run(blocks()[1]!, 1);
    expect(calls).toEqual([[true]]);
  }, 60_000);
});
