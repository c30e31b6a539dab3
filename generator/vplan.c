/* vplan.c - compiles raw schemas into the validation plan (see vplan.h).
 *
 * Mirrors validate.c's validate_keywords: the keyword order, the conditions
 * under which a keyword applies, and the message texts must stay identical,
 * so that generated validators agree with the interpreting one.
 */
#include "vplan.h"

#include <assert.h>
#include <math.h>
#include <stddef.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "escape.h"
#include "hmap.h"
#include "pool.h"
#include "resolve.h"
#include "rx.h"
#include "text.h"
#include "util.h"
#include "validate.h"

/* Bits of the type mask: one per JSON type; "number" includes "integer". */
enum { T_NULL = 1, T_BOOLEAN = 2, T_INTEGER = 4, T_NUMBER = 8, T_STRING = 16, T_ARRAY = 32, T_OBJECT = 64 };

/* A cached answer of member_role, by the key's address (member_role_of). */
#define ROLE_CACHE 1024
typedef struct role_ent {
    const char *key;
    int role;
} role_ent;

/* A cached answer of is_fn_key, by the key's address (member_is_fn_key). */
#define FN_KEY_CACHE 1024
typedef struct fn_key_ent {
    const char *key;
    int is;    /* is_fn_key */
    int named; /* is_fn_key, or "validate_fn": copy_plan names it */
} fn_key_ent;

/* keyword_index of member names by their address, a direct-mapped cache
 * of KW_CACHE entries (pctx.kwc; all zero: empty; kw_of). A loaded document's
 * member names are interned (load.c), so a catalogue's few thousand
 * distinct names are each looked up about once, where a hash of the first
 * two bytes and a strcmp per member of every schema read (kw_read: 300 000
 * members at 1 000 messages) cost 25 M instructions. A name that is not
 * interned only misses. The names must stay unchanged while the cache is
 * used (one build_raw). */
#define KW_CACHE 512
typedef struct kw_ent {
    const char *name; /* NULL: empty */
    int kw;           /* keyword_index, or KW_REF */
} kw_ent;

/* A function's references (the members remap rewrites): noted as compile
 * makes them (add_ref), or gathered on its first remap, so that no round of
 * sharing walks the function for them. */
typedef struct fn_refs {
    uint32_t first; /* its first in the ref_pool, + 1 (0: none) */
    uint32_t last;  /* its last, + 1 */
    int done;       /* complete */
} fn_refs;

/* Every function's references, in one list: a function's are chained
 * through it (fn_refs), as functions are compiled inside one another. A
 * list grown per function was 24 000 reallocs and 37 000 frees at 1 000
 * messages. */
typedef struct ref_ent {
    cJSON *node;
    uint32_t next; /* the function's next, + 1 (0: none) */
} ref_ent;

typedef struct ref_pool {
    ref_ent *v;
    size_t n, cap;
} ref_pool;

/* Notes `node` as the last of refs' references. */
static void ref_note(ref_pool *p, fn_refs *refs, cJSON *node)
{
    if (p->n == p->cap) {
        if (p->cap >= UINT32_MAX / 2) /* its places are 32-bit */
            abort();
        p->v = mg_xgrow(p->v, p->n, &p->cap, sizeof *p->v);
    }
    p->v[p->n] = (ref_ent){node, 0};
    uint32_t at = (uint32_t)++p->n;
    if (refs->last)
        p->v[refs->last - 1].next = at;
    else
        refs->first = at;
    refs->last = at;
}

/* A function's schema, for its name and URI: the name of every schema is
 * needed, its URI only for a name made from it (a long name, a clash, a
 * file path with '#'), so the URI is made when asked (fn_uri). */
#define NO_NAME ((size_t)-1)
#define NO_URI ((size_t)-1)

/* What build_raw keeps about a node of a schema document, by its address:
 * its function (has_id: compile, alias_node), its structural hash (hashed:
 * schema_hash) and its name and URI (named: node_name, node_uri_at,
 * uri_hash_of). One table for the three (pctx.nodes): they were three tables
 * keyed by the same nodes, so a schema took three entries and up to six
 * probes. An entry is added by whichever asks first, each part filled in
 * when its flag is set. */
typedef struct node_ent {
    const cJSON *node;   /* key */
    const cJSON *parent; /* named: mg_doc_parent's, or NULL: the first node of its URI */
    uint64_t fnv;        /* uri_hash URI_HASHED: mg_hash_str's state after its relative URI */
    int id;              /* has_id: the function compile gave it */
    int index;           /* named: its index in `parent` when that is an array */
    uint32_t hash;       /* hashed: schema_hash's */
    unsigned has_id : 1, hashed : 1, named : 1;
    unsigned has_ref : 1;  /* hashed: a "$ref" string somewhere in what compile reads */
    unsigned uri_hash : 2; /* named: URI_UNHASHED, URI_HASHED or URI_TEXT (uri_hash_of) */
    size_t at;           /* named: the URI in c->uri_text (NUL-ended); NO_URI until node_uri_at makes it */
    size_t name_at, name_len; /* named: name_of_uri(text, 0) before "_root" and shortening, in
                               * c->name_text; name_at NO_NAME where the file's path has a '#' */
} node_ent;
enum { URI_UNHASHED, URI_HASHED, URI_TEXT };

typedef struct fn_src {
    const mg_doc *doc;
    const cJSON *node;
    size_t uri_at;            /* where "file#/pointer" starts in uri_text, or NO_URI: not made yet */
    size_t name_at, name_len; /* its name_of_uri(uri, 0) before shortening, in name_text;
                               * name_at NO_NAME: made from its URI */
} fn_src;

/* An object's set of constants left out (strip_fn), by its first member. */
typedef struct sig_ent {
    const cJSON *first;
    uint32_t sig;
    size_t at; /* its place in mg_vplan_raw.sobjs (SIZE_MAX: the object was freed, dd_part) */
} sig_ent;

typedef struct pctx {
    const mg_model *m;
    mg_diag *d;
    mg_escape literal;        /* helpers.vplan.literal: the context of *_lit strings */
    mg_buf *litbuf;           /* copy_plan's literal buffer (lit_item) */
    const char **lit_next;    /* or, for variant_of: the next of the escaped literals it refers to */
    int raw;                  /* 1: *_lit members keep the raw text, as cJSON_Raw items */
    int share;                /* 1: copy_plan refers to the raw plan's shared subtrees */
    fn_key_ent *fnkeys;       /* FN_KEY_CACHE entries */
    kw_ent kwc[KW_CACHE];     /* kw_read's keywords by name (compile, schema_hash, aliasing) */
    role_ent *roles;          /* ROLE_CACHE entries, or NULL */
    cJSON *functions;         /* the plan's list */
    cJSON *patterns;
    mg_hmap nodes;            /* node -> node_ent: each schema compiled once, hashed once, named once */
    int nfunctions;
    fn_src *src;              /* by function id: its schema, its name and, once made, its URI */
    size_t srccap;
    mg_buf uri_text;          /* the URIs made (node_uri_at, new_id), each ended by a NUL */
    mg_buf name_text;         /* node_name's names (node_ent.name_at), not ended */
    const char *root_dir;     /* function_names: the root file's folder, the URIs are relative to */
    int *alias;               /* by function id: the id it stands for (alias_node), or -1 */
    size_t aliascap;
    int memo;                 /* 1: a schema equal to one compiled before is an alias */
    int ncompiled;            /* functions compiled (not aliases) */
    int cur;                  /* the function compile_fn is making */
    fn_refs *refs;            /* by function id: its references, in refpool */
    size_t refcap;
    ref_pool refpool;
    mg_hmap memo_map;         /* memo_ent by schema_hash */
    const cJSON **fn_at;      /* after sharing: raw function by id (NULL: merged away) */
    const cJSON **copy_at;    /* the target's copy of fn_at[id], references named */
    const int *type_fn;       /* per model type: its function id, or -1 */
    mg_hmap type_by_id;       /* type view id -> type_ent */
    mg_hmap *shapes;          /* the raw plan's shape objects (shape_ent), or NULL: each field its own */
    const cJSON **plain_shapes; /* with shapes: those without elem_id, by plain_shape_slot */
    uint32_t *plain_at;       /* with shapes: their places in `shapes` */
    uint32_t *shape_at;       /* or NULL: set_shape sets it to its shape's place in `shapes` */
    /* With shapes, for a lazy view (consts->chain and ->put): shape
     * objects whose flags are shared (shape_lean), from shape_tails. */
    int lean_shapes;
    cJSON **shape_tails;      /* 32 (plain_shape_slot): the mg_vplan_raw's */
    int (*keep)(void *arg, const cJSON *member); /* copy_plan copies only these; NULL: all */
    const mg_vplan_consts *consts; /* the type views' constants that are not members, or NULL */
    int flag_ids[9];          /* consts->key_id of tr_flag_names (read_flags), when flag_by_id */
    int flag_by_id;           /* 1: read_flags asks consts->get for those, not consts->list */
    int ref_ids[4];           /* consts->key_id of ref_flag_names (ref_flags), when ref_by_id */
    int ref_by_id;            /* 1: ref_flags asks consts->get for those, not consts->is_true */
    void *keep_arg;
    int drop_rest;            /* 1: copy_plan leaves out `name_rest` (keep NULL, for variant_of) */
    uintptr_t canon_lo, canon_hi; /* copy_plan's source is a converted function (canonize): its
                                   * literals point into [lo, hi), each followed by its raw text */
    int canon;                /* 1: copy_plan's source is a converted function */
    char plain_extra[256];    /* the bytes the converted functions' context writes as they
                               * are and this target's does not (plain_extra) */
    int long_name;            /* a member name has 2 bytes or more: some name_rest has items */
    int failed;
    /* The constants left out of the converted functions (strip_consts). */
    const struct mg_vplan_raw *rawp; /* the raw plan copy_plan copies from, when converted */
    const struct fn_copies *cur_fl;  /* copy_plan's function's (copy_from), or NULL */
    const struct fn_copies **fn_fl;  /* by function id (with fn_at): its fn_copies, or NULL */
    int reg;                  /* 1: consts->chain and ->put answer for them (strip_register) */
    /* A raw plan made for a cache (build_raw with `conv`): each function
     * loses its constants as soon as it is compiled (strip_fn), into
     * strip_r's sets, and strip_at/strip_n[id] say which of strip_r->sobjs
     * are its objects; sig_of finds an object's set by its first member
     * (sig_ent) for share_functions, bare_type_name_of and mark_shared. */
    struct mg_vplan_raw *strip_r;
    size_t *strip_at, *strip_n;
    size_t strip_cap;
    mg_hmap sig_of;
    uint32_t *sig_chain;      /* reg: by strip_sig number, consts->chain's handle (0: not made) */
    /* The flags of the function being compiled for a cache (strip_f) that
     * strip_fn would leave out, never made members (fn_bool): pend[0..npend),
     * each function's after those of the functions it is compiled inside. */
    cJSON *strip_f;
    struct pend_ent *pend;
    size_t npend, pendcap;
} pctx;

/* A flag of function strip_f not made a member: it would follow member
 * `after` (the last member when it was added; members are only appended
 * while a function is compiled). */
typedef struct pend_ent {
    const char *key; /* a literal */
    int val;         /* cJSON_True, cJSON_False or cJSON_Array (an empty list) */
    const cJSON *after;
} pend_ent;

/* A `shape` object, shared by every field of that shape in every target's
 * plan (set_shape): a field's shape was 14 nodes, about 1 400 fields of a
 * view have under 200 distinct shapes. Kept by the raw plan (mg_vplan_raw),
 * which outlives the views. */
typedef struct {
    const char *container, *cls; /* literals of this file */
    char *elem_id;               /* owned */
    cJSON *obj;                  /* owned: every flag (NULL: not made yet) */
    cJSON *lean;                 /* owned: shape_lean's (NULL: not made yet); its tail is not */
} shape_ent;

/* Keys are string literals (the plan has tens of thousands of members): added
 * without a copy. */
/* mg_xgrow (util.h) only when there is no room: most calls have room, and
 * calling it for each of them (a function reference, a literal, a new id)
 * was about 20 M instructions of 1 000 messages. */
static inline void *grow(void *p, size_t n, size_t *cap, size_t size)
{
    return n < *cap ? p : mg_xgrow(p, n, cap, size);
}

static void add_cs(cJSON *o, const char *k, cJSON *item) { mg_json_add_cs(o, k, item); }
static void add_bool(cJSON *o, const char *k, int b) { add_cs(o, k, cJSON_CreateBool(b)); }
static void add_int(cJSON *o, const char *k, int n) { add_cs(o, k, cJSON_CreateNumber(n)); }

/* One step of the structural hashes (hash_json, schema_hash). */
static uint32_t mix(uint32_t h, uint32_t v)
{
    h ^= v;
    h *= 0x9E3779B1u;
    return h ^ (h >> 15);
}

/* A string literal of the target: the text escaped by the target's code
 * context (escape.h, the same rules as `{{x}}` in its files) between double
 * quotes. One set of rules for every string a target prints, so a literal
 * and a comment holding the same catalogue text can never disagree. */
static void lit_put(const pctx *c, mg_buf *b, const char *s);

static char *lit_new(const pctx *c, const char *s)
{
    mg_buf b;
    mg_buf_init(&b);
    lit_put(c, &b, s);
    return mg_buf_steal(&b, NULL);
}

/* A literal item: escaped into the caller's buffer, reused between
 * literals (copy_plan makes thousands per target), then copied once by
 * cJSON_CreateString. */
static cJSON *lit_item(const pctx *c, mg_buf *b, const char *s)
{
    mg_buf_reset(b);
    lit_put(c, b, s);
    return cJSON_CreateString(mg_buf_cstr(b));
}

/* Whether the literal of s[0..n) in context `e` is s itself between double
 * quotes: every byte but the single quotes (lit_put writes those as they
 * are) is plain there. */
static int lit_is_plain(mg_escape e, const char *s, size_t n)
{
    for (const char *q; (q = memchr(s, '\'', n)) != NULL; n -= (size_t)(q + 1 - s), s = q + 1)
        if (!mg_escape_is_plain(e, s, (size_t)(q - s)))
            return 0;
    return mg_escape_is_plain(e, s, n);
}

static void lit_put(const pctx *c, mg_buf *b, const char *s)
{
    size_t n = strlen(s);
    if (lit_is_plain(c->literal, s, n)) { /* most are: at once */
        mg_buf_reserve(b, n + 2);
        b->data[b->len++] = '"';
        memcpy(b->data + b->len, s, n);
        b->len += n;
        b->data[b->len++] = '"';
        b->data[b->len] = '\0';
        return;
    }
    mg_buf_putc(b, '"');
    /* A single quote needs no escape between double quotes in any code
     * context, and is common in messages ("must be one of 'a'"): it is
     * written as is, the text between escaped. No context rule spans a '. */
    for (const char *q; (q = strchr(s, '\'')) != NULL; s = q + 1) {
        mg_escape_append(b, c->literal, s, (size_t)(q - s));
        mg_buf_putc(b, '\'');
    }
    mg_escape_append(b, c->literal, s, strlen(s));
    mg_buf_putc(b, '"');
}

static void add_lit(const pctx *c, cJSON *o, const char *k, const char *s)
{
    if (c->raw) { /* made a literal per target by copy_plan */
        add_cs(o, k, cJSON_CreateRaw(s));
        return;
    }
    if (c->litbuf) {
        add_cs(o, k, lit_item(c, c->litbuf, s));
        return;
    }
    char *l = lit_new(c, s);
    add_cs(o, k, cJSON_CreateString(l));
    free(l);
}

/* A number literal every target reads back as the same double. */
static void add_num(cJSON *o, const char *k, double d)
{
    char buf[64];
    mg_validate_format_number(d, buf, sizeof buf);
    if (!strchr(buf, '.') && !strchr(buf, 'e') && !strchr(buf, 'n') && !strchr(buf, 'i'))
        strcat(buf, ".0");
    add_cs(o, k, cJSON_CreateString(buf));
}

static int type_bit(const char *t)
{
    static const char *const names[] = {"null", "boolean", "integer", "number", "string", "array", "object"};
    static const int bits[] = {T_NULL, T_BOOLEAN, T_INTEGER, T_NUMBER | T_INTEGER, T_STRING, T_ARRAY, T_OBJECT};
    for (int i = 0; i < 7; i++)
        if (!strcmp(t, names[i]))
            return bits[i];
    return 0;
}

/* Whether schema number n is an integer in int64's range, exactly as
 * written (its text when load.c kept one, load.h); if so, its decimal goes
 * to buf. INT64_MIN is written "-9223372036854775807 - 1", an expression C
 * and Python read as it, since C has no literal for it. */
static int int64_text(const cJSON *n, char *buf, size_t size)
{
    if (!n->valuestring) {
        double d = n->valuedouble;
        if (!(isfinite(d) && floor(d) == d && d >= -9223372036854775808.0 && d < 9223372036854775808.0))
            return 0;
        if (d == -9223372036854775808.0)
            snprintf(buf, size, "-9223372036854775807 - 1");
        else
            snprintf(buf, size, "%lld", (long long)d);
        return 1;
    }
    /* As the generated C's _rt_num_text_int: digits before the point,
     * scaled by the exponent; a nonzero digit after it is no integer. */
    const char *t = n->valuestring;
    int neg = *t == '-';
    t += *t == '-' || *t == '+';
    const char *m = t;
    while (*t && *t != 'e' && *t != 'E')
        t++;
    const char *mend = t, *dot = memchr(m, '.', (size_t)(mend - m));
    long e = 0;
    if (*t) {
        int eneg = *++t == '-';
        t += *t == '-' || *t == '+';
        for (; *t >= '0' && *t <= '9'; t++)
            if (e < 100000)
                e = e * 10 + (*t - '0');
        e = eneg ? -e : e;
    }
    long point = (long)((dot ? dot : mend) - m) + e, k = 0;
    uint64_t u = 0;
    for (const char *p = m; p < mend; p++) {
        if (*p == '.' || *p == '_')
            continue;
        if (*p < '0' || *p > '9')
            return 0; /* not decimal text: left to the double */
        unsigned dg = (unsigned)(*p - '0');
        if (k++ >= point) {
            if (dg)
                return 0;
        } else if (u > (UINT64_MAX - dg) / 10) {
            return 0;
        } else {
            u = u * 10 + dg;
        }
    }
    for (; k < point && u; k++)
        if (u > UINT64_MAX / 10)
            return 0;
        else
            u *= 10;
    if (u > (uint64_t)INT64_MAX + (uint64_t)neg)
        return 0;
    if (neg && u == (uint64_t)INT64_MAX + 1)
        snprintf(buf, size, "-9223372036854775807 - 1");
    else
        snprintf(buf, size, "%s%llu", neg && u ? "-" : "", (unsigned long long)u);
    return 1;
}

/* Adds is_int_<k> and <k>_int (int64_text) to o. */
static void add_int64(cJSON *o, const char *is_key, const char *key, const cJSON *n)
{
    char buf[48];
    int is = n && cJSON_IsNumber(n) && int64_text(n, buf, sizeof buf);
    add_bool(o, is_key, is);
    add_cs(o, key, cJSON_CreateString(is ? buf : "0"));
}

/* A JSON value for equality checks (enum, const). */
static cJSON *value_item(const pctx *c, const cJSON *v)
{
    cJSON *o = cJSON_CreateObject();
    add_bool(o, "is_string", cJSON_IsString(v));
    add_bool(o, "is_number", cJSON_IsNumber(v));
    add_bool(o, "is_true", cJSON_IsTrue(v));
    add_bool(o, "is_false", cJSON_IsFalse(v));
    add_bool(o, "is_null", cJSON_IsNull(v));
    add_bool(o, "is_composite", cJSON_IsArray(v) || cJSON_IsObject(v));
    if (cJSON_IsString(v))
        add_lit(c, o, "lit", v->valuestring ? v->valuestring : "");
    else
        add_cs(o, "lit", cJSON_CreateString(""));
    if (cJSON_IsNumber(v))
        add_num(o, "num", v->valuedouble);
    else
        add_cs(o, "num", cJSON_CreateString("0.0"));
    add_int64(o, "is_int_num", "num_int", v);
    char *json = mg_validate_print_exact(v);
    add_lit(c, o, "json_lit", json ? json : "null");
    cJSON_free(json);
    return o;
}

/* Adds function reference `id` as member `k` of `o`, a part of the
 * function being compiled, and notes it for sharing (remap). */
static void add_ref(pctx *c, cJSON *o, const char *k, int id)
{
    cJSON *n = cJSON_CreateNumber(id);
    add_cs(o, k, n);
    ref_note(&c->refpool, &c->refs[c->cur], n);
}

/* add_bool of a function's own flag. For a cache, the function being
 * compiled (c->strip_f, its first member made) keeps a flag as strip_fn
 * would leave it out, instead of making a member strip_consts frees at
 * once: 340 000 flags at 1 000 synthetic messages, about 20 M instructions
 * of making, linking and freeing them. */
static inline void fn_bool(pctx *c, cJSON *f, const char *k, int b)
{
    if (f != c->strip_f || !f->child) {
        add_bool(f, k, b);
        return;
    }
    c->pend = grow(c->pend, c->npend, &c->pendcap, sizeof *c->pend);
    c->pend[c->npend++] = (pend_ent){k, b ? cJSON_True : cJSON_False, f->child->prev};
}

/* add_cs of a function's own list `list` (NULL: an empty one), which it
 * takes. For a cache, an empty list is kept as fn_bool keeps a flag (strip_fn
 * would leave it out): 13 of a function's lists are empty as a rule, about
 * 130 000 lists at 1 000 synthetic messages made, linked and freed. */
static void fn_list_add(pctx *c, cJSON *f, const char *k, cJSON *list)
{
    if (list && list->child) {
        add_cs(f, k, list);
        return;
    }
    if (f != c->strip_f || !f->child) {
        add_cs(f, k, list ? list : cJSON_CreateArray());
        return;
    }
    cJSON_Delete(list);
    c->pend = grow(c->pend, c->npend, &c->pendcap, sizeof *c->pend);
    c->pend[c->npend++] = (pend_ent){k, cJSON_Array, f->child->prev};
}

static cJSON *fn_ref(pctx *c, int id)
{
    cJSON *o = cJSON_CreateObject();
    add_ref(c, o, "fn", id);
    return o;
}

static int compile(pctx *c, const mg_doc *doc, const cJSON *node);

/* The pattern's entry in the plan's table, added on first use with its
 * linear-time program (rx.h) as `prog` ("op,arg,...", for the targets' VMs).
 * A pattern rx cannot compile is matched by each target's own regex engine,
 * which may backtrack: say so when generating, at the pattern. */
static cJSON *pattern_ref(pctx *c, const char *p, const mg_doc *doc, const cJSON *node, int key)
{
    int i = 0;
    const cJSON *e;
    cJSON_ArrayForEach(e, c->patterns) {
        if (!strcmp(cJSON_GetStringValue(mg_json_get(e, "source")), p))
            break;
        i++;
    }
    if (!e) {
        cJSON *o = cJSON_CreateObject();
        add_int(o, "pattern", i);
        add_cs(o, "source", cJSON_CreateString(p));
        add_lit(c, o, "lit", p);
        int *prog;
        size_t len;
        const char *why;
        if (mg_rx_compile(p, &prog, &len, &why) == 0) {
            mg_buf b;
            mg_buf_init(&b);
            for (size_t k = 0; k < len; k++)
                mg_buf_appendf(&b, k ? ",%d" : "%d", prog[k]);
            add_bool(o, "has_prog", 1);
            add_cs(o, "prog", cJSON_CreateString(mg_buf_cstr(&b)));
            mg_buf_fini(&b);
            free(prog);
        } else {
            add_bool(o, "has_prog", 0);
            add_cs(o, "prog", cJSON_CreateString(""));
            (key ? mg_doc_key_warning : mg_doc_warning)(c->d, doc, node,
                                                        "pattern '%s' has %s: the generated Python and TypeScript validators match it "
                                                        "with a backtracking regex, without a time limit (C and msggen validate stop at "
                                                        "PCRE2's backtracking limit)",
                                                        p, why);
        }
        cJSON_AddItemToArray(c->patterns, o);
    }
    cJSON *r = cJSON_CreateObject();
    add_int(r, "pattern", i);
    return r;
}

static const char *plural(double n, const char *one, const char *many) { return n == 1 ? one : many; }

static const char *const known_formats[] = {"date-time", "date", "time", "email", "hostname",
                                            "ipv4", "ipv6", "uri", "uuid", "regex"};

/* What compile does with a keyword's value (schema_eq). */
enum {
    K_JSON,    /* data: compared as JSON */
    K_SCHEMA,  /* a schema */
    K_SCHEMAS, /* a list of schemas, or one schema */
    K_PROPS,   /* an object of schemas by name */
    K_DEPS     /* an object of name lists or schemas by name */
};

/* Every keyword compile reads besides "$ref" (which makes it read nothing
 * else): a keyword compile reads must be here, or schemas that differ in it
 * would share a function. */
/* The keywords' places in keywords[]. */
enum {
    KW_type,
    KW_nullable,
    KW_enum,
    KW_const,
    KW_minimum,
    KW_maximum,
    KW_exclusiveMinimum,
    KW_exclusiveMaximum,
    KW_multipleOf,
    KW_format,
    KW_minLength,
    KW_maxLength,
    KW_pattern,
    KW_minItems,
    KW_maxItems,
    KW_uniqueItems,
    KW_items,
    KW_additionalItems,
    KW_prefixItems,
    KW_contains,
    KW_required,
    KW_properties,
    KW_patternProperties,
    KW_additionalProperties,
    KW_propertyNames,
    KW_minProperties,
    KW_maxProperties,
    KW_dependencies,
    KW_allOf,
    KW_anyOf,
    KW_oneOf,
    KW_not,
    KW_if,
    KW_then,
    KW_else,
    KW_COUNT
};

static const struct {
    const char *name;
    int mode;
} keywords[] = {
    [KW_type] = {"type", K_JSON},
    [KW_nullable] = {"nullable", K_JSON},
    [KW_enum] = {"enum", K_JSON},
    [KW_const] = {"const", K_JSON},
    [KW_minimum] = {"minimum", K_JSON},
    [KW_maximum] = {"maximum", K_JSON},
    [KW_exclusiveMinimum] = {"exclusiveMinimum", K_JSON},
    [KW_exclusiveMaximum] = {"exclusiveMaximum", K_JSON},
    [KW_multipleOf] = {"multipleOf", K_JSON},
    [KW_format] = {"format", K_JSON},
    [KW_minLength] = {"minLength", K_JSON},
    [KW_maxLength] = {"maxLength", K_JSON},
    [KW_pattern] = {"pattern", K_JSON},
    [KW_minItems] = {"minItems", K_JSON},
    [KW_maxItems] = {"maxItems", K_JSON},
    [KW_uniqueItems] = {"uniqueItems", K_JSON},
    [KW_items] = {"items", K_SCHEMAS},
    [KW_additionalItems] = {"additionalItems", K_SCHEMA},
    [KW_prefixItems] = {"prefixItems", K_SCHEMAS},
    [KW_contains] = {"contains", K_SCHEMA},
    [KW_required] = {"required", K_JSON},
    [KW_properties] = {"properties", K_PROPS},
    [KW_patternProperties] = {"patternProperties", K_PROPS},
    [KW_additionalProperties] = {"additionalProperties", K_SCHEMA},
    [KW_propertyNames] = {"propertyNames", K_SCHEMA},
    [KW_minProperties] = {"minProperties", K_JSON},
    [KW_maxProperties] = {"maxProperties", K_JSON},
    [KW_dependencies] = {"dependencies", K_DEPS},
    [KW_allOf] = {"allOf", K_SCHEMAS},
    [KW_anyOf] = {"anyOf", K_SCHEMAS},
    [KW_oneOf] = {"oneOf", K_SCHEMAS},
    [KW_not] = {"not", K_SCHEMA},
    [KW_if] = {"if", K_SCHEMA},
    [KW_then] = {"then", K_SCHEMA},
    [KW_else] = {"else", K_SCHEMA},
};
#define NKEYWORDS (sizeof keywords / sizeof *keywords)
_Static_assert(NKEYWORDS == KW_COUNT, "a place per keyword");

