/* buf.h - growable byte buffers.
 *
 * A mg_buf is embedded in its owner (mg_buf_init/mg_buf_fini). Its bytes are
 * always NUL-terminated after `len` so that mg_buf_cstr is free, but may also
 * contain NUL bytes. Growth is geometric, so appending is amortised O(1).
 * Allocation failure aborts: msggen is a batch tool with no use for a
 * half-built buffer.
 */
#ifndef MG_BUF_H
#define MG_BUF_H

#include <stdarg.h>
#include <stddef.h>
#include <string.h>

typedef struct mg_buf_sink mg_buf_sink;

typedef struct mg_buf {
    char *data; /* owned; NULL until the first append */
    size_t len;
    size_t cap;
    size_t flushed;    /* bytes handed to `sink` so far: they came before data[0] */
    mg_buf_sink *sink; /* borrowed; NULL (mg_buf_init): the buffer keeps all it is given */
} mg_buf;

/* Where a buffer with a sink sends its bytes instead of growing, so that a
 * big output (a rendered file of 170 MB) is written out as it is made and
 * held at one buffer's size, not at its own, doubled while it grows. When
 * an append finds no room and the buffer holds at least MG_BUF_FLUSH_MIN
 * bytes, mg_buf_grow hands them all to `flush` and starts over at len 0
 * (`flushed` counts them); so a writer must never keep a pointer into the
 * data across an append, nor look back at bytes already appended (the
 * renderer and the escapes only append). If `flush` returns -1 the buffer
 * is detached from the sink (sink = NULL) and keeps everything from then
 * on; the owner of the sink then still has what was flushed before. */
struct mg_buf_sink {
    int (*flush)(mg_buf_sink *self, const char *data, size_t n);
};

#define MG_BUF_FLUSH_MIN (64 * 1024)

void mg_buf_init(mg_buf *b);
void mg_buf_fini(mg_buf *b);           /* frees data; b may be reused after init */
void mg_buf_reset(mg_buf *b);          /* len = flushed = 0, keeps the allocation and sink */
void mg_buf_append_str(mg_buf *b, const char *s);
void mg_buf_grow(mg_buf *b, size_t extra); /* mg_buf_reserve when there is no room */

/* Every byte appended since the last reset: flushed ones and held ones. */
static inline size_t mg_buf_total(const mg_buf *b)
{
    return b->flushed + b->len;
}

/* Makes room for `extra` more bytes (and the NUL) without moving len. */
static inline void mg_buf_reserve(mg_buf *b, size_t extra)
{
    if (b->len + extra + 1 > b->cap)
        mg_buf_grow(b, extra);
}

/* Inline: the renderer appends a few bytes at a time, about a million times
 * in a generate, and a call to the library for each cost 20 instructions. */
static inline void mg_buf_append(mg_buf *b, const void *p, size_t n)
{
    mg_buf_reserve(b, n);
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
}

static inline void mg_buf_putc(mg_buf *b, char c)
{
    mg_buf_reserve(b, 1);
    b->data[b->len++] = c;
    b->data[b->len] = '\0';
}
void mg_buf_appendf(mg_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void mg_buf_vappendf(mg_buf *b, const char *fmt, va_list ap);

/* The contents as a C string; valid until the next append or fini. Never NULL. */
const char *mg_buf_cstr(mg_buf *b);

/* Hands the contents to the caller, who frees them with free(); b is left empty. */
char *mg_buf_steal(mg_buf *b, size_t *len);

/* Reads a whole file into b (appending). Returns 0, or -1 with errno set; files
 * larger than `max` fail with errno = EFBIG, a folder with EISDIR. */
int mg_buf_read_file(mg_buf *b, const char *path, size_t max);

#endif
