/* format.c - the format checkers of format.h: one source for msggen and for
 * every generated C library.
 *
 * This file is compiled into msggen and is also pasted, byte for byte, into
 * each generated <prefix>_runtime.c (the build copies it to
 * templates/c/partials/format.mustache, which runtime.c.mustache includes).
 * There MG_FORMAT_API is defined as `static` first, so nothing here becomes
 * a symbol of the user's library and two generated libraries link together.
 * Hence the rules for this file: C11 and libc/PCRE2 only, every helper
 * static, no two opening braces in a row (it is a mustache partial too,
 * and make refuses them), and every static function used by one of the
 * public checkers at the end (the runtime is built with -Wall -Wextra). */
#ifndef MG_FORMAT_API
#define MG_FORMAT_API
#define PCRE2_CODE_UNIT_WIDTH 8
#include "format.h"
#endif

#include <ctype.h>
#include <pcre2.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* ---- URIs (RFC 3986) ------------------------------------------------------ */

/* Byte classes for the URI and UUID checks (RFC 3986 section 2, 3), one
 * table lookup per byte and a mask per URI part instead of ctype and strchr
 * calls. A constant initialiser: no locale, no lazy set-up, thread-safe. Bytes
 * not listed (controls, space, '"', '%', '<', '>', '[', '\\', ']', '^', '`',
 * '{', '|', '}', DEL and every byte >= 0x80) are in no class; '%' is handled
 * by uri_chars itself. */
enum {
    CC_PLAIN = 0x01,  /* unreserved and sub-delims: allowed in every part */
    CC_COLON = 0x02,  /* ':' */
    CC_AT = 0x04,     /* '@' */
    CC_SLASH = 0x08,  /* '/' */
    CC_QMARK = 0x10,  /* '?' */
    CC_HEX = 0x20,    /* 0-9 A-F a-f */
    CC_SCHEME = 0x40, /* A-Z a-z 0-9 '+' '-' '.': a scheme after its first letter */
    CC_END = 0x80,    /* '#' and NUL: with '/' and '?', where a part of a URI ends */
};

#define CC_H (CC_PLAIN | CC_HEX | CC_SCHEME) /* hex digit */
#define CC_L (CC_PLAIN | CC_SCHEME)          /* other letter */
static const unsigned char char_class[256] = {
    ['\0'] = CC_END, ['#'] = CC_END,
    ['0'] = CC_H, ['1'] = CC_H, ['2'] = CC_H, ['3'] = CC_H, ['4'] = CC_H,
    ['5'] = CC_H, ['6'] = CC_H, ['7'] = CC_H, ['8'] = CC_H, ['9'] = CC_H,
    ['A'] = CC_H, ['B'] = CC_H, ['C'] = CC_H, ['D'] = CC_H, ['E'] = CC_H, ['F'] = CC_H,
    ['a'] = CC_H, ['b'] = CC_H, ['c'] = CC_H, ['d'] = CC_H, ['e'] = CC_H, ['f'] = CC_H,
    ['G'] = CC_L, ['H'] = CC_L, ['I'] = CC_L, ['J'] = CC_L, ['K'] = CC_L, ['L'] = CC_L,
    ['M'] = CC_L, ['N'] = CC_L, ['O'] = CC_L, ['P'] = CC_L, ['Q'] = CC_L, ['R'] = CC_L,
    ['S'] = CC_L, ['T'] = CC_L, ['U'] = CC_L, ['V'] = CC_L, ['W'] = CC_L, ['X'] = CC_L,
    ['Y'] = CC_L, ['Z'] = CC_L,
    ['g'] = CC_L, ['h'] = CC_L, ['i'] = CC_L, ['j'] = CC_L, ['k'] = CC_L, ['l'] = CC_L,
    ['m'] = CC_L, ['n'] = CC_L, ['o'] = CC_L, ['p'] = CC_L, ['q'] = CC_L, ['r'] = CC_L,
    ['s'] = CC_L, ['t'] = CC_L, ['u'] = CC_L, ['v'] = CC_L, ['w'] = CC_L, ['x'] = CC_L,
    ['y'] = CC_L, ['z'] = CC_L,
    ['-'] = CC_PLAIN | CC_SCHEME, ['.'] = CC_PLAIN | CC_SCHEME, ['_'] = CC_PLAIN, ['~'] = CC_PLAIN,
    ['+'] = CC_PLAIN | CC_SCHEME, ['!'] = CC_PLAIN, ['$'] = CC_PLAIN, ['&'] = CC_PLAIN,
    ['\''] = CC_PLAIN, ['('] = CC_PLAIN, [')'] = CC_PLAIN, ['*'] = CC_PLAIN, [','] = CC_PLAIN,
    [';'] = CC_PLAIN, ['='] = CC_PLAIN,
    [':'] = CC_COLON, ['@'] = CC_AT, ['/'] = CC_SLASH, ['?'] = CC_QMARK,
};
#undef CC_H
#undef CC_L

