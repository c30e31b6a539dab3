/* typo.c - likely misspelt keywords, by object kind.
 *
 * Each kind lists every member name any supported version allows, and which
 * members hold objects of which kind (one, a map of them, or a list), so the
 * walk knows what a node is without knowing the version: the lists are
 * unions over versions, which is what keeps a valid keyword of one version
 * from being reported while reading another.
 */
#include "typo.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hmap.h"
#include "resolve.h"
#include "util.h"

typedef enum {
    K_NONE, K_ROOT2, K_ROOT3, K_INFO, K_CONTACT, K_LICENSE, K_SERVER, K_SERVERVAR, K_CHANNEL2,
    K_CHANNEL3, K_OPERATION2, K_OPERATION3, K_OPTRAIT, K_MESSAGE, K_MSGSLOT, K_PARAMETER,
    K_COMPONENTS, K_SECSCHEME, K_TAG, K_EXTDOCS, K_CORRID, K_REPLY, K_REPLYADDR, K_SCHEMA
} kind;

typedef enum { ONE, MAP, LIST, ONE_OR_LIST, MAP_OR_LIST } shape;

typedef struct child {
    const char *key;
    kind kind;
    shape shape;
} child;

typedef struct kdef {
    const char *name;
    const char *const *keys;
    const child *children;
} kdef;

#define END NULL

static const char *const root_keys[] = {"asyncapi", "id", "info", "servers", "defaultContentType", "channels",
                                        "components", "tags", "externalDocs", "operations", END};
static const child root2_children[] = {{"info", K_INFO, ONE}, {"servers", K_SERVER, MAP},
                                       {"channels", K_CHANNEL2, MAP}, {"components", K_COMPONENTS, ONE},
                                       {"tags", K_TAG, LIST}, {"externalDocs", K_EXTDOCS, ONE}, {END, 0, 0}};
static const child root3_children[] = {{"info", K_INFO, ONE}, {"servers", K_SERVER, MAP},
                                       {"channels", K_CHANNEL3, MAP}, {"operations", K_OPERATION3, MAP},
                                       {"components", K_COMPONENTS, ONE}, {"tags", K_TAG, LIST},
                                       {"externalDocs", K_EXTDOCS, ONE}, {END, 0, 0}};
static const char *const info_keys[] = {"title", "version", "description", "termsOfService", "contact",
                                        "license", "tags", "externalDocs", END};
static const child info_children[] = {{"contact", K_CONTACT, ONE}, {"license", K_LICENSE, ONE},
                                      {"tags", K_TAG, LIST}, {"externalDocs", K_EXTDOCS, ONE}, {END, 0, 0}};
static const char *const contact_keys[] = {"name", "url", "email", END};
static const char *const license_keys[] = {"name", "url", "identifier", END};
static const char *const server_keys[] = {"url", "host", "protocol", "protocolVersion", "pathname",
                                          "description", "title", "summary", "variables", "security",
                                          "tags", "externalDocs", "bindings", END};
static const child server_children[] = {{"variables", K_SERVERVAR, MAP}, {"tags", K_TAG, LIST},
                                        {"externalDocs", K_EXTDOCS, ONE}, {END, 0, 0}};
static const char *const servervar_keys[] = {"enum", "default", "description", "examples", END};
static const char *const channel2_keys[] = {"description", "servers", "subscribe", "publish", "parameters",
                                            "bindings", END};
static const child channel2_children[] = {{"subscribe", K_OPERATION2, ONE}, {"publish", K_OPERATION2, ONE},
                                          {"parameters", K_PARAMETER, MAP}, {END, 0, 0}};
static const char *const channel3_keys[] = {"address", "messages", "title", "summary", "description",
                                            "servers", "parameters", "tags", "externalDocs", "bindings", END};
static const child channel3_children[] = {{"messages", K_MESSAGE, MAP}, {"parameters", K_PARAMETER, MAP},
                                          {"tags", K_TAG, LIST}, {"externalDocs", K_EXTDOCS, ONE}, {END, 0, 0}};
static const char *const operation_keys[] = {"operationId", "action", "channel", "title", "summary",
                                             "description", "security", "tags", "externalDocs", "bindings",
                                             "traits", "message", "messages", "reply", END};
static const child operation2_children[] = {{"traits", K_OPTRAIT, LIST}, {"message", K_MSGSLOT, ONE},
                                            {"tags", K_TAG, LIST}, {"externalDocs", K_EXTDOCS, ONE}, {END, 0, 0}};
