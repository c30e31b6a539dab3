/* view_fixture.h - the fixture of the view's unit tests (test_view.c,
 * test_view_escapes.c): a catalogue and an optional target description, both
 * in-memory YAML, built into a model and a view; diagnostics go to testfs.h's
 * `errs`. Include after "../../generator/view.c", "testfs.h" and "unit.h". */
#ifndef MG_VIEW_FIXTURE_H
#define MG_VIEW_FIXTURE_H

#include "resolve.h"

typedef struct fixture {
    mg_docset *set, *tset;
    mg_model *m;
    mg_target t;
    mg_diag d;
} fixture;

#define CAT "asyncapi: 3.0.0\ninfo: {title: T, version: '1'}\ncomponents:\n  messages:\n    m:\n      payload:\n"

/* Builds model + view of `yaml` with target description `target_yaml` (NULL:
 * no target). Returns the view, or NULL (see errs). */
static cJSON *view_of(fixture *f, const char *yaml, const char *target_yaml)
{
    memset(f, 0, sizeof *f);
    errs_reset();
    mg_diag_init_sink(&f->d, errs_capture, NULL);
    f->set = mg_docset_new(".");
    const mg_doc *doc = mg_docset_load_buffer(f->set, "c.yaml", yaml, strlen(yaml), &f->d);
    if (!doc || mg_resolve_all(f->set, doc, &f->d) < 0)
        return NULL;
    f->m = mg_model_new(f->set, doc, &f->d);
    if (!f->m)
        return NULL;
    const mg_target *tp = NULL;
    if (target_yaml) {
        f->tset = mg_docset_new(".");
        const mg_doc *td = mg_docset_load_buffer(f->tset, "target.yaml", target_yaml, strlen(target_yaml), &f->d);
        if (!td)
            return NULL;
        f->t.name = (char *)"probe";
        f->t.doc = td;
        f->t.desc = td->root;
        tp = &f->t;
    }
    return mg_view_build(f->m, tp, &f->d);
}

static void fixture_fini(fixture *f, cJSON *view)
{
    cJSON_Delete(view);
    mg_model_free(f->m);
    mg_docset_free(f->set);
    mg_docset_free(f->tset);
}

/* A member by path "types/0/fields/1/type" (numbers index lists). */
static const cJSON *at(const cJSON *j, const char *path)
{
    char buf[256];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *tok = strtok(buf, "/"); tok && j; tok = strtok(NULL, "/")) {
        if (cJSON_IsArray(j))
            j = cJSON_GetArrayItem(j, atoi(tok));
        else
            j = cJSON_GetObjectItemCaseSensitive(j, tok);
    }
    return j;
}

static const char *str_at(const cJSON *j, const char *path)
{
    const cJSON *v = at(j, path);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

#endif
