/* test_yscan.c - the fast YAML path against libyaml, differentially.
 *
 * For every .yaml/.yml file of the repository (schemas/, tests/,
 * templates/), of bench/work/synth-200 when it has been generated and of
 * ../shared/conformance/asyncapi-examples when it is there, and for
 * thousands of deterministic mutations of them (a fixed-seed PRNG deletes,
 * inserts and duplicates bytes and lines, shifts indentation, inserts
 * quotes, colons, dashes, '#', '|', '>', tabs, non-ASCII), yscan must either
 * give up or give exactly libyaml's events (yscan_diff.h). The flagship
 * (schemas/worker-backend) and the synthetic catalogue must take the fast
 * path whole: that is what it is for. A table of small texts pins the
 * constructs the subset covers.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "unit.h"
#include "util.h"
#include "yscan_diff.h"

static mg_yscan scan;

typedef struct {
    char **path;
    size_t n, cap;
} file_list;

static int has_yaml_suffix(const char *name)
{
    size_t n = strlen(name);
    return (n > 5 && strcmp(name + n - 5, ".yaml") == 0) || (n > 4 && strcmp(name + n - 4, ".yml") == 0);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every YAML file under dir, recursively. */
static void collect(file_list *l, const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    for (struct dirent *e; (e = readdir(d));) {
        if (e->d_name[0] == '.' || strcmp(e->d_name, "node_modules") == 0)
            continue;
        size_t n = strlen(dir) + strlen(e->d_name) + 2;
        char *p = mg_xmalloc(n);
        snprintf(p, n, "%s/%s", dir, e->d_name);
        struct stat st;
        if (stat(p, &st) == 0 && S_ISDIR(st.st_mode)) {
            collect(l, p);
            free(p);
        } else if (has_yaml_suffix(e->d_name)) {
            l->path = mg_xgrow(l->path, l->n, &l->cap, sizeof *l->path);
            l->path[l->n++] = p;
        } else {
            free(p);
        }
    }
    closedir(d);
}

static char *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = NULL;
    size_t n = 0, cap = 0;
    for (;;) {
        if (cap - n < 65536) {
            cap = cap ? cap * 2 : 65536;
            buf = mg_xrealloc(buf, cap);
        }
        size_t r = fread(buf + n, 1, cap - n, f);
        n += r;
        if (r == 0)
            break;
    }
    fclose(f);
    *len = n;
    return buf;
}

/* The loader hands libyaml the text after a UTF-8 byte order mark. */
static const char *skip_bom(const char *t, size_t *len)
{
    if (*len >= 3 && memcmp(t, "\xEF\xBB\xBF", 3) == 0) {
        *len -= 3;
        return t + 3;
    }
    return t;
}

static int check_text(const char *what, const char *t, size_t len)
{
    char why[512];
    int v = yscan_diff(&scan, t, len, why, sizeof why);
    if (v == YSCAN_DIFFERENT) {
        unit_failed_checks++;
        unit_note("# %s: %s\n", what, why);
    }
    return v;
}

