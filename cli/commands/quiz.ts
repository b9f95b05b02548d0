// `pagewise quiz KIND`: a seeded problem (src/quiz: the engine makes it and works out the answers),
// printed with its questions; the answers only with --answers; --json gives both. On a terminal,
// or with --interactive, it asks each question, checks what the student types and keeps score.

import { createInterface } from "node:readline";
import type { Command } from "commander";
import {
  checkAnswer,
  isQuizKind,
  MAX_SEED,
  makeQuiz,
  QUIZ_KINDS,
  type Quiz,
  type QuizOptions,
} from "../../src/index.js";
import { UsageError } from "../errors.js";
import { type CliIo, colorsFor } from "../io.js";
import type { CommandContext } from "../main.js";
import { writeJson } from "../output.js";
import { parseNonNegativeInt, parsePositiveInt, parseRefString, type RefString } from "../units.js";

interface QuizCliOptions {
  seed?: number;
  answers?: boolean;
  json?: boolean;
  interactive?: boolean;
  policy?: string;
  frames?: number;
  refs?: RefString;
  length?: number;
  gen?: string;
  shape?: string;
}

/** Where the interactive mode reads answers: the process's stdin unless a test says otherwise. */
export const quizInput: { lines: () => AsyncIterable<string>; isTTY: () => boolean } = {
  lines: () =>
    createInterface({ input: process.stdin, terminal: false, crlfDelay: Number.POSITIVE_INFINITY }),
  isTTY: () => process.stdin.isTTY === true,
};

const KIND_HELP: Record<(typeof QUIZ_KINDS)[number], string> = {
  replacement: "a reference string, a policy, frames: hit or miss and the victim, per reference",
  translation: "a page-table dump and a PTBR: translate virtual addresses (or say fault / protection)",
  eat: "effective access time from a fault rate and the costs",
  belady: "FIFO with 3 and 4 frames on a string: does it fault more with more frames?",
  minframes: "the minimum frames a process needs for its largest instruction",
};

/** Options that only some kinds take; refused for the others. */
function quizOptions(kind: string, o: QuizCliOptions): QuizOptions {
  const only: [string, unknown, readonly string[]][] = [
    ["--policy", o.policy, ["replacement"]],
    ["--frames", o.frames, ["replacement"]],
    ["--refs", o.refs, ["replacement"]],
    ["--length", o.length, ["replacement"]],
    ["--gen", o.gen, ["replacement"]],
    ["--shape", o.shape, ["translation", "minframes"]],
  ];
  for (const [flag, v, kinds] of only)
    if (v !== undefined && !kinds.includes(kind))
      throw new UsageError(`${flag} is for quiz ${kinds.join(" and ")}`);
  if (o.refs !== undefined && o.length !== undefined)
    throw new UsageError("give --refs or --length, not both");
  if (o.refs !== undefined && o.gen !== undefined) throw new UsageError("give --refs or --gen, not both");
  return {
    ...(o.policy !== undefined ? { policy: o.policy } : {}),
    ...(o.frames !== undefined ? { frames: o.frames } : {}),
    ...(o.refs !== undefined ? { refs: o.refs.pages } : {}),
    ...(o.length !== undefined ? { length: o.length } : {}),
    ...(o.gen !== undefined ? { gen: o.gen } : {}),
    ...(o.shape !== undefined ? { shape: o.shape } : {}),
  };
}

/** The problem and its numbered questions; each answer (and how it was found) with `answers`. */
export function formatQuiz(io: CliIo, q: Quiz, answers: boolean): string {
  const c = colorsFor(io);
  const out = [`${c.bold(q.title)} (quiz ${q.kind}, seed ${q.seed})`, "", ...q.problem, ""];
  q.items.forEach((item, i) => {
    out.push(`${String(i + 1).padStart(3)}. ${item.ask}${answers ? "" : "  ?"}`);
    if (!answers) return;
    out.push(`     ${c.green("→")} ${c.bold(item.answer)}`);
    for (const e of item.explain ?? []) out.push(c.dim(`       ${e}`));
  });
  if (!answers) out.push("", c.dim(`Answers: the same command with --answers (same --seed ${q.seed}).`));
  return `${out.join("\n")}\n`;
}

/**
 * Asks each question, reads a line per answer from `lines`, says right or wrong (with the answer
 * and how it is found) and ends with the score. An empty line skips a question, "?" repeats how
 * to answer, "q" stops. Returns the number right.
 */
