// Minimum frames and the multi-page instruction (issue 5, item 7). Seed 004: "We should understand
// how many frames are needed at minimum ... on a machine on which one instruction can have two
// operands of indirect references, this means needing at least 6 frames for one instruction".
// pagewise's multi-page instruction is `memmove`: a copy inside one address space whose source and
// destination may each straddle page boundaries. Every page it touches must be resident at the
// same time (it pins them while it runs), and so must the page tables that map them, which are
// pinned for life. Below that many frames the instruction could only fault forever: one operand's
// page-in evicts the other's. The machine refuses such a configuration up front (ConfigError) and
// a single call that cannot get its pages fails with OutOfMemoryError, never a loop.

import type { AddressLayout } from "../core/addr.js";
import { AddressError, ConfigError, OutOfMemoryError } from "../core/errors.js";
import { ACC_READ, ACC_WRITE, type Access } from "../mmu/mmu.js";
import { FRAME_FREE, FRAME_USER, type FrameTable } from "../phys/frames.js";

export interface MinimumFrames {
  /** Frames one process needs so that its largest instruction can complete. */
  readonly frames: number;
  /** Pages the instruction touches at once (both operands, worst alignment). */
  readonly pages: number;
  /** Page-table frames that map them in the worst case (root included). */
  readonly tables: number;
  /** A sentence saying where the number comes from, for error messages. */
  readonly why: string;
}

/** Pages an operand of `bytes` bytes can touch at the worst alignment (1 for 0 or 1 byte). */
export function operandPages(bytes: number, pageSize: number): number {
  return bytes <= 1 ? 1 : Math.ceil((bytes - 1) / pageSize) + 1;
}

/**
 * The least frames a process needs for an instruction whose two operands (source and destination)
 * are up to `moveBytes` long each. With `moveBytes` 0 the largest access is a single one-page
 * reference (reads and writes across a page boundary are split into one reference per page):
 * then the minimum is the page plus one table per level. Otherwise each operand may straddle
 * page boundaries (worst alignment) and, at each level below the root, table boundaries.
 */
export function minimumFrames(layout: AddressLayout, moveBytes: number): MinimumFrames {
  if (!Number.isSafeInteger(moveBytes) || moveBytes < 0) {
    throw new ConfigError("maxMoveBytes", moveBytes, "a whole number of bytes, 0 or more");
  }
  const { levels, pageSize } = layout;
  if (moveBytes === 0) {
    return {
      frames: levels + 1,
      pages: 1,
      tables: levels,
      why: `a reference touches 1 page, mapped through ${levels} page-table frame(s)`,
    };
  }
  const per = operandPages(moveBytes, pageSize);
  const pages = 2 * per;
  let tables = 1;
  for (let level = 1; level < levels; level++) {
    // A run of `per` pages crosses at most ceil((per - 1) / span) table boundaries at this level.
    const span = layout.levelSpan[level - 1]!;
    tables += Math.min(pages, 2 * (Math.ceil((per - 1) / span) + 1));
  }
  return {
    frames: pages + tables,
    pages,
    tables,
    why:
      `a memmove of up to ${moveBytes} bytes touches up to ${per} source and ${per} destination pages at once ` +
      `(${pages} pages), mapped through up to ${tables} page-table frame(s) (root included)`,
  };
}

/** An item in memory: its size and the alignment it always has (an instruction, a pointer, a datum). */
export interface MemoryItem {
  readonly bytes: number;
  /** Its address is always a multiple of this (1: any byte). */
  readonly align: number;
}

/** One operand of an instruction: the datum, reached through `indirection` pointers in memory. */
export interface InstructionOperand extends MemoryItem {
  /** Levels of indirection: 0 direct, 1 through one pointer in memory, … */
  readonly indirection: number;
  /** The pointers' size and alignment (default: a 2-byte word aligned on 2). */
  readonly pointer?: MemoryItem;
}

/** An instruction as the documents count it: its own bytes and its memory operands. */
export interface InstructionShape {
  readonly name: string;
  readonly instruction: MemoryItem;
  readonly operands: readonly InstructionOperand[];
}

