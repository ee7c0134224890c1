/* The counting allocator of lib/js/heap.c and its cache of small blocks: contents survive
 * every kind of realloc (within a size class, across classes, to and from large blocks),
 * mem_used counts exactly the live bytes whatever the cache holds, the cache stays bounded,
 * and the memory limit still holds for blocks that come from the cache. Under ASan
 * (scripts/test) a block reused while live, or one the heap's destruction does not release,
 * fails the run. */
#include <stdint.h>
#include <string.h>

#include "js/js.h"
#include "test.h"
#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#endif

static void fill(unsigned char *p, size_t n, unsigned seed) {
  for (size_t i = 0; i < n; i++)
    p[i] = (unsigned char)(seed + i * 7);
}

static int check(const unsigned char *p, size_t n, unsigned seed) {
  for (size_t i = 0; i < n; i++)
    if (p[i] != (unsigned char)(seed + i * 7))
      return 0;
  return 1;
}

TEST(heap_alloc_cache_keeps_contents_and_counts) {
  edgefn__heap_ctl ctl;
  memset(&ctl, 0, sizeof(ctl));
  ctl.mem_limit = 64u << 20;
  duk_context *ctx = edgefn__heap_new(&ctl);
  ASSERT(ctx != NULL);
  size_t base = ctl.mem_used;

  /* Many blocks of every small size and a few large ones, freed in an interleaved order so
   * that the cache fills and overflows, then allocated again. */
  enum { N = 600 };
  static unsigned char *blocks[N];
  static size_t sizes[N];
  size_t live = 0;
  for (int round = 0; round < 3; round++) {
    for (int i = 0; i < N; i++) {
      sizes[i] = (size_t)(i % 7 == 6 ? 300 + i : 1 + (i * 13 + round) % 140);
      blocks[i] = duk_alloc_raw(ctx, sizes[i]);
      ASSERT(blocks[i] != NULL);
      fill(blocks[i], sizes[i], (unsigned)(i + round));
      live += sizes[i];
    }
    ASSERT_EQ(ctl.mem_used - base, live);
    for (int i = 0; i < N; i++) /* nothing written later reached an earlier block */
      ASSERT(check(blocks[i], sizes[i], (unsigned)(i + round)));
    /* Reallocs: grow within the class, across classes, to a large size, back down. */
    for (int i = 0; i < N; i += 3) {
      size_t to = (size_t)(i % 4 == 0 ? sizes[i] + 1 : i % 4 == 1 ? sizes[i] + 40
                           : i % 4 == 2 ? 500 : (sizes[i] > 2 ? sizes[i] / 2 : 1));
      unsigned char *q = duk_realloc_raw(ctx, blocks[i], to);
      ASSERT(q != NULL);
      size_t keep = to < sizes[i] ? to : sizes[i];
      ASSERT(check(q, keep, (unsigned)(i + round)));
      live = live - sizes[i] + to;
      blocks[i] = q;
      sizes[i] = to;
      fill(q, to, (unsigned)(i + round));
    }
    ASSERT_EQ(ctl.mem_used - base, live);
    for (int i = 0; i < N; i++)
      ASSERT(check(blocks[i], sizes[i], (unsigned)(i + round)));
    for (int i = round % 2; i < N; i += 2) {
      duk_free_raw(ctx, blocks[i]);
      live -= sizes[i];
    }
    for (int i = 1 - round % 2; i < N; i += 2) {
      duk_free_raw(ctx, blocks[i]);
      live -= sizes[i];
    }
    ASSERT_EQ(live, 0);
    ASSERT_EQ(ctl.mem_used, base);
    /* Bounded: at most 32 cached blocks per class. */
    for (int c = 0; c < EDGEFN__HEAP_POOL_CLASSES; c++)
      ASSERT(ctl.pool_count[c] <= 32);
  }
  ASSERT(ctl.pool_count[0] > 0); /* the cache was used */
#if defined(__SANITIZE_ADDRESS__)
  /* A cached block stays poisoned: a use after free is reported as one. */
  unsigned char *b = duk_alloc_raw(ctx, 40);
  ASSERT(b != NULL && !__asan_address_is_poisoned(b + 39));
  duk_free_raw(ctx, b);
  ASSERT(__asan_address_is_poisoned(b) && __asan_address_is_poisoned(b + 39));
#endif

  /* A block from the cache is still subject to the limit (the first breach is recorded
   * and served from the unwind reserve, see may_grow). */
  ASSERT(ctl.pool_count[3] > 0);
  ctl.mem_limit = ctl.mem_used + 100;
  void *ok = duk_alloc_raw(ctx, 64);
  ASSERT(ok != NULL);
  ASSERT(!ctl.mem_exceeded);
  void *over = duk_alloc_raw(ctx, 64);
  ASSERT(ctl.mem_exceeded);
  duk_free_raw(ctx, over);
  duk_free_raw(ctx, ok);

  duk_destroy_heap(ctx); /* releases the cache too */
  ASSERT(ctl.heap_block == NULL);
  for (int c = 0; c < EDGEFN__HEAP_POOL_CLASSES; c++)
    ASSERT(ctl.pool[c] == NULL && ctl.pool_count[c] == 0);
  return 0;
}
