// Full-mode runs: the one driver from a reference stream to a Machine (page tables in frames, a
// TLB, real bytes). It owns sizing the Machine for a trace: a first pass over the source finds
// each process's pages and the highest page (TracePages, trace-pages.ts), from which come the
// address-space width (vaBitsForTrace) and the frames the page tables need, given on top of the
// frames for pages so tables never take a page's frame; a second pass (OPT only) annotates next
// uses, and the last feeds the references to the Machine batch by batch, one trace process per pid
// (a pwt stream's dictionary blocks still encoded). Memory: O(distinct pages) plus one batch (and
// OPT's 4 bytes a reference), whatever the trace's length. A workload in memory runs through it
// too (workloads/workload.ts workloadSource), so `run --report` and a streamed run are one code
// path.

import { type AddressLayout, layoutFor, makeLayout, parseShape } from "../core/addr.js";
import { ConfigError } from "../core/errors.js";
import type { CostModel } from "../core/time.js";
import { ACC_EXEC, ACC_READ, ACC_WRITE, type Access } from "../mmu/mmu.js";
import type { TlbConfig } from "../mmu/tlb.js";
import type { KswapdOptions } from "../pager/kswapd.js";
import { getPolicyFactory, parsePolicySpec } from "../policies/registry.js";
import type { BackingStore } from "../stores/store.js";
import { makeCodedBlock, pwtDecoder } from "../workloads/pwt-decoder.js";
import { isWrite, makeBatch, REF_INSTR, type RefBatch } from "../workloads/refs.js";
import { DEFAULT_BATCH } from "../workloads/trace-decoder.js";
import { type AllocationMode, allocateFrames } from "./allocation.js";
import { checkMachineFrames, vaBitsForTrace } from "./bounds.js";
import { Machine } from "./machine.js";
import { annotateSource, type ReferenceSource } from "./run.js";
import { TracePages } from "./trace-pages.js";

/** The MMU access code of a reference kind: exec for an instruction fetch, write for S and M, else read. */
export function accessOf(kind: number): Access {
  return isWrite(kind) ? ACC_WRITE : kind === REF_INSTR ? ACC_EXEC : ACC_READ;
}

/** The Machine's options a trace run may set; the run sizes the rest (address space, table frames). */
export interface TraceMachineOptions {
  /** Replacement policy spec ("lru", "aging:bits=4"). */
  readonly policy: string;
  /** Frames for pages; the page tables get frames of their own on top. */
  readonly frames: number;
  /** Bytes a page number of the trace stands for. */
  readonly pageSize: number;
  readonly tlb?: Partial<TlbConfig>;
  /** Page coloring: colors (a power of two) and how strictly the allocator honours them. */
  readonly coloring?: { readonly colors: number; readonly mode: "prefer" | "strict" };
  /** Sequential read-ahead, pages (0: off). */
  readonly readAhead?: number;
  /** kswapd options or spec ("doc", "linux,clean=off"; pager/kswapd.ts). */
  readonly kswapd?: string | KswapdOptions;
  /** Swap slots (default unbounded); when swap runs out the pager kills a process. */
  readonly swapSlots?: number;
  readonly costs?: Partial<CostModel>;
  /** Page-table shape: a preset (sv32, sv39, x86-32, x86-64) or a split such as 10/10/12 (default: fitted to the trace). */
  readonly shape?: string;
  /** Replacement scope (default global); local splits the frames into per-process quotas by `allocation`. */
  readonly scope?: "global" | "local";
  readonly allocation?: AllocationMode;
  /** A swap store to use instead of the in-memory one (a swap file); the caller closes it. */
  readonly swap?: BackingStore;
}

/** A Machine sized for a trace, and the Machine pid of each pid of the trace. */
export interface TraceMachine {
  readonly machine: Machine;
  readonly pidOf: ReadonlyMap<number, number>;
  /** Local scope: each trace pid's quota of frames, in order of first appearance. */
  readonly quotas?: readonly { readonly pid: number; readonly frames: number }[];
}

/**
 * The layout of a trace's Machine: the shape asked for (every page of the trace must lie in its
 * space: a ConfigError names the first that does not), else one fitted to the largest page (a page
 * beyond the 48-bit space is refused with the reason).
 */
