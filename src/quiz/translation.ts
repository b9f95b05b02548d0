// Translation quiz: a page-table shape, a dump of the page tables in physical memory (raw PTE
// words: present, writable, executable bits and frame numbers), the page-table base register and
// virtual addresses to translate for a read, a write or an instruction fetch. Some translate, some
// fault (an entry not present at some level), some are protection errors. The tables are real
// ones in a PhysicalMemory, written with mmu/pte.ts; the answers are the MMU's (mmu/mmu.ts, no
// TLB) and each level's index and entry come from the side-effect-free walk (sim/translation.ts).

import { type AddressLayout, levelIndex, makeLayout, PTE_SIZE, parseShape } from "../core/addr.js";
import { ConfigError } from "../core/errors.js";
import {
  ACC_EXEC,
  ACC_READ,
  ACC_WRITE,
  type Access,
  FAULT_NOT_PRESENT,
  FAULT_PROTECTION,
  Mmu,
} from "../mmu/mmu.js";
import { PageTables } from "../mmu/page-table.js";
import { PTE_P, PTE_U, PTE_W, PTE_X, pteFrame, pteMapped, pteSwapped, pteTable } from "../mmu/pte.js";
import { Tlb } from "../mmu/tlb.js";
import { FrameTable } from "../phys/frames.js";
import { PhysicalMemory } from "../phys/memory.js";
import { explainWalk } from "../sim/translation.js";
import { hex, type Quiz, type QuizItem, QuizRandom } from "./quiz.js";

/** Shapes the quiz picks from when none is given: small tables, so the dump stays short. */
export const TRANSLATION_SHAPES = ["4/4/8", "3/3/3/8", "5/3/8", "6/6/8", "sv32"] as const;

/** Physical frames in a translation quiz's memory. */
export const QUIZ_FRAMES = 64;

const ACCESS_WORD = ["read", "write", "fetch"] as const;

/** One entry of the dump. */
export interface DumpEntry {
  readonly index: number;
  readonly pte: number;
}

/** A frame holding a page table, with its non-zero entries. */
export interface DumpTable {
  readonly frame: number;
  readonly entries: readonly DumpEntry[];
}

/** A PTE decoded, for the answers: "present writable → frame 0x12", "not present (swap slot 3)". */
export function decodePte(pte: number): string {
  if ((pte & PTE_P) === 0) return pte === 0 ? "empty" : `not present (swap slot ${pteFrame(pte)})`;
  const w = (pte & PTE_W) !== 0 ? "writable" : "read-only";
  return `present ${w}${(pte & PTE_X) !== 0 ? " executable" : ""} → frame ${hex(pteFrame(pte))}`;
}

interface Built {
  readonly mem: PhysicalMemory;
  readonly root: number;
  readonly tables: number[];
  /** Leaf VPNs by what their entry says. */
  readonly present: number[];
  readonly absent: number[];
}

