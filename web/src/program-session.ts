// The web app's program mode: a static RV32 Linux program (an ELF: one of pagewise's examples, or
// the user's own file) run by the engine's RV32 CPU (src/cpu/rv32) on a Machine in the page,
// instruction by instruction. The cursor counts instructions retired. Going back replays from the
// start to that instruction (the CPU and the Machine are deterministic: the test checks that the
// state reached is the same however the instructions were grouped), so stepping back is exact.
// Every page fault is logged with its kind: the access that raised it (fetch, load, store) and
// the pager's cause (zero-fill, text, data, swap, minor, or a fatal protection or segmentation
// fault that ends the program with SIGSEGV). No DOM here.

import {
  ConfigError,
  checkRv32Frames,
  type ElfProgram,
  type FaultEvent,
  layoutFor,
  Machine,
  parseElf,
  Rv32Process,
  type Translation,
} from "../../src/index.js";
import {
  type FullFrame,
  MachineReader,
  type MachineViews,
  type PtTable,
  type SwapState,
  type TlbState,
} from "./machine-reader.js";

/** Page-table frames set aside beside the page frames (as `pagewise exec` does). */
export const PROGRAM_TABLE_FRAMES = 64;

/** Faults the log keeps (newest). */
export const FAULT_LOG = 40;

/** Most output kept per stream (a program printing more has the rest cut, and the page says so). */
export const MAX_OUTPUT = 64 * 1024;

export interface ProgramSetup {
  readonly frames: number;
  readonly policy: string;
  readonly tlbEntries: number;
  readonly tlbWays: number;
  readonly tlbMode: "tagged" | "flush";
}

/** The pager's cause of a fault, as the page names it. */
export type FaultKind = "zero-fill" | "text" | "data" | "swap" | "minor" | "protection" | "segmentation";

const KIND_OF: Record<FaultEvent["cause"], FaultKind> = {
  "zero-fill": "zero-fill",
  object: "text",
  image: "data",
  swap: "swap",
  minor: "minor",
  protection: "protection",
  segmentation: "segmentation",
};

export const FAULT_KINDS: readonly FaultKind[] = [
  "zero-fill",
  "text",
  "data",
  "swap",
  "minor",
  "protection",
  "segmentation",
];

/** One page fault of the program. */
export interface FaultRecord {
  /** 1-based number of the fault. */
  readonly n: number;
  readonly va: number;
  readonly page: number;
  readonly access: "fetch" | "load" | "store";
  readonly kind: FaultKind;
  /** The frame the page went to (fatal faults: -1). */
  readonly frame: number;
  /** The page evicted for it, and whether it was written back. */
  readonly victim?: { readonly page: number; readonly frame: number; readonly dirty: boolean };
}

const ACCESS: Record<FaultEvent["access"], FaultRecord["access"]> = {
  exec: "fetch",
  read: "load",
  write: "store",
};

/** Appends `b` to `into` up to MAX_OUTPUT bytes; true if something was cut. */
function keep(into: Uint8Array[], have: number, b: Uint8Array): number {
  const room = MAX_OUTPUT - have;
  if (room > 0) into.push(b.slice(0, room));
  return have + b.length;
}

export class ProgramSession implements MachineViews {
  readonly program: ElfProgram;
  private m!: Machine;
  private proc!: Rv32Process;
  /** The latest faults, oldest first. */
  faults: FaultRecord[] = [];
  private faultCount = 0;
  readonly byKind = new Map<FaultKind, number>();
  private out: Uint8Array[] = [];
  private err: Uint8Array[] = [];
  private outBytes = 0;
  private errBytes = 0;
  /** Replays from the start (step back, jumps back). */
  rebuilds = 0;

  /** Loads `elf` (the file `name`); throws ElfError naming the file for a bad ELF, ConfigError for bad settings. */
  constructor(
    readonly name: string,
    elf: Uint8Array,
    readonly argv: readonly string[],
    readonly setup: ProgramSetup,
  ) {
    checkRv32Frames(layoutFor(4096, 32), setup.frames);
    this.program = parseElf(elf, name);
    this.fresh();
  }