export function traceLayout(shape: string | undefined, maxPage: number, pageSize: number): AddressLayout {
  if (shape === undefined) return layoutFor(pageSize, vaBitsForTrace(maxPage, pageSize));
  const layout = makeLayout(parseShape(shape));
  if (layout.pageSize !== pageSize) {
    throw new ConfigError("shape", shape, `a shape with ${pageSize}-byte pages, the workload's page size`);
  }
  if (maxPage >= layout.vpnCount) {
    throw new ConfigError(
      "page",
      maxPage,
      `a page number below ${layout.vpnCount}: shape ${layout.shape.name} maps a ${layout.vaBits}-bit space`,
    );
  }
  return layout;
}

/**
 * The Machine for a trace whose pages are `pages`: an address space wide enough for its highest
 * page (a page beyond the 48-bit space is refused with the reason, ConfigError), `frames` frames for
 * pages (checked against the 1 GiB of RAM first, so the error names the count asked for) plus the
 * frames every page table of every process needs, and one trace process per pid.
 */
export function machineForTrace(pages: TracePages, opts: TraceMachineOptions): TraceMachine {
  const { pageSize, frames } = opts;
  const layout = traceLayout(opts.shape, pages.maxPage, pageSize);
  checkMachineFrames(frames, pageSize);
  let tableFrames = 0;
  for (const vpns of pages.pagesOf.values()) tableFrames += Machine.tableFramesFor(layout, vpns);
  const machine = new Machine({
    frames,
    tableFrames,
    ...(opts.shape !== undefined ? { shape: layout.shape } : { pageSize, vaBits: layout.vaBits }),
    policy: opts.policy,
    ...(opts.scope !== undefined ? { scope: opts.scope } : {}),
    ...(opts.swap !== undefined ? { swap: opts.swap } : {}),
    ...(opts.tlb ? { tlb: opts.tlb } : {}),
    ...(opts.coloring ? { colors: opts.coloring.colors, coloring: opts.coloring.mode } : {}),
    ...(opts.readAhead ? { readAhead: opts.readAhead } : {}),
    ...(opts.kswapd !== undefined ? { kswapd: opts.kswapd } : {}),
    ...(opts.swapSlots !== undefined ? { swapSlots: opts.swapSlots } : {}),
    ...(opts.costs ? { costs: opts.costs } : {}),
  });
  const pidOf = new Map<number, number>();
  for (const src of pages.pagesOf.keys()) pidOf.set(src, machine.spawn({ trace: true, name: `pid ${src}` }));
  if (opts.scope !== "local") return { machine, pidOf };
  // Local replacement: each process replaces only its own pages, within a quota of the frames.
  const srcs = [...pages.pagesOf.keys()];
  const split = allocateFrames(
    frames,
    srcs.map((src) => ({ size: pages.pagesOf.get(src)!.length })),
    opts.allocation ?? "equal",
  );
  srcs.forEach((src, k) => {
    machine.setQuota(pidOf.get(src)!, split[k]!);
  });
  return { machine, pidOf, quotas: srcs.map((src, k) => ({ pid: src, frames: split[k]! })) };
}

/** A policy switch during a run: before reference `at` (counted from 0), the policy becomes `policy`. */
export interface PolicySwitch {
  readonly at: number;
  readonly policy: string;
}

/** Options of a full-mode run over a source. */
export interface MachineRunOptions extends TraceMachineOptions {
  /** Read at most this many references. */
  readonly limit?: number;
  /** The references expected (a progress total and a hint for OPT's annotation). */
  readonly expectedReferences?: number;
  /** Called every 2^18 references or so with the count done and the total expected, and at the end. */
  readonly onProgress?: (done: number, total: number) => void;
  /** Called as each pass begins, with the references it will read when known (for a progress bar). */
  readonly onPhase?: (phase: "size" | "annotate" | "replay", total: number | null) => void;
  /** Policy switches, sorted by `at` (the scope stays); a switch to OPT gets next uses too. */
  readonly switches?: readonly PolicySwitch[];
}

