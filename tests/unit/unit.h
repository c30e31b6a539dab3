/* unit.h - a minimal unit-test harness printing the lines tests/run.sh counts.
 *
 *   static void buf_should_grow(void) { CHECK(x == 1); CHECK_STR(a, "b"); }
 *   int main(void) { RUN(buf_should_grow); return unit_done(); }
 *
 * Each RUN prints "ok NAME", or "not ok NAME: N check(s) failed" followed by
 * one "# file:line: ..." line per failed check (at most 8 KiB of them).
 */
#ifndef MG_UNIT_H
#define MG_UNIT_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int unit_failed_checks;
static int unit_failed_tests;
static char unit_details[8192];
static size_t unit_details_len;

__attribute__((format(printf, 1, 2), unused)) static void unit_note(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    size_t room = sizeof unit_details - unit_details_len;
    int n = vsnprintf(unit_details + unit_details_len, room, fmt, ap);
    va_end(ap);
    if (n > 0)
        unit_details_len += (size_t)n < room ? (size_t)n : room - 1;
}

#define CHECK(cond)                                                                   \
    do {                                                                              \
        if (!(cond)) {                                                                \
            unit_failed_checks++;                                                     \
            unit_note("# %s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #cond);      \
        }                                                                             \
    } while (0)

#define CHECK_STR(got, want)                                                          \
    do {                                                                              \
        const char *g_ = (got), *w_ = (want);                                         \
        if (!g_ || !w_ || strcmp(g_, w_) != 0) {                                      \
            unit_failed_checks++;                                                     \
            unit_note("# %s:%d: %s\n#   got:  \"%s\"\n#   want: \"%s\"\n", __FILE__,   \
                      __LINE__, #got, g_ ? g_ : "(null)", w_ ? w_ : "(null)");        \
        }                                                                             \
    } while (0)

#define CHECK_INT(got, want)                                                          \
    do {                                                                              \
        long long g_ = (long long)(got), w_ = (long long)(want);                      \
        if (g_ != w_) {                                                               \
            unit_failed_checks++;                                                     \
            unit_note("# %s:%d: %s = %lld, want %lld\n", __FILE__, __LINE__, #got, g_, \
                      w_);                                                            \
        }                                                                             \
    } while (0)

#define RUN(fn)                                                                       \
    do {                                                                              \
        int before_ = unit_failed_checks;                                             \
        unit_details_len = 0;                                                         \
        unit_details[0] = '\0';                                                       \
        fn();                                                                         \
        if (unit_failed_checks == before_)                                            \
            printf("ok %s\n", #fn);                                                   \
        else {                                                                        \
            unit_failed_tests++;                                                      \
            printf("not ok %s: %d check(s) failed\n%s", #fn,                          \
                   unit_failed_checks - before_, unit_details);                       \
        }                                                                             \
        fflush(stdout);                                                               \
    } while (0)

/* Exit status of a unit-test program: failures are counted from the output,
 * so a program that ran to the end exits 0. */
static inline int unit_done(void) { return 0; }

#endif
