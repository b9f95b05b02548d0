// The swap file under a failing or meddling disk (issue 18 items 2, 9, 10): a path in use is
// refused, so nothing truncates a live swap file; a file truncated or overwritten under the run is
// a typed error on the read (short read, checksum), never a page of zeros; every OS failure is a
// StoreIoError naming the file and the errno code; descriptor, lock and temp directory are released
// on close, on every failed open, and at exit.

import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ACC_WRITE } from "../src/mmu/mmu.js";
import { Machine } from "../src/sim/machine.js";
import { StoreIoError } from "../src/stores/store.js";
import { closeAllSwapFiles, FileSwapStore } from "./file-swap-store.js";

const PS = 256;
let dir = "";

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "pagewise-swap-test-"));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

function page(v: number): Uint8Array {
  return new Uint8Array(PS).fill(v);
}

function ioError(fn: () => unknown): StoreIoError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(StoreIoError);
    return e as StoreIoError;
  }
  throw new Error("expected a StoreIoError, nothing was thrown");
}

describe("a swap file changed under the run", () => {
  it("refuses a second store on the same path, and the first keeps its pages", () => {
    const file = path.join(dir, "swap");
    const a = new FileSwapStore(PS, { capacity: 4, path: file });
    const slot = a.allocSlot(true);
    a.writePage(slot, page(7), 0);
    const e = ioError(() => new FileSwapStore(PS, { capacity: 4, path: path.join(dir, ".", "swap") }));
    expect(e.message).toBe(`swap file ${file}: cannot open: in use by another swap store of this process`);
    const out = new Uint8Array(PS);
    a.readPage(slot, out, 0);
    expect(out).toEqual(page(7));
    a.close();
    // Closed: the path is free again, and the lock is gone.
    expect(fs.existsSync(`${file}.lock`)).toBe(false);
    new FileSwapStore(PS, { capacity: 4, path: file }).close();
  });

  it("refuses a path whose lock names a live process, and takes over a dead one's", () => {
    const file = path.join(dir, "swap");
    fs.writeFileSync(file, "a run's pages");
    fs.writeFileSync(`${file}.lock`, `${process.ppid}\n`);
    const e = ioError(() => new FileSwapStore(PS, { capacity: 4, path: file }));
    expect(e.message).toBe(
      `swap file ${file}: cannot open: in use by process ${process.ppid} (lock file ${file}.lock)`,
    );
    expect(fs.readFileSync(file, "utf8")).toBe("a run's pages"); // not truncated
    const dead = spawnSync(process.execPath, ["-e", "0"]).pid!;
    fs.writeFileSync(`${file}.lock`, `${dead}\n`);
    const s = new FileSwapStore(PS, { capacity: 4, path: file });
    expect(fs.readFileSync(`${file}.lock`, "utf8")).toBe(`${process.pid}\n`);
    s.close();
    expect(fs.existsSync(`${file}.lock`)).toBe(false);
    expect(fs.existsSync(file)).toBe(true); // a given path is the user's: kept
  });

  it("a truncated file is a short read, an overwritten slot a checksum mismatch", () => {
    const s = new FileSwapStore(PS, { capacity: 4 });
    const s0 = s.allocSlot(true);
    const s1 = s.allocSlot(true);
    s.writePage(s0, page(1), 0);
    s.writePage(s1, page(2), 0);
    fs.writeFileSync(s.path, new Uint8Array(PS), { flag: "r+" }); // zeros over slot 0
    fs.truncateSync(s.path, PS + 10); // slot 1 cut short
    const out = new Uint8Array(PS);
    expect(ioError(() => s.readPage(s0, out, 0)).message).toBe(
      `swap file ${s.path}: read of slot 0 failed: checksum mismatch at offset 0 (the file was changed under the run)`,
    );
    expect(ioError(() => s.readPage(s1, out, 0)).message).toBe(
      `swap file ${s.path}: read of slot 1 failed: short read at offset ${PS}, 10 of ${PS} bytes (the file was truncated under the run)`,
    );
    // A slot written again reads back.
    s.writePage(s0, page(3), 0);
    s.readPage(s0, out, 0);
    expect(out).toEqual(page(3));
    s.close();
  });

  it("through a Machine: the access fails with the typed error, the process lives, no frame leaks", () => {
    const swap = new FileSwapStore(PS, { capacity: 8 });
    const m = new Machine({ pageSize: PS, vaBits: 16, frames: 2, tableFrames: 8, swap });
    const pid = m.spawn();
    const va = m.mmap(pid, 3 * PS);
    for (let i = 0; i < 3; i++) m.writeU8(pid, va + i * PS, 0x40 + i); // page 0 in slot 0
    fs.truncateSync(swap.path, 0);
    const free = m.stats().frames.free;
    // The fault evicts page 1 first (written to slot 1, which refills the file up to it with a
    // hole), then reads slot 0: zeros where page 0 was.
    expect(() => m.readU8(pid, va)).toThrow(
      `swap file ${swap.path}: read of slot 0 failed: checksum mismatch at offset 0 (the file was changed under the run)`,
    );
    expect(m.isAlive(pid)).toBe(true);
    expect(m.stats().frames.free).toBe(free + 1); // the victim's frame, and the read's frame back
    expect([m.readU8(pid, va + PS), m.readU8(pid, va + 2 * PS)]).toEqual([0x41, 0x42]);
    m.exit(pid);
    expect([m.stats().frames.free, swap.slotsInUse]).toEqual([2, 0]);
    m.close();
  });
});

