/* test_diag.c - the one-line text form, JSON lines and SARIF of diag.c. */
#include "../../generator/diag.c"

#include <cjson/cJSON.h>

#include "load.h"
#include "testfs.h"
#include "unit.h"

/* Runs `fn` with the process-wide output in `fmt` going to a temporary file,
 * and returns what was written (caller frees). */
static char *output_of(mg_diag_format fmt, void (*fn)(void))
{
    FILE *f = tmpfile();
    if (!f)
        abort();
    mg_diag_output_begin(fmt, f);
    fn();
    mg_diag_output_end();
    mg_diag_output_begin(MG_DIAG_TEXT, NULL);
    long n = ftell(f);
    rewind(f);
    char *s = calloc((size_t)n + 1, 1);
    if (!s || fread(s, 1, (size_t)n, f) != (size_t)n)
        abort();
    fclose(f);
    return s;
}

static void two_errors_and_a_warning(void)
{
    mg_diag d;
    mg_diag_init(&d);
    mg_diag_error(&d, mg_mark_at("a b.yaml", 3, 7), "bad 'x'\nhere");
    mg_diag_error_ptr(&d, mg_mark_at("/abs/c.json", 0, 0), "/items/0", "expected %s", "integer");
    mg_diag_warning(&d, mg_mark_at(NULL, 0, 0), "just so");
}

static void nothing(void)
{
}

static void a_usage_error(void)
{
    mg_diag_usage("generate: unknown option '-x' (see 'msggen generate --help')");
}

static void text_should_stay_one_gcc_style_line_each(void)
{
    char *s = output_of(MG_DIAG_TEXT, two_errors_and_a_warning);
    CHECK_STR(s, "a b.yaml:3:7: error: bad 'x' here\n"
                 "/abs/c.json: error: expected integer\n"
                 "msggen: warning: just so\n");
    free(s);
    s = output_of(MG_DIAG_TEXT, a_usage_error);
    CHECK_STR(s, "msggen: error: generate: unknown option '-x' (see 'msggen generate --help')\n");
    free(s);
}

static void sinks_should_receive_the_text_line_whatever_the_format(void)
{
    capture c;
    mg_diag d;
    capture_init(&c, &d);
    mg_diag_output_begin(MG_DIAG_JSON, NULL);
    mg_diag_error_ptr(&d, mg_mark_at("f.yaml", 1, 2), "/a", "oops");
    mg_diag_output_begin(MG_DIAG_TEXT, NULL);
    CHECK_STR(capture_text(&c), "f.yaml:1:2: error: oops");
    CHECK_INT(d.errors, 1);
    capture_fini(&c);
}

static void json_should_be_one_object_per_line_with_the_pointer_when_known(void)
{
    char *s = output_of(MG_DIAG_JSON, two_errors_and_a_warning);
    CHECK_STR(s,
              "{\"file\":\"a b.yaml\",\"line\":3,\"column\":7,\"severity\":\"error\",\"kind\":\"input-error\","
              "\"message\":\"bad 'x' here\"}\n"
              "{\"file\":\"/abs/c.json\",\"line\":0,\"column\":0,\"severity\":\"error\",\"kind\":\"input-error\","
              "\"message\":\"expected integer\",\"pointer\":\"/items/0\"}\n"
              "{\"file\":null,\"line\":0,\"column\":0,\"severity\":\"warning\",\"kind\":\"input-warning\","
              "\"message\":\"just so\"}\n");
    free(s);
}

static const cJSON *get(const cJSON *o, const char *k)
{
    return cJSON_GetObjectItemCaseSensitive(o, k);
}

static void sarif_should_be_one_run_with_rules_results_and_regions(void)
{
    char *s = output_of(MG_DIAG_SARIF, two_errors_and_a_warning);
    cJSON *doc = cJSON_Parse(s);
    CHECK(doc != NULL);
    CHECK_STR(cJSON_GetStringValue(get(doc, "version")), "2.1.0");
    const cJSON *runs = get(doc, "runs");
    CHECK_INT(cJSON_GetArraySize(runs), 1);
    const cJSON *run = cJSON_GetArrayItem(runs, 0);
    const cJSON *driver = get(get(run, "tool"), "driver");
    CHECK_STR(cJSON_GetStringValue(get(driver, "name")), "msggen");
    CHECK_STR(cJSON_GetStringValue(get(driver, "version")), MG_VERSION);
    CHECK_INT(cJSON_GetArraySize(get(driver, "rules")), 4);
    const cJSON *results = get(run, "results");
    CHECK_INT(cJSON_GetArraySize(results), 3);
    const cJSON *r0 = cJSON_GetArrayItem(results, 0);
    CHECK_STR(cJSON_GetStringValue(get(r0, "ruleId")), "input-error");
    CHECK_STR(cJSON_GetStringValue(get(r0, "level")), "error");
    CHECK_STR(cJSON_GetStringValue(get(get(r0, "message"), "text")), "bad 'x' here");
    const cJSON *phys = get(cJSON_GetArrayItem(get(r0, "locations"), 0), "physicalLocation");
    CHECK_STR(cJSON_GetStringValue(get(get(phys, "artifactLocation"), "uri")), "a%20b.yaml");
    CHECK_INT(get(get(phys, "region"), "startLine")->valueint, 3);
    CHECK_INT(get(get(phys, "region"), "startColumn")->valueint, 7);
    /* No line: the file is the location, with no region (startLine must be >= 1). */
    const cJSON *r1 = cJSON_GetArrayItem(results, 1);
    phys = get(cJSON_GetArrayItem(get(r1, "locations"), 0), "physicalLocation");
    CHECK_STR(cJSON_GetStringValue(get(get(phys, "artifactLocation"), "uri")), "file:///abs/c.json");
    CHECK(get(phys, "region") == NULL);
    CHECK_STR(cJSON_GetStringValue(get(get(r1, "properties"), "pointer")), "/items/0");
    /* No file: no locations at all. */
    const cJSON *r2 = cJSON_GetArrayItem(results, 2);
    CHECK_STR(cJSON_GetStringValue(get(r2, "level")), "warning");
    CHECK(get(r2, "locations") == NULL);
    cJSON_Delete(doc);
    free(s);
}

