/* test_view_consts.c - the constant members a lazy view leaves out (view.c,
 * "constant members computed when read"), on objects made by hand: what
 * mg_view_escapes_get gives for them, on chains and as the known names' bit
 * sets, which of two pairs of one name wins, what a per-item context copies
 * from the root, and that a chain left by a freed object is not read. test_view_lazy compares whole views of the
 * shipped catalogues; these are the cases those views may not have. */
#include "../../generator/view.c"
#include "unit.h"

/* What the renderer's miss hook gives: with a memo word for the name (a
 * fresh one, then the one the first call left, as a tag's next lookup
 * gives it) the same as without. */
static const cJSON *get(mg_view_escapes *e, const cJSON *obj, const char *k)
{
    size_t n = strlen(k);
    uint32_t h = mg_hash_mem_seed(0, k, n);
    const cJSON *plain = mg_view_escapes_get(e, obj, k, n, h);
    uint16_t memo = 0;
    CHECK(mg_view_escapes_get_memo(e, obj, k, n, h, &memo) == plain);
    CHECK(mg_view_escapes_get_memo(e, obj, k, n, h, &memo) == plain);
    return plain;
}

/* An object {name: "x"} with `pairs` (name, value) left out. */
static cJSON *object_with(mg_view_escapes *e, const char *const *keys, const int *vals, size_t n)
{
    cJSON *o = cJSON_CreateObject();
    add_cs(o, "name", cJSON_CreateString("x"));
    for (size_t i = 0; i < n; i++)
        lz_add(e, o->child, keys[i], vals[i]);
    return o;
}

static void a_left_out_false_should_be_a_member_not_a_miss(void)
{
    mg_view_escapes *e = escapes_new();
    static const char *const keys[] = {"required", "format", "is_array"};
    static const int vals[] = {cJSON_False, cJSON_NULL, cJSON_True};
    cJSON *o = object_with(e, keys, vals, 3);
    /* Strict mode tells a missing key from false and null: the node. */
    const cJSON *r = get(e, o, "required"), *f = get(e, o, "format"), *a = get(e, o, "is_array");
    CHECK(r != NULL && cJSON_IsFalse(r));
    CHECK(f != NULL && cJSON_IsNull(f));
    CHECK(a != NULL && cJSON_IsTrue(a));
    CHECK(get(e, o, "optional") == NULL);
    CHECK(get(e, o, "requi") == NULL);
    CHECK(get(e, o, "name") == NULL); /* a member of its own: the engine finds it */
    CHECK_INT(mg_view_escapes_left_out(e), 3);
    /* A reference shares the member list, and so the pairs. */
    cJSON *ref = cJSON_CreateObjectReference(o->child);
    CHECK(get(e, ref, "required") == r);
    /* An object without pairs, and values that are no objects, have none. */
    cJSON *other = cJSON_CreateObject();
    add_cs(other, "name", cJSON_CreateString("y"));
    CHECK(get(e, other, "required") == NULL);
    CHECK(get(e, o->child, "required") == NULL);
    cJSON_Delete(ref);
    cJSON_Delete(other);
    cJSON_Delete(o);
    mg_view_escapes_free(e);
}

static void the_first_pair_of_a_name_should_win(void)
{
    mg_view_escapes *e = escapes_new();
    /* As a lookup finds the first member of a name. */
    static const char *const keys[] = {"first", "last", "first"};
    static const int vals[] = {cJSON_True, cJSON_False, cJSON_False};
    cJSON *o = object_with(e, keys, vals, 3);
    CHECK(cJSON_IsTrue(get(e, o, "first")));
    CHECK(cJSON_IsFalse(get(e, o, "last")));
    /* Many names on one chain (a field has about thirty). */
    cJSON *big = cJSON_CreateObject();
    add_cs(big, "name", cJSON_CreateString("z"));
    char names[40][24];
    for (int i = 0; i < 40; i++) {
        snprintf(names[i], sizeof names[i], "flag_%d", i);
        lz_add(e, big->child, names[i], i % 3 == 0 ? cJSON_True : cJSON_False);
    }
    for (int i = 0; i < 40; i++) {
        const cJSON *m = get(e, big, names[i]);
        CHECK(m != NULL && (i % 3 == 0 ? cJSON_IsTrue(m) : cJSON_IsFalse(m)));
    }
    CHECK(get(e, big, "flag_40") == NULL);
    cJSON_Delete(big);
    cJSON_Delete(o);
    mg_view_escapes_free(e);
}

