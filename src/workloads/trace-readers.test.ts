import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ConfigError, TraceParseError } from "../core/errors.js";
import { encodePwtHeader, makeCodedRefs, PwtDecoder, PwtEncoder, pwtDecoder } from "./binary-format.js";
import { csvDecoder, libCacheSimCsvDecoder } from "./csv-trace.js";
import { detectCompression, detectFormat } from "./detect.js";
import { createDecoder } from "./formats.js";
import { LackeyDecoder, lackeyDecoder } from "./lackey.js";
import { PageIds } from "./page-ids.js";
import { makeBatch, REF_INSTR, REF_LOAD, REF_MODIFY, REF_STORE, type RefBatch } from "./refs.js";
import { textDecoder } from "./text-trace.js";
import {
  type DecodedRefs,
  type DecodeOptions,
  decodeAll,
  decodeAllOrThrow,
  decodeBytes,
  type TraceDecoder,
} from "./trace-decoder.js";

const bytes = (s: string) => new TextEncoder().encode(s);

function triples(r: DecodedRefs): [number, number, number][] {
  return Array.from({ length: r.count }, (_, i) => [r.pids[i]!, r.kinds[i]!, r.pages[i]!]);
}

/** Decodes `input` cut into chunks at `cuts` with a batch of `cap`, collecting everything. */
function decodeChunked(
  dec: TraceDecoder,
  input: Uint8Array,
  cuts: number[],
  cap: number,
): [number, number, number][] {
  const out: [number, number, number][] = [];
  const b = makeBatch(cap);
  const take = (x: RefBatch) => {
    for (let i = 0; i < x.count; i++) out.push([x.pids[i]!, x.kinds[i]!, x.pages[i]!]);
    x.count = 0;
  };
  let prev = 0;
  for (const c of [...cuts.filter((c) => c > 0 && c < input.length).sort((a, z) => a - z), input.length]) {
    dec.push(input.slice(prev, c));
    prev = c;
    while (dec.drain(b)) take(b);
  }
  dec.end();
  while (dec.drain(b)) take(b);
  take(b);
  return out;
}

const LACKEY = `==42== Lackey, an example Valgrind tool
==42== Command: ./a.out
I  04016b20,3
 L 1ffefff8a8,8
 S 1ffefff8a0,8
 M 0061e0c8,4
I  04016ffe,4
 L 00000ffc,8

==42== Exit code:       0
`;

