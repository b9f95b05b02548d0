// Minimum-frames quiz: a page-table shape and the longest memmove an instruction may do; how many
// pages it touches at once, how many page-table frames map them, and the minimum frames a process
// needs (sim/min-frames.ts minimumFrames, the number the Machine enforces).

import { makeLayout, parseShape } from "../core/addr.js";
import { minimumFrames } from "../sim/min-frames.js";
import { type Quiz, QuizRandom } from "./quiz.js";

/** Shapes the quiz picks from: presets and small custom splits (the last number is the offset bits). */
export const MINFRAMES_SHAPES = ["sv32", "sv39", "x86-64", "10/10/12", "6/6/8", "4/4/4/8"] as const;

export function minframesQuiz(seed: number, opts: { shape?: string } = {}): Quiz {
  const rnd = new QuizRandom(seed);
  const shape = opts.shape ?? rnd.pick(MINFRAMES_SHAPES);
  const layout = makeLayout(parseShape(shape));
  const ps = layout.pageSize;
  const moveBytes = rnd.pick([0, 1, 2, ps - 1, ps, ps + 1, 2 * ps, 3 * ps + rnd.int(1, ps - 1)]);
  const m = minimumFrames(layout, moveBytes);
  const what =
    moveBytes === 0
      ? "one reference (no memmove)"
      : `a memmove of up to ${moveBytes} byte${moveBytes === 1 ? "" : "s"} (source and destination, any alignment)`;
  return {
    kind: "minframes",
    seed,
    title: "Minimum frames of an instruction",
    problem: [
      `Page-table shape ${shape}: ${layout.levels} level(s) of ${layout.levelBits.join("/")} bits, ${ps}-byte pages.`,
      `Largest instruction: ${what}.`,
      "Every page it touches, and every page table mapping them, must be resident at once.",
    ],
    data: { shape, levels: layout.levels, pageSize: ps, moveBytes },
    items: [
      {
        ask: "pages touched at once (worst case)",
        answer: String(m.pages),
        expected: { type: "number", value: m.pages },
      },
      {
        ask: "page-table frames that map them (worst case, root included)",
        answer: String(m.tables),
        expected: { type: "number", value: m.tables },
      },
      {
        ask: "minimum frames for the process",
        answer: String(m.frames),
        explain: [m.why],
        expected: { type: "number", value: m.frames },
      },
    ],
    howToAnswer: "type a whole number",
  };
}
