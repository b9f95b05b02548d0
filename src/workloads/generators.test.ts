import { describe, expect, it } from "vitest";
import { ConfigError, UnknownIdError } from "../core/errors.js";
import { generateAll, parseGenerator, Rng } from "./generators.js";
import { REF_LOAD, REF_STORE } from "./refs.js";

const SPECS = [
  "refs:pages=1 2 3 4 1 2 5w",
  "seq:n=500,start=10",
  "loop:pages=16,n=1000",
  "uniform:pages=100,n=5000,seed=3",
  "zipf:pages=1000,alpha=0.9,n=20000,seed=1",
  "phases:pages=500,ws=20,phases=5,n=10000",
  "matrix:rows=64,cols=64,elem=8,order=cols",
  "mix:procs=3,quantum=50,gen=zipf,pages=100,n=1000",
  "zipf:pages=100,n=300 + loop:pages=10,n=200",
];

describe("generators", () => {
  it.each(SPECS)("%s is deterministic and its canonical spec regenerates it", (spec) => {
    const a = generateAll(spec);
    const b = generateAll(spec);
    expect(a.count).toBeGreaterThan(0);
    expect(Array.from(b.pages)).toEqual(Array.from(a.pages));
    expect(Array.from(b.kinds)).toEqual(Array.from(a.kinds));
    expect(Array.from(b.pids)).toEqual(Array.from(a.pids));
    const c = generateAll(a.spec);
    expect(Array.from(c.pages)).toEqual(Array.from(a.pages));
    expect(parseGenerator(spec).total).toBe(a.count);
  });

  it("changes with the seed", () => {
    const a = generateAll("uniform:pages=1000,n=100,seed=1");
    const b = generateAll("uniform:pages=1000,n=100,seed=2");
    expect(Array.from(a.pages)).not.toEqual(Array.from(b.pages));
  });

  it("makes a reference string, with w marking stores", () => {
    const r = generateAll("refs:1,2,3w,1");
    expect(Array.from(r.pages)).toEqual([1, 2, 3, 1]);
    expect(Array.from(r.kinds)).toEqual([REF_LOAD, REF_LOAD, REF_STORE, REF_LOAD]);
  });

  it("scans, loops and traverses a matrix in the right order", () => {
    expect(Array.from(generateAll("seq:n=4,start=7,writes=0").pages)).toEqual([7, 8, 9, 10]);
    expect(Array.from(generateAll("loop:pages=3,n=7").pages)).toEqual([0, 1, 2, 0, 1, 2, 0]);
    const rows = generateAll("matrix:rows=4,cols=1024,elem=8,order=rows,pagesize=4096");
    const cols = generateAll("matrix:rows=4,cols=1024,elem=8,order=cols,pagesize=4096");
    expect(Array.from(rows.pages.subarray(0, 3))).toEqual([0, 0, 0]);
    expect(Array.from(cols.pages.subarray(0, 5))).toEqual([0, 2, 4, 6, 0]);
    expect(rows.count).toBe(4096);
  });

  it("skews Zipf towards low pages and keeps phases inside their window", () => {
    const z = generateAll("zipf:pages=1000,alpha=1.2,n=20000");
    const top = Array.from(z.pages).filter((p) => p < 10).length;
    expect(top / z.count).toBeGreaterThan(0.5);
    const ph = generateAll("phases:pages=10000,ws=10,phases=1,locality=1,n=1000");
    const pages = new Set(ph.pages);
    expect(pages.size).toBeLessThanOrEqual(10);
  });

  it("interleaves processes in quanta with pids 1..K", () => {
    const m = generateAll("mix:procs=2,quantum=3,gen=loop,pages=5,n=6");
    expect(Array.from(m.pids)).toEqual([1, 1, 1, 2, 2, 2, 1, 1, 1, 2, 2, 2]);
    const j = generateAll("mix:quantum=2 + seq:n=3 + seq:n=1,start=50");
    expect(Array.from(j.pids)).toEqual([1, 1, 2, 1]);
    expect(Array.from(j.pages)).toEqual([0, 1, 50, 2]);
  });

  it("gives clear ConfigErrors naming the key", () => {
    expect(() => parseGenerator("zipf:pages=0")).toThrow(ConfigError);
    expect(() => parseGenerator("zipf:pages=0")).toThrow(/zipf\.pages/);
    expect(() => parseGenerator("zipf:alpha=x")).toThrow(/zipf\.alpha/);
    expect(() => parseGenerator("zipf:color=red")).toThrow(/zipf\.color/);
    expect(() => parseGenerator("zipf:pages")).toThrow(/key=value/);
    expect(() => parseGenerator("matrix:order=diag")).toThrow(/rows, cols/);
    expect(() => parseGenerator("nope:n=1")).toThrow(UnknownIdError);
    expect(() => parseGenerator("refs:1,x")).toThrow(/refs\.pages/);
    expect(() => parseGenerator("")).toThrow(ConfigError);
  });

  it("draws uniform doubles from a fixed sequence", () => {
    const r = new Rng(42);
    const xs = Array.from({ length: 1000 }, () => r.next());
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(new Rng(42).next()).toBe(xs[0]);
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.05);
  });
});
