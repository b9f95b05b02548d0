// Every example in every command's --help, and every `pagewise` command in README.md and
// cli/README.md (fenced code blocks, and inline `pagewise …` spans), run by the built CLI as a real
// process: each must exit 0, or the test names the one that failed. The examples are extracted
// here, not listed, so a new example is tested as soon as it is written. They run in a scratch
// directory where `test` links to the repository's fixtures and `docs/figures` is empty, so the
// files they write (ls.pwt, sweep.html, docs/figures/*.svg) never touch the repository.
// Also checks that the prepare script leaves `npx pagewise` runnable (issue 17: after `npm ci`).

import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BuiltCli, buildCli, ROOT } from "./built-cli.js";
import { runCli } from "./test-helpers.js";

/** Splits a shell command line into words: quotes, backslash escapes; stops at an unquoted #. */
function shellWords(line: string): string[] {
  const words: string[] = [];
  let cur = "";
  let inWord = false;
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote) {
      if (c === quote) quote = null;
      else if (c === "\\" && quote === '"' && i + 1 < line.length) cur += line[++i];
      else cur += c;
      continue;
    }
    if (c === '"' || c === "'") {
      quote = c;
      inWord = true;
    } else if (c === "\\" && i + 1 < line.length) {
      cur += line[++i];
      inWord = true;
    } else if (c === " " || c === "\t") {
      if (inWord) words.push(cur);
      cur = "";
      inWord = false;
    } else if (c === "#" && !inWord) {
      break;
    } else {
      cur += c;
      inWord = true;
    }
  }
  if (quote) throw new Error(`unbalanced quote in: ${line}`);
  if (inWord) words.push(cur);
  return words;
}

/** The `pagewise …` commands of a markdown text: fenced shell lines (with \ continuations) and inline spans. */
function markdownCommands(md: string): { command: string; inline: boolean }[] {
  const out: { command: string; inline: boolean }[] = [];
  const lines = md.split("\n");
  let fenced = false;
  // In a block that shows a session (`$ ` before each command), the other lines are output.
  let session = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (/^\s*```/.test(line)) {
      fenced = !fenced;
      if (fenced) {
        session = false;
        for (let j = i + 1; j < lines.length && !/^\s*```/.test(lines[j]!); j++)
          if (/^\s*\$\s/.test(lines[j]!)) session = true;
      }
      continue;
    }
    if (fenced) {
      if (session && !/^\s*\$\s/.test(line)) continue;
      let cmd = line.trim();
      while (cmd.endsWith("\\") && i + 1 < lines.length)
        cmd = `${cmd.slice(0, -1).trimEnd()} ${lines[++i]!.trim()}`;
      cmd = cmd.replace(/^\$\s+/, "").replace(/^npx\s+/, "");
      if (/^pagewise(\s|$)/.test(cmd)) out.push({ command: cmd, inline: false });
      continue;
    }
    for (const m of line.matchAll(/`(pagewise(?:\s[^`]*)?)`/g)) out.push({ command: m[1]!, inline: true });
  }
  return out;
}

/** The `$ pagewise …` lines of a help text. */
function helpExamples(help: string): string[] {
  return help
    .split("\n")
    .map((l) => l.match(/^\s*\$\s+(pagewise\s.*?)\s*$/)?.[1])
    .filter((c): c is string => c !== undefined)
    .map((c) => c.replace(/\s{2,}\S.*$/, (tail) => (tail.trim().startsWith("-") ? tail : ""))); // drop trailing prose
}

/**
 * Inline README spans that name a command or a syntax in prose rather than give one to run, each
 * with the reason; everything else runs, except a bare `pagewise` or `pagewise NAME` (a command's
 * name in a sentence). A span here that no longer occurs fails the test.
 */
const NOT_COMMANDS: Record<string, string> = {
  "pagewise <command> [options]": "the synopsis",
  "pagewise run --gen": "names the option; the generators' examples follow it",
  "pagewise analyze TRACE": "the synopsis: TRACE is a placeholder",
  "pagewise run --mode full": "names the mode; the full examples follow it",
  "pagewise kswapd --watermarks": "names the option whose values --kswapd shares",
};

/** Documented commands that must fail, with the exit code the documentation promises. */
const EXPECTED_EXIT: Record<string, number> = {
  "pagewise convert t.txt --out t.txt": 2, // cli/README: an output that is an input is refused
};

const hasValgrind = spawnSync("valgrind", ["--version"]).status === 0;

let cli: BuiltCli;
let scratch: string;

beforeAll(() => {
  cli = buildCli("pagewise-examples-test");
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), "pagewise-examples-"));
  fs.symlinkSync(path.join(ROOT, "test"), path.join(scratch, "test"));
  fs.symlinkSync(path.join(ROOT, "examples"), path.join(scratch, "examples"));
  fs.mkdirSync(path.join(scratch, "docs", "figures"), { recursive: true });
  fs.writeFileSync(path.join(scratch, "t.txt"), "1\n2\n3\n");
}, 120_000);
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

/** Runs one documented command in the scratch directory; resolves to its exit code and stderr. */
function runExample(command: string): Promise<{ code: number | null; stderr: string; ms: number }> {
  const words = shellWords(command);
  if (words[0] !== "pagewise") throw new Error(`not a pagewise command: ${command}`);
  const t0 = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli.main, ...words.slice(1)], {
      cwd: scratch,
      env: { ...process.env, NO_COLOR: "1", CI: "1" },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (s: string) => {
      stderr = (stderr + s).slice(-4000);
    });
    // The README's thrashing figures take minutes each (200 s alone on a busy 2-core machine).
    const timer = setTimeout(() => child.kill("SIGKILL"), 1_500_000);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stderr, ms: Date.now() - t0 });
    });
  });
}

/** Every documented command, once, with where it came from. */
async function documentedCommands(): Promise<{ command: string; from: string }[]> {
  const seen = new Map<string, string>();
  const help = await runCli(["--help"]);
  const names = [...help.stdout.matchAll(/^\s{2}(\w+)\s/gm)].map((m) => m[1]!).filter((n) => n !== "help");
  for (const c of helpExamples(help.stdout)) if (!seen.has(c)) seen.set(c, "pagewise --help");
  for (const name of names) {
    const r = await runCli([name, "--help"]);
    for (const c of helpExamples(r.stdout)) if (!seen.has(c)) seen.set(c, `pagewise ${name} --help`);
  }
  for (const file of ["README.md", "cli/README.md"]) {
    for (const { command, inline } of markdownCommands(fs.readFileSync(path.join(ROOT, file), "utf8"))) {
      if (inline && (command in NOT_COMMANDS || /^pagewise(\s+\w+)?$/.test(command))) continue;
      if (!seen.has(command)) seen.set(command, file);
    }
  }
  return [...seen].map(([command, from]) => ({ command, from }));
}

describe("extraction", () => {
  it("splits shell words with quotes, escapes and comments", () => {
    expect(shellWords(`pagewise run --gen "a + b" --x 'c d' e\\ f   # comment`)).toEqual([
      "pagewise",
      "run",
      "--gen",
      "a + b",
      "--x",
      "c d",
      "e f",
    ]);
  });

  it("finds fenced, continued and inline commands, and help examples", () => {
    const md = 'x `pagewise a --b` y\n```sh\npagewise c \\\n  --d "e f"   # g\nnpm test\n```\n';
    expect(markdownCommands(md)).toEqual([
      { command: "pagewise a --b", inline: true },
      { command: 'pagewise c --d "e f"   # g', inline: false },
    ]);
    expect(
      helpExamples("Examples:\n  $ pagewise demo          writes ./x.html\n  $ pagewise run --refs 1,2"),
    ).toEqual(["pagewise demo", "pagewise run --refs 1,2"]);
  });

  it("every span listed as not a command still occurs (the list stays honest)", () => {
    const all = ["README.md", "cli/README.md"].flatMap((f) =>
      markdownCommands(fs.readFileSync(path.join(ROOT, f), "utf8")).map((c) => c.command),
    );
    for (const span of [...Object.keys(NOT_COMMANDS), ...Object.keys(EXPECTED_EXIT)])
      expect(all).toContain(span);
  });
});