static const child operation3_children[] = {{"traits", K_OPTRAIT, LIST}, {"reply", K_REPLY, ONE},
                                            {"tags", K_TAG, LIST}, {"externalDocs", K_EXTDOCS, ONE}, {END, 0, 0}};
static const child optrait_children[] = {{"tags", K_TAG, LIST}, {"externalDocs", K_EXTDOCS, ONE}, {END, 0, 0}};
static const char *const message_keys[] = {"messageId", "headers", "payload", "correlationId", "schemaFormat",
                                           "contentType", "name", "title", "summary", "description", "tags",
                                           "externalDocs", "bindings", "examples", "traits", "deprecated", END};
static const child message_children[] = {{"headers", K_SCHEMA, ONE}, {"payload", K_SCHEMA, ONE},
                                         {"correlationId", K_CORRID, ONE}, {"traits", K_MESSAGE, LIST},
                                         {"tags", K_TAG, LIST}, {"externalDocs", K_EXTDOCS, ONE}, {END, 0, 0}};
static const char *const parameter_keys[] = {"enum", "default", "description", "examples", "location",
                                             "schema", END};
static const child parameter_children[] = {{"schema", K_SCHEMA, ONE}, {END, 0, 0}};
static const char *const components_keys[] = {
    "schemas", "servers", "channels", "operations", "messages", "securitySchemes", "serverVariables",
    "parameters", "correlationIds", "operationTraits", "messageTraits", "serverBindings", "channelBindings",
    "operationBindings", "messageBindings", "replies", "replyAddresses", "externalDocs", "tags", END};
static const child components2_children[] = {
    {"schemas", K_SCHEMA, MAP}, {"servers", K_SERVER, MAP}, {"channels", K_CHANNEL2, MAP},
    {"messages", K_MESSAGE, MAP}, {"securitySchemes", K_SECSCHEME, MAP}, {"serverVariables", K_SERVERVAR, MAP},
    {"parameters", K_PARAMETER, MAP}, {"correlationIds", K_CORRID, MAP}, {"operationTraits", K_OPTRAIT, MAP},
    {"messageTraits", K_MESSAGE, MAP}, {END, 0, 0}};
static const child components3_children[] = {
    {"schemas", K_SCHEMA, MAP}, {"servers", K_SERVER, MAP}, {"channels", K_CHANNEL3, MAP},
    {"operations", K_OPERATION3, MAP}, {"messages", K_MESSAGE, MAP}, {"securitySchemes", K_SECSCHEME, MAP},
    {"serverVariables", K_SERVERVAR, MAP}, {"parameters", K_PARAMETER, MAP},
    {"correlationIds", K_CORRID, MAP}, {"operationTraits", K_OPTRAIT, MAP},
    {"messageTraits", K_MESSAGE, MAP}, {"replies", K_REPLY, MAP}, {"replyAddresses", K_REPLYADDR, MAP},
    {"externalDocs", K_EXTDOCS, MAP}, {"tags", K_TAG, MAP}, {END, 0, 0}};
static const char *const secscheme_keys[] = {"type", "description", "name", "in", "scheme", "bearerFormat",
                                             "flows", "openIdConnectUrl", "scopes", END};
static const char *const tag_keys[] = {"name", "description", "externalDocs", END};
static const child tag_children[] = {{"externalDocs", K_EXTDOCS, ONE}, {END, 0, 0}};
static const char *const extdocs_keys[] = {"description", "url", END};
static const char *const corrid_keys[] = {"description", "location", END};
static const char *const reply_keys[] = {"address", "channel", "messages", END};
static const child reply_children[] = {{"address", K_REPLYADDR, ONE}, {END, 0, 0}};
static const char *const replyaddr_keys[] = {"description", "location", END};

/* JSON Schema draft-04, -06, -07, 2019-09 and 2020-12, AsyncAPI's additions
 * (discriminator, externalDocs, deprecated, example) and OpenAPI 3.0's. */
