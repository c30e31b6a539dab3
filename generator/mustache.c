/* mustache.c - Mustache spec v1.4 (+ inheritance, dynamic names) over cJSON.
 *
 * Compiling runs in phases over one flat token list, because the standalone
 * rules need to see a whole line and the inheritance rules need to know which
 * tags pair up before anything becomes a tree:
 *   1. tokenize: text and tags, following set-delimiter tags;
 *   2. match: pair every section/parent/block opener with its closer;
 *   3. standalone: find tags alone on their line and trim that line away;
 *   4. margins: standalone blocks lose the common indentation of their body;
 *   5. build: the node tree; text that runs over several template lines
 *      stays one node when its lines are contiguous in the source.
 *
 * Indentation (partials, parents and blocks on a line of their own) is applied
 * while rendering: each node that starts a template line carries `bol`, and the
 * renderer writes the current indentation before it; a text node whose later
 * lines would need it too carries `lines`, and is written line by line only
 * when there is indentation to write. That is the spec's "prepend the
 * indentation to each line of the partial before rendering", without making a
 * re-indented copy of the partial for every call site.
 */
#include "mustache.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "hmap.h"
#include "util.h"

/* Render recursion (sections inside partials inside sections ...) is bounded
 * separately from MG_MAX_PARTIAL_DEPTH so that neither deep nesting nor deep
 * partial recursion can exhaust the C stack. */
#define RENDER_MAX_DEPTH (4 * MG_MAX_NESTING)

typedef enum { N_TEXT, N_VAR, N_SECTION, N_INVERTED, N_PARTIAL, N_PARENT, N_BLOCK } node_kind;

/* What a tag's name gave in an object of one shape of the cJSON source (a
 * shape's `id`, never 0; see member_in): the tag looks its name up in objects
 * of a few shapes, over and over (a list's items, a partial per field). */
typedef struct node_memo {
    uint64_t sh;  /* the shape's id; 0: nothing yet */
    /* In a tag's first entry for a part: the key (its address) of the
     * member a search of a small object's members found last, in render
     * `kserial` (mg_tpl_cjson_state.serial: the data does not change while
     * one render reads it), which is then told without comparing its bytes
     * (member_in). */
    const char *key;
    uint64_t kserial;
    uint32_t pos; /* the position the shape's table gave (its n: none) */
    uint16_t missed; /* in a tag's first entry for a part: the source's miss
                      * hook answered its last lookup (cj_get_at) */
    uint16_t hook;   /* ... the miss hook's memo word for the name
                      * (mg_tpl_cjson_source_miss) */
    /* In the entry of a later part of a dotted name: the object it was
     * looked up in last, in render `lserial` (as kserial), and what that
     * gave (lookup_first). */
    const void *lobj, *lval;
    uint64_t lserial;
} node_memo;

/* Memo entries of a tag for its first part, direct-mapped by shape: the
 * part is looked up through the context stack, in a frame of one shape and
 * then in one of another (an item, the view). Each later part of a dotted
 * name has one entry. */
#define NODE_MEMO 4

typedef struct node node;
struct node {
    node_kind kind;
    unsigned char bol;        /* starts a template line: write the indentation first */
    unsigned char lines;      /* N_TEXT: a later line of the text is non-empty: with
                               * indentation, write it line by line (emit_text) */
    unsigned char raw;        /* N_VAR: {{{x}}} or {{&x}}: never escaped */
    unsigned char dynamic;    /* N_PARTIAL/N_PARENT: `str` is a name to look up ({{>*x}}) */
    unsigned char standalone; /* N_PARTIAL/N_PARENT/N_BLOCK: alone on its line: indents */
    unsigned char lead;       /* N_BLOCK: the body starts inside a line ("{{$b}}text"):
                               * indenting the body indents that partial first line too */
    unsigned char after_same; /* N_INVERTED right after a section of the same name,
                               * {{#x}}...{{/x}}{{^x}}...{{/x}}: the value it found is
                               * this one's (render_node) */
    /* Tags that look up a name an earlier tag of the same list looked up
     * (reuse_names): slots (1..REUSE_SLOTS, 0: none) of render_nodes'
     * array where a tag leaves what it found, its whole name's value
     * (keep_full) and its first part's (keep_first), and the slot this
     * tag takes its value from instead of a lookup (use; use_full: the
     * whole name's value, else the first part's, the rest looked up).
     * `reuse` reads the four at once: most tags have none of them (three
     * in four of a generate's lookups), and render_node then tests one
     * word, not four bytes one by one (2.5 M instructions of a generate). */
    union {
        struct {
            unsigned char keep_full, keep_first, use, use_full;
        };
        uint32_t reuse;
    };
    const char *str;          /* N_TEXT: the text; others: the tag's name; into mg_tpl.src */
    size_t len;
    size_t first;             /* tags: the length of the name's first part (len: no dot) */
    uint32_t hash;            /* tags: the first part's hash (mg_tpl_source.get) */
    uint32_t rest_in[4];      /* dotted tags: the other parts' hashes and lengths, as pairs,
                               * when two at most */
    uint32_t *rest;           /* dotted tags with more parts: the pairs; else NULL */
    node_memo *memo;          /* variables, sections, inverted sections and dynamic
                               * partials: NODE_MEMO entries, then one per later part */
    unsigned long pserial;    /* static partial/parent tags: the set (its serial) that */
    const mg_tpl *ptpl;       /* resolved the name to ptpl last (0: none yet) */
    const char *ind;          /* indentation a standalone tag adds; into mg_tpl.src */
    size_t ind_len;
    int line, col;            /* the tag's position, for render-time errors */
    node *kids;               /* section/inverted/block body; parent: its override blocks */
    size_t nkids;
};

/* A static partial or parent tag of a template (mg_tpl.calls). */
struct tpl_call {
    const node *k;
    int level; /* of the node list that holds it */
};

struct mg_tpl {
    char *name;     /* in the same allocation as the mg_tpl */
    char *src;      /* our copy of the source, every node points into it: in the same
                     * allocation, or (own_src) the caller's, given to mg_tpl_parse_take */
    size_t len;
    node *kids;     /* the top level: the first nkids nodes of `nodes` */
    size_t nkids;
    node *nodes;    /* every node, one block (a level's nodes together) */
    void *extra;    /* every node's memo and rest array, one block */
    int has_parent; /* a parent tag: mg_tpl_names cannot see what it held outside blocks */
    int own_src;    /* src is a block of its own */
    int linked;     /* set by mg_tpl_set: static partials already compiled */
    int blocks_ok;  /* strict renders: every override block names a declared block */
    unsigned long linked_set; /* the serial of a set link_nodes() succeeded with */
    int linked_none; /* link_nodes() succeeded without a set: the template has no
                      * static partial tag, so it would succeed again (the view
                      * renders its cached type-map templates 6 700 times) */
    /* Every static partial and parent tag, in the order a walk of the tree
     * meets them, with the level of the node list that holds it (the top
     * level is 0), and the deepest level of a non-empty list (-1: none):
     * what link_tpl and check_tpl read instead of walking every node of
     * the template (5 M instructions of a generate's renders). */
    struct tpl_call *calls;
    size_t ncalls;
    int maxlvl;
};

typedef struct {
    char *name;
    mg_tpl *tpl;    /* NULL: known to be missing */
} set_entry;

struct mg_tpl_set {
    unsigned long serial; /* this set among all made (from 1): what nodes cache */
    mg_tpl_loader loader;
    void *user;
    int strict;
    long max_steps;      /* 0: MG_MAX_RENDER_STEPS */
    size_t max_output;   /* 0: MG_MAX_OUTPUT_BYTES */
    mg_tpl_limits_fn *limits; /* mg_tpl_set_limits_lazy's, until called */
    void *limits_user;
    set_entry *e;
    size_t n, cap;
};

/* ---- small helpers ---------------------------------------------------- */

/* For the few functions of the render loop that the compiler would not
 * inline by itself (lookup_first: 5 M instructions of calls in a generate). */
#if defined(__GNUC__)
#define ALWAYS_INLINE inline __attribute__((always_inline))
#else
#define ALWAYS_INLINE inline
#endif

/* Zeroes a small object of constant size: memset in pieces of 64 bytes at
 * most, which the compiler writes as a few vector stores. A memset of a
 * whole token (96 bytes) or node (136) became a `rep stos`, which
 * callgrind counts per word: 0.8 M instructions of compiling the four
 * targets' templates. */
static ALWAYS_INLINE void zero_small(void *p, size_t n)
{
    char *c = p;
    for (; n > 64; n -= 64, c += 64)
        memset(c, 0, 64);
    memset(c, 0, n);
}

static int is_ws(char c) { return c == ' ' || c == '\t'; }
static int is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; }

static const char *find(const char *hay, size_t hlen, size_t from, const char *needle, size_t nlen)
{
    if (nlen == 0 || from > hlen || hlen - from < nlen)
        return NULL;
    const char *end = hay + hlen - nlen;
    for (const char *p = hay + from; p <= end; p++) {
        p = memchr(p, needle[0], (size_t)(end - p) + 1);
        if (!p)
            return NULL;
        /* Mostly "{{" or "}}", in text full of single braces (C, TypeScript). */
        if (nlen == 1 || (p[1] == needle[1] && (nlen == 2 || memcmp(p + 2, needle + 2, nlen - 2) == 0)))
            return p;
    }
    return NULL;
}

/* ---- phase 1: tokens --------------------------------------------------- */

typedef enum {
    T_TEXT, T_VAR, T_SECTION, T_INVERTED, T_PARENT, T_BLOCK, T_CLOSE, T_PARTIAL, T_COMMENT,
    T_DELIM
} tok_kind;

typedef struct {
    tok_kind kind;
    unsigned char raw, dynamic;
    unsigned char standalone; /* 1: its line is removed; 2: block pair: only the indentation */
    size_t s, e;              /* tag span (text: the text, trimmed by phase 3) */
    size_t ns, ne;            /* name span */
    size_t ls;                /* start of the tag's line */
    size_t le;                /* standalone: end of the removed line (after its newline) */
    size_t match;             /* opener <-> closer */
    const char *ind;          /* phase 4: indentation for standalone partial/parent/block */
    size_t ind_len;
    size_t room;              /* phase 5, openers: nodes reserved for the body's level */
} tok;

typedef struct {
    const char *name;
    const char *src;
    size_t len;
    mg_diag *d;
    size_t *lines;            /* start offset of every line */
    size_t nlines;
    size_t cur;               /* the line line_col found last (offsets mostly come in order) */
    tok *t;
    size_t nt, capt;
    int *strip;               /* phase 4: per line, -1 or the margin removed from it */
    size_t nmemo, nrest;      /* phase 5: memo entries and rest words the nodes need */
    node_memo *memo;          /* phase 5: where the next tag's memo goes */
    uint32_t *rest;           /* phase 5: where the next long dotted name's rest goes */
    int level;                /* phase 5: the level being built (the top level is 0) */
    int maxlvl;               /* phase 5: the deepest level given a node so far (-1: none) */
    struct tpl_call *calls;   /* phase 5: mg_tpl.calls so far */
    size_t ncalls, capcalls;
    char od[32], cd[32];      /* delimiters in effect at the end (for hints) */
    int errors;
    int has_parent;           /* phase 1: a parent tag was seen */
} parser;

/* The phases ask for the lines of offsets in increasing order, mostly on
 * the line asked last or the next one: we look there before searching (a
 * binary search per tag and per text line was 2.5 M instructions of
 * compiling a generate's templates). */
static __attribute__((noinline)) size_t line_search(const parser *p, size_t off)
{
    /* Galloping from the cursor when `off` is ahead of it (a text token's
     * last line, the next tag after many lines of text), else from 0. */
    size_t lo = p->lines[p->cur] <= off ? p->cur : 0, hi = p->nlines, step = 1;
    while (lo + step < hi && p->lines[lo + step] <= off) {
        lo += step;
        step *= 2;
    }
    if (lo + step < hi)
        hi = lo + step;
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (p->lines[mid] <= off)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

/* The index of the line holding `off`. */
static ALWAYS_INLINE size_t line_index(parser *p, size_t off)
{
    size_t lo = p->cur;
    if (p->lines[lo] <= off) {
        if (lo + 1 == p->nlines || off < p->lines[lo + 1])
            return lo;
        if (lo + 2 == p->nlines || off < p->lines[lo + 2])
            return p->cur = lo + 1;
    }
    return p->cur = line_search(p, off);
}

static void line_col(parser *p, size_t off, int *line, int *col)
{
    size_t lo = line_index(p, off);
    *line = (int)lo + 1;
    *col = (int)(off - p->lines[lo]) + 1;
}

__attribute__((format(printf, 3, 4))) static void perr(parser *p, size_t off, const char *fmt, ...)
{
    int line, col;
    line_col(p, off, &line, &col);
    va_list ap;
    va_start(ap, fmt);
    mg_diag_verror(p->d, mg_mark_at(p->name, line, col), fmt, ap);
    va_end(ap);
    p->errors++;
}

static ALWAYS_INLINE tok *push_tok(parser *p, tok_kind k, size_t s, size_t e)
{
    if (p->nt == p->capt)
        p->t = mg_xgrow(p->t, p->nt, &p->capt, sizeof *p->t);
    tok *t = &p->t[p->nt++];
    zero_small(t, sizeof *t);
    t->kind = k;
    t->s = s;
    t->e = e;
    return t;
}

/* Checks a tag's name: non-empty, no whitespace (the spec: "a non-whitespace
 * character sequence"), and for dotted names no empty part ("a..b", ".a"). */
static int check_name(parser *p, size_t tag, size_t ns, size_t ne, const char *tagtext, int tlen)
{
    const char *s = p->src;
    if (ns == ne) {
        perr(p, tag, "empty name in tag '%.*s' (write a name, e.g. '{{name}}')", tlen, tagtext);
        return -1;
    }
    /* One pass: whitespace (and NUL) anywhere, and ".." for the dotted-name
     * check below. Both are at most ' ' or '.', below every letter. */
    int empty_part = 0;
    for (size_t i = ns; i < ne; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c > '.')
            continue;
        if (c == '.')
            empty_part |= i + 1 < ne && s[i + 1] == '.';
        else if (is_space((char)c) || c == '\0') {
            perr(p, tag, "bad name '%.*s' in tag: names cannot contain whitespace", (int)(ne - ns),
                 s + ns);
            return -1;
        }
    }
    if (ne - ns == 1 && s[ns] == '.')
        return 0;
    empty_part |= s[ns] == '.' || s[ne - 1] == '.';
    if (empty_part) {
        perr(p, tag, "bad name '%.*s' in tag: a dotted name needs a name between the dots",
             (int)(ne - ns), s + ns);
        return -1;
    }
    return 0;
}

/* Parses "=<% %>=" content [a, b): two delimiters separated by whitespace,
 * neither containing whitespace or '='. */
static int set_delims(parser *p, size_t tag, size_t a, size_t b, size_t tag_end)
{
    const char *s = p->src;
    while (a < b && is_space(s[a]))
        a++;
    while (b > a && is_space(s[b - 1]))
        b--;
    size_t m = a;
    while (m < b && !is_space(s[m]))
        m++;
    size_t c = m;
    while (c < b && is_space(s[c]))
        c++;
    int ok = m > a && c < b && m - a < sizeof p->od && b - c < sizeof p->cd;
    for (size_t i = a; ok && i < m; i++)
        ok = s[i] != '=' && s[i] != '\0';
    for (size_t i = c; ok && i < b; i++)
        ok = !is_space(s[i]) && s[i] != '=' && s[i] != '\0';
    if (!ok) {
        perr(p, tag,
             "bad set-delimiter tag '%.*s': want two delimiters without spaces or '=', "
             "separated by a space, e.g. '{{=<%% %%>=}}'",
             (int)(tag_end - tag), s + tag);
        return -1;
    }
    memcpy(p->od, s + a, m - a);
    p->od[m - a] = '\0';
    memcpy(p->cd, s + c, b - c);
    p->cd[b - c] = '\0';
    return 0;
}

