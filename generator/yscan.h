/* yscan.h - a fast scanner for the subset of YAML that catalogues are
 * written in, giving exactly the events libyaml gives for the same text.
 *
 * libyaml's parser was the largest single cost of loading (about 187
 * instructions per input byte); catalogues use a small part of YAML: block
 * mappings and sequences (compact "- key: v" and indentless ones too),
 * single-line plain and quoted scalars, literal and folded block scalars
 * with any chomping, flow collections, comments, a leading "---". For such
 * a text mg_yscan_run fills the whole event stream; for anything else
 * (anchors, aliases, tags, directives, '?' keys, tabs, CR line breaks,
 * multi-line plain or quoted scalars, indentation indicators, a second
 * document, any syntax error...) it gives up on the whole text and the
 * caller parses it with libyaml, which stays the authority for every
 * diagnostic. The whole text is scanned before any event is used, so
 * giving up leaves nothing behind.
 *
 * Owns its event array and its value buffer (freed by mg_yscan_fini); the
 * events are valid until the next mg_yscan_run or mg_yscan_fini. Every
 * scalar's value is NUL-terminated in the value buffer.
 */
#ifndef MG_YSCAN_H
#define MG_YSCAN_H

#include <stddef.h>

typedef enum {
    MG_YEV_STREAM_START = 1,
    MG_YEV_STREAM_END,
    MG_YEV_DOC_START,
    MG_YEV_DOC_END,
    MG_YEV_SEQ_START,
    MG_YEV_SEQ_END,
    MG_YEV_MAP_START,
    MG_YEV_MAP_END,
    MG_YEV_SCALAR,
    MG_YEV_ALIAS /* libyaml only: the fast path gives up on aliases */
} mg_yev_type;

/* The numbers of libyaml's yaml_scalar_style_t. */
typedef enum {
    MG_YSTYLE_PLAIN = 1,
    MG_YSTYLE_SINGLE = 2,
    MG_YSTYLE_DOUBLE = 3,
    MG_YSTYLE_LITERAL = 4,
    MG_YSTYLE_FOLDED = 5
} mg_ystyle;

typedef struct {
    unsigned char type;  /* mg_yev_type */
    unsigned char style; /* mg_ystyle, scalars only */
    int line, col;       /* libyaml's start_mark: 0-based, columns in code points
                          * (end events too, though the loader reads only starts) */
    size_t off, len;     /* scalars: the value at mg_yscan.val + off, len bytes */
} mg_yev;

typedef struct {
    mg_yev *ev;
    size_t n, cap;
    char *val; /* the values, each followed by a NUL */
    size_t vlen, vcap;
} mg_yscan;

void mg_yscan_init(mg_yscan *s);

/* Scans text[0..len) (without a byte order mark). Returns 0 with s->ev[0..n)
 * the event stream from STREAM_START to STREAM_END, or -1 when the text is
 * outside the subset (s->n is then 0). */
int mg_yscan_run(mg_yscan *s, const char *text, size_t len);

void mg_yscan_fini(mg_yscan *s);

#endif
