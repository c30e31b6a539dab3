/* view.c - model + target -> the JSON tree templates render.
 *
 * Everything language-specific comes from target.yaml as data (type-map
 * strings, naming styles, reserved words, doc-escape pairs); this file has no
 * knowledge of any particular language.
 */
#include "view.h"
#include "vplan.h"

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "buf.h"
#include "config.h"
#include "escape.h"
#include "example.h"
#include "hmap.h"
#include "mustache.h"
#include "names.h"
#include "pool.h"
#include "resolve.h"
#include "text.h"
#include "util.h"

enum nk { NK_TYPE, NK_FIELD, NK_MESSAGE, NK_METHOD, NK_CONSTANT, NK_ENUM_VALUE, NK_FILE, NK_COUNT };

static const char *const nk_keys[NK_COUNT] = {"type", "field", "message", "method",
                                              "constant", "enum_value", "file"};
static const mg_case nk_default[NK_COUNT] = {MG_CASE_PASCAL, MG_CASE_SNAKE, MG_CASE_SNAKE,
                                             MG_CASE_SNAKE, MG_CASE_SCREAMING, MG_CASE_SCREAMING,
                                             MG_CASE_KEBAB};

/* A named text escape of target.yaml (helpers.escapes), compiled: every
 * description of a catalogue goes through several. Strings point into the
 * target's description, which outlives the view build. */
typedef struct {
    const char *name;  /* the escape's name: suffix of the keys it adds */
    const cJSON *keys; /* view keys it applies to */
    char code;         /* code-span delimiter, or 0 */
    mg_subst pairs;
    const cJSON *pairs_json; /* the pairs as written (rule_sig tells rules apart by them) */
} esc_rule;

/* One `<key>_<name>` that add_escapes adds beside a member `key`: the rule,
 * the member's name (made once per view) and the next for the same key. */
typedef struct {
    int rule;
    char *out;
    char *key;       /* `out` interned in the view cache (outlives the view), or NULL */
    const char *base; /* the member it escapes (points into the target's description) */
    int next;        /* index in vctx.esc_adds, or -1 */
} esc_add;

/* A view key some escape reads (head >= 0) or writes (is_out), found in one
 * hash lookup instead of comparing every member with every rule's keys (that
 * was 18% of a generate's instructions). */
typedef struct {
    char *key;
    int head, tail; /* the key's esc_adds chain, in rule and key order; -1: none */
    int is_out;     /* some escape adds a member of this name */
} esc_key_ent;

/* What the views of one model's targets share (view.h). Views refer to
 * the texts, line lists and generated examples below (string and list
 * references), so the cache outlives every view built with it. */
struct mg_view_cache {
    mg_vplan_raw *plan;
    mg_hmap texts; /* a model-owned JSON value -> text_ent: its printed forms */
    mg_hmap gen[2]; /* a message -> gen_ent: its generated payload / headers example */
    mg_hmap descs;  /* a model description (its address) -> desc_ent */
    mg_hmap names;  /* a model name (its address) -> name_ent */
    mg_hmap name_texts; /* a name's casings (their text) -> name_text: the objects names share */
    mg_hmap wires;  /* a field's wire name (its address) -> wire_ent */
    mg_hmap keys;   /* the names add_escapes adds (a set of char *), as member keys */
    mg_name *op_names; /* the names of the api's operations (their keys), in order, or NULL */
    int nop_names;
    const mg_hmap *keep; /* mg_view_cache_prune's set (borrowed), or NULL */
    mg_view_escapes **lazy_out; /* mg_view_cache_escapes_lazy's, or NULL */
};

/* A field's wire name printed as a JSON string (`wire_json`). */
typedef struct {
    const char *key;
    char *json;
} wire_ent;

/* The `name` object of a model name, for the targets that escape none of
 * its keys (model_name). */
typedef struct {
    const mg_name *key;
    cJSON *obj; /* name_texts' (borrowed) */
} name_ent;

/* The `name` object of every model name with these casings: a catalogue
 * names far fewer things than it has names (at 1 000 messages, 51 000
 * names of types, fields and values, 18 000 texts). */
typedef struct {
    const mg_name *key; /* the first name with these casings (the model's) */
    cJSON *obj;         /* owned */
} name_text;

/* A description of the model, made comment-safe once for all targets. */
typedef struct {
    const char *key;  /* the model's text (it outlives the cache) */
    const char *safe; /* comment_safe_new(key): `key` itself when that is
                       * already comment-safe (most texts), else safe_own */
    char *safe_own;   /* owned, or NULL */
    cJSON *lines;     /* description_lines: add_lines of `safe` */
    size_t safe_len;
} desc_ent;

typedef struct {
    const cJSON *key;
    char *text[2]; /* compact, pretty (without its final newline); NULL until asked for */
    cJSON *lines;  /* the pretty text's lines (add_lines), or NULL */
} text_ent;

/* A generated example (mg_example_generate and _headers): it depends on the
 * model and the message only, so it is made once for all targets. */
typedef struct {
    const mg_message *key;
    cJSON *val;
    char *why;
} gen_ent;

typedef struct {
    const char *key;
    const esc_key_ent *ent;
} esc_cache_ent;

/* kept_name's answer for a key, by its address. */
#define KEPT_FAST 4096
typedef struct kept_ent {
    const char *key;
    int kept;
} kept_ent;

typedef struct vctx {
    const mg_model *m;
    mg_view_cache *cache;     /* NULL: nothing shared with other targets */
    const mg_target *t;
    mg_diag *d;
    int failed;
    const char *tname;        /* target name, for messages */
    const char *tfile;        /* target.yaml path, for diagnostics */
    const cJSON *types;       /* type map, or NULL */
    const cJSON *formats;     /* types.formats, or NULL */
    const cJSON *reserved;
    const char *escape_rule;
    const cJSON *doc_escape;  /* helpers.doc_escape: [{from, to}] */
    const cJSON *escapes;     /* helpers.escapes: {NAME: {keys, code, pairs}} */
    mg_hmap tpls;             /* type-map and escape templates -> tpl_ent, compiled once */
    mg_hmap fast;             /* type-map templates -> fast_ent, split once */
    mg_buf type_buf;          /* print_type's */
#define TYPE_SLOTS 16
    const cJSON *type_entry[TYPE_SLOTS]; /* print_type's type-map entry by kind (refs: by the type's kind) */
    const char *type_used[TYPE_SLOTS];   /* and the key it was found under */
    int type_buf_busy;
    mg_hmap reserved_set;     /* the reserved words, for lookups (add_reserved) */
#define RES_LEN 32
    unsigned char reserved_shape[RES_LEN][32]; /* [length (RES_LEN - 1: longer)][first byte]: a bit
                                                * for each a reserved word has */
    mg_subst doc_subst;       /* doc_escape, compiled */
    esc_rule *rules;          /* escapes, compiled, in target.yaml order */
    int nrules;
    unsigned char key_starts[256]; /* 1: some escape's key starts with this byte */
    mg_hmap esc_keys;         /* view key -> esc_key_ent: what add_escapes adds beside it */
    esc_add *esc_adds;        /* the chains of esc_key_ent, in rule order */
    esc_cache_ent *esc_cache; /* member_esc_key's answers by key address, or NULL */
    int nesc_adds;
    mg_case naming[NK_COUNT];
    mg_exgen *exgen;          /* for generated_example and generated_headers_example;
                               * NULL when no template reads either */
    int gen_payload, gen_headers; /* which of the two to build */
    int http_keys;            /* build http_path and http_curl */
    int split_fields;         /* build required_fields and optional_fields */
    int share_names;          /* model_name refers to the cache's name objects */
    mg_hmap view_names;       /* else, in a lazy view: name_text of the view's own name objects */
    int view_names_init;
    int name_tmp;             /* > 0: what model_name makes may be deleted before the view is */
    unsigned char doc_starts[256]; /* the bytes a doc_escape pair starts with */
    int ndoc_starts;               /* how many; -1: not listed yet */
    const mg_hmap *keep;      /* the cache's keep set (view.h), or NULL: every key */
    mg_hmap kept_cache;       /* kept_name's answers (kept_ent), when keep is set */
    kept_ent *kept_fast;      /* KEPT_FAST entries in front of kept_cache, when keep is set */
    int info_flag[4];         /* type infos get is_object, is_enum, is_union, is_alias (pruned views) */
    int drop_index;           /* a pruned view whose templates read no `index`: list items go
                               * without it (number_list_v) */
    int drop_description;     /* ... no `description` (and no escape does): the model's
                               * descriptions go without it (add_model_description) */
    int drop_examples;        /* ... neither `example` nor `examples`: messages go without
                               * them (message_view) */
    mg_view_escapes *lazy;    /* escapes computed when read (filled by mark_escapes), or NULL:
                               * add_escapes adds them to the view */
    struct kc_ent *kc_cache;  /* key_class's answers by name address, or NULL */
    mg_hmap kc_names;         /* key_class's answers for copied names (kc_name), by text */
    int kc_names_init;
    int lz_direct;            /* with lazy: add_const records constants on chains */
    uint64_t lz_ok;           /* with lazy: the lz_names add_const leaves out (no escape reads them) */
    uint64_t lz_kept;         /* the lz_names kept_name keeps */
    struct kc_ent *kc_const;  /* add_const's key_class answers by name address, or NULL */
    struct ti_memo *ti_memo;  /* type_info_members's batches by their facts (TI_MEMO), or NULL */
#define DESC_OUTS 8
    int ndesc_outs;           /* with lazy: a missing description and what escapes make of it
                               * are constants (add_no_description); -1: not so */
    const char *desc_out_key[DESC_OUTS]; /* the names escapes add beside `description` (interned) */
    int desc_out_id[DESC_OUTS];          /* and their numbers in lz_names, or -1 */
} vctx;

typedef struct kc_ent {
    const char *key;
    unsigned cls;
} kc_ent;

typedef struct kc_name {
    char *key; /* owned by the table */
    unsigned cls;
} kc_name;

/* Reports an error at `node` of target.yaml (with its JSON pointer in the
 * structured diagnostics formats). */
__attribute__((format(printf, 3, 4))) static void terr(vctx *v, const cJSON *node, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (v->t && v->t->doc)
        mg_doc_verror(v->d, v->t->doc, node, fmt, ap);
    else
        mg_diag_verror(v->d, mg_mark_at(NULL, 0, 0), fmt, ap);
    va_end(ap);
}

/* Adds `item` under key `k`, which must be a string literal (or otherwise
 * outlive the view): the view has a few hundred thousand members, and not
 * copying each key halves its allocations. */
static void add_cs(cJSON *o, const char *k, cJSON *item)
{
    mg_json_add_cs(o, k, item);
}

static void add_bool(cJSON *o, const char *k, int b)
{
    add_cs(o, k, cJSON_CreateBool(b != 0));
}

/* Members a pruned view (view.h) may leave out, added only when they stay:
 * `k` is a string literal and `expr` is not evaluated otherwise, so it must
 * have no effect beyond the member (no diagnostics, nothing shared that
 * another member needs). Not making what no template reads, rather than
 * deleting it after, saves its making and its freeing. */
static inline int kept_name(vctx *v, const char *k);
static void add_const(vctx *v, cJSON *o, const char *k, int type);
#define ADD_KEPT(v, o, k, expr)          \
    do {                                 \
        if (kept_name((v), (k)))         \
            add_cs((o), (k), (expr));    \
    } while (0)
#define ADD_KEPT_BOOL(v, o, k, b)        \
    do {                                 \
        if (kept_name((v), (k)))         \
            add_const((v), (o), (k), (b) ? cJSON_True : cJSON_False); \
    } while (0)

/* is_object, is_enum, is_union, is_alias: all false when t is NULL; with
 * `rec` (0 or 1; -1: none) `recursive` after them, in their batch. */
static void add_type_flags_rec(vctx *v, cJSON *o, const mg_type *t, int rec);
#define add_type_flags(v, o, t) add_type_flags_rec((v), (o), (t), -1)

/* An optional string: null when unset, so that the key always exists (strict
 * rendering) and never resolves to a key of the same name further up. */
static void add_str(cJSON *o, const char *k, const char *s)
{
    add_cs(o, k, s ? cJSON_CreateString(s) : cJSON_CreateNull());
}

/* first/last/index on every element of a list, for separators; with `v`
 * (a list of the view that lazy_sweep walks), first and last through
 * add_const, else as plain members. Without `index` when v->drop_index
 * (a number node per type, field, type info and message: 3.8 MB of
 * markdown's 43.6 MB view at 1 000 messages), unless it would be the
 * item's first member, which a lazy view's constants hang on. */
static void add_position(vctx *v, cJSON *it, int first, int last);
/* Gives each object of `list` its index and, with `positions`, its first
 * and last (without: they are in its constant batch already,
 * positions_batched). */
static void number_items(vctx *v, cJSON *list, int positions)
{
    int n = positions ? cJSON_GetArraySize(list) : 0, i = 0;
    cJSON *it;
    cJSON_ArrayForEach(it, list) {
        if (!cJSON_IsObject(it)) {
            i++;
            continue;
        }
        if (!v || !v->drop_index || !it->child)
            add_cs(it, "index", cJSON_CreateNumber(i));
        if (positions && v) {
            add_position(v, it, i == 0, i == n - 1);
        } else if (positions) {
            add_bool(it, "first", i == 0);
            add_bool(it, "last", i == n - 1);
        }
        i++;
    }
}

static void number_list_v(vctx *v, cJSON *list)
{
    number_items(v, list, 1);
}

static void number_list(cJSON *list)
{
    number_list_v(NULL, list);
}

static cJSON *name_obj(const mg_name *n)
{
    cJSON *o = cJSON_CreateObject();
    for (int c = 0; c < MG_CASE_COUNT; c++)
        add_cs(o, mg_case_key((mg_case)c), cJSON_CreateString(n->s[c]));
    return o;
}

/* name_obj of a name whose texts outlive the object (the model's): they
 * are referred to, not copied. */
static cJSON *name_obj_ref(const mg_name *n)
{
    cJSON *o = cJSON_CreateObject();
    for (int k = 0; k < MG_CASE_COUNT; k++)
        add_cs(o, mg_case_key((mg_case)k), cJSON_CreateStringReference(n->s[k]));
    return o;
}

/* A name's casings are made from its raw text (mg_name_init): the hash of
 * every byte of that says which name it is; the comparison checks every
 * casing all the same. */
static uint32_t name_hash(const mg_name *n)
{
    const char *raw = n->s[MG_CASE_RAW];
    return mg_hash_words(0, raw, strlen(raw));
}

static int name_text_eq(const void *ent, const void *key)
{
    const mg_name *a = ((const name_text *)ent)->key, *b = key;
    for (int c = 0; c < MG_CASE_COUNT; c++)
        if (strcmp(a->s[c], b->s[c]) != 0)
            return 0;
    return 1;
}

/* The cache's name object for `n`'s casings, made at its first use. Two
 * names alike (a field `id` in each of a thousand types) share one: a view
 * only reads a name object, through references, so which name made it does
 * not show. Its strings are the model's (its names outlive the cache). */
static cJSON *shared_name(mg_view_cache *c, const mg_name *n)
{
    uint32_t h = name_hash(n);
    name_text *t = mg_hmap_find(&c->name_texts, h, name_text_eq, n);
    if (!t) {
        t = mg_hmap_add(&c->name_texts, h);
        t->key = n;
        t->obj = name_obj_ref(n);
    }
    return t->obj;
}

/* The name object of a view whose target escapes a key of names (markdown's
 * `slug` escapes `raw`): its own, since the escapes of a cache's object,
 * which the view only refers to, would be missed. In a lazy view, the
 * names alike share the first one made (a reference to it), as the cache's
 * share: its escaped members are made when read, from its members, and
 * mark_escapes marks it where it stands in the view (where it was first
 * made), so the references read the same members and escapes (each name
 * object 7 nodes, a fifth of markdown's view). Not where what is made may
 * be deleted before the view (name_tmp: full_info's infos) or may not be
 * walked by mark_escapes (inside extensions, which may hold raw members):
 * those refer to a name object made before, else make their own. A view
 * that add_escapes escapes (not lazy) gives each name its own object: it
 * adds the escaped members to the object itself, and skips references. */
static cJSON *view_name(vctx *v, const mg_name *n)
{
    uint32_t h = 0;
    name_text *t = NULL;
    if (v->lazy) {
        if (!v->view_names_init) {
            mg_hmap_init(&v->view_names, sizeof(name_text));
            v->view_names_init = 1;
        }
        h = name_hash(n);
        t = mg_hmap_find(&v->view_names, h, name_text_eq, n);
        if (t)
            return cJSON_CreateObjectReference(t->obj->child);
    }
    cJSON *o = name_obj_ref(n);
    if (v->lazy && !v->name_tmp) {
        t = mg_hmap_add(&v->view_names, h);
        t->key = n;
        t->obj = o; /* the view's: owned by where the caller puts it */
    }
    return o;
}

/* name_obj of a name the model owns (it outlives the view and the cache).
 * With a cache, the view refers to one object per name made once per model
 * when the target escapes none of its keys (add_escapes skips references;
 * markdown's `slug` escapes `raw`), else its strings refer to the model's:
 * a name object per type, field, reference, enum value and message was 7%
 * of a view's nodes, the same in every target. */
static cJSON *model_name(vctx *v, const mg_name *n)
{
    if (!v->cache)
        return name_obj(n);
    if (!v->share_names)
        return view_name(v, n);
    int added;
    name_ent *e = mg_hmap_put_ptr(&v->cache->names, n, &added);
    if (added)
        e->obj = shared_name(v->cache, n);
    return cJSON_CreateObjectReference(e->obj->child);
}

/* A string member holding `s`, which the model owns: with a cache (the
 * model outlives the view) a reference to it, else a copy. */
static cJSON *model_str(const vctx *v, const char *s)
{
    return v->cache ? cJSON_CreateStringReference(s) : cJSON_CreateString(s);
}

/* A copy of a raw JSON value of the model (a schema's enum, constraints, a
 * field's default, const or examples), or with a cache a reference to it:
 * escapes never add keys inside raw members (raw_member), and templates only
 * read them, so every target's view can share the model's. */
static cJSON *model_raw(const vctx *v, const cJSON *j);
static cJSON *ref_value(const cJSON *c);

typedef struct tpl_ent {
    const char *src; /* key: the template text in target.yaml */
    mg_tpl *tpl;     /* NULL: it failed (reported once, at its first use) */
} tpl_ent;

/* A type-map template that is text and plain variables (`{{a}}`,
 * `{{ref.id}}`) only, split once per target: print_type renders it by
 * looking the names up in the type info, instead of through the template
 * engine (1 200 instructions a type, 6 500 types a generate). */
#define FAST_PARTS 4
typedef struct fast_seg {
    const char *p; /* text, or the variable's name (its parts joined by '.') */
    size_t n;
    int var;
} fast_seg;

typedef struct fast_ent {
    const char *src; /* key: the template text in target.yaml */
    int ok;          /* 0: the template has more than that (sections, ...) */
    int nseg;
    fast_seg *seg;
} fast_ent;

typedef struct word_ent {
    char *word; /* key */
} word_ent;

/* Notes reserved word `w` in v->reserved_set and in the (length, first
 * byte) filter in front of it. */
static void add_reserved(vctx *v, const char *w)
{
    size_t n = strlen(w);
    unsigned char c = (unsigned char)w[0];
    v->reserved_shape[n < RES_LEN ? n : RES_LEN - 1][c >> 3] |= (unsigned char)(1u << (c & 7));
    mg_hmap_put_str(&v->reserved_set, w, NULL);
}

static int is_reserved(vctx *v, const char *id)
{
    /* Most identifiers have no reserved word of their length and first
     * letter: no hash of the whole name (a quarter of a million a view at
     * 1 000 messages). */
    size_t n = strlen(id);
    unsigned char c = (unsigned char)id[0];
    if (!(v->reserved_shape[n < RES_LEN ? n : RES_LEN - 1][c >> 3] & (1u << (c & 7))))
        return 0;
    return mg_hmap_get_str(&v->reserved_set, id) != NULL;
}

/* Keeps the first diagnostic without its "file:line:col: error: " prefix. */
static void first_message(void *user, const char *line)
{
    mg_buf *b = user;
    const char *e = strstr(line, "error: ");
    if (!b->len)
        mg_buf_append_str(b, e ? e + 7 : line);
}

/* Renders a type-map or escape template `tpl` of target.yaml (`node`, the
 * entry `what`, NULL for a built-in default); each is compiled on first use (a catalogue prints thousands of
 * types with a handful of them). Renders are strict; an error is reported
 * once, at the entry in target.yaml, and the entry is not tried again. */
static int render(vctx *v, const char *what, const char *tpl, const cJSON *node, const cJSON *ctx,
                  mg_buf *out)
{
    tpl_ent *e = mg_hmap_get_ptr(&v->tpls, tpl);
    if (e && !e->tpl) {
        v->failed = 1;
        return -1;
    }
    mg_buf why;
    mg_buf_init(&why);
    mg_diag inner;
    mg_diag_init_sink(&inner, first_message, &why);
    int rc = -1;
    if (!e) {
        mg_tpl *t = mg_tpl_parse(what, tpl, strlen(tpl), &inner);
        e = mg_hmap_put_ptr(&v->tpls, tpl, NULL);
        e->tpl = t;
    }
    if (e->tpl)
        rc = mg_tpl_render_strict(e->tpl, ctx, NULL, MG_ESCAPE_NONE, out, &inner);
    if (rc < 0) {
        if (node)
            terr(v, node, "%s '%s': %s", what, tpl, mg_buf_cstr(&why));
        else
            mg_diag_error(v->d, mg_mark_at(v->tfile, 0, 0), "%s '%s': %s", what, tpl,
                      mg_buf_cstr(&why));
        mg_tpl_free(e->tpl);
        e->tpl = NULL;
        v->failed = 1;
    }
    mg_buf_fini(&why);
    return rc;
}

/* `id` made legal for the target: itself, or reserved_escape of it when it
 * is a reserved word. */
static char *ident_escape(vctx *v, const char *id)
{
    if (!is_reserved(v, id)) {
        return mg_xstrdup(id);
    }
    cJSON *ctx = cJSON_CreateObject();
    add_cs(ctx, "name", cJSON_CreateString(id));
    mg_buf out;
    mg_buf_init(&out);
    if (render(v, "reserved_escape", v->escape_rule,
               mg_json_get(v->t->desc, "reserved_escape"), ctx, &out) == 0 &&
        (out.len == 0 || is_reserved(v, mg_buf_cstr(&out)))) {
        terr(v, mg_json_get(v->t->desc, "reserved_escape"),
             "reserved_escape turns reserved word '%s' into '%s', which is not usable", id,
             mg_buf_cstr(&out));
        v->failed = 1;
    }
    cJSON_Delete(ctx);
    mg_buf_cstr(&out);
    return mg_buf_steal(&out, NULL);
}

/* The target-legal identifier of a name the model owns, in the style of
 * `kind`, as a string member: with a cache (the model outlives the view), a
 * reference to the model's casing when it is no reserved word (nearly every
 * identifier), not a copy made twice. */
static cJSON *ident_item(vctx *v, const mg_name *n, enum nk kind)
{
    const char *s = n->s[v->naming[kind]];
    if (v->cache && !is_reserved(v, s))
        return cJSON_CreateStringReference(s);
    char *id = ident_escape(v, s);
    cJSON *j = cJSON_CreateString(id);
    free(id);
    return j;
}

/* Appends p[0..n) with every invisible code point (escape.h) as a \\uXXXX
 * escape (a surrogate pair above U+FFFF); runs of ASCII are copied at once. */
static void append_visible(mg_buf *out, const char *p, size_t n)
{
    for (size_t i = 0; i < n;) {
        size_t run = i;
        while (run < n && (unsigned char)p[run] < 0x80)
            run++;
        if (run > i) {
            mg_buf_append(out, p + i, run - i);
            i = run;
            continue;
        }
        uint32_t cp;
        size_t len = mg_utf8_decode((const unsigned char *)p + i, n - i, &cp);
        if (len > 0 && mg_escape_invisible(cp)) {
            if (cp <= 0xFFFF)
                mg_buf_appendf(out, "\\u%04x", (unsigned)cp);
            else
                mg_buf_appendf(out, "\\u%04x\\u%04x", (unsigned)(0xD800 + ((cp - 0x10000) >> 10)),
                               (unsigned)(0xDC00 + ((cp - 0x10000) & 0x3FF)));
            i += len;
        } else {
            /* a visible character, or a byte that starts none: as it is */
            len = len ? len : 1;
            mg_buf_append(out, p + i, len);
            i += len;
        }
    }
}

/* cJSON's compact text of `j`, with every invisible code point (escape.h:
 * bidi overrides, zero-width characters, U+2028/9) as a \uXXXX escape (a
 * surrogate pair above U+FFFF), so that JSON printed into code (Python and
 * TypeScript literals, examples) never holds one raw. Free with free(). */
static void append_json_string(mg_buf *b, const char *s);
static void append_json_number(mg_buf *b, double d);

/* Appends cJSON_PrintUnformatted's text of `j` with append_visible's escapes
 * (append_json_string makes both), without printing through cJSON, whose
 * number printing (sprintf, then sscanf to check) made printing the
 * examples 18 000 instructions each. Returns 0, or -1 for a value cJSON
 * would print otherwise (raw, invalid): the caller prints it through cJSON. */
static int append_compact(mg_buf *b, const cJSON *j)
{
    switch (j->type & 0xFF) {
    case cJSON_NULL:
        mg_buf_append(b, "null", 4);
        return 0;
    case cJSON_False:
        mg_buf_append(b, "false", 5);
        return 0;
    case cJSON_True:
        mg_buf_append(b, "true", 4);
        return 0;
    case cJSON_String:
        append_json_string(b, j->valuestring);
        return 0;
    case cJSON_Number:
        append_json_number(b, j->valuedouble);
        return 0;
    case cJSON_Array:
    case cJSON_Object: {
        int obj = (j->type & 0xFF) == cJSON_Object;
        mg_buf_putc(b, obj ? '{' : '[');
        for (const cJSON *c = j->child; c; c = c->next) {
            if (obj) {
                append_json_string(b, c->string);
                mg_buf_putc(b, ':');
            }
            if (append_compact(b, c) < 0)
                return -1;
            if (c->next)
                mg_buf_putc(b, ',');
        }
        mg_buf_putc(b, obj ? '}' : ']');
        return 0;
    }
    default:
        return -1;
    }
}

static char *json_print_new(const cJSON *j)
{
    if (j) {
        mg_buf fast;
        mg_buf_init(&fast);
        if (append_compact(&fast, j) == 0) {
            mg_buf_cstr(&fast);
            return mg_buf_steal(&fast, NULL);
        }
        mg_buf_fini(&fast);
    }
    char *p = cJSON_PrintUnformatted(j);
    if (!p)
        return NULL;
    mg_buf out;
    mg_buf_init(&out);
    append_visible(&out, p, strlen(p));
    cJSON_free(p);
    mg_buf_cstr(&out);
    return mg_buf_steal(&out, NULL);
}

/* s as a JSON string, as json_print_new prints one: cJSON's escapes (the
 * quote, the backslash, and controls), then invisible code points as \uXXXX
 * (without printing through cJSON: `msggen view` and the examples' pretty
 * JSON print every key and string this way). */
/* 1: a byte append_json_string copies as it is (printable ASCII but the
 * quote and the backslash). */
static const unsigned char json_plain[256] = {
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
};

static void append_json_string(mg_buf *b, const char *s)
{
    size_t n = s ? strlen(s) : 0, plain = 0;
    size_t i = 0;
    while (i < n && json_plain[(unsigned char)s[i]])
        i++;
    if (i == n) {
        /* Most keys and strings: the quotes and the text in one copy (a putc
         * per quote and a compare chain per byte were a quarter of printing). */
        mg_buf_reserve(b, n + 2);
        b->data[b->len] = '"';
        memcpy(b->data + b->len + 1, s, n);
        b->data[b->len + 1 + n] = '"';
        b->len += n + 2;
        b->data[b->len] = '\0';
        return;
    }
    mg_buf_putc(b, '"');
    for (; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 32 && c != '"' && c != '\\' && c < 0x80)
            continue;
        if (c >= 0x80) {
            /* A run of non-ASCII bytes goes through append_visible (no code
             * point spans an ASCII byte); the ASCII before it is copied at
             * once: a second scan of every string by append_visible was
             * a third of `msggen view`'s instructions. */
            size_t j = i;
            while (j < n && (unsigned char)s[j] >= 0x80)
                j++;
            mg_buf_append(b, s + plain, i - plain);
            append_visible(b, s + i, j - i);
            plain = j;
            i = j - 1;
            continue;
        }
        mg_buf_append(b, s + plain, i - plain);
        plain = i + 1;
        mg_buf_putc(b, '\\');
        switch (c) {
        case '"':
        case '\\':
            mg_buf_putc(b, (char)c);
            break;
        case '\b':
            mg_buf_putc(b, 'b');
            break;
        case '\f':
            mg_buf_putc(b, 'f');
            break;
        case '\n':
            mg_buf_putc(b, 'n');
            break;
        case '\r':
            mg_buf_putc(b, 'r');
            break;
        case '\t':
            mg_buf_putc(b, 't');
            break;
        default:
            mg_buf_appendf(b, "u%04x", (unsigned)c);
        }
    }
    mg_buf_append(b, s + plain, n - plain);
    mg_buf_putc(b, '"');
}

/* ---- descriptions ----------------------------------------------------- */

/* Descriptions are printed in comments, where a line terminator of any
 * language (CR, VT, FF, NEL, U+2028, U+2029: Python, JavaScript and C end a
 * line comment there) would end the comment, and a control or an invisible
 * format character (a bidi override) would be written raw. So `doc`,
 * `doc_lines` and `description_lines` have only '\n' as line break, and the
 * others as `\uXXXX` text (docs/templates.md, "Descriptions"). */
static char *comment_safe_new(const char *text)
{
    mg_buf out;
    mg_buf_init(&out);
    size_t n = strlen(text);
    for (size_t i = 0; i < n;) {
        /* A run of printable ASCII, tab and \n stays as it is: copied at once
         * (this loop went a character and a range search at a time). */
        size_t run = i;
        while (run < n && (((unsigned char)text[run] >= 0x20 && (unsigned char)text[run] < 0x7F) ||
                           text[run] == '\t' || text[run] == '\n'))
            run++;
        if (run > i) {
            mg_buf_append(&out, text + i, run - i);
            i = run;
            continue;
        }
        unsigned char c = (unsigned char)text[i];
        uint32_t cp = c;
        size_t len = c < 0x80 ? 1 : mg_utf8_decode((const unsigned char *)text + i, n - i, &cp);
        if (len == 0) {
            cp = 0xFFFD;
            len = 1;
        }
        if (c == '\r' && i + 1 < n && text[i + 1] == '\n') {
            i++;
            continue;
        }
        if (cp == '\r' || cp == '\v' || cp == '\f' || cp == 0x85 || cp == 0x2028 || cp == 0x2029)
            mg_buf_putc(&out, '\n');
        else if ((cp < 0x20 && cp != '\t' && cp != '\n') || cp == 0x7F || mg_escape_invisible(cp) || cp == 0xFFFD)
            mg_buf_appendf(&out, cp <= 0xFFFF ? "\\u%04x" : "\\U%08x", (unsigned)cp);
        else
            mg_buf_append(&out, text + i, len);
        i += len;
    }
    mg_buf_cstr(&out);
    return mg_buf_steal(&out, NULL);
}

/* Whether comment_safe_new(text) would be `text` again: printable ASCII,
 * tab and \n only (the run it copies as it is). */
static int comment_safe_already(const char *text)
{
    for (const unsigned char *p = (const unsigned char *)text; *p; p++)
        if ((*p < 0x20 || *p >= 0x7F) && *p != '\t' && *p != '\n')
            return 0;
    return 1;
}

/* A string node holding p[0..n), copied once (cJSON_CreateString needs a
 * terminated copy to copy again). */
static cJSON *string_n(const char *p, size_t n)
{
    cJSON *s = cJSON_CreateStringReference("");
    char *copy = cJSON_malloc(n + 1);
    if (!s || !copy)
        abort();
    memcpy(copy, p, n);
    copy[n] = '\0';
    s->valuestring = copy;
    s->type = cJSON_String; /* owns it now: cJSON_Delete frees it */
    return s;
}

static void add_lines(cJSON *o, const char *key, const char *text)
{
    cJSON *lines = cJSON_CreateArray();
    if (text) {
        /* Trailing blank lines and trailing spaces carry nothing and would
         * leave trailing whitespace in generated comments. */
        size_t n = strlen(text);
        while (n > 0 && (text[n - 1] == '\n' || text[n - 1] == ' ' || text[n - 1] == '\t' || text[n - 1] == '\r'))
            n--;
        size_t i = 0;
        while (i < n) {
            size_t j = i;
            while (j < n && text[j] != '\n')
                j++;
            size_t e = j;
            while (e > i && (text[e - 1] == ' ' || text[e - 1] == '\t' || text[e - 1] == '\r'))
                e--;
            cJSON_AddItemToArray(lines, string_n(text + i, e - i));
            i = j + 1;
        }
    }
    add_cs(o, key, lines);
}

static void escape_segment(mg_buf *out, const char *text, size_t n, const mg_subst *r, int in_code);

static char *doc_escape_new(vctx *v, const char *text)
{
    mg_buf out;
    mg_buf_init(&out);
    escape_segment(&out, text, strlen(text), &v->doc_subst, 0);
    mg_buf_cstr(&out);
    return mg_buf_steal(&out, NULL);
}

/* A list member `key` made by add_lines of `text`, detached (caller owns). */
static cJSON *lines_new(const char *text)
{
    cJSON *holder = cJSON_CreateObject();
    add_lines(holder, "l", text);
    cJSON *lines = cJSON_DetachItemViaPointer(holder, holder->child);
    cJSON_Delete(holder);
    return lines;
}

/* lines_new of `text`, which outlives the list: a text of one line with
 * no trailing blank (most descriptions) is referred to, not copied. */
static cJSON *lines_of_kept(const char *text)
{
    size_t n = strlen(text);
    if (!n || strchr(text, '\n') || text[n - 1] == ' ' || text[n - 1] == '\t' || text[n - 1] == '\r')
        return lines_new(text);
    cJSON *lines = cJSON_CreateArray();
    cJSON_AddItemToArray(lines, cJSON_CreateStringReference(text));
    return lines;
}

