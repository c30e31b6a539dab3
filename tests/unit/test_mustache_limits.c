/* test_mustache_limits.c - a set's render bounds given lazily
 * (mg_tpl_set_limits_lazy): asked for only when a render goes past the fixed
 * ones, once, and then holding as if set from the start: the render that
 * asked goes on to the same step and byte a render under set bounds would
 * reach, and stops there with the same message. */
#include "../../generator/mustache.c"
#include "unit.h"

static mg_buf errs;
static int calls;

static void capture(void *user, const char *line)
{
    (void)user;
    if (errs.len)
        mg_buf_putc(&errs, '\n');
    mg_buf_append_str(&errs, line);
}

typedef struct {
    long steps;
    size_t output;
} bounds;

static int give(void *user, long *max_steps, size_t *max_output)
{
    const bounds *b = user;
    calls++;
    *max_steps = b->steps;
    *max_output = b->output;
    return 0;
}

/* A set whose partial p0 renders p1 twice, ... p(depth) (`leaf` bytes of
 * 'x') 2^depth times: 3 * 2^depth - 1 steps from "{{>p0}}", and 2^depth *
 * leaf bytes. */
static mg_tpl_set *fan_out(int depth, size_t leaf, mg_diag *d)
{
    mg_tpl_set *s = mg_tpl_set_new(NULL, NULL);
    char name[32], text[64];
    for (int k = 0; k < depth; k++) {
        snprintf(name, sizeof name, "p%d", k);
        snprintf(text, sizeof text, "{{>p%d}}{{>p%d}}", k + 1, k + 1);
        mg_tpl_set_add(s, name, NULL, text, strlen(text), d);
    }
    char *x = malloc(leaf + 1);
    memset(x, 'x', leaf);
    x[leaf] = '\0';
    snprintf(name, sizeof name, "p%d", depth);
    mg_tpl_set_add(s, name, NULL, x, leaf, d);
    free(x);
    return s;
}

/* Renders "{{>p0}}" with set s: returns 0 or -1, the output's length in
 * *len. */
static int render_fan(mg_tpl_set *s, size_t *len, mg_diag *d)
{
    mg_tpl *t = mg_tpl_parse("t", "{{>p0}}", 7, d);
    mg_buf out;
    mg_buf_init(&out);
    int rc = t ? mg_tpl_render(t, NULL, s, MG_ESCAPE_NONE, &out, d) : -1;
    *len = out.len;
    mg_buf_fini(&out);
    mg_tpl_free(t);
    return rc;
}

static void lazy_limits_should_not_be_asked_for_by_a_small_render(void)
{
    mg_diag d;
    mg_diag_init_sink(&d, capture, NULL);
    mg_buf_reset(&errs);
    calls = 0;
    bounds b = {1L << 30, (size_t)1 << 30};
    mg_tpl_set *s = fan_out(10, 1, &d);
    mg_tpl_set_limits_lazy(s, give, &b);
    size_t len;
    CHECK_INT(render_fan(s, &len, &d), 0);
    CHECK_INT((long)len, 1024);
    CHECK_INT(calls, 0);
    mg_tpl_set_free(s);
}

/* 3 * 2^21 - 1 steps: past the fixed bound (2^22), within 2^23. */
static void lazy_limits_should_let_a_render_go_on_to_the_new_bound(void)
{
    mg_diag d;
    mg_diag_init_sink(&d, capture, NULL);
    mg_buf_reset(&errs);
    calls = 0;
    bounds b = {1L << 23, 0};
    mg_tpl_set *s = fan_out(21, 1, &d);
    size_t len;
    CHECK_INT(render_fan(s, &len, &d), -1); /* fixed bounds: stops */
    CHECK_STR(mg_buf_cstr(&errs),
              "p19:1:9: error: template expansion too large: over 4194304 steps (do partials recurse over lists?)");
    mg_buf_reset(&errs);
    mg_tpl_set_limits_lazy(s, give, &b);
    CHECK_INT(render_fan(s, &len, &d), 0);
    CHECK_INT((long)len, 1L << 21);
    CHECK_INT(calls, 1);
    CHECK_INT(render_fan(s, &len, &d), 0); /* asked once: the set keeps them */
    CHECK_INT(calls, 1);
    CHECK_STR(mg_buf_cstr(&errs), "");
    mg_tpl_set_free(s);
}

/* Stopped at the lazy bound exactly as under mg_tpl_set_limits: at the same
 * node, with the same message; and smaller bounds than the fixed ones keep
 * the fixed ones. */
static void lazy_limits_should_stop_where_set_limits_stop(void)
{
    mg_diag d;
    mg_diag_init_sink(&d, capture, NULL);
    bounds b = {1L << 23, 0};
    mg_tpl_set *s = fan_out(22, 1, &d);
    size_t len, set_len;
    mg_buf_reset(&errs);
    mg_tpl_set_limits(s, 1L << 23, 0);
    CHECK_INT(render_fan(s, &set_len, &d), -1);
    mg_buf want;
    mg_buf_init(&want);
    mg_buf_append(&want, errs.data, errs.len);
    CHECK(strstr(mg_buf_cstr(&want), "over 8388608 steps") != NULL);
    mg_buf_reset(&errs);
    calls = 0;
    mg_tpl_set_limits_lazy(s, give, &b);
    CHECK_INT(render_fan(s, &len, &d), -1);
    CHECK_INT(calls, 1);
    CHECK_STR(mg_buf_cstr(&errs), mg_buf_cstr(&want));
    CHECK_INT((long)len, (long)set_len);
    mg_buf_reset(&errs);
    b.steps = 1000;
    mg_tpl_set_limits_lazy(s, give, &b);
    CHECK_INT(render_fan(s, &len, &d), -1);
    CHECK(strstr(mg_buf_cstr(&errs), "over 4194304 steps") != NULL);
    mg_buf_fini(&want);
    mg_tpl_set_free(s);
}

