/* atomics: the A extension through GCC's builtins (AMOs, LR/SC compare-and-swap) and misaligned loads. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static volatile uint32_t counter;
static volatile int32_t smin = 5, smax = -5;
static volatile uint32_t umin = 5, umax = 5, bits = 0xf0f0f0f0u;
#define AMO(name, insn, T)                                                         \
  static T name(volatile T *p, T v) {                                              \
    T old;                                                                         \
    __asm__ volatile(insn " %0, %2, (%1)" : "=r"(old) : "r"(p), "r"(v) : "memory"); \
    return old;                                                                    \
  }
AMO(amomin, "amomin.w", int32_t)
AMO(amomax, "amomax.w", int32_t)
AMO(amominu, "amominu.w", uint32_t)
AMO(amomaxu, "amomaxu.w", uint32_t)
/* An explicit LR/SC loop: add to a word, returning the old value and how many tries it took. */
static uint32_t lrsc_add(volatile uint32_t *p, uint32_t v, uint32_t *tries) {
  uint32_t old, fail, n = 0;
  do {
    n++;
    __asm__ volatile("lr.w %0, (%2)\n\tadd %1, %0, %3\n\tsc.w %1, %1, (%2)"
                     : "=&r"(old), "=&r"(fail)
                     : "r"(p), "r"(v)
                     : "memory");
  } while (fail != 0);
  *tries = n;
  return old;
}
static unsigned char buf[16] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
int main(void) {
  uint32_t olds = 0;
  for (uint32_t i = 0; i < 1000; i++) olds += __atomic_fetch_add(&counter, i, __ATOMIC_SEQ_CST);
  __atomic_fetch_and(&bits, 0xff00ff00u, __ATOMIC_SEQ_CST);
  __atomic_fetch_or(&bits, 0x0000000fu, __ATOMIC_SEQ_CST);
  __atomic_fetch_xor(&bits, 0x11111111u, __ATOMIC_SEQ_CST);
  uint32_t swapped = __atomic_exchange_n(&counter, 7u, __ATOMIC_SEQ_CST);
  uint32_t expect = 7;
  int ok1 = __atomic_compare_exchange_n(&counter, &expect, 9u, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
  expect = 100;
  int ok2 = __atomic_compare_exchange_n(&counter, &expect, 11u, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
  uint32_t tries = 0;
  volatile uint32_t h = 0x1234;
  uint32_t hold = lrsc_add(&h, 0x10001u, &tries);
  for (int i = -3; i <= 3; i++) {
    int32_t v = i * 1000;
    amomin(&smin, v);
    amomax(&smax, v);
    amominu(&umin, (uint32_t)v);
    amomaxu(&umax, (uint32_t)v);
  }
  uint32_t w;
  memcpy(&w, (void *)(buf + 3), 4);
  volatile uint32_t *mis = (volatile uint32_t *)(void *)(buf + 5);
  uint32_t m = *mis;
  *mis = 0xa1b2c3d4u;
  printf("olds=%u counter=%u swapped=%u ok1=%d ok2=%d expect=%u h=%x/%x tries=%u\n", olds, counter, swapped, ok1,
         ok2, expect, hold, h, tries);
  printf("bits=%08x smin=%d smax=%d umin=%u umax=%u\n", bits, smin, smax, umin, umax);
  printf("w=%08x m=%08x buf=", w, m);
  for (int i = 0; i < 16; i++) printf("%02x", buf[i]);
  printf("\n");
  return 0;
}