/* add_description of a text the model owns, with a cache: the text, its
 * comment-safe form and its lines are the same in every target, so the view
 * refers to the cache's (string and list references; add_escapes reads
 * `description` and adds nothing inside a list of strings); only `doc`
 * depends on the target, and where its doc_escape changes nothing (most
 * texts), `doc` and `doc_lines` refer to the same. These members were a
 * quarter of the types' string nodes, made again for every target. */
static void add_no_description(vctx *v, cJSON *o);
static void add_has_description(vctx *v, cJSON *o);
static void add_model_description(vctx *v, cJSON *o, const char *text)
{
    if (!text || !*text) {
        add_no_description(v, o);
        return;
    }
    int added;
    desc_ent *e = mg_hmap_put_ptr(&v->cache->descs, text, &added);
    if (added) {
        /* The model's text where it is already comment-safe, and its one
         * line referred to: a copy of each of the model's descriptions,
         * and of its line, was 3 % of the run's peak memory (the cache
         * lives until the last target). */
        e->safe_own = comment_safe_already(text) ? NULL : comment_safe_new(text);
        e->safe = e->safe_own ? e->safe_own : text;
        e->lines = lines_of_kept(e->safe);
        e->safe_len = strlen(e->safe);
    }
    /* Not for a target that reads it nowhere (c: its comments print
     * doc_lines): a node per described type, field and message, 2.4 MB of
     * c's view at 1 000 messages. Unless it would be the object's first
     * member, which a lazy view's constants hang on. */
    if (!v->drop_description || !o->child)
        add_cs(o, "description", cJSON_CreateStringReference(text));
    add_has_description(v, o);
    ADD_KEPT(v, o, "description_lines", cJSON_CreateArrayReference(e->lines->child));
    if (!kept_name(v, "doc") && !kept_name(v, "doc_lines"))
        return;
    if (v->ndoc_starts < 0) {
        v->ndoc_starts = 0;
        for (int c = 0; c < 256; c++)
            if (v->doc_subst.starts[c] & 1)
                v->doc_starts[v->ndoc_starts++] = (unsigned char)c;
    }
    /* doc_escape changes nothing in a text that has no byte a pair starts
     * with (most texts): a memchr per such byte instead of the escape. */
    int touched = 0;
    for (int k = 0; k < v->ndoc_starts && !touched; k++)
        touched = memchr(e->safe, v->doc_starts[k], e->safe_len) != NULL;
    char *doc = touched ? doc_escape_new(v, e->safe) : NULL;
    if (!doc || strcmp(doc, e->safe) == 0) {
        add_cs(o, "doc", cJSON_CreateStringReference(e->safe));
        add_cs(o, "doc_lines", cJSON_CreateArrayReference(e->lines->child));
    } else {
        add_cs(o, "doc", cJSON_CreateString(doc));
        add_lines(o, "doc_lines", doc);
    }
    free(doc);
}

/* description, description_lines, has_description, doc, doc_lines, of any
 * text (copied). */
static void add_text_description(vctx *v, cJSON *o, const char *text)
{
    if (text && !*text)
        text = NULL;
    if (text)
        add_cs(o, "description", cJSON_CreateString(text));
    else
        add_cs(o, "description", cJSON_CreateNull());
    add_bool(o, "has_description", text != NULL);
    char *safe = text ? comment_safe_new(text) : NULL;
    add_lines(o, "description_lines", safe);
    char *doc = safe ? doc_escape_new(v, safe) : NULL;
    free(safe);
    if (doc)
        add_cs(o, "doc", cJSON_CreateString(doc));
    else
        add_cs(o, "doc", cJSON_CreateNull());
    add_lines(o, "doc_lines", doc);
    free(doc);
}

/* add_text_description of a text the model owns (it outlives the view and
 * the cache). */
static void add_description(vctx *v, cJSON *o, const char *text)
{
    if (v->cache)
        add_model_description(v, o, text);
    else
        add_text_description(v, o, text);
}

/* ---- named text escapes (helpers.escapes) ----------------------------- */

/* Appends `text[0..n)` with the first matching pair applied at each position.
 * Inside a code span only pairs marked `code: true` apply. */
static void escape_segment(mg_buf *out, const char *text, size_t n, const mg_subst *r, int in_code)
{
    const unsigned char bit = in_code ? 2 : 1;
    const unsigned char *t = (const unsigned char *)text;
    size_t i = 0, plain = 0;
    while (i < n) {
        /* Most bytes start no pair: four tested a round (a round per byte
         * was 40 M instructions of 94 M escaping 60 000 texts at 1 000
         * messages). */
        while (i + 4 <= n &&
               !((r->starts[t[i]] | r->starts[t[i + 1]] | r->starts[t[i + 2]] | r->starts[t[i + 3]]) & bit))
            i += 4;
        if (i >= n)
            break;
        const mg_subst_pair *hit =
            r->starts[(unsigned char)text[i]] & bit ? mg_subst_match(r, text + i, n - i, in_code) : NULL;
        if (!hit) {
            i++;
            continue;
        }
        mg_buf_append(out, text + plain, i - plain);
        mg_buf_append(out, hit->to, hit->tlen);
        i += hit->flen;
        plain = i;
    }
    mg_buf_append(out, text + plain, n - plain);
}

/* Appends to `out` `text` with one escape applied (trailing blanks dropped). With `code` (one character), code spans are
 * found as CommonMark finds them: a run of N such characters opens a span
 * only if a later run of exactly N closes it; an unmatched run is literal. */
static void escape_text_to(mg_buf *out, const esc_rule *esc, const char *text)
{
    const mg_subst *pairs = &esc->pairs;
    char c = esc->code;
    size_t n = strlen(text), plain = 0, i = 0;
    /* Trailing line breaks (YAML block scalars end with one) would print as
     * empty lines or trailing <br> tags. */
    while (n > 0 && (text[n - 1] == '\n' || text[n - 1] == '\r' || text[n - 1] == ' ' || text[n - 1] == '\t'))
        n--;
    while (c && i < n) {
        /* To the next code character (most texts have none). */
        const char *at = memchr(text + i, c, n - i);
        if (!at)
            break;
        i = (size_t)(at - text);
        size_t run = 0;
        while (i + run < n && text[i + run] == c)
            run++;
        size_t j = i + run, close = 0;
        while (j < n) {
            if (text[j] != c) {
                j++;
                continue;
            }
            size_t r = 0;
            while (j + r < n && text[j + r] == c)
                r++;
            if (r == run) {
                close = j;
                break;
            }
            j += r;
        }
        if (!close) {
            i += run; /* literal backticks: part of the plain text */
            continue;
        }
        escape_segment(out, text + plain, i - plain, pairs, 0);
        mg_buf_append(out, text + i, run);
        escape_segment(out, text + i + run, close - i - run, pairs, 1);
        mg_buf_append(out, text + close, run);
        i = plain = close + run;
    }
    escape_segment(out, text + plain, n - plain, pairs, 0);
}

/* escape_text_to's text, in a string of its own (caller frees). */
static char *escape_text_new(const esc_rule *esc, const char *text)
{
    mg_buf out;
    mg_buf_init(&out);
    escape_text_to(&out, esc, text);
    mg_buf_cstr(&out);
    return mg_buf_steal(&out, NULL);
}

/* Members holding raw catalogue JSON: escapes never add keys inside them.
 * The candidates are picked by first letter, so a member is compared with
 * at most two names (the whole list was up to ten strcmp calls for keys such
 * as `type` or `doc_lines`: 9 M instructions of a generate). */
static int raw_member(const cJSON *parent, const char *key)
{
    switch (key[0]) {
    case 'v':
        if (strcmp(key, "value") == 0)
            return 1;
        /* A server's `variables` as written (catalogue.servers) is raw; the
         * interface's (root `servers`) is a list of view objects. */
        if (strcmp(key, "variables") == 0)
            return !cJSON_IsArray(mg_json_get(parent, key));
        return 0;
    case 'c':
        return strcmp(key, "constraints") == 0 || strcmp(key, "const") == 0;
    case 'd':
        return strcmp(key, "default") == 0;
    case 'e':
        if (strcmp(key, "enum") == 0)
            return 1;
        /* A field's `examples` are raw values; a message's are view objects. */
        return strcmp(key, "examples") == 0 &&
               mg_json_get(parent, "wire") != NULL;
    case 'b':
        return strcmp(key, "bindings") == 0;
    case 't':
        /* The root's `target` is target.yaml's settings; an alias's `target` is
         * a type info like any other (its `type` needs its escaped forms). */
        return strcmp(key, "target") == 0 &&
               mg_json_get(parent, "catalogue") != NULL;
    default:
        return 0;
    }
}

/* 1: raw_member may hold for a name that starts with this byte. */
static const unsigned char raw_starts[256] = {['v'] = 1, ['c'] = 1, ['d'] = 1, ['e'] = 1, ['b'] = 1, ['t'] = 1};

/* The escape table's entry for `key`, or NULL. */
static const esc_key_ent *esc_key(const vctx *v, const char *key)
{
    if (!v->key_starts[(unsigned char)key[0]])
        return NULL;
    return mg_hmap_get_str(&v->esc_keys, key);
}

/* esc_key for a member's key. Most keys are constants (cJSON_StringIsConst:
 * literals, or texts that outlive the build) shared by thousands of members:
 * their answers are cached by address, which such a key never changes (a
 * copied key may be freed and its address reused, so it is looked up). The
 * lookups were 15.8 M instructions of a generate. */
#define ESC_CACHE 1024
static const esc_key_ent *member_esc_key(vctx *v, const cJSON *c)
{
    if (!v->key_starts[(unsigned char)c->string[0]])
        return NULL;
    if (!(c->type & cJSON_StringIsConst))
        return esc_key(v, c->string);
    if (!v->esc_cache)
        v->esc_cache = mg_xcalloc(ESC_CACHE, sizeof *v->esc_cache);
    esc_cache_ent *e = &v->esc_cache[mg_addr_slot(c->string, ESC_CACHE)];
    if (e->key != c->string) {
        e->key = c->string;
        e->ent = esc_key(v, c->string);
    }
    return e->ent;
}

/* Adds `<key>_<name>` beside every string member `key` listed in an escape's
 * `keys`, for each named escape, everywhere in the view but raw JSON. A name
 * the object already has (or that an earlier escape added) is left as it is. */
static void add_escapes(vctx *v, cJSON *node)
{
    cJSON *c;
    if (node->type & cJSON_IsReference) /* shares members escaped where they are owned */
        return;
    /* The type bits directly (cJSON_IsX are library calls): this visits
     * every member of the view. */
    if ((node->type & 0xFF) == cJSON_Array) {
        cJSON_ArrayForEach(c, node)
            add_escapes(v, c);
        return;
    }
    if ((node->type & 0xFF) != cJSON_Object)
        return;
    cJSON *added[32];
    size_t nadded = 0;
    cJSON *more = NULL; /* past the 32 above (not seen in shipped targets) */
    int has_out = 0;    /* a member named like an added one exists already */
    cJSON_ArrayForEach(c, node) {
        if (!c->string)
            continue;
        int type = c->type & 0xFF;
        if (type == cJSON_String || type == cJSON_NULL) { /* null: an unset string, unset forms */
            const esc_key_ent *e = member_esc_key(v, c);
            if (!e)
                continue;
            has_out |= e->is_out;
            for (int a = e->head; a >= 0; a = v->esc_adds[a].next) {
                const esc_add *ad = &v->esc_adds[a];
                char *val = type == cJSON_String ? escape_text_new(&v->rules[ad->rule], c->valuestring) : NULL;
                cJSON *item = val ? cJSON_CreateString(val) : cJSON_CreateNull();
                free(val);
                if (nadded < sizeof added / sizeof *added) {
                    item->string = v->cache ? ad->key : ad->out;
                    item->type |= cJSON_StringIsConst;
                    added[nadded++] = item;
                } else {
                    if (!more)
                        more = cJSON_CreateObject();
                    cJSON_AddItemToObject(more, ad->out, item);
                }
            }
        } else {
            if (!has_out) {
                const esc_key_ent *e = member_esc_key(v, c);
                has_out = e && e->is_out;
            }
            if ((type == cJSON_Array || type == cJSON_Object) && !raw_member(node, c->string))
                add_escapes(v, c);
        }
    }
    /* Appended after the walk so the new members are not walked again. Only
     * a name already present needs the search (the first one wins). With a
     * cache, the name is its interned copy (a constant key: no copy per
     * member, and objects of one kind keep one layout of key addresses for
     * the renderer's shapes), else cJSON_AddItemToObject copies it. */
    for (size_t i = 0; i < nadded; i++) {
        cJSON *item = added[i];
        int dup = 0;
        for (size_t j = 0; j < i && !dup; j++)
            dup = added[j] && strcmp(added[j]->string, item->string) == 0;
        if (!dup && has_out)
            dup = mg_json_get(node, item->string) != NULL;
        if (dup) {
            item->string = NULL;
            item->type &= ~cJSON_StringIsConst;
            cJSON_Delete(item);
            added[i] = NULL;
            continue;
        }
        const char *key = item->string;
        item->string = NULL;
        item->type &= ~cJSON_StringIsConst;
        if (v->cache)
            mg_json_add_cs(node, key, item);
        else
            cJSON_AddItemToObject(node, key, item);
    }
    while (more && more->child) {
        cJSON *item = cJSON_DetachItemViaPointer(more, more->child);
        if (!mg_json_get(node, item->string))
            cJSON_AddItemToObject(node, item->string, item);
        else
            cJSON_Delete(item);
    }
    cJSON_Delete(more);
}

/* Does add_escapes add a member beside a string member `key`? (for the
 * validation plan: what it shares between targets is never escaped) */
static int plan_key_escaped(void *arg, const char *key)
{
    const esc_key_ent *e = esc_key(arg, key);
    return e && e->head >= 0;
}

/* ---- escapes computed when read (mg_view_cache_escapes_lazy) ----
 *
 * A lazy view has none of the members add_escapes adds; mg_view_escapes_get
 * makes each when a template reads it, at most once per member list.
 * add_escapes gives an object `<key>_<name>` exactly when it walks the object
 * and the object has a string or null member `key` then: mark_escapes walks
 * the same objects and flags those. A cJSON reference to an object shares
 * its member list (`child`), and with it the members add_escapes appends to
 * the list, so the flag goes on the list's first node, which a reference
 * reaches too. cJSON reads only the low byte of `type` as the kind (and bits
 * 8 and 9): bit 12 is ours, and nothing but this file looks at it. */
#define ESCAPED_LIST (1 << 12)

/* A name some escape adds, and the members it can come from. */
typedef struct esc_out {
    char *name;
    size_t len;
    int cand; /* first (key, rule) in mg_view_escapes.cands, chained by `next` */
    uint64_t firsts[4]; /* bit b: some candidate's key starts with byte b */
} esc_out;

/* `key` escaped by `rule` makes the esc_out it is chained from; the
 * candidates of one name are in add_escapes's order (rule, then key). */
typedef struct esc_cand {
    char *key;
    int rule;
    int next; /* -1: the last */
} esc_cand;

/* Known names' constants as bit sets (see "known names" below). */
/* (mustache.h's: bit i is lz_names[i], the engine reads them, and
 * mg_view_escapes_bits tells it where.) */
typedef mg_tpl_bits lz_desc;

/* Constant members: an object's chain of (name, value) pairs, a node of a
 * trie that objects of one kind share (a field's thirty flags are a handful
 * of chains). `bloom` has bit (hash & 63) of every name on the chain, so
 * most names a template looks up and the object lacks are turned away
 * without a walk. */
typedef struct lz_node {
    /* The chain's constants of the names of lz_names (cd[0]) and lz2_names
     * (cd[1]), each the first added, as lz_find finds it; node 0's empty. */
    lz_desc cd[2];
    const char *key;
    uint64_t bloom;
    uint32_t parent, hash;
    int val;        /* cJSON_False, cJSON_True, cJSON_NULL or cJSON_Array (empty) */
    uint32_t bits;  /* bit (hash & 15) of every name on the chain, at LZ_BLOOM_SHIFT */
    uint32_t tab;   /* the chain's names as a hash table in lz_tabs (lz_find), 0: not made */
    size_t len;     /* strlen(key) */
} lz_node;

typedef struct lz_edge {
    uint32_t parent;
    const char *key;
    int val;
    uint32_t child; /* 0: none (in lz_recent: an empty slot) */
} lz_edge;
#define LZ_RECENT 4096

typedef struct lz_obj {
    const cJSON *list; /* the object's first member */
    uint32_t node;     /* the last of its chain */
} lz_obj;

/* ---- known names ----
 * The names of most constant members (a type info's thirty flags, a
 * field's, a list item's first and last: lz_names) are not kept on chains:
 * an object has, for each of them, four states in three bit sets (absent;
 * false; true; null; []), and one number for the sets (objects of one kind
 * share a few), kept in its first member's valuedouble, which cJSON reads
 * for numbers only (LZ_DESC on that member's type: it has one). An object
 * whose first member is a number keeps the chain. (lz_desc is defined
 * above lz_node, which has two.) */
#define LZ_DESC (1 << 30)

/* lz_descs's index: a set's number by its bits. */
typedef struct lz_desc_ent {
    lz_desc d;
    uint32_t id;
} lz_desc_ent;
#define LZ_SLOTS 256
#define LZ_DESC_RECENT 4096

/* By how often shipped views have them, but for the shapes' flags (the
 * plan's shapes are shared, never left out) a type's own (a member of one
 * of these names is a constant: no other value of the name is found here).
 * At most 64. */
#define LZ_NAMES(X) X(is_object) X(is_enum) X(is_union) X(is_alias) X(recursive) X(first) X(last) \
    X(has_constraints) X(is_ref) X(tuple) X(has_enum) X(has_description) X(constraint_list) X(deprecated) \
    X(is_null) X(is_string) X(is_number) X(is_any) X(is_integer) X(is_boolean) X(is_array) X(is_map) \
    X(is_primitive) X(nullable) X(has_format) X(is_literal) X(literal) X(is_tuple) X(tuple_rest) \
    X(tuple_exact) X(has_key_pattern) X(key_pattern) X(values) X(has_const) X(format) X(items) X(declared) \
    X(has_fields) X(has_required_fields) X(has_optional_fields) X(closed) X(has_additional) X(has_values) \
    X(has_options) X(has_discriminator) X(discriminator) X(any_of) X(tagged) X(optional) X(required) \
    X(has_default) X(const) X(examples) X(read_only) X(write_only) X(default) X(ref) X(description) \
    X(description_lines) X(doc) X(doc_lines) X(description_md) X(has_prop_fn) X(title)
#define LZ_ID(name) LZ_##name,
enum { LZ_NAMES(LZ_ID) LZ_NNAMES_ };
#define LZ_STR(name) #name,
static const char *const lz_names[] = {LZ_NAMES(LZ_STR)};
#define LZ_NNAMES ((int)(sizeof lz_names / sizeof *lz_names))
#define LZ_LEN(name) (sizeof #name - 1),
static const size_t lz_name_len[] = {LZ_NAMES(LZ_LEN)};

/* Names the miss hook finds on chains most often, not in lz_names (the
 * validation plan's flags, which vplan.c gives as chains, plan_lazy_chain;
 * by how often a generate of worker-backend and of 1 000 synthetic
 * messages looked them up: 1.3 M chain lookups there, at about 150
 * instructions each through lz_find). Each chain node has bit sets of its
 * names of lz_names and of these (lz_node.cd), so that a tag whose memo
 * holds such a name's number is answered from the object's chain node
 * without a table. Only where it is cheaper: a name left out of either
 * list is still found on the chain. At most 64, none in lz_names
 * (test_view_hook checks both). */
#define LZ2_NAMES(X) X(has_object_checks) X(is_true) X(is_false) X(is_schema) X(member_loop) X(has_type) \
    X(has_string_checks) X(has_one_of) X(has_number_checks) X(has_not_fn) X(has_if) X(has_array_checks) \
    X(has_any_of) X(is_invalid) X(has_property_names_fn) X(has_additional_fn) X(additional_false) \
    X(has_validate_fn) X(has_all_of) X(all_of) X(is_composite) X(prop_counts) X(pattern_props) \
    X(has_prop_counts) X(has_pattern_props) X(has_members) X(dependencies) X(binding_list) X(parameters) \
    X(catalogue) X(is_client_answer) X(has_reply) X(is_receive) X(reply) X(has_headers) X(has_required) \
    X(has_dependencies) X(has_member_hash) X(header_fields) X(has_messages) X(has_option_fns) X(is_send) \
    X(correlation_id) X(external_docs) X(has_tags) X(has_parameters) X(channel_address_code) \
    X(needs_tag) X(has_tag) X(unique_items) X(has_tuple) X(has_items_fn) X(has_items) X(has_contains_fn) \
    X(headers) X(has_channel) X(has_bindings) X(first_receive) X(summary) X(count_checks) \
    X(summary_cell) X(has_servers) X(has_examples) X(has_security)
#define LZ2_STR(name) #name,
static const char *const lz2_names[] = {LZ2_NAMES(LZ2_STR)};
#define LZ2_NNAMES ((int)(sizeof lz2_names / sizeof *lz2_names))
/* A name's number in the miss hook's memo word: lz_names's from 0, then
 * lz2_names's from LZ_CHAIN_ID2 (mg_view_escapes_get_memo keeps it + 2).
 * Both lists are constants, so the word depends on the name alone and
 * means the same in every view's hook, as mustache.h requires. */
#define LZ_CHAIN_ID2 64

/* A slot of lz_names's table by the engine's hash: the name's hash, its
 * length and number (len 0: empty; no name is empty). */
typedef struct lz_slot {
    uint32_t hash;
    uint8_t len;
    uint8_t id;
} lz_slot;


/* An escaped text made, by its rule and source text: the same text is
 * read escaped from many objects of a view (a type's description from
 * each field of the type, from its shares...: 7 066 members made of 4 000
 * texts in a generate of worker-backend). Escaped once, its member given
 * to each. */
typedef struct esc_text {
    int rule;        /* the rule's number in esc_texts.sigs */
    size_t len;
    const char *src; /* the source text: the view's (not copied: a copy of
                      * each was 5 MB more peak memory at 1 000 messages),
                      * which lookups need unchanged anyway (the memo of
                      * escapes_get_member is by its member lists' addresses) */
    const cJSON *made; /* ours, or the view's member holding src when the
                        * rule changes nothing in it (escaped_text) */
} esc_text;

/* The escaped texts made for a lazy view (esc_text): rules are told apart
 * by what they do (rule_sig), not by their name. The members are made here
 * in blocks, each a string reference to its text, which this owns. The
 * texts are escaped into one buffer, reused, and copied into chunks of
 * ESC_CHUNK bytes (a text longer than a quarter of one: a chunk of its
 * own), all freed with the set: a buffer grown and handed over per text
 * was a malloc per text and a free, 25 M instructions of 74 M escaping
 * 60 000 texts at 1 000 messages. */
#define ESC_BLOCK 256
#define ESC_CHUNK (64 * 1024)
typedef struct esc_texts {
    mg_hmap sigs;    /* a rule's code and pairs as text -> esc_sig */
    mg_hmap texts;   /* esc_text, by (rule, text) */
    cJSON **blocks;  /* of ESC_BLOCK members each */
    size_t nblocks, used; /* used: members taken from the last block */
    mg_buf scratch;  /* where a text is escaped */
    char **chunks;   /* the texts' bytes; the last but big ones' is being filled */
    size_t nchunks, capchunks;
    char *fill;      /* the chunk being filled (NULL: none yet) */
    size_t fill_used;
} esc_texts;

typedef struct esc_sig {
    char *key; /* owned by the table */
    int id;
} esc_sig;

static esc_texts *esc_texts_new(void)
{
    esc_texts *t = mg_xcalloc(1, sizeof *t);
    mg_hmap_init_str(&t->sigs, sizeof(esc_sig));
    mg_hmap_init(&t->texts, sizeof(esc_text));
    mg_buf_init(&t->scratch);
    t->used = ESC_BLOCK;
    return t;
}

static void esc_texts_free(esc_texts *t)
{
    if (!t)
        return;
    mg_hmap_fini(&t->sigs);
    mg_hmap_fini(&t->texts);
    for (size_t b = 0; b < t->nblocks; b++)
        free(t->blocks[b]);
    free(t->blocks);
    for (size_t i = 0; i < t->nchunks; i++)
        free(t->chunks[i]);
    free(t->chunks);
    mg_buf_fini(&t->scratch);
    free(t);
}

/* A chunk of `size` bytes, freed with `t`. */
static char *esc_texts_chunk(esc_texts *t, size_t size)
{
    t->chunks = mg_xgrow(t->chunks, t->nchunks, &t->capchunks, sizeof *t->chunks);
    return t->chunks[t->nchunks++] = mg_xmalloc(size);
}

/* A copy of data[0..n) and a NUL, freed with `t`. */
static char *esc_texts_copy(esc_texts *t, const char *data, size_t n)
{
    char *to;
    if (n + 1 > ESC_CHUNK / 4) {
        to = esc_texts_chunk(t, n + 1);
    } else {
        if (!t->fill || t->fill_used + n + 1 > ESC_CHUNK) {
            t->fill = esc_texts_chunk(t, ESC_CHUNK);
            t->fill_used = 0;
        }
        to = t->fill + t->fill_used;
        t->fill_used += n + 1;
    }
    memcpy(to, data, n);
    to[n] = '\0';
    return to;
}

#define ESC_OUT_SLOTS 64

/* copied_class's answer for a name, by its text (copied_class_fast). */
#define KC_TEXT_BITS 8
typedef struct kc_text {
    uint64_t head;   /* the name's first eight bytes, zero-padded */
    size_t len;
    const char *key; /* copied_class's copy, NULL: an empty slot */
    unsigned cls;
} kc_text;

/* ---- members made when read (deferred) ----
 * Members that cost much to build and that templates read for few objects
 * are left out of a lazy view: a message's generated examples (examples
 * generated and printed for every message, read only where the catalogue
 * gives none) and a field's `name` (a name object per field, which no
 * shipped template reads: they print the field's `id` and `wire`; a
 * twentieth of the view stage and, in markdown, whose names are objects of
 * their own, 9 % of the view's nodes). The object's first member, which
 * references and shares of the object have too, gets LZ_DEFERRED and a
 * def_key entry giving the model item the object was built from (a
 * def_item), from which the miss hook makes the member at its first lookup
 * (deferred_get), as the view built without the hook has it, once per
 * item: every later lookup, through any reference or share, gets the same
 * node. A field's entry is only noted while the view is built (def_pend,
 * an append: a table entry per field cost as much as the name it spares)
 * and goes into the table at the first lookup of a field's name (def_flush),
 * which no shipped target makes. Bit 11 of a cJSON type, like ESCAPED_LIST,
 * is ours. */
#define LZ_DEFERRED (1 << 11)
/* generated_example, generated_headers_example (of a message), name (of a field) */
enum { DEF_GEN, DEF_GEN_HEADERS, DEF_NAME, DEF_N };
static const char *const def_names[DEF_N] = {"generated_example", "generated_headers_example", "name"};
static const size_t def_lens[DEF_N] = {sizeof "generated_example" - 1, sizeof "generated_headers_example" - 1,
                                       sizeof "name" - 1};
/* The members each deferred one would have, for render bounds
 * (mg_view_escapes_left_out): example_view_new's object and its six
 * members; a name object and its casings (in markdown's view each name
 * had its own; counting them all, the bounds are never below that view's). */
#define DEF_NODES 7
#define DEF_NAME_NODES (MG_CASE_COUNT + 1)
/* Whether an object whose first member's type is `type` may have a
 * deferred member of a name n bytes long: by length first, since such an
 * object (a message, a field) is asked for many names it lacks (in a
 * per-message template, every name of the root view). */
#define DEFERRED_NAME(type, n)                                                                                  \
    (((type) & LZ_DEFERRED) &&                                                                                  \
     ((n) == def_lens[DEF_GEN] || (n) == def_lens[DEF_GEN_HEADERS] || (n) == def_lens[DEF_NAME]))

typedef struct def_item {
    const mg_message *g; /* DEF_GEN, DEF_GEN_HEADERS: the message; else NULL */
    const mg_field *f;   /* DEF_NAME: the field; else NULL */
    unsigned which;      /* bit DEF_*: left out of the object */
    cJSON *made[DEF_N];  /* made when first read (owned), or NULL */
} def_item;

/* A field whose name was left out (f), or a share of an object (item: its
 * first member) with deferred members, in build order (def_flush). */
typedef struct def_pending {
    const cJSON *first;
    const mg_field *f; /* NULL: a share */
    const cJSON *item;
} def_pending;

typedef struct def_key {
    const cJSON *first; /* the object's first member (pointer key) */
    size_t item;        /* in mg_view_escapes.def_items */
} def_key;

/* A member made (or known absent) for a member list, in the table of its
 * esc_out (esc_memo_tab): 16 bytes, not 24 with the out's number in every
 * entry. The memo holds an entry per (list, name) a render looked up, over
 * a million at 10 000 messages; in one table of 24-byte entries it was a
 * twentieth of the run's peak memory, and half again while it doubled. */
typedef struct esc_memo {
    const cJSON *list; /* the list's first node */
    const cJSON *val;  /* the member, or NULL: none */
} esc_memo;

/* One esc_out's memo: open addressing by the list (list NULL: empty). */
typedef struct esc_memo_tab {
    esc_memo *slots;
    size_t n, cap; /* cap: a power of two, or 0 */
} esc_memo_tab;

struct mg_view_escapes {
    esc_rule *rules;        /* taken from the build */
    int nrules;
    mg_hmap outs;           /* esc_out, hashed as the engine hashes a name */
    esc_cand *cands;
    int ncands;
    unsigned char starts[256]; /* 1: some added name starts with this byte */
    unsigned char ends[256];   /* ... ends with this byte (most names looked up
                                * and not found are no added name) */
    size_t min_len;
    esc_memo_tab *memos;    /* by the esc_out's number (mg_hmap_len(&outs) of them), or NULL */
    esc_memo null_memo;     /* memo_slot's answer while a table is empty */
    uint32_t out_tab[ESC_OUT_SLOTS]; /* outs by the engine's hash: index + 1, 0: empty */
    int out_tab_ok;         /* every out is in out_tab */
    cJSON null_val;         /* the member beside a null `key` */
    esc_texts *texts;       /* the escaped texts (lazy_finish), or NULL */
    int *rule_sig;          /* each rule's number in texts->sigs (rule_sig) */
    /* Constant members (false, true, null, []) the lazy view leaves out
     * (see "constant members" below). */
    mg_hmap lz_objs;        /* lz_obj, by the member list's first node */
    mg_hmap lz_edges;       /* lz_edge: a trie node's child by (key, value) */
    lz_node *lz_nodes;      /* the trie; node 0 is the empty chain */
    size_t lz_n, lz_cap;
    mg_hmap lz_keys;        /* kc_name: copies of member names that are not constants, and
                             * their key_class (a lazy build's, for its sweeps) */
    kc_text kc_texts[1 << KC_TEXT_BITS]; /* lz_keys's answers, direct-mapped */
    lz_edge lz_recent[LZ_RECENT]; /* lz_edges's answers, direct-mapped */
    uint32_t *lz_tabs;      /* lz_find's tables: [mask, slots...] each, slots hold nodes */
    size_t lz_ntabs, lz_captabs;
    cJSON false_val, true_val, empty_list; /* the members given (null_val for null) */
    const cJSON *lz_vals[4]; /* by truth | nul << 1: false, true, null, [] */
    size_t lz_members;      /* members left out, over every object */
    /* The last chain set (lz_set), not yet in lz_objs: constants recorded
     * as they are made (add_const) come in runs on one object, so one
     * table write per object, not per member. NULL: none. */
    const cJSON *lz_pend_first;
    uint32_t lz_pend_node;
    /* Constants of the names in lz_names, by object (see "known names"
     * below): each distinct set once, in lz_descs (0: none); the set of
     * the object now made in lz_dpend, not yet in lz_descs. */
    lz_desc *lz_descs;
    size_t lz_ndescs, lz_capdescs;
    mg_hmap lz_desc_ids;    /* lz_desc_ent: a set's number in lz_descs, by its bits */
    cJSON *lz_dpend_first;  /* NULL: none pending */
    lz_desc lz_dpend;
    lz_slot lz_slots[LZ_SLOTS]; /* lz_names by the engine's hash (lz_name_id) */
    lz_slot lz2_slots[LZ_SLOTS]; /* lz2_names so (lz_chain_id) */
    uint64_t lz_position;   /* the bits of first and last (a share has its own) */
    lz_desc_ent lz_desc_recent[LZ_DESC_RECENT]; /* lz_desc_ids's answers, direct-mapped */
    /* While the view is built: the objects mark_escapes found, and pairs
     * (share, item) of the list items share_item copied after it. */
    const cJSON **walked;
    size_t nwalked, capwalked;
    const cJSON **shares;
    size_t nshares, capshares;
    /* Members made when read (see "deferred" above), and what makes them:
     * the model and cache the view was built from, which outlive it, and
     * the example generator, made on first use. */
    mg_hmap def_keys;       /* def_key, by the object's first member */
    def_item *def_items;
    size_t def_n, def_cap;
    def_pending *def_pend;  /* not yet in def_keys (def_flush) */
    size_t def_npend, def_cappend;
    size_t def_members;     /* members left out, over every object */
    const mg_model *def_m;
    mg_view_cache *def_cache;
    int def_lines;          /* the view makes json_lines (kept_name) */
    mg_exgen *def_exgen;
};

static void push_node(const cJSON ***arr, size_t *n, size_t *cap, const cJSON *c)
{
    if (*n == *cap) {
        *cap = *cap ? *cap * 2 : 256;
        *arr = mg_xrealloc((void *)*arr, *cap * sizeof **arr);
    }
    (*arr)[(*n)++] = c;
}

/* add_escapes's walk, adding nothing: notes each object that would get
 * members (the same tests, in the same places). */
