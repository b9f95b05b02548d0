// Byte helpers of the trace readers: a plain Uint8Array view of a Node Buffer, a copy that owns its
// memory, a UTF-8 byte order mark dropped at a stream's start however the chunks split it, and a
// file's text made safe to print in an error message.

/**
 * A plain Uint8Array view of `b` (a Node Buffer is a subclass: mixing the two makes the hot loops'
 * element accesses polymorphic).
 */
export function plainBytes(b: Uint8Array): Uint8Array {
  return b.constructor === Uint8Array ? b : new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

/** A copy of b[start, end) in fresh memory (Buffer#slice would share it). */
export function copyBytes(b: Uint8Array, start: number, end: number): Uint8Array {
  const c = new Uint8Array(end - start);
  c.set(b.subarray(start, end));
  return c;
}

const BOM = [0xef, 0xbb, 0xbf] as const;

/**
 * Drops a UTF-8 byte order mark (EF BB BF, which some editors write) at the very start of a
 * stream, even when it arrives split across chunks; every text format accepts one.
 */
export class BomStripper {
  /** Bytes of the mark matched so far; -1 once the start of the stream has been decided. */
  private matched = 0;

  /** `chunk` without the mark's bytes (an empty array while a split mark may still be forming). */
  strip(chunk: Uint8Array): Uint8Array {
    if (this.matched < 0) return chunk;
    const before = this.matched;
    let i = 0;
    while (this.matched < 3 && i < chunk.length) {
      if (chunk[i] !== BOM[this.matched]) {
        this.matched = -1;
        if (before === 0) return chunk;
        const out = new Uint8Array(before + chunk.length);
        out.set(BOM.slice(0, before), 0);
        out.set(chunk, before);
        return out;
      }
      this.matched++;
      i++;
    }
    if (this.matched === 3) {
      this.matched = -1;
      return chunk.subarray(i);
    }
    return new Uint8Array(0);
  }

  /** At the end of the stream: the bytes of an incomplete mark, which were data after all. */
  flush(): Uint8Array {
    const held = this.matched > 0 ? Uint8Array.from(BOM.slice(0, this.matched)) : new Uint8Array(0);
    this.matched = -1;
    return held;
  }
}

/**
 * Text from a file for an error message: printable ASCII kept, anything else (control bytes,
 * binary, non-ASCII) written as \xNN, and cut to `max` characters, so a message never carries a
 * file's raw bytes to the terminal.
 */
export function printable(text: string, max = 60): string {
  let out = "";
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    out +=
      c >= 0x20 && c < 0x7f
        ? ch
        : c <= 0xff
          ? `\\x${c.toString(16).padStart(2, "0")}`
          : `\\u{${c.toString(16)}}`;
    if (out.length >= max) return `${out.slice(0, max)}…`;
  }
  return out;
}