static int tokenize(parser *p)
{
    const char *s = p->src;
    size_t len = p->len, pos = 0;
    strcpy(p->od, "{{");
    strcpy(p->cd, "}}");
    size_t olen = 2, clen = 2;
    while (pos < len) {
        const char *o = find(s, len, pos, p->od, olen);
        if (!o) {
            push_tok(p, T_TEXT, pos, len);
            break;
        }
        size_t ts = (size_t)(o - s);
        if (ts > pos)
            push_tok(p, T_TEXT, pos, ts);
        size_t q = ts + olen;
        char sig = q < len ? s[q] : '\0';
        /* The closing delimiter, "}" or "=" before it for {{{x}}} and
         * {{=a b=}}. Copied, not printed: a snprintf per tag was 8 M
         * instructions of compiling a generate's templates. */
        char closex[sizeof p->cd + 1];
        const char *close = p->cd;
        size_t cl = clen;
        if (sig == '{' || sig == '=') {
            closex[0] = sig == '{' ? '}' : '=';
            memcpy(closex + 1, p->cd, clen + 1);
            close = closex;
            cl = clen + 1;
        }
        /* A sigil is never part of the closing delimiter: with delimiters
         * "% >", the tag "%>" opens a partial and is not yet closed. */
        int sigil;
        switch (sig) {
        case '!': case '=': case '&': case '{': case '#': case '^': case '/': case '>': case '<': case '$':
            sigil = 1;
            break;
        default:
            sigil = 0;
        }
        size_t cs = sigil ? q + 1 : q;
        const char *c = find(s, len, cs, close, cl);
        if (!c) {
            perr(p, ts, "unclosed tag: no '%s' after '%s%.*s'", close, p->od, sigil, &sig);
            return -1;
        }
        size_t ce = (size_t)(c - s), te = ce + cl;
        int tlen = (int)(te - ts);
        const char *tagtext = s + ts;
        tok_kind k;
        size_t ns = cs;
        int raw = 0;
        switch (sig) {
        case '!': k = T_COMMENT; break;
        case '=': k = T_DELIM; break;
        case '{': k = T_VAR; raw = 1; break;
        case '&': k = T_VAR; raw = 1; break;
        case '#': k = T_SECTION; break;
        case '^': k = T_INVERTED; break;
        case '/': k = T_CLOSE; break;
        case '>': k = T_PARTIAL; break;
        case '<': k = T_PARENT; break;
        case '$': k = T_BLOCK; break;
        default: k = T_VAR; break;
        }
        tok *t = push_tok(p, k, ts, te);
        t->raw = (unsigned char)raw;
        p->has_parent |= k == T_PARENT;
        pos = te;
        if (k == T_COMMENT)
            continue;
        if (k == T_DELIM) {
            if (set_delims(p, ts, cs, ce, te) < 0)
                return -1;
            olen = strlen(p->od);
            clen = strlen(p->cd);
            continue;
        }
        size_t ne = ce;
        while (ns < ne && is_space(s[ns]))
            ns++;
        while (ne > ns && is_space(s[ne - 1]))
            ne--;
        if ((k == T_PARTIAL || k == T_PARENT) && ns < ne && s[ns] == '*') {
            t->dynamic = 1;
            ns++;
            while (ns < ne && is_space(s[ns]))
                ns++;
        }
        t->ns = ns;
        t->ne = ne;
        if ((k == T_PARTIAL || k == T_PARENT || k == T_BLOCK) && !t->dynamic) {
            /* Partial, parent and block names are plain names, not dotted names. */
            if (ns == ne) {
                perr(p, ts, "empty name in tag '%.*s' (write a name, e.g. '{{>name}}')", tlen,
                     tagtext);
                return -1;
            }
            for (size_t i = ns; i < ne; i++)
                if (is_space(s[i]) || s[i] == '\0') {
                    perr(p, ts, "bad name '%.*s' in tag: names cannot contain whitespace",
                         (int)(ne - ns), s + ns);
                    return -1;
                }
        } else if (check_name(p, ts, ns, ne, tagtext, tlen) < 0) {
            return -1;
        }
    }
    return 0;
}

/* ---- phase 2: matching ------------------------------------------------- */

static const char *kind_word(tok_kind k)
{
    switch (k) {
    case T_INVERTED: return "inverted section";
    case T_PARENT: return "parent";
    case T_BLOCK: return "block";
    default: return "section";
    }
}

static int is_opener(tok_kind k)
{
    return k == T_SECTION || k == T_INVERTED || k == T_PARENT || k == T_BLOCK;
}

/* A closer repeats its opener's content, so a dynamic parent "{{<*name}}" is
 * closed by a slash, a star and the name. */
static int close_matches(const parser *p, const tok *o, const tok *c)
{
    size_t cs = c->ns, ce = c->ne;
    if (o->dynamic) {
        if (cs == ce || p->src[cs] != '*')
            return 0;
        cs++;
        while (cs < ce && is_space(p->src[cs]))
            cs++;
    }
    return o->ne - o->ns == ce - cs && memcmp(p->src + o->ns, p->src + cs, ce - cs) == 0;
}

static int match_sections(parser *p)
{
    size_t *stack = NULL, depth = 0;
    int rc = 0;
    stack = mg_xrealloc(NULL, (MG_MAX_NESTING + 1) * sizeof *stack);
    for (size_t i = 0; i < p->nt && rc == 0; i++) {
        tok *t = &p->t[i];
        if (is_opener(t->kind)) {
            if (depth == MG_MAX_NESTING) {
                perr(p, t->s, "sections nested deeper than %d levels", MG_MAX_NESTING);
                rc = -1;
                break;
            }
            stack[depth++] = i;
        } else if (t->kind == T_CLOSE) {
            int nl = (int)(t->ne - t->ns);
            const char *nm = p->src + t->ns;
            if (depth == 0) {
                perr(p, t->s, "'%.*s' closes nothing: no section '%.*s' is open",
                     (int)(t->e - t->s), p->src + t->s, nl, nm);
                rc = -1;
                break;
            }
            tok *o = &p->t[stack[depth - 1]];
            if (!close_matches(p, o, t)) {
                int line, col;
                line_col(p, o->s, &line, &col);
                perr(p, t->s, "'%.*s' does not match the open %s '%s%.*s' (opened at %d:%d; close it first with '%s/%s%.*s%s')",
                     (int)(t->e - t->s), p->src + t->s, kind_word(o->kind), o->dynamic ? "*" : "",
                     (int)(o->ne - o->ns), p->src + o->ns, line, col, p->od, o->dynamic ? "*" : "",
                     (int)(o->ne - o->ns), p->src + o->ns, p->cd);
                rc = -1;
                break;
            }
            o->match = i;
            t->match = stack[--depth];
        }
    }
    if (rc == 0 && depth > 0) {
        tok *o = &p->t[stack[depth - 1]];
        int line, col;
        line_col(p, o->s, &line, &col);
        perr(p, p->len, "end of template inside %s '%s%.*s' opened at %d:%d (add '%s/%s%.*s%s')",
             kind_word(o->kind), o->dynamic ? "*" : "", (int)(o->ne - o->ns), p->src + o->ns,
             line, col, p->od, o->dynamic ? "*" : "", (int)(o->ne - o->ns), p->src + o->ns, p->cd);
        rc = -1;
    }
    free(stack);
    return rc;
}

/* ---- phase 3: standalone lines ----------------------------------------- */

static int can_stand_alone(tok_kind k)
{
    return k != T_TEXT && k != T_VAR;
}

/* Start of the line holding `off` if only spaces/tabs precede `off` on it, else (size_t)-1. */
static size_t ws_line_start(const parser *p, size_t off)
{
    size_t i = off;
    while (i > 0 && is_ws(p->src[i - 1]))
        i--;
    if (i > 0 && p->src[i - 1] != '\n')
        return (size_t)-1;
    return i;
}

/* End of the line after `off` (past its newline, or the end of the template) if
 * only spaces/tabs follow `off` on it, else (size_t)-1. */
static size_t ws_line_end(const parser *p, size_t off)
{
    size_t i = off;
    while (i < p->len && is_ws(p->src[i]))
        i++;
    if (i == p->len)
        return i;
    if (p->src[i] == '\n')
        return i + 1;
    if (p->src[i] == '\r' && i + 1 < p->len && p->src[i + 1] == '\n')
        return i + 2;
    return (size_t)-1;
}

static int closes(const parser *p, const tok *t, tok_kind k)
{
    return t->kind == T_CLOSE && p->t[t->match].kind == k;
}

/* Two adjacent tags that the inheritance module treats as one standalone unit
 * (spec ~inheritance: "Standalone parent", "Standalone block", ...). Returns 0
 * when a and b are not such a pair, 1 when the line goes, 2 when (for an empty
 * block "{{$b}}{{/b}}") only its indentation goes and its newline stays. */
static int pair_kind(const parser *p, size_t i)
{
    const tok *a = &p->t[i], *b = &p->t[i + 1];
    if (a->e != b->s)
        return 0;
    if (a->kind == T_PARENT && (a->match == i + 1 || b->kind == T_BLOCK))
        return 1;
    if (a->kind == T_BLOCK && a->match == i + 1)
        return 2;
    if (closes(p, a, T_BLOCK) && closes(p, b, T_PARENT))
        return 1;
    return 0;
}

static void mark_standalone(parser *p)
{
    for (size_t i = 0; i < p->nt; i++) {
        tok *t = &p->t[i];
        t->ls = t->s;
        if (t->kind == T_TEXT)
            continue;
        t->ls = p->lines[line_index(p, t->s)];
    }
    for (size_t i = 0; i < p->nt; i++) {
        tok *t = &p->t[i];
        if (!can_stand_alone(t->kind))
            continue;
        size_t ls = ws_line_start(p, t->s);
        if (ls == (size_t)-1)
            continue;
        size_t last = i, le;
        int how = 1;
        if (i + 1 < p->nt && (how = pair_kind(p, i)) != 0)
            last = i + 1;
        else
            how = 1;
        le = ws_line_end(p, p->t[last].e);
        if (le == (size_t)-1)
            continue;
        if (how == 2) {
            t->standalone = 2;
            le = p->t[last].e;
        } else {
            t->standalone = 1;
            p->t[last].standalone = 1;
        }
        t->le = p->t[last].le = le;
        if (i > 0 && p->t[i - 1].kind == T_TEXT)
            p->t[i - 1].e = ls;
        if (last + 1 < p->nt && p->t[last + 1].kind == T_TEXT && how != 2)
            p->t[last + 1].s = le;
        i = last;
    }
}

/* ---- phase 4: block margins -------------------------------------------- */

static int blank_line(const parser *p, size_t off)
{
    while (off < p->len && is_ws(p->src[off]))
        off++;
    return off == p->len || p->src[off] == '\n' ||
           (p->src[off] == '\r' && off + 1 < p->len && p->src[off + 1] == '\n');
}

static size_t strip_of(const parser *p, size_t line)
{
    return p->strip[line] < 0 ? 0 : (size_t)p->strip[line];
}

/* A standalone block's body loses its common indentation (the spec's "block
 * indentation is removed at the site of definition and added at the site of
 * expansion"); the block then indents what it renders by that margin, or by
 * the whitespace before its tag when the body has none. Nested blocks see the
 * body with the outer margin already removed, as if it had been re-parsed. */
static void compute_margins(parser *p)
{
    for (size_t i = 0; i < p->nt; i++) {
        tok *t = &p->t[i];
        if (t->kind != T_PARTIAL && t->kind != T_PARENT && t->kind != T_BLOCK)
            continue;
        if (!t->standalone)
            continue;
        size_t line = line_index(p, t->s);
        size_t outer = strip_of(p, line);
        /* "{{<p}}{{$b}}": the block's line does not start with the block. */
        size_t w = ws_line_start(p, t->s) == (size_t)-1 ? 0 : t->s - t->ls;
        size_t cut = outer < w ? outer : w;
        t->ind = p->src + t->s - (w - cut);
        t->ind_len = w - cut;
        if (t->kind != T_BLOCK || t->standalone != 1)
            continue;
        const tok *c = &p->t[t->match];
        size_t bs = t->le, be = c->standalone == 1 ? c->ls : c->s;
        if (be <= bs)
            continue;
        const char *margin = NULL;
        size_t mlen = 0;
        for (size_t a = bs; a < be;) {
            const char *nl = memchr(p->src + a, '\n', be - a);
            size_t b = nl ? (size_t)(nl - p->src) : be;
            if (!blank_line(p, a)) {
                size_t k = a;
                while (k < b && is_ws(p->src[k]))
                    k++;
                if (!margin) {
                    margin = p->src + a;
                    mlen = k - a;
                } else {
                    size_t j = 0;
                    while (j < mlen && j < k - a && margin[j] == p->src[a + j])
                        j++;
                    mlen = j;
                }
            }
            a = b + 1;
        }
        if (margin && mlen > outer) {
            t->ind = margin + outer;
            t->ind_len = mlen - outer;
        }
        for (size_t l = line_index(p, bs); l < p->nlines && p->lines[l] < be; l++)
            p->strip[l] = (int)(margin ? mlen : 0);
    }
}

/* ---- phase 5: the tree ------------------------------------------------- */

/* The nodes of a template live in one block, and their memos and rest
 * arrays in another: a block per node list, memo and rest array was 26 000
 * reallocs and 3 200 callocs of compiling a generate's templates (a third of
 * the compile), and as many frees when they went. A first walk over the
 * tokens reserves room for each level (a tag's children, the top level): a
 * node per tag, and one per line a text token touches (add_text makes at
 * most that many), so that the block is allocated once and nodes are
 * written where they stay (copying 2.5 MB of nodes level by level cost
 * more than building them). What a level leaves of its room stays unused:
 * only lines that lose everything to a block's margin. */
typedef struct {
    node *at;   /* the next node of the level being built */
    node *next; /* the start of the room not yet reserved */
} nodebuf;

static node *push_node(nodebuf *b, node_kind k)
{
    node *n = b->at++;
    zero_small(n, sizeof *n);
    n->kind = k;
    return n;
}

/* Whether tag `n` keeps memos (mg_tpl_source lookups go through them). */
static int needs_memo(const node *n)
{
    return n->kind == N_VAR || n->kind == N_SECTION || n->kind == N_INVERTED || n->dynamic;
}

/* The parts of a tag's name after the first ("a.b.c": 2). */
static size_t later_parts(const node *n)
{
    size_t parts = 0;
    for (size_t i = n->first; i < n->len; i++)
        parts += n->str[i] == '.';
    return parts;
}

/* The words of node.rest_in. */
#define REST_IN (sizeof ((node *)0)->rest_in / sizeof ((node *)0)->rest_in[0])

/* Hashes each part of a tag's name once, here, rather than at every lookup
 * (a source's index finds a name by its hash), and measures the parts after
 * the first (a memchr per part per lookup was 4 M instructions of a
 * generate). A part longer than 4 GB keeps no length: such a name is
 * followed with memchr. The memo and rest array come from the template's
 * block at *memo and *rest_at, which we advance (reserve counted them). */
static void hash_name(node *n, node_memo **memo, uint32_t **rest_at)
{
    n->hash = mg_hash_mem_seed(0, n->str, n->first);
    size_t parts = later_parts(n);
    if (needs_memo(n)) {
        n->memo = *memo;
        *memo += NODE_MEMO + parts;
        zero_small(n->memo, NODE_MEMO * sizeof *n->memo);
        for (size_t i = 0; i < parts; i++)
            zero_small(n->memo + NODE_MEMO + i, sizeof *n->memo);
    }
    if (!parts)
        return;
    uint32_t *rest = n->rest_in;
    if (2 * parts > REST_IN) {
        rest = n->rest = *rest_at;
        *rest_at += 2 * parts;
    }
    size_t at = n->first, k = 0;
    while (at < n->len) {
        const char *part = n->str + at + 1;
        size_t left = n->len - at - 1;
        const char *dot = memchr(part, '.', left);
        size_t pn = dot ? (size_t)(dot - part) : left;
        rest[k++] = mg_hash_mem_seed(0, part, pn);
        rest[k++] = pn < UINT32_MAX ? (uint32_t)pn : UINT32_MAX;
        at += 1 + pn;
    }
}

static int at_line_start(const parser *p, size_t off)
{
    return off == 0 || p->src[off - 1] == '\n';
}

/* Text becomes a node per run of lines that are contiguous in the source
 * (none lost its leading whitespace to a standalone tag or a block's
 * margin); a node that starts a non-empty line gets `bol`, and one with a
 * later non-empty line `lines`, which the renderer tells by the same test
 * (emit_text_lines). A node per line cost a render step, a test and an
 * append per line: a fifth of the text nodes of a generate's renders were
 * the next line of the one before. `start` is the first node of the level
 * being built. The lines come from the line table, not from a memchr per
 * line (0.35 M instructions of loading the four targets). */
static void add_text(parser *p, nodebuf *b, const node *start, size_t s, size_t e)
{
    if (s >= e)
        return;
    size_t line = line_index(p, s);
    for (; s < e; line++) {
        size_t next = line + 1 < p->nlines ? p->lines[line + 1] : p->len;
        size_t end = next < e ? next : e;
        size_t a = s;
        int bol = 0;
        if (s == p->lines[line]) {
            if (p->strip[line] >= 0) {
                size_t lim = blank_line(p, s) ? end : s + strip_of(p, line);
                while (a < end && a < lim && is_ws(p->src[a]))
                    a++;
            }
            bol = a < end && p->src[a] != '\n' && !(p->src[a] == '\r' && a + 1 < end && p->src[a + 1] == '\n');
        }
        node *prev = b->at > start ? b->at - 1 : NULL;
        if (a < end && a == s && s == p->lines[line] && prev && prev->kind == N_TEXT &&
            prev->str + prev->len == p->src + a) {
            prev->len += end - a; /* the next line of prev's text */
            prev->lines |= (unsigned char)bol;
        } else if (a < end) {
            node *n = push_node(b, N_TEXT);
            n->str = p->src + a;
            n->len = end - a;
            n->bol = (unsigned char)bol;
        }
        s = end;
    }
    p->cur = line - 1;
}