describe("lackey", () => {
  it("reads I, L, S, M with a hex address and splits page-straddling accesses", () => {
    const r = decodeAllOrThrow(lackeyDecoder, bytes(LACKEY));
    expect(triples(r)).toEqual([
      [0, REF_INSTR, 0x4016],
      [0, REF_LOAD, 0x1ffefff],
      [0, REF_STORE, 0x1ffefff],
      [0, REF_MODIFY, 0x61e],
      [0, REF_INSTR, 0x4016],
      [0, REF_INSTR, 0x4017],
      [0, REF_LOAD, 0],
      [0, REF_LOAD, 1],
    ]);
  });

  it("counts an M line as one reference and splits by the chosen page size", () => {
    const dec = new LackeyDecoder({ pageSize: 256 });
    for (const _ of decodeBytes(dec, bytes(" M 000001fe,4\n")));
    expect(dec.stats.references).toBe(2);
    expect(dec.stats.byKind[REF_MODIFY]).toBe(2);
    expect(dec.stats.splits).toBe(1);
  });

  it("gives the same references whatever the chunking and batch size", () => {
    const input = bytes(LACKEY.repeat(5));
    const whole = triples(decodeAllOrThrow(lackeyDecoder, input));
    fc.assert(
      fc.property(
        fc.array(fc.nat(input.length), { maxLength: 12 }),
        fc.integer({ min: 1, max: 7 }),
        (cuts, cap) => {
          expect(decodeChunked(new LackeyDecoder(), input, cuts, cap)).toEqual(whole);
        },
      ),
    );
  });

  it("reads a last line without a newline, and CRLF", () => {
    const r = decodeAllOrThrow(lackeyDecoder, bytes("I  00001000,2\r\n L 00002000,4"));
    expect(triples(r)).toEqual([
      [0, REF_INSTR, 1],
      [0, REF_LOAD, 2],
    ]);
  });

  it("reports file, line, column and what was expected", () => {
    const bad = (s: string) => {
      try {
        decodeAllOrThrow(lackeyDecoder, bytes(s), { source: "t.lackey" });
      } catch (e) {
        expect(e).toBeInstanceOf(TraceParseError);
        return (e as TraceParseError).data;
      }
      throw new Error("no error");
    };
    expect(bad("I  1000,2\n L 2000 8\n")).toMatchObject({
      source: "t.lackey",
      line: 2,
      column: 8,
      problem: "expected ',' after the address",
    });
    expect(bad(" Q 2000,8\n")).toMatchObject({ line: 1, column: 2, problem: "expected L, S or M" });
    expect(bad(" L zz,8\n")).toMatchObject({ line: 1, column: 4, problem: "expected a hex address" });
    expect(bad(" L 10,\n")).toMatchObject({ line: 1, column: 7, problem: "expected a decimal size" });
    expect(bad(" L 10,4 x\n")).toMatchObject({ line: 1, column: 8 });
    expect(bad("hello\n")).toMatchObject({ line: 1, column: 1 });
  });

  it("collects every issue as a result, or skips bad lines with skipBad", () => {
    const input = bytes("I  1000,2\n L 2000 8\nxx\n S 3000,4\n");
    const r = decodeAll(lackeyDecoder, input, { source: "f" });
    expect(r.ok).toBe(false);
    expect(r.issues!.map((i) => i.line)).toEqual([2, 3]);
    const s = decodeAll(lackeyDecoder, input, { skipBad: true });
    expect(s.ok && s.refs.count).toBe(2);
    expect(s.ok && s.stats.skipped).toBe(2);
  });
});

describe("text", () => {
  it("reads values, kinds anywhere and an optional pid", () => {
    const r = decodeAllOrThrow(
      textDecoder,
      bytes("# a comment\n17\n17 W\nw 0x20\n3 17 R\n\n4 5 m # tail\n 9 I\n"),
    );
    expect(triples(r)).toEqual([
      [0, REF_LOAD, 17],
      [0, REF_STORE, 17],
      [0, REF_STORE, 32],
      [3, REF_LOAD, 17],
      [4, REF_MODIFY, 5],
      [0, REF_INSTR, 9],
    ]);
  });

  it("turns addresses into pages with unit address", () => {
    const r = decodeAllOrThrow((o) => textDecoder({ ...o, unit: "address" }), bytes("0x1fff\n8192 W\n"));
    expect(triples(r)).toEqual([
      [0, REF_LOAD, 1],
      [0, REF_STORE, 2],
    ]);
  });

  it("reports bad fields with their column", () => {
    const r = decodeAll(textDecoder, bytes("1\n2 x\n1 2 3\nR W 4\n12ab\n"), { source: "p.txt" });
    expect(r.ok).toBe(false);
    expect(r.issues!.map((i) => [i.line, i.column])).toEqual([
      [2, 3],
      [3, 5],
      [4, 3],
      [5, 3],
    ]);
  });
});

