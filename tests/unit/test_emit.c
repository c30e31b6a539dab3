/* test_emit.c - writing an output folder safely, the manifest and --check. */
#include "../../generator/emit.c"
#include "testfs.h"
#include "unit.h"

#include <stdlib.h>
#include <sys/time.h>

#ifndef EMIT_TEST_SPILL
#define EMIT_TEST_SPILL 0 /* test_emit_spill.c: every run() through a spill file */
#endif
#ifndef EMIT_TEST_STREAM
#define EMIT_TEST_STREAM 0 /* test_emit_chunked.c: every file streamed into the spill */
#endif

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
    if (EMIT_TEST_STREAM && s->spill) { /* as render_one does, a byte at a time */
        mg_buf b;
        mg_buf_init(&b);
        mg_emit_stream st;
        mg_emit_stream_begin(&st, s->spill, &b);
        for (size_t i = 0; i < n; i++)
            mg_buf_putc(&b, text[i]);
        mg_emit_set_add_stream(s, path, strlen(path), &st, &b, "t.mustache", mg_mark_at("target.yaml", 3, 9), NULL);
        mg_buf_fini(&b);
        return;
    }
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
    mg_emit_spill *sp = EMIT_TEST_SPILL ? mg_emit_spill_new() : NULL;
    CHECK(!EMIT_TEST_SPILL || sp);
    s.spill = sp;
    va_list ap;
    va_start(ap, st);
    for (const char *p; (p = va_arg(ap, const char *));)
        add(&s, p, va_arg(ap, const char *));
    va_end(ap);
    for (size_t i = 0; EMIT_TEST_SPILL && i < s.n; i++)
        CHECK(s.files[i].spill == sp && !s.files[i].data);
    FILE *f = tmpfile();
    mg_emit_opts o = {mode, force, "t", f, 0};
    mg_diag d;
    errs_reset();
    mg_diag_init_sink(&d, errs_capture, NULL);
    int rc = mg_emit_run(path_in("out"), &s, &o, st, &d);
    rewind(f);
    size_t n = fread(report, 1, sizeof report - 1, f);
    report[n] = '\0';
    fclose(f);
    mg_emit_set_fini(&s);
    mg_emit_spill_free(sp);
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
             "# msggen-manifest 2 (msggen %s): generated files and their XXH64 hashes; do not edit\n"
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

static void emit_hash_should_be_xxh64(void)
{
    /* Reference values of XXH64, seed 0 (checked against libxxhash 0.8.1):
     * every path of the function, from the byte tail to the 32-byte lanes. */
    CHECK(mg_emit_hash("", 0) == 0xef46db3751d8e999ull);
    CHECK(mg_emit_hash("a", 1) == 0xd24ec4f1a98c6e5bull);
    CHECK(mg_emit_hash("abc", 3) == 0x44bc2cf5ad770999ull);
    CHECK(mg_emit_hash("foobar", 6) == mg_hash_xxh64("foobar", 6));
    CHECK(mg_hash_xxh64("abcdefghijklmnopqrstuvwxyz012345", 32) == 0xbf2cd639b4143b80ull);
    CHECK(mg_hash_xxh64("The quick brown fox jumps over the lazy dog", 43) == 0x0b242d361fda71bcull);
    /* Format 1 manifests' hash: reference values of FNV-1a 64. */
    CHECK(mg_hash_fnv1a64("", 0) == 0xcbf29ce484222325ull);
    CHECK(mg_hash_fnv1a64("a", 1) == 0xaf63dc4c8601ec8cull);
    CHECK(mg_hash_fnv1a64("foobar", 6) == 0x85944171f73967e8ull);
}

/* A manifest of format 1 (FNV-1a hashes, msggen before format 2): its stale
 * files are still recognised as ours and deleted, check calls it outdated and
 * says why, and generate rewrites it in the current format. */