/* The keywords by their first two bytes (kw_slot): bit i is keywords[i].
 * Made on first use. A schema's members are mostly not keywords
 * (description, examples, ...): a compare with each keyword of the same
 * first byte was a tenth of compiling. */
static uint64_t kw_by_slot[256];
static int kw_made;

static unsigned kw_slot(const char *k)
{
    return ((unsigned char)k[0] * 31u + (unsigned char)k[1]) & 255u;
}

/* The index of keyword `k` in keywords[], or -1. */
static int keyword_index(const char *k)
{
    _Static_assert(NKEYWORDS <= 64, "a bit per keyword");
    if (!k || !k[0])
        return -1;
    if (!kw_made) {
        for (size_t i = 0; i < NKEYWORDS; i++)
            kw_by_slot[kw_slot(keywords[i].name)] |= (uint64_t)1 << i;
        kw_made = 1;
    }
    for (uint64_t m = kw_by_slot[kw_slot(k)]; m; m &= m - 1) {
        int i = __builtin_ctzll(m);
        if (!strcmp(keywords[i].name, k))
            return i;
    }
    return -1;
}

/* A schema's keyword members, the first of each name as mg_json_get finds
 * it; `ref` is its "$ref" when a string (then compile reads nothing else). */
typedef struct kw_members {
    const cJSON *ref;
    uint64_t has; /* bit i: v[i] is set (the others are not) */
    const cJSON *v[NKEYWORDS];
} kw_members;

/* kw_of's answer for "$ref" (keyword_index has none for it). */
#define KW_REF (-2)

static int kw_of(kw_ent *kc, const char *k)
{
    kw_ent *e = &kc[mg_addr_slot(k, KW_CACHE)];
    if (e->name != k) {
        e->name = k;
        e->kw = k[0] == '$' && !strcmp(k, "$ref") ? KW_REF : keyword_index(k);
    }
    return e->kw;
}

static void kw_read(kw_ent *kc, const cJSON *s, kw_members *k)
{
    k->ref = NULL;
    k->has = 0;
    int ref_seen = 0;
    for (const cJSON *m = s->child; m; m = m->next) {
        if (!m->string)
            continue;
        int i = kw_of(kc, m->string);
        if (i == KW_REF) { /* the first "$ref"; a later one is no keyword */
            if (!ref_seen && cJSON_IsString(m))
                k->ref = m;
            ref_seen = 1;
            continue;
        }
        if (i >= 0 && !(k->has >> i & 1)) {
            k->has |= (uint64_t)1 << i;
            k->v[i] = m;
        }
    }
}

/* Keyword `i` of schema `k` (KW_*): as mg_json_get finds it, or NULL. */
static const cJSON *kw_get(const kw_members *k, int i)
{
    return k->has >> i & 1 ? k->v[i] : NULL;
}

/* ---- one schema object ------------------------------------------------ */

static void compile_type(pctx *c, cJSON *f, const cJSON *type, const cJSON *nullable)
{
    int has = cJSON_IsString(type) || cJSON_IsArray(type);
    fn_bool(c, f, "has_type", has);
    int mask = 0;
    mg_buf m;
    mg_buf_init(&m);
    mg_buf_append_str(&m, "expected ");
    int n = 0;
    if (cJSON_IsString(type)) {
        mask = type_bit(type->valuestring);
        mg_buf_append_str(&m, type->valuestring);
        n++;
    } else if (cJSON_IsArray(type)) {
        const cJSON *t;
        cJSON_ArrayForEach(t, type)
            if (cJSON_IsString(t)) {
                mask |= type_bit(t->valuestring);
                mg_buf_append_str(&m, n++ ? " or " : "");
                mg_buf_append_str(&m, t->valuestring);
            }
    }
    if (cJSON_IsTrue(nullable)) {
        mask |= T_NULL;
        mg_buf_append_str(&m, n ? " or null" : "null");
    }
    add_int(f, "type_mask", mask);
    add_lit(c, f, "type_expected_lit", has ? mg_buf_cstr(&m) : "");
    mg_buf_fini(&m);
}

static void compile_enum_const(pctx *c, cJSON *f, const cJSON *en, const cJSON *cn)
{
    int has_enum = cJSON_IsArray(en);
    fn_bool(c, f, "has_enum", has_enum);
    cJSON *vals = cJSON_CreateArray();
    mg_buf m;
    mg_buf_init(&m);
    if (has_enum) {
        mg_buf_append_str(&m, "must be one of ");
        int n = 0;
        const cJSON *v;
        cJSON_ArrayForEach(v, en) {
            cJSON_AddItemToArray(vals, value_item(c, v));
            if (n > 10)
                continue;
            if (n == 10) {
                mg_buf_append_str(&m, ", ...");
                n++;
                continue;
            }
            if (n)
                mg_buf_append_str(&m, ", ");
            mg_validate_append_value(&m, v);
            n++;
        }
    }
    fn_list_add(c, f, "enum_values", vals);
    add_lit(c, f, "enum_message_lit", mg_buf_cstr(&m));
    mg_buf_reset(&m);
    fn_bool(c, f, "has_const", cn != NULL);
    if (cn) {
        add_cs(f, "const_value", value_item(c, cn));
        mg_buf_append_str(&m, "must be equal to ");
        mg_validate_append_value(&m, cn);
    }
    add_lit(c, f, "const_message_lit", mg_buf_cstr(&m));
    mg_buf_fini(&m);
}

/* A check names its kind with one true flag; every other kind's flag is
 * there too, false, so that templates testing {{#is_multiple}} on any check
 * find the key (strict rendering) in the check itself. */
static const char *const check_kinds[] = {
    "is_compare", "is_multiple", "is_int32", "is_int64", "is_min_length", "is_max_length",
    "is_pattern", "is_format", "is_min_items", "is_max_items", "is_min_props", "is_max_props",
};

static cJSON *check_flags(cJSON *o, const char *kind)
{
    for (size_t i = 0; i < sizeof check_kinds / sizeof *check_kinds; i++)
        add_bool(o, check_kinds[i], !strcmp(check_kinds[i], kind));
    return o;
}

static cJSON *check_new(const char *kind)
{
    return check_flags(cJSON_CreateObject(), kind);
}

/* A check against `limit`; `n`, the schema number it came from (NULL for a
 * count), also gives it exactly when an integer (is_int_limit, limit_int). */
static void add_check(pctx *c, cJSON *list, const char *kind, const char *op, double limit,
                      const cJSON *n, const char *msg)
{
    cJSON *o = check_new(kind);
    add_cs(o, "op", cJSON_CreateString(op));
    add_num(o, "limit", limit);
    add_int64(o, "is_int_limit", "limit_int", n);
    add_lit(c, o, "message_lit", msg);
    cJSON_AddItemToArray(list, o);
}

static void compile_number(pctx *c, cJSON *f, const kw_members *s)
{
    cJSON *list = cJSON_CreateArray();
    const cJSON *minimum = kw_get(s, KW_minimum);
    const cJSON *maximum = kw_get(s, KW_maximum);
    const cJSON *exmin = kw_get(s, KW_exclusiveMinimum);
    const cJSON *exmax = kw_get(s, KW_exclusiveMaximum);
    const cJSON *mult = kw_get(s, KW_multipleOf);
    const cJSON *format = kw_get(s, KW_format);
    char num[40], msg[96];
    if (cJSON_IsNumber(minimum)) {
        int ex = cJSON_IsTrue(exmin);
        mg_validate_format_number_node(minimum, num, sizeof num);
        snprintf(msg, sizeof msg, "must be %s %s", ex ? ">" : ">=", num);
        add_check(c, list, "is_compare", ex ? ">" : ">=", minimum->valuedouble, minimum, msg);
    }
    if (cJSON_IsNumber(maximum)) {
        int ex = cJSON_IsTrue(exmax);
        mg_validate_format_number_node(maximum, num, sizeof num);
        snprintf(msg, sizeof msg, "must be %s %s", ex ? "<" : "<=", num);
        add_check(c, list, "is_compare", ex ? "<" : "<=", maximum->valuedouble, maximum, msg);
    }
    if (cJSON_IsNumber(exmin)) {
        mg_validate_format_number_node(exmin, num, sizeof num);
        snprintf(msg, sizeof msg, "must be > %s", num);
        add_check(c, list, "is_compare", ">", exmin->valuedouble, exmin, msg);
    }
    if (cJSON_IsNumber(exmax)) {
        mg_validate_format_number_node(exmax, num, sizeof num);
        snprintf(msg, sizeof msg, "must be < %s", num);
        add_check(c, list, "is_compare", "<", exmax->valuedouble, exmax, msg);
    }
    if (cJSON_IsNumber(mult)) {
        mg_validate_format_number_node(mult, num, sizeof num);
        snprintf(msg, sizeof msg, "must be a multiple of %s", num);
        add_check(c, list, "is_multiple", "", mult->valuedouble, NULL, msg);
    }
    if (cJSON_IsString(format) && !strcmp(format->valuestring, "int32"))
        add_check(c, list, "is_int32", "", 0, NULL, "must be a valid int32 (format)");
    if (cJSON_IsString(format) && !strcmp(format->valuestring, "int64"))
        add_check(c, list, "is_int64", "", 0, NULL, "must be a valid int64 (format)");
    fn_bool(c, f, "has_number_checks", cJSON_GetArraySize(list) > 0);
    fn_list_add(c, f, "number_checks", list);
}

static void compile_string(pctx *c, cJSON *f, const mg_doc *doc, const kw_members *s)
{
    cJSON *list = cJSON_CreateArray();
    const cJSON *minlen = kw_get(s, KW_minLength);
    const cJSON *maxlen = kw_get(s, KW_maxLength);
    const cJSON *pattern = kw_get(s, KW_pattern);
    const cJSON *format = kw_get(s, KW_format);
    char msg[128];
    fn_bool(c, f, "needs_length", cJSON_IsNumber(minlen) || cJSON_IsNumber(maxlen));
    if (cJSON_IsNumber(minlen)) {
        double m = minlen->valuedouble;
        snprintf(msg, sizeof msg, "must be at least %.0f %s", m, plural(m, "character", "characters"));
        add_check(c, list, "is_min_length", "<", m, NULL, msg);
    }
    if (cJSON_IsNumber(maxlen)) {
        double m = maxlen->valuedouble;
        snprintf(msg, sizeof msg, "must be at most %.0f %s", m, plural(m, "character", "characters"));
        add_check(c, list, "is_max_length", ">", m, NULL, msg);
    }
    if (cJSON_IsString(pattern)) {
        cJSON *o = pattern_ref(c, pattern->valuestring, doc, pattern, 0);
        check_flags(o, "is_pattern");
        mg_buf b;
        mg_buf_init(&b);
        mg_buf_appendf(&b, "does not match pattern '%s'", pattern->valuestring);
        add_lit(c, o, "message_lit", mg_buf_cstr(&b));
        mg_buf_fini(&b);
        cJSON_AddItemToArray(list, o);
    }
    if (cJSON_IsString(format))
        for (size_t i = 0; i < sizeof known_formats / sizeof *known_formats; i++)
            if (!strcmp(format->valuestring, known_formats[i])) {
                cJSON *o = check_new("is_format");
                char id[16];
                snprintf(id, sizeof id, "%s", known_formats[i]);
                for (char *p = id; *p; p++)
                    if (*p == '-')
                        *p = '_';
                add_cs(o, "format", cJSON_CreateString(id));
                snprintf(msg, sizeof msg, "must be a valid %s (format)", known_formats[i]);
                add_lit(c, o, "message_lit", msg);
                cJSON_AddItemToArray(list, o);
            }
    fn_bool(c, f, "has_string_checks", cJSON_GetArraySize(list) > 0);
    fn_list_add(c, f, "string_checks", list);
}

/* has_KEY and KEY: a function reference, or none. */
#define add_fn(o, key, id) add_fn_(c, (o), "has_" key, key, (id))
static void add_fn_(pctx *c, cJSON *o, const char *has, const char *key, int id)
{
    fn_bool(c, o, has, id >= 0);
    add_ref(c, o, key, id < 0 ? 0 : id);
}

static cJSON *fn_list(pctx *c, const mg_doc *doc, const cJSON *arr)
{
    cJSON *list = cJSON_CreateArray();
    int i = 0;
    const cJSON *e;
    cJSON_ArrayForEach(e, arr) {
        cJSON *o = fn_ref(c, compile(c, doc, e));
        add_bool(o, "is_first", i == 0);
        add_int(o, "index", i++);
        cJSON_AddItemToArray(list, o);
    }
    return list;
}

static void compile_array(pctx *c, cJSON *f, const mg_doc *doc, const kw_members *s)
{
    const cJSON *minitems = kw_get(s, KW_minItems);
    const cJSON *maxitems = kw_get(s, KW_maxItems);
    const cJSON *unique = kw_get(s, KW_uniqueItems);
    const cJSON *items = kw_get(s, KW_items);
    const cJSON *additems = kw_get(s, KW_additionalItems);
    const cJSON *prefix = kw_get(s, KW_prefixItems);
    if (cJSON_IsArray(prefix)) {
        /* 2020-12 tuples: as validate.c, prefixItems are the positions and
         * `items` the rest (draft-07's items list and additionalItems). */
        additems = items;
        items = prefix;
    }
    const cJSON *contains = kw_get(s, KW_contains);
    cJSON *list = cJSON_CreateArray();
    char msg[96];
    if (cJSON_IsNumber(minitems)) {
        double m = minitems->valuedouble;
        snprintf(msg, sizeof msg, "must have at least %.0f %s", m, plural(m, "item", "items"));
        add_check(c, list, "is_min_items", "<", m, NULL, msg);
    }
    if (cJSON_IsNumber(maxitems)) {
        double m = maxitems->valuedouble;
        snprintf(msg, sizeof msg, "must have at most %.0f %s", m, plural(m, "item", "items"));
        add_check(c, list, "is_max_items", ">", m, NULL, msg);
    }
    int nchecks = cJSON_GetArraySize(list);
    fn_list_add(c, f, "count_checks", list);
    fn_bool(c, f, "has_count_checks", nchecks > 0);
    fn_bool(c, f, "unique_items", cJSON_IsTrue(unique));
    int tuple = cJSON_IsArray(items);
    fn_bool(c, f, "has_items", items != NULL);
    add_fn(f, "items_fn", items && !tuple ? compile(c, doc, items) : -1);
    fn_bool(c, f, "has_tuple", tuple);
    fn_list_add(c, f, "tuple", tuple ? fn_list(c, doc, items) : NULL);
    fn_bool(c, f, "additional_items_false", tuple && cJSON_IsFalse(additems));
    add_fn(f, "additional_items_fn", tuple && additems && !cJSON_IsFalse(additems) ? compile(c, doc, additems) : -1);
    add_fn(f, "contains_fn", contains ? compile(c, doc, contains) : -1);
    fn_bool(c, f, "has_array_checks", nchecks > 0 || cJSON_IsTrue(unique) || items || contains);
}

/* A property's member of the plan, by its name (compile_object). */
typedef struct mem_ent {
    const char *name;
    cJSON *mem;
} mem_ent;

static int cmp_member(const void *a, const void *b)
{
    const char *s = ((const mem_ent *)a)->name, *t = ((const mem_ent *)b)->name;
    int d = (unsigned char)s[0] - (unsigned char)t[0];
    return d ? d : strcmp(s, t);
}

/* The key of name_rest's list, by address: hash_json skips it. */
static const char key_name_rest[] = "name_rest";
/* The member before it: a converted plan (canonize) has no name_rest, and
 * copy_plan puts the list back after this key where a target keeps it. */
static const char key_name_len[] = "name_len";

/* The bytes of a member name after the first (a switch has matched that one),
 * for an inline comparison that stops at the key's own terminator. The raw
 * plan holds a null in its place (an object and two numbers per byte of
 * every member name were the largest part of the raw plan, and no template
 * reads them): copy_plan makes the list from the member's `name`. */
static cJSON *name_rest(const char *name)
{
    cJSON *list = cJSON_CreateArray();
    for (size_t i = 1; name[0] && name[i]; i++) {
        cJSON *o = cJSON_CreateObject();
        add_int(o, "index", (int)i);
        add_int(o, "byte", (unsigned char)name[i]);
        cJSON_AddItemToArray(list, o);
    }
    return list;
}

/* The member hash of the generated C runtime: templates/c/internal.h.mustache
 * spells the same formula (_mhash there; tests/c-target and tests/c-suite fail
 * if the two differ, as every hashed member would then go unfound). The
 * length and the first and last eight bytes of the name (little-endian
 * words), so a key costs a few instructions and one comparison instead of
 * a binary search with strcmp (issue 17). */
static uint64_t member_word(const unsigned char *k, size_t n)
{
    uint64_t w = 0;
    for (size_t i = n; i-- > 0;)
        w = w << 8 | k[i];
    return w;
}

/* The part of the member hash that depends on the name only; the slot is
 * (key * mult) >> (64 - bits) (member_slot). */
static uint64_t member_key(const unsigned char *k, size_t n)
{
    uint64_t a, b;
    if (n >= 8) {
        a = member_word(k, 8);
        b = member_word(k + n - 8, 8);
    } else if (n >= 4) {
        a = member_word(k, 4);
        b = member_word(k + n - 4, 4);
    } else {
        a = n ? (uint64_t)k[0] | (uint64_t)k[n >> 1] << 8 | (uint64_t)k[n - 1] << 16 : 0;
        b = 0;
    }
    return (a ^ (b * 0x9E3779B97F4A7C15ULL)) + n;
}

static uint32_t member_slot(uint64_t key, uint64_t mult, int bits)
{
    return (uint32_t)((key * mult) >> (64 - bits));
}

/* Appends `v` in decimal, as "%u" prints it (mg_buf_appendf per slot was a
 * sixth of add_member_hash). */
static void put_uint(mg_buf *b, unsigned v)
{
    char t[16];
    size_t i = sizeof t;
    do
        t[--i] = (char)('0' + v % 10);
    while ((v /= 10) != 0);
    mg_buf_append(b, t + i, sizeof t - i);
}

/* A perfect hash of the n member names (in the order of the C array): a
 * multiplier and a table size (2^bits slots, at most 8 per member) under
 * which no two names share a slot. Sets the `member_hash_*` keys; none found
 * (names alike in length and in the bytes read), has_member_hash is
 * false and the runtime searches the sorted names. Each name's key is made
 * once, not once per multiplier tried (up to 1 024 tries: 12 M instructions
 * of a generate when each try looked the names up again). */
static void add_member_hash(pctx *c, cJSON *f, const mem_ent *arr, int n)
{
    int base = 1;
    while ((1 << base) < n)
        base++;
    uint16_t *slots = NULL;
    uint64_t *keys = malloc(((size_t)n + 1) * sizeof *keys);
    if (!keys)
        abort();
    for (int i = 0; i < n; i++) {
        const char *name = arr[i].name;
        keys[i] = member_key((const unsigned char *)name, strlen(name));
    }
    for (int bits = base; n > 0 && bits <= base + 3 && bits <= 16; bits++) {
        size_t cap = (size_t)1 << bits;
        if (!(slots = realloc(slots, cap * sizeof *slots)))
            abort();
        for (uint64_t k = 0; k < 256; k++) {
            uint64_t mult = (0xC2B2AE3D27D4EB4FULL + k * 0x165667B19E3779F9ULL) | 1u;
            memset(slots, 0, cap * sizeof *slots);
            int i;
            for (i = 0; i < n; i++) {
                uint32_t h = member_slot(keys[i], mult, bits);
                if (slots[h])
                    break;
                slots[h] = (uint16_t)(i + 1);
            }
            if (i < n)
                continue;
            mg_buf b;
            mg_buf_init(&b);
            for (size_t j = 0; j < cap; j++) {
                if (j)
                    mg_buf_putc(&b, ',');
                put_uint(&b, slots[j]);
            }
            char m[32]; /* as "0x%016llXULL" prints it (snprintf was a tenth of add_member_hash) */
            m[0] = '0';
            m[1] = 'x';
            for (int d = 0; d < 16; d++)
                m[2 + d] = "0123456789ABCDEF"[mult >> (60 - 4 * d) & 0xF];
            memcpy(m + 18, "ULL", 4);
            fn_bool(c, f, "has_member_hash", 1);
            add_int(f, "member_hash_bits", bits);
            add_cs(f, "member_hash_mult", cJSON_CreateString(m));
            add_cs(f, "member_hash_slots", cJSON_CreateString(mg_buf_cstr(&b)));
            mg_buf_fini(&b);
            free(slots);
            free(keys);
            return;
        }
    }
    free(slots);
    free(keys);
    fn_bool(c, f, "has_member_hash", 0);
    add_int(f, "member_hash_bits", 0);
    add_cs(f, "member_hash_mult", cJSON_CreateString("0"));
    add_cs(f, "member_hash_slots", cJSON_CreateString(""));
}

static void compile_object(pctx *c, cJSON *f, const mg_doc *doc, const kw_members *s)
{
    const cJSON *required = kw_get(s, KW_required);
    const cJSON *props = kw_get(s, KW_properties);
    const cJSON *patprops = kw_get(s, KW_patternProperties);
    const cJSON *addprops = kw_get(s, KW_additionalProperties);
    const cJSON *propnames = kw_get(s, KW_propertyNames);
    const cJSON *minprops = kw_get(s, KW_minProperties);
    const cJSON *maxprops = kw_get(s, KW_maxProperties);
    const cJSON *deps = kw_get(s, KW_dependencies);
    char msg[96];

    /* Known member names: the properties (the first of each name), with
     * their names for sorting below. */
    int np = cJSON_IsObject(props) ? cJSON_GetArraySize(props) : 0;
    mem_ent *arr = mg_xcalloc((size_t)np + 1, sizeof *arr);
    int nm = 0;
    if (cJSON_IsObject(props)) {
        const cJSON *p;
        cJSON_ArrayForEach(p, props) {
            const char *name = p->string ? p->string : "";
            int dup = 0;
            for (int j = 0; j < nm && !dup; j++)
                dup = arr[j].name[0] == name[0] && !strcmp(arr[j].name, name);
            if (dup)
                continue; /* a duplicate key: the first one is the property's schema */
            cJSON *mem = cJSON_CreateObject();
            add_cs(mem, "name", cJSON_CreateString(name));
            add_lit(c, mem, "name_lit", name);
            add_int(mem, key_name_len, (int)strlen(name));
            add_cs(mem, key_name_rest, cJSON_CreateNull()); /* made by copy_plan */
            if (name[0] && name[1])
                c->long_name = 1;
            add_int(mem, "first_byte", (unsigned char)name[0]);
            add_fn(mem, "prop_fn", compile(c, doc, p));
            arr[nm].name = name;
            arr[nm].mem = mem;
            nm++;
        }
    }
    int loop = props || patprops || addprops;
    cJSON *req = cJSON_CreateArray();
    if (cJSON_IsArray(required)) {
        const cJSON *r;
        cJSON_ArrayForEach(r, required) {
            if (!cJSON_IsString(r))
                continue;
            /* Checked by lookup before the member loop, so the errors come
             * in msggen validate's order (required before the members). */
            cJSON *o = cJSON_CreateObject();
            add_lit(c, o, "name_lit", r->valuestring);
            mg_buf b;
            mg_buf_init(&b);
            mg_buf_append_str(&b, "missing required property '");
            mg_buf_append_str(&b, r->valuestring);
            mg_buf_putc(&b, '\'');
            add_lit(c, o, "message_lit", mg_buf_cstr(&b));
            mg_buf_fini(&b);
            cJSON_AddItemToArray(req, o);
        }
    }
    int nreq = cJSON_GetArraySize(req);
    fn_bool(c, f, "has_required", nreq > 0);
    fn_list_add(c, f, "required", req);

    /* Group the members by first byte, for a switch on the key. */
    if (nm > 24)
        qsort(arr, (size_t)nm, sizeof *arr, cmp_member);
    else /* the names are distinct: the same order, without qsort's buffer and calls */
        for (int i = 1; i < nm; i++) {
            mem_ent e = arr[i];
            int j = i;
            for (; j > 0 && cmp_member(&arr[j - 1], &e) > 0; j--)
                arr[j] = arr[j - 1];
            arr[j] = e;
        }
    add_member_hash(c, f, arr, nm);
    cJSON *groups = cJSON_CreateArray();
    for (int i = 0; i < nm;) {
        int fb = (unsigned char)arr[i].name[0];
        cJSON *g = cJSON_CreateObject();
        add_int(g, "first_byte", fb);
        cJSON *ms = cJSON_CreateArray();
        for (; i < nm && (unsigned char)arr[i].name[0] == fb; i++)
            cJSON_AddItemToArray(ms, arr[i].mem);
        add_cs(g, "members", ms);
        cJSON_AddItemToArray(groups, g);
    }
    free(arr);
    fn_list_add(c, f, "member_groups", groups);
    fn_bool(c, f, "has_members", nm > 0);

    cJSON *pp = cJSON_CreateArray();
    if (cJSON_IsObject(patprops)) {
        const cJSON *p;
        cJSON_ArrayForEach(p, patprops) {
            cJSON *o = pattern_ref(c, p->string ? p->string : "", doc, p, 1);
            add_ref(c, o, "fn", compile(c, doc, p));
            cJSON_AddItemToArray(pp, o);
        }
    }
    fn_bool(c, f, "has_pattern_props", cJSON_GetArraySize(pp) > 0);
    fn_list_add(c, f, "pattern_props", pp);
    fn_bool(c, f, "uses_matched", addprops != NULL);
    fn_bool(c, f, "additional_false", cJSON_IsFalse(addprops));
    add_fn(f, "additional_fn", addprops && !cJSON_IsFalse(addprops) ? compile(c, doc, addprops) : -1);
    fn_bool(c, f, "member_loop", loop || propnames);
    fn_bool(c, f, "member_checks", loop);
    add_fn(f, "property_names_fn", propnames ? compile(c, doc, propnames) : -1);

    cJSON *counts = cJSON_CreateArray();
    if (cJSON_IsNumber(minprops)) {
        double m = minprops->valuedouble;
        snprintf(msg, sizeof msg, "must have at least %.0f %s", m, plural(m, "property", "properties"));
        add_check(c, counts, "is_min_props", "<", m, NULL, msg);
    }
    if (cJSON_IsNumber(maxprops)) {
        double m = maxprops->valuedouble;
        snprintf(msg, sizeof msg, "must have at most %.0f %s", m, plural(m, "property", "properties"));
        add_check(c, counts, "is_max_props", ">", m, NULL, msg);
    }
    int ncounts = cJSON_GetArraySize(counts);
    fn_bool(c, f, "has_prop_counts", ncounts > 0);
    fn_list_add(c, f, "prop_counts", counts);

    cJSON *dl = cJSON_CreateArray();
    if (cJSON_IsObject(deps)) {
        const cJSON *dp;
        cJSON_ArrayForEach(dp, deps) {
            const char *name = dp->string ? dp->string : "";
            cJSON *o = cJSON_CreateObject();
            add_lit(c, o, "name_lit", name);
            add_bool(o, "is_list", cJSON_IsArray(dp));
            cJSON *rl = cJSON_CreateArray();
            if (cJSON_IsArray(dp)) {
                const cJSON *r;
                cJSON_ArrayForEach(r, dp) {
                    if (!cJSON_IsString(r))
                        continue;
                    cJSON *ro = cJSON_CreateObject();
                    add_lit(c, ro, "name_lit", r->valuestring);
                    mg_buf b;
                    mg_buf_init(&b);
                    mg_buf_appendf(&b, "property '%s' is required when '%s' is present (dependencies)",
                                   r->valuestring, name);
                    add_lit(c, ro, "message_lit", mg_buf_cstr(&b));
                    mg_buf_fini(&b);
                    cJSON_AddItemToArray(rl, ro);
                }
            }
            add_cs(o, "requires", rl);
            add_fn(o, "dep_fn", cJSON_IsArray(dp) ? -1 : compile(c, doc, dp));
            cJSON_AddItemToArray(dl, o);
        }
    }
    int ndeps = cJSON_GetArraySize(dl);
    fn_bool(c, f, "has_dependencies", ndeps > 0);
    fn_list_add(c, f, "dependencies", dl);
    fn_bool(c, f, "has_object_checks", nreq > 0 || loop || propnames || ncounts > 0 || ndeps > 0);
}

