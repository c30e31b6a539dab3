/* test_vplan_fn0.c - a cached raw plan's converted functions share their
 * last members that refer to function 0 (vplan.c fn0_tail_share): one set
 * of nodes, r->fn0_tail, for every function.
 *   - a plan built from the cached raw plan (every member copied back in
 *     place) prints as a plan made without a cache, before and after a
 *     build for a lazy view (which refers to the converted functions);
 *   - every converted function whose last member refers to function 0
 *     under the tail's last name ends in the shared nodes (the memory they
 *     save), and none of them is its first member; many share scalars
 *     before them too (member_hash_bits 0, ...); no reference to function 0
 *     is left before another member (fn0_move put them after it, their
 *     places noted for copies: the texts above);
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

static size_t models, functions, ending, sharing, scalars, moved, mid;

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
    for (size_t i = 0; raw && raw->converted && i < raw->ncopies; i++) {
        const fn_copies *fl = &raw->copies[i];
        for (size_t o = fl->sobj_at; o < fl->sobj_at + fl->nsobj; o++)
            moved += raw->sigs[raw->sobjs[o].sig].moved;
    }
    for (const cJSON *fn = raw && raw->converted ? raw->functions->child : NULL; fn; fn = fn->next) {
        functions++;
        /* References to function 0 before another member were moved
         * after it (fn0_move), their places noted (the texts above). */
        const cJSON *last_other = NULL;
        for (const cJSON *ch = fn->child ? fn->child->next : NULL; ch; ch = ch->next)
            if (!is_fn0_ref(raw, ch))
                last_other = ch;
        for (const cJSON *ch = fn->child ? fn->child->next : NULL; last_other && ch != last_other; ch = ch->next)
            mid += is_fn0_ref(raw, ch);
        /* Sharing scalars too (member_hash_bits 0, ...): the plan's text
         * above says they still read as the function's own. */
        for (const cJSON *ch = fn->child; ch; ch = ch->next)
            if (in_fn0_tail(raw, ch) && !(ch->type & cJSON_IsReference)) {
                scalars++;
                break;
            }
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
        CHECK(in_tail && end == last && !in_fn0_tail(raw, fn->child));
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
    printf("# %zu catalogues, %zu converted functions, %zu ending in a reference to function 0, %zu sharing it, "
           "%zu sharing scalars, %zu references moved to the end, %zu left before another member\n",
           models, functions, ending, sharing, scalars, moved, mid);
    /* A walk that found nothing must not pass. */
    CHECK(models >= 30);
    CHECK(ending > 200);
    CHECK(sharing == ending);
    CHECK(scalars > 100);
    CHECK(moved > 500);
    CHECK(mid == 0);
}

/* Hand-made functions: what reads the same (name, type, value) is
 * shared, and nothing else. */
static char *print_fn(const cJSON *fn)
{
    char *t = cJSON_PrintUnformatted(fn);
    char *out = mg_xstrdup(t ? t : "");
    cJSON_free(t);
    return out;
}

static cJSON *hand_fn(const char *id, double x, const char *y, const char *lit)
{
    cJSON *f = cJSON_CreateObject();
    add_cs(f, "id", cJSON_CreateString(id));
    add_cs(f, "lit", cJSON_CreateStringReference(lit));
    add_cs(f, "x", cJSON_CreateNumber(x));
    add_cs(f, "y", cJSON_CreateString(y));
    return f;
}

static void tails_should_share_only_what_reads_the_same(void)
{
    static char f0[] = "f0";
    char *names[] = {f0};
    mg_vplan_raw r;
    memset(&r, 0, sizeof r);
    r.names = names;
    r.nfunctions = 1;
    /* Each function's literal text (canonize's), which is never shared. */
    static char canon_a[] = "\"l\"\0l", canon_b[] = "\"l\"\0l";
    fn_copies fa, fb;
    memset(&fa, 0, sizeof fa);
    memset(&fb, 0, sizeof fb);
    fa.canon = canon_a, fa.canon_len = sizeof canon_a;
    fb.canon = canon_b, fb.canon_len = sizeof canon_b;
    cJSON *fns = cJSON_CreateArray();
    cJSON *a = hand_fn("a", 1, "s", canon_a), *b = hand_fn("b", 2, "s", canon_b), *c = hand_fn("c", 1, "s", canon_b);
    cJSON_AddItemToArray(fns, a);
    cJSON_AddItemToArray(fns, b);
    cJSON_AddItemToArray(fns, c);
    r.functions = fns;
    char *want_a = print_fn(a), *want_b = print_fn(b), *want_c = print_fn(c);
    fn0_tail_share(&r, &fa, a);
    fn0_tail_share(&r, &fb, b);
    fn0_tail_share(&r, &fb, c);
    char *got_a = print_fn(a), *got_b = print_fn(b), *got_c = print_fn(c);
    CHECK_STR(got_a, want_a);
    CHECK_STR(got_b, want_b);
    CHECK_STR(got_c, want_c);
    /* y of all three is one node; x of a and c too, not b's (another
     * value); the literals stay each function's own (they stop the tail). */
    CHECK(cJSON_GetObjectItemCaseSensitive(a, "y") == cJSON_GetObjectItemCaseSensitive(b, "y"));
    CHECK(cJSON_GetObjectItemCaseSensitive(a, "y") == cJSON_GetObjectItemCaseSensitive(c, "y"));
    CHECK(cJSON_GetObjectItemCaseSensitive(a, "x") == cJSON_GetObjectItemCaseSensitive(c, "x"));
    CHECK(cJSON_GetObjectItemCaseSensitive(a, "x") != cJSON_GetObjectItemCaseSensitive(b, "x"));
    CHECK(cJSON_GetObjectItemCaseSensitive(a, "lit") != cJSON_GetObjectItemCaseSensitive(c, "lit"));
    CHECK(r.fn0_h == 2);
    free(got_a), free(got_b), free(got_c), free(want_a), free(want_b), free(want_c);
    fn0_tail_cut(&r);
    cJSON_Delete(r.functions);
    cJSON_Delete(r.fn0_tail);
}

int main(void)
{
    (void)unit_each_target_of; /* catalogues.h's, for other tests */
    RUN(converted_functions_should_share_their_last_references_to_function_0);
    RUN(tails_should_share_only_what_reads_the_same);
    return unit_done();
}
