/* resolve.h - follows "$ref" to its target node, across files, and checks every
 * reference of a document set.
 *
 * Owns nothing: targets point into documents of the mg_docset (see load.h),
 * which loads referenced files on demand. Supported: local JSON pointers
 * ("#/components/schemas/Foo", RFC 6901 escapes ~0 ~1, percent-decoding), other
 * files relative to the referring file ("./common.yaml#/StorageLocation",
 * "../x.json", anywhere on the local disk unless the docset has a root), http(s)
 * URLs that a --ref-map serves from a local folder (mg_docset_add_ref_map), and
 * refs that lead to refs. Refused with an error at the $ref: other http(s) URLs
 * (never fetched) and other URI schemes, files outside the docset's root when
 * it has one (unless allowed), missing files (for a mapped URL the error names
 * the URL and the local path) and pointer targets, and $ref chains that loop
 * without structure in between.
 */
#ifndef MG_RESOLVE_H
#define MG_RESOLVE_H

#include "load.h"

typedef struct mg_ref_target {
    const mg_doc *doc;   /* the document holding the target; owned by the set */
    const cJSON *node;   /* the target node, after following any chain of refs */
    const cJSON *first;  /* the node the first hop reached (may itself be a $ref) */
} mg_ref_target;

/* If `node` is an object with a string "$ref", follows it (and any chain) and
 * fills `out`; returns 1. If `node` has no "$ref", fills `out` with doc/node as
 * given and returns 0. Returns -1 after reporting an error at the $ref. */
int mg_resolve_ref(mg_docset *set, const mg_doc *doc, const cJSON *node, mg_ref_target *out,
                   mg_diag *d);

/* The canonical name of a node as "path#/json/pointer" (path as in mg_doc),
 * for deterministic naming and for cycle detection. Caller frees with free(). */
char *mg_resolve_node_uri(const mg_docset *set, const mg_doc *doc, const cJSON *node);

/* Walks every node reachable from `doc`'s root, following refs into other
 * files, and reports every unresolvable or cyclic reference, each once, at the
 * broken $ref (in document order; cycles after the other errors). Values of
 * "enum", "const", "default", "examples" and "example" are data, not schemas,
 * and are not searched for refs; a member *named* "$ref" directly under
 * "properties", "patternProperties", "definitions", "$defs" or
 * "dependentSchemas" is a name, not a ref. Returns 0, or -1 if any error was
 * reported. */
int mg_resolve_all(mg_docset *set, const mg_doc *doc, mg_diag *d);

#endif
