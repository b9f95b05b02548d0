// The web app: controls and views over a Session (session.ts), rendered with Preact. Every number
// shown comes from the engine's Stepper running in this page; this file only lays it out.

import "uplot/dist/uPlot.min.css";
import "./style.css";
import { render } from "preact";
import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import uPlot from "uplot";
import bigbssElf from "../../examples/rv32/bin/bigbss.elf?inline";
import heapElf from "../../examples/rv32/bin/heap.elf?inline";
import helloElf from "../../examples/rv32/bin/hello.elf?inline";
import matmulElf from "../../examples/rv32/bin/matmul.elf?inline";
import pastbrkElf from "../../examples/rv32/bin/pastbrk.elf?inline";
import recurseElf from "../../examples/rv32/bin/recurse.elf?inline";
import segvElf from "../../examples/rv32/bin/segv.elf?inline";
import sortElf from "../../examples/rv32/bin/sort.elf?inline";
import {
  type FullStepRecord,
  makeLayout,
  PagewiseError,
  parseShape,
  policyIds,
  type StepFrame,
  type StepList,
  type StepRecord,
  type TlbMode,
} from "../../src/index.js";
import gzipWordsTrace from "../../test/fixtures/traces/gzip-words.pwt?inline";
import sort500Trace from "../../test/fixtures/traces/sort500.pwt?inline";
import { DEFAULT_FULL, FullSession } from "./full-session.js";
import { fullPageCell, PageTableTree, SwapView, TlbView, WalkView } from "./full-views.js";
import type { FullFrame } from "./machine-reader.js";
import { ProgramSession } from "./program-session.js";
import { ProgramPanel } from "./program-view.js";
import { QuizPanel } from "./quiz.js";
import {
  gunzipIfNeeded,
  LIMITS,
  LOG_SIZE,
  missRatioCurves,
  type Refs,
  refsFromGenerator,
  refsFromString,
  refsFromTrace,
  Session,
  TEXTBOOK,
} from "./session.js";
import { TranslationView } from "./translation.js";

/** Real program traces shipped with pagewise (test/fixtures/traces, see its PROVENANCE.md), inlined. */
const BUNDLED: Readonly<Record<string, { url: string; summary: string }>> = {
  "sort500.pwt": { url: sort500Trace, summary: "GNU sort -n of 500 numbers" },
  "gzip-words.pwt": { url: gzipWordsTrace, summary: "gzip -c of 8 KB of words" },
};

/** pagewise's RV32 example programs (examples/rv32, see its PROVENANCE.md), inlined, with their arguments. */
const PROGRAMS: Readonly<Record<string, { url: string; summary: string; args?: string }>> = {
  "hello.elf": { url: helloElf, summary: "prints its arguments and some formats", args: 'one "two words" 3' },
  "segv.elf": { url: segvElf, summary: "prints, then stores through a wild pointer: SIGSEGV" },
  "pastbrk.elf": { url: pastbrkElf, summary: "grows the heap, then writes past the break: SIGSEGV" },
  "bigbss.elf": { url: bigbssElf, summary: "a 4 MiB zeroed array touched sparsely: zero-fill faults" },
  "recurse.elf": { url: recurseElf, summary: "deep recursion: the stack grows page by page" },
  "matmul.elf": { url: matmulElf, summary: "96×96 matrix product" },
  "sort.elf": { url: sortElf, summary: "sorts 20000 numbers twice" },
  "heap.elf": { url: heapElf, summary: "malloc-heavy hash table: thrashes in few frames" },
};

/** Splits an argument line as a shell would for plain words and double-quoted ones. */
function splitArgs(line: string): string[] {
  const out: string[] = [];
  for (const m of line.matchAll(/"([^"]*)"|(\S+)/g)) out.push(m[1] ?? m[2]!);
  return out;
}

type Source = "textbook" | "generator" | "typed" | "file" | "program";

/** Replay mode (the replay driver: frames and a policy) or full mode (the Machine: page tables, TLB, swap). */
type Mode = "replay" | "full";

/** A run the views read: either mode's session. */
type Run = Session | FullSession;

/** Page-table shapes offered in full mode ("fit": the fewest levels for the pages at the page size). */
const FULL_SHAPES = ["sv32", "sv39", "x86-64", "4/4/8", "6/10", "fit"] as const;

interface Setup {
  source: Source;
  textbook: string;
  generator: string;
  typed: string;
  /** The trace file read (source "file"), decoded. */
  file: Refs | null;
  /** Bytes per page for trace files. */
  pageSize: number;
  /** Most references a generator or trace file gives (LIMITS). */
  limit: number;
  policy: string;
  frames: number;
  mode: Mode;
  /** Program source: a bundled example's name, or "" for the user's file (programFile). */
  program: string;
  programFile: { name: string; bytes: Uint8Array } | null;
  programArgs: string;
  /** Full mode: a shape from FULL_SHAPES. */
  shape: string;
  tlbEntries: number;
  tlbWays: number;
  tlbMode: TlbMode;
}

const FIRST_TEXTBOOK = Object.keys(TEXTBOOK)[0]!;
const DEFAULT_SETUP: Setup = {
  source: "textbook",
  textbook: FIRST_TEXTBOOK,
  generator: "zipf:pages=40,alpha=0.9,n=2000,seed=1",
  typed: "1,2,3,4,1,2,5,1,2,3,4,5",
  file: null,
  pageSize: 4096,
  limit: LIMITS[0],
  policy: "fifo",
  frames: 3,
  mode: "replay",
  program: "hello.elf",
  programFile: null,
  programArgs: PROGRAMS["hello.elf"]!.args ?? "",
  shape: DEFAULT_FULL.shape ?? "sv32",
  tlbEntries: DEFAULT_FULL.tlbEntries,
  tlbWays: DEFAULT_FULL.tlbWays,
  tlbMode: DEFAULT_FULL.tlbMode,
};

