// Textbook fault counts, asserted exactly.

import { describe, expect, it } from "vitest";
import { faultsOf } from "../helpers/small-trace.js";

const BELADY = [1, 2, 3, 4, 1, 2, 5, 1, 2, 3, 4, 5];
// Silberschatz, Galvin and Gagne, Operating System Concepts, 9.4: the 20-reference string.
const SILBERSCHATZ = [7, 0, 1, 2, 0, 3, 0, 4, 2, 3, 0, 3, 2, 1, 2, 0, 1, 7, 0, 1];

describe("textbook strings", () => {
  it("FIFO shows Belady's anomaly: 9 faults with 3 frames, 10 with 4", () => {
    expect(faultsOf(BELADY, "fifo", 3)).toBe(9);
    expect(faultsOf(BELADY, "fifo", 4)).toBe(10);
  });

  it("LRU and OPT on the same string do not show it", () => {
    expect(faultsOf(BELADY, "lru", 3)).toBe(10);
    expect(faultsOf(BELADY, "lru", 4)).toBe(8);
    expect(faultsOf(BELADY, "opt", 3)).toBe(7);
    expect(faultsOf(BELADY, "opt", 4)).toBe(6);
  });

  it("Silberschatz's string with 3 frames: FIFO 15, LRU 12, OPT 9", () => {
    expect(faultsOf(SILBERSCHATZ, "fifo", 3)).toBe(15);
    expect(faultsOf(SILBERSCHATZ, "lru", 3)).toBe(12);
    expect(faultsOf(SILBERSCHATZ, "opt", 3)).toBe(9);
  });

  it("every page faults once when the frames hold them all", () => {
    expect(faultsOf(SILBERSCHATZ, "fifo", 6)).toBe(6);
    expect(faultsOf(SILBERSCHATZ, "clock", 6)).toBe(6);
  });
});
