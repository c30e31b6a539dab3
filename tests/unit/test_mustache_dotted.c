/* test_mustache_dotted.c - the later parts of a dotted name ({{a.b.c}}) are
 * looked up in what the part before gave; a tag remembers the object its
 * part was looked up in last and what that gave, for the rest of the same
 * render only (lookup_first in mustache.c): the same object gives the
 * same answer while one render reads the data, but the data may change
 * between renders, and another object may come at a freed one's address. */
#include <cjson/cJSON.h>
#include <string.h>

#include "mustache.h"
#include "unit.h"

static const char *render(const mg_tpl *t, const cJSON *data)
{
    static mg_buf out;
    mg_diag d;
    mg_diag_init(&d);
    mg_buf_fini(&out);
    mg_buf_init(&out);
    if (mg_tpl_render(t, data, NULL, MG_ESCAPE_NONE, &out, &d) < 0)
        return "(failed)";
    return mg_buf_cstr(&out);
}

/* The same object in every item, then an object of each item's own. */
static void parts_should_follow_the_object_they_are_looked_up_in(void)
{
    mg_diag d;
    mg_diag_init(&d);
    const char *src = "{{#l}}{{x.v}}{{o.v}}{{o.w.z}};{{/l}}";
    mg_tpl *t = mg_tpl_parse("t", src, strlen(src), &d);
    cJSON *j = cJSON_Parse("{\"x\":{\"v\":7},\"l\":[{\"o\":{\"v\":1,\"w\":{\"z\":\"a\"}}},{\"o\":{\"v\":2,\"w\":{\"z\":\"b\"}}},"
                           "{\"o\":{\"v\":3}},{\"o\":{\"w\":{\"z\":\"c\"}}}]}");
    CHECK_STR(render(t, j), "71a;72b;73;7c;");
    CHECK_STR(render(t, j), "71a;72b;73;7c;");
    cJSON_Delete(j);
    mg_tpl_free(t);
}

/* The data changes between two renders of the template: the object the
 * part was looked up in is the same, its member another. */
static void parts_should_be_looked_up_again_in_the_next_render(void)
{
    mg_diag d;
    mg_diag_init(&d);
    const char *src = "{{a.b}}{{#l}}{{a.b}}{{/l}}";
    mg_tpl *t = mg_tpl_parse("t", src, strlen(src), &d);
    cJSON *j = cJSON_Parse("{\"a\":{\"b\":1},\"l\":[1,2]}");
    CHECK_STR(render(t, j), "111");
    cJSON *a = cJSON_GetObjectItem(j, "a");
    cJSON *old = cJSON_DetachItemFromObject(a, "b"); /* kept: its value must not be read */
    cJSON_AddNumberToObject(a, "b", 2);
    CHECK_STR(render(t, j), "222");
    cJSON_Delete(cJSON_DetachItemFromObject(a, "b"));
    CHECK_STR(render(t, j), "");
    cJSON_Delete(old);
    cJSON_Delete(j);
    mg_tpl_free(t);
}

int main(void)
{
    RUN(parts_should_follow_the_object_they_are_looked_up_in);
    RUN(parts_should_be_looked_up_again_in_the_next_render);
    return unit_done();
}