static const char *const schema_keys[] = {
    "$schema", "$id", "id", "$ref", "$comment", "$defs", "definitions", "$anchor", "$dynamicRef",
    "$dynamicAnchor", "$recursiveRef", "$recursiveAnchor", "$vocabulary", "title", "description",
    "default", "examples", "example", "readOnly", "writeOnly", "deprecated", "type", "enum", "const",
    "multipleOf", "maximum", "exclusiveMaximum", "minimum", "exclusiveMinimum", "maxLength", "minLength",
    "pattern", "items", "additionalItems", "prefixItems", "maxItems", "minItems", "uniqueItems", "contains",
    "maxContains", "minContains", "maxProperties", "minProperties", "required", "properties",
    "patternProperties", "additionalProperties", "dependencies", "dependentRequired", "dependentSchemas",
    "propertyNames", "unevaluatedItems", "unevaluatedProperties", "allOf", "anyOf", "oneOf", "not", "if",
    "then", "else", "format", "contentEncoding", "contentMediaType", "contentSchema", "discriminator",
    "externalDocs", "nullable", "xml", END};
static const child schema_children[] = {
    {"properties", K_SCHEMA, MAP}, {"patternProperties", K_SCHEMA, MAP}, {"definitions", K_SCHEMA, MAP},
    {"$defs", K_SCHEMA, MAP}, {"dependentSchemas", K_SCHEMA, MAP}, {"dependencies", K_SCHEMA, MAP},
    {"items", K_SCHEMA, ONE_OR_LIST}, {"prefixItems", K_SCHEMA, LIST}, {"additionalItems", K_SCHEMA, ONE},
    {"additionalProperties", K_SCHEMA, ONE}, {"contains", K_SCHEMA, ONE}, {"propertyNames", K_SCHEMA, ONE},
    {"unevaluatedItems", K_SCHEMA, ONE}, {"unevaluatedProperties", K_SCHEMA, ONE}, {"not", K_SCHEMA, ONE},
    {"if", K_SCHEMA, ONE}, {"then", K_SCHEMA, ONE}, {"else", K_SCHEMA, ONE}, {"contentSchema", K_SCHEMA, ONE},
    {"allOf", K_SCHEMA, LIST}, {"anyOf", K_SCHEMA, LIST}, {"oneOf", K_SCHEMA, LIST},
    {"externalDocs", K_EXTDOCS, ONE}, {END, 0, 0}};
static const char *const msgslot_keys[] = {END};
static const child none_children[] = {{END, 0, 0}};

static const kdef kinds[] = {
    [K_NONE] = {"none", msgslot_keys, none_children},
    [K_ROOT2] = {"asyncapi", root_keys, root2_children},
    [K_ROOT3] = {"asyncapi", root_keys, root3_children},
    [K_INFO] = {"info", info_keys, info_children},
    [K_CONTACT] = {"contact", contact_keys, none_children},
    [K_LICENSE] = {"license", license_keys, none_children},
    [K_SERVER] = {"server", server_keys, server_children},
    [K_SERVERVAR] = {"server variable", servervar_keys, none_children},
    [K_CHANNEL2] = {"channel", channel2_keys, channel2_children},
    [K_CHANNEL3] = {"channel", channel3_keys, channel3_children},
    [K_OPERATION2] = {"operation", operation_keys, operation2_children},
    [K_OPERATION3] = {"operation", operation_keys, operation3_children},
    [K_OPTRAIT] = {"operation trait", operation_keys, optrait_children},
    [K_MESSAGE] = {"message", message_keys, message_children},
    [K_MSGSLOT] = {"message", message_keys, message_children},
    [K_PARAMETER] = {"parameter", parameter_keys, parameter_children},
    [K_COMPONENTS] = {"components", components_keys, components3_children},
    [K_SECSCHEME] = {"security scheme", secscheme_keys, none_children},
    [K_TAG] = {"tag", tag_keys, tag_children},
    [K_EXTDOCS] = {"externalDocs", extdocs_keys, none_children},
    [K_CORRID] = {"correlationId", corrid_keys, none_children},
    [K_REPLY] = {"reply", reply_keys, reply_children},
    [K_REPLYADDR] = {"reply address", replyaddr_keys, none_children},
    [K_SCHEMA] = {"schema", schema_keys, schema_children},
};

/* ---- keyword ids -------------------------------------------------------
 *
 * A schema node was checked by comparing each member with up to 70 keywords,
 * and its 23 child members were each looked up by a scan of the node: 77 000
 * strcmp calls for the worker-backend catalogue. Instead every keyword of the
 * tables above gets a small id once (a string hash table); a member's key is
 * hashed once, and its id says whether the kind knows it (a bit set per kind)
 * and which child entry it is (an id per entry, in each children list). */

