/* test_pool.c - the small-block allocator behind cJSON. */
#include "../../generator/pool.c"
#include "unit.h"

#include <stdint.h>

/* Before any chunk (and in sanitized builds, where the pool is never
 * installed but run.c trims between targets), a trim has nothing to give
 * back and no list to sort. */
static void pool_should_trim_nothing_before_any_chunk(void)
{
    CHECK_INT(mg_pool_trim(), 0);
    CHECK(cold == NULL);
}

static void pool_should_reuse_a_freed_block_of_the_same_class(void)
{
    size_t before = mg_pool_used_bytes();
    char *a = mg_pool_alloc(20);
    CHECK(mg_pool_used_bytes() > before);
    mg_pool_free(a);
    CHECK_INT(mg_pool_used_bytes(), before);
    char *b = mg_pool_alloc(24); /* 20 and 24 bytes share a class */
    CHECK(a == b);
    mg_pool_free(b);
    mg_pool_free(NULL);
    CHECK_INT(mg_pool_used_bytes(), before);
}

/* Every size up to MG_POOL_MAX, many times: blocks are 8-byte aligned, and none
 * overlaps another (each keeps the pattern written into it). */
static void pool_should_hand_out_disjoint_aligned_blocks(void)
{
    enum { N = 3000 };
    static unsigned char *blocks[N];
    static size_t sizes[N];
    size_t before = mg_pool_used_bytes();
    for (int i = 0; i < N; i++) {
        sizes[i] = 1 + (size_t)(i * 7919) % (MG_POOL_MAX + 40); /* some above the pool's limit */
        blocks[i] = mg_pool_alloc(sizes[i]);
        CHECK(((uintptr_t)blocks[i] & 7) == 0);
        memset(blocks[i], i & 0xFF, sizes[i]);
        if (i % 3 == 0) { /* free some on the way, so later blocks reuse them */
            mg_pool_free(blocks[i]);
            blocks[i] = NULL;
        }
    }
    int bad = 0;
    for (int i = 0; i < N; i++)
        for (size_t k = 0; blocks[i] && k < sizes[i]; k++)
            bad += blocks[i][k] != (i & 0xFF);
    CHECK_INT(bad, 0);
    for (int i = 0; i < N; i++)
        mg_pool_free(blocks[i]);
    CHECK_INT(mg_pool_used_bytes(), before);
    CHECK(mg_pool_chunk_bytes() >= CHUNK_BYTES);
}

/* A cJSON node's 64 bytes take 64 bytes: blocks carry no header. */
static void pool_should_pack_blocks_without_headers(void)
{
    char *a = mg_pool_alloc(64), *b = mg_pool_alloc(64), *c = mg_pool_alloc(64);
    CHECK(b == a + 64 || b == a - 64 || c == b + 64);
    mg_pool_free(c);
    mg_pool_free(b);
    mg_pool_free(a);
}

/* Chunks whose blocks are all freed stop counting as held, and are reused by
 * another size. */
static void pool_should_hand_back_empty_chunks(void)
{
    enum { N = 5000 };
    static char *blocks[N];
    size_t held = mg_pool_chunk_bytes();
    for (int i = 0; i < N; i++)
        blocks[i] = mg_pool_alloc(96);
    CHECK(mg_pool_chunk_bytes() + CHUNK_BYTES >= held + (size_t)N * 96); /* the current chunk may have had room */
    for (int i = 0; i < N; i++)
        mg_pool_free(blocks[i]);
    CHECK(mg_pool_chunk_bytes() <= held + CHUNK_BYTES); /* at most the current chunk stays */
    size_t before = mg_pool_chunk_bytes();
    for (int i = 0; i < N; i++)
        blocks[i] = mg_pool_alloc(40);
    for (int i = 0; i < N; i++)
        mg_pool_free(blocks[i]);
    CHECK(mg_pool_chunk_bytes() <= before + CHUNK_BYTES);
}

static void pool_should_give_big_blocks_to_malloc(void)
{
    size_t used = mg_pool_used_bytes(), held = mg_pool_chunk_bytes();
    char *p = mg_pool_alloc(MG_POOL_MAX + 1);
    char *q = mg_pool_alloc(1 << 20);
    memset(p, 1, MG_POOL_MAX + 1);
    memset(q, 2, 1 << 20);
    CHECK_INT(mg_pool_used_bytes(), used);
    CHECK_INT(mg_pool_chunk_bytes(), held);
    mg_pool_free(q);
    mg_pool_free(p);
}

static void pool_should_carry_cjson_trees(void)
{
    cJSON_Hooks hooks = {mg_pool_alloc, mg_pool_free};
    cJSON_InitHooks(&hooks);
    size_t before = mg_pool_used_bytes();
    cJSON *o = cJSON_CreateObject();
    for (int i = 0; i < 500; i++) {
        char key[32];
        snprintf(key, sizeof key, "member-%d", i);
        cJSON_AddStringToObject(o, key, i % 2 ? "a short value" : "a value long enough to need a bigger block");
    }
    CHECK(mg_pool_used_bytes() > before);
    char *text = cJSON_PrintUnformatted(o); /* bigger than MG_POOL_MAX: malloc'd */
    cJSON *back = cJSON_Parse(text);
    CHECK(cJSON_Compare(o, back, 1));
    cJSON_free(text);
    cJSON_Delete(back);
    cJSON_Delete(o);
    CHECK_INT(mg_pool_used_bytes(), before);
    cJSON_InitHooks(NULL);
}