/**
 * A load through one pointer, fixed 4-byte aligned instructions (seed 004: "on an architecture
 * allowing load of one memory location and one level of redirecting ... at least 3 pages").
 */
export const LOAD_INDIRECT: InstructionShape = {
  name: "load with one level of indirection",
  instruction: { bytes: 4, align: 4 },
  operands: [{ bytes: 4, align: 4, indirection: 1, pointer: { bytes: 4, align: 4 } }],
};

/**
 * The PDP-11's MOV with both operands indirect (deferred modes): an instruction of up to three
 * 16-bit words, word aligned, so it may straddle two pages; each operand a word reached through a
 * word pointer in memory (seed 004: "two operands of indirect references ... at least 6 frames").
 */
export const PDP11_MOV_INDIRECT: InstructionShape = {
  name: "PDP-11 MOV with two indirect operands",
  instruction: { bytes: 6, align: 2 },
  operands: [
    { bytes: 2, align: 2, indirection: 1, pointer: { bytes: 2, align: 2 } },
    { bytes: 2, align: 2, indirection: 1, pointer: { bytes: 2, align: 2 } },
  ],
};

/** Pages an item can touch at its worst placement: it starts at the last aligned address of a page. */
export function itemPages(item: MemoryItem, pageSize: number): number {
  if (!Number.isSafeInteger(item.bytes) || item.bytes < 1)
    throw new ConfigError("bytes", item.bytes, "a whole number of bytes, 1 or more");
  if (!Number.isSafeInteger(item.align) || item.align < 1 || pageSize % item.align !== 0)
    throw new ConfigError(
      "align",
      item.align,
      `a whole number of bytes that divides the page size ${pageSize}`,
    );
  const lastStart = pageSize - item.align;
  return Math.ceil((lastStart + item.bytes) / pageSize);
}

export interface InstructionFrames {
  /** Pages that must be resident together for the instruction to complete: the documents' figure. */
  readonly pages: number;
  /** Of them: the instruction's own pages, the pointers' pages, the data's pages. */
  readonly instructionPages: number;
  readonly pointerPages: number;
  readonly dataPages: number;
  /** Frames with pagewise's page tables in frames too: at worst each page under tables of its own below the root. */
  readonly framesWithTables: number;
  readonly why: string;
}

/**
 * The least frames one instruction needs, counted as the documents count them: every page it may
 * touch at once at the worst placement, the instruction's own (it may straddle a boundary), each
 * pointer followed and each datum. Below this many frames the instruction can never complete:
 * bringing in one page evicts another it still needs. `levels` (default 1) adds the page tables
 * pagewise keeps in frames: the root and, at each lower level, at worst one table per page.
 */
export function instructionFrames(shape: InstructionShape, pageSize: number, levels = 1): InstructionFrames {
  const instructionPages = itemPages(shape.instruction, pageSize);
  let pointerPages = 0;
  let dataPages = 0;
  for (const op of shape.operands) {
    if (!Number.isSafeInteger(op.indirection) || op.indirection < 0)
      throw new ConfigError("indirection", op.indirection, "a whole number of levels, 0 or more");
    pointerPages += op.indirection * itemPages(op.pointer ?? { bytes: 2, align: 2 }, pageSize);
    dataPages += itemPages(op, pageSize);
  }
  const pages = instructionPages + pointerPages + dataPages;
  return {
    pages,
    instructionPages,
    pointerPages,
    dataPages,
    framesWithTables: pages + 1 + (levels - 1) * pages,
    why:
      `${shape.name}: ${instructionPages} page(s) for the instruction, ${pointerPages} for the pointer(s) ` +
      `followed and ${dataPages} for the data, all resident at once`,
  };
}

/** What runMemmove needs from the machine. */
export interface MoveHost {
  readonly pageSize: number;
  readonly bytes: Uint8Array;
  readonly frames: FrameTable;
  /** 0: lengths are checked per call only. */
  readonly maxMoveBytes: number;
  pin(pid: number, va: number): number;
  unpin(pid: number, va: number): void;
  access(pid: number, va: number, access: Access): number;
  isAlive(pid: number): boolean;
  /** The error for an access that ended the process (FAULT_KILLED). */
  faultError(pid: number, va: number): Error;
}