/* Does a non-standalone tag start its (possibly margin-stripped) line? */
static int tag_bol(parser *p, const tok *t)
{
    if (t->standalone || ws_line_start(p, t->s) == (size_t)-1)
        return 0;
    return t->s - t->ls <= strip_of(p, line_index(p, t->s));
}

/* Reserves room for tokens [from, to) as one level (see nodebuf): returns the
 * nodes the level may take, sets each opener's `room` for its body, and
 * adds the level's nodes and its bodies' to *total (and their memo entries
 * and rest words to p->nmemo and p->nrest). Only the blocks
 * directly inside a parent tag mean anything: with `blocks_only` the rest is
 * skipped (as build skips it). */
static size_t reserve(parser *p, size_t from, size_t to, int blocks_only, size_t *total)
{
    size_t n = 0;
    for (size_t i = from; i < to; i++) {
        tok *t = &p->t[i];
        if (blocks_only && t->kind != T_BLOCK) {
            if (is_opener(t->kind))
                i = t->match;
            continue;
        }
        if (t->kind == T_TEXT) {
            if (t->s < t->e) {
                size_t first = line_index(p, t->s);
                n += line_index(p, t->e - 1) - first + 1;
            }
            continue;
        }
        if (t->kind == T_COMMENT || t->kind == T_DELIM || t->kind == T_CLOSE)
            continue;
        n++;
        /* hash_name's memo and rest array: every '.' starts a later part. */
        const char *dot = memchr(p->src + t->ns, '.', t->ne - t->ns);
        size_t parts = 0;
        for (const char *c = dot; c && c < p->src + t->ne; c++)
            parts += *c == '.';
        if (t->kind == T_VAR || t->kind == T_SECTION || t->kind == T_INVERTED || t->dynamic)
            p->nmemo += NODE_MEMO + parts;
        if (2 * parts > REST_IN)
            p->nrest += 2 * parts;
        if (is_opener(t->kind)) {
            t->room = reserve(p, i + 1, t->match, t->kind == T_PARENT, total);
            i = t->match;
        }
    }
    *total += n;
    return n;
}

/* Slots per node list for values found by one tag and taken by a later
 * one (node.keep_full ...), and how many earlier tags of the list a tag
 * compares its name with: a template's chains of flags on one object
 * ({{#shape.e_string}}KS{{/shape.e_string}}{{#shape.e_integer}}...: the
 * C target's kind partial has 16) look `shape` up 16 times in the same
 * context, and some flags twice. Nodes of one list render in one context,
 * in order, and the cJSON source's values do not change during a render,
 * so the later tag would find what the earlier one found: a fifth of a
 * generate's lookups (47 900 of 233 700 for worker-backend). The window
 * bounds the compile's work on long lists (n * REUSE_WINDOW compares). */
#define REUSE_SLOTS 8
#define REUSE_WINDOW 32

/* Whether tag n looks up a name of its own at render time ("." and the
 * inverted section that takes its section's value do not). */
static int looks_up(const node *n)
{
    return (n->kind == N_VAR || n->kind == N_SECTION || n->kind == N_INVERTED) && n->first != 0 &&
           !n->after_same;
}

/* Marks the tags of the list [start, end) that can take their value (or
 * their first part's) from an earlier tag of the list (node.keep_full). */
static void reuse_names(node *start, node *end)
{
    unsigned char slots = 0;
    for (node *n = start; n < end; n++) {
        if (!looks_up(n))
            continue;
        node *same = NULL, *first = NULL;
        int seen = 0;
        for (node *j = n - 1; j >= start && seen < REUSE_WINDOW && !same; j--) {
            if (!looks_up(j))
                continue;
            seen++;
            if (j->hash != n->hash || j->first != n->first || memcmp(j->str, n->str, n->first) != 0)
                continue;
            if (j->len == n->len && memcmp(j->str, n->str, n->len) == 0)
                same = j;
            else if (!first && !j->use_full)
                first = j; /* it has its first part's value: looked up or taken */
        }
        if (same) {
            /* The value `same` found, or the one it took itself. */
            unsigned char at = same->use_full ? same->use : same->keep_full;
            if (!at && slots < REUSE_SLOTS)
                at = same->keep_full = ++slots;
            if (at) {
                n->use = at;
                n->use_full = 1;
            }
        } else if (first) {
            unsigned char at = first->use ? first->use : first->keep_first;
            if (!at && slots < REUSE_SLOTS)
                at = first->keep_first = ++slots;
            n->use = at;
        }
    }
}

/* Builds tokens [from, to) as one level at b->at, in the room reserve()
 * made for it. */
static void build(parser *p, size_t from, size_t to, int blocks_only, nodebuf *b)
{
    node *start = b->at;
    for (size_t i = from; i < to; i++) {
        tok *t = &p->t[i];
        node *n;
        if (blocks_only && t->kind != T_BLOCK) {
            if (is_opener(t->kind))
                i = t->match;
            continue;
        }
        switch (t->kind) {
        case T_TEXT:
            add_text(p, b, start, t->s, t->e);
            continue;
        case T_COMMENT:
        case T_DELIM:
        case T_CLOSE:
            continue;
        case T_VAR: n = push_node(b, N_VAR); break;
        case T_SECTION: n = push_node(b, N_SECTION); break;
        case T_INVERTED: n = push_node(b, N_INVERTED); break;
        case T_PARTIAL: n = push_node(b, N_PARTIAL); break;
        case T_PARENT: n = push_node(b, N_PARENT); break;
        case T_BLOCK: n = push_node(b, N_BLOCK); break;
        default: continue;
        }
        n->raw = t->raw;
        n->dynamic = t->dynamic;
        n->standalone = t->standalone != 0;
        n->bol = (unsigned char)tag_bol(p, t);
        n->str = p->src + t->ns;
        n->len = t->ne - t->ns;
        /* The previous node of this level (a section's body went elsewhere:
         * b->at is back right after it). */
        n->after_same = n->kind == N_INVERTED && n > start && n[-1].kind == N_SECTION &&
                        n[-1].len == n->len && memcmp(n[-1].str, n->str, n->len) == 0;
        const char *dot = memchr(n->str, '.', n->len);
        n->first = dot ? (size_t)(dot - n->str) : n->len;
        hash_name(n, &p->memo, &p->rest);
        n->ind = t->ind;
        n->ind_len = t->ind_len;
        line_col(p, t->s, &n->line, &n->col);
        if ((n->kind == N_PARTIAL || n->kind == N_PARENT) && !n->dynamic) {
            if (p->ncalls == p->capcalls)
                p->calls = mg_xgrow(p->calls, p->ncalls, &p->capcalls, sizeof *p->calls);
            p->calls[p->ncalls++] = (struct tpl_call){n, p->level};
        }
        if (t->kind == T_BLOCK && i + 1 < t->match) {
            const tok *f = &p->t[i + 1];
            if (f->kind == T_TEXT)
                n->lead = f->s < f->e && !at_line_start(p, f->s) && p->src[f->s] != '\n' &&
                          !(p->src[f->s] == '\r' && f->s + 1 < f->e && p->src[f->s + 1] == '\n');
            else
                n->lead = !f->standalone && !tag_bol(p, f);
        }
        if (is_opener(t->kind)) {
            node *level = b->at, *kids = b->next;
            b->at = kids;
            b->next += t->room;
            p->level++;
            build(p, i + 1, t->match, t->kind == T_PARENT, b);
            p->level--;
            n->nkids = (size_t)(b->at - kids);
            n->kids = n->nkids ? kids : NULL;
            b->at = level;
            i = t->match;
        }
    }
    reuse_names(start, b->at);
    if (b->at > start && p->level > p->maxlvl)
        p->maxlvl = p->level;
}

/* Phase 5: the tree into t->nodes (see nodebuf), the tags' memos and rest
 * arrays into t->extra. */
static void build_tree(parser *p, mg_tpl *t)
{
    size_t total = 0, top = reserve(p, 0, p->nt, 0, &total);
    t->maxlvl = -1;
    if (total == 0)
        return;
    if (p->nmemo || p->nrest) {
        /* Not zeroed here: hash_name zeroes each tag's memo and writes its
         * rest words (zeroing the whole block, 1.4 MB for the four targets,
         * counted 0.3 M instructions). */
        t->extra = mg_xmalloc(p->nmemo * sizeof *p->memo + p->nrest * sizeof *p->rest);
        p->memo = t->extra;
        p->rest = (uint32_t *)(p->memo + p->nmemo);
    }
    node *v = mg_xmalloc(total * sizeof *v);
    nodebuf b = {v, v + top};
    build(p, 0, p->nt, 0, &b);
    t->nodes = v;
    t->kids = v;
    t->nkids = (size_t)(b.at - v);
    t->maxlvl = p->maxlvl;
    t->calls = p->calls;
    t->ncalls = p->ncalls;
    p->calls = NULL;
}

/* ---- compiling --------------------------------------------------------- */

/* The start offset of every line of src[0..len), the first 0; their count
 * in *n. memchr, not a test per byte: the four targets' templates are about
 * 0.7 MB, and a loop per byte was 5 M instructions of a generate. */
static size_t *line_table(const char *src, size_t len, size_t *n)
{
    size_t cap = 16 + len / 32, nl = 0;
    size_t *lines = mg_xmalloc(cap * sizeof *lines);
    lines[nl++] = 0;
    for (const char *p = src, *end = src + len;
         (p = memchr(p, '\n', (size_t)(end - p))) != NULL; p++) {
        if (nl == cap) {
            cap *= 2;
            lines = mg_xrealloc(lines, cap * sizeof *lines);
        }
        lines[nl++] = (size_t)(p - src) + 1;
    }
    *n = nl;
    return lines;
}

/* The phases over src[0..len), named `name` in diagnostics: with `t`, all of
 * them, building into t (whose src is `src`); without, only tokens and
 * matching, the phases that report errors. Returns 0, or -1 after
 * reporting. */
static int phases(const char *name, const char *src, size_t len, mg_diag *d, mg_tpl *t)
{
    parser p;
    memset(&p, 0, sizeof p);
    p.name = name;
    p.src = src;
    p.len = len;
    p.d = d;
    p.maxlvl = -1;
    p.lines = line_table(src, len, &p.nlines);
    p.capt = 16 + len / 32;
    p.t = mg_xmalloc(p.capt * sizeof *p.t);
    int rc = tokenize(&p);
    if (rc == 0)
        rc = match_sections(&p);
    if (rc == 0 && p.errors == 0 && t) {
        mark_standalone(&p);
        p.strip = mg_xmalloc(p.nlines * sizeof *p.strip);
        for (size_t i = 0; i < p.nlines; i++)
            p.strip[i] = -1;
        compute_margins(&p);
        t->has_parent = p.has_parent;
        build_tree(&p, t);
    }
    free(p.calls);
    free(p.lines);
    free(p.t);
    free(p.strip);
    return rc != 0 || p.errors ? -1 : 0;
}

/* Compiles t->src[0..t->len) into t; frees t and returns NULL after
 * reporting errors. */
static mg_tpl *compile(mg_tpl *t, mg_diag *d)
{
    if (phases(t->name, t->src, t->len, d, t) != 0) {
        mg_tpl_free(t);
        return NULL;
    }
    return t;
}

int mg_tpl_check(const char *name, const char *src, size_t len, mg_diag *d)
{
    return phases(name, len ? src : "", len, d, NULL);
}

/* An mg_tpl with its name, and `extra` bytes after the name for the source. */
static mg_tpl *new_tpl(const char *name, size_t len, size_t extra)
{
    size_t nlen = strlen(name);
    mg_tpl *t = mg_xmalloc(sizeof *t + nlen + 1 + extra);
    memset(t, 0, sizeof *t);
    t->name = (char *)(t + 1);
    memcpy(t->name, name, nlen + 1);
    t->len = len;
    return t;
}

mg_tpl *mg_tpl_parse(const char *name, const char *src, size_t len, mg_diag *d)
{
    /* The name and our copy of the source share the mg_tpl's allocation. */
    mg_tpl *t = new_tpl(name, len, len + 1);
    t->src = t->name + strlen(t->name) + 1;
    if (len)
        memcpy(t->src, src, len);
    t->src[len] = '\0';
    return compile(t, d);
}

mg_tpl *mg_tpl_parse_take(const char *name, char *src, size_t len, mg_diag *d)
{
    mg_tpl *t = new_tpl(name, len, 0);
    t->src = src;
    t->own_src = 1;
    return compile(t, d);
}

void mg_tpl_free(mg_tpl *t)
{
    if (!t)
        return;
    free(t->nodes);
    free(t->extra);
    free(t->calls);
    if (t->own_src)
        free(t->src);
    free(t);
}

const char *mg_tpl_name(const mg_tpl *t)
{
    return t->name;
}

/* ---- partial sets ------------------------------------------------------ */

mg_tpl_set *mg_tpl_set_new(mg_tpl_loader loader, void *user)
{
    static unsigned long serials;
    mg_tpl_set *s = mg_xrealloc(NULL, sizeof *s);
    memset(s, 0, sizeof *s);
    s->serial = ++serials;
    s->loader = loader;
    s->user = user;
    return s;
}

void mg_tpl_set_limits(mg_tpl_set *s, long max_steps, size_t max_output)
{
    s->max_steps = max_steps > MG_MAX_RENDER_STEPS ? max_steps : 0;
    s->max_output = max_output > MG_MAX_OUTPUT_BYTES ? max_output : 0;
    s->limits = NULL;
    s->limits_user = NULL;
}

void mg_tpl_set_limits_lazy(mg_tpl_set *s, mg_tpl_limits_fn *fn, void *user)
{
    mg_tpl_set_limits(s, 0, 0);
    s->limits = fn;
    s->limits_user = user;
}

void mg_tpl_set_free(mg_tpl_set *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->n; i++) {
        free(s->e[i].name);
        mg_tpl_free(s->e[i].tpl);
    }
    free(s->e);
    free(s);
}

void mg_tpl_set_strict(mg_tpl_set *s, int strict)
{
    s->strict = strict;
}

static set_entry *set_find(mg_tpl_set *s, const char *name, size_t len)
{
    for (size_t i = 0; i < s->n; i++)
        if (strncmp(s->e[i].name, name, len) == 0 && s->e[i].name[len] == '\0')
            return &s->e[i];
    return NULL;
}

static void set_put(mg_tpl_set *s, const char *name, mg_tpl *t)
{
    s->e = mg_xgrow(s->e, s->n, &s->cap, sizeof *s->e);
    s->e[s->n].name = mg_xstrdup(name);
    s->e[s->n].tpl = t;
    s->n++;
}

int mg_tpl_set_add(mg_tpl_set *s, const char *name, const char *path, const char *src,
                   size_t len, mg_diag *d)
{
    if (set_find(s, name, strlen(name)))
        return 0;
    mg_tpl *t = mg_tpl_parse(path ? path : name, src, len, d);
    if (!t)
        return -1;
    set_put(s, name, t);
    return 0;
}

/* The part of set_get that loads, compiles and reports: `e` is the existing
 * entry (a known missing partial) or NULL. */
static int set_get_slow(mg_tpl_set *s, const char *name, set_entry *e, mg_mark at, mg_diag *d,
                        const mg_tpl **out)
{
    mg_buf why;
    mg_buf_init(&why);
    if (!e) {
        int rc = 0;
        mg_buf src, path;
        mg_buf_init(&src);
        mg_buf_init(&path);
        if (s->loader)
            rc = s->loader(s->user, name, &src, &path, &why, at, d);
        mg_tpl *t = NULL;
        if (rc > 0) {
            t = mg_tpl_parse(path.len ? mg_buf_cstr(&path) : name, src.data ? src.data : "", src.len, d);
            if (!t)
                rc = -1;
        }
        mg_buf_fini(&src);
        mg_buf_fini(&path);
        if (rc < 0) {
            mg_buf_fini(&why);
            return -1;
        }
        set_put(s, name, t);
        e = &s->e[s->n - 1];
    }
    if (e->tpl) {
        *out = e->tpl;
        mg_buf_fini(&why);
        return 1;
    }
    if (s->strict) {
        if (why.len)
            mg_diag_error(d, at, "unknown partial '%s' (%s)", name, mg_buf_cstr(&why));
        else
            mg_diag_error(d, at, "unknown partial '%s'", name);
        mg_buf_fini(&why);
        return -1;
    }
    mg_buf_fini(&why);
    return 0;
}

/* Finds partial `name`, compiling it on first use. Returns 1 and sets *out, 0
 * when it does not exist (an error, reported at `at`, when the set is strict
 * or there is no set), or -1 after an error. */
