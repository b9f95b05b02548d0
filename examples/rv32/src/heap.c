/* heap: malloc-heavy: a hash table of linked nodes, many frees, realloc growth, then checks. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct node {
  struct node *next;
  uint32_t key;
  uint32_t len;
  char data[];
};
#define BUCKETS 1024
static struct node *table[BUCKETS];
static uint32_t seed = 777;
static uint32_t rnd(void) {
  seed = seed * 1103515245u + 12345u;
  return seed >> 8;
}
int main(void) {
  uint32_t live = 0, allocated = 0, freed = 0;
  for (int round = 0; round < 10000; round++) {
    uint32_t key = rnd() % 2048;
    struct node **pp = &table[key % BUCKETS];
    while (*pp && (*pp)->key != key) pp = &(*pp)->next;
    if (*pp) {
      struct node *n = *pp;
      *pp = n->next;
      for (uint32_t i = 0; i < n->len; i++)
        if (n->data[i] != (char)(key + i)) {
          printf("corrupt node %u\n", key);
          return 1;
        }
      free(n);
      freed++;
      live--;
    } else {
      uint32_t len = 8 + rnd() % 200;
      struct node *n = malloc(sizeof *n + len);
      if (!n) {
        printf("out of memory at round %d\n", round);
        return 2;
      }
      n->key = key;
      n->len = len;
      for (uint32_t i = 0; i < len; i++) n->data[i] = (char)(key + i);
      n->next = table[key % BUCKETS];
      table[key % BUCKETS] = n;
      allocated++;
      live++;
    }
  }
  size_t cap = 16, used = 0;
  uint32_t *v = malloc(cap * sizeof *v);
  for (uint32_t i = 0; i < 30000; i++) {
    if (used == cap) {
      cap *= 2;
      v = realloc(v, cap * sizeof *v);
      if (!v) return 3;
    }
    v[used++] = i * i;
  }
  uint64_t sum = 0;
  for (size_t i = 0; i < used; i++) sum += v[i];
  uint32_t chain = 0, longest = 0;
  for (int b = 0; b < BUCKETS; b++) {
    uint32_t c = 0;
    for (struct node *n = table[b]; n; n = n->next) c++;
    chain += c;
    if (c > longest) longest = c;
  }
  printf("allocated=%u freed=%u live=%u counted=%u longest=%u\n", allocated, freed, live, chain, longest);
  printf("vector used=%u cap=%u sum=%llu\n", (unsigned)used, (unsigned)cap, (unsigned long long)sum);
  char *s = calloc(1000, 1);
  int zeros = 0;
  for (int i = 0; i < 1000; i++) zeros += s[i] == 0;
  printf("calloc zeros=%d\n", zeros);
  return 0;
}