static int char_is(int ch, unsigned mask) { return (char_class[(unsigned char)ch] & mask) != 0; }

/* ---- formats (RFC 3339, 5321, 1123 + IDNA2008 checks, 4291, 3986, 4122) --- */

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* ---- dates and times (RFC 3339) ---------------------------------------- */

static int digits(const char *s, int n, int *val)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return 0;
        v = v * 10 + (s[i] - '0');
    }
    *val = v;
    return 1;
}

/* RFC 3339 full-date; returns the number of bytes used (10) or 0. */
static int parse_date(const char *s)
{
    int y, m, d;
    if (!digits(s, 4, &y) || s[4] != '-' || !digits(s + 5, 2, &m) || s[7] != '-' ||
        !digits(s + 8, 2, &d))
        return 0;
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m < 1 || m > 12 || d < 1)
        return 0;
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    int max = mdays[m - 1] + (m == 2 && leap);
    return d <= max ? 10 : 0;
}

/* RFC 3339 full-time with the leap-second rule: second 60 only when the time
 * in UTC is 23:59. Returns 1 when all of s is a full-time. */
static int parse_time(const char *s)
{
    int h, mi, sec, oh = 0, om = 0, sign = 0;
    if (!digits(s, 2, &h) || s[2] != ':' || !digits(s + 3, 2, &mi) || s[5] != ':' ||
        !digits(s + 6, 2, &sec))
        return 0;
    s += 8;
    if (*s == '.') {
        s++;
        if (!isdigit((unsigned char)*s))
            return 0;
        while (isdigit((unsigned char)*s))
            s++;
    }
    if (*s == 'Z' || *s == 'z')
        s++;
    else if (*s == '+' || *s == '-') {
        sign = *s == '+' ? 1 : -1;
        if (!digits(s + 1, 2, &oh) || s[3] != ':' || !digits(s + 4, 2, &om))
            return 0;
        s += 6;
    } else
        return 0;
    if (*s || h > 23 || mi > 59 || sec > 60 || oh > 23 || om > 59)
        return 0;
    if (sec == 60) {
        int utc = ((h * 60 + mi - sign * (oh * 60 + om)) % 1440 + 1440) % 1440;
        if (utc != 23 * 60 + 59)
            return 0;
    }
    return 1;
}

static int is_date_time(const char *s)
{
    if (!parse_date(s) || (s[10] != 'T' && s[10] != 't'))
        return 0;
    return parse_time(s + 11);
}

/* A dotted-decimal IPv4 address of exactly s[0..n): 4 parts, 0-255, no
 * leading zeros, ASCII digits only. */
static int is_ipv4_n(const char *s, size_t n)
{
    int parts = 0;
    size_t i = 0;
    while (parts < 4) {
        size_t start = i;
        int v = 0;
        while (i < n && s[i] >= '0' && s[i] <= '9' && i - start < 3)
            v = v * 10 + (s[i++] - '0');
        size_t len = i - start;
        if (len == 0 || (len > 1 && s[start] == '0') || v > 255)
            return 0;
        parts++;
        if (parts < 4) {
            if (i >= n || s[i] != '.')
                return 0;
            i++;
        }
    }
    return i == n;
}

