/* test_vplan_dedup.c - a cached raw plan's converted functions keep each
 * list or object that reads as one met before once (vplan.c, dd_walk: a
 * repeat is a reference to the first), and nothing a target reads changes:
 *   - a target that answers for constants (as a lazy view does) and refers
 *     to the converted functions reads, through the references, the members
 *     and values of the plan made without a cache (the constants it is given
 *     among them), for the literals the functions were converted for (C);
 *   - a target whose literals read otherwise (Python, TypeScript) gets
 *     copies made through the references, with its own literals: the same
 *     text as the plan made without a cache for those literals, with and
 *     without answers for constants;
 *   - no part kept is the same as another kept part (a repeat missed is
 *     not an error, two parts that differ made one is: the comparisons
 *     above catch that), and every reference refers to a kept part.
 * For the flagship catalogue, every catalogue of tests/catalogues and the
 * golden cases' inputs. And functions that differ only in the constants a
 * cached raw plan leaves out as it compiles (strip_fn) stay apart. */
#include "../../generator/vplan.c"

#include "load.h"
#include <unistd.h>
#include "unit.h"
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

static int keep_but_rest(void *arg, const cJSON *member)
{
    (void)arg;
    return strcmp(member->string, "name_rest") != 0;
}

/* The test's answer for constants: each chain a list of (name, value), each
 * object given one by its first member. */
typedef struct chain {
    const char *keys[STRIP_MAX];
    int vals[STRIP_MAX];
    size_t n;
} chain;

typedef struct given {
    const cJSON *first;
    uint32_t chain;
} given;

typedef struct answers {
    chain *chains;
    size_t nchains, capchains;
    given *gives;
    size_t ngives, capgives;
} answers;

static uint32_t t_chain(void *arg, const char *const *keys, const int *vals, size_t n)
{
    answers *a = arg;
    a->chains = mg_xgrow(a->chains, a->nchains, &a->capchains, sizeof *a->chains);
    chain *c = &a->chains[a->nchains];
    for (size_t i = 0; i < n; i++) {
        c->keys[i] = keys[i];
        c->vals[i] = vals[i];
    }
    c->n = n;
    return (uint32_t)++a->nchains;
}

static void t_put(void *arg, cJSON *first, uint32_t ch)
{
    answers *a = arg;
    a->gives = mg_xgrow(a->gives, a->ngives, &a->capgives, sizeof *a->gives);
    a->gives[a->ngives++] = (given){first, ch};
}

/* The chain given last to the object whose first member is `first`, or NULL. */
static const chain *chain_of(const answers *a, const cJSON *first)
{
    for (size_t i = a->ngives; i-- > 0;)
        if (a->gives[i].first == first)
            return &a->chains[a->gives[i].chain - 1];
    return NULL;
}

static size_t t_list(void *arg, const cJSON *obj, const char **keys, int *vals, size_t max)
{
    (void)arg, (void)obj, (void)keys, (void)vals, (void)max;
    return 0;
}

static int t_is_true(void *arg, const cJSON *obj, const char *k)
{
    (void)arg, (void)obj, (void)k;
    return 0;
}

static size_t models, refs_made, parts_kept, variant_builds;

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* `j` as JSON text with every object's members sorted by name, and the
 * constants given to it (`a`, may be NULL) among them; references are read
 * through, as a template reads them. */
static void sorted_text(const answers *a, const cJSON *j, mg_buf *out)
{
    int type = j->type & 0xFF;
    if (type == cJSON_Array) {
        mg_buf_putc(out, '[');
        for (const cJSON *c = j->child; c; c = c->next) {
            sorted_text(a, c, out);
            if (c->next)
                mg_buf_putc(out, ',');
        }
        mg_buf_putc(out, ']');
        return;
    }
    if (type != cJSON_Object) {
        cJSON plain = *j;
        plain.next = plain.prev = NULL;
        plain.string = NULL;
        plain.type &= 0xFF;
        char *t = cJSON_PrintUnformatted(&plain);
        mg_buf_append_str(out, t);
        cJSON_free(t);
        return;
    }
    size_t n = 0, cap = 16;
    char **items = mg_xcalloc(cap, sizeof *items);
    for (const cJSON *c = j->child; c; c = c->next) {
        mg_buf b;
        mg_buf_init(&b);
        mg_buf_appendf(&b, "\"%s\":", c->string);
        sorted_text(a, c, &b);
        items = mg_xgrow(items, n, &cap, sizeof *items);
        items[n++] = mg_buf_steal(&b, NULL);
    }
    const chain *ch = a && j->child ? chain_of(a, j->child) : NULL;
    for (size_t i = 0; ch && i < ch->n; i++) {
        mg_buf b;
        mg_buf_init(&b);
        mg_buf_appendf(&b, "\"%s\":%s", ch->keys[i],
                       ch->vals[i] == cJSON_True ? "true" : ch->vals[i] == cJSON_False ? "false"
                                                          : ch->vals[i] == cJSON_NULL  ? "null" : "[]");
        items = mg_xgrow(items, n, &cap, sizeof *items);
        items[n++] = mg_buf_steal(&b, NULL);
    }
    qsort(items, n, sizeof *items, cmp_str);
    mg_buf_putc(out, '{');
    for (size_t i = 0; i < n; i++) {
        mg_buf_append_str(out, items[i]);
        if (i + 1 < n)
            mg_buf_putc(out, ',');
        free(items[i]);
    }
    free(items);
    mg_buf_putc(out, '}');
}

