// The project's RV32 test programs (examples/rv32) on pagewise: stdout, stderr and exit status
// must equal what qemu-riscv32 recorded (expected/*), byte for byte, with ample memory and at
// budgets down to the computed minimum that force thousands of evictions and write-backs, under
// several policies, with the swap in memory and in a file.

import { describe, expect, it } from "vitest";
import { FileSwapStore } from "../../node/file-swap-store.js";
import { makeLayout, parseShape } from "../../src/core/addr.js";
import { rv32MinimumFrames } from "../../src/cpu/rv32/min-frames.js";
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

  // Budgets at the minimum (3 page frames) and a little above, under policies with and without the
  // TLB-hit fast path (LRU wants every hit, so it runs without it).
  const tight: [string, number, string][] = [
    ["recurse", 3, "clock"],
    ["recurse", 3, "fifo"],
    ["recurse", 4, "lru"],
    ["sort", 4, "clock"],
    ["heap", 6, "second-chance"],
    ["bigbss", 3, "random"],
    ["matmul", 3, "fifo"],
    ["atomics", 3, "clock"],
    ["hello", 3, "lru"],
    ["segv", 3, "fifo"],
    ["readfile", 3, "clock"],
    ["pastbrk", 3, "lru"],
  ];
  for (const [name, frames, policy] of tight) {
    it(`${name} at ${frames} frames under ${policy}`, () => {
      const stats = check(name, frames, policy);
      expect(stats.faults.total).toBeGreaterThan(0);
    });
  }

  it("sort at 4 frames thrashes: thousands of evictions and write-backs, same output", () => {
    const stats = check("sort", 4, "fifo");
    expect(stats.evictions.dirty).toBeGreaterThan(1000);
    expect(stats.writebacks).toBeGreaterThan(1000);
    expect(stats.faults.fromSwap).toBeGreaterThan(1000);
  });

  it("with the swap in a file", () => {
    const stats = check("recurse", 4, "clock", true);
    expect(stats.writebacks).toBeGreaterThan(100);
  });
});
