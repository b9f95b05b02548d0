// A program running on a Machine: an ELF loaded into a new process, its CPU and its kernel. Step
// it (`step(n)`, for the visualizer or a scheduler) or run it to the end (`run()`); `result()`
// gives what a shell would see (the exit status, 128 + signal when a signal ended it), the output
// if it was captured, instructions retired, faults by access, and the kernel's warnings.

import { ConfigError } from "../../core/errors.js";
import { PERM_W } from "../../pager/region.js";
import type { Machine } from "../../sim/machine.js";
import { Rv32Cpu } from "./cpu.js";
import { type ElfProgram, parseElf } from "./elf.js";
import { type KernelOptions, Rv32Kernel } from "./kernel.js";
import { programImage, writeInitialStack } from "./loader.js";
import { checkRv32Machine } from "./min-frames.js";
import { fileKey, sharedText } from "./page-cache.js";
import type { FaultsByAccess, Trap } from "./trap.js";

export interface ProgramOptions extends KernelOptions {
  /** argv, argv[0] included (default: [the ELF's source name]). */
  readonly argv?: readonly string[];
  /** The environment, "NAME=value" strings (default: none). */
  readonly env?: readonly string[];
  /** Most pages the stack may grow to (default: the machine's, 8 MiB of 4 KiB pages). */
  readonly stackPages?: number;
  /** Process name (default: the ELF's source name). */
  readonly name?: string;
  /** Frame quota under local replacement. */
  readonly quota?: number;
  /** Share text frames with other processes running the same file (default true). */
  readonly pageCache?: boolean;
}

export interface ProgramResult {
  /** As a shell shows it: the exit status, or 128 + the signal that ended the program. */
  readonly status: number;
  /** The status passed to exit, when the program exited. */
  readonly exitCode: number | undefined;
  readonly signal: number | undefined;
  /** Where and why a signal ended it. */
  readonly trap: Trap | undefined;
  readonly instructions: number;
  readonly faults: FaultsByAccess;
  /** System calls made, by number. */
  readonly syscalls: Readonly<Record<number, number>>;
  readonly warnings: readonly string[];
}

/** Default instructions per step of run(): the loop checks for the end between steps. */
const RUN_SLICE = 1 << 20;

export class Rv32Process {
  readonly pid: number;
  readonly cpu: Rv32Cpu;
  readonly kernel: Rv32Kernel;
  readonly elf: ElfProgram;

  /** Loads `elf` (bytes of the file `source`, or a parsed program) into a new process of `machine`. */
  constructor(
    readonly machine: Machine,
    elf: Uint8Array | ElfProgram,
    source: string,
    opts: ProgramOptions = {},
  ) {
    checkRv32Machine(machine, opts.quota);
    this.elf = elf instanceof Uint8Array ? parseElf(elf, source) : elf;
    const { image, segments, phdrVa } = programImage(this.elf, machine.pageSize);
    // Text (r-x, from the file) goes through the page cache: one shared object per segment.
    const key = fileKey(this.elf.bytes);
    const ps = machine.pageSize;
    const shared: number[] = [];
    const mapped = segments.map((seg, k) => {
      if (opts.pageCache === false || seg.kind !== "code" || seg.imageSlot === undefined || seg.perm & PERM_W)
        return seg;
      const pages = image.code.subarray(seg.imageSlot * ps, (seg.imageSlot + seg.endVpn - seg.startVpn) * ps);
      const id = sharedText(machine, `${key}:${k}`, pages);
      shared.push(id);
      return { ...seg, shared: id, imageSlot: 0 };
    });
    this.pid = machine.spawn({
      name: opts.name ?? source,
      image,
      segments: mapped,
      ...(opts.stackPages === undefined ? {} : { stackPages: opts.stackPages }),
      ...(opts.quota === undefined ? {} : { quota: opts.quota }),
    });
    // Unlinked once mapped: the last process to exit frees the object.
    for (const id of shared) machine.shmUnlink(id);
    this.kernel = new Rv32Kernel(machine, this.pid, opts);
    // The CPU watches faults from here on, so the stack's first page (written below) is counted.
    this.cpu = new Rv32Cpu(machine, this.pid, this.kernel);
    try {
      const sp = writeInitialStack(machine, this.pid, this.elf, phdrVa, {
        argv: opts.argv ?? [source],
        env: opts.env ?? [],
      });
      this.cpu.pc = this.elf.entry;
      this.cpu.x[2] = sp;
    } catch (err) {
      this.cpu.dispose();
      if (machine.isAlive(this.pid)) machine.kill(this.pid, "loading failed");
      throw err;
    }
  }

  get running(): boolean {
    return this.cpu.running;
  }

  /** Runs up to `n` instructions; returns how many retired. Ends the process when the program ends. */
  step(n: number): number {
    const done = this.cpu.run(n);
    if (!this.cpu.running) this.finish();
    return done;
  }

  /** Runs to the end (or `maxInstructions`); returns the result. */
  run(maxInstructions = Number.POSITIVE_INFINITY): ProgramResult {
    let left = maxInstructions;
    while (this.cpu.running && left > 0) left -= this.step(Math.min(RUN_SLICE, left));
    return this.result();
  }

  result(): ProgramResult {
    const cpu = this.cpu;
    const signal = cpu.trap?.signal;
    const status = signal !== undefined ? 128 + signal : (cpu.exitStatus ?? 0);
    return {
      status,
      exitCode: cpu.exitStatus,
      signal,
      trap: cpu.trap,
      instructions: cpu.instret,
      faults: { ...cpu.faults },
      syscalls: Object.fromEntries(this.kernel.calls),
      warnings: this.kernel.warnings(),
    };
  }

  private finish(): void {
    this.cpu.dispose();
    const m = this.machine;
    if (!m.isAlive(this.pid)) return;
    if (this.cpu.exitStatus !== undefined) m.exit(this.pid);
    else m.kill(this.pid, this.cpu.trap?.reason ?? "killed");
  }
}

/**
 * Runs several programs on one machine, round robin: each runs `quantum` instructions (or until it
 * ends), then the next; Machine.access switches address spaces (the satp write of a context
 * switch; the TLB is tagged or flushed as the machine is configured). Returns when all have ended.
 */
export function runTogether(procs: readonly Rv32Process[], quantum = 100_000): void {
  if (!Number.isInteger(quantum) || quantum < 1)
    throw new ConfigError("quantum", quantum, "a positive whole number of instructions");
  for (let live = procs.filter((p) => p.running); live.length > 0; live = live.filter((p) => p.running)) {
    for (const p of live) p.step(quantum);
  }
}
