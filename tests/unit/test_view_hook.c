/* test_view_hook.c - the cJSON source's miss hook (mg_view_escapes_get_memo)
 * answers as mg_view_escapes_get, whatever its memo word holds.
 *
 * With a memo, the hook keeps a name's number in lz_names or lz2_names
 * there and answers it from the object's chain node's bit sets
 * (lz_node.cd) instead of the chain's table (lz_find), which the call
 * without a memo still uses. A set made wrong (the last pair of a name
 * instead of the first, a value read as another, a name's bit at another's
 * place) would change output silently. This compares the two for every
 * name of both lists and every name on an object's chain: on chains made
 * here (names given twice, objects whose first member is a number, known
 * names' sets beside a chain), and on every object of the lazy views of
 * the shipped catalogues, for each shipped target, with one memo word per
 * name kept over every view, as the engine keeps a tag's. Includes view.c
 * to reach the chains. */
#include "../../generator/view.c"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "hmap.h"
#include "unit.h"
#include "catalogues.h"

/* One memo word per name, as a tag's (the names of lz_names, lz2_names
 * and a few of neither). */
#define EXTRA_NAMES 4
static const char *const extra_names[EXTRA_NAMES] = {"index", "name", "not_a_member", "catalogue_x"};
static uint16_t memos[LZ_NNAMES + LZ2_NNAMES + EXTRA_NAMES];
static size_t compared, answered, chain_answered;

static const char *name_at(int i)
{
    if (i < LZ_NNAMES)
        return lz_names[i];
    if (i < LZ_NNAMES + LZ2_NNAMES)
        return lz2_names[i - LZ_NNAMES];
    return extra_names[i - LZ_NNAMES - LZ2_NNAMES];
}

/* The hook's answers for k with the memo word `memo` and without one. */
static int same_answer(mg_view_escapes *e, const cJSON *obj, const char *k, uint16_t *memo)
{
    size_t n = strlen(k);
    uint32_t h = mg_hash_mem_seed(0, k, n);
    const cJSON *want = mg_view_escapes_get(e, obj, k, n, h);
    const cJSON *got = mg_view_escapes_get_memo(e, obj, k, n, h, memo);
    /* Twice: the second call reads the word the first one wrote. */
    const cJSON *again = mg_view_escapes_get_memo(e, obj, k, n, h, memo);
    compared++;
    answered += want != NULL;
    if (got == want && again == want)
        return 1;
    unit_note("# '%s': type %d without a memo, %d and %d with memo word %u (-1: none)\n", k,
              want ? want->type & 0xFF : -1, got ? got->type & 0xFF : -1, again ? again->type & 0xFF : -1,
              (unsigned)*memo);
    return 0;
}

/* Compares every name of both lists and of obj's chain. */
static void compare_object(mg_view_escapes *e, const cJSON *obj)
{
    int bad = 0;
    for (int i = 0; i < LZ_NNAMES + LZ2_NNAMES + EXTRA_NAMES && bad < 4; i++)
        bad += !same_answer(e, obj, name_at(i), &memos[i]);
    for (uint32_t c = lz_chain(e, obj->child); c && bad < 4; c = e->lz_nodes[c].parent) {
        uint16_t memo = 0;
        bad += !same_answer(e, obj, e->lz_nodes[c].key, &memo);
        chain_answered++;
    }
    CHECK(bad == 0);
}

static void hook_names_should_be_told_apart(void)
{
    mg_view_escapes *e = escapes_new();
    /* No name in both lists, none twice, each found as its own number. */
    for (int i = 0; i < LZ2_NNAMES; i++) {
        size_t n = strlen(lz2_names[i]);
        uint32_t h = mg_hash_mem_seed(0, lz2_names[i], n);
        CHECK(lz_name_id(e, lz2_names[i], n, h) == -1);
        CHECK(lz_chain_id(e, lz2_names[i], n, h) == LZ_CHAIN_ID2 + i);
    }
    for (int i = 0; i < LZ_NNAMES; i++) {
        size_t n = strlen(lz_names[i]);
        CHECK(lz_chain_id(e, lz_names[i], n, mg_hash_mem_seed(0, lz_names[i], n)) == i);
    }
    CHECK(lz_chain_id(e, "not_a_member", 12, mg_hash_mem_seed(0, "not_a_member", 12)) == -1);
    /* The memo word (number + 2) fits its 16 bits. */
    CHECK(LZ_CHAIN_ID2 + LZ2_NNAMES + 2 <= 0xFFFF);
    mg_view_escapes_free(e);
}

