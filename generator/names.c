/* names.c - word splitting and casing of identifiers. */
#include "names.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "text.h"
#include "util.h"

/* Latin-1 Supplement and Latin Extended-A letters folded to ASCII. Anything
 * not listed (Greek, CJK, symbols) separates words: there is no sensible
 * single ASCII spelling for it, and dropping it keeps identifiers legal. */
static const struct {
    unsigned cp;
    const char *ascii;
} fold_table[] = {
    {0xC0, "A"}, {0xC1, "A"}, {0xC2, "A"}, {0xC3, "A"}, {0xC4, "Ae"}, {0xC5, "A"}, {0xC6, "Ae"},
    {0xC7, "C"}, {0xC8, "E"}, {0xC9, "E"}, {0xCA, "E"}, {0xCB, "E"}, {0xCC, "I"}, {0xCD, "I"},
    {0xCE, "I"}, {0xCF, "I"}, {0xD0, "D"}, {0xD1, "N"}, {0xD2, "O"}, {0xD3, "O"}, {0xD4, "O"},
    {0xD5, "O"}, {0xD6, "Oe"}, {0xD8, "O"}, {0xD9, "U"}, {0xDA, "U"}, {0xDB, "U"}, {0xDC, "Ue"},
    {0xDD, "Y"}, {0xDE, "Th"}, {0xDF, "ss"}, {0xE0, "a"}, {0xE1, "a"}, {0xE2, "a"}, {0xE3, "a"},
    {0xE4, "ae"}, {0xE5, "a"}, {0xE6, "ae"}, {0xE7, "c"}, {0xE8, "e"}, {0xE9, "e"}, {0xEA, "e"},
    {0xEB, "e"}, {0xEC, "i"}, {0xED, "i"}, {0xEE, "i"}, {0xEF, "i"}, {0xF0, "d"}, {0xF1, "n"},
    {0xF2, "o"}, {0xF3, "o"}, {0xF4, "o"}, {0xF5, "o"}, {0xF6, "oe"}, {0xF8, "o"}, {0xF9, "u"},
    {0xFA, "u"}, {0xFB, "u"}, {0xFC, "ue"}, {0xFD, "y"}, {0xFE, "th"}, {0xFF, "y"},
    {0x141, "L"}, {0x142, "l"}, {0x152, "Oe"}, {0x153, "oe"}, {0x160, "S"}, {0x161, "s"},
    {0x17D, "Z"}, {0x17E, "z"}, {0x106, "C"}, {0x107, "c"}, {0x10C, "C"}, {0x10D, "c"},
    {0x118, "E"}, {0x119, "e"}, {0x11A, "E"}, {0x11B, "e"}, {0x143, "N"}, {0x144, "n"},
    {0x147, "N"}, {0x148, "n"}, {0x158, "R"}, {0x159, "r"}, {0x15A, "S"}, {0x15B, "s"},
    {0x179, "Z"}, {0x17A, "z"}, {0x17B, "Z"}, {0x17C, "z"}, {0x16E, "U"}, {0x16F, "u"},
    {0x104, "A"}, {0x105, "a"}, {0x131, "i"}, {0x130, "I"}, {0x11E, "G"}, {0x11F, "g"},
    {0x15E, "S"}, {0x15F, "s"},
};

static int is_lower(char c) { return c >= 'a' && c <= 'z'; }
static int is_upper(char c) { return c >= 'A' && c <= 'Z'; }
static int is_digit(char c) { return c >= '0' && c <= '9'; }
static int is_alnum(char c) { return is_lower(c) || is_upper(c) || is_digit(c); }
static char to_lower(char c) { return is_upper(c) ? (char)(c - 'A' + 'a') : c; }
static char to_upper(char c) { return is_lower(c) ? (char)(c - 'a' + 'A') : c; }

/* Decodes one UTF-8 sequence at s (n bytes left); returns its length, or 1
 * with *cp = 0xFFFD for a malformed byte, so the caller always advances. */
static size_t utf8_next(const unsigned char *s, size_t n, unsigned *cp)
{
    uint32_t v;
    size_t len = mg_utf8_decode(s, n, &v);
    *cp = len ? v : 0xFFFD;
    return len ? len : 1;
}

/* raw -> ASCII letters, digits and ' ' separators, written to `out`, which
 * has room for strlen(raw) bytes: no code point becomes more bytes than it is
 * written in (a fold is at most two letters, for a code point of two bytes or
 * more). Returns the number written. ASCII bytes, nearly all of a catalogue's
 * names, take no decoding and no table. */
