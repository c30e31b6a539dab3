/* test_view_defer.c - members a lazy view leaves to its miss hook, made when
 * read (view.c, "deferred": a message's generated_example and
 * generated_headers_example, a field's name), read as the view built
 * without the hook has them.
 *
 * generate renders the pruned lazy view; the hook makes such a member at
 * its first lookup from the model item the object was built from, found by
 * the object's first member. A member made from another message or field,
 * another kind of example, without its escaped members, made twice (a
 * reference, a share or a per-item context answered with another node), or
 * given where the view has none would change output silently (no shipped
 * template reads a field's name: the goldens would not show it): this
 * builds, for every shipped target and catalogue (flagship,
 * tests/catalogues, golden inputs), the pruned view without the hook and
 * the lazy one, each with a cache of its own (so that nothing the first
 * made is found ready by the second), and compares, for every message and
 * every field of every type, each deferred name read through the hook with
 * the full view's member: the same values, the same escaped members,
 * nothing the full view lacks; the same node on every later lookup, with or
 * without a memo word, through a reference to the object, through the
 * shares of a field (required_fields, optional_fields) and through a
 * message's per-item context; and no such member where the full view has
 * none. Includes view.c to reach the deferred names. */
#include "../../generator/view.c"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "diag.h"
#include "hmap.h"
#include "load.h"
#include "model.h"
#include "target.h"
#include "unit.h"
#include "catalogues.h"

static size_t compared, made, absent, with_value, escaped_reads, names_made, names_escaped, shares_read;

static const cJSON *hook(mg_view_escapes *e, const cJSON *obj, const char *k, uint16_t *memo)
{
    size_t n = strlen(k);
    return mg_view_escapes_get_memo(e, obj, k, n, mg_hash_mem_seed(0, k, n), memo);
}

/* Whether the made object `got` reads as the full view's `want`: each
 * member of `want` is `got`'s own or, for an escaped one, the hook's; and
 * `got` has no member `want` lacks. Appends the first difference to `why`. */
static int same_object(mg_view_escapes *e, const cJSON *want, const cJSON *got, mg_buf *why)
{
    if (!cJSON_IsObject(want) || !cJSON_IsObject(got)) {
        mg_buf_append_str(why, "not an object");
        return 0;
    }
    for (const cJSON *x = want->child; x; x = x->next) {
        const cJSON *y = cJSON_GetObjectItemCaseSensitive(got, x->string);
        if (!y) {
            y = hook(e, got, x->string, NULL);
            escaped_reads += y != NULL;
        }
        if (!y || !cJSON_Compare(x, y, 1)) {
            mg_buf_appendf(why, "member %s %s", x->string, y ? "differs" : "missing");
            return 0;
        }
    }
    for (const cJSON *y = got->child; y; y = y->next)
        if (!cJSON_GetObjectItemCaseSensitive(want, y->string)) {
            mg_buf_appendf(why, "member %s only where made", y->string);
            return 0;
        }
    return 1;
}

/* The share of lazy field `f` in list `list` (required_fields,
 * optional_fields: its members are references to the field's, so the same
 * `id` text), or NULL. */
static const cJSON *share_of(const cJSON *list, const cJSON *f)
{
    const cJSON *id = cJSON_GetObjectItemCaseSensitive(f, "id");
    for (const cJSON *s = list ? list->child : NULL; s && id; s = s->next) {
        const cJSON *sid = cJSON_GetObjectItemCaseSensitive(s, "id");
        if (sid && sid->valuestring == id->valuestring)
            return s;
    }
    return NULL;
}

