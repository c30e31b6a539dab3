/* run.c - the pipeline driver behind `msggen generate` and `msggen check`. */
#include "run.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "config.h"
#include "hmap.h"
#include "util.h"
#include "load.h"
#include "model.h"
#include "mustache.h"
#include "pool.h"
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
    if (!o->input) {
        mg_diag_error(d, mg_mark_at(NULL, 0, 0), "no catalogue given (use -i CATALOGUE)");
        return -1;
    }
    s->model = mg_model_load(o->input, o->ref_maps, o->nref_maps, &s->set, d);
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
    const cJSON *n = mg_json_get(item, "name");
    if (cJSON_IsObject(n)) {
        const cJSON *raw = mg_json_get(n, "raw");
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

/* Keeps the first diagnostic without its "file:line:col: error: " prefix. */
static void first_message(void *user, const char *line)
{
    mg_buf *b = user;
    const char *e = strstr(line, "error: ");
    if (!b->len)
        mg_buf_append_str(b, e ? e + 7 : line);
}

/* ---- rendering a pruned view ----
 *
 * A pruned view (view.h, mg_view_cache_prune) holds only the keys the
 * target's templates name (target.h, mg_target_names), so every lookup finds
 * what it finds in the full view. Output could still differ where a template
 * prints a container as JSON (its pruned members would be missing) or where
 * a diagnostic lists keys ("did you mean ..."). So every render reads its
 * data through this source, which notes any container printed
 * (mg_run_render_target then returns 1), and the pruned render reports into
 * a diag of its own: either makes view_and_render render the target again
 * from the full view, which gives the output and diagnostics of before. */
typedef struct watched {
    mg_tpl_source src;
    int printed_tree; /* text() was asked for an object or a list, or (with
                       * esc) first() for an object */
    /* A lazy view's escaped members (view.h), or NULL. */
    mg_view_escapes *esc;
    /* Every render of the target shares one cJSON source, `root`, and with
     * it the index of the objects they read (the view does not change
     * meanwhile). `cur` is the one in use. */
    const cJSON *view;
    mg_tpl_cjson root;
    mg_tpl_cjson *cur;
    /* Not the data's: the buffer every file of the target is rendered into
     * when files go to a spill (render_one), reset between files, so that
     * its allocation is made once per target. */
    mg_buf body;
} watched;

static mg_tv_kind w_kind(void *self, const void *v)
{
    watched *w = self;
    return w->cur->src.kind(w->cur->src.self, v);
}

static const void *w_get(void *self, const void *v, const char *k, size_t n, uint32_t hash, size_t *cache)
{
    watched *w = self;
    return w->cur->src.get(w->cur->src.self, v, k, n, hash, cache);
}

/* A member the lazy view lacks (mg_tpl_cjson_source_miss). */
static const cJSON *w_escaped(void *user, const cJSON *obj, const char *k, size_t n, uint32_t hash,
                              uint16_t *memo)
{
    watched *w = user;
    return mg_view_escapes_get_memo(w->esc, obj, k, n, hash, memo);
}

static const void *w_first(void *self, const void *v)
{
    watched *w = self;
    /* An object's members listed (a lazy view lacks its escaped ones). */
    if (w->esc && (((const cJSON *)v)->type & 0xFF) == cJSON_Object)
        w->printed_tree = 1;
    return w->cur->src.first(w->cur->src.self, v);
}

static const void *w_next(void *self, const void *item)
{
    watched *w = self;
    return w->cur->src.next(w->cur->src.self, item);
}

static const char *w_key(void *self, const void *item)
{
    watched *w = self;
    return w->cur->src.key(w->cur->src.self, item);
}

static const char *w_text(void *self, const void *v, size_t *n, mg_buf *scratch)
{
    watched *w = self;
    if (((const cJSON *)v)->type & (cJSON_Object | cJSON_Array)) /* the bits: cJSON_Is* are calls */
        w->printed_tree = 1;
    return w->cur->src.text(w->cur->src.self, v, n, scratch);
}

static double w_number(void *self, const void *v)
{
    watched *w = self;
    return w->cur->src.number(w->cur->src.self, v);
}

static void watched_source_init(watched *w, mg_tpl_cjson *c)
{
    mg_tpl_cjson_source_init(c);
    if (w->esc) {
        /* The constants kept as bits, read by the engine itself (most of
         * what w_escaped would be asked). */
        mg_tpl_cjson_bits bits;
        mg_view_escapes_bits(w->esc, &bits);
        mg_tpl_cjson_source_miss(c, w_escaped, w);
        mg_tpl_cjson_source_bits(c, &bits);
    }
}

static void watched_init(watched *w, const cJSON *view, mg_view_escapes *esc)
{
    memset(w, 0, sizeof *w);
    w->esc = esc;
    w->view = view;
    watched_source_init(w, &w->root);
    mg_buf_init(&w->body);
    w->src = (mg_tpl_source){w, w_kind, w_get, w_first, w_next, w_key, w_text, w_number, NULL};
}

static void watched_fini(watched *w)
{
    mg_tpl_cjson_source_fini(&w->root);
    mg_buf_fini(&w->body);
}

/* mg_tpl_render_strict through `w`, with `ctx` (the view, or one of its
 * items: see render_items) on top of the context stack. */
static int render_strict(const mg_tpl *tpl, const cJSON *ctx, mg_tpl_set *partials, mg_escape esc,
                         watched *w, mg_buf *out, mg_diag *d)
{
    w->cur = &w->root;
    /* Tag names are remembered by address: `tpl` may be a path template
     * parsed where an earlier one was freed. */
    mg_tpl_cjson_source_renew(&w->root);
    w->src.direct = w->cur; /* w_get and w_kind only forward to it */
    int rc = mg_tpl_render_data_over(tpl, &w->src, ctx == w->view ? NULL : w->view, ctx, partials, esc, 1,
                                     out, d);
    w->cur = NULL;
    return rc;
}

/* A target file's output path, parsed once per render of the target and
 * rendered for each of its files. `why` keeps a parse error's first message,
 * reported at every render as the per-render parse used to. */
typedef struct {
    mg_tpl *tpl; /* NULL when `why` holds a parse error */
    mg_buf why;
    size_t last; /* the length of the file's last output (0: none yet) */
} path_tpl;

static void path_tpl_init(path_tpl *p, const mg_target_file *f)
{
    mg_buf_init(&p->why);
    p->last = 0;
    mg_diag inner;
    mg_diag_init_sink(&inner, first_message, &p->why);
    p->tpl = mg_tpl_parse("path", f->path, strlen(f->path), &inner);
}

static void path_tpl_fini(path_tpl *p)
{
    mg_tpl_free(p->tpl);
    mg_buf_fini(&p->why);
}

/* Renders the output path strictly; its errors point at the `path` value in
 * target.yaml (a position inside the short template would point nowhere). */
static int render_path(const mg_target_file *f, path_tpl *p, const cJSON *ctx, watched *w, mg_buf *path,
                       mg_diag *d)
{
    if (!p->tpl) {
        mg_diag_error_ptr(d, f->at, f->pointer, "output path '%s': %s", f->path, mg_buf_cstr(&p->why));
        return -1;
    }
    mg_buf why;
    mg_buf_init(&why);
    mg_diag inner;
    mg_diag_init_sink(&inner, first_message, &why);
    /* mg_tpl_render_string_strict, through `w` */
    int rc = render_strict(p->tpl, ctx, NULL, MG_ESCAPE_NONE, w, path, &inner);
    if (rc < 0)
        mg_diag_error_ptr(d, f->at, f->pointer, "output path '%s': %s", f->path, mg_buf_cstr(&why));
    mg_buf_fini(&why);
    return rc;
}

/* Bytes a file's render buffer holds before it flushes to the spill: big
 * enough that a flush (a write to the spill) is rare, small enough that it
 * stays a small part of memory while a file of 170 MB is rendered. */
#define RENDER_CHUNK (1024 * 1024)

static int render_one(const mg_target *t, const mg_target_file *f, path_tpl *p, const cJSON *ctx,
                      const char *kind, const cJSON *item, size_t index, watched *w, mg_emit_set *set, mg_diag *d)
{
    mg_buf origin, path, own;
    mg_buf_init(&origin);
    mg_buf_init(&path);
    mg_buf_init(&own);
    mg_buf_append_str(&origin, mg_tpl_name(f->tpl));
    if (item) {
        mg_buf_appendf(&origin, " for %s ", kind);
        item_label(&origin, item, index);
    }
    int rc = -1;
    /* With a spill, the body goes there as it is rendered (emit.h's stream):
     * the target's one buffer, which flushes each time it fills, so that no
     * file waits whole in memory nor is copied as its buffer grows. */
    mg_emit_stream st;
    mg_buf *body = set->spill ? &w->body : &own;
    if (set->spill) {
        mg_buf_reserve(body, RENDER_CHUNK - 1); /* with the NUL: a capacity of RENDER_CHUNK */
        mg_emit_stream_begin(&st, set->spill, body);
    } else {
        /* Without one, every target's files wait in memory for emit. The
         * body is made in one allocation when it is about as long as the
         * file's last (a per-message file), not in a dozen that copy it as
         * it doubles. */
        mg_buf_reserve(body, p->last ? p->last + p->last / 8 : 4096);
    }
    if (render_path(f, p, ctx, w, &path, d) == 0 &&
        render_strict(f->tpl, ctx, mg_target_partials(t), mg_target_file_escape(f, mg_buf_cstr(&path)), w,
                      body, d) == 0) {
        p->last = mg_buf_total(body);
        if (set->spill)
            rc = mg_emit_set_add_stream(set, path.data ? path.data : "", path.len, &st, body,
                                        mg_buf_cstr(&origin), f->at, d);
        else {
            /* Kept at their size, not at the doubled capacity they were
             * rendered into (a quarter of the held output on average). */
            size_t len, cap = body->cap;
            char *data = mg_buf_steal(body, &len);
            if (cap > len + 1) {
                char *fit = realloc(data, len + 1);
                if (fit)
                    data = fit;
            }
            mg_emit_set_add(set, path.data ? path.data : "", path.len, data, len, release_free,
                            mg_buf_cstr(&origin), f->at);
            rc = 0;
        }
        if (rc == 0)
            set->files[set->n - 1].pointer = f->pointer;
    } else if (set->spill)
        mg_emit_stream_drop(&st, body); /* what was flushed of it is not the file's */
    mg_buf_fini(&origin);
    mg_buf_fini(&path);
    mg_buf_fini(&own);
    return rc;
}

/* The render bounds of a target's view (mg_run_render_target): 64 steps
 * and 1 024 bytes per member of the view (each shared list counted once:
 * references are not walked), and per member the lazy view left out
 * (counted when the bounds are set). They are asked for only when a render
 * goes past the fixed ones (mg_tpl_set_limits_lazy), and then grow with
 * what the render needs: the members are counted by a walk that stops once
 * it has counted twice as many as the last time, and gives bounds for
 * those, asked again when a render goes past them, until the walk is done
 * and gives the bounds of the whole view. A render stops only past those,
 * where it stopped when the whole view was counted at once; but a render
 * that needs far less than them walks only its part of the view (the
 * walk of all of it, whose memory no render touched lately, was 3 % of
 * the 10 000-message run's time, and 1.1 M instructions on
 * worker-backend, where no render asks). */
typedef struct render_bounds {
    const cJSON *view;
    size_t left_out;
    size_t counted;          /* members walked so far; 0: the walk has not begun */
    const cJSON **pending;   /* members not yet walked: the walk's stack */
    size_t npending, cap;
} render_bounds;

/* Nothing is allocated here: most targets' renders never ask. */
static void bounds_init(render_bounds *rb, const cJSON *view, size_t left_out)
{
    memset(rb, 0, sizeof *rb);
    rb->view = view;
    rb->left_out = left_out;
}

static void bounds_push(render_bounds *rb, const cJSON *j)
{
    if (rb->npending == rb->cap) {
        rb->cap = rb->cap ? 2 * rb->cap : 16;
        rb->pending = mg_xrealloc(rb->pending, rb->cap * sizeof *rb->pending);
    }
    rb->pending[rb->npending++] = j;
}

/* Counts members on until `want` are counted or none is left. The stack
 * holds, per level, the next member to walk (a sibling, then a child), so
 * it is no deeper than the view. */
static void bounds_walk(render_bounds *rb, size_t want)
{
    if (!rb->counted) {
        rb->counted = 1;
        if (!(rb->view->type & cJSON_IsReference) && rb->view->child)
            bounds_push(rb, rb->view->child);
    }
    while (rb->npending && rb->counted < want) {
        const cJSON *j = rb->pending[--rb->npending];
        rb->counted++;
        if (j->next)
            bounds_push(rb, j->next);
        if (!(j->type & cJSON_IsReference) && j->child)
            bounds_push(rb, j->child);
    }
}

/* mg_tpl_limits_fn: 1 while the walk has members left to count. */
static int bounds_of(void *user, long *max_steps, size_t *max_output)
{
    render_bounds *rb = user;
    /* Asked first when a render goes past the fixed bounds: twice the
     * members they stand for, then twice as many each time. */
    size_t fixed = (size_t)(MG_MAX_RENDER_STEPS / MG_RENDER_STEPS_PER_NODE);
    if (fixed < MG_MAX_OUTPUT_BYTES / MG_OUTPUT_BYTES_PER_NODE)
        fixed = MG_MAX_OUTPUT_BYTES / MG_OUTPUT_BYTES_PER_NODE;
    bounds_walk(rb, 2 * (rb->counted > fixed ? rb->counted : fixed));
    size_t nodes = rb->counted + rb->left_out;
    *max_steps = (long)(nodes * MG_RENDER_STEPS_PER_NODE);
    *max_output = nodes * MG_OUTPUT_BYTES_PER_NODE;
    return rb->npending != 0;
}

/* Renders file `f` once per item of its list (per message, type or enum),
 * with the item over the view in the context stack: a name the item lacks
 * is looked up in the view (the item's members, then the view's). A merged
 * object of the two, built and freed per item (13 500 instructions apiece),
 * would be searched member by member, where the item's members are found
 * through the source's index and the tags' memos. A lazy view's
 * members that the item left out are the hook's for the item itself
 * (w_escaped), found before the view's. */
static void render_items(const mg_target *t, const mg_target_file *f, path_tpl *p, const cJSON *view,
                         watched *w, mg_emit_set *set, mg_diag *d)
{
    const char *list = f->per == MG_PER_MESSAGE ? "messages" : f->per == MG_PER_TYPE ? "types" : "enums";
    const char *kind = f->per == MG_PER_MESSAGE ? "message" : f->per == MG_PER_TYPE ? "type" : "enum";
    const cJSON *items = mg_json_get(view, list);
    int filter_enums = 0;
    if (!items && f->per == MG_PER_ENUM) {
        items = mg_json_get(view, "types");
        filter_enums = 1;
    }
    if (items && !cJSON_IsArray(items)) {
        mg_diag_error_ptr(d, f->at, f->pointer, "the view's '%s' is not a list, so 'per: %s' cannot iterate it", list, kind);
        return;
    }
    size_t index = 0;
    for (const cJSON *it = items ? items->child : NULL; it && !mg_diag_full(d); it = it->next, index++) {
        if (filter_enums) {
            const cJSON *k = mg_json_get(it, "kind");
            if (!cJSON_IsString(k) || strcmp(k->valuestring, "enum") != 0)
                continue;
        }
        render_one(t, f, p, it, kind, it, index, w, set, d);
    }
}

int mg_run_render_target(const mg_target *t, const cJSON *view, mg_view_escapes *esc, mg_emit_set *set,
                         mg_diag *d)
{
    int before = d->errors;
    watched ws;
    watched *w = &ws;
    watched_init(w, view, esc);
    /* The render bounds grow with the catalogue: a legitimate big catalogue
     * renders, a runaway expansion still stops in time linear in the input. */
    render_bounds rb;
    bounds_init(&rb, view, mg_view_escapes_left_out(esc));
    mg_tpl_set_limits_lazy(mg_target_partials(t), bounds_of, &rb);
    for (size_t i = 0; i < mg_target_nfiles(t) && !mg_diag_full(d); i++) {
        const mg_target_file *f = mg_target_file_get(t, i);
        path_tpl p;
        path_tpl_init(&p, f);
        if (f->per == MG_PER_CATALOGUE)
            render_one(t, f, &p, view, NULL, NULL, 0, w, set, d);
        else
            render_items(t, f, &p, view, w, set, d);
        path_tpl_fini(&p);
    }
    watched_fini(w);
    /* rb goes out of scope: the set keeps the bounds only if a render asked
     * for them. */
    mg_tpl_set_limits_lazy(mg_target_partials(t), NULL, NULL);
    free(rb.pending);
    return d->errors > before ? -1 : w->printed_tree;
}

static void count_line(void *user, const char *line)
{
    (void)line;
    (*(int *)user)++;
}

/* What the pruned render reported: how many lines, and the first error. */
typedef struct {
    int lines;
    mg_buf first;
} pruned_report;

static void pruned_line(void *user, const char *line)
{
    pruned_report *p = user;
    p->lines++;
    first_message(&p->first, line);
}

/* Builds target `t`'s view and renders its files into `set`: from the view
 * pruned to the names its templates read when those are known, else (or when
 * that render reports anything or prints a container: see `watched`) from
 * the full view. `exiting`: this is the run's last view and the process ends
 * after the run (mg_run_opts.exit_after), so the view and its escapes are
 * left to the exit. Returns 0, or -1 after reporting errors. */
static int view_and_render(source *s, mg_target *t, mg_emit_set *set, int exiting, mg_diag *d)
{
    const mg_hmap *keep = s->fixed_view ? NULL : mg_target_names(t);
    if (!keep) {
        cJSON *view = source_view(s, t, d);
        int rc = view ? mg_run_render_target(t, view, NULL, set, d) : -1;
        if (!exiting)
            cJSON_Delete(view);
        return rc < 0 ? -1 : 0;
    }
    /* Pruned, and without escaped members: they are made as read. */
    if (!s->cache)
        s->cache = mg_view_cache_new();
    mg_view_escapes *esc = NULL;
    mg_view_cache_prune(s->cache, keep);
    mg_view_cache_escapes_lazy(s->cache, &esc);
    cJSON *view = source_view(s, t, d);
    mg_view_cache_escapes_lazy(s->cache, NULL);
    mg_view_cache_prune(s->cache, NULL);
    if (!view)
        return -1;
    pruned_report pruned;
    pruned.lines = 0;
    mg_buf_init(&pruned.first);
    mg_diag quiet;
    mg_diag_init_sink(&quiet, pruned_line, &pruned);
    int rc = mg_run_render_target(t, view, esc, set, &quiet);
    int rendered = rc == 0 && pruned.lines == 0 && quiet.errors == 0;
    int pruned_errors = quiet.errors;
    if (!(rendered && exiting)) {
        cJSON_Delete(view);
        mg_view_escapes_free(esc);
    }
    if (rendered) {
        mg_buf_fini(&pruned.first);
        return 0;
    }
    /* Again from the full view. Its build reports nothing new: the pruned
     * build reported the same diagnostics already. */
    mg_target_reset_partials(t);
    mg_emit_spill *spill = set->spill;
    mg_emit_set_fini(set);
    mg_emit_set_init(set);
    set->spill = spill;
    int lines = 0;
    mg_diag_init_sink(&quiet, count_line, &lines);
    view = source_view(s, t, &quiet);
    if (!view) /* cannot happen: the pruned build succeeded; report it */
        view = source_view(s, t, d);
    int errors_before = d->errors;
    rc = view ? mg_run_render_target(t, view, NULL, set, d) : -1;
    /* A pruned view holds every key the templates name, so an error there
     * that the full view does not repeat is msggen's bug, not the
     * catalogue's or the templates': the output is right (it comes from the
     * full view), but say so rather than hide it. */
    if (pruned_errors && rc >= 0 && d->errors == errors_before)
        mg_diag_warning(d, mg_mark_at(NULL, 0, 0),
                        "internal: target '%s' rendered only from its full view: its pruned view "
                        "failed (%s); the output is right, but please report this",
                        t->name, pruned.first.len ? mg_buf_cstr(&pruned.first) : "no message");
    mg_buf_fini(&pruned.first);
    if (!exiting)
        cJSON_Delete(view);
    return rc < 0 ? -1 : 0;
}

static char *out_dir_for(const mg_run_opts *o, const char *name, const mg_target *t, size_t ntargets)
{
    mg_buf b;
    mg_buf_init(&b);
    const mg_project_target *pt = mg_project_find_target(o->project, name);
    const char *base = o->out ? o->out : o->project && o->project->out ? o->project->out : MG_DEFAULT_OUT;
    if (o->out && ntargets == 1 && o->ntargets == 1)
        mg_buf_append_str(&b, o->out);
    else if (!o->out && pt && pt->out)
        mg_buf_append_str(&b, pt->out);
    else {
        mg_buf_append_str(&b, base);
        if (b.len && b.data[b.len - 1] != '/')
            mg_buf_putc(&b, '/');
        mg_buf_append_str(&b, t->name);
    }
    return mg_buf_steal(&b, NULL);
}

/* Reports one drift diagnostic per file named in check's report (emit.h):
 * "missing: P", "different: P" (then a unified diff: the first changed line
 * of the file on disk is the diagnostic's line), "stale: P (...)",
 * "untracked: P (...)", "outdated: MANIFEST (...)". Every other report line
 * starts with a diff character or is a summary, and is skipped. */
static void drift_per_file(const char *text, size_t len)
{
    static const struct {
        const char *prefix, *what;
    } kinds[] = {
        {"missing: ", "generated file missing ('msggen generate' creates it)"},
        {"different: ", "differs from what the catalogue and templates generate (run 'msggen generate')"},
        {"stale: ", "generated earlier and no longer produced ('msggen generate' deletes it)"},
        {"untracked: ", "in the way of a generated file, and msggen did not write it"},
        {"outdated: ", "does not list the generated files (run 'msggen generate')"},
    };
    char *copy = mg_xstrndup(text, len);
    char *pending = NULL; /* a "different" file whose first changed line we look for */
    long old_line = 0, first = 0;
    for (char *line = copy, *next; line && *line; line = next) {
        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        size_t k;
        for (k = 0; k < sizeof kinds / sizeof kinds[0]; k++)
            if (strncmp(line, kinds[k].prefix, strlen(kinds[k].prefix)) == 0)
                break;
        if (k < sizeof kinds / sizeof kinds[0]) {
            if (pending)
                mg_diag_drift(mg_mark_at(pending, first > 0 ? (int)first : 0, first > 0 ? 1 : 0), "%s",
                              kinds[1].what);
            pending = NULL;
            char *path = line + strlen(kinds[k].prefix);
            char *paren = k == 1 || k == 0 ? NULL : strstr(path, " (");
            if (paren)
                *paren = '\0';
            if (k == 1) {
                pending = path;
                old_line = first = 0;
            } else {
                mg_diag_drift(mg_mark_at(path, 0, 0), "%s", kinds[k].what);
            }
        } else if (pending && first == 0) {
            long a;
            if (sscanf(line, "@@ -%ld", &a) == 1)
                old_line = a;
            else if (old_line > 0 && line[0] == ' ')
                old_line++;
            else if (old_line > 0 && (line[0] == '-' || line[0] == '+'))
                first = old_line > 0 ? old_line : 1;
        }
    }
    if (pending)
        mg_diag_drift(mg_mark_at(pending, first > 0 ? (int)first : 0, first > 0 ? 1 : 0), "%s", kinds[1].what);
    free(copy);
}

/* Whether two targets of the same name would be emitted into one folder. */
static int same_out_dir(const mg_run_opts *o, const char *a, const char *b, const mg_target *t, size_t n)
{
    char *da = out_dir_for(o, a, t, n), *db = out_dir_for(o, b, t, n);
    int same = strcmp(da, db) == 0;
    free(da);
    free(db);
    return same;
}

/* The override folder of target `name`: the flag's, else the project's. */
static const char *override_for(const mg_run_opts *o, const char *name)
{
    const mg_project_target *pt = mg_project_find_target(o->project, name);
    if (o->override_dir)
        return o->override_dir;
    if (pt && pt->override_dir)
        return pt->override_dir;
    return o->project ? o->project->override_dir : NULL;
}

/* Tells the watch (if any) about every file this run read or would read:
 * the configuration, the catalogue and every file it refers to, and the
 * folders of each target's templates and overrides (also of targets that
 * failed to load, so that fixing a template triggers the next run). */
static void watch_inputs(const mg_run_opts *o, const char *const *names, size_t n, const source *src)
{
    mg_watch *w = o->watch;
    if (!w)
        return;
    if (o->project)
        mg_watch_add_file(w, o->project->path);
    if (o->view_file)
        mg_watch_add_file(w, o->view_file);
    if (o->input)
        mg_watch_add_file(w, o->input);
    for (size_t i = 0; src->set && i < mg_docset_count(src->set); i++) {
        mg_watch_add_file(w, mg_docset_doc(src->set, i)->path);
        mg_watch_add_data(w, mg_docset_doc(src->set, i)->dir);
    }
    mg_buf dir;
    mg_buf_init(&dir);
    for (size_t i = 0; i < n; i++) {
        const char *ovr = override_for(o, names[i]);
        mg_buf_reset(&dir);
        if (strchr(names[i], '/'))
            mg_buf_append_str(&dir, names[i]);
        else if (mg_target_shipped_dir(&dir) == 0)
            mg_buf_appendf(&dir, "/%s", names[i]);
        else
            continue;
        for (int k = 0; k < 2; k++) {
            const char *base = k == 0 ? mg_buf_cstr(&dir) : ovr;
            if (!base)
                continue;
            mg_buf sub;
            mg_buf_init(&sub);
            mg_buf_appendf(&sub, "%s/partials", base);
            mg_watch_add_templates(w, base);
            mg_watch_add_templates(w, mg_buf_cstr(&sub));
            mg_buf_fini(&sub);
        }
    }
    mg_buf_fini(&dir);
}

int mg_run_generate(const mg_run_opts *o, mg_diag *d)
{
    int exiting = o->exit_after && !o->watch;
    char **shipped = NULL;
    const char *const *names = o->targets;
    size_t n = o->ntargets;
    const char **project_names = NULL;
    if (n == 0 && o->project && o->project->targets) {
        n = o->project->ntargets;
        project_names = calloc(n + 1, sizeof *project_names);
        if (!project_names)
            abort();
        for (size_t i = 0; i < n; i++)
            project_names[i] = o->project->targets[i].name;
        names = project_names;
    }
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
    /* Rendered files wait for emit in an unnamed temporary file, not in
     * memory (emit.h): about 95 KB per message, which would otherwise pile up
     * under the views of the targets after the first. They go there as they
     * are rendered (render_one), so even the biggest file (170 MB at 10 000
     * messages) never sits whole in memory. Without one (no writable
     * temporary folder), they wait in memory as before. */
    mg_emit_spill *spill = NULL;

    /* 1. Every target, so that template errors come first. */
    for (size_t i = 0; i < n; i++)
        ts[i] = mg_target_load_override(names[i], override_for(o, names[i]), d);
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < i; j++)
            if (ts[i] && ts[j] && strcmp(ts[i]->name, ts[j]->name) == 0 && (o->out == NULL || n > 1) &&
                same_out_dir(o, names[i], names[j], ts[i], n)) {
                mg_diag_error(d, mg_mark_at(NULL, 0, 0), "targets '%s' and '%s' are both named '%s' and would share %s/%s",
                              names[j], names[i], ts[i]->name, o->out ? o->out : MG_DEFAULT_OUT, ts[i]->name);
                ts[i] = (mg_target_free(ts[i]), NULL);
            }
    if (d->errors)
        goto done;
    /* 2. The catalogue; 3. views and renders, all in memory. */
    if (source_load(&src, o, d) != 0)
        goto done;
    spill = mg_emit_spill_new();
    for (size_t i = 0; i < n; i++)
        sets[i].spill = spill;
    for (size_t i = 0; i < n && !mg_diag_full(d); i++) {
        view_and_render(&src, ts[i], &sets[i], exiting && i + 1 == n, d);
        mg_target_release_templates(ts[i]);
        /* What this target's view and render freed, malloc's and the
         * pool's, goes back before the next one: each reuses only its own
         * freed memory, and the next render's malloc peak (a markdown
         * render's escape memo) would come on top of pool pages this view
         * left empty, and the next view's pool pages on top of this
         * render's freed malloc heap. */
        if (i + 1 < n)
            mg_pool_trim();
    }
    /* Only now is it known which override partials were used. */
    if (!d->errors && o->override_dir)
        mg_target_check_override(ts, n, o->override_dir, d);
    if (d->errors)
        goto done;
    /* 4. Every target's paths (NAME_MAX, PATH_MAX, ...) before any is written. */
    for (size_t i = 0; i < n; i++) {
        char *dir = out_dir_for(o, names[i], ts[i], n);
        mg_emit_check_paths(dir, &sets[i], d);
        free(dir);
    }
    if (d->errors)
        goto done;
    /* 5. Emit. A problem in one folder (a foreign file) does not stop the
     * others; each folder is all-or-nothing on its own. Generate writes
     * every target's folder in one pass (emit.h, mg_emit_run_all): the
     * fsyncs of all the targets' files share their disk waits (about 4 for
     * a fresh worker-backend rather than 13, target by target). */
    int drift = 0, failed = 0;
    if (o->mode == MG_EMIT_WRITE) {
        char **dirs = calloc(n, sizeof *dirs);
        mg_emit_opts *eos = calloc(n, sizeof *eos);
        if (!dirs || !eos)
            abort();
        for (size_t i = 0; i < n; i++) {
            dirs[i] = out_dir_for(o, names[i], ts[i], n);
            eos[i] = (mg_emit_opts){o->mode, o->force, ts[i]->name, stdout, o->stat};
        }
        failed = mg_emit_run_all(n, (const char *const *)dirs, sets, eos, NULL, NULL, d) < 0;
        for (size_t i = 0; i < n; i++)
            free(dirs[i]);
        free(dirs);
        free(eos);
    }
    for (size_t i = 0; i < n && o->mode != MG_EMIT_WRITE; i++) {
        char *dir = out_dir_for(o, names[i], ts[i], n);
        /* For json and sarif, check's report is also read back into one
         * drift diagnostic per file (code scanning annotates the file). */
        char *report = NULL;
        size_t report_len = 0;
        FILE *rep = o->mode == MG_EMIT_CHECK && mg_diag_output_format() != MG_DIAG_TEXT
                        ? open_memstream(&report, &report_len)
                        : NULL;
        mg_emit_opts eo = {o->mode, o->force, ts[i]->name, rep ? rep : stdout, o->stat};
        mg_emit_stats st;
        memset(&st, 0, sizeof st);
        int r = mg_emit_run(dir, &sets[i], &eo, &st, d);
        if (rep) {
            fclose(rep);
            fwrite(report, 1, report_len, stdout);
            if (r > 0)
                drift_per_file(report, report_len);
            free(report);
        }
        if (r > 0)
            mg_diag_drift(mg_mark_at(dir, 0, 0),
                          "%s: out of sync: %d missing, %d different, %d stale, %d untracked "
                          "(run 'msggen generate' and commit the result)",
                          ts[i]->name, st.missing, st.different, st.stale, st.untracked);
        free(dir);
        if (r < 0)
            failed = 1;
        else if (r > 0)
            drift = 1;
    }
    rc = failed || drift ? MG_EXIT_INPUT : MG_EXIT_OK;

done:
    fflush(stdout);
    watch_inputs(o, names, n, &src);
    if (!exiting)
        source_free(&src);
    for (size_t i = 0; i < n; i++) {
        if (!exiting)
            mg_target_free(ts[i]);
        mg_emit_set_fini(&sets[i]);
    }
    mg_emit_spill_free(spill);
    free(ts);
    free(sets);
    mg_target_names_free(shipped);
    free(project_names);
    return rc;
}