export async function runInteractive(io: CliIo, q: Quiz, lines: AsyncIterable<string>): Promise<number> {
  const c = colorsFor(io);
  io.stdout.write(
    `${[`${c.bold(q.title)} (quiz ${q.kind}, seed ${q.seed})`, "", ...q.problem, ""].join("\n")}\n`,
  );
  io.stdout.write(c.dim(`How to answer: ${q.howToAnswer}. Empty line: skip; ?: this help; q: stop.\n`));
  const it = lines[Symbol.asyncIterator]();
  let right = 0;
  let asked = 0;
  for (let i = 0; i < q.items.length; i++) {
    const item = q.items[i]!;
    io.stdout.write(`${String(i + 1).padStart(3)}. ${item.ask}${item.ask.endsWith("?") ? "" : "?"} `);
    const next = await it.next();
    if (next.done) {
      io.stdout.write("\n");
      break;
    }
    const typed = String(next.value).trim();
    if (typed === "q" || typed === "quit") break;
    if (typed === "?") {
      io.stdout.write(c.dim(`     ${q.howToAnswer}\n`));
      i--;
      continue;
    }
    asked++;
    if (typed !== "" && checkAnswer(item.expected, typed)) {
      right++;
      io.stdout.write(`     ${c.green("right")}: ${item.answer}\n`);
    } else {
      io.stdout.write(
        `     ${c.red(typed === "" ? "skipped" : "not quite")}: the answer is ${c.bold(item.answer)}\n`,
      );
      for (const e of item.explain ?? []) io.stdout.write(c.dim(`       ${e}\n`));
    }
  }
  // Closes the input: a terminal's readline would otherwise keep the process waiting for more.
  await it.return?.();
  (lines as { close?: () => void }).close?.();
  io.stdout.write(
    `Score: ${right} of ${asked} answered (${q.items.length} questions). Again: --seed ${q.seed}; another: --seed ${q.seed + 1}.\n`,
  );
  return right;
}

export function registerQuiz(program: Command, { io }: CommandContext): void {
  program
    .command("quiz")
    .summary("seeded exercises: replacement, translation, eat, belady, minframes")
    .description(
      "Print a seeded problem and its questions; --answers shows the answers, worked out by the engine.\n" +
        "On a terminal it asks the questions one by one and checks what you type.\n\n" +
        QUIZ_KINDS.map((k) => `  ${k.padEnd(12)} ${KIND_HELP[k]}`).join("\n"),
    )
    .argument("<kind>", `one of ${QUIZ_KINDS.join(", ")}`)
    .option(
      "--seed <n>",
      `the problem's seed, 0 to ${MAX_SEED} (default: a new one, printed)`,
      parseNonNegativeInt,
    )
    .option("--answers", "print the answers under the questions (no questions asked)")
    .option("--json", "print the problem, its data, the questions and the answers as one JSON document")
    .option("--interactive", "ask the questions and check the answers even when stdin is not a terminal")
    .option(
      "--policy <spec>",
      "replacement: the policy (default: fifo, lru, opt, clock or second-chance by seed)",
    )
    .option("--frames <n>", "replacement: the frame count (default 3 or 4 by seed)", parsePositiveInt)
    .option(
      "--refs <pages>",
      "replacement: this reference string (1,2,3,4,1,2,5) instead of a generated one",
      parseRefString,
    )
    .option(
      "--length <n>",
      "replacement: length of the generated string (default 12, at most 40)",
      parsePositiveInt,
    )
    .option(
      "--gen <spec>",
      "replacement: the first --length references (default 12) of a generator, e.g. zipf:pages=8,alpha=0.8,n=100,seed=3",
    )
    .option(
      "--shape <shape>",
      "translation, minframes: a page-table shape, preset (sv32, sv39, x86-64) or bits (4/4/8)",
    )
    .addHelpText(
      "after",
      `
Examples:
  $ pagewise quiz replacement --seed 7
  $ pagewise quiz replacement --seed 7 --answers
  $ pagewise quiz replacement --refs 1,2,3,4,1,2,5,1,2,3,4,5 --policy lru --frames 3 --answers
  $ pagewise quiz replacement --gen loop:pages=5,n=40 --policy lru --frames 4 --answers
  $ pagewise quiz translation --seed 3 --shape 4/4/8 --answers
  $ pagewise quiz eat --seed 1 --json
  $ pagewise quiz belady --seed 2 --answers
  $ pagewise quiz minframes --seed 5 --shape sv39 --answers

The same seed gives the same problem on every machine. Step through a replacement problem's
answer with: pagewise run --refs STRING --policy P --frames N --steps`,
    )
    .action(async (kind: string, opts: QuizCliOptions) => {
      if (!isQuizKind(kind)) throw new UsageError(`unknown quiz "${kind}": one of ${QUIZ_KINDS.join(", ")}`);
      if (opts.json && opts.interactive) throw new UsageError("give --json or --interactive, not both");
      if (opts.answers && opts.interactive) throw new UsageError("give --answers or --interactive, not both");
      const seed = opts.seed ?? Math.floor(Math.random() * MAX_SEED);
      const q = makeQuiz(kind, seed, quizOptions(kind, opts));
      if (opts.json) return writeJson(io, q);
      const ask = opts.interactive || (!opts.answers && quizInput.isTTY() && io.stdout.isTTY === true);
      if (ask) {
        await runInteractive(io, q, quizInput.lines());
        return;
      }
      io.stdout.write(formatQuiz(io, q, opts.answers === true));
    });
}
