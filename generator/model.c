/* model.c - builds the message model from resolved documents.
 *
 * A schema is read as a list of "parts": the schema itself and, flattened,
 * every allOf member and $ref target it leads to. Keywords are looked up
 * across the parts, so allOf merging and $ref following need no copying of
 * the documents: every node we keep still has its file position.
 */
#include "model.h"

#include <ctype.h>
#include <limits.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "api.h"
#include "buf.h"
#include "config.h"
#include "hmap.h"
#include "resolve.h"
#include "schemafmt.h"
#include "text.h"
#include "typo.h"
#include "util.h"
#include "validate.h"

#define MAX_PARTS 64

typedef struct vec {
    void **v;
    int n, cap;
} vec;

struct mg_model_priv {
    vec allocs;      /* every block palloc and palloc_text made: chunks and big blocks */
    char *arena;     /* palloc's current chunk: zeroed, `arena_left` bytes free at its end */
    size_t arena_left;
    char *text;      /* palloc_text's current chunk: not zeroed, `text_left` bytes free */
    size_t text_left;
    mg_hmap names;   /* cased_ent: raw name -> its casings (in the arena), shared
                      * by every mg_name of the model made from that raw name */
    vec arrays;      /* vec storage handed to model structs */
    cJSON *owned;    /* owns every model-made cJSON tree */
    cJSON *empty;    /* the one empty object that every typeref and type without
                      * constraints or extensions shares (most have none: an
                      * object each was a tenth of a big model); in `owned`,
                      * never written to */
    vec types, messages;
    /* Lookups that a big catalogue makes once per schema or message, so
     * they must not scan: */
    mg_hmap type_by_node;    /* node_ent: schema node -> first type built from it */
    mg_hmap type_by_snake;   /* name_ent: snake casing (borrowed) -> first type with it */
    mg_hmap msg_by_node;     /* node_ent: message node -> message */
    mg_hmap msg_by_snake;    /* name_ent: snake casing -> message (unique among messages) */
    mg_hmap msg_key_named;   /* node_ent: components.messages entry -> its key (char *), for
                              * entries whose `name` another entry has too */
    struct hoist_ctx {       /* the hint being built on, when it is "<parent's snake> <suffix>" */
        const char *text;    /* the hint itself: name_init compares the pointer */
        const mg_name *parent;
        const char *suffix;
    } hoist;
    struct wctx *checked;    /* check_schemas' first pass's state (its stamp), for the second */
    unsigned checked_gen;    /* the docset's generation when they were made */
    unsigned *reach_seen;    /* mg_typeref_reaches: seen[i] == reach_stamp means visited */
    unsigned reach_stamp;
    mg_diag *d;
    int failed;
    int ref_siblings; /* 2019-09 / 2020-12: keywords beside $ref apply */
};

typedef struct part {
    const mg_doc *doc;
    const cJSON *node;     /* an object */
    uint64_t initials;     /* bit b & 63 for the first byte b of each member's name */
} part;

/* What part_get needs to pass over a part without scanning it: pget and its
 * kin look a dozen keywords up in every part of every schema ("oneOf",
 * "anyOf", "enum", "additionalProperties", ... in classify alone), and
 * nearly all are absent. Two names may share a bit: that only costs a
 * scan. */
static uint64_t initials64(const cJSON *node)
{
    uint64_t in = 0;
    for (const cJSON *c = node->child; c; c = c->next)
        if (c->string)
            in |= (uint64_t)1 << ((unsigned char)c->string[0] & 63);
    return in;
}

static inline const cJSON *part_get(const part *pt, const char *key);

typedef struct parts {
    part p[MAX_PARTS];
    int n;
    const cJSON *path[MG_MAX_REF_DEPTH + 2]; /* flatten's current chain, for cycles */
} parts;

/* An empty list of parts. Only `n` is set: p[] is read below n and path[]
 * below the depth flatten wrote it to, so neither needs clearing, and
 * zeroing the whole 1.6 KB per schema (`= {0}`) was 2.7 % of building the
 * model of a 1 000-message catalogue. */
#define PARTS_EMPTY(ps) ((ps).n = 0)

typedef struct node_ent {
    const void *node; /* the key */
    void *val;        /* mg_type * or mg_message * */
} node_ent;

typedef struct name_ent {
    char *name;       /* the key: owned by the table (type_by_snake: borrowed, see snake_eq) */
    void *val;
} name_ent;

/* Bits of JSON types a schema allows. */
enum {
    T_STRING = 1, T_INTEGER = 2, T_NUMBER = 4, T_BOOLEAN = 8,
    T_OBJECT = 16, T_ARRAY = 32, T_NULL = 64, T_ALL = 127
};

static void vec_push(vec *a, void *p)
{
    if (a->n == a->cap) {
        int cap = a->cap ? a->cap * 2 : 8;
        void **v = realloc(a->v, (size_t)cap * sizeof *v);
        if (!v)
            abort();
        a->v = v;
        a->cap = cap;
    }
    a->v[a->n++] = p;
}

#define ARENA_CHUNK ((size_t)64 * 1024)

/* Under AddressSanitizer every block gets its own allocation again, so that
 * an overrun of one is still caught. */
#if defined(__SANITIZE_ADDRESS__)
#define ARENA_OFF 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ARENA_OFF 1
#endif
#endif
#ifndef ARENA_OFF
#define ARENA_OFF 0
#endif

/* Zeroed memory that lives as long as the model. Small blocks are cut from
 * big zeroed chunks: a big catalogue makes millions of them, and one calloc
 * and one free each was a good part of the front end's time. */
static void *palloc(mg_model *m, size_t n)
{
    struct mg_model_priv *p = m->priv;
    const size_t align = _Alignof(max_align_t);
    n = (n + align - 1) / align * align;
    if (ARENA_OFF || n > ARENA_CHUNK / 8) {
        void *big = mg_xcalloc(1, n);
        vec_push(&p->allocs, big);
        return big;
    }
    if (n > p->arena_left) {
        p->arena = mg_xcalloc(1, ARENA_CHUNK);
        p->arena_left = ARENA_CHUNK;
        vec_push(&p->allocs, p->arena);
    }
    void *r = p->arena + (ARENA_CHUNK - p->arena_left);
    p->arena_left -= n;
    return r;
}

/* Memory for strings, which their maker writes in full: like palloc, but
 * from chunks of its own that are not zeroed (names take a third of the
 * model's memory, and clearing their chunks first was 2 % of building the
 * model). Not aligned: strings need none. */
static char *palloc_text(mg_model *m, size_t n)
{
    struct mg_model_priv *p = m->priv;
    if (ARENA_OFF || n > ARENA_CHUNK / 8) {
        char *big = mg_xmalloc(n);
        vec_push(&p->allocs, big);
        return big;
    }
    if (n > p->text_left) {
        p->text = mg_xmalloc(ARENA_CHUNK);
        p->text_left = ARENA_CHUNK;
        vec_push(&p->allocs, p->text);
    }
    char *r = p->text + (ARENA_CHUNK - p->text_left);
    p->text_left -= n;
    return r;
}

static char *pstrdup(mg_model *m, const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = palloc_text(m, n);
    memcpy(p, s, n);
    return p;
}

/* One raw name's casings, computed once per model. The key is the raw
 * casing itself (name.s[MG_CASE_RAW], in the arena block of the six): a
 * table-owned copy of every raw name besides was a fortieth of a big model.
 * Hashed eight bytes at a time (mg_hash_words, every byte counts): hoisted
 * names are long ("msg0001 payload address geo"). */
typedef struct cased_ent {
    mg_name name;
} cased_ent;

static int cased_eq(const void *ent, const void *key)
{
    return strcmp(((const cased_ent *)ent)->name.s[MG_CASE_RAW], key) == 0;
}

/* type_by_snake's entries: the key is the type's own snake casing (in the
 * arena), not a copy. */
static int snake_eq(const void *ent, const void *key)
{
    return strcmp(((const name_ent *)ent)->name, key) == 0;
}

static uint32_t name_hash(const char *s)
{
    return mg_hash_words(0, s, strlen(s));
}

/* Gives `n` the casings of `raw`. A catalogue repeats its names (every
 * message has an `id`, a `timestamp`, ...): the casings are computed once per
 * distinct raw name and shared (splitting and joining them, six blocks each,
 * was a third of the model's own instructions). The strings belong to the
 * model: no caller frees or rewrites them in place. */
static void *name_alloc(void *m, size_t size)
{
    return palloc_text(m, size);
}

static void name_init(mg_model *m, mg_name *n, const char *raw)
{
    uint32_t h = name_hash(raw);
    cased_ent *e = mg_hmap_find(&m->priv->names, h, cased_eq, raw);
    if (!e) { /* in the model's arena, one block for the six casings */
        const struct hoist_ctx *x = &m->priv->hoist;
        e = mg_hmap_add(&m->priv->names, h);
        /* A hoisted type's name from its parent's casings (names.h), when
         * `raw` is the hint being built on (the same buffer, still live). */
        if (x->text != raw || mg_name_init_joined(&e->name, raw, x->parent, x->suffix, name_alloc, m) != 0)
            mg_name_init_with(&e->name, raw, name_alloc, m);
    }
    *n = e->name;
}

/* Hands a vec's storage to the model; returns it for storing in a struct. */
static void **keep_vec(mg_model *m, vec *a)
{
    if (a->v)
        vec_push(&m->priv->arrays, a->v);
    return a->v;
}

static cJSON *owned(mg_model *m, cJSON *j)
{
    cJSON_AddItemToArray(m->priv->owned, j);
    return j;
}

/* cJSON_IsObject and its kin, read from the type bits as cJSON reads them:
 * those are calls into the shared library, 100 000 of them a model of the
 * worker-backend catalogue (2.5 M instructions with the calls around them). */
static inline int is_object(const cJSON *n)
{
    return n && (n->type & 0xFF) == cJSON_Object;
}

static inline int is_array(const cJSON *n)
{
    return n && (n->type & 0xFF) == cJSON_Array;
}

static inline int is_string(const cJSON *n)
{
    return n && (n->type & 0xFF) == cJSON_String;
}

static inline int is_number(const cJSON *n)
{
    return n && (n->type & 0xFF) == cJSON_Number;
}

/* strcmp(a, b) == 0, with the first bytes compared inline: build_object
 * compares each property with every field before it (by wire name, by
 * identifier, for each `required` entry), and most differ at once. */
static inline int same_str(const char *a, const char *b)
{
    return a[0] == b[0] && strcmp(a, b) == 0;
}

static inline const cJSON *get(const cJSON *node, const char *key)
{
    return is_object(node) ? mg_json_get(node, key) : NULL;
}

/* get() in a part: NULL at once when no member name starts as `key` does. */
static inline const cJSON *part_get(const part *pt, const char *key)
{
    return pt->initials >> ((unsigned char)key[0] & 63) & 1 ? get(pt->node, key) : NULL;
}

static const char *get_str(const cJSON *node, const char *key)
{
    const cJSON *v = get(node, key);
    return is_string(v) ? v->valuestring : NULL;
}

static int get_true(const cJSON *node, const char *key)
{
    return cJSON_IsTrue(get(node, key));
}

static mg_mark mark(const mg_doc *doc, const cJSON *node)
{
    return mg_doc_mark(doc, node);
}

static mg_mark key_mark(const mg_doc *doc, const cJSON *node)
{
    return mg_doc_key_mark(doc, node);
}

__attribute__((format(printf, 3, 4))) static void err(mg_model *m, mg_mark at, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    /* JSON and SARIF diagnostics name the node by its JSON pointer too. */
    mg_docset_verror(m->set, m->priv->d, at, fmt, ap);
    va_end(ap);
    m->priv->failed = 1;
}

/* "file:line:col" of a mark, for naming a second position inside a message. */
static const char *where(mg_model *m, mg_mark at)
{
    mg_buf b;
    mg_buf_init(&b);
    mg_buf_appendf(&b, "%s:%d:%d", at.file ? at.file : "?", at.line, at.col);
    char *s = pstrdup(m, mg_buf_cstr(&b));
    mg_buf_fini(&b);
    return s;
}

static int stop(mg_model *m)
{
    return mg_diag_full(m->priv->d);
}

/* Follows a $ref (and chains of them). Without one, returns doc/node as given.
 * Returns 0, or -1 after the resolver reported an error. */
static int follow(mg_model *m, const mg_doc *doc, const cJSON *node, const mg_doc **tdoc,
                  const cJSON **tnode)
{
    mg_ref_target t;
    int rc = mg_resolve_ref(m->set, doc, node, &t, m->priv->d);
    if (rc < 0) {
        m->priv->failed = 1;
        return -1;
    }
    *tdoc = rc ? t.doc : doc;
    *tnode = rc ? t.node : node;
    return 0;
}

/* The model's shared empty object (mg_model_priv.empty): for a member that
 * the header promises is an object, never NULL, when there is nothing in it.
 * Whoever adds to such a member first gives it an object of its own
 * (own_object). */
static cJSON *empty_object(mg_model *m)
{
    if (!m->priv->empty)
        m->priv->empty = owned(m, cJSON_CreateObject());
    return m->priv->empty;
}

/* `*slot` made an object of its own (not the shared empty one), to add to. */
static cJSON *own_object(mg_model *m, cJSON **slot)
{
    if (*slot == m->priv->empty)
        *slot = owned(m, cJSON_CreateObject());
    return *slot;
}

/* The x-* members of `node`, copied; the shared empty object when none. */
static cJSON *extensions_of(mg_model *m, const cJSON *node)
{
    cJSON *ext = NULL;
    const cJSON *c;
    if (is_object(node))
        cJSON_ArrayForEach(c, node)
            if (c->string && strncmp(c->string, "x-", 2) == 0) {
                if (!ext)
                    ext = owned(m, cJSON_CreateObject());
                cJSON_AddItemToObject(ext, c->string, cJSON_Duplicate(c, 1));
            }
    return ext ? ext : empty_object(m);
}

/* A member that must be a mapping when present (channels, operations,
 * components.messages, ...). Returns 0 when absent or a mapping. */
static int want_mapping(mg_model *m, const mg_doc *doc, const cJSON *node, const char *what)
{
    if (!node || is_object(node))
        return 0;
    err(m, mark(doc, node), "'%s' must be a mapping", what);
    return -1;
}

/* ---- extensions the shipped clients read --------------------------------- */

static int is_identifier(const char *s)
{
    if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || *s == '_'))
        return 0;
    for (; *s; s++)
        if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_'))
            return 0;
    return 1;
}

/* A Python distribution name (PEP 508): letters, digits, '.', '_', '-',
 * starting and ending with a letter or digit. */
static int is_python_package(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || !isalnum((unsigned char)s[0]) || !isalnum((unsigned char)s[n - 1]))
        return 0;
    for (; *s; s++)
        if (!isalnum((unsigned char)*s) && !strchr("._-", *s))
            return 0;
    return 1;
}

/* An npm package name: at most 214 characters, lower case, [@scope/]name,
 * each part of [a-z0-9-._~] not starting with '.' or '_'. */
static int is_npm_part(const char *s, size_t n)
{
    if (n == 0 || s[0] == '.' || s[0] == '_')
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || strchr("-._~", s[i])))
            return 0;
    return 1;
}

static int is_npm_package(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 214)
        return 0;
    if (s[0] != '@')
        return is_npm_part(s, n);
    const char *slash = strchr(s, '/');
    return slash && is_npm_part(s + 1, (size_t)(slash - s - 1)) && is_npm_part(slash + 1, strlen(slash + 1));
}

/* `x-clients` and `x-http-api` values that the shipped targets print as
 * identifiers, module and package names, or numbers, where no escaping can
 * help: each is checked here, so `msggen validate` refuses what would make
 * the generated code mean something else (docs/markdown.md, "x-clients"). */
static void check_client_extensions(mg_model *m, const cJSON *root, const cJSON *info)
{
    static const struct {
        const char *path[3];
        int (*ok)(const char *);
        const char *what;
    } names[] = {
        {{"class", NULL, NULL}, is_identifier, "an identifier ([A-Za-z_][A-Za-z0-9_]*)"},
        {{"c", "prefix", NULL}, is_identifier, "an identifier ([A-Za-z_][A-Za-z0-9_]*)"},
        {{"c", "macro_prefix", NULL}, is_identifier, "an identifier ([A-Za-z_][A-Za-z0-9_]*)"},
        {{"python", "module", NULL}, is_identifier, "a Python module name ([A-Za-z_][A-Za-z0-9_]*)"},
        {{"python", "package", NULL}, is_python_package, "a Python package name (letters, digits, '.', '_', '-'; starting and ending with a letter or digit)"},
        {{"typescript", "package", NULL}, is_npm_package, "an npm package name ([@scope/]name in lower case a-z 0-9 - . _ ~, at most 214 characters)"},
    };
    const cJSON *xc = get(root, "x-clients");
    if (!xc && info != root)
        xc = get(info, "x-clients");
    if (xc && !is_object(xc))
        err(m, mark(m->doc, xc), "x-clients must be a mapping (class, python, typescript, c)");
    else if (xc)
        for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
            const cJSON *v = xc;
            mg_buf key;
            mg_buf_init(&key);
            mg_buf_append_str(&key, "x-clients");
            for (int k = 0; k < 3 && names[i].path[k] && v; k++) {
                v = is_object(v) ? get(v, names[i].path[k]) : NULL;
                mg_buf_appendf(&key, ".%s", names[i].path[k]);
            }
            if (v && (!is_string(v) || !names[i].ok(v->valuestring)))
                err(m, mark(m->doc, v), "%s must be %s", mg_buf_cstr(&key), names[i].what);
            mg_buf_fini(&key);
        }
    const cJSON *api = get(root, "x-http-api");
    if (!api && info != root)
        api = get(info, "x-http-api");
    const cJSON *t = is_object(api) ? get(api, "defaultTimeoutSeconds") : NULL;
    if (t && (!is_number(t) || !(t->valuedouble > 0) || t->valuedouble > 1e9))
        err(m, mark(m->doc, t), "x-http-api.defaultTimeoutSeconds must be a number of seconds above 0");
}