static int is_ipv6_n(const char *s, size_t n)
{
    int groups = 0, dbl = 0;
    size_t i = 0;
    if (n >= 2 && s[0] == ':' && s[1] == ':') {
        dbl = 1;
        i = 2;
        if (i == n)
            return 1;
    } else if (n >= 1 && s[0] == ':')
        return 0;
    while (i < n) {
        size_t start = i;
        while (i < n && hexval(s[i]) >= 0 && i - start < 5)
            i++;
        if (i < n && s[i] == '.') {
            /* An embedded IPv4 address ends the address and counts as two groups. */
            if (!is_ipv4_n(s + start, n - start))
                return 0;
            groups += 2;
            break;
        }
        size_t len = i - start;
        if (len == 0 || len > 4)
            return 0;
        groups++;
        if (i == n)
            break;
        if (s[i] != ':')
            return 0;
        i++;
        if (i < n && s[i] == ':') {
            if (dbl)
                return 0;
            dbl = 1;
            i++;
            if (i == n)
                break;
        } else if (i == n)
            return 0; /* trailing single colon */
    }
    return dbl ? groups <= 7 : groups == 8;
}

/* RFC 3492 Punycode: decodes the part of an A-label after "xn--" into code
 * points. Returns the count, or -1 when the text is not valid Punycode. */
static int punycode_decode(const char *in, size_t n, uint32_t *out, int max)
{
    enum { BASE = 36, TMIN = 1, TMAX = 26, SKEW = 38, DAMP = 700 };
    size_t b = 0;
    for (size_t j = 0; j < n; j++)
        if (in[j] == '-')
            b = j;
    int len = 0;
    for (size_t j = 0; j < b; j++) {
        if (len >= max || (unsigned char)in[j] >= 0x80)
            return -1;
        out[len++] = (unsigned char)in[j];
    }
    uint32_t code = 128, bias = 72, i = 0;
    for (size_t p = b > 0 ? b + 1 : 0; p < n;) {
        uint32_t oldi = i, w = 1;
        for (uint32_t k = BASE;; k += BASE) {
            if (p >= n)
                return -1;
            int ch = (unsigned char)in[p++], digit;
            if (ch >= '0' && ch <= '9')
                digit = ch - '0' + 26;
            else if (ch >= 'a' && ch <= 'z')
                digit = ch - 'a';
            else if (ch >= 'A' && ch <= 'Z')
                digit = ch - 'A';
            else
                return -1;
            if ((uint32_t)digit > (UINT32_MAX - i) / w)
                return -1;
            i += (uint32_t)digit * w;
            uint32_t t = k <= bias ? TMIN : k >= bias + TMAX ? TMAX : k - bias;
            if ((uint32_t)digit < t)
                break;
            if (w > UINT32_MAX / (BASE - t))
                return -1;
            w *= BASE - t;
        }
        /* Adapt the bias (RFC 3492 section 6.1). */
        uint32_t delta = oldi == 0 ? (i - oldi) / DAMP : (i - oldi) / 2;
        delta += delta / (uint32_t)(len + 1);
        uint32_t k = 0;
        while (delta > ((BASE - TMIN) * TMAX) / 2) {
            delta /= BASE - TMIN;
            k += BASE;
        }
        bias = k + (BASE - TMIN + 1) * delta / (delta + SKEW);
        if (i / (uint32_t)(len + 1) > 0x10FFFF - code)
            return -1;
        code += i / (uint32_t)(len + 1);
        i %= (uint32_t)(len + 1);
        if (len >= max || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF))
            return -1;
        memmove(out + i + 1, out + i, (size_t)(len - (int)i) * sizeof *out);
        out[i++] = code;
        len++;
    }
    return len;
}

