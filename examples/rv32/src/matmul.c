/* matmul: 96x96 integer matrix product (mul, div, rem) and a checksum per row block. */
#include <stdint.h>
#include <stdio.h>

#define N 96
static int32_t A[N][N], B[N][N], C[N][N];
int main(void) {
  for (int i = 0; i < N; i++)
    for (int j = 0; j < N; j++) {
      A[i][j] = (i * 7 + j * 3) % 19 - 9;
      B[i][j] = (i * 5 - j * 11) % 23;
    }
  for (int i = 0; i < N; i++)
    for (int j = 0; j < N; j++) {
      int32_t s = 0;
      for (int k = 0; k < N; k++) s += A[i][k] * B[k][j];
      C[i][j] = s;
    }
  int64_t total = 0;
  for (int i = 0; i < N; i += 8) {
    int32_t row = 0;
    for (int j = 0; j < N; j++) row ^= C[i][j] * (j + 1);
    printf("row %2d: xor=%d c[i][i]=%d q=%d r=%d\n", i, row, C[i][i], C[i][i] / 7, C[i][i] % 7);
  }
  for (int i = 0; i < N; i++)
    for (int j = 0; j < N; j++) total += (int64_t)C[i][j] * (i - j);
  uint64_t u = (uint64_t)total * 0x9E3779B97F4A7C15ull;
  printf("total=%lld mixed=%llu hi/lo=%llu %llu\n", (long long)total, (unsigned long long)u,
         (unsigned long long)(u / 1000003u), (unsigned long long)(u % 1000003u));
  return 0;
}