#define NKINDS (sizeof kinds / sizeof *kinds)
#define MAX_IDS 256 /* more than the distinct keywords above */
#define ID_SLOTS 1024 /* the hash table: a power of two, well over MAX_IDS */
#define MAX_CHILDREN 32

static struct {
    int ready;
    const char *slot_key[ID_SLOTS];
    int slot_id[ID_SLOTS];
    int nids;
    uint64_t known[NKINDS][MAX_IDS / 64];
    /* Per children list (the kinds' and, last, components2_children): the
     * entry number + 1 of the keyword with each id; 0 when none. */
    unsigned char child_of[NKINDS + 1][MAX_IDS];
} ids;

/* The id of `key`, adding it when `add`; -1 when it is no keyword. */
static int key_id(const char *key, int add)
{
    uint32_t h = mg_hash_str(key) & (ID_SLOTS - 1);
    while (ids.slot_key[h]) {
        if (strcmp(ids.slot_key[h], key) == 0)
            return ids.slot_id[h];
        h = (h + 1) & (ID_SLOTS - 1);
    }
    if (!add || ids.nids == MAX_IDS)
        return -1;
    ids.slot_key[h] = key;
    ids.slot_id[h] = ids.nids;
    return ids.nids++;
}

/* The tables above outgrew the limits: a programming error, not an input's. */
static void bug(const char *what)
{
    fprintf(stderr, "%s:%d: internal error: %s\n", __FILE__, __LINE__, what);
    abort();
}

static void ids_init(void)
{
    if (ids.ready)
        return;
    ids.ready = 1;
    for (size_t k = 0; k < NKINDS; k++) {
        for (const char *const *key = kinds[k].keys; *key; key++) {
            int id = key_id(*key, 1);
            if (id >= 0)
                ids.known[k][id / 64] |= (uint64_t)1 << (id % 64);
        }
    }
    for (size_t k = 0; k <= NKINDS; k++) {
        const child *list = k < NKINDS ? kinds[k].children : components2_children;
        size_t i = 0;
        for (const child *ch = list; ch->key; ch++, i++) {
            if (i == MAX_CHILDREN)
                bug("a children list longer than MAX_CHILDREN");
            int id = key_id(ch->key, 1);
            if (id >= 0 && !ids.child_of[k][id])
                ids.child_of[k][id] = (unsigned char)(i + 1);
        }
    }
    if (ids.nids == MAX_IDS)
        bug("more keywords than MAX_IDS");
}

/* Whether kind `k` knows the keyword with id `id` (-1: not a keyword). */
static int known_id(size_t k, int id)
{
    return id >= 0 && (ids.known[k][id / 64] >> (id % 64) & 1);
}

/* The ids of member names met in this walk, by the name's address: the
 * loader interns member names (one string per distinct key), so a name
 * seen before is one pointer compare here, where key_id hashes and compares
 * its bytes (a fifth of the walk at 1 000 messages). The trees do not change
 * during a walk, so an address keeps its text. Direct-mapped: a collision
 * only costs a key_id. */
#define MEMO_SLOTS 512

typedef struct walker {
    mg_docset *set;
    mg_diag *d;
    int v2;          /* AsyncAPI 2.x: components hold 2.x channels */
    unsigned stamp;  /* marks the objects checked (load.h): each warned about once */
    const char *memo_key[MEMO_SLOTS];
    int memo_id[MEMO_SLOTS];
} walker;

/* key_id(key, 0) through w's memo. */
static int member_id(walker *w, const char *key)
{
    size_t slot = (size_t)(((uintptr_t)key >> 3) * 0x9E3779B97F4A7C15ULL >> 40) & (MEMO_SLOTS - 1);
    if (w->memo_key[slot] != key) {
        w->memo_key[slot] = key;
        w->memo_id[slot] = key_id(key, 0);
    }
    return w->memo_id[slot];
}

static int known(const char *const *keys, const char *key)
{
    for (; *keys; keys++)
        if (strcmp(*keys, key) == 0)
            return 1;
    return 0;
}

static const char *nearest(const char *const *keys, const char *key)
{
    size_t n = strlen(key), limit = mg_typo_distance(n), best = (size_t)-1;
    if (limit > 2)
        limit = 2;
    const char *hit = NULL;
    for (; *keys; keys++) {
        size_t dist = mg_edit_distance(key, n, *keys);
        if (dist <= limit && dist < best) {
            best = dist;
            hit = *keys;
        }
    }
    return hit;
}

