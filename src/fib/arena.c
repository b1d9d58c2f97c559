/*
 * arena.c: the allocator behind a table's trie blocks (trie.c).
 *
 * Blocks come from chunks the table owns, in 16-byte size classes with a
 * LIFO free list each, so that the lookup structure sits together instead of
 * being scattered through the heap between RIB arrays, and chunks from 2 MiB
 * up are huge-page-advised: a lookup then walks memory the TLB covers. Chunks
 * grow from 4 KiB, so small tables stay small; they go back to the system
 * when the table is freed.
 *
 * Replaced blocks are freed by an RCU callback on another thread. It does
 * not touch the free lists: it pushes its batch on a lock-free stack, and the
 * writer recycles a few blocks per change (never a whole batch at once, which
 * would show as an update latency spike).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "fib/arena.h"

#if defined(__SANITIZE_ADDRESS__)
#define ARENA_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ARENA_ASAN 1
#endif
#endif
#ifdef ARENA_ASAN
#include <sanitizer/asan_interface.h>
#define POISON(p, n)   ASAN_POISON_MEMORY_REGION(p, n)
#define UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION(p, n)
#else
#define POISON(p, n)   ((void)(p), (void)(n))
#define UNPOISON(p, n) ((void)(p), (void)(n))
#endif

#define HUGE_SIZE   ((size_t)2 << 20)
#define FIRST_CHUNK ((size_t)4 << 10)

struct arena_chunk {
    struct arena_chunk *next;
    size_t size; /* including this header */
    int mapped;  /* from arena_map(), else malloc() */
    char pad[64 - 2 * sizeof(void *) - sizeof(int) - 4];
};

static size_t round16(size_t n)
{
    return (n + 15) & ~(size_t)15;
}

void *arena_map(size_t size)
{
    /* Map 2 MiB more than needed and trim, to get a huge-page boundary. */
    size_t len = size + HUGE_SIZE;
    char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        return NULL;
    uintptr_t start = ((uintptr_t)p + HUGE_SIZE - 1) & ~(uintptr_t)(HUGE_SIZE - 1);
    size_t head = start - (uintptr_t)p, tail = len - head - size;
    if (head)
        munmap(p, head);
    if (tail)
        munmap((char *)start + size, tail);
#ifdef MADV_HUGEPAGE
    madvise((void *)start, size, MADV_HUGEPAGE);
#endif
    return (void *)start;
}

void arena_unmap(void *p, size_t size)
{
    munmap(p, size);
}

void arena_init(struct fib_arena *a)
{
    memset(a, 0, sizeof(*a));
    a->next_chunk = FIRST_CHUNK;
}

void arena_fini(struct fib_arena *a)
{
    struct arena_batch *lists[2] = {__atomic_exchange_n(&a->remote, NULL, __ATOMIC_ACQUIRE),
                                    a->draining};

    for (int i = 0; i < 2; i++) {
        for (struct arena_batch *b = lists[i], *next; b; b = next) {
            next = b->next;
            free(b);
        }
    }
    for (struct arena_chunk *c = a->chunks, *next; c; c = next) {
        next = c->next;
        UNPOISON(c, c->size);
        if (c->mapped)
            arena_unmap(c, c->size);
        else
            free(c);
    }
    memset(a, 0, sizeof(*a));
}

static int chunk_add(struct fib_arena *a, size_t need)
{
    size_t size = a->next_chunk;
    while (size < need + sizeof(struct arena_chunk))
        size *= 2;
    int mapped = size >= HUGE_SIZE;
    struct arena_chunk *c = mapped ? arena_map(size) : malloc(size);
    if (!c)
        return -1;
    c->next = a->chunks;
    c->size = size;
    c->mapped = mapped;
    a->chunks = c;
    a->bytes += size;
    if (a->next_chunk < HUGE_SIZE)
        a->next_chunk *= 2;
    /* The old tail is too small for this block; keep it for smaller ones. */
    while (a->bump_end - a->bump >= 16) {
        size_t left = (size_t)(a->bump_end - a->bump);
        size_t cls = (left > ARENA_MAX ? ARENA_MAX : left) / 16;
        void *p = a->bump;
        a->bump += cls * 16;
        UNPOISON(p, sizeof(void *));
        *(void **)p = a->free[cls - 1];
        a->free[cls - 1] = p;
    }
    a->bump = (char *)(c + 1);
    a->bump_end = (char *)c + size;
    POISON(a->bump, (size_t)(a->bump_end - a->bump));
    return 0;
}

void *arena_alloc(struct fib_arena *a, size_t size)
{
    size_t n = round16(size ? size : 1), cls = n / 16 - 1;
    void *p;

    if (n > ARENA_MAX)
        return NULL;
    if (a->free[cls]) {
        p = a->free[cls];
        UNPOISON(p, n);
        a->free[cls] = *(void **)p;
        /* The next pop reads that block: a cold line, fetch it now. */
        __builtin_prefetch(a->free[cls]);
        return p;
    }
    if ((size_t)(a->bump_end - a->bump) < n && chunk_add(a, n))
        return NULL;
    p = a->bump;
    a->bump += n;
    UNPOISON(p, n);
    return p;
}

void arena_free(struct fib_arena *a, void *p, size_t size)
{
    size_t n = round16(size ? size : 1), cls = n / 16 - 1;

    *(void **)p = a->free[cls];
    a->free[cls] = p;
    POISON((char *)p + sizeof(void *), n - sizeof(void *));
}

void arena_reclaim(struct fib_arena *a, struct arena_batch *b)
{
    struct arena_batch *head = __atomic_load_n(&a->remote, __ATOMIC_RELAXED);

    do
        b->next = head;
    while (
        !__atomic_compare_exchange_n(&a->remote, &head, b, 1, __ATOMIC_RELEASE, __ATOMIC_RELAXED));
}

void arena_recycle(struct fib_arena *a, size_t max)
{
    for (size_t done = 0; max == 0 || done < max;) {
        if (!a->draining) {
            if (!__atomic_load_n(&a->remote, __ATOMIC_RELAXED))
                return;
            a->draining = __atomic_exchange_n(&a->remote, NULL, __ATOMIC_ACQUIRE);
            a->drained = 0;
        }
        struct arena_batch *b = a->draining;
        while (a->drained < b->n && (max == 0 || done < max)) {
            arena_free(a, b->blk[a->drained].p, b->blk[a->drained].size);
            a->drained++;
            done++;
        }
        if (a->drained < b->n)
            return;
        a->draining = b->next;
        a->drained = 0;
        free(b);
    }
}