/* Each field's name, deferred in the lazy view, against the full view's. */
static void compare_fields(const cJSON *full, const cJSON *lazy, mg_view_escapes *esc, const char *catalogue,
                           const char *target)
{
    const char *name = def_names[DEF_NAME];
    const cJSON *tx = full ? cJSON_GetObjectItemCaseSensitive(full, "types")->child : NULL;
    const cJSON *ty = lazy ? cJSON_GetObjectItemCaseSensitive(lazy, "types")->child : NULL;
    mg_buf why;
    mg_buf_init(&why);
    int bad = 0;
    for (size_t i = 0; tx && ty && !bad; tx = tx->next, ty = ty->next, i++) {
        const cJSON *fx = cJSON_GetObjectItemCaseSensitive(tx, "fields");
        const cJSON *fy = cJSON_GetObjectItemCaseSensitive(ty, "fields");
        CHECK(cJSON_GetArraySize(fx) == cJSON_GetArraySize(fy));
        const cJSON *x = fx ? fx->child : NULL, *y = fy ? fy->child : NULL;
        for (size_t j = 0; x && y && !bad; x = x->next, y = y->next, j++) {
            const cJSON *want = cJSON_GetObjectItemCaseSensitive(x, name);
            CHECK(want != NULL);
            CHECK(cJSON_GetObjectItemCaseSensitive(y, name) == NULL);
            uint16_t memo = 0;
            const cJSON *got = hook(esc, y, name, &memo);
            size_t before = escaped_reads;
            if (!got || !want || !same_object(esc, want, got, &why)) {
                if (!got)
                    mg_buf_append_str(&why, "not given");
                bad = 1;
            } else {
                names_made++;
                names_escaped += escaped_reads - before;
                cJSON *ref = cJSON_CreateObjectReference(y->child);
                if (hook(esc, y, name, &memo) != got || hook(esc, y, name, NULL) != got ||
                    hook(esc, ref, name, NULL) != got) {
                    mg_buf_append_str(&why, "another node on a later lookup");
                    bad = 1;
                }
                cJSON_Delete(ref);
                static const char *const lists[] = {"required_fields", "optional_fields"};
                for (int l = 0; l < 2 && !bad; l++) {
                    const cJSON *sh = share_of(cJSON_GetObjectItemCaseSensitive(ty, lists[l]), y);
                    shares_read += sh != NULL;
                    if (sh && hook(esc, sh, name, NULL) != got) {
                        mg_buf_appendf(&why, "another node through %s", lists[l]);
                        bad = 1;
                    }
                }
            }
            if (bad)
                unit_note("# %s, target %s: types/%zu/fields/%zu: %s\n", catalogue, target, i, j,
                          mg_buf_cstr(&why));
        }
    }
    CHECK(!bad);
    mg_buf_fini(&why);
}

static void compare_views_kept(const char *catalogue, const mg_model *m, const mg_target *t, const char *target,
                               const mg_hmap *keep, mg_diag *d)
{
    mg_view_cache *full_cache = mg_view_cache_new(), *lazy_cache = mg_view_cache_new();
    mg_view_escapes *esc = NULL;
    mg_view_cache_prune(full_cache, keep);
    mg_view_cache_prune(lazy_cache, keep);
    mg_view_cache_escapes_lazy(lazy_cache, &esc);
    cJSON *full = mg_view_build_cached(m, t, full_cache, d);
    cJSON *lazy = mg_view_build_cached(m, t, lazy_cache, d);
    CHECK(full != NULL && lazy != NULL && esc != NULL);
    const cJSON *x = full ? cJSON_GetObjectItemCaseSensitive(full, "messages")->child : NULL;
    const cJSON *y = lazy ? cJSON_GetObjectItemCaseSensitive(lazy, "messages")->child : NULL;
    mg_buf why;
    mg_buf_init(&why);
    int bad = 0;
    for (size_t i = 0; x && y && !bad; x = x->next, y = y->next, i++) {
        /* A message has its own name: only the examples are deferred. */
        CHECK(hook(esc, y, def_names[DEF_NAME], NULL) == NULL);
        for (int k = DEF_GEN; k <= DEF_GEN_HEADERS && !bad; k++) {
            const char *name = def_names[k];
            const cJSON *want = cJSON_GetObjectItemCaseSensitive(x, name);
            /* Left out: the lazy message has no such member of its own. */
            CHECK(cJSON_GetObjectItemCaseSensitive(y, name) == NULL);
            uint16_t memo = 0;
            const cJSON *got = hook(esc, y, name, &memo);
            compared++;
            if (!want) {
                absent++;
                bad = got != NULL;
                if (bad)
                    mg_buf_append_str(&why, "made where the full view has none");
                continue;
            }
            made++;
            with_value += cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(want, "has_value"));
            if (!got) {
                mg_buf_append_str(&why, "not given");
                bad = 1;
                continue;
            }
            if (!same_object(esc, want, got, &why)) {
                bad = 1;
                continue;
            }
            /* Made once: again (the memo word now set), without a memo, and
             * through a reference to the message. */
            cJSON *ref = cJSON_CreateObjectReference(y->child);
            if (hook(esc, y, name, &memo) != got || hook(esc, y, name, NULL) != got ||
                hook(esc, ref, name, NULL) != got) {
                mg_buf_append_str(&why, "another node on a later lookup");
                bad = 1;
            }
            cJSON_Delete(ref);
        }
        if (bad)
            unit_note("# %s, target %s: messages/%zu: %s\n", catalogue, target, i, mg_buf_cstr(&why));
    }
    CHECK(!bad);
    compare_fields(full, lazy, esc, catalogue, target);
    /* No deferred member on anything but a message or a field (a type, the
     * root). */
    const cJSON *types = lazy ? cJSON_GetObjectItemCaseSensitive(lazy, "types") : NULL;
    for (int k = 0; k < DEF_N && lazy; k++) {
        CHECK(hook(esc, lazy, def_names[k], NULL) == NULL);
        if (types && types->child)
            CHECK(hook(esc, types->child, def_names[k], NULL) == NULL);
    }
    mg_buf_fini(&why);
    mg_view_escapes_free(esc);
    cJSON_Delete(full);
    cJSON_Delete(lazy);
    mg_view_cache_free(full_cache);
    mg_view_cache_free(lazy_cache);
}

