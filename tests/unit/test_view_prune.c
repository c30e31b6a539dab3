/* test_view_prune.c - a pruned view (view.h, mg_view_cache_prune) holds, for
 * every key a target's templates name, exactly what the full view holds.
 *
 * generate and check render the pruned view and fall back to the full one
 * only when a render reports something or prints a container as JSON, so a
 * kept key that the pruned build got wrong (a key the builder reads back but
 * did not keep: view.c's builder_keys) would change output silently. This
 * builds both views of every shipped target for the flagship catalogue, the
 * catalogues of tests/catalogues and the golden cases' inputs, cuts both to
 * the template names and compares them. It also checks what a pruned view
 * leaves out that the comparison cannot see: `index`, `description` and a
 * message's examples, for templates that do not read them (and the kind
 * subsets' type_index without `index`). */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "diag.h"
#include "hmap.h"
#include "load.h"
#include "model.h"
#include "target.h"
#include "unit.h"
#include "util.h"
#include "catalogues.h"
#include "view.h"

/* A copy of `j` without, at every depth, the object members whose name is not
 * in `keep`. (A copy: views built with a cache share nodes through cJSON
 * references, which must not be changed.) */
static cJSON *cut(const cJSON *j, const mg_hmap *keep)
{
    if (!cJSON_IsObject(j) && !cJSON_IsArray(j))
        return cJSON_Duplicate(j, 1);
    cJSON *out = cJSON_IsObject(j) ? cJSON_CreateObject() : cJSON_CreateArray();
    for (const cJSON *c = j->child; c; c = c->next) {
        if (cJSON_IsObject(j) && !mg_hmap_get_str(keep, c->string))
            continue;
        cJSON *copy = cut(c, keep);
        if (cJSON_IsObject(j))
            cJSON_AddItemToObject(out, c->string, copy);
        else
            cJSON_AddItemToArray(out, copy);
    }
    return out;
}

/* Appends to `path` where `a` and `b` first differ; 1 when they do. */
static int first_difference(const cJSON *a, const cJSON *b, mg_buf *path)
{
    if (cJSON_Compare(a, b, 1))
        return 0;
    if (!a || !b || (a->type & 0xff) != (b->type & 0xff) || !(cJSON_IsObject(a) || cJSON_IsArray(a)))
        return 1;
    const cJSON *x = a->child, *y = b->child;
    for (size_t i = 0; x || y; i++, x = x ? x->next : NULL, y = y ? y->next : NULL) {
        if (x && y && cJSON_Compare(x, y, 1) && (!x->string || !strcmp(x->string, y->string)))
            continue;
        if (cJSON_IsObject(a))
            mg_buf_appendf(path, "/%s", x && x->string ? x->string : y && y->string ? y->string : "?");
        else
            mg_buf_appendf(path, "/%zu", i);
        if (x && y && (!x->string || !strcmp(x->string, y->string)))
            first_difference(x, y, path);
        return 1;
    }
    return 1;
}

static size_t compared;

/* Compares the two views of one target of `catalogue`. */
static void compare_target(const char *catalogue, const mg_model *m, const mg_target *t, const char *target,
                           const mg_hmap *keep, mg_diag *d)
{
    mg_view_cache *full_cache = mg_view_cache_new(), *pruned_cache = mg_view_cache_new();
    mg_view_cache_prune(pruned_cache, keep);
    cJSON *full = mg_view_build_cached(m, t, full_cache, d);
    cJSON *pruned = mg_view_build_cached(m, t, pruned_cache, d);
    CHECK(full != NULL && pruned != NULL);
    cJSON *a = full ? cut(full, keep) : NULL, *b = pruned ? cut(pruned, keep) : NULL;
    cJSON_Delete(full);
    cJSON_Delete(pruned);
    full = a;
    pruned = b;
    mg_buf path;
    mg_buf_init(&path);
    if (full && pruned && first_difference(full, pruned, &path)) {
        unit_note("# %s, target %s: the pruned view differs at %s\n", catalogue, target,
                  path.len ? mg_buf_cstr(&path) : "/");
        CHECK(!"pruned view == full view, cut to the template names");
    }
    compared++;
    mg_buf_fini(&path);
    cJSON_Delete(full);
    cJSON_Delete(pruned);
    mg_view_cache_free(full_cache);
    mg_view_cache_free(pruned_cache);
}

static void compare_views(const char *catalogue) { unit_each_target_of(catalogue, compare_target); }

static void pruned_views_should_hold_what_full_views_hold_for_every_template_name(void)
{
    unit_each_catalogue(compare_views);
    /* The flagship, 14 catalogues and 22 golden cases today (148 views): a
     * listing that found nothing must not pass as "no difference". */
    CHECK(compared >= 4 * 30);
    unit_note("# %zu views compared\n", compared);
}