static void emit_should_read_a_format_1_manifest(void)
{
    fresh_root();
    mkdir(path_in("out"), 0777);
    put("out/a.txt", "a\n");
    put("out/old.txt", "o\n");
    put("out/edited.txt", "changed\n");
    char m1[512];
    snprintf(m1, sizeof m1,
             "# msggen-manifest 1 (msggen 0.1.0): generated files and their FNV-1a 64 hashes; do not edit\n"
             "%016llx a.txt\n%016llx edited.txt\n%016llx old.txt\n",
             (unsigned long long)mg_hash_fnv1a64("a\n", 2), (unsigned long long)mg_hash_fnv1a64("e\n", 2),
             (unsigned long long)mg_hash_fnv1a64("o\n", 2));
    put("out/.msggen-manifest", m1);
    mg_emit_stats st;
    /* Files match; only the manifest's format is old. */
    CHECK_INT(run(MG_EMIT_CHECK, 0, &st, "a.txt", "a\n", "edited.txt", "changed\n", "old.txt", "o\n", NULL), 1);
    CHECK(strstr(report, "/out/.msggen-manifest (format 1, written by an older msggen; "
                         "run 'msggen generate' to rewrite it)\n") != NULL);
    CHECK(strstr(report, "t: out of sync: 0 missing, 0 different, 0 stale, 0 untracked (3 files)\n") != NULL);
    /* old.txt has the recorded FNV-1a hash: deleted; edited.txt does not: kept. */
    CHECK_INT(run(MG_EMIT_WRITE, 0, &st, "a.txt", "a\n", NULL), 0);
    CHECK_INT(st.unchanged, 1);
    CHECK_INT(st.deleted, 1);
    CHECK_INT(st.kept, 1);
    CHECK(!exists("out/old.txt"));
    CHECK(exists("out/edited.txt"));
    char *m = get("out/.msggen-manifest");
    CHECK(m && !strncmp(m, "# msggen-manifest 2 ", 20));
    char want[64];
    snprintf(want, sizeof want, "%016llx a.txt\n", (unsigned long long)mg_hash_xxh64("a\n", 2));
    CHECK(m && strstr(m, want) != NULL);
    free(m);
    CHECK_INT(run(MG_EMIT_CHECK, 0, &st, "a.txt", "a\n", NULL), 0);
    testfs_rm_rf(root);
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
    mg_emit_opts o = {MG_EMIT_WRITE, 0, "t", NULL, 0};
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
    char want[1024];
    snprintf(want, sizeof want,
             "target.yaml:3:9: error: output path 'link/x.txt' (from t.mustache) goes through '%s', a symbolic "
             "link; msggen does not follow symbolic links inside the output folder (make it a real folder)\n",
             path_in("out/link"));
    CHECK_STR(errs, want);
    CHECK(!exists("elsewhere/x.txt"));
    /* Deeper: a real folder, then the link. Check mode says so too. */
    mkdir(path_in("out/a"), 0777);
    CHECK(symlink(path_in("elsewhere"), path_in("out/a/b")) == 0);
    CHECK_INT(run(MG_EMIT_CHECK, 0, NULL, "a/b/c/x.txt", "x\n", NULL), -1);
    CHECK(strstr(errs, "/out/a/b', a symbolic link;") != NULL);
    CHECK_INT(run(MG_EMIT_WRITE, 1, NULL, "a/b/c/x.txt", "x\n", NULL), -1);
    CHECK(!exists("elsewhere/c"));
    /* A dangling link is a link like any other. */
    CHECK(symlink("nowhere", path_in("out/dangling")) == 0);
    CHECK_INT(run(MG_EMIT_WRITE, 0, NULL, "dangling/z.txt", "z\n", NULL), -1);
    CHECK(strstr(errs, "/out/dangling', a symbolic link;") != NULL);
    CHECK(!exists("out/nowhere"));
    testfs_rm_rf(root);
}

