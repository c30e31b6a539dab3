/* avro.c - Avro schema -> JSON Schema, in place, with the Avro positions.
 *
 * One conversion builds a new cJSON tree, remembering for every node it makes
 * the Avro node it came from; once the whole schema converted without error,
 * the tree is given positions (mg_doc_record) and put in the Avro schema's
 * place (mg_doc_replace). Named types go to the root's $defs and are used by
 * $ref, with pointers from the document's root, which is why the root's own
 * pointer is taken before anything changes.
 */
#include "avro.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "hmap.h"
#include "text.h"
#include "util.h"

/* AsyncAPI's avro-schema-parser: bytes and fixed are strings of code points
 * U+0000..U+00FF (Avro's JSON encoding of bytes); the parser writes the range
 * as \u0000-\u00ff, which PCRE2 reads only with ALT_BSUX, so \x00-\xff. */
#define BYTES_PATTERN "^[\\x00-\\xff]*$"

/* A named type of an earlier conversion, for sharing identical definitions. */
typedef struct shared {
    const mg_doc *doc;
    char *full;  /* fullname */
    char *text;  /* the Avro definition, printed */
    char *ref;   /* $ref to its converted schema */
} shared;

struct mg_avro {
    shared *v;
    size_t n, cap;
};

/* A name defined in the current conversion. */
typedef struct named {
    char *full;
    char *ref;
    char *key; /* its $defs key; NULL for the root */
} named;

typedef struct origin {
    const void *node; /* the key: a node of the new tree */
    const cJSON *src; /* the Avro node it comes from */
} origin;

typedef struct conv {
    mg_avro *a;
    const mg_doc *doc;
    mg_diag *d;
    int failed;
    const cJSON *root;  /* the Avro root */
    char *base;         /* "#" + the root's pointer, percent-escaped for $ref */
    cJSON *defs;        /* the root's $defs, made on first use */
    named *names;
    size_t nn, ncap;
    mg_hmap origins;    /* origin */
} conv;

static const char *const primitives[] = {"null", "boolean", "int", "long", "float", "double", "bytes", "string"};

static int is_primitive(const char *s)
{
    for (size_t i = 0; i < sizeof primitives / sizeof *primitives; i++)
        if (strcmp(s, primitives[i]) == 0)
            return 1;
    return 0;
}

__attribute__((format(printf, 3, 4))) static void fail(conv *c, const cJSON *at, const char *fmt, ...)
{
    if (c->failed)
        return; /* one error per schema: later ones would be consequences */
    c->failed = 1;
    va_list ap;
    va_start(ap, fmt);
    mg_diag_verror(c->d, mg_doc_mark(c->doc, at), fmt, ap);
    va_end(ap);
}

static cJSON *made(conv *c, cJSON *node, const cJSON *src)
{
    origin *o = mg_hmap_put_ptr(&c->origins, node, NULL);
    o->src = src;
    return node;
}

static void put(conv *c, cJSON *obj, const char *key, cJSON *v, const cJSON *src)
{
    if (!v)
        return;
    cJSON_AddItemToObject(obj, key, made(c, v, src));
}

static const cJSON *member(const cJSON *o, const char *key)
{
    return cJSON_IsObject(o) ? mg_json_get(o, key) : NULL;
}

