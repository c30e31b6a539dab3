/* test_view_escapes.c - the view's named text escapes (helpers.escapes) and
 * the type links of $refs inside x- extensions. Kept apart from test_view.c,
 * which the model owns; same fixture. */
#include "../../generator/view.c"
#include "testfs.h"
#include "unit.h"
#include "view_fixture.h"

/* A target with one prose escape (code-span aware), one cell escape and one
 * string-literal escape. */
static const char *const MD =
    "name: probe\n"
    "types: {string: string, integer: integer, number: number, boolean: boolean, any: any,\n"
    "        array: '{{items.type}}[]', map: 'map', ref: '{{ref.id}}'}\n"
    "helpers:\n"
    "  escapes:\n"
    "    md:\n"
    "      keys: [description]\n"
    "      code: '`'\n"
    "      pairs: [{from: '<', to: '&lt;'}, {from: '|', to: '\\|', code: true}]\n"
    "    lit:\n"
    "      keys: [json_compact, description]\n"
    "      pairs: [{from: \"'\", to: \"\\\\'\"}, {from: 'ab', to: 'X'}, {from: 'a', to: 'Y'}]\n";

static void escapes_should_skip_code_spans_except_for_code_pairs(void)
{
    fixture f;
    cJSON *v = view_of(&f, CAT
        "        type: object\n"
        "        description: \"a <b> `<c>|d` ``x`<y`` `<z> |\\n\\n\"\n"
        "        properties: {p: {type: string, description: 'it''s'}}\n", MD);
    CHECK(v != NULL);
    if (!v) { unit_note("# %s", errs); fixture_fini(&f, v); return; }
    /* Inside `...` and ``...`` only the code pair applies; the last backtick
     * has no closer, so it is literal and `<z>` is plain text. Trailing line
     * breaks are dropped. */
    CHECK_STR(str_at(v, "types/0/description_md"), "a &lt;b> `<c>\\|d` ``x`<y`` `&lt;z> \\|");
    CHECK_STR(str_at(v, "types/0/fields/0/description_lit"), "it\\'s");
    /* Without `code`, every pair applies everywhere. */
    CHECK_STR(str_at(v, "types/0/description_lit"), "Y <b> `<c>|d` ``x`<y`` `<z> |");
    CHECK_STR(str_at(v, "types/0/fields/0/description_md"), "it's");
    fixture_fini(&f, v);
}

static void escapes_should_apply_pairs_in_order_and_leave_raw_json_alone(void)
{
    fixture f;
    cJSON *v = view_of(&f, CAT
        "        type: object\n"
        "        properties: {p: {type: string, default: {description: 'raw <x>'}}}\n"
        "      examples:\n"
        "        - payload: {p: \"aab'\"}\n", MD);
    CHECK(v != NULL);
    if (!v) { unit_note("# %s", errs); fixture_fini(&f, v); return; }
    CHECK_STR(str_at(v, "messages/0/examples/0/json_compact_lit"), "{\"p\":\"YX\\'\"}");
    /* Raw catalogue JSON (defaults, example values) gains no keys. */
    CHECK(at(v, "types/0/fields/0/default/description_md") == NULL);
    CHECK(at(v, "messages/0/examples/0/value/p_lit") == NULL);
    /* The escape definitions themselves are not escaped. */
    CHECK(at(v, "target/escapes/md/code_md") == NULL);
    fixture_fini(&f, v);
}

static void escapes_should_be_checked_when_the_target_loads(void)
{
    fixture f;
    cJSON *v = view_of(&f, CAT "        type: object\n",
                       "name: probe\nhelpers:\n  escapes:\n    md: {keys: [description], pairs: [{from: '', to: x}]}\n");
    CHECK(v == NULL);
    CHECK(strstr(errs, "target.yaml:4:39: error: helpers.escapes.md.pairs entries need a non-empty 'from'") != NULL);
    fixture_fini(&f, v);
    v = view_of(&f, CAT "        type: object\n",
                "name: probe\nhelpers:\n  escapes:\n    md: {keys: [description], code: '``', pairs: []}\n");
    CHECK(v == NULL);
    CHECK(strstr(errs, "helpers.escapes.md.code must be one character") != NULL);
    fixture_fini(&f, v);
    v = view_of(&f, CAT "        type: object\n", "name: probe\nhelpers:\n  escapes:\n    md: {pairs: []}\n");
    CHECK(v == NULL);
    CHECK(strstr(errs, "target.yaml:4:9: error: helpers.escapes.md needs 'keys'") != NULL);
    fixture_fini(&f, v);
}

