/* yscan.c - the catalogue subset of YAML, scanned into libyaml's events.
 *
 * What libyaml does is mirrored rule by rule, and every rule this file does
 * not mirror is a reason to give up (return -1): libyaml then parses the
 * text, so a gap here costs time, never a different result. Where a comment
 * names a libyaml function, the rule is that function's (libyaml 0.2.5,
 * src/scanner.c and src/parser.c); tests/unit/test_yscan.c and
 * tests/fuzz/fuzz_yscan.c compare the two event streams.
 *
 * Block structure is kept as a stack of collections, each with its column
 * (libyaml's indent). A sequence whose '-' stands at its mapping's column
 * (key:\n- a) is "indentless": it has no indent of its own in libyaml, so
 * block_indent skips it. The stack is bounded (MAX_DEPTH), the scan is one
 * loop without recursion, and every read is checked against the end.
 */
#include "yscan.h"

#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"
#include "util.h"

/* Deeper nesting is left to libyaml (the loader refuses more than
 * MG_MAX_NESTING levels with its own message). */
#define MAX_DEPTH 128
/* libyaml forgets a possible simple key 1024 characters after its start
 * (yaml_parser_stale_simple_keys); a longer key is left to it. */
#define MAX_KEY 1000

enum { K_MAP, K_SEQ, K_ISEQ, K_FMAP, K_FSEQ };
enum { AFTER_ROOT, AFTER_KEY, AFTER_ENTRY };

typedef struct {
    mg_yscan *s;
    const char *p, *end;
    const char *ls;     /* start of p's line */
    int line;           /* p's line, 0-based */
    int ascii;          /* no byte >= 0x80: a column is a byte offset */
    const char *na;     /* colof: the first byte >= 0x80 at or after ls, or end */
    const char *cp;     /* colof's memo: column ccol at cp on line cls */
    const char *cls;
    int ccol;
    int depth;
    unsigned char kind[MAX_DEPTH];
    int indent[MAX_DEPTH];
} ys;

/* libyaml's reader refuses control characters, and its scanner counts CR,
 * NEL, LS and PS as line breaks, a BOM as ignorable and tabs as blanks in
 * places: none of them is in the subset. */
static int check_chars(const unsigned char *s, size_t n, int *ascii)
{
    int a = 1;
    size_t i = 0;
    while (i < n) {
        /* Eight bytes at a time while none is a control character other
         * than a line break, 0x7F or above: the byte loop was the larger
         * part of this file's instructions, and stopping at every line
         * break (a word in four) cost a byte loop per line. The masks are
         * exact per byte (no borrow crosses bytes, unlike the usual
         * "has a zero byte" test), because a line break must not hide a
         * control character beside it: once no byte has its top bit set,
         * b + 0x60 (at most 0xDF) sets the top bit exactly when b >= 0x20,
         * and (x & 0x7F) + 0x7F sets it exactly when the low seven bits of
         * x are not all zero. */
        const uint64_t hi = 0x8080808080808080u, lo7 = 0x7F7F7F7F7F7F7F7Fu;
        while (n - i >= 8) {
            uint64_t w;
            memcpy(&w, s + i, 8);
            if (w & hi)
                break;
            uint64_t ctl = ~(w + 0x6060606060606060u) & hi; /* b < 0x20 */
            uint64_t x = w ^ 0x0A0A0A0A0A0A0A0Au, y = w ^ lo7;
            uint64_t nl = ~((x & lo7) + lo7) & hi;          /* b == '\n' */
            uint64_t del = ~((y & lo7) + lo7) & hi;         /* b == 0x7F */
            if ((ctl & ~nl) | del)
                break;
            i += 8;
        }
        if (i >= n)
            break;
        unsigned char c = s[i];
        if (c < 0x80) {
            if ((c < 0x20 && c != '\n') || c == 0x7F)
                return -1;
            i++;
            continue;
        }
        a = 0;
        uint32_t cp;
        size_t k = mg_utf8_decode(s + i, n - i, &cp);
        if (!k || cp < 0xA0 || cp == 0x2028 || cp == 0x2029 || cp == 0xFEFF || cp == 0xFFFE || cp == 0xFFFF)
            return -1;
        i += k;
    }
    *ascii = a;
    return 0;
}

