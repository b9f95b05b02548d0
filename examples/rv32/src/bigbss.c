/* bigbss: a 4 MiB zero-initialized global touched sparsely, then a stride pass, then checked. */
#include <stdint.h>
#include <stdio.h>

#define WORDS (1u << 20)
static uint32_t big[WORDS];
static uint32_t small_init[4] = {1, 2, 3, 4};
int main(void) {
  uint32_t nonzero = 0;
  for (uint32_t i = 0; i < WORDS; i += 1024) nonzero += big[i] != 0;
  for (uint32_t i = 0; i < WORDS; i += 256) big[i] = i ^ 0x5a5a5a5au;
  uint32_t x = 0;
  for (uint32_t i = 0; i < WORDS; i += 256) x = (x << 1 | x >> 31) ^ big[i];
  printf("nonzero before=%u xor=%08x init=%u%u%u%u last=%08x\n", nonzero, x, small_init[0], small_init[1],
         small_init[2], small_init[3], big[WORDS - 256]);
  return 0;
}
