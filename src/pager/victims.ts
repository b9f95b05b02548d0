// Choosing and evicting victims for the pager's fault path: which policy gives up a frame (the
// global one, or under local scope the faulting process's own, or the largest process's when it
// holds none), evicting that policy's choice, and the process killed when swap runs out.

import { NO_FRAME, type ReplacementPolicy } from "../policies/policy.js";
import { noFrameError } from "./fault-count.js";
import type { Pager } from "./pager.js";
import type { AddressSpace } from "./space.js";

/** Under local scope with no frames of its own, the faulting process takes from the largest. */
export function victimPolicy(pager: Pager, p: AddressSpace | undefined): ReplacementPolicy {
  if (pager.scope === "global") return pager.global;
  let best: AddressSpace | undefined = p;
  for (const pid of pager.local.keys()) {
    const q = pager.parts.byPid(pid);
    if (q?.alive && q.resident > 0 && (best === undefined || q.resident > best.resident)) best = q;
  }
  if (best === undefined) throw noFrameError(pager.parts.frames, "a page (no process holds a frame)");
  return pager.policyOf(best.pid);
}

/** Asks `pol` for a victim and evicts it (counted as a fault-path eviction). False if the victim found no swap slot. */
export function evictOne(
  pager: Pager,
  pol: ReplacementPolicy,
  p: AddressSpace | undefined,
  incoming: number | undefined,
): boolean {
  const { frames, bits } = pager.parts;
  const f = pol.selectVictim(incoming);
  if (f === NO_FRAME || !bits.isEvictable(f))
    throw noFrameError(frames, p ? `page of process ${p.pid}` : "a page");
  const key = frames.key[f]!;
  const dirty = bits.dirty(f);
  if (!pager.evict(f)) {
    pager.lastReason = "no swap slot";
    return false;
  }
  if (dirty) pager.faultEvictions.dirty++;
  else pager.faultEvictions.clean++;
  pol.forget(f, key, "evicted");
  return true;
}

/**
 * The live process with the largest resident set (ties: the highest pid, the youngest, which has
 * done the least work), the one killed when swap runs out. Undefined if none holds a frame.
 */
export function largestResident(processes: Iterable<AddressSpace>): AddressSpace | undefined {
  let best: AddressSpace | undefined;
  for (const q of processes) {
    if (!q.alive || q.resident === 0) continue;
    if (
      best === undefined ||
      q.resident > best.resident ||
      (q.resident === best.resident && q.pid > best.pid)
    )
      best = q;
  }
  return best;
}
