/* text.c - small text helpers shared by the stages. */
#include "text.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

int mg_hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

size_t mg_utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
    unsigned char c = s[0];
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    size_t need;
    uint32_t v;
    /* C0 and C1 could only start overlong two-byte forms; F5..FF go past U+10FFFF. */
    if (c >= 0xC2 && c <= 0xDF) {
        need = 1;
        v = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        need = 2;
        v = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        need = 3;
        v = c & 0x07;
    } else {
        return 0;
    }
    for (size_t k = 1; k <= need; k++) {
        if (k >= n || (s[k] & 0xC0) != 0x80)
            return 0;
        v = (v << 6) | (s[k] & 0x3F);
    }
    if ((need == 2 && v < 0x800) || (need == 3 && (v < 0x10000 || v > 0x10FFFF)) ||
        (v >= 0xD800 && v <= 0xDFFF))
        return 0;
    *cp = v;
    return need + 1;
}

size_t mg_utf8_length(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xC0) != 0x80)
            n++;
    return n;
}

void mg_text_linecol(const char *text, size_t len, size_t off, int *line, int *col)
{
    int l = 1, c = 1;
    if (off > len)
        off = len;
    for (size_t i = 0; i < off; i++) {
        unsigned char ch = (unsigned char)text[i];
        if (ch == '\n') {
            l++;
            c = 1;
        } else if ((ch & 0xC0) != 0x80) {
            c++;
        }
    }
    *line = l;
    *col = c;
}

void mg_jptr_append_token(mg_buf *b, const char *s)
{
    for (; *s; s++) {
        if (*s == '~')
            mg_buf_append(b, "~0", 2);
        else if (*s == '/')
            mg_buf_append(b, "~1", 2);
        else
            mg_buf_putc(b, *s);
    }
}

const char *mg_jptr_decode_token(mg_buf *tok, const char *p, const char **bad)
{
    if (bad)
        *bad = NULL;
    for (; *p && *p != '/'; p++) {
        if (p[0] == '~' && (p[1] == '0' || p[1] == '1')) {
            mg_buf_putc(tok, p[1] == '0' ? '~' : '/');
            p++;
        } else {
            if (*p == '~' && bad && !*bad)
                *bad = p;
            mg_buf_putc(tok, *p);
        }
    }
    return p;
}

void mg_subst_init(mg_subst *s)
{
    memset(s, 0, sizeof *s);
    for (int b = 0; b < 256; b++)
        s->head[b] = s->tail[b] = -1;
}

void mg_subst_fini(mg_subst *s)
{
    free(s->pairs);
    mg_subst_init(s);
}

void mg_subst_add(mg_subst *s, const char *from, const char *to, int in_code)
{
    if (!from || !*from || !to)
        return;
    s->pairs = mg_xgrow(s->pairs, s->n, &s->cap, sizeof *s->pairs);
    unsigned char b = (unsigned char)from[0];
    int k = (int)s->n;
    s->pairs[s->n++] = (mg_subst_pair){from, to, strlen(from), strlen(to), in_code != 0, -1};
    s->starts[b] |= (unsigned char)(in_code ? 3 : 1);
    if (s->tail[b] >= 0)
        s->pairs[s->tail[b]].next = k;
    else
        s->head[b] = k;
    s->tail[b] = k;
}

const mg_subst_pair *mg_subst_match(const mg_subst *s, const char *text, size_t n, int in_code)
{
    if (n == 0)
        return NULL;
    for (int k = s->head[(unsigned char)text[0]]; k >= 0; k = s->pairs[k].next) {
        const mg_subst_pair *p = &s->pairs[k];
        if ((!in_code || p->in_code) && p->flen <= n && memcmp(text, p->from, p->flen) == 0)
            return p;
    }
    return NULL;
}
