/* test_vplan_kw.c - kw_read (vplan.c) finds a schema's keywords through a
 * cache of keyword_index by the member name's address (kw_of), and reads
 * every schema as a lookup by name per member does.
 *
 * For every object of every document of the flagship catalogue, the
 * catalogues of tests/catalogues and the golden cases' inputs (their member
 * names interned by the loader, thousands of them, so that names share the
 * cache's slots), read twice through one cache per catalogue, and for
 * hand-made schemas whose names are not interned (equal names at other
 * addresses, a "$ref" that is not a string, a second "$ref", a keyword
 * twice), this compares kw_read's answer with one made by keyword_index and
 * strcmp: the same "$ref", the same keywords, the same members. */
#include "../../generator/vplan.c"

#include "load.h"
#include "unit.h"
#include "catalogues.h"

static size_t objects, members, differ;

static void quiet(void *user, const char *line)
{
    (void)user;
    (void)line;
}

/* kw_read as it was before the cache: each member's name looked up. */
static void kw_read_plain(const cJSON *s, kw_members *k)
{
    k->ref = NULL;
    k->has = 0;
    int ref_seen = 0;
    for (const cJSON *m = s->child; m; m = m->next) {
        if (!m->string)
            continue;
        if (!ref_seen && !strcmp(m->string, "$ref")) {
            ref_seen = 1;
            if (cJSON_IsString(m))
                k->ref = m;
            continue;
        }
        int i = keyword_index(m->string);
        if (i >= 0 && !(k->has >> i & 1)) {
            k->has |= (uint64_t)1 << i;
            k->v[i] = m;
        }
    }
}

static void compare_object(kw_ent *kc, const char *what, const cJSON *o)
{
    kw_members got, want;
    kw_read(kc, o, &got);
    kw_read_plain(o, &want);
    int same = got.ref == want.ref && got.has == want.has;
    for (size_t i = 0; same && i < NKEYWORDS; i++)
        if (want.has >> i & 1)
            same = got.v[i] == want.v[i];
    objects++;
    if (!same) {
        if (differ++ < 3)
            unit_note("# %s: an object whose first member is %s read otherwise\n", what,
                      o->child && o->child->string ? o->child->string : "(none)");
        CHECK(same);
    }
}

static void compare_tree(kw_ent *kc, const char *what, const cJSON *j)
{
    if (cJSON_IsObject(j))
        compare_object(kc, what, j);
    for (const cJSON *c = j->child; c; c = c->next) {
        members += c->string != NULL;
        compare_tree(kc, what, c);
    }
}

static void compare_catalogue(const char *path)
{
    mg_diag d;
    mg_diag_init(&d);
    d.sink = quiet; /* the catalogues' warnings are other tests' */
    mg_docset *set = NULL;
    mg_model *m = mg_model_load(path, NULL, 0, &set, &d);
    CHECK(m != NULL);
    if (m) {
        kw_ent *kc = mg_xcalloc(KW_CACHE, sizeof *kc);
        for (int pass = 0; pass < 2; pass++) /* the second mostly from the cache */
            for (size_t i = 0; i < mg_docset_count(set); i++)
                compare_tree(kc, path, mg_docset_doc(set, i)->root);
        free(kc);
        mg_model_free(m);
    }
    if (set)
        mg_docset_free(set);
}

static void kw_read_should_read_every_schema_of_the_catalogues_as_a_lookup_by_name(void)
{
    CHECK(unit_find_top() == 0);
    objects = members = differ = 0;
    unit_each_catalogue(compare_catalogue);
    unit_note("# %zu objects (%zu members) read twice, %zu read otherwise\n", objects, members, differ);
    /* Enough names to share the cache's slots. */
    CHECK(members > 8 * KW_CACHE);
}

static const char *const schemas[] = {
    "{\"type\":\"string\",\"description\":\"d\",\"minLength\":1,\"type\":\"integer\"}",
    "{\"$ref\":1,\"items\":{}}",
    "{\"$ref\":\"#/a\",\"$ref\":\"#/b\",\"type\":\"object\"}",
    "{\"x-type\":1,\"$refs\":\"#/a\",\"propertyNames\":{},\"properties\":{\"type\":{}},\"$ref\":\"#/c\"}",
    "{\"if\":{},\"then\":{},\"else\":{},\"not\":{},\"allOf\":[],\"anyOf\":[],\"oneOf\":[]}",
    "{\"type\":\"string\",\"$ref\":\"#/a\"}",
};

static void kw_read_should_read_names_that_are_not_interned_as_a_lookup_by_name(void)
{
    enum { N = sizeof schemas / sizeof *schemas };
    kw_ent *kc = mg_xcalloc(KW_CACHE, sizeof *kc);
    cJSON *s[2][N]; /* every name at its own address, all alive while the cache is used */
    differ = 0;
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < N; i++) {
            s[pass][i] = cJSON_Parse(schemas[i]);
            CHECK(s[pass][i] != NULL);
            compare_tree(kc, schemas[i], s[pass][i]);
            compare_tree(kc, schemas[i], s[pass][i]);
        }
    CHECK(differ == 0);
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < N; i++)
            cJSON_Delete(s[pass][i]);
    free(kc);
}

int main(void)
{
    (void)unit_each_target_of; /* catalogues.h's, for other tests */
    RUN(kw_read_should_read_every_schema_of_the_catalogues_as_a_lookup_by_name);
    RUN(kw_read_should_read_names_that_are_not_interned_as_a_lookup_by_name);
    return unit_done();
}
