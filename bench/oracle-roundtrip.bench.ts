// The round trip pagewise <-> libCacheSim's oracleGeneral on a real trace, checked by miss counts:
// `pagewise convert T --to oracleGeneral`, then libCacheSim's cachesim and `pagewise run` on that
// file, and pagewise on the file converted back to pwt, must all give the misses libCacheSim gave
// for the original trace (../shared/traces/libcachesim-misses.json) for LRU, FIFO and OPT (unique
// by definition) at 64, 256, 1024 and 4096 frames. Also times each step (wall seconds, max RSS) and
// `pagewise analyze` on the trace, whose memory must not grow with the references.
// Needs ../shared/traces and ../shared/anchors (skipped with a note otherwise); PW_ROUNDTRIP_TRACE
// names another trace of that directory (default sort20k).

import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "..", "..");
const shared = path.resolve(root, "..", "shared");
const name = process.env.PW_ROUNDTRIP_TRACE ?? "sort20k";
const pages = path.join(shared, "traces", `${name}.pages.zst`);
const expectedFile = path.join(shared, "traces", "libcachesim-misses.json");
const cachesim = path.join(shared, "anchors", "cachesim");
const cli = path.join(root, "dist", "cli", "main.js");
const SIZES = [64, 256, 1024, 4096];
const POLICIES: [string, string][] = [
  ["lru", "LRU"],
  ["fifo", "FIFO"],
  ["opt", "Belady"],
];

if (![pages, expectedFile, cachesim].every((f) => fs.existsSync(f))) {
  console.log(`skipped: needs ${pages}, ${expectedFile} and ${cachesim}`);
  process.exit(0);
}

interface Timed {
  stdout: string;
  seconds: number;
  maxRssMiB: number;
}

/** Runs a command under /usr/bin/time: wall seconds and max RSS. Throws on a non-zero exit. */
function timed(cmd: string, args: string[], cwd?: string): Timed {
  const tf = path.join(os.tmpdir(), `pw-time-${process.pid}`);
  const r = spawnSync("/usr/bin/time", ["-f", "%e %M", "-o", tf, cmd, ...args], {
    encoding: "utf8",
    maxBuffer: 1 << 26,
    cwd,
  });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed: ${r.stderr}`);
  const [s, kb] = fs.readFileSync(tf, "utf8").trim().split(/\s+/).map(Number);
  fs.rmSync(tf, { force: true });
  return { stdout: r.stdout, seconds: s!, maxRssMiB: kb! / 1024 };
}

const pw = (...args: string[]) => timed(process.execPath, [cli, ...args]);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pw-roundtrip-"));
const expected = JSON.parse(fs.readFileSync(expectedFile, "utf8"))[name];
let failures = 0;
const check = (what: string, got: number, want: number) => {
  const ok = got === want;
  if (!ok) failures++;
  return `${got}${ok ? "" : ` (expected ${want}: MISMATCH in ${what})`}`;
};

try {
  const pwt = path.join(dir, `${name}.pwt`);
  const og = path.join(dir, `${name}.oracleGeneral.bin`);
  const back = path.join(dir, `${name}.back.pwt`);
  const steps: [string, Timed][] = [];
  steps.push([`convert ${name}.pages.zst -> pwt`, pw("convert", pages, "--out", pwt)]);
  steps.push(["convert pwt -> oracleGeneral", pw("convert", pwt, "--to", "oracleGeneral", "--out", og)]);
  steps.push(["convert oracleGeneral -> pwt", pw("convert", og, "--out", back)]);
  steps.push(["analyze pwt", pw("analyze", pwt, "--json")]);
  steps.push(["analyze oracleGeneral", pw("analyze", og, "--json")]);
  console.log(
    `trace ${name}: ${expected.refs.toLocaleString("en-US")} references; oracleGeneral ${fs.statSync(og).size.toLocaleString("en-US")} bytes`,
  );
  for (const [what, t] of steps)
    console.log(`  ${what}: ${t.seconds.toFixed(2)} s, max RSS ${t.maxRssMiB.toFixed(0)} MiB`);
  const analysis = JSON.parse(steps[3]![1].stdout);
  console.log(`  analyze: ${analysis.references} references, ${analysis.distinctPages} distinct pages`);
  console.log(
    "\nmisses (libCacheSim on the original | cachesim on pagewise's oracleGeneral | pagewise on it | pagewise on it back in pwt):",
  );
  for (const [ours, theirs] of POLICIES) {
    const lcs = timed(
      cachesim,
      [og, "oracleGeneral", theirs, SIZES.join(","), "--ignore-obj-size", "1", "--num-thread", "1"],
      dir,
    );
    for (const n of SIZES) {
      const want = expected.misses[ours === "opt" ? "belady" : ours][String(n)];
      const m = new RegExp(`${theirs}\\s+cache size\\s+${n}, \\d+ req, (\\d+) miss`).exec(lcs.stdout);
      const cs = m ? Number(m[1]) : -1;
      const onOg = JSON.parse(
        pw("run", "--trace", og, "--policy", ours, "--frames", String(n), "--json").stdout,
      ).faults;
      const onBack = JSON.parse(
        pw("run", "--trace", back, "--policy", ours, "--frames", String(n), "--json").stdout,
      ).faults;
      console.log(
        `  ${ours.padEnd(4)} ${String(n).padStart(4)}: ${want} | ${check("cachesim", cs, want)} | ${check("pagewise oracleGeneral", onOg, want)} | ${check("pagewise back", onBack, want)}`,
      );
    }
  }
  console.log(
    failures === 0 ? "\nround trip: every count identical" : `\nround trip: ${failures} MISMATCHES`,
  );
} finally {
  // cachesim ran in `dir` and left its result/ folder there.
  fs.rmSync(dir, { recursive: true, force: true });
}
process.exit(failures === 0 ? 0 : 1);
