// Streaming replay from pwt (decode and replay in one loop, batch by batch, constant memory) must
// give the same faults and evictions as the in-memory replay of the whole trace, for several
// policies and frame counts, whatever the pwt version (1: tokens only, the bundled fixtures; 2:
// dictionary blocks) and whichever path reads it (drain → page numbers → PageIds, drainDense →
// dense ids straight from the dictionary, or PwtReplayFeed: dictionary blocks replayed still
// encoded, token blocks in between decoded first). Real traces: the bundled fixtures sort500 and
// gzip-words (first 400,000 references each).

import fs from "node:fs";
import zlib from "node:zlib";
import { describe, expect, it } from "vitest";
import {
  annotateNextUse,
  densify,
  MAX_ASID,
  makeBatch,
  makeCodedRefs,
  NextUseSink,
  NO_NEXT_USE,
  PWT_HEADER_SIZE,
  PwtDecoder,
  PwtEncoder,
  PwtReplayFeed,
  pageKey,
  type RefBatch,
  replay,
  StreamReplay,
  TraceParseError,
} from "../../src/index.js";

const LIMIT = 400_000;
const POLICIES = ["fifo", "lru", "opt", "clock", "arc", "lirs", "lfu", "nfu", "s3fifo", "2q", "sieve"];
const FRAMES = [16, 100];

/** The first `limit` references of a bundled pwt fixture. */
function loadFixture(name: string, limit: number): RefBatch {
  const raw = zlib.gunzipSync(fs.readFileSync(`test/fixtures/traces/${name}.pwt`));
  const dec = new PwtDecoder({ source: name });
  const all = makeBatch(limit);
  dec.push(raw);
  dec.drain(all);
  return all;
}

/** The uncompressed pwt stream of `refs` in `version`. */
function encode(refs: RefBatch, version: 1 | 2): Uint8Array {
  const enc = new PwtEncoder(4096, version);
  enc.add(refs);
  return Buffer.concat([enc.header(), ...enc.take(), enc.finish()]);
}

/**
 * A pwt stream of `n` references to 3 pages in one dictionary block (one byte each), reference
 * `bad` made entry 63 (past the 3-entry dictionary); `at` is that byte's offset.
 */
function pastDictionary(n: number, bad: number): { corrupt: Uint8Array; at: number } {
  const refs = makeBatch(n);
  for (let i = 0; i < n; i++) {
    refs.pages[i] = i % 3;
    refs.kinds[i] = 1;
    refs.pids[i] = 0;
  }
  refs.count = n;
  const corrupt = encode(refs, 2).slice();
  // The block's last reference byte sits before the end marker and the trailer; each is one byte.
  const at = corrupt.length - 2 - PWT_HEADER_SIZE - 1 - (n - 1 - bad);
  corrupt[at] = (63 << 2) | 1;
  return { corrupt, at };
}

/** The message of the error pushing `bytes` into `sink` throws ("no error" if none). */
function feedError(bytes: Uint8Array, sink: NextUseSink | StreamReplay): string {
  try {
    new PwtReplayFeed(sink, { source: "c.pwt" }).push(bytes);
  } catch (e) {
    return (e as Error).message;
  }
  return "no error";
}

/** Streams `bytes` through a StreamReplay in `batch`-sized batches, in `chunk`-byte pushes. */
function streamReplay(
  bytes: Uint8Array,
  policy: string,
  frames: number,
  dense: boolean,
  nextUse: Float64Array | undefined,
): ReturnType<StreamReplay["result"]> {
  const sr = new StreamReplay({ policy, frames, pageSpaceHint: 16, ...(nextUse ? { nextUse } : {}) });
  const dec = new PwtDecoder();
  const batch = 7_000;
  const b = makeBatch(batch);
  const ids = new Int32Array(batch);
  const writes = new Uint8Array(batch);
  const flush = () => {
    if (dense) sr.pushDense(ids, writes, b.count);
    else sr.push(b);
    b.count = 0;
  };
  const chunk = 50_001;
  for (let at = 0; at < bytes.length; at += chunk) {
    dec.push(bytes.subarray(at, at + chunk));
    while (dense ? dec.drainDense(b, ids, writes, sr.ids) : dec.drain(b)) flush();
  }
  while (dense ? dec.drainDense(b, ids, writes, sr.ids) : dec.drain(b)) flush();
  flush();
  dec.end();
  return sr.result();
}

/** The first index below n where a and b differ, or -1 (toEqual on 400,000 entries is slow). */
function firstDifference(a: ArrayLike<number>, b: ArrayLike<number>, n: number): number {
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return -1;
}

