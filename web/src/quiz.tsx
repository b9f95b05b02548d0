// The quizzes in the page: the engine's seeded problems (src/quiz, the same as `pagewise quiz`),
// one input per question checked with the engine's checkAnswer, and the answers on request.

import { useMemo, useState } from "preact/hooks";
import { checkAnswer, makeQuiz, PagewiseError, QUIZ_KINDS, type Quiz } from "../../src/index.js";

export function QuizPanel() {
  const [kind, setKind] = useState<string>("replacement");
  const [seedText, setSeedText] = useState("1");
  const [typed, setTyped] = useState<Record<number, string>>({});
  const [checked, setChecked] = useState(false);
  const [reveal, setReveal] = useState(false);
  const made = useMemo((): { quiz: Quiz } | { error: string } => {
    try {
      if (!/^\d+$/.test(seedText.trim())) throw new Error(`seed: a whole number, not "${seedText}"`);
      return { quiz: makeQuiz(kind, Number(seedText.trim())) };
    } catch (e) {
      return { error: e instanceof PagewiseError || e instanceof Error ? e.message : String(e) };
    }
  }, [kind, seedText]);
  const reset = () => {
    setTyped({});
    setChecked(false);
    setReveal(false);
  };
  const quiz = "quiz" in made ? made.quiz : null;
  const right =
    quiz === null ? 0 : quiz.items.filter((it, i) => checkAnswer(it.expected, typed[i] ?? "")).length;
  return (
    <section aria-labelledby="quiz-h" class="panel quiz" id="quiz">
      <h2 id="quiz-h">Quiz (the same seed gives the same problem as pagewise quiz)</h2>
      <div class="buttons">
        <label>
          Kind{" "}
          <select
            id="quiz-kind"
            value={kind}
            onChange={(e) => {
              setKind((e.target as HTMLSelectElement).value);
              reset();
            }}
          >
            {QUIZ_KINDS.map((k) => (
              <option key={k} value={k}>
                {k}
              </option>
            ))}
          </select>
        </label>
        <label>
          Seed{" "}
          <input
            id="quiz-seed"
            size={8}
            value={seedText}
            onInput={(e) => {
              setSeedText((e.target as HTMLInputElement).value);
              reset();
            }}
          />
        </label>
      </div>
      {"error" in made && (
        <p role="alert" class="error" id="quiz-error">
          Error: {made.error}
        </p>
      )}
      {quiz !== null && (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            setChecked(true);
          }}
        >
          <h3 id="quiz-title">{quiz.title}</h3>
          <pre class="problem">{quiz.problem.join("\n")}</pre>
          <p class="keys">{quiz.howToAnswer}</p>
          <ol class="items">
            {quiz.items.map((it, i) => {
              const ok = checkAnswer(it.expected, typed[i] ?? "");
              return (
                <li key={`${quiz.seed}-${i}`} data-item={i}>
                  <label>
                    {it.ask}{" "}
                    <input
                      class="answer"
                      size={14}
                      value={typed[i] ?? ""}
                      onInput={(e) => setTyped({ ...typed, [i]: (e.target as HTMLInputElement).value })}
                    />
                  </label>
                  {checked && <span class={ok ? "right" : "wrong"}>{ok ? " ✓ right" : " ✗ not right"}</span>}
                  {reveal && (
                    <span class="answer-shown">
                      {" "}
                      answer: <strong>{it.answer}</strong>
                      {it.explain && it.explain.length > 0 ? ` (${it.explain.join("; ")})` : ""}
                    </span>
                  )}
                </li>
              );
            })}
          </ol>
          <div class="buttons">
            <button type="submit" id="quiz-check">
              Check my answers
            </button>
            <button type="button" id="quiz-reveal" onClick={() => setReveal(!reveal)} aria-pressed={reveal}>
              {reveal ? "Hide answers" : "Show answers"}
            </button>
            {checked && (
              <span id="quiz-score">
                {right} of {quiz.items.length} right
              </span>
            )}
          </div>
        </form>
      )}
    </section>
  );
}
