// `pagewise exec PROG.elf [ARGS...]`: runs a static RV32IMA Linux program (src/cpu/rv32) on the
// demand-paged machine. The program's stdout and stderr go to ours (byte for byte), its exit
// status becomes ours (128 + signal when one ended it, as a shell shows it), and a summary of the
// run (instructions, faults by access and by cause, evictions, write-backs, TLB, simulated time)
// goes to stderr, or with --json one document on stdout that also holds the program's output.

import { closeSync, openSync, readFileSync, realpathSync, statSync, writeSync } from "node:fs";
import { isAbsolute, join, relative, resolve } from "node:path";
import { type Command, Option } from "commander";
import { checkNotInput } from "../../node/output-file.js";
import {
  checkRv32Frames,
  type FileSource,
  layoutFor,
  Machine,
  Rv32Process,
  runTogether,
} from "../../src/index.js";
import { prepare } from "../engine.js";
import { IoError, UsageError } from "../errors.js";
import type { OutStream } from "../io.js";
import type { CommandContext } from "../main.js";
import { fmtInt, fmtNs, writeJson } from "../output.js";
import { Progress } from "../progress.js";
import { openSwapFile } from "../swap-file.js";
import { parsePageSize, parsePositiveInt } from "../units.js";
import type { Workload } from "../workload.js";
import { MAX_KEPT, type Optimal, optimalOf, runStream, type Stream } from "./exec-stream.js";
import { parseTlb } from "./run.js";

/** Thrown by exec to make the CLI exit with the program's status (cli/main.ts returns it). */
export class ProgramExitStatus extends Error {
  constructor(readonly status: number) {
    super(`program exited with status ${status}`);
    this.name = "ProgramExitStatus";
  }
}

interface ExecOptions {
  frames: number;
  policy: string;
  pageSize: number;
  tlb?: { entries: number; ways: number };
  swapFile?: string;
  swapSlots: number;
  stdin?: string;
  files?: string;
  env: string[];
  maxInstructions?: number;
  quiet?: boolean;
  json?: boolean;
  run: string[];
  spec?: string;
  scope: "global" | "local";
  tlbMode: "tagged" | "flush";
  outputDir?: string;
  quantum: number;
  record?: string;
  report?: string;
  optimal?: boolean;
}

/** Page-table frames set aside beside --frames (more tables, if a program needs them, take page frames). */
const TABLE_FRAMES = 64;