static void emit_should_not_follow_a_symlink_that_stays_inside(void)
{
    /* Even a link to a folder inside the output folder is refused: whether a
     * link stays inside can change between a check and a write. */
    fresh_root();
    mkdir(path_in("out"), 0777);
    mkdir(path_in("out/real"), 0777);
    CHECK(symlink("real", path_in("out/alias")) == 0);
    CHECK_INT(run(MG_EMIT_WRITE, 0, NULL, "alias/y.txt", "y\n", NULL), -1);
    CHECK(strstr(errs, "goes through '") != NULL && strstr(errs, "/out/alias', a symbolic link;") != NULL);
    CHECK(!exists("out/real/y.txt"));
    testfs_rm_rf(root);
}

static void emit_should_not_follow_a_symlinked_file(void)
{
    fresh_root();
    mkdir(path_in("out"), 0777);
    put("victim.txt", "precious\n");
    CHECK(symlink(path_in("victim.txt"), path_in("out/f.txt")) == 0);
    /* Not even with --force, and not even when it was ours. */
    CHECK_INT(run(MG_EMIT_WRITE, 1, NULL, "f.txt", "x\n", NULL), -1);
    char want[1024];
    snprintf(want, sizeof want,
             "target.yaml:3:9: error: output path 'f.txt' (from t.mustache) names '%s', a symbolic link; msggen "
             "does not follow symbolic links inside the output folder (delete the link)\n",
             path_in("out/f.txt"));
    CHECK_STR(errs, want);
    char *v = get("victim.txt");
    CHECK_STR(v, "precious\n");
    free(v);
    struct stat sb;
    CHECK(lstat(path_in("out/f.txt"), &sb) == 0 && S_ISLNK(sb.st_mode));
    /* A stale file of the manifest that became a link is not read or deleted. */
    unlink(path_in("out/f.txt"));
    CHECK_INT(run(MG_EMIT_WRITE, 0, NULL, "g.txt", "g\n", NULL), 0);
    unlink(path_in("out/g.txt"));
    CHECK(symlink(path_in("victim.txt"), path_in("out/g.txt")) == 0);
    CHECK_INT(run(MG_EMIT_WRITE, 0, NULL, NULL), -1);
    CHECK(strstr(errs, "output path 'g.txt' (from the manifest) names '") != NULL);
    CHECK(exists("victim.txt") && exists("out/g.txt"));
    /* The manifest itself, as a link, is not read. */
    testfs_rm_rf(path_in("out"));
    mkdir(path_in("out"), 0777);
    CHECK(symlink(path_in("victim.txt"), path_in("out/.msggen-manifest")) == 0);
    CHECK_INT(run(MG_EMIT_WRITE, 1, NULL, "a.txt", "a\n", NULL), -1);
    CHECK(strstr(errs, ".msggen-manifest: error: cannot read the manifest: it is a symbolic link") != NULL);
    CHECK(!exists("out/a.txt"));
    testfs_rm_rf(root);
}

static void emit_should_follow_a_symlinked_output_folder(void)
{
    /* The output folder itself is the user's choice: a link there is fine. */
    fresh_root();
    mkdir(path_in("real-out"), 0777);
    CHECK(symlink("real-out", path_in("out")) == 0);
    CHECK_INT(run(MG_EMIT_WRITE, 0, NULL, "d/x.txt", "x\n", NULL), 0);
    CHECK(exists("real-out/d/x.txt") && exists("real-out/.msggen-manifest"));
    CHECK_INT(run(MG_EMIT_CHECK, 0, NULL, "d/x.txt", "x\n", NULL), 0);
    testfs_rm_rf(root);
}

/* The handles checked are the handles written through: a folder swapped for
 * a link after the plan looked at it is not followed by the writes. */