describe("the swap file's errors name the file", () => {
  it.runIf(fs.existsSync("/dev/full"))("a full disk: ENOSPC on the write, the page stays resident", () => {
    const file = path.join(dir, "full");
    fs.symlinkSync("/dev/full", file);
    const swap = new FileSwapStore(PS, { capacity: 8, path: file });
    const m = new Machine({ pageSize: PS, vaBits: 16, frames: 1, tableFrames: 8, swap });
    const pid = m.spawn();
    const va = m.mmap(pid, 2 * PS);
    m.writeU8(pid, va, 0x99);
    const e = ioError(() => m.access(pid, va + PS, ACC_WRITE));
    expect(e.message).toBe(`swap file ${file}: write of slot 0 failed: no space left on the device (ENOSPC)`);
    expect(e.data).toMatchObject({ op: "write", slot: 0, sysCode: "ENOSPC" });
    expect([m.readU8(pid, va), swap.slotsInUse, m.isAlive(pid)]).toEqual([0x99, 0, true]);
    m.close();
  });

  it("a directory (EISDIR) and a missing directory (ENOENT), with nothing left behind", () => {
    const sub = path.join(dir, "sub");
    fs.mkdirSync(sub);
    const e1 = ioError(() => new FileSwapStore(PS, { capacity: 4, path: sub }));
    expect(e1.message).toBe(`swap file ${sub}: cannot open: it is a directory, not a file (EISDIR)`);
    expect(fs.readdirSync(dir)).toEqual(["sub"]); // no lock left
    const missing = path.join(dir, "nope", "swap");
    const e2 = ioError(() => new FileSwapStore(PS, { capacity: 4, path: missing }));
    expect(e2.message).toBe(
      `swap file ${missing}: cannot open: lock file ${missing}.lock: no such file or directory (ENOENT)`,
    );
    expect(e2.code).toBe("STORE_IO");
  });

  it.runIf(process.platform === "linux" && fs.existsSync("/sys/kernel"))(
    "a place it may not write (EACCES, /sys) is a typed error naming the file",
    () => {
      const file = "/sys/kernel/pagewise-swap";
      const e = ioError(() => new FileSwapStore(PS, { capacity: 4, path: file }));
      expect(e.message).toMatch(
        new RegExp(
          `^swap file ${file}: cannot open: lock file ${file}\\.lock: (permission denied \\(EACCES\\)|the file system is read-only \\(EROFS\\))$`,
        ),
      );
      expect(["EACCES", "EROFS"]).toContain(e.data.sysCode);
    },
  );

  it("a disk that turns read-only or fails under the run (EROFS, EIO): the access fails typed, the page stays", () => {
    for (const [code, sentence] of [
      ["EROFS", "the file system is read-only"],
      ["EIO", "an input/output error from the device"],
    ] as const) {
      const file = path.join(dir, `swap-${code}`);
      const swap = new FileSwapStore(PS, { capacity: 8, path: file });
      const m = new Machine({ pageSize: PS, vaBits: 16, frames: 1, tableFrames: 8, swap });
      const pid = m.spawn();
      const va = m.mmap(pid, 2 * PS);
      m.writeU8(pid, va, 0x5a);
      const spy = vi.spyOn(fs, "writeSync").mockImplementation(() => {
        throw Object.assign(new Error(`${code}: injected, write`), { code, syscall: "write" });
      });
      try {
        const e = ioError(() => m.access(pid, va + PS, ACC_WRITE));
        expect(e.message).toBe(`swap file ${file}: write of slot 0 failed: ${sentence} (${code})`);
        expect(e.data).toMatchObject({ op: "write", slot: 0, sysCode: code });
      } finally {
        spy.mockRestore();
      }
      // Nothing lost: the page is still resident and intact, and the access succeeds once the disk works.
      expect([m.readU8(pid, va), swap.slotsInUse, m.isAlive(pid)]).toEqual([0x5a, 0, true]);
      m.access(pid, va + PS, ACC_WRITE);
      expect(m.readU8(pid, va)).toBe(0x5a);
      m.close();
    }
  });

  it("a closed store says so instead of a raw EBADF", () => {
    const s = new FileSwapStore(PS, { capacity: 4 });
    const slot = s.allocSlot(true);
    s.close();
    expect(ioError(() => s.writePage(slot, page(1), 0)).message).toBe(
      `swap file ${s.path}: write of slot 0 failed: the store is closed`,
    );
  });
});

describe("the swap file's resources", () => {
  it("close deletes a temp file and its directory; closing twice is harmless", () => {
    const s = new FileSwapStore(PS, { capacity: 4 });
    const d = path.dirname(s.path);
    expect(fs.existsSync(`${s.path}.lock`)).toBe(true);
    s.close();
    s.close();
    expect(fs.existsSync(d)).toBe(false);
  });

  it("stores never closed are released at exit (the hook closes every open file)", () => {
    const stores = [new FileSwapStore(PS, { capacity: 4 }), new FileSwapStore(PS, { capacity: 4 })];
    const dirs = stores.map((s) => path.dirname(s.path));
    expect(process.listeners("exit")).toContain(closeAllSwapFiles);
    closeAllSwapFiles();
    for (const d of dirs) expect(fs.existsSync(d)).toBe(false);
    expect(() => stores[0]!.writePage(stores[0]!.allocSlot(true), page(1), 0)).toThrow(/the store is closed/);
  });
});