export function registerExec(program: Command, { io }: CommandContext): void {
  program
    .command("exec")
    .summary("run a static RV32IMA Linux program (ELF) under demand paging")
    .description(
      "Run a static RISC-V RV32IMA Linux executable on the paged machine: every instruction fetch, load and\n" +
        "store goes through the TLB, the sv32 page tables and the pager. The program's stdout and stderr are\n" +
        "ours, its exit status is ours (128 + signal if one ended it); a summary goes to stderr.\n" +
        "--frames counts page frames; page tables get up to 64 frames of their own.",
    )
    .argument("[program]", "the ELF file")
    .argument("[args...]", "arguments for the program (options after the program name are its own)")
    .passThroughOptions()
    .option(
      "--frames <n>",
      "page frames (at least 3: an instruction's page and a straddling operand's two)",
      parsePositiveInt,
      1024,
    )
    .option("--policy <spec>", "replacement policy (pagewise policies)", "clock")
    .option(
      "--page-size <size>",
      "page size (the program's segments must not share a page)",
      parsePageSize,
      4096,
    )
    .option("--tlb <entries/ways>", "TLB geometry, 0 for none (default 64/4)", parseTlb)
    .option(
      "--swap-file <path>",
      "swap to a file instead of memory: a new file, or a temporary one in a directory (an existing file is refused, never overwritten); removed at the end",
    )
    .option(
      "--swap-slots <n>",
      "swap capacity in pages; beyond it the program is killed (SIGKILL)",
      parsePositiveInt,
      65536,
    )
    .option("--stdin <file>", "file the program reads on fd 0 (default: nothing)")
    .option("--files <dir>", "let the program open files under this directory, read-only (default: none)")
    .addOption(
      new Option("--env <NAME=value>", "an environment variable for the program (repeatable)")
        .argParser((v: string, a: string[]) => [...a, v])
        .default([], "none"),
    )
    .option("--max-instructions <n>", "stop after this many instructions (exit status 124)", parsePositiveInt)
    .option(
      "--run <command>",
      "run this program (with its arguments, as a shell would split them) beside the others, round robin; repeatable; output lines prefixed [n]",
      (v: string, a: string[]) => [...a, v],
      [],
    )
    .option(
      "--spec <file>",
      "run the programs listed in this file, one command line each (# starts a comment), as with --run",
    )
    .option("--quantum <n>", "instructions per turn with --run", parsePositiveInt, 100_000)
    .option(
      "--scope <scope>",
      "with several programs: global (a victim from any program) or local (each program evicts its own pages, quota frames/n each)",
      parseScope,
      "global",
    )
    .option(
      "--tlb-mode <mode>",
      "tagged (entries carry the address space's ASID) or flush (the TLB is flushed on each context switch)",
      parseTlbMode,
      "tagged",
    )
    .option(
      "--output-dir <dir>",
      "with several programs: program n's stdout and stderr go to DIR/n.stdout and DIR/n.stderr (new files) instead of ours, prefixed",
    )
    .option(
      "--record <file.pwt>",
      "write every reference the program's CPU makes (fetch, load, store) to a pwt trace for run, sweep, mrc",
    )
    .option(
      "--optimal",
      `also replay the program's reference stream under OPT at the same frames: "faults above optimal" (on with --record and --report; streams up to ${MAX_KEPT} references)`,
    )
    .option(
      "--report <file.html>",
      "also write an HTML report of the program's reference stream (the run's policy, OPT, LRU and FIFO over a range of frames), as run --report does",
    )
    .option("--quiet", "no summary on stderr")
    .option(
      "--json",
      "one JSON document on stdout: status, signal, trap, instructions, faults{byAccess, byCause}, evictions, writebacks, tlb, simulatedNs, recorded, stdout, stderr, warnings",
    )
    .addHelpText(
      "after",
      `
Examples:
  $ pagewise exec examples/rv32/bin/hello.elf one "two words" 3
  $ pagewise exec --frames 4 --policy fifo examples/rv32/bin/sort.elf
  $ pagewise exec --frames 8 --json examples/rv32/bin/matmul.elf
  $ pagewise exec --frames 6 --policy lru --optimal examples/rv32/bin/recurse.elf
  $ pagewise exec --frames 16 --run examples/rv32/bin/sort.elf --run examples/rv32/bin/matmul.elf
  $ pagewise exec --frames 64 --scope local --tlb-mode flush --spec examples/rv32/twice.spec

Options go before the program: everything after its name is the program's own.`,
    )
    .action(async (file: string | undefined, args: string[], opts: ExecOptions) => {
      const many = opts.run.length > 0 || opts.spec !== undefined;
      if (many && file !== undefined) {
        throw new UsageError(
          "give the program once: exec PROGRAM [ARGS...], or --run 'PROGRAM ARGS' (repeatable) or --spec FILE",
        );
      }
      if (many && opts.json) throw new UsageError("--json takes one program, not --run or --spec");
      if (many && opts.record) throw new UsageError("--record takes one program, not --run or --spec");
      if (many && opts.report) throw new UsageError("--report takes one program, not --run or --spec");
      if (many && opts.optimal) throw new UsageError("--optimal takes one program, not --run or --spec");
      if (!many && opts.outputDir !== undefined)
        throw new UsageError("--output-dir goes with several programs (--run or --spec)");
      if (!many && file === undefined) throw new UsageError("give a program: exec PROGRAM.elf [ARGS...]");
      const cmds = many ? commandLines(io, opts) : [[file!]];
      // An output never replaces an input: the program, a --spec file, --stdin.
      const inputs = [...cmds.map((w) => w[0]!), ...[opts.spec, opts.stdin].filter((x) => x !== undefined)];
      for (const out of [opts.record, opts.report, opts.swapFile])
        if (out !== undefined) checkNotInput(out, inputs, io.cwd);
      const status = many ? runMany(io, cmds, opts) : await runExec(io, file!, args, opts);
      if (status !== 0) throw new ProgramExitStatus(status);
    });
}