/* The member at `path` of a lazy view as a template reads it: each
 * object's own member, else the escaped one mg_view_escapes_get makes. */
static const cJSON *lazy_at(const cJSON *j, mg_view_escapes *esc, const char *path)
{
    char buf[256];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *tok = strtok(buf, "/"); tok && j; tok = strtok(NULL, "/")) {
        if (cJSON_IsArray(j)) {
            j = cJSON_GetArrayItem(j, atoi(tok));
            continue;
        }
        const cJSON *m = cJSON_GetObjectItemCaseSensitive(j, tok);
        size_t n = strlen(tok);
        j = m ? m : mg_view_escapes_get(esc, j, tok, n, mg_hash_mem_seed(0, tok, n));
    }
    return j;
}

static void lazy_escapes_should_read_as_added_ones_through_references_and_shares(void)
{
    static const char *const target =
        "name: probe\n"
        "types: {string: string, integer: integer, number: number, boolean: boolean, any: any,\n"
        "        array: '{{items.type}}[]', map: 'map', ref: '{{ref.id}}'}\n"
        "helpers:\n"
        "  escapes:\n"
        "    md:\n"
        "      keys: [description, summary]\n"
        "      code: '`'\n"
        "      pairs: [{from: '<', to: '&lt;'}]\n"
        "    lit:\n"
        "      keys: [json_compact, description]\n"
        "      pairs: [{from: \"'\", to: \"\\\\'\"}]\n";
    fixture f;
    cJSON *v = view_of(&f, "asyncapi: 3.0.0\ninfo: {title: T, version: '1', description: 'cat <x>'}\n"
        "components:\n  messages:\n    m:\n      payload:\n"
        "        type: object\n"
        "        description: \"a <b> `<c>`\"\n"
        "        required: [p]\n"
        "        properties:\n"
        "          p: {type: string, description: \"it's <p>\", default: {description: 'raw <x>'}}\n"
        "          q: {type: integer}\n"
        "      examples:\n"
        "        - {summary: 'one <1>', payload: {p: \"a'b\"}}\n", target);
    CHECK(v != NULL);
    if (!v) { unit_note("# %s", errs); fixture_fini(&f, v); return; }
    mg_view_cache *eager_cache = mg_view_cache_new(), *lazy_cache = mg_view_cache_new();
    mg_view_escapes *esc = NULL;
    mg_view_cache_escapes_lazy(lazy_cache, &esc);
    cJSON *eager = mg_view_build_cached(f.m, &f.t, eager_cache, &f.d);
    cJSON *lazy = mg_view_build_cached(f.m, &f.t, lazy_cache, &f.d);
    CHECK(eager != NULL && lazy != NULL && esc != NULL);
    /* Owned objects, list items shared by reference (a message's `fields`),
     * an object reference (`example`), shares (`objects`, `required_fields`),
     * null members (q has no description), raw JSON and target settings. */
    static const char *const paths[] = {
        "catalogue/description_md", "types/0/description_md", "types/0/description_lit",
        "types/0/fields/0/description_md", "types/0/fields/0/description_lit",
        "types/0/fields/1/description_md", "types/0/required_fields/0/description_md",
        "types/0/optional_fields/0/description_lit", "objects/0/description_md",
        "messages/0/fields/0/description_lit", "messages/0/example/summary_md",
        "messages/0/examples/0/summary_md", "messages/0/examples/0/json_compact_lit",
        "types/0/fields/0/default/description_md", "target/escapes/md/code_md",
        "types/0/summary_md", "types/0/description_cell",
    };
    int made = 0;
    for (size_t i = 0; eager && lazy && i < sizeof paths / sizeof paths[0]; i++) {
        const cJSON *a = at(eager, paths[i]), *b = lazy_at(lazy, esc, paths[i]);
        made += b != NULL;
        /* The lazy view itself has none of them. */
        CHECK(at(lazy, paths[i]) == NULL);
        if (!a || !b ? a != b : !cJSON_Compare(a, b, 1)) {
            unit_note("# %s: eager %s, lazy %s\n", paths[i], a ? cJSON_PrintUnformatted(a) : "(none)",
                      b ? cJSON_PrintUnformatted(b) : "(none)");
            CHECK(!"a lazy escape reads as the added one");
        }
    }
    CHECK(made == 13);
    const cJSON *shared = lazy_at(lazy, esc, "objects/0/description_md");
    CHECK_STR(cJSON_IsString(shared) ? shared->valuestring : NULL, "a &lt;b> `<c>`");
    CHECK(cJSON_IsNull(lazy_at(lazy, esc, "types/0/fields/1/description_md")));
    /* Made once per member list: asked again, the same member. */
    CHECK(shared && shared == lazy_at(lazy, esc, "objects/0/description_md"));
    CHECK(lazy_at(lazy, esc, "types/0/description_md") == lazy_at(lazy, esc, "types/0/description_md"));
    mg_view_escapes_free(esc);
    cJSON_Delete(eager);
    cJSON_Delete(lazy);
    mg_view_cache_free(eager_cache);
    mg_view_cache_free(lazy_cache);
    fixture_fini(&f, v);
}

