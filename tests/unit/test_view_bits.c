/* test_view_bits.c - the bits a lazy view gives the engine
 * (mg_view_escapes_bits) answer what its miss hook answers.
 *
 * The engine answers a tag's name from them without calling the hook
 * (mustache.h, mg_tpl_cjson_source_bits), so a wrong pointer, flag, stride
 * or count there would change output with no other sign. For every object
 * of the lazy views of the shipped catalogues, for each shipped target, and
 * every name of lz_names and lz2_names (each with one memo word over every
 * view, as a tag's), what the bits hold (read as mustache.h says,
 * tpl_bits.h) must be the hook's answer, and they must hold most of the
 * hook's constant answers (numbered sets and chains both). A view still
 * being built (a set pending) gives none. Includes view.c to reach the
 * names. */
#include "../../generator/view.c"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "hmap.h"
#include "tpl_bits.h"
#include "unit.h"
#include "catalogues.h"

static uint16_t memos[LZ_NNAMES + LZ2_NNAMES];
static size_t consts, held, held_num, held_node;

static const char *name_at(int i) { return i < LZ_NNAMES ? lz_names[i] : lz2_names[i - LZ_NNAMES]; }

static int is_const(const mg_view_escapes *e, const cJSON *c)
{
    for (int i = 0; i < 4; i++)
        if (c == e->lz_vals[i])
            return 1;
    return 0;
}

static void compare_object(mg_view_escapes *e, const mg_tpl_cjson_bits *b, const cJSON *obj)
{
    int bad = 0;
    for (int i = 0; i < LZ_NNAMES + LZ2_NNAMES; i++) {
        const char *k = name_at(i);
        size_t n = strlen(k);
        const cJSON *want = mg_view_escapes_get_memo(e, obj, k, n, mg_hash_mem_seed(0, k, n), &memos[i]);
        consts += want && is_const(e, want);
        if (memos[i] < 2)
            continue;
        unsigned id = memos[i] - 2u;
        const cJSON *got = tpl_bits_read(b, obj->child, id);
        if (!got)
            continue;
        held++;
        if ((obj->child->type & b->num_flag) && id < 64 &&
            (b->sets[(size_t)(int64_t)obj->child->valuedouble].present >> id & 1))
            held_num++;
        else
            held_node++;
        if (got != want && bad++ < 4)
            unit_note("# '%s': the bits give type %d, the hook %d\n", k, got->type & 0xFF,
                      want ? want->type & 0xFF : -1);
    }
    CHECK(bad == 0);
}

/* Every object of the lazy view under `node`, each member list once. */
static void compare_tree(mg_view_escapes *e, const mg_tpl_cjson_bits *b, const cJSON *node, mg_hmap *seen)
{
    int type = node->type & 0xFF;
    if ((type != cJSON_Object && type != cJSON_Array) || !node->child)
        return;
    int added = 0;
    mg_hmap_put_ptr(seen, node->child, &added);
    if (!added)
        return;
    if (type == cJSON_Object)
        compare_object(e, b, node);
    for (const cJSON *c = node->child; c; c = c->next)
        compare_tree(e, b, c, seen);
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
        mg_tpl_cjson_bits b;
        mg_view_escapes_bits(esc, &b);
        mg_hmap seen;
        mg_hmap_init(&seen, sizeof(const void *));
        compare_tree(esc, &b, view, &seen);
        mg_hmap_fini(&seen);
        if (unit_failed_checks != before)
            unit_note("# %s, target %s: the bits and the hook differ\n", catalogue, target);
    }
    cJSON_Delete(view);
    mg_view_escapes_free(esc);
    mg_view_cache_free(cache);
}

static void compare_views(const char *catalogue) { unit_each_target_of(catalogue, compare_target); }

static void bits_should_answer_as_the_hook_on_every_lazy_view(void)
{
    unit_each_catalogue(compare_views);
    /* A walk that found nothing must not pass, nor bits that hold little
     * of what the hook answers (the engine would call it instead). */
    CHECK(held_num > 100000);
    CHECK(held_node > 10000);
    CHECK(held * 10 > consts * 9);
    unit_note("# %zu constant answers of the hook, %zu held by the bits (%zu numbered sets, %zu chains)\n",
              consts, held, held_num, held_node);
}

/* While an object's sets are pending (the view stage's own renders ask
 * then), lz_descs does not hold them: no bits at all, the hook answers. */
static void bits_should_be_none_while_a_set_is_pending(void)
{
    mg_view_escapes *e = escapes_new();
    cJSON *obj = cJSON_CreateObject();
    cJSON_AddItemToObject(obj, "name", cJSON_CreateString("n"));
    lz_put(e, obj->child, lz_names[LZ_first], LZ_first, cJSON_True);
    mg_tpl_cjson_bits b;
    mg_view_escapes_bits(e, &b);
    CHECK(b.num_flag == 0 && b.node_flag == 0 && b.count == 0 && b.node_count == 0);
    CHECK(tpl_bits_read(&b, obj->child, LZ_first) == NULL);
    lz_desc_flush(e);
    mg_view_escapes_bits(e, &b);
    CHECK(tpl_bits_read(&b, obj->child, LZ_first) == e->lz_vals[1]);
    cJSON_Delete(obj);
    mg_view_escapes_free(e);
}

int main(void)
{
    if (unit_find_top() < 0) {
        printf("not ok view_bits: no source tree (templates/c/target.yaml) above the binary\n");
        return 1;
    }
    char templates[PATH_MAX + 16];
    snprintf(templates, sizeof templates, "%s/templates", unit_top);
    setenv("MSGGEN_TEMPLATES", templates, 1);
    RUN(bits_should_be_none_while_a_set_is_pending);
    RUN(bits_should_answer_as_the_hook_on_every_lazy_view);
    return unit_done();
}
