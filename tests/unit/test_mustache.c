/* test_mustache.c - the template engine, rule by rule, without ../shared. */
#include "../../generator/mustache.c"
#include "unit.h"

static mg_buf got;      /* last output, or "!" followed by the diagnostics */
static int loads;       /* loader calls, for the caching test */

static void capture(void *user, const char *line)
{
    mg_buf *b = user;
    if (b->len)
        mg_buf_putc(b, '\n');
    mg_buf_append_str(b, line);
}

/* Partials come from a NULL-terminated list of name/source pairs. */
static int table_loader(void *user, const char *name, mg_buf *src, mg_buf *path, mg_buf *why,
                        mg_mark at, mg_diag *d)
{
    const char *const *p = user;
    loads++;
    (void)at;
    (void)d;
    for (; p && p[0]; p += 2)
        if (strcmp(p[0], name) == 0) {
            mg_buf_append_str(src, p[1]);
            mg_buf_appendf(path, "%s.mustache", name);
            return 1;
        }
    mg_buf_appendf(why, "not in the table");
    return 0;
}

/* strict: 1 unknown partials are errors, 2 unknown names are too (both: 3). */
static const char *render_opts(const char *tpl, const char *json, mg_escape esc,
                               const char *const *partials, int strict)
{
    mg_buf errs;
    mg_buf_init(&errs);
    mg_diag d;
    mg_diag_init_sink(&d, capture, &errs);
    mg_buf_reset(&got);
    cJSON *data = json ? cJSON_Parse(json) : NULL;
    if (json && !data)
        unit_note("# bad test JSON: %s\n", json);
    mg_tpl_set *set = mg_tpl_set_new(table_loader, (void *)partials);
    mg_tpl_set_strict(set, strict & 1);
    mg_tpl *t = mg_tpl_parse("t.mustache", tpl, strlen(tpl), &d);
    int rc = !t ? -1
             : strict & 2 ? mg_tpl_render_strict(t, data, set, esc, &got, &d)
                          : mg_tpl_render(t, data, set, esc, &got, &d);
    if (rc < 0) {
        mg_buf_reset(&got);
        mg_buf_putc(&got, '!');
        mg_buf_append(&got, errs.data ? errs.data : "", errs.len);
    }
    mg_tpl_free(t);
    mg_tpl_set_free(set);
    cJSON_Delete(data);
    mg_buf_fini(&errs);
    return mg_buf_cstr(&got);
}

static const char *R(const char *tpl, const char *json)
{
    return render_opts(tpl, json, MG_ESCAPE_HTML, NULL, 0);
}

static const char *RP(const char *tpl, const char *json, const char *const *partials)
{
    return render_opts(tpl, json, MG_ESCAPE_HTML, partials, 0);
}

static const char *RS(const char *tpl, const char *json, const char *const *partials)
{
    return render_opts(tpl, json, MG_ESCAPE_HTML, partials, 1);
}

/* Strict names (what generate uses). */
static const char *RN(const char *tpl, const char *json)
{
    return render_opts(tpl, json, MG_ESCAPE_NONE, NULL, 3);
}

static const char *RNP(const char *tpl, const char *json, const char *const *partials)
{
    return render_opts(tpl, json, MG_ESCAPE_NONE, partials, 3);
}

static const char *FMT(double v)
{
    static char buf[32];
    mg_tpl_format_number(v, buf);
    return buf;
}

/* ---- interpolation ---- */

static void mustache_should_interpolate_and_escape_html(void)
{
    CHECK_STR(R("Hi {{name}}!", "{\"name\": \"<b> & \\\"q\\\"\"}"), "Hi &lt;b&gt; &amp; &quot;q&quot;!");
    CHECK_STR(R("|{{ name }}|", "{\"name\": \"x\"}"), "|x|");
}

static void mustache_should_not_escape_triple_and_ampersand(void)
{
    CHECK_STR(R("{{{x}}} {{&x}} {{& x }}", "{\"x\": \"<&>\"}"), "<&> <&> <&>");
}

static void mustache_should_escape_only_the_spec_characters(void)
{
    CHECK_STR(R("{{x}}", "{\"x\": \"it's /=`\"}"), "it's /=`");
}

static void mustache_should_not_escape_in_none_mode(void)
{
    CHECK_STR(render_opts("#include {{h}}", "{\"h\": \"<stdio.h>\"}", MG_ESCAPE_NONE, NULL, 0),
              "#include <stdio.h>");
}

static void mustache_should_render_missing_and_null_as_empty(void)
{
    CHECK_STR(R("[{{a}}][{{{b}}}][{{c.d}}]", "{\"a\": null}"), "[][][]");
    CHECK_STR(R("[{{a}}]", NULL), "[]");
}

static void mustache_should_print_integers_without_fraction(void)
{
    CHECK_STR(R("{{a}} {{b}} {{c}} {{d}}", "{\"a\": 85, \"b\": -3, \"c\": 85.0, \"d\": 1e3}"), "85 -3 85 1000");
    /* the engine writes a cJSON number itself (text_of), as cj_text would */
    CHECK_STR(R("{{a}} {{b}} {{{c}}} {{&d}}", "{\"a\": 1.21, \"b\": -0.0, \"c\": 1e300, \"d\": -0.1}"),
              "1.21 0 1e+300 -0.1");
    CHECK_STR(FMT(0.0), "0");
    CHECK_STR(FMT(-0.0), "0");
    CHECK_STR(FMT(9007199254740992.0), "9007199254740992");
    CHECK_STR(FMT(123456789012.0), "123456789012");
}

static void mustache_should_print_shortest_round_trip_decimals(void)
{
    CHECK_STR(FMT(1.21), "1.21");
    CHECK_STR(FMT(0.1), "0.1");
    CHECK_STR(FMT(-2.5), "-2.5");
    CHECK_STR(FMT(1.0 / 3.0), "0.3333333333333333");
    CHECK_STR(FMT(0.1 + 0.2), "0.30000000000000004");
    CHECK_STR(FMT(1e300), "1e+300");
    CHECK_STR(FMT(1e21), "1e+21");
    CHECK_STR(FMT(5e-324), "5e-324");
    /* Every printed decimal reads back to the same double. */
    double vals[] = {3.14159, 2.2250738585072014e-308, 1.7976931348623157e308, 0.000123, 98765.4321};
    for (size_t i = 0; i < sizeof vals / sizeof vals[0]; i++)
        CHECK(strtod(FMT(vals[i]), NULL) == vals[i]);
    CHECK_STR(R("({{.}})", "1.1"), "(1.1)");
}

static void mustache_should_print_booleans_and_json_for_containers(void)
{
    CHECK_STR(R("{{t}} {{f}} {{{o}}} {{{a}}}", "{\"t\": true, \"f\": false, \"o\": {\"k\": 1}, \"a\": [1, \"x\"]}"),
              "true false {\"k\":1} [1,\"x\"]");
}

/* ---- names and the context stack ---- */

static void mustache_should_resolve_dotted_names(void)
{
    CHECK_STR(R("{{a.b.c}}", "{\"a\": {\"b\": {\"c\": \"deep\"}}}"), "deep");
    CHECK_STR(R("{{a.b}}", "{\"a.b\": \"no\"}"), "");
    CHECK_STR(R("{{a.b}}", "{\"a.b\": \"no\", \"a\": {\"b\": \"yes\"}}"), "yes");
}

static void mustache_should_not_continue_broken_chains_up_the_stack(void)
{
    CHECK_STR(R("[{{a.b.c.name}}]", "{\"a\": {\"b\": {}}, \"c\": {\"name\": \"Jim\"}}"), "[]");
    CHECK_STR(R("[{{#a}}{{b.c}}{{/a}}]", "{\"a\": {\"b\": {}}, \"b\": {\"c\": \"ERROR\"}}"), "[]");
}

static void mustache_should_resolve_first_part_through_context_stack(void)
{
    CHECK_STR(R("{{#sec}}{{a}},{{b}},{{c.d}}{{/sec}}",
                "{\"a\": \"foo\", \"b\": \"wrong\", \"sec\": {\"b\": \"bar\"}, \"c\": {\"d\": \"baz\"}}"),
              "foo,bar,baz");
}

static void mustache_should_use_implicit_iterator(void)
{
    CHECK_STR(R("{{#l}}({{.}}){{/l}}", "{\"l\": [\"a\", 1, 2.5, true]}"), "(a)(1)(2.5)(true)");
    CHECK_STR(R("{{#.}}[{{v}}]{{/.}}", "[{\"v\": 1}, {\"v\": 2}]"), "[1][2]");
    CHECK_STR(R("{{#l}}({{#.}}{{.}}{{/.}}){{/l}}", "{\"l\": [[1, 2], [\"a\"]]}"), "(12)(a)");
    CHECK_STR(R("Hello, {{.}}!", "\"world\""), "Hello, world!");
}

/* ---- sections ---- */

