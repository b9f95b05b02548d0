import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ConfigError, TraceParseError } from "../core/errors.js";
import { libCacheSimCsvDecoder, parseCsvParams } from "./csv-trace.js";
import { detectFormat } from "./detect.js";
import { createDecoder } from "./formats.js";
import {
  looksOracleGeneral,
  NextAccessFiller,
  ORACLE_GENERAL_RECORD,
  OracleGeneralDecoder,
  oracleGeneralDecoder,
  REMAP_FROM,
  writeOracleGeneralRecords,
} from "./oracle-general.js";
import { makeBatch, REF_LOAD, REF_STORE, type RefBatch } from "./refs.js";
import { decodeAllOrThrow, decodeBytes } from "./trace-decoder.js";

interface Rec {
  time?: number;
  id: bigint;
  size: number;
  next?: bigint;
}

/** oracleGeneral bytes built field by field (independently of the writer under test). */
function records(rs: readonly Rec[]): Uint8Array {
  const b = new Uint8Array(rs.length * 24);
  const v = new DataView(b.buffer);
  rs.forEach((r, i) => {
    v.setUint32(i * 24, r.time ?? i, true);
    v.setBigUint64(i * 24 + 4, r.id, true);
    v.setUint32(i * 24 + 12, r.size, true);
    v.setBigInt64(i * 24 + 16, r.next ?? -1n, true);
  });
  return b;
}

function pagesOf(dec: OracleGeneralDecoder, input: Uint8Array, cuts: number[] = [], cap = 4096): number[] {
  const out: number[] = [];
  const b = makeBatch(cap);
  const take = (x: RefBatch) => {
    for (let i = 0; i < x.count; i++) out.push(x.pages[i]!);
    x.count = 0;
  };
  let prev = 0;
  for (const c of [...cuts, input.length]) {
    dec.push(input.subarray(prev, c));
    prev = c;
    while (dec.drain(b)) take(b);
  }
  dec.end();
  while (dec.drain(b)) take(b);
  take(b);
  return out;
}