/** References per second; 0: as fast as the page allows. */
const SPEEDS = [1, 2, 5, 10, 50, 250, 1000, 0] as const;
/** Time one animation frame may spend stepping (ms), so the page keeps drawing. */
const SLICE_MS = 8;
/** While playing fast, the views are drawn at most this often (ms). */
const DRAW_MS = 100;

/**
 * A run of `refs` as the setup says. Full mode: a trace file's pages are `pageSize` bytes and the
 * shape must have that page size; typed and generated pages take the shape's page size.
 */
function makeRun(refs: Refs, s: Setup): Run {
  if (s.mode === "replay") return new Session(refs, s.policy, s.frames);
  const fit = s.shape === "fit";
  const pageSize = fit || s.source === "file" ? s.pageSize : makeLayout(parseShape(s.shape)).pageSize;
  return new FullSession(refs, s.policy, s.frames, {
    pageSize,
    ...(fit ? {} : { shape: s.shape }),
    tlbEntries: s.tlbEntries,
    tlbWays: s.tlbWays,
    tlbMode: s.tlbMode,
  });
}

function buildSession(s: Setup): Run {
  if (s.source === "file") {
    if (s.file === null) throw new Error("choose a trace file first (or drop one on the page)");
    return makeRun(s.file, s);
  }
  const refs =
    s.source === "textbook"
      ? refsFromString(
          TEXTBOOK[s.textbook as keyof typeof TEXTBOOK] ?? TEXTBOOK[FIRST_TEXTBOOK as keyof typeof TEXTBOOK],
        )
      : s.source === "generator"
        ? refsFromGenerator(s.generator, s.limit)
        : refsFromString(s.typed);
  return makeRun(refs, s);
}

/** A shape's name with its levels and page size: "sv32 (10/10 bits, 4096-byte pages)". */
function shapeLabel(spec: string): string {
  const l = makeLayout(parseShape(spec));
  return `${spec} (${l.levelBits.join("/")} bits, ${l.pageSize}-byte pages)`;
}

function errorText(e: unknown): string {
  if (e instanceof PagewiseError) return e.message;
  return e instanceof Error ? e.message : String(e);
}

function pageText(pid: number, page: number, multi: boolean): string {
  return multi ? `${pid}:${page}` : String(page);
}

function multiProcess(s: Run): boolean {
  for (let i = 0; i < s.count; i++) if (s.refs.pids[i] !== 0) return true;
  return false;
}