static void mustache_should_iterate_lists_and_push_objects(void)
{
    CHECK_STR(R("{{#l}}{{n}};{{/l}}", "{\"l\": [{\"n\": 1}, {\"n\": 2}]}"), "1;2;");
    CHECK_STR(R("{{#o}}{{n}}{{/o}}", "{\"o\": {\"n\": \"x\"}}"), "x");
    CHECK_STR(R("{{#a.b}}in{{/a.b}}", "{\"a\": {\"b\": true}}"), "in");
}

static void mustache_should_treat_falsey_values_as_documented(void)
{
    const char *tpl = "{{#v}}T{{/v}}{{^v}}F{{/v}}";
    CHECK_STR(R(tpl, "{\"v\": false}"), "F");
    CHECK_STR(R(tpl, "{\"v\": null}"), "F");
    CHECK_STR(R(tpl, "{\"v\": []}"), "F");
    CHECK_STR(R(tpl, "{\"v\": \"\"}"), "F");
    CHECK_STR(R(tpl, "{}"), "F");
    CHECK_STR(R(tpl, "{\"v\": 0}"), "T");
    CHECK_STR(R(tpl, "{\"v\": {}}"), "T");
    CHECK_STR(R(tpl, "{\"v\": \"0\"}"), "T");
}

static void mustache_should_push_non_empty_strings_as_context(void)
{
    CHECK_STR(R("{{#foo}}{{.}} is {{foo}}{{/foo}}", "{\"foo\": \"bar\"}"), "bar is bar");
}

static void mustache_should_render_inverted_sections(void)
{
    CHECK_STR(R("{{^l}}none{{/l}}|{{^m}}x{{/m}}", "{\"l\": [], \"m\": [1]}"), "none|");
    CHECK_STR(R("{{^a.b.c}}Not Here{{/a.b.c}}", "{\"a\": {}}"), "Not Here");
}

/* An inverted section right after a section of the same name takes the
 * value the section found; any other inverted section looks its name up. */
static void mustache_should_render_an_inverted_section_after_its_section(void)
{
    const char *data = "{\"t\": true, \"f\": false, \"o\": {\"v\": 1, \"t\": false}, \"l\": [1, 2], \"e\": [],"
                       " \"s\": \"\", \"n\": null, \"items\": [{\"x\": 1}, {\"x\": false}, {}]}";
    const char *tpl = "{{#t}}T{{/t}}{{^t}}!T{{/t}}|{{#f}}F{{/f}}{{^f}}!F{{/f}}|{{#o}}{{v}}{{#t}}{{/t}}{{/o}}{{^o}}!O{{/o}}|"
                      "{{#l}}{{.}}{{/l}}{{^l}}!L{{/l}}|{{#e}}E{{/e}}{{^e}}!E{{/e}}|{{#s}}S{{/s}}{{^s}}!S{{/s}}|"
                      "{{#n}}N{{/n}}{{^n}}!N{{/n}}|{{#t}}{{/t}}{{^f}}diff{{/f}}|{{#f}}{{/f}}{{^t}}no{{/t}}|"
                      "{{#o.v}}OV{{/o.v}}{{^o.v}}!OV{{/o.v}}|{{#o.t}}OT{{/o.t}}{{^o.t}}!OT{{/o.t}}|"
                      "{{#o}}{{#t}}in{{/t}}{{^t}}!in{{/t}}{{/o}}|{{#items}}{{#x}}X{{/x}}{{^x}}!X{{/x}},{{/items}}|"
                      "{{#missing}}M{{/missing}}{{^missing}}!M{{/missing}}";
    const char *want = "T|!F|1|12|!E|!S|!N|diff||OV|!OT|!in|X,!X,!X,|!M";
    CHECK_STR(R(tpl, data), want);
    /* The same through the strict path, where "missing" is an error. */
    const char *strict = "{{#t}}T{{/t}}{{^t}}!T{{/t}}|{{#f}}F{{/f}}{{^f}}!F{{/f}}|{{#t}}{{/t}}{{^f}}diff{{/f}}|"
                         "{{#items}}{{#x}}X{{/x}}{{^x}}!X{{/x}},{{/items}}";
    CHECK_STR(RN(strict, "{\"t\": true, \"f\": false, \"items\": [{\"x\": 1}, {\"x\": false}, {\"x\": null}]}"),
              "T|!F|diff|X,!X,!X,");
    CHECK_STR(RN("{{#x}}{{/x}}{{^x}}{{/x}}", "{}"),
              "!t.mustache:1:1: error: no key 'x' in the view (section)");
}

/* ---- comments and standalone lines ---- */

static void mustache_should_drop_comments_including_multiline(void)
{
    CHECK_STR(R("12{{! c }}34{{!\n multi\n line }}5", "{}"), "12345");
    CHECK_STR(R("a\n  {{! alone }}\nb\n", "{}"), "a\nb\n");
}

static void mustache_should_remove_standalone_lines(void)
{
    CHECK_STR(R("| a\n  {{#b}}\n|\n  {{/b}}\n| c\n", "{\"b\": true}"), "| a\n|\n| c\n");
    CHECK_STR(R("x\n\t{{^b}}  \nno\n{{/b}}\t\ny", "{}"), "x\nno\ny");
}

static void mustache_should_remove_standalone_lines_with_crlf(void)
{
    CHECK_STR(R("|\r\n{{#b}}\r\n{{/b}}\r\n|", "{\"b\": true}"), "|\r\n|");
}

static void mustache_should_keep_lines_with_interpolation_or_text(void)
{
    CHECK_STR(R("  {{x}}\n", "{\"x\": \"-\"}"), "  -\n");
    CHECK_STR(R(" {{#b}}YES{{/b}}\n", "{\"b\": true}"), " YES\n");
    CHECK_STR(R(" | {{#b}} {{! c }}\n {{/b}} | \n", "{\"b\": true}"), " |  \n  | \n");
}

static void mustache_should_treat_tags_at_template_edges_as_standalone(void)
{
    CHECK_STR(R("  {{#b}}\n#{{/b}}\n/", "{\"b\": true}"), "#\n/");
    CHECK_STR(R("#{{#b}}\n/\n  {{/b}}", "{\"b\": true}"), "#\n/\n");
}

/* ---- delimiters ---- */

static void mustache_should_change_delimiters(void)
{
    CHECK_STR(R("{{=<% %>=}}(<%x%>) {{x}} <%={{ }}=%>{{x}}", "{\"x\": \"y\"}"), "(y) {{x}} y");
    CHECK_STR(R("[\n{{= | | =}}\n|#s|\n  |x|\n|/s|\n]", "{\"s\": true, \"x\": 1}"), "[\n  1\n]");
    CHECK_STR(R("{{=[ ]=}}[{x}]", "{\"x\": \"<\"}"), "<");
    /* A closing delimiter that starts with a sigil character. */
    CHECK_STR(R("{{=% >=}}%&x>|%{x}>|%!c>|%#s>in%/s>", "{\"x\": \"<\", \"s\": 1}"), "<|<||in");
}

static void mustache_should_not_pass_delimiters_into_partials(void)
{
    static const char *const parts[] = {"p", ".{{v}}.", NULL};
    CHECK_STR(RP("{{=| |=}}[ |>p| ]", "{\"v\": 1}", parts), "[ .1. ]");
}

/* ---- partials ---- */

static void mustache_should_indent_standalone_partials(void)
{
    static const char *const parts[] = {"p", "|\n{{{c}}}\n|\n", NULL};
    CHECK_STR(RP("\\\n {{>p}}\n/\n", "{\"c\": \"<\\n->\"}", parts), "\\\n |\n <\n->\n |\n/\n");
}

static void mustache_should_not_indent_inline_partials(void)
{
    static const char *const parts[] = {"p", ">\n>", NULL};
    CHECK_STR(RP("  {{d}}  {{> p}}\n", "{\"d\": \"|\"}", parts), "  |  >\n>\n");
}

static void mustache_should_not_indent_empty_lines(void)
{
    static const char *const parts[] = {"p", "a\n\nb\n", NULL};
    CHECK_STR(RP("{\n    {{>p}}\n}\n", "{}", parts), "{\n    a\n\n    b\n}\n");
}

static void mustache_should_accumulate_nested_partial_indentation(void)
{
    static const char *const parts[] = {"outer", "o1\n  {{>inner}}\no2\n", "inner", "i1\ni2\n", NULL};
    CHECK_STR(RP("  {{>outer}}\n", "{}", parts), "  o1\n    i1\n    i2\n  o2\n");
}

/* A section or inverted section whose body is one text node writes it as
 * any list of nodes would: indented where it starts a line of an indented
 * partial, once per item of a list, in the context's place. */
