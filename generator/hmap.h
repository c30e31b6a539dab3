/* hmap.h - one open-addressing hash table for the whole generator.
 *
 * A mg_hmap holds fixed-size entries (`esize` bytes each) in a dense array, in
 * insertion order, and finds them through a power-of-two array of 32-bit
 * indexes probed linearly (load factor at most 1/2). Keeping the entries dense
 * and the probe array small keeps a big catalogue's tables compact, and makes
 * iteration (mg_hmap_at) deterministic: it is insertion order.
 *
 * Keys live inside the entries. Three ways to use it:
 *   - pointer keys: the entry's first member is the key (`const void *`);
 *     use mg_hmap_init, mg_hmap_get_ptr and mg_hmap_put_ptr.
 *   - string keys: the entry's first member is `char *`, a copy the table makes
 *     and owns; use mg_hmap_init_str, mg_hmap_get_str and mg_hmap_put_str.
 *   - any other key: the caller hashes (mg_hash_*) and compares; use
 *     mg_hmap_init, mg_hmap_find and mg_hmap_add.
 *
 * A mg_hmap is embedded in its owner (init/fini). The table owns its arrays and,
 * for string tables, the key copies; it never frees what values point to.
 * Entry pointers stay valid until the next add or put. Allocation failure aborts.
 */
#ifndef MG_HMAP_H
#define MG_HMAP_H

#include <stddef.h>
#include <stdint.h>

typedef struct mg_hmap {
    char *ents;       /* len entries of esize bytes, insertion order */
    uint32_t *hashes; /* the hash of each entry, so growing never re-hashes keys */
    uint32_t *slots;  /* index + 1 into ents; 0: empty; cap is 0 or a power of two */
    size_t esize, len, entcap, cap;
    int owns_keys;    /* string table: each entry starts with an owned char * */
} mg_hmap;

/* Does entry `ent` have key `key`? (for mg_hmap_find) */
typedef int mg_hmap_eq(const void *ent, const void *key);

void mg_hmap_init(mg_hmap *h, size_t esize);
void mg_hmap_init_str(mg_hmap *h, size_t esize);
void mg_hmap_fini(mg_hmap *h); /* frees the arrays (and string keys); h may be re-inited */

static inline size_t mg_hmap_len(const mg_hmap *h) { return h->len; }
/* Entry number i (0 <= i < len), in insertion order. */
static inline void *mg_hmap_at(const mg_hmap *h, size_t i) { return h->ents + i * h->esize; }
/* The number of entry `ent` (stable, unlike its address, while the table grows). */
static inline size_t mg_hmap_index(const mg_hmap *h, const void *ent)
{
    return (size_t)((const char *)ent - h->ents) / h->esize;
}

/* Makes room for `n` entries in all (no growing until there are more): for
 * a table whose size can be foreseen, such as a loaded document's. */
void mg_hmap_reserve(mg_hmap *h, size_t n);

/* Gives back the entry array's room beyond its len entries (it grows by
 * doubling): for a table that is complete, such as a loaded document's. A
 * later add grows it again. */
void mg_hmap_shrink(mg_hmap *h);

/* The entry with hash `hash` for which eq(entry, key) holds, or NULL. */
void *mg_hmap_find(const mg_hmap *h, uint32_t hash, mg_hmap_eq *eq, const void *key);
/* Appends a zeroed entry under `hash` and returns it; the caller fills in the key
 * and has made sure it is absent. */
void *mg_hmap_add(mg_hmap *h, uint32_t hash);

/* Pointer-keyed entries (first member `const void *`). get returns NULL when
 * absent; put returns the existing entry, or a new zeroed one with the key set,
 * and sets *added (when not NULL) to tell which. */
void *mg_hmap_get_ptr(const mg_hmap *h, const void *key);
void *mg_hmap_put_ptr(mg_hmap *h, const void *key, int *added);

/* String-keyed entries (first member `char *`, owned by the table). */
void *mg_hmap_get_str(const mg_hmap *h, const char *key);
void *mg_hmap_put_str(mg_hmap *h, const char *key, int *added);

/* Hashes for mg_hmap_find/mg_hmap_add: of a pointer's value, of a C string
 * (FNV-1a), and of a string continuing from a seed (for composite keys). */
uint32_t mg_hash_ptr(const void *p);
uint32_t mg_hash_str(const char *s);
uint32_t mg_hash_str_seed(uint32_t seed, const char *s);
/* The same hash of n bytes (not NUL-terminated; equal to mg_hash_str_seed of
 * the same bytes as a C string). */
uint32_t mg_hash_mem_seed(uint32_t seed, const void *p, size_t n);
/* The same hash in steps, for a key made of parts that are never one string
 * (vplan's URIs, hashed from their parent's state): the state starts at
 * MG_FNV_START, takes n bytes per mg_fnv_add, and mg_fnv_end gives what
 * mg_hash_str gives of all the bytes added. */
#define MG_FNV_START 14695981039346656037ULL
uint64_t mg_fnv_add(uint64_t state, const void *p, size_t n);
uint32_t mg_fnv_end(uint64_t state);
/* A hash of n bytes read eight at a time: every byte counts (keys such as
 * `Msg0012Payload` and `Msg0022Payload` differ in the middle only), at an
 * eighth of the steps of the hashes above, for long keys hashed often. Not
 * equal to mg_hash_mem_seed of the same bytes. */
uint32_t mg_hash_words(uint32_t seed, const void *p, size_t n);

#endif
