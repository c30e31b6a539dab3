/* hmap.c - one open-addressing hash table for the whole generator. */
#include "hmap.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

/* Places entry number `idx` (hash `hash`) in the probe array. */
static void place(uint32_t *slots, size_t cap, uint32_t hash, size_t idx)
{
    size_t j = hash & (cap - 1);
    while (slots[j])
        j = (j + 1) & (cap - 1);
    slots[j] = (uint32_t)idx + 1;
}

/* Doubling keeps the load factor at most 1/2, so probes stay short and the
 * total work of growing stays linear in the number of entries. */
static void rehash(mg_hmap *h, size_t ncap)
{
    uint32_t *ns = mg_xcalloc(ncap, sizeof *ns);
    for (size_t i = 0; i < h->len; i++)
        place(ns, ncap, h->hashes[i], i);
    free(h->slots);
    h->slots = ns;
    h->cap = ncap;
}

static void grow_slots(mg_hmap *h)
{
    rehash(h, h->cap ? h->cap * 2 : 16);
}

void mg_hmap_init(mg_hmap *h, size_t esize)
{
    memset(h, 0, sizeof *h);
    h->esize = esize;
}

void mg_hmap_init_str(mg_hmap *h, size_t esize)
{
    mg_hmap_init(h, esize);
    h->owns_keys = 1;
}

void mg_hmap_fini(mg_hmap *h)
{
    if (h->owns_keys)
        for (size_t i = 0; i < h->len; i++) {
            char *k;
            memcpy(&k, mg_hmap_at(h, i), sizeof k);
            free(k);
        }
    free(h->ents);
    free(h->hashes);
    free(h->slots);
    size_t esize = h->esize;
    int owns = h->owns_keys;
    memset(h, 0, sizeof *h);
    h->esize = esize;
    h->owns_keys = owns;
}

void mg_hmap_reserve(mg_hmap *h, size_t n)
{
    if (n > h->entcap) {
        h->ents = mg_xrealloc(h->ents, n * h->esize);
        h->hashes = mg_xrealloc(h->hashes, n * sizeof *h->hashes);
        h->entcap = n;
    }
    size_t cap = h->cap ? h->cap : 16;
    while (cap < 2 * n)
        cap *= 2;
    if (cap > h->cap)
        rehash(h, cap);
}

void mg_hmap_shrink(mg_hmap *h)
{
    if (h->len == h->entcap)
        return;
    if (!h->len) {
        free(h->ents);
        free(h->hashes);
        h->ents = NULL;
        h->hashes = NULL;
    } else {
        h->ents = mg_xrealloc(h->ents, h->len * h->esize);
        h->hashes = mg_xrealloc(h->hashes, h->len * sizeof *h->hashes);
    }
    h->entcap = h->len;
}

void *mg_hmap_find(const mg_hmap *h, uint32_t hash, mg_hmap_eq *eq, const void *key)
{
    if (!h->cap)
        return NULL;
    size_t j = hash & (h->cap - 1);
    while (h->slots[j]) {
        size_t i = h->slots[j] - 1;
        if (h->hashes[i] == hash && eq(mg_hmap_at(h, i), key))
            return mg_hmap_at(h, i);
        j = (j + 1) & (h->cap - 1);
    }
    return NULL;
}

void *mg_hmap_add(mg_hmap *h, uint32_t hash)
{
    if (h->len == h->entcap) {
        h->entcap = h->entcap ? h->entcap * 2 : 8;
        h->ents = mg_xrealloc(h->ents, h->entcap * h->esize);
        h->hashes = mg_xrealloc(h->hashes, h->entcap * sizeof *h->hashes);
    }
    size_t i = h->len++;
    void *e = mg_hmap_at(h, i);
    memset(e, 0, h->esize);
    h->hashes[i] = hash;
    if (h->len * 2 > h->cap)
        grow_slots(h); /* places every entry, the new one included */
    else
        place(h->slots, h->cap, hash, i);
    return e;
}

/* mg_hmap_find for entries whose first member is the key, a pointer
 * (by_str 0: compared by address) or a string (by_str 1: by text), with the
 * comparison inline rather than through a callback: these lookups are the
 * loader's and the model's commonest. Always inlined with a constant by_str,
 * so each caller gets its own loop. */
