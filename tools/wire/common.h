/* Shared helpers of the C load tools (tools/wire): time, request files, histograms. */
#ifndef WIRE_COMMON_H
#define WIRE_COMMON_H
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static inline double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static inline uint64_t now_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

/* A request file: records of [uint32 little-endian length][bytes]. */
typedef struct {
  size_t n;
  unsigned char **data;
  size_t *len;
} records_t;

static inline int read_records(const char *path, records_t *r) {
  FILE *f = fopen(path, "rb");
  if (!f) { perror(path); return -1; }
  size_t cap = 16;
  r->n = 0;
  r->data = malloc(cap * sizeof *r->data);
  r->len = malloc(cap * sizeof *r->len);
  unsigned char h[4];
  while (fread(h, 1, 4, f) == 4) {
    size_t l = (size_t)h[0] | ((size_t)h[1] << 8) | ((size_t)h[2] << 16) | ((size_t)h[3] << 24);
    unsigned char *b = malloc(l ? l : 1);
    if (l && fread(b, 1, l, f) != l) { fprintf(stderr, "%s: truncated record\n", path); fclose(f); return -1; }
    if (r->n == cap) {
      cap *= 2;
      r->data = realloc(r->data, cap * sizeof *r->data);
      r->len = realloc(r->len, cap * sizeof *r->len);
    }
    r->data[r->n] = b;
    r->len[r->n] = l;
    r->n++;
  }
  fclose(f);
  return 0;
}

/* Latency histogram: exact microseconds below HIST_N, one overflow bucket above (max kept). */
#define HIST_N 200000
typedef struct {
  uint32_t *b;
  uint64_t count, over, max_us, sum_us;
} hist_t;

static inline void hist_init(hist_t *h) { h->b = calloc(HIST_N, sizeof(uint32_t)); h->count = h->over = h->max_us = h->sum_us = 0; }
static inline void hist_add(hist_t *h, uint64_t us) {
  if (us < HIST_N) h->b[us]++; else h->over++;
  if (us > h->max_us) h->max_us = us;
  h->sum_us += us;
  h->count++;
}
static inline void hist_merge(hist_t *into, const hist_t *from) {
  for (size_t i = 0; i < HIST_N; i++) into->b[i] += from->b[i];
  into->over += from->over;
  into->count += from->count;
  into->sum_us += from->sum_us;
  if (from->max_us > into->max_us) into->max_us = from->max_us;
}
static inline double hist_pct(const hist_t *h, double p) {
  if (h->count == 0) return 0;
  uint64_t want = (uint64_t)(p * (double)h->count);
  if (want >= h->count) want = h->count - 1;
  uint64_t acc = 0;
  for (size_t i = 0; i < HIST_N; i++) {
    acc += h->b[i];
    if (acc > want) return (double)i;
  }
  return (double)h->max_us;
}
#endif
