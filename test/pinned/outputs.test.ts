// Every trace-reading command's JSON on the bundled traces, pinned: the documents recorded in
// outputs.json (made by this file with PAGEWISE_PIN_UPDATE=1, before the streaming rewrite of
// run/sweep/mrc/info) must come out identical, field for field. Only the wall-clock `seconds` of an
// mrc curve is left out. A change of output shows here as a diff of the named case.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { runCli } from "../../cli/test-helpers.js";

const T = "test/fixtures/traces";
const R = "test/fixtures/reference";
const PINNED = join(import.meta.dirname, "outputs.json");

/** name → argv (without --json, added for every case). */
const CASES: Record<string, string[]> = {};
for (const trace of ["sort500.pwt", "gzip-words.pwt"]) {
  for (const policy of ["lru", "fifo", "clock", "sieve", "s3fifo", "arc", "lirs", "opt", "aging:bits=4"]) {
    for (const frames of ["8", "64"]) {
      CASES[`run ${trace} ${policy} ${frames}`] = [
        "run",
        "--trace",
        `${T}/${trace}`,
        "--policy",
        policy,
        "--frames",
        frames,
      ];
    }
  }
  CASES[`run ${trace} full lru 32`] = [
    "run",
    "--trace",
    `${T}/${trace}`,
    "--policy",
    "lru",
    "--frames",
    "32",
    "--mode",
    "full",
  ];
  CASES[`run ${trace} full opt 32`] = [
    "run",
    "--trace",
    `${T}/${trace}`,
    "--policy",
    "opt",
    "--frames",
    "32",
    "--mode",
    "full",
  ];
  CASES[`sweep ${trace}`] = ["sweep", "--trace", `${T}/${trace}`, "--frames", "4..256:x4", "--workers", "1"];
  CASES[`mrc ${trace}`] = ["mrc", "--trace", `${T}/${trace}`, "--policies", "fifo,lru,opt,clock"];
  CASES[`mrc ${trace} all sizes`] = [
    "mrc",
    "--trace",
    `${T}/${trace}`,
    "--policies",
    "lru,opt",
    "--all-sizes",
  ];
  CASES[`mrc ${trace} shards`] = [
    "mrc",
    "--trace",
    `${T}/${trace}`,
    "--policies",
    "lru",
    "--method",
    "shards",
    "--sample-rate",
    "0.5",
  ];
  CASES[`mrc ${trace} sim`] = [
    "mrc",
    "--trace",
    `${T}/${trace}`,
    "--policies",
    "lru,opt",
    "--method",
    "sim",
    "--frames",
    "2..64:x2",
  ];
  CASES[`info ${trace}`] = ["info", `${T}/${trace}`];
  CASES[`info ${trace} tau`] = ["info", `${T}/${trace}`, "--tau", "5000", "--samples", "7"];
}
for (const policy of ["lru", "opt", "clock", "lirs"]) {
  CASES[`run py-dict ${policy} 64`] = [
    "run",
    "--trace",
    `${T}/py-dict.pwt`,
    "--policy",
    policy,
    "--frames",
    "64",
  ];
}
CASES["run py-dict limit 1000000 arc 256"] = [
  "run",
  "--trace",
  `${T}/py-dict.pwt`,
  "--policy",
  "arc",
  "--frames",
  "256",
  "--limit",
  "1000000",
];
CASES["info py-dict"] = ["info", `${T}/py-dict.pwt`];
CASES["mrc py-dict lru,opt"] = [
  "mrc",
  "--trace",
  `${T}/py-dict.pwt`,
  "--policies",
  "lru,opt",
  "--frames",
  "1..64:x2",
];
for (const trace of ["py-1m.pages.gz", "sort3k-1m.pages.gz"]) {
  CASES[`run ${trace} lru 32`] = ["run", "--trace", `${R}/${trace}`, "--policy", "lru", "--frames", "32"];
  CASES[`run ${trace} opt 32`] = ["run", "--trace", `${R}/${trace}`, "--policy", "opt", "--frames", "32"];
  CASES[`run ${trace} limit sieve 16`] = [
    "run",
    "--trace",
    `${R}/${trace}`,
    "--policy",
    "sieve",
    "--frames",
    "16",
    "--limit",
    "12345",
  ];
  CASES[`info ${trace}`] = ["info", `${R}/${trace}`];
  CASES[`mrc ${trace}`] = ["mrc", "--trace", `${R}/${trace}`, "--policies", "lru,opt,fifo", "--points", "8"];
}
CASES["run gen zipf arc"] = [
  "run",
  "--gen",
  "zipf:pages=1000,alpha=0.9,n=100000,seed=1",
  "--policy",
  "arc",
  "--frames",
  "100",
];
CASES["run gen multi-process opt"] = [
  "run",
  "--gen",
  "seq:n=300,writes=1 + loop:pages=20,n=2000,writes=0",
  "--policy",
  "opt",
  "--frames",
  "16",
];
CASES["sweep gen"] = [
  "sweep",
  "--gen",
  "zipf:pages=500,alpha=0.8,n=20000,seed=3",
  "--frames",
  "8..128:x2",
  "--policies",
  "lru,opt,fifo,2q",
  "--workers",
  "1",
];
CASES["mrc refs"] = [
  "mrc",
  "--refs",
  "1,2,3,4,1,2,5,1,2,3,4,5",
  "--policies",
  "fifo,lru,opt",
  "--frames",
  "1..6",
];
CASES["info refs"] = ["info", "--refs", "1,2,3,4,1,2,5,1,2,3,4,5", "--tau", "4", "--samples", "12"];
CASES["belady refs"] = ["belady", "--refs", "1,2,3,4,1,2,5,1,2,3,4,5"];
CASES["belady search"] = ["belady", "--pages", "6", "--length", "20", "--seed", "7"];