describe.each(["sort500", "gzip-words"])("streaming replay from pwt = in-memory replay on %s", (name) => {
  const refs = loadFixture(name, LIMIT);
  const keys = new Float64Array(refs.count);
  for (let i = 0; i < refs.count; i++) keys[i] = pageKey(refs.pids[i]! & MAX_ASID, refs.pages[i]!);
  const d = densify(keys, refs.count);
  const writes = new Uint8Array(refs.count);
  for (let i = 0; i < refs.count; i++) writes[i] = refs.kinds[i]! >= 2 ? 1 : 0;
  const trace = { count: refs.count, pages: d.ids, writes, pageSpace: d.pageSpace };
  const nextUse = annotateNextUse(d.ids, refs.count, d.pageSpace);
  const v1 = encode(refs, 1);
  const v2 = encode(refs, 2);

  it("has the references it should (a real trace that pages)", () => {
    expect(refs.count).toBe(LIMIT);
    expect(d.pageSpace).toBeGreaterThan(100);
  });

  it.each(POLICIES)("%s: same faults, clean and dirty evictions", (policy) => {
    for (const frames of FRAMES) {
      const nu = policy === "opt" ? nextUse : undefined;
      const want = replay(trace, { policy, frames, ...(nu ? { nextUse: nu } : {}) });
      for (const [bytes, dense] of [
        [v1, false],
        [v2, false],
        [v2, true],
        [v1, true],
      ] as const) {
        const got = streamReplay(bytes, policy, frames, dense, nu);
        expect(got.references).toBe(want.references);
        expect([got.faults, got.evictions, got.timeNs]).toEqual([want.faults, want.evictions, want.timeNs]);
      }
    }
  });

  it("assigns the same dense ids as densify, on both paths", () => {
    for (const dense of [false, true]) {
      const sr = new StreamReplay({ policy: "fifo", frames: 8 });
      const dec = new PwtDecoder();
      const b = makeBatch(refs.count);
      const ids = new Int32Array(refs.count);
      const w = new Uint8Array(refs.count);
      dec.push(v2);
      if (dense) dec.drainDense(b, ids, w, sr.ids);
      else {
        dec.drain(b);
        sr.ids.map(b.pages, b.kinds, b.pids, 0, b.count, ids, w);
      }
      expect(b.count).toBe(refs.count);
      expect(firstDifference(ids, d.ids, refs.count)).toBe(-1);
      expect(firstDifference(w, writes, refs.count)).toBe(-1);
    }
  });
});

describe("StreamReplay options", () => {
  it("refuses a future-reading policy without next uses, and too few next uses", () => {
    expect(() => new StreamReplay({ policy: "opt", frames: 4 })).toThrow(/nextUse/);
    const sr = new StreamReplay({ policy: "opt", frames: 4, nextUse: new Float64Array(2) });
    const b = makeBatch(3);
    b.count = 3;
    expect(() => sr.push(b)).toThrow(/at least 3 entries/);
    expect(() => new StreamReplay({ policy: "lru", frames: 0 })).toThrow(/frames/);
  });
});

