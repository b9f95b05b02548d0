// Ctrl-C (SIGINT) or SIGTERM during `pagewise convert` leaves nothing half-written: the built CLI
// as a real process converts the bundled 34 M-reference trace, is interrupted once its temporary
// output has bytes, and must leave the old output as it was and no temporary file behind.

import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BuiltCli, buildCli, ROOT } from "../cli/built-cli.js";

let cli: BuiltCli;
let dir: string;

beforeAll(() => {
  cli = buildCli("pagewise-interrupt-test");
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "pagewise-int-"));
}, 120_000);
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("an interrupted convert", () => {
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    it(`${signal}: the old output stays, no temporary file remains`, async () => {
      const out = path.join(dir, `out-${signal}.pwt`);
      fs.writeFileSync(out, "the previous contents");
      const child = spawn(
        process.execPath,
        [cli.main, "convert", path.join(ROOT, "test/fixtures/traces/py-dict.pwt"), "--out", out],
        { cwd: ROOT, stdio: "ignore" },
      );
      const exited = new Promise<NodeJS.Signals | number | null>((resolve) =>
        child.on("exit", (code, sig) => resolve(sig ?? code)),
      );
      const temps = () => fs.readdirSync(dir).filter((f) => f.startsWith(`.out-${signal}.pwt.`));
      // Wait until the temporary output holds some bytes (the conversion takes seconds).
      let seen = false;
      for (let i = 0; i < 3000 && child.exitCode === null; i++) {
        const t = temps();
        if (t.length > 0 && fs.statSync(path.join(dir, t[0]!)).size > 1000) {
          seen = true;
          break;
        }
        await sleep(10);
      }
      expect(seen, "the temporary output appeared while converting").toBe(true);
      child.kill(signal);
      expect(await exited).toBe(signal);
      expect(fs.readFileSync(out, "utf8")).toBe("the previous contents");
      expect(temps()).toEqual([]);
    });
  }
});
