/* test_example.c - generated example payloads (generator/example.c): strings
 * for patterns, values within bounds, unions, recursion, and the messages for
 * which no valid value exists, each checked with the validator. */
#include "../../generator/example.c"
#include "../../generator/resolve.h"
#include "testfs.h"
#include "unit.h"

static mg_docset *set;
static mg_diag diag;

static mg_model *build(const char *yaml)
{
    errs_reset();
    set = mg_docset_new(".");
    mg_diag_init_sink(&diag, errs_capture, NULL);
    const mg_doc *doc = mg_docset_load_buffer(set, "c.yaml", yaml, strlen(yaml), &diag);
    if (!doc || mg_resolve_all(set, doc, &diag) < 0)
        return NULL;
    return mg_model_new(set, doc, &diag);
}

static void done(mg_model *m)
{
    mg_model_free(m);
    mg_docset_free(set);
    set = NULL;
}

/* The string built for `pattern`, which must then match it. */
static char *rx_str(const char *pattern)
{
    int *prog;
    size_t len;
    const char *why;
    if (mg_rx_compile(pattern, &prog, &len, &why) < 0)
        return NULL;
    char *s = mg_example_rx_string(prog, len);
    if (s && mg_rx_search(prog, len, s, strlen(s)) != 1) {
        unit_note("# '%s' does not match '%s'\n", s, pattern);
        free(s);
        s = mg_xstrdup("(no match)");
    }
    free(prog);
    return s;
}

