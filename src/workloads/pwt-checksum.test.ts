// pwt version 3 (issue 18 item 4): the checksum itself, the header's and every block's checksum,
// verified before any reference of a damaged block comes out of the decoder, on every decoding
// path; versions 1 and 2 still read.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { TraceParseError } from "../core/errors.js";
import {
  decodePwtHeader,
  encodePwtHeader,
  makeCodedRefs,
  PWT_VERSION,
  PwtChecksumError,
  PwtDecoder,
  PwtEncoder,
} from "./binary-format.js";
import { PageIds } from "./page-ids.js";
import { pwtChecksum, pwtChecksumPortable } from "./pwt-checksum.js";
import { makeBatch } from "./refs.js";
import { decodeBytes } from "./trace-decoder.js";

/** Pseudo-random bytes (a fixed LCG). */
function noise(n: number, seed = 7): Uint8Array {
  let x = seed;
  return Uint8Array.from({ length: n }, () => {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    return x >>> 24;
  });
}

/** A whole uncompressed stream of `n` references in blocks of `blockRefs`. */
function stream(n: number, version: number, blockRefs: number): Uint8Array {
  const enc = new PwtEncoder(4096, version, blockRefs);
  const b = makeBatch(n);
  for (let i = 0; i < n; i++) {
    // Blocks alternate between few pages (dictionary blocks) and many (token blocks).
    const wide = Math.floor(i / blockRefs) % 2 === 1;
    b.pages[i] = wide ? (i * 7919) % 100_003 : (i * 31) % 40;
    b.kinds[i] = (i * 13) % 4;
    b.pids[i] = i % 97 === 0 ? 2 : 0;
  }
  b.count = n;
  enc.add(b);
  return new Uint8Array(Buffer.concat([enc.header(), ...enc.take(), enc.finish()]));
}

/** Offsets of the blocks of a version-3 stream (by walking n, len, payload and checksum). */
function blockOffsets(raw: Uint8Array): number[] {
  const varint = (at: number): [number, number] => {
    let v = 0;
    let mul = 1;
    for (;;) {
      const b = raw[at++]!;
      v += (b & 0x7f) * mul;
      mul *= 128;
      if (b < 0x80) return [v, at];
    }
  };
  const out: number[] = [];
  let at = 64;
  for (;;) {
    const [n, a] = varint(at);
    const [len, p] = varint(a);
    if (n === 0) return out;
    out.push(at);
    at = p + len + 4;
  }
}

describe("the checksum", () => {
  it("the fast path equals the plain definition at every length 0..300, any alignment, and across chunks", () => {
    const d = noise(300_000);
    for (let n = 0; n <= 300; n++)
      for (let off = 0; off < 5; off++)
        expect(pwtChecksum(d, off, off + n), `length ${n} at ${off}`).toBe(
          pwtChecksumPortable(d, off, off + n),
        );
    for (const n of [65_535, 65_536, 65_537, 65_551, 131_088, 200_001])
      expect(pwtChecksum(d, 3, 3 + n), `length ${n}`).toBe(pwtChecksumPortable(d, 3, 3 + n));
  });

  it("keeps its values (files written today must verify tomorrow)", () => {
    // The checksums of "", "abc" and noise(1000), as the format defines them (pinned on 2026-12-05).
    const abc = new TextEncoder().encode("abc");
    for (const f of [pwtChecksum, pwtChecksumPortable])
      expect([f(new Uint8Array(0), 0, 0), f(abc, 0, 3), f(noise(1000), 0, 1000)]).toEqual([
        0xe1711416, 0x3ad7b1da, 0xbf273daa,
      ]);
  });

  it("changes for every single flipped bit and every garbled byte (a guarantee, not a chance)", () => {
    const d = noise(1000, 99);
    const good = pwtChecksum(d, 0, d.length);
    for (let bit = 0; bit < d.length * 8; bit++) {
      d[bit >> 3]! ^= 1 << (bit & 7);
      expect(pwtChecksum(d, 0, d.length), `bit ${bit}`).not.toBe(good);
      d[bit >> 3]! ^= 1 << (bit & 7);
    }
    fc.assert(
      fc.property(fc.nat(d.length - 1), fc.integer({ min: 1, max: 255 }), (at, x) => {
        d[at]! ^= x;
        const h = pwtChecksum(d, 0, d.length);
        d[at]! ^= x;
        return h !== good;
      }),
    );
  });
});

