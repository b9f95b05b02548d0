// The RV32IMA machine: run static RISC-V Linux programs on the pager (issue 14).
export { Rv32Cpu } from "./cpu.js";
export { type ElfProgram, type ElfSegment, parseElf } from "./elf.js";
export { ElfError } from "./errors.js";
export { type KernelOptions, Rv32Kernel } from "./kernel.js";
export { programImage, writeInitialStack } from "./loader.js";
export {
  checkRv32Frames,
  checkRv32Machine,
  RV32_MISALIGNED_WORD,
  Rv32FramesError,
  type Rv32MinimumFrames,
  rv32MinimumFrames,
} from "./min-frames.js";
export { type ProgramOptions, type ProgramResult, Rv32Process, runTogether } from "./program.js";
export {
  type AccessKind,
  type FaultsByAccess,
  type Rv32Host,
  SIGBUS,
  SIGILL,
  SIGKILL,
  SIGSEGV,
  SIGTRAP,
  type Trap,
} from "./trap.js";
