// Belady quiz: a reference string; FIFO's faults with n and n + 1 frames, and whether it faults
// more with more frames (Belady's anomaly). The faults are the replay driver's (sim/replay.ts).
// About half the seeds give a string with the anomaly (see withAnomaly).

import { densify } from "../sim/densify.js";
import { replay } from "../sim/replay-trace.js";
import { type Quiz, QuizRandom } from "./quiz.js";

function fifoFaults(refs: readonly number[], frames: number): number {
  const d = densify(Float64Array.from(refs), refs.length);
  return replay({ count: refs.length, pages: d.ids, pageSpace: d.pageSpace }, { policy: "fifo", frames })
    .faults;
}

/** The classic string with the anomaly (Belady, Nelson and Shedler 1969): FIFO 9 faults with 3 frames, 10 with 4. */
const CLASSIC = [1, 2, 3, 4, 1, 2, 5, 1, 2, 3, 4, 5];

const anomalous = (refs: readonly number[], frames: number) =>
  fifoFaults(refs, frames + 1) > fifoFaults(refs, frames);

/**
 * A string with the anomaly at `frames` (3): the classic one with its pages renamed, then changed
 * a reference at a time (a page replaced, inserted or removed), each change kept only while the
 * engine still finds the anomaly; so strings differ from seed to seed and never need a long search.
 */
function withAnomaly(rnd: QuizRandom, frames: number): number[] {
  const names = rnd.shuffle([1, 2, 3, 4, 5, 6, 7, 8, 9]).slice(0, 5);
  let refs = CLASSIC.map((p) => names[p - 1]!);
  const alphabet = names.concat(rnd.chance(0.5) ? [rnd.pick([1, 2, 3, 4, 5, 6, 7, 8, 9])] : []);
  for (let t = 0; t < 40; t++) {
    const at = rnd.int(0, refs.length - 1);
    const op = rnd.int(0, 2);
    const cand =
      op === 0
        ? refs.map((p, i) => (i === at ? rnd.pick(alphabet) : p))
        : op === 1 && refs.length < 16
          ? [...refs.slice(0, at), rnd.pick(alphabet), ...refs.slice(at)]
          : refs.length > 10
            ? [...refs.slice(0, at), ...refs.slice(at + 1)]
            : refs;
    if (anomalous(cand, frames)) refs = cand;
  }
  return refs;
}

/** A string over at least frames + 2 pages without the anomaly at `frames` (most random strings). */
function withoutAnomaly(rnd: QuizRandom, frames: number): number[] {
  for (let t = 0; t < 1000; t++) {
    const refs = Array.from({ length: rnd.int(10, 14) }, () => rnd.int(1, frames + 3));
    if (new Set(refs).size >= frames + 2 && !anomalous(refs, frames)) return refs;
  }
  // Never reached in practice (most random strings qualify); a loop with every reference a miss.
  return Array.from({ length: 2 * (frames + 2) }, (_, i) => 1 + (i % (frames + 2)));
}

export function beladyQuiz(seed: number): Quiz {
  const rnd = new QuizRandom(seed);
  const frames = 3;
  const wanted = rnd.chance(0.5);
  const refs = wanted ? withAnomaly(rnd, frames) : withoutAnomaly(rnd, frames);
  const few = fifoFaults(refs, frames);
  const more = fifoFaults(refs, frames + 1);
  const anomaly = more > few;
  return {
    kind: "belady",
    seed,
    title: "Belady's anomaly",
    problem: [
      `Reference string: ${refs.join(" ")}`,
      `FIFO replacement, all frames empty at the start: with ${frames} frames, then with ${frames + 1}.`,
    ],
    data: { policy: "fifo", refs, frames: [frames, frames + 1] },
    items: [
      {
        ask: `FIFO faults with ${frames} frames`,
        answer: String(few),
        expected: { type: "number", value: few },
      },
      {
        ask: `FIFO faults with ${frames + 1} frames`,
        answer: String(more),
        expected: { type: "number", value: more },
      },
      {
        ask: `does FIFO fault more with ${frames + 1} frames than with ${frames} (Belady's anomaly)?`,
        answer: anomaly ? "yes" : "no",
        explain: [
          anomaly
            ? `${more} > ${few}: more frames, more faults (FIFO is not a stack algorithm)`
            : `${more} ≤ ${few}: no anomaly on this string`,
        ],
        expected: { type: "word", words: anomaly ? ["yes", "y"] : ["no", "n"] },
      },
    ],
    howToAnswer: 'type a number of faults, then "yes" or "no"',
  };
}
