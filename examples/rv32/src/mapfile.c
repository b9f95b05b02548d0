/* mapfile: maps files with mmap2 (a file opened with openat, demand-paged from the file):
   a five-page ELF read-only, privately and shared (the same file pages), hashed through the
   mapping and compared with read(); a private writable copy that is changed without changing
   the file; munmap; and the errors for a bad fd, a shared writable map of a read-only file and
   a stream that cannot be mapped. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static long sys6(long n, long a, long b, long c, long d, long e, long f) {
  register long a7 __asm__("a7") = n;
  register long a0 __asm__("a0") = a;
  register long a1 __asm__("a1") = b;
  register long a2 __asm__("a2") = c;
  register long a3 __asm__("a3") = d;
  register long a4 __asm__("a4") = e;
  register long a5 __asm__("a5") = f;
  __asm__ volatile("ecall" : "+r"(a0) : "r"(a7), "r"(a1), "r"(a2), "r"(a3), "r"(a4), "r"(a5) : "memory");
  return a0;
}
#define AT_FDCWD -100
#define PROT_READ 1
#define PROT_WRITE 2
#define MAP_SHARED 1
#define MAP_PRIVATE 2
static int open_ro(const char *path) { return (int)sys6(56, AT_FDCWD, (long)path, 0, 0, 0, 0); }
static long long seek(int fd, long long off, int whence) {
  long long result = -1;
  long r = sys6(62, fd, (long)(off >> 32), (long)(off & 0xffffffff), (long)&result, whence, 0);
  return r < 0 ? r : result;
}
static long map(long len, int prot, int flags, int fd, long pgoff) {
  return sys6(222, 0, len, prot, flags, fd, pgoff);
}
static long unmap(long addr, long len) { return sys6(215, addr, len, 0, 0, 0, 0); }
static uint32_t fnv(const unsigned char *p, long n) {
  uint32_t h = 0x811c9dc5u;
  for (long i = 0; i < n; i++) h = (h ^ p[i]) * 0x01000193u;
  return h;
}
static int is_err(long r) { return r < 0 && r > -4096; }

int main(void) {
  int fd = open_ro("bin/hello.elf");
  printf("open: fd %s\n", fd >= 3 ? ">= 3" : "bad");
  if (fd < 0) return 1;
  long size = (long)seek(fd, 0, 2);
  printf("size: %ld\n", size);
  seek(fd, 0, 0);

  long ro = map(size, PROT_READ, MAP_PRIVATE, fd, 0);
  if (is_err(ro)) {
    printf("mmap read-only: error %ld\n", -ro);
    return 1;
  }
  const unsigned char *p = (const unsigned char *)ro;
  printf("read-only map: magic %02x %c%c%c, class %d, machine %d\n", p[0], p[1], p[2], p[3], p[4],
         p[18] | (p[19] << 8));
  uint32_t mapped = fnv(p, size);
  /* The same bytes through read(). */
  static unsigned char buf[32768];
  long got = 0;
  for (;;) {
    long n = read(fd, buf + got, sizeof buf - got);
    if (n <= 0) break;
    got += n;
  }
  printf("hash through the map %08lx, through read %08lx (%ld bytes): %s\n", (unsigned long)mapped,
         (unsigned long)fnv(buf, got), got, mapped == fnv(buf, got) ? "same" : "DIFFERENT");

  long sh = map(size, PROT_READ, MAP_SHARED, fd, 0);
  printf("shared read-only map: %s\n",
         is_err(sh) ? "error" : memcmp((const void *)sh, p, size) == 0 ? "same bytes" : "DIFFERENT");

  /* The second and later pages only, by page offset. */
  long tail = map(size - 4096, PROT_READ, MAP_PRIVATE, fd, 1);
  printf("map from page 1: %s\n",
         is_err(tail) ? "error" : memcmp((const void *)tail, p + 4096, size - 4096) == 0 ? "same bytes" : "DIFFERENT");

  long rw = map(size, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
  if (is_err(rw)) {
    printf("mmap private writable: error %ld\n", -rw);
    return 1;
  }
  unsigned char *w = (unsigned char *)rw;
  for (long i = 0; i < size; i += 4096) w[i] ^= 0xff;
  seek(fd, 0, 0);
  unsigned char first = 0;
  read(fd, &first, 1);
  printf("private copy changed: %02x, file still %02x, read-only map still %02x\n", w[0], first, p[0]);
  printf("hash of the changed copy %08lx\n", (unsigned long)fnv(w, size));

  printf("munmap: %ld %ld %ld %ld\n", unmap(ro, size), unmap(sh, size), unmap(tail, size - 4096),
         unmap(rw, size));
  printf("bad fd: %ld\n", map(4096, PROT_READ, MAP_PRIVATE, 99, 0));
  printf("shared writable of a read-only file: %ld\n", map(4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0));
  printf("stdin: %ld\n", map(4096, PROT_READ, MAP_PRIVATE, 0, 0));
  printf("no flags: %ld\n", map(4096, PROT_READ, 0, fd, 0));
  return 0;
}
