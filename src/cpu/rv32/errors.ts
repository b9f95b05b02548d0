// Errors of the RV32 machine: a program file that cannot be loaded (ElfError, naming the file, the
// reason and the byte offset), and a run that cannot go on for a reason outside the program
// (StraddleLivelockError: a straddling access whose two pages never stayed resident together).

import { OutOfMemoryError, PagewiseError } from "../../core/errors.js";

/** A malformed or unsupported ELF file: `source` names it, `offset` is where the problem lies. */
export class ElfError extends PagewiseError {
  static readonly code = "ELF_INVALID";
  constructor(source: string, reason: string, offset?: number) {
    const at = offset === undefined ? "" : ` (at byte offset ${offset})`;
    super(ElfError.code, `${source}: ${reason}${at}`, {
      source,
      reason,
      ...(offset === undefined ? {} : { offset }),
    });
  }
}

/** The two pages of a straddling access never stayed resident together (too few frames for the policy). */
export class StraddleLivelockError extends OutOfMemoryError {
  constructor(pid: number, va: number, passes: number) {
    super(
      `process ${pid}: an access at 0x${va.toString(16)} straddling two pages could not keep both resident in ${passes} tries (too few frames for this policy)`,
      { pid, va, passes },
    );
  }
}
