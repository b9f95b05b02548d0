// Full mode's own views over a FullSession (full-session.ts): the page-table tree, the TLB, the
// swap slots, the walk of the last reference, and the frame table's extra columns (table frames,
// pins). Every number comes from the Machine running in the page; this file only lays it out.
// Colour is never the only signal: states are also words or marks.

import type { FullFrame, MachineViews, PtEntry } from "./machine-reader.js";

/** Rows a table shows at once (a window around the row of interest), so a step renders fast. */
export const ROWS = 48;

/** The window of ROWS items around index `at` (or from the start when `at` < 0). */
export function around<T>(items: readonly T[], at: number): { shown: readonly T[]; from: number } {
  if (items.length <= ROWS) return { shown: items, from: 0 };
  const from = at < 0 ? 0 : Math.max(0, Math.min(at - ROWS / 2, items.length - ROWS));
  return { shown: items.slice(from, from + ROWS), from };
}

/** "rows 10–57 of 300 shown" when a table is cut, else nothing. */
function cut(total: number, from: number, shown: number, what: string) {
  if (shown >= total) return null;
  return (
    <p class="hint">
      {what} {from + 1}–{from + shown} of {total} shown (around the last reference).
    </p>
  );
}

function hex(n: number): string {
  return `0x${n.toString(16)}`;
}

function pidPage(pid: number, page: number, multi: boolean): string {
  return multi ? `${pid}:${page}` : String(page);
}

/** The PTE's bits as letters, a dash for a clear bit: "P W U - A D". */
function bitLetters(b: PtEntry["bits"]): string {
  return (["P", "W", "U", "X", "A", "D"] as const).map((k) => (b[k] ? k : "-")).join("");
}

function entryTarget(e: PtEntry, leaf: boolean): string {
  if (e.where === "present") return leaf ? `page in frame ${e.frame}` : `table in frame ${e.frame}`;
  if (e.where === "swap") return `out: swap slot ${e.slot}`;
  if (e.where === "source") return "out: reloaded from its source (zero-fill)";
  return "not mapped";
}

