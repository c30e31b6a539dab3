/* test_view.c - the view: printed types, identifiers, docs, list flags,
 * collisions and printing. */
#include "../../generator/view.c"
#include "testfs.h"
#include "unit.h"
#include "view_fixture.h"

static const char *const PY =
    "name: probe\n"
    "naming: {type: pascal, field: snake, method: camel, constant: screaming}\n"
    "reserved: [class, from, None]\n"
    "reserved_escape: '{{name}}_'\n"
    "types:\n"
    "  string: str\n  integer: int\n  number: float\n  boolean: bool\n  any: Any\n"
    "  array: 'list[{{items.type}}]'\n  map: 'dict[str, {{items.type}}]'\n  ref: '{{ref.id}}'\n"
    "  nullable: 'Optional[{{type}}]'\n"
    "  formats: {uuid: UUID}\n"
    "helpers:\n  comment: '#'\n  doc_escape: [{from: '\"\"\"', to: '\\\"\\\"\\\"'}]\n";

static void view_should_print_nested_types_through_the_type_map(void)
{
    fixture f;
    cJSON *v = view_of(&f, CAT
        "        type: object\n"
        "        properties:\n"
        "          a: {type: array, items: {type: object, additionalProperties: {type: [integer, 'null']}}}\n"
        "          b: {type: string, format: uuid}\n"
        "          c: {type: object, properties: {x: {type: boolean}}}\n"
        "          d: {}\n", PY);
    CHECK(v != NULL);
    if (!v) { unit_note("# %s", errs); fixture_fini(&f, v); return; }
    CHECK_STR(str_at(v, "types/0/fields/0/type"), "list[dict[str, Optional[int]]]");
    CHECK_STR(str_at(v, "types/0/fields/1/type"), "UUID");
    CHECK_STR(str_at(v, "types/0/fields/2/type"), "MC");
    CHECK_STR(str_at(v, "types/0/fields/3/type"), "Any");
    CHECK(cJSON_IsTrue(at(v, "types/0/fields/0/is_array")));
    CHECK(cJSON_IsTrue(at(v, "types/0/fields/0/items/is_map")));
    CHECK(cJSON_IsTrue(at(v, "types/0/fields/2/is_object")));
    CHECK_STR(str_at(v, "target/comment"), "#");
    CHECK_STR(str_at(v, "target/name"), "probe");
    fixture_fini(&f, v);
}

static void view_should_use_neutral_types_without_a_target(void)
{
    fixture f;
    cJSON *v = view_of(&f, CAT
        "        type: object\n"
        "        properties:\n"
        "          a: {type: array, items: {type: [string, 'null']}}\n"
        "          b: {type: object, additionalProperties: {type: number}}\n", NULL);
    CHECK(v != NULL);
    if (!v) { unit_note("# %s", errs); fixture_fini(&f, v); return; }
    CHECK_STR(str_at(v, "types/0/fields/0/type"), "array<string | null>");
    CHECK_STR(str_at(v, "types/0/fields/1/type"), "map<number>");
    CHECK_STR(str_at(v, "messages/0/payload/type"), "M");
    CHECK_STR(str_at(v, "target/name"), "none");
    fixture_fini(&f, v);
}

static void view_should_escape_reserved_identifiers_and_keep_wire_names(void)
{
    fixture f;
    cJSON *v = view_of(&f, CAT
        "        type: object\n"
        "        properties:\n"
        "          class: {type: string}\n"
        "          from: {type: string}\n"
        "          None: {type: string}\n", PY);
    CHECK(v != NULL);
    if (!v) { unit_note("# %s", errs); fixture_fini(&f, v); return; }
    CHECK_STR(str_at(v, "types/0/fields/0/id"), "class_");
    CHECK_STR(str_at(v, "types/0/fields/0/wire"), "class");
    CHECK_STR(str_at(v, "types/0/fields/0/wire_json"), "\"class\"");
    CHECK_STR(str_at(v, "types/0/fields/1/id"), "from_");
    CHECK_STR(str_at(v, "types/0/fields/2/id"), "none"); /* snake "none" is not the reserved "None" */
    CHECK_STR(str_at(v, "messages/0/method"), "m");
    fixture_fini(&f, v);
}