static size_t fold_ascii(char *out, const char *raw, size_t n)
{
    const unsigned char *s = (const unsigned char *)raw;
    char *o = out;
    while (n > 0) {
        if (*s < 0x80) {
            char ch = (char)*s++;
            n--;
            *o++ = is_alnum(ch) ? ch : ' ';
            continue;
        }
        unsigned cp;
        size_t len = utf8_next(s, n, &cp);
        s += len;
        n -= len;
        const char *rep = NULL;
        for (size_t i = 0; i < sizeof fold_table / sizeof fold_table[0]; i++)
            if (fold_table[i].cp == cp) {
                rep = fold_table[i].ascii;
                break;
            }
        /* A folded letter continues the word it is in ("Müller" stays one
         * word), so a replacement starting upper-case after a letter is
         * lowered to avoid a false word boundary. */
        if (rep) {
            for (const char *r = rep; *r; r++) {
                char c = *r;
                if (r == rep && o > out && is_alnum(o[-1]) && !is_upper(o[-1]))
                    c = to_lower(c);
                *o++ = c;
            }
        } else {
            *o++ = ' ';
        }
    }
    return (size_t)(o - out);
}

/* split_into for any text: fold_ascii makes it ASCII letters, digits and
 * ' ' separators first, then words end at separators and at the case
 * changes names.h describes. */
static int split_folded(char *out, size_t *len, const char *raw, size_t rn)
{
    char stack[256];
    char *a = rn < sizeof stack ? stack : mg_xmalloc(rn + 1);
    size_t n = fold_ascii(a, raw, rn);
    const char *s = a;
    char *o = out;
    int count = 0;
    size_t i = 0;
    while (i < n) {
        while (i < n && s[i] == ' ')
            i++;
        if (i >= n)
            break;
        size_t start = i++;
        while (i < n && s[i] != ' ') {
            char prev = s[i - 1], c = s[i];
            char next = i + 1 < n ? s[i + 1] : ' ';
            if (is_upper(c) && (is_lower(prev) || is_digit(prev)))
                break;
            if (is_upper(c) && is_upper(prev) && is_lower(next))
                break;
            i++;
        }
        for (size_t k = start; k < i; k++)
            *o++ = to_lower(s[k]);
        *o++ = '\0';
        count++;
    }
    *len = (size_t)(o - out);
    if (a != stack)
        free(a);
    return count;
}

/* The class of each byte for split_into: a separator, a lower-case or
 * upper-case ASCII letter, a digit, or a byte of a UTF-8 sequence (which
 * needs fold_ascii). */
enum { BC_S, BC_L, BC_U, BC_D, BC_H };
static const unsigned char byte_class[256] = {
    BC_S, BC_S, BC_S, BC_S, BC_S, BC_S, BC_S, BC_S, BC_S, BC_S, BC_S, BC_S, BC_S, BC_S, BC_S, BC_S,
    BC_S, BC_S, BC_S, BC_S, BC_S, BC_S, BC_S, BC_S, BC_S, BC_S, BC_S, BC_S, BC_S, BC_S, BC_S, BC_S,
    BC_S, BC_S, BC_S, BC_S, BC_S, BC_S, BC_S, BC_S, BC_S, BC_S, BC_S, BC_S, BC_S, BC_S, BC_S, BC_S,
    BC_D, BC_D, BC_D, BC_D, BC_D, BC_D, BC_D, BC_D, BC_D, BC_D, BC_S, BC_S, BC_S, BC_S, BC_S, BC_S,
    BC_S, BC_U, BC_U, BC_U, BC_U, BC_U, BC_U, BC_U, BC_U, BC_U, BC_U, BC_U, BC_U, BC_U, BC_U, BC_U,
    BC_U, BC_U, BC_U, BC_U, BC_U, BC_U, BC_U, BC_U, BC_U, BC_U, BC_U, BC_S, BC_S, BC_S, BC_S, BC_S,
    BC_S, BC_L, BC_L, BC_L, BC_L, BC_L, BC_L, BC_L, BC_L, BC_L, BC_L, BC_L, BC_L, BC_L, BC_L, BC_L,
    BC_L, BC_L, BC_L, BC_L, BC_L, BC_L, BC_L, BC_L, BC_L, BC_L, BC_L, BC_S, BC_S, BC_S, BC_S, BC_S,
    BC_H, BC_H, BC_H, BC_H, BC_H, BC_H, BC_H, BC_H, BC_H, BC_H, BC_H, BC_H, BC_H, BC_H, BC_H, BC_H,
    BC_H, BC_H, BC_H, BC_H, BC_H, BC_H, BC_H, BC_H, BC_H, BC_H, BC_H, BC_H, BC_H, BC_H, BC_H, BC_H,
    BC_H, BC_H, BC_H, BC_H, BC_H, BC_H, BC_H, BC_H, BC_H, BC_H, BC_H, BC_H, BC_H, BC_H, BC_H, BC_H,
    BC_H, BC_H, BC_H, BC_H, BC_H, BC_H, BC_H, BC_H, BC_H, BC_H, BC_H, BC_H, BC_H, BC_H, BC_H, BC_H,
    BC_H, BC_H, BC_H, BC_H, BC_H, BC_H, BC_H, BC_H, BC_H, BC_H, BC_H, BC_H, BC_H, BC_H, BC_H, BC_H,
    BC_H, BC_H, BC_H, BC_H, BC_H, BC_H, BC_H, BC_H, BC_H, BC_H, BC_H, BC_H, BC_H, BC_H, BC_H, BC_H,
    BC_H, BC_H, BC_H, BC_H, BC_H, BC_H, BC_H, BC_H, BC_H, BC_H, BC_H, BC_H, BC_H, BC_H, BC_H, BC_H,
    BC_H, BC_H, BC_H, BC_H, BC_H, BC_H, BC_H, BC_H, BC_H, BC_H, BC_H, BC_H, BC_H, BC_H, BC_H, BC_H,
};

