/* validate.h - an interpreting JSON Schema (draft-07) validator over cJSON trees.
 *
 * A mg_validator holds what outlives one validation: the registry of schema
 * documents and their "$id"s, the cache of compiled patterns (PCRE2, compiled
 * once per pattern string), and the loader callback through which it reaches
 * other documents. It owns no files and never fetches anything: a "$ref" into
 * another document becomes one call of the loader with that document's
 * absolute URI (no fragment), and the loader hands back the document's root.
 *
 * Ownership: schema and instance trees are borrowed; every schema tree
 * (registered with mg_validator_add_schema or returned by the loader) must stay
 * valid until mg_validator_free. Errors in a mg_vresult are owned by the
 * result (mg_vresult_fini). Nothing returned by this module is owned by the
 * caller unless the function name ends in `_new`.
 *
 * Keywords: draft-07 (type, enum, const, properties, required,
 * additionalProperties, patternProperties, propertyNames, min/maxProperties,
 * dependencies, items, additionalItems, contains, min/maxItems, uniqueItems,
 * min/maxLength, pattern, minimum, maximum, exclusiveMinimum/Maximum in both
 * the draft-07 numeric and the draft-04 boolean form, multipleOf, allOf, anyOf,
 * oneOf, not, if/then/else, boolean schemas, $ref with $id base URIs and
 * location-independent "#name" ids, definitions, format), plus the
 * OpenAPI/AsyncAPI 2 extension `nullable: true` (adds "null" to `type`).
 * Other keywords (title, description, default, examples, x-*, ...) are
 * ignored. docs/validation.md lists the details and every error message.
 *
 * Error messages. Each error is an instance location (a JSON pointer, RFC 6901,
 * "" for the whole instance) and a message with fixed, project-wide wording
 * ("expected integer, got string"). Printed as one line, the location comes
 * first and the root is written "/": "/results/0/views: expected integer, got
 * string", "/: missing required property 'id'" (mg_verror_format). Every
 * message of every keyword is tabled in docs/validation.md; generated
 * validators use the same wording.
 *
 * Schema errors (a $ref that cannot be resolved, a pattern PCRE2 rejects,
 * nesting deeper than MG_MAX_VALIDATE_DEPTH) are reported in the same list with
 * kind MG_VERR_SCHEMA, and the validation result is then -1.
 */
#ifndef MG_VALIDATE_H
#define MG_VALIDATE_H

#include <cjson/cJSON.h>

#include "buf.h"

typedef struct mg_validator mg_validator;

/* Returns the root of the document at `uri` (absolute, no fragment: e.g.
 * "file:///abs/dir/common.json" or "http://localhost:1234/integer.json"), or
 * NULL when there is none. The tree is borrowed and must stay valid until
 * mg_validator_free; the loader keeps (or caches) it. Called at most once per
 * URI per validator. mg_validate_uri_to_path turns a file: URI back into a
 * path, e.g. for mg_docset_load. */
typedef const cJSON *(*mg_vloader)(void *user, const char *uri);

typedef enum {
    MG_VERR_INSTANCE = 0, /* the instance breaks a rule of the schema */
    MG_VERR_SCHEMA = 1    /* the schema itself is broken (unresolvable $ref, bad pattern, ...) */
} mg_verror_kind;

typedef struct mg_verror {
    mg_verror_kind kind;
    char *pointer;  /* JSON pointer into the instance ("" = root); owned by the result */
    char *message;  /* e.g. "expected integer, got string"; owned by the result */
} mg_verror;

typedef struct mg_vresult {
    mg_verror *errors; /* owned; `count` entries in the order found */
    int count;
    int truncated;     /* 1 when more than MG_MAX_VALIDATE_ERRORS errors existed */
} mg_vresult;

void mg_vresult_init(mg_vresult *r);
void mg_vresult_fini(mg_vresult *r); /* frees the errors; r may be reused after init */

