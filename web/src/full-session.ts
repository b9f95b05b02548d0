// The web app's full mode: the same cursor as session.ts, over the engine's Machine (page tables
// in frames, a TLB, a swap store; src/sim/steps-full.ts) instead of the replay driver. Going back
// replays from the start with the same actions (policy switches, pins, unpins) at the same
// positions, so the state after stepping back is exactly the state at that point going forwards.
// The views (the page-table tree, the TLB, the swap slots, the frame table with table frames and
// pins) are read from the Machine's own arrays and PTE words here; main.tsx only lays them out.
// No DOM here.

import { ConfigError } from "../../src/core/errors.js";
import {
  LOC_SOURCE,
  LOC_SWAP,
  PTE_A,
  PTE_D,
  PTE_LOC_MASK,
  PTE_LOC_SHIFT,
  PTE_P,
  PTE_U,
  PTE_W,
  PTE_X,
  pteFrame,
} from "../../src/mmu/pte.js";
import { TLB_D, TLB_VALID, TLB_W, TLB_X, type TlbMode } from "../../src/mmu/tlb.js";
import { FRAME_FREE, FRAME_TABLE, FRAME_USER } from "../../src/phys/frames.js";
import type { Machine, Translation } from "../../src/sim/machine.js";
import { MAX_HELD_REFERENCES, type StepFrame, type StepList } from "../../src/sim/steps.js";
import { FullStepper, type FullStepRecord } from "../../src/sim/steps-full.js";
import { LOG_SIZE, MAX_WEB_FRAMES, type Refs, type Switch } from "./session.js";

/** The Machine's settings a full-mode run takes besides the policy and frames. */
export interface FullOptions {
  /** Bytes per page; the shape's, when a shape is given. */
  readonly pageSize: number;
  /** A page-table shape ("sv32", "6/10", …), or undefined: fitted to the pages. */
  readonly shape?: string;
  readonly tlbEntries: number;
  readonly tlbWays: number;
  readonly tlbMode: TlbMode;
}

export const DEFAULT_FULL: FullOptions = {
  pageSize: 4096,
  shape: "sv32",
  tlbEntries: 8,
  tlbWays: 2,
  tlbMode: "tagged",
};

/** Something done to the run before reference `at + 1`. */
export type Action =
  | { readonly at: number; readonly kind: "policy"; readonly policy: string }
  | { readonly at: number; readonly kind: "pin" | "unpin"; readonly pid: number; readonly page: number };

/** A frame as full mode shows it: a page's frame, a page table's, or free. */
export interface FullFrame extends StepFrame {
  readonly kind: "free" | "page" | "table" | "reserved";
  /** Pin count (a table frame is pinned for life). */
  readonly pins: number;
  /** For a table frame: the process and level of the table it holds. */
  readonly table?: { readonly pid: number; readonly level: number };
  /** Swap slot holding a copy of the page, or -1. */
  readonly slot: number;
  /** The page belongs to a shared object (a program's text): `page` is the virtual page mapping it. */
  readonly shared?: boolean;
}

/** One non-zero entry of a page table. */
export interface PtEntry {
  readonly index: number;
  readonly pte: number;
  /** The PTE's P (valid), W, U, X, A and D bits. */
  readonly bits: { P: boolean; W: boolean; U: boolean; X: boolean; A: boolean; D: boolean };
  /** Present: the frame it points at (the next table's, or the page's at the last level). */
  readonly frame: number;
  /** Not present: "swap" (in slot `slot`), "source" (loaded again from where it came: zero-fill), or "none". */
  readonly where: "present" | "swap" | "source" | "none";
  readonly slot: number;
  /** At the last level, the virtual page the entry maps. */
  readonly vpn?: number;
}

/** One page table: its process, level, the frame it lives in, and its non-zero entries. */
export interface PtTable {
  readonly pid: number;
  readonly level: number;
  readonly frame: number;
  /** Indexes taken from the root to reach it ("" for the root). */
  readonly path: readonly number[];
  readonly entries: readonly PtEntry[];
}

/** One TLB entry, valid or not. */
export interface TlbRow {
  readonly index: number;
  readonly set: number;
  readonly way: number;
  readonly valid: boolean;
  /** The source's pid for the entry's ASID, or -1. */
  readonly pid: number;
  readonly asid: number;
  readonly vpn: number;
  readonly frame: number;
  readonly flags: { W: boolean; D: boolean; X: boolean };
}

