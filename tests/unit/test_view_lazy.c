/* test_view_lazy.c - a lazy view (view.h, mg_view_cache_escapes_lazy) reads,
 * through mg_view_escapes_get, as the view with its escaped members and its
 * constant (false, true, null, empty list) members.
 *
 * generate and check render the pruned view without the members
 * helpers.escapes adds and without most constant members, and make or give
 * each when a template reads it; they fall back to the full view only when
 * a render reports something or prints or iterates an object. A lazy member
 * made wrong (another escape, another member's text, another flag's value,
 * one the full view does not have) would change output silently. This
 * builds, for every shipped target, the full view and the pruned lazy view
 * of the flagship catalogue, the catalogues of tests/catalogues and the
 * golden cases' inputs, and compares them for every name the templates
 * read: walking both in step (references, shared list items and all), each
 * kept member of the full view must be the lazy view's own member, its
 * escaped one or its constant one, and no other; and every constant member
 * the lazy view left out must be the full view's member of that name. The
 * per-item contexts (an item over the view) are compared the same way.
 * Includes view.c to walk the constants' chains. */
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
#include "escape_names.h"

/* The member `name` of `obj` as a template reads it from the lazy view. */
static const cJSON *lazy_member(mg_view_escapes *esc, const cJSON *obj, const char *name)
{
    const cJSON *m = cJSON_GetObjectItemCaseSensitive(obj, name);
    if (m)
        return m;
    size_t n = strlen(name);
    return mg_view_escapes_get(esc, obj, name, n, mg_hash_mem_seed(0, name, n));
}

static size_t lazy_reads;  /* escaped members found through mg_view_escapes_get */
static size_t const_reads; /* constant members found through it */

/* Appends to `path` where a constant member left out of lazy object `b`
 * is not the full object `a`'s member of that name; 1 when one is not. */
static int consts_differ(const cJSON *a, const cJSON *b, mg_view_escapes *esc, mg_buf *path)
{
    for (uint32_t node = lz_chain(esc, b->child); node; node = esc->lz_nodes[node].parent) {
        const lz_node *c = &esc->lz_nodes[node];
        const cJSON *x = cJSON_GetObjectItemCaseSensitive(a, c->key);
        /* The chain's first pair of a name is the one read. */
        if (lz_find(esc, lz_chain(esc, b->child), c->key, strlen(c->key), mg_hash_str(c->key)) != c)
            continue;
        if (!x || (x->type & 0xff) != c->val || (c->val == cJSON_Array && x->child)) {
            mg_buf_appendf(path, "/%s (left out as %s, %s in the full view)", c->key,
                           c->val == cJSON_True    ? "true"
                           : c->val == cJSON_False ? "false"
                           : c->val == cJSON_Array ? "[]"
                                                   : "null",
                           x ? "another value" : "absent");
            return 1;
        }
    }
    return 0;
}

/* Appends to `path` where the lazy view `b` first reads otherwise than the
 * full view `a` for the names in `keep`; 1 when it does. */
