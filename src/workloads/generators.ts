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

import { ConfigError, UnknownIdError } from "../core/errors.js";
import { makeBatch, REF_LOAD, REF_STORE, type RefBatch } from "./refs.js";
import { DEFAULT_BATCH, type DecodedRefs } from "./trace-decoder.js";
import { WorkloadBuilder } from "./workload.js";

/** sfc32: a small, fast, well-mixed 32-bit generator (PractRand-clean); 128 bits of state. */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    this.a = 0x9e3779b9;
    this.b = 0x243f6a88;
    this.c = 0xb7e15162;
    this.d = (seed >>> 0) ^ Math.floor(seed / 2 ** 32);
    for (let i = 0; i < 15; i++) this.u32();
  }

  /** A uniform 32-bit unsigned integer. */
  u32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** A uniform double in [0, 1). */
  next(): number {
    return this.u32() / 4294967296;
  }

  /** A uniform integer in [0, n). */
  below(n: number): number {
    return Math.floor(this.next() * n);
  }
}

/** A running generator: fills batches until its references are used up. */
export interface RefGenerator {
  /** The spec with every default filled in, for reports. */
  readonly spec: string;
  readonly pageSize: number;
  /** References it produces in all. */
  readonly total: number;
  /**
   * Appends up to `max` references to `out` (from out.count, within its capacity) with pid `pid`;
   * returns how many. 0 means it is exhausted.
   */
  fill(out: RefBatch, max: number, pid: number): number;
}

type Params = Record<string, string>;

/** Reads keys from a parsed term and reports unknown ones. */
class Keys {
  private readonly used = new Set<string>();
  constructor(
    readonly kind: string,
    private readonly p: Params,
  ) {}

  int(key: string, def: number, min = 1, max = 2 ** 53 - 1): number {
    this.used.add(key);
    const raw = this.p[key];
    if (raw === undefined) return def;
    const v = Number(raw);
    if (!/^\s*\d+\s*$/.test(raw) || !Number.isSafeInteger(v) || v < min || v > max) {
      throw new ConfigError(`${this.kind}.${key}`, raw, `an integer from ${min} to ${max}`);
    }
    return v;
  }

  num(key: string, def: number, min: number, max: number): number {
    this.used.add(key);
    const raw = this.p[key];
    if (raw === undefined) return def;
    const v = Number(raw);
    if (raw.trim() === "" || !Number.isFinite(v) || v < min || v > max) {
      throw new ConfigError(`${this.kind}.${key}`, raw, `a number from ${min} to ${max}`);
    }
    return v;
  }

  str<T extends string>(key: string, def: T, allowed: readonly T[]): T {
    this.used.add(key);
    const raw = this.p[key];
    if (raw === undefined) return def;
    if (!(allowed as readonly string[]).includes(raw)) {
      throw new ConfigError(`${this.kind}.${key}`, raw, `one of ${allowed.join(", ")}`);
    }
    return raw as T;
  }

  raw(key: string): string | undefined {
    this.used.add(key);
    return this.p[key];
  }

  /** Throws ConfigError for any key not read. */
  done(): void {
    for (const k of Object.keys(this.p)) {
      if (!this.used.has(k)) {
        throw new ConfigError(
          `${this.kind}.${k}`,
          this.p[k],
          `a key of ${this.kind}: ${[...this.used].join(", ")}`,
        );
      }
    }
  }
}

/** The common part: n references, a seed, a write fraction; subclasses pick pages. */
abstract class PageStream implements RefGenerator {
  readonly pageSize: number = 4096;
  readonly total: number;
  protected readonly rng: Rng;
  protected readonly writes: number;
  private made = 0;

  constructor(
    readonly spec: string,
    total: number,
    seed: number,
    writes: number,
  ) {
    this.total = total;
    this.rng = new Rng(seed);
    this.writes = writes;
  }

  /** The page of reference number `i` (called in order, once each). */
  protected abstract page(i: number): number;

  /** The kind of reference `i`: a store with probability `writes`. */
  protected kind(_i: number): number {
    return this.writes > 0 && this.rng.next() < this.writes ? REF_STORE : REF_LOAD;
  }

  fill(out: RefBatch, max: number, pid: number): number {
    const n = Math.min(max, this.total - this.made, out.pages.length - out.count);
    let j = out.count;
    for (let k = 0; k < n; k++) {
      const i = this.made++;
      out.pages[j] = this.page(i);
      out.kinds[j] = this.kind(i);
      out.pids[j] = pid;
      j++;
    }
    out.count = j;
    return n;
  }
}

class RefString extends PageStream {
  constructor(
    spec: string,
    private readonly pages: Float64Array,
    private readonly stores: Uint8Array,
    repeat: number,
  ) {
    super(spec, pages.length * repeat, 1, 0);
  }
  protected page(i: number): number {
    return this.pages[i % this.pages.length]!;
  }
  protected override kind(i: number): number {
    return this.stores[i % this.pages.length] ? REF_STORE : REF_LOAD;
  }
}

