/* diff.c - histogram line diff (Myers inside) and unified-format output. */
#include "diff.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hmap.h"
#include "util.h"

typedef struct dline {
    const char *p;
    size_t len;     /* including the '\n' when there is one */
    uint32_t hash;
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

/* A region still to diff: a[alo..ahi) against b[blo..bhi); or, when `keep`
 * is set, a run of ahi - alo equal lines starting at (alo, blo) to copy. */
typedef struct task {
    size_t alo, ahi, blo, bhi;
    int keep;
} task;

/* The histogram search's scratch: for the lines of one region of a, a hash
 * table of distinct lines (head of the chain of their positions and how often
 * they occur) and the chain links, reused by every region. */
typedef struct hslot {
    size_t head;    /* position + 1 of the line's last occurrence; 0: empty slot */
    size_t count;
} hslot;

typedef struct diffctx {
    const dline *a, *b;
    ops o;
    task *stack;
    size_t nstack, capstack;
    hslot *slots;
    size_t slotcap;  /* allocated slots; a region uses the first power of two >= 2 * lines */
    size_t *next;   /* next[i]: position + 1 of the previous occurrence of a[i]'s line */
    size_t *slot_of; /* slot_of[i]: the slot of a[i] (valid while its region is searched) */
    unsigned long long work; /* line comparisons and table steps, against MG_DIFF_MAX_WORK */
} diffctx;

static void ops_push(ops *o, char kind, size_t ai, size_t bi)
{
    o->v = mg_xgrow(o->v, o->n, &o->cap, sizeof *o->v);
    o->v[o->n].kind = kind;
    o->v[o->n].ai = ai;
    o->v[o->n].bi = bi;
    o->n++;
}

static void push_task(diffctx *c, size_t alo, size_t ahi, size_t blo, size_t bhi, int keep)
{
    c->stack = mg_xgrow(c->stack, c->nstack, &c->capstack, sizeof *c->stack);
    c->stack[c->nstack++] = (task){alo, ahi, blo, bhi, keep};
}

static size_t split_lines(const char *s, size_t len, dline **out)
{
    size_t n = 0;
    for (const char *p = s, *end = s + len; p < end && (p = memchr(p, '\n', (size_t)(end - p))); p++)
        n++;
    if (len && s[len - 1] != '\n')
        n++;
    dline *v = mg_xcalloc(n, sizeof *v);
    size_t start = 0;
    for (size_t k = 0; k < n; k++) {
        const char *nl = memchr(s + start, '\n', len - start);
        size_t end = nl ? (size_t)(nl - s) + 1 : len;
        v[k].p = s + start;
        v[k].len = end - start;
        v[k].hash = mg_hash_mem_seed(0, s + start, end - start);
        start = end;
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
 * for this part to `o` (indices offset by `off_a`/`off_b`). Returns 0, or -1
 * when the distance exceeds MG_DIFF_MAX_EDITS (nothing appended). */
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

/* Replaces a[alo..ahi) by b[blo..bhi): always a correct script. */
static void replace(diffctx *c, size_t alo, size_t ahi, size_t blo, size_t bhi)
{
    for (size_t i = alo; i < ahi; i++)
        ops_push(&c->o, '-', i, blo);
    for (size_t j = blo; j < bhi; j++)
        ops_push(&c->o, '+', ahi, j);
}

/* Fills the table with the lines of a[alo..ahi) and returns its size: a power
 * of two at least twice the number of lines, so probing always ends. */
static size_t index_region(diffctx *c, size_t alo, size_t ahi)
{
    size_t size = 16;
    while (size < 2 * (ahi - alo))
        size *= 2;
    if (size > c->slotcap) {
        free(c->slots);
        c->slots = mg_xcalloc(size, sizeof *c->slots);
        c->slotcap = size;
    } else {
        memset(c->slots, 0, size * sizeof *c->slots);
    }
    size_t mask = size - 1;
    for (size_t i = alo; i < ahi; i++) {
        size_t s = (size_t)c->a[i].hash & mask;
        while (c->slots[s].head && !same(&c->a[c->slots[s].head - 1], &c->a[i])) {
            s = (s + 1) & mask;
            c->work++;
        }
        c->next[i] = c->slots[s].head;
        c->slots[s].head = i + 1;
        c->slots[s].count++;
        c->slot_of[i] = s;
    }
    c->work += ahi - alo;
    return size;
}

/* The slot of the line equal to `l` in the indexed region, or NULL. */
static hslot *lookup(diffctx *c, size_t nslots, const dline *l)
{
    size_t mask = nslots - 1;
    size_t s = (size_t)l->hash & mask;
    while (c->slots[s].head) {
        c->work++;
        if (same(&c->a[c->slots[s].head - 1], l))
            return &c->slots[s];
        s = (s + 1) & mask;
    }
    return NULL;
}

/* The histogram step (as in git's and JGit's "histogram" diff): among the
 * lines common to both sides that occur at most MG_DIFF_MAX_CHAIN times in a's
 * region, take the longest common run around the rarest one. Rare lines are
 * the ones a reader recognises ("int foo(void)" rather than "}"), so the
 * script lines up on them. Returns 0 with the run in *as_out, *bs_out and
 * *len_out, or -1 when no common line is rare enough. */
static int find_run(diffctx *c, const task *t, size_t *as_out, size_t *bs_out, size_t *len_out)
{
    size_t size = index_region(c, t->alo, t->ahi);
    size_t best_len = 0, best_cnt = MG_DIFF_MAX_CHAIN + 1, best_as = 0, best_bs = 0;
    for (size_t bi = t->blo; bi < t->bhi;) {
        hslot *h = lookup(c, size, &c->b[bi]);
        size_t next_bi = bi + 1;
        if (h && h->count <= best_cnt && h->count <= MG_DIFF_MAX_CHAIN) {
            /* The chain runs from the last occurrence back to the first. */
            for (size_t p = h->head; p; p = c->next[p - 1]) {
                size_t ai = p - 1;
                size_t as = ai, bs = bi, ae = ai + 1, be = bi + 1;
                size_t cnt = h->count;
                while (as > t->alo && bs > t->blo && same(&c->a[as - 1], &c->b[bs - 1])) {
                    as--;
                    bs--;
                    size_t k = c->slots[c->slot_of[as]].count;
                    cnt = k < cnt ? k : cnt;
                }
                while (ae < t->ahi && be < t->bhi && same(&c->a[ae], &c->b[be])) {
                    size_t k = c->slots[c->slot_of[ae]].count;
                    cnt = k < cnt ? k : cnt;
                    ae++;
                    be++;
                }
                c->work += (ae - as) + 1;
                if (cnt < best_cnt || (cnt == best_cnt && ae - as > best_len)) {
                    best_cnt = cnt;
                    best_len = ae - as;
                    best_as = as;
                    best_bs = bs;
                }
                if (be > next_bi)
                    next_bi = be;
            }
        }
        bi = next_bi;
    }
    if (!best_len)
        return -1;
    *as_out = best_as;
    *bs_out = best_bs;
    *len_out = best_len;
    return 0;
}

static void diff_region(diffctx *c, const task *t)
{
    size_t alo = t->alo, ahi = t->ahi, blo = t->blo, bhi = t->bhi;
    size_t pre = 0;
    while (alo + pre < ahi && blo + pre < bhi && same(&c->a[alo + pre], &c->b[blo + pre]))
        pre++;
    size_t suf = 0;
    while (alo + pre + suf < ahi && blo + pre + suf < bhi &&
           same(&c->a[ahi - 1 - suf], &c->b[bhi - 1 - suf]))
        suf++;
    for (size_t i = 0; i < pre; i++)
        ops_push(&c->o, ' ', alo + i, blo + i);
    /* The suffix is copied after the middle: a task under the middle's. */
    if (suf)
        push_task(c, ahi - suf, ahi, bhi - suf, bhi, 1);
    alo += pre, blo += pre, ahi -= suf, bhi -= suf;
    if (alo == ahi || blo == bhi || c->work > MG_DIFF_MAX_WORK) {
        replace(c, alo, ahi, blo, bhi);
        return;
    }
    task mid = {alo, ahi, blo, bhi, 0};
    size_t as, bs, len;
    if (find_run(c, &mid, &as, &bs, &len) < 0) {
        /* Nothing rare in common (only lines such as "}" or blank ones, or
         * nothing at all): the shortest script, when it is short. */
        if (myers(c->a + alo, ahi - alo, c->b + blo, bhi - blo, alo, blo, &c->o) < 0)
            replace(c, alo, ahi, blo, bhi);
        return;
    }
    /* Left of the run first: the stack is last in, first out. */
    push_task(c, as + len, ahi, bs + len, bhi, 0);
    push_task(c, as, as + len, bs, bs + len, 1);
    push_task(c, alo, as, blo, bs, 0);
}

/* The edit script turning a[0..n) into b[0..m), in order. An explicit stack
 * instead of recursion: a long file may split into as many regions as lines. */
static void diff_script(const dline *a, size_t n, const dline *b, size_t m, ops *out)
{
    diffctx c = {0};
    c.a = a;
    c.b = b;
    c.next = mg_xcalloc(n ? n : 1, sizeof *c.next);
    c.slot_of = mg_xcalloc(n ? n : 1, sizeof *c.slot_of);
    push_task(&c, 0, n, 0, m, 0);
    while (c.nstack) {
        task t = c.stack[--c.nstack];
        if (t.keep) {
            for (size_t i = 0; i < t.ahi - t.alo; i++)
                ops_push(&c.o, ' ', t.alo + i, t.blo + i);
        } else {
            diff_region(&c, &t);
        }
    }
    free(c.stack);
    free(c.slots);
    free(c.next);
    free(c.slot_of);
    *out = c.o;
}

/* The lines of both texts (caller frees *la and *lb) and the script. */
static void script_of(const char *a, size_t alen, const char *b, size_t blen, dline **la, dline **lb,
                      ops *o)
{
    size_t n = split_lines(a, alen, la), m = split_lines(b, blen, lb);
    diff_script(*la, n, *lb, m, o);
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
    ops o;
    script_of(a, alen, b, blen, &la, &lb, &o);

    /* Hunks: runs of changes with up to 3 lines of context around each,
     * merged when their contexts touch. Only the first max_lines lines are
     * formatted; the rest are counted. */
    const size_t ctx = 3;
    mg_buf_appendf(out, "--- %s\n+++ %s\n", a_name, b_name);
    size_t total = 0, hunks = 0, hidden_hunks = 0;
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
        hunks++;
        if (total < max_lines) {
            mg_buf_append_str(out, "@@ -");
            put_range(out, as, ac);
            mg_buf_append_str(out, " +");
            put_range(out, bs, bc);
            mg_buf_append_str(out, " @@\n");
        } else {
            hidden_hunks++;
        }
        total++;
        for (size_t j = start; j < stop; j++, total++) {
            if (total >= max_lines)
                continue;
            const op *p = &o.v[j];
            put_line(out, p->kind, p->kind == '+' ? &lb[p->bi] : &la[p->ai]);
        }
        i = stop;
    }
    if (total > max_lines) {
        mg_buf_appendf(out, "... %zu more lines", total - max_lines);
        if (hidden_hunks)
            mg_buf_appendf(out, " (%zu of %zu hunks not shown)", hidden_hunks, hunks);
        mg_buf_putc(out, '\n');
    }
    free(o.v);
    free(la);
    free(lb);
    return total;
}

int mg_diff_stat(const char *a, size_t alen, const char *b, size_t blen, size_t *added,
                 size_t *removed)
{
    *added = *removed = 0;
    if (alen == blen && memcmp(a, b, alen) == 0)
        return 0;
    dline *la, *lb;
    ops o;
    script_of(a, alen, b, blen, &la, &lb, &o);
    for (size_t i = 0; i < o.n; i++) {
        if (o.v[i].kind == '+')
            ++*added;
        else if (o.v[i].kind == '-')
            ++*removed;
    }
    free(o.v);
    free(la);
    free(lb);
    return 1;
}
