// `pagewise policies`: the replacement policies the registry knows, what each one reads (every hit,
// the accessed bits only, or the future) and its parameters with their defaults, so that a user can
// write a spec such as aging:bits=4,on=fault without opening the source. `policies ID` shows one.

import type { Command } from "commander";
import { getPolicyFactory, type PolicyFactory, policyIds } from "../../src/index.js";
import { type CliIo, colorsFor } from "../io.js";
import type { CommandContext } from "../main.js";
import { outputMode, renderTable, writeCsv, writeJson } from "../output.js";
import { addOutputOptions } from "./common.js";

interface PoliciesOptions {
  json?: boolean;
  csv?: boolean;
}

/**
 * Policies told of every hit only to keep a list of frames to visit, whose victims still depend on
 * the accessed bits alone: NFU (nfu.ts, "Reads: the accessed bit"; the hits mark the frames its
 * tick must look at, so it does not scan every frame).
 */
const HITS_ONLY_FOR_BOOKKEEPING = new Set(["nfu"]);

/** What the policy learns from a run: the inputs that decide its victims. */
function readsOf(f: PolicyFactory<unknown>): string {
  if (f.needsFuture) return "the future (each reference's next use)";
  if (HITS_ONLY_FOR_BOOKKEEPING.has(f.id))
    return "accessed bits at ticks (hits only to find the frames to visit)";
  if (f.wantsHits) return "every hit";
  return "accessed/dirty bits at faults and ticks";
}

/** One policy as the JSON document lists it. */
function describe(id: string) {
  const f = getPolicyFactory(id);
  return {
    id,
    summary: f.summary,
    reads: readsOf(f),
    wantsHits: f.wantsHits,
    needsFuture: f.needsFuture,
    params: Object.entries(f.params).map(([name, p]) => ({ name, default: p.default, doc: p.doc })),
  };
}

export function registerPolicies(program: Command, { io }: CommandContext): void {
  const cmd = program
    .command("policies")
    .summary("list the replacement policies, what each reads, and their parameters")
    .description(
      "Lists every replacement policy: its id (what --policy and --policies take), a summary, what it\n" +
        "reads to choose a victim (every hit, only the accessed and dirty bits, or the future), and its\n" +
        "parameters with their defaults. Give an id to see one policy. A spec is the id, then\n" +
        "parameters: aging:bits=4,on=fault.",
    )
    .argument("[id]", "one policy to describe");
  addOutputOptions(
    cmd,
    "policies[{id, summary, reads, wantsHits, needsFuture, params[{name, default, doc}]}]",
    "id,summary,reads,params",
  );
  cmd
    .addHelpText(
      "after",
      `
Examples:
  $ pagewise policies
  $ pagewise policies aging
  $ pagewise run --refs 1,2,3,4,1,2,5,1,2,3,4,5 --frames 3 --policy aging:bits=4,on=fault`,
    )
    .action((id: string | undefined, opts: PoliciesOptions) => {
      const mode = outputMode(opts);
      // getPolicyFactory throws the registry's error, which names the known ids, for an unknown one.
      const list = (id === undefined ? policyIds() : [getPolicyFactory(id).id]).map(describe);
      if (mode === "json") writeJson(io, { policies: list });
      else if (mode === "csv")
        writeCsv(
          io,
          ["id", "summary", "reads", "params"],
          list.map((p) => ({
            ...p,
            params: p.params.map((q) => `${q.name}=${q.default}`).join(" "),
          })),
        );
      else if (id === undefined) printList(io, list);
      else printOne(io, list[0]!);
    });
}

type Described = ReturnType<typeof describe>;

function printList(io: CliIo, list: Described[]): void {
  const c = colorsFor(io);
  const width = Math.max(...list.map((p) => p.id.length)) + 2;
  for (const p of list) {
    const reads = p.needsFuture
      ? "future"
      : p.wantsHits && !HITS_ONLY_FOR_BOOKKEEPING.has(p.id)
        ? "hits"
        : "bits";
    io.stdout.write(`${c.bold(p.id.padEnd(width))}${reads.padEnd(8)}${p.summary}\n`);
    if (p.params.length > 0) {
      const params = p.params.map((q) => `${q.name}=${q.default === "" ? "(none)" : q.default}`).join(", ");
      io.stdout.write(c.dim(`${" ".repeat(width + 8)}parameters: ${params}\n`));
    }
  }
  io.stdout.write(
    c.dim(
      "\nreads: hits = told of every hit; bits = sees only the accessed and dirty bits (and simulated\n" +
        "time); future = needs each reference's next use (computed from the workload).\n" +
        "`pagewise policies ID` explains one policy's parameters.\n",
    ),
  );
}

function printOne(io: CliIo, p: Described): void {
  const c = colorsFor(io);
  io.stdout.write(`${c.bold(p.id)}: ${p.summary}\nreads: ${p.reads}\n`);
  if (p.params.length === 0) {
    io.stdout.write("parameters: none\n");
    return;
  }
  const rows = p.params.map((q) => [q.name, q.default === "" ? c.dim("(none)") : q.default, q.doc]);
  io.stdout.write(
    `${renderTable(c, ["parameter", "default", "meaning"], rows, ["left", "right", "left"])}\n`,
  );
  io.stdout.write(`spec: ${p.id}:${p.params.map((q) => `${q.name}=…`).join(",")}\n`);
}
