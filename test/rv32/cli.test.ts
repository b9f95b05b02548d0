// `pagewise exec` through main(argv, io): the examples of its --help, the program's output and
// exit status passed through, the JSON summary, and bad input as typed errors.

import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { directoryFiles, LinePrefixer } from "../../cli/commands/exec.js";
import { runStream } from "../../cli/commands/exec-stream.js";
import type { OutStream } from "../../cli/io.js";
import { runCli } from "../../cli/test-helpers.js";
import { Rv32Process } from "../../src/cpu/rv32/program.js";
import { Machine } from "../../src/sim/machine.js";
import { example } from "./helpers.js";

const BIN = "examples/rv32/bin";

describe("pagewise exec", () => {
  it("hello with arguments: its stdout on ours, its stderr then the summary on ours, status 0", async () => {
    const ex = example("hello");
    const r = await runCli(["exec", `${BIN}/hello.elf`, "one", "two words", "3"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(ex.stdout);
    expect(r.stderr.startsWith(ex.stderr)).toBe(true);
    expect(r.stderr).toMatch(/pagewise exec: .*hello\.elf: exit 0/);
    expect(r.stderr).toMatch(/faults \d+: fetch \d+, load \d+, store \d+/);
  });

  it("sort at 4 frames under FIFO: the same output while it thrashes", async () => {
    const ex = example("sort");
    const r = await runCli(["exec", "--frames", "4", "--policy", "fifo", `${BIN}/sort.elf`]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(ex.stdout);
    const evictions = Number(/evictions ([\d,]+)/.exec(r.stderr)![1]!.replaceAll(",", ""));
    expect(evictions).toBeGreaterThan(1000);
  });

  it("--json: one document with the program's output, instructions and faults by access", async () => {
    const ex = example("matmul");
    const r = await runCli(["exec", "--frames", "8", "--json", `${BIN}/matmul.elf`]);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.stdout).toBe(ex.stdout);
    expect(doc.status).toBe(0);
    expect(doc.instructions).toBeGreaterThan(1_000_000);
    const a = doc.faults.byAccess;
    expect(a.fetch + a.load + a.store).toBe(doc.faults.total);
  });

  it("a segfaulting program: status 139 and a report naming the address and access", async () => {
    const r = await runCli(["exec", `${BIN}/segv.elf`]);
    expect(r.code).toBe(139);
    expect(r.stdout).toBe(example("segv").stdout);
    expect(r.stderr).toMatch(/killed by signal 11 .* store of 0x10/);
  });

  it("--max-instructions stops a run with status 124", async () => {
    const r = await runCli(["exec", "--max-instructions", "1000", "--quiet", `${BIN}/sort.elf`]);
    expect(r.code).toBe(124);
    expect(r.stderr).toBe("");
  });

  it.each([
    [["exec", "--frames", "2", `${BIN}/hello.elf`], 2, /--frames: .*at least 3 page frames/],
    [["exec", "no-such.elf"], 1, /cannot read no-such\.elf: ENOENT/],
    [["exec", "README.md"], 1, /README\.md: not an ELF file/],
    [["exec", "--env", "NOEQUALS", `${BIN}/hello.elf`], 2, /--env "NOEQUALS"/],
  ])("bad input %j: exit %i with a clear message", async (argv, code, re) => {
    const r = await runCli(argv as string[]);
    expect(r.code).toBe(code);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(re);
    expect(r.stderr).not.toMatch(/unexpected failure/);
  });
});

describe("pagewise exec --help", () => {
  it("prints usage with examples", async () => {
    const r = await runCli(["exec", "--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Usage: pagewise exec");
    expect(r.stdout).toContain("$ pagewise exec --frames 4 --policy fifo examples/rv32/bin/sort.elf");
  });
});

describe("pagewise exec --files", () => {
  it("readfile opens, seeks and stats a file under the directory given", async () => {
    const r = await runCli(["exec", "--files", "examples/rv32", "--quiet", `${BIN}/readfile.elf`]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(example("readfile").stdout);
  });

  it("without --files the program can open nothing", async () => {
    const r = await runCli(["exec", "--quiet", `${BIN}/readfile.elf`]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("open: fd bad\n");
  });

  it("a path cannot leave the directory, by .. or by an absolute path", () => {
    const files = directoryFiles("examples/rv32/data");
    expect(files.read("input.txt")).toBeDefined();
    expect(files.read("/input.txt")).toBeDefined();
    expect(files.read("../Makefile")).toBeUndefined();
    expect(files.read("/../../README.md")).toBeUndefined();
    expect(files.read("missing")).toBeUndefined();
  });
});

describe("the README's exec examples", () => {
  // The README's blocks, read from the file, so what it shows is what exec prints.
  const readme = readFileSync("README.md", "utf8");
  const block = (command: string) => {
    const at = readme.indexOf(`$ ${command}\n`);
    expect(at).toBeGreaterThan(0);
    const body = readme.slice(at + command.length + 3, readme.indexOf("```", at));
    return body;
  };
  const hostSpeed = (s: string) => s.replace(/\([\d.]+ M\/s host CPU\)/, "(N M/s host CPU)");

  it("recurse at 4 frames under clock with --optimal prints what the README shows (host speed aside)", async () => {
    const command = "pagewise exec --frames 4 --policy clock --optimal examples/rv32/bin/recurse.elf";
    const r = await runCli(command.split(" ").slice(1));
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("deep(50000)=3137965957\nack(2,300)=603 ack(3,5)=253\n");
    expect(hostSpeed(r.stdout + r.stderr)).toBe(hostSpeed(block(command)));
  });

  it("twice.spec: the summary lines the README shows", async () => {
    const command = "pagewise exec --frames 64 --spec examples/rv32/twice.spec";
    const r = await runCli(command.split(" ").slice(1));
    expect(r.code).toBe(0);
    const shown = block(command)
      .split("\n")
      .filter((l) => l.startsWith("pagewise exec: "));
    expect(shown.length).toBe(3);
    const printed = r.stderr.split("\n").filter((l) => l.startsWith("pagewise exec: "));
    expect(printed).toEqual(shown);
  });
});

describe("pagewise exec --run: several programs at once", () => {
  it("sort and matmul share 16 frames round robin; each one's output is qemu's, prefixed", async () => {
    const r = await runCli([
      "exec",
      "--frames",
      "16",
      "--quantum",
      "5000",
      "--run",
      `${BIN}/sort.elf`,
      "--run",
      `${BIN}/matmul.elf`,
    ]);
    expect(r.code).toBe(0);
    const lines = r.stdout.split("\n").filter((l) => l !== "");
    const of = (k: number) =>
      lines
        .filter((l) => l.startsWith(`[${k}] `))
        .map((l) => `${l.slice(4)}\n`)
        .join("");
    expect(of(1)).toBe(example("sort").stdout);
    expect(of(2)).toBe(example("matmul").stdout);
    expect(lines.length).toBe(lines.filter((l) => /^\[[12]\] /.test(l)).length);
    const switches = Number(/context switches ([\d,]+)/.exec(r.stderr)![1]!.replaceAll(",", ""));
    expect(switches).toBeGreaterThan(100);
  });

  it("the first nonzero status is ours; quoting splits arguments as a shell would", async () => {
    const r = await runCli([
      "exec",
      "--quiet",
      "--run",
      `${BIN}/hello.elf one 'two words' 3`,
      "--run",
      `${BIN}/segv.elf`,
    ]);
    expect(r.code).toBe(139);
    expect(r.stdout).toContain("[1] argv[2]=two words (9 bytes)\n");
    expect(r.stdout).toContain("[2] about to fault\n");
  });
});

describe("pagewise exec --swap-slots", () => {
  it("a program that needs more swap than allowed is killed (SIGKILL, status 137), with the reason", async () => {
    const r = await runCli(["exec", "--frames", "3", "--swap-slots", "4", `${BIN}/heap.elf`]);
    expect(r.code).toBe(137);
    expect(r.stderr).toMatch(/killed by signal 9 \(out-of-swap/);
  });
});

describe("pagewise exec --record", () => {
  it("writes the program's references as a pwt trace that info and run read", async () => {
    const dir = mkdtempSync(join(tmpdir(), "pagewise-rv32-"));
    try {
      const file = join(dir, "sort.pwt");
      const r = await runCli(["exec", "--json", "--record", file, `${BIN}/sort.elf`]);
      expect(r.code).toBe(0);
      const doc = JSON.parse(r.stdout);
      expect(doc.stdout).toBe(example("sort").stdout);
      const info = JSON.parse((await runCli(["info", "--json", file])).stdout);
      expect(info.references).toBe(doc.recorded.references);
      // One fetch per instruction retired (the last, exit's ecall, included).
      expect(info.instructions).toBe(doc.instructions);
      expect(info.reads + info.writes + info.instructions).toBe(info.references);
      const run = await runCli(["run", "--trace", file, "--policy", "opt", "--frames", "4", "--json"]);
      expect(run.code).toBe(0);
      expect(JSON.parse(run.stdout).references).toBe(info.references);
      // "Faults above optimal": the stream replayed under OPT and under the run's policy at its frames.
      expect(doc.optimal.references).toBe(info.references);
      for (const [policy, key] of [
        ["opt", "optFaults"],
        ["clock", "policyFaults"],
      ] as const) {
        const replayed = await runCli([
          "run",
          "--trace",
          file,
          "--policy",
          policy,
          "--frames",
          "1024",
          "--json",
        ]);
        expect(doc.optimal[key]).toBe(JSON.parse(replayed.stdout).faults);
      }
      expect(doc.optimal.aboveOptimal).toBe(doc.optimal.policyFaults - doc.optimal.optFaults);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("pagewise exec --spec, --scope, --tlb-mode, --output-dir", () => {
  const summaryOf = (stderr: string, k: number) =>
    new RegExp(`\\[${k}\\] .*text from the file ([\\d,]+), minor ([\\d,]+)`).exec(stderr)!;

  it("the same program twice at once: the second maps the first one's text frames (minor faults), outputs apart", async () => {
    const r = await runCli(["exec", "--frames", "64", "--spec", "examples/rv32/twice.spec"]);
    expect(r.code).toBe(0);
    const hello = example("hello").stdout.split("\n");
    // Each run's lines are qemu's, with its own arguments, under its own prefix.
    const of = (k: number) =>
      r.stdout
        .split("\n")
        .filter((l) => l.startsWith(`[${k}] `))
        .map((l) => l.slice(4));
    expect(of(1)[0]).toBe(hello[0]);
    expect(of(1)).toContain("argv[2]=run (3 bytes)");
    expect(of(2)).toContain("argv[2]=run, quoted (11 bytes)");
    expect(of(1).at(-1)).toBe(hello.at(-2));
    const first = summaryOf(r.stderr, 1);
    const second = summaryOf(r.stderr, 2);
    expect(Number(first[1])).toBeGreaterThan(0);
    expect(first[2]).toBe("0");
    expect(second[1]).toBe("0");
    expect(second[2]).toBe(first[1]);
  });

  it("--scope local gives each program a quota; --tlb-mode flush flushes on each switch: same outputs", async () => {
    const args = [
      "--frames",
      "12",
      "--quantum",
      "2000",
      "--run",
      `${BIN}/sort.elf`,
      "--run",
      `${BIN}/matmul.elf`,
    ];
    const tagged = await runCli(["exec", "--scope", "local", ...args]);
    const flushed = await runCli(["exec", "--scope", "local", "--tlb-mode", "flush", ...args]);
    for (const r of [tagged, flushed]) {
      expect(r.code).toBe(0);
      expect(r.stderr).toMatch(/local \(quota 6 each\)/);
      const of = (k: number) =>
        r.stdout
          .split("\n")
          .filter((l) => l.startsWith(`[${k}] `))
          .map((l) => `${l.slice(4)}\n`)
          .join("");
      expect(of(1)).toBe(example("sort").stdout);
      expect(of(2)).toBe(example("matmul").stdout);
    }
    const misses = (s: string) =>
      Number(/TLB [\d,]+ hits \/ ([\d,]+) misses/.exec(s)![1]!.replaceAll(",", ""));
    expect(misses(flushed.stderr)).toBeGreaterThan(misses(tagged.stderr));
    expect(flushed.stderr).toMatch(/\(flush\)/);
  });

  it("--output-dir: each program's stdout and stderr in new files, byte for byte; an existing file is not overwritten", async () => {
    const dir = mkdtempSync(join(tmpdir(), "pagewise-rv32-"));
    try {
      const argv = [
        "exec",
        "--quiet",
        "--output-dir",
        dir,
        "--run",
        `${BIN}/segv.elf`,
        "--run",
        `${BIN}/sort.elf`,
      ];
      const r = await runCli(argv);
      expect(r.code).toBe(139);
      expect(r.stdout).toBe("");
      expect(readFileSync(join(dir, "1.stdout"), "latin1")).toBe(example("segv").stdout);
      expect(readFileSync(join(dir, "1.stderr"), "latin1")).toBe(example("segv").stderr);
      expect(readFileSync(join(dir, "2.stdout"), "latin1")).toBe(example("sort").stdout);
      const again = await runCli(argv);
      expect(again.code).toBe(1);
      expect(again.stderr).toMatch(/1\.stdout exists \(not overwritten\)/);
      expect(readFileSync(join(dir, "2.stdout"), "latin1")).toBe(example("sort").stdout);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("bad spec files and options are usage errors naming the file, the line or the option", async () => {
    const dir = mkdtempSync(join(tmpdir(), "pagewise-rv32-"));
    try {
      const bad = join(dir, "bad.spec");
      writeFileSync(bad, `# ok\n${BIN}/hello.elf\n${BIN}/hello.elf 'open\n`);
      const empty = join(dir, "empty.spec");
      writeFileSync(empty, "# nothing\n\n");
      const cases: [string[], number, RegExp][] = [
        [["exec", "--spec", bad], 2, /bad\.spec line 3: unterminated ' quote/],
        [["exec", "--spec", empty], 2, /empty\.spec: no command lines/],
        [["exec", "--spec", join(dir, "none.spec")], 1, /cannot read .*none\.spec: ENOENT/],
        [["exec", "--spec", dir], 2, /not a file/],
        [["exec", "--scope", "nearby", "--run", `${BIN}/hello.elf`], 2, /--scope: expected global or local/],
        [
          ["exec", "--tlb-mode", "lazy", "--run", `${BIN}/hello.elf`],
          2,
          /--tlb-mode: expected tagged or flush/,
        ],
        [["exec", "--output-dir", dir, `${BIN}/hello.elf`], 2, /--output-dir goes with several programs/],
        [
          [
            "exec",
            "--frames",
            "8",
            "--scope",
            "local",
            "--spec",
            "examples/rv32/twice.spec",
            "--run",
            `${BIN}/sort.elf`,
          ],
          2,
          /--scope local: 8 frames for 3 programs leave 2 each/,
        ],
      ];
      for (const [argv, code, re] of cases) {
        const r = await runCli(argv);
        expect(r.stderr).toMatch(re);
        expect(r.code).toBe(code);
        expect(r.stderr).not.toMatch(/unexpected failure/);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("pagewise exec --optimal and --report", () => {
  it("faults above optimal: the run's stream replayed under OPT at the same frames, never below 0", async () => {
    const r = await runCli(["exec", "--frames", "6", "--policy", "lru", "--optimal", `${BIN}/recurse.elf`]);
    expect(r.code).toBe(0);
    const m =
      /faults above optimal: ([\d,]+) \(the reference stream replayed at 6 frames: lru ([\d,]+), OPT ([\d,]+)\)/.exec(
        r.stderr,
      )!;
    const n = (s: string) => Number(s.replaceAll(",", ""));
    expect(n(m[1]!)).toBe(n(m[2]!) - n(m[3]!));
    expect(n(m[3]!)).toBeLessThanOrEqual(n(m[2]!));
    // The stream holds the kernel's copies too, so LRU's replay counts the machine's own faults.
    const machine = n(/faults ([\d,]+): fetch/.exec(r.stderr)![1]!);
    expect(n(m[2]!)).toBe(machine);
  });

  it("--report writes the HTML report of the program's stream (run's policy, OPT, LRU, FIFO)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "pagewise-rv32-"));
    try {
      const file = join(dir, "hello.html");
      const r = await runCli(["exec", "--frames", "4", "--report", file, "--quiet", `${BIN}/hello.elf`, "x"]);
      expect(r.code).toBe(0);
      expect(r.stderr).toBe(`this line goes to stderr\nreport written to ${file}\n`);
      const html = readFileSync(file, "utf8");
      expect(html).toContain("pagewise exec examples/rv32/bin/hello.elf");
      expect(html).toContain("4 page frames under clock, status 0");
      for (const p of ["clock", "opt", "lru", "fifo"]) expect(html).toContain(`"${p}"`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("--report and --optimal take one program", async () => {
    for (const opt of [["--report", "x.html"], ["--optimal"]]) {
      const r = await runCli(["exec", ...opt, "--run", `${BIN}/hello.elf`]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/takes one program/);
    }
  });
});

describe("the reference stream kept in memory is bounded", () => {
  it("past maxKept references the copy is dropped (tooLong), the count still exact", async () => {
    const ex = example("hello");
    const run = async (maxKept: number) => {
      const m = new Machine({ frames: 64, pageSize: 4096, vaBits: 32, policy: "clock", tableFrames: 8 });
      const p = new Rv32Process(m, ex.elf, "hello", { argv: ex.argv });
      const s = await runStream(p, "hello", { keep: true, maxKept, pageSize: 4096, limit: Infinity });
      m.close();
      return s;
    };
    const whole = await run(1 << 20);
    expect(whole.tooLong).toBe(false);
    expect(whole.workload?.count).toBe(whole.references);
    const cut = await run(1000);
    expect(cut.tooLong).toBe(true);
    expect(cut.workload).toBeUndefined();
    expect(cut.references).toBe(whole.references);
  });
});

describe("pagewise exec --swap-file and the files it writes", () => {
  it("thrashing through a new swap file: qemu's output, write-backs to the file, the file removed at the end", async () => {
    const dir = mkdtempSync(join(tmpdir(), "pagewise-rv32-"));
    try {
      const swap = join(dir, "swap.bin");
      const r = await runCli(["exec", "--frames", "4", "--json", "--swap-file", swap, `${BIN}/recurse.elf`]);
      expect(r.code).toBe(0);
      const doc = JSON.parse(r.stdout);
      expect(doc.stdout).toBe(example("recurse").stdout);
      expect(doc.writebacks).toBeGreaterThan(100);
      expect(doc.faults.byCause.fromSwap).toBeGreaterThan(100);
      expect(existsSync(swap)).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("a swap file with data in it is refused and left as it was", async () => {
    const dir = mkdtempSync(join(tmpdir(), "pagewise-rv32-"));
    try {
      const file = join(dir, "notes.txt");
      writeFileSync(file, "keep me\n");
      const r = await runCli(["exec", "--swap-file", file, `${BIN}/hello.elf`]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/--swap-file .*notes\.txt: .*exists, and pagewise never overwrites/);
      expect(readFileSync(file, "utf8")).toBe("keep me\n");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("--record, --report or --swap-file naming the program itself is refused; the ELF is untouched", async () => {
    const dir = mkdtempSync(join(tmpdir(), "pagewise-rv32-"));
    try {
      const elf = join(dir, "hello.elf");
      const bytes = readFileSync(`${BIN}/hello.elf`);
      writeFileSync(elf, bytes);
      for (const opt of ["--record", "--report", "--swap-file"]) {
        const r = await runCli(["exec", opt, elf, elf]);
        expect(r.code).toBe(2);
        expect(r.stderr).toMatch(/hello\.elf/);
        expect(r.stderr).not.toMatch(/unexpected failure/);
        expect(readFileSync(elf).equals(bytes)).toBe(true);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("LinePrefixer: several programs' output lines kept apart", () => {
  const sink = () => {
    const parts: string[] = [];
    return { parts, stream: { write: (s: string) => void parts.push(s) } as unknown as OutStream };
  };
  const bytes = (s: string) => Uint8Array.from(Buffer.from(s, "latin1"));

  it("a line split across writes gets one prefix; an unfinished last line is ended", () => {
    const { parts, stream } = sink();
    const p = new LinePrefixer(stream, "[1] ");
    p.write(bytes("ab"));
    p.write(bytes("c\nde"));
    p.write(bytes("f\ng"));
    p.end();
    expect(parts.join("")).toBe("[1] abc\n[1] def\n[1] g\n");
  });

  it("a line longer than 64 KiB without a newline is not held whole: it goes out in pieces under one prefix", () => {
    const { parts, stream } = sink();
    const p = new LinePrefixer(stream, "[2] ");
    const piece = "x".repeat(40_000);
    p.write(bytes(piece));
    expect(parts.join("")).toBe("");
    p.write(bytes(piece));
    // Past 64 KiB the held bytes went out.
    expect(parts.join("")).toBe(`[2] ${piece}${piece}`);
    p.write(bytes(`${piece}\nnext\n`));
    expect(parts.join("")).toBe(`[2] ${piece}${piece}${piece}\n[2] next\n`);
  });
});

describe("pagewise exec on a terminal", () => {
  it("shows a progress line counting instructions (a count and a rate: the total is not known)", async () => {
    const r = await runCli(["exec", "--frames", "8", `${BIN}/sort.elf`], {
      tty: true,
      env: { PAGEWISE_PROGRESS_AFTER_MS: "0" },
    });
    expect(r.code, r.stderr).toBe(0);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: terminal escape sequences
    const lines = r.stderr.replace(/\x1b\[[0-9;?]*[A-Za-z]|\x1b[78]/g, "\n").split(/[\r\n]+/);
    const bar = lines.filter((l) => /sort\.elf.*[\d,]+ instructions/.test(l));
    expect(bar.length, r.stderr).toBeGreaterThan(0);
    // No percentage or ETA for work of unknown size.
    expect(bar.some((l) => /%|eta/.test(l))).toBe(false);
    expect(r.stdout).toBe(example("sort").stdout);
  });
});
