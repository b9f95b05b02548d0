// `pagewise serve`: builds the web app with `npm run build:web` (into web/dist, as a user does),
// serves it in-process to check what is served and what is refused, and runs every example of
// `serve --help` and of the README's web app section as a real process that prints its address, answers, and stops on Ctrl-C (SIGINT).

import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BuiltCli, buildCli, ROOT } from "../../cli/built-cli.js";
import { type RunningServer, startServer } from "../../cli/commands/serve.js";
import { IoError } from "../../cli/errors.js";
import { runCli } from "../../cli/test-helpers.js";

const DIST = join(ROOT, "web", "dist");
let cli: BuiltCli;
let server: RunningServer;
const work = mkdtempSync(join(tmpdir(), "pagewise-serve-"));

beforeAll(async () => {
  const b = spawnSync("npm", ["run", "build:web", "--silent"], { cwd: ROOT, encoding: "utf8" });
  if (b.status !== 0) throw new Error(`npm run build:web failed: ${b.stderr}`);
  cli = buildCli("pagewise-serve-test");
  server = await startServer(DIST, 0);
}, 180_000);

afterAll(async () => {
  await server?.close();
  rmSync(work, { recursive: true, force: true });
});

/** A raw GET (or another method) with the path exactly as written: no client-side normalising. */
function raw(path: string, method = "GET"): Promise<{ status: number; type: string; body: string }> {
  const { port } = new URL(server.url);
  return new Promise((ok, fail) => {
    const req = request({ host: "127.0.0.1", port, path, method }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => {
        body += c;
      });
      res.on("end", () =>
        ok({ status: res.statusCode ?? 0, type: String(res.headers["content-type"]), body }),
      );
    });
    req.on("error", fail);
    req.end();
  });
}

describe("pagewise serve", () => {
  it("serves the built app on 127.0.0.1", async () => {
    expect(existsSync(join(DIST, "index.html"))).toBe(true);
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const r = await raw("/");
    expect(r.status).toBe(200);
    expect(r.type).toContain("text/html");
    expect(r.body).toContain("see demand paging happen");
    expect((await raw("/index.html?x=1")).status).toBe(200);
    const head = await raw("/index.html", "HEAD");
    expect([head.status, head.body]).toEqual([200, ""]);
    expect((await runCli(["--help"])).stdout).toMatch(/serve \[options\]\s+serve the web app/);
  });

  it("refuses paths outside the folder, unknown files and other methods", async () => {
    for (const p of [
      "/../package.json",
      "/%2e%2e/package.json",
      "/..%2fpackage.json",
      "/nosuch.js",
      "/%E0%A4%A",
    ]) {
      expect((await raw(p)).status, p).toBe(404);
    }
    expect((await raw("/", "POST")).status).toBe(405);
    expect((await raw(`/${"a".repeat(3000)}`)).status).toBe(414);
  });

  it("names a missing build and a port in use", async () => {
    await expect(startServer(join(work, "none"), 0)).rejects.toThrow(/no web app build.*npm run build:web/);
    const port = Number(new URL(server.url).port);
    await expect(startServer(DIST, port)).rejects.toThrow(IoError);
    await expect(startServer(DIST, port)).rejects.toThrow(/in use/);
    const r = await runCli(["serve", "--dir", join(work, "none"), "--port", "0"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/no web app build in .*none.*npm run build:web/);
    const bad = await runCli(["serve", "--port", "70000"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("not a port");
    const notDir = join(work, "file");
    writeFileSync(notDir, "x");
    expect((await runCli(["serve", "--dir", notDir, "--port", "0"])).code).toBe(1);
  });

  it("runs every example of --help and of the README's section as a process that stops on Ctrl-C", async () => {
    const help = await runCli(["serve", "--help"]);
    expect(help.code).toBe(0);
    const fromHelp = help.stdout
      .split("\n")
      .filter((l) => l.trim().startsWith("$ pagewise serve"))
      .map(
        (l) =>
          l
            .trim()
            .slice("$ ".length)
            .split(/\s{2,}/)[0]!,
      );
    expect(fromHelp.length).toBeGreaterThan(0);
    const readme = readFileSync(join(ROOT, "README.md"), "utf8");
    const at = readme.indexOf("## The web app: see demand paging happen");
    expect(at).toBeGreaterThan(0);
    const section = readme.slice(at, readme.indexOf("\n## ", at + 10));
    const lines = [...section.matchAll(/```sh\n([\s\S]*?)```/g)].flatMap((m) =>
      m[1]!.split("\n").map((l) => l.replace(/#.*$/, "").trim()),
    );
    // The README's other line is the build that this file's beforeAll runs.
    expect(lines.filter((l) => l !== "" && !l.startsWith("pagewise "))).toEqual(["npm run build:web"]);
    const fromReadme = lines.filter((l) => l.startsWith("pagewise "));
    expect(fromReadme.length).toBeGreaterThan(0);
    const examples = [...fromHelp, ...fromReadme].map((l) => l.slice("pagewise ".length).split(/\s+/));
    for (const args of examples) {
      const child: ChildProcess = spawn(process.execPath, [cli.main, ...args], {
        cwd: ROOT,
        stdio: ["ignore", "pipe", "pipe"],
      });
      let out = "";
      child.stdout!.setEncoding("utf8");
      child.stdout!.on("data", (c: string) => {
        out += c;
      });
      const exited = new Promise<number | null>((ok) => child.on("exit", (code) => ok(code)));
      try {
        for (let i = 0; i < 200 && !out.includes("Ctrl-C"); i++)
          await new Promise((ok) => setTimeout(ok, 50));
        const url = /at (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out)?.[1];
        expect(url, `${args.join(" ")}: ${out}`).toBeDefined();
        const res = await fetch(url!);
        expect(res.status).toBe(200);
        expect(await res.text()).toContain("see demand paging happen");
        child.kill("SIGINT");
        expect(await exited, args.join(" ")).toBe(0);
        expect(out).toContain("stopped (SIGINT)");
      } finally {
        if (child.exitCode === null) child.kill("SIGKILL");
      }
    }
  });
});
