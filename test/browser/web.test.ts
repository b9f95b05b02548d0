// The web app in a real browser (Debian's chromium through playwright-core): the test builds the
// app itself (vite, into a temporary folder), opens its index.html from file:// with the network
// off, and checks what the page shows against the engine run in Node: 20 references of Belady's
// string under FIFO with 3 frames, 5 steps back, a policy switch mid-run, a generator played to
// the end, a bad string refused. Saves screenshots to docs/figures/ only when
// PAGEWISE_UPDATE_FIGURES=1 (so a test run never changes tracked files).
// Skips itself only outside CI when chromium is missing (and says why); in CI it must run.

import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { gunzipSync } from "node:zlib";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Expected, makeQuiz } from "../../src/quiz/index.js";
import { densify } from "../../src/sim/replay.js";
import { replay } from "../../src/sim/replay-trace.js";
import { Stepper } from "../../src/sim/steps.js";
import { refsFromGenerator, refsFromString, refsFromTrace } from "../../web/src/session.js";
import { skipBrowser } from "./charts.js";
import { webApp } from "./web-app.js";

const skip = skipBrowser;

const BELADY = "1,2,3,4,1,2,5,1,2,3,4,5";
const BELADY_TWICE = `${BELADY},${BELADY}`;
const UPDATE_FIGURES = process.env.PAGEWISE_UPDATE_FIGURES === "1";

const app = webApp("pagewise-web-");
const { work, out, errors, requests } = app;
let page: Page;

beforeAll(async () => {
  if (skip) return;
  await app.open();
  page = app.page;
}, 120_000);

afterAll(() => app.close());

/** What the page shows: counters, the frame table and the policy's lists (read in the page). */
async function shown(p: Page): Promise<{ position: number }> {
  return p.evaluate(`(() => {
    const text = (sel) => document.querySelector(sel)?.textContent ?? "";
    return {
      position: Number(text("#position")),
      hits: Number(text("#hits")),
      misses: Number(text("#misses")),
      policy: text("#current-policy"),
      frames: [...document.querySelectorAll("#frame-table tbody tr")].map((r) => {
        const cells = [...r.querySelectorAll("td")].map((c) => c.textContent ?? "");
        return {
          frame: Number(cells[0]),
          page: r.dataset.page === "" ? -1 : Number(r.dataset.page),
          r: cells[2],
          d: cells[3],
        };
      }),
      lists: [...document.querySelectorAll("#policy .list")].map((l) => ({
        name: l.dataset.list,
        pages: [...l.querySelectorAll("li:not(.empty)")].map((e) =>
          (e.textContent ?? "").replace(/^.*▶ /, "").replace(/\\[.*\\]$/, ""),
        ),
      })),
    };
  })()`);
}

/** The same from the engine's Stepper. */
function expected(s: Stepper, policy: string) {
  return {
    position: s.position,
    hits: s.hits,
    misses: s.misses,
    policy,
    frames: s.frames().map((f) => ({
      frame: f.frame,
      page: f.page,
      r: f.page < 0 ? "" : f.referenced ? "1" : "0",
      d: f.page < 0 ? "" : f.dirty ? "1" : "0",
    })),
    lists: s.view().lists.map((l) => ({
      name: l.name,
      pages: l.entries.map((e) => (e.frame < 0 ? `(${e.page})` : String(e.page))),
    })),
  };
}

/** What a student types for an answer, as each kind's howToAnswer says. */
function typedFor(e: Expected): string {
  switch (e.type) {
    case "ref":
      return e.hit ? "h" : e.victim === undefined ? "m" : `m ${e.victim}`;
    case "access":
      return e.result === "ok" ? `0x${e.pa!.toString(16)}` : e.result;
    case "number":
      return String(e.value);
    case "word":
      return e.words[0]!;
  }
}

