/* example.c - example payloads built from the model and checked by the
 * validator (see example.h). */
#include "example.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "load.h"
#include "rx.h"
#include "text.h"
#include "util.h"
#include "validate.h"

/* Required members nest at most this deep (a required field that leads back
 * to its own type has no finite value); optional members, array items beyond
 * minItems and map entries beyond minProperties stop at OPT_DEPTH, so that an
 * example stays readable. */
#define MAX_DEPTH 32
#define OPT_DEPTH 6
/* A catalogue may ask for more than an example can show (minItems: 1e9): the
 * value stops growing at MAX_VALUES values and MAX_LENGTH code points per
 * string, and is then left out, with the reason. */
#define MAX_VALUES 5000
#define MAX_LENGTH 4096

struct mg_exgen {
    const mg_model *m;
    mg_validator *v;
    const mg_doc **docs; /* registered with the validator */
    size_t ndocs, cap;
    const mg_type *stack[MAX_DEPTH + 2];
    int nstack;
    int budget;  /* values still allowed in this example (MAX_VALUES) */
    int fraction; /* numbers (not integers) take a fraction: a oneOf of integer
                   * and number has no whole value that matches one option only */
    char *why; /* the first reason a required part could not be built */
    /* on_stack without walking the type graph: the strongly connected
     * component of each type in the graph mg_typeref_reaches walks (fields,
     * union options, additional, alias target, through items), and how many
     * types of each component are on the stack. NULL when the model's types
     * are not all in m->types (then every question walks the graph). */
    int *scc;      /* by mg_type.index */
    int *scc_on;   /* by component: types of it on the stack */
    int tuple_nest; /* > 0 inside a tuple position: an edge the graph above
                     * does not have, so the stack need not reach there */
    int tuples;     /* tuple positions entered so far */
    /* Values of types met more than once (a shared schema referenced from
     * many messages), by mg_type.index: see gen_type. */
    struct memo **memo;
    unsigned char *met; /* times gen_type built the type (up to 2; 3: a type
                         * used in one place only, never kept) */
    const mg_doc **log; /* use_doc's documents in this example, in order
                         * (repeats in a row once): what a kept value used */
    size_t nlog, caplog;
};

/* A value gen_type built for a type at a depth (and fraction), kept to be
 * copied the next time: `count` values it took from the budget, and the
 * documents it used with the validator (each once, in order), to be
 * registered again in that order as building would. */
struct memo {
    struct memo *next;
    int depth, fraction, count;
    cJSON *value;
    const mg_doc **docs;
    size_t ndocs;
};

/* ---- validation of parts ------------------------------------------------ */

/* Registers `doc` under its file: URI, so that "#/..." refs inside a schema
 * node of it resolve against it. */
static void use_doc(mg_exgen *g, const mg_doc *doc)
{
    if (!doc)
        return;
    if (g->memo && (g->nlog == 0 || g->log[g->nlog - 1] != doc)) {
        g->log = mg_xgrow(g->log, g->nlog, &g->caplog, sizeof *g->log);
        g->log[g->nlog++] = doc;
    }
    for (size_t i = 0; i < g->ndocs; i++)
        if (g->docs[i] == doc)
            return;
    g->docs = mg_xgrow(g->docs, g->ndocs, &g->cap, sizeof *g->docs);
    g->docs[g->ndocs++] = doc;
    char *uri = mg_validate_path_to_uri(doc->path);
    mg_validator_add_schema(g->v, uri, doc->root);
    free(uri);
}

/* Whether `value` validates against the raw schema node (1 when there is no
 * node to check against: the whole value is checked at the end anyway). */
static int valid_at(mg_exgen *g, const mg_doc *doc, const cJSON *schema, const cJSON *value)
{
    if (!schema || !doc)
        return 1;
    use_doc(g, doc);
    return mg_validate(g->v, schema, value, NULL) == 1;
}

static void set_why(mg_exgen *g, const char *fmt, const char *arg)
{
    if (g->why)
        return;
    mg_buf b;
    mg_buf_init(&b);
    mg_buf_appendf(&b, fmt, arg);
    g->why = mg_buf_steal(&b, NULL);
}

/* A value the schema offers itself: `const`, `examples`, `example` (OpenAPI
 * style, common in AsyncAPI 2 documents), `default`; the first that validates
 * there. */
static cJSON *offered(mg_exgen *g, const mg_doc *doc, const cJSON *schema)
{
    if (!cJSON_IsObject(schema))
        return NULL;
    /* One pass over the members (most schemas have none of the four): the
     * first member of each name, as mg_json_get finds it. */
    static const char *const keys[] = {"const", "examples", "example", "default"};
    const cJSON *found[4] = {NULL, NULL, NULL, NULL};
    int any = 0;
    for (const cJSON *c = schema->child; c; c = c->next) {
        const char *s = c->string;
        int k = -1;
        if (!s)
            continue;
        if (s[0] == 'c' && s[1] == 'o')
            k = strcmp(s, "const") == 0 ? 0 : -1;
        else if (s[0] == 'e' && s[1] == 'x')
            k = strcmp(s, "examples") == 0 ? 1 : strcmp(s, "example") == 0 ? 2 : -1;
        else if (s[0] == 'd' && s[1] == 'e' && s[2] == 'f')
            k = strcmp(s, "default") == 0 ? 3 : -1;
        if (k >= 0 && !found[k]) {
            found[k] = c;
            any = 1;
        }
    }
    if (!any)
        return NULL;
    for (size_t k = 0; k < sizeof keys / sizeof *keys; k++) {
        const cJSON *c = found[k];
        if (!c)
            continue;
        if (k == 1) {
            const cJSON *e;
            if (cJSON_IsArray(c))
                cJSON_ArrayForEach(e, c)
                    if (valid_at(g, doc, schema, e))
                        return cJSON_Duplicate(e, 1);
            continue;
        }
        if (valid_at(g, doc, schema, c))
            return cJSON_Duplicate(c, 1);
    }
    return NULL;
}