/* The first byte >= 0x80 at or after p, or end; eight bytes at a time. */
static const char *next_high(const char *p, const char *end)
{
    while (end - p >= 8) {
        uint64_t w;
        memcpy(&w, p, 8);
        if (w & 0x8080808080808080u)
            break;
        p += 8;
    }
    while (p < end && !((unsigned char)*p & 0x80))
        p++;
    return p;
}

/* The column of q on the current line, in code points as libyaml counts.
 * Most lines are ASCII: up to the next byte >= 0x80 (y->na, found again
 * only once the line start has passed it, so each byte is looked at once)
 * the column is the byte offset. */
static int colof(ys *y, const char *q)
{
    if (y->ascii)
        return (int)(q - y->ls);
    if (y->na < y->ls)
        y->na = next_high(y->ls, y->end);
    if (q <= y->na)
        return (int)(q - y->ls);
    if (y->cls != y->ls || q < y->cp) {
        y->cls = y->ls;
        y->cp = y->ls;
        y->ccol = 0;
    }
    for (; y->cp < q; y->cp++)
        y->ccol += ((unsigned char)*y->cp & 0xC0) != 0x80;
    return y->ccol;
}

static void newline(ys *y)
{
    y->p++;
    y->line++;
    y->ls = y->p;
}

static mg_yev *emit(ys *y, int type, int line, int col)
{
    mg_yscan *s = y->s;
    if (s->n == s->cap)
        s->ev = mg_xgrow(s->ev, s->n, &s->cap, sizeof *s->ev);
    mg_yev *e = &s->ev[s->n++];
    e->type = (unsigned char)type;
    e->style = 0;
    e->line = line;
    e->col = col;
    e->off = e->len = 0;
    return e;
}

static void val_reserve(mg_yscan *s, size_t n)
{
    if (s->vcap - s->vlen >= n)
        return;
    size_t cap = s->vcap ? s->vcap : 256;
    while (cap - s->vlen < n)
        cap *= 2;
    s->val = mg_xrealloc(s->val, cap);
    s->vcap = cap;
}

static void val_put(mg_yscan *s, const char *b, size_t n)
{
    val_reserve(s, n);
    memcpy(s->val + s->vlen, b, n);
    s->vlen += n;
}

static void val_byte(mg_yscan *s, char c, size_t times)
{
    val_reserve(s, times);
    memset(s->val + s->vlen, c, times);
    s->vlen += times;
}

/* Ends the value that started at `off` and emits its scalar event. */
static void emit_scalar(ys *y, size_t off, int style, int line, int col)
{
    val_reserve(y->s, 1);
    y->s->val[y->s->vlen++] = '\0';
    mg_yev *e = emit(y, MG_YEV_SCALAR, line, col);
    e->style = (unsigned char)style;
    e->off = off;
    e->len = y->s->vlen - 1 - off;
}

/* Steps over spaces (not tabs: the subset gives up on those). */
static void skip_spaces(ys *y)
{
    while (y->p < y->end && *y->p == ' ')
        y->p++;
}

static int blankz(const ys *y, const char *q)
{
    return q >= y->end || *q == ' ' || *q == '\n';
}

/* "---" or "..." at the start of a line: a document marker. */
static int doc_marker(const ys *y, const char *q)
{
    return y->end - q >= 3 && (memcmp(q, "---", 3) == 0 || memcmp(q, "...", 3) == 0) && blankz(y, q + 3);
}

/* yaml_parser_scan_to_next_token: spaces, comments and line breaks up to
 * the next token or the end. A '#' where a token could start opens a
 * comment whether or not a space comes before it. Returns -1 at a
 * document marker (a second document or an explicit end). */
