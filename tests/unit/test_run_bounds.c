/* test_run_bounds.c - the render bounds of `generate` (run.c): they grow with
 * the view, one member at a time, so that a big catalogue renders and a
 * runaway template over a small one still stops early. The steps bound is in
 * the render's error message, so these tests see it exactly: a bound counted
 * too small (big catalogues fail) or too large (runaways run on) fails them. */
#include "../../generator/target.c"
#include "../../generator/run.c"
#include "testfs.h"
#include "unit.h"

static char root[256];

static const char *in_root(const char *rel)
{
    static char p[512];
    snprintf(p, sizeof p, "%s/%s", root, rel);
    return p;
}

/* A target whose one file fans out past every bound: partial pK renders
 * p(K+1) twice, 2^30 times "x" in all, 31 partials deep, so that the steps
 * bound stops it and not the partial depth (MG_MAX_PARTIAL_DEPTH). */
static mg_target *runaway_target(mg_diag *d)
{
    testfs_write(in_root("t/target.yaml"), "files:\n  - template: a.mustache\n    path: a.txt\n");
    testfs_write(in_root("t/a.mustache"), "{{>p0}}");
    for (int k = 0; k <= 30; k++) {
        char name[64], text[64];
        snprintf(name, sizeof name, "t/partials/p%d.mustache", k);
        if (k < 30)
            snprintf(text, sizeof text, "{{>p%d}}{{>p%d}}", k + 1, k + 1);
        else
            snprintf(text, sizeof text, "x");
        testfs_write(in_root(name), text);
    }
    errs_reset();
    mg_diag_init_sink(d, errs_capture, NULL);
    return mg_target_load_override(in_root("t"), NULL, d);
}

/* A view of `items` objects of three strings each, plus a member that refers
 * (cJSON reference) to a list of `shared` strings. Members:
 * root + items list + items * 4 + the reference (its list not counted). */
static cJSON *view_new(int items, int shared, cJSON **list)
{
    cJSON *v = cJSON_CreateObject();
    cJSON *a = cJSON_AddArrayToObject(v, "items");
    for (int i = 0; i < items; i++) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "name", "n");
        cJSON_AddStringToObject(o, "type", "t");
        cJSON_AddStringToObject(o, "doc", "d");
        cJSON_AddItemToArray(a, o);
    }
    *list = cJSON_CreateArray();
    for (int i = 0; i < shared; i++)
        cJSON_AddItemToArray(*list, cJSON_CreateString("s"));
    cJSON_AddItemToObject(v, "shared", cJSON_CreateArrayReference((*list)->child));
    return v;
}

/* Renders the runaway target over a view of `items` items; returns the
 * steps bound its error names (-1: no such error). */
static long runaway_bound(int items, int shared)
{
    mg_diag d;
    mg_target *t = runaway_target(&d);
    CHECK(t != NULL);
    if (!t)
        return -1;
    cJSON *list;
    cJSON *view = view_new(items, shared, &list);
    mg_emit_set set;
    mg_emit_set_init(&set);
    int rc = mg_run_render_target(t, view, NULL, &set, &d);
    CHECK_INT(rc, -1);
    CHECK_INT(d.errors, 1);
    long bound = -1;
    const char *at = strstr(errs, "template expansion too large: over ");
    if (at)
        bound = strtol(at + strlen("template expansion too large: over "), NULL, 10);
    mg_emit_set_fini(&set);
    cJSON_Delete(view);
    cJSON_Delete(list);
    mg_target_free(t);
    return bound;
}

static void render_bound_should_be_the_fixed_one_for_a_small_view(void)
{
    testfs_mkroot(root, sizeof root, "mg-bounds");
    CHECK_INT(runaway_bound(10, 10), MG_MAX_RENDER_STEPS);
    /* Just under the members the fixed bound stands for: still fixed. */
    long fixed_members = MG_MAX_RENDER_STEPS / MG_RENDER_STEPS_PER_NODE;
    CHECK_INT(runaway_bound((int)(fixed_members - 3) / 4, 0), MG_MAX_RENDER_STEPS);
    testfs_rm_rf(root);
}

static void render_bound_should_grow_by_every_member_of_a_big_view(void)
{
    testfs_mkroot(root, sizeof root, "mg-bounds");
    /* 20 000 items: 3 + 80 000 members, past the fixed bound's 65 536. A
     * shared list behind a reference counts as one member, however long. */
    CHECK_INT(runaway_bound(20000, 0), (20000L * 4 + 3) * MG_RENDER_STEPS_PER_NODE);
    CHECK_INT(runaway_bound(20000, 50000), (20000L * 4 + 3) * MG_RENDER_STEPS_PER_NODE);
    CHECK_INT(runaway_bound(20001, 50000), (20001L * 4 + 3) * MG_RENDER_STEPS_PER_NODE);
    testfs_rm_rf(root);
}

/* A render that goes past the fixed bounds counts the view only as far as
 * it needs: twice the members of the fixed bounds, then twice as many at
 * each ask, and the whole view (the bounds it stands for, and no more
 * asks) only when a render needs that many. */
static void render_bounds_should_count_the_view_as_far_as_asked(void)
{
    cJSON *list;
    cJSON *view = view_new(200000, 10, &list);
    render_bounds rb;
    bounds_init(&rb, view, 5);
    long fixed = MG_MAX_RENDER_STEPS / MG_RENDER_STEPS_PER_NODE;
    long want[] = {2 * fixed, 4 * fixed, 8 * fixed, 200000L * 4 + 3};
    for (size_t i = 0; i < sizeof want / sizeof *want; i++) {
        long steps = 0;
        size_t output = 0;
        int more = bounds_of(&rb, &steps, &output);
        CHECK_INT((long)rb.counted, want[i]);
        CHECK_INT(steps, (want[i] + 5) * MG_RENDER_STEPS_PER_NODE);
        CHECK_INT((long)output, (want[i] + 5) * MG_OUTPUT_BYTES_PER_NODE);
        CHECK_INT(more, i + 1 < sizeof want / sizeof *want);
    }
    free(rb.pending);
    cJSON_Delete(view);
    cJSON_Delete(list);
}

/* A runaway over a view that the walk counts in four asks stops at the
 * bound of the whole view. */
static void render_bound_should_be_the_whole_view_after_several_asks(void)
{
    testfs_mkroot(root, sizeof root, "mg-bounds");
    CHECK_INT(runaway_bound(200000, 10), (200000L * 4 + 3) * MG_RENDER_STEPS_PER_NODE);
    testfs_rm_rf(root);
}

int main(void)
{
    RUN(render_bound_should_be_the_fixed_one_for_a_small_view);
    RUN(render_bound_should_grow_by_every_member_of_a_big_view);
    RUN(render_bounds_should_count_the_view_as_far_as_asked);
    RUN(render_bound_should_be_the_whole_view_after_several_asks);
    return unit_done();
}