/* ---- the command line of generate and check ---- */

/* `generate --watch`: a run, then a run after each change, until a signal or
 * `max_runs` runs. Each run reads msggen.yaml afresh (it is watched too),
 * adds what it read to the watch (a run may read new files, say a new $ref;
 * a file that stops loading stays watched) and gets a fresh diag (an error in
 * one run does not stop the next). Returns 0 when stopped by a signal, a
 * usage error of the first run, else the last run's code. */
static int watch_loop(const mg_cmd *cmd, mg_run_opts *o, const char *config, int no_config, long max_runs)
{
    mg_diag d;
    mg_diag_init(&d);
    mg_watch *w = mg_watch_new(&d);
    if (!w)
        return MG_EXIT_INPUT;
    mg_watch_signals();
    const char *flag_input = o->input;
    int rc = MG_EXIT_OK;
    for (long run = 1;; run++) {
        mg_diag_init(&d);
        mg_project *project = NULL;
        char *found = no_config ? NULL : mg_project_find_new(config);
        if (found)
            mg_watch_add_file(w, found);
        free(found);
        rc = mg_project_open(cmd, config, no_config, flag_input, !o->view_file, &project, &o->input, &d);
        if (rc == MG_EXIT_USAGE && run == 1) {
            mg_project_free(project);
            break;
        }
        if (rc == MG_EXIT_OK) {
            o->project = project;
            o->watch = w;
            rc = mg_run_generate(o, &d);
            o->project = NULL;
            o->watch = NULL;
        }
        mg_project_free(project);
        printf("watch: run %ld %s; watching %d files and folders (Ctrl-C stops)\n", run,
               rc == MG_EXIT_OK ? "ok" : "failed", mg_watch_nfiles(w));
        fflush(stdout);
        if (max_runs > 0 && run >= max_runs)
            break;
        int r = mg_watch_wait(w, MG_WATCH_DEBOUNCE_MS, &d);
        if (r <= 0) {
            rc = r == 0 ? MG_EXIT_OK : MG_EXIT_INPUT;
            break;
        }
    }
    mg_watch_free(w);
    return rc;
}