static void compile_combinators(pctx *c, cJSON *f, const mg_doc *doc, const kw_members *s)
{
    const cJSON *allof = kw_get(s, KW_allOf);
    const cJSON *anyof = kw_get(s, KW_anyOf);
    const cJSON *oneof = kw_get(s, KW_oneOf);
    const cJSON *not_ = kw_get(s, KW_not);
    const cJSON *if_ = kw_get(s, KW_if);
    const cJSON *then_ = kw_get(s, KW_then);
    const cJSON *else_ = kw_get(s, KW_else);
    fn_bool(c, f, "has_all_of", cJSON_IsArray(allof));
    fn_list_add(c, f, "all_of", cJSON_IsArray(allof) ? fn_list(c, doc, allof) : NULL);
    fn_bool(c, f, "has_any_of", cJSON_IsArray(anyof));
    fn_list_add(c, f, "any_of", cJSON_IsArray(anyof) ? fn_list(c, doc, anyof) : NULL);
    fn_bool(c, f, "has_one_of", cJSON_IsArray(oneof));
    fn_list_add(c, f, "one_of", cJSON_IsArray(oneof) ? fn_list(c, doc, oneof) : NULL);
    add_fn(f, "not_fn", not_ ? compile(c, doc, not_) : -1);
    int cond = if_ && (then_ || else_);
    fn_bool(c, f, "has_if", cond);
    add_fn(f, "if_fn", cond ? compile(c, doc, if_) : -1);
    add_fn(f, "then_fn", cond && then_ ? compile(c, doc, then_) : -1);
    add_fn(f, "else_fn", cond && else_ ? compile(c, doc, else_) : -1);
}

/* ---- each distinct schema compiled once ----------------------------------
 * Most schemas a catalogue's types reach read the same as one compiled
 * before in everything compile reads (a `{type: string, format: uuid}` with
 * its own description): worker-backend compiled 1 647 functions of which
 * sharing kept 317. A schema whose keywords equal those of a schema compiled
 * before (in the same file if it has a $ref, so that its $refs lead to the
 * same schemas) is not compiled again. It and every schema under it still get their ids, in
 * compile's order (alias_node), each standing for the id at the same place
 * under the first schema (pctx.alias), and share_functions starts with them
 * merged. So the functions, their order and their names are those of
 * compiling everything: compile would have made functions that sharing
 * merges with the first schema's (whose ids are smaller, so they stay), and
 * every URI still takes part in naming. Diagnostics are the same too:
 * compile reports only $refs it cannot resolve (a schema compiled with an
 * error is never reused) and patterns on their first use. */

/* A hash of a string for the structural hashes and the id tables: every
 * byte, eight at a time (ids such as `Msg0012Payload` and `Msg0022Payload`
 * differ in the middle only: a hash of the ends put thousands of them in one
 * bucket). */
static uint32_t quick_hash(const char *s)
{
    return mg_hash_words(0, s, strlen(s));
}

static uint32_t json_hash(uint32_t h, const cJSON *j)
{
    int type = j->type & 0xFF;
    h = mix(h, (uint32_t)type);
    if (type == cJSON_String || type == cJSON_Raw)
        h = mix(h, quick_hash(j->valuestring ? j->valuestring : ""));
    else if (type == cJSON_Number) {
        uint64_t bits;
        memcpy(&bits, &j->valuedouble, sizeof bits);
        h = mix(h, (uint32_t)(bits >> 32) ^ (uint32_t)bits * 0xC2B2AE35u);
    }
    for (const cJSON *c = j->child; c; c = c->next) {
        if (c->string)
            h = mix(h, quick_hash(c->string));
        h = json_hash(h, c);
    }
    return mix(h, 0x7F);
}

static int json_eq(const cJSON *a, const cJSON *b)
{
    int type = a->type & 0xFF;
    if (type != (b->type & 0xFF))
        return 0;
    if ((type == cJSON_String || type == cJSON_Raw) &&
        strcmp(a->valuestring ? a->valuestring : "", b->valuestring ? b->valuestring : ""))
        return 0;
    if (type == cJSON_Number && memcmp(&a->valuedouble, &b->valuedouble, sizeof a->valuedouble))
        return 0;
    /* One double, different numbers: 9007199254740992 and 9007199254740993
     * (their texts, load.h) compile to different checks. */
    if (type == cJSON_Number && (a->valuestring || b->valuestring) &&
        strcmp(a->valuestring ? a->valuestring : "", b->valuestring ? b->valuestring : ""))
        return 0;
    const cJSON *x = a->child, *y = b->child;
    for (; x && y; x = x->next, y = y->next)
        if (!x->string != !y->string || (x->string && strcmp(x->string, y->string)) || !json_eq(x, y))
            return 0;
    return !x && !y;
}

static uint32_t schema_hash(pctx *c, const cJSON *s, int *has_ref);

static uint32_t value_hash(pctx *c, int mode, const cJSON *v, int *has_ref)
{
    uint32_t h = 0x51ED270Bu;
    if (mode == K_JSON || ((mode == K_PROPS || mode == K_DEPS) && !cJSON_IsObject(v)))
        return json_hash(h, v);
    if (mode == K_SCHEMA || (mode == K_SCHEMAS && !cJSON_IsArray(v)))
        return schema_hash(c, v, has_ref);
    for (const cJSON *e = v->child; e; e = e->next) {
        if (mode != K_SCHEMAS)
            h = mix(h, quick_hash(e->string ? e->string : ""));
        h = mix(h, mode == K_DEPS && cJSON_IsArray(e) ? json_hash(h, e) : schema_hash(c, e, has_ref));
    }
    return h;
}

/* A hash of what compile reads of schema `s` (schema_eq's equality), kept
 * by node: compile asks it of every schema, top-down. Sets *has_ref if
 * that holds a $ref. */
static uint32_t schema_hash(pctx *c, const cJSON *s, int *has_ref)
{
    if (!cJSON_IsObject(s))
        return json_hash(0, s);
    node_ent *e = mg_hmap_put_ptr(&c->nodes, s, NULL);
    if (e->hashed) {
        *has_ref |= e->has_ref;
        return e->hash;
    }
    size_t at = mg_hmap_index(&c->nodes, e);
    kw_members k;
    kw_read(c->kwc, s, &k);
    uint32_t h;
    int ref = k.ref != NULL;
    if (ref)
        h = mix(0x2E6D3A1Bu, quick_hash(k.ref->valuestring));
    else {
        h = 0x0B1EC7u;
        for (size_t i = 0; k.has >> i; i++)
            if (k.has >> i & 1)
                h = mix(h, (uint32_t)i ^ value_hash(c, keywords[i].mode, k.v[i], &ref) * 0x85EBCA6Bu);
    }
    /* value_hash may have grown the table: `e` is stale (its number is not). */
    e = mg_hmap_at(&c->nodes, at);
    e->hash = h;
    e->hashed = 1;
    e->has_ref = ref != 0;
    *has_ref |= ref;
    return h;
}

static int schema_eq(kw_ent *kc, const cJSON *a, const cJSON *b);

static int value_eq(kw_ent *kc, int mode, const cJSON *a, const cJSON *b)
{
    if (mode == K_JSON)
        return json_eq(a, b);
    if (mode == K_SCHEMA)
        return schema_eq(kc, a, b);
    if (mode == K_SCHEMAS) {
        if (!cJSON_IsArray(a) || !cJSON_IsArray(b))
            return !cJSON_IsArray(a) && !cJSON_IsArray(b) && schema_eq(kc, a, b);
    } else if (!cJSON_IsObject(a) || !cJSON_IsObject(b))
        return json_eq(a, b);
    const cJSON *x = a->child, *y = b->child;
    for (; x && y; x = x->next, y = y->next) {
        if (mode != K_SCHEMAS && strcmp(x->string ? x->string : "", y->string ? y->string : ""))
            return 0;
        if (mode == K_DEPS && (cJSON_IsArray(x) || cJSON_IsArray(y))) {
            if (!json_eq(x, y))
                return 0;
        } else if (!schema_eq(kc, x, y))
            return 0;
    }
    return !x && !y;
}

/* Would compile make the same function of schemas `a` and `b` (of one
 * file), but for the ids of the functions it calls? Stricter than compile
 * where that is simpler (the order of properties, data compared as JSON). */
static int schema_eq(kw_ent *kc, const cJSON *a, const cJSON *b)
{
    if (a == b)
        return 1;
    if (!cJSON_IsObject(a) || !cJSON_IsObject(b))
        return json_eq(a, b);
    kw_members ka, kb;
    kw_read(kc, a, &ka);
    kw_read(kc, b, &kb);
    if (ka.ref || kb.ref)
        return ka.ref && kb.ref && !strcmp(ka.ref->valuestring, kb.ref->valuestring);
    if (ka.has != kb.has)
        return 0;
    for (size_t i = 0; ka.has >> i; i++)
        if (ka.has >> i & 1 && !value_eq(kc, keywords[i].mode, ka.v[i], kb.v[i]))
            return 0;
    return 1;
}

/* A schema compiled (or being compiled), by schema_hash. */
typedef struct memo_ent {
    const cJSON *node;
    const mg_doc *doc; /* NULL: no $ref in it, the file does not count */
    int id;
    int done; /* compiled without an error: schemas equal to it are aliases */
} memo_ent;

/* The schema looked up in the memo, and the keyword cache schema_eq reads with. */
typedef struct memo_key {
    memo_ent e;
    kw_ent *kc;
} memo_key;

static int memo_eq(const void *ent, const void *key)
{
    const memo_ent *a = ent;
    const memo_key *b = key;
    return a->doc == b->e.doc && schema_eq(b->kc, a->node, b->e.node);
}

/* The name name_of_uri makes from the URI of the node (mg_resolve_node_uri),
 * made from the name of the node's parent (kept in c->nodes): one step per
 * schema instead of a walk to the root with a token per level (a fifth of
 * compiling). The URI itself is left for node_uri_at: most names never need
 * it (building it for every schema was 54 M instructions of 1 000 messages). */
static int is_group_token(const char *t);
static const char *short_token(const char *t);
static char *put_ident(char *o, const char *t, size_t n);

static const node_ent *node_name(pctx *c, const mg_doc *doc, const cJSON *node)
{
    node_ent *e = mg_hmap_put_ptr(&c->nodes, node, NULL);
    if (e->named)
        return e;
    size_t at = mg_hmap_index(&c->nodes, e); /* the parents' entries may move it */
    int i = 0;
    const cJSON *parent = node != doc->root ? mg_doc_parent(doc, node, &i) : NULL;
    size_t name_at = c->name_text.len, name_len = 0;
    if (!parent) {
        if (strchr(doc->path, '#')) /* name_of_uri would take the path's '#' */
            name_at = NO_NAME;
    } else {
        const node_ent *p = node_name(c, doc, parent);
        /* The name as name_of_uri makes it from the URI, a token at a time:
         * the parent's, then this token's (its text decoded is the key, or
         * the index). */
        if (p->name_at == NO_NAME)
            name_at = NO_NAME;
        else {
            char num[16];
            const char *tok = node->string ? node->string : "";
            if (cJSON_IsArray(parent)) {
                snprintf(num, sizeof num, "%d", i);
                tok = num;
            }
            size_t pn = p->name_len, pa = p->name_at;
            const char *st = is_group_token(tok) ? "" : short_token(tok);
            size_t sn = strlen(st);
            mg_buf *nb = &c->name_text;
            mg_buf_reserve(nb, pn + 2 * sn + 1);
            name_at = nb->len;
            memcpy(nb->data + name_at, nb->data + pa, pn);
            char *o = put_ident(nb->data + name_at + pn, st, sn);
            name_len = (size_t)(o - (nb->data + name_at));
            nb->len = name_at + name_len;
        }
    }
    e = mg_hmap_at(&c->nodes, at);
    e->named = 1;
    e->parent = parent;
    e->index = i;
    e->at = NO_URI;
    e->uri_hash = URI_UNHASHED;
    e->name_at = name_at;
    e->name_len = name_len;
    return e;
}

/* Where mg_resolve_node_uri(set, doc, node) starts in c->uri_text, for a
 * node node_name has seen (so have its parents), made from its parent's URI:
 * the file's path, '#', and a token per step down from the root, or from the
 * first node up that has no parent. */
static size_t node_uri_at(pctx *c, const mg_doc *doc, const cJSON *node)
{
    const node_ent *e = mg_hmap_get_ptr(&c->nodes, node);
    if (e->at != NO_URI)
        return e->at;
    const cJSON *parent = e->parent;
    int i = e->index;
    /* Every URI goes into one buffer (a malloc and a free each was a sixth
     * of naming the schemas). */
    mg_buf *b = &c->uri_text;
    size_t at;
    if (!parent) {
        at = b->len;
        mg_buf_append_str(b, doc->path);
        mg_buf_putc(b, '#');
    } else {
        size_t pat = node_uri_at(c, doc, parent);
        size_t plen = strlen(b->data + pat); /* few URIs are made (uri_hash_of): no length kept */
        const char *t = node->string ? node->string : "";
        /* Room for all of it first: the parent's text is copied from the
         * same buffer (a token escapes to at most twice its length; an
         * index has at most 10 digits). */
        mg_buf_reserve(b, plen + 2 + (cJSON_IsArray(parent) ? 10 : 2 * strlen(t)));
        at = b->len;
        memcpy(b->data + at, b->data + pat, plen);
        b->len += plen;
        mg_buf_putc(b, '/');
        if (cJSON_IsArray(parent))
            put_uint(b, (unsigned)i); /* as "%d" (an index is never negative) */
        else if (!strpbrk(t, "~/")) /* nothing to escape: at once, not a byte at a time */
            mg_buf_append_str(b, t);
        else
            mg_jptr_append_token(b, t);
    }
    mg_buf_putc(b, '\0');
    /* Nothing was added to the table since (the parents were there). */
    node_ent *w = mg_hmap_get_ptr(&c->nodes, node);
    w->at = at;
    return at;
}

/* mg_hash_str's state after the URI of node `e` (node_uri_at's) made
 * relative to c->root_dir, made from its parent's state and the bytes its
 * own step adds (kept in e->fnv), or 0 where the state does not tell:
 * relative_uri's test would read the URI past the file's path (a root folder
 * longer than the path). Adds no entry: entries stay where they are. */
static int uri_state(pctx *c, const mg_doc *doc, node_ent *e)
{
    if (e->uri_hash == URI_UNHASHED) {
        uint64_t h = 0;
        int ok;
        if (!e->parent) {
            size_t dn = strlen(c->root_dir), pn = strlen(doc->path);
            ok = dn <= pn;
            if (ok) {
                size_t skip = strncmp(doc->path, c->root_dir, dn) ? 0 : dn;
                h = mg_fnv_add(mg_fnv_add(MG_FNV_START, doc->path + skip, pn - skip), "#", 1);
            }
        } else {
            node_ent *p = mg_hmap_get_ptr(&c->nodes, e->parent);
            ok = uri_state(c, doc, p);
            h = mg_fnv_add(p->fnv, "/", 1);
            const char *t = e->node->string ? e->node->string : "";
            if (ok && cJSON_IsArray(e->parent)) { /* as put_uint writes it */
                char num[16];
                size_t k = sizeof num;
                unsigned v = (unsigned)e->index;
                do
                    num[--k] = (char)('0' + v % 10);
                while ((v /= 10) != 0);
                h = mg_fnv_add(h, num + k, sizeof num - k);
            } else if (ok && !strpbrk(t, "~/")) { /* as node_uri_at: most tokens at once */
                h = mg_fnv_add(h, t, strlen(t));
            } else if (ok) { /* as mg_jptr_append_token writes it */
                for (; *t; t++)
                    h = *t == '~' ? mg_fnv_add(h, "~0", 2) : *t == '/' ? mg_fnv_add(h, "~1", 2) : mg_fnv_add(h, t, 1);
            }
        }
        e->fnv = h;
        e->uri_hash = ok ? URI_HASHED : URI_TEXT;
    }
    return e->uri_hash == URI_HASHED;
}

/* mg_hash_str of the URI of `node` (named: node_name) relative to
 * c->root_dir into *hash, from the hash state of its parent's URI
 * (uri_state), without making the URI: a shortened name needs only the hash,
 * and the URIs of 10 000 messages' long names were about 100 MB of text,
 * made and hashed a byte at a time. Returns 0 (*hash unset) where the state
 * does not tell. */
static int uri_hash_of(pctx *c, const mg_doc *doc, const cJSON *node, uint32_t *hash)
{
    node_ent *e = mg_hmap_get_ptr(&c->nodes, node);
    if (!uri_state(c, doc, e))
        return 0;
    *hash = mg_fnv_end(e->fnv);
    return 1;
}

/* A new function id for schema `node`, its name kept for naming; not an
 * alias until alias_node says so. */
static int new_id(pctx *c, const mg_doc *doc, const cJSON *node)
{
    int id = c->nfunctions++;
    c->src = grow(c->src, (size_t)id, &c->srccap, sizeof *c->src);
    fn_src *s = &c->src[id];
    s->doc = doc;
    s->node = node;
    s->name_at = NO_NAME;
    s->name_len = 0;
    if (doc) {
        const node_ent *u = node_name(c, doc, node);
        s->uri_at = NO_URI; /* fn_uri makes it if it is needed */
        s->name_at = u->name_at;
        s->name_len = u->name_len;
    } else {
        char *u = mg_resolve_node_uri(c->m->set, doc, node);
        s->uri_at = c->uri_text.len;
        mg_buf_append_str(&c->uri_text, u);
        mg_buf_putc(&c->uri_text, '\0');
        free(u);
    }
    c->alias = grow(c->alias, (size_t)id, &c->aliascap, sizeof *c->alias);
    c->alias[id] = -1;
    c->refs = grow(c->refs, (size_t)id, &c->refcap, sizeof *c->refs);
    memset(&c->refs[id], 0, sizeof c->refs[id]);
    return id;
}

static void alias_children(pctx *c, const mg_doc *doc, const cJSON *d, const cJSON *o);

/* Gives schema `d` (not compiled, equal to schema `o`, which was) and the
 * schemas under it the ids compile would have given them, each an alias of
 * its place under `o`. */
static void alias_node(pctx *c, const mg_doc *doc, const cJSON *d, const cJSON *o)
{
    node_ent *e = mg_hmap_put_ptr(&c->nodes, d, NULL);
    if (e->has_id) /* reached before (a $ref to it): compile would stop here too */
        return;
    size_t at = mg_hmap_index(&c->nodes, e);
    int id = new_id(c, doc, d); /* adds entries: `e` is stale */
    e = mg_hmap_at(&c->nodes, at);
    e->has_id = 1;
    e->id = id;
    const node_ent *os = mg_hmap_get_ptr(&c->nodes, o);
    assert(os != NULL && os->has_id); /* compile went everywhere alias_children goes */
    c->alias[id] = os->id;
    alias_children(c, doc, d, o);
}

static void alias_list(pctx *c, const mg_doc *doc, const cJSON *d, const cJSON *o)
{
    for (d = d->child, o = o->child; d && o; d = d->next, o = o->next)
        alias_node(c, doc, d, o);
}

/* Is member `p` of `props` the first of its name (compile_object keeps the first)? */
static int first_of_name(const cJSON *props, const cJSON *p)
{
    const char *name = p->string ? p->string : "";
    for (const cJSON *q = props->child; q != p; q = q->next)
        if (!strcmp(q->string ? q->string : "", name))
            return 0;
    return 1;
}

/* The schemas compile reaches under schema `d` (through compile_array,
 * compile_object and compile_combinators, in their order, under the same
 * conditions), paired with the same places under `o` (schema_eq holds). A
 * $ref leads to a schema compiled for `o` already. */
static void alias_children(pctx *c, const mg_doc *doc, const cJSON *d, const cJSON *o)
{
    if (!cJSON_IsObject(d))
        return;
    /* Both schemas' keywords in one pass each (a lookup by name per
     * keyword and schema was most of aliasing). */
    kw_members kd, ko;
    kw_read(c->kwc, d, &kd);
    if (kd.ref)
        return;
    kw_read(c->kwc, o, &ko);
    const cJSON *items = kw_get(&kd, KW_items), *oitems = kw_get(&ko, KW_items);
    const cJSON *more = kw_get(&kd, KW_additionalItems), *omore = kw_get(&ko, KW_additionalItems);
    const cJSON *prefix = kw_get(&kd, KW_prefixItems);
    if (cJSON_IsArray(prefix)) {
        more = items;
        omore = oitems;
        items = prefix;
        oitems = kw_get(&ko, KW_prefixItems);
    }
    int tuple = cJSON_IsArray(items);
    if (items && !tuple)
        alias_node(c, doc, items, oitems);
    if (tuple)
        alias_list(c, doc, items, oitems);
    if (tuple && more && !cJSON_IsFalse(more))
        alias_node(c, doc, more, omore);
    const cJSON *x;
    if ((x = kw_get(&kd, KW_contains)) != NULL)
        alias_node(c, doc, x, kw_get(&ko, KW_contains));

    const cJSON *props = kw_get(&kd, KW_properties);
    if (cJSON_IsObject(props))
        for (const cJSON *p = props->child, *q = kw_get(&ko, KW_properties)->child; p && q; p = p->next, q = q->next)
            if (first_of_name(props, p))
                alias_node(c, doc, p, q);
    if (cJSON_IsObject(x = kw_get(&kd, KW_patternProperties)))
        alias_list(c, doc, x, kw_get(&ko, KW_patternProperties));
    if ((x = kw_get(&kd, KW_additionalProperties)) != NULL && !cJSON_IsFalse(x))
        alias_node(c, doc, x, kw_get(&ko, KW_additionalProperties));
    if ((x = kw_get(&kd, KW_propertyNames)) != NULL)
        alias_node(c, doc, x, kw_get(&ko, KW_propertyNames));
    if (cJSON_IsObject(x = kw_get(&kd, KW_dependencies)))
        for (const cJSON *p = x->child, *q = kw_get(&ko, KW_dependencies)->child; p && q; p = p->next, q = q->next)
            if (!cJSON_IsArray(p))
                alias_node(c, doc, p, q);

    static const int lists[] = {KW_allOf, KW_anyOf, KW_oneOf};
    for (size_t i = 0; i < 3; i++)
        if (cJSON_IsArray(x = kw_get(&kd, lists[i])))
            alias_list(c, doc, x, kw_get(&ko, lists[i]));
    if ((x = kw_get(&kd, KW_not)) != NULL)
        alias_node(c, doc, x, kw_get(&ko, KW_not));
    const cJSON *if_ = kw_get(&kd, KW_if), *then_ = kw_get(&kd, KW_then), *else_ = kw_get(&kd, KW_else);
    if (if_ && (then_ || else_)) {
        alias_node(c, doc, if_, kw_get(&ko, KW_if));
        if (then_)
            alias_node(c, doc, then_, kw_get(&ko, KW_then));
        if (else_)
            alias_node(c, doc, else_, kw_get(&ko, KW_else));
    }
}

static int compile_fn(pctx *c, const mg_doc *doc, const cJSON *node, int id);
static void strip_fn(pctx *c, int id, cJSON *f, size_t pend_at);

/* Returns the function id of schema `node` (compiled once; not at all when
 * it equals one compiled before: see alias_node). */
static int compile(pctx *c, const mg_doc *doc, const cJSON *node)
{
    node_ent *slot = mg_hmap_put_ptr(&c->nodes, node, NULL);
    if (slot->has_id)
        return slot->id;
    size_t slot_at = mg_hmap_index(&c->nodes, slot);
    int id = new_id(c, doc, node); /* adds entries: `slot` is stale */
    slot = mg_hmap_at(&c->nodes, slot_at);
    slot->has_id = 1;
    slot->id = id;
    int outer = c->cur;
    if (!c->memo || c->failed) {
        compile_fn(c, doc, node, id);
        c->cur = outer;
        return id;
    }
    int has_ref = 0;
    uint32_t h = schema_hash(c, node, &has_ref);
    memo_key key = {{node, has_ref ? doc : NULL, id, 0}, c->kwc};
    memo_ent *e = mg_hmap_find(&c->memo_map, h, memo_eq, &key);
    if (e && e->done) {
        c->alias[id] = e->id;
        alias_children(c, doc, node, e->node);
        return id;
    }
    size_t at = (size_t)-1; /* the entry this compile adds (e: an equal one is being compiled) */
    if (!e) {
        e = mg_hmap_add(&c->memo_map, h);
        *e = key.e;
        at = mg_hmap_index(&c->memo_map, e);
    }
    compile_fn(c, doc, node, id);
    c->cur = outer;
    if (at != (size_t)-1 && !c->failed)
        ((memo_ent *)mg_hmap_at(&c->memo_map, at))->done = 1;
    return id;
}

/* compile_fn's work, into `f` (the function's object, in the list). */
static int compile_body(pctx *c, const mg_doc *doc, const cJSON *node, int id, cJSON *f);

/* Compiles schema `node` as function `id`; returns id. For a cache, the
 * function's constants go at once (strip_fn): a raw plan held them all
 * until it was converted, about half its 1.24 M nodes at 1 000 synthetic
 * messages, the peak of a 10 000-message generate. */
static int compile_fn(pctx *c, const mg_doc *doc, const cJSON *node, int id)
{
    cJSON *f = cJSON_CreateObject();
    cJSON_AddItemToArray(c->functions, f);
    /* The flags fn_bool keeps for f follow those of the function this one
     * is compiled inside, which strip_fn leaves there. */
    cJSON *outer_f = c->strip_f;
    size_t pend_at = c->npend;
    c->strip_f = c->strip_r ? f : NULL;
    compile_body(c, doc, node, id, f);
    if (c->strip_r)
        strip_fn(c, id, f, pend_at);
    c->strip_f = outer_f;
    return id;
}

