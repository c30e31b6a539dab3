/* target.h - a target: one folder templates/<name>/ with a description file
 * (target.yaml) and the .mustache files it names.
 *
 * target.yaml keys (documented for users in docs/targets.md):
 *   name, summary          strings
 *   escape                 the context of {{x}} in every file (escape.h): auto
 *                          (default: by the output file's name), c, python, ...,
 *                          none
 *   files                  list of {template, path, per: catalogue|message|type|enum,
 *                          escape (overrides the target's)}
 *                          `path` is a mustache string rendered with the item's view
 *   types                  the type map: mustache strings per model kind
 *                          (string, integer, number, boolean, any, object, array, map,
 *                          ref, enum, union, nullable), optional `formats:` overrides
 *   reserved               list of reserved words of the language
 *   reserved_escape        mustache string turning a reserved `{{name}}` into a legal one
 *   reserved_catalogue     mustache strings rendered with the catalogue's view
 *                          (`{{catalogue.name.pascal}}Client`...): names the
 *                          templates derive from the catalogue (the client class,
 *                          its error base), reserved like `reserved`
 *   naming                 casing per kind of identifier (type, field, message, method,
 *                          constant, enum_value, file): snake|camel|pascal|screaming|kebab
 *   helpers                free-form data copied into the view under "target"
 *                          (comment styles, string-literal escaping rules, ...)
 * The view stage (view.h) reads `types`, `reserved`, `reserved_catalogue`,
 * `reserved_escape`, `naming`
 * and `helpers` from `desc`; emit reads `files`.
 *
 * mg_target_load returns a target the caller frees with mg_target_free; it owns
 * its docset (and so `desc`), its strings and its compiled templates.
 *
 * Finding targets: a name without '/' is a shipped target, looked up in the
 * shipped templates folder: $MSGGEN_TEMPLATES when set, else <exe dir>/templates,
 * else <exe dir>/../share/msggen/templates (an installed msggen), else
 * <exe dir>/../templates (a binary in a build folder, e.g. build-asan/msggen).
 * Anything with a '/' (or "." / "..") is a user folder.
 *
 * Loading checks target.yaml completely (unknown keys, missing `files`, unknown
 * `per`, bad `escape`, unknown naming style or identifier kind, template file
 * missing or outside the folder, output paths that do not parse) and compiles
 * every template once, so that every template syntax error is reported before
 * anything is rendered.
 *
 * Partials, and the override folder (--templates-override DIR): `{{>name}}`
 * looks for, in order, DIR/partials/name.mustache, DIR/name.mustache (only with
 * an override folder), then <target>/partials/name.mustache and
 * <target>/name.mustache. A file of `files` is replaced by DIR/<template> when
 * that exists. An override can extend the shipped template instead of copying
 * it, through the inheritance module: the partial name "<target name>/<name>"
 * always means the shipped <target>/partials/name.mustache or
 * <target>/name.mustache, never the override; so DIR/header.mustache may read
 *     {{<c/header}}{{$doc}}my own doc comment{{/doc}}{{/c/header}}
 * to replace one block of the shipped c/header.mustache.
 */
#ifndef MG_TARGET_H
#define MG_TARGET_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "buf.h"
#include "diag.h"
#include "hmap.h"
#include "load.h"
#include "mustache.h"

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

/* How often a file is rendered, and which view list supplies its items. */
typedef enum {
    MG_PER_CATALOGUE,  /* once, with the whole view */
    MG_PER_MESSAGE,    /* once per element of view.messages */
    MG_PER_TYPE,       /* once per element of view.types */
    MG_PER_ENUM        /* once per element of view.enums (else view.types with kind "enum") */
} mg_per;

