// The web app: controls and views over a Session (session.ts), rendered with Preact. Every number
// shown comes from the engine's Stepper running in this page; this file only lays it out.

import "uplot/dist/uPlot.min.css";
import "./style.css";
import { render } from "preact";
import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import uPlot from "uplot";
import { PagewiseError, policyIds, type StepList, type StepRecord } from "../../src/index.js";
import gzipWordsTrace from "../../test/fixtures/traces/gzip-words.pwt?inline";
import sort500Trace from "../../test/fixtures/traces/sort500.pwt?inline";
import { QuizPanel } from "./quiz.js";
import {
  gunzipIfNeeded,
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

type Source = "textbook" | "generator" | "typed" | "file";

interface Setup {
  source: Source;
  textbook: string;
  generator: string;
  typed: string;
  /** The trace file read (source "file"), decoded. */
  file: Refs | null;
  /** Bytes per page for trace files. */
  pageSize: number;
  policy: string;
  frames: number;
}

const FIRST_TEXTBOOK = Object.keys(TEXTBOOK)[0]!;
const DEFAULT_SETUP: Setup = {
  source: "textbook",
  textbook: FIRST_TEXTBOOK,
  generator: "zipf:pages=40,alpha=0.9,n=2000,seed=1",
  typed: "1,2,3,4,1,2,5,1,2,3,4,5",
  file: null,
  pageSize: 4096,
  policy: "fifo",
  frames: 3,
};

/** References per second; 0: as fast as the page allows. */
const SPEEDS = [1, 2, 5, 10, 50, 250, 1000, 0] as const;
/** Time one animation frame may spend stepping (ms), so the page keeps drawing. */
const SLICE_MS = 8;

function buildSession(s: Setup): Session {
  if (s.source === "file") {
    if (s.file === null) throw new Error("choose a trace file first (or drop one on the page)");
    return new Session(s.file, s.policy, s.frames);
  }
  const refs =
    s.source === "textbook"
      ? refsFromString(
          TEXTBOOK[s.textbook as keyof typeof TEXTBOOK] ?? TEXTBOOK[FIRST_TEXTBOOK as keyof typeof TEXTBOOK],
        )
      : s.source === "generator"
        ? refsFromGenerator(s.generator)
        : refsFromString(s.typed);
  return new Session(refs, s.policy, s.frames);
}

function errorText(e: unknown): string {
  if (e instanceof PagewiseError) return e.message;
  return e instanceof Error ? e.message : String(e);
}

function pageText(pid: number, page: number, multi: boolean): string {
  return multi ? `${pid}:${page}` : String(page);
}

function multiProcess(s: Session): boolean {
  for (let i = 0; i < s.count; i++) if (s.refs.pids[i] !== 0) return true;
  return false;
}

function App() {
  const [setup, setSetup] = useState<Setup>(DEFAULT_SETUP);
  const [session, setSession] = useState<Session>(() => buildSession(DEFAULT_SETUP));
  const [error, setError] = useState<string | null>(null);
  const [, setVersion] = useState(0);
  const [playing, setPlaying] = useState(false);
  const [speed, setSpeed] = useState<number>(5);
  const [jump, setJump] = useState("");
  const [switchTo, setSwitchTo] = useState("lru");
  const [comparePolicy, setComparePolicy] = useState("");
  // A second run of the same references and frames under another policy, kept at the same position.
  const other = useMemo(
    () => (comparePolicy === "" ? null : new Session(session.refs, comparePolicy, session.frames)),
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

  const load = () =>
    act(() => {
      const s = buildSession(setup);
      setPlaying(false);
      setSession(s);
    });

  // The last trace's name and uncompressed bytes, to decode again at another page size.
  const traceBytes = useRef<{ name: string; plain: Uint8Array } | null>(null);
  const loadTrace = (name: string, plain: Uint8Array, pageSize: number) =>
    act(() => {
      const refs = refsFromTrace(name, plain, pageSize);
      traceBytes.current = { name, plain };
      const next = { ...setup, source: "file" as const, file: refs, pageSize };
      setSetup(next);
      setPlaying(false);
      setSession(new Session(refs, next.policy, next.frames));
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
    const frame = (now: number) => {
      owed = speed === 0 ? Number.POSITIVE_INFINITY : owed + ((now - last) / 1000) * speed;
      last = now;
      const until = performance.now() + SLICE_MS;
      while (owed >= 1 && !session.done && performance.now() < until) {
        const n = Math.max(1, Math.min(chunk, Math.floor(owed)));
        const t = performance.now();
        session.seek(session.position + n);
        const took = performance.now() - t;
        owed -= n;
        if (n === chunk)
          chunk = Math.max(1, Math.min(1 << 20, Math.round((chunk * SLICE_MS) / 2 / Math.max(took, 0.05))));
      }
      if (owed === Number.POSITIVE_INFINITY) owed = 0;
      refresh();
      if (session.done) setPlaying(false);
      else raf = requestAnimationFrame(frame);
    };
    raf = requestAnimationFrame(frame);
    return () => cancelAnimationFrame(raf);
  }, [playing, speed, session]);

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
      if (e.altKey || e.ctrlKey || e.metaKey) return;
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
            {(["textbook", "generator", "typed", "file"] as const).map((k) => (
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
                      : "trace file"}
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
          {setup.source === "file" && (
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

      <section aria-labelledby="controls-h" class="panel controls">
        <h2 id="controls-h">Controls</h2>
        <div class="buttons">
          <button type="button" id="start" onClick={toStart} aria-keyshortcuts="Home" title="Start (Home)">
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
          <button type="button" id="step" onClick={stepFwd} aria-keyshortcuts="ArrowRight" title="Step (→)">
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
        <Counters session={session} rate={rate} />
        <FrameTable session={session} multi={multi} view={view} />
        <PolicyState session={session} multi={multi} view={view} />
        {other !== null && <Compare main={session} other={other} multi={multi} />}
        <TranslationView page={rec?.page ?? null} />
        <EventLog session={session} multi={multi} />
        <FaultChart session={session} playing={playing} />
        <MissRatioCurve session={session} />
      </div>
      <QuizPanel />
    </main>
  );
}

/** The reference stream, a window around the cursor; each reference jumps there when clicked. */
function Stream({
  session,
  multi,
  onJump,
}: {
  session: Session;
  multi: boolean;
  onJump: (n: number) => void;
}) {
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

function Counters({ session, rate }: { session: Session; rate: number }) {
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
        <dt>Frames</dt>
        <dd>{session.frames}</dd>
        <dt>Hits</dt>
        <dd id="hits">{session.hits}</dd>
        <dt>Misses (page faults)</dt>
        <dd id="misses">{session.misses}</dd>
        <dt>Fault rate</dt>
        <dd id="fault-rate">{(rate * 100).toFixed(1)}%</dd>
      </dl>
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

type View = ReturnType<Session["policyView"]>;

function FrameTable({ session, multi, view }: { session: Session; multi: boolean; view: View }) {
  const all = session.frameTable();
  const notes = policyNotes(view.lists);
  const rec = session.last;
  // Many frames: the block of SHOWN that holds the last reference's frame.
  const from = all.length <= SHOWN ? 0 : Math.floor(Math.max(0, rec?.frame ?? 0) / SHOWN) * SHOWN;
  const frames = all.slice(from, from + SHOWN);
  return (
    <section aria-labelledby="frames-h" class="panel frames">
      <h2 id="frames-h">Frame table</h2>
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
          </tr>
        </thead>
        <tbody>
          {frames.map((f) => {
            const loaded = rec !== null && !rec.hit && rec.frame === f.frame;
            const used = rec?.hit === true && rec.frame === f.frame;
            return (
              <tr
                key={f.frame}
                data-frame={f.frame}
                data-page={f.page < 0 ? "" : pageText(f.pid, f.page, multi)}
                class={loaded ? "loaded" : used ? "used" : ""}
              >
                <td>{f.frame}</td>
                <td class="page">
                  {f.page < 0 ? "free" : pageText(f.pid, f.page, multi)}
                  {loaded ? " ← loaded" : used ? " ← hit" : ""}
                </td>
                <td>{f.page < 0 ? "" : f.referenced ? "1" : "0"}</td>
                <td>{f.page < 0 ? "" : f.dirty ? "1" : "0"}</td>
                <td class="note">{notes.get(f.frame) ?? ""}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}

function PolicyState({
  session,
  multi,
  view: v,
  id = "policy",
}: {
  session: Session;
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
function Compare({ main, other, multi }: { main: Session; other: Session; multi: boolean }) {
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
  return `#${r.step} ${ref}: ${res}${victim}; ${r.hits} hits, ${r.misses} misses`;
}

function EventLog({ session, multi }: { session: Session; multi: boolean }) {
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
function chartData(session: Session): [number[], number[]] {
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

function FaultChart({ session, playing }: { session: Session; playing: boolean }) {
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
function MissRatioCurve({ session }: { session: Session }) {
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