/* A lazy escaped member is made once per (rule as written, text): for two
 * objects of one text and for two rules alike (code and pairs) under other
 * names; texts that only look alike (same length, same first, middle and
 * last eight bytes, which is what escaped_text once hashed) and rules that
 * differ get their own. Each view's escapes have their own members. */
static void escaped_texts_should_be_made_once_per_rule_and_text(void)
{
    static const char *const target =
        "name: probe\n"
        "types: {string: string, integer: integer, number: number, boolean: boolean, any: any,\n"
        "        array: '{{items.type}}[]', map: 'map', ref: '{{ref.id}}'}\n"
        "helpers:\n"
        "  escapes:\n"
        "    md:\n"
        "      keys: [description]\n"
        "      code: '`'\n"
        "      pairs: [{from: '<', to: '&lt;'}]\n"
        "    html:\n"
        "      keys: [description]\n"
        "      code: '`'\n"
        "      pairs: [{from: '<', to: '&lt;'}]\n"
        "    lit:\n"
        "      keys: [description]\n"
        "      code: '`'\n"
        "      pairs: [{from: '<', to: '<<'}]\n";
    fixture f;
    cJSON *v = view_of(&f, CAT
        "        type: object\n"
        "        properties:\n"
        "          a: {type: string, description: 'x <y>'}\n"
        "          b: {type: string, description: 'x <y>'}\n"
        "          c: {type: string, description: 'AAAAAAAAb1ccccccMMMMMMMMddddddddZZZZ<ZZZ'}\n"
        "          d: {type: string, description: 'AAAAAAAAb2ccccccMMMMMMMMddddddddZZZZ<ZZZ'}\n", target);
    CHECK(v != NULL);
    if (!v) { unit_note("# %s", errs); fixture_fini(&f, v); return; }
    mg_view_cache *cache = mg_view_cache_new();
    mg_view_escapes *e1 = NULL, *e2 = NULL;
    mg_view_cache_escapes_lazy(cache, &e1);
    cJSON *l1 = mg_view_build_cached(f.m, &f.t, cache, &f.d);
    mg_view_cache_escapes_lazy(cache, &e2);
    cJSON *l2 = mg_view_build_cached(f.m, &f.t, cache, &f.d);
    CHECK(l1 != NULL && l2 != NULL && e1 != NULL && e2 != NULL && e1 != e2);
    if (l1 && l2 && e1 && e2) {
        const cJSON *a = lazy_at(l1, e1, "types/0/fields/0/description_md");
        CHECK_STR(cJSON_IsString(a) ? a->valuestring : NULL, "x &lt;y>");
        CHECK(a == lazy_at(l1, e1, "types/0/fields/1/description_md"));
        CHECK(a == lazy_at(l1, e1, "types/0/fields/0/description_html"));
        const cJSON *lit = lazy_at(l1, e1, "types/0/fields/0/description_lit");
        CHECK_STR(cJSON_IsString(lit) ? lit->valuestring : NULL, "x <<y>");
        const cJSON *c = lazy_at(l1, e1, "types/0/fields/2/description_md");
        const cJSON *d = lazy_at(l1, e1, "types/0/fields/3/description_md");
        CHECK_STR(cJSON_IsString(c) ? c->valuestring : NULL, "AAAAAAAAb1ccccccMMMMMMMMddddddddZZZZ&lt;ZZZ");
        CHECK_STR(cJSON_IsString(d) ? d->valuestring : NULL, "AAAAAAAAb2ccccccMMMMMMMMddddddddZZZZ&lt;ZZZ");
        /* The next view of the cache: its own member, which outlives the
         * first view's escapes. */
        const cJSON *b = lazy_at(l2, e2, "types/0/fields/0/description_md");
        CHECK(b != NULL && b != a);
        mg_view_escapes_free(e1);
        e1 = NULL;
        CHECK_STR(cJSON_IsString(b) ? b->valuestring : NULL, "x &lt;y>");
        CHECK(b == lazy_at(l2, e2, "types/0/fields/1/description_html"));
    }
    mg_view_escapes_free(e1);
    mg_view_escapes_free(e2);
    cJSON_Delete(l1);
    cJSON_Delete(l2);
    mg_view_cache_free(cache);
    fixture_fini(&f, v);
}

