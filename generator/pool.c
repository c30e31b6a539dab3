/* pool.c - size-class chunks for cJSON's small blocks (see pool.h). */
#include "pool.h"

#include <stdint.h>
#include <stdlib.h>
#if defined(__GLIBC__) /* known once a libc header is in */
#include <malloc.h>
#endif
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>

#include <cjson/cJSON.h>

#define CHUNK_SHIFT 16
#define CHUNK_BYTES ((size_t)1 << CHUNK_SHIFT)
#define GRAIN 8
#define NCLASS (MG_POOL_MAX / GRAIN) /* class c holds blocks of c * GRAIN bytes */

#if defined(__SANITIZE_ADDRESS__)
#define POOL_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(memory_sanitizer)
#define POOL_SANITIZED 1
#endif
#endif
#ifndef POOL_SANITIZED
#define POOL_SANITIZED 0
#endif

typedef struct free_block {
    struct free_block *next;
} free_block;

/* The head of every chunk; its blocks follow. A chunk is "current" (blocks of
 * its class come from it, and only from it), on its class's partial list
 * (some blocks freed), full, or empty (on the empty list, or given back).
 * `held` is set for the current chunk and the listed ones, so that freeing a
 * block into either costs no list work. */
typedef struct chunk {
    struct chunk *next, *prev; /* partial or empty list */
    free_block *free;          /* freed blocks of this chunk */
    char *carve, *end;         /* the never-used tail */
    uint32_t live;             /* blocks handed out and not freed */
    uint32_t cls;
    uint32_t held;
} chunk;

#define HEAD (((sizeof(chunk) + 63) / 64) * 64)

/* One reservation of address space, committed by the kernel page by page as
 * chunks are touched; a block is a pool block exactly when its address is
 * inside it, so freeing needs no header and no lookup. */
static char *region, *bump;
static uintptr_t region_start;
static size_t region_len; /* 0: none, every block is malloc's */
/* Before a class has a chunk, `current` points at this one, which has no room. */
static chunk no_room;
_Static_assert(NCLASS + 1 == 32, "the initializer of current[] lists 32 classes");
static chunk *current[NCLASS + 1] = {
#define R4 &no_room, &no_room, &no_room, &no_room
#define R16 R4, R4, R4, R4
    R16, R16
#undef R16
#undef R4
};
static chunk *partial[NCLASS + 1];
static chunk *empty;
static size_t chunk_bytes;
/* Empty chunks whose pages mg_pool_trim gave back: their heads are gone with
 * them, so their addresses wait here rather than on a list through them. */
static chunk **cold;
static size_t ncold, cold_cap;
/* Bytes of chunks whose pages came (back) from the system since malloc last
 * gave its free pages back (give_back_malloc). */
static size_t fresh;

/* Pool growth between two trims of malloc's free pages (new_chunk). */
#define TRIM_STEP ((size_t)32 << 20)

/* malloc's free pages back to the system (glibc; elsewhere nothing). main.c
 * keeps glibc from doing it on its own (it would at every big free); done
 * here, it is a few times per 32 MiB of pool growth or per target. */
static void give_back_malloc(void)
{
#if defined(__GLIBC__)
    malloc_trim(0);
#endif
}

/* Reserves the region: as much address space as the system grants
 * (MAP_NORESERVE: nothing is committed before it is used), from 256 GiB down
 * to 64 MiB, and at most half of an address-space limit (ulimit -v), so that
 * malloc keeps the other half. When there is none, the pool passes every
 * block to malloc. */