static void emit_should_write_through_the_handle_it_checked(void)
{
    fresh_root();
    mkdir(path_in("out"), 0777);
    mkdir(path_in("out/sub"), 0777);
    mkdir(path_in("elsewhere"), 0777);
    mg_diag d;
    errs_reset();
    mg_diag_init_sink(&d, errs_capture, NULL);
    job j; /* one output folder's emit: its handles, in j.dc */
    memset(&j, 0, sizeof j);
    dir_cache *c = &j.dc;
    dir_cache_init(c, path_in("out"));
    c->root = open(path_in("out"), O_RDONLY | O_DIRECTORY);
    dir_result r = dir_open(c, "sub", 3, 0);
    CHECK_INT(r.st, DIR_OK);
    /* Now someone swaps out/sub for a link to elsewhere. */
    CHECK(rename(path_in("out/sub"), path_in("out/moved")) == 0);
    CHECK(symlink(path_in("elsewhere"), path_in("out/sub")) == 0);
    r = dir_open(c, "sub", 3, 1);
    CHECK_INT(r.st, DIR_OK);
    batch b;
    b.n = 0;
    CHECK_INT(stage_file(&b, &j, r.fd, "x.txt", "sub/x.txt", "out/sub/x.txt", NULL, "x\n", 2, 0644, NULL, &d), 0);
    sync_batch(&b);
    commit_batch(&b, &d);
    CHECK(!j.failed);
    CHECK(exists("out/moved/x.txt"));
    CHECK(!exists("elsewhere/x.txt"));
    /* A fresh walk sees the link and refuses it. */
    dir_cache_forget(c, "sub");
    r = dir_open(c, "sub/deeper", 10, 1);
    CHECK_INT(r.st, DIR_IS_LINK);
    CHECK_INT(r.bad_len, 3);
    CHECK(!exists("elsewhere/deeper"));
    dir_cache_fini(c);
    CHECK_STR(errs, "");
    testfs_rm_rf(root);
}

static void emit_should_check_name_max_and_path_max_before_writing(void)
{
    fresh_root();
    char name[NAME_MAX + 2];
    memset(name, 'n', sizeof name - 1);
    name[NAME_MAX + 1] = '\0';
    /* NAME_MAX + 1 bytes: refused, and nothing is written, not even the good file. */
    CHECK_INT(run(MG_EMIT_WRITE, 0, NULL, "ok.txt", "o\n", name, "x\n", NULL), -1);
    char want[1024];
    snprintf(want, sizeof want,
             "target.yaml:3:9: error: output path '%.60s...' (from t.mustache) is a name of %d bytes; "
             "file systems allow at most %d (NAME_MAX): shorten it\n",
             name, NAME_MAX + 1, NAME_MAX);
    CHECK_STR(errs, want);
    CHECK(!exists("out"));
    /* Exactly NAME_MAX bytes is fine, although its temporary file's name had to be cut. */
    name[NAME_MAX] = '\0';
    CHECK_INT(run(MG_EMIT_WRITE, 0, NULL, name, "x\n", NULL), 0);
    CHECK_STR(errs, "");
    char rel[NAME_MAX + 8];
    snprintf(rel, sizeof rel, "out/%s", name);
    CHECK(exists(rel));
    /* The whole path: components that fit, a total that does not. */
    mg_buf p;
    mg_buf_init(&p);
    while (p.len + strlen(path_in("out")) + 1 < PATH_MAX)
        mg_buf_append_str(&p, "folder-name-of-forty-bytes-for-the-test/");
    mg_buf_append_str(&p, "x.txt");
    CHECK_INT(run(MG_EMIT_WRITE, 0, NULL, "a-new-file.txt", "a\n", mg_buf_cstr(&p), "x\n", NULL), -1);
    CHECK(strstr(errs, "target.yaml:3:9: error: output path 'folder-name-of-forty-bytes-for-the-test/folder-name-of-forty...' "
                       "(from t.mustache) is ") != NULL);
    CHECK(strstr(errs, "may have at most 4095 (PATH_MAX - 1): shorten it\n") != NULL);
    CHECK(!exists("out/a-new-file.txt"));
    mg_buf_fini(&p);
    testfs_rm_rf(root);
}

