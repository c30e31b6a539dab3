/* emit.h - writes a set of rendered files into an output folder, safely, or
 * compares them with what is there (`msggen check`).
 *
 * The caller collects every rendered file of one target in an mg_emit_set
 * (after *all* renders succeeded), checks every target's set with
 * mg_emit_check_paths, and then calls mg_emit_run once per target, or
 * mg_emit_run_all once for all of them (the same, with fewer disk waits).
 * Nothing is written before every path has been checked:
 *   - a path is relative, has no empty, "." or ".." component, no NUL or line
 *     break, is not the manifest's name, no component longer than NAME_MAX
 *     bytes, and joined to the output folder it is shorter than PATH_MAX;
 *   - nothing below the output folder is a symbolic link: every folder and
 *     file under it is reached through directory handles, opened with
 *     O_NOFOLLOW one component at a time, and the handles opened to check are
 *     the ones written through, so a folder swapped for a link during the run
 *     is never followed either (an error names it). The output folder itself
 *     (the -o argument, or out/<target>) is the user's and may be a link;
 *   - a file on disk that msggen did not generate (absent from the manifest) is
 *     never overwritten (unless `force`) nor deleted.
 * Then each changed file is written to a temporary file in its own folder
 * (".NAME.msggen-tmp-XXXXXX", NAME cut to fit NAME_MAX), fsync'ed, and renamed
 * over the old one (readers never see half a file; failed runs never leave
 * one); a file whose bytes are unchanged is not touched, so its mtime is kept.
 * Files go in batches (up to 128 written, then fsync'ed together from a few
 * threads, so that the file system commits them in a few disk waits rather
 * than one each, then renamed): no file is renamed before its own fsync has
 * returned, and when one fails, neither it nor any file after it is renamed.
 * Files listed in the previous manifest and no longer produced are deleted if
 * their content still has the recorded hash (else kept, with a warning), and
 * folders they leave empty are removed. Temporary files a killed run left in
 * the folders msggen writes (exactly that name pattern, regular files only)
 * are deleted; check reports them as "leftover" drift. The changed folders
 * are fsync'ed (together) before the manifest is renamed into place (its
 * temporary file is written and fsync'ed with the last batch), and the
 * manifest last: after a crash every file is whole (old or new), and the
 * manifest never lists a file that is not on disk.
 *
 * The manifest, <out>/.msggen-manifest, is text:
 *   # msggen-manifest 2 (msggen VERSION): generated files and their XXH64 hashes; do not edit
 *   0123456789abcdef path/relative/to/out
 *   ...
 * one line per file, sorted by path (byte order), the hash being 16 lowercase
 * hex digits of XXH64 (seed 0) over the file's bytes. XXH64 is not a
 * cryptographic hash: it answers "is this still the file we wrote?", not
 * "has someone forged it?". A format 1 manifest (first line
 * "# msggen-manifest 1 ", FNV-1a 64 hashes, msggen before format 2) is still
 * read, with its own hash; check reports it outdated, generate rewrites it.
 *
 * Ownership: an mg_emit_set owns its paths and origins, and owns each file's
 * data through the release function carried beside it (mustach's sbuf idea);
 * mg_emit_set_fini releases all. Nothing else returned here is owned by the
 * caller.
 *
 * Spilling: a set given a spill (mg_emit_spill_new, an unnamed temporary
 * file outside the output folders) writes each file's bytes there as it is
 * added and releases them at once, so rendered files do not wait for emit in
 * memory (about 95 KB per message of a catalogue, all four targets). Emit
 * reads each one back when it compares or writes it, one file at a time, and
 * records the hash taken when it was added. Nothing is written to an output
 * folder any earlier than without a spill: the guarantees above are the same.
 * A file can also go to the spill while it is being rendered
 * (mg_emit_stream_begin): its render buffer flushes there as it fills, so
 * the biggest files never wait whole in memory. Emit compares and writes a
 * spilled file in chunks of MG_EMIT_CHUNK bytes, never holding it whole.
 */
#ifndef MG_EMIT_H
#define MG_EMIT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "buf.h"
#include "diag.h"

#define MG_EMIT_MANIFEST ".msggen-manifest"

/* Lines of unified diff shown per different file by --check. */
#define MG_EMIT_DIFF_LINES 60

/* Bytes read from a spilled or existing file at a time by emit (a test
 * that includes emit.c may make it tiny, to cross chunks in small files). */
#ifndef MG_EMIT_CHUNK
#define MG_EMIT_CHUNK (1024 * 1024)
#endif

