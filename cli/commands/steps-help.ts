// The --steps option's help text, apart from step mode itself (cli/commands/steps.ts), so that
// `run` and `belady` load step mode's modules only when --steps is given.

/** The --steps option's help, for `command`. */
export function stepsHelp(command: "run" | "belady"): string {
  return command === "run"
    ? "print one line per reference (the reference, hit or miss and why, the victim and whether it was written back, the policy's lists in its own order, running hits/misses; in full mode the pager's fault cause and the TLB); with --json one object per reference (JSON Lines); at most 100000 references (see --limit)"
    : "also step the string with the anomaly's two frame counts, one line per reference (with --json: JSON Lines, each with its frames)";
}
