/* testfs.h - helpers for unit tests that need files on disk and captured
 * diagnostics, shared by every tests/unit/test_*.c that needs them:
 *   - a scratch folder made and entered by testfs_enter, removed by testfs_leave;
 *     or, for tests that keep absolute paths, one made by testfs_mkroot and
 *     removed by testfs_rm_rf;
 *   - testfs_write: a file with its folders;
 *   - two diag sinks: `capture` (lines joined by '\n' into an mg_buf), and
 *     errs_capture (every line with its '\n' appended to the static `errs`,
 *     emptied by errs_reset), for tests that compare whole transcripts. */
#ifndef MG_TESTFS_H
#define MG_TESTFS_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "diag.h"

static char testfs_dir[64];
static char testfs_old[4096];

/* Collects diagnostics: lines joined by '\n'. */
typedef struct capture {
    mg_buf text;
    int lines;
} capture;

static void capture_sink(void *user, const char *line)
{
    capture *c = user;
    if (c->lines++)
        mg_buf_putc(&c->text, '\n');
    mg_buf_append_str(&c->text, line);
}

__attribute__((unused)) static void capture_init(capture *c, mg_diag *d)
{
    mg_buf_init(&c->text);
    c->lines = 0;
    mg_diag_init_sink(d, capture_sink, c);
}

__attribute__((unused)) static const char *capture_text(capture *c)
{
    return mg_buf_cstr(&c->text);
}

__attribute__((unused)) static void capture_fini(capture *c)
{
    mg_buf_fini(&c->text);
}

/* Every diagnostic line with its '\n', truncated at the size of the array. */
__attribute__((unused)) static char errs[4096];

__attribute__((unused)) static void errs_reset(void)
{
    errs[0] = '\0';
}

__attribute__((unused)) static void errs_capture(void *user, const char *line)
{
    (void)user;
    size_t n = strlen(errs);
    snprintf(errs + n, sizeof errs - n, "%s\n", line);
}

/* Writes `text` to `path` (relative to the current folder, or absolute), making
 * its folders. */
__attribute__((unused)) static void testfs_write(const char *path, const char *text)
{
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s", path);
    for (char *p = tmp + 1; *p; p++)
        if (*p == '/') {
            *p = '\0';
            mkdir(tmp, 0755);
            *p = '/';
        }
    FILE *f = fopen(path, "wb");
    if (!f) {
        perror(path);
        abort();
    }
    fputs(text, f);
    fclose(f);
}

/* Makes a fresh scratch folder `<tmp>/root` and enters it. */
__attribute__((unused)) static void testfs_enter(void)
{
    if (!getcwd(testfs_old, sizeof testfs_old))
        abort();
    const char *t = getenv("TMPDIR");
    snprintf(testfs_dir, sizeof testfs_dir, "%.40s/mgunit.XXXXXX", t && *t ? t : "/tmp");
    if (!mkdtemp(testfs_dir))
        abort();
    if (chdir(testfs_dir) != 0 || mkdir("root", 0755) != 0 || chdir("root") != 0)
        abort();
}

/* Makes a fresh folder `$TMPDIR/<name>-XXXXXX` (absolute) into `root`. */
__attribute__((unused)) static void testfs_mkroot(char *root, size_t size, const char *name)
{
    const char *t = getenv("TMPDIR");
    snprintf(root, size, "%s/%s-XXXXXX", t && *t ? t : "/tmp", name);
    if (!mkdtemp(root))
        abort();
}

/* Removes `path` and everything below it. */
__attribute__((unused)) static void testfs_rm_rf(const char *path)
{
    char cmd[4200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", path);
    if (system(cmd) != 0)
        abort();
}

__attribute__((unused)) static void testfs_leave(void)
{
    if (chdir(testfs_old) != 0)
        abort();
    testfs_rm_rf(testfs_dir);
}

#endif
