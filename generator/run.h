/* run.h - the generate/check pipeline: catalogue -> model -> view -> render -> emit.
 *
 * mg_run_generate loads every target first (so template errors come before
 * anything else), then the catalogue, then builds each target's view and
 * renders every file of every target (each kept, until emit, in an unnamed
 * spill file: emit.h); only when all of that succeeded does it emit (write,
 * dry-run or check) each target's folder.
 *
 * Output folders: without -o each target goes to out/<target>/. With -o and
 * exactly one target, -o *is* that target's folder; with -o and several targets
 * (or all shipped ones), each goes to <-o>/<target>/.
 *
 * A project (msggen.yaml, project.h) supplies what the flags leave open: the
 * catalogue (the caller puts it in `input`), the targets when there is no -t,
 * each target's folder when there is no -o (its own `output`, else the
 * project's output/<target>), and its override folder when there is no
 * --templates-override (its own, else the project's).
 *
 * Per-item files (per: message|type|enum) are rendered once per element of the
 * view's `messages`, `types` or `enums` list (for `enums`, when the view has no
 * such list: the `types` whose `kind` is "enum"), with the item over the
 * root view in the context stack: a name is the item's when the item has it,
 * else the view's. The output path is rendered (escape none) with the same
 * context.
 *
 * Owns nothing after it returns; everything is freed before returning.
 */
#ifndef MG_RUN_H
#define MG_RUN_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "cli.h"
#include "diag.h"
#include "emit.h"
#include "project.h"
#include "target.h"
#include "view.h"
#include "watch.h"

typedef struct mg_run_opts {
    const char *input;                /* catalogue; required unless view_file */
    const char *view_file;            /* render from this JSON/YAML view instead of a catalogue */
    const char *const *targets;       /* names or folders; ntargets == 0: every shipped target */
    size_t ntargets;
    const char *out;                  /* NULL: MG_DEFAULT_OUT/<target> */
    const char *override_dir;         /* --templates-override; NULL for none */
    const char *const *ref_maps;      /* --ref-map URL_PREFIX=DIR, each checked (load.h) */
    size_t nref_maps;
    mg_emit_mode mode;
    int force;
    int stat;                         /* check: --stat */
    const mg_project *project;        /* NULL: none */
    mg_watch *watch;                  /* not NULL: every input read is added to it */
    /* The process exits right after this run and the pool (pool.h) holds
     * its blocks, so no leak checker runs: then the catalogue's documents,
     * model and view cache, the targets and the last target's view and
     * escapes are not freed, the exit gives them back at once (freeing them
     * block by block was about 8.6 M instructions of a 409 M generate,
     * callgrind, worker-backend, 4 targets). Output is still flushed and
     * every file closed. Ignored with `watch`. mg_run_cmd sets it for its
     * single run; 0 (the library's default) frees everything. */
    int exit_after;
} mg_run_opts;

/* Runs the pipeline. Returns an mg_exit code: MG_EXIT_OK, or MG_EXIT_INPUT after
 * errors (reported through `d`) or, in check mode, when a folder is out of sync. */
int mg_run_generate(const mg_run_opts *o, mg_diag *d);

/* Renders every file of `t` for `view` into `set` (appending). `esc` (may be
 * NULL) makes the escaped members of a view built without them (view.h,
 * mg_view_cache_escapes_lazy). Returns 0, or -1 after reporting errors; on -1
 * the set may hold some files, which the caller must not emit. Returns 1 when
 * every file rendered but some template printed a list or an object of the
 * view as JSON, or (with `esc`) iterated an object's members: then the output
 * depends on every member, and a pruned or lazy view (view.h) does not give
 * the full view's output. */
int mg_run_render_target(const mg_target *t, const cJSON *view, mg_view_escapes *esc, mg_emit_set *set,
                         mg_diag *d);

/* `msggen generate` and `msggen check` (`name`) share their options; `mode` is the
 * default mode (MG_EMIT_WRITE or MG_EMIT_CHECK). */
int mg_run_cmd(const char *name, int argc, char **argv, mg_emit_mode mode);

#endif