/* ---- schema parts ---------------------------------------------------- */

static const char *const structural_keys[] = {
    "type", "properties", "items", "enum", "const", "oneOf", "anyOf", "allOf",
    "additionalProperties", "required", "format", "pattern", "minimum", "maximum",
    "exclusiveMinimum", "exclusiveMaximum", "multipleOf", "minLength", "maxLength",
    "minItems", "maxItems", "uniqueItems", "minProperties", "maxProperties", "nullable",
};

static int has_structure(const cJSON *node, const char *except)
{
    for (size_t i = 0; i < sizeof structural_keys / sizeof structural_keys[0]; i++)
        if ((!except || strcmp(except, structural_keys[i]) != 0) && get(node, structural_keys[i]))
            return 1;
    return 0;
}

/* A schema that only names another one: {$ref: X} (its siblings carry no
 * structure, or are ignored by the draft), or {allOf: [{$ref: X}]}. Returns
 * the node holding the $ref, or NULL. */
static const cJSON *single_ref(mg_model *m, const cJSON *node)
{
    if (!is_object(node))
        return NULL;
    if (is_string(get(node, "$ref")) && (!m->priv->ref_siblings || !has_structure(node, NULL)))
        return node;
    const cJSON *all = get(node, "allOf");
    if (cJSON_GetArraySize(all) == 1 && !has_structure(node, "allOf") &&
        is_string(get(all->child, "$ref")) && !has_structure(all->child, NULL))
        return all->child;
    return NULL;
}

static int flatten(mg_model *m, const mg_doc *doc, const cJSON *node, parts *ps, int depth)
{
    if (cJSON_IsBool(node))
        return 0; /* true/false schemas: no keywords to merge */
    if (!is_object(node)) {
        err(m, mark(doc, node), "a schema must be a mapping (or true/false)");
        return -1;
    }
    if (depth > MG_MAX_REF_DEPTH) {
        err(m, mark(doc, node), "allOf/$ref nesting deeper than %d", MG_MAX_REF_DEPTH);
        return -1;
    }
    for (int i = 0; i < depth; i++)
        if (ps->path[i] == node) {
            err(m, mark(doc, node), "allOf cycle: this schema includes itself");
            return -1;
        }
    ps->path[depth] = node;
    /* A diamond (two bases sharing a base) reaches a schema twice: its
     * keywords count once. */
    for (int i = 0; i < ps->n; i++)
        if (ps->p[i].node == node)
            return 0;
    if (is_string(get(node, "$ref"))) {
        const mg_doc *tdoc = NULL;
        const cJSON *tnode = NULL;
        if (follow(m, doc, node, &tdoc, &tnode) < 0)
            return -1;
        if (m->priv->ref_siblings && ps->n < MAX_PARTS)
            ps->p[ps->n++] = (part){doc, node, initials64(node)};
        return flatten(m, tdoc, tnode, ps, depth + 1);
    }
    if (ps->n >= MAX_PARTS) {
        err(m, mark(doc, node), "more than %d allOf members", MAX_PARTS);
        return -1;
    }
    ps->p[ps->n++] = (part){doc, node, initials64(node)};
    const cJSON *all = get(node, "allOf"), *it;
    if (all && !is_array(all)) {
        err(m, mark(doc, all), "'allOf' must be a list of schemas");
        return -1;
    }
    cJSON_ArrayForEach(it, all)
        if (flatten(m, doc, it, ps, depth + 1) < 0)
            return -1;
    return 0;
}

/* The last part that has `key`, or NULL. */
static const cJSON *pget(const parts *ps, const char *key, const mg_doc **doc)
{
    for (int i = ps->n - 1; i >= 0; i--) {
        const cJSON *v = part_get(&ps->p[i], key);
        if (v) {
            if (doc)
                *doc = ps->p[i].doc;
            return v;
        }
    }
    return NULL;
}

static unsigned type_bit(const char *t)
{
    static const struct {
        const char *name;
        unsigned bit;
    } tab[] = {{"string", T_STRING}, {"integer", T_INTEGER}, {"number", T_NUMBER | T_INTEGER},
               {"boolean", T_BOOLEAN}, {"object", T_OBJECT}, {"array", T_ARRAY}, {"null", T_NULL}};
    /* same_str: the first bytes differ for all but "number"/"null", so a
     * schema's type costs one strcmp, not up to seven (150 000 calls for a
     * 1 000-message catalogue). */
    for (size_t i = 0; i < sizeof tab / sizeof tab[0]; i++)
        if (same_str(t, tab[i].name))
            return tab[i].bit;
    return 0;
}

static int type_mask(mg_model *m, const mg_doc *doc, const cJSON *t, unsigned *mask)
{
    *mask = 0;
    if (is_string(t)) {
        unsigned b = type_bit(t->valuestring);
        if (!b) {
            err(m, mark(doc, t), "unknown type '%s' (expected string, integer, number, boolean, object, array or null)",
                t->valuestring);
            return -1;
        }
        *mask = b;
        return 0;
    }
    if (is_array(t) && cJSON_GetArraySize(t) > 0) {
        const cJSON *it;
        cJSON_ArrayForEach(it, t) {
            unsigned b;
            if (type_mask(m, doc, it, &b) < 0)
                return -1;
            *mask |= b;
        }
        return 0;
    }
    err(m, mark(doc, t), "'type' must be a type name or a non-empty list of them");
    return -1;
}

static void mask_names(mg_buf *b, unsigned mask)
{
    static const char *const names[] = {"string", "integer", "number", "boolean", "object", "array", "null"};
    int first = 1;
    for (int i = 0; i < 7; i++) {
        if (!(mask & (1u << i)) || (i == 1 && (mask & T_NUMBER)))
            continue;
        mg_buf_appendf(b, "%s%s", first ? "" : "|", names[i]);
        first = 0;
    }
}

/* The JSON types every part allows (T_ALL when no part says), with
 * `nullable: true` adding null. Conflicting parts are an error. */
static int parts_mask(mg_model *m, const parts *ps, unsigned *out)
{
    unsigned acc = T_ALL;
    int seen = -1, nullable = 0;
    for (int i = 0; i < ps->n; i++) {
        const cJSON *t = part_get(&ps->p[i], "type");
        if (cJSON_IsTrue(part_get(&ps->p[i], "nullable")))
            nullable = 1;
        if (!t)
            continue;
        unsigned b;
        if (type_mask(m, ps->p[i].doc, t, &b) < 0)
            return -1;
        if (nullable)
            b |= T_NULL;
        if ((acc & b) == 0 || ((acc & b) == T_NULL && b != T_NULL && acc != T_NULL)) {
            mg_buf x, y;
            mg_buf_init(&x);
            mg_buf_init(&y);
            mask_names(&x, b);
            mask_names(&y, acc);
            err(m, mark(ps->p[i].doc, t), "conflicting types in allOf: '%s' here, '%s' at %s",
                mg_buf_cstr(&x), mg_buf_cstr(&y),
                where(m, mark(ps->p[seen].doc, get(ps->p[seen].node, "type"))));
            mg_buf_fini(&x);
            mg_buf_fini(&y);
            return -1;
        }
        acc &= b;
        seen = i;
    }
    if (nullable && acc != T_ALL)
        acc |= T_NULL;
    *out = acc;
    return 0;
}

/* ---- constraints ----------------------------------------------------- */

static int is_nonneg_int(const cJSON *v)
{
    return is_number(v) && v->valuedouble >= 0 && v->valuedouble == floor(v->valuedouble) &&
           v->valuedouble < 9007199254740992.0;
}

/* A numeric bound must be finite: 1e400 in JSON or .inf/.nan in YAML would
 * print as inf/nan in generated code (C and TypeScript do not compile, Python
 * names an undefined variable). check_schemas reports them, once, for every
 * schema; here they are only left out. */
static int finite_bound(const cJSON *v)
{
    return !is_number(v) || isfinite(v->valuedouble);
}

static void check_pattern_at(mg_model *m, mg_mark at, const char *text)
{
    int code;
    PCRE2_SIZE off;
    pcre2_code *re = pcre2_compile((PCRE2_SPTR)text, PCRE2_ZERO_TERMINATED, PCRE2_UTF | PCRE2_UCP, &code, &off, NULL);
    if (re) {
        pcre2_code_free(re);
        return;
    }
    PCRE2_UCHAR msg[160];
    pcre2_get_error_message(code, msg, sizeof msg);
    err(m, at, "invalid pattern '%s': %s at offset %zu", text, (const char *)msg, (size_t)off);
}

static void check_pattern(mg_model *m, const mg_doc *doc, const cJSON *p)
{
    check_pattern_at(m, mark(doc, p), p->valuestring);
}

/* A patternProperties key (the pattern is the member's name). */
static void check_pattern_key(mg_model *m, const mg_doc *doc, const cJSON *member)
{
    check_pattern_at(m, key_mark(doc, member), member->string);
}

/* Collects the constraint keywords of all parts into one object. Where allOf
 * members both bound a value, the stricter bound wins. */
/* The keywords constraints_of reads, in the order it applies them (the
 * order of the constraints object's members). */
enum {
    KW_MINLENGTH, KW_MAXLENGTH, KW_MINITEMS, KW_MAXITEMS, KW_MINPROPERTIES, KW_MAXPROPERTIES,
    KW_MINIMUM, KW_MAXIMUM, KW_MULTIPLEOF, KW_EXCLMIN, KW_EXCLMAX, KW_PATTERN, KW_FORMAT,
    KW_UNIQUEITEMS, KW_CONST, KW_COUNT
};
static const char *const constraint_keywords[KW_COUNT] = {
    "minLength", "maxLength", "minItems", "maxItems", "minProperties", "maxProperties",
    "minimum", "maximum", "multipleOf", "exclusiveMinimum", "exclusiveMaximum", "pattern", "format",
    "uniqueItems", "const"};

/* Sets kw[i] to the member of `n` named constraint_keywords[i] (the first,
 * as get() finds it), NULL when none, in one pass over n's members: a
 * member's first letter picks the few keywords it can be, where fifteen
 * get() calls scanned every member fifteen times (a typeref each, the
 * model's largest scan). Returns whether it set any: most schemas have
 * none, and reading the fifteen back to find out was 1 % of a model. */
static int constraint_members(const cJSON *n, const cJSON *kw[KW_COUNT])
{
    int any = 0;
    for (int i = 0; i < KW_COUNT; i++)
        kw[i] = NULL;
    if (!is_object(n))
        return 0;
    for (const cJSON *c = n->child; c; c = c->next) {
        const char *k = c->string;
        int lo, hi;
        if (!k)
            continue;
        switch (k[0]) {
        case 'm': lo = KW_MINLENGTH; hi = KW_MULTIPLEOF; break;
        case 'e': lo = KW_EXCLMIN; hi = KW_EXCLMAX; break;
        case 'p': lo = hi = KW_PATTERN; break;
        case 'f': lo = hi = KW_FORMAT; break;
        case 'u': lo = hi = KW_UNIQUEITEMS; break;
        case 'c': lo = hi = KW_CONST; break;
        default: continue;
        }
        for (int i = lo; i <= hi; i++)
            if (strcmp(k, constraint_keywords[i]) == 0) {
                if (!kw[i])
                    kw[i] = c;
                any = 1;
                break;
            }
    }
    return any;
}

static cJSON *constraints_of(mg_model *m, const parts *ps)
{
    static const char *const counts[] = {"minLength", "maxLength", "minItems", "maxItems",
                                         "minProperties", "maxProperties"};
    static const char *const numbers[] = {"minimum", "maximum", "multipleOf"};
    /* Most typerefs have no constraint keyword at all (nine in ten of a
     * catalogue's): for them the loop below would do nothing, and the
     * object it fills is made and freed for nothing. */
    int any = 0;
    for (int i = 0; i < ps->n && !any; i++) {
        const cJSON *kw[KW_COUNT];
        any = constraint_members(ps->p[i].node, kw);
    }
    if (!any)
        return empty_object(m);
    /* Not in `owned` until it proves non-empty (the end). */
    cJSON *c = cJSON_CreateObject();
    for (int i = 0; i < ps->n; i++) {
        const mg_doc *doc = ps->p[i].doc;
        const cJSON *n = ps->p[i].node, *v;
        const cJSON *kw[KW_COUNT];
        constraint_members(n, kw);
        for (size_t k = 0; k < sizeof counts / sizeof counts[0]; k++) {
            if (!(v = kw[KW_MINLENGTH + k]) || !finite_bound(v))
                continue;
            if (!is_nonneg_int(v)) {
                err(m, mark(doc, v), "'%s' must be a non-negative integer", counts[k]);
                continue;
            }
            const cJSON *old = mg_json_get(c, counts[k]);
            int is_min = strncmp(counts[k], "min", 3) == 0;
            if (!old || (is_min ? v->valuedouble > old->valuedouble : v->valuedouble < old->valuedouble)) {
                cJSON_DeleteItemFromObjectCaseSensitive(c, counts[k]);
                cJSON_AddNumberToObject(c, counts[k], v->valuedouble);
            }
        }
        for (size_t k = 0; k < sizeof numbers / sizeof numbers[0]; k++) {
            if (!(v = kw[KW_MINIMUM + k]))
                continue;
            if (!finite_bound(v))
                continue;
            if (!is_number(v) || (k == 2 && !(v->valuedouble > 0))) {
                err(m, mark(doc, v), "'%s' must be a %snumber", numbers[k], k == 2 ? "positive " : "");
                continue;
            }
            const cJSON *old = mg_json_get(c, numbers[k]);
            if (!old || k == 2 || (k == 0 ? v->valuedouble > old->valuedouble : v->valuedouble < old->valuedouble)) {
                cJSON_DeleteItemFromObjectCaseSensitive(c, numbers[k]);
                cJSON_AddNumberToObject(c, numbers[k], v->valuedouble);
            }
        }
        /* exclusiveMinimum/Maximum: numbers since draft-06; booleans (draft-04
         * style, still met in AsyncAPI 2 documents) turn the plain bound
         * exclusive. */
        const char *excl[2] = {"exclusiveMinimum", "exclusiveMaximum"};
        const char *plain[2] = {"minimum", "maximum"};
        for (int k = 0; k < 2; k++) {
            if (!(v = kw[KW_EXCLMIN + k]))
                continue;
            if (cJSON_IsBool(v)) {
                const cJSON *b = mg_json_get(c, plain[k]);
                if (cJSON_IsTrue(v) && b) {
                    double x = b->valuedouble;
                    cJSON_DeleteItemFromObjectCaseSensitive(c, plain[k]);
                    cJSON_DeleteItemFromObjectCaseSensitive(c, excl[k]);
                    cJSON_AddNumberToObject(c, excl[k], x);
                }
            } else if (is_number(v)) {
                if (!finite_bound(v))
                    continue;
                cJSON_DeleteItemFromObjectCaseSensitive(c, excl[k]);
                cJSON_AddNumberToObject(c, excl[k], v->valuedouble);
            } else {
                err(m, mark(doc, v), "'%s' must be a number", excl[k]);
            }
        }
        if ((v = kw[KW_PATTERN])) {
            if (!is_string(v))
                err(m, mark(doc, v), "'pattern' must be a string");
            else {
                check_pattern(m, doc, v);
                cJSON_DeleteItemFromObjectCaseSensitive(c, "pattern");
                cJSON_AddStringToObject(c, "pattern", v->valuestring);
            }
        }
        if ((v = kw[KW_FORMAT])) {
            if (!is_string(v))
                err(m, mark(doc, v), "'format' must be a string");
            else {
                cJSON_DeleteItemFromObjectCaseSensitive(c, "format");
                cJSON_AddStringToObject(c, "format", v->valuestring);
            }
        }
        if ((v = kw[KW_UNIQUEITEMS])) {
            if (!cJSON_IsBool(v))
                err(m, mark(doc, v), "'uniqueItems' must be true or false");
            else if (cJSON_IsTrue(v) && !mg_json_get(c, "uniqueItems"))
                cJSON_AddTrueToObject(c, "uniqueItems");
        }
        if ((v = kw[KW_CONST])) {
            cJSON_DeleteItemFromObjectCaseSensitive(c, "const");
            cJSON_AddItemToObject(c, "const", cJSON_Duplicate(v, 1));
        }
    }
    static const char *const pairs[][2] = {{"minimum", "maximum"}, {"minLength", "maxLength"},
                                           {"minItems", "maxItems"}, {"minProperties", "maxProperties"}};
    for (size_t k = 0; k < sizeof pairs / sizeof pairs[0]; k++) {
        const cJSON *lo = mg_json_get(c, pairs[k][0]);
        const cJSON *hi = mg_json_get(c, pairs[k][1]);
        if (lo && hi && lo->valuedouble > hi->valuedouble) {
            const mg_doc *doc = NULL;
            const cJSON *at = pget(ps, pairs[k][0], &doc);
            err(m, mark(doc, at), "'%s' %g is greater than '%s' %g", pairs[k][0], lo->valuedouble,
                pairs[k][1], hi->valuedouble);
        }
    }
    if (!c->child) {
        cJSON_Delete(c);
        return empty_object(m);
    }
    return owned(m, c);
}

