/* test_emit.c - writing an output folder safely, the manifest and --check. */
#include "../../generator/emit.c"
#include "testfs.h"
#include "unit.h"

#include <stdlib.h>
#include <sys/time.h>

static char root[256];

static void fresh_root(void)
{
    testfs_mkroot(root, sizeof root, "mg-emit");
}

static char *path_in(const char *rel)
{
    static char p[8][512];
    static int k;
    k = (k + 1) % 8;
    snprintf(p[k], sizeof p[k], "%s/%s", root, rel);
    return p[k];
}

static void put(const char *rel, const char *text)
{
    testfs_write(path_in(rel), text);
}

static char *get(const char *rel)
{
    mg_buf b;
    mg_buf_init(&b);
    if (mg_buf_read_file(&b, path_in(rel), 1 << 20) != 0) {
        mg_buf_fini(&b);
        return NULL;
    }
    return mg_buf_steal(&b, NULL);
}

static int exists(const char *rel)
{
    struct stat sb;
    return lstat(path_in(rel), &sb) == 0;
}

static void add(mg_emit_set *s, const char *path, const char *text)
{
    size_t n = strlen(text);
    char *d = malloc(n + 1);
    memcpy(d, text, n + 1);
    mg_emit_set_add(s, path, strlen(path), d, n, free, "t.mustache", mg_mark_at("target.yaml", 3, 9));
}

/* Runs one emit of the files given as "path", "text" pairs (NULL-terminated)
 * into <root>/out; the report goes to a temporary file read back into `report`. */
static char report[16384];
static int run(mg_emit_mode mode, int force, mg_emit_stats *st, ...)
{
    mg_emit_set s;
    mg_emit_set_init(&s);
    va_list ap;
    va_start(ap, st);
    for (const char *p; (p = va_arg(ap, const char *));)
        add(&s, p, va_arg(ap, const char *));
    va_end(ap);
    FILE *f = tmpfile();
    mg_emit_opts o = {mode, force, "t", f};
    mg_diag d;
    errs_reset();
    mg_diag_init_sink(&d, errs_capture, NULL);
    int rc = mg_emit_run(path_in("out"), &s, &o, st, &d);
    rewind(f);
    size_t n = fread(report, 1, sizeof report - 1, f);
    report[n] = '\0';
    fclose(f);
    mg_emit_set_fini(&s);
    return rc;
}

static void set_old_mtime(const char *rel)
{
    struct timeval tv[2] = {{1000000000, 0}, {1000000000, 0}};
    utimes(path_in(rel), tv);
}

static time_t mtime(const char *rel)
{
    struct stat sb;
    return stat(path_in(rel), &sb) == 0 ? sb.st_mtime : 0;
}

static void emit_should_create_files_folders_and_a_sorted_manifest(void)
{
    fresh_root();
    mg_emit_stats st;
    CHECK_INT(run(MG_EMIT_WRITE, 0, &st, "b.txt", "bee\n", "a/deep/x.h", "x\n", NULL), 0);
    CHECK_INT(st.created, 2);
    char *b = get("out/b.txt"), *x = get("out/a/deep/x.h"), *m = get("out/.msggen-manifest");
    CHECK_STR(b, "bee\n");
    CHECK_STR(x, "x\n");
    char want[512];
    snprintf(want, sizeof want,
             "# msggen-manifest 1 (msggen %s): generated files and their FNV-1a 64 hashes; do not edit\n"
             "%016llx a/deep/x.h\n%016llx b.txt\n",
             MG_VERSION, (unsigned long long)mg_emit_hash("x\n", 2),
             (unsigned long long)mg_emit_hash("bee\n", 4));
    CHECK_STR(m, want);
    CHECK(strstr(report, "t: 2 created, 0 updated, 0 deleted, 0 unchanged\n") != NULL);
    /* No temporary file is left behind. */
    char cmd[600];
    snprintf(cmd, sizeof cmd, "test -z \"$(find '%s' -name '*msggen-tmp*')\"", root);
    CHECK(system(cmd) == 0);
    free(b);
    free(x);
    free(m);
    testfs_rm_rf(root);
}