/** A swap slot in use: whose page it holds, and whether that copy is the page's current contents. */
export interface SwapRow {
  readonly slot: number;
  readonly pid: number;
  readonly page: number;
  /** The page is only in swap ("swap") or also in memory, in `frame` ("memory"). */
  readonly where: "swap" | "memory";
  readonly frame: number;
  /** "current": the slot has the page's bytes; "stale": the page was written since (dirty in memory). */
  readonly copy: "current" | "stale";
}

function bitsOf(pte: number): PtEntry["bits"] {
  return {
    P: (pte & PTE_P) !== 0,
    W: (pte & PTE_W) !== 0,
    U: (pte & PTE_U) !== 0,
    X: (pte & PTE_X) !== 0,
    A: (pte & PTE_A) !== 0,
    D: (pte & PTE_D) !== 0,
  };
}

/** Most pins at once: one page frame always stays free of pins, so a fault can find a victim. */
export function maxPins(frames: number): number {
  return frames - 1;
}

export class FullSession {
  private stepper!: FullStepper;
  readonly missesAt: Float64Array;
  log: FullStepRecord[] = [];
  private actions: Action[] = [];
  private nextAction = 0;
  rebuilds = 0;

  constructor(
    readonly refs: Refs,
    readonly firstPolicy: string,
    readonly frames: number,
    readonly options: FullOptions = DEFAULT_FULL,
  ) {
    if (!Number.isInteger(frames) || frames < 1 || frames > MAX_WEB_FRAMES)
      throw new ConfigError("frames", frames, `an integer from 1 to ${MAX_WEB_FRAMES}`);
    this.missesAt = new Float64Array(refs.count + 1);
    this.fresh();
  }

  /** The same references, frames and machine under another policy, from the start. */
  again(policy: string): FullSession {
    return new FullSession(this.refs, policy, this.frames, this.options);
  }

  private fresh(): void {
    const o = this.options;
    this.stepper = new FullStepper(this.refs, {
      policy: this.firstPolicy,
      frames: this.frames,
      pageSize: o.pageSize,
      switchable: true,
      maxReferences: MAX_HELD_REFERENCES,
      ...(o.shape !== undefined ? { shape: o.shape } : {}),
      tlb: { entries: o.tlbEntries, ways: o.tlbWays, mode: o.tlbMode },
    });
    this.log = [];
    this.nextAction = 0;
  }

  get machine() {
    return this.stepper.machine;
  }

  get position(): number {
    return this.stepper.position;
  }

  get count(): number {
    return this.refs.count;
  }

  get done(): boolean {
    return this.stepper.done;
  }

  get hits(): number {
    return this.stepper.hits;
  }

  get misses(): number {
    return this.stepper.misses;
  }

  get policy(): string {
    let p = this.firstPolicy;
    for (const a of this.actions) if (a.kind === "policy" && a.at <= this.position) p = a.policy;
    return p;
  }

  get policySwitches(): readonly Switch[] {
    return this.actions.filter((a) => a.kind === "policy" && a.at <= this.position) as Switch[];
  }

  /** Pins and unpins made so far (at ≤ position). */
  get pinActions(): readonly Action[] {
    return this.actions.filter((a) => a.kind !== "policy" && a.at <= this.position);
  }

  get last(): FullStepRecord | null {
    return this.log.length > 0 ? this.log[this.log.length - 1]! : null;
  }

  policyView(): { lists: StepList[]; values?: Readonly<Record<string, number>> } {
    return this.stepper.view();
  }

  step(): boolean {
    this.applyActionsAt(this.position);
    const rec = this.stepper.next();
    if (rec === null) return false;
    this.missesAt[this.position] = rec.misses;
    this.log.push(rec);
    if (this.log.length > LOG_SIZE) this.log.shift();
    return true;
  }

