// Sizes stated by a user or a file are checked before anything is allocated (issue 17 item 2,
// issue 18 items 6, 8 and 13): replay at more frames than pages allocates what it can use, the
// Machine names the frame count asked for, swap slots stay within the PTE's 24 bits, a lackey line
// cannot become millions of references, a corrupt pwt block length is refused at once.

import { describe, expect, it } from "vitest";
import { ConfigError, TraceParseError } from "../../src/core/errors.js";
import { PTE_MAX_FIELD } from "../../src/mmu/pte.js";
import { policyIds } from "../../src/policies/registry.js";
import {
  checkMachineFrames,
  REPLAY_EXACT_FRAMES,
  replayFrames,
  streamReplayFrames,
} from "../../src/sim/bounds.js";
import { Machine } from "../../src/sim/machine.js";
import { replay } from "../../src/sim/replay-trace.js";
import { FullStepper } from "../../src/sim/steps-full.js";
import { MAX_SLOTS, SlotAllocator } from "../../src/stores/slot-allocator.js";
import { NO_SLOT } from "../../src/stores/store.js";
import { PwtEncoder } from "../../src/workloads/binary-format.js";
import { csvDecoder } from "../../src/workloads/csv-trace.js";
import { lackeyDecoder } from "../../src/workloads/lackey.js";
import { pwtDecoder } from "../../src/workloads/pwt-decoder.js";
import { makeBatch } from "../../src/workloads/refs.js";
import { decodeAll, decodeAllOrThrow } from "../../src/workloads/trace-decoder.js";
import { smallTrace } from "../helpers/small-trace.js";

const enc = new TextEncoder();

describe("replay at more frames than the trace has pages", () => {
  const refs = [1, 2, 3, 4, 1, 2, 5, 1, 2, 3, 4, 5, 9, 9, 7, 1];
  const trace = smallTrace(
    refs,
    refs.map((p) => p % 2),
  );

  it("gives the answer of as many frames as pages, for every policy, at counts no array could hold", () => {
    for (const policy of policyIds()) {
      const at = replay(trace, { policy, frames: trace.pageSpace });
      for (const frames of [8 * 2 ** 40, 2 ** 53 - 1]) {
        const r = replay(trace, { policy, frames });
        expect(r.frames).toBe(frames); // the count asked for is the one reported
        expect([r.faults, r.hits, r.evictions.clean, r.evictions.dirty]).toEqual([
          at.faults,
          at.hits,
          at.evictions.clean,
          at.evictions.dirty,
        ]);
      }
    }
  });

  it("allocates frames as asked up to REPLAY_EXACT_FRAMES, and never more than the pages above it", () => {
    expect(replayFrames(64, 3)).toBe(64);
    expect(replayFrames(REPLAY_EXACT_FRAMES, 3)).toBe(REPLAY_EXACT_FRAMES);
    expect(replayFrames(2 ** 40, 3)).toBe(REPLAY_EXACT_FRAMES);
    expect(replayFrames(2 ** 40, 5_000_000)).toBe(5_000_000);
    expect(replayFrames(3_000_000, 5_000_000)).toBe(3_000_000);
  });
});