describe("every documented example runs", () => {
  it("runs each --help example and README command, exit 0 (or the documented code)", async () => {
    const commands = await documentedCommands();
    expect(commands.length).toBeGreaterThan(30);
    const failures: string[] = [];
    const log: string[] = [];
    // Two at a time, the slowest (the README's thrashing figures, minutes each) first.
    const queue = [...commands].sort(
      (a, b) => Number(/thrash/.test(b.command)) - Number(/thrash/.test(a.command)),
    );
    const worker = async () => {
      for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
        const { command, from } = next;
        // serve runs until Ctrl-C: test/browser/web-serve.test.ts runs each of its examples as a
        // real process (against a fresh build of the app), then stops it.
        if (/^pagewise serve\b/.test(command)) continue;
        if (/^pagewise trace\b/.test(command) && !hasValgrind) {
          console.warn(`skipped (no valgrind; apt-get install valgrind): ${command}`);
          continue;
        }
        const r = await runExample(command);
        log.push(`${(r.ms / 1000).toFixed(1)} s  ${command}`);
        const want = EXPECTED_EXIT[command] ?? 0;
        if (r.code !== want)
          failures.push(
            `${from}: \`${command}\` exited ${r.code} (expected ${want}): ${r.stderr.trim().split("\n").pop()}`,
          );
      }
    };
    await Promise.all([worker(), worker()]);
    if (process.env.PAGEWISE_EXAMPLES_LOG) console.log(log.join("\n"));
    expect(failures, failures.join("\n")).toEqual([]);
  }, 3_600_000);
});

describe("getting started", () => {
  it("the prepare script builds and links the command, so npx pagewise runs", () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as {
      scripts: Record<string, string>;
      bin: Record<string, string>;
    };
    expect(pkg.scripts.prepare).toMatch(/tsc -p tsconfig\.build\.json/);
    const prep = spawnSync("npm", ["run", "prepare", "--silent"], {
      cwd: ROOT,
      encoding: "utf8",
      timeout: 120_000,
    });
    expect(prep.status, prep.stderr).toBe(0);
    const link = path.join(ROOT, "node_modules", ".bin", "pagewise");
    expect(fs.realpathSync(link)).toBe(path.join(ROOT, pkg.bin.pagewise!));
    const r = spawnSync("npx", ["--no-install", "pagewise", "--version"], {
      cwd: ROOT,
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  }, 180_000);
});