static int compile_body(pctx *c, const mg_doc *doc, const cJSON *node, int id, cJSON *f)
{
    c->ncompiled++;
    c->cur = id;
    c->refs[id].done = 1;
    add_int(f, "id", id);
    fn_bool(c, f, "is_true", cJSON_IsTrue(node));
    fn_bool(c, f, "is_false", cJSON_IsFalse(node));
    int invalid = !cJSON_IsBool(node) && !cJSON_IsObject(node);
    fn_bool(c, f, "is_invalid", invalid);
    mg_buf b;
    mg_buf_init(&b);
    if (invalid)
        mg_buf_appendf(&b, "invalid schema: expected an object or a boolean, got %s", mg_validate_type_name(node));
    add_lit(c, f, "invalid_message_lit", mg_buf_cstr(&b));
    mg_buf_fini(&b);
    const cJSON *ref = cJSON_IsObject(node) ? mg_json_get(node, "$ref") : NULL;
    int is_ref = cJSON_IsString(ref);
    fn_bool(c, f, "is_ref", is_ref);
    fn_bool(c, f, "is_schema", cJSON_IsObject(node) && !is_ref);
    if (is_ref) {
        mg_ref_target t;
        if (mg_resolve_ref(c->m->set, doc, node, &t, c->d) < 0) {
            c->failed = 1;
            add_ref(c, f, "ref_fn", 0);
        } else
            add_ref(c, f, "ref_fn", compile(c, t.doc, t.node));
        return id;
    }
    add_ref(c, f, "ref_fn", 0);
    /* Every keyword found in one pass over the schema's members (a lookup
     * by name each was 35 passes). */
    kw_members kw;
    kw.has = 0;
    if (cJSON_IsObject(node))
        kw_read(c->kwc, node, &kw);
    const kw_members *s = &kw;
    compile_type(c, f, kw_get(s, KW_type), kw_get(s, KW_nullable));
    compile_enum_const(c, f, kw_get(s, KW_enum), kw_get(s, KW_const));
    compile_number(c, f, s);
    compile_string(c, f, doc, s);
    compile_array(c, f, doc, s);
    compile_object(c, f, doc, s);
    compile_combinators(c, f, doc, s);
    return id;
}

/* ---- sharing ------------------------------------------------------------
 * Schemas that differ only in annotations (descriptions, examples) compile to
 * identical functions: keep one of each, so generated code stays small. */

static int is_fn_key(const char *k)
{
    size_t n = strlen(k);
    if (n < 2 || k[n - 2] != 'f' || k[n - 1] != 'n')
        return 0;
    static const char *const keys[] = {"fn", "ref_fn", "items_fn", "additional_items_fn", "contains_fn",
                                       "prop_fn", "additional_fn", "property_names_fn", "dep_fn",
                                       "not_fn", "if_fn", "then_fn", "else_fn"};
    for (size_t i = 0; i < sizeof keys / sizeof *keys; i++)
        if (!strcmp(k, keys[i]))
            return 1;
    return 0;
}

/* is_fn_key of member `c`'s name, cached by the name's address when it is a
 * constant (a literal of this file): the plan's members share a few dozen
 * names, and comparing each with every function key was 12 M instructions
 * of a generate. */
/* strcmp(k, "id") == 0, inline: asked of every member of every function. */
static int is_id_key(const char *k)
{
    return k[0] == 'i' && k[1] == 'd' && !k[2];
}

static const fn_key_ent *fn_key_of(fn_key_ent *fc, fn_key_ent *tmp, const cJSON *c)
{
    fn_key_ent *e = tmp;
    if (c->type & cJSON_StringIsConst) { /* four ways, as key_role_of */
        e = &fc[mg_addr_slot(c->string, FN_KEY_CACHE) & ~(size_t)3];
        for (int i = 0; i < 4; i++)
            if (e[i].key == c->string)
                return &e[i];
        memmove(e + 1, e, 3 * sizeof *e);
    }
    e->key = c->string;
    e->is = is_fn_key(c->string);
    e->named = e->is || !strcmp(c->string, "validate_fn");
    return e;
}

static int member_is_fn_key(fn_key_ent *fc, const cJSON *c)
{
    fn_key_ent tmp;
    return fn_key_of(fc, &tmp, c)->is;
}

/* Does copy_plan name the number member `c` (a function reference; `id`
 * when `top`: the member of a function)? */
static int member_names_fn(fn_key_ent *fc, const cJSON *c, int top)
{
    fn_key_ent tmp;
    return fn_key_of(fc, &tmp, c)->named || (top && is_id_key(c->string));
}

static void remap_one(cJSON *c, const int *map, int *changed)
{
    int old = (int)c->valuedouble, now = map[old];
    if (now != old) {
        cJSON_SetNumberValue(c, now);
        *changed = 1;
    }
}

/* Rewrites every function reference under `j` through map, and adds it to
 * `refs`; returns 1 if any changed. */
static int remap_gather(fn_key_ent *fc, ref_pool *p, cJSON *j, const int *map, fn_refs *refs)
{
    int changed = 0;
    for (cJSON *c = j->child; c; c = c->next) {
        if (c->string && (c->type & 0xFF) == cJSON_Number && member_is_fn_key(fc, c)) {
            ref_note(p, refs, c);
            remap_one(c, map, &changed);
        } else if ((c->type & 0xFF) == cJSON_Object || (c->type & 0xFF) == cJSON_Array)
            changed |= remap_gather(fc, p, c, map, refs);
    }
    return changed;
}

/* Rewrites every function reference of function `j` through map; returns 1
 * if any changed. */
static int remap(fn_key_ent *fc, ref_pool *p, cJSON *j, const int *map, fn_refs *refs)
{
    if (!refs->done) {
        refs->done = 1;
        return remap_gather(fc, p, j, map, refs);
    }
    int changed = 0;
    for (uint32_t at = refs->first; at; at = p->v[at - 1].next)
        remap_one(p->v[at - 1].node, map, &changed);
    return changed;
}

/* A structural hash and equality of functions, skipping the top-level `id`:
 * printing every function to compare texts cost more than all the rest of
 * the view. Key order counts, as it would in the printed text. The hash only
 * picks buckets (same_json decides), so it mixes whole words: a call per
 * type byte and per key was 47 M instructions of a generate. It leaves the
 * keys out: compile_fn writes a function's members in one order, so the keys
 * follow from the types and values that are hashed (a cached hash of each
 * key's text was a third of hashing). */

/* A member's `name_rest` (a null here, a list of an object per byte of its
 * name in a target's plan) is left out: it is made from the member's `name`,
 * which is hashed, so functions that are the same still hash the same. */
static uint32_t hash_json(uint32_t h, const cJSON *j, int top)
{
    for (const cJSON *c = j->child; c; c = c->next) {
        if (top && c->string && is_id_key(c->string))
            continue;
        if (c->string == key_name_rest)
            continue;
        int type = c->type & 0xFF;
        /* The type in a multiply (a bool, most members, is its type), a
         * string or number in a mix; share_functions mixes the whole at the end. */
        h = (h ^ (uint32_t)type) * 0x9E3779B1u;
        if (type == cJSON_String || type == cJSON_Raw)
            h = mix(h, quick_hash(c->valuestring));
        else if (type == cJSON_Number) {
            uint64_t bits;
            memcpy(&bits, &c->valuedouble, sizeof bits);
            h = mix(h, (uint32_t)(bits >> 32) ^ (uint32_t)bits * 0xC2B2AE35u);
        } else if (type == cJSON_Array || type == cJSON_Object)
            h = hash_json(h, c, 0);
    }
    return h;
}

static const cJSON *skip_id(const cJSON *c, int top)
{
    while (top && c && c->string && is_id_key(c->string))
        c = c->next;
    return c;
}

/* The type bits directly (cJSON_IsX are library calls), and a key compared
 * by address first: most are the same literal of this file. */
static uint32_t sig_at(const pctx *c, const cJSON *first);

/* `sigs` (NULL: no constants left out): the plan's, whose objects' sets
 * (strip_fn) must be the same too; the hash leaves them out (equal
 * functions still hash the same). */
static int same_json(const pctx *sigs, const cJSON *a, const cJSON *b, int top)
{
    if (sigs && (a->type & 0xFF) == cJSON_Object && sig_at(sigs, a->child) != sig_at(sigs, b->child))
        return 0;
    const cJSON *x = skip_id(a->child, top), *y = skip_id(b->child, top);
    for (; x && y; x = skip_id(x->next, top), y = skip_id(y->next, top)) {
        int type = x->type & 0xFF;
        if (type != (y->type & 0xFF) || !x->string != !y->string ||
            (x->string != y->string && x->string && strcmp(x->string, y->string)))
            return 0;
        if ((type == cJSON_String || type == cJSON_Raw) && strcmp(x->valuestring, y->valuestring))
            return 0;
        if (type == cJSON_Number && memcmp(&x->valuedouble, &y->valuedouble, sizeof x->valuedouble))
            return 0;
        if ((type == cJSON_Array || type == cJSON_Object) && !same_json(sigs, x, y, 0))
            return 0;
    }
    return !x && !y;
}

typedef struct fn_seen {
    const cJSON *fn; /* the first function with this content */
    int index;
} fn_seen;

/* The function looked up, and the plan's sets (same_json). */
typedef struct fn_key {
    const cJSON *fn;
    const pctx *sigs;
} fn_key;

static int fn_eq(const void *ent, const void *key)
{
    const fn_key *k = key;
    return same_json(k->sigs, ((const fn_seen *)ent)->fn, k->fn, 1);
}

/* Merges identical functions until none are left: a merge can make the
 * functions that refer to the merged ones identical in turn. Returns the map
 * from every function id to the id of the function it became (caller frees). */
static int *share_functions(pctx *c, int *type_fn, int ntypes)
{
    int n = c->nfunctions;
    int *map = malloc(((size_t)n + 1) * sizeof *map);
    uint32_t *hash = malloc(((size_t)n + 1) * sizeof *hash);
    unsigned char *dirty = malloc((size_t)n + 1);
    fn_refs *refs = c->refs; /* complete for the compiled ones (add_ref) */
    cJSON **fns = mg_xcalloc((size_t)n + 1, sizeof *fns); /* by id: its function, or NULL (an alias) */
    if (!map || !hash || !dirty)
        abort();
    /* Aliases start merged with what they stand for (always an earlier
     * id); the list holds the other functions in id order. */
    int aliases = 0;
    cJSON *f = c->functions->child;
    for (int i = 0; i < n; i++) {
        if (c->alias[i] < 0) {
            fns[i] = f;
            f = f ? f->next : NULL;
            map[i] = i;
        } else {
            map[i] = map[c->alias[i]];
            aliases = 1;
        }
        dirty[i] = 1;
    }
    if (aliases) {
        for (int i = 0; i < n; i++)
            if (fns[i])
                remap(c->fnkeys, &c->refpool, fns[i], map, &refs[i]);
        for (int i = 0; i < ntypes; i++)
            if (type_fn[i] >= 0)
                type_fn[i] = map[type_fn[i]];
    }
    for (int round = 0; round < 64; round++) {
        int merged = 0;
        /* The first function with a content is the one the others become. */
        mg_hmap seen;
        mg_hmap_init(&seen, sizeof(fn_seen));
        /* At most every compiled function: room at once, not grown (and
         * every entry placed again) a dozen times a round. */
        mg_hmap_reserve(&seen, (size_t)c->ncompiled);
        for (int i = 0; i < n; i++) {
            if (!fns[i] || map[i] != i)
                continue;
            if (dirty[i])
                hash[i] = mix(hash_json(0, fns[i], 1), 0x7F); /* the low bits pick the bucket */
            dirty[i] = 0;
            fn_key key = {fns[i], c->strip_r ? c : NULL};
            fn_seen *e = mg_hmap_find(&seen, hash[i], fn_eq, &key);
            if (e) {
                map[i] = e->index;
                merged = 1;
            } else {
                e = mg_hmap_add(&seen, hash[i]);
                e->fn = fns[i];
                e->index = i;
            }
        }
        mg_hmap_fini(&seen);
        if (!merged)
            break;
        for (int i = 0; i < n; i++) /* targets are always earlier: one pass makes it transitive */
            map[i] = map[map[i]];
        for (int i = 0; i < n; i++)
            if (fns[i] && map[i] == i && remap(c->fnkeys, &c->refpool, fns[i], map, &refs[i]))
                dirty[i] = 1;
        for (int i = 0; i < ntypes; i++)
            if (type_fn[i] >= 0)
                type_fn[i] = map[type_fn[i]];
    }
    /* Drop the functions nothing refers to any more. */
    cJSON *kept = cJSON_CreateArray();
    for (int i = 0; i < n; i++) {
        if (!fns[i])
            continue;
        cJSON *g = cJSON_DetachItemFromArray(c->functions, 0);
        if (map[i] == i)
            cJSON_AddItemToArray(kept, g);
        else
            cJSON_Delete(g);
    }
    cJSON_Delete(c->functions);
    c->functions = kept;
    free(refs);
    c->refs = NULL;
    free(c->refpool.v);
    c->refpool = (ref_pool){0};
    free(fns);
    free(dirty);
    free(hash);
    return map;
}

/* ---- stable names ---------------------------------------------------------
 * Functions are named after the schema they check, not numbered in the order
 * they were compiled: adding a field to one type must not rename the
 * validators of every type compiled after it (a one-field schema change was a
 * 2 600-line diff). The name is the schema's JSON pointer made an identifier:
 * "#/components/schemas/Job/properties/tags/items" is "_Job_tags_items". A
 * shared function takes the smallest name of the schemas it stands for, so it
 * keeps its name when another copy is added, unless that copy sorts first. */

/* Pointer tokens that only group schemas: left out of names. */
static int is_group_token(const char *t)
{
    static const char *const drop[] = {"components", "schemas", "messages", "definitions", "$defs",
                                       "properties", "channels"};
    for (size_t i = 0; i < sizeof drop / sizeof *drop; i++)
        if (t[0] == drop[i][0] && !strcmp(t, drop[i]))
            return 1;
    return 0;
}

/* Keywords with a shorter spelling in names. */
static const char *short_token(const char *t)
{
    static const char *const pairs[][2] = {
        {"additionalProperties", "extra"}, {"additionalItems", "extra_items"},
        {"patternProperties", "pattern"},  {"propertyNames", "names"}, {"prefixItems", "prefix"},
        {"dependencies", "dep"},           {"allOf", "all"},
        {"anyOf", "any"},                  {"oneOf", "one"}};
    for (size_t i = 0; i < sizeof pairs / sizeof *pairs; i++)
        if (t[0] == pairs[i][0][0] && !strcmp(t, pairs[i][0]))
            return pairs[i][1];
    return t;
}

/* Writes t[0..n) at `o` as identifier characters: runs of anything but
 * [A-Za-z0-9] become one '_'. Returns the end (at most 2n bytes on). */
static char *put_ident(char *o, const char *t, size_t n)
{
    int gap = 1;
    for (const char *p = t, *e = t + n; p < e; p++) {
        unsigned char ch = (unsigned char)*p;
        int ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9');
        if (ok) {
            if (gap)
                *o++ = '_';
            *o++ = (char)ch;
            gap = 0;
        } else {
            gap = 1;
        }
    }
    return o;
}

/* mg_jptr_decode_token (text.h) of the token at `p` into `tok` (room for
 * the token and a NUL): the same token, ~1 as '/' and ~0 as '~'. Returns
 * the end of the token. */
static const char *decode_token(char *tok, const char *p)
{
    char *o = tok;
    for (; *p && *p != '/'; p++) {
        if (p[0] == '~' && (p[1] == '0' || p[1] == '1')) {
            *o++ = p[1] == '0' ? '~' : '/';
            p++;
        } else
            *o++ = *p;
    }
    *o = '\0';
    return p;
}

/* `uri` without the folder of the catalogue's root file (`root_dir`, ending
 * in '/', or ""), so that hashes do not depend on where the catalogue is. */
static const char *relative_uri(const char *uri, const char *root_dir)
{
    size_t n = strlen(root_dir);
    return strncmp(uri, root_dir, n) ? uri : uri + n;
}

/* The name of the schema at `uri` ("file#/pointer", file relative to the
 * root file's folder): "_" and the pointer's tokens, after the file's stem
 * when `with_file`. Names longer than MAX_FN_NAME keep their start and end in
 * a hash of the whole. */
#define MAX_FN_NAME 64

/* Appends a name longer than MAX_FN_NAME as name_of_uri shortens it: its
 * start, "_" and `h`, the hash of its URI, in 8 hex digits ("_%08x"). */
static void shorten_name(mg_buf *b, const char *name, uint32_t h)
{
    mg_buf_append(b, name, MAX_FN_NAME - 9);
    mg_buf_putc(b, '_');
    for (int i = 7; i >= 0; i--)
        mg_buf_putc(b, "0123456789abcdef"[h >> (4 * i) & 0xF]);
}

/* The URI of function `id`'s schema relative to the root file's folder
 * (c->root_dir), made the first time it is asked for: a pointer past the
 * folder into c->uri_text, valid until the next call (which may make another
 * URI and move the text). */
static const char *fn_uri(pctx *c, int id)
{
    fn_src *s = &c->src[id];
    if (s->uri_at == NO_URI)
        s->uri_at = node_uri_at(c, s->doc, s->node);
    return relative_uri(c->uri_text.data + s->uri_at, c->root_dir);
}

/* mg_hash_str of function `id`'s URI relative to the root file's folder
 * (fn_uri's), made only where its hash state does not tell (uri_hash_of). */
static uint32_t fn_uri_hash(pctx *c, int id)
{
    const fn_src *s = &c->src[id];
    uint32_t h;
    if (s->uri_at == NO_URI && uri_hash_of(c, s->doc, s->node, &h))
        return h;
    return mg_hash_str(fn_uri(c, id));
}

/* name_of_uri(uri, 0) from node_name's name of the schema at `uri`
 * (name_text[at..at+len)), into `b` (reset first). `uri_hash`, mg_hash_str
 * of `uri`, is read only for a name longer than MAX_FN_NAME (the caller
 * need not make it otherwise). */
static const char *made_name(const pctx *c, size_t at, size_t len, uint32_t uri_hash, mg_buf *b)
{
    mg_buf_reset(b);
    if (!len)
        mg_buf_append_str(b, "_root");
    else if (len <= MAX_FN_NAME)
        mg_buf_append(b, c->name_text.data + at, len);
    else
        shorten_name(b, c->name_text.data + at, uri_hash);
    return mg_buf_cstr(b);
}

static char *name_of_uri(const char *uri, int with_file)
{
    /* Written into one allocation, made once (a buffer per name and per
     * token, grown a token at a time, was most of naming): every byte of
     * the uri gives at most two of the name, and the tokens are decoded
     * into the room after it. */
    size_t len = strlen(uri);
    char *name = mg_xmalloc(3 * len + 32), *tok = name + 2 * len + 24, *o = name;
    const char *hash = memchr(uri, '#', len);
    size_t flen = hash ? (size_t)(hash - uri) : len;
    if (with_file) {
        const char *base = uri;
        for (const char *p = uri; p < uri + flen; p++)
            if (*p == '/')
                base = p + 1;
        o = put_ident(o, base, (size_t)(uri + flen - base));
    }
    const char *p = hash ? hash + 1 : "";
    while (*p == '/') {
        p = decode_token(tok, p + 1);
        if (!is_group_token(tok)) {
            const char *t = short_token(tok);
            o = put_ident(o, t, strlen(t));
        }
    }
    if (o == name) {
        memcpy(name, "_root", 5);
        o = name + 5;
    }
    if (o - name > MAX_FN_NAME) {
        /* "_" and the hash's 8 hex digits, as "_%08x" prints them. */
        uint32_t h = mg_hash_str(uri);
        o = name + MAX_FN_NAME - 9;
        *o++ = '_';
        for (int i = 7; i >= 0; i--)
            *o++ = "0123456789abcdef"[h >> (4 * i) & 0xF];
    }
    *o = '\0';
    return name;
}

typedef struct name_ent {
    const char *name; /* key: the names array's (unchanged while the table is used) */
    int count;
} name_ent;

static int name_ent_eq(const void *ent, const void *key)
{
    return strcmp(((const name_ent *)ent)->name, key) == 0;
}

/* Counts the kept functions' names; returns the table (caller finis it). */
static void count_names(mg_hmap *seen, char *const *names, const int *map, int n)
{
    mg_hmap_init(seen, sizeof(name_ent));
    size_t kept = 0; /* room for every name at once */
    for (int i = 0; i < n; i++)
        kept += map[i] == i;
    mg_hmap_reserve(seen, kept);
    for (int i = 0; i < n; i++)
        if (map[i] == i) {
            uint32_t h = quick_hash(names[i]);
            name_ent *e = mg_hmap_find(seen, h, name_ent_eq, names[i]);
            if (!e) {
                e = mg_hmap_add(seen, h);
                e->name = names[i];
            }
            e->count++;
        }
}

static int name_clashes(const mg_hmap *seen, const char *name)
{
    return ((const name_ent *)mg_hmap_find(seen, quick_hash(name), name_ent_eq, name))->count > 1;
}

/* The name of a function that checks its type and nothing else
 * ("_string"), or NULL. Such functions are shared by most members, so their
 * name is written at every use: a name from the content is short and does
 * not depend on which member happened to come first. */
/* bare_type_name, where `c` (may be NULL) holds the flags `f` left out
 * (strip_fn): a true one counts as a member would. `sig_bits` (c's
 * strip_r->nsigs bytes, zeroed before the first call) keeps what sig_bare
 * read of each set of constants. */
static const char *bare_type_name_of(const pctx *c, const cJSON *f, unsigned char *sig_bits);

/* What bare_type_name_of reads of the constants function `f` left out
 * (strip_fn), where the members did not say: is_schema and has_type (where
 * *schema and *type are -1: the first of the name), and *other = 1 if any
 * other is true. */
static void sig_bare(const pctx *c, const cJSON *f, int *schema, int *type, int *other, unsigned char *sig_bits);

/* bare_type_name_of's sig_bits for c->strip_r, zeroed (free() it). */
static unsigned char *sig_bits_new(const pctx *c);

static const char *bare_type_name(const cJSON *f) { return bare_type_name_of(NULL, f, NULL); }

static const char *bare_type_name_of(const pctx *c, const cJSON *f, unsigned char *sig_bits)
{
    static const struct {
        int mask;
        const char *name;
    } names[] = {{T_NULL, "_null"},       {T_BOOLEAN, "_boolean"}, {T_INTEGER, "_integer"},
                 {T_NUMBER | T_INTEGER, "_number"}, {T_STRING, "_string"},  {T_ARRAY, "_array"},
                 {T_OBJECT, "_object"}};
    /* is_schema and has_type true, no other flag true (any other keyword:
     * has_*, is_*, unique_items, ...), as members or among the constants
     * left out: one pass over each (a lookup per name and a scan of the
     * constants per question was 17 M instructions at 1 000 messages). */
    const cJSON *mask_m = NULL;
    int schema = -1, type = -1, other = 0; /* -1: not met */
    for (const cJSON *k = f->child; k; k = k->next) {
        const char *s = k->string;
        if (s[0] == 'i' && !strcmp(s, "is_schema")) {
            if (schema < 0) /* the first of a name, as mg_json_get */
                schema = cJSON_IsTrue(k);
        } else if (s[0] == 'h' && !strcmp(s, "has_type")) {
            if (type < 0)
                type = cJSON_IsTrue(k);
        } else if ((k->type & 0xFF) == cJSON_True) { /* cJSON_IsTrue, without the call */
            other = 1;
        } else if (!mask_m && s[0] == 't' && !strcmp(s, "type_mask")) {
            mask_m = k;
        }
    }
    if (c && !other && schema && type)
        sig_bare(c, f, &schema, &type, &other, sig_bits);
    if (schema != 1 || type != 1 || other)
        return NULL;
    int mask = (int)cJSON_GetNumberValue(mask_m);
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (names[i].mask == mask)
            return names[i].name;
    return NULL;
}

/* names[id] for every function that `map` keeps (others NULL): the smallest
 * name among the schemas merged into it. Two schemas of the same pointer in
 * different files get the file's stem; names that still clash (pointers that
 * read the same as identifiers) get their pointer's hash. */
static char **function_names(pctx *c, const int *map)
{
    int n = c->nfunctions;
    char **names = mg_xcalloc((size_t)n + 1, sizeof *names);
    int *from = mg_xcalloc((size_t)n + 1, sizeof *from); /* the schema a kept name came from */
    /* Every uri relative to the root file's folder. */
    mg_buf dir;
    mg_buf_init(&dir);
    const mg_doc *root = mg_docset_count(c->m->set) ? mg_docset_doc(c->m->set, 0) : NULL;
    const char *slash = root ? strrchr(root->path, '/') : NULL;
    if (slash)
        mg_buf_append(&dir, root->path, (size_t)(slash - root->path) + 1);
    c->root_dir = mg_buf_cstr(&dir);
    /* The root file's own schemas never need its stem. */
    const char *root_file = root ? root->path + dir.len : "";
    size_t root_len = strlen(root_file);
    unsigned char *bare = mg_xcalloc((size_t)n + 1, 1); /* 1: named by its content */
    unsigned char *sig_bits = c->strip_r ? sig_bits_new(c) : NULL;
    const cJSON *f;
    cJSON_ArrayForEach(f, c->functions) {
        int id = (int)cJSON_GetNumberValue(mg_json_get(f, "id"));
        const char *nm = id >= 0 && id < n && map[id] == id
                             ? (c->strip_r ? bare_type_name_of(c, f, sig_bits) : bare_type_name(f))
                             : NULL;
        if (nm) {
            names[id] = mg_xstrdup(nm);
            bare[id] = 1;
        }
    }
    free(sig_bits);
    mg_buf nb;
    mg_buf_init(&nb);
    for (int i = 0; i < n; i++) {
        int k = map[i];
        if (bare[k])
            continue;
        /* name_of_uri(uri, 0), from node_name's name where it made one
         * (copied only when it is the smallest yet). */
        const char *nm;
        char *made = NULL;
        if (c->src[i].name_at == NO_NAME)
            nm = made = name_of_uri(fn_uri(c, i), 0);
        else {
            size_t len = c->src[i].name_len;
            nm = made_name(c, c->src[i].name_at, len, len > MAX_FN_NAME ? fn_uri_hash(c, i) : 0, &nb);
        }
        if (!names[k] || strcmp(nm, names[k]) < 0) {
            free(names[k]);
            names[k] = made ? made : mg_xstrdup(nm);
            from[k] = i;
        } else {
            free(made);
        }
    }
    mg_buf_fini(&nb);
    for (int pass = 0; pass < 2; pass++) {
        mg_hmap seen;
        count_names(&seen, names, map, n);
        char **next = mg_xcalloc((size_t)n + 1, sizeof *next);
        for (int i = 0; i < n; i++) {
            if (map[i] != i || bare[i] || !name_clashes(&seen, names[i]))
                continue;
            if (pass == 0) {
                const char *uri = fn_uri(c, from[i]);
                if (!strncmp(uri, root_file, root_len) && uri[root_len] == '#')
                    continue;
                next[i] = name_of_uri(uri, 1);
            } else {
                mg_buf b;
                mg_buf_init(&b);
                mg_buf_appendf(&b, "%s_%08x", names[i], (unsigned)fn_uri_hash(c, from[i]));
                next[i] = mg_buf_steal(&b, NULL);
            }
        }
        mg_hmap_fini(&seen);
        for (int i = 0; i < n; i++)
            if (next[i]) {
                free(names[i]);
                names[i] = next[i];
            }
        free(next);
    }
    free(bare);
    free(from);
    c->root_dir = NULL;
    mg_buf_fini(&dir);
    return names;
}

