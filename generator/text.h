/* text.h - small text helpers shared by the stages: hex digits, UTF-8, byte
 * offsets as line/column, JSON Pointer (RFC 6901) reference tokens, and
 * substitution tables (target.yaml's {from, to} escapes).
 *
 * Keeps no state. Functions taking an mg_buf append to it. An mg_subst owns
 * its array (mg_subst_fini) but borrows its strings.
 */
#ifndef MG_TEXT_H
#define MG_TEXT_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

/* The value of hex digit c (either case), or -1. */
int mg_hexval(int c);

/* Decodes one UTF-8 sequence at s (n > 0 bytes available), strictly: no
 * overlong forms, no surrogates, nothing past U+10FFFF. Returns its length
 * (1 to 4) with *cp set, or 0 when the bytes are not valid UTF-8. */
size_t mg_utf8_decode(const unsigned char *s, size_t n, uint32_t *cp);

/* The number of code points in a valid UTF-8 string (bytes that are not
 * continuation bytes). */
size_t mg_utf8_length(const char *s);

/* The 1-based line and column (column in code points, as libyaml counts) of
 * byte offset `off` in text[0..len); an offset past the end counts as len.
 * Scans from the start: meant for error paths. */
void mg_text_linecol(const char *text, size_t len, size_t off, int *line, int *col);

/* Appends `s` as a JSON Pointer reference token: '~' as "~0", '/' as "~1". */
void mg_jptr_append_token(mg_buf *b, const char *s);

/* Appends the decoded reference token that starts at p and ends at the next
 * '/' or NUL; returns that end. Decoding goes left to right, so "~01" is
 * "~1", not "/" (RFC 6901 section 4). A '~' followed by neither '0' nor '1' is kept as is, and when
 * `bad` is not NULL, *bad is set to the first such '~' (NULL if none). */
const char *mg_jptr_decode_token(mg_buf *tok, const char *p, const char **bad);

/* Substitution pairs, applied first match first at each position of a text:
 * the escapes of doc comments, Markdown text and string literals. */
typedef struct mg_subst_pair {
    const char *from, *to; /* borrowed: must outlive the table */
    size_t flen, tlen;
    int in_code;           /* applies inside code spans too */
    int next;              /* the next pair starting with the same byte, or -1 */
} mg_subst_pair;

typedef struct mg_subst {
    mg_subst_pair *pairs;
    size_t n, cap;
    unsigned char starts[256]; /* bit 1: some pair starts with this byte; bit 2: some code pair does */
    /* The pairs starting with each byte, chained in table order (-1: none):
     * a match compares only those (scanning every pair per candidate, about
     * 20 for the invisible characters, was 12 M instructions of a generate). */
    int head[256], tail[256];
} mg_subst;

void mg_subst_init(mg_subst *s);
void mg_subst_fini(mg_subst *s);

/* Adds a pair after the others; an empty or NULL `from` (or NULL `to`) is
 * ignored. */
void mg_subst_add(mg_subst *s, const char *from, const char *to, int in_code);

/* The first pair whose `from` begins text[0..n) (n > 0; only code pairs when
 * in_code), or NULL. Callers skip bytes without the starts[] bit first. */
const mg_subst_pair *mg_subst_match(const mg_subst *s, const char *text, size_t n, int in_code);

#endif
