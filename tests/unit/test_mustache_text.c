/* test_mustache_text.c - text that runs over several template lines is one
 * node (mustache.c, add_text), written line by line only when a standalone
 * partial or block indents it: every non-empty line gets the indentation,
 * empty lines ("\n", "\r\n") stay empty, as with a node per line. */
#include "../../generator/mustache.c"
#include "unit.h"

static mg_buf errs;

static void capture(void *user, const char *line)
{
    (void)user;
    if (errs.len)
        mg_buf_putc(&errs, '\n');
    mg_buf_append_str(&errs, line);
}

/* Renders `main` with partial `p` = `partial` and data {"x": "X"}. */
static char *render_with(const char *main_src, const char *partial)
{
    mg_diag d;
    mg_diag_init_sink(&d, capture, NULL);
    mg_buf_reset(&errs);
    mg_tpl_set *set = mg_tpl_set_new(NULL, NULL);
    mg_tpl_set_strict(set, 1);
    CHECK_INT(mg_tpl_set_add(set, "p", NULL, partial, strlen(partial), &d), 0);
    mg_tpl *t = mg_tpl_parse("main", main_src, strlen(main_src), &d);
    CHECK(t != NULL);
    cJSON *data = cJSON_Parse("{\"x\": \"X\"}");
    mg_buf out;
    mg_buf_init(&out);
    if (t)
        CHECK_INT(mg_tpl_render(t, data, set, MG_ESCAPE_NONE, &out, &d), 0);
    CHECK_STR(mg_buf_cstr(&errs), "");
    cJSON_Delete(data);
    mg_tpl_free(t);
    mg_tpl_set_free(set);
    size_t n;
    return mg_buf_steal(&out, &n);
}

/* `text` with `ind` before every line that is not empty: the spec's
 * indentation of a standalone partial, written out by hand. */
static void indent_lines(mg_buf *b, const char *ind, const char *text)
{
    const char *s = text;
    while (*s) {
        const char *nl = strchr(s, '\n');
        size_t len = nl ? (size_t)(nl + 1 - s) : strlen(s);
        if (!(s[0] == '\n' || (s[0] == '\r' && s[1] == '\n')))
            mg_buf_append_str(b, ind);
        mg_buf_append(b, s, len);
        s += len;
    }
}

/* Every text of up to five lines drawn from a few kinds (empty, CRLF,
 * blank with spaces, text, text after spaces, a lone CR), as a partial
 * included standalone at two depths and inline: the output is the text
 * indented line by line, and inline not at all. */
static void multi_line_text_should_indent_each_non_empty_line(void)
{
    static const char *const kinds[] = {"\n", "\r\n", "   \n", "ab\n", "  cd\n", "e\rf\n", "gh"};
    const size_t nk = sizeof kinds / sizeof kinds[0];
    size_t cases = 0;
    for (size_t len = 1; len <= 4; len++) {
        size_t total = 1;
        for (size_t i = 0; i < len; i++)
            total *= nk;
        for (size_t code = 0; code < total; code++) {
            mg_buf text;
            mg_buf_init(&text);
            size_t c = code;
            int ended = 0;
            for (size_t i = 0; i < len && !ended; i++, c /= nk) {
                mg_buf_append_str(&text, kinds[c % nk]);
                ended = c % nk == nk - 1; /* "gh" has no newline: the last line */
            }
            /* Standalone at depth 1 and, through a second partial line, 2. */
            mg_buf want;
            mg_buf_init(&want);
            mg_buf_append_str(&want, "<\n");
            indent_lines(&want, "  ", mg_buf_cstr(&text));
            mg_buf_append_str(&want, ">");
            char *got = render_with("<\n  {{>p}}\n>", mg_buf_cstr(&text));
            CHECK_STR(got, mg_buf_cstr(&want));
            free(got);
            /* Inline: no indentation at all. */
            mg_buf_reset(&want);
            mg_buf_appendf(&want, "<%s>", mg_buf_cstr(&text));
            got = render_with("<{{>p}}>", mg_buf_cstr(&text));
            CHECK_STR(got, mg_buf_cstr(&want));
            free(got);
            mg_buf_fini(&want);
            mg_buf_fini(&text);
            cases++;
        }
    }
    CHECK(cases > 1000);
}

/* Text around tags, in sections, and in a partial included by a partial:
 * the indentations add up, and a line that starts with a tag is indented
 * before the tag's value. */