/* ---- shapes ------------------------------------------------------------
 * How a field can be held in a typed record: one value, a list, a string-keyed
 * map, or the raw JSON when it has no simple typed form (nested containers,
 * nullable items, unions, aliases). Neutral data; each target spells it. */

/* A lazy view's constants are not members (mg_vplan_consts). */
static int flag(const pctx *c, const cJSON *o, const char *k)
{
    const cJSON *m = mg_json_get(o, k);
    return m ? cJSON_IsTrue(m) : c->consts && c->consts->is_true(c->consts->arg, o, k);
}

/* The element class of a typeref view (items, or a scalar field); "e_json"
 * when it has no typed form. Unions are typed when their options are known
 * (has_option_fns on the union's type item). */
typedef struct type_ent {
    const char *id; /* key: the item's own (types outlive the plan's build) */
    const cJSON *item;
} type_ent;

static int type_ent_eq(const void *ent, const void *key)
{
    return strcmp(((const type_ent *)ent)->id, key) == 0;
}

/* The first type item whose id is `id`, or NULL. */
static const type_ent *type_by_id(const pctx *c, const char *id)
{
    return mg_hmap_find(&c->type_by_id, quick_hash(id), type_ent_eq, id);
}

/* The members of a typeref view (a field, its items, a union option) that
 * shapes depend on, read in one pass: these objects have about 70 members, and
 * a lookup by name scans them. (View objects have no repeated keys.) */
typedef struct tr_flags {
    int is_string, is_integer, is_number, is_boolean, is_ref, is_array, is_map, is_tuple, nullable;
    const cJSON *items, *ref, *shape;
} tr_flags;

/* The flags of tr_flags by name, as a lazy view's constants are asked for
 * (mg_vplan_consts.get; pctx.flag_ids in this order). */
static const struct {
    const char *name;
    size_t off;
} tr_flag_names[] = {{"is_string", offsetof(tr_flags, is_string)},   {"is_integer", offsetof(tr_flags, is_integer)},
                     {"is_number", offsetof(tr_flags, is_number)},   {"is_boolean", offsetof(tr_flags, is_boolean)},
                     {"is_ref", offsetof(tr_flags, is_ref)},         {"is_array", offsetof(tr_flags, is_array)},
                     {"is_map", offsetof(tr_flags, is_map)},         {"is_tuple", offsetof(tr_flags, is_tuple)},
                     {"nullable", offsetof(tr_flags, nullable)}};
#define TR_NFLAGS (sizeof tr_flag_names / sizeof *tr_flag_names)
_Static_assert(TR_NFLAGS == 9, "read_flags spells the nine out");

/* The flags of a typeref's `ref` that classify a field (elem_class). */
static const char *const ref_flag_names[4] = {"is_object", "is_enum", "is_union", "is_alias"};

/* Whether read_flags and ref_flags can ask `consts` for the flags by number
 * (sets c->flag_ids and c->ref_ids). */
static void flag_ids_init(pctx *c)
{
    _Static_assert(sizeof c->flag_ids / sizeof *c->flag_ids == TR_NFLAGS, "one number per flag");
    const mg_vplan_consts *consts = c->consts;
    c->flag_by_id = consts && consts->key_id && consts->get;
    for (size_t i = 0; c->flag_by_id && i < TR_NFLAGS; i++) {
        c->flag_ids[i] = consts->key_id(consts->arg, tr_flag_names[i].name);
        if (c->flag_ids[i] < 0)
            c->flag_by_id = 0;
    }
    c->ref_by_id = consts && consts->key_id && consts->get;
    for (size_t i = 0; c->ref_by_id && i < 4; i++) {
        c->ref_ids[i] = consts->key_id(consts->arg, ref_flag_names[i]);
        if (c->ref_ids[i] < 0)
            c->ref_by_id = 0;
    }
}

/* flag() of each of ref_flag_names for the typeref `o`, in one pass over its
 * members and one question to the constants (a lookup and a question per
 * flag was most of classifying the fields that refer to a type). */
static void ref_flags(const pctx *c, const cJSON *o, int out[4])
{
    int have[4] = {0};
    for (const cJSON *m = o ? o->child : NULL; m; m = m->next) {
        const char *k = m->string;
        if (!k || k[0] != 'i' || k[1] != 's' || k[2] != '_')
            continue;
        for (int i = 0; i < 4; i++)
            if (!have[i] && !strcmp(k + 3, ref_flag_names[i] + 3)) { /* the first of a name, as mg_json_get */
                have[i] = 1;
                out[i] = cJSON_IsTrue(m);
            }
    }
    const mg_vplan_consts *consts = c->consts;
    int vals[4] = {0};
    if (consts && c->ref_by_id)
        consts->get(consts->arg, o, c->ref_ids, 4, vals);
    for (int i = 0; i < 4; i++)
        if (!have[i])
            out[i] = !consts ? 0 : c->ref_by_id ? vals[i] == cJSON_True : consts->is_true(consts->arg, o, ref_flag_names[i]);
}

/* What a member name stands for in a typeref view: a flag (the offset of
 * its int in tr_flags, plus 1), one of the ROLE_ members, or 0 (nothing).
 * One compare per member (a compare against each of the nine names was 16 M
 * instructions). */
enum { ROLE_ITEMS = 1000, ROLE_REF, ROLE_SHAPE };
static int member_role(const char *k)
{
    static const struct {
        const char *rest;
        size_t off;
    } flags[] = {{"string", offsetof(tr_flags, is_string)}, {"integer", offsetof(tr_flags, is_integer)},
                 {"number", offsetof(tr_flags, is_number)}, {"boolean", offsetof(tr_flags, is_boolean)},
                 {"ref", offsetof(tr_flags, is_ref)},       {"array", offsetof(tr_flags, is_array)},
                 {"map", offsetof(tr_flags, is_map)},       {"tuple", offsetof(tr_flags, is_tuple)}};
    switch (k[0]) {
    case 'n':
        return !strcmp(k, "nullable") ? (int)offsetof(tr_flags, nullable) + 1 : 0;
    case 'i':
        if (k[1] == 't')
            return !strcmp(k, "items") ? ROLE_ITEMS : 0;
        if (k[1] != 's' || k[2] != '_')
            return 0;
        for (size_t i = 0; i < sizeof flags / sizeof *flags; i++)
            if (flags[i].rest[0] == k[3])
                return !strcmp(k + 3, flags[i].rest) ? (int)flags[i].off + 1 : 0;
        return 0;
    case 'r':
        return !strcmp(k, "ref") ? ROLE_REF : 0;
    case 's':
        return !strcmp(k, "shape") ? ROLE_SHAPE : 0;
    default:
        return 0;
    }
}

/* member_role of member `m`, cached by the name's address when it is a
 * constant (the view's names are literals shared by every field): reading
 * the flags of every field of three targets compared each name (11 M
 * instructions of a generate). */
static inline int key_role_of(role_ent *rc, const char *k)
{
    if (!rc)
        return member_role(k);
    /* Four ways (the slot's group of four), the newest first, so that a few
     * names in one group do not evict each other on every member (with two
     * ways, three names of a field met in one pair, as the literals' addresses
     * fell, and 40 times as many names were compared). */
    role_ent *e = &rc[mg_addr_slot(k, ROLE_CACHE) & ~(size_t)3];
    for (int i = 0; i < 4; i++)
        if (e[i].key == k)
            return e[i].role;
    memmove(e + 1, e, 3 * sizeof *e);
    e->key = k;
    e->role = member_role(k);
    return e->role;
}

static inline int member_role_of(role_ent *rc, const cJSON *m)
{
    return m->type & cJSON_StringIsConst ? key_role_of(rc, m->string) : member_role(m->string);
}

static void read_flags(const pctx *c, const cJSON *o, tr_flags *x)
{
    /* Locals: the stores into *x would make the compiler reload them. */
    role_ent *rc = c->roles;
    const mg_vplan_consts *consts = c->consts;
    memset(x, 0, sizeof *x);
    for (const cJSON *m = o ? o->child : NULL; m; m = m->next) {
        if (!m->string)
            continue;
        int role = member_role_of(rc, m);
        if (!role)
            continue;
        if (role == ROLE_ITEMS)
            x->items = m;
        else if (role == ROLE_REF)
            x->ref = m;
        else if (role == ROLE_SHAPE)
            x->shape = m;
        else
            *(int *)(void *)((char *)x + role - 1) = (m->type & 0xFF) == cJSON_True;
    }
    /* A lazy view keeps most constants on a chain (view.h); a null items
     * or ref is no member either way. */
    if (!consts)
        return;
    if (c->flag_by_id) {
        /* Only the nine flags, by number (a list of every constant was
         * read and its names compared: about 8 M instructions). */
        int vals[TR_NFLAGS];
        consts->get(consts->arg, o, c->flag_ids, TR_NFLAGS, vals);
        /* In tr_flag_names' order, spelled out (a loop through the offsets
         * was a tenth of reading the flags). */
        if (vals[0])
            x->is_string = vals[0] == cJSON_True;
        if (vals[1])
            x->is_integer = vals[1] == cJSON_True;
        if (vals[2])
            x->is_number = vals[2] == cJSON_True;
        if (vals[3])
            x->is_boolean = vals[3] == cJSON_True;
        if (vals[4])
            x->is_ref = vals[4] == cJSON_True;
        if (vals[5])
            x->is_array = vals[5] == cJSON_True;
        if (vals[6])
            x->is_map = vals[6] == cJSON_True;
        if (vals[7])
            x->is_tuple = vals[7] == cJSON_True;
        if (vals[8])
            x->nullable = vals[8] == cJSON_True;
        return;
    }
    const char *keys[256];
    int vals[256];
    size_t n = consts->list(consts->arg, o, keys, vals, 256);
    for (size_t i = 0; i < n; i++) {
        /* By address too: a chain's names are literals, or kept by the
         * view (mg_vplan_consts) while the plan is built. A chain has
         * about 30 names, 140 000 lookups of a generate. */
        int role = key_role_of(rc, keys[i]);
        if (role && role < ROLE_ITEMS)
            *(int *)(void *)((char *)x + role - 1) = vals[i] == cJSON_True;
    }
}

static const char *elem_class(const pctx *c, const tr_flags *tr);

/* The class of what an alias stands for when that is one plain value (a
 * non-nullable string, integer, number or boolean, through chains of aliases:
 * Streetlights' `sentAt: {$ref: sentAt}` is a string); NULL otherwise. */
static const char *alias_class(const pctx *c, const cJSON *ref, int hops)
{
    const char *id = cJSON_GetStringValue(mg_json_get(ref, "id"));
    const type_ent *t = id ? type_by_id(c, id) : NULL;
    const cJSON *target = t ? mg_json_get(t->item, "target") : NULL;
    if (!target || hops > 64)
        return NULL;
    tr_flags tf;
    read_flags(c, target, &tf);
    if (tf.nullable)
        return NULL;
    if (tf.is_ref && flag(c, tf.ref, "is_alias"))
        return alias_class(c, tf.ref, hops + 1);
    if (tf.is_string || tf.is_integer || tf.is_number || tf.is_boolean)
        return elem_class(c, &tf);
    return NULL;
}

static const char *elem_class(const pctx *c, const tr_flags *tr)
{
    if (tr->is_string)
        return "e_string";
    if (tr->is_integer)
        return "e_integer";
    if (tr->is_number)
        return "e_number";
    if (tr->is_boolean)
        return "e_boolean";
    if (tr->is_ref) {
        const cJSON *ref = tr->ref;
        int rf[4]; /* ref_flag_names' */
        ref_flags(c, ref, rf);
        if (rf[0])
            return "e_object";
        if (rf[1])
            return "e_enum";
        const char *id = cJSON_GetStringValue(mg_json_get(ref, "id"));
        const type_ent *t = rf[2] && id ? type_by_id(c, id) : NULL;
        if (t)
            return flag(c, t->item, "has_option_fns") ? "e_union" : "e_json";
        const char *prim = rf[3] ? alias_class(c, ref, 0) : NULL;
        if (prim)
            return prim;
    }
    return "e_json";
}

/* Sets `shape` on `o`; `old` is its current shape member, or NULL. */
static const char *const shape_containers[] = {"is_scalar", "is_list", "is_dict", "is_json"};
static const char *const shape_classes[] = {"e_string", "e_integer", "e_number", "e_boolean",
                                            "e_json", "e_object", "e_enum", "e_union"};

static cJSON *shape_new(const char *container, const char *cls, const char *elem_id)
{
    cJSON *sh = cJSON_CreateObject();
    for (size_t i = 0; i < sizeof shape_containers / sizeof *shape_containers; i++)
        add_bool(sh, shape_containers[i], !strcmp(container, shape_containers[i]));
    for (size_t i = 0; i < sizeof shape_classes / sizeof *shape_classes; i++)
        add_bool(sh, shape_classes[i], !strcmp(cls, shape_classes[i]));
    add_cs(sh, "elem_id", cJSON_CreateString(elem_id));
    return sh;
}

static int shape_eq(const void *ent, const void *key)
{
    const shape_ent *a = ent, *b = key;
    return a->container == b->container && a->cls == b->cls && strcmp(a->elem_id, b->elem_id) == 0;
}

/* The place of a shape without elem_id in plain_shapes: a container of
 * shape_containers and a class of shape_classes differ in these bytes. */
static size_t plain_shape_slot(const char *container, const char *cls)
{
    size_t k;
    switch (container[3]) {
    case 's': k = 0; break;
    case 'l': k = 1; break;
    case 'd': k = 2; break;
    default: k = 3; break;
    }
    static const char cls_byte[] = "sinbjoeu"; /* cls[2] of shape_classes, in order */
    const char *at = strchr(cls_byte, cls[2]);
    return k * 8 + (size_t)(at ? at - cls_byte : 0);
}

/* A shape object for a lazy view: is_scalar and elem_id its own, then the
 * eleven other flags, the same nodes in every shape of `container` and
 * `cls` (a tail of *shape_tails, which owns them: mg_vplan_raw_free
 * unlinks it first). 3 nodes a shape, not 14 (about 86 000 shapes at
 * 10 000 messages: a million nodes fewer), every flag still a member, read
 * as fast as before. Only the order differs from shape_new's (elem_id
 * second, not last), which a lazy view may: a template that prints an
 * object as JSON or iterates its members is rendered from the full view
 * (view.h), whose shapes are shape_new's. */
static cJSON *shape_lean(const pctx *c, const char *container, const char *cls, const char *elem_id)
{
    cJSON **tail = &c->shape_tails[plain_shape_slot(container, cls)];
    if (!*tail) {
        *tail = shape_new(container, cls, "");
        /* Without is_scalar and elem_id: the eleven flags, in order. */
        cJSON_Delete(cJSON_DetachItemFromObjectCaseSensitive(*tail, shape_containers[0]));
        cJSON_Delete(cJSON_DetachItemFromObjectCaseSensitive(*tail, "elem_id"));
    }
    cJSON *sh = cJSON_CreateObject();
    add_bool(sh, shape_containers[0], !strcmp(container, shape_containers[0]));
    add_cs(sh, "elem_id", cJSON_CreateString(elem_id));
    cJSON *id = sh->child->next;
    id->next = (*tail)->child;
    sh->child->prev = (*tail)->child->prev; /* the last member, as cJSON keeps it */
    return sh;
}

/* The shape object of `e` this build refers to (lean or full), made when
 * first asked. */
static const cJSON *shape_obj(const pctx *c, shape_ent *e)
{
    cJSON **obj = c->lean_shapes ? &e->lean : &e->obj;
    if (!*obj)
        *obj = c->lean_shapes ? shape_lean(c, e->container, e->cls, e->elem_id)
                              : shape_new(e->container, e->cls, e->elem_id);
    return *obj;
}

/* Sets `shape` on `o`; `old` is its current shape member, or NULL (a
 * reference when shared: deleting it frees none of the shared members). */
static void set_shape(const pctx *c, cJSON *o, cJSON *old, const char *container, const char *cls, const char *elem_id)
{
    cJSON *sh;
    /* Most fields are scalars of no type of the catalogue: those shapes
     * by their container and class (a hash of the three was most of
     * setting a shape). */
    /* Lean shapes from 32 (plain_shapes). */
    const cJSON **plain =
        c->shapes && !elem_id[0] ? &c->plain_shapes[plain_shape_slot(container, cls) + (c->lean_shapes ? 32 : 0)]
                                 : NULL;
    if (plain && *plain) {
        sh = cJSON_CreateObjectReference((*plain)->child);
        if (c->shape_at)
            *c->shape_at = c->plain_at[plain - c->plain_shapes];
    } else if (c->shapes) {
        shape_ent key = {container, cls, (char *)elem_id, NULL, NULL};
        /* Every byte, a word at a time: ids are paths of tens of bytes
         * (mg_hash_str_seed, a byte at a time, was a quarter of setting the
         * shapes at 1 000 messages). */
        uint32_t h = mg_hash_words(mg_hash_ptr(container) * 31u + mg_hash_ptr(cls), elem_id, strlen(elem_id));
        shape_ent *e = mg_hmap_find(c->shapes, h, shape_eq, &key);
        if (!e) {
            e = mg_hmap_add(c->shapes, h);
            e->container = container;
            e->cls = cls;
            e->elem_id = mg_xstrdup(elem_id);
            e->obj = e->lean = NULL;
        }
        const cJSON *obj = shape_obj(c, e);
        uint32_t at = (uint32_t)mg_hmap_index(c->shapes, e);
        if (plain) {
            *plain = obj;
            c->plain_at[plain - c->plain_shapes] = at;
        }
        if (c->shape_at)
            *c->shape_at = at;
        sh = cJSON_CreateObjectReference(obj->child);
    } else
        sh = shape_new(container, cls, elem_id);
    if (old)
        cJSON_Delete(cJSON_DetachItemViaPointer(o, old));
    add_cs(o, "shape", sh);
}

/* Returns 1 if `field` had a shape (replaced), else 0. */
static int add_shape(const pctx *c, cJSON *field)
{
    tr_flags ff, fi;
    read_flags(c, field, &ff);
    const char *container = "is_scalar";
    const tr_flags *elem = &ff;
    if (ff.is_array || ff.is_map) {
        if (ff.items)
            read_flags(c, ff.items, &fi);
        /* A tuple's positions have types of their own: raw JSON. */
        if (ff.nullable || !ff.items || ff.is_tuple || fi.nullable || fi.is_array || fi.is_map)
            container = "is_json";
        else {
            container = ff.is_array ? "is_list" : "is_dict";
            elem = &fi;
        }
    }
    const char *cls = strcmp(container, "is_json") ? elem_class(c, elem) : "e_json";
    /* e_object, e_enum and e_union (shape_classes differ in cls[2]) name
     * their type. */
    int typed = cls[2] == 'o' || cls[2] == 'e' || cls[2] == 'u';
    const char *id = typed ? cJSON_GetStringValue(mg_json_get(elem->ref, "id")) : NULL;
    set_shape(c, field, (cJSON *)ff.shape, container, cls, id ? id : "");
    return ff.shape != NULL;
}

/* The number of a function reference or id member, in the raw plan (a
 * number) or in a converted one (a name that kept its number: canonize). */
static int id_of(const cJSON *j)
{
    int t = j ? j->type & 0xFF : 0;
    return t == cJSON_Number || t == cJSON_String ? (int)j->valuedouble : 0;
}

static const cJSON *fn_by_id(const pctx *c, int id)
{
    return id >= 0 && id < c->nfunctions ? c->fn_at[id] : NULL;
}

/* Whether flag `k` of raw function `fn` (number `id`) is true (below). */
static int fn_flag(const pctx *c, int id, const cJSON *fn, const char *k);

/* A copy of `list`, a list of function `id` of the target's plan (below). */
static cJSON *dup_fn_list(const pctx *c, int id, const cJSON *list);

/* Whether the target keeps member `k` (a literal of this file), asked as
 * copy_plan asks of a member of that name (c->keep). Also for what the plan
 * adds to the view's types: a pruned view whose templates never read
 * owner_id or wire_lit (every target but one) would otherwise carry two
 * members on every field, 85 MB of the python view of 10 000 messages. */
static int kept_key(const pctx *c, const char *k)
{
    cJSON m = {.type = cJSON_NULL | cJSON_StringIsConst, .string = (char *)(uintptr_t)k};
    return !c->keep || c->keep(c->keep_arg, &m);
}

/* Whether the plan keeps name_rest, asked as copy_plan asks of a raw plan's
 * null. */
static int rest_kept(const pctx *c) { return kept_key(c, key_name_rest); }


/* A union type lists the functions of its options (its oneOf/anyOf), so that
 * a typed record can tell which option a value is; each option gets a shape
 * (one value; containers and nullable options are raw JSON). */
static void union_options(pctx *c, cJSON *types)
{
    cJSON *item;
    int i = 0;
    for (item = types->child; item; item = item->next, i++) {
        if (!flag(c, item, "is_union"))
            continue;
        /* The raw functions (numbered references) are followed; the list is
         * the target's copy (named references). */
        int id = i < c->m->ntypes && c->type_fn[i] >= 0 ? c->type_fn[i] : 0;
        const cJSON *fn = fn_by_id(c, id);
        for (int hops = 0; fn && fn_flag(c, id, fn, "is_ref") && hops < 64; hops++) {
            id = id_of(mg_json_get(fn, "ref_fn"));
            fn = fn_by_id(c, id);
        }
        const cJSON *copy = fn ? c->copy_at[id] : NULL;
        const cJSON *list = fn && fn_flag(c, id, fn, "has_one_of")   ? mg_json_get(copy, "one_of")
                          : fn && fn_flag(c, id, fn, "has_any_of") ? mg_json_get(copy, "any_of") : NULL;
        cJSON *options = mg_json_get(item, "options");
        int ok = list && cJSON_GetArraySize(list) == cJSON_GetArraySize(options) && cJSON_GetArraySize(list) > 0;
        add_bool(item, "has_option_fns", ok);
        add_cs(item, "option_fns", ok ? dup_fn_list(c, id, list) : cJSON_CreateArray());
    }
    int keep_owner = kept_key(c, "owner_id");
    cJSON_ArrayForEach(item, types) {
        cJSON *o;
        cJSON_ArrayForEach(o, mg_json_get(item, "options")) {
            add_shape(c, o);
            const cJSON *sh = mg_json_get(o, "shape");
            if (flag(c, o, "nullable") || !flag(c, sh, "is_scalar"))
                set_shape(c, o, (cJSON *)sh, "is_scalar", "e_json", "");
            if (keep_owner)
                add_cs(o, "owner_id", cJSON_CreateString(cJSON_GetStringValue(mg_json_get(item, "id"))));
        }
    }
}

/* The named types that answer the job API of the catalogue's `x-http-api`
 * (send.response and status.response, each a $ref), for client templates.
 * `<op>_answer` names the client's own answer type: the catalogue's type when
 * x-http-api names one (that type is then marked `is_client_answer`: the
 * client's type of the same name takes its place in the package exports),
 * else `fallback`, or `fallback`+"Answer" when a catalogue type already has
 * that name: the client's answer types never collide with catalogue types. */
static const cJSON *find_ext(const mg_model *m, const char *name)
{
    const cJSON *root = m->doc ? m->doc->root : NULL;
    const cJSON *x = mg_json_get(root, name);
    if (!x)
        x = mg_json_get(mg_json_get(root, "info"), name);
    return x;
}

static cJSON *type_named(const cJSON *types, const char *id)
{
    cJSON *item;
    cJSON_ArrayForEach(item, types) {
        const char *s = cJSON_GetStringValue(mg_json_get(item, "id"));
        if (s && !strcmp(s, id))
            return item;
    }
    return NULL;
}

static void response_type(pctx *c, cJSON *api, const cJSON *ext, const char *op, const char *fallback,
                          const cJSON *types)
{
    const cJSON *resp = mg_json_get(mg_json_get(ext, op), "response");
    const char *id = NULL;
    cJSON *answer_item = NULL;
    mg_ref_target t;
    if (cJSON_IsObject(resp) && mg_resolve_ref(c->m->set, c->m->doc, resp, &t, c->d) >= 0) {
        cJSON *item = types ? types->child : NULL;
        for (int i = 0; i < c->m->ntypes && item; i++, item = item->next)
            if (c->m->types[i]->schema == t.node && c->m->types[i]->kind == MG_TYPE_OBJECT) {
                id = cJSON_GetStringValue(mg_json_get(item, "id"));
                answer_item = item;
            }
    } else if (resp)
        c->failed = 1;
    char key[64], name[64];
    snprintf(key, sizeof key, "has_%s_response", op);
    cJSON_AddItemToObject(api, key, cJSON_CreateBool(id != NULL)); /* copies the key */
    snprintf(key, sizeof key, "%s_response", op);
    cJSON_AddStringToObject(api, key, id ? id : "");
    if (answer_item)
        cJSON_ReplaceItemInObjectCaseSensitive(answer_item, "is_client_answer", cJSON_CreateTrue());
    snprintf(name, sizeof name, "%s", fallback);
    while (!id && type_named(types, name) && strlen(name) + 7 < sizeof name)
        strcat(name, "Answer");
    snprintf(key, sizeof key, "%s_answer", op);
    cJSON_AddStringToObject(api, key, id ? id : name);
}

static cJSON *http_api(pctx *c, cJSON *types)
{
    const cJSON *ext = find_ext(c->m, "x-http-api");
    cJSON *api = cJSON_CreateObject();
    cJSON *item;
    cJSON_ArrayForEach(item, types)
        add_bool(item, "is_client_answer", 0);
    response_type(c, api, ext, "send", "JobResponse", types);
    response_type(c, api, ext, "status", "JobStatus", types);
    /* One catalogue type may answer both: then it is exported once. */
    const char *sa = cJSON_GetStringValue(mg_json_get(api, "send_answer"));
    const char *ta = cJSON_GetStringValue(mg_json_get(api, "status_answer"));
    add_bool(api, "same_answer", sa && ta && !strcmp(sa, ta));
    add_bool(api, "has_client", cJSON_IsTrue(mg_json_get(api, "has_send_response")) &&
                                    cJSON_IsTrue(mg_json_get(api, "has_status_response")));
    return api;
}

/* ---- public ------------------------------------------------------------ */

/* One target's copy of a function (copy_plan, every member), kept by the
 * raw plan so that the next target whose literals read the same refers to
 * it: the literals are all that differs between targets (the names are the
 * same), and with the usual code contexts they seldom differ. */
typedef struct fn_variant {
    char *lits;  /* the escaped literals, each ended by a NUL (owned; copy's strings point here) */
    size_t len;  /* bytes in lits */
    int rest;    /* 1: the copy has the members' name_rest */
    cJSON *copy; /* owned */
    struct fn_variant *next;
} fn_variant;

typedef struct fn_copies {
    const cJSON **lits; /* the raw literals (cJSON_Raw), in copy_plan's order: its part of
                         * mg_vplan_raw.lits; NULL once converted */
    size_t nlits;
    /* Once converted (canonize): the function's literals as the first
     * target escaped them, each followed by its raw text ("lit\0raw\0",
     * nlits pairs; owned). The function's literal strings point here. */
    char *canon;
    size_t canon_len;
    /* Once converted: whether the first target wrote each literal as it
     * is, between double quotes. Escaping goes byte by byte where nothing
     * is replaced (escape.h), so a target in whose context the raw texts'
     * bytes are plain writes the same literals (variant_of, canon_plain_in). */
    int canon_plain;
    fn_variant *variants; /* the copies whose literals read otherwise, or with name_rest */
    /* Once converted: its objects that lost constant members, in
     * mg_vplan_raw.sobjs[sobj_at, sobj_at + nsobj) (strip_consts). */
    size_t sobj_at, nsobj;
} fn_copies;