/* The out (escaped name) numbered as escapes_get_member numbers it. */
static size_t out_number(mg_view_escapes *e, const char *name)
{
    out_key q = {name, strlen(name)};
    const esc_out *o = mg_hmap_find(&e->outs, mg_hash_mem_seed(0, name, q.n), out_eq, &q);
    return o ? mg_hmap_index(&e->outs, o) : (size_t)-1;
}

/* An escape that changes nothing in a text gives the view's own member
 * (no member or copy of the text made); one that changes it, a member of
 * its own. The memo has a table per escaped name, each holding the member
 * lists it was asked for once, across its growth (64 slots at first). */
static void escapes_should_reuse_unchanged_texts_and_memo_per_name(void)
{
    static const char *const target =
        "name: probe\n"
        "types: {string: string, integer: integer, number: number, boolean: boolean, any: any,\n"
        "        array: '{{items.type}}[]', map: 'map', ref: '{{ref.id}}'}\n"
        "helpers:\n"
        "  escapes:\n"
        "    md:\n"
        "      keys: [description]\n"
        "      pairs: [{from: '<', to: '&lt;'}]\n"
        "    lit:\n"
        "      keys: [description]\n"
        "      pairs: [{from: 'x', to: 'X'}]\n";
    enum { NFIELDS = 150 };
    mg_buf y;
    mg_buf_init(&y);
    mg_buf_append_str(&y, CAT "        type: object\n        properties:\n");
    for (int i = 0; i < NFIELDS; i++)
        mg_buf_appendf(&y, "          f%03d: {type: string, description: '%s %d'}\n", i, i % 2 ? "x <y>" : "plain", i);
    fixture f;
    cJSON *v = view_of(&f, mg_buf_cstr(&y), target);
    mg_buf_fini(&y);
    CHECK(v != NULL);
    if (!v) { unit_note("# %s", errs); fixture_fini(&f, v); return; }
    mg_view_cache *cache = mg_view_cache_new();
    mg_view_escapes *e = NULL;
    mg_view_cache_escapes_lazy(cache, &e);
    cJSON *lazy = mg_view_build_cached(f.m, &f.t, cache, &f.d);
    CHECK(lazy != NULL && e != NULL);
    if (lazy && e) {
        size_t md = out_number(e, "description_md"), lit = out_number(e, "description_lit");
        CHECK(md != (size_t)-1 && lit != (size_t)-1 && md != lit);
        int own = 0, made = 0, right = 0;
        for (int pass = 0; pass < 2; pass++)
            for (int i = 0; i < NFIELDS; i++) {
                char path[64], want[64];
                snprintf(path, sizeof path, "types/0/fields/%d", i);
                const cJSON *field = at(lazy, path);
                const cJSON *desc = cJSON_GetObjectItemCaseSensitive(field, "description");
                snprintf(path, sizeof path, "types/0/fields/%d/description_md", i);
                const cJSON *a = lazy_at(lazy, e, path);
                snprintf(path, sizeof path, "types/0/fields/%d/description_lit", i);
                const cJSON *b = lazy_at(lazy, e, path);
                if (i % 2) {
                    snprintf(want, sizeof want, "x &lt;y> %d", i);
                    made += a != desc;
                    right += cJSON_IsString(a) && !strcmp(a->valuestring, want);
                    snprintf(want, sizeof want, "X <y> %d", i);
                    made += b != desc;
                    right += cJSON_IsString(b) && !strcmp(b->valuestring, want);
                } else {
                    snprintf(want, sizeof want, "plain %d", i);
                    own += (a == desc) + (b == desc);
                    right += (cJSON_IsString(a) && !strcmp(a->valuestring, want)) +
                             (cJSON_IsString(b) && !strcmp(b->valuestring, want));
                }
            }
        CHECK(own == 2 * NFIELDS);
        CHECK(made == 2 * NFIELDS);
        CHECK(right == 4 * NFIELDS);
        /* Members made: one per changed (rule, text), none for the others. */
        CHECK(e->texts && e->texts->nblocks * ESC_BLOCK - (ESC_BLOCK - e->texts->used) == NFIELDS);
        /* One entry per field in each name's table (asked twice), and the
         * tables apart. */
        CHECK(e->memos && e->memos[md].n == NFIELDS && e->memos[lit].n == NFIELDS);
        CHECK(e->memos && e->memos[md].cap >= 256 && 4 * e->memos[md].n <= 3 * e->memos[md].cap);
    }
    mg_view_escapes_free(e);
    cJSON_Delete(lazy);
    mg_view_cache_free(cache);
    fixture_fini(&f, v);
}

