/* run.c - the pipeline driver behind `msggen generate` and `msggen check`. */
#include "run.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "config.h"
#include "load.h"
#include "model.h"
#include "mustache.h"
#include "view.h"

/* ---- the catalogue side ---- */

typedef struct source {
    mg_docset *set;      /* owned */
    mg_model *model;     /* owned */
    mg_view_cache *cache; /* owned: work the views of several targets share */
    cJSON *fixed_view;   /* owned: --view FILE */
} source;

static int source_load(source *s, const mg_run_opts *o, mg_diag *d)
{
    memset(s, 0, sizeof *s);
    if (o->view_file) {
        s->fixed_view = mg_load_data_file(o->view_file, d);
        if (!s->fixed_view)
            return -1;
        if (!cJSON_IsObject(s->fixed_view)) {
            mg_diag_error(d, mg_mark_at(o->view_file, 1, 1), "a view must be a JSON object (as 'msggen view' prints it)");
            return -1;
        }
        return 0;
    }
    const char *input = o->input;
    if (!input) {
        input = MG_DEFAULT_CATALOGUE;
        if (access(input, F_OK) != 0) {
            mg_diag_error(d, mg_mark_at(NULL, 0, 0),
                          "no catalogue given and the default '%s' does not exist (use -i CATALOGUE)", input);
            return -1;
        }
    }
    s->model = mg_model_load(input, &s->set, d);
    return s->model ? 0 : -1;
}

/* Returns the view for `t` (the caller frees it with cJSON_Delete), or NULL
 * after reporting errors. */
static cJSON *source_view(source *s, const mg_target *t, mg_diag *d)
{
    if (s->fixed_view)
        return cJSON_Duplicate(s->fixed_view, 1);
    if (!s->cache)
        s->cache = mg_view_cache_new();
    return mg_view_build_cached(s->model, t, s->cache, d);
}

static void source_free(source *s)
{
    mg_view_cache_free(s->cache);
    cJSON_Delete(s->fixed_view);
    mg_model_free(s->model);
    if (s->set)
        mg_docset_free(s->set);
}

/* ---- rendering ---- */

/* A name for an item in diagnostics: its "name" (a string, or the "raw" or
 * first string casing of a name object), else its position. */
static void item_label(mg_buf *b, const cJSON *item, size_t index)
{
    const cJSON *n = cJSON_GetObjectItemCaseSensitive(item, "name");
    if (cJSON_IsObject(n)) {
        const cJSON *raw = cJSON_GetObjectItemCaseSensitive(n, "raw");
        if (cJSON_IsString(raw))
            n = raw;
        else
            for (n = n->child; n && !cJSON_IsString(n); n = n->next)
                ;
    }
    if (cJSON_IsString(n))
        mg_buf_appendf(b, "'%s'", n->valuestring);
    else
        mg_buf_appendf(b, "#%zu", index + 1);
}

static void release_free(void *p)
{
    free(p);
}

static int render_one(const mg_target *t, const mg_target_file *f, const cJSON *ctx, const char *kind,
                      const cJSON *item, size_t index, mg_emit_set *set, mg_diag *d)
{
    mg_buf origin, path, body;
    mg_buf_init(&origin);
    mg_buf_init(&path);
    mg_buf_init(&body);
    mg_buf_append_str(&origin, mg_tpl_name(f->tpl));
    if (item) {
        mg_buf_appendf(&origin, " for %s ", kind);
        item_label(&origin, item, index);
    }
    int rc = -1;
    if (mg_tpl_render_string(f->at.file ? f->at.file : "target.yaml", f->path, ctx, MG_ESCAPE_NONE,
                             &path, d) == 0 &&
        mg_tpl_render(f->tpl, ctx, mg_target_partials(t), mg_target_file_escape(f, mg_buf_cstr(&path)), &body,
                      d) == 0) {
        size_t len;
        char *data = mg_buf_steal(&body, &len);
        mg_emit_set_add(set, path.data ? path.data : "", path.len, data, len, release_free,
                        mg_buf_cstr(&origin), f->at);
        rc = 0;
    }
    mg_buf_fini(&origin);
    mg_buf_fini(&path);
    mg_buf_fini(&body);
    return rc;
}

/* Members of a JSON tree, each shared list counted once (references skipped). */
static size_t tree_size(const cJSON *j)
{
    size_t n = 1;
    if (!(j->type & cJSON_IsReference))
        for (const cJSON *c = j->child; c; c = c->next)
            n += tree_size(c);
    return n;
}

