/* test_diff.c - the line diff of `msggen check`: correct scripts, hunks a
 * reviewer can read on large files, bounded output and time. */
#include "../../generator/diff.c"
#include "unit.h"

#include <stdlib.h>
#include <time.h>

static char *diff_of(const char *a, const char *b, size_t max)
{
    mg_buf o;
    mg_buf_init(&o);
    mg_diff_unified(&o, a, strlen(a), b, strlen(b), "a", "b", max);
    return mg_buf_steal(&o, NULL);
}

/* Applies a unified diff made by mg_diff_unified (no truncation) to `a`, as
 * patch(1) would: hunks in order, context and removed lines must match. Returns
 * the result, or NULL when the diff does not apply. */
static char *apply(const char *a, const char *diff)
{
    mg_buf out;
    mg_buf_init(&out);
    const char *ap = a;      /* next unread line of a */
    size_t aline = 1;        /* its number */
    const char *d = strchr(diff, '\n');
    d = d ? strchr(d + 1, '\n') : NULL; /* skip "--- " and "+++ " */
    if (!d) {
        mg_buf_fini(&out);
        return *diff ? NULL : strdup(a);
    }
    d++;
    while (*d) {
        size_t start, count = 1;
        if (sscanf(d, "@@ -%zu,%zu", &start, &count) < 1)
            goto bad;
        /* An empty range names the line before it. */
        if (count == 0)
            start++;
        const char *eol = strchr(d, '\n');
        while (aline < start) {
            const char *nl = strchr(ap, '\n');
            size_t len = nl ? (size_t)(nl - ap) + 1 : strlen(ap);
            mg_buf_append(&out, ap, len);
            ap += len;
            aline++;
        }
        d = eol + 1;
        while (*d && *d != '@') {
            const char *nl = strchr(d, '\n');
            size_t len = (size_t)(nl - d);
            int no_nl = strncmp(nl + 1, "\\ No newline", 12) == 0;
            if (*d == ' ' || *d == '-') {
                if (strncmp(ap, d + 1, len - 1) != 0)
                    goto bad;
                size_t take = len - 1 + !no_nl;
                if (!no_nl && ap[len - 1] != '\n')
                    goto bad;
                if (*d == ' ')
                    mg_buf_append(&out, ap, take);
                ap += take;
                aline++;
            } else if (*d == '+') {
                mg_buf_append(&out, d + 1, len - 1 + !no_nl);
            } else {
                goto bad;
            }
            d = nl + 1;
            if (no_nl)
                d = strchr(d, '\n') + 1;
        }
    }
    mg_buf_append_str(&out, ap);
    return mg_buf_steal(&out, NULL);
bad:
    mg_buf_fini(&out);
    return NULL;
}

static void diff_should_produce_unified_hunks_with_context(void)
{
    char *s = diff_of("1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n", "1\n2\n3\n4\nX\n6\n7\n8\n9\n10\n11\n12\n13\n", 60);
    CHECK_STR(s, "--- a\n+++ b\n@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+X\n 6\n 7\n 8\n@@ -10,3 +10,4 @@\n 10\n 11\n 12\n+13\n");
    free(s);
    s = diff_of("", "new\n", 60);
    CHECK_STR(s, "--- a\n+++ b\n@@ -0,0 +1 @@\n+new\n");
    free(s);
    s = diff_of("old\n", "", 60);
    CHECK_STR(s, "--- a\n+++ b\n@@ -1 +0,0 @@\n-old\n");
    free(s);
    s = diff_of("a\nb\n", "a\nb", 60);
    CHECK_STR(s, "--- a\n+++ b\n@@ -1,2 +1,2 @@\n a\n-b\n+b\n\\ No newline at end of file\n");
    free(s);
    s = diff_of("same\n", "same\n", 60);
    CHECK_STR(s, "");
    free(s);
}

/* The histogram diff lines up on rare lines: moving a function past another
 * shows one block removed and one added, not a diff of braces. */