describe("oracleGeneral reader", () => {
  it("reads one load per request, the object id as the page, skipping size-0 records", () => {
    const input = records([
      { id: 7n, size: 4096, next: 3n },
      { id: 9n, size: 100 },
      { id: 5n, size: 0 },
      { id: 7n, size: 4096 },
    ]);
    const dec = oracleGeneralDecoder();
    const r = decodeAllOrThrow(() => oracleGeneralDecoder(), input);
    expect(Array.from(r.pages)).toEqual([7, 9, 7]);
    expect(Array.from(r.kinds)).toEqual([REF_LOAD, REF_LOAD, REF_LOAD]);
    expect(pagesOf(dec, input)).toEqual([7, 9, 7]);
    expect(dec.zeroSized).toBe(1);
    expect(dec.stats.references).toBe(3);
  });

  it("gives the same references whatever the chunk cuts and batch size", () => {
    const ids = [1n, 2n, 3n, 2n ** 53n + 5n, 2n, 2n ** 64n - 1n, 1n, 2n ** 53n + 5n];
    const input = records(ids.map((id, i) => ({ id, size: 1 + (i % 3) * 5000 })));
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 1, max: input.length - 1 }), { maxLength: 6 }),
        fc.integer({ min: 1, max: 5 }),
        fc.constantFrom(undefined, 4096),
        (cuts, cap, unitSize) => {
          const whole = pagesOf(new OracleGeneralDecoder({ unitSize }), input);
          const cut = pagesOf(
            new OracleGeneralDecoder({ unitSize }),
            input,
            cuts.sort((a, b) => a - b),
            cap,
          );
          expect(cut).toEqual(whole);
        },
      ),
    );
  });

  it("keeps 64-bit ids exact: distinct ids beyond 2^53 (and 2^48) stay distinct, equal ones equal", () => {
    // 2^53 and 2^53 + 1 are the same double: a reader converting to numbers would merge them.
    const big = [2n ** 53n, 2n ** 53n + 1n, 2n ** 64n - 1n, 2n ** 63n, 2n ** 48n];
    const input = records(
      [...big, ...big, { id: 12n, size: 1 }].map((x) => (typeof x === "bigint" ? { id: x, size: 1 } : x)),
    );
    const pages = pagesOf(new OracleGeneralDecoder(), input);
    expect(new Set(pages.slice(0, 5)).size).toBe(5);
    expect(pages.slice(5, 10)).toEqual(pages.slice(0, 5));
    expect(pages[10]).toBe(12);
    for (const p of pages) expect(p).toBeLessThan(REMAP_FROM);
  });

  it("refuses, rather than merging two objects, a small id reaching the remapped range", () => {
    const input = records([
      { id: 2n ** 60n, size: 1 }, // remapped to 2^48 - 1
      { id: 2n ** 48n - 1n, size: 1 }, // a genuine id equal to it
    ]);
    expect(() => pagesOf(new OracleGeneralDecoder({ source: "x.bin" }), input)).toThrow(TraceParseError);
    expect(() => pagesOf(new OracleGeneralDecoder({ source: "x.bin" }), input)).toThrow(
      /x\.bin:0:25: object id 281474976710655 \(record 1\)/,
    );
    const other = records([
      { id: 2n ** 48n - 1n, size: 1 },
      { id: 2n ** 60n, size: 1 },
    ]);
    expect(() => pagesOf(new OracleGeneralDecoder(), other)).toThrow(/--unit-size/);
  });

  it("with a unit size, a request is one reference per unit of its size, numbered densely", () => {
    const input = records([
      { id: 2n ** 63n, size: 10000 }, // 3 units of 4096
      { id: 5n, size: 4096 },
      { id: 2n ** 63n, size: 1 }, // unit 0 again
      { id: 5n, size: 8193 }, // units 0..2 (1 and 2 new)
    ]);
    const dec = new OracleGeneralDecoder({ unitSize: 4096 });
    expect(pagesOf(dec, input, [], 2)).toEqual([0, 1, 2, 3, 0, 3, 4, 5]);
    expect(dec.pageSize).toBe(4096);
    expect(dec.stats.splits).toBe(4);
    expect(() => new OracleGeneralDecoder({ unitSize: 1000 })).toThrow(ConfigError);
  });

  it("names the file and offset of a truncated record", () => {
    const input = records([{ id: 1n, size: 1 }]);
    const dec = new OracleGeneralDecoder({ source: "t.bin" });
    expect(() => pagesOf(dec, new Uint8Array([...input, 1, 2, 3]), [10, 26])).toThrow(
      /t\.bin:0:25: truncated record: 3 of 24 bytes .*at byte 24/,
    );
  });

  it("is detected from its head, and text is not taken for it", () => {
    const input = records([
      { id: 1n, size: 1, next: 3n },
      { id: 2n, size: 1 },
      { id: 1n, size: 1 },
    ]);
    expect(detectFormat(input)).toBe("oracleGeneral");
    expect(createDecoder("oracleGeneral").format).toBe("oracleGeneral");
    // A next access pointing backwards is not oracleGeneral.
    expect(
      looksOracleGeneral(
        records([
          { id: 1n, size: 1 },
          { id: 1n, size: 1, next: 1n },
        ]),
      ),
    ).toBe(false);
    expect(looksOracleGeneral(new TextEncoder().encode("1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n13\n"))).toBe(
      false,
    );
    expect(detectFormat(new TextEncoder().encode("1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n13\n"))).toBe(
      "text",
    );
    // INT64_MAX for "no next access", as newer libCacheSim versions may write.
    expect(looksOracleGeneral(records([{ id: 1n, size: 1, next: 2n ** 63n - 1n }]))).toBe(true);
    // Random bytes (with zeros, so binary) are not taken for records.
    let x = 99;
    const noise = Uint8Array.from({ length: 8192 }, (_, i) => {
      x = (x * 1103515245 + 12345) % 2147483648;
      return i % 7 === 0 ? 0 : x >> 16;
    });
    expect(looksOracleGeneral(noise)).toBe(false);
  });
});

