// What sizing a Machine for a trace needs to know of the trace (TracePages): each process's
// distinct pages and the highest page, found in one pass over the references, dictionary blocks
// still encoded. sim/machine-run.ts sizes the Machine from it (machineForTrace).

import { PageIds } from "../workloads/page-ids.js";
import { DICT16_MAX } from "../workloads/pwt-blocks.js";
import type { CodedBlock } from "../workloads/pwt-decoder.js";
import type { DecodedRefs, TraceStats } from "../workloads/trace-decoder.js";

/** The index of the first reference of `block` that names an entry past its dictionary (there is one). */
function firstPastDictionary(block: CodedBlock): number {
  const { buf, pos, dict } = block;
  for (let k = 0; ; k++) {
    const v = dict.width === 1 ? buf[pos + k]! : buf[pos + 2 * k]! | (buf[pos + 2 * k + 1]! << 8);
    if (v >>> 2 >= dict.size) return k;
  }
}

/** What sizing a Machine for a trace needs to know of it: found in one pass, O(distinct pages). */
export class TracePages {
  /** Each pid's distinct pages, pids in order of first appearance, pages in order of first use. */
  readonly pagesOf = new Map<number, number[]>();
  maxPage = 0;
  references = 0;
  private readonly ids = new PageIds();

  /** Distinct (pid, page) pairs seen. */
  get distinctPages(): number {
    return this.ids.size;
  }

  /** A (pid, page) seen for the first time: ids come in order of first appearance. */
  private newPage(src: number, page: number): void {
    let list = this.pagesOf.get(src);
    if (list === undefined) {
      list = [];
      this.pagesOf.set(src, list);
    }
    list.push(page);
  }

  // The last two (pid, page) pairs looked up: most references repeat one of them (a fetch and a
  // data page taking turns), and those need no lookup.
  private page0 = -1;
  private pid0 = -1;
  private page1 = -1;
  private pid1 = -1;

  /** Takes references [0, n) of `b`. */
  add(b: DecodedRefs, n = b.count): void {
    const { pages, pids } = b;
    const ids = this.ids;
    let { page0, pid0, page1, pid1, maxPage } = this;
    for (let i = 0; i < n; i++) {
      const page = pages[i]!;
      const src = pids[i]!;
      if (page === page0 && src === pid0) continue;
      const second = page === page1 && src === pid1;
      page1 = page0;
      pid1 = pid0;
      page0 = page;
      pid0 = src;
      if (second) continue;
      if (page > maxPage) maxPage = page;
      const seen = ids.size;
      if (ids.idOf(page, src) !== seen) continue;
      this.newPage(src, page);
    }
    this.page0 = page0;
    this.pid0 = pid0;
    this.page1 = page1;
    this.pid1 = pid1;
    this.maxPage = maxPage;
    this.references += n;
  }

  // addCoded's scratch: the take in which each entry was found new, and the new entries in order of first use.
  private readonly newIn = new Int32Array(DICT16_MAX);
  private readonly firstUse = new Int32Array(DICT16_MAX);
  private take = 0;

  /**
   * Takes the references of a dictionary block still encoded (PwtDecoder.takeCodedBlock) and
   * counts their kinds into `stats` (the decoder's, as its decoding would), with the dictionary's
   * own loop, which also checks the entries. Only the dictionary's entries not seen before can
   * bring a new (pid, page); a scan of the references, which stops once it has met them all, puts
   * those the references use in order of first use, so the pages and their order are the ones
   * add() finds from the decoded references (an entry no reference uses adds nothing). Returns the
   * index of the first reference naming an entry past the dictionary (nothing is taken then), or -1.
   */
  addCoded(block: CodedBlock, stats: TraceStats): number {
    const { buf, pos, count: n, dict } = block;
    if (dict.countCoded(buf, pos, n, stats) < 0) return firstPastDictionary(block);
    this.references += n;
    const d = dict.size;
    const ids = this.ids;
    const { pages, pids } = dict;
    const newIn = this.newIn;
    const take = ++this.take;
    let fresh = 0;
    for (let e = 0; e < d; e++) {
      if (ids.find(pages[e]!, pids[e]!) < 0) {
        newIn[e] = take;
        fresh++;
      }
    }
    if (fresh === 0) return -1;
    const firstUse = this.firstUse;
    let used = 0;
    const step = dict.width;
    for (let p = pos, end = pos + step * n; p < end && used < fresh; p += step) {
      const e = (step === 1 ? buf[p]! : buf[p]! | (buf[p + 1]! << 8)) >>> 2;
      if (newIn[e] === take) {
        newIn[e] = 0;
        firstUse[used++] = e;
      }
    }
    for (let j = 0; j < used; j++) {
      const e = firstUse[j]!;
      const page = pages[e]!;
      const src = pids[e]!;
      if (page > this.maxPage) this.maxPage = page;
      // Two entries of a (crafted) dictionary may name one (pid, page).
      const seen = ids.size;
      if (ids.idOf(page, src) === seen) this.newPage(src, page);
    }
    return -1;
  }

  /** The pages of a whole workload in memory. */
  static of(refs: DecodedRefs): TracePages {
    const t = new TracePages();
    t.add(refs);
    return t;
  }
}