/** A finished full-mode run: its Machine (stats(), processes) and what the passes saw. */
export interface MachineRun extends TraceMachine {
  /** References read from the source (those of killed processes included). */
  readonly references: number;
  /** Distinct (pid, page) pairs of those references. */
  readonly distinctPages: number;
  /** References of processes killed (out of swap) after their death, not run. */
  readonly skippedReferences: number;
  /** How many of the policy switches were reached (the rest lay beyond the trace's end). */
  readonly switchesApplied: number;
}

const PROGRESS_EVERY = 1 << 18;

/**
 * The sizing pass over a pwt stream: dictionary blocks are taken still encoded (TracePages.addCoded
 * reads only the entries their references use), token blocks decoded into a batch first. The
 * decoder checks what it checks when it decodes (checksums, structure, the trailer's counts).
 */
async function sizePwt(
  source: Extract<ReferenceSource, { kind: "pwt" }>,
  pages: TracePages,
  limit: number,
  onProgress: (done: number) => void,
): Promise<void> {
  const dec = pwtDecoder({ source: source.name });
  const batch = makeBatch(DEFAULT_BATCH);
  const block = makeCodedBlock();
  let stopped = false;
  const flush = (): void => {
    const n = Math.min(batch.count, limit - pages.references);
    pages.add(batch, n);
    batch.count = 0;
    if (pages.references >= limit) stopped = true;
  };
  const pump = (): void => {
    while (!stopped) {
      const n = dec.takeCodedBlock(Math.min(limit - pages.references, DEFAULT_BATCH), block);
      if (n > 0) {
        const bad = pages.addCoded(block, dec.stats);
        if (bad >= 0) throw dec.badEntry(block.pos + bad * block.dict.width);
        if (pages.references >= limit) stopped = true;
        continue;
      }
      if (!dec.drainUntilCoded(batch)) break;
      flush();
    }
    onProgress(pages.references);
  };
  for await (const chunk of source.chunks()) {
    dec.push(chunk);
    pump();
    if (stopped) return;
  }
  pump();
  if (!stopped) flush();
  if (!stopped) dec.end();
}

/**
 * Runs `source` in full mode: sizes a Machine for it (first pass), annotates next uses when the
 * policy reads the future (OPT), then feeds every reference to `Machine.access` with its process's
 * pid, the address `page * pageSize` and the access its kind makes. A process killed when swap runs
 * out runs no more: its later references are skipped and counted. A pwt source's dictionary
 * blocks are read still encoded in both passes (the sizing pass looks up only the entries used;
 * the Machine decodes each reference in its loop, Machine.accessCoded); token blocks are decoded.
 */