static void diff_should_anchor_on_rare_lines(void)
{
    const char *a = "int f(void)\n{\n    return 1;\n}\n\nint g(void)\n{\n    return 2;\n}\n";
    const char *b = "int g(void)\n{\n    return 2;\n}\n\nint f(void)\n{\n    return 1;\n}\n";
    char *s = diff_of(a, b, 60);
    char *back = apply(a, s);
    CHECK_STR(back, b);
    /* One function stays, the other moves as a block: 5 lines out, 5 in, in
     * one hunk, and "int g(void)" kept as context. */
    int minus = 0, plus = 0, hunks = 0;
    for (char *p = s; (p = strchr(p, '\n')) && p[1]; p++) {
        minus += p[1] == '-' && p[2] != '-';
        plus += p[1] == '+' && p[2] != '+';
        hunks += p[1] == '@';
    }
    CHECK_INT(minus, 5);
    CHECK_INT(plus, 5);
    CHECK_INT(hunks, 1);
    CHECK(strstr(s, "\n int g(void)\n {\n     return 2;\n") != NULL);
    free(back);
    free(s);
}

static unsigned long long rng_state = 42;
static unsigned rnd(unsigned n)
{
    rng_state = rng_state * 6364136223846793005ull + 1442695040888963407ull;
    return (unsigned)((rng_state >> 33) % n);
}

/* Random texts over a small alphabet of lines (many repeats, the hard case),
 * random edits: the diff must always turn a into b. */
static void diff_should_always_be_correct(void)
{
    int bad = 0;
    for (int round = 0; round < 2000; round++) {
        mg_buf a, b;
        mg_buf_init(&a);
        mg_buf_init(&b);
        unsigned n = rnd(40), alphabet = 1 + rnd(12);
        for (unsigned i = 0; i < n; i++)
            mg_buf_appendf(&a, "l%u\n", rnd(alphabet));
        /* b: a with random deletions, insertions and changes. */
        const char *p = a.len ? a.data : "";
        while (*p) {
            const char *nl = strchr(p, '\n');
            unsigned r = rnd(10);
            if (r == 0) {
                /* delete */
            } else if (r == 1) {
                mg_buf_appendf(&b, "l%u\n", rnd(alphabet + 3));
            } else {
                mg_buf_append(&b, p, (size_t)(nl - p) + 1);
                if (r == 2)
                    mg_buf_appendf(&b, "n%u\n", rnd(alphabet));
            }
            p = nl + 1;
        }
        if (rnd(4) == 0 && b.len)
            b.len--; /* no final newline */
        if (rnd(4) == 0 && a.len)
            a.len--;
        char *as = mg_buf_steal(&a, NULL), *bs = mg_buf_steal(&b, NULL);
        char *d = diff_of(as, bs, (size_t)-1);
        char *back = apply(as, d);
        if (!back || strcmp(back, bs) != 0) {
            if (!bad)
                unit_note("# round %d:\n# a=\"%s\"\n# b=\"%s\"\n# diff:\n%s", round, as, bs, d);
            bad++;
        }
        free(back);
        free(d);
        free(as);
        free(bs);
    }
    CHECK_INT(bad, 0);
}

/* A generated file of 40 000 lines where 800 lines in 400 places changed
 * (what renumbered validator functions did to validate.c): the old whole-file
 * Myers search gave up past 1 000 edits and printed the file as one hunk. */
static void diff_should_keep_hunks_small_on_large_files(void)
{
    mg_buf a, b;
    mg_buf_init(&a);
    mg_buf_init(&b);
    for (int i = 0; i < 40000; i++) {
        const char *line = i % 4 == 0 ? "}\n" : i % 4 == 1 ? "\n" : NULL;
        if (line)
            mg_buf_append_str(&a, line);
        else
            mg_buf_appendf(&a, "    check(v, %d);\n", i);
        if (line)
            mg_buf_append_str(&b, line);
        else if (i % 100 < 5)
            mg_buf_appendf(&b, "    check_renamed(v, %d);\n", i);
        else
            mg_buf_appendf(&b, "    check(v, %d);\n", i);
    }
    clock_t t0 = clock();
    mg_buf o;
    mg_buf_init(&o);
    size_t total = mg_diff_unified(&o, a.data, a.len, b.data, b.len, "a", "b", (size_t)-1);
    double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
    /* 400 places, each a hunk of 3 context + about 4 changed pairs + 3 context. */
    size_t hunks = 0, minus = 0, plus = 0;
    const char *s = mg_buf_cstr(&o);
    for (const char *p = s; (p = strchr(p, '\n')) && p[1]; p++) {
        hunks += p[1] == '@';
        minus += p[1] == '-' && p[2] != '-';
        plus += p[1] == '+' && p[2] != '+';
    }
    CHECK_INT(minus, 800);
    CHECK_INT(plus, 800);
    CHECK_INT(hunks, 400);
    CHECK(total < 8000);
    CHECK(secs < 2.0);
    size_t added, removed;
    CHECK_INT(mg_diff_stat(a.data, a.len, b.data, b.len, &added, &removed), 1);
    CHECK_INT(added, 800);
    CHECK_INT(removed, 800);
    CHECK_INT(mg_diff_stat(a.data, a.len, a.data, a.len, &added, &removed), 0);
    CHECK_INT(added + removed, 0);
    mg_buf_fini(&o);
    mg_buf_fini(&a);
    mg_buf_fini(&b);
}