static const char *const small_texts[] = {
    "a: 1\n",
    "a: 1",
    "# only a comment\n",
    "",
    "---\na: b\n",
    "--- # c\n- x\n",
    "a:\n  b: c\n  d:\n    - e\n    - f: g\n      h: i\n",
    "a:\n- x\n- y\nb: z\n",
    "a:\n- x\n-\n- - y\n  - z\nb:\n",
    "- a: 1\n  b: 2\n- c\n-\n  d: e\n",
    "a:\nb:\n",
    "a: |\n  x\n  y\n\n",
    "a: |-\n  x\n\n\n",
    "a: |+\n  x\n\n\nb: 1\n",
    "a: >\n  folded\n  text\n\n  para\n    more\n  back\n",
    "a: >-\n  x\n  y\n",
    "a: >+\n  x\n\n",
    "a: | # comment\n   deep\n  \n   x\nb: c\n",
    "- |\n  in a list\n- >\n  folded\n",
    "a: |\n",
    "a: |\n\n\n",
    "k: {a: b, c: [d, e], f: {}}\n",
    "k: [a, 'b c', \"d\\ne\", [], {x: y}]\n",
    "k: {$ref: '#/components/schemas/X'}\n",
    "'q': \"v \\\" \\\\ \\/ \\t \\x41 \\u00e9 \\U0001F600\"\n",
    "'it''s': 'a ''b'''\n",
    "\xc3\xa9t\xc3\xa9: caf\xc3\xa9 # c\n\xc3\xa9: [\xc3\xa9, x]\n",
    "a: b c  d\nurl: http://x.y/z#frag\nn: -1\nm: a#b\n",
    "key :  v\n",
    "a:    # c\n  b: c\n",
    "a: 'x' # c\nb: \"y\"#c\n",
    "  indented: root\n  b: 1\n",
    "- - - a\n    - b\n  - c\n",
    "a:\n  - b\n  -  c\n  -\n",
    "top\n",
    "'quoted root'\n",
    "[a, b]\n",
    "a: -\n",
    "a: - b\n",
    "a: b: c\n",
    "a: &x b\n",
    "a: *x\n",
    "a: !t b\n",
    "? a\n: b\n",
    "a: 'x\n  y'\n",
    "a: b\n  c\n",
    "a:\tb\n",
    "a: b\r\n",
    "a: b\n---\nc: d\n",
    "a: |2\n   x\n",
    "a: [b,\n  c]\n",
    "a: b\n...\n",
    "%YAML 1.2\n---\na: b\n",
    "a: \"\\0\"\n",
    "a: [b, ]\n",
    "{a: 1}\n",
};

/* Texts the fast path must take (not give up on): the constructs it is for. */
static const char *const taken_texts[] = {
    "a: 1\n", "a:\n  b: c\n  d:\n    - e\n    - f: g\n      h: i\n", "a:\n- x\n- y\nb: z\n",
    "- a: 1\n  b: 2\n- c\n-\n  d: e\n", "a: |\n  x\n  y\n\n", "a: |-\n  x\n\n\n", "a: |+\n  x\n\n\nb: 1\n",
    "a: >\n  folded\n  text\n\n  para\n    more\n  back\n", "k: {a: b, c: [d, e], f: {}}\n",
    "'q': \"v \\\" \\\\ \\/ \\t \\x41 \\u00e9 \\U0001F600\"\n", "\xc3\xa9t\xc3\xa9: caf\xc3\xa9 # c\n\xc3\xa9: [\xc3\xa9, x]\n",
    "---\na: b\n", "'it''s': 'a ''b'''\n",
};

static void yscan_should_match_libyaml_on_small_texts(void)
{
    for (size_t i = 0; i < sizeof small_texts / sizeof *small_texts; i++) {
        char what[64];
        snprintf(what, sizeof what, "small_texts[%zu]", i);
        check_text(what, small_texts[i], strlen(small_texts[i]));
    }
    for (size_t i = 0; i < sizeof taken_texts / sizeof *taken_texts; i++) {
        char what[64];
        snprintf(what, sizeof what, "taken_texts[%zu]", i);
        if (check_text(what, taken_texts[i], strlen(taken_texts[i])) != YSCAN_SAME) {
            unit_failed_checks++;
            unit_note("# taken_texts[%zu]: not taken by the fast path as libyaml reads it\n", i);
        }
    }
}

/* Near the limits: keys around libyaml's 1024 characters (ASCII and two
 * bytes a character), nesting around the fast path's depth. */