/* Checks an enum list: non-empty, no duplicates. Returns 0 or -1. */
static int check_enum(mg_model *m, const mg_doc *doc, const cJSON *e)
{
    if (!is_array(e) || cJSON_GetArraySize(e) == 0) {
        err(m, mark(doc, e), "'enum' must be a non-empty list of values");
        return -1;
    }
    for (const cJSON *a = e->child; a; a = a->next)
        for (const cJSON *b = a->next; b; b = b->next)
            if (cJSON_Compare(a, b, 1)) {
                char *s = cJSON_PrintUnformatted(a);
                err(m, mark(doc, b), "duplicate enum value %s (first at %s)", s ? s : "?",
                    where(m, mark(doc, a)));
                cJSON_free(s);
                return -1;
            }
    return 0;
}

static int enum_is_strings(const cJSON *e, int *has_null)
{
    const cJSON *v;
    int strings = 0;
    *has_null = 0;
    cJSON_ArrayForEach(v, e) {
        if (cJSON_IsNull(v))
            *has_null = 1;
        else if (is_string(v))
            strings++;
        else
            return 0;
    }
    return strings > 0;
}

/* ---- types ----------------------------------------------------------- */

enum cls { CLS_OTHER, CLS_UNION, CLS_NULLABLE_UNION, CLS_ENUM, CLS_OBJECT, CLS_OPEN_OBJECT, CLS_MULTI };

/* The JSON types of a type list that become union options, in this order
 * ("number" covers "integer"). */
static const unsigned multi_bits[] = {T_STRING, T_NUMBER | T_INTEGER, T_INTEGER, T_BOOLEAN, T_OBJECT, T_ARRAY};

static int multi_count(unsigned mask)
{
    int n = 0;
    for (size_t i = 0; i < sizeof multi_bits / sizeof multi_bits[0]; i++)
        if ((mask & multi_bits[i]) == multi_bits[i] &&
            !(multi_bits[i] == T_INTEGER && (mask & T_NUMBER)))
            n++;
    return n;
}

static const cJSON *union_list(const parts *ps, const mg_doc **doc, int *any_of)
{
    const cJSON *u = pget(ps, "oneOf", doc);
    *any_of = 0;
    if (!u) {
        u = pget(ps, "anyOf", doc);
        *any_of = u != NULL;
    }
    return u;
}

static int is_null_schema(const cJSON *s)
{
    const cJSON *t = get(s, "type");
    return is_string(t) && strcmp(t->valuestring, "null") == 0 && cJSON_GetArraySize(s) == 1;
}

static int classify(mg_model *m, const parts *ps, unsigned mask, enum cls *out)
{
    const mg_doc *udoc = NULL;
    int any_of;
    const cJSON *u = union_list(ps, &udoc, &any_of);
    *out = CLS_OTHER;
    if (u) {
        if (!is_array(u) || cJSON_GetArraySize(u) == 0) {
            err(m, mark(udoc, u), "'%s' must be a non-empty list of schemas", any_of ? "anyOf" : "oneOf");
            return -1;
        }
        int nulls = 0;
        const cJSON *it;
        cJSON_ArrayForEach(it, u)
            nulls += is_null_schema(it);
        *out = cJSON_GetArraySize(u) == 2 && nulls == 1 ? CLS_NULLABLE_UNION : CLS_UNION;
        return 0;
    }
    const mg_doc *edoc = NULL;
    const cJSON *e = pget(ps, "enum", &edoc);
    if (e) {
        if (check_enum(m, edoc, e) < 0)
            return -1;
        int has_null;
        if (enum_is_strings(e, &has_null) && (mask & T_STRING)) {
            *out = CLS_ENUM;
            return 0;
        }
    }
    /* type: [string, integer]: a union of its types (beyond [x, null]). */
    if (mask != T_ALL && multi_count(mask & ~T_NULL) > 1) {
        *out = CLS_MULTI;
        return 0;
    }
    int objecty = (mask & T_OBJECT) && !(mask & ~(T_OBJECT | T_NULL));
    if (mask == T_ALL && (pget(ps, "properties", NULL) || pget(ps, "additionalProperties", NULL) ||
                          pget(ps, "patternProperties", NULL)))
        objecty = 1;
    if (objecty)
        *out = pget(ps, "properties", NULL) || pget(ps, "required", NULL) ? CLS_OBJECT : CLS_OPEN_OBJECT;
    return 0;
}

static mg_type *named_type(mg_model *m, const mg_doc *doc, const cJSON *node, const char *raw,
                           int declared);
static mg_typeref *build_typeref(mg_model *m, const mg_doc *doc, const cJSON *node, const char *hint);
static mg_type *find_type_by_node(mg_model *m, const cJSON *node);

static mg_typeref *pattern_values(mg_model *m, const parts *ps, const char *hint, const char **key_pattern,
                                  int *has);

static mg_typeref *new_typeref(mg_model *m, mg_kind kind, const mg_doc *doc, const cJSON *node)
{
    mg_typeref *r = palloc(m, sizeof *r);
    r->kind = kind;
    r->doc = doc;
    r->schema = node;
    r->constraints = empty_object(m);
    return r;
}

/* The name source of a hoisted type: the parent's words (its snake casing,
 * which keeps word boundaries that a Pascal form like "MC" would lose) and
 * the suffix's. named_type shows it as the Pascal casing in name.raw.
 * A hint is needed only while the typeref below it is built (named_type
 * keeps the casings, not the hint): it goes in `buf` (HINT_ROOM bytes, the
 * caller's), or in a block the caller frees when longer (free_hint). Kept in
 * the model's arena, the hints of every property were a twentieth of a big
 * model. */
#define HINT_ROOM 192
static char *hoist_name(char *buf, const char *hint, const char *suffix)
{
    /* "hint suffix", put together by hand: through mg_buf_appendf's
     * vsnprintf it was 3.6 M instructions for 1 400 names. NULL reads as
     * printf's %s wrote it. */
    if (!hint)
        hint = "(null)";
    if (!suffix)
        suffix = "(null)";
    size_t hn = strlen(hint), sn = strlen(suffix);
    char *s = hn + sn + 2 <= HINT_ROOM ? buf : mg_xmalloc(hn + sn + 2);
    memcpy(s, hint, hn);
    s[hn] = ' ';
    memcpy(s + hn + 1, suffix, sn + 1);
    return s;
}

static void free_hint(char *buf, char *hint)
{
    if (hint != buf)
        free(hint);
}

/* Tells name_init that `hint` is `parent`'s snake casing and `suffix`
 * (hoist_name's form), until hoist_end restores what was there before
 * (hints nest: a hoisted object's properties are built inside it). */
static struct hoist_ctx hoist_begin(mg_model *m, const char *hint, const mg_name *parent, const char *suffix)
{
    struct hoist_ctx saved = m->priv->hoist;
    m->priv->hoist.text = suffix ? hint : NULL;
    m->priv->hoist.parent = parent;
    m->priv->hoist.suffix = suffix;
    return saved;
}

static void hoist_end(mg_model *m, struct hoist_ctx saved)
{
    m->priv->hoist = saved;
}

/* build_typeref with the hint "<parent's snake casing> <suffix>", which
 * name_init may make from the parent's casings (hoist_begin). */
static mg_typeref *build_hoisted_from(mg_model *m, const mg_doc *doc, const cJSON *node, const mg_name *parent,
                                      const char *suffix)
{
    char buf[HINT_ROOM];
    char *h = hoist_name(buf, parent->s[MG_CASE_SNAKE], suffix);
    struct hoist_ctx saved = hoist_begin(m, h, parent, suffix);
    mg_typeref *r = build_typeref(m, doc, node, h);
    hoist_end(m, saved);
    free_hint(buf, h);
    return r;
}

/* build_typeref with the hint `hint suffix`. */
static mg_typeref *build_hoisted(mg_model *m, const mg_doc *doc, const cJSON *node, const char *hint,
                                 const char *suffix)
{
    char buf[HINT_ROOM];
    char *h = hoist_name(buf, hint, suffix);
    mg_typeref *r = build_typeref(m, doc, node, h);
    free_hint(buf, h);
    return r;
}

/* A typeref from flattened parts that is not itself hoisted: primitives,
 * arrays, maps, the nullable form of a two-member union, and `any`. */
static mg_typeref *plain_typeref(mg_model *m, const parts *ps, unsigned mask, enum cls cls,
                                 const mg_doc *doc, const cJSON *node, const char *hint)
{
    if (cls == CLS_NULLABLE_UNION) {
        const mg_doc *udoc = NULL;
        int any_of;
        const cJSON *u = union_list(ps, &udoc, &any_of), *it;
        cJSON_ArrayForEach(it, u)
            if (!is_null_schema(it)) {
                mg_typeref *r = build_typeref(m, udoc, it, hint);
                if (r)
                    r->nullable = 1;
                return r;
            }
    }
    unsigned nn = mask & ~T_NULL;
    mg_kind kind = MG_KIND_ANY;
    const cJSON *cv = pget(ps, "const", NULL);
    if (mask == T_ALL && cv) {
        /* {const: x} says its type through x. */
        mask = is_string(cv) ? T_STRING : cJSON_IsBool(cv) ? T_BOOLEAN : cJSON_IsNull(cv) ? T_NULL
             : is_array(cv) ? T_ARRAY : is_object(cv) ? T_OBJECT
             : cv->valuedouble == floor(cv->valuedouble) ? T_INTEGER : (T_NUMBER | T_INTEGER);
        nn = mask & ~T_NULL;
    }
    if (mask == T_ALL) {
        if (pget(ps, "items", NULL) || pget(ps, "prefixItems", NULL))
            kind = MG_KIND_ARRAY;
        else if (cls == CLS_OPEN_OBJECT)
            kind = MG_KIND_MAP;
    } else if (nn == 0)
        kind = MG_KIND_NULL;
    else if (nn == T_STRING)
        kind = MG_KIND_STRING;
    else if (nn == T_INTEGER)
        kind = MG_KIND_INTEGER;
    else if (nn == (T_NUMBER | T_INTEGER))
        kind = MG_KIND_NUMBER;
    else if (nn == T_BOOLEAN)
        kind = MG_KIND_BOOLEAN;
    else if (nn == T_ARRAY)
        kind = MG_KIND_ARRAY;
    else if (nn == T_OBJECT)
        kind = MG_KIND_MAP;
    mg_typeref *r = new_typeref(m, kind, doc, node);
    r->nullable = mask != T_ALL && (mask & T_NULL) && nn != 0;
    r->constraints = constraints_of(m, ps);
    const mg_doc *edoc = NULL;
    const cJSON *e = pget(ps, "enum", &edoc);
    if (e) {
        int has_null;
        enum_is_strings(e, &has_null);
        cJSON_AddItemToObject(own_object(m, &r->constraints), "enum", cJSON_Duplicate(e, 1));
        if (has_null && kind != MG_KIND_NULL)
            r->nullable = 1;
    }
    const cJSON *f = mg_json_get(r->constraints, "format");
    r->format = f ? f->valuestring : NULL;
    if (kind == MG_KIND_ARRAY) {
        const mg_doc *idoc = NULL, *pdoc = NULL, *xdoc = NULL;
        const cJSON *items = pget(ps, "items", &idoc);
        const cJSON *prefix = pget(ps, "prefixItems", &pdoc);
        const cJSON *rest = NULL;
        if (prefix && !is_array(prefix)) {
            err(m, mark(pdoc, prefix), "'prefixItems' must be a list of schemas");
            prefix = NULL;
        }
        if (prefix) {
            /* 2020-12: prefixItems are the positions, `items` the rest. */
            rest = items;
            xdoc = idoc;
        } else if (is_array(items)) {
            /* draft-07: an items list is the positions, additionalItems the rest. */
            prefix = items;
            pdoc = idoc;
            rest = pget(ps, "additionalItems", &xdoc);
        }
        if (prefix) {
            vec elems = {0};
            const cJSON *it;
            int i = 0;
            cJSON_ArrayForEach(it, prefix) {
                char suffix[32];
                snprintf(suffix, sizeof suffix, "item%d", ++i);
                mg_typeref *el = build_hoisted(m, pdoc, it, hint, suffix);
                vec_push(&elems, el ? el : new_typeref(m, MG_KIND_ANY, pdoc, it));
            }
            r->ntuple = elems.n;
            r->tuple = (mg_typeref **)keep_vec(m, &elems);
            r->tuple_rest = !cJSON_IsFalse(rest);
            if (is_object(rest))
                r->items = build_hoisted(m, xdoc, rest, hint, "rest");
            else {
                if (rest && !cJSON_IsBool(rest))
                    err(m, mark(xdoc, rest), "the items after a tuple's positions must be a schema or true/false");
                r->items = new_typeref(m, MG_KIND_ANY, xdoc, rest);
            }
        } else if (is_object(items) || cJSON_IsBool(items))
            r->items = build_hoisted(m, idoc, items, hint, "item");
        else {
            if (items)
                err(m, mark(idoc, items), "'items' must be a schema (or a list of schemas)");
            r->items = new_typeref(m, MG_KIND_ANY, idoc, items);
        }
    } else if (kind == MG_KIND_MAP) {
        const mg_doc *adoc = NULL;
        const cJSON *ap = pget(ps, "additionalProperties", &adoc);
        int has_pp = 0;
        mg_typeref *pv = pattern_values(m, ps, hint, &r->key_pattern, &has_pp);
        if (has_pp)
            r->items = pv;
        else if (is_object(ap))
            r->items = build_hoisted(m, adoc, ap, hint, "value");
        else {
            if (ap && !cJSON_IsBool(ap))
                err(m, mark(adoc, ap), "'additionalProperties' must be true, false or a schema");
            r->items = new_typeref(m, MG_KIND_ANY, adoc, ap);
        }
    }
    if (r && r->items == NULL && (kind == MG_KIND_ARRAY || kind == MG_KIND_MAP))
        return NULL;
    return r;
}

/* The values of a map from patternProperties: with one pattern and
 * additionalProperties false, every key matches it and the values are its
 * schema (*key_pattern is set); otherwise any JSON value, with a warning that
 * says why. *has is 0 (and NULL returned) when there is no patternProperties. */
static mg_typeref *pattern_values(mg_model *m, const parts *ps, const char *hint, const char **key_pattern,
                                  int *has)
{
    const mg_doc *adoc = NULL, *pdoc = NULL;
    const cJSON *ap = pget(ps, "additionalProperties", &adoc);
    const cJSON *pp = pget(ps, "patternProperties", &pdoc), *it;
    *has = 0;
    if (!pp)
        return NULL;
    if (!is_object(pp)) {
        err(m, mark(pdoc, pp), "'patternProperties' must be a mapping of patterns to schemas");
        return NULL;
    }
    cJSON_ArrayForEach(it, pp)
        check_pattern_key(m, pdoc, it);
    if (cJSON_GetArraySize(pp) == 0)
        return NULL;
    *has = 1;
    if (cJSON_GetArraySize(pp) == 1 && cJSON_IsFalse(ap)) {
        *key_pattern = pp->child->string;
        return build_hoisted(m, pdoc, pp->child, hint, "value");
    }
    mg_diag_warning(m->priv->d, mark(pdoc, pp),
                    "patternProperties %s: map values are typed as any JSON value (validated all the same)",
                    cJSON_GetArraySize(pp) > 1 ? "with several patterns"
                                               : "without additionalProperties: false (other keys may hold anything)");
    return new_typeref(m, MG_KIND_ANY, pdoc, pp);
}

