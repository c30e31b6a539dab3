/* rx.c - patterns to linear-time programs, and the VM that runs them (rx.h).
 *
 * Two steps: a recursive-descent parser builds a small tree (sets of code
 * point ranges, concatenation, alternation, repetition, assertions), then the
 * Thompson construction turns it into instructions; counted repetition
 * {n,m} is expanded into copies, which is why programs have a size limit.
 * Whatever the parser does not know for certain to mean the same in PCRE2 is
 * refused ("unsupported"), so a compiled program never disagrees with PCRE2;
 * the refused patterns stay with PCRE2 and its backtracking limit.
 */
#include "rx.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

#define MAX_CP 0x10FFFFu
#define MAX_GROUP_DEPTH 250 /* PCRE2's default parenthesis nesting limit */
#define MAX_COUNT 1000      /* larger {n,m} bounds make programs too large anyway */

enum { N_EMPTY, N_SET, N_CAT, N_ALT, N_REP, N_ASSERT };

typedef struct node {
    int kind;
    int first, next;  /* children (CAT, ALT, REP: one), next sibling; -1 = none */
    int min, max;     /* REP: max -1 is unbounded */
    int op;           /* ASSERT: MG_RX_BOL, ... */
    size_t set, nset; /* SET: ranges at set .. set + nset in the range pool (pairs) */
} node;

typedef struct rx {
    const unsigned char *p;
    node *nodes;
    size_t nnodes, cap;
    uint32_t *ranges; /* pairs lo, hi */
    size_t nranges, rcap;
    const char *why; /* set on the first refusal */
    int depth;
} rx;

/* ---- helpers ------------------------------------------------------------ */

static int new_node(rx *r, int kind)
{
    r->nodes = mg_xgrow(r->nodes, r->nnodes, &r->cap, sizeof *r->nodes);
    node *n = &r->nodes[r->nnodes];
    memset(n, 0, sizeof *n);
    n->kind = kind;
    n->first = n->next = -1;
    return (int)r->nnodes++;
}

static int refuse(rx *r, const char *why)
{
    if (!r->why)
        r->why = why;
    return -1;
}

/* One UTF-8 sequence at *s; -1 if invalid (overlong, surrogate, > U+10FFFF). */
static long utf8_next(const unsigned char **s, const unsigned char *end)
{
    const unsigned char *p = *s;
    if (p >= end)
        return -1;
    unsigned c = *p;
    int n = c < 0x80 ? 0 : (c & 0xE0) == 0xC0 ? 1 : (c & 0xF0) == 0xE0 ? 2 : (c & 0xF8) == 0xF0 ? 3 : -1;
    if (n < 0 || end - p <= n)
        return -1;
    uint32_t cp = n == 0 ? c : n == 1 ? c & 0x1F : n == 2 ? c & 0x0F : c & 0x07;
    for (int i = 1; i <= n; i++) {
        if ((p[i] & 0xC0) != 0x80)
            return -1;
        cp = cp << 6 | (p[i] & 0x3F);
    }
    static const uint32_t least[] = {0, 0x80, 0x800, 0x10000};
    if (cp < least[n] || cp > MAX_CP || (cp >= 0xD800 && cp <= 0xDFFF))
        return -1;
    *s = p + n + 1;
    return (long)cp;
}

