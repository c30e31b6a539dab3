/* test_emit_order.c - the order in which emit makes its writes durable, seen
 * through emit.c's EMIT_FSYNC and EMIT_RENAMEAT hooks: every file renamed
 * only after its own fsync returned, every folder that received a file
 * fsync'ed before the manifest is renamed, the manifest last, its folder
 * synced after it; a failed fsync renames nothing from there on; and a run
 * killed at any rename leaves each file whole (old or new), the manifest old,
 * and a folder the next run puts right. Files are written in batches (emit.c
 * SYNC_BATCH) fsync'ed from several threads: the runs here cross batches.
 * The same for several folders written in one pass (mg_emit_run_all), whose
 * files share their batches: a failure there stops only its own folder. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

static int hook_fsync(int fd);
static int hook_renameat(int from_dir, const char *from, int to_dir, const char *to);
#define EMIT_FSYNC(fd) hook_fsync(fd)
#define EMIT_RENAMEAT(from_dir, from, to_dir, to) hook_renameat(from_dir, from, to_dir, to)

#include "../../generator/emit.c"
#include "testfs.h"
#include "unit.h"

/* ---- the hooks: a log of completed fsyncs and of renames ---- */

enum { EV_SYNC_FILE, EV_SYNC_DIR, EV_RENAME };

typedef struct ev {
    int kind;
    dev_t dev;
    ino_t ino;       /* the file or folder synced; the file renamed */
    ino_t dir;       /* EV_RENAME: the folder it is renamed in */
    char to[64];     /* EV_RENAME: its new name */
} ev;

#define MAX_EVENTS 8192
static ev evs[MAX_EVENTS];
static int nev;
static pthread_mutex_t ev_lock = PTHREAD_MUTEX_INITIALIZER;

static off_t fail_size = -1;  /* the fsync of a regular file of this size fails (EIO) */
static int crash_at = -1;     /* the process _exits(42) at this rename (counted from 0)... */
static int crash_at_manifest; /* ... or at the manifest's */
static int nrenames;

static void log_event(int kind, const struct stat *sb, ino_t dir, const char *to)
{
    pthread_mutex_lock(&ev_lock);
    if (nev < MAX_EVENTS) {
        ev *e = &evs[nev++];
        e->kind = kind;
        e->dev = sb->st_dev;
        e->ino = sb->st_ino;
        e->dir = dir;
        snprintf(e->to, sizeof e->to, "%s", to ? to : "");
    }
    pthread_mutex_unlock(&ev_lock);
}

static int hook_fsync(int fd)
{
    struct stat sb;
    if (fstat(fd, &sb) != 0)
        return -1;
    if (S_ISREG(sb.st_mode) && sb.st_size == fail_size) {
        errno = EIO;
        return -1;
    }
    int rc = fsync(fd);
    /* Logged once it returned: what is logged before a rename is on disk. */
    log_event(S_ISDIR(sb.st_mode) ? EV_SYNC_DIR : EV_SYNC_FILE, &sb, 0, NULL);
    return rc;
}

static int hook_renameat(int from_dir, const char *from, int to_dir, const char *to)
{
    struct stat sb, db;
    if (fstatat(from_dir, from, &sb, AT_SYMLINK_NOFOLLOW) == 0 && fstat(to_dir, &db) == 0)
        log_event(EV_RENAME, &sb, db.st_ino, to);
    if (crash_at == nrenames++ || (crash_at_manifest && strcmp(to, MG_EMIT_MANIFEST) == 0))
        _exit(42);
    return renameat(from_dir, from, to_dir, to);
}

static void hooks_reset(void)
{
    nev = 0;
    nrenames = 0;
    fail_size = -1;
    crash_at = -1;
    crash_at_manifest = 0;
}

/* ---- the files: NFILES in three folders, content by generation ---- */

