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
    return unit_done();
}
