/* test_rx.c - the linear-time pattern programs (generator/rx.c) agree with
 * PCRE2 as msggen validate runs it, on chosen cases and on thousands of random
 * patterns and subjects, and take linear time where PCRE2 backtracks. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdlib.h>
#include <time.h>

#include "../../generator/rx.c"
#include "../../generator/util.c"
#include "unit.h"

static pcre2_match_context *mctx;

/* PCRE2's verdict: 1, 0, or -1 (invalid pattern, or the match limit). */
static int pcre(const char *pattern, const char *s)
{
    int err;
    PCRE2_SIZE off;
    pcre2_code *re = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED,
                                   PCRE2_UTF | PCRE2_DOLLAR_ENDONLY | PCRE2_ALT_BSUX, &err, &off, NULL);
    if (!re)
        return -1;
    pcre2_match_data *md = pcre2_match_data_create_from_pattern(re, NULL);
    int rc = pcre2_match(re, (PCRE2_SPTR)s, strlen(s), 0, 0, md, mctx);
    pcre2_match_data_free(md);
    pcre2_code_free(re);
    return rc >= 0 ? 1 : rc == PCRE2_ERROR_NOMATCH ? 0 : -1;
}

/* The program's verdict, -2 when the pattern is refused. */
static int prog(const char *pattern, const char *s)
{
    int *p;
    size_t n;
    const char *why;
    if (mg_rx_compile(pattern, &p, &n, &why) < 0)
        return -2;
    int r = mg_rx_search(p, n, s, strlen(s));
    free(p);
    return r;
}

static void check_same(const char *pattern, const char *s, int want)
{
    int got = prog(pattern, s), ref = pcre(pattern, s);
    if (got != want || ref != want) {
        unit_failed_checks++;
        unit_note("# /%s/ on \"%s\": program %d, PCRE2 %d, want %d\n", pattern, s, got, ref, want);
    }
}

static void rx_should_match_like_pcre2(void)
{
    check_same("^[a-z]+$", "abc", 1);
    check_same("^[a-z]+$", "abC", 0);
    check_same("b", "abc", 1);            /* a search, not anchored */
    check_same("^a|b$", "xb", 1);
    check_same("^(a|b)$", "xb", 0);
    check_same("a$", "a\n", 0);           /* $ only at the very end */
    check_same("^.$", "\n", 0);           /* . is not \n */
    check_same("^.$", "\r", 1);
    check_same("^.$", "\xc3\xa9", 1);     /* one code point */
    check_same("^\\d+$", "\xd9\xa1", 0); /* \d is ASCII */
    check_same("^\\w+$", "a_1", 1);
    check_same("^\\s$", "\v", 1);
    check_same("^\\s$", "\xc2\xa0", 0);
    check_same("^\\S\\D\\W$", "aa-", 1);
    check_same("\\bfoo\\b", "a foo.", 1);
    check_same("\\bfoo\\b", "afoo", 0);
    check_same("\\Boo", "foo", 1);
    check_same("^a{2,3}$", "aaaa", 0);
    check_same("^a{2,3}$", "aaa", 1);
    check_same("^a{2,}$", "aaaaa", 1);
    check_same("^a{2}$", "a", 0);
    check_same("^x{$", "x{", 1);          /* not a quantifier: a literal brace */
    check_same("^[^a-c]+$", "xyz", 1);
    check_same("^[\\d-]+$", "1-2", 1);
    check_same("^[a\\]]+$", "a]", 1);
    check_same("^\\u00e9$", "\xc3\xa9", 1);
    check_same("^\\x41$", "A", 1);
    check_same("^(?:ab)+$", "abab", 1);
    check_same("^(?<year>\\d{4})-\\d\\d$", "2024-05", 1);
    check_same("^(a*)*$", "aaa", 1);
    check_same("^(a*)*b$", "aaa", 0);
    check_same("^(|a)+$", "aa", 1);
    check_same("^\\/\\.\\-$", "/.-", 1);
    check_same("^a+?$", "aa", 1);
}

static void rx_should_refuse_what_needs_backtracking_or_reads_differently(void)
{
    const char *refused[] = {"(a)\\1", "a(?=b)", "a(?!b)", "(?<=a)b", "(?<!a)b", "(?i)a", "a*+", "a++",
                             "[[:alpha:]]", "[]a]", "[^]", "\\p{L}", "\\k<a>", "\\cA", "\\Qa\\E", "\\Aa",
                             "a\\z", "\\x4", "\\ud800", "\\012", "(", ")", "a**", "*a", "{2}", "^*",
                             "a{1001}", "a{,2}", "\\y", "[z-a]", "[\\d-z]", "(a{1000}){1000}"};
    for (size_t i = 0; i < sizeof refused / sizeof *refused; i++) {
        int *p = NULL;
        size_t n;
        const char *why = NULL;
        if (mg_rx_compile(refused[i], &p, &n, &why) == 0) {
            unit_failed_checks++;
            unit_note("# /%s/ compiled; it should be refused\n", refused[i]);
            free(p);
        } else
            CHECK(why != NULL);
    }
}