static void mark_escapes(vctx *v, cJSON *node)
{
    cJSON *c;
    if (node->type & cJSON_IsReference)
        return;
    if ((node->type & 0xFF) == cJSON_Array) {
        cJSON_ArrayForEach(c, node)
            mark_escapes(v, c);
        return;
    }
    if ((node->type & 0xFF) != cJSON_Object)
        return;
    int any = 0;
    cJSON_ArrayForEach(c, node) {
        if (!c->string)
            continue;
        int type = c->type & 0xFF;
        /* member_esc_key's and raw_member's first tests here, not in a
         * call per member: most names start with a letter neither has. */
        if (type == cJSON_String || type == cJSON_NULL) {
            if (!any && v->key_starts[(unsigned char)c->string[0]]) {
                const esc_key_ent *e = member_esc_key(v, c);
                any = e && e->head >= 0;
            }
        } else if ((type == cJSON_Array || type == cJSON_Object) &&
                   !(raw_starts[(unsigned char)c->string[0]] && raw_member(node, c->string))) {
            mark_escapes(v, c);
        }
    }
    if (any)
        push_node(&v->lazy->walked, &v->lazy->nwalked, &v->lazy->capwalked, node);
}

static cJSON *example_view_new(mg_view_cache *cache, const mg_model *m, mg_exgen **exgen, int lines,
                               const mg_message *g, int headers);
static cJSON *name_obj_ref(const mg_name *n);

static def_item *def_item_new(mg_view_escapes *e, const cJSON *first)
{
    e->def_items = mg_xgrow(e->def_items, e->def_n, &e->def_cap, sizeof *e->def_items);
    def_item *it = &e->def_items[e->def_n];
    memset(it, 0, sizeof *it);
    def_key *k = mg_hmap_put_ptr(&e->def_keys, first, NULL);
    k->item = e->def_n++;
    return it;
}

/* Leaves members `which` (bits DEF_GEN, DEF_GEN_HEADERS) of the object
 * whose first member is `first`, built from message `g`, to deferred_get. */
static void deferred_add(mg_view_escapes *e, cJSON *first, const mg_message *g, unsigned which)
{
    def_item *it = def_item_new(e, first);
    it->g = g;
    it->which = which;
    first->type |= LZ_DEFERRED;
    for (int i = 0; i < DEF_N; i++)
        e->def_members += (which >> i & 1) * DEF_NODES;
}

static void def_pend_push(mg_view_escapes *e, const cJSON *first, const mg_field *f, const cJSON *item)
{
    e->def_pend = mg_xgrow(e->def_pend, e->def_npend, &e->def_cappend, sizeof *e->def_pend);
    e->def_pend[e->def_npend++] = (def_pending){first, f, item};
}

/* Leaves the `name` of the field object whose first member is `first`,
 * built from field `f`, to deferred_get. */
static void deferred_add_name(mg_view_escapes *e, cJSON *first, const mg_field *f)
{
    def_pend_push(e, first, f, NULL);
    first->type |= LZ_DEFERRED;
    e->def_members += DEF_NAME_NODES;
}

/* Puts the fields and shares noted since the last call into def_keys, in
 * the order noted (a share after the object it shares). */
static void def_flush(mg_view_escapes *e)
{
    for (size_t i = 0; i < e->def_npend; i++) {
        const def_pending *p = &e->def_pend[i];
        if (p->f) {
            def_item *it = def_item_new(e, p->first);
            it->f = p->f;
            it->which = 1u << DEF_NAME;
            continue;
        }
        const def_key *f = mg_hmap_get_ptr(&e->def_keys, p->item);
        if (f) {
            size_t at = f->item; /* f moves when the table grows */
            def_key *k = mg_hmap_put_ptr(&e->def_keys, p->first, NULL);
            k->item = at;
        }
    }
    e->def_npend = 0;
}

/* A share of an object with deferred members (first members `share` and
 * `item`) answers from the item's: one member made for both. A field's
 * entry may not be in the table yet: the share is noted after it. */
static void deferred_share(mg_view_escapes *e, cJSON *share, const cJSON *item)
{
    if (!share)
        return;
    share->type |= LZ_DEFERRED;
    const def_key *f = mg_hmap_get_ptr(&e->def_keys, item);
    if (!f) {
        def_pend_push(e, share, NULL, item);
        return;
    }
    size_t at = f->item; /* f moves when the table grows */
    def_key *k = mg_hmap_put_ptr(&e->def_keys, share, NULL);
    k->item = at;
}

/* Which deferred member k[0..n) names (DEF_*), or -1. */
static int def_which(const char *k, size_t n)
{
    for (int i = 0; i < DEF_N; i++)
        if (n == def_lens[i] && memcmp(k, def_names[i], n) == 0)
            return i;
    return -1;
}

/* The item whose member `which` (DEF_*) the object whose first member is
 * `first` left out, or NULL. */
static def_item *def_left_out(mg_view_escapes *e, const cJSON *first, int which)
{
    if (which == DEF_NAME && e->def_npend)
        def_flush(e);
    const def_key *f = which >= 0 ? mg_hmap_get_ptr(&e->def_keys, first) : NULL;
    def_item *it = f ? &e->def_items[f->item] : NULL;
    return it && (it->which >> which & 1) ? it : NULL;
}

/* The deferred member k[0..n) of the object whose first member is `first`,
 * made at its first lookup, or NULL when the object has no such member
 * left out (then the view built without the hook has none either: only
 * members deferred_add named are left out). */
__attribute__((noinline)) static const cJSON *deferred_get(mg_view_escapes *e, const cJSON *first, const char *k,
                                                           size_t n)
{
    int which = def_which(k, n);
    def_item *it = def_left_out(e, first, which);
    if (!it)
        return NULL;
    if (!it->made[which]) {
        cJSON *o = which == DEF_NAME ? name_obj_ref(&it->f->name)
                                     : example_view_new(e->def_cache, e->def_m, &e->def_exgen, e->def_lines,
                                                        it->g, which);
        /* Its escaped members, as add_escapes gives them in the view built
         * without the hook (a name's: markdown's `raw_slug`): escaped_member
         * finds each from the member it escapes, and none where there is
         * none (the flag is only where to look). */
        if (o->child)
            o->child->type |= ESCAPED_LIST;
        it->made[which] = o;
    }
    return it->made[which];
}

/* `share` (share_item of `item`) has the escaped members and the constant
 * members left out that `item` has. */
static void lz_share(mg_view_escapes *e, cJSON *share, const cJSON *item);
static void lazy_share(vctx *v, cJSON *share, const cJSON *item)
{
    if (!v->lazy)
        return;
    lz_share(v->lazy, share, item);
    if (item->child && (item->child->type & LZ_DEFERRED))
        deferred_share(v->lazy, share->child, item->child);
    push_node(&v->lazy->shares, &v->lazy->nshares, &v->lazy->capshares, share);
    push_node(&v->lazy->shares, &v->lazy->nshares, &v->lazy->capshares, item);
}

typedef struct {
    const char *k;
    size_t n;
} out_key;

static int out_eq(const void *ent, const void *key)
{
    const esc_out *o = ent;
    const out_key *q = key;
    return o->len == q->n && memcmp(o->name, q->k, q->n) == 0;
}

static void lz_desc_flush(mg_view_escapes *e);
static int rule_sig(mg_view_escapes *e, int rule);

/* At the end of a lazy build, when member lists are final: the flags, and
 * the rules and names taken from `v`. */
static void lazy_finish(vctx *v)
{
    mg_view_escapes *e = v->lazy;
    e->rules = v->rules;
    e->nrules = v->nrules;
    v->rules = NULL;
    v->nrules = 0;
    e->texts = esc_texts_new();
    e->rule_sig = mg_xmalloc(((size_t)e->nrules + 1) * sizeof *e->rule_sig);
    for (int i = 0; i < e->nrules; i++)
        e->rule_sig[i] = rule_sig(e, i);
    e->cands = mg_xcalloc((size_t)v->nesc_adds + 1, sizeof *e->cands);
    e->min_len = (size_t)-1;
    for (int a = 0; a < v->nesc_adds; a++) {
        const esc_add *ad = &v->esc_adds[a];
        out_key q = {ad->out, strlen(ad->out)};
        uint32_t h = mg_hash_mem_seed(0, q.k, q.n);
        esc_out *o = mg_hmap_find(&e->outs, h, out_eq, &q);
        esc_cand *c = &e->cands[e->ncands];
        c->key = mg_xstrdup(ad->base);
        c->rule = ad->rule;
        c->next = -1;
        if (!o) {
            o = mg_hmap_add(&e->outs, h);
            o->name = mg_xstrdup(ad->out);
            o->len = q.n;
            o->cand = e->ncands;
            memset(o->firsts, 0, sizeof o->firsts);
            e->starts[(unsigned char)q.k[0]] = 1;
            e->ends[(unsigned char)q.k[q.n - 1]] = 1;
            if (q.n < e->min_len)
                e->min_len = q.n;
        } else {
            int i = o->cand;
            while (e->cands[i].next >= 0)
                i = e->cands[i].next;
            e->cands[i].next = e->ncands;
        }
        unsigned char b0 = (unsigned char)c->key[0];
        o->firsts[b0 >> 6] |= (uint64_t)1 << (b0 & 63);
        e->ncands++;
    }
    /* The names by the engine's hash, in a table of their own (a few:
     * a probe or two, no call). */
    e->out_tab_ok = mg_hmap_len(&e->outs) <= ESC_OUT_SLOTS / 2;
    for (size_t i = 0; e->out_tab_ok && i < mg_hmap_len(&e->outs); i++) {
        const esc_out *o = mg_hmap_at(&e->outs, i);
        uint32_t s = mg_hash_mem_seed(0, o->name, o->len) & (ESC_OUT_SLOTS - 1);
        while (e->out_tab[s])
            s = (s + 1) & (ESC_OUT_SLOTS - 1);
        e->out_tab[s] = (uint32_t)i + 1;
    }
    lz_desc_flush(e);
    /* (A marked object has a member, so a first node.) */
    for (size_t i = 0; i < e->nwalked; i++)
        e->walked[i]->child->type |= ESCAPED_LIST;
    for (size_t i = 0; i + 1 < e->nshares; i += 2) {
        const cJSON *share = e->shares[i], *item = e->shares[i + 1];
        if (item->child && (item->child->type & ESCAPED_LIST) && share->child)
            share->child->type |= ESCAPED_LIST;
    }
    free((void *)e->walked);
    free((void *)e->shares);
    e->walked = e->shares = NULL;
    e->nwalked = e->nshares = 0;
}

static mg_view_escapes *escapes_new(void)
{
    mg_view_escapes *e = mg_xcalloc(1, sizeof *e);
    mg_hmap_init(&e->outs, sizeof(esc_out));
    e->null_val.type = cJSON_NULL;
    e->false_val.type = cJSON_False;
    e->true_val.type = cJSON_True;
    e->empty_list.type = cJSON_Array;
    e->lz_vals[0] = &e->false_val;
    e->lz_vals[1] = &e->true_val;
    e->lz_vals[2] = &e->null_val;
    e->lz_vals[3] = &e->empty_list;
    mg_hmap_init(&e->lz_objs, sizeof(lz_obj));
    mg_hmap_init(&e->lz_edges, sizeof(lz_edge));
    mg_hmap_init_str(&e->lz_keys, sizeof(kc_name));
    e->lz_ntabs = 1; /* table 0 is "none" */
    e->lz_captabs = 1024;
    e->lz_tabs = mg_xcalloc(e->lz_captabs, sizeof *e->lz_tabs);
    e->lz_nodes = mg_xgrow(NULL, 0, &e->lz_cap, sizeof *e->lz_nodes);
    memset(&e->lz_nodes[0], 0, sizeof e->lz_nodes[0]);
    e->lz_n = 1;
    e->lz_descs = mg_xgrow(NULL, 0, &e->lz_capdescs, sizeof *e->lz_descs);
    memset(&e->lz_descs[0], 0, sizeof e->lz_descs[0]);
    e->lz_ndescs = 1;
    mg_hmap_init(&e->lz_desc_ids, sizeof(lz_desc_ent));
    mg_hmap_init(&e->def_keys, sizeof(def_key));
    _Static_assert(sizeof lz_names / sizeof *lz_names <= 64, "lz_desc holds 64 names");
    _Static_assert(sizeof lz2_names / sizeof *lz2_names <= 64, "lz_desc holds 64 names");
    for (int i = 0; i < LZ2_NNAMES; i++) {
        uint32_t h = mg_hash_str(lz2_names[i]), s = h & (LZ_SLOTS - 1);
        while (e->lz2_slots[s].len)
            s = (s + 1) & (LZ_SLOTS - 1);
        e->lz2_slots[s].hash = h;
        e->lz2_slots[s].len = (uint8_t)strlen(lz2_names[i]);
        e->lz2_slots[s].id = (uint8_t)i;
    }
    for (int i = 0; i < LZ_NNAMES; i++) {
        uint32_t h = mg_hash_str(lz_names[i]), s = h & (LZ_SLOTS - 1);
        while (e->lz_slots[s].len)
            s = (s + 1) & (LZ_SLOTS - 1);
        e->lz_slots[s].hash = h;
        e->lz_slots[s].len = (uint8_t)lz_name_len[i];
        e->lz_slots[s].id = (uint8_t)i;
        if (!strcmp(lz_names[i], "first") || !strcmp(lz_names[i], "last"))
            e->lz_position |= (uint64_t)1 << i;
    }
    e->min_len = (size_t)-1;
    return e;
}

void mg_view_escapes_free(mg_view_escapes *e)
{
    if (!e)
        return;
    for (int i = 0; i < e->nrules; i++)
        mg_subst_fini(&e->rules[i].pairs);
    free(e->rules);
    for (size_t i = 0; i < mg_hmap_len(&e->outs); i++) {
        free(((esc_out *)mg_hmap_at(&e->outs, i))->name);
        if (e->memos)
            free(e->memos[i].slots);
    }
    free(e->memos);
    mg_hmap_fini(&e->outs);
    for (int i = 0; i < e->ncands; i++)
        free(e->cands[i].key);
    free(e->cands);
    esc_texts_free(e->texts);
    free(e->rule_sig);
    mg_hmap_fini(&e->lz_objs);
    mg_hmap_fini(&e->lz_edges);
    mg_hmap_fini(&e->lz_keys);
    free(e->lz_nodes);
    free(e->lz_tabs);
    free(e->lz_descs);
    mg_hmap_fini(&e->lz_desc_ids);
    free((void *)e->walked);
    free((void *)e->shares);
    free(e->def_pend);
    mg_hmap_fini(&e->def_keys);
    for (size_t i = 0; i < e->def_n; i++)
        for (int k = 0; k < DEF_N; k++)
            cJSON_Delete(e->def_items[i].made[k]);
    free(e->def_items);
    mg_exgen_free(e->def_exgen);
    free(e);
}

typedef struct {
    int rule;
    const char *text;
    size_t len;
} text_key;

static int text_eq(const void *ent, const void *key)
{
    const esc_text *t = ent;
    const text_key *q = key;
    return t->rule == q->rule && t->len == q->len && (t->src == q->text || memcmp(t->src, q->text, q->len) == 0);
}

/* A hash of text[0..n) for `texts`, eight bytes a step (texts are
 * descriptions, a hundred bytes or so: a step per byte cost more than half
 * of what the escapes it saved did; a hash of three words of them let texts
 * alike but in a word share a bucket). */
static uint32_t text_hash(int rule, const char *text, size_t n)
{
    return mg_hash_words((uint32_t)rule, text, n);
}

/* The number of rule `rule` of `e` in e->texts: rules that do the same
 * (code and pairs alike) have one. */
static int rule_sig(mg_view_escapes *e, int rule)
{
    const esc_rule *r = &e->rules[rule];
    /* What compile_pairs reads of each pair, each text after its length
     * (unambiguous), and the code delimiter. */
    mg_buf key;
    mg_buf_init(&key);
    mg_buf_putc(&key, r->code ? r->code : '-');
    const cJSON *p;
    cJSON_ArrayForEach(p, r->pairs_json) {
        const char *part[2] = {cJSON_GetStringValue(mg_json_get(p, "from")),
                               cJSON_GetStringValue(mg_json_get(p, "to"))};
        for (int i = 0; i < 2; i++) {
            if (!part[i]) {
                mg_buf_putc(&key, '-');
                continue;
            }
            size_t n = strlen(part[i]);
            char digits[24], *d = digits + sizeof digits;
            do
                *--d = (char)('0' + n % 10);
            while (n /= 10);
            mg_buf_append(&key, d, (size_t)(digits + sizeof digits - d));
            mg_buf_putc(&key, ':');
            mg_buf_append_str(&key, part[i]);
        }
        mg_buf_putc(&key, cJSON_IsTrue(mg_json_get(p, "code")) ? 'c' : 'p');
    }
    int added;
    esc_sig *sg = mg_hmap_put_str(&e->texts->sigs, mg_buf_cstr(&key), &added);
    if (added)
        sg->id = (int)mg_hmap_len(&e->texts->sigs) - 1;
    mg_buf_fini(&key);
    return sg->id;
}

/* A string member of the set holding the text escaped into its scratch. */
static const cJSON *escaped_copy(esc_texts *ts)
{
    if (ts->used == ESC_BLOCK) {
        ts->blocks = mg_xrealloc(ts->blocks, (ts->nblocks + 1) * sizeof *ts->blocks);
        ts->blocks[ts->nblocks++] = mg_xmalloc(ESC_BLOCK * sizeof **ts->blocks);
        ts->used = 0;
    }
    /* A string reference: its text is freed with the set, not by cJSON. */
    cJSON *s = &ts->blocks[ts->nblocks - 1][ts->used++];
    memset(s, 0, sizeof *s);
    s->type = cJSON_String | cJSON_IsReference;
    s->valuestring = esc_texts_copy(ts, ts->scratch.data ? ts->scratch.data : "", ts->scratch.len);
    return s;
}

/* A string member holding the text of `src` (a string member of the view)
 * escaped by rule `rule`, made once per (rule, text). Where the rule
 * changes nothing in the text (most wire names and type names in code
 * spans, most descriptions), `src` itself: a template reads only a
 * member's value, and the view outlives the lookups (view.h). A member
 * and a copy of the text each were about 8 % of the escapes' memory. */
static const cJSON *escaped_text(mg_view_escapes *e, int rule, const cJSON *src)
{
    esc_texts *ts = e->texts;
    const char *text = src->valuestring;
    int sig = e->rule_sig[rule];
    text_key q = {sig, text, strlen(text)};
    uint32_t h = text_hash(sig, text, q.len);
    const esc_text *t = mg_hmap_find(&ts->texts, h, text_eq, &q);
    if (t)
        return t->made;
    mg_buf_reset(&ts->scratch);
    escape_text_to(&ts->scratch, &e->rules[rule], text);
    const cJSON *made = src;
    if (ts->scratch.len != q.len || (q.len && memcmp(ts->scratch.data, text, q.len) != 0))
        made = escaped_copy(ts);
    esc_text *add = mg_hmap_add(&ts->texts, h);
    add->rule = sig;
    add->len = q.len;
    add->src = text;
    add->made = made;
    return made;
}

/* The member `out` of the object with members `list` as add_escapes adds it:
 * from the first string or null member that is one of its candidates' key
 * (add_escapes keeps the first member of a name), or NULL. */
static const cJSON *escaped_member(mg_view_escapes *e, const cJSON *list, const esc_out *out)
{
    for (const cJSON *c = list; c; c = c->next) {
        /* The first bytes first: most members are no candidate's. */
        if (!c->string)
            continue;
        unsigned char b0 = (unsigned char)c->string[0];
        if (!(out->firsts[b0 >> 6] >> (b0 & 63) & 1))
            continue;
        int type = c->type & 0xFF;
        if (type != cJSON_String && type != cJSON_NULL)
            continue;
        for (int i = out->cand; i >= 0; i = e->cands[i].next) {
            /* The first bytes first: most members are no candidate's. */
            if (c->string[0] != e->cands[i].key[0] || strcmp(c->string, e->cands[i].key) != 0)
                continue;
            if (type == cJSON_NULL)
                return &e->null_val;
            return escaped_text(e, e->cands[i].rule, c);
        }
    }
    return NULL;
}

/* The memo of the esc_out numbered `out` (the tables made at the first
 * lookup: the outs are final once the view is built). */
static inline esc_memo_tab *memo_tab(mg_view_escapes *e, size_t out)
{
    if (!e->memos)
        e->memos = mg_xcalloc(mg_hmap_len(&e->outs), sizeof *e->memos);
    return &e->memos[out];
}

/* The slot of `list` in `tab`: its entry, or the empty slot it would take
 * (e->null_memo while the table has none). */
static esc_memo *memo_slot(mg_view_escapes *e, const esc_memo_tab *tab, const cJSON *list)
{
    if (!tab->cap)
        return &e->null_memo;
    uint64_t x = (uint64_t)(uintptr_t)list * 0x9E3779B97F4A7C15ULL;
    size_t mask = tab->cap - 1;
    for (size_t s = (size_t)(x >> 40) & mask;; s = (s + 1) & mask) {
        esc_memo *m = &tab->slots[s];
        if (!m->list || m->list == list)
            return m;
    }
}

/* Doubles `tab` (64 slots at first), keeping its entries. */
static void memo_grow(mg_view_escapes *e, esc_memo_tab *tab)
{
    esc_memo *old = tab->slots;
    size_t cap = tab->cap;
    tab->cap = cap ? cap * 2 : 64;
    tab->slots = mg_xmalloc(tab->cap * sizeof *tab->slots);
    /* Only the key marks a slot empty (calloc's zeroing of the whole table
     * counted three times the instructions). */
    for (size_t i = 0; i < tab->cap; i++)
        tab->slots[i].list = NULL;
    for (size_t i = 0; i < cap; i++)
        if (old[i].list)
            *memo_slot(e, tab, old[i].list) = old[i];
    free(old);
}

/* ---- constant members computed when read ----
 *
 * A lazy view also leaves out most members whose value is false, true,
 * null or an empty list: more than half of a view's nodes (a field's is_*
 * and has_* flags, its null format, literal and items, its empty tuple;
 * python's view of 1 000 synthetic messages had 3.83 M nodes of its own,
 * 2.1 M of them such constants). Most are never made: add_const notes
 * them as they would be added (the type infos', the fields', the flags of
 * ADD_KEPT_BOOL, first and last; lz_batch for runs of them). lazy_sweep
 * detaches the rest once nothing in the view stage reads them any more
 * (the validation plan reads the types' lists). Each object's are, for the
 * names of lz_names, bit sets ("known names" above), and for the others a
 * chain of (name, value) pairs, found from the object's first member, which
 * is never left out, so that references to the object, which share its
 * member list, find them too. LAZY_CONSTS on that first node says the
 * object has a chain;
 * bit 13, like ESCAPED_LIST, is ours. The view stage reads them back with
 * view_true, its type-map renders through info_render, the plan through
 * plan_lazy_consts; run.c through mg_view_escapes_get, from the cJSON
 * source's miss hook (mustache.h). */
#define LAZY_CONSTS (1 << 13)
/* Bits 14 to 29 of that node's type: a 16-bit filter of the names on its
 * object's chain (lz_node.bits), so that a lookup of a name the object has
 * neither as a member nor on its chain (most lookups that reach the miss
 * hook: names of enclosing contexts) costs no hash lookup. */
#define LZ_BLOOM_SHIFT 14
#define LZ_BLOOM_MASK (0xFFFF << LZ_BLOOM_SHIFT)

static inline int lz_chain_id(const mg_view_escapes *e, const char *k, size_t n, uint32_t hash);
__attribute__((always_inline)) static inline void lz_desc_set(lz_desc *d, int id, int val);

static inline uint32_t lz_edge_hash(uint32_t parent, const char *key, int val)
{
    uint64_t h = ((uint64_t)(uintptr_t)key ^ ((uint64_t)parent << 32) ^ (uint64_t)val) * 0x9E3779B97F4A7C15ULL;
    return (uint32_t)(h >> 32);
}

static int lz_edge_eq(const void *ent, const void *key)
{
    const lz_edge *a = ent, *b = key;
    return a->parent == b->parent && a->key == b->key && a->val == b->val;
}

/* The trie node for chain `parent` followed by (key, val). */
static uint32_t lz_child(mg_view_escapes *e, uint32_t parent, const char *key, int val)
{
    uint32_t h = lz_edge_hash(parent, key, val);
    lz_edge *r = &e->lz_recent[h & (LZ_RECENT - 1)];
    if (r->child && r->parent == parent && r->key == key && r->val == val)
        return r->child;
    lz_edge q = {parent, key, val, 0};
    const lz_edge *ed = mg_hmap_find(&e->lz_edges, h, lz_edge_eq, &q);
    if (ed) {
        *r = *ed;
        return ed->child;
    }
    e->lz_nodes = mg_xgrow(e->lz_nodes, e->lz_n, &e->lz_cap, sizeof *e->lz_nodes);
    lz_node *c = &e->lz_nodes[e->lz_n];
    c->key = key;
    c->parent = parent;
    c->hash = mg_hash_str(key); /* as the engine hashes a tag's name */
    c->bloom = e->lz_nodes[parent].bloom | (uint64_t)1 << (c->hash & 63);
    c->bits = e->lz_nodes[parent].bits | (uint32_t)1 << ((c->hash & 15) + LZ_BLOOM_SHIFT);
    c->val = val;
    c->tab = 0;
    c->len = strlen(key);
    /* The parent's sets and this pair, unless the parent has its name (a
     * lookup finds the first one added); a value other than the four
     * reads as null, as lz_value gives it. */
    c->cd[0] = e->lz_nodes[parent].cd[0];
    c->cd[1] = e->lz_nodes[parent].cd[1];
    int id = lz_chain_id(e, key, c->len, c->hash);
    if (id >= 0)
        lz_desc_set(&c->cd[id / LZ_CHAIN_ID2], id % LZ_CHAIN_ID2,
                    val == cJSON_False || val == cJSON_True || val == cJSON_Array ? val : cJSON_NULL);
    lz_edge *add = mg_hmap_add(&e->lz_edges, h);
    *add = q;
    add->child = (uint32_t)e->lz_n;
    *r = *add;
    return (uint32_t)e->lz_n++;
}

/* The chain of the object whose first member is `first`: 0 when none.
 * A first member that is not a number keeps its chain in its valueint,
 * which cJSON uses for numbers only: no table lookup per constant made or
 * per name a template reads. A number's goes in lz_objs. */
static uint32_t lz_chain(const mg_view_escapes *e, const cJSON *first)
{
    if (!e || !first || !(first->type & LAZY_CONSTS))
        return 0;
    if ((first->type & 0xFF) != cJSON_Number)
        return (uint32_t)first->valueint;
    if (first == e->lz_pend_first)
        return e->lz_pend_node;
    const lz_obj *o = mg_hmap_get_ptr(&e->lz_objs, first);
    return o ? o->node : 0;
}

/* Makes `node` the chain of the object whose first member is `first`. A
 * node freed and its address reused has lost LAZY_CONSTS (cJSON clears a
 * new node), so a chain left in the table by a freed object is never read. */
static void lz_set(mg_view_escapes *e, cJSON *first, uint32_t node)
{
    if ((first->type & 0xFF) != cJSON_Number) {
        first->valueint = (int)node;
    } else {
        if (first != e->lz_pend_first) {
            if (e->lz_pend_first) {
                lz_obj *o = mg_hmap_put_ptr(&e->lz_objs, e->lz_pend_first, NULL);
                o->node = e->lz_pend_node;
            }
            e->lz_pend_first = first;
        }
        e->lz_pend_node = node;
    }
    first->type = (int)(((unsigned)first->type & ~(unsigned)LZ_BLOOM_MASK) | e->lz_nodes[node].bits |
                        LAZY_CONSTS);
}

/* Adds (key, val) to the chain of the object whose first member is
 * `first`. `key` must outlive `e`. */
static void lz_add(mg_view_escapes *e, cJSON *first, const char *key, int val)
{
    lz_set(e, first, lz_child(e, lz_chain(e, first), key, val));
    e->lz_members++;
}

/* a[0..n) == b[0..n), for the short names of lz_names: words read (within
 * [0, n) of each, overlapping at the end), not a memcmp call. */
static inline int lz_same(const char *a, const char *b, size_t n)
{
    uint64_t x, y;
    uint32_t p, q;
    if (n >= 8) {
        for (size_t i = 0; i + 8 < n; i += 8) {
            memcpy(&x, a + i, 8);
            memcpy(&y, b + i, 8);
            if (x != y)
                return 0;
        }
        memcpy(&x, a + n - 8, 8);
        memcpy(&y, b + n - 8, 8);
        return x == y;
    }
    if (n >= 4) {
        memcpy(&p, a, 4);
        memcpy(&q, b, 4);
        if (p != q)
            return 0;
        memcpy(&p, a + n - 4, 4);
        memcpy(&q, b + n - 4, 4);
        return p == q;
    }
    for (size_t i = 0; i < n; i++)
        if (a[i] != b[i])
            return 0;
    return 1;
}

/* The number of name k[0..n) (`hash` as the engine's) in `names` by its
 * table `slots`, or -1. */
static inline int lz_slot_find(const lz_slot *slots, const char *const *names, const char *k, size_t n,
                               uint32_t hash)
{
    for (uint32_t s = hash & (LZ_SLOTS - 1); slots[s].len; s = (s + 1) & (LZ_SLOTS - 1)) {
        const lz_slot *sl = &slots[s];
        if (sl->hash == hash && sl->len == n && lz_same(names[sl->id], k, n))
            return sl->id;
    }
    return -1;
}

/* The number of name k[0..n) (`hash` as the engine's) in lz_names, or -1. */
static inline int lz_name_id(const mg_view_escapes *e, const char *k, size_t n, uint32_t hash)
{
    return lz_slot_find(e->lz_slots, lz_names, k, n, hash);
}

/* Its number in lz_names, or LZ_CHAIN_ID2 + its number in lz2_names, or -1:
 * the name's bits in lz_node.cd, the same in every view. */
static inline int lz_chain_id(const mg_view_escapes *e, const char *k, size_t n, uint32_t hash)
{
    int id = lz_name_id(e, k, n, hash);
    if (id < 0) {
        id = lz_slot_find(e->lz2_slots, lz2_names, k, n, hash);
        if (id >= 0)
            id += LZ_CHAIN_ID2;
    }
    return id;
}

/* The sets of the object whose first member is `first` (none: all zero). */
static const lz_desc lz_none;

static inline const lz_desc *lz_desc_of(const mg_view_escapes *e, const cJSON *first)
{
    if (!e || !first || !(first->type & LZ_DESC))
        return &lz_none;
    if (first == e->lz_dpend_first)
        return &e->lz_dpend;
    /* A small count, never negative: the signed conversion is one instruction. */
    size_t at = (size_t)(int64_t)first->valuedouble;
    return at < e->lz_ndescs ? &e->lz_descs[at] : &lz_none;
}

static int lz_desc_eq(const void *ent, const void *key)
{
    const lz_desc *a = &((const lz_desc_ent *)ent)->d, *b = key;
    return a->present == b->present && a->truth == b->truth && a->nul == b->nul;
}

/* The number of the sets `d` in lz_descs, added when new. */
static uint32_t lz_desc_intern_slow(mg_view_escapes *e, const lz_desc *d, uint32_t h, lz_desc_ent *r);
static inline uint32_t lz_desc_intern(mg_view_escapes *e, const lz_desc *d)
{
    if (!d->present)
        return 0;
    uint64_t x = (d->present * 0x9E3779B97F4A7C15ULL) ^ (d->truth * 0xC2B2AE3D27D4EB4FULL) ^
                 (d->nul * 0x165667B19E3779F9ULL);
    uint32_t h = (uint32_t)(x >> 32) ^ (uint32_t)x;
    /* Objects of one kind come in runs: a direct-mapped cache first, by
     * x's top bits: a product's bit j depends on the factor's bits 0..j
     * only, so h's low bits (x's bits 0..11 and 32..43) miss the names
     * numbered above 43 (one set in five at 1 000 messages missed the
     * cache, of 1 311 sets for 4 096 slots). */
    _Static_assert(LZ_DESC_RECENT <= 4096, "x >> 52 has 12 bits");
    lz_desc_ent *r = &e->lz_desc_recent[(size_t)(x >> 52) & (LZ_DESC_RECENT - 1)];
    if (r->id && lz_desc_eq(r, d))
        return r->id;
    return lz_desc_intern_slow(e, d, h, r);
}

/* lz_desc_intern past its cache (`r`, the slot of `d`; `h` its hash), in a
 * function of its own: the cache's answers, nearly all, are inlined in
 * lz_desc_switch without a call (a call apiece was ~10 of 623 000 interns'
 * 46 instructions at 1 000 messages). */
__attribute__((noinline)) static uint32_t lz_desc_intern_slow(mg_view_escapes *e, const lz_desc *d, uint32_t h,
                                                              lz_desc_ent *r)
{
    const lz_desc_ent *f = mg_hmap_find(&e->lz_desc_ids, h, lz_desc_eq, d);
    if (f) {
        *r = *f;
        return f->id;
    }
    e->lz_descs = mg_xgrow(e->lz_descs, e->lz_ndescs, &e->lz_capdescs, sizeof *e->lz_descs);
    e->lz_descs[e->lz_ndescs] = *d;
    lz_desc_ent *add = mg_hmap_add(&e->lz_desc_ids, h);
    add->d = *d;
    add->id = (uint32_t)e->lz_ndescs;
    *r = *add;
    return (uint32_t)e->lz_ndescs++;
}

/* Puts the pending object's sets in lz_descs and its number in its first
 * member. A first member freed since, whose address a new node has, has
 * lost LZ_DESC (cJSON clears a new node): it is not written. */
static void lz_desc_flush(mg_view_escapes *e)
{
    cJSON *first = e->lz_dpend_first;
    if (!first)
        return;
    if (first->type & LZ_DESC)
        first->valuedouble = (double)lz_desc_intern(e, &e->lz_dpend);
    e->lz_dpend_first = NULL;
}

/* lz_desc_edit for an object not pending: the pending one's sets go to
 * lz_descs (lz_desc_flush, written out here), `first`'s become pending.
 * One call with no further one but lz_desc_intern's (a call to
 * lz_desc_edit, then to lz_desc_flush, each saving registers, was ~100
 * instructions of 747 000 objects' at 1 000 messages). */
