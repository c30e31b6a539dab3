/* test_buf.c - growable buffers and diagnostics formatting. */
#include "../../generator/buf.c"
#include "../../generator/diag.c"
#include "unit.h"

static void buf_should_append_and_terminate(void)
{
    mg_buf b;
    mg_buf_init(&b);
    CHECK_STR(mg_buf_cstr(&b), "");
    for (int i = 0; i < 1000; i++)
        mg_buf_appendf(&b, "%d,", i % 10);
    CHECK_INT(b.len, 2000);
    CHECK(b.data[b.len] == '\0');
    CHECK(strncmp(b.data, "0,1,2,", 6) == 0);
    size_t n;
    char *s = mg_buf_steal(&b, &n);
    CHECK_INT(n, 2000);
    CHECK(b.data == NULL && b.len == 0);
    free(s);
    mg_buf_fini(&b);
}

static void buf_should_keep_embedded_nul_bytes(void)
{
    mg_buf b;
    mg_buf_init(&b);
    mg_buf_append(&b, "a\0b", 3);
    CHECK_INT(b.len, 3);
    CHECK(memcmp(b.data, "a\0b", 4) == 0);
    mg_buf_fini(&b);
}

static char last[512];
static void capture(void *user, const char *line)
{
    (void)user;
    snprintf(last, sizeof last, "%s", line);
}

static void diag_should_format_gcc_style_one_line(void)
{
    mg_diag d;
    mg_diag_init_sink(&d, capture, NULL);
    mg_diag_error(&d, mg_mark_at("a.yaml", 3, 7), "bad %s\nthing", "x");
    CHECK_STR(last, "a.yaml:3:7: error: bad x thing");
    mg_diag_error(&d, mg_mark_at("a.yaml", 0, 0), "whole file");
    CHECK_STR(last, "a.yaml: error: whole file");
    mg_diag_error(&d, mg_mark_at(NULL, 0, 0), "usage");
    CHECK_STR(last, "msggen: error: usage");
    CHECK_INT(d.errors, 3);
}

static void diag_should_stop_forwarding_at_the_limit(void)
{
    mg_diag d;
    mg_diag_init_sink(&d, capture, NULL);
    d.max_errors = 2;
    mg_diag_error(&d, mg_mark_at("f", 1, 1), "one");
    mg_diag_error(&d, mg_mark_at("f", 1, 1), "two");
    mg_diag_error(&d, mg_mark_at("f", 1, 1), "three");
    CHECK_STR(last, "f:1:1: error: two");
    CHECK_INT(d.errors, 3);
    CHECK(mg_diag_full(&d));
}

int main(void)
{
    RUN(buf_should_append_and_terminate);
    RUN(buf_should_keep_embedded_nul_bytes);
    RUN(diag_should_format_gcc_style_one_line);
    RUN(diag_should_stop_forwarding_at_the_limit);
    return unit_done();
}
