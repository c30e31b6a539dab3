/* test_mustache_bounds.c - where a render under a set's bounds stops
 * (mg_tpl_set.max_steps and max_output, set here below the fixed bounds
 * that mg_tpl_set_limits keeps as the least): the output's size is tested before each node, so a
 * render stops at the first node after the one whose text, value or
 * indentation made the output too large, and names that node; the steps
 * bound is told first when both are past. The renderer compares the size
 * only after writing (note_output in mustache.c): these cases pin every
 * place that writes, with the messages and output lengths the renderer gave
 * when it compared before each node (main eb39983c). */
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

/* Renders `tpl` (named "t") over the JSON `data` with the partials
 * parts[0..2n) (name, text pairs) under bounds `steps` and `output` (0: the
 * fixed ones); returns "rc=R len=N" and the diagnostics, one a line. */
static const char *render_case(const char *tpl, const char *const *parts, int n, const char *data, long steps,
                               size_t output)
{
    static mg_buf res;
    mg_diag d;
    mg_diag_init_sink(&d, capture, NULL);
    mg_buf_reset(&errs);
    mg_tpl_set *s = mg_tpl_set_new(NULL, NULL);
    for (int i = 0; i < n; i++)
        mg_tpl_set_add(s, parts[2 * i], NULL, parts[2 * i + 1], strlen(parts[2 * i + 1]), &d);
    s->max_steps = steps;
    s->max_output = output;
    cJSON *j = cJSON_Parse(data);
    mg_tpl *t = mg_tpl_parse("t", tpl, strlen(tpl), &d);
    mg_buf out;
    mg_buf_init(&out);
    int rc = t && j ? mg_tpl_render(t, j, s, MG_ESCAPE_NONE, &out, &d) : -2;
    mg_buf_reset(&res);
    mg_buf_appendf(&res, "rc=%d len=%zu", rc, out.len);
    if (errs.len)
        mg_buf_appendf(&res, "\n%s", mg_buf_cstr(&errs));
    mg_buf_fini(&out);
    mg_tpl_free(t);
    cJSON_Delete(j);
    mg_tpl_set_free(s);
    return mg_buf_cstr(&res);
}

#define BIG "xxxxxxxx"
#define OUT "error: rendered output larger than 4 bytes"

/* Text, then the tag after it. */
static void text_should_stop_the_next_node(void)
{
    CHECK_STR(render_case("ab" BIG "{{a}}cd", NULL, 0, "{\"a\":1}", 0, 4), "rc=-1 len=10\nt:1:11: " OUT);
    CHECK_STR(render_case("abc{{a}}de", NULL, 0, "{\"a\":1}", 0, 4), "rc=0 len=6");
    CHECK_STR(render_case("abc{{a}}de{{a}}", NULL, 0, "{\"a\":1}", 0, 4), "rc=-1 len=6\nt:1:11: " OUT);
    /* 4 bytes are not too many; nothing after the last node stops it */
    CHECK_STR(render_case("abc{{a}}", NULL, 0, "{\"a\":1}", 0, 4), "rc=0 len=4");
    CHECK_STR(render_case("abc{{a}}" BIG, NULL, 0, "{\"a\":1}", 0, 4), "rc=0 len=12");
}

/* A value (escaped or not), then the next node, which may be a section. */
static void value_should_stop_the_next_node(void)
{
    const char *data = "{\"a\":\"" BIG "\",\"s\":true,\"n\":12345}";
    CHECK_STR(render_case("{{a}}{{#s}}x{{/s}}", NULL, 0, data, 0, 4), "rc=-1 len=8\nt:1:6: " OUT);
    CHECK_STR(render_case("{{{a}}}{{^s}}x{{/s}}", NULL, 0, data, 0, 4), "rc=-1 len=8\nt:1:8: " OUT);
    CHECK_STR(render_case("{{n}}{{n}}", NULL, 0, data, 0, 4), "rc=-1 len=5\nt:1:6: " OUT);
}

/* A section's body: one text node (written without render_nodes), or
 * more; over a list, the next item's first node. */
static void section_body_should_stop_the_next_node(void)
{
    const char *data = "{\"l\":[1,2,3],\"s\":true}";
    CHECK_STR(render_case("{{#l}}xx{{/l}}", NULL, 0, data, 0, 4), "rc=0 len=6");
    CHECK_STR(render_case("{{#l}}xxx{{/l}}", NULL, 0, data, 0, 4), "rc=-1 len=6\nt: " OUT);
    CHECK_STR(render_case("{{#l}}x{{.}}{{/l}}", NULL, 0, data, 0, 4), "rc=-1 len=5\nt:1:8: " OUT);
    CHECK_STR(render_case("{{#s}}" BIG "{{/s}}{{#s}}y{{/s}}", NULL, 0, data, 0, 4),
              "rc=-1 len=8\nt:1:21: " OUT);
    CHECK_STR(render_case("{{#l}}{{#s}}xxx{{/s}}{{/l}}", NULL, 0, data, 0, 4), "rc=-1 len=6\nt:1:7: " OUT);
}