describe("PwtReplayFeed: dictionary blocks replayed still encoded, token blocks decoded", () => {
  // Three blocks of 65,536 references each: real references (a dictionary block), 65,536 distinct
  // pages (too many for a dictionary: a token block), real references again; then a short block.
  const real = loadFixture("sort500", 3 * 65_536);
  const n = 3 * 65_536 + 10_000;
  const refs = makeBatch(n);
  for (let i = 0; i < n; i++) {
    const inTokens = i >= 65_536 && i < 2 * 65_536;
    const j = i % real.count;
    refs.pages[i] = inTokens ? 5_000_000 + i : real.pages[j]!;
    refs.kinds[i] = inTokens ? i % 4 : real.kinds[j]!;
    refs.pids[i] = real.pids[j]!;
  }
  refs.count = n;
  const keys = new Float64Array(n);
  for (let i = 0; i < n; i++) keys[i] = pageKey(refs.pids[i]! & MAX_ASID, refs.pages[i]!);
  const d = densify(keys, n);
  const writes = new Uint8Array(n);
  for (let i = 0; i < n; i++) writes[i] = refs.kinds[i]! >= 2 ? 1 : 0;
  const bytes = encode(refs, 2);

  function feed(policy: string, frames: number, limit?: number, nextUse?: Float64Array) {
    const sr = new StreamReplay({ policy, frames, pageSpaceHint: 16, ...(nextUse ? { nextUse } : {}) });
    const f = new PwtReplayFeed(sr, { batch: 5_000, ...(limit !== undefined ? { limit } : {}) });
    for (let at = 0; at < bytes.length; at += 30_011) f.push(bytes.subarray(at, at + 30_011));
    f.end();
    return { result: sr.result(), decoder: f.decoder };
  }

  it("has both kinds of block", () => {
    const dec = new PwtDecoder();
    dec.push(bytes);
    const b = makeBatch(n);
    const ids = new Int32Array(n);
    const w = new Uint8Array(n);
    const sr = new StreamReplay({ policy: "fifo", frames: 4 });
    let coded = 0;
    const into = makeCodedRefs();
    for (;;) {
      const k = dec.takeCoded(n, sr.ids, into);
      if (k > 0) {
        coded += k;
        continue;
      }
      b.count = 0;
      if (!dec.drainDenseUntilCoded(b, ids, w, sr.ids)) break;
    }
    expect(coded).toBe(2 * 65_536 + 10_000);
  });

  it.each(["fifo", "clock", "sieve", "lru", "arc", "nfu", "opt"])(
    "%s: same faults as replay, whole and cut short",
    (policy) => {
      for (const limit of [undefined, 65_536 + 123, 2 * 65_536 + 7, n - 1]) {
        const count = limit ?? n;
        const nu = policy === "opt" ? annotateNextUse(d.ids, count, d.pageSpace) : undefined;
        const want = replay(
          { count, pages: d.ids, writes, pageSpace: d.pageSpace },
          { policy, frames: 64, ...(nu ? { nextUse: nu } : {}) },
        );
        const { result, decoder } = feed(policy, 64, limit, nu);
        expect(result.references).toBe(count);
        expect([result.faults, result.evictions, result.timeNs]).toEqual([
          want.faults,
          want.evictions,
          want.timeNs,
        ]);
        if (limit === undefined) expect(decoder.stats.references).toBe(n);
      }
    },
  );

  it("a dictionary entry past the dictionary is a TraceParseError, before anything is replayed", () => {
    const { corrupt, at } = pastDictionary(100, 99);
    const sr = new StreamReplay({ policy: "lru", frames: 2 });
    const f = new PwtReplayFeed(sr);
    expect(() => f.push(corrupt)).toThrow(TraceParseError);
    expect(sr.references).toBe(0);
    // The same error whether the decoder checks the entries (NRU: a policy with a timer; it
    // names the block's first reference) or the replay loop does (every other policy:
    // takeCodedUnchecked; it names the corrupt byte itself).
    const message = (policy: string) => feedError(corrupt, new StreamReplay({ policy, frames: 2 }));
    expect(message("nru")).toMatch(/^c\.pwt:.*past the dictionary of 3/);
    expect(message("fifo")).toMatch(
      new RegExp(`^c\\.pwt:0:${at + 1}: corrupt block: an entry past the dictionary of 3 \\(at byte ${at} `),
    );
    for (const policy of ["lru", "lru-2list", "arc", "lirs", "s3fifo"])
      expect(message(policy)).toBe(message("fifo"));
  });

  it("OPT's next-use pass stops at an entry past the dictionary with the replay loops' error, in its first calls' pieces too", () => {
    // 2,000 references in one dictionary block: the annotation's first calls in the process go
    // in pieces of 512 (ANNOTATE_WARM_CALLS in sim/run.ts); the bad entry, reference 1,000, is in
    // the second, and the pieces after it must not be annotated.
    const { corrupt, at } = pastDictionary(2_000, 1_000);
    const message = (sink: NextUseSink | StreamReplay) => feedError(corrupt, sink);
    for (let round = 0; round < 10; round++) {
      const s = new NextUseSink();
      expect(message(s)).toBe(message(new StreamReplay({ policy: "fifo", frames: 2 })));
      expect(message(s)).toMatch(new RegExp(`past the dictionary of 3 \\(at byte ${at} `));
      expect(s.count).toBe(0);
    }
  });

  it("OPT's next-use pass counts no kinds (the replay after it does) and finds the oracle's next uses", () => {
    const refs = loadFixture("gzip-words", LIMIT);
    const bytes = encode(refs, 2);
    const s = new NextUseSink(16);
    const f = new PwtReplayFeed(s, { batch: 5_000 });
    for (let i = 0; i < bytes.length; i += 30_001) f.push(bytes.subarray(i, i + 30_001));
    f.end();
    expect(f.decoder.stats.references).toBe(LIMIT);
    expect(f.decoder.kindsKnown).toBe(false);
    const replayed = new PwtReplayFeed(new StreamReplay({ policy: "fifo", frames: 32 }), { batch: 5_000 });
    replayed.push(bytes);
    replayed.end();
    expect(replayed.decoder.kindsKnown).toBe(true);
    const keys = new Float64Array(refs.count);
    for (let i = 0; i < refs.count; i++) keys[i] = pageKey(refs.pids[i]! & MAX_ASID, refs.pages[i]!);
    const d = densify(keys, refs.count);
    const want = annotateNextUse(d.ids, refs.count, d.pageSpace);
    const got = s.nextUse;
    expect(got.length).toBe(LIMIT);
    for (let i = 0; i < LIMIT; i++) {
      const w = want[i]!;
      if (got[i] !== (w === Number.POSITIVE_INFINITY ? NO_NEXT_USE : w)) expect([i, got[i]]).toEqual([i, w]);
    }
  });

  it("the kinds are counted the same whether the decoder or the replay loop counts them", () => {
    const refs = loadFixture("gzip-words", LIMIT);
    const bytes = encode(refs, 2);
    const kinds = (policy: string) => {
      const f = new PwtReplayFeed(new StreamReplay({ policy, frames: 32 }), { batch: 5_000 });
      for (let i = 0; i < bytes.length; i += 30_001) f.push(bytes.subarray(i, i + 30_001));
      f.end();
      return [...f.decoder.stats.byKind, f.decoder.stats.references];
    };
    // NRU has a timer: the decoder counts for it (countsCoded false); the others count in their loops.
    const checked = kinds("nru");
    expect(checked[4]).toBe(LIMIT);
    for (const policy of ["fifo", "lru", "sieve", "arc", "lirs", "s3fifo", "lru-2list"])
      expect(kinds(policy)).toEqual(checked);
  });
});
