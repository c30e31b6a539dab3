/* diag.h - source positions and the error sink every stage reports through.
 *
 * A mg_mark names a place in an input file (1-based line and column). A mg_diag
 * counts errors and forwards each, formatted as one gcc-style line
 * ("file:line:col: error: message"), to a sink: stderr by default, a buffer in
 * tests. Marks do not own their file name: it must outlive the mark (file names
 * normally live as long as the loaded document or template that produced them).
 *
 * Diags without a sink report through one process-wide output, which main.c
 * sets up once from --diagnostics-format before any subcommand runs:
 *   text   the gcc-style line on stderr (the default);
 *   json   one JSON object per line: file, line, column, severity, message and,
 *          when the caller knows it, pointer (RFC 6901, into `file`);
 *   sarif  one SARIF 2.1.0 document, written by mg_diag_output_end at exit
 *          (a valid document with an empty `results` when nothing went wrong).
 * The output is global because stderr is: every subcommand's diags end there.
 * Sinks (tests) always receive the text line.
 */
#ifndef MG_DIAG_H
#define MG_DIAG_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

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

typedef enum {
    MG_DIAG_TEXT,
    MG_DIAG_JSON,
    MG_DIAG_SARIF
} mg_diag_format;

/* What a diagnostic is about; the SARIF rule it is reported under. */
typedef enum {
    MG_DIAG_KIND_ERROR,   /* an error in an input file (catalogue, template, data, config) */
    MG_DIAG_KIND_WARNING,
    MG_DIAG_KIND_USAGE,   /* a bad command line */
    MG_DIAG_KIND_DRIFT    /* `check`: generated files out of sync */
} mg_diag_kind;

/* One diagnostic, as the structured formats see it. Everything is borrowed. */
typedef struct mg_diag_record {
    mg_diag_kind kind;
    mg_mark at;
    const char *pointer;  /* JSON pointer into at.file; NULL when unknown */
    const char *message;  /* one line, without the "file:line:col: error: " prefix */
} mg_diag_record;

/* "text", "json" or "sarif" to *out; returns 0, or -1 for any other name. */
int mg_diag_format_parse(const char *name, mg_diag_format *out);

/* Sets the process-wide output: its format and stream (NULL: stderr; the
 * stream is borrowed and must stay open until mg_diag_output_end). */
void mg_diag_output_begin(mg_diag_format fmt, FILE *out);
mg_diag_format mg_diag_output_format(void);

/* Writes what is pending (the SARIF document) and forgets every record; call
 * once at exit. Returns 0, or -1 when the stream reported a write error. */
int mg_diag_output_end(void);

/* Reports one record through the process-wide output (text: the gcc-style
 * line). Counts nothing: mg_diag_error and friends count, then call this. */
void mg_diag_output_record(const mg_diag_record *r);

/* The document mg_diag_output_end writes for `n` records, appended to a
 * heap string the caller frees with free(); for tests. */
char *mg_diag_sarif_new(const mg_diag_record *r, size_t n);
/* One JSON line (no newline) for a record; the caller frees it with free(). */
char *mg_diag_json_line_new(const mg_diag_record *r);

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

/* The same, with the JSON pointer (RFC 6901) of the offending node in at.file,
 * for callers that know it; `pointer` is borrowed (NULL: none). */
void mg_diag_error_ptr(mg_diag *d, mg_mark at, const char *pointer, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void mg_diag_verror_ptr(mg_diag *d, mg_mark at, const char *pointer, const char *fmt, va_list ap);

/* Reports a usage error (message without prefix) through the process-wide
 * output; in text: "msggen: error: <message>" on stderr. */
void mg_diag_usage(const char *message);

/* Reports drift found by `check` (not counted; the caller's exit code says it). */
void mg_diag_drift(mg_mark at, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Same shape as an error, with "warning:"; does not count as an error,
 * unless mg_diag_set_werror(1) (--werror) made every warning an error. */
void mg_diag_warning(mg_diag *d, mg_mark at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* The same, with the JSON pointer of the node warned about (NULL: none). */
void mg_diag_vwarning_ptr(mg_diag *d, mg_mark at, const char *pointer, const char *fmt, va_list ap);
void mg_diag_set_werror(int on);

/* Makes a mark; `file` is borrowed. */
mg_mark mg_mark_at(const char *file, int line, int col);

/* True once the error limit is reached: stages may stop early. */
int mg_diag_full(const mg_diag *d);

#endif