/** Splits a command line as a shell would for plain words, 'single' and "double" quotes. */
export function splitCommand(line: string, where = `--run "${line}"`): string[] {
  const words: string[] = [];
  let cur = "";
  let inWord = false;
  let quote = "";
  for (const ch of line) {
    if (quote !== "") {
      if (ch === quote) quote = "";
      else cur += ch;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
      inWord = true;
    } else if (/\s/.test(ch)) {
      if (inWord) words.push(cur);
      cur = "";
      inWord = false;
    } else {
      cur += ch;
      inWord = true;
    }
  }
  if (quote !== "") throw new UsageError(`${where}: unterminated ${quote} quote`);
  if (inWord) words.push(cur);
  return words;
}

function parseScope(v: string): "global" | "local" {
  if (v !== "global" && v !== "local") throw new UsageError(`--scope: expected global or local, got "${v}"`);
  return v;
}

function parseTlbMode(v: string): "tagged" | "flush" {
  if (v !== "tagged" && v !== "flush")
    throw new UsageError(`--tlb-mode: expected tagged or flush, got "${v}"`);
  return v;
}

/** Largest spec file read (it lists command lines). */
const MAX_SPEC_BYTES = 1 << 20;
/** Most programs at once. */
const MAX_PROGRAMS = 64;

/** The command lines of --run and --spec, each split into words; errors name the option or the file and line. */
function commandLines(io: CommandContext["io"], opts: ExecOptions): string[][] {
  const cmds: string[][] = [];
  for (const l of opts.run) {
    const words = splitCommand(l, `--run "${l}"`);
    if (words.length === 0) throw new UsageError(`--run "${l}": no program`);
    cmds.push(words);
  }
  if (opts.spec !== undefined) {
    const path = resolve(io.cwd, opts.spec);
    let st: ReturnType<typeof statSync>;
    try {
      st = statSync(path);
    } catch (e) {
      throw new IoError(`cannot read ${opts.spec}: ${(e as NodeJS.ErrnoException).code ?? "error"}`);
    }
    if (!st.isFile()) throw new UsageError(`--spec ${opts.spec}: not a file`);
    if (st.size > MAX_SPEC_BYTES)
      throw new UsageError(`--spec ${opts.spec}: larger than ${MAX_SPEC_BYTES} bytes`);
    const text = Buffer.from(readBytes(path, opts.spec)).toString("utf8");
    for (const [i, raw] of text.split("\n").entries()) {
      const line = raw.trim();
      if (line === "" || line.startsWith("#")) continue;
      cmds.push(splitCommand(line, `${opts.spec} line ${i + 1}`));
    }
    if (cmds.length === 0) throw new UsageError(`--spec ${opts.spec}: no command lines`);
  }
  if (cmds.length > MAX_PROGRAMS)
    throw new UsageError(`--run/--spec: ${cmds.length} programs (at most ${MAX_PROGRAMS})`);
  return cmds;
}

/** Where program n's output goes: our streams, prefixed [n], or new files under --output-dir. */
interface Sink {
  write(bytes: Uint8Array): void;
  end(): void;
}

function fileSink(path: string, shown: string): Sink {
  let fd: number;
  try {
    // "wx": a new file only; an existing one is never overwritten.
    fd = openSync(path, "wx");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? "error";
    throw new IoError(
      code === "EEXIST"
        ? `--output-dir: ${shown} exists (not overwritten)`
        : `cannot write ${shown}: ${code}`,
    );
  }
  return {
    write: (b) => {
      writeSync(fd, b);
    },
    end: () => closeSync(fd),
  };
}

