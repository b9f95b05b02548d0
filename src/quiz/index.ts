// The quizzes' front door: one call makes a seeded problem of any kind (see quiz.ts).

import { ConfigError } from "../core/errors.js";
import { beladyQuiz } from "./belady.js";
import { eatQuiz } from "./eat.js";
import { minframesQuiz } from "./minframes.js";
import { QUIZ_KINDS, type Quiz, type QuizKind } from "./quiz.js";
import { type ReplacementQuizOptions, replacementQuiz } from "./replacement.js";
import { translationQuiz } from "./translation.js";

export { MINFRAMES_SHAPES } from "./minframes.js";
export * from "./quiz.js";
export { CLASSIC_POLICIES } from "./replacement.js";
export { decodePte, TRANSLATION_SHAPES } from "./translation.js";

/** Options a kind may take; the others ignore them (the CLI refuses them). */
export interface QuizOptions extends ReplacementQuizOptions {
  /** translation and minframes: a page-table shape, preset (sv39) or custom (4/4/8). */
  readonly shape?: string;
}

/** True when `kind` names a quiz. */
export function isQuizKind(kind: string): kind is QuizKind {
  return (QUIZ_KINDS as readonly string[]).includes(kind);
}

/** A seeded problem of `kind`: the same seed and options give the same problem everywhere. */
export function makeQuiz(kind: string, seed: number, opts: QuizOptions = {}): Quiz {
  if (!isQuizKind(kind)) throw new ConfigError("quiz kind", kind, `one of ${QUIZ_KINDS.join(", ")}`);
  switch (kind) {
    case "replacement":
      return replacementQuiz(seed, opts);
    case "translation":
      return translationQuiz(seed, opts.shape !== undefined ? { shape: opts.shape } : {});
    case "eat":
      return eatQuiz(seed);
    case "belady":
      return beladyQuiz(seed);
    case "minframes":
      return minframesQuiz(seed, opts.shape !== undefined ? { shape: opts.shape } : {});
  }
}