static void emit_hash_should_be_fnv1a_64(void)
{
    /* Reference values of FNV-1a 64. */
    CHECK(mg_emit_hash("", 0) == 0xcbf29ce484222325ull);
    CHECK(mg_emit_hash("a", 1) == 0xaf63dc4c8601ec8cull);
    CHECK(mg_emit_hash("foobar", 6) == 0x85944171f73967e8ull);
}

static void emit_should_leave_unchanged_files_untouched(void)
{
    fresh_root();
    mg_emit_stats st;
    run(MG_EMIT_WRITE, 0, &st, "same.txt", "1\n", "changed.txt", "old\n", NULL);
    set_old_mtime("out/same.txt");
    set_old_mtime("out/changed.txt");
    set_old_mtime("out/.msggen-manifest");
    CHECK_INT(run(MG_EMIT_WRITE, 0, &st, "same.txt", "1\n", "changed.txt", "new\n", NULL), 0);
    CHECK_INT(st.unchanged, 1);
    CHECK_INT(st.updated, 1);
    CHECK(mtime("out/same.txt") == 1000000000);
    CHECK(mtime("out/changed.txt") != 1000000000);
    char *c = get("out/changed.txt");
    CHECK_STR(c, "new\n");
    free(c);
    /* A run with nothing new touches nothing, not even the manifest. */
    set_old_mtime("out/changed.txt");
    set_old_mtime("out/.msggen-manifest");
    CHECK_INT(run(MG_EMIT_WRITE, 0, &st, "same.txt", "1\n", "changed.txt", "new\n", NULL), 0);
    CHECK_INT(st.unchanged, 2);
    CHECK(mtime("out/changed.txt") == 1000000000);
    CHECK(mtime("out/.msggen-manifest") == 1000000000);
    testfs_rm_rf(root);
}

static void emit_should_keep_the_mode_of_an_updated_file(void)
{
    fresh_root();
    run(MG_EMIT_WRITE, 0, NULL, "run.sh", "echo 1\n", NULL);
    chmod(path_in("out/run.sh"), 0755);
    run(MG_EMIT_WRITE, 0, NULL, "run.sh", "echo 2\n", NULL);
    struct stat sb;
    CHECK(stat(path_in("out/run.sh"), &sb) == 0 && (sb.st_mode & 0777) == 0755);
    testfs_rm_rf(root);
}

static void emit_should_delete_stale_files_and_their_empty_folders(void)
{
    fresh_root();
    mg_emit_stats st;
    run(MG_EMIT_WRITE, 0, &st, "keep.txt", "k\n", "gone/deeper/old.txt", "o\n", NULL);
    mkdir(path_in("out/mine"), 0777);
    put("out/mine/notes.txt", "user file\n");
    CHECK_INT(run(MG_EMIT_WRITE, 0, &st, "keep.txt", "k\n", NULL), 0);
    CHECK_INT(st.deleted, 1);
    CHECK(!exists("out/gone/deeper/old.txt"));
    CHECK(!exists("out/gone"));
    CHECK(exists("out/mine/notes.txt"));
    char *m = get("out/.msggen-manifest");
    CHECK(m && strstr(m, "old.txt") == NULL && strstr(m, " keep.txt\n") != NULL);
    free(m);
    testfs_rm_rf(root);
}

static void emit_should_keep_a_stale_file_that_was_modified(void)
{
    fresh_root();
    mg_emit_stats st;
    run(MG_EMIT_WRITE, 0, &st, "a.txt", "a\n", "old.txt", "o\n", NULL);
    put("out/old.txt", "edited by hand\n");
    CHECK_INT(run(MG_EMIT_WRITE, 0, &st, "a.txt", "a\n", NULL), 0);
    CHECK_INT(st.deleted, 0);
    CHECK_INT(st.kept, 1);
    CHECK(exists("out/old.txt"));
    CHECK(strstr(errs, "warning: no longer generated, but modified") != NULL);
    /* Forgotten: the next run does not mention it any more. */
    char *m = get("out/.msggen-manifest");
    CHECK(m && strstr(m, "old.txt") == NULL);
    free(m);
    testfs_rm_rf(root);
}