static int in_ranges(uint32_t c, const uint32_t (*r)[2], size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (c >= r[i][0] && c <= r[i][1])
            return 1;
    return 0;
}

/* Combining marks (general categories Mn, Mc, Me) of the common scripts: a
 * label may not start with one (RFC 5891 section 5.4). Not the full Unicode
 * table; see docs/validation.md. */
static const uint32_t combining[][2] = {
    {0x0300, 0x036F}, {0x0483, 0x0489}, {0x0591, 0x05BD}, {0x05BF, 0x05BF}, {0x05C1, 0x05C2},
    {0x05C4, 0x05C5}, {0x05C7, 0x05C7}, {0x0610, 0x061A}, {0x064B, 0x065F}, {0x0670, 0x0670},
    {0x06D6, 0x06DC}, {0x06DF, 0x06E4}, {0x06E7, 0x06E8}, {0x06EA, 0x06ED}, {0x0711, 0x0711},
    {0x0730, 0x074A}, {0x07A6, 0x07B0}, {0x07EB, 0x07F3}, {0x0816, 0x082D}, {0x0859, 0x085B},
    {0x08D3, 0x0903}, {0x093A, 0x093C}, {0x093E, 0x094F}, {0x0951, 0x0957}, {0x0962, 0x0963},
    {0x0981, 0x0983}, {0x09BC, 0x09BC}, {0x09BE, 0x09CD}, {0x09D7, 0x09D7}, {0x09E2, 0x09E3},
    {0x0A01, 0x0A03}, {0x0A3C, 0x0A51}, {0x0A70, 0x0A71}, {0x0A75, 0x0A75}, {0x0A81, 0x0A83},
    {0x0ABC, 0x0ABC}, {0x0ABE, 0x0ACD}, {0x0AE2, 0x0AE3}, {0x0B01, 0x0B03}, {0x0B3C, 0x0B3C},
    {0x0B3E, 0x0B57}, {0x0B62, 0x0B63}, {0x0B82, 0x0B82}, {0x0BBE, 0x0BCD}, {0x0BD7, 0x0BD7},
    {0x0C00, 0x0C04}, {0x0C3E, 0x0C56}, {0x0C62, 0x0C63}, {0x0C81, 0x0C83}, {0x0CBC, 0x0CBC},
    {0x0CBE, 0x0CD6}, {0x0CE2, 0x0CE3}, {0x0D00, 0x0D03}, {0x0D3B, 0x0D3C}, {0x0D3E, 0x0D4D},
    {0x0D57, 0x0D57}, {0x0D62, 0x0D63}, {0x0D82, 0x0D83}, {0x0DCA, 0x0DDF}, {0x0DF2, 0x0DF3},
    {0x0E31, 0x0E31}, {0x0E34, 0x0E3A}, {0x0E47, 0x0E4E}, {0x0EB1, 0x0EB1}, {0x0EB4, 0x0EBC},
    {0x0EC8, 0x0ECD}, {0x0F18, 0x0F19}, {0x0F35, 0x0F35}, {0x0F37, 0x0F37}, {0x0F39, 0x0F39},
    {0x0F3E, 0x0F3F}, {0x0F71, 0x0F84}, {0x0F86, 0x0F87}, {0x0F8D, 0x0FBC}, {0x0FC6, 0x0FC6},
    {0x102B, 0x103E}, {0x1056, 0x1059}, {0x135D, 0x135F}, {0x1712, 0x1714}, {0x17B4, 0x17D3},
    {0x180B, 0x180D}, {0x1A17, 0x1A1B}, {0x1AB0, 0x1AFF}, {0x1B00, 0x1B04}, {0x1B34, 0x1B44},
    {0x1DC0, 0x1DFF}, {0x20D0, 0x20F0}, {0x2CEF, 0x2CF1}, {0x2DE0, 0x2DFF}, {0x302A, 0x302F},
    {0x3099, 0x309A}, {0xA66F, 0xA672}, {0xA674, 0xA67D}, {0xA69E, 0xA69F}, {0xA8E0, 0xA8F1},
    {0xFB1E, 0xFB1E}, {0xFE00, 0xFE0F}, {0xFE20, 0xFE2F}, {0x1D165, 0x1D169}, {0xE0100, 0xE01EF},
};