static void text_around_tags_should_indent_as_line_nodes_did(void)
{
    char *got = render_with("  {{>p}}\n", "a\n{{x}}\nb {{x}}\n\nc\n{{#x}}\nin\n  {{/x}}\nd");
    CHECK_STR(got, "  a\n  X\n  b X\n\n  c\n  in\n  d");
    free(got);
    mg_tpl_set *set = mg_tpl_set_new(NULL, NULL);
    mg_diag d;
    mg_diag_init_sink(&d, capture, NULL);
    mg_buf_reset(&errs);
    const char *p = "p1\n  {{>q}}\np2\n";
    const char *q = "q1\r\n\r\nq2\n{{x}}q3\n";
    CHECK_INT(mg_tpl_set_add(set, "p", NULL, p, strlen(p), &d), 0);
    CHECK_INT(mg_tpl_set_add(set, "q", NULL, q, strlen(q), &d), 0);
    mg_tpl *t = mg_tpl_parse("main", "-\n {{>p}}\n-\n", 12, &d);
    cJSON *data = cJSON_Parse("{\"x\": \"X\"}");
    mg_buf out;
    mg_buf_init(&out);
    CHECK(t != NULL);
    if (t)
        CHECK_INT(mg_tpl_render(t, data, set, MG_ESCAPE_NONE, &out, &d), 0);
    CHECK_STR(mg_buf_cstr(&out), "-\n p1\n   q1\r\n\r\n   q2\n   Xq3\n p2\n-\n");
    CHECK_STR(mg_buf_cstr(&errs), "");
    mg_buf_fini(&out);
    cJSON_Delete(data);
    mg_tpl_free(t);
    mg_tpl_set_free(set);
}

/* The bound on render steps stops at the same node as when each node
 * counted itself in r->steps_left: render_nodes keeps the count in a local
 * while text and variables render. (Each item of the inner list is three
 * steps: "t", {{x}}, and "\nu" as one text node; with a node per line, four,
 * and the bound stopped at a text node with 4 193 803 bytes written.) */
static void step_bound_should_stop_at_the_same_node(void)
{
    mg_buf data;
    mg_buf_init(&data);
    mg_buf_append_str(&data, "{\"a\": [");
    for (int i = 0; i < 2100; i++)
        mg_buf_append_str(&data, i ? ",1" : "1");
    mg_buf_append_str(&data, "], \"x\": \"X\"}");
    cJSON *j = cJSON_Parse(mg_buf_cstr(&data));
    mg_diag d;
    mg_diag_init_sink(&d, capture, NULL);
    mg_buf_reset(&errs);
    const char *src = "{{#a}}\n{{#a}}t{{x}}\nu{{/a}}\n{{/a}}";
    mg_tpl *t = mg_tpl_parse("t.mustache", src, strlen(src), &d);
    mg_buf out;
    mg_buf_init(&out);
    CHECK(t != NULL);
    if (t)
        CHECK_INT(mg_tpl_render(t, j, NULL, MG_ESCAPE_NONE, &out, &d), -1);
    CHECK_STR(mg_buf_cstr(&errs), "t.mustache:2:8: error: template expansion too large: over 4194304 steps "
                                  "(do partials recurse over lists?)");
    CHECK_INT(out.len, 5591294);
    mg_buf_fini(&out);
    mg_buf_fini(&data);
    cJSON_Delete(j);
    mg_tpl_free(t);
}

/* The memo of strings escaped before (emit_cj_string), in a source that
 * serves many renders (run.c's): strings that need escaping and strings
 * that do not, at more addresses than the memo's first table holds, so
 * that it replaces entries and grows; every render writes each string
 * escaped as mg_escape_append writes it alone. */
static void escaped_string_memo_should_give_what_escaping_gives(void)
{
    cJSON *data = cJSON_CreateObject();
    cJSON *a = cJSON_AddArrayToObject(data, "a");
    mg_buf want;
    mg_buf_init(&want);
    for (int i = 0; i < 3 * PLAIN_MEMO; i++) {
        char s[32];
        snprintf(s, sizeof s, i % 3 == 0 ? "q\"%d" : i % 3 == 1 ? "p%d" : "c*/%d", i);
        cJSON_AddItemToArray(a, cJSON_CreateString(s));
        mg_escape_append(&want, MG_ESCAPE_C, s, strlen(s));
        mg_buf_putc(&want, '\n');
    }
    mg_diag d;
    mg_diag_init_sink(&d, capture, NULL);
    mg_buf_reset(&errs);
    const char *src = "{{#a}}{{.}}\n{{/a}}";
    mg_tpl *t = mg_tpl_parse("t", src, strlen(src), &d);
    mg_tpl_cjson cj;
    mg_tpl_cjson_source_init(&cj);
    mg_buf out;
    mg_buf_init(&out);
    for (int round = 0; round < 3 && t; round++) {
        mg_buf_reset(&out);
        CHECK_INT(mg_tpl_render_data(t, &cj.src, data, NULL, MG_ESCAPE_C, 1, &out, &d), 0);
        CHECK(out.len == want.len && memcmp(out.data, want.data, want.len) == 0);
    }
    CHECK(cj.st->plain_cap > PLAIN_MEMO); /* it grew */
    CHECK_STR(mg_buf_cstr(&errs), "");
    mg_tpl_cjson_source_fini(&cj);
    mg_buf_fini(&out);
    mg_buf_fini(&want);
    mg_tpl_free(t);
    cJSON_Delete(data);
}

int main(void)
{
    mg_buf_init(&errs);
    RUN(multi_line_text_should_indent_each_non_empty_line);
    RUN(text_around_tags_should_indent_as_line_nodes_did);
    RUN(step_bound_should_stop_at_the_same_node);
    RUN(escaped_string_memo_should_give_what_escaping_gives);
    mg_buf_fini(&errs);
    return unit_done();
}