static void emit_check_paths_should_cut_long_origins(void)
{
    mg_emit_set s;
    mg_emit_set_init(&s);
    mg_buf origin, path;
    mg_buf_init(&origin);
    mg_buf_init(&path);
    mg_buf_append_str(&origin, "m.mustache for message '");
    mg_buf_append_str(&path, "msgs/");
    for (int i = 0; i < 5000; i++) {
        mg_buf_putc(&origin, 'a');
        mg_buf_putc(&path, 'a');
    }
    mg_buf_append_str(&origin, "'");
    mg_buf_append_str(&path, ".h");
    mg_emit_set_add(&s, path.data, path.len, (char *)"x", 1, NULL, mg_buf_cstr(&origin), mg_mark_at("target.yaml", 7, 11));
    mg_diag d;
    errs_reset();
    mg_diag_init_sink(&d, errs_capture, NULL);
    CHECK_INT(mg_emit_check_paths("out/c", &s, &d), -1);
    CHECK_STR(errs, "target.yaml:7:11: error: output path 'msgs/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...' "
                    "(from m.mustache for message 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...) has a name of 5002 bytes "
                    "('aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...'); file systems allow at most "
                    "255 (NAME_MAX): shorten it\n");
    /* A cut never splits a UTF-8 character. */
    mg_buf b;
    mg_buf_init(&b);
    const char *e = "\xc3\xa9";
    mg_buf_reset(&path);
    for (int i = 0; i < 40; i++)
        mg_buf_append_str(&path, e);
    CHECK_STR(shown(&b, path.data, path.len), "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
                                              "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
                                              "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9...");
    mg_buf_fini(&b);
    mg_buf_fini(&origin);
    mg_buf_fini(&path);
    mg_emit_set_fini(&s);
}

/* Open file descriptors of this process (Linux), or -1. */
static int count_fds(void)
{
    DIR *d = opendir("/proc/self/fd");
    if (!d)
        return -1;
    int n = 0;
    while (readdir(d))
        n++;
    closedir(d);
    return n;
}

static void emit_should_close_every_handle(void)
{
    fresh_root();
    int before = count_fds();
    run(MG_EMIT_WRITE, 0, NULL, "a.txt", "a\n", "d/e/b.txt", "b\n", "d/f/c.txt", "c\n", NULL);
    run(MG_EMIT_CHECK, 0, NULL, "a.txt", "a\n", "d/e/b.txt", "B\n", NULL);
    run(MG_EMIT_WRITE, 0, NULL, "a.txt", "a\n", NULL);
    mkdir(path_in("out/l"), 0777);
    CHECK(symlink("a", path_in("out/l/x")) == 0);
    run(MG_EMIT_WRITE, 0, NULL, "l/x/y.txt", "y\n", NULL);
    CHECK(!exists("out/d"));
    CHECK_INT(count_fds(), before);
    /* More folders than the cache keeps open at once. */
    mg_emit_set s;
    mg_emit_set_init(&s);
    char p[64];
    for (int i = 0; i < MAX_CACHED_DIRS + 50; i++) {
        snprintf(p, sizeof p, "many/%d/x.txt", i);
        mg_emit_set_add(&s, p, strlen(p), (char *)"x", 1, NULL, "t.mustache", mg_mark_at("target.yaml", 1, 1));
    }
    mg_diag d;
    errs_reset();
    mg_diag_init_sink(&d, errs_capture, NULL);
    mg_emit_opts o = {MG_EMIT_WRITE, 0, "t", tmpfile(), 0};
    CHECK_INT(mg_emit_run(path_in("out"), &s, &o, NULL, &d), 0);
    CHECK_INT(mg_emit_run(path_in("out"), &s, &o, NULL, &d), 0);
    fclose(o.out);
    mg_emit_set_fini(&s);
    CHECK(exists("out/many/249/x.txt"));
    CHECK_INT(count_fds(), before);
    CHECK_STR(errs, "");
    testfs_rm_rf(root);
}

