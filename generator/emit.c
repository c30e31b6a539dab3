/* emit.c - planning, then writing (or comparing), one output folder.
 *
 * mg_emit_run works in two phases so that a bad path or a foreign file stops
 * the run before anything is written: `plan` looks at every path on disk and
 * decides create/update/unchanged/delete, reporting every problem; `apply`
 * (write mode only) then carries the plan out. Check and dry-run modes stop
 * after the plan and print it.
 */
#include "emit.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "config.h"
#include "diff.h"
#include "text.h"
#include "util.h"

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
    char *full;           /* owned; out_dir "/" path, for messages and syscalls */
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
    mg_buf raw;           /* the file as read, to tell whether it changes */
} manifest;

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
 * that the diagnostic stays one line. Returned in `b`, which the caller owns. */
static const char *printable(mg_buf *b, const char *s, size_t n)
{
    mg_buf_reset(b);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 || c == 0x7f)
            mg_buf_appendf(b, "\\x%02x", c);
        else
            mg_buf_putc(b, (char)c);
    }
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
static int manifest_read(manifest *m, const char *mpath, mg_diag *d)
{
    memset(m, 0, sizeof *m);
    mg_buf_init(&m->raw);
    struct stat sb;
    if (lstat(mpath, &sb) != 0) {
        if (errno == ENOENT)
            return 0;
        mg_diag_error(d, mg_mark_at(mpath, 0, 0), "cannot read the manifest: %s", strerror(errno));
        return -1;
    }
    if (!S_ISREG(sb.st_mode) || mg_buf_read_file(&m->raw, mpath, MG_MAX_INPUT_BYTES) != 0) {
        mg_diag_error(d, mg_mark_at(mpath, 0, 0), "cannot read the manifest: %s",
                      S_ISREG(sb.st_mode) ? strerror(errno) : "not a regular file");
        return -1;
    }
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
                              printable(&pb, l + 17, ll - 17), why);
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

/* Checks that `rel` stays inside the output folder `real_out` (a real path)
 * through whatever exists on disk: we find the deepest prefix of out/rel that
 * exists (without following its last link) and resolve it. Also rejects a
 * folder where a file should go and a file where a folder should go. */
static int check_on_disk(const char *out_dir, const char *real_out, const char *rel,
                         const mg_emit_file *f, mg_diag *d)
{
    mg_mark at = f ? f->at : mg_mark_at(NULL, 0, 0);
    const char *from = f ? f->origin : "the manifest";
    char *full = join(out_dir, rel);
    size_t base = strlen(full) - strlen(rel);
    int rc = 0;
    size_t deepest = 0; /* length of the deepest existing prefix, 0 if none */
    for (size_t i = base;; i++) {
        if (full[i] != '/' && full[i] != '\0')
            continue;
        char save = full[i];
        full[i] = '\0';
        struct stat sb, tb;
        int exists = lstat(full, &sb) == 0;
        int is_final = save == '\0';
        if (exists) {
            deepest = i;
            int resolves = stat(full, &tb) == 0;
            if (!is_final && resolves && !S_ISDIR(tb.st_mode)) {
                mg_diag_error(d, at, "output path '%s' (from %s) needs '%s' to be a folder, but it is a file",
                              rel, from, full);
                rc = -1;
            } else if (is_final && resolves && S_ISDIR(tb.st_mode)) {
                mg_diag_error(d, at, "output path '%s' (from %s) names '%s', which is a folder",
                              rel, from, full);
                rc = -1;
            }
        }
        full[i] = save;
        if (!exists || is_final || rc)
            break;
    }
    if (!rc && deepest > 0) {
        char keep = full[deepest];
        full[deepest] = '\0';
        char *real = realpath(full, NULL);
        size_t rl = strlen(real_out);
        if (!real) {
            mg_diag_error(d, at,
                          "output path '%s' (from %s) goes through '%s', a symbolic link that leads nowhere",
                          rel, from, full);
            rc = -1;
        } else if (!(strncmp(real, real_out, rl) == 0 &&
                     (real[rl] == '/' || real[rl] == '\0' || (rl == 1 && real_out[0] == '/')))) {
            mg_diag_error(d, at,
                          "output path '%s' (from %s) leaves the output folder through the symbolic link '%s'",
                          rel, from, full);
            rc = -1;
        }
        free(real);
        full[deepest] = keep;
    }
    free(full);
    return rc;
}

/* Reads an existing regular file into e->disk (and its mode). Returns 1 when
 * it exists, 0 when not, -1 after an error. */
