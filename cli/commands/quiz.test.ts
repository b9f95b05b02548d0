// `pagewise quiz`: questions without answers, --answers, --json, the interactive mode on scripted
// input, refused options, and every example of its --help.

import { afterEach, describe, expect, it } from "vitest";
import { makeQuiz } from "../../src/index.js";
import { bufferIo } from "../io.js";
import { main } from "../main.js";
import { quizInput } from "./quiz.js";

const original = { ...quizInput };
afterEach(() => {
  quizInput.lines = original.lines;
  quizInput.isTTY = original.isTTY;
});

async function cli(args: string[]) {
  const io = bufferIo();
  const code = await main(args, io);
  return { code, out: io.stdout.text, err: io.stderr.text };
}

/** Scripted stdin: these lines, then end of input. */
function script(lines: string[]) {
  quizInput.lines = async function* () {
    yield* lines;
  };
}

describe("pagewise quiz", () => {
  it("prints the questions without the answers, then with --answers the engine's answers", async () => {
    const q = makeQuiz("replacement", 7);
    const plain = await cli(["quiz", "replacement", "--seed", "7"]);
    expect(plain.code).toBe(0);
    expect(plain.out).toContain("Reference string: 0 3 2 3 2 4 1 3 1 4 2 4");
    for (const item of q.items) expect(plain.out).toContain(item.ask);
    expect(plain.out).not.toContain("→");
    expect(plain.out).not.toContain("miss, evict");
    const shown = await cli(["quiz", "replacement", "--seed", "7", "--answers"]);
    for (const item of q.items) expect(shown.out).toContain(`→ ${item.answer}`);
  });

  it("--json holds the problem, the questions and the answers", async () => {
    for (const kind of ["replacement", "translation", "eat", "belady", "minframes"]) {
      const r = await cli(["quiz", kind, "--seed", "12", "--json"]);
      expect(r.code).toBe(0);
      expect(JSON.parse(r.out)).toEqual(JSON.parse(JSON.stringify(makeQuiz(kind, 12))));
    }
  });

  it("a reference string, a policy and frames of the student's choosing", async () => {
    const r = await cli([
      "quiz",
      "replacement",
      "--refs",
      "1,2,3,4,1,2,5,1,2,3,4,5",
      "--policy",
      "fifo",
      "--frames",
      "3",
      "--answers",
    ]);
    expect(r.out).toContain("total page faults");
    expect(r.out).toContain("→ 9");
  });

  it("asks, checks and scores on scripted input", async () => {
    const q = makeQuiz("translation", 3, { shape: "4/4/8" });
    // Right answers typed as a student would: an address in hex or decimal, "fault", "protection".
    const typed = q.items.map((i) => {
      const e = i.expected as { result: string; pa?: number };
      return e.result === "ok" ? String(e.pa) : e.result === "fault" ? "page fault" : "protection";
    });
    script(["?", typed[0]!, "0x0", ...typed.slice(2)]);
    const r = await cli(["quiz", "translation", "--seed", "3", "--shape", "4/4/8", "--interactive"]);
    expect(r.code).toBe(0);
    expect(r.out).toContain("How to answer");
    expect(r.out).toContain(`not quite: the answer is ${q.items[1]!.answer}`);
    expect(r.out.match(/right: /g)).toHaveLength(q.items.length - 1);
    expect(r.out).toContain(`Score: ${q.items.length - 1} of ${q.items.length} answered`);
  });

  it("stops at q and at the end of input, with the score so far", async () => {
    script(["m", "q", "m"]);
    const r = await cli(["quiz", "replacement", "--seed", "7", "--interactive"]);
    expect(r.out).toContain("Score: 1 of 1 answered (13 questions)");
    script([]);
    expect((await cli(["quiz", "eat", "--seed", "1", "--interactive"])).out).toContain(
      "Score: 0 of 0 answered",
    );
  });

  it("closes its input when done, so a terminal session ends (after q, and after the last question)", async () => {
    for (const answers of [["q"], ["1", "2"]]) {
      let closed = false;
      quizInput.lines = () =>
        Object.assign(
          (async function* () {
            yield* answers;
            // A terminal never ends by itself: the quiz must stop reading and close.
            await new Promise(() => {});
          })(),
          {
            close: () => {
              closed = true;
            },
          },
        );
      const r = await cli(["quiz", "eat", "--seed", "1", "--interactive"]);
      expect(r.out).toContain("Score:");
      expect(closed, answers.join(",")).toBe(true);
    }
  });

  it("asks by itself only on a terminal", async () => {
    script(["m"]);
    quizInput.isTTY = () => true;
    const io = bufferIo({ tty: true });
    expect(await main(["quiz", "replacement", "--seed", "7"], io)).toBe(0);
    expect(io.stdout.text).toContain("Score: 1 of 1 answered");
    const piped = await cli(["quiz", "replacement", "--seed", "7"]);
    expect(piped.out).not.toContain("Score");
  });

  it("refuses a bad kind, a bad seed and options of another kind, naming them", async () => {
    for (const [args, code, msg] of [
      [["quiz", "paging"], 2, 'unknown quiz "paging"'],
      [["quiz", "eat", "--shape", "sv39"], 2, "--shape is for quiz translation and minframes"],
      [["quiz", "belady", "--policy", "lru"], 2, "--policy is for quiz replacement"],
      [["quiz", "eat", "--seed", "4294967296"], 1, "seed"],
      [["quiz", "replacement", "--refs", "1,x"], 2, '"x" is not a page number'],
      [["quiz", "translation", "--shape", "20/20/20/12"], 1, "vaBits"],
      [["quiz", "eat", "--json", "--interactive"], 2, "not both"],
    ] as const) {
      const r = await cli([...args]);
      expect(r.code, args.join(" ")).toBe(code);
      expect(r.err, args.join(" ")).toContain(msg);
      expect(r.out).toBe("");
    }
  });

  it("runs every example of its --help", async () => {
    const help = await cli(["quiz", "--help"]);
    const examples = help.out
      .split("\n")
      .filter((l) => l.trim().startsWith("$ pagewise "))
      .map((l) => l.trim().slice("$ pagewise ".length).split(/\s+/));
    expect(examples.length).toBeGreaterThanOrEqual(5);
    for (const args of examples) {
      const r = await cli(args);
      expect(r.code, args.join(" ")).toBe(0);
      expect(r.out.length, args.join(" ")).toBeGreaterThan(0);
    }
  });
});
