/* readfile: opens a file under the directory it runs in (openat), its size (statx), reads it in
   chunks, seeks (llseek) and reads again, and shows the errors for a missing file and a closed fd. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static long sys6(long n, long a, long b, long c, long d, long e) {
  register long a7 __asm__("a7") = n;
  register long a0 __asm__("a0") = a;
  register long a1 __asm__("a1") = b;
  register long a2 __asm__("a2") = c;
  register long a3 __asm__("a3") = d;
  register long a4 __asm__("a4") = e;
  __asm__ volatile("ecall" : "+r"(a0) : "r"(a7), "r"(a1), "r"(a2), "r"(a3), "r"(a4) : "memory");
  return a0;
}
#define AT_FDCWD -100
#define AT_EMPTY_PATH 0x1000
static int open_ro(const char *path) { return (int)sys6(56, AT_FDCWD, (long)path, 0, 0, 0); }
static long close_fd(int fd) { return sys6(57, fd, 0, 0, 0, 0); }
static long long seek(int fd, long long off, int whence) {
  long long result = -1;
  long r = sys6(62, fd, (long)(off >> 32), (long)(off & 0xffffffff), (long)&result, whence);
  return r < 0 ? r : result;
}
static long long size_of(int fd) {
  unsigned char stx[256];
  memset(stx, 0, sizeof stx);
  long r = sys6(291, fd, (long)"", AT_EMPTY_PATH, 0x7ff, (long)stx);
  if (r < 0) return r;
  uint64_t size;
  memcpy(&size, stx + 40, 8);
  uint16_t mode;
  memcpy(&mode, stx + 28, 2);
  printf("statx: mode type %o\n", (unsigned)(mode & 0170000));
  return (long long)size;
}
int main(void) {
  int fd = open_ro("data/input.txt");
  printf("open: fd %s\n", fd >= 3 ? ">= 3" : "bad");
  if (fd < 0) return 1;
  printf("size: %lld\n", size_of(fd));
  char buf[100];
  unsigned lines = 0, words = 0, bytes = 0, sum = 0;
  int inword = 0;
  for (;;) {
    long n = read(fd, buf, sizeof buf);
    if (n <= 0) break;
    for (long i = 0; i < n; i++) {
      unsigned char c = (unsigned char)buf[i];
      bytes++;
      sum = sum * 31u + c;
      if (c == '\n') lines++;
      int space = c == ' ' || c == '\n';
      if (!space && !inword) words++;
      inword = !space;
    }
  }
  printf("lines=%u words=%u bytes=%u sum=%08x\n", lines, words, bytes, sum);
  printf("seek 4: %lld\n", seek(fd, 4, 0));
  long n = read(fd, buf, 16);
  printf("read %ld: %.16s\n", n, buf);
  printf("seek end-6: %lld\n", seek(fd, -6, 2));
  n = read(fd, buf, sizeof buf);
  printf("tail %ld: %.5s\n", n, buf);
  printf("seek -1: %lld\n", seek(fd, -1, 0));
  printf("close: %ld\n", close_fd(fd));
  printf("read closed: %ld\n", (long)sys6(63, fd, (long)buf, 1, 0, 0));
  printf("open missing: %d\n", open_ro("data/missing.txt"));
  return 0;
}
