// Quizzes (issue 15): seeded problems whose answers the engine computes (the replay driver and the
// policies, the MMU walking tables in physical memory, the EAT formula, sim/min-frames.ts). This
// file holds what every kind shares: the seeded generator, the shape of a quiz, and the checking
// of what a student types. Browser-safe: no Node or DOM APIs; the CLI and the web app format.

import { ConfigError } from "../core/errors.js";

/** The kinds of quiz, in the order `pagewise quiz` lists them. */
export const QUIZ_KINDS = ["replacement", "translation", "eat", "belady", "minframes"] as const;
export type QuizKind = (typeof QUIZ_KINDS)[number];

/**
 * What an answer is, for checking what a student types:
 * - number: a number (decimal or 0x hex), equal to `value` within `tolerance` (relative, default 0);
 * - word: one of `words` (case-insensitive; the first is the canonical spelling);
 * - access: a physical address, or "fault" (page not present) or "protection" (not allowed);
 * - ref: "hit", or "miss" with the victim's page when there is one ("miss 3", "m 3").
 */
export type Expected =
  | { readonly type: "number"; readonly value: number; readonly tolerance?: number }
  | { readonly type: "word"; readonly words: readonly string[] }
  | { readonly type: "access"; readonly result: "ok" | "fault" | "protection"; readonly pa?: number }
  | {
      readonly type: "ref";
      readonly hit: boolean;
      readonly victim?: number;
      /** Other victims as right as `victim` (OPT: pages whose next use is as far). */
      readonly alternatives?: readonly number[];
    };

/** One question of a quiz: what is asked, the answer as shown, and what a typed answer must match. */
export interface QuizItem {
  readonly ask: string;
  readonly answer: string;
  /** How the answer was worked out, shown with the answers (each level's index, the formula …). */
  readonly explain?: readonly string[];
  readonly expected: Expected;
}

/** A generated problem: its setting as text lines and data, and its questions. */
export interface Quiz {
  readonly kind: QuizKind;
  readonly seed: number;
  readonly title: string;
  /** The problem as a student reads it (a memory dump, a reference string …), one line each. */
  readonly problem: readonly string[];
  /** The problem's parameters as data, for --json and the web app. */
  readonly data: Readonly<Record<string, unknown>>;
  readonly items: readonly QuizItem[];
  /** A hint on how to type answers, for the interactive mode. */
  readonly howToAnswer: string;
}

/** The largest seed: seeds are 32-bit unsigned integers. */
export const MAX_SEED = 4294967295;

/** Checks a seed: a whole number from 0 to MAX_SEED. Throws ConfigError naming `seed`. */
export function checkSeed(seed: number): number {
  if (!Number.isSafeInteger(seed) || seed < 0 || seed > MAX_SEED)
    throw new ConfigError("seed", seed, `a whole number from 0 to ${MAX_SEED}`);
  return seed;
}

/**
 * A seeded generator (mulberry32) owned by the quizzes, so a seed gives the same problem on every
 * machine and in every release that keeps this file: tests pin some.
 */
export class QuizRandom {
  private state: number;

  constructor(seed: number) {
    this.state = checkSeed(seed) >>> 0;
  }

  /** A uniform 32-bit unsigned integer. */
  u32(): number {
    this.state = (this.state + 0x6d2b79f5) | 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** A uniform integer in [lo, hi]. */
  int(lo: number, hi: number): number {
    return lo + (this.u32() % (hi - lo + 1));
  }

  pick<T>(items: readonly T[]): T {
    return items[this.u32() % items.length]!;
  }

  /** True with probability `p` (in 1/1000 steps). */
  chance(p: number): boolean {
    return this.u32() % 1000 < Math.round(p * 1000);
  }

  /** `items` in a random order (a copy). */
  shuffle<T>(items: readonly T[]): T[] {
    const a = [...items];
    for (let i = a.length - 1; i > 0; i--) {
      const j = this.u32() % (i + 1);
      [a[i], a[j]] = [a[j]!, a[i]!];
    }
    return a;
  }
}

/** Parses a typed number: decimal (1,234.5 and 1e3 allowed) or 0x hex; NaN if it is none. */
export function parseTypedNumber(text: string): number {
  const t = text
    .trim()
    .replace(/_/g, "")
    .replace(/,(?=\d{3}\b)/g, "");
  if (/^0x[0-9a-f]+$/i.test(t)) return Number.parseInt(t.slice(2), 16);
  if (/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(t)) return Number(t);
  return Number.NaN;
}

/** True when `typed` answers `e` (see Expected). */
export function checkAnswer(e: Expected, typed: string): boolean {
  const t = typed.trim().toLowerCase();
  switch (e.type) {
    case "number": {
      const n = parseTypedNumber(t);
      const tol = Math.abs(e.value) * (e.tolerance ?? 0);
      return Number.isFinite(n) && Math.abs(n - e.value) <= tol + 1e-9;
    }
    case "word":
      return e.words.some((w) => w.toLowerCase() === t);
    case "access": {
      if (e.result === "fault") return /^(page[ -])?fault$|^not present$/.test(t);
      if (e.result === "protection") return /^prot(ection)?( fault| error)?$/.test(t);
      return parseTypedNumber(t) === e.pa;
    }
    case "ref": {
      const words = t.split(/[\s,;:]+/).filter((w) => w !== "" && w !== "evict" && w !== "victim");
      const head = words[0] ?? "";
      if (e.hit) return words.length === 1 && (head === "h" || head === "hit");
      if (head !== "m" && head !== "miss") return false;
      const rest = words.slice(1).filter((w) => w !== "-");
      if (e.victim === undefined) return rest.length === 0;
      const v = rest.length === 1 ? parseTypedNumber(rest[0]!) : Number.NaN;
      return v === e.victim || (e.alternatives ?? []).includes(v);
    }
  }
}

/** Hex with a 0x prefix, at least `digits` digits. */
export function hex(n: number, digits = 1): string {
  return `0x${n.toString(16).padStart(digits, "0")}`;
}
