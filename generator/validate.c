/* validate.c - the interpreting JSON Schema validator (see validate.h). */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "validate.h"

#include <ctype.h>
#include <float.h>
#include <limits.h>
#include <math.h>
#include <pcre2.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "config.h"
#include "format.h"
#include "hmap.h"
#include "rx.h"
#include "text.h"
#include "util.h"

/* ---- small hash maps ------------------------------------------------------
 * Entries of the mg_hmaps here: string keys (URIs, patterns, interned base URIs)
 * and pointer keys (schema node -> its base URI, $ref node -> its target). */

typedef struct smap_slot {
    char *key; /* owned by the table */
    void *val;
} smap_slot;

typedef struct pmap_slot {
    const void *key;
    void *val;
} pmap_slot;

static smap_slot *smap_find(const mg_hmap *m, const char *key)
{
    return mg_hmap_get_str(m, key);
}

/* Returns the slot for `key`, creating it (key copied, val NULL) if absent. */
static smap_slot *smap_insert_slot(mg_hmap *m, const char *key)
{
    return mg_hmap_put_str(m, key, NULL);
}

static void smap_fini(mg_hmap *m, void (*free_val)(void *))
{
    if (free_val)
        for (size_t i = 0; i < mg_hmap_len(m); i++)
            free_val(((smap_slot *)mg_hmap_at(m, i))->val);
    mg_hmap_fini(m);
}

static void pmap_put(mg_hmap *m, const void *key, void *val)
{
    ((pmap_slot *)mg_hmap_put_ptr(m, key, NULL))->val = val;
}

static void *pmap_get(const mg_hmap *m, const void *key)
{
    pmap_slot *s = mg_hmap_get_ptr(m, key);
    return s ? s->val : NULL;
}

/* ---- the validator ------------------------------------------------------- */

typedef struct regex_entry {
    pcre2_code *code; /* NULL when the pattern did not compile */
    char *error;      /* PCRE2's reason, when code is NULL */
    int *prog;        /* the linear-time program (rx.h), or NULL: PCRE2 matches */
    size_t nprog;
} regex_entry;

typedef struct ref_hit {
    const cJSON *target;
    const char *base; /* interned */
} ref_hit;

struct mg_validator {
    mg_vloader loader;
    void *user;
    mg_hmap strings;   /* smap_slot: interned strings (base URIs); keys only */
    mg_hmap resources; /* smap_slot: absolute URI (with "#name" for plain-name ids) -> const cJSON * */
    mg_hmap loaded;    /* smap_slot: URIs the loader was asked for (val: the root, or NULL) */
    mg_hmap regexes;   /* smap_slot: pattern -> regex_entry * */
    mg_hmap bases;     /* pmap_slot: schema node -> interned base URI */
    mg_hmap roots;     /* pmap_slot: node -> root of its document (for "#..." refs when the base is "") */
    mg_hmap refs;      /* pmap_slot: $ref node -> ref_hit * (only for nodes with an indexed base) */
    pcre2_match_data *md;
    pcre2_match_context *mctx; /* bounds backtracking: a pattern cannot hang us */
};

static const char *intern(mg_validator *v, const char *s)
{
    return smap_insert_slot(&v->strings, s)->key;
}

static void free_regex(void *p)
{
    regex_entry *e = p;
    if (!e)
        return;
    pcre2_code_free(e->code);
    free(e->error);
    free(e->prog);
    free(e);
}

/* ---- URIs (RFC 3986) ------------------------------------------------------ */

typedef struct span {
    const char *p;
    size_t n;
    int has;
} span;

typedef struct uri_parts {
    span scheme, auth, path, query, frag;
} uri_parts;

static void uri_split(const char *s, uri_parts *u)
{
    memset(u, 0, sizeof *u);
    const char *p = s;
    if (isalpha((unsigned char)*p)) {
        const char *q = p + 1;
        while (isalnum((unsigned char)*q) || *q == '+' || *q == '-' || *q == '.')
            q++;
        if (*q == ':') {
            u->scheme = (span){p, (size_t)(q - p), 1};
            p = q + 1;
        }
    }
    if (p[0] == '/' && p[1] == '/') {
        const char *q = p + 2;
        while (*q && *q != '/' && *q != '?' && *q != '#')
            q++;
        u->auth = (span){p + 2, (size_t)(q - p - 2), 1};
        p = q;
    }
    const char *q = p;
    while (*q && *q != '?' && *q != '#')
        q++;
    u->path = (span){p, (size_t)(q - p), 1};
    p = q;
    if (*p == '?') {
        q = p + 1;
        while (*q && *q != '#')
            q++;
        u->query = (span){p + 1, (size_t)(q - p - 1), 1};
        p = q;
    }
    if (*p == '#')
        u->frag = (span){p + 1, strlen(p + 1), 1};
}

/* RFC 3986 section 5.2.4. */
static void remove_dots(const char *in, size_t n, mg_buf *out)
{
    char *s = mg_xstrndup(in, n);
    const char *p = s;
    mg_buf_reset(out);
    while (*p) {
        if (strncmp(p, "../", 3) == 0)
            p += 3;
        else if (strncmp(p, "./", 2) == 0)
            p += 2;
        else if (strncmp(p, "/./", 3) == 0)
            p += 2;
        else if (strcmp(p, "/.") == 0) {
            p += 1;
            s[p - s] = '/';
        } else if (strncmp(p, "/../", 4) == 0 || strcmp(p, "/..") == 0) {
            if (p[3] == '\0') {
                p += 2;
                s[p - s] = '/';
            } else
                p += 3;
            while (out->len > 0 && out->data[out->len - 1] != '/')
                out->len--;
            if (out->len > 0)
                out->len--;
            if (out->data)
                out->data[out->len] = '\0';
        } else if (strcmp(p, ".") == 0 || strcmp(p, "..") == 0)
            break;
        else {
            const char *q = p + (*p == '/');
            while (*q && *q != '/')
                q++;
            mg_buf_append(out, p, (size_t)(q - p));
            p = q;
        }
    }
    free(s);
}

/* Resolves `ref` against `base` (RFC 3986 section 5.2.2). Caller frees. */
static char *uri_resolve(const char *base, const char *ref)
{
    uri_parts b, r;
    uri_split(base, &b);
    uri_split(ref, &r);
    span scheme, auth, query;
    mg_buf path, tmp;
    mg_buf_init(&path);
    mg_buf_init(&tmp);
    if (r.scheme.has) {
        scheme = r.scheme;
        auth = r.auth;
        remove_dots(r.path.p, r.path.n, &path);
        query = r.query;
    } else {
        if (r.auth.has) {
            auth = r.auth;
            remove_dots(r.path.p, r.path.n, &path);
            query = r.query;
        } else {
            if (r.path.n == 0) {
                mg_buf_append(&path, b.path.p, b.path.n);
                query = r.query.has ? r.query : b.query;
            } else {
                if (r.path.p[0] == '/')
                    remove_dots(r.path.p, r.path.n, &path);
                else {
                    if (b.auth.has && b.path.n == 0)
                        mg_buf_putc(&tmp, '/');
                    else {
                        size_t k = b.path.n;
                        while (k > 0 && b.path.p[k - 1] != '/')
                            k--;
                        mg_buf_append(&tmp, b.path.p, k);
                    }
                    mg_buf_append(&tmp, r.path.p, r.path.n);
                    remove_dots(tmp.data, tmp.len, &path);
                }
                query = r.query;
            }
            auth = b.auth;
        }
        scheme = b.scheme;
    }
    mg_buf out;
    mg_buf_init(&out);
    if (scheme.has) {
        mg_buf_append(&out, scheme.p, scheme.n);
        mg_buf_putc(&out, ':');
    }
    if (auth.has) {
        mg_buf_append_str(&out, "//");
        mg_buf_append(&out, auth.p, auth.n);
    }
    mg_buf_append(&out, path.data ? path.data : "", path.len);
    if (query.has) {
        mg_buf_putc(&out, '?');
        mg_buf_append(&out, query.p, query.n);
    }
    if (r.frag.has) {
        mg_buf_putc(&out, '#');
        mg_buf_append(&out, r.frag.p, r.frag.n);
    }
    mg_buf_fini(&path);
    mg_buf_fini(&tmp);
    mg_buf_cstr(&out);
    return mg_buf_steal(&out, NULL);
}

