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

/* A shape remembers the answer for a name by the name's address, for one
 * render: an address from an earlier render may hold another name by now
 * (its template freed, another parsed in its place), so a new render must
 * not trust it. Here one buffer holds "k12", then "k13": names past the
 * first INDEX_MIN_MEMBERS - 1 members, which a frame's first lookups find
 * without the index (member_in). */
static void shape_memo_should_not_trust_a_name_address_from_an_earlier_render(void)
{
    static const char *const keys[] = {"k0", "k1", "k2", "k3", "k4", "k5", "k6", "k7",
                                       "k8", "k9", "k10", "k11", "k12", "k13"};
    cJSON *obj = cJSON_CreateObject();
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        cJSON_AddItemToObjectCS(obj, keys[i], cJSON_CreateNumber((double)i));
    mg_tpl_cjson cj;
    mg_tpl_cjson_source_init(&cj);
    mg_buf out;
    mg_buf_init(&out);
    mg_diag d;
    mg_diag_init_sink(&d, capture, &out);
    mg_tpl *t = mg_tpl_parse("t.mustache", "x", 1, &d);
    char name[4] = "k12";
    size_t ent = 0;
    CHECK(t && mg_tpl_render_data(t, &cj.src, obj, NULL, MG_ESCAPE_NONE, 1, &out, &d) == 0);
    for (int i = 0; i < 3; i++) { /* indexed on the 2nd lookup, remembered on the 3rd */
        const cJSON *m = member(cj.st, obj, &ent, name, 3, mg_hash_mem_seed(0, name, 3));
        CHECK(m && m->valuedouble == 12);
    }
    CHECK(mg_hmap_len(&cj.st->index) == 1 && ((obj_index *)mg_hmap_at(&cj.st->index, 0))->sh->memo);
    CHECK(t && mg_tpl_render_data(t, &cj.src, obj, NULL, MG_ESCAPE_NONE, 1, &out, &d) == 0);
    memcpy(name, "k13", 4);
    const cJSON *m = member(cj.st, obj, &ent, name, 3, mg_hash_mem_seed(0, name, 3));
    CHECK(m && m->valuedouble == 13);
    CHECK_STR(mg_buf_cstr(&out), "xx");
    mg_tpl_free(t);
    mg_tpl_cjson_source_fini(&cj);
    mg_buf_fini(&out);
    cJSON_Delete(obj);
}

int main(void)
{
    RUN(render_index_should_find_the_same_members_after_restarting);
    RUN(shape_memo_should_not_trust_a_name_address_from_an_earlier_render);
    return unit_done();
}