static int skip_to_token(ys *y)
{
    for (;;) {
        skip_spaces(y);
        if (y->p < y->end && *y->p == '#') {
            const char *e = memchr(y->p, '\n', (size_t)(y->end - y->p));
            y->p = e ? e : y->end;
        }
        if (y->p < y->end && *y->p == '\n') {
            newline(y);
            continue;
        }
        break;
    }
    if (y->p < y->end && y->p == y->ls && doc_marker(y, y->p))
        return -1;
    return 0;
}

/* After a node that must end its line: spaces and a comment, then the end
 * of the line. */
static int end_line(ys *y)
{
    skip_spaces(y);
    if (y->p < y->end && *y->p == '#') {
        const char *e = memchr(y->p, '\n', (size_t)(y->end - y->p));
        y->p = e ? e : y->end;
    }
    return y->p < y->end && *y->p != '\n' ? -1 : 0;
}

/* Can a plain scalar start at q (yaml_parser_fetch_next_token's test)?
 * '?' and ':' followed by a non-blank could in the block context; they are
 * left to libyaml. */
static int plain_start(const ys *y, const char *q)
{
    if (q >= y->end)
        return 0;
    switch (*q) {
    case ' ': case '\n': case '?': case ':': case ',': case '[': case ']': case '{': case '}':
    case '#': case '&': case '*': case '!': case '|': case '>': case '\'': case '"': case '%':
    case '@': case '`':
        return 0;
    case '-':
        return q + 1 < y->end && q[1] != ' ' && q[1] != '\n';
    default:
        return 1;
    }
}

/* The first '\n', ':' or '#' at or after p, or end; eight bytes at a time
 * ((x - 0x01..) & ~x & 0x80.. is nonzero exactly when x has a zero byte, so
 * a word is skipped only when it holds none of the three). */
static const char *next_plain_stop(const char *p, const char *end)
{
    const uint64_t ones = 0x0101010101010101u, hi = 0x8080808080808080u;
    while (end - p >= 8) {
        uint64_t w;
        memcpy(&w, p, 8);
        uint64_t a = w ^ (ones * '\n'), b = w ^ (ones * ':'), c = w ^ (ones * '#');
        if (((a - ones) & ~a & hi) | ((b - ones) & ~b & hi) | ((c - ones) & ~c & hi))
            break;
        p += 8;
    }
    while (p < end && *p != '\n' && *p != ':' && *p != '#')
        p++;
    return p;
}

/* scan_plain in the block context, where only three characters can end a
 * plain scalar on its line: the line break, ':' before a blank and '#'
 * after a space (a comment); spaces only separate its runs, and the
 * scalar is what comes before the last of them (trailing spaces are not
 * part of it). The same result as scan_plain's run-by-run loop, without
 * stopping at every space of a sentence. */
static int scan_plain_block(ys *y, size_t *off)
{
    const char *start = y->p, *r = y->p;
    for (;;) {
        r = next_plain_stop(r, y->end);
        if (r >= y->end || *r == '\n')
            break;
        if (*r == ':' ? blankz(y, r + 1) : r[-1] == ' ')
            break;
        r++;
    }
    const char *last = r;
    while (last > start && last[-1] == ' ')
        last--;
    *off = y->s->vlen;
    val_put(y->s, start, (size_t)(last - start));
    y->p = last;
    return 0;
}

/* yaml_parser_scan_plain_scalar on one line: runs of non-blanks joined by
 * the spaces between them. A run ends at a blank, at ':' before a blank and,
 * in a flow collection, at ",[]{}". A space before '#' starts a comment.
 * Gives up where libyaml's rules for ':' and '?' in a flow scalar changed
 * between versions (before a flow indicator, a blank). Leaves p after the
 * last run. */