function App() {
  const [setup, setSetup] = useState<Setup>(DEFAULT_SETUP);
  const [session, setSession] = useState<Run>(() => buildSession(DEFAULT_SETUP));
  const [program, setProgram] = useState<ProgramSession | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [, setVersion] = useState(0);
  const [playing, setPlaying] = useState(false);
  const [speed, setSpeed] = useState<number>(5);
  const [jump, setJump] = useState("");
  const [switchTo, setSwitchTo] = useState("lru");
  const [comparePolicy, setComparePolicy] = useState("");
  // A second run of the same references and frames under another policy, kept at the same position.
  const other = useMemo(
    () => (comparePolicy === "" ? null : session.again(comparePolicy)),
    [session, comparePolicy],
  );
  if (other !== null && other.position !== session.position) other.seek(session.position);
  const multi = useMemo(() => multiProcess(session), [session]);
  const refresh = () => setVersion((v) => v + 1);

  const act = (f: () => void) => {
    try {
      f();
      setError(null);
    } catch (e) {
      setError(errorText(e));
    }
    refresh();
  };

  const startProgram = (name: string, bytes: Uint8Array, s: Setup) =>
    act(() => {
      const p = new ProgramSession(name, bytes, splitArgs(s.programArgs), {
        frames: s.frames,
        policy: s.policy,
        tlbEntries: s.tlbEntries,
        tlbWays: s.tlbWays,
        tlbMode: s.tlbMode,
      });
      setPlaying(false);
      setProgram(p);
    });
  const load = () => {
    if (setup.source === "program") {
      if (setup.program === "") {
        if (setup.programFile === null) setError("choose an RV32 ELF file first");
        else startProgram(setup.programFile.name, setup.programFile.bytes, setup);
        return;
      }
      const b = PROGRAMS[setup.program]!;
      fetch(b.url)
        .then((r) => r.arrayBuffer())
        .then(
          (buf) => startProgram(setup.program, new Uint8Array(buf), setup),
          (e: unknown) => setError(errorText(e)),
        );
      return;
    }
    act(() => {
      const s = buildSession(setup);
      setPlaying(false);
      setSession(s);
      setProgram(null);
    });
  };

  // The last trace's name and uncompressed bytes, to decode again at another page size.
  const traceBytes = useRef<{ name: string; plain: Uint8Array } | null>(null);
  const loadTrace = (name: string, plain: Uint8Array, pageSize: number, limit = setup.limit) =>
    act(() => {
      const refs = refsFromTrace(name, plain, pageSize, limit);
      traceBytes.current = { name, plain };
      const next = { ...setup, source: "file" as const, file: refs, pageSize, limit };
      setSetup(next);
      setPlaying(false);
      setSession(makeRun(refs, next));
    });
  // A trace file, chosen, dropped or bundled: decompressed and decoded in the page, then loaded.
  const readTrace = (name: string, bytes: Promise<ArrayBuffer>) => {
    bytes.then(
      async (buf) => {
        let plain: Uint8Array;
        try {
          plain = await gunzipIfNeeded(name, new Uint8Array(buf));
        } catch (e) {
          setError(errorText(e));
          return;
        }
        loadTrace(name, plain, setup.pageSize);
      },
      (e: unknown) =>
        act(() => {
          throw e;
        }),
    );
  };
  const readFile = (f: File | undefined) => {
    if (f !== undefined) readTrace(f.name, f.arrayBuffer());
  };
  useEffect(() => {
    const over = (e: DragEvent) => e.preventDefault();
    const drop = (e: DragEvent) => {
      e.preventDefault();
      readFile(e.dataTransfer?.files[0]);
    };
    window.addEventListener("dragover", over);
    window.addEventListener("drop", drop);
    return () => {
      window.removeEventListener("dragover", over);
      window.removeEventListener("drop", drop);
    };
  });

  // Playing: each animation frame moves on as many references as the speed asks for since the
  // last frame, in chunks sized so that one frame's work takes about SLICE_MS (a chunk is a seek:
  // fast-forward without records, then the log's last references stepped), so a long run keeps
  // the page responsive whatever the frame count.
  useEffect(() => {
    if (!playing) return;
    let raf = 0;
    let last = performance.now();
    let owed = 0;
    let chunk = 64;
    let drawn = 0;
    const frame = (now: number) => {
      owed = speed === 0 ? Number.POSITIVE_INFINITY : owed + ((now - last) / 1000) * speed;
      last = now;
      const until = performance.now() + SLICE_MS;
      // Chunks without records (a record describes the policy's lists, costly with many frames),
      // stopping LOG_SIZE references short of where this frame goes, then those last ones with
      // records, for the log and the last step.
      for (;;) {
        const room = Math.min(Math.floor(owed), session.count - session.position) - LOG_SIZE;
        if (room < 1 || performance.now() >= until) break;
        const n = Math.min(chunk, room);
        const t = performance.now();
        session.seek(session.position + n, false);
        const took = performance.now() - t;
        owed -= n;
        if (n === chunk)
          chunk = Math.max(1, Math.min(1 << 20, Math.round((chunk * SLICE_MS) / 2 / Math.max(took, 0.05))));
      }
      if (owed >= 1 && !session.done) {
        const n = Math.min(LOG_SIZE, Math.floor(owed));
        session.seek(session.position + n);
        owed -= n;
      }
      if (owed === Number.POSITIVE_INFINITY) owed = 0;
      // Fast play draws the views at most every DRAW_MS, so the frames between go to stepping
      // (a full-mode render can take longer than a frame's stepping); slow play draws each step.
      if (session.done || (speed > 0 && speed <= 50) || now - drawn >= DRAW_MS) {
        drawn = now;
        refresh();
      }
      if (session.done) setPlaying(false);
      else raf = requestAnimationFrame(frame);
    };
    raf = requestAnimationFrame(frame);
    return () => cancelAnimationFrame(raf);
  }, [playing, speed, session]);

  const pinPage = (f: FullFrame) =>
    act(() => {
      if (!(session instanceof FullSession)) return;
      if (f.pins > 0) session.unpin(f.pid, f.page);
      else session.pin(f.pid, f.page);
    });
  const stepFwd = () => act(() => session.step());
  const stepBack = () => act(() => session.back());
  const toStart = () => act(() => session.seek(0));
  const toEnd = () => act(() => session.seek(session.count));
  const doJump = () =>
    act(() => {
      const n = Number(jump);
      if (!Number.isInteger(n) || n < 0 || n > session.count)
        throw new Error(`jump to: a whole number of references from 0 to ${session.count}`);
      session.seek(n);
    });

  // Keyboard: arrows step, space plays, Home/End jump; ignored while typing in a field.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const t = e.target as HTMLElement | null;
      if (t && (t.tagName === "INPUT" || t.tagName === "SELECT" || t.tagName === "TEXTAREA")) return;
      if (e.altKey || e.ctrlKey || e.metaKey || program !== null) return;
      if (e.key === "ArrowRight" || e.key === "n") stepFwd();
      else if (e.key === "ArrowLeft" || e.key === "b") stepBack();
      else if (e.key === " " && t?.tagName !== "BUTTON") setPlaying((p) => !p);
      else if (e.key === "Home") toStart();
      else if (e.key === "End") toEnd();
      else return;
      e.preventDefault();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  });

  const rec = session.last;
  const rate = session.position === 0 ? 0 : session.misses / session.position;
  const view = session.policyView();
  const policies = policyIds();

  return (
    <main>
      <header>
        <h1>pagewise: see demand paging happen</h1>
        <p class="sub">
          The pagewise engine runs in this page. Step through a reference string and watch each page fault.
        </p>
      </header>

      <section aria-labelledby="setup-h" class="panel setup">
        <h2 id="setup-h">Workload</h2>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            load();
          }}
        >
          <fieldset>
            <legend>Source</legend>
            {(["textbook", "generator", "typed", "file", "program"] as const).map((k) => (
              <label key={k}>
                <input
                  type="radio"
                  name="source"
                  value={k}
                  checked={setup.source === k}
                  onChange={() => setSetup({ ...setup, source: k })}
                />
                {k === "textbook"
                  ? "textbook string"
                  : k === "generator"
                    ? "generator"
                    : k === "typed"
                      ? "type a string"
                      : k === "file"
                        ? "trace file"
                        : "RV32 program"}
              </label>
            ))}
          </fieldset>
          {setup.source === "textbook" && (
            <label>
              String{" "}
              <select
                id="textbook"
                value={setup.textbook}
                onChange={(e) => setSetup({ ...setup, textbook: (e.target as HTMLSelectElement).value })}
              >
                {Object.keys(TEXTBOOK).map((k) => (
                  <option key={k} value={k}>
                    {k}
                  </option>
                ))}
              </select>
            </label>
          )}
          {setup.source === "generator" && (
            <label>
              Generator spec{" "}
              <input
                id="generator"
                size={40}
                value={setup.generator}
                onInput={(e) => setSetup({ ...setup, generator: (e.target as HTMLInputElement).value })}
              />
            </label>
          )}
          {setup.source === "typed" && (
            <label>
              References (w marks a store){" "}
              <input
                id="typed"
                size={40}
                value={setup.typed}
                onInput={(e) => setSetup({ ...setup, typed: (e.target as HTMLInputElement).value })}
              />
            </label>
          )}
          {setup.source === "program" && (
            <>
              <label>
                Program{" "}
                <select
                  id="program"
                  value={setup.program}
                  onChange={(e) => {
                    const name = (e.target as HTMLSelectElement).value;
                    setSetup({ ...setup, program: name, programArgs: PROGRAMS[name]?.args ?? "" });
                  }}
                >
                  {Object.entries(PROGRAMS).map(([name, b]) => (
                    <option key={name} value={name}>
                      {name}: {b.summary}
                    </option>
                  ))}
                  <option value="">your own RV32 ELF (choose the file)</option>
                </select>
              </label>
              {setup.program === "" && (
                <label>
                  ELF file{" "}
                  <input
                    id="elf-file"
                    type="file"
                    onChange={(e) => {
                      const f = (e.target as HTMLInputElement).files?.[0];
                      if (f === undefined) return;
                      f.arrayBuffer().then(
                        (buf) => {
                          const next = {
                            ...setup,
                            programFile: { name: f.name, bytes: new Uint8Array(buf) },
                          };
                          setSetup(next);
                          startProgram(f.name, new Uint8Array(buf), next);
                        },
                        (err: unknown) => setError(errorText(err)),
                      );
                    }}
                  />
                </label>
              )}
              <label>
                Arguments{" "}
                <input
                  id="program-args"
                  size={24}
                  value={setup.programArgs}
                  onInput={(e) => setSetup({ ...setup, programArgs: (e.target as HTMLInputElement).value })}
                />
              </label>
            </>
          )}
          {setup.source === "file" && (
            <label>
              Trace file (or drop one on the page){" "}
              <input
                id="trace-file"
                type="file"
                onChange={(e) => readFile((e.target as HTMLInputElement).files?.[0])}
              />
            </label>
          )}
          {(setup.source === "file" || setup.source === "generator") && (
            <label>
              Read at most{" "}
              <select
                id="limit"
                value={setup.limit}
                onChange={(e) => {
                  const limit = Number((e.target as HTMLSelectElement).value);
                  const t = traceBytes.current;
                  if (setup.source === "file" && t !== null)
                    loadTrace(t.name, t.plain, setup.pageSize, limit);
                  else setSetup({ ...setup, limit });
                }}
              >
                {LIMITS.map((n) => (
                  <option key={n} value={n}>
                    {n.toLocaleString("en")} references
                  </option>
                ))}
              </select>
            </label>
          )}
          {(setup.source === "file" || (setup.mode === "full" && setup.shape === "fit")) && (
            <label>
              Page size{" "}
              <select
                id="page-size"
                value={setup.pageSize}
                onChange={(e) => {
                  const pageSize = Number((e.target as HTMLSelectElement).value);
                  const t = traceBytes.current;
                  if (t === null) setSetup({ ...setup, pageSize });
                  else loadTrace(t.name, t.plain, pageSize);
                }}
              >
                {[256, 1024, 4096, 8192, 16384, 65536].map((b) => (
                  <option key={b} value={b}>
                    {b} bytes
                  </option>
                ))}
              </select>
            </label>
          )}
          {setup.source === "file" && (
            <label>
              or a bundled one{" "}
              <select
                id="bundled"
                value=""
                onChange={(e) => {
                  const name = (e.target as HTMLSelectElement).value;
                  const b = BUNDLED[name];
                  if (b)
                    readTrace(
                      name,
                      fetch(b.url).then((r) => r.arrayBuffer()),
                    );
                }}
              >
                <option value="">(choose)</option>
                {Object.entries(BUNDLED).map(([name, b]) => (
                  <option key={name} value={name}>
                    {name}: {b.summary}
                  </option>
                ))}
              </select>
            </label>
          )}
          <label>
            Policy{" "}
            <select
              id="policy"
              value={setup.policy}
              onChange={(e) => setSetup({ ...setup, policy: (e.target as HTMLSelectElement).value })}
            >
              {policies.map((p) => (
                <option key={p} value={p}>
                  {p}
                </option>
              ))}
            </select>
          </label>
          <label>
            Frames{" "}
            <input
              id="frames"
              type="number"
              min={1}
              max={65536}
              value={setup.frames}
              onInput={(e) => setSetup({ ...setup, frames: Number((e.target as HTMLInputElement).value) })}
            />
          </label>
          {setup.source !== "program" && (
            <fieldset>
              <legend>Mode</legend>
              {(["replay", "full"] as const).map((m) => (
                <label key={m}>
                  <input
                    type="radio"
                    name="mode"
                    value={m}
                    checked={setup.mode === m}
                    onChange={() => setSetup({ ...setup, mode: m })}
                  />
                  {m === "replay" ? "replay (frames and a policy)" : "full machine (page tables, TLB, swap)"}
                </label>
              ))}
            </fieldset>
          )}
          {(setup.mode === "full" || setup.source === "program") && (
            <>
              {setup.source !== "program" && (
                <label>
                  Page-table shape{" "}
                  <select
                    id="full-shape"
                    value={setup.shape}
                    onChange={(e) => setSetup({ ...setup, shape: (e.target as HTMLSelectElement).value })}
                  >
                    {FULL_SHAPES.map((sh) => (
                      <option key={sh} value={sh}>
                        {sh === "fit" ? "fitted to the pages (any trace; page size above)" : shapeLabel(sh)}
                      </option>
                    ))}
                  </select>
                </label>
              )}
              <label>
                TLB entries{" "}
                <select
                  id="tlb-entries"
                  value={setup.tlbEntries}
                  onChange={(e) => {
                    const tlbEntries = Number((e.target as HTMLSelectElement).value);
                    setSetup({ ...setup, tlbEntries, tlbWays: Math.min(setup.tlbWays, tlbEntries) });
                  }}
                >
                  {[2, 4, 8, 16, 32, 64].map((n) => (
                    <option key={n} value={n}>
                      {n}
                    </option>
                  ))}
                </select>
              </label>
              <label>
                ways{" "}
                <select
                  id="tlb-ways"
                  value={setup.tlbWays}
                  onChange={(e) =>
                    setSetup({ ...setup, tlbWays: Number((e.target as HTMLSelectElement).value) })
                  }
                >
                  {[1, 2, 4, 8]
                    .filter((w) => w <= setup.tlbEntries)
                    .map((w) => (
                      <option key={w} value={w}>
                        {w}
                      </option>
                    ))}
                </select>
              </label>
              <label>
                on a process switch{" "}
                <select
                  id="tlb-mode"
                  value={setup.tlbMode}
                  onChange={(e) =>
                    setSetup({ ...setup, tlbMode: (e.target as HTMLSelectElement).value as TlbMode })
                  }
                >
                  <option value="tagged">keep entries (tagged by ASID)</option>
                  <option value="flush">flush the TLB</option>
                </select>
              </label>
            </>
          )}
          <button type="submit" id="load">
            Load
          </button>
        </form>
        {error !== null && (
          <p role="alert" class="error" id="error">
            Error: {error}
          </p>
        )}
      </section>

      {program !== null ? (
        <ProgramPanel session={program} onError={setError} />
      ) : (
        <>
          <section aria-labelledby="controls-h" class="panel controls">
            <h2 id="controls-h">Controls</h2>
            <div class="buttons">
              <button
                type="button"
                id="start"
                onClick={toStart}
                aria-keyshortcuts="Home"
                title="Start (Home)"
              >
                |◀ Start
              </button>
              <button
                type="button"
                id="back"
                onClick={stepBack}
                aria-keyshortcuts="ArrowLeft"
                title="Step back (←)"
              >
                ◀ Back
              </button>
              <button
                type="button"
                id="step"
                onClick={stepFwd}
                aria-keyshortcuts="ArrowRight"
                title="Step (→)"
              >
                Step ▶
              </button>
              <button
                type="button"
                id="play"
                onClick={() => setPlaying(!playing)}
                aria-pressed={playing}
                aria-keyshortcuts="Space"
              >
                {playing ? "❚❚ Pause" : "▶ Play"}
              </button>
              <label>
                Speed{" "}
                <select
                  id="speed"
                  value={speed}
                  onChange={(e) => setSpeed(Number((e.target as HTMLSelectElement).value))}
                >
                  {SPEEDS.map((s) => (
                    <option key={s} value={s}>
                      {s === 0 ? "as fast as possible" : `${s} refs/s`}
                    </option>
                  ))}
                </select>
              </label>
              <button type="button" id="end" onClick={toEnd} aria-keyshortcuts="End">
                End ▶|
              </button>
            </div>
            <div class="buttons">
              <form
                onSubmit={(e) => {
                  e.preventDefault();
                  doJump();
                }}
              >
                <label>
                  Jump to reference{" "}
                  <input
                    id="jump"
                    type="number"
                    min={0}
                    max={session.count}
                    value={jump}
                    onInput={(e) => setJump((e.target as HTMLInputElement).value)}
                  />
                </label>{" "}
                <button type="submit" id="jump-go">
                  Go
                </button>
              </form>
              <form
                onSubmit={(e) => {
                  e.preventDefault();
                  act(() => session.switchPolicy(switchTo));
                }}
              >
                <label>
                  Switch policy now to{" "}
                  <select
                    id="switch-policy"
                    value={switchTo}
                    onChange={(e) => setSwitchTo((e.target as HTMLSelectElement).value)}
                  >
                    {policies.map((p) => (
                      <option key={p} value={p}>
                        {p}
                      </option>
                    ))}
                  </select>
                </label>{" "}
                <button type="submit" id="switch">
                  Switch
                </button>
              </form>
            </div>
            <div class="buttons">
              <label>
                Side by side with{" "}
                <select
                  id="compare-policy"
                  value={comparePolicy}
                  onChange={(e) => setComparePolicy((e.target as HTMLSelectElement).value)}
                >
                  <option value="">(none)</option>
                  {policies.map((p) => (
                    <option key={p} value={p}>
                      {p}
                    </option>
                  ))}
                </select>
              </label>
            </div>
            <p class="sr-only" aria-live="polite" id="announce">
              {playing || rec === null ? "" : recordText(rec, multi)}
            </p>
            <p class="keys">Keys: → or n step, ← or b back, Space play/pause, Home start, End end.</p>
          </section>

          <Stream session={session} multi={multi} onJump={(n) => act(() => session.seek(n))} />

          <div class="grid">
            <Counters session={session} rate={rate} multi={multi} />
            <FrameTable session={session} multi={multi} view={view} onPin={pinPage} />
            <PolicyState session={session} multi={multi} view={view} />
            <ResidentSets session={session} />
            {other !== null && <Compare main={session} other={other} multi={multi} />}
            {session instanceof FullSession ? (
              <>
                <WalkView session={session} multi={multi} />
                <TlbView session={session} multi={multi} />
                <SwapView session={session} multi={multi} />
                <PageTableTree session={session} multi={multi} />
              </>
            ) : (
              <TranslationView page={rec?.page ?? null} />
            )}
            <EventLog session={session} multi={multi} />
            <FaultChart session={session} playing={playing} />
            <MissRatioCurve session={session} />
          </div>
        </>
      )}
      <QuizPanel />
    </main>
  );
}

