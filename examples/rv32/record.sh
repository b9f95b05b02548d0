#!/bin/sh
# record.sh DIR PROGRAM...: runs each bin/PROGRAM.elf under qemu-riscv32 with its arguments (args/PROGRAM,
# one per line, if present) and stdin from /dev/null; writes DIR/PROGRAM.stdout, .stderr and .status
# (the exit status as a shell shows it: 128 + signal for a program killed by one).
set -u
dir=$1
shift
for p in "$@"; do
  set --
  if [ -f "args/$p" ]; then
    while IFS= read -r a; do set -- "$@" "$a"; done <"args/$p"
  fi
  # The inner sh execs qemu, so a shell's "Segmentation fault" notice goes to our stderr, not the file.
  OUT="$dir/$p.stdout" ERR="$dir/$p.stderr" sh -c 'exec "$@" <"/dev/null" >"$OUT" 2>"$ERR"' \
    sh qemu-riscv32 "bin/$p.elf" "$@" 2>/dev/null
  echo $? >"$dir/$p.status"
done
