/* project.h - msggen.yaml, the project configuration: which catalogue, which
 * targets into which folders, with which template overrides.
 *
 *   catalogue: schemas/api.yaml        # the catalogue (AsyncAPI or JSON Schema)
 *   output: out                        # each target goes to OUTPUT/<target>/
 *   templates-override: overrides      # for every target (optional)
 *   targets:                           # optional; default: every shipped target
 *     c: {output: gen/c, templates-override: overrides/c}
 *     python:                          # (no options: the defaults)
 *     ./my-target: {}                  # a folder with a target.yaml
 *
 * `targets` may also be a list of names. Paths are relative to the folder of
 * msggen.yaml. The file is read with load.h (so errors carry file:line:col);
 * unknown keys, values of the wrong type and files or folders that do not
 * exist are errors at their node. docs/config.md is the user's reference.
 *
 * Lookup: an explicit --config FILE, else msggen.yaml in the current folder or
 * the nearest parent that has one.
 *
 * Everything a mg_project holds is owned by it and freed by mg_project_free;
 * its strings (and the marks' file names) live until then.
 */
#ifndef MG_PROJECT_H
#define MG_PROJECT_H

#include <stddef.h>

#include "cli.h"
#include "diag.h"
#include "load.h"

#define MG_PROJECT_FILE "msggen.yaml"

typedef struct mg_project_target {
    const char *name;         /* a shipped name, or a folder path joined with the config's folder */
    const char *out;          /* joined; NULL: the project's output/<name> */
    const char *override_dir; /* joined; NULL: the project's templates-override */
    mg_mark at;               /* the target's entry */
} mg_project_target;

typedef struct mg_project {
    const char *path;         /* the config file, as found (e.g. "../msggen.yaml") */
    const char *catalogue;    /* joined; NULL when the file names none */
    mg_mark catalogue_at;
    const char *out;          /* joined; NULL: MG_DEFAULT_OUT */
    const char *override_dir; /* joined; NULL: none */
    mg_project_target *targets; /* NULL when `targets` is absent: every shipped target */
    size_t ntargets;
    mg_docset *docs;          /* owns the loaded file (marks point into it) */
    struct mg_project_strs *strs; /* the joined strings; private */
} mg_project;

/* Loads `path`. Returns NULL after reporting errors through `d`. */
mg_project *mg_project_load(const char *path, mg_diag *d);
void mg_project_free(mg_project *p);

/* The configuration file to use: `explicit_path` when not NULL, else
 * msggen.yaml in the current folder or the nearest parent folder (as a
 * relative path: "msggen.yaml", "../msggen.yaml", ...). Returns a heap string
 * the caller frees, or NULL when there is none. */
char *mg_project_find_new(const char *explicit_path);

/* What generate, check, validate and view share: finds and loads the project
 * (unless `no_config`) into *pp (NULL when there is none), and sets *input to
 * the catalogue: `input` when given, else the project's. Returns MG_EXIT_OK;
 * MG_EXIT_INPUT after reporting an error in the configuration; or, when
 * `need_input` and there is no catalogue at all, a usage error for `cmd`
 * saying to pass -i or create msggen.yaml. */
int mg_project_open(const mg_cmd *cmd, const char *config, int no_config, const char *input, int need_input,
                    mg_project **pp, const char **input_out, mg_diag *d);

/* The entry of target `name` (as the project or -t names it), or NULL. */
const mg_project_target *mg_project_find_target(const mg_project *p, const char *name);

#endif