/** The reference stream, a window around the cursor; each reference jumps there when clicked. */
function Stream({ session, multi, onJump }: { session: Run; multi: boolean; onJump: (n: number) => void }) {
  const WINDOW = 48;
  const pos = session.position;
  const from = Math.max(0, Math.min(pos - WINDOW / 2, session.count - WINDOW));
  const to = Math.min(session.count, from + WINDOW);
  const items = [];
  for (let i = from; i < to; i++) {
    const stepped = i < pos;
    const miss = stepped && session.missesAt[i + 1]! > session.missesAt[i]!;
    const current = i === pos - 1;
    const kind = session.refs.kinds[i]!;
    const w = kind === 2 || kind === 3 ? "w" : "";
    items.push(
      <li key={i} class={`${stepped ? (miss ? "miss" : "hit") : "future"}${current ? " current" : ""}`}>
        <button
          type="button"
          data-ref={i + 1}
          aria-current={current ? "step" : undefined}
          aria-label={`reference ${i + 1}: page ${pageText(session.refs.pids[i]!, session.refs.pages[i]!, multi)}${w ? " write" : ""}${stepped ? (miss ? ", miss" : ", hit") : ""}${current ? ", current" : ""}`}
          onClick={() => onJump(i + 1)}
        >
          <span class="page">
            {pageText(session.refs.pids[i]!, session.refs.pages[i]!, multi)}
            {w}
          </span>
          <span class="mark" aria-hidden="true">
            {stepped ? (miss ? "✗" : "✓") : "·"}
          </span>
          <span class="idx" aria-hidden="true">
            {current ? "▲" : i + 1}
          </span>
        </button>
      </li>,
    );
  }
  return (
    <section aria-labelledby="stream-h" class="panel stream">
      <h2 id="stream-h">
        References <span id="workload-label">{session.refs.label}</span> ({session.count}); ✓ hit, ✗ miss, ▲
        the last one stepped
      </h2>
      <ol>
        {from > 0 && <li class="more">… {from} before</li>}
        {items}
        {to < session.count && <li class="more">{session.count - to} more …</li>}
      </ol>
    </section>
  );
}