__attribute__((noinline)) static lz_desc *lz_desc_switch(mg_view_escapes *e, cJSON *first)
{
    /* `first`'s sets before the flush, which may move lz_descs: none when
     * it lacks LZ_DESC (then it is not the pending object, or that object
     * freed, whose address a new node has: see lz_desc_flush). */
    lz_desc cur = lz_none;
    if (first->type & LZ_DESC) {
        size_t at = (size_t)(int64_t)first->valuedouble;
        if (at < e->lz_ndescs)
            cur = e->lz_descs[at];
    }
    cJSON *old = e->lz_dpend_first;
    if (old && (old->type & LZ_DESC))
        old->valuedouble = (double)lz_desc_intern(e, &e->lz_dpend);
    e->lz_dpend = cur;
    e->lz_dpend_first = first;
    first->type |= LZ_DESC;
    return &e->lz_dpend;
}

/* The sets of the object whose first member is `first` (not a number), to
 * change: it becomes the pending object. */
static inline lz_desc *lz_desc_edit(mg_view_escapes *e, cJSON *first)
{
    if (first == e->lz_dpend_first && (first->type & LZ_DESC))
        return &e->lz_dpend;
    return lz_desc_switch(e, first);
}

/* Sets name `id` to `val` (cJSON_False, cJSON_True, cJSON_NULL or
 * cJSON_Array for []) in `d`, unless it is set: a lookup finds the first
 * member of a name. */
__attribute__((always_inline)) static inline void lz_desc_set(lz_desc *d, int id, int val)
{
    /* Without branches, inlined: the builders' calls give `val` as a
     * constant (a call apiece was 55 M instructions at 1 000 messages). */
    uint64_t bit = ((uint64_t)1 << id) & ~d->present;
    d->present |= bit;
    d->truth |= (val == cJSON_True || val == cJSON_Array) ? bit : 0;
    d->nul |= (val == cJSON_NULL || val == cJSON_Array) ? bit : 0;
}

/* The number of bits set in x: the build targets no popcnt instruction,
 * and __builtin_popcountll is then a call into libgcc (13 M instructions
 * at 1 000 messages). */
static inline size_t lz_popcount(uint64_t x)
{
    x = x - ((x >> 1) & 0x5555555555555555ULL);
    x = (x & 0x3333333333333333ULL) + ((x >> 2) & 0x3333333333333333ULL);
    x = (x + (x >> 4)) & 0x0F0F0F0F0F0F0F0FULL;
    return (size_t)((x * 0x0101010101010101ULL) >> 56);
}

/* The value of name `id` in `d`, or NULL. */
static const cJSON *lz_desc_value(mg_view_escapes *e, const lz_desc *d, int id)
{
    uint64_t bit = (uint64_t)1 << id;
    if (!(d->present & bit))
        return NULL;
    int t = (d->truth & bit) != 0, n = (d->nul & bit) != 0;
    return t ? (n ? &e->empty_list : &e->true_val) : (n ? &e->null_val : &e->false_val);
}

/* Makes the table of chain `node`: each name once, with the pair added
 * first (a lookup finds the first member of a name), by hash. Objects of
 * one kind share a chain, so there are few tables. */
static uint32_t lz_table(mg_view_escapes *e, uint32_t node)
{
    size_t len = 0;
    for (uint32_t i = node; i; i = e->lz_nodes[i].parent)
        len++;
    uint32_t size = 4;
    while (size < 2 * len)
        size *= 2;
    while (e->lz_ntabs + 1 + size > e->lz_captabs) {
        e->lz_captabs = e->lz_captabs ? e->lz_captabs * 2 : 1024;
        e->lz_tabs = mg_xrealloc(e->lz_tabs, e->lz_captabs * sizeof *e->lz_tabs);
    }
    uint32_t at = (uint32_t)e->lz_ntabs;
    uint32_t *t = &e->lz_tabs[at];
    t[0] = size - 1;
    memset(t + 1, 0, size * sizeof *t);
    e->lz_ntabs += 1 + size;
    /* From the last pair added to the first: a pair added earlier replaces
     * one of the same name. */
    for (uint32_t i = node; i; i = e->lz_nodes[i].parent) {
        const lz_node *c = &e->lz_nodes[i];
        uint32_t s = c->hash & t[0];
        while (t[1 + s] && strcmp(e->lz_nodes[t[1 + s]].key, c->key) != 0)
            s = (s + 1) & t[0];
        t[1 + s] = i;
    }
    e->lz_nodes[node].tab = at;
    return at;
}

/* The pair named k[0..n) (hash as mg_hash_mem_seed) on chain `node`: the
 * first one added, as a lookup finds the first member of a name. */
static const lz_node *lz_find(mg_view_escapes *e, uint32_t node, const char *k, size_t n, uint32_t hash)
{
    if (!node || !(e->lz_nodes[node].bloom >> (hash & 63) & 1))
        return NULL;
    uint32_t at = e->lz_nodes[node].tab;
    if (!at)
        at = lz_table(e, node);
    const uint32_t *t = &e->lz_tabs[at];
    for (uint32_t s = hash & t[0]; t[1 + s]; s = (s + 1) & t[0]) {
        const lz_node *c = &e->lz_nodes[t[1 + s]];
        if (c->hash == hash && c->len == n && lz_same(c->key, k, n))
            return c;
    }
    return NULL;
}

static const cJSON *lz_value(mg_view_escapes *e, const lz_node *c)
{
    switch (c->val) {
    case cJSON_True:
        return &e->true_val;
    case cJSON_False:
        return &e->false_val;
    case cJSON_Array:
        return &e->empty_list;
    default:
        return &e->null_val;
    }
}

/* lz_const's answer from the chain of the object whose first member is
 * `first` (its own function: most answers are known names', which then
 * need not save the registers this one uses). */
__attribute__((noinline)) static const cJSON *lz_chain_const(mg_view_escapes *e, const cJSON *first, const char *k,
                                                             size_t n, uint32_t hash)
{
    const lz_node *c = lz_find(e, lz_chain(e, first), k, n, hash);
    return c ? lz_value(e, c) : NULL;
}

/* The constant member k[0..n) (`hash` as the engine's) that the object
 * whose first member is `first` left out, or NULL. */
static inline const cJSON *lz_const(mg_view_escapes *e, const cJSON *first, const char *k, size_t n, uint32_t hash)
{
    if (!e || !first)
        return NULL;
    int type = first->type;
    if (type & LZ_DESC) {
        int id = lz_name_id(e, k, n, hash);
        const cJSON *c = id >= 0 ? lz_desc_value(e, lz_desc_of(e, first), id) : NULL;
        if (c)
            return c;
    }
    if ((type & LAZY_CONSTS) && (type >> ((hash & 15) + LZ_BLOOM_SHIFT) & 1))
        return lz_chain_const(e, first, k, n, hash);
    return NULL;
}

/* Leaves out the constant member `key` (lz_names[id], or id -1: another
 * name; `key` outlives `e`) valued `val` of the object whose first member
 * is `first`. */
static inline void lz_put(mg_view_escapes *e, cJSON *first, const char *key, int id, int val)
{
    e->lz_members++;
    /* Runs of one object's constants: its sets are pending. */
    if (id >= 0 && first == e->lz_dpend_first && (first->type & LZ_DESC)) {
        lz_desc_set(&e->lz_dpend, id, val);
        return;
    }
    if (id < 0 || (first->type & 0xFF) == cJSON_Number) {
        e->lz_members--; /* lz_add counts it */
        lz_add(e, first, key, val);
        return;
    }
    lz_desc_set(lz_desc_edit(e, first), id, val);
}

/* The value lz_desc_set was given for name `id` of `d`. */
static int lz_desc_val(const lz_desc *d, int id)
{
    int t = (int)(d->truth >> id & 1), n = (int)(d->nul >> id & 1);
    return t ? (n ? cJSON_Array : cJSON_True) : (n ? cJSON_NULL : cJSON_False);
}

/* Gives the object whose first member is `first` the names of `d` it
 * lacks, but those in `skip`; returns them (by their numbers' bits: the
 * one caller that counts them counts; a count per call was a fifth of
 * the function, 743 000 calls at 1 000 messages). */
static uint64_t lz_put_desc_chain(mg_view_escapes *e, cJSON *first, const lz_desc *d, uint64_t bits);
static uint64_t lz_put_desc(mg_view_escapes *e, cJSON *first, const lz_desc *d, uint64_t skip)
{
    uint64_t bits = d->present & ~skip;
    if (!bits)
        return 0;
    if ((first->type & 0xFF) == cJSON_Number)
        return lz_put_desc_chain(e, first, d, bits);
    /* d may be the pending sets, which lz_desc_edit changes: read first. */
    uint64_t truth = d->truth, nul = d->nul;
    lz_desc *to = lz_desc_edit(e, first);
    /* The names of `bits` that `to` lacks. */
    bits &= ~to->present;
    to->present |= bits;
    to->truth |= truth & bits;
    to->nul |= nul & bits;
    return bits;
}

/* lz_put_desc for an object whose first member is a number (no sets: a
 * chain), names `bits` of `d`: each one added. */
__attribute__((noinline)) static uint64_t lz_put_desc_chain(mg_view_escapes *e, cJSON *first, const lz_desc *d,
                                                            uint64_t bits)
{
    lz_desc from = *d; /* a copy, as ever: d may be the pending sets */
    for (int id = 0; id < LZ_NNAMES; id++)
        if (bits >> id & 1)
            lz_set(e, first, lz_child(e, lz_chain(e, first), lz_names[id], lz_desc_val(&from, id)));
    return bits;
}

/* The nodes of the chain ending at `node`, last first, into `chain`; returns
 * how many. A chain holds the constants of one object, which the view code
 * names (never the catalogue), so it is far shorter than LZ_MAX_CHAIN. */
#define LZ_MAX_CHAIN 256
static size_t lz_path(const mg_view_escapes *e, uint32_t node, uint32_t chain[LZ_MAX_CHAIN])
{
    size_t n = 0;
    for (; node && n < LZ_MAX_CHAIN; node = e->lz_nodes[node].parent)
        chain[n++] = node;
    if (node) /* longer than any object of the view has: cannot happen */
        abort();
    return n;
}

/* Gives `share` (share_item of `item`, before number_list) the pairs of
 * `item` but index, first and last, as share_item copies its members. */
static void lz_share(mg_view_escapes *e, cJSON *share, const cJSON *item)
{
    if (!item->child || !share->child)
        return;
    uint32_t node = lz_chain(e, item->child);
    uint32_t chain[LZ_MAX_CHAIN];
    size_t n = node ? lz_path(e, node, chain) : 0;
    /* Chains are shared and never change: without index, first and last
     * (which are no chain's but a number's), the share has the item's. */
    size_t own = 0;
    for (size_t i = 0; i < n; i++) {
        const char *k = e->lz_nodes[chain[i]].key;
        own += !strcmp(k, "index") || !strcmp(k, "first") || !strcmp(k, "last");
    }
    if (n && !own && !lz_chain(e, share->child) && (share->child->type & 0xFF) != cJSON_Number) {
        lz_set(e, share->child, node);
        e->lz_members += n;
        n = 0;
    }
    while (n--) {
        const lz_node *c = &e->lz_nodes[chain[n]];
        if (strcmp(c->key, "index") && strcmp(c->key, "first") && strcmp(c->key, "last"))
            lz_put(e, share->child, c->key, lz_name_id(e, c->key, c->len, c->hash), c->val);
    }
    if (item->child->type & LZ_DESC)
        e->lz_members += lz_popcount(lz_put_desc(e, share->child, lz_desc_of(e, item->child), e->lz_position));
}

/* What lazy_sweep needs to know of a member's name. */
enum {
    KC_ESC = 1,   /* an escape reads or adds a member of this name */
    KC_SKIP = 4,  /* "extensions": raw catalogue JSON, never walked */
    KC_RAW = 8,   /* raw_member may hold (it depends on the object) */
    KC_KNOWN = 16,
    KC_FILLED = 32 /* a list the build fills after the sweeps (share_derived's) */
};
/* Above the flags: the name's number in lz_names + 1, 0: none. */
#define KC_ID_SHIFT 8
#define KC_ID(cls) ((int)((cls) >> KC_ID_SHIFT) - 1)

static unsigned key_class_of(vctx *v, const cJSON *c)
{
    const char *k = c->string;
    unsigned cls = KC_KNOWN;
    if (v->nrules && member_esc_key(v, c))
        cls |= KC_ESC;
    if (strcmp(k, "extensions") == 0)
        cls |= KC_SKIP;
    if (strcmp(k, "required_fields") == 0 || strcmp(k, "optional_fields") == 0)
        cls |= KC_FILLED;
    static const char *const raw[] = {"value", "variables", "constraints", "const", "default",
                                      "enum", "examples", "bindings", "target"};
    for (size_t i = 0; i < sizeof raw / sizeof *raw; i++)
        if (strcmp(k, raw[i]) == 0)
            cls |= KC_RAW;
    if (v->lazy)
        cls |= (unsigned)(lz_name_id(v->lazy, k, strlen(k), mg_hash_str(k)) + 1) << KC_ID_SHIFT;
    return cls;
}

/* key_class_of, cached by the name's address when it is a constant (as
 * member_esc_key: a sweep meets each of a few hundred names thousands of
 * times). */
#define KC_CACHE 1024
/* The entry of name `k` in `cache` (KC_CACHE entries, two ways per slot:
 * with one, two hot names that met in a slot, which depends on where the
 * linker put them, missed 30 000 times a generate). NULL: not there; *put
 * is where to put it. */
static inline kc_ent *kc_lookup(kc_ent *cache, const char *k, kc_ent **put)
{
    kc_ent *e = &cache[mg_addr_slot(k, KC_CACHE) & ~(size_t)1];
    if (e[0].key == k)
        return &e[0];
    if (e[1].key == k)
        return &e[1];
    e[1] = e[0]; /* the newer name in way 0 */
    *put = &e[0];
    return NULL;
}

/* The class of member `c` whose name is copied (the interface's, raw
 * JSON's), by its text, with a copy of the name that outlives the lazy
 * view's escapes (for its chains). */
static kc_name *copied_class(vctx *v, const cJSON *c)
{
    mg_hmap *names = &v->kc_names;
    if (v->lazy) {
        names = &v->lazy->lz_keys;
    } else if (!v->kc_names_init) {
        mg_hmap_init_str(&v->kc_names, sizeof(kc_name));
        v->kc_names_init = 1;
    }
    int added;
    kc_name *n = mg_hmap_put_str(names, c->string, &added);
    if (added)
        n->cls = key_class_of(v, c);
    return n;
}

/* copied_class for a lazy sweep, by the name's text: its length and first
 * eight bytes pick a slot, the rest is compared. Copied names (the
 * interface's: has_tags, bindings, reply, ...) are each their member's
 * own copy, so an address finds nothing twice; hashing each whole name
 * into lz_keys cost 180 instructions a member. */
static inline const kc_text *copied_class_fast(vctx *v, const cJSON *c)
{
    mg_view_escapes *e = v->lazy;
    const char *k = c->string;
    size_t len = strlen(k);
    uint64_t head = 0;
    memcpy(&head, k, len < 8 ? len : 8);
    kc_text *t = &e->kc_texts[((head ^ len) * 0x9E3779B97F4A7C15ULL) >> (64 - KC_TEXT_BITS)];
    if (t->key && t->head == head && t->len == len && (len <= 8 || memcmp(t->key + 8, k + 8, len - 8) == 0))
        return t;
    const kc_name *kn = copied_class(v, c);
    t->key = kn->key;
    t->cls = kn->cls;
    t->head = head;
    t->len = len;
    return t;
}

static inline unsigned key_class(vctx *v, const cJSON *c)
{
    if (!(c->type & cJSON_StringIsConst))
        return v->lazy ? copied_class_fast(v, c)->cls : copied_class(v, c)->cls;
    if (!v->kc_cache)
        v->kc_cache = mg_xcalloc(KC_CACHE, sizeof *v->kc_cache);
    kc_ent *put, *e = kc_lookup(v->kc_cache, c->string, &put);
    if (e)
        return e->cls;
    put->key = c->string;
    put->cls = key_class_of(v, c);
    return put->cls;
}

/* Moves the constant members of `node` and of the objects below it (not
 * through references, not into raw JSON or extensions) to their objects'
 * chains or known names' sets, but each object's first member and the
 * members an escape reads or adds (mark_escapes and escaped_member read
 * them). Types are swept once the validation plan is built: it reads their
 * lists (and their flags, as members or through plan_lazy_consts). */
static void lazy_sweep_deep(vctx *v, cJSON *node, int deep, int mark)
{
    if (!node || (node->type & cJSON_IsReference))
        return;
    int type = node->type & 0xFF;
    if (type == cJSON_Array) {
        for (cJSON *c = node->child; c; c = c->next)
            lazy_sweep_deep(v, c, deep, mark);
        return;
    }
    if (type != cJSON_Object || !node->child)
        return;
    mg_view_escapes *e = v->lazy;
    cJSON *first = node->child;
    uint32_t chain = UINT32_MAX; /* not looked up yet */
    lz_desc *desc = NULL;        /* the sets of names, once edited */
    int any = 0;                 /* mark: the object gets escaped members */
    for (cJSON *c = first, *next; c; c = next) {
        next = c->next;
        if (!c->string)
            continue;
        int ct = c->type & 0xFF;
        /* mark_escapes's test, before the member may go (it never goes:
         * a member an escape reads is kept, but a null one is read here
         * first all the same). */
        if (mark && !any && (ct == cJSON_String || ct == cJSON_NULL) &&
            v->key_starts[(unsigned char)c->string[0]]) {
            const esc_key_ent *ek = member_esc_key(v, c);
            any = ek && ek->head >= 0;
        }
        /* An empty list is a constant too, but for the lists filled later. */
        int empty_list = ct == cJSON_Array && !c->child && c != first &&
                         !(c->type & cJSON_IsReference);
        if ((ct == cJSON_Array || ct == cJSON_Object) && !empty_list) {
            unsigned cls = deep ? key_class(v, c) : KC_SKIP;
            if (!(cls & KC_SKIP) && (!(cls & KC_RAW) || !raw_member(node, c->string))) {
                lazy_sweep_deep(v, c, deep, mark);
                desc = NULL; /* another object's may be pending now */
            } else if (mark && !(raw_starts[(unsigned char)c->string[0]] && raw_member(node, c->string))) {
                /* Extensions: not swept, but marked (mark_escapes walks
                 * them). */
                mark_escapes(v, c);
            }
            continue;
        }
        if (c == first || (ct != cJSON_False && ct != cJSON_True && ct != cJSON_NULL && !empty_list))
            continue;
        const char *key = c->string;
        unsigned cls;
        if (!(c->type & cJSON_StringIsConst)) {
            const kc_text *kn = copied_class_fast(v, c);
            cls = kn->cls;
            key = kn->key;
        } else {
            cls = key_class(v, c);
        }
        if ((cls & KC_ESC) || (empty_list && (cls & KC_FILLED)))
            continue;
        if (KC_ID(cls) >= 0 && (first->type & 0xFF) != cJSON_Number) {
            if (!desc)
                desc = lz_desc_edit(e, first);
            lz_desc_set(desc, KC_ID(cls), ct);
        } else {
            if (chain == UINT32_MAX)
                chain = lz_chain(e, first);
            chain = lz_child(e, chain, key, ct);
        }
        e->lz_members++;
        /* Unlinked by hand (cJSON_DetachItemViaPointer is a library call
         * per member): not the first, so `prev` is the one before. */
        c->prev->next = next;
        if (next)
            next->prev = c->prev;
        else
            first->prev = c->prev;
        /* What cJSON_Delete does for a node without child or value, without
         * the library call: mg_pool_free frees a pool block or malloc's. */
        if (!(c->type & cJSON_StringIsConst))
            mg_pool_free(c->string);
        mg_pool_free(c);
    }
    if (chain != UINT32_MAX)
        lz_set(e, first, chain);
    if (any)
        push_node(&e->walked, &e->nwalked, &e->capwalked, node);
}

static void lazy_sweep(vctx *v, cJSON *node)
{
    lazy_sweep_deep(v, node, 1, 0);
}

/* A lazy view's constants, which its objects lack, for the validation plan
 * (mg_vplan_consts.list and .is_true; `arg` is the view's mg_view_escapes,
 * or NULL: none). */
static size_t plan_lazy_consts(void *arg, const cJSON *obj, const char **keys, int *vals, size_t max)
{
    const mg_view_escapes *e = arg;
    if (!e || !obj || (obj->type & 0xFF) != cJSON_Object)
        return 0;
    size_t n = 0;
    for (uint32_t i = lz_chain(e, obj->child); i; i = e->lz_nodes[i].parent)
        n++;
    if (n > max)
        abort(); /* longer than any object of the view has: cannot happen */
    size_t at = n;
    for (uint32_t i = lz_chain(e, obj->child); i; i = e->lz_nodes[i].parent) {
        at--;
        keys[at] = e->lz_nodes[i].key;
        vals[at] = e->lz_nodes[i].val;
    }
    /* Then the known names (no name is in both). */
    const lz_desc *d = lz_desc_of(e, obj->child);
    if (n + lz_popcount(d->present) > max)
        abort(); /* more than any object of the view has: cannot happen */
    static const int val_of[4] = {cJSON_False, cJSON_True, cJSON_NULL, cJSON_Array};
    for (uint64_t bits = d->present; bits; bits &= bits - 1) {
        int id = __builtin_ctzll(bits);
        keys[n] = lz_names[id];
        vals[n++] = val_of[(d->truth >> id & 1) | (d->nul >> id & 1) << 1];
    }
    return n;
}

/* A name's number for plan_lazy_get: its place in lz_names, or -1. */
static int plan_lazy_id(void *arg, const char *k)
{
    (void)arg;
    for (int id = 0; id < LZ_NNAMES; id++)
        if (!strcmp(lz_names[id], k))
            return id;
    return -1;
}

/* The constants numbered ids[] (plan_lazy_id) that `obj` lacks, as
 * plan_lazy_consts would list them (where a name is listed twice, the later
 * one), without listing the others. */
static void plan_lazy_get(void *arg, const cJSON *obj, const int *ids, size_t n, int *vals)
{
    const mg_view_escapes *e = arg;
    memset(vals, 0, n * sizeof *vals);
    if (!e || !obj || (obj->type & 0xFF) != cJSON_Object)
        return;
    const lz_desc *d = lz_desc_of(e, obj->child);
    size_t left = 0;
    for (size_t i = 0; i < n; i++) {
        if (d->present >> ids[i] & 1)
            vals[i] = lz_desc_val(d, ids[i]);
        else
            left++;
    }
    /* The others from the chain, the last added first. */
    for (uint32_t c = left ? lz_chain(e, obj->child) : 0; c && left; c = e->lz_nodes[c].parent) {
        const lz_node *nd = &e->lz_nodes[c];
        for (size_t i = 0; i < n; i++)
            if (!vals[i] && !(d->present >> ids[i] & 1) && nd->len == lz_name_len[ids[i]] &&
                !memcmp(nd->key, lz_names[ids[i]], nd->len)) {
                vals[i] = nd->val;
                left--;
            }
    }
}

/* The chain of the constants keys[i] = vals[i] (mg_vplan_consts.chain: the
 * names are vplan.c's literals, which outlive the view). */
static uint32_t plan_lazy_chain(void *arg, const char *const *keys, const int *vals, size_t n)
{
    mg_view_escapes *e = arg;
    uint32_t node = 0;
    for (size_t i = 0; e && i < n; i++)
        node = lz_child(e, node, keys[i], vals[i]);
    return node;
}

/* Gives the plan's object whose first member is `first` the constants of
 * `chain` (mg_vplan_consts.put): the miss hook answers them as lazy_sweep's.
 * The object is the cached raw plan's, which every target refers to: each
 * target's build sets its own chain, and views are built one at a time.
 * Not counted in lz_members: the view refers to the object, and run.c's
 * render bounds count no member behind a reference (they did not when the
 * constants were members), so the bounds stay what they were. */
static void plan_lazy_put(void *arg, cJSON *first, uint32_t chain)
{
    mg_view_escapes *e = arg;
    if (e && chain)
        lz_set(e, first, chain);
}

static int plan_lazy_true(void *arg, const cJSON *obj, const char *k)
{
    mg_view_escapes *e = arg;
    if (!e || !obj || (obj->type & 0xFF) != cJSON_Object)
        return 0;
    size_t n = strlen(k);
    return cJSON_IsTrue(lz_const(e, obj->child, k, n, mg_hash_mem_seed(0, k, n)));
}

/* Adds the constant member `k` (a string literal) valued `type`
 * (cJSON_False, cJSON_True, cJSON_NULL or cJSON_Array: []) to view object
 * `o`. A lazy view
 * records it on o's chain at once where lazy_sweep would move it there (o
 * has a first member, and no escape reads the name; the validation plan
 * reads them through plan_lazy_consts), instead of making a node that the sweep would detach and
 * free: about 150 instructions apiece. The view stage reads such members
 * with view_true, or, for type-map renders, through lazy_render. */
static void add_const(vctx *v, cJSON *o, const char *k, int type)
{
    if (v->lz_direct && o->child) {
        /* A cache of its own: sharing key_class's made the sweeps' hot
         * names collide with these (30 000 misses a generate). */
        if (!v->kc_const)
            v->kc_const = mg_xcalloc(KC_CACHE, sizeof *v->kc_const);
        kc_ent *put, *ce = kc_lookup(v->kc_const, k, &put);
        if (!ce) {
            cJSON name;
            memset(&name, 0, sizeof name);
            name.string = (char *)(uintptr_t)k;
            name.type = type | cJSON_StringIsConst;
            ce = put;
            ce->key = k;
            ce->cls = key_class_of(v, &name);
        }
        if (!(ce->cls & KC_ESC)) {
            lz_put(v->lazy, o->child, k, KC_ID(ce->cls), type);
            return;
        }
    }
    add_cs(o, k, type == cJSON_NULL    ? cJSON_CreateNull()
                 : type == cJSON_Array ? cJSON_CreateArray()
                                       : cJSON_CreateBool(type == cJSON_True));
}

/* An item's first and last (number_list_v), add_const's without its
 * lookup of the names. */
static void add_position(vctx *v, cJSON *it, int first, int last)
{
    if (v->lz_direct && (v->lz_ok >> LZ_first & v->lz_ok >> LZ_last & 1)) {
        lz_put(v->lazy, it->child, lz_names[LZ_first], LZ_first, first ? cJSON_True : cJSON_False);
        lz_put(v->lazy, it->child, lz_names[LZ_last], LZ_last, last ? cJSON_True : cJSON_False);
        return;
    }
    add_const(v, it, "first", first ? cJSON_True : cJSON_False);
    add_const(v, it, "last", last ? cJSON_True : cJSON_False);
}

/* Whether an item's first and last go in its constant batch as it is made
 * (positions_batch), not by number_list_v once its list is complete: a
 * lazy view that leaves both out (add_position's own test). */
static int positions_batched(const vctx *v)
{
    return v->lz_direct && (v->lz_ok >> LZ_first & v->lz_ok >> LZ_last & 1);
}

/* The constants of one object made in a row (a type info's thirty), named
 * by their numbers in lz_names: kept as bit sets until lzb_done, for a
 * lazy view, instead of add_const's per-member work. */
typedef struct lz_batch {
    lz_desc d;
    size_t n;    /* constants added (lz_members counts each) */
    int on;      /* a lazy view */
    int members; /* constants that went to add_const instead (a node or a chain) */
} lz_batch;

static inline void lzb_init(const vctx *v, lz_batch *b)
{
    memset(b, 0, sizeof *b);
    b->on = v->lz_direct;
}

/* add_const(v, o, lz_names[id], val), perhaps later: `o` has a first
 * member that is not a number. */
__attribute__((always_inline)) static inline void lzb_add(vctx *v, lz_batch *b, cJSON *o, int id, int val)
{
    if (b->on && (v->lz_ok >> id & 1)) {
        lz_desc_set(&b->d, id, val);
        b->n++;
    } else {
        b->members++;
        add_const(v, o, lz_names[id], val);
    }
}

#define LZB_KEPT_BOOL(v, b, o, id, cond)                                              \
    do {                                                                              \
        if ((v)->lz_kept >> (id) & 1)                                                 \
            lzb_add((v), (b), (o), (id), (cond) ? cJSON_True : cJSON_False);          \
    } while (0)

/* add_position's first and last, into `b` (positions_batched): with the
 * item's other constants, one put, not two lz_put calls that each make
 * the item's sets pending again once its list is complete (an
 * lz_desc_switch per field and type, each interning the sets before). */
static void positions_batch(vctx *v, lz_batch *b, cJSON *o, int first, int last)
{
    lzb_add(v, b, o, LZ_first, first ? cJSON_True : cJSON_False);
    lzb_add(v, b, o, LZ_last, last ? cJSON_True : cJSON_False);
}

/* Puts the batch's constants on `o`. */
static void lzb_done(vctx *v, lz_batch *b, cJSON *o)
{
    if (!b->n)
        return;
    lz_put_desc(v->lazy, o->child, &b->d, 0);
    v->lazy->lz_members += b->n;
}

/* add_model_description without a text: its constants in a batch. */
static void add_no_description(vctx *v, cJSON *o)
{
    lz_batch b;
    lzb_init(v, &b);
    b.on = b.on && o->child && (o->child->type & 0xFF) != cJSON_Number;
    if (b.on && v->ndesc_outs > 0) {
        /* An escape reads `description`, so add_const would make a null
         * node of it (a lazy view makes escaped members from members), and
         * the escapes' null beside it when read. Both are known: null
         * (add_escapes makes null of null), so both are constants
         * (desc_outs_init says when no other member could give them):
         * a node per type, field and message without a description and
         * target. */
        lz_desc_set(&b.d, LZ_description, cJSON_NULL);
        b.n++;
        for (int i = 0; i < v->ndesc_outs; i++) {
            if (v->desc_out_id[i] >= 0) {
                lz_desc_set(&b.d, v->desc_out_id[i], cJSON_NULL);
                b.n++;
            } else {
                lz_put(v->lazy, o->child, v->desc_out_key[i], -1, cJSON_NULL);
            }
        }
    } else {
        lzb_add(v, &b, o, LZ_description, cJSON_NULL);
    }
    if (v->lz_kept >> LZ_has_description & 1)
        lzb_add(v, &b, o, LZ_has_description, cJSON_False);
    if (v->lz_kept >> LZ_description_lines & 1)
        lzb_add(v, &b, o, LZ_description_lines, cJSON_Array);
    if (v->lz_kept >> LZ_doc & 1)
        lzb_add(v, &b, o, LZ_doc, cJSON_NULL);
    if (v->lz_kept >> LZ_doc_lines & 1)
        lzb_add(v, &b, o, LZ_doc_lines, cJSON_Array);
    lzb_done(v, &b, o);
}

/* add_model_description's has_description (true) when kept: in a batch, as
 * add_no_description's constants (add_const's lookup of the name's class,
 * per description and target, cost twice as much). */
static void add_has_description(vctx *v, cJSON *o)
{
    if (!(v->lz_kept >> LZ_has_description & 1))
        return;
    lz_batch b;
    lzb_init(v, &b);
    b.on = b.on && o->child && (o->child->type & 0xFF) != cJSON_Number;
    lzb_add(v, &b, o, LZ_has_description, cJSON_True);
    lzb_done(v, &b, o);
}

static void add_type_flags_rec(vctx *v, cJSON *o, const mg_type *t, int rec)
{
    lz_batch b;
    lzb_init(v, &b);
    b.on = b.on && o->child;
    LZB_KEPT_BOOL(v, &b, o, LZ_is_object, t && t->kind == MG_TYPE_OBJECT);
    LZB_KEPT_BOOL(v, &b, o, LZ_is_enum, t && t->kind == MG_TYPE_ENUM);
    LZB_KEPT_BOOL(v, &b, o, LZ_is_union, t && t->kind == MG_TYPE_UNION);
    LZB_KEPT_BOOL(v, &b, o, LZ_is_alias, t && t->kind == MG_TYPE_ALIAS);
    if (rec >= 0) /* not kept-gated: as add_const was */
        lzb_add(v, &b, o, LZ_recursive, rec ? cJSON_True : cJSON_False);
    lzb_done(v, &b, o);
}

/* `from`, an object's first member, has become a later member of the
 * object whose first member is `first` (field_view links a type info's
 * members after the field's own): the object has both chains. A field's
 * own constants (a few) go after its type info's (thirty), not before as
 * its members do: the two never share a name, so a lookup finds the same,
 * and the type info's chain, shared by every field of its kind, is not
 * copied pair by pair. */
static void lz_append(mg_view_escapes *e, cJSON *first, cJSON *from)
{
    if (from->type & LZ_DESC) {
        if (from == e->lz_dpend_first) {
            /* `from` loses its sets: they are not put in lz_descs first
             * (field_view appends the type info while its sets are pending). */
            lz_desc d = e->lz_dpend;
            e->lz_dpend_first = NULL;
            lz_put_desc(e, first, &d, 0);
        } else {
            lz_put_desc(e, first, lz_desc_of(e, from), 0);
        }
        from->type &= ~LZ_DESC;
    }
    uint32_t node = lz_chain(e, first), to = lz_chain(e, from);
    if (!to)
        return;
    uint32_t chain[LZ_MAX_CHAIN];
    size_t n = lz_path(e, node, chain);
    while (n--) {
        const lz_node *c = &e->lz_nodes[chain[n]];
        to = lz_child(e, to, c->key, c->val);
    }
    lz_set(e, first, to);
    from->type = (int)((unsigned)from->type & ~((unsigned)LZ_BLOOM_MASK | LAZY_CONSTS));
}

/* The member `k` of view object `o` while the view is built: its own, or
 * the constant lazy_sweep left out. */
static int view_true(const vctx *v, const cJSON *o, const char *k)
{
    /* A name is a member or left out, not both: the left-out ones first
     * (an object has some seventy members, to look through one by one). */
    size_t n = strlen(k);
    const cJSON *c = lz_const(v->lazy, o->child, k, n, mg_hash_mem_seed(0, k, n));
    if (c)
        return cJSON_IsTrue(c);
    return cJSON_IsTrue(mg_json_get(o, k));
}

__attribute__((noinline)) static const cJSON *escapes_get_member(mg_view_escapes *e, const cJSON *obj,
                                                                 const char *k, size_t n, uint32_t hash);

/* mg_view_escapes_get's escaped member, if k[0..n) may be one. The flag
 * first: it is in the first member's type, which every caller has read. */
