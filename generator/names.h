/* names.h - identifiers in every casing, computed once from a raw name.
 *
 * A raw name (a message name, a schema key, a JSON property, an enum value) is
 * split into words, then joined in each casing:
 *   snake      file_download_request      camel      fileDownloadRequest
 *   pascal     FileDownloadRequest        screaming  FILE_DOWNLOAD_REQUEST
 *   kebab      file-download-request
 * Word splitting: any byte that is not an ASCII letter or digit separates
 * words; inside a run, a word starts at an upper-case letter that follows a
 * lower-case letter or a digit ("fileDownload"), and at the last upper-case
 * letter of an acronym that is followed by a lower-case one ("HTTPServer" ->
 * HTTP Server). Digits stay with the word before them ("Server2Go" -> Server2
 * Go; "3dModel" -> 3d Model). Latin letters with diacritics are folded to ASCII
 * (é -> e, ß -> ss, æ -> ae); other non-ASCII characters separate words.
 * Identifier casings (all but kebab) of a name that starts with a digit get a
 * leading "_", so they stay legal identifiers in C, Python and TypeScript.
 *
 * Nothing returned is owned by the caller unless the function name ends in _new;
 * an mg_name owns its strings (mg_name_init / mg_name_fini).
 */
#ifndef MG_NAMES_H
#define MG_NAMES_H

#include <cjson/cJSON.h>

typedef enum {
    MG_CASE_SNAKE,
    MG_CASE_CAMEL,
    MG_CASE_PASCAL,
    MG_CASE_SCREAMING,
    MG_CASE_KEBAB,
    MG_CASE_RAW,
    MG_CASE_COUNT
} mg_case;

typedef struct mg_name {
    char *s[MG_CASE_COUNT]; /* owned; indexed by mg_case; never NULL after init */
} mg_name;

/* Computes every casing of `raw`. A raw name without letters or digits gives
 * empty casings (mg_name_is_empty); callers decide what to do with it. */
void mg_name_init(mg_name *n, const char *raw);
void mg_name_fini(mg_name *n);
/* mg_name_init with every casing in one block from alloc(ctx, size), which
 * belongs to the allocator's owner: no mg_name_fini (for the model, whose
 * arena holds its names). */
void mg_name_init_with(mg_name *n, const char *raw, void *(*alloc)(void *ctx, size_t size), void *ctx);
/* mg_name_init_with for raw = "<parent's snake casing> <suffix>" (a hoisted
 * type's name, model.c), made from the parent's casings and the suffix's
 * words alone, without splitting the parent's part again: a snake casing
 * splits into the very words it was joined from, so each casing is the
 * parent's, a separator and the suffix's words. The result is the same as
 * mg_name_init_with(raw). Returns -1 (nothing made) when the parent or the
 * suffix has no words, or the suffix is long: call mg_name_init_with. */
int mg_name_init_joined(mg_name *n, const char *raw, const mg_name *parent, const char *suffix,
                        void *(*alloc)(void *ctx, size_t size), void *ctx);
int mg_name_is_empty(const mg_name *n);

/* One casing of `raw`, freshly allocated; the caller frees it with free(). */
char *mg_name_case_new(const char *raw, mg_case c);

/* "snake" -> MG_CASE_SNAKE etc. ("screaming" also answers to "screaming_snake",
 * "pascal" to "Pascal"). Returns 0, or -1 for an unknown style. */
int mg_case_parse(const char *style, mg_case *out);
const char *mg_case_key(mg_case c); /* "snake", "camel", ... "raw" */

/* True when `id` is one of the strings of the JSON array `reserved` (case-
 * sensitive, as languages are). `reserved` may be NULL. */
int mg_names_is_reserved(const cJSON *reserved, const char *id);

#endif
