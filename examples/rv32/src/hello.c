/* hello: arguments, environment count, printf formats, stderr. */
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv, char **envp) {
  printf("hello from rv32 under demand paging\n");
  printf("argc=%d\n", argc);
  for (int i = 0; i < argc; i++) printf("argv[%d]=%s (%u bytes)\n", i == 0 ? 0 : i, i == 0 ? "(program)" : argv[i], i == 0 ? 0u : (unsigned)strlen(argv[i]));
  int envc = 0;
  for (char **e = envp; *e; e++) envc++;
  printf("formats: %d %u %x %08X %ld %lld %c %s %5s|%-5s|\n", -42, 42u, 0xbeefu, 0x1234abcdu, -123456789L,
         -1234567890123LL, 'Z', "str", "ab", "cd");
  printf("%%llu max: %llu\n", 18446744073709551615ULL);
  fprintf(stderr, "this line goes to stderr\n");
  return 0;
}
