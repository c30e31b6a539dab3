/* diag.c - formatting and forwarding of diagnostics, and the process-wide
 * output in text, JSON lines or SARIF. */
#include "diag.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "buf.h"
#include "config.h"
#include "util.h"

/* ---- the process-wide output ---- */

/* A record kept for SARIF, which is one document written at exit. */
typedef struct kept {
    mg_diag_kind kind;
    char *file, *pointer, *message; /* owned */
    int line, col;
} kept;

static struct {
    mg_diag_format fmt;
    FILE *out;       /* borrowed; NULL: stderr */
    kept *recs;      /* SARIF only */
    size_t n, cap;
} output;

static const struct rule {
    const char *id, *level, *text;
} rules[] = {
    [MG_DIAG_KIND_ERROR] = {"input-error", "error",
                            "An error in an input file: catalogue, template, data or configuration."},
    [MG_DIAG_KIND_WARNING] = {"input-warning", "warning", "A warning about an input file."},
    [MG_DIAG_KIND_USAGE] = {"usage-error", "error", "A bad command line."},
    [MG_DIAG_KIND_DRIFT] = {"drift", "error",
                            "Generated files differ from what the catalogue and templates produce."},
};

static FILE *out_stream(void)
{
    return output.out ? output.out : stderr;
}

static char *dup_or_null(const char *s)
{
    return s ? mg_xstrdup(s) : NULL;
}

int mg_diag_format_parse(const char *name, mg_diag_format *out)
{
    static const char *const names[] = {"text", "json", "sarif"};
    for (int i = 0; i < 3; i++)
        if (strcmp(name, names[i]) == 0) {
            *out = (mg_diag_format)i;
            return 0;
        }
    return -1;
}

void mg_diag_output_begin(mg_diag_format fmt, FILE *out)
{
    output.fmt = fmt;
    output.out = out;
}

mg_diag_format mg_diag_output_format(void)
{
    return output.fmt;
}

/* "file:line:col: " (the known parts) or "msggen: ", then "error: message". */
static void text_line(mg_buf *b, const mg_diag_record *r)
{
    if (r->at.file) {
        mg_buf_append_str(b, r->at.file);
        if (r->at.line > 0) {
            mg_buf_appendf(b, ":%d", r->at.line);
            if (r->at.col > 0)
                mg_buf_appendf(b, ":%d", r->at.col);
        }
        mg_buf_append_str(b, ": ");
    } else {
        mg_buf_append_str(b, "msggen: ");
    }
    mg_buf_append_str(b, r->kind == MG_DIAG_KIND_WARNING ? "warning: " : "error: ");
    mg_buf_append_str(b, r->message);
}

char *mg_diag_json_line_new(const mg_diag_record *r)
{
    cJSON *o = cJSON_CreateObject();
    if (r->at.file)
        cJSON_AddStringToObject(o, "file", r->at.file);
    else
        cJSON_AddNullToObject(o, "file");
    cJSON_AddNumberToObject(o, "line", r->at.line > 0 ? r->at.line : 0);
    cJSON_AddNumberToObject(o, "column", r->at.line > 0 && r->at.col > 0 ? r->at.col : 0);
    cJSON_AddStringToObject(o, "severity", rules[r->kind].level);
    cJSON_AddStringToObject(o, "kind", rules[r->kind].id);
    cJSON_AddStringToObject(o, "message", r->message);
    if (r->pointer)
        cJSON_AddStringToObject(o, "pointer", r->pointer);
    char *s = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    if (!s)
        abort();
    /* cJSON allocates through the pool (pool.h); hand back a malloc'd copy. */
    char *copy = mg_xstrdup(s);
    cJSON_free(s);
    return copy;
}

/* A file name as a SARIF artifact URI (RFC 3986): relative paths stay
 * relative (to the folder msggen ran in), absolute ones become file: URIs;
 * every byte outside the unreserved set and '/' is percent-encoded. */
static void uri_of(mg_buf *b, const char *path)
{
    static const char hex[] = "0123456789ABCDEF";
    if (path[0] == '/')
        mg_buf_append_str(b, "file://");
    for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
            strchr("-._~/", *p))
            mg_buf_putc(b, (char)*p);
        else {
            mg_buf_putc(b, '%');
            mg_buf_putc(b, hex[*p >> 4]);
            mg_buf_putc(b, hex[*p & 15]);
        }
    }
}

