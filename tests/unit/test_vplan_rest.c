/* test_vplan_rest.c - the members' `name_rest` lists, which the raw plan
 * does not hold (a null in their place) and copy_plan makes from the
 * member's name: the same list whichever way the plan is built, left out
 * only of the shared function copies of targets that do not keep it, and
 * its keys (`index`, `byte`) still among the plan's keys. */
#include "../../generator/vplan.c"
#include "load.h"
#include "unit.h"

typedef struct fixture {
    mg_docset *set;
    mg_model *m;
    mg_diag d;
    cJSON *types;
} fixture;

static void quiet(void *user, const char *line)
{
    (void)user;
    printf("# %s\n", line);
}

static int model_of(fixture *f, const char *json)
{
    memset(f, 0, sizeof *f);
    mg_diag_init_sink(&f->d, quiet, NULL);
    f->set = mg_docset_new(".");
    const mg_doc *doc = mg_docset_load_buffer(f->set, "c.json", json, strlen(json), &f->d);
    if (!doc || mg_resolve_all(f->set, doc, &f->d) < 0 || !(f->m = mg_model_new(f->set, doc, &f->d)))
        return -1;
    return 0;
}

/* A fresh `types` list for one build (each build adds its members there). */
static cJSON *types_of(const fixture *f)
{
    cJSON *types = cJSON_CreateArray();
    for (int i = 0; i < f->m->ntypes; i++) {
        cJSON *t = cJSON_CreateObject();
        cJSON_AddStringToObject(t, "id", f->m->types[i]->name.s[MG_CASE_RAW]);
        cJSON_AddItemToArray(types, t);
    }
    return types;
}

static void fini(fixture *f)
{
    mg_model_free(f->m);
    mg_docset_free(f->set);
}

static int escapes_none(void *arg, const char *key)
{
    (void)arg;
    (void)key;
    return 0;
}

static int has_key(void *arg, const char *key) { return !strcmp(key, (const char *)arg); }

static int keep_all_but_rest(void *arg, const cJSON *member)
{
    (void)arg;
    return strcmp(member->string, "name_rest") != 0;
}

/* The member `name` of the plan's first function with members. */
static const cJSON *member_of(const cJSON *plan, const char *name)
{
    const cJSON *fn, *g, *mem;
    cJSON_ArrayForEach(fn, cJSON_GetObjectItemCaseSensitive(plan, "functions"))
        cJSON_ArrayForEach(g, cJSON_GetObjectItemCaseSensitive(fn, "member_groups"))
            cJSON_ArrayForEach(mem, cJSON_GetObjectItemCaseSensitive(g, "members"))
                if (!strcmp(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(mem, "name")), name))
                    return mem;
    return NULL;
}

static int num(const cJSON *o, const char *k) { return (int)cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(o, k)); }

/* name_rest of "abc" is [{index 1, byte 'b'}, {index 2, byte 'c'}], of "x" [],
 * and the member's keys stay in order around it. */
static void check_rest(const cJSON *plan)
{
    const cJSON *abc = member_of(plan, "abc"), *x = member_of(plan, "x");
    CHECK(abc != NULL && x != NULL);
    if (!abc || !x)
        return;
    const cJSON *rest = cJSON_GetObjectItemCaseSensitive(abc, "name_rest");
    CHECK(cJSON_IsArray(rest));
    if (!cJSON_IsArray(rest))
        return;
    CHECK_INT(cJSON_GetArraySize(rest), 2);
    CHECK_INT(num(cJSON_GetArrayItem(rest, 0), "index"), 1);
    CHECK_INT(num(cJSON_GetArrayItem(rest, 0), "byte"), 'b');
    CHECK_INT(num(cJSON_GetArrayItem(rest, 1), "index"), 2);
    CHECK_INT(num(cJSON_GetArrayItem(rest, 1), "byte"), 'c');
    CHECK_STR(rest->prev->string, "name_len");
    CHECK_STR(rest->next->string, "first_byte");
    const cJSON *xr = cJSON_GetObjectItemCaseSensitive(x, "name_rest");
    CHECK(cJSON_IsArray(xr) && cJSON_GetArraySize(xr) == 0);
}