/* Percent-decodes s[0..n) into a new string (invalid escapes kept as is). */
static char *percent_decode(const char *s, size_t n)
{
    char *out = mg_xcalloc(n + 1, 1);
    size_t j = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '%' && i + 2 < n && mg_hexval(s[i + 1]) >= 0 && mg_hexval(s[i + 2]) >= 0) {
            out[j++] = (char)(mg_hexval(s[i + 1]) * 16 + mg_hexval(s[i + 2]));
            i += 2;
        } else
            out[j++] = s[i];
    }
    return out;
}

/* ---- indexing: $id -> node, node -> base URI ------------------------------ */

static void index_node(mg_validator *v, const cJSON *root, const cJSON *node, const char *base,
                       int is_schema, int depth);

static void index_members(mg_validator *v, const cJSON *root, const cJSON *obj, const char *base,
                          int depth)
{
    for (const cJSON *m = obj ? obj->child : NULL; m; m = m->next)
        index_node(v, root, m, base, 1, depth + 1);
}

/* What a member of a schema holds, by its keyword: draft-07's subschema
 * keywords (and 2019-09's $defs and 2020-12's prefixItems). */
enum { SK_DATA, SK_SCHEMA_MAP, SK_SCHEMA_OR_LIST, SK_SCHEMA };

/* The kind of keyword `k`. The first byte picks the few keywords it can be:
 * a chain of eighteen strcmp calls per member of every schema (most
 * members, such as "type" and "description", failing them all) was most
 * of index_node. */
static int schema_keyword(const char *k)
{
    switch (k[0]) {
    case 'p':
        if (!strcmp(k, "properties") || !strcmp(k, "patternProperties"))
            return SK_SCHEMA_MAP;
        if (!strcmp(k, "prefixItems"))
            return SK_SCHEMA_OR_LIST;
        if (!strcmp(k, "propertyNames"))
            return SK_SCHEMA;
        return SK_DATA;
    case 'd':
        return !strcmp(k, "definitions") || !strcmp(k, "dependencies") ? SK_SCHEMA_MAP : SK_DATA;
    case '$':
        return !strcmp(k, "$defs") ? SK_SCHEMA_MAP : SK_DATA;
    case 'i':
        if (!strcmp(k, "items"))
            return SK_SCHEMA_OR_LIST;
        return !strcmp(k, "if") ? SK_SCHEMA : SK_DATA;
    case 'a':
        if (!strcmp(k, "allOf") || !strcmp(k, "anyOf"))
            return SK_SCHEMA_OR_LIST;
        return !strcmp(k, "additionalItems") || !strcmp(k, "additionalProperties") ? SK_SCHEMA : SK_DATA;
    case 'o':
        return !strcmp(k, "oneOf") ? SK_SCHEMA_OR_LIST : SK_DATA;
    case 'c':
        return !strcmp(k, "contains") ? SK_SCHEMA : SK_DATA;
    case 'n':
        return !strcmp(k, "not") ? SK_SCHEMA : SK_DATA;
    case 't':
        return !strcmp(k, "then") ? SK_SCHEMA : SK_DATA;
    case 'e':
        return !strcmp(k, "else") ? SK_SCHEMA : SK_DATA;
    default:
        return SK_DATA;
    }
}

/* Records the base URI and document root of `node` and everything below it,
 * and registers the "$id"s found in schema positions (not inside enum, const,
 * examples or unknown keywords, where an "$id" is just data). */
static void index_node(mg_validator *v, const cJSON *root, const cJSON *node, const char *base,
                       int is_schema, int depth)
{
    if (depth > MG_MAX_VALIDATE_DEPTH || !(cJSON_IsObject(node) || cJSON_IsArray(node)))
        return;
    pmap_put(&v->roots, node, (void *)(uintptr_t)root);
    if (is_schema && cJSON_IsObject(node)) {
        const cJSON *ref = mg_json_get(node, "$ref");
        if (cJSON_IsString(ref)) {
            /* Draft-07: siblings of $ref, "$id" included, are ignored. */
            pmap_put(&v->bases, node, (void *)(uintptr_t)base);
            return;
        }
        const cJSON *id = mg_json_get(node, "$id");
        if (cJSON_IsString(id)) {
            char *abs = uri_resolve(base, id->valuestring);
            char *hash = strchr(abs, '#');
            if (hash && hash[1])
                smap_insert_slot(&v->resources, abs)->val = (void *)(uintptr_t)node;
            if (hash)
                *hash = '\0';
            if (!hash || strcmp(abs, base) != 0 || id->valuestring[0] != '#')
                smap_insert_slot(&v->resources, abs)->val = (void *)(uintptr_t)node;
            base = intern(v, abs);
            free(abs);
        }
    }
    pmap_put(&v->bases, node, (void *)(uintptr_t)base);
    if (cJSON_IsArray(node)) {
        for (const cJSON *m = node->child; m; m = m->next)
            index_node(v, root, m, base, 0, depth + 1);
        return;
    }
    for (const cJSON *m = node->child; m; m = m->next) {
        int kind = is_schema ? schema_keyword(m->string) : SK_DATA;
        if (kind == SK_SCHEMA_MAP) {
            if (cJSON_IsObject(m)) {
                pmap_put(&v->bases, m, (void *)(uintptr_t)base);
                index_members(v, root, m, base, depth + 1);
            }
        } else if (kind == SK_SCHEMA_OR_LIST) {
            if (cJSON_IsArray(m)) {
                pmap_put(&v->bases, m, (void *)(uintptr_t)base);
                for (const cJSON *e = m->child; e; e = e->next)
                    index_node(v, root, e, base, 1, depth + 2);
            } else
                index_node(v, root, m, base, 1, depth + 1);
        } else {
            index_node(v, root, m, base, kind == SK_SCHEMA, depth + 1);
        }
    }
}

/* ---- validation context --------------------------------------------------- */

typedef struct vctx {
    mg_validator *v;
    mg_vresult *top; /* the caller's result (may be NULL): schema errors go here */
    mg_vresult *out; /* where instance errors go now; NULL = just the verdict */
    mg_buf path;     /* JSON pointer of the instance being checked */
    int depth;
    int broken;      /* a schema error was seen */
} vctx;

/* Full once an error past the limit was seen: evaluation goes on after the
 * MG_MAX_VALIDATE_ERRORS-th error until one more turns up, so that
 * `truncated` says whether errors were left out. */
static int full(const mg_vresult *r) { return r->truncated; }

/* Nothing more to collect: stop at the first failure. */
static int stop(const vctx *c) { return !c->out || full(c->out); }

static void push_error(mg_vresult *r, mg_verror_kind kind, const char *ptr, const char *msg)
{
    if (r->count >= MG_MAX_VALIDATE_ERRORS) {
        r->truncated = 1;
        return;
    }
    if (kind == MG_VERR_SCHEMA)
        for (int i = 0; i < r->count; i++)
            if (r->errors[i].kind == kind && !strcmp(r->errors[i].message, msg))
                return;
    if (r->count % 16 == 0) {
        mg_verror *e = realloc(r->errors, (size_t)(r->count + 16) * sizeof *e);
        if (!e)
            abort();
        r->errors = e;
    }
    r->errors[r->count].kind = kind;
    r->errors[r->count].pointer = mg_xstrdup(ptr);
    r->errors[r->count].message = mg_xstrdup(msg);
    r->count++;
}