static int read_existing(entry *e, mg_diag *d)
{
    struct stat sb;
    if (stat(e->full, &sb) != 0) {
        if (errno == ENOENT)
            return 0;
        mg_diag_error(d, mg_mark_at(e->full, 0, 0), "cannot read: %s", strerror(errno));
        return -1;
    }
    if (!S_ISREG(sb.st_mode)) {
        mg_diag_error(d, mg_mark_at(e->full, 0, 0), "is not a regular file; msggen writes only regular files");
        return -1;
    }
    e->have_mode = 1;
    e->mode = sb.st_mode & 07777;
    if (mg_buf_read_file(&e->disk, e->full, (size_t)-1 / 2) != 0) {
        mg_diag_error(d, mg_mark_at(e->full, 0, 0), "cannot read: %s", strerror(errno));
        return -1;
    }
    return 1;
}

static int same_bytes(const mg_buf *b, const char *data, size_t len)
{
    return b->len == len && (len == 0 || memcmp(b->data, data, len) == 0);
}

/* ---- writing ---- */

/* Creates the folders of out/rel that are missing. */
static int make_parents(const char *full, size_t from, mg_diag *d)
{
    char *p = mg_xstrndup(full, strlen(full));
    int rc = 0;
    for (size_t i = from; p[i]; i++) {
        if (p[i] != '/' || i == 0)
            continue;
        p[i] = '\0';
        if (mkdir(p, 0777) != 0 && errno != EEXIST) {
            mg_diag_error(d, mg_mark_at(p, 0, 0), "cannot create folder: %s", strerror(errno));
            rc = -1;
        }
        p[i] = '/';
        if (rc)
            break;
    }
    free(p);
    return rc;
}

static mode_t default_mode(void)
{
    mode_t m = umask(022);
    umask(m);
    return 0666 & ~m;
}

/* Writes `data` to `full` atomically: a temporary file in the same folder
 * (so that rename is atomic: same file system), then rename over the target.
 * We do not fsync: this protects readers and failed runs, not power loss,
 * which a rerun of msggen repairs. */
static int write_atomic(const char *full, const char *data, size_t len, mode_t mode, mg_diag *d)
{
    const char *slash = strrchr(full, '/');
    size_t dirlen = slash ? (size_t)(slash - full) + 1 : 0;
    mg_buf t;
    mg_buf_init(&t);
    mg_buf_append(&t, full, dirlen);
    mg_buf_appendf(&t, ".%s.msggen-tmp-XXXXXX", full + dirlen);
    char *tmp = mg_buf_steal(&t, NULL);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        mg_diag_error(d, mg_mark_at(full, 0, 0), "cannot create a temporary file beside it: %s",
                      strerror(errno));
        free(tmp);
        return -1;
    }
    size_t off = 0;
    int err = 0;
    while (off < len) {
        ssize_t w = write(fd, data + off, len - off);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            err = errno;
            break;
        }
        off += (size_t)w;
    }
    if (!err && fchmod(fd, mode) != 0)
        err = errno;
    if (close(fd) != 0 && !err)
        err = errno;
    if (!err && rename(tmp, full) != 0)
        err = errno;
    if (err) {
        unlink(tmp);
        mg_diag_error(d, mg_mark_at(full, 0, 0), "cannot write: %s", strerror(err));
    }
    free(tmp);
    return err ? -1 : 0;
}

/* Removes the folders of out/rel that the deletion left empty, deepest first;
 * stops at the first that is not empty (rmdir refuses) and never removes the
 * output folder itself. */
static void remove_empty_parents(char *full, size_t base)
{
    for (char *s = strrchr(full, '/'); s && (size_t)(s - full) > base; s = strrchr(full, '/')) {
        *s = '\0';
        if (rmdir(full) != 0)
            break;
    }
}

static void manifest_render(mg_buf *b, entry *es, size_t n)
{
    mg_buf_appendf(b, "# msggen-manifest 1 (msggen %s): generated files and their FNV-1a 64 hashes; do not edit\n",
                   MG_VERSION);
    for (size_t i = 0; i < n; i++)
        if (es[i].file)
            mg_buf_appendf(b, "%016llx %s\n",
                           (unsigned long long)mg_emit_hash(es[i].file->data, es[i].file->len),
                           es[i].path);
}

/* ---- public ---- */

uint64_t mg_emit_hash(const void *data, size_t len)
{
    const unsigned char *p = data;
    uint64_t h = 14695981039346656037ull;
    for (size_t i = 0; i < len; i++) {
        h ^= p[i];
        h *= 1099511628211ull;
    }
    return h;
}

void mg_emit_set_init(mg_emit_set *s)
{
    s->files = NULL;
    s->n = s->cap = 0;
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
    mg_emit_set_init(s);
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
}

