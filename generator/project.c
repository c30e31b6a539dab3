/* project.c - reading msggen.yaml. */
#include "project.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "target.h"
#include "util.h"

/* Every string the project hands out, freed together. */
struct mg_project_strs {
    char **v;
    size_t n, cap;
};

typedef struct loader {
    mg_project *p;
    const mg_doc *doc;
    const char *dir;  /* the config file's folder */
    mg_diag *d;
} loader;

static const char *const top_keys[] = {"catalogue", "output", "templates-override", "targets", NULL};
static const char *const target_keys[] = {"output", "templates-override", NULL};

static const char *keep(mg_project *p, char *s)
{
    struct mg_project_strs *st = p->strs;
    st->v = mg_xgrow(st->v, st->n, &st->cap, sizeof *st->v);
    st->v[st->n++] = s;
    return s;
}

/* `path` relative to the config's folder; "." keeps it as written (normalised),
 * so that a config in the current folder gives the same paths as flags do. */
static const char *join(loader *l, const char *path)
{
    if (path[0] == '/' || strcmp(l->dir, ".") == 0)
        return keep(l->p, mg_path_normalise(path));
    mg_buf b;
    mg_buf_init(&b);
    mg_buf_appendf(&b, "%s/%s", l->dir, path);
    char *s = mg_path_normalise(mg_buf_cstr(&b));
    mg_buf_fini(&b);
    return keep(l->p, s);
}

static const char *type_name(const cJSON *v)
{
    if (cJSON_IsObject(v))
        return "a mapping";
    if (cJSON_IsArray(v))
        return "a list";
    if (cJSON_IsNumber(v))
        return "a number";
    if (cJSON_IsBool(v))
        return "true/false";
    if (cJSON_IsNull(v))
        return "empty";
    return "a string";
}

static void unknown_key(loader *l, const cJSON *member, const char *where, const char *const *keys)
{
    const char *best = NULL;
    size_t bestd = 3; /* suggest only close matches */
    for (size_t i = 0; keys[i]; i++) {
        size_t dist = mg_edit_distance(member->string, strlen(member->string), keys[i]);
        if (dist < bestd) {
            bestd = dist;
            best = keys[i];
        }
    }
    mg_buf known;
    mg_buf_init(&known);
    for (size_t i = 0; keys[i]; i++)
        mg_buf_appendf(&known, "%s%s", i ? ", " : "", keys[i]);
    if (best)
        mg_doc_key_error(l->d, l->doc, member, "unknown key '%s' %s (did you mean '%s'?)",
                         member->string, where, best);
    else
        mg_doc_key_error(l->d, l->doc, member, "unknown key '%s' %s (known keys: %s)",
                         member->string, where, mg_buf_cstr(&known));
    mg_buf_fini(&known);
}

/* A non-empty string value, or NULL after reporting that `what` must be
 * `kind` ("a file path", "a folder path"). */
static const char *get_path(loader *l, const cJSON *v, const char *what, const char *kind)
{
    if (!cJSON_IsString(v) || !v->valuestring[0]) {
        mg_doc_error(l->d, l->doc, v, "'%s' must be %s, not %s", what, kind,
                     cJSON_IsString(v) ? "empty" : type_name(v));
        return NULL;
    }
    return v->valuestring;
}

static int is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* A folder value that must exist (templates-override): joined, or NULL. */
static const char *get_dir(loader *l, const cJSON *v, const char *what)
{
    const char *s = get_path(l, v, what, "a folder path");
    if (!s)
        return NULL;
    const char *path = join(l, s);
    if (!is_dir(path)) {
        mg_doc_error(l->d, l->doc, v, "'%s' folder '%s' does not exist (paths are relative to %s)",
                     what, s, strcmp(l->dir, ".") == 0 ? "the current folder" : l->dir);
        return NULL;
    }
    return path;
}

/* Checks a target name: a folder (any name with a '/') must hold a
 * target.yaml; a plain name must be a shipped target. */