static int scan_plain(ys *y, int flow, size_t *off)
{
    if (!flow)
        return scan_plain_block(y, off);
    /* The characters a run must look at: 1 in both contexts, 2 in a flow
     * collection only. */
    static const unsigned char stop[256] = {
        [' '] = 3, ['\n'] = 3, [':'] = 3, [','] = 2, ['['] = 2, [']'] = 2, ['{'] = 2, ['}'] = 2, ['?'] = 2,
    };
    unsigned mask = flow ? 3 : 1;
    const char *start = y->p, *q = y->p, *last = y->p;
    for (;;) {
        const char *r = q;
        for (;; r++) {
            while (r < y->end && !(stop[(unsigned char)*r] & mask))
                r++;
            if (r >= y->end)
                break;
            char c = *r;
            if (c == ':') {
                if (blankz(y, r + 1))
                    break;
                if (flow && strchr(",?[]{}", r[1]))
                    return -1;
                continue;
            }
            if (c == '?') {
                if (blankz(y, r + 1))
                    return -1;
                continue;
            }
            break;
        }
        if (r == q)
            break;
        last = r;
        while (r < y->end && *r == ' ')
            r++;
        if (r == last || r >= y->end || *r == '\n' || *r == '#')
            break;
        q = r;
    }
    *off = y->s->vlen;
    val_put(y->s, start, (size_t)(last - start));
    y->p = last;
    return 0;
}

/* A single-quoted scalar on one line ('' is a quote). */
static int scan_single(ys *y, size_t *off)
{
    *off = y->s->vlen;
    const char *q = y->p + 1;
    for (;;) {
        const char *r = q;
        while (r < y->end && *r != '\'' && *r != '\n')
            r++;
        if (r >= y->end || *r == '\n')
            return -1;
        val_put(y->s, q, (size_t)(r - q));
        if (r + 1 < y->end && r[1] == '\'') {
            val_byte(y->s, '\'', 1);
            q = r + 2;
            continue;
        }
        y->p = r + 1;
        return 0;
    }
}

static void put_utf8(mg_yscan *s, uint32_t v)
{
    char b[4];
    size_t n;
    if (v < 0x80) {
        b[0] = (char)v;
        n = 1;
    } else if (v < 0x800) {
        b[0] = (char)(0xC0 | (v >> 6));
        b[1] = (char)(0x80 | (v & 0x3F));
        n = 2;
    } else if (v < 0x10000) {
        b[0] = (char)(0xE0 | (v >> 12));
        b[1] = (char)(0x80 | ((v >> 6) & 0x3F));
        b[2] = (char)(0x80 | (v & 0x3F));
        n = 3;
    } else {
        b[0] = (char)(0xF0 | (v >> 18));
        b[1] = (char)(0x80 | ((v >> 12) & 0x3F));
        b[2] = (char)(0x80 | ((v >> 6) & 0x3F));
        b[3] = (char)(0x80 | (v & 0x3F));
        n = 4;
    }
    val_put(s, b, n);
}

/* A double-quoted scalar on one line with yaml_parser_scan_flow_scalar's
 * escapes. An escaped NUL is left to libyaml (the loader refuses it with
 * its own message), and so are escapes it would refuse. */
static int scan_double(ys *y, size_t *off)
{
    *off = y->s->vlen;
    const char *q = y->p + 1;
    for (;;) {
        const char *r = q;
        while (r < y->end && *r != '"' && *r != '\\' && *r != '\n')
            r++;
        if (r >= y->end || *r == '\n')
            return -1;
        val_put(y->s, q, (size_t)(r - q));
        if (*r == '"') {
            y->p = r + 1;
            return 0;
        }
        if (r + 1 >= y->end)
            return -1;
        int digits = 0;
        switch (r[1]) {
        case 'a': val_byte(y->s, '\a', 1); break;
        case 'b': val_byte(y->s, '\b', 1); break;
        case 't': val_byte(y->s, '\t', 1); break;
        case 'n': val_byte(y->s, '\n', 1); break;
        case 'v': val_byte(y->s, '\v', 1); break;
        case 'f': val_byte(y->s, '\f', 1); break;
        case 'r': val_byte(y->s, '\r', 1); break;
        case 'e': val_byte(y->s, '\x1B', 1); break;
        case ' ': val_byte(y->s, ' ', 1); break;
        case '"': val_byte(y->s, '"', 1); break;
        case '/': val_byte(y->s, '/', 1); break;
        case '\\': val_byte(y->s, '\\', 1); break;
        case 'N': put_utf8(y->s, 0x85); break;
        case '_': put_utf8(y->s, 0xA0); break;
        case 'L': put_utf8(y->s, 0x2028); break;
        case 'P': put_utf8(y->s, 0x2029); break;
        case 'x': digits = 2; break;
        case 'u': digits = 4; break;
        case 'U': digits = 8; break;
        default:
            return -1;
        }
        q = r + 2;
        if (digits) {
            if (y->end - q < digits)
                return -1;
            uint32_t v = 0;
            for (int i = 0; i < digits; i++) {
                int h = mg_hexval((unsigned char)q[i]);
                if (h < 0)
                    return -1;
                v = (v << 4) | (uint32_t)h;
            }
            if (v == 0 || (v >= 0xD800 && v <= 0xDFFF) || v > 0x10FFFF)
                return -1;
            put_utf8(y->s, v);
            q += digits;
        }
    }
}