static void rx_should_take_linear_time_where_pcre2_backtracks(void)
{
    static char s[20002];
    memset(s, 'a', 20000);
    s[20000] = '!';
    s[20001] = '\0';
    clock_t t0 = clock();
    CHECK_INT(prog("^(a+)+$", s), 0);
    CHECK_INT(prog("^(a|aa)+$", s), 0);
    CHECK_INT(prog("^([a-z0-9]+[-.]?)*[a-z0-9]{2,4}$", s), 0);
    CHECK_INT(prog("(a+)+b|!", s), 1);
    double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
    CHECK(secs < 2.0);
    CHECK_INT(pcre("^(a+)+$", s), -1); /* PCRE2 gives up at its limit */
}

/* ---- random differential test --------------------------------------------------- */

static unsigned long long seed = 12;
static unsigned rnd(unsigned n)
{
    seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
    return (unsigned)(seed >> 33) % n;
}

static void gen_alt(char *b, size_t *n, int depth);

static void put_s(char *b, size_t *n, const char *s)
{
    size_t k = strlen(s);
    if (*n + k < 200) {
        memcpy(b + *n, s, k);
        *n += k;
    }
}

static void gen_atom(char *b, size_t *n, int depth)
{
    static const char *atoms[] = {"a", "b", "-", " ", ".", "[ab]", "[^a]", "[a-c]", "\\d", "\\w", "\\s",
                                  "\\D", "[\\d-]", "^", "$", "\\b", "\\B", "\xc3\xa9", "\\n", "1", "[^\\s]",
                                  "\\.", "_", "[\\w\xc3\xa9]", "x{", "\\u00e9"};
    if (depth < 3 && rnd(5) == 0) {
        put_s(b, n, rnd(2) ? "(" : "(?:");
        gen_alt(b, n, depth + 1);
        put_s(b, n, ")");
    } else
        put_s(b, n, atoms[rnd(sizeof atoms / sizeof *atoms)]);
    static const char *quants[] = {"", "", "", "*", "+", "?", "{2}", "{1,}", "{0,2}", "{1,3}", "*?", "+?"};
    put_s(b, n, quants[rnd(sizeof quants / sizeof *quants)]);
}

static void gen_alt(char *b, size_t *n, int depth)
{
    int branches = 1 + (rnd(4) == 0) + (rnd(8) == 0);
    for (int i = 0; i < branches; i++) {
        if (i)
            put_s(b, n, "|");
        int pieces = (int)rnd(5);
        for (int k = 0; k < pieces; k++)
            gen_atom(b, n, depth);
    }
}

static void rx_should_agree_with_pcre2_on_random_patterns(void)
{
    static const char *chars[] = {"a", "b", "c", "-", " ", "1", "\n", "\xc3\xa9", "_", "x", "{"};
    int compared = 0, refused = 0, limits = 0, shown = 0;
    for (int i = 0; i < 4000; i++) {
        char pat[256];
        size_t n = 0;
        gen_alt(pat, &n, 0);
        pat[n] = '\0';
        int *p;
        size_t len;
        const char *why;
        if (mg_rx_compile(pat, &p, &len, &why) < 0) {
            refused++;
            continue;
        }
        for (int k = 0; k < 8; k++) {
            char s[64];
            size_t sn = 0;
            for (unsigned j = rnd(9); j > 0; j--)
                put_s(s, &sn, chars[rnd(sizeof chars / sizeof *chars)]);
            s[sn] = '\0';
            int ref = pcre(pat, s);
            if (ref < 0) {
                limits++;
                continue;
            }
            int got = mg_rx_search(p, len, s, sn);
            compared++;
            if (got != ref) {
                unit_failed_checks++;
                if (shown++ < 10)
                    unit_note("# /%s/ on \"%s\": program %d, PCRE2 %d\n", pat, s, got, ref);
            }
        }
        free(p);
    }
    printf("# random patterns: %d subjects compared, %d patterns refused, %d PCRE2 errors\n", compared, refused,
           limits);
    CHECK(compared > 20000);
}

int main(void)
{
    mctx = pcre2_match_context_create(NULL);
    pcre2_set_match_limit(mctx, 1000000);
    RUN(rx_should_match_like_pcre2);
    RUN(rx_should_refuse_what_needs_backtracking_or_reads_differently);
    RUN(rx_should_take_linear_time_where_pcre2_backtracks);
    RUN(rx_should_agree_with_pcre2_on_random_patterns);
    pcre2_match_context_free(mctx);
    return unit_done();
}