  private fresh(): void {
    const s = this.setup;
    this.m = new Machine({
      frames: s.frames,
      pageSize: 4096,
      vaBits: 32,
      policy: s.policy,
      tableFrames: PROGRAM_TABLE_FRAMES,
      tlb: { entries: s.tlbEntries, ways: s.tlbWays, mode: s.tlbMode },
    });
    this.faults = [];
    this.faultCount = 0;
    this.byKind.clear();
    this.out = [];
    this.err = [];
    this.outBytes = 0;
    this.errBytes = 0;
    let evicted: FaultRecord["victim"] | undefined;
    this.m.events.on("evict", (e) => {
      evicted = { page: e.vpn, frame: e.frame, dirty: e.dirty };
    });
    this.m.events.on("fault", (e) => {
      const kind = KIND_OF[e.cause];
      this.byKind.set(kind, (this.byKind.get(kind) ?? 0) + 1);
      this.faults.push({
        n: ++this.faultCount,
        va: e.va,
        page: e.vpn,
        access: ACCESS[e.access],
        kind,
        frame: e.frame,
        ...(evicted ? { victim: evicted } : {}),
      });
      evicted = undefined;
      if (this.faults.length > FAULT_LOG) this.faults.shift();
    });
    this.proc = new Rv32Process(this.m, this.program, this.name, {
      argv: [this.name, ...this.argv],
      stdout: (b) => {
        this.outBytes = keep(this.out, this.outBytes, b);
      },
      stderr: (b) => {
        this.errBytes = keep(this.err, this.errBytes, b);
      },
    });
  }

  get machine(): Machine {
    return this.m;
  }

  get cpu() {
    return this.proc.cpu;
  }

  /** Instructions retired. */
  get position(): number {
    return this.proc.cpu.instret;
  }

  get done(): boolean {
    return !this.proc.running;
  }

  get faultTotal(): number {
    return this.faultCount;
  }

  /** Faults by the access that raised them (the CPU's count). */
  get byAccess(): { fetch: number; load: number; store: number } {
    return { ...this.proc.cpu.faults };
  }

  /** What a shell would see once it ended: "exit 0", "killed by SIGSEGV (…)"; null while it runs. */
  get status(): string | null {
    if (this.proc.running) return null;
    const r = this.proc.result();
    if (r.signal === undefined) return `exit ${r.status}`;
    return `killed by signal ${r.signal}${r.trap ? ` (${r.trap.reason} at pc 0x${r.trap.pc.toString(16)}, ${r.trap.access} of 0x${r.trap.va.toString(16)})` : ""}`;
  }

  /** What the program wrote so far (stdout, stderr), cut at MAX_OUTPUT bytes each. */
  output(): { stdout: string; stderr: string; cut: boolean } {
    const text = (ps: Uint8Array[]) => new TextDecoder().decode(concat(ps));
    return {
      stdout: text(this.out),
      stderr: text(this.err),
      cut: this.outBytes > MAX_OUTPUT || this.errBytes > MAX_OUTPUT,
    };
  }

  /** Runs up to `n` instructions; returns how many retired. */
  step(n = 1): number {
    if (!Number.isInteger(n) || n < 1) throw new ConfigError("instructions", n, "a positive whole number");
    if (!this.proc.running) return 0;
    return this.proc.step(n);
  }

  /**
   * Runs instruction by instruction until the next fault (or the end), for at most `budget`
   * instructions; true if a fault happened.
   */
  toNextFault(budget: number): boolean {
    const before = this.faultCount;
    for (let i = 0; i < budget && this.proc.running && this.faultCount === before; i++) this.proc.step(1);
    return this.faultCount > before;
  }

  /** Moves to `target` instructions retired (at most the end), replaying from the start when going back. */
  seek(target: number): void {
    const to = Math.max(0, Math.floor(target));
    if (to < this.position) {
      this.rebuilds++;
      this.fresh();
    }
    while (this.proc.running && this.position < to) this.proc.step(Math.min(1 << 20, to - this.position));
  }

  back(): void {
    this.seek(this.position - 1);
  }

  // ---- the Machine views ---------------------------------------------------------------------

  /** The views point at the last fault's page (its address, for the walk). */
  get focus(): { pid: number; page: number; va: number } | null {
    const f = this.faults[this.faults.length - 1];
    return f === undefined ? null : { pid: 0, page: f.page, va: f.va };
  }

  private read: { key: string; reader: MachineReader } | null = null;

  private reader(): MachineReader {
    const key = `${this.rebuilds}:${this.position}:${this.done}`;
    if (this.read?.key === key) return this.read.reader;
    const pid = this.proc.pid;
    this.read = { key, reader: this.makeReader(pid) };
    return this.read.reader;
  }

  private makeReader(pid: number): MachineReader {
    return new MachineReader(
      this.m,
      (m) => (m === pid ? 0 : -1),
      (p) => (p === 0 && this.m.isAlive(pid) ? pid : undefined),
      this.focus,
    );
  }

  pageTables(): PtTable[] {
    return this.reader().pageTables();
  }

  frameTable(): FullFrame[] {
    return this.reader().frameTable();
  }

  tlb(): TlbState {
    return this.reader().tlb();
  }

  swapSlots(): SwapState {
    return this.reader().swapSlots();
  }

  translation(): Translation | null {
    return this.reader().translation();
  }
}

function concat(ps: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(ps.reduce((a, p) => a + p.length, 0));
  let at = 0;
  for (const p of ps) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