static void sarif_should_be_a_valid_document_with_no_results(void)
{
    char *s = output_of(MG_DIAG_SARIF, nothing);
    cJSON *doc = cJSON_Parse(s);
    CHECK(doc != NULL);
    const cJSON *results = get(cJSON_GetArrayItem(get(doc, "runs"), 0), "results");
    CHECK(cJSON_IsArray(results));
    CHECK_INT(cJSON_GetArraySize(results), 0);
    cJSON_Delete(doc);
    free(s);
}

static void drift_should_show_only_in_structured_formats(void)
{
    FILE *f = tmpfile();
    mg_diag_output_begin(MG_DIAG_TEXT, f);
    mg_diag_drift(mg_mark_at("out/c", 0, 0), "c: out of sync");
    mg_diag_output_end();
    CHECK_INT(ftell(f), 0);
    fclose(f);
    mg_diag_output_begin(MG_DIAG_TEXT, NULL);
    mg_diag_record r = {MG_DIAG_KIND_DRIFT, mg_mark_at("out/c", 0, 0), NULL, "c: out of sync"};
    char *line = mg_diag_json_line_new(&r);
    CHECK_STR(line, "{\"file\":\"out/c\",\"line\":0,\"column\":0,\"severity\":\"error\",\"kind\":\"drift\","
                    "\"message\":\"c: out of sync\"}");
    free(line);
}

static void pointers_should_be_found_from_a_mark_of_a_value_or_a_key(void)
{
    mg_docset *set = mg_docset_new(NULL);
    mg_diag d;
    mg_diag_init(&d);
    const char *text = "a:\n  - x\n  - {\"b/c\": 1, \"d~\": [true]}\n";
    const mg_doc *doc = mg_docset_load_buffer(set, "t.yaml", text, strlen(text), &d);
    CHECK(doc != NULL);
    static const struct {
        int line, col;
        const char *want;
    } cases[] = {
        {3, 5, "/a/1"},          /* the flow mapping */
        {3, 13, "/a/1/b~1c"},    /* the value 1 */
        {3, 6, "/a/1/b~1c"},     /* its key */
        {3, 16, "/a/1/d~0"},     /* a key */
        {3, 22, "/a/1/d~0"},     /* the list */
        {3, 23, "/a/1/d~0/0"},   /* true */
        {2, 5, "/a/0"},
        /* A block mapping starts where its first key does: the shallowest
         * node wins, values before keys. */
        {1, 1, ""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        mg_buf b;
        mg_buf_init(&b);
        CHECK_INT(mg_docset_pointer_at(set, mg_mark_at("t.yaml", cases[i].line, cases[i].col), &b), 0);
        CHECK_STR(mg_buf_cstr(&b), cases[i].want);
        mg_buf_fini(&b);
    }
    mg_buf b;
    mg_buf_init(&b);
    CHECK_INT(mg_docset_pointer_at(set, mg_mark_at("t.yaml", 9, 1), &b), -1);
    CHECK_INT(mg_docset_pointer_at(set, mg_mark_at("other.yaml", 1, 1), &b), -1);
    CHECK_INT(mg_docset_pointer_at(set, mg_mark_at("t.yaml", 0, 0), &b), -1);
    mg_buf_fini(&b);
    mg_docset_free(set);
}

static void format_names_should_parse(void)
{
    mg_diag_format f = MG_DIAG_TEXT;
    CHECK_INT(mg_diag_format_parse("sarif", &f), 0);
    CHECK_INT(f, MG_DIAG_SARIF);
    CHECK_INT(mg_diag_format_parse("json", &f), 0);
    CHECK_INT(f, MG_DIAG_JSON);
    CHECK_INT(mg_diag_format_parse("SARIF", &f), -1);
    CHECK_INT(mg_diag_format_parse("", &f), -1);
}

int main(void)
{
    RUN(text_should_stay_one_gcc_style_line_each);
    RUN(sinks_should_receive_the_text_line_whatever_the_format);
    RUN(json_should_be_one_object_per_line_with_the_pointer_when_known);
    RUN(sarif_should_be_one_run_with_rules_results_and_regions);
    RUN(sarif_should_be_a_valid_document_with_no_results);
    RUN(drift_should_show_only_in_structured_formats);
    RUN(pointers_should_be_found_from_a_mark_of_a_value_or_a_key);
    RUN(format_names_should_parse);
    return unit_done();
}