/** The document without wall-clock times. */
function stable(doc: unknown): unknown {
  return JSON.parse(JSON.stringify(doc, (k, v) => (k === "seconds" ? undefined : v)));
}

async function output(argv: string[]): Promise<unknown> {
  const r = await runCli([...argv, "--json"]);
  expect(r.code, r.stderr).toBe(0);
  return stable(JSON.parse(r.stdout));
}

const update = process.env.PAGEWISE_PIN_UPDATE === "1";

describe("every command's JSON on the bundled traces is unchanged", () => {
  if (update) {
    it("records the documents", async () => {
      const out: Record<string, unknown> = {};
      for (const [name, argv] of Object.entries(CASES)) out[name] = await output(argv);
      writeFileSync(PINNED, `${JSON.stringify(out, null, 1)}\n`);
    }, 600_000);
    return;
  }
  const pinned = JSON.parse(readFileSync(PINNED, "utf8")) as Record<string, unknown>;
  it("has a pinned document for every case", () => {
    expect(Object.keys(pinned).sort()).toEqual(Object.keys(CASES).sort());
  });
  for (const [name, argv] of Object.entries(CASES)) {
    it(name, async () => {
      expect(await output(argv)).toEqual(pinned[name]);
    }, 120_000);
  }
});

describe("an uncompressed pwt gives the documents of its gzip-compressed original", () => {
  if (update) return;
  const pinned = JSON.parse(readFileSync(PINNED, "utf8")) as Record<string, unknown>;
  const dir = mkdtempSync(join(tmpdir(), "pagewise-pinned-"));
  // sort500 is 2.7 MB uncompressed: several of the 1 MiB chunks an uncompressed file is read in.
  const names = ["gzip-words.pwt", "sort500.pwt"];
  for (const n of names) writeFileSync(join(dir, n), gunzipSync(readFileSync(`${T}/${n}`)));
  const pattern =
    / (gzip-words|sort500)\.pwt (lru|fifo|opt|sieve|arc) (8|64)$|^(sweep|mrc) (gzip-words|sort500)\.pwt$/;
  const cases = Object.keys(CASES).filter((k) => pattern.test(k));
  it("covers several commands", () => expect(cases.length).toBeGreaterThanOrEqual(20));
  for (const name of cases) {
    it(name, async () => {
      const local = (a: string) =>
        names.some((n) => a === `${T}/${n}`) ? join(dir, a.split("/").pop()!) : a;
      const argv = CASES[name]!.map(local);
      const doc = (await output(argv)) as Record<string, unknown>;
      const want = pinned[name] as Record<string, unknown>;
      // The workload's source names the file it was read from.
      const strip = (d: Record<string, unknown>) =>
        JSON.parse(JSON.stringify(d, (k, v) => (k === "source" ? undefined : v)));
      expect(strip(doc)).toEqual(strip(want));
    }, 120_000);
  }
  it("cleans up", () => rmSync(dir, { recursive: true, force: true }));
});