  /**
   * Moves the cursor to `target` references (0 … count), replaying from the start when going
   * back. The last LOG_SIZE references are stepped with records for the log; with `record` false
   * none are (the log is emptied if the cursor moves), for a player that moves many times a frame
   * and records once at the end.
   */
  seek(target: number, record = true): void {
    const to = Math.max(0, Math.min(this.count, Math.floor(target)));
    if (to < this.position) {
      this.rebuilds++;
      this.fresh();
    }
    if (!record && to > this.position) this.log = [];
    const recordFrom = record ? Math.max(this.position, to - LOG_SIZE) : to;
    while (this.position < to) {
      if (this.position >= recordFrom) {
        this.step();
        continue;
      }
      this.applyActionsAt(this.position);
      this.stepper.skip();
      this.missesAt[this.position] = this.stepper.misses;
    }
    this.applyActionsAt(to);
  }

  back(): void {
    this.seek(this.position - 1);
  }

  switchPolicy(policy: string): void {
    this.stepper.use(policy);
    this.record({ at: this.position, kind: "policy", policy });
  }

  /** Pins page `page` of process `pid` before the next reference (paging it in if it is out). */
  pin(pid: number, page: number): void {
    const pinned = this.frameTable().filter((f) => f.kind === "page" && f.pins > 0).length;
    const already = this.frameTable().some(
      (f) => f.kind === "page" && f.pid === pid && f.page === page && f.pins > 0,
    );
    if (already) throw new ConfigError("pin", page, "a page that is not pinned yet");
    if (pinned >= maxPins(this.frames))
      throw new ConfigError(
        "pin",
        page,
        `at most ${maxPins(this.frames)} pinned pages with ${this.frames} frames (one must stay free for faults)`,
      );
    this.stepper.pin(pid, page);
    this.record({ at: this.position, kind: "pin", pid, page });
  }

  unpin(pid: number, page: number): void {
    this.stepper.unpin(pid, page);
    this.record({ at: this.position, kind: "unpin", pid, page });
  }

  /** Records an action done now; actions recorded after the cursor (before stepping back) are dropped. */
  private record(a: Action): void {
    this.actions = [...this.actions.slice(0, this.nextAction), a];
    this.nextAction = this.actions.length;
  }

  private applyActionsAt(pos: number): void {
    while (this.nextAction < this.actions.length && this.actions[this.nextAction]!.at <= pos) {
      const a = this.actions[this.nextAction++]!;
      if (a.kind === "policy") this.stepper.use(a.policy);
      else if (a.kind === "pin") this.stepper.pin(a.pid, a.page);
      else this.stepper.unpin(a.pid, a.page);
    }
  }

  /** The reference the views point at: the last one stepped. */
  get focus(): { pid: number; page: number; tlb?: "hit" | "miss" } | null {
    return this.last;
  }

  private read: { key: string; reader: MachineReader } | null = null;

