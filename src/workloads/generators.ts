// Synthetic workloads, seeded and deterministic: the same spec gives the same references on every
// machine. A spec is `kind:key=value,...` (the CLI's --gen), or several joined by " + " to run as
// separate processes in round-robin quanta:
//   refs:pages=1 2 3 4 1 2 5w,repeat=1     a reference string (a w suffix marks a store); also
//   refs:1,2,3,4,1,2,5w                    the short form
//   seq:n=1000,start=0                     sequential scan: pages start, start+1, ... once each
//   loop:pages=64,n=10000                  loop over pages 0..pages-1
//   uniform:pages=1000,n=100000            uniform random pages
//   zipf:pages=1000,alpha=0.9,n=100000     Zipf(alpha): page k (0-based) with weight 1/(k+1)^alpha
//   phases:pages=1000,ws=50,phases=10,locality=0.9,n=100000
//                                          working-set phases: each phase a random window of ws
//                                          pages takes `locality` of the references, the rest uniform
//   matrix:rows=256,cols=256,elem=8,order=cols,pagesize=4096,repeat=1
//                                          a row-major matrix traversed by rows or by columns, one
//                                          reference per element
//   mix:procs=4,quantum=100,gen=zipf,...   `procs` processes of one kind (other keys go to it)
//   zipf:pages=100 + loop:pages=20         processes 1 and 2, quantum 100 (a `mix:quantum=Q` term
//                                          before them sets it)
// Common keys: n (references), seed (default 1), writes (fraction of stores, default 0.25; refs
// uses its w marks instead). Single-process generators use pid 0, a mix pids 1..K.
// This file reads specs and builds generators; the families are in gen-fixed.ts (refs, seq, loop,
// matrix), gen-random.ts (uniform, zipf, phases) and gen-mix.ts, their common part in
// gen-stream.ts, the spec's terms and keys in gen-keys.ts, the random generator in rng.ts.

import { ConfigError, UnknownIdError } from "../core/errors.js";
import { Matrix, RefString, Seq } from "./gen-fixed.js";
import { fmt, Keys, type Params, parseTerm } from "./gen-keys.js";
import { Mix } from "./gen-mix.js";
import { Phases, Uniform, Zipf } from "./gen-random.js";
import type { RefGenerator } from "./gen-stream.js";
import { makeBatch, type RefBatch } from "./refs.js";
import { DEFAULT_BATCH, type DecodedRefs } from "./trace-decoder.js";
import { WorkloadBuilder } from "./workload.js";

export type { RefGenerator } from "./gen-stream.js";
export { Rng } from "./rng.js";

/** Generator kinds and a line on each, for help texts. */
export const GENERATORS = {
  refs: "a reference string: refs:pages=1 2 3 4 1 2 5,repeat=1 (3w marks a store)",
  seq: "sequential scan, each page once: seq:n=1000,start=0",
  loop: "loop over N pages: loop:pages=64,n=10000",
  uniform: "uniform random pages: uniform:pages=1000,n=100000",
  zipf: "Zipf(alpha) popularity: zipf:pages=1000,alpha=0.9,n=100000",
  phases: "working-set phases with locality shifts: phases:pages=1000,ws=50,phases=10,locality=0.9",
  matrix: "matrix traversal: matrix:rows=256,cols=256,elem=8,order=rows|cols,pagesize=4096",
  mix: "several processes: mix:procs=4,quantum=100,gen=zipf,... or A + B + C",
} as const;

type Kind = keyof typeof GENERATORS;
const KINDS = Object.keys(GENERATORS) as Kind[];

const DEFAULT_N = 100_000;
const MAX_TABLE_PAGES = 1 << 24;