/* NFILES / 3 in each folder; more than a batch (SYNC_BATCH): 99 for 64 */
#define NFILES (3 * (SYNC_BATCH / 2 + 1))

static char root[256];

static char *path_in(const char *rel)
{
    static char p[8][512];
    static int k;
    k = (k + 1) % 8;
    snprintf(p[k], sizeof p[k], "%s/%s", root, rel);
    return p[k];
}

static void file_path(char *p, size_t n, int i)
{
    static const char *const dirs[] = {"", "a/", "a/b/"};
    snprintf(p, n, "%s%03d.txt", dirs[i % 3], i);
}

/* In generation FAULT_GEN, file FAULT_FILE is longer than every other
 * file: the one whose fsync hook_fsync can be told to fail (fail_size). */
#define FAULT_GEN 10
#define FAULT_FILE 29 /* a/b/029.txt, in the second batch (see below) */

static void file_text(char *t, size_t n, int gen, int i)
{
    snprintf(t, n, "generation %d of file %03d%s\n", gen, i, gen == FAULT_GEN && i == FAULT_FILE ? "!" : "");
}

/* Emits generation `gen` of the NFILES files into <root>/out (write mode,
 * or `mode`); errors go to `errs`. */
static int emit_gen(int gen, mg_emit_mode mode)
{
    mg_emit_set s;
    mg_emit_set_init(&s);
    char p[64], t[64];
    for (int i = 0; i < NFILES; i++) {
        file_path(p, sizeof p, i);
        file_text(t, sizeof t, gen, i);
        char *d = mg_xstrndup(t, strlen(t));
        mg_emit_set_add(&s, p, strlen(p), d, strlen(d), free, "t.mustache", mg_mark_at("target.yaml", 1, 1));
    }
    FILE *f = tmpfile();
    mg_emit_opts o = {mode, 0, "t", f, 0};
    mg_diag d;
    errs_reset();
    mg_diag_init_sink(&d, errs_capture, NULL);
    int rc = mg_emit_run(path_in("out"), &s, &o, NULL, &d);
    fclose(f);
    mg_emit_set_fini(&s);
    return rc;
}

static char *read_rel(const char *rel)
{
    mg_buf b;
    mg_buf_init(&b);
    if (mg_buf_read_file(&b, path_in(rel), 1 << 20) != 0) {
        mg_buf_fini(&b);
        return NULL;
    }
    return mg_buf_steal(&b, NULL);
}

/* How many of the files hold generation `gen`; -1 when any holds neither
 * `gen` nor `other` exactly (a file cut, empty or missing). */
static int count_gen(int gen, int other)
{
    int n = 0;
    char p[64], t[64], u[64];
    for (int i = 0; i < NFILES; i++) {
        char q[80];
        file_path(p, sizeof p, i);
        snprintf(q, sizeof q, "out/%s", p);
        file_text(t, sizeof t, gen, i);
        file_text(u, sizeof u, other, i);
        char *got = read_rel(q);
        int is_gen = got && strcmp(got, t) == 0, is_other = got && strcmp(got, u) == 0;
        free(got);
        if (!is_gen && !is_other)
            return -1;
        n += is_gen;
    }
    return n;
}

/* Temporary files (emit's pattern) in out, out/a and out/a/b. */
static int count_tmp(void)
{
    static const char *const dirs[] = {"out", "out/a", "out/a/b"};
    int n = 0;
    for (size_t k = 0; k < sizeof dirs / sizeof *dirs; k++) {
        DIR *dh = opendir(path_in(dirs[k]));
        for (struct dirent *de; dh && (de = readdir(dh));)
            n += is_tmp_name(de->d_name);
        if (dh)
            closedir(dh);
    }
    return n;
}

static ino_t ino_of(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0 ? sb.st_ino : 0;
}

/* The log of one write run that renamed `want_renames` files and the
 * manifest: the ordering rules of emit.h, counted as violations. */
