/* A tiny Linux-ABI runtime for picolibc on RV32 (written for this project): system-call stubs
   (ecall with Linux numbers), sbrk on brk, buffered stdout/stderr FILEs for picolibc's tinystdio,
   and the C start that calls main(argc, argv, envp) and exits with its status. */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <time.h>

#define SYS_read 63
#define SYS_write 64
#define SYS_exit_group 94
#define SYS_brk 214
#define SYS_clock_gettime64 403

static long sys3(long n, long a, long b, long c) {
  register long a7 __asm__("a7") = n;
  register long a0 __asm__("a0") = a;
  register long a1 __asm__("a1") = b;
  register long a2 __asm__("a2") = c;
  __asm__ volatile("ecall" : "+r"(a0) : "r"(a7), "r"(a1), "r"(a2) : "memory");
  return a0;
}

static long ret(long r) {
  if (r < 0 && r > -4096) {
    errno = (int)-r;
    return -1;
  }
  return r;
}

ssize_t write(int fd, const void *buf, size_t n) { return ret(sys3(SYS_write, fd, (long)buf, (long)n)); }
ssize_t read(int fd, void *buf, size_t n) { return ret(sys3(SYS_read, fd, (long)buf, (long)n)); }

void _exit(int status) {
  for (;;) sys3(SYS_exit_group, status, 0, 0);
}

static char *cur_brk;
void *sbrk(ptrdiff_t incr) {
  if (cur_brk == 0) cur_brk = (char *)sys3(SYS_brk, 0, 0, 0);
  char *old = cur_brk;
  char *want = old + incr;
  char *got = (char *)sys3(SYS_brk, (long)want, 0, 0);
  if (got != want) {
    errno = ENOMEM;
    return (void *)-1;
  }
  cur_brk = got;
  return old;
}

struct kts {
  long long sec;
  long nsec;
  long pad;
};
int clock_gettime(clockid_t id, struct timespec *ts) {
  struct kts k;
  long r = ret(sys3(SYS_clock_gettime64, id, (long)&k, 0));
  if (r < 0) return -1;
  ts->tv_sec = (time_t)k.sec;
  ts->tv_nsec = k.nsec;
  return 0;
}

/* Buffered output: a FILE per fd with a 512-byte buffer, flushed when full, at exit, and
   (stdout) before anything goes to stderr, so the order on a shared terminal is kept. */
struct out {
  FILE file;
  int fd;
  int n;
  char buf[512];
};
static int out_flush(FILE *f);
static int out_put(char c, FILE *f);
static int in_get(FILE *f);
static struct out out_stdout = {FDEV_SETUP_STREAM(out_put, NULL, out_flush, _FDEV_SETUP_WRITE), 1, 0, {0}};
static struct out out_stderr = {FDEV_SETUP_STREAM(out_put, NULL, out_flush, _FDEV_SETUP_WRITE), 2, 0, {0}};
static FILE in_stdin = FDEV_SETUP_STREAM(NULL, in_get, NULL, _FDEV_SETUP_READ);
FILE *const stdout = &out_stdout.file;
FILE *const stderr = &out_stderr.file;
FILE *const stdin = &in_stdin;

static int out_flush(FILE *f) {
  struct out *o = (struct out *)f;
  int done = 0;
  while (done < o->n) {
    long w = write(o->fd, o->buf + done, (size_t)(o->n - done));
    if (w <= 0) return EOF;
    done += (int)w;
  }
  o->n = 0;
  return 0;
}

static int out_put(char c, FILE *f) {
  struct out *o = (struct out *)f;
  if (o->fd == 2 && out_stdout.n > 0) out_flush(&out_stdout.file);
  o->buf[o->n++] = c;
  if (o->n == (int)sizeof o->buf || (o->fd == 2 && c == '\n')) return out_flush(f) == 0 ? (unsigned char)c : EOF;
  return (unsigned char)c;
}

static int in_get(FILE *f) {
  (void)f;
  unsigned char c;
  long r = read(0, &c, 1);
  if (r == 1) return c;
  return r == 0 ? _FDEV_EOF : _FDEV_ERR;
}

static void flush_all(void) {
  out_flush(&out_stdout.file);
  out_flush(&out_stderr.file);
}

extern int main(int argc, char **argv, char **envp);

void __rt_start(long *sp) {
  int argc = (int)sp[0];
  char **argv = (char **)(sp + 1);
  char **envp = argv + argc + 1;
  atexit(flush_all);
  exit(main(argc, argv, envp));
}
