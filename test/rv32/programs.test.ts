// The project's RV32 test programs (examples/rv32) on pagewise: stdout, stderr and exit status
// must equal what qemu-riscv32 recorded (expected/*), byte for byte, with ample memory and at
// budgets down to the computed minimum that force thousands of evictions and write-backs, under
// several policies, with the swap in memory and in a file.

import { describe, expect, it } from "vitest";
import { FileSwapStore } from "../../node/file-swap-store.js";
import { makeLayout, parseShape } from "../../src/core/addr.js";
import { rv32MinimumFrames } from "../../src/cpu/rv32/min-frames.js";
import { Rv32Process, runTogether } from "../../src/cpu/rv32/program.js";
import { Machine } from "../../src/sim/machine.js";
import { EXAMPLE_FILES, EXAMPLE_NAMES, example, runElf } from "./helpers.js";

const TABLES = 8;

function check(name: string, frames: number, policy: string, swapFile = false) {
  const ex = example(name);
  const swap = swapFile ? new FileSwapStore(4096, { capacity: 4096 }) : undefined;
  const ran = runElf(
    ex.elf,
    { frames, shape: "sv32", policy, tableFrames: TABLES, ...(swap ? { swap } : {}) },
    ex.argv,
    undefined,
    EXAMPLE_FILES,
  );
  try {
    expect(ran.stdout).toBe(ex.stdout);
    expect(ran.stderr).toBe(ex.stderr);
    expect(ran.status).toBe(ex.status);
    return ran.machine.stats();
  } finally {
    ran.machine.close();
  }
}

describe("RV32 example programs match qemu-riscv32", () => {
  for (const name of EXAMPLE_NAMES) {
    it(`${name} with ample memory`, () => {
      const stats = check(name, 2048, "fifo");
      expect(stats.evictions.clean + stats.evictions.dirty).toBe(0);
    });
  }

  it("the minimum frame budget is computed from the ISA", () => {
    const min = rv32MinimumFrames(makeLayout(parseShape("sv32")));
    expect(min.pages).toBe(3);
    expect(min.tables).toBe(4);
  });

  // The sweep: every program at budgets from the computed minimum (3 page frames) up, each budget
  // under a different policy (with and without the TLB-hit fast path: LRU, LFU and ARC want every
  // hit), the swap in memory or in a file by turns. Small budgets thrash: the runs at 3 and 4 frames
  // evict and write back thousands of pages for the larger programs (asserted below for sort).
  const BUDGETS = [3, 4, 6, 12, 40];
  const POLICIES = [
    "fifo",
    "clock",
    "lru",
    "random",
    "second-chance",
    "aging",
    "lfu",
    "sieve",
    "arc",
    "clock-pro",
    "nru",
  ];
  EXAMPLE_NAMES.forEach((name, i) => {
    BUDGETS.forEach((frames, j) => {
      const policy = POLICIES[(i + j) % POLICIES.length]!;
      const file = (i + j) % 2 === 1;
      it(`${name} at ${frames} frames under ${policy}, swap in ${file ? "a file" : "memory"}`, () => {
        const stats = check(name, frames, policy, file);
        expect(stats.faults.total).toBeGreaterThan(0);
      });
    });
  });

  it("sort at 4 frames thrashes: thousands of evictions and write-backs, same output", () => {
    const stats = check("sort", 4, "fifo");
    expect(stats.evictions.dirty).toBeGreaterThan(1000);
    expect(stats.writebacks).toBeGreaterThan(1000);
    expect(stats.faults.fromSwap).toBeGreaterThan(1000);
  });

  it("mapfile: a second mapping of the same file pages maps the first one's frames (page cache: minor faults)", () => {
    const stats = check("mapfile", 2048, "fifo");
    const elfPages = Math.ceil(example("hello").elf.length / 4096);
    // Its own text (from the file, through the page cache) and the first map of the five pages read
    // from the file; the shared map of the same range finds them resident.
    expect(stats.faults.minor).toBe(elfPages);
    expect(stats.faults.fromObject).toBeGreaterThan(elfPages);
  });

  it("with the swap in a file, thrashing: hundreds of write-backs through the file", () => {
    const stats = check("recurse", 4, "clock", true);
    expect(stats.writebacks).toBeGreaterThan(100);
    expect(stats.faults.fromSwap).toBeGreaterThan(100);
  });
});

describe("two programs that share text, run at once", () => {
  it.each([
    ["global", "tagged"],
    ["local", "flush"],
  ] as const)(
    "matmul twice in 12 frames (%s, TLB %s): qemu's output each, the second's text from the first's frames",
    (scope, mode) => {
      const ex = example("matmul");
      const m = new Machine({
        frames: 12,
        shape: "sv32",
        policy: "clock",
        tableFrames: 16,
        scope,
        tlb: { mode },
      });
      try {
        const outs: Uint8Array[][] = [[], []];
        const procs = [0, 1].map(
          (k) =>
            new Rv32Process(m, ex.elf, `matmul-${k}`, {
              argv: ex.argv,
              stdout: (b) => outs[k]!.push(b),
              ...(scope === "local" ? { quota: 6 } : {}),
            }),
        );
        runTogether(procs, 5000);
        for (const [k, p] of procs.entries()) {
          expect(p.result().status).toBe(ex.status);
          expect(Buffer.concat(outs[k]!).toString("latin1")).toBe(ex.stdout);
        }
        const s = m.stats();
        const second = s.processes.find((p) => p.pid === procs[1]!.pid)!;
        // Text pages the first brought in are mapped, not read again: minor faults.
        expect(second.faults.minor).toBeGreaterThan(0);
        expect(s.switches).toBeGreaterThan(100);
        expect(s.evictions.clean + s.evictions.dirty).toBeGreaterThan(1000);
      } finally {
        m.close();
      }
    },
  );
});