static void a_share_should_have_its_items_pairs_but_its_own_position(void)
{
    mg_view_escapes *e = escapes_new();
    static const char *const keys[] = {"is_object", "first", "last", "index"};
    static const int vals[] = {cJSON_True, cJSON_True, cJSON_False, cJSON_NULL};
    cJSON *item = object_with(e, keys, vals, 4);
    cJSON *share = share_item(item);
    lz_share(e, share, item);
    CHECK(cJSON_IsTrue(get(e, share, "is_object")));
    /* share_item leaves out index, first and last: number_list sets them. */
    CHECK(get(e, share, "first") == NULL);
    CHECK(get(e, share, "last") == NULL);
    CHECK(get(e, share, "index") == NULL);
    cJSON_Delete(share);
    cJSON_Delete(item);
    mg_view_escapes_free(e);
}

static void a_chain_left_by_a_freed_object_should_not_be_read(void)
{
    mg_view_escapes *e = escapes_new();
    static const char *const keys[] = {"required"};
    static const int vals[] = {cJSON_True};
    cJSON *o = object_with(e, keys, vals, 1);
    const cJSON *first = o->child;
    CHECK(lz_chain(e, first) != 0);
    cJSON_Delete(o);
    /* A new node at the freed first member's address (likely, not sure)
     * comes without LAZY_CONSTS: its object has no pairs. */
    cJSON *n = cJSON_CreateObject();
    add_cs(n, "name", cJSON_CreateString("y"));
    CHECK((n->child->type & LAZY_CONSTS) == 0);
    CHECK(get(e, n, "required") == NULL);
    static const char *const k2[] = {"optional"};
    static const int v2[] = {cJSON_False};
    lz_add(e, n->child, k2[0], v2[0]);
    CHECK(get(e, n, "required") == NULL);
    CHECK(cJSON_IsFalse(get(e, n, "optional")));
    cJSON_Delete(n);
    mg_view_escapes_free(e);
}

static void objects_whose_first_member_is_a_number_should_keep_their_pairs_too(void)
{
    mg_view_escapes *e = escapes_new();
    /* A number's valueint is its value: its chain goes in a table, the
     * last one set waiting outside it until another object's is set. */
    cJSON *a = cJSON_CreateObject(), *b = cJSON_CreateObject();
    add_cs(a, "index", cJSON_CreateNumber(7));
    add_cs(b, "index", cJSON_CreateNumber(8));
    lz_add(e, a->child, "first", cJSON_True);
    lz_add(e, b->child, "first", cJSON_False);
    lz_add(e, a->child, "last", cJSON_False);
    CHECK(cJSON_IsTrue(get(e, a, "first")));
    CHECK(cJSON_IsFalse(get(e, a, "last")));
    CHECK(cJSON_IsFalse(get(e, b, "first")));
    CHECK(get(e, b, "last") == NULL);
    CHECK(a->child->valueint == 7 && b->child->valueint == 8);
    CHECK(a->child->valuedouble == 7.0);
    cJSON_Delete(a);
    cJSON_Delete(b);
    mg_view_escapes_free(e);
}