static void check_order(int want_renames)
{
    int man = -1, files = 0, bad_file_sync = 0, bad_dir_sync = 0, late = 0;
    for (int i = 0; i < nev; i++)
        if (evs[i].kind == EV_RENAME && strcmp(evs[i].to, MG_EMIT_MANIFEST) == 0)
            man = man < 0 ? i : -2;
    CHECK(man >= 0); /* renamed exactly once */
    if (man < 0)
        return;
    for (int i = 0; i < nev; i++) {
        if (evs[i].kind != EV_RENAME)
            continue;
        /* Its own fsync returned before it was renamed. */
        int synced = 0;
        for (int j = 0; j < i && !synced; j++)
            synced = evs[j].kind == EV_SYNC_FILE && evs[j].dev == evs[i].dev && evs[j].ino == evs[i].ino;
        bad_file_sync += !synced;
        if (i == man)
            continue;
        files++;
        late += i > man;
        /* Its folder fsync'ed after it, before the manifest's rename. */
        int dir_synced = 0;
        for (int j = i + 1; j < man && !dir_synced; j++)
            dir_synced = evs[j].kind == EV_SYNC_DIR && evs[j].ino == evs[i].dir;
        bad_dir_sync += !dir_synced;
    }
    CHECK_INT(files, want_renames);
    CHECK_INT(bad_file_sync, 0);
    CHECK_INT(bad_dir_sync, 0);
    CHECK_INT(late, 0);
    /* The output folder is fsync'ed after the manifest's rename: on disk
     * before the run returns. */
    int root_synced = 0;
    for (int j = man + 1; j < nev && !root_synced; j++)
        root_synced = evs[j].kind == EV_SYNC_DIR && evs[j].ino == evs[man].dir;
    CHECK(root_synced);
}

/* ---- tests ---- */

static void emit_should_sync_each_file_before_its_rename_and_folders_before_the_manifest(void)
{
    testfs_mkroot(root, sizeof root, "mg-emit-order");
    hooks_reset();
    CHECK_INT(emit_gen(1, MG_EMIT_WRITE), 0);
    CHECK_STR(errs, "");
    CHECK_INT(count_gen(1, 1), NFILES);
    check_order(NFILES);
    /* The folder the output folder was made in is synced too (its new entry). */
    int parent_synced = 0;
    for (int j = 0; j < nev && !parent_synced; j++)
        parent_synced = evs[j].kind == EV_SYNC_DIR && evs[j].ino == ino_of(root);
    CHECK(parent_synced);
    /* An update of every file: the same rules over existing files. */
    hooks_reset();
    CHECK_INT(emit_gen(2, MG_EMIT_WRITE), 0);
    CHECK_STR(errs, "");
    CHECK_INT(count_gen(2, 1), NFILES);
    check_order(NFILES);
    CHECK_INT(count_tmp(), 0);
    testfs_rm_rf(root);
}

