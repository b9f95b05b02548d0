// The exit-code rule of cli/README.md, option by option: every option that takes a value, of every
// command, given a malformed value ("@@") must exit 2 (usage error: the command line is wrong)
// with one line on stderr naming the value, unless the option names something the engine or the
// file system checks (a policy: exit 1; a file to write: "@@" is a valid name, exit 0), listed
// below with the reason. Unknown options, missing arguments and conflicting options are 2; a
// missing file is 1. An option added later is tested as soon as it exists.

import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { bufferIo } from "./io.js";
import { buildProgram } from "./main.js";
import { runCli } from "./test-helpers.js";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pw-exit-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A small, fast valid invocation of each command, to which the bad option is added. */
const BASE: Record<string, string[]> = {
  run: ["--refs", "1,2,3", "--frames", "2"],
  sweep: ["--refs", "1,2,3", "--frames", "2"],
  mrc: ["--refs", "1,2,3"],
  info: ["--refs", "1,2,3"],
  demo: ["--refs", "1,2,3", "--no-report", "--no-system"],
  belady: ["--tries", "5"],
  kswapd: ["--refs", "1,2,3,4,5,6,7,8", "--frames", "6"],
  thrash: ["--refs", "1,2,3", "--frames", "8", "--max", "1"],
  translate: [],
  convert: [path.resolve("test/fixtures/integrity/small.pwt"), "--out", path.join(dir, "x.pwt")],
  trace: [],
  policies: [],
  pagesize: ["--refs", "1,2,3", "--memory", "16KiB"],
  quiz: ["replacement", "--seed", "1"],
  analyze: ["--gen", "zipf:pages=10,n=100,seed=1"],
  merge: [path.resolve("test/fixtures/shards/run-pages")],
  // exec: the options come before the program (the program's own arguments follow it); see below.
  exec: [],
  // serve: a folder that does not exist, so that no case starts a server.
  serve: ["--dir", path.join(dir, "no-build")],
};

/** The arguments of one case: exec's option goes before its program, every other command's after the base. */
function argsFor(name: string, flag: string): string[] {
  if (name === "exec") return [name, flag, "@@", path.resolve("examples/rv32/bin/hello.elf")];
  const args = [name, ...BASE[name]!, flag, "@@"];
  if (name === "trace") args.push("--", "true");
  return args;
}

/** Options whose value is not parsed by the command line, with the code "@@" gets and why. */
const NOT_SYNTAX: Record<string, { code: number; why: string }> = {
  "--policy": { code: 1, why: "a policy id, checked by the registry: unknown policy is a user error" },
  "--policies": { code: 1, why: "policy ids, checked by the registry" },
  "--out": { code: 0, why: "a file name; @@ is a valid one" },
  "--report": { code: 0, why: "a file name" },
  "--svg": { code: 0, why: "a file name" },
  "--title": { code: 0, why: "free text" },
  "--figures": { code: 0, why: "a directory name" },
  "--trace": { code: 2, why: "with the base's --refs: two workloads conflict" },
  "--gen": { code: 2, why: "with the base's --refs: two workloads conflict" },
  "--csv-params": { code: 2, why: "with the base's --refs: it applies to --trace only (a conflict)" },
  "--html": { code: 0, why: "a file name" },
  "--record": { code: 0, why: "a file name" },
  "--swap-file": { code: 0, why: "a file name (the swap file to create)" },
  "--stdin": { code: 1, why: "a file to read: a missing one is a user error" },
  "--run": { code: 2, why: "with exec's program already given: the program twice (a conflict)" },
  "--spec": { code: 2, why: "with exec's program already given: the programs twice (a conflict)" },
  "--output-dir": { code: 2, why: "with exec's one program: it goes with --run or --spec (a conflict)" },
  "--baseline": { code: 1, why: "a policy id, checked by the registry" },
  "--plan": { code: 0, why: "a file name (the task list to write)" },
  // One command's option where it differs from the others'.
  "convert --csv-params": { code: 0, why: "ignored for a pwt input (it describes csv columns)" },
  "quiz --gen": { code: 1, why: "a generator name, checked by the generator parser (as a policy id is)" },
  "quiz --shape": {
    code: 2,
    why: "with the base's replacement quiz: --shape is for translation and minframes",
  },
  "run --swap-file": {
    code: 2,
    why: "with the base's replay mode: --swap-file is for --mode full (a conflict); its file is checked in run-machine.test.ts",
  },
  "sweep --out": { code: 2, why: "a directory name, but --out goes with --shard (a conflict)" },
  "serve --dir": { code: 1, why: "a folder to serve: a missing one is a user error" },
  "analyze --gen": {
    code: 1,
    why: "a second generator replaces the base's; its name is checked by the parser",
  },
};

