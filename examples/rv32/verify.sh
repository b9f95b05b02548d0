#!/bin/sh
# verify.sh [--outputs-only]: re-verifies the RV32 test programs with whatever tools this machine has.
#   - With the cross toolchain (riscv64-unknown-elf-gcc, picolibc): rebuilds every program into a
#     temporary directory and checks each ELF is byte-identical to the committed bin/NAME.elf.
#   - With qemu-riscv32: runs every committed ELF as record.sh does and checks its stdout, stderr
#     and exit status against the committed expected/NAME.* (the outputs the tests compare with).
# --outputs-only skips the rebuild (CI installs qemu-user only: the toolchain is about 1 GB).
# Says what it checked and what it skipped; exits 1 on any difference.
set -u
cd "$(dirname "$0")"
programs=$(sed -n 's/^PROGRAMS := //p' Makefile)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
status=0
if [ "${1:-}" != "--outputs-only" ] && command -v riscv64-unknown-elf-gcc >/dev/null 2>&1; then
  if make --no-print-directory OUT="$tmp/bin" all >"$tmp/build.log" 2>&1; then
    for p in $programs; do
      cmp -s "$tmp/bin/$p.elf" "bin/$p.elf" || { echo "verify: $p.elf rebuilt differs from bin/$p.elf"; status=1; }
    done
    [ $status -eq 0 ] && echo "verify: rebuilt $(echo $programs | wc -w) ELFs, byte-identical to bin/"
  else
    cat "$tmp/build.log"
    echo "verify: the rebuild failed"
    status=1
  fi
else
  echo "verify: rebuild skipped (no riscv64-unknown-elf-gcc, or --outputs-only)"
fi
if command -v qemu-riscv32 >/dev/null 2>&1; then
  # shellcheck disable=SC2086
  ./record.sh "$tmp" $programs
  n=0
  for p in $programs; do
    for k in stdout stderr status; do
      if ! cmp -s "$tmp/$p.$k" "expected/$p.$k"; then
        echo "verify: qemu-riscv32's $p.$k differs from expected/$p.$k"
        status=1
      fi
      n=$((n + 1))
    done
  done
  [ $status -eq 0 ] && echo "verify: qemu-riscv32 $(qemu-riscv32 --version | sed -n '1s/.*version \([^ ]*\).*/\1/p') reproduced all $n expected outputs"
else
  echo "verify: outputs not re-derived (no qemu-riscv32: apt-get install qemu-user)"
fi
exit $status
