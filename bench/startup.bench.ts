// Start-up of the command line, whole process: CPU time (user + sys, bench/process-time.ts) of
// `node -e 0`, `pagewise --version`, a run of a 12-reference string and a run of the bundled
// py-dict.pwt trace (34 M references), interleaved round by round so the machine's load touches
// all alike; the median per command. With PW_BASE_MAIN=path/to/another/dist/cli/main.js (several,
// comma-separated) the same commands run from those builds too (before/after a change).
//
//   npm run build && node dist/bench/startup.bench.js
//   PW_BASE_MAIN=/tmp/base/dist/cli/main.js PW_STARTUP_ROUNDS=15 node dist/bench/startup.bench.js

import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { processTime } from "./process-time.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
// The package's bin, what `pagewise` runs (dist/cli/main.js loads the same loader).
const main = path.join(root, "dist", "cli", "bin.cjs");
const bases = (process.env.PW_BASE_MAIN ?? "").split(",").filter((b) => b !== "");
const rounds = Number(process.env.PW_STARTUP_ROUNDS ?? 9);
const trace = path.join(root, "test", "fixtures", "traces", "py-dict.pwt");

/** CPU seconds (user + sys) of one process. */
function cpu(cmd: string, args: string[]): number {
  return processTime(cmd, args, root).cpu;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)]!;
}

const refs = ["run", "--refs", "1,2,3,4,1,2,5,1,2,3,4,5", "--policy", "fifo", "--frames", "3", "--json"];
const real = ["run", "--trace", trace, "--policy", "lru", "--frames", "1024", "--json"];
const rows: { name: string; args: string[]; heavy?: boolean }[] = [
  { name: "node -e 0", args: ["-e", "0"] },
  ...[["this build", main], ...bases.map((b) => [b, b])].flatMap(([who, m]) => [
    { name: `${who}: --version`, args: [m!, "--version"] },
    { name: `${who}: run --refs (12 references)`, args: [m!, ...refs] },
    { name: `${who}: run py-dict.pwt lru 1024`, args: [m!, ...real], heavy: true },
  ]),
];
const samples = rows.map(() => [] as number[]);
for (let r = 0; r < rounds; r++) {
  rows.forEach((row, i) => {
    // The 1 s runs take a third of the rounds: their spread is small beside their length.
    if (!row.heavy || r % 3 === 0) samples[i]!.push(cpu(process.execPath, row.args));
  });
}
console.log(
  `load average at the end: ${os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(" ")}`,
);
console.log("| command | CPU s, median | runs |\n|---|---|---|");
rows.forEach((row, i) => {
  console.log(`| ${row.name} | ${median(samples[i]!).toFixed(3)} | ${samples[i]!.length} |`);
});