/* With the target's names (what generate builds), and with those and
 * required_fields and optional_fields: the fields' shares, which no
 * shipped template reads. */
static void compare_target(const char *catalogue, const mg_model *m, const mg_target *t, const char *target,
                           const mg_hmap *keep, mg_diag *d)
{
    compare_views_kept(catalogue, m, t, target, keep, d);
    mg_hmap split;
    mg_hmap_init_str(&split, sizeof(char *));
    for (size_t i = 0; keep && i < mg_hmap_len(keep); i++)
        mg_hmap_put_str(&split, *(char *const *)mg_hmap_at(keep, i), NULL);
    mg_hmap_put_str(&split, "required_fields", NULL);
    mg_hmap_put_str(&split, "optional_fields", NULL);
    compare_views_kept(catalogue, m, t, target, &split, d);
    mg_hmap_fini(&split);
}

static void compare_views(const char *catalogue) { unit_each_target_of(catalogue, compare_target); }

static void deferred_members_should_read_as_the_full_views(void)
{
    unit_each_catalogue(compare_views);
    /* A listing that found nothing must not pass, nor one that never made
     * a member, one with a value and one without, or an escaped one. */
    CHECK(made > 100);
    CHECK(with_value > 50 && with_value < made);
    CHECK(absent > 100);
    CHECK(escaped_reads > 10);
    /* Fields' names: many, some with escaped members (markdown's
     * raw_slug), some read through shares. */
    CHECK(names_made > 1000);
    CHECK(names_escaped > 100);
    CHECK(shares_read > 100);
    unit_note("# %zu lookups compared: %zu members made (%zu with a value, %zu escaped members read), "
              "%zu absent in both; %zu field names made (%zu escaped members read, %zu shares read)\n",
              compared, made, with_value, escaped_reads, absent, names_made, names_escaped, shares_read);
}

/* No deferred name is a known constant's: the hook's memo word for a known
 * name answers from the constants' sets without asking deferred_get. */
static void deferred_names_should_be_no_known_names(void)
{
    mg_view_escapes *e = escapes_new();
    for (int k = 0; k < DEF_N; k++) {
        size_t n = strlen(def_names[k]);
        uint32_t h = mg_hash_mem_seed(0, def_names[k], n);
        CHECK(n == def_lens[k]);
        CHECK(lz_name_id(e, def_names[k], n, h) < 0);
        CHECK(lz_chain_id(e, def_names[k], n, h) < 0);
    }
    mg_view_escapes_free(e);
}

/* Whether the object whose first member is `first` has member `k` left
 * out for deferred_get. */
static int deferred_has(mg_view_escapes *e, const cJSON *first, const char *k)
{
    if (!e || !first || !(first->type & LZ_DEFERRED))
        return 0;
    return def_left_out(e, first, def_which(k, strlen(k))) != NULL;
}

/* An object that left out one of the two members answers NULL for the
 * other: the shipped targets defer both or neither, so the views above do
 * not reach this (a target whose templates read generated_example only). */
static void only_the_members_left_out_should_be_made(void)
{
    mg_view_escapes *e = escapes_new();
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "name", "m");
    deferred_add(e, o->child, NULL, 1u << DEF_GEN);
    CHECK(o->child->type & LZ_DEFERRED);
    const char *k = def_names[DEF_GEN_HEADERS];
    /* Asked only when it says none is left out: a member made for this
     * object (no message behind it) would crash the test, not fail it. */
    CHECK(!deferred_has(e, o->child, k));
    if (!deferred_has(e, o->child, k))
        CHECK(deferred_get(e, o->child, k, strlen(k)) == NULL);
    CHECK(deferred_has(e, o->child, def_names[DEF_GEN]));
    CHECK(deferred_get(e, o->child, "generated_exampl", 16) == NULL);
    mg_view_escapes_free(e);
    cJSON_Delete(o);
}

int main(void)
{
    if (unit_find_top() < 0) {
        printf("not ok view_defer: no source tree (templates/c/target.yaml) above the binary\n");
        return 1;
    }
    char templates[PATH_MAX + 16];
    snprintf(templates, sizeof templates, "%s/templates", unit_top);
    setenv("MSGGEN_TEMPLATES", templates, 1);
    RUN(deferred_names_should_be_no_known_names);
    RUN(deferred_members_should_read_as_the_full_views);
    RUN(only_the_members_left_out_should_be_made);
    return unit_done();
}
