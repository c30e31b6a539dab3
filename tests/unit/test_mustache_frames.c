/* test_mustache_frames.c - the frames a name is looked up in (ctxf.names
 * and ctxf.below, mustache.c): with a cJSON source, a lookup passes over
 * the frames whose value is not an object with members (a section over a
 * flag, a string, a number, an empty object, a list's scalar items), and
 * must find what the spec's walk of every frame finds. The reference is
 * the same source seen through a `get` of its own, which the engine walks
 * frame by frame (no ctxf.names). */
#include "../../generator/mustache.c"
#include "unit.h"

static const void *walk_get(void *self, const void *v, const char *k, size_t n, uint32_t hash, size_t *cache)
{
    return cj_get(self, v, k, n, hash, cache);
}

static void capture(void *user, const char *line)
{
    mg_buf_append_str(user, line);
}

static const char *const data_json =
    "{\"a\":\"root-a\",\"b\":\"root-b\",\"t\":true,\"f\":false,\"s\":\"str\",\"n\":3,\"e\":{},\"l\":[],"
    "\"o\":{\"a\":\"o-a\",\"t\":true,\"s\":\"o-s\",\"in\":{\"b\":\"in-b\",\"n\":0}},"
    "\"items\":[1,\"x\",true,{},{\"a\":\"i-a\"},[1,2],{\"b\":\"i-b\",\"s\":\"i-s\"}]}";

static const char *const outer_json = "{\"a\":\"outer-a\",\"z\":\"outer-z\",\"t\":true}";

static const char *const templates[] = {
    "{{#t}}{{a}}{{#s}}{{a}}{{.}}{{/s}}{{/t}}",
    "{{#o}}{{#t}}{{a}}{{b}}{{#s}}{{a}}|{{b}}|{{.}}{{/s}}{{/t}}{{/o}}",
    "{{#items}}[{{a}}|{{b}}|{{s}}|{{z}}|{{.}}]{{/items}}",
    "{{#o}}{{#in}}{{#n}}{{a}}{{b}}{{s}}{{.}}{{/n}}{{#t}}{{a}}{{b}}{{z}}{{/t}}{{/in}}{{/o}}",
    "{{#e}}{{a}}{{z}}{{/e}}{{#n}}{{a}}{{.}}{{/n}}{{^l}}{{b}}{{/l}}{{^f}}{{s}}{{/f}}",
    "{{#items}}{{#items}}{{a}}{{b}}{{/items}};{{/items}}",
    "{{#t}}{{#s}}{{o.in.b}}{{o.a}}{{#o.in}}{{b}}{{a}}{{/o.in}}{{/s}}{{/t}}",
    "{{#s}}{{#n}}{{#t}}{{a}}{{z}}{{.}}{{/t}}{{/n}}{{/s}}",
    "{{a}}{{z}}{{.}}{{#t}}{{.}}{{a}}{{/t}}",
};
#define NTEMPLATES (sizeof templates / sizeof templates[0])

/* Renders every template over `outer` (may be NULL) and `root` (may be
 * NULL) with the direct source and through walk_get: the same output. */
static void check_renders(const cJSON *outer, const cJSON *root, mg_diag *d)
{
    mg_tpl_cjson cj;
    mg_tpl_cjson_source_init(&cj);
    mg_tpl_source walk = cj.src;
    walk.get = walk_get;
    walk.direct = NULL;
    mg_buf a, b;
    mg_buf_init(&a);
    mg_buf_init(&b);
    for (size_t i = 0; i < NTEMPLATES; i++) {
        mg_tpl *t = mg_tpl_parse("t.mustache", templates[i], strlen(templates[i]), d);
        CHECK(t != NULL);
        if (!t)
            continue;
        for (int pass = 0; pass < 6; pass++) { /* past the source's first renders (epoch > 4) */
            mg_buf_reset(&a);
            mg_buf_reset(&b);
            CHECK(mg_tpl_render_data_over(t, &cj.src, outer, root, NULL, MG_ESCAPE_NONE, 0, &a, d) == 0);
            CHECK(mg_tpl_render_data_over(t, &walk, outer, root, NULL, MG_ESCAPE_NONE, 0, &b, d) == 0);
            CHECK_STR(mg_buf_cstr(&a), mg_buf_cstr(&b));
        }
        mg_tpl_free(t);
    }
    mg_buf_fini(&a);
    mg_buf_fini(&b);
    mg_tpl_cjson_source_fini(&cj);
}

