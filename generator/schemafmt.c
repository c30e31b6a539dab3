/* schemafmt.c - schemaFormat values, multi-format schemas and Avro payloads.
 *
 * The documents are searched first and changed after, because changing a
 * tree while walking it would move what the walk stands on. Values of data
 * members (enum, const, default, examples, example) are never searched: a
 * payload example may well hold a member called schemaFormat.
 */
#include "schemafmt.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "avro.h"
#include "hmap.h"
#include "resolve.h"
#include "util.h"

typedef struct found {
    const mg_doc *doc;
    cJSON *node;     /* a multi-format schema, or a message with schemaFormat */
    int multi;       /* 1: {schemaFormat, schema}; 0: a 2.x message */
} found;

typedef struct finder {
    found *v;
    size_t n, cap;
} finder;

/* Data members' values are never searched (see the top of the file). The
 * first byte picks the one or two names a key can be: this runs for every
 * member that holds a collection, and five strcmp calls each were a third
 * of the search. */
static int is_data_member(const char *name)
{
    switch (name[0]) {
    case 'e':
        return strcmp(name, "enum") == 0 || strcmp(name, "examples") == 0 || strcmp(name, "example") == 0;
    case 'c':
        return strcmp(name, "const") == 0;
    case 'd':
        return strcmp(name, "default") == 0;
    default:
        return 0;
    }
}

/* The members of an object that search looks at, each the first of its name
 * (as mg_json_get finds it), from one pass over the members: the three
 * mg_json_get scans per object it replaces each read every member. */
typedef struct members {
    const cJSON *format, *schema, *payload, *traits;
} members;

static void members_of(const cJSON *node, members *m)
{
    *m = (members){NULL, NULL, NULL, NULL};
    for (const cJSON *c = node->child; c; c = c->next) {
        const char *k = c->string;
        if (!k)
            continue;
        const cJSON **slot = NULL;
        if (k[0] == 's') {
            if (strcmp(k, "schemaFormat") == 0)
                slot = &m->format;
            else if (strcmp(k, "schema") == 0)
                slot = &m->schema;
        } else if (k[0] == 'p') {
            if (strcmp(k, "payload") == 0)
                slot = &m->payload;
        } else if (k[0] == 't') {
            if (strcmp(k, "traits") == 0)
                slot = &m->traits;
        }
        if (slot && !*slot)
            *slot = c;
    }
}

static void search(finder *f, const mg_doc *doc, cJSON *node, int depth)
{
    if (depth > 1000)
        return;
    int is_object = (node->type & 0xFF) == cJSON_Object;
    if (is_object) {
        members m;
        members_of(node, &m);
        int add = 0, multi = 0;
        if (cJSON_IsString(m.format)) {
            multi = m.schema != NULL;
            add = multi || m.payload;
        } else {
            /* A 2.x message whose traits may say schemaFormat. */
            add = m.payload && cJSON_IsArray(m.traits);
        }
        if (add) {
            f->v = mg_xgrow(f->v, f->n, &f->cap, sizeof *f->v);
            f->v[f->n++] = (found){doc, node, multi};
        }
    }
    for (cJSON *c = node->child; c; c = c->next) {
        if (!mg_json_is_collection(c))
            continue;
        if (is_object && c->string && is_data_member(c->string))
            continue;
        search(f, doc, c, depth + 1);
    }
}

/* Starts with `prefix`, ignoring case; returns the rest or NULL. */
static const char *after(const char *s, const char *prefix)
{
    size_t n = strlen(prefix);
    return strncasecmp(s, prefix, n) == 0 ? s + n : NULL;
}

static void refuse(mg_diag *d, const mg_doc *doc, const cJSON *fmt)
{
    mg_diag_error(d, mg_doc_mark(doc, fmt),
                  "unsupported schemaFormat '%s' (msggen reads AsyncAPI, JSON Schema, OpenAPI 3.0 and Avro 1.8-1.11 schemas)",
                  fmt->valuestring);
}

/* Converts the Avro schema that `schema` (of doc) is or refers to, once. */
static int convert(mg_docset *set, mg_avro *a, mg_hmap *done, const mg_doc *doc, cJSON *schema, mg_diag *d)
{
    mg_ref_target t;
    if (mg_resolve_ref(set, doc, schema, &t, d) < 0)
        return -1;
    if (mg_hmap_get_ptr(done, t.node))
        return 0;
    cJSON *out = mg_avro_convert(a, t.doc, (cJSON *)t.node, d);
    if (!out)
        return -1;
    mg_hmap_put_ptr(done, out, NULL);
    return 0;
}

/* The schemaFormat a 2.x message takes from its traits (the last trait that
 * has one; the message's own would win, but it has none). Returns 0 when no
 * trait has one. */
