/* test_vplan_refs.c - the function references compile notes for sharing
 * (vplan.c, add_ref into pctx.refpool, chained per function through
 * fn_refs) are, for each compiled function, exactly the members that
 * remap would find by walking it: every number under a function key of
 * its own object, none of another function's. Functions are compiled
 * inside one another, so their notes interleave in the one list.
 *
 * For the flagship catalogue, every catalogue of tests/catalogues and the
 * golden cases' inputs, this compiles every type as build_raw does, and
 * compares each function's chain with a walk of the function. */
#include "../../generator/vplan.c"

#include "load.h"
#include "unit.h"
#include "catalogues.h"

static size_t functions, references, differ;

static void quiet(void *user, const char *line)
{
    (void)user;
    (void)line;
}

static int cmp_ptr(const void *a, const void *b)
{
    uintptr_t x = (uintptr_t)*(cJSON *const *)a, y = (uintptr_t)*(cJSON *const *)b;
    return x < y ? -1 : x > y;
}

/* The numbers under function keys below `j` (remap_gather's), into want[*n..]. */
static void walk_refs(fn_key_ent *fc, cJSON *j, cJSON **want, size_t max, size_t *n)
{
    for (cJSON *c = j->child; c; c = c->next) {
        if (c->string && (c->type & 0xFF) == cJSON_Number && member_is_fn_key(fc, c)) {
            if (*n < max)
                want[*n] = c;
            ++*n;
        } else if ((c->type & 0xFF) == cJSON_Object || (c->type & 0xFF) == cJSON_Array)
            walk_refs(fc, c, want, max, n);
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
    if (!m) {
        if (set)
            mg_docset_free(set);
        return;
    }
    /* build_raw up to sharing. */
    pctx c = {.m = m, .d = &d, .raw = 1, .memo = 1};
    c.fnkeys = mg_xcalloc(FN_KEY_CACHE, sizeof *c.fnkeys);
    mg_hmap_init(&c.nodes, sizeof(node_ent));
    mg_hmap_init(&c.memo_map, sizeof(memo_ent));
    mg_buf_init(&c.uri_text);
    mg_buf_init(&c.name_text);
    c.functions = cJSON_CreateArray();
    c.patterns = cJSON_CreateArray();
    for (int i = 0; i < m->ntypes; i++)
        if (m->types[i]->schema)
            compile(&c, m->types[i]->doc, m->types[i]->schema);
    size_t total = 0;
    for (cJSON *f = c.functions->child; f; f = f->next) {
        int id = id_of(mg_json_get(f, "id"));
        CHECK(id >= 0 && id < c.nfunctions);
        if (id < 0 || id >= c.nfunctions)
            continue;
        const fn_refs *r = &c.refs[id];
        CHECK(r->done);
        cJSON *want[256], *got[256];
        size_t nw = 0, ng = 0;
        walk_refs(c.fnkeys, f, want, 256, &nw);
        for (uint32_t at = r->first; at; at = c.refpool.v[at - 1].next, ng++)
            if (ng < 256)
                got[ng] = c.refpool.v[at - 1].node;
        CHECK(nw <= 256 && ng <= 256);
        int same = nw == ng && nw <= 256;
        if (same) {
            qsort(want, nw, sizeof *want, cmp_ptr);
            qsort(got, ng, sizeof *got, cmp_ptr);
            for (size_t i = 0; same && i < nw; i++)
                same = want[i] == got[i];
        }
        if (!same) {
            if (differ++ < 3)
                unit_note("# %s: function %d: %zu references, %zu noted\n", path, id, nw, ng);
            CHECK(same);
        }
        functions++;
        references += nw;
        total += ng;
    }
    /* No note is another function's, none is lost. */
    CHECK(total == c.refpool.n);
    cJSON_Delete(c.functions);
    cJSON_Delete(c.patterns);
    free(c.refs);
    free(c.refpool.v);
    free(c.alias);
    free(c.fnkeys);
    free(c.strip_at);
    free(c.strip_n);
    free(c.pend);
    mg_hmap_fini(&c.memo_map);
    mg_hmap_fini(&c.sig_of);
    free_uris(&c);
    mg_model_free(m);
    mg_docset_free(set);
}

static void every_function_should_have_its_references_noted_and_no_other(void)
{
    CHECK(unit_find_top() == 0);
    unit_each_catalogue(compare_catalogue);
    unit_note("# %zu functions, %zu references, %zu noted otherwise\n", functions, references, differ);
    CHECK(functions > 100);
    CHECK(references > functions);
}

int main(void)
{
    (void)unit_each_target_of; /* catalogues.h's, for other tests */
    RUN(every_function_should_have_its_references_noted_and_no_other);
    return unit_done();
}