static void a_field_should_have_its_own_pairs_and_its_type_infos(void)
{
    mg_view_escapes *e = escapes_new();
    static const char *const ik[] = {"is_array", "format"};
    static const int iv[] = {cJSON_True, cJSON_NULL};
    cJSON *info = object_with(e, ik, iv, 2);
    static const char *const fk[] = {"required"};
    static const int fv[] = {cJSON_False};
    cJSON *field = object_with(e, fk, fv, 1);
    /* As field_view links the type info's members after the field's. */
    cJSON *from = info->child;
    lz_append(e, field->child, from);
    CHECK((from->type & LAZY_CONSTS) == 0);
    CHECK(cJSON_IsFalse(get(e, field, "required")));
    CHECK(cJSON_IsTrue(get(e, field, "is_array")));
    CHECK(cJSON_IsNull(get(e, field, "format")));
    CHECK(get(e, field, "optional") == NULL);
    /* The plan reads the pairs so, only while it is built. */
    const char *keys[8];
    int vals[8];
    CHECK_INT(plan_lazy_consts(NULL, field, keys, vals, 8), 0);
    CHECK_INT(plan_lazy_consts(e, field, keys, vals, 8), 3);
    CHECK(strcmp(keys[0], "is_array") == 0 && vals[0] == cJSON_True);
    CHECK(strcmp(keys[2], "required") == 0 && vals[2] == cJSON_False);
    CHECK(plan_lazy_true(e, field, "is_array"));
    CHECK(!plan_lazy_true(e, field, "required"));
    CHECK(!plan_lazy_true(NULL, field, "is_array"));
    cJSON_Delete(field);
    cJSON_Delete(info);
    mg_view_escapes_free(e);
}

/* lz_put of name `k` (a known name or not) valued `val` on `o`. */
static void put(mg_view_escapes *e, cJSON *o, const char *k, int val)
{
    size_t n = strlen(k);
    lz_put(e, o->child, k, lz_name_id(e, k, n, mg_hash_mem_seed(0, k, n)), val);
}

/* lz_share counts each known name's constant it gives a share (the render
 * bounds read the count, mg_view_escapes_left_out): lz_put_desc returns
 * the names it added, not how many, and the share counts them; a name the
 * share has of its own is neither taken nor counted. */
static void a_share_should_count_each_known_constant_it_takes(void)
{
    mg_view_escapes *e = escapes_new();
    cJSON *item = cJSON_CreateObject(), *share = cJSON_CreateObject();
    add_cs(item, "name", cJSON_CreateString("x"));
    add_cs(share, "name", cJSON_CreateString("x"));
    put(e, item, "required", cJSON_False);
    put(e, item, "format", cJSON_NULL);
    put(e, item, "tuple", cJSON_Array);
    put(e, item, "is_array", cJSON_True);
    put(e, share, "required", cJSON_True); /* the share's own */
    CHECK_INT(mg_view_escapes_left_out(e), 5);
    lz_share(e, share, item);
    CHECK_INT(mg_view_escapes_left_out(e), 8);
    CHECK(cJSON_IsTrue(get(e, share, "required")));
    CHECK(cJSON_IsNull(get(e, share, "format")));
    CHECK(cJSON_IsArray(get(e, share, "tuple")));
    CHECK(cJSON_IsTrue(get(e, share, "is_array")));
    /* Once more: the share has them all, nothing is counted. */
    lz_share(e, share, item);
    CHECK_INT(mg_view_escapes_left_out(e), 8);
    cJSON_Delete(share);
    cJSON_Delete(item);
    mg_view_escapes_free(e);
}

static void known_names_should_be_bit_sets_not_chains(void)
{
    mg_view_escapes *e = escapes_new();
    cJSON *o = cJSON_CreateObject();
    add_cs(o, "name", cJSON_CreateString("x"));
    put(e, o, "required", cJSON_False);
    put(e, o, "format", cJSON_NULL);
    put(e, o, "tuple", cJSON_Array);
    put(e, o, "is_array", cJSON_True);
    put(e, o, "has_tag", cJSON_False); /* not a known name: a chain */
    put(e, o, "required", cJSON_True); /* the first of a name wins */
    CHECK((o->child->type & LZ_DESC) != 0);
    CHECK(lz_chain(e, o->child) != 0);
    const cJSON *r = get(e, o, "required"), *f = get(e, o, "format"), *t = get(e, o, "tuple");
    CHECK(r != NULL && cJSON_IsFalse(r));
    CHECK(f != NULL && cJSON_IsNull(f));
    CHECK(t != NULL && cJSON_IsArray(t) && t->child == NULL);
    CHECK(cJSON_IsTrue(get(e, o, "is_array")));
    CHECK(cJSON_IsFalse(get(e, o, "has_tag")));
    CHECK(get(e, o, "optional") == NULL); /* known, not set */
    CHECK(get(e, o, "is_arra") == NULL);
    CHECK(get(e, o, "is_array_") == NULL);
    CHECK_INT(mg_view_escapes_left_out(e), 6);
    /* Read while pending, then from the interned sets, the same. */
    lz_desc_flush(e);
    CHECK(cJSON_IsFalse(get(e, o, "required")));
    CHECK(cJSON_IsNull(get(e, o, "format")));
    /* Another object with the same sets shares their number. */
    cJSON *p = cJSON_CreateObject();
    add_cs(p, "name", cJSON_CreateString("y"));
    put(e, p, "required", cJSON_False);
    put(e, p, "format", cJSON_NULL);
    put(e, p, "tuple", cJSON_Array);
    put(e, p, "is_array", cJSON_True);
    lz_desc_flush(e);
    CHECK(p->child->valuedouble == o->child->valuedouble);
    CHECK(p->child->valuedouble != 0);
    /* The plan's list has them all, the chain's and the sets'. */
    const char *keys[8];
    int vals[8];
    CHECK_INT(plan_lazy_consts(e, o, keys, vals, 8), 5);
    CHECK(plan_lazy_true(e, o, "is_array"));
    CHECK(!plan_lazy_true(e, o, "required"));
    cJSON_Delete(p);
    cJSON_Delete(o);
    mg_view_escapes_free(e);
}

