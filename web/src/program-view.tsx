// Program mode's panel: controls and views over a ProgramSession (program-session.ts): step by
// instructions or to the next fault, back, run to the end in slices that keep the page drawing,
// jump to an instruction; the faults by kind, the fault log, the program's output, and the
// Machine's views shared with full mode (full-views.tsx). Every number comes from the engine.

import { useEffect, useState } from "preact/hooks";
import { PagewiseError } from "../../src/index.js";
import { MachineFrames, PageTableTree, SwapView, TlbView, WalkView } from "./full-views.js";
import { FAULT_KINDS, type FaultKind, type FaultRecord, type ProgramSession } from "./program-session.js";

/** Time one animation frame may spend running the program (ms). */
const SLICE_MS = 8;
/** While running, the views are drawn at most this often (ms). */
const DRAW_MS = 100;

const KIND_TEXT: Record<FaultKind, string> = {
  "zero-fill": "zero-fill (a fresh page of zeros: bss, heap, stack)",
  text: "text (code read from the program file, shared)",
  data: "data (initialized data read from the program file)",
  swap: "swap (read back from a swap slot)",
  minor: "minor (the page was still in memory)",
  protection: "protection (fatal: the page forbids this access)",
  segmentation: "segmentation (fatal: no region maps the address)",
};

function hex(n: number): string {
  return `0x${n.toString(16)}`;
}

export function faultText(f: FaultRecord): string {
  const victim = f.victim
    ? `, evicted page ${f.victim.page} from frame ${f.victim.frame}${f.victim.dirty ? " (dirty: written back)" : ""}`
    : "";
  const where = f.frame >= 0 ? ` → frame ${f.frame}` : "";
  return `fault #${f.n}: ${f.access} of ${hex(f.va)} (page ${f.page}), ${f.kind}${where}${victim}`;
}

type Running = null | "end" | "fault";