/* A constant member (false, true, null or []) a converted function's
 * object left out (strip_consts): its name (a literal of this file), its
 * value (cJSON_False, cJSON_True, cJSON_NULL, or cJSON_Array for []) and
 * its place, the number of the object's remaining members before it. A
 * function's reference to function 0 that fn0_move put at its end is noted
 * likewise, with the value STRIP_FN0 and its place before the move: the
 * member is still there for the targets that refer to the function, and a
 * copy puts it back in its place (copy_plan). */
typedef struct strip_ent {
    const char *key;
    int val;
    int pos;
} strip_ent;
/* sig_eq compares entries by their bytes. */
static_assert(sizeof(strip_ent) == sizeof(const char *) + 2 * sizeof(int), "strip_ent has no padding");
#define STRIP_FN0 cJSON_String

/* The constants of one object: mg_vplan_raw.sents[at, at + n), in the
 * object's order, `moved` of them STRIP_FN0's. Objects of one kind share a
 * set (a few hundred sets for 1.2 M constants at 1 000 messages). */
typedef struct strip_sig {
    size_t at, n;
    size_t moved;
} strip_sig;

/* An object that lost constants, by its first member (never left out). */
typedef struct strip_obj {
    const cJSON *first;
    uint32_t sig;
} strip_obj;

/* The target-independent part of a plan: every function compiled and shared,
 * literals still raw (cJSON_Raw). Identical for every target of a model, since
 * literal escaping is one-to-one: raw texts are equal exactly when their
 * literals are, so sharing gives the same functions. */
struct mg_vplan_raw {
    cJSON *functions;
    /* The converted functions' last members that refer to function 0
     * (fn0_tail_share), one set of nodes for all: a holder object, owned
     * here, or NULL. */
    cJSON *fn0_tail;
    cJSON *fn0_t[64]; /* its nodes, the last first (fn0_t[0]) */
    size_t fn0_h;     /* how many */
    cJSON *patterns;
    int *type_fn; /* per model type: its function id, or -1 */
    int ntypes;
    int nfunctions; /* every id is below it */
    int ncompiled;  /* of them compiled; the others were aliases (alias_node) */
    char **names;   /* by id: the function's name (NULL: merged away) */
    /* The largest subtrees of the functions that read the same in every
     * target (no literal, no function reference), flagged cJSON_IsReference
     * so that a target's plan refers to their members instead of copying
     * them (mark_shared); the flag is cleared before they are freed. */
    cJSON **shared;
    size_t nshared, sharedcap;
    mg_hmap shared_keys; /* every member name inside them (a set) */
    mg_hmap keys;        /* every member name under functions and patterns (a set) */
    mg_hmap shapes;      /* shape_ent: the shapes the targets' plans refer to */
    /* shape_ent.obj of those without elem_id (plain_shape_slot), or NULL;
     * from 32, their shape_ent.lean. */
    const cJSON *plain_shapes[64];
    uint32_t plain_at[64];         /* their places in `shapes` */
    cJSON *shape_tails[32];        /* shape_lean's shared flags (plain_shape_slot), or NULL */
    /* Per kept function (in list order): its literals, and its copies for
     * the targets (variant_of). */
    fn_copies *copies;
    size_t ncopies;
    /* Every kept function's raw literals, function after function (mark_shared):
     * one list, not one grown per function (18 000 reallocs at 1 000
     * messages); each fn_copies.lits is its part. NULL once converted. */
    const cJSON **lits;
    size_t nlits, litcap;
    /* 1: `functions` are converted (canonize): literals escaped for the
     * first target, function references named, no name_rest. The first
     * target's plan refers to them; another copies them (variant_of). */
    int converted;
    mg_escape canon_literal; /* the code context of their literals */
    /* The constant members the converted functions left out (strip_consts):
     * every set once (sig_ids: their numbers, by content), and the objects. */
    strip_ent *sents;
    size_t nsents, capsents;
    strip_sig *sigs;
    size_t nsigs, capsigs;
    mg_hmap sig_ids; /* uint32_t: a number in sigs */
    strip_obj *sobjs;
    size_t nsobjs, capsobjs;
    /* 1: the functions lost their constants as they were compiled (strip_fn,
     * a raw plan made for a cache): canonize strips no more. */
    int prestripped;
    /* The shape each type field got from the first build that shared the
     * shapes (set_shape: its place in `shapes`, 4 bytes a field), in
     * the order of the types and their fields; field_at[i] is where type
     * i's begin (ntypes + 1 of them). A field's shape reads only what the
     * view made of the model for every target (its flags, items, ref and
     * ref's id, kept in any pruned view: view.c's builder_keys) and the
     * raw plan's functions (has_option_fns), so the next targets refer to
     * the same shape without reading the field again (read_flags, elem_class
     * and the lookup: two thirds of 120 M instructions at 1 000 messages).
     * NULL: not recorded (no build shared the shapes yet, or a field had a
     * shape before: field_shapes_off). */
    uint32_t *field_shape;
    size_t *field_at;
    int field_shapes_off;
};

static void fn0_tail_cut(mg_vplan_raw *r);

void mg_vplan_raw_free(mg_vplan_raw *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->nshared; i++)
        r->shared[i]->type &= ~cJSON_IsReference;
    free(r->shared);
    mg_hmap_fini(&r->shared_keys);
    mg_hmap_fini(&r->keys);
    for (size_t i = 0; i < mg_hmap_len(&r->shapes); i++) {
        shape_ent *e = mg_hmap_at(&r->shapes, i);
        free(e->elem_id);
        cJSON_Delete(e->obj);
        if (e->lean) /* its tail is r->shape_tails' */
            e->lean->child->next->next = NULL;
        cJSON_Delete(e->lean);
    }
    mg_hmap_fini(&r->shapes);
    for (size_t i = 0; i < 32; i++)
        cJSON_Delete(r->shape_tails[i]);
    free(r->lits);
    for (size_t i = 0; i < r->ncopies; i++) {
        free(r->copies[i].canon);
        for (fn_variant *v = r->copies[i].variants, *next; v; v = next) {
            next = v->next;
            free(v->lits);
            cJSON_Delete(v->copy);
            free(v);
        }
    }
    free(r->copies);
    free(r->sents);
    free(r->sigs);
    mg_hmap_fini(&r->sig_ids);
    free(r->sobjs);
    free(r->field_shape);
    free(r->field_at);
    fn0_tail_cut(r);
    cJSON_Delete(r->functions);
    cJSON_Delete(r->fn0_tail);
    cJSON_Delete(r->patterns);
    free(r->type_fn);
    for (int i = 0; i < r->nfunctions; i++)
        free(r->names[i]);
    free(r->names);
    free(r);
}

/* Adds every member name under `j` to the set `keys`. Keys that are
 * constants (literals of this file: the plan's members share a few dozen)
 * are looked up once each, through `seen` (KEY_SEEN entries by address,
 * direct-mapped), not once per member. */
#define KEY_SEEN 2048
static void note_key(mg_hmap *keys, const char **seen, const cJSON *ch)
{
    const char **slot = &seen[mg_addr_slot(ch->string, KEY_SEEN)];
    if (*slot != ch->string) {
        int added;
        mg_hmap_put_str(keys, ch->string, &added);
        if (ch->type & cJSON_StringIsConst)
            *slot = ch->string;
    }
}

static void add_keys(mg_hmap *keys, const char **seen, const cJSON *j)
{
    for (const cJSON *ch = j->child; ch; ch = ch->next) {
        if (ch->string)
            note_key(keys, seen, ch);
        if (ch->child)
            add_keys(keys, seen, ch);
    }
}

/* The name of function `id` in the plan ("_invalid": merged away). */
static const char *fn_name(char *const *names, int n, int id)
{
    return id >= 0 && id < n && names[id] ? names[id] : "_invalid";
}

/* A function reference of the raw plan made its name (canonize): a string
 * referring to r->names, its number kept in valuedouble for id_of. */
static void name_ref(const mg_vplan_raw *r, cJSON *ch)
{
    ch->type = (ch->type & ~0xFF) | cJSON_String | cJSON_IsReference;
    ch->valuestring = (char *)(uintptr_t)fn_name(r->names, r->nfunctions, (int)ch->valuedouble);
}

/* What mark_shared fills in, with the key caches of add_keys (one each for
 * the two sets, for the whole walk). */
typedef struct mark_ctx {
    mg_vplan_raw *r;
    fn_copies *fl;  /* the function's literals */
    fn_key_ent *fc;
    int convert;    /* 1: also what canon_walk does (r->names are made) */
    size_t parts;   /* the lists and objects met below the functions' own members:
                     * canonize's parts are at most these */
    const pctx *sigs; /* the constants functions left out (strip_fn), or NULL */
    const char *seen_shared[KEY_SEEN];
    const char *seen_all[KEY_SEEN];
} mark_ctx;

/* Adds the literal `j` to the list, as the current function's last. */
static void note_lit(mark_ctx *mc, const cJSON *j)
{
    mg_vplan_raw *r = mc->r;
    r->lits = grow(r->lits, r->nlits, &r->litcap, sizeof *r->lits);
    r->lits[r->nlits++] = j;
    mc->fl->nlits++;
}

/* Returns 1 if copy_plan would copy `j` unchanged in every target: nothing
 * under it is a literal (cJSON_Raw) or a function reference it names. Else
 * flags each largest such list or object under `j` (see mg_vplan_raw). Adds
 * the literals under `j` to the function's list, in copy_plan's order, and
 * every member name to r->keys. */
static int mark_shared(mark_ctx *mc, cJSON *j, int top)
{
    mg_vplan_raw *r = mc->r;
    int type = j->type & 0xFF;
    if (type == cJSON_Raw) {
        note_lit(mc, j);
        return 0;
    }
    if (type != cJSON_Array && type != cJSON_Object)
        return 1;
    int same = !top; /* a function's own members are named per target */
    cJSON *cand[128]; /* the lists and objects of j that read the same */
    size_t ncand = 0;
    for (cJSON *ch = j->child, *next; ch; ch = next) {
        next = ch->next;
        int t = ch->type & 0xFF;
        if (ch->string)
            note_key(&r->keys, mc->seen_all, ch);
        if (ch->string && t == cJSON_Number &&
            member_names_fn(mc->fc, ch, top)) {
            same = 0;
            if (mc->convert)
                name_ref(r, ch);
        } else if (t == cJSON_Raw) { /* a literal: no call */
            note_lit(mc, ch);
            same = 0;
        } else if ((t != cJSON_Array && t != cJSON_Object) || !ch->child) {
            /* Reads the same everywhere (no call for most members). */
            if (mc->convert && ch->string == key_name_rest)
                cJSON_Delete(cJSON_DetachItemViaPointer(j, ch));
            continue;
        } else if (mc->parts++, !mark_shared(mc, ch, 0))
            same = 0;
        /* An empty list or object costs no more to copy than to refer to
         * (passed over above). */
        else if (ncand < sizeof cand / sizeof *cand)
            cand[ncand++] = ch; /* (past cand's room, ch is copied: the same text) */
    }
    /* An object that lost constants (strip_fn) is no shared subtree: a
     * copy puts them back (copy_plan), a reference could not. */
    if (same && !(mc->sigs && (j->type & 0xFF) == cJSON_Object && sig_at(mc->sigs, j->child) != UINT32_MAX))
        return 1;
    for (size_t i = 0; i < ncand; i++) {
        if (r->nshared == r->sharedcap) {
            r->sharedcap = r->sharedcap ? 2 * r->sharedcap : 256;
            r->shared = realloc(r->shared, r->sharedcap * sizeof *r->shared);
            if (!r->shared)
                abort();
        }
        r->shared[r->nshared++] = cand[i];
        cand[i]->type |= cJSON_IsReference;
        add_keys(&r->shared_keys, mc->seen_shared, cand[i]);
    }
    return 0;
}

/* Frees the functions' URIs (and the table of the schemas' nodes, which
 * holds their names). */
static void free_uris(pctx *c)
{
    mg_hmap_fini(&c->nodes);
    mg_buf_fini(&c->uri_text);
    mg_buf_fini(&c->name_text);
    free(c->src);
}

/* The raw plan of `m`; `memo` 0 compiles every schema (for tests: the plan
 * must be the same). */
static void canonize(const pctx *c, mg_vplan_raw *r, int walk, mg_hmap *sig_of, size_t parts);

/* The raw plan of `m`, its functions converted for `conv`'s literals
 * (canonize) when `conv` is not NULL. */
static mg_vplan_raw *build_raw(const mg_model *m, int memo, mg_diag *d, const pctx *conv)
{
    pctx c = {.m = m, .d = d, .raw = 1, .memo = memo};
    c.fnkeys = mg_xcalloc(FN_KEY_CACHE, sizeof *c.fnkeys);
    mg_hmap_init(&c.nodes, sizeof(node_ent));
    mg_hmap_init(&c.memo_map, sizeof(memo_ent));
    mg_buf_init(&c.uri_text);
    mg_buf_init(&c.name_text);
    c.functions = cJSON_CreateArray();
    c.patterns = cJSON_CreateArray();
    /* Made for a cache (converted below): constants go as functions are
     * compiled (strip_fn). */
    mg_vplan_raw *r = mg_xcalloc(1, sizeof *r);
    mg_hmap_init(&r->sig_ids, sizeof(uint32_t));
    mg_hmap_init(&c.sig_of, sizeof(sig_ent));
    if (conv)
        c.strip_r = r;
    int *type_fn = calloc((size_t)m->ntypes + 1, sizeof *type_fn);
    if (!type_fn)
        abort();
    for (int i = 0; i < m->ntypes; i++)
        type_fn[i] = m->types[i]->schema ? compile(&c, m->types[i]->doc, m->types[i]->schema) : -1;
    mg_hmap_fini(&c.memo_map);
    if (c.failed) {
        cJSON_Delete(c.functions);
        cJSON_Delete(c.patterns);
        free(type_fn);
        free_uris(&c);
        free(c.alias);
        free(c.refs);
        free(c.refpool.v);
        free(c.fnkeys);
        free(c.strip_at);
        free(c.strip_n);
        free(c.pend);
        mg_hmap_fini(&c.sig_of);
        mg_vplan_raw_free(r);
        return NULL;
    }
    int *map = share_functions(&c, type_fn, m->ntypes);
    free(c.alias);
    char **names = function_names(&c, map);
    free(map);
    free_uris(&c);
    r->names = names;
    r->functions = c.functions;
    r->patterns = c.patterns;
    r->type_fn = type_fn;
    r->ntypes = m->ntypes;
    r->nfunctions = c.nfunctions;
    r->ncompiled = c.ncompiled;
    mg_hmap_init_str(&r->shared_keys, sizeof(char *));
    mg_hmap_init_str(&r->keys, sizeof(char *));
    mg_hmap_init(&r->shapes, sizeof(shape_ent));
    r->ncopies = (size_t)cJSON_GetArraySize(r->functions);
    r->copies = mg_xcalloc(r->ncopies + 1, sizeof *r->copies);
    mark_ctx *mc = mg_xcalloc(1, sizeof *mc);
    mc->r = r;
    mc->fc = c.fnkeys;
    mc->convert = conv != NULL;
    mc->sigs = c.strip_r ? &c : NULL;
    size_t k = 0;
    for (cJSON *fn = r->functions->child; fn; fn = fn->next) {
        fn_copies *fl = mc->fl = &r->copies[k++];
        if (c.strip_r) { /* its objects that lost constants (strip_fn) */
            int id = id_of(mg_json_get(fn, "id"));
            fl->sobj_at = c.strip_at[id];
            fl->nsobj = c.strip_n[id];
        }
        mark_shared(mc, fn, 1);
    }
    /* Each function's part of the literals, now that the list has its place. */
    for (size_t i = 0, at = 0; i < r->ncopies; at += r->copies[i++].nlits)
        r->copies[i].lits = r->lits + at;
    add_keys(&r->keys, mc->seen_all, r->patterns);
    size_t parts = mc->parts;
    free(mc);
    /* The names of the constants left out are the plan's too. */
    for (size_t i = 0; c.strip_r && i < r->nsents; i++) {
        int added;
        mg_hmap_put_str(&r->keys, r->sents[i].key, &added);
    }
    r->prestripped = c.strip_r != NULL;
    free(c.strip_at);
    free(c.strip_n);
    free(c.pend);
    /* The keys of the name_rest lists copy_plan makes: every name set has
     * them as the lists' items had them (they were shared subtrees). */
    if (c.long_name) {
        static const char *const rest_keys[] = {"index", "byte"};
        for (size_t i = 0; i < 2; i++) {
            int added;
            mg_hmap_put_str(&r->keys, rest_keys[i], &added);
            mg_hmap_put_str(&r->shared_keys, rest_keys[i], &added);
        }
    }
    free(c.fnkeys);
    if (conv) /* the walk was mark_shared's */
        canonize(conv, r, 0, c.strip_r ? &c.sig_of : NULL, parts);
    mg_hmap_fini(&c.sig_of);
    return r;
}

/* canonize, below the literals: function references become their names
 * (strings referring to r->names, numbers kept in valuedouble for id_of),
 * name_rest's nulls go. Shared subtrees hold neither. */
static void canon_walk(const pctx *c, const mg_vplan_raw *r, cJSON *j, int top)
{
    for (cJSON *ch = j->child, *next; ch; ch = next) {
        next = ch->next;
        int t = ch->type & 0xFF;
        if (ch->string == key_name_rest)
            cJSON_Delete(cJSON_DetachItemViaPointer(j, ch));
        else if (t == cJSON_Number && ch->string && member_names_fn(c->fnkeys, ch, top))
            name_ref(r, ch);
        else if ((t == cJSON_Array || t == cJSON_Object) && ch->child && !(ch->type & cJSON_IsReference))
            canon_walk(c, r, ch, 0);
    }
}

/* ---- constants left out ---------------------------------------------------
 * Most members of a function are constants: false flags of the keywords it
 * lacks, empty lists (620 000 of the converted functions' 1.19 M cJSON nodes
 * at 1 000 synthetic messages: 40 MB, 400 MB at 10 000). A converted
 * function keeps none (strip_consts): each object's are one of a few sets
 * (17 at 1 000 messages), kept once. A target whose view answers constants it lacks (a
 * lazy view: mg_vplan_consts.chain and .put) refers to the functions and
 * gives each object its set (strip_register); strict rendering then finds
 * every name where it was, with the same value. For any other target, and in
 * every copy, copy_plan puts them back, in their places. */

/* Does the set q (a sig_key) read as set number *ent? */
typedef struct sig_key {
    const mg_vplan_raw *r;
    const strip_ent *e;
    size_t n;
} sig_key;

static int sig_eq(const void *ent, const void *key)
{
    const sig_key *q = key;
    const strip_sig *s = &q->r->sigs[*(const uint32_t *)ent];
    if (s->n != q->n)
        return 0;
    /* Entries are equal when their bytes are (a pointer and two ints: no
     * padding); memcmp compares them many at a time (a field at a time was
     * 8 M instructions of 1 000 messages). */
    return !memcmp(q->r->sents + s->at, q->e, s->n * sizeof *q->e);
}

/* The number of set e[0..n) in r->sigs, added when new. Names are literals:
 * their addresses tell them apart (hashed whole, in a multiply each: a call
 * of mg_hash_ptr per constant was a third of stripping). */
static uint32_t sig_intern(mg_vplan_raw *r, const strip_ent *e, size_t n)
{
    uint64_t x = 0x5EED51675EED5167ULL;
    for (size_t i = 0; i < n; i++)
        x = (x ^ (uint64_t)(uintptr_t)e[i].key ^ ((uint64_t)(uint32_t)e[i].val << 32 | (uint32_t)e[i].pos)) *
            0x9E3779B97F4A7C15ULL;
    uint32_t h = mix((uint32_t)(x >> 32), (uint32_t)x);
    sig_key q = {r, e, n};
    const uint32_t *f = mg_hmap_find(&r->sig_ids, h, sig_eq, &q);
    if (f)
        return *f;
    if (r->nsents + n > r->capsents) {
        r->capsents = 2 * (r->nsents + n) + 64;
        r->sents = mg_xrealloc(r->sents, r->capsents * sizeof *r->sents);
    }
    memcpy(r->sents + r->nsents, e, n * sizeof *e);
    r->sigs = grow(r->sigs, r->nsigs, &r->capsigs, sizeof *r->sigs);
    size_t moved = 0;
    for (size_t i = 0; i < n; i++)
        moved += e[i].val == STRIP_FN0;
    r->sigs[r->nsigs] = (strip_sig){r->nsents, n, moved};
    r->nsents += n;
    uint32_t *add = mg_hmap_add(&r->sig_ids, h);
    *add = (uint32_t)r->nsigs;
    return (uint32_t)r->nsigs++;
}

/* The most constants one object gives up (a function has about 50): the
 * others stay members. */
#define STRIP_MAX 128

/* Leaves out the constant members of every object under `j`, a converted
 * function or part of one, but an object's first member (by which
 * strip_sig_of and the target's answers find the object) and those of
 * mark_shared's shared subtrees (copies refer to them as they are). Only
 * names that are literals go (mg_vplan_consts.chain keeps their addresses). */
/* The flags of pend[*pi..np) that follow member `after` (fn_bool), in
 * strip_consts' out[] as the members it leaves out would be; past
 * STRIP_MAX, made members after `*tail`, as strip_consts keeps them. */
static inline void take_pend(const pend_ent *pend, size_t np, size_t *pi, const cJSON *after, strip_ent *out, size_t *n,
                      int *pos, cJSON *first, cJSON **tail)
{
    for (; *pi < np && pend[*pi].after == after; ++*pi) {
        if (*n < STRIP_MAX) {
            out[(*n)++] = (strip_ent){pend[*pi].key, pend[*pi].val, *pos};
            continue;
        }
        cJSON *b = pend[*pi].val == cJSON_Array ? cJSON_CreateArray() : cJSON_CreateBool(pend[*pi].val == cJSON_True);
        b->string = (char *)pend[*pi].key;
        b->type |= cJSON_StringIsConst;
        b->prev = *tail;
        b->next = (*tail)->next;
        if (b->next)
            b->next->prev = b;
        else
            first->prev = b;
        (*tail)->next = b;
        *tail = b;
        ++*pos;
    }
}

static void strip_consts(mg_vplan_raw *r, cJSON *j, const pend_ent *pend, size_t np)
{
    int type = j->type & 0xFF;
    if (j->type & cJSON_IsReference)
        return;
    if (type == cJSON_Array) {
        for (cJSON *ch = j->child; ch; ch = ch->next)
            if (ch->child)
                strip_consts(r, ch, NULL, 0);
        return;
    }
    cJSON *first = j->child;
    if (type != cJSON_Object || !first)
        return;
    if (first->child)
        strip_consts(r, first, NULL, 0);
    strip_ent out[STRIP_MAX];
    size_t n = 0, pi = 0;
    int pos = 1;
    cJSON *tail = first; /* the last member kept so far */
    /* take_pend only where a flag follows (a call per member was most of
     * what fn_bool saved). */
    if (pi < np && pend[pi].after == first)
        take_pend(pend, np, &pi, first, out, &n, &pos, first, &tail);
    for (cJSON *ch = first->next, *next; ch; ch = next) {
        next = ch->next;
        int t = ch->type & 0xFF;
        int constant = t == cJSON_False || t == cJSON_True || t == cJSON_NULL ||
                       (t == cJSON_Array && !ch->child && !(ch->type & cJSON_IsReference));
        if (constant && ch->string && (ch->type & cJSON_StringIsConst) && ch->string != key_name_rest &&
            n < STRIP_MAX) {
            out[n++] = (strip_ent){ch->string, t, pos};
            /* Unlinked by hand: not the first, so `prev` is the one before. */
            ch->prev->next = next;
            if (next)
                next->prev = ch->prev;
            else
                first->prev = ch->prev;
            if (pi < np && pend[pi].after == ch)
                take_pend(pend, np, &pi, ch, out, &n, &pos, first, &tail);
            /* What cJSON_Delete does for a node without child or value and
             * with a literal name, without the library call: mg_pool_free
             * frees a pool block or malloc's. */
            mg_pool_free(ch);
            continue;
        }
        /* A raw function's name_rest null (strip_fn) goes before the
         * constants are put back (canonize): it has no place. */
        if (ch->string != key_name_rest)
            pos++;
        tail = ch;
        if (ch->child)
            strip_consts(r, ch, NULL, 0);
        if (pi < np && pend[pi].after == ch)
            take_pend(pend, np, &pi, ch, out, &n, &pos, first, &tail);
    }
    if (pi != np) /* a flag after a member that is gone: fn_bool's promise broken */
        abort();
    if (!n)
        return;
    r->sobjs = grow(r->sobjs, r->nsobjs, &r->capsobjs, sizeof *r->sobjs);
    r->sobjs[r->nsobjs].first = first;
    r->sobjs[r->nsobjs].sig = sig_intern(r, out, n);
    r->nsobjs++;
}

/* The constants that the object whose first member is `first`, in the
 * function of `fl`, left out, or NULL. A function has a few such objects
 * (one per property, check and list item, and itself). */
static const strip_sig *strip_sig_of(const mg_vplan_raw *r, const fn_copies *fl, const cJSON *first)
{
    /* From the last: strip_consts notes an object after those under it, so
     * the function itself (fn_flag's question) is found at once. */
    for (size_t i = fl->sobj_at + fl->nsobj; i-- > fl->sobj_at;)
        if (r->sobjs[i].first == first)
            return &r->sigs[r->sobjs[i].sig];
    return NULL;
}

/* Leaves out the constants of function `id`, `f`, compiled for a raw plan
 * made for a cache: they are its converted form's constants (canonize
 * makes no more), kept as strip_consts keeps them, its objects noted by id
 * (the list's order is made later: share_functions). */
static void strip_fn(pctx *c, int id, cJSON *f, size_t pend_at)
{
    mg_vplan_raw *r = c->strip_r;
    if ((size_t)id >= c->strip_cap) {
        size_t cap = c->strip_cap ? c->strip_cap : 256;
        while (cap <= (size_t)id)
            cap *= 2;
        c->strip_at = mg_xrealloc(c->strip_at, cap * sizeof *c->strip_at);
        c->strip_n = mg_xrealloc(c->strip_n, cap * sizeof *c->strip_n);
        c->strip_cap = cap;
    }
    size_t at = r->nsobjs;
    strip_consts(r, f, c->pend + pend_at, c->npend - pend_at);
    c->npend = pend_at;
    c->strip_at[id] = at;
    c->strip_n[id] = r->nsobjs - at;
    for (size_t i = at; i < r->nsobjs; i++) {
        sig_ent *e = mg_hmap_put_ptr(&c->sig_of, r->sobjs[i].first, NULL);
        e->sig = r->sobjs[i].sig;
        e->at = i;
    }
}

/* The set of constants the object whose first member is `first` left out
 * (strip_fn), or UINT32_MAX: none. */
static uint32_t sig_at(const pctx *c, const cJSON *first)
{
    const sig_ent *e = first ? mg_hmap_get_ptr(&c->sig_of, first) : NULL;
    return e ? e->sig : UINT32_MAX;
}

/* sig_bare's answer for a set of constants (a byte of sig_bits): SB_READ,
 * its first is_schema and has_type (SB_NONE: not in the set) and whether
 * any other is true. Many functions share a set: reading each function's
 * set, a strcmp per has_* flag, was 8 M instructions at 1 000 synthetic
 * messages. */