/** Several programs at once on one machine; each one's output lines go out prefixed [n] (or to files). */
function runMany(io: CommandContext["io"], cmds: string[][], opts: ExecOptions): number {
  const images = cmds.map((w) => readBytes(resolve(io.cwd, w[0]!), w[0]!));
  const quota = opts.scope === "local" ? Math.floor(opts.frames / cmds.length) : undefined;
  if (quota !== undefined && quota < 3) {
    throw new UsageError(
      `--scope local: ${opts.frames} frames for ${cmds.length} programs leave ${quota} each (at least 3: an instruction's page and a straddling operand's two)`,
    );
  }
  const machine = makeMachine(io, opts);
  const sinks: Sink[] = [];
  try {
    const procs = cmds.map((words, k) => {
      let out: Sink;
      let err: Sink;
      if (opts.outputDir !== undefined) {
        const dir = resolve(io.cwd, opts.outputDir);
        out = fileSink(join(dir, `${k + 1}.stdout`), join(opts.outputDir, `${k + 1}.stdout`));
        sinks.push(out);
        err = fileSink(join(dir, `${k + 1}.stderr`), join(opts.outputDir, `${k + 1}.stderr`));
        sinks.push(err);
      } else {
        out = new LinePrefixer(io.stdout, `[${k + 1}] `);
        err = new LinePrefixer(io.stderr, `[${k + 1}] `);
      }
      const proc = new Rv32Process(machine, images[k]!, words[0]!, {
        argv: words,
        env: opts.env,
        ...(quota === undefined ? {} : { quota }),
        ...(opts.files === undefined ? {} : { files: directoryFiles(resolve(io.cwd, opts.files)) }),
        stdout: (b) => out.write(b),
        stderr: (b) => err.write(b),
      });
      return { proc, out, err, words };
    });
    runTogether(
      procs.map((p) => p.proc),
      opts.quantum,
    );
    let status = 0;
    const summary: string[] = [];
    const perPid = new Map(machine.stats().processes.map((s) => [s.pid, s.faults]));
    for (const [k, p] of procs.entries()) {
      if (opts.outputDir === undefined) {
        p.out.end();
        p.err.end();
      }
      const r = p.proc.result();
      if (status === 0 && r.status !== 0) status = r.status;
      const f = perPid.get(p.proc.pid);
      summary.push(
        `[${k + 1}] ${p.words[0]}: ${r.trap ? `killed by signal ${r.trap.signal} (${r.trap.reason})` : `exit ${r.exitCode}`}; instructions ${fmtInt(r.instructions)}; faults fetch ${fmtInt(r.faults.fetch)}, load ${fmtInt(r.faults.load)}, store ${fmtInt(r.faults.store)}; text from the file ${fmtInt(f?.fromObject ?? 0)}, minor ${fmtInt(f?.minor ?? 0)}`,
      );
      for (const w of r.warnings) summary.push(`[${k + 1}]   warning: ${w}`);
    }
    if (!opts.quiet) {
      const s = machine.stats();
      summary.push(
        `all: faults ${fmtInt(s.faults.total)} (minor ${fmtInt(s.faults.minor)}), evictions ${fmtInt(s.evictions.clean + s.evictions.dirty)} (dirty ${fmtInt(s.evictions.dirty)}), write-backs ${fmtInt(s.writebacks)}, context switches ${fmtInt(s.switches)}, TLB ${fmtInt(s.tlb.hits)} hits / ${fmtInt(s.tlb.misses)} misses (${opts.tlbMode}); ${opts.frames} frames, ${opts.policy}, ${opts.scope}${quota === undefined ? "" : ` (quota ${quota} each)`}; simulated time ${fmtNs(s.timeNs)}`,
      );
      io.stderr.write(`${summary.map((l) => `pagewise exec: ${l}`).join("\n")}\n`);
    }
    return status;
  } finally {
    for (const s of sinks) s.end();
    machine.close();
  }
}

/** Most bytes of an unfinished line held back; a longer line goes out in pieces (one prefix). */
const MAX_PENDING = 1 << 16;

/**
 * Writes bytes line by line with a prefix before each line, so that programs' lines never mix. An
 * unfinished line is held until its newline, up to MAX_PENDING bytes: then it goes out as it is
 * and the rest of that line follows without a second prefix.
 */
