// `pagewise exec PROG.elf [ARGS...]`: runs a static RV32IMA Linux program (src/cpu/rv32) on the
// demand-paged machine. The program's stdout and stderr go to ours (byte for byte), its exit
// status becomes ours (128 + signal when one ended it, as a shell shows it), and a summary of the
// run (instructions, faults by access and by cause, evictions, write-backs, TLB, simulated time)
// goes to stderr, or with --json one document on stdout that also holds the program's output.

import { readFileSync, realpathSync, statSync } from "node:fs";
import { isAbsolute, relative, resolve } from "node:path";
import type { Command } from "commander";
import { FileSwapStore } from "../../node/file-swap-store.js";
import { layoutFor } from "../../src/core/addr.js";
import type { FileSource } from "../../src/cpu/rv32/kernel.js";
import { checkRv32Frames } from "../../src/cpu/rv32/min-frames.js";
import { Rv32Process } from "../../src/cpu/rv32/program.js";
import { Machine } from "../../src/sim/machine.js";
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
    .argument("<program>", "the ELF file")
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
    .option(
      "--env <NAME=value>",
      "an environment variable for the program (repeatable)",
      (v: string, a: string[]) => [...a, v],
      [],
    )
    .option("--max-instructions <n>", "stop after this many instructions (exit status 124)", parsePositiveInt)
    .option("--quiet", "no summary on stderr")
    .option(
      "--json",
      "one JSON document on stdout: status, signal, trap, instructions, faults{byAccess, byCause}, evictions, writebacks, tlb, simulatedNs, stdout, stderr, warnings",
    )
    .addHelpText(
      "after",
      `
Examples:
  $ pagewise exec examples/rv32/bin/hello.elf one "two words" 3
  $ pagewise exec --frames 4 --policy fifo examples/rv32/bin/sort.elf
  $ pagewise exec --frames 8 --json examples/rv32/bin/matmul.elf

Options go before the program: everything after its name is the program's own.`,
    )
    .action((file: string, args: string[], opts: ExecOptions) => {
      const status = runExec(io, file, args, opts);
      if (status !== 0) throw new ProgramExitStatus(status);
    });
}

function runExec(io: CommandContext["io"], file: string, args: string[], opts: ExecOptions): number {
  const path = resolve(io.cwd, file);
  const bytes = readBytes(path, file);
  const layout = layoutFor(opts.pageSize, 32);
  try {
    checkRv32Frames(layout, opts.frames);
  } catch (e) {
    throw new UsageError(`--frames: ${(e as Error).message}`);
  }
  const stdin = opts.stdin === undefined ? undefined : readBytes(resolve(io.cwd, opts.stdin), opts.stdin);
  for (const e of opts.env) if (!e.includes("=")) throw new UsageError(`--env "${e}": expected NAME=value`);
  const swap =
    opts.swapFile === undefined
      ? undefined
      : new FileSwapStore(opts.pageSize, { capacity: opts.swapSlots, path: resolve(io.cwd, opts.swapFile) });
  const machine = new Machine({
    frames: opts.frames,
    pageSize: opts.pageSize,
    vaBits: 32,
    policy: opts.policy,
    tableFrames: TABLE_FRAMES,
    ...(opts.tlb ? { tlb: opts.tlb } : {}),
    ...(swap ? { swap } : { swapSlots: opts.swapSlots }),
  });
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
    const r = proc.run(opts.maxInstructions ?? Number.POSITIVE_INFINITY);
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
      ...(json
        ? { stdout: Buffer.concat(out).toString("utf8"), stderr: Buffer.concat(err).toString("utf8") }
        : {}),
    };
    if (json) writeJson(io, doc);
    else if (!opts.quiet) {
      const lines = [
        `pagewise exec: ${file}: ${r.trap ? `killed by signal ${r.trap.signal} (${r.trap.reason}) at pc 0x${r.trap.pc.toString(16)}, ${r.trap.access} of 0x${r.trap.va.toString(16)}` : stopped ? `stopped after ${fmtInt(r.instructions)} instructions` : `exit ${r.exitCode}`}`,
        `  instructions ${fmtInt(r.instructions)} (${(r.instructions / Math.max(1, hostMs) / 1000).toFixed(1)} M/s host CPU), references ${fmtInt(s.references)}`,
        `  faults ${fmtInt(f.total)}: fetch ${fmtInt(r.faults.fetch)}, load ${fmtInt(r.faults.load)}, store ${fmtInt(r.faults.store)}; zero-fill ${fmtInt(f.zeroFill)}, image ${fmtInt(f.fromImage)}, swap ${fmtInt(f.fromSwap)}`,
        `  evictions ${fmtInt(s.evictions.clean + s.evictions.dirty)} (dirty ${fmtInt(s.evictions.dirty)}), write-backs ${fmtInt(s.writebacks)}, TLB ${fmtInt(s.tlb.hits)} hits / ${fmtInt(s.tlb.misses)} misses`,
        `  ${opts.frames} frames of ${opts.pageSize} B, ${opts.policy}; simulated time ${fmtNs(s.timeNs)}`,
        ...r.warnings.map((w) => `  warning: ${w}`),
      ];
      io.stderr.write(`${lines.join("\n")}\n`);
    }
    return status;
  } finally {
    machine.close();
  }
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