static void example_should_build_shortest_readable_strings_for_patterns(void)
{
    static const char *const cases[][2] = {
        {"^[A-Z]{3}$", "AAA"},
        {"^\\d{4}-\\d{2}-\\d{2}$", "0000-00-00"},
        {"^(abc|x)$", "x"},
        {"^a+b?$", "a"},
        {"[^a-z]", "A"},
        {"^[a-z0-9]+(-[a-z0-9]+)*$", "a"},
        {"", ""},
        {"^$", ""},
        {"^\\+?[0-9 ]{7,}$", "0000000"},
        {"^é+$", "é"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char *s = rx_str(cases[i][0]);
        CHECK_STR(s, cases[i][1]);
        free(s);
    }
    /* Nothing matches: '$' before more text; a word boundary is not followed. */
    CHECK(rx_str("^a$b") == NULL);
    CHECK(rx_str("a\\bb") == NULL);
    CHECK(rx_str("[^\\x{0}-\\x{10FFFF}]") == NULL);
}

/* The example of message `name`, validated here once more. */
static cJSON *example_of(mg_model *m, const char *name, char **why)
{
    mg_exgen *g = mg_exgen_new(m);
    const mg_message *msg = mg_model_find_message(m, name);
    CHECK(msg != NULL);
    cJSON *v = msg ? mg_example_generate(g, msg, why) : NULL;
    if (v && mg_validate(g->v, msg->payload_schema, v, NULL) != 1)
        CHECK(!"the example does not validate");
    mg_exgen_free(g);
    return v;
}

static char *compact(const cJSON *v)
{
    return v ? cJSON_PrintUnformatted(v) : NULL;
}

#define A3 "asyncapi: 3.0.0\ninfo: {title: T, version: '1'}\ncomponents:\n  messages:\n"

static void example_should_respect_types_bounds_formats_and_required_fields(void)
{
    mg_model *m = build(A3
        "    m:\n"
        "      payload:\n"
        "        type: object\n"
        "        required: [id, at, n, x, half, code, tags, kind, k, opt]\n"
        "        properties:\n"
        "          id: {type: string, format: uuid}\n"
        "          at: {type: string, format: date-time}\n"
        "          n: {type: integer, minimum: 5, maximum: 9}\n"
        "          x: {type: integer, exclusiveMaximum: -3, multipleOf: 4}\n"
        "          half: {type: number, exclusiveMinimum: 0, multipleOf: 0.5}\n"
        "          code: {type: string, pattern: '^[A-Z]{2}-\\d+$', minLength: 5}\n"
        "          tags: {type: array, items: {type: string, maxLength: 3}, minItems: 2}\n"
        "          kind: {type: string, enum: [alpha, beta]}\n"
        "          k: {const: 7}\n"
        "          opt: {type: [string, 'null'], pattern: '(a)\\1'}\n"
        "          named: {type: string, pattern: '(a)\\1', examples: [aa]}\n"
        "          left: {type: string, pattern: '(?=x)x'}\n");
    CHECK(m != NULL);
    char *why = NULL;
    cJSON *v = m ? example_of(m, "m", &why) : NULL;
    char *s = compact(v);
    CHECK_STR(s, "{\"id\":\"3fa85f64-5717-4562-b3fc-2c963f66afa6\",\"at\":\"2024-01-15T09:30:00Z\",\"n\":5,"
                 "\"x\":-4,\"half\":0.5,\"code\":\"AA-00\",\"tags\":[\"str\",\"str\"],\"kind\":\"alpha\","
                 "\"k\":7,\"opt\":null,\"named\":\"aa\"}");
    CHECK(why == NULL);
    free(s);
    cJSON_Delete(v);
    free(why);
    done(m);
}

static void example_should_pick_a_union_option_that_validates_and_stop_recursion(void)
{
    mg_model *m = build(A3
        "    u:\n"
        "      payload:\n"
        "        oneOf:\n"
        "          - {type: object, required: [a], properties: {a: {type: string}}}\n"
        "          - {type: object, required: [b], properties: {b: {type: integer}}, additionalProperties: false}\n"
        "    tree:\n"
        "      payload: {$ref: '#/components/schemas/Node'}\n"
        "    loop:\n"
        "      payload: {$ref: '#/components/schemas/Loop'}\n"
        "  schemas:\n"
        "    Node:\n"
        "      type: object\n"
        "      required: [name]\n"
        "      properties:\n"
        "        name: {type: string}\n"
        "        children: {type: array, items: {$ref: '#/components/schemas/Node'}}\n"
        "        parent: {$ref: '#/components/schemas/Node'}\n"
        "    Loop:\n"
        "      type: object\n"
        "      required: [next]\n"
        "      properties:\n"
        "        next: {$ref: '#/components/schemas/Loop'}\n");
    CHECK(m != NULL);
    char *why = NULL;
    /* {"a": "string"} matches option 1 only (option 2 requires b): the
     * first option wins. */
    cJSON *v = m ? example_of(m, "u", &why) : NULL;
    char *s = compact(v);
    CHECK_STR(s, "{\"a\":\"string\"}");
    free(s);
    cJSON_Delete(v);
    v = m ? example_of(m, "tree", &why) : NULL;
    s = compact(v);
    CHECK_STR(s, "{\"name\":\"string\"}");
    free(s);
    cJSON_Delete(v);
    v = m ? example_of(m, "loop", &why) : NULL;
    CHECK(v == NULL);
    CHECK(why && strstr(why, "nest without end"));
    free(why);
    done(m);
}

static void example_should_say_why_when_no_valid_value_exists(void)
{
    mg_model *m = build(A3
        "    both:\n"
        "      payload:\n"
        "        oneOf:\n"
        "          - {type: object, properties: {a: {type: string}}}\n"
        "          - {type: object, properties: {b: {type: string}}}\n"
        "    backref:\n"
        "      payload:\n"
        "        type: object\n"
        "        required: [p]\n"
        "        properties: {p: {type: string, pattern: '^(a)\\1$'}}\n"
        "    narrow:\n"
        "      payload:\n"
        "        type: object\n"
        "        required: [n]\n"
        "        properties: {n: {type: integer, exclusiveMinimum: 1, exclusiveMaximum: 2}}\n"
        "    huge:\n"
        "      payload: {type: array, minItems: 1000000000, items: {type: string, minLength: 100000000}}\n"
        "    wide:\n"
        "      payload: {type: object, minProperties: 1000000000}\n"
        "    deep:\n"
        "      payload:\n"
        "        type: array\n"
        "        minItems: 100\n"
        "        items: {type: array, minItems: 100, items: {type: array, minItems: 100, items: {type: integer}}}\n");
    CHECK(m != NULL);
    char *why = NULL;
    cJSON *v = m ? example_of(m, "both", &why) : NULL;
    CHECK(v == NULL);
    CHECK(why && strstr(why, "also matches another option"));
    free(why);
    v = m ? example_of(m, "backref", &why) : NULL;
    CHECK(v == NULL);
    CHECK(why && strstr(why, "^(a)\\1$"));
    free(why);
    v = m ? example_of(m, "narrow", &why) : NULL;
    CHECK(v == NULL);
    CHECK(why && strstr(why, "bounds"));
    free(why);
    /* What a catalogue asks for beyond an example's size stops early. */
    static const char *const big[] = {"huge", "wide", "deep"};
    for (int i = 0; i < 3; i++) {
        v = m ? example_of(m, big[i], &why) : NULL;
        CHECK(v == NULL);
        CHECK(why && strstr(why, "5000"));
        free(why);
    }
    done(m);
}

static void example_should_fill_tuples_and_pattern_keys_and_tell_integer_from_number(void)
{
    mg_model *m = build(A3
        "    tup:\n"
        "      payload: {type: array, prefixItems: [{type: integer}, {type: string}], items: {type: boolean}, minItems: 3}\n"
        "    pair:\n"
        "      payload: {type: array, items: [{type: string, format: date}, {type: integer, minimum: 2}], minItems: 1}\n"
        "    keyed:\n"
        "      payload:\n"
        "        type: object\n"
        "        patternProperties: {'^x-[a-z]+$': {type: integer}}\n"
        "        additionalProperties: false\n"
        "        minProperties: 1\n"
        "    num:\n"
        "      payload: {oneOf: [{type: integer}, {type: number, maximum: 0}]}\n"
        "    named:\n"
        "      payload:\n"
        "        type: object\n"
        "        required: [x-a]\n"
        "        properties: {x-a: {type: integer}}\n"
        "        patternProperties: {'^x-[a-z]+$': {type: integer}}\n"
        "        minProperties: 2\n");
    CHECK(m != NULL);
    char *why = NULL;
    static const char *const want[][2] = {
        {"tup", "[0,\"string\",true]"},
        {"pair", "[\"2024-01-15\",2]"},
        {"num", "-0.5"},
        /* the pattern's first key is a field's name: no second "x-a" */
        {"named", "{\"x-a\":0,\"key1\":\"value\"}"},
    };
    for (size_t i = 0; i < sizeof want / sizeof *want; i++) {
        cJSON *v = m ? example_of(m, want[i][0], &why) : NULL;
        char *s = compact(v);
        CHECK_STR(s, want[i][1]);
        free(s);
        cJSON_Delete(v);
    }
    cJSON *v = m ? example_of(m, "keyed", &why) : NULL;
    CHECK(cJSON_IsObject(v) && v->child && strncmp(v->child->string, "x-", 2) == 0);
    cJSON_Delete(v);
    CHECK(why == NULL);
    free(why);
    done(m);
}

/* The headers example of message `name`, validated here once more against
 * the headers schema (never the payload's). */
static cJSON *headers_example_of(mg_model *m, const char *name, char **why)
{
    mg_exgen *g = mg_exgen_new(m);
    const mg_message *msg = mg_model_find_message(m, name);
    CHECK(msg != NULL);
    cJSON *v = msg ? mg_example_generate_headers(g, msg, why) : NULL;
    if (v && mg_validate(g->v, msg->headers->schema, v, NULL) != 1)
        CHECK(!"the headers example does not validate against the headers schema");
    mg_exgen_free(g);
    return v;
}

static void example_should_build_headers_from_the_headers_schema(void)
{
    mg_model *m = build(A3
        "    inline:\n"
        "      headers:\n"
        "        type: object\n"
        "        required: [traceId, unit]\n"
        "        properties:\n"
        "          traceId: {type: string, format: uuid}\n"
        "          unit: {type: string, enum: [kWh, MWh]}\n"
        "          seq: {type: integer, minimum: 1}\n"
        "      payload: {type: object, required: [unit], properties: {unit: {type: integer}}}\n"
        "    traited:\n"
        "      traits: [{$ref: '#/components/messageTraits/common'}]\n"
        "      payload: {type: string}\n"
        "    shared:\n"
        "      headers: {$ref: '#/components/schemas/Hdr'}\n"
        "      payload: {type: string}\n"
        "    bare:\n"
        "      payload: {type: string}\n"
        "    never:\n"
        "      headers: {type: object, required: [h], properties: {h: {type: string, pattern: '^(x)\\1$'}}}\n"
        "      payload: {type: string}\n"
        "  messageTraits:\n"
        "    common:\n"
        "      headers: {type: object, required: [app], properties: {app: {type: integer, minimum: 3, maximum: 9}}}\n"
        "  schemas:\n"
        "    Hdr: {type: object, required: [replyTo], properties: {replyTo: {type: string, minLength: 8}}}\n");
    CHECK(m != NULL);
    static const char *const want[][2] = {
        /* "unit" is a string here, an integer in the payload: built from the headers */
        {"inline", "{\"traceId\":\"3fa85f64-5717-4562-b3fc-2c963f66afa6\",\"unit\":\"kWh\",\"seq\":1}"},
        {"traited", "{\"app\":3}"},
        {"shared", "{\"replyTo\":\"stringgg\"}"},
    };
    char *why = NULL;
    for (size_t i = 0; m && i < sizeof want / sizeof *want; i++) {
        cJSON *v = headers_example_of(m, want[i][0], &why);
        char *s = compact(v);
        CHECK_STR(s, want[i][1]);
        CHECK(why == NULL);
        free(s);
        cJSON_Delete(v);
    }
    cJSON *v = m ? headers_example_of(m, "bare", &why) : NULL;
    CHECK(v == NULL);
    CHECK(why && strstr(why, "no headers schema"));
    free(why);
    v = m ? headers_example_of(m, "never", &why) : NULL;
    CHECK(v == NULL);
    CHECK(why && strstr(why, "^(x)\\1$"));
    free(why);
    done(m);
}

/* Examples made one after another by one generator (which keeps the values
 * of types met before and answers on_stack from the type graph's strongly
 * connected components) are those a fresh generator makes: a shared schema
 * used at different depths (optional members stop at OPT_DEPTH), mutually
 * recursive types, and each message twice. */
static void example_should_not_depend_on_the_examples_made_before(void)
{
    mg_model *m = build(A3
        "    shallow:\n"
        "      payload: {type: object, required: [s], properties: {s: {$ref: '#/components/schemas/S'}}}\n"
        "    deep:\n"
        "      payload:\n"
        "        type: object\n"
        "        properties:\n"
        "          a: {type: object, properties: {b: {type: object, properties: {c: {type: object,\n"
        "              properties: {s: {$ref: '#/components/schemas/S'}}}}}}}\n"
        "    ring:\n"
        "      payload: {type: object, properties: {p: {$ref: '#/components/schemas/P'},\n"
        "                                           s: {$ref: '#/components/schemas/S'}}}\n"
        "  schemas:\n"
        "    S:\n"
        "      type: object\n"
        "      properties:\n"
        "        n: {type: integer}\n"
        "        x: {type: object, properties: {y: {type: object, properties: {z: {type: object,\n"
        "            properties: {w: {type: string}}}}}}}\n"
        "    P:\n"
        "      type: object\n"
        "      required: [q]\n"
        "      properties:\n"
        "        name: {type: string}\n"
        "        q: {$ref: '#/components/schemas/Q'}\n"
        "    Q:\n"
        "      type: object\n"
        "      properties:\n"
        "        back: {$ref: '#/components/schemas/P'}\n"
        "        s: {$ref: '#/components/schemas/S'}\n");
    CHECK(m != NULL);
    static const char *const order[] = {"shallow", "deep", "ring", "shallow", "deep", "ring", "deep", "shallow"};
    mg_exgen *shared = m ? mg_exgen_new(m) : NULL;
    for (size_t i = 0; m && i < sizeof order / sizeof *order; i++) {
        const mg_message *msg = mg_model_find_message(m, order[i]);
        CHECK(msg != NULL);
        if (!msg)
            break;
        char *why1 = NULL, *why2 = NULL;
        cJSON *v1 = mg_example_generate(shared, msg, &why1);
        cJSON *v2 = example_of(m, order[i], &why2);
        char *s1 = compact(v1), *s2 = compact(v2);
        CHECK(s1 != NULL);
        CHECK_STR(s1, s2 ? s2 : "(none)");
        free(s1);
        free(s2);
        cJSON_Delete(v1);
        cJSON_Delete(v2);
        free(why1);
        free(why2);
    }
    /* The values themselves: S is cut at OPT_DEPTH deeper down, and Q's
     * optional `back` leads back to P, which is being built. */
    char *why = NULL;
    static const char *const want[][2] = {
        {"shallow", "{\"s\":{\"n\":0,\"x\":{\"y\":{\"z\":{\"w\":\"string\"}}}}}"},
        {"deep", "{\"a\":{\"b\":{\"c\":{\"s\":{\"n\":0,\"x\":{\"y\":{}}}}}}}"},
        {"ring", "{\"p\":{\"name\":\"string\",\"q\":{\"s\":{\"n\":0,\"x\":{\"y\":{\"z\":{}}}}}},"
                 "\"s\":{\"n\":0,\"x\":{\"y\":{\"z\":{\"w\":\"string\"}}}}}"},
    };
    for (size_t i = 0; m && i < sizeof want / sizeof *want; i++) {
        cJSON *v = example_of(m, want[i][0], &why);
        char *s = compact(v);
        CHECK_STR(s, want[i][1]);
        free(s);
        cJSON_Delete(v);
        free(why);
        why = NULL;
    }
    mg_exgen_free(shared);
    done(m);
}

int main(void)
{
    RUN(example_should_build_shortest_readable_strings_for_patterns);
    RUN(example_should_respect_types_bounds_formats_and_required_fields);
    RUN(example_should_pick_a_union_option_that_validates_and_stop_recursion);
    RUN(example_should_say_why_when_no_valid_value_exists);
    RUN(example_should_fill_tuples_and_pattern_keys_and_tell_integer_from_number);
    RUN(example_should_build_headers_from_the_headers_schema);
    RUN(example_should_not_depend_on_the_examples_made_before);
    return unit_done();
}