/* Writes "POINTER: MESSAGE" (root pointer written as "/") into buf, truncated
 * to `size` bytes, always NUL-terminated. Returns buf. */
char *mg_verror_format(const mg_verror *e, char *buf, size_t size);

/* Creates a validator. `loader` may be NULL (then every reference into another
 * document is a schema error). Free with mg_validator_free. */
mg_validator *mg_validator_new(mg_vloader loader, void *user);
void mg_validator_free(mg_validator *v);

/* Registers a schema document `root` retrieved from `uri` (absolute, e.g. a
 * file: URI; NULL for a document with no retrieval URI, whose relative refs
 * then resolve against its "$id" only). Indexes every "$id" in it. `root` is
 * borrowed. Registering is optional for a schema validated with mg_validate;
 * it is needed for refs *into* the document from others. Returns 0. */
int mg_validator_add_schema(mg_validator *v, const char *uri, const cJSON *root);

/* Validates `instance` against `schema`, which is either the root of a
 * registered document, a node inside one (then "#/..." refs resolve against
 * that document), or an unregistered tree (registered on the fly as a
 * document with no URI). Errors are appended to `out` (may be NULL when only
 * the verdict matters, which is faster: evaluation stops at the first error).
 * At most MG_MAX_VALIDATE_ERRORS errors are kept per call.
 * Returns 1 when valid, 0 when invalid, -1 when evaluation met a broken part
 * of the schema (reported in `out`). Parts of a schema are only looked at when
 * the instance reaches them, and with out == NULL evaluation stops at the
 * first failure, so a broken part may then go unnoticed (0 instead of -1). */
int mg_validate(mg_validator *v, const cJSON *schema, const cJSON *instance, mg_vresult *out);

/* "file://" URI of a path (made absolute with realpath; bytes outside the URI
 * unreserved set percent-encoded). NULL when the file does not exist. Caller
 * frees with free(). */
char *mg_validate_path_to_uri(const char *path);

/* Path of a "file://" URI (percent-decoded), or NULL for any other scheme.
 * Caller frees with free(). */
char *mg_validate_uri_to_path(const char *uri);

/* Checks string `s` against format `name` (date-time, date, time, email,
 * hostname, ipv4, ipv6, uri, uuid, regex). Returns 1 valid, 0 invalid, -1 for
 * a format we do not check (always accepted). */
int mg_validate_format(const char *name, const char *s);

/* The building blocks of every error message, shared with the validation plan
 * (vplan.h) so that generated validators word their errors exactly as this
 * one does. */

/* The shortest decimal text that reads back as `d` (integers without ".0"). */
void mg_validate_format_number(double d, char *buf, size_t size);

/* The same for a schema's number node: the number as written where the loader
 * kept its text (load.h) and it fits in `size`, so that a message names the
 * limit a double would round (`must be <= 9007199254740993`). */
void mg_validate_format_number_node(const cJSON *n, char *buf, size_t size);

/* Appends number text `t` as the loader kept it (load.h: JSON's, or YAML's
 * with "+1", ".5", "1.", leading zeros and "_") as JSON's: the same digits,
 * no sign "+", no leading zeros, no "_", a digit on each side of ".". */
void mg_validate_number_json(mg_buf *b, const char *t);

/* v as compact JSON text (free with cJSON_free), its numbers with kept text
 * printed by that text (mg_validate_number_json), so that no digit a double
 * would drop is lost (`[9007199254740993]`, not `[9.00719925474099e+15]`). */
char *mg_validate_print_exact(const cJSON *v);

/* Appends a value as messages show it: strings in single quotes, anything
 * else as compact JSON, cut at 60 bytes with "...". */
void mg_validate_append_value(mg_buf *b, const cJSON *x);

/* The JSON type of a value as messages name it ("integer" for a number with
 * no fraction). */
const char *mg_validate_type_name(const cJSON *x);

#endif
