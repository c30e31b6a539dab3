/* test_vplan_bare.c - bare_type_name_of (vplan.c) names a function made
 * for a cache, whose constants are left out (strip_fn), as bare_type_name
 * names the same function made with its constants in place.
 *
 * bare_type_name_of reads the constants through their set's byte in
 * sig_bits, filled the first time a set is met and reused for every other
 * function of the set. A byte of the wrong set, or one that lost "not in
 * the set" (an absent is_schema read as false), would name a function
 * otherwise. This compiles every shipped catalogue's functions both ways,
 * in one order, and compares each function's name. */
#include "../../generator/vplan.c"

#include "load.h"
#include "unit.h"
#include "catalogues.h"

static size_t compared, bare, with_sig, reused, differ;

/* compile of every type, as build_raw does; `strip`: for a cache (its
 * constants left out, into *r). */
static void compile_all(pctx *c, const mg_model *m, mg_diag *d, mg_vplan_raw **r, int **type_fn)
{
    *c = (pctx){.m = m, .d = d, .raw = 1, .memo = 1};
    c->fnkeys = mg_xcalloc(FN_KEY_CACHE, sizeof *c->fnkeys);
    mg_hmap_init(&c->nodes, sizeof(node_ent));
    mg_hmap_init(&c->memo_map, sizeof(memo_ent));
    mg_buf_init(&c->uri_text);
    mg_buf_init(&c->name_text);
    c->functions = cJSON_CreateArray();
    c->patterns = cJSON_CreateArray();
    mg_hmap_init(&c->sig_of, sizeof(sig_ent));
    if (r) {
        *r = mg_xcalloc(1, sizeof **r);
        mg_hmap_init(&(*r)->sig_ids, sizeof(uint32_t));
        c->strip_r = *r;
    }
    *type_fn = mg_xcalloc((size_t)m->ntypes + 1, sizeof **type_fn);
    for (int i = 0; i < m->ntypes; i++)
        (*type_fn)[i] = m->types[i]->schema ? compile(c, m->types[i]->doc, m->types[i]->schema) : -1;
    mg_hmap_fini(&c->memo_map);
    CHECK(!c->failed);
}

static void free_all(pctx *c, mg_vplan_raw *r, int *type_fn)
{
    cJSON_Delete(c->functions);
    cJSON_Delete(c->patterns);
    free(type_fn);
    free_uris(c);
    free(c->alias);
    free(c->refs);
    free(c->refpool.v);
    free(c->fnkeys);
    free(c->strip_at);
    free(c->strip_n);
    free(c->pend);
    mg_hmap_fini(&c->sig_of);
    mg_vplan_raw_free(r);
}

static void compare_bare(const char *path)
{
    mg_diag d;
    mg_diag_init(&d);
    mg_docset *set = NULL;
    mg_model *m = mg_model_load(path, NULL, 0, &set, &d);
    CHECK(m != NULL);
    if (!m)
        return;
    pctx plain, strip;
    mg_vplan_raw *r = NULL;
    int *plain_types, *strip_types;
    compile_all(&plain, m, &d, NULL, &plain_types);
    compile_all(&strip, m, &d, &r, &strip_types);
    CHECK_INT(strip.nfunctions, plain.nfunctions);
    unsigned char *sig_bits = sig_bits_new(&strip);
    const cJSON *a = plain.functions->child, *b = strip.functions->child;
    for (; a && b; a = a->next, b = b->next) {
        CHECK(mg_json_get(a, "id")->valuedouble == mg_json_get(b, "id")->valuedouble);
        uint32_t sig = sig_at(&strip, b->child);
        if (sig != UINT32_MAX) {
            with_sig++;
            reused += sig_bits[sig] != 0;
        }
        const char *want = bare_type_name(a), *got = bare_type_name_of(&strip, b, sig_bits);
        compared++;
        bare += want != NULL;
        if ((!want != !got || (want && strcmp(want, got))) && differ++ < 3)
            unit_note("# %s: function %d named %s, not %s\n", path, (int)mg_json_get(a, "id")->valuedouble,
                      got ? got : "(none)", want ? want : "(none)");
    }
    CHECK(!a && !b);
    free(sig_bits);
    free_all(&plain, NULL, plain_types);
    free_all(&strip, r, strip_types);
    mg_model_free(m);
    mg_docset_free(set);
}

static void vplan_should_name_bare_functions_as_with_their_constants_in_place(void)
{
    CHECK(unit_find_top() == 0);
    unit_each_catalogue(compare_bare);
    printf("# %zu functions, %zu bare, %zu with constants left out, %zu of a set read before\n", compared, bare,
           with_sig, reused);
    CHECK(compared > 500);
    CHECK(bare > 0);
    CHECK(reused > 0);
    CHECK_INT(differ, 0);
}

int main(void)
{
    (void)unit_each_target_of; /* catalogues.h: not needed here */
    RUN(vplan_should_name_bare_functions_as_with_their_constants_in_place);
    return unit_done();
}