static const char *target_name(loader *l, const char *name, const cJSON *e, int key, char ***shipped)
{
    /* Errors name the entry: its key in a mapping, its value in a list. */
    void (*err)(mg_diag *, const mg_doc *, const cJSON *, const char *, ...) = key ? mg_doc_key_error : mg_doc_error;
    if (strchr(name, '/')) {
        const char *path = join(l, name);
        /* "./md" normalises to "md", which would name a shipped target:
         * a folder keeps a '/'. */
        if (!strchr(path, '/')) {
            mg_buf dot;
            mg_buf_init(&dot);
            mg_buf_appendf(&dot, "./%s", path);
            path = keep(l->p, mg_buf_steal(&dot, NULL));
        }
        mg_buf b;
        mg_buf_init(&b);
        mg_buf_appendf(&b, "%s/target.yaml", path);
        int exists = access(mg_buf_cstr(&b), F_OK) == 0;
        mg_buf_fini(&b);
        if (!exists) {
            err(l->d, l->doc, e, "target folder '%s' has no target.yaml", name);
            return NULL;
        }
        return path;
    }
    if (!*shipped) {
        *shipped = mg_target_names_new(l->d);
        if (!*shipped)
            return NULL;
    }
    const char *best = NULL;
    size_t bestd = 3;
    for (char **s = *shipped; *s; s++) {
        if (strcmp(*s, name) == 0)
            return keep(l->p, mg_xstrdup(name));
        size_t dist = mg_edit_distance(name, strlen(name), *s);
        if (dist < bestd) {
            bestd = dist;
            best = *s;
        }
    }
    if (best)
        err(l->d, l->doc, e, "unknown target '%s' (did you mean '%s'? 'msggen targets' lists them)", name, best);
    else
        err(l->d, l->doc, e, "unknown target '%s' ('msggen targets' lists them; a folder path needs a '/')",
            name);
    return NULL;
}

static void add_target(loader *l, const char *name, const char *out, const char *ovr, const cJSON *e, int key)
{
    mg_mark at = key ? mg_doc_key_mark(l->doc, e) : mg_doc_mark(l->doc, e);
    mg_project *p = l->p;
    for (size_t i = 0; i < p->ntargets; i++)
        if (strcmp(p->targets[i].name, name) == 0) {
            (key ? mg_doc_key_error : mg_doc_error)(l->d, l->doc, e, "target '%s' is listed twice (first at line %d)",
                                                    name, p->targets[i].at.line);
            return;
        }
    p->targets = mg_xrealloc(p->targets, (p->ntargets + 1) * sizeof *p->targets);
    mg_project_target *t = &p->targets[p->ntargets++];
    t->name = name;
    t->out = out;
    t->override_dir = ovr;
    t->at = at;
}

static void read_targets(loader *l, const cJSON *v)
{
    char **shipped = NULL;
    l->p->targets = mg_xcalloc(1, sizeof *l->p->targets); /* present, even when empty */
    if (cJSON_IsArray(v)) {
        for (const cJSON *e = v->child; e; e = e->next) {
            if (!cJSON_IsString(e)) {
                mg_doc_error(l->d, l->doc, e, "a 'targets' entry must be a target name, not %s",
                             type_name(e));
                continue;
            }
            const char *name = target_name(l, e->valuestring, e, 0, &shipped);
            if (name)
                add_target(l, name, NULL, NULL, e, 0);
        }
    } else if (cJSON_IsObject(v)) {
        for (const cJSON *e = v->child; e; e = e->next) {
            const char *name = target_name(l, e->string, e, 1, &shipped);
            const char *out = NULL, *ovr = NULL;
            if (!cJSON_IsNull(e) && !cJSON_IsObject(e)) {
                mg_doc_error(l->d, l->doc, e,
                             "the options of target '%s' must be a mapping (output, templates-override), not %s",
                             e->string, type_name(e));
                continue;
            }
            for (const cJSON *o = cJSON_IsObject(e) ? e->child : NULL; o; o = o->next) {
                if (strcmp(o->string, "output") == 0) {
                    const char *s = get_path(l, o, "output", "a folder path");
                    out = s ? join(l, s) : NULL;
                } else if (strcmp(o->string, "templates-override") == 0)
                    ovr = get_dir(l, o, "templates-override");
                else {
                    mg_buf where;
                    mg_buf_init(&where);
                    mg_buf_appendf(&where, "in target '%s'", e->string);
                    unknown_key(l, o, mg_buf_cstr(&where), target_keys);
                    mg_buf_fini(&where);
                }
            }
            if (name)
                add_target(l, name, out, ovr, e, 1);
        }
    } else {
        mg_doc_error(l->d, l->doc, v,
                     "'targets' must be a mapping (name: options) or a list of names, not %s", type_name(v));
    }
    mg_target_names_free(shipped);
    if ((cJSON_IsArray(v) || cJSON_IsObject(v)) && !v->child)
        mg_doc_error(l->d, l->doc, v, "'targets' is empty (leave it out for every shipped target)");
}