char *mg_diag_sarif_new(const mg_diag_record *recs, size_t n)
{
    cJSON *doc = cJSON_CreateObject();
    cJSON_AddStringToObject(doc, "$schema", "https://json.schemastore.org/sarif-2.1.0.json");
    cJSON_AddStringToObject(doc, "version", "2.1.0");
    cJSON *run = cJSON_CreateObject();
    cJSON_AddItemToArray(cJSON_AddArrayToObject(doc, "runs"), run);
    cJSON *driver = cJSON_AddObjectToObject(cJSON_AddObjectToObject(run, "tool"), "driver");
    cJSON_AddStringToObject(driver, "name", "msggen");
    cJSON_AddStringToObject(driver, "version", MG_VERSION);
    cJSON *jrules = cJSON_AddArrayToObject(driver, "rules");
    for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++) {
        cJSON *rule = cJSON_CreateObject();
        cJSON_AddStringToObject(rule, "id", rules[i].id);
        cJSON_AddStringToObject(cJSON_AddObjectToObject(rule, "shortDescription"), "text", rules[i].text);
        cJSON_AddStringToObject(cJSON_AddObjectToObject(rule, "defaultConfiguration"), "level", rules[i].level);
        cJSON_AddItemToArray(jrules, rule);
    }
    cJSON *results = cJSON_AddArrayToObject(run, "results");
    mg_buf uri;
    mg_buf_init(&uri);
    for (size_t i = 0; i < n; i++) {
        const mg_diag_record *r = &recs[i];
        cJSON *res = cJSON_CreateObject();
        cJSON_AddStringToObject(res, "ruleId", rules[r->kind].id);
        cJSON_AddNumberToObject(res, "ruleIndex", (double)r->kind);
        cJSON_AddStringToObject(res, "level", rules[r->kind].level);
        cJSON_AddStringToObject(cJSON_AddObjectToObject(res, "message"), "text", r->message);
        if (r->at.file) {
            cJSON *loc = cJSON_CreateObject();
            cJSON_AddItemToArray(cJSON_AddArrayToObject(res, "locations"), loc);
            cJSON *phys = cJSON_AddObjectToObject(loc, "physicalLocation");
            mg_buf_reset(&uri);
            uri_of(&uri, r->at.file);
            cJSON_AddStringToObject(cJSON_AddObjectToObject(phys, "artifactLocation"), "uri", mg_buf_cstr(&uri));
            /* A region needs startLine >= 1; without a line the file is the location. */
            if (r->at.line > 0) {
                cJSON *region = cJSON_AddObjectToObject(phys, "region");
                cJSON_AddNumberToObject(region, "startLine", r->at.line);
                if (r->at.col > 0)
                    cJSON_AddNumberToObject(region, "startColumn", r->at.col);
            }
        }
        if (r->pointer)
            cJSON_AddStringToObject(cJSON_AddObjectToObject(res, "properties"), "pointer", r->pointer);
        cJSON_AddItemToArray(results, res);
    }
    mg_buf_fini(&uri);
    char *s = cJSON_Print(doc);
    cJSON_Delete(doc);
    if (!s)
        abort();
    char *copy = mg_xstrdup(s);
    cJSON_free(s);
    return copy;
}

void mg_diag_output_record(const mg_diag_record *r)
{
    FILE *f = out_stream();
    if (output.fmt == MG_DIAG_TEXT) {
        if (r->kind == MG_DIAG_KIND_DRIFT)
            return; /* check's own report on stdout says it */
        mg_buf b;
        mg_buf_init(&b);
        text_line(&b, r);
        fputs(mg_buf_cstr(&b), f);
        fputc('\n', f);
        mg_buf_fini(&b);
    } else if (output.fmt == MG_DIAG_JSON) {
        char *s = mg_diag_json_line_new(r);
        fputs(s, f);
        fputc('\n', f);
        free(s);
    } else {
        output.recs = mg_xgrow(output.recs, output.n, &output.cap, sizeof *output.recs);
        kept *k = &output.recs[output.n++];
        k->kind = r->kind;
        k->file = dup_or_null(r->at.file);
        k->pointer = dup_or_null(r->pointer);
        k->message = mg_xstrdup(r->message);
        k->line = r->at.line;
        k->col = r->at.col;
    }
}

