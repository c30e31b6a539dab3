/* diag.h - source positions and the error sink every stage reports through.
 *
 * A mg_mark names a place in an input file (1-based line and column). A mg_diag
 * counts errors and forwards each, formatted as one gcc-style line
 * ("file:line:col: error: message"), to a sink: stderr by default, a buffer in
 * tests. Marks do not own their file name: it must outlive the mark (file names
 * normally live as long as the loaded document or template that produced them).
 */
#ifndef MG_DIAG_H
#define MG_DIAG_H

#include <stdarg.h>
#include <stddef.h>

typedef struct mg_mark {
    const char *file; /* borrowed; NULL when there is no file (e.g. a usage error) */
    int line;         /* 1-based; 0 when unknown */
    int col;          /* 1-based; 0 when unknown */
} mg_mark;

/* Receives each formatted diagnostic line, without the trailing newline. */
typedef void (*mg_diag_sink)(void *user, const char *line);

typedef struct mg_diag {
    int errors;          /* errors reported so far */
    int max_errors;      /* stop forwarding past this many (MG_MAX_ERRORS by default) */
    mg_diag_sink sink;   /* NULL means stderr */
    void *user;          /* passed to sink */
} mg_diag;

/* Sets up a diag that prints to stderr. Nothing to free. */
void mg_diag_init(mg_diag *d);

/* Sets up a diag that calls `sink` with each line. Nothing to free. */
void mg_diag_init_sink(mg_diag *d, mg_diag_sink sink, void *user);

/* Reports an error at `at`. Formats as "file:line:col: error: <fmt>" (omitting the
 * parts of the mark that are unknown). Always counts; forwards only the first
 * max_errors. */
void mg_diag_error(mg_diag *d, mg_mark at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void mg_diag_verror(mg_diag *d, mg_mark at, const char *fmt, va_list ap);

/* Same shape as an error, with "warning:"; does not count as an error. */
void mg_diag_warning(mg_diag *d, mg_mark at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Makes a mark; `file` is borrowed. */
mg_mark mg_mark_at(const char *file, int line, int col);

/* True once the error limit is reached: stages may stop early. */
int mg_diag_full(const mg_diag *d);

#endif