/* ---- strings ------------------------------------------------------------ */

static void put_utf8(mg_buf *b, uint32_t c)
{
    if (c < 0x80)
        mg_buf_putc(b, (char)c);
    else if (c < 0x800) {
        mg_buf_putc(b, (char)(0xC0 | (c >> 6)));
        mg_buf_putc(b, (char)(0x80 | (c & 0x3F)));
    } else if (c < 0x10000) {
        mg_buf_putc(b, (char)(0xE0 | (c >> 12)));
        mg_buf_putc(b, (char)(0x80 | ((c >> 6) & 0x3F)));
        mg_buf_putc(b, (char)(0x80 | (c & 0x3F)));
    } else {
        mg_buf_putc(b, (char)(0xF0 | (c >> 18)));
        mg_buf_putc(b, (char)(0x80 | ((c >> 12) & 0x3F)));
        mg_buf_putc(b, (char)(0x80 | ((c >> 6) & 0x3F)));
        mg_buf_putc(b, (char)(0x80 | (c & 0x3F)));
    }
}

/* The code point a SET instruction at pc takes: a letter or digit when it
 * allows one (readable examples), else printable ASCII, else its lowest code
 * point that is not a surrogate; -1 when none. */
static int32_t set_pick(const int *prog, size_t pc)
{
    int n = prog[pc + 1];
    static const char pref[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.:@/+ ";
    for (const char *p = pref; *p; p++)
        for (int i = 0; i < n; i++)
            if (prog[pc + 2 + 2 * i] <= *p && *p <= prog[pc + 3 + 2 * i])
                return *p;
    int32_t best = -1;
    for (int i = 0; i < n; i++) {
        int32_t lo = prog[pc + 2 + 2 * i], hi = prog[pc + 3 + 2 * i];
        if (lo <= 0x7E && hi >= 0x21)
            return lo < 0x21 ? 0x21 : lo;
        if (lo >= 0xD800 && lo <= 0xDFFF)
            lo = 0xE000;
        if (lo <= hi && lo <= 0x10FFFF && (best < 0 || lo < best))
            best = lo;
    }
    return best;
}

static size_t insn_len(const int *prog, size_t pc)
{
    switch (prog[pc]) {
    case MG_RX_SET: return 2 + 2 * (size_t)prog[pc + 1];
    case MG_RX_SPLIT: return 3;
    case MG_RX_JMP: return 2;
    default: return 1;
    }
}

/* Breadth-first over (pc, consumed anything yet, passed '$'): states reached
 * without consuming are expanded in the same layer, so the first MATCH found
 * ends a shortest string. Word-boundary assertions end a path (they depend on
 * the next character; patterns with them get no generated string unless
 * another path avoids them). */
char *mg_example_rx_string(const int *prog, size_t len)
{
    size_t ns = len * 4;
    int *par = mg_xmalloc(ns * sizeof *par);
    int32_t *via = mg_xmalloc(ns * sizeof *via);
    int *work = mg_xmalloc(ns * sizeof *work), *sets = mg_xmalloc(ns * sizeof *sets),
        *next = mg_xmalloc(ns * sizeof *next);
    for (size_t i = 0; i < ns; i++)
        par[i] = -2;
    size_t nwork = 0, nsets = 0, nnext = 0;
    int found = -1;
    par[0] = -1;
    via[0] = -1;
    next[nnext++] = 0;
    while (found < 0 && nnext > 0) {
        /* Closure of the states just reached, collecting those at a SET. */
        nsets = 0;
        nwork = 0;
        for (size_t i = 0; i < nnext; i++)
            work[nwork++] = next[i];
        nnext = 0;
        while (nwork > 0 && found < 0) {
            int s = work[--nwork];
            size_t pc = (size_t)s / 4;
            int started = (s >> 1) & 1, ended = s & 1;
            int to[2], nto = 0;
            switch (prog[pc]) {
            case MG_RX_MATCH: found = s; break;
            case MG_RX_SET:
                if (!ended)
                    sets[nsets++] = s;
                break;
            case MG_RX_SPLIT:
                to[nto++] = prog[pc + 1] * 4 + started * 2 + ended;
                to[nto++] = prog[pc + 2] * 4 + started * 2 + ended;
                break;
            case MG_RX_JMP: to[nto++] = prog[pc + 1] * 4 + started * 2 + ended; break;
            case MG_RX_BOL:
                if (!started)
                    to[nto++] = (int)(pc + 1) * 4 + ended;
                break;
            case MG_RX_EOL: to[nto++] = (int)(pc + 1) * 4 + started * 2 + 1; break;
            default: break;
            }
            /* Pushed in reverse so that the first branch of a SPLIT (the
             * greedy or leftmost one) is expanded first. */
            for (int k = nto - 1; k >= 0; k--)
                if (to[k] >= 0 && (size_t)to[k] < ns && par[to[k]] == -2) {
                    par[to[k]] = s;
                    via[to[k]] = -1;
                    work[nwork++] = to[k];
                }
        }
        if (found >= 0)
            break;
        for (size_t i = 0; i < nsets; i++) {
            int s = sets[i];
            size_t pc = (size_t)s / 4;
            int32_t c = set_pick(prog, pc);
            int t = (int)(pc + insn_len(prog, pc)) * 4 + 2;
            if (c < 0 || (size_t)t >= ns || par[t] != -2)
                continue;
            par[t] = s;
            via[t] = c;
            next[nnext++] = t;
        }
    }
    char *out = NULL;
    if (found >= 0) {
        size_t n = 0;
        for (int s = found; s >= 0; s = par[s])
            if (via[s] >= 0)
                work[n++] = via[s];
        mg_buf b;
        mg_buf_init(&b);
        while (n > 0)
            put_utf8(&b, (uint32_t)work[--n]);
        mg_buf_cstr(&b);
        out = mg_buf_steal(&b, NULL);
    }
    free(par);
    free(via);
    free(work);
    free(sets);
    free(next);
    return out;
}

static const char *format_sample(const char *f)
{
    static const char *const tab[][2] = {
        {"date-time", "2024-01-15T09:30:00Z"},
        {"date", "2024-01-15"},
        {"time", "09:30:00Z"},
        {"email", "user@example.com"},
        {"idn-email", "user@example.com"},
        {"hostname", "example.com"},
        {"idn-hostname", "example.com"},
        {"ipv4", "192.0.2.1"},
        {"ipv6", "2001:db8::1"},
        {"uri", "https://example.com/resource"},
        {"iri", "https://example.com/resource"},
        {"uri-reference", "https://example.com/resource"},
        {"iri-reference", "https://example.com/resource"},
        {"url", "https://example.com/resource"},
        {"uri-template", "https://example.com/{id}"},
        {"uuid", "3fa85f64-5717-4562-b3fc-2c963f66afa6"},
        {"regex", "^[a-z]+$"},
        {"duration", "PT1H"},
        {"json-pointer", "/a/b"},
        {"relative-json-pointer", "0/a"},
        {"byte", "ZXhhbXBsZQ=="},
        {"binary", "example"},
        {"password", "secret"},
    };
    for (size_t i = 0; i < sizeof tab / sizeof *tab; i++)
        if (!strcmp(tab[i][0], f))
            return tab[i][1];
    return NULL;
}

static int num_at(const cJSON *c, const char *key, double *out)
{
    const cJSON *n = mg_json_get(c, key);
    if (!cJSON_IsNumber(n))
        return 0;
    *out = n->valuedouble;
    return 1;
}

static cJSON *gen_string(mg_exgen *g, const mg_typeref *r)
{
    const cJSON *c = r->constraints;
    const char *format = r->format;
    const cJSON *fc = mg_json_get(c, "format");
    if (!format && cJSON_IsString(fc))
        format = fc->valuestring;
    const cJSON *pc = mg_json_get(c, "pattern");
    const char *pattern = cJSON_IsString(pc) ? pc->valuestring : NULL;
    double minl = 0, maxl = -1;
    num_at(c, "minLength", &minl);
    if (!num_at(c, "maxLength", &maxl))
        maxl = -1;
    if (minl > MAX_LENGTH) {
        set_why(g, "a string's minLength is over %s, more than an example shows", "4096");
        return NULL;
    }

    const char *sample = format ? format_sample(format) : NULL;
    int *prog = NULL;
    size_t plen = 0;
    const char *whynot = NULL;
    if (pattern && mg_rx_compile(pattern, &prog, &plen, &whynot) < 0) {
        set_why(g, "its pattern '%s' uses what msggen cannot build a string for", pattern);
        return NULL;
    }
    mg_buf b;
    mg_buf_init(&b);
    if (pattern && !(sample && mg_rx_search(prog, plen, sample, strlen(sample)) == 1)) {
        char *s = mg_example_rx_string(prog, plen);
        if (!s) {
            free(prog);
            set_why(g, "no string was found that matches the pattern '%s'", pattern);
            return NULL;
        }
        mg_buf_append_str(&b, s);
        free(s);
    } else
        mg_buf_append_str(&b, sample ? sample : "string");
    /* Lengths: plain text is padded or cut; a pattern's string is padded with
     * its last character while the pattern still matches. */
    size_t n = mg_utf8_length(mg_buf_cstr(&b));
    if (n < minl) {
        char pad = b.len ? b.data[b.len - 1] : 'x';
        if ((unsigned char)pad >= 0x80 || (!pattern && sample))
            pad = 'x';
        while (n < minl) {
            mg_buf_putc(&b, pad);
            n++;
        }
    }
    if (maxl >= 0 && n > maxl && !pattern && !sample) {
        b.len = (size_t)maxl; /* "string" and padding are ASCII */
        b.data[b.len] = '\0';
        n = b.len;
    }
    const char *s = mg_buf_cstr(&b);
    if ((pattern && mg_rx_search(prog, plen, s, b.len) != 1) || n < minl || (maxl >= 0 && n > maxl)) {
        free(prog);
        mg_buf_fini(&b);
        if (pattern)
            set_why(g, "no string was found that matches the pattern '%s' within its length bounds", pattern);
        else
            set_why(g, "no string of format '%s' fits its length bounds", format ? format : "(none)");
        return NULL;
    }
    free(prog);
    cJSON *out = cJSON_CreateString(s);
    mg_buf_fini(&b);
    return out;
}

/* A number within the bounds (inclusive and exclusive) and a multiple of
 * multipleOf: the one nearest to 0 from above the lower bound. */
static cJSON *gen_number(mg_exgen *g, const mg_typeref *r, int integer)
{
    const cJSON *c = r->constraints;
    double lo = -INFINITY, hi = INFINITY, x, step = 0;
    if (num_at(c, "minimum", &x))
        lo = x;
    if (num_at(c, "maximum", &x))
        hi = x;
    double xlo = -INFINITY, xhi = INFINITY;
    num_at(c, "exclusiveMinimum", &xlo);
    num_at(c, "exclusiveMaximum", &xhi);
    num_at(c, "multipleOf", &step);
    if (step <= 0)
        step = integer ? 1 : 0;
    double v = 0;
    if (v < lo)
        v = lo;
    if (v <= xlo)
        v = step > 0 ? xlo + step : (isfinite(xhi) && xhi - xlo < 2 ? (xlo + xhi) / 2 : xlo + 1);
    if (step > 0)
        v = ceil(v / step) * step;
    if (step > 0 && v <= xlo)
        v += step;
    if (integer)
        v = ceil(v);
    /* Nothing at or above the lower bound: try from the upper one down. */
    if (v > hi || v >= xhi) {
        v = hi < xhi ? hi : xhi;
        if (step > 0)
            v = floor(v / step) * step;
        if (v >= xhi)
            v = step > 0 ? v - step : isfinite(xlo) ? (xlo + xhi) / 2 : xhi - 1;
        if (integer)
            v = floor(v);
    }
    if (g->fraction && !integer && step == 0) {
        if (v + 0.5 <= hi && v + 0.5 < xhi)
            v += 0.5;
        else if (v - 0.5 >= lo && v - 0.5 > xlo)
            v -= 0.5;
    }
    if (v < lo || v <= xlo || v > hi || v >= xhi || !isfinite(v)) {
        set_why(g, "%s", "no number was found within the bounds and multipleOf of a field");
        return NULL;
    }
    return cJSON_CreateNumber(v);
}

/* ---- values -------------------------------------------------------------- */

static cJSON *gen(mg_exgen *g, const mg_typeref *r, int depth);
static char *pattern_key(mg_exgen *g, const char *pattern);
static cJSON *gen_simple(mg_exgen *g, const mg_doc *doc, const cJSON *schema);
static cJSON *gen_tuple(mg_exgen *g, const mg_typeref *r, int depth);

/* The named type `r` leads to through items and map values, as
 * mg_typeref_reaches follows it; NULL when none. */
static const mg_type *edge_of(const mg_typeref *r)
{
    while (r && r->kind != MG_KIND_REF)
        r = r->items;
    return r ? r->ref : NULL;
}

/* Whether `r` leads back to a type being built. Every type on the stack
 * reaches `r` (outside tuple positions: the edges gen follows are the graph's
 * edges), so `r` reaches one of them exactly when its type is in the same
 * strongly connected component as one of them. */
static int on_stack(const mg_exgen *g, const mg_typeref *r)
{
    if (g->scc && g->tuple_nest == 0) {
        const mg_type *u = edge_of(r);
        return u && g->scc_on[g->scc[u->index]] > 0;
    }
    for (int k = 0; k < g->nstack; k++)
        if (mg_typeref_reaches(g->m, r, g->stack[k]))
            return 1;
    return 0;
}

/* An optional part that cannot be built is left out: its reason is not the
 * message's. */
static cJSON *gen_optional(mg_exgen *g, const mg_typeref *r, int depth)
{
    char *saved = g->why;
    g->why = NULL;
    cJSON *v = gen(g, r, depth);
    free(g->why);
    g->why = saved;
    return v;
}

static cJSON *field_value(mg_exgen *g, const mg_field *f, int depth)
{
    const mg_typeref *t = f->type;
    if (f->const_value && valid_at(g, t->doc, t->schema, f->const_value))
        return cJSON_Duplicate(f->const_value, 1);
    const cJSON *e;
    if (cJSON_IsArray(f->examples))
        cJSON_ArrayForEach(e, f->examples)
            if (valid_at(g, t->doc, t->schema, e))
                return cJSON_Duplicate(e, 1);
    if (f->default_value && valid_at(g, t->doc, t->schema, f->default_value))
        return cJSON_Duplicate(f->default_value, 1);
    return f->required ? gen(g, t, depth + 1) : gen_optional(g, t, depth + 1);
}

static cJSON *gen_type_build(mg_exgen *g, const mg_type *t, int depth);

/* The value of type `t` at `depth`, copied from an earlier one when that is
 * the value building it would give. Building depends on the type, the depth
 * (OPT_DEPTH, MAX_DEPTH), g->fraction, the budget and the types on the
 * stack. The stack does not count when no type on it is in t's strongly
 * connected component and no tuple position is on the way from them (every
 * type below `t` is then reached from them, so none reaches back to them:
 * on_stack answers from the types stacked below `t` alone), nor one below
 * `t` (kept values record that none was entered). The budget: a kept value
 * is used only when the budget still has its `count`. The reason (g->why):
 * kept only when building set none. */
static cJSON *gen_type(mg_exgen *g, const mg_type *t, int depth)
{
    if (!g->memo || g->tuple_nest > 0 || g->scc_on[g->scc[t->index]] > 0)
        return gen_type_build(g, t, depth);
    for (struct memo *e = g->memo[t->index]; e; e = e->next)
        if (e->depth == depth && e->fraction == g->fraction) {
            if (g->budget < e->count)
                return gen_type_build(g, t, depth);
            g->budget -= e->count;
            for (size_t i = 0; i < e->ndocs; i++)
                use_doc(g, e->docs[i]);
            return cJSON_Duplicate(e->value, 1);
        }
    if (g->met[t->index] < 2)
        g->met[t->index]++;
    if (g->met[t->index] != 2 || g->why) /* kept from its second build on */
        return gen_type_build(g, t, depth);
    int budget = g->budget, tuples = g->tuples;
    size_t nlog = g->nlog;
    cJSON *v = gen_type_build(g, t, depth);
    if (!v || g->why || g->tuples != tuples || g->budget < 0)
        return v;
    struct memo *e = mg_xcalloc(1, sizeof *e);
    e->depth = depth;
    e->fraction = g->fraction;
    e->count = budget - g->budget;
    e->value = cJSON_Duplicate(v, 1);
    if (g->nlog > nlog)
        e->docs = mg_xmalloc((g->nlog - nlog) * sizeof *e->docs);
    for (size_t i = nlog; i < g->nlog; i++) {
        size_t k = 0;
        while (k < e->ndocs && e->docs[k] != g->log[i])
            k++;
        if (k == e->ndocs)
            e->docs[e->ndocs++] = g->log[i];
    }
    e->next = g->memo[t->index];
    g->memo[t->index] = e;
    return v;
}

static cJSON *gen_type_build(mg_exgen *g, const mg_type *t, int depth)
{
    cJSON *v = offered(g, t->doc, t->schema);
    if (v)
        return v;
    g->stack[g->nstack++] = t;
    if (g->scc)
        g->scc_on[g->scc[t->index]]++;
    switch (t->kind) {
    case MG_TYPE_OBJECT: {
        v = cJSON_CreateObject();
        for (int i = 0; i < t->nfields; i++) {
            const mg_field *f = t->fields[i];
            if (!f->required && (depth >= OPT_DEPTH || on_stack(g, f->type)))
                continue;
            cJSON *fv = field_value(g, f, depth);
            if (!fv && f->required) {
                cJSON_Delete(v);
                v = NULL;
                break;
            }
            if (fv)
                cJSON_AddItemToObject(v, f->wire, fv);
        }
        double minp = 0;
        num_at(t->constraints, "minProperties", &minp);
        if (v && minp > MAX_VALUES) {
            set_why(g, "%s", "an object asks for more than 5000 members");
            cJSON_Delete(v);
            v = NULL;
        }
        /* Members beyond the fields for minProperties: keys by the first of
         * patternProperties' patterns when there are some (the value the
         * first simple one that validates there), else key1, key2, ... */
        const cJSON *pp = mg_json_get(t->schema, "patternProperties");
        pp = cJSON_IsObject(pp) && pp->child && cJSON_IsObject(pp->child) ? pp->child : NULL;
        for (int k = 1; v && pp && cJSON_GetArraySize(v) < minp; k++) {
            char *key = k == 1 ? pattern_key(g, pp->string) : NULL;
            if (key && mg_json_get(v, key)) {
                free(key); /* a field has that name: other members come as key1, ... */
                break;
            }
            cJSON *pv = key ? gen_simple(g, t->doc, pp) : NULL;
            if (!pv) {
                if (key)
                    set_why(g, "no value was found for the members matching the pattern '%s'", pp->string);
                else if (k > 1)
                    set_why(g, "%s", "an object whose keys follow a pattern asks for more than one member");
                free(key);
                cJSON_Delete(v);
                v = NULL;
                break;
            }
            cJSON_AddItemToObject(v, key, pv);
            free(key);
        }
        for (int k = 1; v && cJSON_GetArraySize(v) < minp && !t->closed; k++) {
            char key[32];
            snprintf(key, sizeof key, "key%d", k);
            if (mg_json_get(v, key))
                continue;
            cJSON *av = t->additional ? gen(g, t->additional, depth + 1) : cJSON_CreateString("value");
            if (!av) {
                cJSON_Delete(v);
                v = NULL;
                break;
            }
            cJSON_AddItemToObject(v, key, av);
        }
        break;
    }
    case MG_TYPE_ENUM:
        v = t->nvalues > 0 ? cJSON_Duplicate(t->values[0]->value, 1) : NULL;
        if (!v)
            set_why(g, "the enum %s has no values", t->name.s[MG_CASE_RAW]);
        break;
    case MG_TYPE_UNION: {
        int ambiguous = 0; /* an option's value that a oneOf refused: it matched another too */
        int fraction = g->fraction;
        for (int i = 0; i < t->noptions && !v; i++) {
            const mg_union_option *o = t->options[i];
            cJSON *ov = gen_optional(g, o->type, depth + 1);
            if (ov && t->discriminator && o->tag && cJSON_IsObject(ov) &&
                !mg_json_get(ov, t->discriminator))
                cJSON_AddItemToObject(ov, t->discriminator, cJSON_CreateString(o->tag));
            if (ov && valid_at(g, t->doc, t->schema, ov))
                v = ov;
            else {
                ambiguous |= ov && !t->any_of && o->type->schema && valid_at(g, o->type->doc, o->type->schema, ov);
                cJSON_Delete(ov);
            }
            /* A whole number matches both `integer` and `number`: once more,
             * numbers with a fraction. */
            if (!v && i == t->noptions - 1 && ambiguous && !g->fraction) {
                g->fraction = 1;
                i = -1;
            }
        }
        g->fraction = fraction;
        if (!v && ambiguous)
            set_why(g, "each value built for an option of the oneOf %s also matches another option",
                    t->name.s[MG_CASE_RAW]);
        else if (!v)
            set_why(g, "no option of the union %s gave a value that validates", t->name.s[MG_CASE_RAW]);
        break;
    }
    case MG_TYPE_ALIAS: v = gen(g, t->target, depth + 1); break;
    }
    if (g->scc)
        g->scc_on[g->scc[t->index]]--;
    g->nstack--;
    return v;
}

/* A tuple: every position it can fill, in order (positions up to minItems
 * are required), then items after the positions up to minItems. */
static cJSON *gen_tuple(mg_exgen *g, const mg_typeref *r, int depth)
{
    double minn = 0, maxn = -1;
    num_at(r->constraints, "minItems", &minn);
    if (!num_at(r->constraints, "maxItems", &maxn))
        maxn = -1;
    if (minn > MAX_VALUES) {
        set_why(g, "%s", "an array or map asks for more than 5000 members");
        return NULL;
    }
    cJSON *v = cJSON_CreateArray();
    int i = 0;
    for (; i < r->ntuple && (maxn < 0 || i < maxn); i++) {
        int required = i < minn;
        if (!required && (depth >= OPT_DEPTH || on_stack(g, r->tuple[i])))
            break;
        g->tuple_nest++;
        g->tuples++;
        cJSON *iv = required ? gen(g, r->tuple[i], depth + 1) : gen_optional(g, r->tuple[i], depth + 1);
        g->tuple_nest--;
        if (!iv) {
            if (!required)
                break;
            cJSON_Delete(v);
            return NULL;
        }
        cJSON_AddItemToArray(v, iv);
    }
    for (; i < minn; i++) {
        cJSON *iv = !r->tuple_rest ? NULL : r->items ? gen(g, r->items, depth + 1) : cJSON_CreateString("value");
        if (!iv) {
            if (!r->tuple_rest)
                set_why(g, "%s", "a tuple asks for more items than its positions allow");
            cJSON_Delete(v);
            return NULL;
        }
        cJSON_AddItemToArray(v, iv);
    }
    return v;
}

/* A map key that matches the map's key pattern (NULL, with the reason, when
 * none is found); the caller frees it. */
static char *pattern_key(mg_exgen *g, const char *pattern)
{
    int *prog = NULL;
    size_t plen = 0;
    const char *whynot = NULL;
    if (mg_rx_compile(pattern, &prog, &plen, &whynot) < 0) {
        set_why(g, "the key pattern '%s' uses what msggen cannot build a string for", pattern);
        return NULL;
    }
    char *key = NULL;
    if (mg_rx_search(prog, plen, "key", 3) == 1)
        key = mg_xstrdup("key");
    else if (!(key = mg_example_rx_string(prog, plen)))
        set_why(g, "no map key was found that matches the pattern '%s'", pattern);
    free(prog);
    return key;
}

/* The first of a few simple values that validates against `schema` (of
 * `doc`), else NULL. */
static cJSON *gen_simple(mg_exgen *g, const mg_doc *doc, const cJSON *schema)
{
    static const char *const tries[] = {"\"value\"", "0", "true", "{}", "[]", "null"};
    for (size_t i = 0; i < sizeof tries / sizeof *tries; i++) {
        cJSON *v = cJSON_Parse(tries[i]);
        if (valid_at(g, doc, schema, v))
            return v;
        cJSON_Delete(v);
    }
    return NULL;
}

static cJSON *gen_any(mg_exgen *g, const mg_typeref *r)
{
    cJSON *v = gen_simple(g, r->doc, r->schema);
    if (!v)
        set_why(g, "%s", "no value was found for a schema without a single type");
    return v;
}

static cJSON *gen_inner(mg_exgen *g, const mg_typeref *r, int depth)
{
    if (depth > MAX_DEPTH || g->nstack > MAX_DEPTH) {
        set_why(g, "%s", "required fields nest without end (a required field leads back to its own type)");
        return NULL;
    }
    if (--g->budget < 0) {
        set_why(g, "%s", "the smallest example the schema allows has over 5000 values");
        return NULL;
    }
    cJSON *v = offered(g, r->doc, r->schema);
    if (v)
        return v;
    const cJSON *c = r->constraints;
    const cJSON *k = mg_json_get(c, "const");
    if (k)
        return cJSON_Duplicate(k, 1);
    const cJSON *en = mg_json_get(c, "enum");
    if (cJSON_IsArray(en) && en->child) {
        cJSON_ArrayForEach(k, en)
            if (valid_at(g, r->doc, r->schema, k))
                return cJSON_Duplicate(k, 1);
        return cJSON_Duplicate(en->child, 1);
    }
    double minn = 0, maxn = -1;
    switch (r->kind) {
    case MG_KIND_ANY: v = gen_any(g, r); break;
    case MG_KIND_NULL: v = cJSON_CreateNull(); break;
    case MG_KIND_STRING: v = gen_string(g, r); break;
    case MG_KIND_INTEGER: v = gen_number(g, r, 1); break;
    case MG_KIND_NUMBER: v = gen_number(g, r, 0); break;
    case MG_KIND_BOOLEAN: v = cJSON_CreateTrue(); break;
    case MG_KIND_REF: v = gen_type(g, r->ref, depth); break;
    case MG_KIND_ARRAY:
        if (r->tuple) {
            v = gen_tuple(g, r, depth);
            break;
        }
        /* fall through */
    case MG_KIND_MAP: {
        int arr = r->kind == MG_KIND_ARRAY;
        num_at(c, arr ? "minItems" : "minProperties", &minn);
        if (!num_at(c, arr ? "maxItems" : "maxProperties", &maxn))
            maxn = -1;
        /* One item shows the shape; more only when the schema asks. */
        if (minn > MAX_VALUES) {
            set_why(g, "%s", "an array or map asks for more than 5000 members");
            v = NULL;
            break;
        }
        int n = minn > 1 ? (int)minn : 1;
        if (maxn >= 0 && n > maxn)
            n = (int)maxn;
        int required = minn > 0 ? (int)minn : 0;
        if (n > required && (depth >= OPT_DEPTH || on_stack(g, r->items)))
            n = required;
        v = arr ? cJSON_CreateArray() : cJSON_CreateObject();
        for (int i = 0; i < n; i++) {
            cJSON *iv = i < required ? gen(g, r->items, depth + 1) : gen_optional(g, r->items, depth + 1);
            if (!iv) {
                if (i < required) {
                    cJSON_Delete(v);
                    v = NULL;
                }
                break;
            }
            if (arr)
                cJSON_AddItemToArray(v, iv);
            else if (r->key_pattern) {
                char *key = n == 1 ? pattern_key(g, r->key_pattern) : NULL;
                if (!key) {
                    if (n > 1)
                        set_why(g, "%s", "a map whose keys follow a pattern asks for more than one entry");
                    cJSON_Delete(iv);
                    if (i < required) {
                        cJSON_Delete(v);
                        v = NULL;
                    }
                    break;
                }
                cJSON_AddItemToObject(v, key, iv);
                free(key);
            } else {
                char key[32];
                if (n == 1)
                    snprintf(key, sizeof key, "key");
                else
                    snprintf(key, sizeof key, "key%d", i + 1);
                cJSON_AddItemToObject(v, key, iv);
            }
        }
        break;
    }
    }
    return v;
}

/* A nullable part that cannot be built otherwise is null; its reason then
 * does not count. */
static cJSON *gen(mg_exgen *g, const mg_typeref *r, int depth)
{
    if (!r->nullable)
        return gen_inner(g, r, depth);
    char *saved = g->why;
    g->why = NULL;
    cJSON *v = gen_inner(g, r, depth);
    free(g->why);
    g->why = saved;
    return v ? v : cJSON_CreateNull();
}

/* ---- public --------------------------------------------------------------- */

/* The k-th edge of `t` in the graph mg_typeref_reaches walks (NULL for an
 * edge to no named type); `t` has nfields + noptions + 2 of them. */
static const mg_type *nth_edge(const mg_type *t, int k)
{
    if (k < t->nfields)
        return edge_of(t->fields[k]->type);
    k -= t->nfields;
    if (k < t->noptions)
        return edge_of(t->options[k]->type);
    return edge_of(k == t->noptions ? t->additional : t->target);
}

/* Whether `t` is the model's type at its own index. */
static int indexed(const mg_model *m, const mg_type *t)
{
    return t->index >= 0 && t->index < m->ntypes && m->types[t->index] == t;
}

/* Tarjan's strongly connected components of that graph (iterative: a long
 * chain of types must not exhaust the C stack): g->scc and g->scc_on, or both
 * NULL when some type is not where its index says. */
static void components(mg_exgen *g)
{
    const mg_model *m = g->m;
    int n = m->ntypes;
    for (int i = 0; i < n; i++) {
        const mg_type *t = m->types[i];
        if (!t || !indexed(m, t))
            return;
        for (int k = 0; k < t->nfields + t->noptions + 2; k++) {
            const mg_type *u = nth_edge(t, k);
            if (u && !indexed(m, u))
                return;
        }
    }
    size_t sz = (size_t)n + 1;
    int *idx = mg_xmalloc(sz * sizeof *idx), *low = mg_xmalloc(sz * sizeof *low);
    int *stk = mg_xmalloc(sz * sizeof *stk), *fv = mg_xmalloc(sz * sizeof *fv), *fk = mg_xmalloc(sz * sizeof *fk);
    char *onstk = mg_xcalloc(sz, 1);
    int *scc = mg_xmalloc(sz * sizeof *scc);
    for (int i = 0; i < n; i++)
        idx[i] = -1;
    int counter = 0, nstk = 0, ncomp = 0;
    for (int root = 0; root < n; root++) {
        if (idx[root] >= 0)
            continue;
        int nf = 0;
        idx[root] = low[root] = counter++;
        stk[nstk++] = root;
        onstk[root] = 1;
        fv[nf] = root;
        fk[nf++] = 0;
        while (nf > 0) {
            int v = fv[nf - 1];
            const mg_type *t = m->types[v];
            if (fk[nf - 1] < t->nfields + t->noptions + 2) {
                const mg_type *u = nth_edge(t, fk[nf - 1]++);
                if (!u)
                    continue;
                int w = u->index;
                if (idx[w] < 0) {
                    idx[w] = low[w] = counter++;
                    stk[nstk++] = w;
                    onstk[w] = 1;
                    fv[nf] = w;
                    fk[nf++] = 0;
                } else if (onstk[w] && idx[w] < low[v])
                    low[v] = idx[w];
                continue;
            }
            nf--;
            if (low[v] == idx[v]) {
                int w;
                do {
                    w = stk[--nstk];
                    onstk[w] = 0;
                    scc[w] = ncomp;
                } while (w != v);
                ncomp++;
            }
            if (nf > 0 && low[v] < low[fv[nf - 1]])
                low[fv[nf - 1]] = low[v];
        }
    }
    free(idx);
    free(low);
    free(stk);
    free(fv);
    free(fk);
    free(onstk);
    g->scc = scc;
    g->scc_on = mg_xcalloc((size_t)ncomp + 1, sizeof *g->scc_on);
    g->memo = mg_xcalloc(sz, sizeof *g->memo);
    g->met = mg_xcalloc(sz, 1);
    /* A type used in one place only (a field's inline schema) is built again
     * only with the type that uses it, whose value is kept instead: only
     * types used in two places or more are kept (met 3: never). */
    for (int i = 0; i < n; i++) {
        const mg_type *t = m->types[i];
        for (int k = 0; k < t->nfields + t->noptions + 2; k++) {
            const mg_type *u = nth_edge(t, k);
            if (u && g->met[u->index] < 3)
                g->met[u->index]++;
        }
    }
    for (int i = 0; i < m->nmessages; i++) {
        const mg_type *ts[2] = {m->messages[i]->payload, m->messages[i]->headers};
        for (int k = 0; k < 2; k++)
            if (ts[k] && indexed(m, ts[k]) && g->met[ts[k]->index] < 3)
                g->met[ts[k]->index]++;
    }
    for (int i = 0; i < n; i++)
        g->met[i] = g->met[i] >= 2 ? 0 : 3;
}

mg_exgen *mg_exgen_new(const mg_model *m)
{
    mg_exgen *g = mg_xcalloc(1, sizeof *g);
    g->m = m;
    components(g);
    g->v = mg_validator_new(mg_model_validator_loader, m->set);
    use_doc(g, m->doc);
    return g;
}

void mg_exgen_free(mg_exgen *g)
{
    if (!g)
        return;
    mg_validator_free(g->v);
    free(g->docs);
    if (g->memo)
        for (int i = 0; i < g->m->ntypes; i++)
            for (struct memo *e = g->memo[i], *next; e; e = next) {
                next = e->next;
                cJSON_Delete(e->value);
                free(e->docs);
                free(e);
            }
    free(g->memo);
    free(g->met);
    free(g->log);
    free(g->scc);
    free(g->scc_on);
    free(g->why);
    free(g);
}

/* A value for the type `t`, checked against the raw schema `schema` (in
 * `doc`) it was built from; `what` names that schema in the reasons. */
static cJSON *generate(mg_exgen *g, const mg_type *t, const mg_doc *doc, const cJSON *schema, const char *what,
                       char **why)
{
    *why = NULL;
    free(g->why);
    g->why = NULL;
    g->nstack = 0;
    g->nlog = 0;
    g->budget = MAX_VALUES;
    g->fraction = 0;
    cJSON *v = gen_type(g, t, 0);
    if (!v) {
        *why = g->why ? g->why : mg_xstrdup("no value could be built from the schema");
        g->why = NULL;
        return NULL;
    }
    use_doc(g, doc);
    mg_vresult res;
    mg_vresult_init(&res);
    int rc = mg_validate(g->v, schema, v, &res);
    if (rc != 1) {
        char line[512];
        mg_buf b;
        mg_buf_init(&b);
        mg_buf_appendf(&b, "the value built from the %s does not validate (%s)", what,
                       res.count ? mg_verror_format(&res.errors[0], line, sizeof line) : "schema error");
        mg_buf_cstr(&b);
        *why = mg_buf_steal(&b, NULL);
        cJSON_Delete(v);
        v = NULL;
    }
    mg_vresult_fini(&res);
    return v;
}

cJSON *mg_example_generate(mg_exgen *g, const mg_message *msg, char **why)
{
    if (!msg->payload || !msg->payload_schema) {
        *why = mg_xstrdup("the message has no payload schema");
        return NULL;
    }
    return generate(g, msg->payload, msg->payload_doc, msg->payload_schema, "schema", why);
}

cJSON *mg_example_generate_headers(mg_exgen *g, const mg_message *msg, char **why)
{
    if (!msg->headers || !msg->headers->schema) {
        *why = mg_xstrdup("the message has no headers schema");
        return NULL;
    }
    return generate(g, msg->headers, msg->headers->doc, msg->headers->schema, "headers schema", why);
}