__attribute__((format(printf, 2, 3))) static void report(vctx *c, const char *fmt, ...)
{
    if (!c->out)
        return;
    mg_buf m;
    mg_buf_init(&m);
    va_list ap;
    va_start(ap, fmt);
    mg_buf_vappendf(&m, fmt, ap);
    va_end(ap);
    push_error(c->out, MG_VERR_INSTANCE, mg_buf_cstr(&c->path), mg_buf_cstr(&m));
    mg_buf_fini(&m);
}

__attribute__((format(printf, 2, 3))) static void schema_error(vctx *c, const char *fmt, ...)
{
    c->broken = 1;
    if (!c->top)
        return;
    mg_buf m;
    mg_buf_init(&m);
    va_list ap;
    va_start(ap, fmt);
    mg_buf_vappendf(&m, fmt, ap);
    va_end(ap);
    push_error(c->top, MG_VERR_SCHEMA, mg_buf_cstr(&c->path), mg_buf_cstr(&m));
    mg_buf_fini(&m);
}

static size_t path_push_key(vctx *c, const char *key)
{
    size_t old = c->path.len;
    mg_buf_putc(&c->path, '/');
    mg_jptr_append_token(&c->path, key);
    return old;
}

static size_t path_push_index(vctx *c, int i)
{
    size_t old = c->path.len;
    mg_buf_appendf(&c->path, "/%d", i);
    return old;
}

static void path_pop(vctx *c, size_t old)
{
    c->path.len = old;
    if (c->path.data)
        c->path.data[old] = '\0';
}

/* ---- values: types, equality, printing ----------------------------------- */

static int is_integral(double d) { return isfinite(d) && floor(d) == d; }

static void fmt_num(double d, char *buf, size_t size);

/* ---- numbers, exactly ----------------------------------------------------
 * A number node's double is the number written, except where load.c kept the
 * text in valuestring (load.h: more than 15 significant digits, or beyond the
 * normal doubles). Decimals of at most 15 significant digits read as distinct
 * doubles, in the same order (DBL_DIG), so the doubles decide everything but a
 * tie between nodes with text; then the texts decide, as decimals. */

/* A decimal 0.d1d2...dn * 10^exp, d1 the first and dn the last nonzero digit
 * (s and end; a '.' between them is skipped); s == NULL for zero. */
typedef struct dec {
    int neg;
    const char *s, *end;
    long exp;
} dec;

/* Reads JSON's or YAML's number text (sign, digits, '.', exponent). */
static void dec_parse(dec *x, const char *t)
{
    x->neg = *t == '-';
    if (*t == '-' || *t == '+')
        t++;
    const char *dot = NULL;
    x->s = x->end = NULL;
    for (; *t && *t != 'e' && *t != 'E'; t++) {
        if (*t == '.')
            dot = t;
        else if (*t >= '1' && *t <= '9') {
            if (!x->s)
                x->s = t;
            x->end = t + 1;
        }
    }
    const char *int_end = dot ? dot : t;
    long e = 0;
    if (*t) {
        int eneg = *++t == '-';
        if (*t == '-' || *t == '+')
            t++;
        for (; *t >= '0' && *t <= '9'; t++)
            if (e < 1000000000L)
                e = e * 10 + (*t - '0');
        e = eneg ? -e : e;
    }
    if (!x->s)
        return;
    x->exp = e + (x->s < int_end ? (long)(int_end - x->s) : -(long)(x->s - dot - 1));
}

static long dec_digits(const dec *x)
{
    long n = (long)(x->end - x->s);
    return memchr(x->s, '.', (size_t)n) ? n - 1 : n;
}

static int dec_integral(const dec *x) { return !x->s || x->exp >= dec_digits(x); }

static int dec_cmp(const dec *a, const dec *b)
{
    int sa = !a->s ? 0 : a->neg ? -1 : 1, sb = !b->s ? 0 : b->neg ? -1 : 1;
    if (sa != sb || !sa)
        return sa < sb ? -1 : sa > sb;
    int mag = 0;
    if (a->exp != b->exp)
        mag = a->exp < b->exp ? -1 : 1;
    for (const char *p = a->s, *q = b->s; !mag;) {
        p += p < a->end && *p == '.';
        q += q < b->end && *q == '.';
        if (p == a->end || q == b->end) {
            mag = (q != b->end) - (p != a->end); /* the longer has a nonzero digit left */
            break;
        }
        if (*p != *q)
            mag = *p < *q ? -1 : 1;
        p++, q++;
    }
    return sa * mag;
}

/* The decimal of number node x: its text, or the shortest that reads back as
 * its double (the text written, for at most 15 digits); buf holds that. */
static void num_dec(const cJSON *x, dec *out, char *buf, size_t size)
{
    if (x->valuestring) {
        dec_parse(out, x->valuestring);
        return;
    }
    fmt_num(x->valuedouble, buf, size);
    dec_parse(out, buf);
}

/* -1, 0 or 1 as number a is below, equal to or above b; 2 when NaN is one. */
static int num_cmp(const cJSON *a, const cJSON *b)
{
    double x = a->valuedouble, y = b->valuedouble;
    if (isnan(x) || isnan(y))
        return 2;
    /* An infinity without text (YAML's .inf) has no decimal: ties with it stay ties. */
    if (x != y || (!a->valuestring && !b->valuestring) || (!isfinite(x) && (!a->valuestring || !b->valuestring)))
        return x < y ? -1 : x > y;
    char ba[40], bb[40];
    dec p, q;
    num_dec(a, &p, ba, sizeof ba);
    num_dec(b, &q, bb, sizeof bb);
    return dec_cmp(&p, &q);
}

static int num_is_integer(const cJSON *x)
{
    if (!x->valuestring)
        return is_integral(x->valuedouble);
    dec d;
    dec_parse(&d, x->valuestring);
    return dec_integral(&d);
}

/* Whether number node x is a valid int32 (bits 32) or int64 (format). */
static int num_is_int_format(const cJSON *x, int bits)
{
    if (!x->valuestring) {
        double d = x->valuedouble;
        if (bits == 32)
            return is_integral(d) && d >= -2147483648.0 && d <= 2147483647.0;
        return is_integral(d) && d >= -9223372036854775808.0 && d < 9223372036854775808.0;
    }
    dec d, lo, hi;
    dec_parse(&d, x->valuestring);
    dec_parse(&lo, bits == 32 ? "-2147483648" : "-9223372036854775808");
    dec_parse(&hi, bits == 32 ? "2147483647" : "9223372036854775807");
    return dec_integral(&d) && dec_cmp(&d, &lo) >= 0 && dec_cmp(&d, &hi) <= 0;
}

static const char *type_name(const cJSON *x)
{
    if (cJSON_IsNull(x))
        return "null";
    if (cJSON_IsBool(x))
        return "boolean";
    if (cJSON_IsNumber(x))
        return num_is_integer(x) ? "integer" : "number";
    if (cJSON_IsString(x))
        return "string";
    if (cJSON_IsArray(x))
        return "array";
    return "object";
}