/* Items of `list` with an `index` member, and without. */
static void count_index(const cJSON *list, size_t *with, size_t *without)
{
    const cJSON *it;
    cJSON_ArrayForEach(it, list) {
        if (cJSON_GetObjectItemCaseSensitive(it, "index"))
            (*with)++;
        else
            (*without)++;
    }
}

/* Items of `list` with a string `description` member. */
static size_t count_descriptions(const cJSON *list)
{
    size_t n = 0;
    const cJSON *it;
    cJSON_ArrayForEach(it, list)
        n += cJSON_IsString(cJSON_GetObjectItemCaseSensitive(it, "description"));
    return n;
}

/* Whether some escape of `t` (helpers.escapes) reads `key`. */
static int escape_reads(const mg_target *t, const char *key)
{
    const cJSON *rule;
    cJSON_ArrayForEach(rule, mg_json_get(mg_json_get(t->desc, "helpers"), "escapes")) {
        const cJSON *k;
        cJSON_ArrayForEach(k, mg_json_get(rule, "keys"))
            if (cJSON_IsString(k) && strcmp(k->valuestring, key) == 0)
                return 1;
    }
    return 0;
}

static size_t dropped_views, kept_views, desc_dropped_views, desc_kept_views, ex_dropped_views, ex_kept_views;

/* A pruned view's types, their fields and its messages have `index` when
 * the target's templates name it, and do not when they do not (a number
 * node per item, for no reader); `description` likewise, when no escape
 * reads it either; and a message its `examples` (and `example`) when the
 * templates read one of them. */
static void index_target(const char *catalogue, const mg_model *m, const mg_target *t, const char *target,
                         const mg_hmap *keep, mg_diag *d)
{
    mg_view_cache *cache = mg_view_cache_new();
    mg_view_cache_prune(cache, keep);
    cJSON *view = mg_view_build_cached(m, t, cache, d);
    CHECK(view != NULL);
    size_t with = 0, without = 0;
    const cJSON *ty;
    cJSON_ArrayForEach(ty, cJSON_GetObjectItemCaseSensitive(view, "types"))
        count_index(cJSON_GetObjectItemCaseSensitive(ty, "fields"), &with, &without);
    count_index(cJSON_GetObjectItemCaseSensitive(view, "types"), &with, &without);
    count_index(cJSON_GetObjectItemCaseSensitive(view, "messages"), &with, &without);
    int reads = mg_hmap_get_str(keep, "index") != NULL;
    if (reads ? without != 0 : with != 0) {
        unit_note("# %s, target %s: %zu items with index, %zu without\n", catalogue, target, with, without);
        CHECK(!"index exactly where the templates read it");
    }
    if (with + without)
        reads ? kept_views++ : dropped_views++;
    /* description likewise, which escapes may read too. */
    size_t described = count_descriptions(cJSON_GetObjectItemCaseSensitive(view, "types")) +
                       count_descriptions(cJSON_GetObjectItemCaseSensitive(view, "messages"));
    cJSON_ArrayForEach(ty, cJSON_GetObjectItemCaseSensitive(view, "types"))
        described += count_descriptions(cJSON_GetObjectItemCaseSensitive(ty, "fields"));
    int reads_desc = mg_hmap_get_str(keep, "description") || escape_reads(t, "description");
    if (!reads_desc && described) {
        unit_note("# %s, target %s: %zu items with a description\n", catalogue, target, described);
        CHECK(!"description only where the templates or an escape read it");
    }
    if (reads_desc && described)
        desc_kept_views++;
    if (!reads_desc && with + without)
        desc_dropped_views++;
    /* A message's examples, for templates that read `example` or `examples`. */
    size_t examples = 0;
    const cJSON *msg;
    cJSON_ArrayForEach(msg, cJSON_GetObjectItemCaseSensitive(view, "messages"))
        examples += cJSON_GetObjectItemCaseSensitive(msg, "examples") != NULL;
    int reads_ex = mg_hmap_get_str(keep, "example") || mg_hmap_get_str(keep, "examples");
    size_t nmsgs = (size_t)cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(view, "messages"));
    if (reads_ex ? examples != nmsgs : examples != 0) {
        unit_note("# %s, target %s: %zu of %zu messages with examples\n", catalogue, target, examples, nmsgs);
        CHECK(!"examples exactly where the templates read them");
    }
    if (nmsgs)
        reads_ex ? ex_kept_views++ : ex_dropped_views++;
    cJSON_Delete(view);
    mg_view_cache_free(cache);
}

static void index_views(const char *catalogue) { unit_each_target_of(catalogue, index_target); }

