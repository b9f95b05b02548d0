import { describe, expect, it } from "vitest";
import { annotateNextUse } from "./oracle.js";

describe("annotateNextUse", () => {
  it("gives each reference the index of the next one to the same page", () => {
    const pages = Int32Array.from([0, 1, 0, 2, 1, 0]);
    expect(Array.from(annotateNextUse(pages, 6, 3))).toEqual([2, 4, 5, Infinity, Infinity, Infinity]);
  });

  it("looks only at the first `count` references", () => {
    const pages = Int32Array.from([0, 0, 0]);
    expect(Array.from(annotateNextUse(pages, 2, 1))).toEqual([1, Infinity]);
  });

  it("agrees with a forward scan on a longer string", () => {
    const pages = Int32Array.from({ length: 500 }, (_, i) => (i * i + 3 * i) % 17);
    const got = annotateNextUse(pages, pages.length, 17);
    for (let i = 0; i < pages.length; i++) {
      let j = i + 1;
      while (j < pages.length && pages[j] !== pages[i]) j++;
      expect(got[i]).toBe(j < pages.length ? j : Infinity);
    }
  });
});
