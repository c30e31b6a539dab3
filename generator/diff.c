/* diff.c - Myers' line diff and unified-format output. */
#include "diff.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

typedef struct dline {
    const char *p;
    size_t len;     /* including the '\n' when there is one */
    uint64_t hash;
} dline;

/* One step of the edit script: ' ' keeps a[ai] (== b[bi]), '-' drops a[ai],
 * '+' inserts b[bi]. */
typedef struct op {
    char kind;
    size_t ai, bi;
} op;

typedef struct ops {
    op *v;
    size_t n, cap;
} ops;

static void ops_push(ops *o, char kind, size_t ai, size_t bi)
{
    o->v = mg_xgrow(o->v, o->n, &o->cap, sizeof *o->v);
    o->v[o->n].kind = kind;
    o->v[o->n].ai = ai;
    o->v[o->n].bi = bi;
    o->n++;
}

static size_t split_lines(const char *s, size_t len, dline **out)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        if (s[i] == '\n')
            n++;
    if (len && s[len - 1] != '\n')
        n++;
    dline *v = mg_xcalloc(n, sizeof *v);
    size_t k = 0, start = 0;
    for (size_t i = 0; i <= len && k < n; i++) {
        if (i == len || s[i] == '\n') {
            size_t end = i < len ? i + 1 : len;
            uint64_t h = 1469598103934665603ull;
            for (size_t j = start; j < end; j++)
                h = (h ^ (unsigned char)s[j]) * 1099511628211ull;
            v[k].p = s + start;
            v[k].len = end - start;
            v[k].hash = h;
            k++;
            start = end;
        }
    }
    *out = v;
    return n;
}

static int same(const dline *x, const dline *y)
{
    return x->hash == y->hash && x->len == y->len && memcmp(x->p, y->p, x->len) == 0;
}

/* Myers' greedy forward search on a[0..n) and b[0..m), keeping V after every
 * round d (2d+1 entries) so that we can walk the path back. Appends the script
 * for this middle part to `o` (indices offset by `off_a`/`off_b`). Returns 0,
 * or -1 when the distance exceeds MG_DIFF_MAX_EDITS (nothing appended). */
static int myers(const dline *a, size_t n, const dline *b, size_t m, size_t off_a, size_t off_b,
                 ops *o)
{
    long N = (long)n, M = (long)m;
    long maxd = N + M;
    if (maxd > MG_DIFF_MAX_EDITS)
        maxd = MG_DIFF_MAX_EDITS;
    long **trace = mg_xcalloc((size_t)maxd + 1, sizeof *trace);
    long *v = mg_xcalloc(2 * (size_t)maxd + 3, sizeof *v);
    long off = maxd + 1;  /* v[off + k] is the furthest x on diagonal k */
    long found = -1;
    for (long d = 0; d <= maxd && found < 0; d++) {
        for (long k = -d; k <= d; k += 2) {
            long x;
            if (k == -d || (k != d && v[off + k - 1] < v[off + k + 1]))
                x = v[off + k + 1];
            else
                x = v[off + k - 1] + 1;
            long y = x - k;
            while (x < N && y < M && same(&a[x], &b[y])) {
                x++;
                y++;
            }
            v[off + k] = x;
            if (x >= N && y >= M) {
                found = d;
                break;
            }
        }
        trace[d] = mg_xcalloc(2 * (size_t)d + 1, sizeof **trace);
        for (long k = -d; k <= d; k++)
            trace[d][k + d] = v[off + k];
    }
    int rc = -1;
    if (found >= 0) {
        /* Walk back from (N, M), collecting the script in reverse. */
        ops rev = {0};
        long x = N, y = M;
        for (long d = found; d > 0; d--) {
            const long *pv = trace[d - 1];
            long k = x - y;
            long pk;
            if (k == -d || (k != d && pv[k - 1 + d - 1] < pv[k + 1 + d - 1]))
                pk = k + 1;
            else
                pk = k - 1;
            long px = pv[pk + d - 1], py = px - pk;
            while (x > px && y > py) {
                x--;
                y--;
                ops_push(&rev, ' ', (size_t)x, (size_t)y);
            }
            if (pk == k + 1)
                ops_push(&rev, '+', (size_t)x, (size_t)--y);
            else
                ops_push(&rev, '-', (size_t)--x, (size_t)y);
        }
        while (x > 0 && y > 0) {
            x--;
            y--;
            ops_push(&rev, ' ', (size_t)x, (size_t)y);
        }
        for (size_t i = rev.n; i-- > 0;)
            ops_push(o, rev.v[i].kind, rev.v[i].ai + off_a, rev.v[i].bi + off_b);
        free(rev.v);
        rc = 0;
    }
    for (long d = 0; d <= maxd; d++)
        free(trace[d]);
    free(trace);
    free(v);
    return rc;
}