/* Viramas (canonical combining class 9), for the ZERO WIDTH JOINER rule. */
static const uint32_t viramas[] = {0x094D, 0x09CD, 0x0A4D, 0x0ACD, 0x0B4D, 0x0BCD, 0x0C4D,
                                   0x0CCD, 0x0D3B, 0x0D3C, 0x0D4D, 0x0DCA, 0x0E3A, 0x0EBA,
                                   0x0F84, 0x1039, 0x103A, 0x1714, 0x1734, 0x17D2, 0x1A60,
                                   0x1B44, 0x1BAA, 0x1BAB, 0x1BF2, 0x1BF3, 0x2D7F, 0xA806,
                                   0xA8C4, 0xA953, 0xA9C0, 0xAAF6, 0xABED};

static int is_virama(uint32_t c)
{
    for (size_t i = 0; i < sizeof viramas / sizeof viramas[0]; i++)
        if (viramas[i] == c)
            return 1;
    return 0;
}

static int is_greek(uint32_t c) { return (c >= 0x0370 && c <= 0x03FF) || (c >= 0x1F00 && c <= 0x1FFF); }
static int is_hebrew(uint32_t c) { return c >= 0x0590 && c <= 0x05FF; }

static int is_kana_or_han(uint32_t c)
{
    return (c >= 0x3040 && c <= 0x30FF && c != 0x30FB) || (c >= 0x3400 && c <= 0x4DBF) ||
           (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0xF900 && c <= 0xFAFF) ||
           (c >= 0x20000 && c <= 0x2FFFF) || (c >= 0x2E80 && c <= 0x2FDF) || c == 0x3005 ||
           c == 0x3006 || c == 0x3007;
}

/* The IDNA2008 rules we check on an "xn--" label (RFC 5891, RFC 5892): valid
 * Punycode, no hyphens in both the third and fourth place, no leading
 * combining mark, none of the DISALLOWED exceptions, and the CONTEXTJ/CONTEXTO
 * rules. Not the full PVALID derivation, which needs Unicode property tables. */
static int is_a_label(const char *s, size_t n)
{
    uint32_t cp[64];
    int len = punycode_decode(s + 4, n - 4, cp, 64);
    if (len <= 0)
        return 0;
    if (len >= 4 && cp[2] == '-' && cp[3] == '-')
        return 0;
    if (in_ranges(cp[0], combining, sizeof combining / sizeof combining[0]))
        return 0;
    int arabic = 0, extended = 0, kana = 0, katakana_dot = 0;
    for (int i = 0; i < len; i++) {
        uint32_t c = cp[i], prev = i > 0 ? cp[i - 1] : 0, next = i + 1 < len ? cp[i + 1] : 0;
        if (c == 0x0640 || c == 0x07FA || c == 0x302E || c == 0x302F ||
            (c >= 0x3031 && c <= 0x3035) || c == 0x303B)
            return 0;
        if (c == 0x00B7 && (prev != 'l' || next != 'l'))
            return 0;
        if (c == 0x0375 && !is_greek(next))
            return 0;
        if ((c == 0x05F3 || c == 0x05F4) && !is_hebrew(prev))
            return 0;
        if (c == 0x200D && !is_virama(prev))
            return 0;
        arabic |= c >= 0x0660 && c <= 0x0669;
        extended |= c >= 0x06F0 && c <= 0x06F9;
        kana |= is_kana_or_han(c);
        katakana_dot |= c == 0x30FB;
    }
    if ((arabic && extended) || (katakana_dot && !kana))
        return 0;
    return 1;
}