static mg_typeref *ref_to(mg_model *m, mg_type *t, const mg_doc *doc, const cJSON *node)
{
    if (!t)
        return NULL;
    mg_typeref *r = new_typeref(m, MG_KIND_REF, doc, node);
    r->ref = t;
    r->nullable = get_true(node, "nullable") || get_true(t->schema, "nullable");
    if (t->kind == MG_TYPE_ENUM) {
        const cJSON *e = get(t->schema, "enum"), *v;
        cJSON_ArrayForEach(v, e)
            if (cJSON_IsNull(v))
                r->nullable = 1;
    }
    const cJSON *tt = get(t->schema, "type"), *v;
    cJSON_ArrayForEach(v, tt)
        if (is_string(v) && strcmp(v->valuestring, "null") == 0)
            r->nullable = 1;
    return r;
}

/* The name a $ref target gets: the last token of its pointer, or for a
 * whole file its title or file name. */
static char *ref_target_name(mg_model *m, const mg_doc *doc, const cJSON *node)
{
    char *uri = mg_resolve_node_uri(m->set, doc, node);
    const char *hash = uri ? strchr(uri, '#') : NULL;
    char *out;
    if (hash && hash[1] == '/') {
        const char *last = strrchr(hash, '/') + 1;
        mg_buf b;
        mg_buf_init(&b);
        mg_jptr_decode_token(&b, last, NULL);
        out = pstrdup(m, mg_buf_cstr(&b));
        mg_buf_fini(&b);
    } else if (get_str(node, "title")) {
        out = pstrdup(m, get_str(node, "title"));
    } else {
        const char *p = doc->path, *slash = strrchr(p, '/');
        const char *base = slash ? slash + 1 : p;
        out = pstrdup(m, base);
        char *dot = strrchr(out, '.');
        if (dot && dot != out)
            *dot = '\0';
    }
    free(uri);
    return out;
}

static mg_typeref *build_typeref(mg_model *m, const mg_doc *doc, const cJSON *node, const char *hint)
{
    if (cJSON_IsBool(node))
        return new_typeref(m, MG_KIND_ANY, doc, node);
    const cJSON *sref = single_ref(m, node);
    if (sref) {
        const mg_doc *tdoc = NULL;
        const cJSON *tnode = NULL;
        if (follow(m, doc, sref, &tdoc, &tnode) < 0)
            return NULL;
        /* A declared type is met through every $ref to it: its name (the
         * target's URI, built through the parent links) is made only the
         * first time; named_type would find the type by its node all the
         * same. */
        mg_type *t = single_ref(m, tnode) == tnode ? NULL : find_type_by_node(m, tnode);
        if (!t)
            t = named_type(m, tdoc, tnode, ref_target_name(m, tdoc, tnode), 1);
        mg_typeref *r = ref_to(m, t, doc, node);
        if (r && get_true(node, "nullable"))
            r->nullable = 1;
        return r;
    }
    parts ps;
    PARTS_EMPTY(ps);
    unsigned mask;
    enum cls cls;
    if (flatten(m, doc, node, &ps, 0) < 0 || parts_mask(m, &ps, &mask) < 0 ||
        classify(m, &ps, mask, &cls) < 0)
        return NULL;
    if (cls == CLS_UNION || cls == CLS_ENUM || cls == CLS_OBJECT || cls == CLS_MULTI) {
        mg_typeref *r = ref_to(m, named_type(m, doc, node, hint, 0), doc, node);
        if (r && mask != T_ALL && (mask & T_NULL))
            r->nullable = 1;
        return r;
    }
    return plain_typeref(m, &ps, mask, cls, doc, node, hint);
}

/* The members of a property schema that its field's metadata comes from,
 * each the first of its name as get() finds it (NULL when none or when the
 * schema is not an object), in one pass over the members: the fourteen
 * get() calls of a property and its $ref target, where "description",
 * "default" and "deprecated" share their first byte, were 3 % of a
 * model. */
typedef struct fmeta {
    const cJSON *description, *default_value, *const_value, *examples;
    const cJSON *read_only, *write_only, *deprecated;
} fmeta;

static void fmeta_of(const cJSON *n, fmeta *fm)
{
    memset(fm, 0, sizeof *fm);
    if (!is_object(n))
        return;
    for (const cJSON *c = n->child; c; c = c->next) {
        const char *k = c->string;
        const cJSON **slot = NULL;
        if (!k)
            continue;
        switch (k[0]) {
        case 'd':
            slot = strcmp(k, "description") == 0 ? &fm->description
                   : strcmp(k, "default") == 0   ? &fm->default_value
                   : strcmp(k, "deprecated") == 0 ? &fm->deprecated
                                                  : NULL;
            break;
        case 'c': slot = strcmp(k, "const") == 0 ? &fm->const_value : NULL; break;
        case 'e': slot = strcmp(k, "examples") == 0 ? &fm->examples : NULL; break;
        case 'r': slot = strcmp(k, "readOnly") == 0 ? &fm->read_only : NULL; break;
        case 'w': slot = strcmp(k, "writeOnly") == 0 ? &fm->write_only : NULL; break;
        default: break;
        }
        if (slot && !*slot)
            *slot = c;
    }
}

static const char *type_src(mg_model *m, const mg_type *t)
{
    return where(m, t->mark);
}

static void build_object(mg_model *m, mg_type *t, const parts *ps)
{
    vec fields = {0};
    const char *tname = t->name.s[MG_CASE_SNAKE];
    /* Properties of every part, in order; a later definition of the same
     * property refines the earlier one and must not contradict its type. */
    for (int i = 0; i < ps->n && !stop(m); i++) {
        const mg_doc *doc = ps->p[i].doc;
        const cJSON *props = part_get(&ps->p[i], "properties"), *p;
        if (!props)
            continue;
        if (!is_object(props)) {
            err(m, mark(doc, props), "'properties' must be a mapping of names to schemas");
            continue;
        }
        cJSON_ArrayForEach(p, props) {
            mg_field *f = NULL;
            for (int k = 0; k < fields.n; k++)
                if (same_str(((mg_field *)fields.v[k])->wire, p->string))
                    f = fields.v[k];
            mg_mark km = key_mark(doc, p);
            if (f) {
                parts a, b;
                PARTS_EMPTY(a);
                PARTS_EMPTY(b);
                unsigned ma, mb;
                if (flatten(m, f->type->doc, f->type->schema, &a, 0) == 0 && flatten(m, doc, p, &b, 0) == 0 &&
                    parts_mask(m, &a, &ma) == 0 && parts_mask(m, &b, &mb) == 0 && !(ma & mb)) {
                    mg_buf x, y;
                    mg_buf_init(&x);
                    mg_buf_init(&y);
                    mask_names(&x, mb);
                    mask_names(&y, ma);
                    err(m, km, "conflicting types in allOf for property '%s': '%s' here, '%s' at %s", p->string,
                        mg_buf_cstr(&x), mg_buf_cstr(&y), where(m, f->mark));
                    mg_buf_fini(&x);
                    mg_buf_fini(&y);
                    continue;
                }
            } else {
                f = palloc(m, sizeof *f);
                f->wire = p->string;
                name_init(m, &f->name, p->string);
                if (mg_name_is_empty(&f->name)) {
                    err(m, km, "property name '%s' has no letter or digit to build an identifier from", p->string);
                    continue;
                }
                for (int k = 0; k < fields.n; k++) {
                    mg_field *g = fields.v[k];
                    if (same_str(g->name.s[MG_CASE_SNAKE], f->name.s[MG_CASE_SNAKE]))
                        err(m, km, "properties '%s' and '%s' (at %s) of '%s' both become identifier '%s'",
                            p->string, g->wire, where(m, g->mark), t->name.s[MG_CASE_PASCAL], f->name.s[MG_CASE_SNAKE]);
                }
                vec_push(&fields, f);
            }
            char hbuf[HINT_ROOM];
            char *hint = hoist_name(hbuf, tname, p->string);
            struct hoist_ctx saved = hoist_begin(m, hint, &t->name, p->string);
            if (!f->type) {
                f->mark = km;
                f->type = build_typeref(m, doc, p, hint);
            } else if (has_structure(p, NULL) || get(p, "$ref")) {
                /* A refinement (allOf member re-declaring a property, e.g.
                 * a tighter maximum): primitives merge their keywords, the
                 * stricter bound winning; structured types take the later
                 * definition. */
                parts mp;
                PARTS_EMPTY(mp);
                unsigned mm;
                enum cls mc;
                if (flatten(m, f->type->doc, f->type->schema, &mp, 0) == 0 && flatten(m, doc, p, &mp, 0) == 0 &&
                    parts_mask(m, &mp, &mm) == 0 && classify(m, &mp, mm, &mc) == 0 &&
                    mc != CLS_UNION && mc != CLS_ENUM && mc != CLS_OBJECT && !single_ref(m, p))
                    f->type = plain_typeref(m, &mp, mm, mc, doc, p, hint);
                else
                    f->type = build_typeref(m, doc, p, hint);
            }
            hoist_end(m, saved);
            free_hint(hbuf, hint);
            if (!f->type) {
                f->type = new_typeref(m, MG_KIND_ANY, doc, p);
                continue;
            }
            /* Field metadata: from the property, else from what it refers
             * to, else from an earlier definition of the same property. */
            const mg_doc *tdoc = doc;
            const cJSON *tnode = p;
            if (is_string(get(p, "$ref")))
                follow(m, doc, p, &tdoc, &tnode);
            fmeta pm, tm;
            fmeta_of(p, &pm);
            if (tnode == p)
                tm = pm;
            else
                fmeta_of(tnode, &tm);
            const char *desc = is_string(pm.description) ? pm.description->valuestring : NULL;
            if (!desc)
                desc = is_string(tm.description) ? tm.description->valuestring : NULL;
            if (desc)
                f->description = desc;
            const cJSON *x;
            if ((x = pm.default_value ? pm.default_value : tm.default_value))
                f->default_value = x;
            if ((x = pm.const_value ? pm.const_value : tm.const_value))
                f->const_value = x;
            if ((x = pm.examples ? pm.examples : tm.examples))
                f->examples = x;
            f->read_only |= cJSON_IsTrue(pm.read_only) || cJSON_IsTrue(tm.read_only);
            f->write_only |= cJSON_IsTrue(pm.write_only) || cJSON_IsTrue(tm.write_only);
            f->deprecated |= cJSON_IsTrue(pm.deprecated) || cJSON_IsTrue(tm.deprecated);
        }
    }
    for (int i = 0; i < ps->n; i++) {
        const mg_doc *doc = ps->p[i].doc;
        const cJSON *req = part_get(&ps->p[i], "required"), *r;
        if (!req)
            continue;
        if (!is_array(req)) {
            err(m, mark(doc, req), "'required' must be a list of property names");
            continue;
        }
        cJSON_ArrayForEach(r, req) {
            if (!is_string(r)) {
                err(m, mark(doc, r), "'required' entries must be property names");
                continue;
            }
            mg_field *f = NULL;
            for (int k = 0; k < fields.n; k++)
                if (same_str(((mg_field *)fields.v[k])->wire, r->valuestring))
                    f = fields.v[k];
            if (!f) {
                /* Required but not described: JSON Schema allows it; the
                 * value may be anything. */
                f = palloc(m, sizeof *f);
                f->wire = r->valuestring;
                name_init(m, &f->name, r->valuestring);
                f->mark = mark(doc, r);
                f->type = new_typeref(m, MG_KIND_ANY, doc, r);
                if (mg_name_is_empty(&f->name)) {
                    err(m, f->mark, "property name '%s' has no letter or digit to build an identifier from",
                        r->valuestring);
                    continue;
                }
                vec_push(&fields, f);
            }
            f->required = 1;
        }
    }
    const mg_doc *adoc = NULL;
    const cJSON *ap = pget(ps, "additionalProperties", &adoc);
    if (cJSON_IsFalse(ap))
        t->closed = 1;
    else if (is_object(ap))
        t->additional = build_hoisted_from(m, adoc, ap, &t->name, "value");
    else if (ap && !cJSON_IsTrue(ap))
        err(m, mark(adoc, ap), "'additionalProperties' must be true, false or a schema");
    else if (t->nfields == 0 && fields.n == 0 && !ap)
        t->additional = new_typeref(m, MG_KIND_ANY, t->doc, t->schema);
    const mg_doc *pdoc = NULL;
    const cJSON *pp = pget(ps, "patternProperties", &pdoc);
    if (pp && fields.n > 0)
        mg_diag_warning(m->priv->d, mark(pdoc, pp),
                        "patternProperties beside properties: members matching a pattern are validated but not typed "
                        "(kept as extra members)");
    else if (pp) {
        /* A named map (a payload, a declared schema): its values are typed as
         * an inline map's would be. */
        int has_pp = 0;
        const char *kp = NULL;
        mg_typeref *pv = pattern_values(m, ps, tname, &kp, &has_pp);
        if (has_pp && pv) {
            t->additional = pv;
            t->closed = 0;
        }
    }
    t->nfields = fields.n;
    t->fields = (mg_field **)keep_vec(m, &fields);
}

static void build_enum(mg_model *m, mg_type *t, const parts *ps)
{
    const mg_doc *edoc = NULL;
    const cJSON *e = pget(ps, "enum", &edoc), *v;
    vec values = {0};
    int i = 0;
    cJSON_ArrayForEach(v, e) {
        i++;
        if (cJSON_IsNull(v))
            continue;
        mg_enum_value *ev = palloc(m, sizeof *ev);
        ev->value = v;
        name_init(m, &ev->name, v->valuestring);
        if (mg_name_is_empty(&ev->name)) {
            /* "" or "+": no letters to name it by; its position will do. */
            char buf[32];
            snprintf(buf, sizeof buf, "value %d", i);
            name_init(m, &ev->name, buf);
        }
        for (int k = 0; k < values.n; k++) {
            mg_enum_value *o = values.v[k];
            if (strcmp(o->name.s[MG_CASE_SNAKE], ev->name.s[MG_CASE_SNAKE]) == 0)
                err(m, mark(edoc, v), "enum values '%s' and '%s' of '%s' both become identifier '%s'",
                    v->valuestring, o->value->valuestring, t->name.s[MG_CASE_PASCAL],
                    ev->name.s[MG_CASE_SCREAMING]);
        }
        vec_push(&values, ev);
    }
    t->nvalues = values.n;
    t->values = (mg_enum_value **)keep_vec(m, &values);
}

/* The discriminator value of one union option: from the mapping, else the
 * option's const/single-enum value of the property, else its type name. */
static const char *option_tag(mg_model *m, const mg_type *u, const cJSON *mapping, const mg_typeref *opt)
{
    const cJSON *e;
    if (opt->kind != MG_KIND_REF)
        return NULL;
    const mg_type *t = opt->ref;
    cJSON_ArrayForEach(e, mapping) {
        if (!is_string(e))
            continue;
        const char *ref = e->valuestring, *slash = strrchr(ref, '/');
        const char *last = slash ? slash + 1 : ref;
        if (strcmp(last, t->name.s[MG_CASE_RAW]) == 0)
            return e->string;
    }
    if (t->kind == MG_TYPE_OBJECT)
        for (int i = 0; i < t->nfields; i++) {
            const mg_field *f = t->fields[i];
            if (strcmp(f->wire, u->discriminator) != 0)
                continue;
            if (is_string(f->const_value))
                return f->const_value->valuestring;
            if (f->type->kind == MG_KIND_REF && f->type->ref->kind == MG_TYPE_ENUM &&
                f->type->ref->nvalues == 1)
                return f->type->ref->values[0]->value->valuestring;
        }
    return pstrdup(m, t->name.s[MG_CASE_RAW]);
}

/* The string a field of an option pins: its const, or its one-value enum. */
static const char *field_pin(const mg_field *f)
{
    if (is_string(f->const_value))
        return f->const_value->valuestring;
    const cJSON *e = mg_json_get(f->type->constraints, "enum");
    if (cJSON_GetArraySize(e) == 1 && is_string(e->child))
        return e->child->valuestring;
    if (f->type->kind == MG_KIND_REF && f->type->ref->kind == MG_TYPE_ENUM && f->type->ref->nvalues == 1)
        return f->type->ref->values[0]->value->valuestring;
    return NULL;
}

static const mg_field *find_field(const mg_type *t, const char *wire)
{
    for (int i = 0; t && t->kind == MG_TYPE_OBJECT && i < t->nfields; i++)
        if (strcmp(t->fields[i]->wire, wire) == 0)
            return t->fields[i];
    return NULL;
}

/* Without a `discriminator`: the first property (in the first option's
 * order) that every option, an object, requires and pins to a string that
 * no other option uses ({type: heartbeat} | {type: tick}). NULL if none, or
 * when an option is still being built (a recursive union: its fields are
 * not known yet). */