/* Indentation a standalone partial adds, before its lines (bol) and inside
 * a text of several lines (emit_text_lines); a block's body that starts
 * inside a line (lead). */
static void indentation_should_count(void)
{
    const char *p1[] = {"p", "a\n{{x}}\n"};
    CHECK_STR(render_case("    {{>p}}\n", p1, 1, "{\"x\":1}", 0, 6), "rc=-1 len=11\np: error: rendered output larger than 6 bytes");
    CHECK_STR(render_case("  {{>p}}\n", p1, 1, "{\"x\":1}", 0, 4), "rc=-1 len=7\np: " OUT);
    const char *p2[] = {"p", "a\nb\nc{{x}}\n"};
    CHECK_STR(render_case("  {{>p}}\n", p2, 1, "{\"x\":1}", 0, 6), "rc=-1 len=11\np:3:2: error: rendered output larger than 6 bytes");
    const char *p3[] = {"p", "{{$b}}{{/b}}\n"};
    CHECK_STR(render_case("{{<p}}\n  {{$b}}\n{{/b}}\n{{/p}}\n", p3, 1, "{}", 0, 1), "rc=0 len=1");
    const char *p4[] = {"p", "   {{$b}}\n   {{/b}}\n"};
    CHECK_STR(render_case("{{<p}}{{$b}}zz{{x}}{{/b}}{{/p}}", p4, 1, "{\"x\":1}", 0, 4),
              "rc=-1 len=5\nt:1:15: " OUT);
    /* the indentation alone, before a tag that writes nothing */
    const char *p5[] = {"p", "a\n{{#f}}z{{/f}}\n"};
    CHECK_STR(render_case("    {{>p}}\n", p5, 1, "{\"f\":false}", 0, 8),
              "rc=-1 len=10\np: error: rendered output larger than 8 bytes");
    CHECK_STR(render_case("{{<p}}{{$b}}{{#f}}q{{/f}}{{x}}{{/b}}{{/p}}", p4, 1, "{\"x\":1,\"f\":false}", 0, 2),
              "rc=-1 len=3\nt:1:13: error: rendered output larger than 2 bytes");
}

/* Both bounds past at the same node: the steps are told. */
static void steps_should_be_told_first(void)
{
    CHECK_STR(render_case("a" BIG "b{{a}}c", NULL, 0, "{\"a\":1}", 1, 4),
              "rc=-1 len=10\nt:1:11: error: template expansion too large: over 1 steps (do partials recurse over lists?)");
    CHECK_STR(render_case("a" BIG "b{{a}}c", NULL, 0, "{\"a\":1}", 2, 4), "rc=-1 len=10\nt:1:11: " OUT);
    CHECK_STR(render_case("{{#l}}x{{/l}}", NULL, 0, "{\"l\":[1,2,3,4,5,6]}", 4, 3),
              "rc=-1 len=3\nt: error: template expansion too large: over 4 steps (do partials recurse over lists?)");
    CHECK_STR(render_case("{{#l}}x{{/l}}", NULL, 0, "{\"l\":[1,2,3,4,5,6]}", 5, 3),
              "rc=-1 len=4\nt: error: template expansion too large: over 5 steps (do partials recurse over lists?)");
    CHECK_STR(render_case("{{#l}}x{{/l}}", NULL, 0, "{\"l\":[1,2,3,4,5,6]}", 6, 3),
              "rc=-1 len=4\nt: error: rendered output larger than 3 bytes");
    CHECK_STR(render_case("{{#l}}x{{.}}{{/l}}", NULL, 0, "{\"l\":[1,2,3,4,5,6]}", 7, 3),
              "rc=-1 len=4\nt: error: rendered output larger than 3 bytes");
    CHECK_STR(render_case("{{#l}}x{{.}}{{/l}}", NULL, 0, "{\"l\":[1,2,3,4,5,6]}", 5, 3),
              "rc=-1 len=4\nt: error: template expansion too large: over 5 steps (do partials recurse over lists?)");
}

int main(void)
{
    mg_buf_init(&errs);
    RUN(text_should_stop_the_next_node);
    RUN(value_should_stop_the_next_node);
    RUN(section_body_should_stop_the_next_node);
    RUN(indentation_should_count);
    RUN(steps_should_be_told_first);
    mg_buf_fini(&errs);
    return unit_done();
}
