// The web app's full mode in a real browser (Debian's chromium through playwright-core), opened
// from file:// with the network off, checked against the engine's Machine run in Node
// (FullStepper): Belady's string under FIFO with 3 frames stepped 20 references, then 5 back; the
// frame table (pages and page-table frames), the TLB, the page-table tree and the swap slots
// agree with the Machine's own arrays and walks; a pin holds across stepping back; a policy
// switch mid-run; a bundled trace played to the end. Saves screenshots to docs/figures/ only
// when PAGEWISE_UPDATE_FIGURES=1. Skips itself only outside CI when chromium is missing.

import { readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { gunzipSync } from "node:zlib";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Rv32Process } from "../../src/cpu/rv32/index.js";
import { PTE_P } from "../../src/mmu/pte.js";
import { TLB_VALID } from "../../src/mmu/tlb.js";
import { FRAME_TABLE, FRAME_USER } from "../../src/phys/frames.js";
import { Machine } from "../../src/sim/machine.js";
import { densify } from "../../src/sim/replay.js";
import { replay } from "../../src/sim/replay-trace.js";
import { FullStepper } from "../../src/sim/steps-full.js";
import { PROGRAM_TABLE_FRAMES } from "../../web/src/program-session.js";
import { refsFromGenerator, refsFromString, refsFromTrace } from "../../web/src/session.js";
import { skipBrowser } from "./charts.js";
import { webApp } from "./web-app.js";

const skip = skipBrowser;

/** Belady's string (1,2,3,4,1,2,5,1,2,3,4,5) twice, three references stores, so evicted pages go to swap. */
const STRING = "1,2w,3,4,1,2,5w,1,2,3,4w,5,1,2,3,4,1,2w,5,1,2,3,4,5";
const UPDATE_FIGURES = process.env.PAGEWISE_UPDATE_FIGURES === "1";
const OPTS = { pageSize: 4096, shape: "sv32", tlb: { entries: 8, ways: 2, mode: "tagged" as const } };

const app = webApp("pagewise-web-full-");
const { work, errors, requests } = app;
let page: Page;

beforeAll(async () => {
  if (skip) return;
  await app.open();
  page = app.page;
}, 120_000);

afterAll(() => app.close());

/** What full mode shows, read in the page. */
async function shown(p: Page) {
  return p.evaluate(`(() => {
    const text = (sel) => document.querySelector(sel)?.textContent ?? "";
    return {
      position: Number(text("#position")),
      hits: Number(text("#hits")),
      misses: Number(text("#misses")),
      policy: text("#current-policy"),
      frames: [...document.querySelectorAll("#frame-table tbody tr")].map((r) => ({
        frame: Number(r.querySelector("td")?.textContent),
        kind: r.dataset.kind,
        page: r.dataset.page === "" ? -1 : Number(r.dataset.page),
      })),
      tlb: {
        hits: Number(text("#tlb-hits")),
        misses: Number(text("#tlb-misses")),
        valid: [...document.querySelectorAll("#tlb-table tbody tr[data-valid='1']")].map((r) => {
          const c = [...r.querySelectorAll("td")].map((x) => x.textContent ?? "");
          return [Number(c[2].replace(/ ←.*/, "")), Number(c[4])];
        }),
      },
      leaves: [...document.querySelectorAll("#page-tables tr[data-vpn]")]
        .filter((r) => r.dataset.vpn !== "")
        .map((r) => [Number(r.dataset.vpn), r.dataset.where]),
      swap: [...document.querySelectorAll("#swap-table tbody tr")].map((r) => [Number(r.dataset.slot), Number(r.dataset.page)]),
    };
  })()`) as Promise<{
    position: number;
    hits: number;
    misses: number;
    policy: string;
    frames: { frame: number; kind: string; page: number }[];
    tlb: { hits: number; misses: number; valid: number[][] };
    leaves: [number, string][];
    swap: number[][];
  }>;
}