function build(kind: string, params: Params, defaultSeed: number): RefGenerator {
  if (!(KINDS as string[]).includes(kind)) throw new UnknownIdError("generator", kind, KINDS);
  const k = new Keys(kind, params);
  if (kind === "refs") {
    const list = k.raw("pages") ?? k.raw("list");
    const repeat = k.int("repeat", 1);
    k.done();
    if (list === undefined || list.trim() === "")
      throw new ConfigError("refs.pages", list, "page numbers such as 1 2 3 4w");
    const toks = list.trim().split(/[\s;|/]+/);
    const pages = new Float64Array(toks.length);
    const stores = new Uint8Array(toks.length);
    toks.forEach((tok, i) => {
      const m = /^(\d+)([wW]?)$/.exec(tok);
      if (!m || !Number.isSafeInteger(Number(m[1])))
        throw new ConfigError("refs.pages", tok, "a page number, with w for a store");
      pages[i] = Number(m[1]);
      stores[i] = m[2] ? 1 : 0;
    });
    return new RefString(fmt(kind, { pages: toks.join(" "), repeat }), pages, stores, repeat);
  }
  if (kind === "mix") {
    const procs = k.int("procs", 4, 1, 8191);
    const quantum = k.int("quantum", 100);
    const gen = k.str(
      "gen",
      "phases",
      KINDS.filter((x) => x !== "mix" && x !== "refs"),
    );
    const seed = k.int("seed", defaultSeed, 0);
    const inner: Params = {};
    for (const [key, v] of Object.entries(params))
      if (!["procs", "quantum", "gen", "seed"].includes(key)) inner[key] = v;
    const subs = Array.from({ length: procs }, (_, i) => build(gen, inner, seed + i));
    const innerSpec = subs[0]!.spec.slice(gen.length + 1).replace(/,?seed=\d+/, "");
    return new Mix(
      `mix:procs=${procs},quantum=${quantum},seed=${seed},gen=${gen}${innerSpec ? `,${innerSpec}` : ""}`,
      subs,
      quantum,
    );
  }
  const n = k.int("n", kind === "seq" ? 1000 : DEFAULT_N);
  const seed = k.int("seed", defaultSeed, 0);
  const writes = k.num("writes", 0.25, 0, 1);
  const common = { n, seed, writes };
  switch (kind as Exclude<Kind, "refs" | "mix">) {
    case "seq": {
      const start = k.int("start", 0, 0);
      k.done();
      return new Seq(fmt(kind, { ...common, start }), n, seed, writes, start, Number.POSITIVE_INFINITY);
    }
    case "loop": {
      const pages = k.int("pages", 64);
      const start = k.int("start", 0, 0);
      k.done();
      return new Seq(fmt(kind, { pages, start, ...common }), n, seed, writes, start, pages);
    }
    case "uniform": {
      const pages = k.int("pages", 1000);
      k.done();
      return new Uniform(fmt(kind, { pages, ...common }), n, seed, writes, pages);
    }
    case "zipf": {
      const pages = k.int("pages", 1000, 1, MAX_TABLE_PAGES);
      const alpha = k.num("alpha", 0.9, 0, 10);
      k.done();
      return new Zipf(fmt(kind, { pages, alpha, ...common }), n, seed, writes, pages, alpha);
    }
    case "phases": {
      const pages = k.int("pages", 1000);
      const ws = k.int("ws", Math.min(50, pages), 1, pages);
      const phases = k.int("phases", 10);
      const locality = k.num("locality", 0.9, 0, 1);
      k.done();
      return new Phases(
        fmt(kind, { pages, ws, phases, locality, ...common }),
        n,
        seed,
        writes,
        pages,
        ws,
        phases,
        locality,
      );
    }
    case "matrix": {
      const rows = k.int("rows", 256);
      const cols = k.int("cols", 256);
      const elem = k.int("elem", 8);
      const order = k.str("order", "rows", ["rows", "cols"]);
      const pageSize = k.int("pagesize", 4096);
      if ((pageSize & (pageSize - 1)) !== 0)
        throw new ConfigError("matrix.pagesize", pageSize, "a power of two");
      const repeat = k.int("repeat", 1);
      const total = k.raw("n") === undefined ? rows * cols * repeat : n;
      const w = k.raw("writes") === undefined ? 0 : writes;
      k.done();
      return new Matrix(
        fmt(kind, { rows, cols, elem, order, pagesize: pageSize, n: total, seed, writes: w }),
        total,
        seed,
        w,
        rows,
        cols,
        elem,
        order === "cols",
        pageSize,
      );
    }
  }
}

/**
 * Builds a generator from a spec (see the file comment). Throws UnknownIdError for an unknown
 * kind and ConfigError, naming `kind.key`, for a bad or unknown key.
 */
export function parseGenerator(spec: string): RefGenerator {
  const terms = spec.split(/\s\+\s|\+(?=\s*[a-z]+:)/).filter((t) => t.trim() !== "");
  if (terms.length === 0)
    throw new ConfigError("gen", spec, "a generator spec such as zipf:pages=1000,alpha=0.9");
  if (terms.length === 1) {
    const { kind, params } = parseTerm(terms[0]!);
    return build(kind, params, 1);
  }
  let quantum = 100;
  let first = 0;
  const head = parseTerm(terms[0]!);
  if (head.kind === "mix") {
    const k = new Keys("mix", head.params);
    quantum = k.int("quantum", 100);
    k.done();
    first = 1;
  }
  const subs = terms.slice(first).map((t, i) => {
    const { kind, params } = parseTerm(t);
    if (kind === "mix") throw new ConfigError("gen", t.trim(), "a mix term only first, as mix:quantum=Q");
    return build(kind, params, i + 1);
  });
  return new Mix(`mix:quantum=${quantum} + ${subs.map((g) => g.spec).join(" + ")}`, subs, quantum);
}

/** Yields one reused batch at a time until the generator is exhausted. */
export function* generateBatches(gen: RefGenerator, batchSize = DEFAULT_BATCH): Generator<RefBatch> {
  const batch = makeBatch(batchSize);
  for (;;) {
    batch.count = 0;
    while (batch.count < batchSize && gen.fill(batch, batchSize - batch.count, 0) > 0) {}
    if (batch.count === 0) return;
    yield batch;
  }
}

/** Every reference of a spec, in memory. */
export function generateAll(
  spec: string,
): DecodedRefs & { readonly spec: string; readonly pageSize: number } {
  const gen = parseGenerator(spec);
  const acc = new WorkloadBuilder();
  for (const b of generateBatches(gen)) acc.append(b);
  return { ...acc.refs(), spec: gen.spec, pageSize: gen.pageSize };
}
