import { describe, expect, it } from "vitest";
import { PwtEncoder } from "../workloads/binary-format.js";
import { makeCodedBlock, PwtDecoder } from "../workloads/pwt-decoder.js";
import { makeBatch } from "../workloads/refs.js";
import { decodeBytes } from "../workloads/trace-decoder.js";
import { TracePages } from "./trace-pages.js";

/** A pwt version-2 stream of the references (one dictionary block when they allow it). */
function encode(pages: number[], pids: number[]): Uint8Array {
  const enc = new PwtEncoder(4096, 2);
  const b = makeBatch(pages.length);
  b.pages.set(pages);
  b.pids.set(pids);
  b.kinds.fill(1);
  b.count = pages.length;
  enc.add(b);
  // A plain Uint8Array: a Buffer's slice() would share its bytes.
  return new Uint8Array(Buffer.concat([enc.header(), ...enc.take(), enc.finish()]));
}

/** TracePages from the stream's dictionary blocks still encoded (addCoded), and from its decoded references. */
function both(raw: Uint8Array): [TracePages, TracePages] {
  const coded = new TracePages();
  const dec = new PwtDecoder();
  dec.push(raw);
  const block = makeCodedBlock();
  const batch = makeBatch(64);
  for (;;) {
    if (dec.takeCodedBlock(1000, block) > 0) {
      expect(coded.addCoded(block, dec.stats)).toBe(-1);
      continue;
    }
    if (!dec.drainUntilCoded(batch)) break;
    coded.add(batch);
    batch.count = 0;
  }
  dec.end();
  const decoded = new TracePages();
  for (const b of decodeBytes(new PwtDecoder(), raw)) decoded.add(b);
  return [coded, decoded];
}

const view = (t: TracePages) => ({
  pagesOf: [...t.pagesOf],
  maxPage: t.maxPage,
  references: t.references,
  distinct: t.distinctPages,
});

describe("TracePages.addCoded", () => {
  it("finds each pid's pages in order of first use, as add() does from the decoded references", () => {
    const pages = [9, 4, 9, 7, 4, 30, 2, 7, 9, 11, 4];
    const pids = [0, 2, 0, 2, 0, 0, 2, 2, 2, 0, 2];
    const raw = encode(pages, pids);
    const [coded, decoded] = both(raw);
    expect(view(coded)).toEqual(view(decoded));
    expect(view(coded).pagesOf).toEqual([
      [0, [9, 4, 30, 11]],
      [2, [4, 7, 2, 9]],
    ]);
  });

  it("adds nothing for an entry no reference uses, and a pair once when two entries name it", () => {
    // Pages 5, 5, 6: entries 5 and 6 (at bytes 68 and 69), references at 70-72 (entry × 4 + kind).
    const raw = encode([5, 5, 6], [0, 0, 0]);
    expect(Array.from(raw.subarray(66, 73))).toEqual([1, 2, 20, 4, 1, 1, 5]);
    const unused = raw.slice();
    unused[72] = 1;
    const [a, b] = both(unused);
    expect(view(a)).toEqual(view(b));
    expect(view(a).pagesOf).toEqual([[0, [5]]]);
    const twice = raw.slice();
    twice[69] = 0;
    const [c, d] = both(twice);
    expect(view(c)).toEqual(view(d));
    expect(view(c).pagesOf).toEqual([[0, [5]]]);
  });
});