static void emit_should_rename_nothing_from_a_file_whose_fsync_fails(void)
{
    testfs_mkroot(root, sizeof root, "mg-emit-order");
    hooks_reset();
    CHECK_INT(emit_gen(1, MG_EMIT_WRITE), 0);
    char *man1 = read_rel("out/.msggen-manifest");
    /* The fsync of FAULT_FILE of FAULT_GEN fails. The files before it
     * (path order) are renamed, it and those after it not; nothing
     * temporary is left; the manifest is kept. */
    char t[64];
    file_text(t, sizeof t, FAULT_GEN, FAULT_FILE);
    fail_size = (off_t)strlen(t);
    CHECK_INT(emit_gen(FAULT_GEN, MG_EMIT_WRITE), -1);
    char want[512];
    snprintf(want, sizeof want, "%s/out/a/b/029.txt: error: cannot write: %s\n", root, strerror(EIO));
    CHECK_STR(errs, want);
    CHECK_INT(count_tmp(), 0);
    char *man2 = read_rel("out/.msggen-manifest");
    CHECK(man1 && man2 && strcmp(man1, man2) == 0);
    char *fault = read_rel("out/a/b/029.txt");
    file_text(t, sizeof t, 1, FAULT_FILE);
    CHECK_STR(fault, t);
    /* Paths sort as the output folder's "000.txt", "003.txt"... (NFILES / 3
     * of them), then as many "a/001.txt"..., then "a/b/002.txt"...: NFILES
     * / 3 + NFILES / 3 + 9 (a/b/002..a/b/026) files come before a/b/029.txt
     * (75 of 99, past the first SYNC_BATCH). */
    CHECK_INT(count_gen(FAULT_GEN, 1), NFILES / 3 + NFILES / 3 + 9);
    /* Without the fault the next run finishes the job. */
    hooks_reset();
    CHECK_INT(emit_gen(FAULT_GEN, MG_EMIT_WRITE), 0);
    CHECK_INT(count_gen(FAULT_GEN, 1), NFILES);
    CHECK_INT(emit_gen(FAULT_GEN, MG_EMIT_CHECK), 0);
    free(man1);
    free(man2);
    free(fault);
    testfs_rm_rf(root);
}

/* Runs generation 2 over generation 1 in a child killed (_exit) at rename
 * number `at`, or at the manifest's when `at` is -1; then checks what it
 * left: `want_new` files new, the others old, none cut; the manifest old;
 * and that the next run puts everything right. */
static void crash_and_recover(int at, int want_new)
{
    testfs_mkroot(root, sizeof root, "mg-emit-order");
    hooks_reset();
    CHECK_INT(emit_gen(1, MG_EMIT_WRITE), 0);
    char *man1 = read_rel("out/.msggen-manifest");
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        hooks_reset();
        crash_at = at;
        crash_at_manifest = at < 0;
        emit_gen(2, MG_EMIT_WRITE);
        _exit(1); /* not killed: the hook was never reached */
    }
    int status = 0;
    CHECK(pid > 0 && waitpid(pid, &status, 0) == pid);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 42);
    CHECK_INT(count_gen(2, 1), want_new);
    char *man = read_rel("out/.msggen-manifest");
    CHECK(man1 && man && strcmp(man1, man) == 0);
    /* The files staged and not renamed (or the manifest) are left as
     * temporary files: check reports them, the next generate deletes them
     * and finishes the job. */
    int left = count_tmp();
    CHECK(at < 0 ? left == 1 : left > 0);
    CHECK_INT(emit_gen(2, MG_EMIT_CHECK), 1);
    hooks_reset();
    CHECK_INT(emit_gen(2, MG_EMIT_WRITE), 0);
    CHECK_STR(errs, "");
    CHECK_INT(count_gen(2, 1), NFILES);
    CHECK_INT(count_tmp(), 0);
    CHECK_INT(emit_gen(2, MG_EMIT_CHECK), 0);
    free(man1);
    free(man);
    testfs_rm_rf(root);
}

static void emit_killed_before_any_rename_should_leave_every_file_old(void)
{
    crash_and_recover(0, 0);
}

static void emit_killed_in_the_second_batch_should_leave_each_file_whole(void)
{
    crash_and_recover(SYNC_BATCH + 6, SYNC_BATCH + 6);
}

static void emit_killed_at_the_manifest_should_leave_new_files_and_the_old_manifest(void)
{
    crash_and_recover(-1, NFILES);
}

/* ---- several output folders in one pass (mg_emit_run_all) ---- */

/* NDIRS folders out0, out1, ... of `per` files each, half of them in a
 * folder "sub"; in generation FAULT_GEN, file ALL_FAULT_FILE of folder 1
 * is longer than every other file (fail_size). */
#define NDIRS 3
#define ALL_FAULT_FILE 7 /* sub/007.txt: after (PER_DIR + 1) / 2 + 3 files in path order */
/* Files in each folder: NDIRS * (PER_DIR + 1) staged (78 for a SYNC_BATCH
 * of 64) cross batches, and folder 1 ends in the first batch. */