  /** One reader per state: the views share what it reads (the tables are walked once a render). */
  private reader(): MachineReader {
    const key = `${this.rebuilds}:${this.position}:${this.actions.length}:${this.nextAction}`;
    if (this.read?.key === key) return this.read.reader;
    const st = this.stepper;
    const reader = new MachineReader(
      st.machine,
      (m) => st.sourcePidOf(m),
      (p) => st.machinePid(p),
      this.focus,
    );
    this.read = { key, reader };
    return reader;
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

/** The TLB as the views show it. */
export interface TlbState {
  readonly rows: TlbRow[];
  readonly mode: TlbMode;
  readonly hits: number;
  readonly misses: number;
  readonly flushes: number;
  /** The entry that maps the focused page, or -1. */
  readonly used: number;
}

export interface SwapState {
  readonly rows: SwapRow[];
  readonly inUse: number;
}

/** What the full-machine views read: a session in full mode, or a program running (program-session.ts). */
export interface MachineViews {
  readonly machine: Machine;
  /** The page the views point at (the walk, the TLB entry), and whether its lookup hit the TLB. */
  readonly focus: { pid: number; page: number; tlb?: "hit" | "miss" } | null;
  pageTables(): PtTable[];
  frameTable(): FullFrame[];
  tlb(): TlbState;
  swapSlots(): SwapState;
  translation(): Translation | null;
}

/**
 * Reads a Machine's state for the views: its page tables (walked from each process's root, PTE by
 * PTE), frames, TLB arrays and swap slots. `srcPid` names a Machine pid as the workload does,
 * `mPid` the reverse; `focus` is the page the walk and the TLB point at.
 */
export class MachineReader {
  constructor(
    readonly machine: Machine,
    private readonly srcPid: (machinePid: number) => number,
    private readonly mPid: (pid: number) => number | undefined,
    private readonly focused: { pid: number; page: number; va?: number } | null,
  ) {}

  // ---- views ---------------------------------------------------------------------------------

  /** The source's pid for each ASID that maps a frame now. */
  private pidByAsid(): Map<number, number> {
    const m = this.machine;
    const fr = m.frames;
    const out = new Map<number, number>();
    for (let f = 0; f < fr.frameCount; f++) {
      if (fr.state[f] !== FRAME_USER) continue;
      for (let n = fr.rmapFirst(f); n >= 0; n = fr.rmapNextOf(n))
        out.set(fr.rmapAsidOf(n), this.srcPid(fr.ownerPid[f]!));
    }
    return out;
  }

  /** Every process's page tables, root first, depth first, with their non-zero entries. */
  private memo = new Map<string, unknown>();

  private once<T>(name: string, f: () => T): T {
    if (!this.memo.has(name)) this.memo.set(name, f());
    return this.memo.get(name) as T;
  }

  pageTables(): PtTable[] {
    return this.once("tables", () => this.readTables());
  }

  frameTable(): FullFrame[] {
    return this.once("frames", () => this.readFrames());
  }

  tlb(): TlbState {
    return this.once("tlb", () => this.readTlb());
  }

  swapSlots(): SwapState {
    return this.once("swap", () => this.readSwap());
  }

  /**
   * Walks every process's tables without building entries: the frame, process and level of each
   * table, and `leaf(pid, vpn, pte)` for each non-zero last-level entry when given (cheap enough
   * for every render; pageTables() builds the entries the tree shows).
   */
  private tableFrames(
    leaf?: (pid: number, vpn: number, pte: number) => void,
  ): Map<number, { pid: number; level: number }> {
    const m = this.machine;
    const layout = m.layout;
    const bytes = m.mem;
    const out = new Map<number, { pid: number; level: number }>();
    for (const mpid of m.pids()) {
      const pid = this.srcPid(mpid);
      const walk = (frame: number, level: number, vpnBase: number) => {
        out.set(frame, { pid, level });
        const last = level === layout.levels - 1;
        if (last && leaf === undefined) return;
        const n = layout.entriesPerTable[level]!;
        const span = layout.levelSpan[level]!;
        for (let i = 0; i < n; i++) {
          const pte = bytes.readU32(frame * layout.pageSize + i * 4);
          if (pte === 0) continue;
          if (last) leaf!(pid, vpnBase + i * span, pte);
          else if (pte & PTE_P) walk(pteFrame(pte), level + 1, vpnBase + i * span);
        }
      };
      walk(m.explain(mpid, 0).steps[0]!.tableFrame, 0, 0);
    }
    return out;
  }

  private readTables(): PtTable[] {
    const m = this.machine;
    const layout = m.layout;
    const out: PtTable[] = [];
    for (const mpid of m.pids()) {
      const pid = this.srcPid(mpid);
      const root = m.explain(mpid, 0).steps[0]!.tableFrame;
      const walk = (frame: number, level: number, path: number[], vpnBase: number) => {
        const entries: PtEntry[] = [];
        const n = layout.entriesPerTable[level]!;
        const children: [number, number[], number][] = [];
        for (let i = 0; i < n; i++) {
          const pte = m.mem.readU32(frame * layout.pageSize + i * 4);
          if (pte === 0) continue;
          const present = (pte & PTE_P) !== 0;
          const loc = (pte & PTE_LOC_MASK) >>> PTE_LOC_SHIFT;
          const leaf = level === layout.levels - 1;
          const vpn = vpnBase + i * layout.levelSpan[level]!;
          entries.push({
            index: i,
            pte,
            bits: bitsOf(pte),
            frame: present ? pteFrame(pte) : -1,
            where: present ? "present" : loc === LOC_SWAP ? "swap" : loc === LOC_SOURCE ? "source" : "none",
            slot: !present && loc === LOC_SWAP ? pteFrame(pte) : -1,
            ...(leaf ? { vpn } : {}),
          });
          if (!leaf && present) children.push([pteFrame(pte), [...path, i], vpn]);
        }
        out.push({ pid, level, frame, path, entries });
        for (const [f, p, base] of children) walk(f, level + 1, p, base);
      };
      walk(root, 0, [], 0);
    }
    return out;
  }

  /** Every frame: pages (with their PTE bits), page tables, free ones; pins and swap slots. */
  private readFrames(): FullFrame[] {
    const m = this.machine;
    const fr = m.frames;
    const tables = this.once("tableFrames", () => this.tableFrames());
    const out: FullFrame[] = [];
    for (let f = 0; f < fr.frameCount; f++) {
      const state = fr.state[f]!;
      let a = false;
      let d = fr.stickyDirty[f] !== 0;
      if (state === FRAME_USER)
        for (let n = fr.rmapFirst(f); n >= 0; n = fr.rmapNextOf(n)) {
          const pte = m.mem.readU32(fr.rmapPteOf(n));
          a ||= (pte & PTE_A) !== 0;
          d ||= (pte & PTE_D) !== 0;
        }
      const table = tables.get(f);
      // A shared object's page (program text) is known by its index in the object: show the
      // virtual page that maps it (the first mapping) instead.
      const shared = state === FRAME_USER && fr.objId[f]! >= 0;
      const first = shared ? fr.rmapFirst(f) : -1;
      out.push({
        frame: f,
        kind:
          state === FRAME_USER
            ? "page"
            : state === FRAME_TABLE
              ? "table"
              : state === FRAME_FREE
                ? "free"
                : "reserved",
        pid: state === FRAME_USER ? this.srcPid(fr.ownerPid[f]!) : (table?.pid ?? 0),
        page: state !== FRAME_USER ? -1 : first >= 0 ? fr.rmapVpnOf(first) : fr.page[f]!,
        ...(shared ? { shared: true } : {}),
        referenced: a,
        dirty: state === FRAME_USER && d,
        pins: fr.pins[f]!,
        ...(table ? { table } : {}),
        slot: state === FRAME_USER ? fr.slot[f]! : -1,
      });
    }
    return out;
  }

  /** The TLB's entries, set by set, and which one the last reference used. */
  private readTlb(): TlbState {
    const t = this.machine.tlb;
    const pids = this.pidByAsid();
    const rows: TlbRow[] = [];
    for (let i = 0; i < t.flags.length; i++) {
      const fl = t.flags[i]!;
      const valid = (fl & TLB_VALID) !== 0;
      rows.push({
        index: i,
        set: Math.floor(i / t.ways),
        way: i % t.ways,
        valid,
        pid: valid ? (pids.get(t.asid[i]!) ?? -1) : -1,
        asid: t.asid[i]!,
        vpn: t.vpn[i]!,
        frame: t.frame[i]!,
        flags: { W: (fl & TLB_W) !== 0, D: (fl & TLB_D) !== 0, X: (fl & TLB_X) !== 0 },
      });
    }
    const rec = this.focused;
    let used = -1;
    if (rec !== null) {
      const mpid = this.mPid(rec.pid);
      const asid = [...pids].find(([, p]) => p === rec.pid)?.[0];
      if (mpid !== undefined && asid !== undefined) used = t.find(asid, rec.page);
    }
    return { rows, mode: t.config.mode, hits: t.hits, misses: t.misses, flushes: t.flushes, used };
  }

  /** Swap slots in use, by slot: pages only in swap, and pages in memory whose slot keeps a copy. */
  private readSwap(): SwapState {
    const rows: SwapRow[] = [];
    this.tableFrames((pid, vpn, pte) => {
      if ((pte & PTE_P) === 0 && (pte & PTE_LOC_MASK) >>> PTE_LOC_SHIFT === LOC_SWAP)
        rows.push({ slot: pteFrame(pte), pid, page: vpn, where: "swap", frame: -1, copy: "current" });
    });
    for (const f of this.frameTable())
      if (f.kind === "page" && f.slot >= 0)
        rows.push({
          slot: f.slot,
          pid: f.pid,
          page: f.page,
          where: "memory",
          frame: f.frame,
          copy: f.dirty ? "stale" : "current",
        });
    rows.sort((a, b) => a.slot - b.slot);
    return { rows, inUse: this.machine.swap.slotsInUse };
  }

  /** The walk of the focused page through its process's tables, or null when there is none. */
  translation(): Translation | null {
    const rec = this.focused;
    if (rec === null) return null;
    const mpid = this.mPid(rec.pid);
    if (mpid === undefined) return null;
    return this.machine.explain(mpid, rec.va ?? rec.page * this.machine.pageSize);
  }
}
