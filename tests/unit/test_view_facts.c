/* test_view_facts.c - a lazy view's type-info constants made once per set
 * of facts (view.c, ti_memo) read as the full view's members.
 *
 * type_info_members keeps, per view, the bit sets of a type info's thirty
 * constants (is_string, nullable, has_format, recursive, tuple_exact, ...)
 * by the facts of its reference (ti_facts), and copies them for the next
 * reference with the same facts. A fact left out of ti_facts would give a
 * reference the constants of another that differs only there, silently.
 * This builds, for every shipped target, the full view and a lazy view (not
 * pruned: every name is built) of a catalogue whose fields come in pairs
 * that differ in one fact each, the first of a pair met first (so that the
 * second would find the first's memo), and compares every known constant
 * name of every field, option, item and alias target, and every name the
 * target's escapes add (a missing description and its escapes are
 * constants too: add_no_description); then the same for every shipped
 * catalogue. Includes view.c to read the known names. */
#include "../../generator/view.c"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "unit.h"
#include "catalogues.h"

static const char FACTS[] =
    "asyncapi: 3.0.0\n"
    "info: {title: facts, version: \"1\"}\n"
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
    "    O: {type: object, properties: {x: {type: integer}}}\n"
    "    E: {type: string, enum: [a, b]}\n"
    "    U: {oneOf: [{type: string}, {type: integer}]}\n"
    "    A: {type: string, format: date-time}\n"
    "    R:\n"
    "      type: object\n"
    "      properties:\n"
    "        other: {$ref: '#/components/schemas/O'}\n"
    "        next: {$ref: '#/components/schemas/R'}\n"
    "    P:\n"
    "      type: object\n"
    "      properties:\n"
    "        s: {type: string}\n"
    "        s_format: {type: string, format: date-time}\n"
    "        s_null: {type: [string, \"null\"]}\n"
    "        s_const: {type: string, const: x}\n"
    "        s_enum: {type: string, enum: [a, b]}\n"
    "        i: {type: integer}\n"
    "        n: {type: number}\n"
    "        b: {type: boolean}\n"
    "        any: {}\n"
    "        list: {type: array, items: {type: string}}\n"
    "        list2: {type: array}\n"
    "        tuple_open: {type: array, items: [{type: string}]}\n"
    "        tuple_closed: {type: array, items: [{type: string}], additionalItems: false}\n"
    "        tuple_exact: {type: array, items: [{type: string}], additionalItems: false, minItems: 1}\n"
    "        tuple_rest: {type: array, items: [{type: string}], additionalItems: {type: integer}}\n"
    "        map: {type: object, additionalProperties: {type: integer}}\n"
    "        map_keys:\n"
    "          type: object\n"
    "          patternProperties: {\"^a\": {type: integer}}\n"
    "          additionalProperties: false\n"
    "        o: {$ref: '#/components/schemas/O'}\n"
    "        e: {$ref: '#/components/schemas/E'}\n"
    "        u: {$ref: '#/components/schemas/U'}\n"
    "        a: {$ref: '#/components/schemas/A'}\n"
    "        r: {$ref: '#/components/schemas/R'}\n";

static size_t compared, objects, escaped;

/* The names the target's escapes add (KEY_NAME, helpers.escapes), besides
 * lz_names: a missing description's are constants in a lazy view too. */
#define MAX_OUTS 64
static char outs[MAX_OUTS][96];
static int nouts;

static void escape_outs(const mg_target *t)
{
    nouts = 0;
    const cJSON *rule;
    cJSON_ArrayForEach(rule, mg_json_get(mg_json_get(t->desc, "helpers"), "escapes")) {
        const cJSON *k;
        cJSON_ArrayForEach(k, mg_json_get(rule, "keys"))
            if (cJSON_IsString(k) && nouts < MAX_OUTS)
                snprintf(outs[nouts++], sizeof outs[0], "%s_%s", k->valuestring, rule->string);
    }
}

/* The lazy view's member `k` of `obj`: its own, or the constant left out. */
static const cJSON *lazy_get(mg_view_escapes *esc, const cJSON *obj, const char *k)
{
    const cJSON *own = cJSON_GetObjectItemCaseSensitive(obj, k);
    if (own)
        return own;
    size_t n = strlen(k);
    return mg_view_escapes_get(esc, obj, k, n, mg_hash_mem_seed(0, k, n));
}

/* Compares every known name of the type info `x` (full) and `y` (lazy),
 * then their items, values, tuple positions and the type's options,
 * fields and alias target below. */
