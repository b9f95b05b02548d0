/* pastbrk: grows the heap with sbrk, uses it, then writes a page past the break: SIGSEGV. */
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

int main(void) {
  char *start = sbrk(0);
  char *p = sbrk(3 * 4096 + 100);
  unsigned sum = 0;
  for (int i = 0; i < 3 * 4096 + 100; i++) p[i] = (char)i;
  for (int i = 0; i < 3 * 4096 + 100; i++) sum += (unsigned char)p[i];
  char *end = sbrk(0);
  printf("grew by %ld, sum %u\n", (long)(end - start), sum);
  fflush(stdout);
  volatile char *past = end + 2 * 4096;
  *past = 1;
  printf("not reached\n");
  return 0;
}