/** The rule for `flag` of `name`: the command's own entry, else the option's, else undefined (exit 2). */
function notSyntax(name: string, flag: string): { code: number; why: string } | undefined {
  return NOT_SYNTAX[`${name} ${flag}`] ?? NOT_SYNTAX[flag];
}

const program = await buildProgram(bufferIo());

describe("exit codes, option by option", () => {
  for (const cmd of program.commands) {
    const name = cmd.name();
    if (!(name in BASE)) throw new Error(`no base invocation for the command ${name}: add one to BASE`);
    for (const opt of cmd.options) {
      if (!opt.required && !opt.optional) continue; // a flag takes no value
      const flag = opt.long!;
      // trace's file options would run valgrind; its numeric options are checked below like the others.
      if (name === "trace" && !(opt.parseArg || opt.argChoices)) continue;
      const expected = notSyntax(name, flag)?.code ?? 2;
      it(`${name} ${flag} @@ exits ${expected}`, async () => {
        const args = argsFor(name, flag);
        // Each run in a directory of its own: "@@" written by one must not stand in another's way.
        const cwd = fs.mkdtempSync(path.join(dir, "run-"));
        const r = await runCli(args, { cwd });
        expect(r.code, `${args.join(" ")}: ${r.stderr}`).toBe(expected);
        if (expected !== 0) {
          expect(r.stderr.trim().split("\n")).toHaveLength(1);
          expect(r.stderr).toMatch(/^pagewise: error: /);
          expect(r.stderr).not.toMatch(/unexpected failure/);
          if (expected === 2 && !notSyntax(name, flag)) expect(r.stderr).toContain("@@");
          expect(r.stdout).toBe("");
        }
      });
    }
  }

  it("unknown option, missing argument and conflicting options are 2; a missing file is 1", async () => {
    expect((await runCli(["run", "--refs", "1,2", "--frames", "2", "--nosuch"])).code).toBe(2);
    expect((await runCli(["run", "--refs"])).code).toBe(2);
    expect((await runCli(["convert"])).code).toBe(2);
    expect((await runCli(["run", "--refs", "1,2", "--frames", "2", "--json", "--csv"])).code).toBe(2);
    expect((await runCli(["run", "--trace", path.join(dir, "missing.txt"), "--frames", "2"])).code).toBe(1);
    expect((await runCli(["info", path.join(dir, "missing.txt")])).code).toBe(1);
  });

  it("the formats named by --format are checked as a list: an unknown one is 2 on every command", async () => {
    for (const args of [
      ["run", "--trace", "test/fixtures/integrity/small.pwt", "--format", "nosuch", "--frames", "2"],
      [
        "convert",
        "test/fixtures/integrity/small.pwt",
        "--format",
        "nosuch",
        "--out",
        path.join(dir, "y.pwt"),
      ],
      ["info", "test/fixtures/integrity/small.pwt", "--format", "nosuch"],
    ]) {
      const r = await runCli(args);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr).toMatch(/--format "nosuch": expected one of lackey, text/);
    }
  });
});