static int set_get(mg_tpl_set *s, const char *name, size_t len, mg_mark at, mg_diag *d,
                   const mg_tpl **out)
{
    *out = NULL;
    if (!s) {
        mg_diag_error(d, at, "unknown partial '%.*s' (no partials are available here)", (int)len, name);
        return -1;
    }
    set_entry *e = set_find(s, name, len);
    if (e && e->tpl) {
        *out = e->tpl;
        return 1;
    }
    char *cname = mg_xstrndup(name, len);
    int rc = set_get_slow(s, cname, e, at, d, out);
    free(cname);
    return rc;
}

/* set_get() of a static partial or parent tag's name, remembered in the tag
 * per set: a set never changes the template it found for a name, and a
 * linear search of the set per partial tag rendered was 10 M instructions of
 * a generate. (Only found partials are remembered: a missing one is looked
 * for again, and reported again in a strict set.) */
static int set_get_node(mg_tpl_set *s, const mg_tpl *t, const node *k, mg_diag *d,
                        const mg_tpl **out)
{
    if (s && k->pserial == s->serial) {
        *out = k->ptpl;
        return 1;
    }
    int rc = set_get(s, k->str, k->len, mg_mark_at(t->name, k->line, k->col), d, out);
    if (rc > 0) {
        ((node *)k)->pserial = s->serial;
        ((node *)k)->ptpl = *out;
    }
    return rc;
}

static int link_tpl(const mg_tpl *t, mg_tpl_set *s, mg_diag *d, int depth, int nest);

/* link_nodes' work for the partial or parent tag `k` of `t`, in a list at
 * nesting `nest`. */
static int link_call(const mg_tpl *t, const node *k, mg_tpl_set *s, mg_diag *d, int depth, int nest)
{
    const mg_tpl *pt;
    int rc = set_get_node(s, t, k, d, &pt);
    if (rc < 0)
        return -1;
    if (rc > 0 && !pt->linked) {
        ((mg_tpl *)pt)->linked = 1;
        if (depth >= MG_MAX_PARTIAL_DEPTH) {
            mg_diag_error(d, mg_mark_at(t->name, k->line, k->col),
                          "partials nested deeper than %d levels at '%.*s'",
                          MG_MAX_PARTIAL_DEPTH, (int)k->len, k->str);
            return -1;
        }
        if (link_tpl(pt, s, d, depth + 1, nest + 1) < 0)
            return -1;
    }
    return 0;
}

/* Compiles every partial reachable through static names, so that their syntax
 * errors, and unknown partials in strict sets, are reported before rendering. */
static int link_nodes(const mg_tpl *t, const node *kids, size_t n, mg_tpl_set *s, mg_diag *d,
                      int depth, int nest)
{
    if (n > 0 && nest > RENDER_MAX_DEPTH) {
        mg_diag_error(d, mg_mark_at(t->name, kids[0].line, kids[0].col),
                      "template expansion nested deeper than %d levels", RENDER_MAX_DEPTH);
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        const node *k = &kids[i];
        if ((k->kind == N_PARTIAL || k->kind == N_PARENT) && !k->dynamic &&
            link_call(t, k, s, d, depth, nest) < 0)
            return -1;
        if (link_nodes(t, k->kids, k->nkids, s, d, depth, nest + 1) < 0)
            return -1;
    }
    return 0;
}

/* link_nodes over the whole of `t` at nesting `nest`, from t->calls: the
 * same tags in the same order. Only a template that would reach
 * RENDER_MAX_DEPTH (reported by the walk at its first list too deep,
 * perhaps after other errors) is walked. */
static int link_tpl(const mg_tpl *t, mg_tpl_set *s, mg_diag *d, int depth, int nest)
{
    if (nest + t->maxlvl > RENDER_MAX_DEPTH)
        return link_nodes(t, t->kids, t->nkids, s, d, depth, nest);
    for (size_t i = 0; i < t->ncalls; i++)
        if (link_call(t, t->calls[i].k, s, d, depth, nest + t->calls[i].level) < 0)
            return -1;
    return 0;
}

/* Does `t` (with the partials and parents it names statically) declare block
 * name[0..len)? Appends every block name it declares to `names` (each once,
 * comma-separated) for the error message. */
static int declares(mg_tpl_set *s, const mg_tpl *t, const node *kids, size_t n, const char *name,
                    size_t len, mg_buf *names, int depth)
{
    int found = 0;
    for (size_t i = 0; i < n; i++) {
        const node *k = &kids[i];
        if (k->kind == N_BLOCK) {
            if (k->len == len && memcmp(k->str, name, len) == 0)
                found = 1;
            mg_buf one;
            mg_buf_init(&one);
            mg_buf_appendf(&one, "'%.*s'", (int)k->len, k->str);
            if (!strstr(mg_buf_cstr(names), mg_buf_cstr(&one)))
                mg_buf_appendf(names, "%s%s", names->len ? ", " : "", mg_buf_cstr(&one));
            mg_buf_fini(&one);
        }
        if ((k->kind == N_PARTIAL || k->kind == N_PARENT) && !k->dynamic && s &&
            depth < MG_MAX_PARTIAL_DEPTH) {
            set_entry *e = set_find(s, k->str, k->len);
            if (e && e->tpl && e->tpl != t)
                found |= declares(s, e->tpl, e->tpl->kids, e->tpl->nkids, name, len, names, depth + 1);
        }
        found |= declares(s, t, k->kids, k->nkids, name, len, names, depth + 1);
    }
    return found;
}

static int check_tpl(const mg_tpl *t, mg_tpl_set *s, mg_diag *d, int depth);

/* check_blocks' work for the partial or parent tag `k` of `t` at `depth`. */
static int check_call(const mg_tpl *t, const node *k, mg_tpl_set *s, mg_diag *d, int depth)
{
    int rc = 0;
    /* The template link_nodes found for k in this set, without the search. */
    const mg_tpl *pt = k->pserial == s->serial ? k->ptpl : NULL;
    if (!pt) {
        set_entry *e = set_find(s, k->str, k->len);
        pt = e ? e->tpl : NULL;
    }
    if (pt && !pt->blocks_ok) {
        ((mg_tpl *)pt)->blocks_ok = 1;
        if (check_tpl(pt, s, d, depth + 1) < 0)
            rc = -1;
    }
    for (size_t j = 0; pt && k->kind == N_PARENT && j < k->nkids; j++) {
        const node *b = &k->kids[j];
        mg_buf names;
        mg_buf_init(&names);
        if (!declares(s, pt, pt->kids, pt->nkids, b->str, b->len, &names, 0)) {
            mg_diag_error(d, mg_mark_at(t->name, b->line, b->col),
                          "block '%.*s' overrides nothing: parent '%.*s' declares %s%s",
                          (int)b->len, b->str, (int)k->len, k->str,
                          names.len ? "only " : "no blocks", mg_buf_cstr(&names));
            rc = -1;
        }
        mg_buf_fini(&names);
    }
    return rc;
}

/* Strict renders: a block in a parent tag ({{<p}}{{$b}}...{{/b}}{{/p}}) must
 * override a block that p declares; otherwise it would silently replace
 * nothing (a misspelt block name in a --templates-override file). Runs after
 * link_nodes, so every static parent is compiled. */
static int check_blocks(const mg_tpl *t, const node *kids, size_t n, mg_tpl_set *s, mg_diag *d,
                        int depth)
{
    int rc = 0;
    for (size_t i = 0; i < n && depth < RENDER_MAX_DEPTH; i++) {
        const node *k = &kids[i];
        if ((k->kind == N_PARTIAL || k->kind == N_PARENT) && !k->dynamic && s &&
            check_call(t, k, s, d, depth) < 0)
            rc = -1;
        if (check_blocks(t, k->kids, k->nkids, s, d, depth + 1) < 0)
            rc = -1;
    }
    return rc;
}

/* check_blocks over the whole of `t` at `depth`, from t->calls (see
 * link_tpl): a template with a list as deep as RENDER_MAX_DEPTH, part of
 * which the walk leaves out, is walked. */
static int check_tpl(const mg_tpl *t, mg_tpl_set *s, mg_diag *d, int depth)
{
    if (depth + t->maxlvl >= RENDER_MAX_DEPTH)
        return check_blocks(t, t->kids, t->nkids, s, d, depth);
    int rc = 0;
    for (size_t i = 0; s && i < t->ncalls; i++)
        if (check_call(t, t->calls[i].k, s, d, depth + t->calls[i].level) < 0)
            rc = -1;
    return rc;
}

/* ---- rendering --------------------------------------------------------- */

typedef struct ctxf {
    const void *v; /* a value of rstate.src */
    const struct ctxf *up;
    size_t *ent; /* the source's cache word for v (0 at first); the frame's
                  * owner keeps it, so lookups can skip a hash probe */
    /* With a cJSON source (rstate.cj), the frames a name can be found in:
     * those whose value is an object with members. `names` is the first
     * such frame from this one down (this one, or NULL: none), `below` the
     * next one under this one. A name is looked up along them alone: a
     * section over a flag or a string ({{#has_x}}...{{/has_x}}) puts a
     * frame on the stack that each lookup inside it passed, loading its
     * value's type first (80 000 of a generate's 330 000 tries). With
     * another source, names is the frame itself and below unused. */
    const struct ctxf *names, *below;
} ctxf;

/* One level of inheritance: the parent tag whose blocks override, and the
 * template that holds those blocks' bodies. Lookups take the outermost match
 * ("top-level substitutions take precedence"). */
typedef struct scope {
    const mg_tpl *tpl;
    const node *parent;
    const struct scope *outer;
} scope;

typedef struct {
    mg_tpl_set *set;
    mg_escape esc;
    mg_buf out;      /* the caller's buffer, taken over while rendering (one load less
                      * per node and per append than through a pointer) */
    mg_diag *d;
    mg_buf ind;      /* indentation strings, stacked; the current one is [ind_off, len) */
    size_t ind_off;
    int depth;       /* partial/parent/override expansions */
    int rdepth;      /* render recursion */
    long steps_left; /* max_steps less the nodes rendered so far */
    /* The output went past out_max (note_output): the steps counter in use
     * was `held` then and -1 since, so that the next node's test of the
     * counter alone finds it (over_bounds). */
    int tripped;
    long held;
    long max_steps;  /* the set's bound, or MG_MAX_RENDER_STEPS */
    size_t start;    /* mg_buf_total(out) when rendering began */
    size_t max_output; /* the set's bound, or MG_MAX_OUTPUT_BYTES */
    size_t out_max;    /* start + max_output (at most SIZE_MAX): a total past it is too much
                        * (a total: a buffer with a sink, buf.h, flushes as it fills) */
    const mg_tpl_source *src; /* the data */
    mg_buf scratch;  /* text the source makes (numbers, JSON) */
    char num[32];    /* a number of a direct cJSON source, as text (text_of) */
    int strict;      /* a name the data does not have is an error, not "" */
    /* Strings escaped go through the cJSON source's memo of plain strings
     * (emit_value): the source and the escape allow it for the whole
     * render, told once. */
    int plain_memo;
    /* The cJSON source whose get `src` is or forwards to unchanged
     * (mg_tpl_source.direct), or NULL: tags then look names up in it
     * directly, with their memos. */
    struct mg_tpl_cjson_state *cj;
} rstate;

/* ---- the cJSON source ---- */

/* Name lookups in big objects go through an index. A generator's view has
 * objects of 40-70 members, looked up for dozens of names each, and many of
 * them alike: the objects of one kind (a field, a message) are made by one
 * function of the view, with the same key strings (literals: the same
 * addresses) in the same order. Such objects share a shape: the sequence of
 * their keys' addresses, with one hash table from a name to its position.
 * An object's own index is then only the array of its members (8 bytes a
 * member, made in one walk), found at the position the shape gives. A hash
 * table per object cost 2 300 instructions to build for a 50-member object
 * (the key hashes, the probes), and 16 bytes per slot at twice the members.
 *
 * Objects with fewer than INDEX_MIN_MEMBERS members are searched in order
 * (the name is found after about 3 members on average); bigger ones are
 * indexed on their INDEX_AFTER-th lookup (on the 1st, the view's one-off
 * type-map renders paid 10 M instructions for tables they used once; on the
 * 4th, generate's renders scanned 6 M more), or on their 1st in a source
 * that has served a few renders already (member_in). The data does not change while
 * the source is in use, so an index, and the key addresses of a shape, stay
 * valid until mg_tpl_cjson_source_fini. */
#define INDEX_MIN_MEMBERS 12
#define INDEX_AFTER 2

/* An index grows with the data it reads: a catalogue-wide file
 * (validate.py, README.md) looks up most objects of the view, about 100
 * objects and 3 300 member pointers (26 KB) per message of a synthetic
 * catalogue, 15 MB at 500 messages, all live until the file is done. Past
 * INDEX_MAX_OBJECTS objects or INDEX_MAX_MEMBERS member pointers the index
 * starts over (shapes are kept: there are a few dozen), so that it stays
 * under about 20 MB whatever the catalogue. worker-backend's largest render
 * indexes 3 600 objects and 130 000 pointers: it never starts over; nor does
 * a target of 1 000 synthetic messages (at 16 384 objects and 512 K
 * pointers, 5 MB, its index started over 13 times, and 79 000 of its 205 000
 * builds were of objects indexed before: 13 MB more at its peak, 64 M
 * instructions less). Objects looked up again after a restart are indexed
 * again on their INDEX_AFTER-th lookup; a frame's cache word from before the
 * restart is told from a fresh one by its member list (index_of). */
#ifndef INDEX_MAX_OBJECTS /* tests/unit/test_mustache_index.c sets tiny ones */
#define INDEX_MAX_OBJECTS (64 * 1024)
#define INDEX_MAX_MEMBERS (2048 * 1024)
#endif

/* A shape: n key addresses and the table from a name to the position of the
 * first member with that name. A key the view copied into its member (made
 * by cJSON_AddItemToObject, not ...CS: its address is the member's own) is
 * recorded as NULL and its position listed in `extra`, searched in order:
 * otherwise no two objects would share the shape. An object with more than
 * MAX_EXTRA such keys (data parsed from a file: every key is copied) gets a
 * shape of its own (`own`), whose table holds every key. */
#define MAX_EXTRA 8

/* The answers of a shape's table to the last names looked up in it, by the
 * address of the name (tags look up the same names in objects of the same
 * shape over and over: a list's items, a partial per field): one compare of
 * the address instead of the probe and the comparison of the name's bytes.
 * The engine passes names that point into its templates, which do not change
 * while one render runs; mg_tpl_render_data starts a new epoch per render, so
 * an address remembered from an earlier render (whose template may be gone)
 * is never trusted. 128 entries (3 KB a shape): with 32, a third of the
 * lookups of a generate missed, a big template's names colliding; 256 cost
 * more to clear than they saved. */
#define SHAPE_MEMO 128

typedef struct shape {
    uint64_t id;       /* this shape among all made by any source (from 1): what
                        * node memos name, so a tag's memo never trusts a shape
                        * freed since (another may come at its address) */
    uint32_t n;
    uint32_t cap;      /* slots, a power of two, at least 2n */
    uint32_t nextra;
    int own;
    const char **keys; /* n addresses, NULL: a copied key (not `own`) */
    uint32_t *extra;   /* positions of the copied keys, ascending */
    struct shape_slot {
        uint32_t hash;
        uint32_t pos; /* position + 1; 0: empty */
    } *slots;
    struct shape_memo {
        const char *k;  /* a name looked up, in the engine's template */
        uint64_t epoch; /* the render that looked it up (state.epoch) */
        uint32_t n;
        uint32_t pos;   /* what the table gave: a position, or n: none */
    } *memo; /* SHAPE_MEMO entries, direct-mapped by the address k; NULL for
              * an `own` shape (one object's: data parsed from a file, where
              * big objects can be many) */
} shape;

/* The key address that identifies member `it` in a shape. */
static const char *shape_key_of(const cJSON *it, int own)
{
    return own || (it->type & cJSON_StringIsConst) ? it->string : NULL;
}

typedef struct shape_ent {
    shape *sh;
} shape_ent;

/* Member arrays come from blocks that never move, of at least PTR_BLOCK
 * pointers (a realloc'ed array would copy every index made so far). */
#define PTR_BLOCK 8192

typedef struct ptr_block {
    struct ptr_block *prev;
    size_t used, size;
    const cJSON *p[];
} ptr_block;

/* The last objects looked up without a frame's cache word (the parts after
 * the first of a dotted name, `{{name.snake}}`), direct-mapped by address:
 * one compare instead of a hash-table probe for each. */
#define OBJ_CACHE 64

typedef struct obj_index {
    const cJSON *list;  /* key: the object's member list (its first member) */
    const cJSON **mem;  /* its members in order, or NULL: searched in order */
    shape *sh;          /* with mem: the shape of its keys */
    uint32_t looks;     /* lookups so far, until it is indexed */
} obj_index;