static cJSON *types_of(const mg_model *m)
{
    cJSON *types = cJSON_CreateArray();
    for (int i = 0; i < m->ntypes; i++) {
        cJSON *t = cJSON_CreateObject();
        cJSON_AddStringToObject(t, "id", m->types[i]->name.s[MG_CASE_RAW]);
        if (m->types[i]->kind == MG_TYPE_UNION) {
            cJSON_AddTrueToObject(t, "is_union");
            cJSON *opts = cJSON_AddArrayToObject(t, "options");
            for (int k = 0; k < m->types[i]->noptions; k++)
                cJSON_AddItemToArray(opts, cJSON_CreateObject());
        }
        cJSON_AddItemToArray(types, t);
    }
    return types;
}

/* A plan of `m` for literals `lit`, as text (sorted through `a`, or plain
 * when `a` is NULL) of plan and types, concatenated. */
static char *build(const mg_model *m, const char *lit, mg_vplan_raw **cache, answers *a)
{
    mg_diag d;
    mg_diag_init_sink(&d, quiet, NULL);
    cJSON *opts = cJSON_CreateObject();
    cJSON_AddStringToObject(opts, "literal", lit);
    cJSON *types = types_of(m);
    mg_vplan_consts consts = {.list = t_list, .is_true = t_is_true, .arg = a, .chain = t_chain, .put = t_put};
    cJSON *p = mg_vplan_build_shared(m, types, opts, cache, escapes_none, keep_but_rest, NULL, a ? &consts : NULL, &d);
    CHECK(p != NULL);
    mg_buf b;
    mg_buf_init(&b);
    if (a) {
        if (p)
            sorted_text(a, p, &b);
        sorted_text(a, types, &b);
    } else {
        char *t = p ? cJSON_PrintUnformatted(p) : mg_xstrdup("");
        mg_buf_append_str(&b, t);
        cJSON_free(t);
        t = cJSON_PrintUnformatted(types);
        mg_buf_append_str(&b, t);
        cJSON_free(t);
    }
    cJSON_Delete(p);
    cJSON_Delete(types);
    cJSON_Delete(opts);
    return mg_buf_steal(&b, NULL);
}

/* Counts the references to kept parts under `j` and checks that each
 * refers to a kept part (in `kept`, by its first member). */
static void count_refs(const cJSON *j, const mg_hmap *kept)
{
    for (const cJSON *c = j->child; c; c = c->next) {
        if (is_dedup_ref(c)) {
            refs_made++;
            CHECK(c->child != NULL && mg_hmap_get_ptr(kept, c->child) != NULL);
            continue;
        }
        if ((c->type & cJSON_IsReference) || !c->child)
            continue;
        count_refs(c, kept);
    }
}

/* Every kept part (a list or object under a function that is no
 * reference) by its first member, in `kept`. */
static void note_parts(const cJSON *j, mg_hmap *kept, int top)
{
    for (const cJSON *c = j->child; c; c = c->next) {
        int t = c->type & 0xFF;
        if ((c->type & cJSON_IsReference) || !c->child || (t != cJSON_Array && t != cJSON_Object))
            continue;
        int added;
        mg_hmap_put_ptr(kept, c->child, &added);
        note_parts(c, kept, 0);
    }
    (void)top;
}

static const char *const lits[] = {"c", "python", "typescript"};