static inline const cJSON *escapes_get_esc(mg_view_escapes *e, const cJSON *obj, const char *k, size_t n,
                                           uint32_t hash)
{
    if (!(obj->child->type & ESCAPED_LIST) || n < e->min_len || !e->starts[(unsigned char)k[0]] ||
        !e->ends[(unsigned char)k[n - 1]])
        return NULL;
    return escapes_get_member(e, obj, k, n, hash);
}

/* mg_view_escapes_get but for a known name's constant: from the chain, or
 * an escaped member. */
__attribute__((noinline)) static const cJSON *escapes_get_rest(mg_view_escapes *e, const cJSON *obj,
                                                               const char *k, size_t n, uint32_t hash)
{
    int type = obj->child->type;
    if ((type & LAZY_CONSTS) && (type >> ((hash & 15) + LZ_BLOOM_SHIFT) & 1)) {
        const lz_node *c = lz_find(e, lz_chain(e, obj->child), k, n, hash);
        if (c)
            return lz_value(e, c);
    }
    return escapes_get_esc(e, obj, k, n, hash);
}

/* The renderer asks on every name an object lacks (most of them a known
 * name's constant: 72 000 of 92 000 asked in a generate): lz_const's known
 * names inline here, the rest in a function of its own. */
/* mg_view_escapes_get_memo but for a known name's constant found through
 * the memo. */
__attribute__((noinline)) static const cJSON *escapes_get_slow(mg_view_escapes *e, const cJSON *obj,
                                                               const char *k, size_t n, uint32_t hash,
                                                               uint16_t *memo)
{
    const cJSON *first = obj->child;
    int type = first->type;
    if (DEFERRED_NAME(type, n)) {
        const cJSON *c = deferred_get(e, first, k, n);
        if (c)
            return c;
    }
    if (!memo) {
        if (type & LZ_DESC) {
            int id = lz_name_id(e, k, n, hash);
            const cJSON *c = id >= 0 ? lz_desc_value(e, lz_desc_of(e, first), id) : NULL;
            if (c)
                return c;
        }
    } else {
        /* The name's number for lz_node.cd (lz_chain_id, the same tables
         * for every view): from the memo (its number + 2, 1: none of them,
         * 0: not known yet), else by the name's hash. Set whatever the
         * object: mg_view_escapes_get_memo answers the next lookups of a
         * name known by its memo without this call. */
        if (!*memo)
            *memo = (uint16_t)(lz_chain_id(e, k, n, hash) + 2);
    }
    if (memo && (type & (LZ_DESC | LAZY_CONSTS))) {
        int id = (int)*memo - 2;
        if (id >= 0) {
            if (id < LZ_CHAIN_ID2 && (type & LZ_DESC)) {
                const lz_desc *d = lz_desc_of(e, first);
                if (d->present >> id & 1)
                    return e->lz_vals[(d->truth >> id & 1) | (d->nul >> id & 1) << 1];
                /* it may still be on a chain */
            }
            if (!(type & LAZY_CONSTS))
                return escapes_get_esc(e, obj, k, n, hash);
            /* The chain's sets hold every pair of the name: the chain has
             * it there or not at all. */
            const lz_desc *d = &e->lz_nodes[lz_chain(e, first)].cd[id / LZ_CHAIN_ID2];
            int b = id % LZ_CHAIN_ID2;
            if (d->present >> b & 1)
                return e->lz_vals[(d->truth >> b & 1) | (d->nul >> b & 1) << 1];
            return escapes_get_esc(e, obj, k, n, hash);
        }
    }
    if (!(type & (LAZY_CONSTS | ESCAPED_LIST)))
        return NULL;
    /* Without a chain, escapes_get_rest would only call escapes_get_esc:
     * called here, one call less (most objects asked here have none:
     * 11 300 of 14 300 in a generate of worker-backend). */
    if (!(type & LAZY_CONSTS))
        return escapes_get_esc(e, obj, k, n, hash);
    return escapes_get_rest(e, obj, k, n, hash);
}

const cJSON *mg_view_escapes_get_memo(mg_view_escapes *e, const cJSON *obj, const char *k, size_t n,
                                      uint32_t hash, uint16_t *memo)
{
    if (!e || !obj || (obj->type & 0xFF) != cJSON_Object || !obj->child)
        return NULL;
    /* Most calls: a tag's known name (its number in the memo) that the
     * object left out, answered here without a call or saved register. */
    const cJSON *first = obj->child;
    int type = first->type;
    if (memo && *memo >= 2) {
        /* Unsigned: the number's halves are a shift and a mask. */
        unsigned id = (unsigned)*memo - 2;
        if ((type & LZ_DESC) && id < LZ_CHAIN_ID2) {
            /* (lz_desc_of reads an object's pending sets too: the view
             * stage's own renders ask while the view is built, lzs_miss.) */
            const lz_desc *d = lz_desc_of(e, first);
            if (d->present >> id & 1)
                return e->lz_vals[(d->truth >> id & 1) | (d->nul >> id & 1) << 1];
        }
        /* Then a chain kept in the first member's valueint (lz_chain), as
         * escapes_get_slow reads it: the plan's flags, 1.3 M lookups at
         * 1 000 messages. */
        if (type & LAZY_CONSTS) {
            if ((type & 0xFF) == cJSON_Number)
                return escapes_get_slow(e, obj, k, n, hash, memo); /* its chain in lz_objs */
            const lz_desc *d = &e->lz_nodes[(uint32_t)first->valueint].cd[id / LZ_CHAIN_ID2];
            unsigned b = id % LZ_CHAIN_ID2;
            if (d->present >> b & 1)
                return e->lz_vals[(d->truth >> b & 1) | (d->nul >> b & 1) << 1];
        }
        /* Not left out (the chain's sets hold every pair of the name): an
         * escaped member or nothing, as escapes_get_slow finds, without its
         * call (129 000 lookups at 1 000 messages). */
        return escapes_get_esc(e, obj, k, n, hash);
    }
    /* A name of neither list (memo 1) is on no set: without a chain, an
     * escaped member or nothing (214 000 lookups at 1 000 messages, most
     * of them escaped members); with one, on the chain or so. Deferred
     * members' names are of neither list either (memo 1, or 0 the first
     * time): escapes_get_slow finds them, asked only for a name of their
     * length (most escaped members of a message or a field, 9 000 in a
     * generate of worker-backend, are not, and went there too). */
    if (memo && *memo == 1 && !DEFERRED_NAME(type, n))
        return type & LAZY_CONSTS ? escapes_get_rest(e, obj, k, n, hash) : escapes_get_esc(e, obj, k, n, hash);
    return escapes_get_slow(e, obj, k, n, hash, memo);
}

const cJSON *mg_view_escapes_get(mg_view_escapes *e, const cJSON *obj, const char *k, size_t n,
                                 uint32_t hash)
{
    return mg_view_escapes_get_memo(e, obj, k, n, hash, NULL);
}

void mg_view_escapes_bits(const mg_view_escapes *e, mg_tpl_cjson_bits *b)
{
    /* The sets as mg_view_escapes_get_memo reads them (lz_desc_of, and a
     * chain's lz_node.cd, which begins the node): its memo's numbers are
     * lz_names's bits, then lz2_names's from LZ_CHAIN_ID2. None while an
     * object's sets are pending (during the build). */
    _Static_assert(offsetof(lz_node, cd) == 0 && LZ_CHAIN_ID2 == 64, "mg_tpl_cjson_bits's node layout");
    *b = (mg_tpl_cjson_bits){0};
    if (e->lz_dpend_first)
        return;
    *b = (mg_tpl_cjson_bits){.num_flag = LZ_DESC, .sets = e->lz_descs, .count = e->lz_ndescs,
                             .node_flag = LAZY_CONSTS, .nodes = e->lz_nodes, .node_count = e->lz_n,
                             .node_size = sizeof *e->lz_nodes};
    memcpy(b->vals, e->lz_vals, sizeof b->vals);
}

/* mg_view_escapes_get's escaped member k[0..n) of `obj`, made once (its own
 * function: the constants' answers, most of them, need not save the
 * registers this one uses). */
static const cJSON *escapes_get_member(mg_view_escapes *e, const cJSON *obj, const char *k, size_t n,
                                       uint32_t hash)
{
    const esc_out *out = NULL;
    if (e->out_tab_ok) {
        for (uint32_t s = hash & (ESC_OUT_SLOTS - 1); e->out_tab[s]; s = (s + 1) & (ESC_OUT_SLOTS - 1)) {
            const esc_out *o = mg_hmap_at(&e->outs, e->out_tab[s] - 1);
            if (o->len == n && lz_same(o->name, k, n)) {
                out = o;
                break;
            }
        }
    } else {
        out_key q = {k, n};
        out = mg_hmap_find(&e->outs, hash, out_eq, &q);
    }
    if (!out)
        return NULL;
    const cJSON *list = obj->child;
    esc_memo_tab *tab = memo_tab(e, mg_hmap_index(&e->outs, out));
    esc_memo *m = memo_slot(e, tab, list);
    if (m->list)
        return m->val;
    const cJSON *val = escaped_member(e, list, out);
    if (4 * (tab->n + 1) > 3 * tab->cap) {
        memo_grow(e, tab);
        m = memo_slot(e, tab, list);
    }
    m->list = list;
    m->val = val;
    tab->n++;
    return val;
}

/* Extensions are raw JSON, but a {"$ref": ...} inside them that leads to a
 * named type gains `ref` (the type's {name, id, kind, ...}), so templates can
 * name and link the types an extension mentions. */
static cJSON *ref_obj(vctx *v, const mg_type *t);

static void link_extension_refs(vctx *v, const mg_doc *doc, cJSON *node)
{
    cJSON *c;
    if (!doc || (!cJSON_IsArray(node) && !cJSON_IsObject(node)))
        return;
    cJSON_ArrayForEach(c, node)
        link_extension_refs(v, doc, c);
    if (!cJSON_IsString(mg_json_get(node, "$ref")) ||
        mg_json_get(node, "ref"))
        return;
    /* The resolver checked every reference already (mg_resolve_all); one that
     * fails here is left as written, without a second report. */
    mg_diag quiet;
    mg_diag_init_sink(&quiet, NULL, NULL);
    quiet.max_errors = 0;
    mg_ref_target rt;
    if (mg_resolve_ref(v->m->set, doc, node, &rt, &quiet) != 1)
        return;
    const mg_type *t = mg_model_type_of_node(v->m, rt.node);
    if (t)
        add_cs(node, "ref", ref_obj(v, t));
}

/* In the catalogue's extensions, each linked {"$ref", "ref"} also gets `type`:
 * a copy of the named type's view (fields, values, ...), so that templates can
 * describe, not only name, the types the extension mentions (x-http-api's
 * responses). Types' and messages' extensions keep just `ref`: a copy there
 * could nest a type inside itself. */
static void add_extension_types(cJSON *node, const cJSON *types)
{
    cJSON *c;
    if (!cJSON_IsArray(node) && !cJSON_IsObject(node))
        return;
    cJSON_ArrayForEach(c, node)
        add_extension_types(c, types);
    const char *id = cJSON_GetStringValue(mg_json_get(mg_json_get(node, "ref"), "id"));
    if (!id || !cJSON_IsString(mg_json_get(node, "$ref")) ||
        mg_json_get(node, "type"))
        return;
    cJSON_ArrayForEach(c, types)
        if (cJSON_IsString(mg_json_get(c, "id")) &&
            strcmp(mg_json_get(c, "id")->valuestring, id) == 0) {
            add_cs(node, "type", cJSON_CreateObjectReference(c->child));
            return;
        }
}

static cJSON *extensions_view(vctx *v, const mg_doc *doc, const cJSON *ext)
{
    cJSON *o = cJSON_Duplicate(ext, 1);
    v->name_tmp++; /* (view_name) */
    link_extension_refs(v, doc, o);
    v->name_tmp--;
    return o;
}

/* Adds each of `keys` (a NULL-terminated "name" or "name{" list; "{" opens
 * the members of that object, "}" closes them) that `o` lacks, as null.
 * Returns the position after the list or the closing "}". */
static const char *const *fill_members(cJSON *o, const char *const *keys)
{
    while (*keys && strcmp(*keys, "}") != 0) {
        size_t n = strlen(*keys);
        int nested = (*keys)[n - 1] == '{';
        char name[32];
        snprintf(name, sizeof name, "%.*s", (int)(nested ? n - 1 : n), *keys);
        cJSON *m = cJSON_IsObject(o) ? mg_json_get(o, name) : NULL;
        if (cJSON_IsObject(o) && !m)
            cJSON_AddItemToObject(o, name, cJSON_CreateNull()); /* copies the key */
        keys++;
        if (nested) {
            keys = fill_members(m, keys);
            if (*keys)
                keys++;
        }
    }
    return keys;
}

/* The root extensions that docs/catalogue.md documents, with every member the
 * shipped templates read: null where the catalogue leaves one out, so that
 * strict rendering finds the key and the template's default applies. */
static void extension_defaults(cJSON *ext)
{
    static const char *const keys[] = {
        "x-http-api{", "description", "defaultBaseUrl", "defaultTimeoutSeconds",
        "auth{", "type", "header", "scheme", "optional", "description", "}",
        "env{", "baseUrl", "apiKey", "timeout", "}",
        "send{", "method", "path", "description", "headers{", "Content-Type", "}", "response", "}",
        "status{", "method", "path", "description", "response", "}",
        "errors{", "description", "}", "}",
        "x-clients{", "class",
        "c{", "prefix", "macro_prefix", "}",
        "python{", "package", "module", "}",
        "typescript{", "package", "}", "}",
        NULL,
    };
    fill_members(ext, keys);
}

/* Adds to the reserved words the names the templates derive from the
 * catalogue (target.yaml `reserved_catalogue`, each rendered with the view
 * built so far: `catalogue`), so that a type named like the generated client
 * class or its error base is renamed by reserved_escape as a keyword would be,
 * the same way in every target, instead of shadowing the client. */
static void add_catalogue_reserved(vctx *v, const cJSON *view)
{
    const cJSON *list = v->t ? mg_json_get(v->t->desc, "reserved_catalogue") : NULL;
    const cJSON *e;
    cJSON_ArrayForEach(e, list) {
        if (!cJSON_IsString(e))
            continue;
        mg_buf out;
        mg_buf_init(&out);
        if (render(v, "reserved_catalogue", e->valuestring, e, view, &out) == 0 && out.len)
            add_reserved(v, mg_buf_cstr(&out));
        mg_buf_fini(&out);
    }
}

/* ---- types ------------------------------------------------------------ */

static const cJSON *type_map_entry(vctx *v, const char *key)
{
    const cJSON *e = mg_json_get(v->types, key);
    if (e && !cJSON_IsString(e)) {
        terr(v, e, "types.%s must be a mustache string", key);
        v->failed = 1;
        return NULL;
    }
    return e;
}

/* Prints the type of `info` (which already holds kind, format, ref, items)
 * with the target's type map; sets info.type. Without a target the notation
 * is neutral: string, Foo, array<T>, map<T>, T | null. */
/* ---- type-map renders over a lazy view's type infos ----
 *
 * A type info of a lazy view has its constants on chains (add_const), so
 * its type-map renders read through the cJSON source with the chains as its
 * misses. That finds what the full info has, but a render that lists an
 * object's members or prints a container, or that reports anything (the
 * nearest keys "did you mean" lists), could differ: info_render then
 * renders again over the info made with all its members. */
typedef struct lz_src {
    mg_tpl_source src;
    mg_tpl_cjson cj;
    int tree; /* an object's members listed, or a container printed */
} lz_src;

static mg_tv_kind lzs_kind(void *self, const void *val)
{
    lz_src *s = self;
    return s->cj.src.kind(s->cj.src.self, val);
}

static const void *lzs_get(void *self, const void *val, const char *k, size_t n, uint32_t hash, size_t *cache)
{
    lz_src *s = self;
    return s->cj.src.get(s->cj.src.self, val, k, n, hash, cache);
}

static const void *lzs_first(void *self, const void *val)
{
    lz_src *s = self;
    if ((((const cJSON *)val)->type & 0xFF) == cJSON_Object)
        s->tree = 1;
    return s->cj.src.first(s->cj.src.self, val);
}

static const void *lzs_next(void *self, const void *item)
{
    lz_src *s = self;
    return s->cj.src.next(s->cj.src.self, item);
}

static const char *lzs_key(void *self, const void *item)
{
    lz_src *s = self;
    return s->cj.src.key(s->cj.src.self, item);
}

static const char *lzs_text(void *self, const void *val, size_t *n, mg_buf *scratch)
{
    lz_src *s = self;
    if (((const cJSON *)val)->type & (cJSON_Object | cJSON_Array))
        s->tree = 1;
    return s->cj.src.text(s->cj.src.self, val, n, scratch);
}

static double lzs_number(void *self, const void *val)
{
    lz_src *s = self;
    return s->cj.src.number(s->cj.src.self, val);
}

static const cJSON *lzs_miss(void *user, const cJSON *obj, const char *k, size_t n, uint32_t hash,
                            uint16_t *memo)
{
    return mg_view_escapes_get_memo(user, obj, k, n, hash, memo);
}

static void count_diag(void *user, const char *line)
{
    (void)line;
    (*(int *)user)++;
}

static cJSON *type_info_members(vctx *v, const mg_typeref *r, const mg_type *owner);

/* The type info of `r` (in `owner`) with every member, as the full view
 * has it, and the `type` that `info` has so far. Made again without
 * diagnostics: making `info` reported them. */
static cJSON *full_info(vctx *v, const cJSON *info, const mg_typeref *r, const mg_type *owner)
{
    int direct = v->lz_direct, failed = v->failed, lines = 0;
    mg_diag *d = v->d;
    mg_diag quiet;
    mg_diag_init_sink(&quiet, count_diag, &lines);
    v->lz_direct = 0;
    v->d = &quiet;
    v->name_tmp++; /* `full` is deleted after its render */
    cJSON *full = type_info_members(v, r, owner);
    v->name_tmp--;
    v->lz_direct = direct;
    v->d = d;
    v->failed = failed;
    const cJSON *ty = mg_json_get(info, "type");
    if (cJSON_IsString(ty))
        add_cs(full, "type", cJSON_CreateString(ty->valuestring));
    return full;
}

/* Splits `tpl` into e's segments when it is text and plain variables only:
 * no line break (no standalone tags), every tag a name of letters, digits
 * and '_' in at most FAST_PARTS dotted parts (spaces around it allowed),
 * and no "}}" in the text. Such a template always parses. */
static void fast_split(fast_ent *e, const char *tpl)
{
    e->ok = 0;
    if (strpbrk(tpl, "\r\n"))
        return;
    size_t cap = 4;
    e->seg = mg_xcalloc(cap, sizeof *e->seg);
    e->nseg = 0;
    const char *p = tpl;
    while (*p) {
        const char *o = strstr(p, "{{");
        size_t tn = o ? (size_t)(o - p) : strlen(p);
        for (int var = 0; var < 2; var++) {
            const char *a = p;
            size_t n = tn;
            if (var) {
                if (!o)
                    break;
                const char *c = strstr(o + 2, "}}");
                if (!c)
                    return;
                a = o + 2;
                const char *b = c;
                while (a < b && *a == ' ')
                    a++;
                while (b > a && b[-1] == ' ')
                    b--;
                n = (size_t)(b - a);
                int parts = 1;
                if (n == 0 || a[0] == '.' || a[n - 1] == '.')
                    return;
                for (size_t i = 0; i < n; i++) {
                    char ch = a[i];
                    if (ch == '.') {
                        if (a[i + 1] == '.' || ++parts > FAST_PARTS)
                            return;
                    } else if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                                 (ch >= '0' && ch <= '9') || ch == '_'))
                        return;
                }
                p = c + 2;
            } else {
                for (size_t i = 0; i + 1 < n; i++)
                    if (a[i] == '}' && a[i + 1] == '}')
                        return;
                if (!n)
                    continue;
            }
            if ((size_t)e->nseg == cap) {
                cap *= 2;
                e->seg = mg_xrealloc(e->seg, cap * sizeof *e->seg);
            }
            e->seg[e->nseg++] = (fast_seg){a, n, var};
        }
        if (!o)
            break;
    }
    e->ok = 1;
}

/* The member k[0..n) of object `o` (the last first: `type` is added last),
 * or NULL. */
static const cJSON *fast_member(const cJSON *o, const char *k, size_t n)
{
    if (!o || (o->type & 0xFF) != cJSON_Object || !o->child)
        return NULL;
    const cJSON *c = o->child->prev;
    if (c && c->string && strncmp(c->string, k, n) == 0 && c->string[n] == '\0')
        return c;
    for (c = o->child; c; c = c->next)
        if (c->string && c->string[0] == k[0] && strncmp(c->string, k, n) == 0 && c->string[n] == '\0')
            return c;
    return NULL;
}

/* Renders a split template over `info` into `out`, as the engine would:
 * each name looked up from `info`, part by part. Returns -1 (nothing
 * appended) when a name is not a string member of `info` there (missing,
 * left out by a lazy view, or not a string): the engine renders those. */
static int fast_render(const fast_ent *e, const cJSON *info, mg_buf *out)
{
    const cJSON *val[16];
    if (e->nseg > 16)
        return -1;
    for (int i = 0; i < e->nseg; i++) {
        const fast_seg *g = &e->seg[i];
        if (!g->var)
            continue;
        const cJSON *c = info;
        const char *k = g->p, *end = g->p + g->n;
        while (c && k < end) {
            const char *dot = memchr(k, '.', (size_t)(end - k));
            size_t n = dot ? (size_t)(dot - k) : (size_t)(end - k);
            c = fast_member(c, k, n);
            k += n + 1;
        }
        if (!c || (c->type & 0xFF) != cJSON_String || !c->valuestring)
            return -1;
        val[i] = c;
    }
    for (int i = 0; i < e->nseg; i++) {
        if (e->seg[i].var)
            mg_buf_append_str(out, val[i]->valuestring);
        else
            mg_buf_append(out, e->seg[i].p, e->seg[i].n);
    }
    return 0;
}

/* render() of type-map entry `tpl` over `info`, the type info of `r` in
 * `owner` (see above): split templates by fast_render, the rest through
 * the engine. */
static void info_render(vctx *v, const char *used, const char *tpl, const cJSON *node, const cJSON *info,
                        const mg_typeref *r, const mg_type *owner, mg_buf *out)
{
    int added;
    fast_ent *fe = mg_hmap_put_ptr(&v->fast, tpl, &added);
    if (added)
        fast_split(fe, tpl);
    if (fe->ok && fast_render(fe, info, out) == 0)
        return;
    /* "types.USED" (`used` is a type-map key: a short literal); built by
     * hand, since a snprintf per printed type was 4 M instructions. */
    char what[64];
    size_t ul = strlen(used);
    if (ul > sizeof what - 7)
        ul = sizeof what - 7;
    memcpy(what, "types.", 6);
    memcpy(what + 6, used, ul);
    what[6 + ul] = '\0';
    /* A text without tags reads nothing (most entries: "int64_t", "str"). */
    if (!v->lz_direct || !strstr(tpl, "{{")) {
        render(v, what, tpl, node, info, out);
        return;
    }
    tpl_ent *e = mg_hmap_get_ptr(&v->tpls, tpl);
    if (!e) {
        /* As render() would parse it; a template with errors is left to
         * render(), which reports them. */
        mg_diag quiet;
        mg_diag_init_sink(&quiet, NULL, NULL);
        mg_tpl *t = mg_tpl_parse(what, tpl, strlen(tpl), &quiet);
        if (t) {
            e = mg_hmap_put_ptr(&v->tpls, tpl, NULL);
            e->tpl = t;
        }
    }
    if (e && e->tpl) {
        size_t at = out->len;
        int lines = 0;
        mg_diag quiet;
        mg_diag_init_sink(&quiet, count_diag, &lines);
        lz_src s;
        mg_tpl_cjson_source_init(&s.cj);
        mg_tpl_cjson_source_miss(&s.cj, lzs_miss, v->lazy);
        s.src = (mg_tpl_source){&s, lzs_kind, lzs_get, lzs_first, lzs_next, lzs_key, lzs_text, lzs_number, &s.cj};
        s.tree = 0;
        int rc = mg_tpl_render_data(e->tpl, &s.src, info, NULL, MG_ESCAPE_NONE, 1, out, &quiet);
        mg_tpl_cjson_source_fini(&s.cj);
        if (rc == 0 && !s.tree && !lines && !quiet.errors)
            return;
        out->len = at;
    }
    cJSON *full = full_info(v, info, r, owner);
    render(v, what, tpl, node, full, out);
    cJSON_Delete(full);
}

static void print_type_in(vctx *v, cJSON *info, const mg_typeref *r, const mg_type *owner, mg_buf *outp)
{
    const char *kind = mg_kind_name(r->kind);
    if (!v->types) {
        const cJSON *items = mg_json_get(info, "items");
        const char *it = cJSON_GetStringValue(mg_json_get(items, "type"));
        if (r->kind == MG_KIND_REF)
            mg_buf_append_str(outp, r->ref->name.s[MG_CASE_PASCAL]);
        else if (r->kind == MG_KIND_ARRAY && r->tuple) {
            const cJSON *e;
            mg_buf_append_str(outp, "[");
            cJSON_ArrayForEach(e, mg_json_get(info, "tuple")) {
                const char *et = cJSON_GetStringValue(mg_json_get(e, "type"));
                mg_buf_appendf(outp, "%s%s", et ? et : "any",
                               cJSON_IsTrue(mg_json_get(e, "optional")) ? "?" : "");
                if (e->next || r->tuple_rest)
                    mg_buf_append_str(outp, ", ");
            }
            if (r->tuple_rest)
                mg_buf_appendf(outp, "...%s", it ? it : "any");
            mg_buf_append_str(outp, "]");
        } else if (r->kind == MG_KIND_ARRAY)
            mg_buf_appendf(outp, "array<%s>", it ? it : "any");
        else if (r->kind == MG_KIND_MAP)
            mg_buf_appendf(outp, "map<%s>", it ? it : "any");
        else
            mg_buf_append_str(outp, kind);
        if (r->nullable)
            mg_buf_append_str(outp, " | null");
        add_cs(info, "type", cJSON_CreateString(mg_buf_cstr(outp)));
        return;
    }
    const cJSON *e = NULL;
    const char *used = kind;
    if (r->kind == MG_KIND_STRING && r->format && v->formats) {
        e = mg_json_get(v->formats, r->format);
        if (e && !cJSON_IsString(e)) {
            terr(v, e, "types.formats.%s must be a mustache string", r->format);
            v->failed = 1;
            e = NULL;
        }
        used = "formats";
    }
    /* The entry of a kind (of a named type's kind, for a reference) without
     * a format is the same every time: found once per target. Entries that
     * reported an error are looked up (and reported) again, as before. */
    int slot = e || (r->kind == MG_KIND_STRING && r->format && v->formats)
                   ? -1
                   : r->kind == MG_KIND_REF ? MG_KIND_MAP + 1 + (int)r->ref->kind : (int)r->kind;
    if (slot >= 0 && slot < TYPE_SLOTS && v->type_entry[slot]) {
        e = v->type_entry[slot];
        used = v->type_used[slot];
        goto found;
    }
    int errors = v->d->errors;
    if (!e && r->kind == MG_KIND_REF) {
        used = mg_type_kind_name(r->ref->kind);
        e = type_map_entry(v, used);
        if (!e)
            used = "ref";
    }
    if (!e && r->kind == MG_KIND_NULL) {
        e = type_map_entry(v, "null");
        if (!e)
            used = "any";
    }
    if (!e) {
        if (strcmp(used, "formats") == 0)
            used = kind;
        e = type_map_entry(v, used);
    }
    if (!e) {
        if (!v->failed)
            terr(v, v->types, "the type map of target '%s' has no entry for '%s'",
                 v->tname, used);
        v->failed = 1;
        add_cs(info, "type", cJSON_CreateString(""));
        return;
    }
    if (slot >= 0 && slot < TYPE_SLOTS && v->d->errors == errors) {
        v->type_entry[slot] = e;
        v->type_used[slot] = used;
    }
found:
    info_render(v, used, e->valuestring, e, info, r, owner, outp);
    if (r->nullable) {
        const cJSON *nl = type_map_entry(v, "nullable");
        if (nl) {
            add_cs(info, "type", cJSON_CreateString(mg_buf_cstr(outp)));
            mg_buf_reset(outp);
            info_render(v, "nullable", nl->valuestring, nl, info, r, owner, outp);
            cJSON_DeleteItemFromObjectCaseSensitive(info, "type");
        }
    }
    add_cs(info, "type", string_n(outp->data ? outp->data : "", outp->len));
}

/* Adds `type` to `info`: r printed through the target's type map. Prints
 * into the vctx's buffer (a malloc and a free per type otherwise), or a
 * buffer of its own when called inside a print (full_info). */
static void print_type(vctx *v, cJSON *info, const mg_typeref *r, const mg_type *owner)
{
    if (v->type_buf_busy) {
        mg_buf own;
        mg_buf_init(&own);
        print_type_in(v, info, r, owner, &own);
        mg_buf_fini(&own);
        return;
    }
    v->type_buf_busy = 1;
    mg_buf_reset(&v->type_buf);
    print_type_in(v, info, r, owner, &v->type_buf);
    v->type_buf_busy = 0;
}

static cJSON *ref_obj(vctx *v, const mg_type *t)
{
    cJSON *o = cJSON_CreateObject();
    add_cs(o, "name", model_name(v, &t->name));
    add_cs(o, "id", ident_item(v, &t->name, NK_TYPE));
    add_cs(o, "kind", cJSON_CreateStringReference(mg_type_kind_name(t->kind))); /* a literal */
    /* recursive in the flags' batch (add_const's lookup per reference
     * and target cost more than the batch). */
    add_type_flags_rec(v, o, t, t->recursive != 0);
    return o;
}

static void add_json_form(vctx *v, cJSON *o, const char *key, const cJSON *j, int pretty, const char *null_text);

/* Whether `b` takes add_constraints's constants (has_constraints, an
 * empty constraint_list): a lazy view's batch where neither is a member
 * (a member would come before `constraints` instead of after). */
static int constraints_batched(const vctx *v, const lz_batch *b)
{
    return b->on && (v->lz_ok >> LZ_has_constraints & v->lz_ok >> LZ_constraint_list & 1);
}

/* add_constraints's constants, into `b` (constraints_batched): with the
 * rest of an object's batch, one put, and a type info's memo holds them
 * (an add_const apiece per type info and target was 0.7 M instructions of
 * a generate). */
static void constraints_batch(vctx *v, lz_batch *b, cJSON *o, const cJSON *c)
{
    int has = c && c->child;
    LZB_KEPT_BOOL(v, b, o, LZ_has_constraints, has);
    if (!has && (v->lz_kept >> LZ_constraint_list & 1))
        lzb_add(v, b, o, LZ_constraint_list, cJSON_Array);
}

/* has_constraints, constraints and constraint_list of `o`; with
 * `batched`, constraints_batch gave the constants. */
static void add_constraints(vctx *v, cJSON *o, const cJSON *c, int batched)
{
    if (!batched)
        ADD_KEPT_BOOL(v, o, "has_constraints", c && c->child);
    ADD_KEPT(v, o, "constraints", c ? model_raw(v, c) : cJSON_CreateObject());
    if (!kept_name(v, "constraint_list"))
        return;
    if (!c || !c->child) {
        if (!batched)
            add_const(v, o, "constraint_list", cJSON_Array);
        return;
    }
    cJSON *list = cJSON_CreateArray();
    const cJSON *it;
    cJSON_ArrayForEach(it, c) {
        cJSON *e = cJSON_CreateObject();
        add_cs(e, "key", model_str(v, it->string));
        add_json_form(v, e, "json", it, 0, "");
        cJSON_AddItemToArray(list, e);
    }
    number_list_v(v, list);
    add_cs(o, "constraint_list", list);
}

/* The type information shared by fields, items, map values, alias targets
 * and union options. `owner` is the type whose member this is (for the
 * recursion flag), or NULL. */
static cJSON *type_info(vctx *v, const mg_typeref *r, const mg_type *owner);

/* A type info's batch of constants (type_info_members) is a function of a
 * few facts of its reference (ti_facts) and of the view (lz_direct,
 * lz_ok, lz_kept, keep, info_flag: the same for a whole build): made once
 * per view for each set of facts, instead of thirty tests and bit sets per
 * type info (142 000 type infos at 1 000 messages, a few dozen sets of
 * facts). Only batches with no constant left to add_const are kept: those
 * make members or chains, which a copy of the bits would not. */
#define TI_MEMO 256
typedef struct ti_memo {
    uint32_t facts; /* 0: an empty slot (the facts always have TI_USED) */
    lz_desc d;
    size_t n;
} ti_memo;

enum {
    TI_USED = 1u << 0,
    TI_NULLABLE = 1u << 1,
    TI_FORMAT = 1u << 2,
    TI_ITEMS = 1u << 3,
    TI_REC = 1u << 4,
    TI_LITERAL = 1u << 5,
    TI_TUPLE = 1u << 6,
    TI_NTUPLE = 1u << 7,
    TI_TUPLE_REST = 1u << 8,
    TI_TUPLE_EXACT = 1u << 9,
    TI_KEY_PATTERN = 1u << 10,
    TI_ENUM = 1u << 11,
    TI_KIND_SHIFT = 12, /* r->kind: 4 bits */
    TI_REF_SHIFT = 16, /* the referred type's kind + 1, or 0: 3 bits */
    TI_CONSTRAINTS = 1u << 19
};

/* Every fact of `r` that a test of type_info_members's batch reads: two
 * references with the same facts get the same constants. */
static uint32_t ti_facts(const mg_typeref *r, int rec, int literal, int tuple_exact, int has_enum)
{
    uint32_t f = TI_USED | (uint32_t)r->kind << TI_KIND_SHIFT;
    if (r->kind == MG_KIND_REF)
        f |= ((uint32_t)r->ref->kind + 1) << TI_REF_SHIFT;
    f |= r->nullable ? TI_NULLABLE : 0;
    f |= r->format ? TI_FORMAT : 0;
    f |= r->items ? TI_ITEMS : 0;
    f |= rec ? TI_REC : 0;
    f |= literal ? TI_LITERAL : 0;
    f |= r->tuple ? TI_TUPLE : 0;
    f |= r->ntuple > 0 ? TI_NTUPLE : 0;
    f |= r->tuple && r->tuple_rest ? TI_TUPLE_REST : 0;
    f |= tuple_exact ? TI_TUPLE_EXACT : 0;
    f |= r->key_pattern ? TI_KEY_PATTERN : 0;
    f |= has_enum ? TI_ENUM : 0;
    f |= r->constraints && r->constraints->child ? TI_CONSTRAINTS : 0;
    return f;
}