static void emit_tmp_names_should_match_the_leftover_pattern(void)
{
    mg_buf b;
    mg_buf_init(&b);
    tmp_name(&b, "x.h");
    CHECK(strncmp(b.data, ".x.h.msggen-tmp-", 16) == 0 && b.len == 22 && is_tmp_name(b.data));
    char name[NAME_MAX + 1];
    memset(name, 'n', NAME_MAX);
    name[NAME_MAX] = '\0';
    tmp_name(&b, name);
    CHECK_INT(b.len, NAME_MAX);
    CHECK(is_tmp_name(b.data));
    tmp_name(&b, MG_EMIT_MANIFEST);
    CHECK(is_tmp_name(b.data));
    static const char *const not_ours[] = {
        "x.h", ".x.h.msggen-tmp-Ab12C", "x.h.msggen-tmp-Ab12Cd", ".x.h.msggen-tmp-Ab12C!", "..msggen-tmp-Ab12Cd",
        ".x.h.msggen-tmp-Ab12Cde", ".x.h.msggen-tmp_Ab12Cd", ".msggen-tmp-Ab12Cd",
    };
    for (size_t i = 0; i < sizeof not_ours / sizeof not_ours[0]; i++)
        if (is_tmp_name(not_ours[i]))
            unit_note("# %s matched\n", not_ours[i]), unit_failed_checks++;
    CHECK(is_tmp_name(".x.h.msggen-tmp-Ab12Cd"));
    mg_buf_fini(&b);
}

