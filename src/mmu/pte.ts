// The page-table entry: one little-endian 32-bit word in a table frame.
//
//   bit  0  P  present: bits 8..31 hold the frame number
//   bit  1  W  writable
//   bit  2  U  user-accessible
//   bit  3  A  accessed: set by the MMU on every access (through the TLB-fill protocol)
//   bit  4  D  dirty: set by the MMU on every write
//   bit  5  X  executable
//   bits 6-7   LOC, when P is clear: where the page is (LOC_NONE, LOC_SWAP, LOC_SOURCE)
//   bits 8-31  frame number when present; swap slot when LOC_SWAP
//
// A zero word is an unused entry. A non-present entry with LOC_SOURCE means "the page was loaded
// before and can be loaded again from its region's source" (image, zero-fill, shared object); it
// keeps the table alive, so tables are freed only when pages are unmapped, never by eviction.
// Intermediate entries are P|W|U plus the frame of the next-level table.

export const PTE_P = 1 << 0;
export const PTE_W = 1 << 1;
export const PTE_U = 1 << 2;
export const PTE_A = 1 << 3;
export const PTE_D = 1 << 4;
export const PTE_X = 1 << 5;
export const PTE_PERM_MASK = PTE_W | PTE_U | PTE_X;

export const PTE_LOC_SHIFT = 6;
export const PTE_LOC_MASK = 3 << PTE_LOC_SHIFT;
export const LOC_NONE = 0;
export const LOC_SWAP = 1;
export const LOC_SOURCE = 2;

const FIELD_SHIFT = 8;
/** Largest frame number or swap slot a PTE can hold. */
export const PTE_MAX_FIELD = 2 ** 24 - 1;

/** A present PTE mapping `frame` with permission bits `perm` (PTE_W|PTE_U|PTE_X). */
export function pteMapped(frame: number, perm: number): number {
  return ((frame << FIELD_SHIFT) | PTE_P | (perm & PTE_PERM_MASK)) >>> 0;
}

/** A non-present PTE saying the page is in swap slot `slot`. */
export function pteSwapped(slot: number, perm: number): number {
  return ((slot << FIELD_SHIFT) | (LOC_SWAP << PTE_LOC_SHIFT) | (perm & PTE_PERM_MASK)) >>> 0;
}

/** A non-present PTE saying the page can be loaded again from its region's source. */
export function pteFromSource(perm: number): number {
  return ((LOC_SOURCE << PTE_LOC_SHIFT) | (perm & PTE_PERM_MASK)) >>> 0;
}

/** An intermediate entry pointing at the table in `frame`. */
export function pteTable(frame: number): number {
  return ((frame << FIELD_SHIFT) | PTE_P | PTE_W | PTE_U) >>> 0;
}

export function ptePresent(pte: number): boolean {
  return (pte & PTE_P) !== 0;
}

/** Frame number of a present PTE. */
export function pteFrame(pte: number): number {
  return pte >>> FIELD_SHIFT;
}

/** Swap slot of a LOC_SWAP PTE. */
export function pteSlot(pte: number): number {
  return pte >>> FIELD_SHIFT;
}

/** LOC_* of a non-present PTE. */
export function pteLoc(pte: number): number {
  return (pte & PTE_LOC_MASK) >>> PTE_LOC_SHIFT;
}

/** Human-readable flags, e.g. "P W U A D -" (for the CLI and the visualizer). */
export function pteDescribe(pte: number): string {
  if (pte === 0) return "unused";
  if (!ptePresent(pte)) {
    const loc = pteLoc(pte);
    return loc === LOC_SWAP ? `not present, in swap slot ${pteSlot(pte)}` : "not present, from source";
  }
  const bit = (b: number, c: string) => ((pte & b) !== 0 ? c : "-");
  return `frame ${pteFrame(pte)} ${bit(PTE_W, "W")}${bit(PTE_U, "U")}${bit(PTE_X, "X")}${bit(PTE_A, "A")}${bit(PTE_D, "D")}`;
}