/** Builds tables for a few VPNs in clusters (so some share tables), in frames the seed picks. */
function build(rnd: QuizRandom, l: AddressLayout): Built {
  const mem = new PhysicalMemory(QUIZ_FRAMES, l.pageSize);
  const free = rnd.shuffle(Array.from({ length: QUIZ_FRAMES - 1 }, (_, i) => i + 1));
  const take = () => free.pop()!;
  const root = take();
  const tables = [root];
  const leafSpan = l.entriesPerTable[l.levels - 1]!;
  const vpns = new Set<number>();
  for (let cluster = 0; cluster < 2; cluster++) {
    const base = Math.floor(rnd.int(0, l.vpnCount - 1) / leafSpan) * leafSpan;
    // Small tables may run out of distinct pages: a bounded number of draws.
    const n = vpns.size + rnd.int(2, 3);
    for (let tries = 0; vpns.size < n && tries < 64; tries++) vpns.add(base + rnd.int(0, leafSpan - 1));
  }
  const present: number[] = [];
  const absent: number[] = [];
  [...vpns].forEach((vpn, i) => {
    let table = root;
    for (let level = 0; level < l.levels - 1; level++) {
      const addr = table * l.pageSize + levelIndex(l, vpn, level) * PTE_SIZE;
      let pte = mem.readU32(addr);
      if ((pte & PTE_P) === 0) {
        const t = take();
        tables.push(t);
        pte = pteTable(t);
        mem.writeU32(addr, pte);
      }
      table = pteFrame(pte);
    }
    const addr = table * l.pageSize + levelIndex(l, vpn, l.levels - 1) * PTE_SIZE;
    // The first page of each kind is guaranteed: one read-only, one writable, one not present.
    const perm = PTE_U | (i === 0 ? 0 : rnd.chance(0.6) ? PTE_W : 0) | (rnd.chance(0.4) ? PTE_X : 0);
    if (i === 1 || (i > 2 && rnd.chance(0.25))) {
      mem.writeU32(addr, pteSwapped(rnd.int(1, 40), perm));
      absent.push(vpn);
    } else {
      mem.writeU32(addr, pteMapped(take(), perm));
      present.push(vpn);
    }
  });
  return { mem, root, tables: tables.sort((a, b) => a - b), present, absent };
}

function dumpOf(b: Built, l: AddressLayout): DumpTable[] {
  return b.tables.map((frame) => {
    const entries: DumpEntry[] = [];
    const n = l.pageSize / PTE_SIZE;
    for (let i = 0; i < n; i++) {
      const pte = b.mem.readU32(frame * l.pageSize + i * PTE_SIZE);
      if (pte !== 0) entries.push({ index: i, pte });
    }
    return { frame, entries };
  });
}

/** A VPN whose root entry is empty (the walk stops at level 0), or -1 if every one is used. */
function unmappedVpn(rnd: QuizRandom, l: AddressLayout, b: Built): number {
  const span = l.levelSpan[0]!;
  const rootEntries = l.entriesPerTable[0]!;
  const start = rnd.int(0, rootEntries - 1);
  for (let k = 0; k < rootEntries; k++) {
    const i = (start + k) % rootEntries;
    if (b.mem.readU32(b.root * l.pageSize + i * PTE_SIZE) === 0) return i * span + rnd.int(0, span - 1);
  }
  return -1;
}

/** The addresses to ask: a read that works, write and fetch checks, faults at the leaf and above. */
function questions(rnd: QuizRandom, l: AddressLayout, b: Built): { va: number; access: Access }[] {
  const at = (vpn: number) => vpn * l.pageSize + rnd.int(0, l.pageSize - 1);
  const out: { va: number; access: Access }[] = [];
  out.push({ va: at(rnd.pick(b.present)), access: ACC_READ });
  out.push({ va: at(b.present[0]!), access: ACC_WRITE });
  out.push({ va: at(rnd.pick(b.present)), access: rnd.pick([ACC_WRITE, ACC_EXEC]) });
  out.push({ va: at(b.absent[0]!), access: ACC_READ });
  const far = unmappedVpn(rnd, l, b);
  if (far >= 0) out.push({ va: at(far), access: rnd.pick([ACC_READ, ACC_WRITE]) });
  return rnd.shuffle(out);
}