struct mg_tpl_cjson_state {
    mg_hmap index;     /* member list -> obj_index, for objects looked up so far */
    mg_hmap shapes;    /* shape_ent, by the hash of the key addresses */
    ptr_block *blocks; /* the newest block of member arrays */
    size_t members;    /* member pointers in the blocks */
    unsigned restarts; /* times the index started over (INDEX_MAX_OBJECTS) */
    uint64_t epoch;    /* renders begun with this source (SHAPE_MEMO) */
    uint64_t serial;   /* the render in progress among all renders of any
                        * source (from 1; node_memo.kserial) */
    struct obj_cache_ent {
        const cJSON *list; /* an object's member list */
        size_t ent; /* its entry in `index` + 1, or SMALL */
    } *obj_cache; /* NULL until the first dotted lookup, then obj_cache_mem */
    struct obj_cache_ent obj_cache_mem[OBJ_CACHE]; /* zeroed then */
    const cJSON **walk;      /* an object's members, while it is being indexed */
    const char **walk_keys;  /* and their key addresses (shape_key_of) */
    size_t walk_cap;
    shape *last_shape; /* the shape build_index gave last (not an `own` one) */
    mg_tpl_cjson_miss_fn *miss; /* mg_tpl_cjson_source_miss's, or NULL */
    void *miss_user;
    mg_tpl_cjson_bits bits; /* mg_tpl_cjson_source_bits's (flags 0: none) */
    /* Strings escaped before, and whether escaping changed them (emit_value),
     * direct-mapped by address: NULL until a source that has served a few
     * renders escapes a string. */
    struct plain_ent *plain;
    int lasting;          /* made by mg_tpl_cjson_source_init, not for one
                           * render (emit_value) */
    size_t plain_cap;     /* its entries, a power of two */
    size_t plain_evicted; /* strings it replaced by others since it grew */
};

/* A string of the data (its address: the data does not change while the
 * source is in use) and, by context (bit mg_escape), whether
 * mg_escape_append copies it unchanged or not: a generate escapes 43 000
 * strings, three in four of them escaped before in the same context (a
 * type's name in every file that names it), and a string that needs
 * nothing replaced is then copied without the scan. The table starts at
 * PLAIN_MEMO entries and doubles, up to PLAIN_MEMO_MAX, each time it has
 * replaced as many strings by others as it has entries: with 2 048 for
 * good, a catalogue of 1 000 messages found the string of half its 560 000
 * lookups overwritten and scanned it again (55 M instructions of
 * is_plain); 16 384 from the start cost worker-backend 1.4 M instructions
 * of calloc for tables it barely fills. */
#define PLAIN_MEMO 2048
#define PLAIN_MEMO_MAX (256 * 1024)

struct plain_ent {
    const char *s;
    size_t n;
    uint32_t plain, escaped;
};

/* A cache word (a frame's, or obj_cache's) for an object with fewer than
 * INDEX_MIN_MEMBERS members: it is searched in order and never indexed, so
 * it gets no entry in the index table: a probe and an entry (130
 * instructions) cost more than the walk of at most INDEX_MIN_MEMBERS steps
 * that tells it is small (17 500 of the 47 000 objects a generate's renders
 * looked up). Entry numbers never reach SMALL. */
#define SMALL ((size_t)-1)

/* Is `s` exactly k[0..n)? The parser rejects names holding a NUL byte, so
 * when strncmp finds n equal bytes `s` has no NUL before index n, and reading
 * s[n] stays within it. */
static int name_is(const char *s, const char *k, size_t n)
{
    if (!s)
        return 0;
    size_t i = 0; /* a loop, not strncmp: names are short, and a call costs more */
    while (i < n && s[i] == k[i])
        i++;
    return i == n && s[n] == '\0';
}

/* name_is for an `s` whose first byte is known to be k[0] (search_in):
 * the compare starts at the second. */
static ALWAYS_INLINE int name_is_after_first(const char *s, const char *k, size_t n)
{
    size_t i = n ? 1 : 0;
    while (i < n && s[i] == k[i])
        i++;
    return i == n && s[n] == '\0';
}

static const cJSON **alloc_members(struct mg_tpl_cjson_state *r, size_t n)
{
    ptr_block *b = r->blocks;
    if (!b || b->used + n > b->size) {
        /* Blocks double from a small first one: most renders (an output
         * path, a type-map template) index a few objects or none. */
        size_t size = b ? 2 * b->size : 256;
        if (size > PTR_BLOCK)
            size = PTR_BLOCK;
        if (size < n)
            size = n;
        b = mg_xrealloc(NULL, sizeof *b + size * sizeof(const cJSON *));
        b->size = size;
        b->used = 0;
        b->prev = r->blocks;
        r->blocks = b;
    }
    const cJSON **p = b->p + b->used;
    b->used += n;
    r->members += n;
    return p;
}

/* The shape being looked for: the key addresses of an object's members
 * (shape_key_of). */
typedef struct shape_key {
    const char *const *keys;
    size_t n;
    int own;
} shape_key;

static int shape_eq(const void *ent, const void *key)
{
    const shape *sh = ((const shape_ent *)ent)->sh;
    const shape_key *k = key;
    return sh->n == k->n && sh->own == k->own && memcmp(sh->keys, k->keys, k->n * sizeof *k->keys) == 0;
}

/* A new shape for the members mem[0..n) with key addresses keys[0..n)
 * (nextra of them copied): one allocation holding the keys, the extra
 * positions and the table. */
static shape *make_shape(const cJSON *const *mem, const char *const *keys, size_t n, size_t nextra, int own)
{
    static uint64_t ids;
    uint32_t cap = 32;
    while (cap < 2 * n)
        cap *= 2;
    size_t nmemo = own ? 0 : SHAPE_MEMO;
    shape *sh = mg_xcalloc(1, sizeof *sh + nmemo * sizeof *sh->memo + cap * sizeof *sh->slots +
                                  n * sizeof *sh->keys + nextra * sizeof *sh->extra);
    sh->id = ++ids;
    sh->n = (uint32_t)n;
    sh->cap = cap;
    sh->own = own;
    sh->memo = nmemo ? (struct shape_memo *)(sh + 1) : NULL;
    sh->slots = (struct shape_slot *)((struct shape_memo *)(sh + 1) + nmemo);
    sh->keys = (const char **)(sh->slots + cap);
    sh->extra = (uint32_t *)(sh->keys + n);
    for (size_t i = 0; i < n; i++) {
        const char *key = keys[i];
        sh->keys[i] = key;
        if (!key) {
            if (!own && mem[i]->string)
                sh->extra[sh->nextra++] = (uint32_t)i;
            continue;
        }
        uint32_t h = mg_hash_str(key), j = h & (cap - 1);
        while (sh->slots[j].pos &&
               (sh->slots[j].hash != h || strcmp(sh->keys[sh->slots[j].pos - 1], key) != 0))
            j = (j + 1) & (cap - 1);
        if (!sh->slots[j].pos) { /* the first of duplicate keys wins, as in a scan */
            sh->slots[j].hash = h;
            sh->slots[j].pos = (uint32_t)i + 1;
        }
    }
    return sh;
}

/* Indexes e->list, the members of an object with at least INDEX_MIN_MEMBERS members: its member
 * array, and the shape of its keys, found among those seen or made. One walk
 * of the member list writes the members and their key addresses to the
 * scratch arrays and hashes the addresses; the shape is then compared as one
 * memcmp of the addresses (a walk to count the members, one to fill the
 * array and one to compare the keys cost 3 times as much: 30 M instructions
 * of a generate's renders for 19 000 objects of 47 members on average). */
static void build_index(struct mg_tpl_cjson_state *r, obj_index *e)
{
    /* Objects are indexed in runs of one kind (a list's items): the shape of
     * the last one is tried first, its keys compared while the members are
     * written where they stay; no hash, no table, no copy. */
    shape *ls = r->last_shape;
    if (ls) {
        const cJSON **at = alloc_members(r, ls->n);
        const cJSON *it = e->list;
        uint32_t i = 0;
        for (; it && i < ls->n && shape_key_of(it, 0) == ls->keys[i]; it = it->next)
            at[i++] = it;
        if (!it && i == ls->n) {
            e->mem = at;
            e->sh = ls;
            return;
        }
        r->blocks->used -= ls->n; /* the last allocation: given back */
        r->members -= ls->n;
    }
    const uint64_t mul = 0x9E3779B97F4A7C15u;
    size_t n = 0, cap = r->walk_cap;
    const cJSON **mem = r->walk;
    const char **keys = r->walk_keys;
    uint64_t h = 0;
    for (const cJSON *it = e->list; it; it = it->next) {
        if (n == cap) {
            cap = r->walk_cap = cap ? 2 * cap : 128;
            mem = r->walk = mg_xrealloc(r->walk, cap * sizeof *r->walk);
            keys = r->walk_keys = mg_xrealloc(r->walk_keys, cap * sizeof *r->walk_keys);
        }
        const char *key = shape_key_of(it, 0);
        mem[n] = it;
        keys[n++] = key;
        h = (h + (uintptr_t)key) * mul;
    }
    /* A shape found without `own` has at most MAX_EXTRA copied keys (NULL
     * here), so the copied keys need counting only for a new shape. */
    shape_key key = {keys, n, 0};
    uint64_t hs = (h + n * 2) * mul;
    uint32_t h32 = (uint32_t)(hs >> 32) ^ (uint32_t)hs;
    shape_ent *s = mg_hmap_find(&r->shapes, h32, shape_eq, &key);
    if (!s) {
        size_t copied = 0;
        for (size_t i = 0; i < n; i++)
            copied += !keys[i];
        if (copied > MAX_EXTRA) { /* every key, copied ones too: the shape is this object's */
            key.own = 1;
            for (size_t i = 0; i < n; i++)
                h = (h + (uintptr_t)(keys[i] = mem[i]->string)) * mul;
            hs = (h + n * 2 + 1) * mul;
            h32 = (uint32_t)(hs >> 32) ^ (uint32_t)hs;
            s = mg_hmap_find(&r->shapes, h32, shape_eq, &key); /* made before a restart */
        }
        if (!s) {
            s = mg_hmap_add(&r->shapes, h32);
            s->sh = make_shape(mem, keys, n, key.own ? 0 : copied, key.own);
        }
    }
    e->mem = alloc_members(r, n);
    memcpy(e->mem, mem, n * sizeof *mem);
    e->sh = s->sh;
    r->last_shape = s->sh->own ? NULL : s->sh;
}

static void free_blocks(struct mg_tpl_cjson_state *r)
{
    for (ptr_block *b = r->blocks, *prev; b; b = prev) {
        prev = b->prev;
        free(b);
    }
    r->blocks = NULL;
    r->members = 0;
}

/* Empties the index (not the shapes): see INDEX_MAX_OBJECTS. */
static void restart_index(struct mg_tpl_cjson_state *r)
{
    mg_hmap_fini(&r->index);
    mg_hmap_init(&r->index, sizeof(obj_index));
    free_blocks(r);
    if (r->obj_cache)
        memset(r->obj_cache_mem, 0, sizeof r->obj_cache_mem);
    r->restarts++;
}

/* Has obj fewer than INDEX_MIN_MEMBERS members? (It counts that many at most.) */
static int is_small(const cJSON *obj)
{
    size_t n = 0;
    for (const cJSON *it = obj->child; it; it = it->next)
        if (++n >= INDEX_MIN_MEMBERS)
            return 0;
    return 1;
}

/* obj's entry in the index table, through the frame's cache word `ent`, or
 * else the direct-mapped cache of recent objects; NULL when obj is small
 * (SMALL). The table is keyed by the member list, not the object: a cJSON
 * reference (the view's shared lists) shares the entry of the object it
 * refers to, so each object is indexed once. */
static ALWAYS_INLINE obj_index *index_of(struct mg_tpl_cjson_state *r, const cJSON *obj, size_t *ent)
{
    const cJSON *list = obj->child;
    /* A frame's word first. */
    if (ent && *ent && !r->restarts)
        return *ent == SMALL ? NULL : mg_hmap_at(&r->index, *ent - 1);
    if (ent && *ent) {
        if (*ent == SMALL)
            return NULL;
        /* After a restart the word may be older than the table: then it
         * names another object's entry, or none. */
        if (*ent <= mg_hmap_len(&r->index)) {
            obj_index *e = mg_hmap_at(&r->index, *ent - 1);
            if (e->list == list)
                return e;
        }
    }
    struct obj_cache_ent *c = NULL;
    if (!ent) {
        if (!r->obj_cache) {
            memset(r->obj_cache_mem, 0, sizeof r->obj_cache_mem);
            r->obj_cache = r->obj_cache_mem;
        }
        c = &r->obj_cache[(((uintptr_t)list >> 4) ^ ((uintptr_t)list >> 13)) & (OBJ_CACHE - 1)];
        if (c->list == list)
            return c->ent == SMALL ? NULL : mg_hmap_at(&r->index, c->ent - 1);
    }
    obj_index *e = NULL;
    size_t at = SMALL;
    if (!is_small(obj)) {
        if (mg_hmap_len(&r->index) >= INDEX_MAX_OBJECTS || r->members >= INDEX_MAX_MEMBERS)
            restart_index(r); /* empties obj_cache too; c still points at obj's entry */
        int added;
        e = mg_hmap_put_ptr(&r->index, list, &added);
        at = mg_hmap_index(&r->index, e) + 1;
    }
    if (ent)
        *ent = at;
    else {
        c->list = list;
        c->ent = at;
    }
    return e;
}

/* Member k[0..n) of obj, searched in order, or NULL; after `limit`
 * members without it (SIZE_MAX: no limit), NULL with *more set when obj has
 * another. `nm` (may be NULL) as for member_in. */
static ALWAYS_INLINE const cJSON *search_in(struct mg_tpl_cjson_state *r, const cJSON *obj, const char *k,
                                            size_t n, node_memo *nm, size_t limit, int *more)
{
    /* Most keys differ from the name in their first byte: that test
     * first, before name_is's loop (2 M instructions of a generate). */
    char k0 = n ? k[0] : '\0';
    /* The objects a tag searches so are mostly of one kind (a list's
     * items, the `name` of each), their keys the same strings: the key
     * found last is this name, without name_is. */
    const char *known = nm && nm->kserial == r->serial ? nm->key : NULL;
    for (const cJSON *it = obj->child; it; it = it->next) {
        if (more && limit-- == 0) { /* no test when called without a limit (more NULL) */
            *more = 1;
            return NULL;
        }
        if (it->string && it->string[0] == k0) {
            if (it->string == known)
                return it;
            if (name_is_after_first(it->string, k, n)) {
                if (nm) {
                    nm->key = it->string;
                    nm->kserial = r->serial;
                }
                return it;
            }
        }
    }
    return NULL;
}

/* index_of for an object with INDEX_MIN_MEMBERS members or more, which the
 * frame's word `ent` does not name yet: its entry, made now if need be. */
static obj_index *index_big(struct mg_tpl_cjson_state *r, const cJSON *obj, size_t *ent)
{
    if (mg_hmap_len(&r->index) >= INDEX_MAX_OBJECTS || r->members >= INDEX_MAX_MEMBERS)
        restart_index(r);
    int added;
    obj_index *e = mg_hmap_put_ptr(&r->index, obj->child, &added);
    *ent = mg_hmap_index(&r->index, e) + 1;
    return e;
}

/* Member `k` (n bytes) of `obj`, an object with members, or NULL. `ent`
 * caches obj's index entry. `nm` (may be NULL) is the memo of the tag that
 * looks `k` up, mask + 1 entries of it direct-mapped by shape id: a hit
 * there is one compare, before the shape's own memo (an address hashed, and
 * an epoch: it is good for one render only, while a tag's memo holds for as
 * long as the shape lives). */