static int is_hostname(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 253)
        return 0;
    size_t label = 0;
    for (size_t i = 0; i <= n; i++) {
        char ch = s[i];
        if (ch == '.' || ch == '\0') {
            if (label == 0 || label > 63 || s[i - 1] == '-')
                return 0;
            if (label > 4 && strncasecmp(s + i - label, "xn--", 4) == 0 &&
                !is_a_label(s + i - label, label))
                return 0;
            label = 0;
            continue;
        }
        if (!(isalnum((unsigned char)ch) || ch == '-') || (unsigned char)ch >= 0x80)
            return 0;
        if (label == 0 && ch == '-')
            return 0;
        label++;
    }
    return 1;
}

static int is_atext(int ch)
{
    return (ch < 0x80 && isalnum(ch)) || (ch && strchr("!#$%&'*+-/=?^_`{|}~", ch));
}

static int is_email(const char *s)
{
    const char *at = strrchr(s, '@');
    if (!at || at == s || !at[1])
        return 0;
    if (s[0] == '"') {
        const char *p = s + 1;
        for (; p < at && *p != '"'; p++) {
            if (*p == '\\' && p + 1 < at)
                p++;
            else if ((unsigned char)*p < 0x20)
                return 0;
        }
        if (p != at - 1 || *p != '"')
            return 0;
    } else {
        int prev_dot = 1;
        for (const char *p = s; p < at; p++) {
            if (*p == '.') {
                if (prev_dot)
                    return 0;
                prev_dot = 1;
            } else if (is_atext((unsigned char)*p))
                prev_dot = 0;
            else
                return 0;
        }
        if (prev_dot)
            return 0;
    }
    const char *dom = at + 1;
    size_t dn = strlen(dom);
    if (dom[0] == '[') {
        if (dom[dn - 1] != ']')
            return 0;
        if (strncmp(dom + 1, "IPv6:", 5) == 0)
            return is_ipv6_n(dom + 6, dn - 7);
        return is_ipv4_n(dom + 1, dn - 2);
    }
    return is_hostname(dom);
}

/* Checks that s[0..n) uses only unreserved, sub-delims, valid %XX and the
 * characters of the classes in `extra` (CC_COLON, CC_AT, CC_SLASH, CC_QMARK). */
static int uri_chars(const char *s, size_t n, unsigned extra)
{
    unsigned mask = CC_PLAIN | extra;
    for (const char *end = s + n; s < end;) {
        if (char_is(*s, mask))
            s++;
        else if (*s == '%' && end - s >= 3 && char_is(s[1], CC_HEX) && char_is(s[2], CC_HEX))
            s += 3;
        else
            return 0;
    }
    return 1;
}

/* Skips the bytes of s in CC_PLAIN or the classes in `extra`, and valid %XX;
 * returns where it stopped. Reads s[2] of a '%' only when s[1] is a hex digit,
 * so never past the terminating NUL. */
static const char *uri_skip(const char *s, unsigned extra)
{
    unsigned mask = CC_PLAIN | extra;
    for (;;) {
        if (char_is(*s, mask))
            s++;
        else if (*s == '%' && char_is(s[1], CC_HEX) && char_is(s[2], CC_HEX))
            s += 3;
        else
            return s;
    }
}

/* scheme ":" ["//" authority] path ["?" query] ["#" fragment], in one pass
 * over the parts (the same verdicts as splitting the URI first and checking
 * each part: '?' and '#' are in no class of the part they end, and no
 * escape runs over them as they are not hex digits). */
