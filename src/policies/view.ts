// Helpers for the policies' describe() methods (policy.ts PolicyView): a policy's lists read into
// display entries, in the lists' own order. Display only: never on the hot path; these allocate.

import type { FrameList } from "./frame-list.js";
import type { NodeLists } from "./node-lists.js";
import type { FrameBits, PolicyViewEntry } from "./policy.js";
import type { Ring } from "./ring.js";

/** A note for an entry, or undefined for none. */
export type NoteOf = (f: number) => string | undefined;

/** A resident entry for frame `f`, with its note when there is one. */
export function frameEntry(f: number, note?: string): PolicyViewEntry {
  return note === undefined ? { frame: f } : { frame: f, note };
}

/** A ghost entry: `page` remembered, no frame. */
export function ghostEntry(page: number, note?: string): PolicyViewEntry {
  return note === undefined ? { frame: -1, page } : { frame: -1, page, note };
}

/** The accessed bit as a note: "R=1" or "R=0". */
export function rNote(bits: FrameBits): NoteOf {
  return (f) => (bits.referenced(f) ? "R=1" : "R=0");
}

/** A FrameList head to tail. */
export function listEntries(list: FrameList, note?: NoteOf): PolicyViewEntry[] {
  const out: PolicyViewEntry[] = [];
  for (let f = list.head, n = list.size; f >= 0 && n > 0; f = list.next[f]!, n--)
    out.push(frameEntry(f, note?.(f)));
  return out;
}

/** A Ring from the hand round (the hand's entry first). */
export function ringEntries(ring: Ring, note?: NoteOf): PolicyViewEntry[] {
  const out: PolicyViewEntry[] = [];
  for (let f = ring.hand, n = ring.size; f >= 0 && n > 0; f = ring.next[f]!, n--)
    out.push(frameEntry(f, note?.(f)));
  return out;
}

/**
 * List `l` of `lists` head to tail: nodes below `frameCount` are frames, the others ghosts whose
 * page `pageOfNode` gives.
 */
export function nodeEntries(
  lists: NodeLists,
  l: number,
  frameCount: number,
  pageOfNode: (n: number) => number,
  note?: NoteOf,
): PolicyViewEntry[] {
  const out: PolicyViewEntry[] = [];
  for (let n = lists.head[l]!, k = lists.size[l]!; n >= 0 && k > 0; n = lists.next[n]!, k--) {
    out.push(n < frameCount ? frameEntry(n, note?.(n)) : ghostEntry(pageOfNode(n), note?.(n)));
  }
  return out;
}

export type { PolicyView, PolicyViewEntry, PolicyViewList } from "./policy.js";
