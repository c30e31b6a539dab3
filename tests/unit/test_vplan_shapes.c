/* test_vplan_shapes.c - the fields' shapes of a build that shares them with
 * a cached raw plan are recorded (vplan.c: mg_vplan_raw.field_shape), and
 * the next builds from that raw plan give each field of a type with as many
 * fields the recorded shape, without reading the field (field_shapes):
 *   - the types of every build read as those of a plan made without a cache
 *     (each field its own shape, from its own flags);
 *   - a second build's fields refer to the very shape objects recorded;
 *   - a type whose field count differs from the recorded one (a field
 *     added in front) gets shapes from its own fields.
 * For every catalogue of tests/catalogues and the flagship one, on the
 * neutral view's types (view.h: mg_view_build without a target). */
#include "../../generator/vplan.c"

#include "load.h"
#include "unit.h"
#include "view.h"
#include "catalogues.h"

static void quiet(void *user, const char *line)
{
    (void)user;
    (void)line;
}

static int escapes_none(void *arg, const char *key)
{
    (void)arg;
    (void)key;
    return 0;
}

static size_t models, recorded, referred, moved;

/* The view's types of `m` (the caller deletes the view in *view). */
static cJSON *types_of(const mg_model *m, cJSON **view)
{
    mg_diag d;
    mg_diag_init_sink(&d, quiet, NULL);
    *view = mg_view_build(m, NULL, &d);
    CHECK(*view != NULL);
    return cJSON_GetObjectItemCaseSensitive(*view, "types");
}

/* The text of `types` after a plan of them was built (with `cache`, or
 * none), freed by the caller. */
static char *plan_types(const mg_model *m, cJSON *types, mg_vplan_raw **cache)
{
    mg_diag d;
    mg_diag_init_sink(&d, quiet, NULL);
    cJSON *p = mg_vplan_build_shared(m, types, NULL, cache, escapes_none, NULL, NULL, NULL, &d);
    CHECK(p != NULL);
    cJSON_Delete(p);
    char *t = cJSON_PrintUnformatted(types);
    char *out = mg_xstrdup(t);
    cJSON_free(t);
    return out;
}

/* Puts a copy of the first field of the first type with two fields or
 * more in front of its fields; returns whether there was one. */
static int add_front_field(cJSON *types)
{
    cJSON *t;
    cJSON_ArrayForEach(t, types) {
        cJSON *fields = cJSON_GetObjectItemCaseSensitive(t, "fields");
        if (cJSON_GetArraySize(fields) >= 2) {
            cJSON_InsertItemInArray(fields, 0, cJSON_Duplicate(fields->child->next, 1));
            return 1;
        }
    }
    return 0;
}

static void compare_model(const char *what, const mg_model *m)
{
    cJSON *v1, *v2, *v3, *v4, *v5;
    /* Without a cache: each field its own shape. */
    char *want = plan_types(m, types_of(m, &v1), NULL);
    mg_vplan_raw *raw = NULL;
    char *first = plan_types(m, types_of(m, &v2), &raw);
    CHECK(raw != NULL);
    if (strcmp(first, want)) {
        CHECK_STR(first, want);
        unit_note("#   %s: first build\n", what);
    }
    if (raw && raw->field_shape)
        recorded++;
    cJSON *types3 = types_of(m, &v3);
    char *second = plan_types(m, types3, &raw);
    if (strcmp(second, want)) {
        CHECK_STR(second, want);
        unit_note("#   %s: second build\n", what);
    }
    /* The second build's fields refer to the recorded shapes. */
    if (raw && raw->field_shape) {
        size_t at = 0, same = 0, n = 0;
        int i = 0;
        for (const cJSON *t = types3->child; t && i < m->ntypes; t = t->next, i++) {
            const cJSON *f;
            cJSON_ArrayForEach(f, cJSON_GetObjectItemCaseSensitive(t, "fields")) {
                const cJSON *sh = cJSON_GetObjectItemCaseSensitive(f, "shape");
                same += sh && sh->child == ((const shape_ent *)mg_hmap_at(&raw->shapes, raw->field_shape[at]))->obj->child;
                at++;
                n++;
            }
        }
        CHECK(at == raw->field_at[m->ntypes]);
        CHECK(same == n);
        referred += n > 0;
    }
    /* A type with one field more: its own shapes. */
    cJSON *types4 = types_of(m, &v4), *types5 = types_of(m, &v5);
    if (add_front_field(types4) && add_front_field(types5)) {
        char *moved_want = plan_types(m, types4, NULL);
        char *moved_got = plan_types(m, types5, &raw);
        if (strcmp(moved_got, moved_want)) {
            CHECK_STR(moved_got, moved_want);
            unit_note("#   %s: a field added in front\n", what);
        }
        free(moved_want);
        free(moved_got);
        moved++;
    }
    free(want);
    free(first);
    free(second);
    cJSON_Delete(v1);
    cJSON_Delete(v2);
    cJSON_Delete(v3);
    cJSON_Delete(v4);
    cJSON_Delete(v5);
    mg_vplan_raw_free(raw);
    models++;
}

static void compare_file(const char *path)
{
    mg_diag d;
    mg_diag_init_sink(&d, quiet, NULL);
    mg_docset *set = NULL;
    mg_model *m = mg_model_load(path, NULL, 0, &set, &d);
    CHECK(m != NULL);
    if (m)
        compare_model(path, m);
    mg_model_free(m);
    if (set)
        mg_docset_free(set);
}

static void later_builds_should_refer_to_the_recorded_shapes_and_read_the_same(void)
{
    models = recorded = referred = moved = 0;
    CHECK(unit_find_top() == 0);
    unit_each_catalogue(compare_file);
    printf("# %zu catalogues, %zu recorded, %zu second builds referring, %zu with a field added\n", models,
           recorded, referred, moved);
    CHECK(models >= 30);
    CHECK(recorded >= models / 2);
    CHECK(referred == recorded);
    CHECK(moved >= models / 2);
}

int main(void)
{
    (void)unit_each_target_of; /* catalogues.h's, for other tests */
    RUN(later_builds_should_refer_to_the_recorded_shapes_and_read_the_same);
    return unit_done();
}
