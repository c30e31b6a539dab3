/* api.c - reads the interface of an AsyncAPI document (servers, security
 * schemes, channels, operations, message uses) into the normalised trees
 * api.h describes.
 *
 * Every $ref was checked by mg_resolve_all before the model was built, so a
 * ref that fails here was reported already: we follow refs with a quiet sink
 * and skip what does not resolve.
 */
#include "api.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "hmap.h"
#include "util.h"
#include "model.h"
#include "names.h"
#include "resolve.h"

#define MAX_TRAITS 64

typedef struct actx {
    const mg_model *m;
    mg_docset *set;
    mg_diag *d;
    int v3;
    int failed;
    mg_api *a;
    /* resolved root nodes, for naming what a $ref reaches */
    const cJSON **chan_nodes;   /* by channel position */
    cJSON **chan_views;         /* by channel position: its entry of a->channels */
    int nchan;
    mg_hmap chan_of_node;       /* chan_ent: resolved channel node -> its first position */
    cJSON **use_lists;          /* by message index: its entry of a->uses */
    mg_hmap op_snakes;          /* op_ent: operation identifier -> the first operation */
    const cJSON **server_nodes; /* by server position */
    int nserver;
    mg_mark *op_marks;          /* by operation position: where each was defined */
    int nop_marks;
} actx;

/* Lookups that keep a catalogue of N channels and operations linear in N
 * (scanning the lists made 10 000 messages spend most of the interface's
 * time there). */
typedef struct chan_ent {
    const cJSON *node; /* the key (mg_hmap_get_ptr) */
    int index;
} chan_ent;

typedef struct op_ent {
    char *snake;       /* the key (mg_hmap_get_str), owned by the table */
    const cJSON *op;   /* the first operation with that identifier */
    int index;         /* its position in a->operations */
} op_ent;

static const cJSON *get(const cJSON *node, const char *key)
{
    return cJSON_IsObject(node) ? mg_json_get(node, key) : NULL;
}