int mg_run_render_target(const mg_target *t, const cJSON *view, mg_emit_set *set, mg_diag *d)
{
    int before = d->errors;
    /* The render bounds grow with the catalogue: a legitimate big catalogue
     * renders, a runaway expansion still stops in time linear in the input. */
    size_t nodes = tree_size(view);
    mg_tpl_set_limits(mg_target_partials(t), (long)(nodes * MG_RENDER_STEPS_PER_NODE),
                      nodes * MG_OUTPUT_BYTES_PER_NODE);
    for (size_t i = 0; i < mg_target_nfiles(t) && !mg_diag_full(d); i++) {
        const mg_target_file *f = mg_target_file_get(t, i);
        if (f->per == MG_PER_CATALOGUE) {
            render_one(t, f, view, NULL, NULL, 0, set, d);
            continue;
        }
        const char *list = f->per == MG_PER_MESSAGE ? "messages" : f->per == MG_PER_TYPE ? "types" : "enums";
        const char *kind = f->per == MG_PER_MESSAGE ? "message" : f->per == MG_PER_TYPE ? "type" : "enum";
        const cJSON *items = cJSON_GetObjectItemCaseSensitive(view, list);
        int filter_enums = 0;
        if (!items && f->per == MG_PER_ENUM) {
            items = cJSON_GetObjectItemCaseSensitive(view, "types");
            filter_enums = 1;
        }
        if (items && !cJSON_IsArray(items)) {
            mg_diag_error(d, f->at, "the view's '%s' is not a list, so 'per: %s' cannot iterate it", list, kind);
            continue;
        }
        size_t index = 0;
        for (const cJSON *it = items ? items->child : NULL; it && !mg_diag_full(d); it = it->next, index++) {
            if (filter_enums) {
                const cJSON *k = cJSON_GetObjectItemCaseSensitive(it, "kind");
                if (!cJSON_IsString(k) || strcmp(k->valuestring, "enum") != 0)
                    continue;
            }
            cJSON *ctx = mg_view_item_new(view, it);
            render_one(t, f, ctx, kind, it, index, set, d);
            cJSON_Delete(ctx);
        }
    }
    return d->errors > before ? -1 : 0;
}

static char *out_dir_for(const mg_run_opts *o, const mg_target *t, size_t ntargets)
{
    mg_buf b;
    mg_buf_init(&b);
    if (o->out && ntargets == 1 && o->ntargets == 1)
        mg_buf_append_str(&b, o->out);
    else {
        mg_buf_append_str(&b, o->out ? o->out : MG_DEFAULT_OUT);
        if (b.len && b.data[b.len - 1] != '/')
            mg_buf_putc(&b, '/');
        mg_buf_append_str(&b, t->name);
    }
    return mg_buf_steal(&b, NULL);
}

int mg_run_generate(const mg_run_opts *o, mg_diag *d)
{
    char **shipped = NULL;
    const char *const *names = o->targets;
    size_t n = o->ntargets;
    if (n == 0) {
        shipped = mg_target_names_new(d);
        if (!shipped)
            return MG_EXIT_INPUT;
        for (n = 0; shipped[n]; n++)
            ;
        names = (const char *const *)shipped;
        if (n == 0) {
            mg_diag_error(d, mg_mark_at(NULL, 0, 0), "no shipped targets to generate (give one with -t)");
            mg_target_names_free(shipped);
            return MG_EXIT_INPUT;
        }
    }
    mg_target **ts = calloc(n, sizeof *ts);
    mg_emit_set *sets = calloc(n, sizeof *sets);
    if (!ts || !sets)
        abort();
    for (size_t i = 0; i < n; i++)
        mg_emit_set_init(&sets[i]);
    int rc = MG_EXIT_INPUT;
    source src;
    memset(&src, 0, sizeof src);

    /* 1. Every target, so that template errors come first. */
    for (size_t i = 0; i < n; i++)
        ts[i] = mg_target_load_override(names[i], o->override_dir, d);
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < i; j++)
            if (ts[i] && ts[j] && strcmp(ts[i]->name, ts[j]->name) == 0 && (o->out == NULL || n > 1)) {
                mg_diag_error(d, mg_mark_at(NULL, 0, 0), "targets '%s' and '%s' are both named '%s' and would share %s/%s",
                              names[j], names[i], ts[i]->name, o->out ? o->out : MG_DEFAULT_OUT, ts[i]->name);
                ts[i] = (mg_target_free(ts[i]), NULL);
            }
    if (d->errors)
        goto done;
    /* 2. The catalogue; 3. views and renders, all in memory. */
    if (source_load(&src, o, d) != 0)
        goto done;
    for (size_t i = 0; i < n && !mg_diag_full(d); i++) {
        cJSON *view = source_view(&src, ts[i], d);
        if (view)
            mg_run_render_target(ts[i], view, &sets[i], d);
        cJSON_Delete(view);
    }
    if (d->errors)
        goto done;
    /* 4. Emit, target by target. A problem in one folder (a foreign file)
     * does not stop the others; each folder is all-or-nothing on its own. */
    int drift = 0, failed = 0;
    for (size_t i = 0; i < n; i++) {
        char *dir = out_dir_for(o, ts[i], n);
        mg_emit_opts eo = {o->mode, o->force, ts[i]->name, stdout};
        int r = mg_emit_run(dir, &sets[i], &eo, NULL, d);
        free(dir);
        if (r < 0)
            failed = 1;
        else if (r > 0)
            drift = 1;
    }
    rc = failed || drift ? MG_EXIT_INPUT : MG_EXIT_OK;