static void mustache_should_render_one_text_bodies_like_any(void)
{
    static const char *const parts[] = {
        "p", "{{#a}}\nline\n{{/a}}\n{{^b}}\nnot b\n{{/b}}\n{{#l}}\nitem\n{{/l}}\n{{#l}}[{{/l}}\n", NULL};
    CHECK_STR(RP("  {{>p}}\n", "{\"a\": true, \"b\": false, \"l\": [1, 2]}", parts),
              "  line\n  not b\n  item\n  item\n  [[\n");
    CHECK_STR(RP("{{>p}}", "{\"a\": \"s\", \"b\": [], \"l\": []}", parts), "line\nnot b\n\n");
    CHECK_STR(R("{{#a}}x{{/a}}{{^a}}y{{/a}}{{#a}}{{/a}}|{{#l}}-{{/l}}", "{\"a\": {\"k\": 1}, \"l\": [1, 2, 3]}"),
              "x|---");
}

static void mustache_should_render_recursive_partials(void)
{
    static const char *const parts[] = {"node", "{{c}}<{{#n}}{{>node}}{{/n}}>", NULL};
    CHECK_STR(RP("{{>node}}", "{\"c\": \"X\", \"n\": [{\"c\": \"Y\", \"n\": []}]}", parts), "X<Y<>>");
}

static void mustache_should_render_missing_partial_as_empty_when_not_strict(void)
{
    CHECK_STR(RP("[{{>nope}}]", "{}", NULL), "[]");
}

static void mustache_should_report_missing_partial_when_strict(void)
{
    CHECK_STR(RS("a\n  x{{>nope}}", "{}", NULL),
              "!t.mustache:2:4: error: unknown partial 'nope' (not in the table)");
    /* Also when the tag is in a section the data never opens. */
    CHECK_STR(RS("{{#no}}{{>nope}}{{/no}}", "{}", NULL),
              "!t.mustache:1:8: error: unknown partial 'nope' (not in the table)");
    /* The first unknown one in the template's order, at any depth, inside
     * a parent's block too, and in a partial before what follows it. */
    static const char *const parts[] = {"base", "{{$b}}{{/b}}", "q", "{{#z}}{{>in_q}}{{/z}}", NULL};
    CHECK_STR(RS("{{#a}}{{^b}}{{>one}}{{/b}}{{/a}}{{>two}}", "{}", NULL),
              "!t.mustache:1:13: error: unknown partial 'one' (not in the table)");
    CHECK_STR(RS("{{<base}}{{$b}}{{#c}}{{>three}}{{/c}}{{/b}}{{/base}}{{>four}}", "{}", parts),
              "!t.mustache:1:22: error: unknown partial 'three' (not in the table)");
    CHECK_STR(RS("x{{>q}}{{>five}}", "{}", parts),
              "!q.mustache:1:7: error: unknown partial 'in_q' (not in the table)");
}

static void mustache_should_load_each_partial_once(void)
{
    static const char *const parts[] = {"p", "<{{.}}>", NULL};
    mg_diag d;
    mg_diag_init(&d);
    mg_tpl_set *set = mg_tpl_set_new(table_loader, (void *)parts);
    mg_tpl *t = mg_tpl_parse("t", "{{#l}}{{>p}}{{>q}}{{/l}}", 24, &d);
    mg_buf out;
    mg_buf_init(&out);
    cJSON *data = cJSON_Parse("{\"l\": [1, 2, 3]}");
    loads = 0;
    for (int i = 0; i < 3; i++)
        CHECK_INT(mg_tpl_render(t, data, set, MG_ESCAPE_HTML, &out, &d), 0);
    CHECK_STR(mg_buf_cstr(&out), "<1><2><3><1><2><3><1><2><3>");
    CHECK_INT(loads, 2); /* p found once, q missing once */
    cJSON_Delete(data);
    mg_buf_fini(&out);
    mg_tpl_free(t);
    mg_tpl_set_free(set);
}

static void mustache_should_prefer_added_partials_and_report_their_errors(void)
{
    mg_buf errs;
    mg_buf_init(&errs);
    mg_diag d;
    mg_diag_init_sink(&d, capture, &errs);
    mg_tpl_set *set = mg_tpl_set_new(NULL, NULL);
    CHECK_INT(mg_tpl_set_add(set, "ok", NULL, "fine", 4, &d), 0);
    CHECK_INT(mg_tpl_set_add(set, "bad", "parts/bad.mustache", "x\n{{#a}}", 8, &d), -1);
    CHECK_STR(mg_buf_cstr(&errs),
              "parts/bad.mustache:2:7: error: end of template inside section 'a' opened at 2:1 (add '{{/a}}')");
    mg_tpl_set_free(set);
    mg_buf_fini(&errs);
}

/* ---- inheritance ---- */

static void mustache_should_override_blocks_through_parents(void)
{
    static const char *const parts[] = {"base", "<h1>{{$title}}Default{{/title}}</h1>{{$body}}-{{/body}}", NULL};
    CHECK_STR(RP("{{<base}}{{$title}}Mine {{x}}{{/title}}{{/base}}", "{\"x\": 1}", parts), "<h1>Mine 1</h1>-");
    CHECK_STR(RP("{{<base}}ignored text {{x}}{{/base}}", "{\"x\": 1}", parts), "<h1>Default</h1>-");
    CHECK_STR(R("{{$b}}default {{x}}{{/b}}", "{\"x\": 2}"), "default 2");
}

static void mustache_should_prefer_outermost_override(void)
{
    static const char *const parts[] = {
        "parent", "{{<older}}{{$a}}p{{/a}}{{/older}}",
        "older", "{{<grand}}{{$a}}o{{/a}}{{/grand}}",
        "grand", "{{$a}}g{{/a}}", NULL};
    CHECK_STR(RP("{{<parent}}{{$a}}c{{/a}}{{/parent}}", "{}", parts), "c");
    CHECK_STR(RP("{{<parent}}{{/parent}}", "{}", parts), "p");
}

static void mustache_should_render_overrides_in_the_parents_context(void)
{
    static const char *const parts[] = {"p", "{{#nested}}{{$b}}You say {{f}}.{{/b}}{{/nested}}", NULL};
    CHECK_STR(RP("{{<p}}{{$b}}I say {{f}}.{{/b}}{{/p}}", "{\"f\": \"apples\", \"nested\": {\"f\": \"bananas\"}}", parts),
              "I say bananas.");
}

static void mustache_should_reindent_overridden_blocks(void)
{
    static const char *const parts[] = {"p", "Hi,\n  {{$b}}\n  {{/b}}\n", "q", "Hi,\n{{$b}}\n  default\n{{/b}}\n", NULL};
    CHECK_STR(RP("{{<p}}{{$b}}\n    one\n    two\n{{/b}}{{/p}}\n", "{}", parts), "Hi,\n  one\n  two\n");
    CHECK_STR(RP("{{<q}}{{$b}}\none\ntwo\n{{/b}}{{/q}}\n", "{}", parts), "Hi,\n  one\n  two\n");
    CHECK_STR(RP("{{<q}}{{/q}}", "{}", parts), "Hi,\n  default\n");
    static const char *const ul[] = {"ul", "<ul>\n  {{$b}}\n  x\n  {{/b}}\n</ul>\n", NULL};
    CHECK_STR(RP("{{<ul}}{{$b}}\n{{#l}}\n<li>{{.}}</li>\n{{/l}}\n{{/b}}{{/ul}}", "{\"l\": [1, 2]}", ul),
              "<ul>\n  <li>1</li>\n  <li>2</li>\n</ul>\n");
    CHECK_STR(RP("{{<ul}}{{$b}}in\nline{{/b}}{{/ul}}", "{}", ul), "<ul>\n  in\n  line</ul>\n");
}

static void mustache_should_indent_standalone_parents(void)
{
    static const char *const parts[] = {"p", "one\ntwo\n", NULL};
    CHECK_STR(RP("Hi,\n  {{<p}}{{/p}}\n", "{}", parts), "Hi,\n  one\n  two\n");
}

/* ---- dynamic names ---- */

static void mustache_should_resolve_dynamic_partial_names(void)
{
    static const char *const parts[] = {"text", "T:{{c}}\n", "image", "I:{{u}}\n", NULL};
    CHECK_STR(RP("{{#items}}\n{{>*kind}}\n{{/items}}\n",
                 "{\"items\": [{\"kind\": \"text\", \"c\": 1}, {\"kind\": \"image\", \"u\": 2}]}", parts),
              "T:1\nI:2\n");
    CHECK_STR(RP("[{{> * a.b }}]", "{\"a\": {\"b\": \"text\"}, \"c\": 3}", parts), "[T:3\n]");
}

static void mustache_should_resolve_dynamic_parent_names(void)
{
    static const char *const parts[] = {"card", "<{{$t}}card{{/t}}>", "row", "[{{$t}}row{{/t}}]", NULL};
    CHECK_STR(RP("{{#l}}{{<*k}}{{$t}}{{v}}{{/t}}{{/*k}}{{/l}}",
                 "{\"l\": [{\"k\": \"card\", \"v\": 1}, {\"k\": \"row\", \"v\": 2}]}", parts),
              "<1>[2]");
    CHECK_STR(RP("{{<*k}}{{/k}}", "{}", parts),
              "!t.mustache:1:8: error: '{{/k}}' does not match the open parent '*k' (opened at 1:1; close it first with '{{/*k}}')");
}