export class LinePrefixer {
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;
  /** Part of the current line is already out (with its prefix). */
  private midLine = false;
  constructor(
    private readonly stream: OutStream,
    private readonly prefix: string,
  ) {}
  write(bytes: Uint8Array): void {
    let start = 0;
    for (let i = 0; i < bytes.length; i++) {
      if (bytes[i] !== 10) continue;
      this.hold(bytes.subarray(start, i + 1));
      this.flush();
      this.midLine = false;
      start = i + 1;
    }
    if (start < bytes.length) {
      this.hold(bytes.slice(start));
      if (this.pendingBytes > MAX_PENDING) {
        this.flush();
        this.midLine = true;
      }
    }
  }
  end(): void {
    if (this.pendingBytes > 0 || this.midLine) {
      this.hold(Uint8Array.of(10));
      this.flush();
      this.midLine = false;
    }
  }
  private hold(b: Uint8Array): void {
    this.pending.push(b);
    this.pendingBytes += b.length;
  }
  private flush(): void {
    if (!this.midLine) this.stream.write(this.prefix);
    writeBytes(this.stream, Buffer.concat(this.pending));
    this.pending = [];
    this.pendingBytes = 0;
  }
}

function makeMachine(io: CommandContext["io"], opts: ExecOptions): Machine {
  try {
    checkRv32Frames(layoutFor(opts.pageSize, 32), opts.frames);
  } catch (e) {
    throw new UsageError(`--frames: ${(e as Error).message}`);
  }
  for (const e of opts.env) if (!e.includes("=")) throw new UsageError(`--env "${e}": expected NAME=value`);
  const swap =
    opts.swapFile === undefined
      ? undefined
      : // A new file (or a temporary one in a directory); an existing file is refused, never truncated.
        openSwapFile(opts.swapFile, io.cwd, opts.pageSize, opts.swapSlots).store;
  return new Machine({
    frames: opts.frames,
    pageSize: opts.pageSize,
    vaBits: 32,
    policy: opts.policy,
    tableFrames: TABLE_FRAMES,
    scope: opts.scope,
    tlb: { ...(opts.tlb ?? {}), mode: opts.tlbMode },
    ...(swap ? { swap } : { swapSlots: opts.swapSlots }),
  });
}