done:
    fflush(stdout);
    source_free(&src);
    for (size_t i = 0; i < n; i++) {
        mg_target_free(ts[i]);
        mg_emit_set_fini(&sets[i]);
    }
    free(ts);
    free(sets);
    mg_target_names_free(shipped);
    return rc;
}

/* ---- the command line of generate and check ---- */

int mg_run_cmd(const char *name, int argc, char **argv, mg_emit_mode mode)
{
    const mg_cmd *cmd = &mg_cmds[0];
    for (int i = 0; i < mg_ncmds; i++)
        if (strcmp(mg_cmds[i].name, name) == 0)
            cmd = &mg_cmds[i];
    enum { OPT_OVERRIDE = 256, OPT_DRY_RUN, OPT_FORCE, OPT_CHECK, OPT_VIEW };
    /* check takes generate's options less the ones that choose how to write. */
#define COMMON_OPTS                                                   \
    {"help", no_argument, 0, 'h'},                                    \
    {"input", required_argument, 0, 'i'},                             \
    {"target", required_argument, 0, 't'},                            \
    {"output", required_argument, 0, 'o'},                            \
    {"templates-override", required_argument, 0, OPT_OVERRIDE},       \
    {"view", required_argument, 0, OPT_VIEW}
    static const struct option gen_opts[] = {
        COMMON_OPTS,
        {"dry-run", no_argument, 0, OPT_DRY_RUN},
        {"force", no_argument, 0, OPT_FORCE},
        {"check", no_argument, 0, OPT_CHECK},
        {0, 0, 0, 0},
    };
    static const struct option check_opts[] = {COMMON_OPTS, {0, 0, 0, 0}};
#undef COMMON_OPTS
    mg_run_opts o;
    memset(&o, 0, sizeof o);
    o.mode = mode;
    const char **targets = calloc((size_t)argc + 1, sizeof *targets);
    if (!targets)
        abort();
    mg_cli cli;
    mg_cli_begin(&cli, cmd, argc, argv, "i:t:o:", mode == MG_EMIT_CHECK ? check_opts : gen_opts);
    int c, dry = 0, check = 0, rc;
    while ((c = mg_cli_next(&cli)) != MG_CLI_END) {
        switch (c) {
        case MG_CLI_STOP:
            free(targets);
            return cli.exit_code;
        case 'i': o.input = optarg; break;
        case 't': targets[o.ntargets++] = optarg; break;
        case 'o': o.out = optarg; break;
        case OPT_OVERRIDE: o.override_dir = optarg; break;
        case OPT_VIEW: o.view_file = optarg; break;
        case OPT_DRY_RUN: dry = 1; break;
        case OPT_FORCE: o.force = 1; break;
        case OPT_CHECK: check = 1; break;
        default: break;
        }
    }
    if (optind < argc)
        rc = mg_cli_usage(cmd, "unexpected argument '%s'", argv[optind]);
    else if (dry && check)
        rc = mg_cli_usage(cmd, "--dry-run and --check do not go together");
    else if (o.input && o.view_file)
        rc = mg_cli_usage(cmd, "-i and --view do not go together");
    else {
        if (dry)
            o.mode = MG_EMIT_DRY_RUN;
        if (check)
            o.mode = MG_EMIT_CHECK;
        o.targets = targets;
        mg_diag d;
        mg_diag_init(&d);
        rc = mg_run_generate(&o, &d);
    }
    free(targets);
    return rc;
}
