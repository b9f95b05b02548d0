/* A plain C array LRU loop, the yardstick of bench/loop-vs-c.bench.ts: reads a file of
 * little-endian int32 dense page ids (0 .. pages-1), then replays them through FRAMES frames by
 * last-reference stamps (a hit stores the reference's index in its frame's stamp; a miss takes a
 * free frame or scans the frames for the smallest stamp), the same algorithm as pagewise's stamp
 * LRU (src/sim/replay.ts). Prints faults and the loop's CPU seconds (the read is not timed).
 * Build: cc -O2 -o lru-loop lru-loop.c.  Run: lru-loop IDS.bin FRAMES */
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <time.h>

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: %s IDS.bin FRAMES\n", argv[0]);
    return 2;
  }
  FILE *fp = fopen(argv[1], "rb");
  if (!fp) { perror(argv[1]); return 1; }
  fseek(fp, 0, SEEK_END);
  long bytes = ftell(fp);
  fseek(fp, 0, SEEK_SET);
  long n = bytes / 4;
  int32_t *ids = malloc((size_t)n * 4);
  if (!ids || fread(ids, 4, (size_t)n, fp) != (size_t)n) { fprintf(stderr, "read failed\n"); return 1; }
  fclose(fp);
  int32_t pages = 0;
  for (long i = 0; i < n; i++) if (ids[i] >= pages) pages = ids[i] + 1;
  int frames = atoi(argv[2]);
  int32_t *frame_of = malloc((size_t)pages * 4);
  int32_t *page_of = malloc((size_t)frames * 4);
  int64_t *stamp = malloc((size_t)frames * 8);
  for (int32_t p = 0; p < pages; p++) frame_of[p] = -1;
  struct timespec t0, t1;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t0);
  long faults = 0;
  int used = 0;
  for (long i = 0; i < n; i++) {
    int32_t p = ids[i];
    int32_t f = frame_of[p];
    if (f >= 0) {
      stamp[f] = i;
      continue;
    }
    faults++;
    if (used < frames) {
      f = used++;
    } else {
      f = 0;
      for (int g = 1; g < frames; g++) if (stamp[g] < stamp[f]) f = g;
      frame_of[page_of[f]] = -1;
    }
    stamp[f] = i;
    page_of[f] = p;
    frame_of[p] = f;
  }
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t1);
  double s = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
  printf("%ld %ld %.6f\n", n, faults, s);
  return 0;
}