describe("csv", () => {
  it("maps columns by header name, splits straddling accesses, ignores other columns", () => {
    const input = "time,pid,addr,size,op\n1,2,0x1ffc,8,W\n2,3,4096,1,read\n3,,0x3000,4,fetch\n";
    expect(triples(decodeAllOrThrow(csvDecoder, bytes(input)))).toEqual([
      [2, REF_STORE, 1],
      [2, REF_STORE, 2],
      [3, REF_LOAD, 1],
      [0, REF_INSTR, 3],
    ]);
  });

  it("reads page columns, with blanks and CRLF", () => {
    const input = "Page , Kind\r\n 5 , S\r\n6,\r\n";
    expect(triples(decodeAllOrThrow(csvDecoder, bytes(input)))).toEqual([
      [0, REF_STORE, 5],
      [0, REF_LOAD, 6],
    ]);
  });

  it("reads libCacheSim csv: obj_id is the page, obj_size is ignored", () => {
    const input = "obj_id,obj_size\n100,1\n7,4096\n";
    expect(triples(decodeAllOrThrow(libCacheSimCsvDecoder, bytes(input)))).toEqual([
      [0, REF_LOAD, 100],
      [0, REF_LOAD, 7],
    ]);
  });

  it("reports a bad header and bad fields", () => {
    const r1 = decodeAll(csvDecoder, bytes("time,obj_size\n1,1\n"), { source: "x.csv" });
    expect(r1.issues?.[0]).toMatchObject({ line: 1, column: 1 });
    const r2 = decodeAll(csvDecoder, bytes("page,op\n1,R\n2\n3,Q\nx,W\n4,W,5\n"));
    expect(r2.issues!.map((i) => [i.line, i.column])).toEqual([
      [3, 2],
      [4, 3],
      [5, 1],
      [6, 4],
    ]);
  });
});