static void yscan_should_match_libyaml_at_the_limits(void)
{
    char *t = mg_xmalloc(16384); /* the deepest mapping: 132 lines indented 0..131 */
    for (size_t n = 1010; n <= 1030; n += 2) {
        for (int wide = 0; wide < 2; wide++) {
            size_t k = 0;
            memcpy(t + k, "- ", 2);
            k += 2;
            for (size_t i = 0; i < n; i++) {
                if (wide)
                    t[k++] = '\xc3', t[k++] = '\xa9';
                else
                    t[k++] = 'k';
            }
            memcpy(t + k, ": v\n", 4);
            k += 4;
            check_text("long key", t, k);
            check_text("long flow key", t + 2, k - 2); /* then as a root mapping */
        }
    }
    for (int depth = 120; depth <= 132; depth += 4) {
        size_t k = 0;
        for (int i = 0; i < depth; i++) {
            memset(t + k, ' ', (size_t)i);
            k += (size_t)i;
            memcpy(t + k, "a:\n", 3);
            k += 3;
        }
        t[k - 1] = ' ';
        t[k++] = 'b';
        t[k++] = '\n';
        check_text("deep mapping", t, k);
        k = 0;
        for (int i = 0; i < depth; i++)
            t[k++] = '[';
        for (int i = 0; i < depth; i++)
            t[k++] = ']';
        check_text("deep flow", t, k);
    }
    free(t);
}

/* xorshift64*: the same mutations on every run. */
static uint64_t rng = 0x9E3779B97F4A7C15u;
static uint64_t rnd(void)
{
    rng ^= rng >> 12;
    rng ^= rng << 25;
    rng ^= rng >> 27;
    return rng * 0x2545F4914F6CDD1Du;
}
static size_t rnd_below(size_t n)
{
    return n ? (size_t)(rnd() % n) : 0;
}

static const char *const inserts[] = {" ", "  ", "\n", ":", ": ", "-", "- ", "#", " #", "'", "\"", "|", ">", "|-",
                                      ">+", "\t", "[", "]", "{", "}", ",", "\xc3\xa9", "\xe2\x82\xac", "\\", "&a ",
                                      "*a", "!", "?", "x", "0", "---\n", "\\n", "''", "\r", "\xc2\x85", "...\n"};

/* One mutation of t[0..len) into out (capacity len + 256 + len). */
static size_t mutate(const char *t, size_t len, char *out)
{
    size_t n = len;
    memcpy(out, t, len);
    int ops = 1 + (int)rnd_below(3);
    for (int k = 0; k < ops; k++) {
        size_t at = rnd_below(n + 1);
        /* The start of at's line and of the next one. */
        size_t ls = at, le = at;
        while (ls > 0 && out[ls - 1] != '\n')
            ls--;
        while (le < n && out[le] != '\n')
            le++;
        if (le < n)
            le++;
        switch (rnd_below(8)) {
        case 0: /* delete a byte */
            if (at < n) {
                memmove(out + at, out + at + 1, n - at - 1);
                n--;
            }
            break;
        case 1:
        case 2: { /* insert */
            const char *s = inserts[rnd_below(sizeof inserts / sizeof *inserts)];
            size_t sl = strlen(s);
            if (n + sl > len + 256)
                break;
            memmove(out + at + sl, out + at, n - at);
            memcpy(out + at, s, sl);
            n += sl;
            break;
        }
        case 3: /* duplicate a byte */
            if (at < n && n < len + 256) {
                memmove(out + at + 1, out + at, n - at);
                n++;
            }
            break;
        case 4: /* delete a line */
            memmove(out + ls, out + le, n - le);
            n -= le - ls;
            break;
        case 5: /* duplicate a line */
            if (n + (le - ls) <= len + 256 + len) {
                memmove(out + le + (le - ls), out + le, n - le);
                memcpy(out + le, out + ls, le - ls);
                n += le - ls;
            }
            break;
        case 6: /* indent a line more */
            if (n + 2 <= len + 256) {
                size_t w = 1 + rnd_below(2);
                memmove(out + ls + w, out + ls, n - ls);
                memset(out + ls, ' ', w);
                n += w;
            }
            break;
        default: /* indent a line less */
            if (ls < n && out[ls] == ' ') {
                memmove(out + ls, out + ls + 1, n - ls - 1);
                n--;
            }
            break;
        }
    }
    return n;
}

