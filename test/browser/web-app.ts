// Shared by the web app's browser tests: builds the app itself (vite, into a temporary folder),
// opens its index.html from file:// in Debian's chromium with the network off, and collects the
// page's errors and every request that left file:// (both must stay empty).

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { build } from "vite";
import { BROWSER_FLAGS, CHROMIUM } from "./charts.js";

export interface WebApp {
  /** A temporary folder for the test's own files; the build is in `out` inside it. */
  readonly work: string;
  readonly out: string;
  /** Uncaught errors in the page. */
  readonly errors: string[];
  /** Requests to anything but file:// (the app must work offline). */
  readonly requests: string[];
  page: Page;
  /** Builds the app and opens it (call in beforeAll, unless the test is skipped). */
  open(): Promise<void>;
  /** Closes the browser and removes the temporary folder. */
  close(): Promise<void>;
}

/** A web app to open in a browser, its files under a temporary folder named with `prefix`. */
export function webApp(prefix: string): WebApp {
  const work = mkdtempSync(join(tmpdir(), prefix));
  const out = join(work, "dist");
  let ctx: BrowserContext | undefined;
  const app: WebApp = {
    work,
    out,
    errors: [],
    requests: [],
    page: undefined as unknown as Page,
    async open() {
      await build({
        configFile: resolve("web/vite.config.ts"),
        logLevel: "silent",
        build: { outDir: out, emptyOutDir: true },
      });
      ctx = await chromium.launchPersistentContext(mkdtempSync(join(work, "profile-")), {
        executablePath: CHROMIUM,
        headless: true,
        args: BROWSER_FLAGS,
        viewport: { width: 1280, height: 900 },
        offline: true,
      });
      const page = ctx.pages()[0] ?? (await ctx.newPage());
      page.on("pageerror", (e) => app.errors.push(String(e)));
      page.on("request", (req) => {
        if (!req.url().startsWith("file:")) app.requests.push(req.url());
      });
      await page.goto(pathToFileURL(join(out, "index.html")).href);
      await page.waitForSelector("body[data-ready]");
      app.page = page;
    },
    async close() {
      await ctx?.close();
      rmSync(work, { recursive: true, force: true });
    },
  };
  return app;
}
