// The page-table reserve (MachineConfig.tableFrames): frames above the page frames that only page
// tables use, so tables do not take the frames pages could hold. A table takes a reserve frame
// while any is left, else one from the pager; a freed reserve frame goes back. Module-internal to the Machine (not exported from src/index.ts).

import { FRAME_RESERVED, FRAME_TABLE, type FrameTable } from "../phys/frames.js";

export class TableReserve {
  /** Free frames of the reserve, all ≥ pageFrames (the lowest on top). */
  private readonly free: number[] = [];

  /**
   * Sets `frames` up with frames [pageFrames, frameCount) as the reserve: when there is one, every
   * frame is taken and the page frames given back lowest on top (so pages fill frames 0, 1, ... as
   * in replay).
   */
  constructor(
    private readonly frames: FrameTable,
    private readonly pageFrames: number,
  ) {
    const total = frames.frameCount;
    if (total === pageFrames) return;
    for (let f = 0; f < total; f++) frames.allocate(FRAME_RESERVED);
    for (let f = pageFrames - 1; f >= 0; f--) frames.release(f);
    for (let f = total - 1; f >= pageFrames; f--) this.free.push(f);
  }

  /** Free frames left in the reserve. */
  get size(): number {
    return this.free.length;
  }

  /** A frame for a new page table: from the reserve while it lasts, else `fallback()`'s. */
  take(fallback: () => number): number {
    const f = this.free.pop();
    if (f === undefined) return fallback();
    this.frames.release(f);
    this.frames.claim(f, FRAME_TABLE);
    return f;
  }

  /** A freed table frame of the reserve goes back to it (pages never use frames ≥ pageFrames). */
  freed(f: number): void {
    if (f < this.pageFrames) return;
    this.frames.claim(f, FRAME_RESERVED);
    this.free.push(f);
  }
}
