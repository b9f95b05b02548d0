import { describe, expect, it } from "vitest";
import { ConfigError, UnknownIdError } from "../core/errors.js";
import { densify, type ReplayTrace } from "./replay.js";
import { codedWords } from "./replay-coded.js";
import { replay } from "./replay-trace.js";

function trace(refs: number[], writes?: number[]): ReplayTrace {
  const d = densify(Float64Array.from(refs), refs.length);
  return {
    count: refs.length,
    pages: d.ids,
    pageSpace: d.pageSpace,
    ...(writes ? { writes: Uint8Array.from(writes) } : {}),
  };
}

describe("densify", () => {
  it("numbers pages by first appearance, keeping identity, beyond 32 bits", () => {
    const pages = Float64Array.from([2 ** 40 + 1, 7, 2 ** 40 + 1, 2 ** 8 * 2 ** 32 + 7, 7]);
    const d = densify(pages, 5);
    expect(Array.from(d.ids)).toEqual([0, 1, 0, 2, 1]);
    expect(Array.from(d.pageOfId)).toEqual([2 ** 40 + 1, 7, 2 ** 8 * 2 ** 32 + 7]);
  });

  it("survives growth of its table", () => {
    const n = 50_000;
    const pages = Float64Array.from({ length: 2 * n }, (_, i) => ((i % n) * 2654435761) % 2 ** 45);
    const d = densify(pages, pages.length);
    expect(d.pageSpace).toBe(n);
    for (let i = 0; i < n; i++) expect(d.ids[i + n]).toBe(d.ids[i]);
  });
});

describe("replay", () => {
  it("counts references, faults, hits and the miss ratio", () => {
    const r = replay(trace([1, 2, 1, 3, 1, 2]), { policy: "lru", frames: 2 });
    expect(r).toMatchObject({ references: 6, faults: 4, hits: 2, frames: 2, policy: "lru" });
    expect(r.missRatio).toBeCloseTo(4 / 6);
  });

  it("a dirty eviction is a write-back; the dirty bit resets when a frame is reused", () => {
    const r = replay(trace([1, 2, 3, 1, 2, 3], [1, 0, 0, 0, 0, 0]), { policy: "fifo", frames: 2 });
    expect(r.faults).toBe(6);
    expect(r.evictions).toEqual({ clean: 3, dirty: 1 });
    expect(r.writebacks).toBe(1);
  });

  it("sets the accessed bit on the faulting access before admit: second-chance spares a new page", () => {
    const victims = (policy: string) => {
      const out: number[] = [];
      replay(trace([1, 2, 3, 2, 4, 1]), { policy, frames: 2, onEvict: (page) => out.push(page) });
      return out;
    };
    // Dense ids 0-3 stand for pages 1-4. At the fault on 4, second-chance still sees 3's bit from
    // its load and spares it; clock cleared it at admit and takes 3.
    expect(victims("second-chance")).toEqual([0, 1, 2]);
    expect(victims("clock")).toEqual([0, 2, 1]);
  });

  it("computes next uses for OPT when none are given", () => {
    const r = replay(trace([1, 2, 3, 1, 2, 4, 1]), { policy: "opt", frames: 2 });
    expect(r.faults).toBe(5);
  });

  it("switches policy mid-run and keeps the resident set", () => {
    const refs = [1, 2, 3, 1, 2, 3, 1, 2, 3];
    const r = replay(trace(refs), { policy: "fifo", frames: 3, switchAt: [{ at: 3, policy: "lru" }] });
    expect(r.faults).toBe(3);
    expect(r.switches).toBe(1);
  });

  it("a switch to OPT gives the adopted pages their real next uses", () => {
    const refs = [1, 2, 3, 4, 1, 2, 4, 1, 2];
    const whole = replay(trace(refs), { policy: "opt", frames: 3 }).faults;
    const switched = replay(trace(refs), { policy: "lru", frames: 3, switchAt: [{ at: 3, policy: "opt" }] });
    expect(switched.faults).toBe(whole);
  });

  it("reports progress every N references and at the end", () => {
    const seen: number[] = [];
    replay(trace(Array.from({ length: 10 }, (_, i) => i % 3)), {
      policy: "lru",
      frames: 2,
      progressEvery: 4,
      onProgress: (done) => seen.push(done),
    });
    expect(seen).toEqual([4, 8, 10]);
  });

  it("rejects bad options with typed errors", () => {
    expect(() => replay(trace([1]), { policy: "lru", frames: 0 })).toThrow(ConfigError);
    expect(() => replay(trace([1]), { policy: "nope", frames: 1 })).toThrow(UnknownIdError);
    expect(() =>
      replay(trace([1, 2]), {
        policy: "lru",
        frames: 1,
        switchAt: [
          { at: 2, policy: "x" },
          { at: 1, policy: "y" },
        ],
      }),
    ).toThrow(ConfigError);
  });

  it("advances simulated time by access, read and write costs", () => {
    const r = replay(trace([1, 2, 1], [1, 0, 0]), { policy: "fifo", frames: 1 });
    expect(r.timeNs).toBe(3 * 200 + 3 * 8_000_000 + 1 * 8_000_000);
  });
});

describe("codedWords (two-byte coded references as a Uint16Array)", () => {
  it("reads little-endian words at even and odd offsets alike", () => {
    const bytes = Uint8Array.from({ length: 41 }, (_, i) => (i * 37 + 11) & 255);
    for (const pos of [0, 1, 2, 7]) {
      const count = Math.floor((bytes.length - pos) / 2);
      const want = Array.from(
        { length: count },
        (_, k) => bytes[pos + 2 * k]! | (bytes[pos + 2 * k + 1]! << 8),
      );
      expect(Array.from(codedWords(bytes, pos, count))).toEqual(want);
      // A view at an offset into a larger buffer too.
      const inner = new Uint8Array(bytes.buffer, 1, 40);
      const n2 = Math.floor((inner.length - pos) / 2);
      const w2 = Array.from({ length: n2 }, (_, k) => inner[pos + 2 * k]! | (inner[pos + 2 * k + 1]! << 8));
      expect(Array.from(codedWords(inner, pos, n2))).toEqual(w2);
    }
  });
});