/** Every process's tables, root first; each with the frame it lives in and its non-zero entries. */
export function PageTableTree({ session, multi }: { session: MachineViews; multi: boolean }) {
  const tables = session.pageTables();
  const layout = session.machine.layout;
  const rec = session.focus;
  const walk = session.translation();
  const onWalk = new Set(walk?.steps.map((s) => `${s.tableFrame}:${s.index}`) ?? []);
  return (
    <section aria-labelledby="pt-h" class="panel pagetables" id="page-tables">
      <h2 id="pt-h">
        Page tables ({layout.shape.name}: {layout.levels} levels)
      </h2>
      <p class="hint">
        Each table lives in a frame. Bits: P present (valid), W writable, U user, X executable, A accessed, D
        dirty; “-” is a clear bit. ▶ marks the entries the last reference walked.
      </p>
      {tables.map((t) => {
        const leaf = t.level === layout.levels - 1;
        const win = around(
          t.entries,
          t.entries.findIndex((e) => onWalk.has(`${t.frame}:${e.index}`)),
        );
        return (
          <div
            key={`${t.pid}:${t.frame}`}
            class="pt"
            data-level={t.level}
            data-frame={t.frame}
            style={{ marginLeft: `${t.level * 1.2}rem` }}
          >
            <h3>
              {multi ? `pid ${t.pid}, ` : ""}level {t.level}{" "}
              {t.level === 0 ? "(root)" : `(index ${t.path.join("→")})`}, frame {t.frame}: {t.entries.length}{" "}
              of {layout.entriesPerTable[t.level]} entries used
            </h3>
            {cut(t.entries.length, win.from, win.shown.length, "Entries")}
            <table>
              <thead>
                <tr>
                  <th scope="col">Index</th>
                  {leaf && <th scope="col">Page</th>}
                  <th scope="col">Bits</th>
                  <th scope="col">Points to</th>
                </tr>
              </thead>
              <tbody>
                {win.shown.map((e) => {
                  const walked = onWalk.has(`${t.frame}:${e.index}`);
                  const current = walked && leaf && rec !== null && e.vpn === rec.page && t.pid === rec.pid;
                  return (
                    <tr
                      key={e.index}
                      class={`${walked ? "walked" : ""}${e.where === "present" ? "" : " out"}`}
                      data-vpn={e.vpn ?? ""}
                      data-where={e.where}
                    >
                      <td>
                        {walked ? "▶ " : ""}
                        {e.index}
                      </td>
                      {leaf && <td>{e.vpn !== undefined ? pidPage(t.pid, e.vpn, multi) : ""}</td>}
                      <td>
                        <code class="ptebits" title={`PTE ${hex(e.pte)}`}>
                          {bitLetters(e.bits)}
                        </code>
                      </td>
                      <td>
                        {entryTarget(e, leaf)}
                        {current ? " (last reference)" : ""}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        );
      })}
    </section>
  );
}

/** The last reference's address split by level, walked through the real tables, with the PTE read at each. */
export function WalkView({
  session,
  multi,
  what = "the last reference",
}: {
  session: MachineViews;
  multi: boolean;
  /** What the focused page is, for the heading. */
  what?: string;
}) {
  const w = session.translation();
  const rec = session.focus;
  const layout = session.machine.layout;
  return (
    <section aria-labelledby="walk-h" class="panel translation" id="walk">
      <h2 id="walk-h">Translation of {what} (the Machine's walk)</h2>
      {w === null || rec === null ? (
        <p>Nothing to translate yet: step first.</p>
      ) : (
        <>
          <p>
            Page {pidPage(rec.pid, rec.page, multi)}, offset {w.offset}: virtual address{" "}
            <code>{hex(w.va)}</code> ({layout.vaBits} bits, {layout.pageSize}-byte pages).
            {rec.tlb !== undefined && (
              <>
                {" "}
                TLB{" "}
                <strong id="tlb-result">
                  {rec.tlb === "hit" ? "hit: no walk needed" : "miss: the MMU walked"}
                </strong>
                .
              </>
            )}
          </p>
          <table class="walk" id="walk-table">
            <thead>
              <tr>
                <th scope="col">Level</th>
                <th scope="col">Index (bits)</th>
                <th scope="col">Table's frame</th>
                <th scope="col">PTE at</th>
                <th scope="col">PTE</th>
              </tr>
            </thead>
            <tbody>
              {w.steps.map((s) => (
                <tr key={s.level}>
                  <td>{s.level}</td>
                  <td>
                    {s.index} (<code>{s.index.toString(2).padStart(layout.levelBits[s.level]!, "0")}</code>)
                  </td>
                  <td>{s.tableFrame}</td>
                  <td>
                    <code>{hex(s.pteAddr)}</code>
                  </td>
                  <td>
                    <code>{hex(s.pte)}</code>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <p id="walk-pa">
            {w.frame >= 0 ? (
              <>
                Frame {w.frame}, physical address <code>{hex(w.pa)}</code>.
              </>
            ) : (
              "The walk stops at a non-present entry: a page fault."
            )}
          </p>
        </>
      )}
    </section>
  );
}

/** The TLB set by set: its entries (process, page, frame, flags), the one the last reference used, hits and misses. */
export function TlbView({ session, multi }: { session: MachineViews; multi: boolean }) {
  const t = session.tlb();
  const rate = t.hits + t.misses === 0 ? 0 : t.hits / (t.hits + t.misses);
  return (
    <section aria-labelledby="tlb-h" class="panel tlb" id="tlb">
      <h2 id="tlb-h">TLB</h2>
      <p>
        {t.rows.length} entries, {session.machine.tlb.ways}-way,{" "}
        {t.mode === "tagged" ? "tagged by ASID (kept across switches)" : "flushed on every process switch"}.
        Lookups: <span id="tlb-hits">{t.hits}</span> hits, <span id="tlb-misses">{t.misses}</span> misses (
        {(rate * 100).toFixed(1)}% hits; a fault's restart looks up again), {t.flushes} flushes.
      </p>
      <table id="tlb-table">
        <thead>
          <tr>
            <th scope="col">Set</th>
            <th scope="col">Way</th>
            <th scope="col">Page</th>
            <th scope="col">ASID</th>
            <th scope="col">Frame</th>
            <th scope="col">Flags</th>
          </tr>
        </thead>
        <tbody>
          {t.rows.map((r) => (
            <tr
              key={r.index}
              class={r.index === t.used ? "used" : r.valid ? "" : "empty"}
              data-valid={r.valid ? "1" : "0"}
            >
              <td>{r.set}</td>
              <td>{r.way}</td>
              <td class="page">
                {r.valid ? pidPage(r.pid, r.vpn, multi) : "empty"}
                {r.index === t.used ? " ← last reference" : ""}
              </td>
              <td>{r.valid ? r.asid : ""}</td>
              <td>{r.valid ? r.frame : ""}</td>
              <td>
                <code>
                  {r.valid ? `${r.flags.W ? "W" : "-"}${r.flags.D ? "D" : "-"}${r.flags.X ? "X" : "-"}` : ""}
                </code>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

/** Swap slots in use: the page each holds, whether it is only there or also in memory, and whether the copy is current. */
export function SwapView({ session, multi }: { session: MachineViews; multi: boolean }) {
  const s = session.swapSlots();
  const focus = session.focus;
  const win = around(
    s.rows,
    focus === null ? -1 : s.rows.findIndex((r) => r.page === focus.page && r.pid === focus.pid),
  );
  return (
    <section aria-labelledby="swap-h" class="panel swap" id="swap">
      <h2 id="swap-h">Swap slots</h2>
      <p>
        <span id="swap-used">{s.inUse}</span> slots in use. A written (dirty) page is written back to a slot
        when it is evicted; a clean page that came from swap keeps its slot, so evicting it again needs no
        write.
      </p>
      {s.rows.length === 0 ? (
        <p>Empty: no page has been written back yet.</p>
      ) : (
        <>
          {cut(s.rows.length, win.from, win.shown.length, "Slots")}
          <table id="swap-table">
            <thead>
              <tr>
                <th scope="col">Slot</th>
                <th scope="col">Page</th>
                <th scope="col">Where the page is</th>
                <th scope="col">The slot's copy</th>
              </tr>
            </thead>
            <tbody>
              {win.shown.map((r) => (
                <tr
                  key={`${r.slot}:${r.pid}:${r.page}`}
                  data-slot={r.slot}
                  data-page={pidPage(r.pid, r.page, multi)}
                >
                  <td>{r.slot}</td>
                  <td>{pidPage(r.pid, r.page, multi)}</td>
                  <td>{r.where === "swap" ? "out (only in swap)" : `in memory, frame ${r.frame}`}</td>
                  <td>
                    {r.copy === "stale"
                      ? "stale: written since (dirty), written back when evicted"
                      : r.where === "swap"
                        ? "current: written back when it was evicted"
                        : "current: the page is clean, evicting it needs no write"}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}

/** What full mode adds to a frame table row: the page cell for a table frame, the pin column. */
export function fullPageCell(f: FullFrame, multi: boolean): string | null {
  if (f.kind === "table" && f.table)
    return `page table, level ${f.table.level}${multi ? ` of pid ${f.table.pid}` : ""}`;
  if (f.kind === "reserved") return "free, kept for page tables";
  return null;
}

/** Every physical frame of the Machine: the page or table it holds, its A and D bits, pins, swap slot. */
export function MachineFrames({ session, multi }: { session: MachineViews; multi: boolean }) {
  const all = session.frameTable();
  const held = all.filter((f) => f.kind !== "reserved");
  const kept = all.length - held.length;
  const focus = session.focus;
  const win = around(
    held,
    focus === null
      ? -1
      : held.findIndex((f) => f.kind === "page" && f.page === focus.page && f.pid === focus.pid),
  );
  const frames = win.shown;
  return (
    <section aria-labelledby="mframes-h" class="panel frames" id="machine-frames">
      <h2 id="mframes-h">Frame table</h2>
      {kept > 0 && <p class="hint">Not shown: {kept} free frames kept for page tables.</p>}
      {cut(held.length, win.from, frames.length, "Frames")}
      <table id="machine-frame-table">
        <thead>
          <tr>
            <th scope="col">Frame</th>
            <th scope="col">Holds</th>
            <th scope="col">R</th>
            <th scope="col">D</th>
            <th scope="col">Pinned</th>
            <th scope="col">Swap slot</th>
          </tr>
        </thead>
        <tbody>
          {frames.map((f) => {
            const here = focus !== null && f.kind === "page" && f.page === focus.page && f.pid === focus.pid;
            return (
              <tr
                key={f.frame}
                data-kind={f.kind}
                class={`${here ? "used" : ""}${f.kind === "page" ? "" : " table"}`}
              >
                <td>{f.frame}</td>
                <td class="page">
                  {fullPageCell(f, multi) ??
                    (f.kind === "free"
                      ? "free"
                      : `page ${pidPage(f.pid, f.page, multi)}${f.shared ? " (text, shared)" : ""}`)}
                  {here ? " ← the last fault's page" : ""}
                </td>
                <td>{f.kind === "page" ? (f.referenced ? "1" : "0") : ""}</td>
                <td>{f.kind === "page" ? (f.dirty ? "1" : "0") : ""}</td>
                <td>{f.pins > 0 ? (f.kind === "table" ? "yes (a table)" : "yes 📌") : ""}</td>
                <td>{f.slot >= 0 ? f.slot : ""}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}