static ALWAYS_INLINE const cJSON *member_in(struct mg_tpl_cjson_state *r, const cJSON *obj, size_t *ent,
                                            const char *k, size_t n, uint32_t h, node_memo *nm,
                                            uint32_t mask)
{
    obj_index *e;
    if (ent && !*ent) {
        /* A frame's first lookup in obj, whose size the frame does not
         * know yet: the search in order tells it on the way, instead of
         * index_of counting the members first (is_small). That count
         * walked a dozen members, each a load waiting for the one before:
         * at 10 000 messages, whose view is far bigger than the caches,
         * most of the render loop's time, in each new frame of an object
         * (a list's item). A name found among the first
         * INDEX_MIN_MEMBERS - 1 members leaves the word unknown (0); the
         * end of the list before then, a small object (SMALL); a member
         * more, a big one, for index_of as before. */
        int more = 0;
        const cJSON *m = search_in(r, obj, k, n, nm, INDEX_MIN_MEMBERS - 1, &more);
        if (!more) {
            if (!m)
                *ent = SMALL;
            return m;
        }
        e = index_big(r, obj, ent);
    } else {
        e = index_of(r, obj, ent);
    }
    /* A source that has served a few renders already (run.c's, one per
     * target) indexes on the first lookup: what it indexes is read again
     * by the next files. */
    if (e && !e->mem && ++e->looks >= (r->epoch > 4 ? 1 : INDEX_AFTER))
        build_index(r, e);
    if (!e || !e->mem)
        return search_in(r, obj, k, n, nm, SIZE_MAX, NULL);
    shape *sh = e->sh;
    uint32_t pos;
    if (nm)
        nm += sh->id & mask;
    if (nm && nm->sh == sh->id) {
        pos = nm->pos;
    } else {
        struct shape_memo scratch, *m = &scratch;
        if (sh->memo)
            m = &sh->memo[(((uintptr_t)k >> 2) ^ ((uintptr_t)k >> 9)) & (SHAPE_MEMO - 1)];
        if (m != &scratch && m->k == k && m->n == n && m->epoch == r->epoch) {
            pos = m->pos;
        } else {
            pos = sh->n;
            for (uint32_t i = h & (sh->cap - 1); sh->slots[i].pos; i = (i + 1) & (sh->cap - 1))
                if (sh->slots[i].hash == h && name_is(sh->keys[sh->slots[i].pos - 1], k, n)) {
                    pos = sh->slots[i].pos - 1;
                    break;
                }
            m->k = k;
            m->n = (uint32_t)n;
            m->epoch = r->epoch;
            m->pos = pos;
        }
        if (nm) {
            nm->sh = sh->id;
            nm->pos = pos;
        }
    }
    /* A copied key before it would be the first with that name. */
    for (uint32_t x = 0; x < sh->nextra && sh->extra[x] < pos; x++)
        if (name_is(e->mem[sh->extra[x]]->string, k, n))
            return e->mem[sh->extra[x]];
    return pos < sh->n ? e->mem[pos] : NULL;
}

/* member_in of any value: NULL but in an object with members. */
static const cJSON *member(struct mg_tpl_cjson_state *r, const cJSON *obj, size_t *ent, const char *k, size_t n,
                          uint32_t h)
{
    if ((obj->type & 0xFF) != cJSON_Object || !obj->child)
        return NULL;
    return member_in(r, obj, ent, k, n, h, NULL, 0);
}

/* The kind of each value of a cJSON node's type byte (one bit each): a
 * table, not a switch's chain of compares (it runs for every tag). Null,
 * invalid and any other byte are MG_TV_NULL (0). */
static const unsigned char cj_kinds[256] = {
    [cJSON_False] = MG_TV_FALSE, [cJSON_True] = MG_TV_TRUE, [cJSON_Number] = MG_TV_NUMBER,
    [cJSON_String] = MG_TV_STRING, [cJSON_Raw] = MG_TV_STRING, /* raw JSON prints as written */
    [cJSON_Array] = MG_TV_LIST, [cJSON_Object] = MG_TV_OBJECT,
};

static mg_tv_kind cj_kind(void *self, const void *v)
{
    (void)self;
    /* The type bits directly: cJSON_IsX are calls into the library. */
    return (mg_tv_kind)cj_kinds[((const cJSON *)v)->type & 0xFF];
}

/* The constant member numbered `id` (a memo word less 2) that the object
 * whose first member is `first` lacks, from its bits (see
 * mg_tpl_cjson_bits), or NULL when they do not hold it. */
static ALWAYS_INLINE const cJSON *bits_get(const mg_tpl_cjson_bits *b, const cJSON *first, unsigned id)
{
    int type = first->type;
    const mg_tpl_bits *d;
    if ((type & b->num_flag) && id < 64) {
        size_t at = (size_t)(int64_t)first->valuedouble;
        if (at < b->count) {
            d = &b->sets[at];
            if (d->present >> id & 1)
                return b->vals[(d->truth >> id & 1) | (d->nul >> id & 1) << 1];
        }
    }
    if ((type & b->node_flag) && (type & 0xFF) != cJSON_Number && id < 128) {
        size_t at = (uint32_t)first->valueint;
        if (at < b->node_count) {
            d = (const mg_tpl_bits *)((const char *)b->nodes + at * b->node_size) + id / 64;
            id %= 64;
            if (d->present >> id & 1)
                return b->vals[(d->truth >> id & 1) | (d->nul >> id & 1) << 1];
        }
    }
    return NULL;
}

/* Is v, a value of the cJSON source, an object with members (the only
 * values a name is found in)? */
static ALWAYS_INLINE int cj_has_members(const cJSON *v)
{
    return (v->type & 0xFF) == cJSON_Object && v->child;
}

/* cj_get_at in `obj`, known to be an object with members. */
static ALWAYS_INLINE const cJSON *cj_get_in(struct mg_tpl_cjson_state *st, const cJSON *obj,
                                            const char *k, size_t n, uint32_t hash, size_t *cache,
                                            node_memo *nm, uint32_t mask)
{
    int asked = 0;
    /* A tag whose last lookup the hook answered (a lazy view's constant,
     * read in every item of a list) asks it first: what it gives, the
     * object lacks (mg_tpl_cjson_source_miss), so the answer is the same,
     * without the search of the object's members (a walk of all of them
     * when the object is small: 82 000 of a generate's lookups). The
     * memo is the tag's, the hook the source's: a tag may have been
     * answered by the hook of another source. */
    if (nm->missed && st->miss) {
        /* A constant the object lacks kept as a bit (mg_tpl_cjson_source_bits):
         * answered without the hook's call. Only in this branch: a test in
         * every lookup cost more than the calls it spared. */
        const cJSON *c = bits_get(&st->bits, obj->child, (unsigned)nm->hook - 2);
        if (c)
            return c;
        const cJSON *h = st->miss(st->miss_user, obj, k, n, hash, &nm->hook);
        if (h)
            return h;
        nm->missed = 0;
        asked = 1;
    }
    const cJSON *m = member_in(st, obj, cache, k, n, hash, nm, mask);
    if (m || !st->miss || asked)
        return m;
    m = st->miss(st->miss_user, obj, k, n, hash, &nm->hook);
    nm->missed = m != NULL;
    return m;
}

/* cj_get with a tag's memo (member_in): what the engine calls for a tag's
 * name when its data is a cJSON source, without the call through `get`. */
static ALWAYS_INLINE const cJSON *cj_get_at(struct mg_tpl_cjson_state *st, const cJSON *obj,
                                            const char *k, size_t n, uint32_t hash, size_t *cache,
                                            node_memo *nm, uint32_t mask)
{
    return cj_has_members(obj) ? cj_get_in(st, obj, k, n, hash, cache, nm, mask) : NULL;
}

static const void *cj_get(void *self, const void *v, const char *k, size_t n, uint32_t hash,
                          size_t *cache)
{
    struct mg_tpl_cjson_state *st = self;
    const cJSON *m = member(st, v, cache, k, n, hash);
    if (m || !st->miss)
        return m;
    const cJSON *obj = v;
    if ((obj->type & 0xFF) != cJSON_Object || !obj->child)
        return NULL;
    return st->miss(st->miss_user, obj, k, n, hash, NULL);
}

static const void *cj_first(void *self, const void *v)
{
    (void)self;
    const cJSON *j = v;
    return cJSON_IsArray(j) || cJSON_IsObject(j) ? j->child : NULL;
}

static const void *cj_next(void *self, const void *item)
{
    (void)self;
    return ((const cJSON *)item)->next;
}

static const char *cj_key(void *self, const void *item)
{
    (void)self;
    return ((const cJSON *)item)->string;
}

static const char *cj_text(void *self, const void *v, size_t *n, mg_buf *scratch)
{
    (void)self;
    const cJSON *j = v;
    int type = j->type & 0xFF;
    if (type == cJSON_String || type == cJSON_Raw) {
        const char *s = j->valuestring ? j->valuestring : "";
        *n = strlen(s);
        return s;
    }
    mg_buf_reset(scratch);
    if (cJSON_IsNumber(j)) {
        char num[32];
        int len = mg_tpl_format_number(j->valuedouble, num);
        mg_buf_append(scratch, num, (size_t)len);
    } else if (cJSON_IsBool(j)) {
        mg_buf_append_str(scratch, cJSON_IsTrue(j) ? "true" : "false");
    } else if (cJSON_IsArray(j) || cJSON_IsObject(j)) {
        char *json = cJSON_PrintUnformatted(j);
        if (json) {
            mg_buf_append_str(scratch, json);
            cJSON_free(json);
        }
    }
    *n = scratch->len;
    return scratch->len ? scratch->data : "";
}

static double cj_number(void *self, const void *v)
{
    (void)self;
    return ((const cJSON *)v)->valuedouble;
}

/* The state of a cJSON source, in memory the caller provides: render_top
 * keeps it on the stack (the view renders 6 700 short type-map templates,
 * each with a source of its own: a calloc and a free apiece). The
 * direct-mapped cache is left unset until a dotted name needs it. */
static void cjson_source_init_in(mg_tpl_cjson *c, struct mg_tpl_cjson_state *st)
{
    mg_hmap_init(&st->index, sizeof(obj_index));
    mg_hmap_init(&st->shapes, sizeof(shape_ent));
    st->blocks = NULL;
    st->members = 0;
    st->restarts = 0;
    st->epoch = 0;
    st->serial = 0;
    st->obj_cache = NULL;
    st->walk = NULL;
    st->walk_keys = NULL;
    st->walk_cap = 0;
    st->last_shape = NULL;
    st->miss = NULL;
    st->miss_user = NULL;
    st->bits = (mg_tpl_cjson_bits){0};
    st->plain = NULL;
    st->plain_cap = st->plain_evicted = 0;
    st->lasting = 0;
    c->st = st;
    c->src = (mg_tpl_source){.self = st, .kind = cj_kind, .get = cj_get, .first = cj_first,
                             .next = cj_next, .key = cj_key, .text = cj_text, .number = cj_number};
}

static void cjson_source_fini_in(struct mg_tpl_cjson_state *st)
{
    mg_hmap_fini(&st->index);
    for (size_t i = 0; i < mg_hmap_len(&st->shapes); i++)
        free(((shape_ent *)mg_hmap_at(&st->shapes, i))->sh);
    mg_hmap_fini(&st->shapes);
    free_blocks(st);
    free(st->walk);
    free(st->walk_keys);
    free(st->plain);
}

void mg_tpl_cjson_source_init(mg_tpl_cjson *c)
{
    cjson_source_init_in(c, mg_xcalloc(1, sizeof *c->st));
    c->st->lasting = 1;
}

void mg_tpl_cjson_source_fini(mg_tpl_cjson *c)
{
    if (!c->st)
        return;
    cjson_source_fini_in(c->st);
    free(c->st);
    c->st = NULL;
}

void mg_tpl_cjson_source_renew(mg_tpl_cjson *c)
{
    c->st->epoch++;
}

void mg_tpl_cjson_source_miss(mg_tpl_cjson *c, mg_tpl_cjson_miss_fn *fn, void *user)
{
    c->st->miss = fn;
    c->st->miss_user = user;
}

void mg_tpl_cjson_source_bits(mg_tpl_cjson *c, const mg_tpl_cjson_bits *b)
{
    c->st->bits = b ? *b : (mg_tpl_cjson_bits){0};
}

/* ---- name resolution ---- */

static ALWAYS_INLINE mg_tv_kind kind_of(const rstate *r, const void *v)
{
    return r->cj ? cj_kind(NULL, v) : r->src->kind(r->src->self, v);
}

/* Makes *f the frame of value v (NULL: none) over the stack c, with cache
 * word *ent; `obj`: v is a cJSON object with members (r->cj only). */
static ALWAYS_INLINE void push_frame(const rstate *r, ctxf *f, const void *v, const ctxf *c, size_t *ent,
                                     int obj)
{
    f->v = v;
    f->up = c;
    f->ent = ent;
    f->below = c ? c->names : NULL;
    f->names = obj || !r->cj ? f : f->below;
}

static const void *get(const rstate *r, const void *v, const char *k, size_t n, uint32_t hash,
                       size_t *cache)
{
    return v ? r->src->get(r->src->self, v, k, n, hash, cache) : NULL;
}

/* get() of a name whose hash is not known (reporting errors). */
static const void *get_name(const rstate *r, const void *v, const char *k, size_t n)
{
    return get(r, v, k, n, mg_hash_mem_seed(0, k, n), NULL);
}

/* A later part k[0..n) of a dotted name (`hash` its hash) in what the part
 * before gave, `obj`, with the part's memo `pm`. The object the part was
 * looked up in last, in this render, gives what it gave then: the data does
 * not change while one render reads it, and a lookup of a name in an object
 * depends on the two alone. A third of a generate's later parts
 * ({{catalogue.extensions.x-clients.c.prefix}} in every file,
 * {{shape.e_enum}} in a type's partials). */
static ALWAYS_INLINE const void *later_part(struct mg_tpl_cjson_state *cj, const void *obj, const char *k,
                                            size_t n, uint32_t hash, node_memo *pm)
{
    if (pm->lobj == obj && pm->lserial == cj->serial)
        return pm->lval;
    const void *v = cj_get_at(cj, obj, k, n, hash, NULL, pm, 0);
    pm->lobj = obj;
    pm->lval = v;
    pm->lserial = cj->serial;
    return v;
}

/* The spec's name resolution: "." is the top of the stack; otherwise the first
 * part (its length `n`, up to the first dot) is looked up through the stack,
 * the rest only in what it found. Tags know `n` from parsing (a memchr per
 * lookup was 7 M instructions of a generate). */
static ALWAYS_INLINE const void *lookup_first(rstate *r, const ctxf *c, const node *k, const void **in,
                                              const void **slots)
{
    const char *name = k->str;
    size_t len = k->len, n = k->first;
    if (n == 0) /* ".": no other name starts with a dot */
        return c ? c->v : NULL;
    const void *v = NULL;
    struct mg_tpl_cjson_state *cj = r->cj;
    if (cj && slots && k->use) { /* what an earlier tag of the list found (reuse_names) */
        v = slots[k->use - 1];
    } else if (cj) { /* every tag that looks a name up has a memo (needs_memo) */
        /* Only the frames of objects with members (ctxf.names); the top
         * one first, out of the loop: most names are found there. */
        const ctxf *f = c ? c->names : NULL;
        if (f && (v = cj_get_in(cj, f->v, name, n, k->hash, f->ent, k->memo, NODE_MEMO - 1)) == NULL)
            for (f = f->below; f; f = f->below)
                if ((v = cj_get_in(cj, f->v, name, n, k->hash, f->ent, k->memo, NODE_MEMO - 1)) != NULL)
                    break;
    } else {
        for (; c; c = c->up)
            if ((v = get(r, c->v, name, n, k->hash, c->ent)) != NULL)
                break;
    }
    if (slots && k->keep_first)
        slots[k->keep_first - 1] = v;
    if (n == len || !v) /* no dot (most names), or nothing to look in */
        return v;
    const uint32_t *rest = k->rest ? k->rest : k->rest_in;
    for (size_t at = n, i = 0; v && at < len; i += 2) {
        const char *part = name + at + 1;
        *in = v;
        size_t pn = rest[i + 1];
        if (pn == UINT32_MAX) {
            const char *dot = memchr(part, '.', len - at - 1);
            pn = dot ? (size_t)(dot - part) : len - at - 1;
        }
        if (cj)
            v = later_part(cj, v, part, pn, rest[i], &k->memo[NODE_MEMO + i / 2]);
        else
            v = get(r, v, part, pn, rest[i], NULL);
        at += 1 + pn;
    }
    return v;
}

/* Appends to `hint` the keys of `obj` nearest to k[0..n) (at most three, each
 * named once), when any is close enough to be a likely typo. `best` carries
 * the distance found so far across calls: a closer key restarts the list. */
static void nearest_keys(const rstate *r, const void *obj, const char *k, size_t n, size_t *best,
                         mg_buf *hint, int *count)
{
    if (!obj || kind_of(r, obj) != MG_TV_OBJECT)
        return;
    size_t limit = mg_typo_distance(n); /* idd -> id, but never c -> x */
    void *self = r->src->self;
    for (const void *it = r->src->first(self, obj); it; it = r->src->next(self, it)) {
        const char *key = r->src->key(self, it);
        if (!key)
            continue;
        size_t dist = mg_edit_distance(k, n, key);
        if (dist > limit || dist > *best)
            continue;
        if (dist < *best) {
            *best = dist;
            mg_buf_reset(hint);
            *count = 0;
        }
        mg_buf name;
        mg_buf_init(&name);
        mg_buf_appendf(&name, "'%s'", key);
        int seen = hint->len && strstr(mg_buf_cstr(hint), mg_buf_cstr(&name)) != NULL;
        if (!seen && *count < 3) {
            mg_buf_appendf(hint, "%s%s", *count ? " or " : "", mg_buf_cstr(&name));
            (*count)++;
        }
        mg_buf_fini(&name);
    }
}