static void reserve(void)
{
    size_t top = (size_t)1 << (sizeof(size_t) >= 8 ? 38 : 30);
    struct rlimit rl;
    if (getrlimit(RLIMIT_AS, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur / 2 < top)
        top = (size_t)(rl.rlim_cur / 2);
    for (size_t sz = top; sz >= (size_t)1 << 26; sz >>= 1) {
        void *p = mmap(NULL, sz, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        if (p == MAP_FAILED)
            continue;
        region = p;
#if defined(MADV_HUGEPAGE)
        /* Transparent huge pages where the system gives them on request
         * (Debian's default): the pool is most of a big run's memory, and
         * with 4 KiB pages each page cost a fault (synth-10000: 512 k ->
         * 249 k page faults; user CPU about 4 % less in two idle pairs).
         * The pool grows a huge page at a time: at most 2 MiB of it
         * untouched yet resident. Where the call fails, the pages are small
         * ones, as before. */
        madvise(p, sz, MADV_HUGEPAGE);
#endif
        region_start = (uintptr_t)p;
        region_len = sz;
        bump = (char *)((region_start + CHUNK_BYTES - 1) & ~(uintptr_t)(CHUNK_BYTES - 1));
        return;
    }
}

static void unlink_chunk(chunk **list, chunk *c)
{
    if (c->prev)
        c->prev->next = c->next;
    else
        *list = c->next;
    if (c->next)
        c->next->prev = c->prev;
    c->next = c->prev = NULL;
}

static void push_chunk(chunk **list, chunk *c)
{
    c->prev = NULL;
    c->next = *list;
    if (*list)
        (*list)->prev = c;
    *list = c;
}

/* A chunk for class `cls`: an empty one kept, else one given back, else the
 * next of the region; NULL when the region is used up (or there is none).
 *
 * A chunk of the last two kinds takes pages from the system. malloc never
 * gives its free pages back on its own (main.c), and its peaks and the
 * pool's come at different moments (a view's cJSON nodes here, the
 * validation plan's or a render's tables there): every TRIM_STEP bytes of
 * such growth, malloc's free pages go back first, so the pool's new pages
 * take their place rather than adding to them. synth-10000 -t c: peak RSS
 * 1 653 -> 1 579 MB (the plan's hash tables, freed late in the C view's
 * build, were ~200 MB of malloc's heap under the pool's last 100 MB). */
static chunk *new_chunk(uint32_t cls)
{
    chunk *c = empty;
    if (c) {
        unlink_chunk(&empty, c);
    } else {
        if (ncold) {
            c = cold[--ncold];
        } else {
            if (!region)
                reserve();
            if (!region || region_start + region_len - (uintptr_t)bump < CHUNK_BYTES)
                return NULL;
            c = (chunk *)(void *)bump;
            bump += CHUNK_BYTES;
        }
        fresh += CHUNK_BYTES;
        if (fresh >= TRIM_STEP) {
            fresh = 0;
            give_back_malloc();
        }
    }
    memset(c, 0, sizeof *c);
    c->cls = cls;
    c->carve = (char *)c + HEAD;
    c->end = (char *)c + CHUNK_BYTES;
    chunk_bytes += CHUNK_BYTES;
    return c;
}

/* `c` has no block in use any more: it waits on the empty list for any class.
 * Its pages stay (until mg_pool_trim): giving each back as it empties
 * (madvise) only added page faults, since the next view reuses them; it
 * tripled the system time of a 400-message generate and did not lower its
 * peak RSS (the peak is a view). */
static void retire_chunk(chunk *c)
{
    if (c->held)
        unlink_chunk(&partial[c->cls], c);
    chunk_bytes -= CHUNK_BYTES;
    push_chunk(&empty, c);
}

/* The current chunk of `cls` is full: the next partial one becomes current
 * (it has freed blocks: only the current chunk hands blocks out), else a
 * fresh one; past the region's end, malloc. */
static __attribute__((noinline)) void *alloc_slow(uint32_t cls, size_t size)
{
    chunk *c = current[cls];
    if (c != &no_room) {
        c->held = 0;
        if (c->live == 0) /* everything freed, yet no room for this size */
            retire_chunk(c);
    }
    c = partial[cls];
    if (c) {
        unlink_chunk(&partial[cls], c);
    } else {
        c = new_chunk(cls);
        if (!c) {
            current[cls] = &no_room;
            void *p = malloc(size);
            if (!p)
                abort();
            return p;
        }
    }
    c->held = 1;
    current[cls] = c;
    char *b;
    if (c->free) {
        b = (char *)c->free;
        c->free = c->free->next;
    } else {
        b = c->carve;
        c->carve += size;
    }
    c->live++;
    return b;
}

/* A block was freed into `c`, which is not current or listed, or is now
 * empty. */
static __attribute__((noinline)) void free_slow(chunk *c)
{
    if (c == current[c->cls])
        return;
    if (c->live == 0) {
        retire_chunk(c);
        return;
    }
    if (!c->held) {
        push_chunk(&partial[c->cls], c);
        c->held = 1;
    }
}

void *mg_pool_alloc(size_t n)
{
    if (n - 1 >= MG_POOL_MAX) { /* 0 or above the pool's sizes */
        void *p = malloc(n ? n : 1);
        if (!p)
            abort();
        return p;
    }
    uint32_t cls = (uint32_t)((n + GRAIN - 1) / GRAIN);
    size_t size = (size_t)cls * GRAIN;
    chunk *c = current[cls];
    char *b = (char *)c->free;
    if (b)
        c->free = c->free->next;
    else if ((size_t)(c->end - c->carve) >= size) {
        b = c->carve;
        c->carve += size;
    } else
        return alloc_slow(cls, size);
    c->live++;
    return b;
}

void mg_pool_free(void *p)
{
    if ((uintptr_t)p - region_start >= region_len) {
        free(p); /* NULL, or malloc's */
        return;
    }
    chunk *c = (chunk *)((uintptr_t)p & ~(uintptr_t)(CHUNK_BYTES - 1));
    free_block *b = p;
    b->next = c->free;
    c->free = b;
    if (--c->live == 0 || !c->held)
        free_slow(c);
}

size_t mg_pool_chunk_bytes(void) { return chunk_bytes; }

/* qsort: higher addresses first, so that new_chunk, which takes from the
 * end of `cold`, reuses the lowest ones first. */
static int higher_first(const void *a, const void *b)
{
    uintptr_t x = (uintptr_t) * (chunk *const *)a, y = (uintptr_t) * (chunk *const *)b;
    return (x < y) - (x > y);
}

size_t mg_pool_trim(void)
{
    size_t runs = 0;
#if defined(MADV_DONTNEED)
    size_t first = ncold;
    while (empty) {
        if (ncold == cold_cap) {
            size_t cap = cold_cap ? 2 * cold_cap : 64;
            chunk **v = realloc(cold, cap * sizeof *v);
            if (!v)
                break; /* the rest stay as they are */
            cold = v;
            cold_cap = cap;
        }
        chunk *c = empty;
        unlink_chunk(&empty, c);
        cold[ncold++] = c;
    }
    /* Adjacent chunks go back in one call: a call per chunk was 3 000
     * calls per target at 10 000 messages, each with its TLB flush, and it
     * split the huge pages (reserve) that a run covers whole. Their contents
     * are not needed (new_chunk writes a fresh head), so whether the pages
     * read back as zeros or as they were does not matter; if a call fails,
     * they simply stay. (No qsort of nothing: `cold` may still be NULL.) */
    if (ncold > first)
        qsort(cold + first, ncold - first, sizeof *cold, higher_first);
    for (size_t i = first, j; i < ncold; i = j) {
        for (j = i + 1; j < ncold && (char *)cold[j] + CHUNK_BYTES == (char *)cold[j - 1]; j++)
            ;
        madvise(cold[j - 1], (j - i) * CHUNK_BYTES, MADV_DONTNEED);
        runs++;
    }
#endif
    give_back_malloc();
    return runs;
}

/* Counted when asked (tests, measurements) rather than on every block. */
size_t mg_pool_used_bytes(void)
{
    size_t used = 0;
    char *first = region ? (char *)((region_start + CHUNK_BYTES - 1) & ~(uintptr_t)(CHUNK_BYTES - 1)) : NULL;
    for (char *a = first; a && a < bump; a += CHUNK_BYTES) {
        const chunk *c = (const chunk *)(void *)a;
        used += (size_t)c->live * c->cls * GRAIN;
    }
    return used;
}

static int installed;

int mg_pool_installed(void) { return installed; }

int mg_pool_install(void)
{
    const char *env = getenv("MSGGEN_MALLOC");
    if (POOL_SANITIZED || (env && strcmp(env, "system") == 0))
        return 0;
    cJSON_Hooks hooks = {mg_pool_alloc, mg_pool_free};
    cJSON_InitHooks(&hooks);
    installed = 1;
    return 1;
}

void mg_pool_release(void)
{
    if (region)
        munmap(region, region_len);
    region = bump = NULL;
    region_start = 0;
    region_len = 0;
    for (size_t i = 0; i <= NCLASS; i++)
        current[i] = &no_room;
    memset(partial, 0, sizeof partial);
    empty = NULL;
    chunk_bytes = 0;
    free(cold);
    cold = NULL;
    ncold = cold_cap = 0;
    fresh = 0;
}