static void put_line(mg_buf *out, char kind, const dline *l)
{
    mg_buf_putc(out, kind);
    mg_buf_append(out, l->p, l->len);
    if (!l->len || l->p[l->len - 1] != '\n')
        mg_buf_append_str(out, "\n\\ No newline at end of file\n");
}

/* Unified-diff hunk ranges: "start,count", where an empty range names the
 * line before it (so "-0,0" for an empty file), as diff(1) does. */
static void put_range(mg_buf *out, size_t start, size_t count)
{
    if (count == 1)
        mg_buf_appendf(out, "%zu", start + 1);
    else
        mg_buf_appendf(out, "%zu,%zu", count ? start + 1 : start, count);
}

size_t mg_diff_unified(mg_buf *out, const char *a, size_t alen, const char *b, size_t blen,
                       const char *a_name, const char *b_name, size_t max_lines)
{
    if (alen == blen && memcmp(a, b, alen) == 0)
        return 0;
    dline *la, *lb;
    size_t n = split_lines(a, alen, &la), m = split_lines(b, blen, &lb);
    size_t pre = 0;
    while (pre < n && pre < m && same(&la[pre], &lb[pre]))
        pre++;
    size_t suf = 0;
    while (suf < n - pre && suf < m - pre && same(&la[n - 1 - suf], &lb[m - 1 - suf]))
        suf++;

    ops o = {0};
    for (size_t i = 0; i < pre; i++)
        ops_push(&o, ' ', i, i);
    if (myers(la + pre, n - pre - suf, lb + pre, m - pre - suf, pre, pre, &o) < 0) {
        for (size_t i = pre; i < n - suf; i++)
            ops_push(&o, '-', i, pre);
        for (size_t j = pre; j < m - suf; j++)
            ops_push(&o, '+', n - suf, j);
    }
    for (size_t i = 0; i < suf; i++)
        ops_push(&o, ' ', n - suf + i, m - suf + i);

    /* Hunks: runs of changes with up to 3 lines of context around each,
     * merged when their contexts touch. */
    const size_t ctx = 3;
    mg_buf body;
    mg_buf_init(&body);
    size_t i = 0;
    while (i < o.n) {
        while (i < o.n && o.v[i].kind == ' ')
            i++;
        if (i == o.n)
            break;
        size_t start = i >= ctx ? i - ctx : 0;
        size_t end = i; /* one past the last change of the hunk */
        for (size_t j = i; j < o.n; j++) {
            if (o.v[j].kind != ' ')
                end = j + 1;
            else if (j - end >= 2 * ctx)
                break;
        }
        size_t stop = end + ctx < o.n ? end + ctx : o.n;
        size_t as = 0, bs = 0, ac = 0, bc = 0;
        int have_a = 0, have_b = 0;
        for (size_t j = start; j < stop; j++) {
            if (o.v[j].kind != '+') {
                if (!have_a) { as = o.v[j].ai; have_a = 1; }
                ac++;
            }
            if (o.v[j].kind != '-') {
                if (!have_b) { bs = o.v[j].bi; have_b = 1; }
                bc++;
            }
        }
        if (!have_a)
            as = o.v[start].ai;
        if (!have_b)
            bs = o.v[start].bi;
        mg_buf_append_str(&body, "@@ -");
        put_range(&body, as, ac);
        mg_buf_append_str(&body, " +");
        put_range(&body, bs, bc);
        mg_buf_append_str(&body, " @@\n");
        for (size_t j = start; j < stop; j++) {
            const op *p = &o.v[j];
            put_line(&body, p->kind, p->kind == '+' ? &lb[p->bi] : &la[p->ai]);
        }
        i = stop;
    }

    mg_buf_appendf(out, "--- %s\n+++ %s\n", a_name, b_name);
    size_t total = 0, shown = 0, cut = body.len;
    for (size_t k = 0; k < body.len; k++)
        if (body.data[k] == '\n') {
            total++;
            if (total == max_lines)
                cut = k + 1;
        }
    shown = total < max_lines ? total : max_lines;
    mg_buf_append(out, body.data, total <= max_lines ? body.len : cut);
    if (total > shown)
        mg_buf_appendf(out, "... %zu more lines\n", total - shown);
    mg_buf_fini(&body);
    free(o.v);
    free(la);
    free(lb);
    return total;
}
