// Page coloring on the fault path (seed 002): a frame whose color (the low bits of its PFN)
// matches the faulting page's (the low bits of its VPN). "prefer" takes any frame when no frame of
// the color is free, counting a conflict; "strict" evicts until one is, counting the evictions an
// uncolored allocator would not have made.

import { FRAME_USER } from "../phys/frames.js";
import { noFrameError } from "./fault-count.js";
import type { Pager } from "./pager.js";
import type { AddressSpace } from "./space.js";
import { evictOne, victimPolicy } from "./victims.js";

/**
 * A frame of `color` for `p` under page coloring. "prefer": a free frame of the color, else any
 * free frame, else a victim's frame; a frame of another color is a conflict. "strict": evicts
 * victims until a frame of the color is free; evictions beyond the one an uncolored allocator
 * would have made are counted as colorEvictions. Returns -1 if a dirty victim found no swap slot.
 */
export function obtainColored(pager: Pager, p: AddressSpace, incoming: number, color: number): number {
  const { frames } = pager.parts;
  const local = pager.scope === "local";
  const mayTakeFree = !local || p.resident < p.quota;
  let f = mayTakeFree ? frames.allocateColor(color, FRAME_USER) : -1;
  if (f < 0 && pager.colorMode === "prefer") {
    if (mayTakeFree) f = frames.allocate(FRAME_USER);
    if (f < 0) {
      const pol = local && p.resident > 0 ? pager.policyOf(p.pid) : victimPolicy(pager, p);
      if (!evictOne(pager, pol, p, incoming)) return -1;
      f = frames.allocateColor(color, FRAME_USER);
      if (f < 0) f = frames.allocate(FRAME_USER);
    }
    if (f >= 0 && frames.colorOf(f) !== color) p.counters.colorConflicts++;
  } else if (f < 0) {
    // An uncolored allocator evicts once only when it may not take a free frame.
    let expected = !(mayTakeFree && frames.freeCount > 0);
    while (f < 0) {
      const pol = local && p.resident > 0 ? pager.policyOf(p.pid) : victimPolicy(pager, p);
      if (!evictOne(pager, pol, p, incoming)) return -1;
      if (expected) expected = false;
      else p.counters.colorEvictions++;
      f = frames.allocateColor(color, FRAME_USER);
    }
  }
  if (f < 0) throw noFrameError(frames, "a page");
  pager.watcher?.afterAllocate();
  return f;
}