export async function runMachine(source: ReferenceSource, opts: MachineRunOptions): Promise<MachineRun> {
  const switches = opts.switches ?? [];
  let needsFuture = false;
  for (const p of [opts.policy, ...switches.map((x) => x.policy)]) {
    const spec = parsePolicySpec(p);
    const policy = getPolicyFactory(spec.id);
    policy.parseParams(spec.params);
    needsFuture ||= policy.needsFuture;
  }
  for (let k = 1; k < switches.length; k++) {
    if (!(switches[k]!.at > switches[k - 1]!.at))
      throw new ConfigError(
        "switches",
        switches[k]!.at,
        "policy switches sorted by reference, each at a new one",
      );
  }
  const limit = opts.limit ?? Number.POSITIVE_INFINITY;
  const pages = new TracePages();
  opts.onPhase?.("size", opts.expectedReferences ?? null);
  const sizing = (done: number) => opts.onProgress?.(done, opts.expectedReferences ?? 0);
  if (source.kind === "pwt") await sizePwt(source, pages, limit, sizing);
  else {
    for await (const b of source.batches()) {
      pages.add(b, Math.min(b.count, limit - pages.references));
      sizing(pages.references);
      if (pages.references >= limit) break;
    }
  }
  const total = pages.references;
  if (needsFuture) opts.onPhase?.("annotate", total);
  const onProgress = opts.onProgress;
  const nextUse = needsFuture
    ? (
        await annotateSource(source, {
          limit: total,
          ...(opts.expectedReferences !== undefined ? { expectedReferences: opts.expectedReferences } : {}),
          ...(onProgress ? { onProgress: (d: number) => onProgress(d, total) } : {}),
        })
      ).nextUse
    : null;
  opts.onPhase?.("replay", total);
  const tm = machineForTrace(pages, opts);
  const { machine: m, pidOf } = tm;
  let sw = 0;
  let nextSwitch = switches[0]?.at ?? Number.POSITIVE_INFINITY;
  const expected = opts.expectedReferences ?? total;
  let lastSrc = Number.NaN;
  let pid = -1;
  // Only the faulting process (its access returns FAULT_KILLED) or another one, checked when the
  // trace switches back to it, can have died.
  let alive = true;
  let skipped = 0;
  let i = 0;
  let nextReport = PROGRESS_EVERY;
  /**
   * Feeds references [0, n) of a batch, the next ones of the trace: decoded (width 0: pages[k],
   * codes[k] its kind, pids[k] its pid) or a dictionary block's still encoded (width 1 or 2: code
   * k at codes[base + k × width], pages and pids by entry; onePid: every entry's pid, else NaN).
   * Each run of one process's references (up to the next policy switch) goes to the Machine in
   * one call (Machine.accessRefs or accessCoded: the same effects as access() per reference,
   * without a call and its boxed address, next use and result per reference).
   */
  const feed = (
    n: number,
    vpns: Float64Array,
    codes: Uint8Array,
    width: number,
    base: number,
    pids: Int32Array,
    onePid: number,
  ): void => {
    const pidAt = (k: number): number => {
      if (width === 0) return pids[k]!;
      const at = base + k * width;
      return pids[(width === 1 ? codes[at]! : codes[at]! | (codes[at + 1]! << 8)) >>> 2]!;
    };
    for (let k = 0; k < n; ) {
      if (i + k === nextSwitch) {
        m.setPolicy(switches[sw++]!.policy);
        nextSwitch = switches[sw]?.at ?? Number.POSITIVE_INFINITY;
      }
      const cut = Math.min(n, nextSwitch - i);
      let src = onePid;
      let e = cut;
      if (Number.isNaN(onePid)) {
        src = pidAt(k);
        e = k + 1;
        while (e < cut && pidAt(e) === src) e++;
      }
      if (src !== lastSrc) {
        lastSrc = src;
        pid = pidOf.get(src)!;
        alive = m.isAlive(pid);
      }
      if (alive) {
        const stop =
          width === 0
            ? m.accessRefs(pid, vpns, codes, k, e, nextUse, i)
            : m.accessCoded(pid, vpns, codes, width as 1 | 2, base, k, e, nextUse, i);
        if (stop < e) {
          alive = false;
          skipped += e - stop - 1;
        }
      } else skipped += e - k;
      k = e;
    }
    i += n;
    if (i >= nextReport && i < total) {
      opts.onProgress?.(i, expected);
      nextReport = i + PROGRESS_EVERY;
    }
  };
  const feedBatch = (b: RefBatch): void => {
    feed(Math.min(b.count, total - i), b.pages, b.kinds, 0, 0, b.pids, Number.NaN);
  };
  if (source.kind === "pwt") {
    // Dictionary blocks go to the Machine still encoded (the decoder checks their entries and
    // counts their kinds as it hands them over); token blocks are decoded into a batch first.
    const dec = pwtDecoder({ source: source.name });
    const batch = makeBatch(DEFAULT_BATCH);
    const block = makeCodedBlock();
    const pump = (): void => {
      while (i < total) {
        const n = dec.takeCodedBlock(Math.min(total - i, DEFAULT_BATCH), block, true);
        if (n > 0) {
          const d = block.dict;
          feed(n, d.pages, block.buf, d.width, block.pos, d.pids, d.onePid ? d.pid : Number.NaN);
          continue;
        }
        if (!dec.drainUntilCoded(batch)) break;
        feedBatch(batch);
        batch.count = 0;
      }
    };
    for await (const chunk of source.chunks()) {
      dec.push(chunk);
      pump();
      if (i >= total) break;
    }
    pump();
    if (i < total) {
      feedBatch(batch);
      // The stream ended before the references the first pass read: it must at least be whole.
      if (i < total) dec.end();
    }
  } else {
    for await (const b of source.batches()) {
      feedBatch(b);
      if (i >= total) break;
    }
  }
  opts.onProgress?.(total, total);
  return {
    ...tm,
    references: total,
    distinctPages: pages.distinctPages,
    skippedReferences: skipped,
    switchesApplied: sw,
  };
}
