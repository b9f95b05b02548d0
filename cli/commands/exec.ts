// `pagewise exec PROG.elf [ARGS...]`: runs a static RV32IMA Linux program (src/cpu/rv32) on the
// demand-paged machine. The program's stdout and stderr go to ours (byte for byte), its exit
// status becomes ours (128 + signal when one ended it, as a shell shows it), and a summary of the
// run (instructions, faults by access and by cause, evictions, write-backs, TLB, simulated time)
// goes to stderr, or with --json one document on stdout that also holds the program's output.

import { readFileSync, realpathSync, statSync } from "node:fs";
import { isAbsolute, relative, resolve } from "node:path";
import { type Command, Option } from "commander";
import { PwtWriter } from "../../node/convert.js";
import { FileSwapStore } from "../../node/file-swap-store.js";
import { layoutFor } from "../../src/core/addr.js";
import type { FileSource } from "../../src/cpu/rv32/kernel.js";
import { checkRv32Frames } from "../../src/cpu/rv32/min-frames.js";
import { Rv32Process, runTogether } from "../../src/cpu/rv32/program.js";
import { Machine } from "../../src/sim/machine.js";
import { makeBatch, REF_INSTR, REF_LOAD, REF_STORE, type RefBatch } from "../../src/workloads/refs.js";
import { IoError, UsageError } from "../errors.js";
import type { OutStream } from "../io.js";
import type { CommandContext } from "../main.js";
import { fmtInt, fmtNs, writeJson } from "../output.js";
import { parsePageSize, parsePositiveInt } from "../units.js";
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
  quantum: number;
  record?: string;
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
    .option("--swap-file <path>", "swap to this file instead of memory")
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
    .option("--quantum <n>", "instructions per turn with --run", parsePositiveInt, 100_000)
    .option(
      "--record <file.pwt>",
      "write every reference the program's CPU makes (fetch, load, store) to a pwt trace for run, sweep, mrc",
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
  $ pagewise exec --frames 16 --run examples/rv32/bin/sort.elf --run examples/rv32/bin/matmul.elf

Options go before the program: everything after its name is the program's own.`,
    )
    .action(async (file: string | undefined, args: string[], opts: ExecOptions) => {
      if (opts.run.length > 0 && file !== undefined) {
        throw new UsageError(
          "give the program once: exec PROGRAM [ARGS...] or --run 'PROGRAM ARGS' (repeatable)",
        );
      }
      if (opts.run.length > 0 && opts.json) throw new UsageError("--json takes one program, not --run");
      if (opts.run.length > 0 && opts.record) throw new UsageError("--record takes one program, not --run");
      if (opts.run.length === 0 && file === undefined)
        throw new UsageError("give a program: exec PROGRAM.elf [ARGS...]");
      const status = opts.run.length > 0 ? runMany(io, opts.run, opts) : await runExec(io, file!, args, opts);
      if (status !== 0) throw new ProgramExitStatus(status);
    });
}

/** Splits a command line as a shell would for plain words, 'single' and "double" quotes. */
export function splitCommand(line: string): string[] {
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
  if (quote !== "") throw new UsageError(`--run "${line}": unterminated ${quote} quote`);
  if (inWord) words.push(cur);
  return words;
}