static void emit_should_remove_leftover_temporary_files(void)
{
    fresh_root();
    run(MG_EMIT_WRITE, 0, NULL, "a.txt", "a\n", "d/b.txt", "b\n", NULL);
    /* What a killed run leaves, and look-alikes that are not ours. */
    put("out/.a.txt.msggen-tmp-Ab12Cd", "half");
    put("out/d/.gone.txt.msggen-tmp-zz99ZZ", "half");
    put("out/..msggen-manifest.msggen-tmp-000000", "half");
    put("out/d/.b.txt.msggen-tmp-Ab12C", "not ours: 5 random characters");
    put("out/d/b.txt.msggen-tmp-Ab12Cd", "not ours: no dot");
    put("out/other/.x.msggen-tmp-Ab12Cd", "not ours: a folder msggen does not write");
    mkdir(path_in("out/d/.dir.msggen-tmp-Ab12Cd"), 0777);
    put("victim.txt", "v\n");
    CHECK(symlink(path_in("victim.txt"), path_in("out/d/.l.msggen-tmp-Ab12Cd")) == 0);
    /* check: each reported, drift. */
    mg_emit_stats st;
    CHECK_INT(run(MG_EMIT_CHECK, 0, &st, "a.txt", "a\n", "d/b.txt", "b\n", NULL), 1);
    CHECK_INT(st.leftover, 3);
    char want[4096];
    snprintf(want, sizeof want,
             "leftover: %s (temporary file of an interrupted run; 'msggen generate' deletes it)\n"
             "leftover: %s (temporary file of an interrupted run; 'msggen generate' deletes it)\n"
             "leftover: %s (temporary file of an interrupted run; 'msggen generate' deletes it)\n"
             "t: out of sync: 0 missing, 0 different, 0 stale, 0 untracked, 3 leftover (2 files)\n",
             path_in("out/..msggen-manifest.msggen-tmp-000000"), path_in("out/.a.txt.msggen-tmp-Ab12Cd"),
             path_in("out/d/.gone.txt.msggen-tmp-zz99ZZ"));
    CHECK_STR(report, want);
    /* dry run: listed, kept. */
    CHECK_INT(run(MG_EMIT_DRY_RUN, 0, &st, "a.txt", "a\n", "d/b.txt", "b\n", NULL), 0);
    CHECK(strstr(report, "delete ") && strstr(report, "/out/.a.txt.msggen-tmp-Ab12Cd (temporary file of an interrupted run)\n"));
    CHECK(exists("out/.a.txt.msggen-tmp-Ab12Cd"));
    /* generate: exactly those deleted, nothing else touched. */
    CHECK_INT(run(MG_EMIT_WRITE, 0, &st, "a.txt", "a\n", "d/b.txt", "b\n", NULL), 0);
    CHECK_STR(report, "t: 0 created, 0 updated, 0 deleted, 2 unchanged, 3 leftover temporary files deleted\n");
    CHECK(!exists("out/.a.txt.msggen-tmp-Ab12Cd"));
    CHECK(!exists("out/d/.gone.txt.msggen-tmp-zz99ZZ"));
    CHECK(!exists("out/..msggen-manifest.msggen-tmp-000000"));
    CHECK(exists("out/d/.b.txt.msggen-tmp-Ab12C"));
    CHECK(exists("out/d/b.txt.msggen-tmp-Ab12Cd"));
    CHECK(exists("out/other/.x.msggen-tmp-Ab12Cd"));
    CHECK(exists("out/d/.dir.msggen-tmp-Ab12Cd"));
    CHECK(exists("out/d/.l.msggen-tmp-Ab12Cd") && exists("victim.txt"));
    CHECK_INT(run(MG_EMIT_CHECK, 0, &st, "a.txt", "a\n", "d/b.txt", "b\n", NULL), 0);
    CHECK_STR(report, "t: in sync (2 files)\n");
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
    mg_emit_opts o = {MG_EMIT_WRITE, 0, "t", NULL, 0};
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

static void emit_check_stat_should_count_lines_per_file(void)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    stat_list sl = {0};
    stat_add(&sl, "out/a.c", "1\n2\n3\n", 6, "1\nX\n3\n4\n", 8);
    stat_add(&sl, "out/new.h", NULL, 0, "a\nb\n", 4);
    stat_add(&sl, "out/img", "a\0b", 3, "a\0c", 3);
    stat_print(&sl, f);
    fclose(f);
    CHECK_STR(buf, " out/a.c   | 3 ++-\n"
                   " out/new.h | 2 ++\n"
                   " out/img   | Bin\n"
                   " 3 files changed, 4 insertions(+), 1 deletion(-)\n");
    free(buf);
    /* Bars are scaled to 40 marks, each changed side keeping at least one. */
    f = open_memstream(&buf, &len);
    mg_buf a, b;
    mg_buf_init(&a);
    mg_buf_init(&b);
    for (int i = 0; i < 400; i++)
        mg_buf_appendf(&b, "%d\n", i);
    mg_buf_append_str(&a, "x\n");
    stat_add(&sl, "big", a.data, a.len, b.data, b.len);
    stat_print(&sl, f);
    fclose(f);
    CHECK_STR(buf, " big | 401 ++++++++++++++++++++++++++++++++++++++++-\n"
                   " 1 file changed, 400 insertions(+), 1 deletion(-)\n");
    free(buf);
    mg_buf_fini(&a);
    mg_buf_fini(&b);
}

int main(void)
{
    RUN(emit_hash_should_be_xxh64);
    RUN(emit_should_read_a_format_1_manifest);
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
    RUN(emit_should_not_follow_a_symlink_that_stays_inside);
    RUN(emit_should_not_follow_a_symlinked_file);
    RUN(emit_should_follow_a_symlinked_output_folder);
    RUN(emit_should_write_through_the_handle_it_checked);
    RUN(emit_should_check_name_max_and_path_max_before_writing);
    RUN(emit_check_paths_should_cut_long_origins);
    RUN(emit_should_close_every_handle);
    RUN(emit_tmp_names_should_match_the_leftover_pattern);
    RUN(emit_should_remove_leftover_temporary_files);
    RUN(emit_should_reject_a_manifest_entry_that_leaves_the_folder);
    RUN(emit_should_name_both_origins_of_a_duplicate_path);
    RUN(emit_dry_run_should_list_and_write_nothing);
    RUN(emit_check_should_report_each_kind_of_drift);
    RUN(emit_check_should_pass_when_in_sync);
    RUN(emit_check_stat_should_count_lines_per_file);
    return unit_done();
}
