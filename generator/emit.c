/* emit.c - planning, then writing (or comparing), output folders.
 *
 * mg_emit_run works in two phases so that a bad path or a foreign file stops
 * the run before anything is written: `plan` (job_plan) looks at every path
 * on disk and decides create/update/unchanged/delete, reporting every
 * problem; `apply` (write mode only: jobs_write) then carries the plan out.
 * Check and dry-run modes stop after the plan and print it.
 * mg_emit_run_all plans several folders, then applies all their plans in
 * one pass, so that their fsyncs share the disk's waits.
 *
 * Every access below the output folder goes through directory handles: the
 * output folder is opened once, and each folder under it is opened with
 * openat(parent, name, O_DIRECTORY | O_NOFOLLOW), files with O_NOFOLLOW,
 * renames and deletions with renameat/unlinkat on the same handle. So the
 * check "this is a real folder, not a symbolic link" and the write into it are
 * one operation: a folder swapped for a link after the check is never
 * followed. The handles opened while planning are kept (dir_cache) and used
 * again to write, so a swap between the two phases changes nothing either.
 */
#include "emit.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/syscall.h>
#endif

#include "buf.h"
#include "config.h"
#include "diff.h"
#include "text.h"
#include "util.h"

#ifndef NAME_MAX
#define NAME_MAX 255
#endif
#ifndef PATH_MAX
#define PATH_MAX 4096
#endif

/* A temporary file is "." STEM TMP_MARK and TMP_RANDOM letters or digits. */
#define TMP_MARK ".msggen-tmp-"
#define TMP_RANDOM 6
#define TMP_EXTRA (1 + (sizeof TMP_MARK - 1) + TMP_RANDOM)

/* Folder handles kept open at once, by all the output folders of a run
 * together (mg_emit_run_all shares it out); past its share a folder's cache
 * starts over (each open still refuses links, only the reuse across phases
 * is lost). A share is never below MIN_CACHED_DIRS. */
#define MAX_CACHED_DIRS 200
#define MIN_CACHED_DIRS 8

/* Changed files written before any of them is fsync'ed (each holds a file
 * handle until renamed), and the threads that fsync them (sync_batch). Each
 * batch is a disk wait or more: 128 takes all four targets of a catalogue
 * like worker-backend (120 files with the manifests) in one batch, where 64
 * took two; 16 threads keep more fsyncs under way at once, for the file
 * system to commit together (worker-backend fresh, one pass: emit's disk
 * waits about 25 -> 19 ms wall on a loaded machine). With the folder
 * handles (MAX_CACHED_DIRS) about 350 descriptors at most, within the usual
 * limit of 1024. */
#define SYNC_BATCH 128
#define SYNC_THREADS 16

/* The calls that make the output durable and visible, named once so that a
 * unit test including this file can watch their order or make one fail. */
#ifndef EMIT_FSYNC
#define EMIT_FSYNC(fd) fsync(fd)
#endif
#ifndef EMIT_RENAMEAT
#define EMIT_RENAMEAT(from_dir, from, to_dir, to) renameat(from_dir, from, to_dir, to)
#endif

/* Bytes of a path or origin shown in a message before "...". */
#define SHOWN_BYTES 60

typedef enum {
    ST_CREATE,     /* produced, absent on disk */
    ST_UPDATE,     /* produced, on disk with other bytes */
    ST_SAME,       /* produced, on disk with the same bytes */
    ST_DELETE,     /* stale: in the old manifest, not produced, unmodified on disk */
    ST_KEEP,       /* stale but modified since we wrote it: kept, forgotten */
    ST_GONE        /* stale and already absent: forgotten */
} state;

typedef struct entry {
    const char *path;     /* relative; borrowed from the set or the old manifest */
    char *full;           /* owned; out_dir "/" path, for messages */
    mg_emit_file *file;   /* NULL for stale entries */
    state st;
    int untracked;        /* on disk, not in the old manifest */
    int have_mode;
    mode_t mode;          /* the existing file's permissions, kept on update */
    mg_buf disk;          /* the existing bytes, read when we needed them */
} entry;

typedef struct manifest_entry {
    char *path;           /* owned */
    uint64_t hash;
} manifest_entry;

typedef struct manifest {
    manifest_entry *v;
    size_t n, cap;
    int exists;
    int version;          /* MANIFEST_VERSION, or 1: FNV-1a hashes (older msggen) */
    mg_buf raw;           /* the file as read, to tell whether it changes */
} manifest;

/* The format written; version 1 held FNV-1a 64 hashes (emit.h). */
#define MANIFEST_VERSION 2
#define MANIFEST_V1_HEAD "# msggen-manifest 1 "

/* The hash a manifest of `version` records for `len` bytes. */
static uint64_t manifest_hash(int version, const void *data, size_t len)
{
    return version == 1 ? mg_hash_fnv1a64(data, len) : mg_emit_hash(data, len);
}

/* Open handles of the output folder and of folders below it, by relative path. */
typedef struct cached_dir {
    char *rel;            /* owned; no leading or trailing '/' */
    int fd;
    int dirty;            /* an entry was renamed or removed in it: fsync before closing */
} cached_dir;

typedef struct dir_cache {
    const char *out_dir;  /* borrowed; as given, for messages */
    int root;             /* the output folder; -1 while it does not exist */
    int root_dirty;
    cached_dir *v;
    size_t n, cap;
    size_t max;           /* handles kept at most (MAX_CACHED_DIRS, or a share of it) */
    int *outer;           /* owned handles of the folders, outside the output
                           * folder, where make_out_dir made one: fsync'ed
                           * with the dirty ones (dir_cache_sync), then closed */
    size_t nouter, outer_cap;
} dir_cache;

/* Why a folder could not be opened. */
typedef enum { DIR_OK, DIR_MISSING, DIR_IS_LINK, DIR_IS_FILE, DIR_CHANGED, DIR_ERRNO } dir_status;

typedef struct dir_result {
    dir_status st;
    int fd;               /* DIR_OK: borrowed from the cache, valid until the next dir_open */
    size_t bad_len;       /* otherwise: the length of the prefix of `rel` that failed */
    int err;              /* DIR_ERRNO: errno */
} dir_result;

/* ---- small helpers ---- */

static char *join(const char *dir, const char *rel)
{
    mg_buf b;
    mg_buf_init(&b);
    mg_buf_append_str(&b, dir);
    if (b.len && b.data[b.len - 1] != '/')
        mg_buf_putc(&b, '/');
    mg_buf_append_str(&b, rel);
    return mg_buf_steal(&b, NULL);
}

/* A path as we print it in a message: control bytes and NUL become \xNN, so
 * that the diagnostic stays one line, and past SHOWN_BYTES bytes it is cut
 * (at a character boundary) and ends in "...", so that a 5 000-byte name
 * still gives a readable line. Returned in `b`, which the caller owns. */
static const char *shown(mg_buf *b, const char *s, size_t n)
{
    mg_buf_reset(b);
    size_t keep = n;
    if (n > SHOWN_BYTES + 3) {
        keep = SHOWN_BYTES;
        while (keep > 0 && ((unsigned char)s[keep] & 0xc0) == 0x80)
            keep--;
    }
    for (size_t i = 0; i < keep; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 || c == 0x7f)
            mg_buf_appendf(b, "\\x%02x", c);
        else
            mg_buf_putc(b, (char)c);
    }
    if (keep < n)
        mg_buf_append_str(b, "...");
    return mg_buf_cstr(b);
}

static int cmp_file(const void *x, const void *y)
{
    const mg_emit_file *a = x, *b = y;
    size_t n = a->path_len < b->path_len ? a->path_len : b->path_len;
    int c = memcmp(a->path, b->path, n);
    if (c)
        return c;
    return a->path_len < b->path_len ? -1 : a->path_len > b->path_len;
}

static int cmp_manifest(const void *x, const void *y)
{
    return strcmp(((const manifest_entry *)x)->path, ((const manifest_entry *)y)->path);
}

static int cmp_entry(const void *x, const void *y)
{
    return strcmp(((const entry *)x)->path, ((const entry *)y)->path);
}

static int cmp_str(const void *x, const void *y)
{
    return strcmp(*(char *const *)x, *(char *const *)y);
}

static const manifest_entry *manifest_find(const manifest *m, const char *path)
{
    manifest_entry key = {(char *)(uintptr_t)path, 0};
    if (m->n == 0)
        return NULL; /* bsearch's base must not be NULL, even for zero elements */
    return bsearch(&key, m->v, m->n, sizeof *m->v, cmp_manifest);
}

/* Why a relative path is unacceptable, or NULL when it is fine. */
static const char *path_problem(const char *p, size_t n)
{
    if (n == 0)
        return "is empty";
    if (memchr(p, '\0', n))
        return "contains a NUL byte";
    for (size_t i = 0; i < n; i++)
        if (p[i] == '\n' || p[i] == '\r')
            return "contains a line break";
    if (p[0] == '/')
        return "is absolute; output paths are relative to the output folder";
    size_t start = 0;
    for (size_t i = 0; i <= n; i++) {
        if (i < n && p[i] != '/')
            continue;
        size_t len = i - start;
        if (len == 2 && p[start] == '.' && p[start + 1] == '.')
            return "has a '..' component, which would leave the output folder";
        if (len == 0)
            return i == n ? "ends with '/': it names a folder, not a file"
                          : "has an empty component ('//')";
        if (len == 1 && p[start] == '.')
            return "has a '.' component (write the path without it)";
        start = i + 1;
    }
    if (n == sizeof MG_EMIT_MANIFEST - 1 && memcmp(p, MG_EMIT_MANIFEST, n) == 0)
        return "is reserved for msggen's manifest";
    return NULL;
}

/* The longest component of a path, in bytes. */
static size_t longest_component(const char *p, size_t n, size_t *at)
{
    size_t best = 0, start = 0;
    *at = 0;
    for (size_t i = 0; i <= n; i++) {
        if (i < n && p[i] != '/')
            continue;
        if (i - start > best) {
            best = i - start;
            *at = start;
        }
        start = i + 1;
    }
    return best;
}

/* Is `name` one of our temporary files: "." STEM ".msggen-tmp-" and
 * TMP_RANDOM ASCII letters or digits, with a non-empty STEM? */
