/* test_text.c - hex digits, strict UTF-8, offsets as line/column and JSON
 * Pointer tokens. */
#include "../../generator/text.c"
#include "unit.h"

static void text_should_read_hex_digits_of_either_case(void)
{
    CHECK_INT(mg_hexval('0'), 0);
    CHECK_INT(mg_hexval('9'), 9);
    CHECK_INT(mg_hexval('a'), 10);
    CHECK_INT(mg_hexval('F'), 15);
    CHECK_INT(mg_hexval('g'), -1);
    CHECK_INT(mg_hexval('\0'), -1);
}

static size_t dec(const char *s, size_t n, uint32_t *cp)
{
    return mg_utf8_decode((const unsigned char *)s, n, cp);
}

static void utf8_should_decode_strictly(void)
{
    uint32_t cp = 0;
    CHECK_INT(dec("A", 1, &cp), 1);
    CHECK_INT(cp, 'A');
    CHECK_INT(dec("\xC3\xA9", 2, &cp), 2);
    CHECK_INT(cp, 0xE9);
    CHECK_INT(dec("\xE2\x82\xAC", 3, &cp), 3);
    CHECK_INT(cp, 0x20AC);
    CHECK_INT(dec("\xF0\x9F\x98\x80", 4, &cp), 4);
    CHECK_INT(cp, 0x1F600);
    CHECK_INT(dec("\xC0\x80", 2, &cp), 0);         /* overlong NUL */
    CHECK_INT(dec("\xE0\x80\x80", 3, &cp), 0);     /* overlong three-byte */
    CHECK_INT(dec("\xED\xA0\x80", 3, &cp), 0);     /* surrogate */
    CHECK_INT(dec("\xF4\x90\x80\x80", 4, &cp), 0); /* past U+10FFFF */
    CHECK_INT(dec("\xE2\x82", 2, &cp), 0);         /* cut short */
    CHECK_INT(dec("\x80", 1, &cp), 0);             /* lone continuation byte */
    CHECK_INT(mg_utf8_length("a\xC3\xA9\xE2\x82\xAC"), 3);
}

static void linecol_should_count_lines_and_code_points(void)
{
    const char *t = "ab\n\xC3\xA9x\ny";
    int line, col;
    mg_text_linecol(t, strlen(t), 0, &line, &col);
    CHECK(line == 1 && col == 1);
    mg_text_linecol(t, strlen(t), 5, &line, &col); /* the 'x' after the two-byte e-acute */
    CHECK(line == 2 && col == 2);
    mg_text_linecol(t, strlen(t), 999, &line, &col); /* past the end: the end */
    CHECK(line == 3 && col == 2);
}

static void jptr_should_round_trip_tokens(void)
{
    mg_buf b, t;
    mg_buf_init(&b);
    mg_buf_init(&t);
    mg_jptr_append_token(&b, "a/b~c");
    CHECK_STR(mg_buf_cstr(&b), "a~1b~0c");
    const char *bad = (const char *)1;
    const char *end = mg_jptr_decode_token(&t, "a~1b~0c/next", &bad);
    CHECK_STR(mg_buf_cstr(&t), "a/b~c");
    CHECK_STR(end, "/next");
    CHECK(bad == NULL);
    mg_buf_reset(&t);
    mg_jptr_decode_token(&t, "~01", NULL); /* left to right: "~1", not "/" */
    CHECK_STR(mg_buf_cstr(&t), "~1");
    mg_buf_reset(&t);
    const char *in = "x~2y~";
    mg_jptr_decode_token(&t, in, &bad);
    CHECK_STR(mg_buf_cstr(&t), "x~2y~");
    CHECK(bad == in + 1);
    mg_buf_fini(&b);
    mg_buf_fini(&t);
}

static void subst_should_take_the_first_pair_that_matches(void)
{
    mg_subst s;
    mg_subst_init(&s);
    mg_subst_add(&s, "<", "&lt;", 0);
    mg_subst_add(&s, "<<", "<<not-reached>>", 1);
    mg_subst_add(&s, "|", "\\|", 1);
    mg_subst_add(&s, "", "ignored", 1);
    mg_subst_add(&s, NULL, "ignored", 0);
    CHECK_INT(s.n, 3);
    const mg_subst_pair *p = mg_subst_match(&s, "<<x", 3, 0);
    CHECK(p && strcmp(p->to, "&lt;") == 0);
    p = mg_subst_match(&s, "<<x", 3, 1); /* inside code only code pairs apply */
    CHECK(p && strcmp(p->to, "<<not-reached>>") == 0);
    CHECK(mg_subst_match(&s, "<<", 1, 1) == NULL); /* "<<" does not fit in one byte */
    CHECK(mg_subst_match(&s, "x|", 2, 0) == NULL);
    CHECK(s.starts['<'] == 3 && s.starts['|'] == 3 && s.starts['x'] == 0);
    mg_subst_fini(&s);
    CHECK(s.pairs == NULL && s.n == 0);
}

int main(void)
{
    RUN(text_should_read_hex_digits_of_either_case);
    RUN(subst_should_take_the_first_pair_that_matches);
    RUN(utf8_should_decode_strictly);
    RUN(linecol_should_count_lines_and_code_points);
    RUN(jptr_should_round_trip_tokens);
    return unit_done();
}
