/* test_view_esc_hook.c - a lazy view's escaped members (view.h,
 * mg_view_escapes_get_memo) through the miss hook's fast paths, and the
 * escaped texts' storage.
 *
 * The hook answers a name whose memo word it has set (a name of lz_names or
 * lz2_names, or of neither) on an object that has not left it out by
 * testing for an escaped member at once, without escapes_get_slow: a test
 * made wrong there (an escaped member of a name of neither list missed, or
 * one given where the slow path gives none) would change output silently.
 * test_view_hook.c compares the memo's answers with the memo-less ones for
 * the constants' names; this does it for the names the escapes add, on every
 * object of the lazy view of every shipped catalogue and target, with one
 * memo word per name kept over every view as the engine keeps a tag's.
 *
 * Escaped texts are copied into chunks of their set (esc_texts_copy): a
 * text placed wrong (across a chunk's end, over another, without its NUL)
 * would print another text. This escapes more texts than a chunk holds and
 * one longer than a quarter of a chunk, and checks each member against the
 * full view's after all are made. Includes view.c to reach e->outs and the
 * chunk size. */
#include "../../generator/view.c"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "hmap.h"
#include "testfs.h"
#include "unit.h"
#include "catalogues.h"
#include "view_fixture.h"

/* One memo word per name, over every view (by the name's text). */
typedef struct name_memo {
    char *key;
    uint16_t memo;
} name_memo;
static mg_hmap memos;
static size_t compared, escaped;

/* The hook's answers for k with its memo word and without one. */
static int same_answer(mg_view_escapes *e, const cJSON *obj, const char *k)
{
    size_t n = strlen(k);
    uint32_t h = mg_hash_mem_seed(0, k, n);
    name_memo *nm = mg_hmap_put_str(&memos, k, NULL);
    /* Memo first, on a member not made yet: the fast path makes it. */
    const cJSON *got = mg_view_escapes_get_memo(e, obj, k, n, h, &nm->memo);
    const cJSON *again = mg_view_escapes_get_memo(e, obj, k, n, h, &nm->memo);
    const cJSON *want = mg_view_escapes_get(e, obj, k, n, h);
    compared++;
    if (want && want != &e->null_val && want != &e->false_val && want != &e->true_val &&
        want != &e->empty_list) {
        escaped++;
    }
    if (got == want && again == want)
        return 1;
    unit_note("# '%s': %s without a memo, %s and %s with memo word %u\n", k,
              want && cJSON_IsString(want) ? want->valuestring : want ? "(a constant)" : "(none)",
              got && cJSON_IsString(got) ? got->valuestring : got ? "(a constant)" : "(none)",
              again && cJSON_IsString(again) ? again->valuestring : again ? "(a constant)" : "(none)",
              (unsigned)nm->memo);
    return 0;
}

/* Every name an escape adds, and the keys they come from, on `obj`. */
static void compare_object(mg_view_escapes *e, const cJSON *obj)
{
    int bad = 0;
    for (size_t i = 0; i < mg_hmap_len(&e->outs) && bad < 4; i++) {
        const esc_out *o = mg_hmap_at(&e->outs, i);
        bad += !same_answer(e, obj, o->name);
    }
    for (int i = 0; i < e->ncands && bad < 4; i++)
        bad += !same_answer(e, obj, e->cands[i].key);
    CHECK(bad == 0);
}

/* Every object of the lazy view under `node`, each member list once. */
static void compare_tree(mg_view_escapes *e, const cJSON *node, mg_hmap *seen)
{
    int type = node->type & 0xFF;
    if ((type != cJSON_Object && type != cJSON_Array) || !node->child)
        return;
    int added = 0;
    mg_hmap_put_ptr(seen, node->child, &added);
    if (!added)
        return;
    if (type == cJSON_Object)
        compare_object(e, node);
    for (const cJSON *c = node->child; c; c = c->next)
        compare_tree(e, c, seen);
}

static void compare_target(const char *catalogue, const mg_model *m, const mg_target *t, const char *target,
                           const mg_hmap *keep, mg_diag *d)
{
    mg_view_cache *cache = mg_view_cache_new();
    mg_view_escapes *esc = NULL;
    mg_view_cache_prune(cache, keep);
    mg_view_cache_escapes_lazy(cache, &esc);
    cJSON *view = mg_view_build_cached(m, t, cache, d);
    CHECK(view != NULL && esc != NULL);
    if (view && esc) {
        int before = unit_failed_checks;
        mg_hmap seen;
        mg_hmap_init(&seen, sizeof(const void *));
        compare_tree(esc, view, &seen);
        mg_hmap_fini(&seen);
        if (unit_failed_checks != before)
            unit_note("# %s, target %s: the memo's escaped members differ\n", catalogue, target);
    }
    cJSON_Delete(view);
    mg_view_escapes_free(esc);
    mg_view_cache_free(cache);
}