static void view_should_report_identifiers_that_collide_after_escaping(void)
{
    fixture f;
    const char *tgt = "name: probe\nreserved: [class]\nreserved_escape: '{{name}}_value'\n"
                      "types: {string: s, integer: i, number: n, boolean: b, any: a, array: a, map: m, ref: r}\n";
    cJSON *v = view_of(&f, CAT
        "        type: object\n"
        "        properties:\n"
        "          class: {type: string}\n"
        "          classValue: {type: string}\n", tgt);
    CHECK(v == NULL);
    CHECK_STR(errs, "c.yaml:10:11: error: field 'classValue' of 'M' and field 'class' (at c.yaml:9:11) both become id "
                    "'class_value' in target 'probe'\n");
    fixture_fini(&f, v);
}

static void view_should_report_collisions_in_long_lists_too(void)
{
    /* Past 16 fields the check looks identifiers up in a table: a late
     * field that collides with an early one is reported against the first,
     * and so is one that collides with a field past the 16th. */
    fixture f;
    const char *tgt = "name: probe\nreserved: [class, with]\nreserved_escape: '{{name}}_value'\n"
                      "types: {string: s, integer: i, number: n, boolean: b, any: a, array: a, map: m, ref: r}\n";
    char yaml[4096];
    int n = snprintf(yaml, sizeof yaml, "%s        type: object\n        properties:\n", CAT);
    for (int i = 0; i < 20; i++)
        n += snprintf(yaml + n, sizeof yaml - (size_t)n, i == 3 ? "          class: {type: string}\n"
                                                         : i == 17 ? "          with: {type: string}\n"
                                                                   : "          f%02d: {type: string}\n", i);
    snprintf(yaml + n, sizeof yaml - (size_t)n,
             "          classValue: {type: string}\n          withValue: {type: string}\n");
    cJSON *v = view_of(&f, yaml, tgt);
    CHECK(v == NULL);
    CHECK_STR(errs, "c.yaml:29:11: error: field 'classValue' of 'M' and field 'class' (at c.yaml:12:11) both become id "
                    "'class_value' in target 'probe'\n"
                    "c.yaml:30:11: error: field 'withValue' of 'M' and field 'with' (at c.yaml:26:11) both become id "
                    "'with_value' in target 'probe'\n");
    fixture_fini(&f, v);
}

static void view_should_report_a_missing_type_map_entry_at_types(void)
{
    fixture f;
    cJSON *v = view_of(&f, CAT "        type: object\n        properties: {on: {type: boolean}}\n",
                       "name: probe\ntypes:\n  string: s\n  ref: r\n");
    CHECK(v == NULL);
    CHECK_STR(errs, "target.yaml:3:3: error: the type map of target 'probe' has no entry for 'boolean'\n");
    fixture_fini(&f, v);
}

static void view_should_escape_docs_and_split_description_lines(void)
{
    fixture f;
    cJSON *v = view_of(&f, CAT
        "        type: object\n"
        "        description: \"First line   \\n\\n  - item \\\"\\\"\\\" here\\n\\n\\n\"\n"
        "        properties: {a: {type: string}}\n", PY);
    CHECK(v != NULL);
    if (!v) { unit_note("# %s", errs); fixture_fini(&f, v); return; }
    const cJSON *t = at(v, "types/0");
    CHECK_STR(str_at(t, "description"), "First line   \n\n  - item \"\"\" here\n\n\n");
    CHECK_INT(cJSON_GetArraySize(at(t, "description_lines")), 3);
    CHECK_STR(str_at(t, "description_lines/0"), "First line");
    CHECK_STR(str_at(t, "description_lines/1"), "");
    CHECK_STR(str_at(t, "description_lines/2"), "  - item \"\"\" here");
    CHECK_STR(str_at(t, "doc_lines/2"), "  - item \\\"\\\"\\\" here");
    CHECK(cJSON_IsTrue(at(t, "has_description")));
    CHECK(cJSON_IsNull(at(v, "types/0/fields/0/description")));
    CHECK_INT(cJSON_GetArraySize(at(v, "types/0/fields/0/description_lines")), 0);
    fixture_fini(&f, v);
}