static int is_uri(const char *s)
{
    if ((unsigned)(((unsigned char)*s | 0x20) - 'a') >= 26) /* an ASCII letter */
        return 0;
    const char *p = s + 1;
    while (char_is(*p, CC_SCHEME))
        p++;
    if (*p++ != ':')
        return 0;
    if (p[0] == '/' && p[1] == '/') {
        const char *a = p + 2, *at = NULL;
        for (p = a; !char_is(*p, CC_SLASH | CC_QMARK | CC_END); p++)
            if (*p == '@')
                at = p;
        const char *end = p;
        if (at) {
            if (!uri_chars(a, (size_t)(at - a), CC_COLON))
                return 0;
            a = at + 1;
        }
        const char *port = NULL;
        if (*a == '[') {
            const char *close = memchr(a, ']', (size_t)(end - a));
            if (!close)
                return 0;
            if (a[1] == 'v' || a[1] == 'V') {
                if (!uri_chars(a + 1, (size_t)(close - a - 1), CC_COLON))
                    return 0;
            } else if (!is_ipv6_n(a + 1, (size_t)(close - a - 1)))
                return 0;
            if (close + 1 < end) {
                if (close[1] != ':')
                    return 0;
                port = close + 2;
            }
        } else {
            const char *colon = memchr(a, ':', (size_t)(end - a));
            const char *hend = colon ? colon : end;
            if (!uri_chars(a, (size_t)(hend - a), 0))
                return 0;
            if (colon)
                port = colon + 1;
        }
        for (const char *d = port; d && d < end; d++)
            if (*d < '0' || *d > '9')
                return 0;
    }
    /* Without an authority the path cannot start with "//" (that would have
     * been one). */
    p = uri_skip(p, CC_COLON | CC_AT | CC_SLASH);
    if (*p == '?')
        p = uri_skip(p + 1, CC_COLON | CC_AT | CC_SLASH | CC_QMARK);
    if (*p == '#')
        p = uri_skip(p + 1, CC_COLON | CC_AT | CC_SLASH | CC_QMARK);
    return *p == '\0';
}

/* The classes the 4 bytes at s all share (CC_HEX set when all are hex digits). */
static unsigned class4(const char *s)
{
    const unsigned char *u = (const unsigned char *)s;
    return char_class[u[0]] & char_class[u[1]] & char_class[u[2]] & char_class[u[3]];
}

/* 8-4-4-4-12 hex digits, either case. The length first, counted up to 37
 * (not strnlen: plain C11 has none): never reads past the end of a shorter string. */
static int is_uuid(const char *s)
{
    size_t n = 0;
    while (n < 37 && s[n])
        n++;
    if (n != 36 || s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-')
        return 0;
    unsigned all = class4(s) & class4(s + 4) & class4(s + 9) & class4(s + 14) & class4(s + 19) &
                   class4(s + 24) & class4(s + 28) & class4(s + 32);
    return (all & CC_HEX) != 0;
}

/* ---- regex ----------------------------------------------------------------- */

MG_FORMAT_API const uint32_t mg_format_regex_options = PCRE2_UTF | PCRE2_DOLLAR_ENDONLY | PCRE2_ALT_BSUX;

static int is_regex(const char *s)
{
    int err;
    PCRE2_SIZE off;
    pcre2_code *re = pcre2_compile((PCRE2_SPTR)s, PCRE2_ZERO_TERMINATED, mg_format_regex_options, &err, &off, NULL);
    pcre2_code_free(re);
    return re != NULL;
}

/* ---- the checkers ---------------------------------------------------------- */

MG_FORMAT_API int mg_format_date_time(const char *s) { return is_date_time(s); }
MG_FORMAT_API int mg_format_date(const char *s) { return parse_date(s) && s[10] == '\0'; }
MG_FORMAT_API int mg_format_time(const char *s) { return parse_time(s); }
MG_FORMAT_API int mg_format_email(const char *s) { return is_email(s); }
MG_FORMAT_API int mg_format_hostname(const char *s) { return is_hostname(s); }
MG_FORMAT_API int mg_format_ipv4(const char *s) { return is_ipv4_n(s, strlen(s)); }
MG_FORMAT_API int mg_format_ipv6(const char *s) { return is_ipv6_n(s, strlen(s)); }
MG_FORMAT_API int mg_format_uri(const char *s) { return is_uri(s); }
MG_FORMAT_API int mg_format_uuid(const char *s) { return is_uuid(s); }
MG_FORMAT_API int mg_format_regex(const char *s) { return is_regex(s); }
