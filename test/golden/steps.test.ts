// Step mode on the textbook strings, for every policy: a stepped run faults as replay does, the
// lists show exactly the resident pages, and each policy's order is the one it documents (checked
// against a model written here, or against the victim the next fault picks).

import { describe, expect, it } from "vitest";
import { bufferIo } from "../../cli/io.js";
import { main } from "../../cli/main.js";
import {
  fullSteps,
  policyIds,
  REF_LOAD,
  REF_STORE,
  type StepList,
  type StepRecord,
  stepAll,
} from "../../src/index.js";
import { faultsOf } from "../helpers/small-trace.js";

const BELADY = [1, 2, 3, 4, 1, 2, 5, 1, 2, 3, 4, 5];
// Silberschatz, Galvin and Gagne, Operating System Concepts, 9.4: the 20-reference string.
const SILBERSCHATZ = [7, 0, 1, 2, 0, 3, 0, 4, 2, 3, 0, 3, 2, 1, 2, 0, 1, 7, 0, 1];
const STRINGS = { belady: BELADY, silberschatz: SILBERSCHATZ };

function run(refs: readonly number[], policy: string, frames: number): StepRecord[] {
  return stepAll({ count: refs.length, pages: refs }, { policy, frames });
}

const pagesOf = (l: StepList) => l.entries.map((e) => e.page);
const resident = (rec: StepRecord) =>
  rec.lists.flatMap((l) => l.entries.filter((e) => e.frame >= 0).map((e) => e.page));

/** What each reference leaves resident, by a plain model of the memory (no policy). */
function residentSets(recs: readonly StepRecord[]): Set<number>[] {
  const mem = new Set<number>();
  return recs.map((r) => {
    if (r.victim) mem.delete(r.victim.page);
    mem.add(r.page);
    return new Set(mem);
  });
}

describe("step mode on the textbook strings, every policy", () => {
  for (const policy of policyIds()) {
    for (const [name, refs] of Object.entries(STRINGS)) {
      for (const frames of [3, 4]) {
        it(`${policy}, ${name}, ${frames} frames: replay's faults, the resident pages exactly`, () => {
          const recs = run(refs, policy, frames);
          expect(recs).toHaveLength(refs.length);
          expect(recs.at(-1)!.misses).toBe(faultsOf(refs, policy, frames));
          const sets = residentSets(recs);
          recs.forEach((r, i) => {
            expect(r.step).toBe(i + 1);
            expect(r.page).toBe(refs[i]);
            expect(r.hits + r.misses).toBe(i + 1);
            // A page is on a list at most once (LIRS shows a resident HIR page on S and on Q).
            for (const l of r.lists) expect(new Set(pagesOf(l)).size).toBe(l.entries.length);
            expect(new Set(resident(r))).toEqual(sets[i]);
            if (r.hit) expect(r.victim).toBeUndefined();
            else expect(r.cause).toBe(refs.indexOf(refs[i]!) === i ? "compulsory" : "capacity");
            if (r.victim) expect(sets[i - 1]!.size).toBe(frames);
          });
        });
      }
    }
  }
});

