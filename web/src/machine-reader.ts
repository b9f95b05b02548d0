// Reads a Machine's state for the web app's views (full mode and program mode): every process's
// page tables walked PTE by PTE from its root, the frame table (pages, the frames tables live in,
// pins, swap slots), the TLB's arrays and the swap slots in use. Read only: nothing here changes
// the Machine. No DOM here.

import {
  FRAME_FREE,
  FRAME_TABLE,
  FRAME_USER,
  LOC_SOURCE,
  LOC_SWAP,
  type Machine,
  PTE_A,
  PTE_D,
  PTE_LOC_MASK,
  PTE_LOC_SHIFT,
  PTE_P,
  PTE_U,
  PTE_W,
  PTE_X,
  pteFrame,
  type StepFrame,
  TLB_D,
  TLB_VALID,
  TLB_W,
  TLB_X,
  type TlbMode,
  type Translation,
} from "../../src/index.js";

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