static void a_number_first_member_should_keep_known_names_on_a_chain(void)
{
    mg_view_escapes *e = escapes_new();
    cJSON *a = cJSON_CreateObject();
    add_cs(a, "index", cJSON_CreateNumber(3));
    put(e, a, "first", cJSON_True);
    put(e, a, "nullable", cJSON_False);
    CHECK((a->child->type & LZ_DESC) == 0);
    CHECK(a->child->valuedouble == 3.0);
    CHECK(cJSON_IsTrue(get(e, a, "first")));
    CHECK(cJSON_IsFalse(get(e, a, "nullable")));
    /* A share of it (first member a string) gets them as bit sets, but
     * first and last, which the share numbers itself. */
    cJSON *item = cJSON_CreateObject();
    add_cs(item, "name", cJSON_CreateString("i"));
    put(e, item, "is_enum", cJSON_True);
    put(e, item, "first", cJSON_True);
    put(e, item, "last", cJSON_False);
    put(e, item, "closed", cJSON_True);
    put(e, item, "needs_tag", cJSON_False);
    cJSON *share = share_item(item);
    lz_share(e, share, item);
    CHECK(cJSON_IsTrue(get(e, share, "is_enum")));
    CHECK(cJSON_IsTrue(get(e, share, "closed")));
    CHECK(cJSON_IsFalse(get(e, share, "needs_tag")));
    CHECK(get(e, share, "first") == NULL);
    CHECK(get(e, share, "last") == NULL);
    cJSON_Delete(share);
    cJSON_Delete(item);
    cJSON_Delete(a);
    mg_view_escapes_free(e);
}

static void a_field_should_take_its_type_infos_bit_sets(void)
{
    mg_view_escapes *e = escapes_new();
    cJSON *info = cJSON_CreateObject();
    add_cs(info, "kind", cJSON_CreateString("array"));
    put(e, info, "is_array", cJSON_True);
    put(e, info, "items", cJSON_NULL);
    cJSON *field = cJSON_CreateObject();
    add_cs(field, "name", cJSON_CreateString("f"));
    put(e, field, "required", cJSON_True);
    put(e, field, "is_array", cJSON_False); /* the field's own comes first */
    lz_append(e, field->child, info->child);
    CHECK((info->child->type & LZ_DESC) == 0);
    CHECK(cJSON_IsTrue(get(e, field, "required")));
    CHECK(cJSON_IsFalse(get(e, field, "is_array")));
    CHECK(cJSON_IsNull(get(e, field, "items")));
    CHECK(get(e, info, "items") == NULL);
    cJSON_Delete(field);
    cJSON_Delete(info);
    mg_view_escapes_free(e);
}

/* field_view appends the type info while its sets are pending: the field
 * takes them, and only the field's sets are interned (the type info's,
 * left with no object, are not). */