export function ProgramPanel({
  session,
  onError,
}: {
  session: ProgramSession;
  onError: (e: string | null) => void;
}) {
  const [, setVersion] = useState(0);
  const [running, setRunning] = useState<Running>(null);
  const [jump, setJump] = useState("");
  const refresh = () => setVersion((v) => v + 1);
  const act = (f: () => void) => {
    try {
      f();
      onError(null);
    } catch (e) {
      onError(e instanceof PagewiseError || e instanceof Error ? e.message : String(e));
    }
    refresh();
  };

  // Running to the end or to the next fault: each animation frame runs for about SLICE_MS.
  useEffect(() => {
    if (running === null) return;
    let raf = 0;
    let chunk = 1024;
    let drawn = 0;
    const frame = (now: number) => {
      const until = performance.now() + SLICE_MS;
      try {
        if (running === "end") {
          while (!session.done && performance.now() < until) {
            const t = performance.now();
            session.step(chunk);
            const took = performance.now() - t;
            chunk = Math.max(
              64,
              Math.min(1 << 22, Math.round((chunk * SLICE_MS) / 2 / Math.max(took, 0.05))),
            );
          }
        } else {
          let hit = false;
          while (!hit && !session.done && performance.now() < until) hit = session.toNextFault(2048);
          if (hit) {
            setRunning(null);
            refresh();
            return;
          }
        }
      } catch (e) {
        onError(e instanceof Error ? e.message : String(e));
        setRunning(null);
        return;
      }
      // The views are drawn at most every DRAW_MS while running, so the frames between run the program.
      if (session.done || now - drawn >= DRAW_MS) {
        drawn = now;
        refresh();
      }
      if (session.done) setRunning(null);
      else raf = requestAnimationFrame(frame);
    };
    raf = requestAnimationFrame(frame);
    return () => cancelAnimationFrame(raf);
  }, [running, session]);

  // Keyboard: → one instruction, ← back one, f next fault, Space run/pause, Home start.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const t = e.target as HTMLElement | null;
      if (t && (t.tagName === "INPUT" || t.tagName === "SELECT" || t.tagName === "TEXTAREA")) return;
      if (e.altKey || e.ctrlKey || e.metaKey) return;
      if (e.key === "ArrowRight" || e.key === "n") act(() => session.step(1));
      else if (e.key === "ArrowLeft" || e.key === "b") act(() => session.back());
      else if (e.key === "f") setRunning("fault");
      else if (e.key === " " && t?.tagName !== "BUTTON") setRunning((r) => (r === null ? "end" : null));
      else if (e.key === "Home") act(() => session.seek(0));
      else return;
      e.preventDefault();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  });

  const out = session.output();
  const acc = session.byAccess;
  const last = session.faults[session.faults.length - 1];
  return (
    <>
      <section aria-labelledby="pcontrols-h" class="panel controls" id="program-controls">
        <h2 id="pcontrols-h">
          Program <span id="program-name">{session.name}</span>
          {session.argv.length > 0
            ? ` ${session.argv.map((a) => (a.includes(" ") ? `"${a}"` : a)).join(" ")}`
            : ""}
        </h2>
        <div class="buttons">
          <button type="button" id="p-start" onClick={() => act(() => session.seek(0))} title="Start (Home)">
            |◀ Start
          </button>
          <button
            type="button"
            id="p-back"
            onClick={() => act(() => session.back())}
            title="Back one instruction (←)"
          >
            ◀ Back
          </button>
          <button
            type="button"
            id="p-step"
            onClick={() => act(() => session.step(1))}
            title="One instruction (→)"
          >
            Step ▶
          </button>
          <button type="button" id="p-step1000" onClick={() => act(() => session.step(1000))}>
            +1000 ▶
          </button>
          <button
            type="button"
            id="p-fault"
            onClick={() => setRunning(running === "fault" ? null : "fault")}
            aria-pressed={running === "fault"}
            title="Run to the next page fault (f)"
          >
            {running === "fault" ? "❚❚ Stop" : "To next fault ▶"}
          </button>
          <button
            type="button"
            id="p-run"
            onClick={() => setRunning(running === "end" ? null : "end")}
            aria-pressed={running === "end"}
            title="Run to the end (Space)"
          >
            {running === "end" ? "❚❚ Pause" : "▶ Run to the end"}
          </button>
          <form
            onSubmit={(e) => {
              e.preventDefault();
              act(() => {
                const n = Number(jump);
                if (!Number.isInteger(n) || n < 0) throw new Error("jump to: a whole number of instructions");
                session.seek(n);
              });
            }}
          >
            <label>
              Jump to instruction{" "}
              <input
                id="p-jump"
                type="number"
                min={0}
                value={jump}
                onInput={(e) => setJump((e.target as HTMLInputElement).value)}
              />
            </label>{" "}
            <button type="submit" id="p-jump-go">
              Go
            </button>
          </form>
        </div>
        <p class="sr-only" aria-live="polite" id="p-announce">
          {running !== null ? "" : last ? faultText(last) : ""}
        </p>
        <p class="keys">
          Keys: → or n one instruction, ← or b back one, f to the next fault, Space run/pause, Home start.
          Stepping back replays the program from the start to that instruction.
        </p>
      </section>

      <div class="grid">
        <section aria-labelledby="pcounters-h" class="panel counters" id="program-counters">
          <h2 id="pcounters-h">Counters</h2>
          <dl>
            <dt>Instructions retired</dt>
            <dd id="p-instructions">{session.position}</dd>
            <dt>pc</dt>
            <dd>
              <code id="p-pc">{hex(session.cpu.pc)}</code>
            </dd>
            <dt>Status</dt>
            <dd id="p-status">{session.status ?? "running"}</dd>
            <dt>Page faults</dt>
            <dd id="p-faults">{session.faultTotal}</dd>
            <dt>by access</dt>
            <dd id="p-by-access">
              fetch {acc.fetch}, load {acc.load}, store {acc.store}
            </dd>
            <dt>Frames</dt>
            <dd>
              {session.setup.frames} for pages ({session.setup.policy}), +{" "}
              {session.machine.frameCount - session.setup.frames} for page tables
            </dd>
          </dl>
          <table id="p-by-kind">
            <caption>Faults by kind (the pager's cause)</caption>
            <tbody>
              {FAULT_KINDS.map((k) => (
                <tr key={k} data-kind={k}>
                  <th scope="row">{KIND_TEXT[k]}</th>
                  <td>{session.byKind.get(k) ?? 0}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
        <section aria-labelledby="pfaults-h" class="panel log" id="program-faults">
          <h2 id="pfaults-h">Fault log (newest first)</h2>
          <ul id="p-fault-log">
            {session.faults.length === 0 && <li>No fault yet.</li>}
            {[...session.faults].reverse().map((f) => (
              <li key={f.n} class={f.kind === "protection" || f.kind === "segmentation" ? "miss" : ""}>
                {faultText(f)}
              </li>
            ))}
          </ul>
        </section>
        <section aria-labelledby="pout-h" class="panel output" id="program-output">
          <h2 id="pout-h">Output</h2>
          <h3>Standard output</h3>
          <pre id="p-stdout">{out.stdout === "" ? "(nothing on stdout yet)" : out.stdout}</pre>
          {out.stderr !== "" && (
            <>
              <h3>Standard error</h3>
              <pre id="p-stderr" class="stderr">
                {out.stderr}
              </pre>
            </>
          )}
          {out.cut && <p>(output cut: only the first 64 KiB of each stream is kept)</p>}
        </section>
        {session.machine.pids().length === 0 ? (
          <section class="panel">
            <h2>Memory</h2>
            <p>
              The program has ended: the Machine freed its pages, tables and swap slots. Step back to see
              them.
            </p>
          </section>
        ) : (
          <>
            <WalkView session={session} multi={false} what="the last fault's address" />
            <MachineFrames session={session} multi={false} />
            <TlbView session={session} multi={false} />
            <SwapView session={session} multi={false} />
            <PageTableTree session={session} multi={false} />
          </>
        )}
      </div>
    </>
  );
}