#define PER_DIR (SYNC_BATCH * 2 / 5)

static void all_path(char *p, size_t n, int i)
{
    snprintf(p, n, "%s%03d.txt", i % 2 ? "sub/" : "", i);
}

static void all_text(char *t, size_t n, int gen, int k, int i)
{
    snprintf(t, n, "generation %d of folder %d file %03d%s\n", gen, k, i,
             gen == FAULT_GEN && k == 1 && i == ALL_FAULT_FILE ? "!!" : "");
}

static char all_out[4096]; /* the summary lines of the last emit_all_gen */

/* Emits generation `gen` of `per` files into each of the NDIRS folders in
 * one mg_emit_run_all (write mode); each folder's rc goes to rcs. */
static int emit_all_gen(int gen, int per, int *rcs)
{
    mg_emit_set s[NDIRS];
    mg_emit_opts o[NDIRS];
    const char *dirs[NDIRS];
    char dbuf[NDIRS][512], label[NDIRS][16];
    FILE *f = tmpfile();
    for (int k = 0; k < NDIRS; k++) {
        mg_emit_set_init(&s[k]);
        char p[64], t[96];
        for (int i = 0; i < per; i++) {
            all_path(p, sizeof p, i);
            all_text(t, sizeof t, gen, k, i);
            mg_emit_set_add(&s[k], p, strlen(p), mg_xstrndup(t, strlen(t)), strlen(t), free, "t.mustache",
                            mg_mark_at("target.yaml", 1, 1));
        }
        snprintf(dbuf[k], sizeof dbuf[k], "%s/out%d", root, k);
        snprintf(label[k], sizeof label[k], "t%d", k);
        dirs[k] = dbuf[k];
        o[k] = (mg_emit_opts){MG_EMIT_WRITE, 0, label[k], f, 0};
    }
    mg_diag d;
    errs_reset();
    mg_diag_init_sink(&d, errs_capture, NULL);
    int rc = mg_emit_run_all(NDIRS, dirs, s, o, NULL, rcs, &d);
    rewind(f);
    size_t got = fread(all_out, 1, sizeof all_out - 1, f);
    all_out[got] = '\0';
    fclose(f);
    for (int k = 0; k < NDIRS; k++)
        mg_emit_set_fini(&s[k]);
    return rc;
}

/* How many files of folder k hold generation `gen`; -1 when any holds
 * neither `gen` nor `other` exactly. */
static int count_all(int k, int per, int gen, int other)
{
    int n = 0;
    char p[64], t[96], u[96], q[96];
    for (int i = 0; i < per; i++) {
        all_path(p, sizeof p, i);
        snprintf(q, sizeof q, "out%d/%s", k, p);
        all_text(t, sizeof t, gen, k, i);
        all_text(u, sizeof u, other, k, i);
        char *got = read_rel(q);
        int is_gen = got && strcmp(got, t) == 0, is_other = got && strcmp(got, u) == 0;
        free(got);
        if (!is_gen && !is_other)
            return -1;
        n += is_gen;
    }
    return n;
}

static int count_tmp_all(void)
{
    int n = 0;
    for (int k = 0; k < NDIRS; k++)
        for (int sub = 0; sub < 2; sub++) {
            char rel[32];
            snprintf(rel, sizeof rel, sub ? "out%d/sub" : "out%d", k);
            DIR *dh = opendir(path_in(rel));
            for (struct dirent *de; dh && (de = readdir(dh));)
                n += is_tmp_name(de->d_name);
            if (dh)
                closedir(dh);
        }
    return n;
}

static char *manifest_of(int k)
{
    char q[64];
    snprintf(q, sizeof q, "out%d/.msggen-manifest", k);
    return read_rel(q);
}