/* A plain or quoted scalar at p into the value buffer; sets *style. */
static int scan_scalar(ys *y, int flow, size_t *off, int *style)
{
    if (*y->p == '\'') {
        *style = MG_YSTYLE_SINGLE;
        return scan_single(y, off);
    }
    if (*y->p == '"') {
        *style = MG_YSTYLE_DOUBLE;
        return scan_double(y, off);
    }
    if (!plain_start(y, y->p))
        return -1;
    *style = MG_YSTYLE_PLAIN;
    return scan_plain(y, flow, off);
}

/* yaml_parser_scan_block_scalar_breaks: the indentation spaces and empty
 * lines before a content line, counted in *breaks; fixes the indentation
 * at the first content line when the header gave none. */
static void block_breaks(ys *y, int *indent, size_t *breaks, int *col, int bi)
{
    int max = 0;
    for (;;) {
        while ((!*indent || *col < *indent) && y->p < y->end && *y->p == ' ') {
            y->p++;
            (*col)++;
        }
        if (*col > max)
            max = *col;
        if (y->p >= y->end || *y->p != '\n')
            break;
        newline(y);
        *col = 0;
        (*breaks)++;
    }
    if (!*indent) {
        *indent = max;
        if (*indent < bi + 1)
            *indent = bi + 1;
        if (*indent < 1)
            *indent = 1;
    }
}

/* yaml_parser_scan_block_scalar without an indentation indicator: p at '|'
 * or '>', `bi` libyaml's indent. Leaves p at the first character of the
 * first line that is less indented, or at the end. */
static int scan_block(ys *y, int bi, int line, int col)
{
    int literal = *y->p == '|', chomp = 0;
    y->p++;
    if (y->p < y->end && (*y->p == '+' || *y->p == '-')) {
        chomp = *y->p == '+' ? 1 : -1;
        y->p++;
    }
    if (y->p < y->end && *y->p >= '0' && *y->p <= '9')
        return -1;
    if (end_line(y) < 0)
        return -1;
    if (y->p < y->end)
        newline(y);
    size_t off = y->s->vlen, trailing = 0;
    int c = colof(y, y->p), indent = 0, leading = 0, leading_blank = 0;
    block_breaks(y, &indent, &trailing, &c, bi);
    while (c == indent && y->p < y->end) {
        int trailing_blank = *y->p == ' ';
        if (!literal && leading && !leading_blank && !trailing_blank) {
            if (!trailing)
                val_byte(y->s, ' ', 1);
        } else if (leading) {
            val_byte(y->s, '\n', 1);
        }
        leading = 0;
        val_byte(y->s, '\n', trailing);
        trailing = 0;
        leading_blank = *y->p == ' ';
        const char *e = memchr(y->p, '\n', (size_t)(y->end - y->p));
        if (!e)
            e = y->end;
        val_put(y->s, y->p, (size_t)(e - y->p));
        y->p = e;
        if (e < y->end) {
            leading = 1;
            newline(y);
            c = 0;
        } else {
            c = colof(y, e);
        }
        block_breaks(y, &indent, &trailing, &c, bi);
    }
    if (chomp != -1 && leading)
        val_byte(y->s, '\n', 1);
    if (chomp == 1)
        val_byte(y->s, '\n', trailing);
    emit_scalar(y, off, literal ? MG_YSTYLE_LITERAL : MG_YSTYLE_FOLDED, line, col);
    return 0;
}