static int type_matches(const char *t, const cJSON *x)
{
    if (!strcmp(t, "null"))
        return cJSON_IsNull(x);
    if (!strcmp(t, "boolean"))
        return cJSON_IsBool(x);
    if (!strcmp(t, "number"))
        return cJSON_IsNumber(x);
    if (!strcmp(t, "integer"))
        return cJSON_IsNumber(x) && num_is_integer(x);
    if (!strcmp(t, "string"))
        return cJSON_IsString(x);
    if (!strcmp(t, "array"))
        return cJSON_IsArray(x);
    if (!strcmp(t, "object"))
        return cJSON_IsObject(x);
    return 0;
}

static int json_equal(const cJSON *a, const cJSON *b, int depth)
{
    if (depth > MG_MAX_VALIDATE_DEPTH)
        return 0;
    if (cJSON_IsNumber(a) && cJSON_IsNumber(b))
        return num_cmp(a, b) == 0;
    if ((a->type & 0xFF) != (b->type & 0xFF))
        return 0;
    if (cJSON_IsString(a))
        return strcmp(a->valuestring ? a->valuestring : "", b->valuestring ? b->valuestring : "") == 0;
    if (cJSON_IsArray(a)) {
        const cJSON *x = a->child, *y = b->child;
        for (; x && y; x = x->next, y = y->next)
            if (!json_equal(x, y, depth + 1))
                return 0;
        return !x && !y;
    }
    if (cJSON_IsObject(a)) {
        int na = 0, nb = 0;
        for (const cJSON *x = a->child; x; x = x->next)
            na++;
        for (const cJSON *y = b->child; y; y = y->next)
            nb++;
        if (na != nb)
            return 0;
        for (const cJSON *x = a->child; x; x = x->next) {
            const cJSON *y = mg_json_get(b, x->string);
            if (!y || !json_equal(x, y, depth + 1))
                return 0;
        }
        return 1;
    }
    return 1; /* null, true, false */
}

/* Shortest text that reads back as the same double; integers without ".0". */
static void fmt_num(double d, char *buf, size_t size)
{
    if (is_integral(d) && fabs(d) < 1e15) {
        snprintf(buf, size, "%.0f", d);
        return;
    }
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(buf, size, "%.*g", prec, d);
        if (strtod(buf, NULL) == d)
            return;
    }
}

void mg_validate_number_json(mg_buf *b, const char *t)
{
    if (*t == '-')
        mg_buf_putc(b, *t++);
    else if (*t == '+')
        t++;
    while (t[0] == '0' && t[1] >= '0' && t[1] <= '9')
        t++;
    if (*t == '.')
        mg_buf_putc(b, '0');
    for (; *t; t++) {
        if (*t == '_')
            continue;
        mg_buf_putc(b, *t);
        if (*t == '.' && !(t[1] >= '0' && t[1] <= '9'))
            mg_buf_putc(b, '0');
    }
}

/* A copy of v whose numbers with kept text (load.h) are that text, as JSON
 * (YAML's "+1", ".5", "1." and leading zeros made JSON's), so that printing
 * it loses no digits. */
static cJSON *dup_exact(const cJSON *v)
{
    if (cJSON_IsNumber(v) && v->valuestring) {
        mg_buf b;
        mg_buf_init(&b);
        mg_validate_number_json(&b, v->valuestring);
        cJSON *r = cJSON_CreateRaw(mg_buf_cstr(&b));
        mg_buf_fini(&b);
        return r;
    }
    if (!cJSON_IsArray(v) && !cJSON_IsObject(v))
        return cJSON_Duplicate(v, 0);
    cJSON *o = cJSON_IsArray(v) ? cJSON_CreateArray() : cJSON_CreateObject();
    const cJSON *e;
    cJSON_ArrayForEach(e, v) {
        if (cJSON_IsArray(v))
            cJSON_AddItemToArray(o, dup_exact(e));
        else
            cJSON_AddItemToObject(o, e->string, dup_exact(e));
    }
    return o;
}

char *mg_validate_print_exact(const cJSON *v)
{
    if (!cJSON_IsArray(v) && !cJSON_IsObject(v) && !(cJSON_IsNumber(v) && v->valuestring))
        return cJSON_PrintUnformatted(v); /* most values: nothing to copy */
    cJSON *x = dup_exact(v);
    char *json = cJSON_PrintUnformatted(x);
    cJSON_Delete(x);
    return json;
}

/* Number node x as messages show it: the text the loader kept, as JSON
 * (the number as written, where its double would print other digits:
 * `maximum: 9007199254740993`) when it fits, else fmt_num of the double. */
static void fmt_num_node(const cJSON *x, char *buf, size_t size)
{
    if (x->valuestring) {
        mg_buf b;
        mg_buf_init(&b);
        mg_validate_number_json(&b, x->valuestring);
        int fits = b.len < size;
        if (fits)
            memcpy(buf, mg_buf_cstr(&b), b.len + 1);
        mg_buf_fini(&b);
        if (fits)
            return;
    }
    fmt_num(x->valuedouble, buf, size);
}

/* A value in a message: strings in single quotes, anything else as compact
 * JSON; cut at 60 bytes with "...". */
static void append_value(mg_buf *b, const cJSON *x)
{
    char *text = NULL;
    const char *s;
    char num[40];
    if (cJSON_IsString(x))
        s = x->valuestring ? x->valuestring : "";
    else if (cJSON_IsNumber(x)) {
        fmt_num_node(x, num, sizeof num);
        s = num;
    } else {
        text = mg_validate_print_exact(x);
        s = text ? text : "?";
    }
    size_t n = strlen(s);
    if (cJSON_IsString(x))
        mg_buf_putc(b, '\'');
    if (n > 60) {
        mg_buf_append(b, s, 60);
        mg_buf_append_str(b, "...");
    } else
        mg_buf_append(b, s, n);
    if (cJSON_IsString(x))
        mg_buf_putc(b, '\'');
    cJSON_free(text);
}

/* RFC 3986 unreserved and sub-delims: what mg_validate_path_to_uri keeps as is. */
static int is_unreserved(int ch)
{
    return (ch < 0x80 && isalnum(ch)) || ch == '-' || ch == '.' || ch == '_' || ch == '~';
}

static int is_subdelim(int ch) { return ch && strchr("!$&'()*+,;=", ch) != NULL; }

/* ---- $ref ----------------------------------------------------------------- */

/* Follows a JSON pointer (already percent-decoded) from `doc`. */
static const cJSON *follow_pointer(const cJSON *doc, const char *ptr)
{
    const cJSON *cur = doc;
    const char *p = ptr;
    if (*p == '\0')
        return cur;
    if (*p != '/')
        return NULL;
    mg_buf tok;
    mg_buf_init(&tok);
    while (cur && *p == '/') {
        p++;
        mg_buf_reset(&tok);
        p = mg_jptr_decode_token(&tok, p, NULL);
        const char *t = mg_buf_cstr(&tok);
        if (cJSON_IsObject(cur))
            cur = mg_json_get(cur, t);
        else if (cJSON_IsArray(cur)) {
            char *end;
            if (!isdigit((unsigned char)t[0]) || (t[0] == '0' && t[1]))
                cur = NULL;
            else {
                long i = strtol(t, &end, 10);
                cur = (*end || i > INT_MAX) ? NULL : cJSON_GetArrayItem(cur, (int)i);
            }
        } else
            cur = NULL;
    }
    mg_buf_fini(&tok);
    return cur;
}

static const cJSON *load_document(mg_validator *v, const char *uri)
{
    smap_slot *s = smap_find(&v->loaded, uri);
    if (s)
        return s->val;
    const cJSON *doc = v->loader ? v->loader(v->user, uri) : NULL;
    smap_insert_slot(&v->loaded, uri)->val = (void *)(uintptr_t)doc;
    if (doc)
        mg_validator_add_schema(v, uri, doc);
    return doc;
}