int mg_emit_run(const char *out_dir, mg_emit_set *s, const mg_emit_opts *opts,
                mg_emit_stats *stp, mg_diag *d)
{
    FILE *out = opts->out ? opts->out : stdout;
    const char *label = opts->label ? opts->label : out_dir;
    mg_emit_stats st;
    memset(&st, 0, sizeof st);
    int errors_before = d->errors;

    /* 1. Paths, on their own. */
    for (size_t i = 0; i < s->n; i++) {
        mg_emit_file *f = &s->files[i];
        const char *why = path_problem(f->path, f->path_len);
        if (why) {
            mg_buf pb;
            mg_buf_init(&pb);
            mg_diag_error(d, f->at, "output path '%s' (from %s) %s", printable(&pb, f->path, f->path_len),
                          f->origin, why);
            mg_buf_fini(&pb);
        }
    }
    if (d->errors > errors_before)
        return -1;
    if (s->n)
        qsort(s->files, s->n, sizeof *s->files, cmp_file);
    for (size_t i = 1; i < s->n; i++)
        if (cmp_file(&s->files[i - 1], &s->files[i]) == 0)
            mg_diag_error(d, s->files[i].at, "duplicate output path '%s': produced by %s and by %s",
                          s->files[i].path, s->files[i - 1].origin, s->files[i].origin);
    if (d->errors > errors_before)
        return -1;

    /* 2. The old manifest and the disk. */
    char *mpath = join(out_dir, MG_EMIT_MANIFEST);
    manifest old;
    int rc = -1;
    entry *es = NULL;
    size_t ne = 0;
    mg_buf newman;
    mg_buf_init(&newman);
    struct stat osb;
    int out_exists = stat(out_dir, &osb) == 0;
    char *real_out = NULL;
    if (out_exists && !S_ISDIR(osb.st_mode)) {
        mg_diag_error(d, mg_mark_at(out_dir, 0, 0), "output folder is a file");
        free(mpath);
        return -1;
    }
    if (manifest_read(&old, mpath, d) != 0)
        goto done;
    if (out_exists && !(real_out = realpath(out_dir, NULL))) {
        mg_diag_error(d, mg_mark_at(out_dir, 0, 0), "cannot resolve the output folder: %s", strerror(errno));
        goto done;
    }

    es = calloc(s->n + old.n + 1, sizeof *es);
    if (!es)
        abort();
    for (size_t i = 0; i < s->n; i++) {
        entry *e = &es[ne++];
        e->file = &s->files[i];
        e->path = e->file->path;
        e->full = join(out_dir, e->path);
        mg_buf_init(&e->disk);
        e->st = ST_CREATE;
        if (!out_exists || check_on_disk(out_dir, real_out, e->path, e->file, d) != 0)
            continue;
        int ex = read_existing(e, d);
        if (ex <= 0)
            continue;
        const manifest_entry *me = manifest_find(&old, e->path);
        int same = same_bytes(&e->disk, e->file->data, e->file->len);
        e->st = same ? ST_SAME : ST_UPDATE;
        /* A file we would write that msggen did not generate is someone
         * else's. If its bytes are already ours we adopt it (this also heals
         * a run that stopped before writing its manifest). */
        if (!me && !same) {
            e->untracked = 1;
            if (opts->mode != MG_EMIT_CHECK && !opts->force)
                mg_diag_error(d, e->file->at,
                              "'%s' exists and was not generated by msggen (it is not in %s); "
                              "move it away, or use --force to overwrite it",
                              e->full, mpath);
        }
    }
    for (size_t i = 0; i < old.n; i++) {
        const char *p = old.v[i].path;
        mg_emit_file key = {(char *)(uintptr_t)p, strlen(p), NULL, 0, NULL, NULL, {NULL, 0, 0}};
        if (s->n && bsearch(&key, s->files, s->n, sizeof *s->files, cmp_file))
            continue;
        entry *e = &es[ne++];
        e->path = p;
        e->full = join(out_dir, p);
        mg_buf_init(&e->disk);
        e->st = ST_GONE;
        if (!out_exists || check_on_disk(out_dir, real_out, p, NULL, d) != 0)
            continue;
        int ex = read_existing(e, d);
        if (ex <= 0)
            continue;
        e->st = mg_emit_hash(e->disk.data, e->disk.len) == old.v[i].hash ? ST_DELETE : ST_KEEP;
    }
    if (d->errors > errors_before)
        goto done;
    qsort(es, ne, sizeof *es, cmp_entry);
    manifest_render(&newman, es, ne);
    int manifest_changes = !old.exists || !same_bytes(&old.raw, newman.data, newman.len);

    /* 3. Carry out, or report. */
    if (opts->mode == MG_EMIT_CHECK) {
        mg_buf diff;
        mg_buf_init(&diff);
        int nfiles = 0;
        for (size_t i = 0; i < ne; i++) {
            entry *e = &es[i];
            nfiles += e->file != NULL;
            switch (e->st) {
            case ST_CREATE:
                fprintf(out, "missing: %s\n", e->full);
                st.missing++;
                break;
            case ST_UPDATE:
                if (e->untracked) {
                    fprintf(out, "untracked: %s (exists with other content, but msggen did not generate it)\n",
                            e->full);
                    st.untracked++;
                    break;
                }
                fprintf(out, "different: %s\n", e->full);
                st.different++;
                mg_buf_reset(&diff);
                if (memchr(e->disk.data, '\0', e->disk.len) || memchr(e->file->data, '\0', e->file->len))
                    mg_buf_append_str(&diff, "binary files differ\n");
                else {
                    char *a = join(e->full, "(on disk)"), *b = join(e->full, "(generated)");
                    /* "--- out/x (on disk)" reads better than a joined path. */
                    a[strlen(e->full)] = ' ';
                    b[strlen(e->full)] = ' ';
                    mg_diff_unified(&diff, e->disk.data ? e->disk.data : "", e->disk.len,
                                    e->file->data ? e->file->data : "", e->file->len, a, b,
                                    MG_EMIT_DIFF_LINES);
                    free(a);
                    free(b);
                }
                fwrite(diff.data, 1, diff.len, out);
                break;
            case ST_DELETE:
            case ST_KEEP:
                fprintf(out, "stale: %s (generated earlier, no longer produced; 'msggen generate' %s)\n",
                        e->full, e->st == ST_DELETE ? "deletes it" : "keeps it: it was modified");
                st.stale++;
                break;
            default:
                break;
            }
        }
        mg_buf_fini(&diff);
        int drift = st.missing + st.different + st.stale + st.untracked;
        if (!drift && manifest_changes) {
            fprintf(out, "outdated: %s (run 'msggen generate' to record the files)\n", mpath);
            drift = 1;
        }
        if (drift)
            fprintf(out, "%s: out of sync: %d missing, %d different, %d stale, %d untracked (%d files)\n",
                    label, st.missing, st.different, st.stale, st.untracked, nfiles);
        else
            fprintf(out, "%s: in sync (%d files)\n", label, nfiles);
        rc = drift ? 1 : 0;
        goto done;
    }

    static const char *const verbs[] = {"create", "update", "unchanged", "delete", "keep", NULL};
    for (size_t i = 0; i < ne; i++) {
        entry *e = &es[i];
        switch (e->st) {
        case ST_CREATE: st.created++; break;
        case ST_UPDATE: st.updated++; break;
        case ST_SAME: st.unchanged++; break;
        case ST_DELETE: st.deleted++; break;
        case ST_KEEP: st.kept++; break;
        case ST_GONE: break;
        }
        if (opts->mode == MG_EMIT_DRY_RUN && verbs[e->st])
            fprintf(out, "%s %s%s\n", verbs[e->st], e->full,
                    e->st == ST_KEEP ? " (stale, but modified since msggen wrote it)" : "");
    }
    if (opts->mode == MG_EMIT_WRITE) {
        size_t base = strlen(out_dir);
        if (make_parents(mpath, 0, d) != 0)
            goto done;
        for (size_t i = 0; i < ne; i++) {
            entry *e = &es[i];
            if (e->st == ST_DELETE) {
                if (unlink(e->full) != 0) {
                    mg_diag_error(d, mg_mark_at(e->full, 0, 0), "cannot delete: %s", strerror(errno));
                    goto done;
                }
                remove_empty_parents(e->full, base);
            } else if (e->st == ST_KEEP) {
                mg_diag_warning(d, mg_mark_at(e->full, 0, 0),
                                "no longer generated, but modified since msggen wrote it: kept (delete it yourself)");
            }
        }
        mode_t dm = default_mode();
        for (size_t i = 0; i < ne; i++) {
            entry *e = &es[i];
            if (e->st != ST_CREATE && e->st != ST_UPDATE)
                continue;
            if (make_parents(e->full, base, d) != 0 ||
                write_atomic(e->full, e->file->data, e->file->len, e->have_mode ? e->mode : dm, d) != 0)
                goto done;
        }
        if (manifest_changes && write_atomic(mpath, newman.data, newman.len, dm, d) != 0)
            goto done;
    }
    fprintf(out, "%s: %d created, %d updated, %d deleted, %d unchanged%s%s\n", label, st.created,
            st.updated, st.deleted, st.unchanged, st.kept ? " (some stale files kept)" : "",
            opts->mode == MG_EMIT_DRY_RUN ? " (dry run: nothing written)" : "");
    rc = 0;

done:
    for (size_t i = 0; i < ne; i++) {
        free(es[i].full);
        mg_buf_fini(&es[i].disk);
    }
    free(es);
    free(real_out);
    manifest_fini(&old);
    mg_buf_fini(&newman);
    free(mpath);
    if (stp)
        *stp = st;
    return rc;
}