/** The same from the engine's Machine: its frame table, TLB arrays and page-table walks. */
function expected(s: FullStepper, policy: string, pages: readonly number[]) {
  const m = s.machine;
  const fr = m.frames;
  const frames = [];
  for (let f = 0; f < fr.frameCount; f++)
    frames.push({
      frame: f,
      kind:
        fr.state[f] === FRAME_USER
          ? "page"
          : fr.state[f] === FRAME_TABLE
            ? "table"
            : fr.state[f] === 0
              ? "free"
              : "reserved",
      page: fr.state[f] === FRAME_USER ? fr.page[f]! : -1,
    });
  const valid: number[][] = [];
  for (let i = 0; i < m.tlb.flags.length; i++)
    if (m.tlb.flags[i]! & TLB_VALID) valid.push([m.tlb.vpn[i]!, m.tlb.frame[i]!]);
  const leaves: [number, string][] = [];
  const swap: number[][] = [];
  for (const vpn of [...new Set(pages)].sort((a, b) => a - b)) {
    const w = m.explain(1, vpn * m.pageSize);
    const pte = w.steps[w.steps.length - 1]!.pte;
    if (w.steps.length < m.layout.levels || pte === 0) continue;
    const loc = (pte >>> 6) & 3;
    leaves.push([vpn, pte & PTE_P ? "present" : loc === 1 ? "swap" : loc === 2 ? "source" : "none"]);
    if (!(pte & PTE_P) && loc === 1) swap.push([pte >>> 8, vpn]);
    else if (pte & PTE_P && fr.slot[w.frame]! >= 0) swap.push([fr.slot[w.frame]!, vpn]);
  }
  swap.sort((a, b) => a[0]! - b[0]!);
  return {
    position: s.position,
    hits: s.hits,
    misses: s.misses,
    policy,
    frames,
    tlb: { hits: m.tlb.hits, misses: m.tlb.misses, valid },
    leaves,
    swap,
  };
}

function engineAt(
  refs: ReturnType<typeof refsFromString>,
  n: number,
  policy = "fifo",
  frames = 3,
): FullStepper {
  const s = new FullStepper(refs, { policy, frames, switchable: true, ...OPTS });
  for (let i = 0; i < n; i++) s.skip();
  return s;
}

