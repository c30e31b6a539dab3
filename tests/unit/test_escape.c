/* test_escape.c - every escape context on the same hostile text, the choice
 * of a context by file name, names and parsing. */
#include "../../generator/escape.c"
#include "unit.h"

#include <stdlib.h>

/* Quotes, backslash, comment delimiters, ${, backtick, a trigraph, line
 * breaks, tab, controls, U+202E (RLO), e-acute, U+E0001 (a tag), and a final
 * backslash. */
static const char hostile[] = "a\"b'c\\d*/e/*f${g}`h?\?/i\n\r\t\x01\x7f\xe2\x80\xae\xc3\xa9\xf3\xa0\x80\x81\\";

static char *esc(mg_escape e, const char *s)
{
    mg_buf b;
    mg_buf_init(&b);
    mg_escape_append(&b, e, s, strlen(s));
    mg_buf_cstr(&b);
    return mg_buf_steal(&b, NULL);
}

#define CHECK_ESC(e, s, want)       \
    do {                            \
        char *got_ = esc((e), (s)); \
        CHECK_STR(got_, (want));    \
        free(got_);                 \
    } while (0)

static void escape_c_should_be_exact_in_literals_and_inert_in_comments(void)
{
    /* *\057 and /\052: "*" "/" in a literal, no comment delimiter; \?: no
     * trigraph; the last backslash as \134, so no line splice in a // comment;
     * U+202E as a UCN; a tag above U+FFFF as \U; e-acute kept. */
    CHECK_ESC(MG_ESCAPE_C, hostile,
              "a\\\"b\\'c\\\\d*\\057e/\\052f${g}`h\\?\\?/i\\n\\r\\t\\001\\177\\u202e\xc3\xa9\\U000e0001\\134");
    CHECK_ESC(MG_ESCAPE_C, "\xc2\x85", "\\302\\205"); /* C1 control: no UCN below U+00A0 in C */
    CHECK_ESC(MG_ESCAPE_C, "\xff", "\\377");          /* not UTF-8: the byte, exactly */
    CHECK_ESC(MG_ESCAPE_C, "snake_case_ID9", "snake_case_ID9");
}

static void escape_python_should_escape_quotes_controls_and_invisible_characters(void)
{
    CHECK_ESC(MG_ESCAPE_PYTHON, hostile,
              "a\\\"b\\'c\\\\d*/e/*f${g}`h?\?/i\\n\\r\\t\\x01\\x7f\\u202e\xc3\xa9\\U000e0001\\\\");
    CHECK_ESC(MG_ESCAPE_PYTHON, "\xc2\x85\xff", "\\x85\\ufffd");
}

static void escape_typescript_should_escape_template_literals_and_comments(void)
{
    CHECK_ESC(MG_ESCAPE_TS, hostile,
              "a\\\"b\\'c\\\\d*\\/e/\\*f$\\{g}\\`h?\?/i\\n\\r\\t\\x01\\x7f\\u202e\xc3\xa9\\u{e0001}\\\\");
    CHECK_ESC(MG_ESCAPE_TS, "\xe2\x80\xa8", "\\u2028"); /* a line terminator in JavaScript */
}

static void escape_json_and_toml_should_use_their_string_escapes(void)
{
    CHECK_ESC(MG_ESCAPE_JSON, hostile,
              "a\\\"b'c\\\\d*\\u002fe/\\u002af${g}`h?\?/i\\n\\r\\t\\u0001\\u007f\\u202e\xc3\xa9\\udb40\\udc01\\\\");
    CHECK_ESC(MG_ESCAPE_JSON, "\b\f", "\\b\\f");
    CHECK_ESC(MG_ESCAPE_TOML, hostile,
              "a\\\"b'c\\\\d*/e/*f${g}`h?\?/i\\n\\r\\t\\u0001\\u007F\\u202E\xc3\xa9\\U000E0001\\\\");
}

static void escape_makefile_pkgconfig_and_shell_should_be_inert_one_line(void)
{
    /* make: $ doubled, # escaped, line breaks and controls as spaces, \ as /. */
    CHECK_ESC(MG_ESCAPE_MAKEFILE, "1.0\n$(shell touch x)\n#c\\", "1.0 $$(shell touch x) \\#c/");
    CHECK_ESC(MG_ESCAPE_PKGCONFIG, "a ${b}\r\xe2\x80\xae", "a $${b}  ");
    CHECK_ESC(MG_ESCAPE_SHELL, "a \"$(x)\" `y` \\\nRUN z", "a \\\"\\$(x)\\\" \\`y\\` \\\\ RUN z");
}