/* Splits `raw` (rn bytes) into words, each written lower-cased and followed
 * by '\0', into `out`, which has room for 2 * rn bytes: the words take at
 * most twice the folded bytes (each byte a word and its '\0'). Sets *len to
 * the bytes written; returns the number of words. ASCII text, nearly every
 * name of a catalogue, is split in one pass by byte class, with the rules
 * of split_folded; the first byte of a UTF-8 sequence hands the whole name
 * to split_folded, which folds it first (three passes over each name were a
 * third of making the model's names). */
static int split_into(char *out, size_t *len, const char *raw, size_t rn)
{
    const unsigned char *s = (const unsigned char *)raw;
    char *o = out;
    int count = 0, prev = BC_S;
    for (size_t i = 0; i < rn; i++) {
        int k = byte_class[s[i]];
        if (k == BC_S) {
            if (prev != BC_S)
                *o++ = '\0';
            prev = BC_S;
            continue;
        }
        if (k == BC_H)
            return split_folded(out, len, raw, rn);
        if (prev == BC_S)
            count++;
        else if (k == BC_U && (prev != BC_U || (i + 1 < rn && byte_class[s[i + 1]] == BC_L))) {
            /* "fileDownload", "v2Go": after a lower-case letter or a digit;
             * "HTTPServer": the last capital of an acronym before a word */
            *o++ = '\0';
            count++;
        }
        *o++ = (char)(k == BC_U ? s[i] | 0x20 : s[i]);
        prev = k;
    }
    if (prev != BC_S)
        *o++ = '\0';
    *len = (size_t)(o - out);
    return count;
}

/* Splits into words, each appended lower-cased and followed by '\0'. Returns
 * the number of words. */
static int split_words(mg_buf *words, const char *raw)
{
    size_t rn = strlen(raw), len;
    mg_buf_reserve(words, 2 * rn);
    int count = split_into(words->data + words->len, &len, raw, rn);
    words->len += len;
    words->data[words->len] = '\0';
    return count;
}

/* The room join_into needs for `count` words taking `wlen` bytes (their
 * '\0's included): a leading '_', the words, count - 1 separators, the NUL. */
static size_t join_room(size_t wlen, int count)
{
    return 1 + (count > 0 ? wlen : 1);
}

/* 0x80 in each byte of x that is 0, 0 in the others (exact for every byte,
 * unlike the usual "has a zero byte" test, whose borrow can mark a 0x01
 * above a zero). */
static inline uint64_t zero_bytes(uint64_t x)
{
    const uint64_t low7 = 0x7F7F7F7F7F7F7F7FULL;
    return ~(((x & low7) + low7) | x | low7);
}

/* The words `w` (n bytes) with every '\0' made `sep` and, with `upper`,
 * every letter upper-cased, into `o`: eight bytes at a time, since words
 * hold only lower-case letters (0x61-0x7A, the only bytes with 0x40 set) and
 * digits. Hoisted type names run to 60 bytes and more; byte by byte, the
 * three casings made this way were a quarter of making a name. */
