/* test_vplan_fn0.c - a cached raw plan's converted functions share their
 * last members that refer to function 0 (vplan.c fn0_tail_share): one set
 * of nodes, r->fn0_tail, for every function.
 *   - a plan built from the cached raw plan (every member copied back in
 *     place) prints as a plan made without a cache, before and after a
 *     build for a lazy view (which refers to the converted functions);
 *   - every converted function whose last member refers to function 0
 *     under the tail's last name ends in the shared nodes (the memory they
 *     save), and none of them is its first member;
 *   - freeing the raw plan frees each node once (valgrind, and the pool's
 *     checks under MSGGEN_MALLOC=system).
 * For every catalogue of tests/catalogues and the flagship one, on the
 * neutral view's types (view.h: mg_view_build without a target). */
#include "../../generator/vplan.c"

#include "load.h"
#include "unit.h"
#include "view.h"
#include "catalogues.h"

static void quiet(void *user, const char *line)
{
    (void)user;
    (void)line;
}

static int escapes_none(void *arg, const char *key)
{
    (void)arg;
    (void)key;
    return 0;
}

static size_t no_list(void *arg, const cJSON *obj, const char **keys, int *vals, size_t max)
{
    (void)arg, (void)obj, (void)keys, (void)vals, (void)max;
    return 0;
}
static int no_true(void *arg, const cJSON *obj, const char *k)
{
    (void)arg, (void)obj, (void)k;
    return 0;
}
static uint32_t some_chain(void *arg, const char *const *keys, const int *vals, size_t n)
{
    (void)arg, (void)keys, (void)vals, (void)n;
    return 1;
}
static void no_put(void *arg, cJSON *first, uint32_t chain)
{
    (void)arg, (void)first, (void)chain;
}
static const mg_vplan_consts lazy = {no_list, no_true, NULL, NULL, NULL, some_chain, no_put};

static size_t models, functions, ending, sharing;

static cJSON *types_of(const mg_model *m, cJSON **view)
{
    mg_diag d;
    mg_diag_init_sink(&d, quiet, NULL);
    *view = mg_view_build(m, NULL, &d);
    CHECK(*view != NULL);
    return cJSON_GetObjectItemCaseSensitive(*view, "types");
}

/* The plan's text (freed by the caller), built with `cache` or none. */
static char *plan_text(const mg_model *m, mg_vplan_raw **cache, const mg_vplan_consts *consts)
{
    cJSON *v;
    cJSON *types = types_of(m, &v);
    mg_diag d;
    mg_diag_init_sink(&d, quiet, NULL);
    cJSON *p = cache ? mg_vplan_build_shared(m, types, NULL, cache, escapes_none, NULL, NULL, consts, &d)
                     : mg_vplan_build(m, types, NULL, NULL, &d);
    CHECK(p != NULL);
    char *t = cJSON_PrintUnformatted(p);
    char *out = mg_xstrdup(t ? t : "");
    cJSON_free(t);
    cJSON_Delete(p);
    cJSON_Delete(v);
    return out;
}

static void compare_model(const char *what, const mg_model *m)
{
    char *want = plan_text(m, NULL, NULL);
    mg_vplan_raw *raw = NULL;
    char *first = plan_text(m, &raw, NULL);
    CHECK(raw != NULL);
    free(plan_text(m, &raw, &lazy));
    char *again = plan_text(m, &raw, NULL);
    if (strcmp(first, want) || strcmp(again, want)) {
        CHECK_STR(first, want);
        CHECK_STR(again, want);
        unit_note("#   %s\n", what);
    }
    for (const cJSON *fn = raw && raw->converted ? raw->functions->child : NULL; fn; fn = fn->next) {
        functions++;
        const cJSON *last = fn->child ? fn->child->prev : NULL;
        /* (A function ending in another name, ref_fn of a $ref to
         * function 0's schema, keeps its own.) */
        if (!last || !is_fn0_ref(raw, last) || !raw->fn0_tail || !raw->fn0_tail->child ||
            strcmp(last->string, raw->fn0_tail->child->prev->string))
            continue;
        ending++;
        int in_tail = 0;
        for (const cJSON *t = raw->fn0_tail ? raw->fn0_tail->child : NULL; t; t = t->next)
            in_tail |= t == last;
        const cJSON *end = fn->child;
        while (end->next)
            end = end->next;
        CHECK(in_tail && end == last && fn->child->valueint != FN0_TAIL_TAG);
        sharing += in_tail;
    }
    free(want);
    free(first);
    free(again);
    mg_vplan_raw_free(raw);
    models++;
}

static void compare_file(const char *path)
{
    mg_diag d;
    mg_diag_init_sink(&d, quiet, NULL);
    mg_docset *set = NULL;
    mg_model *m = mg_model_load(path, NULL, 0, &set, &d);
    CHECK(m != NULL);
    if (m)
        compare_model(path, m);
    mg_model_free(m);
    if (set)
        mg_docset_free(set);
}

static void converted_functions_should_share_their_last_references_to_function_0(void)
{
    CHECK(unit_find_top() == 0);
    unit_each_catalogue(compare_file);
    printf("# %zu catalogues, %zu converted functions, %zu ending in a reference to function 0, %zu sharing it\n",
           models, functions, ending, sharing);
    /* A walk that found nothing must not pass. */
    CHECK(models >= 30);
    CHECK(ending > 200);
    CHECK(sharing == ending);
}

int main(void)
{
    (void)unit_each_target_of; /* catalogues.h's, for other tests */
    RUN(converted_functions_should_share_their_last_references_to_function_0);
    return unit_done();
}