static void compare_views(const char *catalogue) { unit_each_target_of(catalogue, compare_target); }

static void hook_memo_should_give_escaped_members_as_without_it(void)
{
    mg_hmap_init_str(&memos, sizeof(name_memo));
    unit_each_catalogue(compare_views);
    /* A walk that found nothing must not pass. */
    CHECK(escaped > 10000);
    unit_note("# %zu lookups compared, %zu escaped members\n", compared, escaped);
    mg_hmap_fini(&memos);
}

/* The member at `path` of a lazy view as a template reads it. */
static const cJSON *lazy_at(const cJSON *j, mg_view_escapes *esc, const char *path)
{
    char buf[256];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *tok = strtok(buf, "/"); tok && j; tok = strtok(NULL, "/")) {
        if (cJSON_IsArray(j)) {
            j = cJSON_GetArrayItem(j, atoi(tok));
            continue;
        }
        const cJSON *m = cJSON_GetObjectItemCaseSensitive(j, tok);
        size_t n = strlen(tok);
        j = m ? m : mg_view_escapes_get(esc, j, tok, n, mg_hash_mem_seed(0, tok, n));
    }
    return j;
}

#define NFIELDS 200
#define TEXT_LEN 700

static void escaped_texts_should_stay_whole_across_chunks(void)
{
    static const char *const target =
        "name: probe\n"
        "types: {string: string, integer: integer, number: number, boolean: boolean, any: any,\n"
        "        array: '{{items.type}}[]', map: 'map', ref: '{{ref.id}}'}\n"
        "helpers:\n"
        "  escapes:\n"
        "    md:\n"
        "      keys: [description]\n"
        "      code: '`'\n"
        "      pairs: [{from: '<', to: '&lt;'}]\n";
    /* NFIELDS texts of TEXT_LEN bytes, each its own (more than a chunk in
     * all), and one longer than a quarter of a chunk, after the others. */
    _Static_assert(NFIELDS * TEXT_LEN > 2 * ESC_CHUNK, "the texts fill more than two chunks");
    size_t big = ESC_CHUNK / 4 + 1000;
    mg_buf cat;
    mg_buf_init(&cat);
    mg_buf_append_str(&cat, CAT "        type: object\n        properties:\n");
    for (int i = 0; i < NFIELDS; i++) {
        mg_buf_appendf(&cat, "          f%03d: {type: string, description: '%03d <", i, i);
        for (int k = 0; k < TEXT_LEN - 6; k++)
            mg_buf_putc(&cat, (char)('a' + (i + k) % 26));
        mg_buf_append_str(&cat, "'}\n");
    }
    mg_buf_append_str(&cat, "          zbig: {type: string, description: '<");
    for (size_t k = 0; k < big; k++)
        mg_buf_putc(&cat, (char)('A' + k % 26));
    mg_buf_append_str(&cat, ">'}\n");
    fixture f;
    cJSON *eager = view_of(&f, mg_buf_cstr(&cat), target);
    mg_buf_fini(&cat);
    CHECK(eager != NULL);
    if (!eager) {
        unit_note("# %s", errs);
        fixture_fini(&f, eager);
        return;
    }
    mg_view_cache *cache = mg_view_cache_new();
    mg_view_escapes *esc = NULL;
    mg_view_cache_escapes_lazy(cache, &esc);
    cJSON *lazy = mg_view_build_cached(f.m, &f.t, cache, &f.d);
    CHECK(lazy != NULL && esc != NULL);
    int bad = 0;
    /* Two rounds: all made in the first, read again in the second (a text
     * overwritten by a later one shows then). */
    for (int round = 0; lazy && esc && round < 2; round++) {
        for (int i = 0; i <= NFIELDS && bad < 4; i++) {
            char path[64];
            snprintf(path, sizeof path, "types/0/fields/%d/description_md", i);
            const char *want = str_at(eager, path);
            const cJSON *got = lazy_at(lazy, esc, path);
            const char *g = cJSON_IsString(got) ? got->valuestring : NULL;
            if (!want || !g || strcmp(want, g) != 0) {
                bad++;
                unit_note("# round %d, %s: %.40s... (%zu bytes) in the full view, %.40s... (%zu) lazy\n", round,
                          path, want ? want : "(none)", want ? strlen(want) : 0, g ? g : "(none)",
                          g ? strlen(g) : 0);
            }
        }
    }
    CHECK(bad == 0);
    CHECK(esc && esc->texts && esc->texts->nchunks >= 3);
    const char *z = str_at(eager, "types/0/fields/200/description_md");
    CHECK(z && strlen(z) == big + 5); /* &lt; and > */
    mg_view_escapes_free(esc);
    cJSON_Delete(lazy);
    mg_view_cache_free(cache);
    fixture_fini(&f, eager);
}