static void diff_should_bound_its_output(void)
{
    mg_buf a, b;
    mg_buf_init(&a);
    mg_buf_init(&b);
    for (int i = 0; i < 200; i++) {
        mg_buf_appendf(&a, "line %d\n", i);
        mg_buf_appendf(&b, "LINE %d\n", i);
    }
    mg_buf o;
    mg_buf_init(&o);
    size_t total = mg_diff_unified(&o, a.data, a.len, b.data, b.len, "a", "b", 60);
    CHECK_INT(total, 401);
    const char *s = mg_buf_cstr(&o);
    int lines = 0;
    for (const char *p = s; *p; p++)
        lines += *p == '\n';
    CHECK_INT(lines, 2 + 60 + 1);
    CHECK(strstr(s, "\n... 341 more lines\n") != NULL);
    mg_buf_fini(&o);
    /* Many hunks: the ones left out are counted. */
    mg_buf_reset(&a);
    mg_buf_reset(&b);
    for (int i = 0; i < 1000; i++) {
        mg_buf_appendf(&a, "line %d\n", i);
        mg_buf_appendf(&b, i % 50 == 0 ? "LINE %d\n" : "line %d\n", i);
    }
    mg_buf_init(&o);
    total = mg_diff_unified(&o, a.data, a.len, b.data, b.len, "a", "b", 30);
    /* 20 hunks of 3 + 2 + 3 lines and a header, the first without the
     * context before it; 30 lines shown cut the fourth hunk. */
    CHECK_INT(total, 20 * 9 - 3);
    CHECK(strstr(mg_buf_cstr(&o), "\n... 147 more lines (16 of 20 hunks not shown)\n") != NULL);
    mg_buf_fini(&o);
    /* Nothing in common: one replacement, all of it counted. */
    mg_buf_reset(&a);
    mg_buf_reset(&b);
    for (int i = 0; i < 3000; i++) {
        mg_buf_appendf(&a, "a%d\n", i);
        mg_buf_appendf(&b, "b%d\n", i);
    }
    mg_buf_init(&o);
    total = mg_diff_unified(&o, a.data, a.len, b.data, b.len, "a", "b", 10);
    CHECK_INT(total, 6001);
    mg_buf_fini(&o);
    mg_buf_fini(&a);
    mg_buf_fini(&b);
}

/* Only frequent lines in common (every line repeats more than
 * MG_DIFF_MAX_CHAIN times) and many edits: Myers gives up, the region becomes a
 * replacement; the diff stays correct and fast. */
static void diff_should_stay_correct_on_frequent_lines(void)
{
    mg_buf a, b;
    mg_buf_init(&a);
    mg_buf_init(&b);
    for (int i = 0; i < 20000; i++) {
        mg_buf_appendf(&a, "%d\n", rnd(3));
        mg_buf_appendf(&b, "%d\n", rnd(3));
    }
    char *as = mg_buf_steal(&a, NULL), *bs = mg_buf_steal(&b, NULL);
    clock_t t0 = clock();
    char *d = diff_of(as, bs, (size_t)-1);
    CHECK((double)(clock() - t0) / CLOCKS_PER_SEC < 3.0);
    char *back = apply(as, d);
    CHECK(back && strcmp(back, bs) == 0);
    free(back);
    free(d);
    free(as);
    free(bs);
}

int main(void)
{
    RUN(diff_should_produce_unified_hunks_with_context);
    RUN(diff_should_anchor_on_rare_lines);
    RUN(diff_should_always_be_correct);
    RUN(diff_should_keep_hunks_small_on_large_files);
    RUN(diff_should_bound_its_output);
    RUN(diff_should_stay_correct_on_frequent_lines);
    return unit_done();
}
