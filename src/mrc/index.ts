// Miss-ratio curves in one pass: exact LRU (stack distances over a Fenwick tree), exact OPT
// (Mattson's stack algorithm with OPT's priority) and SHARDS sampling; see each file's header.

export {
  type CurveError,
  type CurveMethod,
  curveError,
  type MissCurve,
  missesAt,
  missRatioAt,
} from "./curve.js";
export { LruMrc, lruCurve } from "./lru.js";
export { NO_NEXT_USE, nextUses, OptMrc, optCurve } from "./opt.js";
export { DEFAULT_SHARDS_RATE, ShardsMrc, type ShardsOptions } from "./shards.js";
export { StackDistances } from "./stack-distance.js";
export { BatchMrc } from "./stream.js";
