/* test_load_corpus.c - runs the loader and resolver over every error-corpus
 * case whose command is `msggen validate -i FILE` and compares the diagnostics
 * with the case's expected stderr, so the corpus pins load/resolve messages
 * before (and independently of) the CLI that prints them.
 *
 * A case's cmd may run shell setup lines (e.g. `truncate -s ... big.yaml`)
 * before its last line; they run in a scratch copy of the case folder, as
 * tests/errors/run.sh does. Cases with any other command are not ours. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "resolve.h"
#include "testfs.h"

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Reads a whole small file into `b` (reset first); returns 0 or -1. */
static int slurp(mg_buf *b, const char *path)
{
    mg_buf_reset(b);
    return mg_buf_read_file(b, path, 1 << 20);
}

/* Splits cmd into setup lines and the file of a final `msggen validate -i FILE`.
 * Returns 0 when the case is ours. */
static int parse_cmd(char *cmd, mg_buf *setup, char *file, size_t filecap)
{
    char *last = NULL;
    mg_buf_reset(setup);
    for (char *line = strtok(cmd, "\n"); line; line = strtok(NULL, "\n")) {
        if (!*line)
            continue;
        if (last) {
            mg_buf_append_str(setup, last);
            mg_buf_putc(setup, '\n');
        }
        last = line;
    }
    const char *prefix = "msggen validate -i ";
    if (!last || strncmp(last, prefix, strlen(prefix)) != 0)
        return -1;
    const char *f = last + strlen(prefix);
    if (!*f || strpbrk(f, " \t'\"$;&|") || strlen(f) >= filecap)
        return -1;
    snprintf(file, filecap, "%s", f);
    return 0;
}

static int run_case(const char *errors_dir, const char *name, const char *scratch)
{
    mg_buf path, cmd, setup, want, sh;
    mg_buf_init(&path);
    mg_buf_init(&sh);
    mg_buf_init(&cmd);
    mg_buf_init(&setup);
    mg_buf_init(&want);
    int ran = 0;
    mg_buf_appendf(&path, "%s/%s/cmd", errors_dir, name);
    char file[512];
    if (slurp(&cmd, mg_buf_cstr(&path)) < 0 || parse_cmd(cmd.data, &setup, file, sizeof file) < 0)
        goto out;
    ran = 1;
    char test[600];
    snprintf(test, sizeof test, "errors/%s_via_loader", name);
    mg_buf_reset(&path);
    mg_buf_appendf(&path, "%s/%s/stderr", errors_dir, name);
    if (slurp(&want, mg_buf_cstr(&path)) < 0) {
        printf("not ok %s: no stderr file\n", test);
        goto out;
    }
    int want_rc = 1;
    mg_buf_reset(&path);
    mg_buf_appendf(&path, "%s/%s/rc", errors_dir, name);
    FILE *rcf = fopen(mg_buf_cstr(&path), "r");
    if (rcf) {
        if (fscanf(rcf, "%d", &want_rc) != 1)
            want_rc = -1;
        fclose(rcf);
    }
    mg_buf work;
    mg_buf_init(&work);
    mg_buf_appendf(&work, "%s/%s", scratch, name);
    const char *w = mg_buf_cstr(&work);
    mg_buf_appendf(&sh, "mkdir -p '%s' && cp -R '%s/%s/.' '%s/' && cd '%s' && { %s true; }", w,
                   errors_dir, name, w, w, mg_buf_cstr(&setup));
    int setup_rc = system(mg_buf_cstr(&sh));
    int entered = setup_rc == 0 && chdir(w) == 0;
    mg_buf_fini(&work);
    if (setup_rc != 0) {
        printf("not ok %s: setup failed\n", test);
        goto out;
    }
    if (!entered) {
        printf("not ok %s: cannot enter its scratch folder\n", test);
        goto out;
    }
    capture cap;
    mg_diag d;
    capture_init(&cap, &d);
    mg_docset *set = mg_docset_new(NULL);
    const mg_doc *doc = mg_docset_load(set, file, mg_mark_at(NULL, 0, 0), &d);
    if (doc)
        mg_resolve_all(set, doc, &d);
    mg_docset_free(set);
    if (chdir(testfs_old) != 0)
        abort();
    if (cap.lines)
        mg_buf_putc(&cap.text, '\n');
    int got_rc = d.errors ? 1 : 0;
    if (got_rc != want_rc)
        printf("not ok %s: %d error(s), want exit %d\n# %s\n", test, d.errors, want_rc,
               capture_text(&cap));
    else if (strcmp(capture_text(&cap), mg_buf_cstr(&want)) != 0)
        printf("not ok %s: diagnostics differ\n#   got:  %s#   want: %s", test, capture_text(&cap),
               mg_buf_cstr(&want));
    else
        printf("ok %s\n", test);
    capture_fini(&cap);
out:
    mg_buf_fini(&path);
    mg_buf_fini(&sh);
    mg_buf_fini(&cmd);
    mg_buf_fini(&setup);
    mg_buf_fini(&want);
    return ran;
}

int main(void)
{
    const char *top = getenv("TOP");
    char errors_dir[4096];
    snprintf(errors_dir, sizeof errors_dir, "%s/tests/errors", top && *top ? top : ".");
    DIR *dir = opendir(errors_dir);
    if (!dir) {
        printf("skip errors_via_loader: no %s\n", errors_dir);
        return 0;
    }
    char **names = NULL;
    size_t n = 0;
    for (struct dirent *e; (e = readdir(dir));) {
        if (e->d_name[0] == '.')
            continue;
        names = realloc(names, (n + 1) * sizeof *names);
        names[n++] = strdup(e->d_name);
    }
    closedir(dir);
    qsort(names, n, sizeof *names, cmp_names);
    testfs_enter();
    char scratch[4096];
    if (!getcwd(scratch, sizeof scratch))
        abort();
    /* testfs_enter moved us; case paths must not depend on it. */
    if (chdir(testfs_old) != 0)
        abort();
    int ran = 0;
    for (size_t i = 0; i < n; i++) {
        ran += run_case(errors_dir, names[i], scratch);
        free(names[i]);
    }
    free(names);
    testfs_leave();
    if (!ran)
        printf("not ok errors_via_loader: no `msggen validate -i FILE` case found in %s\n", errors_dir);
    fflush(stdout);
    return 0;
}