/* With a cache, a description already comment-safe is the model's text in
 * `doc` and, when it is one line without trailing blanks, in its only
 * line, not a copy; one with a line terminator or a control character,
 * or trailing blanks, gets the comment-safe text and lines as before. */
static void cached_descriptions_should_refer_to_safe_texts(void)
{
    static const char *const target =
        "name: probe\n"
        "types: {string: string, integer: integer, number: number, boolean: boolean, any: any,\n"
        "        array: '{{items.type}}[]', map: 'map', ref: '{{ref.id}}'}\n";
    fixture f;
    cJSON *v = view_of(&f, CAT
        "        type: object\n"
        "        properties:\n"
        "          a: {type: string, description: 'plain <text> & more'}\n"
        "          b: {type: string, description: \"two\\nlines\"}\n"
        "          c: {type: string, description: \"tail \\t\"}\n"
        "          d: {type: string, description: \"cr\\rhere \\u202e x\"}\n", target);
    CHECK(v != NULL);
    if (!v) { unit_note("# %s", errs); fixture_fini(&f, v); return; }
    mg_view_cache *cache = mg_view_cache_new();
    cJSON *w = mg_view_build_cached(f.m, &f.t, cache, &f.d);
    CHECK(w != NULL);
    for (int i = 0; w && i < 4; i++) {
        char path[64];
        snprintf(path, sizeof path, "types/0/fields/%d/description", i);
        const cJSON *desc = at(w, path);
        snprintf(path, sizeof path, "types/0/fields/%d/doc", i);
        const cJSON *doc = at(w, path);
        snprintf(path, sizeof path, "types/0/fields/%d/description_lines", i);
        const cJSON *lines = at(w, path);
        CHECK(cJSON_IsString(desc) && cJSON_IsString(doc) && cJSON_IsArray(lines));
        if (!cJSON_IsString(desc) || !cJSON_IsString(doc) || !cJSON_IsArray(lines))
            continue;
        char *printed = cJSON_PrintUnformatted(lines);
        const cJSON *first = lines->child;
        switch (i) {
        case 0:
            CHECK(doc->valuestring == desc->valuestring);
            CHECK(first && !first->next && first->valuestring == desc->valuestring);
            break;
        case 1:
            CHECK(doc->valuestring == desc->valuestring);
            CHECK_STR(printed, "[\"two\",\"lines\"]");
            break;
        case 2:
            CHECK(doc->valuestring == desc->valuestring);
            CHECK_STR(printed, "[\"tail\"]");
            break;
        default:
            CHECK(doc->valuestring != desc->valuestring);
            CHECK_STR(doc->valuestring, "cr\nhere \\u202e x");
            CHECK_STR(printed, "[\"cr\",\"here \\\\u202e x\"]");
        }
        free(printed);
    }
    /* The same in a second view of the cache. */
    cJSON *w2 = mg_view_build_cached(f.m, &f.t, cache, &f.d);
    const cJSON *d2 = w2 ? at(w2, "types/0/fields/3/doc") : NULL;
    CHECK_STR(cJSON_IsString(d2) ? d2->valuestring : NULL, "cr\nhere \\u202e x");
    cJSON_Delete(w);
    cJSON_Delete(w2);
    mg_view_cache_free(cache);
    fixture_fini(&f, v);
}