static void escape_markdown_and_html_should_show_markup_as_text(void)
{
    CHECK_ESC(MG_ESCAPE_HTML, "<a href=\"x\">&</a>'\n", "&lt;a href=&quot;x&quot;&gt;&amp;&lt;/a&gt;'\n");
    CHECK_ESC(MG_ESCAPE_MARKDOWN, "<b>*x*</b> [l](u) `c` a|b \\\n\xe2\x80\xae",
              "&lt;b&gt;&#42;x&#42;&lt;/b&gt; &#91;l&#93;(u) &#96;c&#96; a&#124;b &#92; &#x202E;");
}

static void escape_text_should_keep_only_characters_inert_everywhere(void)
{
    CHECK_ESC(MG_ESCAPE_TEXT, "Worker Backend 4.0 (v2): ok!", "Worker Backend 4.0 (v2): ok!");
    CHECK_ESC(MG_ESCAPE_TEXT, "a\"b'c\\d*/e${f}#g%h\n\xe2\x80\xae\xc3\xa9", "a_b_c_d_/e__f__g_h  \xc3\xa9");
    CHECK_ESC(MG_ESCAPE_NONE, hostile, hostile);
}

static void escape_should_choose_a_context_by_file_name(void)
{
    CHECK_INT(mg_escape_for_path("src/a.c"), MG_ESCAPE_C);
    CHECK_INT(mg_escape_for_path("a.h"), MG_ESCAPE_C);
    CHECK_INT(mg_escape_for_path("pkg/types.py"), MG_ESCAPE_PYTHON);
    CHECK_INT(mg_escape_for_path("src/index.ts"), MG_ESCAPE_TS);
    CHECK_INT(mg_escape_for_path("package.json"), MG_ESCAPE_JSON);
    CHECK_INT(mg_escape_for_path("pyproject.toml"), MG_ESCAPE_TOML);
    CHECK_INT(mg_escape_for_path("Makefile"), MG_ESCAPE_MAKEFILE);
    CHECK_INT(mg_escape_for_path("x.pc.in"), MG_ESCAPE_PKGCONFIG);
    CHECK_INT(mg_escape_for_path("Dockerfile"), MG_ESCAPE_SHELL);
    CHECK_INT(mg_escape_for_path("docs/README.md"), MG_ESCAPE_MARKDOWN);
    CHECK_INT(mg_escape_for_path("index.html"), MG_ESCAPE_HTML);
    CHECK_INT(mg_escape_for_path("lib.rs"), MG_ESCAPE_TEXT);
    CHECK_INT(mg_escape_for_path(".c"), MG_ESCAPE_TEXT); /* a name, not only a suffix */
    CHECK_INT(mg_escape_for_path("dir.c/Makefile.am"), MG_ESCAPE_TEXT);
}

static void escape_should_parse_and_name_every_context(void)
{
    for (int e = MG_ESCAPE_HTML; e <= MG_ESCAPE_AUTO; e++) {
        mg_escape back = MG_ESCAPE_NONE;
        CHECK_INT(mg_escape_parse(mg_escape_name((mg_escape)e), &back), 0);
        CHECK_INT(back, e);
        CHECK(strstr(mg_escape_names(), mg_escape_name((mg_escape)e)) != NULL);
    }
    mg_escape x = MG_ESCAPE_C;
    CHECK_INT(mg_escape_parse("xml", &x), -1);
    CHECK_INT(x, MG_ESCAPE_C);
    CHECK(mg_escape_invisible(0x202E) && mg_escape_invisible(0xFEFF) && mg_escape_invisible(0xE0041));
    CHECK(!mg_escape_invisible(0xE9) && !mg_escape_invisible(0x20) && !mg_escape_invisible(0x1F600));
}

int main(void)
{
    RUN(escape_c_should_be_exact_in_literals_and_inert_in_comments);
    RUN(escape_python_should_escape_quotes_controls_and_invisible_characters);
    RUN(escape_typescript_should_escape_template_literals_and_comments);
    RUN(escape_json_and_toml_should_use_their_string_escapes);
    RUN(escape_makefile_pkgconfig_and_shell_should_be_inert_one_line);
    RUN(escape_markdown_and_html_should_show_markup_as_text);
    RUN(escape_text_should_keep_only_characters_inert_everywhere);
    RUN(escape_should_choose_a_context_by_file_name);
    RUN(escape_should_parse_and_name_every_context);
    return unit_done();
}
