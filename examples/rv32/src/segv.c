/* segv: prints, then stores through a wild pointer: killed by SIGSEGV (status 139 in a shell). */
#include <stdio.h>

int main(void) {
  printf("about to fault\n");
  fflush(stdout);
  volatile int *p = (int *)0x00000010;
  *p = 1;
  printf("not reached\n");
  return 0;
}