/* type_info but its printed `type`. */
static cJSON *type_info_members(vctx *v, const mg_typeref *r, const mg_type *owner)
{
    cJSON *o = cJSON_CreateObject();
    add_cs(o, "kind", cJSON_CreateStringReference(mg_kind_name(r->kind))); /* a literal */
    /* What the constants depend on, first: with them, the batch may be
     * known already (ti_memo). */
    int is_ref = r->kind == MG_KIND_REF;
    /* A member that leads back to its owner needs indirection in languages
     * with value types (a pointer in C). */
    int rec = owner && owner->recursive && mg_typeref_reaches(v->m, r, owner);
    /* A string const is a literal type (TS "heartbeat", Python
     * Literal["heartbeat"]): templates print `literal` with {{literal}}, in
     * the quotes of their language. */
    const cJSON *cv = mg_json_get(r->constraints, "const");
    int literal = cJSON_IsString(cv);
    const cJSON *mi = mg_json_get(r->constraints, "minItems");
    int min_items = cJSON_IsNumber(mi) ? (int)mi->valuedouble : 0;
    int tuple_exact = r->tuple && !r->tuple_rest && min_items >= r->ntuple;
    const cJSON *en = mg_json_get(r->constraints, "enum");
    ti_memo *memo = NULL;
    uint32_t facts = 0;
    if (v->lz_direct) {
        if (!v->ti_memo)
            v->ti_memo = mg_xcalloc(TI_MEMO, sizeof *v->ti_memo);
        facts = ti_facts(r, rec, literal, tuple_exact, en != NULL);
        memo = &v->ti_memo[mg_hash_words(0, &facts, sizeof facts) & (TI_MEMO - 1)];
    }
    /* fill: the batch is made here (else it is the memo's). */
    int fill = !memo || memo->facts != facts;
    /* Its constants in a batch: thirty a type info, a third of a view's. */
    lz_batch b;
    lzb_init(v, &b);
    static const mg_kind kinds[] = {MG_KIND_ANY, MG_KIND_NULL, MG_KIND_STRING, MG_KIND_INTEGER, MG_KIND_NUMBER,
                                    MG_KIND_BOOLEAN, MG_KIND_REF, MG_KIND_ARRAY, MG_KIND_MAP};
    static const int is_kind[] = {LZ_is_any,     LZ_is_null, LZ_is_string, LZ_is_integer, LZ_is_number,
                                  LZ_is_boolean, LZ_is_ref,  LZ_is_array,  LZ_is_map};
    /* The flags of the type it refers to: the view stage reads those of `ref`
     * and of type items, never these, so only the templates' names count. */
    const mg_type *rt = is_ref ? r->ref : NULL;
    static const int flag_keys[] = {LZ_is_object, LZ_is_enum, LZ_is_union, LZ_is_alias};
    static const mg_type_kind flag_kinds[] = {MG_TYPE_OBJECT, MG_TYPE_ENUM, MG_TYPE_UNION, MG_TYPE_ALIAS};
    if (fill) {
        for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
            LZB_KEPT_BOOL(v, &b, o, is_kind[i], r->kind == kinds[i]);
        LZB_KEPT_BOOL(v, &b, o, LZ_is_primitive, r->kind == MG_KIND_STRING || r->kind == MG_KIND_INTEGER ||
                                                     r->kind == MG_KIND_NUMBER || r->kind == MG_KIND_BOOLEAN);
        for (int i = 0; i < 4; i++)
            if (!v->keep || v->info_flag[i])
                lzb_add(v, &b, o, flag_keys[i], rt && rt->kind == flag_kinds[i] ? cJSON_True : cJSON_False);
        LZB_KEPT_BOOL(v, &b, o, LZ_nullable, r->nullable);
    }
    if (r->format)
        add_cs(o, "format", model_str(v, r->format));
    else if (fill)
        lzb_add(v, &b, o, LZ_format, cJSON_NULL);
    if (fill)
        LZB_KEPT_BOOL(v, &b, o, LZ_has_format, r->format != NULL);
    /* ref, items and values are null when they do not apply: a lookup of
     * items.is_ref must stop here, not find an enclosing type's items. */
    if (is_ref)
        add_cs(o, "ref", ref_obj(v, r->ref));
    else if (fill)
        lzb_add(v, &b, o, LZ_ref, cJSON_NULL);
    if (r->items) {
        cJSON *items = type_info(v, r->items, owner);
        add_cs(o, "items", items);
        if (r->kind == MG_KIND_MAP)
            cJSON_AddItemReferenceToObject(o, "values", items);
        else if (fill)
            lzb_add(v, &b, o, LZ_values, cJSON_NULL);
    } else if (fill) {
        lzb_add(v, &b, o, LZ_items, cJSON_NULL);
        lzb_add(v, &b, o, LZ_values, cJSON_NULL);
    }
    if (fill) {
        LZB_KEPT_BOOL(v, &b, o, LZ_recursive, rec);
        LZB_KEPT_BOOL(v, &b, o, LZ_is_literal, literal);
    }
    if (literal)
        add_cs(o, "literal", model_str(v, cv->valuestring));
    else if (fill)
        lzb_add(v, &b, o, LZ_literal, cJSON_NULL);
    /* Tuples: the positions (optional from minItems on), the rest in items. */
    if (fill)
        LZB_KEPT_BOOL(v, &b, o, LZ_is_tuple, r->tuple != NULL);
    if (r->ntuple > 0) {
        cJSON *tuple = cJSON_CreateArray();
        for (int i = 0; i < r->ntuple; i++) {
            cJSON *e = type_info(v, r->tuple[i], owner);
            add_bool(e, "optional", i >= min_items);
            cJSON_AddItemToArray(tuple, e);
        }
        number_list_v(v, tuple);
        add_cs(o, "tuple", tuple);
    } else if (fill) {
        lzb_add(v, &b, o, LZ_tuple, cJSON_Array);
    }
    if (fill) {
        LZB_KEPT_BOOL(v, &b, o, LZ_tuple_rest, r->tuple && r->tuple_rest);
        LZB_KEPT_BOOL(v, &b, o, LZ_tuple_exact, tuple_exact);
        LZB_KEPT_BOOL(v, &b, o, LZ_has_key_pattern, r->key_pattern != NULL);
    }
    if (r->key_pattern)
        ADD_KEPT(v, o, "key_pattern", model_str(v, r->key_pattern));
    else if (fill && kept_name(v, "key_pattern"))
        lzb_add(v, &b, o, LZ_key_pattern, cJSON_NULL);
    if (fill)
        LZB_KEPT_BOOL(v, &b, o, LZ_has_enum, en != NULL);
    if (en)
        add_cs(o, "enum", model_raw(v, en));
    int batched = constraints_batched(v, &b);
    if (fill && batched)
        constraints_batch(v, &b, o, r->constraints);
    if (!fill) {
        b.d = memo->d;
        b.n = memo->n;
    } else if (memo && !b.members) {
        memo->facts = facts;
        memo->d = b.d;
        memo->n = b.n;
    }
    lzb_done(v, &b, o);
    add_constraints(v, o, r->constraints, batched);
    return o;
}

static cJSON *type_info(vctx *v, const mg_typeref *r, const mg_type *owner)
{
    cJSON *o = type_info_members(v, r, owner);
    print_type(v, o, r, owner);
    return o;
}

static char *json_text_new(const cJSON *j, int pretty)
{
    if (pretty)
        return mg_view_print_new(j);
    return json_print_new(j);
}

/* json_text_new, the pretty form without its final newline. */
static char *json_form_new(const cJSON *j, int pretty)
{
    char *s = json_text_new(j, pretty);
    size_t n = s ? strlen(s) : 0;
    if (pretty && n && s[n - 1] == '\n')
        s[n - 1] = '\0';
    return s;
}

/* The cache's printed forms of `j`, a value that outlives the cache (the
 * model's, or the cache's own): printed once for all targets, since the text
 * does not depend on the target. */
static text_ent *model_text(mg_view_cache *cache, const cJSON *j, int pretty)
{
    text_ent *e = mg_hmap_put_ptr(&cache->texts, j, NULL);
    if (!e->text[pretty])
        e->text[pretty] = json_form_new(j, pretty);
    return e;
}

/* Adds json_form_new(j, pretty) under `key` (NULL as `null_text`, or as a
 * null member when that is NULL). With a cache, the member refers to the
 * cache's text (views never change a string in place): the texts of
 * examples were printed, copied and copied again per target. */
static void add_json_form_c(mg_view_cache *cache, cJSON *o, const char *key, const cJSON *j, int pretty,
                            const char *null_text)
{
    if (cache) {
        const char *s = model_text(cache, j, pretty)->text[pretty];
        if (s)
            add_cs(o, key, cJSON_CreateStringReference(s));
        else
            add_cs(o, key, null_text ? cJSON_CreateString(null_text) : cJSON_CreateNull());
        return;
    }
    char *s = json_form_new(j, pretty);
    if (s || null_text)
        add_cs(o, key, cJSON_CreateString(s ? s : null_text));
    else
        add_cs(o, key, cJSON_CreateNull());
    free(s);
}

/* add_json_form_c with v's cache (`v` NULL: none). */
static void add_json_form(vctx *v, cJSON *o, const char *key, const cJSON *j, int pretty, const char *null_text)
{
    add_json_form_c(v ? v->cache : NULL, o, key, j, pretty, null_text);
}

static cJSON *model_raw(const vctx *v, const cJSON *j)
{
    return v->cache ? ref_value(j) : cJSON_Duplicate(j, 1);
}

/* has_KEY, KEY and KEY_json for a raw value of the model (default, const). */
/* (`b`: the batch of o's constants, or NULL: none.) */
#define add_json_value(v, b, o, key, val) \
    add_json_value_((v), (b), (o), LZ_has_##key, LZ_##key, #key, #key "_json", (val))
static void add_json_value_(vctx *v, lz_batch *b, cJSON *o, int has, int key_id, const char *key, const char *json,
                            const cJSON *val)
{
    lz_batch none;
    if (!b) {
        lzb_init(v, &none);
        none.on = 0;
        b = &none;
    }
    LZB_KEPT_BOOL(v, b, o, has, val != NULL);
    if (val) {
        add_cs(o, key, model_raw(v, val));
        if (kept_name(v, json))
            add_json_form(v, o, json, val, 0, "null");
    } else {
        lzb_add(v, b, o, key_id, cJSON_NULL);
    }
}

/* `wire_json` of a field: its wire name as a JSON string. */
static char *wire_json_new(const char *wire)
{
    cJSON *w = cJSON_CreateString(wire);
    char *wj = json_print_new(w);
    cJSON_Delete(w);
    return wj;
}

static void add_wire(vctx *v, cJSON *x, const char *wire)
{
    add_cs(x, "wire", model_str(v, wire));
    if (!v->cache) {
        char *wj = wire_json_new(wire);
        add_cs(x, "wire_json", cJSON_CreateString(wj ? wj : "\"\""));
        free(wj);
        return;
    }
    if (!kept_name(v, "wire_json"))
        return;
    int added;
    wire_ent *e = mg_hmap_put_ptr(&v->cache->wires, wire, &added);
    if (added) {
        e->json = wire_json_new(wire);
        if (!e->json)
            e->json = mg_xstrdup("\"\"");
    }
    add_cs(x, "wire_json", cJSON_CreateStringReference(e->json));
}

/* With `pos` (positions_batched), the field is item `pos - 1` of `n`
 * (its first and last in its batch); 0: number_list_v numbers it. */
static cJSON *field_view(vctx *v, const mg_type *owner, const mg_field *f, int pos, int n)
{
    cJSON *o = type_info(v, f->type, owner);
    /* Member order: naming first, for readers of `msggen view`. */
    cJSON *x = cJSON_CreateObject();
    /* A lazy view leaves the name to its hook (deferred_get), noted below
     * once the object's first member is known. */
    if (!v->lazy)
        add_cs(x, "name", model_name(v, &f->name));
    add_cs(x, "id", ident_item(v, &f->name, NK_FIELD));
    add_wire(v, x, f->wire);
    /* The type info's constants first, while its sets are pending, not
     * interned: the field's own, added after, never share a name with
     * them, so a lookup finds the same. */
    cJSON *first = o->child;
    if (v->lz_direct && first && x->child)
        lz_append(v->lazy, x->child, first);
    lz_batch b;
    lzb_init(v, &b);
    lzb_add(v, &b, x, LZ_required, f->required ? cJSON_True : cJSON_False);
    lzb_add(v, &b, x, LZ_optional, f->required ? cJSON_False : cJSON_True);
    add_description(v, x, f->description);
    add_json_value(v, &b, x, default, f->default_value);
    add_json_value(v, &b, x, const, f->const_value);
    if (cJSON_IsArray(f->examples))
        add_cs(x, "examples", model_raw(v, f->examples));
    else
        lzb_add(v, &b, x, LZ_examples, cJSON_Array);
    LZB_KEPT_BOOL(v, &b, x, LZ_read_only, f->read_only);
    LZB_KEPT_BOOL(v, &b, x, LZ_write_only, f->write_only);
    LZB_KEPT_BOOL(v, &b, x, LZ_deprecated, f->deprecated);
    if (pos)
        positions_batch(v, &b, x, pos == 1, pos == n);
    lzb_done(v, &b, x);
    /* The type info's members after the field's own, by linking the two
     * lists (cJSON keeps a list's last item in its first item's `prev`): a
     * detach and an add per member was 7 M instructions of a generate. */
    if (first && x->child && x->child->prev && first->prev) {
        cJSON *last = first->prev;
        x->child->prev->next = first;
        first->prev = x->child->prev;
        x->child->prev = last;
        o->child = NULL;
    }
    while (o->child) {
        cJSON *c = cJSON_DetachItemViaPointer(o, o->child);
        cJSON_AddItemToArray(x, c);
    }
    cJSON_Delete(o);
    if (v->lazy)
        deferred_add_name(v->lazy, x->child, f);
    return x;
}

/* Checks that the identifiers under key `idkey` of the items of `list` are
 * unique; `marks` gives each item's position, `what` names the kind. */
typedef struct seen_id {
    const char *id; /* key: the view's (borrowed) */
    int index;
} seen_id;

static int seen_eq(const void *ent, const void *key)
{
    return strcmp(((const seen_id *)ent)->id, key) == 0;
}

/* `owner`: the raw name of the type whose members these are, or NULL (the
 * message says " of 'OWNER'"; formatted only for an error: a snprintf per
 * type and target was 0.7 M instructions). `fields`: the model's fields the list
 * was built from, whose raw names the message gives (a lazy view's fields
 * have no name object), or NULL: the items' name objects. */
static void check_unique(vctx *v, const cJSON *list, const char *idkey, const mg_mark *marks, const char *what,
                         const char *owner, mg_field *const *fields)
{
    /* The identifiers are the view's strings, which outlive the check: the
     * table borrows them (a copy of each was two thirds of the check), and
     * a short list (a type's fields) is searched without one. */
    enum { SHORT = 16 };
    const char *shortlist[SHORT];
    mg_hmap seen;
    mg_hmap_init(&seen, sizeof(seen_id));
    int i = 0;
    for (const cJSON *a = list ? list->child : NULL; a; a = a->next, i++) {
        const char *ia = cJSON_GetStringValue(mg_json_get(a, idkey));
        if (i < SHORT)
            shortlist[i] = ia;
        if (!ia)
            continue;
        int k = -1;
        if (i < SHORT) {
            for (int j = 0; j < i && k < 0; j++)
                if (shortlist[j] && strcmp(shortlist[j], ia) == 0)
                    k = j;
        } else {
            if (i == SHORT) /* the table takes over: the first SHORT ids go in */
                for (int j = 0; j < SHORT; j++) {
                    uint32_t h = shortlist[j] ? mg_hash_str(shortlist[j]) : 0;
                    if (shortlist[j] && !mg_hmap_find(&seen, h, seen_eq, shortlist[j])) {
                        seen_id *e = mg_hmap_add(&seen, h);
                        e->id = shortlist[j];
                        e->index = j;
                    }
                }
            uint32_t h = mg_hash_str(ia);
            seen_id *e = mg_hmap_find(&seen, h, seen_eq, ia);
            if (e)
                k = e->index;
            else {
                e = mg_hmap_add(&seen, h);
                e->id = ia;
                e->index = i;
            }
        }
        if (k < 0)
            continue;
        const cJSON *b = cJSON_GetArrayItem(list, k);
        const char *ra, *rb;
        if (fields) { /* a lazy view's fields have no name (deferred_add_name) */
            ra = fields[i]->name.s[MG_CASE_RAW];
            rb = fields[k]->name.s[MG_CASE_RAW];
        } else {
            ra = cJSON_GetStringValue(mg_json_get(mg_json_get(a, "name"), "raw"));
            rb = cJSON_GetStringValue(mg_json_get(mg_json_get(b, "name"), "raw"));
        }
        mg_docset_error(v->m->set, v->d, marks[i], "%s '%s'%s%s%s and %s '%s' (at %s:%d:%d) both become %s '%s' in target '%s'",
                        what, ra ? ra : "?", owner ? " of '" : "", owner ? owner : "", owner ? "'" : "", what, rb ? rb : "?", marks[k].file ? marks[k].file : "?",
                        marks[k].line, marks[k].col, idkey, ia, v->tname);
        v->failed = 1;
    }
    mg_hmap_fini(&seen);
}

/* A reference to `c`'s value (containers share their members, strings
 * their text), for lists that show items owned elsewhere. */
static cJSON *ref_value(const cJSON *c)
{
    if (cJSON_IsObject(c))
        return cJSON_CreateObjectReference(c->child);
    if (cJSON_IsArray(c))
        return cJSON_CreateArrayReference(c->child);
    if (cJSON_IsString(c))
        return cJSON_CreateStringReference(c->valuestring);
    if (cJSON_IsNumber(c))
        return cJSON_CreateNumber(c->valuedouble);
    if (cJSON_IsBool(c))
        return cJSON_CreateBool(cJSON_IsTrue(c));
    if (cJSON_IsRaw(c))
        return cJSON_CreateRaw(c->valuestring);
    return cJSON_CreateNull();
}

/* A new object sharing every member of `item` but index/first/last, which the
 * caller sets for its own list. `item` must outlive it, complete: members added
 * to `item` later are not seen. */
static cJSON *share_item(const cJSON *item)
{
    cJSON *o = cJSON_CreateObject();
    for (const cJSON *c = item->child; c; c = c->next) {
        /* By first letter: three strcmp calls per member of every type. */
        const char *k = c->string;
        if ((k[0] == 'i' && !strcmp(k, "index")) || (k[0] == 'f' && !strcmp(k, "first")) ||
            (k[0] == 'l' && !strcmp(k, "last")))
            continue;
        mg_json_add_cs(o, k, ref_value(c));
    }
    return o;
}

/* Keys the view stage itself reads back from type and message views after
 * they are built (check_unique, the validation plan, required_fields, the
 * kind subsets, the interface, run.h's per-item lists and labels), and keys
 * other kept keys refer into ("values" shares "items", "example" shares
 * "examples"): kept whatever the templates read. */
static const char *const builder_keys[] = {
    "$ref", "action", "additional", "additionalItems", "additionalProperties", "address", "allOf",
    "anyOf", "any_of", "availableScopes", "bindingVersion", "bindings", "catalogue", "channel",
    "channels", "code", "components", "constant", "contact", "contains", "default",
    "dependencies", "description", "doc_escape", "else", "enum", "enums", "escapes", "example",
    "examples", "exclusiveMaximum", "exclusiveMinimum", "extensions", "externalDocs", "fields",
    "first", "flows", "format", "formats", "from", "has_any_of", "has_one_of",
    "has_option_fns", "has_send_response", "has_status_response", "has_type", "header_fields",
    "helpers", "http_api", "id", "if", "index", "info", "is_alias", "is_array", "is_boolean",
    "is_enum", "is_integer", "is_map", "is_number", "is_object", "is_ref", "is_scalar", "is_schema",
    "is_string", "is_tuple", "is_union", "items", "key", "keys", "kind", "last", "license",
    "maxItems", "maxLength", "maxProperties", "maximum", "message", "messages", "method",
    "minItems", "minLength", "minProperties", "minimum", "multipleOf", "name", "naming", "not",
    "nullable", "oneOf", "one_of", "op_snake", "operations", "optional", "optional_fields",
    "options", "pairs", "parameters", "pattern", "patternProperties", "payload", "prefixItems",
    "properties", "propertyNames", "protocol", "raw", "ref", "ref_fn", "reply", "required",
    "required_fields", "reserved", "reserved_catalogue", "reserved_escape", "response", "schema",
    "scopes", "security", "send_answer", "servers", "shape", "snake", "source", "status_answer",
    "tag", "tags", "target", "termsOfService", "then", "title", "to", "traits", "tuple", "type",
    "type_mask", "types", "uniqueItems", "value", "values", "variables", "vplan", "wire",
    "x-http-api",
};

/* Whether a member named `k` stays in a pruned view. */
static int kept_key_slow(const vctx *v, const char *k)
{
    if (!v->keep || mg_hmap_get_str(v->keep, k))
        return 1;
    size_t lo = 0, hi = sizeof builder_keys / sizeof builder_keys[0];
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(k, builder_keys[mid]);
        if (c == 0)
            return 1;
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    /* What an escape reads or adds (add_escapes reads the built view). */
    return v->nrules && mg_hmap_get_str(&v->esc_keys, k) != NULL;
}

/* Whether a pruned view's templates (v->keep) or an escape read key `k`. */
static int target_reads(const vctx *v, const char *k)
{
    return mg_hmap_get_str(v->keep, k) || (v->nrules && mg_hmap_get_str(&v->esc_keys, k));
}

/* kept_key_slow, remembered by the key's address: kept_name is asked about
 * string literals (and kept_key about members with literal names), a few
 * hundred addresses asked about 700 000 times in a generate. */
static int kept_name_slow(vctx *v, const char *k, kept_ent *f)
{
    int added;
    kept_ent *e = mg_hmap_put_ptr(&v->kept_cache, k, &added);
    if (added)
        e->kept = kept_key_slow(v, k);
    *f = *e;
    return e->kept;
}

static inline int kept_name(vctx *v, const char *k)
{
    if (!v->keep)
        return 1;
    /* A direct-mapped front for the table: a hash lookup per member made
     * was 27 M instructions of a generate. */
    kept_ent *f = &v->kept_fast[mg_addr_slot(k, KEPT_FAST)];
    return f->key == k ? f->kept : kept_name_slow(v, k, f);
}

/* Whether the validation plan's `member` stays (mg_vplan_build_shared). */
static int plan_member_kept(void *arg, const cJSON *member)
{
    if (!(member->type & cJSON_StringIsConst)) /* a copied name: its address is its own */
        return kept_key_slow(arg, member->string);
    return kept_name(arg, member->string);
}

/* `pos`, `n`: as field_view's, in the list of types. */
static cJSON *type_view(vctx *v, const mg_type *t, int pos, int n)
{
    cJSON *o = cJSON_CreateObject();
    add_cs(o, "name", model_name(v, &t->name));
    add_cs(o, "id", ident_item(v, &t->name, NK_TYPE));
    add_cs(o, "file", ident_item(v, &t->name, NK_FILE));
    add_cs(o, "kind", cJSON_CreateStringReference(mg_type_kind_name(t->kind))); /* a literal */
    add_type_flags(v, o, t);
    /* The type's own constants in a batch (lz_batch), put on it at the end:
     * add_const per constant was a third of a type's own instructions. A
     * constant an escape reads is still added where it stands (lzb_add). */
    lz_batch b;
    lzb_init(v, &b);
    if (t->title)
        add_cs(o, "title", cJSON_CreateString(t->title));
    else
        lzb_add(v, &b, o, LZ_title, cJSON_NULL);
    add_description(v, o, t->description);
    LZB_KEPT_BOOL(v, &b, o, LZ_declared, t->declared);
    LZB_KEPT_BOOL(v, &b, o, LZ_deprecated, t->deprecated);
    LZB_KEPT_BOOL(v, &b, o, LZ_recursive, t->recursive);

    cJSON *fields = cJSON_CreateArray();
    cJSON *req = v->split_fields ? cJSON_CreateArray() : NULL, *opt = v->split_fields ? cJSON_CreateArray() : NULL;
    /* On the stack for most types (a calloc and a free per type and
     * target were 0.5 M instructions of a generate). */
    mg_mark mark_buf[16];
    mg_mark *marks = t->nfields < 16 ? mark_buf : calloc((size_t)t->nfields + 1, sizeof *marks);
    if (!marks)
        abort();
    int fpos = positions_batched(v);
    for (int i = 0; i < t->nfields; i++) {
        cJSON *f = field_view(v, t, t->fields[i], fpos ? i + 1 : 0, t->nfields);
        marks[i] = t->fields[i]->mark;
        cJSON_AddItemToArray(fields, f);
    }
    if (v->t) {
        check_unique(v, fields, "id", marks, "field", t->name.s[MG_CASE_RAW], t->fields);
    }
    if (marks != mark_buf)
        free(marks);
    number_items(v, fields, !fpos);
    int nreq = 0;
    for (int i = 0; i < t->nfields; i++)
        nreq += t->fields[i]->required != 0;
    LZB_KEPT_BOOL(v, &b, o, LZ_has_fields, t->nfields > 0);
    LZB_KEPT_BOOL(v, &b, o, LZ_has_required_fields, nreq > 0);
    LZB_KEPT_BOOL(v, &b, o, LZ_has_optional_fields, t->nfields - nreq > 0);
    /* Filled by share_derived, once the fields are complete. */
    add_cs(o, "fields", fields);
    if (v->split_fields) {
        add_cs(o, "required_fields", req);
        add_cs(o, "optional_fields", opt);
    } else {
        cJSON_Delete(req);
        cJSON_Delete(opt);
    }
    LZB_KEPT_BOOL(v, &b, o, LZ_closed, t->closed);
    LZB_KEPT_BOOL(v, &b, o, LZ_has_additional, t->additional != NULL);
    if (t->additional)
        add_cs(o, "additional", type_info(v, t->additional, t));

    cJSON *values = cJSON_CreateArray();
    for (int i = 0; i < t->nvalues; i++) {
        const mg_enum_value *ev = t->values[i];
        cJSON *e = cJSON_CreateObject();
        add_cs(e, "name", model_name(v, &ev->name));
        add_cs(e, "id", ident_item(v, &ev->name, NK_ENUM_VALUE));
        add_cs(e, "value", model_str(v, ev->value->valuestring));
        add_json_form(v, e, "json", ev->value, 0, "\"\"");
        cJSON_AddItemToArray(values, e);
    }
    if (v->t && t->nvalues > 0) {
        mg_mark *vm = calloc((size_t)t->nvalues, sizeof *vm);
        if (!vm)
            abort();
        for (int i = 0; i < t->nvalues; i++)
            vm[i] = t->mark;
        check_unique(v, values, "id", vm, "enum value", t->name.s[MG_CASE_RAW], NULL);
        free(vm);
    }
    number_list_v(v, values);
    LZB_KEPT_BOOL(v, &b, o, LZ_has_values, t->nvalues > 0);
    add_cs(o, "values", values);

    cJSON *options = cJSON_CreateArray();
    for (int i = 0; i < t->noptions; i++) {
        const mg_union_option *uo = t->options[i];
        cJSON *e = type_info(v, uo->type, t);
        ADD_KEPT_BOOL(v, e, "has_tag", uo->tag != NULL);
        if (uo->tag) {
            add_cs(e, "tag", model_str(v, uo->tag));
            add_cs(e, "tag_name", model_name(v, &uo->tag_name));
            add_cs(e, "tag_id", ident_item(v, &uo->tag_name, NK_ENUM_VALUE));
        } else {
            add_const(v, e, "tag", cJSON_NULL);
            add_const(v, e, "tag_name", cJSON_NULL);
            add_const(v, e, "tag_id", cJSON_NULL);
        }
        /* The option's type does not say its tag (it comes from the
         * mapping): TS intersects it with {tag: "..."} for narrowing. */
        ADD_KEPT_BOOL(v, e, "tag_declared", uo->tag_declared);
        ADD_KEPT_BOOL(v, e, "needs_tag", t->tagged && !uo->tag_declared);
        add_cs(e, "owner_name", model_name(v, &t->name));
        cJSON_AddItemToArray(options, e);
    }
    number_list_v(v, options);
    LZB_KEPT_BOOL(v, &b, o, LZ_has_options, t->noptions > 0);
    add_cs(o, "options", options);
    LZB_KEPT_BOOL(v, &b, o, LZ_has_discriminator, t->discriminator != NULL);
    if (t->discriminator)
        add_cs(o, "discriminator", model_str(v, t->discriminator));
    else
        lzb_add(v, &b, o, LZ_discriminator, cJSON_NULL);
    LZB_KEPT_BOOL(v, &b, o, LZ_any_of, t->any_of);
    LZB_KEPT_BOOL(v, &b, o, LZ_tagged, t->tagged);
    ADD_KEPT_BOOL(v, o, "multi_type", t->multi_type);
    if (t->target) {
        /* Read by the same partials as a field (a type has no default). */
        cJSON *target = type_info(v, t->target, t);
        add_json_value(v, NULL, target, default, NULL);
        add_cs(o, "target", target);
    }
    int batched = constraints_batched(v, &b);
    if (batched)
        constraints_batch(v, &b, o, t->constraints);
    if (pos)
        positions_batch(v, &b, o, pos == 1, pos == n);
    lzb_done(v, &b, o);
    add_constraints(v, o, t->constraints, batched);
    add_cs(o, "extensions", extensions_view(v, t->doc, t->extensions));
    return o;
}

/* ---- messages --------------------------------------------------------- */

/* The HTTP request of a message (x-http-api). */

static const cJSON *ext_path(const cJSON *o, const char *const *keys)
{
    for (; *keys && o; keys++)
        o = cJSON_IsObject(o) ? mg_json_get(o, *keys) : NULL;
    return o;
}

static const char *ext_str(const mg_model *m, const char *a, const char *b, const char *c)
{
    const char *keys[] = {"x-http-api", a, b, c, NULL};
    const cJSON *s = ext_path(m->extensions, keys);
    return cJSON_IsString(s) ? s->valuestring : NULL;
}

/* Percent-encodes what may not stand in a URL as written: every byte but the
 * unreserved ones, and, unless `segment`, the other characters RFC 3986
 * allows in a path and query ('/', '?', '#', '%', sub-delims but the quote,
 * ':', '@'). Braces and brackets are always encoded, which also keeps curl's
 * URL globbing from reading them. */
static void url_encode(mg_buf *b, const char *s, int segment)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        int keep = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                   strchr("-._~", c) != NULL;
        if (!segment && !keep)
            keep = c && strchr("/?#%!$&()*+,;=:@", c) != NULL;
        if (keep)
            mg_buf_putc(b, (char)c);
        else
            mg_buf_appendf(b, "%%%02X", c);
    }
}

/* The send path with `{messageType}` replaced by the message's name (encoded
 * as one path segment), or NULL without x-http-api. */
static char *send_path_new(const vctx *v, const mg_message *g)
{
    if (!mg_json_get(v->m->extensions, "x-http-api"))
        return NULL;
    const char *path = ext_str(v->m, "send", "path", NULL);
    if (!path)
        path = "/{messageType}";
    static const char ph[] = "{messageType}";
    mg_buf b;
    mg_buf_init(&b);
    for (const char *p = path; *p;) {
        if (strncmp(p, ph, sizeof ph - 1) == 0) {
            url_encode(&b, g->name.s[MG_CASE_RAW], 1);
            p += sizeof ph - 1;
        } else {
            char one[2] = {*p++, '\0'};
            url_encode(&b, one, 0);
        }
    }
    mg_buf_cstr(&b);
    return mg_buf_steal(&b, NULL);
}

static cJSON *http_send_path(const vctx *v, const mg_message *g)
{
    char *p = send_path_new(v, g);
    cJSON *o = p ? cJSON_CreateString(p) : cJSON_CreateNull();
    free(p);
    return o;
}

static int all_of(const char *s, const char *extra)
{
    if (!*s)
        return 0;
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || strchr(extra, c)))
            return 0;
    }
    return 1;
}

static int is_shell_name(const char *s)
{
    return all_of(s, "_") && !(s[0] >= '0' && s[0] <= '9');
}

/* One shell word holding `s` exactly, on one line: '...' for printable ASCII
 * and UTF-8 text, $'...' (bash, zsh, ksh) when it holds control characters or
 * invisible ones (bidi controls, zero-width), written as \xHH and \uXXXX so
 * that the Markdown code block shows them. */
static void sh_quote(mg_buf *b, const char *s)
{
    int plain = 1;
    size_t n = strlen(s);
    for (size_t i = 0; i < n && plain;) {
        uint32_t cp;
        size_t k = mg_utf8_decode((const unsigned char *)s + i, n - i, &cp);
        if (!k || cp < 0x20 || cp == 0x7F || mg_escape_invisible(cp))
            plain = 0;
        i += k ? k : 1;
    }
    if (plain) {
        mg_buf_putc(b, '\'');
        for (const char *p = s; *p; p++)
            if (*p == '\'')
                mg_buf_append_str(b, "'\\''");
            else
                mg_buf_putc(b, *p);
        mg_buf_putc(b, '\'');
        return;
    }
    mg_buf_append_str(b, "$'");
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        size_t k = mg_utf8_decode((const unsigned char *)s + i, n - i, &cp);
        if (!k) {
            mg_buf_appendf(b, "\\x%02X", (unsigned char)s[i]);
            i++;
            continue;
        }
        if (cp < 0x20 || cp == 0x7F)
            mg_buf_appendf(b, "\\x%02X", (unsigned)cp);
        else if (mg_escape_invisible(cp))
            mg_buf_appendf(b, "\\u%04X", (unsigned)cp);
        else if (cp == '\'' || cp == '\\') {
            mg_buf_putc(b, '\\');
            mg_buf_putc(b, (char)cp);
        } else
            mg_buf_append(b, s + i, k);
        i += k;
    }
    mg_buf_putc(b, '\'');
}