static const char *common_const_property(const mg_type *t)
{
    if (t->noptions < 2)
        return NULL;
    for (int k = 0; k < t->noptions; k++) {
        const mg_typeref *r = t->options[k]->type;
        if (r->kind != MG_KIND_REF || r->nullable || r->ref->kind != MG_TYPE_OBJECT || r->ref->building_)
            return NULL;
    }
    const mg_type *first = t->options[0]->type->ref;
    for (int i = 0; i < first->nfields; i++) {
        const char *wire = first->fields[i]->wire;
        int ok = 1;
        for (int k = 0; k < t->noptions && ok; k++) {
            const mg_field *f = find_field(t->options[k]->type->ref, wire);
            const char *pin = f && f->required ? field_pin(f) : NULL;
            if (!pin) {
                ok = 0;
                break;
            }
            for (int j = 0; j < k && ok; j++)
                if (strcmp(field_pin(find_field(t->options[j]->type->ref, wire)), pin) == 0)
                    ok = 0;
        }
        if (ok)
            return wire;
    }
    return NULL;
}

/* Tags: names for the tag enum constants of targets that have one, and
 * whether the union is tagged (every option has its own tag). Two tags
 * whose identifiers collide are an error, as for enum values. */
static int in_mapping(const cJSON *mapping, const char *tag)
{
    const cJSON *e;
    cJSON_ArrayForEach(e, mapping)
        if (e->string && strcmp(e->string, tag) == 0)
            return 1;
    return 0;
}

static void name_tags(mg_model *m, mg_type *t, const cJSON *mapping, const mg_doc *udoc, const cJSON *u)
{
    if (!t->discriminator)
        return;
    t->tagged = t->noptions > 0;
    for (int k = 0; k < t->noptions; k++) {
        mg_union_option *o = t->options[k];
        if (!o->tag) {
            t->tagged = 0;
            continue;
        }
        const mg_field *f = o->type->kind == MG_KIND_REF ? find_field(o->type->ref, t->discriminator) : NULL;
        const char *pin = f ? field_pin(f) : NULL;
        /* A tag that is only the option's type name (no mapping entry, no
         * const): OpenAPI's default, but catalogues that rely on it are
         * rare and often mean something else; such a union stays untagged
         * (its options are told apart by matching, as before). */
        if (!pin && !in_mapping(mapping, o->tag))
            t->tagged = 0;
        /* A const or a one-value string enum: both are literal types. */
        o->tag_declared = pin && strcmp(pin, o->tag) == 0;
        name_init(m, &o->tag_name, o->tag);
        if (mg_name_is_empty(&o->tag_name)) {
            char buf[32];
            snprintf(buf, sizeof buf, "tag %d", k + 1);
            name_init(m, &o->tag_name, buf);
        }
        for (int j = 0; j < k; j++) {
            const mg_union_option *p = t->options[j];
            if (!p->tag)
                continue;
            if (strcmp(p->tag, o->tag) == 0) {
                mg_diag_warning(m->priv->d, mark(udoc, u),
                                "options %d and %d of '%s' have the same tag '%s' (%s): the union is not tagged",
                                j + 1, k + 1, t->name.s[MG_CASE_RAW], o->tag, t->discriminator);
                t->tagged = 0;
            }
        }
    }
    /* Tag constants exist only for tagged unions. */
    for (int k = 0; t->tagged && k < t->noptions; k++)
        for (int j = 0; j < k; j++) {
            const mg_union_option *p = t->options[j], *o = t->options[k];
            if (strcmp(p->tag_name.s[MG_CASE_SNAKE], o->tag_name.s[MG_CASE_SNAKE]) == 0)
                err(m, mark(udoc, u), "tags '%s' and '%s' of '%s' both become identifier '%s'", p->tag, o->tag,
                    t->name.s[MG_CASE_RAW], o->tag_name.s[MG_CASE_SCREAMING]);
        }
}

static void build_union(mg_model *m, mg_type *t, const parts *ps)
{
    const mg_doc *udoc = NULL;
    const cJSON *u = union_list(ps, &udoc, &t->any_of), *it;
    const cJSON *disc = pget(ps, "discriminator", NULL);
    const cJSON *mapping = NULL;
    if (is_string(disc))
        t->discriminator = disc->valuestring;
    else if (is_object(disc)) {
        t->discriminator = get_str(disc, "propertyName");
        mapping = get(disc, "mapping");
        if (!t->discriminator)
            err(m, mark(udoc, disc), "'discriminator' needs a 'propertyName'");
    } else if (disc)
        err(m, mark(udoc, disc), "'discriminator' must be a property name or {propertyName, mapping}");
    vec opts = {0};
    int i = 0;
    cJSON_ArrayForEach(it, u) {
        char suffix[32];
        snprintf(suffix, sizeof suffix, "option%d", ++i);
        mg_union_option *o = palloc(m, sizeof *o);
        o->type = build_hoisted_from(m, udoc, it, &t->name, suffix);
        if (!o->type)
            continue;
        vec_push(&opts, o);
    }
    t->noptions = opts.n;
    t->options = (mg_union_option **)keep_vec(m, &opts);
    if (!t->discriminator && !disc)
        t->discriminator = common_const_property(t);
    if (t->discriminator)
        for (int k = 0; k < t->noptions; k++)
            t->options[k]->tag = option_tag(m, t, mapping, t->options[k]->type);
    name_tags(m, t, mapping, udoc, u);
}

/* A union of the types of a type list (type: [string, integer, ...]): one
 * option per type, each with the schema's keywords for that type. */
static void build_multi(mg_model *m, mg_type *t, const parts *ps, unsigned mask, const mg_doc *doc,
                        const cJSON *node)
{
    vec opts = {0};
    t->any_of = 1;
    t->multi_type = 1;
    unsigned nn = mask & ~T_NULL;
    for (size_t i = 0; i < sizeof multi_bits / sizeof multi_bits[0]; i++) {
        unsigned bit = multi_bits[i];
        if ((nn & bit) != bit || (bit == T_INTEGER && (nn & T_NUMBER)))
            continue;
        enum cls cls = bit == T_OBJECT ? CLS_OPEN_OBJECT : CLS_OTHER;
        if (bit == T_OBJECT && pget(ps, "properties", NULL)) {
            const mg_doc *pd = NULL;
            const cJSON *pr = pget(ps, "properties", &pd);
            mg_diag_warning(m->priv->d, mark(pd, pr),
                            "in a type list, 'object' with properties is typed as a map of any JSON value "
                            "(use oneOf with an object schema to type its properties)");
        }
        char suffix[32];
        snprintf(suffix, sizeof suffix, "option%d", opts.n + 1);
        mg_union_option *o = palloc(m, sizeof *o);
        char hbuf[HINT_ROOM];
        char *hint = hoist_name(hbuf, t->name.s[MG_CASE_SNAKE], suffix);
        o->type = plain_typeref(m, ps, bit, cls, doc, node, hint);
        free_hint(hbuf, hint);
        if (!o->type)
            continue;
        vec_push(&opts, o);
    }
    t->noptions = opts.n;
    t->options = (mg_union_option **)keep_vec(m, &opts);
}

static mg_type *find_type_by_node(mg_model *m, const cJSON *node)
{
    return (mg_type *)mg_model_type_of_node(m, node);
}

/* The named type of a schema node, built on first use. A declaration that
 * only refers elsewhere names its target. Registered before its body is
 * built, so recursive references find it. */
static mg_type *named_type(mg_model *m, const mg_doc *doc, const cJSON *node, const char *raw, int declared)
{
    const cJSON *sref = single_ref(m, node);
    if (sref && sref == node) {
        const mg_doc *tdoc = NULL;
        const cJSON *tnode = NULL;
        if (follow(m, doc, node, &tdoc, &tnode) < 0)
            return NULL;
        return named_type(m, tdoc, tnode, raw, declared);
    }
    mg_type *t = find_type_by_node(m, node);
    if (t)
        return t;
    t = palloc(m, sizeof *t);
    name_init(m, &t->name, raw);
    if (!declared) /* shown as its Pascal casing (the strings are shared: no copy) */
        t->name.s[MG_CASE_RAW] = t->name.s[MG_CASE_PASCAL];
    t->mark = mark(doc, node);
    int bad = 0;
    if (mg_name_is_empty(&t->name)) {
        err(m, t->mark, "type name '%s' has no letter or digit to build an identifier from", raw);
        bad = 1;
    }
    /* The first type with an identifier keeps it; a later one is reported. */
    name_ent *same = NULL;
    int fresh = 1;
    if (!bad) {
        const char *snake = t->name.s[MG_CASE_SNAKE];
        uint32_t h = name_hash(snake);
        same = mg_hmap_find(&m->priv->type_by_snake, h, snake_eq, snake);
        fresh = !same;
        if (fresh) {
            same = mg_hmap_add(&m->priv->type_by_snake, h);
            same->name = (char *)snake;
            same->val = t;
        }
    }
    if (!fresh) {
        const mg_type *o = same->val;
        if (declared)
            err(m, t->mark, "type name '%s' collides with type '%s' defined at %s (both become '%s')", raw,
                o->name.s[MG_CASE_RAW], type_src(m, o), o->name.s[MG_CASE_PASCAL]);
        else
            err(m, t->mark,
                "this inline schema would be named '%s', but type '%s' defined at %s has that name (rename one, or declare this schema under another name)",
                t->name.s[MG_CASE_PASCAL], o->name.s[MG_CASE_RAW], type_src(m, o));
        bad = 1;
    }
    t->doc = doc;
    t->schema = node;
    int added;
    node_ent *byn = mg_hmap_put_ptr(&m->priv->type_by_node, node, &added);
    if (added)
        byn->val = t;
    t->declared = declared;
    t->index = m->priv->types.n;
    t->building_ = 1;
    vec_push(&m->priv->types, t);
    m->types = (mg_type **)m->priv->types.v;
    m->ntypes = m->priv->types.n;
    t->title = get_str(node, "title");
    t->description = get_str(node, "description");
    t->deprecated = get_true(node, "deprecated");
    t->extensions = extensions_of(m, node);
    t->constraints = empty_object(m);
    if (bad) {
        /* Registered all the same, so that later references to this node
         * do not report the same problem again. */
        t->kind = MG_TYPE_ALIAS;
        t->target = new_typeref(m, MG_KIND_ANY, doc, node);
        t->building_ = 0;
        return t;
    }

    parts ps;
    PARTS_EMPTY(ps);
    unsigned mask;
    enum cls cls;
    if (flatten(m, doc, node, &ps, 0) < 0 || parts_mask(m, &ps, &mask) < 0 || classify(m, &ps, mask, &cls) < 0) {
        t->kind = MG_TYPE_ALIAS;
        t->target = new_typeref(m, MG_KIND_ANY, doc, node);
    } else if (cls == CLS_UNION) {
        t->kind = MG_TYPE_UNION;
        build_union(m, t, &ps);
    } else if (cls == CLS_MULTI) {
        t->kind = MG_TYPE_UNION;
        build_multi(m, t, &ps, mask, doc, node);
    } else if (cls == CLS_ENUM) {
        t->kind = MG_TYPE_ENUM;
        build_enum(m, t, &ps);
    } else if (cls == CLS_OBJECT || cls == CLS_OPEN_OBJECT) {
        t->kind = MG_TYPE_OBJECT;
        t->constraints = constraints_of(m, &ps);
        build_object(m, t, &ps);
    } else {
        t->kind = MG_TYPE_ALIAS;
        t->target = plain_typeref(m, &ps, mask, cls, doc, node, t->name.s[MG_CASE_SNAKE]);
        if (!t->target)
            t->target = new_typeref(m, MG_KIND_ANY, doc, node);
    }
    if (!t->description) {
        const cJSON *dd = pget(&ps, "description", NULL);
        t->description = is_string(dd) ? dd->valuestring : NULL;
    }
    t->building_ = 0;
    return t;
}

/* ---- recursion ------------------------------------------------------- */

static int reaches(const mg_typeref *r, const mg_type *goal, unsigned *seen, unsigned stamp);

static int type_reaches(const mg_type *t, const mg_type *goal, unsigned *seen, unsigned stamp)
{
    if (t == goal)
        return 1;
    if (seen[t->index] == stamp)
        return 0;
    seen[t->index] = stamp;
    for (int i = 0; i < t->nfields; i++)
        if (reaches(t->fields[i]->type, goal, seen, stamp))
            return 1;
    for (int i = 0; i < t->noptions; i++)
        if (reaches(t->options[i]->type, goal, seen, stamp))
            return 1;
    return reaches(t->additional, goal, seen, stamp) || reaches(t->target, goal, seen, stamp);
}

static int reaches(const mg_typeref *r, const mg_type *goal, unsigned *seen, unsigned stamp)
{
    if (!r)
        return 0;
    if (r->kind == MG_KIND_REF)
        return type_reaches(r->ref, goal, seen, stamp);
    return reaches(r->items, goal, seen, stamp);
}

/* The named type a typeref leads to (through array items and map values),
 * or NULL: the edges of the type graph that `reaches` walks. */
static mg_type *edge_of(const mg_typeref *r)
{
    while (r && r->kind != MG_KIND_REF)
        r = r->items;
    return r ? r->ref : NULL;
}

/* The i-th outgoing edge of t (0 <= i < nfields + noptions + 2: fields,
 * options, additional, alias target), or NULL when that one leads to no type. */
static mg_type *type_edge(const mg_type *t, int i)
{
    if (i < t->nfields)
        return edge_of(t->fields[i]->type);
    i -= t->nfields;
    if (i < t->noptions)
        return edge_of(t->options[i]->type);
    i -= t->noptions;
    return edge_of(i == 0 ? t->additional : t->target);
}

/* A type is recursive when it reaches itself: when it sits in a strongly
 * connected component of more than one type, or refers to itself directly.
 * Tarjan's algorithm (iterative, so deep chains cannot overflow the stack)
 * finds all components in one pass over the graph, where asking "does t
 * reach t?" per type would cost O(types) each. */
static void mark_recursion(mg_model *m)
{
    int n = m->ntypes;
    if (n == 0)
        return;
    int *num = mg_xcalloc((size_t)n, sizeof *num);  /* DFS number + 1; 0: unvisited */
    int *low = mg_xcalloc((size_t)n, sizeof *low);
    int *edge = mg_xcalloc((size_t)n, sizeof *edge); /* next edge to look at */
    int *stack = mg_xcalloc((size_t)n, sizeof *stack), sn = 0;  /* Tarjan's stack */
    int *call = mg_xcalloc((size_t)n, sizeof *call), cn = 0;    /* the DFS path */
    unsigned char *on = mg_xcalloc((size_t)n, 1);
    int counter = 0;
    for (int root = 0; root < n; root++) {
        if (num[root])
            continue;
        call[cn++] = root;
        num[root] = low[root] = ++counter;
        stack[sn++] = root;
        on[root] = 1;
        while (cn > 0) {
            int v = call[cn - 1];
            mg_type *t = m->types[v];
            int nedges = t->nfields + t->noptions + 2;
            if (edge[v] < nedges) {
                mg_type *w = type_edge(t, edge[v]++);
                if (!w)
                    continue;
                if (w == t)
                    t->recursive = 1;
                int wi = w->index;
                if (!num[wi]) {
                    num[wi] = low[wi] = ++counter;
                    stack[sn++] = wi;
                    on[wi] = 1;
                    call[cn++] = wi;
                } else if (on[wi] && num[wi] < low[v])
                    low[v] = num[wi];
                continue;
            }
            cn--;
            if (cn > 0 && low[v] < low[call[cn - 1]])
                low[call[cn - 1]] = low[v];
            if (low[v] == num[v]) {
                int first = sn;
                do
                    on[stack[--first]] = 0;
                while (stack[first] != v);
                if (sn - first > 1)
                    for (int k = first; k < sn; k++)
                        m->types[stack[k]]->recursive = 1;
                sn = first;
            }
        }
    }
    free(num);
    free(low);
    free(edge);
    free(stack);
    free(call);
    free(on);
}

/* ---- messages -------------------------------------------------------- */

static mg_message *find_message_node(mg_model *m, const cJSON *node)
{
    const node_ent *e = mg_hmap_get_ptr(&m->priv->msg_by_node, node);
    return e ? e->val : NULL;
}

static void add_examples(mg_model *m, mg_message *g, const mg_doc *doc, const cJSON *list, int asyncapi)
{
    vec ex = {0};
    const cJSON *e;
    if (!list)
        return;
    if (!is_array(list)) {
        err(m, mark(doc, list), "'examples' must be a list");
        return;
    }
    int i = 0;
    cJSON_ArrayForEach(e, list) {
        i++;
        const cJSON *value = e, *headers = NULL;
        const char *name = NULL, *summary = NULL;
        if (asyncapi) {
            if (!is_object(e)) {
                err(m, mark(doc, e), "a message example must be a mapping with 'payload' (and optional 'name', 'summary', 'headers')");
                continue;
            }
            value = get(e, "payload");
            headers = get(e, "headers");
            name = get_str(e, "name");
            summary = get_str(e, "summary");
            if (!value)
                continue; /* a headers-only example says nothing about the payload */
        }
        mg_example *x = palloc(m, sizeof *x);
        char buf[32];
        snprintf(buf, sizeof buf, "example %d", i);
        x->name = pstrdup(m, name ? name : buf);
        x->summary = summary;
        x->value = value;
        x->headers = headers;
        x->doc = doc;
        x->mark = mark(doc, value);
        vec_push(&ex, x);
    }
    g->nexamples = ex.n;
    g->examples = (mg_example **)keep_vec(m, &ex);
}