/* Avro names: [A-Za-z_][A-Za-z0-9_]*, dot-separated in a fullname. */
static int valid_name(const char *s, int dotted)
{
    int start = 1;
    for (; *s; s++) {
        if (*s == '.' && dotted && !start) {
            start = 1;
            continue;
        }
        int alpha = (*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || *s == '_';
        if (!alpha && (start || !(*s >= '0' && *s <= '9')))
            return 0;
        start = 0;
    }
    return !start;
}

static char *join(const char *ns, const char *name)
{
    mg_buf b;
    mg_buf_init(&b);
    if (ns && *ns)
        mg_buf_appendf(&b, "%s.", ns);
    mg_buf_append_str(&b, name);
    return mg_buf_steal(&b, NULL);
}

static named *find_named(conv *c, const char *full)
{
    for (size_t i = 0; i < c->nn; i++)
        if (strcmp(c->names[i].full, full) == 0)
            return &c->names[i];
    return NULL;
}

/* The $ref text for a $defs key. */
static char *def_ref(conv *c, const char *key)
{
    mg_buf ptr, b;
    mg_buf_init(&ptr);
    mg_buf_init(&b);
    mg_buf_append_str(&ptr, "/$defs/");
    mg_jptr_append_token(&ptr, key);
    mg_buf_append_str(&b, c->base);
    for (const char *p = mg_buf_cstr(&ptr); *p; p++)
        if (*p == '%')
            mg_buf_append_str(&b, "%25");
        else
            mg_buf_putc(&b, *p);
    mg_buf_fini(&ptr);
    return mg_buf_steal(&b, NULL);
}

static cJSON *ref_node(conv *c, const char *ref, const cJSON *src)
{
    cJSON *o = made(c, cJSON_CreateObject(), src);
    put(c, o, "$ref", cJSON_CreateString(ref), src);
    return o;
}

/* Resolves a type name used at `at` in namespace `ns`: a $ref, or NULL after
 * reporting. */
static cJSON *use_name(conv *c, const char *name, const char *ns, const cJSON *at)
{
    named *n = NULL;
    if (!strchr(name, '.') && ns && *ns) {
        char *full = join(ns, name);
        n = find_named(c, full);
        free(full);
    }
    if (!n)
        n = find_named(c, name);
    if (!n) {
        fail(c, at,
             "unknown Avro type '%s' (a primitive type, or a record, enum or fixed named earlier in this schema)",
             name);
        return NULL;
    }
    return ref_node(c, n->ref, at);
}

static cJSON *convert(conv *c, const cJSON *s, const char *ns, int depth);

static cJSON *primitive(conv *c, const char *t, const cJSON *src)
{
    cJSON *o = made(c, cJSON_CreateObject(), src);
    const char *type = t, *format = NULL;
    if (strcmp(t, "int") == 0)
        type = "integer", format = "int32";
    else if (strcmp(t, "long") == 0)
        type = "integer", format = "int64";
    else if (strcmp(t, "float") == 0 || strcmp(t, "double") == 0)
        type = "number", format = t;
    else if (strcmp(t, "bytes") == 0)
        type = "string";
    put(c, o, "type", cJSON_CreateString(type), src);
    if (format)
        put(c, o, "format", cJSON_CreateString(format), src);
    if (strcmp(t, "bytes") == 0)
        put(c, o, "pattern", cJSON_CreateString(BYTES_PATTERN), src);
    return o;
}

static cJSON *union_of(conv *c, const cJSON *s, const char *ns, int depth)
{
    if (cJSON_GetArraySize(s) == 0) {
        fail(c, s, "an Avro union must list at least one type");
        return NULL;
    }
    cJSON *o = made(c, cJSON_CreateObject(), s);
    cJSON *list = made(c, cJSON_CreateArray(), s);
    cJSON *null_opt = NULL;
    const cJSON *it;
    cJSON_ArrayForEach(it, s) {
        if (cJSON_IsArray(it)) {
            fail(c, it, "an Avro union cannot hold another union directly");
            break;
        }
        const char *t = cJSON_IsString(it) ? it->valuestring : cJSON_IsString(member(it, "type")) ? member(it, "type")->valuestring : NULL;
        /* Avro allows one member per unnamed type. */
        const cJSON *prev;
        cJSON_ArrayForEach(prev, s) {
            if (prev == it)
                break;
            const char *pt = cJSON_IsString(prev) ? prev->valuestring : cJSON_IsString(member(prev, "type")) ? member(prev, "type")->valuestring : NULL;
            if (t && pt && strcmp(t, pt) == 0 && (is_primitive(t) || !strcmp(t, "array") || !strcmp(t, "map")))
                fail(c, it, "an Avro union lists '%s' twice", t);
        }
        cJSON *opt = convert(c, it, ns, depth + 1);
        if (!opt)
            break;
        if (t && strcmp(t, "null") == 0)
            null_opt = opt;
        else
            cJSON_AddItemToArray(list, opt);
    }
    /* As AsyncAPI's parser: null last, so [null, A] reads as a nullable A. */
    if (null_opt)
        cJSON_AddItemToArray(list, null_opt);
    put(c, o, "oneOf", list, s);
    return o;
}

/* Registers the named type `s` (record, enum, fixed): its entry (fullname,
 * $ref, $defs key), and in *own_ns the namespace its body uses; NULL after
 * reporting. When an earlier schema of the document defined it identically,
 * *shared_ref is a $ref to that one and nothing is to be built. */
static named *define(conv *c, const cJSON *s, const char *ns, char **own_ns, cJSON **shared_ref)
{
    const cJSON *name = member(s, "name"), *nsn = member(s, "namespace");
    const char *kind = member(s, "type")->valuestring;
    *shared_ref = NULL;
    if (!cJSON_IsString(name)) {
        fail(c, name ? name : s, "an Avro %s needs a 'name'", kind);
        return NULL;
    }
    if (!valid_name(name->valuestring, 1)) {
        fail(c, name, "invalid Avro name '%s' (letters, digits and '_', not starting with a digit)", name->valuestring);
        return NULL;
    }
    if (nsn && !cJSON_IsNull(nsn) && (!cJSON_IsString(nsn) || (*nsn->valuestring && !valid_name(nsn->valuestring, 1)))) {
        fail(c, nsn, "invalid Avro namespace (dot-separated names)");
        return NULL;
    }
    char *full;
    const char *dot = strrchr(name->valuestring, '.');
    if (dot) {
        full = mg_xstrdup(name->valuestring);
        *own_ns = mg_xstrndup(name->valuestring, (size_t)(dot - name->valuestring));
    } else {
        const char *space = cJSON_IsString(nsn) ? nsn->valuestring : ns;
        full = join(space, name->valuestring);
        *own_ns = mg_xstrdup(space ? space : "");
    }
    const char *shortname = dot ? dot + 1 : name->valuestring;
    if (is_primitive(full)) {
        fail(c, name, "an Avro %s cannot be named '%s' (a primitive type)", kind, full);
        free(full);
        free(*own_ns);
        return NULL;
    }
    if (find_named(c, full)) {
        fail(c, name, "Avro type '%s' is defined twice in this schema", full);
        free(full);
        free(*own_ns);
        return NULL;
    }
    /* The same definition in an earlier schema of this document: shared. */
    char *text = cJSON_PrintUnformatted(s);
    for (size_t i = 0; text && s != c->root && i < c->a->n; i++)
        if (c->a->v[i].doc == c->doc && strcmp(c->a->v[i].full, full) == 0 &&
            strcmp(c->a->v[i].text, text) == 0) {
            *shared_ref = ref_node(c, c->a->v[i].ref, s);
            break;
        }
    c->names = mg_xgrow(c->names, c->nn, &c->ncap, sizeof *c->names);
    named *n = &c->names[c->nn++];
    n->full = full;
    n->key = NULL;
    if (*shared_ref) {
        n->ref = mg_xstrdup(mg_json_get(*shared_ref, "$ref")->valuestring);
    } else if (s == c->root) {
        n->ref = mg_xstrdup(c->base);
    } else {
        /* The short name, unless another type of this schema has it. */
        int taken = c->defs && mg_json_get(c->defs, shortname);
        n->key = mg_xstrdup(taken ? full : shortname);
        n->ref = def_ref(c, n->key);
    }
    if (text && !*shared_ref) {
        c->a->v = mg_xgrow(c->a->v, c->a->n, &c->a->cap, sizeof *c->a->v);
        c->a->v[c->a->n++] = (shared){c->doc, mg_xstrdup(full), mg_xstrdup(text), mg_xstrdup(n->ref)};
    }
    cJSON_free(text);
    return n;
}

static void copy_attrs(conv *c, cJSON *o, const cJSON *s, const char *const *keys, size_t nkeys)
{
    for (size_t i = 0; i < nkeys; i++) {
        const cJSON *v = member(s, keys[i]);
        if (v)
            put(c, o, keys[i], cJSON_Duplicate(v, 1), v);
    }
}

static cJSON *record(conv *c, const cJSON *s, const char *ns, int depth)
{
    const cJSON *fields = member(s, "fields"), *f;
    if (!fields) {
        fail(c, s, "an Avro record needs 'fields' (a list of {name, type})");
        return NULL;
    }
    if (!cJSON_IsArray(fields)) {
        fail(c, fields, "an Avro record's 'fields' must be a list of {name, type}");
        return NULL;
    }
    cJSON *o = made(c, cJSON_CreateObject(), s);
    put(c, o, "type", cJSON_CreateString("object"), s);
    cJSON *props = made(c, cJSON_CreateObject(), fields);
    cJSON *req = made(c, cJSON_CreateArray(), fields);
    cJSON_ArrayForEach(f, fields) {
        const cJSON *name = member(f, "name"), *type = member(f, "type");
        if (!cJSON_IsObject(f)) {
            fail(c, f, "an Avro record field must be a mapping with 'name' and 'type'");
            break;
        }
        if (!cJSON_IsString(name)) {
            fail(c, name ? name : f, "an Avro record field needs a 'name'");
            break;
        }
        if (!valid_name(name->valuestring, 0)) {
            fail(c, name, "invalid Avro field name '%s' (letters, digits and '_', not starting with a digit)",
                 name->valuestring);
            break;
        }
        if (!type) {
            fail(c, f, "Avro field '%s' needs a 'type'", name->valuestring);
            break;
        }
        if (mg_json_get(props, name->valuestring)) {
            fail(c, name, "Avro record has two fields named '%s'", name->valuestring);
            break;
        }
        cJSON *p = convert(c, type, ns, depth + 1);
        if (!p)
            break;
        /* Field attributes go beside the type; a $ref type is wrapped in
         * allOf so that they still apply. */
        const cJSON *doc = member(f, "doc"), *def = member(f, "default");
        if ((cJSON_IsString(doc) || def) && mg_json_get(p, "$ref")) {
            cJSON *w = made(c, cJSON_CreateObject(), type);
            cJSON *all = made(c, cJSON_CreateArray(), type);
            cJSON_AddItemToArray(all, p);
            put(c, w, "allOf", all, type);
            p = w;
        }
        if (cJSON_IsString(doc))
            put(c, p, "description", cJSON_CreateString(doc->valuestring), doc);
        if (def)
            put(c, p, "default", cJSON_Duplicate(def, 1), def);
        cJSON_AddItemToObject(props, name->valuestring, made(c, p, type));
        int nullable = 0;
        const cJSON *u;
        if (cJSON_IsArray(type))
            cJSON_ArrayForEach(u, type)
                if ((cJSON_IsString(u) && !strcmp(u->valuestring, "null")) ||
                    (cJSON_IsString(member(u, "type")) && !strcmp(member(u, "type")->valuestring, "null")))
                    nullable = 1;
        if (!nullable && !def)
            cJSON_AddItemToArray(req, made(c, cJSON_CreateString(name->valuestring), name));
    }
    put(c, o, "properties", props, fields);
    if (cJSON_GetArraySize(req) > 0)
        put(c, o, "required", req, fields);
    else
        cJSON_Delete(req);
    return o;
}

static cJSON *named_body(conv *c, const cJSON *s, const char *kind, const char *ns, int depth)
{
    if (strcmp(kind, "enum") == 0) {
        const cJSON *sym = member(s, "symbols"), *v;
        if (!cJSON_IsArray(sym) || cJSON_GetArraySize(sym) == 0) {
            fail(c, sym ? sym : s, "an Avro enum needs 'symbols' (a non-empty list of names)");
            return NULL;
        }
        cJSON_ArrayForEach(v, sym) {
            if (!cJSON_IsString(v) || !valid_name(v->valuestring, 0)) {
                fail(c, v, "an Avro enum symbol must be a name (letters, digits and '_', not starting with a digit)");
                return NULL;
            }
            for (const cJSON *p = sym->child; p != v; p = p->next)
                if (strcmp(p->valuestring, v->valuestring) == 0) {
                    fail(c, v, "Avro enum symbol '%s' is listed twice", v->valuestring);
                    return NULL;
                }
        }
        cJSON *o = made(c, cJSON_CreateObject(), s);
        put(c, o, "type", cJSON_CreateString("string"), s);
        cJSON *e = made(c, cJSON_CreateArray(), sym);
        cJSON_ArrayForEach(v, sym)
            cJSON_AddItemToArray(e, made(c, cJSON_CreateString(v->valuestring), v));
        put(c, o, "enum", e, sym);
        return o;
    }
    if (strcmp(kind, "fixed") == 0) {
        const cJSON *size = member(s, "size");
        if (!cJSON_IsNumber(size) || size->valuedouble < 0 || size->valuedouble != (double)(long)size->valuedouble) {
            fail(c, size ? size : s, "an Avro fixed needs a 'size' (a whole number of bytes)");
            return NULL;
        }
        cJSON *o = made(c, cJSON_CreateObject(), s);
        put(c, o, "type", cJSON_CreateString("string"), s);
        put(c, o, "pattern", cJSON_CreateString(BYTES_PATTERN), s);
        put(c, o, "minLength", cJSON_CreateNumber(size->valuedouble), size);
        put(c, o, "maxLength", cJSON_CreateNumber(size->valuedouble), size);
        return o;
    }
    return record(c, s, ns, depth);
}

static cJSON *complex(conv *c, const cJSON *s, const char *ns, int depth)
{
    const cJSON *type = member(s, "type");
    if (!type) {
        fail(c, s, "an Avro schema mapping needs a 'type'");
        return NULL;
    }
    if (!cJSON_IsString(type))
        return convert(c, type, ns, depth + 1); /* {type: {...}} or {type: [...]}: the nested schema */
    const char *t = type->valuestring;
    cJSON *o = NULL;
    static const char *const num_attrs[] = {"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"};
    static const char *const str_attrs[] = {"pattern", "minLength", "maxLength"};
    static const char *const arr_attrs[] = {"minItems", "maxItems", "uniqueItems"};
    if (strcmp(t, "record") == 0 || strcmp(t, "error") == 0 || strcmp(t, "enum") == 0 || strcmp(t, "fixed") == 0) {
        char *own_ns = NULL;
        cJSON *shared_ref = NULL;
        named *n = define(c, s, ns, &own_ns, &shared_ref);
        if (!n)
            return NULL;
        if (shared_ref) {
            free(own_ns);
            return shared_ref;
        }
        char *key = n->key ? mg_xstrdup(n->key) : NULL;
        char *ref = mg_xstrdup(n->ref);
        o = named_body(c, s, t, own_ns, depth);
        free(own_ns);
        if (o) {
            const cJSON *doc = member(s, "doc");
            if (cJSON_IsString(doc))
                put(c, o, "description", cJSON_CreateString(doc->valuestring), doc);
            if (key) {
                if (!c->defs)
                    c->defs = cJSON_CreateObject();
                cJSON_AddItemToObject(c->defs, key, o);
                o = ref_node(c, ref, s);
            }
        }
        free(key);
        free(ref);
        return o;
    }
    if (strcmp(t, "array") == 0) {
        const cJSON *items = member(s, "items");
        if (!items) {
            fail(c, s, "an Avro array needs 'items'");
            return NULL;
        }
        cJSON *it = convert(c, items, ns, depth + 1);
        if (!it)
            return NULL;
        o = made(c, cJSON_CreateObject(), s);
        put(c, o, "type", cJSON_CreateString("array"), s);
        put(c, o, "items", it, items);
        copy_attrs(c, o, s, arr_attrs, sizeof arr_attrs / sizeof *arr_attrs);
    } else if (strcmp(t, "map") == 0) {
        const cJSON *values = member(s, "values");
        if (!values) {
            fail(c, s, "an Avro map needs 'values'");
            return NULL;
        }
        cJSON *v = convert(c, values, ns, depth + 1);
        if (!v)
            return NULL;
        o = made(c, cJSON_CreateObject(), s);
        put(c, o, "type", cJSON_CreateString("object"), s);
        put(c, o, "additionalProperties", v, values);
    } else if (is_primitive(t)) {
        o = primitive(c, t, s);
        const cJSON *lt = member(s, "logicalType");
        if (strcmp(t, "string") == 0 && cJSON_IsString(lt))
            put(c, o, "format", cJSON_CreateString(lt->valuestring), lt);
        if (strcmp(t, "string") == 0)
            copy_attrs(c, o, s, str_attrs, sizeof str_attrs / sizeof *str_attrs);
        else if (strcmp(t, "int") == 0 || strcmp(t, "long") == 0 || strcmp(t, "float") == 0 ||
                 strcmp(t, "double") == 0)
            copy_attrs(c, o, s, num_attrs, sizeof num_attrs / sizeof *num_attrs);
    } else {
        return use_name(c, t, ns, type);
    }
    const cJSON *doc = member(s, "doc");
    if (cJSON_IsString(doc))
        put(c, o, "description", cJSON_CreateString(doc->valuestring), doc);
    return o;
}

static cJSON *convert(conv *c, const cJSON *s, const char *ns, int depth)
{
    if (c->failed)
        return NULL;
    if (depth > 200) {
        fail(c, s, "Avro schema nested deeper than 200 levels");
        return NULL;
    }
    if (cJSON_IsString(s))
        return is_primitive(s->valuestring) ? primitive(c, s->valuestring, s) : use_name(c, s->valuestring, ns, s);
    if (cJSON_IsArray(s))
        return union_of(c, s, ns, depth);
    if (cJSON_IsObject(s))
        return complex(c, s, ns, depth);
    fail(c, s, "an Avro schema must be a type name, a list of types (a union) or a mapping with 'type'");
    return NULL;
}

/* Gives the new tree positions, depth first. */
static void place(conv *c, cJSON *node, const cJSON *parent, int index, const cJSON *inherited)
{
    const origin *o = mg_hmap_get_ptr(&c->origins, node);
    const cJSON *src = o ? o->src : inherited;
    mg_mark at = mg_doc_mark(c->doc, src);
    mg_doc_record(c->doc, node, parent, index, at, at);
    int i = 0;
    for (cJSON *ch = node->child; ch; ch = ch->next)
        place(c, ch, node, i++, src);
}

/* ---- public API ---------------------------------------------------------- */

mg_avro *mg_avro_new(void)
{
    return mg_xcalloc(1, sizeof(mg_avro));
}

void mg_avro_free(mg_avro *a)
{
    if (!a)
        return;
    for (size_t i = 0; i < a->n; i++) {
        free(a->v[i].full);
        free(a->v[i].text);
        free(a->v[i].ref);
    }
    free(a->v);
    free(a);
}

cJSON *mg_avro_convert(mg_avro *a, const mg_doc *doc, cJSON *node, mg_diag *d)
{
    conv c;
    memset(&c, 0, sizeof c);
    c.a = a;
    c.doc = doc;
    c.d = d;
    c.root = node;
    mg_hmap_init(&c.origins, sizeof(origin));
    mg_buf ptr, base;
    mg_buf_init(&ptr);
    mg_buf_init(&base);
    mg_doc_pointer(doc, node, &ptr);
    mg_buf_putc(&base, '#');
    for (const char *p = mg_buf_cstr(&ptr); *p; p++)
        if (*p == '%')
            mg_buf_append_str(&base, "%25");
        else
            mg_buf_putc(&base, *p);
    mg_buf_fini(&ptr);
    c.base = mg_buf_steal(&base, NULL);
    size_t shared_before = a->n;
    cJSON *out = convert(&c, node, NULL, 0);
    if (out && c.defs) {
        if (mg_json_get(out, "$ref")) {
            /* The root is itself a reference (a named type used at the top
             * of a union...): keep $defs beside it through allOf. */
            cJSON *w = made(&c, cJSON_CreateObject(), node);
            cJSON *all = made(&c, cJSON_CreateArray(), node);
            cJSON_AddItemToArray(all, out);
            put(&c, w, "allOf", all, node);
            out = w;
        }
        put(&c, out, "$defs", c.defs, node);
        c.defs = NULL;
    }
    if (c.failed) {
        cJSON_Delete(out);
        cJSON_Delete(c.defs);
        out = NULL;
        /* Nothing of a failed schema may be shared. */
        for (size_t i = shared_before; i < a->n; i++) {
            free(a->v[i].full);
            free(a->v[i].text);
            free(a->v[i].ref);
        }
        a->n = shared_before;
    } else {
        place(&c, out, NULL, 0, node);
        mg_doc_replace(doc, node, out);
    }
    for (size_t i = 0; i < c.nn; i++) {
        free(c.names[i].full);
        free(c.names[i].ref);
        free(c.names[i].key);
    }
    free(c.names);
    free(c.base);
    mg_hmap_fini(&c.origins);
    return out;
}