static void extension_refs_should_name_the_type_they_lead_to(void)
{
    fixture f;
    cJSON *v = view_of(&f,
        "asyncapi: 3.0.0\ninfo: {title: T, version: '1'}\n"
        "x-api:\n  answer: {$ref: '#/components/schemas/Answer'}\n  other: {$ref: '#/components/schemas/Answer/properties/ok'}\n"
        "components:\n  schemas:\n    Answer: {type: object, properties: {ok: {type: boolean}}}\n"
        "  messages:\n    m:\n      payload: {type: object}\n", NULL);
    CHECK(v != NULL);
    if (!v) { unit_note("# %s", errs); fixture_fini(&f, v); return; }
    CHECK_STR(str_at(v, "catalogue/extensions/x-api/answer/$ref"), "#/components/schemas/Answer");
    CHECK_STR(str_at(v, "catalogue/extensions/x-api/answer/ref/id"), "Answer");
    CHECK_STR(str_at(v, "catalogue/extensions/x-api/answer/ref/kind"), "object");
    /* In the catalogue's extensions the type itself comes along. */
    CHECK_STR(str_at(v, "catalogue/extensions/x-api/answer/type/fields/0/wire"), "ok");
    /* A ref to something that is not a named type stays as written. */
    CHECK(at(v, "catalogue/extensions/x-api/other/ref") == NULL);
    fixture_fini(&f, v);
}

int main(void)
{
    RUN(escapes_should_skip_code_spans_except_for_code_pairs);
    RUN(escapes_should_apply_pairs_in_order_and_leave_raw_json_alone);
    RUN(escapes_should_be_checked_when_the_target_loads);
    RUN(extension_refs_should_name_the_type_they_lead_to);
    RUN(lazy_escapes_should_read_as_added_ones_through_references_and_shares);
    RUN(escaped_texts_should_be_made_once_per_rule_and_text);
    RUN(escapes_should_reuse_unchanged_texts_and_memo_per_name);
    RUN(cached_descriptions_should_refer_to_safe_texts);
    return unit_done();
}