static int push(ys *y, int kind, int indent)
{
    if (y->depth >= MAX_DEPTH)
        return -1;
    y->kind[y->depth] = (unsigned char)kind;
    y->indent[y->depth] = indent;
    y->depth++;
    return 0;
}

/* Opens a block sequence (K_SEQ, or K_ISEQ: indentless, at its key's
 * column) at the '-' of its first entry, which it steps over. */
static int open_seq(ys *y, int kind, int line, int col)
{
    if (push(y, kind, col) < 0)
        return -1;
    emit(y, MG_YEV_SEQ_START, line, col);
    y->p++;
    return 0;
}

/* libyaml's parser->indent: the column of the innermost block collection
 * that has one (not an indentless sequence), -1 at the top. */
static int block_indent(const ys *y)
{
    for (int i = y->depth - 1; i >= 0; i--)
        if (y->kind[i] != K_ISEQ)
            return y->indent[i];
    return -1;
}

/* A flow collection, p at '[' or '{'. Only sequences of nodes and mappings
 * of "scalar: node" pairs (key, ':' and value on one line), without empty
 * entries or trailing commas. */
static int scan_flow(ys *y)
{
    int base = y->depth, plain = 0;
    enum { FIRST, ITEM, AFTER } st = FIRST;
    for (;;) {
        /* Between tokens a flow collection may go on over lines and
         * comments, but a line break after a plain scalar would continue
         * the scalar (multi-line: left to libyaml). */
        if (st == AFTER && plain) {
            skip_spaces(y);
        } else if (y->depth > base && skip_to_token(y) < 0) {
            return -1;
        }
        if (y->p >= y->end || *y->p == '\n' || *y->p == '#')
            return -1;
        char c = *y->p;
        int line = y->line, col = colof(y, y->p);
        if (y->depth > base) {
            int k = y->kind[y->depth - 1];
            if ((c == ']' && k == K_FSEQ && st != ITEM) || (c == '}' && k == K_FMAP && st != ITEM)) {
                emit(y, k == K_FSEQ ? MG_YEV_SEQ_END : MG_YEV_MAP_END, line, col);
                y->p++;
                y->depth--;
                if (y->depth == base)
                    return 0;
                st = AFTER;
                plain = 0;
                continue;
            }
            if (st == AFTER) {
                if (c != ',')
                    return -1;
                y->p++;
                st = ITEM;
                continue;
            }
            if (k == K_FMAP) {
                /* A key: a scalar, then ": ". */
                size_t off;
                int style;
                const char *start = y->p;
                if (c == '[' || c == '{' || scan_scalar(y, 1, &off, &style) < 0)
                    return -1;
                emit_scalar(y, off, style, line, col);
                skip_spaces(y);
                if (y->end - y->p < 2 || y->p[0] != ':' || y->p[1] != ' ' || y->p - start > MAX_KEY)
                    return -1;
                y->p += 2;
                skip_spaces(y);
                if (y->p >= y->end)
                    return -1;
                c = *y->p;
                line = y->line;
                col = colof(y, y->p);
                if (c == ',' || c == '}' || c == ']')
                    return -1;
            }
        }
        /* A node: a collection or a scalar. */
        if (c == '[' || c == '{') {
            if (push(y, c == '[' ? K_FSEQ : K_FMAP, 0) < 0)
                return -1;
            emit(y, c == '[' ? MG_YEV_SEQ_START : MG_YEV_MAP_START, line, col);
            y->p++;
            st = FIRST;
            continue;
        }
        if (y->depth == base)
            return -1;
        size_t off;
        int style;
        if (scan_scalar(y, 1, &off, &style) < 0)
            return -1;
        emit_scalar(y, off, style, line, col);
        st = AFTER;
        plain = style == MG_YSTYLE_PLAIN;
    }
}

