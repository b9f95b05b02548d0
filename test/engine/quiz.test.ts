// Quizzes: the same seed gives the same problem (pinned here), and every answer agrees with a
// computation written in this test: naive policies, a walk of the dumped tables, the EAT formula,
// minimumFrames on the stated shape.

import { describe, expect, it } from "vitest";
import { makeLayout, parseShape } from "../../src/core/addr.js";
import { checkAnswer, type Expected, makeQuiz, QUIZ_KINDS, type Quiz } from "../../src/quiz/index.js";
import { minimumFrames } from "../../src/sim/min-frames.js";
import { generateAll } from "../../src/workloads/generators.js";
import { naiveClock } from "../differential/naive/clock.js";
import { runNaive } from "../differential/naive/common.js";
import { naiveFifo } from "../differential/naive/fifo.js";
import { naiveLru } from "../differential/naive/lru.js";
import { naiveSecondChance } from "../differential/naive/second-chance.js";
import { faultsOf } from "../helpers/small-trace.js";

const SEEDS = Array.from({ length: 40 }, (_, i) => i);

describe("the same seed gives the same problem (pinned)", () => {
  it("replacement, seed 7", () => {
    const q = makeQuiz("replacement", 7);
    expect(q.data).toEqual({ policy: "opt", frames: 3, refs: [0, 3, 2, 3, 2, 4, 1, 3, 1, 4, 2, 4] });
  });
  it("translation, seed 3, shape 4/4/8", () => {
    const q = makeQuiz("translation", 3, { shape: "4/4/8" });
    expect(q.data.ptbr).toBe(0x14);
    expect(q.data.tables).toEqual([
      {
        frame: 0x14,
        entries: [
          { index: 0, pte: 0x3b07 },
          { index: 12, pte: 0x2607 },
        ],
      },
      {
        frame: 0x26,
        entries: [
          { index: 1, pte: 0x2444 },
          { index: 3, pte: 0x3405 },
          { index: 4, pte: 0x3925 },
        ],
      },
      {
        frame: 0x3b,
        entries: [
          { index: 2, pte: 0x0905 },
          { index: 3, pte: 0x0f05 },
        ],
      },
    ]);
    expect(q.items.map((i) => i.ask)).toEqual([
      "0xc387 (read)",
      "0x02c1 (write)",
      "0xc421 (write)",
      "0xc126 (read)",
      "0xb837 (write)",
    ]);
  });
  it("eat, seed 1; belady, seed 1; minframes, seed 5 on sv39", () => {
    expect(makeQuiz("eat", 1).data).toEqual({ memoryNs: 250, faultNs: 20_000_000, faultRate: 1 / 5000 });
    expect(makeQuiz("belady", 1).data.refs).toEqual([5, 6, 6, 7, 9, 7, 5, 6, 3, 5, 9, 6, 7, 9, 3]);
    expect(makeQuiz("minframes", 5, { shape: "sv39" }).data.moveBytes).toBe(
      makeQuiz("minframes", 5, { shape: "sv39" }).data.moveBytes,
    );
  });
  it("every kind: two calls with one seed agree, other seeds differ", () => {
    for (const kind of QUIZ_KINDS) {
      expect(JSON.stringify(makeQuiz(kind, 11))).toBe(JSON.stringify(makeQuiz(kind, 11)));
      const distinct = new Set(SEEDS.slice(0, 10).map((s) => JSON.stringify(makeQuiz(kind, s).data)));
      expect(distinct.size, kind).toBeGreaterThan(3);
    }
  });
});

/** The expected value of a quiz's `i`-th item, checked against what a student would type. */
function accepts(q: Quiz, i: number, typed: string): boolean {
  return checkAnswer(q.items[i]!.expected, typed);
}