static void emit_should_refuse_to_overwrite_a_foreign_file_unless_forced(void)
{
    fresh_root();
    mkdir(path_in("out"), 0777);
    put("out/a.txt", "mine\n");
    mg_emit_stats st;
    CHECK_INT(run(MG_EMIT_WRITE, 0, &st, "a.txt", "generated\n", "b.txt", "b\n", NULL), -1);
    CHECK(strstr(errs, "target.yaml:3:9: error: '") != NULL);
    CHECK(strstr(errs, "/out/a.txt' exists and was not generated by msggen") != NULL);
    char *a = get("out/a.txt");
    CHECK_STR(a, "mine\n");
    free(a);
    CHECK(!exists("out/b.txt"));              /* nothing written at all */
    CHECK(!exists("out/.msggen-manifest"));
    CHECK_INT(run(MG_EMIT_WRITE, 1, &st, "a.txt", "generated\n", "b.txt", "b\n", NULL), 0);
    a = get("out/a.txt");
    CHECK_STR(a, "generated\n");
    free(a);
    testfs_rm_rf(root);
}

static void emit_should_adopt_a_foreign_file_with_identical_content(void)
{
    fresh_root();
    mkdir(path_in("out"), 0777);
    put("out/a.txt", "same\n");
    mg_emit_stats st;
    CHECK_INT(run(MG_EMIT_WRITE, 0, &st, "a.txt", "same\n", NULL), 0);
    CHECK_INT(st.unchanged, 1);
    char *m = get("out/.msggen-manifest");
    CHECK(m && strstr(m, " a.txt\n") != NULL);
    free(m);
    testfs_rm_rf(root);
}

static void emit_should_never_delete_a_file_absent_from_the_manifest(void)
{
    fresh_root();
    run(MG_EMIT_WRITE, 0, NULL, "a.txt", "a\n", NULL);
    put("out/user.txt", "u\n");
    mg_emit_stats st;
    CHECK_INT(run(MG_EMIT_WRITE, 0, &st, NULL), 0);
    CHECK(!exists("out/a.txt"));
    CHECK(exists("out/user.txt"));
    testfs_rm_rf(root);
}

static void emit_should_reject_paths_that_leave_the_output_folder(void)
{
    static const char *const bad[][2] = {
        {"../x", "has a '..' component"},
        {"a/../../x", "has a '..' component"},
        {"/etc/passwd", "is absolute"},
        {"", "is empty"},
        {"a//b", "has an empty component"},
        {"./a", "has a '.' component"},
        {"dir/", "ends with '/'"},
        {"a\nb", "contains a line break"},
        {".msggen-manifest", "is reserved for msggen's manifest"},
    };
    fresh_root();
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        CHECK_INT(run(MG_EMIT_WRITE, 0, NULL, bad[i][0], "x", NULL), -1);
        if (!strstr(errs, bad[i][1]) || !strstr(errs, "target.yaml:3:9: error: output path '") ||
            !strstr(errs, "(from t.mustache)"))
            unit_note("# path %zu: %s", i, errs), unit_failed_checks++;
    }
    CHECK(!exists("out"));
    /* A NUL byte inside the rendered path. */
    mg_emit_set s;
    mg_emit_set_init(&s);
    mg_emit_set_add(&s, "a\0b", 3, (char *)"x", 1, NULL, "t.mustache", mg_mark_at("target.yaml", 1, 1));
    mg_diag d;
    errs_reset();
    mg_diag_init_sink(&d, errs_capture, NULL);
    mg_emit_opts o = {MG_EMIT_WRITE, 0, "t", NULL};
    CHECK_INT(mg_emit_run(path_in("out"), &s, &o, NULL, &d), -1);
    CHECK_STR(errs, "target.yaml:1:1: error: output path 'a\\x00b' (from t.mustache) contains a NUL byte\n");
    mg_emit_set_fini(&s);
    testfs_rm_rf(root);
}

