/* typo.h - warns about likely misspelt keywords in a catalogue.
 *
 * mg_typos_check walks the catalogue by object kind (the AsyncAPI root, info,
 * servers, channels, operations, messages, components, tags, ..., and every
 * schema), following $refs into other files, and warns once per node about a
 * member that no supported version knows for that kind but that is close to
 * one that is:
 *
 *   file:line:col: warning: unknown keyword 'minimun' (did you mean 'minimum'?)
 *
 * "Close" is an edit distance (mg_edit_distance: insertions, deletions,
 * substitutions, transpositions) of at most 2, and at most a third of the
 * key's length (1 for keys of up to 4 bytes). The known keywords are the union
 * of AsyncAPI 2.0-3.1 fields and of JSON Schema draft-04 to 2020-12 keywords
 * (plus OpenAPI's nullable and discriminator), so that a valid keyword of any
 * supported version is never reported. x-* extensions are never reported,
 * nor members of bindings, examples and other data.
 *
 * Owns nothing. Reports through mg_diag_warning (an error under --werror).
 */
#ifndef MG_TYPO_H
#define MG_TYPO_H

#include "diag.h"
#include "load.h"

typedef enum { MG_TYPO_ASYNCAPI2, MG_TYPO_ASYNCAPI3, MG_TYPO_SCHEMA } mg_typo_root;

/* Checks `doc` (its root read as `root`) and the files it refers to. */
void mg_typos_check(mg_docset *set, const mg_doc *doc, mg_typo_root root, mg_diag *d);

/* The known keyword of `kind` nearest to `key` when it is a likely typo of
 * one and not known itself, else NULL; `kind` is "schema", "message", ...
 * (the names in typo.c's table). For tests. */
const char *mg_typo_suggest(const char *kind, const char *key);

#endif