static void view_should_number_every_list_for_separators(void)
{
    fixture f;
    cJSON *v = view_of(&f, CAT
        "        type: object\n"
        "        required: [b]\n"
        "        properties: {a: {type: string}, b: {type: string}, c: {type: string, enum: [x, y]}}\n", NULL);
    CHECK(v != NULL);
    if (!v) { unit_note("# %s", errs); fixture_fini(&f, v); return; }
    CHECK(cJSON_IsTrue(at(v, "types/0/fields/0/first")) && cJSON_IsFalse(at(v, "types/0/fields/0/last")));
    CHECK(cJSON_IsTrue(at(v, "types/0/fields/2/last")));
    CHECK_INT(at(v, "types/0/fields/1/index")->valueint, 1);
    CHECK_STR(str_at(v, "types/0/required_fields/0/wire"), "b");
    CHECK(cJSON_IsTrue(at(v, "types/0/required_fields/0/first")) && cJSON_IsTrue(at(v, "types/0/required_fields/0/last")));
    CHECK_INT(cJSON_GetArraySize(at(v, "types/0/optional_fields")), 2);
    CHECK(cJSON_IsTrue(at(v, "types/1/values/1/last")));
    CHECK_STR(str_at(v, "types/1/values/1/id"), "Y");
    /* Subsets count within themselves and point back into types. */
    CHECK_STR(str_at(v, "enums/0/name/pascal"), "MC");
    CHECK(cJSON_IsTrue(at(v, "enums/0/first")));
    CHECK_INT(at(v, "enums/0/type_index")->valueint, 1);
    fixture_fini(&f, v);
}

static void view_should_give_examples_as_pretty_compact_and_raw_json(void)
{
    fixture f;
    cJSON *v = view_of(&f, CAT
        "        type: object\n"
        "        properties: {a: {type: array, items: {type: integer}}}\n"
        "      examples:\n"
        "        - payload: {a: [1, 2], b: {}}\n", NULL);
    CHECK(v != NULL);
    if (!v) { unit_note("# %s", errs); fixture_fini(&f, v); return; }
    CHECK_STR(str_at(v, "messages/0/examples/0/json"), "{\n  \"a\": [\n    1,\n    2\n  ],\n  \"b\": {}\n}");
    CHECK_STR(str_at(v, "messages/0/examples/0/json_compact"), "{\"a\":[1,2],\"b\":{}}");
    CHECK_STR(str_at(v, "messages/0/examples/0/name"), "example 1");
    CHECK_STR(str_at(v, "messages/0/example/name"), "example 1");
    CHECK_INT(at(v, "messages/0/examples/0/value/a/1")->valueint, 2);
    fixture_fini(&f, v);
}

static void view_print_should_indent_two_spaces_and_keep_member_order(void)
{
    cJSON *j = cJSON_Parse("{\"z\": 1, \"a\": [true, null, \"s\\n\"], \"e\": {}, \"l\": []}");
    char *s = mg_view_print_new(j);
    CHECK_STR(s, "{\n  \"z\": 1,\n  \"a\": [\n    true,\n    null,\n    \"s\\n\"\n  ],\n  \"e\": {},\n  \"l\": []\n}\n");
    free(s);
    cJSON_Delete(j);
}

static void view_should_make_comment_text_safe_around_plain_runs(void)
{
    /* CRLF and lone CR become \n, controls, DEL, invisible characters and bad
     * UTF-8 become \u escapes, U+2028 a line break; what lies between them
     * (printable ASCII, tab, \n, other UTF-8) stays as written. */
    char *s = comment_safe_new("a\tb\r\nc\rd\x01" "e\x7f" "\xe2\x80\x8b" "f\xe2\x80\xa8g\xff" "h \xc3\xa9\n");
    CHECK_STR(s, "a\tb\nc\nd\\u0001e\\u007f\\u200bf\ng\\ufffdh \xc3\xa9\n");
    free(s);
    s = comment_safe_new("");
    CHECK_STR(s, "");
    free(s);
}

/* What json_print_new printed through cJSON: cJSON_PrintUnformatted, then
 * invisible code points as \uXXXX (append_visible). */
static char *cjson_compact_new(const cJSON *j)
{
    char *p = cJSON_PrintUnformatted(j);
    if (!p)
        return NULL;
    mg_buf out;
    mg_buf_init(&out);
    append_visible(&out, p, strlen(p));
    cJSON_free(p);
    mg_buf_cstr(&out);
    return mg_buf_steal(&out, NULL);
}

