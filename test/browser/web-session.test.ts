// The web app's model (web/src/session.ts) against the engine, in Node: stepping forwards gives
// the Stepper's records; stepping back, jumping and switching policies land in exactly the state a
// forwards-only run with the same switches reaches; a switch faults as replay()'s switchAt does.

import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { runCli } from "../../cli/test-helpers.js";
import { ConfigError } from "../../src/core/errors.js";
import { policyIds } from "../../src/policies/registry.js";
import { densify } from "../../src/sim/replay.js";
import { replay } from "../../src/sim/replay-trace.js";
import { Stepper, stepAll } from "../../src/sim/steps.js";
import { Rng } from "../../src/workloads/generators.js";
import {
  gunzipIfNeeded,
  MAX_TRACE_BYTES,
  missRatioCurves,
  refsFromGenerator,
  refsFromString,
  refsFromTrace,
  Session,
} from "../../web/src/session.js";

const BELADY = "1,2,3,4,1,2,5,1,2,3,4,5";

/** Everything the page shows of a session's state. */
function snapshot(s: Session) {
  return {
    position: s.position,
    policy: s.policy,
    hits: s.hits,
    misses: s.misses,
    frames: s.frameTable(),
    view: s.policyView(),
    log: s.log,
    missesAt: Array.from(s.missesAt.subarray(0, s.position + 1)),
  };
}