/** Several programs at once on one machine; each one's output lines go out prefixed [n]. */
function runMany(io: CommandContext["io"], lines: string[], opts: ExecOptions): number {
  const cmds = lines.map((l) => {
    const words = splitCommand(l);
    if (words.length === 0) throw new UsageError(`--run "${l}": no program`);
    return words;
  });
  const images = cmds.map((w) => readBytes(resolve(io.cwd, w[0]!), w[0]!));
  const machine = makeMachine(io, opts);
  try {
    const procs = cmds.map((words, k) => {
      const out = new LinePrefixer(io.stdout, `[${k + 1}] `);
      const err = new LinePrefixer(io.stderr, `[${k + 1}] `);
      const proc = new Rv32Process(machine, images[k]!, words[0]!, {
        argv: words,
        env: opts.env,
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
    for (const [k, p] of procs.entries()) {
      p.out.end();
      p.err.end();
      const r = p.proc.result();
      if (status === 0 && r.status !== 0) status = r.status;
      summary.push(
        `[${k + 1}] ${p.words[0]}: ${r.trap ? `killed by signal ${r.trap.signal} (${r.trap.reason})` : `exit ${r.exitCode}`}; instructions ${fmtInt(r.instructions)}; faults fetch ${fmtInt(r.faults.fetch)}, load ${fmtInt(r.faults.load)}, store ${fmtInt(r.faults.store)}`,
      );
      for (const w of r.warnings) summary.push(`[${k + 1}]   warning: ${w}`);
    }
    if (!opts.quiet) {
      const s = machine.stats();
      summary.push(
        `all: faults ${fmtInt(s.faults.total)}, evictions ${fmtInt(s.evictions.clean + s.evictions.dirty)} (dirty ${fmtInt(s.evictions.dirty)}), write-backs ${fmtInt(s.writebacks)}, context switches ${fmtInt(s.switches)}; ${opts.frames} frames, ${opts.policy}; simulated time ${fmtNs(s.timeNs)}`,
      );
      io.stderr.write(`${summary.map((l) => `pagewise exec: ${l}`).join("\n")}\n`);
    }
    return status;
  } finally {
    machine.close();
  }
}

/** Writes bytes line by line with a prefix before each line. */
class LinePrefixer {
  private pending: Uint8Array[] = [];
  constructor(
    private readonly stream: OutStream,
    private readonly prefix: string,
  ) {}
  write(bytes: Uint8Array): void {
    let start = 0;
    for (let i = 0; i < bytes.length; i++) {
      if (bytes[i] !== 10) continue;
      this.pending.push(bytes.subarray(start, i + 1));
      this.flush();
      start = i + 1;
    }
    if (start < bytes.length) this.pending.push(bytes.slice(start));
  }
  end(): void {
    if (this.pending.length > 0) {
      this.pending.push(Uint8Array.of(10));
      this.flush();
    }
  }
  private flush(): void {
    this.stream.write(this.prefix);
    writeBytes(this.stream, Buffer.concat(this.pending));
    this.pending = [];
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
      : new FileSwapStore(opts.pageSize, { capacity: opts.swapSlots, path: resolve(io.cwd, opts.swapFile) });
  return new Machine({
    frames: opts.frames,
    pageSize: opts.pageSize,
    vaBits: 32,
    policy: opts.policy,
    tableFrames: TABLE_FRAMES,
    ...(opts.tlb ? { tlb: opts.tlb } : {}),
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
    let recorded = 0;
    if (opts.record === undefined) proc.run(limit);
    else recorded = await runRecording(proc, resolve(io.cwd, opts.record), opts.pageSize, limit);
    const r = proc.result();
    const cpu = process.cpuUsage(c0);
    const hostMs = (cpu.user + cpu.system) / 1000;
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
      ...(json
        ? { stdout: Buffer.concat(out).toString("utf8"), stderr: Buffer.concat(err).toString("utf8") }
        : {}),
    };
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
        ...r.warnings.map((w) => `  warning: ${w}`),
      ];
      io.stderr.write(`${lines.join("\n")}\n`);
    }
    return status;
  } finally {
    machine.close();
  }
}

/** Instructions per step while recording: the references of one step are written before the next. */
const RECORD_STEP = 100_000;

/** Runs `proc` to its end (or `limit`), writing every reference its CPU makes to a pwt file. */
async function runRecording(
  proc: Rv32Process,
  path: string,
  pageSize: number,
  limit: number,
): Promise<number> {
  let writer: PwtWriter;
  try {
    writer = PwtWriter.create(path, pageSize);
  } catch (e) {
    throw new IoError(`cannot write ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  const KIND = [REF_LOAD, REF_STORE, REF_INSTR];
  let batch = makeBatch(1 << 16);
  const full: RefBatch[] = [];
  let total = 0;
  proc.cpu.recorder = (va, access) => {
    const i = batch.count++;
    batch.pages[i] = Math.floor(va / pageSize);
    batch.kinds[i] = KIND[access]!;
    batch.pids[i] = proc.pid;
    if (batch.count === batch.pages.length) {
      full.push(batch);
      batch = makeBatch(1 << 16);
    }
  };
  try {
    let left = limit;
    while (proc.running && left > 0) {
      left -= proc.step(Math.min(RECORD_STEP, left));
      for (const b of full) {
        total += b.count;
        await writer.write(b);
      }
      full.length = 0;
    }
    total += batch.count;
    if (batch.count > 0) await writer.write(batch);
  } finally {
    proc.cpu.recorder = undefined;
    await writer.close();
  }
  return total;
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