/**
 * memmove(dst, src, length) inside `pid`'s address space, as one instruction: pins every page of
 * both operands (paging them in), makes one reference per page (reads of the source, writes of
 * the destination: accessed and dirty bits set as by the hardware), copies the bytes (overlap
 * safe), then unpins. Throws ConfigError beyond maxMoveBytes, AddressError for an address outside
 * the process's regions, OutOfMemoryError when the pages cannot all be resident at once, and the
 * host's fault error when a write hits a read-only page (the process is then killed).
 */
export function runMemmove(host: MoveHost, pid: number, dstVa: number, srcVa: number, length: number): void {
  for (const [k, v] of [
    ["dst", dstVa],
    ["src", srcVa],
  ] as const) {
    if (!Number.isSafeInteger(v) || v < 0)
      throw new AddressError(`memmove: bad ${k} address ${v}`, { pid, va: v });
  }
  if (!Number.isSafeInteger(length) || length < 0) {
    throw new ConfigError("memmove.length", length, "a whole number of bytes, 0 or more");
  }
  if (host.maxMoveBytes > 0 && length > host.maxMoveBytes) {
    throw new ConfigError("memmove.length", length, `at most maxMoveBytes, ${host.maxMoveBytes}`);
  }
  if (length === 0) return;
  const ps = host.pageSize;
  const srcFirst = Math.floor(srcVa / ps);
  const srcLast = Math.floor((srcVa + length - 1) / ps);
  const dstFirst = Math.floor(dstVa / ps);
  const dstLast = Math.floor((dstVa + length - 1) / ps);
  const vpns = new Set<number>();
  for (let v = srcFirst; v <= srcLast; v++) vpns.add(v);
  for (let v = dstFirst; v <= dstLast; v++) vpns.add(v);
  const usable = usableFrames(host.frames);
  if (vpns.size > usable) throw tooFew(host.frames, length, vpns.size, usable);
  const pinned: number[] = [];
  try {
    for (const v of vpns) {
      host.pin(pid, v * ps);
      pinned.push(v);
    }
  } catch (e) {
    if (host.isAlive(pid)) for (const v of pinned) host.unpin(pid, v * ps);
    if (e instanceof OutOfMemoryError)
      throw tooFew(host.frames, length, vpns.size, usableFrames(host.frames));
    throw e;
  }
  try {
    const tmp = new Uint8Array(length);
    walk(host, pid, srcVa, length, ACC_READ, (pa, at, n) => tmp.set(host.bytes.subarray(pa, pa + n), at));
    walk(host, pid, dstVa, length, ACC_WRITE, (pa, at, n) => host.bytes.set(tmp.subarray(at, at + n), pa));
  } finally {
    if (host.isAlive(pid)) for (const v of pinned) host.unpin(pid, v * ps);
  }
}

/** One reference per page of [va, va + length), handing each piece's physical address to `fn`. */
function walk(
  host: MoveHost,
  pid: number,
  va: number,
  length: number,
  access: Access,
  fn: (pa: number, at: number, n: number) => void,
): void {
  let done = 0;
  while (done < length) {
    const at = va + done;
    const n = Math.min(length - done, host.pageSize - (at % host.pageSize));
    const pa = host.access(pid, at, access);
    if (pa < 0) throw host.faultError(pid, at);
    fn(pa, done, n);
    done += n;
  }
}

/** Frames that could hold a page now: free ones and unpinned user pages. */
function usableFrames(frames: FrameTable): number {
  let n = 0;
  for (let f = 0; f < frames.frameCount; f++) {
    const s = frames.state[f];
    if (s === FRAME_FREE || (s === FRAME_USER && frames.pins[f] === 0)) n++;
  }
  return n;
}

function tooFew(frames: FrameTable, length: number, pages: number, usable: number): OutOfMemoryError {
  return new OutOfMemoryError(
    `memmove of ${length} bytes needs ${pages} pages resident at once (source and destination), ` +
      `but only ${usable} of ${frames.frameCount} frames can hold pages (${frames.tableCount} hold page tables, ` +
      `${frames.pinnedUserCount} are pinned)`,
    { length, pages, usable, frames: frames.frameCount },
  );
}