describe("pwt", () => {
  const encode = (
    r: { pages: ArrayLike<number>; kinds: ArrayLike<number>; pids: ArrayLike<number> },
    pageSize = 4096,
    version: 1 | 2 = 2,
  ): Uint8Array => {
    const enc = new PwtEncoder(pageSize, version);
    const b = makeBatch(r.pages.length);
    b.pages.set(Array.from(r.pages));
    b.kinds.set(Array.from(r.kinds));
    b.pids.set(Array.from(r.pids));
    b.count = r.pages.length;
    const parts = [enc.header()];
    enc.add(b);
    parts.push(...enc.take(), enc.finish());
    const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
    let at = 0;
    for (const p of parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  };

  const refsArb = fc
    .array(
      fc.tuple(
        fc.oneof(fc.integer({ min: 0, max: 20 }), fc.integer({ min: 0, max: 2 ** 48 - 1 })),
        fc.integer({ min: 0, max: 3 }),
        fc.oneof(fc.constant(0), fc.integer({ min: -5, max: 2 ** 31 - 1 })),
      ),
      { maxLength: 300 },
    )
    .map((xs) => ({ pages: xs.map((x) => x[0]), kinds: xs.map((x) => x[1]), pids: xs.map((x) => x[2]) }));

  it("round-trips any references, whatever the chunking and batch size", () => {
    fc.assert(
      fc.property(
        refsArb,
        fc.array(fc.nat(4000), { maxLength: 8 }),
        fc.integer({ min: 1, max: 50 }),
        (r, cuts, cap) => {
          const raw = encode(r);
          const got = decodeChunked(new PwtDecoder(), raw, cuts, cap);
          expect(got).toEqual(r.pages.map((p, i) => [r.pids[i], r.kinds[i], p]));
        },
      ),
    );
  });

  it("still reads version 1 (tokens only, state across blocks), whatever the chunking", () => {
    fc.assert(
      fc.property(refsArb, fc.array(fc.nat(4000), { maxLength: 8 }), (r, cuts) => {
        const raw = encode(r, 4096, 1);
        expect(raw[4]).toBe(1);
        const got = decodeChunked(new PwtDecoder(), raw, cuts, 37);
        expect(got).toEqual(r.pages.map((p, i) => [r.pids[i], r.kinds[i], p]));
      }),
    );
  });

  it("version 2 picks 1-byte, 2-byte or token blocks by the block's distinct pages, and round-trips each", () => {
    // Offset of the first block's encoding byte: 64-byte header, then varint n and varint len.
    const encodingOf = (raw: Uint8Array) => {
      let at = 64;
      while (raw[at]! >= 0x80) at++;
      at++;
      while (raw[at]! >= 0x80) at++;
      return raw[at + 1];
    };
    const n = 70_000; // two blocks
    // [distinct pages, second pid on a few references, expected encoding]: a (page, pid) pair is
    // one dictionary entry, so 64 pages under two pids need the 2-byte form.
    for (const [distinct, twoPids, want] of [
      [64, false, 1],
      [64, true, 2],
      [65, false, 2],
      [16_384, false, 2],
      [16_385, true, 0],
    ] as const) {
      const pages = Float64Array.from({ length: n }, (_, i) => ((i * 7919) % distinct) * 3 + 2 ** 40);
      const kinds = Uint8Array.from({ length: n }, (_, i) => (i * 31) % 4);
      const pids = Int32Array.from({ length: n }, (_, i) => (twoPids && i % 1000 < 3 ? 7 : 0));
      const raw = encode({ pages, kinds, pids });
      expect(raw[4]).toBe(2);
      expect(encodingOf(raw)).toBe(want);
      const r = decodeAllOrThrow(pwtDecoder, raw);
      expect(r.count).toBe(n);
      let bad = -1;
      for (let i = 0; i < n && bad < 0; i++) {
        if (r.pages[i] !== pages[i] || r.kinds[i] !== kinds[i] || r.pids[i] !== pids[i]) bad = i;
      }
      expect(bad).toBe(-1);
    }
  });

  it("refuses a dictionary block with an entry past its dictionary or an unknown encoding", () => {
    // pages 5, 5, 6: header, n = 3, len, encoding 1, d = 2, entries 5 (+5) and 6 (+1), refs.
    const raw = encode({ pages: [5, 5, 6], kinds: [1, 1, 1], pids: [0, 0, 0] });
    expect(Array.from(raw.subarray(66, 73))).toEqual([1, 2, 20, 4, 1, 1, 5]);
    expect(decodeAllOrThrow(pwtDecoder, raw).count).toBe(3);
    const past = raw.slice();
    past[72] = (5 << 2) | 1;
    expect(() => decodeAllOrThrow(pwtDecoder, past, { source: "d.pwt" })).toThrow(/past the dictionary of 2/);
    // The same through the dense and the still-encoded paths, at the same byte offset.
    const ids = new PageIds();
    const dense = new PwtDecoder({ source: "d.pwt" });
    dense.push(past);
    const b = makeBatch(8);
    expect(() => dense.drainDense(b, new Int32Array(8), new Uint8Array(8), ids)).toThrow(
      /^d\.pwt:.*past the dictionary of 2/,
    );
    const coded = new PwtDecoder({ source: "d.pwt" });
    coded.push(past);
    coded.drainDenseUntilCoded(makeBatch(8), new Int32Array(8), new Uint8Array(8), ids);
    expect(() => coded.takeCoded(8, ids, makeCodedRefs())).toThrow(/^d\.pwt:.*past the dictionary of 2/);
    const ok = new PwtDecoder();
    ok.push(raw);
    ok.drainDenseUntilCoded(makeBatch(8), new Int32Array(8), new Uint8Array(8), ids);
    const into = makeCodedRefs();
    expect(ok.takeCoded(8, ids, into)).toBe(3);
    expect([into.count, into.width, into.ids[0], into.ids[1]]).toEqual([
      3,
      1,
      ids.idOf(5, 0),
      ids.idOf(6, 0),
    ]);
    const unknown = raw.slice();
    unknown[66] = 7;
    expect(() => decodeAllOrThrow(pwtDecoder, unknown)).toThrow(/unknown encoding 7/);
  });

  it("checks the trailer and refuses truncated or trailing input", () => {
    const raw = encode({ pages: [1, 2, 3], kinds: [0, 1, 2], pids: [0, 0, 0] });
    const dec = new PwtDecoder({ source: "t.pwt" });
    expect(() => [...decodeBytes(dec, raw.subarray(0, raw.length - 10))]).toThrow(TraceParseError);
    const extra = new Uint8Array(raw.length + 1);
    extra.set(raw);
    expect(() => [...decodeBytes(new PwtDecoder(), extra)]).toThrow(/nothing after the trailer/);
    const bad = raw.slice();
    bad[0] = 0;
    expect(() => [...decodeBytes(new PwtDecoder(), bad)]).toThrow(/magic/);
    const tampered = raw.slice();
    tampered[tampered.length - 64 + 8] = 9;
    expect(() => [...decodeBytes(new PwtDecoder(), tampered)]).toThrow(/trailer/);
  });

  it("coarsens pages for a larger page size and refuses a smaller one", () => {
    const raw = encode({ pages: [0, 1, 2, 3, 7], kinds: [1, 1, 1, 1, 1], pids: [0, 0, 0, 0, 0] }, 1024);
    const r = decodeAllOrThrow(pwtDecoder, raw, { pageSize: 4096 });
    expect(Array.from(r.pages)).toEqual([0, 0, 0, 0, 1]);
    expect(() => decodeAllOrThrow(pwtDecoder, raw, { pageSize: 512 })).toThrow(ConfigError);
  });

  it("keeps counts in the header layout", () => {
    const h = encodePwtHeader(4096, {
      references: 2 ** 40 + 3,
      byKind: [1, 2, 3, 4],
      distinctPages: 9,
      pids: 2,
    });
    expect(h.length).toBe(64);
    expect(String.fromCharCode(...h.subarray(0, 4))).toBe("PWTR");
    expect(h[5]).toBe(12);
  });
});

describe("detect", () => {
  it("tells every format from its head", () => {
    expect(detectFormat(bytes(LACKEY))).toBe("lackey");
    expect(detectFormat(bytes("==1== Lackey\n==1== Command: x\n"))).toBe("lackey");
    expect(detectFormat(bytes("1\n2 W\n3 17 R\n"))).toBe("text");
    expect(detectFormat(bytes("pid,addr,size\n1,0x10,4\n"))).toBe("csv");
    expect(detectFormat(bytes("obj_id,obj_size\n1,1\n"))).toBe("libcachesim-csv");
    expect(detectFormat(bytes("I 4016\nL 1ffeff\nS 1ffeff\n"))).toBe("pages");
    expect(detectFormat(new PwtEncoder(4096).header())).toBe("pwt");
    expect(() => detectFormat(bytes("hello world\n"), "h.txt")).toThrow(TraceParseError);
    expect(detectCompression(Uint8Array.of(0x1f, 0x8b, 8))).toBe("gzip");
    expect(detectCompression(Uint8Array.of(0x28, 0xb5, 0x2f, 0xfd))).toBe("zstd");
  });

  it("creates decoders by id", () => {
    expect(createDecoder("lackey").format).toBe("lackey");
    expect(() => createDecoder("nope")).toThrow(/unknown trace format/);
  });
});

describe("pages (K PAGE)", () => {
  it("reads through the decoder interface, coarsens, and agrees with the lackey reading", () => {
    const make = (o: DecodeOptions) => createDecoder("pages", o);
    const input = bytes("I 4016\nL 1ffefff\n\nS 1ffefff\r\nM 61e\n");
    const r = decodeAllOrThrow(make, input);
    expect(triples(r)).toEqual([
      [0, REF_INSTR, 0x4016],
      [0, REF_LOAD, 0x1ffefff],
      [0, REF_STORE, 0x1ffefff],
      [0, REF_MODIFY, 0x61e],
    ]);
    const whole = triples(r);
    for (const cap of [1, 2, 3]) expect(decodeChunked(make({}), input, [3, 9, 17], cap)).toEqual(whole);
    expect(Array.from(decodeAllOrThrow(make, input, { pageSize: 8192 }).pages)).toEqual([
      0x200b, 0xfff7ff, 0xfff7ff, 0x30f,
    ]);
    expect(() => decodeAllOrThrow(make, bytes("I 10\nX 5\n"), { source: "k.pages" })).toThrow(/k\.pages:2:1/);
  });
});

describe("limits", () => {
  it("refuses a line longer than 1 MiB instead of buffering it", () => {
    const dec = textDecoder({ source: "big.txt" });
    dec.push(new Uint8Array(1 << 19).fill(49));
    expect(() => dec.push(new Uint8Array((1 << 19) + 2).fill(49))).toThrow(/big\.txt:1:1/);
  });
});
