/* test_vplan_lean.c - a plan built for a lazy view (mg_vplan_consts.chain
 * and .put given) from a cached raw plan gives its fields lean shapes
 * (vplan.c shape_lean): is_scalar and elem_id of their own, the eleven
 * other flags the very nodes of every shape of that container and class.
 *   - every field's shape has the members of its shape in a plan made
 *     without a cache (each field its own shape_new), with the same values,
 *     and no other: a template that reads a shape's flags by name reads the
 *     same;
 *   - the flags are shared: two shapes of one container and class have the
 *     same is_list node (the memory the lean shapes save);
 *   - a second lazy build (field_shapes' recorded path) and a build for a
 *     full view in between (full shapes, each its own flags) from the same
 *     raw plan read the same too.
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

/* A lazy view's answers, for views that left nothing out (the neutral
 * view keeps every member): the plan only needs chain and put given. */
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
static size_t puts_seen;
static void count_put(void *arg, cJSON *first, uint32_t chain)
{
    (void)arg, (void)first, (void)chain;
    puts_seen++;
}
static const mg_vplan_consts lazy = {no_list, no_true, NULL, NULL, NULL, some_chain, count_put};

static size_t models, shapes_read, lean_seen, shared_seen;

static cJSON *types_of(const mg_model *m, cJSON **view)
{
    mg_diag d;
    mg_diag_init_sink(&d, quiet, NULL);
    *view = mg_view_build(m, NULL, &d);
    CHECK(*view != NULL);
    return cJSON_GetObjectItemCaseSensitive(*view, "types");
}

static void build(const mg_model *m, cJSON *types, mg_vplan_raw **cache, const mg_vplan_consts *consts)
{
    mg_diag d;
    mg_diag_init_sink(&d, quiet, NULL);
    cJSON *p = mg_vplan_build_shared(m, types, NULL, cache, escapes_none, NULL, NULL, consts, &d);
    CHECK(p != NULL);
    cJSON_Delete(p);
}

/* Each field's shape in `got` reads as in `want` (same types, fields in
 * the same order), member by member by name; with `lean`, its flags but
 * is_scalar are shared by the shapes of one container and class. */
static void compare_shapes(const char *what, const cJSON *want, const cJSON *got, int lean)
{
    const cJSON *by_kind[64] = {0}; /* a lean shape's is_list node, by flags set */
    int bad = 0;
    const cJSON *tw = want->child, *tg = got->child;
    for (; tw && tg && bad < 4; tw = tw->next, tg = tg->next) {
        const cJSON *fw = cJSON_GetObjectItemCaseSensitive(tw, "fields")->child;
        const cJSON *fg = cJSON_GetObjectItemCaseSensitive(tg, "fields")->child;
        for (; fw && fg && bad < 4; fw = fw->next, fg = fg->next) {
            const cJSON *sw = cJSON_GetObjectItemCaseSensitive(fw, "shape");
            const cJSON *sg = cJSON_GetObjectItemCaseSensitive(fg, "shape");
            if (!sw || !sg) {
                bad += !sw != !sg;
                continue;
            }
            int nw = cJSON_GetArraySize(sw), ng = cJSON_GetArraySize(sg), same = nw == ng;
            const cJSON *mw;
            cJSON_ArrayForEach(mw, sw) {
                const cJSON *mg = cJSON_GetObjectItemCaseSensitive(sg, mw->string);
                same = same && mg && (mg->type & 0xFF) == (mw->type & 0xFF) &&
                       (!cJSON_IsString(mw) || !strcmp(mw->valuestring, mg->valuestring));
            }
            if (!same) {
                char *a = cJSON_PrintUnformatted(sw), *b = cJSON_PrintUnformatted(sg);
                unit_note("#   %s: field %s: shape %s, want %s\n", what,
                          cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(fw, "name")), b, a);
                cJSON_free(a);
                cJSON_free(b);
                bad++;
            }
            shapes_read++;
            if (lean && same) {
                /* is_scalar, elem_id, then the shared flags from is_list. */
                const cJSON *flags = sg->child->next->next;
                int ok = flags && !strcmp(flags->string, "is_list");
                bad += !ok;
                size_t kind = 0, bit = 0;
                for (const cJSON *f = flags; ok && f; f = f->next, bit++)
                    if (cJSON_IsTrue(f))
                        kind |= (size_t)1 << (bit % 6);
                kind = (kind * 7 + cJSON_IsTrue(sg->child)) & 63;
                if (ok && by_kind[kind]) {
                    /* one kind, one tail (a collision of kinds reads a
                     * different is_list value, so shares nothing) */
                    const cJSON *k = by_kind[kind];
                    int same_kind = 1;
                    for (const cJSON *a = k, *b = flags; a && b; a = a->next, b = b->next)
                        same_kind = same_kind && (a->type & 0xFF) == (b->type & 0xFF);
                    if (same_kind) {
                        CHECK(k == flags);
                        shared_seen += k == flags;
                    }
                } else if (ok) {
                    by_kind[kind] = flags;
                }
                lean_seen += ok;
            }
        }
        bad += !fw != !fg;
    }
    bad += !tw != !tg;
    CHECK(bad == 0);
}

static void compare_model(const char *what, const mg_model *m)
{
    cJSON *v0, *v1, *v2, *v3;
    cJSON *want = types_of(m, &v0);
    build(m, want, NULL, NULL); /* each field its own shape */
    mg_vplan_raw *raw = NULL;
    cJSON *t1 = types_of(m, &v1), *t2 = types_of(m, &v2), *t3 = types_of(m, &v3);
    build(m, t1, &raw, &lazy);
    CHECK(raw != NULL);
    compare_shapes(what, want, t1, 1);
    build(m, t2, &raw, NULL); /* a full view's plan between two lazy ones */
    compare_shapes(what, want, t2, 0);
    build(m, t3, &raw, &lazy);
    compare_shapes(what, want, t3, 1);
    cJSON_Delete(v0);
    cJSON_Delete(v1);
    cJSON_Delete(v2);
    cJSON_Delete(v3);
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

static void lazy_builds_should_read_the_shapes_of_full_ones_with_shared_flags(void)
{
    CHECK(unit_find_top() == 0);
    unit_each_catalogue(compare_file);
    /* A walk that found nothing must not pass. */
    CHECK(models >= 30);
    CHECK(lean_seen > 1000);
    CHECK(shared_seen > 500);
    printf("# %zu catalogues, %zu shapes read, %zu lean, %zu sharing flags\n", models, shapes_read, lean_seen,
           shared_seen);
}

int main(void)
{
    (void)unit_each_target_of; /* catalogues.h's, for other tests */
    RUN(lazy_builds_should_read_the_shapes_of_full_ones_with_shared_flags);
    return unit_done();
}