static void emit_should_reject_a_symlink_that_leads_out(void)
{
    fresh_root();
    mkdir(path_in("out"), 0777);
    mkdir(path_in("elsewhere"), 0777);
    CHECK(symlink(path_in("elsewhere"), path_in("out/link")) == 0);
    CHECK_INT(run(MG_EMIT_WRITE, 1, NULL, "link/x.txt", "x\n", NULL), -1);
    CHECK(strstr(errs, "leaves the output folder through the symbolic link") != NULL);
    CHECK(!exists("elsewhere/x.txt"));
    /* A file that is a link to outside, too (even with --force). */
    put("victim.txt", "precious\n");
    CHECK(symlink(path_in("victim.txt"), path_in("out/f.txt")) == 0);
    CHECK_INT(run(MG_EMIT_WRITE, 1, NULL, "f.txt", "x\n", NULL), -1);
    char *v = get("victim.txt");
    CHECK_STR(v, "precious\n");
    free(v);
    /* A link that stays inside is fine. */
    mkdir(path_in("out/real"), 0777);
    CHECK(symlink("real", path_in("out/alias")) == 0);
    CHECK_INT(run(MG_EMIT_WRITE, 0, NULL, "alias/y.txt", "y\n", NULL), 0);
    CHECK(exists("out/real/y.txt"));
    /* A dangling link. */
    CHECK(symlink("nowhere", path_in("out/dangling")) == 0);
    CHECK_INT(run(MG_EMIT_WRITE, 0, NULL, "dangling/z.txt", "z\n", NULL), -1);
    CHECK(strstr(errs, "a symbolic link that leads nowhere") != NULL);
    testfs_rm_rf(root);
}

static void emit_should_reject_a_manifest_entry_that_leaves_the_folder(void)
{
    fresh_root();
    mkdir(path_in("out"), 0777);
    put("victim.txt", "v\n");
    char line[128];
    snprintf(line, sizeof line, "%016llx ../victim.txt\n", (unsigned long long)mg_emit_hash("v\n", 2));
    put("out/.msggen-manifest", line);
    CHECK_INT(run(MG_EMIT_WRITE, 0, NULL, NULL), -1);
    CHECK(strstr(errs, ".msggen-manifest:1:18: error: manifest path '../victim.txt' has a '..' component") != NULL);
    CHECK(exists("victim.txt"));
    put("out/.msggen-manifest", "garbage\n");
    CHECK_INT(run(MG_EMIT_WRITE, 0, NULL, NULL), -1);
    CHECK(strstr(errs, ".msggen-manifest:1:1: error: malformed manifest line") != NULL);
    testfs_rm_rf(root);
}

static void emit_should_name_both_origins_of_a_duplicate_path(void)
{
    mg_emit_set s;
    mg_emit_set_init(&s);
    mg_emit_set_add(&s, "x.h", 3, (char *)"1", 1, NULL, "a.mustache (message 'm1')", mg_mark_at("target.yaml", 4, 11));
    mg_emit_set_add(&s, "x.h", 3, (char *)"2", 1, NULL, "a.mustache (message 'm2')", mg_mark_at("target.yaml", 4, 11));
    mg_diag d;
    errs_reset();
    mg_diag_init_sink(&d, errs_capture, NULL);
    mg_emit_opts o = {MG_EMIT_WRITE, 0, "t", NULL};
    CHECK_INT(mg_emit_run("/nonexistent-mg-out", &s, &o, NULL, &d), -1);
    CHECK_STR(errs, "target.yaml:4:11: error: duplicate output path 'x.h': produced by a.mustache (message 'm1') and by a.mustache (message 'm2')\n");
    mg_emit_set_fini(&s);
}

static void emit_dry_run_should_list_and_write_nothing(void)
{
    fresh_root();
    run(MG_EMIT_WRITE, 0, NULL, "a.txt", "a\n", "b.txt", "b\n", "c.txt", "c\n", NULL);
    set_old_mtime("out/b.txt");
    mg_emit_stats st;
    CHECK_INT(run(MG_EMIT_DRY_RUN, 0, &st, "a.txt", "a\n", "b.txt", "B\n", "d.txt", "d\n", NULL), 0);
    char want[2048];
    snprintf(want, sizeof want,
             "unchanged %s\nupdate %s\ndelete %s\ncreate %s\n"
             "t: 1 created, 1 updated, 1 deleted, 1 unchanged (dry run: nothing written)\n",
             path_in("out/a.txt"), path_in("out/b.txt"), path_in("out/c.txt"), path_in("out/d.txt"));
    CHECK_STR(report, want);
    CHECK(!exists("out/d.txt"));
    CHECK(exists("out/c.txt"));
    CHECK(mtime("out/b.txt") == 1000000000);
    testfs_rm_rf(root);
}