describe("oracleGeneral writer", () => {
  it("writes records that read back to the same pages, with next accesses as traceConv numbers them", () => {
    const b = makeBatch(8);
    const pages = [1, 2, 1, 3, 2, 1];
    pages.forEach((p, i) => {
      b.pages[i] = p;
      b.kinds[i] = i === 1 ? REF_STORE : REF_LOAD;
    });
    b.count = pages.length;
    b.pids[5] = 2;
    const out = new Uint8Array(pages.length * ORACLE_GENERAL_RECORD);
    writeOracleGeneralRecords(b, 0, b.count, 4096, out);
    const f = new NextAccessFiller();
    // From the end, in two chunks.
    f.fill(out.subarray(72), 3);
    f.fill(out.subarray(0, 72), 0);
    const v = new DataView(out.buffer);
    const nexts = pages.map((_, i) => v.getBigInt64(i * 24 + 16, true));
    // 1-based request indexes (traceConv writes the same for 1,2,1,3,2); the last 1 has pid 2: another object.
    expect(nexts).toEqual([3n, 5n, -1n, -1n, -1n, -1n]);
    expect(v.getUint32(12, true)).toBe(4096);
    const back = pagesOf(new OracleGeneralDecoder(), out);
    expect(back.slice(0, 5)).toEqual([1, 2, 1, 3, 2]);
    expect(back[5]).toBe(2 * 2 ** 40 + 1);
    for (const x of decodeBytes(oracleGeneralDecoder(), out)) expect(x.count).toBe(6);
  });
});

describe("oracleGeneral writer, property", () => {
  it("next accesses equal a naive scan, and reading back keeps every page's identity, for any chunking", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 12 })), {
          minLength: 1,
          maxLength: 80,
        }),
        fc.integer({ min: 1, max: 9 }),
        (refs, chunk) => {
          const b = makeBatch(refs.length);
          refs.forEach(([pid, page], i) => {
            b.pids[i] = pid;
            b.pages[i] = page * 2 ** 20;
          });
          b.count = refs.length;
          const out = new Uint8Array(refs.length * ORACLE_GENERAL_RECORD);
          writeOracleGeneralRecords(b, 0, b.count, 4096, out);
          const f = new NextAccessFiller();
          for (let end = refs.length; end > 0; end -= chunk) {
            const start = Math.max(0, end - chunk);
            f.fill(out.subarray(start * 24, end * 24), start);
          }
          const v = new DataView(out.buffer);
          refs.forEach(([pid, page], i) => {
            let j = i + 1;
            while (j < refs.length && !(refs[j]![0] === pid && refs[j]![1] === page)) j++;
            expect(v.getBigInt64(i * 24 + 16, true)).toBe(j < refs.length ? BigInt(j + 1) : -1n);
          });
          const back = pagesOf(new OracleGeneralDecoder(), out);
          for (let i = 0; i < refs.length; i++)
            for (let j = 0; j < refs.length; j++) {
              const same = refs[i]![0] === refs[j]![0] && refs[i]![1] === refs[j]![1];
              expect(back[i] === back[j]).toBe(same);
            }
        },
      ),
    );
  });
});

