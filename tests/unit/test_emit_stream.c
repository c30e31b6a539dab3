/* test_emit_stream.c - rendered output that goes to the spill as it is made:
 * the buffer's sink (buf.h), the incremental XXH64, the stream into a spill
 * (emit.h: flushes, a dropped file, a spill that fails), emit comparing and
 * writing big files a chunk at a time, and the renderer's output bound
 * counting what a buffer has flushed. */
#include "emit.h"
#include "mustache.h"
#include "testfs.h"
#include "unit.h"

#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/resource.h>

/* Bytes that are not all alike, so that a chunk in the wrong place or a
 * byte lost shows in a compare or a hash. */
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

static void xxh64_in_pieces_should_equal_the_whole(void)
{
    char *p = pattern(300, 1);
    int bad = 0;
    for (size_t len = 0; len <= 300; len += len < 70 ? 1 : 23)
        for (size_t cut = 0; cut <= len; cut++) {
            mg_xxh64 h;
            mg_xxh64_init(&h);
            mg_xxh64_update(&h, p, cut);
            mg_xxh64_update(&h, p + cut, len - cut);
            bad += mg_xxh64_digest(&h) != mg_hash_xxh64(p, len);
        }
    CHECK_INT(bad, 0);
    /* Many small pieces, and one over several stripes at once. */
    mg_xxh64 h;
    mg_xxh64_init(&h);
    for (size_t i = 0; i < 300; i += 7)
        mg_xxh64_update(&h, p + i, 300 - i < 7 ? 300 - i : 7);
    CHECK(mg_xxh64_digest(&h) == mg_hash_xxh64(p, 300));
    mg_xxh64_init(&h);
    CHECK(mg_xxh64_digest(&h) == 0xef46db3751d8e999ull); /* XXH64 of nothing */
    mg_xxh64_update(&h, "The quick brown fox jumps over the lazy dog", 43);
    CHECK(mg_xxh64_digest(&h) == 0x0b242d361fda71bcull);
    free(p);
}

/* A sink that keeps what it is given, or refuses after `fail_after` flushes. */
typedef struct keep_sink {
    mg_buf_sink sink;
    mg_buf got;
    int flushes;
    int fail_after;
} keep_sink;

static int keep_flush(mg_buf_sink *self, const char *data, size_t n)
{
    keep_sink *k = (keep_sink *)(void *)self;
    if (k->fail_after >= 0 && k->flushes >= k->fail_after)
        return -1;
    k->flushes++;
    mg_buf_append(&k->got, data, n);
    return 0;
}

static void buf_with_a_sink_should_flush_instead_of_growing(void)
{
    keep_sink k = {{keep_flush}, {0}, 0, -1};
    mg_buf_init(&k.got);
    mg_buf b;
    mg_buf_init(&b);
    mg_buf_reserve(&b, 100 * 1024);
    size_t cap = b.cap; /* 256 KB */
    b.sink = &k.sink;
    char *p = pattern(1000000, 2);
    for (size_t i = 0; i < 1000000; i += 1000)
        mg_buf_append(&b, p + i, 1000);
    CHECK(b.cap == cap); /* never grew */
    CHECK(k.flushes >= 3);
    CHECK_INT(mg_buf_total(&b), 1000000);
    CHECK_INT(b.flushed, k.got.len);
    mg_buf_append(&k.got, b.data, b.len);
    CHECK(k.got.len == 1000000 && memcmp(k.got.data, p, 1000000) == 0);
    /* A reset starts the count over, keeping the sink and the allocation. */
    mg_buf_reset(&b);
    CHECK_INT(mg_buf_total(&b), 0);
    CHECK(b.sink == &k.sink && b.cap == cap);
    /* A small buffer does not flush a few bytes at a time: it grows to
     * MG_BUF_FLUSH_MIN first. */
    mg_buf small;
    mg_buf_init(&small);
    small.sink = &k.sink;
    int before = k.flushes;
    for (int i = 0; i < 1000; i++)
        mg_buf_append(&small, p, 60);
    CHECK_INT(k.flushes, before);
    CHECK_INT(small.len, 60000);
    mg_buf_fini(&small);
    mg_buf_fini(&b);
    mg_buf_fini(&k.got);
    free(p);
}

