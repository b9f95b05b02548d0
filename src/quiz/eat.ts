// Effective-access-time quiz: a memory access time, a page-fault service time and a fault rate;
// the EAT by the documents' formula (core/time.ts eatFormulaNs), and the slowdown it means.

import { groupDigits } from "../core/format.js";
import { eatFormulaNs } from "../core/time.js";
import { type Quiz, QuizRandom } from "./quiz.js";

/** Shows a nanosecond count as the quiz states it: "200 ns", "8 ms". */
function ns(n: number): string {
  if (n >= 1_000_000 && n % 1_000_000 === 0) return `${n / 1_000_000} ms`;
  if (n >= 1000 && n % 1000 === 0) return `${n / 1000} µs`;
  return `${n} ns`;
}

export function eatQuiz(seed: number): Quiz {
  const rnd = new QuizRandom(seed);
  const memoryNs = rnd.pick([100, 150, 200, 250]);
  const faultNs = rnd.pick([5, 8, 10, 20, 25]) * 1_000_000;
  const perFaults = rnd.pick([1000, 2000, 2500, 4000, 5000, 10_000, 100_000]);
  const p = 1 / perFaults;
  const eat = eatFormulaNs(p, memoryNs, faultNs);
  const round = (x: number) => Math.round(x * 100) / 100;
  return {
    kind: "eat",
    seed,
    title: "Effective access time",
    problem: [
      `Memory access time: ${ns(memoryNs)}. Page-fault service time: ${ns(faultNs)}.`,
      `One access in ${groupDigits(perFaults)} causes a page fault (p = 1/${perFaults}).`,
      "EAT = (1 - p) × memory access + p × fault service.",
    ],
    data: { memoryNs, faultNs, faultRate: p },
    items: [
      {
        ask: "effective access time, in ns",
        answer: `${round(eat)} ns`,
        explain: [`(1 - 1/${perFaults}) × ${memoryNs} + 1/${perFaults} × ${faultNs} = ${round(eat)} ns`],
        expected: { type: "number", value: eat, tolerance: 0.005 },
      },
      {
        ask: "slowdown against no faults (EAT / memory access time)",
        answer: `${round(eat / memoryNs)}`,
        explain: [`${round(eat)} / ${memoryNs} = ${round(eat / memoryNs)}`],
        expected: { type: "number", value: eat / memoryNs, tolerance: 0.01 },
      },
    ],
    howToAnswer: "type a number (within 0.5 % for the EAT, 1 % for the slowdown)",
  };
}