static void mustache_should_render_nothing_for_unresolved_dynamic_names(void)
{
    static const char *const parts[] = {"text", "T", NULL};
    CHECK_STR(RS("[{{>*missing}}][{{>**k}}]", "{\"k\": \"text\"}", parts), "[][]");
}

static void mustache_should_report_unknown_dynamic_partial_when_strict(void)
{
    CHECK_STR(RS("\n {{>*k}}", "{\"k\": \"zz\"}", NULL), "!t.mustache:2:2: error: unknown partial 'zz' (not in the table)");
}

/* ---- errors ---- */

static void mustache_should_report_unclosed_section_with_open_position(void)
{
    CHECK_STR(R("a\n\n  {{#x}}\nb\n", "{}"),
              "!t.mustache:5:1: error: end of template inside section 'x' opened at 3:3 (add '{{/x}}')");
    CHECK_STR(R("{{=<% %>=}}<%^y%>", "{}"),
              "!t.mustache:1:18: error: end of template inside inverted section 'y' opened at 1:12 (add '<%/y%>')");
}

static void mustache_should_report_mismatched_and_stray_closes(void)
{
    CHECK_STR(R("{{#a}}{{/b}}", "{}"),
              "!t.mustache:1:7: error: '{{/b}}' does not match the open section 'a' (opened at 1:1; close it first with '{{/a}}')");
    CHECK_STR(R("x\n {{/a}}", "{}"), "!t.mustache:2:2: error: '{{/a}}' closes nothing: no section 'a' is open");
    CHECK_STR(R("{{<p}}{{$b}}{{/p}}", "{}"),
              "!t.mustache:1:13: error: '{{/p}}' does not match the open block 'b' (opened at 1:7; close it first with '{{/b}}')");
}

static void mustache_should_report_unclosed_tags(void)
{
    CHECK_STR(R("ab {{x", "{}"), "!t.mustache:1:4: error: unclosed tag: no '}}' after '{{'");
    CHECK_STR(R("{{{x}}", "{}"), "!t.mustache:1:1: error: unclosed tag: no '}}}' after '{{{'");
    CHECK_STR(R("{{! never closed", "{}"), "!t.mustache:1:1: error: unclosed tag: no '}}' after '{{!'");
    /* The sigil is not the start of the closing delimiter (found by fuzzing:
     * the name of "%>" ended before it began). */
    CHECK_STR(R("{{=% >=}}\n%>", "{}"), "!t.mustache:2:1: error: unclosed tag: no '>' after '%>'");
    CHECK_STR(R("{{=% /=}}\n%/", "{}"), "!t.mustache:2:1: error: unclosed tag: no '/' after '%/'");
}

static void mustache_should_report_bad_delimiters(void)
{
    CHECK_STR(R("{{=<%=}}", "{}"),
              "!t.mustache:1:1: error: bad set-delimiter tag '{{=<%=}}': want two delimiters without spaces or '=', separated by a space, e.g. '{{=<% %>=}}'");
    CHECK(R("{{=a b c=}}", "{}")[0] == '!');
    CHECK(R("{{== ==}}", "{}")[0] == '!');
}

static void mustache_should_report_empty_and_bad_names(void)
{
    CHECK_STR(R("{{}}", "{}"), "!t.mustache:1:1: error: empty name in tag '{{}}' (write a name, e.g. '{{name}}')");
    CHECK_STR(R("{{>  }}", "{}"), "!t.mustache:1:1: error: empty name in tag '{{>  }}' (write a name, e.g. '{{>name}}')");
    CHECK_STR(R("{{a b}}", "{}"), "!t.mustache:1:1: error: bad name 'a b' in tag: names cannot contain whitespace");
    CHECK_STR(R("{{#.a}}{{/.a}}", "{}"), "!t.mustache:1:1: error: bad name '.a' in tag: a dotted name needs a name between the dots");
}

static void mustache_should_report_errors_inside_partials_before_rendering(void)
{
    static const char *const parts[] = {"p", "ok\n{{/x}}", NULL};
    /* The partial sits in a section that is never rendered: still checked. */
    CHECK_STR(RS("{{#never}}{{>p}}{{/never}}", "{}", parts),
              "!p.mustache:2:1: error: '{{/x}}' closes nothing: no section 'x' is open");
}

static void mustache_should_stop_partial_recursion_at_depth_limit(void)
{
    static const char *const parts[] = {"r", "x{{>r}}", NULL};
    CHECK_STR(RP("{{>r}}", "{}", parts),
              "!r.mustache:1:2: error: partial 'r' nested deeper than 64 levels (does it include itself without end?)");
    static const char *const dyn[] = {"r", "{{>*n}}", NULL};
    CHECK(strstr(RP("{{>*n}}", "{\"n\": \"r\"}", dyn), "nested deeper than 64 levels") != NULL);
}

static void mustache_should_render_overrides_with_the_overrides_of_their_own_site(void)
{
    /* An override sees the overrides in effect where it was written, not
     * itself: a block that re-enters its parent gets the parent's default. */
    static const char *const parts[] = {"p", "{{$a}}d{{/a}}", "loop", "{{<loop}}{{$a}}x{{/a}}{{/loop}}", NULL};
    CHECK_STR(RP("{{<p}}{{$a}}[{{<p}}{{/p}}]{{/a}}{{/p}}", "{}", parts), "[d]");
    CHECK_STR(RP("{{<loop}}{{/loop}}", "{}", parts),
              "!loop.mustache:1:1: error: partial 'loop' nested deeper than 64 levels (does it include itself without end?)");
}

static void mustache_should_bound_exponential_expansion(void)
{
    /* p0 calls p1 twice, p1 calls p2 twice, ...: 2^30 expansions, none deep. */
    static char names[31][16], srcs[31][48]; /* room for any int: no truncation warning */
    static const char *parts[63];
    for (int i = 0; i <= 30; i++) {
        snprintf(names[i], sizeof names[i], "p%d", i);
        if (i < 30)
            snprintf(srcs[i], sizeof srcs[i], "{{>p%d}}{{>p%d}}", i + 1, i + 1);
        else
            snprintf(srcs[i], sizeof srcs[i], "x");
        parts[2 * i] = names[i];
        parts[2 * i + 1] = srcs[i];
    }
    parts[62] = NULL;
    const char *r = RP("{{>p0}}", "{}", parts);
    CHECK(strstr(r, "error: template expansion too large: over 4194304 steps") != NULL);
    CHECK(got.len < 300);
}

/* 2500 x 2500 iterations: past the fixed bound of 2^22 steps, within the bound
 * a set can be given for big data (generate sizes it to the view). */
static void mustache_should_take_bounds_sized_to_the_data(void)
{
    mg_buf data;
    mg_buf_init(&data);
    mg_buf_append_str(&data, "{\"a\": [");
    for (int i = 0; i < 2500; i++)
        mg_buf_append_str(&data, i ? ",1" : "1");
    mg_buf_append_str(&data, "]}");
    mg_buf errs;
    mg_buf_init(&errs);
    mg_diag d;
    mg_diag_init_sink(&d, capture, &errs);
    cJSON *j = cJSON_Parse(mg_buf_cstr(&data));
    mg_tpl *t = mg_tpl_parse("t.mustache", "{{#a}}{{#a}}x{{/a}}{{/a}}", 25, &d);
    mg_tpl_set *set = mg_tpl_set_new(NULL, NULL);
    mg_buf out;
    mg_buf_init(&out);
    CHECK_INT(mg_tpl_render(t, j, set, MG_ESCAPE_NONE, &out, &d), -1);
    CHECK(strstr(mg_buf_cstr(&errs), "over 4194304 steps") != NULL);
    mg_tpl_set_limits(set, 1L << 25, 64u << 20);
    mg_buf_reset(&out);
    CHECK_INT(mg_tpl_render(t, j, set, MG_ESCAPE_NONE, &out, &d), 0);
    CHECK_INT(out.len, 2500 * 2500);
    mg_tpl_set_limits(set, 1L << 25, 1u << 20); /* below the fixed output bound: kept */
    mg_buf_reset(&out);
    CHECK_INT(mg_tpl_render(t, j, set, MG_ESCAPE_NONE, &out, &d), 0);
    mg_buf_fini(&out);
    mg_buf_fini(&errs);
    mg_tpl_set_free(set);
    mg_tpl_free(t);
    cJSON_Delete(j);
    mg_buf_fini(&data);
}

/* Renders `tpl` over {"a": [n items], "x": <64 KiB of 'y'>} with `set`;
 * returns the render's result, the output in *out and the errors in *errs. */