static const char *get_str(const cJSON *node, const char *key)
{
    const cJSON *v = get(node, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* For cJSON_ArrayForEach over a member that may be missing or of the wrong
 * kind. */
static const cJSON *as_obj(const cJSON *n)
{
    return cJSON_IsObject(n) ? n : NULL;
}

static const cJSON *as_arr(const cJSON *n)
{
    return cJSON_IsArray(n) ? n : NULL;
}

/* Follows a $ref without reporting: mg_resolve_all reported broken ones. */
static const cJSON *follow(mg_docset *set, const mg_doc *doc, const cJSON *node, const mg_doc **out_doc)
{
    mg_diag quiet;
    mg_diag_init_sink(&quiet, NULL, NULL);
    quiet.max_errors = 0;
    mg_ref_target t;
    int rc = node ? mg_resolve_ref(set, doc, node, &t, &quiet) : -1;
    if (rc < 0)
        return NULL;
    if (out_doc)
        *out_doc = rc ? t.doc : doc;
    return rc ? t.node : node;
}

static void add_s(cJSON *o, const char *k, const char *s)
{
    cJSON_AddItemToObject(o, k, s ? cJSON_CreateString(s) : cJSON_CreateNull());
}

static void add_dup(cJSON *o, const char *k, const cJSON *v)
{
    cJSON_AddItemToObject(o, k, v ? cJSON_Duplicate(v, 1) : cJSON_CreateNull());
}

__attribute__((format(printf, 4, 5))) static void err(actx *c, const mg_doc *doc, const cJSON *node,
                                                      const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    mg_diag_verror(c->d, mg_doc_mark(doc, node), fmt, ap);
    va_end(ap);
    c->failed = 1;
}

/* ---- traits -------------------------------------------------------------- */

static int traits_of(mg_docset *set, const mg_doc *doc, const cJSON *node, const mg_doc **tdocs,
                     const cJSON **tnodes)
{
    int n = 0;
    const cJSON *t;
    cJSON_ArrayForEach(t, as_arr(get(node, "traits"))) {
        const mg_doc *td = NULL;
        const cJSON *tn = follow(set, doc, t, &td);
        if (cJSON_IsObject(tn) && n < MAX_TRAITS) {
            tdocs[n] = td;
            tnodes[n++] = tn;
        }
    }
    return n;
}

/* ---- merging trait members ------------------------------------------- */

struct mg_traits {
    mg_docset *set;
    int v3;
    mg_hmap made; /* ptr_ent: the merged members put in place, so that asking twice gives the same node */
};

typedef struct ptr_ent {
    const void *key;
} ptr_ent;

/* A value while a member is merged: an original node taken whole (`members`
 * NULL), or an object being built from the members of several (then doc/node
 * is the value whose position it takes). */
typedef struct mres {
    const mg_doc *doc;
    const cJSON *node;   /* NULL: absent (deleted by a null) */
    const cJSON *owner;  /* top level: the object (or trait) the whole value came from */
    int own;             /* doc/node is the object's own (its position wins) */
    struct mmember *members;
    int n, cap, built;
} mres;

typedef struct mmember {
    const char *key;     /* borrowed from a source node */
    mres v;
} mmember;

static int is_name_map_key(const char *k)
{
    static const char *const maps[] = {"properties", "patternProperties", "definitions", "$defs", "dependentSchemas"};
    for (size_t i = 0; i < sizeof maps / sizeof *maps; i++)
        if (strcmp(k, maps[i]) == 0)
            return 1;
    return 0;
}

static int is_data_key(const char *k)
{
    static const char *const data[] = {"enum", "const", "default", "examples", "example"};
    for (size_t i = 0; i < sizeof data / sizeof *data; i++)
        if (strcmp(k, data[i]) == 0)
            return 1;
    return 0;
}

static void mres_fini(mres *r)
{
    for (int i = 0; i < r->n; i++)
        mres_fini(&r->members[i].v);
    free(r->members);
    memset(r, 0, sizeof *r);
}

static mres *mres_member(mres *r, const char *key)
{
    for (int i = 0; i < r->n; i++)
        if (strcmp(r->members[i].key, key) == 0)
            return &r->members[i].v;
    if (r->n == r->cap) {
        r->cap = r->cap ? 2 * r->cap : 8;
        r->members = realloc(r->members, (size_t)r->cap * sizeof *r->members);
        if (!r->members)
            abort();
    }
    mmember *m = &r->members[r->n++];
    memset(m, 0, sizeof *m);
    m->key = key;
    return &m->v;
}

static void mres_remove(mres *r, const char *key)
{
    for (int i = 0; i < r->n; i++)
        if (strcmp(r->members[i].key, key) == 0) {
            mres_fini(&r->members[i].v);
            memmove(&r->members[i], &r->members[i + 1], (size_t)(r->n - i - 1) * sizeof *r->members);
            r->n--;
            return;
        }
}

/* JSON Merge Patch (RFC 7386) of the value `patch` (in `pdoc`) onto `acc`,
 * keeping where each part comes from. $refs are followed where two objects
 * meet (never inside data members: enum, const, default, examples). A value
 * only one side has is kept whole, as written. `names`: patch's members are
 * names (under properties...), not keywords; `data`: patch is data (under
 * enum, examples...), where "$ref" is no reference. */
static void merge_value(mg_docset *set, mres *acc, const mg_doc *pdoc, const cJSON *patch, const cJSON *owner,
                        int own, int names, int data, int depth)
{
    if (!acc->node && !acc->built) {
        if (cJSON_IsNull(patch))
            return;
        acc->doc = pdoc;
        acc->node = patch;
        acc->owner = owner;
        acc->own = own;
        return;
    }
    const mg_doc *pfd = pdoc;
    const cJSON *pobj = data ? patch : follow(set, pdoc, patch, &pfd);
    if (!cJSON_IsObject(pobj) || depth > 64) {
        mres_fini(acc);
        if (!cJSON_IsNull(patch)) {
            acc->doc = pdoc;
            acc->node = patch;
            acc->owner = owner;
            acc->own = own;
        }
        return;
    }
    if (!acc->built) {
        const mg_doc *tfd = acc->doc;
        const cJSON *tobj = data ? acc->node : follow(set, acc->doc, acc->node, &tfd);
        if (!cJSON_IsObject(tobj)) {
            acc->doc = pdoc;
            acc->node = patch;
            acc->owner = owner;
            acc->own = own;
            return;
        }
        /* Two objects meet: build their merge, starting from the target's members. */
        acc->built = 1;
        const cJSON *c;
        cJSON_ArrayForEach(c, tobj) {
            mres *m = mres_member(acc, c->string);
            m->doc = tfd;
            m->node = c;
            m->own = acc->own;
        }
    }
    if (own && !acc->own) {
        /* The object's own value gives the merged value its position. */
        acc->doc = pdoc;
        acc->node = patch;
        acc->own = 1;
    }
    acc->owner = NULL;
    const cJSON *c;
    cJSON_ArrayForEach(c, pobj) {
        if (cJSON_IsNull(c)) {
            mres_remove(acc, c->string);
            continue;
        }
        const char *k = c->string;
        merge_value(set, mres_member(acc, k), pfd, c, NULL, own, !names && !data && is_name_map_key(k),
                    data || (!names && is_data_key(k)), depth + 1);
        mres *m = mres_member(acc, c->string);
        if (!m->node && !m->built)
            mres_remove(acc, c->string);
    }
}

/* The file part of a $ref written in `from`, as a path relative to the
 * folder of `to` (absolute when there is no simpler way), so that a copy of
 * the $ref put in `to` reaches the same file. Appends to `out`. */
static void relative_file(const mg_doc *from, const char *file, const mg_doc *to, mg_buf *out)
{
    mg_buf joined;
    mg_buf_init(&joined);
    if (!*file) {
        mg_buf_append_str(&joined, from->path);
    } else {
        if (file[0] != '/' && strcmp(from->dir, ".") != 0) {
            mg_buf_append_str(&joined, from->dir);
            mg_buf_putc(&joined, '/');
        }
        mg_buf_append_str(&joined, file);
    }
    char *p = mg_path_normalise(mg_buf_cstr(&joined));
    mg_buf_fini(&joined);
    size_t dl = strlen(to->dir);
    if (strcmp(to->dir, ".") == 0 && p[0] != '/')
        mg_buf_append_str(out, p);
    else if (strncmp(p, to->dir, dl) == 0 && p[dl] == '/' && strcmp(to->dir, "/") != 0)
        mg_buf_append_str(out, p + dl + 1);
    else if (p[0] == '/')
        mg_buf_append_str(out, p);
    else {
        char *cwd = getcwd(NULL, 0);
        mg_buf_appendf(out, "%s/%s", cwd ? cwd : ".", p);
        free(cwd);
    }
    free(p);
}

/* A copy of a $ref written in `from` that means the same in `to`. */
static char *moved_ref(const mg_doc *from, const mg_doc *to, const char *ref)
{
    mg_buf b;
    mg_buf_init(&b);
    const char *hash = strchr(ref, '#');
    size_t flen = hash ? (size_t)(hash - ref) : strlen(ref);
    int remote = strstr(ref, "://") && (!hash || strstr(ref, "://") < hash);
    if (remote || from == to || (flen > 0 && strcmp(from->dir, to->dir) == 0)) {
        mg_buf_append_str(&b, ref);
    } else {
        char *file = mg_xstrndup(ref, flen);
        mg_buf enc, rel;
        mg_buf_init(&enc);
        mg_buf_init(&rel);
        relative_file(from, file, to, &rel);
        for (const char *q = mg_buf_cstr(&rel); *q; q++) /* the path as a URI reference */
            if (*q == '%' || *q == '#' || *q == ' ')
                mg_buf_appendf(&enc, "%%%02X", (unsigned char)*q);
            else
                mg_buf_putc(&enc, *q);
        mg_buf_append_str(&b, mg_buf_cstr(&enc));
        mg_buf_append_str(&b, hash ? hash : "");
        mg_buf_fini(&enc);
        mg_buf_fini(&rel);
        free(file);
    }
    return mg_buf_steal(&b, NULL);
}

/* Gives the copy `dst` of `src` (of `sdoc`) and everything below it positions
 * in `doc` at the originals' places, and rewrites the $refs it holds when
 * `sdoc` is another file. `names`: dst's members are names (under
 * properties...), `data`: dst is data (under enum, examples...); neither
 * holds references. */
static void place_copy(const mg_doc *doc, cJSON *dst, const mg_doc *sdoc, const cJSON *src, const cJSON *parent,
                       int index, int names, int data)
{
    mg_doc_record(doc, dst, parent, index, mg_doc_mark(sdoc, src), mg_doc_key_mark(sdoc, src));
    cJSON *d = dst->child;
    const cJSON *s = src->child;
    for (int i = 0; d && s; d = d->next, s = s->next, i++) {
        const char *k = cJSON_IsObject(dst) ? d->string : NULL;
        if (k && !names && !data && strcmp(k, "$ref") == 0 && cJSON_IsString(d) && sdoc != doc) {
            char *r = moved_ref(sdoc, doc, d->valuestring);
            cJSON_SetValuestring(d, r);
            free(r);
        }
        place_copy(doc, d, sdoc, s, dst, i, k && !names && !data && is_name_map_key(k),
                   data || (k && !names && is_data_key(k)));
    }
}

/* The cJSON tree of a merge result, with every node given its position in
 * `doc` under `parent` (child `index`). */
static cJSON *materialise(const mg_doc *doc, const mres *r, cJSON *parent, int index, const char *key, int names,
                          int data)
{
    cJSON *out;
    if (!r->built) {
        out = cJSON_Duplicate(r->node, 1);
        if (!out)
            abort();
        if (key)
            cJSON_AddItemToObject(parent, key, out);
        place_copy(doc, out, r->doc, r->node, parent, index, names, data);
        return out;
    }
    out = cJSON_CreateObject();
    if (key)
        cJSON_AddItemToObject(parent, key, out);
    mg_doc_record(doc, out, parent, index, mg_doc_mark(r->doc, r->node), mg_doc_key_mark(r->doc, r->node));
    for (int i = 0; i < r->n; i++) {
        const char *k = r->members[i].key;
        materialise(doc, &r->members[i].v, out, i, k, !names && !data && is_name_map_key(k),
                    data || (!names && is_data_key(k)));
    }
    return out;
}

mg_traits *mg_traits_new(mg_docset *set, int v3)
{
    mg_traits *t = calloc(1, sizeof *t);
    if (!t)
        abort();
    t->set = set;
    t->v3 = v3;
    mg_hmap_init(&t->made, sizeof(ptr_ent));
    return t;
}

void mg_traits_free(mg_traits *t)
{
    if (!t)
        return;
    mg_hmap_fini(&t->made);
    free(t);
}

size_t mg_traits_merged(const mg_traits *t)
{
    return t ? mg_hmap_len(&t->made) : 0;
}

const cJSON *mg_traits_member(mg_traits *t, const mg_doc *doc, const cJSON *node, const char *key,
                              const mg_doc **out_doc, const cJSON **out_owner)
{
    const mg_doc *tdocs[MAX_TRAITS];
    const cJSON *tnodes[MAX_TRAITS];
    const cJSON *own = get(node, key);
    *out_doc = doc;
    if (out_owner)
        *out_owner = node;
    if (own && mg_hmap_get_ptr(&t->made, own))
        return own; /* merged by an earlier call */
    int n = traits_of(t->set, doc, node, tdocs, tnodes);
    if (n == 0)
        return own;
    /* 2.x: the object is the target, each trait a patch over it; 3.x: the
     * traits in order, then the object itself over them. */
    mres acc;
    memset(&acc, 0, sizeof acc);
    int data = is_data_key(key);
    if (own && !t->v3)
        merge_value(t->set, &acc, doc, own, node, 1, 0, data, 0);
    for (int i = 0; i < n; i++)
        if (get(tnodes[i], key))
            merge_value(t->set, &acc, tdocs[i], get(tnodes[i], key), tnodes[i], 0, 0, data, 0);
    if (own && t->v3)
        merge_value(t->set, &acc, doc, own, node, 1, 0, data, 0);
    if (!acc.built) {
        const cJSON *v = acc.node;
        if (v) {
            *out_doc = acc.doc;
            if (out_owner)
                *out_owner = acc.owner;
        }
        mres_fini(&acc);
        return v;
    }
    /* Put in the object's place, so that its $refs resolve and it has a
     * JSON pointer like any member written there. */
    cJSON *obj = (cJSON *)node, *merged;
    if (own) {
        cJSON *tmp = cJSON_CreateObject();
        merged = materialise(doc, &acc, tmp, 0, key, 0, data);
        cJSON_DetachItemViaPointer(tmp, merged);
        cJSON_Delete(tmp);
        mg_doc_replace(doc, (cJSON *)own, merged); /* gives it own's parent link and key */
        if (get(obj, key) != merged) { /* own is not a node of `doc`: cannot happen for a loaded object */
            cJSON_Delete(merged);
            mres_fini(&acc);
            return own;
        }
    } else {
        merged = materialise(doc, &acc, obj, cJSON_GetArraySize(obj), key, 0, data);
    }
    mres_fini(&acc);
    mg_hmap_put_ptr(&t->made, merged, NULL);
    return merged;
}

/* JSON Merge Patch of `src` into `dst`, both objects; `$ref`s in `src` are
 * followed at each level so that merged bindings hold what they refer to. */
static void merge_into(mg_docset *set, const mg_doc *doc, cJSON *dst, const cJSON *src, int depth)
{
    const cJSON *c;
    cJSON_ArrayForEach(c, src) {
        const mg_doc *cd = doc;
        const cJSON *v = depth < 2 ? follow(set, doc, c, &cd) : c;
        if (!v)
            continue;
        cJSON *have = mg_json_get(dst, c->string);
        if (cJSON_IsNull(v)) {
            cJSON_DeleteItemFromObjectCaseSensitive(dst, c->string);
        } else if (cJSON_IsObject(v) && cJSON_IsObject(have)) {
            merge_into(set, cd, have, v, depth + 1);
        } else {
            cJSON *copy = cJSON_IsObject(v) ? cJSON_CreateObject() : cJSON_Duplicate(v, 1);
            if (cJSON_IsObject(v))
                merge_into(set, cd, copy, v, depth + 1);
            if (have)
                cJSON_ReplaceItemViaPointer(dst, have, copy);
            else
                cJSON_AddItemToObject(dst, c->string, copy);
        }
    }
}

static void merge_bindings(mg_docset *set, const mg_doc *doc, cJSON *acc, const cJSON *owner, int *any)
{
    const mg_doc *bd = doc;
    const cJSON *b = follow(set, doc, get(owner, "bindings"), &bd);
    if (!cJSON_IsObject(b))
        return;
    *any = 1;
    merge_into(set, bd, acc, b, 0);
}

cJSON *mg_traits_bindings_new(mg_docset *set, const mg_doc *doc, const cJSON *node, int v3)
{
    const mg_doc *tdocs[MAX_TRAITS];
    const cJSON *tnodes[MAX_TRAITS];
    int n = traits_of(set, doc, node, tdocs, tnodes), any = 0;
    cJSON *acc = cJSON_CreateObject();
    if (!v3)
        merge_bindings(set, doc, acc, node, &any);
    for (int i = 0; i < n; i++)
        merge_bindings(set, tdocs[i], acc, tnodes[i], &any);
    if (v3)
        merge_bindings(set, doc, acc, node, &any);
    if (!any) {
        cJSON_Delete(acc);
        return NULL;
    }
    return acc;
}

/* ---- small shared pieces ------------------------------------------------- */

static cJSON *external_docs(actx *c, const mg_doc *doc, const cJSON *node)
{
    const cJSON *e = follow(c->set, doc, node, NULL);
    if (!cJSON_IsObject(e))
        return cJSON_CreateNull();
    cJSON *o = cJSON_CreateObject();
    add_s(o, "url", get_str(e, "url"));
    add_s(o, "description", get_str(e, "description"));
    return o;
}

static void add_tags(actx *c, cJSON *list, const mg_doc *doc, const cJSON *tags)
{
    const cJSON *t;
    cJSON_ArrayForEach(t, as_arr(tags)) {
        const mg_doc *td = doc;
        const cJSON *tn = follow(c->set, doc, t, &td);
        if (!get_str(tn, "name"))
            continue;
        cJSON *o = cJSON_CreateObject();
        add_s(o, "name", get_str(tn, "name"));
        add_s(o, "description", get_str(tn, "description"));
        cJSON_AddItemToObject(o, "external_docs", external_docs(c, td, get(tn, "externalDocs")));
        cJSON_AddItemToArray(list, o);
    }
}

/* A JSON value as text for lists of strings (enum values, examples). */
static cJSON *value_strings(const cJSON *list)
{
    cJSON *out = cJSON_CreateArray();
    const cJSON *v;
    cJSON_ArrayForEach(v, as_arr(list)) {
        if (cJSON_IsString(v)) {
            cJSON_AddItemToArray(out, cJSON_CreateString(v->valuestring));
        } else {
            char *s = cJSON_PrintUnformatted(v);
            cJSON_AddItemToArray(out, cJSON_CreateString(s ? s : "null"));
            cJSON_free(s);
        }
    }
    return out;
}

static cJSON *value_string(const cJSON *v)
{
    if (!v)
        return cJSON_CreateNull();
    if (cJSON_IsString(v))
        return cJSON_CreateString(v->valuestring);
    char *s = cJSON_PrintUnformatted(v);
    cJSON *r = cJSON_CreateString(s ? s : "null");
    cJSON_free(s);
    return r;
}

/* ---- identifiers of operations and parameters ------------------------------ */

static char *mark_str(mg_mark at)
{
    mg_buf b;
    mg_buf_init(&b);
    mg_buf_appendf(&b, "%s:%d:%d", at.file ? at.file : "?", at.line, at.col);
    return mg_buf_steal(&b, NULL);
}

/* A name's identifier (`snake`) for templates: the name in snake case (the
 * view escapes it with each target's reserved words and reserved_escape).
 * NULL (reported at `key`) when the name has no letter or digit to build one
 * from. */
static char *ident_of(actx *c, const mg_doc *doc, const cJSON *key, const char *what, const char *name)
{
    char *snake = mg_name_case_new(name, MG_CASE_SNAKE);
    if (!snake || !*snake) {
        mg_diag_error(c->d, mg_doc_key_mark(doc, key), "%s '%s' has no letter or digit to build an identifier from",
                      what, name);
        c->failed = 1;
        free(snake);
        return NULL;
    }
    return snake;
}

/* Reports `snake` when `list` (objects with `snake_key` and `name_key`)
 * already holds it: two names that differ but give one identifier
 * ("lightId", "light_id") would declare it twice in generated code. The
 * earlier one's place comes from `marks` (parallel to `list`). */
static int clashes(actx *c, const cJSON *list, const char *snake_key, const char *name_key, const mg_mark *marks,
                   mg_mark at, const char *what, const char *name, const char *snake)
{
    int i = 0;
    const cJSON *e;
    cJSON_ArrayForEach(e, list) {
        const char *other = get_str(e, snake_key);
        if (other && strcmp(other, snake) == 0) {
            char *w = mark_str(marks[i]);
            mg_diag_error(c->d, at, "%s '%s' collides with %s '%s' defined at %s (both become '%s')",
                          what, name, what, get_str(e, name_key), w, snake);
            free(w);
            c->failed = 1;
            return 1;
        }
        i++;
    }
    return 0;
}

/* Channel parameters and server variables (`what` names them in
 * diagnostics): a map of name -> object. 2.x parameters keep
 * enum/default/examples in a `schema`. */
static cJSON *params(actx *c, const mg_doc *doc, const cJSON *map, const char *what)
{
    cJSON *out = cJSON_CreateArray();
    const cJSON *p;
    int n = cJSON_GetArraySize(as_obj(map)), k = 0;
    mg_mark *marks = mg_xmalloc(sizeof *marks * (size_t)(n + 1));
    cJSON_ArrayForEach(p, as_obj(map)) {
        const mg_doc *pd = doc;
        const cJSON *pn = follow(c->set, doc, p, &pd);
        if (!cJSON_IsObject(pn))
            continue;
        const cJSON *src = pn;
        const mg_doc *sd = pd;
        const cJSON *schema = get(pn, "schema") ? follow(c->set, pd, get(pn, "schema"), &sd) : NULL;
        if (cJSON_IsObject(schema))
            src = schema;
        /* The name as an identifier (client targets name typed arguments after it). */
        char *snake = ident_of(c, doc, p, what, p->string);
        mg_mark at = mg_doc_key_mark(doc, p);
        if (!snake || clashes(c, out, "snake", "name", marks, at, what, p->string, snake)) {
            free(snake);
            continue;
        }
        marks[k++] = at;
        cJSON *o = cJSON_CreateObject();
        add_s(o, "name", p->string);
        add_s(o, "snake", snake);
        free(snake);
        add_s(o, "description", get_str(pn, "description") ? get_str(pn, "description") : get_str(src, "description"));
        cJSON_AddItemToObject(o, "enum", value_strings(get(src, "enum")));
        cJSON_AddItemToObject(o, "default", value_string(get(src, "default")));
        cJSON_AddItemToObject(o, "examples", value_strings(get(src, "examples")));
        add_s(o, "location", get_str(pn, "location"));
        cJSON_AddItemToArray(out, o);
    }
    free(marks);
    return out;
}

static int scheme_exists(actx *c, const char *name)
{
    const cJSON *schemes = get(get(c->m->doc->root, "components"), "securitySchemes");
    return get(schemes, name) != NULL;
}

/* Security requirements: 2.x [{scheme: [scopes]}], 3.x [scheme or $ref]. */
static cJSON *security(actx *c, const mg_doc *doc, const cJSON *list)
{
    cJSON *out = cJSON_CreateArray();
    const cJSON *r;
    const cJSON *schemes = get(get(c->m->doc->root, "components"), "securitySchemes");
    cJSON_ArrayForEach(r, as_arr(list)) {
        if (!c->v3) {
            const cJSON *s;
            cJSON_ArrayForEach(s, as_obj(r)) {
                /* Invalid, but real documents do it (the official 2.0.0
                 * correlation-id example): warned, kept as written. */
                if (!scheme_exists(c, s->string))
                    mg_diag_warning(c->d, mg_doc_key_mark(doc, s),
                                    "security requirement names '%s', which is not under components.securitySchemes",
                                    s->string);
                cJSON *o = cJSON_CreateObject();
                add_s(o, "scheme", s->string);
                add_s(o, "type", get_str(follow(c->set, c->m->doc, get(schemes, s->string), NULL), "type"));
                cJSON_AddItemToObject(o, "scopes", cJSON_IsArray(s) ? value_strings(s) : cJSON_CreateArray());
                cJSON_AddItemToArray(out, o);
            }
            continue;
        }
        const cJSON *sn = follow(c->set, doc, r, NULL);
        if (!cJSON_IsObject(sn))
            continue;
        const char *key = NULL;
        const cJSON *k;
        cJSON_ArrayForEach(k, as_obj(schemes))
            if (follow(c->set, c->m->doc, k, NULL) == sn)
                key = k->string;
        cJSON *o = cJSON_CreateObject();
        add_s(o, "scheme", key);
        add_s(o, "type", get_str(sn, "type"));
        cJSON_AddItemToObject(o, "scopes", cJSON_IsArray(get(sn, "scopes")) ? value_strings(get(sn, "scopes"))
                                                                          : cJSON_CreateArray());
        cJSON_AddItemToArray(out, o);
    }
    return out;
}

static cJSON *bindings_of(actx *c, const mg_doc *doc, const cJSON *node)
{
    cJSON *b = mg_traits_bindings_new(c->set, doc, node, c->v3);
    return b ? b : cJSON_CreateNull();
}

/* ---- servers and security schemes ---------------------------------------- */

static void servers(actx *c)
{
    const mg_doc *doc = c->m->doc;
    const cJSON *map = get(doc->root, "servers"), *s;
    int n = cJSON_GetArraySize(as_obj(map));
    c->server_nodes = calloc((size_t)n + 1, sizeof *c->server_nodes);
    if (!c->server_nodes)
        abort();
    cJSON_ArrayForEach(s, as_obj(map)) {
        const mg_doc *sd = doc;
        const cJSON *sn = follow(c->set, doc, s, &sd);
        c->server_nodes[c->nserver++] = sn;
        if (!cJSON_IsObject(sn))
            continue;
        cJSON *o = cJSON_CreateObject();
        add_s(o, "name", s->string);
        add_s(o, "title", get_str(sn, "title"));
        add_s(o, "summary", get_str(sn, "summary"));
        add_s(o, "description", get_str(sn, "description"));
        const char *host = get_str(sn, "host"), *path = get_str(sn, "pathname"), *url = get_str(sn, "url");
        const char *proto = get_str(sn, "protocol");
        mg_buf b, h;
        mg_buf_init(&b);
        mg_buf_init(&h);
        if (!url && host) {
            mg_buf_appendf(&b, "%s%s%s%s", proto ? proto : "", proto ? "://" : "", host, path ? path : "");
            url = mg_buf_cstr(&b);
        } else if (url && !host) {
            /* 2.x: host and pathname are parts of the url. */
            const char *p = strstr(url, "://");
            p = p ? p + 3 : url;
            size_t hl = strcspn(p, "/");
            mg_buf_append(&h, p, hl);
            host = mg_buf_cstr(&h);
            path = p[hl] ? p + hl : NULL;
        }
        add_s(o, "host", host);
        add_s(o, "pathname", path);
        add_s(o, "protocol", proto);
        /* Which client transport adapter serves it (client READMEs pick their example's). */
        cJSON_AddBoolToObject(o, "is_kafka", proto && (strcmp(proto, "kafka") == 0 || strcmp(proto, "kafka-secure") == 0));
        cJSON_AddBoolToObject(o, "is_mqtt", proto && (strcmp(proto, "mqtt") == 0 || strcmp(proto, "mqtts") == 0 ||
                                                  strcmp(proto, "secure-mqtt") == 0));
        /* Plain HTTP bindings (issue 16): the clients' HttpTransport serves it. */
        cJSON_AddBoolToObject(o, "is_http", proto && (strcmp(proto, "http") == 0 || strcmp(proto, "https") == 0));
        cJSON_AddBoolToObject(o, "is_ws", proto && (strcmp(proto, "ws") == 0 || strcmp(proto, "wss") == 0));
        add_s(o, "protocol_version", get_str(sn, "protocolVersion"));
        add_s(o, "url", url);
        mg_buf_fini(&b);
        mg_buf_fini(&h);
        cJSON_AddItemToObject(o, "variables", params(c, sd, get(sn, "variables"), "server variable"));
        cJSON_AddItemToObject(o, "security", security(c, sd, get(sn, "security")));
        cJSON *tags = cJSON_CreateArray();
        add_tags(c, tags, sd, get(sn, "tags"));
        cJSON_AddItemToObject(o, "tags", tags);
        cJSON_AddItemToObject(o, "bindings", bindings_of(c, sd, sn));
        cJSON_AddItemToArray(c->a->servers, o);
    }
}

static cJSON *scopes_list(const cJSON *map)
{
    cJSON *out = cJSON_CreateArray();
    const cJSON *s;
    cJSON_ArrayForEach(s, as_obj(map)) {
        cJSON *o = cJSON_CreateObject();
        add_s(o, "name", s->string);
        add_s(o, "description", cJSON_IsString(s) ? s->valuestring : NULL);
        cJSON_AddItemToArray(out, o);
    }
    return out;
}

static void security_schemes(actx *c)
{
    const mg_doc *doc = c->m->doc;
    const cJSON *map = get(get(doc->root, "components"), "securitySchemes"), *s;
    cJSON_ArrayForEach(s, as_obj(map)) {
        const mg_doc *sd = doc;
        const cJSON *sn = follow(c->set, doc, s, &sd);
        if (!cJSON_IsObject(sn))
            continue;
        cJSON *o = cJSON_CreateObject();
        add_s(o, "name", s->string);
        add_s(o, "type", get_str(sn, "type"));
        add_s(o, "description", get_str(sn, "description"));
        add_s(o, "scheme", get_str(sn, "scheme"));
        add_s(o, "bearer_format", get_str(sn, "bearerFormat"));
        add_s(o, "in", get_str(sn, "in"));
        add_s(o, "param_name", get_str(sn, "name"));
        add_s(o, "open_id_connect_url", get_str(sn, "openIdConnectUrl"));
        cJSON_AddItemToObject(o, "scopes", cJSON_IsArray(get(sn, "scopes")) ? value_strings(get(sn, "scopes"))
                                                                         : cJSON_CreateArray());
        cJSON *flows = cJSON_CreateArray();
        const cJSON *f;
        cJSON_ArrayForEach(f, as_obj(get(sn, "flows"))) {
            const cJSON *fn = follow(c->set, sd, f, NULL);
            if (!cJSON_IsObject(fn))
                continue;
            cJSON *fo = cJSON_CreateObject();
            add_s(fo, "flow", f->string);
            add_s(fo, "authorization_url", get_str(fn, "authorizationUrl"));
            add_s(fo, "token_url", get_str(fn, "tokenUrl"));
            add_s(fo, "refresh_url", get_str(fn, "refreshUrl"));
            cJSON_AddItemToObject(fo, "scopes",
                                  scopes_list(get(fn, "availableScopes") ? get(fn, "availableScopes") : get(fn, "scopes")));
            cJSON_AddItemToArray(flows, fo);
        }
        cJSON_AddItemToObject(o, "flows", flows);
        cJSON_AddItemToArray(c->a->security_schemes, o);
    }
}

/* ---- channels, operations, uses ------------------------------------------ */

static int message_index(actx *c, const mg_doc *doc, const cJSON *ref)
{
    const cJSON *n = follow(c->set, doc, ref, NULL);
    const mg_message *g = n ? mg_model_message_of_node(c->m, n) : NULL;
    return g ? g->index : -1;
}

static void add_use(actx *c, int msg, const char *op, const cJSON *chan, const char *action, int reply)
{
    if (msg < 0)
        return;
    cJSON *list = c->use_lists[msg];
    const cJSON *u;
    const char *ck = chan ? get_str(chan, "key") : NULL;
    /* One use per (operation, channel, action, reply). */
    cJSON_ArrayForEach(u, list) {
        const char *uo = get_str(u, "operation"), *uc = get_str(u, "channel"), *ua = get_str(u, "action");
        if ((uo == op || (uo && op && strcmp(uo, op) == 0)) && (uc == ck || (uc && ck && strcmp(uc, ck) == 0)) &&
            (ua == action || (ua && action && strcmp(ua, action) == 0)) &&
            cJSON_IsTrue(get(u, "reply")) == (reply != 0))
            return;
    }
    cJSON *o = cJSON_CreateObject();
    add_s(o, "operation", op);
    add_s(o, "channel", ck);
    add_s(o, "channel_address", chan ? get_str(chan, "address") : NULL);
    add_s(o, "action", action);
    cJSON_AddBoolToObject(o, "reply", reply != 0);
    cJSON_AddItemToArray(list, o);
}

static void add_index(cJSON *list, int i)
{
    const cJSON *v;
    if (i < 0)
        return;
    cJSON_ArrayForEach(v, list)
        if ((int)cJSON_GetNumberValue(v) == i)
            return;
    cJSON_AddItemToArray(list, cJSON_CreateNumber(i));
}

static cJSON *new_channel(actx *c, const char *key, const char *address, const mg_doc *doc, const cJSON *cn)
{
    cJSON *o = cJSON_CreateObject();
    add_s(o, "key", key);
    add_s(o, "address", address);
    add_s(o, "title", get_str(cn, "title"));
    add_s(o, "summary", get_str(cn, "summary"));
    add_s(o, "description", get_str(cn, "description"));
    cJSON_AddItemToObject(o, "parameters", params(c, doc, get(cn, "parameters"), "channel parameter"));
    cJSON *srv = cJSON_CreateArray();
    const cJSON *s;
    cJSON_ArrayForEach(s, as_arr(get(cn, "servers"))) {
        if (cJSON_IsString(s)) { /* 2.x: server names */
            cJSON_AddItemToArray(srv, cJSON_CreateString(s->valuestring));
            continue;
        }
        const cJSON *sn = follow(c->set, doc, s, NULL);
        const cJSON *map = get(c->m->doc->root, "servers"), *k;
        int i = 0;
        cJSON_ArrayForEach(k, as_obj(map)) {
            if (i < c->nserver && c->server_nodes[i] == sn)
                cJSON_AddItemToArray(srv, cJSON_CreateString(k->string));
            i++;
        }
    }
    cJSON_AddItemToObject(o, "servers", srv);
    cJSON *tags = cJSON_CreateArray();
    add_tags(c, tags, doc, get(cn, "tags"));
    cJSON_AddItemToObject(o, "tags", tags);
    cJSON_AddItemToObject(o, "external_docs", external_docs(c, doc, get(cn, "externalDocs")));
    cJSON_AddItemToObject(o, "bindings", bindings_of(c, doc, cn));
    cJSON_AddItemToObject(o, "messages", cJSON_CreateArray());
    cJSON_AddItemToArray(c->a->channels, o);
    return o;
}

static void channel_message(cJSON *ch, const char *key, int msg)
{
    cJSON *list = mg_json_get(ch, "messages");
    const cJSON *e;
    if (msg < 0)
        return;
    cJSON_ArrayForEach(e, list)
        if ((int)cJSON_GetNumberValue(get(e, "message")) == msg)
            return;
    cJSON *o = cJSON_CreateObject();
    add_s(o, "key", key);
    cJSON_AddNumberToObject(o, "message", msg);
    cJSON_AddItemToArray(list, o);
}

static cJSON *new_operation(actx *c, const char *key, const char *id, const char *action, const cJSON *ch,
                            const mg_doc *doc, const cJSON *on)
{
    cJSON *o = cJSON_CreateObject();
    const mg_doc *md;
    add_s(o, "key", key);
    add_s(o, "id", id);
    /* The name as an identifier under a key of its own: templates reach it from
     * inside the operation's message list, whose entries have their own `name`. */
    char *snake = mg_name_case_new(key, MG_CASE_SNAKE); /* as view.c names it: by key */
    add_s(o, "op_snake", snake);
    free(snake);
    add_s(o, "action", action);
    add_s(o, "channel", ch ? get_str(ch, "key") : NULL);
    add_s(o, "channel_address", ch ? get_str(ch, "address") : NULL);
    /* The channel's parameters again, so that a client template can type an
     * operation's arguments without joining operations to channels. */
    const cJSON *cp = ch ? get(ch, "parameters") : NULL;
    cJSON_AddItemToObject(o, "parameters", cp ? cJSON_Duplicate(cp, 1) : cJSON_CreateArray());
    static const char *const texts[] = {"title", "summary", "description"};
    for (int i = 0; i < 3; i++) {
        const cJSON *v = mg_traits_member(c->m->traits, doc, on, texts[i], &md, NULL);
        add_s(o, texts[i], cJSON_IsString(v) ? v->valuestring : NULL);
    }
    cJSON *tags = cJSON_CreateArray();
    const cJSON *tv = mg_traits_member(c->m->traits, doc, on, "tags", &md, NULL);
    add_tags(c, tags, md, tv);
    cJSON_AddItemToObject(o, "tags", tags);
    const cJSON *ed = mg_traits_member(c->m->traits, doc, on, "externalDocs", &md, NULL);
    cJSON_AddItemToObject(o, "external_docs", ed ? external_docs(c, md, ed) : cJSON_CreateNull());
    const cJSON *sec = mg_traits_member(c->m->traits, doc, on, "security", &md, NULL);
    cJSON_AddItemToObject(o, "security", security(c, md, sec));
    cJSON_AddItemToObject(o, "bindings", bindings_of(c, doc, on));
    cJSON_AddItemToObject(o, "messages", cJSON_CreateArray());
    cJSON_AddNullToObject(o, "reply");
    /* Keys that differ but give one identifier ("turnOn", "turn_on") would
     * declare one generated function twice: reported, as for type names. */
    mg_mark at = mg_doc_key_mark(doc, on);
    const char *op_snake = get_str(o, "op_snake");
    if (!op_snake || !*op_snake) {
        mg_diag_error(c->d, at, "operation '%s' has no letter or digit to build an identifier from", key);
        c->failed = 1;
    } else {
        int added;
        op_ent *e = mg_hmap_put_str(&c->op_snakes, op_snake, &added);
        if (added) {
            e->op = o;
            e->index = c->nop_marks;
        } else {
            char *w = mark_str(c->op_marks[e->index]);
            mg_diag_error(c->d, at, "operation '%s' collides with operation '%s' defined at %s (both become '%s')",
                          key, get_str(e->op, "key"), w, op_snake);
            free(w);
            c->failed = 1;
        }
    }
    c->op_marks = mg_xrealloc(c->op_marks, sizeof *c->op_marks * (size_t)(c->nop_marks + 1));
    c->op_marks[c->nop_marks++] = at;
    cJSON_AddItemToArray(c->a->operations, o);
    return o;
}

static const char *opposite(const char *action)
{
    return !action ? NULL : strcmp(action, "send") == 0 ? "receive" : "send";
}

static void asyncapi2(actx *c)
{
    const mg_doc *doc = c->m->doc;
    const cJSON *map = get(doc->root, "channels"), *ch;
    cJSON_ArrayForEach(ch, as_obj(map)) {
        const mg_doc *cd = doc;
        const cJSON *cn = follow(c->set, doc, ch, &cd);
        if (!cJSON_IsObject(cn))
            continue;
        cJSON *chv = new_channel(c, ch->string, ch->string, cd, cn);
        static const char *const verbs[] = {"publish", "subscribe"};
        for (int v = 0; v < 2; v++) {
            const mg_doc *od = cd;
            const cJSON *on = follow(c->set, cd, get(cn, verbs[v]), &od);
            if (!cJSON_IsObject(on))
                continue;
            const char *action = v == 0 ? "receive" : "send";
            const mg_doc *idd;
            const cJSON *idn = mg_traits_member(c->m->traits, od, on, "operationId", &idd, NULL);
            const char *id = cJSON_IsString(idn) ? idn->valuestring : NULL;
            mg_buf b;
            mg_buf_init(&b);
            mg_buf_appendf(&b, "%s %s", verbs[v], ch->string);
            cJSON *op = new_operation(c, id ? id : mg_buf_cstr(&b), id, action, chv, od, on);
            mg_buf_fini(&b);
            const char *key = get_str(op, "key");
            const mg_doc *sd = od;
            const cJSON *slot = follow(c->set, od, get(on, "message"), &sd);
            const cJSON *one = get(slot, "oneOf"), *it;
            if (cJSON_IsArray(one) && !get(slot, "payload")) {
                cJSON_ArrayForEach(it, one) {
                    int i = message_index(c, sd, it);
                    add_index(mg_json_get(op, "messages"), i);
                    channel_message(chv, NULL, i);
                    add_use(c, i, key, chv, action, 0);
                }
            } else if (slot) {
                int i = message_index(c, sd, slot);
                add_index(mg_json_get(op, "messages"), i);
                channel_message(chv, NULL, i);
                add_use(c, i, key, chv, action, 0);
            }
        }
    }
}

/* The root channel a 3.x operation or reply refers to, or -1 after an error. */
static int channel_of(actx *c, const mg_doc *doc, const cJSON *ref, const char *what, const char *op)
{
    const cJSON *n = follow(c->set, doc, ref, NULL);
    if (!n)
        return -1; /* a broken $ref: reported by the resolver */
    const chan_ent *e = mg_hmap_get_ptr(&c->chan_of_node, n);
    if (e)
        return e->index;
    const char *r = get_str(ref, "$ref");
    err(c, doc, get(ref, "$ref") ? get(ref, "$ref") : ref,
        "%s of operation '%s' must be a $ref to a channel under 'channels'%s%s%s", what, op, r ? " ('" : "",
        r ? r : "", r ? "' is not one)" : "");
    return -1;
}

/* The messages of a 3.x operation or reply: its `messages`, each of which
 * the channel must list, or (without a list) every message of the channel. */
static void op_messages(actx *c, const mg_doc *doc, const cJSON *owner, const cJSON *chv, const char *op,
                        cJSON *out, const char *action, int reply)
{
    const cJSON *list = get(owner, "messages"), *it;
    const cJSON *cm = mg_json_get(chv, "messages");
    if (!list) {
        cJSON_ArrayForEach(it, cm) {
            int i = (int)cJSON_GetNumberValue(get(it, "message"));
            add_index(out, i);
            add_use(c, i, op, chv, action, reply);
        }
        return;
    }
    cJSON_ArrayForEach(it, as_arr(list)) {
        int i = message_index(c, doc, it), listed = 0;
        if (i < 0)
            continue;
        const cJSON *e;
        cJSON_ArrayForEach(e, cm)
            listed |= (int)cJSON_GetNumberValue(get(e, "message")) == i;
        if (!listed) {
            const char *r = get_str(it, "$ref");
            err(c, doc, get(it, "$ref") ? get(it, "$ref") : it,
                "%soperation '%s' lists message '%s', which %s channel '%s' does not list under 'messages'",
                reply ? "the reply of " : "", op,  r ? r : c->m->messages[i]->name.s[MG_CASE_RAW],
                reply ? "the reply" : "its", get_str(chv, "key"));
            continue;
        }
        add_index(out, i);
        add_use(c, i, op, chv, action, reply);
    }
}

static void asyncapi3(actx *c)
{
    const mg_doc *doc = c->m->doc;
    const cJSON *map = get(doc->root, "channels"), *ch;
    int n = cJSON_GetArraySize(as_obj(map));
    c->chan_nodes = calloc((size_t)n + 1, sizeof *c->chan_nodes);
    c->chan_views = calloc((size_t)n + 1, sizeof *c->chan_views);
    if (!c->chan_nodes || !c->chan_views)
        abort();
    cJSON_ArrayForEach(ch, as_obj(map)) {
        const mg_doc *cd = doc;
        const cJSON *cn = follow(c->set, doc, ch, &cd);
        if (cn) {
            int added;
            chan_ent *e = mg_hmap_put_ptr(&c->chan_of_node, cn, &added);
            if (added)
                e->index = c->nchan;
        }
        c->chan_nodes[c->nchan] = cn;
        const char *address = get_str(cn, "address");
        cJSON *chv = new_channel(c, ch->string, address ? address : ch->string, cd,
                                 as_obj(cn));
        c->chan_views[c->nchan++] = chv;
        const cJSON *m;
        cJSON_ArrayForEach(m, as_obj(get(cn, "messages")))
            channel_message(chv, m->string, message_index(c, cd, m));
    }
    const cJSON *ops = get(doc->root, "operations"), *op;
    cJSON_ArrayForEach(op, as_obj(ops)) {
        const mg_doc *od = doc;
        const cJSON *on = follow(c->set, doc, op, &od);
        if (!cJSON_IsObject(on))
            continue;
        const char *action = get_str(on, "action");
        if (action && strcmp(action, "send") != 0 && strcmp(action, "receive") != 0)
            action = NULL; /* reported by the model */
        if (!get(on, "channel")) {
            err(c, od, on, "operation '%s' has no 'channel' (add channel: {$ref: '#/channels/NAME'})", op->string);
            continue;
        }
        int ci = channel_of(c, od, get(on, "channel"), "the channel", op->string);
        if (ci < 0)
            continue;
        cJSON *chv = c->chan_views[ci];
        cJSON *ov = new_operation(c, op->string, op->string, action, chv, od, on);
        op_messages(c, od, on, chv, op->string, mg_json_get(ov, "messages"), action, 0);
        const mg_doc *rd = od;
        const cJSON *rn = follow(c->set, od, get(on, "reply"), &rd);
        if (!cJSON_IsObject(rn))
            continue;
        cJSON *reply = cJSON_CreateObject();
        const cJSON *addr = follow(c->set, rd, get(rn, "address"), NULL);
        add_s(reply, "address", get_str(addr, "location"));
        add_s(reply, "address_description", get_str(addr, "description"));
        cJSON *rmsgs = cJSON_CreateArray();
        cJSON *rch = NULL;
        if (get(rn, "channel")) {
            int ri = channel_of(c, rd, get(rn, "channel"), "the reply channel", op->string);
            rch = ri < 0 ? NULL : c->chan_views[ri];
        }
        add_s(reply, "channel", rch ? get_str(rch, "key") : NULL);
        add_s(reply, "channel_address", rch ? get_str(rch, "address") : NULL);
        if (rch) {
            op_messages(c, rd, rn, rch, op->string, rmsgs, opposite(action), 1);
        } else {
            /* A reply without a channel (its address is found at runtime):
             * its messages are whatever it lists. */
            const cJSON *it;
            cJSON_ArrayForEach(it, as_arr(get(rn, "messages"))) {
                int i = message_index(c, rd, it);
                add_index(rmsgs, i);
                add_use(c, i, op->string, NULL, opposite(action), 1);
            }
        }
        cJSON_AddItemToObject(reply, "messages", rmsgs);
        cJSON_ReplaceItemInObjectCaseSensitive(ov, "reply", reply);
    }
    /* A channel message that no operation names is still used there. */
    cJSON *chv;
    cJSON_ArrayForEach(chv, c->a->channels) {
        const cJSON *e;
        cJSON_ArrayForEach(e, mg_json_get(chv, "messages")) {
            int i = (int)cJSON_GetNumberValue(get(e, "message"));
            const cJSON *u, *uses = i >= 0 && i < c->m->nmessages ? c->use_lists[i] : NULL;
            int used = 0;
            cJSON_ArrayForEach(u, uses) {
                const char *uc = get_str(u, "channel");
                used |= uc && strcmp(uc, get_str(chv, "key")) == 0;
            }
            if (!used)
                add_use(c, i, NULL, chv, NULL, 0);
        }
    }
}

static void info(actx *c)
{
    const mg_doc *doc = c->m->doc;
    const cJSON *root = doc->root, *inf = get(root, "info");
    cJSON *o = c->a->info;
    cJSON *tags = cJSON_CreateArray();
    add_tags(c, tags, doc, get(inf, "tags"));
    add_tags(c, tags, doc, get(root, "tags"));
    cJSON_AddItemToObject(o, "tags", tags);
    const cJSON *ed = get(inf, "externalDocs") ? get(inf, "externalDocs") : get(root, "externalDocs");
    cJSON_AddItemToObject(o, "external_docs", external_docs(c, doc, ed));
    const cJSON *lic = follow(c->set, doc, get(inf, "license"), NULL);
    if (cJSON_IsObject(lic)) {
        cJSON *l = cJSON_CreateObject();
        add_s(l, "name", get_str(lic, "name"));
        add_s(l, "url", get_str(lic, "url"));
        cJSON_AddItemToObject(o, "license", l);
    } else {
        cJSON_AddNullToObject(o, "license");
    }
    const cJSON *con = follow(c->set, doc, get(inf, "contact"), NULL);
    if (cJSON_IsObject(con)) {
        cJSON *l = cJSON_CreateObject();
        add_s(l, "name", get_str(con, "name"));
        add_s(l, "url", get_str(con, "url"));
        add_s(l, "email", get_str(con, "email"));
        cJSON_AddItemToObject(o, "contact", l);
    } else {
        cJSON_AddNullToObject(o, "contact");
    }
    add_dup(o, "terms_of_service", get(inf, "termsOfService"));
}

mg_api *mg_api_new(const mg_model *m, mg_diag *d)
{
    mg_api *a = calloc(1, sizeof *a);
    if (!a)
        abort();
    a->servers = cJSON_CreateArray();
    a->security_schemes = cJSON_CreateArray();
    a->channels = cJSON_CreateArray();
    a->operations = cJSON_CreateArray();
    a->uses = cJSON_CreateArray();
    a->message_bindings = cJSON_CreateArray();
    a->message_external_docs = cJSON_CreateArray();
    a->info = cJSON_CreateObject();
    actx c = {.m = m, .set = m->set, .d = d, .v3 = m->spec == MG_SPEC_ASYNCAPI3, .a = a};
    mg_hmap_init(&c.chan_of_node, sizeof(chan_ent));
    mg_hmap_init_str(&c.op_snakes, sizeof(op_ent));
    c.use_lists = mg_xmalloc(sizeof *c.use_lists * (size_t)(m->nmessages + 1));
    for (int i = 0; i < m->nmessages; i++) {
        c.use_lists[i] = cJSON_CreateArray();
        cJSON_AddItemToArray(a->uses, c.use_lists[i]);
    }
    if (m->spec != MG_SPEC_JSON_SCHEMA) {
        info(&c);
        servers(&c);
        security_schemes(&c);
        if (c.v3)
            asyncapi3(&c);
        else
            asyncapi2(&c);
        for (int i = 0; i < m->nmessages; i++) {
            const mg_message *g = m->messages[i];
            cJSON_AddItemToArray(a->message_bindings, bindings_of(&c, g->doc, g->node));
            const mg_doc *ed_doc = g->doc;
            const cJSON *ed = mg_traits_member(m->traits, g->doc, g->node, "externalDocs", &ed_doc, NULL);
            cJSON_AddItemToArray(a->message_external_docs, ed ? external_docs(&c, ed_doc, ed) : cJSON_CreateNull());
        }
    } else {
        for (int i = 0; i < m->nmessages; i++) {
            cJSON_AddItemToArray(a->message_bindings, cJSON_CreateNull());
            cJSON_AddItemToArray(a->message_external_docs, cJSON_CreateNull());
        }
        cJSON_AddItemToObject(a->info, "tags", cJSON_CreateArray());
        cJSON_AddNullToObject(a->info, "external_docs");
        cJSON_AddNullToObject(a->info, "license");
        cJSON_AddNullToObject(a->info, "contact");
        cJSON_AddNullToObject(a->info, "terms_of_service");
    }
    /* The first send and the first receive operation, which client READMEs
     * show as their example (mustache cannot pick "the first such" itself). */
    cJSON *op;
    int seen_send = 0, seen_receive = 0;
    cJSON_ArrayForEach(op, a->operations) {
        const char *act = get_str(op, "action");
        int is_send = act && strcmp(act, "send") == 0, is_receive = act && strcmp(act, "receive") == 0;
        cJSON_AddBoolToObject(op, "first_send", is_send && !seen_send);
        cJSON_AddBoolToObject(op, "first_receive", is_receive && !seen_receive);
        seen_send |= is_send;
        seen_receive |= is_receive;
    }
    free(c.chan_nodes);
    free(c.chan_views);
    free(c.use_lists);
    mg_hmap_fini(&c.chan_of_node);
    mg_hmap_fini(&c.op_snakes);
    free(c.server_nodes);
    free(c.op_marks);
    if (c.failed) {
        mg_api_free(a);
        return NULL;
    }
    return a;
}

void mg_api_free(mg_api *a)
{
    if (!a)
        return;
    cJSON_Delete(a->servers);
    cJSON_Delete(a->security_schemes);
    cJSON_Delete(a->channels);
    cJSON_Delete(a->operations);
    cJSON_Delete(a->uses);
    cJSON_Delete(a->message_bindings);
    cJSON_Delete(a->message_external_docs);
    cJSON_Delete(a->info);
    free(a);
}