#define SB_READ 0x80
#define SB_NONE 2
#define SB_SCHEMA(b) ((b) & 3)
#define SB_TYPE(b) (((b) >> 2) & 3)
#define SB_OTHER 0x10

static unsigned char sig_bare_read(const mg_vplan_raw *r, const strip_sig *sg)
{
    int schema = SB_NONE, type = SB_NONE, other = 0;
    for (size_t i = 0; i < sg->n; i++) {
        const strip_ent *e = &r->sents[sg->at + i];
        if (e->key[0] == 'i' && !strcmp(e->key, "is_schema")) {
            if (schema == SB_NONE) /* the first of a name */
                schema = e->val == cJSON_True;
        } else if (e->key[0] == 'h' && !strcmp(e->key, "has_type")) {
            if (type == SB_NONE)
                type = e->val == cJSON_True;
        } else if (e->val == cJSON_True) {
            other = 1;
        }
    }
    return (unsigned char)(SB_READ | schema | type << 2 | (other ? SB_OTHER : 0));
}

static unsigned char *sig_bits_new(const pctx *c) { return mg_xcalloc(c->strip_r->nsigs + 1, 1); }

static void sig_bare(const pctx *c, const cJSON *f, int *schema, int *type, int *other, unsigned char *sig_bits)
{
    uint32_t sig = sig_at(c, f->child);
    if (sig == UINT32_MAX)
        return;
    if (!sig_bits[sig])
        sig_bits[sig] = sig_bare_read(c->strip_r, &c->strip_r->sigs[sig]);
    unsigned char b = sig_bits[sig];
    if (*schema < 0 && SB_SCHEMA(b) != SB_NONE)
        *schema = SB_SCHEMA(b);
    if (*type < 0 && SB_TYPE(b) != SB_NONE)
        *type = SB_TYPE(b);
    if (b & SB_OTHER)
        *other = 1;
}

/* Whether flag `k` of raw function `fn` (number `id`) is true: a member, or
 * a constant the converted function left out (strip_consts). */
static int fn_flag(const pctx *c, int id, const cJSON *fn, const char *k)
{
    const cJSON *m = mg_json_get(fn, k);
    if (m)
        return cJSON_IsTrue(m);
    const fn_copies *fl = c->fn_fl ? c->fn_fl[id] : NULL;
    const strip_sig *sg = fl && fl->nsobj ? strip_sig_of(c->rawp, fl, fn->child) : NULL;
    for (size_t i = 0; sg && i < sg->n; i++) {
        const strip_ent *e = &c->rawp->sents[sg->at + i];
        if (e->key[0] == k[0] && !strcmp(e->key, k))
            return e->val == cJSON_True;
    }
    return 0;
}

/* A copy of `list`, a list of function `id` of the target's plan: a type's
 * own (option_fns), with every member, also the constants a converted
 * function's list left out (strip_consts), put back in their places (a
 * cJSON_Duplicate would copy the items without them, and without the
 * target's answer for them). */
static cJSON *copy_plan(const pctx *c, const cJSON *j, char *const *names, int n, int top);

static cJSON *dup_fn_list(const pctx *c, int id, const cJSON *list)
{
    const fn_copies *fl = c->fn_fl ? c->fn_fl[id] : NULL;
    if (!fl || !fl->nsobj)
        return cJSON_Duplicate(list, 1);
    pctx d = *c;
    d.keep = NULL;
    d.share = 0;
    d.cur_fl = fl;
    d.canon = 0;
    d.canon_lo = d.canon_hi = 0; /* its strings are names: copied as they are */
    d.lit_next = NULL;
    return copy_plan(&d, list, NULL, 0, 0);
}

/* Gives the target the constants of the function of `fl` (c->reg), which
 * its plan refers to. */
static void strip_register(pctx *c, const mg_vplan_raw *r, const fn_copies *fl)
{
    const mg_vplan_consts *consts = c->consts;
    for (size_t i = fl->sobj_at; i < fl->sobj_at + fl->nsobj; i++) {
        const strip_obj *so = &r->sobjs[i];
        uint32_t *h = &c->sig_chain[so->sig];
        if (!*h) {
            const strip_sig *sg = &r->sigs[so->sig];
            const char *keys[STRIP_MAX];
            int vals[STRIP_MAX];
            size_t n = 0;
            for (size_t k = 0; k < sg->n; k++) {
                /* A moved reference is a member still (fn0_move). */
                if (r->sents[sg->at + k].val == STRIP_FN0)
                    continue;
                keys[n] = r->sents[sg->at + k].key;
                vals[n++] = r->sents[sg->at + k].val;
            }
            *h = consts->chain(consts->arg, keys, vals, n);
        }
        consts->put(consts->arg, (cJSON *)(uintptr_t)so->first, *h);
    }
}

/* ---- identical parts referred to ------------------------------------------
 * Many of a converted function's lists and objects read exactly as one of
 * another function: a property of the same name and type (its name, literal,
 * length, first byte and function), a required name, an enum value, a whole
 * list of them. At 1 000 synthetic messages a quarter of the 24 000 property
 * objects, two thirds of the 11 000 required names and all but 33 of the
 * 6 500 enum values repeat one met before. The converted functions keep each
 * such part once (dd_walk): a repeat becomes a reference to the first
 * (cJSON_IsReference, valueint DEDUP_TAG, no name of its own besides its
 * member name), so a target that refers to the functions reads the same
 * members through it, and copy_plan copies through it (unlike mark_shared's
 * subtrees, such a part may hold literals and function names). A part is
 * equal to another when its members are, in order: names, kinds and values,
 * where lists and objects under it (already made references or kept: every
 * part is done after the parts under it) are the same nodes, with the same
 * constants left out (strip_consts). The first member of an object stays
 * (the object's constants are found by it), as do the functions. */

/* The valueint of a part's reference (dd_walk), telling it from the
 * references a target's plan makes; any value but a lazy view's chain
 * numbers on first members (lz_set) would do: a list item is none. */
#define DEDUP_TAG 0x44445550

static int is_dedup_ref(const cJSON *j) { return (j->type & cJSON_IsReference) && j->valueint == DEDUP_TAG; }

/* A part kept: its node, and the function (by its place in the list) whose
 * literals its strings point into. */
typedef struct dd_ent {
    cJSON *node;
    size_t fn;
    uint32_t sig; /* its constants' set (strip_sig number), or UINT32_MAX: none */
} dd_ent;

typedef struct dd_ctx {
    mg_vplan_raw *r;
    mg_hmap *sig_of; /* strip_fn's (sig_ent), or NULL: look through the function's objects */
    mg_hmap parts; /* dd_ent by dd_hash */
    size_t fn;     /* the function being done */
    /* The part looked up, for dd_eq. */
    const cJSON *node;
    uint32_t sig;
} dd_ctx;

/* Is `s` a literal of function `fn` (canonize: it points into fl->canon)? */
static int dd_is_lit(const mg_vplan_raw *r, size_t fn, const char *s)
{
    const fn_copies *fl = &r->copies[fn];
    return fl->canon && s >= fl->canon && s < fl->canon + fl->canon_len;
}

static uint32_t dd_hash(const dd_ctx *dc, const cJSON *j)
{
    uint32_t h = mix(0x9E3779B9u, (uint32_t)(j->type & 0xFF));
    for (const cJSON *ch = j->child; ch; ch = ch->next) {
        int t = ch->type & 0xFF;
        /* A name by its address when it is a literal of this file (nearly
         * all are): a copied name hashes otherwise, and its part is only
         * kept apart. */
        if (ch->string)
            h = ch->type & cJSON_StringIsConst ? mix(h, mg_hash_ptr(ch->string))
                                               : mg_hash_mem_seed(h, ch->string, strlen(ch->string) + 1);
        h = mix(h, (uint32_t)t);
        /* A function's name by its address (r->names: one string per
         * function), any other string by every byte, a word at a time (the
         * walk hashes every string of the functions). */
        if (t == cJSON_String && (ch->type & cJSON_IsReference) && !dd_is_lit(dc->r, dc->fn, ch->valuestring))
            h = mix(h, mg_hash_ptr(ch->valuestring));
        else if (t == cJSON_String)
            h = mg_hash_words(h, ch->valuestring, strlen(ch->valuestring));
        else if (t == cJSON_Number) {
            uint64_t bits;
            memcpy(&bits, &ch->valuedouble, sizeof bits);
            h = mix(mix(h, (uint32_t)bits), (uint32_t)(bits >> 32));
        } else if (t == cJSON_Array || t == cJSON_Object)
            h = mix(h, mg_hash_ptr(ch->child)); /* the same nodes, or none */
    }
    return h;
}

/* Do members a (of the function being done) and b (of function bfn) read
 * the same? Lists and objects: when they are the same nodes. */
static int dd_member_eq(const dd_ctx *dc, const cJSON *a, const cJSON *b, size_t bfn)
{
    const int flags = 0xFF | cJSON_IsReference | cJSON_StringIsConst;
    if ((a->type & flags) != (b->type & flags))
        return 0;
    if (!a->string != !b->string || (a->string != b->string && strcmp(a->string, b->string)))
        return 0;
    switch (a->type & 0xFF) {
    case cJSON_String: {
        const char *x = a->valuestring, *y = b->valuestring;
        if (x == y)
            return 1;
        int lx = dd_is_lit(dc->r, dc->fn, x), ly = dd_is_lit(dc->r, bfn, y);
        if (lx != ly || strcmp(x, y))
            return 0;
        if (!lx) /* a function's name: the same number (id_of) */
            return !(a->type & cJSON_IsReference) || a->valuedouble == b->valuedouble;
        return !strcmp(x + strlen(x) + 1, y + strlen(y) + 1); /* the raw texts */
    }
    case cJSON_Number:
        return a->valuedouble == b->valuedouble && a->valueint == b->valueint;
    case cJSON_Array:
    case cJSON_Object:
        return a->child == b->child;
    default:
        return 1;
    }
}

static int dd_eq(const void *ent, const void *key)
{
    const dd_ent *e = ent;
    const dd_ctx *dc = key;
    const cJSON *a = dc->node, *b = e->node;
    if ((a->type & 0xFF) != (b->type & 0xFF) || dc->sig != e->sig)
        return 0;
    const cJSON *x = a->child, *y = b->child;
    for (; x && y; x = x->next, y = y->next)
        if (!dd_member_eq(dc, x, y, e->fn))
            return 0;
    return !x && !y;
}

/* The number of the set of constants the object whose first member is
 * `first` left out, in function `fl`, or UINT32_MAX. */
static uint32_t dd_sig(const dd_ctx *dc, const fn_copies *fl, const cJSON *first)
{
    if (dc->sig_of) { /* at once, not through every object of the function */
        const sig_ent *e = mg_hmap_get_ptr(dc->sig_of, first);
        return e && e->at != SIZE_MAX ? e->sig : UINT32_MAX;
    }
    const strip_sig *sg = strip_sig_of(dc->r, fl, first);
    return sg ? (uint32_t)(sg - dc->r->sigs) : UINT32_MAX;
}

/* Keeps part `j` (a member of `parent`) once: the first of its content is
 * kept, a repeat is replaced by a reference to it and freed. */
static void dd_part(dd_ctx *dc, fn_copies *fl, cJSON *parent, cJSON *j)
{
    mg_vplan_raw *r = dc->r;
    dc->node = j;
    dc->sig = (j->type & 0xFF) == cJSON_Object ? dd_sig(dc, fl, j->child) : UINT32_MAX;
    uint32_t h = mix(dd_hash(dc, j), dc->sig);
    const dd_ent *e = mg_hmap_find(&dc->parts, h, dd_eq, dc);
    if (!e) {
        dd_ent *add = mg_hmap_add(&dc->parts, h);
        add->node = j;
        add->fn = dc->fn;
        add->sig = dc->sig;
        return;
    }
    cJSON *ref = (j->type & 0xFF) == cJSON_Array ? cJSON_CreateArrayReference(e->node->child)
                                                 : cJSON_CreateObjectReference(e->node->child);
    ref->valueint = DEDUP_TAG;
    ref->valuedouble = (double)e->fn;
    /* The object's constants, found by the kept part's first member. */
    if (dc->sig != UINT32_MAX && dc->sig_of) {
        sig_ent *se = mg_hmap_get_ptr(dc->sig_of, j->child);
        r->sobjs[se->at].first = e->node->child;
        se->at = SIZE_MAX; /* j->child is freed below */
    } else if (dc->sig != UINT32_MAX)
        for (size_t i = fl->sobj_at; i < fl->sobj_at + fl->nsobj; i++)
            if (r->sobjs[i].first == j->child)
                r->sobjs[i].first = e->node->child;
    /* In j's place, with j's name (its own or a literal's). */
    ref->string = j->string;
    ref->type |= j->type & cJSON_StringIsConst;
    j->string = NULL;
    ref->prev = j->prev;
    ref->next = j->next;
    if (parent->child == j)
        parent->child = ref;
    else
        j->prev->next = ref;
    if (j->next)
        j->next->prev = ref;
    else
        parent->child->prev = ref;
    j->next = j->prev = NULL;
    cJSON_Delete(j); /* its lists and objects are references, or empty */
}

/* dedup of the members of `j`, a part of function dc->fn (or the function
 * itself), the parts under each first. */
static void dd_walk(dd_ctx *dc, fn_copies *fl, cJSON *j)
{
    int obj = (j->type & 0xFF) == cJSON_Object;
    for (cJSON *ch = j->child, *next; ch; ch = next) {
        next = ch->next;
        int t = ch->type & 0xFF;
        if ((t != cJSON_Array && t != cJSON_Object) || !ch->child || (ch->type & cJSON_IsReference))
            continue;
        dd_walk(dc, fl, ch);
        if (!(obj && ch == j->child))
            dd_part(dc, fl, j, ch);
    }
}

/* Converts the raw plan's functions, in place, into what copy_plan would
 * make of them for `c`'s literals without name_rest (what pruned views
 * keep), so that a target whose literals read the same refers to them
 * instead of to a copy: the raw functions and that copy were two trees
 * of 1.2 M nodes each at 1 000 synthetic messages. Each literal becomes a
 * string referring to its function's fl->canon, where its raw text follows
 * it for the targets whose literals read otherwise (copy_plan). Only for a
 * cached raw plan (a plan made without a cache copies the raw functions).
 * `walk` 0: the references and name_rest are done (mark_shared converted
 * them as build_raw made the plan); only the literals are left. `parts`
 * (0: unknown) bounds the lists and objects dd_walk keeps (mark_shared
 * counts them), for its table's room. */
/* ---- shared tails ---------------------------------------------------------
 * A function without a keyword's subschema refers to function 0 there
 * (add_fn: a false has_*_fn beside it): about ten such members a function,
 * the last four of nearly every function alike (not_fn, if_fn, then_fn,
 * else_fn: compile_combinators comes last). Before them come scalars that
 * read the same in many functions: one that checks no members has
 * member_hash_bits 0, member_hash_mult "0" and member_hash_slots "", and
 * before those its items_fn, additional_items_fn and contains_fn refer to
 * function 0 too (a quarter of the functions of the synthetic catalogues).
 * A converted function's last members that are such references or scalars
 * of its own (tail_member) and read as the shared tail's last are, past the
 * first, the nodes of r->fn0_tail: one set for every function (a million
 * nodes fewer at 10 000 messages, every member still in its place and
 * reading the same: copy_plan copies a number or string by its value).
 * Nothing adds members to converted functions (vplan.h), and
 * mg_vplan_raw_free unlinks the shared nodes first (fn0_tail_cut). */

/* Whether `ch`, a member of a converted function, refers to function 0
 * (name_ref of a 0). Inline, function 0's name first (it tells nearly every
 * member apart at once: a number's or list's valuestring is NULL): asked
 * of about 500 000 members at 1 000 synthetic messages, it was 14 M
 * instructions as a call. */
static inline __attribute__((always_inline)) int is_fn0_ref(const mg_vplan_raw *r, const cJSON *ch)
{
    return ch->valuestring == fn_name(r->names, r->nfunctions, 0) && (ch->type & 0xFF) == cJSON_String &&
           (ch->type & cJSON_IsReference) && ch->string && (ch->type & cJSON_StringIsConst) &&
           ch->valuedouble == 0;
}

/* Whether member `ch` of converted function `fl` may be a node of the
 * shared tail: a reference to function 0, or a number or string of its own
 * (no literal of `fl`, whose text copy_plan finds by its address in
 * fl->canon; no other reference: mark_shared's, dd_walk's and name_ref's
 * are told apart by their flags and addresses). */
static int tail_member(const mg_vplan_raw *r, const fn_copies *fl, const cJSON *ch)
{
    if (!ch->string || !(ch->type & cJSON_StringIsConst))
        return 0;
    if (ch->type & cJSON_IsReference)
        return is_fn0_ref(r, ch);
    int type = ch->type & 0xFF;
    if (type == cJSON_Number)
        return 1;
    if (type != cJSON_String || !ch->valuestring)
        return 0;
    uintptr_t p = (uintptr_t)ch->valuestring;
    return !fl->canon || p < (uintptr_t)fl->canon || p >= (uintptr_t)(fl->canon + fl->canon_len);
}

/* Whether tail members `a` and `b` read the same: name, type and value. */
static int tail_same(const mg_vplan_raw *r, const cJSON *a, const cJSON *b)
{
    if (a->string != b->string || a->type != b->type)
        return 0;
    if (a->type & cJSON_IsReference)
        return is_fn0_ref(r, a) && is_fn0_ref(r, b);
    if ((a->type & 0xFF) == cJSON_Number)
        return a->valuedouble == b->valuedouble;
    return strcmp(a->valuestring, b->valuestring) == 0;
}

#define FN0_TAIL_MAX 64 /* r->fn0_t's room: past it, members stay the function's */

/* Frees member `ch`, unlinked by the caller: its name is a literal, its
 * string its own unless it refers to one (what cJSON_Delete does for such
 * a node, without the library call). */
static void free_member(cJSON *ch)
{
    if (!(ch->type & cJSON_IsReference) && (ch->type & 0xFF) == cJSON_String)
        cJSON_free(ch->valuestring);
    mg_pool_free(ch);
}

/* Moves converted function `fn`'s references to function 0 that come
 * before its last other member (ref_fn, items_fn, additional_items_fn,
 * contains_fn of most: 4 of its 20 members) after that member, in their
 * order, where fn0_tail_share shares them with the last ones; its
 * constants' set (strip_consts) notes their places (STRIP_FN0), so that a
 * copy has them back there. A target that refers to the function reads
 * the same members (an object's order is no value a template reads: a lazy
 * view orders members otherwise too, shape_lean). Left as it is: a
 * function without constants (no set to note the places in). */
/* fn0_move's sets by the set before and the places of the references
 * moved (bit i: member i): functions of one kind move alike, and a set made
 * once (sig_intern hashes and compares every entry) serves them all. */
#define MOVE_MEMO 256
typedef struct move_memo {
    uint64_t mask;
    uint32_t sig, moved_sig;
} move_memo;

/* Whether set `sig` notes the names of the members of `first`'s list that
 * `mask` moves, in their order (a memo's set for this function). */
static int moved_names_match(const mg_vplan_raw *r, uint32_t sig, const cJSON *first, uint64_t mask)
{
    const strip_sig *sg = &r->sigs[sig];
    const strip_ent *e = r->sents + sg->at, *end = e + sg->n;
    int at = 0;
    for (const cJSON *ch = first; ch && at < 64; ch = ch->next, at++) {
        if (!(mask >> at & 1))
            continue;
        while (e < end && e->val != STRIP_FN0)
            e++;
        if (e == end || e->key != ch->string)
            return 0;
        e++;
    }
    return 1;
}

static void fn0_move(mg_vplan_raw *r, const fn_copies *fl, cJSON *fn, move_memo *memo)
{
    cJSON *first = fn->child;
    if (!first || !fl->nsobj)
        return;
    strip_obj *so = NULL; /* the function's set: the last of its objects' */
    for (size_t i = fl->sobj_at + fl->nsobj; i-- > fl->sobj_at && !so;)
        if (r->sobjs[i].first == first)
            so = &r->sobjs[i];
    if (!so)
        return;
    cJSON *last_other = NULL;
    int i = 0, last_i = 0;
    uint64_t refs = 0; /* the members (after the first) that refer to function 0 */
    for (cJSON *ch = first->next; ch; ch = ch->next) {
        if (++i >= 64)
            return; /* past the mask's room: left as it is */
        if (is_fn0_ref(r, ch))
            refs |= (uint64_t)1 << i;
        else {
            last_other = ch;
            last_i = i;
        }
    }
    uint64_t mask = refs & (((uint64_t)1 << last_i) - 1); /* those before the last other */
    if (!mask)
        return;
    move_memo *e = &memo[(size_t)(mix(so->sig, (uint32_t)mask ^ (uint32_t)(mask >> 32)) % MOVE_MEMO)];
    uint32_t moved_sig = UINT32_MAX;
    if (e->mask == mask && e->sig == so->sig && moved_names_match(r, e->moved_sig, first, mask))
        moved_sig = e->moved_sig;
    else {
        const strip_sig sg = r->sigs[so->sig];
        size_t nmove = 0;
        for (uint64_t b = mask; b; b &= b - 1)
            nmove++;
        if (sg.n + nmove > STRIP_MAX)
            return;
        strip_ent out[STRIP_MAX];
        const strip_ent *in = r->sents + sg.at;
        size_t ni = 0, n = 0;
        int pos = 0, at = 0;
        for (cJSON *ch = first; ch; ch = ch->next, at++) {
            for (; ni < sg.n && in[ni].pos == at; ni++)
                out[n++] = (strip_ent){in[ni].key, in[ni].val, pos};
            if (at < 64 && (mask >> at & 1))
                out[n++] = (strip_ent){ch->string, STRIP_FN0, pos};
            else
                pos++;
        }
        for (; ni < sg.n; ni++)
            out[n++] = (strip_ent){in[ni].key, in[ni].val, pos};
        /* (sig_intern may move r->sents: `in` is not read from here on.) */
        moved_sig = sig_intern(r, out, n);
        *e = (move_memo){mask, so->sig, moved_sig};
    }
    /* The moved ones, unlinked (none is the first: prev is the one before)
     * in their order, go after last_other. */
    cJSON *moved = NULL, *moved_last = NULL;
    int at = 0;
    for (cJSON *ch = first, *next; ch; ch = next, at++) {
        next = ch->next;
        if (at >= 64 || !(mask >> at & 1))
            continue;
        ch->prev->next = next;
        if (next)
            next->prev = ch->prev;
        else
            first->prev = ch->prev;
        ch->next = NULL;
        ch->prev = moved_last;
        if (moved_last)
            moved_last->next = ch;
        else
            moved = ch;
        moved_last = ch;
    }
    cJSON *after = last_other->next;
    last_other->next = moved;
    moved->prev = last_other;
    moved_last->next = after;
    if (after)
        after->prev = moved_last;
    else
        first->prev = moved_last;
    so->sig = moved_sig;
}

static void fn0_tail_share(mg_vplan_raw *r, const fn_copies *fl, cJSON *fn)
{
    if (!fn->child)
        return;
    /* From the last member back (prev: the one before, cJSON's list), the
     * first never shared: `own` is the last that stays the function's. */
    cJSON *m[FN0_TAIL_MAX];
    size_t k = 0; /* its last k members, m[0] the last, could be shared */
    cJSON *own = fn->child->prev;
    while (own != fn->child && k < FN0_TAIL_MAX && tail_member(r, fl, own)) {
        m[k++] = own;
        own = own->prev;
    }
    if (!k)
        return;
    cJSON **t = r->fn0_t; /* t[0] the tail's last */
    size_t h = r->fn0_h;
    /* j of the last members read as the tail's last. */
    size_t j = 0;
    while (j < k && j < h && tail_same(r, m[j], t[j]))
        j++;
    if (j == h && k > h) {
        /* The tail grows in front by the function's own nodes m[h..k),
         * which stay linked to it; its last h are the tail's. */
        for (size_t i = 0; i < h; i++)
            free_member(m[i]);
        for (size_t i = h; i < k; i++)
            t[i] = m[i];
        if (h) {
            m[h]->next = t[h - 1];
            t[h - 1]->prev = m[h];
        }
        r->fn0_h = k;
        if (!r->fn0_tail)
            r->fn0_tail = cJSON_CreateObject();
        r->fn0_tail->child = t[k - 1];
        t[k - 1]->prev = t[0]; /* the holder's last, as cJSON keeps it */
        own->next = t[k - 1];
        fn->child->prev = t[0];
        return;
    }
    if (!j)
        return;
    for (size_t i = 0; i < j; i++)
        free_member(m[i]);
    /* The function's own m[j..k) end at m[j]; or own, when j == k. */
    cJSON *before = j < k ? m[j] : own;
    before->next = t[j - 1];
    fn->child->prev = t[0];
}

/* Whether `ch` is a node of the shared tail. */
static int in_fn0_tail(const mg_vplan_raw *r, const cJSON *ch)
{
    for (size_t i = 0; i < r->fn0_h; i++)
        if (r->fn0_t[i] == ch)
            return 1;
    return 0;
}

/* Unlinks every converted function from r->fn0_tail, which frees it. A
 * function's last own member is the only one whose next does not point
 * back at it: a node of the tail points back at the tail's node before
 * it, or (the tail's first) at the tail's last (fn0_tail_share). */
static void fn0_tail_cut(mg_vplan_raw *r)
{
    if (!r->fn0_tail || !r->functions)
        return;
    for (cJSON *fn = r->functions->child; fn; fn = fn->next)
        for (cJSON *ch = fn->child; ch && ch->next; ch = ch->next)
            if (ch->next->prev != ch && in_fn0_tail(r, ch->next)) {
                ch->next = NULL;
                break;
            }
}