/* A shell expression for environment variable `name`: "$NAME", or, for a
 * name the shell cannot expand, "$(printenv 'name')". */
static void sh_env(mg_buf *b, const char *name)
{
    if (is_shell_name(name)) {
        mg_buf_appendf(b, "\"$%s\"", name);
        return;
    }
    mg_buf_append_str(b, "\"$(printenv ");
    sh_quote(b, name);
    mg_buf_append_str(b, ")\"");
}

/* The curl command of the message page (docs/markdown.md) up to its here
 * document: every catalogue string in it (method, path, header, scheme,
 * variable names) quoted for the shell, the path with the message's name
 * (curl's URL globbing would turn a literal "{messageType}" into
 * "messageType"). NULL without x-http-api. */
static cJSON *http_curl(const vctx *v, const mg_message *g)
{
    char *path = send_path_new(v, g);
    if (!path)
        return cJSON_CreateNull();
    const mg_model *m = v->m;
    const char *scream = m->name.s[MG_CASE_SCREAMING];
    const char *method = ext_str(m, "send", "method", NULL);
    const char *env_url = ext_str(m, "env", "baseUrl", NULL);
    const char *env_key = ext_str(m, "env", "apiKey", NULL);
    const char *header = ext_str(m, "auth", "header", NULL);
    const char *scheme = ext_str(m, "auth", "scheme", NULL);
    mg_buf b;
    mg_buf_init(&b);
    mg_buf_append_str(&b, "curl -X ");
    if (!method)
        mg_buf_append_str(&b, "POST");
    else if (all_of(method, "-_"))
        mg_buf_append_str(&b, method);
    else
        sh_quote(&b, method);
    mg_buf_putc(&b, ' ');
    mg_buf var;
    mg_buf_init(&var);
    if (env_url)
        mg_buf_append_str(&var, env_url);
    else
        mg_buf_appendf(&var, "%s_URL", scream);
    int simple_path = all_of(path, "-._~/:@%,+=");
    if (simple_path && is_shell_name(mg_buf_cstr(&var)))
        mg_buf_appendf(&b, "\"$%s%s\"", mg_buf_cstr(&var), path);
    else {
        sh_env(&b, mg_buf_cstr(&var));
        sh_quote(&b, path);
    }
    mg_buf_append_str(&b, " \\\n  -H 'Content-Type: application/json' \\\n  -H ");
    mg_buf_reset(&var);
    if (env_key)
        mg_buf_append_str(&var, env_key);
    else
        mg_buf_appendf(&var, "%s_API_KEY", scream);
    if (!header)
        header = "Authorization";
    if (!scheme)
        scheme = "Bearer";
    if (all_of(header, "-_") && all_of(scheme, "-_.") && is_shell_name(mg_buf_cstr(&var)))
        mg_buf_appendf(&b, "\"%s: %s $%s\"", header, scheme, mg_buf_cstr(&var));
    else {
        mg_buf text;
        mg_buf_init(&text);
        mg_buf_appendf(&text, "%s: %s ", header, scheme);
        sh_quote(&b, mg_buf_cstr(&text));
        mg_buf_fini(&text);
        sh_env(&b, mg_buf_cstr(&var));
    }
    mg_buf_append_str(&b, " \\\n  --data-binary @- <<'JSON'");
    mg_buf_fini(&var);
    free(path);
    cJSON *o = cJSON_CreateString(mg_buf_cstr(&b));
    mg_buf_fini(&b);
    return o;
}

/* `json` (pretty, 2 spaces), `json_lines`, `json_compact` and `value` of an
 * example payload. `value` outlives the cache when there is one (the model's,
 * or a generated example the cache keeps); no cache: nothing is shared
 * (printed and copied every time). `lines`: json_lines is made (with a
 * cache, a pruned view's templates may read none: kept_name). */
static void example_json_c(mg_view_cache *cache, int lines, cJSON *e, const cJSON *value)
{
    add_json_form_c(cache, e, "json", value, 1, "null");
    if (cache) {
        /* The lines and the value are the same in every view: referred to,
         * not copied (neither is escaped: add_escapes skips references and
         * adds nothing inside lists of strings or raw `value`s). Lines no
         * template of a pruned view reads are not made: a string per line
         * of every example, kept in the cache until the last target, was
         * a tenth of the cache. */
        text_ent *t = model_text(cache, value, 1);
        if (lines) {
            if (!t->lines)
                t->lines = lines_new(t->text[1]);
            add_cs(e, "json_lines", cJSON_CreateArrayReference(t->lines->child));
        }
    } else {
        char *s = json_form_new(value, 1);
        add_lines(e, "json_lines", s);
        free(s);
    }
    add_json_form_c(cache, e, "json_compact", value, 0, "null");
    add_cs(e, "value", cache ? ref_value(value) : cJSON_Duplicate(value, 1));
}

/* example_json_c with v's cache (`v` NULL: none). */
static void add_example_json(vctx *v, cJSON *e, const cJSON *value)
{
    if (v && v->cache)
        example_json_c(v->cache, kept_name(v, "json_lines"), e, value);
    else
        example_json_c(NULL, 1, e, value);
}

/* `generated_example` (headers 0) or `generated_headers_example` (1) of
 * message `g` of model `m`: {has_value, json, json_lines, json_compact,
 * value, why}. With a cache, the value is generated once for every view
 * (kept in the cache); *exgen is made on first use (the caller frees it).
 * `lines` as example_json_c's. What a lazy view's hook makes when a
 * template reads the member (deferred_get) is what the view built without
 * the hook has: the same function, with the same cache. */
static cJSON *example_view_new(mg_view_cache *cache, const mg_model *m, mg_exgen **exgen, int lines,
                               const mg_message *g, int headers)
{
    gen_ent *ge = NULL;
    int added = 1;
    if (cache)
        ge = mg_hmap_put_ptr(&cache->gen[headers], g, &added);
    char *why = NULL;
    cJSON *val = NULL;
    if (added) {
        if (!*exgen) /* made on first use: every target after the first finds its examples cached */
            *exgen = mg_exgen_new(m);
        val = headers ? mg_example_generate_headers(*exgen, g, &why) : mg_example_generate(*exgen, g, &why);
        if (ge) {
            ge = mg_hmap_get_ptr(&cache->gen[headers], g); /* generating added nothing, but be exact */
            ge->val = val;
            ge->why = why;
        }
    } else {
        val = ge->val;
        why = ge->why;
    }
    cJSON *e = cJSON_CreateObject();
    add_bool(e, "has_value", val != NULL);
    if (val)
        example_json_c(ge ? cache : NULL, ge ? lines : 1, e, val);
    else {
        static const char *const none[] = {"json", "json_lines", "json_compact", "value"};
        for (size_t k = 0; k < sizeof none / sizeof *none; k++)
            add_cs(e, none[k], cJSON_CreateNull());
    }
    add_str(e, "why", why);
    if (!ge) {
        cJSON_Delete(val);
        free(why);
    }
    return e;
}

static cJSON *generated_example(vctx *v, const mg_message *g, int headers)
{
    return example_view_new(v->cache, v->m, &v->exgen, v->cache ? kept_name(v, "json_lines") : 1, g, headers);
}

static cJSON *message_view(vctx *v, const mg_message *g, cJSON *const *type_items)
{
    cJSON *o = cJSON_CreateObject();
    add_cs(o, "name", model_name(v, &g->name));
    add_cs(o, "id", ident_item(v, &g->name, NK_MESSAGE));
    add_cs(o, "method", ident_item(v, &g->name, NK_METHOD));
    add_cs(o, "constant", ident_item(v, &g->name, NK_CONSTANT));
    add_cs(o, "file", ident_item(v, &g->name, NK_FILE));
    add_str(o, "title", g->title);
    add_str(o, "summary", g->summary);
    add_description(v, o, g->description);
    ADD_KEPT_BOOL(v, o, "deprecated", g->deprecated);
    if (g->content_type)
        add_cs(o, "content_type", model_str(v, g->content_type));
    else
        add_cs(o, "content_type", cJSON_CreateNull());
    if (g->channel)
        add_cs(o, "channel", model_str(v, g->channel));
    else
        add_cs(o, "channel", cJSON_CreateNull());
    ADD_KEPT_BOOL(v, o, "has_channel", g->channel != NULL);
    if (g->action)
        add_cs(o, "action", model_str(v, g->action));
    else
        add_cs(o, "action", cJSON_CreateNull());
    ADD_KEPT_BOOL(v, o, "is_send", g->action && strcmp(g->action, "send") == 0);
    ADD_KEPT_BOOL(v, o, "is_receive", g->action && strcmp(g->action, "receive") == 0);
    add_cs(o, "tags", cJSON_Duplicate(g->tags, 1));
    /* The same as objects, for separators ({{^last}}). */
    cJSON *tag_list = cJSON_CreateArray();
    const cJSON *tag;
    cJSON_ArrayForEach(tag, g->tags) {
        cJSON *t = cJSON_CreateObject();
        add_cs(t, "name", cJSON_Duplicate(tag, 1));
        cJSON_AddItemToArray(tag_list, t);
    }
    number_list(tag_list);
    ADD_KEPT_BOOL(v, o, "has_tags", tag_list->child != NULL);
    add_cs(o, "tag_list", tag_list);
    add_cs(o, "extensions", extensions_view(v, g->doc, g->extensions));

    /* The payload type, and its fields again for one-level templates. */
    const cJSON *pt = g->payload ? type_items[g->payload->index] : NULL;
    if (pt) {
        mg_typeref r = {.kind = MG_KIND_REF, .ref = g->payload};
        r.constraints = NULL;
        cJSON *p = type_info(v, &r, NULL);
        add_cs(o, "payload", p);
        const cJSON *pf = mg_json_get(pt, "fields");
        add_cs(o, "fields", cJSON_CreateArrayReference(pf ? pf->child : NULL));
        ADD_KEPT_BOOL(v, o, "has_fields", pf && pf->child);
    }
    /* Headers: a named type like the payload (api.h, model.h). */
    const cJSON *ht = g->headers ? type_items[g->headers->index] : NULL;
    if (ht) {
        mg_typeref r = {.kind = MG_KIND_REF, .ref = g->headers};
        add_cs(o, "headers", type_info(v, &r, NULL));
        const cJSON *hf = mg_json_get(ht, "fields");
        add_cs(o, "header_fields", cJSON_CreateArrayReference(hf ? hf->child : NULL));
    } else {
        add_cs(o, "headers", cJSON_CreateNull());
        add_cs(o, "header_fields", cJSON_CreateArray());
    }
    ADD_KEPT_BOOL(v, o, "has_headers", ht != NULL);
    if (g->correlation_location || g->correlation_description) {
        cJSON *c = cJSON_CreateObject();
        add_str(c, "location", g->correlation_location);
        add_description(v, c, g->correlation_description);
        add_cs(o, "correlation_id", c);
    } else {
        add_cs(o, "correlation_id", cJSON_CreateNull());
    }
    /* Not for a target that reads neither `example` nor `examples` (c):
     * an object of seven members and its printed forms per example. */
    cJSON *ex = v->drop_examples && o->child ? NULL : cJSON_CreateArray();
    for (int i = 0; ex && i < g->nexamples; i++) {
        const mg_example *x = g->examples[i];
        cJSON *e = cJSON_CreateObject();
        add_cs(e, "name", cJSON_CreateString(x->name));
        add_str(e, "summary", x->summary);
        add_example_json(v, e, x->value);
        if (x->headers) {
            add_json_form(v, e, "headers_json", x->headers, 1, NULL);
            add_json_form(v, e, "headers_json_compact", x->headers, 0, NULL);
        } else {
            add_cs(e, "headers_json", cJSON_CreateNull());
            add_cs(e, "headers_json_compact", cJSON_CreateNull());
        }
        ADD_KEPT_BOOL(v, e, "has_headers", x->headers != NULL);
        cJSON_AddItemToArray(ex, e);
    }
    number_list(ex);
    ADD_KEPT_BOOL(v, o, "has_examples", g->nexamples > 0);
    if (ex) {
        add_cs(o, "example", g->nexamples > 0 ? cJSON_CreateObjectReference(ex->child->child)
                                              : cJSON_CreateNull());
        add_cs(o, "examples", ex);
    }
    /* Built for every message (a target may show them beside the
     * catalogue's own examples); never a value that does not validate. */
    /* A lazy view leaves them to its hook (deferred_get): most messages
     * have examples, and templates read these for the others only. */
    unsigned deferred = 0;
    if (v->gen_payload) {
        if (v->lazy)
            deferred |= 1u << DEF_GEN;
        else
            add_cs(o, "generated_example", generated_example(v, g, 0));
    }
    if (v->gen_headers) {
        if (v->lazy)
            deferred |= 1u << DEF_GEN_HEADERS;
        else
            add_cs(o, "generated_headers_example", generated_example(v, g, 1));
    }
    if (deferred)
        deferred_add(v->lazy, o->child, g, deferred);
    if (v->http_keys) {
        add_cs(o, "http_path", http_send_path(v, g));
        add_cs(o, "http_curl", http_curl(v, g));
    }
    return o;
}

/* ---- the interface (api.h) ------------------------------------------- */

/* Known fields of the bindings msggen names (AsyncAPI bindings: http, kafka,
 * mqtt, amqp, ws; server, channel, operation and message fields together),
 * with their view keys. Other members stay in `fields` and the raw JSON. */
typedef struct known_field {
    const char *protocol, *wire, *key;
} known_field;

static const known_field known_fields[] = {
    {"http", "type", "type"}, {"http", "method", "method"}, {"http", "query", "query"},
    {"http", "headers", "headers"}, {"http", "statusCode", "status_code"},
    {"kafka", "topic", "topic"}, {"kafka", "partitions", "partitions"}, {"kafka", "replicas", "replicas"},
    {"kafka", "topicConfiguration", "topic_configuration"}, {"kafka", "groupId", "group_id"},
    {"kafka", "clientId", "client_id"}, {"kafka", "key", "key"}, {"kafka", "schemaIdLocation", "schema_id_location"},
    {"kafka", "schemaIdPayloadEncoding", "schema_id_payload_encoding"},
    {"kafka", "schemaLookupStrategy", "schema_lookup_strategy"},
    {"kafka", "schemaRegistryUrl", "schema_registry_url"}, {"kafka", "schemaRegistryVendor", "schema_registry_vendor"},
    {"mqtt", "clientId", "client_id"}, {"mqtt", "cleanSession", "clean_session"}, {"mqtt", "lastWill", "last_will"},
    {"mqtt", "keepAlive", "keep_alive"}, {"mqtt", "sessionExpiryInterval", "session_expiry_interval"},
    {"mqtt", "maximumPacketSize", "maximum_packet_size"}, {"mqtt", "qos", "qos"}, {"mqtt", "retain", "retain"},
    {"mqtt", "messageExpiryInterval", "message_expiry_interval"},
    {"mqtt", "payloadFormatIndicator", "payload_format_indicator"}, {"mqtt", "correlationData", "correlation_data"},
    {"mqtt", "contentType", "content_type"}, {"mqtt", "responseTopic", "response_topic"},
    {"amqp", "is", "is"}, {"amqp", "exchange", "exchange"}, {"amqp", "queue", "queue"},
    {"amqp", "expiration", "expiration"}, {"amqp", "userId", "user_id"}, {"amqp", "cc", "cc"},
    {"amqp", "priority", "priority"}, {"amqp", "deliveryMode", "delivery_mode"}, {"amqp", "mandatory", "mandatory"},
    {"amqp", "bcc", "bcc"}, {"amqp", "replyTo", "reply_to"}, {"amqp", "timestamp", "timestamp"}, {"amqp", "ack", "ack"},
    {"amqp", "contentEncoding", "content_encoding"}, {"amqp", "messageType", "message_type"},
    {"ws", "method", "method"}, {"ws", "query", "query"}, {"ws", "headers", "headers"},
};

static char *value_text_new(const cJSON *v)
{
    if (cJSON_IsString(v))
        return mg_xstrdup(v->valuestring);
    char *s = json_text_new(v, 0);
    return s ? s : mg_xstrdup("null");
}

/* `binding_list` and `has_bindings` beside a raw `bindings` member. */
static void add_binding_list(cJSON *o)
{
    const cJSON *b = mg_json_get(o, "bindings"), *p;
    cJSON *list = cJSON_CreateArray();
    const cJSON *bo = cJSON_IsObject(b) ? b : NULL;
    cJSON_ArrayForEach(p, bo) {
        if (!p->string)
            continue;
        cJSON *e = cJSON_CreateObject();
        add_cs(e, "protocol", cJSON_CreateString(p->string));
        static const char *const protos[] = {"http", "kafka", "mqtt", "amqp", "ws"};
        static const char *const is_keys[] = {"is_http", "is_kafka", "is_mqtt", "is_amqp", "is_ws"};
        for (int i = 0; i < 5; i++)
            add_bool(e, is_keys[i], strcmp(p->string, protos[i]) == 0);
        const cJSON *bv = mg_json_get(p, "bindingVersion");
        char *t = bv ? value_text_new(bv) : NULL;
        add_str(e, "binding_version", t);
        free(t);
        cJSON *known = cJSON_CreateObject(), *fields = cJSON_CreateArray();
        for (size_t k = 0; k < sizeof known_fields / sizeof known_fields[0]; k++) {
            if (strcmp(known_fields[k].protocol, p->string) != 0)
                continue;
            const cJSON *fv = mg_json_get(p, known_fields[k].wire);
            t = fv ? value_text_new(fv) : NULL;
            add_str(known, known_fields[k].key, t);
            free(t);
        }
        const cJSON *f;
        const cJSON *po = cJSON_IsObject(p) ? p : NULL;
        cJSON_ArrayForEach(f, po) {
            if (!f->string || strcmp(f->string, "bindingVersion") == 0)
                continue;
            int is_known = 0;
            for (size_t k = 0; k < sizeof known_fields / sizeof known_fields[0]; k++)
                is_known |= strcmp(known_fields[k].protocol, p->string) == 0 && strcmp(known_fields[k].wire, f->string) == 0;
            cJSON *fe = cJSON_CreateObject();
            add_cs(fe, "key", cJSON_CreateString(f->string));
            t = value_text_new(f);
            add_cs(fe, "value", cJSON_CreateString(t));
            free(t);
            t = json_text_new(f, 0);
            add_cs(fe, "json", cJSON_CreateString(t ? t : "null"));
            free(t);
            add_bool(fe, "known", is_known);
            cJSON_AddItemToArray(fields, fe);
        }
        number_list(fields);
        add_cs(e, "known", known);
        add_bool(e, "has_fields", fields->child != NULL);
        add_cs(e, "fields", fields);
        t = json_text_new(p, 0);
        add_cs(e, "json", cJSON_CreateString(t ? t : "null"));
        free(t);
        cJSON_AddItemToArray(list, e);
    }
    number_list(list);
    add_bool(o, "has_bindings", list->child != NULL);
    add_cs(o, "binding_list", list);
}

/* Shapes a normalised api.h tree for templates, in place: description keys,
 * `has_<list>` beside every list, `binding_list` beside `bindings`,
 * index/first/last on every list of objects. */
/* `has_<key>` as a member name: with a cache, interned there (the views'
 * const names; the cache outlives them), else NULL (the caller copies). */
static const char *has_key(vctx *v, const char *key, size_t kl)
{
    if (!v->cache)
        return NULL;
    char buf[80];
    if (kl + 5 > sizeof buf)
        return NULL;
    memcpy(buf, "has_", 4);
    memcpy(buf + 4, key, kl + 1);
    return *(char **)mg_hmap_put_str(&v->cache->keys, buf, NULL);
}

/* Is there a member named k[0..n) (NUL-terminated) in `node`? */
static int has_member(const cJSON *node, const char *k)
{
    for (const cJSON *c = node->child; c; c = c->next)
        if (c->string && c->string[0] == k[0] && strcmp(c->string, k) == 0)
            return 1;
    return 0;
}

static void shape(vctx *v, cJSON *node)
{
    cJSON *c;
    int type = node ? node->type & 0xFF : cJSON_Invalid;
    if (type == cJSON_Array) {
        cJSON_ArrayForEach(c, node)
            shape(v, c);
        number_list(node);
        return;
    }
    if (type != cJSON_Object)
        return;
    cJSON *desc = mg_json_get(node, "description");
    if (desc && (cJSON_IsString(desc) || cJSON_IsNull(desc))) {
        char *text = cJSON_IsString(desc) ? mg_xstrdup(desc->valuestring) : NULL;
        cJSON_DeleteItemFromObjectCaseSensitive(node, "description");
        add_text_description(v, node, text);
        free(text);
    }
    /* The has_<list> members go after the walk, in order (the walk does not
     * see them); a few per object, more in a list. */
    struct {
        const char *key; /* interned, or NULL: `copy` */
        char copy[72];
        int val;
    } addm[8], *add = addm;
    size_t nadd = 0, cap = 8;
    int bindings = 0;
    cJSON_ArrayForEach(c, node) {
        const char *k = c->string;
        if (!k)
            continue;
        if (k[0] == 'b' && strcmp(k, "bindings") == 0) {
            bindings = 1;
            continue;
        }
        int ct = c->type & 0xFF;
        if (ct == cJSON_Array && !((k[0] == 'd') && (!strcmp(k, "description_lines") || !strcmp(k, "doc_lines")))) {
            size_t kl = strlen(k);
            char key[64];
            /* snprintf's cut at 63 bytes, as before */
            size_t cut = kl + 4 < sizeof key ? kl : sizeof key - 5;
            memcpy(key, "has_", 4);
            memcpy(key + 4, k, cut);
            key[4 + cut] = '\0';
            if (!has_member(node, key)) {
                if (nadd == cap) {
                    cap *= 2;
                    if (add == addm) {
                        add = mg_xmalloc(cap * sizeof *add);
                        memcpy(add, addm, sizeof addm);
                    } else {
                        add = mg_xrealloc(add, cap * sizeof *add);
                    }
                }
                add[nadd].key = has_key(v, key + 4, cut);
                memcpy(add[nadd].copy, key, 4 + cut + 1);
                add[nadd].val = c->child != NULL;
                nadd++;
            }
            shape(v, c);
        } else if (ct == cJSON_Object) {
            shape(v, c);
        }
    }
    for (size_t i = 0; i < nadd; i++) {
        if (add[i].key)
            add_cs(node, add[i].key, cJSON_CreateBool(add[i].val));
        else
            cJSON_AddBoolToObject(node, add[i].copy, add[i].val);
    }
    if (add != addm)
        free(add);
    if (bindings || mg_json_get(node, "bindings"))
        add_binding_list(node);
}

/* The view's messages by index: cJSON_GetArrayItem walks the list, which
 * made linking quadratic in the catalogue (12.7 s of a 10 000-message
 * generate). */
typedef struct msg_index {
    const cJSON **v;
    int n;
} msg_index;

/* A message named by index, as lists of operations and channels show it. */
static cJSON *message_link(const vctx *v, const msg_index *msgs, int i, const char *key)
{
    cJSON *o = cJSON_CreateObject();
    const cJSON *g = i >= 0 && i < msgs->n ? msgs->v[i] : NULL;
    static const char *const keys[] = {"name", "id", "file", "title", "summary"};
    if (key)
        add_cs(o, "key", cJSON_CreateString(key));
    else
        add_cs(o, "key", cJSON_CreateNull());
    for (int k = 0; k < 5; k++) {
        const cJSON *m = mg_json_get(g, keys[k]);
        /* Strings (and nulls) are the message's, which the view holds:
         * referred to, not copied (escapes read a reference's text as a
         * copy's). The name object is copied, escapes may add inside it,
         * unless it is a shared one (model_name), or the view is lazy:
         * then its escapes are made when read, from the member list the
         * reference shares, which mark_escapes marks where it stands (in
         * the message), as with view_name's references (a copy per link
         * was 2 MB of markdown's view at 1 000 messages). */
        int type = m ? m->type & 0xFF : cJSON_NULL;
        if (type == cJSON_Object && ((v->share_names && (m->type & cJSON_IsReference)) || v->lazy)) {
            add_cs(o, keys[k], cJSON_CreateObjectReference(m->child));
        } else {
            cJSON *c = type == cJSON_String ? cJSON_CreateStringReference(m->valuestring)
                       : type == cJSON_NULL ? cJSON_CreateNull()
                                            : cJSON_Duplicate(m, 1);
            /* The message's first member (`name`) carries LZ_DEFERRED,
             * which cJSON_Duplicate copies: the copy has no such members. */
            c->type &= ~LZ_DEFERRED;
            add_cs(o, keys[k], c);
        }
    }
    return o;
}

/* Replaces a list of message indexes (or {key, message} entries) by links. */
static void link_messages(const vctx *v, cJSON *owner, const msg_index *msgs)
{
    cJSON *list = mg_json_get(owner, "messages");
    if (!cJSON_IsArray(list))
        return;
    cJSON *out = cJSON_CreateArray();
    const cJSON *e;
    cJSON_ArrayForEach(e, list) {
        int i = cJSON_IsNumber(e) ? (int)e->valuedouble
                                  : (int)cJSON_GetNumberValue(mg_json_get(e, "message"));
        cJSON_AddItemToArray(out, message_link(v, msgs, i, cJSON_GetStringValue(mg_json_get(e, "key"))));
    }
    cJSON_ReplaceItemInObjectCaseSensitive(owner, "messages", out);
}

static void add_action_flags(cJSON *o)
{
    const char *a = cJSON_GetStringValue(mg_json_get(o, "action"));
    add_bool(o, "is_send", a && strcmp(a, "send") == 0);
    add_bool(o, "is_receive", a && strcmp(a, "receive") == 0);
}

/* The client settings that follow from a server's security scheme, for the
 * protocols whose clients name them (docs/templates.md, `client_settings`):
 * Kafka's `security.protocol` and `sasl.mechanism`, by scheme type, with
 * `security.protocol` by whether the server is `kafka` (plain TCP) or
 * `kafka-secure` (TLS). A scheme type not listed gives no settings (msggen
 * does not guess a SASL mechanism). */
typedef struct client_setting {
    const char *type, *plain, *tls, *mechanism;
} client_setting;

static const client_setting kafka_settings[] = {
    {"plain", "SASL_PLAINTEXT", "SASL_SSL", "PLAIN"},
    {"scramSha256", "SASL_PLAINTEXT", "SASL_SSL", "SCRAM-SHA-256"},
    {"scramSha512", "SASL_PLAINTEXT", "SASL_SSL", "SCRAM-SHA-512"},
    {"oauth2", "SASL_PLAINTEXT", "SASL_SSL", "OAUTHBEARER"},
    {"gssapi", "SASL_PLAINTEXT", "SASL_SSL", "GSSAPI"},
    {"X509", "SSL", "SSL", NULL}, /* a client certificate needs TLS either way */
};

static void add_setting(cJSON *list, const char *key, const char *value)
{
    cJSON *s = cJSON_CreateObject();
    add_cs(s, "key", cJSON_CreateString(key));
    add_cs(s, "value", cJSON_CreateString(value));
    cJSON_AddItemToArray(list, s);
}

/* `client_settings` on each security requirement of each server. */
static void add_client_settings(cJSON *servers)
{
    cJSON *srv, *req;
    cJSON_ArrayForEach(srv, servers) {
        const char *proto = cJSON_GetStringValue(mg_json_get(srv, "protocol"));
        int kafka = proto && strcmp(proto, "kafka") == 0, tls = proto && strcmp(proto, "kafka-secure") == 0;
        cJSON_ArrayForEach(req, mg_json_get(srv, "security")) {
            const char *type = cJSON_GetStringValue(mg_json_get(req, "type"));
            cJSON *list = cJSON_CreateArray();
            for (size_t k = 0; (kafka || tls) && type && k < sizeof kafka_settings / sizeof *kafka_settings; k++) {
                const client_setting *c = &kafka_settings[k];
                if (strcmp(type, c->type) != 0)
                    continue;
                add_setting(list, "security.protocol", tls ? c->tls : c->plain);
                if (c->mechanism)
                    add_setting(list, "sasl.mechanism", c->mechanism);
            }
            add_cs(req, "client_settings", list);
        }
    }
}

/* `node`'s member `key` with $refs followed (into *doc); NULL when absent or
 * broken (the resolver reported broken refs already). */
static const cJSON *raw_member_at(const vctx *v, const mg_doc **doc, const cJSON *node, const char *key)
{
    const cJSON *c = cJSON_IsObject(node) ? mg_json_get(node, key) : NULL;
    if (!c)
        return NULL;
    mg_diag quiet;
    mg_diag_init_sink(&quiet, NULL, NULL);
    quiet.max_errors = 0;
    mg_ref_target t;
    int rc = mg_resolve_ref(v->m->set, *doc, c, &t, &quiet);
    if (rc < 0)
        return NULL;
    if (rc)
        *doc = t.doc;
    return rc ? t.node : c;
}

/* `type` on each channel parameter: AsyncAPI 3 parameters are strings; a 2.x
 * parameter has the `type` of its `schema` (a string, else null). The
 * interface (api.h) does not keep the schema, so it is read here from the
 * document: channels[key].parameters[name].schema. */
static void add_parameter_types(const vctx *v, cJSON *chans)
{
    int v3 = v->m->spec == MG_SPEC_ASYNCAPI3;
    cJSON *ch, *p;
    cJSON_ArrayForEach(ch, chans) {
        const mg_doc *cdoc = v->m->doc;
        const cJSON *raw = NULL;
        if (!v3 && cdoc) {
            const mg_doc *d = cdoc;
            const cJSON *all = raw_member_at(v, &d, cdoc->root, "channels");
            const char *key = cJSON_GetStringValue(mg_json_get(ch, "key"));
            raw = all && key ? raw_member_at(v, &d, all, key) : NULL;
            raw = raw ? raw_member_at(v, &d, raw, "parameters") : NULL;
            cdoc = d;
        }
        cJSON_ArrayForEach(p, mg_json_get(ch, "parameters")) {
            const char *type = v3 ? "string" : NULL;
            const char *name = cJSON_GetStringValue(mg_json_get(p, "name"));
            if (raw && name) {
                const mg_doc *d = cdoc;
                const cJSON *param = raw_member_at(v, &d, raw, name);
                const cJSON *schema = param ? raw_member_at(v, &d, param, "schema") : NULL;
                type = cJSON_GetStringValue(schema ? mg_json_get(schema, "type") : NULL);
            }
            add_cs(p, "type", type ? cJSON_CreateString(type) : cJSON_CreateNull());
        }
    }
}

/* The `snake` of each parameter (or server variable) of every object of
 * `list` under `key`, escaped like every other identifier of the target
 * (the interface gives it in snake case only). */
static void escape_param_idents(vctx *v, cJSON *list, const char *key)
{
    cJSON *it, *p;
    cJSON_ArrayForEach(it, list) {
        cJSON_ArrayForEach(p, mg_json_get(it, key)) {
            const char *snake = cJSON_GetStringValue(mg_json_get(p, "snake"));
            if (!snake || !is_reserved(v, snake))
                continue;
            char *id = ident_escape(v, snake);
            cJSON_ReplaceItemInObjectCaseSensitive(p, "snake", cJSON_CreateString(id));
            free(id);
        }
    }
}

/* Adds the interface's root keys to `view` and the per-message keys (uses,
 * bindings) to `msgs`; catalogue information goes into `cat`. */
static void add_interface(vctx *v, cJSON *view, cJSON *cat, cJSON *msgs)
{
    const mg_api *a = v->m->api;
    cJSON *ops = cJSON_Duplicate(a->operations, 1), *chans = cJSON_Duplicate(a->channels, 1);
    cJSON *it;
    msg_index mi = {mg_xcalloc((size_t)cJSON_GetArraySize(msgs) + 1, sizeof *mi.v), 0};
    cJSON_ArrayForEach(it, msgs)
        mi.v[mi.n++] = it;
    /* The operations' names do not depend on the target: with a cache, made
     * once per model and shared as the model's names are (model_name). */
    mg_view_cache *vc = v->cache;
    if (vc && !vc->op_names) {
        vc->nop_names = cJSON_GetArraySize(a->operations);
        vc->op_names = mg_xcalloc((size_t)vc->nop_names + 1, sizeof *vc->op_names);
        int i = 0;
        for (const cJSON *op = a->operations ? a->operations->child : NULL; op; op = op->next, i++)
            mg_name_init(&vc->op_names[i], cJSON_GetStringValue(mg_json_get(op, "key")));
    }
    int opi = 0;
    cJSON_ArrayForEach(it, ops) {
        if (vc && opi < vc->nop_names) {
            add_cs(it, "name", model_name(v, &vc->op_names[opi++]));
        } else {
            mg_name n;
            mg_name_init(&n, cJSON_GetStringValue(mg_json_get(it, "key")));
            add_cs(it, "name", name_obj(&n));
            mg_name_fini(&n);
        }
        add_action_flags(it);
        link_messages(v, it, &mi);
        cJSON *reply = mg_json_get(it, "reply");
        add_bool(it, "has_reply", cJSON_IsObject(reply));
        if (cJSON_IsObject(reply))
            link_messages(v, reply, &mi);
    }
    cJSON_ArrayForEach(it, chans)
        link_messages(v, it, &mi);
    free(mi.v);
    /* The per-message lists of the api, walked beside the messages. */
    const cJSON *use = a->uses ? a->uses->child : NULL;
    const cJSON *b = a->message_bindings ? a->message_bindings->child : NULL;
    const cJSON *ed = a->message_external_docs ? a->message_external_docs->child : NULL;
    cJSON_ArrayForEach(it, msgs) {
        cJSON *uses = cJSON_Duplicate(use, 1);
        cJSON *u;
        cJSON_ArrayForEach(u, uses)
            add_action_flags(u);
        number_list(uses);
        add_bool(it, "has_uses", uses->child != NULL);
        add_cs(it, "uses", uses);
        add_cs(it, "bindings", b ? cJSON_Duplicate(b, 1) : cJSON_CreateNull());
        add_binding_list(it);
        cJSON *edv = ed ? cJSON_Duplicate(ed, 1) : cJSON_CreateNull();
        shape(v, edv);
        add_cs(it, "external_docs", edv);
        use = use ? use->next : NULL;
        b = b ? b->next : NULL;
        ed = ed ? ed->next : NULL;
    }
    cJSON *servers = cJSON_Duplicate(a->servers, 1), *schemes = cJSON_Duplicate(a->security_schemes, 1);
    add_client_settings(servers);
    add_parameter_types(v, chans);
    escape_param_idents(v, ops, "parameters");
    escape_param_idents(v, chans, "parameters");
    escape_param_idents(v, servers, "variables");
    shape(v, ops);
    shape(v, chans);
    shape(v, servers);
    shape(v, schemes);
    add_bool(view, "has_operations", ops->child != NULL);
    add_cs(view, "operations", ops);
    add_bool(view, "has_channels", chans->child != NULL);
    add_cs(view, "channels", chans);
    add_bool(view, "has_servers", servers->child != NULL);
    add_cs(view, "servers", servers);
    add_bool(view, "has_security_schemes", schemes->child != NULL);
    add_cs(view, "security_schemes", schemes);
    cJSON *info = cJSON_Duplicate(a->info, 1);
    shape(v, info);
    static const char *const info_keys[] = {"tags", "has_tags", "external_docs", "license", "contact",
                                            "terms_of_service"};
    for (int k = 0; k < 6; k++) {
        cJSON *m = cJSON_DetachItemFromObjectCaseSensitive(info, info_keys[k]);
        add_cs(cat, info_keys[k], m ? m : cJSON_CreateNull());
    }
    cJSON_Delete(info);
}

