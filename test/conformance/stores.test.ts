// Every writable backing store must round-trip bytes, respect its capacity, and keep its last
// slot for the fault path; the image store is read-only.

import fs from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { FileSwapStore } from "../../node/file-swap-store.js";
import { InternalError } from "../../src/core/errors.js";
import { ImageStore } from "../../src/stores/image-store.js";
import { MemoryStore } from "../../src/stores/memory-store.js";
import { type BackingStore, NO_SLOT } from "../../src/stores/store.js";

const PS = 512;
const open: BackingStore[] = [];
const stores: Array<[string, (capacity: number) => BackingStore]> = [
  ["memory", (c) => new MemoryStore(PS, c)],
  ["file-swap", (c) => new FileSwapStore(PS, { capacity: c })],
];

afterEach(() => {
  for (const s of open.splice(0)) s.close?.();
});

function page(seed: number): Uint8Array {
  const b = new Uint8Array(PS);
  for (let i = 0; i < PS; i++) b[i] = (seed * 31 + i * 7) & 0xff;
  return b;
}

describe.each(stores)("%s store", (_id, make) => {
  const mk = (c: number) => {
    const s = make(c);
    open.push(s);
    return s;
  };

  it("round-trips pages at offsets in a larger buffer", () => {
    const s = mk(8);
    const slots = [0, 1, 2, 3].map(() => s.allocSlot(false));
    const big = new Uint8Array(PS * 3);
    slots.forEach((slot, i) => {
      big.set(page(i), PS);
      s.writePage(slot, big, PS);
    });
    slots.forEach((slot, i) => {
      const out = new Uint8Array(PS * 2);
      s.readPage(slot, out, PS);
      expect(out.subarray(PS)).toEqual(page(i));
    });
    expect(s.slotsInUse).toBe(4);
  });

  it("respects its capacity and keeps the last slot for a fault", () => {
    const s = mk(3);
    expect(s.allocSlot(false)).not.toBe(NO_SLOT);
    expect(s.allocSlot(false)).not.toBe(NO_SLOT);
    expect(s.allocSlot(false)).toBe(NO_SLOT);
    const last = s.allocSlot(true);
    expect(last).not.toBe(NO_SLOT);
    expect(s.allocSlot(true)).toBe(NO_SLOT);
    s.freeSlot(last);
    expect(s.slotsInUse).toBe(2);
    expect(s.allocSlot(true)).toBe(last);
  });

  it("refuses to free a slot twice", () => {
    const s = mk(4);
    const slot = s.allocSlot(false);
    s.freeSlot(slot);
    expect(() => s.freeSlot(slot)).toThrow(InternalError);
  });
});

describe("file swap store", () => {
  it("is a real file of page-sized slots, deleted on close", () => {
    const s = new FileSwapStore(PS, { capacity: 4 });
    const slot = s.allocSlot(true);
    s.writePage(slot, page(9), 0);
    expect(fs.statSync(s.path).size).toBe((slot + 1) * PS);
    const path = s.path;
    s.close();
    expect(fs.existsSync(path)).toBe(false);
  });
});

describe("image store", () => {
  it("serves code then data pages and refuses writes", () => {
    const code = new Uint8Array(PS + 10).fill(0xc0);
    const data = new Uint8Array(20).fill(0xda);
    const s = new ImageStore({ name: "prog", code, data, bssBytes: 100 }, PS);
    expect([s.codePages, s.dataPages, s.capacity]).toEqual([2, 1, 3]);
    const out = new Uint8Array(PS);
    s.readPage(1, out, 0);
    expect(out[9]).toBe(0xc0);
    expect(out[10]).toBe(0);
    s.readPage(2, out, 0);
    expect(out[19]).toBe(0xda);
    expect(s.allocSlot()).toBe(NO_SLOT);
    expect(() => s.writePage(0)).toThrow(InternalError);
  });
});
