/* pool.c - size-class free lists for cJSON's small blocks (see pool.h). */
#include "pool.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#define CHUNK_BYTES (64 * 1024)
#define HDR 8 /* the header: the block's class, 0 for a malloc'd block */
#define GRAIN 16
#define NCLASS ((MG_POOL_MAX + HDR + GRAIN - 1) / GRAIN)

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

/* Chunks are linked through their first 16 bytes; blocks follow. */
typedef struct chunk {
    struct chunk *next;
    void *pad; /* keeps the blocks 16-byte aligned */
} chunk;

static free_block *free_lists[NCLASS + 1]; /* class c holds blocks of c * GRAIN bytes */
static chunk *chunks;
static char *carve, *carve_end; /* the unused tail of the newest chunk */
static size_t chunk_bytes, used_bytes;

static void new_chunk(void)
{
    chunk *c = malloc(CHUNK_BYTES);
    if (!c)
        abort();
    c->next = chunks;
    chunks = c;
    carve = (char *)(c + 1);
    carve_end = (char *)c + CHUNK_BYTES;
    chunk_bytes += CHUNK_BYTES;
}

void *mg_pool_alloc(size_t n)
{
    if (n > MG_POOL_MAX) {
        uint64_t *h = n <= SIZE_MAX - HDR ? malloc(n + HDR) : NULL;
        if (!h)
            abort();
        *h = 0;
        return h + 1;
    }
    size_t cls = (n + HDR + GRAIN - 1) / GRAIN, size = cls * GRAIN;
    char *b = (char *)free_lists[cls];
    if (b) {
        free_lists[cls] = ((free_block *)(void *)b)->next;
    } else {
        if ((size_t)(carve_end - carve) < size)
            new_chunk();
        b = carve;
        carve += size;
    }
    *(uint64_t *)(void *)b = cls;
    used_bytes += size;
    return b + HDR;
}

void mg_pool_free(void *p)
{
    if (!p)
        return;
    uint64_t *h = (uint64_t *)p - 1;
    uint64_t cls = *h;
    if (cls == 0) {
        free(h);
        return;
    }
    free_block *b = (free_block *)(void *)h;
    b->next = free_lists[cls];
    free_lists[cls] = b;
    used_bytes -= (size_t)cls * GRAIN;
}

size_t mg_pool_chunk_bytes(void) { return chunk_bytes; }
size_t mg_pool_used_bytes(void) { return used_bytes; }

int mg_pool_install(void)
{
    const char *env = getenv("MSGGEN_MALLOC");
    if (POOL_SANITIZED || (env && strcmp(env, "system") == 0))
        return 0;
    cJSON_Hooks hooks = {mg_pool_alloc, mg_pool_free};
    cJSON_InitHooks(&hooks);
    return 1;
}

void mg_pool_release(void)
{
    while (chunks) {
        chunk *next = chunks->next;
        free(chunks);
        chunks = next;
    }
    memset(free_lists, 0, sizeof free_lists);
    carve = carve_end = NULL;
    chunk_bytes = used_bytes = 0;
}
