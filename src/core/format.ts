// Integers with thousands separators, without Intl: `toLocaleString` loads ICU's number formats on
// first use, 12-18 ms of CPU at start-up, more than a whole replay of a million references, and
// every command prints counts.

/** `n` rounded to an integer, with a comma every three digits ("1,234,567"); "-" signs kept. */
export function groupDigits(n: number): string {
  const r = Math.round(n);
  const digits = Math.abs(r).toString();
  // Beyond 1e21 toString() switches to exponent notation: nothing to group.
  if (!/^\d+$/.test(digits)) return r.toString();
  const head = digits.length % 3 || 3;
  let out = digits.slice(0, head);
  for (let i = head; i < digits.length; i += 3) out += `,${digits.slice(i, i + 3)}`;
  return r < 0 ? `-${out}` : out;
}