describe("answers agree with computations written here", () => {
  const naive: Record<string, Parameters<typeof runNaive>[0]> = {
    fifo: () => naiveFifo(),
    lru: () => naiveLru(),
    clock: (b) => naiveClock(b),
    "second-chance": (b) => naiveSecondChance(b),
  };

  it("replacement: hits, misses and victims as the naive policies give them; the total as replay's", () => {
    let checked = 0;
    for (const seed of SEEDS) {
      const q = makeQuiz("replacement", seed);
      const { policy, frames, refs } = q.data as { policy: string; frames: number; refs: number[] };
      const items = q.items.slice(0, refs.length);
      const victims = items.filter((i) => i.expected.type === "ref" && i.expected.victim !== undefined);
      expect(q.items.at(-1)!.expected).toEqual({ type: "number", value: faultsOf(refs, policy, frames) });
      const misses = items.filter((i) => (i.expected as { hit: boolean }).hit === false).length;
      expect(misses).toBe(faultsOf(refs, policy, frames));
      const model = naive[policy];
      if (model === undefined) continue;
      const evicted = runNaive(
        model,
        refs,
        refs.map(() => false),
        frames,
      );
      expect(victims.map((i) => (i.expected as { victim: number }).victim)).toEqual(evicted);
      checked++;
    }
    expect(checked).toBeGreaterThan(10);
  });

  it("replacement from a generator: its first references, the answers as for any string", () => {
    const spec = "zipf:pages=8,alpha=0.8,n=100,seed=3";
    const q = makeQuiz("replacement", 5, { gen: spec, length: 15, policy: "fifo", frames: 3 });
    const refs = q.data.refs as number[];
    expect(refs).toEqual(Array.from(generateAll(spec).pages.subarray(0, 15)));
    const victims = q.items.flatMap((i) =>
      i.expected.type === "ref" && i.expected.victim !== undefined ? [i.expected.victim] : [],
    );
    expect(victims).toEqual(
      runNaive(
        () => naiveFifo(),
        refs,
        refs.map(() => false),
        3,
      ),
    );
    expect(() => makeQuiz("replacement", 5, { gen: "zipf:pages=8,n=200000" })).toThrow(/at most 100000/);
  });

  it("translation: each answer is the walk of the dumped tables from the PTBR", () => {
    for (const shape of ["4/4/8", "3/3/3/8", "6/6/8", "sv32", "sv39", "2/2/12", "2/6/8"]) {
      for (const seed of SEEDS.slice(0, 15)) {
        const q = makeQuiz("translation", seed, { shape });
        const d = q.data as {
          levelBits: number[];
          pageSize: number;
          ptbr: number;
          tables: { frame: number; entries: { index: number; pte: number }[] }[];
          addresses: { va: number; access: "read" | "write" | "fetch" }[];
        };
        const entry = (frame: number, index: number) =>
          d.tables.find((t) => t.frame === frame)?.entries.find((e) => e.index === index)?.pte ?? 0;
        const offsetBits = Math.log2(d.pageSize);
        const kinds = new Set<string>();
        d.addresses.forEach(({ va, access }, k) => {
          let table = d.ptbr;
          let shift = offsetBits + d.levelBits.reduce((a, b) => a + b, 0);
          let pte = 0;
          let result: Expected | null = null;
          for (const bits of d.levelBits) {
            shift -= bits;
            pte = entry(table, Math.floor(va / 2 ** shift) % 2 ** bits);
            if ((pte & 1) === 0) {
              result = { type: "access", result: "fault" };
              break;
            }
            table = pte >>> 8;
          }
          if (result === null) {
            const denied =
              (access === "write" && (pte & 2) === 0) || (access === "fetch" && (pte & 32) === 0);
            result = denied
              ? { type: "access", result: "protection" }
              : { type: "access", result: "ok", pa: table * d.pageSize + (va % d.pageSize) };
          }
          expect(q.items[k]!.expected, `${shape} seed ${seed} ${va.toString(16)}`).toEqual(result);
          kinds.add((result as { result: string }).result);
        });
        // Every problem has a translation, a fault and a protection error.
        expect([...kinds].sort(), `${shape} seed ${seed}`).toEqual(["fault", "ok", "protection"]);
      }
    }
  });

  it("eat: the formula on the stated numbers", () => {
    for (const seed of SEEDS) {
      const q = makeQuiz("eat", seed);
      const { memoryNs, faultNs, faultRate } = q.data as {
        memoryNs: number;
        faultNs: number;
        faultRate: number;
      };
      const eat = (1 - faultRate) * memoryNs + faultRate * faultNs;
      expect((q.items[0]!.expected as { value: number }).value).toBeCloseTo(eat, 6);
      expect(accepts(q, 0, eat.toFixed(1))).toBe(true);
      expect(accepts(q, 0, String(eat * 1.02))).toBe(false);
      expect(accepts(q, 1, (eat / memoryNs).toFixed(2))).toBe(true);
    }
  });

  it("belady: FIFO's faults by replay, yes exactly when 4 frames fault more; both answers occur", () => {
    const answers = new Set<string>();
    for (const seed of SEEDS) {
      const q = makeQuiz("belady", seed);
      const refs = q.data.refs as number[];
      const few = faultsOf(refs, "fifo", 3);
      const more = faultsOf(refs, "fifo", 4);
      expect(q.items.map((i) => i.answer)).toEqual([String(few), String(more), more > few ? "yes" : "no"]);
      answers.add(q.items[2]!.answer);
    }
    expect([...answers].sort()).toEqual(["no", "yes"]);
  });

  it("minframes: minimumFrames on the stated shape and length", () => {
    for (const seed of SEEDS) {
      const q = makeQuiz("minframes", seed);
      const { shape, moveBytes } = q.data as { shape: string; moveBytes: number };
      const m = minimumFrames(makeLayout(parseShape(shape)), moveBytes);
      expect(q.items.map((i) => i.answer)).toEqual([String(m.pages), String(m.tables), String(m.frames)]);
    }
  });
});