static void emit_check_should_report_each_kind_of_drift(void)
{
    fresh_root();
    run(MG_EMIT_WRITE, 0, NULL, "same.txt", "s\n", "edited.txt", "one\ntwo\nthree\n", "old.txt", "o\n",
        "gone.txt", "g\n", NULL);
    put("out/edited.txt", "one\nTWO\nthree\n");
    unlink(path_in("out/gone.txt"));
    put("out/foreign.txt", "not ours\n");
    mg_emit_stats st;
    int rc = run(MG_EMIT_CHECK, 0, &st, "same.txt", "s\n", "edited.txt", "one\ntwo\nthree\n", "gone.txt",
                 "g\n", "foreign.txt", "ours\n", NULL);
    CHECK_INT(rc, 1);
    CHECK_INT(st.missing, 1);
    CHECK_INT(st.different, 1);
    CHECK_INT(st.stale, 1);
    CHECK_INT(st.untracked, 1);
    char want[4096];
    snprintf(want, sizeof want,
             "different: %s\n--- %s (on disk)\n+++ %s (generated)\n@@ -1,3 +1,3 @@\n one\n-TWO\n+two\n three\n"
             "untracked: %s (exists with other content, but msggen did not generate it)\n"
             "missing: %s\n"
             "stale: %s (generated earlier, no longer produced; 'msggen generate' deletes it)\n"
             "t: out of sync: 1 missing, 1 different, 1 stale, 1 untracked (4 files)\n",
             path_in("out/edited.txt"), path_in("out/edited.txt"), path_in("out/edited.txt"),
             path_in("out/foreign.txt"), path_in("out/gone.txt"), path_in("out/old.txt"));
    CHECK_STR(report, want);
    /* Check wrote nothing. */
    char *e = get("out/edited.txt");
    CHECK_STR(e, "one\nTWO\nthree\n");
    free(e);
    CHECK(!exists("out/gone.txt"));
    testfs_rm_rf(root);
}

static void emit_check_should_pass_when_in_sync(void)
{
    fresh_root();
    run(MG_EMIT_WRITE, 0, NULL, "a.txt", "a\n", "d/b.txt", "b\n", NULL);
    mg_emit_stats st;
    CHECK_INT(run(MG_EMIT_CHECK, 0, &st, "a.txt", "a\n", "d/b.txt", "b\n", NULL), 0);
    CHECK_STR(report, "t: in sync (2 files)\n");
    /* A missing output folder is all missing, not an error. */
    testfs_rm_rf(path_in("out"));
    CHECK_INT(run(MG_EMIT_CHECK, 0, &st, "a.txt", "a\n", NULL), 1);
    CHECK_INT(st.missing, 1);
    CHECK(!exists("out"));
    testfs_rm_rf(root);
}

int main(void)
{
    RUN(emit_hash_should_be_fnv1a_64);
    RUN(emit_should_create_files_folders_and_a_sorted_manifest);
    RUN(emit_should_leave_unchanged_files_untouched);
    RUN(emit_should_keep_the_mode_of_an_updated_file);
    RUN(emit_should_delete_stale_files_and_their_empty_folders);
    RUN(emit_should_keep_a_stale_file_that_was_modified);
    RUN(emit_should_refuse_to_overwrite_a_foreign_file_unless_forced);
    RUN(emit_should_adopt_a_foreign_file_with_identical_content);
    RUN(emit_should_never_delete_a_file_absent_from_the_manifest);
    RUN(emit_should_reject_paths_that_leave_the_output_folder);
    RUN(emit_should_reject_a_symlink_that_leads_out);
    RUN(emit_should_reject_a_manifest_entry_that_leaves_the_folder);
    RUN(emit_should_name_both_origins_of_a_duplicate_path);
    RUN(emit_dry_run_should_list_and_write_nothing);
    RUN(emit_check_should_report_each_kind_of_drift);
    RUN(emit_check_should_pass_when_in_sync);
    return unit_done();
}