describe("web session", () => {
  it("steps as the engine's Stepper does", () => {
    const refs = refsFromString(`${BELADY},${BELADY}`);
    const s = new Session(refs, "fifo", 3);
    for (let i = 0; i < 20; i++) expect(s.step()).toBe(true);
    const recs = stepAll(refs, { policy: "fifo", frames: 3 });
    expect(s.last).toEqual(recs[19]);
    expect(s.hits).toBe(recs[19]!.hits);
    expect(s.misses).toBe(recs[19]!.misses);
    // FIFO's queue, oldest first, holds the resident pages; the frame table shows the same pages.
    const resident = s
      .frameTable()
      .filter((f) => f.page >= 0)
      .map((f) => f.page)
      .sort();
    expect(recs[19]!.lists[0]!.entries.map((e) => e.page).sort()).toEqual(resident);
  });

  it("steps back and jumps to exactly the state of a forwards run, for every policy", () => {
    const refs = refsFromGenerator("zipf:pages=12,alpha=0.8,n=120,seed=3");
    for (const policy of policyIds()) {
      const s = new Session(refs, policy, 4);
      s.seek(70);
      const forward = new Session(refs, policy, 4);
      for (let i = 0; i < 65; i++) forward.step();
      s.back();
      s.back();
      s.back();
      s.back();
      s.back();
      expect(snapshot(s), policy).toEqual(snapshot(forward));
      expect(s.rebuilds).toBe(5);
    }
  });

  it("keeps policy switches across step back and forwards again", () => {
    const refs = refsFromGenerator("zipf:pages=15,alpha=0.7,n=200,seed=9");
    const rng = new Rng(42);
    const ids = policyIds();
    for (let round = 0; round < 20; round++) {
      const s = new Session(refs, "fifo", 5);
      const switches: { at: number; policy: string }[] = [];
      for (let k = 0; k < 3; k++) {
        s.seek(s.position + 1 + Math.floor(rng.next() * 40));
        const p = ids[Math.floor(rng.next() * ids.length)]!;
        s.switchPolicy(p);
        switches.push({ at: s.position, policy: p });
      }
      const target = Math.floor(rng.next() * s.count);
      const end = Math.min(s.count, s.position + 30);
      s.seek(end);
      s.seek(target);
      const forward = new Session(refs, "fifo", 5);
      let next = 0;
      while (forward.position < target) {
        while (next < switches.length && switches[next]!.at === forward.position)
          forward.switchPolicy(switches[next++]!.policy);
        forward.step();
      }
      while (next < switches.length && switches[next]!.at === forward.position)
        forward.switchPolicy(switches[next++]!.policy);
      expect(snapshot(s), `round ${round}: ${JSON.stringify(switches)} → ${target}`).toEqual(
        snapshot(forward),
      );
    }
  });

  it("a switch after stepping back replaces the counts the old run had past it", () => {
    const refs = refsFromGenerator("zipf:pages=25,alpha=0.6,n=300,seed=11");
    const s = new Session(refs, "fifo", 4);
    s.seek(250);
    s.seek(100);
    s.switchPolicy("opt");
    s.seek(250);
    s.seek(240);
    const forward = new Session(refs, "fifo", 4);
    forward.seek(100);
    forward.switchPolicy("opt");
    for (let i = 100; i < 240; i++) forward.step();
    expect(snapshot(s)).toEqual(snapshot(forward));
    // OPT faults less than FIFO here, so a stale curve would show.
    const fifo = new Session(refs, "fifo", 4);
    fifo.seek(240);
    expect(s.missesAt[240]).toBeLessThan(fifo.missesAt[240]!);
  });

  it("a switch mid-run faults as replay()'s switchAt does", () => {
    const refs = refsFromGenerator("zipf:pages=30,alpha=0.9,n=600,seed=5");
    const d = densify(refs.pages, refs.count);
    for (const [first, then] of [
      ["fifo", "lru"],
      ["clock", "opt"],
      ["arc", "lfu"],
    ] as const) {
      const s = new Session(refs, first, 6);
      s.seek(250);
      s.switchPolicy(then);
      s.seek(refs.count);
      const r = replay(
        { count: refs.count, pages: d.ids, pageSpace: d.pageSpace },
        { policy: first, frames: 6, switchAt: [{ at: 250, policy: then }] },
      );
      expect(s.misses, `${first} → ${then}`).toBe(r.faults);
      expect(s.hits).toBe(r.hits);
    }
  });

  it("Stepper.skipTo faults as next() does", () => {
    const refs = refsFromGenerator("zipf:pages=20,alpha=0.8,n=300,seed=2");
    for (const policy of ["fifo", "lru", "clock", "opt", "arc", "aging"]) {
      const a = new Stepper(refs, { policy, frames: 5 });
      const b = new Stepper(refs, { policy, frames: 5 });
      a.skipTo(157);
      for (let i = 0; i < 157; i++) b.next();
      expect(a.position).toBe(157);
      expect([a.hits, a.misses, a.frames(), a.view()], policy).toEqual([
        b.hits,
        b.misses,
        b.frames(),
        b.view(),
      ]);
      expect(a.next(), policy).toEqual(b.next());
    }
  });

  it("reads a trace file's bytes as the CLI's decoders do, and names a bad line", () => {
    const text = "# pid page kind\n1\n2 W\n0x3\n1 R\n2 4\n";
    const r = refsFromTrace("small.txt", new TextEncoder().encode(text));
    expect(r.label).toBe("small.txt (text)");
    expect(Array.from(r.pages)).toEqual([1, 2, 3, 1, 4]);
    expect(Array.from(r.pids)).toEqual([0, 0, 0, 0, 2]);
    expect(Array.from(r.kinds.subarray(0, 2))).toEqual([1, 2]);
    expect(() => refsFromTrace("bad.txt", new TextEncoder().encode("1\n2\nzz\n"))).toThrow(/bad\.txt:3:1/);
    expect(() => refsFromTrace("t.gz", Uint8Array.from([0x1f, 0x8b, 8, 0]))).toThrow(/gzip: decompress/);
    expect(() => refsFromTrace("big", new Uint8Array(MAX_TRACE_BYTES + 1))).toThrow(/at most/);
    const long = refsFromTrace("long.txt", new TextEncoder().encode("1\n2\n".repeat(60_000)));
    expect(long.count).toBe(100_000);
    expect(long.label).toBe("long.txt (text, first 100000)");
  });

  it("decompresses a bundled pwt trace and reads its first 100000 references as the CLI does", async () => {
    const file = resolve("test/fixtures/traces/sort500.pwt");
    const plain = await gunzipIfNeeded("sort500.pwt", readFileSync(file));
    expect(plain).toEqual(new Uint8Array(gunzipSync(readFileSync(file))));
    const r = refsFromTrace("sort500.pwt", plain);
    expect(r.label).toBe("sort500.pwt (pwt, first 100000)");
    const cli = await runCli([
      "run",
      "--trace",
      file,
      "--limit",
      "100000",
      "--policy",
      "clock",
      "--frames",
      "32",
      "--json",
    ]);
    expect(cli.code, cli.stderr).toBe(0);
    const s = new Session(r, "clock", 32);
    s.seek(r.count);
    expect(s.misses).toBe(JSON.parse(cli.stdout).faults);
    // Coarser pages, as the CLI's --page-size makes them; finer than the trace's are refused.
    const big = refsFromTrace("sort500.pwt", plain, 16384);
    expect(big.label).toBe("sort500.pwt (pwt, 16384-byte pages, first 100000)");
    const cli16 = await runCli([
      "run",
      "--trace",
      file,
      "--page-size",
      "16384",
      "--limit",
      "100000",
      "--policy",
      "clock",
      "--frames",
      "8",
      "--json",
    ]);
    expect(cli16.code, cli16.stderr).toBe(0);
    const s16 = new Session(big, "clock", 8);
    s16.seek(big.count);
    expect(s16.misses).toBe(JSON.parse(cli16.stdout).faults);
    expect(() => refsFromTrace("sort500.pwt", plain, 1024)).toThrow(/pageSize.*cannot be split/);
    await expect(gunzipIfNeeded("bad.gz", Uint8Array.from([0x1f, 0x8b, 8, 0, 1, 2, 3]))).rejects.toThrow(
      /valid gzip/,
    );
    // zstd: decoded in the page (no Node APIs), a truncated stream named with its offset.
    await expect(gunzipIfNeeded("t.zst", Uint8Array.from([0x28, 0xb5, 0x2f, 0xfd, 0]))).rejects.toThrow(
      /t\.zst: truncated zstd stream: the file ends at byte 5/,
    );
    const fx = (f: string) => readFileSync(resolve("test/fixtures", f));
    const pages = fx("traces/run.pages").toString("utf8").split("\n").slice(0, 5000).join("\n");
    const zPages = await gunzipIfNeeded("small.pages.zst", fx("integrity/small.pages.zst"));
    expect(new TextDecoder().decode(zPages)).toBe(`${pages}\n`);
    const zPwt = await gunzipIfNeeded("small.pwt.zst", fx("integrity/small.pwt.zst"));
    expect(Buffer.from(zPwt).equals(gunzipSync(fx("integrity/small.pwt")))).toBe(true);
    expect(refsFromTrace("small.pwt.zst", zPwt).count).toBe(5000);
    // A damaged byte in the middle: a typed error naming the file, never other references.
    const bad = new Uint8Array(fx("integrity/small.pages.zst"));
    bad[200] = bad[200]! ^ 0xff;
    await expect(gunzipIfNeeded("bad.zst", bad)).rejects.toThrow(/^bad\.zst: /);
    const text = new TextEncoder().encode("1\n");
    expect(await gunzipIfNeeded("t.txt", text)).toBe(text);
  });

  it("the miss-ratio curves give replay's LRU and OPT faults at every frame count tried", () => {
    const refs = refsFromGenerator("zipf:pages=60,alpha=0.8,n=3000,seed=8 + loop:pages=20,n=500");
    const c = missRatioCurves(refs);
    const keys = Float64Array.from(refs.pages, (p, i) =>
      refs.pids[i] === 0 ? p : refs.pids[i]! * 2 ** 40 + p,
    );
    const d = densify(keys, refs.count);
    expect(c.distinct).toBe(d.pageSpace);
    for (const frames of [1, 2, 5, 17, 40, 79, 200]) {
      for (const policy of ["lru", "opt"] as const) {
        const r = replay({ count: refs.count, pages: d.ids, pageSpace: d.pageSpace }, { policy, frames });
        const curve = policy === "lru" ? c.lru : c.opt;
        expect(curve[Math.min(frames, curve.length - 1)], `${policy} ${frames}`).toBe(r.faults);
      }
    }
  });

  it("refuses bad input with the problem named", () => {
    expect(() => refsFromString("1,2,x")).toThrow(ConfigError);
    expect(() => refsFromString("1,2,x")).toThrow(/reference string/);
    expect(() => refsFromString("  ")).toThrow(/reference string/);
    expect(() => refsFromGenerator("zipf:pages=10,n=100001")).toThrow(/at most 100000/);
    expect(() => refsFromGenerator("nosuch:n=3")).toThrow(/nosuch/);
    const s = new Session(refsFromString(BELADY), "fifo", 3);
    expect(() => s.switchPolicy("nosuch")).toThrow(/nosuch/);
    expect(s.policy).toBe("fifo");
    for (const frames of [0, 2.5, Number.NaN, 1e9])
      expect(() => new Session(refsFromString(BELADY), "fifo", frames)).toThrow(/invalid frames.*1 to 65536/);
    const plain = new Stepper(refsFromString(BELADY), { policy: "fifo", frames: 3 });
    expect(() => plain.use("opt")).toThrow(/future/);
  });
});