/* Strict rendering: reports the name that lookup_first() did not find, with the
 * nearest keys of the objects it was searched in, and returns 1. Returns 0
 * (nothing reported) when a dotted name stopped at a part that exists and is
 * null or false: "no value" is not a typo ({{#items.is_ref}} where the view
 * has items: null). */
static int report_missing(rstate *r, const mg_tpl *t, const node *k, const ctxf *c)
{
    const char *name = k->str;
    size_t len = k->len;
    const char *dot = memchr(name, '.', len);
    size_t n = dot ? (size_t)(dot - name) : len;
    const void *v = NULL;
    for (const ctxf *f = c; f; f = f->up)
        if ((v = get_name(r, f->v, name, n)) != NULL)
            break;
    const char *part = name; /* the part that was not found */
    const void *in = NULL;   /* where it was searched, when not the whole stack */
    while (v && dot) {
        part = dot + 1;
        size_t rest = len - (size_t)(part - name);
        dot = memchr(part, '.', rest);
        n = dot ? (size_t)(dot - part) : rest;
        in = v;
        v = get_name(r, in, part, n);
    }
    mg_tv_kind ink = in ? kind_of(r, in) : MG_TV_NULL;
    if (in && (ink == MG_TV_NULL || ink == MG_TV_FALSE))
        return 0;
    mg_buf hint;
    mg_buf_init(&hint);
    size_t best = (size_t)-1;
    int count = 0;
    if (in)
        nearest_keys(r, in, part, n, &best, &hint, &count);
    else
        for (const ctxf *f = c; f; f = f->up)
            nearest_keys(r, f->v, part, n, &best, &hint, &count);
    const char *what = k->kind == N_SECTION ? " (section)" : k->kind == N_INVERTED ? " (inverted section)" : "";
    mg_mark at = mg_mark_at(t->name, k->line, k->col);
    if (in && ink != MG_TV_OBJECT)
        mg_diag_error(r->d, at, "no key '%.*s' in the view%s: '%.*s' is not an object", (int)len, name,
                      what, (int)(part - 1 - name), name);
    else if (in)
        mg_diag_error(r->d, at, "no key '%.*s' in the view%s: '%.*s' has no member '%.*s'%s%s%s",
                      (int)len, name, what, (int)(part - 1 - name), name, (int)n, part,
                      count ? " (did you mean " : "", mg_buf_cstr(&hint), count ? "?)" : "");
    else
        mg_diag_error(r->d, at, "no key '%.*s' in the view%s%s%s%s", (int)len, name, what,
                      count ? " (did you mean " : "", mg_buf_cstr(&hint), count ? "?)" : "");
    mg_buf_fini(&hint);
    return 1;
}

/* lookup_first() for a tag: in strict mode a name the data does not have is an
 * error (*missing set, reported). "." always exists. */
static ALWAYS_INLINE const void *lookup_tag(rstate *r, const mg_tpl *t, const node *k, const ctxf *c, int *missing,
                                            const void **slots)
{
    const void *in = NULL;
    const void *v = lookup_first(r, c, k, &in, slots);
    *missing = 0;
    if (!v && r->strict && !(k->len == 1 && k->str[0] == '.')) {
        /* A dotted name that stopped at a part that is null or false is no
         * typo (report_missing's first test, without its walk again: 23 000
         * such lookups in a generate). */
        mg_tv_kind ink = in ? kind_of(r, in) : MG_TV_OBJECT;
        if (ink != MG_TV_NULL && ink != MG_TV_FALSE)
            *missing = report_missing(r, t, k, c);
    }
    return v;
}

/* The text of v, of kind `kind`: a string of a direct cJSON source without
 * the calls (`direct` covers a string's text too). */
static ALWAYS_INLINE const char *text_of(rstate *r, const void *v, mg_tv_kind kind, size_t *n)
{
    if (r->cj && kind == MG_TV_STRING) {
        const char *s = ((const cJSON *)v)->valuestring;
        s = s ? s : "";
        *n = strlen(s);
        return s;
    }
    if (r->cj && kind == MG_TV_NUMBER) { /* cj_text's, without the calls through the source */
        *n = (size_t)mg_tpl_format_number(((const cJSON *)v)->valuedouble, r->num);
        return r->num;
    }
    return r->src->text(r->src->self, v, n, &r->scratch);
}

/* Is v (of kind `kind`, from kind_of; MG_TV_NULL when v is NULL) truthy? */
static ALWAYS_INLINE int truthy(rstate *r, const void *v, mg_tv_kind kind)
{
    size_t n;
    switch (kind) {
    case MG_TV_NULL:
    case MG_TV_FALSE:
        return 0;
    case MG_TV_LIST:
        return (r->cj ? ((const cJSON *)v)->child : r->src->first(r->src->self, v)) != NULL;
    case MG_TV_STRING:
        if (r->cj) { /* non-empty: its first byte, not a strlen of it all */
            const char *s = ((const cJSON *)v)->valuestring;
            return s && s[0];
        }
        text_of(r, v, kind, &n);
        return n > 0;
    default:
        return 1;
    }
}

int mg_tpl_format_number(double v, char out[32])
{
    if (v == 0)
        return snprintf(out, 32, "0");
    if (isfinite(v) && v == floor(v) && fabs(v) < 1e15) { /* exact as a long long: no printf */
        long long i = (long long)v;
        unsigned long long u = i < 0 ? 0ULL - (unsigned long long)i : (unsigned long long)i;
        char tmp[24];
        int n = 0, len = 0;
        do
            tmp[n++] = (char)('0' + u % 10);
        while ((u /= 10) != 0);
        if (i < 0)
            out[len++] = '-';
        while (n > 0)
            out[len++] = tmp[--n];
        out[len] = '\0';
        return len;
    }
    if (isfinite(v) && v == floor(v) && fabs(v) < 1e17)
        return snprintf(out, 32, "%.0f", v);
    if (!isfinite(v))
        return snprintf(out, 32, "%s", isnan(v) ? "nan" : v > 0 ? "inf" : "-inf");
    /* %.17g always reads back exactly; we take the shortest precision that does. */
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(out, 32, "%.*g", prec, v);
        if (strtod(out, NULL) == v)
            break;
    }
    return (int)strlen(out);
}

/* mg_buf_append to the output without writing the NUL after each piece:
 * mg_tpl_render_data writes it once, when it hands the buffer back (nothing
 * reads the output while it is rendered; a sink's flush takes a length).
 * One store less per append, of about 300 000 in a generate. */
static ALWAYS_INLINE void out_append(rstate *r, const char *s, size_t n)
{
    mg_buf_reserve(&r->out, n); /* allocates the data, even for n == 0 */
    memcpy(r->out.data + r->out.len, s, n);
    r->out.len += n;
}

static void emit_indent(rstate *r)
{
    if (r->ind.len > r->ind_off)
        out_append(r, r->ind.data + r->ind_off, r->ind.len - r->ind_off);
}

/* A text node with `lines` while there is indentation: the indentation
 * before each later line that add_text would have given `bol` (one that is
 * not empty: not "\n", not "\r\n"). */
static __attribute__((noinline)) void emit_text_lines(rstate *r, const node *k)
{
    const char *s = k->str, *end = s + k->len;
    for (;;) {
        const char *nl = memchr(s, '\n', (size_t)(end - s));
        if (!nl) {
            out_append(r, s, (size_t)(end - s));
            return;
        }
        out_append(r, s, (size_t)(nl + 1 - s));
        s = nl + 1;
        if (s == end)
            return;
        if (*s != '\n' && !(*s == '\r' && s + 1 < end && s[1] == '\n'))
            emit_indent(r);
    }
}

/* A text node (its `bol` already seen to). */
static ALWAYS_INLINE void emit_text(rstate *r, const node *k)
{
    if (k->lines && r->ind.len > r->ind_off)
        emit_text_lines(r, k);
    else
        out_append(r, k->str, k->len);
}

static void emit_escaped(rstate *r, const char *s, size_t n, int raw)
{
    if (raw || r->esc == MG_ESCAPE_NONE)
        out_append(r, s, n);
    else
        mg_escape_append(&r->out, r->esc, s, n);
}

/* emit_value of a string of the cJSON source, escaped: see struct plain_ent. */
static void emit_cj_string(rstate *r, const cJSON *v)
{
    struct mg_tpl_cjson_state *cj = r->cj;
    const char *s = v->valuestring ? v->valuestring : "";
    uint32_t bit = (uint32_t)1 << r->esc;
    if (!cj->plain) {
        cj->plain = mg_xcalloc(PLAIN_MEMO, sizeof *cj->plain);
        cj->plain_cap = PLAIN_MEMO;
        cj->plain_evicted = 0;
    }
    struct plain_ent *e = &cj->plain[(((uintptr_t)s >> 3) ^ ((uintptr_t)s >> 14)) & (cj->plain_cap - 1)];
    if (e->s != s) {
        /* Grown when a string is not found (not tested on every hit). */
        if (cj->plain_evicted >= cj->plain_cap && cj->plain_cap < PLAIN_MEMO_MAX) {
            /* A new table, twice as big (what the old one knew is found again) */
            size_t cap = 2 * cj->plain_cap;
            free(cj->plain);
            cj->plain = mg_xcalloc(cap, sizeof *cj->plain);
            cj->plain_cap = cap;
            cj->plain_evicted = 0;
            e = &cj->plain[(((uintptr_t)s >> 3) ^ ((uintptr_t)s >> 14)) & (cj->plain_cap - 1)];
        }
        cj->plain_evicted += e->s != NULL;
        e->s = s;
        e->n = strlen(s);
        e->plain = e->escaped = 0;
    }
    if (!e->n)
        return;
    if (!((e->plain | e->escaped) & bit)) {
        if (mg_escape_is_plain(r->esc, s, e->n))
            e->plain |= bit;
        else
            e->escaped |= bit;
    }
    if (e->plain & bit)
        out_append(r, s, e->n);
    else
        mg_escape_append(&r->out, r->esc, s, e->n);
}

static void emit_value(rstate *r, const void *v, int raw)
{
    mg_tv_kind kind = v ? kind_of(r, v) : MG_TV_NULL;
    if (kind == MG_TV_NULL)
        return;
    /* Raw JSON is kept out. A source from mg_tpl_cjson_source_init (run.c's,
     * one per target, serving every file) keeps the memo from its first
     * render on (from its fifth, 1 000 messages' catalogue-wide files,
     * rendered first, escaped 330 000 strings without it); a render's own
     * (render_top) from its fifth, i.e. never: it would not use what it
     * allocates. (view.c's one-off sources escape nothing: MG_ESCAPE_NONE.) */
    if (kind == MG_TV_STRING && r->plain_memo && !raw && (((const cJSON *)v)->type & 0xFF) == cJSON_String) {
        emit_cj_string(r, v);
        return;
    }
    size_t n;
    const char *s = text_of(r, v, kind, &n);
    if (n)
        emit_escaped(r, s, n, raw);
}

/* Indentation: push a new current indentation (the current one plus `add`, or
 * nothing when `reset`), returning what pop_indent needs to restore. */
typedef struct {
    size_t off, len;
} indsave;

static __attribute__((noinline)) indsave push_indent_new(rstate *r, const char *add, size_t n, int reset)
{
    indsave sv = {r->ind_off, r->ind.len};
    size_t cur = reset ? 0 : r->ind.len - r->ind_off;
    mg_buf_reserve(&r->ind, cur + n);
    memmove(r->ind.data + r->ind.len, r->ind.data + r->ind_off, cur);
    r->ind.len += cur;
    mg_buf_append(&r->ind, add, n);
    r->ind_off = sv.len;
    return sv;
}

/* Nothing added to the current one, or nothing to reset (most partial
 * tags, 23 000 calls in a generate): it stays as it is, without a call. */
static ALWAYS_INLINE indsave push_indent(rstate *r, const char *add, size_t n, int reset)
{
    if (n == 0 && (!reset || r->ind.len == r->ind_off))
        return (indsave){r->ind_off, r->ind.len};
    return push_indent_new(r, add, n, reset);
}

static void pop_indent(rstate *r, indsave sv)
{
    r->ind.len = sv.len;
    r->ind_off = sv.off;
}

/* The bounds are tested before each node, as the counter of steps `left`
 * (r->steps_left, or render_nodes' copy of it) falls below 0 or the output
 * is larger than out_max. The output grows only where something is written
 * (text, a value, indentation), and after each of those note_output
 * compares its size: when it is too large, the counter is set to -1 (its
 * value kept in r->held), so that each node tests the counter alone (a
 * test of the output's size before each node was 3 M instructions of a
 * generate, for 450 000 nodes of which half write nothing). */
static ALWAYS_INLINE void note_output(rstate *r, long *left)
{
    if (mg_buf_total(&r->out) > r->out_max && !r->tripped) {
        r->held = *left;
        r->tripped = 1;
        *left = -1;
    }
}

static int render_nodes(rstate *r, const mg_tpl *t, const node *kids, size_t n, const ctxf *c,
                        const scope *sc);

/* Renders a block body that is inserted as a whole with new indentation: the
 * spec indents every line of it, including a first line that did not start a
 * line where it was written ("{{$b}}text{{/b}}"); lines that start with a tag
 * alone on its line are gone, and the others carry `bol` themselves. */
static int render_indented(rstate *r, const mg_tpl *t, const node *body, const ctxf *c,
                           const scope *sc)
{
    if (body->lead) {
        emit_indent(r);
        note_output(r, &r->steps_left);
    }
    return render_nodes(r, t, body->kids, body->nkids, c, sc);
}

static mg_mark mark_of(const mg_tpl *t, const node *k)
{
    return mg_mark_at(t->name, k->line, k->col);
}

/* Resolves the partial a partial or parent tag names (statically or through a
 * dynamic name). Returns 1 with *out, 0 when nothing is to be rendered, -1 on error. */
static int find_partial(rstate *r, const mg_tpl *t, const node *k, const ctxf *c, const mg_tpl **out)
{
    const char *name = k->str;
    size_t len = k->len;
    *out = NULL;
    if (k->dynamic) {
        const void *in = NULL;
        const void *v = lookup_first(r, c, k, &in, NULL);
        mg_tv_kind vk = v ? kind_of(r, v) : MG_TV_NULL;
        if (vk == MG_TV_STRING || vk == MG_TV_NUMBER) {
            /* valid until the next text(): the partial is found before it renders */
            name = r->src->text(r->src->self, v, &len, &r->scratch);
        } else {
            return 0; /* "Failed resolution of the dynamic name SHOULD result in nothing" */
        }
    }
    if (r->depth >= MG_MAX_PARTIAL_DEPTH) {
        mg_diag_error(r->d, mark_of(t, k),
                      "partial '%.*s' nested deeper than %d levels (does it include itself without end?)",
                      (int)len, name, MG_MAX_PARTIAL_DEPTH);
        return -1;
    }
    int rc = k->dynamic ? set_get(r->set, name, len, mark_of(t, k), r->d, out)
                        : set_get_node(r->set, t, k, r->d, out);
    if (rc > 0 && !(*out)->linked && r->set) {
        /* A dynamic name reached a partial not compiled yet: check its static
         * partials now (its own syntax was checked by set_get). */
        ((mg_tpl *)*out)->linked = 1;
        if (link_tpl(*out, r->set, r->d, r->depth + 1, r->rdepth) < 0)
            rc = -1;
    }
    return rc;
}

static int render_block(rstate *r, const mg_tpl *t, const node *k, const ctxf *c, const scope *sc)
{
    const node *ov = NULL;
    const scope *found = NULL;
    for (const scope *s = sc; s; s = s->outer)
        for (size_t i = 0; i < s->parent->nkids; i++) {
            const node *b = &s->parent->kids[i];
            if (b->len == k->len && memcmp(b->str, k->str, k->len) == 0) {
                ov = b;
                found = s;
            }
        }
    if (!ov) {
        if (!k->standalone)
            return render_nodes(r, t, k->kids, k->nkids, c, sc);
        indsave sv = push_indent(r, k->ind, k->ind_len, 0);
        int rc = render_indented(r, t, k, c, sc);
        pop_indent(r, sv);
        return rc;
    }
    if (r->depth >= MG_MAX_PARTIAL_DEPTH) {
        mg_diag_error(r->d, mark_of(t, k), "block '%.*s' nested deeper than %d levels",
                      (int)k->len, k->str, MG_MAX_PARTIAL_DEPTH);
        return -1;
    }
    r->depth++;
    /* The override renders in the context stack of the block it replaces, but
     * sees only the overrides that were in effect where it was written. */
    indsave sv = push_indent(r, k->ind, k->ind_len, !k->standalone);
    int rc = k->standalone ? render_indented(r, found->tpl, ov, c, found->outer)
                           : render_nodes(r, found->tpl, ov->kids, ov->nkids, c, found->outer);
    pop_indent(r, sv);
    r->depth--;
    return rc;
}

/* The bounds of a render, tested before each node: reports and returns -1
 * when node k of t is over them; returns 0 when the set's lazy bounds, asked
 * for here, leave room (r->steps_left raised by their difference). */
