/* sort: 20000 pseudo-random ints sorted by qsort and by a merge sort of our own; checks and checksums. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define N 20000
static uint32_t a[N], b[N], tmp[N];
static uint32_t seed = 12345;
static uint32_t rnd(void) {
  seed ^= seed << 13;
  seed ^= seed >> 17;
  seed ^= seed << 5;
  return seed;
}
static int cmp(const void *x, const void *y) {
  uint32_t p = *(const uint32_t *)x, q = *(const uint32_t *)y;
  return p < q ? -1 : p > q;
}
static void msort(uint32_t *v, int lo, int hi) {
  if (hi - lo < 2) return;
  int mid = (lo + hi) / 2;
  msort(v, lo, mid);
  msort(v, mid, hi);
  int i = lo, j = mid, k = lo;
  while (i < mid && j < hi) tmp[k++] = v[i] <= v[j] ? v[i++] : v[j++];
  while (i < mid) tmp[k++] = v[i++];
  while (j < hi) tmp[k++] = v[j++];
  memcpy(v + lo, tmp + lo, (size_t)(hi - lo) * sizeof *v);
}
int main(void) {
  for (int i = 0; i < N; i++) a[i] = b[i] = rnd() % 1000000;
  qsort(a, N, sizeof a[0], cmp);
  msort(b, 0, N);
  int same = memcmp(a, b, sizeof a) == 0;
  int sorted = 1;
  uint32_t sum = 0;
  for (int i = 0; i < N; i++) {
    if (i && a[i - 1] > a[i]) sorted = 0;
    sum = sum * 31u + a[i];
  }
  printf("sorted=%d same=%d min=%u median=%u max=%u checksum=%08x\n", sorted, same, a[0], a[N / 2], a[N - 1], sum);
  for (int i = 0; i < N; i += N / 10) printf("a[%d]=%u\n", i, a[i]);
  return 0;
}
