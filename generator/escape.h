/* escape.h - the escape contexts of `{{x}}`: how a view string is written into
 * each kind of generated file so that it is exact where the language has a
 * string syntax and inert everywhere else (docs/targets.md, "Escaping").
 *
 * A code context (c, python, typescript, json, toml) writes text that is
 * exactly the original string inside a double-quoted literal of the language,
 * and harmless inside any comment of it: never a line break, never a comment
 * terminator, never a line splice, never a raw control or invisible format
 * character (Unicode Cc, Cf, Zl, Zp: bidi overrides, zero-width spaces, ...).
 * makefile, pkgconfig, shell and markdown make text inert in those files, with
 * the losses documented; text keeps only characters that are inert in any
 * language and replaces the rest; html is the mustache spec's; none copies.
 *
 * Keeps no state; functions taking an mg_buf append to it.
 */
#ifndef MG_ESCAPE_H
#define MG_ESCAPE_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

typedef enum {
    MG_ESCAPE_HTML,      /* & < > " as entities (the mustache spec's default) */
    MG_ESCAPE_NONE,      /* as is: the template vouches for every {{x}} */
    MG_ESCAPE_C,         /* C11 string literal / comment */
    MG_ESCAPE_PYTHON,    /* Python string literal / comment */
    MG_ESCAPE_TS,        /* TypeScript/JavaScript string or template literal / comment */
    MG_ESCAPE_JSON,      /* JSON string */
    MG_ESCAPE_TOML,      /* TOML basic string / comment */
    MG_ESCAPE_MAKEFILE,  /* make variable value / comment */
    MG_ESCAPE_PKGCONFIG, /* pkg-config .pc field */
    MG_ESCAPE_SHELL,     /* sh double-quoted word, Dockerfile line / comment */
    MG_ESCAPE_MARKDOWN,  /* Markdown text */
    MG_ESCAPE_TEXT,      /* any file: only characters inert everywhere, others as '_' */
    MG_ESCAPE_AUTO       /* target.yaml only: chosen per file by its name (mg_escape_for_path) */
} mg_escape;

/* The context called `name` ("c", "python", ..., "auto"). Returns 0, or -1
 * when there is none (*out untouched). */
int mg_escape_parse(const char *name, mg_escape *out);

/* The name of a context, as mg_escape_parse reads it. */
const char *mg_escape_name(mg_escape e);

/* Every context name, comma separated, for diagnostics. */
const char *mg_escape_names(void);

/* The context for an output file, from its name (the last path component):
 * .c .h -> c, .py .pyi -> python, .ts .tsx .js .mjs .cjs -> typescript,
 * .json -> json, .toml -> toml, Makefile GNUmakefile makefile .mk -> makefile,
 * .pc .pc.in -> pkgconfig, Dockerfile .sh -> shell, .md -> markdown,
 * .html .htm -> html, anything else -> text. */
mg_escape mg_escape_for_path(const char *path);

/* Appends s[0..n) escaped for context `e` (MG_ESCAPE_AUTO appends as text). */
void mg_escape_append(mg_buf *b, mg_escape e, const char *s, size_t n);

/* Whether mg_escape_append(b, e, s, n) would append s[0..n) unchanged
 * (nothing in it to replace). */
int mg_escape_is_plain(mg_escape e, const char *s, size_t n);

/* Whether code point cp is a control or invisible format character (Unicode
 * Cc, Cf, Zl, Zp; Unicode 14): the characters no context writes raw. */
int mg_escape_invisible(uint32_t cp);

#endif
