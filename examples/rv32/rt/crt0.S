# Entry point for pagewise's RV32 test programs (written for this project). The Linux initial
# stack: sp -> argc, argv[], NULL, envp[], NULL, auxv. Sets gp and tp, then __rt_start(sp).
  .section .text.start, "ax"
  .globl _start
_start:
  .option push
  .option norelax
  la gp, __global_pointer$
  .option pop
  la tp, __tls_base
  mv a0, sp
  andi sp, sp, -16
  call __rt_start
1:
  j 1b