describe.skipIf(skip)("web app in a browser", () => {
  it("is one offline file", () => {
    expect(readdirSync(out)).toEqual(["index.html"]);
  });

  it("steps Belady's string under FIFO as the engine does, back 5, and switches policy mid-run", async () => {
    await page.check('input[name="source"][value="typed"]');
    await page.fill("#typed", BELADY_TWICE);
    await page.selectOption("#policy", "fifo");
    await page.fill("#frames", "3");
    await page.click("#load");
    await page.waitForFunction(`document.querySelector("#workload-label")?.textContent?.includes(",")`);
    // Ten steps by the button, ten by the keyboard.
    for (let i = 0; i < 10; i++) await page.click("#step");
    await page.locator("h1").click();
    for (let i = 0; i < 10; i++) await page.keyboard.press("ArrowRight");
    const refs = refsFromString(BELADY_TWICE);
    const engine = new Stepper(refs, { policy: "fifo", frames: 3 });
    for (let i = 0; i < 20; i++) engine.next();
    const at20 = await shown(page);
    expect(at20).toEqual(expected(engine, "fifo"));
    expect(at20.position).toBe(20);

    // Back 5: three clicks and two keys; the engine replayed forwards to 15 must agree.
    for (let i = 0; i < 3; i++) await page.click("#back");
    await page.locator("h1").click();
    for (let i = 0; i < 2; i++) await page.keyboard.press("ArrowLeft");
    const at15 = new Stepper(refs, { policy: "fifo", frames: 3 });
    at15.skipTo(15);
    const back = await shown(page);
    expect(back).toEqual(expected(at15, "fifo"));
    expect(back.position).toBe(15);

    // Switch to LRU here and step 5 more: the engine switches at the same reference.
    await page.selectOption("#switch-policy", "lru");
    await page.click("#switch");
    for (let i = 0; i < 5; i++) await page.click("#step");
    at15.use("lru");
    for (let i = 0; i < 5; i++) at15.next();
    const switched = await shown(page);
    expect(switched).toEqual(expected(at15, "lru"));
    expect(await page.textContent(".switches")).toContain("lru before reference 16");
    // The log's newest line is reference 20 under LRU, and the stream marks it as the last stepped.
    expect(await page.textContent("#event-log li")).toMatch(/^#20 /);
    // A screen reader hears the step just made (a live region), not only sees colours.
    expect(await page.textContent("#announce")).toBe(await page.textContent("#event-log li"));
    expect(await page.getAttribute('[aria-current="step"]', "data-ref")).toBe("20");
    if (UPDATE_FIGURES) await page.screenshot({ path: resolve("docs/figures/web-app-switch.png") });
    expect(errors).toEqual([]);
    expect(requests).toEqual([]);
  });

  it("plays a generated workload to the end with the engine's totals", async () => {
    const spec = "zipf:pages=200,alpha=0.8,n=20000,seed=4";
    await page.check('input[name="source"][value="generator"]');
    await page.fill("#generator", spec);
    await page.selectOption("#policy", "clock");
    await page.fill("#frames", "16");
    await page.click("#load");
    await page.selectOption("#speed", "0");
    await page.click("#play");
    await page.waitForFunction(`document.querySelector("#position")?.textContent === "20000"`, null, {
      timeout: 60_000,
    });
    const refs = refsFromGenerator(spec);
    const d = densify(refs.pages, refs.count);
    const r = replay(
      { count: refs.count, pages: d.ids, pageSpace: d.pageSpace },
      { policy: "clock", frames: 16 },
    );
    expect(Number(await page.textContent("#misses"))).toBe(r.faults);
    expect(Number(await page.textContent("#hits"))).toBe(r.hits);
    expect(await page.textContent("#play")).toContain("Play");
    // The chart drew something.
    const inked = (await page.evaluate(`(() => {
      const canvas = document.querySelector("#fault-chart canvas");
      if (!canvas) return 0;
      const px = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
      let n = 0;
      for (let i = 3; i < px.length; i += 4) if (px[i] > 0) n++;
      return n;
    })()`)) as number;
    expect(inked).toBeGreaterThan(500);
    expect(errors).toEqual([]);
  });

  it("reads a trace file chosen in the page and steps it to the end with the engine's totals", async () => {
    const lines: string[] = [];
    for (let i = 0; i < 400; i++) lines.push(`${(i * 7) % 23}${i % 5 === 0 ? " W" : ""}`);
    const file = join(work, "small-trace.txt");
    writeFileSync(file, `${lines.join("\n")}\n`);
    await page.check('input[name="source"][value="file"]');
    await page.selectOption("#policy", "lru");
    await page.fill("#frames", "8");
    await page.setInputFiles("#trace-file", file);
    await page.waitForFunction(
      `document.querySelector("#workload-label")?.textContent === "small-trace.txt (text)"`,
    );
    await page.click("#end");
    await page.waitForFunction(`document.querySelector("#position")?.textContent === "400"`);
    const refs = refsFromTrace("small-trace.txt", readFileSync(file));
    const d = densify(refs.pages, refs.count);
    const r = replay(
      { count: refs.count, pages: d.ids, pageSpace: d.pageSpace },
      { policy: "lru", frames: 8 },
    );
    expect(Number(await page.textContent("#misses"))).toBe(r.faults);
    // The miss-ratio panel reads the same LRU count at 8 frames from its one-pass curve.
    expect(Number(await page.textContent("#mrc-lru"))).toBe(r.faults);
    const opt = replay(
      { count: refs.count, pages: d.ids, pageSpace: d.pageSpace },
      { policy: "opt", frames: 8 },
    );
    expect(Number(await page.textContent("#mrc-opt"))).toBe(opt.faults);
    // Side by side with FIFO: the second run is at the same reference with FIFO's own totals.
    await page.selectOption("#compare-policy", "fifo");
    const fifo = replay(
      { count: refs.count, pages: d.ids, pageSpace: d.pageSpace },
      { policy: "fifo", frames: 8 },
    );
    expect(Number(await page.textContent("#cmp-misses"))).toBe(fifo.faults);
    expect(Number(await page.textContent("#cmp-hits"))).toBe(fifo.hits);
    await page.click("#back");
    const fifo399 = new Stepper(refs, { policy: "fifo", frames: 8 });
    fifo399.skipTo(399);
    expect(Number(await page.textContent("#cmp-misses"))).toBe(fifo399.misses);
    expect(await page.$$eval("#cmp-policy .list li", (ls) => ls.length)).toBe(8);
    if (UPDATE_FIGURES)
      await page.screenshot({ path: resolve("docs/figures/web-app-compare.png"), fullPage: true });
    await page.selectOption("#compare-policy", "");
    // Stores make dirty pages: the log says which victims were written back.
    expect(await page.textContent("#event-log")).toContain("written back");
    expect(errors).toEqual([]);
  });

  it("plays a bundled real trace (its first 100000 references) to the end with the engine's totals", async () => {
    await page.check('input[name="source"][value="file"]');
    await page.selectOption("#policy", "clock");
    await page.fill("#frames", "32");
    await page.selectOption("#bundled", "sort500.pwt");
    await page.waitForFunction(
      `document.querySelector("#workload-label")?.textContent === "sort500.pwt (pwt, first 100000)"`,
    );
    await page.selectOption("#speed", "0");
    await page.click("#play");
    await page.waitForFunction(`document.querySelector("#position")?.textContent === "100000"`, null, {
      timeout: 120_000,
    });
    const refs = refsFromTrace(
      "sort500.pwt",
      gunzipSync(readFileSync(resolve("test/fixtures/traces/sort500.pwt"))),
    );
    const d = densify(refs.pages, refs.count);
    const r = replay(
      { count: refs.count, pages: d.ids, pageSpace: d.pageSpace },
      { policy: "clock", frames: 32 },
    );
    expect(Number(await page.textContent("#misses"))).toBe(r.faults);
    expect(Number(await page.textContent("#hits"))).toBe(r.hits);
    // The same trace at 16 KiB pages: decoded again from the kept bytes, the engine's counts.
    await page.selectOption("#page-size", "16384");
    await page.waitForFunction(
      `document.querySelector("#workload-label")?.textContent === "sort500.pwt (pwt, 16384-byte pages, first 100000)"`,
    );
    await page.click("#end");
    await page.waitForFunction(`document.querySelector("#position")?.textContent === "100000"`);
    const sortBytes = gunzipSync(readFileSync(resolve("test/fixtures/traces/sort500.pwt")));
    const big = refsFromTrace("sort500.pwt", sortBytes, 16384);
    const db = densify(big.pages, big.count);
    const rb = replay(
      { count: big.count, pages: db.ids, pageSpace: db.pageSpace },
      { policy: "clock", frames: 32 },
    );
    expect(Number(await page.textContent("#misses"))).toBe(rb.faults);
    // Finer pages than the trace's cannot be made: the page says so and keeps the run.
    await page.selectOption("#page-size", "1024");
    expect(await page.textContent("#error")).toMatch(/pageSize.*cannot be split/);
    expect(await page.inputValue("#page-size")).toBe("16384");
    expect(await page.textContent("#workload-label")).toContain("16384-byte pages");
    // A pwt file as pagewise convert writes it (two gzip members), chosen from the disk.
    const gw = resolve("test/fixtures/traces/gzip-words.pwt");
    await page.selectOption("#page-size", "4096");
    await page.setInputFiles("#trace-file", gw);
    await page.waitForFunction(
      `document.querySelector("#workload-label")?.textContent === "gzip-words.pwt (pwt, first 100000)"`,
    );
    await page.click("#end");
    await page.waitForFunction(`document.querySelector("#position")?.textContent === "100000"`);
    const gwRefs = refsFromTrace("gzip-words.pwt", gunzipSync(readFileSync(gw)));
    const dg = densify(gwRefs.pages, gwRefs.count);
    const rg = replay(
      { count: gwRefs.count, pages: dg.ids, pageSpace: dg.pageSpace },
      { policy: "clock", frames: 32 },
    );
    expect(Number(await page.textContent("#misses"))).toBe(rg.faults);
    expect(errors).toEqual([]);
  });

  it("asks the engine's seeded quiz in the page and checks typed answers", async () => {
    for (const [kind, seed] of [
      ["replacement", 7],
      ["translation", 3],
    ] as const) {
      const quiz = makeQuiz(kind, seed);
      await page.selectOption("#quiz-kind", kind);
      await page.fill("#quiz-seed", String(seed));
      expect(await page.textContent("#quiz-title")).toBe(quiz.title);
      const inputs = page.locator("#quiz .answer");
      expect(await inputs.count()).toBe(quiz.items.length);
      // Every answer as the engine writes it, except the last one, which is wrong.
      for (let i = 0; i < quiz.items.length; i++)
        await inputs
          .nth(i)
          .fill(i === quiz.items.length - 1 ? "nonsense" : typedFor(quiz.items[i]!.expected));
      await page.click("#quiz-check");
      expect(await page.textContent("#quiz-score")).toBe(
        `${quiz.items.length - 1} of ${quiz.items.length} right`,
      );
      await page.click("#quiz-reveal");
      expect(await page.textContent('#quiz li[data-item="0"] .answer-shown strong')).toBe(
        quiz.items[0]!.answer,
      );
      if (UPDATE_FIGURES && kind === "replacement")
        await page.locator("#quiz").screenshot({ path: resolve("docs/figures/web-app-quiz.png") });
      await page.click("#quiz-reveal");
    }
    await page.fill("#quiz-seed", "x");
    expect(await page.textContent("#quiz-error")).toContain("seed");
    await page.fill("#quiz-seed", "1");
    expect(errors).toEqual([]);
  });

  it("web/measure.mjs (the README's speed figures) runs on the build and reports every setup", () => {
    const r = spawnSync(process.execPath, [resolve("web/measure.mjs"), out], {
      encoding: "utf8",
      timeout: 300_000,
    });
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(8);
    expect(lines[0]!.openMs).toBeGreaterThan(0);
    for (const l of lines.slice(1, 7)) {
      expect(l.references).toBe(100000);
      for (const k of ["loadMs", "playMs", "stepMedianMs", "backAtEndMedianMs"])
        expect(l[k], k).toBeGreaterThan(0);
    }
    expect(lines.slice(5, 7).map((l) => l.mode)).toEqual(["full", "full"]);
    // The program line: matmul run to the end (its instruction count is the engine's, 6.7 million).
    const prog = lines[7]!;
    expect(prog.program).toBe("matmul.elf");
    expect(prog.instructions).toBeGreaterThan(6_000_000);
    for (const k of ["runMs", "stepMedianMs", "backAtEndMedianMs"]) expect(prog[k], k).toBeGreaterThan(0);
  }, 300_000);

  it("names the problem in a bad string and keeps the last workload", async () => {
    const before = await page.textContent("#workload-label");
    await page.check('input[name="source"][value="typed"]');
    await page.fill("#typed", "1,2,x");
    await page.click("#load");
    expect(await page.textContent("#error")).toMatch(/reference string.*1,2,x/);
    expect(await page.textContent("#workload-label")).toBe(before);
    expect(errors).toEqual([]);
  });
});