mg_project *mg_project_load(const char *path, mg_diag *d)
{
    mg_project *p = mg_xcalloc(1, sizeof *p);
    p->strs = mg_xcalloc(1, sizeof *p->strs);
    p->docs = mg_docset_new(NULL);
    int before = d->errors;
    const mg_doc *doc = mg_docset_load(p->docs, path, mg_mark_at(NULL, 0, 0), d);
    if (!doc) {
        mg_project_free(p);
        return NULL;
    }
    p->path = doc->path;
    loader l = {p, doc, doc->dir, d};
    if (!cJSON_IsObject(doc->root)) {
        mg_diag_error_ptr(d, mg_mark_at(doc->path, 1, 1), "",
                          "the configuration must be a mapping with keys catalogue, output, templates-override, "
                          "targets (docs/config.md)");
        mg_project_free(p);
        return NULL;
    }
    for (const cJSON *m = doc->root->child; m; m = m->next) {
        if (strcmp(m->string, "catalogue") == 0) {
            const char *s = get_path(&l, m, "catalogue", "a file path");
            if (!s)
                continue;
            p->catalogue = join(&l, s);
            p->catalogue_at = mg_doc_mark(doc, m);
            if (access(p->catalogue, F_OK) != 0)
                mg_doc_error(d, doc, m, "catalogue '%s' does not exist (paths are relative to %s)", s,
                             strcmp(l.dir, ".") == 0 ? "the current folder" : l.dir);
        } else if (strcmp(m->string, "output") == 0) {
            const char *s = get_path(&l, m, "output", "a folder path");
            if (s)
                p->out = join(&l, s);
        } else if (strcmp(m->string, "templates-override") == 0) {
            p->override_dir = get_dir(&l, m, "templates-override");
        } else if (strcmp(m->string, "targets") == 0) {
            read_targets(&l, m);
        } else {
            unknown_key(&l, m, "in the configuration", top_keys);
        }
    }
    if (d->errors > before) {
        mg_project_free(p);
        return NULL;
    }
    return p;
}

void mg_project_free(mg_project *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->strs->n; i++)
        free(p->strs->v[i]);
    free(p->strs->v);
    free(p->strs);
    free(p->targets);
    mg_docset_free(p->docs);
    free(p);
}

char *mg_project_find_new(const char *explicit_path)
{
    if (explicit_path)
        return mg_xstrdup(explicit_path);
    mg_buf up, name;
    mg_buf_init(&up);
    mg_buf_init(&name);
    char *found = NULL;
    /* Climb until the root: "msggen.yaml", "../msggen.yaml", ... A relative
     * name keeps diagnostics and the joined paths short. */
    for (int depth = 0; depth < 64 && !found; depth++) {
        mg_buf_reset(&name);
        mg_buf_appendf(&name, "%s%s", mg_buf_cstr(&up), MG_PROJECT_FILE);
        struct stat st;
        if (stat(mg_buf_cstr(&name), &st) == 0 && S_ISREG(st.st_mode))
            found = mg_xstrdup(mg_buf_cstr(&name));
        char *real = realpath(up.len ? mg_buf_cstr(&up) : ".", NULL);
        int at_root = !real || strcmp(real, "/") == 0;
        free(real);
        if (at_root)
            break;
        mg_buf_append_str(&up, "../");
    }
    mg_buf_fini(&name);
    mg_buf_fini(&up);
    return found;
}

int mg_project_open(const mg_cmd *cmd, const char *config, int no_config, const char *input, int need_input,
                    mg_project **pp, const char **input_out, mg_diag *d)
{
    *pp = NULL;
    *input_out = input;
    char *path = no_config ? NULL : mg_project_find_new(config);
    if (path) {
        *pp = mg_project_load(path, d);
        free(path);
        if (!*pp)
            return MG_EXIT_INPUT;
        if (!input)
            *input_out = (*pp)->catalogue;
    }
    if (need_input && !*input_out) {
        if (*pp)
            return mg_cli_usage(cmd, "no catalogue: %s has no 'catalogue' and no -i CATALOGUE was given",
                                (*pp)->path);
        return mg_cli_usage(cmd, "no catalogue given: pass -i CATALOGUE, or create %s naming one",
                            MG_PROJECT_FILE);
    }
    return MG_EXIT_OK;
}

const mg_project_target *mg_project_find_target(const mg_project *p, const char *name)
{
    for (size_t i = 0; p && i < p->ntargets; i++)
        if (strcmp(p->targets[i].name, name) == 0)
            return &p->targets[i];
    return NULL;
}