/* ---- target settings --------------------------------------------------- */

static void compile_pairs(mg_subst *r, const cJSON *pairs)
{
    mg_subst_init(r);
    const cJSON *p;
    cJSON_ArrayForEach(p, pairs)
        mg_subst_add(r, cJSON_GetStringValue(mg_json_get(p, "from")),
                     cJSON_GetStringValue(mg_json_get(p, "to")),
                     cJSON_IsTrue(mg_json_get(p, "code")));
}

/* Compiles doc_escape and escapes, which read_target has checked. */
static void compile_escapes(vctx *v)
{
    mg_hmap_init(&v->tpls, sizeof(tpl_ent));
    mg_hmap_init(&v->fast, sizeof(fast_ent));
    mg_buf_init(&v->type_buf);
    mg_hmap_init_str(&v->reserved_set, sizeof(word_ent));
    const cJSON *w;
    cJSON_ArrayForEach(w, v->reserved)
        if (cJSON_IsString(w))
            add_reserved(v, w->valuestring);
    compile_pairs(&v->doc_subst, v->doc_escape);
    v->rules = calloc((size_t)cJSON_GetArraySize(v->escapes) + 1, sizeof *v->rules);
    if (!v->rules)
        abort();
    const cJSON *en;
    cJSON_ArrayForEach(en, v->escapes) {
        esc_rule *r = &v->rules[v->nrules++];
        r->name = en->string;
        r->keys = mg_json_get(en, "keys");
        const cJSON *k;
        cJSON_ArrayForEach(k, r->keys)
            v->key_starts[(unsigned char)k->valuestring[0]] = 1;
        const char *code = cJSON_GetStringValue(mg_json_get(en, "code"));
        r->code = code ? code[0] : '\0';
        compile_pairs(&r->pairs, mg_json_get(en, "pairs"));
        r->pairs_json = mg_json_get(en, "pairs");
    }
    /* The key table add_escapes reads: each key's additions in rule order,
     * then key order (as the scan over rules and keys made them). */
    mg_hmap_init_str(&v->esc_keys, sizeof(esc_key_ent));
    int nadds = 0;
    for (int i = 0; i < v->nrules; i++)
        nadds += cJSON_GetArraySize(v->rules[i].keys);
    v->esc_adds = mg_xcalloc((size_t)nadds + 1, sizeof *v->esc_adds);
    for (int i = 0; i < v->nrules; i++) {
        const cJSON *k;
        cJSON_ArrayForEach(k, v->rules[i].keys) {
            int added;
            esc_key_ent *e = mg_hmap_put_str(&v->esc_keys, k->valuestring, &added);
            if (added)
                e->head = e->tail = -1;
            esc_add *a = &v->esc_adds[v->nesc_adds];
            a->rule = i;
            a->base = k->valuestring;
            size_t kl = strlen(k->valuestring) + strlen(v->rules[i].name) + 2;
            a->out = mg_xmalloc(kl);
            snprintf(a->out, kl, "%s_%s", k->valuestring, v->rules[i].name);
            a->key = v->cache ? *(char **)mg_hmap_put_str(&v->cache->keys, a->out, NULL) : NULL;
            a->next = -1;
            if (e->tail >= 0)
                v->esc_adds[e->tail].next = v->nesc_adds;
            else
                e->head = v->nesc_adds;
            e->tail = v->nesc_adds++;
        }
    }
    /* Then the names they add, so that an object that has one already keeps
     * it. (An output name starts with its key's byte: key_starts covers it.) */
    for (int a = 0; a < v->nesc_adds; a++) {
        int added;
        esc_key_ent *e = mg_hmap_put_str(&v->esc_keys, v->esc_adds[a].out, &added);
        if (added)
            e->head = e->tail = -1;
        e->is_out = 1;
    }
}

static void vctx_fini(vctx *v)
{
    for (size_t i = 0; i < mg_hmap_len(&v->tpls); i++)
        mg_tpl_free(((tpl_ent *)mg_hmap_at(&v->tpls, i))->tpl);
    mg_hmap_fini(&v->tpls);
    for (size_t i = 0; i < mg_hmap_len(&v->fast); i++)
        free(((fast_ent *)mg_hmap_at(&v->fast, i))->seg);
    mg_hmap_fini(&v->fast);
    mg_buf_fini(&v->type_buf);
    mg_hmap_fini(&v->reserved_set);
    mg_subst_fini(&v->doc_subst);
    for (int i = 0; i < v->nrules; i++)
        mg_subst_fini(&v->rules[i].pairs);
    free(v->rules);
    for (int i = 0; i < v->nesc_adds; i++)
        free(v->esc_adds[i].out);
    free(v->esc_adds);
    mg_hmap_fini(&v->esc_keys);
    free(v->esc_cache);
    free(v->kc_cache);
    if (v->kc_names_init)
        mg_hmap_fini(&v->kc_names);
    free(v->kc_const);
    free(v->ti_memo);
    mg_exgen_free(v->exgen);
    if (v->keep)
        mg_hmap_fini(&v->kept_cache);
    free(v->kept_fast);
    if (v->view_names_init)
        mg_hmap_fini(&v->view_names);
}

static int read_target(vctx *v)
{
    for (int k = 0; k < NK_COUNT; k++)
        v->naming[k] = nk_default[k];
    v->escape_rule = "{{name}}_";
    v->tname = "none";
    if (!v->t) {
        compile_escapes(v);
        return 0;
    }
    const cJSON *desc = v->t->desc;
    v->tname = v->t->name ? v->t->name : "?";
    v->tfile = v->t->doc ? v->t->doc->path : NULL;
    v->types = mg_json_get(desc, "types");
    if (v->types && !cJSON_IsObject(v->types)) {
        terr(v, v->types, "'types' must be a mapping of type kinds to mustache strings");
        return -1;
    }
    v->formats = mg_json_get(v->types, "formats");
    v->reserved = mg_json_get(desc, "reserved");
    if (v->reserved && !cJSON_IsArray(v->reserved)) {
        terr(v, v->reserved, "'reserved' must be a list of words");
        return -1;
    }
    const cJSON *esc = mg_json_get(desc, "reserved_escape");
    if (esc && !cJSON_IsString(esc)) {
        terr(v, esc, "'reserved_escape' must be a mustache string such as '{{name}}_'");
        return -1;
    }
    if (esc)
        v->escape_rule = esc->valuestring;
    const cJSON *naming = mg_json_get(desc, "naming"), *n;
    cJSON_ArrayForEach(n, naming) {
        int k;
        for (k = 0; k < NK_COUNT; k++)
            if (strcmp(n->string, nk_keys[k]) == 0)
                break;
        if (k == NK_COUNT) {
            mg_doc_key_error(v->d, v->t->doc, n,
                             "unknown naming kind '%s' (expected type, field, message, method, constant, enum_value or file)",
                             n->string);
            return -1;
        }
        if (!cJSON_IsString(n) || mg_case_parse(n->valuestring, &v->naming[k]) < 0) {
            terr(v, n, "naming.%s must be snake, camel, pascal, screaming, kebab or raw",
                 n->string);
            return -1;
        }
    }
    const cJSON *helpers = mg_json_get(desc, "helpers");
    v->doc_escape = mg_json_get(helpers, "doc_escape");
    const cJSON *pair;
    if (v->doc_escape && !cJSON_IsArray(v->doc_escape)) {
        terr(v, v->doc_escape, "helpers.doc_escape must be a list of {from, to}");
        return -1;
    }
    cJSON_ArrayForEach(pair, v->doc_escape) {
        const char *from = cJSON_GetStringValue(mg_json_get(pair, "from"));
        if (!from || !*from || !cJSON_IsString(mg_json_get(pair, "to"))) {
            terr(v, pair, "helpers.doc_escape entries need a non-empty 'from' and a 'to' string");
            return -1;
        }
    }
    v->escapes = mg_json_get(helpers, "escapes");
    if (v->escapes && !cJSON_IsObject(v->escapes)) {
        terr(v, v->escapes, "helpers.escapes must be a mapping of names to {keys, pairs, code}");
        return -1;
    }
    const cJSON *en;
    cJSON_ArrayForEach(en, v->escapes) {
        const cJSON *keys = mg_json_get(en, "keys");
        const cJSON *pairs = mg_json_get(en, "pairs");
        const cJSON *code = mg_json_get(en, "code"), *k;
        if (!cJSON_IsObject(en) || !cJSON_IsArray(keys) || !cJSON_IsArray(pairs)) {
            terr(v, en, "helpers.escapes.%s needs 'keys' (a list of view keys) and 'pairs' (a list of {from, to})",
                 en->string);
            return -1;
        }
        cJSON_ArrayForEach(k, keys)
            if (!cJSON_IsString(k) || !*k->valuestring) {
                terr(v, k, "helpers.escapes.%s.keys must be view keys such as 'description'", en->string);
                return -1;
            }
        if (code && (!cJSON_IsString(code) || strlen(code->valuestring) != 1)) {
            terr(v, code, "helpers.escapes.%s.code must be one character (the code-span delimiter, e.g. '`')",
                 en->string);
            return -1;
        }
        cJSON_ArrayForEach(pair, pairs) {
            const char *from = cJSON_GetStringValue(mg_json_get(pair, "from"));
            const cJSON *in_code = mg_json_get(pair, "code");
            if (!from || !*from || !cJSON_IsString(mg_json_get(pair, "to")) ||
                (in_code && !cJSON_IsBool(in_code))) {
                terr(v, pair, "helpers.escapes.%s.pairs entries need a non-empty 'from', a 'to' string and an optional boolean 'code'",
                     en->string);
                return -1;
            }
        }
    }
    compile_escapes(v);
    return 0;
}

/* ---- public ----------------------------------------------------------- */

mg_view_cache *mg_view_cache_new(void)
{
    mg_view_cache *c = mg_xcalloc(1, sizeof(mg_view_cache));
    mg_hmap_init(&c->texts, sizeof(text_ent));
    mg_hmap_init(&c->gen[0], sizeof(gen_ent));
    mg_hmap_init(&c->gen[1], sizeof(gen_ent));
    mg_hmap_init(&c->descs, sizeof(desc_ent));
    mg_hmap_init(&c->names, sizeof(name_ent));
    mg_hmap_init(&c->name_texts, sizeof(name_text));
    mg_hmap_init(&c->wires, sizeof(wire_ent));
    mg_hmap_init_str(&c->keys, sizeof(char *));
    return c;
}

void mg_view_cache_free(mg_view_cache *c)
{
    if (!c)
        return;
    mg_vplan_raw_free(c->plan);
    for (size_t i = 0; i < mg_hmap_len(&c->texts); i++) {
        text_ent *e = mg_hmap_at(&c->texts, i);
        free(e->text[0]);
        free(e->text[1]);
        cJSON_Delete(e->lines);
    }
    mg_hmap_fini(&c->texts);
    for (int h = 0; h < 2; h++) {
        for (size_t i = 0; i < mg_hmap_len(&c->gen[h]); i++) {
            gen_ent *e = mg_hmap_at(&c->gen[h], i);
            cJSON_Delete(e->val);
            free(e->why);
        }
        mg_hmap_fini(&c->gen[h]);
    }
    for (size_t i = 0; i < mg_hmap_len(&c->descs); i++) {
        desc_ent *e = mg_hmap_at(&c->descs, i);
        cJSON_Delete(e->lines);
        free(e->safe_own);
    }
    mg_hmap_fini(&c->descs);
    mg_hmap_fini(&c->names);
    for (size_t i = 0; i < mg_hmap_len(&c->name_texts); i++)
        cJSON_Delete(((name_text *)mg_hmap_at(&c->name_texts, i))->obj);
    mg_hmap_fini(&c->name_texts);
    for (size_t i = 0; i < mg_hmap_len(&c->wires); i++)
        free(((wire_ent *)mg_hmap_at(&c->wires, i))->json);
    mg_hmap_fini(&c->wires);
    mg_hmap_fini(&c->keys);
    for (int i = 0; i < c->nop_names; i++)
        mg_name_fini(&c->op_names[i]);
    free(c->op_names);
    free(c);
}

void mg_view_cache_prune(mg_view_cache *c, const mg_hmap *keep)
{
    c->keep = keep;
}

void mg_view_cache_escapes_lazy(mg_view_cache *c, mg_view_escapes **esc)
{
    c->lazy_out = esc;
}

cJSON *mg_view_build(const mg_model *m, const mg_target *t, mg_diag *d)
{
    return mg_view_build_cached(m, t, NULL, d);
}

/* Whether a template of the target may read view key `word`: for a pruned
 * view, whether `word` is among the names its templates read (the keep
 * set: one lookup), else whether their texts mention it (a search of every
 * template, 130 000 instructions). Always without a target. */
static int names_key(const vctx *v, const char *word)
{
    if (!v->t)
        return 1;
    if (v->keep)
        return mg_hmap_get_str(v->keep, word) != NULL;
    return mg_target_mentions(v->t, word);
}

/* Sets v->ndesc_outs: how many names escapes add beside `description`,
 * when a missing description and those may be left out as null constants
 * (add_no_description), else -1. So when, in a lazy view, an escape reads
 * `description` (else it is a constant already, or no escape adds
 * anything) and each name it adds is made by that escape of `description`
 * only (escaped_member finds the first member that is some candidate of
 * the name: no other may be) and read by no escape (its null would be
 * escaped in turn); `description` is no escape's output either. */
static void desc_outs_init(vctx *v)
{
    v->ndesc_outs = -1;
    if (!v->lazy || !v->cache || (v->lz_ok >> LZ_description & 1))
        return;
    const esc_key_ent *e = esc_key(v, "description");
    if (!e || e->head < 0 || e->is_out)
        return;
    int n = 0;
    for (int a = e->head; a >= 0; a = v->esc_adds[a].next) {
        const esc_add *ad = &v->esc_adds[a];
        if (n == DESC_OUTS || !ad->key)
            return;
        for (int b = 0; b < v->nesc_adds; b++)
            if (b != a && strcmp(v->esc_adds[b].out, ad->out) == 0)
                return;
        const esc_key_ent *oe = esc_key(v, ad->out);
        if (oe && oe->head >= 0)
            return;
        v->desc_out_key[n] = ad->key;
        v->desc_out_id[n] = lz_name_id(v->lazy, ad->key, strlen(ad->key), mg_hash_str(ad->key));
        n++;
    }
    v->ndesc_outs = n;
}

cJSON *mg_view_build_cached(const mg_model *m, const mg_target *t, mg_view_cache *cache, mg_diag *d)
{
    vctx v = {.m = m, .t = t, .d = d, .cache = cache, .keep = cache && t ? cache->keep : NULL, .ndoc_starts = -1};
    if (cache && t && cache->lazy_out)
        *cache->lazy_out = NULL;
    if (read_target(&v) < 0)
        return NULL;
    if (cache && t && cache->lazy_out)
        v.lazy = escapes_new();
    v.lz_direct = v.lazy != NULL;
    for (int i = 0; v.lazy && i < LZ_NNAMES; i++) {
        cJSON name;
        memset(&name, 0, sizeof name);
        name.string = (char *)(uintptr_t)lz_names[i];
        name.type = cJSON_False | cJSON_StringIsConst;
        if (!(key_class_of(&v, &name) & KC_ESC))
            v.lz_ok |= (uint64_t)1 << i;
    }
    if (v.keep) {
        mg_hmap_init(&v.kept_cache, sizeof(kept_ent));
        v.kept_fast = mg_xcalloc(KEPT_FAST, sizeof *v.kept_fast);
        static const char *const flag_keys[] = {"is_object", "is_enum", "is_union", "is_alias"};
        for (int i = 0; i < 4; i++)
            v.info_flag[i] = target_reads(&v, flag_keys[i]);
        /* `index` is a builder key for the kind subsets only, which number
         * their items by position themselves. */
        v.drop_index = !target_reads(&v, "index");
        v.drop_description = !target_reads(&v, "description");
        v.drop_examples = !target_reads(&v, "example") && !target_reads(&v, "examples");
    }
    for (int i = 0; i < LZ_NNAMES; i++)
        if (kept_name(&v, lz_names[i]))
            v.lz_kept |= (uint64_t)1 << i;
    if (v.lazy) {
        v.lazy->def_m = m;
        v.lazy->def_cache = cache;
        v.lazy->def_lines = kept_name(&v, "json_lines");
    }
    desc_outs_init(&v);
    /* Keys that cost time or only one target reads: built for the targets
     * whose templates name them, and for `msggen view` without a target. */
    v.gen_payload = names_key(&v, "generated_example");
    v.gen_headers = names_key(&v, "generated_headers_example");
    if ((v.gen_payload || v.gen_headers) && !cache)
        v.exgen = mg_exgen_new(m);
    v.http_keys = names_key(&v, "http_curl") || names_key(&v, "http_path");
    /* required_fields/optional_fields repeat every field (a third of a big
     * view's members): built only for targets whose templates name them
     * (type_view leaves them out for the others, filled below). */
    v.split_fields = names_key(&v, "required_fields") || names_key(&v, "optional_fields");
    v.share_names = cache != NULL;
    for (int c = 0; c < MG_CASE_COUNT && v.share_names; c++)
        if (plan_key_escaped(&v, mg_case_key((mg_case)c)))
            v.share_names = 0;
    cJSON *view = cJSON_CreateObject();

    cJSON *gen = cJSON_CreateObject();
    add_cs(gen, "name", cJSON_CreateString("msggen"));
    add_cs(gen, "version", cJSON_CreateString(MG_VERSION));
    add_cs(view, "generator", gen);

    cJSON *cat = cJSON_CreateObject();
    add_cs(cat, "title", cJSON_CreateString(m->title));
    add_cs(cat, "version", cJSON_CreateString(m->version));
    add_description(&v, cat, m->description);
    add_cs(cat, "name", model_name(&v, &m->name));
    add_cs(cat, "spec", cJSON_CreateString(m->spec == MG_SPEC_JSON_SCHEMA ? "jsonschema" : "asyncapi"));
    add_cs(cat, "spec_version", cJSON_CreateString(m->spec_version ? m->spec_version : ""));
    add_bool(cat, "is_asyncapi", m->spec != MG_SPEC_JSON_SCHEMA);
    add_bool(cat, "is_jsonschema", m->spec == MG_SPEC_JSON_SCHEMA);
    cJSON *servers = cJSON_Duplicate(m->servers, 1);
    /* The optional members templates read, null when a server leaves them out. */
    static const char *const server_keys[] = {"url", "protocol", "description", NULL};
    cJSON *srv;
    cJSON_ArrayForEach(srv, servers)
        fill_members(srv, server_keys);
    number_list(servers);
    add_bool(cat, "has_servers", cJSON_GetArraySize(servers) > 0);
    add_cs(cat, "servers", servers);
    cJSON *cat_ext = extensions_view(&v, m->doc, m->extensions);
    extension_defaults(cat_ext);
    add_cs(cat, "extensions", cat_ext);
    add_cs(view, "catalogue", cat);
    add_catalogue_reserved(&v, view);

    cJSON *types = cJSON_CreateArray();
    mg_mark *tm = calloc((size_t)m->ntypes + 1, sizeof *tm);
    cJSON **type_items = calloc((size_t)m->ntypes + 1, sizeof *type_items); /* by type index */
    if (!tm || !type_items)
        abort();
    int tpos = positions_batched(&v);
    for (int i = 0; i < m->ntypes; i++) {
        type_items[i] = type_view(&v, m->types[i], tpos ? i + 1 : 0, m->ntypes);
        cJSON_AddItemToArray(types, type_items[i]);
        tm[i] = m->types[i]->mark;
    }
    if (t)
        check_unique(&v, types, "id", tm, "type", NULL, NULL);
    free(tm);
    number_items(&v, types, !tpos);
    /* The validation plan, for targets that ask for it (helpers.vplan). */
    const cJSON *vopts = t ? mg_json_get(mg_json_get(t->desc, "helpers"), "vplan") : NULL;
    const mg_vplan_consts consts = {.list = plan_lazy_consts,
                                    .is_true = plan_lazy_true,
                                    .arg = v.lazy,
                                    .key_id = plan_lazy_id,
                                    .get = plan_lazy_get,
                                    .chain = plan_lazy_chain,
                                    .put = plan_lazy_put};
    cJSON *plan = cJSON_IsObject(vopts)
                      ? mg_vplan_build_shared(m, types, vopts, cache ? &cache->plan : NULL, plan_key_escaped,
                                              v.keep ? plan_member_kept : NULL, &v, v.lazy ? &consts : NULL, d)
                      : NULL;
    if (cJSON_IsObject(vopts) && !plan)
        v.failed = 1;
    /* The plan has read the types: their constants go, and the plan's,
     * before the messages are built (a view's peak was its end). A type's
     * own only: what is below it (fields, type infos, items) was made with
     * add_const, and a walk through it (two thirds of every member a sweep
     * visited) found next to nothing; what it would find stays a member. */
    if (v.lazy) {
        lazy_sweep_deep(&v, types, 0, 0);
        if (plan)
            lazy_sweep(&v, plan);
    }

    cJSON *msgs = cJSON_CreateArray();
    mg_mark *mm = calloc((size_t)m->nmessages + 1, sizeof *mm);
    if (!mm)
        abort();
    for (int i = 0; i < m->nmessages; i++) {
        cJSON *mv = message_view(&v, m->messages[i], type_items);
        /* Swept with the root's members, once add_interface has added
         * its own (one walk, not two). */
        cJSON_AddItemToArray(msgs, mv);
        mm[i] = m->messages[i]->mark;
    }
    if (t) {
        check_unique(&v, msgs, "id", mm, "message", NULL, NULL);
        check_unique(&v, msgs, "method", mm, "message", NULL, NULL);
        check_unique(&v, msgs, "constant", mm, "message", NULL, NULL);
    }
    free(mm);
    free(type_items);
    number_list_v(&v, msgs);
    add_interface(&v, view, cat, msgs);
    add_bool(view, "has_messages", m->nmessages > 0);
    add_cs(view, "messages", msgs);

    /* Escapes go where text is owned: the lists below share it. A lazy
     * view only notes where they go (mark_escapes); the messages and the
     * api's lists, which nothing changes from here on, in the sweep of the
     * root's members below (one walk, not two: 16 M instructions of 73 M
     * marking at 1 000 messages were theirs). */
    cJSON *mark_in_sweep[5] = {NULL, NULL, NULL, NULL, NULL};
    if (v.nrules) {
        void (*escape)(vctx *, cJSON *) = v.lazy ? mark_escapes : add_escapes;
        escape(&v, cat);
        escape(&v, types);
        static const char *const api_keys[] = {"operations", "channels", "servers", "security_schemes"};
        if (v.lazy) {
            mark_in_sweep[0] = msgs;
            for (int k = 0; k < 4; k++)
                mark_in_sweep[k + 1] = mg_json_get(view, api_keys[k]);
        } else {
            escape(&v, msgs);
            for (int k = 0; k < 4; k++)
                escape(&v, mg_json_get(view, api_keys[k]));
        }
        /* The plan's functions and patterns (most of its members) have
         * none of the keys a target escapes unless its raw plan says so:
         * then only http_api is walked (the plan's other members are
         * numbers and bools, beside which nothing is added). */
        if (plan && cache && cache->plan && !mg_vplan_raw_any_key(cache->plan, plan_key_escaped, &v))
            escape(&v, mg_json_get(plan, "http_api"));
        else if (plan)
            escape(&v, plan);
    }
    const cJSON *it;
    cJSON *ti;
    cJSON_ArrayForEach(ti, types) {
        if (!v.split_fields)
            break;
        cJSON *req = mg_json_get(ti, "required_fields");
        cJSON *opt = mg_json_get(ti, "optional_fields");
        const cJSON *f;
        cJSON_ArrayForEach(f, mg_json_get(ti, "fields")) {
            cJSON *sh = share_item(f);
            lazy_share(&v, sh, f);
            cJSON_AddItemToArray(view_true(&v, f, "required") ? req : opt, sh);
        }
        number_list_v(&v, req);
        number_list_v(&v, opt);
    }

    /* Subsets by kind, for targets that emit each kind in its own block. */
    static const char *const subsets[] = {"objects", "enums", "unions", "aliases"};
    cJSON *subset_lists[4];
    for (int k = 0; k < 4; k++) {
        cJSON *list = subset_lists[k] = cJSON_CreateArray();
        static const char *const has[] = {"has_objects", "has_enums", "has_unions", "has_aliases"};
        if (!kept_name(&v, subsets[k])) {
            /* A pruned view whose templates read no such list: its flag only. */
            static const mg_type_kind kinds[] = {MG_TYPE_OBJECT, MG_TYPE_ENUM, MG_TYPE_UNION, MG_TYPE_ALIAS};
            int any = 0;
            for (int i = 0; i < m->ntypes && !any; i++)
                any = m->types[i]->kind == kinds[k];
            cJSON_Delete(list);
            subset_lists[k] = NULL;
            add_bool(view, has[k], any);
            continue;
        }
        int type_index = 0;
        cJSON_ArrayForEach(it, types) {
            if (view_true(&v, it, k == 0 ? "is_object" : k == 1 ? "is_enum" : k == 2 ? "is_union" : "is_alias")) {
                /* index/first/last refer to the subset; `type_index` keeps
                 * the position in `types` (every type is an object: its
                 * `index` there, when it has one). */
                cJSON *e = share_item(it);
                lazy_share(&v, e, it);
                add_cs(e, "type_index", cJSON_CreateNumber(type_index));
                cJSON_AddItemToArray(list, e);
            }
            type_index++;
        }
        number_list_v(&v, list);
        add_bool(view, has[k], list->child != NULL);
        add_cs(view, subsets[k], list);
    }
    add_bool(view, "has_types", m->ntypes > 0);
    add_cs(view, "types", types);
    if (plan)
        add_cs(view, "validation", plan);
    add_extension_types(mg_json_get(cat, "extensions"), types);

    cJSON *tgt = t ? cJSON_Duplicate(mg_json_get(t->desc, "helpers"), 1) : NULL;
    if (!cJSON_IsObject(tgt)) {
        cJSON_Delete(tgt);
        tgt = cJSON_CreateObject();
    }
    cJSON_DeleteItemFromObjectCaseSensitive(tgt, "name");
    add_cs(tgt, "name", cJSON_CreateString(t && t->name ? t->name : "none"));
    add_cs(view, "target", tgt);
    if (v.lazy) {
        /* The root keeps its own: per-item contexts copy them (run.c).
         * Not walked again: the types, swept after the plan, and the
         * lists of shares made since (required_fields, optional_fields,
         * the kind subsets): a share's members are references or copies
         * of a swept item's (its first, those an escape reads) and
         * number_list's first and last (add_const's), so a sweep found
         * nothing there (only copies of what a type's sweep leaves, which
         * stay members as the originals do). */
        for (cJSON *c = view->child; c; c = c->next) {
            int mark = 0;
            for (int k = 0; k < 5; k++)
                mark |= c == mark_in_sweep[k];
            if (c != types && c != subset_lists[0] && c != subset_lists[1] && c != subset_lists[2] &&
                c != subset_lists[3] && c != plan && !raw_member(view, c->string))
                lazy_sweep_deep(&v, c, 1, mark);
            else if (mark)
                mark_escapes(&v, c);
        }
        lazy_finish(&v);
    }
    vctx_fini(&v);

    if (v.failed || d->errors > 0) {
        mg_view_escapes_free(v.lazy);
        cJSON_Delete(view);
        return NULL;
    }
    if (v.lazy)
        *cache->lazy_out = v.lazy;
    return view;
}

size_t mg_view_escapes_left_out(const mg_view_escapes *e)
{
    return e ? e->lz_members + e->def_members : 0;
}

/* A number as cJSON 1.7 prints it: %1.15g when that reads back, else
 * %1.17g; null for NaN and infinities. */
static void append_json_number(mg_buf *b, double d)
{
    if (isnan(d) || isinf(d)) {
        mg_buf_append_str(b, "null");
        return;
    }
    char out[64];
    /* An integer below 10^15 prints as its digits under %1.15g and reads
     * back exactly: written by hand (snprintf and strtod per number were
     * 2 400 instructions). -0 keeps the general path. */
    if (fabs(d) < 1e15 && d == (double)(long long)d && !(d == 0 && signbit(d))) {
        long long x = (long long)d;
        unsigned long long u = x < 0 ? 0ULL - (unsigned long long)x : (unsigned long long)x;
        char *e = out + sizeof out, *p = e;
        do
            *--p = (char)('0' + u % 10);
        while ((u /= 10) != 0);
        if (x < 0)
            *--p = '-';
        mg_buf_append(b, p, (size_t)(e - p));
        return;
    }
    snprintf(out, sizeof out, "%1.15g", d);
    double back = strtod(out, NULL);
    double max = fabs(back) > fabs(d) ? fabs(back) : fabs(d);
    if (!(fabs(back - d) <= max * DBL_EPSILON))
        snprintf(out, sizeof out, "%1.17g", d);
    mg_buf_append_str(b, out);
}

/* JSON.stringify(x, null, 2) layout: one member or element per line, empty
 * containers as {} and []; walks any template data source (the printed
 * view is what templates read). */
/* A newline and `depth` levels of two spaces, in one append (an append per
 * level was 244 M instructions of `msggen view -t c`). */
static void newline_indent(mg_buf *b, int depth)
{
    static const char nl[] = "\n                                                                "
                             "                                                                ";
    size_t n = 1 + 2 * (size_t)depth;
    if (n <= sizeof nl - 1) {
        mg_buf_append(b, nl, n);
        return;
    }
    mg_buf_append(b, nl, sizeof nl - 1);
    for (n -= sizeof nl - 1; n > 0;) {
        size_t k = n < sizeof nl - 2 ? n : sizeof nl - 2;
        mg_buf_append(b, nl + 1, k);
        n -= k;
    }
}

static void print_json(mg_buf *b, const mg_tpl_source *src, const void *v, int depth, mg_buf *scratch)
{
    mg_tv_kind k = src->kind(src->self, v);
    if (k == MG_TV_OBJECT || k == MG_TV_LIST) {
        int obj = k == MG_TV_OBJECT;
        const void *c = src->first(src->self, v);
        if (!c) {
            mg_buf_append(b, obj ? "{}" : "[]", 2);
            return;
        }
        mg_buf_putc(b, obj ? '{' : '[');
        for (; c; ) {
            newline_indent(b, depth + 1);
            if (obj) {
                append_json_string(b, src->key(src->self, c));
                mg_buf_append(b, ": ", 2);
            }
            print_json(b, src, c, depth + 1, scratch);
            c = src->next(src->self, c);
            if (c)
                mg_buf_putc(b, ',');
        }
        newline_indent(b, depth);
        mg_buf_putc(b, obj ? '}' : ']');
        return;
    }
    size_t n;
    switch (k) {
    case MG_TV_STRING:
        append_json_string(b, src->text(src->self, v, &n, scratch));
        break;
    case MG_TV_NUMBER:
        append_json_number(b, src->number(src->self, v));
        break;
    case MG_TV_TRUE:
        mg_buf_append(b, "true", 4);
        break;
    case MG_TV_FALSE:
        mg_buf_append(b, "false", 5);
        break;
    default:
        mg_buf_append(b, "null", 4);
    }
}

char *mg_view_print_source_new(const mg_tpl_source *src, const void *v)
{
    mg_buf b, scratch;
    mg_buf_init(&b);
    mg_buf_init(&scratch);
    print_json(&b, src, v, 0, &scratch);
    mg_buf_putc(&b, '\n');
    mg_buf_fini(&scratch);
    return mg_buf_steal(&b, NULL);
}

/* print_json over the cJSON source, without the calls through it: what it
 * gives for each kind of value (mustache.c's cj_kind and cj_text: raw JSON
 * a string, an unset string ""), walked directly (the examples' pretty
 * texts). */
static void print_cjson(mg_buf *b, const cJSON *j, int depth)
{
    int type = j->type & 0xFF;
    if (type == cJSON_Object || type == cJSON_Array) {
        int obj = type == cJSON_Object;
        const cJSON *c = j->child;
        if (!c) {
            mg_buf_append(b, obj ? "{}" : "[]", 2);
            return;
        }
        mg_buf_putc(b, obj ? '{' : '[');
        for (; c; c = c->next) {
            newline_indent(b, depth + 1);
            if (obj) {
                append_json_string(b, c->string);
                mg_buf_append(b, ": ", 2);
            }
            print_cjson(b, c, depth + 1);
            if (c->next)
                mg_buf_putc(b, ',');
        }
        newline_indent(b, depth);
        mg_buf_putc(b, obj ? '}' : ']');
        return;
    }
    switch (type) {
    case cJSON_String:
    case cJSON_Raw:
        append_json_string(b, j->valuestring ? j->valuestring : "");
        break;
    case cJSON_Number:
        append_json_number(b, j->valuedouble);
        break;
    case cJSON_True:
        mg_buf_append(b, "true", 4);
        break;
    case cJSON_False:
        mg_buf_append(b, "false", 5);
        break;
    default:
        mg_buf_append(b, "null", 4);
    }
}

char *mg_view_print_new(const cJSON *json)
{
    mg_buf b;
    mg_buf_init(&b);
    print_cjson(&b, json, 0);
    mg_buf_putc(&b, '\n');
    return mg_buf_steal(&b, NULL);
}