describe("each policy's lists are in its documented order", () => {
  it("FIFO: the queue in load order; LRU: the stack by last use (models here)", () => {
    for (const refs of Object.values(STRINGS)) {
      const fifo = run(refs, "fifo", 3);
      const lru = run(refs, "lru", 3);
      let queue: number[] = [];
      let stack: number[] = [];
      refs.forEach((p, i) => {
        if (!queue.includes(p)) {
          if (queue.length === 3) queue = queue.slice(1);
          queue.push(p);
        }
        if (!stack.includes(p) && stack.length === 3) stack = stack.slice(1);
        stack = [...stack.filter((x) => x !== p), p];
        expect(pagesOf(fifo[i]!.lists[0]!)).toEqual(queue);
        expect(pagesOf(lru[i]!.lists[0]!)).toEqual(stack);
      });
    }
  });

  it("OPT: furthest next use first, each with its next use's position", () => {
    const recs = run(SILBERSCHATZ, "opt", 3);
    recs.forEach((r, i) => {
      const next = (p: number) => {
        const k = SILBERSCHATZ.indexOf(p, i + 1);
        return k < 0 ? Number.POSITIVE_INFINITY : k;
      };
      const shown = r.lists[0]!.entries;
      for (let k = 1; k < shown.length; k++)
        expect(next(shown[k - 1]!.page)).toBeGreaterThanOrEqual(next(shown[k]!.page));
      for (const e of shown)
        expect(e.note).toBe(next(e.page) === Number.POSITIVE_INFINITY ? "never" : `next=${next(e.page) + 1}`);
    });
  });

  // Policies whose first list starts with the next victim: the next fault on a full memory takes it.
  // OPT breaks ties between equally distant pages either way: there the victim's next use is the first's.
  const victimFirst = ["fifo", "lru", "opt", "aging", "nfu", "lfu"];
  for (const policy of victimFirst) {
    it(`${policy}: the first entry is the next fault's victim`, () => {
      for (const refs of Object.values(STRINGS)) {
        const recs = run(refs, policy, 3);
        let checked = 0;
        for (let i = 1; i < recs.length; i++) {
          if (recs[i]!.victim === undefined) continue;
          const first = recs[i - 1]!.lists[0]!.entries[0]!;
          if (policy === "opt") {
            const v = recs[i - 1]!.lists[0]!.entries.find((e) => e.page === recs[i]!.victim!.page);
            expect(v?.note).toBe(first.note);
          } else expect(recs[i]!.victim!.page).toBe(first.page);
          checked++;
        }
        expect(checked).toBeGreaterThan(0);
      }
    });
  }

  // Clocks: from the hand (or the queue's head), the victim is the first page whose R bit is clear,
  // or the first page again once a full turn has cleared them all.
  const sweeps: Record<string, (prev: StepRecord) => readonly StepList[]> = {
    clock: (r) => r.lists,
    "second-chance": (r) => r.lists,
    sieve: (r) => r.lists,
  };
  for (const [policy, listsOf] of Object.entries(sweeps)) {
    it(`${policy}: the victim is the first R=0 page from the hand`, () => {
      for (const refs of Object.values(STRINGS)) {
        const recs = run(refs, policy, 3);
        let checked = 0;
        for (let i = 1; i < recs.length; i++) {
          const v = recs[i]!.victim;
          if (v === undefined) continue;
          const l = listsOf(recs[i - 1]!)[0]!;
          const start = l.hands?.hand ?? 0;
          const order = [...l.entries.slice(start), ...l.entries.slice(0, start)];
          const clear = order.find((e) => e.note === "R=0");
          expect(v.page).toBe((clear ?? order[0]!).page);
          checked++;
        }
        expect(checked).toBeGreaterThan(0);
      }
    });
  }

  it("NRU: the victim is the first page, in load order, of the lowest RD class", () => {
    for (const refs of Object.values(STRINGS)) {
      const kinds = refs.map((_p, i) => (i % 4 === 0 ? REF_STORE : REF_LOAD));
      const recs = stepAll({ count: refs.length, pages: refs, kinds }, { policy: "nru", frames: 3 });
      let checked = 0;
      for (let i = 1; i < recs.length; i++) {
        const v = recs[i]!.victim;
        if (v === undefined) continue;
        const entries = recs[i - 1]!.lists[0]!.entries;
        const lowest = Math.min(...entries.map((e) => Number.parseInt(e.note!.slice(3), 2)));
        expect(v.page).toBe(entries.find((e) => Number.parseInt(e.note!.slice(3), 2) === lowest)!.page);
        checked++;
      }
      expect(checked).toBeGreaterThan(0);
    }
  });

  it("ARC and 2Q: the victim is the head of one of the resident lists; LIRS: Q's head", () => {
    for (const refs of Object.values(STRINGS)) {
      for (const [policy, names] of [
        ["arc", ["T1", "T2"]],
        ["2q", ["A1in", "Am"]],
        ["lirs", ["Q"]],
        ["car", ["T1", "T2"]],
        ["lru-2list", ["inactive"]],
      ] as const) {
        const recs = run(refs, policy, 4);
        for (let i = 1; i < recs.length; i++) {
          const v = recs[i]!.victim;
          if (v === undefined || policy === "car" || policy === "lru-2list") continue;
          const heads = recs[i - 1]!.lists.filter((l) => (names as readonly string[]).includes(l.name)).map(
            (l) => l.entries[0]?.page,
          );
          expect(heads).toContain(v.page);
        }
        // Every list the policy documents is there, ghosts flagged.
        const listNames = recs.at(-1)!.lists.map((l) => l.name);
        for (const n of names) expect(listNames).toContain(n);
      }
    }
  });

  it("ARC: after the Belady string with 3 frames, the four lists as the paper's rules give them", () => {
    const last = run(BELADY, "arc", 3).at(-1)!;
    const byName = Object.fromEntries(last.lists.map((l) => [l.name, pagesOf(l)]));
    // 1 and 2 were hit once each (T2); 5 came back from B1 and went to T2; 3 was evicted from T1 (B1),
    // 1 from T2 (B2); 4 is the only page seen once recently (T1).
    expect(byName).toEqual({ T1: [4], T2: [2, 5], B1: [3], B2: [1] });
    expect(last.values).toEqual({ p: 1 });
  });
});