describe("checking typed answers", () => {
  it("references: h / hit, m / miss, a victim as m 3 or miss, evict 3", () => {
    const hit: Expected = { type: "ref", hit: true };
    const cold: Expected = { type: "ref", hit: false };
    const evict: Expected = { type: "ref", hit: false, victim: 3, alternatives: [5] };
    expect(["h", "hit", " HIT "].every((t) => checkAnswer(hit, t))).toBe(true);
    expect(["m", "miss", "hit 3"].some((t) => checkAnswer(hit, t))).toBe(false);
    expect(["m", "miss", "m -"].every((t) => checkAnswer(cold, t))).toBe(true);
    expect(checkAnswer(cold, "m 3")).toBe(false);
    expect(["m 3", "miss, evict 3", "miss 3", "m 5"].every((t) => checkAnswer(evict, t))).toBe(true);
    expect(["m", "m 4", "h", "m 3 5"].some((t) => checkAnswer(evict, t))).toBe(false);
  });
  it("addresses in hex or decimal; fault and protection by name; numbers within the tolerance", () => {
    const ok: Expected = { type: "access", result: "ok", pa: 0x1f3 };
    expect(["0x1f3", "0X1F3", "499"].every((t) => checkAnswer(ok, t))).toBe(true);
    expect(["0x1f4", "fault", ""].some((t) => checkAnswer(ok, t))).toBe(false);
    expect(checkAnswer({ type: "access", result: "fault" }, "page fault")).toBe(true);
    expect(checkAnswer({ type: "access", result: "fault" }, "protection")).toBe(false);
    expect(checkAnswer({ type: "access", result: "protection" }, "prot")).toBe(true);
    expect(checkAnswer({ type: "number", value: 1000, tolerance: 0.01 }, "1,009")).toBe(true);
    expect(checkAnswer({ type: "number", value: 1000, tolerance: 0.01 }, "1011")).toBe(false);
    expect(checkAnswer({ type: "word", words: ["yes", "y"] }, "Y")).toBe(true);
  });
});

describe("bad options", () => {
  it("are refused with the option named", () => {
    expect(() => makeQuiz("nope", 1)).toThrow(/quiz kind/);
    expect(() => makeQuiz("eat", -1)).toThrow(/seed/);
    expect(() => makeQuiz("eat", 2 ** 32)).toThrow(/seed/);
    expect(() => makeQuiz("replacement", 1, { policy: "bogus" })).toThrow(/bogus/);
    expect(() => makeQuiz("replacement", 1, { length: 41 })).toThrow(/length/);
    expect(() => makeQuiz("translation", 1, { shape: "1/1/14" })).toThrow(/shape/);
    expect(() => makeQuiz("minframes", 1, { shape: "nonsense" })).toThrow(/shape/);
  });
});