/* 2^16 leaves of 1 100 bytes: 68.75 MiB, past the fixed 64 MiB. */
static void lazy_limits_should_raise_the_output_bound(void)
{
    mg_diag d;
    mg_diag_init_sink(&d, capture, NULL);
    mg_buf_reset(&errs);
    calls = 0;
    bounds b = {0, (size_t)80 << 20};
    mg_tpl_set *s = fan_out(16, 1100, &d);
    size_t len;
    CHECK_INT(render_fan(s, &len, &d), -1);
    CHECK(strstr(mg_buf_cstr(&errs), "rendered output larger than 67108864 bytes") != NULL);
    mg_buf_reset(&errs);
    mg_tpl_set_limits_lazy(s, give, &b);
    CHECK_INT(render_fan(s, &len, &d), 0);
    CHECK_INT((long)len, 65536L * 1100);
    CHECK_INT(calls, 1);
    b.output = (size_t)68 << 20; /* asked again after a reset: 68 MiB is too little */
    mg_tpl_set_limits_lazy(s, give, &b);
    mg_buf_reset(&errs);
    CHECK_INT(render_fan(s, &len, &d), -1);
    CHECK(strstr(mg_buf_cstr(&errs), "rendered output larger than 71303168 bytes") != NULL);
    mg_tpl_set_free(s);
}

/* Bounds that grow (fn returns 1): each call gives `step` more, until
 * `final`, with which it returns 0. */
typedef struct {
    long steps, step_steps, final_steps;
    size_t output, step_output, final_output;
} growing;

static int grow(void *user, long *max_steps, size_t *max_output)
{
    growing *g = user;
    calls++;
    g->steps += g->step_steps;
    g->output += g->step_output;
    if (g->steps < g->final_steps || g->output < g->final_output) {
        *max_steps = g->steps < g->final_steps ? g->steps : g->final_steps;
        *max_output = g->output < g->final_output ? g->output : g->final_output;
        return 1;
    }
    *max_steps = g->final_steps;
    *max_output = g->final_output;
    return 0;
}

/* 3 * 2^22 - 1 steps: under bounds growing 2^22 at a time to 2^24 the
 * render goes on (three calls); to 2^23 it stops where mg_tpl_set_limits
 * stops it, with the same message. */
static void growing_limits_should_stop_only_past_the_last(void)
{
    mg_diag d;
    mg_diag_init_sink(&d, capture, NULL);
    mg_tpl_set *s = fan_out(22, 1, &d);
    size_t len, set_len;
    growing g = {1L << 22, 1L << 22, 1L << 24, 0, 0, 0};
    mg_buf_reset(&errs);
    calls = 0;
    mg_tpl_set_limits_lazy(s, grow, &g);
    CHECK_INT(render_fan(s, &len, &d), 0);
    CHECK_INT((long)len, 1L << 22);
    CHECK_INT(calls, 2);
    CHECK_STR(mg_buf_cstr(&errs), "");
    mg_buf_reset(&errs);
    mg_tpl_set_limits(s, 1L << 23, 0);
    CHECK_INT(render_fan(s, &set_len, &d), -1);
    mg_buf want;
    mg_buf_init(&want);
    mg_buf_append(&want, errs.data, errs.len);
    mg_buf_reset(&errs);
    calls = 0;
    g = (growing){1L << 22, 1L << 21, 1L << 23, 0, 0, 0};
    mg_tpl_set_limits_lazy(s, grow, &g);
    CHECK_INT(render_fan(s, &len, &d), -1);
    CHECK_INT(calls, 2);
    CHECK_STR(mg_buf_cstr(&errs), mg_buf_cstr(&want));
    CHECK_INT((long)len, (long)set_len);
    mg_buf_fini(&want);
    mg_tpl_set_free(s);
}

/* 2^9 leaves of 200 000 bytes (97.7 MiB) under output bounds growing 64 KiB
 * at a time: one leaf goes past several of them at once, and the render
 * goes on all the same. */
static void growing_limits_should_be_asked_until_they_hold_the_render(void)
{
    mg_diag d;
    mg_diag_init_sink(&d, capture, NULL);
    mg_tpl_set *s = fan_out(9, 200000, &d);
    size_t len;
    growing g = {0, 0, 0, (size_t)64 << 20, (size_t)64 << 10, (size_t)100 << 20};
    mg_buf_reset(&errs);
    calls = 0;
    mg_tpl_set_limits_lazy(s, grow, &g);
    CHECK_INT(render_fan(s, &len, &d), 0);
    CHECK_INT((long)len, 512L * 200000);
    CHECK(calls > 100);
    CHECK_STR(mg_buf_cstr(&errs), "");
    mg_tpl_set_free(s);
}

int main(void)
{
    mg_buf_init(&errs);
    RUN(lazy_limits_should_not_be_asked_for_by_a_small_render);
    RUN(lazy_limits_should_let_a_render_go_on_to_the_new_bound);
    RUN(lazy_limits_should_stop_where_set_limits_stop);
    RUN(lazy_limits_should_raise_the_output_bound);
    RUN(growing_limits_should_stop_only_past_the_last);
    RUN(growing_limits_should_be_asked_until_they_hold_the_render);
    mg_buf_fini(&errs);
    return unit_done();
}