static void yscan_should_match_libyaml_on_the_repository_and_mutations(void)
{
    const char *top = getenv("TOP");
    if (!top || !*top)
        top = ".";
    char dir[4096];
    file_list all = {0};
    static const char *const roots[] = {"schemas", "tests", "templates", "bench/work/synth-200",
                                        "../shared/conformance/asyncapi-examples"};
    for (size_t i = 0; i < sizeof roots / sizeof *roots; i++) {
        snprintf(dir, sizeof dir, "%s/%s", top, roots[i]);
        size_t before = all.n;
        collect(&all, dir);
        if (all.n == before)
            printf("# yscan: skipped %s (no YAML there)\n", roots[i]);
    }
    qsort(all.path, all.n, sizeof *all.path, cmp_str);
    CHECK(all.n > 20);
    size_t files_fast = 0, must = 0, must_fast = 0, muts = 0, muts_fast = 0;
    for (size_t i = 0; i < all.n; i++) {
        size_t len;
        char *text = read_all(all.path[i], &len);
        if (!text)
            continue;
        size_t tl = len;
        const char *t = skip_bom(text, &tl);
        int v = check_text(all.path[i], t, tl);
        files_fast += v == YSCAN_SAME;
        /* The flagship and the synthetic catalogue are what the fast path is for. */
        if (strstr(all.path[i], "/schemas/worker-backend/") || strstr(all.path[i], "/bench/work/synth-")) {
            must++;
            must_fast += v == YSCAN_SAME;
            if (v != YSCAN_SAME) {
                unit_failed_checks++;
                unit_note("# %s: the fast path gave up\n", all.path[i]);
            }
        }
        /* Mutations of a window of about 60 lines, so that big files cost
         * no more than small ones. */
        size_t ws = 0, we = tl;
        if (tl > 4096) {
            ws = rnd_below(tl - 2048);
            while (ws > 0 && t[ws - 1] != '\n')
                ws--;
            we = ws;
            for (int lines = 0; we < tl && lines < 60; we++)
                lines += t[we] == '\n';
        }
        char *out = mg_xmalloc(2 * (we - ws) + 256);
        for (int m = 0; m < 24; m++) {
            size_t n = mutate(t + ws, we - ws, out);
            char what[4200];
            snprintf(what, sizeof what, "%s mutation %d", all.path[i], m);
            int mv = check_text(what, out, n);
            muts++;
            muts_fast += mv == YSCAN_SAME;
        }
        free(out);
        free(text);
    }
    printf("# yscan: %zu files, %zu took the fast path (%zu of %zu that must); %zu mutations, %zu (%.1f%%) took it\n",
           all.n, files_fast, must_fast, must, muts, muts_fast, muts ? 100.0 * (double)muts_fast / (double)muts : 0.0);
    CHECK(muts >= 5000);
    CHECK(muts_fast > muts / 10);
    for (size_t i = 0; i < all.n; i++)
        free(all.path[i]);
    free(all.path);
}

/* check_chars reads eight bytes at a time across line breaks: a control
 * character (or 0x7F, or NUL) in the same word as a line break, at any
 * place of the word, must still make the fast path give up (to libyaml,
 * which refuses it). */
static void yscan_should_refuse_control_characters_beside_line_breaks(void)
{
    static const char base[] = "a: b\nc: d\ne: f\ng: h\ni: j\n";
    size_t n = sizeof base - 1;
    CHECK(mg_yscan_run(&scan, base, n) == 0);
    char t[sizeof base];
    for (int c = 0; c < 0x80; c++) {
        if ((c >= 0x20 && c != 0x7F) || c == '\n')
            continue;
        for (size_t i = 0; i < n; i++) {
            if (base[i] == '\n')
                continue;
            memcpy(t, base, sizeof base);
            t[i] = (char)c;
            if (mg_yscan_run(&scan, t, n) == 0) {
                unit_failed_checks++;
                unit_note("# byte 0x%02X at offset %zu: taken by the fast path\n", (unsigned)c, i);
            }
        }
    }
}

int main(void)
{
    mg_yscan_init(&scan);
    RUN(yscan_should_match_libyaml_on_small_texts);
    RUN(yscan_should_match_libyaml_at_the_limits);
    RUN(yscan_should_match_libyaml_on_the_repository_and_mutations);
    RUN(yscan_should_refuse_control_characters_beside_line_breaks);
    mg_yscan_fini(&scan);
    return unit_done();
}