static __attribute__((noinline)) int too_large(rstate *r, const mg_tpl *t, const node *k)
{
    mg_tpl_set *s = r->set;
    while (s && s->limits) {
        /* The set's bounds, asked for now that a render needs them
         * (mg_tpl_set_limits_lazy): this render goes on under them, as if
         * it had begun with them. Asked again while fn has more to give
         * (bounds that grow) and the render is still past them. */
        long max_steps = 0;
        size_t max_output = 0;
        mg_tpl_limits_fn *fn = s->limits;
        void *user = s->limits_user;
        int more = fn(user, &max_steps, &max_output);
        mg_tpl_set_limits(s, max_steps, max_output);
        if (more) {
            s->limits = fn;
            s->limits_user = user;
        }
        if (s->max_steps) {
            r->steps_left += s->max_steps - r->max_steps;
            r->max_steps = s->max_steps;
        }
        if (s->max_output) {
            r->max_output = s->max_output;
            r->out_max = r->max_output > SIZE_MAX - r->start ? SIZE_MAX : r->start + r->max_output;
        }
        if (r->steps_left >= 0 && mg_buf_total(&r->out) <= r->out_max)
            return 0;
    }
    if (r->steps_left < 0)
        mg_diag_error(r->d, mark_of(t, k),
                      "template expansion too large: over %ld steps (do partials recurse over lists?)",
                      r->max_steps);
    else
        mg_diag_error(r->d, mark_of(t, k), "rendered output larger than %zu bytes", r->max_output);
    return -1;
}

/* The test before node k found the counter below 0 (`left`): the bounds of
 * before, as too_large tests them, with the counter as it would be had
 * note_output not set it (one node counted since). Returns the counter to
 * go on with (0 or more), or -1 when k is over them (reported). */
static __attribute__((noinline)) long over_bounds(rstate *r, const mg_tpl *t, const node *k, long left)
{
    if (r->tripped) {
        left = r->held - 1;
        r->tripped = 0;
    }
    if (left >= 0 && mg_buf_total(&r->out) <= r->out_max)
        return left;
    r->steps_left = left;
    if (too_large(r, t, k) < 0)
        return -1;
    return r->steps_left;
}

/* render_nodes of the body of section or inverted section k in context c:
 * a body that is one text node ("{{#x}}, {{/x}}": 18 000 of a generate's
 * 116 000 calls of render_nodes) is written here, as render_nodes would,
 * without the call. */
static ALWAYS_INLINE int render_body(rstate *r, const mg_tpl *t, const node *k, const ctxf *c,
                                     const scope *sc)
{
    const node *b = k->kids;
    if (k->nkids != 1 || b->kind != N_TEXT || r->rdepth >= RENDER_MAX_DEPTH)
        return render_nodes(r, t, k->kids, k->nkids, c, sc);
    if (--r->steps_left < 0 && (r->steps_left = over_bounds(r, t, b, r->steps_left)) < 0)
        return -1;
    if (b->bol)
        emit_indent(r);
    emit_text(r, b);
    note_output(r, &r->steps_left);
    return 0;
}

static ALWAYS_INLINE int render_tag(rstate *r, const mg_tpl *t, const node *k, const ctxf *c, const scope *sc,
                                    const void *v);

/* `k` is one of a list of nodes rendered in context `c`. `seen`: what the
 * node before it looked up; `left`: r->steps_left, which render_nodes keeps
 * in a local while its text and variables render, and which is in r while
 * anything else does (a load and a store of r->steps_left per node were
 * 4 % of the render loop's instructions). */
static ALWAYS_INLINE int render_node(rstate *r, const mg_tpl *t, const node *k, const ctxf *c, const scope *sc,
                                     const void **seen, long *left, const void **slots)
{
    if (--*left < 0 && (*left = over_bounds(r, t, k, *left)) < 0)
        return -1;
    /* emit_indent, without its call when there is no indentation (most
     * lines of most files: 0.2 M instructions of a generate) */
    if (k->bol && r->ind.len > r->ind_off) {
        emit_indent(r);
        note_output(r, left);
    }
    if (k->kind == N_TEXT) {
        emit_text(r, k);
        note_output(r, left);
        return 0;
    }
    /* One lookup for the three kinds of tag that have one: lookup_tag is
     * inlined once, not called (270 000 calls in a generate). */
    const void *v = NULL;
    if (k->kind == N_VAR || k->kind == N_SECTION || k->kind == N_INVERTED) {
        /* {{#x}}...{{/x}}{{^x}}...{{/x}}: the inverted section's name is
         * the section's, in the same context: the value it found, not a
         * lookup again (half the inverted sections of the shipped
         * templates; 4 M instructions of a generate). The cJSON source's
         * values stay as they are for the whole render; another source's
         * need not. */
        if (!(k->reuse | k->after_same)) {
            /* No slot to read or fill: lookup_tag without them (the
             * compiler drops their tests from this copy). */
            int missing;
            v = lookup_tag(r, t, k, c, &missing, NULL);
            if (missing)
                return -1;
            *seen = v;
        } else if (k->after_same && r->cj) {
            v = *seen;
        } else if (k->use_full && r->cj && ((v = slots[k->use - 1]) != NULL || !r->strict)) {
            /* The value an earlier tag of the list found for the same
             * name (reuse_names). Nothing found, in strict mode, is looked
             * up again: it is an error unless the name stopped at a null
             * or false, which only the lookup tells. */
            *seen = v;
        } else {
            int missing;
            v = lookup_tag(r, t, k, c, &missing, slots);
            if (missing)
                return -1;
            *seen = v;
            if (k->keep_full)
                slots[k->keep_full - 1] = v;
        }
    }
    if (k->kind == N_VAR) {
        emit_value(r, v, k->raw);
        note_output(r, left);
        return 0;
    }
    r->steps_left = *left;
    int rc = render_tag(r, t, k, c, sc, v);
    *left = r->steps_left;
    return rc;
}

/* render_node of a tag that renders nodes in its turn (a section, an
 * inverted section, a partial, a parent or a block), with r->steps_left
 * current. `v` is what a section or inverted section found. */
static ALWAYS_INLINE int render_tag(rstate *r, const mg_tpl *t, const node *k, const ctxf *c, const scope *sc,
                                    const void *v)
{
    switch (k->kind) {
    case N_TEXT:
    case N_VAR:
        return 0;
    case N_SECTION: {
        /* One kind_of per section; a list is iterated without asking first
         * whether it is empty (truthy's call to `first`). */
        mg_tv_kind vk = v ? kind_of(r, v) : MG_TV_NULL;
        if (vk != MG_TV_LIST && !truthy(r, v, vk))
            return 0;
        if (vk == MG_TV_LIST && r->cj) { /* a list's items, without the calls */
            for (const cJSON *it = ((const cJSON *)v)->child; it; it = it->next) {
                size_t ent = 0;
                ctxf f;
                push_frame(r, &f, it, c, &ent, cj_has_members(it));
                if (render_body(r, t, k, &f, sc) < 0)
                    return -1;
            }
            return 0;
        }
        if (vk == MG_TV_LIST) {
            void *self = r->src->self;
            for (const void *it = r->src->first(self, v); it; it = r->src->next(self, it)) {
                size_t ent = 0;
                ctxf f;
                push_frame(r, &f, it, c, &ent, 0);
                if (render_nodes(r, t, k->kids, k->nkids, &f, sc) < 0)
                    return -1;
            }
            return 0;
        }
        size_t ent = 0;
        ctxf f;
        push_frame(r, &f, v, c, &ent, vk == MG_TV_OBJECT && r->cj && ((const cJSON *)v)->child);
        return render_body(r, t, k, &f, sc);
    }
    case N_INVERTED: {
        if (truthy(r, v, v ? kind_of(r, v) : MG_TV_NULL))
            return 0;
        return render_body(r, t, k, c, sc);
    }
    case N_PARTIAL:
    case N_PARENT: {
        /* A static name this set resolved before (set_get_node), without
         * the call (24 000 partial tags in a generate). */
        const mg_tpl *pt = k->ptpl;
        int rc;
        if (k->dynamic || !r->set || k->pserial != r->set->serial || r->depth >= MG_MAX_PARTIAL_DEPTH) {
            rc = find_partial(r, t, k, c, &pt);
            if (rc <= 0)
                return rc;
        }
        scope inner = {t, k, sc};
        r->depth++;
        indsave sv = push_indent(r, k->ind, k->ind_len, !k->standalone);
        rc = render_nodes(r, pt, pt->kids, pt->nkids, c, k->kind == N_PARENT ? &inner : sc);
        pop_indent(r, sv);
        r->depth--;
        return rc;
    }
    case N_BLOCK:
        return render_block(r, t, k, c, sc);
    }
    return 0;
}

static int render_nodes(rstate *r, const mg_tpl *t, const node *kids, size_t n, const ctxf *c,
                        const scope *sc)
{
    if (++r->rdepth > RENDER_MAX_DEPTH) {
        const node *k = n ? &kids[0] : NULL;
        mg_diag_error(r->d, k ? mark_of(t, k) : mg_mark_at(t->name, 0, 0),
                      "template expansion nested deeper than %d levels", RENDER_MAX_DEPTH);
        r->rdepth--;
        return -1;
    }
    int rc = 0;
    const void *seen = NULL;
    /* Values found by tags of this list for later ones (reuse_names): each
     * slot is written by its tag before any later tag reads it. */
    const void *slots[REUSE_SLOTS];
    long left = r->steps_left;
    for (const node *k = kids, *end = kids + n; k < end; k++)
        if (render_node(r, t, k, c, sc, &seen, &left, slots) != 0) {
            rc = -1;
            break;
        }
    r->steps_left = left;
    r->rdepth--;
    return rc;
}

int mg_tpl_render_data_over(const mg_tpl *t, const mg_tpl_source *src, const void *outer, const void *data,
                            mg_tpl_set *partials, mg_escape esc, int strict, mg_buf *out, mg_diag *d)
{
    /* Linking again with the same set would find the same partials, all
     * compiled already (a generate renders a template once per message). */
    if (partials ? t->linked_set != partials->serial : !t->linked_none) {
        if (link_tpl(t, partials, d, 0, 0) < 0)
            return -1;
        if (partials)
            ((mg_tpl *)t)->linked_set = partials->serial;
        else
            ((mg_tpl *)t)->linked_none = 1;
    }
    if (strict && !t->blocks_ok) {
        if (check_tpl(t, partials, d, 0) < 0)
            return -1;
        ((mg_tpl *)t)->blocks_ok = 1;
    }
    struct mg_tpl_cjson_state *cj = src->get == cj_get ? src->self : src->direct ? src->direct->st : NULL;
    if (cj) { /* a new epoch for the shapes' memos, a new serial for the tags' */
        static uint64_t serials;
        cj->epoch++;
        cj->serial = ++serials;
    }
    rstate r;
    memset(&r, 0, sizeof r);
    r.set = partials;
    r.esc = esc;
    r.out = *out;
    r.d = d;
    r.strict = strict;
    r.start = mg_buf_total(out);
    r.max_steps = partials && partials->max_steps ? partials->max_steps : MG_MAX_RENDER_STEPS;
    r.steps_left = r.max_steps;
    r.max_output = partials && partials->max_output ? partials->max_output : MG_MAX_OUTPUT_BYTES;
    r.out_max = r.max_output > SIZE_MAX - r.start ? SIZE_MAX : r.start + r.max_output;
    r.src = src;
    r.cj = cj;
    r.plain_memo = cj && esc != MG_ESCAPE_NONE && esc <= MG_ESCAPE_AUTO && (cj->lasting || cj->epoch > 4);
    mg_buf_init(&r.ind);
    mg_buf_init(&r.scratch);
    size_t ent = 0, outer_ent = 0;
    ctxf below, root;
    push_frame(&r, &below, outer, NULL, &outer_ent, cj && outer && cj_has_members(outer));
    push_frame(&r, &root, data, outer ? &below : NULL, &ent, cj && data && cj_has_members(data));
    int rc = render_nodes(&r, t, t->kids, t->nkids, data || outer ? &root : NULL, NULL);
    if (r.out.data) /* out_append's NULs, all at once (mg_buf_reserve kept room) */
        r.out.data[r.out.len] = '\0';
    *out = r.out;
    mg_buf_fini(&r.scratch);
    mg_buf_fini(&r.ind);
    return rc;
}

int mg_tpl_render_data(const mg_tpl *t, const mg_tpl_source *src, const void *data,
                       mg_tpl_set *partials, mg_escape esc, int strict, mg_buf *out, mg_diag *d)
{
    return mg_tpl_render_data_over(t, src, NULL, data, partials, esc, strict, out, d);
}

static int render_top(const mg_tpl *t, const cJSON *data, mg_tpl_set *partials, mg_escape esc,
                      int strict, mg_buf *out, mg_diag *d)
{
    mg_tpl_cjson cj;
    struct mg_tpl_cjson_state st;
    cjson_source_init_in(&cj, &st);
    int rc = mg_tpl_render_data(t, &cj.src, data, partials, esc, strict, out, d);
    cjson_source_fini_in(&st);
    return rc;
}

int mg_tpl_render(const mg_tpl *t, const cJSON *data, mg_tpl_set *partials, mg_escape esc,
                  mg_buf *out, mg_diag *d)
{
    return render_top(t, data, partials, esc, 0, out, d);
}

int mg_tpl_render_strict(const mg_tpl *t, const cJSON *data, mg_tpl_set *partials, mg_escape esc,
                         mg_buf *out, mg_diag *d)
{
    return render_top(t, data, partials, esc, 1, out, d);
}

static int render_string(const char *name, const char *src, const cJSON *data, mg_escape esc,
                         int strict, mg_buf *out, mg_diag *d)
{
    mg_tpl *t = mg_tpl_parse(name, src, strlen(src), d);
    if (!t)
        return -1;
    int rc = render_top(t, data, NULL, esc, strict, out, d);
    mg_tpl_free(t);
    return rc;
}

int mg_tpl_render_string(const char *name, const char *src, const cJSON *data, mg_escape esc,
                         mg_buf *out, mg_diag *d)
{
    return render_string(name, src, data, esc, 0, out, d);
}

int mg_tpl_render_string_strict(const char *name, const char *src, const cJSON *data,
                                mg_escape esc, mg_buf *out, mg_diag *d)
{
    return render_string(name, src, data, esc, 1, out, d);
}

/* ---- the names a template reads --------------------------------------- */

static void name_parts(const char *name, size_t len, mg_tpl_name_fn *fn, void *user)
{
    if (len == 1 && name[0] == '.')
        return;
    size_t at = 0;
    while (at < len) {
        const char *dot = memchr(name + at, '.', len - at);
        size_t pn = dot ? (size_t)(dot - (name + at)) : len - at;
        fn(user, name + at, pn);
        at += pn + 1;
    }
}

static void names_of(const node *kids, size_t n, mg_tpl_name_fn *fn, void *user)
{
    for (size_t i = 0; i < n; i++) {
        const node *k = &kids[i];
        if (k->kind == N_VAR || k->kind == N_SECTION || k->kind == N_INVERTED ||
            ((k->kind == N_PARTIAL || k->kind == N_PARENT) && k->dynamic))
            name_parts(k->str, k->len, fn, user);
        if (k->nkids)
            names_of(k->kids, k->nkids, fn, user);
    }
}

void mg_tpl_names(const mg_tpl *t, mg_tpl_name_fn *fn, void *user)
{
    names_of(t->kids, t->nkids, fn, user);
}

int mg_tpl_names_complete(const mg_tpl *t)
{
    return !t->has_parent;
}

static void names_quiet(void *user, const char *line)
{
    (void)user;
    (void)line;
}

int mg_tpl_names_text(const char *src, size_t len, mg_tpl_name_fn *fn, void *user)
{
    /* Phase 1 only: the tags, following set-delimiter tags, are all we need,
     * and the other phases were most of the cost of compiling every file of
     * four targets once more. Errors are not reported: with one line start
     * known, positions would be wrong anyway. */
    mg_diag quiet;
    mg_diag_init_sink(&quiet, names_quiet, NULL);
    size_t line0 = 0;
    parser p;
    memset(&p, 0, sizeof p);
    p.name = "";
    p.src = len ? src : "";
    p.len = len;
    p.d = &quiet;
    p.lines = &line0;
    p.nlines = 1;
    p.capt = 16 + len / 32;
    p.t = mg_xmalloc(p.capt * sizeof *p.t);
    int rc = tokenize(&p);
    for (size_t i = 0; rc == 0 && i < p.nt; i++) {
        const tok *t = &p.t[i];
        if (t->kind == T_VAR || t->kind == T_SECTION || t->kind == T_INVERTED ||
            ((t->kind == T_PARTIAL || t->kind == T_PARENT) && t->dynamic))
            name_parts(src + t->ns, t->ne - t->ns, fn, user);
    }
    free(p.t);
    return rc == 0 && p.errors == 0 ? 0 : -1;
}