static int trait_format(mg_docset *set, const mg_doc *doc, const cJSON *msg, const mg_doc **fdoc,
                        const cJSON **fmt)
{
    const cJSON *t;
    int found_one = 0;
    cJSON_ArrayForEach(t, mg_json_get(msg, "traits")) {
        mg_diag quiet; /* a broken $ref was reported by the resolver */
        mg_diag_init(&quiet);
        quiet.max_errors = 0;
        mg_ref_target r;
        if (mg_resolve_ref(set, doc, t, &r, &quiet) < 0)
            continue;
        const cJSON *v = mg_json_get(r.node, "schemaFormat");
        if (cJSON_IsString(v)) {
            *fdoc = r.doc;
            *fmt = v;
            found_one = 1;
        }
    }
    return found_one;
}

/* ---- public API ---------------------------------------------------------- */

mg_sfmt mg_schema_format_kind(const char *fmt)
{
    char buf[256];
    size_t n = 0;
    for (const char *p = fmt; *p && n + 1 < sizeof buf; p++)
        if (!isspace((unsigned char)*p))
            buf[n++] = *p;
    buf[n] = '\0';
    const char *rest;
    static const char *const json_like[] = {"application/vnd.aai.asyncapi", "application/schema", "application/vnd.oai.openapi"};
    for (size_t i = 0; i < sizeof json_like / sizeof *json_like; i++) {
        rest = after(buf, json_like[i]);
        if (!rest)
            continue;
        if (i == 1) { /* application/schema+json or +yaml */
            rest = after(rest, "+json") ? after(rest, "+json") : after(rest, "+yaml");
            if (!rest)
                return MG_SFMT_REFUSED;
        } else if (after(rest, "+json") || after(rest, "+yaml")) {
            rest += 5;
        }
        if (*rest == '\0' || *rest == ';')
            return MG_SFMT_JSON_SCHEMA;
        return MG_SFMT_REFUSED;
    }
    rest = after(buf, "application/vnd.apache.avro");
    if (!rest)
        return MG_SFMT_REFUSED;
    if (after(rest, "+json") || after(rest, "+yaml"))
        rest += 5;
    if (*rest == '\0')
        return MG_SFMT_AVRO;
    rest = after(rest, ";version=");
    if (!rest)
        return MG_SFMT_REFUSED;
    unsigned maj, min;
    char extra;
    int k = sscanf(rest, "%u.%u%c", &maj, &min, &extra);
    if (k >= 2 && maj == 1 && min >= 8 && min <= 11 && (k == 2 || extra == '.'))
        return MG_SFMT_AVRO;
    return MG_SFMT_REFUSED;
}

int mg_schema_formats_apply(mg_docset *set, mg_diag *d)
{
    int before = d->errors;
    finder f = {0};
    size_t ndocs = mg_docset_count(set);
    for (size_t i = 0; i < ndocs; i++) {
        const mg_doc *doc = mg_docset_doc(set, i);
        if (doc->root)
            search(&f, doc, doc->root, 0);
    }
    mg_avro *a = mg_avro_new();
    mg_hmap done;
    mg_hmap_init(&done, sizeof(const cJSON *));
    /* Multi-format schemas first: a message's payload may be one. */
    for (int pass = 1; pass >= 0; pass--)
        for (size_t i = 0; i < f.n && !mg_diag_full(d); i++) {
            found *x = &f.v[i];
            if (x->multi != pass)
                continue;
            const mg_doc *fdoc = x->doc;
            const cJSON *fmt = mg_json_get(x->node, "schemaFormat");
            if (!fmt && !trait_format(set, x->doc, x->node, &fdoc, &fmt))
                continue;
            mg_sfmt k = mg_schema_format_kind(fmt->valuestring);
            if (k == MG_SFMT_REFUSED) {
                int added; /* a trait shared by two messages: refused once */
                mg_hmap_put_ptr(&done, fmt, &added);
                if (added)
                    refuse(d, fdoc, fmt);
                continue;
            }
            cJSON *schema = mg_json_get(x->node, x->multi ? "schema" : "payload");
            if (x->multi) {
                cJSON_DetachItemViaPointer(x->node, schema);
                mg_doc_replace(x->doc, x->node, schema);
            }
            if (k == MG_SFMT_AVRO)
                convert(set, a, &done, x->doc, schema, d);
            /* As AsyncAPI's Avro parser: a 2.x Avro message's Kafka key is Avro too. */
            cJSON *key = mg_json_get(
                mg_json_get(mg_json_get(x->node, "bindings"), "kafka"), "key");
            if (k == MG_SFMT_AVRO && !x->multi && key)
                convert(set, a, &done, x->doc, key, d);
        }
    mg_hmap_fini(&done);
    mg_avro_free(a);
    free(f.v);
    return d->errors > before ? -1 : 0;
}
