/* test_vplan_keep.c - what the plan adds to the view's types (owner_id and
 * wire_lit on fields, owner_id, owner_name and value_lit on enum values,
 * owner_id on union options, field_count on types) only where the target
 * keeps it (the `keep` of mg_vplan_build_shared, a pruned view's: vplan.c
 * kept_key).
 *   - with a `keep` that drops those names, no field, value or option has
 *     them; with one that keeps every name, they are there (some of each);
 *   - apart from them, the types read the same both ways, and so does the
 *     plan.
 * For every catalogue of tests/catalogues and the flagship one, on the
 * neutral view's types, built once without and once with a cached raw plan. */
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

static const char *const added[] = {"owner_id", "wire_lit", "owner_name", "value_lit", "field_count"};
#define NADDED (sizeof added / sizeof *added)

static int is_added(const char *k)
{
    for (size_t i = 0; i < NADDED; i++)
        if (k && strcmp(k, added[i]) == 0)
            return 1;
    return 0;
}

static int keep_all(void *arg, const cJSON *member)
{
    (void)arg;
    (void)member;
    return 1;
}

static int keep_but_added(void *arg, const cJSON *member)
{
    (void)arg;
    return !is_added(member->string);
}

static size_t models, seen[NADDED], left;

/* Counts the added members on the types' fields, values and options
 * (into seen[], or into `left` when they should be gone), and removes them. */
static void count_and_strip(cJSON *types, int gone)
{
    static const char *const lists[] = {"fields", "values", "options"};
    cJSON *t;
    cJSON_ArrayForEach(t, types) {
        cJSON *fc;
        while ((fc = cJSON_DetachItemFromObjectCaseSensitive(t, "field_count")) != NULL) {
            if (gone)
                left++;
            else
                seen[4]++;
            cJSON_Delete(fc);
        }
        for (size_t l = 0; l < 3; l++) {
            cJSON *x;
            cJSON_ArrayForEach(x, cJSON_GetObjectItemCaseSensitive(t, lists[l])) {
                for (size_t i = 0; i < 4; i++) { /* field_count: the type's */
                    /* Every occurrence (the view adds its own owner_name
                     * to union options: those stay with both keeps). */
                    if (l == 2 && strcmp(added[i], "owner_name") == 0)
                        continue;
                    cJSON *m;
                    while ((m = cJSON_DetachItemFromObjectCaseSensitive(x, added[i])) != NULL) {
                        if (gone)
                            left++;
                        else
                            seen[i]++;
                        cJSON_Delete(m);
                    }
                }
            }
        }
    }
}

/* The plan and the types (stripped of the added members) as text. */
static void build(const mg_model *m, mg_vplan_raw **cache, int (*keep)(void *, const cJSON *), char **plan_out,
                  char **types_out)
{
    mg_diag d;
    mg_diag_init_sink(&d, quiet, NULL);
    cJSON *v = mg_view_build(m, NULL, &d);
    CHECK(v != NULL);
    cJSON *types = cJSON_GetObjectItemCaseSensitive(v, "types");
    cJSON *p = mg_vplan_build_shared(m, types, NULL, cache, escapes_none, keep, NULL, NULL, &d);
    CHECK(p != NULL);
    count_and_strip(types, keep == keep_but_added);
    char *t = cJSON_PrintUnformatted(p);
    *plan_out = mg_xstrdup(t ? t : "");
    cJSON_free(t);
    t = cJSON_PrintUnformatted(types);
    *types_out = mg_xstrdup(t ? t : "");
    cJSON_free(t);
    cJSON_Delete(p);
    cJSON_Delete(v);
}

static void compare_model(const char *what, const mg_model *m)
{
    for (int cached = 0; cached < 2; cached++) {
        mg_vplan_raw *raw = NULL;
        char *plan_all, *types_all, *plan_pruned, *types_pruned;
        build(m, cached ? &raw : NULL, keep_all, &plan_all, &types_all);
        build(m, cached ? &raw : NULL, keep_but_added, &plan_pruned, &types_pruned);
        if (strcmp(plan_all, plan_pruned) || strcmp(types_all, types_pruned)) {
            CHECK_STR(plan_pruned, plan_all);
            CHECK_STR(types_pruned, types_all);
            unit_note("#   %s (cached %d)\n", what, cached);
        }
        free(plan_all);
        free(types_all);
        free(plan_pruned);
        free(types_pruned);
        mg_vplan_raw_free(raw);
    }
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

static void plan_should_add_to_types_only_what_the_target_keeps(void)
{
    CHECK(unit_find_top() == 0);
    unit_each_catalogue(compare_file);
    printf("# %zu catalogues; kept: %zu owner_id, %zu wire_lit, %zu owner_name, %zu value_lit, %zu field_count; "
           "%zu left where dropped\n",
           models, seen[0], seen[1], seen[2], seen[3], seen[4], left);
    /* A walk that found nothing must not pass. */
    CHECK(models >= 30);
    for (size_t i = 0; i < NADDED; i++)
        CHECK(seen[i] > 20);
    CHECK(left == 0);
}

int main(void)
{
    (void)unit_each_target_of; /* catalogues.h's, for other tests */
    RUN(plan_should_add_to_types_only_what_the_target_keeps);
    return unit_done();
}