describe("the Machine's bounds", () => {
  it("full mode's frame count beyond 1 GiB of RAM is refused naming that count, before page-table frames are added", () => {
    expect(() => checkMachineFrames(2 ** 31, 4096)).toThrow(
      /frames: 2147483648 \(expected at most 262144 frames of 4096 B/,
    );
    expect(() => checkMachineFrames(262144, 4096)).not.toThrow();
    expect(() => checkMachineFrames(262145, 4096)).toThrow(ConfigError);
  });

  it("swap slots: at most 2^24 (a PTE holds a slot in 24 bits)", () => {
    expect(MAX_SLOTS).toBe(PTE_MAX_FIELD + 1);
    expect(() => new Machine({ frames: 8, swapSlots: MAX_SLOTS + 1 })).toThrow(/16777217/);
    expect(() => new Machine({ frames: 8, swapSlots: MAX_SLOTS + 1 })).toThrow(ConfigError);
    expect(() => new Machine({ frames: 8, swapSlots: 0 })).toThrow(ConfigError);
    expect(new Machine({ frames: 8, swapSlots: MAX_SLOTS }).swap.capacity).toBe(MAX_SLOTS);
  });

  it("an unbounded store never hands out a slot a PTE cannot name", () => {
    const slots = new SlotAllocator(Number.POSITIVE_INFINITY);
    let highest = -1;
    for (let i = 0; i < MAX_SLOTS; i++) highest = Math.max(highest, slots.alloc(true));
    expect(highest).toBe(MAX_SLOTS - 1);
    expect(slots.alloc(true)).toBe(NO_SLOT);
    slots.release(12345);
    expect(slots.alloc(true)).toBe(12345);
  });
});

describe("lackey sizes", () => {
  const pagesOf = (text: string) => [...decodeAllOrThrow(lackeyDecoder, enc.encode(text)).pages];

  it("an access ending exactly at a page boundary is one reference; one byte more is two", () => {
    expect(pagesOf(" L ff8,8\n")).toEqual([0]);
    expect(pagesOf(" L ff8,9\n")).toEqual([0, 1]);
    expect(pagesOf(" L fff,1\n")).toEqual([0]);
    expect(pagesOf(" L fff,2\n")).toEqual([0, 1]);
    expect(pagesOf(" S 1000,4096\n")).toEqual([1]);
    expect(pagesOf(" S 1000,4097\n")).toEqual([1, 2]);
  });

  it("a size beyond 64 KiB is refused with the line and column, not expanded", () => {
    for (const size of ["99999999999", "9007199254740991", "65537"]) {
      const r = decodeAll(lackeyDecoder, enc.encode(`I  0400000,3\n L 1000,${size}\n`));
      expect(r.ok).toBe(false);
      const issue = r.issues![0]!;
      expect([issue.line, issue.column]).toEqual([2, 9]);
      expect(issue.problem).toMatch(/too large/);
    }
    expect(pagesOf(" L 0,65536\n")).toHaveLength(16);
  });
});

describe("pwt block lengths", () => {
  it("a block stating more bytes than its references can take is refused at its offset", () => {
    const e = new PwtEncoder(4096);
    const b = makeBatch(1000);
    for (let i = 0; i < 1000; i++) {
      b.pages[i] = (i * 7919) % 600;
      b.kinds[i] = i % 4;
    }
    b.count = 1000;
    e.add(b);
    const good = new Uint8Array([...e.header(), ...e.finish()]);
    expect(decodeAllOrThrow(pwtDecoder, good).count).toBe(1000);
    // header (64 bytes), then the first block: varint n, varint len, payload
    let p = 64;
    const readVar = () => {
      let v = 0;
      let mul = 1;
      for (;;) {
        const b = good[p++]!;
        v += (b & 0x7f) * mul;
        mul *= 128;
        if (b < 0x80) return v;
      }
    };
    const n = readVar();
    const lenAt = p;
    readVar();
    const huge = [0xff, 0xff, 0xff, 0xff, 0x0f]; // 2^32 - 1 in 5 bytes
    const bad = new Uint8Array([...good.subarray(0, lenAt), ...huge, ...good.subarray(p)]);
    expect(() => decodeAll(pwtDecoder, bad)).toThrow(TraceParseError);
    expect(() => decodeAll(pwtDecoder, bad)).toThrow(`${2 ** 32 - 1} bytes for ${n} references`);
    expect(() => decodeAll(pwtDecoder, bad)).toThrow(/byte 64\b/);
  });
});

describe("csv access sizes", () => {
  it("an addr,size row beyond 64 KiB is refused, not split into millions of references", () => {
    const r = decodeAll(csvDecoder, enc.encode("addr,size\n4096,8\n4096,99999999999\n"));
    expect(r.ok).toBe(false);
    expect(r.issues![0]!.line).toBe(3);
    expect(r.issues![0]!.problem).toMatch(/too large/);
    const ok = decodeAllOrThrow(csvDecoder, enc.encode("addr,size\n4088,16\n"));
    expect([...ok.pages]).toEqual([0, 1]);
  });
});

describe("frames for a streamed replay", () => {
  it("clamps to what is known of the pages, and refuses a huge count when nothing is", () => {
    expect(streamReplayFrames(2 ** 40, 3)).toBe(REPLAY_EXACT_FRAMES);
    expect(streamReplayFrames(64, undefined)).toBe(64);
    expect(() => streamReplayFrames(2 ** 31, undefined)).toThrow(/frames: 2147483648.*at most 1048576/);
  });
});

describe("full step mode sizes its Machine as every full-mode run does", () => {
  it("refuses a page beyond the 48-bit space with the reason, instead of a silent kill", () => {
    const src = { count: 2, pages: [1, 2 ** 40] };
    expect(() => new FullStepper(src, { policy: "fifo", frames: 2, pageSize: 4096 })).toThrow(
      /page: 1099511627776.*48-bit address space/,
    );
  });

  it("gives the page tables frames of their own, one trace process per pid", () => {
    const s = new FullStepper(
      { count: 4, pages: [1, 2, 1, 3], pids: [0, 0, 7, 7] },
      { policy: "fifo", frames: 3, pageSize: 4096 },
    );
    expect(s.machine.pids()).toHaveLength(2);
    expect(s.machine.stats().frames.total).toBeGreaterThan(3);
  });
});