static void view_compact_json_should_be_what_cjson_prints(void)
{
    /* json_print_new walks the value itself: byte for byte cJSON's compact
     * text (with invisible code points escaped), numbers included. */
    static const char *const texts[] = {
        "{}", "[]", "null", "true", "false", "0", "-0", "-0.0", "1e400", "\"caf\u00e9 \u202e x\"",
        "{\"a\":[1,2.5,-3,{\"b\":null,\"\\u200b\":\"q\\\"\\\\\\n\"}],\"c\":{},\"d\":[]}",
        "[2147483647,2147483648,-2147483648,-2147483649,1e15,1e16,123456789012345678,0.1,1.21,-2.5e-7]",
        "[3.141592653589793,5e-324,1.7976931348623157e308,1e300,-1e-300,0.30000000000000004]",
        "{\"\\u0001\\u001f\\u007f\":\"\\b\\f\\r\\t\",\"\\ud83d\\ude00\":[[[[]]]]}",
    };
    for (size_t i = 0; i < sizeof texts / sizeof *texts; i++) {
        cJSON *j = cJSON_Parse(texts[i]);
        CHECK(j != NULL);
        if (!j)
            continue;
        char *want = cjson_compact_new(j), *got = json_print_new(j);
        CHECK_STR(got, want);
        free(got);
        free(want);
        cJSON_Delete(j);
    }
    /* NaN and infinities print as null; a raw value goes through cJSON. */
    cJSON *a = cJSON_CreateArray();
    cJSON_AddItemToArray(a, cJSON_CreateNumber(NAN));
    cJSON_AddItemToArray(a, cJSON_CreateNumber(-INFINITY));
    cJSON_AddItemToArray(a, cJSON_CreateRaw("{\"raw\": 1}"));
    char *want = cjson_compact_new(a), *got = json_print_new(a);
    CHECK_STR(got, want);
    CHECK_STR(got, "[null,null,{\"raw\": 1}]");
    free(got);
    free(want);
    cJSON_Delete(a);
}

