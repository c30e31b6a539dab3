/* test_view_names.c - what the views of a cache share to save memory (view.c:
 * shared_name, view_name, add_example_json) reads as the view without it.
 *
 * A 10 000-message generate holds the cache and one target's view at a time;
 * name objects alike (a field `userId` in every type) are one object there,
 * referred to from every place, and the lines of example texts that no
 * template of a pruned view reads are not made. A name shared wrong (another
 * name's casings, an escape of another name) or a member left out that a
 * template reads would change output silently: these build the views with
 * and without the sharing and compare what templates read. Includes view.c
 * to count the cache's name objects. */
#include "../../generator/view.c"
#include "testfs.h"
#include "unit.h"
#include "view_fixture.h"

/* Two payloads with a field of one name (and a type named almost like a
 * field). */
static const char *const TWO =
    "asyncapi: 3.0.0\ninfo: {title: T, version: '1'}\n"
    "components:\n"
    "  messages:\n"
    "    m:\n"
    "      payload: {$ref: '#/components/schemas/Alpha'}\n"
    "      examples:\n"
    "        - {name: one, payload: {userId: 'u1', alpha: 'x'}}\n"
    "    n:\n"
    "      payload: {$ref: '#/components/schemas/Beta'}\n"
    "  schemas:\n"
    "    Alpha:\n"
    "      type: object\n"
    "      properties: {userId: {type: string}, alpha: {type: string}, beta: {$ref: '#/components/schemas/Beta'}}\n"
    "    Beta:\n"
    "      type: object\n"
    "      properties: {userId: {type: integer}, beta: {type: string}}\n";

static const char *const PLAIN =
    "name: probe\n"
    "types: {string: string, integer: integer, number: number, boolean: boolean, any: any,\n"
    "        array: '{{items.type}}[]', map: 'map', ref: '{{ref.id}}'}\n";

/* A target escaping a key of names (as markdown's `slug` escapes `raw`). */
static const char *const SLUG =
    "name: probe\n"
    "types: {string: string, integer: integer, number: number, boolean: boolean, any: any,\n"
    "        array: '{{items.type}}[]', map: 'map', ref: '{{ref.id}}'}\n"
    "helpers:\n"
    "  escapes:\n"
    "    slug:\n"
    "      keys: [raw]\n"
    "      pairs: [{from: 'I', to: '-i'}, {from: 'a', to: 'A'}]\n";

/* The type of `view` whose raw name is `raw`, or NULL. */
static const cJSON *type_named(const cJSON *view, const char *raw)
{
    const cJSON *t;
    cJSON_ArrayForEach(t, mg_json_get(view, "types")) {
        const char *r = str_at(t, "name/raw");
        if (r && strcmp(r, raw) == 0)
            return t;
    }
    return NULL;
}

/* The `name` object of field `field` of type `type`, or NULL. */
static const cJSON *field_name(const cJSON *view, const char *type, const char *field)
{
    const cJSON *f;
    cJSON_ArrayForEach(f, mg_json_get(type_named(view, type), "fields")) {
        const char *r = str_at(f, "name/raw");
        if (r && strcmp(r, field) == 0)
            return mg_json_get(f, "name");
    }
    return NULL;
}

static int same_print(const cJSON *a, const cJSON *b)
{
    char *pa = mg_view_print_new(a), *pb = mg_view_print_new(b);
    int same = pa && pb && strcmp(pa, pb) == 0;
    if (!same)
        unit_note("# the views differ:\n%.600s\n# ---\n%.600s\n", pa ? pa : "(null)", pb ? pb : "(null)");
    free(pa);
    free(pb);
    return same;
}

static void names_alike_should_share_one_cached_object(void)
{
    fixture f;
    cJSON *plain = view_of(&f, TWO, PLAIN);
    CHECK(plain != NULL);
    if (!plain) {
        unit_note("# %s", errs);
        fixture_fini(&f, plain);
        return;
    }
    mg_view_cache *c = mg_view_cache_new();
    cJSON *v1 = mg_view_build_cached(f.m, &f.t, c, &f.d);
    cJSON *v2 = mg_view_build_cached(f.m, &f.t, c, &f.d);
    CHECK(v1 && v2);
    /* Every target reads what the view without a cache has. */
    CHECK(same_print(plain, v1));
    CHECK(same_print(plain, v2));
    const cJSON *a = field_name(v1, "Alpha", "userId"), *b = field_name(v1, "Beta", "userId");
    const cJSON *beta = field_name(v1, "Alpha", "beta"), *beta2 = field_name(v1, "Beta", "beta");
    CHECK(a && b && beta && beta2);
    if (a && b && beta && beta2) {
        /* One member list for the two fields named userId (and for the two
         * named beta), another for each other name. */
        CHECK(a->child == b->child);
        CHECK(beta->child == beta2->child);
        CHECK(a->child != beta->child);
        CHECK_STR(str_at(b, "raw"), "userId");
        CHECK_STR(str_at(b, "snake"), "user_id");
        CHECK_STR(str_at(beta, "pascal"), "Beta");
        /* The type Beta and the field beta differ in their raw casing. */
        CHECK(mg_json_get(type_named(v1, "Beta"), "name")->child != beta->child);
        CHECK_STR(str_at(mg_json_get(type_named(v1, "Beta"), "name"), "raw"), "Beta");
    }
    /* Names of the model: the catalogue, 2 types, 5 fields, 2 messages;
     * texts: T, Alpha, Beta, userId, alpha, beta, m, n. */
    CHECK_INT(mg_hmap_len(&c->name_texts), 8);
    CHECK(mg_hmap_len(&c->names) > mg_hmap_len(&c->name_texts));
    cJSON_Delete(v1);
    cJSON_Delete(v2);
    mg_view_cache_free(c);
    fixture_fini(&f, plain);
}