int mg_run_cmd(const char *name, int argc, char **argv, mg_emit_mode mode)
{
    const mg_cmd *cmd = &mg_cmds[0];
    for (int i = 0; i < mg_ncmds; i++)
        if (strcmp(mg_cmds[i].name, name) == 0)
            cmd = &mg_cmds[i];
    enum { OPT_OVERRIDE = 256, OPT_DRY_RUN, OPT_FORCE, OPT_CHECK, OPT_VIEW, OPT_STAT, OPT_REF_MAP, OPT_CONFIG,
           OPT_NO_CONFIG, OPT_WATCH, OPT_WATCH_MAX, OPT_WERROR };
    /* check takes generate's options less the ones that choose how to write. */
#define COMMON_OPTS                                                   \
    {"help", no_argument, 0, 'h'},                                    \
    {"input", required_argument, 0, 'i'},                             \
    {"target", required_argument, 0, 't'},                            \
    {"output", required_argument, 0, 'o'},                            \
    {"templates-override", required_argument, 0, OPT_OVERRIDE},       \
    {"view", required_argument, 0, OPT_VIEW},                         \
    {"stat", no_argument, 0, OPT_STAT},                               \
    {"ref-map", required_argument, 0, OPT_REF_MAP},                   \
    {"config", required_argument, 0, OPT_CONFIG},                     \
    {"no-config", no_argument, 0, OPT_NO_CONFIG},                     \
    {"werror", no_argument, 0, OPT_WERROR}
    static const struct option gen_opts[] = {
        COMMON_OPTS,
        {"dry-run", no_argument, 0, OPT_DRY_RUN},
        {"force", no_argument, 0, OPT_FORCE},
        {"check", no_argument, 0, OPT_CHECK},
        {"watch", no_argument, 0, OPT_WATCH},
        {"watch-max-runs", required_argument, 0, OPT_WATCH_MAX},
        {0, 0, 0, 0},
    };
    static const struct option check_opts[] = {COMMON_OPTS, {0, 0, 0, 0}};
#undef COMMON_OPTS
    mg_run_opts o;
    memset(&o, 0, sizeof o);
    o.mode = mode;
    const char **targets = calloc((size_t)argc + 1, sizeof *targets);
    const char **maps = calloc((size_t)argc + 1, sizeof *maps);
    if (!targets || !maps)
        abort();
    mg_cli cli;
    mg_cli_begin(&cli, cmd, argc, argv, "i:t:o:", mode == MG_EMIT_CHECK ? check_opts : gen_opts);
    int c, dry = 0, check = 0, watch = 0, no_config = 0, rc;
    long max_runs = 0;
    const char *config = NULL, *max_runs_arg = NULL;
    while ((c = mg_cli_next(&cli)) != MG_CLI_END) {
        switch (c) {
        case MG_CLI_STOP:
            free(targets);
            free(maps);
            return cli.exit_code;
        case 'i': o.input = optarg; break;
        case 't': targets[o.ntargets++] = optarg; break;
        case 'o': o.out = optarg; break;
        case OPT_OVERRIDE: o.override_dir = optarg; break;
        case OPT_VIEW: o.view_file = optarg; break;
        case OPT_DRY_RUN: dry = 1; break;
        case OPT_FORCE: o.force = 1; break;
        case OPT_CHECK: check = 1; break;
        case OPT_STAT: o.stat = 1; break;
        case OPT_REF_MAP: maps[o.nref_maps++] = optarg; break;
        case OPT_CONFIG: config = optarg; break;
        case OPT_NO_CONFIG: no_config = 1; break;
        case OPT_WATCH: watch = 1; break;
        case OPT_WATCH_MAX: max_runs_arg = optarg; break;
        case OPT_WERROR: mg_diag_set_werror(1); break;
        default: break;
        }
    }
    if (max_runs_arg) {
        char *end;
        max_runs = strtol(max_runs_arg, &end, 10);
        if (!*max_runs_arg || *end || max_runs < 1)
            max_runs = -1;
    }
    mg_project *project = NULL;
    int bad_map = 0;
    for (size_t i = 0; i < o.nref_maps && !bad_map; i++)
        bad_map = mg_cli_check_ref_map(cmd, maps[i]);
    if (bad_map)
        rc = bad_map;
    else if (optind < argc)
        rc = mg_cli_usage(cmd, "unexpected argument '%s'", argv[optind]);
    else if (dry && check)
        rc = mg_cli_usage(cmd, "--dry-run and --check do not go together");
    else if (o.stat && !check && mode != MG_EMIT_CHECK)
        rc = mg_cli_usage(cmd, "--stat goes with --check (or 'msggen check')");
    else if (o.input && o.view_file)
        rc = mg_cli_usage(cmd, "-i and --view do not go together");
    else if (config && no_config)
        rc = mg_cli_usage(cmd, "--config and --no-config do not go together");
    else if (watch && (dry || check))
        rc = mg_cli_usage(cmd, "--watch writes files; it does not go with --dry-run or --check");
    else if (max_runs_arg && !watch)
        rc = mg_cli_usage(cmd, "--watch-max-runs needs --watch");
    else if (max_runs < 0)
        rc = mg_cli_usage(cmd, "--watch-max-runs needs a positive number, not '%s'", max_runs_arg);
    else {
        if (dry)
            o.mode = MG_EMIT_DRY_RUN;
        if (check)
            o.mode = MG_EMIT_CHECK;
        o.targets = targets;
        o.ref_maps = maps;
        mg_diag d;
        mg_diag_init(&d);
        if (watch)
            rc = watch_loop(cmd, &o, config, no_config, max_runs);
        else {
            rc = mg_project_open(cmd, config, no_config, o.input, !o.view_file, &project, &o.input, &d);
            o.project = project;
            /* One run, after which main() returns and the process exits. */
            o.exit_after = mg_pool_installed();
            if (rc == MG_EXIT_OK)
                rc = mg_run_generate(&o, &d);
        }
    }
    mg_project_free(project);
    free(targets);
    free(maps);
    return rc;
}