static int render_big(const char *tpl, int n, mg_tpl_set *set, mg_escape esc, mg_buf *out, mg_buf *errs)
{
    mg_buf data;
    mg_buf_init(&data);
    mg_buf_append_str(&data, "{\"a\": [");
    for (int i = 0; i < n; i++)
        mg_buf_append_str(&data, i ? ",1" : "1");
    mg_buf_append_str(&data, "], \"x\": \"");
    for (int i = 0; i < 65536; i++)
        mg_buf_putc(&data, 'y');
    mg_buf_append_str(&data, "\"}");
    mg_diag d;
    mg_diag_init_sink(&d, capture, errs);
    cJSON *j = cJSON_Parse(mg_buf_cstr(&data));
    mg_tpl *t = mg_tpl_parse("t.mustache", tpl, strlen(tpl), &d);
    int rc = t && j ? mg_tpl_render(t, j, set, esc, out, &d) : -2;
    mg_tpl_free(t);
    cJSON_Delete(j);
    mg_buf_fini(&data);
    return rc;
}

/* 1 100 x 64 KiB (70 MB) is past the fixed output bound of 64 MiB, whether
 * the bytes come from a variable (escaped or not) or from the template's own
 * text; the render stops soon after the bound (one value or text node past
 * it at most), so a runaway template cannot fill memory. A set given a
 * bigger bound (generate sizes it to the view) renders it all. */
static void mustache_should_bound_the_output(void)
{
    const size_t max = MG_MAX_OUTPUT_BYTES, chunk = 65536;
    mg_buf text;
    mg_buf_init(&text);
    mg_buf_append_str(&text, "{{#a}}");
    for (size_t i = 0; i < chunk; i++)
        mg_buf_putc(&text, 'z');
    mg_buf_append_str(&text, "{{/a}}");
    /* Escaped (two contexts), raw, and text. */
    const char *tpls[] = {"{{#a}}{{x}}{{/a}}", "{{#a}}{{x}}{{/a}}", "{{#a}}{{{x}}}{{/a}}", mg_buf_cstr(&text)};
    const mg_escape escs[] = {MG_ESCAPE_HTML, MG_ESCAPE_C, MG_ESCAPE_HTML, MG_ESCAPE_NONE};
    for (size_t i = 0; i < sizeof tpls / sizeof tpls[0]; i++) {
        mg_buf out, errs;
        mg_buf_init(&out);
        mg_buf_init(&errs);
        mg_tpl_set *set = mg_tpl_set_new(NULL, NULL);
        CHECK_INT(render_big(tpls[i], 1100, set, escs[i], &out, &errs), -1);
        CHECK(strstr(mg_buf_cstr(&errs), "error: rendered output larger than 67108864 bytes") != NULL);
        CHECK(out.len > max - chunk && out.len <= max + chunk);
        mg_tpl_set_limits(set, 0, 80u << 20);
        mg_buf_reset(&out);
        mg_buf_reset(&errs);
        CHECK_INT(render_big(tpls[i], 1100, set, escs[i], &out, &errs), 0);
        CHECK_INT(out.len, 1100 * chunk);
        CHECK_STR(mg_buf_cstr(&errs), "");
        mg_tpl_set_free(set);
        mg_buf_fini(&out);
        mg_buf_fini(&errs);
    }
    mg_buf_fini(&text);
}

static void mustache_should_limit_section_nesting(void)
{
    mg_buf t;
    mg_buf_init(&t);
    for (int i = 0; i < MG_MAX_NESTING + 1; i++)
        mg_buf_append_str(&t, "{{#a}}");
    CHECK_STR(R(mg_buf_cstr(&t), "{}"), "!t.mustache:1:1537: error: sections nested deeper than 256 levels");
    mg_buf_reset(&t);
    for (int i = 0; i < MG_MAX_NESTING; i++)
        mg_buf_append_str(&t, "{{#a}}");
    mg_buf_append_str(&t, "x");
    for (int i = 0; i < MG_MAX_NESTING; i++)
        mg_buf_append_str(&t, "{{/a}}");
    CHECK_STR(R(mg_buf_cstr(&t), "{\"a\": true}"), "x");
    /* Deep sections inside a recursive partial: bounded before the C stack is. */
    mg_buf_reset(&t);
    for (int i = 0; i < 250; i++)
        mg_buf_append_str(&t, "{{#a}}");
    mg_buf_append_str(&t, "{{>p}}");
    for (int i = 0; i < 250; i++)
        mg_buf_append_str(&t, "{{/a}}");
    const char *parts[] = {"p", mg_buf_cstr(&t), NULL};
    CHECK(strstr(RP("{{>p}}", "{\"a\": true}", parts), "error: template expansion nested deeper than 1024 levels") != NULL);
    mg_buf_fini(&t);
}

/* ---- API ---- */

static void mustache_should_render_many_times_from_one_parse(void)
{
    mg_diag d;
    mg_diag_init(&d);
    mg_tpl *t = mg_tpl_parse("t", "{{#l}}<{{.}}>{{/l}}", 19, &d);
    cJSON *data = cJSON_Parse("{\"l\": [1, 2]}");
    mg_buf out;
    mg_buf_init(&out);
    for (int i = 0; i < 1000; i++)
        CHECK_INT(mg_tpl_render(t, data, NULL, MG_ESCAPE_HTML, &out, &d), 0);
    CHECK_INT(out.len, 6000);
    CHECK(strncmp(out.data + 5994, "<1><2>", 6) == 0);
    cJSON_Delete(data);
    mg_buf_fini(&out);
    mg_tpl_free(t);
}

static void mustache_should_render_short_strings(void)
{
    mg_buf errs, out;
    mg_buf_init(&errs);
    mg_buf_init(&out);
    mg_diag d;
    mg_diag_init_sink(&d, capture, &errs);
    cJSON *data = cJSON_Parse("{\"name\": {\"snake\": \"job_done\"}}");
    CHECK_INT(mg_tpl_render_string("target.yaml", "src/{{name.snake}}.c", data, MG_ESCAPE_NONE, &out, &d), 0);
    CHECK_STR(mg_buf_cstr(&out), "src/job_done.c");
    CHECK_INT(mg_tpl_render_string("target.yaml", "{{>x}}", data, MG_ESCAPE_NONE, &out, &d), -1);
    CHECK_STR(mg_buf_cstr(&errs), "target.yaml:1:1: error: unknown partial 'x' (no partials are available here)");
    mg_buf_reset(&out);
    mg_buf_reset(&errs);
    CHECK_INT(mg_tpl_render_string("target.yaml", "{{nme.snake}}", data, MG_ESCAPE_NONE, &out, &d), 0);
    CHECK_STR(mg_buf_cstr(&out), "");
    CHECK_INT(mg_tpl_render_string_strict("target.yaml", "src/{{nme.snake}}", data, MG_ESCAPE_NONE, &out, &d), -1);
    CHECK_STR(mg_buf_cstr(&errs), "target.yaml:1:5: error: no key 'nme.snake' in the view (did you mean 'name'?)");
    cJSON_Delete(data);
    mg_buf_fini(&out);
    mg_buf_fini(&errs);
}

static void mustache_should_report_unknown_names_when_strict(void)
{
    /* Lenient (the spec): a miss is empty / false. */
    CHECK_STR(R("[{{idd}}]{{#x}}y{{/x}}{{^x}}n{{/x}}", "{\"id\": 1}"), "[]n");
    /* Strict: the key, where, and the nearest keys. */
    CHECK_STR(RN("a\n [{{idd}}]", "{\"id\": 1, \"other\": 2}"),
              "!t.mustache:2:3: error: no key 'idd' in the view (did you mean 'id'?)");
    CHECK_STR(RN("{{#has_x}}y{{/has_x}}", "{\"has_y\": true, \"has_z\": 1, \"q\": 0}"),
              "!t.mustache:1:1: error: no key 'has_x' in the view (section) (did you mean 'has_y' or 'has_z'?)");
    CHECK_STR(RN("{{^nope}}y{{/nope}}", "{\"id\": 1}"),
              "!t.mustache:1:1: error: no key 'nope' in the view (inverted section)");
    /* The whole context stack is searched, and suggested from. */
    CHECK_STR(RN("{{#list}}{{nmae}}{{/list}}", "{\"name\": \"n\", \"list\": [{\"id\": 1}]}"),
              "!t.mustache:1:10: error: no key 'nmae' in the view (did you mean 'name'?)");
    CHECK_STR(RN("{{#list}}{{name}}{{/list}}", "{\"name\": \"n\", \"list\": [{\"id\": 1}]}"), "n");
    /* Dotted names: the part that is missing, where it was searched. */
    CHECK_STR(RN("{{a.titel}}", "{\"a\": {\"title\": \"t\"}}"),
              "!t.mustache:1:1: error: no key 'a.titel' in the view: 'a' has no member 'titel' (did you mean 'title'?)");
    CHECK_STR(RN("{{a.b.c}}", "{\"a\": {\"b\": \"s\"}}"),
              "!t.mustache:1:1: error: no key 'a.b.c' in the view: 'a.b' is not an object");
    /* A part that exists and is null or false: falsey, not a typo. */
    CHECK_STR(RN("[{{#a.b}}x{{/a.b}}{{^a.b}}y{{/a.b}}{{c.d}}]", "{\"a\": null, \"c\": false}"), "[y]");
    /* Present falsey values and "." are fine. */
    CHECK_STR(RN("{{#f}}x{{/f}}{{^f}}y{{/f}}{{n}}{{#l}}{{.}}{{/l}}", "{\"f\": false, \"n\": null, \"l\": [1]}"),
              "y1");
    /* Short names get no far-fetched suggestion. */
    CHECK_STR(RN("{{c}}", "{\"x\": 1}"), "!t.mustache:1:1: error: no key 'c' in the view");
}

