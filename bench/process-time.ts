// CPU time and peak memory of one whole process, for the benchmarks that time commands side by
// side. /usr/bin/time prints CPU seconds in 10 ms steps, 5 % of a 0.2 s run; bash's `times`
// prints its children's user and system time to the millisecond, so the command runs under bash,
// with /usr/bin/time inside only for the peak RSS (its own CPU time, well under a millisecond, is
// counted with the command's).

import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

export interface ProcessTime {
  /** User + system CPU seconds of the command (and of /usr/bin/time around it). */
  readonly cpu: number;
  /** Peak resident set, KiB. */
  readonly rssKiB: number;
}

const SCRIPT = '/usr/bin/time -f "%M" -o "$0" "$@" >/dev/null 2>&1; s=$?; times; exit $s';

function seconds(t: string): number {
  const m = /^(\d+)m([\d.]+)s$/.exec(t);
  if (m === null) throw new Error(`bench: unexpected time ${t} from bash's times`);
  return Number(m[1]) * 60 + Number(m[2]);
}

/** Runs `cmd args` in `cwd` to completion; throws when it fails. */
export function processTime(cmd: string, args: readonly string[], cwd = os.tmpdir()): ProcessTime {
  const rssFile = path.join(os.tmpdir(), `pagewise-bench-rss-${process.pid}`);
  const r = spawnSync("bash", ["-c", SCRIPT, rssFile, cmd, ...args], { cwd, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed (${r.status ?? r.signal})`);
  // `times` prints the shell's own user and system time, then its children's.
  const children = r.stdout.trim().split("\n").at(-1)!.trim().split(/\s+/);
  const rssKiB = Number(fs.readFileSync(rssFile, "utf8").trim().split(/\s+/).at(-1));
  return { cpu: seconds(children[0]!) + seconds(children[1]!), rssKiB };
}
