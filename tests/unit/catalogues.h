/* catalogues.h - the source tree and its shipped catalogues, for the unit
 * tests that compare two ways of building views over every catalogue the
 * project ships (test_view_prune.c, test_view_lazy.c): the flagship, every
 * *.yaml and *.json of tests/catalogues, and each golden case's input that
 * needs no options. Include after "unit.h". */
#ifndef MG_UNIT_CATALOGUES_H
#define MG_UNIT_CATALOGUES_H

#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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

#endif