static int hexval(int c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

static int is_alnum(int c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

/* ---- sets ------------------------------------------------------------------ */

typedef struct rset {
    uint32_t *v; /* pairs */
    size_t n, cap;
} rset;

static void set_add(rset *s, uint32_t lo, uint32_t hi)
{
    if (s->n + 2 > s->cap) {
        s->cap = s->cap ? 2 * s->cap : 16;
        s->v = mg_xrealloc(s->v, s->cap * sizeof *s->v);
    }
    s->v[s->n++] = lo;
    s->v[s->n++] = hi;
}

static int cmp_pair(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

/* Sorted, merged; the complement when `negate`. */
static void set_normalise(rset *s, int negate)
{
    qsort(s->v, s->n / 2, 2 * sizeof *s->v, cmp_pair);
    size_t w = 0;
    for (size_t i = 0; i < s->n; i += 2) {
        if (w && s->v[i] <= s->v[w - 1] + 1) {
            if (s->v[i + 1] > s->v[w - 1])
                s->v[w - 1] = s->v[i + 1];
        } else {
            s->v[w++] = s->v[i];
            s->v[w++] = s->v[i + 1];
        }
    }
    s->n = w;
    if (!negate)
        return;
    rset c = {NULL, 0, 0};
    uint32_t next = 0;
    for (size_t i = 0; i < s->n; i += 2) {
        if (s->v[i] > next)
            set_add(&c, next, s->v[i] - 1);
        next = s->v[i + 1] + 1;
    }
    if (next <= MAX_CP)
        set_add(&c, next, MAX_CP);
    free(s->v);
    *s = c;
}

/* \d \w \s and their negations into s (PCRE2 without UCP: ASCII only). */
static void class_escape(rset *s, int e)
{
    rset t = {NULL, 0, 0};
    switch (e | 0x20) {
    case 'd':
        set_add(&t, '0', '9');
        break;
    case 'w':
        set_add(&t, '0', '9');
        set_add(&t, 'A', 'Z');
        set_add(&t, '_', '_');
        set_add(&t, 'a', 'z');
        break;
    default: /* 's': HT LF VT FF CR and space */
        set_add(&t, 9, 13);
        set_add(&t, ' ', ' ');
        break;
    }
    set_normalise(&t, e >= 'A' && e <= 'Z');
    for (size_t i = 0; i < t.n; i += 2)
        set_add(s, t.v[i], t.v[i + 1]);
    free(t.v);
}

static int set_node(rx *r, rset *s, int negate)
{
    set_normalise(s, negate);
    int id = new_node(r, N_SET);
    r->nodes[id].set = r->nranges;
    r->nodes[id].nset = s->n / 2;
    for (size_t i = 0; i < s->n; i++) {
        r->ranges = mg_xgrow(r->ranges, r->nranges, &r->rcap, sizeof *r->ranges);
        r->ranges[r->nranges++] = s->v[i];
    }
    free(s->v);
    return id;
}

/* ---- parser ------------------------------------------------------------------ */

/* An escape after the backslash that stands for one code point: the code
 * point, -2 for a class escape (\d ...; *cls set), -1 refused. */
static long escape_char(rx *r, int in_class, int *cls)
{
    int e = *r->p;
    if (!e)
        return refuse(r, "invalid");
    r->p++;
    switch (e) {
    case 'd': case 'D': case 'w': case 'W': case 's': case 'S':
        *cls = e;
        return -2;
    case 't': return 9;
    case 'n': return 10;
    case 'v': return 11;
    case 'f': return 12;
    case 'r': return 13;
    case 'b':
        if (in_class)
            return 8;
        return refuse(r, "invalid"); /* the caller handles \b outside classes */
    case '0':
        if (*r->p >= '0' && *r->p <= '9')
            return refuse(r, "an octal escape");
        return 0;
    case 'x': {
        int a = hexval(r->p[0]), b = a >= 0 ? hexval(r->p[1]) : -1;
        if (b < 0)
            return refuse(r, "\\x without two hex digits");
        r->p += 2;
        return a * 16 + b;
    }
    case 'u': {
        long v = 0;
        for (int i = 0; i < 4; i++) {
            int h = hexval(r->p[i]);
            if (h < 0)
                return refuse(r, "\\u without four hex digits");
            v = v * 16 + h;
        }
        if (v >= 0xD800 && v <= 0xDFFF)
            return refuse(r, "a surrogate \\u escape");
        r->p += 4;
        return v;
    }
    default:
        if (e >= '1' && e <= '9')
            return refuse(r, "a backreference");
        if (is_alnum(e) || e >= 0x80)
            return refuse(r, "an escape PCRE2 and ECMA-262 read differently");
        return e; /* an escaped punctuation character is itself */
    }
}

static int parse_alt(rx *r);

static int parse_class(rx *r)
{
    rset s = {NULL, 0, 0};
    int negate = 0;
    if (*r->p == '^') {
        negate = 1;
        r->p++;
    }
    if (*r->p == ']') { /* '[]' and '[^]': PCRE2 reads a ']' member, ECMA-262 an empty class */
        free(s.v);
        return refuse(r, "an empty class");
    }
    const unsigned char *end = r->p + strlen((const char *)r->p);
    while (*r->p != ']') {
        if (!*r->p) {
            free(s.v);
            return refuse(r, "invalid");
        }
        if (r->p[0] == '[' && (r->p[1] == ':' || r->p[1] == '.' || r->p[1] == '=')) {
            free(s.v);
            return refuse(r, "a POSIX class");
        }
        long lo;
        int cls = 0;
        if (*r->p == '\\') {
            r->p++;
            lo = escape_char(r, 1, &cls);
        } else
            lo = utf8_next(&r->p, end);
        if (lo == -1) {
            free(s.v);
            return refuse(r, "invalid");
        }
        if (cls) {
            if (r->p[0] == '-' && r->p[1] != ']') {
                free(s.v);
                return refuse(r, "a range with a class escape");
            }
            class_escape(&s, cls);
            continue;
        }
        long hi = lo;
        if (r->p[0] == '-' && r->p[1] != ']' && r->p[1]) {
            r->p++;
            if (*r->p == '\\') {
                r->p++;
                hi = escape_char(r, 1, &cls);
            } else
                hi = utf8_next(&r->p, end);
            if (hi < 0 || cls || hi < lo) {
                free(s.v);
                return refuse(r, hi == -2 ? "a range with a class escape" : "invalid");
            }
        }
        set_add(&s, (uint32_t)lo, (uint32_t)hi);
    }
    r->p++;
    return set_node(r, &s, negate);
}

/* {n}, {n,}, {n,m}: 1 and the bounds, 0 when the brace is not a quantifier
 * (then it is a literal '{', as in PCRE2), -1 refused. */
static int parse_braces(rx *r, int *min, int *max)
{
    const unsigned char *p = r->p + 1;
    if (*p == ',')
        return refuse(r, "a {,n} quantifier"); /* PCRE2 10.43 reads it as {0,n}, older ones as text */
    if (*p < '0' || *p > '9')
        return 0;
    long a = 0, b;
    while (*p >= '0' && *p <= '9')
        if ((a = a * 10 + (*p++ - '0')) > MAX_COUNT)
            return refuse(r, "a repetition count over 1000");
    if (*p == '}')
        b = a;
    else if (*p == ',') {
        p++;
        if (*p == '}')
            b = -1;
        else {
            if (*p < '0' || *p > '9')
                return 0;
            b = 0;
            while (*p >= '0' && *p <= '9')
                if ((b = b * 10 + (*p++ - '0')) > MAX_COUNT)
                    return refuse(r, "a repetition count over 1000");
            if (*p != '}')
                return 0;
            if (b < a)
                return refuse(r, "invalid");
        }
    } else
        return 0;
    r->p = p + 1;
    *min = (int)a;
    *max = (int)b;
    return 1;
}

/* One atom and its quantifier; -1 refused, -2 at the end of a branch. */
static int parse_piece(rx *r)
{
    const unsigned char *end = r->p + strlen((const char *)r->p);
    int atom = -1, repeatable = 1;
    int c = *r->p;
    switch (c) {
    case '\0':
    case '|':
    case ')':
        return -2;
    case '*':
    case '+':
    case '?':
        return refuse(r, "invalid");
    case '{': {
        int min, max;
        const unsigned char *at = r->p;
        int q = parse_braces(r, &min, &max);
        r->p = at;
        if (q != 0)
            return refuse(r, "invalid"); /* a quantifier with nothing to repeat */
        r->p++;
        rset s = {NULL, 0, 0};
        set_add(&s, '{', '{');
        atom = set_node(r, &s, 0);
        break;
    }
    case '(':
        r->p++;
        if (*r->p == '?') {
            if (r->p[1] == ':')
                r->p += 2;
            else if (r->p[1] == '<' && r->p[2] != '=' && r->p[2] != '!') {
                /* (?<name>...): a named group, only a group here */
                const unsigned char *q = r->p + 2;
                if (!((*q >= 'A' && *q <= 'Z') || (*q >= 'a' && *q <= 'z') || *q == '_'))
                    return refuse(r, "invalid");
                while (is_alnum(*q) || *q == '_')
                    q++;
                if (*q != '>')
                    return refuse(r, "invalid");
                r->p = q + 1;
            } else
                return refuse(r, "lookaround or a (? construct");
        }
        if (++r->depth > MAX_GROUP_DEPTH)
            return refuse(r, "groups nested too deeply");
        atom = parse_alt(r);
        r->depth--;
        if (atom < 0)
            return -1;
        if (*r->p != ')')
            return refuse(r, "invalid");
        r->p++;
        break;
    case '[':
        r->p++;
        atom = parse_class(r);
        if (atom < 0)
            return -1;
        break;
    case '.': {
        r->p++;
        rset s = {NULL, 0, 0};
        set_add(&s, '\n', '\n');
        atom = set_node(r, &s, 1);
        break;
    }
    case '^':
    case '$':
        r->p++;
        atom = new_node(r, N_ASSERT);
        r->nodes[atom].op = c == '^' ? MG_RX_BOL : MG_RX_EOL;
        repeatable = 0;
        break;
    case '\\':
        if (r->p[1] == 'b' || r->p[1] == 'B') {
            atom = new_node(r, N_ASSERT);
            r->nodes[atom].op = r->p[1] == 'b' ? MG_RX_WORDB : MG_RX_NWORDB;
            r->p += 2;
            repeatable = 0;
            break;
        } else {
            r->p++;
            int cls = 0;
            long cp = escape_char(r, 0, &cls);
            if (cp == -1)
                return -1;
            rset s = {NULL, 0, 0};
            if (cls)
                class_escape(&s, cls);
            else
                set_add(&s, (uint32_t)cp, (uint32_t)cp);
            atom = set_node(r, &s, 0);
        }
        break;
    default: {
        long cp = utf8_next(&r->p, end);
        if (cp < 0)
            return refuse(r, "invalid UTF-8");
        rset s = {NULL, 0, 0};
        set_add(&s, (uint32_t)cp, (uint32_t)cp);
        atom = set_node(r, &s, 0);
        break;
    }
    }
    int min, max;
    c = *r->p;
    if (c == '*' || c == '+' || c == '?')
        min = c == '+', max = c == '?' ? 1 : -1, r->p++;
    else if (c == '{') {
        int q = parse_braces(r, &min, &max);
        if (q < 0)
            return -1;
        if (q == 0)
            return atom;
    } else
        return atom;
    if (!repeatable)
        return refuse(r, "a quantified assertion");
    if (*r->p == '?')
        r->p++; /* lazy: the same verdict */
    else if (*r->p == '+')
        return refuse(r, "a possessive quantifier");
    if (*r->p == '*' || *r->p == '+' || *r->p == '?' || (*r->p == '{' && r->p[1] >= '0' && r->p[1] <= '9'))
        return refuse(r, "invalid");
    int rep = new_node(r, N_REP);
    r->nodes[rep].first = atom;
    r->nodes[rep].min = min;
    r->nodes[rep].max = max;
    return rep;
}

static int parse_cat(rx *r)
{
    int cat = new_node(r, N_CAT), last = -1;
    for (;;) {
        int piece = parse_piece(r);
        if (piece == -2)
            return cat;
        if (piece < 0)
            return -1;
        if (last < 0)
            r->nodes[cat].first = piece;
        else
            r->nodes[last].next = piece;
        last = piece;
    }
}

static int parse_alt(rx *r)
{
    int first = parse_cat(r);
    if (first < 0 || *r->p != '|')
        return first;
    int alt = new_node(r, N_ALT), last = first;
    r->nodes[alt].first = first;
    while (*r->p == '|') {
        r->p++;
        int next = parse_cat(r);
        if (next < 0)
            return -1;
        r->nodes[last].next = next;
        last = next;
    }
    return alt;
}

/* ---- code generation ----------------------------------------------------------- */

typedef struct code {
    int *v;
    size_t n, cap;
    int full;
} code;

static size_t put(code *c, int x)
{
    if (c->n >= MG_RX_MAX_PROGRAM) {
        c->full = 1;
        return c->n;
    }
    c->v = mg_xgrow(c->v, c->n, &c->cap, sizeof *c->v);
    c->v[c->n] = x;
    return c->n++;
}

static void set_at(code *c, size_t at, int x)
{
    if (at < c->n)
        c->v[at] = x;
}

static void emit(const rx *r, code *c, int id)
{
    const node *n = &r->nodes[id];
    if (c->full)
        return;
    switch (n->kind) {
    case N_SET:
        put(c, MG_RX_SET);
        put(c, (int)n->nset);
        for (size_t i = 0; i < 2 * n->nset; i++)
            put(c, (int)r->ranges[n->set + i]);
        break;
    case N_CAT:
        for (int k = n->first; k >= 0; k = r->nodes[k].next)
            emit(r, c, k);
        break;
    case N_ALT: {
        /* SPLIT next_try, here: a; JMP end; ... the jumps to the end patched last */
        size_t jumps[64], nj = 0;
        size_t *jv = jumps;
        int heap = 0;
        int count = 0;
        for (int k = n->first; k >= 0; k = r->nodes[k].next)
            count++;
        if (count > 64) {
            jv = mg_xmalloc((size_t)count * sizeof *jv);
            heap = 1;
        }
        for (int k = n->first; k >= 0; k = r->nodes[k].next) {
            if (r->nodes[k].next >= 0) {
                size_t split = put(c, MG_RX_SPLIT);
                put(c, (int)split + 3);
                size_t other = put(c, 0);
                emit(r, c, k);
                put(c, MG_RX_JMP);
                jv[nj++] = put(c, 0);
                set_at(c, other, (int)c->n);
            } else
                emit(r, c, k);
        }
        for (size_t i = 0; i < nj; i++)
            set_at(c, jv[i], (int)c->n);
        if (heap)
            free(jv);
        break;
    }
    case N_REP:
        for (int i = 0; i < n->min && !c->full; i++)
            emit(r, c, n->first);
        if (n->max < 0) {
            size_t loop = put(c, MG_RX_SPLIT);
            put(c, (int)loop + 3);
            size_t out = put(c, 0);
            emit(r, c, n->first);
            put(c, MG_RX_JMP);
            put(c, (int)loop);
            set_at(c, out, (int)c->n);
        } else {
            size_t *outs = mg_xmalloc((size_t)(n->max - n->min + 1) * sizeof *outs), no = 0;
            for (int i = n->min; i < n->max && !c->full; i++) {
                size_t split = put(c, MG_RX_SPLIT);
                put(c, (int)split + 3);
                outs[no++] = put(c, 0);
                emit(r, c, n->first);
            }
            for (size_t i = 0; i < no; i++)
                set_at(c, outs[i], (int)c->n);
            free(outs);
        }
        break;
    case N_ASSERT:
        put(c, n->op);
        break;
    default:
        break;
    }
}

int mg_rx_compile(const char *pattern, int **prog, size_t *len, const char **why)
{
    rx r;
    memset(&r, 0, sizeof r);
    r.p = (const unsigned char *)pattern;
    int root = parse_alt(&r);
    if (root >= 0 && *r.p)
        root = refuse(&r, "invalid"); /* an unmatched ')' */
    code c = {NULL, 0, 0, 0};
    if (root >= 0) {
        emit(&r, &c, root);
        put(&c, MG_RX_MATCH);
        if (c.full)
            root = refuse(&r, "a program too large (counted repetition)");
    }
    free(r.nodes);
    free(r.ranges);
    if (root < 0) {
        free(c.v);
        *prog = NULL;
        *len = 0;
        *why = r.why ? r.why : "invalid";
        return -1;
    }
    *prog = c.v;
    *len = c.n;
    *why = NULL;
    return 0;
}

/* ---- the VM ------------------------------------------------------------------------ */

static int is_word(long c)
{
    return c >= 0 && c < 128 && (is_alnum((int)c) || c == '_');
}

typedef struct vm {
    const int *prog;
    size_t len;
    long *mark;    /* mark[pc]: the position pc was last added at */
    size_t *stack; /* closure work list */
    size_t nstack;
} vm;

/* Adds pc and everything reachable from it without reading (the epsilon
 * closure) to `list` at position i; 1 when MATCH is reachable. */
static int add(vm *m, size_t *list, size_t *nlist, size_t pc, long i, long prev, long cur, int at_end)
{
    m->nstack = 0;
    m->stack[m->nstack++] = pc;
    while (m->nstack) {
        pc = m->stack[--m->nstack];
        if (m->mark[pc] == i)
            continue;
        m->mark[pc] = i;
        switch (m->prog[pc]) {
        case MG_RX_MATCH:
            return 1;
        case MG_RX_SET:
            list[(*nlist)++] = pc;
            break;
        case MG_RX_SPLIT:
            m->stack[m->nstack++] = (size_t)m->prog[pc + 2];
            m->stack[m->nstack++] = (size_t)m->prog[pc + 1];
            break;
        case MG_RX_JMP:
            m->stack[m->nstack++] = (size_t)m->prog[pc + 1];
            break;
        case MG_RX_BOL:
            if (i == 0)
                m->stack[m->nstack++] = pc + 1;
            break;
        case MG_RX_EOL:
            if (at_end)
                m->stack[m->nstack++] = pc + 1;
            break;
        case MG_RX_WORDB:
        case MG_RX_NWORDB:
            if ((is_word(prev) != is_word(cur)) == (m->prog[pc] == MG_RX_WORDB))
                m->stack[m->nstack++] = pc + 1;
            break;
        default:
            break;
        }
    }
    return 0;
}

static int in_set(const int *p, long c)
{
    int n = p[1];
    for (int k = 0; k < n; k++)
        if (c >= p[2 + 2 * k] && c <= p[3 + 2 * k])
            return 1;
    return 0;
}

int mg_rx_search(const int *prog, size_t len, const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s, *end = p + n;
    /* Validate first: PCRE2 refuses invalid UTF-8 before matching. */
    for (const unsigned char *q = p; q < end;)
        if (utf8_next(&q, end) < 0)
            return -1;
    vm m = {prog, len, mg_xmalloc(len * sizeof(long)), mg_xmalloc(2 * len * sizeof(size_t) + sizeof(size_t)), 0};
    size_t *clist = mg_xmalloc(len * sizeof *clist), *nlist = mg_xmalloc(len * sizeof *nlist);
    size_t nc = 0, nn = 0;
    for (size_t k = 0; k < len; k++)
        m.mark[k] = -1;
    long prev = -1, i = 0;
    int found = 0;
    for (;;) {
        const unsigned char *q = p;
        long cur = p < end ? utf8_next(&q, end) : -1;
        if (add(&m, clist, &nc, 0, i, prev, cur, p >= end)) {
            found = 1;
            break;
        }
        if (p >= end)
            break;
        /* Step every thread over cur; the next position's closure follows. */
        const unsigned char *q2 = q;
        long next = q2 < end ? utf8_next(&q2, end) : -1;
        nn = 0;
        for (size_t t = 0; t < nc && !found; t++) {
            size_t pc = clist[t];
            if (in_set(prog + pc, cur))
                found = add(&m, nlist, &nn, pc + 2 + 2 * (size_t)prog[pc + 1], i + 1, cur, next, q >= end);
        }
        if (found)
            break;
        size_t *tmp = clist;
        clist = nlist;
        nlist = tmp;
        nc = nn;
        prev = cur;
        p = q;
        i++;
    }
    free(m.mark);
    free(m.stack);
    free(clist);
    free(nlist);
    return found;
}