function Counters({ session, rate, multi }: { session: Run; rate: number; multi: boolean }) {
  return (
    <section aria-labelledby="counters-h" class="panel counters">
      <h2 id="counters-h">Counters</h2>
      <dl>
        <dt>Reference</dt>
        <dd>
          <span id="position">{session.position}</span> of {session.count}
        </dd>
        <dt>Policy</dt>
        <dd id="current-policy">{session.policy}</dd>
        <dt>Mode</dt>
        <dd id="mode">
          {session instanceof FullSession
            ? `full machine (${session.machine.layout.shape.name}, ${session.machine.pageSize}-byte pages)`
            : "replay"}
        </dd>
        <dt>Frames</dt>
        <dd>
          {session.frames}
          {session instanceof FullSession
            ? ` for pages, + ${session.machine.frameCount - session.frames} for page tables`
            : ""}
        </dd>
        <dt>Hits</dt>
        <dd id="hits">{session.hits}</dd>
        <dt>Misses (page faults)</dt>
        <dd id="misses">{session.misses}</dd>
        <dt>Fault rate</dt>
        <dd id="fault-rate">{(rate * 100).toFixed(1)}%</dd>
      </dl>
      {session instanceof FullSession && session.pinActions.length > 0 && (
        <p class="switches" id="pins">
          Pins:{" "}
          {session.pinActions
            .map((a) =>
              a.kind === "policy"
                ? ""
                : `${a.kind} ${pageText(a.pid, a.page, multi)} before reference ${a.at + 1}`,
            )
            .join("; ")}
        </p>
      )}
      {session.policySwitches.length > 0 && (
        <p class="switches">
          Switches: {session.policySwitches.map((s) => `${s.policy} before reference ${s.at + 1}`).join("; ")}
        </p>
      )}
    </section>
  );
}

