// PwtDecoder.push over chunks the caller reuses: the decoder keeps what it has not read yet in a
// buffer of its own (keep), so a caller that refills one buffer for every chunk, as a file reader
// may, gets the references of the whole stream, whatever the chunk size, in every output form.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { PwtEncoder } from "./binary-format.js";
import { PageIds } from "./page-ids.js";
import { makeCodedRefs, PwtDecoder } from "./pwt-decoder.js";
import { makeBatch } from "./refs.js";

function stream(n: number, seed: number): { bytes: Uint8Array; pages: number[] } {
  const enc = new PwtEncoder(4096, 3);
  const b = makeBatch(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    // Mostly a few hot pages (dictionary blocks), now and then a far one (token blocks).
    b.pages[i] = x % 16 === 0 ? x % 100_000 : x % 40;
    b.kinds[i] = x % 4;
    b.pids[i] = 0;
  }
  b.count = n;
  enc.add(b);
  const bytes = new Uint8Array(Buffer.concat([enc.header(), ...enc.take(), enc.finish()]));
  return { bytes, pages: Array.from(b.pages.subarray(0, n)) };
}

/** Pages of `bytes` pushed in `size`-byte chunks through one reused buffer, drained as batches. */
function decodeReusing(bytes: Uint8Array, size: number): number[] {
  const dec = new PwtDecoder({ source: "t" });
  const chunk = new Uint8Array(size);
  const out: number[] = [];
  const batch = makeBatch(997);
  for (let at = 0; at < bytes.length; at += size) {
    const n = Math.min(size, bytes.length - at);
    chunk.set(bytes.subarray(at, at + n));
    dec.push(chunk.subarray(0, n));
    for (;;) {
      const more = dec.drain(batch);
      for (let i = 0; i < batch.count; i++) out.push(batch.pages[i]!);
      batch.count = 0;
      if (!more) break;
    }
    chunk.fill(0xa5); // the caller reuses its buffer: whatever the decoder kept must be its own
  }
  dec.end();
  return out;
}

describe("PwtDecoder over a chunk buffer the caller reuses", () => {
  it("decodes every reference, at any chunk size", () => {
    const { bytes, pages } = stream(60_000, 7);
    for (const size of [1, 7, 64, 1000, 4096, 65_536, bytes.length])
      expect(decodeReusing(bytes, size)).toEqual(pages);
  });

  it("hands dictionary blocks over still encoded with the right ids, at any chunk size (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5000 }), fc.integer({ min: 1, max: 2 ** 31 }), (size, seed) => {
        const { bytes, pages } = stream(20_000, seed);
        const dec = new PwtDecoder({ source: "t" });
        const ids = new PageIds();
        const coded = makeCodedRefs();
        const batch = makeBatch(513);
        const chunk = new Uint8Array(size);
        const got: number[] = [];
        const pageOf: number[] = [];
        const drain = () => {
          for (;;) {
            const n = dec.takeCoded(1 << 20, ids, coded);
            if (n > 0) {
              for (let k = 0; k < n; k++) {
                const v =
                  coded.width === 1
                    ? coded.buf[coded.pos + k]!
                    : coded.buf[coded.pos + 2 * k]! | (coded.buf[coded.pos + 2 * k + 1]! << 8);
                got.push(coded.ids[v >>> 2]!);
              }
              continue;
            }
            const more = dec.drain(batch);
            for (let i = 0; i < batch.count; i++) got.push(-1 - batch.pages[i]!);
            batch.count = 0;
            if (!more) return;
          }
        };
        for (let at = 0; at < bytes.length; at += size) {
          const n = Math.min(size, bytes.length - at);
          chunk.set(bytes.subarray(at, at + n));
          dec.push(chunk.subarray(0, n));
          drain();
          chunk.fill(0x5a);
        }
        dec.end();
        for (let p = 0; p < ids.size; p++) pageOf.push(ids.keyOf(p));
        const decoded = got.map((g) => (g < 0 ? -1 - g : pageOf[g]!));
        expect(decoded).toEqual(pages);
      }),
      { numRuns: 25 },
    );
  });
});