static int differs(const cJSON *a, const cJSON *b, mg_view_escapes *esc, const mg_hmap *keep,
                   const mg_hmap *added, mg_buf *path)
{
    if (!b || (a->type & 0xff) != (b->type & 0xff))
        return 1;
    if (cJSON_IsArray(a)) {
        const cJSON *x = a->child, *y = b->child;
        for (size_t i = 0; x || y; i++, x = x ? x->next : NULL, y = y ? y->next : NULL) {
            if (!x || !y) {
                mg_buf_appendf(path, "/%zu", i);
                return 1;
            }
            size_t len = path->len;
            mg_buf_appendf(path, "/%zu", i);
            if (differs(x, y, esc, keep, added, path))
                return 1;
            path->len = len;
        }
        return 0;
    }
    if (!cJSON_IsObject(a))
        return !cJSON_Compare(a, b, 1);
    for (const cJSON *x = a->child; x; x = x->next) {
        if (!mg_hmap_get_str(keep, x->string))
            continue;
        size_t len = path->len;
        mg_buf_appendf(path, "/%s", x->string);
        const cJSON *y = cJSON_GetObjectItemCaseSensitive(b, x->string);
        if (!y) {
            size_t n = strlen(x->string);
            y = mg_view_escapes_get(esc, b, x->string, n, mg_hash_mem_seed(0, x->string, n));
            if (y && mg_hmap_get_str(added, x->string) && !lz_find(esc, lz_chain(esc, b->child), x->string, n,
                                                                   mg_hash_str(x->string)))
                lazy_reads++;
            else if (y)
                const_reads++;
        }
        if (differs(x, y, esc, keep, added, path))
            return 1;
        path->len = len;
    }
    if (consts_differ(a, b, esc, path))
        return 1;
    /* Nothing the full view lacks: neither a member of the lazy view's own
     * nor an escaped one (nor a constant one: consts_differ). */
    for (const cJSON *y = b->child; y; y = y->next)
        if (mg_hmap_get_str(keep, y->string) && !cJSON_GetObjectItemCaseSensitive(a, y->string)) {
            mg_buf_appendf(path, "/%s (only in the lazy view)", y->string);
            return 1;
        }
    for (size_t i = 0; i < mg_hmap_len(added); i++) {
        const char *name = *(char **)mg_hmap_at(added, i);
        if (mg_hmap_get_str(keep, name) && !cJSON_GetObjectItemCaseSensitive(a, name) &&
            lazy_member(esc, b, name)) {
            mg_buf_appendf(path, "/%s (only in the lazy view)", name);
            return 1;
        }
    }
    return 0;
}

static size_t compared;

/* Compares the two views of one target of `catalogue`. */
static void compare_target(const char *catalogue, const mg_model *m, const mg_target *t, const char *target,
                           const mg_hmap *keep, mg_diag *d)
{
    mg_hmap added;
    added_names(t, &added);
    mg_view_cache *full_cache = mg_view_cache_new(), *lazy_cache = mg_view_cache_new();
    mg_view_escapes *esc = NULL;
    mg_view_cache_prune(lazy_cache, keep);
    mg_view_cache_escapes_lazy(lazy_cache, &esc);
    cJSON *full = mg_view_build_cached(m, t, full_cache, d);
    cJSON *lazy = mg_view_build_cached(m, t, lazy_cache, d);
    CHECK(full != NULL && lazy != NULL);
    /* Every lazy build gives what makes its members (escaped and constant). */
    CHECK(esc != NULL);
    mg_buf path;
    mg_buf_init(&path);
    if (full && lazy && differs(full, lazy, esc, keep, &added, &path)) {
        unit_note("# %s, target %s: the lazy view reads otherwise at %s\n", catalogue, target,
                  path.len ? mg_buf_cstr(&path) : "/");
        CHECK(!"lazy view reads as the full view, for every template name");
    }
    /* The per-item contexts run.c renders (messages, types), in step: the
     * item over the view, so a name is the item's own, escaped or constant
     * member (lazy_member), else the view's; in the full view the item's
     * member, else the view's. */
    static const char *const lists[] = {"messages", "types"};
    for (size_t l = 0; l < 2 && full && lazy; l++) {
        const cJSON *x = cJSON_GetObjectItemCaseSensitive(full, lists[l])->child;
        const cJSON *y = cJSON_GetObjectItemCaseSensitive(lazy, lists[l])->child;
        for (size_t i = 0; x && y; x = x->next, y = y->next, i++) {
            int bad = 0;
            for (int side = 0; side < 2 && !bad; side++)
                for (const cJSON *mem = side ? full->child : x->child; mem && !bad; mem = mem->next) {
                    if (!mg_hmap_get_str(keep, mem->string) ||
                        (side && cJSON_GetObjectItemCaseSensitive(x, mem->string)))
                        continue;
                    const cJSON *n = lazy_member(esc, y, mem->string);
                    if (!n)
                        n = lazy_member(esc, lazy, mem->string);
                    mg_buf_reset(&path);
                    mg_buf_appendf(&path, "/%s/%zu/%s", lists[l], i, mem->string);
                    bad = !n || (cJSON_IsObject(mem) || cJSON_IsArray(mem) ? (mem->type & 0xff) != (n->type & 0xff)
                                                                           : !cJSON_Compare(mem, n, 1));
                }
            if (bad) {
                unit_note("# %s, target %s: a per-item context reads otherwise at %s\n", catalogue, target,
                          mg_buf_cstr(&path));
                CHECK(!"per-item contexts read as the full view's");
            }
        }
    }
    compared++;
    mg_buf_fini(&path);
    mg_view_escapes_free(esc);
    cJSON_Delete(full);
    cJSON_Delete(lazy);
    mg_view_cache_free(full_cache);
    mg_view_cache_free(lazy_cache);
    mg_hmap_fini(&added);
}