/* The log of one mg_emit_run_all that renamed `want_files` files and
 * `want_manifests` manifests: each renamed after its own fsync; every file
 * of every folder renamed, and its folder fsync'ed, before the first
 * manifest is renamed; each manifest's folder fsync'ed after it. */
static void check_order_all(int want_files, int want_manifests)
{
    int first_man = -1, mans = 0, files = 0, bad_file_sync = 0, bad_dir_sync = 0, late = 0, root_unsynced = 0;
    for (int i = 0; i < nev; i++)
        if (evs[i].kind == EV_RENAME && strcmp(evs[i].to, MG_EMIT_MANIFEST) == 0) {
            mans++;
            if (first_man < 0)
                first_man = i;
        }
    CHECK_INT(mans, want_manifests);
    if (first_man < 0)
        return;
    for (int i = 0; i < nev; i++) {
        if (evs[i].kind != EV_RENAME)
            continue;
        int synced = 0;
        for (int j = 0; j < i && !synced; j++)
            synced = evs[j].kind == EV_SYNC_FILE && evs[j].dev == evs[i].dev && evs[j].ino == evs[i].ino;
        bad_file_sync += !synced;
        if (strcmp(evs[i].to, MG_EMIT_MANIFEST) == 0) {
            int root_synced = 0;
            for (int j = i + 1; j < nev && !root_synced; j++)
                root_synced = evs[j].kind == EV_SYNC_DIR && evs[j].ino == evs[i].dir;
            root_unsynced += !root_synced;
            continue;
        }
        files++;
        late += i > first_man;
        int dir_synced = 0;
        for (int j = i + 1; j < first_man && !dir_synced; j++)
            dir_synced = evs[j].kind == EV_SYNC_DIR && evs[j].ino == evs[i].dir;
        bad_dir_sync += !dir_synced;
    }
    CHECK_INT(files, want_files);
    CHECK_INT(bad_file_sync, 0);
    CHECK_INT(bad_dir_sync, 0);
    CHECK_INT(late, 0);
    CHECK_INT(root_unsynced, 0);
}

static void emit_all_should_keep_the_order_rules_across_folders(void)
{
    testfs_mkroot(root, sizeof root, "mg-emit-order");
    hooks_reset();
    int rcs[NDIRS];
    /* NDIRS x PER_DIR files and NDIRS manifests: the batches cross folders. */
    CHECK_INT(emit_all_gen(1, PER_DIR, rcs), 0);
    CHECK_STR(errs, "");
    for (int k = 0; k < NDIRS; k++) {
        CHECK_INT(rcs[k], 0);
        CHECK_INT(count_all(k, PER_DIR, 1, 1), PER_DIR);
    }
    check_order_all(NDIRS * PER_DIR, NDIRS);
    char want[512];
    snprintf(want, sizeof want,
             "t0: %d created, 0 updated, 0 deleted, 0 unchanged\n"
             "t1: %d created, 0 updated, 0 deleted, 0 unchanged\n"
             "t2: %d created, 0 updated, 0 deleted, 0 unchanged\n", PER_DIR, PER_DIR, PER_DIR);
    CHECK_STR(all_out, want);
    hooks_reset();
    CHECK_INT(emit_all_gen(2, PER_DIR, rcs), 0);
    CHECK_STR(errs, "");
    check_order_all(NDIRS * PER_DIR, NDIRS);
    for (int k = 0; k < NDIRS; k++)
        CHECK_INT(count_all(k, PER_DIR, 2, 1), PER_DIR);
    CHECK_INT(count_tmp_all(), 0);
    testfs_rm_rf(root);
}

/* The point of one pass: the files of every folder share their batches,
 * so 3 x 12 files and 3 manifests (fewer than SYNC_BATCH) are all fsync'ed
 * before the first is renamed, and every folder is fsync'ed once. */