describe.skipIf(skip)("web app, full mode, in a browser", () => {
  it("steps a string on the Machine as the engine does, back 5, with its tables, TLB and swap slots", async () => {
    const refs = refsFromString(STRING);
    const pages = Array.from(refs.pages);
    await page.check('input[name="source"][value="typed"]');
    await page.fill("#typed", STRING);
    await page.selectOption("#policy", "fifo");
    await page.fill("#frames", "3");
    await page.check('input[name="mode"][value="full"]');
    await page.selectOption("#full-shape", "sv32");
    await page.selectOption("#tlb-entries", "8");
    await page.selectOption("#tlb-ways", "2");
    await page.click("#load");
    await page.waitForFunction(`document.querySelector("#mode")?.textContent?.startsWith("full machine")`);
    for (let i = 0; i < 10; i++) await page.click("#step");
    await page.locator("h1").click();
    for (let i = 0; i < 10; i++) await page.keyboard.press("ArrowRight");
    const at20 = await shown(page);
    expect(at20).toEqual(expected(engineAt(refs, 20), "fifo", pages.slice(0, 20)));
    expect(at20.position).toBe(20);
    // Replay mode faults the same on this string: the Machine's page frames act as replay's.
    expect(at20.swap.length).toBeGreaterThan(0);
    expect(at20.frames.filter((f) => f.kind === "table")).toHaveLength(2);
    const resident = at20.frames
      .filter((f) => f.kind === "page")
      .map((f) => f.page)
      .sort((x, y) => x - y);
    expect(await page.textContent('#resident-sets li[data-pid="0"]')).toBe(
      `pid 0: ${resident.length} pages: ${resident.join(" ")}`,
    );
    if (UPDATE_FIGURES) {
      await page.screenshot({ path: resolve("docs/figures/web-app-full.png"), fullPage: true });
      await page
        .locator("#page-tables")
        .screenshot({ path: resolve("docs/figures/web-app-page-tables.png") });
      await page.locator("#tlb").screenshot({ path: resolve("docs/figures/web-app-tlb.png") });
      await page.locator("#swap").screenshot({ path: resolve("docs/figures/web-app-swap.png") });
    }

    for (let i = 0; i < 3; i++) await page.click("#back");
    await page.locator("h1").click();
    for (let i = 0; i < 2; i++) await page.keyboard.press("ArrowLeft");
    expect(await shown(page)).toEqual(expected(engineAt(refs, 15), "fifo", pages.slice(0, 15)));
    // The walk of the last reference is the Machine's explain().
    const e15 = engineAt(refs, 15);
    const w = e15.machine.explain(1, pages[14]! * 4096);
    expect(await page.textContent("#walk-pa")).toContain(`0x${w.pa.toString(16)}`);

    // Switch to LRU here and step 5: the engine switches at the same reference.
    await page.selectOption("#switch-policy", "lru");
    await page.click("#switch");
    for (let i = 0; i < 5; i++) await page.click("#step");
    e15.use("lru");
    for (let i = 0; i < 5; i++) e15.skip();
    expect(await shown(page)).toEqual(expected(e15, "lru", pages.slice(0, 20)));
    // Side by side in full mode: OPT on its own Machine, at the same reference.
    await page.selectOption("#compare-policy", "opt");
    const opt = engineAt(refs, 20, "opt");
    expect(Number(await page.textContent("#cmp-misses"))).toBe(opt.misses);
    expect(Number(await page.textContent("#cmp-hits"))).toBe(opt.hits);
    await page.selectOption("#compare-policy", "");
    expect(errors).toEqual([]);
    expect(requests).toEqual([]);
  });

  it("pins a page: it stays resident, and stepping back past the pin and forwards again lands in the same state", async () => {
    const refs = refsFromString(STRING);
    await page.click("#start");
    await page.click("#load"); // a fresh run under FIFO
    for (let i = 0; i < 3; i++) await page.click("#step");
    // Pin page 1 (loaded by the first reference).
    await page.click('#frame-table tr[data-page="1"] .pin-btn');
    expect(await page.textContent("#pins")).toContain("pin 1 before reference 4");
    for (let i = 0; i < 17; i++) await page.click("#step");
    const engine = new FullStepper(refs, { policy: "fifo", frames: 3, switchable: true, ...OPTS });
    for (let i = 0; i < 3; i++) engine.skip();
    engine.pin(0, 1);
    for (let i = 3; i < 20; i++) engine.skip();
    const pages = Array.from(refs.pages).slice(0, 20);
    const at20 = await shown(page);
    expect(at20).toEqual(expected(engine, "fifo", pages));
    expect(at20.frames.find((f) => f.page === 1)).toBeDefined();
    expect(await page.textContent('#frame-table tr[data-page="1"] .pin')).toContain("yes");
    await page.click("#start");
    await page.fill("#jump", "20");
    await page.click("#jump-go");
    expect(await shown(page)).toEqual(at20);
    expect(errors).toEqual([]);
  });

  it("plays a bundled trace to the end on the Machine with the engine's totals", async () => {
    const refs = refsFromTrace(
      "gzip-words.pwt",
      gunzipSync(readFileSync(resolve("test/fixtures/traces/gzip-words.pwt"))),
    );
    await page.check('input[name="source"][value="file"]');
    await page.selectOption("#policy", "clock");
    await page.fill("#frames", "32");
    await page.check('input[name="mode"][value="full"]');
    // A real program's addresses need more than sv32's 32 bits: the shape fitted to the pages.
    await page.selectOption("#full-shape", "fit");
    await page.selectOption("#bundled", "gzip-words.pwt");
    await page.waitForFunction(
      `document.querySelector("#workload-label")?.textContent?.startsWith("gzip-words.pwt")`,
    );
    expect(await page.textContent("#mode")).toContain("5/10/10/12");
    await page.selectOption("#speed", "0");
    await page.click("#play");
    await page.waitForFunction(`document.querySelector("#position")?.textContent === "${refs.count}"`, null, {
      timeout: 120_000,
    });
    const { shape: _, ...fit } = OPTS;
    const engine = new FullStepper(refs, { policy: "clock", frames: 32, switchable: true, ...fit });
    while (engine.skip());
    expect(Number(await page.textContent("#position"))).toBe(refs.count);
    expect(Number(await page.textContent("#misses"))).toBe(engine.misses);
    expect(Number(await page.textContent("#hits"))).toBe(engine.hits);
    expect(Number(await page.textContent("#tlb-misses"))).toBe(engine.machine.tlb.misses);
    expect(errors).toEqual([]);
  }, 180_000);

  it("opens a zstd-compressed trace chosen in the page (decoded in the browser) with the engine's totals", async () => {
    const file = resolve("test/fixtures/integrity/small.pages.zst");
    const plain = readFileSync(resolve("test/fixtures/traces/run.pages"))
      .toString("utf8")
      .split("\n")
      .slice(0, 5000)
      .join("\n");
    const refs = refsFromTrace("small.pages.zst", new TextEncoder().encode(`${plain}\n`));
    await page.check('input[name="source"][value="file"]');
    await page.check('input[name="mode"][value="replay"]');
    await page.selectOption("#policy", "lru");
    await page.fill("#frames", "8");
    await page.setInputFiles("#trace-file", file);
    await page.waitForFunction(
      `document.querySelector("#workload-label")?.textContent?.startsWith("small.pages.zst")`,
    );
    await page.click("#end");
    await page.waitForFunction(`document.querySelector("#position")?.textContent === "${refs.count}"`);
    const d = densify(refs.pages, refs.count);
    const r = replay(
      { count: refs.count, pages: d.ids, pageSpace: d.pageSpace },
      { policy: "lru", frames: 8 },
    );
    expect(refs.count).toBe(5000);
    expect(Number(await page.textContent("#misses"))).toBe(r.faults);
    // A damaged one is refused with the file named, and the run stays.
    const bad = new Uint8Array(readFileSync(file));
    bad[200] = bad[200]! ^ 0xff;
    const badFile = join(work, "bad.pages.zst");
    writeFileSync(badFile, bad);
    await page.setInputFiles("#trace-file", badFile);
    await page.waitForSelector("#error");
    expect(await page.textContent("#error")).toContain("bad.pages.zst: ");
    expect(await page.textContent("#workload-label")).toContain("small.pages.zst");
    expect(errors).toEqual([]);
  });

  it("runs an RV32 program in the page: its output, status and faults by kind are the engine's, and back is exact", async () => {
    const engineRun = (name: string, args: string[], frames: number, upTo = Number.POSITIVE_INFINITY) => {
      const m = new Machine({
        frames,
        pageSize: 4096,
        vaBits: 32,
        policy: "clock",
        tableFrames: PROGRAM_TABLE_FRAMES,
        tlb: { entries: 8, ways: 2, mode: "tagged" },
      });
      const elf = new Uint8Array(readFileSync(resolve("examples/rv32/bin", name)));
      const p = new Rv32Process(m, elf, name, { argv: [name, ...args] });
      const r = p.run(upTo);
      return { r, st: m.stats() };
    };
    const expectedOut = (name: string, ext: string) =>
      readFileSync(resolve("examples/rv32/expected", `${name}.${ext}`), "utf8");
    await page.check('input[name="source"][value="program"]');
    await page.selectOption("#policy", "clock");
    await page.selectOption("#tlb-entries", "8");
    await page.selectOption("#tlb-ways", "2");
    await page.selectOption("#tlb-mode", "tagged");
    await page.fill("#frames", "16");
    await page.selectOption("#program", "hello.elf");
    expect(await page.inputValue("#program-args")).toBe('one "two words" 3');
    await page.click("#load");
    await page.waitForSelector("#program-controls");
    await page.click("#p-run");
    await page.waitForFunction(`document.querySelector("#p-status")?.textContent?.startsWith("exit")`);
    const hello = engineRun("hello.elf", ["one", "two words", "3"], 16);
    expect(await page.textContent("#p-stdout")).toBe(expectedOut("hello", "stdout"));
    expect(await page.textContent("#p-stderr")).toBe(expectedOut("hello", "stderr"));
    expect(await page.textContent("#p-status")).toBe(`exit ${expectedOut("hello", "status").trim()}`);
    expect(Number(await page.textContent("#p-instructions"))).toBe(hello.r.instructions);
    expect(Number(await page.textContent("#p-faults"))).toBe(hello.st.faults.total);
    const kinds = async () =>
      Object.fromEntries(
        await page.$$eval("#p-by-kind tr", (rows) =>
          rows.map((r) => [r.getAttribute("data-kind"), Number(r.querySelector("td")?.textContent)]),
        ),
      );
    const k = await kinds();
    expect([k["zero-fill"], k.text, k.data, k.swap, k.minor]).toEqual([
      hello.st.faults.zeroFill,
      hello.st.faults.fromObject,
      hello.st.faults.fromImage,
      hello.st.faults.fromSwap,
      hello.st.faults.minor,
    ]);

    // segv: to the next fault, again and again: the last one is a fatal store, SIGSEGV.
    await page.selectOption("#program", "segv.elf");
    await page.click("#load");
    await page.waitForFunction(`document.querySelector("#program-name")?.textContent === "segv.elf"`);
    for (let i = 0; i < 10 && (await page.textContent("#p-status")) === "running"; i++) {
      await page.click("#p-fault");
      await page.waitForFunction(
        `document.querySelector("#p-fault")?.getAttribute("aria-pressed") === "false"`,
      );
    }
    expect(await page.textContent("#p-status")).toMatch(/^killed by signal 11 .*store of 0x10\)/);
    expect(await page.textContent("#p-fault-log li")).toMatch(/store of 0x10 \(page 0\), segmentation/);
    expect(Number(await page.textContent('#p-by-kind tr[data-kind="segmentation"] td'))).toBe(1);

    // matmul in 8 frames: faults from swap; stepping back one instruction lands where the engine does.
    await page.selectOption("#program", "matmul.elf");
    await page.fill("#frames", "8");
    await page.click("#load");
    await page.waitForFunction(`document.querySelector("#program-name")?.textContent === "matmul.elf"`);
    await page.fill("#p-jump", "300000");
    await page.click("#p-jump-go");
    await page.click("#p-back");
    await page.locator("h1").click();
    await page.keyboard.press("ArrowLeft");
    await page.keyboard.press("ArrowRight");
    await page.keyboard.press("ArrowLeft");
    expect(Number(await page.textContent("#p-instructions"))).toBe(299_998);
    const mm = engineRun("matmul.elf", [], 8, 299_998);
    expect(mm.r.instructions).toBe(299_998);
    expect(Number(await page.textContent("#p-faults"))).toBe(mm.st.faults.total);
    expect(await page.textContent("#p-by-access")).toBe(
      `fetch ${mm.r.faults.fetch}, load ${mm.r.faults.load}, store ${mm.r.faults.store}`,
    );
    expect(Number(await page.textContent('#p-by-kind tr[data-kind="swap"] td'))).toBe(mm.st.faults.fromSwap);
    expect(await page.$$eval("#swap-table tbody tr", (r) => r.length)).toBeGreaterThan(0);
    if (UPDATE_FIGURES)
      await page.screenshot({ path: resolve("docs/figures/web-app-program.png"), fullPage: true });
    // A file that is not an ELF, chosen as the user's program: named, and the program stays.
    await page.selectOption("#program", "");
    const notElf = join(work, "notes.txt");
    writeFileSync(notElf, "not a program\n");
    await page.setInputFiles("#elf-file", notElf);
    await page.waitForSelector("#error");
    expect(await page.textContent("#error")).toContain("notes.txt");
    expect(await page.textContent("#program-name")).toBe("matmul.elf");
    expect(errors).toEqual([]);
  }, 120_000);

  it("plays a million generated references to the end, drawing on the way, with the engine's totals", async () => {
    const spec = "zipf:pages=3000,alpha=0.8,n=1000000,seed=9";
    await page.check('input[name="source"][value="generator"]');
    await page.check('input[name="mode"][value="replay"]');
    await page.fill("#generator", spec);
    await page.selectOption("#policy", "clock");
    await page.fill("#frames", "64");
    // The default limit refuses it, naming the limit; a million is there to choose.
    await page.selectOption("#limit", "100000");
    await page.click("#load");
    expect(await page.textContent("#error")).toMatch(/n.*1000000.*at most 100000/);
    await page.selectOption("#limit", "1000000");
    await page.click("#load");
    await page.waitForFunction(
      `document.querySelector("#workload-label")?.textContent?.includes("n=1000000")`,
    );
    await page.selectOption("#speed", "0");
    // The page draws positions on the way (it is not one long task), then the end: every position
    // drawn is recorded in the page itself (polling from here could miss them on a busy machine).
    await page.evaluate(`(() => {
      const el = document.querySelector("#position");
      window.__drawn = new Set([el.textContent]);
      new MutationObserver(() => window.__drawn.add(el.textContent)).observe(el, {
        childList: true, characterData: true, subtree: true,
      });
    })()`);
    await page.click("#play");
    await page.waitForFunction(`document.querySelector("#position")?.textContent === "1000000"`, null, {
      timeout: 120_000,
    });
    const drawn = (await page.evaluate("window.__drawn.size")) as number;
    expect(drawn).toBeGreaterThan(3);
    const refs = refsFromGenerator(spec, 1_000_000);
    const d = densify(refs.pages, refs.count);
    const r = replay(
      { count: refs.count, pages: d.ids, pageSpace: d.pageSpace },
      { policy: "clock", frames: 64 },
    );
    expect(Number(await page.textContent("#misses"))).toBe(r.faults);
    expect(Number(await page.textContent("#hits"))).toBe(r.hits);
    await page.selectOption("#limit", "100000");
    expect(errors).toEqual([]);
  }, 180_000);
});
