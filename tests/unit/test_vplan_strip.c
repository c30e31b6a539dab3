/* test_vplan_strip.c - a cached raw plan's converted functions keep none of
 * their constant members (false, true, null, []: vplan.c, strip_consts), and
 * nothing a target reads changes:
 *   - a target that answers for constants (mg_vplan_consts.chain and .put, as
 *     a lazy view does) refers to the converted functions, and every object
 *     of its plan, with the constants given to it, has the members and values
 *     of the plan made without a cache;
 *   - a target that does not (consts NULL: run.c's full view after a pruned
 *     render failed) gets copies with the constants back in their places:
 *     the same text as the plan made without a cache.
 * For the flagship catalogue, every catalogue of tests/catalogues and the
 * golden cases' inputs. */
#include "../../generator/vplan.c"

#include "load.h"
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

/* The chain given to the object whose first member is `first` (the last
 * one given), or NULL. */
static const chain *chain_of(const answers *a, const cJSON *first)
{
    for (size_t i = a->ngives; i-- > 0;)
        if (a->gives[i].first == first)
            return &a->chains[a->gives[i].chain - 1];
    return NULL;
}

/* The types' and the plan's flags the plan reads through consts (view
 * objects have every member here): none left out. */
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

static size_t models, stripped, given_objs, refers, unions, option_lists;

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* `j` as JSON text with every object's members sorted by name, and the
 * constants given to it (`a`, may be NULL) among them. */
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
        plain.type &= 0xFF; /* not a reference, no flags */
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

/* A `types` list: an item per type, as the view's have `id`, and for a
 * union `is_union` and `options` (an object per option), so that the plan
 * gives it `option_fns` (copies of a function's list). */
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
            unions++;
        }
        cJSON_AddItemToArray(types, t);
    }
    return types;
}


/* A plan of `m` for the C literals; sorted text (through `a`) or plain text
 * of plan and types into *plan and *types. */
static void build(const mg_model *m, mg_vplan_raw **cache, answers *a, int sorted, char **plan, char **types_text)
{
    mg_diag d;
    mg_diag_init_sink(&d, quiet, NULL);
    cJSON *opts = cJSON_CreateObject();
    cJSON_AddStringToObject(opts, "literal", "c");
    cJSON *types = types_of(m);
    mg_vplan_consts consts = {.list = t_list, .is_true = t_is_true, .arg = a, .chain = t_chain, .put = t_put};
    cJSON *p = mg_vplan_build_shared(m, types, opts, cache, escapes_none, keep_but_rest, NULL, a ? &consts : NULL, &d);
    CHECK(p != NULL);
    const cJSON *fns = cJSON_GetObjectItemCaseSensitive(p, "functions");
    if (a && fns && fns->child && (fns->child->type & cJSON_IsReference))
        refers++;
    for (const cJSON *t = types->child; t; t = t->next)
        if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(t, "has_option_fns")))
            option_lists++;
    if (sorted) {
        mg_buf b;
        mg_buf_init(&b);
        if (p)
            sorted_text(a, p, &b);
        *plan = mg_buf_steal(&b, NULL);
        mg_buf_init(&b);
        sorted_text(a, types, &b);
        *types_text = mg_buf_steal(&b, NULL);
    } else {
        char *t = p ? cJSON_PrintUnformatted(p) : mg_xstrdup("");
        *plan = mg_xstrdup(t);
        cJSON_free(t);
        t = cJSON_PrintUnformatted(types);
        *types_text = mg_xstrdup(t);
        cJSON_free(t);
    }
    cJSON_Delete(p);
    cJSON_Delete(types);
    cJSON_Delete(opts);
}

