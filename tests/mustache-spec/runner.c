/* runner.c - runs the official mustache spec tests (../shared/conformance/
 * mustache-spec, every .json file) through the engine, and writes them out as files so
 * that tests/mustache-spec/run.sh can replay each one through `msggen render`.
 *
 *   mustache_spec DIR            render every test in-process; one ok/not ok line each
 *   mustache_spec DIR OUTDIR     also write OUTDIR/NNN/{name,template.mustache,data.json,
 *                            expected,partials/<name>.mustache}
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "buf.h"
#include "config.h"
#include "diag.h"
#include "mustache.h"

static mg_buf diag_text;

static void capture(void *user, const char *line)
{
    (void)user;
    mg_buf_append_str(&diag_text, line);
    mg_buf_putc(&diag_text, ' ');
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int write_file(const char *path, const char *data, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    int ok = fwrite(data, 1, n, f) == n;
    return (fclose(f) == 0 && ok) ? 0 : -1;
}

/* Prints s on one line with control characters escaped, for failure details. */
static void show(const char *label, const char *s)
{
    printf("#   %s \"", label);
    for (; *s; s++) {
        if (*s == '\n')
            fputs("\\n", stdout);
        else if (*s == '\r')
            fputs("\\r", stdout);
        else if (*s == '\t')
            fputs("\\t", stdout);
        else
            putchar(*s);
    }
    puts("\"");
}

static int emit_case(const char *outdir, int n, const char *title, const cJSON *test)
{
    char dir[4096], path[4200];
    snprintf(dir, sizeof dir, "%s/%03d", outdir, n);
    if (mkdir(dir, 0777) < 0 && errno != EEXIST)
        return -1;
    snprintf(path, sizeof path, "%s/partials", dir);
    if (mkdir(path, 0777) < 0 && errno != EEXIST)
        return -1;
    const cJSON *tpl = cJSON_GetObjectItemCaseSensitive(test, "template");
    const cJSON *exp = cJSON_GetObjectItemCaseSensitive(test, "expected");
    const cJSON *data = cJSON_GetObjectItemCaseSensitive(test, "data");
    const cJSON *parts = cJSON_GetObjectItemCaseSensitive(test, "partials");
    char *json = cJSON_PrintUnformatted(data);
    int rc = 0;
    snprintf(path, sizeof path, "%s/name", dir);
    rc |= write_file(path, title, strlen(title));
    snprintf(path, sizeof path, "%s/template.mustache", dir);
    rc |= write_file(path, tpl->valuestring, strlen(tpl->valuestring));
    snprintf(path, sizeof path, "%s/expected", dir);
    rc |= write_file(path, exp->valuestring, strlen(exp->valuestring));
    snprintf(path, sizeof path, "%s/data.json", dir);
    rc |= write_file(path, json, strlen(json));
    free(json);
    for (const cJSON *p = parts ? parts->child : NULL; p; p = p->next) {
        snprintf(path, sizeof path, "%s/partials/%s.mustache", dir, p->string);
        rc |= write_file(path, p->valuestring, strlen(p->valuestring));
    }
    return rc;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fputs("usage: mustache_spec SPEC_DIR [OUTDIR]\n", stderr);
        return 2;
    }
    const char *dir = argv[1], *outdir = argc > 2 ? argv[2] : NULL;
    DIR *dh = opendir(dir);
    if (!dh) {
        fprintf(stderr, "mustache_spec: cannot open %s: %s\n", dir, strerror(errno));
        return 2;
    }
    char *names[64];
    int nfiles = 0;
    struct dirent *de;
    while ((de = readdir(dh)) != NULL && nfiles < 64) {
        size_t l = strlen(de->d_name);
        if (l > 5 && strcmp(de->d_name + l - 5, ".json") == 0 && strstr(de->d_name, "lambdas") == NULL)
            names[nfiles++] = strdup(de->d_name);
    }
    closedir(dh);
    qsort(names, (size_t)nfiles, sizeof names[0], cmp_names);
    mg_buf_init(&diag_text);
    int ncase = 0;
    for (int i = 0; i < nfiles; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        mg_buf text;
        mg_buf_init(&text);
        if (mg_buf_read_file(&text, path, MG_MAX_INPUT_BYTES) < 0) {
            printf("not ok mustache-spec/%s: cannot read: %s\n", names[i], strerror(errno));
            continue;
        }
        cJSON *root = cJSON_Parse(mg_buf_cstr(&text));
        mg_buf_fini(&text);
        const cJSON *tests = cJSON_GetObjectItemCaseSensitive(root, "tests");
        if (!cJSON_IsArray(tests)) {
            printf("not ok mustache-spec/%s: no \"tests\" array\n", names[i]);
            cJSON_Delete(root);
            continue;
        }
        char base[256];
        snprintf(base, sizeof base, "%.*s", (int)(strlen(names[i]) - 5), names[i]);
        for (const cJSON *t = tests->child; t; t = t->next) {
            const cJSON *name = cJSON_GetObjectItemCaseSensitive(t, "name");
            const cJSON *tpl = cJSON_GetObjectItemCaseSensitive(t, "template");
            const cJSON *exp = cJSON_GetObjectItemCaseSensitive(t, "expected");
            const cJSON *data = cJSON_GetObjectItemCaseSensitive(t, "data");
            const cJSON *parts = cJSON_GetObjectItemCaseSensitive(t, "partials");
            char title[512];
            snprintf(title, sizeof title, "mustache-spec/%s: %s", base,
                     cJSON_IsString(name) ? name->valuestring : "?");
            if (!cJSON_IsString(tpl) || !cJSON_IsString(exp)) {
                printf("not ok %s: malformed test\n", title);
                continue;
            }
            ncase++;
            if (outdir && emit_case(outdir, ncase, title, t) < 0)
                printf("not ok %s: cannot write the test files under %s\n", title, outdir);
            mg_diag d;
            mg_diag_init_sink(&d, capture, NULL);
            mg_buf_reset(&diag_text);
            mg_tpl_set *set = mg_tpl_set_new(NULL, NULL);
            int rc = 0;
            for (const cJSON *p = parts ? parts->child : NULL; p && rc == 0; p = p->next)
                rc = mg_tpl_set_add(set, p->string, NULL, p->valuestring, strlen(p->valuestring), &d);
            mg_tpl *tp = rc == 0 ? mg_tpl_parse("template", tpl->valuestring, strlen(tpl->valuestring), &d) : NULL;
            mg_buf out;
            mg_buf_init(&out);
            if (tp)
                rc = mg_tpl_render(tp, data, set, MG_ESCAPE_HTML, &out, &d);
            if (!tp || rc < 0) {
                printf("not ok %s: %s\n", title, mg_buf_cstr(&diag_text));
            } else if (strcmp(mg_buf_cstr(&out), exp->valuestring) != 0) {
                printf("not ok %s: output differs\n", title);
                show("template:", tpl->valuestring);
                show("expected:", exp->valuestring);
                show("got:     ", mg_buf_cstr(&out));
            } else {
                printf("ok %s\n", title);
            }
            mg_buf_fini(&out);
            mg_tpl_free(tp);
            mg_tpl_set_free(set);
        }
        cJSON_Delete(root);
    }
    for (int i = 0; i < nfiles; i++)
        free(names[i]);
    mg_buf_fini(&diag_text);
    return 0;
}
