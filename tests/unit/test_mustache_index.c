/* test_mustache_index.c - the cJSON source's render index when it starts
 * over (INDEX_MAX_OBJECTS, mustache.c): with limits of a few objects, every
 * render restarts it many times, and must find the same members as a render
 * that never does (the expected text is built here, not rendered). */
#define INDEX_MAX_OBJECTS 5
#define INDEX_MAX_MEMBERS 64
#include "../../generator/mustache.c"
#include "unit.h"

static void capture(void *user, const char *line)
{
    mg_buf_append_str(user, line);
}

/* 30 objects of 20 members (k0..k19, indexed on their 2nd lookup), each with
 * a nested object of 14 members: looked up through section frames (their
 * cache words), dotted names (the direct-mapped cache), and names found only
 * in the root frame, before and after the restarts, twice over. */
static void render_index_should_find_the_same_members_after_restarting(void)
{
    cJSON *root = cJSON_CreateObject(), *items = cJSON_AddArrayToObject(root, "items");
    cJSON_AddStringToObject(root, "top", "T");
    mg_buf want;
    mg_buf_init(&want);
    char key[16], val[32];
    for (int pass = 0; pass < 2; pass++)
        for (int i = 0; i < 30; i++) {
            if (pass == 0) {
                cJSON *it = cJSON_CreateObject(), *in = cJSON_CreateObject();
                for (int k = 0; k < 20; k++) {
                    snprintf(key, sizeof key, "k%d", k);
                    snprintf(val, sizeof val, "%d.%d", i, k);
                    cJSON_AddStringToObject(it, key, val);
                }
                for (int k = 0; k < 14; k++) {
                    snprintf(key, sizeof key, "n%d", k);
                    snprintf(val, sizeof val, "%d:%d", i, k);
                    cJSON_AddStringToObject(in, key, val);
                }
                cJSON_AddItemToObject(it, "in", in);
                cJSON_AddItemToArray(items, it);
            }
            mg_buf_appendf(&want, "[%d.3 %d.17 %d.0 %d:2 %d:13 T %d:5 %d.19]", i, i, i, i, i, i, i);
        }
    const char *tpl = "{{#items}}[{{k3}} {{k17}} {{k0}} {{in.n2}} {{in.n13}} {{top}} {{#in}}{{n5}} {{k19}}{{/in}}]"
                      "{{/items}}{{#items}}[{{k3}} {{k17}} {{k0}} {{in.n2}} {{in.n13}} {{top}} {{#in}}{{n5}} "
                      "{{k19}}{{/in}}]{{/items}}";
    mg_buf errs, out;
    mg_buf_init(&errs);
    mg_buf_init(&out);
    mg_diag d;
    mg_diag_init_sink(&d, capture, &errs);
    mg_tpl *t = mg_tpl_parse("t.mustache", tpl, strlen(tpl), &d);
    mg_tpl_cjson cj;
    mg_tpl_cjson_source_init(&cj);
    CHECK(t && mg_tpl_render_data(t, &cj.src, root, NULL, MG_ESCAPE_NONE, 1, &out, &d) == 0);
    CHECK_STR(mg_buf_cstr(&out), mg_buf_cstr(&want));
    CHECK_STR(mg_buf_cstr(&errs), "");
    CHECK(cj.st->restarts > 10);
    CHECK(mg_hmap_len(&cj.st->index) <= INDEX_MAX_OBJECTS);
    mg_tpl_cjson_source_fini(&cj);
    mg_tpl_free(t);
    mg_buf_fini(&out);
    mg_buf_fini(&errs);
    mg_buf_fini(&want);
    cJSON_Delete(root);
}

int main(void)
{
    RUN(render_index_should_find_the_same_members_after_restarting);
    return unit_done();
}
