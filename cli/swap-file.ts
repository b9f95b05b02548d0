// The swap file of `run --mode full --swap-file PATH`: node/file-swap-store.ts (locked, every page
// checksummed) on a file this run creates. A path that exists is never opened for writing, so no
// user's file is truncated: a directory gets a new temporary file inside it, any other existing
// path is refused (UsageError, exit 2). The file is created exclusively (O_EXCL) before the store
// opens it, so a file appearing at the path in between is refused too. At the end the file is
// removed (a swap file means nothing without the run's page tables) and its figures are reported.

import fs from "node:fs";
import path from "node:path";
import { FileSwapStore } from "../node/file-swap-store.js";
import { MAX_SLOTS } from "../src/index.js";
import { errnoMessage } from "./errno.js";
import { IoError, UsageError } from "./errors.js";

/** What a swap file held, for the report. */
export interface SwapFileFigures {
  /** The file's absolute path. */
  path: string;
  /** True when made in a directory given to --swap-file. */
  temporary: boolean;
  pagesWritten: number;
  pagesRead: number;
  /** The file's size on disk at the end of the run, before it was removed. */
  bytes: number;
}

/** A swap file open for a run; `finish` closes and removes it and says what it held. */
export interface OpenedSwapFile {
  readonly store: FileSwapStore;
  finish(): SwapFileFigures;
}

/** Creates `file` exclusively; false if something is already there. Other failures are IoErrors. */
function createNew(file: string): boolean {
  try {
    fs.closeSync(fs.openSync(file, "wx"));
    return true;
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === "EEXIST") return false;
    if (typeof err.code === "string")
      throw new IoError(`--swap-file: ${errnoMessage({ code: err.code, syscall: "open", path: file })}`);
    throw e;
  }
}

/**
 * Opens the swap file of `given` (relative to `cwd`) for pages of `pageSize` bytes, at most
 * `slots` of them (default the most a PTE can name).
 */
export function openSwapFile(given: string, cwd: string, pageSize: number, slots?: number): OpenedSwapFile {
  const target = path.resolve(cwd, given);
  let st: fs.Stats | undefined;
  try {
    st = fs.statSync(target);
  } catch {
    st = undefined;
  }
  let file: string;
  const temporary = st?.isDirectory() === true;
  if (temporary) {
    let n = 0;
    do {
      file = path.join(target, `pagewise-swap-${process.pid}-${n++}`);
    } while (!createNew(file));
  } else {
    file = target;
    if (st !== undefined || !createNew(file)) {
      throw new UsageError(
        `--swap-file ${given}: ${file} exists, and pagewise never overwrites a file it did not make: give a new path, or a directory to hold a temporary swap file`,
      );
    }
  }
  let store: FileSwapStore;
  try {
    store = new FileSwapStore(pageSize, { capacity: slots ?? MAX_SLOTS, path: file, unlinkOnClose: true });
  } catch (e) {
    fs.rmSync(file, { force: true });
    throw e;
  }
  return {
    store,
    finish() {
      let bytes = 0;
      try {
        bytes = fs.statSync(file).size;
      } catch {
        bytes = 0;
      }
      const figures = { path: file, temporary, pagesWritten: store.writes, pagesRead: store.reads, bytes };
      store.close();
      return figures;
    },
  };
}