static void mustache_should_refuse_blocks_the_parent_does_not_declare_when_strict(void)
{
    static const char *const parts[] = {
        "base", "<h1>{{$title}}T{{/title}}</h1>{{#x}}{{>inner}}{{/x}}",
        "inner", "{{$body}}b{{/body}}",
        "child", "{{<base}}{{$extra}}e{{/extra}}{{/base}}",
        "grand", "{{<older}}{{$a}}p{{/a}}{{/older}}",
        "older", "{{$a}}o{{/a}}{{$z}}z{{/z}}",
        NULL};
    /* Declared directly, inside a section, or by an included partial. */
    CHECK_STR(RNP("{{<base}}{{$title}}Mine{{/title}}{{$body}}B{{/body}}{{/base}}", "{\"x\": 1}", parts),
              "<h1>Mine</h1>B");
    /* A block the parent does not declare: an error at the block, listing
     * what the parent has. Lenient renders keep the spec's silence. */
    CHECK_STR(RNP("{{<base}}\n  {{$titel}}Mine{{/titel}}\n{{/base}}", "{\"x\": 1}", parts),
              "!t.mustache:2:3: error: block 'titel' overrides nothing: parent 'base' declares only 'title', 'body'");
    CHECK_STR(RP("{{<base}}{{$titel}}Mine{{/titel}}{{/base}}", "{\"x\": 1}", parts), "<h1>T</h1>b");
    /* Blocks of the parent's own parent count too; a wrong one inside a
     * partial is reported at the partial's line. */
    CHECK_STR(RNP("{{<grand}}{{$z}}Z{{/z}}{{/grand}}", "{}", parts), "pZ");
    CHECK_STR(RNP("{{>child}}", "{\"x\": 1}", parts),
              "!child.mustache:1:10: error: block 'extra' overrides nothing: parent 'base' declares only 'title', 'body'");
}

static void mustache_should_keep_nul_bytes_and_render_empty_templates(void)
{
    mg_diag d;
    mg_diag_init(&d);
    mg_tpl *t = mg_tpl_parse("t", "a\0{{x}}\0b", 9, &d);
    cJSON *data = cJSON_Parse("{\"x\": 1}");
    mg_buf out;
    mg_buf_init(&out);
    CHECK_INT(mg_tpl_render(t, data, NULL, MG_ESCAPE_HTML, &out, &d), 0);
    CHECK_INT(out.len, 5);
    CHECK(memcmp(out.data, "a\0" "1\0b", 5) == 0);
    mg_tpl_free(t);
    t = mg_tpl_parse("empty", "", 0, &d);
    CHECK(t != NULL);
    mg_buf_reset(&out);
    CHECK_INT(mg_tpl_render(t, data, NULL, MG_ESCAPE_HTML, &out, &d), 0);
    CHECK_INT(out.len, 0);
    CHECK_STR(mg_tpl_name(t), "empty");
    mg_tpl_free(t);
    cJSON_Delete(data);
    mg_buf_fini(&out);
}

/* A source that is not cJSON: a fixed tree of C structs whose values are
 * computed when the engine asks (counted), as a model-backed source does. */
typedef struct tnode {
    const char *key;
    mg_tv_kind kind;
    const char *text;
    const struct tnode *kids; /* members or elements, `nkids` of them */
    int nkids;
    const struct tnode *sibling_end; /* one past the last of its siblings */
} tnode;

static int tn_gets, tn_texts;

static mg_tv_kind tn_kind(void *self, const void *v)
{
    (void)self;
    return ((const tnode *)v)->kind;
}

static const void *tn_get(void *self, const void *v, const char *k, size_t n, uint32_t hash,
                         size_t *cache)
{
    const tnode *o = v;
    (void)self;
    (void)hash;
    tn_gets++;
    if (cache && *cache == 0)
        *cache = 1; /* the engine keeps it per frame: only checked to be writable */
    if (o->kind != MG_TV_OBJECT)
        return NULL;
    for (int i = 0; i < o->nkids; i++)
        if (strlen(o->kids[i].key) == n && memcmp(o->kids[i].key, k, n) == 0)
            return &o->kids[i];
    return NULL;
}

static const void *tn_first(void *self, const void *v)
{
    const tnode *o = v;
    (void)self;
    return o->nkids ? o->kids : NULL;
}

static const void *tn_next(void *self, const void *item)
{
    const tnode *it = item;
    (void)self;
    return it + 1 < it->sibling_end ? it + 1 : NULL;
}

static const char *tn_key(void *self, const void *item)
{
    (void)self;
    return ((const tnode *)item)->key;
}

static const char *tn_text(void *self, const void *v, size_t *n, mg_buf *scratch)
{
    const tnode *o = v;
    (void)self;
    tn_texts++;
    mg_buf_reset(scratch);
    mg_buf_append_str(scratch, o->kind == MG_TV_LIST ? "[list]" : o->kind == MG_TV_OBJECT ? "{object}"
                               : o->text ? o->text : "");
    *n = scratch->len;
    return scratch->data ? scratch->data : "";
}

static double tn_number(void *self, const void *v)
{
    (void)self;
    return strtod(((const tnode *)v)->text, NULL);
}

/* A tag remembers the key it found in small objects (by address, for the
 * render in progress): objects of another kind, keys that share a first
 * byte, duplicate keys (the first wins) and keys freed since an earlier
 * render (the allocator gives "nbme" the address "name" had) find what a
 * search of the bytes finds. */
static void mustache_should_find_names_in_small_objects_of_any_kind(void)
{
    mg_diag d;
    mg_buf errs;
    mg_buf_init(&errs);
    mg_diag_init_sink(&d, capture, &errs);
    const char *src = "{{#items}}{{name}}.{{o.name}},{{/items}}";
    mg_tpl *t = mg_tpl_parse("t.mustache", src, strlen(src), &d);
    static const char *const datas[] = {
        "{\"items\": [{\"name\": \"a\", \"o\": {\"name\": 1}}, {\"nbme\": 0, \"name\": \"b\", \"o\": {\"nam\": 0, \"name\": 2}},"
        " {\"n\": 0, \"name\": \"c\", \"name\": \"dup\", \"o\": {\"name\": 3, \"name\": 4}}, {\"o\": {}, \"name\": \"d\"}],"
        " \"name\": \"root\"}",
        "{\"items\": [{\"name\": \"a\", \"o\": {\"name\": 1}}]}",
        "{\"items\": [{\"nbme\": \"wrong\", \"name\": \"right\", \"o\": {\"nbme\": 0, \"name\": 5}}]}",
    };
    static const char *const wants[] = {"a.1,b.2,c.3,d.,", "a.1,", "right.5,"};
    for (size_t i = 0; i < sizeof datas / sizeof datas[0]; i++) {
        cJSON *data = cJSON_Parse(datas[i]);
        mg_buf out;
        mg_buf_init(&out);
        CHECK(t && data && mg_tpl_render(t, data, NULL, MG_ESCAPE_NONE, &out, &d) == 0);
        CHECK_STR(mg_buf_cstr(&out), wants[i]);
        mg_buf_fini(&out);
        cJSON_Delete(data);
    }
    /* A key whose bytes change between renders at the same address (as
     * a key freed and another allocated there). */
    static char key[] = "name";
    cJSON *data = cJSON_CreateObject(), *items = cJSON_AddArrayToObject(data, "items");
    cJSON *item = cJSON_CreateObject();
    cJSON_AddItemToArray(items, item);
    cJSON_AddItemToObjectCS(item, key, cJSON_CreateString("old"));
    for (int i = 0; i < 2; i++) {
        mg_buf out;
        mg_buf_init(&out);
        CHECK(t && mg_tpl_render(t, data, NULL, MG_ESCAPE_NONE, &out, &d) == 0);
        CHECK_STR(mg_buf_cstr(&out), i ? "new.," : "old.,");
        mg_buf_fini(&out);
        memcpy(key, "nbme", 4);
        cJSON_AddStringToObject(item, "name", "new");
    }
    cJSON_Delete(data);
    CHECK_STR(mg_buf_cstr(&errs), "");
    mg_tpl_free(t);
    mg_buf_fini(&errs);
}

/* A source that serves many renders remembers, by address, the strings it
 * escaped and whether escaping changed them, per context. */