/* Resolves the $ref string of `node` against `base`. Returns the target and
 * its base, or NULL after a schema error. */
static const cJSON *resolve_ref(vctx *c, const cJSON *node, const char *ref, const char *base,
                                const char **tbase)
{
    mg_validator *v = c->v;
    int cacheable = pmap_get(&v->bases, node) == (void *)(uintptr_t)base;
    if (cacheable) {
        ref_hit *h = pmap_get(&v->refs, node);
        if (h) {
            *tbase = h->base;
            return h->target;
        }
    }
    char *abs = uri_resolve(base, ref);
    char *hash = strchr(abs, '#');
    char *frag = NULL;
    if (hash) {
        *hash = '\0';
        frag = percent_decode(hash + 1, strlen(hash + 1));
    }
    const cJSON *target = NULL;
    const cJSON *doc = NULL;
    if (abs[0] == '\0') /* a document with no URI: its own root */
        doc = pmap_get(&v->roots, node);
    if (!doc) {
        smap_slot *res = smap_find(&v->resources, abs);
        doc = res ? res->val : load_document(v, abs);
    }
    if (doc) {
        if (!frag || frag[0] == '\0' || frag[0] == '/')
            target = follow_pointer(doc, frag ? frag : "");
        else {
            *hash = '#';
            smap_slot *anchor = smap_find(&v->resources, abs);
            target = anchor ? anchor->val : NULL;
            *hash = '\0';
        }
    }
    if (target) {
        const char *b = pmap_get(&v->bases, target);
        *tbase = b ? b : intern(v, abs);
        if (cacheable) {
            ref_hit *h = mg_xcalloc(1, sizeof *h);
            h->target = target;
            h->base = *tbase;
            pmap_put(&v->refs, node, h);
        }
    } else if (!doc)
        schema_error(c, "cannot resolve $ref '%s': no document '%s'", ref, abs);
    else
        schema_error(c, "cannot resolve $ref '%s': no such location in '%s'", ref, abs);
    free(frag);
    free(abs);
    return target;
}

/* ---- keywords ------------------------------------------------------------- */

static int validate(vctx *c, const cJSON *s, const char *base, const cJSON *x);

static int check_quiet(vctx *c, const cJSON *s, const char *base, const cJSON *x)
{
    mg_vresult *saved = c->out;
    c->out = NULL;
    int r = validate(c, s, base, x);
    c->out = saved;
    return r;
}

/* A pattern PCRE2 accepts is also compiled to a linear-time program when it
 * needs no backtracking feature (rx.h): the generated validators run the same
 * program, and no such pattern can hit the backtracking limit. */
static regex_entry *get_regex(vctx *c, const char *pattern)
{
    smap_slot *s = smap_insert_slot(&c->v->regexes, pattern);
    if (!s->val) {
        regex_entry *e = mg_xcalloc(1, sizeof *e);
        int err;
        PCRE2_SIZE off;
        e->code = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED, mg_format_regex_options, &err,
                                &off, NULL);
        if (!e->code) {
            PCRE2_UCHAR msg[256];
            pcre2_get_error_message(err, msg, sizeof msg);
            e->error = mg_xstrdup((const char *)msg);
        } else {
            const char *why;
            if (mg_rx_compile(pattern, &e->prog, &e->nprog, &why) < 0)
                e->prog = NULL;
        }
        s->val = e;
    }
    regex_entry *e = s->val;
    if (!e->code) {
        schema_error(c, "invalid pattern '%s': %s", pattern, e->error);
        return NULL;
    }
    return e;
}

/* 1 match, 0 no match (a string that is not valid UTF-8 never matches), -1 bad pattern. */
static int regex_match(vctx *c, const char *pattern, const char *s)
{
    regex_entry *e = get_regex(c, pattern);
    if (!e)
        return -1;
    if (e->prog)
        return mg_rx_search(e->prog, e->nprog, s, strlen(s)) == 1;
    int rc = pcre2_match(e->code, (PCRE2_SPTR)s, strlen(s), 0, 0, c->v->md, c->v->mctx);
    if (rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT || rc == PCRE2_ERROR_HEAPLIMIT) {
        schema_error(c, "pattern '%s' is too expensive to match (backtracking limit)", pattern);
        return -1;
    }
    return rc >= 0;
}

/* multipleOf for doubles: exact when both are integers, otherwise within a few
 * ulps of the quotient, so that decimal literals such as 0.0075 / 0.0001 (which
 * divide to 74.99999999999999) count as multiples. */
static int is_multiple(double x, double d)
{
    if (d <= 0 || !isfinite(d))
        return 0;
    if (is_integral(x) && is_integral(d) && fabs(x) < 9007199254740992.0 && d < 9007199254740992.0)
        return fmod(x, d) == 0;
    double q = x / d;
    if (!isfinite(q))
        return 0;
    double r = fabs(q - nearbyint(q));
    return r <= fabs(q) * 16 * DBL_EPSILON;
}

/* (a * b) % m without overflow, for a, b < m < 2^53: doubling, not a wider
 * type (C11 has none). */
static uint64_t mul_mod(uint64_t a, uint64_t b, uint64_t m)
{
    uint64_t r = 0;
    for (; b; b >>= 1, a = (a * 2) % m)
        if (b & 1)
            r = (r + a) % m;
    return r;
}

/* multipleOf m of number node x, on the number as written: an integer x
 * (any size, num_dec's digits) by an integer m below 2^53 is decided on the
 * remainder of its digits, so 9007199254740994 is not a multiple of 3 (its
 * double, 2^53 + 2, would pass is_multiple's tolerance); any other pair as
 * is_multiple on the doubles. */
static int num_is_multiple(const cJSON *x, const cJSON *m)
{
    double md = m->valuedouble;
    if (!(md > 0 && md < 9007199254740992.0) || !num_is_integer(m) || !num_is_integer(x))
        return is_multiple(x->valuedouble, md);
    char buf[40];
    dec d;
    num_dec(x, &d, buf, sizeof buf);
    uint64_t mod = (uint64_t)md, r = 0;
    long digits = 0;
    for (const char *p = d.s; d.s && p < d.end; p++)
        if (*p != '.') {
            r = (r * 10 + (uint64_t)(*p - '0')) % mod;
            digits++;
        }
    /* The zeros the exponent adds after the last nonzero digit: r * 10^z. */
    uint64_t pow = 1 % mod, base = 10 % mod;
    for (long z = d.s ? d.exp - digits : 0; z > 0; z >>= 1, base = mul_mod(base, base, mod))
        if (z & 1)
            pow = mul_mod(pow, base, mod);
    return mul_mod(r, pow, mod) == 0;
}

static const char *plural(double n, const char *one, const char *many)
{
    return n == 1 ? one : many;
}

typedef struct kw {
    const cJSON *type, *nullable, *enum_, *const_, *format;
    const cJSON *minimum, *maximum, *exmin, *exmax, *multiple;
    const cJSON *minlen, *maxlen, *pattern;
    const cJSON *items, *additems, *prefix, *contains, *minitems, *maxitems, *unique;
    const cJSON *required, *props, *patprops, *addprops, *propnames, *minprops, *maxprops, *deps;
    const cJSON *allof, *anyof, *oneof, *not_, *if_, *then_, *else_;
} kw;