typedef void (*mg_emit_release)(void *data);

/* XXH64 (seed 0) over bytes given in pieces of any size: init, update for
 * each piece, digest; the same as mg_hash_xxh64 of all the pieces joined. */
typedef struct mg_xxh64 {
    uint64_t v[4];
    uint64_t total;
    unsigned char tail[32]; /* the bytes of a stripe not yet complete */
    size_t ntail;
} mg_xxh64;

void mg_xxh64_init(mg_xxh64 *h);
void mg_xxh64_update(mg_xxh64 *h, const void *data, size_t len);
uint64_t mg_xxh64_digest(const mg_xxh64 *h);

typedef struct mg_emit_spill mg_emit_spill;

typedef struct mg_emit_file {
    char *path;             /* owned; as rendered, relative to the output folder */
    size_t path_len;        /* may contain NUL bytes (then rejected) */
    char *data;             /* the content; freed with `release`; NULL when spilled */
    size_t len;
    mg_emit_release release;/* NULL when `data` is borrowed or spilled */
    char *origin;           /* owned; what produced it, e.g. "message.mustache (message 'foo')" */
    mg_mark at;             /* where its path was declared (target.yaml); file borrowed */
    const char *pointer;    /* borrowed: the JSON pointer of that path in at.file, for the
                             * structured diagnostics; NULL (mg_emit_set_add) unless the
                             * caller sets it */
    mg_emit_spill *spill;   /* borrowed: the content is len bytes at `off` there; or NULL */
    uint64_t off;
    uint64_t hash;          /* with `spill`: mg_emit_hash of the content */
} mg_emit_file;

/* A file streamed into a spill as it is rendered: its bytes sit at `off`
 * onwards, `written` of them so far, hashed as they go. One stream at a
 * time per spill: a file ends (mg_emit_set_add_stream, mg_emit_stream_drop)
 * before the next one begins. */
typedef struct mg_emit_stream {
    mg_buf_sink sink;       /* what the render buffer flushes into (buf.h) */
    mg_emit_spill *spill;   /* borrowed */
    uint64_t off;
    uint64_t written;
    int failed;             /* a write to the spill failed: the rest stays in the buffer */
    mg_xxh64 hash;          /* of the bytes written */
} mg_emit_stream;

typedef struct mg_emit_set {
    mg_emit_file *files;    /* owned */
    size_t n, cap;
    mg_emit_spill *spill;   /* borrowed; NULL (mg_emit_set_init): files stay in memory */
} mg_emit_set;

typedef enum {
    MG_EMIT_WRITE,     /* write changes, delete stale files, update the manifest */
    MG_EMIT_DRY_RUN,   /* print "create|update|delete|unchanged PATH", write nothing */
    MG_EMIT_CHECK      /* print missing/different/stale/untracked files and diffs, write nothing */
} mg_emit_mode;

typedef struct mg_emit_opts {
    mg_emit_mode mode;
    int force;          /* overwrite files on disk that msggen did not generate */
    const char *label;  /* name in the summary line (the target's name); NULL: the folder */
    FILE *out;          /* listing, check report and summary; NULL means stdout */
    int stat;           /* check: a line count per file (as `git diff --stat`) instead of diffs */
} mg_emit_opts;

typedef struct mg_emit_stats {
    int created, updated, deleted, unchanged, kept; /* write and dry-run */
    int missing, different, stale, untracked;       /* check */
    int leftover;       /* temporary files of a killed run: deleted (write), reported (check) */
} mg_emit_stats;

void mg_emit_set_init(mg_emit_set *s);
void mg_emit_set_fini(mg_emit_set *s);   /* releases every file's data */

/* Adds a file. Takes `data` (released with `release`, which may be NULL when
 * the data outlives the set); copies `path` (path_len bytes) and `origin`.
 * With s->spill, the data is written there and released now (if that write
 * fails, the file stays in memory). Never fails; paths are checked by
 * mg_emit_run. */
void mg_emit_set_add(mg_emit_set *s, const char *path, size_t path_len, char *data, size_t len,
                     mg_emit_release release, const char *origin, mg_mark at);

/* Attaches `b` (which the caller empties and keeps) to the spill `sp`: from
 * now on, what is appended to b goes to the spill as b fills (buf.h's sink),
 * and b stays at about its capacity. Ended by exactly one of the next two. */
void mg_emit_stream_begin(mg_emit_stream *st, mg_emit_spill *sp, mg_buf *b);