static void mustache_should_escape_strings_again_per_context(void)
{
    mg_buf errs, out;
    mg_buf_init(&errs);
    mg_buf_init(&out);
    mg_diag d;
    mg_diag_init_sink(&d, capture, &errs);
    const char *src = "{{a}}|{{b}}|{{{a}}}|{{c}}";
    mg_tpl *t = mg_tpl_parse("t.mustache", src, strlen(src), &d);
    cJSON *data = cJSON_Parse("{\"a\": \"x<\\\"y\", \"b\": \"plain\", \"c\": \"1<2\"}");
    mg_tpl_cjson c;
    mg_tpl_cjson_source_init(&c);
    /* "1<2" is as it is in C and Python, not in html. */
    static const mg_escape escs[] = {MG_ESCAPE_C, MG_ESCAPE_HTML, MG_ESCAPE_NONE, MG_ESCAPE_PYTHON};
    static const char *const wants[] = {"x<\\\"y|plain|x<\"y|1<2", "x&lt;&quot;y|plain|x<\"y|1&lt;2",
                                        "x<\"y|plain|x<\"y|1<2", "x<\\\"y|plain|x<\"y|1<2"};
    for (int round = 0; round < 3; round++)
        for (size_t e = 0; e < sizeof escs / sizeof escs[0]; e++) {
            mg_buf_reset(&out);
            CHECK(t && data && mg_tpl_render_data(t, &c.src, data, NULL, escs[e], 1, &out, &d) == 0);
            CHECK_STR(mg_buf_cstr(&out), wants[e]);
        }
    CHECK_STR(mg_buf_cstr(&errs), "");
    mg_tpl_cjson_source_fini(&c);
    cJSON_Delete(data);
    mg_tpl_free(t);
    mg_buf_fini(&out);
    mg_buf_fini(&errs);
}

/* A miss hook as mustache.h wants one: it supplies `k` (and, in `o`, `j`) to
 * objects that lack it, and answers NULL for a name an object has. It keeps
 * in its memo word a mark of the name (its length and first byte): a word
 * given again must be the one it left for that name (memo_bad counts those
 * that are not; memo_back those given back set). */
static int hook_calls, memo_bad, memo_back;

static uint16_t hook_mark(const char *k, size_t n)
{
    return (uint16_t)(0x8000u | (unsigned)n << 8 | (n ? (unsigned char)k[0] : 0u));
}

static const cJSON *hook_k(void *user, const cJSON *obj, const char *k, size_t n, uint32_t hash, uint16_t *memo)
{
    static cJSON *vals[2];
    (void)user;
    (void)hash;
    hook_calls++;
    if (memo) {
        if (*memo) {
            memo_back++;
            memo_bad += *memo != hook_mark(k, n);
        }
        *memo = hook_mark(k, n);
    }
    if (!vals[0]) {
        vals[0] = cJSON_CreateString("hooked");
        vals[1] = cJSON_CreateString("J");
    }
    char name[8];
    if (n >= sizeof name)
        return NULL;
    memcpy(name, k, n);
    name[n] = '\0';
    if (obj && cJSON_GetObjectItemCaseSensitive(obj, name))
        return NULL;
    return strcmp(name, "k") == 0 ? vals[0] : strcmp(name, "j") == 0 ? vals[1] : NULL;
}

/* mg_tpl_render_data_over with `root` over `outer`, as run.c renders a
 * per-item file (an item over the view): every name is found as in one
 * object merged of the two (the root's members, then the outer's that the
 * root lacks), errors and their hints included, but for "." (the root), and
 * a member the hook gives the root comes before the outer's (a lazy item's
 * left-out member is the item's, not the view's of the same name). */
static const char *render_over(const char *src, const cJSON *outer, const cJSON *root, int hook)
{
    mg_buf errs;
    mg_buf_init(&errs);
    mg_diag d;
    mg_diag_init_sink(&d, capture, &errs);
    mg_tpl *t = mg_tpl_parse("t.mustache", src, strlen(src), &d);
    mg_tpl_cjson c;
    mg_tpl_cjson_source_init(&c);
    if (hook)
        mg_tpl_cjson_source_miss(&c, hook_k, NULL);
    mg_buf_reset(&got);
    int rc = t ? mg_tpl_render_data_over(t, &c.src, outer, root, NULL, MG_ESCAPE_NONE, 1, &got, &d) : -1;
    if (rc < 0) {
        mg_buf_reset(&got);
        mg_buf_putc(&got, '!');
        mg_buf_append_str(&got, mg_buf_cstr(&errs));
    }
    mg_tpl_cjson_source_fini(&c);
    mg_tpl_free(t);
    mg_buf_fini(&errs);
    return mg_buf_cstr(&got);
}

static void mustache_should_render_the_root_over_the_outer_value(void)
{
    static const char *const tpls[] = {
        "{{a}} {{b}} {{c}}", "{{#l}}[{{a}}{{b}}{{x}}]{{/l}}", "{{o.p}} {{a.p}}", "{{^d}}no d{{/d}}",
        "{{#o}}{{a}}{{p}}{{/o}}", "{{zz}}", "{{bb}}", "{{o.zz}}",
    };
    cJSON *outer = cJSON_Parse("{\"a\": \"outer a\", \"b\": \"outer b\", \"l\": [{\"x\": 1}, {\"a\": 2}],"
                               " \"o\": {\"p\": \"op\"}, \"k\": \"outer k\"}");
    cJSON *root = cJSON_Parse("{\"a\": \"root a\", \"c\": \"root c\", \"d\": false}");
    cJSON *merged = cJSON_Duplicate(root, 1);
    for (const cJSON *m = outer->child; m; m = m->next)
        if (!cJSON_GetObjectItemCaseSensitive(root, m->string))
            cJSON_AddItemToObject(merged, m->string, cJSON_Duplicate(m, 1));
    for (size_t i = 0; i < sizeof tpls / sizeof tpls[0]; i++) {
        mg_buf want;
        mg_buf_init(&want);
        mg_buf_append_str(&want, render_over(tpls[i], NULL, merged, 0));
        CHECK_STR(render_over(tpls[i], outer, root, 0), mg_buf_cstr(&want));
        mg_buf_fini(&want);
    }
    CHECK_STR(render_over("{{c}}, {{a}}, {{b}}", outer, root, 0), "root c, root a, outer b");
    CHECK_STR(render_over("{{{.}}}", outer, root, 0), "{\"a\":\"root a\",\"c\":\"root c\",\"d\":false}");
    /* the hook's k for the root, not the outer's member */
    CHECK_STR(render_over("{{k}} {{b}}", outer, root, 1), "hooked outer b");
    CHECK_STR(render_over("{{a}}", NULL, root, 0), "root a");
    CHECK_STR(render_over("{{a}}", outer, NULL, 0), "outer a");
    cJSON_Delete(merged);
    cJSON_Delete(root);
    cJSON_Delete(outer);
}

/* The cJSON source's miss hook: a member the data lacks comes from the hook,
 * one it has from the data, in any order of the two kinds along a list (a
 * tag whose last lookup the hook answered asks it first), for the first part
 * of a name and the later ones, small objects and big (indexed) ones. */
static void mustache_should_take_members_the_data_lacks_from_the_hook(void)
{
    static const char *const datas[] = {
        "{\"items\": [{\"a\": 1}, {\"a\": 2, \"k\": \"real\"}, {\"a\": 3}, {\"k\": \"own\"}, {\"k\": \"x\"}],"
        " \"k\": \"root\"}",
        "{\"items\": [{\"a\": 1, \"b\": 1, \"c\": 1, \"d\": 1, \"e\": 1, \"f\": 1, \"g\": 1, \"h\": 1, \"i\": 1,"
        " \"l\": 1, \"m\": 1, \"n\": 1, \"o\": {\"p\": 1}},"
        " {\"a\": 1, \"b\": 1, \"c\": 1, \"d\": 1, \"e\": 1, \"f\": 1, \"g\": 1, \"h\": 1, \"i\": 1,"
        " \"l\": 1, \"m\": 1, \"n\": 1, \"k\": \"real\", \"o\": {\"j\": \"own\"}},"
        " {\"a\": 1, \"b\": 1, \"c\": 1, \"d\": 1, \"e\": 1, \"f\": 1, \"g\": 1, \"h\": 1, \"i\": 1,"
        " \"l\": 1, \"m\": 1, \"n\": 1, \"o\": {\"p\": 2}},"
        " {\"k\": \"own\", \"o\": {\"j\": \"mine\"}}, {\"k\": \"x\", \"o\": {\"p\": 3}}], \"k\": \"root\"}",
    };
    static const char *const wants[] = {"hooked,real,hooked,own,x,|", "hooked/J,real/own,hooked/J,own/mine,x/J,|"};
    static const char *const tpls[] = {"{{#items}}{{k}},{{/items}}|", "{{#items}}{{k}}/{{o.j}},{{/items}}|"};
    for (size_t i = 0; i < 2; i++) {
        mg_buf errs, out;
        mg_buf_init(&errs);
        mg_buf_init(&out);
        mg_diag d;
        mg_diag_init_sink(&d, capture, &errs);
        cJSON *data = cJSON_Parse(datas[i]);
        mg_tpl *t = mg_tpl_parse("t.mustache", tpls[i], strlen(tpls[i]), &d);
        mg_tpl_cjson c;
        mg_tpl_cjson_source_init(&c);
        mg_tpl_cjson_source_miss(&c, hook_k, NULL);
        hook_calls = memo_bad = memo_back = 0;
        /* Twice with one source: the second render reads indexes made by the first. */
        for (int again = 0; again < 2; again++) {
            mg_buf_reset(&out);
            CHECK(data && t && mg_tpl_render_data(t, &c.src, data, NULL, MG_ESCAPE_NONE, 1, &out, &d) == 0);
            CHECK_STR(mg_buf_cstr(&out), wants[i]);
        }
        CHECK(hook_calls > 0);
        /* Each tag (and each later part of a dotted name) has its own
         * memo word, given back to the hook at the tag's next lookups. */
        CHECK_INT(memo_bad, 0);
        CHECK(memo_back > 0);
        CHECK_STR(mg_buf_cstr(&errs), "");
        mg_tpl_cjson_source_fini(&c);
        /* The tags' memos say the hook answered; a source without one
         * (the same template, then rendered from a full view) finds the
         * data's members only, up the context stack. */
        static const char *const plain[] = {"root,real,root,own,x,|", "root/,real/own,root/,own/mine,x/,|"};
        mg_tpl_cjson_source_init(&c);
        mg_buf_reset(&out);
        CHECK(data && t && mg_tpl_render_data(t, &c.src, data, NULL, MG_ESCAPE_NONE, 0, &out, &d) == 0);
        CHECK_STR(mg_buf_cstr(&out), plain[i]);
        mg_tpl_cjson_source_fini(&c);
        mg_tpl_free(t);
        cJSON_Delete(data);
        mg_buf_fini(&out);
        mg_buf_fini(&errs);
    }
}

