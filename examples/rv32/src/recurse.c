/* recurse: deep recursion (the stack grows down page by page) and a recursive Ackermann. */
#include <stdint.h>
#include <stdio.h>

static uint32_t deep(uint32_t n, volatile uint32_t *trail) {
  volatile uint32_t pad[8];
  for (int i = 0; i < 8; i++) pad[i] = n + (uint32_t)i;
  if (n == 0) return *trail;
  *trail = *trail * 33u + pad[n % 8];
  return deep(n - 1, trail) + pad[(n + 3) % 8];
}
static int ack(int m, int n) {
  if (m == 0) return n + 1;
  if (n == 0) return ack(m - 1, 1);
  return ack(m - 1, ack(m, n - 1));
}
int main(void) {
  volatile uint32_t trail = 5;
  printf("deep(50000)=%u\n", deep(50000, &trail));
  printf("ack(2,300)=%d ack(3,5)=%d\n", ack(2, 300), ack(3, 5));
  return 0;
}
