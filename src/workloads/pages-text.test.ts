import { describe, expect, it } from "vitest";
import { TraceParseError } from "../core/errors.js";
import { PagesTextParser, parsePagesText } from "./pages-text.js";
import { REF_INSTR, REF_LOAD, REF_MODIFY, REF_STORE, type RefBatch } from "./refs.js";

const TEXT = "I 401a\nL 1fff000\r\n\n  S ff\nM 0\n";

function collect(chunks: (string | Uint8Array)[], batchSize = 2) {
  const pages: number[] = [];
  const kinds: number[] = [];
  const p = new PagesTextParser(
    "t",
    (b: RefBatch) => {
      for (let i = 0; i < b.count; i++) {
        pages.push(b.pages[i]!);
        kinds.push(b.kinds[i]!);
      }
    },
    batchSize,
  );
  for (const c of chunks) {
    if (typeof c === "string") p.push(c);
    else p.pushBytes(c);
  }
  p.end();
  return { pages, kinds, lines: p.lines };
}

describe("pages text format", () => {
  it("parses kinds and hex pages, skipping blank lines and CR", () => {
    const b = parsePagesText(TEXT, "t");
    expect(b.count).toBe(4);
    expect(Array.from(b.pages.subarray(0, 4))).toEqual([0x401a, 0x1fff000, 0xff, 0]);
    expect(Array.from(b.kinds.subarray(0, 4))).toEqual([REF_INSTR, REF_LOAD, REF_STORE, REF_MODIFY]);
  });

  it("gives the same references however the input is split, as text or bytes", () => {
    const whole = collect([TEXT]);
    for (let cut = 0; cut <= TEXT.length; cut++) {
      expect(collect([TEXT.slice(0, cut), TEXT.slice(cut)])).toEqual(whole);
      const bytes = new TextEncoder().encode(TEXT);
      expect(collect([bytes.subarray(0, cut), bytes.subarray(cut)])).toEqual(whole);
    }
  });

  it("accepts a last line without a newline", () => {
    expect(parsePagesText("I 1\nS 2", "t").count).toBe(2);
  });

  it("reports source, line and column of a bad line", () => {
    const bad: [string, number, number][] = [
      ["I 1\nX 2\n", 2, 1],
      ["I 1\nI\n", 2, 2],
      ["I 1\nI zz\n", 2, 3],
      ["L 12 34\n", 1, 6],
      ["L 12345678901234\n", 1, 3],
    ];
    for (const [text, line, column] of bad) {
      let err: unknown;
      try {
        parsePagesText(text, "trace.pages");
      } catch (e) {
        err = e;
      }
      expect(err, text).toBeInstanceOf(TraceParseError);
      expect((err as TraceParseError).data).toMatchObject({ source: "trace.pages", line, column });
    }
  });

  it("counts lines across chunks for errors", () => {
    const p = new PagesTextParser("s", () => {});
    p.pushBytes(new TextEncoder().encode("I 1\nI 2\nI"));
    expect(() => p.pushBytes(new TextEncoder().encode(" q\n"))).toThrow(/s:3:3/);
  });
});