static void buf_should_keep_everything_when_its_sink_fails(void)
{
    keep_sink k = {{keep_flush}, {0}, 0, 1}; /* one flush, then refusals */
    mg_buf_init(&k.got);
    mg_buf b;
    mg_buf_init(&b);
    mg_buf_reserve(&b, 70 * 1024);
    b.sink = &k.sink;
    char *p = pattern(1000000, 3);
    for (size_t i = 0; i < 1000000; i += 500)
        mg_buf_append(&b, p + i, 500);
    CHECK_INT(k.flushes, 1);
    CHECK(b.sink == NULL); /* detached at the refusal */
    CHECK_INT(mg_buf_total(&b), 1000000);
    CHECK(k.got.len == b.flushed && memcmp(k.got.data, p, k.got.len) == 0);
    CHECK(b.len == 1000000 - b.flushed && memcmp(b.data, p + b.flushed, b.len) == 0);
    mg_buf_fini(&b);
    mg_buf_fini(&k.got);
    free(p);
}

/* A reset buffer that grows (made afresh, not copied: buf.c) is still an
 * empty C string, and keeps what is appended next. */
static void buf_reset_then_grown_should_stay_terminated(void)
{
    mg_buf b;
    mg_buf_init(&b);
    mg_buf_append_str(&b, "some text to throw away");
    mg_buf_reset(&b);
    mg_buf_reserve(&b, 100000);
    CHECK_STR(mg_buf_cstr(&b), "");
    CHECK_INT(b.len, 0);
    mg_buf_append_str(&b, "kept");
    mg_buf_reserve(&b, 1000000);
    CHECK_STR(mg_buf_cstr(&b), "kept");
    mg_buf_fini(&b);
}

static char root[256];

static char *in_root(const char *rel)
{
    static char p[4][512];
    static int k;
    k = (k + 1) % 4;
    snprintf(p[k], sizeof p[k], "%s/%s", root, rel);
    return p[k];
}

/* Streams `n` bytes of `text` into `s` through `b`, as render_one does:
 * appends of a few hundred bytes. */
static int stream_add(mg_emit_set *s, mg_buf *b, const char *path, const char *text, size_t n, mg_diag *d)
{
    mg_emit_stream st;
    mg_buf_reserve(b, 256 * 1024 - 1); /* a capacity of 256 KB (with the NUL) */
    mg_emit_stream_begin(&st, s->spill, b);
    for (size_t i = 0; i < n; i += 333)
        mg_buf_append(b, text + i, n - i < 333 ? n - i : 333);
    return mg_emit_set_add_stream(s, path, strlen(path), &st, b, "t.mustache", mg_mark_at("target.yaml", 1, 1), d);
}

static char report[4096];

static int emit(mg_emit_set *s, mg_emit_mode mode, mg_emit_stats *st, mg_diag *d)
{
    FILE *f = tmpfile();
    mg_emit_opts o = {mode, 0, "t", f, 0};
    memset(st, 0, sizeof *st);
    int rc = mg_emit_run(in_root("out"), s, &o, st, d);
    rewind(f);
    size_t n = fread(report, 1, sizeof report - 1, f);
    report[n] = '\0';
    fclose(f);
    return rc;
}

static int file_is(const char *rel, const char *want, size_t n)
{
    mg_buf b;
    mg_buf_init(&b);
    int ok = mg_buf_read_file(&b, in_root(rel), (size_t)1 << 30) == 0 && b.len == n && memcmp(b.data, want, n) == 0;
    mg_buf_fini(&b);
    return ok;
}

/* Files of several MB stream through a buffer of 256 KB, with a file whose
 * render failed dropped between them; emit then writes, compares and hashes
 * them a chunk (1 MB) at a time. */