/* A member of a message with its traits applied (api.h). */
static const cJSON *mget(mg_model *m, const mg_doc *doc, const cJSON *node, const char *key, const mg_doc **out)
{
    const mg_doc *dd;
    return mg_traits_member(m->traits, doc, node, key, out ? out : &dd, NULL);
}

/* The headers schema becomes a named type like the payload: a $ref names it
 * after its target; an inline schema <Message>Headers, or <Trait>Headers when
 * it comes from a named trait (components.messageTraits) as written, which
 * several messages usually share. Headers merged from the message and its
 * traits, or from two traits (api.h), are the message's own: <Message>Headers. */
static void add_headers(mg_model *m, mg_message *g, const mg_doc *mdoc, const cJSON *mnode)
{
    const mg_doc *hdoc = mdoc, *cdoc = mdoc;
    const cJSON *owner = mnode;
    const cJSON *h = mg_traits_member(m->traits, mdoc, mnode, "headers", &hdoc, &owner);
    if (h) {
        /* A 3.0 multi-format schema. */
        if (is_object(h) && get(h, "schemaFormat") && get(h, "schema"))
            h = get(h, "schema");
        const mg_doc *rd = NULL;
        const cJSON *rn;
        if (follow(m, hdoc, h, &rd, &rn) == 0) {
            g->headers_doc = rd;
            g->headers_schema = rn;
        }
        if (single_ref(m, h)) {
            mg_typeref *r = build_typeref(m, hdoc, h, g->name.s[MG_CASE_SNAKE]);
            g->headers = r && r->kind == MG_KIND_REF ? r->ref : NULL;
        } else {
            mg_type *t = find_type_by_node(m, h);
            const char *base = owner != mnode && owner->string ? owner->string : g->name.s[MG_CASE_SNAKE];
            size_t bl = strlen(base);
            /* A trait named "commonHeaders" gives CommonHeaders, not CommonHeadersHeaders. */
            int named = base != g->name.s[MG_CASE_SNAKE] && bl >= 7 && tolower((unsigned char)base[bl - 7]) == 'h' &&
                        strcmp(base + bl - 6, "eaders") == 0;
            if (!t) {
                char hbuf[HINT_ROOM];
                char *hint = named ? NULL : hoist_name(hbuf, base, "headers");
                t = named_type(m, hdoc, h, named ? base : hint, 0);
                if (hint)
                    free_hint(hbuf, hint);
            }
            g->headers = t;
        }
    }
    const cJSON *cid = mget(m, mdoc, mnode, "correlationId", &cdoc), *cn = NULL;
    const mg_doc *cnd = NULL;
    if (cid && follow(m, cdoc, cid, &cnd, &cn) == 0 && is_object(cn)) {
        g->correlation_location = get_str(cn, "location");
        g->correlation_description = get_str(cn, "description");
    }
}

/* A message for `node` (a $ref is followed). Reached twice, the message is
 * kept once, with the first channel. */
static mg_message *add_message(mg_model *m, const mg_doc *doc, const cJSON *node, const char *default_name,
                               const char *channel, const char *action)
{
    const mg_doc *mdoc = NULL;
    const cJSON *mnode;
    if (follow(m, doc, node, &mdoc, &mnode) < 0)
        return NULL;
    if (!default_name && mnode != node)
        default_name = ref_target_name(m, mdoc, mnode);
    /* A node seen before is that message, or was refused with an error
     * already (a message reached from two channels is reported once). */
    if (mg_hmap_get_ptr(&m->priv->msg_by_node, mnode))
        return find_message_node(m, mnode);
    ((node_ent *)mg_hmap_put_ptr(&m->priv->msg_by_node, mnode, NULL))->val = NULL;
    mg_message *g;
    if (!is_object(mnode)) {
        err(m, mark(mdoc, mnode), "a message must be a mapping");
        return NULL;
    }
    /* `name` is optional: a message without one is named by its 2.x
     * messageId (3.0 removed it), else by its key or the name its caller
     * made up (channel + operation + position). */
    const node_ent *keyed = mg_hmap_get_ptr(&m->priv->msg_key_named, mnode);
    const char *raw = keyed ? keyed->val : get_str(mnode, "name");
    if (!raw && m->spec == MG_SPEC_ASYNCAPI2)
        raw = get_str(mnode, "messageId");
    if (!raw)
        raw = default_name;
    if (!raw) {
        err(m, mark(mdoc, mnode), "message has no name (add 'name:' or define it under components.messages)");
        return NULL;
    }
    g = palloc(m, sizeof *g);
    g->doc = mdoc;
    g->node = mnode;
    g->mark = mark(mdoc, mnode);
    name_init(m, &g->name, raw);
    if (mg_name_is_empty(&g->name)) {
        err(m, g->mark, "message name '%s' has no letter or digit to build an identifier from", raw);
        return NULL;
    }
    /* Registered messages have distinct snake casings (a clash is refused
     * below), so at most one can clash with this one. */
    const name_ent *clash = mg_hmap_get_str(&m->priv->msg_by_snake, g->name.s[MG_CASE_SNAKE]);
    if (clash) {
        const mg_message *o = clash->val;
        if (strcmp(o->name.s[MG_CASE_RAW], raw) == 0) {
            err(m, g->mark, "duplicate message name '%s' (first defined at %s)", raw, where(m, o->mark));
            return NULL;
        }
        if (strcmp(o->name.s[MG_CASE_SNAKE], g->name.s[MG_CASE_SNAKE]) == 0) {
            err(m, g->mark, "message names '%s' and '%s' (at %s) both become identifier '%s'", raw,
                o->name.s[MG_CASE_RAW], where(m, o->mark), g->name.s[MG_CASE_SNAKE]);
            return NULL;
        }
    }
    g->title = cJSON_GetStringValue(mget(m, mdoc, mnode, "title", NULL));
    g->summary = cJSON_GetStringValue(mget(m, mdoc, mnode, "summary", NULL));
    g->description = cJSON_GetStringValue(mget(m, mdoc, mnode, "description", NULL));
    g->content_type = cJSON_GetStringValue(mget(m, mdoc, mnode, "contentType", NULL));
    if (!g->content_type)
        g->content_type = get_str(m->doc->root, "defaultContentType");
    g->channel = channel;
    g->action = action;
    g->deprecated = get_true(mnode, "deprecated") || get_true(mnode, "x-deprecated");
    g->extensions = extensions_of(m, mnode);
    g->tags = owned(m, cJSON_CreateArray());
    const mg_doc *tagdoc = mdoc;
    const cJSON *tags = mget(m, mdoc, mnode, "tags", &tagdoc), *tg;
    cJSON_ArrayForEach(tg, tags) {
        const mg_doc *tdoc = NULL;
        const cJSON *tn;
        if (follow(m, tagdoc, tg, &tdoc, &tn) == 0 && get_str(tn, "name"))
            cJSON_AddItemToArray(g->tags, cJSON_CreateString(get_str(tn, "name")));
    }

    const cJSON *payload = get(mnode, "payload");
    const mg_doc *pdoc = mdoc;
    if (!payload) {
        err(m, g->mark, "message '%s' has no payload (add 'payload:' with a schema)", raw);
        return NULL;
    }
    /* AsyncAPI 3.0 multi-format schema, and 2.x message-level schemaFormat. */
    const char *fmt = get_str(mnode, "schemaFormat");
    const cJSON *fmt_node = get(mnode, "schemaFormat");
    if (is_object(payload) && get(payload, "schemaFormat") && get(payload, "schema")) {
        fmt = get_str(payload, "schemaFormat");
        fmt_node = get(payload, "schemaFormat");
        payload = get(payload, "schema");
    }
    /* mg_schema_formats_apply refused other formats and converted Avro
     * already; this only guards a model built without that pass. */
    if (fmt && mg_schema_format_kind(fmt) == MG_SFMT_REFUSED) {
        err(m, mark(mdoc, fmt_node), "unsupported schemaFormat '%s'", fmt);
        return NULL;
    }
    g->index = m->priv->messages.n;
    vec_push(&m->priv->messages, g);
    ((node_ent *)mg_hmap_get_ptr(&m->priv->msg_by_node, mnode))->val = g;
    ((name_ent *)mg_hmap_put_str(&m->priv->msg_by_snake, g->name.s[MG_CASE_SNAKE], NULL))->val = g;
    m->messages = (mg_message **)m->priv->messages.v;
    m->nmessages = m->priv->messages.n;

    const mg_doc *rdoc = NULL;
    const cJSON *rnode;
    if (follow(m, pdoc, payload, &rdoc, &rnode) < 0)
        return g;
    g->payload_doc = rdoc;
    g->payload_schema = rnode;
    if (single_ref(m, payload)) {
        mg_typeref *r = build_typeref(m, pdoc, payload, g->name.s[MG_CASE_SNAKE]);
        g->payload = r && r->kind == MG_KIND_REF ? r->ref : NULL;
    } else {
        mg_type *t = find_type_by_node(m, payload);
        if (!t) {
            /* An inline payload takes the message's name, or <Name>Payload
             * when a declared type already has it. */
            const char *nm = g->name.s[MG_CASE_SNAKE];
            char hbuf[HINT_ROOM];
            char *hint = NULL;
            if (mg_hmap_find(&m->priv->type_by_snake, name_hash(nm), snake_eq, nm))
                nm = hint = hoist_name(hbuf, nm, "payload");
            t = named_type(m, pdoc, payload, nm, 0);
            if (hint)
                free_hint(hbuf, hint);
        }
        g->payload = t;
    }
    if (!g->deprecated && g->payload_schema && get_true(g->payload_schema, "deprecated"))
        g->deprecated = 1;
    add_headers(m, g, mdoc, mnode);
    const mg_doc *exdoc = mdoc;
    const cJSON *ex = mget(m, mdoc, mnode, "examples", &exdoc);
    if (ex) {
        g->examples_doc = exdoc;
        g->examples_node = ex;
        add_examples(m, g, exdoc, ex, 1);
    }
    else if (get(rnode, "examples"))
        add_examples(m, g, rdoc, get(rnode, "examples"), 0);
    return g;
}

/* A channel's message slot: a message, or {oneOf: [messages]} (2.x). */
static void add_message_slot(mg_model *m, const mg_doc *doc, const cJSON *slot, const char *fallback,
                             const char *channel, const char *action)
{
    const mg_doc *sdoc = NULL;
    const cJSON *snode;
    if (follow(m, doc, slot, &sdoc, &snode) < 0)
        return;
    const cJSON *one = get(snode, "oneOf"), *it;
    if (one && !get(snode, "payload")) {
        if (!is_array(one)) {
            err(m, mark(sdoc, one), "'oneOf' must be a list of messages");
            return;
        }
        int i = 0;
        cJSON_ArrayForEach(it, one) {
            char buf[32];
            snprintf(buf, sizeof buf, " %d", ++i);
            char *nm = NULL;
            if (fallback) {
                mg_buf b;
                mg_buf_init(&b);
                mg_buf_appendf(&b, "%s%s", fallback, buf);
                nm = pstrdup(m, mg_buf_cstr(&b));
                mg_buf_fini(&b);
            }
            const char *dn = is_string(get(it, "$ref")) ? NULL : nm;
            add_message(m, sdoc, it, dn, channel, action);
        }
        return;
    }
    add_message(m, doc, slot, slot != snode ? NULL : fallback, channel, action);
}

static void asyncapi2_channels(mg_model *m)
{
    const mg_doc *doc = m->doc;
    const cJSON *channels = get(doc->root, "channels"), *ch;
    if (want_mapping(m, doc, channels, "channels") < 0)
        return;
    cJSON_ArrayForEach(ch, channels) {
        const mg_doc *cdoc = NULL;
        const cJSON *cnode, *op;
        if (follow(m, doc, ch, &cdoc, &cnode) < 0 || want_mapping(m, cdoc, cnode, "a channel") < 0)
            continue;
        cJSON_ArrayForEach(op, cnode) {
            int pub = strcmp(op->string, "publish") == 0;
            if (!pub && strcmp(op->string, "subscribe") != 0)
                continue;
            const cJSON *msg = get(op, "message");
            if (!msg)
                continue;
            /* A message without name, messageId or key is named after its
             * operation, and add_message_slot numbers the options of a oneOf. */
            const char *opid = get_str(op, "operationId");
            if (!opid) {
                mg_buf b;
                mg_buf_init(&b);
                mg_buf_appendf(&b, "%s %s", ch->string, op->string);
                opid = pstrdup(m, mg_buf_cstr(&b));
                mg_buf_fini(&b);
            }
            add_message_slot(m, cdoc, msg, opid, ch->string, pub ? "receive" : "send");
            if (stop(m))
                return;
        }
    }
}

/* Which operation names a channel's message: (channel, message) for an
 * operation listing its messages, (channel, NULL) for one without a list
 * (it names every message of the channel). The first operation in document
 * order wins. */
typedef struct opent {
    const cJSON *channel, *message; /* the key */
    int order;                      /* the operation's position */
    const char *action;             /* borrowed; NULL when absent */
} opent;

static uint32_t op_hash(const cJSON *channel, const cJSON *message)
{
    return mg_hash_ptr(channel) * 31u + mg_hash_ptr(message);
}

static int op_eq(const void *ent, const void *key)
{
    const opent *a = ent, *b = key;
    return a->channel == b->channel && a->message == b->message;
}

static void op_add(mg_hmap *ops, const cJSON *channel, const cJSON *message, int order, const char *action)
{
    opent key = {channel, message, order, action};
    uint32_t h = op_hash(channel, message);
    if (!mg_hmap_find(ops, h, op_eq, &key))
        *(opent *)mg_hmap_add(ops, h) = key;
}

static const opent *op_get(const mg_hmap *ops, const cJSON *channel, const cJSON *message)
{
    opent key = {channel, message, 0, NULL};
    return mg_hmap_find(ops, op_hash(channel, message), op_eq, &key);
}

static void asyncapi3_channels(mg_model *m)
{
    const mg_doc *doc = m->doc;
    const cJSON *channels = get(doc->root, "channels"), *ch;
    const cJSON *ops = get(doc->root, "operations"), *op;
    if (want_mapping(m, doc, channels, "channels") < 0 || want_mapping(m, doc, ops, "operations") < 0)
        return;
    /* Every operation is followed once, up front: looking for a message's
     * operation among all of them, per message, is quadratic. */
    mg_hmap named;
    mg_hmap_init(&named, sizeof(opent));
    int order = 0;
    cJSON_ArrayForEach(op, ops) {
        const mg_doc *odoc = NULL, *xdoc = NULL;
        const cJSON *onode, *xnode, *om;
        order++;
        if (follow(m, doc, op, &odoc, &onode) < 0)
            continue;
        const cJSON *opch = get(onode, "channel");
        if (!opch || follow(m, odoc, opch, &xdoc, &xnode) < 0)
            continue;
        const char *action = get_str(onode, "action");
        if (action && strcmp(action, "send") != 0 && strcmp(action, "receive") != 0) {
            err(m, mark(odoc, get(onode, "action")), "operation action must be 'send' or 'receive', not '%s'",
                action);
            action = NULL;
        }
        const cJSON *list = get(onode, "messages");
        if (!list)
            op_add(&named, xnode, NULL, order, action);
        cJSON_ArrayForEach(om, list) {
            const mg_doc *ydoc = NULL;
            const cJSON *ynode;
            if (follow(m, odoc, om, &ydoc, &ynode) == 0)
                op_add(&named, xnode, ynode, order, action);
        }
    }
    cJSON_ArrayForEach(ch, channels) {
        const mg_doc *cdoc = NULL;
        const cJSON *cnode, *msg;
        if (follow(m, doc, ch, &cdoc, &cnode) < 0 || want_mapping(m, cdoc, cnode, "a channel") < 0 ||
            want_mapping(m, cdoc, get(cnode, "messages"), "messages") < 0)
            continue;
        const char *address = get_str(cnode, "address");
        if (!address)
            address = ch->string;
        /* The action of the first operation on this channel (or naming this
         * message) in document order. */
        cJSON_ArrayForEach(msg, get(cnode, "messages")) {
            const mg_doc *mdoc = NULL;
            const cJSON *mnode;
            if (follow(m, cdoc, msg, &mdoc, &mnode) < 0)
                continue;
            const opent *by_msg = op_get(&named, cnode, mnode), *by_all = op_get(&named, cnode, NULL);
            const opent *first = !by_msg ? by_all : !by_all || by_msg->order < by_all->order ? by_msg : by_all;
            const char *action = first ? first->action : NULL;
            add_message(m, cdoc, msg, msg->string, address, action);
            if (stop(m)) {
                mg_hmap_fini(&named);
                return;
            }
        }
    }
    mg_hmap_fini(&named);
}