/* The event stream of the document: the block structure. */
static int scan_doc(ys *y)
{
    mg_yscan *s = y->s;
    emit(y, MG_YEV_STREAM_START, 0, 0);
    /* A "---" may open the document; a marker anywhere else gives up. */
    int explicit_line = -1;
    while (y->p < y->end && (*y->p == ' ' || *y->p == '\n' || *y->p == '#')) {
        if (*y->p == '#') {
            const char *e = memchr(y->p, '\n', (size_t)(y->end - y->p));
            y->p = e ? e : y->end;
        } else if (*y->p == '\n') {
            newline(y);
        } else {
            y->p++;
        }
    }
    if (y->p < y->end && y->p == y->ls && y->end - y->p >= 3 && memcmp(y->p, "---", 3) == 0 && blankz(y, y->p + 3)) {
        explicit_line = y->line;
        y->p += 3;
        if (end_line(y) < 0)
            return -1;
    }
    if (skip_to_token(y) < 0)
        return -1;
    if (y->p >= y->end) {
        if (explicit_line >= 0)
            return -1; /* an empty document: left to libyaml */
        emit(y, MG_YEV_STREAM_END, y->line + (colof(y, y->p) != 0), 0);
        return 0;
    }
    if (explicit_line >= 0)
        emit(y, MG_YEV_DOC_START, explicit_line, 0);
    else
        emit(y, MG_YEV_DOC_START, y->line, colof(y, y->p));

    /* The loop alternates two states: a node is expected (after the
     * start, "key:" or "-"; `inl` when it would stand on the same line),
     * and a node has ended (`next`: the token at p decides what closes and
     * what comes). */
    int after = AFTER_ROOT, inl = 0, next = 0;
    int eline = 0, ecol = 0; /* where an empty value would be: after the ':' or '-' */
    for (;;) {
        if (!next) {
            if (inl) {
                skip_spaces(y);
                if (y->p >= y->end || *y->p == '\n' || *y->p == '#') {
                    inl = 0;
                    if (skip_to_token(y) < 0)
                        return -1;
                }
            }
            int bi = block_indent(y);
            int line = y->line, col = y->p < y->end ? colof(y, y->p) : 0;
            int entry = y->p < y->end && *y->p == '-' && blankz(y, y->p + 1);
            if (!inl) {
                if (y->p >= y->end) {
                    if (after == AFTER_ROOT)
                        return -1;
                    emit_scalar(y, s->vlen, MG_YSTYLE_PLAIN, eline, ecol);
                    next = 1;
                    continue;
                }
                if (after == AFTER_KEY && entry && col == y->indent[y->depth - 1]) {
                    /* key:\n- a: an indentless sequence */
                    if (open_seq(y, K_ISEQ, line, col) < 0)
                        return -1;
                    after = AFTER_ENTRY;
                    eline = line;
                    ecol = col + 1;
                    inl = 1;
                    continue;
                }
                if (col <= bi) {
                    emit_scalar(y, s->vlen, MG_YSTYLE_PLAIN, eline, ecol);
                    next = 1;
                    continue;
                }
            } else if (col <= bi || (after == AFTER_KEY && entry)) {
                return -1;
            }
            if (entry) {
                if (open_seq(y, K_SEQ, line, col) < 0)
                    return -1;
                after = AFTER_ENTRY;
                eline = line;
                ecol = col + 1;
                inl = 1;
                continue;
            }
            char c = *y->p;
            if (c == '|' || c == '>') {
                if (scan_block(y, bi, line, col) < 0)
                    return -1;
                next = 1;
                if (skip_to_token(y) < 0)
                    return -1;
                continue;
            }
            if (c == '[' || c == '{') {
                if (scan_flow(y) < 0 || end_line(y) < 0)
                    return -1;
                next = 1;
                if (skip_to_token(y) < 0)
                    return -1;
                continue;
            }
            size_t off;
            int style;
            const char *start = y->p;
            if (scan_scalar(y, 0, &off, &style) < 0)
                return -1;
            skip_spaces(y);
            if (y->p < y->end && *y->p == ':' && blankz(y, y->p + 1)) {
                /* A simple key: a mapping starts at its column. */
                if (inl && after == AFTER_KEY)
                    return -1;
                if (y->p - start > MAX_KEY || push(y, K_MAP, col) < 0)
                    return -1;
                emit(y, MG_YEV_MAP_START, line, col);
                emit_scalar(y, off, style, line, col);
                eline = y->line;
                ecol = colof(y, y->p) + 1;
                y->p++;
                after = AFTER_KEY;
                inl = 1;
                continue;
            }
            emit_scalar(y, off, style, line, col);
            if (end_line(y) < 0 || skip_to_token(y) < 0)
                return -1;
            next = 1;
            continue;
        }

        /* A node has ended; p is at the next token or the end. */
        if (y->p >= y->end) {
            /* yaml_parser_fetch_next_token closes the collections deeper
             * than the last column where it stands; yaml_parser_fetch_stream_end
             * moves to a new line and closes the others there. */
            int col = colof(y, y->p), line = y->line + (col != 0);
            while (y->depth) {
                y->depth--;
                int deeper = y->indent[y->depth] > col;
                emit(y, y->kind[y->depth] == K_MAP ? MG_YEV_MAP_END : MG_YEV_SEQ_END, deeper ? y->line : line,
                     deeper ? col : 0);
            }
            emit(y, MG_YEV_DOC_END, line, 0);
            emit(y, MG_YEV_STREAM_END, line, 0);
            return 0;
        }
        if (!y->depth)
            return -1; /* more after the root node */
        int line = y->line, col = colof(y, y->p);
        int top = y->depth - 1, k = y->kind[top], ind = y->indent[top];
        int entry = *y->p == '-' && blankz(y, y->p + 1);
        if (k == K_ISEQ ? !(col == ind && entry) : col < ind) {
            y->depth--;
            emit(y, k == K_MAP ? MG_YEV_MAP_END : MG_YEV_SEQ_END, line, col);
            continue;
        }
        if (col > ind)
            return -1;
        if (k != K_MAP) {
            if (!entry)
                return -1;
            y->p++;
            after = AFTER_ENTRY;
            eline = line;
            ecol = col + 1;
            inl = 1;
            next = 0;
            continue;
        }
        /* The next key of the mapping. */
        size_t off;
        int style;
        const char *start = y->p;
        if (scan_scalar(y, 0, &off, &style) < 0)
            return -1;
        skip_spaces(y);
        if (y->p >= y->end || *y->p != ':' || !blankz(y, y->p + 1) || y->p - start > MAX_KEY)
            return -1;
        emit_scalar(y, off, style, line, col);
        eline = y->line;
        ecol = colof(y, y->p) + 1;
        y->p++;
        after = AFTER_KEY;
        inl = 1;
        next = 0;
    }
}

