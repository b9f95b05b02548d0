// Replacement quiz: a reference string, a policy and a frame count; for each reference, hit or
// miss and the victim. The answers are the step records of the replay driver (sim/steps.ts).

import { ConfigError } from "../core/errors.js";
import { getPolicyFactory, parsePolicySpec } from "../policies/registry.js";
import { stepAll } from "../sim/steps.js";
import { generateAll, parseGenerator } from "../workloads/generators.js";
import { type Quiz, type QuizItem, QuizRandom } from "./quiz.js";

/** The policies a replacement quiz picks from when none is given: the ones taught everywhere. */
export const CLASSIC_POLICIES = ["fifo", "lru", "opt", "clock", "second-chance"] as const;

export interface ReplacementQuizOptions {
  /** A policy spec; default: one of CLASSIC_POLICIES, chosen by the seed. */
  readonly policy?: string;
  /** Default: 3 or 4, chosen by the seed. */
  readonly frames?: number;
  /** The reference string; default: one generated from the seed. */
  readonly refs?: readonly number[];
  /** Length of a generated string (default 12, at most 40). */
  readonly length?: number;
  /** A workload generator spec (workloads/generators.ts) whose first `length` references are the string. */
  readonly gen?: string;
}

/** Most references a --gen spec may produce for a quiz (it is generated whole, then cut). */
export const MAX_GEN_REFERENCES = 100_000;

/** The first `length` page numbers of generator `spec`. */
function fromGenerator(spec: string, length: number): number[] {
  const total = parseGenerator(spec).total;
  if (total > MAX_GEN_REFERENCES)
    throw new ConfigError("gen", spec, `a generator of at most ${MAX_GEN_REFERENCES} references (set n=)`);
  const all = generateAll(spec);
  return Array.from(all.pages.subarray(0, Math.min(length, all.count)));
}

/**
 * A string over a few pages in which pages used lately come back now and then, as in real
 * programs, and no page follows itself (that would be a hit nobody needs to think about).
 */
function generateRefs(rnd: QuizRandom, length: number, pages: number): number[] {
  const out: number[] = [];
  while (out.length < length) {
    const recent = out.slice(-4, -1);
    const p = recent.length > 0 && rnd.chance(0.3) ? rnd.pick(recent) : rnd.int(0, pages - 1);
    if (p !== out.at(-1)) out.push(p);
  }
  return out;
}

export function replacementQuiz(seed: number, opts: ReplacementQuizOptions = {}): Quiz {
  const rnd = new QuizRandom(seed);
  const policy = opts.policy ?? rnd.pick(CLASSIC_POLICIES);
  getPolicyFactory(parsePolicySpec(policy).id);
  const frames = opts.frames ?? rnd.int(3, 4);
  const length = opts.length ?? 12;
  if (!Number.isInteger(length) || length < 1 || length > 40)
    throw new ConfigError("length", length, "a whole number from 1 to 40");
  if (opts.refs !== undefined && opts.gen !== undefined)
    throw new ConfigError("refs", "and gen", "one of the two");
  const refs = opts.refs
    ? [...opts.refs]
    : opts.gen !== undefined
      ? fromGenerator(opts.gen, length)
      : generateRefs(rnd, length, frames + rnd.int(2, 3));
  if (refs.length === 0 || refs.length > 40)
    throw new ConfigError("refs", refs.length, "1 to 40 references (a quiz is done by hand)");
  const recs = stepAll({ count: refs.length, pages: refs }, { policy, frames });
  const opt = parsePolicySpec(policy).id === "opt";
  const items: QuizItem[] = recs.map((r, i) => {
    // OPT may take any page used as far ahead as the victim (the previous step's notes say which).
    const before = i > 0 ? recs[i - 1]!.lists[0]!.entries : [];
    const note = before.find((e) => e.page === r.victim?.page)?.note;
    const ties =
      opt && r.victim
        ? before.filter((e) => e.note === note && e.page !== r.victim!.page).map((e) => e.page)
        : [];
    const answer = r.hit ? "hit" : r.victim ? `miss, evict ${[r.victim.page, ...ties].join(" or ")}` : "miss";
    const lists = r.lists.map(
      (l) => `${l.name} ${l.entries.map((e) => (e.frame < 0 ? `(${e.page})` : e.page)).join(" ")}`,
    );
    return {
      ask: `reference ${r.step}: page ${r.page}`,
      answer,
      explain: [`after it: ${lists.join(" | ")}`],
      expected: r.victim
        ? {
            type: "ref",
            hit: r.hit,
            victim: r.victim.page,
            ...(ties.length > 0 ? { alternatives: ties } : {}),
          }
        : { type: "ref", hit: r.hit },
    };
  });
  const misses = recs.at(-1)!.misses;
  items.push({
    ask: "total page faults",
    answer: String(misses),
    expected: { type: "number", value: misses },
  });
  return {
    kind: "replacement",
    seed,
    title: `Page replacement: ${policy} with ${frames} frames`,
    problem: [
      `Reference string: ${refs.join(" ")}`,
      `Policy: ${policy}, ${frames} frames, all empty at the start.`,
      "For each reference: hit, or miss and the page evicted (if any). Then the total faults.",
    ],
    data: { policy, frames, refs },
    items,
    howToAnswer: 'type "h" for a hit, "m" for a miss into a free frame, "m 3" for a miss that evicts page 3',
  };
}