static void hook_memo_should_answer_as_the_chain_on_made_chains(void)
{
    mg_view_escapes *e = escapes_new();
    /* Names of both lists and others, some twice with other values: the
     * first pair added is the one read. */
    const char *keys[] = {lz2_names[0], lz_names[LZ_is_ref], "plain", lz2_names[1], lz2_names[0],
                          lz_names[LZ_is_ref], lz2_names[LZ2_NNAMES - 1], lz_names[LZ_title], "plain",
                          lz2_names[2]};
    int vals[] = {cJSON_True, cJSON_NULL, cJSON_False, cJSON_Array, cJSON_False,
                  cJSON_True, cJSON_NULL, cJSON_Array, cJSON_True, cJSON_False};
    size_t nk = sizeof keys / sizeof *keys;
    cJSON *objs[4];
    for (size_t o = 0; o < 4; o++) {
        objs[o] = cJSON_CreateObject();
        /* Objects 1 and 3: a number first (its chain in lz_objs). */
        cJSON_AddItemToObject(objs[o], "id", o & 1 ? cJSON_CreateNumber(1) : cJSON_CreateString("x"));
        cJSON_AddItemToObject(objs[o], "name", cJSON_CreateString("n"));
        /* Objects 0 and 1: the whole chain; 2 and 3: its prefixes. */
        size_t upto = o < 2 ? nk : 3 + 2 * o;
        plan_lazy_put(e, objs[o]->child, plan_lazy_chain(e, keys, vals, upto));
    }
    /* Object 2 also has known names' sets beside its chain. */
    lz_put(e, objs[2]->child, lz_names[LZ_first], LZ_first, cJSON_True);
    lz_put(e, objs[2]->child, lz_names[LZ_is_enum], LZ_is_enum, cJSON_Array);
    lz_desc_flush(e);
    for (size_t o = 0; o < 4; o++)
        compare_object(e, objs[o]);
    /* And what is read: the first pair of a name. */
    uint16_t memo = 0;
    size_t n = strlen(lz2_names[0]);
    CHECK(cJSON_IsTrue(mg_view_escapes_get_memo(e, objs[0], lz2_names[0], n,
                                                mg_hash_mem_seed(0, lz2_names[0], n), &memo)));
    CHECK(memo == LZ_CHAIN_ID2 + 2);
    memo = 0;
    n = strlen(lz_names[LZ_is_ref]);
    CHECK(cJSON_IsNull(mg_view_escapes_get_memo(e, objs[1], lz_names[LZ_is_ref], n,
                                                mg_hash_mem_seed(0, lz_names[LZ_is_ref], n), &memo)));
    for (size_t o = 0; o < 4; o++)
        cJSON_Delete(objs[o]);
    mg_view_escapes_free(e);
}

/* While a view is built, the view stage's own renders ask the hook
 * (lzs_miss) with an object's sets still pending (lz_dpend, not yet in
 * lz_descs): the hook reads them there. A hook that read lz_descs only
 * (the test for the pending object is a compare on every lookup, tempting
 * to drop since a built view has none pending) would answer "no member"
 * for the object being made, and the view stage would render those types
 * the slow way (full_info), with the same output: only this shows it
 * through lzs_miss. */
