// pagewise's engine, its public API: what the command line (cli/), the Node adapters (node/), the
// benchmarks (bench/), the web app (web/src) and the tests of whole runs import. Hand-written and
// grouped by topic; a module's other exports are its own business. The way in for a run:
//   a workload  -> ReferenceSource (a file's batches, a generator, workloadSource(w))
//   replay mode -> simulate / simulateMany (sim/run.ts): page numbers, frames and a policy
//   full mode   -> runMachine (sim/machine-run.ts): sizes a Machine for the trace and feeds it
//                  every reference; Machine.access translates (TLB, page tables in frames) and
//                  faults through the pager, which takes a frame or evicts the policy's victim.
// Importing this file costs nothing extra in the built CLI: it is bundled (scripts/bundle-cli.mjs)
// and each command's chunk holds only what that command uses.
// The groups below are in this order on purpose: biome is told not to sort them.
// biome-ignore-all assist/source/organizeImports: grouped by topic, one comment a group

// Errors every layer throws: a PagewiseError has a code and the option, file or offset at fault.
export { AddressError, assert, ConfigError, PagewiseError, TraceParseError } from "./core/errors.js";

// Addresses: page-table shapes, layouts, page numbers and keys; access kinds; the documents' EAT.
export {
  type AddressLayout,
  isCanonical,
  layoutFor,
  levelIndex,
  MAX_ASID,
  makeLayout,
  offsetOf,
  pageKey,
  parseShape,
  physAddr,
  SHAPE_PRESETS,
  vpnOf,
} from "./core/addr.js";
export { ACC_EXEC, ACC_READ, ACC_WRITE, type Access } from "./mmu/mmu.js";
export { type CostModel, eatFormulaNs, formatDurationNs, makeCosts, parseDurationNs } from "./core/time.js";
export { groupDigits } from "./core/format.js";
export type { FaultEvent } from "./core/events.js";

// References: the batch every reader produces, reference kinds, the one in-memory workload.
export { isWrite, makeBatch, REF_INSTR, REF_LOAD, REF_STORE, type RefBatch } from "./workloads/refs.js";
export {
  type DecodedRefs,
  truncateWorkload,
  type Workload,
  WorkloadBuilder,
  workloadSource,
} from "./workloads/workload.js";
export { PageIds } from "./workloads/page-ids.js";

// Trace formats: detection, decoders (streaming, constant memory), pwt and oracleGeneral writers.
export { type Compression, detectCompression, detectFormat, type TraceFormat } from "./workloads/detect.js";
export { createDecoder, isTraceFormat, TRACE_FORMATS } from "./workloads/formats.js";
export {
  DEFAULT_BATCH,
  decodeBytes,
  makeStats,
  type TraceDecoder,
  type TraceStats,
} from "./workloads/trace-decoder.js";
export { LackeyDecoder } from "./workloads/lackey.js";
export { PagesTextParser } from "./workloads/pages-text.js";
export type { TextUnit } from "./workloads/text-trace.js";
export { detectTextUnit, type TextUnitGuess } from "./workloads/text-unit.js";
export {
  decodePwtHeader,
  encodePwtHeader,
  makeCodedRefs,
  PWT_HEADER_SIZE,
  type PwtCounts,
  PwtDecoder,
  PwtEncoder,
  type PwtHeader,
} from "./workloads/binary-format.js";
export { isPwt, PWT_VERSION, PwtChecksumError } from "./workloads/pwt-header.js";
export {
  NextAccessFiller,
  ORACLE_GENERAL_RECORD,
  writeOracleGeneralRecords,
} from "./workloads/oracle-general.js";

// Synthetic workloads ("zipf:pages=1000,alpha=0.9,n=100000,seed=1") and OPT's next uses.
export { generateAll, generateBatches, parseGenerator } from "./workloads/generators.js";
export { annotateNextUse } from "./workloads/oracle.js";

// Replacement policies: the registry of ids and parameters.
export { getPolicyFactory, parsePolicySpec, policyIds } from "./policies/registry.js";
export type { PolicyFactory } from "./policies/policy.js";
export { Rng } from "./policies/rng.js";
export type { ColorMode } from "./pager/pager.js";

// Replay mode over a source of any length (sim/run.ts), and the in-memory replay it builds on.
export {
  DenseIdsSink,
  fanOut,
  feed,
  NextUseSink,
  type PassCounts,
  type PassOptions,
  type ReferenceSource,
  type RunSpec,
  type SimulateOptions,
  type SimulateResult,
  annotates,
  simulate,
  simulateMany,
} from "./sim/run.js";
export { PwtReplayFeed, type RefSink, StreamReplay } from "./sim/stream-replay.js";
export { densify } from "./sim/densify.js";
export { NO_NEXT_USE } from "./sim/replay-coded.js";
export { type ReplayResult, type ReplayTrace, replay } from "./sim/replay-trace.js";

