/* util.c - small helpers every stage uses. */
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void *check(void *p)
{
    if (!p) {
        fputs("msggen: out of memory\n", stderr);
        abort();
    }
    return p;
}

void *mg_xmalloc(size_t n)
{
    return check(malloc(n ? n : 1));
}

void *mg_xcalloc(size_t n, size_t size)
{
    return check(calloc(n ? n : 1, size ? size : 1));
}

void *mg_xrealloc(void *p, size_t n)
{
    return check(realloc(p, n ? n : 1));
}

char *mg_xstrndup(const char *s, size_t n)
{
    char *p = mg_xmalloc(n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *mg_xstrdup(const char *s)
{
    return mg_xstrndup(s, strlen(s));
}

void *mg_xgrow(void *p, size_t n, size_t *cap, size_t size)
{
    if (n < *cap)
        return p;
    size_t ncap = *cap ? *cap * 2 : 8;
    if (ncap > (size_t)-1 / size) {
        fputs("msggen: out of memory\n", stderr);
        abort();
    }
    p = mg_xrealloc(p, ncap * size);
    *cap = ncap;
    return p;
}

size_t mg_edit_distance(const char *a, size_t n, const char *b)
{
    size_t m = strlen(b);
    if (n > 128 || m > 128)
        return (size_t)-1;
    size_t rows[3][129], *prev2 = rows[0], *prev = rows[1], *cur = rows[2];
    for (size_t j = 0; j <= m; j++)
        prev[j] = j;
    for (size_t i = 1; i <= n; i++) {
        cur[0] = i;
        for (size_t j = 1; j <= m; j++) {
            size_t best = prev[j - 1] + (a[i - 1] != b[j - 1]);
            if (prev[j] + 1 < best)
                best = prev[j] + 1;
            if (cur[j - 1] + 1 < best)
                best = cur[j - 1] + 1;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] && prev2[j - 2] + 1 < best)
                best = prev2[j - 2] + 1;
            cur[j] = best;
        }
        size_t *t = prev2;
        prev2 = prev;
        prev = cur;
        cur = t;
    }
    return prev[m];
}

size_t mg_typo_distance(size_t n)
{
    return (n + 1) / 3;
}