export function translationQuiz(seed: number, opts: { shape?: string } = {}): Quiz {
  const rnd = new QuizRandom(seed);
  const shape = opts.shape ?? rnd.pick(TRANSLATION_SHAPES);
  const l = makeLayout(parseShape(shape, "shape"));
  const vpnBits = l.vaBits - l.pageShift;
  if (l.levelBits.some((bits) => bits < 2) || vpnBits > 40)
    throw new ConfigError("shape", shape, "2 to 16 bits per level (a quiz needs room for several pages)");
  const b = build(rnd, l);
  const dump = dumpOf(b, l);
  const asks = questions(rnd, l, b);
  // The MMU without a TLB walks the tables for every access (it sets A and D bits; the dump is taken).
  const mmu = new Mmu(
    l,
    b.mem,
    new Tlb({ entries: 0, ways: 0, mode: "tagged" }),
    new PageTables(l, b.mem, new FrameTable(QUIZ_FRAMES), () => {
      throw new ConfigError("quiz", "translation", "no table allocation while translating");
    }),
  );
  mmu.install(0, b.root);
  const vaDigits = Math.ceil(l.vaBits / 4);
  const items: QuizItem[] = asks.map(({ va, access }) => {
    const vpn = Math.floor(va / l.pageSize);
    const walk = explainWalk(l, b.mem, b.root, va, vpn);
    const pa = mmu.translate(va, access);
    const explain = [
      `VPN ${hex(vpn)}, offset ${hex(va % l.pageSize)}; indexes ${l.levelBits.map((_, i) => levelIndex(l, vpn, i)).join(", ")} (root first)`,
      ...walk.steps.map(
        (s) =>
          `level ${s.level}: table in frame ${hex(s.tableFrame)}, index ${s.index}, entry ${hex(s.pte >>> 0, 8)}: ${decodePte(s.pte)}`,
      ),
    ];
    const ask = `${hex(va, vaDigits)} (${ACCESS_WORD[access]})`;
    if (pa === FAULT_NOT_PRESENT) {
      const level = walk.steps.length - 1;
      return {
        ask,
        answer: `page fault: not present at level ${level}`,
        explain,
        expected: { type: "access", result: "fault" },
      };
    }
    if (pa === FAULT_PROTECTION) {
      return {
        ask,
        answer: `protection fault: ${access === ACC_WRITE ? "write to a read-only page" : "fetch from a page without X"}`,
        explain,
        expected: { type: "access", result: "protection" },
      };
    }
    if (pa < 0) throw new ConfigError("quiz", hex(va), "an address inside the address space");
    return { ask, answer: hex(pa), explain, expected: { type: "access", result: "ok", pa } };
  });
  const pfnDigits = Math.ceil(Math.log2(QUIZ_FRAMES * l.pageSize) / 4);
  return {
    kind: "translation",
    seed,
    title: `Address translation: shape ${shape}`,
    problem: [
      `Shape ${shape}: ${l.vaBits}-bit virtual addresses, ${l.pageSize}-byte pages, ${l.levels} level(s) of ${l.levelBits.join("/")} index bits (root first).`,
      `Physical memory: ${QUIZ_FRAMES} frames. Page-table base register (root table's frame): ${hex(b.root)}.`,
      `A PTE is a 32-bit word: bit 0 P (present), bit 1 W (writable), bit 2 U, bit 5 X (executable),`,
      "bits 8-31 the frame number (of the next table, or of the page at the last level); when P is",
      "clear the page is not present (bits 8-31 then hold a swap slot). Entries not listed are 0.",
      "Page-table frames and their non-zero entries ([index] word):",
      ...dump.map(
        (t) =>
          `  frame ${hex(t.frame, 2)}: ${t.entries.map((e) => `[${e.index}] ${hex(e.pte >>> 0, 8)}`).join("  ")}`,
      ),
      `Translate each address for the access given: the physical address (${pfnDigits} hex digits suffice), or`,
      '"fault" (page fault: an entry not present) or "protection" (present, but the access is not allowed).',
    ],
    data: {
      shape,
      vaBits: l.vaBits,
      pageSize: l.pageSize,
      levelBits: l.levelBits,
      frames: QUIZ_FRAMES,
      ptbr: b.root,
      tables: dump,
      addresses: asks.map((a) => ({ va: a.va, access: ACCESS_WORD[a.access] })),
    },
    items,
    howToAnswer: 'type a physical address (0x1a2b or decimal), "fault" or "protection"',
  };
}