/* A lazy view marks the messages' objects in the sweep of the root's
 * members, and the messages' extensions, which it does not sweep, on their
 * own: an escaped member inside one (and inside an object of one) reads as
 * the one the full view adds. */
static void escaped_members_should_read_as_added_ones_in_message_extensions(void)
{
    static const char *const target =
        "name: probe\n"
        "types: {string: string, integer: integer, number: number, boolean: boolean, any: any,\n"
        "        array: '{{items.type}}[]', map: 'map', ref: '{{ref.id}}'}\n"
        "helpers:\n"
        "  escapes:\n"
        "    md:\n"
        "      keys: [description, summary]\n"
        "      pairs: [{from: '<', to: '&lt;'}]\n";
    fixture f;
    cJSON *eager = view_of(&f,
        "asyncapi: 3.0.0\ninfo: {title: T, version: '1'}\n"
        "channels:\n  ch:\n    address: a/b\n    description: 'ch <c>'\n"
        "    messages: {m: {$ref: '#/components/messages/m'}}\n"
        "operations:\n  op: {action: send, summary: 'op <o>', channel: {$ref: '#/channels/ch'}}\n"
        "components:\n  messages:\n    m:\n"
        "      summary: 'm <m>'\n"
        "      x-note: {description: 'ext <x>', inner: {summary: 'in <y>'}, list: [{description: 'li <z>'}]}\n"
        "      payload: {type: object, properties: {p: {type: string}}}\n", target);
    CHECK(eager != NULL);
    if (!eager) {
        unit_note("# %s", errs);
        fixture_fini(&f, eager);
        return;
    }
    mg_view_cache *cache = mg_view_cache_new();
    mg_view_escapes *esc = NULL;
    mg_view_cache_escapes_lazy(cache, &esc);
    cJSON *lazy = mg_view_build_cached(f.m, &f.t, cache, &f.d);
    CHECK(lazy != NULL && esc != NULL);
    static const char *const paths[] = {
        "messages/0/summary_md", "messages/0/extensions/x-note/description_md",
        "messages/0/extensions/x-note/inner/summary_md", "messages/0/extensions/x-note/list/0/description_md",
        "operations/0/summary_md", "channels/0/description_md",
    };
    for (size_t i = 0; lazy && esc && i < sizeof paths / sizeof paths[0]; i++) {
        const char *want = str_at(eager, paths[i]);
        const cJSON *got = lazy_at(lazy, esc, paths[i]);
        const char *g = cJSON_IsString(got) ? got->valuestring : NULL;
        if (!want || !g || strcmp(want, g) != 0) {
            unit_note("# %s: %s in the full view, %s lazy\n", paths[i], want ? want : "(none)", g ? g : "(none)");
            CHECK(!"an escaped member reads as the added one");
        }
    }
    mg_view_escapes_free(esc);
    cJSON_Delete(lazy);
    mg_view_cache_free(cache);
    fixture_fini(&f, eager);
}

int main(void)
{
    if (unit_find_top() < 0) {
        printf("not ok view_esc_hook: no source tree (templates/c/target.yaml) above the binary\n");
        return 1;
    }
    char templates[PATH_MAX + 16];
    snprintf(templates, sizeof templates, "%s/templates", unit_top);
    setenv("MSGGEN_TEMPLATES", templates, 1);
    RUN(escaped_texts_should_stay_whole_across_chunks);
    RUN(escaped_members_should_read_as_added_ones_in_message_extensions);
    RUN(hook_memo_should_give_escaped_members_as_without_it);
    return unit_done();
}
