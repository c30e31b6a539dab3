/* test_view_lookup.c - every lookup in a lazy view answers as in the view
 * built without it.
 *
 * A lazy view (view.h, mg_view_cache_escapes_lazy) leaves out its constant
 * members (kept on chains, or as the bit sets of view.c's "known names")
 * and its escaped members, and gives them through mg_view_escapes_get when
 * the engine misses a name. The oracle here is the view built with the same
 * pruning and no lazy members: walking the two in step (every member,
 * references and shared list items included), for every object, each name
 * that object has in either view, every known name, every name on the lazy
 * object's chain, every name an escape adds and a few names no view has
 * must read the same through the engine's path (the object's own member,
 * else the miss hook): the same value where the oracle has a member, NULL
 * where it has none, so strict mode's missing-key errors and "did you mean"
 * cannot change. Over the flagship catalogue, tests/catalogues, the golden
 * cases' inputs, the hostile catalogues and a synthetic one
 * (bench/synth.py, when python3 runs), each with every shipped target.
 * test_view_lazy compares with the unpruned view for the names templates
 * read; this is the exhaustive one. Includes view.c to read the chains. */
#include "../../generator/view.c"

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
#include "catalogues.h"
#include "escape_names.h"

/* Names asked of every object besides its own: lz_names, the escapes' added
 * names and a few that no view has (or nearly: prefixes and extensions of
 * known names). */
static const char *const bogus[] = {"", "x", "firs", "first_", "is_strin", "is_string_", "nul",
                                    "zz_not_a_member", "is_", "has_", "e_", "format_x"};

static size_t objects, lookups, consts_found;

/* What the miss hook answers for `name` on `obj`. */
static const cJSON *hook_get(mg_view_escapes *esc, const cJSON *obj, const char *name)
{
    size_t n = strlen(name);
    return mg_view_escapes_get(esc, obj, name, n, mg_hash_mem_seed(0, name, n));
}

/* Member `name` of `obj` as the engine reads it from the lazy view. */
static const cJSON *lazy_get(mg_view_escapes *esc, const cJSON *obj, const char *name)
{
    const cJSON *m = cJSON_GetObjectItemCaseSensitive(obj, name);
    return m ? m : hook_get(esc, obj, name);
}

typedef struct walk {
    mg_view_escapes *esc;
    const mg_hmap *added;
    mg_buf path;
    int failed;
} walk;

static int same(walk *w, const cJSON *a, const cJSON *b);

/* Name `k` of oracle object `a` and lazy object `b`; 0 when they differ. */
static int same_name(walk *w, const cJSON *a, const cJSON *b, const char *k, int deep)
{
    lookups++;
    const cJSON *x = cJSON_GetObjectItemCaseSensitive(a, k), *y = lazy_get(w->esc, b, k);
    if (y && !cJSON_GetObjectItemCaseSensitive(b, k) && x && (x->type & 0xFF) != cJSON_String)
        consts_found++;
    /* The engine may ask the hook before the object's members (mustache.h,
     * mg_tpl_cjson_source_miss), so the hook must not answer for a name the
     * object has. */
    int hook_shadows = cJSON_GetObjectItemCaseSensitive(b, k) && hook_get(w->esc, b, k);
    if (!x && !y)
        return 1;
    size_t len = w->path.len;
    mg_buf_appendf(&w->path, "/%s", k);
    if (hook_shadows) {
        mg_buf_append_str(&w->path, " (the miss hook answers a name the object has)");
        return 0;
    }
    if (!x || !y) {
        mg_buf_appendf(&w->path, " (%s)", x ? "missing in the lazy view" : "only in the lazy view");
        return 0;
    }
    if ((x->type & 0xFF) != (y->type & 0xFF)) {
        mg_buf_append_str(&w->path, " (another kind of value)");
        return 0;
    }
    if (deep && !same(w, x, y))
        return 0;
    if (!deep && !cJSON_IsObject(x) && !cJSON_IsArray(x) && !cJSON_Compare(x, y, 1)) {
        mg_buf_append_str(&w->path, " (another value)");
        return 0;
    }
    w->path.len = len;
    return 1;
}