static void map_words(char *o, const char *w, size_t n, char sep, int upper)
{
    const uint64_t ones = 0x0101010101010101ULL;
    size_t k = 0;
    for (; k + 8 <= n; k += 8) {
        uint64_t x;
        memcpy(&x, w + k, 8);
        if (upper)
            x ^= (x & (ones * 0x40)) >> 1; /* clears 0x20 of the letters */
        x |= (zero_bytes(x) >> 7) * (uint64_t)(unsigned char)sep; /* no carries: sep < 0x80 */
        memcpy(o + k, &x, 8);
    }
    for (; k < n; k++)
        o[k] = w[k] ? (upper ? to_upper(w[k]) : w[k]) : sep;
}

/* Joins the words `w` (wlen bytes, split_into's form) in casing `c` into
 * `out`, NUL-terminated; returns the length. One loop per kind of casing:
 * names are made for every type, field and enum value, six casings each.
 * Words hold lower-case letters and digits only. */
static size_t join_bare(char *out, const char *w, size_t wlen, int count, mg_case c);

static size_t join_into(char *out, const char *w, size_t wlen, int count, mg_case c)
{
    char *o = out;
    if (count > 0 && c != MG_CASE_KEBAB && is_digit(w[0]))
        *o++ = '_';
    return (size_t)(o - out) + join_bare(o, w, wlen, count, c);
}

/* join_into without the '_' a leading digit gets. */
static size_t join_bare(char *out, const char *w, size_t wlen, int count, mg_case c)
{
    char *o = out;
    size_t n = count > 0 ? wlen - 1 : 0; /* all but the last '\0' */
    if (c == MG_CASE_SNAKE || c == MG_CASE_KEBAB || c == MG_CASE_SCREAMING) {
        map_words(o, w, n, c == MG_CASE_KEBAB ? '-' : '_', c == MG_CASE_SCREAMING);
        o += n;
    } else { /* Pascal: every word's initial upper-case; camel: all but the first's */
        int up = c == MG_CASE_PASCAL;
        for (size_t k = 0; k < n; k++) {
            char ch = w[k];
            if (!ch) {
                up = 1;
                continue;
            }
            *o++ = up ? to_upper(ch) : ch;
            up = 0;
        }
    }
    *o = '\0';
    return (size_t)(o - out);
}

/* Joins the words in casing `c`, in a block of its own. */
static char *join_words(const mg_buf *words, int count, mg_case c)
{
    char *out = mg_xmalloc(join_room(words->len, count));
    join_into(out, words->data, words->len, count, c);
    return out;
}

char *mg_name_case_new(const char *raw, mg_case c)
{
    if (c == MG_CASE_RAW)
        return mg_xstrdup(raw);
    mg_buf words;
    mg_buf_init(&words);
    int count = split_words(&words, raw);
    char *s = join_words(&words, count, c);
    mg_buf_fini(&words);
    return s;
}

void mg_name_init(mg_name *n, const char *raw)
{
    mg_buf words;
    mg_buf_init(&words);
    int count = split_words(&words, raw);
    for (int c = 0; c < MG_CASE_COUNT; c++)
        n->s[c] = c == MG_CASE_RAW ? mg_xstrdup(raw) : join_words(&words, count, (mg_case)c);
    mg_buf_fini(&words);
}

/* mg_name_init_with and mg_name_init_joined make the Pascal casing from the
 * camel one, which their loops over the casings make first. */
_Static_assert(MG_CASE_CAMEL < MG_CASE_PASCAL, "camel is made before Pascal");

void mg_name_init_with(mg_name *n, const char *raw, void *(*alloc)(void *ctx, size_t size), void *ctx)
{
    size_t rn = strlen(raw), wlen;
    char stack[512];
    char *w = 2 * rn < sizeof stack ? stack : mg_xmalloc(2 * rn + 1);
    int count = split_into(w, &wlen, raw, rn);
    size_t room = join_room(wlen, count);
    char *o = alloc(ctx, (MG_CASE_COUNT - 1) * room + rn + 1);
    size_t camel_len = 0;
    for (int c = 0; c < MG_CASE_COUNT; c++) {
        n->s[c] = o;
        if (c == MG_CASE_RAW) {
            memcpy(o, raw, rn + 1);
            o += rn + 1;
        } else if (c == MG_CASE_PASCAL) {
            /* The camel casing (made just before) with its first byte
             * upper-cased: the two differ only in the first word's initial
             * (a '_' before a digit, or a digit, stays as it is). Joining the
             * words a byte at a time again was a tenth of making a name. */
            memcpy(o, n->s[MG_CASE_CAMEL], camel_len + 1);
            o[0] = to_upper(o[0]);
            o += camel_len + 1;
        } else {
            size_t len = join_into(o, w, wlen, count, (mg_case)c);
            if (c == MG_CASE_CAMEL)
                camel_len = len;
            o += len + 1;
        }
    }
    if (w != stack)
        free(w);
}