// Replay mode on a whole workload in memory (reports, Belady searches, sweeps on worker threads).
export {
  ensureNextUse,
  prepareReplay,
  type ReplayWorkload,
  type ReplayWorkloadOptions,
  replayWorkload,
  residentTimeline,
  type Timeline,
  type WorkloadFacts,
  workloadFacts,
} from "./sim/replay-workload.js";

// Full mode: the one driver from a reference stream to a Machine, which sizes the Machine; kswapd,
// EAT and page-size experiments on it.
export {
  type MachineRun,
  type MachineRunOptions,
  machineForTrace,
  type PolicySwitch,
  runMachine,
  type TraceMachine,
  type TraceMachineOptions,
  traceLayout,
} from "./sim/machine-run.js";
export { TracePages } from "./sim/trace-pages.js";
export { Machine, type MachineStats, type Translation } from "./sim/machine.js";
export { vaBitsForTrace } from "./sim/bounds.js";
// What views of a Machine read: PTE bits and locations, TLB entry bits, frame states.
export {
  LOC_SOURCE,
  LOC_SWAP,
  PTE_A,
  PTE_D,
  PTE_LOC_MASK,
  PTE_LOC_SHIFT,
  PTE_P,
  PTE_U,
  PTE_W,
  PTE_X,
  pteFrame,
} from "./mmu/pte.js";
export { TLB_D, TLB_VALID, TLB_W, TLB_X, type TlbMode } from "./mmu/tlb.js";
export { FRAME_FREE, FRAME_TABLE, FRAME_USER } from "./phys/frames.js";
export { type KswapdStats, parseKswapdSpec } from "./pager/kswapd.js";
export { type KswapdTimeline, runKswapdTimeline } from "./sim/kswapd-timeline.js";
export { type EatRunResult, runEat } from "./sim/eat-experiment.js";
export { pageSizeSweep, touchedRegions } from "./sim/page-size.js";

// Step mode: one record per reference (replay or Machine), for teaching views.
export {
  MAX_HELD_REFERENCES,
  MAX_STEP_REFERENCES,
  type StepFrame,
  type StepList,
  Stepper,
  type StepRecord,
  type StepSource,
  stepAll,
  steps,
} from "./sim/steps.js";
export { type FullStepRecord, FullStepper, fullSteps } from "./sim/steps-full.js";

// Backing stores.
export { type BackingStore, type Slot, StoreIoError, type StoreOp } from "./stores/store.js";
export { MAX_SLOTS, SlotAllocator } from "./stores/slot-allocator.js";

// Multiprogramming: the System (scheduler, working sets, thrashing), its disks and allocation.
export { System, type SystemConfig } from "./system/system.js";
export { type PreparedWorkload, prepareWorkload } from "./system/process.js";
export { ALLOCATION_MODES, type AllocationMode } from "./sim/allocation.js";
export { DISK_PRESETS, type DiskPreset } from "./system/disk.js";
export { type ThrashPoint, thrashCurve, thrashPoint } from "./system/thrash.js";

// RV32 programs run on the Machine.
export type { FileSource } from "./cpu/rv32/kernel.js";
export { checkRv32Frames } from "./cpu/rv32/min-frames.js";
export { Rv32Process, runTogether } from "./cpu/rv32/program.js";
export { type ElfProgram, parseElf } from "./cpu/rv32/index.js";

// Miss-ratio curves in one pass: exact LRU and OPT, sampled (SHARDS).
export { curveError, type MissCurve, missesAt, missRatioAt } from "./mrc/curve.js";
export { LruMrc, lruCurve } from "./mrc/lru.js";
export { nextUses, OptMrc, optCurve } from "./mrc/opt.js";
export { DEFAULT_SHARDS_RATE, ShardsMrc } from "./mrc/shards.js";

// Trace analysis and quizzes.
export { type TraceAnalysis, TraceAnalyzer } from "./analyze/analyzer.js";
export { analyzeReportHtml } from "./analyze/report.js";
export {
  checkAnswer,
  isQuizKind,
  MAX_SEED,
  makeQuiz,
  QUIZ_KINDS,
  type Quiz,
  type QuizOptions,
} from "./quiz/index.js";

// Reports: the data model, SVG figures and self-contained HTML pages.
export type { ReportData, ReportFigure, RunRow } from "./report/model.js";
export { heatmap, samplePoints, workingSetSizes } from "./report/series.js";
export { reportFigures } from "./report/svg.js";
export { type ReportAssets, renderReportHtml } from "./report/html.js";
export { kswapdCharts, kswapdReportHtml, kswapdTimelineSvg } from "./report/kswapd.js";
export {
  renderThrashHtml,
  type ThrashReportData,
  thrashCharts,
  thrashCurveSvg,
} from "./report/thrash.js";