async function runExec(
  io: CommandContext["io"],
  file: string,
  args: string[],
  opts: ExecOptions,
): Promise<number> {
  const path = resolve(io.cwd, file);
  const bytes = readBytes(path, file);
  const stdin = opts.stdin === undefined ? undefined : readBytes(resolve(io.cwd, opts.stdin), opts.stdin);
  const machine = makeMachine(io, opts);
  const out: Uint8Array[] = [];
  const err: Uint8Array[] = [];
  const json = opts.json === true;
  try {
    const proc = new Rv32Process(machine, bytes, file, {
      argv: [file, ...args],
      env: opts.env,
      ...(stdin ? { stdin } : {}),
      ...(opts.files === undefined ? {} : { files: directoryFiles(resolve(io.cwd, opts.files)) }),
      stdout: (b) => (json ? out.push(b) : writeBytes(io.stdout, b)),
      stderr: (b) => (json ? err.push(b) : writeBytes(io.stderr, b)),
    });
    const c0 = process.cpuUsage();
    const limit = opts.maxInstructions ?? Number.POSITIVE_INFINITY;
    const wantOptimal = opts.optimal === true || opts.record !== undefined || opts.report !== undefined;
    // The bar is for people at a terminal: never with --json (nor off a TTY).
    const bar = new Progress(io, file, 0, { counter: true, unit: "instructions" });
    let stream: Stream | undefined;
    try {
      if (opts.record === undefined && !wantOptimal) {
        while (proc.running && proc.cpu.instret < limit) {
          proc.step(Math.min(PROGRESS_STEP, limit - proc.cpu.instret));
          if (!json) bar.update(proc.cpu.instret);
        }
      } else {
        stream = await runStream(proc, file, {
          ...(opts.record === undefined ? {} : { path: resolve(io.cwd, opts.record) }),
          keep: wantOptimal,
          pageSize: opts.pageSize,
          limit,
          onStep: (n) => {
            if (!json) bar.update(n);
          },
        });
      }
    } finally {
      bar.stop();
    }
    const recorded = stream?.references ?? 0;
    const r = proc.result();
    const cpu = process.cpuUsage(c0);
    const hostMs = (cpu.user + cpu.system) / 1000;
    const optimal: Optimal | undefined =
      stream?.workload === undefined ? undefined : optimalOf(stream.workload, opts.policy, opts.frames);
    const stopped = proc.running;
    const status = stopped ? 124 : r.status;
    const s = machine.stats();
    const f = s.faults;
    const doc = {
      program: file,
      status,
      exitCode: r.exitCode ?? null,
      signal: r.signal ?? null,
      trap: r.trap ?? null,
      stoppedAtLimit: stopped,
      instructions: r.instructions,
      frames: opts.frames,
      pageSize: opts.pageSize,
      policy: opts.policy,
      faults: {
        total: f.total,
        byAccess: r.faults,
        byCause: {
          zeroFill: f.zeroFill,
          fromText: f.fromObject,
          fromImage: f.fromImage,
          fromSwap: f.fromSwap,
          minor: f.minor,
          fatal: f.protection + f.segmentation + f.outOfSwap,
        },
      },
      evictions: s.evictions,
      writebacks: s.writebacks,
      tlb: { hits: s.tlb.hits, misses: s.tlb.misses },
      references: s.references,
      simulatedNs: s.timeNs,
      hostCpuMs: Math.round(hostMs),
      warnings: r.warnings,
      ...(opts.record === undefined ? {} : { recorded: { file: opts.record, references: recorded } }),
      ...(wantOptimal
        ? { optimal: optimal ?? { notComputed: `the stream has more than ${MAX_KEPT} references` } }
        : {}),
      ...(json
        ? { stdout: Buffer.concat(out).toString("utf8"), stderr: Buffer.concat(err).toString("utf8") }
        : {}),
    };
    if (opts.report !== undefined) {
      if (stream?.workload === undefined) {
        throw new UsageError(
          `--report: the program made more than ${MAX_KEPT} references; no report written`,
        );
      }
      const path = await writeExecReport(io, opts.report, stream.workload, opts, doc);
      io.stderr.write(`report written to ${path}\n`);
    }
    if (json) writeJson(io, doc);
    else if (!opts.quiet) {
      const lines = [
        `pagewise exec: ${file}: ${r.trap ? `killed by signal ${r.trap.signal} (${r.trap.reason}) at pc 0x${r.trap.pc.toString(16)}, ${r.trap.access} of 0x${r.trap.va.toString(16)}` : stopped ? `stopped after ${fmtInt(r.instructions)} instructions` : `exit ${r.exitCode}`}`,
        `  instructions ${fmtInt(r.instructions)} (${(r.instructions / Math.max(1, hostMs) / 1000).toFixed(1)} M/s host CPU), references ${fmtInt(s.references)}`,
        `  faults ${fmtInt(f.total)}: fetch ${fmtInt(r.faults.fetch)}, load ${fmtInt(r.faults.load)}, store ${fmtInt(r.faults.store)}; zero-fill ${fmtInt(f.zeroFill)}, text ${fmtInt(f.fromObject)}, data ${fmtInt(f.fromImage)}, swap ${fmtInt(f.fromSwap)}, minor ${fmtInt(f.minor)}`,
        `  evictions ${fmtInt(s.evictions.clean + s.evictions.dirty)} (dirty ${fmtInt(s.evictions.dirty)}), write-backs ${fmtInt(s.writebacks)}, TLB ${fmtInt(s.tlb.hits)} hits / ${fmtInt(s.tlb.misses)} misses`,
        `  ${opts.frames} frames of ${opts.pageSize} B, ${opts.policy}; simulated time ${fmtNs(s.timeNs)}`,
        ...(opts.record === undefined
          ? []
          : [`  recorded ${fmtInt(recorded)} references (fetch, load, store) to ${opts.record}`]),
        ...(!wantOptimal
          ? []
          : optimal === undefined
            ? [
                `  faults above optimal: not computed (the stream has more than ${fmtInt(MAX_KEPT)} references)`,
              ]
            : [
                `  faults above optimal: ${fmtInt(optimal.aboveOptimal)} (the reference stream replayed at ${optimal.frames} frames: ${optimal.policy} ${fmtInt(optimal.policyFaults)}, OPT ${fmtInt(optimal.optFaults)})`,
              ]),
        ...r.warnings.map((w) => `  warning: ${w}`),
      ];
      io.stderr.write(`${lines.join("\n")}\n`);
    }
    return status;
  } finally {
    machine.close();
  }
}