static void a_pending_type_info_should_be_taken_not_interned(void)
{
    mg_view_escapes *e = escapes_new();
    cJSON *info = cJSON_CreateObject();
    add_cs(info, "kind", cJSON_CreateString("array"));
    put(e, info, "is_array", cJSON_True);
    put(e, info, "items", cJSON_NULL);
    CHECK(e->lz_dpend_first == info->child);
    cJSON *field = cJSON_CreateObject();
    add_cs(field, "name", cJSON_CreateString("f"));
    lz_append(e, field->child, info->child);
    CHECK((info->child->type & LZ_DESC) == 0);
    put(e, field, "required", cJSON_True);
    put(e, field, "is_array", cJSON_False); /* set already: the type info's wins */
    lz_desc_flush(e);
    CHECK_INT((int)e->lz_ndescs, 2); /* "none" and the field's */
    CHECK(cJSON_IsTrue(get(e, field, "required")));
    CHECK(cJSON_IsTrue(get(e, field, "is_array")));
    CHECK(cJSON_IsNull(get(e, field, "items")));
    CHECK(get(e, info, "items") == NULL);
    cJSON_Delete(field);
    cJSON_Delete(info);
    mg_view_escapes_free(e);
}

static void a_known_name_on_a_chain_should_be_found_beside_bit_sets(void)
{
    mg_view_escapes *e = escapes_new();
    cJSON *o = cJSON_CreateObject();
    add_cs(o, "name", cJSON_CreateString("x"));
    put(e, o, "required", cJSON_False);  /* a bit set */
    lz_add(e, o->child, "nullable", cJSON_True); /* a known name, on the chain (as lz_share may) */
    lz_desc_flush(e);
    CHECK((o->child->type & LZ_DESC) != 0);
    CHECK(cJSON_IsFalse(get(e, o, "required")));
    /* mg_view_escapes_get finds the name among the known ones, not in the
     * sets: the chain still has it. */
    CHECK(cJSON_IsTrue(get(e, o, "nullable")));
    CHECK(get(e, o, "optional") == NULL);
    cJSON_Delete(o);
    mg_view_escapes_free(e);
}

static void copied_names_should_be_told_apart_by_their_whole_text(void)
{
    /* The sweep's class of a copied name, by its length and first eight
     * bytes and then the rest: two names alike in those must not share. */
    vctx v;
    memset(&v, 0, sizeof v);
    v.lazy = escapes_new();
    cJSON *o = cJSON_CreateObject();
    cJSON_AddFalseToObject(o, "has_description"); /* a known name */
    cJSON_AddFalseToObject(o, "has_descriptioX"); /* not one */
    cJSON_AddFalseToObject(o, "has_description");
    const kc_text *a = copied_class_fast(&v, o->child);
    CHECK(KC_ID(a->cls) == LZ_has_description);
    const kc_text *b = copied_class_fast(&v, o->child->next);
    CHECK(KC_ID(b->cls) == -1);
    CHECK(strcmp(b->key, "has_descriptioX") == 0);
    const kc_text *c = copied_class_fast(&v, o->child->next->next);
    CHECK(KC_ID(c->cls) == LZ_has_description);
    CHECK(strcmp(c->key, "has_description") == 0);
    cJSON_Delete(o);
    free(v.kc_cache);
    mg_view_escapes_free(v.lazy);
}

int main(void)
{
    RUN(a_left_out_false_should_be_a_member_not_a_miss);
    RUN(the_first_pair_of_a_name_should_win);
    RUN(a_share_should_have_its_items_pairs_but_its_own_position);
    RUN(a_share_should_count_each_known_constant_it_takes);
    RUN(a_chain_left_by_a_freed_object_should_not_be_read);
    RUN(objects_whose_first_member_is_a_number_should_keep_their_pairs_too);
    RUN(a_field_should_have_its_own_pairs_and_its_type_infos);
    RUN(known_names_should_be_bit_sets_not_chains);
    RUN(a_number_first_member_should_keep_known_names_on_a_chain);
    RUN(a_field_should_take_its_type_infos_bit_sets);
    RUN(a_pending_type_info_should_be_taken_not_interned);
    RUN(a_known_name_on_a_chain_should_be_found_beside_bit_sets);
    RUN(copied_names_should_be_told_apart_by_their_whole_text);
    return unit_done();
}