describe("pwt version 3", () => {
  it("is what the encoder writes, and round-trips whatever the chunking", () => {
    expect(PWT_VERSION).toBe(3);
    const raw = stream(1000, PWT_VERSION, 100);
    expect(raw[4]).toBe(3);
    const want = [...decodeBytes(new PwtDecoder(), stream(1000, 2, 100))].length;
    expect(want).toBeGreaterThan(0);
    fc.assert(
      fc.property(
        fc.array(fc.nat(raw.length), { maxLength: 6 }),
        fc.integer({ min: 1, max: 300 }),
        (cuts, cap) => {
          const dec = new PwtDecoder();
          const b = makeBatch(cap);
          let count = 0;
          let prev = 0;
          for (const c of [...cuts].sort((x, y) => x - y).concat(raw.length)) {
            dec.push(raw.subarray(prev, c));
            prev = c;
            while (dec.drain(b)) {
              count += b.count;
              b.count = 0;
            }
          }
          dec.end();
          while (dec.drain(b)) {
            count += b.count;
            b.count = 0;
          }
          count += b.count;
          expect(count).toBe(1000);
          expect(dec.header?.version).toBe(3);
        },
      ),
    );
  });

  it("puts the header's checksum in bytes 60-63 (0 in versions 1 and 2)", () => {
    const counts = { references: 5, byKind: [1, 1, 2, 1] as const, distinctPages: 3, pids: 1 };
    const h3 = encodePwtHeader(4096, counts, 3);
    const h2 = encodePwtHeader(4096, counts, 2);
    expect(Array.from(h2.subarray(60))).toEqual([0, 0, 0, 0]);
    expect(Array.from(h3.subarray(0, 60))).toEqual([...h2.subarray(0, 4), 3, ...h2.subarray(5, 60)]);
    const sum = h3[60]! | (h3[61]! << 8) | (h3[62]! << 16) | (h3[63]! << 24);
    expect(sum >>> 0).toBe(pwtChecksum(h3, 0, 60));
    expect(decodePwtHeader(h3).references).toBe(5);
  });

  it("refuses a damaged header, trailer or block naming the part and its offset", () => {
    const raw = stream(1000, 3, 100);
    const blocks = blockOffsets(raw);
    expect(blocks.length).toBe(10);
    const hdr = raw.slice();
    hdr[9]! ^= 1; // the header's reference count
    expect(() => [...decodeBytes(new PwtDecoder({ source: "h.pwt" }), hdr)]).toThrow(
      /^h\.pwt:0:1: damaged pwt file: the checksum of the header does not match its bytes .*at byte 0 /,
    );
    const tr = raw.slice();
    tr[raw.length - 64 + 48]! ^= 0x10; // the trailer's distinct pages: counted by no reader
    const trailerAt = raw.length - 64;
    expect(() => [...decodeBytes(new PwtDecoder({ source: "t.pwt" }), tr)]).toThrow(
      new RegExp(`the checksum of the trailer does not match .*at byte ${trailerAt} `),
    );
    // Each block: a payload byte in the middle, then its checksum's last byte.
    blocks.forEach((at, k) => {
      const next = k + 1 < blocks.length ? blocks[k + 1]! : raw.length - 66;
      for (const where of [Math.floor((at + next) / 2), next - 1]) {
        const bad = raw.slice();
        bad[where]! ^= 0x40;
        let err: unknown = null;
        try {
          [...decodeBytes(new PwtDecoder({ source: "b.pwt" }), bad)];
        } catch (e) {
          err = e;
        }
        expect(err).toBeInstanceOf(PwtChecksumError);
        expect(err).toBeInstanceOf(TraceParseError);
        expect((err as PwtChecksumError).part).toBe(`block ${k + 1}`);
        expect((err as PwtChecksumError).offset).toBe(at);
        expect(String((err as Error).message)).toMatch(
          new RegExp(
            `^b\\.pwt:0:${at + 1}: damaged pwt file: the checksum of block ${k + 1} .*at byte ${at} `,
          ),
        );
      }
    });
  });

  it("gives out no reference of a damaged block, on any decoding path", () => {
    const raw = stream(1000, 3, 100);
    const blocks = blockOffsets(raw);
    // Blocks 1..3 are dictionary, token, dictionary blocks: damage block 3 (a dictionary block)
    // and block 4 (a token block) in turn; the references before are blocks 1..k-1's.
    for (const k of [2, 3, 4]) {
      const bad = raw.slice();
      bad[blocks[k - 1]! + 6]! ^= 0x01;
      const before = (k - 1) * 100;
      // drain
      let got = 0;
      const d1 = new PwtDecoder();
      d1.push(bad);
      const b = makeBatch(4096);
      expect(() => {
        while (d1.drain(b)) {
          got += b.count;
          b.count = 0;
        }
      }).toThrow(PwtChecksumError);
      expect(got + b.count, `drain, block ${k}`).toBe(before);
      // drainDense
      const ids = new PageIds();
      const d2 = new PwtDecoder();
      d2.push(bad);
      const b2 = makeBatch(4096);
      expect(() => d2.drainDense(b2, new Int32Array(4096), new Uint8Array(4096), ids)).toThrow(
        PwtChecksumError,
      );
      expect(b2.count, `drainDense, block ${k}`).toBe(before);
      // drainDenseUntilCoded and takeCoded / takeCodedUnchecked, as the streaming replay calls them
      for (const unchecked of [false, true]) {
        const d3 = new PwtDecoder();
        d3.push(bad);
        let seen = 0;
        const into = makeCodedRefs();
        expect(() => {
          for (let round = 0; round < 100; round++) {
            const b3 = makeBatch(64);
            d3.drainDenseUntilCoded(b3, new Int32Array(64), new Uint8Array(64), ids);
            seen += b3.count;
            seen += unchecked ? d3.takeCodedUnchecked(64, ids, into) : d3.takeCoded(64, ids, into);
          }
        }).toThrow(PwtChecksumError);
        expect(seen, `coded (${unchecked ? "unchecked" : "checked"}), block ${k}`).toBe(before);
      }
    }
  });

  it("still reads versions 1 and 2 (unverified), and refuses an unknown version", () => {
    for (const v of [1, 2]) {
      const raw = stream(500, v, 100);
      expect(raw[4]).toBe(v);
      expect([...decodeBytes(new PwtDecoder(), raw)].reduce((s, x) => s + x.count, 0)).toBe(500);
    }
    const v9 = stream(10, 3, 100);
    v9[4] = 9;
    expect(() => [...decodeBytes(new PwtDecoder(), v9)]).toThrow(/expected pwt version 1, 2 or 3, found 9/);
    expect(() => new PwtEncoder(4096, 4)).toThrow(/pwt version 1, 2 or 3/);
  });

  it("refuses a trailer whose version differs from the header's", () => {
    const raw = stream(10, 2, 100);
    const t = raw.length - 64;
    raw[t + 4] = 1;
    expect(() => [...decodeBytes(new PwtDecoder({ source: "v.pwt" }), raw)]).toThrow(
      /trailer of version 1 in a version 2 file/,
    );
  });
});