/* Real documents give two components.messages entries the same `name`.
 * Their keys are unique, so such entries are named by their keys, with one
 * warning per shared name. Runs before any message is built, so that a
 * channel reaching such an entry first names it the same way. */
static void components_message_name_clashes(mg_model *m)
{
    const cJSON *msgs = get(get(m->doc->root, "components"), "messages"), *it;
    if (!is_object(msgs))
        return;
    typedef struct first_ent {
        char *name;          /* the key (owned by the table) */
        const cJSON *entry;  /* the first entry with this name */
        int warned;
    } first_ent;
    mg_hmap firsts;
    mg_hmap_init_str(&firsts, sizeof(first_ent));
    cJSON_ArrayForEach(it, msgs) {
        const cJSON *mnode;
        mg_diag quiet; /* a broken $ref is reported later, where the message is built */
        mg_diag_init(&quiet);
        quiet.max_errors = 0;
        mg_ref_target t;
        int rc = mg_resolve_ref(m->set, m->doc, it, &t, &quiet);
        if (rc < 0)
            continue;
        mnode = rc ? t.node : it;
        const char *name = get_str(mnode, "name");
        if (!name)
            continue;
        int added;
        first_ent *f = mg_hmap_put_str(&firsts, name, &added);
        if (added) {
            f->entry = it;
            continue;
        }
        const cJSON *first_node = f->entry;
        mg_ref_target ft;
        if (mg_resolve_ref(m->set, m->doc, first_node, &ft, &quiet) == 1)
            first_node = ft.node;
        if (first_node == mnode)
            continue; /* two keys for one message: it keeps its name */
        ((node_ent *)mg_hmap_put_ptr(&m->priv->msg_key_named, first_node, NULL))->val = f->entry->string;
        ((node_ent *)mg_hmap_put_ptr(&m->priv->msg_key_named, mnode, NULL))->val = it->string;
        if (!f->warned)
            mg_doc_key_warning(m->priv->d, m->doc, it,
                               "components.messages '%s' has the same name '%s' as '%s' (at %s); msggen names both by their keys",
                               it->string, name, f->entry->string, where(m, key_mark(m->doc, f->entry)));
        f->warned = 1;
    }
    mg_hmap_fini(&firsts);
}

static void components_messages(mg_model *m)
{
    const cJSON *comp = get(m->doc->root, "components");
    const cJSON *msgs = get(comp, "messages"), *it;
    if (want_mapping(m, m->doc, comp, "components") < 0 || want_mapping(m, m->doc, msgs, "components.messages") < 0)
        return;
    cJSON_ArrayForEach(it, msgs) {
        add_message(m, m->doc, it, it->string, NULL, NULL);
        if (stop(m))
            return;
    }
}

static void declared_schemas(mg_model *m, const cJSON *container)
{
    const cJSON *it;
    if (container && !is_object(container)) {
        err(m, mark(m->doc, container), "expected a mapping of names to schemas");
        return;
    }
    cJSON_ArrayForEach(it, container) {
        named_type(m, m->doc, it, it->string, 1);
        if (stop(m))
            return;
    }
}

/* ---- catalogue ------------------------------------------------------- */

static int looks_like_schema(const cJSON *root)
{
    static const char *const keys[] = {"type", "properties", "$defs", "definitions", "allOf", "oneOf",
                                       "anyOf", "$ref", "items", "enum"};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        if (get(root, keys[i]))
            return 1;
    return 0;
}

static int detect(mg_model *m)
{
    const cJSON *root = m->doc->root;
    const cJSON *a = get(root, "asyncapi"), *s = get(root, "$schema");
    if (!is_object(root)) {
        err(m, mark(m->doc, root), "a catalogue must be a mapping at the top level");
        return -1;
    }
    if (a) {
        const char *v = is_string(a) ? a->valuestring : "";
        unsigned maj, min, patch;
        char extra;
        int n = sscanf(v, "%u.%u.%u%c", &maj, &min, &patch, &extra);
        m->spec_version = v;
        if (n == 3 && maj == 2 && min <= 6)
            m->spec = MG_SPEC_ASYNCAPI2;
        /* 3.1 only adds to 3.0 (new bindings, such as ROS 2); nothing msggen
         * reads changed, so both follow the 3.0 rules. */
        else if (n == 3 && maj == 3 && min <= 1)
            m->spec = MG_SPEC_ASYNCAPI3;
        else {
            char *txt = is_string(a) ? NULL : cJSON_PrintUnformatted(a);
            err(m, mark(m->doc, a),
                "unsupported AsyncAPI version '%s' (msggen reads 2.0.0 to 2.6.0, 3.0.0 and 3.1.0)", txt ? txt : v);
            cJSON_free(txt);
            return -1;
        }
        return 0;
    }
    if (get(root, "openapi") || get(root, "swagger")) {
        err(m, mark(m->doc, root),
            "OpenAPI documents are not catalogues (msggen reads AsyncAPI 2.0-2.6, 3.0 and 3.1, and JSON Schema draft-07, 2019-09 and 2020-12)");
        return -1;
    }
    m->spec = MG_SPEC_JSON_SCHEMA;
    if (s) {
        const char *v = is_string(s) ? s->valuestring : "";
        m->spec_version = v;
        char buf[256];
        snprintf(buf, sizeof buf, "%s", v);
        size_t n = strlen(buf);
        if (n && buf[n - 1] == '#')
            buf[--n] = '\0';
        const char *u = strncmp(buf, "https://", 8) == 0 ? buf + 8 : strncmp(buf, "http://", 7) == 0 ? buf + 7 : "";
        if (strcmp(u, "json-schema.org/draft-07/schema") == 0)
            return 0;
        if (strcmp(u, "json-schema.org/draft/2019-09/schema") == 0 ||
            strcmp(u, "json-schema.org/draft/2020-12/schema") == 0) {
            m->priv->ref_siblings = 1;
            return 0;
        }
        err(m, mark(m->doc, s), "unsupported $schema '%s' (msggen reads JSON Schema draft-07, 2019-09 and 2020-12)", v);
        return -1;
    }
    if (looks_like_schema(root)) {
        m->spec_version = "draft-07";
        return 0;
    }
    err(m, mg_mark_at(m->doc->path, 1, 1),
        "cannot tell what this document is: add 'asyncapi: 3.0.0' (or 2.x) or '$schema: http://json-schema.org/draft-07/schema#' at the top");
    return -1;
}

static const char *file_base(mg_model *m)
{
    const char *p = m->doc->path, *slash = strrchr(p, '/');
    char *s = pstrdup(m, slash ? slash + 1 : p);
    char *dot = strrchr(s, '.');
    if (dot && dot != s)
        *dot = '\0';
    return s;
}

static void catalogue_info(mg_model *m)
{
    const cJSON *root = m->doc->root;
    const cJSON *info = m->spec == MG_SPEC_JSON_SCHEMA ? root : get(root, "info");
    m->title = get_str(info, "title");
    if (!m->title)
        m->title = file_base(m);
    m->version = get_str(info, "version");
    if (!m->version)
        m->version = get_str(root, "x-version");
    if (!m->version)
        m->version = "";
    m->description = get_str(info, "description");
    name_init(m, &m->name, m->title);
    m->extensions = extensions_of(m, root);
    check_client_extensions(m, root, info);
    const cJSON *c;
    if (info != root)
        cJSON_ArrayForEach(c, info)
            if (c->string && strncmp(c->string, "x-", 2) == 0 && !mg_json_get(m->extensions, c->string))
                cJSON_AddItemToObject(own_object(m, &m->extensions), c->string, cJSON_Duplicate(c, 1));
    m->servers = owned(m, cJSON_CreateArray());
    cJSON_ArrayForEach(c, get(root, "servers")) {
        const mg_doc *sdoc = NULL;
        const cJSON *s;
        if (follow(m, m->doc, c, &sdoc, &s) < 0 || !is_object(s))
            continue;
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "name", c->string ? c->string : "");
        const cJSON *k;
        cJSON_ArrayForEach(k, s)
            cJSON_AddItemToObject(o, k->string, cJSON_Duplicate(k, 1));
        if (!get(o, "url") && get_str(s, "host")) {
            mg_buf b;
            mg_buf_init(&b);
            mg_buf_appendf(&b, "%s%s%s%s", get_str(s, "protocol") ? get_str(s, "protocol") : "",
                           get_str(s, "protocol") ? "://" : "", get_str(s, "host"),
                           get_str(s, "pathname") ? get_str(s, "pathname") : "");
            cJSON_AddStringToObject(o, "url", mg_buf_cstr(&b));
            mg_buf_fini(&b);
        }
        cJSON_AddItemToArray(m->servers, o);
    }
}

static void json_schema_catalogue(mg_model *m)
{
    const cJSON *root = m->doc->root, *c;
    /* Declared types first (the root's own name is taken from its title or
     * file), then one message per type. */
    int root_is_type = has_structure(root, NULL) || get(root, "$ref");
    mg_type *rt = NULL;
    if (root_is_type)
        rt = named_type(m, m->doc, root, m->title, 1);
    cJSON_ArrayForEach(c, root)
        if (strcmp(c->string, "$defs") == 0 || strcmp(c->string, "definitions") == 0)
            declared_schemas(m, c);
    vec defs = {0};
    if (rt)
        vec_push(&defs, (void *)root);
    cJSON_ArrayForEach(c, root)
        if ((strcmp(c->string, "$defs") == 0 || strcmp(c->string, "definitions") == 0) && is_object(c)) {
            const cJSON *d;
            cJSON_ArrayForEach(d, c)
                vec_push(&defs, (void *)d);
        }
    for (int i = 0; i < defs.n && !stop(m); i++) {
        const cJSON *node = defs.v[i];
        const mg_doc *tdoc = NULL;
        const cJSON *tnode = NULL;
        if (follow(m, m->doc, node, &tdoc, &tnode) < 0)
            continue;
        mg_type *t = find_type_by_node(m, tnode);
        if (!t)
            continue;
        mg_message *g = palloc(m, sizeof *g);
        const char *raw = node == root ? m->title : node->string;
        name_init(m, &g->name, raw);
        g->doc = m->doc;
        g->node = node;
        g->mark = node == root ? mg_mark_at(m->doc->path, 1, 1) : key_mark(m->doc, node);
        int dup = 0;
        for (int k = 0; k < m->priv->messages.n; k++) {
            mg_message *o = m->priv->messages.v[k];
            if (strcmp(o->name.s[MG_CASE_SNAKE], g->name.s[MG_CASE_SNAKE]) == 0) {
                err(m, g->mark, "message names '%s' and '%s' (at %s) both become identifier '%s'", raw,
                    o->name.s[MG_CASE_RAW], where(m, o->mark), g->name.s[MG_CASE_SNAKE]);
                dup = 1;
            }
        }
        if (dup)
            continue;
        g->title = get_str(tnode, "title");
        g->description = get_str(tnode, "description");
        g->deprecated = get_true(tnode, "deprecated");
        g->extensions = extensions_of(m, tnode);
        g->tags = owned(m, cJSON_CreateArray());
        g->payload = t;
        g->payload_doc = tdoc;
        g->payload_schema = tnode;
        g->index = m->priv->messages.n;
        vec_push(&m->priv->messages, g);
        m->messages = (mg_message **)m->priv->messages.v;
        m->nmessages = m->priv->messages.n;
        if (get(tnode, "examples"))
            add_examples(m, g, tdoc, get(tnode, "examples"), 0);
    }
    free(defs.v);
}

/* ---- whole-schema checks ----------------------------------------------- */

/* Every schema reachable from the payloads and components.schemas is walked
 * once, through every keyword that holds a schema and through $ref:
 *   - numeric keywords must be finite (1e400 in JSON, .inf/.nan in YAML);
 *   - a schema must not reach itself through $ref, allOf, anyOf, oneOf, not,
 *     if, then and else alone: such a loop consumes no part of the value, so
 *     validating any value never ends (and no type can be printed for it).
 *     Through properties, items, ... it is an ordinary recursive type. */

typedef struct wstep {
    const mg_doc *doc;
    const cJSON *node;
} wstep;

/* One mark (load.h) for both walks over the schemas (the checks' and the
 * loop search's), since the loop search starts at every schema the checks
 * walk: a node's mark holds both answers. */
enum {
    W_PATH = 1,   /* loop search: on the current path */
    W_DONE = 2,   /* loop search: searched */
    W_STATE = 3,  /* the loop search's bits */
    W_WALKED = 4, /* walk_node has walked it */
};

typedef struct wctx {
    unsigned stamp; /* the walks' marks: W_* bits */
    wstep *path;
    size_t npath, cap;
    int cut;       /* a walk or search stopped at WALK_MAX_DEPTH */
} wctx;

static inline unsigned wflags(const wctx *w, const cJSON *node)
{
    return mg_node_mark(node, w->stamp);
}

static inline void wset(const wctx *w, const cJSON *node, unsigned clear, unsigned set)
{
    mg_node_set_mark(node, w->stamp, (wflags(w, node) & ~clear) | set);
}

/* Deeper than this (a chain of thousands of $refs) a search just stops. */
#define WALK_MAX_DEPTH 4096

static const char *const numeric_keys[] = {"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum",
                                           "multipleOf", "minLength", "maxLength", "minItems",
                                           "maxItems", "minProperties", "maxProperties"};
/* Keywords holding one schema, a list of schemas, or a map of schemas, in
 * the order the walk follows them: those that do not descend into the value
 * (the loop search follows only these: WK_NOT..WK_ELSE, WK_ALLOF..WK_ONEOF),
 * and those that do (or hold definitions). */
enum {
    WK_NOT, WK_IF, WK_THEN, WK_ELSE,                               /* one schema, in place */
    WK_ADDPROPS, WK_ADDITEMS, WK_CONTAINS, WK_PROPNAMES, WK_ITEMS, /* one schema (items: or a list) */
    WK_ALLOF, WK_ANYOF, WK_ONEOF,                                  /* a list, in place */
    WK_PROPS, WK_PATPROPS, WK_DEPS, WK_DEFINITIONS, WK_DEFS,       /* a map */
    WK_COUNT
};
static const char *const walk_keys[WK_COUNT] = {
    "not", "if", "then", "else",
    "additionalProperties", "additionalItems", "contains", "propertyNames", "items",
    "allOf", "anyOf", "oneOf",
    "properties", "patternProperties", "dependencies", "definitions", "$defs"};

/* Follows `node`'s $ref (resolve reported broken ones already). Returns 1
 * with *t set when it has one that resolves. */
static int walk_ref(mg_model *m, const mg_doc *doc, const cJSON *node, wstep *t)
{
    if (!is_string(get(node, "$ref")))
        return 0;
    mg_diag quiet;
    mg_diag_init(&quiet);
    quiet.max_errors = 0;
    mg_ref_target rt;
    if (mg_resolve_ref(m->set, doc, node, &rt, &quiet) != 1)
        return 0;
    t->doc = rt.doc;
    t->node = rt.node;
    return 1;
}

static void report_loop(mg_model *m, wctx *w, size_t from, const wstep *closing)
{
    const wstep *top = &w->path[w->npath - 1];
    mg_buf b;
    mg_buf_init(&b);
    for (size_t i = from; i <= w->npath; i++) {
        const wstep *st = i < w->npath ? &w->path[i] : closing;
        char *uri = mg_resolve_node_uri(m->set, st->doc, st->node);
        mg_buf_appendf(&b, "%s%s", i > from ? " -> " : "", uri ? uri : "?");
        free(uri);
    }
    err(m, mark(top->doc, get(top->node, "$ref")),
        "schema loop with no property or item in between (a value would be checked forever): %s",
        mg_buf_cstr(&b));
    mg_buf_fini(&b);
}

/* Sets kw[i] to the member of the object `node` named walk_keys[i] (the
 * first, as get() finds it), NULL when none, in one pass over its members:
 * a member's first byte picks the few keywords it can be, where seventeen
 * look-ups (each a scan, or a test of the members' initials) per schema
 * node were most of check_schemas. */
static void schema_keywords(const cJSON *node, const cJSON *kw[WK_COUNT])
{
    static const signed char by_n[] = {WK_NOT, -1}, by_i[] = {WK_IF, WK_ITEMS, -1}, by_t[] = {WK_THEN, -1},
                             by_e[] = {WK_ELSE, -1},
                             by_a[] = {WK_ADDPROPS, WK_ADDITEMS, WK_ALLOF, WK_ANYOF, -1},
                             by_c[] = {WK_CONTAINS, -1}, by_p[] = {WK_PROPNAMES, WK_PROPS, WK_PATPROPS, -1},
                             by_o[] = {WK_ONEOF, -1}, by_d[] = {WK_DEPS, WK_DEFINITIONS, -1},
                             by_dollar[] = {WK_DEFS, -1};
    for (int i = 0; i < WK_COUNT; i++)
        kw[i] = NULL;
    for (const cJSON *c = node->child; c; c = c->next) {
        const char *k = c->string;
        const signed char *cand;
        if (!k)
            continue;
        switch (k[0]) {
        case 'n': cand = by_n; break;
        case 'i': cand = by_i; break;
        case 't': cand = by_t; break;
        case 'e': cand = by_e; break;
        case 'a': cand = by_a; break;
        case 'c': cand = by_c; break;
        case 'p': cand = by_p; break;
        case 'o': cand = by_o; break;
        case 'd': cand = by_d; break;
        case '$': cand = by_dollar; break;
        default: continue;
        }
        for (; *cand >= 0; cand++)
            if (strcmp(k, walk_keys[*cand]) == 0) {
                if (!kw[*cand])
                    kw[*cand] = c;
                break;
            }
    }
}

