// `pagewise merge DIR`: the results the shards of `sweep --shard K/N --out DIR` wrote, combined into
// exactly what the sweep prints on one machine with the same options (--json, --csv or the table).
// Tasks without a result are named (and why, when a shard recorded a failure): nothing is printed.

import type { Command } from "commander";
import type { CommandContext } from "../main.js";
import { outputMode } from "../output.js";
import { printSweepResults, readShardDir } from "../shard.js";
import { addOutputOptions } from "./common.js";

export function registerMerge(program: Command, { io }: CommandContext): void {
  const cmd = program
    .command("merge")
    .summary("combine the shards of a sweep (sweep --shard K/N --out DIR)")
    .description(
      "Read the results that `pagewise sweep … --shard K/N --out DIR` wrote into DIR and print what the\n" +
        "sweep prints on one machine with the same options. Tasks without a result are listed, with\n" +
        "the reason when their shard recorded one, and nothing is printed.",
    )
    .argument("<dir>", "the --out directory of the shards");
  addOutputOptions(cmd, "as pagewise sweep --json", "as pagewise sweep --csv");
  cmd
    .addHelpText(
      "after",
      `
Examples:
  $ pagewise merge test/fixtures/shards/run-pages
  $ pagewise merge test/fixtures/shards/run-pages --csv

That directory was written by two shards (run them at once, on any machines sharing DIR):
  pagewise sweep --trace test/fixtures/traces/run.pages --policies fifo,lru --frames 5%,50% --shard 1/2 --out DIR
  pagewise sweep --trace test/fixtures/traces/run.pages --policies fifo,lru --frames 5%,50% --shard 2/2 --out DIR
and prints what that sweep prints without --shard and --out.
Recipes for a Slurm job array and a Kubernetes Indexed Job: docs/distributed.md.`,
    )
    .action(async (dir: string, opts: { json?: boolean; csv?: boolean }) => {
      const mode = outputMode(opts);
      const { plan, results } = readShardDir(dir, io.cwd);
      await printSweepResults(io, mode, plan, results);
    });
}