static void hook_while_building_should_read_pending_sets(void)
{
    mg_view_escapes *e = escapes_new();
    cJSON *objs[2];
    for (size_t o = 0; o < 2; o++) {
        objs[o] = cJSON_CreateObject();
        cJSON_AddItemToObject(objs[o], "name", cJSON_CreateString("n"));
    }
    const char *k = lz_names[LZ_first];
    size_t n = strlen(k);
    uint32_t h = mg_hash_mem_seed(0, k, n);
    uint16_t memo = 0;
    /* Object 0's sets pending, then in lz_descs once object 1's are. */
    lz_put(e, objs[0]->child, k, LZ_first, cJSON_True);
    CHECK(e->lz_dpend_first == objs[0]->child);
    CHECK(cJSON_IsTrue(lzs_miss(e, objs[0], k, n, h, &memo)));
    CHECK(memo == LZ_first + 2);
    CHECK(cJSON_IsTrue(lzs_miss(e, objs[0], k, n, h, &memo)));
    lz_put(e, objs[1]->child, k, LZ_first, cJSON_NULL);
    CHECK(e->lz_dpend_first == objs[1]->child);
    CHECK(cJSON_IsTrue(lzs_miss(e, objs[0], k, n, h, &memo)));
    CHECK(cJSON_IsNull(lzs_miss(e, objs[1], k, n, h, &memo)));
    /* Built: every set in lz_descs, read by the hook without the test. */
    lz_desc_flush(e);
    CHECK(cJSON_IsTrue(mg_view_escapes_get_memo(e, objs[0], k, n, h, &memo)));
    CHECK(cJSON_IsNull(mg_view_escapes_get_memo(e, objs[1], k, n, h, &memo)));
    for (size_t o = 0; o < 2; o++)
        cJSON_Delete(objs[o]);
    mg_view_escapes_free(e);
}

/* Every object of the lazy view under `node`, each member list once. */
static void compare_tree(mg_view_escapes *e, const cJSON *node, mg_hmap *seen)
{
    int type = node->type & 0xFF;
    if ((type != cJSON_Object && type != cJSON_Array) || !node->child)
        return;
    int added = 0;
    mg_hmap_put_ptr(seen, node->child, &added);
    if (!added)
        return;
    if (type == cJSON_Object)
        compare_object(e, node);
    for (const cJSON *c = node->child; c; c = c->next)
        compare_tree(e, c, seen);
}

static void compare_target(const char *catalogue, const mg_model *m, const mg_target *t, const char *target,
                           const mg_hmap *keep, mg_diag *d)
{
    mg_view_cache *cache = mg_view_cache_new();
    mg_view_escapes *esc = NULL;
    mg_view_cache_prune(cache, keep);
    mg_view_cache_escapes_lazy(cache, &esc);
    cJSON *view = mg_view_build_cached(m, t, cache, d);
    CHECK(view != NULL && esc != NULL);
    if (view && esc) {
        int before = unit_failed_checks;
        mg_hmap seen;
        mg_hmap_init(&seen, sizeof(const void *));
        compare_tree(esc, view, &seen);
        mg_hmap_fini(&seen);
        if (unit_failed_checks != before)
            unit_note("# %s, target %s: the memo's answers differ\n", catalogue, target);
    }
    cJSON_Delete(view);
    mg_view_escapes_free(esc);
    mg_view_cache_free(cache);
}

static void compare_views(const char *catalogue) { unit_each_target_of(catalogue, compare_target); }

static void hook_memo_should_answer_as_without_it_on_every_lazy_view(void)
{
    size_t before = answered, chains = chain_answered;
    unit_each_catalogue(compare_views);
    /* A walk that found nothing must not pass. */
    CHECK(answered - before > 100000);
    CHECK(chain_answered - chains > 10000);
    unit_note("# %zu lookups compared, %zu answered, %zu of chain names\n", compared, answered, chain_answered);
}

int main(void)
{
    if (unit_find_top() < 0) {
        printf("not ok view_hook: no source tree (templates/c/target.yaml) above the binary\n");
        return 1;
    }
    char templates[PATH_MAX + 16];
    snprintf(templates, sizeof templates, "%s/templates", unit_top);
    setenv("MSGGEN_TEMPLATES", templates, 1);
    RUN(hook_names_should_be_told_apart);
    RUN(hook_memo_should_answer_as_the_chain_on_made_chains);
    RUN(hook_while_building_should_read_pending_sets);
    RUN(hook_memo_should_answer_as_without_it_on_every_lazy_view);
    return unit_done();
}
