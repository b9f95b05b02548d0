// Times the built web app (web/dist, npm run build:web) in Debian's chromium: opening the page,
// loading the bundled sort500 trace, playing 100000 references as fast as possible, and the median
// time from a click on Step or Back to the next timer task (script and render), for a few setups
// in replay and full mode, and an RV32 program run to the end. Prints one JSON line each. Usage: node web/measure.mjs [BUILD_DIR] (default web/dist;
// CHROMIUM_PATH overrides /usr/bin/chromium).

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium } from "playwright-core";

const page0 = pathToFileURL(join(process.argv[2] ?? join(import.meta.dirname, "dist"), "index.html")).href;
const profile = mkdtempSync(join(tmpdir(), "pagewise-measure-"));
const ctx = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  headless: true,
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
  viewport: { width: 1280, height: 900 },
  offline: true,
});

const CLICKS = `async (ids) => {
  const tick = () => new Promise((ok) => requestAnimationFrame(() => ok()));
  const time = async (id, k) => {
    const ms = [];
    for (let i = 0; i < k; i++) {
      await tick();
      await tick();
      const t = performance.now();
      document.getElementById(id).click();
      await new Promise((ok) => setTimeout(ok));
      ms.push(performance.now() - t);
    }
    ms.sort((a, b) => a - b);
    return +ms[ms.length >> 1].toFixed(1);
  };
  const backAtEnd = await time("back", 10);
  document.getElementById("start").click();
  await new Promise((ok) => setTimeout(ok, 50));
  const step = await time("step", 20);
  const backNearStart = await time("back", 10);
  return { stepMedianMs: step, backAtEndMedianMs: backAtEnd, backNearStartMedianMs: backNearStart };
}`;

try {
  const page = ctx.pages()[0] ?? (await ctx.newPage());
  let t = Date.now();
  await page.goto(page0);
  await page.waitForSelector("body[data-ready]");
  console.log(JSON.stringify({ openMs: Date.now() - t }));
  const setups = [
    { source: "bundled", trace: "sort500.pwt", policy: "clock", frames: 32 },
    { source: "generator", spec: "zipf:pages=5000,alpha=0.8,n=100000,seed=4", policy: "clock", frames: 16 },
    { source: "generator", spec: "zipf:pages=5000,alpha=0.8,n=100000,seed=4", policy: "clock", frames: 1000 },
    { source: "generator", spec: "zipf:pages=5000,alpha=0.8,n=100000,seed=4", policy: "arc", frames: 1000 },
    // Full mode: the Machine (page tables, TLB, swap) in the page; step back replays from the start.
    { source: "bundled", trace: "sort500.pwt", policy: "clock", frames: 32, mode: "full" },
    {
      source: "generator",
      spec: "zipf:pages=5000,alpha=0.8,n=100000,seed=4",
      policy: "clock",
      frames: 1000,
      mode: "full",
    },
  ];
  for (const s of setups) {
    await page.selectOption("#policy", s.policy);
    await page.fill("#frames", String(s.frames));
    await page.check(`input[name="mode"][value="${s.mode ?? "replay"}"]`);
    if (s.mode === "full") await page.selectOption("#full-shape", "fit");
    t = Date.now();
    if (s.source === "bundled") {
      await page.check('input[name="source"][value="file"]');
      await page.selectOption("#bundled", s.trace);
      await page.waitForFunction(
        `document.querySelector("#workload-label")?.textContent.startsWith("${s.trace}")`,
      );
    } else {
      await page.check('input[name="source"][value="generator"]');
      await page.fill("#generator", s.spec);
      await page.click("#load");
    }
    const loadMs = Date.now() - t;
    const n = 100000;
    await page.selectOption("#speed", "0");
    t = Date.now();
    await page.click("#play");
    await page.waitForFunction(`document.querySelector("#position")?.textContent === "${n}"`, null, {
      timeout: 300_000,
    });
    const playMs = Date.now() - t;
    const clicks = await page.evaluate(`(${CLICKS})()`);
    console.log(JSON.stringify({ ...s, references: n, loadMs, playMs, ...clicks }));
  }
  // Program mode: matmul.elf (6.7 million instructions) on 16 frames, run to the end, then the
  // median click on Step (one instruction) and on Back at the end (a replay of the whole run).
  await page.check('input[name="source"][value="program"]');
  await page.selectOption("#program", "matmul.elf");
  await page.selectOption("#policy", "clock");
  await page.fill("#frames", "16");
  await page.click("#load");
  await page.waitForSelector("#program-controls");
  t = Date.now();
  await page.click("#p-run");
  await page.waitForFunction(`document.querySelector("#p-status")?.textContent?.startsWith("exit")`, null, {
    timeout: 300_000,
  });
  const runMs = Date.now() - t;
  const instructions = Number(await page.textContent("#p-instructions"));
  const p = await page.evaluate(
    `(${CLICKS.replaceAll('"back"', '"p-back"').replaceAll('"step"', '"p-step"').replaceAll('"start"', '"p-start"')})()`,
  );
  console.log(JSON.stringify({ program: "matmul.elf", frames: 16, instructions, runMs, ...p }));
} finally {
  await ctx.close();
  rmSync(profile, { recursive: true, force: true });
}