class Seq extends PageStream {
  constructor(
    spec: string,
    n: number,
    seed: number,
    writes: number,
    private readonly start: number,
    private readonly pages: number,
  ) {
    super(spec, n, seed, writes);
  }
  protected page(i: number): number {
    return this.start + (i % this.pages);
  }
}

class Uniform extends PageStream {
  constructor(
    spec: string,
    n: number,
    seed: number,
    writes: number,
    private readonly pages: number,
  ) {
    super(spec, n, seed, writes);
  }
  protected page(): number {
    return this.rng.below(this.pages);
  }
}

/** Zipf by inversion of the cumulative weights (binary search in a table of `pages` doubles). */
class Zipf extends PageStream {
  private readonly cdf: Float64Array;
  constructor(spec: string, n: number, seed: number, writes: number, pages: number, alpha: number) {
    super(spec, n, seed, writes);
    this.cdf = new Float64Array(pages);
    let sum = 0;
    for (let k = 0; k < pages; k++) {
      sum += 1 / (k + 1) ** alpha;
      this.cdf[k] = sum;
    }
    for (let k = 0; k < pages; k++) this.cdf[k]! /= sum;
  }
  protected page(): number {
    const u = this.rng.next();
    const cdf = this.cdf;
    let lo = 0;
    let hi = cdf.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cdf[mid]! > u) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }
}

class Phases extends PageStream {
  private base = 0;
  private readonly phaseLength: number;
  constructor(
    spec: string,
    n: number,
    seed: number,
    writes: number,
    private readonly pages: number,
    private readonly ws: number,
    phases: number,
    private readonly locality: number,
  ) {
    super(spec, n, seed, writes);
    this.phaseLength = Math.max(1, Math.ceil(n / phases));
  }
  protected page(i: number): number {
    if (i % this.phaseLength === 0) this.base = this.rng.below(this.pages - this.ws + 1);
    if (this.rng.next() < this.locality) return this.base + this.rng.below(this.ws);
    return this.rng.below(this.pages);
  }
}

class Matrix extends PageStream {
  override readonly pageSize: number;
  constructor(
    spec: string,
    n: number,
    seed: number,
    writes: number,
    private readonly rows: number,
    private readonly cols: number,
    private readonly elem: number,
    private readonly byCols: boolean,
    pageSize: number,
  ) {
    super(spec, n, seed, writes);
    this.pageSize = pageSize;
  }
  protected page(i: number): number {
    const cell = i % (this.rows * this.cols);
    const r = this.byCols ? cell % this.rows : Math.floor(cell / this.cols);
    const c = this.byCols ? Math.floor(cell / this.rows) : cell % this.cols;
    return Math.floor(((r * this.cols + c) * this.elem) / this.pageSize);
  }
}

/** Round-robin over several generators, `quantum` references at a time; process i has pid i+1. */
class Mix implements RefGenerator {
  readonly total: number;
  readonly pageSize: number;
  private cur = 0;
  private leftInQuantum: number;
  private readonly live: boolean[];

  constructor(
    readonly spec: string,
    private readonly procs: readonly RefGenerator[],
    private readonly quantum: number,
  ) {
    this.total = procs.reduce((s, g) => s + g.total, 0);
    this.pageSize = procs[0]!.pageSize;
    if (procs.some((g) => g.pageSize !== this.pageSize)) {
      throw new ConfigError("mix", spec, "processes with one page size");
    }
    this.leftInQuantum = quantum;
    this.live = procs.map(() => true);
  }

  fill(out: RefBatch, max: number, _pid: number): number {
    let made = 0;
    while (made < max && out.count < out.pages.length) {
      if (!this.live.some((l) => l)) break;
      if (!this.live[this.cur]) {
        this.advance();
        continue;
      }
      const got = this.procs[this.cur]!.fill(out, Math.min(this.leftInQuantum, max - made), this.cur + 1);
      made += got;
      this.leftInQuantum -= got;
      if (got === 0) this.live[this.cur] = false;
      if (got === 0 || this.leftInQuantum === 0) this.advance();
    }
    return made;
  }

  private advance(): void {
    this.cur = (this.cur + 1) % this.procs.length;
    this.leftInQuantum = this.quantum;
  }
}

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

function parseTerm(term: string): { kind: string; params: Params } {
  const t = term.trim();
  const colon = t.indexOf(":");
  const kind = (colon < 0 ? t : t.slice(0, colon)).trim();
  const params: Params = {};
  if (colon >= 0) {
    const body = t.slice(colon + 1);
    if (kind === "refs" && !body.includes("=")) {
      params.pages = body.replace(/,/g, " ");
    } else if (body.trim() !== "") {
      for (const kv of body.split(",")) {
        const eq = kv.indexOf("=");
        if (eq < 0) throw new ConfigError(`${kind} parameter`, kv.trim(), "key=value");
        const key = kv.slice(0, eq).trim();
        if (key in params) throw new ConfigError(`${kind}.${key}`, kv.trim(), "each key once");
        params[key] = kv.slice(eq + 1).trim();
      }
    }
  }
  return { kind, params };
}

function fmt(kind: string, parts: Record<string, string | number>): string {
  return `${kind}:${Object.entries(parts)
    .map(([k, v]) => `${k}=${v}`)
    .join(",")}`;
}

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