/* One entry of `files`. Everything is owned by the target. */
typedef struct mg_target_file {
    const char *template_name; /* as written in target.yaml ("header.mustache") */
    const char *path;          /* the output path template ("src/{{name.snake}}.c") */
    mg_per per;
    mg_escape escape;          /* the file's `escape`, else the target's; may be MG_ESCAPE_AUTO */
    mg_mark at;                /* the `path` value in target.yaml */
    const char *pointer;       /* its JSON pointer ("/files/2/path"), for diagnostics */
    const mg_tpl *tpl;         /* compiled; from the override folder when it has one */
} mg_target_file;

/* Loads a target by shipped name or folder path (see above). Returns NULL
 * after reporting errors. Free with mg_target_free. */
mg_target *mg_target_load(const char *name_or_path, mg_diag *d);
/* The same, with an override folder (--templates-override; NULL for none). */
mg_target *mg_target_load_override(const char *name_or_path, const char *override_dir, mg_diag *d);
void mg_target_free(mg_target *t);

size_t mg_target_nfiles(const mg_target *t);
const mg_target_file *mg_target_file_get(const mg_target *t, size_t i);
/* The escape context of file `f` rendered to output `path`: its own or the
 * target's `escape`, or by the path's file name when that is auto. */
mg_escape mg_target_file_escape(const mg_target_file *f, const char *path);
/* Whether `word` occurs anywhere in the target's template texts: every
 * .mustache file under its folder and the override folder, and target.yaml.
 * A view key no template names can be left out of the view (see view.h).
 * Reads the files on first use. A target not loaded from a folder (priv NULL,
 * as unit tests make them) or one with a file it cannot read answers 1: it
 * may name anything. */
int mg_target_mentions(const mg_target *t, const char *word);

/* The names the target's templates can look up (mg_tpl_names, mustache.h):
 * of every .mustache file under its folder and the override folder (so every
 * partial and parent the loader can find, dynamic names included), of its
 * files' templates and output paths, and of the mustache strings of
 * target.yaml (types, reserved_escape, reserved_catalogue). A string set
 * (entries are `char *`: mg_hmap_get_str) owned by the target, gathered on
 * first use. NULL when they cannot be known (a target made in memory, a
 * template that cannot be read or whose tags do not read, folders nested
 * deeper than 8): then every key may be read. A view key whose name is not
 * in the set is read by no template (view.h builds views without them). */
const mg_hmap *mg_target_names(const mg_target *t);

/* Reports, at the file, every file of the override folder `dir` (its
 * *.mustache and partials/ files) that none of the `n` targets `ts` (NULL
 * entries are skipped) has a shipped file of the same name for, and that no
 * render loaded as a partial: an override that replaces nothing. Call after
 * rendering. Returns 0, or -1 after reporting. */
int mg_target_check_override(mg_target *const *ts, size_t n, const char *dir, mg_diag *d);

/* The partial set of the target (strict: an unknown partial is an error). */
mg_tpl_set *mg_target_partials(const mg_target *t);

/* Replaces the partial set with a new, empty one (as after loading), so that
 * a render reports what a first render reports (an unknown partial's error
 * says where it was looked for only the first time). Templates compiled by
 * the old set are freed: call between renders. */
void mg_target_reset_partials(mg_target *t);

/* Frees, once every render of `t` is done, what only rendering needs: the
 * compiled templates of its files (their `tpl` becomes NULL, so `t` cannot
 * be rendered again) and partials, and the texts and names read for
 * mg_target_mentions and mg_target_names. What emit and
 * mg_target_check_override read stays. run.c calls it after each target's
 * renders, so that a target's templates do not sit under the views of the
 * targets after it. */
void mg_target_release_templates(mg_target *t);

/* The shipped templates folder (see above), appended to `out`. Returns 0, or
 * -1 when none exists (nothing reported; `out` then lists where we looked). */
int mg_target_shipped_dir(mg_buf *out);

/* Names of the shipped targets (sub-folders of the shipped folder holding a
 * target.yaml), sorted. Returns a NULL-terminated array the caller frees with
 * mg_target_names_free, or NULL after reporting that there is no shipped
 * folder. */
char **mg_target_names_new(mg_diag *d);
void mg_target_names_free(char **names);

#endif
