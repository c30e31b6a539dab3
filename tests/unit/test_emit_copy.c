/* test_emit_copy.c - a spilled file goes into its temporary file through
 * copy_file_range (emit.c, copy_spilled), and through emit's own reads and
 * writes for whatever that call does not copy: here the call is a stand-in
 * that copies through the real one, or fails as the kernel may (EXDEV
 * between file systems, ENOSYS, EINVAL), part way or at once. Either way
 * every file holds exactly its bytes. And each file written, once whole,
 * is handed to the disk's writeback (start_writeback) before its fsync. */
#include <errno.h>
#include <stdint.h>
#include <sys/types.h>

static ssize_t fake_copy_range(int in, int64_t *in_off, int out, size_t n);
#define MG_EMIT_COPY_RANGE fake_copy_range
static void count_writeback(int fd);
#define MG_EMIT_START_WRITEBACK count_writeback
#define MG_EMIT_CHUNK 1000 /* the fallback crosses chunks too */
#include "../../generator/emit.c"
#include "testfs.h"
#include "unit.h"

#include <stdlib.h>

/* How the stand-in behaves: copies at most `piece` bytes a call, through
 * the real call (through pread and write where the real one fails: the
 * test checks what emit does, not the test machine's kernel); after
 * `copy_calls` calls, every call fails with `fail_errno` (0: returns 0,
 * as at the end of the spill). An EINTR first, when `eintr`. */
static struct {
    size_t piece;
    int copy_calls, fail_errno, eintr;
    int calls;
    size_t copied;
} fake;

static ssize_t fake_copy_range(int in, int64_t *in_off, int out, size_t n)
{
    if (fake.eintr) {
        fake.eintr = 0;
        errno = EINTR;
        return -1;
    }
    if (fake.calls++ >= fake.copy_calls) {
        errno = fake.fail_errno;
        return fake.fail_errno ? -1 : 0;
    }
    if (n > fake.piece)
        n = fake.piece;
    ssize_t c = copy_range(in, in_off, out, n);
    if (c < 0) { /* no copy_file_range between these files here */
        char *b = malloc(n);
        c = pread(in, b, n, (off_t)*in_off);
        if (c > 0)
            c = write(out, b, (size_t)c);
        free(b);
        if (c > 0)
            *in_off += c;
    }
    if (c > 0)
        fake.copied += (size_t)c;
    return c;
}

/* Calls of start_writeback, and the size of the file each was given. */
static int writebacks;
static long long writeback_size[16];

static void count_writeback(int fd)
{
    struct stat sb;
    if (writebacks < 16)
        writeback_size[writebacks] = fstat(fd, &sb) == 0 ? (long long)sb.st_size : -1;
    writebacks++;
    start_writeback(fd);
}

static char root[256];

/* Bytes that are not all alike, so that a piece in the wrong place shows. */
static char *pattern(size_t n, unsigned seed)
{
    char *p = malloc(n + 1);
    uint32_t x = seed * 2654435761u + 1;
    for (size_t i = 0; i < n; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        p[i] = (char)('a' + x % 26);
    }
    p[n] = '\0';
    return p;
}

static const size_t sizes[] = {0, 1, 999, 1000, 1001, 4567, 20000};
#define NFILES (sizeof sizes / sizeof *sizes)

/* Emits the NFILES pattern files through a spill into a fresh folder and
 * returns how many of them read back other than written (-1: emit
 * failed). */