static void view_type_map_fast_path_should_render_as_the_engine(void)
{
    /* A type-map template of text and plain variables is rendered by
     * looking the names up; one with more (sections, triple braces, line
     * breaks, stray braces) is left to the engine, and so is a name the
     * info does not have as a string. */
    cJSON *info = cJSON_Parse("{\"ref\":{\"id\":\"Foo\",\"n\":1},\"items\":{\"kind\":\"x\",\"type\":\"int\"},"
                              "\"type\":\"T\",\"is_tuple\":false,\"none\":null}");
    static const struct {
        const char *tpl, *want; /* want NULL: not split, or left to the engine */
    } cases[] = {
        {"{{ref.id}} *", "Foo *"},
        {"list[{{ items.type }}]", "list[int]"},
        {"_t.Optional[{{type}}]{{type}}", "_t.Optional[T]T"},
        {"char *", "char *"},
        {"{{ref.n}}", NULL},
        {"{{none}}", NULL},
        {"{{missing}}", NULL},
        {"{{ref.missing}}", NULL},
        {"{{#is_tuple}}x{{/is_tuple}}", NULL},
        {"{{{type}}}", NULL},
        {"{{&type}}", NULL},
        {"a}}b", NULL},
        {"{{type}}\n", NULL},
        {"{{.}}", NULL},
        {"{{a..b}}", NULL},
        {"{{type", NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        fast_ent e;
        memset(&e, 0, sizeof e);
        fast_split(&e, cases[i].tpl);
        mg_buf out;
        mg_buf_init(&out);
        int rc = e.ok ? fast_render(&e, info, &out) : -1;
        if (cases[i].want) {
            CHECK_INT(rc, 0);
            CHECK_STR(mg_buf_cstr(&out), cases[i].want);
        } else {
            CHECK_INT(rc, -1);
            CHECK_INT(out.len, 0);
        }
        if (cases[i].want) {
            /* the engine agrees */
            mg_diag d;
            mg_diag_init_sink(&d, NULL, NULL);
            mg_tpl *t = mg_tpl_parse("t", cases[i].tpl, strlen(cases[i].tpl), &d);
            mg_buf eng;
            mg_buf_init(&eng);
            CHECK(t && mg_tpl_render_strict(t, info, NULL, MG_ESCAPE_NONE, &eng, &d) == 0);
            CHECK_STR(mg_buf_cstr(&eng), cases[i].want);
            mg_buf_fini(&eng);
            mg_tpl_free(t);
        }
        mg_buf_fini(&out);
        free(e.seg);
    }
    cJSON_Delete(info);
}

static void view_print_should_walk_cjson_as_the_data_interface_does(void)
{
    /* mg_view_print_new walks cJSON itself: the same text as walking it
     * through the template data interface (raw JSON as a string, an unset
     * string as ""). */
    cJSON *j = cJSON_Parse("{\"a\":[1,-0.0,2.5e-7,{\"b\":null,\"c\":[]},{}],\"d\":\"caf\\u00e9 \\u200b\\n\","
                           "\"e\":[[true,false]],\"\":{\"x\":[{\"y\":{}}]}}");
    CHECK(j != NULL);
    if (!j)
        return;
    cJSON_AddItemToObject(j, "raw", cJSON_CreateRaw("{\"r\": 1}"));
    cJSON *unset = cJSON_CreateString("x");
    cJSON_free(unset->valuestring);
    unset->valuestring = NULL;
    cJSON_AddItemToObject(j, "unset", unset);
    mg_tpl_cjson cj;
    mg_tpl_cjson_source_init(&cj);
    char *want = mg_view_print_source_new(&cj.src, j);
    mg_tpl_cjson_source_fini(&cj);
    char *got = mg_view_print_new(j);
    CHECK_STR(got, want);
    free(got);
    free(want);
    cJSON_Delete(j);
}

static void view_print_should_write_strings_as_cjson_does(void)
{
    /* The printer writes keys and strings itself: byte for byte what cJSON
     * prints, then with invisible code points escaped (json_print_new). */
    static const char *const texts[] = {
        "", "plain", "q\"b\\s/", "\b\f\n\r\t\x01\x1f\x7f", "caf\xc3\xa9 \xe2\x80\xae rtl \xe2\x80\x8b",
        "\xf3\xa0\x80\x81 tag", "bad \xff\xc3 end", "\xe2\x80\xa8\xe2\x80\xa9",
    };
    for (size_t i = 0; i < sizeof texts / sizeof *texts; i++) {
        cJSON *str = cJSON_CreateString(texts[i]);
        char *want = cjson_compact_new(str);
        mg_buf got;
        mg_buf_init(&got);
        append_json_string(&got, texts[i]);
        CHECK_STR(mg_buf_cstr(&got), want);
        mg_buf_fini(&got);
        free(want);
        cJSON_Delete(str);
    }
}

static void view_print_should_write_numbers_as_cjson_does(void)
{
    /* The printer walks the template data interface, which gives a number's
     * text; it prints it back as cJSON does (the views' goldens rely on it). */
    static const double nums[] = {0, -0.0, 1, -1, 85, 1.5, 0.1, 1.21, -2.5e-7, 1e15, 1e16, 1e300, -1e-300,
                                  2147483647, 2147483648.0, -2147483648.0, -2147483649.0, 123456789012345678.0,
                                  3.141592653589793, 1 / 3.0, 5e-324, 1.7976931348623157e308};
    for (size_t i = 0; i < sizeof nums / sizeof *nums + 2; i++) {
        cJSON *n = cJSON_CreateNumber(0);
        n->valuedouble = i < sizeof nums / sizeof *nums ? nums[i] : i == sizeof nums / sizeof *nums ? NAN : INFINITY;
        if (i < sizeof nums / sizeof *nums)
            cJSON_SetNumberValue(n, nums[i]);
        char *want = cJSON_PrintUnformatted(n);
        char *got = mg_view_print_new(n);
        size_t len = strlen(got);
        if (len && got[len - 1] == '\n')
            got[len - 1] = '\0';
        CHECK_STR(got, want);
        free(got);
        cJSON_free(want);
        cJSON_Delete(n);
    }
}

int main(void)
{
    RUN(view_should_print_nested_types_through_the_type_map);
    RUN(view_should_use_neutral_types_without_a_target);
    RUN(view_should_escape_reserved_identifiers_and_keep_wire_names);
    RUN(view_should_report_identifiers_that_collide_after_escaping);
    RUN(view_should_report_collisions_in_long_lists_too);
    RUN(view_should_report_a_missing_type_map_entry_at_types);
    RUN(view_should_escape_docs_and_split_description_lines);
    RUN(view_should_make_comment_text_safe_around_plain_runs);
    RUN(view_should_number_every_list_for_separators);
    RUN(view_should_give_examples_as_pretty_compact_and_raw_json);
    RUN(view_print_should_indent_two_spaces_and_keep_member_order);
    RUN(view_type_map_fast_path_should_render_as_the_engine);
    RUN(view_print_should_walk_cjson_as_the_data_interface_does);
    RUN(view_print_should_write_strings_as_cjson_does);
    RUN(view_compact_json_should_be_what_cjson_prints);
    RUN(view_print_should_write_numbers_as_cjson_does);
    return unit_done();
}