static void pruned_views_should_hold_index_description_and_examples_only_for_their_readers(void)
{
    unit_each_catalogue(index_views);
    /* markdown reads no index; c, python and typescript do. */
    CHECK(dropped_views >= 30);
    CHECK(kept_views >= 3 * 30);
    unit_note("# index left out of %zu views, kept in %zu\n", dropped_views, kept_views);
    /* c reads no description; markdown, python and typescript do (the
     * catalogues that describe anything). */
    CHECK(desc_dropped_views >= 30);
    CHECK(desc_kept_views >= 3 * 10);
    unit_note("# description left out of %zu views, kept in %zu\n", desc_dropped_views, desc_kept_views);
    /* c reads neither example nor examples. */
    CHECK(ex_dropped_views >= 30);
    CHECK(ex_kept_views >= 3 * 30);
}

static size_t subset_items;

/* The kind subsets of a view pruned to a target's names and them, without
 * `index`: each item's type_index is still its type's position in the full
 * view's `types`. */
static void subsets_target(const char *catalogue, const mg_model *m, const mg_target *t, const char *target,
                           const mg_hmap *keep, mg_diag *d)
{
    /* The target's names (its type map reads some), the subsets' and
     * type_index, but not index. */
    mg_hmap names;
    mg_hmap_init_str(&names, sizeof(char *));
    for (size_t i = 0; i < mg_hmap_len(keep); i++) {
        const char *k = *(char *const *)mg_hmap_at(keep, i);
        if (strcmp(k, "index") != 0)
            mg_hmap_put_str(&names, k, NULL);
    }
    static const char *const kept[] = {"types", "objects", "enums", "unions", "aliases", "type_index", "id"};
    for (size_t i = 0; i < sizeof kept / sizeof kept[0]; i++)
        mg_hmap_put_str(&names, kept[i], NULL);
    mg_view_cache *full_cache = mg_view_cache_new(), *pruned_cache = mg_view_cache_new();
    mg_view_cache_prune(pruned_cache, &names);
    cJSON *full = mg_view_build_cached(m, t, full_cache, d);
    cJSON *pruned = mg_view_build_cached(m, t, pruned_cache, d);
    CHECK(full != NULL && pruned != NULL);
    const cJSON *types = cJSON_GetObjectItemCaseSensitive(full, "types");
    static const char *const subsets[] = {"objects", "enums", "unions", "aliases"};
    for (int k = 0; k < 4; k++) {
        const cJSON *it;
        cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(pruned, subsets[k])) {
            const cJSON *ti = cJSON_GetObjectItemCaseSensitive(it, "type_index");
            const cJSON *ty = cJSON_IsNumber(ti) ? cJSON_GetArrayItem(types, (int)ti->valuedouble) : NULL;
            char *want = cJSON_PrintUnformatted(cJSON_GetObjectItemCaseSensitive(ty, "id"));
            char *got = cJSON_PrintUnformatted(cJSON_GetObjectItemCaseSensitive(it, "id"));
            if (!want || !got || strcmp(want, got) != 0) {
                unit_note("# %s, target %s, %s: type_index %g names %s, the item is %s\n", catalogue, target,
                          subsets[k], cJSON_IsNumber(ti) ? ti->valuedouble : -1.0, want ? want : "nothing",
                          got ? got : "nothing");
                CHECK(!"type_index is the type's position in types");
            }
            CHECK(!cJSON_GetObjectItemCaseSensitive(it, "index"));
            subset_items++;
            free(want);
            free(got);
        }
    }
    cJSON_Delete(full);
    cJSON_Delete(pruned);
    mg_view_cache_free(full_cache);
    mg_view_cache_free(pruned_cache);
    mg_hmap_fini(&names);
}

static void subsets_views(const char *catalogue) { unit_each_target_of(catalogue, subsets_target); }

static void subsets_without_index_should_keep_each_type_index(void)
{
    unit_each_catalogue(subsets_views);
    CHECK(subset_items >= 1000);
    unit_note("# %zu subset items\n", subset_items);
}

int main(void)
{
    if (unit_find_top() < 0) {
        printf("not ok view_prune: no source tree (templates/c/target.yaml) above the binary\n");
        return 1;
    }
    char templates[PATH_MAX + 16];
    snprintf(templates, sizeof templates, "%s/templates", unit_top);
    setenv("MSGGEN_TEMPLATES", templates, 1);
    RUN(pruned_views_should_hold_what_full_views_hold_for_every_template_name);
    RUN(pruned_views_should_hold_index_description_and_examples_only_for_their_readers);
    RUN(subsets_without_index_should_keep_each_type_index);
    return unit_done();
}