static void emit_all_should_share_the_batches_of_all_folders(void)
{
    testfs_mkroot(root, sizeof root, "mg-emit-order");
    hooks_reset();
    int rcs[NDIRS];
    CHECK_INT(emit_all_gen(1, 12, rcs), 0);
    check_order_all(NDIRS * 12, NDIRS);
    int last_file_sync = -1, first_rename = -1, dir_syncs = 0;
    for (int i = 0; i < nev; i++) {
        if (evs[i].kind == EV_SYNC_FILE)
            last_file_sync = i;
        if (evs[i].kind == EV_RENAME && first_rename < 0)
            first_rename = i;
        if (evs[i].kind == EV_SYNC_DIR)
            dir_syncs++;
    }
    CHECK(first_rename > last_file_sync);
    /* out0..out2, their "sub" folders and the folder they were made in
     * (once per folder made there) before the manifests; out0..out2 after. */
    CHECK_INT(dir_syncs, 3 * NDIRS + NDIRS);
    testfs_rm_rf(root);
}

static void emit_all_should_stop_only_the_folder_whose_fsync_fails(void)
{
    testfs_mkroot(root, sizeof root, "mg-emit-order");
    hooks_reset();
    int rcs[NDIRS];
    CHECK_INT(emit_all_gen(1, PER_DIR, rcs), 0);
    char *man1[NDIRS];
    for (int k = 0; k < NDIRS; k++)
        man1[k] = manifest_of(k);
    char t[96];
    all_text(t, sizeof t, FAULT_GEN, 1, ALL_FAULT_FILE);
    fail_size = (off_t)strlen(t);
    CHECK_INT(emit_all_gen(FAULT_GEN, PER_DIR, rcs), -1);
    char want[512];
    snprintf(want, sizeof want, "%s/out1/sub/007.txt: error: cannot write: %s\n", root, strerror(EIO));
    CHECK_STR(errs, want);
    CHECK_INT(rcs[0], 0);
    CHECK_INT(rcs[1], -1);
    CHECK_INT(rcs[2], 0);
    /* Folder 1: its top-level files and sub/001..sub/005 come before
     * the fault; it and the rest are not renamed, the manifest is kept.
     * Folders 0 and 2 (folder 2's first files in the fault's batch) are
     * written whole, with their manifests. */
    CHECK_INT(count_all(1, PER_DIR, FAULT_GEN, 1), (PER_DIR + 1) / 2 + 3);
    CHECK_INT(count_all(0, PER_DIR, FAULT_GEN, 1), PER_DIR);
    CHECK_INT(count_all(2, PER_DIR, FAULT_GEN, 1), PER_DIR);
    for (int k = 0; k < NDIRS; k++) {
        char *m = manifest_of(k);
        CHECK(m && man1[k] && (strcmp(m, man1[k]) == 0) == (k == 1));
        free(m);
        free(man1[k]);
    }
    CHECK_INT(count_tmp_all(), 0);
    snprintf(want, sizeof want,
             "t0: 0 created, %d updated, 0 deleted, 0 unchanged\n"
             "t2: 0 created, %d updated, 0 deleted, 0 unchanged\n", PER_DIR, PER_DIR);
    CHECK_STR(all_out, want);
    hooks_reset();
    CHECK_INT(emit_all_gen(FAULT_GEN, PER_DIR, rcs), 0);
    CHECK_INT(count_all(1, PER_DIR, FAULT_GEN, 1), PER_DIR);
    testfs_rm_rf(root);
}