/* Adds the file streamed through `st`, whose last bytes are in `b`, as
 * mg_emit_set_add would add them all: the rest is written to the spill and
 * the file recorded there with its hash. When a write to the spill failed,
 * the file is kept in memory instead (what was flushed is read back). b is
 * left empty (its allocation kept, for the next file) and detached. Returns
 * 0, or -1 after reporting through `d` that the spill could not be read
 * back (the file is not added). */
int mg_emit_set_add_stream(mg_emit_set *s, const char *path, size_t path_len, mg_emit_stream *st, mg_buf *b,
                           const char *origin, mg_mark at, mg_diag *d);

/* Ends a stream whose file is not wanted (its render failed): what was
 * flushed stays in the spill's unused end, where the next file overwrites it;
 * b is left empty and detached. */
void mg_emit_stream_drop(mg_emit_stream *st, mg_buf *b);

/* A spill for rendered files: an unnamed temporary file in $TMPDIR (else
 * /tmp), removed from its folder as soon as it is made, so that no run, even
 * a killed one, leaves it behind. Returns NULL when none can be made (then
 * files stay in memory). The caller frees it with mg_emit_spill_free after
 * every set that uses it is done. */
mg_emit_spill *mg_emit_spill_new(void);
void mg_emit_spill_free(mg_emit_spill *sp);

/* Checks the paths of `s` on their own (the first list above, without the
 * disk) for the output folder `out_dir`, and that no two are equal; sorts the
 * set by path. Returns 0, or -1 after reporting each problem through `d`
 * (naming the file's origin, long names cut for display). mg_emit_run does
 * this too; calling it for every target first means that a bad path in the
 * last target stops the run before the first target is written. */
int mg_emit_check_paths(const char *out_dir, mg_emit_set *s, mg_diag *d);

/* Emits `s` into the folder `out_dir` (created when needed, in write mode) as
 * described at the top. `st` may be NULL. Prints the summary line
 * "LABEL: N created, N updated, N deleted, N unchanged" (write, dry-run; then
 * ", N leftover temporary files deleted" when there were some) or
 * "LABEL: in sync (N files)" / "LABEL: out of sync: N missing, ... (N files)"
 * (check; leftovers count as drift).
 * Returns 0 (written, or in sync), 1 (check found drift), or -1 after reporting
 * errors through `d`; on -1 in a planning error nothing was written. */
int mg_emit_run(const char *out_dir, mg_emit_set *s, const mg_emit_opts *opts,
                mg_emit_stats *st, mg_diag *d);

/* Emits n sets, sets[i] into the folder out_dirs[i] with opts[i], as n calls
 * of mg_emit_run in that order would: the same plans, files, messages and
 * summary lines; stats[i] and rcs[i] (either array may be NULL) get what
 * each call gives. Returns -1 when any rc is -1, else 1 when any is 1, else 0.
 * The difference is when the disk is waited for. When every opts[i] writes,
 * every folder is planned first, then the changed files of all the folders
 * are written, fsync'ed and renamed in the same batches (as described at the
 * top, in folder order, then path order), the changed folders of all of them
 * fsync'ed together, every manifest renamed, and the manifests' folders
 * fsync'ed together; then the summary lines are printed, in order. So a run
 * waits for the disk about once per batch and twice more, not that many
 * times per folder. Every guarantee above holds per folder: each file
 * renamed only after its own fsync returned; when one fails, it and every
 * later file of its folder are not renamed, nor its manifest (other
 * folders go on, as separate calls would); every changed folder of every
 * set fsync'ed before any manifest is renamed; a killed run leaves
 * temporary files only. A folder whose plan fails (a foreign file, say)
 * writes nothing, the others are written. Otherwise (check, dry-run) each
 * folder is done before the next, exactly as by mg_emit_run. */
int mg_emit_run_all(size_t n, const char *const *out_dirs, mg_emit_set *sets, const mg_emit_opts *opts,
                    mg_emit_stats *stats, int *rcs, mg_diag *d);

/* The manifest's content hash of `len` bytes: XXH64 with seed 0 (manifest
 * format 2). Format 1 manifests (msggen before format 2) hold FNV-1a 64-bit
 * hashes: mg_hash_fnv1a64 reads them. */
uint64_t mg_emit_hash(const void *data, size_t len);
uint64_t mg_hash_xxh64(const void *data, size_t len);
uint64_t mg_hash_fnv1a64(const void *data, size_t len);

#endif