static int same(walk *w, const cJSON *a, const cJSON *b)
{
    if ((a->type & 0xFF) != (b->type & 0xFF))
        return 0;
    if (cJSON_IsArray(a)) {
        const cJSON *x = a->child, *y = b->child;
        for (size_t i = 0; x || y; i++, x = x ? x->next : NULL, y = y ? y->next : NULL) {
            size_t len = w->path.len;
            mg_buf_appendf(&w->path, "/%zu", i);
            if (!x || !y || !same(w, x, y))
                return 0;
            w->path.len = len;
        }
        return 1;
    }
    if (!cJSON_IsObject(a))
        return cJSON_Compare(a, b, 1);
    objects++;
    /* The oracle's members, with what is below them. */
    for (const cJSON *x = a->child; x; x = x->next)
        if (!same_name(w, a, b, x->string, 1))
            return 0;
    /* Names the oracle lacks that the lazy object might answer. */
    for (const cJSON *y = b->child; y; y = y->next)
        if (!same_name(w, a, b, y->string, 0))
            return 0;
    for (int i = 0; i < LZ_NNAMES; i++)
        if (!same_name(w, a, b, lz_names[i], 0))
            return 0;
    for (uint32_t node = lz_chain(w->esc, b->child); node; node = w->esc->lz_nodes[node].parent)
        if (!same_name(w, a, b, w->esc->lz_nodes[node].key, 0))
            return 0;
    for (size_t i = 0; i < mg_hmap_len(w->added); i++)
        if (!same_name(w, a, b, *(char **)mg_hmap_at(w->added, i), 0))
            return 0;
    for (size_t i = 0; i < sizeof bogus / sizeof *bogus; i++)
        if (!same_name(w, a, b, bogus[i], 0))
            return 0;
    return 1;
}

static size_t compared;

static void compare_target(const char *catalogue, const mg_model *m, const mg_target *t, const char *target,
                           const mg_hmap *keep, mg_diag *d)
{
    mg_hmap added;
    added_names(t, &added);
    mg_view_cache *plain_cache = mg_view_cache_new(), *lazy_cache = mg_view_cache_new();
    mg_view_escapes *esc = NULL;
    mg_view_cache_prune(plain_cache, keep);
    mg_view_cache_prune(lazy_cache, keep);
    mg_view_cache_escapes_lazy(lazy_cache, &esc);
    cJSON *plain = mg_view_build_cached(m, t, plain_cache, d);
    cJSON *lazy = mg_view_build_cached(m, t, lazy_cache, d);
    CHECK(plain != NULL && lazy != NULL && esc != NULL);
    walk w = {.esc = esc, .added = &added};
    mg_buf_init(&w.path);
    if (plain && lazy && esc && !same(&w, plain, lazy)) {
        unit_note("# %s, target %s: the lazy view reads otherwise at %s\n", catalogue, target,
                  w.path.len ? mg_buf_cstr(&w.path) : "/");
        CHECK(!"every lookup in the lazy view answers as in the view without lazy members");
    }
    compared++;
    mg_buf_fini(&w.path);
    mg_view_escapes_free(esc);
    cJSON_Delete(plain);
    cJSON_Delete(lazy);
    mg_view_cache_free(plain_cache);
    mg_view_cache_free(lazy_cache);
    mg_hmap_fini(&added);
}

static void compare_views(const char *catalogue) { unit_each_target_of(catalogue, compare_target); }

/* A synthetic catalogue of `n` messages (bench/synth.py) in a temporary
 * folder, compared and removed; 0 when python3 could not make it. */
static int compare_synthetic(int n)
{
    const char *tmp = getenv("TMPDIR");
    char dir[PATH_MAX], cmd[PATH_MAX * 3], cat[PATH_MAX + 32];
    snprintf(dir, sizeof dir, "%s/msggen-test-view-lookup-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(dir))
        return 0;
    snprintf(cmd, sizeof cmd, "python3 '%s/bench/synth.py' --seed 1 --out '%s/synth' %d >/dev/null 2>&1", unit_top,
             dir, n);
    int ok = system(cmd) == 0;
    snprintf(cat, sizeof cat, "%s/synth/asyncapi.yaml", dir);
    if (ok)
        compare_views(cat);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    CHECK(system(cmd) == 0);
    return ok;
}

static void every_lookup_in_a_lazy_view_should_answer_as_in_the_plain_view(void)
{
    unit_each_catalogue(compare_views);
    char path[PATH_MAX * 2];
    snprintf(path, sizeof path, "%s/tests/hostile/hostile.yaml", unit_top);
    compare_views(path);
    snprintf(path, sizeof path, "%s/tests/hostile-payloads/catalogue.yaml", unit_top);
    compare_views(path);
    if (!compare_synthetic(40))
        unit_note("# no synthetic catalogue: python3 bench/synth.py did not run\n");
    /* A walk that found nothing must not pass. */
    CHECK(compared >= 4 * 30);
    CHECK(consts_found > 100000);
    printf("# %zu views, %zu objects, %zu lookups compared; %zu constant members read\n", compared, objects,
           lookups, consts_found);
}

int main(void)
{
    if (unit_find_top() < 0) {
        printf("not ok view_lookup: no source tree (templates/c/target.yaml) above the binary\n");
        return 1;
    }
    char templates[PATH_MAX + 16];
    snprintf(templates, sizeof templates, "%s/templates", unit_top);
    setenv("MSGGEN_TEMPLATES", templates, 1);
    RUN(every_lookup_in_a_lazy_view_should_answer_as_in_the_plain_view);
    return unit_done();
}
