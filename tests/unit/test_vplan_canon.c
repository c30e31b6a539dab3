/* test_vplan_canon.c - a cached raw plan converts its functions in place for
 * the first target (vplan.c, canonize: literals escaped, references named,
 * no name_rest), and every later plan made from it is the plan a fresh raw
 * plan makes.
 *
 * For the flagship catalogue, every catalogue of tests/catalogues and the
 * golden cases' inputs, this builds a sequence of plans from one cache, with
 * literal contexts that escape differently (so that some functions need a
 * copy of their own), targets that keep or drop name_rest (it goes back
 * after name_len, also where name_len itself is left out), a target whose
 * escapes forbid whole-function sharing (a copy of the converted functions,
 * pruned) and one without sharing at all, and compares each plan, and the
 * type items it added to, with the same build made without a cache. */
#include "../../generator/vplan.c"

#include "load.h"
#include "unit.h"
#include "catalogues.h"

static void quiet(void *user, const char *line)
{
    (void)user;
    (void)line;
}

/* The escaped keys of a target: none, or one the functions have. */
static int escapes_none(void *arg, const char *key)
{
    (void)arg;
    (void)key;
    return 0;
}

static int escapes_message(void *arg, const char *key)
{
    (void)arg;
    return !strcmp(key, "message_lit");
}

/* What a target keeps: every member but name_rest, or every member but
 * name_len. */
static int keep_but_rest(void *arg, const cJSON *member)
{
    (void)arg;
    return strcmp(member->string, "name_rest") != 0;
}

static int keep_but_len(void *arg, const cJSON *member)
{
    (void)arg;
    return strcmp(member->string, "name_len") != 0;
}

typedef struct build {
    const char *literal;
    int (*escaped)(void *arg, const char *key);
    int (*keep)(void *arg, const cJSON *member);
} build;

/* The first converts; the others copy, refer, or both. */
static const build builds[] = {
    {"c", escapes_none, keep_but_rest},
    {"markdown", escapes_none, keep_but_rest}, /* other literals: copies */
    {"c", escapes_none, NULL},                 /* name_rest back: copies */
    {"python", escapes_message, keep_but_len}, /* no function shared: pruned copies */
    {"json", NULL, NULL},                      /* no sharing at all */
    {"markdown", escapes_none, keep_but_rest}, /* the copies of the second */
    {"c", escapes_none, keep_but_rest},        /* the converted functions again */
};

static size_t models, variants, copied; /* catalogues; function copies; builds that copy */

/* A `types` list for one build: an item per type, as the view's have `id`. */
static cJSON *types_of(const mg_model *m)
{
    cJSON *types = cJSON_CreateArray();
    for (int i = 0; i < m->ntypes; i++) {
        cJSON *t = cJSON_CreateObject();
        cJSON_AddStringToObject(t, "id", m->types[i]->name.s[MG_CASE_RAW]);
        cJSON_AddItemToArray(types, t);
    }
    return types;
}

/* The plan and the types of build `b` as JSON text (NULL: failed);
 * *shared is set when its functions refer to the cache's (whole functions
 * shared: they then hold every member, whatever the target keeps). */
static char *plan_text(const mg_model *m, const build *b, mg_vplan_raw **cache, mg_diag *d, char **types_text,
                       int *shared)
{
    cJSON *opts = cJSON_CreateObject();
    cJSON_AddStringToObject(opts, "literal", b->literal);
    cJSON *types = types_of(m);
    cJSON *plan = mg_vplan_build_shared(m, types, opts, cache, b->escaped, b->keep, NULL, NULL, d);
    char *text = plan ? cJSON_PrintUnformatted(plan) : NULL;
    const cJSON *fns = cJSON_GetObjectItemCaseSensitive(plan, "functions");
    *shared = fns && fns->child && (fns->child->type & cJSON_IsReference);
    *types_text = cJSON_PrintUnformatted(types);
    cJSON_Delete(plan);
    cJSON_Delete(types);
    cJSON_Delete(opts);
    return text;
}

/* Build `i` from the long-lived cache against `ref`, a build of the same
 * target made otherwise. */
static void compare_texts(const char *what, size_t i, const char *how, const char *plan, const char *types,
                          const char *ref_plan, const char *ref_types)
{
    CHECK(plan != NULL && ref_plan != NULL);
    int same = plan && ref_plan && !strcmp(plan, ref_plan);
    if (!same)
        unit_note("# %s: build %zu (%s) from the converted cache differs from %s\n", what, i, builds[i].literal,
                  how);
    CHECK(same);
    CHECK(types && ref_types && !strcmp(types, ref_types));
}

/* Each build from one cache, against the same build as the first of a
 * cache of its own (its functions converted for it, or copied from them
 * as that build copies them) and, when it copies the functions, without
 * a cache (the raw functions copied: the plan made before conversion). */
static void compare_model(const char *what, const mg_model *m)
{
    mg_diag d;
    mg_diag_init_sink(&d, quiet, NULL);
    mg_vplan_raw *cache = NULL;
    for (size_t i = 0; i < sizeof builds / sizeof *builds; i++) {
        char *ct, *ft, *rt;
        int shared, fshared, rshared;
        mg_vplan_raw *first = NULL;
        char *cached = plan_text(m, &builds[i], &cache, &d, &ct, &shared);
        char *fresh = plan_text(m, &builds[i], &first, &d, &ft, &fshared);
        CHECK(shared == fshared);
        compare_texts(what, i, "the first build of a cache", cached, ct, fresh, ft);
        if (!shared) {
            char *raw = plan_text(m, &builds[i], NULL, &d, &rt, &rshared);
            compare_texts(what, i, "a build without a cache", cached, ct, raw, rt);
            cJSON_free(raw);
            cJSON_free(rt);
            copied++;
        }
        mg_vplan_raw_free(first);
        cJSON_free(cached);
        cJSON_free(fresh);
        cJSON_free(ct);
        cJSON_free(ft);
    }
    CHECK(cache != NULL && cache->converted);
    for (size_t k = 0; cache && k < cache->ncopies; k++)
        for (const fn_variant *v = cache->copies[k].variants; v; v = v->next)
            variants++;
    mg_vplan_raw_free(cache);
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

static void vplan_should_build_from_a_converted_cache_what_a_fresh_raw_plan_builds(void)
{
    models = variants = copied = 0;
    CHECK(unit_find_top() == 0);
    unit_each_catalogue(compare_file);
    printf("# %zu catalogues, %zu function copies beside the converted functions, %zu builds copying functions\n",
           models, variants, copied);
    CHECK(models >= 30);
    CHECK(variants > 500); /* the name_rest and markdown copies */
    CHECK(copied > models); /* every json build, and most python ones */
}

int main(void)
{
    (void)unit_each_target_of; /* catalogues.h's, for other tests */
    RUN(vplan_should_build_from_a_converted_cache_what_a_fresh_raw_plan_builds);
    return unit_done();
}