void mg_yscan_init(mg_yscan *s)
{
    memset(s, 0, sizeof *s);
}

int mg_yscan_run(mg_yscan *s, const char *text, size_t len)
{
    s->n = 0;
    s->vlen = 0;
    ys y;
    memset(&y, 0, sizeof y);
    /* Marks are ints, as in the loader. */
    if (len > (size_t)INT_MAX / 2 || check_chars((const unsigned char *)text, len, &y.ascii) < 0)
        return -1;
    y.s = s;
    y.p = y.ls = text;
    y.end = text + len;
    y.na = y.ascii ? y.end : next_high(text, y.end);
    /* A catalogue has an event per 15 bytes or so, and its values take
     * less room than its text: room at once instead of growing to it by
     * doubling, each step copying what is there. */
    if (s->cap < len / 8 + 16) {
        free(s->ev);
        s->cap = len / 8 + 16;
        s->ev = mg_xmalloc(s->cap * sizeof *s->ev);
    }
    val_reserve(s, len + 64);
    if (scan_doc(&y) < 0) {
        s->n = 0;
        s->vlen = 0;
        return -1;
    }
    return 0;
}

void mg_yscan_fini(mg_yscan *s)
{
    free(s->ev);
    free(s->val);
    memset(s, 0, sizeof *s);
}
