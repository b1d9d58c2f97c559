/*
 * arena.h: private to src/fib. Where a table's trie blocks live (see
 * arena.c). Single-threaded except arena_reclaim(), which the RCU callback
 * thread calls.
 */
#ifndef VROOM_FIB_ARENA_H
#define VROOM_FIB_ARENA_H

#include <stddef.h>

#define ARENA_MAX     2560 /* largest block: a top node with 64 children is 2080 */
#define ARENA_CLASSES (ARENA_MAX / 16)

struct arena_chunk;
struct arena_batch;

struct fib_arena {
    void *free[ARENA_CLASSES];    /* per 16-byte size class, LIFO */
    char *bump, *bump_end;        /* unused tail of the newest chunk */
    struct arena_chunk *chunks;   /* all chunks, for teardown */
    size_t next_chunk;            /* size of the next chunk */
    size_t bytes;                 /* bytes of chunks held */
    struct arena_batch *remote;   /* reclaimed by RCU, not yet recycled */
    struct arena_batch *draining; /* being recycled, a few blocks per call */
    size_t drained;               /* blocks of draining already recycled */
    long inflight;                /* batches handed to RCU, not yet reclaimed */
};

/* A batch of blocks for arena_reclaim(): filled by the writer. */
struct arena_batch {
    void *hdr[4];            /* room for the caller's struct rcu_head */
    struct fib_arena *arena; /* whose blocks these are */
    struct arena_batch *next;
    size_t n, cap;
    struct {
        void *p;
        size_t size;
    } blk[];
};

void arena_init(struct fib_arena *a);
void arena_fini(struct fib_arena *a); /* frees every chunk */
void *arena_alloc(struct fib_arena *a, size_t size);
void arena_free(struct fib_arena *a, void *p, size_t size);
/* From any thread: hands a batch back for the writer to recycle. */
void arena_reclaim(struct fib_arena *a, struct arena_batch *b);
/* Writer: recycles up to max reclaimed blocks (0: all). */
void arena_recycle(struct fib_arena *a, size_t max);
/* 2 MiB-aligned, huge-page-advised memory for big top-level arrays. */
void *arena_map(size_t size);
void arena_unmap(void *p, size_t size);

#endif
