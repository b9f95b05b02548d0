// The synthetic generators whose pages follow a fixed pattern (generators.ts gives their specs): a
// reference string (refs), a sequential scan or a loop over N pages (seq, loop), and a row-major
// matrix traversed by rows or by columns (matrix). Only their stores are drawn at random.

import { PageStream } from "./gen-stream.js";
import { REF_LOAD, REF_STORE } from "./refs.js";

export class RefString extends PageStream {
  constructor(
    spec: string,
    private readonly pages: Float64Array,
    private readonly stores: Uint8Array,
    repeat: number,
  ) {
    super(spec, pages.length * repeat, 1, 0);
  }
  protected page(i: number): number {
    return this.pages[i % this.pages.length]!;
  }
  protected override kind(i: number): number {
    return this.stores[i % this.pages.length] ? REF_STORE : REF_LOAD;
  }
}

export class Seq extends PageStream {
  constructor(
    spec: string,
    n: number,
    seed: number,
    writes: number,
    private readonly start: number,
    private readonly pages: number,
  ) {
    super(spec, n, seed, writes);
  }
  protected page(i: number): number {
    return this.start + (i % this.pages);
  }
}

export class Matrix extends PageStream {
  override readonly pageSize: number;
  constructor(
    spec: string,
    n: number,
    seed: number,
    writes: number,
    private readonly rows: number,
    private readonly cols: number,
    private readonly elem: number,
    private readonly byCols: boolean,
    pageSize: number,
  ) {
    super(spec, n, seed, writes);
    this.pageSize = pageSize;
  }
  protected page(i: number): number {
    const cell = i % (this.rows * this.cols);
    const r = this.byCols ? cell % this.rows : Math.floor(cell / this.cols);
    const c = this.byCols ? Math.floor(cell / this.rows) : cell % this.cols;
    return Math.floor(((r * this.cols + c) * this.elem) / this.pageSize);
  }
}
