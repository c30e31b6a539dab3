/* buf.c - growable byte buffers. */
#include "buf.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char empty[1] = "";

/* Buffers grow by doubling up to GROW_FAST bytes, then by 4: realloc copies
 * a big buffer every time it grows (glibc moves it within the heap), and a
 * rendered file of 500 KB was copied 1 MB over in doubling steps. The
 * unused tail costs address space, not memory, until it is written. */
#define GROW_FAST (64 * 1024)

void mg_buf_init(mg_buf *b)
{
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
    b->flushed = 0;
    b->sink = NULL;
}

void mg_buf_fini(mg_buf *b)
{
    free(b->data);
    mg_buf_init(b);
}

void mg_buf_reset(mg_buf *b)
{
    b->len = 0;
    b->flushed = 0;
    if (b->data)
        b->data[0] = '\0';
}

void mg_buf_grow(mg_buf *b, size_t extra)
{
    /* +1 keeps room for the terminating NUL. */
    if (b->len + extra + 1 <= b->cap)
        return;
    /* A full buffer with a sink empties into it rather than growing (buf.h). */
    if (b->sink && b->len >= MG_BUF_FLUSH_MIN) {
        if (b->sink->flush(b->sink, b->data, b->len) == 0) {
            b->flushed += b->len;
            b->len = 0;
            b->data[0] = '\0';
            if (extra + 1 <= b->cap)
                return;
        } else
            b->sink = NULL;
    }
    size_t cap = b->cap ? b->cap : 64;
    while (cap < b->len + extra + 1) {
        if (cap > (size_t)-1 / 2) {
            fputs("msggen: out of memory\n", stderr);
            abort();
        }
        cap *= cap < GROW_FAST ? 2 : 4;
    }
    /* An empty buffer (reset for reuse) has nothing to keep: realloc would
     * copy its whole old block. */
    char *p;
    if (b->len == 0 && b->data) {
        free(b->data);
        p = malloc(cap);
        if (p)
            p[0] = '\0'; /* still terminated, as buf.h promises */
    } else
        p = realloc(b->data, cap);
    if (!p) {
        fputs("msggen: out of memory\n", stderr);
        abort();
    }
    b->data = p;
    b->cap = cap;
}

void mg_buf_append_str(mg_buf *b, const char *s)
{
    mg_buf_append(b, s, strlen(s));
}

void mg_buf_vappendf(mg_buf *b, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0)
        return;
    mg_buf_reserve(b, (size_t)n);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
}

void mg_buf_appendf(mg_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    mg_buf_vappendf(b, fmt, ap);
    va_end(ap);
}

const char *mg_buf_cstr(mg_buf *b)
{
    return b->data ? b->data : empty;
}

char *mg_buf_steal(mg_buf *b, size_t *len)
{
    if (!b->data)
        mg_buf_reserve(b, 0);
    char *p = b->data;
    p[b->len] = '\0';
    if (len)
        *len = b->len;
    mg_buf_init(b);
    return p;
}

int mg_buf_read_file(mg_buf *b, const char *path, size_t max)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (!f)
        return -1;
    /* fopen opens a folder for reading on Linux; fread then fails with EISDIR,
     * which ferror would turn into a vague EIO. */
    struct stat sb;
    if (fstat(fileno(f), &sb) == 0 && S_ISDIR(sb.st_mode)) {
        if (f != stdin)
            fclose(f);
        errno = EISDIR;
        return -1;
    }
    char chunk[65536];
    size_t start = b->len;
    for (;;) {
        size_t n = fread(chunk, 1, sizeof chunk, f);
        if (n == 0)
            break;
        if (b->len - start + n > max) {
            if (f != stdin)
                fclose(f);
            errno = EFBIG;
            return -1;
        }
        mg_buf_append(b, chunk, n);
    }
    int err = ferror(f);
    if (f != stdin)
        fclose(f);
    if (err) {
        errno = EIO;
        return -1;
    }
    mg_buf_reserve(b, 0); /* make sure data is non-NULL and terminated */
    b->data[b->len] = '\0';
    return 0;
}