static void compare_model(const char *what, const mg_model *m)
{
    /* Without a cache: nothing left out (the reference). */
    char *ref_sorted, *ref_types_sorted, *ref_plain, *ref_types_plain;
    build(m, NULL, NULL, 1, &ref_sorted, &ref_types_sorted);
    build(m, NULL, NULL, 0, &ref_plain, &ref_types_plain);

    /* A cache: the first build converts and refers (constants given); the
     * second refers again; the third answers for nothing (copies). */
    mg_vplan_raw *cache = NULL;
    answers a = {0};
    char *plan, *types;
    for (int i = 0; i < 2; i++) {
        build(m, &cache, &a, 1, &plan, &types);
        int same = !strcmp(plan, ref_sorted) && !strcmp(types, ref_types_sorted);
        if (!same)
            unit_note("# %s: build %d, constants given, differs from the plan without a cache\n", what, i);
        CHECK(same);
        free(plan);
        free(types);
    }
    given_objs += a.ngives;
    build(m, &cache, NULL, 0, &plan, &types);
    int same = !strcmp(plan, ref_plain) && !strcmp(types, ref_types_plain);
    if (!same)
        unit_note("# %s: build without answers from the converted cache differs from the plan without a cache\n",
                  what);
    CHECK(same);
    free(plan);
    free(types);
    CHECK(cache != NULL && cache->converted);
    for (size_t i = 0; cache && i < cache->nsigs; i++)
        stripped += cache->sigs[i].n;
    /* The converted functions hold no constant (but first members). */
    for (const cJSON *fn = cache ? cache->functions->child : NULL; fn; fn = fn->next)
        for (const cJSON *c = fn->child ? fn->child->next : NULL; c; c = c->next)
            CHECK(!cJSON_IsBool(c) && !cJSON_IsNull(c));
    mg_vplan_raw_free(cache);
    free(a.chains);
    free(a.gives);
    free(ref_sorted);
    free(ref_types_sorted);
    free(ref_plain);
    free(ref_types_plain);
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

static void vplan_should_leave_constants_out_of_converted_functions_and_read_the_same(void)
{
    models = stripped = given_objs = refers = unions = option_lists = 0;
    CHECK(unit_find_top() == 0);
    unit_each_catalogue(compare_file);
    printf("# %zu catalogues, %zu constants in the sets left out, %zu objects given constants, %zu builds "
           "referring, %zu union types, %zu option_fns lists\n",
           models, stripped, given_objs, refers, unions, option_lists);
    CHECK(models >= 30);
    CHECK(given_objs > 1000);
    CHECK(refers == 2 * models); /* every build that answers refers to the converted functions */
    CHECK(option_lists > 20);    /* copies of the converted functions' lists */
}

/* sig_intern numbers each set of constants once: a set equal to one met
 * before in every entry (name, value, place) gets its number, a set that
 * differs in any one entry, the last included, or in length, a new one. The
 * hash tells most sets apart before sig_eq is asked: sig_eq is asked
 * directly too (a collision would leave it alone to decide). */
static void vplan_should_number_each_set_of_constants_once(void)
{
    mg_vplan_raw r = {0};
    mg_hmap_init(&r.sig_ids, sizeof(uint32_t));
    static const char k_a[] = "a", k_b[] = "b";
    const strip_ent base[3] = {{k_a, cJSON_False, 1}, {k_b, cJSON_True, 2}, {k_a, cJSON_Array, 3}};
    uint32_t first = sig_intern(&r, base, 3);
    CHECK_INT(sig_intern(&r, base, 3), first);
    sig_key same = {&r, base, 3}, shorter = {&r, base, 2};
    CHECK(sig_eq(&first, &same));
    CHECK(!sig_eq(&first, &shorter));
    strip_ent other[3];
    size_t distinct = 1;
    for (size_t i = 0; i < 3; i++)
        for (int field = 0; field < 3; field++) {
            memcpy(other, base, sizeof other);
            if (field == 0)
                other[i].key = other[i].key == k_a ? k_b : k_a;
            else if (field == 1)
                other[i].val = cJSON_NULL;
            else
                other[i].pos += 10;
            sig_key q = {&r, other, 3};
            CHECK(!sig_eq(&first, &q));
            uint32_t n = sig_intern(&r, other, 3);
            CHECK(n != first);
            CHECK_INT(n, distinct); /* new */
            CHECK_INT(sig_intern(&r, other, 3), n); /* and kept */
            distinct++;
        }
    CHECK(sig_intern(&r, base, 2) != first);
    CHECK_INT(sig_intern(&r, base, 3), first);
    CHECK_INT(r.nsigs, distinct + 1);
    mg_hmap_fini(&r.sig_ids);
    free(r.sents);
    free(r.sigs);
}

int main(void)
{
    (void)unit_each_target_of; /* catalogues.h's, for other tests */
    RUN(vplan_should_leave_constants_out_of_converted_functions_and_read_the_same);
    RUN(vplan_should_number_each_set_of_constants_once);
    return unit_done();
}
