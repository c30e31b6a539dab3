/* tpl_bits.h - mg_tpl_cjson_bits (mustache.h) read as its comment says,
 * written apart from the engine's reading (mustache.c, bits_get), for the
 * tests of both sides: test_mustache_bits (the engine reads what the host
 * says) and test_view_bits (the lazy view's bits say what its hook
 * answers). */
#ifndef MG_TPL_BITS_H
#define MG_TPL_BITS_H

#include <stdint.h>

#include "../../generator/mustache.h"

/* The constant member `id` (0 to 127) of the object whose first member is
 * `first`, as `b` holds it, or NULL when it does not. */
static inline const cJSON *tpl_bits_read(const mg_tpl_cjson_bits *b, const cJSON *first, unsigned id)
{
    const mg_tpl_bits *set = NULL;
    unsigned bit = id % 64;
    if ((first->type & b->num_flag) && id < 64) {
        size_t at = (size_t)(int64_t)first->valuedouble;
        if (at < b->count && (b->sets[at].present >> bit & 1))
            set = &b->sets[at];
    }
    if (!set && (first->type & b->node_flag) && (first->type & 0xFF) != cJSON_Number && id < 128) {
        size_t at = (uint32_t)first->valueint;
        if (at < b->node_count) {
            const mg_tpl_bits *two = (const mg_tpl_bits *)((const char *)b->nodes + at * b->node_size);
            if (two[id / 64].present >> bit & 1)
                set = &two[id / 64];
        }
    }
    if (!set)
        return NULL;
    int truth = (int)(set->truth >> bit & 1), nul = (int)(set->nul >> bit & 1);
    return b->vals[truth | nul << 1];
}

#endif