describe("libCacheSim csv parameters", () => {
  it("reads columns by number, with any delimiter, and skips a header", () => {
    const make = (csvParams: string) => () => libCacheSimCsvDecoder({ csvParams });
    const pages = (p: string, s: string) =>
      Array.from(decodeAllOrThrow(make(p), new TextEncoder().encode(s)).pages);
    expect(pages("obj-id-col=2,obj-size-col=3", "t,id,size\n0,10,5,x\n1,11,5\n")).toEqual([10, 11]);
    expect(pages("time-col=1,obj-id-col=2,has-header=false", "0,10\n1,11\n")).toEqual([10, 11]);
    expect(pages("obj-id-col=1,delimiter=;,header=true", "10;1\n11;2\n12;3\n")).toEqual([11, 12]);
    expect(pages("obj-id-col=2,delimiter=tab", "a\t1\nb\t 2\n")).toEqual([1, 2]);
    expect(pages("obj-id-col=1,delimiter=,,obj-size-col=2", "10,1\n")).toEqual([10]);
    const ops = decodeAllOrThrow(
      () => libCacheSimCsvDecoder({ csvParams: "obj-id-col=1,op-col=2" }),
      new TextEncoder().encode("1,get\n2,set\n"),
    );
    expect(Array.from(ops.kinds)).toEqual([REF_LOAD, REF_STORE]);
  });

  it("reads 64-bit object ids exactly, as oracleGeneral numbers them", () => {
    const ids = [
      "9007199254740992",
      "9007199254740993",
      "18446744073709551615",
      "0xffffffffffffffff",
      "7",
      "9007199254740993",
    ];
    const csv = `obj_id,obj_size\n${ids.map((id) => `${id},1\n`).join("")}`;
    const pages = Array.from(decodeAllOrThrow(libCacheSimCsvDecoder, new TextEncoder().encode(csv)).pages);
    const og = pagesOf(
      new OracleGeneralDecoder(),
      records(
        [2n ** 53n, 2n ** 53n + 1n, 2n ** 64n - 1n, 2n ** 64n - 1n, 7n, 2n ** 53n + 1n].map((id) => ({
          id,
          size: 1,
        })),
      ),
    );
    expect(pages).toEqual(og);
    expect(new Set(pages).size).toBe(4);
    expect(() =>
      decodeAllOrThrow(libCacheSimCsvDecoder, new TextEncoder().encode("obj_id\n18446744073709551616\n"), {
        source: "b.csv",
      }),
    ).toThrow(/b\.csv:2:1: object id too large/);
    expect(() =>
      decodeAllOrThrow(
        libCacheSimCsvDecoder,
        new TextEncoder().encode("obj_id\n1152921504606846976\n281474976710655\n"),
      ),
    ).toThrow(/object id 281474976710655: .* would meet/);
  });

  it("takes a first row with a 64-bit id for data, not for a header", () => {
    const input = new TextEncoder().encode("0,18446744073709551615\n1,5\n");
    const r = decodeAllOrThrow(() => libCacheSimCsvDecoder({ csvParams: "obj-id-col=2" }), input);
    expect(r.count).toBe(2);
    expect(r.pages[1]).toBe(5);
  });

  it("names the problem: bad parameters, a short row", () => {
    expect(() => parseCsvParams("obj-size-col=2")).toThrow(/obj-id-col is required/);
    expect(() => parseCsvParams("obj-id-col=0")).toThrow(/column number from 1/);
    expect(() => parseCsvParams("obj-id-col=1,colour=2")).toThrow(/unknown key "colour"/);
    expect(() => parseCsvParams("obj-id-col=1,obj-size-col=1")).toThrow(/same column/);
    expect(() => parseCsvParams("obj-id-col=1,obj-id-is-num=0")).toThrow(/string object ids/);
    expect(() =>
      decodeAllOrThrow(
        () => libCacheSimCsvDecoder({ csvParams: "obj-id-col=3", source: "c.csv" }),
        new TextEncoder().encode("1,2,3\n1,2\n"),
      ),
    ).toThrow(/c\.csv:2:4: expected at least 3 fields/);
    expect(() => createDecoder("csv", { csvParams: "obj-id-col=1" })).toThrow(ConfigError);
  });
});