static void stream_should_carry_big_files_through_the_spill(void)
{
    testfs_mkroot(root, sizeof root, "mg-stream");
    size_t na = 3 * 1024 * 1024 + 17, nb = 5000;
    char *a = pattern(na, 4), *b = pattern(nb, 5), *junk = pattern(700000, 6);
    mg_diag d;
    errs_reset();
    mg_diag_init_sink(&d, errs_capture, NULL);
    for (int round = 0; round < 3; round++) {
        mg_emit_spill *sp = mg_emit_spill_new();
        CHECK(sp != NULL);
        mg_emit_set s;
        mg_emit_set_init(&s);
        s.spill = sp;
        mg_buf buf;
        mg_buf_init(&buf);
        CHECK_INT(stream_add(&s, &buf, "big.txt", a, na, &d), 0);
        CHECK(buf.cap < 1024 * 1024); /* the buffer never held the file */
        /* A render that fails: what it flushed is not a file's. */
        mg_emit_stream st;
        mg_emit_stream_begin(&st, sp, &buf);
        mg_buf_append(&buf, junk, 700000);
        mg_emit_stream_drop(&st, &buf);
        CHECK_INT(mg_buf_total(&buf), 0);
        CHECK(buf.sink == NULL);
        CHECK_INT(stream_add(&s, &buf, "dir/small.txt", b, nb, &d), 0);
        mg_buf_fini(&buf);
        CHECK_INT(s.n, 2);
        CHECK(s.files[0].spill == sp && !s.files[0].data && s.files[0].len == na);
        CHECK(s.files[1].spill == sp && s.files[1].off == s.files[0].off + na); /* the junk was overwritten */
        CHECK(s.files[0].hash == mg_hash_xxh64(a, na));
        CHECK(s.files[1].hash == mg_hash_xxh64(b, nb));
        mg_emit_stats es;
        if (round == 0) {
            CHECK_INT(emit(&s, MG_EMIT_WRITE, &es, &d), 0);
            CHECK_INT(es.created, 2);
        } else if (round == 1) {
            /* Unchanged: compared a chunk at a time, and not rewritten. */
            CHECK_INT(emit(&s, MG_EMIT_WRITE, &es, &d), 0);
            CHECK_INT(es.unchanged, 2);
            /* One byte changed in the last chunk, the size kept: drift. */
            FILE *f = fopen(in_root("out/big.txt"), "r+b");
            CHECK(f != NULL);
            if (f) {
                fseek(f, (long)na - 5, SEEK_SET);
                fputc(a[na - 5] == 'z' ? 'y' : 'z', f);
                fclose(f);
            }
            CHECK_INT(emit(&s, MG_EMIT_CHECK, &es, &d), 1);
            CHECK_INT(es.different, 1);
            CHECK(strstr(report, "different: ") != NULL);
            CHECK_INT(emit(&s, MG_EMIT_WRITE, &es, &d), 0);
            CHECK_INT(es.updated, 1);
        } else {
            /* The big file is no longer produced: it is stale, and its hash
             * (taken a chunk at a time) says it is ours, so it goes. */
            mg_emit_set s2;
            mg_emit_set_init(&s2);
            s2.spill = sp;
            mg_buf_init(&buf);
            CHECK_INT(stream_add(&s2, &buf, "dir/small.txt", b, nb, &d), 0);
            mg_buf_fini(&buf);
            CHECK_INT(emit(&s2, MG_EMIT_WRITE, &es, &d), 0);
            CHECK_INT(es.deleted, 1);
            CHECK_INT(es.unchanged, 1);
            mg_emit_set_fini(&s2);
        }
        if (round < 2)
            CHECK(file_is("out/big.txt", a, na));
        else
            CHECK(access(in_root("out/big.txt"), F_OK) != 0);
        CHECK(file_is("out/dir/small.txt", b, nb));
        mg_emit_set_fini(&s);
        mg_emit_spill_free(sp);
    }
    CHECK_STR(errs, "");
    free(a);
    free(b);
    free(junk);
    testfs_rm_rf(root);
}

/* A spill that stops taking bytes halfway through a file (here: the file
 * size limit) leaves that file whole in memory: what was written before is
 * read back. */
