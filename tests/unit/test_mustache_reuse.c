/* test_mustache_reuse.c - tags that take the value an earlier tag of the same
 * node list found for the same name, or for the same first part
 * (reuse_names, render_node in mustache.c): each template is rendered as
 * compiled, then again with every node's reuse marks cleared, which makes
 * every tag look its name up itself (the general path); the two outputs and
 * diagnostics must be equal, and equal to the text written here. */
#include "../../generator/mustache.c"
#include "unit.h"

static void capture(void *user, const char *line)
{
    mg_buf *b = user;
    if (b->len)
        mg_buf_putc(b, '\n');
    mg_buf_append_str(b, line);
}

/* Clears the reuse marks of every node under kids[0..n): counts the marks
 * found in *marks. */
static void clear_marks(node *kids, size_t n, int *marks)
{
    for (size_t i = 0; i < n; i++) {
        node *k = &kids[i];
        *marks += k->keep_full != 0 || k->keep_first != 0 || k->use != 0;
        k->keep_full = k->keep_first = k->use = k->use_full = 0;
        clear_marks(k->kids, k->nkids, marks);
    }
}

/* Renders tpl with json (strict: mg_tpl_render_strict), into *out, or "!"
 * and the diagnostics; `plain`: with the reuse marks cleared first. Returns
 * the number of marks cleared. */
static int render_as(const char *tpl, const char *json, int strict, int plain, mg_buf *out)
{
    mg_buf errs;
    mg_buf_init(&errs);
    mg_diag d;
    mg_diag_init_sink(&d, capture, &errs);
    cJSON *data = cJSON_Parse(json);
    if (!data)
        unit_note("# bad test JSON: %s\n", json);
    mg_tpl *t = mg_tpl_parse("t.mustache", tpl, strlen(tpl), &d);
    int marks = 0;
    if (t && plain)
        clear_marks(t->nodes, t->nkids, &marks);
    mg_buf_reset(out);
    int rc = !t ? -1
             : strict ? mg_tpl_render_strict(t, data, NULL, MG_ESCAPE_NONE, out, &d)
                      : mg_tpl_render(t, data, NULL, MG_ESCAPE_NONE, out, &d);
    if (rc < 0) {
        mg_buf_reset(out);
        mg_buf_putc(out, '!');
        mg_buf_append(out, errs.data ? errs.data : "", errs.len);
    }
    mg_tpl_free(t);
    cJSON_Delete(data);
    mg_buf_fini(&errs);
    return marks;
}

/* Checks that tpl renders `want` both ways, and that its compile marked
 * at least `min_marks` nodes (so the fast path did run). */
#define CHECK_BOTH(tpl, json, strict, want, min_marks)                                    \
    do {                                                                                  \
        mg_buf fast_, plain_;                                                             \
        mg_buf_init(&fast_);                                                              \
        mg_buf_init(&plain_);                                                             \
        render_as(tpl, json, strict, 0, &fast_);                                          \
        int marks_ = render_as(tpl, json, strict, 1, &plain_);                            \
        CHECK_STR(mg_buf_cstr(&fast_), want);                                             \
        CHECK_STR(mg_buf_cstr(&plain_), want);                                            \
        CHECK(marks_ >= (min_marks));                                                     \
        mg_buf_fini(&fast_);                                                              \
        mg_buf_fini(&plain_);                                                             \
    } while (0)

/* A chain of flags on one object, a flag asked twice, the object's other
 * members: dotted names whose first part, or whole name, an earlier tag had. */
static void reuse_should_render_chains_of_dotted_names_alike(void)
{
    const char *tpl = "{{#s.a}}A{{/s.a}}{{#s.b}}B{{/s.b}}{{#s.c}}C{{/s.c}}{{#s.a}}a{{/s.a}}"
                      "{{^s.b}}nb{{/s.b}}[{{s.n}}]{{#s}}({{n}}){{/s}}{{s.n}}{{s.a}}";
    CHECK_BOTH(tpl, "{\"s\": {\"a\": true, \"b\": false, \"c\": null, \"n\": \"x\"}}", 1,
               "Aanb[x](x)xtrue", 5);
    CHECK_BOTH(tpl, "{\"s\": {\"a\": false, \"b\": true, \"c\": [1, 2], \"n\": 7}}", 1,
               "BCC[7](7)7false", 5);
}

/* The same names in each item of a list: an item's own member, or the
 * enclosing object's when the item lacks it, found afresh per item. */
static void reuse_should_look_up_again_in_each_item(void)
{
    const char *tpl = "{{#items}}{{name}}:{{#flag}}F{{/flag}}{{name}}{{v.x}}{{#v}}.{{/v}}{{v.x}}|{{/items}}";
    CHECK_BOTH(tpl,
               "{\"name\": \"outer\", \"v\": {\"x\": \"o\"}, \"items\": [{\"name\": \"one\", \"flag\": true},"
               " {\"flag\": false, \"v\": {\"x\": \"i\"}}, {\"name\": \"three\", \"flag\": 0, \"v\": null}]}",
               1, "one:Foneo.o|outer:outeri.i|three:Fthree|", 3);
}