/** Instructions per step between progress updates. */
const PROGRESS_STEP = 1 << 20;

/** Frame counts for the report's curves: a geometric range from the minimum to all pages, and the run's. */
export function reportFrames(frames: number, distinctPages: number): number[] {
  const top = Math.max(4, distinctPages);
  const out = new Set<number>([frames]);
  for (let f = 3; f < top; f = Math.max(f + 1, Math.round(f * 1.5))) out.add(f);
  out.add(top);
  return [...out].sort((a, b) => a - b);
}

/** The HTML report of the program's reference stream, by the report module every command uses. */
async function writeExecReport(
  io: CommandContext["io"],
  path: string,
  w: Workload,
  opts: ExecOptions,
  doc: { status: number; instructions: number; faults: { total: number } },
): Promise<string> {
  const { buildReport } = await import("../report/collect.js");
  const { writeReportFile } = await import("../report/write.js");
  const p = prepare(w, true);
  const policies = [...new Set([opts.policy, "opt", "lru", "fifo"])];
  const data = await buildReport(io, p, {
    policies,
    frames: reportFrames(opts.frames, p.pageSpace),
    focusFrames: opts.frames,
    title: `pagewise exec ${w.name}`,
    notes: [
      `The reference stream of ${w.name} run by pagewise exec (instruction fetches, loads, stores, and the kernel's copies), ${w.count} references, replayed at each frame count.`,
      `The run itself: ${opts.frames} page frames under ${opts.policy}, status ${doc.status}, ${doc.instructions} instructions, ${doc.faults.total} faults on the machine.`,
    ],
  });
  return writeReportFile(path, data, io.cwd);
}

/** Largest file a program may open (its bytes are read whole). */
const MAX_FILE_BYTES = 64 * 2 ** 20;

/**
 * The files under `dir`, read-only: a path (absolute ones taken from `dir` too) names a regular
 * file whose real location, symbolic links resolved, lies inside `dir`; anything else is absent.
 */
export function directoryFiles(dir: string): FileSource {
  let root: string;
  try {
    root = realpathSync(dir);
    if (!statSync(root).isDirectory()) throw new Error("not a directory");
  } catch {
    throw new UsageError(`--files ${dir}: not a directory`);
  }
  return {
    read(path: string): Uint8Array | undefined {
      if (path.includes("\0")) return undefined;
      try {
        const real = realpathSync(resolve(root, path.replace(/^\/+/, "")));
        const rel = relative(root, real);
        if (rel.startsWith("..") || isAbsolute(rel)) return undefined;
        const st = statSync(real);
        if (!st.isFile() || st.size > MAX_FILE_BYTES) return undefined;
        return readFileSync(real);
      } catch {
        return undefined;
      }
    },
  };
}

function readBytes(path: string, shown: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? "error";
    throw new IoError(`cannot read ${shown}: ${code}`, { path: shown, code });
  }
}

/** Bytes to a stream: raw to a Node stream (a file descriptor behind it), else as UTF-8 text. */
function writeBytes(stream: OutStream, bytes: Uint8Array): void {
  if (typeof (stream as { fd?: unknown }).fd === "number")
    (stream.write as unknown as (b: Uint8Array) => unknown).call(stream, bytes);
  else stream.write(Buffer.from(bytes).toString("utf8"));
}