static void compare_infos(const cJSON *x, const cJSON *y, mg_view_escapes *esc, const char *target,
                          const char *where)
{
    if (!cJSON_IsObject(x) || !cJSON_IsObject(y))
        return;
    objects++;
    for (int i = 0; i < LZ_NNAMES + nouts; i++) {
        const char *name = i < LZ_NNAMES ? lz_names[i] : outs[i - LZ_NNAMES];
        const cJSON *a = cJSON_GetObjectItemCaseSensitive(x, name);
        const cJSON *b = lazy_get(esc, y, name);
        if (!a && !b)
            continue;
        compared++;
        escaped += i >= LZ_NNAMES;
        int same = a && b && (cJSON_IsObject(a) || cJSON_IsArray(a) ? (a->type & 0xFF) == (b->type & 0xFF)
                                                                    : cJSON_Compare(a, b, 1));
        if (!same) {
            unit_note("# target %s, %s: '%s' is %s in the full view, %s in the lazy one\n", target, where,
                      name, a ? cJSON_PrintUnformatted(a) : "missing",
                      b ? cJSON_PrintUnformatted(b) : "missing");
            CHECK(!"a type info's constants read as the full view's");
        }
    }
    static const char *const below[] = {"items", "values", "additional", "target"};
    for (size_t k = 0; k < sizeof below / sizeof *below; k++)
        compare_infos(cJSON_GetObjectItemCaseSensitive(x, below[k]), lazy_get(esc, y, below[k]), esc, target,
                      below[k]);
    static const char *const lists[] = {"tuple", "options", "fields"};
    for (size_t k = 0; k < sizeof lists / sizeof *lists; k++) {
        const cJSON *a = cJSON_GetObjectItemCaseSensitive(x, lists[k]), *b = lazy_get(esc, y, lists[k]);
        const cJSON *p = a ? a->child : NULL, *q = b && cJSON_IsArray(b) ? b->child : NULL;
        for (; p && q; p = p->next, q = q->next) {
            const cJSON *name = cJSON_GetObjectItemCaseSensitive(p, "name");
            const cJSON *raw = cJSON_GetObjectItemCaseSensitive(name, "raw");
            compare_infos(p, q, esc, target, cJSON_IsString(raw) ? raw->valuestring : lists[k]);
        }
        CHECK(!p && !q); /* as many in both */
    }
}

static void compare_target(const char *catalogue, const mg_model *m, const mg_target *t, const char *target,
                           const mg_hmap *keep, mg_diag *d)
{
    (void)catalogue;
    (void)keep;
    mg_view_cache *full_cache = mg_view_cache_new(), *lazy_cache = mg_view_cache_new();
    mg_view_escapes *esc = NULL;
    escape_outs(t);
    mg_view_cache_escapes_lazy(lazy_cache, &esc); /* not pruned: every name is built */
    cJSON *full = mg_view_build_cached(m, t, full_cache, d);
    cJSON *lazy = mg_view_build_cached(m, t, lazy_cache, d);
    CHECK(full != NULL && lazy != NULL && esc != NULL);
    if (full && lazy && esc) {
        const cJSON *p = cJSON_GetObjectItemCaseSensitive(full, "types")->child;
        const cJSON *q = cJSON_GetObjectItemCaseSensitive(lazy, "types")->child;
        for (; p && q; p = p->next, q = q->next)
            compare_infos(p, q, esc, target, "a type");
    }
    mg_view_escapes_free(esc);
    cJSON_Delete(full);
    cJSON_Delete(lazy);
    mg_view_cache_free(full_cache);
    mg_view_cache_free(lazy_cache);
}

static void compare_catalogue(const char *catalogue) { unit_each_target_of(catalogue, compare_target); }

static void type_info_constants_should_follow_every_fact_of_the_reference(void)
{
    const char *tmp = getenv("TMPDIR");
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/msggen-test-view-facts-XXXXXX.yaml", tmp && *tmp ? tmp : "/tmp");
    int fd = mkstemps(path, 5);
    CHECK(fd >= 0);
    if (fd < 0)
        return;
    CHECK(write(fd, FACTS, sizeof FACTS - 1) == (ssize_t)(sizeof FACTS - 1));
    close(fd);
    unit_each_target_of(path, compare_target);
    unlink(path);
    /* And the shipped catalogues, whose type infos meet in other orders. */
    unit_each_catalogue(compare_catalogue);
    /* A walk that found nothing must not pass: 4 targets, 30 type infos
     * and more each, some thirty names each. */
    CHECK(objects >= 4 * 30);
    CHECK(compared >= 4 * 30 * 25);
    CHECK(escaped > 100);
    unit_note("# %zu type infos, %zu constants compared (%zu escaped)\n", objects, compared, escaped);
}

int main(void)
{
    if (unit_find_top() < 0) {
        printf("not ok view_facts: no source tree (templates/c/target.yaml) above the binary\n");
        return 1;
    }
    char templates[PATH_MAX + 16];
    snprintf(templates, sizeof templates, "%s/templates", unit_top);
    setenv("MSGGEN_TEMPLATES", templates, 1);
    RUN(type_info_constants_should_follow_every_fact_of_the_reference);
    return unit_done();
}