/* The member at `path` of a lazy view as a template reads it (as in
 * test_view_escapes.c). */
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

static void escaped_names_alike_should_share_within_a_lazy_view(void)
{
    fixture f;
    cJSON *plain = view_of(&f, TWO, SLUG);
    CHECK(plain != NULL);
    if (!plain) {
        unit_note("# %s", errs);
        fixture_fini(&f, plain);
        return;
    }
    mg_view_cache *eager_cache = mg_view_cache_new(), *lazy_cache = mg_view_cache_new();
    mg_view_escapes *esc = NULL;
    mg_view_cache_escapes_lazy(lazy_cache, &esc);
    cJSON *eager = mg_view_build_cached(f.m, &f.t, eager_cache, &f.d);
    cJSON *lazy = mg_view_build_cached(f.m, &f.t, lazy_cache, &f.d);
    CHECK(eager && lazy && esc);
    if (!eager || !lazy || !esc)
        goto done;
    CHECK(same_print(plain, eager));
    /* The eager view adds raw_slug to each name object: each its own. */
    const cJSON *ea = field_name(eager, "Alpha", "userId"), *eb = field_name(eager, "Beta", "userId");
    CHECK(ea && eb && ea->child != eb->child);
    CHECK_STR(str_at(ea, "raw_slug"), "user-id");
    CHECK_STR(str_at(eb, "raw_slug"), "user-id");
    /* The lazy view leaves fields' names to its hook (deferred_get, made
     * when read); names alike elsewhere are one object, made at the first,
     * referred to by the others (type Beta's own and the reference to it
     * from Alpha's field beta), and each reads its escape through the lazy
     * view. */
    CHECK(mg_json_get(at(lazy, "types/0/fields/0"), "name") == NULL);
    const cJSON *la = mg_json_get(type_named(lazy, "Beta"), "name"), *lb = at(lazy, "types/0/fields/2/ref/name");
    CHECK(la && lb);
    if (la && lb) {
        CHECK(la->child == lb->child);
        CHECK((la->type & cJSON_IsReference) != (lb->type & cJSON_IsReference));
    }
    static const char *const paths[] = {
        "types/0/fields/0/name/raw_slug", "types/0/fields/1/name/raw_slug", "types/0/fields/2/name/raw_slug",
        "types/1/fields/0/name/raw_slug", "types/1/fields/1/name/raw_slug", "types/0/name/raw_slug",
        "types/1/name/raw_slug",          "messages/0/name/raw_slug",       "messages/0/payload/ref/name/raw_slug",
        "messages/1/payload/ref/name/raw_slug", "types/0/fields/2/ref/name/raw_slug", "catalogue/name/raw_slug",
    };
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
        const cJSON *x = at(eager, paths[i]), *y = lazy_at(lazy, esc, paths[i]);
        if (!cJSON_IsString(x) || !cJSON_IsString(y) || strcmp(x->valuestring, y->valuestring) != 0) {
            unit_note("# %s: eager %s, lazy %s\n", paths[i], cJSON_IsString(x) ? x->valuestring : "(none)",
                      cJSON_IsString(y) ? y->valuestring : "(none)");
            CHECK(!"the lazy view reads a name's escape as the eager one");
        }
    }
    CHECK_STR(str_at(eager, "types/1/name/raw_slug"), "BetA");
done:
    cJSON_Delete(eager);
    cJSON_Delete(lazy);
    mg_view_escapes_free(esc);
    mg_view_cache_free(eager_cache);
    mg_view_cache_free(lazy_cache);
    fixture_fini(&f, plain);
}

/* A catalogue whose channel and operation list its messages (link_messages). */
static const char *const LINKED =
    "asyncapi: 3.0.0\ninfo: {title: T, version: '1'}\n"
    "channels:\n"
    "  userSignedUp:\n"
    "    address: user/signedup\n"
    "    messages:\n"
    "      signUp: {$ref: '#/components/messages/signUp'}\n"
    "operations:\n"
    "  sendSignUp:\n"
    "    action: send\n"
    "    channel: {$ref: '#/channels/userSignedUp'}\n"
    "    messages: [{$ref: '#/channels/userSignedUp/messages/signUp'}]\n"
    "components:\n"
    "  messages:\n"
    "    signUp:\n"
    "      name: IdentitySignal\n"
    "      payload: {type: object, properties: {a: {type: string}}}\n";