#define SCHEMA                                                                                    \
    "{\"$schema\": \"http://json-schema.org/draft-07/schema#\", \"title\": \"T\", \"$defs\": {" \
    "\"A\": {\"type\": \"object\", \"properties\": {\"abc\": {\"type\": \"string\"}, \"x\": {\"type\": \"integer\"}}}}}"

static void vplan_should_make_name_rest_from_the_name_in_every_build(void)
{
    fixture f;
    CHECK(model_of(&f, SCHEMA) == 0);
    /* Uncached: every member copied. */
    cJSON *types = types_of(&f);
    cJSON *plan = mg_vplan_build(f.m, types, NULL, NULL, &f.d);
    CHECK(plan != NULL);
    check_rest(plan);
    cJSON_Delete(plan);
    cJSON_Delete(types);
    /* Cached and shared: each function a reference to the raw plan's copy. */
    mg_vplan_raw *raw = NULL;
    cJSON *types1 = types_of(&f);
    cJSON *plan1 = mg_vplan_build_shared(f.m, types1, NULL, &raw, escapes_none, NULL, NULL, NULL, &f.d);
    CHECK(plan1 != NULL && raw != NULL);
    check_rest(plan1);
    CHECK(mg_vplan_raw_any_key(raw, has_key, (void *)"name_rest"));
    CHECK(mg_vplan_raw_any_key(raw, has_key, (void *)"index"));
    CHECK(mg_vplan_raw_any_key(raw, has_key, (void *)"byte"));
    cJSON_Delete(plan1);
    cJSON_Delete(types1);
    mg_vplan_raw_free(raw);
    fini(&f);
}

static void vplan_should_leave_name_rest_out_only_for_targets_that_drop_it(void)
{
    fixture f;
    CHECK(model_of(&f, SCHEMA) == 0);
    mg_vplan_raw *raw = NULL;
    /* A target that keeps every member but name_rest, then one that keeps
     * all, then the first kind again: the same literals, three plans. */
    cJSON *t1 = types_of(&f), *t2 = types_of(&f), *t3 = types_of(&f);
    cJSON *p1 = mg_vplan_build_shared(f.m, t1, NULL, &raw, escapes_none, keep_all_but_rest, NULL, NULL, &f.d);
    cJSON *p2 = mg_vplan_build_shared(f.m, t2, NULL, &raw, escapes_none, NULL, NULL, NULL, &f.d);
    cJSON *p3 = mg_vplan_build_shared(f.m, t3, NULL, &raw, escapes_none, keep_all_but_rest, NULL, NULL, &f.d);
    CHECK(p1 && p2 && p3);
    const cJSON *m1 = member_of(p1, "abc"), *m3 = member_of(p3, "abc");
    CHECK(m1 != NULL && m3 != NULL);
    CHECK(!cJSON_GetObjectItemCaseSensitive(m1, "name_rest"));
    CHECK(!cJSON_GetObjectItemCaseSensitive(m3, "name_rest"));
    CHECK(m1 && cJSON_GetObjectItemCaseSensitive(m1, "first_byte"));
    check_rest(p2);
    cJSON_Delete(p1);
    cJSON_Delete(p2);
    cJSON_Delete(p3);
    cJSON_Delete(t1);
    cJSON_Delete(t2);
    cJSON_Delete(t3);
    mg_vplan_raw_free(raw);
    fini(&f);
}

int main(void)
{
    RUN(vplan_should_make_name_rest_from_the_name_in_every_build);
    RUN(vplan_should_leave_name_rest_out_only_for_targets_that_drop_it);
    return unit_done();
}