static void stream_should_fall_back_to_memory_when_the_spill_fails(void)
{
    struct rlimit old;
    if (getrlimit(RLIMIT_FSIZE, &old) != 0)
        return;
    void (*was)(int) = signal(SIGXFSZ, SIG_IGN);
    mg_emit_spill *sp = mg_emit_spill_new();
    CHECK(sp != NULL);
    mg_emit_set s;
    mg_emit_set_init(&s);
    s.spill = sp;
    size_t n = 2 * 1024 * 1024;
    char *a = pattern(n, 7);
    struct rlimit lim = old;
    lim.rlim_cur = 600 * 1024; /* the first flushes (256 KB each) fit */
    CHECK(setrlimit(RLIMIT_FSIZE, &lim) == 0);
    mg_diag d;
    errs_reset();
    mg_diag_init_sink(&d, errs_capture, NULL);
    mg_buf buf;
    mg_buf_init(&buf);
    int rc = stream_add(&s, &buf, "big.txt", a, n, &d);
    setrlimit(RLIMIT_FSIZE, &old);
    signal(SIGXFSZ, was);
    CHECK_INT(rc, 0);
    CHECK_INT(s.n, 1);
    CHECK(s.files[0].spill == NULL && s.files[0].data != NULL);
    CHECK(s.files[0].len == n && s.files[0].data && memcmp(s.files[0].data, a, n) == 0);
    CHECK_STR(errs, "");
    /* The spill goes on for the next file, from where it was. */
    CHECK_INT(stream_add(&s, &buf, "next.txt", a, 1000, &d), 0);
    CHECK(s.files[1].spill == sp && s.files[1].hash == mg_hash_xxh64(a, 1000));
    mg_buf_fini(&buf);
    mg_emit_set_fini(&s);
    mg_emit_spill_free(sp);
    free(a);
}

/* The renderer's output bound counts the bytes a buffer has flushed: a
 * buffer that empties into a sink still stops a runaway render. */
static int drop_flush(mg_buf_sink *self, const char *data, size_t n)
{
    (void)self;
    (void)data;
    (void)n;
    return 0;
}

static void render_bound_should_count_flushed_output(void)
{
    char text[1100];
    memset(text, 'x', 1024);
    strcpy(text + 1024, "{{/items}}");
    char src[1200];
    snprintf(src, sizeof src, "{{#items}}%s", text);
    cJSON *data = cJSON_CreateObject();
    cJSON *items = cJSON_AddArrayToObject(data, "items");
    for (int i = 0; i < 70000; i++) /* 70 000 KB: past MG_MAX_OUTPUT_BYTES */
        cJSON_AddItemToArray(items, cJSON_CreateTrue());
    mg_diag d;
    errs_reset();
    mg_diag_init_sink(&d, errs_capture, NULL);
    mg_tpl *t = mg_tpl_parse("big", src, strlen(src), &d);
    CHECK(t != NULL);
    mg_buf_sink sink = {drop_flush};
    mg_buf b;
    mg_buf_init(&b);
    b.sink = &sink;
    CHECK_INT(mg_tpl_render_strict(t, data, NULL, MG_ESCAPE_NONE, &b, &d), -1);
    CHECK(strstr(errs, "rendered output larger than 67108864 bytes") != NULL);
    CHECK(b.flushed > 0 && b.cap < 1024 * 1024);
    /* Under the bound, the same template renders whole. */
    errs_reset();
    cJSON_DeleteItemFromArray(items, 0);
    while (cJSON_GetArraySize(items) > 60000)
        cJSON_DeleteItemFromArray(items, 0);
    mg_buf_reset(&b);
    CHECK_INT(mg_tpl_render_strict(t, data, NULL, MG_ESCAPE_NONE, &b, &d), 0);
    CHECK_INT(mg_buf_total(&b), 60000 * 1024);
    CHECK_STR(errs, "");
    mg_buf_fini(&b);
    mg_tpl_free(t);
    cJSON_Delete(data);
}

int main(void)
{
    RUN(xxh64_in_pieces_should_equal_the_whole);
    RUN(buf_with_a_sink_should_flush_instead_of_growing);
    RUN(buf_should_keep_everything_when_its_sink_fails);
    RUN(buf_reset_then_grown_should_stay_terminated);
    RUN(stream_should_carry_big_files_through_the_spill);
    RUN(stream_should_fall_back_to_memory_when_the_spill_fails);
    RUN(render_bound_should_count_flushed_output);
    return unit_done();
}
