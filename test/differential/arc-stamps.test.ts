// ARC keeps T1 and T2 by stamps while the frames are few, goes back to linked lists when its
// victim scans cost too much, and starts with lists above 4096 frames (src/policies/arc.ts); in a
// streaming replay the replay's loops write those stamps (Replayer.useStampLru). Each regime must
// evict exactly the pages the naive ARC (plain arrays) evicts, in the same order.

import { describe, expect, it } from "vitest";
import { type ReplayTrace, replay, StreamReplay } from "../../src/index.js";
import { naiveArc } from "./naive/arc.js";
import { runNaive } from "./naive/common.js";

/** A hot set (hits, so T2 fills) mixed with a loop too large for the frames (a fault nearly every time). */
function mixed(
  count: number,
  hot: number,
  loop: number,
  seed: number,
): { refs: number[]; writes: boolean[] } {
  let s = seed >>> 0;
  const rnd = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
  const refs: number[] = [];
  const writes: boolean[] = [];
  let cursor = 0;
  for (let i = 0; i < count; i++) {
    const r = rnd();
    if (r < 0.35) refs.push(Math.floor(rnd() * hot));
    else if (r < 0.45) refs.push(hot + Math.floor(rnd() * loop));
    else refs.push(hot + (cursor++ % loop));
    writes.push(rnd() < 0.3);
  }
  return { refs, writes };
}

function victimsOf(refs: number[], writes: boolean[], frames: number) {
  const pages = Int32Array.from(refs);
  const flags = Uint8Array.from(writes, (w) => (w ? 1 : 0));
  const trace: ReplayTrace = {
    count: refs.length,
    pages,
    writes: flags,
    pageSpace: Math.max(...refs) + 1,
  };
  const real: number[] = [];
  const result = replay(trace, { policy: "arc", frames, onEvict: (page) => real.push(page) });
  const naive = runNaive(() => naiveArc(frames), refs, writes, frames);
  const streamed: number[] = [];
  const sr = new StreamReplay({
    policy: "arc",
    frames,
    pageSpaceHint: trace.pageSpace,
    onEvict: (page) => streamed.push(page),
  });
  for (let at = 0; at < refs.length; at += 1000) {
    const n = Math.min(1000, refs.length - at);
    sr.pushDense(pages.subarray(at, at + n), flags.subarray(at, at + n), n);
  }
  return { real, naive, streamed, faults: result.faults, streamedFaults: sr.result().faults };
}

describe("ARC's stamped lists evict what the naive ARC evicts", () => {
  it("2000 frames, enough faults that the scans pass their budget and the lists are linked again", () => {
    const { refs, writes } = mixed(16_000, 300, 3500, 11);
    const { real, naive, streamed, faults, streamedFaults } = victimsOf(refs, writes, 2000);
    // 2000 frames scanned per fault: past 8 a stamp plus 4 Mi frames after about 2,200 faults.
    expect(faults - 2000).toBeGreaterThan(3000);
    expect(real.length).toBe(faults - 2000);
    expect(real).toEqual(naive);
    expect(streamedFaults).toBe(faults);
    expect(streamed).toEqual(naive);
  });

  it("64 frames, stamped throughout", () => {
    const { refs, writes } = mixed(20_000, 40, 120, 5);
    const { real, naive, streamed } = victimsOf(refs, writes, 64);
    expect(real.length).toBeGreaterThan(1000);
    expect(real).toEqual(naive);
    expect(streamed).toEqual(naive);
  });

  it("5000 frames, linked lists from the start", () => {
    const { refs, writes } = mixed(14_000, 400, 6000, 3);
    const { real, naive, streamed } = victimsOf(refs, writes, 5000);
    expect(real.length).toBeGreaterThan(1000);
    expect(real).toEqual(naive);
    expect(streamed).toEqual(naive);
  });
});