static void canonize(const pctx *c, mg_vplan_raw *r, int walk, mg_hmap *sig_of, size_t parts)
{
    mg_buf b;
    mg_buf_init(&b);
    size_t *off = NULL, *lens = NULL, offcap = 0;
    dd_ctx dc = {.r = r, .sig_of = sig_of};
    move_memo *move = mg_xcalloc(MOVE_MEMO, sizeof *move);
    mg_hmap_init(&dc.parts, sizeof(dd_ent));
    mg_hmap_reserve(&dc.parts, parts); /* room at once (0: grown as needed) */
    size_t k = 0;
    for (cJSON *fn = r->functions->child; fn; fn = fn->next, k++) {
        fn_copies *fl = &r->copies[k];
        mg_buf_reset(&b);
        if (fl->nlits > offcap) {
            offcap = fl->nlits * 2;
            free(off);
            free(lens);
            off = mg_xcalloc(offcap, sizeof *off);
            lens = mg_xcalloc(offcap, sizeof *lens);
        }
        /* The text's room at once, from the literals' lengths: growing it a
         * literal at a time was 55 000 reallocs, 19 M instructions of 1 000
         * messages. A plain literal takes exactly 2n + 4 bytes of `b`; one
         * that escapes grows it further. `b` is kept for the next function:
         * each function's text is copied out at its exact length (a buffer
         * of its own, grown by doubling, was a third larger: 13 MB of 10 000
         * messages). */
        size_t total = 0;
        for (size_t i = 0; i < fl->nlits; i++) {
            lens[i] = strlen(fl->lits[i]->valuestring);
            total += lens[i];
        }
        if (fl->nlits)
            mg_buf_reserve(&b, 2 * total + 4 * fl->nlits);
        int plain = 1;
        for (size_t i = 0; i < fl->nlits; i++) {
            const char *raw = fl->lits[i]->valuestring;
            size_t n = lens[i];
            off[i] = b.len;
            if (lit_is_plain(c->literal, raw, n)) { /* "raw"\0raw\0 at once */
                mg_buf_reserve(&b, 2 * n + 4);
                char *o = b.data + b.len;
                *o++ = '"';
                memcpy(o, raw, n);
                o += n;
                *o++ = '"';
                *o++ = '\0';
                memcpy(o, raw, n);
                o += n;
                *o++ = '\0';
                b.len = (size_t)(o - b.data);
                b.data[b.len] = '\0';
            } else {
                plain = 0;
                lit_put(c, &b, raw);
                mg_buf_putc(&b, '\0');
                mg_buf_append(&b, raw, n);
                mg_buf_putc(&b, '\0');
            }
        }
        if (fl->nlits) {
            fl->canon_len = b.len;
            fl->canon = mg_xmalloc(b.len + 1);
            memcpy(fl->canon, b.data, b.len + 1);
        }
        fl->canon_plain = plain;
        for (size_t i = 0; i < fl->nlits; i++) {
            cJSON *lit = (cJSON *)(uintptr_t)fl->lits[i];
            cJSON_free(lit->valuestring);
            lit->valuestring = fl->canon + off[i];
            lit->type = (lit->type & ~0xFF) | cJSON_String | cJSON_IsReference;
        }
        fl->lits = NULL;
        if (walk) /* else mark_shared did (build_raw) */
            canon_walk(c, r, fn, 1);
        if (!r->prestripped) {
            fl->sobj_at = r->nsobjs;
            strip_consts(r, fn, NULL, 0);
            fl->nsobj = r->nsobjs - fl->sobj_at;
        }
        dc.fn = k;
        dd_walk(&dc, fl, fn);
        fn0_move(r, fl, fn, move);
        fn0_tail_share(r, fl, fn);
    }
    mg_hmap_fini(&dc.parts);
    free(move);
    free(off);
    free(lens);
    mg_buf_fini(&b);
    free(r->lits);
    r->lits = NULL;
    r->nlits = r->litcap = 0;
    r->converted = 1;
    r->canon_literal = c->literal;
}

/* The raw text of converted literal `j` (canonize), or NULL when `j` is no
 * such literal of the function copy_plan copies. */
static const char *canon_raw(const pctx *c, const cJSON *j)
{
    uintptr_t p = (uintptr_t)j->valuestring;
    if (p < c->canon_lo || p >= c->canon_hi)
        return NULL;
    return j->valuestring + strlen(j->valuestring) + 1;
}

/* A copy of raw plan JSON with every raw text made a literal of the target
 * and, when `names` is given, every function reference (members named like
 * is_fn_key, `validate_fn`, and `id` when `top`: `j` is a function) made
 * the function's name. Naming while copying spares a second walk of every
 * target's plan and types (38 M instructions of a 3-plan generate). */

/* Whether member `ch` is one of the n references moved (fn0_move). */
static int moved_member(const char *const *moved, size_t n, const cJSON *ch)
{
    for (size_t i = 0; i < n; i++)
        if (ch->string == moved[i])
            return 1;
    return 0;
}

/* Puts constant `e` (strip_consts) back into `o`, the copy of its object,
 * where the target keeps it. */
static void put_const(const pctx *c, cJSON *o, const strip_ent *e)
{
    cJSON m = {.type = e->val | cJSON_StringIsConst, .string = (char *)(uintptr_t)e->key};
    if (c->keep && !c->keep(c->keep_arg, &m))
        return;
    if (e->val == STRIP_FN0) { /* as copy_plan copies the member itself */
        const char *f0 = fn_name(c->rawp->names, c->rawp->nfunctions, 0);
        add_cs(o, e->key, c->share ? cJSON_CreateStringReference(f0) : cJSON_CreateString(f0));
        return;
    }
    add_cs(o, e->key, e->val == cJSON_Array  ? cJSON_CreateArray()
                      : e->val == cJSON_NULL ? cJSON_CreateNull()
                                             : cJSON_CreateBool(e->val == cJSON_True));
}

static cJSON *copy_plan(const pctx *c, const cJSON *j, char *const *names, int n, int top)
{
    /* The type bits directly (cJSON_IsX are library calls): this visits every
     * member of three plans. */
    int type = j->type & 0xFF;
    const char *raw = type == cJSON_Raw ? j->valuestring : type == cJSON_String && c->canon_hi ? canon_raw(c, j) : NULL;
    if (raw) {
        if (c->lit_next) { /* the variant's text, in the same order */
            const char *s = *c->lit_next;
            *c->lit_next += strlen(s) + 1;
            return cJSON_CreateStringReference(s);
        }
        return lit_item(c, c->litbuf, raw);
    }
    if (is_dedup_ref(j)) {
        /* A part kept once (dd_walk): copied as the function's own, its
         * literals those of the function it was kept in (valuedouble). */
        const fn_copies *ofl = c->canon_hi && c->rawp ? &c->rawp->copies[(size_t)j->valuedouble] : NULL;
        if (ofl && (uintptr_t)ofl->canon != c->canon_lo) {
            pctx d = *c;
            d.canon_lo = (uintptr_t)ofl->canon;
            d.canon_hi = ofl->canon ? (uintptr_t)(ofl->canon + ofl->canon_len) : 0;
            return copy_plan(&d, j, names, n, top);
        }
    } else if (c->share && (j->type & cJSON_IsReference) && (type == cJSON_Array || type == cJSON_Object)) /* mark_shared's */
        return type == cJSON_Array ? cJSON_CreateArrayReference(j->child) : cJSON_CreateObjectReference(j->child);
    if (type == cJSON_String)
        return c->share ? cJSON_CreateStringReference(j->valuestring) : cJSON_CreateString(j->valuestring);
    if (type == cJSON_Number)
        return cJSON_CreateNumber(j->valuedouble);
    if (type == cJSON_True || type == cJSON_False)
        return cJSON_CreateBool(type == cJSON_True);
    if (type != cJSON_Array && type != cJSON_Object)
        return cJSON_CreateNull();
    cJSON *o = type == cJSON_Array ? cJSON_CreateArray() : cJSON_CreateObject();
    /* The constants a converted function's object left out, back in their
     * places (before its remaining member number se->pos). */
    const strip_sig *sg = type == cJSON_Object && c->cur_fl && c->cur_fl->nsobj
                              ? strip_sig_of(c->rawp, c->cur_fl, j->child)
                              : NULL;
    const strip_ent *se = sg ? c->rawp->sents + sg->at : NULL, *se_end = sg ? se + sg->n : NULL;
    /* The references fn0_move put at the end go back in their places:
     * skipped where they are, put as the constants are. */
    const char *moved[STRIP_MAX];
    size_t nmoved = 0;
    for (const strip_ent *m = sg && sg->moved ? se : se_end; m < se_end; m++)
        if (m->val == STRIP_FN0)
            moved[nmoved++] = m->key;
    int at = 0;
    for (const cJSON *ch = j->child; ch; ch = ch->next, at++) {
        cJSON *x;
        for (; se < se_end && se->pos == at; se++)
            put_const(c, o, se);
        if (nmoved && moved_member(moved, nmoved, ch)) {
            at--; /* not one of the places */
            continue;
        }
        if (c->keep && ch->string && !c->keep(c->keep_arg, ch)) {
            if (ch->string == key_name_len && c->canon && !c->drop_rest && rest_kept(c))
                add_cs(o, key_name_rest, name_rest(cJSON_GetStringValue(mg_json_get(j, "name"))));
            continue;
        }
        if (ch->string == key_name_rest) { /* a null in the raw plan */
            if (c->drop_rest)
                continue;
            x = name_rest(cJSON_GetStringValue(mg_json_get(j, "name")));
        } else if (names && ch->string && (ch->type & 0xFF) == cJSON_Number &&
            member_names_fn(c->fnkeys, ch, top))
            x = c->share ? cJSON_CreateStringReference(fn_name(names, n, (int)ch->valuedouble)) /* the raw plan's */
                         : cJSON_CreateString(fn_name(names, n, (int)ch->valuedouble));
        else
            x = copy_plan(c, ch, names, n, 0);
        if (type == cJSON_Array)
            cJSON_AddItemToArray(o, x);
        else if (ch->type & cJSON_StringIsConst)
            mg_json_add_cs(o, ch->string, x);
        else
            cJSON_AddItemToObject(o, ch->string, x);
        /* A converted function lost its name_rest nulls (canonize): the
         * list goes after name_len, where the null was. */
        if (ch->string == key_name_len && c->canon && !c->drop_rest && rest_kept(c))
            add_cs(o, key_name_rest, name_rest(cJSON_GetStringValue(mg_json_get(j, "name"))));
    }
    for (; se < se_end; se++)
        put_const(c, o, se);
    return o;
}

/* Sets `c` to copy the raw plan's k-th function. */
static void copy_from(pctx *c, const mg_vplan_raw *r, size_t k)
{
    const fn_copies *fl = &r->copies[k];
    c->canon = r->converted;
    c->rawp = r;
    c->cur_fl = r->converted ? fl : NULL;
    c->canon_lo = (uintptr_t)fl->canon;
    c->canon_hi = fl->canon ? (uintptr_t)(fl->canon + fl->canon_len) : 0;
}

/* A reference to converted function `fn` (of `fl`), its constants given to
 * the target. */
static cJSON *fn_self(pctx *c, const mg_vplan_raw *r, const fn_copies *fl, const cJSON *fn)
{
    strip_register(c, r, fl);
    return cJSON_CreateObjectReference(fn->child);
}

/* Whether every raw text of `fl`'s literals (canonize: "lit\0raw\0" pairs),
 * all written as they are by the converted functions' context
 * (fl->canon_plain), is written as it is by a context that writes every
 * byte alike but those of `extra` (plain_extra): whether none has one of
 * them. */
static int canon_plain_in(const fn_copies *fl, const char *extra)
{
    const char *p = fl->canon, *end = fl->canon ? fl->canon + fl->canon_len : NULL;
    while (p && p < end) {
        const char *raw = p + strlen(p) + 1;
        size_t n = strlen(raw);
        if (strpbrk(raw, extra))
            return 0;
        p = raw + n + 1;
    }
    return 1;
}

/* Sets out[] to the bytes that context `from` writes as they are and
 * context `to` does not (a single quote aside, as lit_is_plain), a string.
 * Escaping is byte by byte where nothing is replaced (escape.h), so a text
 * `from` writes as it is is written as it is by `to` exactly when it has
 * none of them: canon_plain_in looks for those few bytes (none for python
 * after c, '$' and '`' for typescript) instead of asking `to` about every
 * byte of every literal of every function, per target. */
static void plain_extra(mg_escape from, mg_escape to, char out[256])
{
    size_t n = 0;
    for (int b = 1; b < 256; b++) {
        char ch = (char)b;
        if (ch != '\'' && mg_escape_is_plain(from, &ch, 1) && !mg_escape_is_plain(to, &ch, 1))
            out[n++] = ch;
    }
    out[n] = '\0';
}

/* The target's function `fn` (the raw plan's k-th, converted: canonize):
 * `fn` itself, referred to, when the target's literals read as its own and
 * the target drops name_rest; else a reference to the raw plan's copy with
 * the same literals, made on first need. That copy has every member, also
 * those a pruned view leaves out (the templates never read them), as the
 * subtrees mark_shared shares do, but for the name_rest lists: a copy has
 * them only for targets that keep them (c->drop_rest 0), and targets that
 * do not share copies without them. */
static cJSON *variant_of(pctx *c, mg_vplan_raw *r, size_t k, const cJSON *fn, mg_buf *lits)
{
    fn_copies *fl = &r->copies[k];
    /* `fn` itself only for a target that answers for its constants (a copy
     * with the same literals holds them). */
    int self = c->reg && c->drop_rest;
    /* Escaping is a function of the text and the context. */
    if (self && c->literal == r->canon_literal)
        return fn_self(c, r, fl, fn);
    /* Every literal written as it is by both: no need to escape them. */
    if (self && fl->canon_plain && (!c->plain_extra[0] || canon_plain_in(fl, c->plain_extra)))
        return fn_self(c, r, fl, fn);
    mg_buf_reset(lits);
    int same = 1; /* as fl->canon's */
    const char *p = fl->canon;
    for (size_t i = 0; i < fl->nlits; i++) {
        const char *raw = p + strlen(p) + 1;
        size_t at = lits->len;
        lit_put(c, lits, raw);
        mg_buf_putc(lits, '\0');
        if (same)
            same = lits->len - at == (size_t)(raw - p) && !memcmp(lits->data + at, p, lits->len - at);
        p = raw + strlen(raw) + 1;
    }
    if (same && self)
        return fn_self(c, r, fl, fn);
    fn_variant *v;
    for (v = fl->variants; v; v = v->next)
        if (v->len == lits->len && v->rest == !c->drop_rest &&
            (!lits->len || !memcmp(v->lits, lits->data, lits->len)))
            break;
    if (!v) {
        pctx all = *c;
        all.keep = NULL;
        v = mg_xcalloc(1, sizeof *v);
        v->rest = !c->drop_rest;
        v->lits = mg_xcalloc(lits->len + 1, 1);
        if (lits->len)
            memcpy(v->lits, lits->data, lits->len);
        v->len = lits->len;
        /* The copy's literals are references to v->lits. */
        const char *next = v->lits;
        all.lit_next = &next;
        copy_from(&all, r, k);
        v->copy = copy_plan(&all, fn, r->names, r->nfunctions, 1);
        assert(next == v->lits + v->len);
        v->next = fl->variants;
        fl->variants = v;
    }
    return cJSON_CreateObjectReference(v->copy->child);
}

int mg_vplan_raw_any_key(mg_vplan_raw *r, int (*pred)(void *arg, const char *key), void *arg)
{
    for (size_t i = 0; i < mg_hmap_len(&r->keys); i++)
        if (pred(arg, *(const char **)mg_hmap_at(&r->keys, i)))
            return 1;
    return 0;
}

/* A type item's `fields` and `values`, found in one pass: the item has about
 * 40 members and these are far down (a lookup by name each, twice for
 * `fields`, was 550 instructions a call, 8 M of a generate). The first of
 * each name, as cJSON_GetObjectItemCaseSensitive finds it. */
static void fields_values(const cJSON *item, cJSON **fields, cJSON **values)
{
    *fields = *values = NULL;
    for (cJSON *c = item ? item->child : NULL; c; c = c->next) {
        const char *k = c->string;
        if (!k)
            continue;
        if (k[0] == 'f' && !*fields && strcmp(k, "fields") == 0)
            *fields = c;
        else if (k[0] == 'v' && !*values && strcmp(k, "values") == 0)
            *values = c;
    }
}

/* add_shape of every field of `types` (type_fields[i]: type i's `fields`,
 * for the first m->ntypes). With shared shapes, the first build records
 * each field's shape in r (mg_vplan_raw.field_shape) and the next ones
 * refer to it, for a type with as many fields as were recorded. */
static void field_shapes(pctx *c, mg_vplan_raw *r, cJSON *types, cJSON *const *type_fields)
{
    int ntypes = c->m->ntypes;
    int known = c->shapes && r->field_shape;
    int record = c->shapes && !r->field_shape && !r->field_shapes_off;
    size_t n = 0, total = 0;
    uint32_t at_shape = UINT32_MAX;
    if (record) {
        /* Exactly as many as there are (a list grown by doubling keeps up
         * to half again at 10 000 messages' 300 000 fields). */
        int k = 0;
        for (const cJSON *item = types->child; item && k < ntypes; item = item->next, k++)
            total += (size_t)cJSON_GetArraySize(type_fields[k]);
        r->field_at = mg_xcalloc((size_t)ntypes + 1, sizeof *r->field_at);
        r->field_shape = mg_xcalloc(total + 1, sizeof *r->field_shape);
        c->shape_at = &at_shape;
    }
    int i = 0;
    for (cJSON *item = types->child; item; item = item->next, i++) {
        const cJSON *fields = i < ntypes ? type_fields[i] : mg_json_get(item, "fields");
        cJSON *f;
        if (known && i < ntypes) {
            size_t at = r->field_at[i], nf = 0;
            cJSON_ArrayForEach(f, fields)
                nf++;
            if (nf == r->field_at[i + 1] - at) {
                cJSON_ArrayForEach(f, fields) {
                    shape_ent *e = mg_hmap_at(&r->shapes, r->field_shape[at++]);
                    add_cs(f, "shape", cJSON_CreateObjectReference(shape_obj(c, e)->child));
                }
                continue;
            }
        }
        cJSON_ArrayForEach(f, fields) {
            /* A field that had a shape already (a list shared by two types)
             * would lose it: not recorded. */
            at_shape = UINT32_MAX;
            if (add_shape(c, f) || at_shape == UINT32_MAX)
                record = 0;
            if (record && i < ntypes && n < total)
                r->field_shape[n++] = at_shape;
        }
        if (record && i < ntypes)
            r->field_at[i + 1] = n;
    }
    c->shape_at = NULL;
    if (record && (i < ntypes || !n || n != total)) /* fewer items than types, or no field */
        record = 0;
    if (c->shapes && !known && !record) {
        r->field_shapes_off = 1;
        free(r->field_shape);
        free(r->field_at);
        r->field_shape = NULL;
        r->field_at = NULL;
    }
}

cJSON *mg_vplan_build(const mg_model *m, cJSON *types, const cJSON *opts, mg_vplan_raw **cache, mg_diag *d)
{
    return mg_vplan_build_shared(m, types, opts, cache, NULL, NULL, NULL, NULL, d);
}

cJSON *mg_vplan_build_shared(const mg_model *m, cJSON *types, const cJSON *opts, mg_vplan_raw **cache,
                             int (*escaped)(void *arg, const char *key),
                             int (*keep)(void *arg, const cJSON *member), void *arg,
                             const mg_vplan_consts *consts, mg_diag *d)
{
    pctx c = {.m = m, .d = d, .literal = MG_ESCAPE_C, .consts = consts};
    flag_ids_init(&c);
    /* target.c checked it: one of the code contexts. */
    const char *lit = cJSON_GetStringValue(mg_json_get(opts, "literal"));
    if (lit)
        mg_escape_parse(lit, &c.literal);
    /* A raw plan made for a cache is converted for this target as it is
     * made (its functions are walked once for both). */
    mg_vplan_raw *raw = cache && *cache ? *cache : build_raw(m, 1, d, cache ? &c : NULL);
    if (!raw)
        return NULL;
    c.fnkeys = mg_xcalloc(FN_KEY_CACHE, sizeof *c.fnkeys);
    if (cache && !raw->converted)
        canonize(&c, raw, 1, NULL, 0);
    /* Shared subtrees are not escaped (add_escapes skips references), so
     * they are shared only if the caller escapes none of their keys, and
     * only if the raw plan outlives this plan (it is cached). */
    c.share = cache != NULL && escaped != NULL;
    for (size_t i = 0; c.share && i < mg_hmap_len(&raw->shared_keys); i++)
        if (escaped(arg, *(const char **)mg_hmap_at(&raw->shared_keys, i)))
            c.share = 0;
    /* Shapes likewise, when the caller escapes none of their keys. */
    int share_shapes = cache != NULL && escaped != NULL && !escaped(arg, "elem_id");
    for (size_t i = 0; share_shapes && i < sizeof shape_containers / sizeof *shape_containers; i++)
        share_shapes = !escaped(arg, shape_containers[i]);
    for (size_t i = 0; share_shapes && i < sizeof shape_classes / sizeof *shape_classes; i++)
        share_shapes = !escaped(arg, shape_classes[i]);
    c.shapes = share_shapes ? &raw->shapes : NULL;
    c.plain_shapes = raw->plain_shapes;
    c.plain_at = raw->plain_at;
    /* Lean shapes for a lazy view (its objects answer for constants). */
    c.shape_tails = raw->shape_tails;
    c.lean_shapes = c.shapes && consts && consts->chain && consts->put;
    /* The functions, named as they are copied (each one a `top`). */
    c.keep = keep;
    c.keep_arg = arg;
    c.functions = cJSON_CreateArray();
    mg_buf litbuf;
    mg_buf_init(&litbuf);
    c.litbuf = &litbuf;
    /* Whole functions are shared when the caller escapes none of their
     * keys (it could not add members inside a reference). */
    int share_fns = c.share && !mg_vplan_raw_any_key(raw, escaped, arg);
    if (share_fns && keep) {
        /* Whether this target keeps name_rest, asked as copy_plan asks. */
        cJSON rest = {.type = cJSON_NULL | cJSON_StringIsConst, .string = (char *)key_name_rest};
        c.drop_rest = !keep(arg, &rest);
    }
    /* The target answers for the constants the converted functions left
     * out: it may refer to them (variant_of). */
    c.reg = raw->converted && consts && consts->chain && consts->put;
    if (c.reg)
        c.sig_chain = mg_xcalloc(raw->nsigs + 1, sizeof *c.sig_chain);
    if (raw->converted)
        plain_extra(raw->canon_literal, c.literal, c.plain_extra);
    mg_buf lits;
    mg_buf_init(&lits);
    size_t k = 0;
    for (const cJSON *fn = raw->functions->child; fn; fn = fn->next, k++) {
        if (share_fns) {
            cJSON_AddItemToArray(c.functions, variant_of(&c, raw, k, fn, &lits));
            continue;
        }
        copy_from(&c, raw, k);
        cJSON_AddItemToArray(c.functions, copy_plan(&c, fn, raw->names, raw->nfunctions, 1));
    }
    mg_buf_fini(&lits);
    free(c.sig_chain);
    c.sig_chain = NULL;
    c.canon = 0;
    c.cur_fl = NULL;
    c.canon_lo = c.canon_hi = 0;
    c.patterns = copy_plan(&c, raw->patterns, NULL, 0, 0);
    free(c.fnkeys);
    c.fnkeys = NULL;
    c.nfunctions = raw->nfunctions;
    cJSON *item = types ? types->child : NULL;
    cJSON **type_fields = mg_xcalloc((size_t)m->ntypes + 1, sizeof *type_fields); /* by position */
    /* What the plan adds to fields and values, where the target reads it. */
    int keep_owner = kept_key(&c, "owner_id"), keep_wire = kept_key(&c, "wire_lit");
    int keep_owner_name = kept_key(&c, "owner_name"), keep_value = kept_key(&c, "value_lit");
    int keep_count = kept_key(&c, "field_count");
    for (int i = 0; i < m->ntypes && item; i++, item = item->next) {
        int id = raw->type_fn[i];
        cJSON *f, *tvalues;
        const cJSON *idn = mg_json_get(item, "id");
        const char *tid = cJSON_GetStringValue(idn);
        /* An id the view refers to (text the model owns, which outlives
         * the view: view.c's ident_item) is referred to by every field and
         * value, not copied: 920 000 copies of about 55 bytes in a view of
         * 10 000 messages. */
        int id_ref = tid && (idn->type & cJSON_IsReference);
        int nf = 0;
        fields_values(item, &type_fields[i], &tvalues);
        cJSON_ArrayForEach(f, type_fields[i]) {
            if (keep_owner)
                add_cs(f, "owner_id", id_ref ? cJSON_CreateStringReference(tid) : cJSON_CreateString(tid ? tid : ""));
            if (keep_wire)
                add_lit(&c, f, "wire_lit", cJSON_GetStringValue(mg_json_get(f, "wire")));
            nf++;
        }
        if (keep_count)
            add_int(item, "field_count", nf);
        /* Enum values can name their type (mustache cannot reach a shadowed `id`). */
        const cJSON *tname = mg_json_get(item, "name");
        cJSON_ArrayForEach(f, tvalues) {
            if (keep_owner)
                add_cs(f, "owner_id", id_ref ? cJSON_CreateStringReference(tid) : cJSON_CreateString(tid));
            /* A type's name that the view refers to (its cache owns the
             * object, escaped nowhere) is referred to again, not copied. */
            if (keep_owner_name)
                add_cs(f, "owner_name", cJSON_IsObject(tname) && (tname->type & cJSON_IsReference)
                                            ? cJSON_CreateObjectReference(tname->child)
                                            : cJSON_Duplicate(tname, 1));
            const cJSON *val = mg_json_get(f, "value");
            if (keep_value)
                add_lit(&c, f, "value_lit", cJSON_IsString(val) ? val->valuestring : "");
        }
        add_bool(item, "has_validate_fn", id >= 0);
        /* Named here; a type without a function gets function 0's name, as
         * the number 0 it had was named. */
        /* Referred to where the raw plan outlives the view (cached: its
         * names are the functions' own), else copied. */
        const char *vfn = fn_name(raw->names, raw->nfunctions, id < 0 ? 0 : id);
        add_cs(item, "validate_fn", cache ? cJSON_CreateStringReference(vfn) : cJSON_CreateString(vfn));
    }
    c.litbuf = NULL;
    mg_buf_fini(&litbuf);
    if (types) {
        /* Functions by number: the raw ones (their references are still
         * numbers) and the target's copies, in the same order. */
        c.fn_at = calloc((size_t)c.nfunctions + 1, sizeof *c.fn_at);
        c.copy_at = calloc((size_t)c.nfunctions + 1, sizeof *c.copy_at);
        c.fn_fl = calloc((size_t)c.nfunctions + 1, sizeof *c.fn_fl);
        if (!c.fn_at || !c.copy_at || !c.fn_fl)
            abort();
        c.rawp = raw;
        const cJSON *fn, *cp = c.functions->child;
        size_t fk = 0;
        cJSON_ArrayForEach(fn, raw->functions) {
            int id = id_of(mg_json_get(fn, "id"));
            if (id >= 0 && id < c.nfunctions) {
                c.fn_at[id] = fn;
                c.copy_at[id] = cp;
                c.fn_fl[id] = raw->converted ? &raw->copies[fk] : NULL;
            }
            cp = cp ? cp->next : NULL;
            fk++;
        }
        c.type_fn = raw->type_fn;
        mg_hmap_init(&c.type_by_id, sizeof(type_ent));
        mg_hmap_reserve(&c.type_by_id, (size_t)m->ntypes);
        cJSON_ArrayForEach(item, types) {
            const char *id = cJSON_GetStringValue(mg_json_get(item, "id"));
            if (!id || type_by_id(&c, id)) /* the first type of an id, as a scan would find */
                continue;
            type_ent *e = mg_hmap_add(&c.type_by_id, quick_hash(id));
            e->id = id;
            e->item = item;
        }
        c.roles = mg_xcalloc(ROLE_CACHE, sizeof *c.roles);
        union_options(&c, types);
        field_shapes(&c, raw, types, type_fields);
        mg_hmap_fini(&c.type_by_id);
        free(c.roles);
        c.roles = NULL;
        free(c.fn_at);
        free(c.copy_at);
        free((void *)c.fn_fl);
        c.fn_fl = NULL;
    }
    free(type_fields);
    cJSON *api = http_api(&c, types);
    if (cache)
        *cache = raw;
    else
        mg_vplan_raw_free(raw);
    if (c.failed) {
        cJSON_Delete(api);
        cJSON_Delete(c.functions);
        cJSON_Delete(c.patterns);
        return NULL;
    }
    cJSON *plan = cJSON_CreateObject();
    add_int(plan, "function_count", cJSON_GetArraySize(c.functions));
    add_cs(plan, "functions", c.functions);
    add_bool(plan, "has_patterns", cJSON_GetArraySize(c.patterns) > 0);
    add_int(plan, "pattern_count", cJSON_GetArraySize(c.patterns));
    add_cs(plan, "patterns", c.patterns);
    add_cs(plan, "http_api", api);
    return plan;
}