/* Missing names: not strict, every tag renders nothing; strict, the first
 * tag that misses reports (the later ones never render), and a dotted name
 * that stops at null or false is no error for any of its tags. */
static void reuse_should_keep_missing_names_and_their_errors(void)
{
    CHECK_BOTH("[{{a.b}}{{a.c}}{{a.b}}{{#a.b}}x{{/a.b}}{{^a.b}}y{{/a.b}}]", "{}", 0, "[y]", 3);
    CHECK_BOTH("[{{a.b}}{{#a.b}}x{{/a.b}}{{a.c}}{{a.b}}]", "{\"a\": null}", 1, "[]", 2);
    CHECK_BOTH("[{{a.b}}{{#a.b}}x{{/a.b}}{{a.c}}{{a.b}}]", "{\"a\": false}", 1, "[]", 2);
    CHECK_BOTH("[{{a.b}}{{a.b}}]", "{\"a\": {\"c\": 1}}", 1,
               "!t.mustache:1:2: error: no key 'a.b' in the view: 'a' has no member 'b'", 1);
    CHECK_BOTH("[{{a.c}}{{a.b}}]", "{\"a\": {\"c\": 1}}", 1,
               "!t.mustache:1:9: error: no key 'a.b' in the view: 'a' has no member 'b'", 1);
    CHECK_BOTH("[{{x}}{{#y}}{{/y}}{{x}}]", "{\"y\": 1}", 1, "!t.mustache:1:2: error: no key 'x' in the view", 1);
}

/* More names than slots, and a name repeated farther back than the window:
 * those tags look up for themselves. */
static void reuse_should_render_past_its_slots_and_window(void)
{
    mg_buf tpl, want;
    mg_buf_init(&tpl);
    mg_buf_init(&want);
    for (int pass = 0; pass < 2; pass++)
        for (int i = 0; i < 12; i++) {
            mg_buf_appendf(&tpl, "{{o%d.v}}{{o%d.w}}", i, i);
            mg_buf_appendf(&want, "%d%d", i, i + 100);
        }
    for (int i = 0; i < 40; i++) {
        mg_buf_appendf(&tpl, "{{f%d}}", i % 20);
        mg_buf_appendf(&want, "%c", 'a' + i % 20);
    }
    mg_buf_appendf(&tpl, "{{o0.w}}{{o11.v}}");
    mg_buf_appendf(&want, "10011");
    mg_buf json;
    mg_buf_init(&json);
    mg_buf_append_str(&json, "{");
    for (int i = 0; i < 12; i++)
        mg_buf_appendf(&json, "\"o%d\": {\"v\": %d, \"w\": %d}, ", i, i, i + 100);
    for (int i = 0; i < 20; i++)
        mg_buf_appendf(&json, "\"f%d\": \"%c\"%s", i, 'a' + i, i < 19 ? ", " : "}");
    CHECK_BOTH(mg_buf_cstr(&tpl), mg_buf_cstr(&json), 1, mg_buf_cstr(&want), REUSE_SLOTS);
    mg_buf_fini(&tpl);
    mg_buf_fini(&want);
    mg_buf_fini(&json);
}

/* The marks the compile makes: which tag keeps what, which takes it. */
static void reuse_should_mark_the_tags_that_repeat_a_name(void)
{
    mg_diag d;
    mg_buf errs;
    mg_buf_init(&errs);
    mg_diag_init_sink(&d, capture, &errs);
    const char *src = "{{#s.x}}{{/s.x}}{{#s.y}}{{/s.y}}{{#s.x}}{{/s.x}}{{^s.x}}{{/s.x}}{{s}}{{.}}{{t}}{{s.x}}";
    mg_tpl *t = mg_tpl_parse("t", src, strlen(src), &d);
    CHECK(t != NULL && t->nkids == 8);
    if (t && t->nkids == 8) {
        const node *k = t->kids;
        /* s.x keeps its first part (slot 1) and its value (slot 2) */
        CHECK(k[0].keep_first == 1 && k[0].keep_full == 2 && k[0].use == 0);
        CHECK(k[1].use == 1 && !k[1].use_full);         /* s.y: s from slot 1 */
        CHECK(k[2].use == 2 && k[2].use_full);          /* s.x again */
        CHECK(k[3].after_same && k[3].use == 0);        /* the section's value, as before */
        CHECK(k[4].use == 1 && !k[4].use_full);         /* s: the first part */
        CHECK(k[5].use == 0 && k[5].keep_full == 0);    /* "." looks nothing up */
        CHECK(k[6].use == 0 && k[6].keep_first == 0);   /* t: once */
        CHECK(k[7].use == 2 && k[7].use_full);          /* s.x: slot 2 through k[2] */
    }
    mg_tpl_free(t);
    mg_buf_fini(&errs);
}

int main(void)
{
    RUN(reuse_should_render_chains_of_dotted_names_alike);
    RUN(reuse_should_look_up_again_in_each_item);
    RUN(reuse_should_keep_missing_names_and_their_errors);
    RUN(reuse_should_render_past_its_slots_and_window);
    RUN(reuse_should_mark_the_tags_that_repeat_a_name);
    return unit_done();
}