static inline __attribute__((always_inline)) void *find_key(const mg_hmap *h, uint32_t hash, const void *key,
                                                            int by_str)
{
    if (!h->cap)
        return NULL;
    size_t mask = h->cap - 1, j = hash & mask;
    for (uint32_t s; (s = h->slots[j]) != 0; j = (j + 1) & mask) {
        size_t i = s - 1;
        if (h->hashes[i] == hash) {
            void *e = mg_hmap_at(h, i);
            const char *k;
            memcpy(&k, e, sizeof k);
            if (by_str ? k[0] == *(const char *)key && strcmp(k, key) == 0 : (const void *)k == key)
                return e;
        }
    }
    return NULL;
}

static inline __attribute__((always_inline)) void *find_ptr(const mg_hmap *h, uint32_t hash, const void *key)
{
    return find_key(h, hash, key, 0);
}

static inline __attribute__((always_inline)) void *find_str(const mg_hmap *h, uint32_t hash, const char *key)
{
    return find_key(h, hash, key, 1);
}

void *mg_hmap_get_ptr(const mg_hmap *h, const void *key)
{
    return find_ptr(h, mg_hash_ptr(key), key);
}

void *mg_hmap_put_ptr(mg_hmap *h, const void *key, int *added)
{
    uint32_t hash = mg_hash_ptr(key);
    void *e = find_ptr(h, hash, key);
    if (added)
        *added = !e;
    if (!e) {
        e = mg_hmap_add(h, hash);
        memcpy(e, &key, sizeof key);
    }
    return e;
}

void *mg_hmap_get_str(const mg_hmap *h, const char *key)
{
    return find_str(h, mg_hash_str(key), key);
}

void *mg_hmap_put_str(mg_hmap *h, const char *key, int *added)
{
    uint32_t hash = mg_hash_str(key);
    void *e = find_str(h, hash, key);
    if (added)
        *added = !e;
    if (!e) {
        e = mg_hmap_add(h, hash);
        char *k = mg_xstrdup(key);
        memcpy(e, &k, sizeof k);
    }
    return e;
}

uint32_t mg_hash_ptr(const void *p)
{
    uint64_t x = (uint64_t)(uintptr_t)p;
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    return (uint32_t)x;
}

uint64_t mg_fnv_add(uint64_t h, const void *p, size_t n)
{
    for (const unsigned char *b = p, *e = b + n; b < e; b++)
        h = (h ^ *b) * 1099511628211ULL;
    return h;
}

uint32_t mg_fnv_end(uint64_t h) { return (uint32_t)(h ^ (h >> 32)); }

uint32_t mg_hash_str_seed(uint32_t seed, const char *s)
{
    uint64_t h = MG_FNV_START ^ seed;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        h = (h ^ *p) * 1099511628211ULL;
    return mg_fnv_end(h);
}

uint32_t mg_hash_mem_seed(uint32_t seed, const void *p, size_t n)
{
    return mg_fnv_end(mg_fnv_add(MG_FNV_START ^ seed, p, n));
}

uint32_t mg_hash_words(uint32_t seed, const void *p, size_t n)
{
    const char *s = p;
    uint64_t h = (0x9E3779B97F4A7C15ULL ^ seed) + n;
    for (; n >= 8; s += 8, n -= 8) {
        uint64_t w;
        memcpy(&w, s, 8);
        h = (h ^ w) * 0xFF51AFD7ED558CCDULL;
        h ^= h >> 29;
    }
    if (n) {
        /* The last 1 to 7 bytes at the places memcpy(&w, s, n) would put
         * them, in at most three fixed-size copies: a copy of a variable
         * length compiled to a byte loop that was half of this function's
         * instructions for a short key. */
        unsigned char b[8] = {0};
        size_t i = 0;
        if (n & 4) {
            memcpy(b, s, 4);
            i = 4;
        }
        if (n & 2) {
            memcpy(b + i, s + i, 2);
            i += 2;
        }
        if (n & 1)
            b[i] = (unsigned char)s[i];
        uint64_t w;
        memcpy(&w, b, 8);
        h = (h ^ w) * 0xFF51AFD7ED558CCDULL;
    }
    h ^= h >> 32;
    return (uint32_t)h;
}

uint32_t mg_hash_str(const char *s)
{
    return mg_hash_str_seed(0, s);
}