static void walk(walker *w, const mg_doc *doc, const cJSON *node, kind k, int depth);

static void walk_shape(walker *w, const mg_doc *doc, const cJSON *v, kind k, shape s, int depth)
{
    const cJSON *c;
    if (s == ONE || (s == ONE_OR_LIST && !cJSON_IsArray(v))) {
        walk(w, doc, v, k, depth + 1);
    } else if (s == MAP) {
        if (cJSON_IsObject(v))
            cJSON_ArrayForEach(c, v)
                if (!cJSON_IsArray(c)) /* draft-04 dependencies: a list of names */
                    walk(w, doc, c, k, depth + 1);
    } else if (cJSON_IsArray(v)) {
        cJSON_ArrayForEach(c, v)
            walk(w, doc, c, k, depth + 1);
    }
}

static void walk(walker *w, const mg_doc *doc, const cJSON *node, kind k, int depth)
{
    if (!cJSON_IsObject(node) || k == K_NONE || depth > 1000)
        return;
    if (mg_node_mark(node, w->stamp))
        return;
    mg_node_set_mark(node, w->stamp, 1);
    if (cJSON_IsString(mg_json_get(node, "$ref"))) {
        mg_diag quiet; /* a broken $ref was reported by the resolver */
        mg_diag_init(&quiet);
        quiet.max_errors = 0;
        mg_ref_target t;
        if (mg_resolve_ref(w->set, doc, node, &t, &quiet) == 1)
            walk(w, t.doc, t.node, k, depth + 1);
        if (k != K_SCHEMA)
            return; /* a Reference Object: its other members are ignored */
    }
    /* A 2.x message slot may be {oneOf: [messages]}. */
    if (k == K_MSGSLOT && cJSON_IsArray(mg_json_get(node, "oneOf")) &&
        !mg_json_get(node, "payload")) {
        walk_shape(w, doc, mg_json_get(node, "oneOf"), K_MESSAGE, LIST, depth);
        return;
    }
    const kdef *def = &kinds[k];
    const child *children = def->children;
    const unsigned char *child_of = ids.child_of[k];
    if (k == K_COMPONENTS && w->v2) {
        children = components2_children;
        child_of = ids.child_of[NKINDS];
    }
    /* Each child entry's first member (what mg_json_get gives), found in the
     * one pass over the members below: entry i is set when bit i of `found`
     * is. */
    const cJSON *child_at[MAX_CHILDREN];
    uint32_t found = 0;
    const cJSON *c;
    cJSON_ArrayForEach(c, node) {
        if (!c->string)
            continue;
        int id = member_id(w, c->string);
        if (id >= 0 && child_of[id]) {
            unsigned i = child_of[id] - 1u;
            if (!(found >> i & 1)) {
                found |= (uint32_t)1 << i;
                child_at[i] = c;
            }
        }
        if (known_id((size_t)k, id) || (c->string[0] == 'x' && c->string[1] == '-'))
            continue;
        if (strcmp(c->string, "$ref") == 0)
            continue;
        const char *near = nearest(def->keys, c->string);
        if (near)
            mg_diag_warning(w->d, mg_doc_key_mark(doc, c), "unknown keyword '%s' (did you mean '%s'?)", c->string,
                            near);
    }
    for (unsigned i = 0; found; i++, found >>= 1) /* in the children list's order */
        if (found & 1)
            walk_shape(w, doc, child_at[i], children[i].kind, children[i].shape, depth);
}

/* ---- public API ---------------------------------------------------------- */

void mg_typos_check(mg_docset *set, const mg_doc *doc, mg_typo_root root, mg_diag *d)
{
    ids_init();
    walker *w = mg_xcalloc(1, sizeof *w);
    w->set = set;
    w->d = d;
    w->v2 = root == MG_TYPO_ASYNCAPI2;
    w->stamp = mg_docset_walk_stamp(set);
    walk(w, doc, doc->root, root == MG_TYPO_SCHEMA ? K_SCHEMA : root == MG_TYPO_ASYNCAPI2 ? K_ROOT2 : K_ROOT3, 0);
    free(w);
}

const char *mg_typo_suggest(const char *kind_name, const char *key)
{
    for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++)
        if (strcmp(kinds[i].name, kind_name) == 0)
            return known(kinds[i].keys, key) || strncmp(key, "x-", 2) == 0 ? NULL : nearest(kinds[i].keys, key);
    return NULL;
}