int mg_name_init_joined(mg_name *n, const char *raw, const mg_name *parent, const char *suffix,
                        void *(*alloc)(void *ctx, size_t size), void *ctx)
{
    char stack[512];
    size_t sn = strlen(suffix), wlen;
    if (2 * sn >= sizeof stack || !parent->s[MG_CASE_SNAKE][0])
        return -1;
    int count = split_into(stack, &wlen, suffix, sn);
    if (count == 0)
        return -1;
    size_t rn = strlen(raw), plen[MG_CASE_COUNT], total = rn + 1;
    for (int c = 0; c < MG_CASE_COUNT; c++)
        if (c != MG_CASE_RAW) {
            plen[c] = strlen(parent->s[c]);
            total += plen[c] + 1 + wlen; /* the parent's, a separator, the suffix's words and NUL */
        }
    char *o = alloc(ctx, total);
    const char *sfx = NULL; /* the suffix's words in Pascal casing, in the camel casing */
    size_t sfx_len = 0;
    for (int c = 0; c < MG_CASE_COUNT; c++) {
        n->s[c] = o;
        if (c == MG_CASE_RAW) {
            memcpy(o, raw, rn + 1);
            o += rn + 1;
            continue;
        }
        memcpy(o, parent->s[c], plen[c]);
        o += plen[c];
        if (c == MG_CASE_SNAKE || c == MG_CASE_SCREAMING)
            *o++ = '_';
        else if (c == MG_CASE_KEBAB)
            *o++ = '-';
        if (c == MG_CASE_PASCAL) {
            /* The suffix's words as the camel casing (just made) has them. */
            memcpy(o, sfx, sfx_len + 1);
            o += sfx_len + 1;
            continue;
        }
        /* camel: the words after the parent's first are capitalised, as in Pascal */
        size_t len = join_bare(o, stack, wlen, count, c == MG_CASE_CAMEL ? MG_CASE_PASCAL : (mg_case)c);
        if (c == MG_CASE_CAMEL) {
            sfx = o;
            sfx_len = len;
        }
        o += len + 1;
    }
    return 0;
}

void mg_name_fini(mg_name *n)
{
    for (int c = 0; c < MG_CASE_COUNT; c++) {
        free(n->s[c]);
        n->s[c] = NULL;
    }
}

int mg_name_is_empty(const mg_name *n)
{
    return n->s[MG_CASE_SNAKE][0] == '\0';
}

static const char *const case_keys[MG_CASE_COUNT] = {"snake", "camel", "pascal",
                                                     "screaming", "kebab", "raw"};

const char *mg_case_key(mg_case c)
{
    return (unsigned)c < MG_CASE_COUNT ? case_keys[c] : "raw";
}

int mg_case_parse(const char *style, mg_case *out)
{
    static const struct {
        const char *name;
        mg_case c;
    } styles[] = {
        {"snake", MG_CASE_SNAKE},         {"snake_case", MG_CASE_SNAKE},
        {"camel", MG_CASE_CAMEL},         {"camelCase", MG_CASE_CAMEL},
        {"pascal", MG_CASE_PASCAL},       {"Pascal", MG_CASE_PASCAL},
        {"PascalCase", MG_CASE_PASCAL},   {"screaming", MG_CASE_SCREAMING},
        {"screaming_snake", MG_CASE_SCREAMING}, {"SCREAMING_SNAKE", MG_CASE_SCREAMING},
        {"kebab", MG_CASE_KEBAB},         {"kebab-case", MG_CASE_KEBAB},
        {"raw", MG_CASE_RAW},
    };
    for (size_t i = 0; style && i < sizeof styles / sizeof styles[0]; i++)
        if (strcmp(style, styles[i].name) == 0) {
            *out = styles[i].c;
            return 0;
        }
    return -1;
}

int mg_names_is_reserved(const cJSON *reserved, const char *id)
{
    const cJSON *w;
    if (!cJSON_IsArray(reserved))
        return 0;
    cJSON_ArrayForEach(w, reserved)
        if (cJSON_IsString(w) && strcmp(w->valuestring, id) == 0)
            return 1;
    return 0;
}