static void collect_keywords(const cJSON *s, kw *k)
{
    memset(k, 0, sizeof *k);
    for (const cJSON *m = s->child; m; m = m->next) {
        const char *n = m->string;
        if (!n)
            continue;
#define KW(name, field)         \
    if (!strcmp(n, name)) {     \
        k->field = m;           \
        continue;               \
    }
        switch (n[0]) {
        case 'a':
            KW("allOf", allof) KW("anyOf", anyof) KW("additionalItems", additems)
            KW("additionalProperties", addprops) break;
        case 'c':
            KW("const", const_) KW("contains", contains) break;
        case 'd':
            KW("dependencies", deps) break;
        case 'e':
            KW("enum", enum_) KW("exclusiveMinimum", exmin) KW("exclusiveMaximum", exmax)
            KW("else", else_) break;
        case 'f':
            KW("format", format) break;
        case 'i':
            KW("items", items) KW("if", if_) break;
        case 'm':
            KW("minimum", minimum) KW("maximum", maximum) KW("multipleOf", multiple)
            KW("minLength", minlen) KW("maxLength", maxlen) KW("minItems", minitems)
            KW("maxItems", maxitems) KW("minProperties", minprops) KW("maxProperties", maxprops)
            break;
        case 'n':
            KW("nullable", nullable) KW("not", not_) break;
        case 'o':
            KW("oneOf", oneof) break;
        case 'p':
            KW("pattern", pattern) KW("properties", props) KW("patternProperties", patprops)
            KW("propertyNames", propnames) KW("prefixItems", prefix) break;
        case 'r':
            KW("required", required) break;
        case 't':
            KW("type", type) KW("then", then_) break;
        case 'u':
            KW("uniqueItems", unique) break;
        default:
            break;
        }
#undef KW
    }
    /* 2020-12 tuples: prefixItems are the positions and `items` the rest,
     * as draft-07's array-form items and additionalItems (one code path). */
    if (cJSON_IsArray(k->prefix)) {
        k->additems = k->items;
        k->items = k->prefix;
    }
}

#define FAILED()              \
    do {                      \
        ok = 0;               \
        if (stop(c))          \
            return 0;         \
    } while (0)

static int check_type(vctx *c, const kw *k, const cJSON *x)
{
    int nullable = cJSON_IsTrue(k->nullable);
    if (!k->type)
        return 1;
    if (nullable && cJSON_IsNull(x))
        return 1;
    if (cJSON_IsString(k->type)) {
        if (type_matches(k->type->valuestring, x))
            return 1;
    } else if (cJSON_IsArray(k->type)) {
        for (const cJSON *t = k->type->child; t; t = t->next)
            if (cJSON_IsString(t) && type_matches(t->valuestring, x))
                return 1;
    } else
        return 1;
    if (c->out) {
        mg_buf m;
        mg_buf_init(&m);
        mg_buf_append_str(&m, "expected ");
        int n = 0;
        if (cJSON_IsString(k->type))
            mg_buf_append_str(&m, k->type->valuestring), n++;
        else
            for (const cJSON *t = k->type->child; t; t = t->next)
                if (cJSON_IsString(t)) {
                    mg_buf_appendf(&m, "%s%s", n++ ? " or " : "", t->valuestring);
                }
        if (nullable)
            mg_buf_appendf(&m, "%snull", n ? " or " : "");
        mg_buf_appendf(&m, ", got %s", type_name(x));
        report(c, "%s", mg_buf_cstr(&m));
        mg_buf_fini(&m);
    }
    return 0;
}

static int check_enum(vctx *c, const cJSON *e, const cJSON *x)
{
    if (!cJSON_IsArray(e))
        return 1;
    for (const cJSON *v = e->child; v; v = v->next)
        if (json_equal(v, x, 0))
            return 1;
    if (c->out) {
        mg_buf m;
        mg_buf_init(&m);
        mg_buf_append_str(&m, "must be one of ");
        int n = 0;
        for (const cJSON *v = e->child; v; v = v->next, n++) {
            if (n == 10) {
                mg_buf_append_str(&m, ", ...");
                break;
            }
            if (n)
                mg_buf_append_str(&m, ", ");
            append_value(&m, v);
        }
        report(c, "%s", mg_buf_cstr(&m));
        mg_buf_fini(&m);
    }
    return 0;
}

static int check_number(vctx *c, const kw *k, const cJSON *x)
{
    int ok = 1;
    char num[40];
    /* Draft-04 wrote exclusiveMinimum/Maximum as booleans that modify minimum/maximum. */
    int min_ex = cJSON_IsTrue(k->exmin), max_ex = cJSON_IsTrue(k->exmax);
    if (cJSON_IsNumber(k->minimum)) {
        int r = num_cmp(x, k->minimum);
        if (r == 2 || (min_ex ? r <= 0 : r < 0)) {
            fmt_num_node(k->minimum, num, sizeof num);
            report(c, "must be %s %s", min_ex ? ">" : ">=", num);
            FAILED();
        }
    }
    if (cJSON_IsNumber(k->maximum)) {
        int r = num_cmp(x, k->maximum);
        if (r == 2 || (max_ex ? r >= 0 : r > 0)) {
            fmt_num_node(k->maximum, num, sizeof num);
            report(c, "must be %s %s", max_ex ? "<" : "<=", num);
            FAILED();
        }
    }
    if (cJSON_IsNumber(k->exmin) && num_cmp(x, k->exmin) != 1) {
        fmt_num_node(k->exmin, num, sizeof num);
        report(c, "must be > %s", num);
        FAILED();
    }
    if (cJSON_IsNumber(k->exmax) && num_cmp(x, k->exmax) != -1) {
        fmt_num_node(k->exmax, num, sizeof num);
        report(c, "must be < %s", num);
        FAILED();
    }
    if (cJSON_IsNumber(k->multiple) && !num_is_multiple(x, k->multiple)) {
        fmt_num_node(k->multiple, num, sizeof num);
        report(c, "must be a multiple of %s", num);
        FAILED();
    }
    if (cJSON_IsString(k->format)) {
        const char *f = k->format->valuestring;
        int bits = !strcmp(f, "int32") ? 32 : !strcmp(f, "int64") ? 64 : 0;
        if (bits && !num_is_int_format(x, bits)) {
            report(c, "must be a valid %s (format)", f);
            FAILED();
        }
    }
    return ok;
}

static int check_string(vctx *c, const kw *k, const char *s)
{
    int ok = 1;
    if (cJSON_IsNumber(k->minlen) || cJSON_IsNumber(k->maxlen)) {
        double n = (double)mg_utf8_length(s);
        if (cJSON_IsNumber(k->minlen) && n < k->minlen->valuedouble) {
            double m = k->minlen->valuedouble;
            report(c, "must be at least %.0f %s", m, plural(m, "character", "characters"));
            FAILED();
        }
        if (cJSON_IsNumber(k->maxlen) && n > k->maxlen->valuedouble) {
            double m = k->maxlen->valuedouble;
            report(c, "must be at most %.0f %s", m, plural(m, "character", "characters"));
            FAILED();
        }
    }
    if (cJSON_IsString(k->pattern)) {
        int r = regex_match(c, k->pattern->valuestring, s);
        if (r < 0)
            return 0;
        if (!r) {
            report(c, "does not match pattern '%s'", k->pattern->valuestring);
            FAILED();
        }
    }
    if (cJSON_IsString(k->format) && mg_validate_format(k->format->valuestring, s) == 0) {
        report(c, "must be a valid %s (format)", k->format->valuestring);
        FAILED();
    }
    return ok;
}

