/* test_vplan_flags.c - the validation plan's flags asked for by number
 * (mg_vplan_consts.key_id and .get, view.c's plan_lazy_id and plan_lazy_get):
 * for every object of these cases, what get gives each name is what the plan
 * read from plan_lazy_consts's list (the later of a name listed twice), on
 * the known names' bit sets, on chains (a name that is not known, or any
 * name of an object whose first member is a number) and on both. The
 * shipped catalogues' objects keep the flags as bit sets only, so the golden
 * families never reach the chains. */
#include "../../generator/view.c"
#include "unit.h"

/* The flags the plan reads (vplan.c, tr_flag_names), another known name,
 * and two that are not known names. */
static const char *const names[] = {"is_string", "is_integer", "is_number", "is_boolean", "is_ref",
                                    "is_array",  "is_map",     "is_tuple",  "nullable",   "required",
                                    "has_tag",   "needs_tag"};
#define NNAMES (sizeof names / sizeof *names)

/* lz_put of name `k` (a known name or not) valued `val` on `o`. */
static void put(mg_view_escapes *e, cJSON *o, const char *k, int val)
{
    size_t n = strlen(k);
    lz_put(e, o->child, k, lz_name_id(e, k, n, mg_hash_mem_seed(0, k, n)), val);
}

/* get of the known names among `names` agrees with the list. Returns how
 * many of them have a value. */
static int check_agrees(mg_view_escapes *e, const cJSON *o)
{
    int ids[NNAMES], got[NNAMES];
    size_t nid = 0;
    const char *asked[NNAMES];
    for (size_t i = 0; i < NNAMES; i++) {
        int id = plan_lazy_id(e, names[i]);
        if (id < 0)
            continue;
        CHECK(strcmp(lz_names[id], names[i]) == 0);
        asked[nid] = names[i];
        ids[nid++] = id;
    }
    CHECK_INT((int)nid, 10);
    plan_lazy_get(e, o, ids, nid, got);
    const char *keys[64];
    int vals[64];
    size_t n = plan_lazy_consts(e, o, keys, vals, 64);
    int have = 0;
    for (size_t i = 0; i < nid; i++) {
        int want = 0;
        for (size_t j = 0; j < n; j++)
            if (!strcmp(keys[j], asked[i]))
                want = vals[j];
        CHECK_INT(got[i], want);
        have += got[i] != 0;
    }
    return have;
}

static void names_should_be_numbered_as_known_names(void)
{
    CHECK_INT(plan_lazy_id(NULL, "is_string"), LZ_is_string);
    CHECK_INT(plan_lazy_id(NULL, "nullable"), LZ_nullable);
    CHECK_INT(plan_lazy_id(NULL, "has_tag"), -1);
    CHECK_INT(plan_lazy_id(NULL, "is_strin"), -1);
    CHECK_INT(plan_lazy_id(NULL, ""), -1);
}

static void bit_sets_should_give_what_the_list_gives(void)
{
    mg_view_escapes *e = escapes_new();
    cJSON *o = cJSON_CreateObject();
    add_cs(o, "name", cJSON_CreateString("x"));
    put(e, o, "is_string", cJSON_True);
    put(e, o, "is_array", cJSON_False);
    put(e, o, "nullable", cJSON_NULL);
    put(e, o, "is_tuple", cJSON_Array);
    put(e, o, "has_tag", cJSON_True); /* not a known name: a chain */
    CHECK((o->child->type & LZ_DESC) != 0);
    CHECK(lz_chain(e, o->child) != 0);
    CHECK_INT(check_agrees(e, o), 4);
    lz_desc_flush(e);
    CHECK_INT(check_agrees(e, o), 4);
    int id = LZ_is_string, v = -1;
    plan_lazy_get(NULL, o, &id, 1, &v);
    CHECK_INT(v, 0);
    cJSON *arr = cJSON_CreateArray();
    v = -1;
    plan_lazy_get(e, arr, &id, 1, &v);
    CHECK_INT(v, 0);
    v = -1;
    plan_lazy_get(e, NULL, &id, 1, &v);
    CHECK_INT(v, 0);
    cJSON_Delete(arr);
    cJSON_Delete(o);
    mg_view_escapes_free(e);
}

static void chains_should_give_what_the_list_gives(void)
{
    mg_view_escapes *e = escapes_new();
    /* A number first: known names go on the chain too. */
    cJSON *a = cJSON_CreateObject();
    add_cs(a, "index", cJSON_CreateNumber(3));
    put(e, a, "is_ref", cJSON_True);
    put(e, a, "nullable", cJSON_False);
    put(e, a, "required", cJSON_True);
    CHECK((a->child->type & LZ_DESC) == 0);
    CHECK(lz_chain(e, a->child) != 0);
    CHECK_INT(check_agrees(e, a), 3);
    /* Known names added to a chain by hand (as a sweep may), one twice:
     * the list's later one, which is the chain's last added. */
    cJSON *b = cJSON_CreateObject();
    add_cs(b, "name", cJSON_CreateString("y"));
    put(e, b, "is_map", cJSON_True);
    lz_add(e, b->child, "is_integer", cJSON_True);
    lz_add(e, b->child, "is_boolean", cJSON_False);
    lz_add(e, b->child, "is_integer", cJSON_False);
    lz_add(e, b->child, "needs_tag", cJSON_True);
    CHECK_INT(check_agrees(e, b), 3);
    int id = LZ_is_integer, v = 0;
    plan_lazy_get(e, b, &id, 1, &v);
    CHECK_INT(v, cJSON_False);
    cJSON_Delete(b);
    cJSON_Delete(a);
    mg_view_escapes_free(e);
}

static void a_field_with_its_type_infos_should_agree(void)
{
    mg_view_escapes *e = escapes_new();
    cJSON *info = cJSON_CreateObject();
    add_cs(info, "kind", cJSON_CreateString("array"));
    put(e, info, "is_array", cJSON_True);
    put(e, info, "is_number", cJSON_False);
    lz_add(e, info->child, "is_ref", cJSON_False);
    cJSON *field = cJSON_CreateObject();
    add_cs(field, "name", cJSON_CreateString("f"));
    put(e, field, "required", cJSON_False);
    put(e, field, "nullable", cJSON_True);
    /* As field_view links the type info's members after the field's. */
    lz_append(e, field->child, info->child);
    CHECK_INT(check_agrees(e, field), 5);
    cJSON_Delete(field);
    cJSON_Delete(info);
    mg_view_escapes_free(e);
}

int main(void)
{
    RUN(names_should_be_numbered_as_known_names);
    RUN(bit_sets_should_give_what_the_list_gives);
    RUN(chains_should_give_what_the_list_gives);
    RUN(a_field_with_its_type_infos_should_agree);
    return unit_done();
}