static void compare_views(const char *catalogue) { unit_each_target_of(catalogue, compare_target); }

/* Nullable lists, maps, alias targets and union options: the validation
 * plan reads `nullable` from the types' views for their shapes, so a lazy
 * build must give it to the plan when it is left out (view.c,
 * plan_lazy_consts); no shipped catalogue has a nullable list. */
static const char NULLABLES[] =
    "asyncapi: 3.0.0\n"
    "info: {title: nullables, version: \"1\"}\n"
    "channels:\n"
    "  c:\n"
    "    address: c\n"
    "    messages:\n"
    "      m: {$ref: '#/components/messages/m'}\n"
    "operations:\n"
    "  send:\n"
    "    action: send\n"
    "    channel: {$ref: '#/channels/c'}\n"
    "    messages: [{$ref: '#/channels/c/messages/m'}]\n"
    "components:\n"
    "  messages:\n"
    "    m:\n"
    "      payload: {$ref: '#/components/schemas/P'}\n"
    "  schemas:\n"
    "    Name: {type: [string, \"null\"]}\n"
    "    Tags: {type: [array, \"null\"], items: {type: string}}\n"
    "    P:\n"
    "      type: object\n"
    "      properties:\n"
    "        list: {type: [array, \"null\"], items: {type: string}}\n"
    "        dict: {type: [object, \"null\"], additionalProperties: {type: integer}}\n"
    "        inner: {type: array, items: {type: [string, \"null\"]}}\n"
    "        alias: {$ref: '#/components/schemas/Name'}\n"
    "        tags: {$ref: '#/components/schemas/Tags'}\n"
    "        choice:\n"
    "          oneOf: [{type: string}, {type: \"null\"}, {type: [integer, \"null\"]}]\n";

static void compare_nullables(void)
{
    const char *tmp = getenv("TMPDIR");
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/msggen-test-view-lazy-XXXXXX.yaml", tmp && *tmp ? tmp : "/tmp");
    int fd = mkstemps(path, 5);
    CHECK(fd >= 0);
    if (fd < 0)
        return;
    CHECK(write(fd, NULLABLES, sizeof NULLABLES - 1) == (ssize_t)(sizeof NULLABLES - 1));
    close(fd);
    compare_views(path);
    unlink(path);
}

static void lazy_views_should_read_as_full_views_for_every_template_name(void)
{
    unit_each_catalogue(compare_views);
    compare_nullables();
    /* As test_view_prune: a listing that found nothing must not pass, nor a
     * comparison that never made an escaped member. */
    CHECK(compared >= 4 * 30);
    CHECK(lazy_reads > 1000);
    CHECK(const_reads > 100000);
    unit_note("# %zu views compared, %zu escaped and %zu constant members read\n", compared, lazy_reads,
              const_reads);
}

int main(void)
{
    if (unit_find_top() < 0) {
        printf("not ok view_lazy: no source tree (templates/c/target.yaml) above the binary\n");
        return 1;
    }
    char templates[PATH_MAX + 16];
    snprintf(templates, sizeof templates, "%s/templates", unit_top);
    setenv("MSGGEN_TEMPLATES", templates, 1);
    RUN(lazy_views_should_read_as_full_views_for_every_template_name);
    return unit_done();
}