static void emit_all_should_write_nothing_in_a_folder_whose_plan_fails(void)
{
    testfs_mkroot(root, sizeof root, "mg-emit-order");
    hooks_reset();
    CHECK(mkdir(path_in("out1"), 0777) == 0);
    FILE *f = fopen(path_in("out1/000.txt"), "w");
    CHECK(f != NULL);
    if (f) {
        fputs("someone else's\n", f);
        fclose(f);
    }
    int rcs[NDIRS];
    CHECK_INT(emit_all_gen(1, PER_DIR, rcs), -1);
    CHECK_INT(rcs[0], 0);
    CHECK_INT(rcs[1], -1);
    CHECK_INT(rcs[2], 0);
    CHECK(strstr(errs, "out1/000.txt' exists and was not generated by msggen") != NULL);
    CHECK_INT(count_all(0, PER_DIR, 1, 1), PER_DIR);
    CHECK_INT(count_all(2, PER_DIR, 1, 1), PER_DIR);
    char *m = manifest_of(1), *foreign = read_rel("out1/000.txt"), *other = read_rel("out1/002.txt");
    CHECK(m == NULL && other == NULL);
    CHECK_STR(foreign, "someone else's\n");
    free(m);
    free(foreign);
    free(other);
    check_order_all(2 * PER_DIR, 2);
    testfs_rm_rf(root);
}

/* Killed at rename `at`, or at the first manifest's when -1: every file
 * whole, `want_new` of them new, every manifest old; the next run puts
 * everything right. */
static void crash_all_and_recover(int at, int want_new)
{
    testfs_mkroot(root, sizeof root, "mg-emit-order");
    hooks_reset();
    int rcs[NDIRS];
    CHECK_INT(emit_all_gen(1, PER_DIR, rcs), 0);
    char *man1[NDIRS];
    for (int k = 0; k < NDIRS; k++)
        man1[k] = manifest_of(k);
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        hooks_reset();
        crash_at = at;
        crash_at_manifest = at < 0;
        emit_all_gen(2, PER_DIR, rcs);
        _exit(1);
    }
    int status = 0;
    CHECK(pid > 0 && waitpid(pid, &status, 0) == pid);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 42);
    int fresh = 0;
    for (int k = 0; k < NDIRS; k++) {
        int c = count_all(k, PER_DIR, 2, 1);
        CHECK(c >= 0);
        fresh += c;
        char *m = manifest_of(k);
        CHECK(m && man1[k] && strcmp(m, man1[k]) == 0);
        free(m);
        free(man1[k]);
    }
    CHECK_INT(fresh, want_new);
    CHECK(count_tmp_all() > 0);
    hooks_reset();
    CHECK_INT(emit_all_gen(2, PER_DIR, rcs), 0);
    CHECK_STR(errs, "");
    for (int k = 0; k < NDIRS; k++)
        CHECK_INT(count_all(k, PER_DIR, 2, 1), PER_DIR);
    CHECK_INT(count_tmp_all(), 0);
    testfs_rm_rf(root);
}

static void emit_all_killed_in_the_second_folder_should_leave_each_file_whole(void)
{
    crash_all_and_recover(PER_DIR + 10, PER_DIR + 10);
}

static void emit_all_killed_at_the_first_manifest_should_leave_every_manifest_old(void)
{
    crash_all_and_recover(-1, NDIRS * PER_DIR);
}

int main(void)
{
    RUN(emit_should_sync_each_file_before_its_rename_and_folders_before_the_manifest);
    RUN(emit_should_rename_nothing_from_a_file_whose_fsync_fails);
    RUN(emit_killed_before_any_rename_should_leave_every_file_old);
    RUN(emit_killed_in_the_second_batch_should_leave_each_file_whole);
    RUN(emit_killed_at_the_manifest_should_leave_new_files_and_the_old_manifest);
    RUN(emit_all_should_keep_the_order_rules_across_folders);
    RUN(emit_all_should_share_the_batches_of_all_folders);
    RUN(emit_all_should_stop_only_the_folder_whose_fsync_fails);
    RUN(emit_all_should_write_nothing_in_a_folder_whose_plan_fails);
    RUN(emit_all_killed_in_the_second_folder_should_leave_each_file_whole);
    RUN(emit_all_killed_at_the_first_manifest_should_leave_every_manifest_old);
    return unit_done();
}
