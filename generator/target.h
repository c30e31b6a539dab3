/* target.h - a target: one folder templates/<name>/ with a description file
 * (target.yaml) and the .mustache files it names.
 *
 * target.yaml keys (documented for users in docs/targets.md):
 *   name, summary          strings
 *   escape                 "none" (code) or "html"
 *   files                  list of {template, path, per: catalogue|message|type|enum}
 *                          `path` is a mustache string rendered with the item's view
 *   types                  the type map: mustache strings per model kind
 *                          (string, integer, number, boolean, any, object, array, map,
 *                          ref, enum, union, nullable), optional `formats:` overrides
 *   reserved               list of reserved words of the language
 *   reserved_escape        mustache string turning a reserved `{{name}}` into a legal one
 *   naming                 casing per kind of identifier (type, field, message, method,
 *                          constant, enum_value, file): snake|camel|pascal|screaming|kebab
 *   helpers                free-form data copied into the view under "target"
 *                          (comment styles, string-literal escaping rules, ...)
 * The view stage (view.h) reads `types`, `reserved`, `reserved_escape`, `naming`
 * and `helpers` from `desc`; emit reads `files`.
 *
 * mg_target_load returns a target the caller frees with mg_target_free; it owns
 * its docset (and so `desc`), its strings and its compiled templates.
 */
#ifndef MG_TARGET_H
#define MG_TARGET_H

#include <cjson/cJSON.h>

#include "diag.h"
#include "load.h"

typedef struct mg_target mg_target;

struct mg_target {
    char *name;            /* owned */
    char *summary;         /* owned */
    char *dir;             /* owned; the folder holding target.yaml */
    const mg_doc *doc;     /* target.yaml as loaded; owned through `docs` */
    const cJSON *desc;     /* doc->root */
    mg_docset *docs;       /* owned */
    struct mg_target_priv *priv; /* files, compiled templates, overrides; private to target.c */
};

#endif
