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
