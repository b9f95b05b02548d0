// `pagewise trace` (issue 17 items 8 and 13): the summary says how the traced program ended and goes
// to stderr, away from the program's own stdout; errno codes read as sentences; the progress bar
// of a trace counts references and a rate, never an invented percentage or ETA.

import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { classifyError } from "../errors.js";
import { bufferIo } from "../io.js";
import { fmtDuration, Progress } from "../progress.js";
import { runCli } from "../test-helpers.js";
import { traceProgress } from "../wire.js";
import { exitStatus } from "./trace.js";

const work = mkdtempSync(join(tmpdir(), "pagewise-trace-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const hasValgrind = spawnSync("valgrind", ["--version"]).status === 0;

describe("pagewise trace", () => {
  it("says how the program ended", () => {
    expect(exitStatus({ exitCode: 0, signal: null, truncated: false })).toBe(
      "exited with status 0 (success)",
    );
    expect(exitStatus({ exitCode: 2, signal: null, truncated: false })).toBe(
      "exited with status 2 (failure)",
    );
    expect(exitStatus({ exitCode: null, signal: "SIGSEGV", truncated: false })).toBe("was killed by SIGSEGV");
    expect(exitStatus({ exitCode: null, signal: "SIGKILL", truncated: true })).toBe("was stopped at --limit");
  });

  it.runIf(hasValgrind)(
    "reports a failing program's status on stderr and leaves stdout to the program",
    async () => {
      const out = join(work, "false.pwt");
      const r = await runCli(["trace", "--out", out, "--quiet", "--", "false"]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toBe("");
      expect(r.stderr).toMatch(
        /^false exited with status 1 \(failure\): [\d,]+ references \([\d,]+ distinct pages\) written to /m,
      );
      const j = await runCli(["trace", "--out", out, "--json", "--", "false"]);
      expect(JSON.parse(j.stdout)).toMatchObject({ exitCode: 1, signal: null, truncated: false });
    },
    60_000,
  );

  it("turns errno codes into sentences", () => {
    const e = Object.assign(new Error("x"), { code: "ENOENT", syscall: "open", path: "/no/dir/t.pwt" });
    expect(classifyError(e).message).toBe("cannot open /no/dir/t.pwt: no such file or directory (ENOENT)");
    const d = Object.assign(new Error("x"), { code: "EISDIR", syscall: "open", path: "/tmp" });
    expect(classifyError(d).message).toBe("cannot open /tmp: it is a directory, not a file (EISDIR)");
    const odd = Object.assign(new Error("x"), { code: "EWHATEVER", syscall: "mkdir", path: "/a" });
    expect(classifyError(odd).message).toBe("cannot create the directory /a: EWHATEVER");
  });

  it.runIf(hasValgrind)(
    "names the errno in words when the trace cannot be written",
    async () => {
      const r = await runCli(["trace", "--out", join(work, "no", "dir", "t.pwt"), "--quiet", "--", "true"]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/cannot (open|write) .*t\.pwt: no such file or directory \(ENOENT\)/);
    },
    60_000,
  );
});

describe("progress", () => {
  it("counts a trace's references and their rate, with no percentage or ETA", () => {
    const io = bufferIo({ tty: true });
    const bar = traceProgress(io, undefined, 0);
    bar.update(1_250_000);
    bar.update(2_500_000);
    bar.stop();
    const text = io.stderr.text;
    expect(text).toContain("tracing 2,500,000 references");
    expect(text).toMatch(/references\/s/);
    expect(text).not.toMatch(/%|eta/);
  });

  it("shows the amount done with its unit and an ETA from the rate so far", () => {
    const io = bufferIo({ tty: true });
    const bar = new Progress(io, "work", 400, { unit: "runs", showAfterMs: 0 });
    bar.update(0);
    expect(io.stderr.text).toContain("0/400 runs | eta …");
    bar.update(100);
    bar.stop();
    expect(io.stderr.text).toContain("400/400 runs");
    expect(io.stderr.text).not.toMatch(/NULL|NaN|Infinity|LL/);
  });

  it("prints nothing without a terminal", () => {
    const io = bufferIo({ tty: false });
    const bar = traceProgress(io, undefined, 0);
    bar.update(10);
    bar.stop();
    expect(io.stderr.text).toBe("");
  });

  it("formats durations", () => {
    expect(fmtDuration(45)).toBe("45 s");
    expect(fmtDuration(200)).toBe("3 min 20 s");
    expect(fmtDuration(3900)).toBe("1 h 05 min");
    expect(fmtDuration(Number.POSITIVE_INFINITY)).toBe("…");
  });
});