/* The links to a message (an operation's, a channel's messages) in a lazy
 * view refer to the message's name object (no copy of its seven nodes per
 * link) and read its escapes as the eager view's copies. */
static void message_links_should_share_the_message_name_in_a_lazy_view(void)
{
    fixture f;
    cJSON *plain = view_of(&f, LINKED, SLUG);
    CHECK(plain != NULL);
    if (!plain) {
        unit_note("# %s", errs);
        fixture_fini(&f, plain);
        return;
    }
    mg_view_cache *eager_cache = mg_view_cache_new(), *lazy_cache = mg_view_cache_new();
    mg_view_escapes *esc = NULL;
    mg_view_cache_escapes_lazy(lazy_cache, &esc);
    cJSON *eager = mg_view_build_cached(f.m, &f.t, eager_cache, &f.d);
    cJSON *lazy = mg_view_build_cached(f.m, &f.t, lazy_cache, &f.d);
    CHECK(eager && lazy && esc);
    if (!eager || !lazy || !esc)
        goto done;
    CHECK(same_print(plain, eager));
    const cJSON *name = mg_json_get(at(lazy, "messages/0"), "name");
    static const char *const links[] = {"operations/0/messages/0/name", "channels/0/messages/0/name"};
    for (size_t i = 0; i < 2; i++) {
        const cJSON *l = at(lazy, links[i]);
        CHECK(name && l && (l->type & cJSON_IsReference) && l->child == name->child);
        char path[96];
        snprintf(path, sizeof path, "%s/raw_slug", links[i]);
        const cJSON *x = at(eager, path), *y = lazy_at(lazy, esc, path);
        if (!cJSON_IsString(x) || !cJSON_IsString(y) || strcmp(x->valuestring, y->valuestring) != 0) {
            unit_note("# %s: eager %s, lazy %s\n", path, cJSON_IsString(x) ? x->valuestring : "(none)",
                      cJSON_IsString(y) ? y->valuestring : "(none)");
            CHECK(!"a link reads the message name's escape as the eager copy");
        }
    }
    CHECK_STR(str_at(eager, "operations/0/messages/0/name/raw_slug"), "-identitySignAl");
done:
    cJSON_Delete(eager);
    cJSON_Delete(lazy);
    mg_view_escapes_free(esc);
    mg_view_cache_free(eager_cache);
    mg_view_cache_free(lazy_cache);
    fixture_fini(&f, plain);
}

/* Counts the cache's line lists of printed values. */
static size_t cached_lines(const mg_view_cache *c)
{
    size_t n = 0;
    for (size_t i = 0; i < mg_hmap_len(&c->texts); i++)
        n += ((const text_ent *)mg_hmap_at(&c->texts, i))->lines != NULL;
    return n;
}

static void example_lines_should_be_made_only_when_kept(void)
{
    fixture f;
    cJSON *plain = view_of(&f, TWO, PLAIN);
    CHECK(plain != NULL);
    if (!plain) {
        unit_note("# %s", errs);
        fixture_fini(&f, plain);
        return;
    }
    const cJSON *want = at(plain, "messages/0/examples/0/json_lines");
    CHECK(cJSON_GetArraySize(want) == 4); /* {, "userId": ..., "alpha": ..., } */
    mg_hmap keep;
    mg_hmap_init_str(&keep, sizeof(char *));
    /* The templates read examples (without them, a pruned view has none). */
    mg_hmap_put_str(&keep, "examples", NULL);
    mg_view_cache *c = mg_view_cache_new();
    /* Pruned without json_lines: none made, none in the view. */
    mg_view_cache_prune(c, &keep);
    cJSON *v1 = mg_view_build_cached(f.m, &f.t, c, &f.d);
    CHECK(v1 != NULL);
    CHECK(at(v1, "messages/0/examples/0/json") != NULL);
    CHECK(at(v1, "messages/0/examples/0/json_lines") == NULL);
    CHECK_INT(cached_lines(c), 0);
    /* Kept: the full view's lines, made once for the targets that keep them. */
    mg_hmap_put_str(&keep, "json_lines", NULL);
    mg_view_cache_prune(c, &keep);
    cJSON *v2 = mg_view_build_cached(f.m, &f.t, c, &f.d);
    CHECK(v2 != NULL);
    CHECK(cJSON_Compare(at(v2, "messages/0/examples/0/json_lines"), want, 1));
    CHECK_INT(cached_lines(c), 1);
    /* The full view (msggen view, the fallback render) has them too. */
    mg_view_cache_prune(c, NULL);
    cJSON *v3 = mg_view_build_cached(f.m, &f.t, c, &f.d);
    CHECK(v3 && same_print(plain, v3));
    cJSON_Delete(v1);
    cJSON_Delete(v2);
    cJSON_Delete(v3);
    mg_view_cache_free(c);
    mg_hmap_fini(&keep);
    fixture_fini(&f, plain);
}

int main(void)
{
    RUN(names_alike_should_share_one_cached_object);
    RUN(escaped_names_alike_should_share_within_a_lazy_view);
    RUN(message_links_should_share_the_message_name_in_a_lazy_view);
    RUN(example_lines_should_be_made_only_when_kept);
    return unit_done();
}
