// Full mode's TLB counts come with their explanation in the output (issue 17 item 9).

import { describe, expect, it } from "vitest";
import { runCli } from "./test-helpers.js";
import { tlbCountsNote } from "./tlb-note.js";

describe("the TLB counts' explanation", () => {
  it("says that restarted accesses look the TLB up again", () => {
    expect(tlbCountsNote(12, 2, 20)).toBe(
      "TLB: 22 lookups for 12 references. An access that faults is restarted once its page is in,\n" +
        "and the restart looks the TLB up and walks the page table again: 2 hits + 20 misses =\n" +
        "12 references + 10 restarts.\n",
    );
    expect(tlbCountsNote(12, 12, 0)).toBe("");
  });

  it("is printed under run --mode full's table, with the run's own counts", async () => {
    const r = await runCli(["run", "--refs", "1,2,3,4,1,2,5,1,2,3,4,5", "--frames", "3", "--mode", "full"]);
    expect(r.code, r.stderr).toBe(0);
    const m = /TLB hits \/ misses\s*│\s*(\d+) \/ (\d+)/.exec(r.stdout);
    expect(m).not.toBeNull();
    const hits = Number(m![1]);
    const misses = Number(m![2]);
    expect(hits + misses).toBeGreaterThan(12);
    expect(r.stdout).toContain(`TLB: ${hits + misses} lookups for 12 references`);
    expect(r.stdout).toContain(`12 references + ${hits + misses - 12} restarts.`);
    // Replay mode has no TLB and no such line.
    const replay = await runCli(["run", "--refs", "1,2,3,4,1,2,5,1,2,3,4,5", "--frames", "3"]);
    expect(replay.stdout).not.toContain("lookups for");
  });
});
