/* catalogues.h - the source tree and its shipped catalogues, for the unit
 * tests that compare two ways of building views over every catalogue the
 * project ships (test_view_prune.c, test_view_lazy.c): the flagship, every
 * *.yaml and *.json of tests/catalogues, and each golden case's input that
 * needs no options; and each shipped target of one. Include after
 * "unit.h". */
#ifndef MG_UNIT_CATALOGUES_H
#define MG_UNIT_CATALOGUES_H

#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "diag.h"
#include "hmap.h"
#include "load.h"
#include "model.h"
#include "target.h"

static char unit_top[PATH_MAX];

/* Sets unit_top to the source tree: the nearest folder above this binary with
 * templates/c/target.yaml (build/tests/ and build-asan/tests/ both work). */
static int unit_find_top(void)
{
    ssize_t n = readlink("/proc/self/exe", unit_top, sizeof unit_top - 1);
    if (n <= 0)
        return -1;
    unit_top[n] = '\0';
    for (char *slash; (slash = strrchr(unit_top, '/')) != NULL && slash != unit_top;) {
        *slash = '\0';
        char probe[PATH_MAX + 32];
        struct stat st;
        snprintf(probe, sizeof probe, "%s/templates/c/target.yaml", unit_top);
        if (stat(probe, &st) == 0)
            return 0;
    }
    return -1;
}

static int unit_strcmp_p(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Calls fn for DIR/NAME/SUB, for every folder NAME of DIR without an options
 * file (a golden case with one needs them: --ref-map ...), when `sub` is set,
 * else for every *.yaml and *.json file of DIR; in name order. */
static void unit_each_in(const char *dir, const char *sub, void (*fn)(const char *path))
{
    DIR *dp = opendir(dir);
    CHECK(dp != NULL);
    if (!dp)
        return;
    char **names = NULL;
    size_t n = 0;
    for (struct dirent *e; (e = readdir(dp)) != NULL;) {
        if (e->d_name[0] == '.')
            continue;
        names = realloc(names, (n + 1) * sizeof *names);
        names[n++] = strdup(e->d_name);
    }
    closedir(dp);
    qsort(names, n, sizeof *names, unit_strcmp_p);
    for (size_t i = 0; i < n; i++) {
        char path[PATH_MAX * 2], options[PATH_MAX * 2];
        const char *dot = strrchr(names[i], '.');
        struct stat st;
        if (sub)
            snprintf(path, sizeof path, "%s/%s/%s", dir, names[i], sub);
        else if (dot && (!strcmp(dot, ".yaml") || !strcmp(dot, ".json")))
            snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        else
            path[0] = '\0';
        snprintf(options, sizeof options, "%s/%s/options", dir, names[i]);
        if (sub && stat(options, &st) == 0)
            path[0] = '\0';
        if (path[0] && stat(path, &st) == 0 && S_ISREG(st.st_mode))
            fn(path);
        free(names[i]);
    }
    free(names);
}

/* Calls fn for every shipped catalogue (unit_find_top first). */
static void unit_each_catalogue(void (*fn)(const char *path))
{
    char path[PATH_MAX * 2];
    snprintf(path, sizeof path, "%s/schemas/worker-backend/asyncapi.yaml", unit_top);
    fn(path);
    snprintf(path, sizeof path, "%s/tests/catalogues", unit_top);
    unit_each_in(path, NULL, fn);
    snprintf(path, sizeof path, "%s/tests/golden", unit_top);
    unit_each_in(path, "input/catalogue.yaml", fn);
}

/* What unit_each_target_of calls for one target of a loaded catalogue:
 * `keep` is the names its templates read (mg_target_names). */
typedef void unit_target_fn(const char *catalogue, const mg_model *m, const mg_target *t, const char *target,
                            const mg_hmap *keep, mg_diag *d);

/* Loads `catalogue` and calls fn for each shipped target (c, python,
 * typescript, markdown); a catalogue, target or name set that does not load
 * fails a check. */
__attribute__((unused)) static void unit_each_target_of(const char *catalogue, unit_target_fn *fn)
{
    mg_diag d;
    mg_diag_init(&d);
    mg_docset *set = NULL;
    mg_model *m = mg_model_load(catalogue, NULL, 0, &set, &d);
    if (!m) {
        unit_note("# %s: the catalogue did not load\n", catalogue);
        CHECK(m != NULL);
        if (set)
            mg_docset_free(set);
        return;
    }
    static const char *const targets[] = {"c", "python", "typescript", "markdown"};
    for (size_t i = 0; i < sizeof targets / sizeof targets[0]; i++) {
        mg_target *t = mg_target_load(targets[i], &d);
        CHECK(t != NULL);
        const mg_hmap *keep = t ? mg_target_names(t) : NULL;
        CHECK(keep != NULL);
        if (keep)
            fn(catalogue, m, t, targets[i], keep, &d);
        mg_target_free(t);
    }
    mg_model_free(m);
    mg_docset_free(set);
}

#endif