static void lookups_should_find_what_a_walk_of_every_frame_finds(void)
{
    cJSON *data = cJSON_Parse(data_json), *outer = cJSON_Parse(outer_json), *str = cJSON_CreateString("rs");
    cJSON *empty = cJSON_CreateObject();
    mg_buf errs;
    mg_buf_init(&errs);
    mg_diag d;
    mg_diag_init_sink(&d, capture, &errs);
    check_renders(NULL, data, &d);
    check_renders(outer, data, &d);
    check_renders(outer, str, &d);   /* a root that holds no names, over one that does */
    check_renders(outer, empty, &d);
    check_renders(outer, NULL, &d);
    check_renders(empty, data, &d);
    check_renders(NULL, str, &d);
    CHECK_STR(mg_buf_cstr(&errs), "");
    mg_buf_fini(&errs);
    cJSON_Delete(data);
    cJSON_Delete(outer);
    cJSON_Delete(str);
    cJSON_Delete(empty);
}

/* One template by hand, so that the reference itself is pinned. */
static void names_should_pass_over_flags_and_strings(void)
{
    cJSON *data = cJSON_Parse(data_json), *outer = cJSON_Parse(outer_json);
    mg_tpl_cjson cj;
    mg_tpl_cjson_source_init(&cj);
    mg_buf out, errs;
    mg_buf_init(&out);
    mg_buf_init(&errs);
    mg_diag d;
    mg_diag_init_sink(&d, capture, &errs);
    static const struct {
        const char *tpl, *want;
    } cases[] = {
        {"{{#o}}{{#t}}{{a}}{{b}}{{#s}}{{a}}|{{b}}|{{.}}{{/s}}{{/t}}{{/o}}", "o-aroot-bo-a|root-b|o-s"},
        {"{{#items}}[{{a}}{{z}}]{{/items}}", "[root-aouter-z][root-aouter-z][root-aouter-z][root-aouter-z]"
                                             "[i-aouter-z][root-aouter-z][root-aouter-z]"},
        {"{{#o}}{{#in}}{{#n}}{{a}}{{b}}{{.}}{{/n}}{{/in}}{{/o}}", "o-ain-b0"},
        {"{{#e}}{{a}}{{/e}}{{#s}}{{#n}}{{z}}{{.}}{{/n}}{{/s}}", "root-aouter-z3"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        mg_tpl *t = mg_tpl_parse("t.mustache", cases[i].tpl, strlen(cases[i].tpl), &d);
        mg_buf_reset(&out);
        CHECK(t && mg_tpl_render_data_over(t, &cj.src, outer, data, NULL, MG_ESCAPE_NONE, 0, &out, &d) == 0);
        CHECK_STR(mg_buf_cstr(&out), cases[i].want);
        mg_tpl_free(t);
    }
    CHECK_STR(mg_buf_cstr(&errs), "");
    mg_buf_fini(&out);
    mg_buf_fini(&errs);
    mg_tpl_cjson_source_fini(&cj);
    cJSON_Delete(data);
    cJSON_Delete(outer);
}

/* push_frame's links: only frames of objects with members are named. */
static void frames_should_link_the_objects_with_members_only(void)
{
    cJSON *obj = cJSON_Parse("{\"a\":1}"), *flag = cJSON_CreateTrue(), *empty = cJSON_CreateObject();
    cJSON *list = cJSON_Parse("[1]");
    rstate r;
    memset(&r, 0, sizeof r);
    struct mg_tpl_cjson_state st;
    r.cj = &st;
    size_t e[6] = {0};
    ctxf f0, f1, f2, f3, f4, f5;
    push_frame(&r, &f0, flag, NULL, &e[0], 0);
    CHECK(f0.names == NULL && f0.below == NULL && f0.up == NULL && f0.v == flag && f0.ent == &e[0]);
    push_frame(&r, &f1, obj, &f0, &e[1], 1);
    CHECK(f1.names == &f1 && f1.below == NULL && f1.up == &f0);
    push_frame(&r, &f2, empty, &f1, &e[2], 0);
    CHECK(f2.names == &f1 && f2.up == &f1);
    push_frame(&r, &f3, list, &f2, &e[3], 0);
    CHECK(f3.names == &f1 && f3.up == &f2);
    push_frame(&r, &f4, obj, &f3, &e[4], 1);
    CHECK(f4.names == &f4 && f4.below == &f1 && f4.up == &f3);
    r.cj = NULL; /* another source: every frame is walked */
    push_frame(&r, &f5, flag, &f4, &e[5], 0);
    CHECK(f5.names == &f5 && f5.up == &f4);
    cJSON_Delete(obj);
    cJSON_Delete(flag);
    cJSON_Delete(empty);
    cJSON_Delete(list);
}

int main(void)
{
    RUN(lookups_should_find_what_a_walk_of_every_frame_finds);
    RUN(names_should_pass_over_flags_and_strings);
    RUN(frames_should_link_the_objects_with_members_only);
    return unit_done();
}
