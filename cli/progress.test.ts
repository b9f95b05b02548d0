// Progress bars (issue 17 item 8), rendered on a fake terminal: the text drawn on stderr says what
// is being done (the phase), the amount with its unit, and an ETA only when the total is known; the
// line fits the terminal's width. The bar appears at once here (PAGEWISE_PROGRESS_AFTER_MS=0).

import { describe, expect, it } from "vitest";
import { bufferIo, type CliIo, type OutStream } from "./io.js";
import { Progress, type ProgressState, progressLine, replayProgress } from "./progress.js";
import { runCli } from "./test-helpers.js";

/** What a terminal would show: the text of each redraw, escape sequences removed. */
function drawn(text: string): string[] {
  return (
    text
      // biome-ignore lint/suspicious/noControlCharactersInRegex: terminal escape sequences
      .replace(/\x1b\[[0-9;?]*[A-Za-z]|\x1b[78]/g, "\n")
      .split(/[\r\n]+/)
      .filter((l) => l.trim() !== "")
  );
}

/** A terminal of `columns` columns. */
function terminal(columns: number): CliIo & { stderr: { text: string } } {
  const stderr: OutStream & { text: string } = {
    text: "",
    isTTY: true,
    columns,
    write(chunk: string) {
      this.text += chunk;
      return true;
    },
  };
  return { ...bufferIo({ tty: true }), stderr };
}

const NOW: ProgressState = {
  label: "opt: replaying (pass 2/2)",
  value: 8_585_216,
  total: 34_250_578,
  unit: "references",
  seconds: 2,
};

describe("progress lines", () => {
  it("show the phase, the share, the amount with its unit and an ETA from the rate", () => {
    const line = progressLine(NOW, 120);
    expect(line).toMatch(
      /^opt: replaying \(pass 2\/2\) \[█+░+\] 25% \| 8,585,216\/34,250,578 references \| eta 6 s$/,
    );
  });

  it("fit the terminal at any width: the bar goes first, then exact counts, then the label's end", () => {
    for (let width = 20; width <= 200; width++) {
      for (const s of [
        NOW,
        { ...NOW, total: null },
        { ...NOW, unit: "bytes" },
        { ...NOW, detail: "12/60 runs" },
      ]) {
        const line = progressLine(s, width);
        expect(line.length, `${width}: ${line}`).toBeLessThanOrEqual(Math.max(20, width - 1));
        if (width >= 60) expect(line, line).toMatch(s.total === null ? /\/s \| 2 s$/ : /eta 6 s$/);
      }
    }
    expect(progressLine(NOW, 80)).toBe(
      "opt: replaying (pass 2/2) [███░░░░░░░░░] 25% | 8.59M/34.3M references | eta 6 s",
    );
    expect(progressLine(NOW, 60)).toBe("opt: replaying (pas… 25% | 8.59M/34.3M references | eta 6 s");
  });

  it("a total not known is a count and a rate, with no percentage and no ETA", () => {
    const line = progressLine({
      label: "lru: replaying",
      value: 2_500_000,
      total: null,
      unit: "references",
      seconds: 2,
    });
    expect(line).toBe("lru: replaying 2,500,000 references | 1.25M references/s | 2 s");
  });

  it("sizes are shown as sizes, runs as runs", () => {
    expect(
      progressLine({
        label: "reading t.pwt",
        value: 1.5 * 2 ** 20,
        total: 3 * 2 ** 20,
        unit: "bytes",
        seconds: 1,
      }),
    ).toContain("| 1.50 MiB/3 MiB |");
    expect(progressLine({ ...NOW, label: "demo: replaying", detail: "12/60 runs" })).toContain(
      "| 12/60 runs |",
    );
  });
});

describe("progress on a terminal", () => {
  it("a two-pass replay names each pass, never stuck on the first nor ending in an ETA of garbage", () => {
    const io = terminal(80);
    const { bar, onPhase, onProgress } = replayProgress(
      { ...io, env: { PAGEWISE_PROGRESS_AFTER_MS: "0" } },
      "opt",
      1000,
      true,
    );
    onPhase("annotate");
    onProgress(400);
    onProgress(1000);
    onPhase("replay");
    onProgress(500);
    bar.stop();
    const lines = drawn(io.stderr.text);
    expect(lines.some((l) => l.startsWith("opt: annotating next uses (pass 1/2)"))).toBe(true);
    expect(lines.some((l) => l.startsWith("opt: replaying (pass 2/2)"))).toBe(true);
    expect(lines.at(-1)).toMatch(/^opt: replaying \(pass 2\/2\) .*100% \| 1,000\/1,000 references \| eta /);
    for (const l of lines) {
      expect(l.length).toBeLessThan(80);
      expect(l).not.toMatch(/NULL|NaN|Infinity|LL|undefined/);
    }
  });

  it("draws nothing off a terminal, nor under CI", () => {
    for (const io of [bufferIo({ tty: false }), bufferIo({ tty: true, env: { CI: "true" } })]) {
      const bar = new Progress(io, "work", 10, { unit: "runs", showAfterMs: 0 });
      bar.update(5);
      bar.stop();
      expect(io.stderr.text).toBe("");
    }
  });

  it("run --policy opt shows its two passes in references, then the table", async () => {
    const r = await runCli(
      ["run", "--gen", "zipf:pages=300,alpha=0.8,n=300000,seed=1", "--policy", "opt", "--frames", "32"],
      { tty: true, env: { PAGEWISE_PROGRESS_AFTER_MS: "0" } },
    );
    expect(r.code, r.stderr).toBe(0);
    const lines = drawn(r.stderr);
    expect(lines.some((l) => /^opt: annotating next uses \(pass 1\/2\) .*\/300,000 references/.test(l))).toBe(
      true,
    );
    expect(lines.some((l) => /^opt: replaying \(pass 2\/2\) .*\/300,000 references/.test(l))).toBe(true);
    expect(r.stderr).not.toMatch(/reading|eta LL/);
    expect(r.stdout).toContain("faults");
  });

  it("run on a text trace of unknown length counts references and their rate", async () => {
    const r = await runCli(
      ["run", "--trace", "test/fixtures/traces/ls.lackey", "--policy", "lru", "--frames", "8"],
      { tty: true, env: { PAGEWISE_PROGRESS_AFTER_MS: "0" } },
    );
    expect(r.code, r.stderr).toBe(0);
    const lines = drawn(r.stderr);
    expect(lines.length).toBeGreaterThan(0);
    for (const l of lines) {
      expect(l).toMatch(/^lru: replaying [\d,.kM]+ references \| .* references\/s \| \d+ s$/);
      expect(l).not.toMatch(/%|eta/);
    }
  });

  it("sweep counts references in its one pass over all its runs; the pool counts runs", async () => {
    const r = await runCli(
      ["sweep", "--gen", "zipf:pages=300,n=50000,seed=1", "--policies", "lru,fifo", "--frames", "8,16,32"],
      { tty: true, env: { PAGEWISE_PROGRESS_AFTER_MS: "0" } },
    );
    expect(r.code, r.stderr).toBe(0);
    const lines = drawn(r.stderr);
    expect(lines.some((l) => /^sweep \(6 runs\): replaying .*\/50,000 references \| eta/.test(l))).toBe(true);
    const d = await runCli(
      [
        "demo",
        "--gen",
        "zipf:pages=300,n=20000,seed=1",
        "--policies",
        "lru,opt",
        "--frames",
        "8,16",
        "--no-report",
      ],
      { tty: true, env: { PAGEWISE_PROGRESS_AFTER_MS: "0" } },
    );
    expect(d.code, d.stderr).toBe(0);
    const demo = drawn(d.stderr);
    expect(demo.some((l) => l.startsWith("demo: annotating next uses for opt"))).toBe(true);
    expect(demo.some((l) => /^demo: replaying .*\| \d\/4 runs \| eta/.test(l))).toBe(true);
  });
});