describe("step records carry the access, the write-back and the process", () => {
  it("a dirty victim is written back; pages of two processes are different pages", () => {
    const pages = [1, 1, 2, 3, 4];
    const kinds = [REF_STORE, REF_LOAD, REF_LOAD, REF_LOAD, REF_LOAD];
    const pids = [1, 2, 1, 1, 1];
    const recs = stepAll({ count: 5, pages, kinds, pids }, { policy: "fifo", frames: 3 });
    expect(recs.map((r) => r.access)).toEqual(["W", "R", "R", "R", "R"]);
    expect(recs[1]!.hit).toBe(false);
    expect(recs[3]!.victim).toEqual({ pid: 1, page: 1, frame: 0, writtenBack: true });
    expect(recs[4]!.victim).toEqual({ pid: 2, page: 1, frame: 1, writtenBack: false });
    expect(recs[4]!.lists[0]!.entries.map((e) => [e.pid, e.page])).toEqual([
      [1, 2],
      [1, 3],
      [1, 4],
    ]);
  });
});

describe("pagewise run --steps", () => {
  it("prints the textbook FIFO table: one line per reference with the queue oldest first", async () => {
    const io = bufferIo();
    expect(
      await main(["run", "--refs", BELADY.join(","), "--policy", "fifo", "--frames", "3", "--steps"], io),
    ).toBe(0);
    const lines = io.stdout.text.trimEnd().split("\n");
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(80);
    const rows = lines.filter((l) => /^\s{1,3}\d+\s/.test(l));
    expect(rows).toHaveLength(12);
    // Operating-systems textbooks' FIFO table for this string with 3 frames.
    const queues = [
      "1",
      "1 2",
      "1 2 3",
      "2 3 4",
      "3 4 1",
      "4 1 2",
      "1 2 5",
      "1 2 5",
      "1 2 5",
      "2 5 3",
      "5 3 4",
      "5 3 4",
    ];
    const victims = ["-", "-", "-", "1", "2", "3", "4", "-", "-", "1", "2", "-"];
    const hits = [7, 8, 11];
    rows.forEach((row, i) => {
      const m =
        /^\s*(\d+)\s+(\d+) R\s+(hit|miss compulsory|miss capacity)\s+(\S+)\s+(\d+)\/(\d+)\s+(.*)$/.exec(row);
      expect(m, row).not.toBeNull();
      const [, step, page, result, victim, , , queue] = m!;
      expect([Number(step), Number(page)]).toEqual([i + 1, BELADY[i]]);
      expect(result!.startsWith(hits.includes(i) ? "hit" : "miss")).toBe(true);
      expect(victim).toBe(victims[i]);
      expect(queue).toBe(queues[i]);
    });
    expect(io.stdout.text).toContain("3 hits, 9 misses in 12 references");
  });

  it("--json gives the same records as JSON Lines", async () => {
    const io = bufferIo();
    expect(
      await main(
        ["run", "--refs", SILBERSCHATZ.join(","), "--policy", "clock", "--frames", "3", "--steps", "--json"],
        io,
      ),
    ).toBe(0);
    const lines = io.stdout.text.trimEnd().split("\n");
    expect(lines).toHaveLength(20);
    expect(lines.map((l) => JSON.parse(l))).toEqual(
      JSON.parse(JSON.stringify(run(SILBERSCHATZ, "clock", 3))),
    );
  });

  it("refuses what step mode cannot do, naming the option", async () => {
    for (const [args, msg] of [
      [["--report", "x.html"], "does not write a report"],
      [["--csv"], "not --csv"],
    ] as const) {
      const io = bufferIo();
      expect(await main(["run", "--refs", "1,2,3", "--frames", "2", "--steps", ...args], io)).toBe(2);
      expect(io.stderr.text).toContain(msg);
    }
  });
});