static void compare_model(const char *what, const mg_model *m)
{
    /* Without a cache: nothing shared (the reference), for each literal
     * context, sorted with no answers (every member in place) and plain. */
    char *ref_sorted[3], *ref_plain[3];
    for (size_t i = 0; i < 3; i++) {
        answers none = {0};
        ref_sorted[i] = build(m, lits[i], NULL, &none);
        CHECK(none.ngives == 0);
        ref_plain[i] = build(m, lits[i], NULL, NULL);
    }
    /* A cache converted for C; then each context with answers (C refers
     * to the converted functions, the others get copies) and without. */
    mg_vplan_raw *cache = NULL;
    for (int round = 0; round < 2; round++)
        for (size_t i = 0; i < 3; i++) {
            answers a = {0};
            char *s = build(m, lits[i], &cache, &a);
            if (strcmp(s, ref_sorted[i]))
                unit_note("# %s: %s literals, constants given, round %d: differs from the plan without a cache\n",
                          what, lits[i], round);
            CHECK(!strcmp(s, ref_sorted[i]));
            free(s);
            free(a.chains);
            free(a.gives);
            s = build(m, lits[i], &cache, NULL);
            if (strcmp(s, ref_plain[i]))
                unit_note("# %s: %s literals, no answers, round %d: differs from the plan without a cache\n", what,
                          lits[i], round);
            CHECK(!strcmp(s, ref_plain[i]));
            free(s);
            if (i)
                variant_builds++;
        }
    CHECK(cache != NULL && cache->converted);
    if (cache) {
        mg_hmap kept;
        mg_hmap_init(&kept, sizeof(const cJSON *));
        note_parts(cache->functions, &kept, 1);
        count_refs(cache->functions, &kept);
        parts_kept += mg_hmap_len(&kept);
        mg_hmap_fini(&kept);
    }
    mg_vplan_raw_free(cache);
    for (size_t i = 0; i < 3; i++) {
        free(ref_sorted[i]);
        free(ref_plain[i]);
    }
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

static void vplan_should_keep_repeated_parts_once_and_read_the_same(void)
{
    models = refs_made = parts_kept = variant_builds = 0;
    CHECK(unit_find_top() == 0);
    unit_each_catalogue(compare_file);
    printf("# %zu catalogues, %zu parts kept, %zu references to them, %zu builds with other literals\n", models,
           parts_kept, refs_made, variant_builds);
    CHECK(models >= 30);
    CHECK(refs_made > 300); /* repeats are kept once (688 when written) */
    CHECK(variant_builds == 4 * models);
}

/* Schemas whose functions differ only in constants (uniqueItems, a
 * `false` additionalProperties: flags the functions of a cached raw plan
 * leave out as they are compiled, strip_fn): they must stay two functions
 * (share_functions compares the sets left out), and parts that differ only
 * in them two parts. */
static void vplan_should_keep_functions_that_differ_only_in_constants_apart(void)
{
    static const char text[] =
        "{\"$schema\": \"http://json-schema.org/draft-07/schema#\", \"title\": \"T\", \"$defs\": {"
        "\"A\": {\"type\": \"array\", \"items\": {\"type\": \"string\"}},"
        "\"B\": {\"type\": \"array\", \"items\": {\"type\": \"string\"}, \"uniqueItems\": true},"
        "\"C\": {\"type\": \"object\", \"properties\": {\"x\": {\"type\": \"string\"}}},"
        "\"D\": {\"type\": \"object\", \"properties\": {\"x\": {\"type\": \"string\"}},"
        " \"additionalProperties\": false},"
        "\"E\": {\"type\": \"object\", \"properties\": {\"a\": {\"$ref\": \"#/$defs/A\"},"
        " \"b\": {\"$ref\": \"#/$defs/B\"}, \"c\": {\"$ref\": \"#/$defs/C\"}, \"d\": {\"$ref\": \"#/$defs/D\"}}}}}";
    char dir[] = "/tmp/test_vplan_dedup.XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char path[512];
    snprintf(path, sizeof path, "%s/consts.json", dir);
    FILE *fp = fopen(path, "w");
    CHECK(fp != NULL);
    if (!fp)
        return;
    fputs(text, fp);
    fclose(fp);
    models = 0;
    compare_file(path);
    CHECK(models == 1);
    /* And the cached plan has a function for each of A, B, C and D. */
    mg_diag d;
    mg_diag_init_sink(&d, quiet, NULL);
    mg_docset *set = NULL;
    mg_model *m = mg_model_load(path, NULL, 0, &set, &d);
    CHECK(m != NULL);
    if (m) {
        mg_vplan_raw *cache = NULL;
        answers a = {0};
        free(build(m, "c", &cache, &a));
        int fa = -1, fb = -1, fc = -1, fd = -1;
        for (int i = 0; cache && i < m->ntypes; i++) {
            const char *n = m->types[i]->name.s[MG_CASE_RAW];
            int *at = !strcmp(n, "A") ? &fa : !strcmp(n, "B") ? &fb : !strcmp(n, "C") ? &fc : !strcmp(n, "D") ? &fd : NULL;
            if (at)
                *at = cache->type_fn[i];
        }
        CHECK(fa >= 0 && fb >= 0 && fa != fb);
        CHECK(fc >= 0 && fd >= 0 && fc != fd);
        mg_vplan_raw_free(cache);
        free(a.chains);
        free(a.gives);
    }
    mg_model_free(m);
    if (set)
        mg_docset_free(set);
    remove(path);
    rmdir(dir);
}

int main(void)
{
    (void)unit_each_target_of; /* catalogues.h's, for other tests */
    RUN(vplan_should_keep_repeated_parts_once_and_read_the_same);
    RUN(vplan_should_keep_functions_that_differ_only_in_constants_apart);
    return unit_done();
}