static int check_array(vctx *c, const kw *k, const char *base, const cJSON *x)
{
    int ok = 1;
    int n = cJSON_GetArraySize(x);
    if (cJSON_IsNumber(k->minitems) && n < k->minitems->valuedouble) {
        double m = k->minitems->valuedouble;
        report(c, "must have at least %.0f %s", m, plural(m, "item", "items"));
        FAILED();
    }
    if (cJSON_IsNumber(k->maxitems) && n > k->maxitems->valuedouble) {
        double m = k->maxitems->valuedouble;
        report(c, "must have at most %.0f %s", m, plural(m, "item", "items"));
        FAILED();
    }
    if (cJSON_IsTrue(k->unique)) {
        int i = 0, dup = 0;
        for (const cJSON *a = x->child; a && !dup; a = a->next, i++) {
            int j = i + 1;
            for (const cJSON *b = a->next; b; b = b->next, j++)
                if (json_equal(a, b, 0)) {
                    report(c, "items %d and %d are equal (uniqueItems)", i, j);
                    dup = 1;
                    break;
                }
        }
        if (dup)
            FAILED();
    }
    if (k->items) {
        int i = 0;
        const cJSON *tuple = cJSON_IsArray(k->items) ? k->items->child : NULL;
        for (const cJSON *e = x->child; e; e = e->next, i++) {
            const cJSON *sub;
            if (!cJSON_IsArray(k->items))
                sub = k->items;
            else if (tuple) {
                sub = tuple;
                tuple = tuple->next;
            } else
                sub = k->additems;
            if (!sub)
                break;
            size_t old = path_push_index(c, i);
            int r;
            if (cJSON_IsFalse(sub) && sub == k->additems) {
                report(c, "item not allowed (additionalItems)");
                r = 0;
            } else
                r = validate(c, sub, base, e);
            path_pop(c, old);
            if (!r)
                FAILED();
        }
    }
    if (k->contains) {
        int found = 0;
        for (const cJSON *e = x->child; e && !found; e = e->next)
            found = check_quiet(c, k->contains, base, e);
        if (!found) {
            report(c, "must contain at least one matching item (contains)");
            FAILED();
        }
    }
    return ok;
}

static int check_object(vctx *c, const kw *k, const char *base, const cJSON *x)
{
    int ok = 1;
    if (cJSON_IsArray(k->required)) {
        for (const cJSON *r = k->required->child; r; r = r->next)
            if (cJSON_IsString(r) && !mg_json_get(x, r->valuestring)) {
                report(c, "missing required property '%s'", r->valuestring);
                FAILED();
            }
    }
    if (cJSON_IsNumber(k->minprops) || cJSON_IsNumber(k->maxprops)) {
        int n = cJSON_GetArraySize(x);
        if (cJSON_IsNumber(k->minprops) && n < k->minprops->valuedouble) {
            double m = k->minprops->valuedouble;
            report(c, "must have at least %.0f %s", m, plural(m, "property", "properties"));
            FAILED();
        }
        if (cJSON_IsNumber(k->maxprops) && n > k->maxprops->valuedouble) {
            double m = k->maxprops->valuedouble;
            report(c, "must have at most %.0f %s", m, plural(m, "property", "properties"));
            FAILED();
        }
    }
    if (k->props || k->patprops || k->addprops) {
        for (const cJSON *m = x->child; m; m = m->next) {
            const char *name = m->string ? m->string : "";
            int matched = 0;
            size_t old = path_push_key(c, name);
            const cJSON *p = cJSON_IsObject(k->props) ? mg_json_get(k->props, name) : NULL;
            if (p) {
                matched = 1;
                if (!validate(c, p, base, m)) {
                    path_pop(c, old);
                    FAILED();
                    old = path_push_key(c, name);
                }
            }
            if (cJSON_IsObject(k->patprops))
                for (const cJSON *pp = k->patprops->child; pp; pp = pp->next) {
                    int r = regex_match(c, pp->string, name);
                    if (r < 0) {
                        path_pop(c, old);
                        return 0;
                    }
                    if (!r)
                        continue;
                    matched = 1;
                    if (!validate(c, pp, base, m)) {
                        path_pop(c, old);
                        FAILED();
                        old = path_push_key(c, name);
                    }
                }
            if (!matched && k->addprops) {
                int r;
                if (cJSON_IsFalse(k->addprops)) {
                    report(c, "property not allowed (additionalProperties)");
                    r = 0;
                } else
                    r = validate(c, k->addprops, base, m);
                if (!r) {
                    path_pop(c, old);
                    FAILED();
                    old = path_push_key(c, name);
                }
            }
            path_pop(c, old);
        }
    }
    if (k->propnames) {
        for (const cJSON *m = x->child; m; m = m->next) {
            cJSON name;
            memset(&name, 0, sizeof name);
            name.type = cJSON_String;
            name.valuestring = m->string;
            if (check_quiet(c, k->propnames, base, &name))
                continue;
            if (c->out) {
                /* Say why, with the first reason the name schema gives. */
                mg_vresult sub;
                mg_vresult_init(&sub);
                mg_vresult *saved = c->out;
                c->out = &sub;
                validate(c, k->propnames, base, &name);
                c->out = saved;
                report(c, "property name '%s' is invalid: %s", m->string,
                       sub.count ? sub.errors[0].message : "does not match propertyNames");
                mg_vresult_fini(&sub);
            }
            FAILED();
        }
    }
    if (cJSON_IsObject(k->deps)) {
        for (const cJSON *d = k->deps->child; d; d = d->next) {
            if (!mg_json_get(x, d->string))
                continue;
            if (cJSON_IsArray(d)) {
                for (const cJSON *r = d->child; r; r = r->next)
                    if (cJSON_IsString(r) && !mg_json_get(x, r->valuestring)) {
                        report(c, "property '%s' is required when '%s' is present (dependencies)",
                               r->valuestring, d->string);
                        FAILED();
                    }
            } else if (!validate(c, d, base, x))
                FAILED();
        }
    }
    return ok;
}

static int check_combinators(vctx *c, const kw *k, const char *base, const cJSON *x)
{
    int ok = 1;
    if (cJSON_IsArray(k->allof))
        for (const cJSON *s = k->allof->child; s; s = s->next)
            if (!validate(c, s, base, x))
                FAILED();
    if (cJSON_IsArray(k->anyof)) {
        int any = 0;
        for (const cJSON *s = k->anyof->child; s && !any; s = s->next)
            any = check_quiet(c, s, base, x);
        if (!any) {
            report(c, "must match at least one schema (anyOf)");
            FAILED();
        }
    }
    if (cJSON_IsArray(k->oneof)) {
        int first = -1, second = -1, i = 0;
        for (const cJSON *s = k->oneof->child; s && second < 0; s = s->next, i++)
            if (check_quiet(c, s, base, x)) {
                if (first < 0)
                    first = i;
                else
                    second = i;
            }
        if (first < 0) {
            report(c, "must match exactly one schema (oneOf), matched none");
            FAILED();
        } else if (second >= 0) {
            report(c, "must match exactly one schema (oneOf), matched %d and %d", first, second);
            FAILED();
        }
    }
    if (k->not_ && check_quiet(c, k->not_, base, x)) {
        report(c, "must not match the schema (not)");
        FAILED();
    }
    if (k->if_ && (k->then_ || k->else_)) {
        const cJSON *branch = check_quiet(c, k->if_, base, x) ? k->then_ : k->else_;
        if (branch && !validate(c, branch, base, x))
            FAILED();
    }
    return ok;
}