describe("pagewise belady --steps", () => {
  it("steps the string with both frame counts of the anomaly; each run's misses are the profile's", async () => {
    const io = bufferIo();
    expect(await main(["belady", "--refs", BELADY.join(","), "--steps"], io)).toBe(0);
    expect(io.stdout.text).toContain("3 frames → 9 faults, 4 frames → 10 faults");
    expect(io.stdout.text).toContain("3 hits, 9 misses in 12 references");
    expect(io.stdout.text).toContain("2 hits, 10 misses in 12 references");
    const json = bufferIo();
    expect(await main(["belady", "--refs", BELADY.join(","), "--steps", "--json"], json)).toBe(0);
    const recs = json.stdout.text
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(recs).toHaveLength(24);
    expect(recs.filter((r) => r.frames === 4).at(-1).misses).toBe(faultsOf(BELADY, "fifo", 4));
  });

  it("says so when there is no anomaly to step", async () => {
    const io = bufferIo();
    expect(await main(["belady", "--refs", BELADY.join(","), "--policy", "lru", "--steps"], io)).toBe(0);
    expect(io.stdout.text).toContain("nothing to step");
  });
});

describe("full-mode steps: the Machine's records agree with replay's", () => {
  // Timer policies read simulated time, which in full mode also counts TLB-miss walks.
  const timers = new Set(["nru", "aging", "nfu", "wsclock"]);
  for (const policy of policyIds().filter((p) => !timers.has(p))) {
    it(`${policy}: the same hits, victims and lists on both textbook strings`, () => {
      for (const refs of Object.values(STRINGS)) {
        const kinds = refs.map((_p, i) => (i % 3 === 1 ? REF_STORE : REF_LOAD));
        const src = { count: refs.length, pages: refs, kinds };
        const replayed = stepAll(src, { policy, frames: 3 });
        const full = [...fullSteps(src, { policy, frames: 3, pageSize: 4096 })];
        const strip = (r: StepRecord) => ({
          hit: r.hit,
          victim: r.victim && { page: r.victim.page, writtenBack: r.victim.writtenBack },
          lists: r.lists.map((l) => [l.name, l.entries.map((e) => [e.page, e.note]), l.hands]),
          values: r.values,
        });
        expect(full.map(strip)).toEqual(replayed.map(strip));
        // The pager names its causes: a never-written page comes back zero-filled, a written one from swap.
        for (const r of full) if (!r.hit) expect(["zero-fill", "swap"]).toContain(r.cause);
        expect(full.at(-1)!.tlbHits + full.at(-1)!.tlbMisses).toBeGreaterThanOrEqual(refs.length);
      }
    });
  }

  it("run --steps --mode full prints the pager's causes and the TLB; refuses the other mechanisms", async () => {
    const io = bufferIo();
    const args = [
      "run",
      "--refs",
      "1,2,3,4w,1,2,5,1,2,3,4,5",
      "--policy",
      "fifo",
      "--frames",
      "3",
      "--steps",
    ];
    expect(await main([...args, "--mode", "full"], io)).toBe(0);
    expect(io.stdout.text).toContain("miss zero-fill");
    expect(io.stdout.text).toContain("miss swap");
    expect(io.stdout.text).toMatch(/9 misses in 12 references .*; TLB \d+ hits, \d+ misses/);
    const bad = bufferIo();
    expect(await main([...args, "--mode", "full", "--read-ahead", "4"], bad)).toBe(2);
    expect(bad.stderr.text).toContain("--steps does not take --read-ahead");
  });
});

describe("step lines fit 80 columns", () => {
  it("every policy, Silberschatz's string with 4 frames, human output", async () => {
    for (const policy of policyIds()) {
      const io = bufferIo();
      expect(
        await main(
          ["run", "--refs", SILBERSCHATZ.join(","), "--policy", policy, "--frames", "4", "--steps"],
          io,
        ),
      ).toBe(0);
      const lines = io.stdout.text.trimEnd().split("\n");
      for (const l of lines) expect(l.length, `${policy}: ${l}`).toBeLessThanOrEqual(80);
      expect(lines.filter((l) => /^\s{1,3}\d+\s/.test(l))).toHaveLength(SILBERSCHATZ.length);
    }
  });
});

describe("run --steps with several processes", () => {
  it("names pages pid:page and says so", async () => {
    const io = bufferIo();
    const gen = "seq:n=4,writes=1 + loop:pages=3,n=6,writes=0";
    expect(await main(["run", "--gen", gen, "--frames", "3", "--policy", "lru", "--steps"], io)).toBe(0);
    expect(io.stdout.text).toContain("pages as pid:page");
    // Process 1 writes pages 0-3; process 2's first page evicts process 1's page 1, dirty.
    expect(io.stdout.text).toMatch(/^\s+5 {2}2:0 R\s+miss compulsory 1:1 wb/m);
  });
});