/* Whether the object `node` has a member that is a number but not finite. */
static int has_nonfinite(const cJSON *node)
{
    for (const cJSON *c = node->child; c; c = c->next)
        if (is_number(c) && !isfinite(c->valuedouble))
            return 1;
    return 0;
}

/* What walk_schema has already found out about a node: its $ref's target
 * (has_ref: walk_ref's result) and its keywords, so that find_loops need not
 * find them again for the node the walk is at. */
typedef struct wknown {
    int has_ref;
    wstep ref;
    const cJSON *const *kw; /* schema_keywords' answer */
} wknown;

/* Depth-first search over the in-place keywords from `st`; a $ref back to a
 * schema on the current path closes a loop. */
static void find_loops_at(mg_model *m, wctx *w, wstep st, const wknown *known)
{
    if (!is_object(st.node))
        return;
    if (w->npath >= WALK_MAX_DEPTH) {
        w->cut = 1;
        return;
    }
    if (wflags(w, st.node) & W_STATE)
        return;
    wset(w, st.node, 0, W_PATH);
    w->path = mg_xgrow(w->path, w->npath, &w->cap, sizeof *w->path);
    w->path[w->npath++] = st;
    wstep t;
    int has_ref = known ? known->has_ref : walk_ref(m, st.doc, st.node, &t);
    if (known && has_ref)
        t = known->ref;
    if (has_ref) {
        unsigned tf = wflags(w, t.node);
        if ((tf & W_STATE) == W_PATH) {
            size_t from = w->npath;
            while (from > 0 && w->path[from - 1].node != t.node)
                from--;
            report_loop(m, w, from - 1, &t);
        } else if (!(tf & W_STATE))
            find_loops_at(m, w, t, NULL);
    } else {
        const cJSON *own[WK_COUNT];
        const cJSON *const *kw = known ? known->kw : own;
        if (!known)
            schema_keywords(st.node, own);
        for (int k = WK_NOT; k <= WK_ELSE; k++) {
            const cJSON *v = kw[k];
            if (v)
                find_loops_at(m, w, (wstep){st.doc, v}, NULL);
        }
        for (int k = WK_ALLOF; k <= WK_ONEOF; k++) {
            const cJSON *c;
            const cJSON *list = kw[k];
            if (is_array(list))
                cJSON_ArrayForEach(c, list)
                    find_loops_at(m, w, (wstep){st.doc, c}, NULL);
        }
    }
    w->npath--;
    wset(w, st.node, W_STATE, W_DONE);
}

static void walk_node(mg_model *m, wctx *w, wstep st, int depth);

/* Most keywords the walk looks at are absent: the test is inline, before any
 * call. */
static inline void walk_schema(mg_model *m, wctx *w, wstep st, int depth)
{
    if (!is_object(st.node))
        return;
    if (depth > WALK_MAX_DEPTH)
        w->cut = 1;
    else
        walk_node(m, w, st, depth);
}

static void walk_node(mg_model *m, wctx *w, wstep st, int depth)
{
    if (wflags(w, st.node) & W_WALKED)
        return;
    wset(w, st.node, 0, W_WALKED);
    if (has_nonfinite(st.node))
        for (size_t k = 0; k < sizeof numeric_keys / sizeof *numeric_keys; k++) {
            const cJSON *v = get(st.node, numeric_keys[k]);
            if (is_number(v) && !isfinite(v->valuedouble))
                err(m, mark(st.doc, v), "'%s' must be a finite number, not %s", numeric_keys[k],
                    isnan(v->valuedouble) ? "NaN" : v->valuedouble > 0 ? "infinity" : "-infinity");
        }
    wstep t = st;
    int has_ref = walk_ref(m, st.doc, st.node, &t);
    const cJSON *kw[WK_COUNT];
    schema_keywords(st.node, kw);
    wknown known = {has_ref, t, kw};
    find_loops_at(m, w, st, &known);
    if (has_ref)
        walk_schema(m, w, t, depth + 1);
    const cJSON *c;
    for (int k = WK_NOT; k <= WK_ELSE; k++)
        walk_schema(m, w, (wstep){st.doc, kw[k]}, depth + 1);
    for (int k = WK_ADDPROPS; k <= WK_ITEMS; k++) {
        const cJSON *v = kw[k];
        if (is_array(v)) /* items: [tuple] */
            cJSON_ArrayForEach(c, v)
                walk_schema(m, w, (wstep){st.doc, c}, depth + 1);
        else
            walk_schema(m, w, (wstep){st.doc, v}, depth + 1);
    }
    for (int k = WK_ALLOF; k <= WK_ONEOF; k++) {
        const cJSON *v = kw[k];
        if (is_array(v))
            cJSON_ArrayForEach(c, v)
                walk_schema(m, w, (wstep){st.doc, c}, depth + 1);
    }
    for (int k = WK_PROPS; k <= WK_DEFS; k++) {
        const cJSON *v = kw[k];
        if (is_object(v))
            cJSON_ArrayForEach(c, v)
                walk_schema(m, w, (wstep){st.doc, c}, depth + 1);
    }
}

/* The whole-schema checks. Before the model is built (`payloads` 0): over
 * the declared schemas (components.schemas; a JSON Schema catalogue's root,
 * with its $defs), so that a loop is refused once, at the schema, before
 * anything tries to build a type from it. After (`payloads` 1): over every
 * message payload and headers schema (merged from traits or not), which may
 * hold inline schemas the first pass did not see. */
static void wctx_free(wctx *w)
{
    free(w->path);
}

/* The second pass runs only when nothing has been reported. When, besides,
 * no document has changed since the first (no mg_doc_replace, no member
 * merged from traits) and the first was not cut short, every schema the
 * first walked was checked, and all it leads to, with nothing found: the
 * second starts from the first's marks, so that only schemas the first did
 * not reach are walked (each once, as before), and its findings, which can
 * only be at those, are the same. Only when no other walk has marked nodes
 * since (mg_docset_walk_last): the marks are one field per node. */
static void check_schemas(mg_model *m, int payloads)
{
    struct mg_model_priv *p = m->priv;
    wctx w;
    if (payloads && p->checked && !p->checked->cut && p->checked_gen == mg_docset_generation(m->set) &&
        mg_traits_merged(m->traits) == 0 && p->checked->stamp == mg_docset_walk_last(m->set)) {
        w = *p->checked;
        free(p->checked);
        p->checked = NULL;
    } else {
        memset(&w, 0, sizeof w);
        w.stamp = mg_docset_walk_stamp(m->set);
    }
    const cJSON *c, *schemas = get(get(m->doc->root, "components"), "schemas");
    if (payloads) {
        for (int i = 0; i < m->nmessages; i++) {
            if (m->messages[i]->payload_doc)
                walk_schema(m, &w, (wstep){m->messages[i]->payload_doc, m->messages[i]->payload_schema}, 0);
            if (m->messages[i]->headers_doc) /* inline, or merged from traits */
                walk_schema(m, &w, (wstep){m->messages[i]->headers_doc, m->messages[i]->headers_schema}, 0);
        }
    } else if (m->spec == MG_SPEC_JSON_SCHEMA) {
        walk_schema(m, &w, (wstep){m->doc, m->doc->root}, 0);
    } else if (is_object(schemas)) {
        cJSON_ArrayForEach(c, schemas)
            walk_schema(m, &w, (wstep){m->doc, c}, 0);
    }
    if (p->checked) {
        wctx_free(p->checked);
        free(p->checked);
        p->checked = NULL;
    }
    if (payloads) {
        wctx_free(&w);
        return;
    }
    p->checked = mg_xmalloc(sizeof *p->checked);
    *p->checked = w;
    p->checked_gen = mg_docset_generation(m->set);
}

mg_model *mg_model_new(mg_docset *set, const mg_doc *doc, mg_diag *d)
{
    mg_model *m = calloc(1, sizeof *m);
    struct mg_model_priv *p = calloc(1, sizeof *p);
    if (!m || !p)
        abort();
    m->priv = p;
    p->d = d;
    p->owned = cJSON_CreateArray();
    mg_hmap_init(&p->names, sizeof(cased_ent));
    mg_hmap_init(&p->type_by_node, sizeof(node_ent));
    mg_hmap_init(&p->type_by_snake, sizeof(name_ent));
    mg_hmap_init(&p->msg_by_node, sizeof(node_ent));
    mg_hmap_init_str(&p->msg_by_snake, sizeof(name_ent));
    mg_hmap_init(&p->msg_key_named, sizeof(node_ent));
    m->set = set;
    m->doc = doc;
    int before = d->errors, known = detect(m) == 0;
    m->traits = mg_traits_new(set, m->spec == MG_SPEC_ASYNCAPI3);
    /* Multi-format schemas and Avro payloads become JSON Schema first. */
    if (known && m->spec != MG_SPEC_JSON_SCHEMA && mg_schema_formats_apply(set, d) < 0)
        known = 0;
    /* Likely misspelt keywords are warnings (errors under --werror). */
    if (known)
        mg_typos_check(set, doc,
                       m->spec == MG_SPEC_ASYNCAPI2   ? MG_TYPO_ASYNCAPI2
                       : m->spec == MG_SPEC_ASYNCAPI3 ? MG_TYPO_ASYNCAPI3
                                                      : MG_TYPO_SCHEMA,
                       d);
    if (known && d->errors > before)
        known = 0;
    if (known)
        check_schemas(m, 0);
    if (known && !p->failed && d->errors == before) {
        catalogue_info(m);
        if (m->spec == MG_SPEC_JSON_SCHEMA)
            json_schema_catalogue(m);
        else {
            declared_schemas(m, get(get(doc->root, "components"), "schemas"));
            components_message_name_clashes(m);
            if (m->spec == MG_SPEC_ASYNCAPI2)
                asyncapi2_channels(m);
            else
                asyncapi3_channels(m);
            components_messages(m);
        }
        if (!p->failed && m->nmessages == 0)
            err(m, mg_mark_at(doc->path, 1, 1), "the catalogue defines no messages");
        if (!p->failed && d->errors == before && !(m->api = mg_api_new(m, d)))
            p->failed = 1;
        mark_recursion(m);
        if (!p->failed && d->errors == before)
            check_schemas(m, 1);
    }
    if (p->failed || d->errors > 0) {
        mg_model_free(m);
        return NULL;
    }
    return m;
}

mg_model *mg_model_load(const char *path, const char *const *ref_maps, size_t nref_maps, mg_docset **set,
                        mg_diag *d)
{
    *set = mg_docset_new(NULL);
    for (size_t i = 0; i < nref_maps; i++)
        if (mg_docset_add_ref_map(*set, ref_maps[i]) < 0)
            mg_diag_error(d, mg_mark_at(NULL, 0, 0), "--ref-map '%s': expected URL_PREFIX=DIR", ref_maps[i]);
    const mg_doc *doc = mg_docset_load(*set, path, mg_mark_at(NULL, 0, 0), d);
    if (!doc || mg_resolve_all(*set, doc, d) < 0 || d->errors > 0)
        return NULL;
    return mg_model_new(*set, doc, d);
}

void mg_model_free(mg_model *m)
{
    if (!m)
        return;
    struct mg_model_priv *p = m->priv;
    for (int i = 0; i < p->arrays.n; i++)
        free(p->arrays.v[i]);
    for (int i = 0; i < p->allocs.n; i++)
        free(p->allocs.v[i]);
    mg_hmap_fini(&p->names);
    free(p->arrays.v);
    free(p->allocs.v);
    free(p->types.v);
    free(p->messages.v);
    cJSON_Delete(p->owned);
    mg_hmap_fini(&p->type_by_node);
    mg_hmap_fini(&p->type_by_snake);
    mg_hmap_fini(&p->msg_by_node);
    mg_hmap_fini(&p->msg_by_snake);
    mg_hmap_fini(&p->msg_key_named);
    if (p->checked) {
        wctx_free(p->checked);
        free(p->checked);
    }
    free(p->reach_seen);
    mg_api_free(m->api);
    mg_traits_free(m->traits);
    free(p);
    free(m);
}

int mg_typeref_reaches(const mg_model *m, const mg_typeref *r, const mg_type *goal)
{
    /* Asked per field of recursive types: a fresh visited set each time would
     * cost O(types) per question, so the set is kept and invalidated by
     * bumping a stamp. */
    struct mg_model_priv *p = m->priv;
    if (!p->reach_seen || p->reach_stamp == UINT_MAX) {
        free(p->reach_seen);
        p->reach_seen = mg_xcalloc((size_t)m->ntypes + 1, sizeof *p->reach_seen);
        p->reach_stamp = 0;
    }
    p->reach_stamp++;
    return reaches(r, goal, p->reach_seen, p->reach_stamp);
}

const mg_type *mg_model_type_of_node(const mg_model *m, const cJSON *node)
{
    const node_ent *e = mg_hmap_get_ptr(&m->priv->type_by_node, node);
    return e ? e->val : NULL;
}

const mg_message *mg_model_message_of_node(const mg_model *m, const cJSON *node)
{
    return find_message_node((mg_model *)m, node);
}

const mg_message *mg_model_find_message(const mg_model *m, const char *name)
{
    for (int i = 0; i < m->nmessages; i++)
        if (strcmp(m->messages[i]->name.s[MG_CASE_RAW], name) == 0)
            return m->messages[i];
    for (int i = 0; i < m->nmessages; i++)
        for (int c = 0; c < MG_CASE_COUNT; c++)
            if (strcmp(m->messages[i]->name.s[c], name) == 0)
                return m->messages[i];
    return NULL;
}

void mg_model_report_no_message(const mg_model *m, const char *name, mg_diag *d)
{
    const cJSON *root = m->doc->root;
    const cJSON *at = get(get(root, "components"), "messages");
    if (!at)
        at = get(root, "channels");
    if (!at)
        at = root;
    mg_buf hint;
    mg_buf_init(&hint);
    size_t best = mg_typo_distance(strlen(name)) + 1;
    for (int i = 0; i < m->nmessages; i++) {
        const char *raw = m->messages[i]->name.s[MG_CASE_RAW];
        size_t dist = mg_edit_distance(name, strlen(name), raw);
        if (dist < best) {
            best = dist;
            mg_buf_reset(&hint);
        }
        if (dist == best && hint.len < 200)
            mg_buf_appendf(&hint, "%s'%s'", hint.len ? " or " : "", raw);
    }
    if (hint.len)
        mg_doc_error(d, m->doc, at, "no message '%s' in the catalogue (did you mean %s?)", name,
                     mg_buf_cstr(&hint));
    else {
        for (int i = 0; i < m->nmessages && i < 5; i++)
            mg_buf_appendf(&hint, "%s'%s'", i ? ", " : "", m->messages[i]->name.s[MG_CASE_RAW]);
        if (m->nmessages > 5)
            mg_buf_appendf(&hint, " and %d more", m->nmessages - 5);
        mg_doc_error(d, m->doc, at, "no message '%s' in the catalogue (it has %s)", name,
                     m->nmessages ? mg_buf_cstr(&hint) : "none");
    }
    mg_buf_fini(&hint);
}

const char *mg_kind_name(mg_kind k)
{
    static const char *const names[] = {"any", "null", "string", "integer", "number",
                                        "boolean", "ref", "array", "map"};
    return (unsigned)k < sizeof names / sizeof names[0] ? names[k] : "any";
}

const char *mg_type_kind_name(mg_type_kind k)
{
    static const char *const names[] = {"object", "enum", "union", "alias"};
    return (unsigned)k < sizeof names / sizeof names[0] ? names[k] : "alias";
}

const cJSON *mg_model_validator_loader(void *docset, const char *uri)
{
    mg_docset *set = docset;
    char *path = mg_validate_uri_to_path(uri);
    if (!path) {
        char *url = mg_xstrndup(uri, strcspn(uri, "#"));
        path = mg_docset_map_url(set, url);
        free(url);
    }
    if (!path)
        return NULL;
    mg_diag quiet;
    mg_diag_init(&quiet);
    quiet.max_errors = 0;
    const mg_doc *doc = mg_docset_load(set, path, mg_mark_at(NULL, 0, 0), &quiet);
    free(path);
    return doc ? doc->root : NULL;
}
