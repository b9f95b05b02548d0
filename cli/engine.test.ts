import { describe, expect, it } from "vitest";
import { prepare, simulate, simulateTimeline } from "./engine.js";
import { bufferIo } from "./io.js";
import { loadGenerated } from "./workload.js";

describe("engine adapter", () => {
  it("timelines end at the replay's fault count, and resident sets fill the frames", async () => {
    const w = await loadGenerated(
      "zipf:pages=60,n=4000,seed=3 + loop:pages=25,n=4000,seed=4",
      {},
      bufferIo(),
    );
    const p = prepare(w, false);
    for (const spec of ["fifo", "lru", "opt", "clock"]) {
      const at = [1000, 4000, 8000];
      const t = simulateTimeline(p, spec, 16, at);
      expect(t.faults.at(-1)).toBe(simulate(p, spec, 16).faults);
      expect([...t.resident.keys()].sort()).toEqual([1, 2]);
      const last = [...t.resident.values()].reduce((s, r) => s + r.at(-1)!, 0);
      expect(last).toBe(16);
    }
  });

  it("keys pages by process: the same page number in two processes is two pages", async () => {
    const w = await loadGenerated("refs:1,2,3 + refs:1,2,3", {}, bufferIo());
    expect(prepare(w, false).pageSpace).toBe(6);
  });
});