static int emit_and_compare(void)
{
    testfs_mkroot(root, sizeof root, "mg-emit-copy");
    mg_emit_set s;
    mg_emit_set_init(&s);
    s.spill = mg_emit_spill_new();
    CHECK(s.spill != NULL);
    char *text[NFILES];
    for (size_t i = 0; i < NFILES; i++) {
        char path[32];
        snprintf(path, sizeof path, "f%zu.txt", i);
        text[i] = pattern(sizes[i], (unsigned)i + 1);
        char *data = malloc(sizes[i] + 1);
        memcpy(data, text[i], sizes[i] + 1);
        mg_emit_set_add(&s, path, strlen(path), data, sizes[i], free, "t.mustache", mg_mark_at("target.yaml", 1, 1));
    }
    mg_buf out;
    mg_buf_init(&out);
    mg_buf_appendf(&out, "%s/out", root);
    mg_emit_opts o = {MG_EMIT_WRITE, 0, "t", tmpfile(), 0};
    mg_diag d;
    errs_reset();
    mg_diag_init_sink(&d, errs_capture, NULL);
    int rc = mg_emit_run(mg_buf_cstr(&out), &s, &o, NULL, &d);
    fclose(o.out);
    int bad = rc == 0 ? 0 : -1;
    for (size_t i = 0; i < NFILES && rc == 0; i++) {
        char path[600];
        snprintf(path, sizeof path, "%s/f%zu.txt", mg_buf_cstr(&out), i);
        mg_buf b;
        mg_buf_init(&b);
        bad += mg_buf_read_file(&b, path, 1 << 20) != 0 || b.len != sizes[i] ||
               memcmp(b.data, text[i], sizes[i]) != 0;
        mg_buf_fini(&b);
    }
    for (size_t i = 0; i < NFILES; i++)
        free(text[i]);
    mg_buf_fini(&out);
    mg_emit_spill_free(s.spill);
    mg_emit_set_fini(&s);
    testfs_rm_rf(root);
    return bad;
}

static size_t total_bytes(void)
{
    size_t n = 0;
    for (size_t i = 0; i < NFILES; i++)
        n += sizes[i];
    return n;
}

static void spilled_files_should_be_copied_by_the_kernel(void)
{
    fake.piece = SIZE_MAX;
    fake.copy_calls = 1000;
    fake.calls = 0;
    fake.copied = 0;
    CHECK_INT(emit_and_compare(), 0);
    CHECK_INT((long)fake.copied, (long)total_bytes());
    CHECK_INT(fake.calls, (int)NFILES - 1); /* not for the empty file */
    /* In pieces (the call may copy less than asked), after an EINTR. */
    fake.piece = 700;
    fake.calls = 0;
    fake.copied = 0;
    fake.eintr = 1;
    CHECK_INT(emit_and_compare(), 0);
    CHECK_INT((long)fake.copied, (long)total_bytes());
}

static void spilled_files_should_be_written_when_the_kernel_cannot_copy(void)
{
    const int errnos[] = {EXDEV, ENOSYS, EINVAL, EOPNOTSUPP, EIO, 0};
    for (size_t k = 0; k < sizeof errnos / sizeof *errnos; k++) {
        fake.piece = SIZE_MAX;
        fake.copy_calls = 0;
        fake.fail_errno = errnos[k];
        fake.calls = 0;
        fake.copied = 0;
        CHECK_INT(emit_and_compare(), 0);
        CHECK_INT((long)fake.copied, 0);
        CHECK_STR(errs, "");
        /* Part way: f1 (1 byte), f2 (700 + 299), 700 bytes of f3, then the
         * failure, in the middle of f3. */
        fake.piece = 700;
        fake.copy_calls = 4;
        fake.calls = 0;
        fake.copied = 0;
        CHECK_INT(emit_and_compare(), 0);
        CHECK_INT((long)fake.copied, 1700);
        CHECK_STR(errs, "");
    }
}

/* One per file, once it is whole (the files go in path order), and one for
 * the manifest, whether the file was copied by the kernel or not. */
static void written_files_should_be_handed_to_writeback(void)
{
    for (int copy = 0; copy < 2; copy++) {
        fake.piece = copy ? SIZE_MAX : 700;
        fake.copy_calls = copy ? 1000 : 2;
        fake.fail_errno = EXDEV;
        fake.calls = 0;
        fake.eintr = 0;
        writebacks = 0;
        CHECK_INT(emit_and_compare(), 0);
        CHECK_INT(writebacks, (int)NFILES + 1);
        for (size_t i = 0; i < NFILES; i++)
            CHECK_INT(writeback_size[i], (long long)sizes[i]);
        CHECK(writeback_size[NFILES] > 0);
    }
}

int main(void)
{
    RUN(spilled_files_should_be_copied_by_the_kernel);
    RUN(spilled_files_should_be_written_when_the_kernel_cannot_copy);
    RUN(written_files_should_be_handed_to_writeback);
    return unit_done();
}