static int validate_keywords(vctx *c, const cJSON *s, const char *base, const cJSON *x)
{
    const cJSON *ref = mg_json_get(s, "$ref");
    if (cJSON_IsString(ref)) {
        /* Draft-07: a $ref replaces its siblings. */
        const char *tbase;
        const cJSON *t = resolve_ref(c, s, ref->valuestring, base, &tbase);
        return t ? validate(c, t, tbase, x) : 0;
    }
    kw k;
    collect_keywords(s, &k);
    int ok = 1;
    if (!check_type(c, &k, x))
        FAILED();
    if (k.enum_ && !check_enum(c, k.enum_, x))
        FAILED();
    if (k.const_ && !json_equal(k.const_, x, 0)) {
        if (c->out) {
            mg_buf m;
            mg_buf_init(&m);
            append_value(&m, k.const_);
            report(c, "must be equal to %s", mg_buf_cstr(&m));
            mg_buf_fini(&m);
        }
        FAILED();
    }
    int r = 1;
    if (cJSON_IsNumber(x))
        r = check_number(c, &k, x);
    else if (cJSON_IsString(x))
        r = check_string(c, &k, x->valuestring ? x->valuestring : "");
    else if (cJSON_IsArray(x))
        r = check_array(c, &k, base, x);
    else if (cJSON_IsObject(x))
        r = check_object(c, &k, base, x);
    if (!r)
        FAILED();
    if (!check_combinators(c, &k, base, x))
        FAILED();
    return ok;
}

static int validate(vctx *c, const cJSON *s, const char *base, const cJSON *x)
{
    if (cJSON_IsTrue(s))
        return 1;
    if (cJSON_IsFalse(s)) {
        report(c, "not allowed (false schema)");
        return 0;
    }
    if (!cJSON_IsObject(s)) {
        schema_error(c, "invalid schema: expected an object or a boolean, got %s", type_name(s));
        return 0;
    }
    if (c->depth >= MG_MAX_VALIDATE_DEPTH) {
        schema_error(c, "schema evaluation nested deeper than %d levels (a $ref loop?)",
                     MG_MAX_VALIDATE_DEPTH);
        return 0;
    }
    const char *b = pmap_get(&c->v->bases, s);
    c->depth++;
    int r = validate_keywords(c, s, b ? b : base, x);
    c->depth--;
    return r;
}

/* ---- public --------------------------------------------------------------- */

void mg_vresult_init(mg_vresult *r) { memset(r, 0, sizeof *r); }

void mg_vresult_fini(mg_vresult *r)
{
    for (int i = 0; i < r->count; i++) {
        free(r->errors[i].pointer);
        free(r->errors[i].message);
    }
    free(r->errors);
    memset(r, 0, sizeof *r);
}

char *mg_verror_format(const mg_verror *e, char *buf, size_t size)
{
    snprintf(buf, size, "%s: %s", e->pointer[0] ? e->pointer : "/", e->message);
    return buf;
}

mg_validator *mg_validator_new(mg_vloader loader, void *user)
{
    mg_validator *v = mg_xcalloc(1, sizeof *v);
    mg_hmap_init_str(&v->strings, sizeof(smap_slot));
    mg_hmap_init_str(&v->resources, sizeof(smap_slot));
    mg_hmap_init_str(&v->loaded, sizeof(smap_slot));
    mg_hmap_init_str(&v->regexes, sizeof(smap_slot));
    mg_hmap_init(&v->bases, sizeof(pmap_slot));
    mg_hmap_init(&v->roots, sizeof(pmap_slot));
    mg_hmap_init(&v->refs, sizeof(pmap_slot));
    v->loader = loader;
    v->user = user;
    v->md = pcre2_match_data_create(1, NULL);
    v->mctx = pcre2_match_context_create(NULL);
    if (!v->md || !v->mctx)
        abort();
    pcre2_set_match_limit(v->mctx, MG_MAX_REGEX_STEPS);
    pcre2_set_depth_limit(v->mctx, MG_MAX_REGEX_STEPS / 10);
    return v;
}

void mg_validator_free(mg_validator *v)
{
    if (!v)
        return;
    smap_fini(&v->strings, NULL);
    smap_fini(&v->resources, NULL);
    smap_fini(&v->loaded, NULL);
    smap_fini(&v->regexes, free_regex);
    for (size_t i = 0; i < mg_hmap_len(&v->refs); i++)
        free(((pmap_slot *)mg_hmap_at(&v->refs, i))->val);
    mg_hmap_fini(&v->refs);
    mg_hmap_fini(&v->bases);
    mg_hmap_fini(&v->roots);
    pcre2_match_data_free(v->md);
    pcre2_match_context_free(v->mctx);
    free(v);
}

int mg_validator_add_schema(mg_validator *v, const char *uri, const cJSON *root)
{
    char *u = mg_xstrdup(uri ? uri : "");
    char *hash = strchr(u, '#');
    if (hash)
        *hash = '\0';
    smap_insert_slot(&v->resources, u)->val = (void *)(uintptr_t)root;
    index_node(v, root, root, intern(v, u), 1, 0);
    if (!cJSON_IsObject(root) && !cJSON_IsArray(root))
        pmap_put(&v->bases, root, (void *)(uintptr_t)intern(v, u));
    free(u);
    return 0;
}

int mg_validate(mg_validator *v, const cJSON *schema, const cJSON *instance, mg_vresult *out)
{
    const char *base = pmap_get(&v->bases, schema);
    if (!base) {
        mg_validator_add_schema(v, NULL, schema);
        base = pmap_get(&v->bases, schema);
    }
    vctx c;
    memset(&c, 0, sizeof c);
    c.v = v;
    c.top = out;
    c.out = out;
    mg_buf_init(&c.path);
    mg_buf_cstr(&c.path);
    int r = validate(&c, schema, base ? base : "", instance);
    mg_buf_fini(&c.path);
    if (c.broken)
        return -1;
    return r ? 1 : 0;
}

char *mg_validate_path_to_uri(const char *path)
{
    char *real = realpath(path, NULL);
    if (!real)
        return NULL;
    mg_buf b;
    mg_buf_init(&b);
    mg_buf_append_str(&b, "file://");
    for (const char *p = real; *p; p++) {
        int ch = (unsigned char)*p;
        if (is_unreserved(ch) || ch == '/' || (is_subdelim(ch) && ch != '\'') || ch == ':' ||
            ch == '@')
            mg_buf_putc(&b, (char)ch);
        else
            mg_buf_appendf(&b, "%%%02X", ch);
    }
    free(real);
    mg_buf_cstr(&b);
    return mg_buf_steal(&b, NULL);
}

char *mg_validate_uri_to_path(const char *uri)
{
    if (strncmp(uri, "file://", 7) != 0)
        return NULL;
    const char *p = uri + 7;
    if (strncmp(p, "localhost/", 10) == 0)
        p += 9;
    if (*p != '/')
        return NULL;
    size_t n = strcspn(p, "?#");
    return percent_decode(p, n);
}

int mg_validate_format(const char *name, const char *s)
{
    if (!strcmp(name, "date-time"))
        return mg_format_date_time(s);
    if (!strcmp(name, "date"))
        return mg_format_date(s);
    if (!strcmp(name, "time"))
        return mg_format_time(s);
    if (!strcmp(name, "email"))
        return mg_format_email(s);
    if (!strcmp(name, "hostname"))
        return mg_format_hostname(s);
    if (!strcmp(name, "ipv4"))
        return mg_format_ipv4(s);
    if (!strcmp(name, "ipv6"))
        return mg_format_ipv6(s);
    if (!strcmp(name, "uri"))
        return mg_format_uri(s);
    if (!strcmp(name, "uuid"))
        return mg_format_uuid(s);
    if (!strcmp(name, "regex"))
        return mg_format_regex(s);
    return -1;
}

void mg_validate_format_number(double d, char *buf, size_t size)
{
    fmt_num(d, buf, size);
}

void mg_validate_format_number_node(const cJSON *n, char *buf, size_t size)
{
    fmt_num_node(n, buf, size);
}

void mg_validate_append_value(mg_buf *b, const cJSON *x)
{
    append_value(b, x);
}

const char *mg_validate_type_name(const cJSON *x)
{
    return type_name(x);
}
