/* util.h - small helpers every stage uses: allocation that cannot fail.
 *
 * Owns nothing. Every function returning memory hands it to the caller, who
 * frees it with free(). Allocation failure prints "msggen: out of memory" and
 * aborts: msggen is a batch tool with no use for a half-built result (see buf.h).
 */
#ifndef MG_UTIL_H
#define MG_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cjson/cJSON.h>

void *mg_xmalloc(size_t n);             /* n == 0 is allowed; never returns NULL */
void *mg_xcalloc(size_t n, size_t size); /* zeroed; n == 0 is allowed */
void *mg_xrealloc(void *p, size_t n);
char *mg_xstrdup(const char *s);
char *mg_xstrndup(const char *s, size_t n); /* copies n bytes and adds a NUL */

/* Makes room in array `p` (*cap elements of `size` bytes, `n` in use) for one
 * more: when full, doubles *cap (8 the first time) and reallocates. Returns the
 * array, which may have moved. Doubling keeps appending amortised O(1).
 *   v = mg_xgrow(v, n, &cap, sizeof *v); v[n++] = x; */
void *mg_xgrow(void *p, size_t n, size_t *cap, size_t size);

/* Edit distance between a[0..n) and the C string b: insertions, deletions,
 * substitutions and transpositions of neighbours each count 1 ("nmae" is 1
 * from "name"). For "did you mean" hints; (size_t)-1 when either is longer
 * than 128 bytes. */
size_t mg_edit_distance(const char *a, size_t n, const char *b);

/* The largest distance at which a name of n bytes is a likely typo of another:
 * 0 for one byte, 1 up to four, then about a third of the length. */
size_t mg_typo_distance(size_t n);

/* The slot of an address in a direct-mapped cache of `size` entries (a
 * power of two). The addresses cached are mostly of member names, string
 * literals packed byte after byte: `addr >> 3` gave neighbours one slot (a
 * key cache of the validation plan missed 44 000 times a generate). A
 * multiplicative hash spreads them. */
static inline size_t mg_addr_slot(const void *p, size_t size)
{
    uint64_t h = (uint64_t)(uintptr_t)p * 0x9E3779B97F4A7C15ULL;
    return (size_t)(h >> 40) & (size - 1);
}

/* cJSON_IsObject || cJSON_IsArray without the calls into the library (the
 * front end's walks ask it of every member they pass). */
static inline int mg_json_is_collection(const cJSON *n)
{
    int t = n->type & 0xFF;
    return t == cJSON_Object || t == cJSON_Array;
}

/* cJSON_GetObjectItemCaseSensitive, answered the same (the first member named
 * `key`, NULL when `o` or `key` is NULL or none is), without a strcmp call
 * per member: a member whose first byte differs is passed over inline. The
 * view stage looks members up about a million times a generate; cJSON's
 * scan was 7 % of its instructions. */
static inline cJSON *mg_json_get(const cJSON *o, const char *key)
{
    if (!o || !key)
        return NULL;
    for (cJSON *c = o->child; c; c = c->next)
        if (c->string && c->string[0] == key[0] && strcmp(c->string, key) == 0)
            return c;
    return NULL;
}

/* cJSON_AddItemToObjectCS, done the same way inline (the view stage adds
 * about 600 000 members a generate; the call and its checks were 4 % of the
 * instructions): `item` becomes o's last member, under `key`, which is not
 * copied and must outlive `o` (cJSON_StringIsConst). A key `item` had is
 * freed, as cJSON does; a NULL `o` or `item` adds nothing. */
static inline void mg_json_add_cs(cJSON *o, const char *key, cJSON *item)
{
    if (!o || !item || o == item || !key)
        return;
    if (item->string && !(item->type & cJSON_StringIsConst))
        cJSON_free(item->string);
    item->string = (char *)(uintptr_t)key;
    item->type |= cJSON_StringIsConst;
    item->next = NULL;
    cJSON *first = o->child;
    if (!first) {
        o->child = item;
        item->prev = item;
    } else {
        /* cJSON keeps the last member in the first one's `prev`. */
        cJSON *last = first->prev;
        last->next = item;
        item->prev = last;
        first->prev = item;
    }
}

#endif