int mg_diag_output_end(void)
{
    FILE *f = out_stream();
    if (output.fmt == MG_DIAG_SARIF) {
        mg_diag_record *recs = mg_xcalloc(output.n, sizeof *recs);
        for (size_t i = 0; i < output.n; i++) {
            recs[i].kind = output.recs[i].kind;
            recs[i].at = mg_mark_at(output.recs[i].file, output.recs[i].line, output.recs[i].col);
            recs[i].pointer = output.recs[i].pointer;
            recs[i].message = output.recs[i].message;
        }
        char *s = mg_diag_sarif_new(recs, output.n);
        fputs(s, f);
        fputc('\n', f);
        free(s);
        free(recs);
    }
    for (size_t i = 0; i < output.n; i++) {
        free(output.recs[i].file);
        free(output.recs[i].pointer);
        free(output.recs[i].message);
    }
    free(output.recs);
    output.recs = NULL;
    output.n = output.cap = 0;
    return fflush(f) == 0 && !ferror(f) ? 0 : -1;
}

/* ---- per-diag reporting ---- */

/* Forwards a formatted message to the diag's sink (the text line) or to the
 * process-wide output. */
static void report(mg_diag *d, mg_diag_kind kind, mg_mark at, const char *pointer, mg_buf *msg)
{
    /* One diagnostic is one line: a newline inside a message would break every
     * tool that reads gcc-style output, so we fold it. */
    for (size_t i = 0; i < msg->len; i++)
        if (msg->data[i] == '\n' || msg->data[i] == '\r')
            msg->data[i] = ' ';
    mg_diag_record r = {kind, at, pointer, mg_buf_cstr(msg)};
    if (d && d->sink) {
        mg_buf line;
        mg_buf_init(&line);
        text_line(&line, &r);
        d->sink(d->user, mg_buf_cstr(&line));
        mg_buf_fini(&line);
    } else {
        mg_diag_output_record(&r);
    }
}

static void emit(mg_diag *d, mg_diag_kind kind, mg_mark at, const char *pointer, const char *fmt, va_list ap)
{
    mg_buf msg;
    mg_buf_init(&msg);
    mg_buf_vappendf(&msg, fmt, ap);
    report(d, kind, at, pointer, &msg);
    mg_buf_fini(&msg);
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
        emit(d, MG_DIAG_KIND_ERROR, at, NULL, fmt, ap);
}

void mg_diag_error(mg_diag *d, mg_mark at, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    mg_diag_verror(d, at, fmt, ap);
    va_end(ap);
}

void mg_diag_verror_ptr(mg_diag *d, mg_mark at, const char *pointer, const char *fmt, va_list ap)
{
    d->errors++;
    if (d->errors <= d->max_errors)
        emit(d, MG_DIAG_KIND_ERROR, at, pointer, fmt, ap);
}

void mg_diag_error_ptr(mg_diag *d, mg_mark at, const char *pointer, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    mg_diag_verror_ptr(d, at, pointer, fmt, ap);
    va_end(ap);
}

/* --werror: process-wide, like the output format, because the subcommands
 * that take it (generate, check, validate) set it once before any stage runs. */
static int werror;

void mg_diag_set_werror(int on)
{
    werror = on;
}

void mg_diag_vwarning_ptr(mg_diag *d, mg_mark at, const char *pointer, const char *fmt, va_list ap)
{
    if (werror)
        mg_diag_verror_ptr(d, at, pointer, fmt, ap);
    else
        emit(d, MG_DIAG_KIND_WARNING, at, pointer, fmt, ap);
}

void mg_diag_warning(mg_diag *d, mg_mark at, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    mg_diag_vwarning_ptr(d, at, NULL, fmt, ap);
    va_end(ap);
}

void mg_diag_usage(const char *message)
{
    mg_buf msg;
    mg_buf_init(&msg);
    mg_buf_append_str(&msg, message);
    report(NULL, MG_DIAG_KIND_USAGE, mg_mark_at(NULL, 0, 0), NULL, &msg);
    mg_buf_fini(&msg);
}

void mg_diag_drift(mg_mark at, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    emit(NULL, MG_DIAG_KIND_DRIFT, at, NULL, fmt, ap);
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