/** Each entry's place in the policy's lists, by frame: "queue #2 R=1". */
function policyNotes(lists: readonly StepList[]): Map<number, string> {
  const out = new Map<number, string>();
  for (const l of lists) {
    if (l.ghost) continue;
    const hands = new Map<number, string[]>();
    for (const [name, i] of Object.entries(l.hands ?? {})) hands.set(i, [...(hands.get(i) ?? []), name]);
    l.entries.forEach((e, i) => {
      if (e.frame < 0) return;
      const parts = [`${l.name} #${i + 1}`];
      if (e.note !== undefined) parts.push(e.note);
      const h = hands.get(i);
      if (h) parts.push(`◀ ${h.join(", ")}`);
      out.set(e.frame, parts.join(" "));
    });
  }
  return out;
}

/** Rows of the frame table and entries of a policy list shown at once (a block of them). */
const SHOWN = 64;

type View = ReturnType<Run["policyView"]>;

function FrameTable({
  session,
  multi,
  view,
  onPin,
}: {
  session: Run;
  multi: boolean;
  view: View;
  onPin: (f: FullFrame) => void;
}) {
  const full = session instanceof FullSession;
  const all: (StepFrame | FullFrame)[] = session.frameTable();
  const notes = policyNotes(view.lists);
  const rec = session.last;
  // Many frames: the block of SHOWN that holds the last reference's frame.
  const from = all.length <= SHOWN ? 0 : Math.floor(Math.max(0, rec?.frame ?? 0) / SHOWN) * SHOWN;
  const frames = all.slice(from, from + SHOWN);
  return (
    <section aria-labelledby="frames-h" class="panel frames">
      <h2 id="frames-h">Frame table</h2>
      {full && (
        <p class="hint">
          Every physical frame: pages, and the page tables above them. A pinned page is never a victim; “Pin”
          pins it before the next reference. R and D are the A and D bits of the PTE mapping the frame.
        </p>
      )}
      {all.length > SHOWN && (
        <p>
          Frames {from}–{from + frames.length - 1} of {all.length}: the block holding the last reference's
          frame.
        </p>
      )}
      <table id="frame-table">
        <thead>
          <tr>
            <th scope="col">Frame</th>
            <th scope="col">Page</th>
            <th scope="col">R</th>
            <th scope="col">D</th>
            <th scope="col">Policy state</th>
            {full && <th scope="col">Pinned</th>}
          </tr>
        </thead>
        <tbody>
          {frames.map((f) => {
            const loaded = rec !== null && !rec.hit && rec.frame === f.frame;
            const used = rec?.hit === true && rec.frame === f.frame;
            const ff = "kind" in f ? f : null;
            const special = ff === null ? null : fullPageCell(ff, multi);
            return (
              <tr
                key={f.frame}
                data-frame={f.frame}
                data-page={f.page < 0 ? "" : pageText(f.pid, f.page, multi)}
                data-kind={ff?.kind ?? (f.page < 0 ? "free" : "page")}
                class={`${loaded ? "loaded" : used ? "used" : ""}${special !== null ? " table" : ""}`}
              >
                <td>{f.frame}</td>
                <td class="page">
                  {special ?? (f.page < 0 ? "free" : pageText(f.pid, f.page, multi))}
                  {loaded ? " ← loaded" : used ? " ← hit" : ""}
                </td>
                <td>{f.page < 0 ? "" : f.referenced ? "1" : "0"}</td>
                <td>{f.page < 0 ? "" : f.dirty ? "1" : "0"}</td>
                <td class="note">{notes.get(f.frame) ?? ""}</td>
                {ff !== null && (
                  <td class="pin">
                    {ff.kind === "table" ? (
                      "yes (a table)"
                    ) : ff.kind === "page" ? (
                      <>
                        {ff.pins > 0 ? "yes 📌 " : "no "}
                        <button
                          type="button"
                          class="pin-btn"
                          data-pin={ff.frame}
                          aria-label={`${ff.pins > 0 ? "unpin" : "pin"} page ${pageText(ff.pid, ff.page, multi)} in frame ${ff.frame}`}
                          onClick={() => onPin(ff)}
                        >
                          {ff.pins > 0 ? "Unpin" : "Pin"}
                        </button>
                      </>
                    ) : (
                      ""
                    )}
                  </td>
                )}
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}

/** Each process's resident pages now (from the frame table), in page order. */
function ResidentSets({ session }: { session: Run }) {
  const by = new Map<number, number[]>();
  for (const f of session.frameTable()) {
    if (f.page < 0 || ("kind" in f && f.kind !== "page")) continue;
    by.set(f.pid, [...(by.get(f.pid) ?? []), f.page]);
  }
  const pids = [...by.keys()].sort((a, b) => a - b);
  return (
    <section aria-labelledby="rs-h" class="panel resident" id="resident-sets">
      <h2 id="rs-h">Resident sets per process</h2>
      {pids.length === 0 && <p>No page is resident yet.</p>}
      <ul>
        {pids.map((pid) => {
          const pages = by.get(pid)!.sort((a, b) => a - b);
          return (
            <li key={pid} data-pid={pid}>
              pid {pid}: {pages.length} page{pages.length === 1 ? "" : "s"}: {pages.slice(0, SHOWN).join(" ")}
              {pages.length > SHOWN ? ` … ${pages.length - SHOWN} more` : ""}
            </li>
          );
        })}
      </ul>
    </section>
  );
}

function PolicyState({
  session,
  multi,
  view: v,
  id = "policy",
}: {
  session: Run;
  multi: boolean;
  view: View;
  id?: string;
}) {
  return (
    <section aria-labelledby={`${id}-h`} class="panel policy" id={id}>
      <h2 id={`${id}-h`}>{session.policy}: memory in the policy's order</h2>
      {v.lists.map((l) => {
        const hands = new Map<number, string[]>();
        for (const [name, i] of Object.entries(l.hands ?? {})) hands.set(i, [...(hands.get(i) ?? []), name]);
        return (
          <div key={l.name} class="list" data-list={l.name}>
            <h3>
              {l.name} ({l.order}){l.ghost ? ", ghosts: remembered, not in memory" : ""}
            </h3>
            <ol class="entries">
              {l.entries.length === 0 && <li class="empty">empty</li>}
              {l.entries.slice(0, SHOWN).map((e, i) => (
                <li key={i} class={e.frame < 0 ? "ghost" : ""}>
                  {hands.has(i) && <span class="hand">{hands.get(i)!.join(",")} ▶ </span>}
                  {e.frame < 0 ? `(${pageText(e.pid, e.page, multi)})` : pageText(e.pid, e.page, multi)}
                  {e.note !== undefined && <span class="note">[{e.note}]</span>}
                </li>
              ))}
              {l.entries.length > SHOWN && <li class="empty">… {l.entries.length - SHOWN} more</li>}
            </ol>
          </div>
        );
      })}
      {v.values && (
        <p>
          {Object.entries(v.values)
            .map(([k, x]) => `${k} = ${Number.isInteger(x) ? x : x.toFixed(2)}`)
            .join(", ")}
        </p>
      )}
    </section>
  );
}

/** The second policy on the same references: its counters and memory, next to the main run's. */
function Compare({ main, other, multi }: { main: Run; other: Run; multi: boolean }) {
  const rec = other.last;
  const diff = other.misses - main.misses;
  return (
    <section aria-labelledby="cmp-h" class="panel compare" id="compare">
      <h2 id="cmp-h">Side by side: {other.policy}</h2>
      <p>
        Same {other.count} references and {other.frames} frames. After {other.position}:{" "}
        <span id="cmp-hits">{other.hits}</span> hits, <span id="cmp-misses">{other.misses}</span> misses (
        {diff === 0 ? "as many as" : `${Math.abs(diff)} ${diff > 0 ? "more than" : "fewer than"}`}{" "}
        {main.policy}).
        {rec !== null && ` Last: ${recordText(rec, multi)}.`}
      </p>
      <PolicyState session={other} multi={multi} view={other.policyView()} id="cmp-policy" />
    </section>
  );
}

function recordText(r: StepRecord, multi: boolean): string {
  const ref = `${pageText(r.pid, r.page, multi)} ${r.access}`;
  const res = r.hit ? `hit in frame ${r.frame}` : `miss (${r.cause}) → frame ${r.frame}`;
  const victim =
    r.victim === undefined
      ? ""
      : `, evicted ${pageText(r.victim.pid, r.victim.page, multi)}${r.victim.writtenBack ? " (dirty: written back)" : ""}`;
  const tlb = "tlb" in r ? `, TLB ${(r as FullStepRecord).tlb}` : "";
  return `#${r.step} ${ref}: ${res}${tlb}${victim}; ${r.hits} hits, ${r.misses} misses`;
}

function EventLog({ session, multi }: { session: Run; multi: boolean }) {
  const log = session.log.slice(-20).reverse();
  return (
    <section aria-labelledby="log-h" class="panel log">
      <h2 id="log-h">Event log (newest first)</h2>
      <ul id="event-log">
        {log.length === 0 && <li>Nothing yet: press Step.</li>}
        {log.map((r) => (
          <li key={r.step} class={r.hit ? "hit" : "miss"}>
            {recordText(r, multi)}
          </li>
        ))}
      </ul>
    </section>
  );
}

/** Misses so far against references, at most ~1000 points. */
function chartData(session: Run): [number[], number[]] {
  const n = session.position;
  const stride = Math.max(1, Math.ceil(n / 1000));
  const xs: number[] = [0];
  const ys: number[] = [0];
  for (let i = stride; i <= n; i += stride) {
    xs.push(i);
    ys.push(session.missesAt[i]!);
  }
  if (xs[xs.length - 1] !== n) {
    xs.push(n);
    ys.push(session.missesAt[n]!);
  }
  return [xs, ys];
}

function FaultChart({ session, playing }: { session: Run; playing: boolean }) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const lastDraw = useRef(0);
  useEffect(() => {
    if (box.current === null) return;
    const u = new uPlot(
      {
        width: Math.max(240, Math.min(560, box.current.clientWidth - 8)),
        height: 200,
        scales: { x: { time: false } },
        axes: [{ label: "references" }, { label: "misses" }],
        series: [{ label: "reference" }, { label: "misses", stroke: "#b3261e", width: 2 }],
        legend: { show: true },
      },
      chartData(session),
      box.current,
    );
    plot.current = u;
    return () => {
      u.destroy();
      plot.current = null;
    };
  }, [session]);
  useEffect(() => {
    const now = performance.now();
    if (plot.current === null) return;
    if (playing && now - lastDraw.current < 200) return;
    lastDraw.current = now;
    plot.current.setData(chartData(session));
  });
  return (
    <section aria-labelledby="chart-h" class="panel chart">
      <h2 id="chart-h">Faults over time</h2>
      <div
        ref={box}
        id="fault-chart"
        role="img"
        aria-label={`misses against references: ${session.misses} misses after ${session.position} references`}
      />
    </section>
  );
}

/** LRU's and OPT's misses at every frame count, from one pass each, with this run's frames marked. */
function MissRatioCurve({ session }: { session: Run }) {
  const box = useRef<HTMLDivElement>(null);
  const curves = useMemo(() => missRatioCurves(session.refs), [session]);
  const at = (m: Float64Array, k: number) => m[Math.min(k, m.length - 1)]!;
  const upTo = Math.max(session.frames + 1, Math.min(curves.distinct, 4096));
  useEffect(() => {
    if (box.current === null) return;
    const stride = Math.max(1, Math.ceil(upTo / 1000));
    const xs: number[] = [];
    const lru: number[] = [];
    const opt: number[] = [];
    const n = Math.max(1, session.count);
    for (let k = 1; k <= upTo; k += stride) {
      xs.push(k);
      lru.push(at(curves.lru, k) / n);
      opt.push(at(curves.opt, k) / n);
    }
    const u = new uPlot(
      {
        width: Math.max(240, Math.min(560, box.current.clientWidth - 8)),
        height: 200,
        scales: { x: { time: false }, y: { range: [0, 1] } },
        axes: [{ label: "frames" }, { label: "miss ratio" }],
        series: [
          { label: "frames" },
          { label: "LRU", stroke: "#1a5fb4", width: 2 },
          { label: "OPT", stroke: "#b3261e", width: 2, dash: [6, 4] },
        ],
      },
      [xs, lru, opt],
      box.current,
    );
    return () => u.destroy();
  }, [session, curves, upTo]);
  const n = Math.max(1, session.count);
  const lruHere = at(curves.lru, session.frames);
  const optHere = at(curves.opt, session.frames);
  return (
    <section aria-labelledby="mrc-h" class="panel chart">
      <h2 id="mrc-h">Miss-ratio curve (the whole workload)</h2>
      <p id="mrc-here">
        With {session.frames} frames: LRU <span id="mrc-lru">{lruHere}</span> misses (
        {((lruHere / n) * 100).toFixed(1)}%), OPT <span id="mrc-opt">{optHere}</span> misses (
        {((optHere / n) * 100).toFixed(1)}%). {curves.distinct} distinct pages. Solid: LRU; dashed: OPT.
      </p>
      <div ref={box} id="mrc-chart" role="img" aria-label="miss ratio against frames for LRU and OPT" />
    </section>
  );
}

const root = document.getElementById("app");
if (root !== null) {
  render(<App />, root);
  document.body.dataset.ready = "1";
}
