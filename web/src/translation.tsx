// One translation split into its parts: the current reference's page as a virtual address (offset
// 0: the string names pages, not bytes), its VPN bits per page-table level and the offset bits,
// for a shape the student picks. The arithmetic is the engine's (core/addr.ts).

import { useState } from "preact/hooks";
import { levelIndex, makeLayout, parseShape } from "../../src/index.js";

const SHAPES = ["6/10", "4/4/8", "sv32", "sv39", "x86-64"] as const;

function bits(value: number, width: number): string {
  return value.toString(2).padStart(width, "0");
}

export function TranslationView({ page }: { page: number | null }) {
  const [shape, setShape] = useState<string>("sv32");
  let body: preact.ComponentChildren;
  const layout = makeLayout(parseShape(shape));
  if (page === null) body = <p>Step once to translate the current reference.</p>;
  else if (page >= layout.vpnCount)
    body = (
      <p>
        Page {page} does not fit this shape ({layout.vpnCount} pages of {layout.pageSize} bytes): pick a wider
        one.
      </p>
    );
  else {
    const va = page * layout.pageSize;
    const parts = layout.levelBits.map((b, level) => ({ b, level, index: levelIndex(layout, page, level) }));
    body = (
      <>
        <p>
          Page {page}, offset 0: virtual address <code id="va">0x{va.toString(16)}</code> ({layout.vaBits}{" "}
          bits, {layout.pageSize}-byte pages)
        </p>
        <table class="bits" id="translation">
          <thead>
            <tr>
              {parts.map((p) => (
                <th key={p.level} scope="col">
                  level {p.level} index ({p.b} bits)
                </th>
              ))}
              <th scope="col">offset ({layout.pageShift} bits)</th>
            </tr>
          </thead>
          <tbody>
            <tr>
              {parts.map((p) => (
                <td key={p.level}>
                  <code>{bits(p.index, p.b)}</code>
                  <br />= {p.index}
                </td>
              ))}
              <td>
                <code>{bits(0, layout.pageShift)}</code>
                <br />= 0
              </td>
            </tr>
          </tbody>
        </table>
      </>
    );
  }
  return (
    <section aria-labelledby="tr-h" class="panel translation">
      <h2 id="tr-h">Translation of the last reference</h2>
      <label>
        Page-table shape{" "}
        <select id="shape" value={shape} onChange={(e) => setShape((e.target as HTMLSelectElement).value)}>
          {SHAPES.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
      </label>
      {body}
    </section>
  );
}
