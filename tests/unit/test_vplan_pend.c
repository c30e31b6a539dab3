/* test_vplan_pend.c - a function compiled for a cache (vplan.c: c->strip_f)
 * never makes the own constant members strip_fn would leave out: its flags
 * (fn_bool, has_* of add_fn_, has_member_hash) and its empty lists
 * (fn_list_add) are kept aside (c->pend) with the member they follow. For
 * schemas that reach every keyword group without compiling a subschema:
 *   - the function's own members but its first hold no such constant;
 *   - its members, with the kept ones put back after their members, read
 *     as the function compiled without a cache (every member made): the same
 *     names, in the same order, with the same kinds. */
#include "../../generator/vplan.c"

#include "unit.h"

/* compile_body of `text` (a JSON schema without subschemas) into a new
 * object; `cache` 1: as for a cache (its flags and empty lists kept aside in
 * c->pend). */
static cJSON *compile_one(pctx *c, const char *text, int cache)
{
    cJSON *node = cJSON_Parse(text);
    CHECK(node != NULL);
    memset(c, 0, sizeof *c);
    c->raw = 1;
    c->literal = MG_ESCAPE_C;
    c->refs = mg_xcalloc(1, sizeof *c->refs);
    c->refcap = 1;
    c->patterns = cJSON_CreateArray();
    cJSON *f = cJSON_CreateObject();
    c->strip_f = cache ? f : NULL;
    compile_body(c, NULL, node, 0, f);
    cJSON_Delete(node);
    free(c->refs);
    free(c->refpool.v);
    cJSON_Delete(c->patterns);
    return f;
}

static int is_constant(const cJSON *m)
{
    int t = m->type & 0xFF;
    return t == cJSON_False || t == cJSON_True || t == cJSON_NULL || (t == cJSON_Array && !m->child);
}

/* "name:kind," for each member of `f`, with c->pend's entries after their
 * members (as strip_consts takes them), into `b`. */
static void members_text(const pctx *c, const cJSON *f, mg_buf *b)
{
    size_t pi = 0;
    for (const cJSON *m = f->child; m; m = m->next) {
        mg_buf_appendf(b, "%s:%d,", m->string, m->type & 0xFF);
        for (; pi < c->npend && c->pend[pi].after == m; pi++)
            mg_buf_appendf(b, "%s:%d,", c->pend[pi].key, c->pend[pi].val);
    }
    CHECK(pi == c->npend); /* every entry follows a member of f */
}

static const char *const schemas[] = {
    "{}",
    "true",
    "{\"type\":\"string\",\"minLength\":1,\"pattern\":\"^a\",\"format\":\"uuid\"}",
    "{\"type\":[\"integer\",\"null\"],\"minimum\":0,\"multipleOf\":2,\"enum\":[1,2]}",
    "{\"type\":\"array\",\"maxItems\":3,\"uniqueItems\":true}",
    "{\"type\":\"object\",\"required\":[\"a\",\"b\"],\"minProperties\":1,\"dependencies\":{\"a\":[\"b\"]}}",
    "{\"const\":\"x\",\"allOf\":[]}",
};

static void a_function_for_a_cache_should_make_no_constant_and_read_the_same(void)
{
    size_t kept = 0;
    for (size_t i = 0; i < sizeof schemas / sizeof *schemas; i++) {
        pctx full, lean;
        cJSON *ff = compile_one(&full, schemas[i], 0);
        cJSON *lf = compile_one(&lean, schemas[i], 1);
        CHECK(full.npend == 0);
        CHECK(lean.npend > 0);
        kept += lean.npend;
        for (const cJSON *m = lf->child ? lf->child->next : NULL; m; m = m->next)
            if (is_constant(m)) {
                CHECK(!is_constant(m));
                unit_note("#   %s: member %s made\n", schemas[i], m->string);
            }
        mg_buf a, b;
        mg_buf_init(&a);
        mg_buf_init(&b);
        members_text(&full, ff, &a);
        members_text(&lean, lf, &b);
        CHECK_STR(mg_buf_cstr(&b), mg_buf_cstr(&a));
        mg_buf_fini(&a);
        mg_buf_fini(&b);
        free(full.pend);
        free(lean.pend);
        cJSON_Delete(ff);
        cJSON_Delete(lf);
    }
    /* Each function's 13 lists and 20 flags, about. */
    CHECK(kept > 30 * sizeof schemas / sizeof *schemas);
}

int main(void)
{
    RUN(a_function_for_a_cache_should_make_no_constant_and_read_the_same);
    return unit_done();
}
