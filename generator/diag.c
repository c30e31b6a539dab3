/* diag.c - formatting and forwarding of diagnostics. */
#include "diag.h"

#include <stdio.h>
#include <stdlib.h>

#include "buf.h"
#include "config.h"

static void emit(mg_diag *d, mg_mark at, const char *kind, const char *fmt, va_list ap)
{
    mg_buf b;
    mg_buf_init(&b);
    if (at.file) {
        mg_buf_append_str(&b, at.file);
        if (at.line > 0) {
            mg_buf_appendf(&b, ":%d", at.line);
            if (at.col > 0)
                mg_buf_appendf(&b, ":%d", at.col);
        }
        mg_buf_append_str(&b, ": ");
    } else {
        mg_buf_append_str(&b, "msggen: ");
    }
    mg_buf_append_str(&b, kind);
    mg_buf_append_str(&b, ": ");
    mg_buf_vappendf(&b, fmt, ap);
    /* One diagnostic is one line: a newline inside a message would break every
     * tool that reads gcc-style output, so we fold it. */
    for (size_t i = 0; i < b.len; i++)
        if (b.data[i] == '\n' || b.data[i] == '\r')
            b.data[i] = ' ';
    const char *line = mg_buf_cstr(&b);
    if (d && d->sink)
        d->sink(d->user, line);
    else {
        fputs(line, stderr);
        fputc('\n', stderr);
    }
    mg_buf_fini(&b);
}

void mg_diag_init(mg_diag *d)
{
    d->errors = 0;
    d->max_errors = MG_MAX_ERRORS;
    d->sink = NULL;
    d->user = NULL;
}

void mg_diag_init_sink(mg_diag *d, mg_diag_sink sink, void *user)
{
    mg_diag_init(d);
    d->sink = sink;
    d->user = user;
}

void mg_diag_verror(mg_diag *d, mg_mark at, const char *fmt, va_list ap)
{
    d->errors++;
    if (d->errors <= d->max_errors)
        emit(d, at, "error", fmt, ap);
}

void mg_diag_error(mg_diag *d, mg_mark at, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    mg_diag_verror(d, at, fmt, ap);
    va_end(ap);
}

void mg_diag_warning(mg_diag *d, mg_mark at, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    emit(d, at, "warning", fmt, ap);
    va_end(ap);
}

mg_mark mg_mark_at(const char *file, int line, int col)
{
    mg_mark m;
    m.file = file;
    m.line = line;
    m.col = col;
    return m;
}

int mg_diag_full(const mg_diag *d)
{
    return d->errors >= d->max_errors;
}