static void mustache_should_render_any_data_source(void)
{
    static const tnode item_a[2] = {{"name", MG_TV_STRING, "a<", NULL, 0, item_a + 2},
                                    {"on", MG_TV_TRUE, NULL, NULL, 0, item_a + 2}};
    static const tnode item_b[2] = {{"name", MG_TV_STRING, "b", NULL, 0, item_b + 2},
                                    {"on", MG_TV_FALSE, NULL, NULL, 0, item_b + 2}};
    static const tnode items[2] = {{NULL, MG_TV_OBJECT, NULL, item_a, 2, items + 2},
                                   {NULL, MG_TV_OBJECT, NULL, item_b, 2, items + 2}};
    static const tnode root[6] = {{"title", MG_TV_STRING, "T", NULL, 0, root + 6},
                                  {"items", MG_TV_LIST, NULL, items, 2, root + 6},
                                  {"none", MG_TV_NULL, NULL, NULL, 0, root + 6},
                                  {"empty", MG_TV_STRING, "", NULL, 0, root + 6},
                                  {"count", MG_TV_NUMBER, "2", NULL, 0, root + 6},
                                  {"nothing", MG_TV_LIST, NULL, NULL, 0, root + 6}};
    static const tnode top = {NULL, MG_TV_OBJECT, NULL, root, 6, &top + 1};
    mg_tpl_source src = {.self = NULL, .kind = tn_kind, .get = tn_get, .first = tn_first,
                         .next = tn_next, .key = tn_key, .text = tn_text, .number = tn_number};
    mg_buf errs, out;
    mg_buf_init(&errs);
    mg_buf_init(&out);
    mg_diag d;
    mg_diag_init_sink(&d, capture, &errs);
    const char *tpl = "{{title}} {{count}}:{{#items}} {{name}}{{#on}}+{{/on}}{{^on}}-{{/on}}{{/items}}"
                      "{{^none}} N{{/none}}{{^empty}} E{{/empty}}{{^nothing}} Z{{/nothing}} {{items}}";
    mg_tpl *t = mg_tpl_parse("t.mustache", tpl, strlen(tpl), &d);
    tn_gets = tn_texts = 0;
    CHECK(t && mg_tpl_render_data(t, &src, &top, NULL, MG_ESCAPE_HTML, 1, &out, &d) == 0);
    CHECK_STR(mg_buf_cstr(&out), "T 2: a&lt;+ b- N E Z [list]");
    CHECK(tn_gets > 0 && tn_texts > 0);
    mg_tpl_free(t);
    /* Strict: a miss names the nearest keys, which the source lists. */
    mg_buf_reset(&out);
    t = mg_tpl_parse("t.mustache", "{{#items}}{{nmae}}{{/items}}", 28, &d);
    CHECK(t && mg_tpl_render_data(t, &src, &top, NULL, MG_ESCAPE_HTML, 1, &out, &d) < 0);
    CHECK_STR(mg_buf_cstr(&errs), "t.mustache:1:11: error: no key 'nmae' in the view (did you mean 'name'?)");
    mg_tpl_free(t);
    mg_buf_fini(&out);
    mg_buf_fini(&errs);
}

int main(void)
{
    mg_buf_init(&got);
    RUN(mustache_should_interpolate_and_escape_html);
    RUN(mustache_should_not_escape_triple_and_ampersand);
    RUN(mustache_should_escape_only_the_spec_characters);
    RUN(mustache_should_not_escape_in_none_mode);
    RUN(mustache_should_render_missing_and_null_as_empty);
    RUN(mustache_should_print_integers_without_fraction);
    RUN(mustache_should_print_shortest_round_trip_decimals);
    RUN(mustache_should_print_booleans_and_json_for_containers);
    RUN(mustache_should_resolve_dotted_names);
    RUN(mustache_should_not_continue_broken_chains_up_the_stack);
    RUN(mustache_should_resolve_first_part_through_context_stack);
    RUN(mustache_should_use_implicit_iterator);
    RUN(mustache_should_iterate_lists_and_push_objects);
    RUN(mustache_should_treat_falsey_values_as_documented);
    RUN(mustache_should_push_non_empty_strings_as_context);
    RUN(mustache_should_render_inverted_sections);
    RUN(mustache_should_render_an_inverted_section_after_its_section);
    RUN(mustache_should_drop_comments_including_multiline);
    RUN(mustache_should_remove_standalone_lines);
    RUN(mustache_should_remove_standalone_lines_with_crlf);
    RUN(mustache_should_keep_lines_with_interpolation_or_text);
    RUN(mustache_should_treat_tags_at_template_edges_as_standalone);
    RUN(mustache_should_change_delimiters);
    RUN(mustache_should_not_pass_delimiters_into_partials);
    RUN(mustache_should_indent_standalone_partials);
    RUN(mustache_should_not_indent_inline_partials);
    RUN(mustache_should_not_indent_empty_lines);
    RUN(mustache_should_accumulate_nested_partial_indentation);
    RUN(mustache_should_render_recursive_partials);
    RUN(mustache_should_render_one_text_bodies_like_any);
    RUN(mustache_should_render_missing_partial_as_empty_when_not_strict);
    RUN(mustache_should_report_missing_partial_when_strict);
    RUN(mustache_should_load_each_partial_once);
    RUN(mustache_should_prefer_added_partials_and_report_their_errors);
    RUN(mustache_should_override_blocks_through_parents);
    RUN(mustache_should_prefer_outermost_override);
    RUN(mustache_should_render_overrides_in_the_parents_context);
    RUN(mustache_should_reindent_overridden_blocks);
    RUN(mustache_should_indent_standalone_parents);
    RUN(mustache_should_resolve_dynamic_partial_names);
    RUN(mustache_should_resolve_dynamic_parent_names);
    RUN(mustache_should_render_nothing_for_unresolved_dynamic_names);
    RUN(mustache_should_report_unknown_dynamic_partial_when_strict);
    RUN(mustache_should_report_unclosed_section_with_open_position);
    RUN(mustache_should_report_mismatched_and_stray_closes);
    RUN(mustache_should_report_unclosed_tags);
    RUN(mustache_should_report_bad_delimiters);
    RUN(mustache_should_report_empty_and_bad_names);
    RUN(mustache_should_report_errors_inside_partials_before_rendering);
    RUN(mustache_should_stop_partial_recursion_at_depth_limit);
    RUN(mustache_should_take_bounds_sized_to_the_data);
    RUN(mustache_should_bound_the_output);
    RUN(mustache_should_render_overrides_with_the_overrides_of_their_own_site);
    RUN(mustache_should_bound_exponential_expansion);
    RUN(mustache_should_limit_section_nesting);
    RUN(mustache_should_render_many_times_from_one_parse);
    RUN(mustache_should_render_short_strings);
    RUN(mustache_should_report_unknown_names_when_strict);
    RUN(mustache_should_refuse_blocks_the_parent_does_not_declare_when_strict);
    RUN(mustache_should_keep_nul_bytes_and_render_empty_templates);
    RUN(mustache_should_render_any_data_source);
    RUN(mustache_should_escape_strings_again_per_context);
    RUN(mustache_should_find_names_in_small_objects_of_any_kind);
    RUN(mustache_should_take_members_the_data_lacks_from_the_hook);
    RUN(mustache_should_render_the_root_over_the_outer_value);
    mg_buf_fini(&got);
    return unit_done();
}