static int is_tmp_name(const char *name)
{
    size_t n = strlen(name), ml = sizeof TMP_MARK - 1;
    if (n < TMP_EXTRA + 1 || name[0] != '.' || memcmp(name + n - TMP_RANDOM - ml, TMP_MARK, ml) != 0)
        return 0;
    for (size_t i = n - TMP_RANDOM; i < n; i++) {
        char c = name[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')))
            return 0;
    }
    return 1;
}

/* "dir/sub/file" -> parent length 7 ("dir/sub") and base "file". */
static size_t parent_len(const char *rel)
{
    const char *s = strrchr(rel, '/');
    return s ? (size_t)(s - rel) : 0;
}

static const char *base_name(const char *rel)
{
    const char *s = strrchr(rel, '/');
    return s ? s + 1 : rel;
}

/* Reads an open regular file into `b` (appending, through a chunk on the
 * stack so that a small file takes a small buffer); -1 with errno on failure. */
static int read_fd(int fd, mg_buf *b, size_t max)
{
    char chunk[65536];
    size_t start = b->len;
    for (;;) {
        ssize_t r = read(fd, chunk, sizeof chunk);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        if (r == 0)
            break;
        if (b->len - start + (size_t)r > max) {
            errno = EFBIG;
            return -1;
        }
        mg_buf_append(b, chunk, (size_t)r);
    }
    mg_buf_reserve(b, 0); /* data non-NULL and terminated, also for an empty file */
    b->data[b->len] = '\0';
    return 0;
}

/* Opens `name` in folder `dfd` for reading, refusing links and anything but
 * a regular file (O_NONBLOCK: a FIFO put there must not hang us). Returns the
 * fd, or -1 with errno (ELOOP for a link, EISDIR, or EINVAL for another kind). */
static int open_regular(int dfd, const char *name, struct stat *sb)
{
    int fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return -1;
    int bad = fstat(fd, sb) != 0 ? errno : S_ISREG(sb->st_mode) ? 0 : S_ISDIR(sb->st_mode) ? EISDIR : EINVAL;
    if (bad) {
        close(fd);
        errno = bad;
        return -1;
    }
    return fd;
}

/* ---- fsync, several at once ---- */

/* sync_fds's shared state: the next handle to fsync. */
typedef struct sync_queue {
    const int *fds;
    int *errs;
    size_t n, next;
    pthread_mutex_t lock;
} sync_queue;

static void *sync_worker(void *arg)
{
    sync_queue *q = arg;
    for (;;) {
        pthread_mutex_lock(&q->lock);
        size_t i = q->next++;
        pthread_mutex_unlock(&q->lock);
        if (i >= q->n)
            return NULL;
        /* Each errs[i] is written by one thread only, and read after the join. */
        int rc = EMIT_FSYNC(q->fds[i]);
        if (q->errs)
            q->errs[i] = rc != 0 ? errno : 0;
    }
}

/* fsyncs the `n` handles `fds`, from up to SYNC_THREADS threads at once (this
 * one included); errs[i], unless errs is NULL, gets fds[i]'s errno or 0.
 * Why threads: an fsync waits for the disk, and one at a time each waits its
 * own turn (a journal commit each, on ext4 or XFS), while fsyncs under way
 * together are committed together: a batch costs a few waits instead of one
 * per file.
 * A thread that cannot be started leaves its share to the others (at worst
 * to this one: one handle at a time, as without threads). */
static void sync_fds(const int *fds, int *errs, size_t n)
{
    sync_queue q;
    q.fds = fds;
    q.errs = errs;
    q.n = n;
    q.next = 0;
    pthread_mutex_init(&q.lock, NULL);
    pthread_t th[SYNC_THREADS - 1];
    size_t want = n < SYNC_THREADS ? n : SYNC_THREADS, started = 0;
    while (started + 1 < want && pthread_create(&th[started], NULL, sync_worker, &q) == 0)
        started++;
    sync_worker(&q);
    for (size_t k = 0; k < started; k++)
        pthread_join(th[k], NULL);
    pthread_mutex_destroy(&q.lock);
}

/* ---- the folder handles ---- */

static void dir_cache_init(dir_cache *c, const char *out_dir)
{
    memset(c, 0, sizeof *c);
    c->out_dir = out_dir;
    c->root = -1;
    c->max = MAX_CACHED_DIRS;
}

/* Appends to fds[0..*n) the handles of the dirty folders of `c` that are
 * `rel` or below it (every one when rel is NULL), and with `all` also the
 * output folder when dirty and the outer folders; clears their dirty marks. */
static void dir_cache_dirty_fds(dir_cache *c, const char *rel, int all, int **fdsp, size_t *np, size_t *capp)
{
    size_t rl = rel ? strlen(rel) : 0, n = *np, cap = *capp;
    int *fds = *fdsp;
    for (size_t i = 0; i < c->n; i++) {
        cached_dir *e = &c->v[i];
        if (e->dirty && (!rel || (strncmp(e->rel, rel, rl) == 0 && (e->rel[rl] == '\0' || e->rel[rl] == '/')))) {
            fds = mg_xgrow(fds, n, &cap, sizeof *fds);
            fds[n++] = e->fd;
            e->dirty = 0;
        }
    }
    if (all && c->root_dirty && c->root >= 0) {
        fds = mg_xgrow(fds, n, &cap, sizeof *fds);
        fds[n++] = c->root;
    }
    if (all) {
        c->root_dirty = 0;
        for (size_t i = 0; i < c->nouter; i++) {
            fds = mg_xgrow(fds, n, &cap, sizeof *fds);
            fds[n++] = c->outer[i];
        }
    }
    *fdsp = fds;
    *np = n;
    *capp = cap;
}

/* Closes the outer folders of `c`, once synced. */
static void dir_cache_close_outer(dir_cache *c)
{
    for (size_t i = 0; i < c->nouter; i++)
        close(c->outer[i]);
    c->nouter = 0;
}

/* Makes renames and removals durable: fsyncs, all at once (sync_fds), the
 * dirty folders that are `rel` or below it (every one when rel is NULL), and
 * with `all` also the output folder when dirty and the outer folders (which
 * are then closed). A folder's fsync error is not reported (a folder cannot
 * be written again; its files' own fsyncs were checked). */
static void dir_cache_sync_under(dir_cache *c, const char *rel, int all)
{
    size_t n = 0, cap = 0;
    int *fds = NULL;
    dir_cache_dirty_fds(c, rel, all, &fds, &n, &cap);
    sync_fds(fds, NULL, n);
    if (all)
        dir_cache_close_outer(c);
    free(fds);
}

/* fsyncs every folder changed so far, so that what follows (the manifest) is
 * never on disk before the files it lists. */
static void dir_cache_sync(dir_cache *c)
{
    dir_cache_sync_under(c, NULL, 1);
}

/* Closes the handles of `rel` and of every folder below it (all when rel is
 * NULL), after an fsync of the dirty ones. */
static void dir_cache_forget(dir_cache *c, const char *rel)
{
    dir_cache_sync_under(c, rel, 0);
    size_t rl = rel ? strlen(rel) : 0, k = 0;
    for (size_t i = 0; i < c->n; i++) {
        cached_dir *e = &c->v[i];
        if (!rel || (strncmp(e->rel, rel, rl) == 0 && (e->rel[rl] == '\0' || e->rel[rl] == '/'))) {
            close(e->fd);
            free(e->rel);
        } else
            c->v[k++] = *e;
    }
    c->n = k;
}

static void dir_cache_fini(dir_cache *c)
{
    dir_cache_sync(c);
    dir_cache_forget(c, NULL);
    free(c->v);
    free(c->outer);
    if (c->root >= 0)
        close(c->root);
    c->root = -1;
}

static cached_dir *dir_cache_find(dir_cache *c, const char *rel, size_t len)
{
    for (size_t i = 0; i < c->n; i++)
        if (strlen(c->v[i].rel) == len && memcmp(c->v[i].rel, rel, len) == 0)
            return &c->v[i];
    return NULL;
}

static void mark_dirty(dir_cache *c, const char *rel, size_t len)
{
    if (len == 0) {
        c->root_dirty = 1;
        return;
    }
    cached_dir *e = dir_cache_find(c, rel, len);
    if (e)
        e->dirty = 1;
}

/* Opens the folder rel[0..len) below the output folder, one component at a
 * time, never following a link; with `create`, missing folders are made. */
static dir_result dir_open(dir_cache *c, const char *rel, size_t len, int create)
{
    dir_result r = {DIR_OK, -1, 0, 0};
    if (c->root < 0) {
        r.st = DIR_MISSING;
        return r;
    }
    if (len == 0) {
        r.fd = c->root;
        return r;
    }
    cached_dir *hit = dir_cache_find(c, rel, len);
    if (hit) {
        r.fd = hit->fd;
        return r;
    }
    size_t plen = 0;
    for (size_t i = len; i > 0; i--)
        if (rel[i - 1] == '/') {
            plen = i - 1;
            break;
        }
    dir_result p = dir_open(c, rel, plen, create);
    if (p.st != DIR_OK)
        return p;
    char *name = mg_xstrndup(rel + (plen ? plen + 1 : 0), len - (plen ? plen + 1 : 0));
    int fd = openat(p.fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    int mkdir_err = 0;
    if (fd < 0 && errno == ENOENT && create) {
        if (mkdirat(p.fd, name, 0777) == 0)
            mark_dirty(c, rel, plen);
        else if (errno != EEXIST)
            mkdir_err = errno;
        fd = openat(p.fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    }
    if (fd < 0) {
        int err = mkdir_err ? mkdir_err : errno;
        struct stat sb;
        r.bad_len = len;
        r.err = err;
        /* ENOTDIR (or ELOOP) says only "not a real folder when opened"; a
         * second look tells a link from a file, unless it changed since. */
        int looked = err == ENOTDIR || err == ELOOP ? fstatat(p.fd, name, &sb, AT_SYMLINK_NOFOLLOW) == 0 : 0;
        if (err == ENOENT && !create)
            r.st = DIR_MISSING;
        else if (looked && S_ISLNK(sb.st_mode))
            r.st = DIR_IS_LINK;
        else if (looked && !S_ISDIR(sb.st_mode))
            r.st = DIR_IS_FILE;
        else if (looked)
            r.st = DIR_CHANGED;
        else
            r.st = DIR_ERRNO;
        free(name);
        return r;
    }
    free(name);
    if (c->n >= c->max)
        dir_cache_forget(c, NULL);
    c->v = mg_xgrow(c->v, c->n, &c->cap, sizeof *c->v);
    c->v[c->n].rel = mg_xstrndup(rel, len);
    c->v[c->n].fd = fd;
    c->v[c->n].dirty = 0;
    c->n++;
    r.fd = fd;
    return r;
}

/* The place, origin and JSON pointer that errors about the file `f` name;
 * a NULL `f` is a path of the manifest. */
#define FILE_PLACE(f)                                                   \
    mg_mark at = (f) ? (f)->at : mg_mark_at(NULL, 0, 0);                \
    const char *from = (f) ? (f)->origin : "the manifest";              \
    const char *ptr = (f) ? (f)->pointer : NULL

/* Reports why output path `rel` cannot be reached (r.st is not DIR_OK or
 * DIR_MISSING); `f` as in FILE_PLACE. */
static void report_dir(dir_cache *c, const dir_result *r, const char *rel, const mg_emit_file *f, mg_diag *d)
{
    FILE_PLACE(f);
    mg_buf pb, ob;
    mg_buf_init(&pb);
    mg_buf_init(&ob);
    char *prefix = mg_xstrndup(rel, r->bad_len);
    char *where = join(c->out_dir, prefix);
    const char *p = shown(&pb, rel, strlen(rel)), *o = shown(&ob, from, strlen(from));
    switch (r->st) {
    case DIR_IS_LINK:
        mg_diag_error_ptr(d, at, ptr,
                          "output path '%s' (from %s) goes through '%s', a symbolic link; msggen does not "
                          "follow symbolic links inside the output folder (make it a real folder)",
                          p, o, where);
        break;
    case DIR_IS_FILE:
        mg_diag_error_ptr(d, at, ptr, "output path '%s' (from %s) needs '%s' to be a folder, but it is a file", p, o,
                          where);
        break;
    case DIR_CHANGED:
        mg_diag_error_ptr(d, at, ptr,
                          "output path '%s' (from %s): '%s' changed while msggen opened it (it was a symbolic "
                          "link or a file for a moment); nothing else may change the output folder during a run",
                          p, o, where);
        break;
    default:
        mg_diag_error_ptr(d, at, ptr, "output path '%s' (from %s): cannot open the folder '%s': %s", p, o, where,
                          strerror(r->err));
        break;
    }
    free(prefix);
    free(where);
    mg_buf_fini(&pb);
    mg_buf_fini(&ob);
}

/* ---- the manifest ---- */

static void manifest_fini(manifest *m)
{
    for (size_t i = 0; i < m->n; i++)
        free(m->v[i].path);
    free(m->v);
    mg_buf_fini(&m->raw);
}

/* Reads <out>/.msggen-manifest when there is one. A manifest we cannot trust
 * is an error rather than an empty list: with an empty list we would refuse to
 * touch every file (or, with --force, forget which files were ours). */
static int manifest_read(manifest *m, dir_cache *c, const char *mpath, mg_diag *d)
{
    memset(m, 0, sizeof *m);
    m->version = MANIFEST_VERSION;
    mg_buf_init(&m->raw);
    if (c->root < 0)
        return 0;
    struct stat sb;
    int fd = open_regular(c->root, MG_EMIT_MANIFEST, &sb);
    if (fd < 0 && errno == ENOENT)
        return 0;
    if (fd < 0 || read_fd(fd, &m->raw, MG_MAX_INPUT_BYTES) != 0) {
        int err = errno;
        if (fd >= 0)
            close(fd);
        mg_diag_error(d, mg_mark_at(mpath, 0, 0), "cannot read the manifest: %s",
                      err == ELOOP ? "it is a symbolic link" : err == EISDIR || err == EINVAL
                                                                   ? "not a regular file"
                                                                   : strerror(err));
        return -1;
    }
    close(fd);
    m->exists = 1;
    const char *p = m->raw.data ? m->raw.data : "";
    size_t len = m->raw.len;
    int lineno = 0, bad = 0;
    for (size_t i = 0; i < len;) {
        const char *nl = memchr(p + i, '\n', len - i);
        size_t end = nl ? (size_t)(nl - p) : len;
        const char *l = p + i;
        size_t ll = end - i;
        lineno++;
        i = end + 1;
        /* Only the first line says the format; a manifest without that line
         * (written by hand) is read as the current one. */
        if (lineno == 1 && ll >= sizeof MANIFEST_V1_HEAD - 1 &&
            !memcmp(l, MANIFEST_V1_HEAD, sizeof MANIFEST_V1_HEAD - 1))
            m->version = 1;
        if (ll == 0 || l[0] == '#')
            continue;
        uint64_t h = 0;
        int ok = ll > 17 && l[16] == ' ';
        for (int k = 0; ok && k < 16; k++) {
            /* We write lowercase hex, and read back only what we write. */
            int v = l[k] >= 'A' && l[k] <= 'F' ? -1 : mg_hexval(l[k]);
            if (v < 0)
                ok = 0;
            h = h << 4 | (uint64_t)(v < 0 ? 0 : v);
        }
        const char *why = ok ? path_problem(l + 17, ll - 17) : NULL;
        if (!ok || why) {
            if (!ok)
                mg_diag_error(d, mg_mark_at(mpath, lineno, 1),
                              "malformed manifest line (want 16 hex digits, a space and a path); "
                              "restore the file, or delete it and rerun with --force");
            else {
                mg_buf pb;
                mg_buf_init(&pb);
                mg_diag_error(d, mg_mark_at(mpath, lineno, 18), "manifest path '%s' %s",
                              shown(&pb, l + 17, ll - 17), why);
                mg_buf_fini(&pb);
            }
            bad = 1;
            continue;
        }
        m->v = mg_xgrow(m->v, m->n, &m->cap, sizeof *m->v);
        m->v[m->n].path = mg_xstrndup(l + 17, ll - 17);
        m->v[m->n].hash = h;
        m->n++;
    }
    if (m->n)
        qsort(m->v, m->n, sizeof *m->v, cmp_manifest);
    return bad ? -1 : 0;
}

/* ---- looking at the disk ---- */

/* `check --stat`: one line per file that generate would change, with the
 * lines it adds and removes and a bar of at most STAT_BAR characters, as
 * `git diff --stat` prints them; then the totals. */
#define STAT_BAR 40
typedef struct stat_row {
    char *path;
    size_t added, removed;
    int binary;
} stat_row;

typedef struct stat_list {
    stat_row *v;
    size_t n, cap;
} stat_list;

static void stat_add(stat_list *l, const char *path, const char *a, size_t alen, const char *b,
                     size_t blen)
{
    l->v = mg_xgrow(l->v, l->n, &l->cap, sizeof *l->v);
    stat_row *r = &l->v[l->n++];
    memset(r, 0, sizeof *r);
    r->path = mg_xstrdup(path);
    r->binary = (a && memchr(a, '\0', alen)) || (b && memchr(b, '\0', blen));
    if (!r->binary)
        mg_diff_stat(a ? a : "", alen, b ? b : "", blen, &r->added, &r->removed);
}

/* Prints the rows and the totals, and empties the list. */
static void stat_print(stat_list *l, FILE *out)
{
    size_t width = 0, most = 0, files = 0, added = 0, removed = 0;
    for (size_t i = 0; i < l->n; i++) {
        size_t w = strlen(l->v[i].path);
        width = w > width ? w : width;
        most = l->v[i].added + l->v[i].removed > most ? l->v[i].added + l->v[i].removed : most;
    }
    for (size_t i = 0; i < l->n; i++) {
        stat_row *r = &l->v[i];
        if (r->binary) {
            fprintf(out, " %-*s | Bin\n", (int)width, r->path);
        } else {
            size_t total = r->added + r->removed;
            /* Scaled like git: every changed file gets at least one mark. */
            size_t plus = r->added, minus = r->removed;
            if (most > STAT_BAR) {
                plus = (r->added * STAT_BAR + most - 1) / most;
                minus = (r->removed * STAT_BAR + most - 1) / most;
            }
            fprintf(out, " %-*s | %zu ", (int)width, r->path, total);
            for (size_t k = 0; k < plus; k++)
                fputc('+', out);
            for (size_t k = 0; k < minus; k++)
                fputc('-', out);
            fputc('\n', out);
        }
        files++;
        added += r->added;
        removed += r->removed;
        free(r->path);
    }
    free(l->v);
    memset(l, 0, sizeof *l);
    if (files)
        fprintf(out, " %zu file%s changed, %zu insertion%s(+), %zu deletion%s(-)\n", files,
                files == 1 ? "" : "s", added, added == 1 ? "" : "s", removed, removed == 1 ? "" : "s");
}

/* Opens the existing file of `e` through its folder's handle and notes its
 * mode; *fd is left open for the caller, *size is its size. Returns 1 when
 * it exists, 0 when not, -1 after an error; a symbolic link, a folder or a
 * special file there is an error. */
static int open_existing(dir_cache *c, entry *e, const mg_emit_file *f, int *fdp, uint64_t *size, mg_diag *d)
{
    FILE_PLACE(f);
    *fdp = -1;
    size_t pl = parent_len(e->path);
    dir_result r = dir_open(c, e->path, pl, 0);
    if (r.st == DIR_MISSING)
        return 0;
    if (r.st != DIR_OK) {
        report_dir(c, &r, e->path, f, d);
        return -1;
    }
    const char *name = base_name(e->path);
    struct stat sb;
    mg_buf pb, ob;
    mg_buf_init(&pb);
    mg_buf_init(&ob);
    const char *p = shown(&pb, e->path, strlen(e->path)), *o = shown(&ob, from, strlen(from));
    int rc = -1;
    int fd = open_regular(r.fd, name, &sb);
    if (fd < 0 && errno == ENOENT)
        rc = 0;
    else if (fd < 0 && errno == ELOOP)
        mg_diag_error_ptr(d, at, ptr,
                          "output path '%s' (from %s) names '%s', a symbolic link; msggen does not follow "
                          "symbolic links inside the output folder (delete the link)",
                          p, o, e->full);
    else if (fd < 0 && errno == EISDIR)
        mg_diag_error_ptr(d, at, ptr, "output path '%s' (from %s) names '%s', which is a folder", p, o, e->full);
    else if (fd < 0 && errno == EINVAL)
        mg_diag_error(d, mg_mark_at(e->full, 0, 0), "is not a regular file; msggen writes only regular files");
    else if (fd < 0)
        mg_diag_error(d, mg_mark_at(e->full, 0, 0), "cannot read: %s", strerror(errno));
    else {
        e->have_mode = 1;
        e->mode = sb.st_mode & 07777;
        *fdp = fd;
        *size = (uint64_t)sb.st_size;
        rc = 1;
    }
    mg_buf_fini(&pb);
    mg_buf_fini(&ob);
    return rc;
}

/* Reads the existing file of `e`, open as `fd`, whole into e->disk (from its
 * start). Returns 0, or -1 after reporting the error. */
static int read_existing(entry *e, int fd, mg_diag *d)
{
    mg_buf_reset(&e->disk);
    if (lseek(fd, 0, SEEK_SET) != 0 || read_fd(fd, &e->disk, (size_t)-1 / 2) != 0) {
        mg_diag_error(d, mg_mark_at(e->full, 0, 0), "cannot read: %s", strerror(errno));
        return -1;
    }
    return 0;
}

/* Reads up to `n` bytes of `fd` into `b` (replacing its content): fewer only
 * at the end of the file. Returns 0, or -1 with errno. */
static int read_chunk(int fd, mg_buf *b, size_t n)
{
    mg_buf_reset(b);
    mg_buf_reserve(b, n);
    while (b->len < n) {
        ssize_t r = read(fd, b->data + b->len, n - b->len);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return -1;
        if (r == 0)
            break;
        b->len += (size_t)r;
    }
    b->data[b->len] = '\0';
    return 0;
}

static int same_bytes(const mg_buf *b, const char *data, size_t len)
{
    return b->len == len && (len == 0 || memcmp(b->data, data, len) == 0);
}

/* ---- the spill ---- */

struct mg_emit_spill {
    int fd;          /* an unlinked temporary file */
    uint64_t end;    /* bytes written so far: the next file's offset */
    int streaming;   /* a stream (mg_emit_stream_begin) has not ended */
};

/* Writes len bytes at `pos` of the spill. Returns 0, or -1. */
static int spill_pwrite(mg_emit_spill *sp, uint64_t pos, const char *data, size_t len)
{
    for (size_t done = 0; done < len;) {
        ssize_t w = pwrite(sp->fd, data + done, len - done, (off_t)(pos + done));
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        done += (size_t)w;
    }
    return 0;
}

/* Appends len bytes at the spill's end; their offset goes to *off. Returns 0,
 * or -1 (the spill is unchanged: the next file is written at the same place). */
static int spill_write(mg_emit_spill *sp, const char *data, size_t len, uint64_t *off)
{
    if (spill_pwrite(sp, sp->end, data, len) != 0)
        return -1;
    *off = sp->end;
    sp->end += len;
    return 0;
}

/* Reads len bytes at `pos` of the spill into dst. Returns 0, or -1 after
 * reporting the error (naming the file `path`). */
static int spill_pread(const mg_emit_spill *sp, uint64_t pos, char *dst, size_t len, const char *path, mg_diag *d)
{
    for (size_t done = 0; done < len;) {
        ssize_t r = pread(sp->fd, dst + done, len - done, (off_t)(pos + done));
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0) {
            mg_diag_error(d, mg_mark_at(NULL, 0, 0), "cannot read back the rendered '%s' from msggen's temporary file: %s",
                          path, r < 0 ? strerror(errno) : "it is shorter than written");
            return -1;
        }
        done += (size_t)r;
    }
    return 0;
}

/* copy_file_range(2) of n bytes from `in` at *in_off (advanced) to `out` at
 * its offset (advanced): the kernel copies them from the spill's page cache
 * into the file's, where reading them back into a buffer and writing that
 * copied them twice, through msggen's memory (the output is 950 MB at
 * 10 000 messages).
 * Returns the bytes copied, or -1 with errno (ENOSYS where there is no
 * such call; EXDEV between file systems, among others). A test that
 * includes emit.c may name its own function, to make it fail. */
static ssize_t copy_range(int in, int64_t *in_off, int out, size_t n)
{
#if defined(__linux__) && defined(SYS_copy_file_range)
    return (ssize_t)syscall(SYS_copy_file_range, in, in_off, out, NULL, n, 0u);
#else
    (void)in, (void)in_off, (void)out, (void)n;
    errno = ENOSYS;
    return -1;
#endif
}
#ifndef MG_EMIT_COPY_RANGE
#define MG_EMIT_COPY_RANGE copy_range
#endif

/* Starts writing the file open as `fd` to disk (sync_file_range(2) with
 * SYNC_FILE_RANGE_WRITE: no wait), so that its batch's fsync later finds
 * it written or under way, and the disk writes one file while the next
 * are copied. Only a hint: the fsync is what the guarantees rest on. A
 * test that includes emit.c may name its own function, to count calls. */
static void start_writeback(int fd)
{
#if defined(__linux__) && defined(SYS_sync_file_range)
    (void)syscall(SYS_sync_file_range, fd, (int64_t)0, (int64_t)0, 2u /* SYNC_FILE_RANGE_WRITE */);
#else
    (void)fd;
#endif
}
#ifndef MG_EMIT_START_WRITEBACK
#define MG_EMIT_START_WRITEBACK start_writeback
#endif

/* Copies what it can of the first len bytes of spilled file f into `fd`
 * (at its offset) with copy_file_range; returns how many bytes. Whatever
 * stops it (no such call, other file systems, a read or write error, a
 * spill shorter than written) leaves the rest to stage_file's own reads
 * and writes, which report a real error as they always did. */
static size_t copy_spilled(const mg_emit_file *f, int fd, size_t len)
{
    int64_t in = (int64_t)f->off;
    size_t done = 0;
    while (done < len) {
        ssize_t c = MG_EMIT_COPY_RANGE(f->spill->fd, &in, fd, len - done);
        if (c < 0 && errno == EINTR)
            continue;
        if (c <= 0)
            break;
        done += (size_t)c;
    }
    return done;
}

/* Bytes [pos, pos + n) of f's content: in its data, or read back from the
 * spill into `tmp` (valid until tmp's next use). NULL after reporting a
 * read error. */
static const char *file_chunk(const mg_emit_file *f, uint64_t pos, size_t n, mg_buf *tmp, mg_diag *d)
{
    if (!f->spill)
        return f->data ? f->data + pos : "";
    mg_buf_reset(tmp);
    mg_buf_reserve(tmp, n);
    if (spill_pread(f->spill, f->off + pos, tmp->data, n, f->path, d) != 0)
        return NULL;
    tmp->len = n;
    tmp->data[tmp->len] = '\0';
    return tmp->data;
}

/* The content of `f`, whole (check's diffs): as file_chunk. */
static const char *file_bytes(const mg_emit_file *f, mg_buf *tmp, mg_diag *d)
{
    return file_chunk(f, 0, f->len, tmp, d);
}

/* Whether the file open as `fd` (at its start) holds exactly f's content,
 * compared a chunk at a time through `disk` and `tmp`, so that neither side
 * is ever held whole. Returns 1 (same), 0 (different), or -1 after
 * reporting an error (`full` names the file on disk). */
static int same_as_file(int fd, const mg_emit_file *f, const char *full, mg_buf *disk, mg_buf *tmp, mg_diag *d)
{
    for (uint64_t pos = 0;;) {
        if (read_chunk(fd, disk, MG_EMIT_CHUNK) != 0) {
            mg_diag_error(d, mg_mark_at(full, 0, 0), "cannot read: %s", strerror(errno));
            return -1;
        }
        if (disk->len == 0)
            return pos == f->len;
        if (disk->len > f->len - pos)
            return 0;
        const char *mine = file_chunk(f, pos, disk->len, tmp, d);
        if (!mine)
            return -1;
        if (memcmp(mine, disk->data, disk->len) != 0)
            return 0;
        pos += disk->len;
    }
}

/* The manifest hash of `version` over the file open as `fd` (at its start),
 * read a chunk at a time. Returns 0, or -1 with errno. */
static int hash_fd(int fd, int version, mg_buf *chunk, uint64_t *out)
{
    mg_xxh64 x;
    mg_xxh64_init(&x);
    uint64_t fnv = 14695981039346656037ull; /* mg_hash_fnv1a64's, as it goes */
    do {
        if (read_chunk(fd, chunk, MG_EMIT_CHUNK) != 0)
            return -1;
        if (version == 1)
            for (size_t i = 0; i < chunk->len; i++)
                fnv = (fnv ^ (unsigned char)chunk->data[i]) * 1099511628211ull;
        else
            mg_xxh64_update(&x, chunk->data, chunk->len);
    } while (chunk->len == MG_EMIT_CHUNK);
    *out = version == 1 ? fnv : mg_xxh64_digest(&x);
    return 0;
}

/* The manifest's hash of f's content (taken when it was spilled). */
static uint64_t file_hash(const mg_emit_file *f)
{
    return f->spill ? f->hash : mg_emit_hash(f->data, f->len);
}

/* Finds temporary files that a killed run left in the folders of `es` (and in
 * the output folder itself, where the manifest's goes): regular files whose
 * names match is_tmp_name exactly. Appends their relative paths, sorted, to
 * `out` (owned strings). Folders that do not exist or cannot be opened are
 * skipped: the plan reports those. */
static void find_leftovers(dir_cache *c, const entry *es, size_t ne, char ***out, size_t *nout)
{
    char **dirs = NULL;
    size_t nd = 0, dcap = 0;
    for (size_t i = 0; i <= ne; i++) {
        dirs = mg_xgrow(dirs, nd, &dcap, sizeof *dirs);
        dirs[nd++] = i < ne ? mg_xstrndup(es[i].path, parent_len(es[i].path)) : mg_xstrndup("", 0);
    }
    qsort(dirs, nd, sizeof *dirs, cmp_str);
    size_t cap = 0;
    for (size_t i = 0; i < nd; i++) {
        if (i > 0 && strcmp(dirs[i], dirs[i - 1]) == 0)
            continue;
        dir_result r = dir_open(c, dirs[i], strlen(dirs[i]), 0);
        int fd = r.st == DIR_OK ? dup(r.fd) : -1;
        DIR *dh = fd >= 0 ? fdopendir(fd) : NULL;
        if (!dh) {
            if (fd >= 0)
                close(fd);
            continue;
        }
        size_t first = *nout;
        for (struct dirent *de; (de = readdir(dh));) {
            struct stat sb;
            if (!is_tmp_name(de->d_name) || fstatat(dirfd(dh), de->d_name, &sb, AT_SYMLINK_NOFOLLOW) != 0 ||
                !S_ISREG(sb.st_mode))
                continue;
            *out = mg_xgrow(*out, *nout, &cap, sizeof **out);
            (*out)[(*nout)++] = *dirs[i] ? join(dirs[i], de->d_name) : mg_xstrndup(de->d_name, strlen(de->d_name));
        }
        closedir(dh);
        if (*nout - first > 1)
            qsort(*out + first, *nout - first, sizeof **out, cmp_str);
    }
    for (size_t i = 0; i < nd; i++)
        free(dirs[i]);
    free(dirs);
}

/* ---- writing ---- */

static mode_t default_mode(void)
{
    mode_t m = umask(022);
    umask(m);
    return 0666 & ~m;
}

/* "." STEM TMP_MARK XXXXXX for `name`: STEM is `name`, cut so that the whole
 * stays within NAME_MAX. The random part only avoids collisions (O_EXCL
 * decides), so a simple generator seeded from the clock and pid will do. */
static void tmp_name(mg_buf *b, const char *name)
{
    static unsigned long long seed;
    static const char digits[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    if (!seed) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        seed = ((unsigned long long)ts.tv_sec << 30) ^ (unsigned long long)ts.tv_nsec ^
               ((unsigned long long)getpid() << 12) ^ 0x9e3779b97f4a7c15ull;
    }
    size_t n = strlen(name);
    if (n > NAME_MAX - TMP_EXTRA)
        n = NAME_MAX - TMP_EXTRA;
    mg_buf_reset(b);
    mg_buf_putc(b, '.');
    mg_buf_append(b, name, n);
    mg_buf_append_str(b, TMP_MARK);
    for (int i = 0; i < TMP_RANDOM; i++) {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        mg_buf_putc(b, digits[seed % (sizeof digits - 1)]);
    }
}

typedef struct job job;

/* A changed file on its way: written under its temporary name and still
 * open, waiting for its fsync (sync_batch) and its rename (commit_batch). */
typedef struct staged {
    int dfd;              /* its folder; borrowed from the cache, which keeps
                           * it open while the batch is pending (see
                           * dir_open_keeps) */
    int fd;               /* the temporary file; -1 once closed */
    char *tmp;            /* owned: the temporary file's name in dfd */
    const char *name;     /* borrowed: the name it is renamed to */
    const char *full;     /* borrowed: the path for messages */
    const char *rel;      /* borrowed: relative path, whose folder the rename
                           * makes dirty; NULL for the manifest */
    int err;              /* errno of its fsync (sync_batch), or 0 */
    job *job;             /* borrowed: the output folder's emit it belongs to */
} staged;

/* Files staged and not yet renamed: at most SYNC_BATCH (each holds a file
 * handle until its rename). */
typedef struct batch {
    staged v[SYNC_BATCH];
    size_t n;
} batch;

/* Writes the content of `f` (read through `tmp`), or `data` when `f` is
 * NULL, into a new temporary file beside `name` in the folder `dfd`,
 * created exclusively (O_EXCL | O_NOFOLLOW: never an existing file or a
 * link), and gives it `mode`; it stays open, added to `b`, for sync_batch
 * and commit_batch. On failure the temporary file is removed and the error
 * reported. The caller makes room in `b` first. */
static int stage_file(batch *b, job *j, int dfd, const char *name, const char *rel, const char *full,
                      const mg_emit_file *f, const char *data, size_t len, mode_t mode, mg_buf *tmp, mg_diag *d)
{
    mg_buf t;
    mg_buf_init(&t);
    int fd = -1;
    for (int tries = 0; fd < 0 && tries < 100; tries++) {
        tmp_name(&t, name);
        fd = openat(dfd, t.data, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (fd < 0 && errno != EEXIST)
            break;
    }
    if (fd < 0) {
        mg_diag_error(d, mg_mark_at(full, 0, 0), "cannot create a temporary file beside it: %s",
                      strerror(errno));
        mg_buf_fini(&t);
        return -1;
    }
    int err = 0, read_failed = 0;
    size_t at = f && f->spill ? copy_spilled(f, fd, len) : 0;
    while (at < len && !err && !read_failed) {
        /* A spilled file goes over a chunk at a time: never held whole. */
        size_t n = f && f->spill && len - at > MG_EMIT_CHUNK ? MG_EMIT_CHUNK : len - at;
        const char *p = f ? file_chunk(f, at, n, tmp, d) : data + at;
        if (!p) {
            read_failed = 1;
            break;
        }
        for (size_t off = 0; off < n;) {
            ssize_t w = write(fd, p + off, n - off);
            if (w < 0) {
                if (errno == EINTR)
                    continue;
                err = errno;
                break;
            }
            off += (size_t)w;
        }
        at += n;
    }
    if (!err && !read_failed && fchmod(fd, mode) != 0)
        err = errno;
    if (!err && !read_failed)
        MG_EMIT_START_WRITEBACK(fd);
    if (err || read_failed) { /* a read failure was reported by file_chunk */
        close(fd);
        unlinkat(dfd, t.data, 0);
        if (err)
            mg_diag_error(d, mg_mark_at(full, 0, 0), "cannot write: %s", strerror(err));
        mg_buf_fini(&t);
        return -1;
    }
    staged *s = &b->v[b->n++];
    s->dfd = dfd;
    s->fd = fd;
    s->tmp = mg_buf_steal(&t, NULL);
    s->name = name;
    s->full = full;
    s->rel = rel;
    s->err = 0;
    s->job = j;
    return 0;
}

/* fsyncs every file of `b` at once (sync_fds), noting each one's error. */
static void sync_batch(batch *b)
{
    int fds[SYNC_BATCH], errs[SYNC_BATCH];
    for (size_t i = 0; i < b->n; i++)
        fds[i] = b->v[i].fd;
    sync_fds(fds, errs, b->n);
    for (size_t i = 0; i < b->n; i++)
        b->v[i].err = errs[i];
}

/* Closes staged file `s` and removes its temporary file. */
static void drop_staged(staged *s)
{
    if (s->fd >= 0)
        close(s->fd);
    s->fd = -1;
    unlinkat(s->dfd, s->tmp, 0);
    free(s->tmp);
    s->tmp = NULL;
}

/* One output folder's emit (mg_emit_run_all): its plan, then its part of
 * the writes, which share their batches with the other folders'. */
struct job {
    const char *out_dir;  /* borrowed */
    mg_emit_set *s;       /* borrowed */
    const mg_emit_opts *opts; /* borrowed */
    FILE *out;
    const char *label;
    mg_emit_stats st;
    char *mpath;          /* owned: <out_dir>/.msggen-manifest */
    manifest old;
    entry *es;            /* owned: the plan, sorted by path */
    size_t ne;
    char **left;          /* owned: leftover temporary files found */
    size_t nleft;
    mg_buf newman;        /* the manifest to write */
    int manifest_changes;
    dir_cache dc;
    staged man;           /* the manifest, once staged and synced (tmp set) */
    int failed;           /* an error was reported: nothing more is renamed */
    int rc;
};

/* After sync_batch: closes each file of `b` and renames it over its name
 * (within its folder handle: atomic, and rename replaces a link itself,
 * never its target), in order, marking its folder dirty so that it is
 * fsync'ed before the manifest (dir_cache_sync) or when its handle closes.
 * Readers see the old file or the new one, never half of one; after a crash
 * the file is the old or the new one once the folder is synced. The first
 * file of an output folder that failed is reported, and it and every file of
 * that folder after it are removed instead of renamed (as a run writing one
 * file at a time stops there; the folder's job is marked failed, so none of
 * its later files is staged either); other folders' files go on. The
 * manifest (rel NULL, staged after its folder's files) is closed, not
 * renamed: it moves to its job's `man`, to be renamed once every folder is
 * synced. Empties `b`. */
static void commit_batch(batch *b, mg_diag *d)
{
    for (size_t i = 0; i < b->n; i++) {
        staged *s = &b->v[i];
        job *j = s->job;
        int err = s->err;
        if (close(s->fd) != 0 && !err)
            err = errno;
        s->fd = -1;
        if (!j->failed && !err && s->rel && EMIT_RENAMEAT(s->dfd, s->tmp, s->dfd, s->name) != 0)
            err = errno;
        if (j->failed || err) {
            if (!j->failed)
                mg_diag_error(d, mg_mark_at(s->full, 0, 0), "cannot write: %s", strerror(err));
            j->failed = 1;
            drop_staged(s);
        } else if (!s->rel) {
            j->man = *s;
        } else {
            mark_dirty(&j->dc, s->rel, parent_len(s->rel));
            free(s->tmp);
        }
    }
    b->n = 0;
}

/* fsyncs the files of `b` together, then renames them (commit_batch). */
static void flush_batch(batch *b, mg_diag *d)
{
    if (!b->n)
        return;
    sync_batch(b);
    commit_batch(b, d);
}

/* Marks `j` failed after an error it reported, and takes its files out of
 * `b`: removed, never renamed. */
static void job_fail(job *j, batch *b)
{
    j->failed = 1;
    size_t k = 0;
    for (size_t i = 0; i < b->n; i++) {
        if (b->v[i].job == j)
            drop_staged(&b->v[i]);
        else
            b->v[k++] = b->v[i];
    }
    b->n = k;
}

/* Whether dir_open of rel[0..len) leaves every handle of the cache open: it
 * starts the cache over only when it must add a handle to a full cache, and
 * it adds at most one per component. Staged files borrow those handles. */
static int dir_open_keeps(dir_cache *c, const char *rel, size_t len)
{
    if (len == 0 || dir_cache_find(c, rel, len))
        return 1;
    size_t parts = 1;
    for (size_t i = 0; i < len; i++)
        parts += rel[i] == '/';
    return c->n + parts <= c->max;
}

/* Removes the folders of `rel` that a deletion left empty, deepest first;
 * stops at the first that is not empty (the removal fails) and never removes
 * the output folder itself. */
static void remove_empty_parents(dir_cache *c, const char *rel)
{
    char *p = mg_xstrndup(rel, strlen(rel));
    for (size_t len = parent_len(p); len > 0; len = parent_len(p)) {
        p[len] = '\0';
        size_t pl = parent_len(p);
        dir_result r = dir_open(c, p, pl, 0);
        if (r.st != DIR_OK || unlinkat(r.fd, base_name(p), AT_REMOVEDIR) != 0)
            break;
        mark_dirty(c, p, pl);
        dir_cache_forget(c, p);
    }
    free(p);
}

static void manifest_render(mg_buf *b, entry *es, size_t n)
{
    mg_buf_appendf(b, "# msggen-manifest %d (msggen %s): generated files and their XXH64 hashes; do not edit\n",
                   MANIFEST_VERSION, MG_VERSION);
    for (size_t i = 0; i < n; i++)
        if (es[i].file)
            mg_buf_appendf(b, "%016llx %s\n",
                           (unsigned long long)file_hash(es[i].file),
                           es[i].path);
}

/* Keeps a handle of the folder holding `path`, where a folder was just
 * made: dir_cache_sync makes that durable, with the output folder's own
 * changes (no wait of its own). */
static void add_outer(dir_cache *c, const char *path)
{
    const char *slash = strrchr(path, '/');
    char *parent = slash ? mg_xstrndup(path, slash == path ? 1 : (size_t)(slash - path)) : mg_xstrndup(".", 1);
    int fd = open(parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        c->outer = mg_xgrow(c->outer, c->nouter, &c->outer_cap, sizeof *c->outer);
        c->outer[c->nouter++] = fd;
    }
    free(parent);
}

/* Makes the output folder c->out_dir (and its parents, like mkdir -p) by
 * path: it is the user's choice of folder, so links in it are followed.
 * Returns 0 or -1 with errno. */
static int make_out_dir(dir_cache *c)
{
    if (!*c->out_dir) {
        errno = ENOENT;
        return -1;
    }
    char *p = mg_xstrndup(c->out_dir, strlen(c->out_dir));
    int rc = 0;
    for (size_t i = 1;; i++) {
        if (p[i] != '/' && p[i] != '\0')
            continue;
        char save = p[i];
        p[i] = '\0';
        if (mkdir(p, 0777) == 0)
            add_outer(c, p);
        else if (errno != EEXIST)
            rc = -1;
        p[i] = save;
        if (rc || save == '\0')
            break;
    }
    free(p);
    return rc;
}

/* ---- public ---- */

/* XXH64 (seed 0), written from its published specification: four
 * independent lanes of 8-byte words, so it runs at about 0.7 instructions a
 * byte where FNV-1a took 4.5 (FNV-1a was 90% of the emit stage). */
#define H_P1 0x9E3779B185EBCA87ull
#define H_P2 0xC2B2AE3D27D4EB4Full
#define H_P3 0x165667B19E3779F9ull
#define H_P4 0x85EBCA77C2B2AE63ull
#define H_P5 0x27D4EB2F165667C5ull

static inline uint64_t rotl64(uint64_t x, int r)
{
    return x << r | x >> (64 - r);
}

/* Little-endian loads, whatever the host: compilers make each one load.
 * Inline: gcc judged the eight byte loads too big to inline before merging
 * them, and called a function for every 8 bytes hashed. */
static inline uint64_t le64(const unsigned char *p)
{
    return (uint64_t)p[0] | (uint64_t)p[1] << 8 | (uint64_t)p[2] << 16 | (uint64_t)p[3] << 24 |
           (uint64_t)p[4] << 32 | (uint64_t)p[5] << 40 | (uint64_t)p[6] << 48 | (uint64_t)p[7] << 56;
}

static inline uint64_t le32(const unsigned char *p)
{
    return (uint64_t)p[0] | (uint64_t)p[1] << 8 | (uint64_t)p[2] << 16 | (uint64_t)p[3] << 24;
}

static inline uint64_t h_round(uint64_t acc, uint64_t in)
{
    return rotl64(acc + in * H_P2, 31) * H_P1;
}

static uint64_t h_merge(uint64_t h, uint64_t v)
{
    return (h ^ h_round(0, v)) * H_P1 + H_P4;
}

static void h_lanes_init(uint64_t v[4])
{
    v[0] = H_P1 + H_P2;
    v[1] = H_P2;
    v[2] = 0;
    v[3] = 0 - H_P1;
}

/* The four lanes over every whole 32-byte stripe of [p, end); returns where
 * the stripes end. */
static const unsigned char *h_stripes(uint64_t v[4], const unsigned char *p, const unsigned char *end)
{
    uint64_t v1 = v[0], v2 = v[1], v3 = v[2], v4 = v[3];
    for (; end - p >= 32; p += 32) {
        v1 = h_round(v1, le64(p));
        v2 = h_round(v2, le64(p + 8));
        v3 = h_round(v3, le64(p + 16));
        v4 = h_round(v4, le64(p + 24));
    }
    v[0] = v1;
    v[1] = v2;
    v[2] = v3;
    v[3] = v4;
    return p;
}

/* The hash of `total` bytes: the lanes (NULL when total < 32, which has
 * no stripe) and the last total % 32 bytes, [p, end). */
static uint64_t h_finish(const uint64_t *v, uint64_t total, const unsigned char *p, const unsigned char *end)
{
    uint64_t h;
    if (v) {
        h = rotl64(v[0], 1) + rotl64(v[1], 7) + rotl64(v[2], 12) + rotl64(v[3], 18);
        h = h_merge(h, v[0]);
        h = h_merge(h, v[1]);
        h = h_merge(h, v[2]);
        h = h_merge(h, v[3]);
    } else {
        h = H_P5;
    }
    h += total;
    for (; end - p >= 8; p += 8)
        h = rotl64(h ^ h_round(0, le64(p)), 27) * H_P1 + H_P4;
    if (end - p >= 4) {
        h = rotl64(h ^ le32(p) * H_P1, 23) * H_P2 + H_P3;
        p += 4;
    }
    for (; p < end; p++)
        h = rotl64(h ^ *p * H_P5, 11) * H_P1;
    h ^= h >> 33;
    h *= H_P2;
    h ^= h >> 29;
    h *= H_P3;
    h ^= h >> 32;
    return h;
}

uint64_t mg_hash_xxh64(const void *data, size_t len)
{
    const unsigned char *p = data, *end = p + len;
    uint64_t v[4];
    if (len < 32)
        return h_finish(NULL, len, p, end);
    h_lanes_init(v);
    p = h_stripes(v, p, end);
    return h_finish(v, len, p, end);
}

void mg_xxh64_init(mg_xxh64 *h)
{
    memset(h, 0, sizeof *h);
    h_lanes_init(h->v);
}

void mg_xxh64_update(mg_xxh64 *h, const void *data, size_t len)
{
    const unsigned char *p = data, *end = p + len;
    h->total += len;
    if (h->ntail) {
        size_t take = 32 - h->ntail < len ? 32 - h->ntail : len;
        memcpy(h->tail + h->ntail, p, take);
        h->ntail += take;
        p += take;
        if (h->ntail < 32)
            return;
        h_stripes(h->v, h->tail, h->tail + 32);
        h->ntail = 0;
    }
    p = h_stripes(h->v, p, end);
    memcpy(h->tail, p, (size_t)(end - p));
    h->ntail = (size_t)(end - p);
}

uint64_t mg_xxh64_digest(const mg_xxh64 *h)
{
    return h_finish(h->total >= 32 ? h->v : NULL, h->total, h->tail, h->tail + h->ntail);
}

uint64_t mg_hash_fnv1a64(const void *data, size_t len)
{
    const unsigned char *p = data;
    uint64_t h = 14695981039346656037ull;
    for (size_t i = 0; i < len; i++) {
        h ^= p[i];
        h *= 1099511628211ull;
    }
    return h;
}

uint64_t mg_emit_hash(const void *data, size_t len)
{
    return mg_hash_xxh64(data, len);
}

void mg_emit_set_init(mg_emit_set *s)
{
    s->files = NULL;
    s->n = s->cap = 0;
    s->spill = NULL;
}

void mg_emit_set_fini(mg_emit_set *s)
{
    for (size_t i = 0; i < s->n; i++) {
        mg_emit_file *f = &s->files[i];
        free(f->path);
        free(f->origin);
        if (f->release)
            f->release(f->data);
    }
    free(s->files);
    s->files = NULL;
    s->n = s->cap = 0;
}

void mg_emit_set_add(mg_emit_set *s, const char *path, size_t path_len, char *data, size_t len,
                     mg_emit_release release, const char *origin, mg_mark at)
{
    s->files = mg_xgrow(s->files, s->n, &s->cap, sizeof *s->files);
    mg_emit_file *f = &s->files[s->n++];
    f->path = mg_xstrndup(path, path_len);
    f->path_len = path_len;
    f->data = data;
    f->len = len;
    f->release = release;
    f->origin = mg_xstrndup(origin ? origin : "?", strlen(origin ? origin : "?"));
    f->at = at;
    f->pointer = NULL;
    f->spill = NULL;
    f->off = f->hash = 0;
    /* Borrowed data outlives the set anyway: only owned data is spilled. */
    if (s->spill && data && release && spill_write(s->spill, data, len, &f->off) == 0) {
        f->spill = s->spill;
        f->hash = mg_emit_hash(data, len);
        release(data);
        f->data = NULL;
        f->release = NULL;
    }
}

static void release_free(void *p)
{
    free(p);
}

/* buf.h's sink of a stream: the buffer's bytes go to the spill, hashed. */
static int stream_flush(mg_buf_sink *self, const char *data, size_t n)
{
    mg_emit_stream *st = (mg_emit_stream *)(void *)self; /* the first member */
    if (st->failed || spill_pwrite(st->spill, st->off + st->written, data, n) != 0) {
        st->failed = 1;
        return -1;
    }
    mg_xxh64_update(&st->hash, data, n);
    st->written += n;
    return 0;
}

void mg_emit_stream_begin(mg_emit_stream *st, mg_emit_spill *sp, mg_buf *b)
{
    if (sp->streaming) {
        fputs("msggen: bug: two streams into one spill\n", stderr);
        abort();
    }
    sp->streaming = 1;
    st->sink.flush = stream_flush;
    st->spill = sp;
    st->off = sp->end;
    st->written = 0;
    st->failed = 0;
    mg_xxh64_init(&st->hash);
    mg_buf_reset(b);
    b->sink = &st->sink;
}

void mg_emit_stream_drop(mg_emit_stream *st, mg_buf *b)
{
    st->spill->streaming = 0;
    b->sink = NULL;
    mg_buf_reset(b);
}

int mg_emit_set_add_stream(mg_emit_set *s, const char *path, size_t path_len, mg_emit_stream *st, mg_buf *b,
                           const char *origin, mg_mark at, mg_diag *d)
{
    mg_emit_spill *sp = st->spill;
    sp->streaming = 0;
    b->sink = NULL;
    if (!st->failed && b->len)
        stream_flush(&st->sink, b->data, b->len);
    if (!st->failed) {
        mg_emit_set_add(s, path, path_len, NULL, 0, NULL, origin, at);
        mg_emit_file *f = &s->files[s->n - 1];
        f->len = st->written;
        f->spill = sp;
        f->off = st->off;
        f->hash = mg_xxh64_digest(&st->hash);
        sp->end = st->off + st->written;
        mg_buf_reset(b);
        return 0;
    }
    /* The spill could not take it all: the file waits in memory, as
     * mg_emit_set_add keeps one the spill refuses. The bytes written before
     * the failure are read back. */
    size_t head = (size_t)st->written;
    char *data = mg_xmalloc(head + b->len + 1);
    if (spill_pread(sp, st->off, data, head, path, d) != 0) {
        free(data);
        mg_buf_reset(b);
        return -1;
    }
    if (b->len)
        memcpy(data + head, b->data, b->len);
    data[head + b->len] = '\0';
    mg_emit_set_add(s, path, path_len, data, head + b->len, release_free, origin, at);
    mg_buf_reset(b);
    return 0;
}

mg_emit_spill *mg_emit_spill_new(void)
{
    const char *dir = getenv("TMPDIR");
    char *name = join(dir && *dir ? dir : "/tmp", "msggen-spill-XXXXXX");
    int fd = mkstemp(name);
    if (fd >= 0) {
        unlink(name);
        fcntl(fd, F_SETFD, FD_CLOEXEC);
    }
    free(name);
    if (fd < 0)
        return NULL;
    mg_emit_spill *sp = mg_xcalloc(1, sizeof *sp);
    sp->fd = fd;
    return sp;
}

void mg_emit_spill_free(mg_emit_spill *sp)
{
    if (!sp)
        return;
    close(sp->fd);
    free(sp);
}

int mg_emit_check_paths(const char *out_dir, mg_emit_set *s, mg_diag *d)
{
    int before = d->errors;
    size_t olen = strlen(out_dir);
    size_t sep = olen && out_dir[olen - 1] != '/';
    mg_buf pb, ob, cb;
    mg_buf_init(&pb);
    mg_buf_init(&ob);
    mg_buf_init(&cb);
    for (size_t i = 0; i < s->n; i++) {
        mg_emit_file *f = &s->files[i];
        const char *p = shown(&pb, f->path, f->path_len), *o = shown(&ob, f->origin, strlen(f->origin));
        const char *why = path_problem(f->path, f->path_len);
        size_t at, longest = why ? 0 : longest_component(f->path, f->path_len, &at);
        if (why)
            mg_diag_error_ptr(d, f->at, f->pointer, "output path '%s' (from %s) %s", p, o, why);
        else if (longest > NAME_MAX && longest == f->path_len)
            mg_diag_error_ptr(d, f->at, f->pointer,
                              "output path '%s' (from %s) is a name of %zu bytes; file systems allow at most "
                              "%d (NAME_MAX): shorten it",
                              p, o, longest, NAME_MAX);
        else if (longest > NAME_MAX)
            mg_diag_error_ptr(d, f->at, f->pointer,
                              "output path '%s' (from %s) has a name of %zu bytes ('%s'); file systems allow "
                              "at most %d (NAME_MAX): shorten it",
                              p, o, longest, shown(&cb, f->path + at, longest), NAME_MAX);
        else if (olen + sep + f->path_len >= PATH_MAX)
            mg_diag_error_ptr(d, f->at, f->pointer,
                              "output path '%s' (from %s) is %zu bytes long in the output folder '%s'; paths "
                              "may have at most %d (PATH_MAX - 1): shorten it",
                              p, o, olen + sep + f->path_len, shown(&cb, out_dir, olen), PATH_MAX - 1);
    }
    if (d->errors == before) {
        if (s->n)
            qsort(s->files, s->n, sizeof *s->files, cmp_file);
        for (size_t i = 1; i < s->n; i++)
            if (cmp_file(&s->files[i - 1], &s->files[i]) == 0)
                mg_diag_error_ptr(d, s->files[i].at, s->files[i].pointer, "duplicate output path '%s': produced by %s and by %s",
                                  shown(&pb, s->files[i].path, s->files[i].path_len), s->files[i - 1].origin,
                                  s->files[i].origin);
    }
    mg_buf_fini(&pb);
    mg_buf_fini(&ob);
    mg_buf_fini(&cb);
    return d->errors > before ? -1 : 0;
}

static void job_init(job *j, const char *out_dir, mg_emit_set *s, const mg_emit_opts *opts)
{
    memset(j, 0, sizeof *j);
    j->out_dir = out_dir;
    j->s = s;
    j->opts = opts;
    j->out = opts->out ? opts->out : stdout;
    j->label = opts->label ? opts->label : out_dir;
    j->rc = -1;
    mg_buf_init(&j->old.raw);
    mg_buf_init(&j->newman);
    dir_cache_init(&j->dc, out_dir);
    j->man = (staged){-1, -1, NULL, NULL, NULL, NULL, 0, NULL};
}

/* After an error: the manifest, staged and synced, is not renamed. */
static void job_fini(job *j)
{
    if (j->man.tmp)
        drop_staged(&j->man);
    for (size_t i = 0; i < j->ne; i++) {
        free(j->es[i].full);
        mg_buf_fini(&j->es[i].disk);
    }
    free(j->es);
    for (size_t i = 0; i < j->nleft; i++)
        free(j->left[i]);
    free(j->left);
    dir_cache_fini(&j->dc);
    manifest_fini(&j->old);
    mg_buf_fini(&j->newman);
    free(j->mpath);
}

/* Steps 1 and 2: the paths, then the old manifest and the disk. `mine` and
 * `chunk` are scratch (a spilled file's bytes read back, a file's bytes on
 * disk, a chunk at a time). Returns 0, or -1 after reporting. */
static int job_plan(job *j, mg_buf *mine, mg_buf *chunk, mg_diag *d)
{
    const mg_emit_opts *opts = j->opts;
    const char *out_dir = j->out_dir;
    mg_emit_set *s = j->s;
    int errors_before = d->errors;

    /* 1. Paths, on their own. */
    if (mg_emit_check_paths(out_dir, s, d) != 0)
        return -1;

    /* 2. The old manifest and the disk, through the output folder's handle.
     * The -o folder itself is the user's: a link there is followed. */
    j->mpath = join(out_dir, MG_EMIT_MANIFEST);
    dir_cache *dc = &j->dc;
    dc->root = open(out_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dc->root < 0 && errno != ENOENT) {
        mg_diag_error(d, mg_mark_at(out_dir, 0, 0), "%s",
                      errno == ENOTDIR ? "output folder is a file" : strerror(errno));
        return -1;
    }
    if (manifest_read(&j->old, dc, j->mpath, d) != 0)
        return -1;
    manifest *old = &j->old;

    entry *es = calloc(s->n + old->n + 1, sizeof *es);
    if (!es)
        abort();
    j->es = es;
    size_t ne = 0;
    for (size_t i = 0; i < s->n; i++) {
        entry *e = &es[ne++];
        j->ne = ne;
        e->file = &s->files[i];
        e->path = e->file->path;
        e->full = join(out_dir, e->path);
        mg_buf_init(&e->disk);
        e->st = ST_CREATE;
        int fd;
        uint64_t size;
        if (open_existing(dc, e, e->file, &fd, &size, d) <= 0)
            continue;
        const manifest_entry *me = manifest_find(old, e->path);
        /* Compared a chunk at a time: a big file is never held twice (its
         * bytes on disk and its generated bytes read back from the spill). */
        int same = size == e->file->len ? same_as_file(fd, e->file, e->full, chunk, mine, d) : 0;
        if (same < 0) {
            close(fd);
            continue;
        }
        e->st = same ? ST_SAME : ST_UPDATE;
        /* A file we would write that msggen did not generate is someone
         * else's. If its bytes are already ours we adopt it (this also heals
         * a run that stopped before writing its manifest). */
        if (!me && !same) {
            e->untracked = 1;
            if (opts->mode != MG_EMIT_CHECK && !opts->force)
                mg_diag_error_ptr(d, e->file->at, e->file->pointer,
                                  "'%s' exists and was not generated by msggen (it is not in %s); "
                                  "move it away, or use --force to overwrite it",
                                  e->full, j->mpath);
        }
        /* Only check's diff of a file it reports different needs the bytes
         * on disk: read whole, and kept for the report. */
        if (opts->mode == MG_EMIT_CHECK && e->st == ST_UPDATE && !e->untracked)
            read_existing(e, fd, d);
        close(fd);
    }
    for (size_t i = 0; i < old->n; i++) {
        const char *p = old->v[i].path;
        mg_emit_file key = {(char *)(uintptr_t)p, strlen(p), NULL, 0, NULL, NULL, {NULL, 0, 0}, NULL, NULL, 0, 0};
        if (s->n && bsearch(&key, s->files, s->n, sizeof *s->files, cmp_file))
            continue;
        entry *e = &es[ne++];
        j->ne = ne;
        e->path = p;
        e->full = join(out_dir, p);
        mg_buf_init(&e->disk);
        e->st = ST_GONE;
        int fd;
        uint64_t size, h = 0;
        if (open_existing(dc, e, NULL, &fd, &size, d) <= 0)
            continue;
        /* check --stat shows a file it would delete: that one is read whole
         * (and kept); the others are hashed a chunk at a time. */
        if (opts->mode == MG_EMIT_CHECK && opts->stat) {
            if (read_existing(e, fd, d) == 0)
                h = manifest_hash(old->version, e->disk.data, e->disk.len);
        } else if (hash_fd(fd, old->version, chunk, &h) != 0)
            mg_diag_error(d, mg_mark_at(e->full, 0, 0), "cannot read: %s", strerror(errno));
        close(fd);
        e->st = h == old->v[i].hash ? ST_DELETE : ST_KEEP;
        if (e->st != ST_DELETE) {
            mg_buf_fini(&e->disk);
            mg_buf_init(&e->disk);
        }
    }
    if (d->errors > errors_before)
        return -1;
    qsort(es, ne, sizeof *es, cmp_entry);
    find_leftovers(dc, es, ne, &j->left, &j->nleft);
    j->st.leftover = (int)j->nleft;
    manifest_render(&j->newman, es, ne);
    j->manifest_changes = !old->exists || !same_bytes(&old->raw, j->newman.data, j->newman.len);
    return 0;
}

/* Step 3 of check: the report and its summary. Returns 1 (drift), 0 (in
 * sync) or -1 after reporting. */
static int job_check(job *j, mg_buf *mine, mg_diag *d)
{
    const mg_emit_opts *opts = j->opts;
    FILE *out = j->out;
    mg_emit_stats *stp = &j->st;
    mg_buf diff;
    mg_buf_init(&diff);
    int nfiles = 0;
    stat_list sl = {0};
    int unread = 0;
    for (size_t i = 0; i < j->nleft; i++) {
        char *full = join(j->out_dir, j->left[i]);
        fprintf(out, "leftover: %s (temporary file of an interrupted run; 'msggen generate' deletes it)\n",
                full);
        free(full);
    }
    for (size_t i = 0; i < j->ne && !unread; i++) {
        entry *e = &j->es[i];
        nfiles += e->file != NULL;
        /* The generated bytes, where the report shows them. */
        const char *data = NULL;
        if (e->file && ((e->st == ST_CREATE && opts->stat) || (e->st == ST_UPDATE && !e->untracked)) &&
            !(data = file_bytes(e->file, mine, d))) {
            unread = 1;
            break;
        }
        switch (e->st) {
        case ST_CREATE:
            if (opts->stat)
                stat_add(&sl, e->full, NULL, 0, data, e->file->len);
            else
                fprintf(out, "missing: %s\n", e->full);
            stp->missing++;
            break;
        case ST_UPDATE:
            if (e->untracked) {
                fprintf(out, "untracked: %s (exists with other content, but msggen did not generate it)\n",
                        e->full);
                stp->untracked++;
                break;
            }
            stp->different++;
            if (opts->stat) {
                stat_add(&sl, e->full, e->disk.data, e->disk.len, data, e->file->len);
                break;
            }
            fprintf(out, "different: %s\n", e->full);
            mg_buf_reset(&diff);
            if (memchr(e->disk.data, '\0', e->disk.len) || memchr(data, '\0', e->file->len))
                mg_buf_append_str(&diff, "binary files differ\n");
            else {
                char *a = join(e->full, "(on disk)"), *b = join(e->full, "(generated)");
                /* "--- out/x (on disk)" reads better than a joined path. */
                a[strlen(e->full)] = ' ';
                b[strlen(e->full)] = ' ';
                mg_diff_unified(&diff, e->disk.data ? e->disk.data : "", e->disk.len, data, e->file->len, a, b,
                                MG_EMIT_DIFF_LINES);
                free(a);
                free(b);
            }
            fwrite(diff.data, 1, diff.len, out);
            break;
        case ST_DELETE:
        case ST_KEEP:
            if (opts->stat && e->st == ST_DELETE)
                stat_add(&sl, e->full, e->disk.data, e->disk.len, NULL, 0);
            else
                fprintf(out, "stale: %s (generated earlier, no longer produced; 'msggen generate' %s)\n",
                        e->full, e->st == ST_DELETE ? "deletes it" : "keeps it: it was modified");
            stp->stale++;
            break;
        default:
            break;
        }
    }
    mg_buf_fini(&diff);
    if (unread) {
        for (size_t i = 0; i < sl.n; i++)
            free(sl.v[i].path);
        free(sl.v);
        return -1;
    }
    stat_print(&sl, out);
    /* A leftover is drift: generate would change the folder by deleting it. */
    int drift = stp->missing + stp->different + stp->stale + stp->untracked + stp->leftover;
    if (!drift && j->manifest_changes) {
        if (j->old.exists && j->old.version != MANIFEST_VERSION)
            fprintf(out, "outdated: %s (format %d, written by an older msggen; run 'msggen generate' "
                         "to rewrite it)\n", j->mpath, j->old.version);
        else
            fprintf(out, "outdated: %s (run 'msggen generate' to record the files)\n", j->mpath);
        drift = 1;
    }
    char extra[64] = "";
    if (stp->leftover)
        snprintf(extra, sizeof extra, ", %d leftover", stp->leftover);
    if (drift)
        fprintf(out, "%s: out of sync: %d missing, %d different, %d stale, %d untracked%s (%d files)\n",
                j->label, stp->missing, stp->different, stp->stale, stp->untracked, extra, nfiles);
    else
        fprintf(out, "%s: in sync (%d files)\n", j->label, nfiles);
    return drift ? 1 : 0;
}

/* Step 3 of write and dry-run: the counts, and dry-run's listing. */
static void job_count(job *j)
{
    static const char *const verbs[] = {"create", "update", "unchanged", "delete", "keep", NULL};
    int dry = j->opts->mode == MG_EMIT_DRY_RUN;
    if (dry)
        for (size_t i = 0; i < j->nleft; i++) {
            char *full = join(j->out_dir, j->left[i]);
            fprintf(j->out, "delete %s (temporary file of an interrupted run)\n", full);
            free(full);
        }
    for (size_t i = 0; i < j->ne; i++) {
        entry *e = &j->es[i];
        switch (e->st) {
        case ST_CREATE: j->st.created++; break;
        case ST_UPDATE: j->st.updated++; break;
        case ST_SAME: j->st.unchanged++; break;
        case ST_DELETE: j->st.deleted++; break;
        case ST_KEEP: j->st.kept++; break;
        case ST_GONE: break;
        }
        if (dry && verbs[e->st])
            fprintf(j->out, "%s %s%s\n", verbs[e->st], e->full,
                    e->st == ST_KEEP ? " (stale, but modified since msggen wrote it)" : "");
    }
}

/* The summary line of write and dry-run. */
static void job_summary(const job *j)
{
    char extra[80] = "";
    if (j->st.leftover)
        snprintf(extra, sizeof extra, ", %d leftover temporary file%s deleted", j->st.leftover,
                 j->st.leftover == 1 ? "" : "s");
    fprintf(j->out, "%s: %d created, %d updated, %d deleted, %d unchanged%s%s%s\n", j->label, j->st.created,
            j->st.updated, j->st.deleted, j->st.unchanged, extra, j->st.kept ? " (some stale files kept)" : "",
            j->opts->mode == MG_EMIT_DRY_RUN ? " (dry run: nothing written)" : "");
}

/* Before its files are written: the output folder made when missing, and
 * the temporary files a killed run left deleted. Returns 0, or -1 after
 * reporting. */
static int job_prepare(job *j, mg_diag *d)
{
    dir_cache *dc = &j->dc;
    if (dc->root < 0 &&
        (make_out_dir(dc) != 0 || (dc->root = open(j->out_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)) {
        mg_diag_error(d, mg_mark_at(j->out_dir, 0, 0), "cannot create the output folder: %s", strerror(errno));
        return -1;
    }
    for (size_t i = 0; i < j->nleft; i++) {
        size_t pl = parent_len(j->left[i]);
        dir_result r = dir_open(dc, j->left[i], pl, 0);
        int err = r.st == DIR_OK ? (unlinkat(r.fd, base_name(j->left[i]), 0) == 0 ? 0 : errno)
                  : r.st == DIR_MISSING ? ENOENT : r.st == DIR_ERRNO ? r.err : ENOTDIR;
        if (err == 0)
            mark_dirty(dc, j->left[i], pl);
        else if (err != ENOENT) {
            char *full = join(j->out_dir, j->left[i]);
            mg_diag_error(d, mg_mark_at(full, 0, 0), "cannot delete this leftover temporary file: %s",
                          strerror(err));
            free(full);
            return -1;
        }
    }
    return 0;
}

/* Stages the changed files of `j` (and its manifest, when it changes) into
 * `bt`, which is fsync'ed and renamed whenever it is full (or a folder
 * handle its files borrow could close). On an error `j` is failed (and its
 * staged files dropped). */
static void job_stage(job *j, batch *bt, mg_buf *mine, mg_diag *d)
{
    dir_cache *dc = &j->dc;
    mode_t dm = default_mode();
    for (size_t i = 0; i < j->ne && !j->failed; i++) {
        entry *e = &j->es[i];
        if (e->st != ST_CREATE && e->st != ST_UPDATE)
            continue;
        size_t pl = parent_len(e->path);
        if (bt->n == SYNC_BATCH || (bt->n && !dir_open_keeps(dc, e->path, pl)))
            flush_batch(bt, d);
        if (j->failed)
            return;
        dir_result r = dir_open(dc, e->path, pl, 1);
        if (r.st != DIR_OK) {
            report_dir(dc, &r, e->path, e->file, d);
            job_fail(j, bt);
            return;
        }
        if (stage_file(bt, j, r.fd, base_name(e->path), e->path, e->full, e->file, NULL, e->file->len,
                       e->have_mode ? e->mode : dm, mine, d) != 0) {
            job_fail(j, bt);
            return;
        }
    }
    if (j->failed || !j->manifest_changes)
        return;
    if (bt->n == SYNC_BATCH)
        flush_batch(bt, d);
    if (!j->failed && stage_file(bt, j, dc->root, MG_EMIT_MANIFEST, NULL, j->mpath, NULL, j->newman.data,
                                 j->newman.len, dm, NULL, d) != 0)
        job_fail(j, bt);
}

/* After every file is renamed: the stale files deleted (and the folders
 * they leave empty), the modified ones kept with a warning. Returns 0, or -1
 * after reporting. */
static int job_delete(job *j, mg_diag *d)
{
    dir_cache *dc = &j->dc;
    for (size_t i = 0; i < j->ne; i++) {
        entry *e = &j->es[i];
        if (e->st == ST_DELETE) {
            size_t pl = parent_len(e->path);
            dir_result r = dir_open(dc, e->path, pl, 0);
            if (r.st == DIR_MISSING)
                continue;
            if (r.st != DIR_OK) {
                report_dir(dc, &r, e->path, NULL, d);
                return -1;
            }
            if (unlinkat(r.fd, base_name(e->path), 0) != 0 && errno != ENOENT) {
                mg_diag_error(d, mg_mark_at(e->full, 0, 0), "cannot delete: %s", strerror(errno));
                return -1;
            }
            mark_dirty(dc, e->path, pl);
            remove_empty_parents(dc, e->path);
        } else if (e->st == ST_KEEP) {
            mg_diag_warning(d, mg_mark_at(e->full, 0, 0),
                            "no longer generated, but modified since msggen wrote it: kept (delete it yourself)");
        }
    }
    return 0;
}

/* fsyncs, all at once, every folder that the jobs changed (and the outer
 * folders they made), so that what follows is never on disk before it. */
static void jobs_sync_folders(job *js, size_t n)
{
    int *fds = NULL;
    size_t nfds = 0, cap = 0;
    for (size_t i = 0; i < n; i++)
        dir_cache_dirty_fds(&js[i].dc, NULL, 1, &fds, &nfds, &cap);
    sync_fds(fds, NULL, nfds);
    for (size_t i = 0; i < n; i++)
        dir_cache_close_outer(&js[i].dc);
    free(fds);
}

/* Write mode, for every job whose plan succeeded (rc 0 so far... failed
 * otherwise): the writes of all folders together, so that the disk waits
 * (one per batch, two for the folders) are shared rather than repeated per
 * folder. Every rule of emit.h holds per folder: each file renamed only
 * after its own fsync returned, nothing of a folder renamed after its first
 * failure, every changed folder synced before any manifest is renamed, the
 * manifests last, then their folders synced. */
static void jobs_write(job *js, size_t n, mg_buf *mine, mg_diag *d)
{
    batch bt;
    bt.n = 0;
    /* Writes first, deletions after: a folder emptied by a deletion may
     * be one we are about to write into. Files are staged (written to
     * their temporary names) up to SYNC_BATCH at a time, fsync'ed
     * together, then renamed (commit_batch); each manifest is staged with
     * its folder's files but renamed only after every folder is synced. */
    for (size_t i = 0; i < n; i++) {
        job *j = &js[i];
        if (j->failed)
            continue;
        if (job_prepare(j, d) != 0)
            j->failed = 1;
        else
            job_stage(j, &bt, mine, d);
    }
    flush_batch(&bt, d);
    for (size_t i = 0; i < n; i++)
        if (!js[i].failed && job_delete(&js[i], d) != 0)
            js[i].failed = 1;
    /* Every file a manifest lists is on disk (synced above), its folder
     * entry too (here): only then are the manifests renamed into place. */
    jobs_sync_folders(js, n);
    for (size_t i = 0; i < n; i++) {
        job *j = &js[i];
        if (j->failed || !j->man.tmp)
            continue;
        if (EMIT_RENAMEAT(j->dc.root, j->man.tmp, j->dc.root, MG_EMIT_MANIFEST) != 0) {
            mg_diag_error(d, mg_mark_at(j->mpath, 0, 0), "cannot write: %s", strerror(errno));
            j->failed = 1;
            continue;
        }
        free(j->man.tmp);
        j->man.tmp = NULL;
        j->dc.root_dirty = 1;
    }
    /* The manifests' renames, on disk before the run returns. */
    jobs_sync_folders(js, n);
}

int mg_emit_run_all(size_t n, const char *const *out_dirs, mg_emit_set *sets, const mg_emit_opts *opts,
                    mg_emit_stats *stats, int *rcs, mg_diag *d)
{
    job *js = calloc(n ? n : 1, sizeof *js);
    if (!js)
        abort();
    mg_buf mine, chunk;
    mg_buf_init(&mine);  /* a spilled file's bytes, read back: a chunk (or a file) at a time */
    mg_buf_init(&chunk); /* a file's bytes on disk, a chunk at a time */
    /* The folders' handles are all open at once: each gets a share. */
    size_t share = n ? MAX_CACHED_DIRS / n : MAX_CACHED_DIRS;
    int write_all = 1;
    for (size_t i = 0; i < n; i++)
        write_all &= opts[i].mode == MG_EMIT_WRITE;
    for (size_t i = 0; i < n; i++) {
        job *j = &js[i];
        job_init(j, out_dirs[i], &sets[i], &opts[i]);
        if (write_all)
            j->dc.max = share < MIN_CACHED_DIRS ? MIN_CACHED_DIRS : share;
        if (job_plan(j, &mine, &chunk, d) != 0)
            j->failed = 1;
        else if (opts[i].mode == MG_EMIT_CHECK)
            j->rc = job_check(j, &mine, d);
        else {
            job_count(j);
            /* Unless every folder is written, each one is finished before
             * the next (in order: each summary after its writes). */
            if (opts[i].mode == MG_EMIT_WRITE && !write_all)
                jobs_write(j, 1, &mine, d);
            if (!write_all && !j->failed) {
                job_summary(j);
                j->rc = 0;
            }
        }
        if (!write_all)
            job_fini(j);
    }
    if (write_all) {
        jobs_write(js, n, &mine, d);
        for (size_t i = 0; i < n; i++) {
            if (!js[i].failed) {
                job_summary(&js[i]);
                js[i].rc = 0;
            }
            job_fini(&js[i]);
        }
    }
    int rc = 0;
    for (size_t i = 0; i < n; i++) {
        if (stats)
            stats[i] = js[i].st;
        if (rcs)
            rcs[i] = js[i].rc;
        if (js[i].rc < 0)
            rc = -1;
        else if (js[i].rc > 0 && rc == 0)
            rc = 1;
    }
    mg_buf_fini(&mine);
    mg_buf_fini(&chunk);
    free(js);
    return rc;
}

int mg_emit_run(const char *out_dir, mg_emit_set *s, const mg_emit_opts *opts,
                mg_emit_stats *stp, mg_diag *d)
{
    return mg_emit_run_all(1, &out_dir, s, opts, stp, NULL, d);
}