static void pool_should_stay_off_when_asked(void)
{
    setenv("MSGGEN_MALLOC", "system", 1);
    CHECK_INT(mg_pool_install(), 0);
    unsetenv("MSGGEN_MALLOC");
    cJSON *o = cJSON_CreateArray(); /* on malloc: the sanitizers would see a mismatch */
    cJSON_Delete(o);
}

/* mg_pool_trim gives back the empty chunks only: blocks in use keep their
 * contents, and the chunks given back are the next fresh ones (the region
 * does not grow while there are some). */
static void pool_should_trim_only_empty_chunks_and_reuse_them(void)
{
    enum { KEEP = 3000, DROP = 5000 };
    static unsigned char *keep[KEEP];
    static char *drop[DROP];
    for (int i = 0; i < KEEP; i++) {
        keep[i] = mg_pool_alloc(64);
        memset(keep[i], (i * 31 + 7) & 0xFF, 64);
    }
    for (int i = 0; i < DROP; i++)
        drop[i] = mg_pool_alloc(120);
    for (int i = 0; i < DROP; i++)
        mg_pool_free(drop[i]);
    size_t held = mg_pool_chunk_bytes(), cold_before = ncold;
    char *top = bump;
    mg_pool_trim();
    CHECK(empty == NULL);
    CHECK_INT(mg_pool_chunk_bytes(), held);
#if defined(MADV_DONTNEED)
    CHECK(ncold >= cold_before + (size_t)DROP * 120 / CHUNK_BYTES - 1);
#else
    (void)cold_before;
#endif
    int bad = 0;
    for (int i = 0; i < KEEP; i++)
        for (int k = 0; k < 64; k++)
            bad += keep[i][k] != ((i * 31 + 7) & 0xFF);
    CHECK_INT(bad, 0);
    for (int i = 0; i < DROP; i++) {
        drop[i] = mg_pool_alloc(120);
        memset(drop[i], 0x5A, 120);
        bad += (uintptr_t)drop[i] - region_start >= (uintptr_t)(top - region);
    }
    CHECK_INT(bad, 0);   /* every block inside what the region had */
    CHECK(bump == top); /* no fresh chunk while given-back ones wait */
    for (int i = 0; i < DROP; i++)
        mg_pool_free(drop[i]);
    for (int i = 0; i < KEEP; i++)
        mg_pool_free(keep[i]);
}

/* mg_pool_trim gives a run of adjacent empty chunks back in one call, and
 * every page of the run: each reads back as zeros. */
static void pool_should_trim_adjacent_chunks_in_one_call(void)
{
    mg_pool_trim(); /* no empty chunk left from the tests before */
    size_t reused = ncold;
    char *top = bump;
    /* 546 blocks of 120 bytes fill a chunk: the given-back chunks, the
     * class's current one, then 8 fresh ones */
    size_t n = (reused + 10) * 546;
    unsigned char **blocks = malloc(n * sizeof *blocks);
    if (!blocks)
        abort();
    for (size_t i = 0; i < n; i++) {
        blocks[i] = mg_pool_alloc(120);
        memset(blocks[i], 0x5A, 120);
    }
    CHECK(bump >= top + 8 * CHUNK_BYTES); /* 8 fresh chunks, after the given-back ones */
    for (size_t i = 0; i < n; i++)
        mg_pool_free(blocks[i]);
    free(blocks);
    size_t first = ncold;
    size_t runs = mg_pool_trim();
#if defined(MADV_DONTNEED)
    CHECK(ncold >= first + 8);
    CHECK(runs >= 1);
    CHECK(runs <= reused + 1); /* the fresh chunks are one run */
    int bad = 0;
    for (size_t i = first; i < ncold; i++)
        bad += ((unsigned char *)cold[i])[HEAD + 200] != 0;
    CHECK_INT(bad, 0);
#else
    (void)reused, (void)first, (void)runs;
#endif
}

/* The region asks for transparent huge pages (Linux: the mapping's VmFlags
 * say "hg"). */
static void pool_should_ask_for_huge_pages(void)
{
    void *p = mg_pool_alloc(64);
    FILE *f = fopen("/proc/self/smaps", "r");
    if (!f) { /* not Linux, or no /proc: nothing to read */
        mg_pool_free(p);
        return;
    }
    char line[512];
    int in = 0, flagged = 0, found = 0;
    while (fgets(line, sizeof line, f)) {
        unsigned long lo, hi;
        if (sscanf(line, "%lx-%lx ", &lo, &hi) == 2 && strchr(line, '-') < strchr(line, ' '))
            in = (uintptr_t)region_start >= lo && (uintptr_t)region_start < hi;
        else if (in && strncmp(line, "VmFlags:", 8) == 0) {
            found = 1;
            flagged |= strstr(line, " hg") != NULL;
        }
    }
    fclose(f);
    CHECK(found);
#if defined(MADV_HUGEPAGE)
    CHECK(flagged);
#endif
    mg_pool_free(p);
}

int main(void)
{
    RUN(pool_should_trim_nothing_before_any_chunk);
    RUN(pool_should_reuse_a_freed_block_of_the_same_class);
    RUN(pool_should_hand_out_disjoint_aligned_blocks);
    RUN(pool_should_pack_blocks_without_headers);
    RUN(pool_should_hand_back_empty_chunks);
    RUN(pool_should_trim_only_empty_chunks_and_reuse_them);
    RUN(pool_should_trim_adjacent_chunks_in_one_call);
    RUN(pool_should_ask_for_huge_pages);
    RUN(pool_should_give_big_blocks_to_malloc);
    RUN(pool_should_carry_cjson_trees);
    RUN(pool_should_stay_off_when_asked);
    mg_pool_release();
    CHECK_INT(mg_pool_chunk_bytes(), 0);
    return unit_done();
}
