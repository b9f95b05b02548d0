import { describe, expect, it } from "vitest";
import { MAX_ASID, pageKey } from "../core/addr.js";
import { PageIds } from "./page-ids.js";

describe("PageIds", () => {
  it("numbers pages in order of first appearance, across table growth", () => {
    const d = new PageIds();
    expect([2 ** 40, 7, 2 ** 40, 3].map((p) => d.idOf(p, 0))).toEqual([0, 1, 0, 2]);
    const ids = Array.from({ length: 5000 }, (_, i) => d.idOf(i * 4096, 0));
    expect(ids[0]).toBe(3);
    expect(ids[4999]).toBe(5002);
    expect(d.size).toBe(5003);
    // Every id maps back to its key, and asking again gives the same id.
    for (let i = 0; i < 5000; i += 97) {
      expect(d.keyOf(ids[i]!)).toBe(i * 4096);
      expect(d.idOf(i * 4096, 0)).toBe(ids[i]);
    }
  });

  it("keeps the same page of different processes apart", () => {
    const d = new PageIds();
    const a = d.idOf(5, 0);
    const b = d.idOf(5, 3);
    expect(b).not.toBe(a);
    expect(d.keyOf(b)).toBe(pageKey(3 & MAX_ASID, 5));
    expect(d.idOf(5, 3)).toBe(b);
  });

  it("finds a pair's id without adding one", () => {
    const d = new PageIds();
    expect(d.find(5, 3)).toBe(-1);
    expect(d.size).toBe(0);
    for (let i = 0; i < 3000; i++) d.idOf(i * 3, i % 2);
    expect(d.find(9, 1)).toBe(3);
    expect(d.find(9, 0)).toBe(-1);
    expect(d.find(8997, 1)).toBe(2999);
    expect(d.find(9000, 0)).toBe(-1);
    expect(d.size).toBe(3000);
  });
});
